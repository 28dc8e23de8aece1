//! Phase timings for the import path, printed to stderr when `GREENLIGHT_TIMING` is set. The
//! import-speed work in BENCHMARKS.md is guided by these, so they stay in the release binary.

use std::time::{Duration, Instant};

/// Whether `GREENLIGHT_TIMING` is set; read once per process.
pub fn enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("GREENLIGHT_TIMING").is_some())
}

/// Prints one timed step (`timing: <what> <duration>`) when timings are on.
pub fn report(what: std::fmt::Arguments, took: Duration) {
    if enabled() {
        eprintln!("timing: {what} {took:?}");
    }
}

/// Records named phases as they end; prints them when dropped, if asked to.
pub struct Phases {
    on: bool,
    /// What the phases are of, printed before them (empty for the import's resolution).
    label: &'static str,
    start: Instant,
    last: Instant,
    done: Vec<(&'static str, Duration)>,
}

impl Phases {
    pub fn new() -> Phases {
        let now = Instant::now();
        Phases {
            on: enabled(),
            label: "",
            start: now,
            last: now,
            done: Vec::new(),
        }
    }

    /// Phases printed as `timing: <label>: <phases> (total ..)`.
    pub fn named(label: &'static str) -> Phases {
        let mut p = Phases::new();
        p.label = label;
        p
    }

    /// Marks the end of phase `name` (begun when the previous one ended).
    pub fn mark(&mut self, name: &'static str) {
        if self.on {
            let now = Instant::now();
            self.done.push((name, now - self.last));
            self.last = now;
        }
    }
}

impl Default for Phases {
    fn default() -> Self {
        Phases::new()
    }
}

impl Drop for Phases {
    fn drop(&mut self) {
        if self.on && !self.done.is_empty() {
            let parts: Vec<String> = self
                .done
                .iter()
                .map(|(n, d)| format!("{n} {:.0}ms", d.as_secs_f64() * 1e3))
                .collect();
            let label = if self.label.is_empty() {
                String::new()
            } else {
                format!("{}: ", self.label)
            };
            eprintln!(
                "timing: {label}{} (total {:.0}ms)",
                parts.join(", "),
                self.start.elapsed().as_secs_f64() * 1e3
            );
        }
    }
}
