//! The three kinds of path a site has, each its own type, and every conversion between them.
//!
//! - [`ContentPath`]: a path under `content/`, as written there: `partnerships/a24-google.md`.
//! - [`SitePath`]: what follows the base path in a URL, with no leading slash:
//!   `partnerships/a24-google/` (the home page is ``), `css/my%20style.css`, `sources/#wired`.
//!   Percent-encoded as a URL is.
//! - [`OutputKey`]: a file of the output, decoded: `partnerships/a24-google/index.html`,
//!   `css/my style.css`.
//!
//! Slugs are here too: they are how a content path becomes a site path. This module sits at
//! the bottom of the pipeline beside `diagnostics`, so every module can name these types.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Lower-case ASCII letters and digits joined by single hyphens: `"Lionsgate × Runway"` gives
/// `lionsgate-runway`. Non-Latin text is transliterated first.
pub fn slugify(text: &str) -> String {
    // Borrowed, not copied, when the text is ASCII already (nearly every heading).
    let ascii = deunicode::deunicode_with_tofu_cow(text, "-");
    let mut out = String::with_capacity(ascii.len());
    let mut pending_hyphen = false;
    for byte in ascii.bytes() {
        if byte.is_ascii_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.push(char::from(byte.to_ascii_lowercase()));
        } else {
            pending_hyphen = true;
        }
    }
    out
}

/// The directory a path under `content/` is in: `a/b` for `a/b/c.md`, `` for `a`.
pub fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// A path under `content/`: a Markdown file's (`partnerships/a24-google.md`), or that of
/// another file or a directory there (`partnerships/chart.png`, `partnerships`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ContentPath(String);

/// A URL path without the base path and the leading slash: `partnerships/a24-google/`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(transparent)]
pub struct SitePath(String);

/// A file of the output, decoded: `partnerships/a24-google/index.html`. Shared, not copied: a
/// rebuild starts from a copy of the previous output, and copying ten thousand keys should
/// cost reference counts, not allocations.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutputKey(Arc<str>);

impl ContentPath {
    pub fn new(path: impl Into<String>) -> ContentPath {
        ContentPath(path.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The directory it is in: `partnerships` for `partnerships/a24-google.md`, `` for `x.md`.
    pub fn dir(&self) -> &str {
        parent_dir(&self.0)
    }

    /// Its file name without `.md`: what names the page when its front matter sets no slug.
    /// A bundle's `index.md` is named by its folder, as in Zola and Hugo.
    pub fn file_stem(&self) -> &str {
        let path = if self.is_bundle_index() {
            self.dir()
        } else {
            &self.0
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        name.strip_suffix(".md").unwrap_or(name)
    }

    /// The `index.md` of a page bundle: `gallery/index.md` is the page `gallery/`, and the
    /// other files of its folder are published beside it. `content/index.md` is no bundle:
    /// the root is the home page's folder.
    pub fn is_bundle_index(&self) -> bool {
        self.0.ends_with("/index.md")
    }

    /// The directory of the section this file belongs to (for an `_index.md`, the one it
    /// makes): a bundle's `index.md` belongs to the section around its folder.
    fn section_dir(&self) -> &str {
        if self.is_bundle_index() {
            parent_dir(self.dir())
        } else {
            self.dir()
        }
    }

    /// The path a link written in this file names, relative to the file's folder as on
    /// GitHub (`../s/page.md`, `still.png`, `./deck.pdf`), with `.` and `..` resolved; `None`
    /// when it climbs out of `content/`. `written` is decoded, without fragment or query.
    pub fn join_relative(&self, written: &str) -> Option<ContentPath> {
        let mut parts: Vec<&str> = self.dir().split('/').filter(|s| !s.is_empty()).collect();
        for part in written.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                name => parts.push(name),
            }
        }
        let mut joined = parts.join("/");
        if written.ends_with('/') && !joined.is_empty() {
            joined.push('/');
        }
        Some(ContentPath(joined))
    }

    /// This path as a relative link from `file` writes it: `../s/page.md` from `news/a.md`.
    pub fn written_from(&self, file: &ContentPath) -> String {
        let from: Vec<&str> = file.dir().split('/').filter(|s| !s.is_empty()).collect();
        let to: Vec<&str> = self.0.split('/').collect();
        let common = from
            .iter()
            .zip(&to[..to.len() - 1])
            .take_while(|(a, b)| a == b)
            .count();
        let mut written = "../".repeat(from.len() - common);
        written.push_str(&to[common..].join("/"));
        written
    }

    /// Where a file of `content/` that is not Markdown is published: in the folder of the
    /// section or page bundle it sits in, whose URL has every folder name slugified
    /// (`Trips 2024/Lisbon/still.png` is `trips-2024/lisbon/still.png`); its own name is kept.
    pub fn published_key(&self) -> OutputKey {
        let (dir, name) = self.0.rsplit_once('/').unwrap_or(("", &self.0));
        let mut key = String::with_capacity(self.0.len());
        for folder in dir.split('/').filter(|s| !s.is_empty()) {
            let slug = slugify(folder);
            if !slug.is_empty() {
                key.push_str(&slug);
                key.push('/');
            }
        }
        key.push_str(name);
        OutputKey::from(key)
    }

    /// An `_index.md`, which makes a section.
    pub fn is_section_file(&self) -> bool {
        self.0 == "_index.md" || self.0.ends_with("/_index.md")
    }

    /// The site path of the section whose `_index.md` this is (or, for a page, of the section
    /// it is in): every directory slugified, `Partners & Co/_index.md` is `partners-co/`; a
    /// bundle's `gallery/index.md` is in the section around `gallery/`.
    pub fn section_site_path(&self) -> SitePath {
        SitePath(
            self.section_dir()
                .split('/')
                .filter(|s| !s.is_empty())
                .map(|s| format!("{}/", slugify(s)))
                .collect(),
        )
    }

    /// The site path of the page this file is, named `slug` in its section.
    pub fn page_site_path(&self, slug: &str) -> SitePath {
        let SitePath(mut path) = self.section_site_path();
        path.push_str(slug);
        path.push('/');
        SitePath(path)
    }

    /// The site path the file has when its front matter sets no `slug`: what a link to a file
    /// that failed to parse most likely means.
    pub fn default_site_path(&self) -> SitePath {
        if self.is_section_file() {
            return self.section_site_path();
        }
        self.page_site_path(&slugify(self.file_stem()))
    }
}

impl SitePath {
    /// A site path as a URL writes it (percent escapes kept).
    pub fn new(path: impl Into<String>) -> SitePath {
        SitePath(path.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The entry of a source on the sources page: `sources/#wired`.
    pub fn of_source(id: &str) -> SitePath {
        SitePath(format!("sources/#{id}"))
    }

    /// The output file this names: `news/` is `news/index.html`, escapes decoded.
    pub fn output_key(&self) -> OutputKey {
        OutputKey::of_site_path(&self.0)
    }
}

impl OutputKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The output file a site path names (`news/` is `news/index.html`), escapes decoded.
    pub fn of_site_path(site_path: &str) -> OutputKey {
        let mut key = String::new();
        OutputKey::write_of_site_path(site_path, &mut key);
        OutputKey::from(key)
    }

    /// [`OutputKey::of_site_path`] written into `key` (cleared first), for a caller that looks
    /// up many and keeps one buffer.
    pub fn write_of_site_path(site_path: &str, key: &mut String) {
        key.clear();
        key.push_str(&percent_encoding::percent_decode_str(site_path).decode_utf8_lossy());
        OutputKey::complete_directory(key);
    }

    /// The output file a decoded URL path names (a request's path once the server decoded it):
    /// a directory is its `index.html`.
    pub fn of_decoded(path: &str) -> OutputKey {
        let mut key = path.to_string();
        OutputKey::complete_directory(&mut key);
        OutputKey::from(key)
    }

    fn complete_directory(key: &mut String) {
        if key.is_empty() || key.ends_with('/') {
            key.push_str("index.html");
        }
    }

    /// `news` asked for as a directory: `news/index.html`.
    pub fn directory_index(&self) -> OutputKey {
        OutputKey::from(format!("{}/index.html", self.0))
    }

    /// The site path that reaches this file: a directory's `index.html` by the directory, and
    /// every name percent-encoded (a space, `#`, `?`, `%`, letters past ASCII), the slashes
    /// kept.
    pub fn site_path(&self) -> SitePath {
        let file = self.0.strip_suffix("index.html").unwrap_or(&self.0);
        SitePath(url_encoded(file))
    }
}

/// What a URL path may not hold as it is (a space, `#`, `?`, `%` and the like, and every byte
/// past ASCII): the WHATWG path percent-encode set, plus `%` so a name holding one stays itself.
const PATH_ENCODED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'%');

/// A file's path as it goes in a URL: each name percent-encoded, the slashes kept.
pub fn url_encoded(file: &str) -> String {
    file.split('/')
        .map(|name| percent_encoding::utf8_percent_encode(name, PATH_ENCODED).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

macro_rules! string_like {
    ($name:ident) => {
        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                &*self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                &*self.0 == *other
            }
        }
    };
}

string_like!(ContentPath);
string_like!(SitePath);
string_like!(OutputKey);

impl From<String> for OutputKey {
    fn from(key: String) -> OutputKey {
        OutputKey(key.into())
    }
}

impl From<&str> for OutputKey {
    fn from(key: &str) -> OutputKey {
        OutputKey(key.into())
    }
}

impl From<Arc<str>> for OutputKey {
    fn from(key: Arc<str>) -> OutputKey {
        OutputKey(key)
    }
}

impl From<&OutputKey> for OutputKey {
    fn from(key: &OutputKey) -> OutputKey {
        key.clone()
    }
}

#[cfg(test)]
mod tests;
