//! R90 (issue 15): a token acts as an admin of its group would — the platform group's when it
//! names none, never as the owner — and only while its creator administers the platform; expired
//! or revoked, it is unknown. On SQLite and PostgreSQL.

use app::backend::api_tokens::{self, Presented, TokenCaller};
use app::backend::testing::{self, hasher, TestDb};
use app::backend::{groups, users};
use app::domain::capability::{AddUsersSomewhere, AdministerPlatform, ManageGroup, RemoveRole, SeeBilling};
use app::domain::role::Role;
use app::i18n::Lang;
use app::wire::tokens::{NewApiToken, TokenScope, TokenStatus};
use app::wire::users::NewUser;

use crate::support::{acme, permit};

app::on_both_databases!(r90_a_token_acts_as_an_admin_of_its_group_while_its_creator_administers_the_platform);

async fn caller(db: &TestDb, secret: &str) -> Presented {
    api_tokens::authenticate(db, &Default::default(), secret).await.unwrap()
}

fn works(presented: Presented) -> TokenCaller {
    match presented {
        Presented::Works(caller) => *caller,
        other => panic!("the token should work: {other:?}"),
    }
}

async fn r90_a_token_acts_as_an_admin_of_its_group_while_its_creator_administers_the_platform(db: TestDb) {
    let acme = acme(&db, Lang::En).await;
    // Paula administers the platform (an admin of the platform group).
    let form = NewUser {
        first_name: "Paula".into(),
        last_name: "Admin".into(),
        email: "paula@acme.example".into(),
        password: "a long enough password".into(),
        groups: vec![acme.root],
        roles: vec![Role::Admin],
        ..NewUser::default()
    };
    let paula_id = users::set_up(&db, &acme.settings, &hasher(), &permit(&db, &acme.owner, AddUsersSomewhere).await, &acme.who, &form).await.unwrap().user_id;
    let paula = testing::principal_of(&db, "paula@acme.example", "a long enough password").await;
    let paula_who = app::backend::audit::Who { actor: Some(paula_id), ..Default::default() };
    let make = |name: &str, group: Option<i64>| NewApiToken { name: name.into(), scope: TokenScope::Scim, group, ..NewApiToken::default() };
    let whole = api_tokens::create(&db, &permit(&db, &paula, AdministerPlatform).await, &paula_who, &make("Whole", None)).await.unwrap();
    let limited = api_tokens::create(&db, &permit(&db, &paula, AdministerPlatform).await, &paula_who, &make("Sales only", Some(acme.sales))).await.unwrap();

    // The whole platform: a platform administrator, not the owner (billing is the owner's, R45).
    let token = works(caller(&db, &whole.secret).await);
    assert_eq!(token.principal.user_id, paula_id, "acting for its creator");
    assert!(!token.principal.is_owner && token.principal.is_platform_admin());
    assert!(token.principal.require(AdministerPlatform).is_ok() && token.principal.require(ManageGroup(acme.emea)).is_ok());
    assert!(token.principal.require(SeeBilling).is_err(), "never as the owner");
    assert_eq!(token.who(None).token, Some(whole.id));

    // Limited to Sales: an admin of Sales and below, nothing above or beside.
    let token = works(caller(&db, &limited.secret).await);
    assert_eq!(token.principal.memberships, vec![(acme.sales, Role::Admin)]);
    assert!(token.principal.require(ManageGroup(acme.emea)).is_ok());
    assert!(token.principal.require(ManageGroup(acme.root)).is_err() && token.principal.require(AdministerPlatform).is_err());

    // Paula no longer administers the platform: her tokens stop, and the list says so.
    let removing = permit(&db, &acme.owner, RemoveRole(acme.root, Role::Admin)).await;
    groups::remove_membership(&db, &removing, &acme.who, paula_id).await.unwrap();
    assert!(matches!(caller(&db, &whole.secret).await, Presented::Stopped));
    let list = api_tokens::list(&db, &Default::default(), &permit(&db, &acme.owner, AdministerPlatform).await).await.unwrap();
    assert!(list.rows.iter().all(|row| row.status == TokenStatus::Stopped), "{:?}", list.rows);

    // Expired or revoked: unknown; a secret that is not a token's: unknown.
    let owner_who = &acme.who;
    let owners = api_tokens::create(&db, &permit(&db, &acme.owner, AdministerPlatform).await, owner_who, &make("Owner's", None)).await.unwrap();
    assert!(matches!(caller(&db, &owners.secret).await, Presented::Works(_)));
    sqlx::query("UPDATE api_tokens SET expires_at = 1 WHERE id = $1").bind(owners.id).execute(&db.pool).await.unwrap();
    assert!(matches!(caller(&db, &owners.secret).await, Presented::Unknown));
    let list = api_tokens::list(&db, &Default::default(), &permit(&db, &acme.owner, AdministerPlatform).await).await.unwrap();
    assert_eq!(list.rows.iter().find(|row| row.id == owners.id).unwrap().status, TokenStatus::Expired);
    api_tokens::revoke(&db, &permit(&db, &acme.owner, AdministerPlatform).await, owner_who, limited.id).await.unwrap();
    assert!(matches!(caller(&db, &limited.secret).await, Presented::Unknown));
    assert!(matches!(caller(&db, "roster_not-a-token").await, Presented::Unknown));
    assert!(matches!(caller(&db, "anything else").await, Presented::Unknown));
}
