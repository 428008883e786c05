//! The type of a custom field (R43, R79): text, a number, a date, or one of a list. Every value
//! given to a user — set up, invited (from a group or a session), changed on the user page, or
//! imported — is checked against it here and stored in one normal form.

use serde::{Deserialize, Serialize};

use crate::i18n::Msg;

/// The longest value of a text field.
pub const VALUE_MAX: usize = 200;
/// At most this many choices in a list, each a name of at most `OPTION_MAX` characters.
pub const OPTIONS_MAX: usize = 100;
pub const OPTION_MAX: usize = 60;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "options", rename_all = "lowercase")]
pub enum FieldType {
    #[default]
    Text,
    Number,
    /// `YYYY-MM-DD`.
    Date,
    /// One of these, as written here.
    List(Vec<String>),
}

impl FieldType {
    /// The stored kind.
    pub fn kind(&self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Date => "date",
            FieldType::List(_) => "list",
        }
    }

    /// From the stored kind and options (one per line).
    pub fn from_stored(kind: &str, options: Option<&str>) -> FieldType {
        match kind {
            "number" => FieldType::Number,
            "date" => FieldType::Date,
            "list" => FieldType::List(options.unwrap_or_default().lines().map(str::to_string).collect()),
            _ => FieldType::Text,
        }
    }

    /// As the form sends it: the kind's word (none: text) and, for a list, its options one per
    /// line (checked by [`FieldType::checked`]).
    pub fn from_form(kind: &str, options: &str) -> Result<FieldType, Msg> {
        match kind.trim() {
            "" | "text" => Ok(FieldType::Text),
            "number" => Ok(FieldType::Number),
            "date" => Ok(FieldType::Date),
            "list" => Ok(FieldType::List(options.lines().map(str::to_string).collect())),
            _ => Err(Msg::NotFound),
        }
    }

    /// The options as stored: one per line; none but for a list.
    pub fn stored_options(&self) -> Option<String> {
        match self {
            FieldType::List(options) => Some(options.join("\n")),
            _ => None,
        }
    }

    /// A field type as an administrator defines it: a list's options tidied (spaces, empty lines
    /// dropped), at least one, none twice whatever the case.
    pub fn checked(self) -> Result<FieldType, Msg> {
        let FieldType::List(options) = self else { return Ok(self) };
        let mut tidy: Vec<String> = Vec::new();
        for option in options.iter().flat_map(|o| o.lines()) {
            if option.trim().is_empty() {
                continue;
            }
            let option = super::names::tidy(option, OPTION_MAX)?;
            if tidy.iter().any(|o| o.to_lowercase() == option.to_lowercase()) {
                return Err(Msg::OptionTwice { option });
            }
            tidy.push(option);
        }
        match tidy.len() {
            0 => Err(Msg::ListNeedsOptions),
            n if n > OPTIONS_MAX => Err(Msg::TooManyOptions { max: OPTIONS_MAX }),
            _ => Ok(FieldType::List(tidy)),
        }
    }

    /// A value for a field of this type, in its stored form; `None` for an empty value (not
    /// stored).
    pub fn value(&self, typed: &str) -> Result<Option<String>, Msg> {
        let value = typed.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() {
            return Ok(None);
        }
        if super::names::has_control_characters(&value) {
            return Err(Msg::InvalidCharacters);
        }
        match self {
            FieldType::Text if value.chars().count() > VALUE_MAX => Err(Msg::NameTooLong { max: VALUE_MAX }),
            FieldType::Text => Ok(Some(value)),
            FieldType::Number => number(&value).map(Some).ok_or(Msg::NotANumber),
            FieldType::Date => date(&value).map(Some).ok_or(Msg::InvalidDate),
            FieldType::List(options) => options
                .iter()
                .find(|o| o.to_lowercase() == value.to_lowercase())
                .map(|o| Some(o.clone()))
                .ok_or_else(|| Msg::NotAnOption { options: options.join(", ") }),
        }
    }
}

/// A day written `YYYY-MM-DD` (month and day may have one digit), that exists.
pub(crate) fn date(value: &str) -> Option<String> {
    let mut parts = value.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let number = |s: &str, len: std::ops::RangeInclusive<usize>| if len.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit()) { s.parse::<u32>().ok() } else { None };
    let (y, m, d) = (number(year, 4..=4)?, number(month, 1..=2)?, number(day, 1..=2)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (parts.next().is_none() && (1..=days).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A decimal number as people type it — `-12`, `3.5`, `3,5`, `1 200` — written `-12`, `3.5`,
/// `3.5`, `1200`; at most 30 digits.
fn number(value: &str) -> Option<String> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).map(|c| if c == ',' { '.' } else { c }).collect();
    let (sign, digits) = compact.strip_prefix('-').map_or(("", compact.as_str()), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || digits.ends_with('.') || whole.len() + fraction.len() > 30 {
        return None;
    }
    Some(if fraction.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(options: &[&str]) -> FieldType {
        FieldType::List(options.iter().map(|o| o.to_string()).collect())
    }

    #[test]
    fn r79_values_are_checked_against_the_fields_type_and_stored_in_one_form() {
        assert_eq!(FieldType::Text.value("  Cost   centre 42 "), Ok(Some("Cost centre 42".into())));
        assert_eq!(FieldType::Text.value("   "), Ok(None), "empty: not stored");
        assert_eq!(FieldType::Text.value(&"x".repeat(201)), Err(Msg::NameTooLong { max: 200 }));
        assert_eq!(FieldType::Text.value("bell\u{7}"), Err(Msg::InvalidCharacters));
        for (typed, stored) in [("42", "42"), ("-12", "-12"), ("3,5", "3.5"), ("1 200.75", "1200.75")] {
            assert_eq!(FieldType::Number.value(typed), Ok(Some(stored.to_string())), "{typed}");
        }
        for typed in ["forty", "1.2.3", "3.", ".5", "1e9", "--1", "12%"] {
            assert_eq!(FieldType::Number.value(typed), Err(Msg::NotANumber), "{typed}");
        }
        assert_eq!(FieldType::Date.value("2027-2-3"), Ok(Some("2027-02-03".into())));
        assert_eq!(FieldType::Date.value("03/02/2027"), Err(Msg::InvalidDate));
        assert_eq!(FieldType::Date.value("2027-02-30"), Err(Msg::InvalidDate));
        assert_eq!(FieldType::Date.value("2028-02-29"), Ok(Some("2028-02-29".into())), "a leap year");
        assert_eq!(FieldType::Date.value("2100-02-29"), Err(Msg::InvalidDate));
        assert_eq!(FieldType::Date.value("2027-13-01"), Err(Msg::InvalidDate));
        let sizes = list(&["Small", "Large"]);
        assert_eq!(sizes.value("large"), Ok(Some("Large".into())), "as the list writes it");
        assert_eq!(sizes.value("Medium"), Err(Msg::NotAnOption { options: "Small, Large".into() }));
    }

    #[test]
    fn r79_a_list_is_defined_with_tidy_distinct_options() {
        assert_eq!(list(&["  North ", "", "South\nEast"]).checked(), Ok(list(&["North", "South", "East"])));
        assert_eq!(list(&["North", "NORTH"]).checked(), Err(Msg::OptionTwice { option: "NORTH".into() }));
        assert_eq!(list(&[" ", ""]).checked(), Err(Msg::ListNeedsOptions));
        let many: Vec<String> = (0..101).map(|i| format!("Option {i}")).collect();
        assert_eq!(FieldType::List(many).checked(), Err(Msg::TooManyOptions { max: 100 }));
        assert_eq!(FieldType::Number.checked(), Ok(FieldType::Number));
    }

    #[test]
    fn the_stored_form_round_trips() {
        for field in [FieldType::Text, FieldType::Number, FieldType::Date, list(&["A", "B"])] {
            assert_eq!(FieldType::from_stored(field.kind(), field.stored_options().as_deref()), field);
        }
    }
}
