//! What a rebuild can keep of the last site: the renders of unchanged files, and a cheap
//! re-assembly when edits changed only bodies.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::assemble::Markdown;
use super::links::link_targets;
use super::{Node, Page, Section, Site, cited_sources};
use crate::content::Document;
use crate::diagnostics::Diagnostics;
use crate::markdown::{LinkResolver, Markup, Shortcodes};

impl Site {
    /// The site after edits that changed only the bodies of existing files. Their front matter
    /// is byte for byte the same, so the pages, URLs, order and listings are too: only the
    /// edited files are rendered again, and only their links and the links into them are
    /// checked. `None` when an edit changed more than a body.
    ///
    /// `shortcodes` must render as those the site was built with did (the same templates).
    pub fn with_edited_bodies(
        &self,
        edited: &[Arc<Document>],
        shortcodes: Arc<dyn Shortcodes>,
    ) -> Option<(Site, Diagnostics)> {
        let mut site = self.clone();
        site.shortcodes = Arc::clone(&shortcodes);
        let markdown = Markdown {
            resolver: self.resolver.as_ref(),
            shortcodes: shortcodes.as_ref(),
            options: self.options,
        };
        let mut to_check = BTreeSet::new();
        let mut links_changed = false;
        for doc in edited {
            let node = self.node(&doc.relative_path)?;
            if !self.same_front_matter(node, doc) {
                return None;
            }
            let rendered = Arc::new(markdown.render(doc, self.site_path(node)));
            links_changed |= link_targets(&rendered) != link_targets(self.rendered(node));
            site.replace_body(node, doc, rendered);
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
            site.linked_from = Arc::new(site.relinked(&self.linked_from, edited)?);
        }
        Some((site, diagnostics))
    }

    /// Whether `doc` has the front matter (and byte order mark) of the file `node` was made from.
    fn same_front_matter(&self, node: Node, doc: &Document) -> bool {
        let old = self.doc(node);
        old.text[old.split.front_matter.clone()] == doc.text[doc.split.front_matter.clone()]
            && old.text.starts_with('\u{feff}') == doc.text.starts_with('\u{feff}')
    }

    /// `node` made from `doc`, whose body renders to `rendered`; the rest of it stays.
    fn replace_body(&mut self, node: Node, doc: &Arc<Document>, rendered: Arc<Markup>) {
        let sources = cited_sources(doc, &rendered);
        let doc = Arc::clone(doc);
        match node {
            Node::Page(i) => {
                self.pages[i] = Page {
                    doc,
                    rendered,
                    sources,
                    ..self.pages[i].clone()
                }
            }
            Node::Section(i) => {
                self.sections[i] = Section {
                    doc,
                    rendered,
                    sources,
                    ..self.sections[i].clone()
                }
            }
        }
    }

    /// `linked_from` (of the site before the edits) with the links of the `edited` files as
    /// they are now in this site.
    fn relinked(
        &self,
        linked_from: &BTreeMap<String, BTreeSet<String>>,
        edited: &[Arc<Document>],
    ) -> Option<BTreeMap<String, BTreeSet<String>>> {
        let mut linked_from = linked_from.clone();
        for doc in edited {
            for sources in linked_from.values_mut() {
                sources.remove(&doc.relative_path);
            }
            let node = self.node(&doc.relative_path)?;
            for link in self
                .rendered(node)
                .links
                .iter()
                .filter(|l| !l.target.is_empty() && self.node(&l.target).is_some())
            {
                linked_from
                    .entry(link.target.clone())
                    .or_default()
                    .insert(doc.relative_path.clone());
            }
        }
        linked_from.retain(|_, sources| !sources.is_empty());
        Some(linked_from)
    }

    /// The previous render of `doc`, if nothing it depends on has changed.
    pub(super) fn reusable_render(
        &self,
        doc: &Document,
        markdown: &Markdown<'_>,
    ) -> Option<Arc<Markup>> {
        let resolver = markdown.resolver;
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
        let shortcodes_same = rendered.shortcodes.iter().all(|(name, fingerprint)| {
            markdown.shortcodes.lookup(name).map(|s| s.fingerprint) == *fingerprint
        });
        (old_urls == resolver.base_path && links_same && citations_same && shortcodes_same)
            .then(|| Arc::clone(rendered))
    }
}
