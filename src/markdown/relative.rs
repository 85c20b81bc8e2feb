//! Relative links, read as GitHub and mdBook read them: from the folder of the Markdown file.
//! `[text](other.md#id)` links to that page as `@/` links do (and is checked the same way);
//! anything else (`![still](still.png)`, `[deck](files/deck.pdf)`, `../`) names the file or
//! folder at that path, published where [`ContentPath::published_key`] puts it, and becomes a
//! root-relative link, checked against the output by the build. Written out in full (base path
//! included), such a link works wherever the HTML is shown: in a listing's summary, in the feed.

use std::ops::Range;

use super::{InternalLink, LinkResolver, Markup, Problem, ProblemKind, RootLink};
use crate::paths::{ContentPath, url_encoded};

/// Whether `dest` is a relative link: no scheme (`https:`, `mailto:`), not from the root, not
/// only a fragment or a query.
pub(super) fn is_relative(dest: &str) -> bool {
    !dest.is_empty() && !dest.starts_with(['/', '#', '?', '\\']) && !has_scheme(dest)
}

/// `scheme:` before any `/`, `?` or `#`, as RFC 3986 spells a scheme.
fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find([':', '/', '?', '#']) else {
        return false;
    };
    let scheme = &dest[..colon];
    dest[colon..].starts_with(':')
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// The URL to write for `dest`, a relative link in the body of `from`; `None` keeps it as
/// written (it is wrong, and a problem says so).
pub(super) fn rewrite(
    dest: &str,
    range: &Range<usize>,
    from: &ContentPath,
    resolver: &dyn LinkResolver,
    out: &mut Markup,
) -> Option<String> {
    let (before_fragment, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (before_fragment, None),
    };
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let Some(target) = from.join_relative(&decoded) else {
        out.problems.push(Problem {
            range: range.clone(),
            kind: ProblemKind::RelativeLinkOutside {
                written: dest.to_string(),
            },
        });
        return None;
    };
    let mut url = if target.ends_with(".md") {
        out.links.push(InternalLink {
            target: target.to_string(),
            fragment: fragment.map(str::to_string),
            range: range.clone(),
        });
        let Some(url) = resolver.page_url(&target) else {
            out.problems.push(Problem {
                range: range.clone(),
                kind: ProblemKind::MissingRelativeTarget {
                    written: dest.to_string(),
                    target: target.to_string(),
                },
            });
            return None;
        };
        url
    } else {
        let site_path = url_encoded(&target.published_key());
        let mut href = format!("/{site_path}");
        append(&mut href, '?', query);
        append(&mut href, '#', fragment);
        out.root_links.push(RootLink {
            href,
            range: range.clone(),
            written: Some(dest.to_string()),
        });
        format!("{}{site_path}", resolver.base_path())
    };
    append(&mut url, '?', query);
    append(&mut url, '#', fragment);
    Some(url)
}

fn append(url: &mut String, separator: char, part: Option<&str>) {
    if let Some(part) = part {
        url.push(separator);
        url.push_str(part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_with_a_scheme_or_from_the_root_are_not_relative() {
        for dest in [
            "https://example.org/a.png",
            "mailto:a@example.org",
            "tel:+1",
            "data:image/png;base64,AA",
            "/css/site.css",
            "//cdn.example.org/x.js",
            "#scope",
            "?q=1",
            "",
        ] {
            assert!(!is_relative(dest), "{dest}");
        }
        for dest in [
            "still.png",
            "./still.png",
            "../s/page.md#id",
            "deck.pdf?download",
            "files/a:b.png",
        ] {
            assert!(is_relative(dest), "{dest}");
        }
    }
}
