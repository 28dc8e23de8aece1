//! `greenlight token create|list|revoke`: bearer tokens for the API's writes, stored hashed.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln};
use anyhow::Result;
use greenlight_web::tokens::TokenInfo;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Create a token; its secret is printed once and never stored.
    Create {
        name: String,
        /// How long it is accepted: `90d`, `12w` or `36h` (never expires without it).
        #[arg(long, value_name = "LIFETIME", value_parser = crate::values::lifetime)]
        expires: Option<chrono::TimeDelta>,
    },
    /// List tokens (never their secrets).
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Revoke a token by id, name or prefix.
    Revoke { which: String },
}

/// "#3 ci (glt_1a2b3c…), created 2026-01-01T…Z[, expires …][, revoked …], last used …".
fn line(t: &TokenInfo) -> String {
    let opt = |label: &str, v: &Option<String>| {
        v.as_deref()
            .map(|v| format!(", {label} {v}"))
            .unwrap_or_default()
    };
    let used = t.last_used.as_deref().unwrap_or("never");
    format!(
        "#{} {} ({}…), created {}{}{}, last used {used}",
        t.id,
        t.name,
        t.prefix,
        t.created,
        opt("expires", &t.expires),
        opt("revoked", &t.revoked),
    )
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    match a.action {
        Action::Create { name, expires } => {
            let secret = greenlight_web::tokens::create_token(&mut cx.store, &name, expires)?;
            // The secret alone on stdout, so `$(greenlight token create ci)` captures it.
            outln!("{secret}");
        }
        Action::List { json } => {
            let list = greenlight_web::tokens::list_tokens(&mut cx.store)?;
            if json.json {
                return output::json(&list);
            }
            if list.is_empty() {
                outln!("no tokens");
            }
            for t in &list {
                outln!("{}", line(t));
            }
        }
        Action::Revoke { which } => {
            let t = greenlight_web::tokens::revoke_token(&mut cx.store, &which)?;
            outln!("revoked {}", line(&t));
        }
    }
    Ok(())
}
