//! Service tests: the backend against real databases, each test run on SQLite and on PostgreSQL
//! (`app::on_both_databases!`). One test binary for all of them: one link, one copy of the
//! dependencies on disk.

mod accounts;
mod batch;
mod billing;
mod deletion;
mod details;
mod groups;
mod import;
mod invitations;
mod mail;
mod programs;
mod set_up;
mod statements;
mod tokens;
mod support;
