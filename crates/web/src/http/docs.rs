//! `/api/v1/openapi.json`: the OpenAPI 3.1 document. Its paths are not listed here: each
//! resource's router declares its routes with `utoipa_axum::routes!`, which adds the handler's
//! operation to the document as it adds the handler to the router ([`super::routes`]), and the
//! schemas are derived (`utoipa::ToSchema`, feature `openapi`) on the very types the handlers
//! serialize, so a route, a field or a rename can't be missing from the document.

use crate::http::{cached, key, JSON};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::{Map, Value};
use std::sync::OnceLock;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The document's root: what no single route says (title, the bearer scheme, the problem
/// shapes every error route shares).
#[derive(OpenApi)]
#[openapi(
    info(title = "greenlight", description = "Will there be another season? Series status derived from dated, sourced claims and Netflix's viewing data. \
Every GET answers conditional requests (ETag, then 304 Not Modified); every error is RFC 9457 problem JSON."),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    tags((name = "api", description = "JSON API: the CLI's `--json` shapes"),
         (name = "pages", description = "Server-rendered HTML pages"),
         (name = "feeds", description = "Atom feeds of announced decisions")),
    modifiers(&Security)
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(openapi_json))
}

/// The whole document, as the router that serves it builds it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    super::routes().split_for_parts().1
}

/// The document as served: [`openapi`] with each `#[serde(flatten)]` merged (below).
pub fn document() -> Value {
    let mut doc = serde_json::to_value(openapi()).unwrap_or_default();
    merge_flattened(&mut doc);
    doc
}

/// The served bytes, built once (the document is a function of the code, not of the store).
pub fn openapi_bytes() -> &'static [u8] {
    static DOC: OnceLock<Vec<u8>> = OnceLock::new();
    DOC.get_or_init(|| serde_json::to_vec(&document()).unwrap_or_default())
}

/// Merges every `allOf` that utoipa writes for a `#[serde(flatten)]` field into one object
/// schema, as serde merges the fields into one JSON object. Two things the `allOf` gets wrong
/// and the merged object gets right:
/// - a flattened struct that refuses unknown fields (`RawClaim`, `deny_unknown_fields`, closed
///   as a request body) would, as an `allOf` member, refuse its siblings' fields too (JSON
///   Schema's `additionalProperties` sees only its own schema's properties);
/// - a field of the outer struct and one of the flattened one may share a name (`Evidence`'s
///   `role`, a claim's crew `role`, which no evidence claim has): serde writes the outer one,
///   so its schema wins here, where an `allOf` would demand both.
///
/// Tagged enums (`Origin`: a `oneOf`) cannot be merged into properties and stay `allOf` members.
fn merge_flattened(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
    else {
        return;
    };
    let mut out = schemas.clone();
    for (name, s) in &schemas {
        if s.get("allOf").is_some() {
            let mut acc = Merged::default();
            acc.collect(&schemas, s, true);
            out.insert(name.clone(), acc.schema(s.get("description")));
        }
    }
    doc["components"]["schemas"] = Value::Object(out);
}

#[derive(Default)]
struct Merged {
    own: Map<String, Value>,
    flattened: Map<String, Value>,
    required: Vec<Value>,
    tagged: Vec<Value>,
}

impl Merged {
    /// Adds `s`'s properties: `own` when they are the outer struct's, else as flattened ones.
    fn collect(&mut self, schemas: &Map<String, Value>, s: &Value, own: bool) {
        let (resolved, own) = match s.get("$ref").and_then(Value::as_str) {
            Some(r) => match r
                .strip_prefix("#/components/schemas/")
                .and_then(|n| schemas.get(n))
            {
                Some(t) => (t, false),
                None => return self.tagged.push(s.clone()),
            },
            None => (s, own),
        };
        if let Some(all) = resolved.get("allOf").and_then(Value::as_array) {
            for m in all {
                self.collect(schemas, m, own);
            }
            return;
        }
        if resolved.get("oneOf").is_some() || resolved.get("anyOf").is_some() {
            return self.tagged.push(s.clone());
        }
        if let Some(props) = resolved.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                let into = if own {
                    &mut self.own
                } else {
                    &mut self.flattened
                };
                into.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        for r in resolved
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !self.required.contains(r) {
                self.required.push(r.clone());
            }
        }
    }

    fn schema(mut self, description: Option<&Value>) -> Value {
        let mut props = std::mem::take(&mut self.flattened);
        props.extend(std::mem::take(&mut self.own));
        let mut object = Map::new();
        object.insert("type".into(), "object".into());
        if let Some(d) = description {
            object.insert("description".into(), d.clone());
        }
        object.insert("properties".into(), Value::Object(props));
        if !self.required.is_empty() {
            object.insert("required".into(), Value::Array(self.required));
        }
        if self.tagged.is_empty() {
            return Value::Object(object);
        }
        let mut all = self.tagged;
        all.push(Value::Object(object));
        serde_json::json!({ "allOf": all })
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "api",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
pub async fn openapi_json(State(st): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    cached(&st, &headers, key(&uri), JSON, |_| {
        Ok(openapi_bytes().to_vec())
    })
    .await
    .unwrap_or_else(axum::response::IntoResponse::into_response)
}
