//! User-facing problems: a file, a line and column, a message and a hint.
//!
//! Everything a user wrote wrong (site.toml, front matter, Markdown links, templates, citations)
//! becomes a [`Diagnostic`] and is collected, so a build reports every problem at once instead
//! of stopping at the first. Infrastructure failures (I/O, bind errors) stay `anyhow` errors.
//! This module is the leaf of the crate: it knows nothing of pages, templates or HTTP.

use std::fmt::Write as _;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet, renderer::DecorStyle};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a file a problem is: 1-based line and column, plus the offending line itself so a
/// diagnostic can be shown without reading the file again (the serve overlay needs that).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub line_text: String,
    /// Byte range of the problem within `line_text`.
    pub span: Range<usize>,
}

impl Location {
    /// Locates byte `range` of `text` (clamped to the text and to char boundaries).
    pub fn in_text(text: &str, range: Range<usize>) -> Location {
        let start = floor_char_boundary(text, range.start.min(text.len()));
        let end = floor_char_boundary(text, range.end.clamp(start, text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].bytes().filter(|&b| b == b'\n').count() + 1;
        let line_text = text[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        let span_start = (start - line_start).min(line_text.len());
        let span_end = (end.min(line_end) - line_start).clamp(span_start, line_text.len());
        let column = text[line_start..start].chars().count() + 1;
        Location {
            line,
            column,
            line_text,
            span: span_start..span_end,
        }
    }

    /// A location for a known line and column when only that line is at hand.
    pub fn at_line(line: usize, column: usize, line_text: &str) -> Location {
        let byte = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        Location {
            line,
            column,
            line_text: line_text.to_string(),
            span: byte..byte,
        }
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user knows it, relative to the site root (`content/partnerships/a24-google.md`).
    pub path: String,
    pub location: Option<Location>,
    pub message: String,
    pub hint: Option<String>,
    /// The rule that found the problem (`BR0101`), for the checks that have one; shown as
    /// `error[BR0101]` so a user can look the rule up.
    pub code: Option<&'static str>,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            location: None,
            message: message.into(),
            hint: None,
            code: None,
        }
    }

    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    /// Points at byte `range` of the file's full `text`.
    pub fn in_text(self, text: &str, range: Range<usize>) -> Diagnostic {
        self.at(Location::in_text(text, range))
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn code(mut self, code: &'static str) -> Diagnostic {
        self.code = Some(code);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col`, or just the path when the problem has no position.
    pub fn position(&self) -> String {
        match &self.location {
            Some(loc) => format!("{}:{}:{}", self.path, loc.line, loc.column),
            None => self.path.clone(),
        }
    }

    /// Multi-line report with the offending line and a caret, as rustc prints.
    pub fn render(&self, colour: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut title = level.primary_title(self.message.as_str());
        if let Some(code) = self.code {
            title = title.id(code);
        }
        let mut report = vec![match &self.location {
            Some(loc) => {
                let snippet = Snippet::source(loc.line_text.as_str())
                    .line_start(loc.line)
                    .path(self.path.as_str())
                    .annotation(AnnotationKind::Primary.span(loc.span.clone()));
                title.element(snippet)
            }
            None => title.element(annotate_snippets::Origin::path(self.path.as_str())),
        }];
        if let Some(hint) = &self.hint {
            report.push(Group::with_title(
                Level::HELP.secondary_title(hint.as_str()),
            ));
        }
        let renderer = if colour {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.decor_style(DecorStyle::Ascii).render(&report)
    }
}

/// The problems found by one run, in a stable order (by file, then position).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorts and removes exact duplicates, so output does not depend on thread scheduling.
    pub fn sorted(mut self) -> Diagnostics {
        self.items.sort_by(|a, b| {
            (
                &a.path,
                a.location.as_ref().map(|l| (l.line, l.column)),
                &a.message,
            )
                .cmp(&(
                    &b.path,
                    b.location.as_ref().map(|l| (l.line, l.column)),
                    &b.message,
                ))
        });
        self.items.dedup();
        self
    }

    /// Every diagnostic rendered, then a one-line count.
    pub fn render(&self, colour: bool) -> String {
        let mut out = String::new();
        for diagnostic in &self.items {
            out.push_str(&diagnostic.render(colour));
            out.push_str("\n\n");
        }
        let (errors, warnings) = (self.error_count(), self.warning_count());
        let _ = write!(
            out,
            "{} error{}, {} warning{}",
            errors,
            plural(errors),
            warnings,
            plural(warnings)
        );
        out
    }

    /// The same report as plain text inside an HTML fragment, for the browser overlay.
    pub fn render_html(&self) -> String {
        let mut out = String::new();
        for diagnostic in &self.items {
            out.push_str("<pre class=\"briefing-diagnostic\">");
            out.push_str(&escape_html(&diagnostic.render(false)));
            out.push_str("</pre>\n");
        }
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_html_into(&mut out, text);
    out
}

/// [`escape_html`], appended to `out`: `&`, `<`, `>`, `"` and `'` as entities, as
/// pulldown-cmark writes them.
pub fn escape_html_into(out: &mut String, text: &str) {
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(out, text);
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(distance, c)| distance <= (c.len().max(word.len()) / 4).max(1))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_chars() {
        let text = "a = 1\ntitlé = \"x\"\nb";
        let start = text.find('"').unwrap();
        let loc = Location::in_text(text, start..start + 3);
        assert_eq!((loc.line, loc.column), (2, 9));
        assert_eq!(loc.line_text, "titlé = \"x\"");
    }

    #[test]
    fn location_clamps_out_of_range() {
        let loc = Location::in_text("abc", 10..20);
        assert_eq!((loc.line, loc.column), (1, 4));
    }

    #[test]
    fn render_names_file_line_and_hint() {
        let text = "+++\ntitle = 3\n+++\n";
        let d = Diagnostic::error("content/x.md", "invalid type: integer, expected a string")
            .in_text(text, 12..13)
            .hint("write the title in quotes");
        let out = d.render(false);
        assert!(out.contains("content/x.md:2:9"), "{out}");
        assert!(out.contains("title = 3"), "{out}");
        assert!(out.contains("help: write the title in quotes"), "{out}");
    }

    #[test]
    fn render_shows_the_rule_code_after_the_level() {
        let d = Diagnostic::warning("content/x.md", "this page cites no source").code("BR0201");
        let out = d.render(false);
        assert!(
            out.starts_with("warning[BR0201]: this page cites no source"),
            "{out}"
        );
        let uncoded = Diagnostic::error("content/x.md", "bad").render(false);
        assert!(uncoded.starts_with("error: bad"), "{uncoded}");
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        let keys = ["title", "description", "date"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("descripton", keys), Some("description"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }
}
