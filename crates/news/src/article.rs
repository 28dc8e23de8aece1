//! An article as read: its text and what is known about it.

use chrono::NaiveDate;
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

impl Article {
    /// An HTML page reduced to its article text, with the title, outlet, dateline and URL it
    /// declares. (Placeholder until the readability pass lands: the markup is kept as text.)
    pub fn from_html(html: &str, url: Option<&str>) -> Article {
        Article {
            url: url.map(str::to_string),
            ..Article::from_text(html)
        }
    }

    /// A plain text with nothing known about it.
    pub fn from_text(text: &str) -> Article {
        Article {
            title: None,
            outlet: None,
            url: None,
            published: None,
            text: fold_whitespace(text),
        }
    }
}

/// Every run of whitespace becomes one space; the ends are trimmed.
pub fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
