//! The authorization matrix (issue 9): every registered server function × every kind of actor ×
//! targets inside and outside the actor's branch — admins, peers and the owner among them —
//! through the real router, on SQLite and PostgreSQL. Each cell asserts the answer's status and,
//! for a refusal, that nothing in the database changed. A server function without a row fails
//! the test: a new endpoint is a decision about who may call it.
//!
//! The demo's tree: Northwind Academy (platform group) › Sales (private) › Sales EMEA (public) ›
//! Paris office (public); Sales › Sales Americas; Engineering (public, the sibling branch);
//! Customer Success › New hires 2026. "The branch" is Sales.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use app::backend::invitations::{self, Inviting};
use app::domain::capability::{AddToGroup, ManageSessions};
use app::backend::testing::TestDb;
use app::backend::{audit::Who, auth, groups, Principal};
use app::domain::role::Role;
use http::StatusCode;

use super::{demo_on, post, server_fn_paths, with_cookie, Harness};

app::on_both_databases!(every_server_function_answers_every_kind_of_actor_as_the_rules_say,);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Actor {
    Anonymous,
    /// Leo, learner in Paris office (so learner of Sales EMEA and Sales by R10).
    Learner,
    /// Aurora, author in Engineering.
    Author,
    /// A coach of Sales EMEA who instructs no session.
    Coach,
    /// Colin, coach of Sales EMEA and instructor of both demo sessions.
    CoachInstructor,
    /// Ulysse, user admin of Sales EMEA.
    UserAdmin,
    /// Greta, admin of Sales.
    BranchAdmin,
    /// An admin of Engineering.
    SiblingAdmin,
    /// Paula, admin of the platform group.
    PlatformAdmin,
    Owner,
}
use Actor::*;

const ACTORS: [Actor; 10] = [Anonymous, Learner, Author, Coach, CoachInstructor, UserAdmin, BranchAdmin, SiblingAdmin, PlatformAdmin, Owner];

/// People things are done to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Person {
    /// A learner of Paris office (inside the branch).
    InLearner,
    /// An admin of Sales EMEA (below the branch admin).
    InAdmin,
    /// An admin of Sales (the branch admin's peer).
    PeerAdmin,
    /// A learner of Engineering (outside the branch).
    OutLearner,
    Owner,
    /// Paula.
    PlatformAdmin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// 200.
    Ok,
    /// Let through the permission checks: anything but 401, 403 and 404 (a second allowed call
    /// may meet a once-a-minute limit, say).
    Allowed,
    /// 403, nothing changed.
    Refused,
    /// 404 (not in the caller's sight: answered as if absent), nothing changed.
    Hidden,
    /// 400 (a message at a field, e.g. a user one does not see is "no such user"), nothing changed.
    Bad,
    /// 401, nothing changed.
    Unauthorized,
}
use Expect::*;

type Body<'w> = Pin<Box<dyn Future<Output = String> + Send + 'w>>;

struct Cell {
    target: String,
    body: Box<dyn for<'w> Fn(&'w World, Actor) -> Body<'w> + Send + Sync>,
    expect: Box<dyn Fn(Actor) -> Expect + Send + Sync>,
}

struct Row {
    path: &'static str,
    cells: Vec<Cell>,
}

fn cell(target: impl Into<String>, body: impl Fn(&World, Actor) -> String + Send + Sync + 'static, expect: impl Fn(Actor) -> Expect + Send + Sync + 'static) -> Cell {
    let body = std::sync::Arc::new(body);
    Cell { target: target.into(), body: Box::new(move |w, a| { let body = body.clone(); Box::pin(async move { body(w, a) }) }), expect: Box::new(expect) }
}

/// A cell whose target is made just before the call (an invitation to cancel, a failed email to
/// resend), so that an earlier allowed call cannot have used it up.
fn cell_after(target: impl Into<String>, body: for<'w> fn(&'w World, Actor) -> Body<'w>, expect: impl Fn(Actor) -> Expect + Send + Sync + 'static) -> Cell {
    Cell { target: target.into(), body: Box::new(body), expect: Box::new(expect) }
}

/// Everyone signed in gets `expect`.
fn all(expect: Expect) -> impl Fn(Actor) -> Expect + Send + Sync {
    move |_| expect
}

/// These get `yes`; everyone else is refused.
fn only(allowed: &'static [Actor], yes: Expect) -> impl Fn(Actor) -> Expect + Send + Sync {
    move |a| if allowed.contains(&a) { yes } else { Refused }
}

/// Those who may add users somewhere (the + > User panel, Dashboard > USERS).
const ADDERS: &[Actor] = &[UserAdmin, BranchAdmin, SiblingAdmin, PlatformAdmin, Owner];
const PLATFORM: &[Actor] = &[PlatformAdmin, Owner];

/// R62: whether `actor` (an adder) sees `person`.
fn sees(actor: Actor, person: Person) -> bool {
    use Person as P;
    match actor {
        Owner | PlatformAdmin => true,
        BranchAdmin => matches!(person, P::InLearner | P::InAdmin | P::PeerAdmin),
        UserAdmin => matches!(person, P::InLearner | P::InAdmin),
        SiblingAdmin => person == P::OutLearner,
        _ => false,
    }
}

/// Refused to non-adders, hidden outside one's sight, else `then`.
fn sight(person: Person, then: impl Fn(Actor) -> Expect + Send + Sync + 'static) -> impl Fn(Actor) -> Expect + Send + Sync {
    move |a| match () {
        _ if !ADDERS.contains(&a) => Refused,
        _ if !sees(a, person) => Hidden,
        _ => then(a),
    }
}

/// R54 for a person one sees: details (`access` false) or access (password, credentials).
fn manages(person: Person, access: bool) -> impl Fn(Actor) -> Expect + Send + Sync {
    use Person as P;
    move |a| match (a, person) {
        (Owner, _) => Ok,
        (_, P::Owner) => Refused,
        (PlatformAdmin, _) => Ok,
        (BranchAdmin, P::InLearner | P::InAdmin) => Ok,
        (BranchAdmin, P::PeerAdmin) if !access => Ok,
        (UserAdmin, P::InLearner) => Ok,
        (SiblingAdmin, P::OutLearner) => Ok,
        _ => Refused,
    }
}

struct World {
    h: Harness,
    owner: Principal,
    root: i64,
    sales: i64,
    emea: i64,
    paris: i64,
    americas: i64,
    engineering: i64,
    new_hires: i64,
    program: i64,
    spring: i64,
    eng_session: i64,
    /// (person, user with email, user with a username only): the owner and Paula have email only.
    people: Vec<(Person, i64, i64)>,
}

impl World {
    async fn new(db: TestDb) -> World {
        let h = demo_on(db).await;
        let (root, sales, emea, paris, americas, engineering, new_hires) = (
            h.group("Northwind Academy").await,
            h.group("Sales").await,
            h.group("Sales EMEA").await,
            h.group("Paris office").await,
            h.group("Sales Americas").await,
            h.group("Engineering").await,
            h.group("New hires 2026").await,
        );
        let who = Who::default();
        let owner = h.principal("owner@northwind.example").await;
        let add = |login: String, group: i64, role: Role| {
            let db = h.db.db.clone();
            let (who, owner) = (who.clone(), owner.clone());
            async move {
                let column = if login.contains('@') { "email" } else { "username" };
                let id: i64 = sqlx::query_scalar(&format!(
                    "INSERT INTO users ({column}, {column}_key, first_name, last_name, status, created_at) VALUES ($1, $1, 'Test', 'Person', 'active', 0) RETURNING id"
                ))
                .bind(&login)
                .fetch_one(&db.pool)
                .await
                .unwrap();
                let adding = owner.require(AddToGroup::new(group, &[role])).unwrap();
                groups::add_member(&db, &app::backend::Settings::new(super::PUBLIC_URL), &adding, &who, id).await.unwrap();
                id
            }
        };
        add("coach.plain@northwind.example".into(), emea, Role::Coach).await;
        add("eng.admin@northwind.example".into(), engineering, Role::Admin).await;
        let mut people = Vec::new();
        for (person, name, group, role) in [
            (Person::InLearner, "in_learner", paris, Role::Learner),
            (Person::InAdmin, "in_admin", emea, Role::Admin),
            (Person::PeerAdmin, "peer_admin", sales, Role::Admin),
            (Person::OutLearner, "out_learner", engineering, Role::Learner),
        ] {
            let with_email = add(format!("t.{name}@northwind.example"), group, role).await;
            let without = add(format!("t_{name}"), group, role).await;
            people.push((person, with_email, without));
        }
        for (person, login) in [(Person::Owner, "owner@northwind.example"), (Person::PlatformAdmin, "admin@northwind.example")] {
            let id = h.user(login).await;
            people.push((person, id, id));
        }
        let program: i64 = sqlx::query_scalar("SELECT id FROM programs").fetch_one(&h.db.pool).await.unwrap();
        let spring: i64 = sqlx::query_scalar("SELECT id FROM program_sessions WHERE name = 'Spring cohort'").fetch_one(&h.db.pool).await.unwrap();
        let in_engineering = owner.require(ManageSessions(engineering)).unwrap();
        let eng_session = app::backend::programs::create_session(&h.db, &in_engineering, &who, app::backend::programs::NewSession { program, name: "Engineering cohort", starts_on: "", ends_on: "" })
            .await
            .unwrap();
        World { h, owner, root, sales, emea, paris, americas, engineering, new_hires, program, spring, eng_session, people }
    }

    fn login(&self, actor: Actor) -> Option<&'static str> {
        Some(match actor {
            Anonymous => return None,
            Learner => "learner@northwind.example",
            Author => "author@northwind.example",
            Coach => "coach.plain@northwind.example",
            CoachInstructor => "emea.coach@northwind.example",
            UserAdmin => "emea.useradmin@northwind.example",
            BranchAdmin => "sales.admin@northwind.example",
            SiblingAdmin => "eng.admin@northwind.example",
            PlatformAdmin => "admin@northwind.example",
            Owner => "owner@northwind.example",
        })
    }

    /// A fresh session of the actor's, as a login would open (no argon2 for every cell).
    async fn cookie(&self, actor: Actor) -> Option<String> {
        let login = self.login(actor)?;
        let user = self.h.user(login).await;
        Some(format!("roster_session={}", session_for(&self.h, user).await))
    }

    /// The user standing for a person: the one with email, or the one with a username only.
    fn id(&self, person: Person, with_email: bool) -> i64 {
        let &(_, email, username) = self.people.iter().find(|(p, _, _)| *p == person).expect("a person of the world");
        if with_email { email } else { username }
    }

    /// A pending invitation into `group` with `role`, made by the owner just now.
    async fn invitation(&self, group: i64, role: Role) -> i64 {
        let address = format!("fresh.{}@outside.example", app::backend::auth::random_hex(6));
        let settings = app::backend::Settings::new(super::PUBLIC_URL);
        let permit = self.owner.require(AddToGroup::new(group, &[role])).unwrap();
        invitations::invite(&self.h.db, &settings, Inviting::ToGroup(&permit), &Who::default(), &address, &Default::default()).await.unwrap();
        sqlx::query_scalar("SELECT id FROM invitations WHERE email_key = $1").bind(&address).fetch_one(&self.h.db.pool).await.unwrap()
    }

    /// A failed email of this person's, just now.
    /// A new label or custom field (`table`), for one call to rename or delete.
    /// A file the owner uploaded for an import (of a row of a group of their own).
    async fn upload(&self) -> i64 {
        let permit = self.owner.require(app::domain::capability::AddUsersSomewhere).unwrap();
        app::backend::batch::job::upload(&self.h.db, &permit, &Default::default(), "owner.csv", b"email,groups,roles\nowners.pick@outside.example,Sales EMEA,learner\n").await.unwrap()
    }

    async fn detail(&self, table: &str) -> i64 {
        let name = format!("Matrix {}", app::backend::auth::random_hex(4));
        sqlx::query_scalar(&format!("INSERT INTO {table} (name, name_key) VALUES ($1, $2) RETURNING id")).bind(&name).bind(name.to_lowercase()).fetch_one(&self.h.db.pool).await.unwrap()
    }

    /// A live API token (R90), made by the demo owner.
    async fn api_token(&self) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO api_tokens (name, scope, per_minute, token_hash, created_by, created_at) VALUES ($1, 'read', 60, $2, (SELECT owner_id FROM platform), 0) RETURNING id",
        )
        .bind(format!("Matrix {}", app::backend::auth::random_hex(4)))
        .bind(app::backend::auth::random_hex(32))
        .fetch_one(&self.h.db.pool)
        .await
        .unwrap()
    }

    async fn failed_email(&self, person: Person) -> i64 {
        let user = self.id(person, true);
        sqlx::query_scalar(
            "INSERT INTO outbox_emails (dedupe_key, kind, to_address, user_id, language, subject, body_text, body_html, status, attempts, next_attempt_at, created_at)
             VALUES ($1, 'session_invitation', 'x@example.com', $2, 'en', 'A session', 'text', 'html', 'failed', 8, 0, 0) RETURNING id",
        )
        .bind(format!("matrix:{}", app::backend::auth::random_hex(8)))
        .bind(user)
        .fetch_one(&self.h.db.pool)
        .await
        .unwrap()
    }
}

async fn session_for(h: &Harness, user: i64) -> String {
    let mut tx = h.db.begin().await.unwrap();
    let token = auth::open_session(&mut tx, user, None, None, None).await.unwrap();
    tx.commit().await.unwrap();
    token
}

/// What a refusal must leave as it was: every table a server function writes, but the audit
/// log (refusals are audited), the rate-limit counters and the sessions' bookkeeping.
async fn snapshot(h: &Harness) -> Vec<String> {
    const TABLES: &[(&str, &str)] = &[
        ("users", "id, email, username, first_name, password_hash, must_change_password, password_expires_at, deletion_date, language, status, deleted_at"),
        ("memberships", "user_id, group_id, role, propagated_from"),
        ("groups", "id, parent_id, name, visibility"),
        ("platform", "name, default_language, tree_version, invitation_emails_per_hour, invitation_emails_per_day, platform_invitation_emails_per_hour"),
        ("invitations", "id, status, token_hash, expires_at, send_count"),
        ("invitation_grants", "invitation_id, group_id, role"),
        ("outbox_emails", "id, status, attempts, secret"),
        ("programs", "id, name"),
        ("program_sessions", "id, group_id, name"),
        ("session_instructors", "session_id, user_id"),
        ("session_groups", "session_id, group_id"),
        ("enrollments", "session_id, user_id"),
        ("labels", "id, name"),
        ("custom_fields", "id, name"),
        ("user_labels", "user_id, label_id"),
        ("user_custom_values", "user_id, field_id, value"),
        ("billing_events", "user_id, reason"),
        ("import_jobs", "id, status, rows_done"),
    ];
    let mut rows = Vec::new();
    for (table, columns) in TABLES {
        let text = columns.split(", ").map(|c| format!("COALESCE(CAST({c} AS TEXT), '-')")).collect::<Vec<_>>().join(" || '|' || ");
        let mut got: Vec<String> = sqlx::query_scalar(&format!("SELECT {text} FROM {table}")).fetch_all(&h.db.pool).await.unwrap();
        got.sort();
        rows.extend(got.into_iter().map(|r| format!("{table}: {r}")));
    }
    rows
}

fn rows() -> Vec<Row> {
    use Person as P;
    let adders = || only(ADDERS, Ok);
    vec![
        // Open to anyone: what they answer does not depend on who asks.
        Row { path: "/api/login", cells: vec![cell("a wrong password for one's own account", |w, a| format!("login={}&password=not+the+password", w.login(a).unwrap_or("nobody@northwind.example").replace('@', "%40")), all(Unauthorized))] },
        Row { path: "/api/invitations/open", cells: vec![cell("unknown link", |_, _| "token=0123abcd".into(), all(Hidden))] },
        Row {
            path: "/api/invitations/register",
            cells: vec![cell("unknown link", |_, _| "token=0123abcd&first_name=Eve&last_name=M&password=a+long+enough+secret".into(), all(Hidden))],
        },
        // Anyone signed in.
        Row { path: "/api/logout", cells: vec![cell("own session", |_, _| String::new(), all(Ok))] },
        Row {
            path: "/api/change_password",
            cells: vec![cell("wrong current password", |_, _| "current_password=a+wrong+one&new_password=a+fresh+secret+of+mine".into(), all(Bad))],
        },
        Row { path: "/api/shell", cells: vec![cell("own shell", |_, _| String::new(), all(Ok))] },
        Row { path: "/api/programs", cells: vec![cell("own list", |_, _| String::new(), all(Ok))] },
        Row {
            path: "/api/group",
            cells: vec![
                cell("Sales EMEA", |w, _| format!("id={}", w.emea), |a| if matches!(a, Author | SiblingAdmin) { Hidden } else { Ok }),
                cell("Engineering", |w, _| format!("id={}", w.engineering), |a| if matches!(a, Author | SiblingAdmin | PlatformAdmin | Owner) { Ok } else { Hidden }),
            ],
        },
        // Groups (R52).
        Row {
            path: "/api/groups/create",
            cells: vec![
                cell("under Sales EMEA", |w, a| format!("parent={}&name=Sub+{a:?}", w.emea), only(&[BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("under Engineering", |w, a| format!("parent={}&name=Sub+{a:?}", w.engineering), only(&[SiblingAdmin, PlatformAdmin, Owner], Ok)),
                cell("under the platform group", |w, a| format!("parent={}&name=Top+{a:?}", w.root), only(PLATFORM, Ok)),
            ],
        },
        Row {
            path: "/api/groups/rename",
            cells: vec![
                cell("Paris office", |w, a| format!("group={}&name=Paris+{a:?}", w.paris), only(&[BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("Engineering", |w, a| format!("group={}&name=Engineering+{a:?}", w.engineering), only(&[SiblingAdmin, PlatformAdmin, Owner], Ok)),
            ],
        },
        Row {
            path: "/api/groups/visibility",
            cells: vec![
                cell("Paris office", |w, _| format!("group={}&public=false", w.paris), only(&[BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("Engineering", |w, _| format!("group={}&public=false", w.engineering), only(&[SiblingAdmin, PlatformAdmin, Owner], Ok)),
            ],
        },
        Row {
            path: "/api/groups/move",
            cells: vec![
                cell("Paris office under Sales Americas", |w, _| format!("group={}&new_parent={}", w.paris, w.americas), only(&[BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("New hires 2026 under Engineering", |w, _| format!("group={}&new_parent={}", w.new_hires, w.engineering), only(PLATFORM, Ok)),
            ],
        },
        Row {
            path: "/api/groups/add_member",
            cells: vec![
                cell("a learner of the branch into Sales EMEA", |w, _| format!("group={}&login=t.in_learner%40northwind.example&roles[0]=learner", w.emea), only(&[UserAdmin, BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("a learner of Engineering into Sales EMEA", |w, _| format!("group={}&login=t.out_learner%40northwind.example&roles[0]=learner", w.emea), |a| match a {
                    UserAdmin | BranchAdmin => Bad,
                    PlatformAdmin | Owner => Ok,
                    _ => Refused,
                }),
                cell("the owner into Sales EMEA", |w, _| format!("group={}&login=owner%40northwind.example&roles[0]=learner", w.emea), |a| match a {
                    UserAdmin | BranchAdmin => Bad,
                    PlatformAdmin | Owner => Ok,
                    _ => Refused,
                }),
                cell("a learner of Engineering into Engineering", |w, _| format!("group={}&login=t.out_learner%40northwind.example&roles[0]=learner", w.engineering), only(&[SiblingAdmin, PlatformAdmin, Owner], Ok)),
            ],
        },
        Row {
            path: "/api/groups/remove_membership",
            cells: vec![
                cell("a learner of Paris office", |w, _| format!("group={}&user={}&role=learner", w.paris, w.id(P::InLearner, true)), only(&[UserAdmin, BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("the admin of Sales EMEA's admin role", |w, _| format!("group={}&user={}&role=admin", w.emea, w.id(P::InAdmin, true)), only(&[BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("a peer admin of Sales's admin role", |w, _| format!("group={}&user={}&role=admin", w.sales, w.id(P::PeerAdmin, true)), only(PLATFORM, Ok)),
                cell("a learner of Engineering", |w, _| format!("group={}&user={}&role=learner", w.engineering, w.id(P::OutLearner, true)), only(&[SiblingAdmin, PlatformAdmin, Owner], Ok)),
            ],
        },
        // Inviting and setting up (R1–R6, R71).
        Row {
            path: "/api/invitations/invite",
            cells: vec![
                cell("a learner into Sales EMEA", |w, a| format!("group={}&emails=l.{a:?}%40outside.example&roles[0]=learner", w.emea), only(&[UserAdmin, BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("an admin into Sales EMEA", |w, a| format!("group={}&emails=a.{a:?}%40outside.example&roles[0]=admin", w.emea), only(&[BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("a learner into Engineering", |w, a| format!("group={}&emails=e.{a:?}%40outside.example&roles[0]=learner", w.engineering), only(&[SiblingAdmin, PlatformAdmin, Owner], Ok)),
                cell("a learner into the platform group", |w, a| format!("group={}&emails=p.{a:?}%40outside.example&roles[0]=learner", w.root), only(PLATFORM, Ok)),
            ],
        },
        Row {
            path: "/api/users/set_up",
            cells: vec![
                cell("a learner in Sales EMEA", |w, a| set_up_body(w.emea, "learner", a), |a| match a {
                    UserAdmin | BranchAdmin | PlatformAdmin | Owner => Ok,
                    SiblingAdmin => Bad,
                    _ => Refused,
                }),
                cell("an admin in Sales EMEA", |w, a| set_up_body(w.emea, "admin", a), |a| match a {
                    BranchAdmin | PlatformAdmin | Owner => Ok,
                    UserAdmin | SiblingAdmin => Bad,
                    _ => Refused,
                }),
                cell("a learner in Engineering", |w, a| set_up_body(w.engineering, "learner", a), |a| match a {
                    SiblingAdmin | PlatformAdmin | Owner => Ok,
                    UserAdmin | BranchAdmin => Bad,
                    _ => Refused,
                }),
            ],
        },
        Row { path: "/api/users/addable_groups", cells: vec![cell("own choices", |_, _| String::new(), adders())] },
        Row { path: "/api/invitations/list", cells: vec![cell("own list", |_, _| "search=".into(), adders())] },
        Row {
            path: "/api/invitations/cancel",
            cells: vec![
                cell_after("a learner's invitation into Sales EMEA", |w, _| Box::pin(async move { format!("id={}", w.invitation(w.emea, Role::Learner).await) }), only(&[UserAdmin, BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell_after("an admin's invitation into Sales EMEA", |w, _| Box::pin(async move { format!("id={}", w.invitation(w.emea, Role::Admin).await) }), only(&[BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell_after("a learner's invitation into Engineering", |w, _| Box::pin(async move { format!("id={}", w.invitation(w.engineering, Role::Learner).await) }), only(&[SiblingAdmin, PlatformAdmin, Owner], Ok)),
            ],
        },
        Row {
            path: "/api/invitations/resend",
            cells: vec![
                // Made a moment ago: the once-a-minute limit answers those let through.
                cell_after("a learner's invitation into Sales EMEA", |w, _| Box::pin(async move { format!("id={}", w.invitation(w.emea, Role::Learner).await) }), only(&[UserAdmin, BranchAdmin, PlatformAdmin, Owner], Allowed)),
                cell_after("an admin's invitation into Sales EMEA", |w, _| Box::pin(async move { format!("id={}", w.invitation(w.emea, Role::Admin).await) }), only(&[BranchAdmin, PlatformAdmin, Owner], Allowed)),
                cell_after("a learner's invitation into Engineering", |w, _| Box::pin(async move { format!("id={}", w.invitation(w.engineering, Role::Learner).await) }), only(&[SiblingAdmin, PlatformAdmin, Owner], Allowed)),
            ],
        },
        // Users (R54, R62).
        Row { path: "/api/users/list", cells: vec![cell("own list", |_, _| String::new(), adders())] },
        Row {
            path: "/api/users/get",
            cells: [P::InLearner, P::InAdmin, P::PeerAdmin, P::OutLearner, P::Owner, P::PlatformAdmin]
                .into_iter()
                .map(|p| cell(format!("{p:?}"), move |w, _| format!("id={}", w.id(p, true)), sight(p, all(Ok))))
                .collect(),
        },
        Row {
            path: "/api/users/set_details",
            cells: [P::InLearner, P::InAdmin, P::PeerAdmin, P::OutLearner, P::Owner, P::PlatformAdmin]
                .into_iter()
                .map(|p| cell(format!("{p:?}'s language"), move |w, _| format!("user={}&details[language]=fr", w.id(p, true)), sight(p, manages(p, false))))
                .chain([P::InAdmin, P::PeerAdmin].into_iter().map(|p| {
                    cell(format!("{p:?}'s deletion date"), move |w, _| format!("user={}&details[deletion_date]=2099-01-05", w.id(p, true)), sight(p, manages(p, true)))
                }))
                .collect(),
        },
        Row {
            path: "/api/users/set_password",
            cells: [P::InLearner, P::InAdmin, P::PeerAdmin, P::OutLearner]
                .into_iter()
                .map(|p| cell(format!("{p:?} without email"), move |w, _| format!("user={}&password=a+brand+new+secret+phrase", w.id(p, false)), sight(p, manages(p, true))))
                // R61: a user with email gets credentials by email, never a password typed by someone.
                .chain([cell("the owner", |w, _| format!("user={}&password=a+brand+new+secret+phrase", w.id(P::Owner, true)), sight(P::Owner, all(Refused)))])
                .collect(),
        },
        Row {
            path: "/api/users/send_credentials",
            cells: [P::InLearner, P::InAdmin, P::PeerAdmin, P::OutLearner, P::PlatformAdmin, P::Owner]
                .into_iter()
                // Once a minute per user: a second one let through meets that limit.
                .map(|p| cell(format!("{p:?}"), move |w, _| format!("user={}", w.id(p, true)), sight(p, move |a| if manages(p, true)(a) == Ok { Allowed } else { Refused })))
                .collect(),
        },
        Row {
            // R93: (re)activating is access (R54). `active=true` on active accounts: the check
            // runs in full and no actor's own account is taken away from the cells after.
            path: "/api/users/set_active",
            cells: [P::InLearner, P::InAdmin, P::PeerAdmin, P::OutLearner, P::PlatformAdmin, P::Owner]
                .into_iter()
                .map(|p| cell(format!("{p:?}"), move |w, _| format!("user={}&active=true", w.id(p, true)), sight(p, manages(p, true))))
                .collect(),
        },
        Row {
            path: "/api/users/resend_email",
            cells: vec![
                cell_after("a failed email of a learner of the branch", |w, _| Box::pin(async move { format!("id={}", w.failed_email(Person::InLearner).await) }), sight(P::InLearner, all(Ok))),
                cell_after("a failed email of the owner", |w, _| Box::pin(async move { format!("id={}", w.failed_email(Person::Owner).await) }), sight(P::Owner, all(Ok))),
                cell_after("a failed email of a learner of Engineering", |w, _| Box::pin(async move { format!("id={}", w.failed_email(Person::OutLearner).await) }), sight(P::OutLearner, all(Ok))),
            ],
        },
        // Labels, settings, billing, the development mailbox.
        Row {
            path: "/api/details/choices",
            cells: vec![
                cell("the platform's", |_, _| String::new(), adders()),
                cell("to invite from the Spring cohort", |w, _| format!("session={}", w.spring), only(&[CoachInstructor, PlatformAdmin, Owner], Ok)),
            ],
        },
        Row { path: "/api/details/create_label", cells: vec![cell("a new label", |_, a| format!("name=Label+{a:?}"), only(PLATFORM, Ok))] },
        Row { path: "/api/details/create_field", cells: vec![cell("a new field", |_, a| format!("name=Field+{a:?}&kind=list&options=A%0AB"), only(PLATFORM, Ok))] },
        Row { path: "/api/details/edit_label", cells: vec![cell_after("a new label", |w, a| Box::pin(async move { format!("id={}&name=Renamed+{a:?}", w.detail("labels").await) }), only(PLATFORM, Ok))] },
        Row {
            path: "/api/details/edit_field",
            cells: vec![cell_after("a new field", |w, a| Box::pin(async move { format!("id={}&name=Renamed+{a:?}&kind=number", w.detail("custom_fields").await) }), only(PLATFORM, Ok))],
        },
        Row { path: "/api/details/delete_label", cells: vec![cell_after("a new label", |w, _| Box::pin(async move { format!("id={}", w.detail("labels").await) }), only(PLATFORM, Ok))] },
        Row {
            path: "/api/details/delete_field",
            cells: vec![cell_after("a new field", |w, _| Box::pin(async move { format!("id={}", w.detail("custom_fields").await) }), only(PLATFORM, Ok))],
        },
        Row { path: "/api/settings/platform", cells: vec![cell("the platform's", |_, _| String::new(), only(PLATFORM, Ok))] },
        Row {
            path: "/api/settings/set_platform",
            cells: vec![cell("the platform's", |_, _| "settings[name]=Northwind&settings[default_language]=en&settings[time_zone]=UTC&settings[invitation_lifetime_days]=7".into(), only(PLATFORM, Ok))],
        },
        Row { path: "/api/settings/email_limits", cells: vec![cell("the platform's", |_, _| String::new(), only(PLATFORM, Ok))] },
        Row {
            path: "/api/settings/set_email_limits",
            cells: vec![cell("the platform's", |_, _| "limits[per_person_per_hour]=50&limits[per_person_per_day]=60&limits[platform_per_hour]=70".into(), only(PLATFORM, Ok))],
        },
        Row { path: "/api/tokens/list", cells: vec![cell("the platform's", |_, _| String::new(), only(PLATFORM, Ok))] },
        Row { path: "/api/tokens/groups", cells: vec![cell("the platform's", |_, _| String::new(), only(PLATFORM, Ok))] },
        Row { path: "/api/tokens/create", cells: vec![cell("a read token", |_, a| format!("form[name]=Matrix+{a:?}&form[scope]=read"), only(PLATFORM, Ok))] },
        Row {
            path: "/api/tokens/revoke",
            cells: vec![cell_after("a live token", |w, _| Box::pin(async move { format!("id={}", w.api_token().await) }), only(PLATFORM, Ok))],
        },
        Row { path: "/api/billing", cells: vec![cell("the platform's", |_, _| "page=1".into(), only(&[Owner], Ok))] },
        Row { path: "/api/mailbox", cells: vec![cell("the platform's", |_, _| String::new(), only(&[Owner], Ok))] },
        // Programs and sessions (R4, R30, R53).
        Row {
            path: "/api/programs/create",
            cells: vec![cell("a program", |_, a| format!("name=Program+{a:?}"), only(&[Coach, CoachInstructor, BranchAdmin, SiblingAdmin, PlatformAdmin, Owner], Ok))],
        },
        Row {
            path: "/api/sessions/create",
            cells: vec![
                cell("in Sales EMEA", |w, a| format!("program={}&group={}&name=S+{a:?}&starts_on=&ends_on=", w.program, w.emea), only(&[Coach, CoachInstructor, BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("in Engineering", |w, a| format!("program={}&group={}&name=S+{a:?}&starts_on=&ends_on=", w.program, w.engineering), only(&[SiblingAdmin, PlatformAdmin, Owner], Ok)),
            ],
        },
        Row {
            path: "/api/sessions/get",
            cells: vec![
                cell("Spring cohort (Sales EMEA)", |w, _| format!("id={}", w.spring), |a| if matches!(a, Author | UserAdmin | SiblingAdmin) { Hidden } else { Ok }),
                cell("Engineering cohort", |w, _| format!("id={}", w.eng_session), |a| if matches!(a, SiblingAdmin | PlatformAdmin | Owner) { Ok } else { Hidden }),
            ],
        },
        Row {
            path: "/api/sessions/add_instructor",
            cells: vec![
                cell("a learner of the branch, Spring cohort", |w, _| format!("session={}&login=t.in_learner%40northwind.example", w.spring), only(&[Coach, CoachInstructor, BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("a learner of Engineering, Spring cohort", |w, _| format!("session={}&login=t.out_learner%40northwind.example", w.spring), |a| match a {
                    Coach | CoachInstructor | BranchAdmin => Bad,
                    PlatformAdmin | Owner => Ok,
                    _ => Refused,
                }),
                cell("a learner of Engineering, Engineering cohort", |w, _| format!("session={}&login=t.out_learner%40northwind.example", w.eng_session), only(&[SiblingAdmin, PlatformAdmin, Owner], Ok)),
            ],
        },
        Row {
            path: "/api/sessions/assign_group",
            cells: vec![
                cell("Spring cohort to Paris office", |w, _| format!("session={}&group={}", w.spring, w.paris), only(&[Coach, CoachInstructor, BranchAdmin, PlatformAdmin, Owner], Ok)),
                cell("Spring cohort to Engineering", |w, _| format!("session={}&group={}", w.spring, w.engineering), only(PLATFORM, Ok)),
            ],
        },
        Row {
            path: "/api/sessions/add_learner",
            cells: vec![
                cell("a learner of the branch", |w, _| format!("session={}&login=t.in_learner%40northwind.example", w.spring), only(&[CoachInstructor, PlatformAdmin, Owner], Ok)),
                cell("a learner of Engineering", |w, _| format!("session={}&login=t.out_learner%40northwind.example", w.spring), |a| match a {
                    CoachInstructor => Bad,
                    PlatformAdmin | Owner => Ok,
                    _ => Refused,
                }),
            ],
        },
        // Creating users in batch (R35–R37): anyone who may add users uploads, previews and
        // starts their own imports, and nobody else's (an upload of someone else's is not there).
        Row { path: "/api/import/upload", cells: vec![cell("a CSV file", |_, a| format!("email\nup.{a:?}@outside.example\n"), only(ADDERS, Ok))] },
        Row { path: "/api/import/preview", cells: vec![cell_after("the owner's upload", |w, _| Box::pin(async move { format!("job={}&mode=Invite", w.upload().await) }), own_import)] },
        Row { path: "/api/import/start", cells: vec![cell_after("the owner's upload", |w, _| Box::pin(async move { format!("job={}&mode=Invite", w.upload().await) }), own_import)] },
        Row { path: "/api/import/progress", cells: vec![cell_after("the owner's import", |w, _| Box::pin(async move { format!("job={}", w.upload().await) }), own_import)] },
        Row { path: "/api/import/latest", cells: vec![cell("one's own latest import", |_, _| String::new(), only(ADDERS, Ok))] },
        Row {
            path: "/api/invitations/from_session",
            cells: vec![cell("Spring cohort", |w, a| format!("session={}&emails=s.{a:?}%40outside.example&details[language]=fr", w.spring), only(&[CoachInstructor, PlatformAdmin, Owner], Ok))],
        },
    ]
}

/// An import (an upload) is its uploader's only: the owner's is not there for the other adders.
fn own_import(actor: Actor) -> Expect {
    match actor {
        Owner => Ok,
        a if ADDERS.contains(&a) => Hidden,
        _ => Refused,
    }
}

fn set_up_body(group: i64, role: &str, actor: Actor) -> String {
    format!(
        "form[first_name]=Sam&form[last_name]=Setup&form[email]=su.{role}.{actor:?}.{group}%40outside.example&form[password]=a+long+enough+secret&form[groups][0]={group}&form[roles][0]={role}"
    )
}

async fn every_server_function_answers_every_kind_of_actor_as_the_rules_say(db: TestDb) {
    let rows = rows();
    let covered: BTreeSet<&str> = rows.iter().map(|r| r.path).collect();
    let registered: BTreeSet<&str> = server_fn_paths().into_iter().collect();
    assert_eq!(registered.difference(&covered).collect::<Vec<_>>(), Vec::<&&str>::new(), "server functions without a row: decide who may call them");
    assert_eq!(covered.difference(&registered).collect::<Vec<_>>(), Vec::<&&str>::new(), "rows for functions that do not exist");

    let backend = db.db.backend;
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut first = Some(db);
    for row in &rows {
        // Each function on a fresh demo platform: what one allowed call changed cannot decide
        // another function's cells.
        let db = match first.take() {
            Some(db) => db,
            None => app::backend::testing::fresh(backend).await,
        };
        let world = World::new(db).await;
        for cell in &row.cells {
            for actor in ACTORS {
                let public = super::PUBLIC_SERVER_FNS.contains(&row.path);
                let expect = if actor == Anonymous && !public { Unauthorized } else { (cell.expect)(actor) };
                let body = (cell.body)(&world, actor).await;
                let before = if matches!(expect, Ok | Allowed) { None } else { Some(snapshot(&world.h).await) };
                let request = if row.path == server::middleware::UPLOAD_PATH { super::multipart(row.path, "import.csv", body.as_bytes()) } else { post(row.path, &body) };
                let request = match world.cookie(actor).await {
                    Some(cookie) => with_cookie(request, &cookie),
                    None => request,
                };
                let status = world.h.send(request).await.status();
                checked += 1;
                let status_ok = match expect {
                    Ok => status == StatusCode::OK,
                    Allowed => !matches!(status.as_u16(), 401 | 403 | 404),
                    Refused => status == StatusCode::FORBIDDEN,
                    Hidden => status == StatusCode::NOT_FOUND,
                    Bad => status == StatusCode::BAD_REQUEST,
                    Unauthorized => status == StatusCode::UNAUTHORIZED,
                };
                let case = format!("{} · {} · {actor:?}", row.path, cell.target);
                if !status_ok {
                    failures.push(format!("{case}: expected {expect:?}, got {status}"));
                } else if let Some(before) = before {
                    let after = snapshot(&world.h).await;
                    if after != before {
                        let changed: Vec<&String> = after.iter().filter(|r| !before.contains(r)).chain(before.iter().filter(|r| !after.contains(r))).take(4).collect();
                        failures.push(format!("{case}: refused ({status}) but the database changed: {changed:?}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} cells differ:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 600, "{checked} cells");
}
