//! SCIM's discovery endpoints (RFC 7644 §4): what this service provider supports, its resource
//! types and their schemas. They say only what Roster does today.

use app::api::context::AppState;
use axum::extract::State;
use axum::response::Response;
use http::StatusCode;

use super::json;

const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

pub async fn service_provider_config(State(state): State<AppState>) -> Response {
    let unsupported = serde_json::json!({ "supported": false });
    json(
        StatusCode::OK,
        serde_json::json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": format!("{}/docs/scim", state.settings.public_url),
            "patch": unsupported,
            "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
            "filter": { "supported": false, "maxResults": 0 },
            "changePassword": unsupported,
            "sort": unsupported,
            "etag": unsupported,
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "An API token made for SCIM on Dashboard > API TOKENS, sent as Authorization: Bearer <token>.",
                "specUri": "https://www.rfc-editor.org/info/rfc6750",
                "primary": true
            }],
            "meta": { "resourceType": "ServiceProviderConfig", "location": location(&state, "ServiceProviderConfig") }
        }),
    )
}

pub async fn resource_types() -> Response {
    list(Vec::new())
}

pub async fn schemas() -> Response {
    list(Vec::new())
}

/// A whole list, as SCIM's ListResponse.
fn list(resources: Vec<serde_json::Value>) -> Response {
    json(
        StatusCode::OK,
        serde_json::json!({ "schemas": [LIST_SCHEMA], "totalResults": resources.len(), "startIndex": 1, "itemsPerPage": resources.len(), "Resources": resources }),
    )
}

fn location(state: &AppState, path: &str) -> String {
    format!("{}/scim/v2/{path}", state.settings.public_url)
}
