//! Wire types: the order of a list (R87) — by one of its columns, one way or the other — as the
//! URL says it (`sort=-created`) and the server reads it.

use serde::{Deserialize, Serialize};

/// The columns a list sorts by.
pub trait SortColumn: Copy + Default + Eq + 'static {
    const ALL: &'static [Self];
    /// Its name in the URL.
    fn code(self) -> &'static str;
    /// The way its header's first click sorts: names from the start, dates the latest first.
    fn first_descending(self) -> bool;
}

/// A list's order: a column, one way or the other. By default, the default column its first way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort<C> {
    pub column: C,
    pub descending: bool,
}

impl<C: SortColumn> Default for Sort<C> {
    fn default() -> Self {
        let column = C::default();
        Sort { column, descending: column.first_descending() }
    }
}

impl<C: SortColumn> Sort<C> {
    /// As the URL says it: the column's code, after a `-` when descending (`-created`).
    pub fn code(self) -> String {
        format!("{}{}", if self.descending { "-" } else { "" }, self.column.code())
    }

    pub fn parse(code: &str) -> Option<Sort<C>> {
        let (descending, column) = match code.strip_prefix('-') {
            Some(column) => (true, column),
            None => (false, code),
        };
        C::ALL.iter().copied().find(|c| c.code() == column).map(|column| Sort { column, descending })
    }

    /// The order a click on `column`'s header asks for: this one the other way round, or the
    /// column's first way.
    pub fn clicked(self, column: C) -> Sort<C> {
        let descending = if column == self.column { !self.descending } else { column.first_descending() };
        Sort { column, descending }
    }

    /// `Some(descending)` if the list is sorted by `column`: what its header shows.
    pub fn of(self, column: C) -> Option<bool> {
        (self.column == column).then_some(self.descending)
    }
}
