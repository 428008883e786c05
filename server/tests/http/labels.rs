//! R66: the LABELS list counts how many hold each label and field; the forms and filters that
//! only offer them (+ > User, Dashboard > USERS) do not ask for that count. On SQLite and
//! PostgreSQL.

use app::backend::testing::TestDb;
use app::wire::details::LabelsAndFields;
use http::StatusCode;

use super::{body_text, demo_on, Harness};

app::on_both_databases!(r66_holders_are_counted_for_the_labels_list_only,);

async fn choices(h: &Harness, cookie: &str, form: &str) -> LabelsAndFields {
    let response = h.call(cookie, "/api/details/choices", form).await;
    assert_eq!(response.status(), StatusCode::OK);
    serde_json::from_str(&body_text(response).await).unwrap()
}

fn holders(choices: &LabelsAndFields, label: &str) -> i64 {
    choices.labels.iter().find(|l| l.name == label).map(|l| l.holders).unwrap_or_else(|| panic!("no label {label}"))
}

async fn r66_holders_are_counted_for_the_labels_list_only(db: TestDb) {
    let h = demo_on(db).await;
    let label: (i64, String) = sqlx::query_as("SELECT id, name FROM labels ORDER BY id").fetch_one(&h.db.pool).await.unwrap();
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_labels WHERE label_id = $1").bind(label.0).fetch_one(&h.db.pool).await.unwrap();
    assert!(held > 0, "the demo gives its first label to someone");
    let paula = h.log_in_as("admin@northwind.example").await;
    let greta = h.log_in_as("sales.admin@northwind.example").await;
    assert_eq!(holders(&choices(&h, &paula, "holders=true").await, &label.1), held, "the LABELS list, for a platform administrator");
    assert_eq!(holders(&choices(&h, &paula, "").await, &label.1), 0, "a form or a filter: not counted");
    assert_eq!(holders(&choices(&h, &greta, "holders=true").await, &label.1), 0, "a group admin is not told");
}
