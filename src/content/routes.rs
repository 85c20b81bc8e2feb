//! The URLs a file asks for besides its own: `aliases` (old URLs that redirect to it), and a
//! section's `redirect_to` and pagination. Checked as the file is read, so that a mistake points
//! at the value as it is written, and nothing later can write outside the output.

use std::ops::Range;

use super::Meta;
use super::front_matter::Positions;
use crate::config::pagination::{
    DEFAULT_PAGINATE_PATH, PAGINATE_BY_HINT, PAGINATE_PATH_HINT, Pagination, checked_paginate_by,
    checked_paginate_path,
};
use crate::diagnostics::Diagnostic;
use crate::paths::{SitePath, url_encoded};

/// Where a section with `redirect_to` sends its readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectTarget {
    /// An absolute `http(s)://` URL, as written.
    Url(String),
    /// A path of this site, under the base path.
    Site(SitePath),
}

/// The extra URLs of one file, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routes {
    pub aliases: Vec<SitePath>,
    pub redirect_to: Option<RedirectTarget>,
    pub pagination: Option<Pagination>,
}

/// What a file's front matter asks for besides its own URL; each mistake is added to
/// `problems`, at the value that makes it.
pub(super) fn checked_routes(
    display_path: &str,
    text: &str,
    positions: &Positions,
    meta: &Meta,
    problems: &mut Vec<Diagnostic>,
) -> Routes {
    let mut problem = |span: Range<usize>, message: String, hint: &str| {
        problems.push(
            Diagnostic::error(display_path, message)
                .in_text(text, positions.in_file(span))
                .hint(hint),
        );
    };
    let written_aliases = match meta {
        Meta::Page(meta) => &meta.aliases,
        Meta::Section(meta) => &meta.aliases,
    };
    let mut routes = Routes::default();
    for alias in written_aliases {
        match alias_site_path(alias.get_ref()) {
            Ok(path) => routes.aliases.push(path),
            Err(message) => problem(
                alias.span(),
                message,
                "an alias is an old path of this site, e.g. aliases = [\"/old/path/\"] or [\"/old.html\"]",
            ),
        }
    }
    let Meta::Section(section) = meta else {
        return routes;
    };
    if let Some(target) = &section.redirect_to {
        match redirect_target(target.get_ref()) {
            Ok(target) => routes.redirect_to = Some(target),
            Err(message) => problem(
                target.span(),
                message,
                "write a path of this site (redirect_to = \"/news/\") or an absolute URL (redirect_to = \"https://example.org/\")",
            ),
        }
    }
    let path = match &section.paginate_path {
        Some(path) => checked_paginate_path(path.get_ref()).unwrap_or_else(|message| {
            problem(path.span(), message, PAGINATE_PATH_HINT);
            String::new()
        }),
        None => DEFAULT_PAGINATE_PATH.to_string(),
    };
    if let Some(by) = &section.paginate_by {
        match checked_paginate_by(*by.get_ref()) {
            Ok(by) => {
                routes.pagination = Some(Pagination {
                    by,
                    path,
                    reversed: section.paginate_reversed,
                })
            }
            Err(message) => problem(by.span(), message, PAGINATE_BY_HINT),
        }
    }
    routes
}

/// Segments of a path written in front matter, none of which may climb out of the output.
fn segments<'a>(written: &'a str, what: &str) -> Result<Vec<&'a str>, String> {
    let lower = written.to_ascii_lowercase();
    if written.starts_with("//") || lower.contains("://") {
        return Err(format!(
            "the {what} `{written}` is a URL of another site, not a path of this one"
        ));
    }
    if let Some(c) = written
        .chars()
        .find(|c| matches!(c, '\\' | '?' | '#') || c.is_control())
    {
        return Err(format!(
            "the {what} `{written}` holds `{}`, which a file's path cannot",
            c.escape_default()
        ));
    }
    let segments: Vec<&str> = written.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Err(format!(
            "the {what} `{written}` leaves the site (it holds `.` or `..`)"
        ));
    }
    Ok(segments)
}

/// The site path an alias names: a directory (`/old/path/` or `/old/path`: its `index.html`),
/// or a file when the last name ends with `.html`, as Zola writes them.
pub fn alias_site_path(written: &str) -> Result<SitePath, String> {
    let written = written.trim();
    let segments = segments(written, "alias")?;
    let Some(last) = segments.last() else {
        return Err(format!(
            "the alias `{written}` names the home page, which is a page of its own"
        ));
    };
    let mut path = segments.join("/");
    if !last.to_ascii_lowercase().ends_with(".html") {
        path.push('/');
    }
    Ok(SitePath::new(url_encoded(&path)))
}

/// Where `redirect_to` points: an absolute URL, or a path of this site.
pub fn redirect_target(written: &str) -> Result<RedirectTarget, String> {
    let written = written.trim();
    let lower = written.to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://"))
        && !written.contains(char::is_whitespace)
    {
        return Ok(RedirectTarget::Url(written.to_string()));
    }
    let segments = segments(written, "redirect target")?;
    let mut path = segments.join("/");
    if !path.is_empty() && (written.ends_with('/') || !path.contains('.')) {
        path.push('/');
    }
    Ok(RedirectTarget::Site(SitePath::new(url_encoded(&path))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_directories_or_html_files_inside_the_site() {
        for (written, path) in [
            ("/old/path/", "old/path/"),
            ("old/path", "old/path/"),
            ("/old.html", "old.html"),
            ("/Old.HTML", "Old.HTML"),
            ("/a//b/", "a/b/"),
            ("/café au lait/", "caf%C3%A9%20au%20lait/"),
        ] {
            assert_eq!(alias_site_path(written).unwrap(), path, "{written}");
        }
        for refused in [
            "../../etc",
            "/a/../../etc/",
            "./x",
            "/",
            "",
            "https://example.org/x",
            "//evil.org/x",
            "a\\b",
            "/a?b",
            "/a#b",
            "a\0b",
        ] {
            assert!(alias_site_path(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn redirect_targets_are_urls_or_site_paths() {
        assert_eq!(
            redirect_target("https://example.org/x").unwrap(),
            RedirectTarget::Url("https://example.org/x".into())
        );
        for (written, path) in [
            ("/news/", "news/"),
            ("news", "news/"),
            ("/", ""),
            ("/files/a.pdf", "files/a.pdf"),
        ] {
            assert_eq!(
                redirect_target(written).unwrap(),
                RedirectTarget::Site(SitePath::new(path)),
                "{written}"
            );
        }
        for refused in ["../x", "ftp://x/y", "/a/../.."] {
            assert!(redirect_target(refused).is_err(), "{refused}");
        }
    }
}
