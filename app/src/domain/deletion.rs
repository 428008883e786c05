//! R42: what a deletion date asks for today. The account is deleted at 00:00 (platform time zone)
//! on its date, with warning emails 7 days and 1 day before. The date is compared in days with
//! today's date in the platform's time zone: "00:00 on the date has passed" is "today is the date
//! or later", which also holds on days whose midnight a DST change skips.

/// The days before a deletion at which its two warnings go out.
pub const FIRST_WARNING_DAYS: i64 = 7;
pub const LAST_WARNING_DAYS: i64 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// More than a week to go.
    Wait,
    /// Within a week: the first warning (sent once; a date set 3 days ahead gets it at once).
    FirstWarning,
    /// The day before: the last warning (sent once; it replaces a first warning still queued).
    LastWarning,
    /// The date has come.
    Delete,
}

/// `days_left`: the deletion date minus today, in days.
pub fn step(days_left: i64) -> Step {
    match days_left {
        ..=0 => Step::Delete,
        1..=LAST_WARNING_DAYS => Step::LastWarning,
        ..=FIRST_WARNING_DAYS => Step::FirstWarning,
        _ => Step::Wait,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r42_warnings_seven_days_and_one_day_before_deletion_on_the_day() {
        assert_eq!(step(30), Step::Wait);
        assert_eq!(step(8), Step::Wait);
        assert_eq!(step(7), Step::FirstWarning);
        assert_eq!(step(2), Step::FirstWarning);
        assert_eq!(step(1), Step::LastWarning);
        assert_eq!(step(0), Step::Delete);
        // A server that was down on the day deletes as soon as it is back.
        assert_eq!(step(-3), Step::Delete);
    }
}
