//! The placeholders (`TODO`) left in a body where a reader would see them: a page that
//! `briefing new` started is not published until an editor has written it. The scan is one
//! `memmem` pass over the body; Markdown is parsed again only for a body that holds the word.
//!
//! What a reader sees is the text: a paragraph's words, an image's alt text, a link's title,
//! an HTML block or comment. A URL is not prose, wherever it is written (a link's or image's
//! destination, an autolink, a reference definition, an HTML attribute that holds one, a bare
//! address in the text), and code is the text itself: a `TODO` there is no placeholder.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{Problem, ProblemKind};
use crate::content::placeholder;

/// The placeholders of `body` a reader would see, as problems.
pub(super) fn problems(body: &str, options: Options) -> Vec<Problem> {
    let found = placeholder::find(body);
    if found.is_empty() {
        return Vec::new();
    }
    let prose = SeenText::of(body, options);
    found
        .into_iter()
        .filter(|word| prose.holds(word) && !in_address(body, word))
        .map(|range| Problem {
            range,
            kind: ProblemKind::Placeholder,
        })
        .collect()
}

/// Where in a body a reader sees text, and the URLs written inside it.
#[derive(Default)]
struct SeenText {
    seen: Vec<Range<usize>>,
    urls: Vec<Range<usize>>,
}

impl SeenText {
    fn of(body: &str, options: Options) -> SeenText {
        let mut prose = SeenText::default();
        let mut parser = Parser::new_ext(body, options).into_offset_iter();
        // Whether each open link shows its own address (an autolink), and whether in a code
        // block: their text is not prose.
        let mut links: Vec<bool> = Vec::new();
        let mut in_code_block = false;
        let mut html: Option<Range<usize>> = None;
        for (event, range) in parser.by_ref() {
            if !matches!(event, Event::Html(_)) {
                prose.add_html(body, html.take());
            }
            match event {
                Event::Start(Tag::Link {
                    link_type, title, ..
                }) => {
                    links.push(matches!(link_type, LinkType::Autolink | LinkType::Email));
                    prose.add_title(body, range, &title);
                }
                Event::Start(Tag::Image { title, .. }) => prose.add_title(body, range, &title),
                Event::End(TagEnd::Link) => {
                    links.pop();
                }
                Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
                Event::End(TagEnd::CodeBlock) => in_code_block = false,
                Event::Text(_) if !in_code_block && !links.last().copied().unwrap_or(false) => {
                    prose.seen.push(range)
                }
                // An HTML block comes a line at a time: a tag may span lines.
                Event::Html(_) => {
                    html = Some(match html.take() {
                        Some(open) if open.end <= range.start => open.start..range.end,
                        Some(open) => open,
                        None => range,
                    })
                }
                Event::InlineHtml(_) => prose.add_html(body, Some(range)),
                _ => {}
            }
        }
        prose.add_html(body, html);
        for (_, definition) in parser.reference_definitions().iter() {
            if let Some(title) = &definition.title {
                prose.add_title(body, definition.span.clone(), title);
            }
        }
        prose
    }

    fn add_html(&mut self, body: &str, range: Option<Range<usize>>) {
        let Some(range) = range else {
            return;
        };
        let start = range.start;
        self.urls.extend(
            url_values(&body[range.clone()])
                .into_iter()
                .map(|v| start + v.start..start + v.end),
        );
        self.seen.push(range);
    }

    /// A link's or image's title (a tooltip a reader sees), found at the end of what `span`
    /// of the body writes; a title written with escapes is not found, and not read.
    fn add_title(&mut self, body: &str, span: Range<usize>, title: &str) {
        if title.is_empty() || placeholder::find(title).is_empty() {
            return;
        }
        if let Some(at) = body[span.clone()].rfind(title) {
            let start = span.start + at;
            self.seen.push(start..start + title.len());
        }
    }

    fn holds(&self, word: &Range<usize>) -> bool {
        let within = |r: &Range<usize>| r.start <= word.start && word.end <= r.end;
        self.seen.iter().any(within) && !self.urls.iter().any(within)
    }
}

/// Whether `word` is part of an address written as text (`https://example.com/TODO-list`,
/// `www.example.com/TODO`): the run of non-space characters around it.
fn in_address(body: &str, word: &Range<usize>) -> bool {
    let start = body[..word.start]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '(' | '['))
        .map_or(0, |at| at + 1);
    let end = body[word.end..]
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | ')' | ']'))
        .map_or(body.len(), |at| word.end + at);
    let token = &body[start..end];
    token.contains("://") || token.starts_with("www.") || token.starts_with("mailto:")
}

/// The attributes of HTML that hold a URL (or a list of them), never shown as text.
const URL_ATTRIBUTES: [&str; 14] = [
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "cite",
    "data",
    "background",
    "longdesc",
    "manifest",
    "ping",
    "xlink:href",
    "itemid",
];

/// The ranges of `html` that are values of attributes holding a URL, read the way a browser
/// tokenizes a start tag (quoted or bare values, any case); comments are skipped whole.
fn url_values(html: &str) -> Vec<Range<usize>> {
    let bytes = html.as_bytes();
    let mut values = Vec::new();
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'<', &bytes[at..]) {
        at += open + 1;
        if html[at..].starts_with("!--") {
            at = html[at..]
                .find("-->")
                .map_or(html.len(), |end| at + end + 3);
            continue;
        }
        at = tag(html, at, &mut values);
    }
    values
}

/// Reads the tag whose name starts at `at`, adding the URL values of its attributes; returns
/// where the tag ends.
fn tag(html: &str, mut at: usize, values: &mut Vec<Range<usize>>) -> usize {
    let bytes = html.as_bytes();
    let is_space = |b: u8| b.is_ascii_whitespace();
    let skip = |at: &mut usize, while_: &dyn Fn(u8) -> bool| {
        while *at < bytes.len() && while_(bytes[*at]) {
            *at += 1;
        }
    };
    skip(&mut at, &|b| !is_space(b) && b != b'>' && b != b'/');
    loop {
        skip(&mut at, &|b| is_space(b) || b == b'/');
        if at >= bytes.len() || bytes[at] == b'>' {
            return at;
        }
        let name_start = at;
        skip(&mut at, &|b| {
            !is_space(b) && b != b'=' && b != b'>' && b != b'/'
        });
        let name = html[name_start..at].to_ascii_lowercase();
        skip(&mut at, &is_space);
        if bytes.get(at) != Some(&b'=') {
            continue;
        }
        at += 1;
        skip(&mut at, &is_space);
        let value = match bytes.get(at) {
            Some(&quote @ (b'"' | b'\'')) => {
                let end =
                    memchr::memchr(quote, &bytes[at + 1..]).map_or(bytes.len(), |e| at + 1 + e);
                let value = at + 1..end;
                at = (end + 1).min(bytes.len());
                value
            }
            _ => {
                let start = at;
                skip(&mut at, &|b| !is_space(b) && b != b'>');
                start..at
            }
        };
        if URL_ATTRIBUTES.contains(&name.as_str()) {
            values.push(value);
        }
    }
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

    /// Every way Markdown writes a URL, each with a `TODO` in the address: none is prose. The
    /// same texts with the word where a reader sees it are found, at that word.
    #[test]
    fn a_url_is_never_prose_the_text_around_it_is() {
        let not_prose = [
            "[x](https://example.com/TODO-list)",
            "[x](<https://example.com/TODO list>)",
            "[x](/notes/TODO.html \"Notes\")",
            "![a chart](/img/TODO.png)",
            "[![a chart](/img/TODO.png)](/TODO/)",
            "<https://example.com/TODO>",
            "<mailto:TODO@example.com>",
            "See https://example.com/TODO-list for more.",
            "See www.example.com/TODO.",
            "[x][ref]\n\n[ref]: https://example.com/TODO",
            "[ref]\n\n[ref]: </TODO page> 'Notes'",
            "<a href=\"https://example.com/TODO\">the list</a>",
            "<a href='/TODO'>the list</a>",
            "<a href=/TODO>the list</a>",
            "<img src=\"/TODO.png\" alt=\"A chart\">",
            "<img\n  alt=\"A chart\"\n  SRC=\"/TODO.png\">\n",
            "<div>\n<img srcset=\"/TODO.png 2x\" alt=\"A chart\">\n</div>\n",
            "<video poster=\"/TODO.jpg\"></video>",
            "<blockquote cite=\"https://example.com/TODO\">Quoted.</blockquote>",
        ];
        for body in not_prose {
            assert!(found(body).is_empty(), "{body:?}: {:?}", found(body));
        }
        // Each text and which of its TODOs (0: the first) a reader sees.
        let seen = [
            ("[TODO](https://example.com/TODO-list)", 0),
            ("![TODO](/img/TODO.png)", 0),
            ("[x](/TODO \"TODO: a title\")", 1),
            ("[x][r]\n\n[r]: /TODO \"TODO: a title\"", 1),
            ("<https://example.com/TODO> TODO", 1),
            ("<a href=\"/TODO\">TODO</a>", 1),
            ("<a href=\"/TODO\" title=\"TODO\">x</a>", 1),
            ("<img src=\"/TODO.png\" alt=\"TODO\">", 1),
            ("<div>\n<p title=\"x\">TODO</p>\n</div>\n", 0),
            ("See https://example.com/x, TODO.", 0),
        ];
        for (body, nth) in seen {
            let at = placeholder::find(body)[nth].start;
            let problems = problems(body, Options::all());
            let starts: Vec<usize> = problems.iter().map(|p| p.range.start).collect();
            assert_eq!(starts, [at], "{body:?}");
        }
    }

    #[test]
    fn url_values_are_read_as_a_browser_tokenizes_a_tag() {
        let values = |html: &str| -> Vec<String> {
            url_values(html)
                .into_iter()
                .map(|r| html[r].to_string())
                .collect()
        };
        assert_eq!(values("<a href=\"/x\" title=\"/y\">"), ["/x"]);
        assert_eq!(values("<a HREF = '/x'>"), ["/x"]);
        assert_eq!(values("<img src=/x alt=y>"), ["/x"]);
        assert_eq!(values("<!-- <a href=\"/x\"> --><a href=\"/z\">"), ["/z"]);
        assert_eq!(values("<input disabled src=\"/x\">"), ["/x"]);
        assert!(
            values("<a href=\"/x").len() == 1,
            "an unclosed tag ends the text"
        );
        assert!(values("text > with < signs").is_empty());
    }
}
