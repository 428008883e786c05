//! SCIM PATCH (RFC 7644 §3.5.2) on a User, as identity providers send it: the operations are
//! applied to the user as Roster shows them, and the result is then read like a PUT's body. Read
//! as Entra ID and Okta write them: operation names in any case (`"Replace"`), no `path` with
//! the attributes in `value` (dotted names like `"name.givenName"` too), `emails[type eq
//! "work"].value` as a path, and booleans as strings (`"active": "False"`, read by `users`).

use serde_json::{Map, Value};

use super::users::ROSTER_USER;

pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// Why a PATCH cannot be applied: SCIM's `scimType` and a message.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    pub scim_type: &'static str,
    pub detail: String,
}

fn refused(scim_type: &'static str, detail: impl Into<String>) -> Refused {
    Refused { scim_type, detail: detail.into() }
}

/// `user` (the resource as shown) with the PATCH request `body`'s operations applied in turn.
pub fn apply(user: &Value, body: &Value) -> Result<Value, Refused> {
    let schemas_ok = body.get("schemas").and_then(Value::as_array).is_some_and(|s| s.iter().any(|s| s.as_str() == Some(PATCH_SCHEMA)));
    if !schemas_ok {
        return Err(refused("invalidSyntax", format!("A PATCH request's schemas must hold {PATCH_SCHEMA}.")));
    }
    let operations = field(body, "Operations").and_then(Value::as_array).ok_or_else(|| refused("invalidSyntax", "A PATCH request lists its Operations."))?;
    let mut user = user.clone();
    for operation in operations {
        let op = field(operation, "op").and_then(Value::as_str).map(str::to_ascii_lowercase).ok_or_else(|| refused("invalidSyntax", "Each operation has an op."))?;
        let value = field(operation, "value");
        let path = field(operation, "path").and_then(Value::as_str);
        match (op.as_str(), path) {
            ("add" | "replace", Some(path)) => set(&mut user, path, value.cloned().ok_or_else(|| refused("invalidValue", format!("The {op} of {path} has no value.")))?, op == "add")?,
            ("add" | "replace", None) => {
                let Some(Value::Object(attributes)) = value else { return Err(refused("invalidValue", format!("An {op} without a path takes an object of attributes."))) };
                for (name, value) in attributes {
                    if is_dotted(name) || is_extension_path(name) {
                        set(&mut user, name, value.clone(), op == "add")?;
                    } else {
                        merge(&mut user, name, value.clone());
                    }
                }
            }
            ("remove", Some(path)) => remove(&mut user, path, value)?,
            ("remove", None) => return Err(refused("noTarget", "A remove names the attribute it removes (path).")),
            _ => return Err(refused("invalidSyntax", format!("Unknown operation '{op}': add, replace or remove."))),
        }
    }
    Ok(user)
}

/// An attribute of an object, its name read case aside (RFC 7643 §2.1).
pub fn field<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object.as_object()?.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value)
}

/// The key an object holds for `name`, case aside, or `name` itself.
fn key_of(object: &Map<String, Value>, name: &str) -> String {
    object.keys().find(|key| key.eq_ignore_ascii_case(name)).cloned().unwrap_or_else(|| name.to_string())
}

/// `name.givenName`, not a schema URN (whose dots are part of its name).
fn is_dotted(name: &str) -> bool {
    name.contains('.') && !name.to_ascii_lowercase().starts_with("urn:")
}

/// An attribute of Roster's extension named with its schema (`urn:…:roster:2.0:User:labels`).
fn is_extension_path(name: &str) -> bool {
    name.get(..ROSTER_USER.len() + 1).is_some_and(|start| start.eq_ignore_ascii_case(&format!("{ROSTER_USER}:")))
}

/// A path without the core schema's URN; Roster's extension is the first part of its
/// attributes' paths; the emails' value paths stand for the one address.
fn target(path: &str) -> Result<Vec<String>, Refused> {
    const CORE: &str = "urn:ietf:params:scim:schemas:core:2.0:user:";
    if path.eq_ignore_ascii_case(ROSTER_USER) {
        return Ok(vec![ROSTER_USER.to_string()]);
    }
    if is_extension_path(path) {
        let attribute = &path[ROSTER_USER.len() + 1..];
        if attribute.contains(['[', '.']) {
            return Err(refused("invalidPath", format!("Roster cannot reach inside {path}: give the attribute's whole value.")));
        }
        return Ok(vec![ROSTER_USER.to_string(), attribute.to_string()]);
    }
    let bare = match path.get(..CORE.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(CORE) => &path[CORE.len()..],
        _ => path,
    };
    if bare.get(..7).is_some_and(|start| start.eq_ignore_ascii_case("emails[")) {
        let rest = &bare[7..];
        // Roster keeps one address, of type work: whatever the bracket says, it is that one.
        let after = rest.split_once(']').map(|(_, after)| after).ok_or_else(|| refused("invalidPath", format!("The path {path} is not closed.")))?;
        return match after.to_ascii_lowercase().as_str() {
            "" => Ok(vec!["emails".into()]),
            ".value" => Ok(vec!["emails".into(), "value".into()]),
            _ => Ok(vec!["emails".into(), "other".into()]),
        };
    }
    if bare.contains('[') {
        return Err(refused("invalidPath", format!("Roster cannot filter inside {path}.")));
    }
    Ok(bare.split('.').map(str::to_string).collect())
}

/// Sets the attribute at `path`; an `add` to a list adds the values it lacks (RFC 7644
/// §3.5.2.1), a `replace` replaces it.
fn set(user: &mut Value, path: &str, value: Value, add: bool) -> Result<(), Refused> {
    let parts = target(path)?;
    let object = user.as_object_mut().expect("a user is an object");
    match parts.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["emails", "value"] => {
            object.insert("emails".into(), serde_json::json!([{ "value": value, "type": "work", "primary": true }]));
        }
        ["emails", "other"] => {}
        [name] => merge(user, name, value),
        [name, sub] => {
            let key = key_of(object, name);
            let parent = object.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if !parent.is_object() {
                *parent = Value::Object(Map::new());
            }
            let parent = parent.as_object_mut().expect("made an object");
            let sub_key = key_of(parent, sub);
            match (parent.get_mut(&sub_key), value) {
                (Some(Value::Array(held)), Value::Array(added)) if add => {
                    for value in added {
                        if !held.contains(&value) {
                            held.push(value);
                        }
                    }
                }
                (_, Value::Array(added)) if add => {
                    parent.insert(sub_key, Value::Array(added));
                }
                (Some(Value::Array(held)), value) if add => {
                    if !held.contains(&value) {
                        held.push(value);
                    }
                }
                (_, value) => {
                    parent.insert(sub_key, value);
                }
            }
        }
        _ => return Err(refused("invalidPath", format!("Roster has no attribute at {path}."))),
    }
    Ok(())
}

/// Sets an attribute; a complex one (an object) has its sub-attributes replaced one by one.
fn merge(user: &mut Value, name: &str, value: Value) {
    let object = user.as_object_mut().expect("a user is an object");
    let key = key_of(object, name);
    match (object.get_mut(&key), value) {
        (Some(Value::Object(existing)), Value::Object(given)) => {
            for (sub, value) in given {
                let sub_key = key_of(existing, &sub);
                existing.insert(sub_key, value);
            }
        }
        (_, value) => {
            object.insert(key, value);
        }
    }
}

/// Removes the attribute at `path`; with a `value`, only those values from a list (as Entra ID
/// removes one of several).
fn remove(user: &mut Value, path: &str, value: Option<&Value>) -> Result<(), Refused> {
    let parts = target(path)?;
    if let (Some(value), [name, sub]) = (value, &parts[..]) {
        let listed = user.as_object_mut().and_then(|o| o.get_mut(&key_of(o, name))).and_then(Value::as_object_mut);
        if let Some(parent) = listed {
            let sub_key = key_of(parent, sub);
            if let Some(Value::Array(held)) = parent.get_mut(&sub_key) {
                let gone: Vec<&Value> = match value {
                    Value::Array(values) => values.iter().collect(),
                    value => vec![value],
                };
                // `"VIP"` or `{"value": "VIP"}`.
                let plain = |v: &Value| v.get("value").cloned().unwrap_or_else(|| v.clone());
                held.retain(|held| !gone.iter().any(|g| plain(g) == plain(held)));
                return Ok(());
            }
        }
    }
    let object = user.as_object_mut().expect("a user is an object");
    match parts.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["emails", ..] => {
            object.insert("emails".into(), Value::Array(Vec::new()));
        }
        [name] => {
            let key = key_of(object, name);
            object.remove(&key);
        }
        [name, sub] => {
            let key = key_of(object, name);
            if let Some(Value::Object(parent)) = object.get_mut(&key) {
                let sub_key = key_of(parent, sub);
                parent.remove(&sub_key);
            }
        }
        _ => return Err(refused("invalidPath", format!("Roster has no attribute at {path}."))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ada() -> Value {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "7", "userName": "ada@example.com",
            "name": { "givenName": "Ada", "familyName": "Lovelace" }, "active": true,
            "emails": [{ "value": "ada@example.com", "type": "work", "primary": true }]
        })
    }

    fn patch(operations: Value) -> Value {
        json!({ "schemas": [PATCH_SCHEMA], "Operations": operations })
    }

    #[test]
    fn r92_entra_id_deactivates_with_a_capitalised_op_and_a_string() {
        let done = apply(&ada(), &patch(json!([{ "op": "Replace", "path": "active", "value": "False" }]))).unwrap();
        assert_eq!(done["active"], "False", "read as false by the user's reader");
    }

    #[test]
    fn r92_okta_and_entra_without_a_path() {
        let done = apply(&ada(), &patch(json!([{ "op": "replace", "value": { "active": false, "name.givenName": "Augusta", "name": { "familyName": "King" } } }]))).unwrap();
        assert_eq!(done["active"], false);
        assert_eq!(done["name"], json!({ "givenName": "Augusta", "familyName": "King" }));
    }

    #[test]
    fn r92_paths_with_the_emails_filter_and_the_schema() {
        let done = apply(
            &ada(),
            &patch(json!([
                { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "augusta@example.com" },
                { "op": "Add", "path": "urn:ietf:params:scim:schemas:core:2.0:User:userName", "value": "augusta@example.com" },
                { "op": "add", "path": "externalId", "value": "e-1" },
                { "op": "remove", "path": "name.familyName" },
            ])),
        )
        .unwrap();
        assert_eq!(done["emails"][0]["value"], "augusta@example.com");
        assert_eq!(done["userName"], "augusta@example.com");
        assert_eq!(done["externalId"], "e-1");
        assert_eq!(done["name"], json!({ "givenName": "Ada" }));
    }

    #[test]
    fn r98_rosters_extension_by_its_paths_as_okta_and_entra_send_them() {
        let mut user = ada();
        user[ROSTER_USER] = json!({ "labels": ["Contractor"], "customFields": [], "deletionDate": "2099-12-31" });
        let path = |attribute: &str| format!("{ROSTER_USER}:{attribute}");
        let done = apply(
            &user,
            &patch(json!([
                { "op": "Add", "path": path("labels"), "value": ["Partner", "Contractor"] },
                { "op": "Remove", "path": path("labels"), "value": [{ "value": "Contractor" }] },
                { "op": "remove", "path": path("deletionDate") },
                { "op": "Replace", "value": { (path("customFields")): [{ "name": "Employee ID", "value": "E-7" }] } },
            ])),
        )
        .unwrap();
        assert_eq!(done[ROSTER_USER], json!({ "labels": ["Partner"], "customFields": [{ "name": "Employee ID", "value": "E-7" }] }));
        let inside = apply(&user, &patch(json!([{ "op": "replace", "path": path("customFields[name eq \"Employee ID\"].value"), "value": "E-8" }])));
        assert_eq!(inside.unwrap_err().scim_type, "invalidPath");
    }

    #[test]
    fn r92_a_malformed_patch_is_refused_with_scims_words() {
        let kind = |body: Value| apply(&ada(), &body).unwrap_err().scim_type;
        assert_eq!(kind(json!({ "Operations": [] })), "invalidSyntax");
        assert_eq!(kind(patch(json!([{ "op": "move", "path": "active", "value": true }]))), "invalidSyntax");
        assert_eq!(kind(patch(json!([{ "op": "remove" }]))), "noTarget");
        assert_eq!(kind(patch(json!([{ "op": "replace", "value": "x" }]))), "invalidValue");
        assert_eq!(kind(patch(json!([{ "op": "replace", "path": "addresses[type eq \"work\"].locality", "value": "x" }]))), "invalidPath");
    }
}
