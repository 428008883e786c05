//! Password rules, shown beside every password field and checked on the server (NIST SP 800-63B
//! style: length over composition rules, no passwords built from the person's own identity, no
//! common passwords).

use crate::i18n::Msg;

pub const MIN_LEN: usize = 10;
/// Bounded so that hashing cannot be turned into a denial of service.
pub const MAX_LEN: usize = 128;

/// A few of the most common passwords of at least `MIN_LEN` characters (lower-cased).
const COMMON: &[&str] = &[
    "1234567890", "0123456789", "12345678910", "qwertyuiop", "password123", "password1234",
    "passw0rd123", "azertyuiop", "iloveyou123", "1q2w3e4r5t", "qwerty12345", "abcdefghij",
    "motdepasse", "motdepasse1", "welcome123", "letmein123", "administrator", "changeme123",
    "0000000000", "1111111111", "123456789a", "a123456789", "football123", "sunshine123",
];

/// The rules, for display beside the field.
pub fn rules() -> Msg {
    Msg::PasswordRules { min: MIN_LEN, max: MAX_LEN }
}

/// Checks a new password. `identity` holds what the password must not contain: the person's
/// email (and its local part), username, first and last name.
pub fn check(password: &str, identity: &[&str]) -> Result<(), Msg> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(Msg::PasswordTooShort { min: MIN_LEN });
    }
    if len > MAX_LEN {
        return Err(Msg::PasswordTooLong { max: MAX_LEN });
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) || lower.chars().all(|c| Some(c) == lower.chars().next()) {
        return Err(Msg::PasswordTooCommon);
    }
    let contains_identity = identity
        .iter()
        .flat_map(|part| {
            let part = part.trim().to_lowercase();
            let local = part.split('@').next().map(str::to_string);
            [Some(part), local]
        })
        .flatten()
        .filter(|part| part.chars().count() >= 3)
        .any(|part| lower.contains(&part));
    if contains_identity {
        return Err(Msg::PasswordLikeIdentity);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_a_sane_length() {
        assert_eq!(check("short", &[]), Err(Msg::PasswordTooShort { min: MIN_LEN }));
        assert_eq!(check(&"x1".repeat(65), &[]), Err(Msg::PasswordTooLong { max: MAX_LEN }));
        assert_eq!(check("correct horse battery", &[]), Ok(()));
        // Length is counted in characters, not bytes.
        assert_eq!(check("ééééééééé", &[]), Err(Msg::PasswordTooShort { min: MIN_LEN }));
    }

    #[test]
    fn passwords_refuse_common_and_repeated_ones() {
        assert_eq!(check("Password123", &[]), Err(Msg::PasswordTooCommon));
        assert_eq!(check("aaaaaaaaaaaa", &[]), Err(Msg::PasswordTooCommon));
    }

    #[test]
    fn passwords_refuse_the_persons_own_identity() {
        let who = ["ada.lovelace@example.com", "Ada", "Lovelace"];
        assert_eq!(check("lovelace-2026!", &who), Err(Msg::PasswordLikeIdentity));
        assert_eq!(check("my ada.lovelace rocks", &who), Err(Msg::PasswordLikeIdentity));
        assert_eq!(check("analytical engine", &who), Ok(()));
        // Very short name parts do not forbid every password containing them.
        assert_eq!(check("analytical engine", &["Al"]), Ok(()));
    }
}
