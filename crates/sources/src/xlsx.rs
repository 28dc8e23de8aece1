//! A lean reader for the cell grid of XLSX worksheets.
//!
//! An engagement report is ~1 MB of zip holding ~5 MB of worksheet XML per sheet. calamine spent
//! ~85 ms per workbook on it (a buffered XML stream, a dense `Range` and one `String` clone per
//! shared-string cell), which made the workbooks over a third of a full import's CPU. This reader
//! inflates each part once (zip) and reads it as a borrowed slice with quick-xml (the parser
//! under calamine, without calamine's dense grid), keeps shared strings borrowed, and stores rows
//! sparsely, so memory follows the file's size rather than its used range. (A hand-written
//! tokenizer here saved less than a tenth of the import in an interleaved A/B run, BENCHMARKS.md,
//! so the well-kept parser won.) It reads exactly what greenlight
//! needs: sheet names, shared and inline strings, numbers, booleans, errors, and which numbers
//! are styled as dates. calamine stays in the tests as an independent reader of the real
//! workbooks, cell by cell.
//!
//! Every failure is a message (the caller adds file and sheet); nothing here panics on input.

use quick_xml::events::{BytesCData, BytesEnd, BytesRef, BytesStart, BytesText, Event};
use std::borrow::Cow;
use std::io::{Cursor, Read};

/// Excel's own limits; a reference beyond them is a corrupt file, not a big one.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLS: u32 = 16_384;
/// An inflated part larger than this is refused (a zip bomb), long before memory runs out. The
/// largest real part is 2.6 MB. Set with the other limits, in `limits.rs`.
const MAX_PART_BYTES: u64 = crate::limits::MAX_WORKBOOK_PART_BYTES;

/// One cell's value. Text borrows from the workbook's shared strings where it can.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Empty,
    Text(Cow<'a, str>),
    Int(i64),
    Float(f64),
    /// A number whose cell style is a date or time format: an Excel date serial.
    Date(f64),
    /// `t="d"`: an ISO 8601 date written as text.
    IsoDate(Cow<'a, str>),
    Bool(bool),
    /// `#N/A`, `#DIV/0!`...
    Error(Cow<'a, str>),
}

impl std::fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Empty => Ok(()),
            Value::Text(s) | Value::IsoDate(s) | Value::Error(s) => f.write_str(s),
            Value::Int(n) => write!(f, "{n}"),
            Value::Float(x) | Value::Date(x) => write!(f, "{x}"),
            Value::Bool(b) => f.write_str(if *b { "TRUE" } else { "FALSE" }),
        }
    }
}

/// A row as written in the file: its 1-based Excel number and its cells, by 0-based column.
#[derive(Debug)]
pub(crate) struct Row<'a> {
    pub number: u32,
    pub cells: Vec<(u32, Value<'a>)>,
}

impl<'a> Row<'a> {
    /// The cell in 0-based column `col`, `Empty` when the row has none there.
    pub fn get(&self, col: u32) -> &Value<'a> {
        const EMPTY: &Value<'static> = &Value::Empty;
        // Cells are in column order in every writer's output, but a file may say otherwise.
        self.cells
            .iter()
            .rev()
            .find(|(c, _)| *c == col)
            .map_or(EMPTY, |(_, v)| v)
    }
}

/// An opened workbook: its sheets, shared strings and date styles.
pub(crate) struct Workbook<'b> {
    zip: zip::ZipArchive<Cursor<&'b [u8]>>,
    /// (name, part path) in workbook order.
    sheets: Vec<(String, String)>,
    strings: Vec<String>,
    /// Per cell style (`s="N"`): whether it formats a number as a date.
    date_styles: Vec<bool>,
    /// Days to add to a date serial to bring it to the 1900 system: 1462 in a workbook that
    /// counts from 1904 (old Mac Excel), else 0.
    date_offset: f64,
}

impl<'b> Workbook<'b> {
    pub fn open(bytes: &'b [u8]) -> Result<Self, String> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("{e}"))?;
        let mut wb = Workbook {
            zip,
            sheets: Vec::new(),
            strings: Vec::new(),
            date_styles: Vec::new(),
            date_offset: 0.0,
        };
        let book = wb
            .part("xl/workbook.xml")?
            .ok_or("no xl/workbook.xml part")?;
        let rels = wb
            .part("xl/_rels/workbook.xml.rels")?
            .ok_or("no xl/_rels/workbook.xml.rels part")?;
        let (sheets, date1904) = sheets(&book, &rels)
            .map_err(|e| format!("xl/workbook.xml or its relationships: {e}"))?;
        wb.sheets = sheets;
        wb.date_offset = if date1904 { 1462.0 } else { 0.0 };
        if let Some(xml) = wb.part("xl/sharedStrings.xml")? {
            wb.strings = shared_strings(&xml).map_err(|e| format!("xl/sharedStrings.xml: {e}"))?;
        }
        if let Some(xml) = wb.part("xl/styles.xml")? {
            wb.date_styles = date_styles(&xml).map_err(|e| format!("xl/styles.xml: {e}"))?;
        }
        Ok(wb)
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The inflated XML of sheet `name`, to be read by [`Workbook::rows`].
    pub fn sheet_xml(&mut self, name: &str) -> Result<Vec<u8>, String> {
        let path = self
            .sheets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| format!("no sheet named `{name}`"))?;
        self.part(&path)?
            .ok_or_else(|| format!("the workbook lists part {path} but does not contain it"))
    }

    /// The rows of a sheet's XML, in file order.
    pub fn rows<'s>(&'s self, xml: &'s [u8]) -> Result<Vec<Row<'s>>, SheetError> {
        let mut r = Xml::new(xml);
        let mut rows: Vec<Row<'s>> = Vec::new();
        let (mut next_row, mut next_col) = (1u32, 0u32);
        let mut in_data = false;
        loop {
            let tok = r.next().map_err(|message| SheetError {
                // The row being read when the XML broke, as far as it is known; the byte
                // offset in the message pins it down.
                row: rows.last().map(|r| r.number),
                col: None,
                message,
            })?;
            let (tag, empty) = match tok {
                Tok::Open { tag, empty } => (tag, empty),
                Tok::Close(end) if end.local_name().as_ref() == b"sheetData" => {
                    in_data = false;
                    continue;
                }
                Tok::Eof => break,
                _ => continue,
            };
            match tag.local_name().as_ref() {
                b"sheetData" => in_data = !empty,
                b"row" if in_data => {
                    let number =
                        row_number(&tag, next_row).map_err(|(row, message)| SheetError {
                            row,
                            col: None,
                            message,
                        })?;
                    // Rows come in order, each once: that bounds a sheet at Excel's row limit
                    // whatever the file holds, and keeps one row's cells in one place.
                    if let Some(last) = rows.last().filter(|r| r.number >= number) {
                        return Err(SheetError {
                            row: Some(number),
                            col: None,
                            message: format!("row {number} comes after row {}", last.number),
                        });
                    }
                    rows.push(Row {
                        number,
                        cells: Vec::new(),
                    });
                    next_row = number.saturating_add(1);
                    next_col = 0;
                }
                b"c" if in_data => {
                    let Some(row) = rows.last_mut() else {
                        return Err(SheetError {
                            row: None,
                            col: None,
                            message: "a cell outside any row".into(),
                        });
                    };
                    let number = row.number;
                    let at = |col: u32| {
                        move |message| SheetError {
                            row: Some(number),
                            col: Some(col),
                            message,
                        }
                    };
                    // A cell whose head is bad is located by the column its reference names,
                    // when its letters are a column (`B1048577` is in column B, whatever the
                    // row part), else by the column it would have been in.
                    let head = self
                        .cell_head(&tag, number, next_col)
                        .map_err(|m| at(ref_column(&tag).unwrap_or(next_col))(m))?;
                    let v = if empty {
                        Value::Empty
                    } else {
                        self.cell_body(&mut r, &head).map_err(at(head.col))?
                    };
                    if row.cells.last().is_some_and(|&(c, _)| c >= head.col) {
                        return Err(at(head.col)(format!(
                            "cell in column {} comes after one further right; cells must be in order, each once",
                            head.col + 1
                        )));
                    }
                    next_col = head.col + 1;
                    row.cells.push((head.col, v));
                }
                _ => {}
            }
        }
        Ok(rows)
    }

    fn cell_head(&self, tag: &BytesStart, row: u32, next_col: u32) -> Result<Head, String> {
        let mut head = Head {
            col: next_col,
            kind: Kind::Number,
            date: false,
        };
        for a in attributes(tag) {
            let a = a.map_err(bad_attribute)?;
            let value = &*a.value;
            match a.key.as_ref() {
                b"r" => {
                    let (col, number) = cell_ref(value)
                        .ok_or_else(|| format!("bad cell reference {:?}", lossy(value)))?;
                    if number != row {
                        return Err(format!("cell {} lies outside its row {row}", lossy(value)));
                    }
                    head.col = col;
                }
                b"t" => {
                    head.kind = match value {
                        b"s" => Kind::Shared,
                        b"str" => Kind::Formula,
                        b"inlineStr" => Kind::Inline,
                        b"b" => Kind::Bool,
                        b"e" => Kind::Error,
                        b"d" => Kind::IsoDate,
                        b"n" => Kind::Number,
                        other => return Err(format!("unknown cell type {:?}", lossy(other))),
                    }
                }
                b"s" => {
                    let style = parse_u32(value)
                        .ok_or_else(|| format!("bad cell style {:?}", lossy(value)))?;
                    head.date = self
                        .date_styles
                        .get(style as usize)
                        .copied()
                        .unwrap_or(false);
                }
                _ => {}
            }
        }
        Ok(head)
    }

    /// Reads a cell's children up to `</c>`: the value `<v>` or the inline string `<is>`.
    fn cell_body<'s>(&'s self, r: &mut Xml<'s>, head: &Head) -> Result<Value<'s>, String> {
        let mut v: Option<Cow<'s, str>> = None;
        let mut inline: Option<Cow<'s, str>> = None;
        loop {
            match r.next()? {
                Tok::Open { tag, empty: false } => match tag.local_name().as_ref() {
                    b"v" => v = Some(r.text()?),
                    b"is" => inline = Some(rich_text(r)?),
                    _ => r.skip()?,
                },
                Tok::Close(_) => break,
                Tok::Eof => return Err("cell not closed before the end of the sheet".into()),
                // A value written straight into the cell would be lost: refuse it.
                Tok::Text(t) if !blank(&t) => {
                    return Err(format!(
                        "text {:?} outside the cell's <v> or <is>",
                        String::from_utf8_lossy(&t)
                    ))
                }
                Tok::CData(t) if !blank(&t) => {
                    return Err(format!(
                        "text {:?} outside the cell's <v> or <is>",
                        String::from_utf8_lossy(&t)
                    ))
                }
                Tok::Ref(e) => {
                    return Err(format!(
                        "text &{}; outside the cell's <v> or <is>",
                        String::from_utf8_lossy(&e)
                    ))
                }
                _ => {}
            }
        }
        // An inline string is read whatever type the cell claims (as Excel and calamine do); an
        // `inlineStr` cell whose text sits in `<v>` is read as that text.
        if let Some(text) = inline {
            return Ok(Value::Text(text));
        }
        let text = || v.clone().unwrap_or_default();
        if v.as_deref().is_none_or(|t| t.trim().is_empty()) && !matches!(head.kind, Kind::Formula) {
            return Ok(Value::Empty);
        }
        Ok(match head.kind {
            Kind::Inline => Value::Text(text()),
            Kind::Shared => {
                let t = text();
                let i = parse_u32(t.trim().as_bytes())
                    .ok_or_else(|| format!("shared string index {t:?} is not a number"))?;
                let s = self.strings.get(i as usize).ok_or_else(|| {
                    format!(
                        "shared string {i} does not exist ({} in the workbook)",
                        self.strings.len()
                    )
                })?;
                Value::Text(Cow::Borrowed(s.as_str()))
            }
            Kind::Formula => Value::Text(text()),
            Kind::Bool => match text().trim() {
                "1" | "true" => Value::Bool(true),
                "0" | "false" => Value::Bool(false),
                t => return Err(format!("boolean cell holds {t:?}")),
            },
            Kind::Error => Value::Error(text()),
            Kind::IsoDate => Value::IsoDate(text()),
            Kind::Number => {
                let t = text();
                let t = t.trim();
                if let (false, Ok(n)) = (head.date, t.parse::<i64>()) {
                    Value::Int(n)
                } else {
                    let x: f64 = t.parse().map_err(|_| format!("number cell holds {t:?}"))?;
                    if head.date {
                        Value::Date(x + self.date_offset)
                    } else {
                        Value::Float(x)
                    }
                }
            }
        })
    }

    /// A part's inflated bytes, `None` when the archive has no such part.
    /// Part names are matched as Excel does: ignoring case, with `\\` read as `/`.
    fn part(&mut self, path: &str) -> Result<Option<Vec<u8>>, String> {
        let name = match self.zip.index_for_name(path) {
            Some(_) => path.to_string(),
            None => match self
                .zip
                .file_names()
                .find(|n| n.replace('\\', "/").eq_ignore_ascii_case(path))
            {
                Some(n) => n.to_string(),
                None => return Ok(None),
            },
        };
        let mut f = self
            .zip
            .by_name(&name)
            .map_err(|e| format!("{path}: {e}"))?;
        if f.size() > MAX_PART_BYTES {
            return Err(format!("{path} inflates to {} bytes", f.size()));
        }
        // The declared size is only a hint (and untrusted): reserve at most 64 MiB up front.
        let mut out = Vec::with_capacity(f.size().min(64 << 20) as usize);
        f.by_ref()
            .take(MAX_PART_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("{path}: {e}"))?;
        if out.len() as u64 > MAX_PART_BYTES {
            return Err(format!(
                "{path} inflates to more than {MAX_PART_BYTES} bytes"
            ));
        }
        Ok(Some(out))
    }
}

/// Why a sheet could not be read, and where: the Excel row (1-based) and column (0-based) of
/// the cell being read, as far as they are known.
#[derive(Debug)]
pub(crate) struct SheetError {
    pub row: Option<u32>,
    pub col: Option<u32>,
    pub message: String,
}

struct Head {
    col: u32,
    kind: Kind,
    date: bool,
}

enum Kind {
    Shared,
    Formula,
    Inline,
    Bool,
    Error,
    IsoDate,
    Number,
}

/// A row's number: its `r` attribute, or the one after the previous row's. An error carries
/// the row to report: the number the file gives it when that is a number past Excel's last row
/// (the real row, 1,048,577, not the count of rows read so far, which a row written with its
/// `r` used to be reported by), the implied one when it has none, and none when its `r` is no
/// number at all (the message quotes it).
fn row_number(tag: &BytesStart, next: u32) -> Result<u32, (Option<u32>, String)> {
    let mut number = next;
    for a in attributes(tag) {
        let a = a.map_err(|e| (Some(next), bad_attribute(e)))?;
        if a.key.as_ref() == b"r" {
            number = parse_u32(&a.value).ok_or_else(|| {
                (
                    None,
                    format!("row number {:?} is not a number", lossy(&a.value)),
                )
            })?;
        }
    }
    if !(1..=MAX_ROWS).contains(&number) {
        return Err((
            (number > 0).then_some(number),
            format!("row number {number} is not 1..{MAX_ROWS}"),
        ));
    }
    Ok(number)
}

/// The values of two attributes of a tag (references resolved), where present.
fn attr_pair(tag: &BytesStart, first: &[u8], second: &[u8]) -> Result<[Option<String>; 2], String> {
    let mut found = [None, None];
    for a in attributes(tag) {
        let a = a.map_err(bad_attribute)?;
        if a.key.as_ref() == first {
            found[0] = Some(attr_text(tag, &a)?);
        } else if a.key.as_ref() == second {
            found[1] = Some(attr_text(tag, &a)?);
        }
    }
    Ok(found)
}

/// Each start tag in `xml`, in document order (the whole part is checked to be well-formed).
fn each_tag(
    xml: &[u8],
    mut f: impl FnMut(&BytesStart) -> Result<(), String>,
) -> Result<(), String> {
    let mut r = Xml::new(xml);
    loop {
        match r.next()? {
            Tok::Open { tag, .. } => f(&tag)?,
            Tok::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// `(name, part path)` of every sheet, from the workbook and its relationships, and whether the
/// workbook's dates count from 1904.
fn sheets(book: &[u8], rels: &[u8]) -> Result<(Vec<(String, String)>, bool), String> {
    let mut targets: Vec<(String, String)> = Vec::new();
    each_tag(rels, |tag| {
        if tag.local_name().as_ref() != b"Relationship" {
            return Ok(());
        }
        if let [Some(id), Some(target)] = attr_pair(tag, b"Id", b"Target")? {
            // Targets are relative to xl/ unless absolute within the package.
            let path = match target.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None => format!("xl/{target}"),
            };
            targets.push((id, path));
        }
        Ok(())
    })?;
    let mut date1904 = false;
    let mut out = Vec::new();
    each_tag(book, |tag| {
        match tag.local_name().as_ref() {
            b"workbookPr" => {
                for a in attributes(tag) {
                    let a = a.map_err(bad_attribute)?;
                    if a.key.as_ref() == b"date1904" {
                        date1904 = matches!(&*a.value, b"1" | b"true");
                    }
                }
                return Ok(());
            }
            b"sheet" => {}
            _ => return Ok(()),
        }
        let (mut name, mut id) = (None, None);
        for a in attributes(tag) {
            let a = a.map_err(bad_attribute)?;
            // `r:id` is the relationship; an unprefixed `id` would be something else.
            match (a.key.prefix().is_some(), a.key.local_name().as_ref()) {
                (false, b"name") => name = Some(attr_text(tag, &a)?),
                (true, b"id") => id = Some(attr_text(tag, &a)?),
                _ => {}
            }
        }
        let name = name.ok_or("a sheet without a name")?;
        let id = id.ok_or_else(|| format!("sheet `{name}` has no relationship id"))?;
        let path = targets
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| format!("sheet `{name}`'s relationship {id} is missing"))?;
        out.push((name, path));
        Ok(())
    })?;
    Ok((out, date1904))
}

/// The shared-string table: each `<si>`'s text runs, without phonetic (`<rPh>`) runs.
fn shared_strings(xml: &[u8]) -> Result<Vec<String>, String> {
    let mut r = Xml::new(xml);
    let mut out = Vec::new();
    loop {
        match r.next()? {
            Tok::Open { tag, empty } if tag.local_name().as_ref() == b"si" => out.push(if empty {
                String::new()
            } else {
                rich_text(&mut r)?.into_owned()
            }),
            Tok::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// Concatenates the `<t>` runs inside the element just opened (`<si>`, `<is>`) up to its end
/// tag, skipping phonetic runs, which are reading aids and not part of the text.
fn rich_text<'a>(r: &mut Xml<'a>) -> Result<Cow<'a, str>, String> {
    let mut out: Option<Cow<'a, str>> = None;
    // Elements opened inside (`<r>`, `<rPr>`...) and not closed yet.
    let mut depth = 0usize;
    loop {
        match r.next()? {
            Tok::Open { tag, empty: false } => match tag.local_name().as_ref() {
                b"t" => {
                    let t = r.text()?;
                    match &mut out {
                        None => out = Some(t),
                        Some(s) => s.to_mut().push_str(&t),
                    }
                }
                b"rPh" => r.skip()?,
                _ => depth += 1,
            },
            Tok::Close(_) if depth == 0 => return Ok(out.unwrap_or_default()),
            Tok::Close(_) => depth -= 1,
            Tok::Eof => return Err("text element not closed".into()),
            _ => {}
        }
    }
}

/// Which cell styles (`cellXfs`, by index) format numbers as dates or times.
fn date_styles(xml: &[u8]) -> Result<Vec<bool>, String> {
    // One pass: each style's format id, and which custom formats are dates. A style may name a
    // custom format defined anywhere in the part, so the ids are resolved once it is read.
    let mut custom: Vec<(u32, bool)> = Vec::new();
    let mut styles: Vec<u32> = Vec::new();
    let mut r = Xml::new(xml);
    let mut in_xfs = false;
    loop {
        match r.next()? {
            Tok::Open { tag, empty } => match tag.local_name().as_ref() {
                b"numFmt" => {
                    if let [Some(id), Some(code)] = attr_pair(&tag, b"numFmtId", b"formatCode")? {
                        if let Some(id) = parse_u32(id.as_bytes()) {
                            custom.push((id, is_date_format(&code)));
                        }
                    }
                }
                b"cellXfs" => in_xfs = !empty,
                b"xf" if in_xfs => {
                    let mut id = 0;
                    for a in attributes(&tag) {
                        let a = a.map_err(bad_attribute)?;
                        if a.key.as_ref() == b"numFmtId" {
                            id = parse_u32(&a.value).unwrap_or(0);
                        }
                    }
                    styles.push(id);
                }
                _ => {}
            },
            Tok::Close(end) if end.local_name().as_ref() == b"cellXfs" => in_xfs = false,
            Tok::Eof => break,
            _ => {}
        }
    }
    Ok(styles
        .into_iter()
        .map(|id| match custom.iter().find(|(i, _)| *i == id) {
            Some(&(_, d)) => d,
            None => builtin_date_format(id),
        })
        .collect())
}

/// ECMA-376's built-in date and time formats (14-22, 45 and 47) and the East Asian ones (27-36,
/// 50-58). The elapsed-time format (`[h]:mm:ss`, 46) is a duration, not a point in time.
fn builtin_date_format(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45 | 47 | 50..=58)
}

/// A custom format is a date format when, outside quoted text, escapes and `[...]` sections
/// (colours, conditions, locales), it uses a date or time token. An elapsed-time section (`[h]`,
/// `[mm]`, `[ss]`) makes it a duration, not a date.
fn is_date_format(code: &str) -> bool {
    let elapsed = code.split('[').skip(1).any(|section| {
        let inner = section.split(']').next().unwrap_or_default();
        !inner.is_empty() && inner.bytes().all(|b| b"hmsHMS".contains(&b))
    });
    if elapsed {
        return false;
    }
    let mut chars = code.chars();
    let mut bracket = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => bracket = true,
            ']' => bracket = false,
            _ if bracket => {}
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

/// The 0-based column a cell tag's `r` attribute names by its letters (`B1048577` -> 1), even
/// when its row part is out of range; `None` without a readable one.
fn ref_column(tag: &BytesStart) -> Option<u32> {
    let a = attributes(tag).flatten().find(|a| a.key.as_ref() == b"r")?;
    let letters: Vec<u8> = a
        .value
        .iter()
        .copied()
        .take_while(u8::is_ascii_alphabetic)
        .collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let col = letters.iter().fold(0u32, |n, &b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    (col <= MAX_COLS).then(|| col - 1)
}

/// `B7` -> (column 1, row 7).
fn cell_ref(r: &[u8]) -> Option<(u32, u32)> {
    let split = r.iter().position(|b| b.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col = 0u32;
    for &b in letters {
        if !b.is_ascii_alphabetic() {
            return None;
        }
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    let row = parse_u32(digits)?;
    (col <= MAX_COLS && (1..=MAX_ROWS).contains(&row)).then_some((col - 1, row))
}

fn parse_u32(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 10 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    b.iter().try_fold(0u32, |n, &d| {
        n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
    })
}

/// An attribute's value with its references resolved and its whitespace normalised as XML 1.0
/// says (the parts of an XLSX are XML 1.0), decoded as its tag's document says (UTF-8 unless
/// quick-xml's `encoding` feature is on and the part declares another).
fn attr_text(
    tag: &BytesStart,
    a: &quick_xml::events::attributes::Attribute,
) -> Result<String, String> {
    a.decoded_and_normalized_value(quick_xml::XmlVersion::Explicit1_0, tag.decoder())
        .map(Cow::into_owned)
        .map_err(|e| format!("bad attribute value: {e}"))
}

/// A tag's attributes without quick-xml's duplicate check, which keeps a list of every name
/// seen per tag (an allocation per cell). A repeated attribute is read as its last value, as
/// Excel writes none, and the tokenizer this replaced read them so too.
fn attributes<'t>(tag: &'t BytesStart) -> quick_xml::events::attributes::Attributes<'t> {
    let mut a = tag.attributes();
    a.with_checks(false);
    a
}

fn bad_attribute(e: quick_xml::events::attributes::AttrError) -> String {
    format!("malformed XML in a tag's attributes: {e}")
}

fn blank(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_whitespace)
}

/// The XML events this reader acts on, from quick-xml. Text and references arrive raw and are
/// resolved only where their value is read ([`Xml::text`]), so skipped content costs no work.
enum Tok<'a> {
    /// `<name ...>` or, when `empty`, `<name .../>`.
    Open {
        tag: BytesStart<'a>,
        empty: bool,
    },
    Close(BytesEnd<'a>),
    Text(BytesText<'a>),
    CData(BytesCData<'a>),
    /// `&amp;`, `&#233;`...: quick-xml reports each reference apart from the text around it.
    Ref(BytesRef<'a>),
    Eof,
}

/// quick-xml over a part's inflated bytes (borrowed: events point into the part), checking that
/// end tags match and that nothing is left open. Declarations, comments and processing
/// instructions are skipped; a DTD is refused (a workbook has none, and entity definitions are
/// how XML bombs work). Errors name the byte offset.
struct Xml<'a> {
    r: quick_xml::Reader<&'a [u8]>,
    /// Elements opened and not yet closed. quick-xml checks that end tags match but ends a
    /// truncated part with a plain `Eof`; a part cut short must be an error, not fewer rows.
    open: usize,
}

impl<'a> Xml<'a> {
    fn new(src: &'a [u8]) -> Self {
        Xml {
            r: quick_xml::Reader::from_reader(src),
            open: 0,
        }
    }

    fn err(&self, at: u64, what: impl std::fmt::Display) -> String {
        format!("malformed XML at byte {at}: {what}")
    }

    fn next(&mut self) -> Result<Tok<'a>, String> {
        loop {
            let event = self
                .r
                .read_event()
                .map_err(|e| self.err(self.r.error_position(), e))?;
            return Ok(match event {
                Event::Start(tag) => {
                    self.open += 1;
                    Tok::Open { tag, empty: false }
                }
                Event::Empty(tag) => Tok::Open { tag, empty: true },
                Event::End(end) => {
                    self.open = self.open.saturating_sub(1);
                    Tok::Close(end)
                }
                Event::Text(t) => Tok::Text(t),
                Event::CData(t) => Tok::CData(t),
                Event::GeneralRef(e) => Tok::Ref(e),
                Event::DocType(_) => {
                    return Err(self.err(self.r.error_position(), "DTDs are not allowed"))
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
                Event::Eof if self.open > 0 => {
                    return Err(self.err(
                        self.r.buffer_position(),
                        format!("the part ends with {} element(s) not closed", self.open),
                    ))
                }
                Event::Eof => Tok::Eof,
            });
        }
    }

    /// Skips the content of the element just opened, up to and including its end tag.
    fn skip(&mut self) -> Result<(), String> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Tok::Open { empty: false, .. } => depth += 1,
                Tok::Close(_) if depth == 0 => return Ok(()),
                Tok::Close(_) => depth -= 1,
                Tok::Eof => return Err(self.err(self.r.buffer_position(), "unexpected end")),
                _ => {}
            }
        }
    }

    /// The text content of the element just opened (references resolved, nested markup
    /// skipped), up to and including its end tag. Borrowed when it is one plain run.
    fn text(&mut self) -> Result<Cow<'a, str>, String> {
        let mut out: Option<Cow<'a, str>> = None;
        loop {
            let at = self.r.buffer_position();
            let piece: Cow<'a, str> = match self.next()? {
                Tok::Text(t) => t.decode().map_err(|e| self.err(at, e))?,
                Tok::CData(t) => t.decode().map_err(|e| self.err(at, e))?,
                Tok::Ref(e) => Cow::Owned(self.reference(&e, at)?),
                Tok::Open { empty: false, .. } => {
                    self.skip()?;
                    continue;
                }
                Tok::Open { .. } => continue,
                Tok::Close(_) => return Ok(out.unwrap_or_default()),
                Tok::Eof => return Err(self.err(at, "unexpected end")),
            };
            match &mut out {
                None => out = Some(piece),
                Some(o) => o.to_mut().push_str(&piece),
            }
        }
    }

    /// A character reference or one of XML's five predefined entities; nothing else exists
    /// without a DTD.
    fn reference(&self, e: &BytesRef, at: u64) -> Result<String, String> {
        match e.resolve_char_ref() {
            Ok(Some(c)) if c != '\0' => return Ok(c.to_string()),
            Ok(Some(_)) | Err(_) => {
                return Err(self.err(
                    at,
                    format!("bad character reference &{};", String::from_utf8_lossy(e)),
                ))
            }
            Ok(None) => {}
        }
        let name = e.decode().map_err(|err| self.err(at, err))?;
        quick_xml::escape::resolve_predefined_entity(&name)
            .map(str::to_string)
            .ok_or_else(|| self.err(at, format!("unknown entity &{name};")))
    }
}

fn lossy(b: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(b"A1"), Some((0, 1)));
        assert_eq!(cell_ref(b"B7"), Some((1, 7)));
        assert_eq!(cell_ref(b"AB12"), Some((27, 12)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((16_383, 1_048_576)));
        for bad in [
            &b"XFE1"[..],
            b"A0",
            b"A1048577",
            b"1",
            b"A",
            b"",
            b"AAAA1",
            b"A1B",
            b"\xff1",
        ] {
            assert_eq!(cell_ref(bad), None, "{:?}", lossy(bad));
        }
    }

    #[test]
    fn date_formats() {
        for d in [
            "yyyy-mm-dd",
            "d/m/yy",
            "[$-409]mmmm d, yyyy",
            "h:mm AM/PM",
            "[Red]dd/mm",
        ] {
            assert!(is_date_format(d), "{d}");
        }
        for n in [
            "0",
            "#,##0.00",
            "\"days\" 0",
            "[Red]0.0",
            "0\\d",
            "General",
            "@",
            "[h]:mm:ss",
            "[mm]:ss",
        ] {
            assert!(!is_date_format(n), "{n}");
        }
        assert!(builtin_date_format(14) && !builtin_date_format(3) && !builtin_date_format(49));
        assert!(!builtin_date_format(46), "elapsed time is a duration");
    }

    #[test]
    fn text_with_entities_and_runs() {
        let xml = br#"<sst><si><t>Q&amp;A &#233;t&#xE9;</t></si><si><r><t>Part </t></r><r><t xml:space="preserve">2 </t></r><rPh><t>ignored</t></rPh></si><si/><si><t><![CDATA[<raw>]]></t></si></sst>"#;
        assert_eq!(
            shared_strings(xml).unwrap(),
            ["Q&A été", "Part 2 ", "", "<raw>"]
        );
        assert!(shared_strings(b"<sst><si><t>&bogus;</t></si></sst>").is_err());
        assert!(shared_strings(b"<sst><si><t>open").is_err());
    }

    /// Malformed XML in any part is an error naming the byte, never a guess: what the
    /// hand-written tokenizer refused, quick-xml refuses here too.
    #[test]
    fn malformed_xml_is_refused() {
        for bad in [
            "<sst><si><t>x</si></t></sst>",
            "<sst><si><t>x</t></si>",
            "</sst>",
            "<sst",
            "<sst><si a=\"1></si></sst>",
            "<!DOCTYPE x [<!ENTITY e \"boom\">]><sst/>",
            "<sst><si><t>&bogus;</t></si></sst>",
            "<sst><si><t>&#xZZ;</t></si></sst>",
            "<sst><si><t>& x</t></si></sst>",
            "<sst><si><t>&#0;</t></si></sst>",
            "<!-- open",
            "<sst><![CDATA[ open",
            "<?pi open",
            "<sst></ sst>",
        ] {
            let e = shared_strings(bad.as_bytes());
            assert!(e.is_err(), "{bad} was accepted: {e:?}");
            assert!(e.unwrap_err().starts_with("malformed XML at byte"), "{bad}");
        }
        assert!(shared_strings(b"<sst><si><t>\xff</t></si></sst>").is_err());
        // Attributes are checked where they are read.
        let rels = br#"<Relationships><Relationship Id="rId1" Target="s.xml"/></Relationships>"#;
        for bad in [
            r#"<workbook><sheets><sheet name=S r:id="rId1"/></sheets></workbook>"#,
            r#"<workbook><sheets><sheet name r:id="rId1"/></sheets></workbook>"#,
            r#"<workbook><sheets><sheet name="&bogus;" r:id="rId1"/></sheets></workbook>"#,
        ] {
            let e = sheets(bad.as_bytes(), rels);
            assert!(e.is_err(), "{bad} was accepted: {e:?}");
        }
        let ok = r#"<workbook><sheets><sheet name="Q&amp;A" r:id="rId1"/></sheets></workbook>"#;
        assert_eq!(
            sheets(ok.as_bytes(), rels).unwrap().0,
            [("Q&A".to_string(), "xl/s.xml".to_string())]
        );
        // A BOM, a declaration, comments and processing instructions are not content.
        assert_eq!(
            shared_strings(
                "\u{feff}<?xml version=\"1.0\"?><!-- c --><sst><?p?><si><t>a</t></si></sst>"
                    .as_bytes()
            )
            .unwrap(),
            ["a"]
        );
    }

    /// Text inside markup nested in `<t>` is skipped; references inside skipped markup are
    /// not resolved (so an unknown one there is no error), as before.
    #[test]
    fn text_skips_nested_markup() {
        assert_eq!(
            shared_strings(b"<sst><si><t>a<b>no&bogus;<c/>no</b>b&lt;</t></si></sst>").unwrap(),
            ["ab<"]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        /// Any bytes, weighted towards XML's own, as any part: an answer or an error, never a
        /// panic or an endless loop.
        #[test]
        fn arbitrary_xml_never_panics(bytes in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(b"<>/?!-[]=\"' &;#x:abcvrsti1".to_vec()),
                proptest::prelude::any::<u8>(),
            ],
            0..256,
        )) {
            let _ = shared_strings(&bytes);
            let _ = date_styles(&bytes);
            let _ = sheets(&bytes, &bytes);
            let archive = crate::engagement::tests::stored_zip(&[("a".into(), "b".into())]);
            let wb = Workbook {
                zip: zip::ZipArchive::new(Cursor::new(&archive[..])).unwrap(),
                sheets: Vec::new(),
                strings: vec!["s".into()],
                date_styles: vec![false, true],
                date_offset: 0.0,
            };
            let _ = wb.rows(&bytes);
        }
    }

    /// A workbook counting dates from 1904 (old Mac Excel) gives the same dates as one counting
    /// from 1900; case and backslashes in part names don't matter.
    #[test]
    fn dates_1904_and_part_names() {
        use crate::engagement::tests::stored_zip;
        let book = |pr: &str| {
            format!(
                r#"<workbook xmlns:r="r"><workbookPr {pr}/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            )
        };
        let rels = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#;
        let styles =
            r#"<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>"#;
        let sheet = |serial: u32| {
            format!(
                r#"<worksheet><sheetData><row r="1"><c r="A1" s="1"><v>{serial}</v></c></row></sheetData></worksheet>"#
            )
        };
        let date = |files: Vec<(&str, String)>| {
            let files: Vec<(String, String)> =
                files.into_iter().map(|(n, b)| (n.to_string(), b)).collect();
            let bytes = stored_zip(&files);
            let mut wb = Workbook::open(&bytes).unwrap();
            let xml = wb.sheet_xml("S").unwrap();
            let rows = wb.rows(&xml).unwrap();
            rows[0].get(0).clone().to_string()
        };
        let from_1900 = date(vec![
            ("xl/workbook.xml", book("")),
            ("xl/_rels/workbook.xml.rels", rels.into()),
            ("xl/styles.xml", styles.into()),
            ("xl/worksheets/sheet1.xml", sheet(45058)),
        ]);
        let from_1904 = date(vec![
            ("xl/workbook.xml", book(r#"date1904="1""#)),
            ("xl\\_rels\\Workbook.xml.rels", rels.into()),
            ("XL/styles.xml", styles.into()),
            ("xl/worksheets/sheet1.xml", sheet(45058 - 1462)),
        ]);
        assert_eq!(from_1900, "45058");
        assert_eq!(from_1904, from_1900);
    }

    /// Every cell of every sheet of every real workbook, read by this reader and by calamine
    /// (an independent implementation), must agree in position, type and value.
    #[test]
    fn every_real_workbook_cell_matches_calamine() {
        use calamine::{Data, Reader as _};
        // The test kit's locator (`GREENLIGHT_TEST_DATA`, else `shared/data` beside the
        // checkout), restated: this unit test cannot depend on the kit, which depends on us.
        let dir = std::env::var_os("GREENLIGHT_TEST_DATA")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
            })
            .join("netflix-engagement");
        let mut books = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("real data not found at {}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
            .collect::<Vec<_>>();
        books.sort();
        assert_eq!(books.len(), 5, "expected the five engagement reports");
        let mut compared = 0;
        for path in books {
            let bytes = std::fs::read(&path).unwrap();
            let mut ours = Workbook::open(&bytes).unwrap();
            let mut theirs = calamine::Xlsx::new(Cursor::new(&bytes[..])).unwrap();
            assert_eq!(
                ours.sheet_names(),
                theirs.sheet_names(),
                "{}",
                path.display()
            );
            for name in ours.sheet_names() {
                let xml = ours.sheet_xml(&name).unwrap();
                let mut a: Vec<(u32, u32, String)> = Vec::new();
                for row in ours.rows(&xml).unwrap() {
                    for (col, v) in &row.cells {
                        let v = match v {
                            Value::Empty => continue,
                            Value::Text(s) => format!("text {s}"),
                            Value::Int(n) => format!("number {n}"),
                            Value::Float(x) => format!("number {x}"),
                            Value::Date(x) => format!("date {x}"),
                            Value::IsoDate(s) => format!("iso {s}"),
                            Value::Bool(b) => format!("bool {b}"),
                            Value::Error(e) => format!("error {e}"),
                        };
                        a.push((row.number - 1, *col, v));
                    }
                }
                let range = theirs.worksheet_range(&name).unwrap();
                let mut b = Vec::new();
                for (r, c, v) in range.used_cells() {
                    let (r0, c0) = range.start().unwrap();
                    let v = match v {
                        Data::Empty => continue,
                        Data::String(s) => format!("text {s}"),
                        Data::Int(n) => format!("number {n}"),
                        Data::Float(x) => format!("number {x}"),
                        Data::DateTime(d) => format!("date {}", d.as_f64()),
                        Data::DateTimeIso(s) => format!("iso {s}"),
                        Data::Bool(b) => format!("bool {b}"),
                        Data::Error(e) => format!("error {e}"),
                        Data::DurationIso(s) => format!("duration {s}"),
                    };
                    b.push((r0 + r as u32, c0 + c as u32, v));
                }
                a.sort();
                b.sort();
                let first_diff = a.iter().zip(&b).find(|(x, y)| x != y);
                assert!(
                    a == b,
                    "{} sheet {name}: {} cells vs calamine's {}; first difference {first_diff:?}",
                    path.display(),
                    a.len(),
                    b.len()
                );
                compared += a.len();
            }
        }
        // About 400k: the five reports' rows times their columns, and their title blocks.
        assert!(compared > 350_000, "only {compared} cells compared");
    }
}
