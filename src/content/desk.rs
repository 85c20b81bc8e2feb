//! The editorial desk's dates: an embargo (`publish_date`), an expiry (`expiry_date`) and the
//! review dates (`reviewed`, `review_by`), read with the rest of the front matter.

use super::front_matter::{self, Date, Positions};
use crate::diagnostics::Diagnostic;

/// The dates by which the editorial desk decides what is published and what is due for review.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskDates {
    /// Left out of the site before this moment (an embargo).
    pub publish: Option<Date>,
    /// Left out of the site from this moment on.
    pub expiry: Option<Date>,
    pub reviewed: Option<Date>,
    pub review_by: Option<Date>,
}

impl DeskDates {
    /// Whether the page is published at `now`: its embargo is over and it has not expired.
    pub fn published_at(&self, now: jiff::civil::DateTime) -> bool {
        self.publish.as_ref().is_none_or(|d| d.utc <= now)
            && self.expiry.as_ref().is_none_or(|d| d.utc > now)
    }

    /// Whether its embargo still holds at `now`.
    pub fn embargoed_at(&self, now: jiff::civil::DateTime) -> bool {
        self.publish.as_ref().is_some_and(|d| d.utc > now)
    }
}

/// Reads the desk's dates of a file, each one that does not parse, and an order that cannot be
/// (an expiry before the embargo ends, a review due before it was done), added to `problems`.
pub(super) fn read(
    (display_path, text): (&str, &str),
    positions: &Positions,
    written: [&Option<toml::Spanned<toml::Value>>; 4],
    problems: &mut Vec<Diagnostic>,
) -> DeskDates {
    let [publish, expiry, reviewed, review_by] = written.map(|value| {
        value.as_ref().and_then(|v| {
            front_matter::parse_date(display_path, text, positions, v)
                .map_err(|d| problems.push(d))
                .ok()
        })
    });
    let out_of_order = |earlier: &Option<Date>, later: &Option<Date>| matches!((earlier, later), (Some(a), Some(b)) if b.utc <= a.utc);
    let mut refuse = |value: &Option<toml::Spanned<toml::Value>>, message: &str, hint: &str| {
        if let Some(value) = value {
            problems.push(
                Diagnostic::error(display_path, message)
                    .in_text(text, positions.in_file(value.span()))
                    .hint(hint),
            );
        }
    };
    if out_of_order(&publish, &expiry) {
        refuse(
            written[1],
            "the expiry_date is not after the publish_date, so the page would never be published",
            "set expiry_date to a moment after publish_date, or remove one of them",
        );
    }
    if out_of_order(&reviewed, &review_by) {
        refuse(
            written[3],
            "review_by is not after reviewed: the next review must fall after the last",
            "set review_by to a later date than reviewed, e.g. three months after it",
        );
    }
    DeskDates {
        publish,
        expiry,
        reviewed,
        review_by,
    }
}
