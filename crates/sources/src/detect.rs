//! Format detection from content. Names lie (a renamed download, `data.tsv`); headers don't.

use crate::formats::{Detect, Format, SPECS};
use crate::{Location, SourceError};
use std::path::Path;

/// Detects the format of `bytes` (the content of `path`; the path is only used in errors).
///
/// Only the first line is examined, so this is cheap; the reader validates the rest. Every
/// format's rule is its descriptor's [`Detect`].
pub fn detect(path: &Path, bytes: &[u8]) -> Result<Format, SourceError> {
    if bytes.starts_with(b"PK\x03\x04") {
        if let Some(s) = SPECS.iter().find(|s| s.detect == Detect::Zip) {
            return Ok(s.format);
        }
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(unknown(
            path,
            "an old binary .xls workbook; only .xlsx is supported",
        ));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(unknown(path, "empty file"));
    }
    let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    let Ok(header) = std::str::from_utf8(first) else {
        return Err(SourceError::invalid(
            Location::file(path).row(1),
            "header line is not valid UTF-8",
        ));
    };
    let delimiter = if header.contains('\t') { '\t' } else { ',' };
    let columns: Vec<&str> = header
        .split(delimiter)
        .map(|c| {
            let c = c.trim();
            c.strip_prefix('"')
                .and_then(|c| c.strip_suffix('"'))
                .unwrap_or(c)
        })
        .collect();
    let same_set =
        |want: &[&str]| columns.len() == want.len() && want.iter().all(|w| columns.contains(w));
    SPECS
        .iter()
        .find(|s| match s.detect {
            Detect::Header {
                delimiter: d,
                columns,
            } => char::from(d) == delimiter && same_set(columns),
            Detect::Zip => false,
        })
        .map(|s| s.format)
        .ok_or_else(|| {
            let shown: String = header.chars().take(200).collect();
            let more = if shown.len() < header.len() {
                "…"
            } else {
                ""
            };
            unknown(
                path,
                &format!("unrecognised format (header: {shown:?}{more})"),
            )
        })
}

fn unknown(path: &Path, why: &str) -> SourceError {
    SourceError::invalid(Location::file(path), why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(bytes: &[u8]) -> Result<Format, SourceError> {
        detect(Path::new("x/data.txt"), bytes)
    }

    #[test]
    fn detects_every_text_header() {
        let headers = SPECS.iter().filter_map(|s| match s.detect {
            Detect::Header { delimiter, columns } => Some((s.format, delimiter, columns)),
            Detect::Zip => None,
        });
        assert_eq!(headers.clone().count(), SPECS.len() - 1);
        for (format, delimiter, columns) in headers {
            let header = columns.join(&char::from(delimiter).to_string());
            assert_eq!(d(format!("{header}\nrow").as_bytes()).unwrap(), format);
            // BOM, CRLF, reordered columns and a header-only file are all still recognised.
            let mut rev = columns.to_vec();
            rev.reverse();
            let rev = rev.join(&char::from(delimiter).to_string());
            assert_eq!(
                d(format!("\u{feff}{rev}\r\nrow").as_bytes()).unwrap(),
                format
            );
            assert_eq!(d(header.as_bytes()).unwrap(), format);
        }
        assert_eq!(d(b"PK\x03\x04rest").unwrap(), Format::Engagement);
    }

    #[test]
    fn rejects_unknown_and_empty() {
        let msg = |b: &[u8]| d(b).unwrap_err().to_string();
        assert_eq!(msg(b""), "x/data.txt: empty file");
        assert_eq!(msg(b"\xEF\xBB\xBF\n\n"), "x/data.txt: empty file");
        assert_eq!(
            msg(b"a,b,c\n1,2,3"),
            "x/data.txt: unrecognised format (header: \"a,b,c\")"
        );
        // Right names, wrong delimiter; and a superset of a known header.
        assert!(msg(b"person_id,id,name,character,role\tx").contains("unrecognised"));
        assert!(msg(b"person_id;id;name;character;role").contains("unrecognised"));
        assert!(msg(b"person_id,id,name,character,role,extra").contains("unrecognised"));
        let e = d(b"person_id,id,na\xFFme,character,role\n").unwrap_err();
        assert_eq!(
            e.location(),
            Some(&Location::file(Path::new("x/data.txt")).row(1))
        );
        assert!(msg(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]).contains(".xls"));
    }

    #[test]
    fn long_header_is_cut_in_message() {
        let header = "x,".repeat(500);
        let m = d(header.as_bytes()).unwrap_err().to_string();
        assert!(m.len() < 300 && m.ends_with("…)"), "{m}");
    }
}
