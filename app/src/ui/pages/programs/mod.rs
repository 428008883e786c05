//! Programs and their sessions (R30, R31, R53).

mod programs;
mod session;

pub use programs::ProgramsPage;
pub use session::SessionPage;
