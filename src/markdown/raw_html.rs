//! The HTML of a body that Markdown's own syntax did not write: raw HTML blocks and tags, and
//! the output of HTML shortcodes, each with the part of the body it comes from. `check` reads
//! them for the accessibility rules that the Markdown-level reading (`prose`) cannot see.
//! Only `check` asks: shortcodes are expanded again here, never in a build.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, TagEnd};

use super::shortcodes::{self, Caller, Shortcodes};
use super::{RenderOptions, parser_options};

/// A piece of HTML in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlPart {
    pub html: String,
    /// Where in the body: the HTML itself when written there, else the shortcode call that
    /// made it.
    pub range: Range<usize>,
    /// Whether written in the body as it is (offsets inside `html` are offsets in the body).
    pub as_written: bool,
}

/// Every raw HTML block and run of inline tags of `body`, and every HTML shortcode's output,
/// in order of where they are.
pub fn html_parts(
    body: &str,
    options: RenderOptions,
    shortcodes: &dyn Shortcodes,
    caller: &Caller<'_>,
) -> Vec<HtmlPart> {
    let parser_options = parser_options(options);
    let expansion = shortcodes::expand(body, parser_options, shortcodes, caller);
    let text = expansion.as_ref().map_or(body, |e| e.text.as_str());
    let back = |range: &Range<usize>| match &expansion {
        Some(e) => e.source_range(range),
        None => range.clone(),
    };
    let mut written: Vec<(String, Range<usize>)> = Vec::new();
    // An HTML block comes a line at a time: one part. Inline tags are one part per block of
    // text, from the first tag to the last with the text between them (`<a href="x">click
    // here</a>` is one link).
    let mut block_open = false;
    let mut inline: Option<Range<usize>> = None;
    for (event, range) in Parser::new_ext(text, parser_options).into_offset_iter() {
        match &event {
            Event::Html(html) => {
                match written.last_mut() {
                    Some((joined, at)) if block_open && at.end == range.start => {
                        joined.push_str(html);
                        at.end = range.end;
                    }
                    _ => written.push((html.to_string(), range.clone())),
                }
                block_open = true;
                continue;
            }
            Event::InlineHtml(_) => {
                let start = inline.as_ref().map_or(range.start, |open| open.start);
                inline = Some(start..range.end);
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => {
                if let Some(run) = inline.take() {
                    written.push((text[run.clone()].to_string(), run));
                }
            }
            _ => {}
        }
        block_open = false;
    }
    if let Some(run) = inline.take() {
        written.push((text[run.clone()].to_string(), run));
    }
    let mut parts: Vec<HtmlPart> = written
        .into_iter()
        .map(|(html, range)| {
            let range = back(&range);
            let as_written = body.get(range.clone()) == Some(html.as_str());
            HtmlPart {
                html,
                range,
                as_written,
            }
        })
        .collect();
    if let Some(expansion) = &expansion {
        parts.extend(
            shortcodes::outputs(expansion)
                .into_iter()
                .map(|(html, range)| HtmlPart {
                    html,
                    range: expansion.source_range(&range),
                    as_written: false,
                }),
        );
    }
    parts.sort_by_key(|p| (p.range.start, p.range.end));
    parts
}
