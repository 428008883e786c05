//! Password rules, shown beside every password field and checked on the server (NIST SP 800-63B
//! style: length over composition rules, no passwords built from the person's own identity, no
//! common passwords).

use crate::i18n::Msg;

pub const MIN_LEN: usize = 10;
/// Bounded so that hashing cannot be turned into a denial of service.
pub const MAX_LEN: usize = 128;

/// Whether the password is among the ~100,000 most common ones (the `passwords` crate's list,
/// from leaked-password corpora), as typed or lower-cased. The list (1 MB) stays on the server:
/// the browser shows the rule, and the server's answer names it at the field.
fn is_common(password: &str, lower: &str) -> bool {
    #[cfg(feature = "ssr")]
    {
        passwords::analyzer::is_common_password(password) || passwords::analyzer::is_common_password(lower)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (password, lower);
        false
    }
}

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
    if is_common(password, &lower) || lower.chars().all(|c| Some(c) == lower.chars().next()) {
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
    #[cfg(feature = "ssr")]
    fn r47_passwords_refuse_the_most_common_ones_and_repeated_characters() {
        // From the list's ~9,000 entries of ten characters or more, beyond any hand-typed few.
        for common in ["Password123", "qwertyuiop123", "password1234", "1q2w3e4r5t6y", "iloveyou123", "football123", "1q2w3e4r5t"] {
            assert_eq!(check(common, &[]), Err(Msg::PasswordTooCommon), "{common}");
        }
        assert_eq!(check("aaaaaaaaaaaa", &[]), Err(Msg::PasswordTooCommon));
        assert_eq!(check("a brand new secret phrase", &[]), Ok(()));
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
