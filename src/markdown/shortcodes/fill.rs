//! The placeholders that stand for HTML shortcodes' output while Markdown is rendered, and
//! their filling in the finished HTML.

use std::borrow::Cow;

/// Around the number of an HTML shortcode's output in the rewritten text: characters of
/// Unicode's private use area, which Markdown passes through as text and no one types.
pub(super) const PLACEHOLDER_OPEN: char = '\u{E000}';
pub(super) const PLACEHOLDER_CLOSE: char = '\u{E001}';

/// The HTML a placeholder stands for.
#[derive(Debug, Clone)]
pub(crate) struct Fill {
    html: String,
    /// Whether, alone in a paragraph, it takes the paragraph's place (a shortcode's output,
    /// not an escaped call, which is text).
    block: bool,
}

impl Fill {
    pub(super) fn new(html: String, block: bool) -> Fill {
        Fill { html, block }
    }

    pub(super) fn html(&self) -> &str {
        &self.html
    }
}

/// `html` with each placeholder replaced by its shortcode's output; a placeholder alone in a
/// paragraph replaces the paragraph, as a block of HTML written in the Markdown would.
pub(crate) fn fill_placeholders(html: &str, outputs: &[Fill]) -> String {
    fill_below(html, outputs, outputs.len())
}

/// `html` with the placeholders numbered below `limit` filled. A body's own calls were
/// expanded before it was passed on, so an output holds only placeholders numbered below its
/// own: filling them in turn ends. Inside a tag (a heading's anchor label) a placeholder
/// becomes the text of its output, escaped, so that the tag stays whole.
fn fill_below(html: &str, outputs: &[Fill], limit: usize) -> String {
    let extra: usize = outputs.iter().map(|f| f.html.len()).sum();
    let mut filled = String::with_capacity(html.len() + extra);
    let mut rest = html;
    let mut in_tag = false;
    while let Some(open) = rest.find(PLACEHOLDER_OPEN) {
        let after_open = &rest[open + PLACEHOLDER_OPEN.len_utf8()..];
        let number = after_open
            .find(PLACEHOLDER_CLOSE)
            .and_then(|close| Some((after_open[..close].parse::<usize>().ok()?, close)));
        let before = &rest[..open];
        in_tag = ends_in_tag(before).unwrap_or(in_tag);
        let Some((index, close)) = number.filter(|(i, _)| *i < limit) else {
            filled.push_str(&rest[..open + PLACEHOLDER_OPEN.len_utf8()]);
            rest = after_open;
            continue;
        };
        let after = &after_open[close + PLACEHOLDER_CLOSE.len_utf8()..];
        let fill = &outputs[index];
        let mut html = match fill.html.contains(PLACEHOLDER_OPEN) {
            true => fill_below(&fill.html, outputs, index),
            false => fill.html.clone(),
        };
        if in_tag {
            let text = html_escape::decode_html_entities(&text_of(&html)).into_owned();
            html = crate::diagnostics::escape_html(&text);
        }
        let paragraph = (before.strip_suffix("<p>"), after.strip_prefix("</p>"));
        match paragraph {
            (Some(before), Some(after)) if fill.block => {
                filled.push_str(before);
                filled.push_str(&html);
                rest = after.strip_prefix('\n').unwrap_or(after);
                if !filled.ends_with('\n') {
                    filled.push('\n');
                }
            }
            _ => {
                filled.push_str(before);
                filled.push_str(&html);
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// Whether `html` ends inside a tag (`Some(true)`), outside (`Some(false)`), or does not say.
fn ends_in_tag(html: &str) -> Option<bool> {
    match (html.rfind('<'), html.rfind('>')) {
        (Some(open), Some(close)) => Some(open > close),
        (Some(_), None) => Some(true),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    }
}

/// `text` without placeholders: a heading's id is made from the words written in it.
pub(crate) fn without_placeholders(text: &str) -> Cow<'_, str> {
    if !text.contains(PLACEHOLDER_OPEN) {
        return Cow::Borrowed(text);
    }
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(PLACEHOLDER_OPEN) {
        kept.push_str(&rest[..open]);
        rest = match rest[open..].find(PLACEHOLDER_CLOSE) {
            Some(close) => &rest[open + close + PLACEHOLDER_CLOSE.len_utf8()..],
            None => "",
        };
    }
    kept.push_str(rest);
    Cow::Owned(kept)
}

/// The text of a piece of HTML: its tags left out, its entities as they are.
pub(crate) fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}
