//! The exact metrics (METRICS.md, "Exact metrics from member-level logs") as one DataFusion plan.
//!
//! Why this shape: a window is a range of days, and "events whose day falls in a window" is a range
//! join, which DataFusion runs as a nested loop that cannot spill. So every window is cut into
//! segments (runs of days that no window starts or ends inside), events are summed to (member,
//! segment) and those joined to the windows each segment is in; events join their title's window
//! days **on (title, day)** directly. All of these are equi-joins against small generated tables (a
//! few hundred thousand rows at most). Every composite key is packed into one `Int64` ([`Keys`]),
//! which DataFusion groups and joins on a plain integer hash table. Every operator is then a hash
//! aggregate, which spills to disk under a memory pool limit, or an equi-join, which is a
//! sort-merge join (spilling through its sorts) under such a limit. Launch windows of titles that
//! launch on the same day share one range, so the member totals are computed once per distinct
//! range; that (range, member) table is streamed to a scratch Parquet file and read by both of its
//! uses, since DataFusion would otherwise compute it once per use.
//!
//! The engine does the large aggregates in integers (`Int64`, and `Decimal128(38, 0)` for the
//! weighted sums, which outgrow 64 bits); the few per-(window, title) divisions that follow are
//! done here in `i128`. Nothing is floating point, so a plain loop and any SQL engine with
//! 128-bit integers give the same numbers bit for bit.

use crate::error::{PlatformError, Result};
use crate::schema::{self, Dataset, Title};
use crate::weights::Weights;
use chrono::{Duration, NaiveDate};
use datafusion::arrow::array::{Array, AsArray, Decimal128Array, Int64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Field, Int64Type, Schema};
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::functions_aggregate::expr_fn::{count, max, min, sum};
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::ExprFunctionExt;
use datafusion::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Seconds-to-share scale: shares are integer nano-units (1e9 = the whole).
pub const NANO: i64 = 1_000_000_000;
const DAY: i64 = 86_400;

/// Which days a metric covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WindowSpec {
    /// The first `n` days after each title's launch: days `launch .. launch + n`.
    Launch(u32),
    /// Every title, the calendar days `from ..= to`.
    Calendar { from: NaiveDate, to: NaiveDate },
}

impl WindowSpec {
    pub fn label(&self) -> String {
        match self {
            WindowSpec::Launch(n) => format!("launch+{n}"),
            WindowSpec::Calendar { from, to } => format!("{from}..{to}"),
        }
    }
    /// Parses `7`, `28`, `91` (or `launch+N`) and `FROM..TO` (inclusive dates).
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        let t2 = t.strip_prefix("launch+").unwrap_or(t);
        if let Ok(n) = t2.parse::<u32>() {
            if n == 0 || n > 3_660 {
                return Err(PlatformError::Config(format!(
                    "window `{text}`: a launch window is 1..=3660 days"
                )));
            }
            return Ok(WindowSpec::Launch(n));
        }
        let Some((a, b)) = t.split_once("..") else {
            return Err(PlatformError::Config(format!(
                "window `{text}`: expected a day count (7, 28, 91) or FROM..TO dates"
            )));
        };
        let date = |s: &str| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|e| {
                PlatformError::Config(format!(
                    "window `{text}`: `{s}` is not a YYYY-MM-DD date: {e}"
                ))
            })
        };
        let (from, to) = (date(a)?, date(b)?);
        if to < from || (to - from).num_days() > 3_660 {
            return Err(PlatformError::Config(format!(
                "window `{text}`: the end must be on or after the start, at most 3660 days later"
            )));
        }
        Ok(WindowSpec::Calendar { from, to })
    }
}

/// Days since 1970-01-01 of a date.
pub fn day_number(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days()
}

pub fn date_of_day(day: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + Duration::days(day)
}

/// One metric row: one title in one window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TitleWindow {
    /// `launch+28` or `FROM..TO`.
    pub window: String,
    /// First and last day of the window (inclusive).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub title_id: i32,
    pub series: String,
    pub season: i32,
    /// Seconds viewed of the title in the window.
    pub seconds: i64,
    /// Views in thousandths: `floor(1000 * seconds / runtime_seconds)`.
    pub views_milli: i64,
    /// Members who watched any of it in the window.
    pub viewers: i64,
    /// Members whose seconds on it in the window reached its runtime.
    pub completers: i64,
    /// `floor(1e9 * completers / viewers)`.
    pub completion_nano: i64,
    /// `floor(1e9 * seconds / window_seconds)`.
    pub view_share_nano: i64,
    /// `sum over members of weight * share_nano` (micro-USD x nano), see METRICS.md.
    #[serde(serialize_with = "as_string")]
    pub avs: i128,
    /// `floor(avs / window_weight)`: nano-units of the weighted member attention.
    pub avs_share_nano: i64,
    pub cost_micros: Option<i64>,
    pub cost_source: Option<String>,
    /// `floor(1e9 * cost / slate_cost)`, the slate being every title with a cost.
    pub cost_share_nano: Option<i64>,
    /// `floor(1e6 * avs_share_nano * slate_cost / (1e9 * cost))`: AVS share / cost share.
    pub efficiency_micro: Option<i64>,
    /// All seconds viewed in the window (every title).
    pub window_seconds: i64,
    /// Sum of the weights of the members who viewed anything in the window.
    #[serde(serialize_with = "as_string")]
    pub window_weight: i128,
}

/// 128-bit integers leave JSON as strings: JSON readers commonly hold numbers in doubles.
fn as_string<S: serde::Serializer>(v: &i128, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&v.to_string())
}

/// The engine's resources.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// Memory pool limit in bytes (operators spill to disk beyond it); `None`: unlimited.
    pub memory_limit: Option<usize>,
    /// Where spill files go (default: the system temp directory).
    pub spill_dir: Option<PathBuf>,
    /// Partitions (threads) of the plan; `None`: the number of cores.
    pub partitions: Option<usize>,
    /// `df://HOST:PORT`: run the plan on this Ballista scheduler's cluster instead of in this
    /// process ([`crate::cluster`]); the memory limit is then the executors' own, and every input
    /// and scratch path must be one the executors can read.
    pub cluster: Option<String>,
}

/// Distinct day ranges and which titles each launch range is for.
#[derive(Debug, Clone)]
pub struct Ranges {
    /// (spec, first day, last day inclusive); index = range id.
    pub ranges: Vec<(WindowSpec, i64, i64)>,
    /// Launch ranges: (range id, title id).
    pub launch: Vec<(i32, i32)>,
    /// Calendar range ids (every title counts).
    pub calendar: Vec<i32>,
}

/// Expands the window specs against the titles' launch days.
pub fn ranges(specs: &[WindowSpec], titles: &[Title]) -> Ranges {
    let mut out = Ranges {
        ranges: Vec::new(),
        launch: Vec::new(),
        calendar: Vec::new(),
    };
    let mut seen: BTreeMap<(WindowSpec, i64), i32> = BTreeMap::new();
    let mut specs = specs.to_vec();
    specs.sort();
    specs.dedup();
    for spec in &specs {
        match spec {
            WindowSpec::Launch(n) => {
                for t in titles {
                    let id = *seen.entry((spec.clone(), t.launch_day)).or_insert_with(|| {
                        out.ranges
                            .push((spec.clone(), t.launch_day, t.launch_day + *n as i64 - 1));
                        (out.ranges.len() - 1) as i32
                    });
                    out.launch.push((id, t.title_id));
                }
            }
            WindowSpec::Calendar { from, to } => {
                out.ranges
                    .push((spec.clone(), day_number(*from), day_number(*to)));
                out.calendar.push((out.ranges.len() - 1) as i32);
            }
        }
    }
    out
}

/// The ranges cut at every first day and every day after a last day: the pieces ("segments")
/// between two consecutive cuts that some range covers. Every range is then exactly a run of
/// whole segments, so a member's seconds in a range are the sum of their seconds in its
/// segments.
///
/// Why: summing a member's days into each range that holds them repeats every (member, day)
/// once per overlapping range (launch windows of titles a week apart overlap about four deep);
/// summing into segments first leaves fewer rows to repeat, the plan's largest aggregate.
pub fn segments(r: &Ranges) -> Segments {
    let mut cuts: Vec<i64> = r.ranges.iter().flat_map(|&(_, a, b)| [a, b + 1]).collect();
    cuts.sort_unstable();
    cuts.dedup();
    // The pieces of a range: those from the cut at its first day to the cut after its last.
    let span = |a: i64, b: i64| {
        (
            cuts.partition_point(|&c| c < a),
            cuts.partition_point(|&c| c <= b),
        )
    };
    // How many ranges hold each piece, by a sweep over the cuts (linear in the ranges, where
    // asking every range of every piece would be quadratic).
    let mut depth = vec![0i64; cuts.len()];
    for &(_, a, b) in &r.ranges {
        let (lo, hi) = span(a, b);
        depth[lo] += 1;
        depth[hi] -= 1;
    }
    let mut day_seg = Vec::new();
    let mut piece_ids: Vec<Option<i32>> = vec![None; cuts.len().saturating_sub(1)];
    let (mut n, mut held) = (0i32, 0i64);
    for (k, w) in cuts.windows(2).enumerate() {
        held += depth[k];
        if held > 0 {
            piece_ids[k] = Some(n);
            day_seg.extend((w[0]..w[1]).map(|d| (d, n)));
            n += 1;
        }
    }
    let mut seg_range = Vec::new();
    for (id, &(_, a, b)) in r.ranges.iter().enumerate() {
        let (lo, hi) = span(a, b);
        for seg in piece_ids[lo..hi].iter().flatten() {
            seg_range.push((*seg, id as i32, a));
        }
    }
    Segments { day_seg, seg_range }
}

/// What [`segments`] cuts the ranges into.
#[derive(Debug, Clone, Default)]
pub struct Segments {
    /// (day, segment) for every day of a segment.
    pub day_seg: Vec<(i64, i32)>,
    /// (segment, range, the range's first day) for every segment of every range.
    pub seg_range: Vec<(i32, i32, i64)>,
}

/// The first day an event can fall on (`schema::MIN_START`), and how many days from it a packed
/// (title, day) leaves room for: every event day (2000..2100 is 36,525 days) fits.
const FIRST_DAY: i64 = schema::MIN_START / DAY;
const DAY_SPAN: i64 = 1 << 16;

/// How the plan packs its composite keys ((member, segment), (range, member), (range, title,
/// member)) into one `Int64`: `m * segments + segment`, `m * ranges + range` and `(m * ranges
/// + range) * titles + t`, where `m` and `t` are the member's and the title's keys.
///
/// Why: DataFusion groups and joins on one primitive column with a hash table of plain
/// integers, and on several columns through a generic row format; packed, the plan's three
/// large aggregates and its (range, member) join run on integers (BENCHMARKS.md). The packing
/// is exact by construction (every part is below its multiplier) and checked to fit 63 bits.
///
/// A member's key is `member_id - min` and a title's `title_id - min` when the id spans fit;
/// otherwise (ids spread over the whole 64-bit range, as hashed ids are) they are ranks, which
/// cost the events a join with the members (and titles) to look them up.
#[derive(Debug, Clone)]
struct Keys {
    ranges: i64,
    titles: i64,
    segments: i64,
    /// `Some((member min, title min))`: keys by offset; `None`: by rank (a title's rank is its
    /// index in the titles, which validation orders by id).
    offsets: Option<(i64, i32)>,
}

impl Keys {
    async fn new(
        members: &DataFrame,
        titles: &[Title],
        r: &Ranges,
        segments: usize,
    ) -> Result<Keys> {
        let stats = members
            .clone()
            .aggregate(
                vec![],
                vec![
                    min(col("m_id")).alias("lo"),
                    max(col("m_id")).alias("hi"),
                    count(col("m_id")).alias("n"),
                ],
            )?
            .collect()
            .await?;
        let (mut lo, mut hi, mut n) = (0i64, 0i64, 0i64);
        if let Some(b) = stats
            .first()
            .filter(|b| b.num_rows() == 1 && b.column(0).is_valid(0))
        {
            lo = b.column(0).as_primitive::<Int64Type>().value(0);
            hi = b.column(1).as_primitive::<Int64Type>().value(0);
            n = b.column(2).as_primitive::<Int64Type>().value(0);
        }
        let ranges = (r.ranges.len() as i64).max(1);
        let segments = (segments as i64).max(1);
        let fits = |members: i128, titles: i128| {
            let widest = (segments as i128).max(ranges as i128 * titles);
            members
                .checked_mul(widest)
                .is_some_and(|k| k <= i64::MAX as i128)
        };
        let (tlo, thi) = match (titles.first(), titles.last()) {
            (Some(a), Some(b)) => (a.title_id, b.title_id),
            _ => (0, 0),
        };
        let (mspan, tspan) = (hi as i128 - lo as i128 + 1, thi as i128 - tlo as i128 + 1);
        if fits(mspan, tspan) {
            return Ok(Keys {
                ranges,
                titles: tspan as i64,
                segments,
                offsets: Some((lo, tlo)),
            });
        }
        let nt = (titles.len() as i64).max(1);
        if fits(n.max(1) as i128, nt as i128) {
            return Ok(Keys {
                ranges,
                titles: nt,
                segments,
                offsets: None,
            });
        }
        Err(PlatformError::Config(format!(
            "{n} members x {ranges} windows x {nt} titles is more than one 63-bit key holds"
        )))
    }

    /// The title's key in the packed keys (`title_id` is one of `titles`: the small tables
    /// are made from them).
    fn title_key(&self, titles: &[Title], title_id: i32) -> Result<i64> {
        match self.offsets {
            Some((_, tlo)) => Ok(title_id as i64 - tlo as i64),
            None => titles
                .binary_search_by_key(&title_id, |t| t.title_id)
                .map(|i| i as i64)
                .map_err(|_| PlatformError::Config(format!("no title has the id {title_id}"))),
        }
    }

    fn title<'t>(&self, titles: &'t [Title], key: i64) -> Result<&'t Title> {
        let found = match self.offsets {
            Some((_, tlo)) => titles
                .binary_search_by_key(&(key + tlo as i64), |t| t.title_id as i64)
                .ok()
                .map(|i| &titles[i]),
            None => usize::try_from(key).ok().and_then(|i| titles.get(i)),
        };
        found.ok_or_else(|| {
            PlatformError::Config(format!(
                "the plan returned title key {key}, which no title has"
            ))
        })
    }

    /// The events with `e_m` and `e_t` (their member's and title's keys) and the members with
    /// `m_key`: by offset, two subtractions; by rank, the members numbered in id order and the
    /// events joined to those numbers and to the titles' ranks.
    async fn attach(
        &self,
        ctx: &SessionContext,
        events: DataFrame,
        members: DataFrame,
        titles: &[Title],
        engine: &EngineOptions,
        keep: &mut Vec<TempFile>,
    ) -> Result<(DataFrame, DataFrame)> {
        let member_cols = || vec![col("m_region"), col("m_price"), col("m_joined")];
        if let Some((mlo, tlo)) = self.offsets {
            let events = events.select(vec![
                col("e_title"),
                col("e_day"),
                col("e_sec"),
                (col("e_member") - lit(mlo)).alias("e_m"),
                (col("e_title") - lit(tlo as i64)).alias("e_t"),
            ])?;
            let mut cols = member_cols();
            cols.push((col("m_id") - lit(mlo)).alias("m_key"));
            return Ok((events, members.select(cols)?));
        }
        let members = members
            .window(vec![row_number()
                .order_by(vec![col("m_id").sort(true, false)])
                .build()?
                .alias("m_rank")])?
            .select(vec![
                col("m_id"),
                col("m_region"),
                col("m_price"),
                col("m_joined"),
                (cast(col("m_rank"), DataType::Int64) - lit(1i64)).alias("m_key"),
            ])?;
        let title_ranks = batch(
            vec![("k_title", DataType::Int64), ("k_t", DataType::Int64)],
            vec![
                i64_col(titles.iter().map(|t| t.title_id as i64).collect()),
                i64_col((0..titles.len() as i64).collect()),
            ],
        )?;
        let events = members
            .clone()
            .select(vec![col("m_id").alias("k_id"), col("m_key").alias("k_m")])?
            .join(events, JoinType::Inner, &["k_id"], &["e_member"], None)?;
        let events = small_table(ctx, title_ranks, engine, keep)
            .await?
            .join(events, JoinType::Inner, &["k_title"], &["e_title"], None)?
            .select(vec![
                col("e_title"),
                col("e_day"),
                col("e_sec"),
                col("k_m").alias("e_m"),
                col("k_t").alias("e_t"),
            ])?;
        let mut cols = member_cols();
        cols.push(col("m_key"));
        Ok((events, members.select(cols)?))
    }
}

fn i64_col(v: Vec<i64>) -> Arc<dyn Array> {
    Arc::new(Int64Array::from(v))
}

fn batch(fields: Vec<(&str, DataType)>, cols: Vec<Arc<dyn Array>>) -> Result<RecordBatch> {
    let schema = Schema::new(
        fields
            .into_iter()
            .map(|(n, t)| Field::new(n, t, false))
            .collect::<Vec<_>>(),
    );
    Ok(RecordBatch::try_new(Arc::new(schema), cols)?)
}

/// `price * region / 1e6 * tenure / 1e6` as an engine expression (same as [`Weights::weight`]).
fn weight_expr(w: &Weights, price: Expr, region: Expr, tenure_days: Expr) -> Expr {
    let price = if w.price { price } else { lit(1_000_000i64) };
    let mut reg: Option<datafusion::logical_expr::conditional_expressions::CaseBuilder> = None;
    for (name, f) in &w.region {
        let cond = region.clone().eq(lit(name.as_str()));
        reg = Some(match reg {
            None => when(cond, lit(*f)),
            Some(mut b) => b.when(cond, lit(*f)),
        });
    }
    let region_micro = match reg {
        None => lit(w.region_default),
        Some(mut b) => b
            .otherwise(lit(w.region_default))
            .expect("a CASE with at least one branch"),
    };
    let mut ten: Option<datafusion::logical_expr::conditional_expressions::CaseBuilder> = None;
    for &(below, f) in &w.tenure {
        let cond = tenure_days.clone().lt(lit(below));
        ten = Some(match ten {
            None => when(cond, lit(f)),
            Some(mut b) => b.when(cond, lit(f)),
        });
    }
    let tenure_micro = match ten {
        None => lit(w.tenure_after),
        Some(mut b) => b
            .otherwise(lit(w.tenure_after))
            .expect("a CASE with at least one branch"),
    };
    price * region_micro / lit(1_000_000i64) * tenure_micro / lit(1_000_000i64)
}

fn dir_url(p: &std::path::Path) -> String {
    let mut s = p.display().to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

/// Builds the local session with the memory pool and partitions asked for.
pub fn session(engine: &EngineOptions) -> Result<SessionContext> {
    Ok(SessionContext::new_with_state(session_state(engine)?))
}

/// The session for `engine`: local ([`session`]), or on the cluster `engine.cluster` names with
/// the same settings. A bad or unreachable address fails here, before any query runs, within
/// the cluster module's `CONNECT_TIMEOUT`.
pub async fn context(engine: &EngineOptions) -> Result<SessionContext> {
    match &engine.cluster {
        None => session(engine),
        #[cfg(feature = "cluster")]
        Some(url) => {
            let url = crate::cluster::ClusterUrl::parse(url)?;
            crate::cluster::remote_context(&url, session_state(engine)?).await
        }
        // Said plainly rather than silently running on this machine: the caller asked for a
        // cluster, and a local run of a cluster-sized data set is not what they meant.
        #[cfg(not(feature = "cluster"))]
        Some(url) => Err(PlatformError::Cluster(format!(
            "`{url}`: this build has no Ballista client (build with the `cluster` feature)"
        ))),
    }
}

fn session_state(engine: &EngineOptions) -> Result<datafusion::execution::SessionState> {
    let mut rt = RuntimeEnvBuilder::new();
    if let Some(limit) = engine.memory_limit {
        rt = rt.with_memory_pool(Arc::new(FairSpillPool::new(limit)));
    }
    if let Some(dir) = &engine.spill_dir {
        rt = rt.with_temp_file_path(dir.clone());
    }
    // Every join in the plan names its build side first (the small or the smaller input): the
    // optimizer knows no sizes of aggregates' outputs and, left to swap by statistics, built a
    // hash table of 52 M (range, member) rows against the members' 0.7 M (115.7 s -> 80.4 s
    // for 1e8 events with these three settings, BENCHMARKS.md).
    let mut config = SessionConfig::new()
        .set_bool("datafusion.optimizer.join_reordering", false)
        // The members table (0.7 M rows for 1e8 events) is collected once rather than both
        // sides of its join repartitioned.
        .set_usize(
            "datafusion.optimizer.hash_join_single_partition_threshold_rows",
            2_000_000,
        )
        .set_usize(
            "datafusion.optimizer.hash_join_single_partition_threshold",
            64 << 20,
        );
    if engine.memory_limit.is_some() {
        // DataFusion's hash join holds its whole build side in memory and fails rather than
        // spill; its sort-merge join spills (through its sorts). Under a limit, prefer it.
        config = config.set_bool("datafusion.optimizer.prefer_hash_join", false);
        // Each sort reserves this much up front for its merge; the default (10 MiB) times the
        // plan's sorts and partitions exhausts a small pool before anything spills.
        let limit = engine.memory_limit.unwrap_or(0);
        config = config.set_usize(
            "datafusion.execution.sort_spill_reservation_bytes",
            (limit / 64).clamp(256 << 10, 10 << 20),
        );
    }
    if let Some(p) = engine.partitions {
        config = config.with_target_partitions(p.max(1));
    }
    Ok(datafusion::execution::SessionStateBuilder::new()
        .with_config(config)
        .with_runtime_env(rt.build_arc()?)
        .with_default_features()
        .build())
}

/// One of the plan's small generated tables (window days, titles). Locally an in-memory table;
/// on a cluster a Parquet file in the scratch directory (kept alive in `keep`), since Ballista
/// serializes the logical plan and its codec has no in-memory tables.
async fn small_table(
    ctx: &SessionContext,
    batch: RecordBatch,
    engine: &EngineOptions,
    keep: &mut Vec<TempFile>,
) -> Result<DataFrame> {
    if engine.cluster.is_none() {
        return Ok(ctx.read_batch(batch)?);
    }
    let tmp = TempFile::new(engine)?;
    let file = std::fs::File::create(&tmp.0).map_err(|e| PlatformError::io(&tmp.0, e))?;
    let mut w = datafusion::parquet::arrow::ArrowWriter::try_new(
        std::io::BufWriter::new(file),
        batch.schema(),
        None,
    )?;
    w.write(&batch)?;
    w.close()?;
    let df = ctx
        .read_parquet(tmp.0.display().to_string(), ParquetReadOptions::default())
        .await?;
    keep.push(tmp);
    Ok(df)
}

/// Executors read the inputs by path, in their own working directory: on a cluster every path
/// the plan names is made absolute.
fn plan_path(engine: &EngineOptions, p: PathBuf) -> PathBuf {
    if engine.cluster.is_some() {
        std::path::absolute(&p).unwrap_or(p)
    } else {
        p
    }
}

/// Computes every metric of every (window, title) with viewing, on DataFusion. The data set
/// must have been validated ([`schema::validate`]); [`compute`] does both.
pub async fn compute_validated(
    ds: &Dataset,
    titles: &[Title],
    specs: &[WindowSpec],
    weights: &Weights,
    engine: &EngineOptions,
) -> Result<Vec<TitleWindow>> {
    Ok(compute_with_stats(ds, titles, specs, weights, engine)
        .await?
        .0)
}

/// [`compute_validated`], with what the engine spilled.
pub async fn compute_with_stats(
    ds: &Dataset,
    titles: &[Title],
    specs: &[WindowSpec],
    weights: &Weights,
    engine: &EngineOptions,
) -> Result<(Vec<TitleWindow>, RunStats)> {
    let r = ranges(specs, titles);
    let ctx = context(engine).await?;
    // The small tables' files on a cluster, removed when this returns.
    let mut keep = Vec::new();

    let events = ctx
        .read_parquet(
            dir_url(&plan_path(engine, ds.events_dir())),
            ParquetReadOptions::default().file_extension(".parquet"),
        )
        .await?
        .select(vec![
            col("member_id").alias("e_member"),
            cast(col("title_id"), DataType::Int64).alias("e_title"),
            (col("start") / lit(DAY)).alias("e_day"),
            col("seconds").alias("e_sec"),
        ])?;
    let members = ctx
        .read_parquet(
            plan_path(engine, ds.members()).display().to_string(),
            ParquetReadOptions::default(),
        )
        .await?
        .select(vec![
            col("member_id").alias("m_id"),
            col("region").alias("m_region"),
            col("monthly_price_micros").alias("m_price"),
            cast(cast(col("joined"), DataType::Int32), DataType::Int64).alias("m_joined"),
        ])?;
    let Segments { day_seg, seg_range } = segments(&r);
    // Segments are numbered in day order from 0: the last day's is the highest.
    let n_segments = day_seg.last().map_or(0, |&(_, seg)| seg as usize + 1);
    let keys = Keys::new(&members, titles, &r, n_segments).await?;
    let (nr, nt, ns) = (keys.ranges, keys.titles, keys.segments);

    // (day, segment) and (segment, range, first day) for every range ([`segments`]); (title
    // and day packed, range, title key) for launch ranges; (day, range) for calendar ranges.
    let day_segments = batch(
        vec![("d_day", DataType::Int64), ("d_seg", DataType::Int64)],
        vec![
            i64_col(day_seg.iter().map(|x| x.0).collect()),
            i64_col(day_seg.iter().map(|x| x.1 as i64).collect()),
        ],
    )?;
    let segment_ranges = batch(
        vec![
            ("g_seg", DataType::Int64),
            ("r_range", DataType::Int64),
            ("r_from", DataType::Int64),
        ],
        vec![
            i64_col(seg_range.iter().map(|x| x.0 as i64).collect()),
            i64_col(seg_range.iter().map(|x| x.1 as i64).collect()),
            i64_col(seg_range.iter().map(|x| x.2).collect()),
        ],
    )?;
    let (mut lk, mut lr, mut lt) = (Vec::new(), Vec::new(), Vec::new());
    for &(range, title) in &r.launch {
        let (_, a, b) = r.ranges[range as usize];
        // Days no event can fall on are left out: they would not fit the packed (title, day).
        for d in a.max(FIRST_DAY)..=b.min(FIRST_DAY + DAY_SPAN - 1) {
            lk.push(title as i64 * DAY_SPAN + (d - FIRST_DAY));
            lr.push(range as i64);
            lt.push(keys.title_key(titles, title)?);
        }
    }
    let launch_days = batch(
        vec![
            ("l_key", DataType::Int64),
            ("l_range", DataType::Int64),
            ("l_title", DataType::Int64),
        ],
        vec![i64_col(lk), i64_col(lr), i64_col(lt)],
    )?;
    let (mut cr, mut cday) = (Vec::new(), Vec::new());
    for &range in &r.calendar {
        let (_, a, b) = r.ranges[range as usize];
        for d in a..=b {
            cr.push(range as i64);
            cday.push(d);
        }
    }
    let calendar_days = batch(
        vec![("c_range", DataType::Int64), ("c_day", DataType::Int64)],
        vec![i64_col(cr), i64_col(cday)],
    )?;
    let titles_batch = batch(
        vec![("t_key", DataType::Int64), ("t_runtime", DataType::Int64)],
        vec![
            i64_col(
                titles
                    .iter()
                    .map(|t| keys.title_key(titles, t.title_id))
                    .collect::<Result<_>>()?,
            ),
            i64_col(titles.iter().map(|t| t.runtime_seconds).collect()),
        ],
    )?;
    // The events with their member's (and, for calendar windows, their title's) key.
    let (events, members) = keys
        .attach(&ctx, events, members, titles, engine, &mut keep)
        .await?;

    // Per (member, segment), then per (range, member): seconds of all viewing, and the member's
    // weight at the range's first day. The small tables are the joins' left (build) sides:
    // DataFusion builds its hash table on the left and knows no sizes of an aggregate's output
    // to swap them by.
    let member_segments = small_table(&ctx, day_segments, engine, &mut keep)
        .await?
        .join(
            events.clone().select_columns(&["e_day", "e_m", "e_sec"])?,
            JoinType::Inner,
            &["d_day"],
            &["e_day"],
            None,
        )?
        .aggregate(
            vec![(col("e_m") * lit(ns) + col("d_seg")).alias("ms_key")],
            vec![sum(col("e_sec")).alias("ms_sec")],
        )?
        .select(vec![
            (col("ms_key") % lit(ns)).alias("ms_seg"),
            (col("ms_key") / lit(ns)).alias("ms_m"),
            col("ms_sec"),
        ])?;
    let member_range = small_table(&ctx, segment_ranges, engine, &mut keep)
        .await?
        .join(
            member_segments,
            JoinType::Inner,
            &["g_seg"],
            &["ms_seg"],
            None,
        )?
        .aggregate(
            vec![(col("ms_m") * lit(nr) + col("r_range")).alias("w_key")],
            // A range has one first day: its max is it, carried without a second group column.
            vec![
                sum(col("ms_sec")).alias("m_total"),
                max(col("r_from")).alias("m_from"),
            ],
        )?
        .select(vec![
            col("w_key"),
            col("m_total"),
            col("m_from"),
            (col("w_key") / lit(nr)).alias("w_m"),
        ])?;
    let member_range = members
        .join(member_range, JoinType::Inner, &["m_key"], &["w_m"], None)?
        .select(vec![
            col("w_key"),
            col("m_total").alias("w_total"),
            weight_expr(
                weights,
                col("m_price"),
                col("m_region"),
                col("m_from") - col("m_joined"),
            )
            .alias("w_weight"),
        ])?;

    // Written once and read twice (window totals, per-title join): DataFusion does not share a
    // sub-plan between two uses, and computing this table is the plan's largest step.
    let tmp = TempFile::new(engine)?;
    let mut stats = write_parquet(&ctx, member_range, &tmp.0).await?;
    let member_range = ctx
        .read_parquet(tmp.0.display().to_string(), ParquetReadOptions::default())
        .await?;

    // Per (range, title, member): seconds on the title in the range. A (title, day) is in one
    // range per launch spec, so the events join their ranges directly, without summing them to
    // (member, title, day) first (which would not make the join's output any smaller).
    let title_key = |range: &str, title: &str| {
        ((col("e_m") * lit(nr) + col(range)) * lit(nt) + col(title)).alias("s_key")
    };
    let mut parts = Vec::new();
    if launch_days.num_rows() > 0 {
        parts.push(
            small_table(&ctx, launch_days, engine, &mut keep)
                .await?
                .join(
                    events.clone().select(vec![
                        (col("e_title") * lit(DAY_SPAN) + (col("e_day") - lit(FIRST_DAY)))
                            .alias("e_key"),
                        col("e_m"),
                        col("e_sec"),
                    ])?,
                    JoinType::Inner,
                    &["l_key"],
                    &["e_key"],
                    None,
                )?
                .select(vec![
                    title_key("l_range", "l_title"),
                    col("e_sec").alias("s_sec"),
                ])?,
        );
    }
    if calendar_days.num_rows() > 0 {
        parts.push(
            small_table(&ctx, calendar_days, engine, &mut keep)
                .await?
                .join(
                    events.select_columns(&["e_day", "e_m", "e_t", "e_sec"])?,
                    JoinType::Inner,
                    &["c_day"],
                    &["e_day"],
                    None,
                )?
                .select(vec![
                    title_key("c_range", "e_t"),
                    col("e_sec").alias("s_sec"),
                ])?,
        );
    }
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return Ok((Vec::new(), RunStats::default()));
    };
    let mut per_title = first;
    for p in parts {
        per_title = per_title.union(p)?;
    }
    let dec = DataType::Decimal128(20, 0);
    let per_title = per_title
        .aggregate(vec![col("s_key")], vec![sum(col("s_sec")).alias("s_total")])?
        .select(vec![
            (col("s_key") / lit(nt)).alias("s_w"),
            (col("s_key") % lit(nt)).alias("s_t"),
            col("s_total"),
        ])?
        .join(
            member_range.clone(),
            JoinType::Inner,
            &["s_w"],
            &["w_key"],
            None,
        )?;
    let per_title = small_table(&ctx, titles_batch, engine, &mut keep)
        .await?
        .join(per_title, JoinType::Inner, &["t_key"], &["s_t"], None)?
        .select(vec![
            ((col("s_w") % lit(nr)) * lit(nt) + col("s_t")).alias("x_tw"),
            col("s_total"),
            when(col("s_total").gt_eq(col("t_runtime")), lit(1i64))
                .otherwise(lit(0i64))?
                .alias("x_complete"),
            (cast(col("w_weight"), dec.clone())
                * cast(col("s_total") * lit(NANO) / col("w_total"), dec.clone()))
            .alias("x_weighted"),
        ])?
        .aggregate(
            vec![col("x_tw")],
            vec![
                sum(col("s_total")).alias("seconds"),
                count(col("s_total")).alias("viewers"),
                sum(col("x_complete")).alias("completers"),
                sum(col("x_weighted")).alias("avs"),
            ],
        )?;
    let totals = member_range.aggregate(
        vec![(col("w_key") % lit(nr)).alias("t_range")],
        vec![
            sum(col("w_total")).alias("window_seconds"),
            sum(cast(col("w_weight"), dec)).alias("window_weight"),
            max(col("w_total")).alias("max_member_seconds"),
        ],
    )?;

    let (totals, more) = run(&ctx, totals).await?;
    stats.spill_count += more.spill_count;
    stats.spilled_bytes += more.spilled_bytes;
    let mut window_totals: BTreeMap<i64, (i64, i128)> = BTreeMap::new();
    for b in &totals {
        let range = b.column(0).as_primitive::<Int64Type>();
        let secs = b.column(1).as_primitive::<Int64Type>();
        let weight = b.column(2).as_primitive::<Decimal128Type>();
        let maxm = b.column(3).as_primitive::<Int64Type>();
        for i in 0..b.num_rows() {
            // share = s * 1e9 / total is computed in Int64: it is exact only below this bound.
            if maxm.value(i) > i64::MAX / NANO {
                return Err(PlatformError::Config(format!(
                    "a member viewed {} seconds in window {}: more than the {} the exact \
                     share arithmetic allows (overlapping events?)",
                    maxm.value(i),
                    r.ranges[range.value(i) as usize].0.label(),
                    i64::MAX / NANO
                )));
            }
            window_totals.insert(range.value(i), (secs.value(i), weight.value(i)));
        }
    }

    let (per_title, more) = run(&ctx, per_title).await?;
    stats.spill_count += more.spill_count;
    stats.spilled_bytes += more.spilled_bytes;
    let slate: i128 = titles
        .iter()
        .filter_map(|t| t.cost_micros)
        .map(i128::from)
        .sum();
    let mut out = Vec::new();
    for b in &per_title {
        let tw = b.column(0).as_primitive::<Int64Type>();
        let secs = b.column(1).as_primitive::<Int64Type>();
        let viewers = b.column(2).as_primitive::<Int64Type>();
        let completers = b.column(3).as_primitive::<Int64Type>();
        let avs: &Decimal128Array = b.column(4).as_primitive::<Decimal128Type>();
        for i in 0..b.num_rows() {
            let (rid, tkey) = (tw.value(i) / nt, tw.value(i) % nt);
            let (spec, a, z) = &r.ranges[rid as usize];
            let t = keys.title(titles, tkey)?;
            let (ws, ww) = window_totals.get(&rid).copied().unwrap_or((0, 0));
            out.push(finish(
                spec,
                *a,
                *z,
                t,
                Sums {
                    seconds: secs.value(i),
                    viewers: viewers.value(i),
                    completers: completers.value(i),
                    avs: avs.value(i),
                    window_seconds: ws,
                    window_weight: ww,
                },
                slate,
            ));
        }
    }
    sort_rows(&mut out);
    Ok((out, stats))
}

/// What the engine did beyond the result: how often and how much its operators spilled. On a
/// cluster the operators' metrics stay on the executors, so both are 0 there: unknown, not none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    pub spill_count: usize,
    pub spilled_bytes: usize,
}

/// A scratch Parquet file, removed when dropped (also when the query fails).
struct TempFile(PathBuf);

impl TempFile {
    fn new(engine: &EngineOptions) -> Result<Self> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = engine.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
        std::fs::create_dir_all(&dir).map_err(|e| PlatformError::io(&dir, e))?;
        // Absolute: on a cluster the executors read it, from their own working directory.
        let dir = std::path::absolute(&dir).map_err(|e| PlatformError::io(&dir, e))?;
        let name = format!(
            "greenlight-platform-{}-{}.parquet",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        Ok(TempFile(dir.join(name)))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Executes a DataFrame, streaming its rows into one Parquet file (memory: one batch).
async fn write_parquet(
    ctx: &SessionContext,
    df: DataFrame,
    path: &std::path::Path,
) -> Result<RunStats> {
    use futures::StreamExt;
    let plan = df.create_physical_plan().await?;
    let mut stream = datafusion::physical_plan::execute_stream(plan.clone(), ctx.task_ctx())?;
    let file = std::fs::File::create(path).map_err(|e| PlatformError::io(path, e))?;
    let props = datafusion::parquet::file::properties::WriterProperties::builder()
        .set_compression(datafusion::parquet::basic::Compression::SNAPPY)
        .build();
    let mut w = datafusion::parquet::arrow::ArrowWriter::try_new(
        std::io::BufWriter::new(file),
        plan.schema(),
        Some(props),
    )?;
    while let Some(batch) = stream.next().await {
        w.write(&batch?)?;
    }
    w.close()?;
    Ok(plan_stats(&plan))
}

fn plan_stats(plan: &Arc<dyn datafusion::physical_plan::ExecutionPlan>) -> RunStats {
    // `GREENLIGHT_PLATFORM_PLAN=1`: the executed plan with each operator's rows and time, on
    // stderr, to see where a run spends itself (what `EXPLAIN ANALYZE` shows in SQL).
    if std::env::var_os("GREENLIGHT_PLATFORM_PLAN").is_some() {
        eprintln!(
            "{}",
            datafusion::physical_plan::display::DisplayableExecutionPlan::with_metrics(
                plan.as_ref()
            )
            .indent(true)
        );
    }
    let mut stats = RunStats::default();
    let mut stack = vec![plan.clone()];
    while let Some(p) = stack.pop() {
        if let Some(m) = p.metrics() {
            stats.spill_count += m.spill_count().unwrap_or(0);
            stats.spilled_bytes += m.spilled_bytes().unwrap_or(0);
        }
        stack.extend(p.children().into_iter().cloned());
    }
    stats
}

/// Executes a DataFrame through its physical plan, so that the operators' spill metrics can be
/// read after the run.
async fn run(ctx: &SessionContext, df: DataFrame) -> Result<(Vec<RecordBatch>, RunStats)> {
    let plan = df.create_physical_plan().await?;
    let batches = datafusion::physical_plan::collect(plan.clone(), ctx.task_ctx()).await?;
    Ok((batches, plan_stats(&plan)))
}

/// The integer sums of one (window, title), from which every metric follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sums {
    pub seconds: i64,
    pub viewers: i64,
    pub completers: i64,
    pub avs: i128,
    pub window_seconds: i64,
    pub window_weight: i128,
}

fn div(a: i128, b: i128) -> i64 {
    if b == 0 {
        0
    } else {
        (a / b) as i64
    }
}

/// The per-(window, title) divisions, shared by every engine's sums so that the definitions
/// live in one place (they are also spelled out in METRICS.md).
pub fn finish(
    spec: &WindowSpec,
    from_day: i64,
    to_day: i64,
    t: &Title,
    s: Sums,
    slate_cost: i128,
) -> TitleWindow {
    let n = NANO as i128;
    let avs_share = div(s.avs, s.window_weight);
    let (cost_share, efficiency) = match t.cost_micros {
        Some(c) if slate_cost > 0 => (
            Some(div(n * c as i128, slate_cost)),
            Some(div(
                avs_share as i128 * slate_cost * 1_000_000,
                n * c as i128,
            )),
        ),
        _ => (None, None),
    };
    TitleWindow {
        window: spec.label(),
        from: date_of_day(from_day),
        to: date_of_day(to_day),
        title_id: t.title_id,
        series: t.series.clone(),
        season: t.season,
        seconds: s.seconds,
        views_milli: div(1000 * s.seconds as i128, t.runtime_seconds as i128),
        viewers: s.viewers,
        completers: s.completers,
        completion_nano: div(n * s.completers as i128, s.viewers as i128),
        view_share_nano: div(n * s.seconds as i128, s.window_seconds as i128),
        avs: s.avs,
        avs_share_nano: avs_share,
        cost_micros: t.cost_micros,
        cost_source: t.cost_source.clone(),
        cost_share_nano: cost_share,
        efficiency_micro: efficiency,
        window_seconds: s.window_seconds,
        window_weight: s.window_weight,
    }
}

/// Output order: window (launch windows by length, then calendar windows), title id.
pub fn sort_rows(rows: &mut [TitleWindow]) {
    rows.sort_by(|a, b| {
        let key = |r: &TitleWindow| {
            let launch: Option<u32> = r
                .window
                .strip_prefix("launch+")
                .and_then(|n| n.parse().ok());
            (launch.is_none(), launch, r.from, r.to, r.title_id)
        };
        key(a).cmp(&key(b))
    });
}

/// Validates the data set, then computes the metrics.
pub async fn compute(
    ds: &Dataset,
    specs: &[WindowSpec],
    weights: &Weights,
    engine: &EngineOptions,
) -> Result<Vec<TitleWindow>> {
    // A cluster address that is malformed or unreachable fails before the validation's full
    // scan of the events, not after it.
    if engine.cluster.is_some() {
        context(engine).await?;
    }
    let threads = engine
        .partitions
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let ds2 = ds.clone();
    let (titles, _) = tokio::task::spawn_blocking(move || schema::validate(&ds2, threads))
        .await
        .map_err(|e| PlatformError::Config(format!("validation thread: {e}")))??;
    compute_validated(ds, &titles, specs, weights, engine).await
}

/// [`compute`] on a runtime of its own, for callers without one (the CLI, tests).
pub fn compute_blocking(
    ds: &Dataset,
    specs: &[WindowSpec],
    weights: &Weights,
    engine: &EngineOptions,
) -> Result<Vec<TitleWindow>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(engine.partitions.unwrap_or(2).max(1))
        .enable_all()
        .build()
        .map_err(|e| PlatformError::Config(format!("cannot start the runtime: {e}")))?;
    rt.block_on(compute(ds, specs, weights, engine))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every range is exactly the days of its segments, each day once, for overlapping,
    /// nested, adjacent, equal and disjoint ranges (a seeded generator, 2,000 sets).
    #[test]
    fn every_range_is_exactly_its_segments_days() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for _ in 0..2_000 {
            let n = 1 + next(12) as usize;
            let ranges: Vec<(WindowSpec, i64, i64)> = (0..n)
                .map(|_| {
                    let a = 18_000 + next(60) as i64;
                    (WindowSpec::Launch(1), a, a + next(30) as i64)
                })
                .collect();
            let r = Ranges {
                ranges: ranges.clone(),
                launch: Vec::new(),
                calendar: Vec::new(),
            };
            let Segments { day_seg, seg_range } = segments(&r);
            let seg_of: BTreeMap<i64, i32> = day_seg.iter().copied().collect();
            assert_eq!(seg_of.len(), day_seg.len(), "a day in two segments");
            for (id, (_, a, b)) in ranges.iter().enumerate() {
                let mut days: Vec<i64> = seg_range
                    .iter()
                    .filter(|s| s.1 == id as i32)
                    .inspect(|s| assert_eq!(s.2, *a, "the range's first day"))
                    .flat_map(|s| day_seg.iter().filter(move |d| d.1 == s.0).map(|d| d.0))
                    .collect();
                days.sort_unstable();
                assert_eq!(
                    days,
                    (*a..=*b).collect::<Vec<_>>(),
                    "range {a}..={b} of {ranges:?}"
                );
            }
            // No segment outside every range.
            for (d, _) in &day_seg {
                assert!(ranges.iter().any(|(_, a, b)| a <= d && d <= b));
            }
        }
    }
}
