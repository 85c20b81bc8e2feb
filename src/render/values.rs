//! The values templates see: plain serializable views of the site graph, built once per
//! build and shared. Listings hold lightweight page summaries (reference-counted, so a list of a
//! thousand pages is a thousand pointer copies); a page's full value, with its content, is made
//! only while that page renders, so a build never holds every page's HTML twice.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use serde::Serialize;
use tera::Value;

use crate::config::Config;
use crate::content::Document;
use crate::markdown::TocEntry;
use crate::paths::{ContentPath, SitePath};
use crate::site::{Node, Site};

#[derive(Serialize)]
struct SourceView<'a> {
    #[serde(flatten)]
    source: &'a crate::content::sources::Source,
    anchor: String,
}

#[derive(Serialize)]
struct PageSummary<'a> {
    title: &'a str,
    description: &'a str,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    last_updated: Option<&'a str>,
    /// When an editor last checked the page, and when it is due again, as written.
    reviewed: Option<&'a str>,
    review_by: Option<&'a str>,
    weight: i64,
    draft: bool,
    slug: &'a str,
    path: String,
    permalink: String,
    relative_path: &'a str,
    section: &'a str,
    summary: Value,
    word_count: usize,
    reading_time: usize,
    #[serde(serialize_with = "toml_table")]
    extra: &'a toml::Table,
    sources: Vec<SourceView<'a>>,
    citations: usize,
    /// Its terms by taxonomy name, as written: `{"topics": ["A24", "Runway"]}`.
    taxonomies: std::collections::BTreeMap<&'a str, Vec<&'a str>>,
    /// `[[corrections]]`, newest first: each `date` and `note`.
    corrections: &'a [crate::content::corrections::Correction],
    /// The URLs of its bundle's other files, sorted.
    assets: &'a [String],
}

#[derive(Serialize)]
struct TocView<'a> {
    level: u8,
    id: &'a str,
    title: &'a str,
    permalink: String,
    children: Vec<TocView<'a>>,
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    description: &'a str,
    content: Value,
    summary: Value,
    path: String,
    permalink: String,
    relative_path: &'a str,
    #[serde(serialize_with = "toml_table")]
    extra: &'a toml::Table,
    weight: i64,
    toc: Vec<TocView<'a>>,
    pages: Value,
    subsections: Vec<&'a str>,
    sources: Vec<SourceView<'a>>,
    /// The section's own `updated`, or its newest page's, whichever is later.
    last_updated: Option<&'a str>,
    reviewed: Option<&'a str>,
    review_by: Option<&'a str>,
    /// The URLs of the files beside its `_index.md`, sorted.
    assets: &'a [String],
}

#[derive(Serialize)]
struct ConfigView<'a> {
    title: &'a str,
    base_url: &'a str,
    /// `https://example.org`: the base URL without its path, which a root-relative URL (base
    /// path included) is written after to make it absolute (the print stylesheet does).
    origin: &'a str,
    description: &'a str,
    language: &'a str,
    publisher: &'a str,
    #[serde(serialize_with = "toml_table")]
    extra: &'a toml::Table,
}

/// A TOML value as templates see it: a date as the text it was written as, where serde would
/// hand over toml's internal `{"$__toml_private_datetime": ...}` map, which no filter reads.
struct TomlView<'a>(&'a toml::Value);

impl Serialize for TomlView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            toml::Value::Datetime(date) => serializer.collect_str(date),
            toml::Value::Array(items) => serializer.collect_seq(items.iter().map(TomlView)),
            toml::Value::Table(table) => toml_table(&table, serializer),
            other => other.serialize(serializer),
        }
    }
}

/// An `[extra]` table as templates see it (see [`TomlView`]).
fn toml_table<S: serde::Serializer>(
    table: &&toml::Table,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(table.iter().map(|(key, value)| (key, TomlView(value))))
}

/// An `[extra]` table as a template value, dates as text.
pub(super) fn extra_value(table: &toml::Table) -> Value {
    struct Extra<'a>(&'a toml::Table);
    impl Serialize for Extra<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            toml_table(&self.0, serializer)
        }
    }
    Value::from_serializable(&Extra(table))
}

/// Given a page's index in the new site, its index in the previous one if its values can be
/// reused as they are.
pub type ReuseTest<'a> = dyn Fn(usize) -> Option<usize> + Sync + 'a;

/// What can be reused from the previous build's values: its values, and tests for which pages
/// and sections are unchanged.
pub struct Reuse<'a> {
    pub old: &'a SiteValues,
    pub page: &'a ReuseTest<'a>,
    pub section: &'a ReuseTest<'a>,
}

/// Template values for the whole site, built once and shared by every render.
pub struct SiteValues {
    pub(super) config: Value,
    summaries: Vec<Value>,
    pub(super) sections: Vec<Value>,
    /// Whether each section's value is the previous build's, reused as it was.
    reused_sections: Vec<bool>,
    pub(super) sources: Value,
    /// Every correction of the site, newest first, for the corrections page.
    pub(super) corrections: Value,
    pub(super) by_path: Arc<HashMap<ContentPath, Node>>,
    /// Each taxonomy's value and its terms', in the order of [`Site::taxonomies`].
    pub(super) taxonomies: Vec<TaxonomyValues>,
    /// The files `load_data` read in this build (each read once however many pages ask).
    pub data: super::DataFiles,
}

fn toc_views<'a>(entries: &'a [TocEntry], page_path: &str) -> Vec<TocView<'a>> {
    entries
        .iter()
        .map(|e| TocView {
            level: e.level,
            id: &e.id,
            title: &e.title,
            permalink: format!("{page_path}#{}", e.id),
            children: toc_views(&e.children, page_path),
        })
        .collect()
}

fn source_views<'a>(site: &'a Site, ids: &[String]) -> Vec<SourceView<'a>> {
    ids.iter()
        .filter_map(|id| site.source(id))
        .map(|source| SourceView {
            source,
            anchor: site.config.url_path(&SitePath::of_source(&source.id)),
        })
        .collect()
}

fn page_summary<'a>(site: &'a Site, index: usize) -> PageSummary<'a> {
    let page = &site.pages[index];
    let doc: &Document = &page.doc;
    let meta = match &doc.meta {
        crate::content::Meta::Page(meta) => meta,
        crate::content::Meta::Section(_) => unreachable!("pages come from page files"),
    };
    let date = doc.date.as_ref().map(|d| d.display.as_str());
    let updated = doc.updated.as_ref().map(|d| d.display.as_str());
    PageSummary {
        title: &doc.title,
        description: &meta.description,
        date,
        updated,
        last_updated: updated.or(date),
        reviewed: doc.desk.reviewed.as_ref().map(|d| d.display.as_str()),
        review_by: doc.desk.review_by.as_ref().map(|d| d.display.as_str()),
        weight: meta.weight,
        draft: meta.draft,
        slug: &doc.slug,
        path: site.config.url_path(&page.site_path),
        permalink: site.config.permalink(&page.site_path),
        relative_path: &doc.relative_path,
        section: &site.sections[page.section].doc.relative_path,
        summary: Value::safe_string(&page.rendered.summary),
        word_count: page.rendered.word_count,
        reading_time: page.rendered.word_count.div_ceil(200).max(1),
        extra: &meta.extra,
        sources: source_views(site, &page.sources),
        citations: page.rendered.citations.len(),
        taxonomies: page_terms(site, meta),
        corrections: &doc.corrections,
        assets: &page.assets,
    }
}

/// A page's terms by taxonomy, as written; an undeclared taxonomy or a term without letters,
/// a mistake reported with the page, is left out, so that a template linking each term does
/// not add a second message about it.
fn page_terms<'a>(
    site: &Site,
    meta: &'a crate::content::front_matter::PageMeta,
) -> std::collections::BTreeMap<&'a str, Vec<&'a str>> {
    meta.taxonomies
        .iter()
        .filter(|(name, _)| {
            site.taxonomies
                .iter()
                .any(|t| t.config.name == *name.get_ref())
        })
        .map(|(name, terms)| {
            let terms = terms
                .iter()
                .map(|t| t.get_ref().as_str())
                .filter(|t| !crate::paths::slugify(t).is_empty())
                .collect();
            (name.get_ref().as_str(), terms)
        })
        .collect()
}

pub(super) fn config_value(config: &Config) -> Value {
    Value::from_serializable(&ConfigView {
        title: &config.title,
        base_url: &config.base_url,
        origin: config.origin(),
        description: &config.description,
        language: &config.language,
        publisher: &config.publisher,
        extra: &config.extra,
    })
}

/// The value of section `i`, listing its pages by their `summaries`.
fn section_value(site: &Site, i: usize, summaries: &[Value]) -> Value {
    let config = &site.config;
    let section = &site.sections[i];
    let meta = section.meta();
    let path = config.url_path(&section.site_path);
    let listed: Vec<Value> = section
        .pages
        .iter()
        .map(|&i| summaries[i].clone())
        .collect();
    Value::from_serializable(&SectionView {
        title: &section.doc.title,
        description: &meta.description,
        content: Value::safe_string(&section.rendered.html),
        summary: Value::safe_string(&section.rendered.summary),
        permalink: config.permalink(&section.site_path),
        toc: toc_views(&section.rendered.toc, &path),
        path,
        relative_path: &section.doc.relative_path,
        extra: &meta.extra,
        weight: meta.weight,
        pages: Value::from(listed),
        subsections: section
            .subsections
            .iter()
            .map(|&i| site.sections[i].doc.relative_path.as_str())
            .collect(),
        sources: source_views(site, &section.sources),
        assets: &section.assets,
        last_updated: section
            .pages
            .iter()
            .filter_map(|&i| {
                let doc = &site.pages[i].doc;
                doc.updated.as_ref().or(doc.date.as_ref())
            })
            .chain(section.doc.updated.as_ref())
            .max()
            .map(|d| d.display.as_str()),
        reviewed: section
            .doc
            .desk
            .reviewed
            .as_ref()
            .map(|d| d.display.as_str()),
        review_by: section
            .doc
            .desk
            .review_by
            .as_ref()
            .map(|d| d.display.as_str()),
    })
}

impl SiteValues {
    /// Builds every value. With `previous` (the values of the last build and a test of which
    /// pages are unchanged since), the values of unchanged pages are reused as they are.
    pub fn new(site: &Site, previous: Option<Reuse<'_>>) -> SiteValues {
        let summaries: Vec<Value> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| {
                if let Some(reuse) = &previous
                    && let Some(j) = (reuse.page)(i)
                {
                    return reuse.old.summaries[j].clone();
                }
                Value::from_serializable(&page_summary(site, i))
            })
            .collect();
        let reused_section = |i: usize| {
            previous
                .as_ref()
                .and_then(|reuse| (reuse.section)(i).map(|j| reuse.old.sections[j].clone()))
        };
        let reused_sections: Vec<bool> = (0..site.sections.len())
            .map(|i| {
                previous
                    .as_ref()
                    .is_some_and(|reuse| (reuse.section)(i).is_some())
            })
            .collect();
        let sections = (0..site.sections.len())
            .map(|i| reused_section(i).unwrap_or_else(|| section_value(site, i, &summaries)))
            .collect();
        let sources = sources_value(site, &summaries);
        let corrections = corrections_value(site, &summaries);
        let by_path = site.paths();
        let taxonomies = (0..site.taxonomies.len())
            .map(|t| TaxonomyValues::new(site, t, &summaries))
            .collect();
        SiteValues {
            data: super::DataFiles::new(&site.config.root, &site.config.output_dir),
            config: config_value(&site.config),
            summaries,
            sections,
            reused_sections,
            sources,
            corrections,
            by_path,
            taxonomies,
        }
    }

    /// Whether section `index`'s value was carried over unchanged from the previous build.
    pub fn section_reused(&self, index: usize) -> bool {
        self.reused_sections[index]
    }

    /// The full value of page `index`: its summary fields plus content and table of contents.
    pub fn page(&self, site: &Site, index: usize) -> Value {
        let page = &site.pages[index];
        let path = site.config.url_path(&page.site_path);
        // A copy of the summary costs reference counts (long strings and maps are shared), not a
        // serialisation of every field again; only the content and the contents table are new.
        let mut full = self.summaries[index].as_map().cloned().unwrap_or_default();
        full.insert("content".into(), Value::safe_string(&page.rendered.html));
        full.insert(
            "toc".into(),
            Value::from_serializable(&toc_views(&page.rendered.toc, &path)),
        );
        Value::from(full)
    }

    /// Whether section `index` shows its pages anything new: any field but its listing differs
    /// from section `old_index` of `old`. A page template can read every field of its section.
    pub fn section_head_differs(&self, index: usize, old: &SiteValues, old_index: usize) -> bool {
        if self.reused_sections[index] {
            return false;
        }
        match (
            self.sections[index].as_map(),
            old.sections[old_index].as_map(),
        ) {
            (Some(new), Some(old)) => {
                new.len() != old.len()
                    || new
                        .iter()
                        .filter(|(key, _)| key.as_str() != Some("pages"))
                        .any(|(key, value)| old.get(key) != Some(value))
            }
            _ => true,
        }
    }

    pub fn section(&self, section: usize) -> &Value {
        &self.sections[section]
    }

    pub fn sources(&self) -> &Value {
        &self.sources
    }

    /// What `get_taxonomy` answers, for every taxonomy: pages that call it see all of them.
    pub fn taxonomies(&self) -> &[TaxonomyValues] {
        &self.taxonomies
    }
}

/// A taxonomy as templates see it: `taxonomy` (its settings and URL) and `terms`, each with
/// its `name`, `slug`, `path`, `permalink`, `pages` and `page_count`, as Zola names them.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxonomyValues {
    pub(super) taxonomy: Value,
    pub(super) terms: Vec<Value>,
    /// `get_taxonomy`'s answer: `kind` (the taxonomy), `items` (the terms), `slug`, `path`,
    /// `permalink`.
    pub(super) whole: Value,
}

impl TaxonomyValues {
    fn new(site: &Site, t: usize, summaries: &[Value]) -> TaxonomyValues {
        #[derive(Serialize)]
        struct TaxonomyView<'a> {
            name: &'a str,
            slug: &'a str,
            feed: bool,
            paginate_by: Option<usize>,
            paginate_path: Option<&'a str>,
            path: String,
            permalink: String,
        }
        #[derive(Serialize)]
        struct TermView<'a> {
            name: &'a str,
            slug: &'a str,
            path: String,
            permalink: String,
            /// The term's feed, when the taxonomy has one per term.
            feed: Option<String>,
            pages: Vec<Value>,
            page_count: usize,
        }
        let config = &site.config;
        let taxonomy = &site.taxonomies[t];
        let site_path = taxonomy.config.site_path();
        let view = TaxonomyView {
            name: &taxonomy.config.name,
            slug: &taxonomy.config.slug,
            feed: taxonomy.config.feed,
            paginate_by: taxonomy.config.pagination.as_ref().map(|p| p.by),
            paginate_path: taxonomy.config.pagination.as_ref().map(|p| p.path.as_str()),
            path: config.url_path(&site_path),
            permalink: config.permalink(&site_path),
        };
        let terms: Vec<Value> = taxonomy
            .terms
            .iter()
            .map(|term| {
                let feed = SitePath::new(format!("{}atom.xml", term.site_path));
                Value::from_serializable(&TermView {
                    name: &term.name,
                    slug: &term.slug,
                    path: config.url_path(&term.site_path),
                    permalink: config.permalink(&term.site_path),
                    feed: taxonomy.config.feed.then(|| config.url_path(&feed)),
                    pages: term.pages.iter().map(|&i| summaries[i].clone()).collect(),
                    page_count: term.pages.len(),
                })
            })
            .collect();
        let mut whole = tera::value::Map::new();
        whole.insert("slug".into(), Value::from(view.slug));
        whole.insert("path".into(), Value::from(view.path.as_str()));
        whole.insert("permalink".into(), Value::from(view.permalink.as_str()));
        let taxonomy = Value::from_serializable(&view);
        whole.insert("kind".into(), taxonomy.clone());
        whole.insert("items".into(), Value::from(terms.clone()));
        TaxonomyValues {
            taxonomy,
            terms,
            whole: Value::from(whole),
        }
    }
}

/// Every source with the pages and sections that cite it, in reading order (the front page
/// first), and how many inline claims each makes.
fn sources_value(site: &Site, summaries: &[Value]) -> Value {
    #[derive(Serialize)]
    struct CitedBy {
        /// A page's summary, or a section's title and URLs.
        page: Value,
        /// `page` or `section`.
        kind: &'static str,
        claims: usize,
    }
    #[derive(Serialize)]
    struct SectionLink<'a> {
        title: &'a str,
        path: String,
        permalink: String,
        relative_path: &'a str,
    }
    #[derive(Serialize)]
    struct Entry<'a> {
        #[serde(flatten)]
        source: &'a crate::content::sources::Source,
        anchor: String,
        cited_by: Vec<CitedBy>,
    }
    let order = site.reading_order();
    let citing = |id: &str| {
        order
            .iter()
            .filter(|&&node| match node {
                Node::Page(i) => site.pages[i].sources.iter().any(|s| s == id),
                Node::Section(i) => site.sections[i].sources.iter().any(|s| s == id),
            })
            .map(|&node| {
                let claims = site.rendered(node).citations.iter();
                let claims = claims.filter(|c| c.id == id).count();
                let (page, kind) = match node {
                    Node::Page(i) => (summaries[i].clone(), "page"),
                    Node::Section(i) => {
                        let section = &site.sections[i];
                        let link = SectionLink {
                            title: &section.doc.title,
                            path: site.config.url_path(&section.site_path),
                            permalink: site.config.permalink(&section.site_path),
                            relative_path: &section.doc.relative_path,
                        };
                        (Value::from_serializable(&link), "section")
                    }
                };
                CitedBy { page, kind, claims }
            })
            .collect()
    };
    let entries: Vec<Entry<'_>> = site
        .sources
        .iter()
        .map(|source| Entry {
            source,
            anchor: site.config.url_path(&SitePath::of_source(&source.id)),
            cited_by: citing(&source.id),
        })
        .collect();
    Value::from_serializable(&entries)
}

/// Every correction of every page, newest first (pages in path order on one day): its `date`,
/// `note` and `page`, the page's summary.
fn corrections_value(site: &Site, summaries: &[Value]) -> Value {
    #[derive(Serialize)]
    struct CorrectionListed<'a> {
        #[serde(flatten)]
        correction: &'a crate::content::corrections::Correction,
        page: &'a Value,
    }
    let mut entries: Vec<CorrectionListed<'_>> = site
        .pages
        .iter()
        .zip(summaries)
        .flat_map(|(page, summary)| {
            page.doc
                .corrections
                .iter()
                .map(move |correction| CorrectionListed {
                    correction,
                    page: summary,
                })
        })
        .collect();
    entries.sort_by(|a, b| b.correction.date.cmp(&a.correction.date));
    Value::from_serializable(&entries)
}
