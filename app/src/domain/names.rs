//! Names people type for things (groups, programs, sessions, people): spaces tidied, never
//! empty, bounded in length, no control characters.

use crate::i18n::Msg;

/// The name with runs of whitespace made single spaces and the ends trimmed; refused when empty
/// or longer than `max` characters.
pub fn tidy(input: &str, max: usize) -> Result<String, Msg> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(Msg::Required);
    }
    if has_control_characters(&name) {
        return Err(Msg::InvalidCharacters);
    }
    if name.chars().count() > max {
        return Err(Msg::NameTooLong { max });
    }
    Ok(name)
}

/// Whether a text holds characters nobody types (NUL, escape, other controls); line breaks and
/// tabs are whitespace, tidied away before this is asked.
pub fn has_control_characters(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// A list argument holds at most `max` items: every list a form sends is capped before any
/// database work (the body limit alone would allow thousands).
pub fn at_most<T>(list: &[T], max: usize) -> Result<(), Msg> {
    if list.len() > max { Err(Msg::TooManyItems { max }) } else { Ok(()) }
}

/// The caps of list arguments.
pub const MAX_GROUPS: usize = 1000;
pub const MAX_ROLES: usize = 5;
pub const MAX_LABELS: usize = 200;
pub const MAX_VALUES: usize = 200;
/// The longest login worth looking up (an email is at most 254 characters).
pub const MAX_LOGIN: usize = 320;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tidied_and_bounded() {
        assert_eq!(tidy("  Sales \t  team ", 20), Ok("Sales team".to_string()));
        assert_eq!(tidy(" \n ", 20), Err(Msg::Required));
        assert_eq!(tidy("ééé", 3), Ok("ééé".to_string()), "characters, not bytes");
        assert_eq!(tidy("abcd", 3), Err(Msg::NameTooLong { max: 3 }));
        assert_eq!(tidy("Eve\0Mallory", 30), Err(Msg::InvalidCharacters), "NUL would fail in PostgreSQL");
        assert_eq!(tidy("bell\u{7}", 30), Err(Msg::InvalidCharacters));
    }

    #[test]
    fn lists_are_capped() {
        assert_eq!(at_most(&[1, 2, 3], 3), Ok(()));
        assert_eq!(at_most(&[1, 2, 3, 4], 3), Err(Msg::TooManyItems { max: 3 }));
    }
}
