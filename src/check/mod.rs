//! `briefing check`: everything a build finds, plus what only the finished HTML and the site as
//! a whole show. [`run`] applies every pass in a fixed order; each rule a pass applies is in
//! [`rules::RULES`] with its code.

mod claims;
mod external;
mod figures;
mod html_parts;
mod links;
mod lint;
pub mod rules;
mod since;

pub use lint::{Overdue, overdue_reviews};

use std::time::Duration;

use crate::build::Built;
use crate::diagnostics::Diagnostics;

/// What a check does beyond the passes it always runs.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Request every external link; `None` leaves them alone (they need the network).
    pub external: Option<ExternalOptions>,
    /// A git commit, branch or tag: pages whose text changed since then must say so.
    pub since: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct ExternalOptions {
    /// How long to wait for each link.
    pub timeout: Duration,
    /// How many links to request at once.
    pub concurrency: usize,
}

/// The build's warnings, then the links and anchors of the rendered HTML, the content rules and,
/// when asked, the changes since a commit and the external links: every problem found, sorted.
/// An error only when the machine fails (git or the external link checker cannot start).
pub fn run(built: &Built, options: &CheckOptions) -> anyhow::Result<Diagnostics> {
    let mut all = built.warnings.clone();
    let (links, external) = links::output_links(&built.site, &built.output);
    all.extend(links);
    all.extend(lint::uncited_pages(&built.site));
    all.extend(lint::overdue_review_warnings(&built.site));
    if let Some(reference) = &options.since {
        all.extend(since::unmarked_changes(&built.site, reference)?);
    }
    all.extend(lint::copy_desk(&built.site));
    if let Some(asked) = options.external {
        all.extend(external::dead_links(
            &external,
            asked.timeout,
            asked.concurrency,
        )?);
    }
    Ok(all.sorted())
}

/// Each page's and section's source coverage, one line each in path order, for `--verbose`:
/// how many of its paragraphs cite a source with `[@id]`. Bodies without a paragraph are left
/// out.
pub fn source_coverage(built: &Built) -> Vec<String> {
    let site = &built.site;
    let mut lines: Vec<(String, String)> = site
        .nodes()
        .filter_map(|node| {
            let rendered = site.rendered(node);
            let doc = site.doc(node);
            (rendered.paragraphs > 0).then(|| {
                let line = lint::coverage(doc, rendered.cited_paragraphs, rendered.paragraphs);
                (doc.display_path.clone(), line)
            })
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, line)| line).collect()
}
