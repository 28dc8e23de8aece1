//! `greenlight read SOURCE... [--commit]`: articles (files, `-`, URLs, RSS/Atom feeds) in,
//! their claims out; with `--commit`, the decision claims stored in the ledger citing their
//! article, all of the call's in one transaction (a second read of the same articles adds
//! nothing).

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln};
use anyhow::Result;
use greenlight_news::commit::{Committed, Outcome};
use greenlight_news::{Article, ArticleClaims, Dictionary, Limits, Outlets, ReadReport};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files (HTML or plain text), `-` for stdin, http(s) URLs; an RSS/Atom feed is every item.
    #[arg(required = true, value_name = "SOURCE")]
    pub sources: Vec<String>,
    /// Store the decision claims (renewed, canceled, final season, limited series, release
    /// date, premiere) in the ledger, each citing its article: outlet, URL, dateline.
    #[arg(long)]
    pub commit: bool,
    /// The outlets table (default: the built-in crates/news/outlets.toml, or $GREENLIGHT_OUTLETS).
    #[arg(long, value_name = "FILE")]
    pub outlets: Option<PathBuf>,
    #[command(flatten)]
    pub fetch: FetchArgs,
    #[command(flatten)]
    pub json: Json,
}

/// How a SOURCE is read: the limits every fetch and file read obeys.
#[derive(Debug, clap::Args, Clone, Copy)]
pub struct FetchArgs {
    /// Seconds a URL may take, redirects and body included.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// The most bytes read from one SOURCE.
    #[arg(long, value_name = "BYTES", default_value_t = 8 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1..=1 << 30))]
    pub max_bytes: u64,
    /// Redirects a URL may take.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub max_redirects: u32,
}

impl FetchArgs {
    pub fn limits(self) -> Limits {
        Limits {
            max_bytes: self.max_bytes,
            timeout: Duration::from_secs(self.timeout),
            connect_timeout: Duration::from_secs(self.timeout.min(10)),
            max_redirects: self.max_redirects,
            ..Limits::default()
        }
    }
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let limits = a.fetch.limits();
    // The outlets table (only needed to commit) is read first: a bad one stops the call before
    // anything is fetched.
    let outlets = if a.commit {
        Some(Outlets::load(a.outlets.as_deref())?)
    } else {
        None
    };
    // Every source is read before anything is stored, so one bad source changes nothing.
    let mut articles = Vec::new();
    for s in &a.sources {
        articles.extend(greenlight_news::read_source(s, &limits)?);
    }
    let dict = Dictionary::from_store(&cx.store)?;
    let articles: Vec<ArticleClaims> = articles
        .into_iter()
        .map(|article| ArticleClaims {
            claims: greenlight_news::extract(&article, &dict),
            article,
        })
        .collect();
    let commit = match &outlets {
        Some(outlets) => {
            let c = greenlight_news::commit(&mut cx.store, &articles, outlets)?;
            super::after_write(&mut cx.store, "read --commit");
            Some(c)
        }
        None => None,
    };
    let report = ReadReport { articles, commit };
    if a.json.json {
        return output::json(&report);
    }
    for (i, ac) in report.articles.iter().enumerate() {
        outln!("{}", heading(i + 1, &ac.article));
        if ac.claims.is_empty() {
            outln!("  no claims found");
        }
        for c in &ac.claims {
            let quote = ac.article.text.get(c.span.start..c.span.end).unwrap_or("");
            outln!(
                "  {} · {}{}: “{quote}”",
                output::words(c.assertion.kind()),
                c.title,
                c.season
                    .map(|s| format!(", season {s}"))
                    .unwrap_or_default()
            );
        }
    }
    if let Some(r) = &report.commit {
        outln!(
            "committed: {} added, {} already in the ledger, {} not committed",
            r.added,
            r.already_there,
            r.not_committed
        );
        for c in &r.claims {
            outln!("  {}", committed_line(c));
        }
    }
    Ok(())
}

/// "Article 1: Title — Outlet, 2022-11-08 <url>", with what is known.
pub fn heading(n: usize, a: &Article) -> String {
    let mut s = format!(
        "Article {n}: {}",
        a.title.as_deref().unwrap_or("(untitled)")
    );
    let mut meta = Vec::new();
    if let Some(o) = &a.outlet {
        meta.push(o.clone());
    }
    meta.push(match a.published {
        Some(d) => d.to_string(),
        None => "no dateline".into(),
    });
    s.push_str(&format!(" — {}", meta.join(", ")));
    if let Some(u) = &a.url {
        s.push_str(&format!(" <{u}>"));
    }
    s
}

fn committed_line(c: &Committed) -> String {
    let what = match c.outcome {
        Outcome::Added => "added",
        Outcome::AlreadyThere => "already in the ledger",
        Outcome::Skipped | Outcome::Refused => "not committed",
    };
    let id = c
        .hash
        .as_deref()
        .map(|h| format!(" (claim {})", h.get(..12).unwrap_or(h)))
        .unwrap_or_default();
    format!(
        "{what}: {} (article {}, claim {}): {}{id}",
        c.series,
        c.article + 1,
        c.claim + 1,
        c.summary
    )
}
