//! Site paths (`partnerships/a24-google/`, the URL path without the base path) and the output
//! files they name.

use crate::content::Document;
use crate::content::slug::slugify;

/// `partnerships/a24-google.md` is in directory `partnerships`; `x.md` in ``.
pub(super) fn dir_of(relative_path: &str) -> &str {
    relative_path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn slugified_dirs(dir: &str) -> String {
    dir.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}/", slugify(s)))
        .collect()
}

/// The output file a site path names (`news/` is `news/index.html`), percent-escapes decoded.
pub fn output_key(site_path: &str) -> String {
    let mut key = String::new();
    output_key_into(site_path, &mut key);
    key
}

/// [`output_key`], written into `key` (cleared first), for callers that look up many.
pub fn output_key_into(site_path: &str, key: &mut String) {
    key.clear();
    key.push_str(&percent_encoding::percent_decode_str(site_path).decode_utf8_lossy());
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
}

/// The site path a Markdown file has when its front matter sets no `slug`: what a link to a
/// file that failed to parse most likely means.
pub fn default_site_path(relative_path: &str) -> String {
    if crate::content::is_section_file(relative_path) {
        return section_site_path(relative_path);
    }
    let stem = relative_path.rsplit('/').next().unwrap_or(relative_path);
    let stem = stem.strip_suffix(".md").unwrap_or(stem);
    format!(
        "{}{}/",
        slugified_dirs(dir_of(relative_path)),
        slugify(stem)
    )
}

pub fn section_site_path(relative_path: &str) -> String {
    slugified_dirs(dir_of(relative_path))
}

pub(super) fn page_site_path(doc: &Document) -> String {
    format!(
        "{}{}/",
        slugified_dirs(dir_of(&doc.relative_path)),
        doc.slug
    )
}
