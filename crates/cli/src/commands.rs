//! The subcommands.

use crate::args::{ClaimAction, Cli, Command, TokenAction};
use crate::output::{self, num};
use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;
use greenlight_sources::titles::SeasonLabel;
use greenlight_sources::Format;
use greenlight_store::import::{ImportOptions, ImportProgress};
use greenlight_store::Store;
use std::io::IsTerminal;
use std::path::PathBuf;

/// `println!` that returns an error instead of panicking when stdout is closed (`| head`).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($t)*)?
    }};
}

pub fn run(cli: Cli) -> Result<()> {
    let mut store = Store::open(&cli.db)?;
    // The starter catalog is loaded into a store whose ledger is empty, on first use.
    greenlight_ledger::prepare(&mut store)?;
    match cli.command {
        Command::Import {
            paths,
            manifest,
            format,
            replace,
            json,
        } => import(
            &mut store,
            &paths,
            manifest.as_deref(),
            format.as_deref(),
            replace,
            json.json,
            cli.quiet,
        ),
        Command::Search { text, limit, json } => {
            let hits = store.search(&text, limit)?;
            if json.json {
                return output::json(&hits);
            }
            if hits.is_empty() {
                outln!("no match for \"{text}\"");
            }
            for h in hits {
                outln!(
                    "{:.3}  {}  ({}, matched \"{}\")",
                    h.score,
                    h.series.title,
                    h.series.slug,
                    h.matched
                );
            }
            Ok(())
        }
        Command::Show { series, json } => {
            let s = store.series(&series)?;
            let report = store.show(&s)?;
            if json.json {
                return output::json(&report);
            }
            outln!(
                "{} [{}] ({})",
                report.series.title,
                report.series.kind,
                report.series.slug
            );
            for season in &report.seasons {
                let name = if season.season.is_empty() {
                    "(whole show)"
                } else {
                    &season.season
                };
                outln!("\n  {name}");
                outln!("    spellings: {}", season.source_titles.join(" | "));
                if let Some(t) = &season.top10 {
                    outln!(
                        "    Top 10: {} weeks, peak #{}, {} hours, {} .. {}",
                        t.weeks,
                        t.peak_rank,
                        num(t.total_hours),
                        t.first_week,
                        t.last_week
                    );
                }
                for e in &season.engagement {
                    let views = e
                        .views
                        .map(|v| format!(", {} views", num(v)))
                        .unwrap_or_default();
                    outln!("    {}: {} hours{views}", e.report, num(e.hours));
                }
            }
            Ok(())
        }
        Command::Hours {
            series,
            season,
            from,
            to,
            json,
        } => {
            let s = store.series(&series)?;
            let label = season.as_deref().map(SeasonLabel::parse_user);
            let from = from
                .as_deref()
                .map(|d| parse_date(d, "--from"))
                .transpose()?;
            let to = to.as_deref().map(|d| parse_date(d, "--to")).transpose()?;
            let r = store.hours(&s, label.as_ref(), from, to)?;
            if json.json {
                return output::json(&r);
            }
            outln!(
                "{}{}: {} hours",
                r.series.title,
                r.season
                    .as_ref()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default(),
                num(r.hours)
            );
            for w in &r.weeks {
                outln!(
                    "  week ending {}  #{:<2}  {:>14}",
                    w.week_end,
                    w.rank,
                    num(w.hours)
                );
            }
            for w in &r.excluded_weeks {
                outln!(
                    "  (excluded, partly outside the window) week ending {}  {}",
                    w.week_end,
                    num(w.hours)
                );
            }
            Ok(())
        }
        Command::Stats { json } => {
            let st = store.stats()?;
            if json.json {
                return output::json(&st);
            }
            outln!("tables:");
            for t in &st.tables {
                outln!("  {:<16} {:>9}", t.table, num(t.rows));
            }
            outln!("datasets:");
            for d in &st.datasets {
                outln!(
                    "  {:<22} {:>9} rows  as of {}  {} ({})",
                    d.dataset,
                    num(d.rows),
                    d.as_of,
                    d.file,
                    d.publisher
                );
            }
            Ok(())
        }
        Command::Predict {
            series,
            season,
            as_of,
            json,
        } => {
            let as_of = as_of_flag(as_of.as_deref())?;
            let v = greenlight_report::predict(&store, &series, season, as_of)?;
            if json.json {
                return output::json(&v);
            }
            if let Some(d) = &v.decided {
                outln!(
                    "season {}: {}{} — decided, so no odds",
                    d.season,
                    greenlight_ledger::Status::as_str(d.decision).replace('_', " "),
                    output::dated(d.decided_on, d.decided_on_precision)
                );
                for e in &d.evidence {
                    outln!("  {}", output::sourced(e));
                }
                return Ok(());
            }
            let Some(r) = &v.prediction else {
                return Ok(());
            };
            outln!(
                "{} season {} as of {}: {:.0}% chance of renewal",
                r.series,
                r.season,
                r.as_of,
                r.probability * 100.0
            );
            for f in &r.factors {
                outln!("  {}", serde_json::to_string(f)?);
            }
            if let Some(k) = &r.known_outcome {
                outln!("known outcome: {}", serde_json::to_string(&k.outcome)?);
            }
            Ok(())
        }
        Command::Backtest {
            export_features,
            json,
        } => {
            let r = greenlight_odds::backtest(&store, export_features.as_deref())?;
            if json.json {
                return output::json(&r);
            }
            outln!("{}", serde_json::to_string_pretty(&r)?);
            Ok(())
        }
        Command::Metrics {
            series,
            season,
            as_of,
            json,
        } => {
            let as_of = as_of_flag(as_of.as_deref())?;
            let r = greenlight_odds::metrics(&store, &series, season, as_of)?;
            if json.json {
                return output::json(&r);
            }
            outln!("{}", serde_json::to_string_pretty(&r)?);
            Ok(())
        }
        Command::Labels { json } => {
            let r = greenlight_odds::labels(&store)?;
            if json.json {
                return output::json(&r);
            }
            outln!(
                "data through {}; seasons decidable through {}",
                r.horizon,
                r.decidable_through
            );
            outln!(
                "all charted numbered seasons: {}",
                serde_json::to_string(&r.all)?
            );
            outln!("trainable: {}", serde_json::to_string(&r.trainable)?);
            outln!("by rule: {}", serde_json::to_string(&r.by_rule)?);
            outln!("excluded limited series: {}", r.excluded_limited_series);
            Ok(())
        }
        Command::Serve {
            addr,
            import: paths,
        } => {
            if !paths.is_empty() {
                import(&mut store, &paths, None, None, false, false, cli.quiet)?;
            }
            drop(store);
            if !cli.quiet {
                eprintln!("greenlight: serving {} on http://{addr}/", cli.db.display());
            }
            greenlight_web::serve_blocking(cli.db.clone(), addr)?;
            Ok(())
        }
        Command::Token { action } => match action {
            TokenAction::Create { name } => {
                let secret = greenlight_web::tokens::create_token(&mut store, &name)?;
                outln!("{secret}");
                Ok(())
            }
            TokenAction::List { json } => {
                let list = greenlight_web::tokens::list_tokens(&mut store)?;
                if json.json {
                    return output::json(&list);
                }
                for t in &list {
                    outln!("{}", serde_json::to_string(t)?);
                }
                Ok(())
            }
            TokenAction::Revoke { which } => {
                let t = greenlight_web::tokens::revoke_token(&mut store, &which)?;
                outln!("revoked {}", serde_json::to_string(&t)?);
                Ok(())
            }
        },
        Command::Status {
            series,
            as_of,
            json,
        } => {
            let as_of = as_of_flag(as_of.as_deref())?;
            let v = greenlight_report::status(&store, &series, as_of)?;
            if json.json {
                return output::json(&v);
            }
            let r = &v.status;
            if let Some(greenlight_report::OddsOrWhy::Odds(o)) = &v.odds {
                outln!(
                    "odds of renewal: {:.0}% (model backtest AUC {:.2})",
                    o.probability * 100.0,
                    o.backtest_auc.unwrap_or_default()
                );
            }
            outln!(
                "{}: {} (next season {}{}{})",
                r.series.title,
                r.status.as_str(),
                r.next_season,
                r.release_date
                    .map(|d| format!(", release date {d}"))
                    .unwrap_or_default(),
                match r.decided_on {
                    Some(_) => format!(
                        ", decided{}",
                        output::dated(r.decided_on, r.decided_on_precision)
                    ),
                    None => String::new(),
                }
            );
            for o in r
                .seasons
                .iter()
                .filter(|o| o.season > r.next_season && !o.premiered && o.decision.is_continuing())
            {
                outln!(
                    "  also: season {} {}",
                    o.season,
                    o.decision.as_str().replace('_', " ")
                );
            }
            for e in &r.evidence {
                let role = match e.role {
                    greenlight_ledger::Role::Deciding => "deciding",
                    greenlight_ledger::Role::Context => "context",
                    greenlight_ledger::Role::Superseded => "superseded",
                };
                outln!("  evidence [{role}]: {}", output::sourced(&e.claim));
            }
            for c in &r.contradictions {
                outln!("  contradiction: {}", c.reason);
            }
            Ok(())
        }
        Command::Timeline { series, json } => {
            let r = greenlight_ledger::timeline(&store, &series)?;
            if json.json {
                return output::json(&r);
            }
            let v = serde_json::to_value(&r)?;
            for e in v["entries"].as_array().into_iter().flatten() {
                outln!(
                    "{}  {}",
                    e["date"].as_str().unwrap_or("undated"),
                    e["summary"].as_str().unwrap_or_default()
                );
            }
            Ok(())
        }
        Command::Cast { series, json } => {
            let r = greenlight_ledger::cast(&store, &series)?;
            if json.json {
                return output::json(&r);
            }
            let v = serde_json::to_value(&r)?;
            for c in v["cast"].as_array().into_iter().flatten() {
                outln!(
                    "  {} as {}",
                    c["person"].as_str().unwrap_or_default(),
                    c["characters"]
                );
            }
            for c in v["crew"].as_array().into_iter().flatten() {
                outln!(
                    "  {}: {}",
                    c["person"].as_str().unwrap_or_default(),
                    c["roles"]
                );
            }
            Ok(())
        }
        Command::Reception { series, json } => {
            let r = greenlight_ledger::reception(&store, &series)?;
            if json.json {
                return output::json(&r);
            }
            outln!("{}", serde_json::to_string_pretty(&r)?);
            Ok(())
        }
        Command::Claim {
            action:
                ClaimAction::Add {
                    kind,
                    series,
                    season,
                    person,
                    event_date,
                    published,
                    source_name,
                    source_kind,
                    source_url,
                    entered_by,
                    note,
                    fields,
                    json,
                },
        } => {
            let mut obj = serde_json::Map::new();
            let mut put = |k: &str, v: serde_json::Value| {
                obj.insert(k.to_string(), v);
            };
            put("kind", kind.into());
            put("series", series.into());
            put("published", published.into());
            put("entered_by", entered_by.into());
            put(
                "source",
                serde_json::json!({"name": source_name, "kind": source_kind, "url": source_url}),
            );
            if let Some(v) = season {
                put("season", v.into());
            }
            if let Some(v) = person {
                put("person", v.into());
            }
            if let Some(v) = event_date {
                put("event_date", v.into());
            }
            if let Some(v) = note {
                put("note", v.into());
            }
            for f in fields {
                let (k, v) = f
                    .split_once('=')
                    .ok_or_else(|| anyhow!("--field {f:?}: expected NAME=VALUE"))?;
                // Numbers stay numbers (`hours=66010000`); everything else is text.
                let value = v
                    .parse::<i64>()
                    .map(serde_json::Value::from)
                    .or_else(|_| v.parse::<f64>().map(serde_json::Value::from))
                    .unwrap_or_else(|_| v.into());
                put(k, value);
            }
            let raw: greenlight_ledger::RawClaim =
                serde_json::from_value(serde_json::Value::Object(obj)).context("claim fields")?;
            let r = greenlight_ledger::add_raw_claim(&mut store, raw)?;
            if json.json {
                return output::json(&r);
            }
            outln!("{}", serde_json::to_string(&r)?);
            Ok(())
        }
        Command::Unresolved { json } => {
            let r = store.unresolved()?;
            if json.json {
                return output::json(&r);
            }
            outln!(
                "{} of {} distinct spellings unresolved ({}%)",
                r.unresolved,
                r.distinct_titles,
                r.percent
            );
            for e in &r.entries {
                let t = if e.season_title.is_empty() {
                    &e.show_title
                } else {
                    &e.season_title
                };
                outln!(
                    "  [{}] {t}: {} (candidates: {})",
                    e.source,
                    e.reason,
                    e.candidates.join("; ")
                );
            }
            Ok(())
        }
    }
}

/// `--as-of`, when given.
fn as_of_flag(as_of: Option<&str>) -> Result<Option<NaiveDate>> {
    as_of.map(|d| parse_date(d, "--as-of")).transpose()
}

fn parse_date(s: &str, flag: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| anyhow!("{flag}: \"{s}\" is not a date (YYYY-MM-DD)"))
}

/// What one import call did, for `--json` (README: JSON shapes).
#[derive(serde::Serialize)]
struct ImportReport<'a> {
    files: &'a [greenlight_store::import::FileSummary],
    claims: Vec<ClaimsSummary<'a>>,
    aliases: usize,
    series: usize,
    seasons: usize,
    unresolved: usize,
}

#[derive(serde::Serialize)]
struct ClaimsSummary<'a> {
    file: &'a str,
    format: &'a str,
    claims: usize,
    added: usize,
    already_present: usize,
    series_declared: &'a [String],
}

/// `greenlight import`: every file the paths name, in one transaction. Alias files are written
/// first (resolution then uses them), the data next (resolved once, including any declared
/// series no spelling could name), the claims last (checked against the series the data just
/// brought). Everything that can be checked without the store (manifests, alias and claims file
/// syntax) is checked before anything is written.
fn import(
    store: &mut Store,
    paths: &[PathBuf],
    manifest: Option<&std::path::Path>,
    format: Option<&str>,
    replace: bool,
    json: bool,
    quiet: bool,
) -> Result<()> {
    let format = match format {
        Some(f) => Some(Format::from_name(f).ok_or_else(|| {
            anyhow!(
                "unknown --format \"{f}\"; one of: {}",
                Format::ALL.map(|f| f.name()).join(", ")
            )
        })?),
        None => None,
    };
    const NOTHING: &str = "import failed; nothing was changed";
    let (found, manifests) =
        greenlight_store::import::find_call_files(paths, manifest).context(NOTHING)?;
    let (mut aliases, mut claims, mut data) = (Vec::new(), Vec::new(), Vec::new());
    for f in found {
        if f.has_data_extension() || !f.walked {
            if greenlight_store::aliases::looks_like_alias_file(&f.path) {
                aliases.push(f.path);
            } else if !f.has_data_extension() && greenlight_ledger::looks_like_claims_file(&f.path)
            {
                claims.push(f.path);
            } else {
                data.push(f.path);
            }
        } else if greenlight_ledger::looks_like_claims_file(&f.path) {
            claims.push(f.path);
        }
        // Anything else a walk met (a `.toml` or `.json` that is no claims file) is left alone,
        // like the folder's README.
    }
    if data.is_empty() && aliases.is_empty() && claims.is_empty() {
        bail!(
            "nothing to import in {}: no data (.tsv, .csv, .xlsx), alias or claims files",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let alias_files = aliases
        .iter()
        .map(|a| greenlight_store::aliases::AliasFile::read(a))
        .collect::<Result<Vec<_>, _>>()
        .context(NOTHING)?;
    let claims_files = claims
        .iter()
        .map(|c| greenlight_ledger::ClaimsFile::read(c))
        .collect::<Result<Vec<_>, _>>()
        .context(NOTHING)?;
    let declared: Vec<String> = claims_files
        .iter()
        .flat_map(|c| c.declared().iter().cloned())
        .collect();
    let show_bar = !quiet && std::io::stderr().is_terminal();
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        if show_bar {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |p: ImportProgress| match p {
        ImportProgress::Files(n) => bar.set_length(2 * n as u64),
        ImportProgress::Parsed(path) => {
            bar.inc(1);
            bar.set_message(format!("parsed {}", path.display()));
        }
        ImportProgress::Stored(path) => {
            bar.inc(1);
            bar.set_message(format!("stored {}", path.display()));
        }
    };
    let opts = ImportOptions {
        format,
        progress: Some(&progress),
        allow_shrink: replace,
        manifest: manifest.map(|m| m.to_path_buf()),
        import_day: None,
    };
    // Everything below runs in one transaction: an error anywhere drops it, which rolls back
    // every write of the call.
    let (summary, claim_reports, alias_count, counts) = (|| -> Result<_> {
        let mut w = if data.is_empty() {
            store.begin()?
        } else {
            store.begin_bulk()?
        };
        let mut alias_count = 0;
        for a in &alias_files {
            alias_count += w.import_aliases(a)?;
        }
        let summary = if data.is_empty() {
            None
        } else {
            Some(w.import_data(&data, &manifests, &opts, &declared)?)
        };
        let t = std::time::Instant::now();
        let reports = greenlight_ledger::import_claims_in(&mut w, claims_files)?;
        w.ensure_resolved()?;
        greenlight_store::timing::report(format_args!("claims checked and stored in"), t.elapsed());
        let counts = w.store().counts()?;
        let t = std::time::Instant::now();
        w.commit()?;
        greenlight_store::timing::report(format_args!("commit"), t.elapsed());
        Ok((summary, reports, alias_count, counts))
    })()
    .context(NOTHING)?;
    bar.finish_and_clear();
    let files = summary.as_ref().map(|s| s.files.as_slice()).unwrap_or(&[]);
    if json {
        return output::json(&ImportReport {
            files,
            claims: claim_reports
                .iter()
                .map(|r| ClaimsSummary {
                    file: &r.file,
                    format: r.format,
                    claims: r.claims,
                    added: r.added,
                    already_present: r.already_present,
                    series_declared: &r.series_declared,
                })
                .collect(),
            aliases: alias_count,
            series: counts.series,
            seasons: counts.seasons,
            unresolved: counts.unresolved,
        });
    }
    for f in files {
        let mut what = match &f.outcome {
            greenlight_store::ImportOutcome::Imported => "imported".to_string(),
            greenlight_store::ImportOutcome::Replaced { previous_as_of } => {
                format!("replaced snapshot of {previous_as_of}")
            }
            greenlight_store::ImportOutcome::Unchanged => "unchanged".to_string(),
            greenlight_store::ImportOutcome::Redated {
                previous_published,
                previous_precision,
            } => format!(
                "unchanged; publication date now {} ({}, from the manifest), was {} ({previous_precision})",
                f.published.as_deref().unwrap_or("per row"),
                f.published_precision,
                previous_published.as_deref().unwrap_or("per row"),
            ),
            greenlight_store::ImportOutcome::SkippedOlder { stored_as_of } => {
                format!("skipped: older than the stored snapshot of {stored_as_of}")
            }
        };
        if f.published_from == greenlight_store::published::PublishedFrom::ImportDay {
            what.push_str(&format!(
                "; no manifest entry and no date in the content: dated {} (the import day), {}",
                f.published.as_deref().unwrap_or_default(),
                f.published_precision
            ));
        }
        outln!(
            "{:<9} rows  {:<22} {}  ({what})",
            num(f.rows as i64),
            f.dataset,
            f.file
        );
    }
    for (path, a) in aliases.iter().zip(&alias_files) {
        outln!(
            "{:<9} aliases {:<20} {}",
            num(a.aliases.len() as i64),
            "",
            path.display()
        );
    }
    for r in &claim_reports {
        let declared = match r.series_declared.len() {
            0 => String::new(),
            1 => "; 1 series declared".to_string(),
            n => format!("; {n} series declared"),
        };
        outln!(
            "{:<9} claims  {:<20} {}  ({} added, {} already present{declared})",
            num(r.claims as i64),
            "ledger",
            r.file,
            r.added,
            r.already_present
        );
    }
    outln!(
        "{} series, {} seasons, {} unresolved spellings",
        counts.series,
        counts.seasons,
        counts.unresolved
    );
    Ok(())
}
