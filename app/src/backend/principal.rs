//! The `Principal`: who is making this request, resolved once per request from the session
//! cookie by the server's middleware; every server function reads it first (`api::context`).

use std::sync::Arc;

use chrono_tz::Tz;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::auth::token_hash;
use super::db::{now_ms, Db};
use super::tree::TreeCache;

use crate::domain::group_tree::{GroupId, GroupTree};
use crate::domain::capability::Capability;
use crate::domain::policy::{Action, Actor, Decision, Rule, SessionId, self};
use crate::domain::visibility;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::Lang;

/// How many groups a choice of groups (move under, assign to) offers.
const GROUP_CHOICES_SHOWN: usize = 500;

#[derive(Clone, Debug)]
pub struct Principal {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    /// The email, or the username of a user without email.
    pub login: String,
    pub lang: Lang,
    pub is_owner: bool,
    pub must_change_password: bool,
    /// (group, role) for every membership, direct or propagated.
    pub memberships: Vec<(GroupId, Role)>,
    /// The program sessions this person is an instructor of.
    pub instructs: Vec<SessionId>,
    /// The group tree as of this request (shared, kept current by the `TreeCache`).
    pub tree: Arc<GroupTree>,
    /// The platform's name as of this request (read with the person, for the top bar).
    pub platform_name: String,
    /// The time zone this person's pages show instants in (R86).
    pub zone: Tz,
    /// SHA-256 of this request's session token (empty for a background job's principal).
    pub session: String,
}

/// A person's rights (`Rights::of_row`) as columns of `u` and `p`: lists in text, `group:role,…`
/// and `session,…` (`string_agg`: SQLite ≥ 3.44 and PostgreSQL).
macro_rules! rights_columns {
    () => {
        "CAST(CASE WHEN p.owner_id = u.id THEN 1 ELSE 0 END AS BIGINT) AS is_owner,
        (SELECT string_agg(CAST(m.group_id AS TEXT) || ':' || m.role, ',') FROM memberships m WHERE m.user_id = u.id) AS member_of,
        (SELECT string_agg(CAST(si.session_id AS TEXT), ',') FROM session_instructors si WHERE si.user_id = u.id) AS instructs"
    };
}

/// A person, their rights and the platform, read together: every signed-in request reads this
/// once, in one statement (each statement is a round trip to the database's thread or server).
/// The columns `of_row` reads, and the tables they come from (`u`, `p`).
pub(crate) const PERSON_COLUMNS: &str = concat!(
    "u.id, u.first_name, u.last_name, COALESCE(u.email, u.username) AS login,
        COALESCE(u.language, p.default_language) AS lang, u.must_change_password, p.tree_version, p.name AS platform_name,
        p.time_zone, ",
    rights_columns!()
);
const PERSON_TABLES: &str = "FROM users u CROSS JOIN platform p";
// R93: a deactivated account is no one's session and no job's principal.
pub(crate) const ACTIVE: &str = "u.status = 'active' AND u.deleted_at IS NULL AND u.deactivated_at IS NULL";

/// What the policy needs to know of a person besides the tree: whether they own the platform,
/// their memberships (direct or propagated) and the program sessions they instruct. Read with
/// the person (`PERSON_COLUMNS`), or alone for someone else (the Invitations list's granters).
pub(crate) struct Rights {
    pub is_owner: bool,
    pub memberships: Vec<(GroupId, Role)>,
    pub instructs: Vec<SessionId>,
}

impl Rights {
    /// Someone else's rights (none for an account that is no more).
    pub(crate) async fn load<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(executor: E, user: i64) -> Result<Rights, AppError> {
        let row = sqlx::query(concat!("SELECT ", rights_columns!(), " FROM users u CROSS JOIN platform p WHERE u.id = $1"))
            .bind(user)
            .fetch_optional(executor)
            .await?;
        match row {
            Some(row) => Rights::of_row(&row),
            None => Ok(Rights { is_owner: false, memberships: Vec::new(), instructs: Vec::new() }),
        }
    }

    /// The rights in a row of `rights_columns!()` (in `PERSON_COLUMNS`).
    fn of_row(row: &AnyRow) -> Result<Rights, AppError> {
        let list = |column: &str| -> Result<String, AppError> { Ok(row.try_get::<Option<String>, _>(column)?.unwrap_or_default()) };
        let memberships = list("member_of")?
            .split(',')
            .filter_map(|held| {
                let (group, role) = held.split_once(':')?;
                Some((group.parse().ok()?, Role::parse(role)?))
            })
            .collect();
        let instructs = list("instructs")?.split(',').filter_map(|id| id.parse().ok()).collect();
        Ok(Rights { is_owner: row.try_get::<i64, _>("is_owner")? != 0, memberships, instructs })
    }

    pub(crate) fn actor(&self) -> Actor<'_> {
        Actor { is_owner: self.is_owner, memberships: &self.memberships, instructs: &self.instructs }
    }
}

/// R86: the time zone a person's pages show instants in — their browser's, when it named one
/// that exists, else the platform's.
pub fn viewer_zone(browser: Option<&str>, platform: Tz) -> Tz {
    browser.and_then(|name| name.parse().ok()).unwrap_or(platform)
}

impl Principal {
    /// Loads the principal of a live session, or `None` for an unknown or expired token;
    /// `browser_zone` is the time zone the browser said it is in (R86), if it did.
    pub async fn load(db: &Db, trees: &TreeCache, token: &str, browser_zone: Option<&str>) -> Result<Option<Principal>, AppError> {
        let session = token_hash(token);
        // Every signed-in request comes here: one statement.
        let row = sqlx::query(&format!("SELECT {PERSON_COLUMNS} {PERSON_TABLES} JOIN auth_sessions s ON s.user_id = u.id WHERE s.token_hash = $1 AND s.expires_at > $2 AND {ACTIVE}"))
            .bind(&session)
            .bind(now_ms())
            .fetch_optional(&db.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let principal = Principal::of_row(trees, db, row).await?;
        Ok(Some(Principal { session, zone: viewer_zone(browser_zone, principal.zone), ..principal }))
    }

    /// The principal of an active account as it is now, outside any request (a background job
    /// acting for the person who started it); `None` if the account is no longer active.
    pub async fn of_user(db: &Db, trees: &TreeCache, user: i64) -> Result<Option<Principal>, AppError> {
        let row = sqlx::query(&format!("SELECT {PERSON_COLUMNS} {PERSON_TABLES} WHERE u.id = $1 AND {ACTIVE}")).bind(user).fetch_optional(&db.pool).await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Principal::of_row(trees, db, row).await?))
    }

    /// This person with the group tree as it is now: after a change of the tree made earlier in
    /// the same request (an identity provider creating a group, then adding its members).
    pub async fn with_current_tree(&self, db: &Db, trees: &TreeCache) -> Result<Principal, AppError> {
        let version: i64 = sqlx::query_scalar("SELECT tree_version FROM platform WHERE id = 1").fetch_one(&db.pool).await?;
        Ok(Principal { tree: trees.get(db, version).await?, ..self.clone() })
    }

    /// The principal of a row of `PERSON_COLUMNS`.
    pub(crate) async fn of_row(trees: &TreeCache, db: &Db, row: AnyRow) -> Result<Principal, AppError> {
        let user_id: i64 = row.try_get("id")?;
        let Rights { is_owner, memberships, instructs } = Rights::of_row(&row)?;
        let tree = trees.get(db, row.try_get("tree_version")?).await?;
        Ok(Principal {
            user_id,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            login: row.try_get("login")?,
            lang: Lang::parse(&row.try_get::<String, _>("lang")?).unwrap_or_default(),
            is_owner,
            must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
            memberships,
            instructs,
            tree,
            platform_name: row.try_get("platform_name")?,
            zone: super::deletion::platform_zone(&row.try_get::<String, _>("time_zone")?),
            session: String::new(),
        })
    }

    pub fn actor(&self) -> Actor<'_> {
        Actor { is_owner: self.is_owner, memberships: &self.memberships, instructs: &self.instructs }
    }

    /// The policy's answer for this person.
    pub fn decide(&self, action: &Action) -> Decision {
        policy::decide(&self.tree, &self.actor(), action)
    }

    pub fn may(&self, action: &Action) -> bool {
        self.decide(action).allowed
    }

    /// The check: a permit for `what`, or "not allowed". Every server function that changes
    /// something asks it first, and hands the permit to the service, which cannot act without one.
    pub fn require<C: Capability>(&self, what: C) -> Result<Permit<'_, C>, AppError> {
        let decision = self.decide(&what.action());
        if decision.allowed { Ok(Permit { what, rule: decision.rule, by: self }) } else { Err(AppError::NotAllowed) }
    }

    /// A platform administrator: an admin of the platform group, or the owner.
    pub fn is_platform_admin(&self) -> bool {
        policy::is_platform_admin(&self.tree, &self.actor())
    }

    pub fn platform_group_id(&self) -> GroupId {
        self.tree.root().unwrap_or_default()
    }

    pub fn groups(&self) -> Vec<GroupId> {
        self.memberships.iter().map(|(g, _)| *g).collect()
    }

    /// The groups whose whole subtree this person sees (R62).
    pub fn overseen_groups(&self) -> Vec<GroupId> {
        visibility::overseen_groups(&self.tree, &self.actor())
    }

    /// Every group at or below one this person oversees, once each, in id order.
    pub fn overseen_subtrees(&self) -> Vec<GroupId> {
        visibility::overseen_subtrees(&self.tree, &self.actor())
    }

    /// The users this person sees (R62): `None` for everyone.
    pub fn user_scope(&self) -> Option<Vec<GroupId>> {
        visibility::user_scope(&self.tree, &self.actor())
    }

    /// The users this person may pick for a session (R62): `None` for everyone.
    pub fn session_scope(&self) -> Option<Vec<GroupId>> {
        visibility::session_scope(&self.tree, &self.actor())
    }

    /// The groups (in the person's sight) for which the policy allows `action(group)`, labelled
    /// with their path and sorted by it; `None` from `action` leaves a group out.
    pub fn groups_where<'a>(&self, action: impl Fn(GroupId) -> Option<Action<'a>>) -> Vec<(GroupId, String)> {
        let tree = &self.tree;
        let mut groups: Vec<(GroupId, String)> = self
            .overseen_subtrees()
            .into_iter()
            .filter(|&g| action(g).is_some_and(|a| self.may(&a)))
            .take(GROUP_CHOICES_SHOWN)
            .map(|g| (g, tree.path_name(g)))
            .collect();
        groups.sort_by(|a, b| a.1.to_lowercase().cmp(&b.1.to_lowercase()));
        groups
    }

    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// Proof that the policy allowed `what` to this principal (issue 11): only `Principal::require`
/// makes one. Services that change something take the permit of their check, so none can be
/// called without it; its target (`what`) is the one the check was made for. A check that needs
/// facts read inside the service's transaction is asked there, of `by()`.
///
/// Nothing else can make one — this does not compile:
/// ```compile_fail
/// use app::{backend::{Permit, Principal}, domain::{capability::SeeBilling, policy::Rule}};
/// fn forge(by: &Principal) -> Permit<'_, SeeBilling> {
///     Permit { what: SeeBilling, rule: Rule::R45, by }
/// }
/// ```
#[derive(Debug)]
pub struct Permit<'p, C> {
    what: C,
    rule: Rule,
    by: &'p Principal,
}

impl<'p, C> Permit<'p, C> {
    /// What was allowed, with its target.
    pub fn what(&self) -> &C {
        &self.what
    }
    /// The rule that allowed it.
    pub fn rule(&self) -> Rule {
        self.rule
    }
    /// Who was allowed.
    pub fn by(&self) -> &'p Principal {
        self.by
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r86_a_zone_the_browser_names_is_the_viewers_when_it_exists() {
        assert_eq!(viewer_zone(Some("Asia/Tokyo"), Tz::Europe__Paris), Tz::Asia__Tokyo);
        assert_eq!(viewer_zone(None, Tz::Europe__Paris), Tz::Europe__Paris, "until the browser says, the platform's");
        for unknown in ["Mars/Olympus_Mons", "", "Europe/Paris; Path=/", "<script>"] {
            assert_eq!(viewer_zone(Some(unknown), Tz::Europe__Paris), Tz::Europe__Paris, "{unknown:?}");
        }
    }
}
