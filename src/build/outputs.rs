//! The output assembly: the previous build's files less what is gone, plus the copied files,
//! the fresh renders and the generated files; and the makers of the generated files that no
//! template renders (sitemap, feed, robots.txt).

use std::collections::BTreeSet;

use super::Session;
use super::compose::{Composed, Renders};
use crate::content;
use crate::diagnostics::{Diagnostic, Diagnostics, escape_html_into};
use crate::output::{self, Output};
use crate::paths::{OutputKey, SitePath};
use crate::render::{CardPainter, CardText, Generated, OutputKind, TaxonomyOutput};
use crate::site::{Node, Site};

impl Session {
    /// The files of the build `composed`: copied files whose bytes are `stale` (or new) are read
    /// again, and a file that cannot be read is a mistake added to `diagnostics`.
    pub(super) fn output(
        &self,
        composed: &Composed<'_>,
        stale: &BTreeSet<String>,
        renders: Renders,
        diagnostics: &mut Diagnostics,
    ) -> Output {
        let mut output = match composed.previous {
            Some(prev) => kept_output(prev, composed.site, composed.asset_paths),
            None => Output::new(),
        };
        for (display, asset) in self.published_assets(composed.site) {
            if output.contains(&asset.output) && !stale.contains(display) {
                continue;
            }
            match std::fs::read(&asset.path) {
                Ok(bytes) => {
                    output.insert(asset.output.clone(), bytes);
                }
                Err(err) => diagnostics.push(
                    Diagnostic::error(display, format!("cannot read this file: {err}"))
                        .hint(content::io_hint(&err)),
                ),
            }
        }
        for (path, bytes) in renders.files {
            output.insert(path, bytes);
        }
        for (path, bytes) in renders.generated {
            output.insert(path, bytes);
        }
        // One of the user's named in another case stands for the generated robots.txt too,
        // which then goes.
        let robots = Generated::Robots.file_name();
        if composed.claims.user_robots && !composed.asset_paths.contains(robots) {
            output.remove(robots);
        }
        output
    }
}

/// The previous build's output less the pages, sections and copied files `site` no longer has
/// at the same path.
fn kept_output(prev: &super::Built, site: &Site, asset_paths: &BTreeSet<OutputKey>) -> Output {
    let mut output = prev.output.clone();
    let same_files = prev.site.layout() == site.layout();
    for node in prev.site.nodes().filter(|_| !same_files) {
        let kept = site
            .node(&prev.site.doc(node).relative_path)
            .is_some_and(|n| site.site_path(n) == prev.site.site_path(node));
        if !kept {
            output.remove(&OutputKind::of_node(node).output_key(&prev.site));
        }
    }
    if !same_files {
        // Aliases and pagers that are gone: those still asked for are made again with their
        // page or section, which a change of layout renders anew.
        let beside = |site: &Site| -> BTreeSet<OutputKey> {
            site.nodes()
                .flat_map(|node| OutputKind::beside(site, node))
                .map(|kind| kind.output_key(site))
                .collect()
        };
        for gone in beside(&prev.site).difference(&beside(site)) {
            output.remove(gone);
        }
    }
    for path in prev.asset_paths.difference(asset_paths) {
        output.remove(path);
    }
    // Made anew by every build, so none of the previous build's is kept: a term no page names
    // any more leaves nothing behind.
    for taxonomy_output in TaxonomyOutput::all(&prev.site) {
        output.remove(&OutputKind::Taxonomy(taxonomy_output).output_key(&prev.site));
    }
    output
}

/// The social cards of a build: drawn by one painter, made on first use (most rebuilds draw
/// none), and kept from the last good build whenever a card's text is unchanged, so an edit
/// of a page's body in `watch` or `serve` draws nothing.
pub(super) struct Cards<'a> {
    painter: std::sync::OnceLock<CardPainter>,
    previous: Option<&'a super::Built>,
    /// How many were the previous build's.
    pub(super) kept: std::sync::atomic::AtomicUsize,
}

impl<'a> Cards<'a> {
    pub(super) fn new(previous: Option<&'a super::Built>) -> Cards<'a> {
        Cards {
            painter: std::sync::OnceLock::new(),
            previous,
            kept: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// The PNG of `node`'s card.
    pub(super) fn make(&self, site: &Site, node: Node) -> anyhow::Result<Vec<u8>> {
        let text = CardText::of(site, node);
        let key = OutputKind::Card(node).output_key(site);
        if let Some(prev) = self.previous
            && let Some(old) = prev.site.node(&site.doc(node).relative_path)
            && OutputKind::Card(old).output_key(&prev.site) == key
            && CardText::of(&prev.site, old) == text
            && let Some(bytes) = prev.output.get(&key)
        {
            self.kept.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Ok(bytes.to_vec());
        }
        self.painter.get_or_init(CardPainter::default).paint(&text)
    }
}

/// The bytes of an output no template renders: a generated file or a redirect page; `None`
/// for one a template renders or a card (see [`Cards`]).
pub(super) fn make(kind: &OutputKind, site: &Site) -> Option<Vec<u8>> {
    match kind {
        OutputKind::Generated(generated) => generate(*generated, site),
        OutputKind::Taxonomy(TaxonomyOutput::Feed(t, k)) => Some(term_feed(site, *t, *k)),
        _ => kind
            .redirect_target(site)
            .map(|url| output::redirect_page(&url)),
    }
}

/// The bytes of a file briefing makes of its own accord without a template; `None` for the
/// one a template renders (the 404 page, made with the pages).
pub(super) fn generate(generated: Generated, site: &Site) -> Option<Vec<u8>> {
    match generated {
        Generated::Feed => Some(feed(site)),
        Generated::Sitemap => Some(sitemap(site)),
        Generated::Robots => {
            let sitemap = OutputKind::Generated(Generated::Sitemap).permalink(site);
            Some(output::robots_txt(&sitemap))
        }
        Generated::NotFound | Generated::Corrections => None,
    }
}

/// Every page and section, with its date of change, then the pages of every taxonomy.
fn sitemap(site: &Site) -> Vec<u8> {
    let mut entries = Vec::new();
    for node in site.nodes() {
        let doc = site.doc(node);
        // A section that redirects is not a page of its own; pagers past the first are not
        // either (Zola leaves them out too).
        if doc.routes.redirect_to.is_some() {
            continue;
        }
        let lastmod = doc
            .updated
            .as_ref()
            .or(doc.date.as_ref())
            .map(|d| d.display.clone());
        entries.push(output::SitemapEntry {
            url: OutputKind::of_node(node).permalink(site),
            lastmod,
        });
    }
    entries.push(output::SitemapEntry {
        url: OutputKind::Generated(Generated::Corrections).permalink(site),
        lastmod: site
            .pages
            .iter()
            .filter_map(|page| page.doc.corrections.first())
            .map(|newest| &newest.date)
            .max()
            .map(|date| date.display.clone()),
    });
    // A term's pagers past the first are left out as a section's are.
    for taxonomy_output in TaxonomyOutput::all(site) {
        if matches!(
            taxonomy_output,
            TaxonomyOutput::List(_) | TaxonomyOutput::Term(..)
        ) {
            entries.push(output::SitemapEntry {
                url: OutputKind::Taxonomy(taxonomy_output).permalink(site),
                lastmod: None,
            });
        }
    }
    output::sitemap(entries)
}

/// The dated pages.
fn feed(site: &Site) -> Vec<u8> {
    let config = &site.config;
    let feed = output::Feed {
        title: &config.title,
        subtitle: &config.description,
        // The home page's; not `OutputKind::Section(0)`'s: sections are sorted by path, and a
        // directory such as `2024/` sorts before the root's `_index.md`.
        site_url: &config.permalink(&SitePath::default()),
        feed_url: &OutputKind::Generated(Generated::Feed).permalink(site),
        author: &config.publisher,
        language: &config.language,
    };
    output::atom_feed(&feed, feed_entries(site, 0..site.pages.len()))
}

/// The dated pages of term `k` of taxonomy `t`: `topics/runway/atom.xml`.
pub(super) fn term_feed(site: &Site, t: usize, k: usize) -> Vec<u8> {
    let config = &site.config;
    let term = &site.taxonomies[t].terms[k];
    let title = format!("{} — {}", term.name, config.title);
    let feed = output::Feed {
        title: &title,
        subtitle: &config.description,
        site_url: &config.permalink(&term.site_path),
        feed_url: &OutputKind::Taxonomy(TaxonomyOutput::Feed(t, k)).permalink(site),
        author: &config.publisher,
        language: &config.language,
    };
    output::atom_feed(&feed, feed_entries(site, term.pages.iter().copied()))
}

/// The feed entries of the dated pages among `pages`.
fn feed_entries(site: &Site, pages: impl Iterator<Item = usize>) -> Vec<output::FeedEntry> {
    pages
        .filter_map(|i| {
            let page = &site.pages[i];
            let date = page.doc.date.as_ref()?;
            Some(output::FeedEntry {
                title: page.doc.title.clone(),
                url: OutputKind::Page(i).permalink(site),
                published: date.rfc3339(),
                updated: page.doc.updated.as_ref().unwrap_or(date).rfc3339(),
                updated_at: page.doc.updated.as_ref().unwrap_or(date).utc,
                summary_html: with_correction(&page.doc, &page.rendered.summary),
            })
        })
        .collect()
}

/// A feed entry's summary: the page's, after a line with its newest correction, so that a feed
/// reader shows what changed.
fn with_correction(doc: &content::Document, summary: &str) -> String {
    let Some(newest) = doc.corrections.first() else {
        return summary.to_string();
    };
    let mut html = String::from("<p><strong>Correction</strong> (");
    escape_html_into(&mut html, &newest.date.display);
    html.push_str("): ");
    escape_html_into(&mut html, &newest.note);
    html.push_str("</p>\n");
    html.push_str(summary);
    html
}
