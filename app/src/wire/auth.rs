//! Wire types: Signing in. What crosses between `api::auth` and the screens.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginOutcome {
    /// The password was given by someone else: the person must choose their own first (R27).
    pub must_change_password: bool,
}
