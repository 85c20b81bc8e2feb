//! The forms in which briefing reads a moment (`--now`, and every date of front matter): RFC
//! 3339, checked before a parser that would take more (jiff reads ISO 8601's other forms too,
//! and reads a leap second as the second before it).

/// Whether `written` is a date alone (`2026-11-24`) or an RFC 3339 date-time: a `T`, `t` or a
/// space between date and time, seconds (a fraction of up to nine digits allowed), and `Z`,
/// `z` or an offset `±HH:MM` (hours up to 23), or no offset at all when `offset_optional`.
/// The reason it is not, when it is not.
pub fn check_form(written: &str, offset_optional: bool) -> Result<(), FormProblem> {
    let bytes = written.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let at = |i: usize, allowed: &[u8]| bytes.get(i).is_some_and(|b| allowed.contains(b));
    let date = digits(0..4) && at(4, b"-") && digits(5..7) && at(7, b"-") && digits(8..10);
    if !date {
        return Err(FormProblem::NotRfc3339("a date is written YYYY-MM-DD"));
    }
    if bytes.len() == 10 {
        return Ok(());
    }
    let time = at(10, b"Tt ") && digits(11..13) && at(13, b":") && digits(14..16) && at(16, b":");
    if !time || !digits(17..19) {
        return Err(FormProblem::NotRfc3339(
            "a time is written HH:MM:SS after a T or a space",
        ));
    }
    if &written[17..19] == "60" {
        return Err(FormProblem::LeapSecond);
    }
    let mut rest = &written[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let length = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&length) {
            return Err(FormProblem::NotRfc3339(
                "a fraction of a second has one to nine digits",
            ));
        }
        rest = &fraction[length..];
    }
    match rest.as_bytes() {
        [] if offset_optional => Ok(()),
        [b'Z' | b'z'] => Ok(()),
        [b'+' | b'-', h1, h2, b':', m1, m2]
            if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
                && (h1 - b'0') * 10 + (h2 - b'0') <= 23
                && (m1 - b'0') * 10 + (m2 - b'0') <= 59 =>
        {
            Ok(())
        }
        [] => Err(FormProblem::NotRfc3339(
            "the moment needs its offset, Z or ±HH:MM",
        )),
        _ => Err(FormProblem::NotRfc3339(
            "the offset is Z or ±HH:MM, hours 00 to 23",
        )),
    }
}

/// Why a moment was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormProblem {
    /// RFC 3339 allows `:60` for a leap second, which no date type here holds: read, it
    /// would silently become `:59`.
    LeapSecond,
    /// Another form than RFC 3339's; what is wrong with it.
    NotRfc3339(&'static str),
}

impl std::fmt::Display for FormProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormProblem::LeapSecond => f.write_str("a leap second (:60) cannot be kept, and would be read as :59, a second early; write 23:59:59 or the next minute"),
            FormProblem::NotRfc3339(detail) => write!(f, "not in RFC 3339: {detail}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every edge RFC 3339 allows, and the ISO 8601 forms around them it does not.
    #[test]
    fn rfc3339_and_nothing_else() {
        for accepted in [
            "2026-11-24",
            "2026-11-24T10:00:00Z",
            "2026-11-24t10:00:00z",
            "2026-11-24 10:00:00Z",
            "2026-11-24T10:00:00+14:00",
            "2026-11-24T10:00:00-12:00",
            "2026-11-24T10:00:00+23:59",
            "2026-11-24T10:00:00-00:00",
            "2026-11-24T10:00:00.5Z",
            "2026-11-24T10:00:00.123456789+02:00",
            "2026-12-31T23:59:59Z",
        ] {
            assert_eq!(check_form(accepted, false), Ok(()), "{accepted}");
        }
        assert_eq!(check_form("2026-11-24T10:00:00", true), Ok(()));
        for (refused, why) in [
            ("2026-12-31T23:59:60Z", "leap second"),
            ("2016-12-31T23:59:60.5+00:00", "leap second"),
            ("2026-11-24T10:00:00", "needs its offset"),
            ("2026-11-24T10:00Z", "HH:MM:SS"),
            ("2026-11-24T10:00:00+24:00", "hours 00 to 23"),
            ("2026-11-24T10:00:00+01:00:30", "±HH:MM"),
            ("2026-11-24T10:00:00+0100", "±HH:MM"),
            ("2026-11-24T10:00:00,5Z", "±HH:MM"),
            ("2026-11-24T10:00:00.Z", "one to nine digits"),
            ("2026-11-24T10:00:00.1234567891Z", "one to nine digits"),
            ("20261124T100000Z", "YYYY-MM-DD"),
            ("2026-11-24_10:00:00Z", "after a T or a space"),
            ("2026-11-24T10:00:00Z[Europe/Paris]", "±HH:MM"),
            ("+002026-11-24", "YYYY-MM-DD"),
            ("2026-11-2", "YYYY-MM-DD"),
            ("2026-11-24T", "HH:MM:SS"),
        ] {
            let problem = check_form(refused, false).expect_err(refused).to_string();
            assert!(problem.contains(why), "{refused}: {problem}");
        }
    }
}
