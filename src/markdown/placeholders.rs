//! The placeholders (`TODO`) left in a body, outside code. A build looks only where
//! `briefing new` writes one, the body's first line (a scan of every body would cost every
//! build); `check` looks everywhere. Either way a page that `briefing new` started is not
//! published until an editor has written it.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::{Problem, ProblemKind, RenderOptions, parser_options};
use crate::content::placeholder;

/// The placeholders of the body's first line that is not blank, where `briefing new` writes
/// one, as problems.
pub(super) fn problems(body: &str, options: Options) -> Vec<Problem> {
    let first = body.trim_start_matches(['\n', '\r']);
    let start = body.len() - first.len();
    let line = &first[..first.find('\n').unwrap_or(first.len())];
    let found: Vec<Range<usize>> = placeholder::find(line)
        .into_iter()
        .map(|r| start + r.start..start + r.end)
        .collect();
    outside_code(body, found, options)
        .into_iter()
        .map(|range| Problem {
            range,
            kind: ProblemKind::Placeholder,
        })
        .collect()
}

/// Every placeholder of `body` outside code, for `check`.
pub fn everywhere(body: &str) -> Vec<Range<usize>> {
    let options = parser_options(RenderOptions {
        smart_punctuation: false,
        heading_anchors: false,
    });
    outside_code(body, placeholder::find(body), options)
}

/// The ranges of `found` that are not in a code span or block of `body`: there, the word is
/// the text itself.
fn outside_code(body: &str, found: Vec<Range<usize>>, options: Options) -> Vec<Range<usize>> {
    if found.is_empty() {
        return found;
    }
    let code = code_ranges(body, options);
    found
        .into_iter()
        .filter(|word| {
            !code
                .iter()
                .any(|c| c.start <= word.start && word.end <= c.end)
        })
        .collect()
}

fn code_ranges(body: &str, options: Options) -> Vec<Range<usize>> {
    Parser::new_ext(body, options)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => Some(range),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &str) -> Vec<&str> {
        problems(body, Options::all())
            .into_iter()
            .map(|p| &body[p.range])
            .collect()
    }

    #[test]
    fn a_build_looks_at_the_first_line_only() {
        assert_eq!(found("\n\nTODO: write the page here.\n"), ["TODO"]);
        assert!(found("Written.\n\nTODO later\n").is_empty());
        let later: Vec<&str> = everywhere("Written.\n\nTODO later, `TODO`\n")
            .into_iter()
            .map(|r| &"Written.\n\nTODO later, `TODO`\n"[r])
            .collect();
        assert_eq!(later, ["TODO"]);
    }

    #[test]
    fn text_comments_and_links_count_code_does_not() {
        assert_eq!(found("TODO: write the page here.\n"), ["TODO"]);
        assert_eq!(found("<!-- TODO -->\n"), ["TODO"]);
        assert_eq!(found("[TODO](https://example.com)\n"), ["TODO"]);
        assert!(found("Use `TODO` for a placeholder.\n").is_empty());
        assert!(found("```\nTODO\n```\n").is_empty());
        assert!(found("    TODO indented code\n").is_empty());
        assert!(everywhere("```\nTODO\n```\n").is_empty());
        assert!(found("The TODOs are done.\n").is_empty());
    }
}
