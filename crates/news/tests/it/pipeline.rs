//! Read and check end to end, as `greenlight check ARTICLE` does it: every corpus article read
//! (its dateline from the article itself), its claims extracted with the real store's dictionary
//! and judged as of that dateline. Each key claim the extraction finds must get the verdict and
//! the true value `scripts/corpus_truth.py` computes; the key's self-contradiction must be
//! flagged between the extracted claims; and no extracted claim that no key holds may be
//! `verified` (an extraction error confirmed by the data would be a wrong answer shown with
//! confidence). Prints the extraction's recall and precision and the verdict accuracy.

use crate::check_corpus::{same as same_json, script_truth};
use crate::extract_corpus::{dictionary, read, same};
use crate::keys;
use greenlight_news::{check, extract, Verdict};

#[test]
fn every_article_read_extracted_and_checked_gets_the_scripts_verdicts() {
    let truth = script_truth();
    let store = greenlight_testkit::open(greenlight_testkit::imported_all());
    let articles = truth["articles"].as_array().expect("articles");
    let (mut keyed, mut found, mut right_verdict, mut extracted, mut extras) = (0, 0, 0, 0, 0);
    let (mut flagged, mut problems) = (0, Vec::new());
    for ((_, key), sa) in keys::all().into_iter().zip(articles) {
        let file = &key.article.file;
        assert_eq!(sa["file"].as_str(), Some(file.as_str()));
        // As a user reads it: the URL only when the page declares it, the dateline its own.
        let article = read(&key, None);
        let as_of = article
            .published
            .unwrap_or_else(|| panic!("{file}: no dateline read"));
        assert_eq!(as_of, key.published(), "{file}: the dateline read");
        let claims = extract(&article, dictionary());
        let report = check(&store, &article, &claims, as_of)
            .unwrap_or_else(|e| panic!("{file}: check failed: {e}"));
        assert_eq!(report.claims.len(), claims.len());
        extracted += claims.len();
        let text = &article.text;
        let overlaps = |i: usize, span: &str| {
            let at = text.find(span).expect("the key span is in the text");
            let c = &claims[i].span;
            c.start < at + span.len() && at < c.end
        };
        // Per key claim, the index of the extracted claim that states it.
        let mut matched: Vec<Option<usize>> = Vec::new();
        let script_claims = sa["claims"].as_array().expect("claims");
        assert_eq!(script_claims.len(), key.claims.len(), "{file}");
        for (k, theirs) in key.claims.iter().zip(script_claims) {
            keyed += 1;
            let hit = (0..claims.len()).find(|&i| overlaps(i, &k.span) && same(&claims[i], k));
            matched.push(hit);
            let Some(i) = hit else { continue };
            found += 1;
            let mine = &report.claims[i];
            let what = format!("{file} {:?} [{}]", k.span, k.assertion.kind());
            let my_truth = serde_json::to_value(&mine.truth).expect("truth as JSON");
            let verdict_ok = Some(mine.verdict.as_str()) == theirs["verdict"].as_str();
            let truth_ok = my_truth.is_null() == theirs["truth"].is_null()
                && same_json(&my_truth, &theirs["truth"]);
            if verdict_ok && truth_ok {
                right_verdict += 1;
            } else {
                problems.push(format!(
                    "{what}: {} {my_truth} ({}), the script's {} {}",
                    mine.verdict.as_str(),
                    mine.rule,
                    theirs["verdict"],
                    theirs["truth"]
                ));
            }
        }
        for (i, mine) in report.claims.iter().enumerate() {
            let keyed_here = matched.contains(&Some(i));
            if !keyed_here {
                extras += 1;
                if mine.verdict == Verdict::Verified {
                    problems.push(format!(
                        "{file}: {:?} was extracted as {:?} (no key holds it) and verified",
                        &text[mine.claim.span.start..mine.claim.span.end],
                        mine.claim.assertion
                    ));
                }
            }
        }
        for con in &key.contradictions {
            let at = |s: &str| {
                let k = key
                    .claims
                    .iter()
                    .position(|c| c.span == s)
                    .expect("a key claim");
                matched[k]
            };
            match (at(&con.spans[0]), at(&con.spans[1])) {
                (Some(a), Some(b)) => {
                    let (a, b) = (a.min(b), a.max(b));
                    if report
                        .contradictions
                        .iter()
                        .any(|c| c.first == a && c.second == b)
                    {
                        flagged += 1;
                    } else {
                        problems.push(format!(
                            "{file}: the self-contradiction {:?} is not flagged (flagged: {:?})",
                            con.spans, report.contradictions
                        ));
                    }
                }
                _ => problems.push(format!(
                    "{file}: a claim of the self-contradiction {:?} was not extracted",
                    con.spans
                )),
            }
        }
    }
    let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
    println!(
        "pipeline: {keyed} key claims, {found} extracted ({:.1}% recall), {extracted} extracted \
         in all ({extras} no key holds; {:.1}% precision), {right_verdict} with the script's \
         verdict and value ({:.1}% of the found, {:.1}% of all key claims), {flagged} \
         self-contradictions flagged",
        pct(found, keyed),
        pct(extracted - extras, extracted),
        pct(right_verdict, found),
        pct(right_verdict, keyed)
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(keyed, 196);
    assert_eq!(flagged, 15, "every article's self-contradiction flagged");
}
