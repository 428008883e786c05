//! Random tokens (256-bit, stored only as their SHA-256) and the cookies that carry them.

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::backend::Settings;

/// How long a session lasts from login (absolute, not sliding).
pub const SESSION_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;

/// How long a browser stays trusted for an account after a login (R48).
pub const DEVICE_LIFETIME_MS: i64 = 180 * 24 * 3600 * 1000;

/// A fresh 256-bit random token, URL-safe (hex), and the SHA-256 under which it is stored.
pub fn new_token() -> (String, String) {
    let token = random_hex(32);
    let hash = token_hash(&token);
    (token, hash)
}

/// `bytes` random bytes from the OS, in hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies { "__Host-roster_session" } else { "roster_session" }
}

/// The device cookie (R48): a browser that logged in to an account before.
pub fn device_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies { "__Host-roster_device" } else { "roster_device" }
}

/// The `Set-Cookie` value of a new device cookie.
pub fn device_cookie(settings: &Settings, token: &str) -> String {
    cookie::Cookie::build((device_cookie_name(settings), token.to_string()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(settings.secure_cookies)
        .max_age(cookie::time::Duration::milliseconds(DEVICE_LIFETIME_MS))
        .build()
        .to_string()
}

/// The `Set-Cookie` value for a new session, or (with `None`) the one that removes it.
pub fn session_cookie(settings: &Settings, token: Option<&str>) -> String {
    let mut cookie = cookie::Cookie::build((cookie_name(settings), token.unwrap_or("").to_string()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(settings.secure_cookies);
    cookie = match token {
        Some(_) => cookie.max_age(cookie::time::Duration::milliseconds(SESSION_LIFETIME_MS)),
        None => cookie.max_age(cookie::time::Duration::ZERO),
    };
    cookie.build().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_stored_only_as_their_hash() {
        let (token, hash) = new_token();
        assert_eq!(token.len(), 64);
        assert_eq!(hash, token_hash(&token));
        assert_ne!(hash, token);
        assert_ne!(new_token().0, token);
    }

    #[test]
    fn session_cookies_are_http_only_lax_and_secure_outside_local_development() {
        let local = Settings::new("http://127.0.0.1:3000");
        let cookie = session_cookie(&local, Some("abc"));
        assert!(cookie.starts_with("roster_session=abc"), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");
        let public = Settings::new("https://learn.example.com/");
        let cookie = session_cookie(&public, Some("abc"));
        assert!(cookie.starts_with("__Host-roster_session=abc") && cookie.contains("Secure") && cookie.contains("Path=/"), "{cookie}");
        assert!(session_cookie(&public, None).contains("Max-Age=0"));
    }
}
