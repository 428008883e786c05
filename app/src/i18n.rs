//! The words of the interface, in English and French. A fixed text is a `T` variant, its words in
//! `locales/<language>/ui.ftl` (`build.rs` fails the build on a key missing from a language, so a
//! missing translation does not compile); a text with values in it (counts, names, limits) is a
//! `Msg`, rendered here. The emails' words are in `locales/<language>/emails.ftl` (`emails.rs`).
//! The language is the user's, else the platform's (R44); the server decides it per request and
//! writes it in `<html lang>`, where the browser reads it back before hydrating.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// Accepts `en`, `fr` and regional forms such as `fr-CA`.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }
}

macro_rules! texts {
    ($($key:ident => $en:literal, $fr:literal;)*) => {
        /// A fixed text of the interface.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum T { $($key),* }

        impl T {
            /// Every text, for the tests that check them all.
            #[cfg(test)]
            const ALL: &[T] = &[$(T::$key),*];

            pub fn in_lang(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::En) => $en, (T::$key, Lang::Fr) => $fr,)*
                }
            }
        }
    };
}

// The words themselves are in `locales/<language>/ui.ftl`; `build.rs` checks that every key is
// in every language and writes the `texts!` call.
include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// A message with parameters: validation and error messages, rendered in the reader's language.
/// Travels inside `AppError`, so the server never has to guess the browser's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Msg {
    Required,
    WrongCredentials,
    WrongCurrentPassword,
    TooManyAttempts { retry_after_secs: u64 },
    NotSignedIn,
    NotAllowed,
    NotFound,
    BadRequest,
    Network,
    Unavailable,
    SomethingWentWrong { reference: String },
    InvalidEmail,
    InvalidUsername,
    PasswordTooShort { min: usize },
    PasswordTooLong { max: usize },
    PasswordLikeIdentity,
    PasswordTooCommon,
    PasswordRules { min: usize, max: usize },
    GroupNameTaken,
    /// R95: a group is deleted once it holds no subgroup, no session and no token.
    GroupHasSubgroups,
    GroupHasSessions,
    GroupHasTokens,
    NameTaken,
    PlatformGroupStaysPrivate,
    PlatformGroupStaysRoot,
    MoveUnderItself,
    NoSuchUser,
    /// A label or custom field named by a provider that the platform does not define (R98).
    NoSuchName { name: String },
    NameTooLong { max: usize },
    /// A text longer than the field takes.
    TooLong { max: usize },
    /// More items in a list than any form sends.
    TooManyItems { max: usize },
    /// Control characters (NUL, escape…) where a person's text is expected.
    InvalidCharacters,
    /// A request body over the server's limit.
    RequestTooLarge { max_kb: usize },
    /// A number outside what a setting takes.
    NumberBetween { min: i64, max: i64 },
    /// The sender's invitation emails for this hour (or day) are used up.
    EmailLimitReached { max: i64, per_day: bool, minutes: u64 },
    /// The platform's invitation emails for this hour are used up.
    PlatformEmailLimitReached { max: i64, minutes: u64 },
    TooManyAddresses { max: usize, count: usize },
    InvitedToJoin { platform: String },
    InvalidDate,
    UnknownTimeZone,
    EndsBeforeStart,
    ChooseARole,
    ChooseAGroup,
    MayNotAddIn { groups: String },
    /// R28: the address belongs to an account already.
    ActiveAccountExists,
    /// R28: the address has a pending invitation (the form links to it).
    PendingInvitation { email: String },
    UsernameTaken,
    NoEmailForCredentials,
    /// R61: a password is set by someone else only for a user without email.
    PasswordOnlyWithoutEmail,
    DateNotInFuture,
    OwnerNeverDeleted,
    EmailNoLongerWorks,
    PageOf { page: u32, pages: u32 },
    /// A page of a list whose pages are not counted (R84).
    PageNumber { page: u32 },
    UsersCount { count: u64 },
    /// More users than are counted (R84).
    UsersCountMore { count: u64 },
    BilledCount { active: i64, billed: i64 },
    FirstGroupsShown { shown: usize },
    GroupsTicked { count: usize },
    ChooseWhereToAdd { group: String },
    GrantsLapsed { lapsed: String },
    NotANumber,
    HeldBy { count: i64 },
    OneOf { options: String },
    NotAnOption { options: String },
    OptionTwice { option: String },
    ListNeedsOptions,
    TooManyOptions { max: usize },
    ValuesDoNotFit { count: i64 },
    ConfirmDeleteLabel { name: String, holders: i64 },
    NothingLeftToGrant { lapsed: String },
    UserSetUp { name: String },
    /// An email's delivery status (R41): queued, sending, sent, failed; retried when queued
    /// after attempts.
    Delivery { status: String, attempts: i64 },
    LogsInAs { login: String },
    MembersCount { count: u64 },
    /// More members than are counted (R84).
    MembersCountMore { count: u64 },
    /// R35: an uploaded file over the limit.
    FileTooLarge { max_mb: usize },
    /// R35: a file that is not UTF-8 (Excel's Windows-1252), from this line.
    FileNotUtf8 { line: usize },
    FileEmpty,
    /// R35: a row the CSV reader cannot read, at this line.
    FileUnreadable { line: u64 },
    /// R35: a group, role, label or language a row names that does not exist.
    UnknownGroup { name: String },
    /// R35: a bare group name several groups bear.
    AmbiguousGroup { name: String },
    UnknownRole { name: String },
    UnknownLabel { name: String },
    UnknownLanguage { name: String },
    /// R35: Send credentials is yes or no.
    NotYesNo,
    /// R35: a file without a column Roster needs.
    MissingColumn { name: String },
    /// R36: the address or username is on an earlier line of the file.
    RepeatedRow { line: u64 },
    /// R36: the columns of a file Roster does not read.
    UnknownColumns { names: String },
    /// R36: the preview's heading.
    RowsInFile { rows: u64 },
    /// R37: the progress bar's words.
    RowsDone { done: u64, total: u64 },
    ImportPace { per_second: u64, seconds: u64 },
    /// R21, R36: existing accounts added to their rows' groups.
    AccountsAdded { count: u64 },
    /// R86: the time zone a list's dates and times are in.
    TimesIn { zone: String },
    /// R88: resending the ticked invitations.
    ResendSelected { count: usize },
    ResendingProgress { done: usize, total: usize },
    ResentSummary { resent: usize, total: usize },
}

impl Msg {
    pub fn render(&self, lang: Lang) -> String {
        let say = |words: W, values: &[(&str, &dyn std::fmt::Display)]| fill(words.in_lang(lang), values);
        match self {
            Msg::Required => say(W::Required, &[]),
            Msg::WrongCredentials => say(W::WrongCredentials, &[]),
            Msg::WrongCurrentPassword => say(W::WrongCurrentPassword, &[]),
            Msg::TooManyAttempts { retry_after_secs } => say(W::TooManyAttempts, &[("retry_after_secs", retry_after_secs)]),
            Msg::NotSignedIn => say(W::NotSignedIn, &[]),
            Msg::NotAllowed => say(W::NotAllowed, &[]),
            Msg::NotFound => say(W::NotFound, &[]),
            Msg::BadRequest => say(W::BadRequest, &[]),
            Msg::Network => say(W::Network, &[]),
            Msg::Unavailable => say(W::Unavailable, &[]),
            Msg::SomethingWentWrong { reference } => say(W::SomethingWentWrong, &[("reference", reference)]),
            Msg::InvalidEmail => say(W::InvalidEmail, &[]),
            Msg::InvalidUsername => say(W::InvalidUsername, &[]),
            Msg::PasswordTooShort { min } => say(W::PasswordTooShort, &[("min", min)]),
            Msg::PasswordTooLong { max } => say(W::PasswordTooLong, &[("max", max)]),
            Msg::PasswordLikeIdentity => say(W::PasswordLikeIdentity, &[]),
            Msg::PasswordTooCommon => say(W::PasswordTooCommon, &[]),
            Msg::PasswordRules { min, max } => say(W::PasswordRules, &[("min", min), ("max", max)]),
            Msg::GroupNameTaken => say(W::GroupNameTaken, &[]),
            Msg::GroupHasSubgroups => say(W::GroupHasSubgroups, &[]),
            Msg::GroupHasSessions => say(W::GroupHasSessions, &[]),
            Msg::GroupHasTokens => say(W::GroupHasTokens, &[]),
            Msg::NameTaken => say(W::NameTaken, &[]),
            Msg::PlatformGroupStaysPrivate => say(W::PlatformGroupStaysPrivate, &[]),
            Msg::PlatformGroupStaysRoot => say(W::PlatformGroupStaysRoot, &[]),
            Msg::MoveUnderItself => say(W::MoveUnderItself, &[]),
            Msg::NoSuchUser => say(W::NoSuchUser, &[]),
            Msg::NoSuchName { name } => say(W::NoSuchName, &[("name", name)]),
            Msg::NameTooLong { max } => say(W::NameTooLong, &[("max", max)]),
            Msg::TooLong { max } => say(W::TooLong, &[("max", max)]),
            Msg::TooManyItems { max } => say(W::TooManyItems, &[("max", max)]),
            Msg::InvalidCharacters => say(W::InvalidCharacters, &[]),
            Msg::RequestTooLarge { max_kb } => say(W::RequestTooLarge, &[("max_kb", max_kb)]),
            Msg::NumberBetween { min, max } => say(W::NumberBetween, &[("min", min), ("max", max)]),
            Msg::EmailLimitReached { max, per_day, minutes } => say(if *per_day { W::EmailLimitReachedDay } else { W::EmailLimitReachedHour }, &[("max", max), ("minutes", minutes)]),
            Msg::PlatformEmailLimitReached { max, minutes } => say(W::PlatformEmailLimitReached, &[("max", max), ("minutes", minutes)]),
            Msg::TooManyAddresses { max, count } => say(W::TooManyAddresses, &[("max", max), ("count", count)]),
            Msg::InvitedToJoin { platform } => say(W::InvitedToJoin, &[("platform", platform)]),
            Msg::TimesIn { zone } => say(W::TimesIn, &[("zone", zone)]),
            Msg::ResendSelected { count } => say(W::ResendSelected, &[("count", count)]),
            Msg::ResendingProgress { done, total } => say(W::ResendingProgress, &[("done", done), ("total", total)]),
            Msg::ResentSummary { resent, total } => say(W::ResentSummary, &[("resent", resent), ("total", total)]),
            Msg::InvalidDate => say(W::InvalidDate, &[]),
            Msg::UnknownTimeZone => say(W::UnknownTimeZone, &[]),
            Msg::EndsBeforeStart => say(W::EndsBeforeStart, &[]),
            Msg::ChooseARole => say(W::ChooseARole, &[]),
            Msg::ChooseAGroup => say(W::ChooseAGroup, &[]),
            Msg::MayNotAddIn { groups } => say(W::MayNotAddIn, &[("groups", groups)]),
            Msg::ActiveAccountExists => say(W::ActiveAccountExists, &[]),
            Msg::PendingInvitation { email } => say(W::PendingInvitation, &[("email", email)]),
            Msg::UsernameTaken => say(W::UsernameTaken, &[]),
            Msg::NoEmailForCredentials => say(W::NoEmailForCredentials, &[]),
            Msg::PasswordOnlyWithoutEmail => say(W::PasswordOnlyWithoutEmail, &[]),
            Msg::DateNotInFuture => say(W::DateNotInFuture, &[]),
            Msg::OwnerNeverDeleted => say(W::OwnerNeverDeleted, &[]),
            Msg::EmailNoLongerWorks => say(W::EmailNoLongerWorks, &[]),
            Msg::PageOf { page, pages } => say(W::PageOf, &[("page", page), ("pages", pages)]),
            Msg::PageNumber { page } => say(W::PageNumber, &[("page", page)]),
            Msg::UsersCountMore { count } => say(W::UsersCountMore, &[("count", count)]),
            Msg::MembersCountMore { count } => say(W::MembersCountMore, &[("count", count)]),
            Msg::UsersCount { count } => say(if singular(lang, *count as i64) { W::UsersCountOne } else { W::UsersCountOther }, &[("count", count)]),
            Msg::BilledCount { active, billed } => say(if singular(lang, *active) { W::BilledCountOne } else { W::BilledCountOther }, &[("active", active), ("billed", billed)]),
            Msg::FirstGroupsShown { shown } => say(W::FirstGroupsShown, &[("shown", shown)]),
            Msg::GroupsTicked { count } => say(if singular(lang, *count as i64) { W::GroupsTickedOne } else { W::GroupsTickedOther }, &[("count", count)]),
            Msg::ChooseWhereToAdd { group } => say(W::ChooseWhereToAdd, &[("group", group)]),
            Msg::GrantsLapsed { lapsed } => say(W::GrantsLapsed, &[("lapsed", lapsed)]),
            Msg::NotANumber => say(W::NotANumber, &[]),
            Msg::HeldBy { count } => say(match *count { 0 => W::HeldByNobody, n if singular(lang, n) => W::HeldByOne, _ => W::HeldByOther }, &[("count", count)]),
            Msg::OneOf { options } => say(W::OneOf, &[("options", options)]),
            Msg::NotAnOption { options } => say(W::NotAnOption, &[("options", options)]),
            Msg::OptionTwice { option } => say(W::OptionTwice, &[("option", option)]),
            Msg::ListNeedsOptions => say(W::ListNeedsOptions, &[]),
            Msg::TooManyOptions { max } => say(W::TooManyOptions, &[("max", max)]),
            Msg::ValuesDoNotFit { count } => say(if *count == 1 { W::ValuesDoNotFitOne } else { W::ValuesDoNotFitOther }, &[("count", count)]),
            Msg::ConfirmDeleteLabel { name, holders } => say(match *holders { 0 => W::ConfirmDeleteLabelNobody, 1 => W::ConfirmDeleteLabelOne, _ => W::ConfirmDeleteLabelOther }, &[("name", name), ("holders", holders)]),
            Msg::NothingLeftToGrant { lapsed } => say(W::NothingLeftToGrant, &[("lapsed", lapsed)]),
            Msg::UserSetUp { name } => say(W::UserSetUp, &[("name", name)]),
            Msg::Delivery { status, attempts } => match (status.as_str(), attempts) {
                ("queued", 0) => say(W::DeliveryQueued, &[]),
                ("queued", attempts) => say(W::DeliveryRetrying, &[("attempts", attempts)]),
                ("sending", _) => say(W::DeliverySending, &[]),
                ("sent", _) => say(W::DeliverySent, &[]),
                ("failed", _) => say(W::DeliveryFailed, &[]),
                (other, _) => other.to_string(),
            },
            Msg::LogsInAs { login } => say(W::LogsInAs, &[("login", login)]),
            Msg::MembersCount { count } => say(if singular(lang, *count as i64) { W::MembersCountOne } else { W::MembersCountOther }, &[("count", count)]),
            Msg::FileTooLarge { max_mb } => say(W::FileTooLarge, &[("max_mb", max_mb)]),
            Msg::FileNotUtf8 { line } => say(W::FileNotUtf8, &[("line", line)]),
            Msg::FileEmpty => say(W::FileEmpty, &[]),
            Msg::FileUnreadable { line } => say(W::FileUnreadable, &[("line", line)]),
            Msg::UnknownGroup { name } => say(W::UnknownGroup, &[("name", name)]),
            Msg::AmbiguousGroup { name } => say(W::AmbiguousGroup, &[("name", name)]),
            Msg::UnknownRole { name } => say(W::UnknownRole, &[("name", name)]),
            Msg::UnknownLabel { name } => say(W::UnknownLabel, &[("name", name)]),
            Msg::UnknownLanguage { name } => say(W::UnknownLanguage, &[("name", name)]),
            Msg::NotYesNo => say(W::NotYesNo, &[]),
            Msg::MissingColumn { name } => say(W::MissingColumn, &[("name", name)]),
            Msg::RepeatedRow { line } => say(W::RepeatedRow, &[("line", line)]),
            Msg::UnknownColumns { names } => say(W::UnknownColumns, &[("names", names)]),
            Msg::RowsInFile { rows } => say(if singular(lang, *rows as i64) { W::RowsInFileOne } else { W::RowsInFileOther }, &[("rows", rows)]),
            Msg::RowsDone { done, total } => say(W::RowsDone, &[("done", done), ("total", total)]),
            Msg::ImportPace { per_second, seconds } => say(W::ImportPace, &[("per_second", per_second), ("seconds", seconds)]),
            Msg::AccountsAdded { count } => say(if singular(lang, *count as i64) { W::AccountsAddedOne } else { W::AccountsAddedOther }, &[("count", count)]),
        }
    }
}

// The words of the messages are in `locales/<language>/messages.ftl`; `build.rs` writes `W`.
include!(concat!(env!("OUT_DIR"), "/messages.rs"));

/// `text` with each `{ $name }` replaced by its value.
fn fill(text: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    values.iter().fold(text.to_string(), |text, (name, value)| text.replace(&format!("{{ ${name} }}"), &value.to_string()))
}

/// Whether a count takes the singular: in English 1; in French 0 and 1 ("0 groupe choisi").
fn singular(lang: Lang, count: i64) -> bool {
    match lang {
        Lang::En => count == 1,
        Lang::Fr => count == 0 || count == 1,
    }
}

/// `2026-01-05 → 2026-03-31`, or what of it is known (dates are `YYYY-MM-DD` in every language).
pub fn date_range(starts_on: Option<&str>, ends_on: Option<&str>) -> String {
    match (starts_on, ends_on) {
        (Some(s), Some(e)) => format!("{s} → {e}"),
        (Some(s), None) => format!("{s} →"),
        (None, Some(e)) => format!("→ {e}"),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r44_language_codes_parse_with_regions() {
        assert_eq!(Lang::parse("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::parse("EN_gb"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn r44_every_text_exists_in_both_languages_and_differs_where_it_should() {
        assert_eq!(T::LogIn.in_lang(Lang::En), "Log in");
        assert_eq!(T::LogIn.in_lang(Lang::Fr), "Se connecter");
        // The words French shares with English; any other text the same in both is a translation
        // forgotten.
        let same_in_both = [T::AppName, T::Pagination, T::Invitations, T::RoleCoach, T::Direct, T::Actions, T::Session, T::Dates, T::NoValue, T::FieldType, T::FieldDate];
        for &text in T::ALL {
            let (en, fr) = (text.in_lang(Lang::En), text.in_lang(Lang::Fr));
            assert!(!en.trim().is_empty() && !fr.trim().is_empty(), "{text:?} is empty in a language");
            assert!(en.trim() == en && fr.trim() == fr, "{text:?} has stray spaces");
            assert_eq!(en == fr, same_in_both.contains(&text), "{text:?}: {en:?} / {fr:?}");
            // French puts a (narrow) space before ? ! : ; and never a straight apostrophe pair.
            for mark in ['?', '!', ';'] {
                if let Some(at) = fr.find(mark) {
                    assert!(fr[..at].ends_with([' ', '\u{a0}', '\u{202f}']), "{text:?}: no space before {mark:?} in {fr:?}");
                }
            }
        }
        assert_eq!(Msg::GroupsTicked { count: 0 }.render(Lang::Fr), "0 groupe choisi", "French counts 0 as one");
        assert_eq!(Msg::GroupsTicked { count: 0 }.render(Lang::En), "0 groups selected");
        assert_eq!(Msg::MembersCount { count: 2 }.render(Lang::Fr), "2 membres");
        assert_eq!(Msg::HeldBy { count: 0 }.render(Lang::Fr), "attribué à personne");
        assert_eq!(Msg::ConfirmDeleteLabel { name: "Partner".into(), holders: 1 }.render(Lang::En), "Delete Partner? 1 user or invitation holds it; it will be taken off. This cannot be undone.");
        assert_eq!(Msg::Delivery { status: "queued".into(), attempts: 2 }.render(Lang::En), "Retrying after 2 attempt(s)");
        let msg = Msg::TooManyAttempts { retry_after_secs: 42 };
        assert_eq!(msg.render(Lang::En), "Too many attempts, try again in 42 s.");
        assert!(msg.render(Lang::Fr).contains("42 s"));
    }

    /// Every message renders in every language with all its values put in: a value the words
    /// name and the code does not give (or misnames) would show as `{ $name }`.
    #[test]
    fn r44_every_message_renders_every_value_in_every_language() {
        let samples = [
            Msg::Required,
            Msg::WrongCredentials,
            Msg::WrongCurrentPassword,
            Msg::TooManyAttempts { retry_after_secs: 2 },
            Msg::NotSignedIn,
            Msg::NotAllowed,
            Msg::NotFound,
            Msg::BadRequest,
            Msg::Network,
            Msg::Unavailable,
            Msg::SomethingWentWrong { reference: "x".into() },
            Msg::InvalidEmail,
            Msg::InvalidUsername,
            Msg::PasswordTooShort { min: 2 },
            Msg::PasswordTooLong { max: 2 },
            Msg::PasswordLikeIdentity,
            Msg::PasswordTooCommon,
            Msg::PasswordRules { min: 2, max: 2 },
            Msg::GroupNameTaken,
            Msg::GroupHasSubgroups,
            Msg::GroupHasSessions,
            Msg::GroupHasTokens,
            Msg::NameTaken,
            Msg::PlatformGroupStaysPrivate,
            Msg::PlatformGroupStaysRoot,
            Msg::MoveUnderItself,
            Msg::NoSuchUser,
            Msg::NoSuchName { name: "x".into() },
            Msg::NameTooLong { max: 2 },
            Msg::TooLong { max: 2 },
            Msg::TooManyItems { max: 2 },
            Msg::InvalidCharacters,
            Msg::RequestTooLarge { max_kb: 2 },
            Msg::NumberBetween { min: 2, max: 2 },
            Msg::EmailLimitReached { max: 2, per_day: true, minutes: 2 },
            Msg::PlatformEmailLimitReached { max: 2, minutes: 2 },
            Msg::TooManyAddresses { max: 2, count: 2 },
            Msg::InvitedToJoin { platform: "x".into() },
            Msg::TimesIn { zone: "x".into() },
            Msg::ResendSelected { count: 2 },
            Msg::ResendingProgress { done: 1, total: 2 },
            Msg::ResentSummary { resent: 1, total: 2 },
            Msg::InvalidDate,
            Msg::UnknownTimeZone,
            Msg::EndsBeforeStart,
            Msg::ChooseARole,
            Msg::ChooseAGroup,
            Msg::MayNotAddIn { groups: "x".into() },
            Msg::ActiveAccountExists,
            Msg::PendingInvitation { email: "x".into() },
            Msg::UsernameTaken,
            Msg::NoEmailForCredentials,
            Msg::PasswordOnlyWithoutEmail,
            Msg::DateNotInFuture,
            Msg::OwnerNeverDeleted,
            Msg::EmailNoLongerWorks,
            Msg::PageOf { page: 2, pages: 2 },
            Msg::PageNumber { page: 2 },
            Msg::UsersCountMore { count: 1_000 },
            Msg::MembersCountMore { count: 1_000 },
            Msg::UsersCount { count: 2 },
            Msg::BilledCount { active: 2, billed: 2 },
            Msg::FirstGroupsShown { shown: 2 },
            Msg::GroupsTicked { count: 2 },
            Msg::ChooseWhereToAdd { group: "x".into() },
            Msg::GrantsLapsed { lapsed: "x".into() },
            Msg::NotANumber,
            Msg::HeldBy { count: 2 },
            Msg::OneOf { options: "x".into() },
            Msg::NotAnOption { options: "x".into() },
            Msg::OptionTwice { option: "x".into() },
            Msg::ListNeedsOptions,
            Msg::TooManyOptions { max: 2 },
            Msg::ValuesDoNotFit { count: 2 },
            Msg::ConfirmDeleteLabel { name: "x".into(), holders: 2 },
            Msg::NothingLeftToGrant { lapsed: "x".into() },
            Msg::UserSetUp { name: "x".into() },
            Msg::Delivery { status: "x".into(), attempts: 2 },
            Msg::LogsInAs { login: "x".into() },
            Msg::MembersCount { count: 2 },
            Msg::FileTooLarge { max_mb: 2 },
            Msg::FileNotUtf8 { line: 2 },
            Msg::FileEmpty,
            Msg::FileUnreadable { line: 2 },
            Msg::UnknownGroup { name: "x".into() },
            Msg::AmbiguousGroup { name: "x".into() },
            Msg::UnknownRole { name: "x".into() },
            Msg::UnknownLabel { name: "x".into() },
            Msg::UnknownLanguage { name: "x".into() },
            Msg::NotYesNo,
            Msg::MissingColumn { name: "x".into() },
            Msg::RepeatedRow { line: 2 },
            Msg::UnknownColumns { names: "x".into() },
            Msg::RowsInFile { rows: 2 },
            Msg::RowsDone { done: 1, total: 2 },
            Msg::ImportPace { per_second: 100, seconds: 3 },
            Msg::AccountsAdded { count: 2 },
        ];
        for lang in Lang::ALL {
            for msg in &samples {
                let text = msg.render(lang);
                assert!(!text.is_empty() && !text.contains('{') && !text.contains('}'), "{msg:?} in {lang:?}: {text:?}");
            }
            for &words in W::ALL {
                assert!(!words.in_lang(lang).trim().is_empty(), "{words:?} is empty in {lang:?}");
            }
        }
    }
}
