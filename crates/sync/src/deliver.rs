//! The outbox worker: each due delivery POSTed to its follower's webhook, signed, in order per
//! follower, retried with exponential backoff and jitter, parked after `max_attempts`.
//!
//! **What a receiver gets.** A `POST` with `Content-Type: application/json` and the body
//! `{"id": EVENT_ID, "delivery": DELIVERY_ID, "event": {...}}` (the event as the change feed
//! lists it), and the headers
//!
//! - `Greenlight-Event-Id`: the event's id (stable across retries and replays: receivers
//!   deduplicate by it, since delivery is at least once);
//! - `Greenlight-Timestamp`: Unix seconds when this attempt was signed;
//! - `Greenlight-Signature`: `sha256=` and the lowercase hex HMAC-SHA256, keyed with the
//!   follow's secret, of `TIMESTAMP + "." + BODY` (the exact bytes of the body).
//!
//! **The check** ([`verify`]): recompute the HMAC over the received timestamp and body,
//! compare in constant time, and refuse a timestamp more than [`TOLERANCE_SECS`] from the
//! receiver's clock, so a captured request cannot be replayed later; an event id already
//! processed is a retry (or a replay) and is acknowledged without acting twice. A follow
//! without a secret is sent unsigned (no signature header).
//!
//! **Where it is sent.** A follow's host is resolved at every attempt, by the connection's own
//! resolver ([`PublicOnly`]): if any address it resolves to is loopback, private, link-local
//! or otherwise not public (`news::input::is_private`), the delivery is parked at once with
//! that reason, and otherwise the connection goes to exactly the addresses checked (no second
//! lookup a DNS rebinding could answer differently). No proxy is used (a proxy would be
//! resolved instead of the host). Only a follow made with the allowance (`follow
//! --allow-private`, or the API of a server that allows private fetches: tests) skips this.

use crate::config::{backoff, Config};
use crate::{now_ms, SyncError};
use greenlight_store::sync::DeliveryRow;
use greenlight_store::Store;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use std::time::Duration;

pub const EVENT_ID_HEADER: &str = "Greenlight-Event-Id";
pub const TIMESTAMP_HEADER: &str = "Greenlight-Timestamp";
pub const SIGNATURE_HEADER: &str = "Greenlight-Signature";
/// How far a signed timestamp may be from the receiver's clock (the replay window).
pub const TOLERANCE_SECS: i64 = 300;
/// The most bytes of a receiver's answer kept as the error of a failed attempt.
const MAX_ERROR_CHARS: usize = 500;

/// `sha256=<hex>` of `timestamp.body` keyed with `secret`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256=");
    for b in tag {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Why a received webhook is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("no or malformed signature")]
    Malformed,
    #[error("the signature does not match the body")]
    BadSignature,
    #[error("the timestamp is more than {TOLERANCE_SECS} s from now (a replay?)")]
    Stale,
}

/// The documented receiver check: signature over `timestamp.body`, in constant time, and a
/// timestamp within [`TOLERANCE_SECS`] of `now_secs`.
pub fn verify(
    secret: &str,
    timestamp: &str,
    body: &[u8],
    signature: &str,
    now_secs: i64,
) -> Result<(), Refused> {
    let ts: i64 = timestamp.trim().parse().map_err(|_| Refused::Malformed)?;
    let hex = signature
        .strip_prefix("sha256=")
        .ok_or(Refused::Malformed)?;
    if hex.len() != 64 {
        return Err(Refused::Malformed);
    }
    let tag: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2).unwrap_or("zz"), 16))
        .collect::<Result<_, _>>()
        .map_err(|_| Refused::Malformed)?;
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).map_err(|_| Refused::Malformed)?;
    mac.update(ts.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&tag).map_err(|_| Refused::BadSignature)?;
    if (now_secs - ts).abs() > TOLERANCE_SECS {
        return Err(Refused::Stale);
    }
    Ok(())
}

/// What one pass of the worker did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeliverReport {
    pub delivered: usize,
    pub failed: usize,
    pub parked: usize,
}

/// The prefix of a refusal's error, as `deliveries` lists it.
pub const REFUSED_PREFIX: &str = "refused, not sent:";

/// A resolver that refuses a host with any non-public address. ureq connects to the addresses
/// it returns, so the check and the connection see the same answer.
#[derive(Debug, Default)]
pub struct PublicOnly(ureq::unversioned::resolver::DefaultResolver);

impl ureq::unversioned::resolver::Resolver for PublicOnly {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.0.resolve(uri, config, timeout)?;
        if let Some(a) = addrs
            .iter()
            .find(|a| greenlight_news::input::is_private(a.ip()))
        {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "{REFUSED_PREFIX} the webhook's host {} resolves to {}, a loopback, private or link-local address (follow with --allow-private to allow it)",
                    uri.host().unwrap_or(""),
                    a.ip()
                ),
            )));
        }
        Ok(addrs)
    }
}

/// The two agents of a pass: public-only (every follow without the allowance) and open.
struct Agents {
    public: ureq::Agent,
    open: ureq::Agent,
}

impl Agents {
    fn new(cfg: &Config) -> Agents {
        let config = |proxy: bool| {
            let b = ureq::Agent::config_builder();
            let b = if proxy { b } else { b.proxy(None) };
            b.http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(cfg.delivery.timeout_secs)))
                .max_redirects(0)
                .user_agent(concat!("greenlight/", env!("CARGO_PKG_VERSION")))
                .build()
        };
        Agents {
            public: ureq::Agent::with_parts(
                config(false),
                ureq::unversioned::transport::DefaultConnector::default(),
                PublicOnly::default(),
            ),
            open: config(true).into(),
        }
    }
    fn of(&self, d: &DeliveryRow) -> &ureq::Agent {
        if d.allow_private {
            &self.open
        } else {
            &self.public
        }
    }
}

/// Sends every due delivery, head of each follower's queue first, until none is due or
/// `[delivery] max_per_run` attempts were made. A follower whose attempt failed is not tried
/// again in this pass (its next attempt is backed off), so its later events wait behind it.
pub fn deliver_due(store: &Store, cfg: &Config) -> Result<DeliverReport, SyncError> {
    let mut report = DeliverReport::default();
    if !store.has_sync_schema()? {
        return Ok(report);
    }
    let agents = Agents::new(cfg);
    let mut attempts = 0;
    let mut failed_now = std::collections::HashSet::new();
    while attempts < cfg.delivery.max_per_run {
        let due: Vec<DeliveryRow> = store
            .due_deliveries(now_ms(), cfg.delivery.max_per_run)?
            .into_iter()
            .filter(|d| !failed_now.contains(&d.follow_id))
            .take(cfg.delivery.max_per_run - attempts)
            .collect();
        if due.is_empty() {
            break;
        }
        for d in due {
            attempts += 1;
            match send(agents.of(&d), &d) {
                Ok(()) => {
                    store.mark_delivered(d.id, now_ms())?;
                    report.delivered += 1;
                }
                Err(e) => {
                    failed_now.insert(d.follow_id);
                    let tried = d.attempts + 1;
                    // A refused address is parked at once: the follow must change, not the
                    // moment (a retry would only ask the same resolver again).
                    if tried >= cfg.delivery.max_attempts as i64 || e.starts_with(REFUSED_PREFIX) {
                        store.mark_failed(d.id, &e, None)?;
                        report.parked += 1;
                    } else {
                        let wait = backoff(
                            cfg.delivery.backoff_ms,
                            cfg.delivery.max_backoff_ms,
                            (tried - 1) as u32,
                        );
                        store.mark_failed(d.id, &e, Some(now_ms() + wait.as_millis() as i64))?;
                        report.failed += 1;
                    }
                }
            }
        }
    }
    Ok(report)
}

/// The body a receiver gets.
pub fn body(d: &DeliveryRow) -> String {
    format!(
        "{{\"id\":{},\"delivery\":{},\"event\":{}}}",
        d.event_id, d.id, d.body
    )
}

fn send(agent: &ureq::Agent, d: &DeliveryRow) -> Result<(), String> {
    let body = body(d);
    let ts = chrono::Utc::now().timestamp();
    let mut req = agent
        .post(&d.url)
        .header("Content-Type", "application/json")
        .header(EVENT_ID_HEADER, d.event_id.to_string())
        .header(TIMESTAMP_HEADER, ts.to_string());
    if let Some(secret) = &d.secret {
        req = req.header(SIGNATURE_HEADER, sign(secret, ts, body.as_bytes()));
    }
    match req.send(body.as_bytes()) {
        Ok(mut r) if r.status().is_success() => {
            let _ = r.body_mut().with_config().limit(64 * 1024).read_to_vec();
            Ok(())
        }
        Ok(mut r) => {
            let text = r
                .body_mut()
                .with_config()
                .limit(4096)
                .read_to_string()
                .unwrap_or_default();
            let mut m = format!("the receiver answered {}", r.status().as_u16());
            if !text.trim().is_empty() {
                m.push_str(": ");
                m.push_str(text.trim());
            }
            Err(m.chars().take(MAX_ERROR_CHARS).collect())
        }
        Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Err(e.to_string().chars().take(MAX_ERROR_CHARS).collect())
        }
        Err(e) => Err(e.to_string().chars().take(MAX_ERROR_CHARS).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The send-time check refuses a loopback host (by name and as a literal), parks it with
    /// the reason, and is skipped only with the allowance; no connection is attempted.
    #[test]
    fn a_private_webhook_is_refused_at_send_time_unless_allowed() {
        let cfg = crate::config::Config::parse(crate::DEFAULT_SOURCES, "default").unwrap();
        let agents = Agents::new(&cfg);
        // A listener that counts connections: a refused delivery must never reach it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let row = |url: String, allow_private: bool| DeliveryRow {
            id: 1,
            follow_id: 1,
            event_id: 1,
            url,
            series: "s".into(),
            kind: "chart_week".into(),
            state: "pending".into(),
            attempts: 0,
            next_attempt: 0,
            last_error: None,
            delivered_at: None,
            secret: None,
            body: "{}".into(),
            allow_private,
        };
        for host in ["127.0.0.1", "localhost", "[::1]"] {
            let d = row(format!("http://{host}:{port}/hook"), false);
            let e = send(agents.of(&d), &d).unwrap_err();
            assert!(e.starts_with(REFUSED_PREFIX), "{host}: {e}");
            assert!(e.contains("loopback, private or link-local"), "{host}: {e}");
        }
        for (url, what) in [
            ("http://10.1.2.3:9/x", "private"),
            (
                "http://169.254.169.254/latest/meta-data",
                "link-local (cloud metadata)",
            ),
            ("http://[fd00::1]:9/x", "unique-local"),
        ] {
            let d = row(url.into(), false);
            let e = send(agents.of(&d), &d).unwrap_err();
            assert!(e.starts_with(REFUSED_PREFIX), "{what}: {e}");
        }
        assert!(
            listener.accept().is_err(),
            "a refused delivery connected anyway"
        );
        // With the allowance the same loopback URL is connected to, and its answer taken.
        let d = row(format!("http://127.0.0.1:{port}/hook"), true);
        let t = std::thread::spawn(move || {
            let (mut s, _) = loop {
                match listener.accept() {
                    Ok(c) => break c,
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            };
            let _ = std::io::Write::write_all(
                &mut s,
                b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
            );
        });
        assert_eq!(send(agents.of(&d), &d), Ok(()));
        t.join().unwrap();
    }

    #[test]
    fn a_signature_verifies_and_tampering_or_age_is_refused() {
        let body = br#"{"id":1,"event":{}}"#;
        let sig = sign("s3cret", 1_700_000_000, body);
        assert_eq!(
            verify("s3cret", "1700000000", body, &sig, 1_700_000_010),
            Ok(())
        );
        assert_eq!(
            verify(
                "s3cret",
                "1700000000",
                br#"{"id":2,"event":{}}"#,
                &sig,
                1_700_000_010
            ),
            Err(Refused::BadSignature)
        );
        assert_eq!(
            verify("other", "1700000000", body, &sig, 1_700_000_010),
            Err(Refused::BadSignature)
        );
        // The same request an hour later: a replay.
        assert_eq!(
            verify("s3cret", "1700000000", body, &sig, 1_700_003_600),
            Err(Refused::Stale)
        );
        // A new timestamp on the old signature does not verify.
        assert_eq!(
            verify("s3cret", "1700003600", body, &sig, 1_700_003_600),
            Err(Refused::BadSignature)
        );
        assert_eq!(
            verify("s3cret", "x", body, &sig, 0),
            Err(Refused::Malformed)
        );
    }
}
