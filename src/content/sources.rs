//! `content/sources.toml`: the sources the briefing rests on, as data editors maintain.

use serde::Deserialize;
use toml::Spanned;

use crate::config::toml_diagnostic;
use crate::diagnostics::{Diagnostic, Diagnostics};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Report,
    Statement,
    Data,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    publisher: String,
    #[serde(default)]
    speaker: String,
    kind: SourceKind,
    #[serde(default)]
    url: String,
    #[serde(default)]
    notes: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSources {
    #[serde(default)]
    source: Vec<RawSource>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    /// A short name for inline citations; defaults to the publisher, then the title.
    pub label: String,
    pub publisher: String,
    pub speaker: String,
    pub kind: SourceKind,
    pub url: String,
    pub notes: String,
}

impl Source {
    /// The short name inline citations show.
    pub fn label(&self) -> &str {
        [&self.label, &self.publisher, &self.title]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or("", |s| s.as_str())
    }
}

/// Parses the file; ids must be unique and usable as URL fragments.
pub fn parse(display_path: &str, text: &str) -> Result<Vec<Source>, Diagnostics> {
    let raw: RawSources = toml::from_str(text).map_err(|err| {
        std::iter::once(toml_diagnostic(display_path, text, 0, &err)).collect::<Diagnostics>()
    })?;
    let mut diagnostics = Diagnostics::new();
    let mut sources: Vec<Source> = Vec::with_capacity(raw.source.len());
    for entry in raw.source {
        let span = entry.id.span();
        let id = entry.id.into_inner();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            diagnostics.push(
                Diagnostic::error(
                    display_path,
                    format!("the source id `{id}` is not usable in a link"),
                )
                .in_text(text, span.clone())
                .hint("use letters, digits, `-` and `_` only, e.g. id = \"a24-statement-wired\""),
            );
        }
        if sources.iter().any(|s| s.id == id) {
            diagnostics.push(
                Diagnostic::error(
                    display_path,
                    format!("the source id `{id}` is defined twice"),
                )
                .in_text(text, span)
                .hint("give each [[source]] its own id"),
            );
            continue;
        }
        let url = entry.url.trim().to_string();
        if !url.is_empty() && !url.starts_with("https://") && !url.starts_with("http://") {
            diagnostics.push(
                Diagnostic::error(
                    display_path,
                    format!("the url `{url}` of source `{id}` is not a web address"),
                )
                .hint("write a full https:// URL, or leave url empty when none is known"),
            );
        }
        sources.push(Source {
            id,
            title: entry.title,
            label: entry.label,
            publisher: entry.publisher,
            speaker: entry.speaker,
            kind: entry.kind,
            url,
            notes: entry.notes,
        });
    }
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(sources)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_duplicates() {
        let ok = "[[source]]\nid = \"a\"\ntitle = \"T\"\nkind = \"report\"\n";
        assert_eq!(parse("s", ok).unwrap()[0].label(), "T");
        let dup = format!("{ok}{ok}");
        let err = parse("s", &dup).unwrap_err();
        assert!(err.iter().next().unwrap().message.contains("twice"));
        let bad_kind = "[[source]]\nid = \"a\"\ntitle = \"T\"\nkind = \"rumour\"\n";
        let err = parse("s", bad_kind).unwrap_err();
        assert_eq!(
            err.iter().next().unwrap().location.as_ref().unwrap().line,
            4
        );
    }
}
