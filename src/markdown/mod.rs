//! Markdown to HTML, with the extras a briefing needs.
//!
//! pulldown-cmark lives only here. On top of CommonMark with tables, footnotes, strikethrough
//! and smart punctuation, rendering gives headings stable unique ids and anchor links, builds a
//! table of contents, rewrites `@/path.md#anchor` links and root-relative links to real URLs,
//! and turns `[@source-id]` into citation links. What it finds (links to check, citations,
//! problems) comes back as data: this module knows nothing of pages, sections or files.

//!
//! `rewriter` applies those changes to pulldown-cmark's events as they stream into the HTML
//! writer; `words` counts words.

use std::ops::Range;

use pulldown_cmark::{CowStr, Options, Parser, html};

mod rewriter;
mod words;

use rewriter::Rewriter;

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
    let mut rewriter = Rewriter::new(parser.into_offset_iter(), options, resolver);
    let mut html_out = String::with_capacity(body.len() + body.len() / 2);
    html::push_html(&mut html_out, rewriter.by_ref());
    rewriter.finish(html_out)
}

#[cfg(test)]
mod tests;
