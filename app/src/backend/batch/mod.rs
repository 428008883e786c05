//! Creating users in batch from a CSV file (R35–R37). What a column and a cell mean is
//! `domain::batch`; reading the file as people really have them is `file`; the dry run that
//! shows what importing it would do is `preview`; the file to start from is `template`.

pub mod file;
pub mod preview;
pub mod template;
