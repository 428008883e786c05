//! Labels and custom fields (R43, R79): typed values checked at every entry point — set-up,
//! invitation, the user page — and labels and fields renamed and deleted by platform
//! administrators, who are told how many hold each. On SQLite and PostgreSQL.

use app::wire::details::{FieldValue, UserDetails};
use app::wire::users::NewUser;
use app::backend::details::{self, Kind};
use app::backend::invitations::{self, Inviting};
use app::backend::testing::{hasher, TestDb};
use app::backend::users;
use app::domain::custom_field::FieldType;
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::domain::capability::{AddToGroup, AddUsersSomewhere, AdministerPlatform};
use crate::support::permit;

app::on_both_databases!(
    r79_values_are_checked_against_the_fields_type_at_every_entry_point,
    r79_labels_and_fields_are_renamed_and_deleted_and_their_holders_counted,
    r79_a_fields_type_changes_only_when_every_value_held_fits,
);

use crate::support::Acme as Setup;

async fn setup(db: &TestDb) -> Setup {
    crate::support::acme(db, Lang::En).await
}

fn list(options: &[&str]) -> FieldType {
    FieldType::List(options.iter().map(|o| o.to_string()).collect())
}

/// Creates the field; returns its id.
async fn field(db: &TestDb, s: &Setup, name: &str, field_type: FieldType) -> i64 {
    details::create(db, &permit(db, &s.owner, AdministerPlatform).await, &s.who, Kind::Field, name, field_type).await.unwrap();
    details::choices(db, false).await.unwrap().fields.into_iter().find(|f| f.name == name).unwrap().id
}

fn person(email: &str, s: &Setup, values: Vec<FieldValue>) -> NewUser {
    NewUser {
        first_name: "Grace".into(),
        last_name: "Hopper".into(),
        email: email.into(),
        password: "compilers all the way".into(),
        groups: vec![s.emea],
        roles: vec![Role::Learner],
        details: UserDetails { values, ..UserDetails::default() },
        ..NewUser::default()
    }
}

fn value(field: i64, value: &str) -> FieldValue {
    FieldValue { field, value: value.into() }
}

/// The messages of a refusal, by field.
fn refused(result: Result<impl std::fmt::Debug, AppError>) -> Vec<(String, Msg)> {
    match result {
        Err(AppError::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.msg)).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

async fn stored(db: &TestDb, table: &str) -> Vec<(i64, String)> {
    sqlx::query_as(&format!("SELECT field_id, value FROM {table} ORDER BY field_id")).fetch_all(&db.pool).await.unwrap()
}

async fn r79_values_are_checked_against_the_fields_type_at_every_entry_point(db: TestDb) {
    let s = setup(&db).await;
    let staff_no = field(&db, &s, "Staff number", FieldType::Number).await;
    let start = field(&db, &s, "Start", FieldType::Date).await;
    let size = field(&db, &s, "Size", list(&["Small", "Large"])).await;
    let settings = crate::support::settings();

    // Set up: every bad value has its message at its own field; nothing is created.
    let bad = vec![value(staff_no, "twelve"), value(start, "31/01/2027"), value(size, "Medium")];
    let set_up = |form: NewUser| {
        let (db, owner, who) = (db.db.clone(), s.owner.clone(), s.who.clone());
        async move { users::set_up(&db, settings, &hasher(), &permit(&db, &owner, AddUsersSomewhere).await, &who, &form).await }
    };
    assert_eq!(
        refused(set_up(person("grace@acme.example", &s, bad.clone())).await),
        vec![
            (format!("value-{staff_no}"), Msg::NotANumber),
            (format!("value-{start}"), Msg::InvalidDate),
            (format!("value-{size}"), Msg::NotAnOption { options: "Small, Large".into() }),
        ]
    );
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&db.pool).await.unwrap();
    assert_eq!(users, 1, "only the owner");
    let good = vec![value(staff_no, "1 200"), value(start, "2027-1-31"), value(size, "large")];
    let grace = set_up(person("grace@acme.example", &s, good.clone())).await.unwrap().user_id;
    assert_eq!(stored(&db, "user_custom_values").await, vec![(staff_no, "1200".into()), (start, "2027-01-31".into()), (size, "Large".into())], "stored in one form");

    // Invited: the same check, the same form kept on the invitation.
    let invite = |values: Vec<FieldValue>| {
        let (db, owner, who, emea) = (db.db.clone(), s.owner.clone(), s.who.clone(), s.emea);
        async move {
            let details = UserDetails { values, ..UserDetails::default() };
            invitations::invite(&db, settings, Inviting::ToGroup(&permit(&db, &owner, AddToGroup::new(emea, &[Role::Learner])).await), &who, "ada@acme.example", &details).await
        }
    };
    assert_eq!(refused(invite(vec![value(size, "XL")]).await), vec![(format!("value-{size}"), Msg::NotAnOption { options: "Small, Large".into() })]);
    invite(vec![value(size, "SMALL")]).await.unwrap();
    assert_eq!(stored(&db, "invitation_custom_values").await, vec![(size, "Small".into())]);

    // The user page: the same check again.
    let page = UserDetails { values: vec![value(staff_no, "12%")], ..UserDetails::default() };
    assert_eq!(refused(users::set_details(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, grace, &page).await), vec![(format!("value-{staff_no}"), Msg::NotANumber)]);
    assert_eq!(stored(&db, "user_custom_values").await.len(), 3, "a refused change changes nothing");
}

async fn r79_labels_and_fields_are_renamed_and_deleted_and_their_holders_counted(db: TestDb) {
    let s = setup(&db).await;
    details::create(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, "Partner", FieldType::Text).await.unwrap();
    details::create(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, "Contractor", FieldType::Text).await.unwrap();
    let label = |name: &'static str| {
        let db = db.db.clone();
        async move { details::choices(&db, true).await.unwrap().labels.into_iter().find(|l| l.name == name).unwrap() }
    };
    let partner = label("Partner").await.id;
    let details = UserDetails { labels: vec![partner], ..UserDetails::default() };
    users::set_up(&db, crate::support::settings(), &hasher(), &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, &NewUser { details: details.clone(), ..person("grace@acme.example", &s, vec![]) })
        .await
        .unwrap();
    invitations::invite(&db, crate::support::settings(), Inviting::ToGroup(&permit(&db, &s.owner, AddToGroup::new(s.emea, &[Role::Learner])).await), &s.who, "ada@acme.example", &details).await.unwrap();
    assert_eq!(label("Partner").await.holders, 2, "a user and a pending invitation");
    assert_eq!(details::choices(&db, false).await.unwrap().labels[0].holders, 0, "counted for platform administrators only");

    assert_eq!(refused(details::edit(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, partner, " CONTRACTOR ", FieldType::Text).await), vec![("name".into(), Msg::NameTaken)]);
    details::edit(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, partner, "  Partner   company ", FieldType::Text).await.unwrap();
    assert_eq!(label("Partner company").await.holders, 2, "renamed, still held");
    assert!(matches!(details::edit(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, 9999, "Ghost", FieldType::Text).await, Err(AppError::NotFound)));

    details::delete(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, partner).await.unwrap();
    let held: i64 = sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM user_labels) + (SELECT COUNT(*) FROM invitation_labels)").fetch_one(&db.pool).await.unwrap();
    assert_eq!(held, 0, "taken off the user and the invitation");
    let audit: Vec<(String, String)> = sqlx::query_as("SELECT action, details FROM audit_log WHERE target_type = 'labels' AND action <> 'label_created' ORDER BY id").fetch_all(&db.pool).await.unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!((audit[0].0.as_str(), serde_json::from_str::<serde_json::Value>(&audit[0].1).unwrap()["name"]["to"].as_str()), ("label_edited", Some("Partner company")));
    assert_eq!((audit[1].0.as_str(), serde_json::from_str::<serde_json::Value>(&audit[1].1).unwrap()), ("label_deleted", serde_json::json!({ "name": "Partner company", "holders": 2 })));
    assert!(matches!(details::delete(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, partner).await, Err(AppError::NotFound)), "already gone");

    let size = field(&db, &s, "Size", list(&["Small", "Large"])).await;
    users::set_up(&db, crate::support::settings(), &hasher(), &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, &person("bob@acme.example", &s, vec![value(size, "Small")])).await.unwrap();
    details::delete(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Field, size).await.unwrap();
    assert!(stored(&db, "user_custom_values").await.is_empty(), "its values went with it");
}

async fn r79_a_fields_type_changes_only_when_every_value_held_fits(db: TestDb) {
    let s = setup(&db).await;
    let code = field(&db, &s, "Code", FieldType::Text).await;
    users::set_up(&db, crate::support::settings(), &hasher(), &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, &person("grace@acme.example", &s, vec![value(code, "12")])).await.unwrap();
    let bob = users::set_up(&db, crate::support::settings(), &hasher(), &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, &person("bob@acme.example", &s, vec![value(code, "abc")])).await.unwrap().user_id;
    assert_eq!(refused(details::edit(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Field, code, "Code", FieldType::Number).await), vec![("options".into(), Msg::ValuesDoNotFit { count: 1 })]);
    assert_eq!(details::choices(&db, false).await.unwrap().fields[0].field_type, FieldType::Text, "unchanged");
    users::set_details(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, bob, &UserDetails { values: vec![value(code, "7,5")], ..UserDetails::default() }).await.unwrap();
    details::edit(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Field, code, "Code", FieldType::Number).await.unwrap();
    assert_eq!(stored(&db, "user_custom_values").await, vec![(code, "12".to_string()), (code, "7.5".to_string())], "written as numbers");
    // A list: an option in use cannot go; its case may change, and the values follow.
    details::edit(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Field, code, "Code", list(&["12", "7.5"])).await.unwrap();
    assert_eq!(refused(details::edit(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Field, code, "Code", list(&["12"])).await), vec![("options".into(), Msg::ValuesDoNotFit { count: 1 })]);
    assert_eq!(refused(details::edit(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Field, code, "Code", list(&[" "])).await), vec![("options".into(), Msg::ListNeedsOptions)]);
}
