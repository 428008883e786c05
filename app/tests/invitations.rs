//! Service tests of inviting (R20–R24), on SQLite and PostgreSQL.

use app::api::invitations::{InviteOutcome, InviteResult};
use app::backend::audit::Who;
use app::backend::auth::token_hash;
use app::backend::invitations::{self, InviteRequest};
use app::backend::testing::{self, hasher, TestDb};
use app::backend::{directory, groups, seed, Principal, Settings};
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::{Lang, Msg};

app::on_both_databases!(
    r21_each_address_gets_its_own_outcome,
    r22_the_email_carries_a_personal_link_and_only_its_hash_is_stored,
    bad_input_gets_field_messages_and_creates_nothing,
    r21_two_admins_inviting_the_same_address_at_once_make_one_invitation_and_one_email,
);

struct Setup {
    owner: Principal,
    who: Who,
    sales: i64,
    emea: i64,
    settings: Settings,
}

async fn setup(db: &TestDb) -> Setup {
    let credentials = seed::init(
        db,
        &hasher(),
        seed::NewPlatform { name: "Acme", language: Lang::Fr, owner_email: "owner@acme.example", owner_first_name: "Olga", owner_last_name: "Owner" },
    )
    .await
    .unwrap();
    let root = directory::group_tree(db).await.unwrap().root().unwrap();
    let who = Who { actor: None, ip: None };
    let sales = groups::create_subgroup(db, &who, root, "Sales", false).await.unwrap();
    let emea = groups::create_subgroup(db, &who, sales, "EMEA", true).await.unwrap();
    let owner = testing::principal_of(db, "owner@acme.example", &credentials.password).await;
    let who = Who { actor: Some(owner.user_id), ip: None };
    Setup { owner, who, sales, emea, settings: Settings::new("https://learn.acme.example") }
}

async fn invite(db: &TestDb, s: &Setup, group: i64, emails: &str, roles: &[Role]) -> Result<Vec<InviteOutcome>, AppError> {
    invitations::invite(db, &s.settings, &s.owner, &s.who, InviteRequest { group, emails, roles, language: None }).await
}

async fn count(db: &TestDb, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&db.pool).await.unwrap()
}

async fn r21_each_address_gets_its_own_outcome(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.sales, "pending@acme.example", &[Role::Coach]).await.unwrap();
    let outcomes = invite(&db, &s, s.emea, "New@Acme.example, new@ACME.example; not-an-email\nOWNER@acme.example pending@acme.example", &[Role::Learner])
        .await
        .unwrap();
    let results: Vec<(&str, &InviteResult)> = outcomes.iter().map(|o| (o.address.as_str(), &o.result)).collect();
    assert_eq!(
        results,
        vec![
            ("New@Acme.example", &InviteResult::Invited),
            ("new@ACME.example", &InviteResult::Repeated),
            ("not-an-email", &InviteResult::Invalid),
            ("OWNER@acme.example", &InviteResult::ActiveAccount { user_id: s.owner.user_id, may_add_here: true }),
            ("pending@acme.example", &InviteResult::AlreadyInvited),
        ]
    );
    // The pending invitation gained the new group and role; no second email for it.
    let grants: Vec<(i64, String)> = sqlx::query_as(
        "SELECT g.group_id, g.role FROM invitation_grants g JOIN invitations i ON i.id = g.invitation_id WHERE i.email_key = 'pending@acme.example' ORDER BY g.group_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(grants, vec![(s.sales, "coach".to_string()), (s.emea, "learner".to_string())]);
    assert_eq!(count(&db, "outbox_emails").await, 2, "one email per new invitation");
    let stored: String = sqlx::query_scalar("SELECT email FROM invitations WHERE email_key = 'new@acme.example'").fetch_one(&db.pool).await.unwrap();
    assert_eq!(stored, "New@Acme.example", "stored as typed");
}

async fn r22_the_email_carries_a_personal_link_and_only_its_hash_is_stored(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.emea, "ada@acme.example", &[Role::Learner]).await.unwrap();
    let (to, subject, text, language): (String, String, String, String) =
        sqlx::query_as("SELECT to_address, subject, body_text, language FROM outbox_emails").fetch_one(&db.pool).await.unwrap();
    assert_eq!(to, "ada@acme.example");
    assert_eq!(language, "fr", "the platform's language");
    assert_eq!(subject, "Olga Owner vous invite sur Acme");
    let link = text.split_whitespace().find(|w| w.starts_with("https://learn.acme.example/invitation/")).expect("a link from PUBLIC_URL");
    let token = link.rsplit('/').next().unwrap();
    assert_eq!(token.len(), 64, "256 bits");
    let (hash, expires_at, created_at): (String, i64, i64) =
        sqlx::query_as("SELECT token_hash, expires_at, created_at FROM invitations").fetch_one(&db.pool).await.unwrap();
    assert_eq!(hash, token_hash(token));
    assert_ne!(hash, token);
    assert_eq!(expires_at - created_at, 7 * 24 * 3600 * 1000, "R24: the platform's lifetime, 7 days by default");
}

async fn bad_input_gets_field_messages_and_creates_nothing(db: TestDb) {
    let s = setup(&db).await;
    let field = |r: Result<Vec<InviteOutcome>, AppError>, f: &str| r.err().and_then(|e| e.for_field(f).cloned());
    assert_eq!(field(invite(&db, &s, s.emea, " ,; ", &[Role::Learner]).await, "emails"), Some(Msg::Required));
    assert_eq!(field(invite(&db, &s, s.emea, "a@acme.example", &[]).await, "roles"), Some(Msg::ChooseARole));
    let many: Vec<String> = (0..101).map(|i| format!("u{i}@acme.example")).collect();
    assert_eq!(field(invite(&db, &s, s.emea, &many.join(" "), &[Role::Learner]).await, "emails"), Some(Msg::TooManyAddresses { max: 100, count: 101 }));
    assert_eq!((count(&db, "invitations").await, count(&db, "outbox_emails").await), (0, 0));
}

async fn r21_two_admins_inviting_the_same_address_at_once_make_one_invitation_and_one_email(db: TestDb) {
    let s = setup(&db).await;
    for round in 0..100 {
        let address = format!("race{round}@acme.example");
        let upper = address.to_uppercase();
        let (a, b) = tokio::join!(invite(&db, &s, s.emea, &address, &[Role::Learner]), invite(&db, &s, s.sales, &upper, &[Role::Coach]));
        let mut results = vec![a.unwrap().remove(0).result, b.unwrap().remove(0).result];
        results.sort_by_key(|r| format!("{r:?}"));
        assert_eq!(results, vec![InviteResult::AlreadyInvited, InviteResult::Invited], "round {round}");
    }
    assert_eq!(count(&db, "invitations").await, 100);
    assert_eq!(count(&db, "outbox_emails").await, 100, "one email per decided invitation");
    assert_eq!(count(&db, "invitation_grants").await, 200, "both inviters' grants on the one invitation");
}
