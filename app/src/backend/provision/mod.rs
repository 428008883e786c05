//! Provisioning (issue 15): what identity providers (SCIM) and scripts manage with an API token
//! (R90) — users (R92, R93) and groups (R94) — through the panels' services and rules. The
//! token's caller is a principal like any other, with the rights of an admin of its group.

pub mod groups;
pub mod invited;
pub mod users;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Contains,
    StartsWith,
    EndsWith,
}

/// Which users (with `Attribute`) or groups (with `GroupAttribute`) a search keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition<A> {
    Both(Box<Condition<A>>, Box<Condition<A>>),
    Either(Box<Condition<A>>, Box<Condition<A>>),
    Not(Box<Condition<A>>),
    /// Has a value.
    Present(A),
    Compare(A, Op, String),
    /// Of users: deactivated or not (R93).
    Active(bool),
    /// None (a condition on something every one has the same way, and not this one).
    Nobody,
}

/// A search's order (RFC 7644 §3.4.2.3): by an attribute, one way or the other, equal values
/// (and missing ones, last) by id; by id — the order they were made in — when none is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order<A> {
    pub by: A,
    pub descending: bool,
}

/// A page of a search: how many it finds, and those of the page asked for.
#[derive(Debug)]
pub struct Found<T> {
    pub total: i64,
    pub found: Vec<T>,
}

