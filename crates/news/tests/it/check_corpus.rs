//! The checker against the corpus: every key claim of every article (built from the keys, not
//! from extraction) is judged as of the article's dateline on the real store, and its verdict
//! and true value must equal what `scripts/corpus_truth.py` computes from `shared/data` with its
//! own readers. The key's self-contradiction must be among the report's contradictions.

use crate::keys::{self, Key};
use greenlight_news::check::{check, CheckReport};
use greenlight_news::{Article, Claim, Span, Verdict};
use greenlight_store::Store;
use serde_json::Value;
use std::process::Command;

/// The article a key describes, as the reader gives it, with the key's metadata.
pub fn article(key: &Key) -> Article {
    let path = key.article_path();
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut a = if key.article.file.ends_with(".html") {
        Article::from_html(&raw, Some(&key.article.url))
    } else {
        Article::from_text(&raw)
    };
    a.title = Some(key.article.title.clone());
    a.outlet = Some(key.article.outlet.clone());
    a.url = Some(key.article.url.clone());
    a.published = Some(key.published());
    a
}

/// The key's claims as typed claims: spans found in the article's text (a zero span when the
/// reader does not give the text verbatim), series resolved by the store.
pub fn claims(store: &Store, key: &Key, article: &Article) -> Vec<Claim> {
    key.claims
        .iter()
        .map(|k| {
            let span_text = greenlight_news::article::fold_whitespace(&k.span);
            let span = match article.text.find(&span_text) {
                Some(start) => Span {
                    start,
                    end: start + span_text.len(),
                },
                None => Span { start: 0, end: 0 },
            };
            let series = store
                .find_series(&k.series)
                .unwrap_or_else(|e| panic!("{}: {}: {e}", key.article.file, k.series))
                .unwrap_or_else(|| {
                    panic!(
                        "{}: the store has no series {:?}",
                        key.article.file, k.series
                    )
                });
            Claim {
                span,
                series: series.slug,
                title: series.title,
                season: k.season,
                assertion: k.assertion.clone(),
            }
        })
        .collect()
}

/// Every article checked: (key, its claims, the report).
pub fn checked_corpus(store: &Store) -> Vec<(Key, Vec<Claim>, CheckReport)> {
    keys::all()
        .into_iter()
        .map(|(_, key)| {
            let a = article(&key);
            let cs = claims(store, &key, &a);
            let report = check(store, &a, &cs, key.published())
                .unwrap_or_else(|e| panic!("{}: check failed: {e}", key.article.file));
            (key, cs, report)
        })
        .collect()
}

/// The script's JSON, computed once per test process (it takes about 30 s). Fails (never
/// skips) when python3 or openpyxl is missing.
pub fn script_truth() -> &'static Value {
    static TRUTH: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    TRUTH.get_or_init(run_script)
}

fn run_script() -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/corpus_truth.py");
    let out = Command::new("python3")
        .arg(script)
        .arg("--data")
        .arg(greenlight_testkit::data_dir())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}): the corpus truth needs Python 3.11 and openpyxl (bash scripts/test installs it)")
        });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named 'openpyxl'"),
        "python3 has no openpyxl: `python3 -m pip install openpyxl` (bash scripts/test installs it)"
    );
    assert!(
        out.status.success(),
        "scripts/corpus_truth.py failed:\n{stderr}"
    );
    serde_json::from_slice(&out.stdout).expect("the script's JSON")
}

/// JSON equality with numbers compared as numbers (Python may print 46900000 as a float).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn every_corpus_claim_gets_the_scripts_verdict_and_value() {
    let truth = script_truth();
    let store = greenlight_testkit::open(greenlight_testkit::imported_all());
    let articles = truth["articles"].as_array().expect("articles");
    let corpus = checked_corpus(&store);
    assert_eq!(
        articles.len(),
        corpus.len(),
        "the script and the keys name the same articles"
    );
    let (mut claims, mut verdicts_equal, mut truths_compared, mut contradictions) = (0, 0, 0, 0);
    let mut problems = Vec::new();
    for ((key, cs, report), sa) in corpus.iter().zip(articles) {
        let file = &key.article.file;
        let main = store
            .find_series(&key.article.series)
            .expect("find")
            .expect("the main series");
        assert!(
            cs.iter().any(|c| c.series == main.slug),
            "{file}: no claim about {}",
            main.title
        );
        assert_eq!(sa["file"].as_str(), Some(file.as_str()));
        let sc = sa["claims"].as_array().expect("claims");
        assert_eq!(
            sc.len(),
            cs.len(),
            "{file}: the script and the key list the same claims"
        );
        for (i, (mine, theirs)) in report.claims.iter().zip(sc).enumerate() {
            claims += 1;
            let what = format!(
                "{file} claim #{} [{}] {:?}",
                i + 1,
                mine.claim.assertion.kind(),
                key.claims[i].span
            );
            if Some(mine.verdict.as_str()) == theirs["verdict"].as_str() {
                verdicts_equal += 1;
            } else {
                problems.push(format!(
                    "{what}: verdict {} ({}), the script's {} ({})",
                    mine.verdict.as_str(),
                    mine.rule,
                    theirs["verdict"],
                    theirs["rule"]
                ));
            }
            let my_truth = serde_json::to_value(&mine.truth).expect("truth as JSON");
            if theirs["truth"].is_null() != my_truth.is_null() || !same(&my_truth, &theirs["truth"])
            {
                problems.push(format!(
                    "{what}: truth {my_truth}, the script's {}",
                    theirs["truth"]
                ));
            } else if !my_truth.is_null() {
                truths_compared += 1;
            }
            if format!("{:?}", key.claims[i].expect).to_lowercase() != mine.verdict.as_str() {
                problems.push(format!(
                    "{what}: verdict {}, the key expects {:?}",
                    mine.verdict.as_str(),
                    key.claims[i].expect
                ));
            }
            if mine.verdict != greenlight_news::Verdict::Unverifiable && mine.sources.is_empty() {
                problems.push(format!(
                    "{what}: a {} verdict with no source",
                    mine.verdict.as_str()
                ));
            }
            assert!(!mine.summary.is_empty(), "{what}: no summary");
        }
        for con in &key.contradictions {
            let idx = |s: &str| {
                key.claims
                    .iter()
                    .position(|c| c.span == s)
                    .unwrap_or_else(|| panic!("{file}: contradiction span {s:?} is no claim's"))
            };
            let (a, b) = (idx(&con.spans[0]), idx(&con.spans[1]));
            let (a, b) = (a.min(b), a.max(b));
            if report
                .contradictions
                .iter()
                .any(|c| c.first == a && c.second == b)
            {
                contradictions += 1;
            } else {
                problems.push(format!(
                    "{file}: the key's contradiction {:?} is not found (found {:?})",
                    con.spans, report.contradictions
                ));
            }
        }
        // The script's --check holds each article to exactly one conflicting pair: so the checker.
        if report.contradictions.len() != key.contradictions.len() {
            problems.push(format!(
                "{file}: {} contradictions found, the key declares {}: {:?}",
                report.contradictions.len(),
                key.contradictions.len(),
                report.contradictions
            ));
        }
    }
    eprintln!(
        "corpus: {} articles, {claims} claims, {verdicts_equal} verdicts equal to the script's, \
         {truths_compared} true values compared, {contradictions} self-contradictions found",
        corpus.len()
    );
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(claims, 196);
    assert_eq!(verdicts_equal, claims);
}

/// The issue's seed example (article 01): the cancellation verified on 2022-11-08 with its
/// announcement's link, the season-2 announcement contradicted, the 66.01M hours verified with
/// the three chart weeks listed, and the self-contradiction flagged.
#[test]
fn the_seed_example_is_checked_as_the_issue_asks() {
    let store = greenlight_testkit::open(greenlight_testkit::imported_all());
    let (_, key) = keys::all()
        .into_iter()
        .find(|(_, k)| k.article.file == "01-partner-track.html")
        .expect("the seed article");
    let a = article(&key);
    let cs = claims(&store, &key, &a);
    let report = check(&store, &a, &cs, key.published()).expect("check");
    for c in &report.claims {
        eprintln!("seed: {:?}: {}", c.text, c.summary);
        for s in &c.sources {
            eprintln!(
                "seed:     source: {}{}",
                s.label,
                s.url
                    .as_deref()
                    .map(|u| format!(" <{u}>"))
                    .unwrap_or_default()
            );
        }
    }
    let by_kind = |kind: &str| {
        report
            .claims
            .iter()
            .position(|c| c.claim.assertion.kind() == kind)
            .unwrap_or_else(|| panic!("no {kind} claim"))
    };
    let canceled = &report.claims[by_kind("canceled")];
    assert_eq!(canceled.verdict, Verdict::Verified, "{}", canceled.summary);
    let t = serde_json::to_value(&canceled.truth).unwrap();
    assert_eq!(t["event_date"], "2022-11-08", "{t}");
    assert!(
        canceled
            .sources
            .iter()
            .any(|s| s.url.as_deref().is_some_and(|u| u.starts_with("http"))),
        "the cancellation cites its announcement's URL: {:?}",
        canceled.sources
    );
    assert!(
        canceled.summary.contains("2022-11-08"),
        "{}",
        canceled.summary
    );
    let renewed = by_kind("renewed");
    assert_eq!(report.claims[renewed].verdict, Verdict::Contradicted);
    let hours = &report.claims[by_kind("window_hours")];
    assert_eq!(hours.verdict, Verdict::Verified, "{}", hours.summary);
    match &hours.truth {
        Some(greenlight_news::check::Truth::Hours {
            hours: h, weeks, ..
        }) => {
            assert_eq!(weeks.len(), 3, "{weeks:?}");
            assert_eq!(weeks.iter().map(|w| w.hours).sum::<i64>(), *h);
        }
        other => panic!("window hours without weeks: {other:?}"),
    }
    assert_eq!(
        hours.sources.len(),
        3,
        "each week cited: {:?}",
        hours.sources
    );
    let c = by_kind("canceled");
    assert!(
        report
            .contradictions
            .iter()
            .any(|x| (x.first, x.second) == (c.min(renewed), c.max(renewed))),
        "{:?}",
        report.contradictions
    );
}

/// The ledger holds, from the starter catalog, a fan site's undated "season 2 announced" for
/// Partner Track (published 2023-01-15) beside its dated cancellation: checked after both were
/// published, a season-2 renewal is contradicted by the cancellation, never verified by the
/// undated claim.
#[test]
fn an_undated_renewal_never_outweighs_a_dated_cancellation() {
    let store = greenlight_testkit::open(greenlight_testkit::imported_all());
    let pt = store
        .find_series("Partner Track")
        .expect("find")
        .expect("Partner Track");
    let as_of = chrono::NaiveDate::from_ymd_opt(2023, 2, 1).unwrap();
    let facts = greenlight_ledger::claims_as_of(&store, &pt.slug, as_of).expect("ledger");
    assert!(
        facts
            .iter()
            .any(|f| f.claim.kind() == "season_renewed" && f.claim.season == Some(2)),
        "the starter catalog's season 2 claim is in the ledger by then"
    );
    let claim = Claim {
        span: Span { start: 0, end: 0 },
        series: pt.slug.clone(),
        title: pt.title.clone(),
        season: Some(2),
        assertion: greenlight_news::Assertion::Renewed {
            stated: 2,
            date: None,
        },
    };
    let report = check(&store, &Article::from_text("x"), &[claim], as_of).expect("check");
    let c = &report.claims[0];
    assert_eq!(c.verdict, Verdict::Contradicted, "{}", c.summary);
    assert!(
        c.summary.contains("canceled after season 1"),
        "{}",
        c.summary
    );
}

/// The store keeps one Top 10 snapshot, the current file: an early dateline's chart rows are
/// its rows published by then (the rule `scripts/corpus_truth.py --check` holds equal, for the
/// corpus, to reading the 2022-11-09 snapshot).
#[test]
fn the_store_keeps_only_the_current_top10_snapshot() {
    let store = greenlight_testkit::open(greenlight_testkit::imported_all());
    let stats = store.stats().expect("stats");
    let top10: Vec<_> = stats
        .datasets
        .iter()
        .filter(|d| d.dataset == "top10-global")
        .collect();
    assert_eq!(top10.len(), 1, "{top10:?}");
    assert_eq!(top10[0].file, "all-weeks-global.tsv", "{top10:?}");
}
