//! The site graph: sections and pages, their URLs and order, rendered Markdown, and which pages
//! depend on which.
//!
//! [`Site::assemble`] takes parsed documents and produces an immutable snapshot that rendering
//! reads from many threads. It also finds every problem that needs the whole site to see: links
//! to pages or anchors that do not exist, unknown sources.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::front_matter::{SectionMeta, SortBy};
use crate::content::slug::slugify;
use crate::content::sources::Source;
use crate::content::{Document, Meta};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::markdown::{self, LinkResolver, Markup, RenderOptions};

#[derive(Debug, Clone)]
pub struct Page {
    pub doc: Arc<Document>,
    /// URL path without the base path: `partnerships/a24-google/`.
    pub site_path: String,
    /// Index into [`Site::sections`].
    pub section: usize,
    /// Shared with the previous build when the page did not change.
    pub rendered: Arc<Markup>,
    /// Source ids this page cites (front matter first, then inline), without repeats.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub doc: Arc<Document>,
    pub site_path: String,
    pub parent: Option<usize>,
    /// Indices into [`Site::pages`], in the section's `sort_by` order.
    pub pages: Vec<usize>,
    /// Indices into [`Site::sections`], by weight then title.
    pub subsections: Vec<usize>,
    /// Shared with the previous build when the page did not change.
    pub rendered: Arc<Markup>,
    pub sources: Vec<String>,
}

impl Section {
    pub fn meta(&self) -> &SectionMeta {
        match &self.doc.meta {
            Meta::Section(meta) => meta,
            Meta::Page(_) => unreachable!("sections are built from _index.md files only"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    Page(usize),
    Section(usize),
}

#[derive(Debug)]
pub struct Site {
    pub config: Arc<Config>,
    pub sources: Vec<Source>,
    /// Sorted by relative path; index 0 is the root section.
    pub sections: Vec<Section>,
    /// Sorted by relative path.
    pub pages: Vec<Page>,
    by_path: Arc<HashMap<String, Node>>,
    /// For each content file, the content files whose Markdown links to it.
    linked_from: Arc<BTreeMap<String, BTreeSet<String>>>,
    /// Drafts left out of this build, so links to them get a message that says so.
    drafts: Arc<BTreeSet<String>>,
    /// How Markdown resolves links here; kept for edits that re-render a few pages.
    resolver: Arc<Resolver>,
    options: RenderOptions,
}

impl Site {
    /// Builds the graph from every document that parsed. Drafts are left out unless the
    /// config asks for them.
    ///
    /// `previous` is the last site built from the same config: the Markdown of a file whose
    /// bytes are unchanged, and whose links and citations still resolve to the same URLs, is
    /// reused from it instead of being rendered again.
    pub fn assemble(
        config: Arc<Config>,
        documents: Vec<Arc<Document>>,
        sources: Vec<Source>,
        previous: Option<&Site>,
        unparsed: &BTreeSet<String>,
        bodies: Bodies,
    ) -> (Site, Diagnostics) {
        let mut diagnostics = Diagnostics::new();
        let mut section_docs = Vec::new();
        let mut page_docs = Vec::new();
        let mut drafts = BTreeSet::new();
        for doc in documents {
            if doc.is_draft() && !config.drafts {
                drafts.insert(doc.relative_path.clone());
                continue;
            }
            if doc.is_section() {
                section_docs.push(doc);
            } else {
                page_docs.push(doc);
            }
        }
        if !section_docs.iter().any(|d| d.relative_path == "_index.md") {
            section_docs.push(implicit_root(&config));
        }
        section_docs.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
        page_docs.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));

        let section_paths: Vec<String> = section_docs
            .iter()
            .map(|d| section_site_path(&d.relative_path))
            .collect();
        let page_paths: Vec<String> = page_docs.iter().map(|d| page_site_path(d)).collect();
        // Two files on one URL are found with every other output clash, by the build.
        let mut by_path = HashMap::new();
        for (i, doc) in section_docs.iter().enumerate() {
            by_path.insert(doc.relative_path.clone(), Node::Section(i));
        }
        for (i, doc) in page_docs.iter().enumerate() {
            by_path.insert(doc.relative_path.clone(), Node::Page(i));
        }

        let resolver = Resolver {
            urls: by_path
                .iter()
                .map(|(rel, node)| {
                    let site_path = match node {
                        Node::Page(i) => &page_paths[*i],
                        Node::Section(i) => &section_paths[*i],
                    };
                    (rel.clone(), config.url_path(site_path))
                })
                .chain(
                    unparsed
                        .iter()
                        .map(|path| (path.clone(), config.url_path(&section_site_path(path)))),
                )
                .collect(),
            base_path: config.base_path.clone(),
            citations: sources
                .iter()
                .map(|s| {
                    (
                        s.id.clone(),
                        (
                            config.url_path(&format!("sources/#{}", s.id)),
                            s.label().to_string(),
                        ),
                    )
                })
                .collect(),
        };
        let options = RenderOptions {
            smart_punctuation: config.markdown.smart_punctuation,
            heading_anchors: config.markdown.heading_anchors,
        };
        let render = |doc: &Arc<Document>| {
            previous
                .and_then(|site| site.reusable_render(doc, &resolver))
                .unwrap_or_else(|| Arc::new(markdown::render(doc.body(), options, &resolver)))
        };
        let section_rendered: Vec<Arc<Markup>> = section_docs.par_iter().map(render).collect();
        let (page_docs, page_rendered): (Vec<Arc<Document>>, Vec<Arc<Markup>>) = page_docs
            .into_par_iter()
            .map(|doc| {
                let rendered = render(&doc);
                // Later messages point into a body only for its links and problems.
                let unreferenced = rendered.links.is_empty()
                    && rendered.root_links.is_empty()
                    && rendered.problems.is_empty();
                if bodies == Bodies::Release && unreferenced {
                    (Arc::new(doc.without_body()), rendered)
                } else {
                    (doc, rendered)
                }
            })
            .unzip();

        let mut sections: Vec<Section> = section_docs
            .into_iter()
            .zip(section_paths)
            .zip(section_rendered)
            .map(|((doc, site_path), rendered)| {
                let sources = cited_sources(&doc, &rendered);
                Section {
                    doc,
                    site_path,
                    parent: None,
                    pages: Vec::new(),
                    subsections: Vec::new(),
                    rendered,
                    sources,
                }
            })
            .collect();
        let section_index: HashMap<String, usize> = sections
            .iter()
            .enumerate()
            .map(|(i, s)| (dir_of(&s.doc.relative_path).to_string(), i))
            .collect();
        let owning_section = |relative_path: &str| -> usize {
            let mut dir = dir_of(relative_path);
            loop {
                if let Some(&i) = section_index.get(dir) {
                    return i;
                }
                if dir.is_empty() {
                    return 0;
                }
                dir = dir_of(dir);
            }
        };
        for i in 1..sections.len() {
            let parent = owning_section(dir_of(&sections[i].doc.relative_path));
            sections[i].parent = Some(parent);
            sections[parent].subsections.push(i);
        }
        let pages: Vec<Page> = page_docs
            .into_iter()
            .zip(page_paths)
            .zip(page_rendered)
            .map(|((doc, site_path), rendered)| {
                let section = owning_section(&doc.relative_path);
                let sources = cited_sources(&doc, &rendered);
                Page {
                    doc,
                    site_path,
                    section,
                    rendered,
                    sources,
                }
            })
            .collect();
        for (i, page) in pages.iter().enumerate() {
            sections[page.section].pages.push(i);
        }
        for i in 0..sections.len() {
            let sort_by = sections[i].meta().sort_by;
            let mut list = std::mem::take(&mut sections[i].pages);
            sort_pages(&mut list, &pages, sort_by);
            sections[i].pages = list;
            let mut subs = std::mem::take(&mut sections[i].subsections);
            subs.sort_by(|&a, &b| {
                let (a, b) = (&sections[a], &sections[b]);
                (a.meta().weight, &a.doc.title, &a.doc.relative_path).cmp(&(
                    b.meta().weight,
                    &b.doc.title,
                    &b.doc.relative_path,
                ))
            });
            sections[i].subsections = subs;
        }

        let mut site = Site {
            config,
            sources,
            sections,
            pages,
            by_path: Arc::new(by_path),
            linked_from: Arc::default(),
            drafts: Arc::new(drafts),
            resolver: Arc::new(resolver),
            options,
        };
        let mut linked_from: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for node in site.nodes() {
            for target in site.check_node(node, &mut diagnostics) {
                linked_from
                    .entry(target)
                    .or_default()
                    .insert(site.doc(node).relative_path.clone());
            }
        }
        site.linked_from = Arc::new(linked_from);
        (site, diagnostics)
    }

    /// The site after edits that changed only the bodies of existing files. Their front matter
    /// is byte for byte the same, so the pages, URLs, order and listings are too: only the
    /// edited files are rendered again, and only their links and the links into them are
    /// checked. `None` when an edit changed more than a body.
    pub fn with_edited_bodies(&self, edited: &[Arc<Document>]) -> Option<(Site, Diagnostics)> {
        let mut site = Site {
            config: Arc::clone(&self.config),
            sources: self.sources.clone(),
            sections: self.sections.clone(),
            pages: self.pages.clone(),
            by_path: Arc::clone(&self.by_path),
            linked_from: Arc::clone(&self.linked_from),
            drafts: Arc::clone(&self.drafts),
            resolver: Arc::clone(&self.resolver),
            options: self.options,
        };
        let mut to_check = BTreeSet::new();
        let mut links_changed = false;
        for doc in edited {
            let node = self.node(&doc.relative_path)?;
            let old = self.doc(node);
            if old.text[old.split.front_matter.clone()] != doc.text[doc.split.front_matter.clone()]
                || old.text.starts_with('\u{feff}') != doc.text.starts_with('\u{feff}')
            {
                return None;
            }
            let rendered = Arc::new(markdown::render(
                doc.body(),
                self.options,
                self.resolver.as_ref(),
            ));
            let targets = |r: &Markup| {
                r.links
                    .iter()
                    .filter(|l| !l.target.is_empty())
                    .map(|l| l.target.clone())
                    .collect::<BTreeSet<_>>()
            };
            links_changed |= targets(&rendered) != targets(self.rendered(node));
            let sources = cited_sources(doc, &rendered);
            match node {
                Node::Page(i) => {
                    site.pages[i] = Page {
                        doc: Arc::clone(doc),
                        rendered,
                        sources,
                        ..self.pages[i].clone()
                    }
                }
                Node::Section(i) => {
                    site.sections[i] = Section {
                        doc: Arc::clone(doc),
                        rendered,
                        sources,
                        ..self.sections[i].clone()
                    }
                }
            }
            to_check.insert(node);
            to_check.extend(
                self.linked_from(&doc.relative_path)
                    .filter_map(|from| self.node(from)),
            );
        }
        let mut diagnostics = Diagnostics::new();
        for &node in &to_check {
            site.check_node(node, &mut diagnostics);
        }
        if links_changed {
            let mut linked_from = (*self.linked_from).clone();
            for doc in edited {
                for sources in linked_from.values_mut() {
                    sources.remove(&doc.relative_path);
                }
                let node = site.node(&doc.relative_path)?;
                for link in site
                    .rendered(node)
                    .links
                    .iter()
                    .filter(|l| !l.target.is_empty() && site.node(&l.target).is_some())
                {
                    linked_from
                        .entry(link.target.clone())
                        .or_default()
                        .insert(doc.relative_path.clone());
                }
            }
            linked_from.retain(|_, sources| !sources.is_empty());
            site.linked_from = Arc::new(linked_from);
        }
        Some((site, diagnostics))
    }

    /// The previous render of `doc`, if nothing it depends on has changed.
    fn reusable_render(&self, doc: &Document, resolver: &Resolver) -> Option<Arc<Markup>> {
        let node = self.node(&doc.relative_path)?;
        let old = self.doc(node);
        if !old.same_bytes(doc) || old.split != doc.split {
            return None;
        }
        let rendered = self.rendered(node);
        let old_urls = self.config.base_path.as_str();
        let links_same = rendered
            .links
            .iter()
            .filter(|l| !l.target.is_empty())
            .all(|l| {
                let before = self
                    .node(&l.target)
                    .map(|n| self.config.url_path(self.site_path(n)));
                before == resolver.page_url(&l.target)
            });
        let citations_same = rendered.citations.iter().all(|c| {
            let before = self.source(&c.id).map(|s| {
                (
                    self.config.url_path(&format!("sources/#{}", s.id)),
                    s.label().to_string(),
                )
            });
            before == resolver.citation(&c.id)
        });
        (old_urls == resolver.base_path && links_same && citations_same)
            .then(|| Arc::clone(rendered))
    }

    /// Every page and section by relative path.
    pub fn paths(&self) -> Arc<HashMap<String, Node>> {
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

    pub fn rendered(&self, node: Node) -> &Arc<Markup> {
        match node {
            Node::Page(i) => &self.pages[i].rendered,
            Node::Section(i) => &self.sections[i].rendered,
        }
    }

    pub fn site_path(&self, node: Node) -> &str {
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

    /// Content files whose Markdown links to `relative_path` (they must re-render when its
    /// anchors change).
    pub fn linked_from(&self, relative_path: &str) -> impl Iterator<Item = &str> {
        self.linked_from
            .get(relative_path)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The Markdown problems, broken `@/` targets and anchors, and unknown source ids of one
    /// page or section. Returns the content files its links point to.
    fn check_node(&self, node: Node, diagnostics: &mut Diagnostics) -> Vec<String> {
        let known_sources: Vec<&str> = self.sources.iter().map(|s| s.id.as_str()).collect();
        let mut targets = Vec::new();
        {
            let doc = self.doc(node);
            let rendered = self.rendered(node);
            let body_start = doc.split.body.start;
            let at =
                |range: &std::ops::Range<usize>| body_start + range.start..body_start + range.end;
            for problem in &rendered.problems {
                let mut hint = problem.hint.clone();
                let mut message = problem.message.clone();
                let target = problem
                    .message
                    .strip_prefix("the link target `@/")
                    .and_then(|m| m.split('`').next());
                if let Some(draft) = target.filter(|t| self.drafts.contains(*t)) {
                    message =
                        format!("the link target `@/{draft}` is a draft, so it is not published");
                    hint = "publish it (draft = false), remove the link, or preview with --drafts"
                        .to_string();
                } else if let Some(id) = problem
                    .message
                    .strip_prefix("the citation `[@")
                    .and_then(|m| m.split('`').next())
                {
                    if let Some(near) =
                        did_you_mean(id.trim_end_matches(']'), known_sources.iter().copied())
                    {
                        hint = format!("did you mean `[@{near}]`?");
                    }
                } else if let Some(target) = target
                    && let Some(near) =
                        did_you_mean(target, self.by_path.keys().map(String::as_str))
                {
                    hint = format!("did you mean `@/{near}`?");
                }
                diagnostics.push(
                    Diagnostic::error(&doc.display_path, message)
                        .in_text(&doc.text, at(&problem.range))
                        .hint(hint),
                );
            }
            for link in &rendered.links {
                let target_node = if link.target.is_empty() {
                    Some(node)
                } else {
                    self.node(&link.target)
                };
                let Some(target_node) = target_node else {
                    continue;
                };
                if !link.target.is_empty() {
                    targets.push(link.target.clone());
                }
                let Some(fragment) = &link.fragment else {
                    continue;
                };
                let anchors = &self.rendered(target_node).anchors;
                if fragment.is_empty() || anchors.iter().any(|a| a == fragment) {
                    continue;
                }
                let target_doc = self.doc(target_node);
                let hint = match did_you_mean(fragment, anchors.iter().map(String::as_str)) {
                    Some(near) => format!("did you mean `#{near}`?"),
                    None if anchors.is_empty() => {
                        format!("{} has no headings to link to", target_doc.display_path)
                    }
                    None => format!(
                        "the headings of {} have the ids: {}",
                        target_doc.display_path,
                        anchors.join(", ")
                    ),
                };
                diagnostics.push(
                    Diagnostic::error(
                        &doc.display_path,
                        format!(
                            "the anchor `#{fragment}` does not exist in {}",
                            target_doc.display_path
                        ),
                    )
                    .in_text(&doc.text, at(&link.range))
                    .hint(hint),
                );
            }
            let front_matter_sources = match &doc.meta {
                Meta::Page(meta) => &meta.sources,
                Meta::Section(meta) => &meta.sources,
            };
            for id in front_matter_sources {
                if known_sources.contains(&id.get_ref().as_str()) {
                    continue;
                }
                let offset = doc.split.front_matter.start;
                let span = id.span();
                let hint = match did_you_mean(id.get_ref(), known_sources.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => {
                        "add a [[source]] with this id to content/sources.toml, or remove it here"
                            .to_string()
                    }
                };
                diagnostics.push(
                    Diagnostic::error(
                        &doc.display_path,
                        format!(
                            "the source `{}` is not defined in content/sources.toml",
                            id.get_ref()
                        ),
                    )
                    .in_text(&doc.text, offset + span.start..offset + span.end)
                    .hint(hint),
                );
            }
        }
        targets
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

#[derive(Debug)]
struct Resolver {
    urls: HashMap<String, String>,
    base_path: String,
    citations: HashMap<String, (String, String)>,
}

impl LinkResolver for Resolver {
    fn page_url(&self, relative_path: &str) -> Option<String> {
        self.urls.get(relative_path).cloned()
    }
    fn base_path(&self) -> &str {
        &self.base_path
    }
    fn citation(&self, id: &str) -> Option<(String, String)> {
        self.citations.get(id).cloned()
    }
}

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

fn sort_pages(list: &mut [usize], pages: &[Page], sort_by: SortBy) {
    match sort_by {
        SortBy::Weight => list.sort_by(|&a, &b| {
            let (a, b) = (&pages[a], &pages[b]);
            (page_weight(a), &a.doc.title, &a.doc.relative_path).cmp(&(
                page_weight(b),
                &b.doc.title,
                &b.doc.relative_path,
            ))
        }),
        // Newest first; undated pages last.
        SortBy::Date => list.sort_by(|&a, &b| {
            let (a, b) = (&pages[a], &pages[b]);
            b.doc
                .date
                .cmp(&a.doc.date)
                .then_with(|| a.doc.relative_path.cmp(&b.doc.relative_path))
        }),
        SortBy::Title => list.sort_by(|&a, &b| {
            let (a, b) = (&pages[a], &pages[b]);
            (a.doc.title.to_lowercase(), &a.doc.relative_path)
                .cmp(&(b.doc.title.to_lowercase(), &b.doc.relative_path))
        }),
        SortBy::None => {}
    }
}

fn page_weight(page: &Page) -> i64 {
    match &page.doc.meta {
        Meta::Page(meta) => meta.weight,
        Meta::Section(meta) => meta.weight,
    }
}

/// `partnerships/a24-google.md` is in directory `partnerships`; `x.md` in ``.
fn dir_of(relative_path: &str) -> &str {
    relative_path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn slugified_dirs(dir: &str) -> String {
    dir.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}/", slugify(s)))
        .collect()
}

/// The output file a site path names (`news/` is `news/index.html`), percent-escapes decoded.
pub fn output_key(site_path: &str) -> String {
    let mut key = String::new();
    output_key_into(site_path, &mut key);
    key
}

/// [`output_key`], written into `key` (cleared first), for callers that look up many.
pub fn output_key_into(site_path: &str, key: &mut String) {
    key.clear();
    key.push_str(&percent_encoding::percent_decode_str(site_path).decode_utf8_lossy());
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
}

/// The site path a Markdown file has when its front matter sets no `slug`: what a link to a
/// file that failed to parse most likely means.
pub fn default_site_path(relative_path: &str) -> String {
    if crate::content::is_section_file(relative_path) {
        return section_site_path(relative_path);
    }
    let stem = relative_path.rsplit('/').next().unwrap_or(relative_path);
    let stem = stem.strip_suffix(".md").unwrap_or(stem);
    format!(
        "{}{}/",
        slugified_dirs(dir_of(relative_path)),
        slugify(stem)
    )
}

pub fn section_site_path(relative_path: &str) -> String {
    slugified_dirs(dir_of(relative_path))
}

fn page_site_path(doc: &Document) -> String {
    format!(
        "{}{}/",
        slugified_dirs(dir_of(&doc.relative_path)),
        doc.slug
    )
}

fn implicit_root(config: &Config) -> Arc<Document> {
    let text = format!(
        "+++\ntitle = {}\n+++\n",
        toml::Value::String(config.title.clone())
    );
    crate::content::parse_document("_index.md", "content/_index.md", text.into_bytes())
        .map(Arc::new)
        .unwrap_or_else(|_| unreachable!("a generated root section always parses"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BuildOptions;

    fn config() -> Arc<Config> {
        let text = "title = \"T\"\nbase_url = \"https://e.org/b/\"\n";
        Arc::new(Config::parse(text, &BuildOptions::default()).unwrap())
    }

    /// A first build of `docs`, as the preview makes it.
    fn assemble(config: Arc<Config>, docs: Vec<Arc<Document>>) -> (Site, Diagnostics) {
        Site::assemble(config, docs, vec![], None, &BTreeSet::new(), Bodies::Keep)
    }

    fn doc(path: &str, front: &str, body: &str) -> Arc<Document> {
        let text = format!("+++\n{front}\n+++\n{body}");
        Arc::new(
            crate::content::parse_document(path, &format!("content/{path}"), text.into_bytes())
                .unwrap(),
        )
    }

    #[test]
    fn pages_sort_by_weight_then_title() {
        let docs = vec![
            doc("_index.md", "title = \"Home\"", ""),
            doc("s/_index.md", "title = \"S\"", ""),
            doc("s/b.md", "title = \"B\"\nweight = 1", ""),
            doc("s/a.md", "title = \"A\"\nweight = 2", ""),
            doc("s/c.md", "title = \"C\"\nweight = 1", ""),
        ];
        let (site, diagnostics) = assemble(config(), docs);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let section = &site.sections[1];
        let titles: Vec<&str> = section
            .pages
            .iter()
            .map(|&i| site.pages[i].doc.title.as_str())
            .collect();
        assert_eq!(titles, ["B", "C", "A"]);
        assert_eq!(site.sections[0].subsections, [1]);
    }

    #[test]
    fn pages_sort_by_date_newest_first() {
        let docs = vec![
            doc("_index.md", "title = \"Home\"\nsort_by = \"date\"", ""),
            doc("old.md", "title = \"Old\"\ndate = 2020-01-01", ""),
            doc("new.md", "title = \"New\"\ndate = 2026-01-01", ""),
            doc("none.md", "title = \"None\"", ""),
        ];
        let (site, _) = assemble(config(), docs);
        let titles: Vec<&str> = site.sections[0]
            .pages
            .iter()
            .map(|&i| site.pages[i].doc.title.as_str())
            .collect();
        assert_eq!(titles, ["New", "Old", "None"]);
    }

    #[test]
    fn links_resolve_and_broken_anchors_are_reported() {
        let docs = vec![
            doc(
                "_index.md",
                "title = \"Home\"",
                "[ok](@/s/a.md#scope) [bad](@/s/a.md#scop)",
            ),
            doc("s/a.md", "title = \"A\"", "## Scope\n"),
        ];
        let (site, diagnostics) = assemble(config(), docs);
        assert!(
            site.sections[0]
                .rendered
                .html
                .contains("href=\"/b/s/a/#scope\"")
        );
        let errors: Vec<_> = diagnostics.iter().collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("#scop"));
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `#scope`?"));
        assert_eq!(errors[0].location.as_ref().unwrap().line, 4);
        assert_eq!(
            site.linked_from("s/a.md").collect::<Vec<_>>(),
            ["_index.md"]
        );
    }

    #[test]
    fn drafts_are_skipped_unless_asked() {
        let docs = || vec![doc("d.md", "title = \"D\"\ndraft = true", "")];
        assert!(assemble(config(), docs()).0.pages.is_empty());
        let mut with_drafts = (*config()).clone();
        with_drafts.drafts = true;
        assert_eq!(assemble(Arc::new(with_drafts), docs()).0.pages.len(), 1);
    }
}
