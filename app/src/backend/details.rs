//! Users' details besides groups and roles (R42–R44): the labels and custom fields platform
//! administrators define, rename and delete (R43, R79), checked and written for set-up users at
//! once, and for invited users kept on the invitation until they register. Custom-field values
//! are checked against the field's type (`domain::custom_field`).

use super::audit::{self, Who};
use super::db::{Db, Tx};
use super::Permit;
use crate::domain::capability::AdministerPlatform;

use crate::domain::custom_field::FieldType;
use crate::domain::names;
use crate::error::{AppError, FieldError};
use crate::i18n::Msg;
use crate::wire::details::{FieldChoice, FieldValue, LabelChoice, LabelsAndFields, UserDetails};

/// The longest label or custom-field name.
pub const NAME_MAX: usize = 60;

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

    /// The audit log's word for it.
    fn noun(self) -> &'static str {
        match self {
            Kind::Label => "label",
            Kind::Field => "custom_field",
        }
    }

    /// How many hold the one whose id is `of` (a column or a placeholder): users, and pending
    /// invitations (that give it at registration).
    fn holders_sql(self, of: &str) -> String {
        let (users, invitations, column) = match self {
            Kind::Label => ("user_labels", "invitation_labels", "label_id"),
            Kind::Field => ("user_custom_values", "invitation_custom_values", "field_id"),
        };
        format!(
            "(SELECT COUNT(*) FROM {users} h JOIN users u ON u.id = h.user_id WHERE h.{column} = {of} AND u.deleted_at IS NULL)
             + (SELECT COUNT(*) FROM {invitations} h JOIN invitations i ON i.id = h.invitation_id WHERE h.{column} = {of} AND i.status = 'pending')"
        )
    }
}

/// The labels and fields by name; with `holders`, how many users and pending invitations hold
/// each (the platform administrators' list, whose deletions say it), counted in the same query.
pub async fn choices(db: &Db, holders: bool) -> Result<LabelsAndFields, AppError> {
    let count = |kind: Kind, of: &str| if holders { kind.holders_sql(of) } else { "CAST(0 AS BIGINT)".to_string() };
    // Both in one statement (the USERS filter and the + > User forms read them on every view).
    let rows: Vec<(String, i64, String, Option<String>, Option<String>, i64)> = sqlx::query_as(&format!(
        "SELECT 'field', f.id, f.name, f.kind, f.options, {}, f.name_key FROM custom_fields f
         UNION ALL SELECT 'label', l.id, l.name, NULL, NULL, {}, l.name_key FROM labels l
         ORDER BY 1, 7",
        count(Kind::Field, "f.id"),
        count(Kind::Label, "l.id")
    ))
    .fetch_all(&db.pool)
    .await?;
    let mut choices = LabelsAndFields { labels: Vec::new(), fields: Vec::new(), may_define: false };
    for (what, id, name, kind, options, holders) in rows {
        match kind {
            Some(kind) if what == "field" => choices.fields.push(FieldChoice { id, name, field_type: FieldType::from_stored(&kind, options.as_deref()), holders }),
            _ => choices.labels.push(LabelChoice { id, name, holders }),
        }
    }
    Ok(choices)
}

fn clean_name(name: &str) -> Result<String, AppError> {
    names::tidy(name, NAME_MAX).map_err(|m| AppError::field("name", m))
}

fn clean_type(field_type: FieldType) -> Result<FieldType, AppError> {
    field_type.checked().map_err(|m| AppError::field("options", m))
}

/// A new label or custom field (of `field_type`; labels have none); names are unique whatever
/// their case.
pub async fn create(db: &Db, _permit: &Permit<'_, AdministerPlatform>, who: &Who, kind: Kind, name: &str, field_type: FieldType) -> Result<(), AppError> {
    let name = clean_name(name)?;
    let field_type = clean_type(field_type)?;
    let mut tx = db.begin().await?;
    let key = name.to_lowercase();
    let id: Option<i64> = match kind {
        Kind::Label => {
            sqlx::query_scalar("INSERT INTO labels (name, name_key) VALUES ($1, $2) ON CONFLICT (name_key) DO NOTHING RETURNING id")
                .bind(&name)
                .bind(&key)
                .fetch_optional(&mut *tx)
                .await?
        }
        Kind::Field => {
            sqlx::query_scalar("INSERT INTO custom_fields (name, name_key, kind, options) VALUES ($1, $2, $3, $4) ON CONFLICT (name_key) DO NOTHING RETURNING id")
                .bind(&name)
                .bind(&key)
                .bind(field_type.kind())
                .bind(field_type.stored_options())
                .fetch_optional(&mut *tx)
                .await?
        }
    };
    let Some(id) = id else { return Err(AppError::field("name", Msg::NameTaken)) };
    let summary = match kind {
        Kind::Label => serde_json::json!({ "name": name }),
        Kind::Field => serde_json::json!({ "name": name, "type": field_type }),
    };
    audit::record(&mut tx, who, &format!("{}_created", kind.noun()), kind.table(), id, &summary).await?;
    tx.commit().await?;
    Ok(())
}

/// Renames a label; for a custom field, may change its type too — only if every value held
/// (users', pending invitations') fits the new type, and then each is written in its new form
/// (a list's option renamed in case, a number tidied). Audited with the old and new.
pub async fn edit(db: &Db, _permit: &Permit<'_, AdministerPlatform>, who: &Who, kind: Kind, id: i64, name: &str, field_type: FieldType) -> Result<(), AppError> {
    let name = clean_name(name)?;
    let field_type = clean_type(field_type)?;
    let mut tx = db.begin().await?;
    let old: Option<(String, Option<String>, Option<String>)> = match kind {
        Kind::Label => sqlx::query_as("SELECT name, NULL, NULL FROM labels WHERE id = $1"),
        Kind::Field => sqlx::query_as("SELECT name, kind, options FROM custom_fields WHERE id = $1"),
    }
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((old_name, old_kind, old_options)) = old else { return Err(AppError::NotFound) };
    let taken: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {} WHERE name_key = $1 AND id <> $2", kind.table())).bind(name.to_lowercase()).bind(id).fetch_one(&mut *tx).await?;
    if taken > 0 {
        return Err(AppError::field("name", Msg::NameTaken));
    }
    match kind {
        Kind::Label => sqlx::query("UPDATE labels SET name = $1, name_key = $2 WHERE id = $3").bind(&name).bind(name.to_lowercase()).bind(id).execute(&mut *tx).await?,
        Kind::Field => {
            retype_values(&mut tx, id, &field_type).await?;
            sqlx::query("UPDATE custom_fields SET name = $1, name_key = $2, kind = $3, options = $4 WHERE id = $5")
                .bind(&name)
                .bind(name.to_lowercase())
                .bind(field_type.kind())
                .bind(field_type.stored_options())
                .bind(id)
                .execute(&mut *tx)
                .await?
        }
    };
    let before = FieldType::from_stored(old_kind.as_deref().unwrap_or("text"), old_options.as_deref());
    let mut summary = serde_json::json!({ "name": { "from": old_name, "to": name } });
    if kind == Kind::Field && before != field_type {
        summary["type"] = serde_json::json!({ "from": before, "to": field_type });
    }
    audit::record(&mut tx, who, &format!("{}_edited", kind.noun()), kind.table(), id, &summary).await?;
    tx.commit().await?;
    Ok(())
}

/// Every value of the field, of users and of pending invitations, in the new type's form;
/// refused, naming how many do not fit, if any does not.
async fn retype_values(tx: &mut Tx, field: i64, field_type: &FieldType) -> Result<(), AppError> {
    let mut misfits = 0;
    for table in ["user_custom_values", "invitation_custom_values"] {
        let owner = if table == "user_custom_values" { "user_id" } else { "invitation_id" };
        let values: Vec<(i64, String)> = sqlx::query_as(&format!("SELECT {owner}, value FROM {table} WHERE field_id = $1")).bind(field).fetch_all(&mut **tx).await?;
        for (holder, value) in values {
            match field_type.value(&value) {
                Ok(Some(new)) if new != value => {
                    sqlx::query(&format!("UPDATE {table} SET value = $1 WHERE field_id = $2 AND {owner} = $3")).bind(new).bind(field).bind(holder).execute(&mut **tx).await?;
                }
                Ok(_) => {}
                Err(_) => misfits += 1,
            }
        }
    }
    if misfits > 0 {
        return Err(AppError::field("options", Msg::ValuesDoNotFit { count: misfits }));
    }
    Ok(())
}

/// Deletes a label or custom field: taken off every user and pending invitation holding it
/// (cascades). Audited with its name and how many held it.
pub async fn delete(db: &Db, _permit: &Permit<'_, AdministerPlatform>, who: &Who, kind: Kind, id: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let holders: i64 = sqlx::query_scalar(&format!("SELECT {}", kind.holders_sql("$1"))).bind(id).fetch_one(&mut *tx).await?;
    let name: Option<String> = sqlx::query_scalar(&format!("DELETE FROM {} WHERE id = $1 RETURNING name", kind.table())).bind(id).fetch_optional(&mut *tx).await?;
    let Some(name) = name else { return Err(AppError::NotFound) };
    audit::record(&mut tx, who, &format!("{}_deleted", kind.noun()), kind.table(), id, &serde_json::json!({ "name": name, "holders": holders })).await?;
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
    // Read only when given: most users are added without labels or values (an identity
    // provider's first sync, thousands a minute).
    if !details.labels.is_empty() {
        let known_labels: Vec<i64> = sqlx::query_scalar("SELECT id FROM labels").fetch_all(&db.pool).await?;
        if details.labels.iter().any(|l| !known_labels.contains(l)) {
            errors.push(FieldError { field: "labels".into(), msg: Msg::NotFound });
        }
    }
    if details.values.is_empty() {
        return Ok(checked);
    }
    // R79: each value against its field's type, its message at that field; stored in the
    // type's form, empty ones dropped.
    let fields: Vec<(i64, String, Option<String>)> = sqlx::query_as("SELECT id, kind, options FROM custom_fields").fetch_all(&db.pool).await?;
    checked.values.clear();
    for v in &details.values {
        let Some((_, kind, options)) = fields.iter().find(|(id, _, _)| *id == v.field) else {
            errors.push(FieldError { field: "values".into(), msg: Msg::NotFound });
            continue;
        };
        match FieldType::from_stored(kind, options.as_deref()).value(&v.value) {
            Ok(Some(value)) if !checked.values.iter().any(|c| c.field == v.field) => checked.values.push(FieldValue { field: v.field, value }),
            Ok(_) => {}
            Err(msg) => errors.push(FieldError { field: format!("value-{}", v.field), msg }),
        }
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
    // Checked (`check`): each in its type's form, none empty.
    for v in &details.values {
        sqlx::query("INSERT INTO user_custom_values (user_id, field_id, value) VALUES ($1, $2, $3) ON CONFLICT (user_id, field_id) DO UPDATE SET value = excluded.value")
            .bind(user)
            .bind(v.field)
            .bind(&v.value)
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
    for v in &details.values {
        sqlx::query(
            "INSERT INTO invitation_custom_values (invitation_id, field_id, value) VALUES ($1, $2, $3)
             ON CONFLICT (invitation_id, field_id) DO UPDATE SET value = excluded.value",
        )
        .bind(invitation)
        .bind(v.field)
        .bind(&v.value)
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
