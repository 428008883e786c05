//! Passwords: argon2id hashing off the async runtime (bounded) for the passwords people choose, a
//! fast salted hash for the ones Roster generates (R97), one-time passwords, checking and changing
//! one's own (R27, R69).

use std::sync::{Arc, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;
use tokio::sync::Semaphore;

use crate::backend::db::{now_ms, Db};
use crate::backend::rate_limit::{self, Limit};
use crate::domain::identity::LoginId;
use crate::error::AppError;
use crate::i18n::Msg;

/// Wrong current passwords of a signed-in person (R69): 5 in 15 minutes, as strict as a login
/// from one place (`login::PAIR_LIMIT`).
pub const CURRENT_PASSWORD_LIMIT: Limit = Limit { max_hits: 5, window_secs: 15 * 60 };

/// A password someone else chose (R58) works for a week, like an invitation (R22).
pub const ONE_TIME_PASSWORD_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;

/// Argon2id with the crate's defaults (m = 19 MiB, t = 2, p = 1), run on the blocking pool with
/// at most as many hashes at once as there are cores, so logins cannot starve the runtime.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        PasswordHasher { permits: Arc::new(Semaphore::new(cores)) }
    }
}

impl PasswordHasher {
    /// A password a person chose: argon2id, slow on purpose.
    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        self.run(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(AppError::internal)
        })
        .await?
    }

    /// The password to give an account and its hash: the one given (argon2id), or one generated
    /// to be sent (R97).
    pub async fn given_or_generated(&self, given: Option<String>) -> Result<(String, String), AppError> {
        match given {
            Some(password) => {
                let hash = self.hash(&password).await?;
                Ok((password, hash))
            }
            None => Ok(generated_password()),
        }
    }

    /// Verifies against the stored hash, or against a fixed dummy hash when there is none, so
    /// that an unknown account takes as long to refuse as a wrong password. A generated
    /// password's hash (R97) is checked besides one argon2id run, for the same reason.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, AppError> {
        let password = password.to_owned();
        let stored = stored.map(str::to_owned);
        let argon2 = |password: &str, stored: &str| PasswordHash::new(stored).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false);
        self.run(move || match stored.as_deref() {
            Some(stored) if stored.starts_with(GENERATED) => {
                argon2(&password, dummy_hash());
                verify_generated(&password, stored)
            }
            Some(stored) => argon2(&password, stored),
            None => {
                argon2(&password, dummy_hash());
                false
            }
        })
        .await
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        tokio::task::spawn_blocking(work).await.map_err(AppError::internal)
    }
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default().hash_password(b"no account has this password", &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

/// How a generated password's hash begins (R97): `$roster-sha256$<salt>$<digest>`, hex.
const GENERATED: &str = "$roster-sha256$";

/// A password Roster generates (R97) and its hash. About 90 random bits cannot be guessed, however
/// fast each guess: a salted SHA-256 keeps it as safe as argon2id would, in a microsecond instead
/// of tens of milliseconds of a core — what lets an identity provider's first sync set up
/// hundreds of accounts a second. A password a person chose always gets argon2id.
pub fn generated_password() -> (String, String) {
    let password = random_password();
    let salt = super::random_hex(16);
    let hash = format!("{GENERATED}{salt}${}", generated_digest(&salt, &password));
    (password, hash)
}

fn generated_digest(salt: &str, password: &str) -> String {
    hex::encode(Sha256::digest(format!("{salt}${password}").as_bytes()))
}

fn verify_generated(password: &str, stored: &str) -> bool {
    let Some((salt, digest)) = stored.strip_prefix(GENERATED).and_then(|rest| rest.split_once('$')) else { return false };
    let computed = generated_digest(salt, password);
    // In constant time: the digest is compared whole.
    computed.len() == digest.len() && computed.bytes().zip(digest.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// A readable random password: 16 characters from an alphabet without look-alikes, about 90 bits.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16).map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char).collect()
}

pub(super) struct Account {
    pub(super) id: i64,
    pub(super) password_hash: Option<String>,
    pub(super) must_change_password: bool,
    /// A one-time password stops working then (R58).
    pub(super) password_expires_at: Option<i64>,
}

pub(super) async fn find_active_account(db: &Db, id: &LoginId) -> Result<Option<Account>, AppError> {
    let (column, key) = match id {
        LoginId::Email(e) => ("email_key", e.key()),
        LoginId::Username(u) => ("username_key", u.key()),
    };
    let sql = format!("SELECT id, password_hash, must_change_password, password_expires_at FROM users WHERE {column} = $1 AND status = 'active' AND deleted_at IS NULL AND deactivated_at IS NULL");
    let row = sqlx::query(&sql).bind(key).fetch_optional(&db.pool).await?;
    Ok(match row {
        Some(row) => Some(Account {
            id: row.try_get("id")?,
            password_hash: row.try_get("password_hash")?,
            must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
            password_expires_at: row.try_get("password_expires_at")?,
        }),
        None => None,
    })
}

/// A new one-time password (R58) for the account that logs in as `login`, its sessions ended;
/// returned to be handed over (the `reset-password` command prints it).
pub async fn reset_to_one_time_password(db: &Db, login: &str) -> Result<String, AppError> {
    let id = LoginId::parse(login).ok_or(AppError::NotFound)?;
    let account = find_active_account(db, &id).await?.ok_or(AppError::NotFound)?;
    let (password, hash) = generated_password();
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 1, password_expires_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now_ms() + ONE_TIME_PASSWORD_LIFETIME_MS)
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1").bind(account.id).execute(&mut *tx).await?;
    // Credentials emails not sent yet carry a password that no longer works.
    sqlx::query("DELETE FROM outbox_emails WHERE user_id = $1 AND kind = $2 AND status IN ('queued', 'failed')")
        .bind(account.id)
        .bind(crate::backend::mail::CREDENTIALS_KIND)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO audit_log (at, action, target_type, target_id) VALUES ($1, 'password_reset_from_command_line', 'user', $2)")
        .bind(now_ms())
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(password)
}

/// Checks a signed-in user's current password before a change at will. Wrong answers have a
/// limit of their own, as strict as the login's (5 per 15 minutes), so a session left open
/// cannot be used to guess it.
pub async fn check_current_password(db: &Db, hasher: &PasswordHasher, user_id: i64, password: &str) -> Result<(), AppError> {
    let key = format!("password:user:{user_id}");
    rate_limit::take(db, &key, CURRENT_PASSWORD_LIMIT).await?.or_refuse()?;
    let hash: Option<String> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1").bind(user_id).fetch_one(&db.pool).await?;
    if hasher.verify(password, hash.as_deref()).await? {
        rate_limit::clear(db, &key).await
    } else {
        Err(AppError::field("current_password", Msg::WrongCurrentPassword))
    }
}

/// Sets a new password chosen by its owner, clears the must-change flag and ends the person's
/// other sessions.
pub async fn change_password(db: &Db, hasher: &PasswordHasher, user_id: i64, keep_session: &str, new_password: &str) -> Result<(), AppError> {
    let hash = hasher.hash(new_password).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0, password_expires_at = NULL WHERE id = $2").bind(hash).bind(user_id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep_session)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO audit_log (at, actor_id, action, target_type, target_id) VALUES ($1, $2, 'password_changed', 'user', $2)")
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_only_the_right_password_and_unknown_accounts_never_verify() {
        let hasher = PasswordHasher::default();
        let hash = hasher.hash("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(hasher.verify("correct horse battery", Some(&hash)).await.unwrap());
        assert!(!hasher.verify("wrong horse battery", Some(&hash)).await.unwrap());
        assert!(!hasher.verify("no account has this password", None).await.unwrap());
    }

    #[tokio::test]
    async fn r97_generated_passwords_get_a_fast_salted_hash_that_verifies_only_them() {
        let hasher = PasswordHasher::default();
        let (password, hash) = generated_password();
        let (_, other) = generated_password();
        assert!(hash.starts_with("$roster-sha256$") && hash.len() == GENERATED.len() + 32 + 1 + 64, "{hash}");
        assert_ne!(hash, other, "salted: two hashes never match");
        assert!(hasher.verify(&password, Some(&hash)).await.unwrap());
        assert!(!hasher.verify(&password, Some(&other)).await.unwrap());
        assert!(!hasher.verify(&password[1..], Some(&hash)).await.unwrap());
        assert!(!hasher.verify(&password, Some("$roster-sha256$nodigest")).await.unwrap());
        // A chosen password never gets the fast hash.
        let (chosen, chosen_hash) = hasher.given_or_generated(Some("correct horse battery".into())).await.unwrap();
        assert_eq!(chosen, "correct horse battery");
        assert!(chosen_hash.starts_with("$argon2id$"), "{chosen_hash}");
    }

    #[test]
    fn generated_passwords_are_long_and_differ() {
        let a = random_password();
        assert_eq!(a.chars().count(), 16);
        assert_ne!(a, random_password());
        assert!(crate::domain::password::check(&a, &[]).is_ok());
    }
}
