//! What the rewriter writes for a link, a citation and the table of contents: an `@/` or
//! relative link resolved (and recorded for the checks), a citation's `<a>`, the nested toc.

use std::ops::Range;

use pulldown_cmark::LinkType;

use super::super::relative;
use super::super::{
    CITATION_SCHEME, InternalLink, LinkResolver, Markup, Problem, ProblemKind, RootLink, TocEntry,
};
use crate::paths::ContentPath;

/// Whether a link is a citation: `[@id]`, which no reference defines.
pub(super) fn is_citation(link_type: LinkType, dest_url: &str) -> bool {
    dest_url.starts_with(CITATION_SCHEME)
        && matches!(
            link_type,
            LinkType::ShortcutUnknown | LinkType::CollapsedUnknown | LinkType::ReferenceUnknown
        )
}

/// Returns the URL to write instead of `dest`, or `None` to keep it as written.
pub(super) fn rewrite_link(
    dest: &str,
    range: &Range<usize>,
    (resolver, from): (&dyn LinkResolver, &ContentPath),
    out: &mut Markup,
) -> Option<String> {
    if let Some(path) = dest.strip_prefix("@/") {
        let (target, fragment) = split_fragment(path);
        let target = percent_encoding::percent_decode_str(target)
            .decode_utf8_lossy()
            .into_owned();
        out.links.push(InternalLink {
            target: target.clone(),
            fragment: fragment.map(str::to_string),
            range: range.clone(),
        });
        return match resolver.page_url(&target) {
            Some(url) => Some(match fragment {
                Some(f) => format!("{url}#{f}"),
                None => url,
            }),
            None => {
                out.problems.push(Problem {
                    range: range.clone(),
                    kind: ProblemKind::MissingLinkTarget {
                        target: target.clone(),
                    },
                });
                Some(format!("{}{target}", resolver.base_path()))
            }
        };
    }
    if relative::is_relative(dest) {
        return relative::rewrite(dest, range, from, resolver, out);
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        out.links.push(InternalLink {
            target: String::new(),
            fragment: Some(fragment.to_string()),
            range: range.clone(),
        });
        return None;
    }
    // Root-relative links mean "from the site's root", which includes the base path when the
    // site is hosted in a subfolder.
    if dest.starts_with('/') && !dest.starts_with("//") {
        out.root_links.push(RootLink {
            href: dest.to_string(),
            range: range.clone(),
            written: None,
        });
        if resolver.base_path() != "/" {
            return Some(format!("{}{}", resolver.base_path(), &dest[1..]));
        }
    }
    None
}

fn split_fragment(path: &str) -> (&str, Option<&str>) {
    match path.split_once('#') {
        Some((target, fragment)) => (target, Some(fragment)),
        None => (path, None),
    }
}

pub(super) fn citation_html(
    id: &str,
    range: &Range<usize>,
    resolver: &dyn LinkResolver,
    problems: &mut Vec<Problem>,
) -> String {
    match resolver.citation(id) {
        Some((href, label)) => format!(
            "<a class=\"citation\" href=\"{}\" data-source=\"{}\">[{}]</a>",
            escape_attr(&href),
            escape_attr(id),
            crate::diagnostics::escape_html(&label)
        ),
        None => {
            problems.push(Problem {
                range: range.clone(),
                kind: ProblemKind::UnknownCitation { id: id.to_string() },
            });
            format!("[@{}]", crate::diagnostics::escape_html(id))
        }
    }
}

pub(super) fn escape_attr(text: &str) -> String {
    crate::diagnostics::escape_html(text)
}

pub(super) fn build_toc(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    fn insert(into: &mut Vec<TocEntry>, entry: TocEntry) {
        match into.last_mut() {
            Some(last) if last.level < entry.level => insert(&mut last.children, entry),
            _ => into.push(entry),
        }
    }
    let mut toc = Vec::new();
    for (level, id, title) in flat {
        insert(
            &mut toc,
            TocEntry {
                level,
                id,
                title,
                children: Vec::new(),
            },
        );
    }
    toc
}
