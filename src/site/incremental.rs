//! What a rebuild can keep of the last site: the renders of unchanged files, and a cheap
//! re-assembly when edits changed only bodies.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::assemble::Markdown;
use super::links::link_targets;
use super::{Node, Page, Section, Site, cited_sources};
use crate::content::Document;
use crate::diagnostics::Diagnostics;
use crate::fingerprint::Fingerprint;
use crate::markdown::{Markup, Shortcodes};
use crate::paths::SitePath;

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
            let site_path = self.site_path(node);
            let rendered = markdown.render(doc, site_path);
            let rendered_from = markdown.fingerprint(doc, site_path, &rendered);
            links_changed |= link_targets(&rendered) != link_targets(self.rendered(node));
            site.replace_body(node, doc, Arc::new(rendered), rendered_from);
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
    fn replace_body(
        &mut self,
        node: Node,
        doc: &Arc<Document>,
        rendered: Arc<Markup>,
        rendered_from: Option<Fingerprint>,
    ) {
        let sources = cited_sources(doc, &rendered);
        let doc = Arc::clone(doc);
        match node {
            Node::Page(i) => {
                self.pages[i] = Page {
                    doc,
                    rendered,
                    rendered_from,
                    sources,
                    ..self.pages[i].clone()
                }
            }
            Node::Section(i) => {
                self.sections[i] = Section {
                    doc,
                    rendered,
                    rendered_from,
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
                sources.remove(doc.relative_path.as_str());
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
                    .insert(doc.relative_path.to_string());
            }
        }
        linked_from.retain(|_, sources| !sources.is_empty());
        Some(linked_from)
    }

    /// The previous render of `doc` and its fingerprint, if nothing it depends on has changed:
    /// decided by fingerprints alone, so that a stored one could decide it too.
    pub(super) fn reusable_render(
        &self,
        doc: &Document,
        site_path: &SitePath,
        markdown: &Markdown<'_>,
    ) -> Option<(Arc<Markup>, Fingerprint)> {
        let node = self.node(&doc.relative_path)?;
        let before = self.rendered_from(node)?;
        let rendered = self.rendered(node);
        // Keyed with the new bytes but the old render's links and shortcodes: if the bytes are
        // the same, so are they, and if not, the keys differ anyway.
        let now = markdown.fingerprint(doc, site_path, rendered)?;
        (now == before).then(|| (Arc::clone(rendered), now))
    }
}
