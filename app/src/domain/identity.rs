//! How people are identified: an `Email` (compared case-insensitively, stored as typed), a
//! `Username` for users without email (R40), and the `LoginId` typed in the login form, which is
//! one or the other. Values cannot be built without being validated and normalised.

use serde::{Deserialize, Serialize};

/// An email address as typed (trimmed), with the key it is compared on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email {
    typed: String,
    key: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidEmail;

impl Email {
    pub const MAX_LEN: usize = 254;

    /// A practical check, not the whole of RFC 5322: one `@`, a local part of printable
    /// characters without spaces, a domain of dot-separated labels (letters, digits, hyphens).
    pub fn parse(input: &str) -> Result<Email, InvalidEmail> {
        let typed = input.trim();
        if typed.is_empty() || typed.len() > Self::MAX_LEN {
            return Err(InvalidEmail);
        }
        let (local, domain) = typed.split_once('@').ok_or(InvalidEmail)?;
        if local.is_empty()
            || local.len() > 64
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
            || local.chars().any(|c| c.is_whitespace() || c.is_control() || "@()<>[]\\,;:\"".contains(c))
        {
            return Err(InvalidEmail);
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels.iter().any(|l| {
                l.is_empty()
                    || l.len() > 63
                    || l.starts_with('-')
                    || l.ends_with('-')
                    || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
        {
            return Err(InvalidEmail);
        }
        Ok(Email { typed: typed.to_string(), key: typed.to_lowercase() })
    }

    /// The address as the user typed it (trimmed): what emails are sent to and what is shown.
    pub fn as_str(&self) -> &str {
        &self.typed
    }

    /// The normalised form: uniqueness and look-ups use this.
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// A username, for users without email (R40): 3–64 of `A–Z a–z 0–9 . _ -`, compared
/// case-insensitively. It never contains `@`, which is how a login tells it from an email.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Username {
    typed: String,
    key: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidUsername;

impl Username {
    pub fn parse(input: &str) -> Result<Username, InvalidUsername> {
        let typed = input.trim();
        let len = typed.chars().count();
        if !(3..=64).contains(&len) || !typed.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
            return Err(InvalidUsername);
        }
        Ok(Username { typed: typed.to_string(), key: typed.to_ascii_lowercase() })
    }

    pub fn as_str(&self) -> &str {
        &self.typed
    }

    pub fn key(&self) -> &str {
        &self.key
    }
}

/// What a person types in the login form's "Email or username" field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginId {
    Email(Email),
    Username(Username),
}

impl LoginId {
    /// `None` when it is neither a valid email nor a valid username: the login then fails with
    /// the same generic message as a wrong password.
    pub fn parse(input: &str) -> Option<LoginId> {
        if input.contains('@') {
            Email::parse(input).ok().map(LoginId::Email)
        } else {
            Username::parse(input).ok().map(LoginId::Username)
        }
    }

    /// The normalised key, used for per-account rate limits.
    pub fn key(&self) -> &str {
        match self {
            LoginId::Email(e) => e.key(),
            LoginId::Username(u) => u.key(),
        }
    }

    /// As typed (trimmed).
    pub fn as_str(&self) -> &str {
        match self {
            LoginId::Email(e) => e.as_str(),
            LoginId::Username(u) => u.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_keep_what_was_typed_and_compare_on_lowercase() {
        let e = Email::parse("  Ada.Lovelace@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "Ada.Lovelace@Example.COM");
        assert_eq!(e.key(), "ada.lovelace@example.com");
        assert_eq!(e.key(), Email::parse("ada.lovelace@example.com").unwrap().key());
    }

    #[test]
    fn emails_accept_the_usual_forms() {
        for ok in ["a@b.co", "first.last+tag@sub.example.org", "o'neil@example.ie", "élodie@exemple.fr", "x@xn--bcher-kva.example"] {
            assert!(Email::parse(ok).is_ok(), "{ok} should be valid");
        }
    }

    #[test]
    fn emails_refuse_garbage() {
        for bad in [
            "", " ", "plainaddress", "@example.com", "a@", "a@b", "a@@b.com", "a b@example.com",
            "a@exa mple.com", ".a@example.com", "a.@example.com", "a..b@example.com", "a@-example.com",
            "a@example-.com", "a@example..com", "a,b@example.com", "a;b@example.com", "<a@example.com>",
        ] {
            assert_eq!(Email::parse(bad), Err(InvalidEmail), "{bad:?} should be invalid");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(Email::parse(&long_local), Err(InvalidEmail));
        let long = format!("a@{}.com", "b".repeat(250));
        assert_eq!(Email::parse(&long), Err(InvalidEmail));
    }

    #[test]
    fn r40_usernames_are_case_insensitive_and_never_contain_at() {
        let u = Username::parse("Field.Worker_7").unwrap();
        assert_eq!(u.key(), "field.worker_7");
        for bad in ["ab", "with space", "a@b", "", &"x".repeat(65), "émile"] {
            assert!(Username::parse(bad).is_err(), "{bad:?} should be invalid");
        }
    }

    #[test]
    fn a_login_is_an_email_when_it_has_an_at_sign() {
        assert!(matches!(LoginId::parse("Owner@Example.com"), Some(LoginId::Email(_))));
        assert!(matches!(LoginId::parse("warehouse.7"), Some(LoginId::Username(_))));
        assert_eq!(LoginId::parse("not an@email"), None);
        assert_eq!(LoginId::parse("Owner@Example.com").unwrap().key(), "owner@example.com");
    }
}
