//! Runs the web server on a store, importing data first if asked: a stand-in for
//! `greenlight serve` until the CLI calls [`greenlight_web::serve`].
//!
//! `cargo run -p greenlight-web --example serve -- DB ADDR [DATA_DIR...]`

use greenlight_store::{import::ImportOptions, Store};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let db = PathBuf::from(args.next().ok_or("usage: serve DB ADDR [DATA...]")?);
    let addr = args
        .next()
        .unwrap_or_else(|| "127.0.0.1:8080".into())
        .parse()?;
    let data: Vec<PathBuf> = args.map(PathBuf::from).collect();
    if !data.is_empty() {
        let mut store = Store::open(&db)?;
        let t = std::time::Instant::now();
        store.import_paths(&data, &ImportOptions::default())?;
        eprintln!("imported in {:.1}s", t.elapsed().as_secs_f64());
    }
    greenlight_web::serve_blocking(db, addr)?;
    Ok(())
}
