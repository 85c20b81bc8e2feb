//! The terms of each taxonomy of `site.toml` and the pages in each, from the pages'
//! `[taxonomies]` front matter; a taxonomy `site.toml` does not declare, or a term with no
//! letters or digits for its URL, is a mistake in the page that names it.
//!
//! Terms are told apart by their slug, as Zola does: `Runway` and `runway` are one term, named
//! as the first page (by path) writes it. A term is a word for a thing, and an editor who writes
//! it in two cases means one thing; failing the build over it would turn a site built with Zola
//! into a list of errors.

use crate::config::{Config, TaxonomyConfig};
use crate::content::Meta;
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::fingerprint::Fingerprinter;
use crate::paths::{SitePath, slugify};

use super::Page;

/// One taxonomy and its terms, by slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    pub config: TaxonomyConfig,
    /// Sorted by slug.
    pub terms: Vec<Term>,
}

/// One term of a taxonomy and the pages in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// As the first page (by path) that names it writes it.
    pub name: String,
    pub slug: String,
    /// `topics/runway/`.
    pub site_path: SitePath,
    /// Indices into [`super::Site::pages`]: newest first, undated pages last, then by title.
    pub pages: Vec<usize>,
}

impl Taxonomy {
    /// The term whose name slugs as `name` does (`Runway`, `runway`, `RUNWAY`).
    pub fn term(&self, name: &str) -> Option<&Term> {
        let slug = slugify(name);
        self.terms.iter().find(|t| t.slug == slug)
    }

    /// How many pagers term `k`'s page has: one when the taxonomy is not paginated.
    pub fn pagers(&self, k: usize) -> usize {
        let listed = self.terms[k].pages.len();
        self.config
            .pagination
            .as_ref()
            .map_or(1, |p| p.pagers(listed))
    }
}

/// The taxonomies of `config` with their terms, from the front matter of `pages`; and the
/// mistakes, each in the page that makes it.
pub(super) fn collect(config: &Config, pages: &[Page]) -> (Vec<Taxonomy>, Vec<Diagnostic>) {
    let mut taxonomies: Vec<Taxonomy> = config
        .taxonomies
        .iter()
        .map(|config| Taxonomy {
            config: config.clone(),
            terms: Vec::new(),
        })
        .collect();
    let mut problems = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let Meta::Page(meta) = &page.doc.meta else {
            continue;
        };
        for (name, terms) in &meta.taxonomies {
            let Some(taxonomy) = taxonomies
                .iter_mut()
                .find(|t| t.config.name == *name.get_ref())
            else {
                problems.push(unknown_taxonomy(config, page, name));
                continue;
            };
            for term in terms {
                match add_page(taxonomy, term.get_ref(), index) {
                    Ok(()) => {}
                    Err(message) => problems.push(
                        Diagnostic::error(&page.doc.display_path, message)
                            .in_text(&page.doc.text, written_at(page, term))
                            .hint(
                                "write the term with letters or digits, which its URL is made of",
                            ),
                    ),
                }
            }
        }
    }
    for taxonomy in &mut taxonomies {
        taxonomy.terms.sort_by(|a, b| a.slug.cmp(&b.slug));
        for term in &mut taxonomy.terms {
            sort_pages(&mut term.pages, pages);
        }
    }
    (taxonomies, problems)
}

/// Page `index` added to the term `written` of `taxonomy` (made if it is the first).
fn add_page(taxonomy: &mut Taxonomy, written: &str, index: usize) -> Result<(), String> {
    let slug = slugify(written);
    if slug.is_empty() {
        return Err(format!(
            "the term `{written}` of the taxonomy `{}` has no letters or digits, so it has no URL",
            taxonomy.config.name
        ));
    }
    match taxonomy.terms.iter_mut().find(|t| t.slug == slug) {
        // A page that names a term twice ("Runway", "runway") is listed once.
        Some(term) if term.pages.last() == Some(&index) => {}
        Some(term) => term.pages.push(index),
        None => taxonomy.terms.push(Term {
            name: written.to_string(),
            site_path: SitePath::new(format!("{}/{slug}/", taxonomy.config.slug)),
            slug,
            pages: vec![index],
        }),
    }
    Ok(())
}

fn unknown_taxonomy(config: &Config, page: &Page, name: &toml::Spanned<String>) -> Diagnostic {
    let names = config.taxonomies.iter().map(|t| t.name.as_str());
    let hint = match did_you_mean(name.get_ref(), names) {
        Some(near) => format!("did you mean `{near}`?"),
        None if config.taxonomies.is_empty() => format!(
            "declare it in site.toml: taxonomies = [{{ name = \"{}\" }}]",
            name.get_ref()
        ),
        None => format!(
            "site.toml declares {}; add this one there, or use one of them",
            config
                .taxonomies
                .iter()
                .map(|t| format!("`{}`", t.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Diagnostic::error(
        &page.doc.display_path,
        format!("unknown taxonomy `{}`", name.get_ref()),
    )
    .in_text(&page.doc.text, written_at(page, name))
    .hint(hint)
}

/// Where `written` is in the page's file. YAML front matter maps a nested key or value back to
/// the whole value of its top-level key (`taxonomies:`), so the word is looked for in there.
fn written_at(page: &Page, written: &toml::Spanned<String>) -> std::ops::Range<usize> {
    let text = &page.doc.text;
    let range = page.doc.front_matter_range(written.span());
    let word = written.get_ref().as_str();
    let within = &text[range.clone()];
    if within.trim_matches(['"', '\'']) == word || word.is_empty() {
        return range;
    }
    match within.find(word) {
        Some(at) => range.start + at..range.start + at + word.len(),
        None => range,
    }
}

/// Newest first, as a term's readers look for what is new; undated pages after, by title.
fn sort_pages(list: &mut [usize], pages: &[Page]) {
    list.sort_by(|&a, &b| {
        let (a_doc, b_doc) = (&pages[a].doc, &pages[b].doc);
        b_doc
            .date
            .cmp(&a_doc.date)
            .then_with(|| a_doc.title.cmp(&b_doc.title))
            .then(a.cmp(&b))
    });
}

/// Adds every term's URL and number of pagers to a layout fingerprint: a term or a pager that
/// appears or goes changes which files a build writes.
pub(super) fn add_to_layout(layout: &mut Fingerprinter, taxonomies: &[Taxonomy]) {
    for taxonomy in taxonomies {
        layout.str(&taxonomy.config.slug);
        if let Some(pagination) = &taxonomy.config.pagination {
            layout.str(&pagination.path);
        }
        for (k, term) in taxonomy.terms.iter().enumerate() {
            layout
                .str(&term.site_path)
                .bytes(&taxonomy.pagers(k).to_le_bytes());
        }
    }
}
