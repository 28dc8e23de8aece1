//! A token bucket per client: what keeps `POST /api/v1/check` and the `/check` form (each a
//! fetch, an extraction and a check, so far costlier than a cached GET) from being used to load
//! the server or, through URL checks, to make it fetch on someone's behalf in bulk.
//!
//! Each client (its IP address, when the server knows it) has `burst` tokens, refilled at
//! `per_second`; a request takes one or is refused with the seconds until the next. Memory is
//! bounded: past `MAX_CLIENTS` buckets, the full (idle) ones are dropped, and if none is, all.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

const MAX_CLIENTS: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<Option<IpAddr>, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(burst: u32, per_second: f64) -> RateLimiter {
        RateLimiter {
            burst: f64::from(burst.max(1)),
            per_second: per_second.max(f64::MIN_POSITIVE),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `client` (`None`: a client the server cannot tell apart, which all
    /// share one bucket). `Err(seconds)`: refused, with when to retry.
    pub fn take(&self, client: Option<IpAddr>) -> Result<(), u64> {
        let now = Instant::now();
        let mut b = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if b.len() >= MAX_CLIENTS && !b.contains_key(&client) {
            let (burst, rate) = (self.burst, self.per_second);
            b.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
            if b.len() >= MAX_CLIENTS {
                b.clear();
            }
        }
        let (tokens, at) = b.entry(client).or_insert((self.burst, now));
        let refilled =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            Ok(())
        } else {
            *tokens = refilled;
            Err(((1.0 - refilled) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_and_others_are_not_affected() {
        let l = RateLimiter::new(3, 0.5);
        let a: Option<IpAddr> = Some("192.0.2.1".parse().unwrap());
        let b: Option<IpAddr> = Some("192.0.2.2".parse().unwrap());
        for _ in 0..3 {
            assert_eq!(l.take(a), Ok(()));
        }
        let wait = l.take(a).unwrap_err();
        assert!((1..=2).contains(&wait), "{wait}");
        assert_eq!(l.take(b), Ok(()));
        assert_eq!(l.take(None), Ok(()));
    }
}
