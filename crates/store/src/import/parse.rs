//! Parsing a call's files on all cores: each worker reads, detects, parses and checks one file,
//! finds its dataset and publication date and lists its distinct spellings.

use super::*;

pub(super) struct ParsedFile {
    pub(super) path: PathBuf,
    pub(super) format: Format,
    /// [`file_hash`] of the file's bytes.
    pub(super) hash: String,
    /// [`legacy_hash`] of the bytes, worked out only when the store still holds hashes of that
    /// kind (see [`Dating::legacy_hashes`]).
    pub(super) legacy_hash: Option<String>,
    pub(super) parsed: Parsed,
    /// The dataset the file belongs to and its `as_of`: the latest date its content speaks of
    /// or, for content without dates, its publication date.
    pub(super) dataset: (String, NaiveDate),
    /// Whether the content gave `as_of` (else the publication date did).
    pub(super) content_dated: bool,
    pub(super) published: Published,
    pub(super) published_from: PublishedFrom,
    pub(super) titles: FileTitles,
}

/// What dates a call's files: its manifests and the import day.
pub(super) struct Dating<'a> {
    pub(super) manifests: &'a [Manifest],
    pub(super) import_day: NaiveDate,
    /// Whether some stored dataset still carries a [`legacy_hash`] (a store written before
    /// SHA-256), so each file's legacy hash is needed to recognise it unchanged.
    pub(super) legacy_hashes: bool,
}

/// A file's identity: byte-identical files, and only those, are "unchanged". SHA-256 (the
/// well-kept `sha2` crate) rather than a 64-bit FNV: a collision would silently keep stale data.
pub(super) fn file_hash(bytes: &[u8]) -> String {
    crate::hash::sha256_hex(bytes)
}

/// The 64-bit FNV-1a hash stores written before SHA-256 hold (16 hex digits): kept only so that
/// re-importing the same files into such a store is still recognised as unchanged (its stored
/// hash is then upgraded to [`file_hash`], see `plan::upgrade_legacy_hash`).
pub(super) fn legacy_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// Whether a stored hash is a [`legacy_hash`] (16 hex digits; a [`file_hash`] has 64).
pub(super) const LEGACY_HASH_SQL: &str = "length(content_hash) = 16";

pub(super) fn parse_one(
    path: &Path,
    format: Option<Format>,
    dating: &Dating,
) -> Result<ParsedFile, StoreError> {
    let bytes =
        greenlight_sources::limits::read_file(path, greenlight_sources::limits::FileKind::Data)?;
    let format = match format {
        Some(f) => f,
        None => greenlight_sources::detect(path, &bytes)?,
    };
    let mut parsed = greenlight_sources::read_as(path, &bytes, format)?;
    check_unique(path, &parsed)?;
    // Credits are stored clustered by title (migration 5); written in key order they append.
    if let Parsed::JustWatchCredits(rows) = &mut parsed {
        rows.sort_unstable_by(|a, b| (&a.title_id, a.line).cmp(&(&b.title_id, b.line)));
    }
    let ft = file_titles(&parsed);
    let (key, content_as_of) = dataset_of(format, &parsed);
    let (published, published_from) = match dating.manifests.iter().find_map(|m| m.lookup(path)) {
        Some(p) => (p, PublishedFrom::Manifest),
        None => match content_published(&parsed, content_as_of) {
            Some(p) => (p, PublishedFrom::Content),
            // Public by the day it was imported, at the latest. A file's mtime is no date: a copy
            // made today says nothing about when its data came out.
            None => (
                Published::on(dating.import_day, Precision::AtLatest),
                PublishedFrom::ImportDay,
            ),
        },
    };
    let as_of = content_as_of
        .or(published.date)
        .unwrap_or(dating.import_day);
    Ok(ParsedFile {
        path: path.to_path_buf(),
        format,
        hash: file_hash(&bytes),
        legacy_hash: dating.legacy_hashes.then(|| legacy_hash(&bytes)),
        dataset: (key, as_of),
        content_dated: content_as_of.is_some(),
        published,
        published_from,
        titles: ft,
        parsed,
    })
}

/// The dataset a file belongs to (named by its format's descriptor) and the latest date its
/// content speaks of (`None` for content without dates: JustWatch, most-popular).
pub(super) fn dataset_of(format: Format, parsed: &Parsed) -> (String, Option<NaiveDate>) {
    let max = |it: &mut dyn Iterator<Item = NaiveDate>| it.max();
    let as_of = match parsed {
        Parsed::Top10(rows) => max(&mut rows.iter().map(|r| r.week)),
        Parsed::Countries(rows) => max(&mut rows.iter().map(|r| r.week)),
        Parsed::Engagement(r) => crate::published::period_end(&r.period),
        Parsed::Tmdb(rows) => max(&mut rows
            .iter()
            .flat_map(|r| [r.first_air_date, r.last_air_date])
            .flatten()),
        Parsed::RegionFinance(r) => max(&mut r
            .figures
            .iter()
            .filter_map(|f| NaiveDate::from_ymd_opt(f.year, 12, 31))),
        Parsed::MostPopular(_) | Parsed::JustWatchTitles(_) | Parsed::JustWatchCredits(_) => None,
    };
    (format.spec().dataset_key(parsed), as_of)
}

/// A file's publication as its content tells it, when no manifest does (`None`: it doesn't).
/// Charts and finance figures carry a date per row (the rules in `store::published`); an
/// engagement report is dated by its period; a TMDB snapshot was taken on or after the latest air
/// date it lists.
pub(super) fn content_published(
    parsed: &Parsed,
    content_as_of: Option<NaiveDate>,
) -> Option<Published> {
    match parsed {
        Parsed::Top10(_) | Parsed::Countries(_) | Parsed::RegionFinance(_) => {
            Some(Published::PER_ROW)
        }
        Parsed::Engagement(r) => crate::published::engagement_report_published(&r.period),
        Parsed::Tmdb(_) => content_as_of.map(|d| Published::on(d, Precision::AtEarliest)),
        Parsed::MostPopular(_) | Parsed::JustWatchTitles(_) | Parsed::JustWatchCredits(_) => None,
    }
}

/// Parses every file on all cores, returning them in file order.
pub(super) fn parse_all(
    files: &[PathBuf],
    opts: &ImportOptions,
    dating: &Dating,
) -> Result<Vec<ParsedFile>, StoreError> {
    // Files are independent: parse them on all cores, costliest first so the tail is short. A
    // workbook's bytes are zipped XML and cost about three times a delimited file's (measured on
    // the real data with the XLSX reader in greenlight-sources); the extension only weighs the
    // schedule, it never decides the format.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| {
        let len = std::fs::metadata(&files[i]).map(|m| m.len()).unwrap_or(0);
        let zipped = files[i]
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        std::cmp::Reverse(if zipped { len * 3 } else { len })
    });
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(order.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let parse = |i: usize| {
        let t = std::time::Instant::now();
        let r = parse_one(&files[i], opts.format, dating);
        crate::timing::report(
            format_args!("parsed {} in", files[i].display()),
            t.elapsed(),
        );
        if let Some(cb) = opts.progress {
            cb(ImportProgress::Parsed(files[i].clone()));
        }
        r
    };
    // Each worker takes the next file of the schedule until none is left and hands back what it
    // parsed; a worker that panicked is an error, never a missing file.
    let mut done: Vec<(usize, Result<ParsedFile, StoreError>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    while let Some(&i) =
                        order.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        mine.push((i, parse(i)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .map_err(|_| StoreError::Invalid("a parser thread failed unexpectedly".into()))
            })
            .collect::<Result<Vec<_>, _>>()
    })?
    .into_iter()
    .flatten()
    .collect();
    // File order, so the first error reported is the first bad file's.
    done.sort_unstable_by_key(|(i, _)| *i);
    if done.len() != files.len() {
        return Err(StoreError::Invalid(
            "a file was not parsed (an internal error; nothing was stored)".into(),
        ));
    }
    done.into_iter().map(|(_, r)| r).collect()
}

/// A row stated twice in one file (same natural key: week, list and rank, …, as its format's
/// descriptor names it; or every field the same, for formats without a key) is refused before
/// anything is decided about the file, so even a snapshot that would be skipped as older is
/// reported as bad.
pub(super) fn check_unique(path: &Path, parsed: &Parsed) -> Result<(), StoreError> {
    Ok(parsed.check_unique(path)?)
}
