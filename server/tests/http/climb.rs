//! R10 through the real door: a learner added to a public group by someone who administers
//! only that branch climbs to the first private group, even above the adder's own groups — set
//! up, or invited and registered from the emailed link. On SQLite and PostgreSQL.

use app::backend::testing::TestDb;
use http::StatusCode;

use super::{demo_on, post, Harness};

app::on_both_databases!(r10_a_learner_climbs_above_the_groups_of_the_user_admin_who_added_them,);

/// (group, role, propagated from) of a user, by group id.
async fn memberships(h: &Harness, email: &str) -> Vec<(i64, String, Option<i64>)> {
    sqlx::query_as("SELECT m.group_id, m.role, m.propagated_from FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1 ORDER BY m.group_id")
        .bind(email)
        .fetch_all(&h.db.pool)
        .await
        .unwrap()
}

async fn r10_a_learner_climbs_above_the_groups_of_the_user_admin_who_added_them(db: TestDb) {
    let h = demo_on(db).await;
    let ulysse = h.log_in_as("emea.useradmin@northwind.example").await;
    let (sales, emea, paris) = (h.group("Sales").await, h.group("Sales EMEA").await, h.group("Paris office").await);
    let learner = |from: i64| -> Vec<(i64, String, Option<i64>)> {
        let mut all = vec![(sales, "learner".to_string(), Some(from)), (emea, "learner".to_string(), Some(from)), (paris, "learner".to_string(), None)];
        all.sort();
        all
    };

    let set_up = format!(
        "form[first_name]=Pia&form[last_name]=Paris&form[email]=pia%40outside.example&form[password]=a+long+enough+secret&form[groups][0]={paris}&form[roles][0]=learner"
    );
    assert_eq!(h.call(&ulysse, "/api/users/set_up", &set_up).await.status(), StatusCode::OK);
    assert_eq!(memberships(&h, "pia@outside.example").await, learner(paris), "up to Sales, the first private group, above Ulysse's Sales EMEA");

    let invited = h.call(&ulysse, "/api/invitations/invite", &format!("group={paris}&emails=nina%40outside.example&roles[0]=learner")).await;
    assert_eq!(invited.status(), StatusCode::OK);
    let text: String = sqlx::query_scalar(&format!("SELECT {} FROM outbox_emails WHERE to_address = 'nina@outside.example'", app::backend::mail::DELIVERED_TEXT))
        .fetch_one(&h.db.pool)
        .await
        .unwrap();
    let token = text.split_whitespace().find(|w| w.contains("/invitation/")).unwrap().rsplit('/').next().unwrap().to_string();
    let registered = h.send(post("/api/invitations/register", &format!("token={token}&first_name=Nina&last_name=N&password=a+long+enough+secret"))).await;
    assert_eq!(registered.status(), StatusCode::OK);
    assert_eq!(memberships(&h, "nina@outside.example").await, learner(paris));
}
