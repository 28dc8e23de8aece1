//! A read model for finding series in running text (the news extractor's dictionary, issue 12):
//! every source spelling the store has linked to a series, with the series and season it was
//! resolved to. The extractor matches these spellings in articles; it reads them here so the
//! store keeps its SQL and the resolution stays the one the store made.

use crate::{Store, StoreError};

/// One distinct spelling (a show title or a season title of one source row) and where the
/// resolver put it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesSpelling {
    pub slug: String,
    /// The series' title, as the data spells it.
    pub title: String,
    /// `tv`, `film` or `unknown`.
    pub kind: String,
    /// The spelling as published (`Squid Game: Season 2 // 오징어 게임: 시즌 2`).
    pub spelling: String,
    /// The season's identity key when the spelling is a season's (`season 2`, `part 5`,
    /// `limited series`); empty for a spelling of the show as a whole.
    pub season_key: String,
    /// How many Top 10 rows the series has: ties between series of one spelling go to the most
    /// charted, as in [`Store::find_series`].
    pub chart_rows: i64,
}

impl Store {
    /// Every spelling linked to a series, show and season spellings alike, in a stable order
    /// (by slug, then spelling).
    pub fn series_spellings(&self) -> Result<Vec<SeriesSpelling>, StoreError> {
        let mut st = self.conn().prepare_cached(
            "WITH charted AS (
                 SELECT t.series_id AS id, count(*) AS n
                 FROM chart_weeks c JOIN titles t ON t.id = c.title_id
                 WHERE t.series_id IS NOT NULL GROUP BY t.series_id
             ),
             spelled AS (
                 SELECT series_id, show_title AS spelling, '' AS season_key
                 FROM titles WHERE series_id IS NOT NULL AND show_title <> ''
                 UNION
                 SELECT t.series_id, t.season_title, coalesce(se.label_key, '')
                 FROM titles t LEFT JOIN seasons se ON se.id = t.season_id
                 WHERE t.series_id IS NOT NULL AND t.season_title <> ''
             )
             SELECT s.slug, s.title, s.kind, p.spelling, p.season_key, coalesce(c.n, 0)
             FROM spelled p JOIN series s ON s.id = p.series_id
             LEFT JOIN charted c ON c.id = s.id
             ORDER BY s.slug, p.spelling, p.season_key",
        )?;
        let rows = st.query_map([], |r| {
            Ok(SeriesSpelling {
                slug: r.get(0)?,
                title: r.get(1)?,
                kind: r.get(2)?,
                spelling: r.get(3)?,
                season_key: r.get(4)?,
                chart_rows: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
