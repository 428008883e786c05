//! Issue 15, R94: an identity provider manages groups through SCIM — created under a parent,
//! renamed, moved, made public, members added and removed as Entra ID and Okta send them — with
//! the panels' group rules (R52, R1–R3, R10, R11) and only within the token's group. On SQLite
//! and PostgreSQL.

use app::backend::testing::TestDb;
use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::scim_users::{filter, scim, token};
use super::{demo_on, Harness};

app::on_both_databases!(r94_r95_an_identity_provider_makes_groups_sets_their_members_and_deletes_them, r94_r95_a_token_limited_to_a_group_manages_its_branch_only);

const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ROSTER: &str = "urn:ietf:params:scim:schemas:extension:roster:2.0:Group";
const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// (group name, role, came from) of a user's memberships, sorted.
async fn memberships(h: &Harness, user: i64) -> Vec<(String, String, bool)> {
    let mut rows: Vec<(String, String, Option<i64>)> = sqlx::query_as(
        "SELECT g.name, m.role, m.propagated_from FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.user_id = $1",
    )
    .bind(user)
    .fetch_all(&h.db.pool)
    .await
    .unwrap();
    rows.sort();
    rows.into_iter().map(|(g, r, from)| (g, r, from.is_some())).collect()
}

fn member_ids(group: &Value) -> Vec<String> {
    group["members"].as_array().map(|m| m.iter().map(|m| m["value"].as_str().unwrap().to_string()).collect()).unwrap_or_default()
}

async fn r94_r95_an_identity_provider_makes_groups_sets_their_members_and_deletes_them(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let entra = token(&h, &paula, "form[name]=Entra&form[scope]=scim").await;
    let colin = h.user("emea.coach@northwind.example").await;
    let aurora = h.user("author@northwind.example").await;
    let emea = h.group("Sales EMEA").await;
    let engineering = h.group("Engineering").await;

    // Entra's first question: is there a group of this name? Then made, with a member, as a
    // private group under the platform group.
    let (_, _, found) = scim(&h, &entra, Method::GET, &filter("Groups", r#"displayName eq "Partners""#), None, &[]).await;
    assert_eq!(found["totalResults"], 0);
    let body = json!({ "schemas": [GROUP], "displayName": "Partners", "members": [{ "value": colin.to_string() }] });
    let (status, headers, partners) = scim(&h, &entra, Method::POST, "Groups", Some(body), &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{partners}");
    assert!(headers.contains_key(http::header::LOCATION));
    assert_eq!((partners["displayName"].as_str(), partners[ROSTER]["public"].as_bool()), (Some("Partners"), Some(false)));
    assert_eq!(member_ids(&partners), [colin.to_string()]);
    let root: i64 = sqlx::query_scalar("SELECT id FROM groups WHERE parent_id IS NULL").fetch_one(&h.db.pool).await.unwrap();
    assert!(partners[ROSTER].get("parent").is_none(), "directly under the platform group (#{root}): no parent named");
    assert!(partners["id"].as_str().unwrap().starts_with('g'), "never a user's id");
    let (status, _, taken) = scim(&h, &entra, Method::POST, "Groups", Some(json!({ "schemas": [GROUP], "displayName": "PARTNERS" })), &[]).await;
    assert_eq!((status, taken["scimType"].as_str()), (StatusCode::CONFLICT, Some("uniqueness")));

    // A public group under Sales EMEA: a learner added there climbs to Sales, the first private
    // group (R10); taken out, the climbed memberships stay (R11).
    let body = json!({ "schemas": [GROUP, ROSTER], "displayName": "Lyon office", ROSTER: { "parent": format!("g{emea}"), "public": true } });
    let (status, _, lyon) = scim(&h, &entra, Method::POST, "Groups", Some(body), &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{lyon}");
    let lyon_id = lyon["id"].as_str().unwrap().to_string();
    let add = json!({ "schemas": [PATCH], "Operations": [{ "op": "Add", "path": "members", "value": [{ "value": aurora.to_string() }] }] });
    let (status, _, lyon) = scim(&h, &entra, Method::PATCH, &format!("Groups/{lyon_id}"), Some(add), &[]).await;
    assert_eq!((status, member_ids(&lyon)), (StatusCode::OK, vec![aurora.to_string()]), "{lyon}");
    let climbed = vec![
        ("Engineering".to_string(), "author".to_string(), false),
        ("Lyon office".to_string(), "learner".to_string(), false),
        ("Sales".to_string(), "learner".to_string(), true),
        ("Sales EMEA".to_string(), "learner".to_string(), true),
    ];
    assert_eq!(memberships(&h, aurora).await, climbed);
    let (_, _, found) = scim(&h, &entra, Method::GET, &filter("Groups", &format!(r#"members[value eq "{aurora}"]"#)), None, &[]).await;
    assert_eq!(found["Resources"].as_array().unwrap().iter().map(|g| g["displayName"].as_str().unwrap()).collect::<Vec<_>>(), ["Lyon office"]);
    let remove = json!({ "schemas": [PATCH], "Operations": [{ "op": "Remove", "path": format!("members[value eq \"{aurora}\"]") }] });
    let (_, _, lyon) = scim(&h, &entra, Method::PATCH, &format!("Groups/{lyon_id}"), Some(remove), &[]).await;
    assert!(member_ids(&lyon).is_empty());
    assert_eq!(memberships(&h, aurora).await, [climbed[0].clone(), climbed[2].clone(), climbed[3].clone()]);

    // Okta renames without a path; a PUT says who its members are, and moves it (R52).
    let rename = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "value": { "id": lyon_id, "displayName": "Lyon" } }] });
    let (_, _, lyon) = scim(&h, &entra, Method::PATCH, &format!("Groups/{lyon_id}"), Some(rename), &[]).await;
    assert_eq!(lyon["displayName"], "Lyon");
    let put = json!({ "schemas": [GROUP, ROSTER], "displayName": "Lyon", "members": [{ "value": colin.to_string() }], ROSTER: { "parent": format!("g{emea}"), "public": true } });
    let (status, _, lyon) = scim(&h, &entra, Method::PUT, &format!("Groups/{lyon_id}"), Some(put), &[]).await;
    assert_eq!((status, member_ids(&lyon)), (StatusCode::OK, vec![colin.to_string()]), "{lyon}");
    let moved = json!({ "schemas": [GROUP, ROSTER], "displayName": "Lyon", ROSTER: { "parent": format!("g{engineering}") } });
    let (status, _, lyon) = scim(&h, &entra, Method::PUT, &format!("Groups/{lyon_id}"), Some(moved), &[]).await;
    assert_eq!((status, lyon[ROSTER]["parent"].as_str()), (StatusCode::OK, Some(format!("http://127.0.0.1:3000/scim/v2/Groups/g{engineering}").as_str())), "{lyon}");
    assert_eq!(member_ids(&lyon), Vec::<String>::new(), "a PUT says the members exactly");

    // Members left out on request (Entra ID asks so).
    let (_, _, bare) = scim(&h, &entra, Method::GET, &format!("Groups/{lyon_id}?excludedAttributes=members"), None, &[]).await;
    assert!(bare.get("members").is_none(), "{bare}");

    // Deleted (R95): with its memberships; learners it brought up stay above (R11); not while it
    // has a subgroup; never the platform group.
    let body = json!({ "schemas": [GROUP, ROSTER], "displayName": "Lyon 2", ROSTER: { "parent": lyon_id } });
    let (status, _, child) = scim(&h, &entra, Method::POST, "Groups", Some(body), &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{child}");
    let (status, _, refused) = scim(&h, &entra, Method::DELETE, &format!("Groups/{lyon_id}"), None, &[]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(refused["detail"].as_str().unwrap().contains("subgroups"), "{refused}");
    let (status, _, _) = scim(&h, &entra, Method::DELETE, &format!("Groups/{}", child["id"].as_str().unwrap()), None, &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = scim(&h, &entra, Method::DELETE, &format!("Groups/{lyon_id}"), None, &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = scim(&h, &entra, Method::GET, &format!("Groups/{lyon_id}"), None, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!memberships(&h, colin).await.iter().any(|(g, _, _)| g == "Lyon"), "its memberships went with it");
    // The learner it had brought up stays a learner above, now in their own right.
    assert_eq!(memberships(&h, aurora).await, [climbed[0].clone(), ("Sales".to_string(), "learner".to_string(), false), ("Sales EMEA".to_string(), "learner".to_string(), false)]);
    let (status, _, _) = scim(&h, &entra, Method::DELETE, &format!("Groups/g{root}"), None, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE token_id IS NOT NULL AND action IN ('group_created', 'membership_added', 'membership_removed', 'group_renamed', 'group_moved', 'group_deleted')")
        .fetch_one(&h.db.pool)
        .await
        .unwrap();
    assert!(audited >= 9, "{audited}");
}

async fn r94_r95_a_token_limited_to_a_group_manages_its_branch_only(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let sales = h.group("Sales").await;
    let okta = token(&h, &paula, &format!("form[name]=Okta&form[scope]=scim&form[group]={sales}&form[scim_role]=coach")).await;

    // Its groups: Sales and below, nothing else.
    let (_, _, all) = scim(&h, &okta, Method::GET, "Groups?excludedAttributes=members", None, &[]).await;
    let mut names: Vec<&str> = all["Resources"].as_array().unwrap().iter().map(|g| g["displayName"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["Paris office", "Sales", "Sales Americas", "Sales EMEA"]);
    let engineering = h.group("Engineering").await;
    let (status, _, _) = scim(&h, &okta, Method::GET, &format!("Groups/g{engineering}"), None, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let body = json!({ "schemas": [GROUP, ROSTER], "displayName": "Outside", ROSTER: { "parent": format!("g{engineering}") } });
    let (status, _, _) = scim(&h, &okta, Method::POST, "Groups", Some(body), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Members are its role's holders (coach here); someone it does not see cannot be added.
    let emea = h.group("Sales EMEA").await;
    let (_, _, group) = scim(&h, &okta, Method::GET, &format!("Groups/g{emea}"), None, &[]).await;
    let colin = h.user("emea.coach@northwind.example").await;
    assert_eq!(member_ids(&group), [colin.to_string()]);
    let aurora = h.user("author@northwind.example").await;
    let add = json!({ "schemas": [PATCH], "Operations": [{ "op": "add", "path": "members", "value": [{ "value": aurora.to_string() }] }] });
    let (status, _, refused) = scim(&h, &okta, Method::PATCH, &format!("Groups/g{emea}"), Some(add), &[]).await;
    assert_eq!((status, refused["scimType"].as_str()), (StatusCode::BAD_REQUEST, Some("invalidValue")), "{refused}");
    let leo = h.user("learner@northwind.example").await;
    let add = json!({ "schemas": [PATCH], "Operations": [{ "op": "add", "path": "members", "value": [{ "value": leo.to_string() }] }] });
    let (status, _, group) = scim(&h, &okta, Method::PATCH, &format!("Groups/g{emea}"), Some(add), &[]).await;
    assert_eq!(status, StatusCode::OK, "{group}");
    assert!(member_ids(&group).contains(&leo.to_string()));
    assert!(memberships(&h, leo).await.contains(&("Sales EMEA".to_string(), "coach".to_string(), false)), "coach does not climb (R13)");
    assert_eq!(memberships(&h, aurora).await, [("Engineering".to_string(), "author".to_string(), false)]);
    // Its own group is above it to delete; a session's group stays.
    let (status, _, _) = scim(&h, &okta, Method::DELETE, &format!("Groups/g{sales}"), None, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let americas = h.group("Sales Americas").await;
    sqlx::query("INSERT INTO program_sessions (program_id, group_id, name, starts_on, ends_on, created_at) SELECT id, $1, 'Americas cohort', '2027-01-04', '2027-02-26', 0 FROM programs")
        .bind(americas)
        .execute(&h.db.pool)
        .await
        .unwrap();
    let (status, _, refused) = scim(&h, &okta, Method::DELETE, &format!("Groups/g{americas}"), None, &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(refused["detail"].as_str().unwrap().contains("Program sessions"), "{refused}");
    assert_eq!(h.group("Sales Americas").await, americas, "still there");
}
