//! Markdown to HTML, with the extras a briefing needs.
//!
//! pulldown-cmark lives only here. On top of CommonMark with tables, footnotes, strikethrough
//! and smart punctuation, rendering gives headings stable unique ids and anchor links, builds a
//! table of contents, rewrites `@/path.md#anchor` links and root-relative links to real URLs,
//! and turns `[@source-id]` into citation links. What it finds (links to check, citations,
//! problems) comes back as data: this module knows nothing of pages, sections or files.

//!
//! `shortcodes` expands shortcode calls before the parser sees the text, through the
//! [`Shortcodes`] trait the build implements; `rewriter` applies the changes above to
//! pulldown-cmark's events as they stream into the HTML writer; `words` counts words;
//! `problem` tells what is wrong.

use std::ops::Range;

use pulldown_cmark::{CowStr, Options, Parser, html};

mod callouts;
mod footnotes;
pub mod placeholders;
mod problem;
pub mod prose;
pub mod raw_html;
pub mod reading;
mod relative;
mod rewriter;
mod shortcodes;
mod words;

pub use problem::{Problem, ProblemKind};
use rewriter::{Events, ReadAhead, Rewriter, Straight};
pub use shortcodes::{
    ArgValue, Caller, MAX_NESTING, ShortcodeCall, ShortcodeFailure, ShortcodeInfo, ShortcodeOutput,
    ShortcodeSyntax, Shortcodes,
};

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
    /// The relative link this was made from (`still.png`), which messages quote.
    pub written: Option<String>,
    /// Byte range in the Markdown body.
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub id: String,
    pub range: Range<usize>,
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
    /// Paragraphs (`<p>`), and those of them that cite a source with `[@id]`: the copy desk's
    /// source coverage.
    pub paragraphs: usize,
    pub cited_paragraphs: usize,
    pub problems: Vec<Problem>,
    /// The shortcodes the body called, each with the fingerprint it had (`None`: there was no
    /// such shortcode), so a later build reuses this render only while they are the same.
    pub shortcodes: Vec<(String, Option<u64>)>,
}

fn parser_options(options: RenderOptions) -> Options {
    let mut opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM;
    if options.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    opts
}

/// Renders `body`, the body of `caller`. Never fails: what is wrong is reported in
/// [`Markup::problems`], with ranges in `body` as written.
pub fn render(
    body: &str,
    options: RenderOptions,
    resolver: &dyn LinkResolver,
    shortcodes: &dyn Shortcodes,
    caller: &Caller<'_>,
) -> Markup {
    let parser_options = parser_options(options);
    let mut markup = render_shortcodes(
        body,
        parser_options,
        options,
        (resolver, shortcodes),
        caller,
    );
    let unfinished = placeholders::problems(body, parser_options);
    if !unfinished.is_empty() {
        markup.problems.extend(unfinished);
        markup
            .problems
            .sort_by_key(|p| (p.range.start, p.range.end));
    }
    markup
}

/// [`render`], less the placeholders: shortcodes expanded first when `body` calls any.
fn render_shortcodes(
    body: &str,
    parser_options: Options,
    options: RenderOptions,
    (resolver, shortcodes): (&dyn LinkResolver, &dyn Shortcodes),
    caller: &Caller<'_>,
) -> Markup {
    let features = Features::of(body);
    let expansion = match features.shortcodes {
        true => shortcodes::expand(body, parser_options, shortcodes, caller),
        false => None,
    };
    let Some(expansion) = expansion else {
        return render_expanded(body, features, parser_options, options, (resolver, caller));
    };
    let features = Features::of(&expansion.text);
    let mut markup = render_expanded(
        &expansion.text,
        features,
        parser_options,
        options,
        (resolver, caller),
    );
    let back = |range: &mut Range<usize>| *range = expansion.source_range(range);
    markup.links.iter_mut().for_each(|l| back(&mut l.range));
    markup
        .root_links
        .iter_mut()
        .for_each(|l| back(&mut l.range));
    markup.citations.iter_mut().for_each(|c| back(&mut c.range));
    markup.problems.iter_mut().for_each(|p| back(&mut p.range));
    markup.problems.extend(expansion.problems);
    markup
        .problems
        .sort_by_key(|p| (p.range.start, p.range.end));
    if !expansion.html.is_empty() {
        markup.html = shortcodes::fill_placeholders(&markup.html, &expansion.html).into();
        markup.summary = shortcodes::fill_placeholders(&markup.summary, &expansion.html);
        fill_toc_titles(&mut markup.toc, &expansion.html);
    }
    markup.shortcodes = expansion.used.into_iter().collect();
    markup
}

/// A table of contents is text: a shortcode in a heading is shown there by its text alone.
fn fill_toc_titles(toc: &mut [TocEntry], fills: &[shortcodes::Fill]) {
    for entry in toc {
        let html = shortcodes::fill_placeholders(&entry.title, fills);
        entry.title = shortcodes::text_of(&html);
        fill_toc_titles(&mut entry.children, fills);
    }
}

fn render_expanded(
    text: &str,
    features: Features,
    parser_options: Options,
    options: RenderOptions,
    (resolver, caller): (&dyn LinkResolver, &Caller<'_>),
) -> Markup {
    let context = (resolver, caller);
    // Each branch has a callback of its own type, so each parser type has one reader and its
    // per-event step is inlined there: with the read-ahead sharing the straight reader's type,
    // it was a call per event (14 M instructions of the 1,000-page corpus, callgrind).
    if features.citations {
        let mut callback = |link| citation_link(&link);
        let parser =
            Parser::new_with_broken_link_callback(text, parser_options, Some(&mut callback));
        let events = ReadAhead(parser.into_offset_iter().peekable());
        write_html(events, text, features, options, context)
    } else {
        let mut callback = |link| citation_link(&link);
        let parser =
            Parser::new_with_broken_link_callback(text, parser_options, Some(&mut callback));
        write_html(
            Straight(parser.into_offset_iter()),
            text,
            features,
            options,
            context,
        )
    }
}

/// `[@id]` (a reference to no link definition whose label starts with `@`) as a link to the
/// citation scheme, which the rewriter turns into a citation.
fn citation_link<'a>(link: &pulldown_cmark::BrokenLink<'_>) -> Option<(CowStr<'a>, CowStr<'a>)> {
    let reference = link.reference.trim();
    reference.strip_prefix('@').map(|id| {
        (
            CowStr::from(format!("{CITATION_SCHEME}{}", id.trim())),
            CowStr::from(""),
        )
    })
}

/// What a text may hold that costs work to handle, found in one pass: `[^` (footnotes), `[!`
/// (an alert), `<!` (a `<!-- more -->` comment), `{#` (an id set by hand), `[@` (a
/// citation, glued to the word before it) and `{{` or `{%` (a shortcode call).
#[derive(Debug, Clone, Copy, Default)]
struct Features {
    footnotes: bool,
    alerts: bool,
    comments: bool,
    explicit_ids: bool,
    citations: bool,
    shortcodes: bool,
}

impl Features {
    fn of(text: &str) -> Features {
        let bytes = text.as_bytes();
        let mut features = Features::default();
        for at in memchr::memchr3_iter(b'[', b'{', b'<', bytes) {
            match (bytes[at], bytes.get(at + 1)) {
                (b'[', Some(b'^')) => features.footnotes = true,
                (b'[', Some(b'!')) => features.alerts = true,
                (b'[', Some(b'@')) => features.citations = true,
                (b'{', Some(b'#')) => features.explicit_ids = true,
                (b'{', Some(b'{' | b'%')) => features.shortcodes = true,
                (b'<', Some(b'!')) => features.comments = true,
                _ => {}
            }
        }
        features
    }
}

/// The HTML of `events` (parsed from `text`), through the rewriter and, when `text` may hold
/// an alert, the callouts.
fn write_html<'a, I>(
    events: I,
    text: &str,
    features: Features,
    options: RenderOptions,
    (resolver, caller): (&dyn LinkResolver, &Caller<'_>),
) -> Markup
where
    I: Events<'a>,
{
    let marked = features.comments && rewriter::has_summary_marker(text);
    let reserved = match features.explicit_ids {
        true => rewriter::explicit_heading_ids(text),
        false => Default::default(),
    };
    // Holding notes back costs every event a step: only a text that may have one pays it.
    let notes = features.footnotes.then(footnotes::Notes::default);
    let mut rewriter = Rewriter::new(
        events,
        notes,
        options,
        (resolver, &caller.doc.relative_path),
        marked,
        reserved,
    );
    let mut html_out = String::with_capacity(text.len() + text.len() / 2);
    if features.alerts {
        html::push_html(&mut html_out, callouts::Callouts::new(rewriter.by_ref()));
    } else {
        html::push_html(&mut html_out, rewriter.by_ref());
    }
    rewriter.finish(html_out)
}

#[cfg(test)]
mod tests;
