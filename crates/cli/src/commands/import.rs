//! `greenlight import PATH...`: data, alias, claims and exact platform metrics files in one
//! transaction.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln, thousands};
use anyhow::{bail, Context, Result};
use greenlight_sources::Format;
use greenlight_store::import::{ImportOptions, ImportProgress};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The manifest dating the files (publication date and precision per file, by path
    /// relative to the manifest's folder), instead of the MANIFEST.toml at the root of each
    /// imported folder.
    #[arg(long, value_name = "PATH")]
    pub manifest: Option<PathBuf>,
    /// Force a data format instead of detecting it.
    #[arg(long, value_parser = crate::values::format())]
    pub format: Option<Format>,
    /// Let a newer snapshot with fewer rows than the stored one replace it (refused by
    /// default, since a partial file would drop data). Also replaces a re-published Top 10
    /// whole, instead of storing only its new and corrected weeks.
    #[arg(long)]
    pub replace: bool,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    import(
        &mut cx.store,
        &a.paths,
        a.manifest.as_deref(),
        a.format,
        a.replace,
        a.json.json,
        cx.global.quiet,
    )
}

/// What one import call did, for `--json` (README: JSON shapes).
#[derive(serde::Serialize)]
struct ImportReport<'a> {
    files: &'a [greenlight_store::import::FileSummary],
    claims: Vec<ClaimsSummary<'a>>,
    aliases: usize,
    /// The exact platform metrics files (`greenlight_store::platform`); absent when none.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    exact_platform_metrics: &'a [greenlight_store::platform::ExactImport],
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
    store: &mut greenlight_store::Store,
    paths: &[PathBuf],
    manifest: Option<&std::path::Path>,
    format: Option<Format>,
    replace: bool,
    json: bool,
    quiet: bool,
) -> Result<()> {
    const NOTHING: &str = "import failed; nothing was changed";
    let (found, manifests) =
        greenlight_store::import::find_call_files(paths, manifest).context(NOTHING)?;
    let (mut aliases, mut claims, mut data) = (Vec::new(), Vec::new(), Vec::new());
    let mut exact = Vec::new();
    for f in found {
        if f.has_data_extension() || !f.walked {
            // The exact metrics file is a CSV recognised by its first line (it is no public
            // data format: `greenlight_sources::exact`).
            if greenlight_sources::exact::looks_like_file(&f.path) {
                exact.push(f.path);
            } else if greenlight_store::aliases::looks_like_alias_file(&f.path) {
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
    if data.is_empty() && aliases.is_empty() && claims.is_empty() && exact.is_empty() {
        bail!(
            "nothing to import in {}: no data (.tsv, .csv, .xlsx), alias, claims or exact platform metrics files",
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
    let exact_files = exact
        .iter()
        .map(|p| greenlight_store::platform::ExactInput::read(p))
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
    let (summary, claim_reports, alias_count, counts, exact_reports) = (|| -> Result<_> {
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
        // With the call's data in: every alias must name a series that data (or the store) has.
        w.check_aliases(&alias_files)?;
        let t = std::time::Instant::now();
        let reports = greenlight_ledger::import_claims_in(&mut w, claims_files)?;
        w.ensure_resolved()?;
        greenlight_store::timing::report(format_args!("claims checked and stored in"), t.elapsed());
        // Last, with every series of the call known: a slug no series has refuses the call.
        let now = chrono::Utc::now();
        let exact_reports = exact_files
            .iter()
            .map(|x| w.import_exact(x, now))
            .collect::<Result<Vec<_>, _>>()?;
        let counts = w.store().counts()?;
        let t = std::time::Instant::now();
        w.commit()?;
        greenlight_store::timing::report(format_args!("commit"), t.elapsed());
        Ok((summary, reports, alias_count, counts, exact_reports))
    })()
    .context(NOTHING)?;
    // The call is committed; the kept board follows (the series whose evidence changed).
    super::after_write(store, "import");
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
            exact_platform_metrics: &exact_reports,
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
            greenlight_store::ImportOutcome::Appended {
                previous_as_of,
                weeks,
            } => format!(
                "appended to the snapshot of {previous_as_of}: {}",
                weeks.describe()
            ),
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
            thousands(f.rows as i64),
            f.dataset,
            f.file
        );
    }
    for (path, a) in aliases.iter().zip(&alias_files) {
        outln!(
            "{:<9} aliases {:<20} {}",
            thousands(a.aliases.len() as i64),
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
            thousands(r.claims as i64),
            "ledger",
            r.file,
            r.added,
            r.already_present
        );
    }
    for x in &exact_reports {
        outln!(
            "{:<9} rows  {:<22} {}  ({}: exact platform metrics of {} series by {}, generated {})",
            thousands(x.rows as i64),
            "platform",
            x.file,
            x.outcome,
            x.series,
            x.publisher,
            x.generated
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
