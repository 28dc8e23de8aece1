//! `greenlight check SOURCE [--as-of DATE]`: one article's claims, each judged against the data
//! and the ledger as of the article's dateline (or `--as-of`): the article's text with every
//! claim highlighted and marked with its verdict, then each claim with the true value and its
//! sources, then the article's own contradictions. Colour only on a terminal (and never with
//! `NO_COLOR`); plain markers otherwise, so a pipe or a file reads the same.

use super::read::FetchArgs;
use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln};
use anyhow::{bail, Result};
use chrono::NaiveDate;
use greenlight_news::{CheckReport, Dictionary, Verdict};
use std::io::IsTerminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A file (HTML or plain text), `-` for stdin, or an http(s) URL: one article.
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// Judge the claims as of this day (default: the article's dateline, else today).
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub as_of: Option<NaiveDate>,
    #[command(flatten)]
    pub fetch: FetchArgs,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let articles = greenlight_news::read_source(&a.source, &a.fetch.limits())?;
    let article = match <[_; 1]>::try_from(articles) {
        Ok([one]) => one,
        Err(v) => bail!(
            "{}: is a feed of {} items; check one article at a time (`greenlight read {}` lists them with their URLs)",
            a.source,
            v.len(),
            a.source
        ),
    };
    let dict = Dictionary::from_store(&cx.store)?;
    let today = chrono::Utc::now().date_naive();
    let report = greenlight_news::check_article(&cx.store, &dict, &article, a.as_of, today)?;
    if a.json.json {
        return output::json(&report);
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    outln!("{}", render(&report, color));
    Ok(())
}

/// The verdict's mark and word.
fn mark(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Verified => ("✓", "verified"),
        Verdict::Contradicted => ("✗", "contradicted"),
        Verdict::Unverifiable => ("?", "unverifiable"),
    }
}

/// ANSI colours of a verdict: green, red, yellow.
fn ansi(v: Verdict) -> &'static str {
    match v {
        Verdict::Verified => "\x1b[1;32m",
        Verdict::Contradicted => "\x1b[1;31m",
        Verdict::Unverifiable => "\x1b[1;33m",
    }
}

const RESET: &str = "\x1b[0m";

/// The whole check as text. Each claim's span is highlighted in the article's text, numbered
/// as in the list below it: `[[span]](1 ✓ verified)` plain, the span coloured with `[1 ✓]`
/// in colour. Spans that overlap an earlier one are listed but not highlighted twice.
pub fn render(r: &CheckReport, color: bool) -> String {
    let a = &r.article;
    let mut out = super::read::heading(1, a)
        .trim_start_matches("Article 1: ")
        .to_string();
    let count = |v: Verdict| r.claims.iter().filter(|c| c.verdict == v).count();
    out.push_str(&format!(
        "\nchecked as of {}: {} claim{}: {} verified, {} contradicted, {} unverifiable\n\n",
        r.as_of,
        r.claims.len(),
        if r.claims.len() == 1 { "" } else { "s" },
        count(Verdict::Verified),
        count(Verdict::Contradicted),
        count(Verdict::Unverifiable)
    ));
    // The text with the spans marked, in text order.
    let mut order: Vec<usize> = (0..r.claims.len()).collect();
    order.sort_by_key(|&i| (r.claims[i].claim.span.start, r.claims[i].claim.span.end));
    let text = &a.text;
    let mut at = 0;
    for i in order {
        let c = &r.claims[i];
        let (s, e) = (c.claim.span.start, c.claim.span.end);
        let (Some(before), Some(span)) = (text.get(at..s), text.get(s..e)) else {
            continue;
        };
        if s < at || s >= e {
            continue;
        }
        out.push_str(before);
        let (m, word) = mark(c.verdict);
        if color {
            out.push_str(&format!(
                "{}{span}{RESET}{}[{} {m}]{RESET}",
                ansi(c.verdict),
                ansi(c.verdict),
                i + 1
            ));
        } else {
            out.push_str(&format!("[[{span}]]({} {m} {word})", i + 1));
        }
        at = e;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out.push_str("\n\n");
    if r.claims.is_empty() {
        out.push_str("no claims found\n");
    }
    for (i, c) in r.claims.iter().enumerate() {
        let (m, word) = mark(c.verdict);
        let verdict = if color {
            format!("{}{m} {word}{RESET}", ansi(c.verdict))
        } else {
            format!("{m} {word}")
        };
        out.push_str(&format!(
            "{}. {verdict} · {} · {}{}: “{}”\n",
            i + 1,
            output::words(c.claim.assertion.kind()),
            c.claim.title,
            c.claim
                .season
                .map(|s| format!(", season {s}"))
                .unwrap_or_default(),
            c.text
        ));
        if !c.summary.is_empty() {
            out.push_str(&format!("   {}\n", c.summary));
        }
        for s in &c.sources {
            match &s.url {
                Some(u) => out.push_str(&format!("   source: {} <{u}>\n", s.label)),
                None => out.push_str(&format!("   source: {}\n", s.label)),
            }
        }
    }
    if !r.contradictions.is_empty() {
        out.push_str(&format!(
            "\nthe article contradicts itself ({}):\n",
            r.contradictions.len()
        ));
        for c in &r.contradictions {
            out.push_str(&format!(
                "  claims {} and {}: {}\n",
                c.first + 1,
                c.second + 1,
                c.reason
            ));
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use greenlight_news::check::{CheckedClaim, Contradiction, SourceRef};
    use greenlight_news::{Article, Assertion, Claim, Span};

    fn report() -> CheckReport {
        let text = "Partner Track has been canceled after one season. There will be a season 2.";
        let article = Article {
            title: Some("Is there a season 2?".into()),
            outlet: Some("Fan Page".into()),
            url: Some("https://fan.example/pt".into()),
            published: NaiveDate::from_ymd_opt(2023, 1, 5),
            text: text.into(),
        };
        let claim = |needle: &str, assertion: Assertion, verdict, summary: &str| {
            let start = text.find(needle).unwrap();
            CheckedClaim {
                claim: Claim {
                    span: Span {
                        start,
                        end: start + needle.len(),
                    },
                    series: "partner-track".into(),
                    title: "Partner Track".into(),
                    season: Some(1),
                    assertion,
                },
                text: needle.into(),
                verdict,
                summary: summary.into(),
                truth: None,
                rule: "a rule".into(),
                sources: vec![SourceRef {
                    label: "Deadline".into(),
                    url: Some("https://deadline.com/x".into()),
                }],
            }
        };
        CheckReport {
            article,
            as_of: NaiveDate::from_ymd_opt(2023, 1, 5).unwrap(),
            claims: vec![
                claim(
                    "canceled after one season",
                    Assertion::Canceled {
                        stated: 1,
                        date: None,
                    },
                    Verdict::Verified,
                    "Canceled after season 1 on 2022-11-08",
                ),
                claim(
                    "There will be a season 2",
                    Assertion::Renewed {
                        stated: 2,
                        date: None,
                    },
                    Verdict::Contradicted,
                    "No season 2: canceled on 2022-11-08",
                ),
            ],
            contradictions: vec![Contradiction {
                first: 0,
                second: 1,
                reason: "a canceled series is not renewed".into(),
            }],
        }
    }

    #[test]
    fn plain_text_marks_every_claim_in_place_with_its_verdict() {
        let t = render(&report(), false);
        assert!(
            t.starts_with("Is there a season 2? — Fan Page, 2023-01-05 <https://fan.example/pt>\n"),
            "{t}"
        );
        assert!(
            t.contains(
                "checked as of 2023-01-05: 2 claims: 1 verified, 1 contradicted, 0 unverifiable"
            ),
            "{t}"
        );
        assert!(t.contains("Partner Track has been [[canceled after one season]](1 ✓ verified). [[There will be a season 2]](2 ✗ contradicted)."), "{t}");
        assert!(t.contains("1. ✓ verified · canceled · Partner Track, season 1: “canceled after one season”\n   Canceled after season 1 on 2022-11-08\n   source: Deadline <https://deadline.com/x>"), "{t}");
        assert!(t.contains("the article contradicts itself (1):\n  claims 1 and 2: a canceled series is not renewed"), "{t}");
        assert!(!t.contains('\x1b'), "no escapes without a terminal");
    }

    #[test]
    fn colour_wraps_each_span_and_bad_spans_are_not_highlighted() {
        let mut r = report();
        let t = render(&r, true);
        assert!(
            t.contains("\x1b[1;32mcanceled after one season\x1b[0m\x1b[1;32m[1 ✓]\x1b[0m"),
            "{t}"
        );
        assert!(
            t.contains("\x1b[1;31mThere will be a season 2\x1b[0m"),
            "{t}"
        );
        // A span past the text's end, or overlapping an earlier one, is listed, not marked.
        r.claims[1].claim.span = Span { start: 5, end: 999 };
        let t = render(&r, false);
        assert!(!t.contains("(2 ✗ contradicted)"), "{t}");
        assert!(t.contains("2. ✗ contradicted"), "{t}");
        assert!(
            t.contains("There will be a season 2."),
            "the text is whole: {t}"
        );
    }
}
