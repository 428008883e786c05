//! Users' details besides groups and roles (R42–R44): the labels and custom fields platform
//! administrators define (R43), checked and written for set-up users at once, and for invited
//! users kept on the invitation until they register.

use super::audit::{self, Who};
use super::db::{Db, Tx};
use crate::api::details::{LabelsAndFields, UserDetails};
use crate::domain::names;
use crate::error::{AppError, FieldError};
use crate::i18n::Msg;

/// The longest custom-field value.
pub const VALUE_MAX: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Label,
    Field,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Label => "labels",
            Kind::Field => "custom_fields",
        }
    }
}

pub async fn choices(db: &Db) -> Result<LabelsAndFields, AppError> {
    let labels = sqlx::query_as("SELECT id, name FROM labels ORDER BY name_key").fetch_all(&db.pool).await?;
    let fields = sqlx::query_as("SELECT id, name FROM custom_fields ORDER BY name_key").fetch_all(&db.pool).await?;
    Ok(LabelsAndFields { labels, fields, may_define: false })
}

/// A new label or custom field; names are unique whatever their case.
pub async fn create(db: &Db, who: &Who, kind: Kind, name: &str) -> Result<(), AppError> {
    let name = crate::domain::names::tidy(name, 60).map_err(|m| AppError::field("name", m))?;
    let mut tx = db.begin().await?;
    let id: Option<i64> = sqlx::query_scalar(&format!("INSERT INTO {} (name, name_key) VALUES ($1, $2) ON CONFLICT (name_key) DO NOTHING RETURNING id", kind.table()))
        .bind(&name)
        .bind(name.to_lowercase())
        .fetch_optional(&mut *tx)
        .await?;
    let Some(id) = id else { return Err(AppError::field("name", Msg::NameTaken)) };
    audit::record(&mut tx, who, if kind == Kind::Label { "label_created" } else { "custom_field_created" }, kind.table(), id, &serde_json::json!({ "name": name })).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks the details against the platform's labels and fields; the messages name the fields
/// `deletion_date`, `labels` and `values`. Returns them as they are stored: the deletion date
/// written `YYYY-MM-DD` whatever its typing (the deletion job compares dates as text).
pub async fn check(db: &Db, details: &UserDetails, errors: &mut Vec<FieldError>) -> Result<UserDetails, AppError> {
    let mut checked = details.clone();
    let capped = [("labels", names::at_most(&details.labels, names::MAX_LABELS)), ("values", names::at_most(&details.values, names::MAX_VALUES))];
    let over: Vec<FieldError> = capped.into_iter().filter_map(|(field, cap)| cap.err().map(|msg| FieldError { field: field.into(), msg })).collect();
    if !over.is_empty() {
        errors.extend(over);
        return Ok(checked);
    }
    if let Some(date) = details.deletion_date.as_deref() {
        match check_deletion_date(date, super::deletion::today(&db.pool).await?) {
            Ok(day) => checked.deletion_date = Some(day.format("%Y-%m-%d").to_string()),
            Err(msg) => errors.push(FieldError { field: "deletion_date".into(), msg }),
        }
    }
    let known_labels: Vec<i64> = sqlx::query_scalar("SELECT id FROM labels").fetch_all(&db.pool).await?;
    if details.labels.iter().any(|l| !known_labels.contains(l)) {
        errors.push(FieldError { field: "labels".into(), msg: Msg::NotFound });
    }
    let known_fields: Vec<i64> = sqlx::query_scalar("SELECT id FROM custom_fields").fetch_all(&db.pool).await?;
    if details.values.iter().any(|v| !known_fields.contains(&v.field)) {
        errors.push(FieldError { field: "values".into(), msg: Msg::NotFound });
    } else if details.values.iter().any(|v| v.value.trim().chars().count() > VALUE_MAX) {
        errors.push(FieldError { field: "values".into(), msg: Msg::NameTooLong { max: VALUE_MAX } });
    } else if details.values.iter().any(|v| names::has_control_characters(&v.value.split_whitespace().collect::<String>())) {
        errors.push(FieldError { field: "values".into(), msg: Msg::InvalidCharacters });
    }
    Ok(checked)
}

/// R42: a deletion date is a day after today (in the platform's time zone).
pub fn check_deletion_date(date: &str, today: chrono::NaiveDate) -> Result<chrono::NaiveDate, Msg> {
    match chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") {
        Ok(day) if day > today => Ok(day),
        Ok(_) => Err(Msg::DateNotInFuture),
        Err(_) => Err(Msg::InvalidDate),
    }
}

/// Writes the labels and values on a user (the language and deletion date are columns of the
/// user, written with it).
pub async fn apply_to_user(tx: &mut Tx, user: i64, details: &UserDetails) -> Result<(), AppError> {
    for label in &details.labels {
        sqlx::query("INSERT INTO user_labels (user_id, label_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(user).bind(label).execute(&mut **tx).await?;
    }
    for v in details.values.iter().filter(|v| !v.value.trim().is_empty()) {
        sqlx::query("INSERT INTO user_custom_values (user_id, field_id, value) VALUES ($1, $2, $3) ON CONFLICT (user_id, field_id) DO UPDATE SET value = excluded.value")
            .bind(user)
            .bind(v.field)
            .bind(v.value.trim())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Keeps the labels and values on an invitation (an invitation extended by a second inviter
/// gains them too).
pub async fn keep_on_invitation(tx: &mut Tx, invitation: i64, details: &UserDetails) -> Result<(), AppError> {
    for label in &details.labels {
        sqlx::query("INSERT INTO invitation_labels (invitation_id, label_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(invitation)
            .bind(label)
            .execute(&mut **tx)
            .await?;
    }
    for v in details.values.iter().filter(|v| !v.value.trim().is_empty()) {
        sqlx::query(
            "INSERT INTO invitation_custom_values (invitation_id, field_id, value) VALUES ($1, $2, $3)
             ON CONFLICT (invitation_id, field_id) DO UPDATE SET value = excluded.value",
        )
        .bind(invitation)
        .bind(v.field)
        .bind(v.value.trim())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// At registration, the invitation's labels and values become the user's.
pub async fn apply_invitation(tx: &mut Tx, invitation: i64, user: i64) -> Result<(), AppError> {
    sqlx::query("INSERT INTO user_labels (user_id, label_id) SELECT $1, label_id FROM invitation_labels WHERE invitation_id = $2")
        .bind(user)
        .bind(invitation)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO user_custom_values (user_id, field_id, value) SELECT $1, field_id, value FROM invitation_custom_values WHERE invitation_id = $2")
        .bind(user)
        .bind(invitation)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r42_a_deletion_date_is_a_day_after_today() {
        let loose = chrono::NaiveDate::from_ymd_opt(2099, 1, 5).unwrap();
        assert_eq!(check_deletion_date("2099-1-5", chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()), Ok(loose), "read as the day it names");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let tomorrow = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(check_deletion_date("2026-11-28", today), Ok(tomorrow));
        assert_eq!(check_deletion_date("2026-11-28", today).map(|d| d.format("%Y-%m-%d").to_string()), Ok("2026-11-28".to_string()));
        assert_eq!(check_deletion_date("2026-11-27", today), Err(Msg::DateNotInFuture));
        assert_eq!(check_deletion_date("28/11/2026", today), Err(Msg::InvalidDate));
    }
}
