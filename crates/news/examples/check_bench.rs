//! The checker's benchmark driver (`bench/check.sh` runs it; a benchmark, never a test):
//! every corpus article padded to 1,000 words, its answer key's claims (the extractor is not
//! this benchmark's subject) checked as of its dateline on a full store, round after round for
//! `N` articles in all. Prints the time per article (median, p95, max, per article file) and the
//! process's resident memory after the first round and at the end, to show it stays flat. Then
//! the same `N` articles end to end (`check_article`: extraction over the store's dictionary,
//! then the check of what it found), the dictionary's one-time build timed apart.
//!
//! usage: check_bench STORE.db CORPUS_DIR [N]

use greenlight_news::check::check;
use greenlight_news::{Article, Assertion, Claim, Span};
use greenlight_store::Store;
use serde::Deserialize;
use std::time::Instant;

#[derive(Deserialize)]
struct Key {
    article: KeyArticle,
    #[serde(rename = "claim")]
    claims: Vec<KeyClaim>,
}

#[derive(Deserialize)]
struct KeyArticle {
    file: String,
    published: toml::value::Datetime,
}

#[derive(Deserialize)]
struct KeyClaim {
    span: String,
    series: String,
    season: Option<u32>,
    #[allow(dead_code)]
    expect: String,
    #[serde(flatten)]
    assertion: Assertion,
}

/// Resident memory of this process, KiB (Linux).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// Filler in the style of such pages, up to `words` words in all.
fn pad(text: &str, words: usize) -> String {
    const FILLER: &str = "Fans have been waiting for news for months, and the internet is full of theories about what comes next. We will keep this page updated as soon as anything official is announced, so bookmark it and check back often.";
    let mut out = text.to_string();
    while out.split_whitespace().count() < words {
        out.push(' ');
        out.push_str(FILLER);
    }
    out.split_whitespace()
        .take(words)
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    anyhow::ensure!(
        args.len() >= 3,
        "usage: check_bench STORE.db CORPUS_DIR [N]"
    );
    let store = Store::open(std::path::Path::new(&args[1]))?;
    let corpus = std::path::PathBuf::from(&args[2]);
    let n: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(1000);

    let mut keys: Vec<_> = std::fs::read_dir(&corpus)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".key.toml"))
        .collect();
    keys.sort();
    let mut articles = Vec::new();
    for path in keys {
        let key: Key = toml::from_str(&std::fs::read_to_string(&path)?)?;
        let raw = std::fs::read_to_string(corpus.join(&key.article.file))?;
        let base = Article::from_text(&raw);
        let text = pad(&base.text, 1000);
        let article = Article::from_text(&text);
        let as_of =
            chrono::NaiveDate::parse_from_str(&key.article.published.to_string(), "%Y-%m-%d")?;
        let mut claims = Vec::new();
        for k in key.claims {
            let s = store
                .find_series(&k.series)?
                .ok_or_else(|| anyhow::anyhow!("no series {}", k.series))?;
            let span = greenlight_news::article::fold_whitespace(&k.span);
            let span = article
                .text
                .find(&span)
                .map(|start| Span {
                    start,
                    end: start + span.len(),
                })
                .unwrap_or(Span { start: 0, end: 0 });
            claims.push(Claim {
                span,
                series: s.slug,
                title: s.title,
                season: k.season,
                assertion: k.assertion,
            });
        }
        articles.push((key.article.file, article, claims, as_of));
    }
    anyhow::ensure!(!articles.is_empty(), "no keys in {}", corpus.display());
    let words: Vec<usize> = articles
        .iter()
        .map(|a| a.1.text.split_whitespace().count())
        .collect();

    // One warm-up round (SQLite's page cache, the prepared statements).
    for (_, a, c, d) in &articles {
        std::hint::black_box(check(&store, a, c, *d)?);
    }
    let rss_start = rss_kib();
    let mut times: Vec<(usize, f64)> = Vec::with_capacity(n);
    let mut rss_mid = 0;
    for i in 0..n {
        let k = i % articles.len();
        let (_, a, c, d) = &articles[k];
        let t = Instant::now();
        let report = check(&store, a, c, *d)?;
        times.push((k, t.elapsed().as_secs_f64() * 1000.0));
        std::hint::black_box(report);
        if i + 1 == n / 2 {
            rss_mid = rss_kib();
        }
    }
    let rss_end = rss_kib();
    // The same articles end to end, as `greenlight check` and `/check` do it: extraction over the
    // store's dictionary (built once, as the server keeps it; its build is timed apart) and the
    // check of whatever was extracted, as of the key's dateline.
    let t = Instant::now();
    let dictionary = greenlight_news::Dictionary::from_store(&store)?;
    let dictionary_ms = t.elapsed().as_secs_f64() * 1000.0;
    let today = chrono::Utc::now().date_naive();
    for (_, a, _, d) in &articles {
        std::hint::black_box(greenlight_news::check_article(
            &store,
            &dictionary,
            a,
            Some(*d),
            today,
        )?);
    }
    let mut whole: Vec<f64> = Vec::with_capacity(n);
    let mut extracted = 0usize;
    for i in 0..n {
        let (_, a, _, d) = &articles[i % articles.len()];
        let t = Instant::now();
        let report = greenlight_news::check_article(&store, &dictionary, a, Some(*d), today)?;
        whole.push(t.elapsed().as_secs_f64() * 1000.0);
        extracted += report.claims.len();
        std::hint::black_box(report);
    }
    whole.sort_by(f64::total_cmp);
    let wp = |p: f64| whole[((whole.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "end to end (extract + check, {} claims extracted per article on average; dictionary \
         built once in {dictionary_ms:.0} ms): per article median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        extracted / n.max(1),
        wp(0.5),
        wp(0.95),
        whole[whole.len() - 1]
    );
    let rss_whole = rss_kib();
    println!("RSS after the end-to-end pass {rss_whole} KiB");
    let mut all: Vec<f64> = times.iter().map(|t| t.1).collect();
    all.sort_by(f64::total_cmp);
    let pct = |p: f64| all[((all.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{n} articles ({} corpus articles padded to {}-{} words, {} claims each on average): \
         per article median {:.2} ms, p95 {:.2} ms, max {:.2} ms, mean {:.2} ms",
        articles.len(),
        words.iter().min().unwrap_or(&0),
        words.iter().max().unwrap_or(&0),
        articles.iter().map(|a| a.2.len()).sum::<usize>() / articles.len(),
        pct(0.5),
        pct(0.95),
        all[all.len() - 1],
        all.iter().sum::<f64>() / all.len() as f64
    );
    println!("| article | claims | median ms | max ms |\n|---|---:|---:|---:|");
    for (k, (file, _, claims, _)) in articles.iter().enumerate() {
        let mut v: Vec<f64> = times.iter().filter(|t| t.0 == k).map(|t| t.1).collect();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            continue;
        }
        println!(
            "| {file} | {} | {:.2} | {:.2} |",
            claims.len(),
            v[v.len() / 2],
            v[v.len() - 1]
        );
    }
    println!(
        "RSS after the warm-up round {} KiB, after {} articles {} KiB, after {n} {} KiB ({:+} KiB)",
        rss_start,
        n / 2,
        rss_mid,
        rss_end,
        rss_end as i64 - rss_start as i64
    );
    Ok(())
}
