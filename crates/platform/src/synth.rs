//! `synth`: deterministic, realistic member-level logs calibrated to the real global Top 10.
//!
//! What is real and what is made up (so nobody mistakes the output for Netflix's data):
//! - **Real**: the TV seasons and weeks (every TV row of `netflix-top10/all-weeks-global.tsv`
//!   in the chosen weeks, read through greenlight-sources' reader), each season's weekly share
//!   of hours (the events of a chart week are apportioned to its seasons by their chart hours,
//!   so the synthetic weekly totals reproduce the real shares up to integer rounding), the
//!   runtimes the chart gives, and the regional split and prices: members per region are in
//!   proportion to revenue / ARPU of the latest year of `netflix-finance`, and a member's price
//!   is its region's ARPU of the year it joined times a plan factor.
//! - **Made up** (seeded): which member watched what (members are drawn in proportion to a
//!   Pareto(1.3) activity, so a few members watch a lot), join dates and churn (2.5% a month),
//!   how a season's weekly seconds split into sessions, the start times, plans, and the costs
//!   (labelled as synthetic in `cost_source`).
//!
//! Determinism: every week is generated from its own random stream (seed, week), and written
//! to its own file, so the output is byte-identical whatever the thread count. Memory: one
//! week's active-member table plus one row group (2^20 rows) per thread, whatever `events`.

use crate::error::{PlatformError, Result};
use crate::metrics::day_number;
use crate::schema::{events_schema, members_schema, titles_schema, Dataset};
use chrono::{Datelike, NaiveDate};
use datafusion::arrow::array::{
    Array, Date32Array, Int32Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use greenlight_sources::titles::{normalize, split_season_title, SeasonLabel};
use greenlight_sources::{ChartRow, Parsed};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Mean seconds of one viewing session (45 minutes).
pub const MEAN_SESSION_SECONDS: i64 = 2_700;
/// A season whose chart rows give no runtime: 8 hours (a typical drama season), synthetic.
pub const DEFAULT_RUNTIME_SECONDS: i64 = 8 * 3_600;
const ROW_GROUP: usize = 1 << 20;
const MONTHLY_CHURN: f64 = 0.025;
const PARETO_ALPHA: f64 = 1.3;
/// (plan, price factor on the regional ARPU, share of members).
const PLANS: [(&str, f64, f64); 3] = [
    ("basic", 0.70, 0.35),
    ("standard", 1.00, 0.40),
    ("premium", 1.40, 0.25),
];

#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub events: u64,
    pub seed: u64,
    pub out: PathBuf,
    /// `shared/data` (holds `netflix-top10/` and `netflix-finance/`).
    pub data_dir: PathBuf,
    pub threads: usize,
    /// Chart weeks (the Sunday that ends them) to cover, inclusive; `None`: all.
    pub from_week: Option<NaiveDate>,
    pub to_week: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthSummary {
    pub events: u64,
    pub members: u64,
    pub titles: usize,
    pub weeks: usize,
}

/// A small, stable generator (SplitMix64): the output must not change when a crate's RNG does.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [0, n) (n > 0), by multiply-shift (bias below 2^-64 * n: irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

fn stream(seed: u64, what: u64) -> Rng {
    let mut r = Rng::new(seed ^ what.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    r.next_u64();
    Rng::new(r.next_u64())
}

/// A series slug the way the store makes them (normalised title, spaces as dashes).
pub fn slug(title: &str) -> String {
    let n = normalize(title).replace(' ', "-");
    if n.is_empty() {
        "untitled".into()
    } else {
        n
    }
}

/// The (series slug, season) a chart row is about. Seasons are `Season N`; a whole show or a
/// limited series is season 1; any other instalment (`Part 2`, a named arc) becomes a series
/// of its own (`money-heist-part-5`, season 1), so two instalments never merge into one title.
pub fn title_key(row: &ChartRow) -> (String, i32) {
    let spelling = row.season_title.as_deref().unwrap_or(&row.show_title);
    let (base, label) = split_season_title(spelling);
    match label {
        SeasonLabel::Season { number } => (slug(base), number as i32),
        SeasonLabel::Whole | SeasonLabel::Limited => (slug(base), 1),
        other => (slug(&format!("{base} {}", other.display())), 1),
    }
}

/// A title's identity: (series slug, season).
pub type TitleKey = (String, i32);
/// Chart hours by (week, title).
pub type ChartCells = BTreeMap<(NaiveDate, TitleKey), i64>;
/// One week's cells: (title id, events, seconds).
type WeekCells = Vec<(i32, u64, u64)>;

/// The TV rows of the real global Top 10, by (week, title key), hours summed where two
/// spellings share a key. This is what `synth` is calibrated to and what tests compare with.
pub fn chart_cells(top10: &Path) -> Result<ChartCells> {
    Ok(cells_of(&top10_rows(top10)?))
}

/// The rows of the real global Top 10 file, read and parsed once per `synth` (its titles and
/// its cells both come from them).
fn top10_rows(top10: &Path) -> Result<Vec<ChartRow>> {
    match greenlight_sources::read(top10)? {
        Parsed::Top10(rows) => Ok(rows),
        _ => Err(PlatformError::Config(format!(
            "{}: not a global Top 10 file",
            top10.display()
        ))),
    }
}

fn cells_of(rows: &[ChartRow]) -> ChartCells {
    let mut cells = BTreeMap::new();
    for r in rows.iter().filter(|r| r.category.starts_with("TV")) {
        *cells.entry((r.week, title_key(r))).or_insert(0) += r.hours;
    }
    cells
}

struct ChartTitle {
    key: (String, i32),
    first_week: NaiveDate,
    runtime_seconds: i64,
}

fn chart_titles(rows: &[ChartRow]) -> Vec<ChartTitle> {
    let mut by_key: BTreeMap<(String, i32), (NaiveDate, Option<i64>)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.category.starts_with("TV")) {
        let runtime = r
            .runtime
            .filter(|h| h.is_finite() && *h > 0.0 && *h < 1_000.0)
            .map(|h| (h * 3_600.0).round() as i64);
        let e = by_key.entry(title_key(r)).or_insert((r.week, None));
        e.0 = e.0.min(r.week);
        e.1 = match (e.1, runtime) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    by_key
        .into_iter()
        .map(|(key, (first_week, rt))| ChartTitle {
            key,
            first_week,
            runtime_seconds: rt.unwrap_or(DEFAULT_RUNTIME_SECONDS).max(1),
        })
        .collect()
}

/// Largest-remainder apportionment of `total` over `weights` (exact: the parts sum to
/// `total`; ties go to the earlier index, so it is deterministic).
pub fn apportion(total: u64, weights: &[i64]) -> Vec<u64> {
    let sum: i128 = weights.iter().map(|&w| w.max(0) as i128).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut rem = Vec::with_capacity(weights.len());
    let mut given = 0u64;
    for (i, &w) in weights.iter().enumerate() {
        let x = total as i128 * w.max(0) as i128;
        parts.push((x / sum) as u64);
        rem.push((x % sum, i));
        given += (x / sum) as u64;
    }
    rem.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in rem.iter().take((total - given) as usize) {
        parts[i] += 1;
    }
    parts
}

/// Regional figures of the latest year: (region, member share weight, ARPU by year).
struct Finance {
    regions: Vec<(String, f64)>,
    arpu: BTreeMap<(String, i32), f64>,
    years: (i32, i32),
}

fn finance(data_dir: &Path) -> Result<Finance> {
    let read = |name: &str| -> Result<Vec<greenlight_sources::RegionFigure>> {
        let p = data_dir.join("netflix-finance").join(name);
        match greenlight_sources::read(&p)? {
            Parsed::RegionFinance(f) => Ok(f.figures),
            _ => Err(PlatformError::Config(format!(
                "{}: not a region finance file",
                p.display()
            ))),
        }
    };
    let arpu_rows = read("arpu-by-region.csv")?;
    let revenue_rows = read("revenue-by-region.csv")?;
    let arpu: BTreeMap<(String, i32), f64> = arpu_rows
        .iter()
        .map(|f| ((f.region.clone(), f.year), f.value))
        .collect();
    let last = arpu_rows.iter().map(|f| f.year).max().unwrap_or(2024);
    let first = arpu_rows.iter().map(|f| f.year).min().unwrap_or(last);
    let mut regions = Vec::new();
    for f in revenue_rows.iter().filter(|f| f.year == last) {
        if let Some(a) = arpu.get(&(f.region.clone(), last)).filter(|a| **a > 0.0) {
            // Average paid memberships = revenue / (12 x ARPU); only the ratio matters here.
            regions.push((f.region.clone(), f.value / a));
        }
    }
    if regions.is_empty() {
        return Err(PlatformError::Config(
            "netflix-finance: no year with both revenue and ARPU by region".into(),
        ));
    }
    Ok(Finance {
        regions,
        arpu,
        years: (first, last),
    })
}

struct Member {
    region: usize,
    plan: usize,
    price_micros: i64,
    joined: i64,
    left: Option<i64>,
    activity: f64,
}

fn pick(r: &mut Rng, weights: impl Iterator<Item = f64> + Clone) -> usize {
    let total: f64 = weights.clone().sum();
    let mut u = r.f64() * total;
    let mut last = 0;
    for (i, w) in weights.enumerate() {
        last = i;
        if u < w {
            return i;
        }
        u -= w;
    }
    last
}

fn writer_props() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .build()
}

fn create(path: &Path) -> Result<std::fs::File> {
    std::fs::File::create(path).map_err(|e| PlatformError::io(path, e))
}

/// Generates a data set (see the module docs) into `opts.out`.
pub fn synth(opts: &SynthOptions) -> Result<SynthSummary> {
    if !(1..=10_000_000_000).contains(&opts.events) {
        return Err(PlatformError::Config(format!(
            "--events {}: must be 1..=1e10",
            opts.events
        )));
    }
    let top10 = opts.data_dir.join("netflix-top10/all-weeks-global.tsv");
    let fin = finance(&opts.data_dir)?;
    let rows = top10_rows(&top10)?;
    let titles = chart_titles(&rows);
    let key_id: BTreeMap<(String, i32), i32> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| (t.key.clone(), i as i32 + 1))
        .collect();
    let cells: Vec<((NaiveDate, TitleKey), i64)> = cells_of(&rows)
        .into_iter()
        .filter(|((w, _), h)| {
            *h > 0 && opts.from_week.is_none_or(|f| *w >= f) && opts.to_week.is_none_or(|t| *w <= t)
        })
        .collect();
    if cells.is_empty() {
        return Err(PlatformError::Config(
            "no chart weeks in the chosen range".into(),
        ));
    }
    if (cells.len() as u64) > opts.events {
        return Err(PlatformError::Config(format!(
            "--events {}: at least {} are needed, one per season-week of the chosen charts",
            opts.events,
            cells.len()
        )));
    }
    let hours: Vec<i64> = cells.iter().map(|(_, h)| *h).collect();
    let extra = apportion(opts.events - cells.len() as u64, &hours);
    let counts: Vec<u64> = extra.iter().map(|e| e + 1).collect();
    let seconds = apportion(
        opts.events.saturating_mul(MEAN_SESSION_SECONDS as u64),
        &hours,
    );
    // Cells grouped by week, in week order.
    let mut weeks: BTreeMap<NaiveDate, WeekCells> = BTreeMap::new();
    for (i, ((week, key), _)) in cells.iter().enumerate() {
        let n = counts[i];
        let t = seconds[i].clamp(n, n * crate::schema::MAX_EVENT_SECONDS as u64);
        weeks.entry(*week).or_default().push((key_id[key], n, t));
    }
    let first_week = *weeks.keys().next().expect("cells is not empty");
    let last_week = *weeks.keys().next_back().expect("cells is not empty");

    // Members: enough that a typical member has ~150 events, joined up to 3 years before the
    // first chart week, churning at MONTHLY_CHURN.
    let n_members = (opts.events / 150).max(50);
    let span_start = day_number(first_week) - 6 - 3 * 365;
    let span_end = day_number(last_week) + 1;
    let mut rng = stream(opts.seed, u64::MAX);
    let daily_keep = (1.0 - MONTHLY_CHURN).powf(12.0 / 365.25);
    let mut members = Vec::with_capacity(n_members as usize);
    for _ in 0..n_members {
        let region = pick(&mut rng, fin.regions.iter().map(|r| r.1));
        let plan = pick(&mut rng, PLANS.iter().map(|p| p.2));
        let joined = span_start + rng.below((span_end - span_start) as u64) as i64;
        let life = ((1.0 - rng.f64()).ln() / daily_keep.ln()).ceil().max(1.0) as i64;
        let left = (joined + life < span_end).then_some(joined + life);
        let year = crate::metrics::date_of_day(joined)
            .year()
            .clamp(fin.years.0, fin.years.1);
        let arpu = fin
            .arpu
            .get(&(fin.regions[region].0.clone(), year))
            .copied()
            .unwrap_or(10.0);
        let cents = (arpu * PLANS[plan].1 * 100.0).round() as i64;
        let activity = (1.0 - rng.f64()).powf(-1.0 / PARETO_ALPHA).min(10_000.0);
        members.push(Member {
            region,
            plan,
            price_micros: cents * 10_000,
            joined,
            left,
            activity,
        });
    }

    let ds = Dataset::new(&opts.out);
    std::fs::create_dir_all(ds.events_dir()).map_err(|e| PlatformError::io(ds.events_dir(), e))?;
    write_members(&ds.members(), &members, &fin)?;
    write_titles(&ds.titles(), &titles, opts.seed)?;

    let week_list: Vec<(usize, NaiveDate, WeekCells)> = weeks
        .into_iter()
        .enumerate()
        .map(|(i, (w, c))| (i, w, c))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let errors: std::sync::Mutex<Vec<(usize, PlatformError)>> = Default::default();
    std::thread::scope(|s| {
        for _ in 0..opts.threads.max(1).min(week_list.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((idx, week, cells)) = week_list.get(i) else {
                    break;
                };
                if let Err(e) = write_week(&ds, opts.seed, *idx, *week, cells, &members) {
                    errors
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((i, e));
                }
            });
        }
    });
    let mut errors = errors.into_inner().unwrap_or_else(|p| p.into_inner());
    errors.sort_by_key(|(i, _)| *i);
    if let Some((_, e)) = errors.into_iter().next() {
        return Err(e);
    }
    Ok(SynthSummary {
        events: opts.events,
        members: n_members,
        titles: titles.len(),
        weeks: week_list.len(),
    })
}

fn write_members(path: &Path, members: &[Member], fin: &Finance) -> Result<()> {
    let mut w = ArrowWriter::try_new(create(path)?, members_schema(), Some(writer_props()))?;
    for (c, chunk) in members.chunks(ROW_GROUP).enumerate() {
        let base = (c * ROW_GROUP) as i64 + 1;
        let cols: Vec<Arc<dyn Array>> = vec![
            Arc::new(Int64Array::from_iter_values(
                (0..chunk.len() as i64).map(|i| base + i),
            )),
            Arc::new(StringArray::from_iter_values(
                chunk.iter().map(|m| fin.regions[m.region].0.as_str()),
            )),
            Arc::new(StringArray::from_iter_values(
                chunk.iter().map(|m| PLANS[m.plan].0),
            )),
            Arc::new(Int64Array::from_iter_values(
                chunk.iter().map(|m| m.price_micros),
            )),
            Arc::new(Date32Array::from_iter_values(
                chunk.iter().map(|m| m.joined as i32),
            )),
            Arc::new(Date32Array::from(
                chunk
                    .iter()
                    .map(|m| m.left.map(|l| l as i32))
                    .collect::<Vec<_>>(),
            )),
        ];
        w.write(&RecordBatch::try_new(members_schema(), cols)?)?;
    }
    w.close()?;
    Ok(())
}

fn write_titles(path: &Path, titles: &[ChartTitle], seed: u64) -> Result<()> {
    let mut rng = stream(seed, u64::MAX - 1);
    let source = format!("synthetic: greenlight platform synth --seed {seed} (not a real budget)");
    // Cost: 2..15 million USD per hour of runtime, synthetic.
    let costs: Vec<i64> = titles
        .iter()
        .map(|t| {
            let per_hour = 2_000_000 + rng.below(13_000_001) as i64;
            (per_hour as i128 * t.runtime_seconds as i128 / 3_600 * 1_000_000) as i64
        })
        .collect();
    let cols: Vec<Arc<dyn Array>> = vec![
        Arc::new(Int32Array::from_iter_values(1..=titles.len() as i32)),
        Arc::new(StringArray::from_iter_values(
            titles.iter().map(|t| t.key.0.as_str()),
        )),
        Arc::new(Int32Array::from_iter_values(titles.iter().map(|t| t.key.1))),
        // The launch: the Monday of the season's first chart week.
        Arc::new(Date32Array::from_iter_values(
            titles.iter().map(|t| (day_number(t.first_week) - 6) as i32),
        )),
        Arc::new(Int64Array::from_iter_values(
            titles.iter().map(|t| t.runtime_seconds),
        )),
        Arc::new(Int64Array::from_iter_values(costs)),
        Arc::new(StringArray::from_iter_values(
            titles.iter().map(|_| source.as_str()),
        )),
    ];
    let mut w = ArrowWriter::try_new(create(path)?, titles_schema(), Some(writer_props()))?;
    w.write(&RecordBatch::try_new(titles_schema(), cols)?)?;
    w.close()?;
    Ok(())
}

struct EventBuf {
    member: Vec<i64>,
    title: Vec<i32>,
    start: Vec<i64>,
    seconds: Vec<i64>,
}

impl EventBuf {
    fn new() -> Self {
        EventBuf {
            member: Vec::with_capacity(ROW_GROUP),
            title: Vec::with_capacity(ROW_GROUP),
            start: Vec::with_capacity(ROW_GROUP),
            seconds: Vec::with_capacity(ROW_GROUP),
        }
    }
    fn flush(&mut self, w: &mut ArrowWriter<std::fs::File>) -> Result<()> {
        if self.member.is_empty() {
            return Ok(());
        }
        let cols: Vec<Arc<dyn Array>> = vec![
            Arc::new(Int64Array::from(std::mem::take(&mut self.member))),
            Arc::new(Int32Array::from(std::mem::take(&mut self.title))),
            Arc::new(Int64Array::from(std::mem::take(&mut self.start))),
            Arc::new(Int64Array::from(std::mem::take(&mut self.seconds))),
        ];
        w.write(&RecordBatch::try_new(events_schema(), cols)?)?;
        *self = EventBuf::new();
        Ok(())
    }
}

/// Splits `total` seconds into `n` sessions of 1..=MAX_EVENT_SECONDS (n <= total <= n * max).
fn split_seconds(r: &mut Rng, n: u64, total: u64, out: &mut Vec<i64>) {
    out.clear();
    let max = crate::schema::MAX_EVENT_SECONDS;
    let free = total - n;
    let mut cuts: Vec<u64> = (1..n).map(|_| r.below(free + 1)).collect();
    cuts.sort_unstable();
    let mut prev = 0;
    for c in cuts.into_iter().chain(std::iter::once(free)) {
        out.push((c - prev) as i64 + 1);
        prev = c;
    }
    // Cap at a day, moving the excess on (total <= n * max, so it always fits).
    let mut carry = 0i64;
    for pass in 0..2 {
        for s in out.iter_mut() {
            let v = *s + carry;
            *s = v.min(max);
            carry = v - *s;
        }
        if carry == 0 || pass == 1 {
            break;
        }
    }
}

fn write_week(
    ds: &Dataset,
    seed: u64,
    index: usize,
    week: NaiveDate,
    cells: &[(i32, u64, u64)],
    members: &[Member],
) -> Result<()> {
    let mut rng = stream(seed, index as u64);
    let monday = day_number(week) - 6;
    let sunday = day_number(week);
    // Members in the service all week, drawn by activity.
    let mut cum: Vec<f64> = Vec::new();
    let mut ids: Vec<i64> = Vec::new();
    let mut acc = 0.0;
    for (i, m) in members.iter().enumerate() {
        if m.joined <= monday && m.left.is_none_or(|l| l > sunday) {
            acc += m.activity;
            cum.push(acc);
            ids.push(i as i64 + 1);
        }
    }
    if ids.is_empty() {
        return Err(PlatformError::Config(format!(
            "week ending {week}: no member is active (use more --events)"
        )));
    }
    let path = ds
        .events_dir()
        .join(format!("week-{}.parquet", week.format("%Y-%m-%d")));
    let tmp = path.with_extension("partial");
    let mut w = ArrowWriter::try_new(create(&tmp)?, events_schema(), Some(writer_props()))?;
    let mut buf = EventBuf::new();
    let mut secs = Vec::new();
    let week_start = monday * 86_400;
    for &(title, n, total) in cells {
        split_seconds(&mut rng, n, total, &mut secs);
        for &s in &secs {
            let u = rng.f64() * acc;
            let k = cum.partition_point(|&c| c <= u).min(ids.len() - 1);
            buf.member.push(ids[k]);
            buf.title.push(title);
            buf.start.push(week_start + rng.below(7 * 86_400) as i64);
            buf.seconds.push(s);
            if buf.member.len() == ROW_GROUP {
                buf.flush(&mut w)?;
            }
        }
    }
    buf.flush(&mut w)?;
    w.close()?;
    std::fs::rename(&tmp, &path).map_err(|e| PlatformError::io(&path, e))?;
    Ok(())
}
