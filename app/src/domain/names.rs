//! Names people type for things (groups, programs, sessions): spaces tidied, never empty,
//! bounded in length.

use crate::i18n::Msg;

/// The name with runs of whitespace made single spaces and the ends trimmed; refused when empty
/// or longer than `max` characters.
pub fn tidy(input: &str, max: usize) -> Result<String, Msg> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(Msg::Required);
    }
    if name.chars().count() > max {
        return Err(Msg::NameTooLong { max });
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tidied_and_bounded() {
        assert_eq!(tidy("  Sales \t  team ", 20), Ok("Sales team".to_string()));
        assert_eq!(tidy(" \n ", 20), Err(Msg::Required));
        assert_eq!(tidy("ééé", 3), Ok("ééé".to_string()), "characters, not bytes");
        assert_eq!(tidy("abcd", 3), Err(Msg::NameTooLong { max: 3 }));
    }
}
