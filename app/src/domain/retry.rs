//! When to try again after a temporary failure (email delivery): exponential backoff with a cap
//! and jitter, and a bounded number of attempts.

use std::time::Duration;

pub const MAX_ATTEMPTS: u32 = 8;
const BASE: Duration = Duration::from_secs(30);
const CAP: Duration = Duration::from_secs(2 * 3600);

/// The wait before attempt `attempts + 1`, `attempts` ≥ 1 having failed. `jitter` in [0, 1)
/// spreads retries over [½, 1] of the nominal wait, so failures at the same moment do not
/// retry at the same moment.
pub fn backoff(attempts: u32, jitter: f64) -> Duration {
    let nominal = BASE.saturating_mul(1u32 << attempts.saturating_sub(1).min(16)).min(CAP);
    nominal.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// Whether a temporary failure after `attempts` attempts is worth another one.
pub fn should_retry(attempts: u32) -> bool {
    attempts < MAX_ATTEMPTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r41_retries_back_off_exponentially_up_to_a_cap_with_jitter() {
        assert_eq!(backoff(1, 1.0), Duration::from_secs(30));
        assert_eq!(backoff(2, 1.0), Duration::from_secs(60));
        assert_eq!(backoff(3, 0.0), Duration::from_secs(60), "half of 120 s at the lowest jitter");
        assert_eq!(backoff(30, 1.0), CAP);
        assert!(backoff(4, 0.3) < backoff(4, 0.9));
        assert!(should_retry(MAX_ATTEMPTS - 1) && !should_retry(MAX_ATTEMPTS));
    }
}
