//! YAML front matter (between `---` lines), read as the TOML it translates to.
//!
//! Zola and Hugo sites often carry YAML front matter. Rather than a second set of typed fields
//! and checks, each top-level key becomes one line of TOML (`key = <inline value>`), which the
//! TOML path parses and validates as if it had been written so. Each line remembers where its key
//! and value are in the file, so that every message still points at the YAML the editor wrote.

use std::ops::Range;

use yaml_serde::Value;

use crate::diagnostics::Diagnostic;

/// One top-level key: where its key and value are in the TOML made from it, and in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLine {
    pub toml_key: Range<usize>,
    pub toml_value: Range<usize>,
    pub file_key: Range<usize>,
    pub file_value: Range<usize>,
}

/// The YAML at `range` of `text` as TOML text, with where each key of it came from.
pub fn to_toml(
    path: &str,
    text: &str,
    range: Range<usize>,
) -> Result<(String, Vec<KeyLine>), Diagnostic> {
    let yaml = &text[range.clone()];
    let whole = range.start..range.start;
    let mapping = parse_mapping(path, text, range.clone())?;
    let located = top_level_keys(yaml, range.start);
    let mut toml = String::new();
    let mut lines = Vec::new();
    for (key, value) in mapping {
        let Value::String(key) = key else {
            return Err(Diagnostic::error(path, "a front matter key must be text")
                .in_text(text, whole)
                .hint("write keys as words, e.g. title: or date:"));
        };
        let (file_key, file_value) = located
            .iter()
            .find(|(name, ..)| *name == key)
            .map_or((whole.clone(), whole.clone()), |(_, k, v)| {
                (k.clone(), v.clone())
            });
        let value = toml_value(value).map_err(|problem| {
            Diagnostic::error(path, format!("`{key}` {problem}"))
                .in_text(text, file_value.clone())
                .hint("write a text, a number, true or false, a list or keys under it")
        })?;
        let key_start = toml.len();
        toml.push_str(&toml_key(&key));
        let toml_key = key_start..toml.len();
        toml.push_str(" = ");
        let value_start = toml.len();
        toml.push_str(&value.to_string());
        lines.push(KeyLine {
            toml_key,
            toml_value: value_start..toml.len(),
            file_key,
            file_value,
        });
        toml.push('\n');
    }
    Ok((toml, lines))
}

/// The YAML at `range` of `text` as the keys and values it must be.
fn parse_mapping(
    path: &str,
    text: &str,
    range: Range<usize>,
) -> Result<yaml_serde::Mapping, Diagnostic> {
    let yaml = &text[range.clone()];
    let whole = range.start..range.start;
    let value: Value = if yaml.trim().is_empty() {
        Value::Null
    } else {
        yaml_serde::from_str(yaml).map_err(|err| {
            let at = err.location().map_or(whole.clone(), |l| {
                let start = (range.start + l.index()).min(range.end);
                start..start
            });
            // The position is given as the diagnostic's own, counted in the file.
            let message = without_positions(&err.to_string());
            // The parser points at the mapping; the editor needs the second use of the key.
            let at = duplicate_key(&message)
                .and_then(|key| {
                    let keys = top_level_keys(yaml, range.start);
                    keys.into_iter().filter(|(name, ..)| name == key).nth(1)
                })
                .map_or(at, |(_, key, _)| key);
            Diagnostic::error(
                path,
                format!("the YAML front matter does not parse: {message}"),
            )
            .in_text(text, at)
            .hint("write one `key: value` per line, e.g. title: \"Scope of the deal\"")
        })?
    };
    match value {
        Value::Null => Ok(yaml_serde::Mapping::new()),
        Value::Mapping(mapping) => Ok(mapping),
        other => Err(Diagnostic::error(
            path,
            format!(
                "the YAML front matter must be keys with values, not {}",
                kind(&other)
            ),
        )
        .in_text(text, whole)
        .hint("write one `key: value` per line, e.g. title: \"Scope of the deal\"")),
    }
}

/// Where span `span` of the TOML made by [`to_toml`] is in the file: the key it falls in, or
/// that key's value; `whole` when there is no key at all.
pub fn in_file(lines: &[KeyLine], span: Range<usize>, whole: Range<usize>) -> Range<usize> {
    match lines.iter().rev().find(|l| l.toml_key.start <= span.start) {
        Some(line) if span.start < line.toml_value.start => line.file_key.clone(),
        Some(line) => line.file_value.clone(),
        None => whole,
    }
}

/// `message` without the ` at line N column M` parts, which count from the front matter's
/// first line rather than the file's.
fn without_positions(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let mut skip = digits(after);
        if let Some(column) = after[skip..].strip_prefix(" column ") {
            skip += " column ".len() + digits(column);
        }
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
}

/// The key a "duplicate entry" message names.
fn duplicate_key(message: &str) -> Option<&str> {
    let rest = message.split_once("duplicate entry with key \"")?.1;
    Some(rest.rsplit_once('"')?.0)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "keys",
        Value::Tagged(_) => "a tagged value",
    }
}

fn toml_value(value: Value) -> Result<toml::Value, String> {
    Ok(match value {
        Value::Null => return Err("has no value".to_string()),
        Value::Bool(b) => toml::Value::Boolean(b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => toml::Value::Integer(i),
            (None, Some(f)) if n.is_f64() => toml::Value::Float(f),
            _ => return Err(format!("is a number too large to read: {n}")),
        },
        Value::String(s) => toml::Value::String(s),
        Value::Sequence(items) => toml::Value::Array(
            items
                .into_iter()
                .map(toml_value)
                .collect::<Result<_, _>>()?,
        ),
        Value::Mapping(mapping) => {
            let mut table = toml::Table::new();
            for (key, value) in mapping {
                let Value::String(key) = key else {
                    return Err("has a key that is not text".to_string());
                };
                table.insert(key, toml_value(value)?);
            }
            toml::Value::Table(table)
        }
        Value::Tagged(tagged) => return Err(format!("has a YAML tag `{}`", tagged.tag)),
    })
}

/// A key as TOML writes it: bare when it can be, quoted otherwise.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        key.to_string()
    } else {
        toml::Value::String(key.to_string()).to_string()
    }
}

/// The top-level keys written in `yaml` (which starts at byte `offset` of the file): each name,
/// and where its key and its value are in the file. Lines that start a key start at column 0;
/// what cannot be read this way is simply not located (messages then point at the fence).
fn top_level_keys(yaml: &str, offset: usize) -> Vec<(String, Range<usize>, Range<usize>)> {
    let mut keys: Vec<(String, Range<usize>, Range<usize>)> = Vec::new();
    let mut line_start = 0;
    for line in yaml.split_inclusive('\n') {
        let here = line_start;
        line_start += line.len();
        let Some(first) = line.chars().next() else {
            continue;
        };
        if first.is_whitespace() || matches!(first, '#' | '-' | '[' | '{' | '?' | '.') {
            continue;
        }
        let Some(colon) = key_colon(line) else {
            continue;
        };
        let name = line[..colon].trim();
        let name = name
            .strip_prefix('"')
            .and_then(|n| n.strip_suffix('"'))
            .or_else(|| name.strip_prefix('\'').and_then(|n| n.strip_suffix('\'')))
            .unwrap_or(name);
        if let Some(last) = keys.last_mut() {
            last.2.end = here;
        }
        let value_start = here + colon + 1;
        keys.push((
            name.to_string(),
            here..here + colon,
            value_start..value_start,
        ));
    }
    if let Some(last) = keys.last_mut() {
        last.2.end = yaml.len();
    }
    keys.into_iter()
        .map(|(name, key, value)| {
            let value = trimmed(yaml, value);
            let value = if value.is_empty() { key.clone() } else { value };
            (
                name,
                offset + key.start..offset + key.end,
                offset + value.start..offset + value.end,
            )
        })
        .collect()
}

/// `range` of `yaml` without blanks at either end.
fn trimmed(yaml: &str, range: Range<usize>) -> Range<usize> {
    let text = &yaml[range.clone()];
    let start = range.start + (text.len() - text.trim_start().len());
    start..start + text.trim().len()
}

/// The colon that ends a plain or quoted key: one followed by a blank or the line's end.
fn key_colon(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') if i == 0 => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b':') if bytes.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()) => {
                return Some(i);
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(yaml: &str) -> (String, Vec<KeyLine>, String) {
        let text = format!("---\n{yaml}---\n");
        let (toml, lines) = to_toml("x.md", &text, 4..4 + yaml.len()).unwrap();
        (toml, lines, text)
    }

    #[test]
    fn every_kind_of_value_becomes_toml() {
        let (toml, _, _) = convert(
            "title: \"A: b\"\ndate: 2026-11-24\nweight: 3\nratio: 1.5\ndraft: false\n\
             sources:\n  - a\n  - b\nextra:\n  note: x\n  n: [1, 2]\n",
        );
        let table: toml::Table = toml.parse().unwrap();
        assert_eq!(table["title"].as_str(), Some("A: b"));
        assert_eq!(table["date"].as_str(), Some("2026-11-24"));
        assert_eq!(table["weight"].as_integer(), Some(3));
        assert_eq!(table["ratio"].as_float(), Some(1.5));
        assert_eq!(table["draft"].as_bool(), Some(false));
        assert_eq!(table["sources"].as_array().unwrap().len(), 2);
        assert_eq!(table["extra"]["n"].as_array().unwrap().len(), 2);
        // One line per key, in the order written.
        assert_eq!(toml.lines().count(), 7);
        assert!(toml.starts_with("title = "));
    }

    #[test]
    fn spans_map_back_to_the_yaml_written() {
        let (toml, lines, text) = convert("title: Hello\nsources:\n  - a\n  - b\nslug: \"x y\"\n");
        for (key, written_key, written_value) in [
            ("title", "title", "Hello"),
            ("sources", "sources", "- a\n  - b"),
            ("slug", "slug", "\"x y\""),
        ] {
            let line = toml.lines().find(|l| l.starts_with(key)).unwrap();
            let start = toml.find(line).unwrap();
            let whole = 0..0;
            let key_at = in_file(&lines, start..start + 1, whole.clone());
            assert_eq!(&text[key_at], written_key);
            let value_at = in_file(&lines, start + line.len() - 1..start + line.len(), whole);
            assert_eq!(&text[value_at], written_value, "{key}");
        }
    }

    #[test]
    fn what_toml_cannot_hold_is_a_message_at_the_value() {
        for (yaml, says, at) in [
            ("title: A\nslug:\n", "`slug` has no value", "slug"),
            ("title: !big A\n", "YAML tag", "!big A"),
            // Past i64 but within u64: TOML has no such integer.
            (
                "n: 10000000000000000000\n",
                "too large",
                "10000000000000000000",
            ),
        ] {
            let text = format!("---\n{yaml}---\n");
            let err = to_toml("x.md", &text, 4..4 + yaml.len()).unwrap_err();
            assert!(err.message.contains(says), "{yaml}: {}", err.message);
            let location = err.location.unwrap();
            assert_eq!(&location.line_text[location.span.clone()], at, "{yaml}");
        }
        for (yaml, line) in [
            ("- a\n- b\n", 2),
            ("just text\n", 2),
            ("title: A\nlist: [unclosed\n", 4),
            ("a: 1\na: 2\n", 3),
            ("a: 1\nn: 99999999999999999999\n", 3),
            // Mid-way: the position counts from the front matter's first line, not the file's.
            ("a: 1\nb: 2\nc: [x\nd: 4\ne: 5\n", 5),
            ("a: 1\nb: 2\n  c: 3\nd: 4\n", 4),
        ] {
            let text = format!("---\n{yaml}---\n");
            let err = to_toml("x.md", &text, 4..4 + yaml.len()).unwrap_err();
            assert!(
                !err.message.contains(" at line ") && !err.message.contains(" column "),
                "{}",
                err.message
            );
            assert_eq!(err.location.unwrap().line, line, "{yaml}: {}", err.message);
        }
    }

    #[test]
    fn keys_that_need_quotes_in_toml() {
        let (toml, _, _) = convert("\"odd key\": 1\n'x.y': 2\n");
        let table: toml::Table = toml.parse().unwrap();
        assert_eq!(table["odd key"].as_integer(), Some(1));
        assert_eq!(table["x.y"].as_integer(), Some(2));
    }

    /// Every top-level key of a document, by its name: where its key and its value are found
    /// in the file, through the spans of the TOML made from it.
    #[test]
    fn every_key_and_value_is_found_where_it_is_written() {
        let yaml = "# a comment: not a key\n\"a: b\": quoted colon\n'x.y': single\nurl: https://e.org/x\n\
                    time: 10:00\nmy-key: v\nlist:\n  - one\n  - two\nn: 1.5\nlast: end\n";
        let (toml, lines, text) = convert(yaml);
        let table: toml::Table = toml.parse().unwrap();
        for (key, written_key, written_value) in [
            ("a: b", "\"a: b\"", "quoted colon"),
            ("x.y", "'x.y'", "single"),
            ("url", "url", "https://e.org/x"),
            ("time", "time", "10:00"),
            ("my-key", "my-key", "v"),
            ("list", "list", "- one\n  - two"),
            ("n", "n", "1.5"),
            ("last", "last", "end"),
        ] {
            assert!(table.contains_key(key), "{key} in {toml}");
            let line = lines
                .iter()
                .find(|l| toml[l.toml_key.clone()].trim_matches('"') == key)
                .unwrap_or_else(|| panic!("no line for {key}"));
            assert_eq!(&text[line.file_key.clone()], written_key, "{key}");
            assert_eq!(&text[line.file_value.clone()], written_value, "{key}");
        }
        assert_eq!(table["n"].as_float(), Some(1.5));
        assert_eq!(table["time"].as_str(), Some("10:00"));
    }

    #[test]
    fn front_matter_that_is_not_keys_says_what_it_is() {
        for (yaml, kind) in [
            ("- a\n", "a list"),
            ("just text\n", "a text"),
            ("42\n", "a number"),
            ("true\n", "true or false"),
            ("!tag x\n", "a tagged value"),
        ] {
            let text = format!("---\n{yaml}---\n");
            let err = to_toml("x.md", &text, 4..4 + yaml.len()).unwrap_err();
            assert!(
                err.message.ends_with(&format!("not {kind}")),
                "{yaml}: {}",
                err.message
            );
        }
    }

    #[test]
    fn keys_are_bare_in_toml_only_when_toml_allows() {
        for (key, bare) in [
            ("a_b-c9", true),
            ("a b", false),
            ("ä", false),
            ("a.b", false),
            ("", false),
        ] {
            assert_eq!(toml_key(key) == key, bare, "{key}");
        }
    }
}
