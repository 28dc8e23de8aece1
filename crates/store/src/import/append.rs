//! A re-published weekly chart stored week by week (issue 15: "new chart weeks are added
//! without re-reading the unchanged past").
//!
//! Netflix re-publishes `all-weeks-global.tsv` whole every Tuesday, one week longer. Replacing
//! the dataset would delete and re-insert every row and re-run resolution over every spelling;
//! instead the file's rows are compared, week by week, with the rows stored for that dataset:
//!
//! - a week the store lacks is **added** (its rows inserted under the same dataset id);
//! - a week whose rows differ (a correction) is **corrected**: exactly that week's rows are
//!   deleted and the file's inserted;
//! - every other week is left alone: no write touches its rows, which keep their ids.
//!
//! Rows compare on what the store keeps of them (week, category, rank, spelling, hours,
//! runtime, views, cumulative weeks), not on their line: a new week goes on top of the file and
//! shifts every line, so a kept row's `line` is its line in the file version that brought it.
//!
//! Resolution (spellings to series) is a function of every spelling and the years each was
//! seen; it runs only when the stored weeks' answer could change: a new spelling, a correction
//! (which can orphan a spelling), a declared title, or a row seen in an earlier year than any
//! row of its spelling in this dataset. A new week of known titles resolves nothing.
//!
//! Only taken when the chart is the call's one file to store and nothing is dropped (every
//! stored week is still in the file, in the same layout); otherwise the dataset is replaced
//! as before, with its shrink check.

use super::*;
use greenlight_sources::ChartRow;
use std::collections::{BTreeMap, BTreeSet};

/// What a stored chart row is compared on (runtime as its bits: REAL round-trips exactly).
type RowKey = (String, i64, i64, i64, Option<u64>, Option<i64>, i64);

/// The week-wise outcome, for the file's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Appended {
    pub weeks_added: Vec<String>,
    pub weeks_corrected: Vec<String>,
    pub rows_written: usize,
    /// Whether resolution ran (see the module docs for when it must).
    pub resolved: bool,
}

impl Appended {
    /// One line for `import` and `sources`: which weeks were written, and that no other was.
    pub fn describe(&self) -> String {
        let list = |w: &[String]| match w {
            [] => String::new(),
            [one] => one.clone(),
            [first, .., last] => format!("{first}..{last}"),
        };
        let mut parts = Vec::new();
        if !self.weeks_added.is_empty() {
            parts.push(format!(
                "{} week(s) added ({})",
                self.weeks_added.len(),
                list(&self.weeks_added)
            ));
        }
        if !self.weeks_corrected.is_empty() {
            parts.push(format!(
                "{} week(s) corrected, each replaced whole ({})",
                self.weeks_corrected.len(),
                self.weeks_corrected.join(", ")
            ));
        }
        if parts.is_empty() {
            parts.push("no week changed".into());
        }
        format!(
            "{}; {} row(s) written, every other week left as stored{}",
            parts.join("; "),
            self.rows_written,
            if self.resolved {
                "; titles re-resolved"
            } else {
                "; no title to resolve"
            }
        )
    }
}

/// Stores `f` (a global Top 10 chart re-published over dataset `id`) week by week, if it can:
/// `None` when it cannot (then nothing was written and the caller replaces the dataset).
pub(super) fn try_append(
    tx: &Transaction,
    f: &ParsedFile,
    id: i64,
    declared: &[String],
) -> Result<Option<Appended>, StoreError> {
    let Parsed::Top10(rows) = &f.parsed else {
        return Ok(None);
    };
    let format: String = tx.query_row("SELECT format FROM datasets WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    if format != f.format.name() {
        return Ok(None);
    }
    // The stored rows of the dataset, by week.
    let mut stored: BTreeMap<String, Vec<RowKey>> = BTreeMap::new();
    let mut first_year: HashMap<i64, i32> = HashMap::new();
    {
        let mut st = tx.prepare(
            "SELECT week, category, rank, title_id, hours, runtime, views, cumulative_weeks
             FROM chart_weeks WHERE dataset_id = ?1",
        )?;
        let mut q = st.query([id])?;
        while let Some(r) = q.next()? {
            let week: String = r.get(0)?;
            let title: i64 = r.get(3)?;
            if let Some(y) = week.get(..4).and_then(|y| y.parse::<i32>().ok()) {
                let e = first_year.entry(title).or_insert(y);
                *e = (*e).min(y);
            }
            stored.entry(week).or_default().push((
                r.get(1)?,
                r.get(2)?,
                title,
                r.get(4)?,
                r.get::<_, Option<f64>>(5)?.map(f64::to_bits),
                r.get(6)?,
                r.get(7)?,
            ));
        }
    }
    // The file's rows with their spellings' ids (new spellings get the next free ids, as the
    // full path would give them).
    let known = resolve::load_titles(tx)?;
    let mut titles = known;
    let mut interner = TitleInterner::new(&titles);
    let ids = interner.ids(&f.titles, &mut titles);
    if ids.len() != rows.len() {
        return Ok(None);
    }
    let mut file: BTreeMap<String, (Vec<RowKey>, Vec<usize>)> = BTreeMap::new();
    for (i, (r, &title)) in rows.iter().zip(&ids).enumerate() {
        let e = file.entry(r.week.to_string()).or_default();
        e.0.push((
            r.category.clone(),
            r.rank as i64,
            title,
            r.hours,
            r.runtime.map(f64::to_bits),
            r.views,
            r.cumulative_weeks as i64,
        ));
        e.1.push(i);
    }
    if stored.keys().any(|w| !file.contains_key(w)) {
        return Ok(None);
    }
    let mut added = Vec::new();
    let mut corrected = Vec::new();
    let mut write: Vec<usize> = Vec::new();
    for (week, (keys, idx)) in &mut file {
        match stored.get_mut(week) {
            None => added.push(week.clone()),
            Some(have) => {
                have.sort_unstable();
                let mut want = keys.clone();
                want.sort_unstable();
                if *have == want {
                    continue;
                }
                corrected.push(week.clone());
            }
        }
        write.extend(idx.iter().copied());
    }
    write.sort_unstable();
    for week in &corrected {
        tx.execute(
            "DELETE FROM chart_weeks WHERE dataset_id = ?1 AND week = ?2",
            params![id, week],
        )?;
    }
    let new_rows: Vec<ChartRow> = write.iter().map(|&i| rows[i].clone()).collect();
    let new_ids: Vec<i64> = write.iter().map(|&i| ids[i]).collect();
    insert_rows(tx, id, f.format, &Parsed::Top10(new_rows), &new_ids).map_err(|e| match e {
        StoreError::Invalid(m) => StoreError::Invalid(format!("{}, {m}", f.path.display())),
        e => e,
    })?;
    // The search index ranks by hours and weeks: rows written make it stale, resolved or not.
    if !write.is_empty() {
        crate::search::bump_generation(tx)?;
    }
    // Resolution, only when the stored answer could change.
    let fresh = titles.iter().any(|t| t.stored.is_none());
    let earlier = write.iter().any(|&i| {
        use chrono::Datelike;
        first_year
            .get(&ids[i])
            .is_none_or(|&y| rows[i].week.year() < y)
    });
    let aliases = resolve::load_aliases(tx)?;
    let before = titles.len();
    interner.declare(declared, &mut titles, &aliases);
    let declares = titles.len() > before;
    let resolved = fresh || declares || !corrected.is_empty() || earlier;
    if resolved {
        if !corrected.is_empty() {
            // A corrected week can leave a spelling no row names; as the full path, drop it.
            let mut titled: Vec<&str> = greenlight_sources::SPECS
                .iter()
                .filter(|s| s.columns.contains(&"title_id"))
                .map(|s| s.table)
                .collect();
            titled.sort_unstable();
            titled.dedup();
            let unused: String = titled
                .iter()
                .map(|t| format!(" AND id NOT IN (SELECT title_id FROM {t})"))
                .collect();
            tx.execute_batch(&format!(
                "DELETE FROM unresolved;
                 DELETE FROM titles WHERE source != 'ledger'{unused};"
            ))?;
            let gone: BTreeSet<i64> = {
                let left: BTreeSet<i64> = tx
                    .prepare("SELECT id FROM titles")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                titles
                    .iter()
                    .filter(|t| t.stored.is_some() && !left.contains(&t.id))
                    .map(|t| t.id)
                    .collect()
            };
            titles.retain(|t| !gone.contains(&t.id));
        }
        let dates = resolve::load_dates(tx)?;
        let r = resolve::resolve(&titles, &aliases, &dates);
        resolve::write(tx, &r, &titles)?;
    }
    tx.execute(
        "UPDATE datasets SET file_name = ?2, path = ?3, as_of = ?4, content_hash = ?5,
                rows = ?8, imported_at = datetime('now'), published = ?6, published_precision = ?7
         WHERE id = ?1",
        params![
            id,
            f.path
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            f.path.display().to_string(),
            f.dataset.1.to_string(),
            f.hash,
            f.published.date.map(|d| d.to_string()),
            f.published.precision.name(),
            rows.len() as i64
        ],
    )?;
    Ok(Some(Appended {
        weeks_added: added,
        weeks_corrected: corrected,
        rows_written: write.len(),
        resolved,
    }))
}
