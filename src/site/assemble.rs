//! Putting the graph together from parsed documents: which are pages and which sections, their
//! site paths, their Markdown rendered (or reused), the tree of sections, and every listing in
//! its order.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::links::Resolver;
use super::schedule::{Timeline, Withheld, WithheldPages};
use super::taxonomies::{self, Taxonomy};
use super::{Bodies, Node, Page, Section, Site, cited_sources};
use crate::config::Config;
use crate::content::front_matter::SortBy;
use crate::content::sources::Source;
use crate::content::{Document, Meta};
use crate::diagnostics::Diagnostics;
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::markdown::{self, Caller, Markup, RenderOptions, Shortcodes};
use crate::paths::{SitePath, parent_dir as dir_of};

/// The documents of one build by kind, each list sorted by relative path, the pages this
/// build does not publish set aside.
struct Sorted {
    sections: Vec<Arc<Document>>,
    pages: Vec<Arc<Document>>,
    /// Pages left out, so links to them get a message that says why.
    withheld: WithheldPages,
    timeline: Timeline,
}

/// Rendered Markdown and the fingerprint of what it was rendered from.
type RenderedBody = (Arc<Markup>, Option<Fingerprint>);

/// The rendered Markdown of every section and page, in the order of [`Sorted`].
struct RenderedBodies {
    sections: Vec<RenderedBody>,
    /// Pages with their documents, whose bodies may have been let go.
    pages: Vec<(Arc<Document>, RenderedBody)>,
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
        shortcodes: Arc<dyn Shortcodes>,
    ) -> (Site, Diagnostics) {
        let mut diagnostics = super::bundles::misplaced(&documents);
        let sorted = sort_documents(&config, documents);
        let section_paths: Vec<SitePath> = sorted
            .sections
            .iter()
            .map(|d| d.relative_path.section_site_path())
            .collect();
        let page_paths: Vec<SitePath> = sorted
            .pages
            .iter()
            .map(|d| d.relative_path.page_site_path(&d.slug))
            .collect();
        // Two files on one URL are found with every other output clash, by the build.
        let mut by_path = HashMap::new();
        for (i, doc) in sorted.sections.iter().enumerate() {
            by_path.insert(doc.relative_path.clone(), Node::Section(i));
        }
        for (i, doc) in sorted.pages.iter().enumerate() {
            by_path.insert(doc.relative_path.clone(), Node::Page(i));
        }
        let site_path = |node: Node| match node {
            Node::Page(i) => &page_paths[i],
            Node::Section(i) => &section_paths[i],
        };
        let resolver = Resolver::new(&config, &by_path, site_path, unparsed, &sources);
        let options = RenderOptions {
            smart_punctuation: config.markdown.smart_punctuation,
            heading_anchors: config.markdown.heading_anchors,
        };
        let Sorted {
            sections: section_docs,
            pages: page_docs,
            withheld,
            timeline,
        } = sorted;
        let markdown = Markdown {
            resolver: &resolver,
            shortcodes: shortcodes.as_ref(),
            options,
        };
        let rendered = render_bodies(
            (&section_docs, &section_paths),
            (page_docs, &page_paths),
            previous,
            &markdown,
            bodies,
        );
        let (sections, pages) = tree(section_docs, section_paths, page_paths, rendered);
        let (taxonomies, taxonomy_problems) = taxonomies::collect(&config, &pages);
        let layout = layout(&sections, &pages, &taxonomies);
        let mut site = Site {
            config,
            sources,
            sections,
            pages,
            taxonomies,
            by_path: Arc::new(by_path),
            linked_from: Arc::default(),
            withheld: Arc::new(withheld),
            timeline: Arc::new(timeline),
            resolver: Arc::new(resolver),
            shortcodes,
            options,
            layout,
        };
        diagnostics.extend(taxonomy_problems);
        diagnostics.extend(super::fields::check(&site.sections, &site.pages));
        site.linked_from = Arc::new(site.check_every_node(&mut diagnostics));
        (site, diagnostics)
    }

    /// Checks every page and section; returns, for each content file, the files linking to it.
    fn check_every_node(
        &self,
        diagnostics: &mut Diagnostics,
    ) -> BTreeMap<String, BTreeSet<String>> {
        let mut linked_from: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for node in self.nodes() {
            for target in self.check_node(node, diagnostics) {
                linked_from
                    .entry(target)
                    .or_default()
                    .insert(self.doc(node).relative_path.to_string());
            }
        }
        linked_from
    }
}

fn sort_documents(config: &Config, documents: Vec<Arc<Document>>) -> Sorted {
    let mut sorted = Sorted {
        sections: Vec::new(),
        pages: Vec::new(),
        withheld: WithheldPages::new(),
        timeline: Timeline::of(documents.iter().map(AsRef::as_ref)),
    };
    for doc in documents {
        if let Some(why) = Withheld::of(config, &doc) {
            sorted.withheld.insert(doc.relative_path.to_string(), why);
            continue;
        }
        if doc.is_section() {
            sorted.sections.push(doc);
        } else {
            sorted.pages.push(doc);
        }
    }
    if !sorted
        .sections
        .iter()
        .any(|d| d.relative_path == "_index.md")
    {
        sorted.sections.push(implicit_root(config));
    }
    // The root first, then by path: `2024/_index.md` and `Zeta/_index.md` sort before
    // `_index.md` byte by byte, and index 0 is the home page everywhere.
    sorted.sections.sort_by(|a, b| {
        let key = |d: &Document| (d.relative_path != "_index.md", d.relative_path.clone());
        key(a).cmp(&key(b))
    });
    sorted
        .pages
        .sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
    sorted
}

/// How bodies are rendered in this build.
pub(super) struct Markdown<'a> {
    pub(super) resolver: &'a Resolver,
    pub(super) shortcodes: &'a dyn Shortcodes,
    pub(super) options: RenderOptions,
}

impl Markdown<'_> {
    /// The fingerprint of what `rendered`, a render of `doc` at `site_path`, was made from:
    /// the links' and citations' targets as they resolve now (see `Resolver`), and, when it
    /// called shortcodes, its site path (which they see) and each one's template as it is now.
    pub(super) fn fingerprint(
        &self,
        doc: &Document,
        site_path: &SitePath,
        rendered: &Markup,
    ) -> Option<Fingerprint> {
        let links = self
            .resolver
            .render_fingerprint(doc, self.options, rendered)?;
        if rendered.shortcodes.is_empty() {
            return Some(links);
        }
        let mut key = Fingerprinter::new();
        key.fingerprint(links).str(site_path.as_str());
        for (name, _) in &rendered.shortcodes {
            key.str(name);
            match self.shortcodes.lookup(name) {
                Some(info) => key.bool(true).bytes(&info.fingerprint.to_le_bytes()),
                None => key.bool(false),
            };
        }
        Some(key.finish())
    }

    /// The body of `doc`, published at `site_path`, rendered.
    pub(super) fn render(&self, doc: &Document, site_path: &str) -> Markup {
        let caller = Caller { doc, site_path };
        markdown::render(
            doc.body(),
            self.options,
            self.resolver,
            self.shortcodes,
            &caller,
        )
    }
}

/// Every body rendered in parallel, or reused from `previous`; each list of documents comes
/// with the site paths of its documents.
fn render_bodies(
    sections: (&[Arc<Document>], &[SitePath]),
    pages: (Vec<Arc<Document>>, &[SitePath]),
    previous: Option<&Site>,
    markdown: &Markdown<'_>,
    bodies: Bodies,
) -> RenderedBodies {
    let render = |doc: &Arc<Document>, site_path: &SitePath| -> RenderedBody {
        match previous.and_then(|site| site.reusable_render(doc, site_path, markdown)) {
            Some((rendered, from)) => (rendered, Some(from)),
            None => {
                let rendered = markdown.render(doc, site_path);
                let from = markdown.fingerprint(doc, site_path, &rendered);
                (Arc::new(rendered), from)
            }
        }
    };
    let sections = sections
        .0
        .par_iter()
        .zip(sections.1)
        .map(|(doc, site_path)| render(doc, site_path))
        .collect();
    let pages = pages
        .0
        .into_par_iter()
        .zip(pages.1)
        .map(|(doc, site_path)| {
            let (rendered, from) = render(&doc, site_path);
            // Later messages point into a body only for its links and problems.
            let unreferenced = rendered.links.is_empty()
                && rendered.root_links.is_empty()
                && rendered.problems.is_empty();
            if bodies == Bodies::Release && unreferenced {
                (Arc::new(doc.without_body()), (rendered, from))
            } else {
                (doc, (rendered, from))
            }
        })
        .collect();
    RenderedBodies { sections, pages }
}

/// Sections and pages linked into a tree: each page in its section, each section in its
/// parent, every listing in its order.
fn tree(
    section_docs: Vec<Arc<Document>>,
    section_paths: Vec<SitePath>,
    page_paths: Vec<SitePath>,
    rendered: RenderedBodies,
) -> (Vec<Section>, Vec<Page>) {
    let mut sections: Vec<Section> = section_docs
        .into_iter()
        .zip(section_paths)
        .zip(rendered.sections)
        .map(|((doc, site_path), (rendered, rendered_from))| {
            let sources = cited_sources(&doc, &rendered);
            Section {
                doc,
                site_path,
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                rendered,
                rendered_from,
                sources,
                assets: Vec::new(),
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
    let pages: Vec<Page> = rendered
        .pages
        .into_iter()
        .zip(page_paths)
        .map(|((doc, (rendered, rendered_from)), site_path)| {
            let section = owning_section(&doc.relative_path);
            let sources = cited_sources(&doc, &rendered);
            Page {
                doc,
                site_path,
                section,
                rendered,
                rendered_from,
                sources,
                assets: Vec::new(),
            }
        })
        .collect();
    for (i, page) in pages.iter().enumerate() {
        sections[page.section].pages.push(i);
    }
    sort_listings(&mut sections, &pages);
    (sections, pages)
}

/// The fingerprint of every section's and page's file and URL, in the order of
/// [`Site::nodes`], with the other files they make (aliases and pagers), and of every taxonomy
/// term's URL.
fn layout(sections: &[Section], pages: &[Page], taxonomies: &[Taxonomy]) -> Fingerprint {
    let mut layout = Fingerprinter::new();
    let nodes = sections
        .iter()
        .map(|s| (&s.doc, &s.site_path))
        .chain(pages.iter().map(|p| (&p.doc, &p.site_path)));
    for (doc, site_path) in nodes {
        layout.str(&doc.relative_path).str(site_path);
        let aliases = &doc.routes.aliases;
        layout.bytes(&aliases.len().to_le_bytes());
        for alias in aliases {
            layout.str(alias);
        }
    }
    // The pagers are files of the output too, whose number follows the listing; a section
    // that redirects writes no social card.
    for section in sections {
        if section.doc.routes.redirect_to.is_some() {
            layout.str(&section.doc.relative_path).str("redirects");
        }
        if let Some(pagination) = section.pagination() {
            layout
                .str(&section.doc.relative_path)
                .str(&pagination.path)
                .bytes(&section.pagers().to_le_bytes());
        }
    }
    taxonomies::add_to_layout(&mut layout, taxonomies);
    layout.finish()
}

/// Each section's pages in its `sort_by` order, its subsections by weight then title.
fn sort_listings(sections: &mut [Section], pages: &[Page]) {
    for i in 0..sections.len() {
        let sort_by = sections[i].meta().sort_by;
        let mut list = std::mem::take(&mut sections[i].pages);
        sort_pages(&mut list, pages, sort_by);
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

fn implicit_root(config: &Config) -> Arc<Document> {
    let text = format!(
        "+++\ntitle = {}\n+++\n",
        toml::Value::String(config.title.clone())
    );
    crate::content::parse_document("_index.md", "content/_index.md", text.into_bytes())
        .map(Arc::new)
        .unwrap_or_else(|_| unreachable!("a generated root section always parses"))
}
