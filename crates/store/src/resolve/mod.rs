//! Resolution: from the distinct spellings in `titles` to series and seasons.
//!
//! The rules, in order (each is conservative: a wrong merge is worse than a listed miss):
//! 1. **Alias file first.** A user alias maps a spelling to a series (and season) outright.
//! 2. **Parse the season.** Top 10 gives the show title, so the season is the remainder of the
//!    season title (`Stranger Things 3` -> `3`). Engagement titles carry no show title: explicit
//!    markers only (`: Season 2`, `: Limited Series`, `: Part 2`, `: S10: Ohio`, `: 시즌 1`, dates);
//!    a spelling identical to a Top 10 season spelling takes that resolution; a bare trailing
//!    number (`Barbarians II`) counts only after a series already known to be TV.
//! 3. **Group by normalised title and kind.** Case, punctuation and diacritics don't split a series;
//!    TV and film never merge. A spelling of unknown kind (the 2023H1 report doesn't say) joins the
//!    one kind that has that title, and is *unresolved* if both do.
//! 4. **Disambiguators.** `Archer (2009)` and `Archer` merge when `(2009)` is the only variant; when a
//!    catalogue has two records of one name (two years) or a title has several disambiguated
//!    variants (`(U.S.)`, `(U.K.)`), the bare spelling stays apart and is listed as unresolved with
//!    its candidates.
//! 5. **Same title, different years: different shows.** A TV group can still hold two shows of one
//!    title (the 2005 animated *Avatar: The Last Airbender* and Netflix's 2024 live-action one:
//!    Netflix writes `(2005)` on the old one and nothing on the new). Spellings that can date
//!    their show's start do. Exact years first: a catalogue record's year or a `(2005)`
//!    disambiguator stands for that year ±1 ([`EXACT_SLACK`]), and exact years swept in order
//!    split where two ranges don't touch (more than 2 years apart). Then each first instalment
//!    (`Season 1`, `Part 1`, `Limited Series`, a one-off) with a Netflix release date in year R,
//!    which dates its show to R−15..R ([`NETFLIX_LAG`]: Netflix dates a licensed show by the day
//!    it reached Netflix): it joins the show whose years hold R (a first season released in a
//!    show's first year is its premiere), else the one show that can have started in R−15..R;
//!    those that fit no show form shows of their own (swept the same way); those that fit several
//!    are placed like the undated. A loose release range never bridges two exact years. With two
//!    or more shows the group is split into one series each. The other spellings follow, in
//!    this order: a spelling seen on Netflix (a Top 10 week, a report's half-year, a release date)
//!    before a show could have started is not that show's, so if one show fits, that one; then
//!    the show holding the same season label, then the same label family (`Season 2` follows a
//!    `Season 1`, `Book 2` a `Book 1`), each first among spellings with the same disambiguator (a
//!    bare `Heartbreak High: Season 2` is not `Heartbreak High (1994): Season 2`). A spelling
//!    still fitting several shows stays apart under the bare title and is listed as unresolved
//!    with the shows as candidates. Keys (and so slugs): the show holding the year of the group's
//!    key keeps it (`avatar-the-last-airbender-2005`), else the spellings left open keep the bare
//!    key, else the latest show does (Netflix's bare title names its newest show); every other
//!    show's key is the bare key and its year (`avatar-the-last-airbender-2024`). Aliased
//!    spellings take no part and stay with the group's key. Films are not split (their years are
//!    a question of their own).
//!
//! One module per phase: `load` reads spellings, aliases and dates; `spelling` applies rules
//! 1 and 2 to each spelling; `group` rules 3 and 4 (and is the entry point, `resolve`);
//! `eras` rule 5; `write` stores the result.

use crate::batch::bind_all;
use crate::StoreError;
use greenlight_sources::titles::{self, SeasonLabel};
use rusqlite::{params, Transaction};
// foldhash: these maps hold tens of thousands of spellings per import, and SipHash showed in the
// profile; nothing here is keyed by untrusted input an attacker could collide.
use foldhash::HashMap;
use std::borrow::Cow;

mod eras;
mod group;
mod load;
mod spelling;
mod write;

use eras::*;
pub use eras::{EXACT_SLACK, NETFLIX_LAG};
pub(crate) use group::resolve;
pub(crate) use load::{add_dates, load_aliases, load_dates, load_titles, Dates};
use spelling::*;
pub use write::slugify;
use write::unique_slug;
pub(crate) use write::write;

/// A distinct source spelling, as stored in `titles` (or about to be).
#[derive(Debug, Clone)]
pub(crate) struct TitleRow {
    pub id: i64,
    pub source: String,
    pub show: String,
    pub season: String,
    pub kind: String,
    pub hint: String,
    /// The stored link (series, season); `None` for a spelling not stored yet.
    pub stored: Option<(Option<i64>, Option<i64>)>,
}

type Aliases = HashMap<String, (String, Option<String>)>;

/// Rebuilds `series`, `seasons`, `unresolved` and the `titles` links from the stored spellings.
pub(crate) fn rebuild(tx: &Transaction) -> Result<ResolveCounts, StoreError> {
    let rows = load_titles(tx)?;
    let aliases = load_aliases(tx)?;
    let dates = load_dates(tx)?;
    let r = resolve(&rows, &aliases, &dates);
    write(tx, &r, &rows)
}

/// One series as resolution derived it; its id is its position + 1.
struct SeriesOut {
    slug: String,
    title: String,
    kind: String,
    key: String,
}

/// One season; its id is its position + 1.
/// A season as stored. Its label's columns are rendered here, on the resolution thread, so the
/// thread that writes them (the import's critical path) only binds them.
struct SeasonOut {
    series_id: i64,
    key: String,
    json: String,
    display: String,
    number: Option<u32>,
    ordinal: i64,
}

/// What resolution derives from a set of spellings: a pure function of the spellings (in id
/// order) and the aliases, so it can run beside the raw-row inserts of an import.
pub(crate) struct Resolution {
    series: Vec<SeriesOut>,
    seasons: Vec<SeasonOut>,
    /// `(series_id, season_id)` per input row, in input order.
    links: Vec<(i64, Option<i64>)>,
    unresolved: Vec<(i64, String, String)>,
}

#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct ResolveCounts {
    pub series: usize,
    pub seasons: usize,
    pub unresolved: usize,
}
