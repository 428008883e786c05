//! Enrollment in program sessions (R31): whoever is or becomes a learner of a group a session is
//! assigned to is enrolled in it, and gets the session's email in the same transaction (R74).

use super::db::{now_ms, Tx};
use super::mail::{self, OutgoingEmail};
use super::Settings;

use crate::domain::group_tree::GroupId;
use crate::emails;
use crate::error::AppError;

/// R31, for later joiners: enrolls `user` in the sessions assigned to any of `groups` where they
/// are now a learner. Called in the transaction that adds the memberships; returns the sessions
/// newly enrolled in, whose emails the caller sends with [`email_enrollments`].
pub async fn enroll_learner(tx: &mut Tx, user: i64, groups: &[GroupId]) -> Result<Vec<i64>, AppError> {
    let mut enrolled = Vec::new();
    for &group in groups {
        let sessions: Vec<i64> = sqlx::query_scalar(
            "INSERT INTO enrollments (session_id, user_id, created_at)
             SELECT session_id, $1, $3 FROM session_groups WHERE group_id = $2
             ON CONFLICT DO NOTHING RETURNING session_id",
        )
        .bind(user)
        .bind(group)
        .bind(now_ms())
        .fetch_all(&mut **tx)
        .await?;
        enrolled.extend(sessions);
    }
    Ok(enrolled)
}

/// Enrolls `user` in these sessions; returns those they were not enrolled in yet.
pub async fn enroll(tx: &mut Tx, user: i64, sessions: &[i64]) -> Result<Vec<i64>, AppError> {
    let mut enrolled = Vec::new();
    for &session in sessions {
        let new: Option<i64> = sqlx::query_scalar(
            "INSERT INTO enrollments (session_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING session_id",
        )
        .bind(session)
        .bind(user)
        .bind(now_ms())
        .fetch_optional(&mut **tx)
        .await?;
        enrolled.extend(new);
    }
    Ok(enrolled)
}

/// R31: the email of each session `user` was just enrolled in, queued in the enrolling
/// transaction (so it leaves at once, and only if the enrollment commits), in the user's language
/// (R44). None for a user without email (R40); never twice for the same session and user.
pub async fn email_enrollments(tx: &mut Tx, settings: &Settings, user: i64, sessions: &[i64]) -> Result<(), AppError> {
    if sessions.is_empty() {
        return Ok(());
    }
    let to: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1").bind(user).fetch_one(&mut **tx).await?;
    let Some(to) = to else { return Ok(()) };
    let language = mail::language_of(tx, user).await?;
    let platform: String = sqlx::query_scalar("SELECT name FROM platform WHERE id = 1").fetch_one(&mut **tx).await?;
    for &session in sessions {
        let (name, program, starts_on, ends_on): (String, String, Option<String>, Option<String>) = sqlx::query_as(
            "SELECT s.name, p.name, s.starts_on, s.ends_on FROM program_sessions s JOIN programs p ON p.id = s.program_id WHERE s.id = $1",
        )
        .bind(session)
        .fetch_one(&mut **tx)
        .await?;
        let dates = crate::i18n::date_range(starts_on.as_deref(), ends_on.as_deref());
        let link = format!("{}/sessions/{session}", settings.public_url);
        let rendered = emails::SessionInvitation { platform: &platform, program: &program, session: &name, dates: &dates, link: &link }.render(language);
        let email = OutgoingEmail { user_id: Some(user), ..OutgoingEmail::new(format!("session:{session}:user:{user}"), "session_invitation", &to, language, rendered) };
        mail::enqueue(tx, &email).await?;
    }
    Ok(())
}
