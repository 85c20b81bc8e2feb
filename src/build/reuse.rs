//! What a rebuild may keep from the previous build: the values of unchanged pages and sections,
//! the feed and sitemap, and which pages must be rendered again.

use std::collections::{BTreeSet, HashMap};

use super::Built;
use crate::content::Document;
use crate::fingerprint::known_equal;
use crate::render::{self, SiteValues, Templates};
use crate::site::{Node, Site};

/// The index in the previous build of page `i`, if its value can be reused as it is.
pub(super) fn unchanged_page(site: &Site, previous: Option<&Built>, i: usize) -> Option<usize> {
    let prev = &previous?.site;
    // A page's value holds its permalink, made with the config's base URL.
    if prev.config.fingerprint != site.config.fingerprint {
        return None;
    }
    let page = &site.pages[i];
    // Pages keep their index unless files were added or removed: try that before a lookup.
    let j = match prev.pages.get(i) {
        Some(old) if old.doc.relative_path == page.doc.relative_path => i,
        _ => match prev.node(&page.doc.relative_path) {
            Some(Node::Page(j)) => j,
            _ => return None,
        },
    };
    let old = &prev.pages[j];
    let same = old.doc.same_bytes(&page.doc)
        && known_equal(old.rendered_from, page.rendered_from)
        && old.site_path == page.site_path
        && old.assets == page.assets
        && prev.sections[old.section].doc.relative_path
            == site.sections[page.section].doc.relative_path
        && old
            .sources
            .iter()
            .all(|id| prev.source(id) == site.source(id));
    same.then_some(j)
}

/// The index in the previous build of section `i`, if its value can be reused as it is: the
/// same file, render and URL, listing the same unchanged pages and subsections in the same order.
pub(super) fn unchanged_section(
    site: &Site,
    previous: Option<&Built>,
    page_reuse: &[Option<usize>],
    i: usize,
) -> Option<usize> {
    let prev = &previous?.site;
    if prev.config.fingerprint != site.config.fingerprint {
        return None;
    }
    let section = &site.sections[i];
    let Some(Node::Section(j)) = prev.node(&section.doc.relative_path) else {
        return None;
    };
    let old = &prev.sections[j];
    let same = old.doc.same_bytes(&section.doc)
        && known_equal(old.rendered_from, section.rendered_from)
        && old.site_path == section.site_path
        && old.assets == section.assets
        && old.pages.len() == section.pages.len()
        && section
            .pages
            .iter()
            .zip(&old.pages)
            .all(|(&new, &old)| page_reuse.get(new).copied().flatten() == Some(old))
        && old.subsections.len() == section.subsections.len()
        && section
            .subsections
            .iter()
            .zip(&old.subsections)
            .all(|(&a, &b)| {
                site.sections[a].doc.relative_path == prev.sections[b].doc.relative_path
            })
        && prev.sources == site.sources;
    same.then_some(j)
}

/// What changed since the previous good build besides content.
pub(super) struct Since {
    /// Templates added, removed or edited since the previous good build.
    pub templates: BTreeSet<String>,
    /// Whether files to copy were added or removed (which `get_url` can tell).
    pub files: bool,
    /// Whether a file `load_data` read changed.
    pub data: bool,
}

/// The pages and sections whose output may differ from the previous build's.
pub(super) fn invalidated(
    prev: &Built,
    site: &Site,
    values: &SiteValues,
    page_reuse: &[Option<usize>],
    templates: &Templates,
    since: &Since,
) -> Vec<Node> {
    let old = &prev.site;
    // Same files in the same order with the same URLs: indices match the previous build's.
    let same_urls = old.layout() == site.layout();
    // Every template sees the config.
    if !same_urls || old.config.fingerprint != site.config.fingerprint {
        return site.nodes().collect();
    }
    let sources_changed = old.sources != site.sources || prev.values.sources() != values.sources();
    let taxonomies_changed = prev.values.taxonomies() != values.taxonomies();
    let page_changed: Vec<bool> = page_reuse.iter().map(Option::is_none).collect();
    // Indices match the previous build's: `same_urls` says so.
    let section_changed: Vec<bool> = (0..site.sections.len())
        .map(|i| !values.section_reused(i) && prev.values.section(i) != values.section(i))
        .collect();
    let section_head_changed: Vec<bool> = (0..site.sections.len())
        .map(|i| section_changed[i] && values.section_head_differs(i, &prev.values, i))
        .collect();
    let any_content_changed = page_changed.iter().chain(&section_changed).any(|&c| c);
    // Nodes share a handful of templates: each one's reach is worked out once.
    let mut reach_cache: HashMap<&str, (render::TemplateReach, bool)> = HashMap::new();
    site.nodes()
        .filter(|&node| {
            let name = render::template_for(site, node);
            let (reach, template_changed) = *reach_cache.entry(name).or_insert_with(|| {
                let uses_changed = templates
                    .closure(name)
                    .iter()
                    .any(|t| since.templates.contains(t));
                (templates.reach(name), uses_changed)
            });
            // What a file asks for besides its page (aliases, pagers, a redirect) is not in
            // the values templates see.
            let routes_changed = old.doc(node).routes != site.doc(node).routes;
            let own = routes_changed
                || match node {
                    Node::Page(i) => {
                        let section = site.pages[i].section;
                        page_changed[i]
                            || section_head_changed[section]
                            || (reach.section_pages && section_changed[section])
                    }
                    Node::Section(i) => section_changed[i],
                };
            own || template_changed
                || render::template_for(old, node) != name
                || (reach.other_content && any_content_changed)
                || (reach.sources && sources_changed)
                || (reach.files && since.files)
                || (reach.data && since.data)
                || (reach.taxonomies && taxonomies_changed)
        })
        .collect()
}

/// Whether the sitemap, feed and robots.txt of `prev` still describe `site`: same config, same
/// pages at the same URLs, and the same titles, dates, corrections and summaries. Pages that were not touched
/// have the same fingerprints as in the previous build, so most of this compares those.
pub(super) fn same_feed_and_sitemap(prev: &Site, site: &Site) -> bool {
    if prev.config.fingerprint != site.config.fingerprint || prev.layout() != site.layout() {
        return false;
    }
    // Same bytes, same title and dates; else the fields themselves are compared.
    let same_doc = |a: &Document, b: &Document| {
        a.same_bytes(b)
            || (a.relative_path == b.relative_path
                && a.title == b.title
                && a.date == b.date
                && a.updated == b.updated
                && a.corrections == b.corrections
                && a.routes.redirect_to == b.routes.redirect_to)
    };
    // The same layout: the same files at the same URLs, index by index.
    let sections = prev
        .sections
        .iter()
        .zip(&site.sections)
        .all(|(a, b)| same_doc(&a.doc, &b.doc));
    sections
        && prev.pages.iter().zip(&site.pages).all(|(a, b)| {
            same_doc(&a.doc, &b.doc)
                && (known_equal(a.rendered_from, b.rendered_from)
                    || a.rendered.summary == b.rendered.summary)
        })
}
