//! The output assembly: the previous build's files less what is gone, plus the copied files,
//! the fresh renders and the generated files (sitemap, feed, robots.txt).

use std::collections::BTreeSet;

use super::Session;
use super::claims;
use super::compose::{Composed, Renders};
use crate::content;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{self, Output};
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
        for (display, asset) in &self.assets {
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
        for (path, bytes) in renders.generated.into_iter().flatten() {
            output.insert(path, bytes);
        }
        // Made every time, it is so small: a robots.txt of the user's that was just removed
        // leaves the place to it even when the sitemap and feed are unchanged. One of the
        // user's named in another case stands for it too, and the generated one goes.
        if !composed.claims.user_robots {
            let robots = output::robots_txt(&composed.config.permalink("sitemap.xml"));
            output.insert(claims::ROBOTS, robots);
        } else if !composed.asset_paths.contains(claims::ROBOTS) {
            output.remove(claims::ROBOTS);
        }
        output
    }
}

/// The previous build's output less the pages, sections and copied files `site` no longer has
/// at the same path.
fn kept_output(prev: &super::Built, site: &Site, asset_paths: &BTreeSet<String>) -> Output {
    let mut output = prev.output.clone();
    let same_files = prev.site.layout() == site.layout();
    for node in prev.site.nodes().filter(|_| !same_files) {
        let kept = site
            .node(&prev.site.doc(node).relative_path)
            .is_some_and(|n| site.site_path(n) == prev.site.site_path(node));
        if !kept {
            output.remove(&output_path(&prev.site, node));
        }
    }
    for path in prev.asset_paths.difference(asset_paths) {
        output.remove(path);
    }
    output
}

/// sitemap.xml and atom.xml, from the site graph.
pub fn generated_files(site: &Site) -> [(&'static str, Vec<u8>); 2] {
    let config = &site.config;
    let mut entries = Vec::new();
    for node in site.nodes() {
        let doc = site.doc(node);
        let lastmod = doc
            .updated
            .as_ref()
            .or(doc.date.as_ref())
            .map(|d| d.display.clone());
        entries.push(output::SitemapEntry {
            url: config.permalink(site.site_path(node)),
            lastmod,
        });
    }
    let sitemap = output::sitemap(entries);
    let feed_entries = site
        .pages
        .iter()
        .filter_map(|page| {
            let date = page.doc.date.as_ref()?;
            Some(output::FeedEntry {
                title: page.doc.title.clone(),
                url: config.permalink(&page.site_path),
                published: date.rfc3339(),
                updated: page.doc.updated.as_ref().unwrap_or(date).rfc3339(),
                summary_html: page.rendered.summary.clone(),
            })
        })
        .collect();
    let feed = output::Feed {
        title: &config.title,
        subtitle: &config.description,
        site_url: &config.permalink(""),
        feed_url: &config.permalink("atom.xml"),
        author: &config.publisher,
        language: &config.language,
    };
    [
        ("sitemap.xml", sitemap),
        ("atom.xml", output::atom_feed(&feed, feed_entries)),
    ]
}

/// The output path a page or section writes.
pub fn output_path(site: &Site, node: Node) -> String {
    format!("{}index.html", site.site_path(node))
}
