//! Accounts, login and sessions, the directory and the schema, on SQLite and PostgreSQL.

use app::backend::auth::{self, LoginAttempt};
use app::backend::db::now_ms;
use app::backend::testing::{hasher, TestDb};
use app::backend::tree::TreeCache;
use app::backend::{directory, seed, Principal};
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::Lang;
use app::domain::capability::AddUsersSomewhere;
use crate::support::permit;

app::on_both_databases!(
    init_creates_a_private_platform_group_and_its_owner_once,
    login_accepts_email_in_any_case_and_usernames,
    login_refuses_with_one_generic_error,
    r48_login_is_rate_limited_per_account_and_address_even_for_the_right_password,
    r48_twenty_attempts_at_once_are_counted_before_any_is_checked,
    r48_strangers_cannot_lock_the_person_out,
    r58_a_one_time_password_expires_after_a_week,
    ended_rate_limit_windows_and_expired_sessions_are_purged,
    sessions_end_at_logout_and_expiry,
    a_new_login_replaces_the_browsers_previous_session,
    r27_a_given_password_must_be_changed_and_the_change_ends_other_sessions,
    r10_demo_learners_are_propagated_up_to_the_first_private_group,
    r84_users_are_listed_by_name_searched_by_prefix_and_paged_by_keyset,
    r87_users_sort_by_each_column_either_way_page_by_page,
    r84_large_and_small_sets_give_the_same_pages_and_large_counts_say_more,
    r84_a_group_page_lists_all_its_members_a_page_at_a_time_in_name_order,
    groups_outside_ones_sight_are_not_found,
    the_schema_holds_the_invariants,
);

const OWNER_EMAIL: &str = "Owner@Example.com";

async fn init(db: &TestDb) -> seed::Credentials {
    seed::init(
        db,
        seed::NewPlatform { name: "Acme", language: Lang::Fr, owner_email: OWNER_EMAIL, owner_first_name: "Olga", owner_last_name: "Owner", time_zone: "Europe/Paris" },
    )
    .await
    .expect("init")
}

/// A platform whose owner has chosen their own password (init's one-time password opens one
/// session only, R27).
async fn init_with_own_password(db: &TestDb) -> &'static str {
    const OWN: &str = "the owner's own password";
    init(db).await;
    let hash = hasher().hash(OWN).await.unwrap();
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0").bind(hash).execute(&db.pool).await.unwrap();
    OWN
}

fn attempt<'a>(login: &'a str, password: &'a str) -> LoginAttempt<'a> {
    LoginAttempt { login, password, ip: Some("192.0.2.7"), user_agent: Some("tests"), previous_token: None, device_token: None }
}

async fn init_creates_a_private_platform_group_and_its_owner_once(db: TestDb) {
    assert!(!seed::is_initialised(&db).await.unwrap());
    let owner = init(&db).await;
    assert_eq!(owner.login, OWNER_EMAIL, "stored as typed");
    let (visibility, parent): (String, Option<i64>) =
        sqlx::query_as("SELECT visibility, parent_id FROM groups").fetch_one(&db.pool).await.unwrap();
    assert_eq!((visibility.as_str(), parent), ("private", None));
    let again = seed::init(
        &db,
        seed::NewPlatform { name: "Other", language: Lang::En, owner_email: "x@example.com", owner_first_name: "X", owner_last_name: "Y", time_zone: "UTC" },
    )
    .await;
    assert!(matches!(again, Err(seed::InitError::AlreadyInitialised)), "{again:?}");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&db.pool).await.unwrap();
    assert_eq!(users, 1, "a refused init changes nothing");
    let bad = seed::init(&db, seed::NewPlatform { name: "  ", language: Lang::En, owner_email: "x@example.com", owner_first_name: "", owner_last_name: "", time_zone: "UTC" }).await;
    assert!(matches!(bad, Err(seed::InitError::EmptyName)));
    let unknown_zone = seed::NewPlatform { name: "Other", language: Lang::En, owner_email: "x@example.com", owner_first_name: "X", owner_last_name: "Y", time_zone: "Mars/Olympus" };
    assert!(matches!(seed::init(&db, unknown_zone).await, Err(seed::InitError::UnknownTimeZone(_))));
}

async fn login_accepts_email_in_any_case_and_usernames(db: TestDb) {
    let owner = init(&db).await;
    let logged = auth::log_in(&db, &hasher(), attempt("  owner@EXAMPLE.com ", &owner.password)).await.expect("login by email");
    let principal = Principal::load(&db, &TreeCache::default(), &logged.token, None).await.unwrap().expect("a live session");
    assert!(principal.is_platform_admin() && principal.is_owner);
    assert_eq!(principal.lang, Lang::Fr, "no language of their own: the platform's");

    let hash = hasher().hash("a long field password").await.unwrap();
    sqlx::query(
        "INSERT INTO users (username, username_key, first_name, last_name, language, status, password_hash, created_at)
         VALUES ('Forklift.7', 'forklift.7', 'Fred', 'Field', 'en', 'active', $1, $2)",
    )
    .bind(hash)
    .bind(now_ms())
    .execute(&db.pool)
    .await
    .unwrap();
    let logged = auth::log_in(&db, &hasher(), attempt("FORKLIFT.7", "a long field password")).await.expect("R40: login by username");
    let principal = Principal::load(&db, &TreeCache::default(), &logged.token, None).await.unwrap().unwrap();
    assert_eq!((principal.login.as_str(), principal.lang), ("Forklift.7", Lang::En));
}

async fn login_refuses_with_one_generic_error(db: TestDb) {
    let owner = init(&db).await;
    for (login, password) in [
        (OWNER_EMAIL, "not the password"),
        ("nobody@example.com", owner.password.as_str()),
        ("not an email@", owner.password.as_str()),
        ("", ""),
    ] {
        let refused = auth::log_in(&db, &hasher(), attempt(login, password)).await;
        assert!(matches!(refused, Err(AppError::WrongCredentials)), "{login:?}: {refused:?}");
    }
    sqlx::query("UPDATE users SET status = 'invited'").execute(&db.pool).await.unwrap();
    let invited = auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, &owner.password)).await;
    assert!(matches!(invited, Err(AppError::WrongCredentials)), "an account not yet active cannot log in");
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM auth_sessions").fetch_one(&db.pool).await.unwrap();
    assert_eq!(sessions, 0);
}

async fn r48_login_is_rate_limited_per_account_and_address_even_for_the_right_password(db: TestDb) {
    let owner = init(&db).await;
    for _ in 0..auth::PAIR_LIMIT.max_hits {
        let wrong = auth::log_in(&db, &hasher(), attempt("owner@example.com", "wrong password")).await;
        assert!(matches!(wrong, Err(AppError::WrongCredentials)));
    }
    match auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, &owner.password)).await {
        Err(AppError::TooManyAttempts { retry_after_secs }) => {
            assert!((1..=auth::PAIR_LIMIT.window_secs as u64).contains(&retry_after_secs), "{retry_after_secs}")
        }
        other => panic!("expected a wait, got {other:?}"),
    }
    // Another account from the same address is not locked by this one.
    let other = auth::log_in(&db, &hasher(), attempt("someone@example.com", "whatever it is")).await;
    assert!(matches!(other, Err(AppError::WrongCredentials)));
    // Once the window is over, the right password works again and clears the counter.
    sqlx::query("UPDATE rate_limits SET window_start = window_start - 3600000").execute(&db.pool).await.unwrap();
    auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, &owner.password)).await.expect("after the window");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_limits WHERE key = 'login:pair:owner@example.com:192.0.2.7'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    let audited: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'login%' ORDER BY id").fetch_all(&db.pool).await.unwrap();
    assert_eq!(audited.iter().filter(|a| *a == "login_failed").count(), 6, "five wrong passwords and the unknown account");
    assert_eq!(audited.iter().filter(|a| *a == "login_limited").count(), 1, "the lock-out, once");
}

/// Twenty wrong passwords at once, from one place: the count comes first, so only five reach
/// the password check (the review saw all twenty checked).
async fn r48_twenty_attempts_at_once_are_counted_before_any_is_checked(db: TestDb) {
    init_with_own_password(&db).await;
    let attempts = (0..20).map(|_| {
        let db = db.db.clone();
        tokio::spawn(async move { auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, "a wrong guess at it")).await })
    });
    let mut wrong = 0;
    let mut limited = 0;
    for outcome in futures_join(attempts).await {
        match outcome {
            Err(AppError::WrongCredentials) => wrong += 1,
            Err(AppError::TooManyAttempts { .. }) => limited += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((wrong, limited), (auth::PAIR_LIMIT.max_hits, 20 - auth::PAIR_LIMIT.max_hits));
    let failed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'").fetch_one(&db.pool).await.unwrap();
    assert_eq!(failed, auth::PAIR_LIMIT.max_hits, "only five passwords were checked");
}

async fn futures_join<T: Send + 'static>(tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        out.push(task.await.unwrap());
    }
    out
}

/// Strangers cannot lock the person out (R48): guesses from one address lock that address only;
/// guesses from everywhere lock out new browsers, but the browser the person logged in with
/// before (its device cookie) still gets in.
async fn r48_strangers_cannot_lock_the_person_out(db: TestDb) {
    let password = init_with_own_password(&db).await;
    let mine = auth::log_in(&db, &hasher(), LoginAttempt { ip: Some("198.51.100.1"), ..attempt(OWNER_EMAIL, password) }).await.unwrap();
    let device = mine.new_device_token.clone().expect("a first login gets a device cookie");
    for _ in 0..auth::PAIR_LIMIT.max_hits {
        let _ = auth::log_in(&db, &hasher(), LoginAttempt { ip: Some("203.0.113.9"), ..attempt(OWNER_EMAIL, "a stranger's guess") }).await;
    }
    let stranger = auth::log_in(&db, &hasher(), LoginAttempt { ip: Some("203.0.113.9"), ..attempt(OWNER_EMAIL, password) }).await;
    assert!(matches!(stranger, Err(AppError::TooManyAttempts { .. })), "that address waits");
    auth::log_in(&db, &hasher(), LoginAttempt { ip: Some("198.51.100.77"), ..attempt(OWNER_EMAIL, password) }).await.expect("from elsewhere, the person gets in");

    // A stranger with many addresses reaches the account's ceiling...
    sqlx::query("UPDATE rate_limits SET hits = $1 WHERE key = 'login:account:owner@example.com'").bind(auth::ACCOUNT_CEILING.max_hits).execute(&db.pool).await.unwrap();
    let new_browser = auth::log_in(&db, &hasher(), LoginAttempt { ip: Some("192.0.2.200"), ..attempt(OWNER_EMAIL, password) }).await;
    assert!(matches!(new_browser, Err(AppError::TooManyAttempts { .. })), "a browser never seen waits");
    // ...but the person's own browser, even from the stranger's address, still gets in.
    let back = auth::log_in(&db, &hasher(), LoginAttempt { ip: Some("203.0.113.9"), device_token: Some(&device), ..attempt(OWNER_EMAIL, password) }).await.expect("the device cookie is let through");
    assert!(back.new_device_token.is_none(), "the browser keeps its cookie");
    // A device cookie is the account's: it does not help with another one.
    let other = auth::log_in(&db, &hasher(), LoginAttempt { ip: Some("192.0.2.200"), device_token: Some("0123456789abcdef"), ..attempt(OWNER_EMAIL, password) }).await;
    assert!(matches!(other, Err(AppError::TooManyAttempts { .. })), "a forged cookie is a stranger's");
}

async fn r58_a_one_time_password_expires_after_a_week(db: TestDb) {
    let owner = init(&db).await;
    let expires: i64 = sqlx::query_scalar("SELECT password_expires_at FROM users").fetch_one(&db.pool).await.unwrap();
    assert!((expires - now_ms() - auth::ONE_TIME_PASSWORD_LIFETIME_MS).abs() < 60_000, "a week from now");
    sqlx::query("UPDATE users SET password_expires_at = $1").bind(now_ms() - 1).execute(&db.pool).await.unwrap();
    let late = auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, &owner.password)).await;
    assert!(matches!(late, Err(AppError::WrongCredentials)), "{late:?}");
    let again = auth::reset_to_one_time_password(&db, OWNER_EMAIL).await.unwrap();
    let fresh = auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, &again)).await.expect("a new one works");
    assert!(fresh.must_change_password);
}

async fn ended_rate_limit_windows_and_expired_sessions_are_purged(db: TestDb) {
    let password = init_with_own_password(&db).await;
    let day_ago = now_ms() - 25 * 3600 * 1000;
    sqlx::query("INSERT INTO rate_limits (key, window_start, hits) VALUES ('login:ip:old', $1, 9), ('login:ip:new', $2, 1)").bind(day_ago).bind(now_ms()).execute(&db.pool).await.unwrap();
    let session = auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, password)).await.unwrap();
    sqlx::query("UPDATE auth_sessions SET expires_at = $1").bind(day_ago).execute(&db.pool).await.unwrap();
    assert!(app::backend::rate_limit::purge_ended(&db).await.unwrap() >= 1);
    assert_eq!(auth::purge_expired(&db).await.unwrap(), 1);
    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM rate_limits ORDER BY key").fetch_all(&db.pool).await.unwrap();
    assert!(keys.contains(&"login:ip:new".to_string()) && !keys.contains(&"login:ip:old".to_string()), "{keys:?}");
    assert!(Principal::load(&db, &TreeCache::default(), &session.token, None).await.unwrap().is_none());
}

async fn sessions_end_at_logout_and_expiry(db: TestDb) {
    let password = init_with_own_password(&db).await;
    let first = auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, password)).await.unwrap();
    let second = auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, password)).await.unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM auth_sessions").fetch_all(&db.pool).await.unwrap();
    assert!(!stored.contains(&first.token), "tokens are stored hashed");
    auth::log_out(&db, &first.token).await.unwrap();
    assert!(Principal::load(&db, &TreeCache::default(), &first.token, None).await.unwrap().is_none());
    assert!(Principal::load(&db, &TreeCache::default(), &second.token, None).await.unwrap().is_some(), "logging out ends only that session");
    sqlx::query("UPDATE auth_sessions SET expires_at = $1").bind(now_ms() - 1).execute(&db.pool).await.unwrap();
    assert!(Principal::load(&db, &TreeCache::default(), &second.token, None).await.unwrap().is_none(), "expired");
    assert!(Principal::load(&db, &TreeCache::default(), "garbage", None).await.unwrap().is_none());
}

async fn a_new_login_replaces_the_browsers_previous_session(db: TestDb) {
    let password = init_with_own_password(&db).await;
    let before = auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, password)).await.unwrap();
    let after = auth::log_in(&db, &hasher(), LoginAttempt { previous_token: Some(&before.token), ..attempt(OWNER_EMAIL, password) })
        .await
        .unwrap();
    assert_ne!(before.token, after.token);
    assert!(Principal::load(&db, &TreeCache::default(), &before.token, None).await.unwrap().is_none(), "the old session id is dead");
    assert!(Principal::load(&db, &TreeCache::default(), &after.token, None).await.unwrap().is_some());
}

async fn r27_a_given_password_must_be_changed_and_the_change_ends_other_sessions(db: TestDb) {
    let owner = init(&db).await;
    let here = auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, &owner.password)).await.unwrap();
    assert!(here.must_change_password, "init hands out a one-time password");
    let again = auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, &owner.password)).await;
    assert!(matches!(again, Err(AppError::WrongCredentials)), "it opens one session only");
    let principal = Principal::load(&db, &TreeCache::default(), &here.token, None).await.unwrap().unwrap();
    assert!(principal.must_change_password);
    auth::change_password(&db, &hasher(), principal.user_id, &principal.session, "my own long secret").await.unwrap();
    assert!(!Principal::load(&db, &TreeCache::default(), &here.token, None).await.unwrap().unwrap().must_change_password);
    let old = auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, &owner.password)).await;
    assert!(matches!(old, Err(AppError::WrongCredentials)), "the one-time password works no more");
    let elsewhere = auth::log_in(&db, &hasher(), attempt(OWNER_EMAIL, "my own long secret")).await.unwrap();
    assert!(!elsewhere.must_change_password);
    auth::change_password(&db, &hasher(), principal.user_id, &principal.session, "another long secret").await.unwrap();
    assert!(Principal::load(&db, &TreeCache::default(), &elsewhere.token, None).await.unwrap().is_none(), "a change ends the other sessions");
    assert!(Principal::load(&db, &TreeCache::default(), &here.token, None).await.unwrap().is_some());
}

async fn r10_demo_learners_are_propagated_up_to_the_first_private_group(db: TestDb) {
    seed::demo(&db, &hasher()).await.unwrap();
    let tree = app::backend::tree::group_tree(&db).await.unwrap();
    let id_of = |name: &str| {
        let root = tree.root().unwrap();
        tree.subtree(root).into_iter().find(|id| tree.get(*id).unwrap().name == name).unwrap()
    };
    let (paris, emea, sales) = (id_of("Paris office"), id_of("Sales EMEA"), id_of("Sales"));
    let learners_of = |group: i64| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_as::<_, (i64, Option<i64>)>("SELECT user_id, propagated_from FROM memberships WHERE group_id = $1 AND role = 'learner' ORDER BY user_id")
                .bind(group)
                .fetch_all(&pool)
                .await
                .unwrap()
        }
    };
    let in_paris = learners_of(paris).await;
    assert!(!in_paris.is_empty());
    assert!(in_paris.iter().all(|(_, from)| from.is_none()), "direct memberships");
    for above in [emea, sales] {
        let propagated: Vec<i64> = learners_of(above).await.into_iter().filter(|(_, from)| *from == Some(paris)).map(|(u, _)| u).collect();
        let direct: Vec<i64> = in_paris.iter().map(|(u, _)| *u).collect();
        assert_eq!(propagated, direct, "R10/R11: Paris learners are learners of group {above}, remembering Paris");
    }
    let root = tree.root().unwrap();
    let beyond: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE group_id = $1 AND propagated_from = $2")
        .bind(root)
        .bind(paris)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(beyond, 0, "the climb stops at Sales, the first private group");
}

async fn r84_users_are_listed_by_name_searched_by_prefix_and_paged_by_keyset(db: TestDb) {
    use app::backend::users;
    use app::wire::users::{UserFilter, UsersAt};
    let demo = seed::demo(&db, &hasher()).await.unwrap();
    let owner = app::backend::testing::principal_of(&db, "owner@northwind.example", &demo.owner.password).await;
    let list = |search: &str, at: UsersAt| {
        let filter = UserFilter { search: search.to_string(), ..UserFilter::default() };
        let (db, owner) = (&db, &owner);
        async move { users::list(db, &permit(db, owner, AddUsersSomewhere).await, &filter, at).await.unwrap() }
    };
    let ids = |rows: &[app::wire::users::UserRow]| rows.iter().map(|u| u.id).collect::<Vec<_>>();
    let first = list("", UsersAt::default()).await;
    assert_eq!((first.total, first.rows.len(), first.previous), (Some(37), 25, None));
    let names: Vec<String> = first.rows.iter().map(|u| u.last_name.to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "ordered by last name");
    let second = list("", first.next.expect("a next page")).await;
    assert_eq!((second.rows.len(), second.next), (12, None));
    assert!(second.rows.iter().all(|u| !first.rows.iter().any(|f| f.id == u.id)), "no row on two pages");
    let back = list("", second.previous.expect("a previous page")).await;
    assert_eq!(ids(&back.rows), ids(&first.rows), "back to the first page's rows");
    assert_eq!(back.previous, None);

    let by_name = list("DUBOIS", UsersAt::default()).await;
    assert_eq!(by_name.rows.iter().map(|u| u.first_name.as_str()).collect::<Vec<_>>(), vec!["Chloé"]);
    assert_eq!(list("chloé dub", UsersAt::default()).await.total, Some(1), "first name then last name, accents kept");
    assert_eq!(list("noah schm", UsersAt::default()).await.total, Some(1));
    assert_eq!(list("owner@northwind", UsersAt::default()).await.rows[0].login, "owner@northwind.example");
    assert_eq!(list("ubois", UsersAt::default()).await.total, Some(0), "the start of a name, not any part of it");
    assert_eq!(list("%", UsersAt::default()).await.total, Some(0), "% is searched for, not a wildcard");

    // R62: a page cannot start at someone one does not see — where their name falls in the
    // order is not for a user admin of Sales EMEA to learn.
    let ulysse = app::backend::testing::principal_of(&db, "emea.useradmin@northwind.example", &demo.owner.password).await;
    let permit = permit(&db, &ulysse, AddUsersSomewhere).await;
    let seen = users::list(&db, &permit, &UserFilter::default(), UsersAt::default()).await.unwrap();
    assert!(!seen.rows.is_empty() && !seen.rows.iter().any(|u| u.id == owner.user_id));
    for at in [UsersAt { after: Some(owner.user_id), before: None }, UsersAt { after: None, before: Some(owner.user_id) }] {
        assert!(users::list(&db, &permit, &UserFilter::default(), at).await.unwrap().rows.is_empty(), "{at:?}");
    }
    let inside = UsersAt { after: Some(seen.rows[0].id), before: None };
    assert_eq!(users::list(&db, &permit, &UserFilter::default(), inside).await.unwrap().rows.first().map(|u| u.id), seen.rows.get(1).map(|u| u.id));
}

/// R87: USERS in each order, either way: walked forwards page by page, then back from the last
/// page, every user comes once, in that order — for the owner (read on the order's index) and
/// for a user admin of Sales EMEA (whose few users are sorted).
async fn r87_users_sort_by_each_column_either_way_page_by_page(db: TestDb) {
    use app::backend::users;
    use app::wire::users::{UserFilter, UsersAt, UsersColumn, UsersSort};
    let demo = seed::demo(&db, &hasher()).await.unwrap();
    let owner = app::backend::testing::principal_of(&db, "owner@northwind.example", &demo.owner.password).await;
    let ulysse = app::backend::testing::principal_of(&db, "emea.useradmin@northwind.example", &demo.owner.password).await;
    // Ties in creation, accounts never activated, first logins pending (the two above aside).
    sqlx::query(
        "UPDATE users SET created_at = 1000 * (id % 5), activated_at = CASE WHEN id % 3 = 0 THEN NULL ELSE 7000 - id END,
         must_change_password = CASE WHEN id % 4 = 0 THEN 1 ELSE 0 END WHERE id NOT IN ($1, $2)",
    )
    .bind(owner.user_id)
    .bind(ulysse.user_id)
    .execute(&db.pool)
    .await
    .unwrap();
    // By name as R84 orders (tested there), then as each column says.
    let by_name: Vec<(i64, i64, i64, Option<i64>)> =
        sqlx::query_as("SELECT id, must_change_password, created_at, activated_at FROM users WHERE deleted_at IS NULL ORDER BY lower(last_name), lower(first_name), id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let expected = |column: UsersColumn, descending: bool, among: &[i64]| {
        let mut rows: Vec<_> = by_name.iter().copied().filter(|(id, ..)| among.contains(id)).collect();
        match column {
            UsersColumn::Name => {}
            UsersColumn::Status => rows.sort_by_key(|&(_, pending, ..)| pending),
            UsersColumn::CreatedOn => rows.sort_by_key(|&(id, _, created, _)| (created, id)),
            UsersColumn::ActivatedOn => rows.sort_by_key(|&(id, _, _, activated)| (activated.unwrap_or(0), id)),
        }
        let mut ids: Vec<i64> = rows.into_iter().map(|(id, ..)| id).collect();
        if descending {
            ids.reverse();
        }
        ids
    };
    for viewer in [&owner, &ulysse] {
        let permit = permit(&db, viewer, AddUsersSomewhere).await;
        let everyone = users::list(&db, &permit, &UserFilter::default(), UsersAt::default()).await.unwrap();
        let mut seen: Vec<i64> = Vec::new();
        let mut at = UsersAt::default();
        loop {
            let page = users::list(&db, &permit, &UserFilter::default(), at).await.unwrap();
            seen.extend(page.rows.iter().map(|r| r.id));
            let Some(next) = page.next else { break };
            at = next;
        }
        assert_eq!(seen.len() as u64, everyone.total.unwrap());
        for &column in <UsersColumn as app::wire::sort::SortColumn>::ALL {
            for descending in [false, true] {
                let filter = UserFilter { sort: UsersSort { column, descending }, ..UserFilter::default() };
                let (mut forwards, mut pages, mut at) = (Vec::new(), Vec::new(), UsersAt::default());
                loop {
                    let page = users::list(&db, &permit, &filter, at).await.unwrap();
                    forwards.extend(page.rows.iter().map(|r| r.id));
                    pages.push(page.rows.len());
                    let Some(next) = page.next else { break };
                    at = next;
                }
                let want = expected(column, descending, &seen);
                assert_eq!(forwards, want, "{} by {column:?}, descending: {descending}", viewer.login);
                // Back from the last page.
                let mut last = users::list(&db, &permit, &filter, UsersAt::default()).await.unwrap();
                while let Some(next) = last.next {
                    last = users::list(&db, &permit, &filter, next).await.unwrap();
                }
                let mut backwards: Vec<i64> = last.rows.iter().map(|r| r.id).collect();
                let mut before = last.previous;
                while let Some(at) = before {
                    let page = users::list(&db, &permit, &filter, at).await.unwrap();
                    backwards.splice(0..0, page.rows.iter().map(|r| r.id));
                    before = page.previous;
                }
                assert_eq!(backwards, want, "{} by {column:?}, descending: {descending}, paged back", viewer.login);
                assert!(pages.len() > 1 || viewer.user_id == ulysse.user_id, "the owner's list has pages");
            }
        }
    }
}

/// R84: large sets (a group of 2,100, a search finding them all) are walked in name order and
/// small ones started from; both give the same pages, and past 1,000 the count says "more".
async fn r84_large_and_small_sets_give_the_same_pages_and_large_counts_say_more(db: TestDb) {
    use app::backend::users;
    use app::wire::users::{UserFilter, UsersAt, USERS_PER_PAGE};
    let demo = seed::demo(&db, &hasher()).await.unwrap();
    let owner = app::backend::testing::principal_of(&db, "owner@northwind.example", &demo.owner.password).await;
    let group = |name: &'static str| {
        let db = &db;
        async move { sqlx::query_scalar::<_, i64>("SELECT id FROM groups WHERE name = $1").bind(name).fetch_one(&db.pool).await.unwrap() }
    };
    let (engineering, americas) = (group("Engineering").await, group("Sales Americas").await);
    sqlx::query(
        "INSERT INTO users (email, email_key, first_name, last_name, status, created_at)
         WITH RECURSIVE s(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM s WHERE i < 2100)
         SELECT 'bulk' || i || '@example.com', 'bulk' || i || '@example.com', 'Bea', 'Zed' || (i % 97), 'active', 0 FROM s",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let placed = format!("INSERT INTO memberships (user_id, group_id, role, created_at) SELECT id, CASE WHEN id % 70 = 0 THEN {americas} ELSE {engineering} END, 'learner', 0 FROM users WHERE email_key LIKE 'bulk%'");
    sqlx::query(&placed).execute(&db.pool).await.unwrap();
    let all: Vec<(i64, i64)> = sqlx::query_as("SELECT u.id, m.group_id FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email_key LIKE 'bulk%' ORDER BY lower(u.last_name), lower(u.first_name), u.id")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    let expected = |group: Option<i64>| all.iter().filter(|(_, g)| group.is_none_or(|x| *g == x)).map(|(id, _)| *id).collect::<Vec<_>>();
    let walk = |filter: UserFilter| {
        let (db, owner) = (&db, &owner);
        async move {
            let permit = permit(db, owner, AddUsersSomewhere).await;
            let (mut at, mut seen, mut total) = (UsersAt::default(), Vec::new(), None);
            loop {
                let page = users::list(db, &permit, &filter, at).await.unwrap();
                assert!(page.rows.len() <= USERS_PER_PAGE as usize);
                total = total.or(Some(page.total));
                assert_eq!(Some(page.total), total, "every page counts the whole list");
                if let (true, Some(first)) = (seen.is_empty(), page.rows.first()) {
                    // The page before the first: no one, and the same count.
                    let before = users::list(db, &permit, &filter, UsersAt { after: None, before: Some(first.id) }).await.unwrap();
                    assert_eq!((before.rows.len(), before.total), (0, page.total), "the page before the first");
                }
                seen.extend(page.rows.iter().map(|r| r.id));
                match page.next {
                    Some(next) => at = next,
                    None => return (seen, total.unwrap()),
                }
            }
        }
    };
    let (large, total) = walk(UserFilter { groups: vec![engineering], search: "zed".into(), ..UserFilter::default() }).await;
    assert_eq!((large, total), (expected(Some(engineering)), None), "a large group: every page in name order, counted as more than 1,000");
    let (small, total) = walk(UserFilter { groups: vec![americas], search: "ZED".into(), ..UserFilter::default() }).await;
    assert_eq!((small.clone(), total), (expected(Some(americas)), Some(30)), "a small group");
    let (searched, total) = walk(UserFilter { search: "bea zed".into(), ..UserFilter::default() }).await;
    assert_eq!((searched, total), (expected(None), None), "a search finding 2,100 users");
    // One group and nothing else: its members counted on the memberships index, each once.
    let (members, total) = walk(UserFilter { groups: vec![americas], ..UserFilter::default() }).await;
    let americas_members: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT user_id) FROM memberships WHERE group_id = $1").bind(americas).fetch_one(&db.pool).await.unwrap();
    assert_eq!((members.len(), total), (americas_members as usize, Some(americas_members as u64)), "a small group alone");
    let (_, total) = walk(UserFilter { groups: vec![engineering], ..UserFilter::default() }).await;
    assert_eq!(total, None, "a large group alone: more than 1,000");
}

async fn groups_outside_ones_sight_are_not_found(db: TestDb) {
    seed::demo(&db, &hasher()).await.unwrap();
    let tree = app::backend::tree::group_tree(&db).await.unwrap();
    let root = tree.root().unwrap();
    let engineering = tree.children(root).iter().copied().find(|g| tree.get(*g).unwrap().name == "Engineering").unwrap();
    let sales = tree.children(root).iter().copied().find(|g| tree.get(*g).unwrap().name == "Sales").unwrap();
    let learner = Principal {
        user_id: 0,
        first_name: "L".into(),
        last_name: "L".into(),
        login: "l@example.com".into(),
        lang: Lang::En,
        is_owner: false,
        must_change_password: false,
        memberships: vec![(engineering, Role::Learner), (root, Role::Learner)],
        instructs: vec![],
        tree: std::sync::Arc::new(tree.clone()),
        platform_name: "Northwind Academy".into(),
        zone: chrono_tz::Tz::UTC,
        session: String::new(),
    };
    let view = directory::group_view(&db, &learner, engineering, Default::default()).await.unwrap();
    assert_eq!(view.name, "Engineering");
    assert!(matches!(directory::group_view(&db, &learner, sales, Default::default()).await, Err(AppError::NotFound)));
    assert!(matches!(directory::group_view(&db, &learner, 999_999, Default::default()).await, Err(AppError::NotFound)));
    let shell = directory::shell_data(&learner, None);
    assert_eq!(shell.tree.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), vec!["Northwind Academy", "Engineering"]);
    assert!(!shell.may_add_users && !shell.may_see_dashboard);
}

async fn the_schema_holds_the_invariants(db: TestDb) {
    use sqlx::error::ErrorKind::{CheckViolation, UniqueViolation};
    init(&db).await;
    let root: i64 = sqlx::query_scalar("SELECT id FROM groups").fetch_one(&db.pool).await.unwrap();
    let owner: i64 = sqlx::query_scalar("SELECT id FROM users").fetch_one(&db.pool).await.unwrap();
    let now = now_ms();
    let refused = |sql: String, kind: sqlx::error::ErrorKind| {
        let pool = db.pool.clone();
        async move {
            match sqlx::query(&sql).execute(&pool).await {
                Err(sqlx::Error::Database(e)) if e.kind() == kind => {}
                other => panic!("{sql}\nshould be refused with {kind:?}, got {other:?}"),
            }
        }
    };
    // Unique (user, group, role).
    refused(format!("INSERT INTO memberships (user_id, group_id, role, created_at) VALUES ({owner}, {root}, 'admin', {now})"), UniqueViolation).await;
    // The platform group is the only root, and stays private.
    refused(format!("INSERT INTO groups (parent_id, name, name_key, visibility, created_at) VALUES (NULL, 'Root 2', 'root 2', 'private', {now})"), UniqueViolation).await;
    refused(format!("UPDATE groups SET visibility = 'public' WHERE id = {root}"), CheckViolation).await;
    // Sibling groups have distinct names, whatever their case.
    sqlx::query(&format!("INSERT INTO groups (parent_id, name, name_key, visibility, created_at) VALUES ({root}, 'Sales', 'sales', 'public', {now})"))
        .execute(&db.pool)
        .await
        .unwrap();
    refused(format!("INSERT INTO groups (parent_id, name, name_key, visibility, created_at) VALUES ({root}, 'SALES', 'sales', 'public', {now})"), UniqueViolation).await;
    // Emails are unique by their normalised key.
    refused(
        format!("INSERT INTO users (email, email_key, first_name, last_name, status, created_at) VALUES ('OWNER@example.com', 'owner@example.com', 'A', 'B', 'active', {now})"),
        UniqueViolation,
    )
    .await;
    // One pending invitation per normalised email.
    let invite = |token: &str| {
        format!(
            "INSERT INTO invitations (email, email_key, token_hash, status, invited_by, created_at, expires_at)
             VALUES ('New@example.com', 'new@example.com', '{token}', 'pending', {owner}, {now}, {now})"
        )
    };
    sqlx::query(&invite("t1")).execute(&db.pool).await.unwrap();
    refused(invite("t2"), UniqueViolation).await;
    // One billing activation per user.
    let bill = format!("INSERT INTO billing_events (user_id, reason, billed_at) VALUES ({owner}, 'activation', {now})");
    sqlx::query(&bill).execute(&db.pool).await.unwrap();
    refused(bill, UniqueViolation).await;
}

/// R84: a group of 130 members is shown 50 at a time, in name order, each member once, with
/// their roles there.
async fn r84_a_group_page_lists_all_its_members_a_page_at_a_time_in_name_order(db: TestDb) {
    use app::wire::users::UsersAt;
    let demo = seed::demo(&db, &hasher()).await.unwrap();
    let owner = app::backend::testing::principal_of(&db, "owner@northwind.example", &demo.owner.password).await;
    let engineering: i64 = sqlx::query_scalar("SELECT id FROM groups WHERE name = 'Engineering'").fetch_one(&db.pool).await.unwrap();
    sqlx::query(
        "INSERT INTO users (email, email_key, first_name, last_name, status, created_at)
         WITH RECURSIVE s(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM s WHERE i < 120)
         SELECT 'eng' || i || '@example.com', 'eng' || i || '@example.com', 'Eve', 'Eng' || (i % 13), 'active', 0 FROM s",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let placed = format!("INSERT INTO memberships (user_id, group_id, role, created_at) SELECT id, {engineering}, 'learner', 0 FROM users WHERE email_key LIKE 'eng%@example.com'");
    sqlx::query(&placed).execute(&db.pool).await.unwrap();
    let expected: Vec<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.group_id = $1) ORDER BY lower(u.last_name), lower(u.first_name), u.id",
    )
    .bind(engineering)
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(expected.len() > 120);
    // A member holding two roles of the group is counted once.
    sqlx::query(&format!("INSERT INTO memberships (user_id, group_id, role, created_at) SELECT id, {engineering}, 'coach', 0 FROM users WHERE email_key = 'eng1@example.com'"))
        .execute(&db.pool)
        .await
        .unwrap();
    let (mut at, mut seen, mut pages) = (UsersAt::default(), Vec::new(), 0);
    loop {
        let view = directory::group_view(&db, &owner, engineering, at).await.unwrap();
        assert_eq!(view.member_count, Some(expected.len() as u64));
        let members = view.members.expect("the owner sees the members");
        assert!(members.len() <= 50 && members.iter().all(|m| !m.roles.is_empty()));
        seen.extend(members.iter().map(|m| m.user_id));
        pages += 1;
        match view.members_next {
            Some(next) => at = next,
            None => break,
        }
    }
    assert_eq!((seen, pages), (expected.clone(), expected.len().div_ceil(50)));
    // A page cannot start at someone who is not a member (R62): no one is shown.
    let outsider: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email_key = 'sales.admin@northwind.example'").fetch_one(&db.pool).await.unwrap();
    let view = directory::group_view(&db, &owner, engineering, UsersAt { after: Some(outsider), before: None }).await.unwrap();
    assert_eq!(view.members.map(|m| m.len()), Some(0));
}
