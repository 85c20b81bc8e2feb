//! `+++` TOML front matter: splitting it from the body and reading it into typed metadata.
//!
//! Every error points at the file's own line and column: the TOML text's offset within the
//! file is carried along and added to the spans the TOML parser reports.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::config::toml_diagnostic;
use crate::diagnostics::Diagnostic;

const FENCE: &str = "+++";

/// The two parts of a content file, as byte ranges of the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub front_matter: Range<usize>,
    pub body: Range<usize>,
}

/// Finds the `+++` fences. The opening fence must be the first line (a UTF-8 BOM is allowed).
pub fn split(path: &str, text: &str) -> Result<Split, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if text[start..first_line_end].trim_end() != FENCE {
        let message = if text.trim().is_empty() {
            "the file is empty: a page needs front matter with at least a title"
        } else {
            "the file does not start with `+++` front matter"
        };
        return Err(Diagnostic::error(path, message)
            .in_text(text, start..first_line_end)
            .hint("start the file with a line `+++`, then `title = \"...\"`, then a closing `+++` line"));
    }
    let toml_start = (first_line_end + 1).min(text.len());
    let mut line_start = toml_start;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        if text[line_start..line_end].trim_end() == FENCE {
            return Ok(Split {
                front_matter: toml_start..line_start,
                body: (line_end + 1).min(text.len())..text.len(),
            });
        }
        line_start = line_end + 1;
    }
    Err(Diagnostic::error(
        path,
        "the front matter is never closed: no line `+++` ends it",
    )
    .in_text(text, start..start + FENCE.len())
    .hint("add a line containing only `+++` after the last front matter key"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Weight,
    Date,
    Title,
    None,
}

/// Front matter of a page, as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    pub title: Option<Spanned<String>>,
    #[serde(default)]
    pub description: String,
    pub date: Option<Spanned<toml::Value>>,
    pub updated: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<Spanned<String>>,
    pub template: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// Front matter of a section's `_index.md`, as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SectionMeta {
    pub title: Option<Spanned<String>>,
    #[serde(default)]
    pub description: String,
    /// When the section's own text was last edited; its pages' dates count too.
    pub updated: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub sort_by: SortBy,
    #[serde(default)]
    pub weight: i64,
    pub template: Option<Spanned<String>>,
    pub page_template: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// Parses the front matter found by [`split`] into `T`.
pub fn parse<T: for<'de> Deserialize<'de>>(
    path: &str,
    text: &str,
    split: &Split,
) -> Result<T, Diagnostic> {
    let toml_text = &text[split.front_matter.clone()];
    toml::from_str(toml_text)
        .map_err(|err| toml_diagnostic(path, text, split.front_matter.start, &err))
}

/// A validated date: what templates show and what sorting and feeds use.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub timestamp: jiff::Timestamp,
    /// As an editor expects to see it: `2026-11-24`, or RFC 3339 when a time was given.
    pub display: String,
}

impl Date {
    pub fn rfc3339(&self) -> String {
        self.timestamp.to_string()
    }
}

/// Reads a TOML date (`2026-11-24`, `2026-11-24T10:00:00Z`) or the same written as a string.
pub fn parse_date(
    path: &str,
    text: &str,
    offset: usize,
    value: &Spanned<toml::Value>,
) -> Result<Date, Diagnostic> {
    let span = value.span();
    let written = match value.get_ref() {
        toml::Value::Datetime(dt) => dt.to_string(),
        toml::Value::String(s) => s.clone(),
        other => {
            return Err(Diagnostic::error(
                path,
                format!("a date must be a date, not a {}", other.type_str()),
            )
            .in_text(text, offset + span.start..offset + span.end)
            .hint("write it as date = 2026-11-24 (no quotes needed)"));
        }
    };
    date_from_str(&written).ok_or_else(|| {
        Diagnostic::error(path, format!("`{written}` is not a valid date"))
            .in_text(text, offset + span.start..offset + span.end)
            .hint("write it as YYYY-MM-DD, for example 2026-11-24, or as RFC 3339 with a time")
    })
}

fn date_from_str(written: &str) -> Option<Date> {
    if let Ok(date) = written.parse::<jiff::civil::Date>()
        && written.len() == 10
    {
        let timestamp = date
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .ok()?
            .timestamp();
        return Some(Date {
            timestamp,
            display: date.to_string(),
        });
    }
    if let Ok(timestamp) = written.parse::<jiff::Timestamp>() {
        return Some(Date {
            timestamp,
            display: written.to_string(),
        });
    }
    // A local date-time without an offset is taken as UTC, so builds do not depend on the
    // machine's time zone.
    let civil = written.parse::<jiff::civil::DateTime>().ok()?;
    let timestamp = civil
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .ok()?
        .timestamp();
    Some(Date {
        timestamp,
        display: written.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\ntitle = \"A\"\n+++\nBody\n";
        let s = split("x.md", text).unwrap();
        assert_eq!(&text[s.front_matter.clone()], "title = \"A\"\n");
        assert_eq!(&text[s.body.clone()], "Body\n");
    }

    #[test]
    fn splits_with_crlf_bom_and_empty_body() {
        let text = "\u{feff}+++\r\ntitle = \"A\"\r\n+++";
        let s = split("x.md", text).unwrap();
        assert_eq!(&text[s.front_matter.clone()], "title = \"A\"\r\n");
        assert_eq!(&text[s.body.clone()], "");
    }

    #[test]
    fn unterminated_front_matter_points_at_the_fence() {
        let err = split("content/x.md", "+++\ntitle = \"A\"\nbody").unwrap_err();
        assert!(err.message.contains("never closed"));
        assert_eq!(err.location.unwrap().line, 1);
    }

    #[test]
    fn missing_and_empty_front_matter() {
        assert!(
            split("x.md", "# Hello")
                .unwrap_err()
                .message
                .contains("does not start")
        );
        assert!(split("x.md", "").unwrap_err().message.contains("empty"));
    }

    #[test]
    fn toml_errors_use_file_lines() {
        let text = "+++\ntitle = \"A\"\nweight = \"heavy\"\n+++\n";
        let s = split("x.md", text).unwrap();
        let err = parse::<PageMeta>("x.md", text, &s).unwrap_err();
        let loc = err.location.unwrap();
        assert_eq!((loc.line, loc.column), (3, 10));
    }

    #[test]
    fn unknown_key_is_refused_with_suggestion() {
        let text = "+++\ntitel = \"A\"\n+++\n";
        let s = split("x.md", text).unwrap();
        let err = parse::<PageMeta>("x.md", text, &s).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(err.location.unwrap().line, 2);
    }

    #[test]
    fn dates_in_every_accepted_form() {
        assert_eq!(date_from_str("2026-11-24").unwrap().display, "2026-11-24");
        assert_eq!(
            date_from_str("2026-11-24").unwrap().rfc3339(),
            "2026-11-24T00:00:00Z"
        );
        assert!(date_from_str("2026-11-24T10:00:00+02:00").is_some());
        assert!(date_from_str("2026-11-24T10:00:00").is_some());
        assert!(date_from_str("2026-13-01").is_none());
        assert!(date_from_str("yesterday").is_none());
    }
}
