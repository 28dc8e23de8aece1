//! `top10_run`: a source's statement of a season's run in Netflix's Top 10 (weeks on the chart,
//! peak rank), read from a claims file like every kind, refused where it is wrong.

use greenlight_ledger::{self as ledger, ClaimValue, FileFormat, LedgerError};
use greenlight_store::Store;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("g.db")).unwrap();
    (dir, s)
}

/// A file with one `top10_run` claim whose own lines are `fields`.
fn file(fields: &str) -> String {
    format!(
        "[[series]]\ntitle = \"Run Show\"\n\n[defaults]\nseries = \"Run Show\"\npublished = 2022-09-20\n\
         source = {{ name = \"Some outlet\", kind = \"trade_press\" }}\nentered_by = \"test\"\n\n\
         [[claims]]\nkind = \"top10_run\"\n{fields}\n"
    )
}

fn import(s: &mut Store, text: &str) -> Result<ledger::ImportReport, LedgerError> {
    ledger::import_claims_text(s, text, "run.toml", FileFormat::Toml)
}

#[test]
fn a_stated_run_is_stored_and_read_back_with_its_summary() {
    let (_d, mut s) = store();
    // The README's example: Partner Track season 1, 3 weeks in the TV (English) list, best rank 4.
    let text = file(
        "season = 1\nweeks = 3\npeak_rank = 4\ncategory = \"TV (English)\"\nevent_date = 2022-09-11",
    );
    let r = import(&mut s, &text).unwrap();
    assert_eq!((r.added, r.claims), (1, 1));
    let t = ledger::timeline(&s, "run-show").unwrap();
    let claims: Vec<_> = t
        .entries
        .iter()
        .filter(|e| e.claim.claim.kind() == "top10_run")
        .collect();
    assert_eq!(claims.len(), 1);
    let c = &claims[0].claim;
    assert_eq!(
        c.claim.value,
        ClaimValue::Top10Run {
            weeks: 3,
            peak_rank: Some(4),
            category: Some("TV (English)".into()),
            region: None,
        }
    );
    assert_eq!(
        c.summary,
        "Top 10 run (season 1, TV (English)): 3 weeks, peak rank 4"
    );
    // Idempotent like every kind: the same file again adds nothing.
    let again = import(&mut s, &text).unwrap();
    assert_eq!((again.added, again.already_present), (0, 1));
}

#[test]
fn summary_without_season_or_peak() {
    let c = ledger::Claim::from_raw(
        ledger::RawClaim {
            kind: Some("top10_run".into()),
            series: Some("Run Show".into()),
            published: Some(chrono::NaiveDate::from_ymd_opt(2022, 9, 20).unwrap()),
            source: Some(ledger::claims::RawSource {
                name: Some("x".into()),
                url: None,
                kind: Some("fan_site".into()),
            }),
            entered_by: Some("test".into()),
            ..Default::default()
        }
        .with("weeks", 1)
        .with("region", "Kenya"),
        chrono::NaiveDate::MAX,
    )
    .unwrap();
    assert_eq!(c.summary(), "Top 10 run (the series, Kenya): 1 week");
}

/// The one refusal of a file with `fields`: its field and message.
fn refusal(fields: &str) -> (Option<String>, String) {
    let (_d, mut s) = store();
    let e = import(&mut s, &file(fields)).unwrap_err();
    let errors = e.claim_errors();
    assert_eq!(errors.len(), 1, "{e}");
    let err = &errors[0];
    assert_eq!(err.location.index, Some(1), "{err}");
    assert!(err.location.line.is_some(), "{err}");
    assert_eq!(err.kind.as_deref(), Some("top10_run"), "{err}");
    let n: i64 = s
        .conn()
        .query_row("SELECT count(*) FROM ledger_claims", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0, "nothing stored");
    (err.field.clone(), err.message.clone())
}

#[test]
fn refusals_name_the_field() {
    let (f, m) = refusal("season = 1");
    assert_eq!(f.as_deref(), Some("weeks"));
    assert!(m.contains("needs `weeks`"), "{m}");
    let (f, m) = refusal("weeks = 0");
    assert_eq!(f.as_deref(), Some("weeks"));
    assert!(m.contains("at least 1"), "{m}");
    for bad in [0, 11] {
        let (f, m) = refusal(&format!("weeks = 2\npeak_rank = {bad}"));
        assert_eq!(f.as_deref(), Some("peak_rank"));
        assert!(m.contains("1..10"), "{m}");
    }
    let (f, m) = refusal("weeks = \"three\"");
    assert_eq!(f.as_deref(), Some("weeks"));
    assert!(m.contains("invalid type"), "{m}");
    // A field of another kind, and a misspelt one.
    let (f, m) = refusal("weeks = 2\nhours = 100");
    assert_eq!(f.as_deref(), Some("hours"));
    assert!(m.contains("does not apply to a top10_run claim"), "{m}");
    assert!(
        m.contains("`weeks`, `peak_rank`, `category`, `region`"),
        "{m}"
    );
    let (f, m) = refusal("weeks = 2\npeak_rnk = 3");
    assert_eq!(f.as_deref(), Some("peak_rnk"));
    assert!(m.contains("did you mean `peak_rank`"), "{m}");
    // Past tense: a run cannot be dated after the source published it.
    let (f, _) = refusal("weeks = 2\nevent_date = 2022-10-01");
    assert_eq!(f.as_deref(), Some("event_date"));
    // A misspelt kind is pointed at this one.
    let (_d, mut s) = store();
    let e = import(
        &mut s,
        &file("weeks = 2").replace("\"top10_run\"", "\"top10_runs\""),
    )
    .unwrap_err();
    assert!(e.to_string().contains("did you mean `top10_run`"), "{e}");
}
