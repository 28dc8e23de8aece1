//! The text as the grammar sees it: sentences, and a normalised copy for finding titles.

use greenlight_sources::titles;
use std::ops::Range;

/// Words after which a full stop does not end a sentence (`No. 4`, `Jan. 10`, `Lockwood & Co.`).
const ABBREVIATIONS: &[&str] = &[
    "No", "no", "Nos", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
    "Nov", "Dec", "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Co", "Inc", "Ltd", "vs", "Vol",
    "vol", "Ep", "ep", "approx", "e.g", "i.e", "U.S", "U.K", "D.C", "Prof", "Mt",
];

/// The sentences of `text` as byte ranges: a sentence ends at `.`, `!` or `?` (closing quotes
/// and brackets included) followed by a space and a capital, digit or quote, unless the word
/// before the stop is an abbreviation or a single initial.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'.' | b'!' | b'?') {
            let mut end = i + 1;
            while end < bytes.len() && matches!(bytes[end], b'"' | b'\'' | b')' | b']') {
                end += 1;
            }
            // `”` and `’` close a quote too.
            while let Some(rest) = text.get(end..) {
                if rest.starts_with('”') || rest.starts_with('’') {
                    end += 3;
                } else {
                    break;
                }
            }
            let next = text.get(end..).unwrap_or("");
            let follows = next.strip_prefix(' ').and_then(|r| r.chars().next());
            let opens = follows.is_some_and(|c| {
                c.is_uppercase() || c.is_ascii_digit() || "\"“'‘(".contains(c) || !c.is_ascii()
            });
            if opens && !(b == b'.' && before_is_abbreviation(&text[start..i])) {
                out.push(start..end);
                start = end + 1;
                i = start;
                continue;
            }
        }
        i += 1;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

fn before_is_abbreviation(s: &str) -> bool {
    let word = s
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let one_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    one_initial || ABBREVIATIONS.contains(&word)
}

/// `text` normalised as the store normalises titles ([`titles::normalize`]: diacritics removed,
/// lower case, `&` as `and`, apostrophes dropped, other punctuation one space), with, for every
/// byte of the normalised text, the byte of `text` it came from (one more entry: the end).
pub struct Normalized {
    pub text: String,
    pub origin: Vec<usize>,
}

pub fn normalize_with_origin(text: &str) -> Normalized {
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() + 1);
    let mut pending_space = false;
    let mut buf = [0u8; 4];
    for (at, c) in text.char_indices() {
        if matches!(c, '\'' | '’' | '‘' | '`' | 'ʼ')
            || unicode_normalization::char::is_combining_mark(c)
        {
            continue;
        }
        if c == '&' {
            if !out.is_empty() {
                out.push(' ');
                origin.push(at);
            }
            out.push_str("and");
            origin.extend([at; 3]);
            pending_space = true;
            continue;
        }
        let piece = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase().encode_utf8(&mut buf).to_string()
        } else if c.is_alphanumeric() {
            titles::normalize(c.encode_utf8(&mut buf))
        } else {
            String::new()
        };
        if piece.is_empty() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
            origin.push(at);
        }
        pending_space = false;
        out.push_str(&piece);
        origin.extend(std::iter::repeat_n(at, piece.len()));
    }
    origin.push(text.len());
    Normalized { text: out, origin }
}

impl Normalized {
    /// The byte range of the original text that normalised bytes `range` came from.
    pub fn original(&self, range: Range<usize>, text: &str) -> Range<usize> {
        let start = self.origin[range.start];
        // The end: just past the original character of the last normalised byte.
        let last = self.origin[range.end - 1];
        let end = last + text[last..].chars().next().map_or(0, char::len_utf8);
        start..end
    }

    /// Whether normalised bytes `range` are whole words.
    pub fn is_whole_words(&self, range: &Range<usize>) -> bool {
        let b = self.text.as_bytes();
        (range.start == 0 || b[range.start - 1] == b' ')
            && (range.end == b.len() || b[range.end] == b' ')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_stops_but_not_abbreviations() {
        let t = "It hit No. 1 in Jan. 2020. Then it fell! Did it? Yes. Lockwood & Co. was next. \
                 J. Doe said so. “Quoted.” After";
        let parts: Vec<&str> = sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            parts,
            [
                "It hit No. 1 in Jan. 2020.",
                "Then it fell!",
                "Did it?",
                "Yes.",
                "Lockwood & Co. was next.",
                "J. Doe said so.",
                "“Quoted.”",
                "After"
            ]
        );
        assert!(sentences("").is_empty());
    }

    #[test]
    fn normalised_text_maps_back_to_the_original() {
        let t = "See Élite's “Pokémon & Co.” now";
        let n = normalize_with_origin(t);
        assert_eq!(n.text, "see elites pokemon and co now");
        let at = n.text.find("pokemon and co").unwrap();
        let r = n.original(at..at + "pokemon and co".len(), t);
        assert_eq!(&t[r], "Pokémon & Co");
        let at = n.text.find("elites").unwrap();
        assert_eq!(&t[n.original(at..at + 6, t)], "Élite's");
        assert!(n.is_whole_words(&(at..at + 6)));
        assert!(!n.is_whole_words(&(at..at + 5)));
    }
}
