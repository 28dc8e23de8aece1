//! An article as read: its text and what is known about it.
//!
//! HTML goes through `scraper` (html5ever's spec-compliant parser, so entities, broken markup and
//! implied tags are handled as a browser would) and a small readability pass: the text is taken
//! from the page's `<article>` (else `<main>`, else `<body>`), without what pages put around a
//! story (navigation, header and footer, asides, forms, scripts) or inside it (advertising,
//! "related posts", promotions: elements whose class or id says so). Block elements end a line,
//! so two paragraphs never run into one word, and every run of whitespace is then folded to one
//! space. The metadata comes from what the page declares (Open Graph, `article:published_time`,
//! `<time datetime>`, JSON-LD `NewsArticle`, the canonical link), then from its visible header.

use chrono::NaiveDate;
use scraper::{Html, Node, Selector};
use serde::Serialize;

/// One article. `text` is the article's readable text with every run of whitespace folded to a
/// single space, so a quoted sentence is found as a plain substring and [`crate::Span`]s are byte
/// offsets into it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Article {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    /// The dateline: every claim is judged as of this day.
    pub published: Option<NaiveDate>,
    pub text: String,
}

/// Elements whose content is never article text.
const SKIPPED_TAGS: &[&str] = &[
    "head", "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "button", "select", "textarea", "object", "embed", "canvas", "dialog",
];

/// Words in a class or id that mark a block as not the story (ads, promotions, related links,
/// sharing and comment widgets). Compared against the class/id split at non-alphanumerics, so
/// `ad-slot`, `inline-ad` and `ad mpu` are ads while `header-image` or `shadow` are not.
const BOILERPLATE_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adbox",
    "adslot",
    "adunit",
    "advert",
    "adverts",
    "advertisement",
    "advertising",
    "banner",
    "sponsor",
    "sponsored",
    "promo",
    "promotion",
    "related",
    "recommended",
    "newsletter",
    "subscribe",
    "share",
    "sharing",
    "social",
    "comment",
    "comments",
    "cookie",
    "cookies",
    "outbrain",
    "taboola",
    "mpu",
    "leaderboard",
    "breadcrumb",
    "breadcrumbs",
    "sidebar",
    "popup",
    "modal",
];

/// Elements that end a line of text.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "br",
    "hr",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "address",
];

/// How deep the text walk descends. html5ever itself limits nesting, and the walk is iterative,
/// so this only bounds the work on pathological pages.
const MAX_DEPTH: usize = 512;

impl Article {
    /// An HTML page reduced to its article text, with the title, outlet, dateline and URL it
    /// declares. `url` is where the page came from: used when the page names no canonical URL.
    pub fn from_html(html: &str, url: Option<&str>) -> Article {
        let doc = Html::parse_document(html);
        let meta = |attr: &str, names: &[&str]| -> Option<String> {
            names.iter().find_map(|n| {
                let sel = Selector::parse(&format!("meta[{attr}=\"{n}\"]")).ok()?;
                doc.select(&sel)
                    .filter_map(|e| e.value().attr("content"))
                    .map(fold_whitespace)
                    .find(|s| !s.is_empty())
            })
        };
        let first_text = |css: &str| -> Option<String> {
            let sel = Selector::parse(css).ok()?;
            doc.select(&sel)
                .map(|e| fold_whitespace(&e.text().collect::<String>()))
                .find(|s| !s.is_empty())
        };
        let ld = json_ld(&doc);

        let page_title = first_text("title");
        let title = meta("property", &["og:title"])
            .or_else(|| meta("name", &["twitter:title"]))
            .or_else(|| ld.headline.clone())
            .or_else(|| first_text("h1"))
            .or_else(|| page_title.clone());
        let outlet = meta("property", &["og:site_name"])
            .or_else(|| meta("name", &["publisher", "application-name"]))
            .or_else(|| ld.publisher.clone())
            .or_else(|| {
                // `Headline | Outlet`, the commonest <title> shape, when the headline is known.
                let t = page_title.as_deref()?;
                let head = title.as_deref()?;
                title_suffix(t, head)
            });
        let published = meta("property", &["article:published_time", "og:published_time"])
            .or_else(|| meta("name", &["date", "pubdate", "publish-date", "dc.date"]))
            .or_else(|| meta("itemprop", &["datePublished"]))
            .and_then(|s| iso_date(&s))
            .or_else(|| ld.published.as_deref().and_then(iso_date))
            .or_else(|| {
                let sel = Selector::parse("time[datetime]").ok()?;
                doc.select(&sel)
                    .filter_map(|e| e.value().attr("datetime"))
                    .find_map(iso_date)
            });
        let canonical = Selector::parse("link[rel=\"canonical\"]")
            .ok()
            .and_then(|sel| {
                doc.select(&sel)
                    .filter_map(|e| e.value().attr("href"))
                    .map(str::trim)
                    .find(|h| h.starts_with("http://") || h.starts_with("https://"))
                    .map(str::to_string)
            })
            .or_else(|| meta("property", &["og:url"]))
            .or_else(|| ld.url.clone());

        let text = fold_whitespace(&readable_text(&doc));
        let published = published.or_else(|| header_date(&text));
        Article {
            title,
            outlet,
            url: canonical.or_else(|| url.map(str::to_string)),
            published,
            text,
        }
    }

    /// A plain text. Its first lines are read as a page's header would be: the first line is
    /// the title (an all-capitals headline recased), the next line's first segment the outlet
    /// unless it is a byline or a date, and the first date of the header lines the dateline
    /// (`Published January 25, 2022`, `by X - October 5, 2023`, `MADRID, January 25, 2022 -`).
    pub fn from_text(text: &str) -> Article {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(HEADER_LINES)
            .collect();
        let title = lines
            .first()
            .filter(|_| lines.len() > 1)
            .filter(|l| l.chars().count() <= 200 && !ends_like_sentence(l))
            .map(|l| recase_headline(&fold_whitespace(l)));
        let outlet = lines
            .get(1)
            .filter(|_| title.is_some())
            .and_then(|l| outlet_of_line(l));
        // The dateline: a date a header line states as the publication's (a short line
        // after the title, such as `Outlet | by X | June 1, 2024`), or a dateline paragraph.
        let header = lines
            .iter()
            .skip(1)
            .take(3)
            .filter(|l| l.chars().count() <= 120 && !l.contains(". ") && is_header_line(l))
            .find_map(|l| find_date(l));
        let published = header.or_else(|| {
            lines
                .iter()
                .find_map(|l| stated_date(l).or_else(|| dateline_date(l)))
        });
        Article {
            title,
            outlet,
            url: None,
            published,
            text: fold_whitespace(text),
        }
    }
}

/// Lines of a plain text read as its header (title, outlet/byline, dateline).
const HEADER_LINES: usize = 5;

/// Every run of whitespace becomes one space; the ends are trimmed.
pub fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a JSON-LD block says of the article (`NewsArticle`, `Article`, inside `@graph` too).
#[derive(Default)]
struct JsonLd {
    headline: Option<String>,
    publisher: Option<String>,
    published: Option<String>,
    url: Option<String>,
}

fn json_ld(doc: &Html) -> JsonLd {
    let mut out = JsonLd::default();
    let Ok(sel) = Selector::parse("script[type=\"application/ld+json\"]") else {
        return out;
    };
    for script in doc.select(&sel) {
        let body: String = script.text().collect();
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&body) else {
            continue;
        };
        // Breadth-first over the objects, bounded: a block is small, but it is input.
        let mut queue = vec![&value];
        let mut seen = 0;
        while let Some(v) = queue.pop() {
            seen += 1;
            if seen > 1000 {
                break;
            }
            match v {
                serde_json::Value::Array(items) => queue.extend(items.iter()),
                serde_json::Value::Object(map) => {
                    let s = |k: &str| map.get(k).and_then(|v| v.as_str()).map(fold_whitespace);
                    out.headline = out.headline.take().or_else(|| s("headline"));
                    out.published = out.published.take().or_else(|| s("datePublished"));
                    if out.url.is_none() && map.contains_key("headline") {
                        out.url = s("url");
                    }
                    if out.publisher.is_none() {
                        out.publisher = map
                            .get("publisher")
                            .and_then(|p| p.get("name").and_then(|n| n.as_str()).or(p.as_str()))
                            .map(fold_whitespace);
                    }
                    if let Some(g) = map.get("@graph") {
                        queue.push(g);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The `Outlet` of a `<title>` shaped `Headline | Outlet` (or ` - `, ` — `, ` · `), when the
/// part before the separator is the headline.
fn title_suffix(page_title: &str, headline: &str) -> Option<String> {
    for sep in [" | ", " — ", " – ", " - ", " · "] {
        if let Some((head, tail)) = page_title.rsplit_once(sep) {
            if fold_whitespace(head) == fold_whitespace(headline) && !tail.trim().is_empty() {
                return Some(fold_whitespace(tail));
            }
        }
    }
    None
}

/// The date part of an ISO date or date-time (`2022-11-15T09:30:00+00:00` is 2022-11-15, the
/// day as the outlet wrote it, whatever its offset).
fn iso_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// The text of the article's root (`<article>`, else `<main>`, else `<body>`), without skipped
/// and boilerplate elements, with a line break after each block.
fn readable_text(doc: &Html) -> String {
    let root = ["article", "main", "body"]
        .iter()
        .filter_map(|css| Selector::parse(css).ok())
        .find_map(|sel| doc.select(&sel).next())
        .unwrap_or_else(|| doc.root_element());
    let mut out = String::new();
    // An explicit stack instead of recursion: (node, depth, closing?).
    let mut stack = vec![(*root, 0usize, false)];
    while let Some((node, depth, closing)) = stack.pop() {
        if closing {
            out.push('\n');
            continue;
        }
        match node.value() {
            // Soft hyphens and zero-width characters split words invisibly: dropped, so a
            // quoted phrase is found as it reads.
            Node::Text(t) => out.extend(
                t.chars()
                    .filter(|c| !matches!(c, '\u{AD}' | '\u{200B}'..='\u{200D}' | '\u{FEFF}')),
            ),
            Node::Element(e) => {
                let name = e.name();
                if SKIPPED_TAGS.contains(&name) || is_boilerplate(e) || depth > MAX_DEPTH {
                    continue;
                }
                let block = BLOCK_TAGS.contains(&name);
                if block {
                    out.push('\n');
                    stack.push((node, depth, true));
                }
                let children: Vec<_> = node.children().collect();
                for child in children.into_iter().rev() {
                    stack.push((child, depth + 1, false));
                }
            }
            _ => {}
        }
    }
    out
}

fn is_boilerplate(e: &scraper::node::Element) -> bool {
    let words = |s: &str| {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| BOILERPLATE_WORDS.contains(&w.to_ascii_lowercase().as_str()))
    };
    e.attr("class").is_some_and(words)
        || e.attr("id").is_some_and(words)
        || e.attr("role")
            .is_some_and(|r| matches!(r, "navigation" | "banner" | "contentinfo" | "complementary"))
}

/// A "Published ..." line (or any header date) in the first words of a page's text.
///
/// Only a date the page states as its own: after `Published`, `Posted` or `Updated`, or in a
/// dateline (`LOS ANGELES, November 15, 2022 -`). A date in the story's first lines (`it
/// premiered on November 23, 2022`) is not the dateline: no date is better than a wrong one.
fn header_date(text: &str) -> Option<NaiveDate> {
    let mut end = text.len().min(600);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    stated_date(head).or_else(|| dateline_date(head))
}

fn stated_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"\b(?:[Pp]ublished|[Pp]osted|[Uu]pdated)(?:\s+on)?:?\s+")
            .expect("published pattern")
    })
}

fn dateline_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?:^|\s)\p{Lu}[\p{Lu}\p{M} .'’-]+,\s+").expect("dateline pattern")
    })
}

/// `Published January 25, 2022`: the date right after a publication word.
fn stated_date(s: &str) -> Option<NaiveDate> {
    stated_re()
        .find_iter(s)
        .find_map(|m| starts_with_date(&s[m.end()..]))
}

/// `MADRID, January 25, 2022 -`: a place in capitals, a date, a dash.
fn dateline_date(s: &str) -> Option<NaiveDate> {
    dateline_re().find_iter(s).find_map(|m| {
        let rest = &s[m.end()..];
        let date = starts_with_date(rest)?;
        let after_date = rest.find(['-', '—', '–'])?;
        // The dash closes the date (`2022 -`), with nothing but the date before it.
        (after_date <= 24).then_some(date)
    })
}

/// A full date opening `s`.
fn starts_with_date(s: &str) -> Option<NaiveDate> {
    let mut end = s.len().min(24);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let head = &s[..end];
    let d = find_date(head)?;
    // Opening: the date's month or day is the first word.
    let first = head.split_whitespace().next()?;
    let opens = first
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c.is_uppercase());
    opens.then_some(d)
}

/// The first full date (`January 25, 2022`, `Jan. 10, 2023`, `25 January 2022`, `2022-01-25`)
/// in `line`.
pub(crate) fn find_date(line: &str) -> Option<NaiveDate> {
    crate::extract::dates::first_full_date(line)
}

/// A headline does not end with a full stop (an initial's or `Co.`'s aside).
fn ends_like_sentence(line: &str) -> bool {
    let last = line.split_whitespace().next_back().unwrap_or("");
    line.ends_with('.') && last.chars().filter(|c| c.is_alphabetic()).count() > 3
}

/// A byline or meta line: separators or publication words, as pages set them.
fn is_header_line(line: &str) -> bool {
    [" | ", " - ", " — ", " – ", " · "]
        .iter()
        .any(|sep| line.contains(sep))
        || stated_re().is_match(line)
        || line.to_lowercase().starts_with("by ")
}

/// Words a title keeps in lower case unless they open it or follow a colon.
const SMALL_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "but", "by", "for", "in", "nor", "of", "on", "or", "the", "to",
    "vs", "vs.", "via", "with",
];

/// An all-capitals headline (`WEDNESDAY SEASON 2: RENEWAL ...`) in title case; any other line
/// as written.
fn recase_headline(line: &str) -> String {
    let letters = line.chars().filter(|c| c.is_alphabetic());
    if letters.clone().count() < 2 || letters.clone().any(|c| c.is_lowercase()) {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut opens = true;
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let lower = word.to_lowercase();
        if !opens && SMALL_WORDS.contains(&lower.as_str()) {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
        opens = word.ends_with(':');
    }
    out
}

/// The outlet of a header line such as `StreamScene Daily | Entertainment | By Javier Ortega` or
/// `Le Petit Streamer (English edition) | Séries`: its first segment, without a parenthetical,
/// unless that segment is a byline or a date.
fn outlet_of_line(line: &str) -> Option<String> {
    let first = [" | ", " - ", " — ", " – ", " · "]
        .iter()
        .filter_map(|sep| line.find(sep))
        .min()
        .map_or(line, |i| &line[..i]);
    let mut name = fold_whitespace(first);
    if let Some(open) = name.find(" (") {
        if name.ends_with(')') {
            name.truncate(open);
        }
    }
    let lower = name.to_lowercase();
    let byline = ["by ", "written by", "posted by", "words by", "published"]
        .iter()
        .any(|b| lower.starts_with(b));
    // A name: a few capitalised words (`The Binge Report`, `Le Petit Streamer`), never prose.
    let words: Vec<&str> = name.split_whitespace().collect();
    let named = words.len() <= 6
        && words.iter().enumerate().all(|(i, w)| {
            w.chars().next().is_some_and(|c| !c.is_lowercase())
                || (i > 0 && matches!(*w, "of" | "the" | "and" | "de" | "la" | "le" | "du" | "des"))
        });
    if name.is_empty() || byline || find_date(&name).is_some() || !named || name.ends_with('.') {
        return None;
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head>
<title>Ozark Is Over &amp; Out | Telly Times</title>
<meta property="og:title" content="Ozark Is Over &amp; Out">
<link rel="canonical" href="https://telly.example/ozark-over/">
<script>var ads = "never text";</script>
</head><body>
<header class="masthead"><a href="/">Telly Times</a></header>
<nav><a href="/">Home</a> <a href="/tv">TV</a></nav>
<div class="cookie-banner">We use cookies.</div>
<article>
<h1>Ozark Is Over &amp; Out</h1>
<p class="byline">By A. Writer · <time datetime="2022-05-02T10:00:00Z">May 2, 2022</time></p>
<p>The Byrdes are   done.&nbsp;The fourth season was the last.</p>
<div class="inline-ad">ADVERTISEMENT Buy things</div>
<p>Laura Lin&shy;ney plays Wendy<br>By&#8203;rde.</p>
<aside class="related-posts"><p>Related: other shows</p></aside>
<form><input value="search"></form>
</article>
<footer>&copy; Telly Times</footer>
</body></html>"#;

    #[test]
    fn html_keeps_the_story_and_drops_the_page_around_it() {
        let a = Article::from_html(PAGE, Some("https://elsewhere.example/x"));
        assert_eq!(a.title.as_deref(), Some("Ozark Is Over & Out"));
        assert_eq!(
            a.outlet.as_deref(),
            Some("Telly Times"),
            "from the <title> suffix"
        );
        assert_eq!(a.url.as_deref(), Some("https://telly.example/ozark-over/"));
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2022, 5, 2));
        assert!(a
            .text
            .contains("The Byrdes are done. The fourth season was the last."));
        assert!(
            a.text.contains("Laura Linney plays Wendy Byrde."),
            "{}",
            a.text
        );
        for gone in [
            "never text",
            "cookies",
            "ADVERTISEMENT",
            "Related",
            "Home",
            "search",
            "©",
        ] {
            assert!(!a.text.contains(gone), "{gone:?} left in {:?}", a.text);
        }
        assert!(!a.text.contains("  "), "whitespace folded");
    }

    #[test]
    fn html_metadata_falls_back_in_order() {
        let ld = r#"<html><head><title>Plain</title>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle",
"headline":"From LD","datePublished":"2021-03-04","publisher":{"@type":"Organization","name":"LD News"}}]}</script>
</head><body><main><p>Body text.</p></main></body></html>"#;
        let a = Article::from_html(ld, Some("https://given.example/"));
        assert_eq!(a.title.as_deref(), Some("From LD"));
        assert_eq!(a.outlet.as_deref(), Some("LD News"));
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2021, 3, 4));
        assert_eq!(a.url.as_deref(), Some("https://given.example/"));
        assert_eq!(a.text, "Body text.");

        let prose = "<html><body><p>It premiered on May 1, 2019.</p></body></html>";
        assert_eq!(
            Article::from_html(prose, None).published,
            None,
            "a story date is no dateline"
        );

        let bare = "<html><head><title>Only a title</title></head><body><h1>The H1</h1>\
                    <p>Published March 9, 2020</p><p>Text.</p></body></html>";
        let a = Article::from_html(bare, None);
        assert_eq!(a.title.as_deref(), Some("The H1"));
        assert_eq!(a.outlet, None, "the <title> is not `headline | outlet`");
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2020, 3, 9));
        assert_eq!(a.url, None);
    }

    #[test]
    fn html_that_is_not_a_page_still_reads() {
        let a = Article::from_html("just <b>words</b> &amp; <i>more", None);
        assert_eq!(a.text, "just words & more");
        let a = Article::from_html("", None);
        assert_eq!(a.text, "");
        assert_eq!(a.title, None);
    }

    #[test]
    fn text_header_lines_give_title_outlet_and_dateline() {
        let t =
            "THE CROWN SEASON 7: IS IT HAPPENING?\nRoyal Watch (UK edition) | TV | by Sam Doe\n\n\
                 LONDON, March 3, 2024 - Some news.\nMore   news.";
        let a = Article::from_text(t);
        assert_eq!(
            a.title.as_deref(),
            Some("The Crown Season 7: Is It Happening?")
        );
        assert_eq!(a.outlet.as_deref(), Some("Royal Watch"));
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2024, 3, 3));
        assert!(a.text.ends_with("Some news. More news."));

        let a = Article::from_text("A Headline\nby Someone - 4 July 2021\nBody.");
        assert_eq!(a.title.as_deref(), Some("A Headline"));
        assert_eq!(a.outlet, None, "a byline is not an outlet");
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2021, 7, 4));

        let a = Article::from_text("no header at all, just one line of text.");
        assert_eq!(a.published, None);
        assert_eq!(a.outlet, None);
        assert_eq!(a.title, None, "one line is no headline");

        // Pasted prose: its sentences are no title or outlet, its dates no dateline.
        let a = Article::from_text(
            "The show was canceled after one season.\nIt premiered on November 23, 2022, \
             to little fanfare.\nviewers - and critics - shrugged.",
        );
        assert_eq!((a.title, a.outlet, a.published), (None, None, None));

        // A dateline paragraph dates a text with no byline line.
        let a = Article::from_text("Headline Here\n\nSAN JOSÉ, Feb. 3, 2021 - The story.");
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2021, 2, 3));
    }
}
