//! Markdown to HTML, with the extras a briefing needs.
//!
//! pulldown-cmark lives only here. On top of CommonMark with tables, footnotes, strikethrough
//! and smart punctuation, rendering gives headings stable unique ids and anchor links, builds a
//! table of contents, rewrites `@/path.md#anchor` links and root-relative links to real URLs,
//! and turns `[@source-id]` into citation links. What it finds (links to check, citations,
//! problems) comes back as data: this module knows nothing of pages, sections or files.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

use crate::content::slug::slugify;

const CITATION_SCHEME: &str = "cite:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    pub smart_punctuation: bool,
    pub heading_anchors: bool,
}

/// What the renderer needs to know about the rest of the site.
pub trait LinkResolver {
    /// The URL path (base path included) of the page or section at `relative_path`
    /// (`partnerships/a24-google.md`), if it exists.
    fn page_url(&self, relative_path: &str) -> Option<String>;
    /// `/` or `/briefing/`.
    fn base_path(&self) -> &str;
    /// The link and short label of a source id, if it is known.
    fn citation(&self, id: &str) -> Option<(String, String)>;
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A link to another page (or to this one, when `target` is empty) to be checked once every
/// page's anchors are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    pub target: String,
    pub fragment: Option<String>,
    /// Byte range in the Markdown body.
    pub range: Range<usize>,
}

/// A root-relative link (`/news/`, `/atom.xml`) as written, to be checked against the files of
/// the output once they are all known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootLink {
    pub href: String,
    /// Byte range in the Markdown body.
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub id: String,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub range: Range<usize>,
    pub message: String,
    pub hint: String,
}

/// A Markdown body as HTML, and what rendering found in it.
#[derive(Debug, Clone, Default)]
pub struct Markup {
    /// Shared, because an incremental rebuild reuses the renders of unchanged pages.
    pub html: std::sync::Arc<str>,
    /// The first paragraph, as HTML.
    pub summary: String,
    pub toc: Vec<TocEntry>,
    /// Every heading id, in document order.
    pub anchors: Vec<String>,
    pub links: Vec<InternalLink>,
    pub root_links: Vec<RootLink>,
    pub citations: Vec<Citation>,
    pub word_count: usize,
    pub problems: Vec<Problem>,
}

fn parser_options(options: RenderOptions) -> Options {
    let mut opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS;
    if options.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    opts
}

/// Renders `body`. Never fails: what is wrong is reported in [`Markup::problems`].
pub fn render(body: &str, options: RenderOptions, resolver: &dyn LinkResolver) -> Markup {
    let mut citation_callback = |link: pulldown_cmark::BrokenLink<'_>| {
        let reference = link.reference.trim();
        reference.strip_prefix('@').map(|id| {
            (
                CowStr::from(format!("{CITATION_SCHEME}{}", id.trim())),
                CowStr::from(""),
            )
        })
    };
    let parser = Parser::new_with_broken_link_callback(
        body,
        parser_options(options),
        Some(&mut citation_callback),
    );
    let mut rewriter = Rewriter {
        events: parser.into_offset_iter(),
        options,
        resolver,
        out: Markup::default(),
        ready: VecDeque::new(),
        open_heading: None,
        used_ids: HashMap::new(),
        flat_toc: Vec::new(),
        skipping_citation_text: false,
        depth: 0,
        summary: Summary::NotYet,
        summary_events: Vec::new(),
    };
    let mut html_out = String::with_capacity(body.len() + body.len() / 2);
    html::push_html(&mut html_out, rewriter.by_ref());
    let mut out = rewriter.out;
    out.html = html_out.into();
    if !rewriter.summary_events.is_empty() {
        html::push_html(&mut out.summary, rewriter.summary_events.into_iter());
    }
    out.toc = build_toc(rewriter.flat_toc);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Summary {
    NotYet,
    Capturing,
    Done,
}

/// pulldown-cmark's events with the briefing's changes applied, streamed straight into the HTML
/// writer. Only a heading is held back until its end, because its id comes from its text.
struct Rewriter<'a, 'r, I> {
    events: I,
    options: RenderOptions,
    resolver: &'r dyn LinkResolver,
    out: Markup,
    /// Events processed and ready to write, in order.
    ready: VecDeque<Event<'a>>,
    /// The open heading's events so far, and its text.
    open_heading: Option<(Vec<Event<'a>>, String)>,
    used_ids: HashMap<String, usize>,
    flat_toc: Vec<(u8, String, String)>,
    skipping_citation_text: bool,
    depth: usize,
    /// The first top-level paragraph is the summary.
    summary: Summary,
    summary_events: Vec<Event<'a>>,
}

impl<'a, I> Iterator for Rewriter<'a, '_, I>
where
    I: Iterator<Item = (Event<'a>, Range<usize>)>,
{
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(event);
            }
            let (event, range) = self.events.next()?;
            if let Some(event) = self.process(event, range) {
                return Some(event);
            }
        }
    }
}

impl<'a, I> Rewriter<'a, '_, I> {
    /// Takes the next event from the parser; returns what to write now, if anything.
    fn process(&mut self, event: Event<'a>, range: Range<usize>) -> Option<Event<'a>> {
        // Most events, once the summary is taken, need nothing but their words counted: no
        // heading is open, no citation is being skipped, and the depth no longer matters.
        if self.summary == Summary::Done
            && self.open_heading.is_none()
            && !self.skipping_citation_text
        {
            match &event {
                Event::Text(text) | Event::Code(text) => {
                    self.out.word_count += count_words(text);
                    return Some(event);
                }
                Event::Start(Tag::Heading { .. } | Tag::Link { .. } | Tag::Image { .. }) => {}
                _ => return Some(event),
            }
        }
        if self.skipping_citation_text {
            if matches!(event, Event::End(TagEnd::Link)) {
                self.skipping_citation_text = false;
            }
            return None;
        }
        match &event {
            Event::Start(Tag::Heading { .. }) => {
                self.open_heading = Some((Vec::new(), String::new()));
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, heading_text)) = &mut self.open_heading {
                    heading_text.push_str(text);
                }
                self.out.word_count += count_words(text);
            }
            Event::Start(Tag::Paragraph) if self.depth == 0 && self.summary == Summary::NotYet => {
                self.summary = Summary::Capturing;
            }
            _ => {}
        }
        let ends_summary = self.summary == Summary::Capturing
            && self.depth == 1
            && matches!(event, Event::End(TagEnd::Paragraph));
        match &event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        let event = self.rewrite(event, range);
        if self.summary == Summary::Capturing {
            self.summary_events.push(event.clone());
            if ends_summary {
                self.summary = Summary::Done;
            }
        }
        if let Event::End(TagEnd::Heading(level)) = event {
            self.close_heading(level, event);
            return None;
        }
        match &mut self.open_heading {
            Some((held, _)) => {
                held.push(event);
                None
            }
            None => Some(event),
        }
    }

    /// Links and images point where they should; citations become links to their source.
    fn rewrite(&mut self, event: Event<'a>, range: Range<usize>) -> Event<'a> {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(source_id) = dest_url.strip_prefix(CITATION_SCHEME)
                    && matches!(
                        link_type,
                        LinkType::ShortcutUnknown
                            | LinkType::CollapsedUnknown
                            | LinkType::ReferenceUnknown
                    )
                {
                    // The link's text and end are dropped: the citation is one piece of HTML.
                    self.skipping_citation_text = true;
                    self.depth = self.depth.saturating_sub(1);
                    self.out.citations.push(Citation {
                        id: source_id.to_string(),
                        range: range.clone(),
                    });
                    Event::InlineHtml(CowStr::from(citation_html(
                        source_id,
                        &range,
                        self.resolver,
                        &mut self.out.problems,
                    )))
                } else {
                    let dest_url = rewrite_link(&dest_url, &range, self.resolver, &mut self.out)
                        .map_or(dest_url, CowStr::from);
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = rewrite_link(&dest_url, &range, self.resolver, &mut self.out)
                    .map_or(dest_url, CowStr::from);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            other => other,
        }
    }

    /// Gives the heading its unique id and anchor link, and releases its events.
    fn close_heading(&mut self, level: pulldown_cmark::HeadingLevel, end: Event<'a>) {
        let Some((mut held, text)) = self.open_heading.take() else {
            self.ready.push_back(end);
            return;
        };
        let explicit = match held.first() {
            Some(Event::Start(Tag::Heading { id: Some(id), .. })) => Some(id.to_string()),
            _ => None,
        };
        let base = explicit.unwrap_or_else(|| slugify(&text));
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let id = unique_id(&mut self.used_ids, base);
        if let Some(Event::Start(Tag::Heading { id: slot, .. })) = held.first_mut() {
            *slot = Some(CowStr::from(id.clone()));
        }
        if self.options.heading_anchors {
            held.push(Event::InlineHtml(CowStr::from(format!(
                "<a class=\"heading-anchor\" href=\"#{id}\" aria-label=\"Link to this section: {}\">#</a>",
                escape_attr(text.trim())
            ))));
        }
        held.push(end);
        self.ready.extend(held);
        self.out.anchors.push(id.clone());
        self.flat_toc
            .push((level as u8, id, text.trim().to_string()));
    }
}

/// The number of words in `text`, as `text.split_whitespace().count()`. It runs on every text
/// event of every page (a few dozen bytes each), so it counts eight bytes at a time: a word
/// starts where a non-space follows a space, and every byte of a non-ASCII character counts as
/// a non-space. Only text holding one of Unicode's own spaces (U+00A0 and the like, rare) is
/// counted again by `split_whitespace`.
fn count_words(text: &str) -> usize {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte set where that byte is ASCII whitespace (char::is_whitespace
    // in ASCII: \t \n \x0b \x0c \r and the space). Worked out on the low seven bits, so
    // no sum or difference carries into the next byte; bytes of 0x80 and up are not spaces.
    let spaces = |x: u64| {
        let low7 = x & !HIGH;
        let space_char = !(((low7 ^ (b' ' as u64 * LOW)) | HIGH) - LOW) & HIGH;
        let from_tab = low7 + 0x77 * LOW;
        let after_cr = low7 + 0x72 * LOW;
        (space_char | (from_tab & !after_cr & HIGH)) & !(x & HIGH)
    };
    let unicode_spaces = || text.chars().any(|c| !c.is_ascii() && c.is_whitespace());
    // How many bytes have their high bit set in `starts` (which has no other bits): each byte
    // shifted down to 0 or 1 and all eight summed into the top byte by one multiplication.
    // `count_ones` would do, but without the POPCNT instruction (not in baseline x86-64) it
    // costs a dozen instructions.
    let count = |starts: u64| ((starts >> 7).wrapping_mul(LOW) >> 56) as usize;
    let bytes = text.as_bytes();
    let load = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8]));
    if bytes.len() < 8 {
        // Padded with spaces, which start no word.
        let mut padded = [b' '; 8];
        for (slot, &byte) in padded.iter_mut().zip(bytes) {
            *slot = byte;
        }
        let x = u64::from_le_bytes(padded);
        if x & HIGH != 0 && unicode_spaces() {
            return text.split_whitespace().count();
        }
        let here = spaces(x);
        return count(((here << 8) | 0x80) & !here & HIGH);
    }
    let mut words = 0;
    let mut any_high = 0;
    // 0x80 when the byte before the current chunk is a space (the start of the text is).
    let mut space_before = 0x80;
    let whole = bytes.len() / 8 * 8;
    for at in (0..whole).step_by(8) {
        let x = load(at);
        any_high |= x;
        let here = spaces(x);
        words += count(((here << 8) | space_before) & !here & HIGH);
        space_before = here >> 56;
    }
    let rest = bytes.len() - whole;
    if rest > 0 {
        // The last eight bytes, overlapping the chunk before: every byte of the rest has the
        // byte before it in the same word, and only the rest's bytes are counted.
        let x = load(bytes.len() - 8);
        any_high |= x;
        let here = spaces(x);
        let counted = HIGH & (u64::MAX << (8 * (8 - rest)));
        words += count((here << 8) & !here & counted);
    }
    if any_high & HIGH != 0 && unicode_spaces() {
        return text.split_whitespace().count();
    }
    words
}

fn unique_id(used: &mut HashMap<String, usize>, base: String) -> String {
    let count = used.entry(base.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        return base;
    }
    let mut n = *count - 1;
    loop {
        let candidate = format!("{base}-{n}");
        if !used.contains_key(&candidate) {
            used.insert(candidate.clone(), 1);
            return candidate;
        }
        n += 1;
    }
}

/// Returns the URL to write instead of `dest`, or `None` to keep it as written.
fn rewrite_link(
    dest: &str,
    range: &Range<usize>,
    resolver: &dyn LinkResolver,
    out: &mut Markup,
) -> Option<String> {
    if let Some(path) = dest.strip_prefix("@/") {
        let (target, fragment) = split_fragment(path);
        let target = percent_encoding::percent_decode_str(target)
            .decode_utf8_lossy()
            .into_owned();
        out.links.push(InternalLink {
            target: target.clone(),
            fragment: fragment.map(str::to_string),
            range: range.clone(),
        });
        return match resolver.page_url(&target) {
            Some(url) => Some(match fragment {
                Some(f) => format!("{url}#{f}"),
                None => url,
            }),
            None => {
                out.problems.push(Problem {
                    range: range.clone(),
                    message: format!("the link target `@/{target}` does not exist"),
                    hint: "write the path of a Markdown file relative to content/, e.g. @/partnerships/a24-google.md (sections are @/dir/_index.md)".into(),
                });
                Some(format!("{}{target}", resolver.base_path()))
            }
        };
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        out.links.push(InternalLink {
            target: String::new(),
            fragment: Some(fragment.to_string()),
            range: range.clone(),
        });
        return None;
    }
    // Root-relative links mean "from the site's root", which includes the base path when the
    // site is hosted in a subfolder.
    if dest.starts_with('/') && !dest.starts_with("//") {
        out.root_links.push(RootLink {
            href: dest.to_string(),
            range: range.clone(),
        });
        if resolver.base_path() != "/" {
            return Some(format!("{}{}", resolver.base_path(), &dest[1..]));
        }
    }
    None
}

fn split_fragment(path: &str) -> (&str, Option<&str>) {
    match path.split_once('#') {
        Some((target, fragment)) => (target, Some(fragment)),
        None => (path, None),
    }
}

fn citation_html(
    id: &str,
    range: &Range<usize>,
    resolver: &dyn LinkResolver,
    problems: &mut Vec<Problem>,
) -> String {
    match resolver.citation(id) {
        Some((href, label)) => format!(
            "<a class=\"citation\" href=\"{}\" data-source=\"{}\">[{}]</a>",
            escape_attr(&href),
            escape_attr(id),
            crate::diagnostics::escape_html(&label)
        ),
        None => {
            problems.push(Problem {
                range: range.clone(),
                message: format!("the citation `[@{id}]` names no known source"),
                hint: "use an id defined in content/sources.toml, or add a [[source]] entry for it"
                    .into(),
            });
            format!("[@{}]", crate::diagnostics::escape_html(id))
        }
    }
}

fn escape_attr(text: &str) -> String {
    crate::diagnostics::escape_html(text)
}

fn build_toc(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    fn insert(into: &mut Vec<TocEntry>, entry: TocEntry) {
        match into.last_mut() {
            Some(last) if last.level < entry.level => insert(&mut last.children, entry),
            _ => into.push(entry),
        }
    }
    let mut toc = Vec::new();
    for (level, id, title) in flat {
        insert(
            &mut toc,
            TocEntry {
                level,
                id,
                title,
                children: Vec::new(),
            },
        );
    }
    toc
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Site;
    impl LinkResolver for Site {
        fn page_url(&self, path: &str) -> Option<String> {
            (path == "partnerships/a24-google.md").then(|| "/b/partnerships/a24-google/".into())
        }
        fn base_path(&self) -> &str {
            "/b/"
        }
        fn citation(&self, id: &str) -> Option<(String, String)> {
            (id == "wired").then(|| ("/b/sources/#wired".into(), "Wired".into()))
        }
    }

    const OPTS: RenderOptions = RenderOptions {
        smart_punctuation: true,
        heading_anchors: true,
    };

    #[test]
    fn heading_ids_are_unique_and_stable() {
        let r = render("# Scope\n\n## Scope\n\n## Other {#custom}\n", OPTS, &Site);
        assert_eq!(r.anchors, ["scope", "scope-1", "custom"]);
        assert!(r.html.contains("<h2 id=\"scope-1\">"), "{}", r.html);
        assert!(r.html.contains("href=\"#custom\""));
        assert_eq!(r.toc.len(), 1);
        assert_eq!(r.toc[0].children.len(), 2);
    }

    #[test]
    fn at_links_become_urls_and_missing_ones_are_problems() {
        let r = render(
            "[a](@/partnerships/a24-google.md#scope) [b](@/nope.md)",
            OPTS,
            &Site,
        );
        assert!(
            r.html
                .contains("href=\"/b/partnerships/a24-google/#scope\""),
            "{}",
            r.html
        );
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].range, 40..54);
        assert_eq!(r.links[0].fragment.as_deref(), Some("scope"));
    }

    #[test]
    fn root_relative_links_get_the_base_path() {
        let r = render(
            "[x](/partnerships/) [y](https://e.org/) [z](//cdn/x)",
            OPTS,
            &Site,
        );
        assert!(r.html.contains("href=\"/b/partnerships/\""));
        assert!(r.html.contains("href=\"https://e.org/\""));
        assert!(r.html.contains("href=\"//cdn/x\""));
    }

    #[test]
    fn citations_render_as_links() {
        let r = render("Side-by-side [@wired]. Unknown [@nobody].", OPTS, &Site);
        assert!(
            r.html.contains(
                "<a class=\"citation\" href=\"/b/sources/#wired\" data-source=\"wired\">[Wired]</a>"
            ),
            "{}",
            r.html
        );
        assert_eq!(r.citations.len(), 2);
        assert_eq!(r.problems.len(), 1);
        assert!(r.problems[0].message.contains("nobody"));
    }

    #[test]
    fn tables_footnotes_smart_quotes_and_summary() {
        let r = render(
            "First \"para\"[^1].\n\nSecond.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: Note.\n~~x~~",
            OPTS,
            &Site,
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("“para”"));
        assert!(r.html.contains("footnote"));
        assert!(r.summary.starts_with("<p>First"), "{}", r.summary);
        assert!(!r.summary.contains("Second"));
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            "  ",
            "one",
            " two  words ",
            "tab\tnew\nline\r\x0bvt\x0cff",
            "non\u{a0}breaking\u{2003}em\u{3000}ideographic",
            "café naïve 日本語 — dash",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn word_count_agrees_with_split_whitespace(text in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }

        #[test]
        fn mixed_word_count_agrees_with_split_whitespace(
            text in "[ \t\na-z\u{a0}\u{85}\u{2003}\u{3000}\u{1680}é—’あ😀]{0,80}"
        ) {
            proptest::prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }

        #[test]
        fn ascii_word_count_agrees_with_split_whitespace(
            text in "[ \t\n\r\x0B\x0C\x1F!a-z~\x7F]{0,80}"
        ) {
            proptest::prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }
    }

    #[test]
    fn headings_escape_in_anchor_labels() {
        let r = render("## A <b> & \"c\"\n", OPTS, &Site);
        assert!(
            !r.html.contains("label=\"Link to this section: A <b>"),
            "{}",
            r.html
        );
    }
}
