//! The `paginator` a paginated section's pagers see, with Zola's fields and names.

use serde::Serialize;
use tera::{Context, Value};

use super::OutputKind;
use super::values::SiteValues;
use crate::site::{Node, Site};

#[derive(Serialize)]
struct PaginatorView {
    paginate_by: usize,
    /// The section's permalink and the pagination path: a pager's number appended is its URL.
    base_url: String,
    number_pagers: usize,
    first: String,
    last: String,
    previous: Option<String>,
    next: Option<String>,
    pages: Value,
    /// 1 for the section's own URL.
    current_index: usize,
    /// Pages in all the pagers.
    total_pages: usize,
}

/// The permalink of pager `number` of `section`: the first is the section's own URL.
fn pager_permalink(site: &Site, section: usize, number: usize) -> String {
    if number == 1 {
        OutputKind::Section(section).permalink(site)
    } else {
        OutputKind::Pager { section, number }.permalink(site)
    }
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
    let mut head = values
        .section(section)
        .as_map()
        .cloned()
        .unwrap_or_default();
    let listed: Vec<Value> = head
        .iter()
        .find(|(key, _)| key.as_str() == Some("pages"))
        .and_then(|(_, pages)| pages.as_array().map(<[Value]>::to_vec))
        .unwrap_or_default();
    head.insert("pages".into(), Value::from(Vec::<Value>::new()));
    context.insert_value("section", Value::from(head));
    let total_pages = listed.len();
    let number_pagers = site.pagers(section);
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
    let section_url = OutputKind::of_node(Node::Section(section)).permalink(site);
    let paginator = PaginatorView {
        paginate_by: pagination.by,
        base_url: format!("{section_url}{}/", pagination.path),
        number_pagers,
        first: section_url,
        last: pager_permalink(site, section, number_pagers),
        previous: (number > 1).then(|| pager_permalink(site, section, number - 1)),
        next: (number < number_pagers).then(|| pager_permalink(site, section, number + 1)),
        pages: Value::from(pages),
        current_index: number,
        total_pages,
    };
    context.insert_value("paginator", Value::from_serializable(&paginator));
}
