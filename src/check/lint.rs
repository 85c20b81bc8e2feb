//! Content that builds but reads badly: the editorial rules, which look at the site graph
//! rather than the rendered HTML. The copy-desk rules belong here, each with its code in
//! `rules`.

use super::rules;
use crate::diagnostics::Diagnostics;
use crate::site::Site;

/// A page that rests on nothing, in a site that keeps a list of sources at all.
pub(super) fn uncited_pages(site: &Site) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    if site.sources.is_empty() {
        return diagnostics;
    }
    for page in &site.pages {
        if page.sources.is_empty() {
            diagnostics.push(
                rules::UNCITED_PAGE
                    .diagnostic(&page.doc.display_path, "this page cites no source")
                    .in_text(&page.doc.text, 0..3)
                    .hint("add sources = [\"id\"] to the front matter, or cite a claim inline with [@id]"),
            );
        }
    }
    diagnostics
}
