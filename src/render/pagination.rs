//! The `paginator` a paginated listing's pagers see (a section's, a taxonomy term's), with
//! Zola's fields and names.

use serde::Serialize;
use tera::{Context, Value};

use super::values::SiteValues;
use super::{OutputKind, TaxonomyOutput};
use crate::config::pagination::Pagination;
use crate::site::Site;

#[derive(Serialize)]
struct PaginatorView {
    paginate_by: usize,
    /// The listing's permalink and the pagination path: a pager's number appended is its URL.
    base_url: String,
    number_pagers: usize,
    first: String,
    last: String,
    previous: Option<String>,
    next: Option<String>,
    pages: Value,
    /// 1 for the listing's own URL.
    current_index: usize,
    /// Pages in all the pagers.
    total_pages: usize,
}

/// Adds `paginator` for pager `number` of `section` to `context`, and the section with no
/// `pages` (they are in `paginator.pages`; Zola too gives the section's metadata only, so a
/// template written for a section that is not paginated lists nothing rather than failing).
/// Nothing for a section that is not paginated.
pub(super) fn insert_paginator(
    site: &Site,
    values: &SiteValues,
    section: usize,
    number: usize,
    context: &mut Context,
) {
    let Some(pagination) = site.sections[section].pagination() else {
        return;
    };
    let listed = listed_pages(values.section(section));
    let mut head = values
        .section(section)
        .as_map()
        .cloned()
        .unwrap_or_default();
    head.insert("pages".into(), Value::from(Vec::<Value>::new()));
    context.insert_value("section", Value::from(head));
    let pager_url = |number: usize| match number {
        1 => OutputKind::Section(section).permalink(site),
        _ => OutputKind::Pager { section, number }.permalink(site),
    };
    let paginator = paginator(pagination, &listed, number, &pager_url);
    context.insert_value("paginator", paginator);
}

/// Adds `paginator` for pager `number` of term `k` of taxonomy `t`; nothing when the taxonomy
/// is not paginated. The `term` keeps its `pages`, as Zola's does: a paginated term page gets
/// the whole `TaxonomyTerm`.
pub(super) fn insert_term_paginator(
    site: &Site,
    values: &SiteValues,
    (t, k): (usize, usize),
    number: usize,
    context: &mut Context,
) {
    let Some(pagination) = &site.taxonomies[t].config.pagination else {
        return;
    };
    let listed = listed_pages(&values.taxonomies[t].terms[k]);
    let pager_url = |number: usize| {
        let output = match number {
            1 => TaxonomyOutput::Term(t, k),
            _ => TaxonomyOutput::TermPager(t, k, number),
        };
        OutputKind::Taxonomy(output).permalink(site)
    };
    let paginator = paginator(pagination, &listed, number, &pager_url);
    context.insert_value("paginator", paginator);
}

/// The `pages` of a section's or term's value, in its listing's order.
fn listed_pages(listing: &Value) -> Vec<Value> {
    listing
        .as_map()
        .and_then(|map| map.iter().find(|(key, _)| key.as_str() == Some("pages")))
        .and_then(|(_, pages)| pages.as_array().map(<[Value]>::to_vec))
        .unwrap_or_default()
}

/// The paginator of pager `number` of `listed`, split as `pagination` says; `pager_url` is the
/// permalink of a pager by its number (the first is the listing's own URL).
fn paginator(
    pagination: &Pagination,
    listed: &[Value],
    number: usize,
    pager_url: &dyn Fn(usize) -> String,
) -> Value {
    let total_pages = listed.len();
    let number_pagers = pagination.pagers(total_pages);
    let start = (number - 1) * pagination.by;
    let on_this_pager = |i: usize| {
        if pagination.reversed {
            listed[total_pages - 1 - i].clone()
        } else {
            listed[i].clone()
        }
    };
    let pages: Vec<Value> = (start..(start + pagination.by).min(total_pages))
        .map(on_this_pager)
        .collect();
    let first = pager_url(1);
    let paginator = PaginatorView {
        paginate_by: pagination.by,
        base_url: format!("{first}{}/", pagination.path),
        number_pagers,
        last: pager_url(number_pagers),
        first,
        previous: (number > 1).then(|| pager_url(number - 1)),
        next: (number < number_pagers).then(|| pager_url(number + 1)),
        pages: Value::from(pages),
        current_index: number,
        total_pages,
    };
    Value::from_serializable(&paginator)
}
