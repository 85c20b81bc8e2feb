//! The placeholders (`TODO`) left in a body, outside code: a page that `briefing new` started
//! is not published until an editor has written it. The scan is one `memmem` pass over the
//! body; Markdown is parsed again only for a body that holds the word.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::{Problem, ProblemKind};
use crate::content::placeholder;

/// The placeholders of `body` outside code, as problems.
pub(super) fn problems(body: &str, options: Options) -> Vec<Problem> {
    outside_code(body, placeholder::find(body), options)
        .into_iter()
        .map(|range| Problem {
            range,
            kind: ProblemKind::Placeholder,
        })
        .collect()
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
    fn a_build_looks_at_every_line() {
        assert_eq!(found("\n\nTODO: write the page here.\n"), ["TODO"]);
        assert_eq!(found("Written.\n\nTODO later, `TODO`\n"), ["TODO"]);
        assert_eq!(found("Written.\n\n- a\n- TODO\n"), ["TODO"]);
    }

    #[test]
    fn text_comments_and_links_count_code_does_not() {
        assert_eq!(found("TODO: write the page here.\n"), ["TODO"]);
        assert_eq!(found("<!-- TODO -->\n"), ["TODO"]);
        assert_eq!(found("[TODO](https://example.com)\n"), ["TODO"]);
        assert!(found("Use `TODO` for a placeholder.\n").is_empty());
        assert!(found("```\nTODO\n```\n").is_empty());
        assert!(found("    TODO indented code\n").is_empty());
        assert!(found("The TODOs are done.\n").is_empty());
    }
}
