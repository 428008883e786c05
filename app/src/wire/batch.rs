//! Wire types: creating users in batch (R35–R37) — what the preview of a file says.

use serde::{Deserialize, Serialize};

use crate::i18n::Msg;

/// What importing a row would do (R21, R28), or why it would not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RowOutcome {
    /// Invited, or set up.
    New,
    /// The address has a pending invitation: invite mode adds the row's grants to it (R21); set-up
    /// mode refuses the row (R28).
    AlreadyInvited,
    /// The address or username belongs to an active account: offered to add those accounts to
    /// their rows' groups (R21).
    ActiveAccount,
    /// The address or username is on an earlier row of the file (compared case-insensitively).
    Repeated,
    /// A cell is wrong: the row's problems say which.
    Invalid,
}

/// One problem of one row: its line in the file, the column as the file names it, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub line: u64,
    pub column: String,
    pub msg: Msg,
}

/// The preview of a file (R36): nothing is written until IMPORT.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// The rows below the header.
    pub rows: u64,
    /// How many rows each outcome has, in the order of `RowOutcome`.
    pub counts: Vec<(RowOutcome, u64)>,
    /// The first problems, in the order of the file (at most `PROBLEMS_SHOWN`).
    pub problems: Vec<RowProblem>,
    /// Headers Roster does not know (1-based column, as typed): their cells are not read.
    pub unknown_columns: Vec<(usize, String)>,
}

/// How many problems a preview lists; the rejected-rows file holds them all.
pub const PROBLEMS_SHOWN: usize = 1000;
