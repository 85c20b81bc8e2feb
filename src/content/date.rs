//! A date of front matter as read: the moment in UTC, and the day and offset the editor wrote
//! it in, which is what a page shows.

/// A validated date: what templates show and what sorting and feeds use.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// The moment in UTC. A civil date-time rather than a `jiff::Timestamp`, whose range ends a
    /// day before 9999-12-31: every date TOML can write is a date here.
    pub utc: jiff::civil::DateTime,
    /// As an editor expects to see it: `2026-11-24`, or RFC 3339 in the offset it was written
    /// in when a time was given (`2026-12-01T01:00:00+09:00`; `T` and `Z` in capitals).
    pub display: String,
    /// The offset it was written in (UTC when none was): the day and time a page shows are
    /// the editor's, not UTC's.
    pub offset: jiff::tz::Offset,
}

impl Date {
    /// RFC 3339 in the offset it was written in, as a feed shows it.
    pub fn rfc3339(&self) -> String {
        format!("{}{}", self.local(), offset_suffix(self.offset))
    }

    /// RFC 3339 in UTC.
    pub fn utc_rfc3339(&self) -> String {
        format!("{}Z", self.utc)
    }

    /// The date and time as written, in its own offset.
    pub fn local(&self) -> jiff::civil::DateTime {
        self.utc
            .checked_add(jiff::SignedDuration::from_secs(i64::from(
                self.offset.seconds(),
            )))
            .unwrap_or(self.utc)
    }
}

/// `Z`, or `+HH:MM`.
fn offset_suffix(offset: jiff::tz::Offset) -> String {
    let seconds = offset.seconds();
    if seconds == 0 {
        return "Z".into();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A date as written: a date alone is midnight UTC; a date-time with an offset is moved to
/// UTC; one without an offset is taken as UTC, so builds do not depend on the machine's time
/// zone.
pub fn date_from_str(written: &str) -> Result<Date, String> {
    use jiff::fmt::temporal::{Pieces, PiecesOffset};
    crate::config::moment::check_form(written, true).map_err(|problem| problem.to_string())?;
    let pieces = Pieces::parse(written).map_err(|err| err.to_string())?;
    if pieces.time_zone_annotation().is_some() {
        return Err("time zone names are not supported, only offsets such as +02:00".into());
    }
    let Some(time) = pieces.time() else {
        if written.len() != 10 {
            return Err("a date alone is written with four digits for the year, YYYY-MM-DD".into());
        }
        return Ok(Date {
            utc: pieces.date().to_datetime(jiff::civil::Time::midnight()),
            display: pieces.date().to_string(),
            offset: jiff::tz::Offset::UTC,
        });
    };
    let local = pieces.date().to_datetime(time);
    let (offset, suffix) = match pieces.offset() {
        Some(PiecesOffset::Numeric(numeric)) => (numeric.offset(), offset_suffix(numeric.offset())),
        Some(PiecesOffset::Zulu) => (jiff::tz::Offset::UTC, "Z".into()),
        _ => (jiff::tz::Offset::UTC, String::new()),
    };
    let utc = local
        .checked_sub(jiff::SignedDuration::from_secs(i64::from(offset.seconds())))
        .ok()
        .filter(|utc| (0..=9999).contains(&utc.year()))
        .ok_or("in UTC it falls outside the years 0000 to 9999")?;
    Ok(Date {
        utc,
        display: format!("{local}{suffix}"),
        offset,
    })
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_accepted_form() {
        let date = |written| date_from_str(written).unwrap();
        assert_eq!(date("2026-11-24").display, "2026-11-24");
        assert_eq!(date("2026-11-24").rfc3339(), "2026-11-24T00:00:00Z");
        // The last day TOML can write, past the end of jiff's Timestamp.
        assert_eq!(date("9999-12-31").rfc3339(), "9999-12-31T00:00:00Z");
        assert_eq!(
            date("9999-12-31T23:59:59Z").rfc3339(),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(date("0000-01-01").rfc3339(), "0000-01-01T00:00:00Z");
        // An offset moves the moment to UTC; the display and RFC 3339 keep the offset written.
        let offset = date("2026-11-24T10:00:00+02:00");
        assert_eq!(offset.utc_rfc3339(), "2026-11-24T08:00:00Z");
        assert_eq!(offset.rfc3339(), "2026-11-24T10:00:00+02:00");
        assert_eq!(offset.display, "2026-11-24T10:00:00+02:00");
        let west = date("2026-11-24T10:00:00-05:30");
        assert_eq!(west.utc_rfc3339(), "2026-11-24T15:30:00Z");
        assert_eq!(west.rfc3339(), "2026-11-24T10:00:00-05:30");
        // Across the date line, the day is the one written.
        let east = date("2026-12-01T01:00:00+09:00");
        assert_eq!(east.local().date().to_string(), "2026-12-01");
        assert_eq!(east.utc_rfc3339(), "2026-11-30T16:00:00Z");
        // No offset: UTC, whatever the machine's zone; shown without one, as written.
        let local = date("2026-11-24T10:00:00");
        assert_eq!(local.rfc3339(), "2026-11-24T10:00:00Z");
        assert_eq!(local.display, "2026-11-24T10:00:00");
        // RFC 3339's other spellings, shown in one.
        for written in ["2026-11-24 10:00:00Z", "2026-11-24t10:00:00z"] {
            assert_eq!(date(written).display, "2026-11-24T10:00:00Z");
        }
        assert_eq!(
            date("2026-11-24T10:00:00.5Z").rfc3339(),
            "2026-11-24T10:00:00.5Z"
        );
        assert_eq!(
            date("2026-11-24T10:00:00-00:00").rfc3339(),
            "2026-11-24T10:00:00Z"
        );
        // Order is by the moment, not by the text.
        assert!(date("2026-11-24T10:00:00+02:00") < date("2026-11-24T09:00:00Z"));
        assert!(date("2026-11-24") < date("2026-11-24T00:00:01Z"));
    }

    #[test]
    fn dates_that_are_refused() {
        for written in [
            "2026-13-01",
            "2026-02-30",
            "2026-11-24T25:00:00",
            "yesterday",
            "26-11-24",
            "2026-11-24T10:00:00+02:00[Europe/Paris]",
            // In UTC these fall in the year 10000 and before the year 0.
            "9999-12-31T23:00:00-02:00",
            "0000-01-01T01:00:00+02:00",
        ] {
            assert!(date_from_str(written).is_err(), "{written} was accepted");
        }
    }
}
