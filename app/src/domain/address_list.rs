//! The Emails field of the invite panel (R20, R21): one or more addresses separated by commas,
//! semicolons, spaces or new lines, each with its own outcome; at most 100 a submit.

use super::identity::Email;

pub const MAX_ADDRESSES: usize = 100;

/// One entry of the field, in the order typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A valid address, first of its kind in the list.
    Valid(Email),
    /// Not an email address: as typed.
    Invalid(String),
    /// The same address (compared case-insensitively) as an earlier entry: as typed, and the
    /// index of that earlier entry.
    Repeated { typed: String, first: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListError {
    /// Nothing but separators.
    Empty,
    /// More than `MAX_ADDRESSES` entries.
    TooMany { count: usize },
}

/// Splits and classifies the field. One bad entry never blocks the others; only an empty field
/// or one with too many entries is refused as a whole.
pub fn parse(field: &str) -> Result<Vec<Entry>, ListError> {
    let pieces: Vec<&str> = field.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|p| !p.is_empty()).collect();
    if pieces.is_empty() {
        return Err(ListError::Empty);
    }
    if pieces.len() > MAX_ADDRESSES {
        return Err(ListError::TooMany { count: pieces.len() });
    }
    let mut seen: Vec<(String, usize)> = Vec::new();
    Ok(pieces
        .into_iter()
        .enumerate()
        .map(|(index, piece)| match Email::parse(piece) {
            Err(_) => Entry::Invalid(piece.to_string()),
            Ok(email) => match seen.iter().find(|(key, _)| key == email.key()) {
                Some(&(_, first)) => Entry::Repeated { typed: piece.to_string(), first },
                None => {
                    seen.push((email.key().to_string(), index));
                    Entry::Valid(email)
                }
            },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(s: &str) -> Entry {
        Entry::Valid(Email::parse(s).unwrap())
    }

    #[test]
    fn r20_every_separator_splits() {
        let entries = parse("a@x.io, b@x.io;c@x.io d@x.io\ne@x.io\r\n\tf@x.io;;, ,g@x.io").unwrap();
        assert_eq!(entries, ["a", "b", "c", "d", "e", "f", "g"].map(|n| valid(&format!("{n}@x.io"))).to_vec());
    }

    #[test]
    fn r21_repeats_compare_case_insensitively_and_keep_what_was_typed() {
        let entries = parse("Ada@Example.com ada@example.COM bob@example.com ADA@EXAMPLE.COM").unwrap();
        assert_eq!(entries[0], valid("Ada@Example.com"));
        assert_eq!(entries[1], Entry::Repeated { typed: "ada@example.COM".into(), first: 0 });
        assert_eq!(entries[2], valid("bob@example.com"));
        assert_eq!(entries[3], Entry::Repeated { typed: "ADA@EXAMPLE.COM".into(), first: 0 });
    }

    #[test]
    fn r21_garbage_is_reported_per_entry_and_blocks_nothing() {
        let entries = parse("good@example.com not-an-email @example.com good2@example.com").unwrap();
        assert_eq!(
            entries,
            vec![valid("good@example.com"), Entry::Invalid("not-an-email".into()), Entry::Invalid("@example.com".into()), valid("good2@example.com")]
        );
        // A repeated invalid entry stays invalid (there is no address to compare).
        assert_eq!(parse("x x").unwrap(), vec![Entry::Invalid("x".into()), Entry::Invalid("x".into())]);
    }

    #[test]
    fn r21_at_most_100_addresses_and_not_none() {
        let hundred: Vec<String> = (0..100).map(|i| format!("u{i}@example.com")).collect();
        assert_eq!(parse(&hundred.join(",")).unwrap().len(), 100);
        let hundred_one = format!("{}, extra@example.com", hundred.join(","));
        assert_eq!(parse(&hundred_one), Err(ListError::TooMany { count: 101 }));
        assert_eq!(parse(" ,; \n "), Err(ListError::Empty));
        assert_eq!(parse(""), Err(ListError::Empty));
    }
}
