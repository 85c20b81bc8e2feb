//! `[[corrections]]`: what an editor owns up to on a page. Each entry is a `date` and a `note`
//! (what was wrong and what changed); every mistake in one is reported with the others, where
//! it is written.

use std::collections::BTreeMap;

use serde::Serialize;
use toml::Spanned;

use super::front_matter::{self, Date, Positions};
use crate::config::unknown_key_hint;
use crate::diagnostics::Diagnostic;

/// One `[[corrections]]` entry as written: its keys, each with where it is.
pub type CorrectionEntry = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

const KEYS: [&str; 2] = ["date", "note"];

/// A correction, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    #[serde(serialize_with = "as_display")]
    pub date: Date,
    pub note: String,
    /// Where the date is written in the file, for a mistake only the build's moment shows (a
    /// correction dated after it).
    #[serde(skip)]
    pub date_at: std::ops::Range<usize>,
}

fn as_display<S: serde::Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&date.display)
}

/// The text an entry is written in, for its messages.
pub struct WrittenIn<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub positions: &'a Positions,
}

/// The corrections of a page, newest first (in the order written when two share a moment);
/// `None` when any has a mistake, each one added to `problems`.
pub fn checked(
    written: &WrittenIn<'_>,
    entries: &[Spanned<CorrectionEntry>],
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<Correction>> {
    let before = problems.len();
    let mut corrections: Vec<Correction> = entries
        .iter()
        .filter_map(|entry| one(written, entry, problems))
        .collect();
    // Stable: two corrections of one day keep the order they were written in.
    corrections.sort_by(|a, b| b.date.cmp(&a.date));
    (problems.len() == before).then_some(corrections)
}

fn one(
    written: &WrittenIn<'_>,
    entry: &Spanned<CorrectionEntry>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Correction> {
    let WrittenIn {
        path,
        text,
        positions,
    } = *written;
    let at = |span: std::ops::Range<usize>| positions.in_file(span);
    let mut date = None;
    let mut date_at = 0..0;
    let mut note = None;
    for (key, value) in entry.get_ref() {
        match key.get_ref().as_str() {
            "date" => {
                date_at = at(value.span());
                date = Some(
                    front_matter::parse_date(path, text, positions, value)
                        .map_err(|d| problems.push(d)),
                );
            }
            "note" => note = Some(checked_note(written, value).map_err(|d| problems.push(d))),
            unknown => problems.push(
                Diagnostic::error(
                    path,
                    format!("unknown field `{unknown}` in a correction, expected `date` or `note`"),
                )
                .in_text(text, at(key.span()))
                .hint(unknown_key_hint(unknown, &KEYS)),
            ),
        }
    }
    let missing = |what: &str, example: &str| {
        Diagnostic::error(path, format!("this correction has no `{what}`"))
            .in_text(text, at(entry.span()))
            .hint(format!("add {what} = {example} to it"))
    };
    if date.is_none() {
        problems.push(missing(
            "date",
            "2026-11-30 (the day the page was corrected)",
        ));
    }
    if note.is_none() {
        problems.push(missing(
            "note",
            "\"...\" (what was wrong, and what the page says now)",
        ));
    }
    Some(Correction {
        date: date?.ok()?,
        note: note?.ok()?,
        date_at,
    })
}

fn checked_note(
    written: &WrittenIn<'_>,
    value: &Spanned<toml::Value>,
) -> Result<String, Diagnostic> {
    let problem = match value.get_ref() {
        toml::Value::String(note) if !note.trim().is_empty() => return Ok(note.trim().to_string()),
        toml::Value::String(_) => "the note of a correction is empty".to_string(),
        other => format!(
            "a correction's note must be text in quotes, found {}",
            other.type_str()
        ),
    };
    Err(Diagnostic::error(written.path, problem)
        .in_text(written.text, written.positions.in_file(value.span()))
        .hint("say what was wrong and what the page says now, in quotes: note = \"The deal was signed in 2025, not 2024.\""))
}

/// The date the page was last changed, counting its corrections: the later of `updated` and
/// the newest correction's.
pub fn updated_with(updated: Option<Date>, corrections: &[Correction]) -> Option<Date> {
    match (updated, corrections.first()) {
        (Some(updated), Some(newest)) if newest.date > updated => Some(newest.date.clone()),
        (None, Some(newest)) => Some(newest.date.clone()),
        (updated, _) => updated,
    }
}
