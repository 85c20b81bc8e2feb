//! The site graph: sections and pages, their URLs and order, rendered Markdown, and which pages
//! depend on which.
//!
//! [`Site::assemble`] takes parsed documents and produces an immutable snapshot that rendering
//! reads from many threads. It also finds every problem that needs the whole site to see: links
//! to pages or anchors that do not exist, unknown sources.
//!
//! Here are the graph's types and lookups; `assemble` builds it, `assets` gives pages and
//! sections their files, `incremental` re-renders the bodies an edit changed, `links` resolves
//! and checks links. Site paths come from
//! `crate::paths`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::config::Config;
use crate::config::pagination::Pagination;
use crate::content::front_matter::SectionMeta;
use crate::content::sources::Source;
use crate::content::{Document, Meta};
use crate::fingerprint::Fingerprint;
use crate::markdown::{Markup, RenderOptions, Shortcodes};

mod assemble;
mod assets;
mod bundles;
mod fields;
mod incremental;
mod links;
mod schedule;
mod taxonomies;

pub use schedule::Withheld;
pub use taxonomies::{Taxonomy, Term};

use crate::paths::{ContentPath, SitePath};
use links::Resolver;

#[derive(Debug, Clone)]
pub struct Page {
    pub doc: Arc<Document>,
    /// URL path without the base path: `partnerships/a24-google/`.
    pub site_path: SitePath,
    /// Index into [`Site::sections`].
    pub section: usize,
    /// Shared with the previous build when the page did not change.
    pub rendered: Arc<Markup>,
    /// The fingerprint of what `rendered` was made from (see [`Site::rendered_from`]).
    pub rendered_from: Option<Fingerprint>,
    /// Source ids this page cites (front matter first, then inline), without repeats.
    pub sources: Vec<String>,
    /// The URLs of its bundle's other files, sorted (see [`Site::attach_assets`]).
    pub assets: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub doc: Arc<Document>,
    pub site_path: SitePath,
    pub parent: Option<usize>,
    /// Indices into [`Site::pages`], in the section's `sort_by` order.
    pub pages: Vec<usize>,
    /// Indices into [`Site::sections`], by weight then title.
    pub subsections: Vec<usize>,
    /// Shared with the previous build when the page did not change.
    pub rendered: Arc<Markup>,
    pub rendered_from: Option<Fingerprint>,
    pub sources: Vec<String>,
    /// The URLs of the files beside its `_index.md`, sorted.
    pub assets: Vec<String>,
}

impl Section {
    pub fn meta(&self) -> &SectionMeta {
        match &self.doc.meta {
            Meta::Section(meta) => meta,
            Meta::Page(_) => unreachable!("sections are built from _index.md files only"),
        }
    }

    /// How its listing is split over pagers; `None` for a section that is not paginated or
    /// that redirects (it lists nothing).
    pub fn pagination(&self) -> Option<&Pagination> {
        let routes = &self.doc.routes;
        routes
            .pagination
            .as_ref()
            .filter(|_| routes.redirect_to.is_none())
    }

    /// How many pagers it has: one for a section that is not paginated, and for an empty one.
    pub fn pagers(&self) -> usize {
        self.pagination().map_or(1, |p| p.pagers(self.pages.len()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    Page(usize),
    Section(usize),
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: Arc<Config>,
    pub sources: Vec<Source>,
    /// Sorted by relative path; index 0 is the root section.
    pub sections: Vec<Section>,
    /// Sorted by relative path.
    pub pages: Vec<Page>,
    /// The taxonomies of `site.toml`, in its order, with their terms.
    pub taxonomies: Vec<Taxonomy>,
    by_path: Arc<HashMap<ContentPath, Node>>,
    /// For each content file, the content files whose Markdown links to it.
    linked_from: Arc<BTreeMap<String, BTreeSet<String>>>,
    /// Pages left out of this build (drafts, under embargo, expired), so links to them get a
    /// message that says why.
    withheld: Arc<schedule::WithheldPages>,
    /// When what the site publishes changes: a rebuild at another moment compares it.
    timeline: Arc<schedule::Timeline>,
    /// How Markdown resolves links here; kept for edits that re-render a few pages.
    resolver: Arc<Resolver>,
    /// The shortcodes Markdown renders with; kept for the same edits.
    shortcodes: Arc<dyn Shortcodes>,
    options: RenderOptions,
    /// The fingerprint of every page's and section's file and URL, in order, and of the
    /// taxonomy terms' URLs.
    layout: Fingerprint,
}

impl Site {
    /// Every page and section by relative path.
    pub fn paths(&self) -> Arc<HashMap<ContentPath, Node>> {
        Arc::clone(&self.by_path)
    }

    pub fn node(&self, relative_path: &str) -> Option<Node> {
        self.by_path.get(relative_path).copied()
    }

    pub fn doc(&self, node: Node) -> &Document {
        match node {
            Node::Page(i) => &self.pages[i].doc,
            Node::Section(i) => &self.sections[i].doc,
        }
    }

    /// The shortcodes and Markdown options bodies were rendered with, for a check that reads a
    /// body's HTML again (`markdown::raw_html`).
    pub fn markdown_with(&self) -> (&dyn Shortcodes, RenderOptions) {
        (self.shortcodes.as_ref(), self.options)
    }

    pub fn rendered(&self, node: Node) -> &Arc<Markup> {
        match node {
            Node::Page(i) => &self.pages[i].rendered,
            Node::Section(i) => &self.sections[i].rendered,
        }
    }

    /// The fingerprint of what the Markdown of `node` was rendered from: its file's bytes, the
    /// Markdown options, and the URLs its links and citations resolved to. Equal fingerprints,
    /// equal renders, in this build or another. `None` in a one-off build, which reads its
    /// files without fingerprints.
    pub fn rendered_from(&self, node: Node) -> Option<Fingerprint> {
        match node {
            Node::Page(i) => self.pages[i].rendered_from,
            Node::Section(i) => self.sections[i].rendered_from,
        }
    }

    /// The fingerprint of every page's and section's file and URL, in order: equal when a site
    /// has the same files at the same URLs.
    pub fn layout(&self) -> Fingerprint {
        self.layout
    }

    /// How many pagers section `i` has (see [`Section::pagers`]).
    pub fn pagers(&self, i: usize) -> usize {
        self.sections[i].pagers()
    }

    pub fn site_path(&self, node: Node) -> &SitePath {
        match node {
            Node::Page(i) => &self.pages[i].site_path,
            Node::Section(i) => &self.sections[i].site_path,
        }
    }

    pub fn nodes(&self) -> impl Iterator<Item = Node> + '_ {
        (0..self.sections.len())
            .map(Node::Section)
            .chain((0..self.pages.len()).map(Node::Page))
    }

    /// Every section and page as a reader meets them: the front page, then each section
    /// followed by its pages and then its subsections, depth first, in listing order.
    pub fn reading_order(&self) -> Vec<Node> {
        let mut order = Vec::with_capacity(self.sections.len() + self.pages.len());
        let mut stack = if self.sections.is_empty() {
            vec![]
        } else {
            vec![0]
        };
        while let Some(s) = stack.pop() {
            let section = &self.sections[s];
            order.push(Node::Section(s));
            order.extend(section.pages.iter().map(|&p| Node::Page(p)));
            stack.extend(section.subsections.iter().rev());
        }
        order
    }

    /// Content files whose Markdown links to `relative_path` (they must re-render when its
    /// anchors change).
    pub fn linked_from(&self, relative_path: &str) -> impl Iterator<Item = &str> {
        self.linked_from
            .get(relative_path)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// Whether the file of `content/` at `relative` is in the folder of a page bundle left
    /// out (a draft, under embargo, expired): its files are the page's, and are left out with it.
    pub fn in_withheld_bundle(&self, relative: &str) -> bool {
        self.withheld.keys().any(|withheld| {
            withheld
                .strip_suffix("index.md")
                .is_some_and(|folder| folder.ends_with('/') && relative.starts_with(folder))
        })
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}

/// Whether pages keep their Markdown once it is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    /// Kept, so that a later edit can reuse what did not change (the preview).
    Keep,
    /// Dropped where no message can point into them (a one-off build), so that a large site's
    /// Markdown and HTML are not both held at once.
    Release,
}

/// The source ids `doc` cites: front matter first, then inline, without repeats.
fn cited_sources(doc: &Document, rendered: &Markup) -> Vec<String> {
    let front = match &doc.meta {
        Meta::Page(meta) => &meta.sources,
        Meta::Section(meta) => &meta.sources,
    };
    let mut ids: Vec<String> = Vec::new();
    for id in front
        .iter()
        .map(|s| s.get_ref().as_str())
        .chain(rendered.citations.iter().map(|c| c.id.as_str()))
    {
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_string());
        }
    }
    ids
}

#[cfg(test)]
mod tests;
