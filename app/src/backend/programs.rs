//! Programs and their sessions: creating them, their instructors, the groups a session is
//! assigned to, and enrollment (R31: whoever is or becomes a learner of an assigned group is
//! enrolled). Each function owns its transaction and writes the audit log.

use sqlx::Row;

use super::audit::{self, Who};
use super::db::{now_ms, Db};
use super::enrollment;
use super::principal::Principal;
use super::{Permit, Settings};

use crate::domain::capability::{Capability, InviteFromSession, ManageSession, ManageSessions, ManageSessionsSomewhere};
use crate::domain::group_tree::GroupId;
use crate::domain::names;
use crate::domain::policy::{Action, SessionRef};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::wire::programs::{PersonRow, ProgramRow, SessionRow, SessionView};

const NAME_MAX: usize = 120;

fn clean_name(name: &str, field: &str) -> Result<String, AppError> {
    names::tidy(name, NAME_MAX).map_err(|msg| AppError::field(field, msg))
}

/// `YYYY-MM-DD`, or nothing when empty.
fn clean_date(date: &str, field: &str) -> Result<Option<String>, AppError> {
    let date = date.trim();
    if date.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").map(|d| Some(d.to_string())).map_err(|_| AppError::field(field, Msg::InvalidDate))
}

pub async fn create_program(db: &Db, _permit: &Permit<'_, ManageSessionsSomewhere>, who: &Who, name: &str) -> Result<i64, AppError> {
    let name = clean_name(name, "name")?;
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar("INSERT INTO programs (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(&name)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
    audit::record(&mut tx, who, "program_created", "program", id, &serde_json::json!({ "name": name })).await?;
    tx.commit().await?;
    Ok(id)
}

pub struct NewSession<'a> {
    pub program: i64,
    pub name: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
}

/// A new session of `new.program`, in the permit's group.
pub async fn create_session(db: &Db, permit: &Permit<'_, ManageSessions>, who: &Who, new: NewSession<'_>) -> Result<i64, AppError> {
    let ManageSessions(group) = *permit.what();
    let name = clean_name(new.name, "name")?;
    let starts_on = clean_date(new.starts_on, "starts_on")?;
    let ends_on = clean_date(new.ends_on, "ends_on")?;
    if let (Some(start), Some(end)) = (&starts_on, &ends_on)
        && end < start
    {
        return Err(AppError::field("ends_on", Msg::EndsBeforeStart));
    }
    let mut tx = db.begin().await?;
    let program_exists: Option<i64> = sqlx::query_scalar("SELECT id FROM programs WHERE id = $1").bind(new.program).fetch_optional(&mut *tx).await?;
    let group_exists: Option<i64> = sqlx::query_scalar("SELECT id FROM groups WHERE id = $1").bind(group).fetch_optional(&mut *tx).await?;
    if program_exists.is_none() || group_exists.is_none() {
        return Err(AppError::NotFound);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO program_sessions (program_id, group_id, name, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.program)
    .bind(group)
    .bind(&name)
    .bind(&starts_on)
    .bind(&ends_on)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(&mut tx, who, "session_created", "session", id, &serde_json::json!({ "program": new.program, "group": group, "name": name })).await?;
    tx.commit().await?;
    Ok(id)
}

/// The session's id and group, for the policy.
pub async fn session_ref(db: &Db, session: i64) -> Result<SessionRef, AppError> {
    let group: Option<i64> = sqlx::query_scalar("SELECT group_id FROM program_sessions WHERE id = $1").bind(session).fetch_optional(&db.pool).await?;
    group.map(|group| SessionRef { id: session, group }).ok_or(AppError::NotFound)
}

/// The permit for `what` on this session (R4, R53). An unknown session and no right look the
/// same from outside: "not allowed".
pub async fn session_permit<'p, C: Capability>(db: &Db, principal: &'p Principal, session: i64, what: impl FnOnce(SessionRef) -> C) -> Result<Permit<'p, C>, AppError> {
    match session_ref(db, session).await {
        Ok(session) => principal.require(what(session)),
        Err(AppError::NotFound) => Err(AppError::NotAllowed),
        Err(other) => Err(other),
    }
}

pub async fn add_instructor(db: &Db, permit: &Permit<'_, ManageSession>, who: &Who, login: &str) -> Result<(), AppError> {
    let session = permit.what().0.id;
    let user = super::users::find_seen(db, permit.by().session_scope().as_deref(), login).await?;
    let mut tx = db.begin().await?;
    let added = sqlx::query("INSERT INTO session_instructors (session_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(session)
        .bind(user)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if added > 0 {
        audit::record(&mut tx, who, "instructor_added", "session", session, &serde_json::json!({ "user": user })).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// R30, picking an existing user from the session: the learner role on the session's group
/// (climbing, R10, R12), enrollment in the session, and its email (R31; none for a user without
/// email, R40). Adding someone already there changes nothing and sends nothing twice.
pub async fn add_existing_learner(db: &Db, settings: &Settings, permit: &Permit<'_, InviteFromSession>, who: &Who, login: &str) -> Result<(), AppError> {
    let InviteFromSession(session) = *permit.what();
    let user = super::users::find_seen(db, permit.by().session_scope().as_deref(), login).await?;
    let mut tx = db.begin().await?;
    let tree = super::tree::group_tree_in(&mut tx).await?;
    let mut enrolled = super::groups::insert_memberships(&mut tx, &tree, user, session.group, &[Role::Learner]).await?;
    enrolled.extend(enrollment::enroll(&mut tx, user, &[session.id]).await?);
    enrollment::email_enrollments(&mut tx, settings, user, &enrolled).await?;
    audit::record(&mut tx, who, "learner_added_from_session", "session", session.id, &serde_json::json!({ "user": user })).await?;
    tx.commit().await?;
    Ok(())
}

/// R31: assigns the session to a group, enrolls that group's learners and sends each newly
/// enrolled learner the session's email, in the same transaction. Assigning enrolls the group's
/// learners, so it needs the right on that group as well as on the session.
pub async fn assign_group(db: &Db, settings: &Settings, session: &Permit<'_, ManageSession>, group: &Permit<'_, ManageSessions>, who: &Who) -> Result<(), AppError> {
    let (session, ManageSessions(group)) = (session.what().0.id, *group.what());
    let mut tx = db.begin().await?;
    let assigned = sqlx::query("INSERT INTO session_groups (session_id, group_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(session)
        .bind(group)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let learners: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO enrollments (session_id, user_id, created_at)
         SELECT $1, user_id, $3 FROM memberships WHERE group_id = $2 AND role = 'learner'
         ON CONFLICT DO NOTHING RETURNING user_id",
    )
    .bind(session)
    .bind(group)
    .bind(now_ms())
    .fetch_all(&mut *tx)
    .await?;
    for user in learners {
        enrollment::email_enrollments(&mut tx, settings, user, &[session]).await?;
    }
    if assigned > 0 {
        audit::record(&mut tx, who, "session_assigned", "session", session, &serde_json::json!({ "group": group })).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The programs with the sessions this person may see: all for platform administrators; else
/// sessions in the groups they oversee, that they instruct, or that they are enrolled in.
pub async fn programs_for(db: &Db, principal: &Principal) -> Result<Vec<ProgramRow>, AppError> {
    let rows = sqlx::query(
        "SELECT p.id AS program_id, p.name AS program_name, s.id AS session_id, s.name AS session_name, s.group_id,
                g.name AS group_name, s.starts_on, s.ends_on,
                EXISTS (SELECT 1 FROM session_instructors i WHERE i.session_id = s.id AND i.user_id = $1) AS instructs,
                EXISTS (SELECT 1 FROM enrollments e WHERE e.session_id = s.id AND e.user_id = $1) AS enrolled
         FROM programs p
         LEFT JOIN program_sessions s ON s.program_id = p.id
         LEFT JOIN groups g ON g.id = s.group_id
         ORDER BY lower(p.name), p.id, s.starts_on, s.id",
    )
    .bind(principal.user_id)
    .fetch_all(&db.pool)
    .await?;
    let overseen = principal.overseen_subtrees();
    let everything = principal.is_platform_admin();
    let mut programs: Vec<ProgramRow> = Vec::new();
    for row in rows {
        let program_id: i64 = row.try_get("program_id")?;
        if programs.last().is_none_or(|p| p.id != program_id) {
            programs.push(ProgramRow { id: program_id, name: row.try_get("program_name")?, sessions: Vec::new() });
        }
        let Some(session_id) = row.try_get::<Option<i64>, _>("session_id")? else { continue };
        let group: i64 = row.try_get("group_id")?;
        let visible = everything || overseen.binary_search(&group).is_ok() || flag(&row, "instructs")? || flag(&row, "enrolled")?;
        if visible && let Some(program) = programs.last_mut() {
            program.sessions.push(SessionRow {
                id: session_id,
                name: row.try_get("session_name")?,
                group_name: row.try_get("group_name")?,
                starts_on: row.try_get("starts_on")?,
                ends_on: row.try_get("ends_on")?,
            });
        }
    }
    // A program with no session in sight is shown only to those who may add sessions to it.
    let may_add_sessions = everything || !overseen.is_empty();
    programs.retain(|p| !p.sessions.is_empty() || may_add_sessions);
    Ok(programs)
}

/// EXISTS(...) is a boolean on PostgreSQL and an integer on SQLite.
fn flag(row: &sqlx::any::AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    row.try_get::<bool, _>(column).or_else(|_| row.try_get::<i64, _>(column).map(|v| v != 0))
}

pub async fn session_view(db: &Db, principal: &Principal, session: i64) -> Result<SessionView, AppError> {
    let row = sqlx::query(
        "SELECT s.id, s.name, s.group_id, g.name AS group_name, p.id AS program_id, p.name AS program_name, s.starts_on, s.ends_on
         FROM program_sessions s JOIN programs p ON p.id = s.program_id JOIN groups g ON g.id = s.group_id
         WHERE s.id = $1",
    )
    .bind(session)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let group: GroupId = row.try_get("group_id")?;
    let people = |sql: &'static str| {
        let pool = db.pool.clone();
        async move {
            let rows = sqlx::query(sql).bind(session).fetch_all(&pool).await?;
            rows.into_iter()
                .map(|r| {
                    Ok(PersonRow {
                        user_id: r.try_get("id")?,
                        name: format!("{} {}", r.try_get::<String, _>("first_name")?, r.try_get::<String, _>("last_name")?),
                        login: r.try_get("login")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
        }
    };
    let instructors = people(
        "SELECT u.id, u.first_name, u.last_name, COALESCE(u.email, u.username) AS login FROM session_instructors i JOIN users u ON u.id = i.user_id
         WHERE i.session_id = $1 AND u.deleted_at IS NULL ORDER BY lower(u.last_name), lower(u.first_name), u.id",
    )
    .await?;
    let learners = people(
        "SELECT u.id, u.first_name, u.last_name, COALESCE(u.email, u.username) AS login FROM enrollments e JOIN users u ON u.id = e.user_id
         WHERE e.session_id = $1 AND u.deleted_at IS NULL ORDER BY lower(u.last_name), lower(u.first_name), u.id",
    )
    .await?;
    let assigned: Vec<(i64, String)> = sqlx::query_as(
        "SELECT g.id, g.name FROM session_groups sg JOIN groups g ON g.id = sg.group_id WHERE sg.session_id = $1 ORDER BY lower(g.name)",
    )
    .bind(session)
    .fetch_all(&db.pool)
    .await?;
    let may_manage = principal.may(&Action::ManageSessions(group));
    let is_instructor = instructors.iter().any(|i| i.user_id == principal.user_id);
    let is_learner = learners.iter().any(|l| l.user_id == principal.user_id);
    if !may_manage && !is_instructor && !is_learner {
        return Err(AppError::NotFound);
    }
    let assignable_groups = if may_manage { principal.groups_where(|g| Some(Action::ManageSessions(g))) } else { Vec::new() };
    Ok(SessionView {
        id: session,
        name: row.try_get("name")?,
        program_id: row.try_get("program_id")?,
        program_name: row.try_get("program_name")?,
        group: (group, row.try_get("group_name")?),
        starts_on: row.try_get("starts_on")?,
        ends_on: row.try_get("ends_on")?,
        instructors,
        assigned_groups: assigned,
        // Learners are listed to those who run the session, not to fellow learners.
        learners: if may_manage || is_instructor { Some(learners.clone()) } else { None },
        learner_count: learners.len() as u64,
        may_manage,
        may_invite: principal.may(&Action::InviteFromSession(SessionRef { id: session, group })),
        assignable_groups,
    })
}
