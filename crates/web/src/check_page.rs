//! The `/check` page: a form (paste an article's text or HTML, or give its URL) and, once
//! submitted, the article with every claim highlighted in place and its verdict right beside
//! it, then the claims with their true values and sources, then the article's own
//! contradictions. A plain form post: it works without JavaScript.

use crate::cite::link;
use crate::pages::layout;
use greenlight_news::{CheckReport, Verdict};
use maud::{html, Markup, PreEscaped};

const CSS: &str = r#"
form.check textarea{width:100%;min-height:12rem;font:inherit;padding:.5rem;border:1px solid #888;border-radius:4px}
form.check input[type=url]{width:100%;font:inherit;padding:.45rem .6rem;border:1px solid #888;border-radius:4px}
form.check button{margin-top:.6rem;padding:.45rem .9rem;font:inherit;border:0;border-radius:4px;background:var(--accent);color:#fff}
form.check label{display:block;font-weight:700;margin:.6rem 0 .2rem}
.article{border:1px solid var(--line);border-radius:8px;padding:1rem;line-height:1.8;background:#fafafa}
mark{padding:.05rem .15rem;border-radius:3px}
mark.verified{background:#d6f3dc}mark.contradicted{background:#fbd5d5}mark.unverifiable{background:#fff0bf}
.verdict{font-size:.8rem;font-weight:700;white-space:nowrap;padding:0 .3rem;border-radius:3px;color:#fff}
.verdict.verified{background:#1b7a35}.verdict.contradicted{background:#a61b1b}.verdict.unverifiable{background:#8a5a00}
.verdict a{color:#fff;text-decoration:none}
ol.verdicts li{margin:.5rem 0}
.error{border:1px solid #a61b1b;background:#fff1f1;padding:.6rem 1rem;border-radius:6px}
"#;

/// A verdict's mark and word, as the CLI prints them.
pub fn verdict_word(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Verified => ("✓", "verified"),
        Verdict::Contradicted => ("✗", "contradicted"),
        Verdict::Unverifiable => ("?", "unverifiable"),
    }
}

/// The page: the form (holding what was sent), an error if the check could not run, the check.
pub fn check_page(
    text: &str,
    url: &str,
    error: Option<&str>,
    report: Option<&CheckReport>,
) -> Markup {
    layout(
        "Check an article",
        html! { style { (PreEscaped(CSS)) } },
        html! {
            h1 { "Check an article" }
            p.muted {
                "Paste a news article (text or HTML), or give its address. Every claim greenlight "
                "can read is judged against the viewing data and the ledger as of the article's "
                "date: verified, contradicted, or unverifiable."
            }
            form.check method="post" action="/check" {
                label for="check-text" { "Article text or HTML" }
                textarea #check-text name="text" { (text) }
                label for="check-url" { "…or its URL" }
                input #check-url type="url" name="url" value=(url) placeholder="https://";
                button type="submit" { "Check" }
            }
            @if let Some(e) = error {
                p.error role="alert" { (e) }
            }
            @if let Some(r) = report {
                (result(r))
            }
        },
    )
}

fn result(r: &CheckReport) -> Markup {
    let a = &r.article;
    let count = |v: Verdict| r.claims.iter().filter(|c| c.verdict == v).count();
    html! {
        section #result aria-labelledby="result-h" {
            h2 #result-h { (a.title.as_deref().unwrap_or("The article")) }
            p.muted {
                @if let Some(o) = &a.outlet { (o) " · " }
                @match a.published {
                    Some(d) => { "published " time datetime=(d) { (d) } }
                    None => { "no dateline" }
                }
                @if let Some(u) = &a.url { " · " (link(Some(u), u.as_str())) }
            }
            p #summary {
                "Checked as of " time datetime=(r.as_of) { (r.as_of) } ": "
                strong { (r.claims.len()) " claim" @if r.claims.len() != 1 { "s" } }
                " — " (count(Verdict::Verified)) " verified, "
                (count(Verdict::Contradicted)) " contradicted, "
                (count(Verdict::Unverifiable)) " unverifiable."
            }
            div.article #article { (marked_text(r)) }
            @if r.claims.is_empty() {
                p #no-claims { "No claims found in this article." }
            } @else {
                h3 { "Claims" }
                ol.verdicts {
                    @for (i, c) in r.claims.iter().enumerate() {
                        @let (m, word) = verdict_word(c.verdict);
                        li id=(format!("v-{}", i + 1)) {
                            span class=(format!("verdict {word}")) { (m) " " (word) }
                            " " strong { (c.claim.assertion.kind().replace('_', " ")) }
                            " · " a href=(format!("/series/{}", c.claim.series)) { (c.claim.title) }
                            @if let Some(s) = c.claim.season { ", season " (s) }
                            ": “" (c.text) "”"
                            @if !c.summary.is_empty() { br; (c.summary) }
                            @if !c.sources.is_empty() {
                                br; small { "Source: "
                                    @for (j, s) in c.sources.iter().enumerate() {
                                        @if j > 0 { "; " }
                                        (link(s.url.as_deref(), s.label.as_str()))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !r.contradictions.is_empty() {
                h3 { "The article contradicts itself (" (r.contradictions.len()) ")" }
                ul #contradictions {
                    @for c in &r.contradictions {
                        li {
                            "⚠ claims " a href=(format!("#v-{}", c.first + 1)) { (c.first + 1) }
                            " and " a href=(format!("#v-{}", c.second + 1)) { (c.second + 1) }
                            ": " (c.reason)
                        }
                    }
                }
            }
        }
    }
}

/// The article's text with each claim's span in a `<mark>` of its verdict's class and the
/// verdict beside it, linked to the claim in the list. Spans are taken in text order; one that
/// overlaps an earlier one, or does not fall on the text's character boundaries, is listed
/// below but not marked.
fn marked_text(r: &CheckReport) -> Markup {
    let text = &r.article.text;
    let mut order: Vec<usize> = (0..r.claims.len()).collect();
    order.sort_by_key(|&i| (r.claims[i].claim.span.start, r.claims[i].claim.span.end));
    let mut parts: Vec<Markup> = Vec::new();
    let mut at = 0;
    for i in order {
        let c = &r.claims[i];
        let (s, e) = (c.claim.span.start, c.claim.span.end);
        if s < at || s >= e {
            continue;
        }
        let (Some(before), Some(span)) = (text.get(at..s), text.get(s..e)) else {
            continue;
        };
        let (m, word) = verdict_word(c.verdict);
        let n = i + 1;
        parts.push(html! {
            (before)
            mark class=(word) id=(format!("claim-{n}")) title=(c.summary) { (span) }
            " " span class=(format!("verdict {word}")) {
                a href=(format!("#v-{n}")) { (n) " " (m) " " (word) }
            }
        });
        at = e;
    }
    html! {
        @for p in parts { (p) }
        (text.get(at..).unwrap_or(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use greenlight_news::check::{CheckedClaim, Contradiction, SourceRef};
    use greenlight_news::{Article, Assertion, Claim, Span};

    #[test]
    fn every_claim_is_marked_with_its_verdict_beside_it() {
        let text =
            "Partner Track <b> has been canceled after one season. There will be a season 2.";
        let claim = |needle: &str, verdict, assertion| {
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
                summary: "why".into(),
                sources: vec![SourceRef {
                    label: "Deadline".into(),
                    url: Some("https://deadline.com/x".into()),
                }],
                truth: None,
                rule: "a rule".into(),
            }
        };
        let r = CheckReport {
            article: Article {
                title: Some("Is there a season 2?".into()),
                outlet: None,
                url: None,
                published: NaiveDate::from_ymd_opt(2023, 1, 5),
                text: text.into(),
            },
            as_of: NaiveDate::from_ymd_opt(2023, 1, 5).unwrap(),
            claims: vec![
                claim(
                    "canceled after one season",
                    Verdict::Verified,
                    Assertion::Canceled {
                        stated: 1,
                        date: None,
                    },
                ),
                claim(
                    "There will be a season 2",
                    Verdict::Contradicted,
                    Assertion::Renewed {
                        stated: 2,
                        date: None,
                    },
                ),
            ],
            contradictions: vec![Contradiction {
                first: 0,
                second: 1,
                reason: "cannot both hold".into(),
            }],
        };
        let page = check_page(text, "", None, Some(&r)).into_string();
        assert!(page.contains(r##"<mark class="verified" id="claim-1" title="why">canceled after one season</mark> <span class="verdict verified"><a href="#v-1">1 ✓ verified</a></span>"##), "{page}");
        assert!(page.contains(r##"<mark class="contradicted" id="claim-2" title="why">There will be a season 2</mark>"##), "{page}");
        // The article's text is escaped, never markup.
        assert!(page.contains("Partner Track &lt;b&gt; has been"), "{page}");
        assert!(
            page.contains(r#"<a href="https://deadline.com/x" rel="nofollow">Deadline</a>"#),
            "{page}"
        );
        assert!(
            page.contains("1 verified, 1 contradicted, 0 unverifiable"),
            "{page}"
        );
        assert!(page.contains("cannot both hold"), "{page}");
    }
}
