//! A body read as the copy desk reads it: its blocks of prose (paragraphs, list items, table
//! rows) as plain text with their citations, and the structure around them (headings, images,
//! links, tables). Code, headings, citations' own text and shortcode calls are not prose.
//! Only `check` asks for this; a build never parses a body twice.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

use super::{CITATION_SCHEME, RenderOptions, parser_options};

/// Straight quotes kept as written, so that offsets in the text are offsets in the body.
const OPTIONS: RenderOptions = RenderOptions {
    smart_punctuation: false,
    heading_anchors: false,
};

/// A block of prose as plain text, and where each piece of it is in the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Block {
    pub text: String,
    /// `(offset in text, offset in body)` at the start of each piece of text.
    pieces: Vec<(usize, usize)>,
    /// The ids cited, each with where it is in the text and in the body.
    pub citations: Vec<(String, usize, Range<usize>)>,
}

impl Block {
    /// The range of the body that `range`, a range of [`Block::text`], was written at.
    pub fn in_body(&self, range: Range<usize>) -> Range<usize> {
        let at = |offset: usize| {
            let i = self.pieces.partition_point(|(text, _)| *text <= offset);
            let (text, body) = self.pieces[i.saturating_sub(1)];
            body + (offset - text)
        };
        let start = at(range.start);
        start..at(range.end).max(start)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub range: Range<usize>,
}

/// A link or image, with the text readers (or screen readers) get for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    pub text: String,
    /// Whether it holds an image, whose alt text labels it.
    pub has_image: bool,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prose {
    pub blocks: Vec<Block>,
    pub headings: Vec<Heading>,
    pub images: Vec<Labelled>,
    pub links: Vec<Labelled>,
    /// Each table, with whether its header row has any text.
    pub tables: Vec<(Range<usize>, bool)>,
}

/// What the copy desk reads of `body`.
pub fn read(body: &str) -> Prose {
    let text = without_shortcodes(body);
    let mut cite = |link: pulldown_cmark::BrokenLink<'_>| {
        let id = link.reference.trim().strip_prefix('@')?;
        Some((
            CowStr::from(format!("{CITATION_SCHEME}{}", id.trim())),
            CowStr::from(""),
        ))
    };
    let parser =
        Parser::new_with_broken_link_callback(&text, parser_options(OPTIONS), Some(&mut cite));
    let mut reader = Reader::default();
    for (event, range) in parser.into_offset_iter() {
        reader.event(event, range);
    }
    reader.flush();
    reader.prose
}

#[derive(Default)]
struct Reader {
    prose: Prose,
    block: Block,
    /// Nesting of what is not prose: code blocks, headings, citations' text, image alt text.
    hidden: usize,
    /// Open links and images, innermost last.
    open: Vec<Labelled>,
    /// Open table head: whether a cell of it had text.
    head_text: Option<bool>,
    /// In an HTML block, the tag read so far when one is open.
    html_tag: Option<String>,
}

impl Reader {
    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(end) => self.end(end),
            Event::Text(text) => self.text(&text, range.start),
            Event::Code(_) => self.text(" ", range.start),
            Event::SoftBreak | Event::HardBreak => self.text(" ", range.start),
            Event::Html(html) => self.html(&html, range.start),
            _ => {}
        }
    }

    /// A piece of an HTML block: its text is prose, its block tags end a block, a cell starts
    /// a sentence, and headings, code and citations' titles are not prose. A tag may go on
    /// from one piece to the next.
    fn html(&mut self, html: &str, at: usize) {
        let mut text_from = 0;
        for (i, c) in html.char_indices() {
            match (&mut self.html_tag, c) {
                (None, '<') => {
                    if text_from < i {
                        self.text(&html[text_from..i], at + text_from);
                    }
                    self.html_tag = Some(String::new());
                }
                (None, _) => {}
                (Some(tag), '>') if !tag.starts_with("!--") || tag.ends_with("--") => {
                    let tag = self.html_tag.take().unwrap_or_default();
                    self.html_element(&tag, at + i);
                    text_from = i + 1;
                }
                (Some(tag), c) => tag.push(c),
            }
        }
        if self.html_tag.is_none() && text_from < html.len() {
            self.text(&html[text_from..], at + text_from);
        }
    }

    fn html_element(&mut self, tag: &str, at: usize) {
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "td" | "th" if !closing => self.text("\n", at),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "code" | "script" | "style"
            | "cite" => {
                if closing {
                    self.hidden = self.hidden.saturating_sub(1);
                } else {
                    self.hidden += 1;
                }
            }
            "p" | "div" | "li" | "tr" | "table" | "blockquote" | "section" | "article"
            | "aside" | "ul" | "ol" | "dl" | "dt" | "dd" | "figure" | "figcaption" | "header"
            | "footer" | "main" | "details" | "summary" => self.flush(),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph | Tag::Item | Tag::TableRow | Tag::BlockQuote(_) | Tag::List(_) => {
                self.flush();
            }
            Tag::TableHead => {
                self.flush();
                self.head_text = Some(false);
            }
            Tag::Table(_) => self.prose.tables.push((range, true)),
            // Each cell its own sentence: "Netflix" and "300" in two cells are two texts.
            Tag::TableCell => self.text("\n", range.start),
            Tag::Heading { level, .. } => {
                self.flush();
                self.prose.headings.push(Heading {
                    level: level as u8,
                    range,
                });
                self.hidden += 1;
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.hidden += 1;
            }
            Tag::Link { dest_url, .. } if dest_url.starts_with(CITATION_SCHEME) => {
                let id = dest_url[CITATION_SCHEME.len()..].to_string();
                let at = self.block.text.len();
                self.block.citations.push((id, at, range));
                self.hidden += 1;
            }
            Tag::Link { .. } | Tag::Image { .. } => {
                if matches!(tag, Tag::Image { .. }) {
                    self.open.iter_mut().for_each(|o| o.has_image = true);
                    self.hidden += 1;
                }
                self.open.push(Labelled {
                    text: String::new(),
                    has_image: matches!(tag, Tag::Image { .. }),
                    range,
                });
            }
            _ => {}
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Paragraph | TagEnd::Item | TagEnd::TableRow => self.flush(),
            TagEnd::TableHead => {
                self.flush();
                if let (Some(had_text), Some(table)) =
                    (self.head_text.take(), self.prose.tables.last_mut())
                {
                    table.1 = had_text;
                }
            }
            TagEnd::Heading(_) | TagEnd::CodeBlock => self.hidden = self.hidden.saturating_sub(1),
            TagEnd::Link if self.open.is_empty() => self.hidden = self.hidden.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => {
                if let Some(done) = self.open.pop() {
                    if matches!(end, TagEnd::Image) {
                        self.hidden = self.hidden.saturating_sub(1);
                        self.prose.images.push(done);
                    } else {
                        self.prose.links.push(done);
                    }
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str, at: usize) {
        for open in &mut self.open {
            open.text.push_str(text);
        }
        if let Some(head) = &mut self.head_text {
            *head |= !text.trim().is_empty();
        }
        if self.hidden > 0 {
            return;
        }
        self.block.pieces.push((self.block.text.len(), at));
        self.block.text.push_str(text);
    }

    fn flush(&mut self) {
        let block = std::mem::take(&mut self.block);
        if !block.text.trim().is_empty() || !block.citations.is_empty() {
            self.prose.blocks.push(block);
        }
    }
}

/// `body` with each shortcode call (`{{ name(...) }}`, `{% name(...) %}`) blanked out, byte for
/// byte, so that offsets stay those of the body and no argument reads as prose.
fn without_shortcodes(body: &str) -> String {
    let mut out = body.as_bytes().to_vec();
    for (open, close) in [("{{", "}}"), ("{%", "%}")] {
        let mut from = 0;
        while let Some(start) = body[from..].find(open).map(|i| from + i) {
            let Some(end) = body[start..].find(close).map(|i| start + i + 2) else {
                break;
            };
            out[start..end]
                .iter_mut()
                .filter(|b| **b != b'\n')
                .for_each(|b| *b = b' ');
            from = end;
        }
    }
    // Only ASCII bytes were replaced, with ASCII.
    String::from_utf8(out).unwrap_or_else(|_| body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_hold_prose_and_their_citations() {
        let body =
            "# Title 2026\n\nFirst, with `code 42` [@a].\n\n- one item\n- two\n\n```\n99\n```\n";
        let prose = read(body);
        let texts: Vec<&str> = prose.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["First, with   .", "one item", "two"]);
        assert_eq!(prose.blocks[0].citations[0].0, "a");
        assert_eq!(
            prose.headings,
            [Heading {
                level: 1,
                range: 0..13
            }]
        );
        let first = &prose.blocks[0];
        assert_eq!(&body[first.in_body(0..5)], "First");
        let item = &prose.blocks[1];
        assert_eq!(&body[item.in_body(4..8)], "item");
    }

    #[test]
    fn images_links_and_tables() {
        let body = "![](a.png) ![Chart](b.png) [here](/x/) [](/y/) [![Logo](l.png)](/z/)\n\n| | |\n|-|-|\n| 1 | 2 |\n";
        let prose = read(body);
        let alts: Vec<&str> = prose.images.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(alts, ["", "Chart", "Logo"]);
        let links: Vec<(&str, bool)> = prose
            .links
            .iter()
            .map(|l| (l.text.as_str(), l.has_image))
            .collect();
        assert_eq!(links, [("here", false), ("", false), ("Logo", true)]);
        assert_eq!(prose.tables.len(), 1);
        assert!(!prose.tables[0].1, "an empty header row");
    }

    #[test]
    fn shortcode_calls_are_not_prose() {
        let body = "Before {{ figure(src=\"a.png\", width=300) }} after.\n";
        let prose = read(body);
        assert!(!prose.blocks[0].text.contains("300"));
        assert_eq!(
            &body[prose.blocks[0]
                .in_body(prose.blocks[0].text.len() - 6..prose.blocks[0].text.len())],
            "after."
        );
    }

    /// A table row is a block and each cell a sentence of it; an HTML block's text is prose,
    /// split at its block tags, with its headings and code left out and its positions kept.
    #[test]
    fn table_cells_and_html_blocks_are_prose() {
        let body = "| Studio | Deal |\n|-|-|\n| Netflix | 300 million |\n\n<div>\n<p>The studio said <em>yes</em>.</p><h2>Head 1</h2>\n<table><tr><td>A24</td><td>40 percent</td></tr></table>\n</div>\n";
        let prose = read(body);
        let texts: Vec<String> = prose
            .blocks
            .iter()
            .map(|b| b.text.trim().replace('\n', "|"))
            .collect();
        assert_eq!(
            texts,
            [
                "Studio|Deal",
                "Netflix|300 million",
                "The studio said yes.",
                "A24|40 percent"
            ]
        );
        let html = &prose.blocks[2];
        let said = html.text.find("said").unwrap();
        assert_eq!(&body[html.in_body(said..said + 4)], "said");
        let cell = &prose.blocks[3];
        let at = cell.text.find("40").unwrap();
        assert_eq!(&body[cell.in_body(at..at + 2)], "40");
        let split = read("<div title=\"a\nb\">\nText <b\nclass=\"x\">bold</b>.\n</div>\n");
        assert_eq!(split.blocks[0].text.trim(), "Text bold.");
    }
}
