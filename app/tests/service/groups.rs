//! Service tests of the group tree and memberships, on SQLite and PostgreSQL.

use app::backend::audit::Who;
use app::backend::testing::{self, TestDb};
use app::backend::{groups, users, Permit, Principal};
use app::domain::capability::{AddToGroup, ManageGroup, RemoveRole};
use app::domain::group_tree::GroupId;
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::Msg;

app::on_both_databases!(
    r52_subgroups_are_created_named_uniquely_among_siblings_and_renamed,
    r10_r11_adding_a_learner_climbs_to_the_first_private_group_and_remembers_its_source,
    r13_other_roles_stay_where_they_are_given,
    r11_making_a_group_private_keeps_learners_already_propagated,
    r52_moves_refuse_cycles_and_moving_the_platform_group,
    the_platform_group_stays_private,
    two_admins_adding_the_same_membership_at_once_make_one,
    every_change_is_in_the_audit_log,
    unknown_users_and_groups_get_clear_messages,
    a_transaction_reads_the_groups_again_only_when_the_tree_changed,
);

/// The owner, and their permits: a platform administrator may do all of these anywhere.
struct Fixture {
    who: Who,
    owner: Principal,
    root: GroupId,
}

impl Fixture {
    fn manage(&self, group: GroupId) -> Permit<'_, ManageGroup> {
        self.owner.require(ManageGroup(group)).unwrap()
    }
    async fn adding(&self, db: &TestDb, group: GroupId, roles: &[Role]) -> Permit<'static, AddToGroup> {
        testing::as_of_now(db, &self.owner).await.require(AddToGroup::new(group, roles)).unwrap()
    }
    async fn removing(&self, db: &TestDb, group: GroupId, role: Role) -> Permit<'static, RemoveRole> {
        testing::as_of_now(db, &self.owner).await.require(RemoveRole(group, role)).unwrap()
    }
}

async fn fixture(db: &TestDb) -> Fixture {
    let acme = testing::acme(db, app::i18n::Lang::En).await;
    let owner = testing::principal_of(db, "owner@acme.example", &acme.owner_password).await;
    Fixture { who: Who { actor: Some(acme.owner), token: None, ip: Some("192.0.2.1".into()) }, owner, root: acme.root }
}

async fn user(db: &TestDb, email: &str) -> i64 {
    testing::insert_user(db, email, None).await
}

/// (group, role, propagated_from) of a user, sorted.
async fn memberships_of(db: &TestDb, user: i64) -> Vec<(GroupId, String, Option<GroupId>)> {
    sqlx::query_as("SELECT group_id, role, propagated_from FROM memberships WHERE user_id = $1 ORDER BY group_id, role")
        .bind(user)
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

fn field_msg(result: Result<impl std::fmt::Debug, AppError>, field: &str) -> Msg {
    match result {
        Err(e) => e.for_field(field).cloned().unwrap_or_else(|| panic!("no message for {field}: {e:?}")),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}

async fn r52_subgroups_are_created_named_uniquely_among_siblings_and_renamed(db: TestDb) {
    let f = fixture(&db).await;
    let sales = groups::create_subgroup(&db, &f.manage(f.root), &f.who, "  Sales   team ", false).await.unwrap();
    let tree = app::backend::tree::group_tree(&db).await.unwrap();
    assert_eq!(tree.get(sales).unwrap().name, "Sales team", "spaces are tidied");
    assert_eq!(field_msg(groups::create_subgroup(&db, &f.manage(f.root), &f.who, "SALES TEAM", true).await, "name"), Msg::GroupNameTaken);
    assert_eq!(field_msg(groups::create_subgroup(&db, &f.manage(f.root), &f.who, "   ", true).await, "name"), Msg::Required);
    assert_eq!(field_msg(groups::create_subgroup(&db, &f.manage(f.root), &f.who, &"x".repeat(101), true).await, "name"), Msg::NameTooLong { max: 100 });
    // The same name is fine under another parent.
    let emea = groups::create_subgroup(&db, &f.manage(sales), &f.who, "EMEA", true).await.unwrap();
    groups::create_subgroup(&db, &f.manage(emea), &f.who, "Sales team", true).await.unwrap();
    let other = groups::create_subgroup(&db, &f.manage(f.root), &f.who, "Support", false).await.unwrap();
    assert_eq!(field_msg(groups::rename(&db, &f.manage(other), &f.who, "sales team").await, "name"), Msg::GroupNameTaken);
    groups::rename(&db, &f.manage(other), &f.who, "Customer support").await.unwrap();
    groups::rename(&db, &f.manage(other), &f.who, "Customer Support").await.unwrap();
    let tree = app::backend::tree::group_tree(&db).await.unwrap();
    assert_eq!(tree.get(other).unwrap().name, "Customer Support", "a change of case only is a rename");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM groups").fetch_one(&db.pool).await.unwrap();
    assert_eq!(count, 5, "refused changes created nothing");
}

async fn r10_r11_adding_a_learner_climbs_to_the_first_private_group_and_remembers_its_source(db: TestDb) {
    let f = fixture(&db).await;
    let sales = groups::create_subgroup(&db, &f.manage(f.root), &f.who, "Sales", false).await.unwrap();
    let emea = groups::create_subgroup(&db, &f.manage(sales), &f.who, "EMEA", true).await.unwrap();
    let paris = groups::create_subgroup(&db, &f.manage(emea), &f.who, "Paris", true).await.unwrap();
    let ada = user(&db, "ada@acme.example").await;
    groups::add_member(&db, crate::support::settings(), &f.adding(&db, paris, &[Role::Learner]).await, &f.who, ada).await.unwrap();
    let mut expected = vec![
        (sales, "learner".to_string(), Some(paris)),
        (emea, "learner".to_string(), Some(paris)),
        (paris, "learner".to_string(), None),
    ];
    expected.sort();
    assert_eq!(memberships_of(&db, ada).await, expected, "up to and including Sales, the first private group; not the platform group");
    // Adding her directly to EMEA makes that membership direct; the climb adds nothing new.
    groups::add_member(&db, crate::support::settings(), &f.adding(&db, emea, &[Role::Learner]).await, &f.who, ada).await.unwrap();
    let direct_emea = memberships_of(&db, ada).await.into_iter().find(|m| m.0 == emea).unwrap();
    assert_eq!(direct_emea.2, None);
    // Adding again changes nothing.
    let before = memberships_of(&db, ada).await;
    groups::add_member(&db, crate::support::settings(), &f.adding(&db, paris, &[Role::Learner]).await, &f.who, ada).await.unwrap();
    assert_eq!(memberships_of(&db, ada).await, before);
    // Removing Paris keeps what was propagated from it (R11).
    groups::remove_membership(&db, &f.removing(&db, paris, Role::Learner).await, &f.who, ada).await.unwrap();
    assert!(memberships_of(&db, ada).await.iter().any(|m| m.0 == sales && m.2 == Some(paris)));
}

async fn r13_other_roles_stay_where_they_are_given(db: TestDb) {
    let f = fixture(&db).await;
    let sales = groups::create_subgroup(&db, &f.manage(f.root), &f.who, "Sales", false).await.unwrap();
    let emea = groups::create_subgroup(&db, &f.manage(sales), &f.who, "EMEA", true).await.unwrap();
    let bob = user(&db, "bob@acme.example").await;
    groups::add_member(&db, crate::support::settings(), &f.adding(&db, emea, &[Role::Coach, Role::Admin, Role::Author, Role::UserAdmin]).await, &f.who, bob).await.unwrap();
    assert!(memberships_of(&db, bob).await.iter().all(|m| m.0 == emea && m.2.is_none()));
    assert_eq!(field_msg(groups::add_member(&db, crate::support::settings(), &f.adding(&db, emea, &[]).await, &f.who, bob).await, "roles"), Msg::ChooseARole);
}

async fn r11_making_a_group_private_keeps_learners_already_propagated(db: TestDb) {
    let f = fixture(&db).await;
    let sales = groups::create_subgroup(&db, &f.manage(f.root), &f.who, "Sales", false).await.unwrap();
    let emea = groups::create_subgroup(&db, &f.manage(sales), &f.who, "EMEA", true).await.unwrap();
    let cleo = user(&db, "cleo@acme.example").await;
    groups::add_member(&db, crate::support::settings(), &f.adding(&db, emea, &[Role::Learner]).await, &f.who, cleo).await.unwrap();
    groups::set_visibility(&db, &f.manage(emea), &f.who, false).await.unwrap();
    assert!(memberships_of(&db, cleo).await.contains(&(sales, "learner".into(), Some(emea))));
    // New learners of the now private group stay there.
    let dan = user(&db, "dan@acme.example").await;
    groups::add_member(&db, crate::support::settings(), &f.adding(&db, emea, &[Role::Learner]).await, &f.who, dan).await.unwrap();
    assert_eq!(memberships_of(&db, dan).await, vec![(emea, "learner".into(), None)]);
}

async fn r52_moves_refuse_cycles_and_moving_the_platform_group(db: TestDb) {
    let f = fixture(&db).await;
    let a = groups::create_subgroup(&db, &f.manage(f.root), &f.who, "A", false).await.unwrap();
    let b = groups::create_subgroup(&db, &f.manage(a), &f.who, "B", true).await.unwrap();
    let c = groups::create_subgroup(&db, &f.manage(b), &f.who, "C", true).await.unwrap();
    let d = groups::create_subgroup(&db, &f.manage(f.root), &f.who, "D", false).await.unwrap();
    assert_eq!(field_msg(groups::move_group(&db, &f.manage(a), &f.manage(c), &f.who).await, "new_parent"), Msg::MoveUnderItself);
    assert_eq!(field_msg(groups::move_group(&db, &f.manage(a), &f.manage(a), &f.who).await, "new_parent"), Msg::MoveUnderItself);
    assert_eq!(field_msg(groups::move_group(&db, &f.manage(f.root), &f.manage(d), &f.who).await, "new_parent"), Msg::PlatformGroupStaysRoot);
    groups::move_group(&db, &f.manage(b), &f.manage(d), &f.who).await.unwrap();
    let tree = app::backend::tree::group_tree(&db).await.unwrap();
    assert_eq!(tree.path_to(c), vec![f.root, d, b, c], "the subtree moves along");
    // A sibling with the same name under the new parent blocks the move.
    groups::create_subgroup(&db, &f.manage(a), &f.who, "B", true).await.unwrap();
    assert_eq!(field_msg(groups::move_group(&db, &f.manage(b), &f.manage(a), &f.who).await, "new_parent"), Msg::GroupNameTaken);
    let version: i64 = sqlx::query_scalar("SELECT tree_version FROM platform").fetch_one(&db.pool).await.unwrap();
    assert_eq!(version, 6, "every change of the tree bumped the version, refusals did not");
}

async fn the_platform_group_stays_private(db: TestDb) {
    let f = fixture(&db).await;
    assert_eq!(field_msg(groups::set_visibility(&db, &f.manage(f.root), &f.who, true).await, "visibility"), Msg::PlatformGroupStaysPrivate);
}

async fn two_admins_adding_the_same_membership_at_once_make_one(db: TestDb) {
    let f = fixture(&db).await;
    let sales = groups::create_subgroup(&db, &f.manage(f.root), &f.who, "Sales", false).await.unwrap();
    let emea = groups::create_subgroup(&db, &f.manage(sales), &f.who, "EMEA", true).await.unwrap();
    for round in 0..25 {
        let u = user(&db, &format!("race{round}@acme.example")).await;
        let adding = f.adding(&db, emea, &[Role::Learner, Role::Coach]).await;
        let (first, second) = tokio::join!(
            groups::add_member(&db, crate::support::settings(), &adding, &f.who, u),
            groups::add_member(&db, crate::support::settings(), &adding, &f.who, u)
        );
        assert!(first.is_ok() && second.is_ok(), "round {round}: {first:?} {second:?}");
        assert_eq!(memberships_of(&db, u).await.len(), 3, "round {round}: learner + coach in EMEA, learner in Sales");
        let removing = f.removing(&db, emea, Role::Coach).await;
        let (first, second) = tokio::join!(
            groups::remove_membership(&db, &removing, &f.who, u),
            groups::remove_membership(&db, &removing, &f.who, u)
        );
        assert!(first.is_ok() && second.is_ok(), "round {round}: {first:?} {second:?}");
    }
}

async fn every_change_is_in_the_audit_log(db: TestDb) {
    let f = fixture(&db).await;
    let sales = groups::create_subgroup(&db, &f.manage(f.root), &f.who, "Sales", true).await.unwrap();
    groups::rename(&db, &f.manage(sales), &f.who, "Sales EMEA").await.unwrap();
    groups::set_visibility(&db, &f.manage(sales), &f.who, false).await.unwrap();
    let eve = user(&db, "eve@acme.example").await;
    groups::add_member(&db, crate::support::settings(), &f.adding(&db, sales, &[Role::Learner]).await, &f.who, eve).await.unwrap();
    groups::remove_membership(&db, &f.removing(&db, sales, Role::Learner).await, &f.who, eve).await.unwrap();
    let log: Vec<(String, Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT action, actor_id, ip FROM audit_log WHERE action NOT IN ('platform_initialised', 'login') ORDER BY id").fetch_all(&db.pool).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(actions, ["group_created", "group_renamed", "group_visibility_changed", "membership_added", "membership_removed"]);
    assert!(log.iter().all(|(_, actor, ip)| *actor == f.who.actor && ip.as_deref() == Some("192.0.2.1")));
}

async fn unknown_users_and_groups_get_clear_messages(db: TestDb) {
    let f = fixture(&db).await;
    assert_eq!(field_msg(users::find_seen(&db, None, "nobody@acme.example").await, "login"), Msg::NoSuchUser);
    assert_eq!(field_msg(users::find_seen(&db, None, "not an email@").await, "login"), Msg::NoSuchUser);
    assert_eq!(users::find_seen(&db, None, "OWNER@acme.example").await.ok(), f.who.actor);
    let sales = groups::create_subgroup(&db, &f.manage(f.root), &f.who, "Sales", false).await.unwrap();
    assert_eq!(field_msg(users::find_seen(&db, Some(&[sales]), "OWNER@acme.example").await, "login"), Msg::NoSuchUser, "R62: not seen, not found");
    assert!(matches!(groups::create_subgroup(&db, &f.manage(999_999), &f.who, "X", false).await, Err(AppError::NotFound)));
    assert!(matches!(groups::rename(&db, &f.manage(999_999), &f.who, "X").await, Err(AppError::NotFound)));
    assert!(matches!(groups::move_group(&db, &f.manage(999_999), &f.manage(f.root), &f.who).await, Err(AppError::NotFound)));
}

/// Adding a user reads one platform row, not every group, while the tree is the one the caller
/// holds; once the tree changes (a group added), the transaction reads it anew.
async fn a_transaction_reads_the_groups_again_only_when_the_tree_changed(db: TestDb) {
    let f = fixture(&db).await;
    let trees = app::backend::tree::TreeCache::default();
    let version: i64 = sqlx::query_scalar("SELECT tree_version FROM platform").fetch_one(&db.pool).await.unwrap();
    let held = trees.get(&db, version).await.unwrap();
    assert_eq!(held.version(), Some(version));
    let mut tx = db.begin().await.unwrap();
    let current = app::backend::tree::current_in(&mut tx, &held).await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&current.tree, &held), "the tree held is still current: reused");
    assert_eq!(current.platform_name, "Acme");
    drop(tx);

    let paris = groups::create_subgroup(&db, &f.manage(f.root), &f.who, "Paris", true).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let current = app::backend::tree::current_in(&mut tx, &held).await.unwrap();
    assert!(!std::sync::Arc::ptr_eq(&current.tree, &held) && current.tree.get(paris).is_some(), "the tree changed: read again, with the new group");
    assert_eq!(current.tree.version(), Some(version + 1));
    let unversioned = std::sync::Arc::new(app::backend::tree::group_tree(&db).await.unwrap());
    let again = app::backend::tree::current_in(&mut tx, &unversioned).await.unwrap();
    assert!(!std::sync::Arc::ptr_eq(&again.tree, &unversioned), "a tree of unknown version is never taken as current");
}
