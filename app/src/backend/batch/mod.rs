//! Creating users in batch from a CSV file (R35–R37). What a column and a cell mean is
//! `domain::batch`; reading the file as people really have them is `file`; the dry run that
//! shows what importing it would do is `preview` (each row checked by `rows`); the import, a
//! background job that survives the server, is `job`; the file to start from is `template`.

pub mod file;
pub mod job;
pub mod preview;
pub mod rows;
pub mod template;
