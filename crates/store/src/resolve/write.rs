//! Writing a resolution: `series`, `seasons`, `unresolved` and the `titles` links, with unique
//! slugs.

use super::*;

/// Writes a resolution: replaces `series`, `seasons` and `unresolved`, inserts the spellings of
/// `rows` not stored yet (with their links) and re-links stored ones whose link changed.
pub(crate) fn write(
    tx: &Transaction,
    r: &Resolution,
    rows: &[TitleRow],
) -> Result<ResolveCounts, StoreError> {
    tx.execute_batch("DELETE FROM unresolved; DELETE FROM seasons; DELETE FROM series;")?;
    // A new generation of series: search indexes of the old one are stale.
    crate::search::bump_generation(tx)?;
    crate::batch::insert(
        tx,
        "series",
        &["id", "slug", "title", "kind", "match_key"],
        &r.series,
        &mut |st, p, i, s| bind_all!(st, p; i as i64 + 1, &s.slug, &s.title, &s.kind, &s.key),
    )?;
    crate::batch::insert(
        tx,
        "seasons",
        &[
            "id",
            "series_id",
            "label_key",
            "label",
            "display",
            "number",
            "ordinal",
        ],
        &r.seasons,
        &mut |st, p, i, s| bind_all!(st, p; i as i64 + 1, s.series_id, &s.key, &s.json, &s.display, s.number, s.ordinal),
    )?;
    // Spellings not stored yet are inserted with their links; stored ones are updated only where
    // the link changed.
    let fresh: Vec<(&TitleRow, (i64, Option<i64>))> = rows
        .iter()
        .zip(&r.links)
        .filter(|(row, _)| row.stored.is_none())
        .map(|(row, l)| (row, *l))
        .collect();
    crate::batch::insert(
        tx,
        "titles",
        &[
            "id",
            "source",
            "show_title",
            "season_title",
            "kind",
            "hint",
            "series_id",
            "season_id",
        ],
        &fresh,
        &mut |st, p, _, (row, (series_id, season_id))| bind_all!(st, p; row.id, &row.source, &row.show, &row.season, &row.kind, &row.hint, series_id, season_id),
    )?;
    {
        let mut upd =
            tx.prepare("UPDATE titles SET series_id = ?1, season_id = ?2 WHERE id = ?3")?;
        for (row, &(series_id, season_id)) in rows.iter().zip(&r.links) {
            match row.stored {
                Some((s, se)) if s == Some(series_id) && se == season_id => {}
                Some(_) => {
                    upd.execute(params![series_id, season_id, row.id])?;
                }
                None => {}
            }
        }
    }
    crate::batch::insert(
        tx,
        "unresolved",
        &["title_id", "reason", "candidates"],
        &r.unresolved,
        &mut |st, p, _, (id, reason, cands)| bind_all!(st, p; id, reason, cands),
    )?;
    Ok(ResolveCounts {
        series: r.series.len(),
        seasons: r.seasons.len(),
        unresolved: r.unresolved.len(),
    })
}

/// URL slug: the normalised match key with dashes; a film sharing a series' title gets `-film`, and
/// any remaining clash a number. Deterministic because groups are visited in a fixed order.
pub fn slugify(key: &str) -> String {
    // A space and a dash are one byte each: swap them in place.
    let mut bytes = titles::normalize(key).into_bytes();
    for b in &mut bytes {
        if *b == b' ' {
            *b = b'-';
        }
    }
    let n = String::from_utf8(bytes).expect("swapping ASCII bytes keeps UTF-8");
    if n.is_empty() {
        "untitled".into()
    } else {
        n
    }
}

pub(super) fn unique_slug(key: &str, kind: &str, taken: &mut foldhash::HashSet<String>) -> String {
    let base = slugify(key);
    let mut candidate = base.clone();
    if taken.contains(&candidate) && kind != "tv" {
        candidate = format!("{base}-{kind}");
    }
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}
