//! `greenlight follow SERIES --webhook URL [--secret S] [--events K,...]` and `unfollow`.

use super::Ctx;
use crate::output::outln;
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    pub series: String,
    /// Where the events are POSTed.
    #[arg(long, value_name = "URL")]
    pub webhook: String,
    /// The HMAC-SHA256 key that signs each delivery (unsigned without it).
    #[arg(long, value_name = "S", env = "GREENLIGHT_WEBHOOK_SECRET")]
    pub secret: Option<String>,
    /// Only these kinds (renewed, canceled, final_season, release_date, premiere, status,
    /// chart_week); every kind without it.
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(greenlight_sync::events::KINDS))]
    pub events: Vec<String>,
    /// Let the deliveries reach a loopback, private or link-local address (a receiver on this
    /// machine or the local network, as in the tests). Without it, every delivery resolves the
    /// webhook's host and refuses (parks, with the reason) such an address.
    #[arg(long)]
    pub allow_private: bool,
}

#[derive(Debug, clap::Args)]
pub struct UnfollowArgs {
    pub series: String,
    /// Only this webhook (else every follow of the series).
    #[arg(long, value_name = "URL")]
    pub webhook: Option<String>,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let f = greenlight_sync::follow(
        &mut cx.store,
        &a.series,
        &a.webhook,
        a.secret.as_deref(),
        &a.events,
        a.allow_private,
    )?;
    outln!(
        "following {} (#{}): {} events to {}{}",
        f.series,
        f.id,
        if f.events == "*" { "all" } else { &f.events },
        f.url,
        if f.signed { ", signed" } else { ", unsigned" }
    );
    Ok(())
}

pub fn unfollow(a: UnfollowArgs, cx: &mut Ctx) -> Result<()> {
    let n = greenlight_sync::unfollow(&mut cx.store, &a.series, a.webhook.as_deref())?;
    outln!("{n} follow(s) removed");
    Ok(())
}
