//! Dashboard > USERS (R39): a page of the users one sees, searched and filtered.

use sqlx::{AnyConnection, Row};

use crate::backend::db::{date_of, Backend, Db};
use crate::backend::statement::Statement;
use crate::backend::Permit;
use crate::domain::capability::AddUsersSomewhere;
use crate::domain::account::UserStatus;
use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::wire::users::{UserFilter, UserGroupRoles, UserList, UserRow, UsersAt, UsersColumn, USERS_COUNTED, USERS_PER_PAGE};

/// One page of Dashboard > USERS (R39, R84): the users this person sees, in the filter's order
/// (R87),
/// searched by the start of their name, email or username, filtered by groups (any of them),
/// role, label and status; the page starts after or before a user (keyset), or at the
/// beginning.
pub async fn list(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, filter: &UserFilter, at: UsersAt) -> Result<UserList, AppError> {
    crate::domain::names::at_most(&filter.groups, crate::domain::names::MAX_GROUPS).map_err(|msg| AppError::field("groups", msg))?;
    if filter.search.chars().count() > crate::wire::invitations::SEARCH_MAX {
        return Err(AppError::field("search", crate::i18n::Msg::TooLong { max: crate::wire::invitations::SEARCH_MAX }));
    }
    let principal = permit.by();
    let mut conn = db.connection().await?;
    let Page { rows, total, previous, next } = page(&mut conn, db.backend, principal.user_scope(), filter, at, USERS_PER_PAGE).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // The rows' direct memberships (by group) and labels (by name), and the platform's labels
    // for the filter (`0` for the user, the label's id for the group), in one statement.
    let mut held = Statement::new("SELECT 'group', user_id, group_id, role, NULL AS name_key FROM memberships WHERE propagated_from IS NULL AND ");
    held.push_in("user_id", &ids)
        .push(" UNION ALL SELECT 'label', ul.user_id, NULL, lb.name, lb.name_key FROM user_labels ul JOIN labels lb ON lb.id = ul.label_id WHERE ")
        .push_in("ul.user_id", &ids)
        .push(" UNION ALL SELECT 'of platform', 0, id, name, name_key FROM labels")
        .push(" ORDER BY 1, 5, 3");
    let held: Vec<(String, i64, Option<GroupId>, String, Option<String>)> = held.query_as().fetch_all(&mut *conn).await?;
    let (mut memberships, mut labels, mut label_choices) = (Vec::new(), Vec::new(), Vec::new());
    for (what, user, id, name, _) in held {
        match (what.as_str(), id) {
            ("group", Some(group)) => memberships.push((user, group, name)),
            ("label", _) => labels.push((user, name)),
            (_, Some(label)) => label_choices.push((label, name)),
            _ => {}
        }
    }
    let tree = &principal.tree;
    let rows = rows
        .into_iter()
        .map(|ListedUser { id, first_name, last_name, login, must_change_password, deactivated_at, created_at, activated_at, .. }| {
            let mut groups: Vec<UserGroupRoles> = Vec::new();
            for (_, group, role) in memberships.iter().filter(|m| m.0 == id) {
                let Some(role) = Role::parse(role) else { continue };
                match groups.iter_mut().find(|g| g.group_id == *group) {
                    Some(g) => g.roles.push(role),
                    None => groups.push(UserGroupRoles { group_id: *group, group: tree.get(*group).map(|g| g.name.clone()).unwrap_or_default(), roles: vec![role] }),
                }
            }
            for g in &mut groups {
                g.roles.sort();
            }
            UserRow {
                id,
                first_name,
                last_name,
                login,
                status: UserStatus::of(must_change_password != 0, deactivated_at.is_some()),
                groups,
                labels: labels.iter().filter(|(u, _)| *u == id).map(|(_, name)| name.clone()).collect(),
                created_on: date_of(created_at, principal.zone),
                activated_on: activated_at.map(|ms| date_of(ms, principal.zone)),
            }
        })
        .collect();
    let filter_groups = filter.groups.iter().filter_map(|&g| tree.get(g).map(|n| (g, n.name.clone()))).collect();
    Ok(UserList { rows, total, previous, next, filter_groups, labels: label_choices, time_zone: principal.zone.name().to_string() })
}

/// A page of users in the filter's order: those in `scope` (`None`: everyone) that the filter keeps,
/// starting after or before a user (who must be in `scope`), or at the beginning.
pub(crate) struct Page {
    pub(crate) rows: Vec<ListedUser>,
    /// Counted up to `USERS_COUNTED`; `None`: more.
    pub(crate) total: Option<u64>,
    pub(crate) previous: Option<UsersAt>,
    pub(crate) next: Option<UsersAt>,
}

pub(crate) async fn page(
    conn: &mut AnyConnection,
    backend: Backend,
    scope: Option<Vec<GroupId>>,
    filter: &UserFilter,
    at: UsersAt,
    per_page: u32,
) -> Result<Page, AppError> {
    let sets = Sets::of(conn, backend, scope, filter).await?;
    // One group's members and nothing else: the set's own count is the list's. Else the list
    // is counted (up to a bound) in the statement that reads the page.
    let known: Option<i64> = sets.only().and_then(UserSet::users).filter(|_| filter.status.is_none());
    let mut counted = users_where(Statement::new("SELECT COUNT(*) FROM (SELECT 1"), filter, &sets);
    counted.push(" LIMIT ").bind(USERS_COUNTED as i64 + 1).push(") counted");

    let keys = order_keys(filter.sort.column);
    let order = keys.iter().map(|(expression, _)| *expression).collect::<Vec<_>>().join(", ");
    let backwards = at.after.is_none() && at.before.is_some();
    // Read the list's way, or the other way for the page before a user.
    let descending = filter.sort.descending != backwards;
    let mut columns = Statement::new("SELECT u.id, u.first_name, u.last_name, COALESCE(u.email, u.username) AS login, u.must_change_password, u.deactivated_at, u.created_at, u.activated_at");
    if known.is_none() {
        columns.push(", (").append(&counted).push(") AS total");
    }
    let mut rows = users_where(columns, filter, &sets);
    if let Some(cursor) = at.after.or(at.before) {
        // Where the page starts, read first so that the order's index is entered right there.
        // Only a user of the list itself marks it: the place of anyone else's name in the order
        // is not for this person to learn (R62); such a cursor finds no one. (The cursor's row
        // is named `u` too, so that the sets' conditions apply to it.)
        let mut key = users_where(Statement::new(&format!("SELECT {order}")), filter, &Sets { scope: None, filters: Vec::new() });
        key.push(" AND u.id = ").bind(cursor);
        for set in sets.scope.iter().chain(&sets.filters) {
            key.push(" AND ").append(&set.condition);
        }
        let Some(cursor) = key.query().fetch_optional(&mut *conn).await? else {
            let total = total_of(known, &counted, conn).await?;
            return Ok(Page { rows: Vec::new(), total, previous: None, next: None });
        };
        rows.push(&format!(" AND ({order}) {} (", if descending { "<" } else { ">" }));
        for (i, &(_, is_text)) in keys.iter().enumerate() {
            rows.push(if i == 0 { "" } else { ", " });
            if is_text {
                rows.bind(cursor.try_get::<String, _>(i)?);
            } else {
                rows.bind(cursor.try_get::<i64, _>(i)?);
            }
        }
        rows.push(")");
    }
    let direction = if descending { " DESC" } else { "" };
    let order_by = keys.iter().map(|(expression, _)| format!("{expression}{direction}")).collect::<Vec<_>>().join(", ");
    rows.push(&format!(" ORDER BY {order_by} LIMIT ")).bind(i64::from(per_page) + 1);
    let mut rows: Vec<ListedUser> = rows.query_as().fetch_all(&mut *conn).await?;
    let total = match (known, rows.first().and_then(|row| row.total)) {
        (Some(total), _) | (None, Some(total)) => shown_count(total),
        // No row carries the count: an empty list, or a page past its end (counted apart).
        (None, None) if at.after.is_none() && at.before.is_none() => Some(0),
        (None, None) => total_of(known, &counted, conn).await?,
    };
    let more = rows.len() > per_page as usize;
    rows.truncate(per_page as usize);
    if backwards {
        rows.reverse();
    }
    // Going forwards, there is a page before whenever the page starts after someone; going
    // backwards, when more rows were there; and the other way round for the page after.
    let (has_previous, has_next) = if backwards { (more, true) } else { (at.after.is_some(), more) };
    let previous = rows.first().filter(|_| has_previous).map(|r| UsersAt { after: None, before: Some(r.id) });
    let next = rows.last().filter(|_| has_next).map(|r| UsersAt { after: Some(r.id), before: None });
    Ok(Page { rows, total, previous, next })
}

/// How many users the list holds, `None` past `USERS_COUNTED`: `known` already, else counted.
async fn total_of(known: Option<i64>, counted: &Statement, conn: &mut AnyConnection) -> Result<Option<u64>, AppError> {
    Ok(shown_count(match known {
        Some(total) => total,
        None => counted.query_scalar().fetch_one(&mut *conn).await?,
    }))
}

/// A count as the list shows it: `None` past `USERS_COUNTED` ("more than …").
fn shown_count(total: i64) -> Option<u64> {
    (total as u64 <= USERS_COUNTED).then_some(total as u64)
}

/// The expressions an order reads users by (R87), each with whether it is text: all read the
/// same way, the last one the account (each has its index, migrations 0013 and 0016).
fn order_keys(column: UsersColumn) -> &'static [(&'static str, bool)] {
    match column {
        UsersColumn::Name => &[("lower(u.last_name)", true), ("lower(u.first_name)", true), ("u.id", false)],
        UsersColumn::Status => &[("u.must_change_password", false), ("lower(u.last_name)", true), ("lower(u.first_name)", true), ("u.id", false)],
        UsersColumn::CreatedOn => &[("u.created_at", false), ("u.id", false)],
        // Never activated: 0, before any activation.
        UsersColumn::ActivatedOn => &[("COALESCE(u.activated_at, 0)", false), ("u.id", false)],
    }
}

/// A row of the list as read.
#[derive(sqlx::FromRow)]
pub(crate) struct ListedUser {
    pub(crate) id: i64,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) login: String,
    must_change_password: i64,
    deactivated_at: Option<i64>,
    created_at: i64,
    activated_at: Option<i64>,
    /// How many users the list holds (counted up to `USERS_COUNTED + 1`), when the statement counts.
    #[sqlx(default)]
    total: Option<i64>,
}

/// A set of users the list keeps (those one sees, a search, the filter's groups and role, its
/// label), in two forms: the ids it holds, or a condition on each user.
struct UserSet {
    /// `SELECT <user id> …`: the database starts from these ids, then sorts them by name.
    ids: Statement,
    /// A condition on `u`, checked while the list is walked in name order.
    condition: Statement,
    /// How many ids it holds, counted up to `SMALL_SET + 1`, on indexes.
    found: i64,
    /// Its ids are each a user once, and a live one: a group's members (an erased account has no
    /// membership left).
    distinct: bool,
}

/// Up to this many ids, a set is small (R84).
const SMALL_SET: i64 = 2_000;
// A set's own count (up to `SMALL_SET + 1`) serves as the list's, which says "more" past
// `USERS_COUNTED`: it must count at least that far.
const _: () = assert!(SMALL_SET >= USERS_COUNTED as i64);

impl UserSet {
    /// The set, its ids counted.
    async fn of(conn: &mut AnyConnection, ids: Statement, condition: Statement) -> Result<UserSet, AppError> {
        let mut counted = Statement::new("SELECT COUNT(*) FROM (");
        counted.append(&ids).push(" LIMIT ").bind(SMALL_SET + 1).push(") counted");
        let found: i64 = counted.query_scalar().fetch_one(&mut *conn).await?;
        Ok(UserSet { ids, condition, found, distinct: false })
    }

    /// Small enough to start from: a page of a large set is found at once by walking.
    fn small(&self) -> bool {
        self.found <= SMALL_SET
    }

    /// How many users it holds (up to `SMALL_SET + 1`), when that is known from its ids.
    fn users(&self) -> Option<i64> {
        self.distinct.then_some(self.found)
    }

    /// The members of one group, whatever their roles: read on the (group, user) index, each
    /// once, so that counting them is the list's count too (the group page, R84).
    async fn of_group(conn: &mut AnyConnection, group: GroupId) -> Result<UserSet, AppError> {
        let mut ids = Statement::new("SELECT DISTINCT user_id FROM memberships WHERE group_id = ");
        ids.bind(group);
        let mut exists = Statement::new("EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.group_id = ");
        exists.bind(group).push(")");
        Ok(UserSet { distinct: true, ..UserSet::of(conn, ids, exists).await? })
    }

    /// Those with a membership (`memberships` rows meeting `where`).
    async fn of_memberships(conn: &mut AnyConnection, condition: Statement) -> Result<UserSet, AppError> {
        let mut ids = Statement::new("SELECT user_id FROM memberships WHERE ");
        ids.append(&condition);
        let mut exists = Statement::new("EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND ");
        exists.append(&condition).push(")");
        UserSet::of(conn, ids, exists).await
    }

    fn push_into(&self, s: &mut Statement) {
        if self.small() {
            s.push(" AND u.id IN (").append(&self.ids).push(")");
        } else {
            s.push(" AND ").append(&self.condition);
        }
    }
}

/// The sets of users the list keeps: those one sees (R62; none for everyone), and those the
/// search finds, those of the filter's groups and role, those with its label.
struct Sets {
    scope: Option<UserSet>,
    filters: Vec<UserSet>,
}

impl Sets {
    async fn of(conn: &mut AnyConnection, backend: Backend, scope: Option<Vec<GroupId>>, filter: &UserFilter) -> Result<Sets, AppError> {
        let scope = match scope {
            Some(groups) if groups.len() == 1 => Some(UserSet::of_group(conn, groups[0]).await?),
            Some(groups) => {
                let mut condition = Statement::new("");
                condition.push_in("group_id", &groups);
                Some(UserSet::of_memberships(conn, condition).await?)
            }
            None => None,
        };
        let mut sets = Vec::new();
        if let Some((ids, condition)) = search(backend, &filter.search) {
            sets.push(UserSet::of(conn, ids, condition).await?);
        }
        if let ([group], None) = (&filter.groups[..], filter.role) {
            sets.push(UserSet::of_group(conn, *group).await?);
        } else if !filter.groups.is_empty() || filter.role.is_some() {
            let mut condition = Statement::new("1 = 1");
            if !filter.groups.is_empty() {
                condition.push(" AND ").push_in("group_id", &filter.groups);
            }
            if let Some(role) = filter.role {
                condition.push(" AND role = ").bind(role.as_str());
            }
            sets.push(UserSet::of_memberships(conn, condition).await?);
        }
        if let Some(label) = filter.label {
            let mut ids = Statement::new("SELECT user_id FROM user_labels WHERE label_id = ");
            ids.bind(label);
            let mut exists = Statement::new("EXISTS (SELECT 1 FROM user_labels l WHERE l.user_id = u.id AND l.label_id = ");
            exists.bind(label).push(")");
            sets.push(UserSet::of(conn, ids, exists).await?);
        }
        Ok(Sets { scope, filters: sets })
    }

    /// The one set the list keeps, if there is only one.
    fn only(&self) -> Option<&UserSet> {
        match (&self.scope, &self.filters[..]) {
            (Some(set), []) | (None, [set]) => Some(set),
            _ => None,
        }
    }
}

/// A search (R84), as ids and as a condition: the users whose "first last", "last first", email
/// or username starts with the term, case aside.
fn search(backend: Backend, term: &str) -> Option<(Statement, Statement)> {
    let term = term.trim();
    if term.is_empty() {
        return None;
    }
    // A prefix is a range in byte order (PostgreSQL is told so, whatever its collation), which
    // each expression's index serves; as ids, the four ranges are read apart and joined (an OR
    // of them cannot use the indexes). Names are lowered as the database lowers them (SQLite's
    // lower() knows ASCII only); emails and usernames are stored lowered.
    let (name_term, key_term) = match backend {
        Backend::Sqlite => (term.to_ascii_lowercase(), term.to_lowercase()),
        Backend::Postgres => (term.to_lowercase(), term.to_lowercase()),
    };
    let collate = if backend == Backend::Postgres { " COLLATE \"C\"" } else { "" };
    let ranges = |s: &mut Statement, table: &str| {
        let (name_from, name_to) = (s.param(name_term.clone()), s.param(format!("{name_term}{}", char::MAX)));
        let (key_from, key_to) = (s.param(key_term.clone()), s.param(format!("{key_term}{}", char::MAX)));
        let range = |expression: &str, from: &str, to: &str| format!("({expression}){collate} >= {from} AND ({expression}){collate} < {to}");
        [
            range(&format!("lower({table}first_name || ' ' || {table}last_name)"), &name_from, &name_to),
            range(&format!("lower({table}last_name || ' ' || {table}first_name)"), &name_from, &name_to),
            range(&format!("{table}email_key"), &key_from, &key_to),
            range(&format!("{table}username_key"), &key_from, &key_to),
        ]
    };
    let mut ids = Statement::new("");
    let parts = ranges(&mut ids, "");
    ids.push(&parts.map(|range| format!("SELECT id FROM users WHERE deleted_at IS NULL AND {range}")).join(" UNION ALL "));
    let mut condition = Statement::new("");
    let parts = ranges(&mut condition, "u.");
    condition.push(&format!("(({}))", parts.join(") OR (")));
    Some((ids, condition))
}

/// `select` from the users that every set keeps (R62, R84), with the filter's status.
fn users_where(select: Statement, filter: &UserFilter, sets: &Sets) -> Statement {
    let mut s = select;
    s.push(" FROM users u WHERE u.deleted_at IS NULL");
    for set in sets.scope.iter().chain(&sets.filters) {
        set.push_into(&mut s);
    }
    match filter.status {
        Some(UserStatus::Active) => s.push(" AND u.must_change_password = 0 AND u.deactivated_at IS NULL"),
        Some(UserStatus::FirstLoginPending) => s.push(" AND u.must_change_password = 1 AND u.deactivated_at IS NULL"),
        Some(UserStatus::Deactivated) => s.push(" AND u.deactivated_at IS NOT NULL"),
        None => &mut s,
    };
    s
}
