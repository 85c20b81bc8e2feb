//! `taxonomies = [{ name = "topics", feed = true }]` in `site.toml`: the ways pages are grouped,
//! each published at `/<name>/` (every term) and `/<name>/<term>/` (a term's pages).

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::paths::{SitePath, slugify};

use super::CONFIG_FILE;

/// One taxonomy as written in `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTaxonomy {
    name: Spanned<String>,
    #[serde(default)]
    feed: bool,
    paginate_by: Option<Spanned<toml::Value>>,
}

/// One taxonomy, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxonomyConfig {
    /// As written: the key pages use under `[taxonomies]`.
    pub name: String,
    /// Its URL segment: `topics`.
    pub slug: String,
    /// Whether each term gets an Atom feed at `/<name>/<term>/atom.xml`.
    pub feed: bool,
}

impl TaxonomyConfig {
    /// Where the list of every term is published: `topics/`.
    pub fn site_path(&self) -> SitePath {
        SitePath::new(format!("{}/", self.slug))
    }
}

/// The taxonomies of `site.toml` (whose text is `text`), or every problem with them: a name
/// without letters or digits, two names on one URL, and `paginate_by`, which term pages do not
/// support yet (refused rather than ignored, so nobody ships a listing they think is split).
pub(super) fn validate(
    raw: Vec<RawTaxonomy>,
    text: &str,
) -> Result<Vec<TaxonomyConfig>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut taxonomies: Vec<TaxonomyConfig> = Vec::new();
    for entry in raw {
        let at =
            |span, message: String| Diagnostic::error(CONFIG_FILE, message).in_text(text, span);
        if let Some(paginate_by) = &entry.paginate_by {
            let message = format!(
                "taxonomy `{}`: pagination of term pages is not supported yet",
                entry.name.get_ref()
            );
            problems.push(at(paginate_by.span(), message).hint(
                "remove `paginate_by` from the taxonomy: each term page lists all of its pages",
            ));
        }
        let name = entry.name.get_ref();
        let slug = slugify(name);
        if slug.is_empty() {
            let message =
                format!("the taxonomy name `{name}` has no letters or digits for its URL");
            problems.push(
                at(entry.name.span(), message)
                    .hint("name it with letters or digits, such as \"topics\""),
            );
            continue;
        }
        if let Some(first) = taxonomies.iter().find(|t| t.slug == slug) {
            let message = format!(
                "the taxonomies `{}` and `{name}` would both be published at /{slug}/",
                first.name
            );
            problems
                .push(at(entry.name.span(), message).hint("give each taxonomy a name of its own"));
            continue;
        }
        taxonomies.push(TaxonomyConfig {
            name: name.clone(),
            slug,
            feed: entry.feed,
        });
    }
    if problems.is_empty() {
        Ok(taxonomies)
    } else {
        Err(problems)
    }
}
