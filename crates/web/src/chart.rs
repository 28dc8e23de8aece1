//! The chart run as an SVG drawn by plotters: weekly hours (top) and rank (bottom), one line per
//! season (and list), on a shared date axis. A line is drawn only between consecutive chart
//! weeks: where the season left the Top 10 it breaks, because a line across a gap (years, for
//! a show that came back) would draw weeks that never charted. SVG, so it is sharp on a phone
//! and needs no image pipeline; text is left to the browser's fonts (no font files are
//! embedded or fetched).

use chrono::{Datelike, NaiveDate};
use greenlight_store::ChartWeek;
use plotters::prelude::*;
use std::collections::BTreeMap;

const W: u32 = 760;
const H: u32 = 460;

fn day(d: NaiveDate) -> f64 {
    f64::from(d.num_days_from_ce())
}

fn date_label(x: &f64) -> String {
    NaiveDate::from_num_days_from_ce_opt(x.round() as i32)
        .map_or_else(String::new, |d| d.format("%Y-%m-%d").to_string())
}

/// Renders `weeks` (one series, any seasons) as an SVG document. An empty run is a small SVG
/// that says so, so the page never shows a broken image.
pub fn render(weeks: &[ChartWeek]) -> String {
    let mut svg = String::new();
    if let Err(e) = draw(weeks, &mut svg) {
        eprintln!("greenlight-web: chart failed: {e}");
        svg.clear();
    }
    if svg.is_empty() || weeks.is_empty() {
        return format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="60" viewBox="0 0 {W} 60"><text x="10" y="35" font-family="sans-serif" font-size="16">No Top 10 weeks in the data.</text></svg>"#
        );
    }
    svg
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Days between consecutive chart weeks (Sundays).
const WEEK: i64 = 7;

/// `pts` (one line, oldest first) split into runs of consecutive chart weeks: a gap of more
/// than a week starts a new run.
fn runs<'a>(pts: &[&'a ChartWeek]) -> Vec<Vec<&'a ChartWeek>> {
    let mut out: Vec<Vec<&ChartWeek>> = Vec::new();
    for w in pts {
        match out.last_mut() {
            Some(run)
                if run
                    .last()
                    .is_some_and(|p| (w.week_end - p.week_end).num_days() <= WEEK) =>
            {
                run.push(w)
            }
            _ => out.push(vec![w]),
        }
    }
    out
}

/// One line per season, and per list when a season charted in more than one (a line must not
/// zigzag between two lists' ranks in the same week).
fn lines(weeks: &[ChartWeek]) -> BTreeMap<String, Vec<&ChartWeek>> {
    let season = |w: &ChartWeek| {
        w.season
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "whole show".into())
    };
    let mut lists: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for w in weeks {
        let l = lists.entry(season(w)).or_default();
        if !l.contains(&w.category.as_str()) {
            l.push(&w.category);
        }
    }
    let mut lines: BTreeMap<String, Vec<&ChartWeek>> = BTreeMap::new();
    for w in weeks {
        let s = season(w);
        let name = if lists.get(&s).is_some_and(|l| l.len() > 1) {
            format!("{s}, {}", w.category)
        } else {
            s
        };
        lines.entry(name).or_default().push(w);
    }
    for pts in lines.values_mut() {
        pts.sort_by_key(|w| w.week_end);
    }
    lines
}

fn draw(weeks: &[ChartWeek], out: &mut String) -> DrawResult {
    if weeks.is_empty() {
        return Ok(());
    }
    let lines = lines(weeks);
    let first = weeks.iter().map(|w| w.week_end).min().unwrap_or_default();
    let last = weeks.iter().map(|w| w.week_end).max().unwrap_or_default();
    // At least a month of axis, so a one-week run is not a single point on an empty plot.
    let (x0, x1) = (day(first) - 10.0, day(last).max(day(first) + 20.0) + 10.0);
    let max_h = weeks.iter().map(|w| w.hours).max().unwrap_or(0) as f64 / 1e6;

    let root = SVGBackend::with_string(out, (W, H)).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, bottom) = root.split_vertically(H * 11 / 20);

    let mut hours = ChartBuilder::on(&top)
        .caption(
            "Weekly hours viewed (millions), Netflix Top 10",
            ("sans-serif", 17),
        )
        .margin(10)
        .x_label_area_size(26)
        .y_label_area_size(52)
        .build_cartesian_2d(x0..x1, 0f64..(max_h * 1.15).max(1.0))?;
    hours
        .configure_mesh()
        .x_labels(5)
        .x_label_formatter(&date_label)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style(("sans-serif", 13))
        .light_line_style(WHITE)
        .draw()?;
    for (i, (season, pts)) in lines.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        for (j, run) in runs(pts).iter().enumerate() {
            let series: Vec<(f64, f64)> = run
                .iter()
                .map(|w| (day(w.week_end), w.hours as f64 / 1e6))
                .collect();
            let drawn =
                hours.draw_series(LineSeries::new(series.clone(), color.stroke_width(3)))?;
            // One legend entry per line, not per run.
            if j == 0 {
                drawn.label(season.clone()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
                });
            }
            hours.draw_series(
                series
                    .into_iter()
                    .map(|p| Circle::new(p, 4, color.filled())),
            )?;
        }
    }
    hours
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(("sans-serif", 13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;

    // Rank 1 on top: plotted as -rank, labelled as the rank.
    let mut rank = ChartBuilder::on(&bottom)
        .caption(
            "Weekly rank in its Top 10 list (1 = top)",
            ("sans-serif", 17),
        )
        .margin(10)
        .x_label_area_size(26)
        .y_label_area_size(52)
        .build_cartesian_2d(x0..x1, -10.5f64..-0.5f64)?;
    rank.configure_mesh()
        .x_labels(5)
        .y_labels(10)
        .x_label_formatter(&date_label)
        .y_label_formatter(&|v| format!("#{}", -v.round() as i64))
        .label_style(("sans-serif", 13))
        .light_line_style(WHITE)
        .draw()?;
    for (i, (_, pts)) in lines.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        for run in runs(pts) {
            let series: Vec<(f64, f64)> = run
                .iter()
                .map(|w| (day(w.week_end), -f64::from(w.rank)))
                .collect();
            rank.draw_series(LineSeries::new(series.clone(), color.stroke_width(3)))?;
            rank.draw_series(
                series
                    .into_iter()
                    .map(|p| Circle::new(p, 4, color.filled())),
            )?;
        }
    }
    root.present()?;
    Ok(())
}

/// The calibration plot of `/accuracy`: each bin's mean predicted probability against its
/// observed renewal rate, for the backtest's test seasons and for the kept predictions decided
/// since (the track record), beside the diagonal of perfect calibration. Empty bins are not
/// drawn; a point's label is its bin's count, so a reader sees how little some points rest on.
pub fn calibration(
    backtest: &[greenlight_odds::eval::CalibrationBin],
    record: &[greenlight_odds::eval::CalibrationBin],
) -> String {
    let mut svg = String::new();
    if let Err(e) = draw_calibration(backtest, record, &mut svg) {
        eprintln!("greenlight-web: calibration chart failed: {e}");
        svg.clear();
    }
    if svg.is_empty() {
        return format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="60" viewBox="0 0 {W} 60"><text x="10" y="35" font-family="sans-serif" font-size="16">No calibration to draw.</text></svg>"#
        );
    }
    svg
}

fn draw_calibration(
    backtest: &[greenlight_odds::eval::CalibrationBin],
    record: &[greenlight_odds::eval::CalibrationBin],
    out: &mut String,
) -> DrawResult {
    let root = SVGBackend::with_string(out, (W, H)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut c = ChartBuilder::on(&root)
        .caption(
            "Predicted renewal probability vs observed renewal rate",
            ("sans-serif", 17),
        )
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(52)
        .build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
    c.configure_mesh()
        .x_desc("predicted (bin mean)")
        .y_desc("observed rate")
        .x_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .label_style(("sans-serif", 13))
        .light_line_style(WHITE)
        .draw()?;
    c.draw_series(LineSeries::new(
        vec![(0.0, 0.0), (1.0, 1.0)],
        BLACK.mix(0.4).stroke_width(1),
    ))?
    .label("perfect calibration")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLACK.mix(0.4)));
    let sets = [
        (
            "backtest (test seasons)",
            backtest,
            Palette99::pick(0).to_rgba(),
        ),
        (
            "track record (decided since)",
            record,
            Palette99::pick(1).to_rgba(),
        ),
    ];
    for (name, bins, color) in sets {
        let pts: Vec<(f64, f64, u32)> = bins
            .iter()
            .filter_map(|b| Some((b.mean_predicted?, b.observed_rate?, b.count)))
            .collect();
        if pts.is_empty() {
            continue;
        }
        c.draw_series(LineSeries::new(
            pts.iter().map(|p| (p.0, p.1)),
            color.stroke_width(2),
        ))?
        .label(format!(
            "{name}, {} seasons",
            pts.iter().map(|p| p.2).sum::<u32>()
        ))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        c.draw_series(
            pts.iter()
                .map(|p| Circle::new((p.0, p.1), 5, color.filled())),
        )?;
        c.draw_series(pts.iter().map(|p| {
            Text::new(
                format!("{}", p.2),
                (p.0 + 0.012, p.1 + 0.03),
                ("sans-serif", 11),
            )
        }))?;
    }
    c.configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(d: &str, rank: u32) -> ChartWeek {
        ChartWeek {
            week_end: NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap(),
            category: "TV (English)".into(),
            rank,
            hours: 1_000_000,
            views: None,
            runtime: None,
            cumulative_weeks: 1,
            season: Some("Season 1".into()),
        }
    }

    #[test]
    fn a_gap_breaks_the_line() {
        let w = [
            week("2021-07-04", 3),
            week("2021-07-11", 5),
            week("2023-01-01", 9),
            week("2023-01-08", 8),
            week("2023-01-22", 7),
        ];
        let pts: Vec<&ChartWeek> = w.iter().collect();
        let r = runs(&pts);
        assert_eq!(r.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 2, 1]);
        // Each run is a polyline in each of the two panels; the unbroken run of one week is a
        // dot only (plotters draws a one-point line as nothing or a point, never a path across).
        let svg = render(&w);
        assert!(svg.matches("<polyline").count() >= 4, "{svg}");
    }
}
