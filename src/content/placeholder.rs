//! Placeholders: the `TODO`s `briefing new` writes where an editor has yet to write something.
//! A page still holding one is refused, so an unfinished page never ships. Only the word
//! itself counts (`TODOs` or `todo` are words of a text); Markdown finds the ones in a body
//! (outside code), this module the ones in front matter values (comments are never
//! published, so a `# TODO` there is fine).

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use toml::de::{DeTable, DeValue};

use super::front_matter::{self, Split};
use crate::diagnostics::Diagnostic;

/// The word `briefing new` writes for what is missing.
pub const PLACEHOLDER: &str = "TODO";

/// The hint of a placeholder in a body.
pub const HINT: &str = "write what the page needs here (`briefing new` leaves TODO where something is missing); to publish the word itself, put it in a code span: `TODO`";

/// The placeholder's searcher, made once: every body and front matter of a build is searched.
static FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(PLACEHOLDER));

/// The hint of a placeholder in a front matter value, where no code span can be written.
pub const FRONT_MATTER_HINT: &str = "replace TODO with the value itself (`briefing new` leaves TODO where something is missing); a front matter value cannot hold the word in capitals, so to mean it write \"to-do\" or \"todo\"";

/// Where `text` holds the placeholder as a word of its own. A fast scan: most texts hold none.
pub fn find(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let is_word = |at: Option<&u8>| at.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    FINDER
        .find_iter(bytes)
        .filter(|&at| {
            let end = at + PLACEHOLDER.len();
            !is_word(at.checked_sub(1).and_then(|i| bytes.get(i))) && !is_word(bytes.get(end))
        })
        .map(|at| at..at + PLACEHOLDER.len())
        .collect()
}

/// Every front matter value of the file that holds the placeholder, each an error where the
/// value is written.
pub fn in_front_matter(path: &str, text: &str, split: &Split) -> Vec<Diagnostic> {
    if find(&text[split.front_matter.clone()]).is_empty() {
        return Vec::new();
    }
    // The front matter parsed already (this runs after it did): a failure here finds nothing.
    let Ok((toml_text, positions)) = front_matter::as_toml(path, text, split) else {
        return Vec::new();
    };
    let Ok(table) = DeTable::parse(&toml_text) else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    strings_with_placeholder(table.get_ref(), &mut spans);
    spans
        .into_iter()
        .map(|(key, span)| {
            Diagnostic::error(
                path,
                format!("`{key}` still holds the placeholder {PLACEHOLDER}, so the page cannot be published"),
            )
            .in_text(text, positions.in_file(span))
            .hint(FRONT_MATTER_HINT)
        })
        .collect()
}

/// The key and span of each string value under `table` (nested tables and arrays too) that
/// holds the placeholder.
fn strings_with_placeholder(table: &DeTable<'_>, found: &mut Vec<(String, Range<usize>)>) {
    fn visit(
        key: &str,
        value: &toml::Spanned<DeValue<'_>>,
        found: &mut Vec<(String, Range<usize>)>,
    ) {
        match value.get_ref() {
            DeValue::String(s) if !find(s).is_empty() => {
                found.push((key.to_string(), value.span()))
            }
            DeValue::Array(items) => items.iter().for_each(|item| visit(key, item, found)),
            DeValue::Table(inner) => {
                for (name, item) in inner {
                    visit(&format!("{key}.{}", name.get_ref()), item, found);
                }
            }
            _ => {}
        }
    }
    for (name, value) in table {
        visit(name.get_ref(), value, found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_word_itself_is_a_placeholder() {
        assert_eq!(find("TODO"), vec![0..4]);
        assert_eq!(find("a TODO: b"), vec![2..6]);
        assert_eq!(find("(TODO)"), vec![1..5]);
        for text in ["TODOs", "todo", "MYTODO", "TODO_LIST", "xTODO", "Todo"] {
            assert!(find(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn front_matter_values_are_found_where_written() {
        let text = "+++\n# TODO: a comment is never published\ntitle = \"A\"\n[extra]\nstudio = \"TODO\"\nlist = [\"x\", \"TODO later\"]\n+++\nBody\n";
        let split = front_matter::split("x.md", text).unwrap();
        let found = in_front_matter("x.md", text, &split);
        let at: Vec<(usize, String)> = found
            .iter()
            .map(|d| {
                let location = d.location.clone().unwrap();
                (location.line, d.message.clone())
            })
            .collect();
        assert_eq!(at.len(), 2, "{at:?}");
        assert_eq!(at[0].0, 5);
        assert!(at[0].1.contains("`extra.studio`"));
        assert_eq!(at[1].0, 6);
    }

    #[test]
    fn yaml_front_matter_too() {
        let text = "---\ntitle: A\ndescription: TODO\n---\nBody\n";
        let split = front_matter::split("x.md", text).unwrap();
        let found = in_front_matter("x.md", text, &split);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location.clone().unwrap().line, 3);
    }
}
