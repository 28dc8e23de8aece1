//! A small pull tokenizer for the XML inside XLSX packages.
//!
//! Worksheet XML is millions of bytes of one shape (`<c r="B7" s="6" t="s"><v>8</v></c>`), and a
//! general-purpose XML reader spent most of a workbook's read time on generality greenlight
//! doesn't need (events for every construct, encodings, attribute de-duplication). This tokenizer
//! reads UTF-8 XML as a borrowed slice: start and end tags (checked to nest), attributes, text,
//! CDATA, character and predefined entity references; it skips comments and processing
//! instructions and refuses DTDs (a workbook has none, and entity definitions are how XML bombs
//! work). Anything else that is not well-formed is an error naming the byte offset.

use std::borrow::Cow;

#[derive(Debug, PartialEq)]
pub(crate) enum Tok<'a> {
    /// `<name attrs>` or, when `empty`, `<name attrs/>`. `name` is the local name (no prefix).
    Open {
        name: &'a [u8],
        attrs: Attrs<'a>,
        empty: bool,
    },
    /// `</name>`, local name.
    Close(&'a [u8]),
    /// Character data as written (entities not yet resolved): see [`unescape`].
    Text(&'a [u8]),
    /// The content of a CDATA section, which is literal.
    CData(&'a [u8]),
    Eof,
}

pub(crate) struct Xml<'a> {
    src: &'a [u8],
    pos: usize,
    /// Qualified names of the open elements, to check that every end tag matches.
    open: Vec<&'a [u8]>,
    /// Whether the root element has been closed: nothing but text may follow it.
    done: bool,
}

impl<'a> Xml<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        let pos = if src.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        Xml {
            src,
            pos,
            open: Vec::with_capacity(8),
            done: false,
        }
    }

    fn err(&self, at: usize, what: impl std::fmt::Display) -> String {
        format!("malformed XML at byte {at}: {what}")
    }

    /// The byte offset where `needle` next occurs at or after `from`.
    fn find(&self, from: usize, needle: &[u8]) -> Option<usize> {
        memchr::memmem::find(self.src.get(from..)?, needle).map(|i| from + i)
    }

    /// Skips comments and processing instructions at the current position, iteratively (a
    /// part of nothing but comments must not deepen the stack).
    fn skip_misc(&mut self) -> Result<(), String> {
        loop {
            let rest = self.src.get(self.pos..).unwrap_or_default();
            let (close, what) = if rest.starts_with(b"<?") {
                (&b"?>"[..], "processing instruction not closed")
            } else if rest.starts_with(b"<!--") {
                (&b"-->"[..], "comment not closed")
            } else {
                return Ok(());
            };
            let end = self
                .find(self.pos + 2, close)
                .ok_or_else(|| self.err(self.pos, what))?;
            self.pos = end + close.len();
        }
    }

    pub fn next(&mut self) -> Result<Tok<'a>, String> {
        self.skip_misc()?;
        let src = self.src;
        let start = self.pos;
        if start >= src.len() {
            return match self.open.last() {
                None => Ok(Tok::Eof),
                Some(name) => Err(self.err(
                    start,
                    format!("<{}> is not closed", String::from_utf8_lossy(name)),
                )),
            };
        }
        if src[start] != b'<' {
            let end = memchr::memchr(b'<', &src[start..]).map_or(src.len(), |i| start + i);
            self.pos = end;
            return Ok(Tok::Text(&src[start..end]));
        }
        let rest = &src[start + 1..];
        match rest.first() {
            Some(b'/') => {
                let close = memchr::memchr(b'>', rest)
                    .map(|i| start + 1 + i)
                    .ok_or_else(|| self.err(start, "end tag not closed"))?;
                let name = &src[start + 2..close];
                let name = trim_end(name);
                if name.first().is_none_or(|b| b.is_ascii_whitespace()) {
                    return Err(self.err(start, "an end tag without a name"));
                }
                match self.open.pop() {
                    Some(open) if open == name => {}
                    Some(open) => {
                        return Err(self.err(
                            start,
                            format!(
                                "expected </{}>, found </{}>",
                                String::from_utf8_lossy(open),
                                String::from_utf8_lossy(name)
                            ),
                        ))
                    }
                    None => {
                        return Err(self.err(
                            start,
                            format!("</{}> closes nothing", String::from_utf8_lossy(name)),
                        ))
                    }
                }
                self.pos = close + 1;
                self.done = self.open.is_empty();
                Ok(Tok::Close(local(name)))
            }
            Some(b'!') if rest.starts_with(b"![CDATA[") => {
                let body = start + 9;
                let end = self
                    .find(body, b"]]>")
                    .ok_or_else(|| self.err(start, "CDATA section not closed"))?;
                self.pos = end + 3;
                Ok(Tok::CData(&src[body..end]))
            }
            Some(b'!') => Err(self.err(start, "DTDs and declarations are not allowed here")),
            _ => {
                let name_end = rest
                    .iter()
                    .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
                    .map_or(src.len(), |i| start + 1 + i);
                let name = &src[start + 1..name_end];
                if name.is_empty() {
                    return Err(self.err(start, "a tag without a name"));
                }
                if self.done {
                    return Err(self.err(start, "an element after the document's root element"));
                }
                // The tag ends at the first `>` outside a quoted attribute value.
                let mut i = name_end;
                loop {
                    match src.get(i) {
                        None => return Err(self.err(start, "start tag not closed")),
                        Some(b'>') => break,
                        Some(&q @ (b'"' | b'\'')) => {
                            i = memchr::memchr(q, &src[i + 1..])
                                .map(|j| i + 1 + j)
                                .ok_or_else(|| self.err(i, "attribute value not closed"))?;
                        }
                        Some(_) => {}
                    }
                    i += 1;
                }
                let empty = i > name_end && src[i - 1] == b'/';
                let attrs_end = if empty { i - 1 } else { i };
                self.pos = i + 1;
                if empty {
                    self.done = self.open.is_empty();
                } else {
                    self.open.push(name);
                }
                Ok(Tok::Open {
                    name: local(name),
                    attrs: Attrs {
                        src: &src[name_end..attrs_end],
                        at: name_end,
                    },
                    empty,
                })
            }
        }
    }

    /// Skips the content of the element just opened, up to and including its end tag.
    pub fn skip(&mut self) -> Result<(), String> {
        let depth = self.open.len();
        loop {
            match self.next()? {
                Tok::Close(_) if self.open.len() < depth => return Ok(()),
                Tok::Eof => return Err(self.err(self.pos, "unexpected end")),
                _ => {}
            }
        }
    }

    /// The text content of the element just opened (entities resolved, nested markup skipped),
    /// up to and including its end tag. Borrowed when it needs no unescaping.
    pub fn text(&mut self) -> Result<Cow<'a, str>, String> {
        let mut out: Option<Cow<'a, str>> = None;
        loop {
            let piece = match self.next()? {
                Tok::Text(t) => unescape(t).map_err(|e| self.err(self.pos, e))?,
                Tok::CData(t) => Cow::Borrowed(utf8(t).map_err(|e| self.err(self.pos, e))?),
                Tok::Open { empty: false, .. } => {
                    self.skip()?;
                    continue;
                }
                Tok::Open { .. } => continue,
                Tok::Close(_) => return Ok(out.unwrap_or_default()),
                Tok::Eof => return Err(self.err(self.pos, "unexpected end")),
            };
            match &mut out {
                None => out = Some(piece),
                Some(o) => o.to_mut().push_str(&piece),
            }
        }
    }
}

/// The attributes of a start tag, iterated as `(qualified name, raw value)`.
#[derive(Debug, PartialEq, Clone, Copy)]
pub(crate) struct Attrs<'a> {
    src: &'a [u8],
    /// Where `src` starts in the document, for error offsets.
    at: usize,
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Result<(&'a [u8], &'a [u8]), String>;

    fn next(&mut self) -> Option<Self::Item> {
        let skip = self
            .src
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(self.src.len());
        self.src = &self.src[skip..];
        self.at += skip;
        if self.src.is_empty() {
            return None;
        }
        let fail = |at: usize, what: &str| Some(Err(format!("malformed XML at byte {at}: {what}")));
        let Some(eq) = self.src.iter().position(|&b| b == b'=') else {
            return fail(self.at, "attribute without a value");
        };
        let name = trim(&self.src[..eq]);
        let after = &self.src[eq + 1..];
        let lead = after
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(after.len());
        let quote = match after.get(lead) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return fail(self.at + eq, "attribute value not quoted"),
        };
        let body = &after[lead + 1..];
        let Some(close) = memchr::memchr(quote, body) else {
            return fail(self.at + eq, "attribute value not closed");
        };
        if name.is_empty() || name.iter().any(|b| b.is_ascii_whitespace()) {
            return fail(self.at, "bad attribute name");
        }
        let consumed = eq + 1 + lead + 1 + close + 1;
        let value = &body[..close];
        self.src = &self.src[consumed..];
        self.at += consumed;
        Some(Ok((name, value)))
    }
}

/// `x:sheet` -> `sheet`.
pub(crate) fn local(name: &[u8]) -> &[u8] {
    // Names are a few bytes long: a plain scan beats a vectorised search's setup.
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

fn trim_end(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &b[..end]
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &b[start..end]
}

fn utf8(b: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(b).map_err(|e| format!("text is not UTF-8 ({e})"))
}

/// Text or an attribute value with its entity and character references resolved.
pub(crate) fn unescape(raw: &[u8]) -> Result<Cow<'_, str>, String> {
    let s = utf8(raw)?;
    if !s.contains('&') {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after
            .find(';')
            .filter(|&i| i <= 10)
            .ok_or_else(|| format!("`&` without an entity name near {:?}", preview(after)))?;
        let entity = &after[..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let digits = entity.trim_start_matches(['#', 'x', 'X']);
                // No sign, no space: `u32`'s parser would accept `+65`.
                if entity.starts_with('#')
                    && (digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()))
                {
                    return Err(format!("bad character reference &{entity};"));
                }
                let code = match entity.strip_prefix('#') {
                    Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16),
                    Some(dec) => dec.parse::<u32>(),
                    None => return Err(format!("unknown entity &{entity};")),
                };
                code.ok()
                    .filter(|&c| c != 0)
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("bad character reference &{entity};"))?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

fn preview(s: &str) -> String {
    s.chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(xml: &str) -> Result<Vec<String>, String> {
        let mut x = Xml::new(xml.as_bytes());
        let mut out = Vec::new();
        loop {
            let t = x.next()?;
            out.push(match t {
                Tok::Open { name, attrs, empty } => {
                    let attrs: Result<Vec<String>, String> = attrs
                        .map(|a| {
                            a.map(|(k, v)| {
                                format!(
                                    "{}={}",
                                    String::from_utf8_lossy(k),
                                    String::from_utf8_lossy(v)
                                )
                            })
                        })
                        .collect();
                    format!(
                        "<{}{}{}>",
                        String::from_utf8_lossy(name),
                        attrs?.iter().map(|a| format!(" {a}")).collect::<String>(),
                        if empty { "/" } else { "" }
                    )
                }
                Tok::Close(n) => format!("</{}>", String::from_utf8_lossy(n)),
                Tok::Text(t) => format!("text:{}", unescape(t)?),
                Tok::CData(t) => format!("cdata:{}", String::from_utf8_lossy(t)),
                Tok::Eof => break,
            });
        }
        Ok(out)
    }

    #[test]
    fn tokens() {
        let xml = "\u{feff}<?xml version=\"1.0\"?><!-- c --><x:a r=\"B7\" t = 's' q=\"a>b\"><v>1 &amp; &#233;&#x4E2D;</v><b/><c k='v' /><![CDATA[<raw>]]></x:a>";
        assert_eq!(
            toks(xml).unwrap(),
            [
                "<a r=B7 t=s q=a>b>",
                "<v>",
                "text:1 & é中",
                "</v>",
                "<b/>",
                "<c k=v/>",
                "cdata:<raw>",
                "</a>"
            ]
        );
    }

    #[test]
    fn malformed() {
        for bad in [
            "<a><b></a></b>",
            "<a>",
            "</a>",
            "<a",
            "<a b=\"1></a>",
            "<a b=1></a>",
            "<a b></a>",
            "<!DOCTYPE x [<!ENTITY e \"boom\">]><a/>",
            "<a>&bogus;</a>",
            "<a>&#xZZ;</a>",
            "<a>& x</a>",
            "<!-- open",
            "<![CDATA[ open",
            "<?pi open",
            "< >",
            "<a></ a>",
            "<a/><b/>",
            "<a></a><b></b>",
            "<a>&#+65;</a>",
            "<a>&#0;</a>",
        ] {
            assert!(toks(bad).is_err(), "{bad} was accepted: {:?}", toks(bad));
        }
        assert!(toks("<a>\u{0}</a>").is_ok());
        assert!(Xml::new(b"<a>\xff</a>").next().is_ok());
        let mut x = Xml::new(b"<a>\xff</a>");
        x.next().unwrap();
        assert!(x.text().is_err(), "text that is not UTF-8 is refused");
    }

    /// A part of nothing but comments is skipped in a loop, not by recursion.
    #[test]
    fn many_comments_do_not_deepen_the_stack() {
        let xml = format!(
            "{}<a>{}x</a>{}",
            "<!---->".repeat(200_000),
            "<?p?>".repeat(200_000),
            "<!-- -->".repeat(10)
        );
        assert_eq!(toks(&xml).unwrap(), ["<a>", "text:x", "</a>"]);
    }

    #[test]
    fn text_skips_nested_markup() {
        let mut x = Xml::new(b"<t>a<b>no<c/>no</b>b&lt;</t>");
        assert!(matches!(x.next().unwrap(), Tok::Open { .. }));
        assert_eq!(x.text().unwrap(), "ab<");
        assert_eq!(x.next().unwrap(), Tok::Eof);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        /// Any bytes, weighted towards XML's own: the tokenizer ends in `Eof` or an error,
        /// never a panic or an endless loop, and text it yields is valid or refused.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(b"<>/?!-[]=\"' &;#x:abcv1".to_vec()),
                proptest::prelude::any::<u8>(),
            ],
            0..256,
        )) {
            let mut x = Xml::new(&bytes);
            let mut ended = false;
            // Every token consumes at least one byte.
            for _ in 0..=bytes.len() + 1 {
                match x.next() {
                    Ok(Tok::Eof) | Err(_) => { ended = true; break; }
                    Ok(Tok::Open { attrs, .. }) => { for a in attrs { if a.is_err() { break; } } }
                    Ok(Tok::Text(t)) => { let _ = unescape(t); }
                    Ok(_) => {}
                }
            }
            proptest::prop_assert!(ended, "no end after {} tokens", bytes.len() + 2);
            let mut x = Xml::new(&bytes);
            if let Ok(Tok::Open { empty: false, .. }) = x.next() {
                let _ = x.text();
            }
        }
    }
}
