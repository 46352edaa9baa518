//! The JSON API: everything the pages show, and an import endpoint. Described by the
//! OpenAPI document at `/api/openapi.json` (written here beside the routes; a test
//! checks that every route is in it).

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::pages::{RedlineParams, SearchParams, hit_href};
use crate::texts::TextRef;
use crate::{AppError, AppState};

/// The API's routes (paths as axum writes them).
pub const ROUTES: &[&str] = &[
    "/api/documents",
    "/api/documents/{id}",
    "/api/documents/{id}/check",
    "/api/instruments",
    "/api/instruments/{id}",
    "/api/instruments/{id}/synoptic",
    "/api/redline",
    "/api/search",
    "/api/openapi.json",
];

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/documents", get(documents).post(import))
        .route("/api/documents/{id}", get(document))
        .route("/api/documents/{id}/check", get(check))
        .route("/api/instruments", get(instruments))
        .route("/api/instruments/{id}", get(instrument))
        .route("/api/instruments/{id}/synoptic", get(synoptic))
        .route("/api/redline", get(redline))
        .route("/api/search", get(search))
        .route("/api/openapi.json", get(openapi))
}

/// An error as JSON: `{"error": "..."}`.
struct ApiError(AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<amend_store::StoreError> for ApiError {
    fn from(e: amend_store::StoreError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.0.status(),
            Json(json!({ "error": self.0.to_string() })),
        )
            .into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

fn ok(value: impl serde::Serialize) -> ApiResult {
    Ok(Json(value).into_response())
}

async fn documents(State(state): State<AppState>) -> ApiResult {
    ok(state.store().documents().await?)
}

#[derive(Deserialize)]
struct ImportParams {
    name: Option<String>,
}

async fn import(
    State(state): State<AppState>,
    Query(params): Query<ImportParams>,
    body: Bytes,
) -> ApiResult {
    let name = params.name.unwrap_or_else(|| "upload.txt".into());
    let outcome = state.import(name, body.to_vec()).await?;
    let status = match outcome {
        amend_store::ImportOutcome::Imported(_) => StatusCode::CREATED,
        amend_store::ImportOutcome::Duplicate(_) => StatusCode::OK,
    };
    Ok((status, Json(outcome)).into_response())
}

async fn document(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult {
    let d = state
        .store()
        .document(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let parsed: Value =
        serde_json::from_str(&d.parsed_json).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut value = serde_json::to_value(&d).map_err(|e| AppError::Internal(e.to_string()))?;
    if let Value::Object(map) = &mut value {
        map.remove("parsed_json");
        map.insert("document".into(), parsed);
    }
    ok(value)
}

async fn check(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult {
    ok(state.check(id).await?)
}

async fn instruments(State(state): State<AppState>) -> ApiResult {
    ok(state.store().instruments().await?)
}

async fn instrument(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult {
    let i = state
        .store()
        .instrument(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let stale: Vec<i64> = i
        .cited_by
        .iter()
        .filter(|c| c.stale())
        .map(|c| c.id)
        .collect();
    let mut value = serde_json::to_value(&i).map_err(|e| AppError::Internal(e.to_string()))?;
    if let Value::Object(map) = &mut value {
        map.insert("stale_citations".into(), json!(stale));
    }
    ok(value)
}

async fn synoptic(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult {
    ok(state.synoptic(id).await?)
}

async fn redline(State(state): State<AppState>, Query(params): Query<RedlineParams>) -> ApiResult {
    let from: TextRef = params.from.parse()?;
    let to: TextRef = params.to.parse()?;
    ok(state.redline(from, to).await?)
}

async fn search(State(state): State<AppState>, Query(params): Query<SearchParams>) -> ApiResult {
    let hits = state.store().search(&params.query()).await?;
    let hits: Vec<Value> = hits
        .iter()
        .map(|h| {
            let mut v = serde_json::to_value(h).unwrap_or_default();
            if let Value::Object(map) = &mut v {
                map.insert("href".into(), json!(hit_href(h)));
            }
            v
        })
        .collect();
    ok(json!({ "query": params.q, "results": hits }))
}

async fn openapi() -> Response {
    Json(openapi_document()).into_response()
}

fn id_param() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } })
}

fn get_op(summary: &str, params: Vec<Value>, schema: Value) -> Value {
    json!({
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": { "description": "OK", "content": { "application/json": { "schema": schema } } },
                "404": { "description": "Not found", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        }
    })
}

fn query_param(name: &str, description: &str, required: bool) -> Value {
    json!({ "name": name, "in": "query", "required": required, "description": description, "schema": { "type": "string" } })
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi_document() -> Value {
    let r = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let list = |name: &str| json!({ "type": "array", "items": { "$ref": format!("#/components/schemas/{name}") } });
    let text_ref = "A text: version:ID, proposal:ID or document:ID";
    let mut documents = get_op(
        "All documents, newest first",
        vec![],
        list("DocumentSummary"),
    );
    documents["post"] = json!({
        "summary": "Import a file (plain text, CriticMarkup or .docx) sent as the request body",
        "parameters": [query_param("name", "The file name (its extension chooses the reader)", false)],
        "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } },
        "responses": {
            "201": { "description": "Imported", "content": { "application/json": { "schema": r("ImportOutcome") } } },
            "200": { "description": "The same file was imported before", "content": { "application/json": { "schema": r("ImportOutcome") } } },
            "400": { "description": "Unreadable file", "content": { "application/json": { "schema": r("Error") } } }
        }
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "amend library API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The library of resolutions, their versions, contributions and proposals; redlines, synoptic tables, check reports and search."
        },
        "paths": {
            "/api/documents": documents,
            "/api/documents/{id}": get_op("A document: metadata, versions, proposals, citations and the parsed structure", vec![id_param()], r("Document")),
            "/api/documents/{id}/check": get_op("The check report of a document", vec![id_param()], r("CheckReport")),
            "/api/instruments": get_op("All instruments by body, kind and number", vec![], list("InstrumentSummary")),
            "/api/instruments/{id}": get_op("An instrument: versions, proposals, citations of it (stale ones listed)", vec![id_param()], r("Instrument")),
            "/api/instruments/{id}/synoptic": get_op("The synoptic table of all proposals on an instrument", vec![id_param()], r("Synoptic")),
            "/api/redline": get_op("The redline between two texts", vec![query_param("from", text_ref, true), query_param("to", text_ref, true)], r("Redline")),
            "/api/search": get_op("Full-text search with highlighted snippets", vec![
                query_param("q", "Words and \"quoted phrases\"; -word excludes", true),
                query_param("body", "Only this body (WTSA, PP, Council...)", false),
                query_param("meeting", "Only this meeting (Hammamet, 2016)", false),
                query_param("source", "Only this source (CITEL, CEPT...)", false),
                json!({ "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "maximum": 500 } })
            ], r("SearchResults")),
            "/api/openapi.json": get_op("This document", vec![], json!({ "type": "object" }))
        },
        "components": { "schemas": schemas() }
    })
}

fn schemas() -> Value {
    let s = json!({ "type": "string" });
    let ns = json!({ "type": ["string", "null"] });
    let i = json!({ "type": "integer" });
    let ni = json!({ "type": ["integer", "null"] });
    let summary = json!({
        "type": "object",
        "properties": {
            "id": i, "file_name": s, "format": s, "kind": { "enum": ["resolution", "contribution", "collection", "generic"] },
            "title": s, "body": ns, "source": ns, "meeting": ns, "doc_number": ns, "sha256": s, "size": i, "imported_at": s
        },
        "required": ["id", "file_name", "format", "kind", "title", "sha256", "size"]
    });
    let version = json!({
        "type": "object",
        "properties": { "id": i, "instrument_id": i, "document_id": i, "position": i, "revision": ns, "place": ns, "year": ni, "title": s, "items": i, "body": s, "kind": s, "number": s }
    });
    let proposal = json!({
        "type": "object",
        "properties": { "id": i, "document_id": i, "position": i, "instrument_id": i, "action": { "enum": ["MOD", "ADD", "SUP", "NOC"] }, "action_inferred": { "type": "boolean" }, "margin": ns, "source": ns, "document_title": s, "meeting": ns }
    });
    let citation = json!({
        "type": "object",
        "properties": { "id": i, "document_id": i, "document_title": s, "body": s, "kind": s, "number": s, "revision": ns, "year": ni, "as_written": s, "instrument_id": ni, "newer_year": ni }
    });
    let instrument_summary = json!({
        "type": "object",
        "properties": { "id": i, "body": s, "kind": s, "number": s, "title": ns, "versions": i, "proposals": i, "cited_by": i }
    });
    json!({
        "Error": { "type": "object", "properties": { "error": s }, "required": ["error"] },
        "ImportOutcome": { "type": "object", "properties": { "outcome": { "enum": ["imported", "duplicate"] }, "id": i } },
        "DocumentSummary": summary,
        "Version": version,
        "Proposal": proposal,
        "Citation": citation,
        "InstrumentSummary": instrument_summary,
        "Document": {
            "allOf": [ { "$ref": "#/components/schemas/DocumentSummary" }, {
                "type": "object",
                "properties": {
                    "text": s,
                    "document": { "type": "object", "description": "The parsed document (docs/document.schema.json)" },
                    "versions": { "type": "array", "items": { "$ref": "#/components/schemas/Version" } },
                    "proposals": { "type": "array", "items": { "$ref": "#/components/schemas/Proposal" } },
                    "citations": { "type": "array", "items": { "$ref": "#/components/schemas/Citation" } }
                }
            } ]
        },
        "Instrument": {
            "allOf": [ { "$ref": "#/components/schemas/InstrumentSummary" }, {
                "type": "object",
                "properties": {
                    "versions": { "type": "array", "items": { "$ref": "#/components/schemas/Version" } },
                    "proposals": { "type": "array", "items": { "$ref": "#/components/schemas/Proposal" } },
                    "cited_by": { "type": "array", "items": { "$ref": "#/components/schemas/Citation" } },
                    "stale_citations": { "type": "array", "items": i }
                }
            } ]
        },
        "Redline": {
            "type": "object",
            "properties": { "from": s, "to": s, "from_name": s, "to_name": s, "summary": { "type": "object" }, "json": { "type": "object", "description": "The change-marked document" } }
        },
        "CheckReport": {
            "type": "object",
            "properties": { "document_id": i, "title": s, "errors": i, "warnings": i, "json": { "type": "object", "description": "The report as amend check --format json gives it" } }
        },
        "Synoptic": {
            "type": "object",
            "properties": {
                "instrument_id": i, "instrument": s, "base": s,
                "columns": { "type": "array", "items": { "type": "object", "properties": { "proposal_id": i, "document_id": i, "name": s } } },
                "rows": { "type": "array", "items": { "type": "object", "properties": { "key": s, "base": s, "cells": { "type": "array", "items": s } } } }
            }
        },
        "SearchResults": {
            "type": "object",
            "properties": {
                "query": s,
                "results": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "document_id": i, "target": { "enum": ["version", "proposal", "contribution", "document"] }, "target_id": i,
                        "title": s, "body": ns, "meeting": ns, "source": ns, "href": s, "rank": { "type": "number" },
                        "snippet": { "type": "array", "items": { "type": "object", "properties": { "text": s, "hit": { "type": "boolean" } } } }
                    }
                } }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented() {
        let doc = openapi_document();
        for route in ROUTES {
            assert!(doc["paths"].get(*route).is_some(), "{route} missing");
        }
        assert_eq!(doc["paths"].as_object().unwrap().len(), ROUTES.len());
    }
}
