//! Content that builds but reads badly: the editorial rules, which look at the site graph and
//! each body's prose rather than the rendered HTML. Each rule has its code in `rules`; what
//! counts as a claim is `claims`'s.

use std::ops::Range;

use super::claims::{self, Claim};
use super::rules;
use crate::content::sources::{Source, SourceKind};
use crate::content::{Document, Meta};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Caller;
use crate::markdown::prose::{self, Block, Prose};
use crate::markdown::raw_html;
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
        .filter(|(_, review_by)| review_by.utc <= now)
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

/// The copy desk: claims without a source, citations that contradict their sentence, and the
/// accessibility and structure of every page's and section's body.
pub(super) fn copy_desk(site: &Site) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for node in site.nodes() {
        let doc = site.doc(node);
        if doc.body().trim().is_empty() {
            continue;
        }
        let prose = prose::read(doc.body());
        let at = |rule: &rules::Rule, range: Range<usize>, message: String| {
            let start = doc.split.body.start;
            rule.diagnostic(&doc.display_path, message)
                .in_text(&doc.text, start + range.start..start + range.end)
        };
        for block in &prose.blocks {
            diagnostics.extend(block_claims(site, block, &at));
        }
        diagnostics.extend(structure(&prose, &at));
        // What Markdown's syntax did not write: raw HTML and shortcodes' output.
        let (shortcodes, options) = site.markdown_with();
        let site_path = site.site_path(node).to_string();
        let caller = Caller {
            doc,
            site_path: &site_path,
        };
        for part in raw_html::html_parts(doc.body(), options, shortcodes, &caller) {
            diagnostics.extend(super::html_parts::diagnostics(&part, &at));
        }
    }
    diagnostics
}

/// Makes a diagnostic under a rule at a range of the body.
type At<'a> = dyn Fn(&rules::Rule, Range<usize>, String) -> Diagnostic + 'a;

/// An uncited block's claims, or a cited block's citations that contradict their sentence.
fn block_claims(site: &Site, block: &Block, at: &At<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for sentence in claims::sentences(&block.text) {
        let text = &block.text[sentence.clone()];
        if block.citations.is_empty() {
            if let Some((claim, range)) = claims::first_claim(text) {
                let range = sentence.start + range.start..sentence.start + range.end;
                found.push(uncited(
                    claim,
                    &block.text[range.clone()],
                    at(&rules::UNCITED_CLAIM, block.in_body(range), String::new()),
                ));
            }
            continue;
        }
        let cited = block
            .citations
            .iter()
            .filter(|(_, offset, _)| sentence.contains(offset) || *offset == sentence.end);
        for (id, _, range) in cited {
            let Some(source) = site.source(id) else {
                continue;
            };
            if let Some(message) = mismatch(text, id, source) {
                found.push(at(&rules::ATTRIBUTION_MISMATCH, range.clone(), message).hint(
                    "cite the source that says this, or name in the sentence whom the source is (its speaker or publisher in content/sources.toml)",
                ));
            }
        }
    }
    found
}

fn uncited(claim: Claim, written: &str, diagnostic: Diagnostic) -> Diagnostic {
    let message = format!(
        "this sentence makes a claim ({} `{written}`) but its paragraph cites no source",
        claim.describe()
    );
    Diagnostic { message, ..diagnostic }.hint(
        "cite the source right after the claim with [@id] (an id from content/sources.toml), or rewrite it as the briefing's own words",
    )
}

/// Why `source`, cited as `id` in `sentence`, is not whom the sentence attributes its claim to.
fn mismatch(sentence: &str, id: &str, source: &Source) -> Option<String> {
    let (names, speech) = claims::attributed_to(sentence);
    if speech && source.kind == SourceKind::Data {
        return Some(format!(
            "this sentence says someone spoke, but [@{id}] is data, which says nothing itself"
        ));
    }
    if names.is_empty() || (source.speaker.is_empty() && source.publisher.is_empty()) {
        return None;
    }
    let identity = [
        &source.speaker,
        &source.publisher,
        &source.label,
        &source.title,
    ]
    .map(|s| s.to_lowercase());
    let known = |word: &String| {
        let word = word.to_lowercase();
        identity.iter().any(|field| {
            field
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == word)
        })
    };
    if names.iter().any(|name| name.iter().any(known)) {
        return None;
    }
    let named = names
        .iter()
        .map(|n| n.join(" "))
        .collect::<Vec<_>>()
        .join(", ");
    let is = [
        ("speaker", &source.speaker),
        ("publisher", &source.publisher),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k} {v}"))
    .collect::<Vec<_>>()
    .join(", ");
    Some(format!(
        "this sentence attributes its claim to {named}, but [@{id}] is another's ({is})"
    ))
}

/// Link texts that say nothing out of context.
pub(super) const VAGUE: [&str; 7] = [
    "click here",
    "here",
    "read more",
    "more",
    "this",
    "link",
    "this link",
];

/// Images without alt text, skipped heading levels, empty and vague links, tables without a
/// header.
fn structure(prose: &Prose, at: &At<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for image in prose.images.iter().filter(|i| i.text.trim().is_empty()) {
        found.push(at(&rules::IMAGE_WITHOUT_ALT, image.range.clone(), "this image has no alt text".into())
            .hint("describe what it shows between the brackets: ![Chart of the deals by year](chart.png)"));
    }
    // The page's title is its `#`.
    let mut previous = 1;
    for heading in &prose.headings {
        if heading.level > previous + 1 {
            found.push(
                at(
                    &rules::SKIPPED_HEADING_LEVEL,
                    heading.range.clone(),
                    format!(
                        "this heading is level {} right after level {previous}",
                        heading.level
                    ),
                )
                .hint(format!(
                    "make it level {} ({}), so the outline has no gap",
                    previous + 1,
                    "#".repeat(usize::from(previous) + 1)
                )),
            );
        }
        previous = heading.level;
    }
    for link in &prose.links {
        let text = link
            .text
            .trim()
            .trim_end_matches(['.', ':', '!'])
            .to_lowercase();
        if text.is_empty() && !link.has_image {
            found.push(at(&rules::EMPTY_LINK, link.range.clone(), "this link has no text".into())
                .hint("write what it leads to between the brackets: [the guild agreements](@/guild-protections/wga-and-sag-aftra.md)"));
        } else if VAGUE.contains(&text.as_str()) {
            found.push(at(&rules::VAGUE_LINK_TEXT, link.range.clone(), format!("the link text \"{}\" says nothing about where it leads", link.text.trim()))
                .hint("name what it leads to: \"the Lionsgate–Runway comparison\", not \"click here\""));
        }
    }
    for (range, has_header) in &prose.tables {
        if !has_header {
            found.push(
                at(
                    &rules::TABLE_WITHOUT_HEADER,
                    range.clone(),
                    "this table's header row is empty".into(),
                )
                .hint("name each column in the first row, above the |---| line"),
            );
        }
    }
    found
}

/// A document's source coverage: its paragraphs that cite a source, and all its paragraphs.
pub(super) fn coverage(doc: &Document, cited: usize, paragraphs: usize) -> String {
    let percent = (cited * 100).checked_div(paragraphs).unwrap_or(100);
    format!(
        "{}: {cited}/{paragraphs} paragraphs cite a source ({percent}%)",
        doc.display_path
    )
}
