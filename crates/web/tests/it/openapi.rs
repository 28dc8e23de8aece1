//! The OpenAPI document against the router and against real responses, on all of the real data.
//!
//! The document is not typed by hand: `utoipa_axum::routes!` puts each route into the router and
//! the document in one declaration, so it cannot list a route the router lacks or miss one it
//! has. What that does not prove, and these tests do:
//! - every documented path and method is served (not 404/405) for real series, and what the
//!   router does not document is 404;
//! - every response's content type is one the document gives for its status;
//! - every JSON body validates against its documented schema (`jsonschema`, JSON Schema 2020-12,
//!   as OpenAPI 3.1 uses), and every object in it has only the keys its schema names (JSON
//!   Schema leaves objects open, so a field the serde derive renamed or added would otherwise
//!   pass unseen).

use crate::common;

use common::{agent, get, post, private_server, server, Resp};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

/// The document as the router builds it (flattened fields merged); the served one must be it.
pub(crate) fn document() -> Value {
    greenlight_web::http::docs::document()
}

/// Real series to fill `{slug}` and `{series}` with: Partner Track (every route has data for
/// it, canceled), Squid Game (several seasons, a native title), the first series of the last
/// three chart weeks (likely to await a decision, so with odds: one only, since each odds
/// answer runs the model's backtest, which a loaded debug build may not finish inside the
/// server's request timeout), and a film of the latest chart (no status: the routes that need
/// one must say so with a documented error, not fail).
fn sample_slugs() -> (Vec<String>, String) {
    let store = greenlight_store::Store::open(common::imported()).expect("open");
    let mut v = vec!["partner-track".to_string()];
    let squid = store.search("Squid Game", 1).expect("search");
    v.push(squid.first().expect("Squid Game").series.slug.clone());
    v.extend(
        store
            .recently_charted_series(21)
            .expect("recent series")
            .into_iter()
            .map(|s| s.slug)
            .take(1),
    );
    v.sort();
    v.dedup();
    assert_eq!(v.len(), 3, "sample series: {v:?}");
    let chart = store
        .latest_chart()
        .expect("chart")
        .expect("a latest chart");
    let film = chart
        .rows
        .iter()
        .filter(|r| r.category.starts_with("Films"))
        .find_map(|r| r.slug.clone())
        .expect("a film in the latest chart");
    (v, film)
}

/// `(path template, method)` of every documented operation.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if ["get", "post", "put", "patch", "delete", "head", "options"]
                .contains(&method.as_str())
            {
                v.push((path.clone(), method.clone()));
            }
        }
    }
    v
}

fn fill(template: &str, slug: &str) -> String {
    template.replace("{slug}", slug).replace("{series}", slug)
}

/// The media type without parameters: `text/html; charset=utf-8` -> `text/html`.
fn essence(ct: &str) -> &str {
    ct.split(';').next().unwrap_or("").trim()
}

/// Follows a local `$ref` (`#/components/schemas/X`) to the schema it names.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut s = schema;
    while let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let pointer = r.strip_prefix('#').expect("a local $ref");
        s = doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("dangling $ref {r}"));
    }
    s
}

/// Validators of sub-schemas, each with the document's components in reach of its `$ref`s.
pub(crate) struct Validators<'d> {
    doc: &'d Value,
    cache: HashMap<String, jsonschema::Validator>,
}

impl<'d> Validators<'d> {
    pub(crate) fn new(doc: &'d Value) -> Self {
        Validators {
            doc,
            cache: HashMap::new(),
        }
    }

    fn get(&mut self, schema: &Value) -> &jsonschema::Validator {
        let key = schema.to_string();
        let doc = self.doc;
        self.cache.entry(key).or_insert_with(|| {
            let root = json!({ "allOf": [schema], "components": doc["components"] });
            jsonschema::draft202012::new(&root)
                .unwrap_or_else(|e| panic!("schema {schema} does not compile: {e}"))
        })
    }

    pub(crate) fn errors(&mut self, schema: &Value, value: &Value) -> Vec<String> {
        self.get(schema)
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect()
    }

    /// The schemas that apply to `value` under `schema`: itself, its `allOf` members, and the
    /// `oneOf`/`anyOf` members it validates against, recursively, each resolved.
    fn branches(&mut self, schema: &'d Value, value: &Value, out: &mut Vec<&'d Value>) {
        let doc = self.doc;
        let s = resolve(doc, schema);
        out.push(s);
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for m in all {
                self.branches(m, value, out);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(any) = s.get(key).and_then(Value::as_array) {
                for m in any {
                    if self.get(m).is_valid(value) {
                        self.branches(m, value, out);
                    }
                }
            }
        }
    }

    /// Every key of every object in `value` that its schema does not name, as `path.key`.
    pub(crate) fn unknown_keys(
        &mut self,
        schema: &'d Value,
        value: &Value,
        at: &str,
        out: &mut Vec<String>,
    ) {
        let mut branches = Vec::new();
        self.branches(schema, value, &mut branches);
        match value {
            Value::Object(map) => {
                let mut named: BTreeSet<&str> = BTreeSet::new();
                let mut subs: HashMap<&str, Vec<&'d Value>> = HashMap::new();
                let mut closed = false;
                for b in &branches {
                    if let Some(props) = b.get("properties").and_then(Value::as_object) {
                        closed = true;
                        for (k, s) in props {
                            named.insert(k);
                            subs.entry(k).or_default().push(s);
                        }
                    }
                }
                for (k, v) in map {
                    if closed && !named.contains(k.as_str()) {
                        out.push(format!("{at}.{k}"));
                    }
                    for s in subs.get(k.as_str()).into_iter().flatten() {
                        self.unknown_keys(s, v, &format!("{at}.{k}"), out);
                    }
                }
            }
            Value::Array(items) => {
                for b in &branches {
                    if let Some(item_schema) = b.get("items") {
                        for (i, v) in items.iter().enumerate() {
                            self.unknown_keys(item_schema, v, &format!("{at}[{i}]"), out);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Checks one response against the operation's documented responses: its status is listed, its
/// content type is the one listed for it, and a JSON body validates and names no undocumented
/// key. Returns the problems found, each naming the request.
pub(crate) fn conforms<'d>(
    v: &mut Validators<'d>,
    op: &'d Value,
    what: &str,
    r: &Resp,
) -> Vec<String> {
    let Some(documented) = op["responses"].get(r.status.to_string()) else {
        return vec![format!("{what}: status {} is not documented", r.status)];
    };
    let ct = essence(&r.content_type);
    let Some(media) = documented["content"].get(ct) else {
        return vec![format!(
            "{what}: status {} has content type {ct}, documented: {:?}",
            r.status,
            documented["content"]
                .as_object()
                .map(|c| c.keys().collect::<Vec<_>>())
        )];
    };
    if !(ct == "application/json" || ct.ends_with("+json")) {
        return Vec::new();
    }
    let schema = &media["schema"];
    let body: Value = match serde_json::from_str(&r.body) {
        Ok(b) => b,
        Err(e) => return vec![format!("{what}: not JSON ({e})")],
    };
    let mut out: Vec<String> = v
        .errors(schema, &body)
        .into_iter()
        .take(5)
        .map(|e| format!("{what}: {e}"))
        .collect();
    let mut unknown = Vec::new();
    v.unknown_keys(schema, &body, "$", &mut unknown);
    unknown.sort();
    unknown.dedup();
    out.extend(
        unknown
            .into_iter()
            .take(10)
            .map(|k| format!("{what}: undocumented key {k}")),
    );
    out
}

/// Every documented operation, on every sample series: served (never 404/405 for a real
/// series, 200 for Partner Track), and as documented (status, content type, body schema, keys).
#[test]
fn every_documented_route_is_served_as_documented() {
    let s = server();
    let doc = document();
    // The served document is the router's.
    let served = get(&s.base, "/api/v1/openapi.json");
    assert_eq!(served.status, 200);
    assert_eq!(
        served.json(),
        doc,
        "served document differs from the router's"
    );

    let ops = operations(&doc);
    assert!(ops.len() >= 15, "few operations documented: {ops:?}");
    let (series, film) = sample_slugs();
    let mut v = Validators::new(&doc);
    let mut problems = Vec::new();
    let mut checked = 0usize;
    for (template, method) in &ops {
        let op = &doc["paths"][template][method];
        let templated = template.contains('{');
        let targets: Vec<String> = if templated {
            series
                .iter()
                .chain([&film])
                .map(|slug| fill(template, slug))
                .collect()
        } else {
            vec![template.clone()]
        };
        for path in targets {
            let r = match method.as_str() {
                "get" => get(&s.base, &path),
                // Without a token: refused, but as documented (and not as "no such route").
                "post" => post(
                    &s.base,
                    &path,
                    &[("Content-Type", "application/json")],
                    "{}",
                ),
                m => panic!("no request for method {m}"),
            };
            let what = format!("{} {path}", method.to_uppercase());
            assert_ne!(r.status, 405, "{what}: {}", r.body);
            // Every route serves every series; only the film may lack what a route needs (a
            // status), and must then say so as documented.
            if method == "get" && !path.contains(&format!("/{film}")) {
                assert_eq!(r.status, 200, "{what}: {}", r.body);
            }
            problems.extend(conforms(&mut v, op, &what, &r));
            checked += 1;
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(checked > ops.len(), "{checked} requests");
}

/// A series that does not exist: every templated route answers 404 as documented (an HTML page
/// for pages, problem JSON elsewhere).
#[test]
fn unknown_series_are_documented_404s() {
    let s = server();
    let doc = document();
    let mut v = Validators::new(&doc);
    let mut problems = Vec::new();
    for (template, method) in operations(&doc) {
        if method != "get" || !template.contains('{') {
            continue;
        }
        let path = fill(&template, "zzqqxx-no-such-series-anywhere");
        let r = get(&s.base, &path);
        assert_eq!(r.status, 404, "GET {path}: {}", r.body);
        problems.extend(conforms(
            &mut v,
            &doc["paths"][&template]["get"],
            &format!("GET {path}"),
            &r,
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What the document does not list, the router does not serve: other paths are 404, other
/// methods on documented paths 405, both as problem JSON.
#[test]
fn undocumented_routes_are_not_served() {
    let s = server();
    let doc = document();
    let paths = doc["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/nothing-here",
        "/api/v1",
        "/api/v2/search",
        "/series",
        "/series/partner-track/nothing",
        "/api/v1/series/partner-track/nothing",
        "/feeds",
        "/openapi.json",
    ] {
        assert!(!paths.contains_key(path), "{path} is documented");
        let r = get(&s.base, path);
        assert_eq!(r.status, 404, "GET {path}: {}", r.body);
    }
    // Methods the document does not give a path are refused as such.
    for (template, item) in paths {
        let path = fill(template, "partner-track");
        for method in ["PUT", "DELETE", "PATCH"] {
            assert!(item.get(method.to_lowercase()).is_none());
            let req = ureq::http::Request::builder()
                .method(method)
                .uri(format!("{}{path}", s.base))
                .body(())
                .expect("request");
            let r = agent()
                .run(req)
                .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
            let status = r.status().as_u16();
            assert_eq!(status, 405, "{method} {path}");
        }
    }
}

/// The write route's documented answers, with a real token on a private copy: 201 with the
/// report, 200 for the same claim again, 422 with field errors for a refused one.
#[test]
fn claims_route_answers_as_documented() {
    let s = private_server();
    let secret = {
        let mut store = greenlight_store::Store::open(&s.db).unwrap();
        greenlight_web::create_token(&mut store, "openapi test", None).unwrap()
    };
    let doc = document();
    let op = &doc["paths"]["/api/v1/claims"]["post"];
    assert!(op["requestBody"]["content"]["application/json"]["schema"].is_object());
    let mut v = Validators::new(&doc);
    let auth = format!("Bearer {secret}");
    let headers = [
        ("Content-Type", "application/json"),
        ("Authorization", auth.as_str()),
    ];
    let claim = r#"{"kind":"trailer_released","series":"Partner Track","season":2,"url":"https://example.org/openapi",
        "event_date":"2023-02-02","published":"2023-02-02","source":{"name":"openapi test","kind":"fan_site"}}"#;
    // The request body validates against the documented request schema.
    let req_schema = &op["requestBody"]["content"]["application/json"]["schema"];
    let errs = v.errors(req_schema, &serde_json::from_str(claim).unwrap());
    assert!(errs.is_empty(), "{errs:?}");
    let mut problems = Vec::new();
    let first = post(&s.base, "/api/v1/claims", &headers, claim);
    assert_eq!(first.status, 201, "{}", first.body);
    problems.extend(conforms(&mut v, op, "POST (new)", &first));
    let again = post(&s.base, "/api/v1/claims", &headers, claim);
    assert_eq!(again.status, 200, "{}", again.body);
    problems.extend(conforms(&mut v, op, "POST (again)", &again));
    let bad = post(
        &s.base,
        "/api/v1/claims",
        &headers,
        &claim.replace("\"season\":2", "\"season\":0"),
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.json()["errors"]
        .as_array()
        .is_some_and(|e| !e.is_empty()));
    problems.extend(conforms(&mut v, op, "POST (refused)", &bad));
    let text = post(
        &s.base,
        "/api/v1/claims",
        &[
            ("Content-Type", "text/plain"),
            ("Authorization", auth.as_str()),
        ],
        claim,
    );
    assert_eq!(text.status, 415);
    problems.extend(conforms(&mut v, op, "POST (text)", &text));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The check route's documented answers on a private copy: 200 (with and without `commit`),
/// 413, 415, 422 and 429, each as documented. (A report *with claims* against the same schema:
/// `check_extracted.rs`, `check_report_with_claims_is_as_documented`.)
#[test]
fn check_route_answers_as_documented() {
    let s = private_server();
    let secret = {
        let mut store = greenlight_store::Store::open(&s.db).unwrap();
        greenlight_web::create_token(&mut store, "openapi check test", None).unwrap()
    };
    let doc = document();
    let op = &doc["paths"]["/api/v1/check"]["post"];
    let mut v = Validators::new(&doc);
    let req = r#"{"text":"Partner Track has been canceled after one season.","url":"https://fan.example/pt","as_of":"2022-11-20"}"#;
    let req_schema = &op["requestBody"]["content"]["application/json"]["schema"];
    let errs = v.errors(req_schema, &serde_json::from_str(req).unwrap());
    assert!(errs.is_empty(), "{errs:?}");
    let json = [("Content-Type", "application/json")];
    let auth = format!("Bearer {secret}");
    let with_token = [
        ("Content-Type", "application/json"),
        ("Authorization", auth.as_str()),
    ];
    let mut problems = Vec::new();
    let r = post(&s.base, "/api/v1/check", &json, req);
    assert_eq!(r.status, 200, "{}", r.body);
    problems.extend(conforms(&mut v, op, "POST", &r));
    let committed = req.replace("\"as_of\"", "\"commit\":true,\"as_of\"");
    let r = post(&s.base, "/api/v1/check", &with_token, &committed);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["committed"].is_object(), "{}", r.body);
    problems.extend(conforms(&mut v, op, "POST (commit)", &r));
    let r = post(&s.base, "/api/v1/check", &json, &committed);
    assert_eq!(r.status, 401);
    problems.extend(conforms(&mut v, op, "POST (commit, no token)", &r));
    let r = post(&s.base, "/api/v1/check", &json, "{}");
    assert_eq!(r.status, 422);
    problems.extend(conforms(&mut v, op, "POST (empty)", &r));
    let r = post(
        &s.base,
        "/api/v1/check",
        &[("Content-Type", "text/plain")],
        req,
    );
    assert_eq!(r.status, 415);
    problems.extend(conforms(&mut v, op, "POST (text)", &r));
    let big = format!(
        "{{\"text\":\"{}\"}}",
        "x".repeat(greenlight_web::http::check::CHECK_BODY_LIMIT)
    );
    let r = post(&s.base, "/api/v1/check", &json, &big);
    assert_eq!(r.status, 413);
    problems.extend(conforms(&mut v, op, "POST (too big)", &r));
    let mut limited = None;
    for _ in 0..=greenlight_web::http::check::BURST {
        let r = post(&s.base, "/api/v1/check", &json, req);
        if r.status == 429 {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("no 429 after the burst");
    problems.extend(conforms(&mut v, op, "POST (rate-limited)", &r));

    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The key check itself catches what it is for: a key no schema names, nested or not.
#[test]
fn the_key_check_finds_undocumented_keys() {
    let doc = document();
    let mut v = Validators::new(&doc);
    let schema = &doc["components"]["schemas"]["StatusView"];
    assert!(schema.is_object(), "no StatusView schema");
    let s = server();
    let mut body = get(&s.base, "/api/v1/series/partner-track/status").json();
    let mut found = Vec::new();
    v.unknown_keys(schema, &body, "$", &mut found);
    assert!(found.is_empty(), "{found:?}");
    body["series"]
        .as_object_mut()
        .unwrap()
        .insert("renamed_field".into(), json!(1));
    body["evidence"][0]
        .as_object_mut()
        .unwrap()
        .insert("also_new".into(), json!("x"));
    let mut found = Vec::new();
    v.unknown_keys(schema, &body, "$", &mut found);
    found.sort();
    found.dedup();
    assert_eq!(found, ["$.evidence[0].also_new", "$.series.renamed_field"]);
}

/// The claim schema is as strict as the ledger: each body below is refused by the server (422,
/// nothing stored) and is invalid by the documented request schema too, so a client validating
/// against the document learns what the server would say. It used to accept all of them.
#[test]
fn the_claim_schema_refuses_what_the_ledger_refuses() {
    let s = private_server();
    let secret = {
        let mut store = greenlight_store::Store::open(&s.db).unwrap();
        greenlight_web::create_token(&mut store, "schema test", None).unwrap()
    };
    let doc = document();
    let schema = &doc["paths"]["/api/v1/claims"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"];
    let mut v = Validators::new(&doc);
    let auth = format!("Bearer {secret}");
    let headers = [
        ("Content-Type", "application/json"),
        ("Authorization", auth.as_str()),
    ];
    let good = json!({"kind": "trailer_released", "series": "Partner Track", "season": 2,
        "url": "https://example.org/schema", "event_date": "2023-02-03", "published": "2023-02-03",
        "source": {"name": "schema test", "kind": "fan_site"}});
    assert!(v.errors(schema, &good).is_empty());
    let with = |f: &dyn Fn(&mut Value)| {
        let mut c = good.clone();
        f(&mut c);
        c
    };
    let bad = [
        ("season 0", with(&|c| c["season"] = json!(0))),
        ("season 1000", with(&|c| c["season"] = json!(1000))),
        ("an unknown field", with(&|c| c["seasn"] = json!(2))),
        (
            "no published",
            with(&|c| drop(c.as_object_mut().unwrap().remove("published"))),
        ),
        (
            "no source",
            with(&|c| drop(c.as_object_mut().unwrap().remove("source"))),
        ),
        (
            "no kind",
            with(&|c| drop(c.as_object_mut().unwrap().remove("kind"))),
        ),
        (
            "no series",
            with(&|c| drop(c.as_object_mut().unwrap().remove("series"))),
        ),
        ("a blank series", with(&|c| c["series"] = json!("   "))),
        (
            "a source without a kind",
            with(&|c| drop(c["source"].as_object_mut().unwrap().remove("kind"))),
        ),
        (
            "a source kind no one has",
            with(&|c| c["source"]["kind"] = json!("blog")),
        ),
        (
            "a source without a name",
            with(&|c| drop(c["source"].as_object_mut().unwrap().remove("name"))),
        ),
        (
            "a source field no one has",
            with(&|c| c["source"]["id"] = json!(1)),
        ),
        (
            "an unknown claim kind",
            with(&|c| c["kind"] = json!("season_renewedd")),
        ),
    ];
    let mut problems = Vec::new();
    for (what, body) in &bad {
        if v.errors(schema, body).is_empty() {
            problems.push(format!("{what}: valid by the schema"));
        }
        let r = post(&s.base, "/api/v1/claims", &headers, &body.to_string());
        if r.status != 422 {
            problems.push(format!(
                "{what}: the server answered {}: {}",
                r.status, r.body
            ));
        }
    }
    let r = post(&s.base, "/api/v1/claims", &headers, &good.to_string());
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Empty dates, an inverted window and a `limit` outside 1..=100 are 400 problems naming the
/// parameter, each declared by its route. Empty dates used to be taken for absent (an answer
/// "as of today"), `from` after `to` was an undeclared 400, and `limit=3000000000` was clamped.
#[test]
fn bad_parameters_are_declared_400s_naming_the_parameter() {
    let s = server();
    let doc = document();
    let status = "/api/v1/series/{series}/status";
    let hours = "/api/v1/series/{series}/hours";
    let search = "/api/v1/search";
    let cases = [
        (
            "/api/v1/series/partner-track/status?as_of=",
            "as_of",
            status,
        ),
        (
            "/api/v1/series/partner-track/status?as_of=%20",
            "as_of",
            status,
        ),
        ("/api/v1/series/partner-track/hours?from=", "from", hours),
        (
            "/api/v1/series/partner-track/hours?from=2022-08-01&to=",
            "to",
            hours,
        ),
        (
            "/api/v1/series/partner-track/hours?from=2022-09-30&to=2022-08-01",
            "from",
            hours,
        ),
        (
            "/api/v1/series/partner-track/status?as_of=2022-8-1",
            "as_of",
            status,
        ),
        (
            "/api/v1/series/partner-track/hours?from=2022-08-01&to=2022-9-30",
            "to",
            hours,
        ),
        ("/api/v1/search?q=dark&limit=3000000000", "limit", search),
        ("/api/v1/search?q=dark&limit=0", "limit", search),
        ("/api/v1/search?q=dark&limit=101", "limit", search),
    ];
    let mut problems = Vec::new();
    for (path, field, route) in cases {
        let r = get(&s.base, path);
        if r.status != 400
            || !r.content_type.starts_with("application/problem+json")
            || !r.body.contains(&format!("`{field}`"))
        {
            problems.push(format!(
                "{path}: {} {} {}",
                r.status, r.content_type, r.body
            ));
        }
        if !doc["paths"][route]["get"]["responses"]["400"].is_object() {
            problems.push(format!("{route}: 400 is not declared"));
        }
    }
    // The edges still answer.
    for path in [
        "/api/v1/search?q=dark&limit=100",
        "/api/v1/search?q=dark&limit=1",
        "/api/v1/series/partner-track/hours?from=2022-08-01&to=2022-08-01",
    ] {
        let r = get(&s.base, path);
        if r.status != 200 {
            problems.push(format!("{path}: {} {}", r.status, r.body));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
