//! Times the extractor on the test corpus over a real store (BENCHMARKS.md, "news extraction"):
//! the dictionary's build once, then every corpus article read and extracted, many rounds.
//!
//! `cargo run --release -p greenlight-news --example extract_bench -- STORE.db [ROUNDS]`

use greenlight_news::{extract, Article, Dictionary};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let db = args.next().expect("usage: extract_bench STORE.db [ROUNDS]");
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(200);
    let store = greenlight_store::Store::open(std::path::Path::new(&db)).expect("open the store");
    let t = Instant::now();
    let rows = store.series_spellings().expect("spellings");
    let read = t.elapsed();
    let t = Instant::now();
    let dict = Dictionary::from_spellings(&rows).expect("dictionary");
    let build = t.elapsed();
    let (series, spellings) = dict.len();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("html" | "txt")))
        .collect();
    files.sort();
    let sources: Vec<(bool, String)> = files
        .iter()
        .map(|p| {
            (
                p.extension().is_some_and(|e| e == "html"),
                std::fs::read_to_string(p).expect("read"),
            )
        })
        .collect();
    let words: usize = sources
        .iter()
        .map(|(_, s)| s.split_whitespace().count())
        .sum();
    let mut claims = 0;
    let t = Instant::now();
    for _ in 0..rounds {
        claims = 0;
        for (html, src) in &sources {
            let a = if *html {
                Article::from_html(src, None)
            } else {
                Article::from_text(src)
            };
            claims += extract(&a, &dict).len();
        }
    }
    let per_article = t.elapsed() / (rounds * sources.len()).max(1) as u32;
    println!(
        "dictionary: {series} series, {spellings} spellings: {} rows read in {:.1} ms, built in {:.1} ms",
        rows.len(),
        read.as_secs_f64() * 1e3,
        build.as_secs_f64() * 1e3
    );
    println!(
        "{} articles ({} words in all), {claims} claims: {:.3} ms per article read + extracted ({rounds} rounds)",
        sources.len(),
        words,
        per_article.as_secs_f64() * 1e3
    );
}
