//! `POST /api/v1/follows` (issue 15): a token-guarded write, the same `follow` as the CLI;
//! webhooks aimed at loopback or private addresses refused (the server posts to them).

use crate::common::{post, private_server};

#[test]
fn follows_need_a_token_refuse_private_webhooks_and_store_the_follow() {
    let s = private_server();
    let token = {
        let mut store = greenlight_store::Store::open(&s.db).unwrap();
        greenlight_web::create_token(&mut store, "follower", None).unwrap()
    };
    let auth = format!("Bearer {token}");
    let json = ("Content-Type", "application/json");
    let body = r#"{"series":"Partner Track","webhook":"http://93.184.215.14/hook","secret":"k","events":["renewed","chart_week"]}"#;
    let r = post(&s.base, "/api/v1/follows", &[json], body);
    assert_eq!(r.status, 401, "{}", r.body);
    let r = post(
        &s.base,
        "/api/v1/follows",
        &[json, ("Authorization", &auth)],
        r#"{"series":"Partner Track","webhook":"http://127.0.0.1:9/hook"}"#,
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("webhook") && r.body.contains("127.0.0.1"),
        "{}",
        r.body
    );
    let r = post(
        &s.base,
        "/api/v1/follows",
        &[json, ("Authorization", &auth)],
        r#"{"series":"Partner Track","webhook":"http://93.184.215.14/hook","events":["gossip"]}"#,
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let r = post(
        &s.base,
        "/api/v1/follows",
        &[json, ("Authorization", &auth)],
        r#"{"series":"no such series at all zzqx","webhook":"http://93.184.215.14/hook"}"#,
    );
    assert_eq!(r.status, 404, "{}", r.body);
    let store = greenlight_store::Store::open(&s.db).unwrap();
    assert!(
        store.follows().unwrap().is_empty(),
        "refused follows stored nothing"
    );
    drop(store);
    let r = post(
        &s.base,
        "/api/v1/follows",
        &[json, ("Authorization", &auth)],
        body,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    assert_eq!(v["series"], "partner-track");
    assert_eq!(v["signed"], true);
    assert_eq!(v["events"], "renewed,chart_week");
    let store = greenlight_store::Store::open(&s.db).unwrap();
    let f = store.follows().unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].url, "http://93.184.215.14/hook");
    assert!(!r.body.contains("\"k\""), "the secret is never echoed");
}
