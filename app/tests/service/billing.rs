//! Billing for the owner (R26, R45), on SQLite and PostgreSQL: who is billed, when and why, and
//! how many are billed and active.

use app::domain::billing::BillingReason;
use app::wire::users::NewUser;
use app::backend::audit::Who;
use app::backend::invitations::{self, Inviting};
use app::backend::testing::{self, hasher, TestDb};
use app::backend::{billing, deletion, groups, users, Settings};
use app::domain::role::Role;
use app::i18n::Lang;

use crate::support::token_sent_to;
use app::domain::capability::{AddToGroup, AddUsersSomewhere, ManageGroup, SeeBilling};
use crate::support::permit;

app::on_both_databases!(r45_the_owner_sees_each_billed_account_when_and_why_and_how_many_are_active);

fn form(first: &str, email: &str, group: i64) -> NewUser {
    NewUser {
        first_name: first.into(),
        last_name: "Billed".into(),
        email: email.into(),
        password: "a long enough password".into(),
        groups: vec![group],
        roles: vec![Role::Learner],
        ..NewUser::default()
    }
}

async fn r45_the_owner_sees_each_billed_account_when_and_why_and_how_many_are_active(db: TestDb) {
    let acme = testing::acme(&db, Lang::En).await;
    let who = Who { actor: Some(acme.owner), ..Who::default() };
    let owner = testing::principal_of(&db, "owner@acme.example", &acme.owner_password).await;
    let sales = groups::create_subgroup(&db, &permit(&db, &owner, ManageGroup(acme.root)).await, &who, "Sales", false).await.unwrap();
    let settings = Settings::new("https://learn.acme.example");
    assert_eq!(billing::page(&db, &permit(&db, &owner, SeeBilling).await, 1).await.unwrap().billed, 0, "the owner, made by init, is not billed");

    let ann = users::set_up(&db, &settings, &hasher(), &permit(&db, &owner, AddUsersSomewhere).await, &who, &form("Ann", "ann@acme.example", sales)).await.unwrap().user_id;
    // Emailed credentials: billed when the email is sent, not before (R26).
    let with_credentials = NewUser { password: String::new(), send_credentials: true, ..form("Ben", "ben@acme.example", sales) };
    users::set_up(&db, &settings, &hasher(), &permit(&db, &owner, AddUsersSomewhere).await, &who, &with_credentials).await.unwrap();
    invitations::invite(&db, &settings, Inviting::ToGroup(&permit(&db, &owner, AddToGroup::new(sales, &[Role::Learner])).await), &who, "cy@acme.example", &Default::default()).await.unwrap();
    let page = billing::page(&db, &permit(&db, &owner, SeeBilling).await, 1).await.unwrap();
    assert_eq!((page.active, page.billed), (1, 1), "an invitation bills nothing until accepted");
    assert_eq!((page.rows[0].user_id, page.rows[0].reason, page.rows[0].name.as_str()), (Some(ann), BillingReason::SetUp, "Ann Billed"));

    let worker = app::backend::mail::Worker { db: db.db.clone(), delivery: app::backend::mail::Delivery::DevelopmentMailbox, batch: 64 };
    worker.round().await.unwrap();
    let token = token_sent_to(&db, "cy@acme.example").await;
    let registration = invitations::Registration { token: &token, first_name: "Cy", last_name: "Billed", password: "a long enough password", ip: None, user_agent: None, previous_session: None };
    invitations::accept(&db, &settings, &hasher(), registration).await.unwrap();
    let page = billing::page(&db, &permit(&db, &owner, SeeBilling).await, 1).await.unwrap();
    let reasons: Vec<BillingReason> = page.rows.iter().map(|r| r.reason).collect();
    assert_eq!(reasons, [BillingReason::InvitationAccepted, BillingReason::CredentialsSent, BillingReason::SetUp], "the latest first");
    assert_eq!(page.active, 3);

    // Ann's account is deleted (R42): still in the history, no longer active, without her name.
    sqlx::query("UPDATE users SET deletion_date = '2000-01-01' WHERE id = $1").bind(ann).execute(&db.pool).await.unwrap();
    deletion::run_once(&db, &settings, chrono::Utc::now()).await.unwrap();
    let page = billing::page(&db, &permit(&db, &owner, SeeBilling).await, 1).await.unwrap();
    assert_eq!((page.active, page.billed), (2, 3));
    let gone = page.rows.last().unwrap();
    assert_eq!((gone.user_id, gone.name.as_str(), gone.login.as_str()), (None, "", ""));
    assert!(gone.deleted_on.is_some());
}
