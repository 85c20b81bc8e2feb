//! Two versions of a body compared as a reader sees them (for `check --since`): line endings
//! (CRLF or LF), how a paragraph is wrapped, runs of spaces and trailing spaces change no page,
//! so they are not changes. What a reader sees is the document's structure and its words; a
//! code block keeps its lines (their trailing spaces aside), a link its destination.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{RenderOptions, parser_options};

/// Where in `new` (a byte offset, at the start of its line) a reader would first see a
/// difference from `old`; `None` when the two read the same.
pub fn first_visible_difference(new: &str, old: &str) -> Option<usize> {
    let (new_seen, old_seen) = (as_read(new), as_read(old));
    let differs = new_seen
        .iter()
        .zip(&old_seen)
        .position(|((a, _), (b, _))| a != b);
    let at = match differs {
        Some(i) => new_seen[i].1,
        None if new_seen.len() == old_seen.len() => return None,
        // One ends where the other goes on: at the first token only one has.
        None => new_seen
            .get(old_seen.len())
            .map_or(new.len(), |(_, at)| *at),
    };
    // Past the last text (text taken away at the end): the last line left.
    let at = at.min(new.trim_end().len());
    Some(new[..at].rfind('\n').map_or(0, |line| line + 1))
}

/// The body as a list of what a reader sees, each with where it starts: runs of text (soft
/// line breaks are spaces, whitespace collapsed), and every other event as it is.
fn as_read(body: &str) -> Vec<(String, usize)> {
    let options = parser_options(RenderOptions {
        smart_punctuation: false,
        heading_anchors: false,
    });
    let mut seen = Vec::new();
    let mut text: Option<(String, usize)> = None;
    // A code block's text, which may come in several pieces, kept line for line.
    let mut code: Option<(String, usize)> = None;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match (&event, code.as_mut()) {
            (Event::Text(words), Some((code, _))) => {
                code.push_str(words);
                continue;
            }
            // An HTML block comes in pieces (a line, a line ending) that depend on them.
            (Event::Html(html), None) => {
                let run = text.get_or_insert_with(|| ("<".into(), range.start));
                if !run.0.starts_with('<') {
                    seen.push((collapsed(&run.0), run.1));
                    *run = ("<".into(), range.start);
                }
                run.0.push_str(html);
                continue;
            }
            (Event::Text(words), None) => {
                let run = text.get_or_insert_with(|| (String::new(), range.start));
                if run.0.starts_with('<') {
                    seen.push((collapsed(&run.0), run.1));
                    *run = (String::new(), range.start);
                }
                run.0.push_str(words);
                continue;
            }
            (Event::SoftBreak, _) => {
                text.get_or_insert_with(|| (String::new(), range.start))
                    .0
                    .push(' ');
                continue;
            }
            _ => {}
        }
        if let Some((words, at)) = text.take() {
            seen.push((collapsed(&words), at));
        }
        let token = match event {
            Event::Start(Tag::CodeBlock(_)) => {
                code = Some((String::new(), range.start));
                format!("{event:?}")
            }
            Event::End(TagEnd::CodeBlock) => {
                let (written, start) = code.take().unwrap_or_default();
                let lines: Vec<&str> = written.lines().map(str::trim_end).collect();
                seen.push((format!("{}\n{event:?}", lines.join("\n")), start));
                continue;
            }
            Event::Code(code) => format!("`{}`", collapsed(&code)),
            Event::InlineHtml(html) => format!("<{}", collapsed(&html)),
            other => format!("{other:?}"),
        };
        seen.push((token, range.start));
    }
    if let Some((words, at)) = text {
        seen.push((collapsed(&words), at));
    }
    seen
}

/// `text` with each run of whitespace one space, as a browser shows it.
fn collapsed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    if space {
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Intro text.\n\n## A heading\n\nA paragraph with *emphasis*, a [link](/a/) and `code`.\nIt goes on.\n\n- one\n- two\n\n```\nfn main() {\n    x\n}\n```\n\n<div class=\"x\">\n<p>Raw</p>\n</div>\n";

    /// Edits no reader sees, each applied to the whole body: none is a difference.
    #[test]
    fn whitespace_and_line_endings_are_no_change() {
        type Edit = fn(&str) -> String;
        let unseen: [(&str, Edit); 6] = [
            ("CRLF", |b| b.replace('\n', "\r\n")),
            ("trailing space", |b| b.replace(".\n", ". \n")),
            ("trailing tab", |b| b.replace("two\n", "two\t\n")),
            ("double space", |b| b.replace("with *", "with  *")),
            ("rewrapped", |b| {
                b.replace("with *emphasis*, a", "with\n*emphasis*, a")
                    .replace(".\nIt goes", ". It goes")
            }),
            ("trailing blank lines", |b| format!("{b}\n\n\n")),
        ];
        for (name, edit) in unseen {
            let edited = edit(BODY);
            assert_eq!(first_visible_difference(&edited, BODY), None, "{name}");
            assert_eq!(first_visible_difference(BODY, &edited), None, "{name}");
        }
    }

    /// Edits a reader sees, each found at the start of the line it is on (in a code or HTML
    /// block, the block's first line).
    #[test]
    fn a_change_a_reader_sees_is_found_at_its_line() {
        let seen = [
            ("a word", BODY.replace("goes on", "went on"), "A paragraph"),
            (
                "emphasis",
                BODY.replace("*emphasis*", "emphasis"),
                "A paragraph",
            ),
            (
                "a link's address",
                BODY.replace("(/a/)", "(/b/)"),
                "A paragraph",
            ),
            ("code", BODY.replace("`code`", "`c o d e`"), "A paragraph"),
            ("a code line", BODY.replace("    x\n", "    y\n"), "```\nfn"),
            (
                "indentation in code",
                BODY.replace("    x\n", "x\n"),
                "```\nfn",
            ),
            (
                "a heading",
                BODY.replace("## A heading", "### A heading"),
                "### A",
            ),
            ("raw HTML", BODY.replace("<p>Raw", "<p>Cooked"), "<div"),
            (
                "an item added",
                BODY.replace("- two\n", "- two\n- three\n"),
                "- three",
            ),
            (
                "a hard break",
                BODY.replace("code`.\n", "code`.  \n"),
                "A paragraph",
            ),
        ];
        for (name, edited, line) in seen {
            let at = first_visible_difference(&edited, BODY);
            let expected = edited.find(&format!("\n{line}")).map(|i| i + 1);
            assert_eq!(at, expected, "{name}");
        }
        assert_eq!(
            first_visible_difference("One.\n", "One.\n\nTwo.\n"),
            Some(0),
            "text taken away: the last line that is left"
        );
    }
}
