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
    Create { name: String },
    /// List tokens (never their secrets).
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Revoke a token by id, name or prefix.
    Revoke { which: String },
}

/// "#3 ci (glt_1a2b3c…), created 2026-01-01[, revoked 2026-02-01]".
fn line(t: &TokenInfo) -> String {
    let revoked = t
        .revoked
        .as_deref()
        .map(|r| format!(", revoked {r}"))
        .unwrap_or_default();
    format!(
        "#{} {} ({}…), created {}{revoked}",
        t.id, t.name, t.prefix, t.created
    )
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    match a.action {
        Action::Create { name } => {
            let secret = greenlight_web::tokens::create_token(&mut cx.store, &name)?;
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
