//! Wire types: creating users in batch (R35–R37) — what the preview of a file says.

use serde::{Deserialize, Serialize};

use crate::domain::batch::Mode;
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

/// Where an import stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportState {
    /// The file is kept for its preview; nothing imported yet.
    Uploaded,
    /// IMPORT was confirmed; the job waits for a worker.
    Queued,
    Running,
    Done,
    /// Stopped before its end (`failure` says why); the rows written before stay.
    Failed,
}

/// An import's progress and outcome (R37): the progress bar and the results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStatus {
    pub job: i64,
    pub file_name: String,
    pub mode: Mode,
    pub state: ImportState,
    /// The rows below the header.
    pub total: u64,
    /// The rows written (or rejected) so far.
    pub done: u64,
    /// How many rows had each outcome so far, in the order of `RowOutcome` (zeros left out).
    pub counts: Vec<(RowOutcome, u64)>,
    /// Existing accounts added to their rows' groups.
    pub accounts_added: u64,
    /// Rows a second since the job started.
    pub per_second: u64,
    /// While running: at this rate, how long the rest takes.
    pub seconds_left: Option<u64>,
    pub failure: Option<String>,
}

/// A file kept for its preview and import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uploaded {
    pub job: i64,
    pub file_name: String,
    pub bytes: u64,
}

/// Where the import template downloads from.
pub const TEMPLATE_PATH: &str = "/import/template.csv";

/// Where an import's rejected rows download from.
pub fn rejected_rows_path(job: i64) -> String {
    format!("/import/{job}/rejected.csv")
}
