//! SCIM's discovery endpoints (RFC 7644 §4): what this service provider supports, its resource
//! types and their schemas. They say only what Roster does today: a User's schema lists the
//! attributes Roster keeps.

use app::api::context::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::{json, Value};

use super::groups::{GROUP_SCHEMA, ROSTER_GROUP};
use super::users::{ROSTER_USER, USER_SCHEMA};
use super::PAGE_MAX;
use super::{error, json};

const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

pub async fn service_provider_config(State(state): State<AppState>) -> Response {
    json(
        StatusCode::OK,
        json!({
            "schemas": [SPC_SCHEMA],
            "documentationUri": format!("{}/docs/scim", state.settings.public_url),
            "patch": { "supported": true },
            "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
            "filter": { "supported": true, "maxResults": PAGE_MAX },
            // A password is set for users without email only (R61); others get credentials.
            "changePassword": { "supported": false },
            "sort": { "supported": true },
            "etag": { "supported": true },
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

pub async fn resource_types(State(state): State<AppState>) -> Response {
    list(vec![user_type(&state), group_type(&state)])
}

pub async fn resource_type(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match id.as_str() {
        "User" => json(StatusCode::OK, user_type(&state)),
        "Group" => json(StatusCode::OK, group_type(&state)),
        _ => error(StatusCode::NOT_FOUND, None, "No such resource type."),
    }
}

pub async fn schemas(State(state): State<AppState>) -> Response {
    match all_schemas(&state).await {
        Ok(schemas) => list(schemas),
        Err(refused) => refused.into_response(),
    }
}

pub async fn schema(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match all_schemas(&state).await.map(|all| all.into_iter().find(|s| s["id"] == id.as_str())) {
        Ok(Some(schema)) => json(StatusCode::OK, schema),
        Ok(None) => error(StatusCode::NOT_FOUND, None, "No such schema."),
        Err(refused) => refused.into_response(),
    }
}

fn user_type(state: &AppState) -> Value {
    json!({
        "schemas": [RESOURCE_TYPE_SCHEMA], "id": "User", "name": "User", "endpoint": "/Users",
        "description": "A person's account on the platform", "schema": USER_SCHEMA, "schemaExtensions": [{ "schema": ROSTER_USER, "required": false }],
        "meta": { "resourceType": "ResourceType", "location": location(state, "ResourceTypes/User") }
    })
}

fn group_type(state: &AppState) -> Value {
    json!({
        "schemas": [RESOURCE_TYPE_SCHEMA], "id": "Group", "name": "Group", "endpoint": "/Groups",
        "description": "A group of the platform's tree, its members holding the token's role there", "schema": GROUP_SCHEMA,
        "schemaExtensions": [{ "schema": ROSTER_GROUP, "required": true }],
        "meta": { "resourceType": "ResourceType", "location": location(state, "ResourceTypes/Group") }
    })
}

/// An attribute's definition (RFC 7643 §7), simple unless `sub` holds sub-attributes.
fn attribute(name: &str, kind: &str, description: &str, required: bool, mutability: &str, sub: Vec<Value>) -> Value {
    let mut attribute = json!({
        "name": name, "type": kind, "multiValued": false, "description": description, "required": required,
        "caseExact": false, "mutability": mutability, "returned": if mutability == "writeOnly" { "never" } else { "default" },
        "uniqueness": if name == "userName" { "server" } else { "none" },
    });
    if !sub.is_empty() {
        attribute["subAttributes"] = Value::Array(sub);
    }
    attribute
}

/// A reference to a resource of `to` (RFC 7643 §2.3.7).
fn reference(name: &str, description: &str, mutability: &str, to: &str) -> Value {
    let mut reference = attribute(name, "reference", description, false, mutability, Vec::new());
    reference["referenceTypes"] = serde_json::json!([to]);
    reference["caseExact"] = true.into();
    reference
}

fn schema_of(state: &AppState, id: &str, name: &str, description: &str, attributes: Vec<Value>) -> Value {
    json!({
        "schemas": [SCHEMA_SCHEMA], "id": id, "name": name, "description": description, "attributes": attributes,
        "meta": { "resourceType": "Schema", "location": location(state, &format!("Schemas/{id}")) }
    })
}

/// The schemas; Roster's User extension names the platform's labels and custom fields as the
/// values its names may take (R98).
async fn all_schemas(state: &AppState) -> Result<Vec<Value>, super::ScimError> {
    let choices = app::backend::details::choices(&state.db, false).await.map_err(super::refusal)?;
    let text = |name: &str, description: &str| attribute(name, "string", description, false, "readWrite", Vec::new());
    let read_only = |name: &str, kind: &str, description: &str| attribute(name, kind, description, false, "readOnly", Vec::new());
    let mut emails = attribute(
        "emails",
        "complex",
        "The user's address: userName's, when it is one (none for a user without email)",
        false,
        "readOnly",
        vec![read_only("value", "string", "The address"), read_only("type", "string", "Always work"), read_only("primary", "boolean", "Always true")],
    );
    emails["multiValued"] = true.into();
    let user = schema_of(
        state,
        USER_SCHEMA,
        "User",
        "A person's account on the platform",
        vec![
            attribute("userName", "string", "The user's email, or a username for a user without email (unique, case aside)", true, "readWrite", Vec::new()),
            attribute(
                "name",
                "complex",
                "The user's names",
                true,
                "readWrite",
                vec![
                    attribute("givenName", "string", "First name", true, "readWrite", Vec::new()),
                    attribute("familyName", "string", "Last name", true, "readWrite", Vec::new()),
                ],
            ),
            read_only("displayName", "string", "First and last name"),
            emails,
            {
                let mut language = text("preferredLanguage", "en or fr, with or without a region (others: the platform's language)");
                language["canonicalValues"] = serde_json::json!(["en", "fr"]);
                language
            },
            // Every account is active or not: true when a creation leaves it out.
            attribute("active", "boolean", "false: deactivated, cannot log in, not billed as active (true when left out)", true, "readWrite", Vec::new()),
            attribute(
                "password",
                "string",
                "At creation (else credentials are emailed to an address; a username account without one cannot log in until it is set); later for users without email only",
                false,
                "writeOnly",
                Vec::new(),
            ),
        ],
    );
    let mut labels = text("labels", "The user's labels, by name (a platform administrator defines them on Dashboard > LABELS); an add adds, a remove with a value removes it");
    labels["multiValued"] = true.into();
    labels["canonicalValues"] = choices.labels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().into();
    let mut field_name = text("name", "The field's name");
    field_name["canonicalValues"] = choices.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().into();
    let mut custom_fields = attribute(
        "customFields",
        "complex",
        "The user's custom field values, by the field's name (defined on Dashboard > LABELS); a field left out has no value",
        false,
        "readWrite",
        vec![field_name, text("value", "Its value, as the field's type takes it (a number, a date YYYY-MM-DD, one of a list's options)")],
    );
    custom_fields["multiValued"] = true.into();
    let roster_user = schema_of(
        state,
        ROSTER_USER,
        "Roster User",
        "What Roster keeps of a user beyond SCIM's core: labels, custom fields and the deletion date left out of a POST or PUT are left as they are",
        vec![labels, custom_fields, text("deletionDate", "The day the account is erased (YYYY-MM-DD, after today), as on the user's page; null: never"),
            read_only("invitationPending", "boolean", "Invited by a token that invites (R99): the person has not registered yet; active false cancels the invitation"),
        ],
    );
    let config = schema_of(
        state,
        SPC_SCHEMA,
        "Service Provider Configuration",
        "What this service provider supports",
        ["documentationUri", "patch", "bulk", "filter", "changePassword", "sort", "etag", "authenticationSchemes"]
            .into_iter()
            .map(|name| read_only(name, if name == "documentationUri" { "reference" } else { "complex" }, name))
            .collect(),
    );
    let resource_type = schema_of(
        state,
        RESOURCE_TYPE_SCHEMA,
        "ResourceType",
        "A type of resource",
        ["id", "name", "description", "endpoint", "schema", "schemaExtensions"]
            .into_iter()
            .map(|name| read_only(name, if name == "endpoint" || name == "schema" { "reference" } else if name == "schemaExtensions" { "complex" } else { "string" }, name))
            .collect(),
    );
    let schema = schema_of(
        state,
        SCHEMA_SCHEMA,
        "Schema",
        "A schema's definition",
        ["id", "name", "description", "attributes"].into_iter().map(|name| read_only(name, if name == "attributes" { "complex" } else { "string" }, name)).collect(),
    );
    let mut members = attribute(
        "members",
        "complex",
        "The users holding the token's role in the group (learner unless the token says otherwise)",
        false,
        "readWrite",
        vec![
            attribute("value", "string", "The user's id", false, "immutable", Vec::new()),
            reference("$ref", "The user's URI (its value is the user's id)", "immutable", "User"),
        ],
    );
    members["multiValued"] = true.into();
    let group = schema_of(
        state,
        GROUP_SCHEMA,
        "Group",
        "A group of the platform's tree",
        vec![attribute("displayName", "string", "The group's name (unique under its parent, case aside)", true, "readWrite", Vec::new()), members],
    );
    let roster_group = schema_of(
        state,
        ROSTER_GROUP,
        "Roster Group",
        "Where a group sits in the tree",
        vec![
            // Every group has it: false when a creation leaves it out.
            reference(
                "parent",
                "The group above, by its URI or its id; none directly under the platform group (a new group left without one goes under the token's group)",
                "readWrite",
                "Group",
            ),
            attribute("public", "boolean", "Learners added here are also added up to the first private group (R10); false when left out", true, "readWrite", Vec::new()),
        ],
    );
    Ok(vec![user, roster_user, group, roster_group, config, resource_type, schema])
}

/// A whole list, as SCIM's ListResponse.
fn list(resources: Vec<Value>) -> Response {
    json(StatusCode::OK, json!({ "schemas": [LIST_SCHEMA], "totalResults": resources.len(), "startIndex": 1, "itemsPerPage": resources.len(), "Resources": resources }))
}

fn location(state: &AppState, path: &str) -> String {
    format!("{}/scim/v2/{path}", state.settings.public_url)
}
