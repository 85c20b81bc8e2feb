//! `+++` TOML front matter: splitting it from the body and reading it into typed metadata.
//!
//! Every error points at the file's own line and column: the TOML text's offset within the
//! file is carried along and added to the spans the TOML parser reports.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use std::borrow::Cow;
use std::sync::Arc;

use super::yaml::{self, KeyLine};
use crate::config::{toml_diagnostic_at, unknown_field, unknown_key_hint};
use crate::diagnostics::Diagnostic;

pub use super::date::{Date, date_from_str};

/// How the front matter is written: TOML between `+++` lines, or YAML between `---` lines (as
/// Zola and Hugo also read it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

impl Format {
    fn fence(self) -> &'static str {
        match self {
            Format::Toml => "+++",
            Format::Yaml => "---",
        }
    }
}

/// The two parts of a content file, as byte ranges of the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub format: Format,
    pub front_matter: Range<usize>,
    pub body: Range<usize>,
}

/// The end of the line that starts at `start` (its `\n`, or the end of the text).
fn line_end(text: &str, start: usize) -> usize {
    text[start..].find('\n').map_or(text.len(), |i| start + i)
}

/// Finds the fences. The opening one must be the first line that is not blank (a UTF-8 BOM is
/// allowed before it).
pub fn split(path: &str, text: &str) -> Result<Split, Diagnostic> {
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while line_end(text, start) < text.len() && text[start..line_end(text, start)].trim().is_empty()
    {
        start = line_end(text, start) + 1;
    }
    let first_line_end = line_end(text, start);
    let format = match text[start..first_line_end].trim_end() {
        "+++" => Format::Toml,
        "---" => Format::Yaml,
        _ => {
            let message = if text.trim().is_empty() {
                "the file is empty: a page needs front matter with at least a title"
            } else {
                "the file does not start with `+++` front matter"
            };
            return Err(Diagnostic::error(path, message)
                .in_text(text, start..first_line_end)
                .hint("start the file with a line `+++`, then `title = \"...\"`, then a closing `+++` line (or YAML between `---` lines)"));
        }
    };
    let fence = format.fence();
    let front_start = (first_line_end + 1).min(text.len());
    let mut line_start = front_start;
    while line_start < text.len() {
        let end = line_end(text, line_start);
        if text[line_start..end].trim_end() == fence {
            return Ok(Split {
                format,
                front_matter: front_start..line_start,
                body: (end + 1).min(text.len())..text.len(),
            });
        }
        line_start = end + 1;
    }
    Err(Diagnostic::error(
        path,
        format!("the front matter is never closed: no line `{fence}` ends it"),
    )
    .in_text(text, start..start + fence.len())
    .hint(format!(
        "add a line containing only `{fence}` after the last front matter key"
    )))
}

/// Where a span of the parsed front matter is in the file. TOML is parsed where it is written;
/// YAML as the TOML it translates to, whose spans map back to the key or value they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Positions {
    Toml {
        offset: usize,
    },
    Yaml {
        lines: Arc<[KeyLine]>,
        whole: Range<usize>,
    },
}

impl Positions {
    /// The byte range of the file that `span`, a span of the parsed front matter, stands for.
    pub fn in_file(&self, span: Range<usize>) -> Range<usize> {
        match self {
            Positions::Toml { offset } => offset + span.start..offset + span.end,
            Positions::Yaml { lines, whole } => yaml::in_file(lines, span, whole.clone()),
        }
    }
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
    /// Embargo: the page is left out of everything until this moment. (`default` spares a
    /// page without these keys serde's missing-field path.)
    #[serde(default)]
    pub publish_date: Option<Spanned<toml::Value>>,
    /// The page is left out of everything from this moment on.
    #[serde(default)]
    pub expiry_date: Option<Spanned<toml::Value>>,
    /// When an editor last checked the page, and when it is due to be checked again.
    #[serde(default)]
    pub reviewed: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub review_by: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<Spanned<String>>,
    pub template: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    /// `[taxonomies] topics = ["A24", "Runway"]`: the terms of each taxonomy the page is in,
    /// checked against `site.toml`'s taxonomies when the site is assembled.
    #[serde(default)]
    pub taxonomies: Taxonomies,
    /// Old URLs that redirect here (`/old/path/`, or a file: `/old.html`).
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// `[[corrections]]`: each a `date` and a `note`, checked by `content::corrections`.
    #[serde(default)]
    pub corrections: Vec<Spanned<super::corrections::CorrectionEntry>>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// A page's terms by taxonomy name, each name and term with where it is written.
pub type Taxonomies = std::collections::BTreeMap<Spanned<String>, Vec<Spanned<String>>>;

/// Front matter of a section's `_index.md`, as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SectionMeta {
    pub title: Option<Spanned<String>>,
    #[serde(default)]
    pub description: String,
    /// When the section's own text was last edited; its pages' dates count too.
    pub updated: Option<Spanned<toml::Value>>,
    /// When an editor last checked the section's text, and when it is due again.
    #[serde(default)]
    pub reviewed: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub review_by: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub sort_by: SortBy,
    #[serde(default)]
    pub weight: i64,
    pub template: Option<Spanned<String>>,
    pub page_template: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    /// Old URLs that redirect here.
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// Where the section's own URL redirects to: a path of the site or an absolute URL.
    pub redirect_to: Option<Spanned<String>>,
    /// Pages per pager: the listing is split over `/section/`, `/section/page/2/`, ...
    pub paginate_by: Option<Spanned<i64>>,
    /// The URL segment before a pager's number (`page`).
    pub paginate_path: Option<Spanned<String>>,
    /// Pagers list the pages in the reverse of the section's order.
    #[serde(default)]
    pub paginate_reversed: bool,
    /// The `[extra]` keys every page of the section must have, and the only ones it may
    /// (a template reads them by name: a misspelt one would show as missing).
    #[serde(default)]
    pub extra_fields: Vec<Spanned<String>>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// Parses the front matter found by [`split`] into `T`, with where its spans are in the file;
/// or every problem: all the unknown keys at once, so that fixing takes one round.
pub fn parse<T: for<'de> Deserialize<'de>>(
    path: &str,
    text: &str,
    split: &Split,
) -> Result<(T, Positions), Vec<Diagnostic>> {
    let (toml_text, positions) = as_toml(path, text, split).map_err(|d| vec![d])?;
    match toml::from_str(&toml_text) {
        Ok(meta) => Ok((meta, positions)),
        Err(err) => {
            let located = |span: Range<usize>| positions.in_file(span);
            let unknown = unknown_keys(path, text, &toml_text, &err, &located);
            if unknown.is_empty() {
                Err(vec![toml_diagnostic_at(path, text, &err, &located)])
            } else {
                Err(unknown)
            }
        }
    }
}

/// The front matter as TOML text (YAML translated), with where its spans are in the file.
pub fn as_toml<'a>(
    path: &str,
    text: &'a str,
    split: &Split,
) -> Result<(Cow<'a, str>, Positions), Diagnostic> {
    let range = split.front_matter.clone();
    Ok(match split.format {
        Format::Toml => (
            Cow::Borrowed(&text[range.clone()]),
            Positions::Toml {
                offset: range.start,
            },
        ),
        Format::Yaml => {
            let (toml_text, lines) = yaml::to_toml(path, text, range.clone())?;
            let whole = range.start..range.start;
            let lines = Arc::from(lines);
            (Cow::Owned(toml_text), Positions::Yaml { lines, whole })
        }
    })
}

/// When `err` is about an unknown key, every unknown key of `toml_text`, each where it is
/// written; otherwise nothing. Serde stops at the first unknown key: the parse failed already,
/// so the second look at the keys costs nothing on a good file.
fn unknown_keys(
    path: &str,
    text: &str,
    toml_text: &str,
    err: &toml::de::Error,
    located: &dyn Fn(Range<usize>) -> Range<usize>,
) -> Vec<Diagnostic> {
    let Some((_, known)) = unknown_field(err.message()) else {
        return Vec::new();
    };
    let Ok(table) = toml::de::DeTable::parse(toml_text) else {
        return Vec::new();
    };
    let listed = known
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut unknown: Vec<Diagnostic> = table
        .get_ref()
        .keys()
        .filter(|key| !known.contains(&key.get_ref().as_ref()))
        .map(|key| {
            let name = key.get_ref().as_ref();
            Diagnostic::error(
                path,
                format!("unknown field `{name}`, expected one of {listed}"),
            )
            .in_text(text, located(key.span()))
            .hint(unknown_key_hint(name, &known))
        })
        .collect();
    unknown.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
    unknown
}

/// Reads a TOML date (`2026-11-24`, `2026-11-24T10:00:00Z`) or the same written as a string.
pub fn parse_date(
    path: &str,
    text: &str,
    positions: &Positions,
    value: &Spanned<toml::Value>,
) -> Result<Date, Diagnostic> {
    let at = positions.in_file(value.span());
    let written = match value.get_ref() {
        toml::Value::Datetime(dt) if dt.date.is_none() => {
            return Err(Diagnostic::error(
                path,
                format!("`{dt}` is a time of day without a date"),
            )
            .in_text(text, at)
            .hint("write the date, with the time after it if it matters: 2026-11-24 or 2026-11-24T10:00:00Z"));
        }
        toml::Value::Datetime(dt) => dt.to_string(),
        toml::Value::String(s) => s.clone(),
        other => {
            return Err(Diagnostic::error(path, {
                let kind = other.type_str();
                let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                format!("a date must be a date, not {article} {kind}")
            })
            .in_text(text, at)
            .hint("write it as date = 2026-11-24 (no quotes needed)"));
        }
    };
    date_from_str(&written).map_err(|problem| {
        Diagnostic::error(path, format!("`{written}` is not a valid date: {problem}"))
            .in_text(text, at)
            .hint("write it as YYYY-MM-DD, for example 2026-11-24, or as RFC 3339 with a time, 2026-11-24T10:00:00Z")
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
    fn blank_lines_before_the_fence_and_either_fence() {
        for text in [
            "\n\n+++\ntitle = 1\n+++\nB",
            "\u{feff} \n\t\r\n+++\ntitle = 1\n+++\nB",
        ] {
            let s = split("x.md", text).unwrap();
            assert_eq!(
                (s.format, &text[s.front_matter.clone()]),
                (Format::Toml, "title = 1\n")
            );
            assert_eq!(&text[s.body], "B");
        }
        let text = "\n---\ntitle: 1\n---\nB";
        let s = split("x.md", text).unwrap();
        assert_eq!(
            (s.format, &text[s.front_matter.clone()]),
            (Format::Yaml, "title: 1\n")
        );
        // Each fence is closed by its own kind only.
        assert!(split("x.md", "---\ntitle: 1\n+++\n").is_err());
        assert!(split("x.md", "+++\ntitle = 1\n---\n").is_err());
        let err = split("x.md", "\n\n# Title\n").unwrap_err();
        assert_eq!(err.location.unwrap().line, 3);
        assert!(
            split("x.md", "\n \n")
                .unwrap_err()
                .message
                .contains("empty")
        );
    }

    #[test]
    fn a_bad_date_is_pointed_at_where_it_is_written() {
        // Comments after the values: the caret must end where the value does, not the line.
        let front_matter = "title = \"A\"\ndate = 10:00:00 # morning\nupdated = 7 # seven\n";
        let text = format!("+++\n{front_matter}+++\nBody\n");
        let values: std::collections::BTreeMap<String, Spanned<toml::Value>> =
            toml::from_str(front_matter).unwrap();
        for (key, written, line) in [("date", "10:00:00", 3), ("updated", "7", 4)] {
            let err = parse_date("x.md", &text, &Positions::Toml { offset: 4 }, &values[key])
                .unwrap_err();
            let location = err.location.unwrap();
            assert_eq!(location.line, line, "{key}");
            assert_eq!(&location.line_text[location.span.clone()], written, "{key}");
        }
    }

    #[test]
    fn unterminated_front_matter_points_at_the_fence() {
        let err = split("content/x.md", "+++\ntitle = \"A\"\nbody").unwrap_err();
        assert!(err.message.contains("never closed"));
        let location = err.location.unwrap();
        assert_eq!((location.line, location.span.clone()), (1, 0..3));
        // After a byte-order mark too: the caret covers the fence, not the mark.
        let err = split("content/x.md", "\u{feff}+++\ntitle = \"A\"\n").unwrap_err();
        let location = err.location.unwrap();
        assert_eq!(&location.line_text[location.span.clone()], "+++");
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
        let loc = err[0].location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (3, 10));
    }

    #[test]
    fn unknown_key_is_refused_with_suggestion() {
        let text = "+++\ntitel = \"A\"\n+++\n";
        let s = split("x.md", text).unwrap();
        let err = parse::<PageMeta>("x.md", text, &s).unwrap_err();
        assert_eq!(err[0].hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(err[0].location.clone().unwrap().line, 2);
    }

    #[test]
    fn toml_dates_times_and_strings() {
        let read = |front: &str| {
            let text = format!("+++\ntitle = \"A\"\n{front}\n+++\n");
            let s = split("x.md", &text).unwrap();
            let (meta, positions) = parse::<PageMeta>("x.md", &text, &s).unwrap();
            parse_date("x.md", &text, &positions, meta.date.as_ref().unwrap())
        };
        assert_eq!(read("date = 9999-12-31").unwrap().display, "9999-12-31");
        assert_eq!(read("date = \"2026-11-24\"").unwrap().display, "2026-11-24");
        assert_eq!(
            read("date = 1979-05-27T07:32:00-08:00")
                .unwrap()
                .utc_rfc3339(),
            "1979-05-27T15:32:00Z"
        );
        assert_eq!(
            read("date = 1979-05-27 07:32:00").unwrap().rfc3339(),
            "1979-05-27T07:32:00Z"
        );
        let time_only = read("date = 07:32:00").unwrap_err();
        assert!(
            time_only.message.contains("without a date"),
            "{time_only:?}"
        );
        assert_eq!(time_only.location.unwrap().line, 3);
        let number = read("date = 20261124").unwrap_err();
        assert!(number.message.contains("not an integer"), "{number:?}");
    }
}
