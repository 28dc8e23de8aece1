//! greenlight-platform on real data: a 1e6-event set generated from the real Top 10 and
//! finance figures, the DataFusion metrics checked against a direct loop over every event,
//! synth checked against the chart, and malformed input checked to fail where it is bad.

use chrono::NaiveDate;
use greenlight_platform::datafusion::arrow::array::{
    ArrayRef, AsArray, Int32Array, Int64Array, RecordBatch, StringArray,
};
use greenlight_platform::datafusion::arrow::datatypes::{
    DataType, Date32Type, Field, Int32Type, Int64Type, Schema,
};
use greenlight_platform::datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use greenlight_platform::datafusion::parquet::arrow::ArrowWriter;
use greenlight_platform::datafusion::parquet::file::properties::WriterProperties;
use greenlight_platform::metrics::{self, finish, ranges, Sums, NANO};
use greenlight_platform::schema::{self, Dataset, Title};
use greenlight_platform::synth::{chart_cells, SynthOptions};
use greenlight_platform::{EngineOptions, PlatformError, TitleWindow, Weights, WindowSpec};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The same metrics on a Ballista cluster on loopback (tests/it/cluster.rs).
#[cfg(feature = "cluster")]
#[path = "it/cluster.rs"]
mod cluster;

const EVENTS: u64 = 1_000_000;
const SEED: u64 = 17;

fn scratch(name: &str) -> PathBuf {
    let d = greenlight_testkit::scratch_dir().join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The 1e6-event set, generated once per test process.
fn dataset() -> &'static Dataset {
    static DS: OnceLock<Dataset> = OnceLock::new();
    DS.get_or_init(|| {
        let out = scratch("synth-1e6");
        let s = greenlight_platform::synth(&SynthOptions {
            events: EVENTS,
            seed: SEED,
            out: out.clone(),
            data_dir: greenlight_testkit::data_dir(),
            threads: 2,
            from_week: None,
            to_week: None,
        })
        .expect("synth on the real data");
        assert_eq!(s.events, EVENTS);
        Dataset::new(out)
    })
}

fn read_all(path: &Path) -> Vec<RecordBatch> {
    let f = std::fs::File::open(path).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect()
}

struct Event {
    member: i64,
    title: i32,
    day: i64,
    seconds: i64,
}

fn events(ds: &Dataset) -> Vec<Event> {
    let mut out = Vec::new();
    for f in ds.event_files().unwrap() {
        for b in read_all(&f) {
            let m = b
                .column_by_name("member_id")
                .unwrap()
                .as_primitive::<Int64Type>();
            let t = b
                .column_by_name("title_id")
                .unwrap()
                .as_primitive::<Int32Type>();
            let s = b
                .column_by_name("start")
                .unwrap()
                .as_primitive::<Int64Type>();
            let x = b
                .column_by_name("seconds")
                .unwrap()
                .as_primitive::<Int64Type>();
            for i in 0..b.num_rows() {
                out.push(Event {
                    member: m.value(i),
                    title: t.value(i),
                    day: s.value(i).div_euclid(86_400),
                    seconds: x.value(i),
                });
            }
        }
    }
    out
}

/// member id -> (region, price, joined day)
fn members(ds: &Dataset) -> HashMap<i64, (String, i64, i64)> {
    let mut out = HashMap::new();
    for b in read_all(&ds.members()) {
        let id = b
            .column_by_name("member_id")
            .unwrap()
            .as_primitive::<Int64Type>();
        let region = b.column_by_name("region").unwrap().as_string::<i32>();
        let price = b
            .column_by_name("monthly_price_micros")
            .unwrap()
            .as_primitive::<Int64Type>();
        let joined = b
            .column_by_name("joined")
            .unwrap()
            .as_primitive::<Date32Type>();
        for i in 0..b.num_rows() {
            out.insert(
                id.value(i),
                (
                    region.value(i).to_string(),
                    price.value(i),
                    joined.value(i) as i64,
                ),
            );
        }
    }
    out
}

fn test_weights() -> Weights {
    Weights::from_toml(
        r#"
        price = true
        [region]
        default = 1.0
        "US and Canada" = 1.0
        "EMEA" = 0.9
        "Latin America" = 0.75
        "Asia-Pacific" = 0.6
        [[tenure]]
        below_days = 90
        factor = 1.5
        [[tenure]]
        below_days = 365
        factor = 1.2
        "#,
        "test weights",
    )
    .unwrap()
}

fn specs() -> Vec<WindowSpec> {
    vec![
        WindowSpec::Launch(7),
        WindowSpec::Launch(28),
        WindowSpec::Launch(91),
        WindowSpec::parse("2024-01-01..2024-03-31").unwrap(),
        WindowSpec::parse("2022-07-04..2022-07-10").unwrap(),
    ]
}

/// The metrics by a plain loop over every event: no engine, no joins, the definitions as
/// METRICS.md states them.
fn by_loop(ds: &Dataset, titles: &[Title], weights: &Weights) -> Vec<TitleWindow> {
    let evs = events(ds);
    let mem = members(ds);
    let mut by_day: BTreeMap<i64, Vec<&Event>> = BTreeMap::new();
    for e in &evs {
        by_day.entry(e.day).or_default().push(e);
    }
    let r = ranges(&specs(), titles);
    let by_id: HashMap<i32, &Title> = titles.iter().map(|t| (t.title_id, t)).collect();
    let slate: i128 = titles
        .iter()
        .filter_map(|t| t.cost_micros)
        .map(i128::from)
        .sum();
    let mut out = Vec::new();
    for (rid, (spec, a, z)) in r.ranges.iter().enumerate() {
        let wanted: Option<Vec<i32>> = if r.calendar.contains(&(rid as i32)) {
            None
        } else {
            Some(
                r.launch
                    .iter()
                    .filter(|(x, _)| *x == rid as i32)
                    .map(|(_, t)| *t)
                    .collect(),
            )
        };
        let mut total: HashMap<i64, i64> = HashMap::new();
        let mut per: HashMap<(i32, i64), i64> = HashMap::new();
        for (_, day) in by_day.range(*a..=*z) {
            for e in day {
                *total.entry(e.member).or_default() += e.seconds;
                if wanted.as_ref().is_none_or(|w| w.contains(&e.title)) {
                    *per.entry((e.title, e.member)).or_default() += e.seconds;
                }
            }
        }
        let weight = |m: i64| {
            let (region, price, joined) = &mem[&m];
            weights.weight(*price, region, a - joined) as i128
        };
        let window_seconds: i64 = total.values().sum();
        let window_weight: i128 = total.keys().map(|&m| weight(m)).sum();
        let mut sums: BTreeMap<i32, Sums> = BTreeMap::new();
        for (&(t, m), &s) in &per {
            let e = sums.entry(t).or_insert(Sums {
                seconds: 0,
                viewers: 0,
                completers: 0,
                avs: 0,
                window_seconds,
                window_weight,
            });
            e.seconds += s;
            e.viewers += 1;
            e.completers += (s >= by_id[&t].runtime_seconds) as i64;
            e.avs += weight(m) * (s as i128 * NANO as i128 / total[&m] as i128);
        }
        for (t, s) in sums {
            out.push(finish(spec, *a, *z, by_id[&t], s, slate));
        }
    }
    metrics::sort_rows(&mut out);
    out
}

fn engine() -> EngineOptions {
    EngineOptions {
        partitions: Some(2),
        ..Default::default()
    }
}

#[test]
fn avs_and_every_metric_equal_a_direct_loop_over_the_events_exactly() {
    let ds = dataset();
    let weights = test_weights();
    let got = greenlight_platform::compute_blocking(ds, &specs(), &weights, &engine()).unwrap();
    let titles = schema::read_titles(&ds.titles()).unwrap();
    let want = by_loop(ds, &titles, &weights);
    assert!(
        got.len() >= 300,
        "only {} title-windows: the comparison would prove little",
        got.len()
    );
    // Every window kind is there, with AVS that is not trivially zero or whole.
    for label in [
        "launch+7",
        "launch+28",
        "launch+91",
        "2024-01-01..2024-03-31",
    ] {
        let rows: Vec<_> = got.iter().filter(|r| r.window == label).collect();
        assert!(rows.len() >= 10, "{label}: {} rows", rows.len());
        assert!(rows
            .iter()
            .any(|r| r.avs_share_nano > 0 && r.avs_share_nano < NANO));
        assert!(rows.iter().all(|r| r.efficiency_micro.is_some()));
    }
    assert_eq!(got.len(), want.len(), "same title-windows");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "DataFusion and the loop differ");
    }
    // Shares in a calendar window add up to at most the whole, and to nearly all of it.
    let cal: Vec<_> = got
        .iter()
        .filter(|r| r.window == "2024-01-01..2024-03-31")
        .collect();
    let share: i64 = cal.iter().map(|r| r.avs_share_nano).sum();
    let view: i64 = cal.iter().map(|r| r.view_share_nano).sum();
    assert!(
        share <= NANO && share > NANO - NANO / 1000,
        "AVS shares sum {share}"
    );
    assert!(
        view <= NANO && view > NANO - NANO / 1000,
        "view shares sum {view}"
    );
}

/// Every Parquet file of `src` rewritten into `name`, each column passed through `f` (by name).
fn rewritten(src: &Dataset, name: &str, f: impl Fn(&str, &ArrayRef) -> ArrayRef) -> Dataset {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("events")).unwrap();
    let out = Dataset::new(dir);
    let mut files = vec![(src.members(), out.members()), (src.titles(), out.titles())];
    for e in src.event_files().unwrap() {
        let to = out.events_dir().join(e.file_name().unwrap());
        files.push((e, to));
    }
    for (from, to) in files {
        let batches = read_all(&from);
        let schema = batches[0].schema();
        let mut w =
            ArrowWriter::try_new(std::fs::File::create(to).unwrap(), schema.clone(), None).unwrap();
        for b in batches {
            let cols = schema
                .fields()
                .iter()
                .zip(b.columns())
                .map(|(field, c)| f(field.name(), c))
                .collect();
            w.write(&RecordBatch::try_new(schema.clone(), cols).unwrap())
                .unwrap();
        }
        w.close().unwrap();
    }
    out
}

/// Member ids spread over all 64 bits and title ids over all 32 (as hashed ids are) do not fit
/// the plan's packed keys by offset: the plan ranks them instead, with the same result.
#[test]
fn ids_spread_over_the_whole_integer_range_give_the_same_result() {
    // Multiplication by an odd number is a bijection modulo 2^64 (2^32): distinct ids stay
    // distinct, and consecutive ones land far apart, some negative.
    let spread = rewritten(dataset(), "spread-ids", |name, c| match name {
        "member_id" => Arc::new(Int64Array::from_iter_values(
            c.as_primitive::<Int64Type>()
                .values()
                .iter()
                .map(|m| m.wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as i64)),
        )),
        "title_id" => Arc::new(Int32Array::from_iter_values(
            c.as_primitive::<Int32Type>()
                .values()
                .iter()
                .map(|t| t.wrapping_mul(0x7FEB_352D)),
        )),
        _ => c.clone(),
    });
    let ids: Vec<i64> = members(&spread).into_keys().collect();
    let (lo, hi) = (ids.iter().min().unwrap(), ids.iter().max().unwrap());
    assert!(
        (*hi as i128 - *lo as i128) > 1i128 << 62,
        "the member ids do not span the integer range"
    );
    let weights = test_weights();
    let got =
        greenlight_platform::compute_blocking(&spread, &specs(), &weights, &engine()).unwrap();
    let titles = schema::read_titles(&spread.titles()).unwrap();
    let want = by_loop(&spread, &titles, &weights);
    assert!(got.len() >= 300, "only {} title-windows", got.len());
    assert_eq!(got.len(), want.len(), "same title-windows");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "DataFusion and the loop differ");
    }
}

/// Well below what the plan holds unlimited on 1e6 events, above what its unspillable parts need.
const LIMIT: usize = 96 << 20;

#[test]
fn a_memory_limit_spills_and_gives_the_same_result() {
    let ds = dataset();
    let weights = Weights::default();
    let specs = [WindowSpec::Launch(28)];
    let free = greenlight_platform::compute_blocking(ds, &specs, &weights, &engine()).unwrap();
    let titles = schema::read_titles(&ds.titles()).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (limited, stats) = rt
        .block_on(metrics::compute_with_stats(
            ds,
            &titles,
            &specs,
            &weights,
            &EngineOptions {
                memory_limit: Some(LIMIT),
                spill_dir: Some(scratch("spill")),
                partitions: Some(2),
                cluster: None,
            },
        ))
        .unwrap();
    assert!(!free.is_empty());
    assert!(
        stats.spill_count > 0,
        "nothing spilled under {LIMIT} bytes: {stats:?}"
    );
    assert_eq!(free, limited);
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut r = vec![0.0; v.len()];
        let mut i = 0;
        while i < idx.len() {
            let mut j = i;
            while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
                j += 1;
            }
            let avg = (i + j) as f64 / 2.0 + 1.0;
            for k in i..=j {
                r[idx[k]] = avg;
            }
            i = j + 1;
        }
        r
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn synth_aggregated_to_chart_weeks_reproduces_the_real_top10_shares() {
    let ds = dataset();
    let titles = schema::read_titles(&ds.titles()).unwrap();
    let key: HashMap<i32, (String, i32)> = titles
        .iter()
        .map(|t| (t.title_id, (t.series.clone(), t.season)))
        .collect();
    // Synthetic seconds per (chart week = the Sunday ending the event's week, title).
    let mut synth: BTreeMap<(NaiveDate, (String, i32)), i64> = BTreeMap::new();
    for e in events(ds) {
        let date = metrics::date_of_day(e.day);
        let sunday = date
            + chrono::Duration::days(
                (7 - chrono::Datelike::weekday(&date).num_days_from_sunday() as i64) % 7,
            );
        *synth.entry((sunday, key[&e.title].clone())).or_default() += e.seconds;
    }
    let real = chart_cells(&greenlight_testkit::data_file(
        "netflix-top10/all-weeks-global.tsv",
    ))
    .unwrap();
    let mut weeks: BTreeMap<NaiveDate, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for ((week, k), secs) in &synth {
        let hours = real
            .get(&(*week, k.clone()))
            .unwrap_or_else(|| panic!("{week} {k:?}: synthetic viewing outside the chart"));
        let e = weeks.entry(*week).or_default();
        e.0.push(*hours as f64);
        e.1.push(*secs as f64);
    }
    let real_weeks: std::collections::BTreeSet<_> = real.keys().map(|(w, _)| *w).collect();
    assert_eq!(weeks.len(), real_weeks.len(), "every chart week is covered");
    assert!(weeks.len() > 200);
    let covered: usize = weeks.values().map(|(a, _)| a.len()).sum();
    assert_eq!(
        covered,
        real.len(),
        "every season-week of the chart is covered"
    );
    for (week, (h, s)) in &weeks {
        assert!(h.len() >= 10, "{week}: {} titles", h.len());
        let rho = spearman(h, s);
        assert!(rho >= 0.99, "week ending {week}: Spearman {rho}");
        // And the shares themselves: within 1% (relative) of the real ones for the top title.
        let (ht, st): (f64, f64) = (h.iter().sum(), s.iter().sum());
        let top = (0..h.len()).max_by(|&i, &j| h[i].total_cmp(&h[j])).unwrap();
        let (rs, ss) = (h[top] / ht, s[top] / st);
        assert!((rs - ss).abs() / rs < 0.01, "{week}: share {ss} vs {rs}");
    }
}

#[test]
fn synth_output_is_the_same_whatever_the_thread_count() {
    let mut dirs = Vec::new();
    for threads in [1, 2] {
        let out = scratch(&format!("synth-threads-{threads}"));
        greenlight_platform::synth(&SynthOptions {
            events: 100_000,
            seed: 5,
            out: out.clone(),
            data_dir: greenlight_testkit::data_dir(),
            threads,
            from_week: NaiveDate::from_ymd_opt(2024, 1, 1),
            to_week: NaiveDate::from_ymd_opt(2024, 12, 31),
        })
        .unwrap();
        dirs.push(Dataset::new(out));
    }
    let files = dirs[0].event_files().unwrap();
    assert_eq!(files.len(), 52);
    let rel = |d: &Dataset, f: &Path| d.events_dir().join(f.file_name().unwrap());
    for f in &files {
        assert_eq!(
            std::fs::read(f).unwrap(),
            std::fs::read(rel(&dirs[1], f)).unwrap(),
            "{}",
            f.display()
        );
    }
    for name in ["members.parquet", "titles.parquet"] {
        assert_eq!(
            std::fs::read(dirs[0].dir.join(name)).unwrap(),
            std::fs::read(dirs[1].dir.join(name)).unwrap()
        );
    }
    // A different seed is a different set.
    let other = scratch("synth-seed-6");
    greenlight_platform::synth(&SynthOptions {
        events: 100_000,
        seed: 6,
        out: other.clone(),
        data_dir: greenlight_testkit::data_dir(),
        threads: 2,
        from_week: NaiveDate::from_ymd_opt(2024, 1, 1),
        to_week: NaiveDate::from_ymd_opt(2024, 12, 31),
    })
    .unwrap();
    assert_ne!(
        std::fs::read(&files[0]).unwrap(),
        std::fs::read(rel(&Dataset::new(other), &files[0])).unwrap()
    );
}

/// A data set whose events are one file written here, with small row groups so that a bad
/// row lands in a later group; members and titles are the generated ones.
fn malformed(name: &str, schema: Arc<Schema>, cols: Vec<ArrayRef>) -> Dataset {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("events")).unwrap();
    let src = dataset();
    std::fs::copy(src.members(), dir.join("members.parquet")).unwrap();
    std::fs::copy(src.titles(), dir.join("titles.parquet")).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(40_000))
        .build();
    let f = std::fs::File::create(dir.join("events/bad.parquet")).unwrap();
    let mut w = ArrowWriter::try_new(f, schema.clone(), Some(props)).unwrap();
    w.write(&RecordBatch::try_new(schema, cols).unwrap())
        .unwrap();
    w.close().unwrap();
    Dataset::new(dir)
}

const ROWS: usize = 100_000;
const BAD: usize = 87_654;

fn good_columns() -> (Vec<i64>, Vec<i32>, Vec<i64>, Vec<i64>) {
    let start = 1_704_067_200; // 2024-01-01
    (
        (0..ROWS).map(|i| 1 + (i as i64 % 500)).collect(),
        (0..ROWS).map(|i| 1 + (i as i32 % 50)).collect(),
        (0..ROWS).map(|i| start + i as i64 * 7).collect(),
        (0..ROWS).map(|i| 60 + (i as i64 % 3_000)).collect(),
    )
}

fn expect_located(ds: &Dataset, row_group: Option<usize>, row: Option<u64>, column: &str) {
    let out = ds.dir.join("metrics.csv");
    let r = greenlight_platform::compute_blocking(ds, &specs(), &Weights::default(), &engine());
    let e = r.expect_err("malformed input must be refused");
    let loc = e
        .location()
        .unwrap_or_else(|| panic!("not a located error: {e}"));
    assert_eq!(loc.file, ds.events_dir().join("bad.parquet"), "{e}");
    assert_eq!(loc.row_group, row_group, "{e}");
    assert_eq!(loc.row, row, "{e}");
    assert_eq!(loc.column.as_deref(), Some(column), "{e}");
    assert!(matches!(e, PlatformError::Input { .. }));
    assert!(!out.exists());
}

/// An events file of integer columns, `name` its data set.
fn malformed_events(name: &str, m: Vec<i64>, t: Vec<i32>, s: Vec<i64>, x: Vec<i64>) -> Dataset {
    malformed(
        name,
        events_schema_with(DataType::Int64),
        vec![
            Arc::new(Int64Array::from(m)),
            Arc::new(Int32Array::from(t)),
            Arc::new(Int64Array::from(s)),
            Arc::new(Int64Array::from(x)),
        ],
    )
}

fn events_schema_with(seconds: DataType) -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("member_id", DataType::Int64, false),
        Field::new("title_id", DataType::Int32, false),
        Field::new("start", DataType::Int64, false),
        Field::new("seconds", seconds, false),
    ]))
}

#[test]
fn a_wrong_column_type_is_refused_naming_file_and_column() {
    let (m, t, s, x) = good_columns();
    let ds = malformed(
        "bad-type",
        events_schema_with(DataType::Utf8),
        vec![
            Arc::new(Int64Array::from(m)),
            Arc::new(Int32Array::from(t)),
            Arc::new(Int64Array::from(s)),
            Arc::new(StringArray::from_iter_values(
                x.iter().map(|v| v.to_string()),
            )),
        ],
    );
    expect_located(&ds, None, None, "seconds");
}

#[test]
fn negative_seconds_are_refused_at_their_row_group_and_row() {
    let (m, t, s, mut x) = good_columns();
    x[BAD] = -5;
    let ds = malformed_events("bad-seconds", m, t, s, x);
    expect_located(&ds, Some(BAD / 40_000), Some(BAD as u64), "seconds");
}

#[test]
fn an_unknown_member_is_refused_at_its_row() {
    let (mut m, t, s, x) = good_columns();
    m[BAD] = 9_999_999_999;
    let ds = malformed_events("bad-member", m, t, s, x);
    expect_located(&ds, Some(BAD / 40_000), Some(BAD as u64), "member_id");
}

#[test]
fn results_write_as_csv_json_and_parquet_with_the_avs_exact() {
    let ds = dataset();
    let rows = greenlight_platform::compute_blocking(
        ds,
        &[WindowSpec::Launch(7)],
        &Weights::default(),
        &engine(),
    )
    .unwrap();
    let dir = scratch("outputs");
    for ext in ["csv", "json", "parquet"] {
        greenlight_platform::output::write_file(&rows, &dir.join(format!("m.{ext}"))).unwrap();
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("m.json")).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), rows.len());
    assert_eq!(json[0]["avs"], serde_json::json!(rows[0].avs.to_string()));
    let csv = std::fs::read_to_string(dir.join("m.csv")).unwrap();
    assert_eq!(csv.lines().count(), rows.len() + 1);
    let batches = read_all(&dir.join("m.parquet"));
    let avs: Vec<i128> =
        batches
            .iter()
            .flat_map(|b| {
                let a = b.column_by_name("avs").unwrap().as_primitive::<
                greenlight_platform::datafusion::arrow::datatypes::Decimal128Type,
            >();
                (0..a.len()).map(|i| a.value(i)).collect::<Vec<_>>()
            })
            .collect();
    assert_eq!(avs, rows.iter().map(|r| r.avs).collect::<Vec<_>>());
    // An unknown extension is refused before anything is written.
    assert!(greenlight_platform::output::write_file(&rows, &dir.join("m.txt")).is_err());
    assert!(!dir.join("m.txt").exists());

    // The file `greenlight import` takes: read back by the import's own reader, every row
    // equal to the computed one (the title id aside), with the provenance it was given.
    let import = dir.join("m.greenlight.csv");
    let e = greenlight_platform::output::write_file(&rows, &import).unwrap_err();
    assert!(e.to_string().contains("--publisher"), "{e}");
    assert!(!import.exists());
    let provenance = greenlight_sources::exact::Provenance::new(
        "Netflix content team",
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
    )
    .unwrap();
    greenlight_platform::output::write_file_with(&rows, &import, Some(&provenance)).unwrap();
    let bytes = std::fs::read(&import).unwrap();
    let back = greenlight_sources::exact::read(&import, &bytes).unwrap();
    assert_eq!(back.provenance, provenance);
    assert_eq!(back.rows.len(), rows.len());
    assert_eq!(
        back.rows,
        greenlight_platform::output::exact_rows(&rows).unwrap()
    );
    for (b, r) in back.rows.iter().zip(&rows) {
        assert_eq!(
            (&b.series, b.season as i32, b.avs, b.window_weight),
            (&r.series, r.season, r.avs, r.window_weight)
        );
    }
}

#[test]
fn bad_weights_and_windows_are_refused_with_what_is_wrong() {
    let e = Weights::from_toml("[region]\nEMEA = 11.0\n", "w.toml").unwrap_err();
    assert!(e.to_string().contains("w.toml: region `EMEA`"), "{e}");
    let e = Weights::from_toml(
        "[[tenure]]\nbelow_days = 90\nfactor = 1.0\n[[tenure]]\nbelow_days = 30\nfactor = 1.0\n",
        "w.toml",
    )
    .unwrap_err();
    assert!(e.to_string().contains("tenure bucket 2"), "{e}");
    assert!(Weights::from_toml("colour = 1\n", "w.toml").is_err());
    assert!(WindowSpec::parse("2024-03-01..2024-01-01").is_err());
    assert!(WindowSpec::parse("0").is_err());
    assert_eq!(WindowSpec::parse("28").unwrap(), WindowSpec::Launch(28));
}

#[test]
fn a_launch_date_in_another_millennium_is_refused_at_its_title_row() {
    let dir = scratch("bad-launch");
    let src = dataset();
    std::fs::create_dir_all(dir.join("events")).unwrap();
    std::fs::copy(src.members(), dir.join("members.parquet")).unwrap();
    let first = src.event_files().unwrap()[0].clone();
    std::fs::copy(&first, dir.join("events").join(first.file_name().unwrap())).unwrap();
    // The real titles with row 7's launch moved to the year 9999 (days since 1970).
    let batches = read_all(&src.titles());
    let b = &batches[0];
    let launch = b
        .column_by_name("launch")
        .unwrap()
        .as_primitive::<Date32Type>();
    let moved: Vec<i32> = (0..b.num_rows())
        .map(|i| if i == 7 { 2_932_896 } else { launch.value(i) })
        .collect();
    let idx = b.schema().index_of("launch").unwrap();
    let mut cols = b.columns().to_vec();
    cols[idx] = Arc::new(greenlight_platform::datafusion::arrow::array::Date32Array::from(moved));
    let f = std::fs::File::create(dir.join("titles.parquet")).unwrap();
    let mut w = ArrowWriter::try_new(f, b.schema(), None).unwrap();
    w.write(&RecordBatch::try_new(b.schema(), cols).unwrap())
        .unwrap();
    for rest in &batches[1..] {
        w.write(rest).unwrap();
    }
    w.close().unwrap();
    let e = greenlight_platform::compute_blocking(
        &Dataset::new(&dir),
        &specs(),
        &Weights::default(),
        &engine(),
    )
    .expect_err("a launch in 9999 must be refused");
    let loc = e.location().unwrap_or_else(|| panic!("not located: {e}"));
    assert_eq!(loc.file, dir.join("titles.parquet"));
    assert_eq!((loc.row_group, loc.row), (Some(0), Some(7)), "{e}");
    assert_eq!(loc.column.as_deref(), Some("launch"));
}

/// Without the `cluster` feature a cluster address is refused by name, not run locally.
#[cfg(not(feature = "cluster"))]
#[test]
fn a_cluster_address_without_the_cluster_feature_is_refused_by_name() {
    let err = greenlight_platform::compute_blocking(
        &Dataset::new(scratch("no-cluster-feature")),
        &[WindowSpec::Launch(28)],
        &test_weights(),
        &EngineOptions {
            cluster: Some("df://127.0.0.1:50050".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, PlatformError::Cluster(_)), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("df://127.0.0.1:50050") && msg.contains("cluster` feature"),
        "{msg}"
    );
}
