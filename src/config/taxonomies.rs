//! `taxonomies = [{ name = "topics", feed = true, paginate_by = 20 }]` in `site.toml`: the ways
//! pages are grouped, each published at `/<name>/` (every term) and `/<name>/<term>/` (a term's
//! pages, split over `/<name>/<term>/page/2/`, ... when paginated).

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::paths::{SitePath, slugify};

use super::CONFIG_FILE;
use super::pagination::{
    DEFAULT_PAGINATE_PATH, PAGINATE_BY_HINT, PAGINATE_PATH_HINT, Pagination, checked_paginate_by,
    checked_paginate_path,
};

/// One taxonomy as written in `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTaxonomy {
    name: Spanned<String>,
    #[serde(default)]
    feed: bool,
    paginate_by: Option<Spanned<i64>>,
    paginate_path: Option<Spanned<String>>,
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
    /// How each term's page is split over pagers; `None` lists all of a term's pages on one.
    pub pagination: Option<Pagination>,
}

impl TaxonomyConfig {
    /// Where the list of every term is published: `topics/`.
    pub fn site_path(&self) -> SitePath {
        SitePath::new(format!("{}/", self.slug))
    }
}

/// The taxonomies of `site.toml` (whose text is `text`), or every problem with them: a name
/// without letters or digits, two names on one URL, a pager of no pages, a pagination path that
/// is not one URL segment.
pub(super) fn validate(
    raw: Vec<RawTaxonomy>,
    text: &str,
) -> Result<Vec<TaxonomyConfig>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut taxonomies: Vec<TaxonomyConfig> = Vec::new();
    for entry in raw {
        let at =
            |span, message: String| Diagnostic::error(CONFIG_FILE, message).in_text(text, span);
        let pagination = pagination(&entry).map_err(|mistakes| {
            for (span, message, hint) in mistakes {
                let name = entry.name.get_ref();
                problems.push(at(span, format!("taxonomy `{name}`: {message}")).hint(hint));
            }
        });
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
            pagination: pagination.ok().flatten(),
        });
    }
    if problems.is_empty() {
        Ok(taxonomies)
    } else {
        Err(problems)
    }
}

type PaginationMistake = (std::ops::Range<usize>, String, &'static str);

/// How the taxonomy's term pages are split over pagers, checked as a section's are; every
/// problem with it.
fn pagination(entry: &RawTaxonomy) -> Result<Option<Pagination>, Vec<PaginationMistake>> {
    let path = match &entry.paginate_path {
        Some(path) => checked_paginate_path(path.get_ref())
            .map_err(|message| (path.span(), message, PAGINATE_PATH_HINT)),
        None => Ok(DEFAULT_PAGINATE_PATH.to_string()),
    };
    let by = entry.paginate_by.as_ref().map(|by| {
        checked_paginate_by(*by.get_ref()).map_err(|message| (by.span(), message, PAGINATE_BY_HINT))
    });
    match (by, path) {
        (None, Ok(_)) => Ok(None),
        (Some(Ok(by)), Ok(path)) => Ok(Some(Pagination {
            by,
            path,
            reversed: false,
        })),
        (by, path) => Err(by
            .and_then(Result::err)
            .into_iter()
            .chain(path.err())
            .collect()),
    }
}
