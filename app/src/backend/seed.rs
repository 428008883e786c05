//! Bringing a platform into being: `init` (the platform, its group and its owner) and the demo
//! data that the Quick start shows.

use super::auth::{generated_password, PasswordHasher};
use super::db::{now_ms, Db, Tx};

use crate::domain::identity::Email;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::Lang;

pub struct NewPlatform<'a> {
    pub name: &'a str,
    pub language: Lang,
    pub owner_email: &'a str,
    pub owner_first_name: &'a str,
    pub owner_last_name: &'a str,
    /// An IANA name such as `Europe/Paris`: deletion dates (R42) begin at 00:00 there.
    pub time_zone: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("this database already holds a platform")]
    AlreadyInitialised,
    #[error("unknown time zone {0:?}: use an IANA name such as Europe/Paris or UTC")]
    UnknownTimeZone(String),
    #[error("the platform name is empty")]
    EmptyName,
    #[error("{0:?} is not a valid email address")]
    InvalidEmail(String),
    #[error("{0}")]
    Failed(#[from] AppError),
}

/// The owner's login and the one-time password they must change at first login.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub login: String,
    pub password: String,
}

pub async fn is_initialised(db: &Db) -> Result<bool, AppError> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM platform").fetch_one(&db.pool).await?;
    Ok(count > 0)
}

/// Creates the platform, its platform group and its owner (an admin of the platform group) with a
/// one-time password to change at first login. Refuses if the platform exists.
pub async fn init(db: &Db, new: NewPlatform<'_>) -> Result<Credentials, InitError> {
    let name = new.name.trim();
    if name.is_empty() {
        return Err(InitError::EmptyName);
    }
    let email = Email::parse(new.owner_email).map_err(|_| InitError::InvalidEmail(new.owner_email.to_string()))?;
    let time_zone: chrono_tz::Tz = new.time_zone.trim().parse().map_err(|_| InitError::UnknownTimeZone(new.time_zone.to_string()))?;
    let (password, hash) = generated_password();
    let mut tx = db.begin().await.map_err(AppError::from)?;
    if is_initialised_in(&mut tx).await? {
        return Err(InitError::AlreadyInitialised);
    }
    let now = now_ms();
    let owner: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, email_key, first_name, last_name, language, status, password_hash, must_change_password, password_expires_at, created_at, activated_at)
         VALUES ($1, $2, $3, $4, $5, 'active', $6, 1, $8, $7, $7) RETURNING id",
    )
    .bind(email.as_str())
    .bind(email.key())
    .bind(new.owner_first_name.trim())
    .bind(new.owner_last_name.trim())
    .bind(new.language.code())
    .bind(hash)
    .bind(now)
    .bind(now + super::auth::ONE_TIME_PASSWORD_LIFETIME_MS)
    .fetch_one(&mut *tx)
    .await
    .map_err(AppError::from)?;
    sqlx::query("INSERT INTO platform (id, name, default_language, time_zone, owner_id, created_at) VALUES (1, $1, $2, $3, $4, $5)")
        .bind(name)
        .bind(new.language.code())
        .bind(time_zone.name())
        .bind(owner)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(AppError::from)?;
    let root = insert_group(&mut tx, None, name, false).await?;
    let tree = super::tree::group_tree_in(&mut tx).await?;
    super::groups::insert_memberships(&mut tx, &tree, owner, root, &[Role::Admin]).await?;
    sqlx::query("INSERT INTO audit_log (at, actor_id, action, target_type, target_id) VALUES ($1, NULL, 'platform_initialised', 'user', $2)")
        .bind(now)
        .bind(owner)
        .execute(&mut *tx)
        .await
        .map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    Ok(Credentials { login: email.as_str().to_string(), password })
}

async fn is_initialised_in(tx: &mut Tx) -> Result<bool, AppError> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM platform").fetch_one(&mut **tx).await?;
    Ok(count > 0)
}

pub async fn insert_group(tx: &mut Tx, parent: Option<i64>, name: &str, is_public: bool) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO groups (parent_id, name, name_key, visibility, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(parent)
    .bind(name.trim())
    .bind(name.trim().to_lowercase())
    .bind(if is_public { "public" } else { "private" })
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?)
}

/// The demo platform, and who to log in as.
pub struct Demo {
    pub owner: Credentials,
    /// One person per role, who share the owner's password: (login, what they are).
    pub people: Vec<(String, String)>,
}

/// Demo people, one per role: (email, first name, last name, group, role, description).
const ROLE_PEOPLE: &[(&str, &str, &str, &str, Role, &str)] = &[
    ("admin@northwind.example", "Paula", "Platform", "Northwind Academy", Role::Admin, "platform administrator"),
    ("sales.admin@northwind.example", "Greta", "Groupadmin", "Sales", Role::Admin, "admin of Sales"),
    ("emea.useradmin@northwind.example", "Ulysse", "Useradmin", "Sales EMEA", Role::UserAdmin, "user admin of Sales EMEA"),
    ("emea.coach@northwind.example", "Colin", "Coach", "Sales EMEA", Role::Coach, "coach of Sales EMEA"),
    ("author@northwind.example", "Aurora", "Author", "Engineering", Role::Author, "author in Engineering"),
    ("learner@northwind.example", "Leo", "Learner", "Paris office", Role::Learner, "learner in Paris office"),
];

/// The demo platform of the Quick start, created only into an empty database: a group tree four
/// levels deep mixing public and private groups, one person per role, and people to list.
pub async fn demo(db: &Db, hasher: &PasswordHasher) -> Result<Demo, InitError> {
    let owner = init(
        db,
        NewPlatform {
            name: "Northwind Academy",
            language: Lang::En,
            owner_email: "owner@northwind.example",
            owner_first_name: "Olivia",
            owner_last_name: "Owner",
            time_zone: "Europe/Paris",
        },
    )
    .await?;
    // The demo owner keeps the printed password: the Quick start should not start with a form.
    sqlx::query("UPDATE users SET must_change_password = 0").execute(&db.pool).await.map_err(AppError::from)?;

    let mut tx = db.begin().await.map_err(AppError::from)?;
    let root: i64 = sqlx::query_scalar("SELECT id FROM groups WHERE parent_id IS NULL").fetch_one(&mut *tx).await.map_err(AppError::from)?;
    let sales = insert_group(&mut tx, Some(root), "Sales", false).await?;
    let emea = insert_group(&mut tx, Some(sales), "Sales EMEA", true).await?;
    let paris = insert_group(&mut tx, Some(emea), "Paris office", true).await?;
    let _americas = insert_group(&mut tx, Some(sales), "Sales Americas", true).await?;
    let engineering = insert_group(&mut tx, Some(root), "Engineering", true).await?;
    let success = insert_group(&mut tx, Some(root), "Customer Success", false).await?;
    let onboarding = insert_group(&mut tx, Some(success), "New hires 2026", true).await?;

    const PEOPLE: &[(&str, &str)] = &[
        ("Amélie", "Bernard"), ("Noah", "Schmidt"), ("Chloé", "Dubois"), ("Liam", "O'Brien"), ("Inès", "Moreau"),
        ("Lucas", "Rossi"), ("Emma", "Johansson"), ("Hugo", "Lefèvre"), ("Sofia", "García"), ("Jonas", "Weber"),
        ("Léa", "Fontaine"), ("Mateo", "Silva"), ("Zoé", "Girard"), ("Elias", "Novak"), ("Manon", "Lambert"),
        ("Oscar", "Nilsson"), ("Jade", "Roux"), ("Arthur", "Kowalski"), ("Louise", "Mercier"), ("Yusuf", "Demir"),
        ("Alice", "Perrin"), ("Theo", "Fischer"), ("Camille", "Blanc"), ("Kenji", "Tanaka"), ("Nora", "Haddad"),
        ("Gabriel", "Costa"), ("Maya", "Cohen"), ("Victor", "Leroy"), ("Ava", "Murphy"), ("Sami", "Benali"),
    ];
    let tree = super::tree::group_tree_in(&mut tx).await?;
    let groups = [paris, emea, engineering, onboarding];
    let now = now_ms();
    let mut people = Vec::new();
    for &(email, first, last, group_name, role, what) in ROLE_PEOPLE {
        let hash = hasher.hash(&owner.password).await?;
        let user: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, email_key, first_name, last_name, status, password_hash, created_at, activated_at)
             VALUES ($1, $2, $3, $4, 'active', $5, $6, $6) RETURNING id",
        )
        .bind(email)
        .bind(email.to_lowercase())
        .bind(first)
        .bind(last)
        .bind(hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(AppError::from)?;
        let group = tree.subtree(root).into_iter().find(|g| tree.get(*g).is_some_and(|n| n.name == group_name)).ok_or_else(|| AppError::internal("demo group"))?;
        super::groups::insert_memberships(&mut tx, &tree, user, group, &[role]).await?;
        people.push((email.to_string(), what.to_string()));
    }
    for (i, (first, last)) in PEOPLE.iter().enumerate() {
        let email = format!("{}.{}@northwind.example", ascii_slug(first), ascii_slug(last));
        let user: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, email_key, first_name, last_name, status, created_at, activated_at)
             VALUES ($1, $2, $3, $4, 'active', $5, $5) RETURNING id",
        )
        .bind(&email)
        .bind(email.to_lowercase())
        .bind(first)
        .bind(last)
        .bind(now - (i as i64) * 86_400_000)
        .fetch_one(&mut *tx)
        .await
        .map_err(AppError::from)?;
        super::groups::insert_memberships(&mut tx, &tree, user, groups[i % groups.len()], &[Role::Learner]).await?;
    }
    // A program with two sessions, assigned to groups (R31 enrolls their learners).
    let program: i64 = sqlx::query_scalar("INSERT INTO programs (name, created_at) VALUES ('Sales onboarding 2026', $1) RETURNING id")
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(AppError::from)?;
    let sessions = [("Spring cohort", emea, "2026-03-02", "2026-04-24", paris), ("Autumn cohort", sales, "2026-09-07", "2026-10-30", emea)];
    for (name, group, starts_on, ends_on, assigned) in sessions {
        let session: i64 = sqlx::query_scalar(
            "INSERT INTO program_sessions (program_id, group_id, name, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(program)
        .bind(group)
        .bind(name)
        .bind(starts_on)
        .bind(ends_on)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(AppError::from)?;
        sqlx::query("INSERT INTO session_instructors (session_id, user_id) SELECT $1, id FROM users WHERE email = 'emea.coach@northwind.example'")
            .bind(session)
            .execute(&mut *tx)
            .await
            .map_err(AppError::from)?;
        sqlx::query("INSERT INTO session_groups (session_id, group_id) VALUES ($1, $2)").bind(session).bind(assigned).execute(&mut *tx).await.map_err(AppError::from)?;
        sqlx::query("INSERT INTO enrollments (session_id, user_id, created_at) SELECT $1, user_id, $3 FROM memberships WHERE group_id = $2 AND role = 'learner'")
            .bind(session)
            .bind(assigned)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(AppError::from)?;
    }
    // Labels and custom fields (R43), the demo's contractors labelled.
    for (table, name) in [("labels", "Contractor"), ("labels", "Partner"), ("custom_fields", "Employee ID"), ("custom_fields", "Cost centre")] {
        sqlx::query(&format!("INSERT INTO {table} (name, name_key) VALUES ($1, $2)"))
            .bind(name)
            .bind(name.to_lowercase())
            .execute(&mut *tx)
            .await
            .map_err(AppError::from)?;
    }
    sqlx::query(
        "INSERT INTO user_labels (user_id, label_id) SELECT u.id, l.id FROM users u CROSS JOIN labels l
         WHERE l.name_key = 'contractor' AND u.email IN ('hugo.lefevre@northwind.example', 'ines.moreau@northwind.example', 'victor.leroy@northwind.example')",
    )
    .execute(&mut *tx)
    .await
    .map_err(AppError::from)?;
    // The demo's people were set up active: billed since then (R26), the owner aside.
    sqlx::query("INSERT INTO billing_events (user_id, reason, billed_at) SELECT id, 'set_up', created_at FROM users WHERE id <> (SELECT owner_id FROM platform)")
        .execute(&mut *tx)
        .await
        .map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    Ok(Demo { owner, people })
}

/// `Léa` → `lea`, `O'Brien` → `obrien`: the local part of a demo address.
fn ascii_slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'à' | 'á' | 'â' | 'ä' => Some('a'),
            'ç' => Some('c'),
            'è' | 'é' | 'ê' | 'ë' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' => Some('i'),
            'ò' | 'ó' | 'ô' | 'ö' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' => Some('u'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}
