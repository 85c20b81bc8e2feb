//! Content that builds but reads badly: the editorial rules, which look at the site graph
//! rather than the rendered HTML. The copy-desk rules belong here, each with its code in
//! `rules`.

use super::rules;
use crate::content::{Document, Meta};
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

/// A page or section whose `review_by` date has passed, as of the site's moment.
#[derive(Debug, Clone)]
pub struct Overdue<'a> {
    pub doc: &'a Document,
    /// As written in the front matter.
    pub review_by: &'a str,
    pub reviewed: Option<&'a str>,
}

/// Every page and section past its `review_by` date, the longest overdue first (then by path).
pub fn overdue_reviews(site: &Site) -> Vec<Overdue<'_>> {
    let now = site.config.now;
    let mut overdue: Vec<(&Document, &crate::content::front_matter::Date)> = site
        .nodes()
        .map(|node| site.doc(node))
        .filter_map(|doc| Some((doc, doc.desk.review_by.as_ref()?)))
        .filter(|(_, review_by)| review_by.utc < now)
        .collect();
    overdue.sort_by(|(a, a_due), (b, b_due)| {
        (a_due.utc, &a.relative_path).cmp(&(b_due.utc, &b.relative_path))
    });
    overdue
        .into_iter()
        .map(|(doc, review_by)| Overdue {
            doc,
            review_by: &review_by.display,
            reviewed: doc.desk.reviewed.as_ref().map(|d| d.display.as_str()),
        })
        .collect()
}

/// A warning at the `review_by` of each page or section past it.
pub(super) fn overdue_review_warnings(site: &Site) -> Diagnostics {
    overdue_reviews(site)
        .into_iter()
        .map(|Overdue { doc, review_by, .. }| {
            let written = match &doc.meta {
                Meta::Page(meta) => meta.review_by.as_ref(),
                Meta::Section(meta) => meta.review_by.as_ref(),
            };
            let diagnostic = rules::OVERDUE_REVIEW.diagnostic(
                &doc.display_path,
                format!(
                    "this {} was due for review by {review_by}",
                    if doc.is_section() { "section" } else { "page" }
                ),
            );
            match written {
                Some(value) => diagnostic.in_text(&doc.text, doc.front_matter_range(value.span())),
                None => diagnostic,
            }
            .hint("read it against its sources, then set reviewed to today and review_by to the next date it must be read again")
        })
        .collect()
}
