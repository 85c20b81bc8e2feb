//! Finding and reading what editors wrote under `content/`.
//!
//! [`discover`] walks the directory (following symbolic links inside the site, refusing
//! those that leave it: see [`walk`]), and [`parse_document`] turns one Markdown file into a
//! [`Document`]: its front matter read and validated, its body located. Both are pure with
//! respect to the rest of the site, so the watcher can re-read a single file.

pub mod corrections;
mod date;
pub mod desk;
pub mod front_matter;
pub mod placeholder;
pub mod routes;
pub mod slug;
pub mod sources;
pub mod walk;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fingerprint::{self, Fingerprint};
use crate::paths::ContentPath;
pub use desk::DeskDates;
use front_matter::{Date, PageMeta, Positions, SectionMeta, Split};

pub const SOURCES_FILE: &str = "sources.toml";

/// The files found under `content/`, in sorted order.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Markdown files, as paths relative to `content/` with `/` separators.
    pub markdown: Vec<String>,
    /// Other files copied to the output as they are (images beside a page, say).
    pub assets: Vec<String>,
    pub has_sources: bool,
}

/// Lists `content/`. Problems with single entries (a link out of the site, a loop) become
/// diagnostics; only a failure to read the directory itself is an error.
pub fn discover(config: &Config) -> anyhow::Result<(Inventory, Diagnostics)> {
    let content_dir = &config.content_dir;
    if !content_dir.is_dir() {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(
            Diagnostic::error("content/", "there is no content/ directory").hint(
                "create content/_index.md for the front page; `briefing init` makes a starter site",
            ),
        );
        return Ok((Inventory::default(), diagnostics));
    }
    discover_under(config, content_dir)
}

/// Lists `start` (a file or directory inside `content_dir`) as [`discover`] lists the whole.
pub fn discover_under(config: &Config, start: &Path) -> anyhow::Result<(Inventory, Diagnostics)> {
    let mut inventory = Inventory::default();
    let (files, mut diagnostics) = walk::list_files(config, &config.content_dir, start)?;
    for walk::Listed { relative, .. } in files {
        if relative == SOURCES_FILE {
            inventory.has_sources = true;
        } else if relative.ends_with(".md") {
            inventory.markdown.push(relative);
        } else if let Some(extension) = markdown_by_another_name(&relative) {
            // Copied as it is, it would publish its front matter, drafts included.
            diagnostics.push(
                Diagnostic::error(
                    format!("content/{relative}"),
                    format!("a Markdown file ending in `.{extension}` is neither a page nor a file to copy"),
                )
                .hint("rename it to end in `.md` to make it a page, or move it out of content/"),
            );
        } else {
            inventory.assets.push(relative);
        }
    }
    Ok((inventory, diagnostics))
}

/// A hint for a failed read that fits its cause: a name too long is not a permissions problem.
pub fn io_hint(err: &std::io::Error) -> &'static str {
    let raw = err.raw_os_error();
    if raw == Some(rustix::io::Errno::NAMETOOLONG.raw_os_error()) {
        return "the path is longer than the file system allows (255 bytes for one name, 4096 for a whole path): shorten the file or directory names";
    }
    if raw == Some(rustix::io::Errno::LOOP.raw_os_error()) {
        return "remove the symbolic links that loop";
    }
    match err.kind() {
        std::io::ErrorKind::NotFound => {
            "check that it exists: it may have been moved or deleted during the build"
        }
        std::io::ErrorKind::PermissionDenied => {
            "check its permissions (chmod u+r for files, u+rx for directories)"
        }
        _ => "check that it is a readable file",
    }
}

/// The extension of a file that is Markdown by another name (`Plan.MD`, `notes.markdown`).
fn markdown_by_another_name(relative: &str) -> Option<&str> {
    let (_, extension) = relative.rsplit_once('.').filter(|(_, e)| *e != "md")?;
    ["md", "markdown", "mdown", "mkd", "mkdn"]
        .iter()
        .any(|known| extension.eq_ignore_ascii_case(known))
        .then_some(extension)
}

/// Dotfiles, editor backups and swap files are never content.
pub fn is_ignored_name(name: &std::ffi::OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        // Left by merges and patches (git mergetool, patch) and by hand: copies, not content.
        || [".orig", ".rej", ".bak", ".old"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
        || name == "4913"
        || (name.starts_with('#') && name.ends_with('#'))
}

pub fn relative_slash_path(base: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(base).ok()?;
    let mut out = String::new();
    for component in relative.components() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(component.as_os_str().to_str()?);
    }
    Some(out)
}

/// A path as the user sees it in messages: relative to the site root when possible.
pub fn display_path(root: &Path, path: &Path) -> String {
    relative_slash_path(root, path).unwrap_or_else(|| path.display().to_string())
}

#[derive(Debug, Clone)]
pub enum Meta {
    Page(PageMeta),
    Section(SectionMeta),
}

/// One Markdown file, read and with its front matter validated.
#[derive(Debug, Clone)]
pub struct Document {
    /// Relative to `content/`: `partnerships/a24-google.md`.
    pub relative_path: ContentPath,
    /// Relative to the site root, for messages: `content/partnerships/a24-google.md`.
    pub display_path: String,
    /// The file's text as read, shared without being copied (an `Arc<str>` copied every file:
    /// 12 M instructions of a 1,000-page build, callgrind).
    pub text: Arc<String>,
    pub split: Split,
    /// Where the spans of `meta` are in `text`.
    pub positions: Positions,
    pub meta: Meta,
    pub title: String,
    pub date: Option<Date>,
    /// Its own `updated`, or its newest correction's date when that is later.
    pub updated: Option<Date>,
    /// Its embargo, expiry and review dates (embargo and expiry on pages only).
    pub desk: DeskDates,
    /// A page's `[[corrections]]`, newest first.
    pub corrections: Vec<corrections::Correction>,
    /// The last path segment of the URL (pages only).
    pub slug: String,
    /// Its aliases, and a section's `redirect_to` and pagination, checked.
    pub routes: routes::Routes,
    /// The fingerprint of the file's bytes, which a rebuild compares to tell an unchanged file;
    /// `None` in a one-off build, which has no rebuild to tell it to.
    pub fingerprint: Option<Fingerprint>,
}

impl Document {
    /// Whether `self` and `other` were read from the same bytes. False when either was read
    /// without a hash: only a difference can be told apart from "not known".
    pub fn same_bytes(&self, other: &Document) -> bool {
        fingerprint::known_equal(self.fingerprint, other.fingerprint)
    }

    pub fn body(&self) -> &str {
        &self.text[self.split.body.clone()]
    }

    /// The same document without its Markdown body, for a one-off build that has rendered it:
    /// the front matter stays, so messages about it still point at the right place.
    pub fn without_body(&self) -> Document {
        let body_start = self.split.body.start;
        Document {
            text: Arc::new(self.text[..body_start].to_string()),
            split: Split {
                format: self.split.format,
                front_matter: self.split.front_matter.clone(),
                body: body_start..body_start,
            },
            ..self.clone()
        }
    }

    /// The byte range of `text` that `span`, a span of a front matter value, stands for.
    pub fn front_matter_range(&self, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.positions.in_file(span)
    }

    pub fn is_section(&self) -> bool {
        matches!(self.meta, Meta::Section(_))
    }

    pub fn is_draft(&self) -> bool {
        matches!(&self.meta, Meta::Page(meta) if meta.draft)
    }
}

/// Whether documents are fingerprinted as they are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hashing {
    /// For a session that rebuilds (watch, serve): later reads are compared with the hash.
    Hash,
    /// For a one-off build: nothing is ever compared, so the hashing (3% of a build) is saved.
    Skip,
}

/// Reads the Markdown files named, in parallel: each one's document, or its problems.
pub fn read_documents_each(
    root: &Path,
    content_dir: &Path,
    markdown: &[String],
    hashing: Hashing,
) -> BTreeMap<String, Result<Arc<Document>, Vec<Diagnostic>>> {
    let results: Vec<Result<Arc<Document>, Vec<Diagnostic>>> = markdown
        .par_iter()
        .map(|relative| {
            let display = display_path(root, &content_dir.join(relative));
            let bytes = std::fs::read(content_dir.join(relative)).map_err(|err| {
                vec![
                    Diagnostic::error(&display, format!("cannot read this file: {err}"))
                        .hint(io_hint(&err)),
                ]
            })?;
            read_document(relative, &display, bytes, hashing).map(Arc::new)
        })
        .collect();
    markdown.iter().cloned().zip(results).collect()
}

/// Turns one file's bytes into a [`Document`], or every problem found in it.
pub fn parse_document(
    relative_path: &str,
    display_path: &str,
    bytes: Vec<u8>,
) -> Result<Document, Vec<Diagnostic>> {
    read_document(relative_path, display_path, bytes, Hashing::Hash)
}

fn read_document(
    relative_path: &str,
    display_path: &str,
    bytes: Vec<u8>,
    hashing: Hashing,
) -> Result<Document, Vec<Diagnostic>> {
    if let Some(language) = translation_language(relative_path) {
        return Err(vec![
            Diagnostic::error(
                display_path,
                format!(
                    "this looks like a translation (language `{language}`): languages are not supported yet"
                ),
            )
            .hint(format!(
                "to publish it as a page of its own, rename it without `.{language}`; otherwise move it out of content/"
            )),
        ]);
    }
    let fingerprint = (hashing == Hashing::Hash).then(|| Fingerprint::of(&bytes));
    let text = into_text(display_path, bytes).map_err(|d| vec![d])?;
    let split = front_matter::split(display_path, &text).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let relative_path = ContentPath::new(relative_path);
    let is_section = relative_path.is_section_file();
    let file = File {
        display_path,
        text: &text,
        split: &split,
    };
    let read = read_meta(&file, is_section, &mut problems)?;
    let title = checked_title(
        &file,
        &read.positions,
        read.title,
        is_section,
        &mut problems,
    );
    let slug = checked_slug(
        &file,
        &read.positions,
        &read.meta,
        &relative_path,
        &mut problems,
    );
    let routes = routes::checked_routes(
        display_path,
        &text,
        &read.positions,
        &read.meta,
        &mut problems,
    );
    problems.extend(placeholder::in_front_matter(display_path, &text, &split));
    if !is_section && slug.is_empty() && problems.is_empty() {
        problems.push(
            Diagnostic::error(display_path, "this file name gives an empty URL segment").hint(
                "rename the file with letters or digits, or set slug = \"...\" in its front matter",
            ),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Document {
        relative_path,
        display_path: display_path.to_string(),
        text: Arc::new(text),
        split,
        positions: read.positions,
        meta: read.meta,
        title,
        date: read.date,
        updated: read.updated,
        desk: read.desk,
        corrections: read.corrections,
        slug,
        routes,
        fingerprint,
    })
}

/// One Markdown file's text, as the steps of reading it see it.
struct File<'a> {
    display_path: &'a str,
    text: &'a str,
    split: &'a Split,
}

/// A file's front matter as parsed, before its title and slug are checked.
struct ReadMeta {
    meta: Meta,
    positions: Positions,
    title: Option<toml::Spanned<String>>,
    date: Option<Date>,
    updated: Option<Date>,
    desk: DeskDates,
    corrections: Vec<corrections::Correction>,
}

/// The front matter of a section or a page; a date that does not parse is added to `problems`,
/// front matter that does not parse at all is the error.
fn read_meta(
    file: &File<'_>,
    is_section: bool,
    problems: &mut Vec<Diagnostic>,
) -> Result<ReadMeta, Vec<Diagnostic>> {
    let (display_path, text) = (file.display_path, file.text);
    let read_date = |value: &Option<toml::Spanned<toml::Value>>,
                     positions: &Positions,
                     problems: &mut Vec<Diagnostic>| {
        value.as_ref().and_then(|v| {
            front_matter::parse_date(display_path, text, positions, v)
                .map_err(|d| problems.push(d))
                .ok()
        })
    };
    if is_section {
        let (meta, positions): (SectionMeta, _) =
            front_matter::parse(display_path, text, file.split)?;
        let updated = read_date(&meta.updated, &positions, problems);
        let no_schedule = None;
        let desk = desk::read(
            (file.display_path, file.text),
            &positions,
            [&no_schedule, &no_schedule, &meta.reviewed, &meta.review_by],
            problems,
        );
        Ok(ReadMeta {
            title: meta.title.clone(),
            meta: Meta::Section(meta),
            positions,
            date: None,
            updated,
            desk,
            corrections: Vec::new(),
        })
    } else {
        let (meta, positions): (PageMeta, _) = front_matter::parse(display_path, text, file.split)?;
        let date = read_date(&meta.date, &positions, problems);
        let updated = read_date(&meta.updated, &positions, problems);
        let desk = desk::read(
            (file.display_path, file.text),
            &positions,
            [
                &meta.publish_date,
                &meta.expiry_date,
                &meta.reviewed,
                &meta.review_by,
            ],
            problems,
        );
        let written = corrections::WrittenIn {
            path: file.display_path,
            text: file.text,
            positions: &positions,
        };
        let corrections =
            corrections::checked(&written, &meta.corrections, problems).unwrap_or_default();
        Ok(ReadMeta {
            title: meta.title.clone(),
            meta: Meta::Page(meta),
            updated: corrections::updated_with(updated, &corrections),
            positions,
            date,
            desk,
            corrections,
        })
    }
}

/// The title, or an empty one and a problem: a page must have one, and none may be blank.
fn checked_title(
    file: &File<'_>,
    positions: &Positions,
    title: Option<toml::Spanned<String>>,
    is_section: bool,
    problems: &mut Vec<Diagnostic>,
) -> String {
    match title {
        Some(title) if !title.get_ref().trim().is_empty() => title.into_inner(),
        Some(title) => {
            problems.push(
                Diagnostic::error(file.display_path, "the title is empty")
                    .in_text(file.text, positions.in_file(title.span()))
                    .hint("write the title readers should see, e.g. title = \"Scope of the deal\""),
            );
            String::new()
        }
        None if is_section => String::new(),
        None => {
            let start = file.split.front_matter.start;
            problems.push(
                Diagnostic::error(file.display_path, "this page has no title")
                    .in_text(file.text, start..start)
                    .hint("add a line such as title = \"Scope of the deal\" to the front matter"),
            );
            String::new()
        }
    }
}

/// A page's slug: its front matter's, checked, or its file name's; a section has none.
fn checked_slug(
    file: &File<'_>,
    positions: &Positions,
    meta: &Meta,
    relative_path: &ContentPath,
    problems: &mut Vec<Diagnostic>,
) -> String {
    match meta {
        Meta::Page(page) => match &page.slug {
            // The files of a bundle are published in its folder: a slug would part the page
            // from them.
            Some(slug) if relative_path.is_bundle_index() => {
                problems.push(
                    Diagnostic::error(
                        file.display_path,
                        "a page bundle's URL is its folder's name, so it cannot set a slug",
                    )
                    .in_text(file.text, positions.in_file(slug.span()))
                    .hint(format!(
                        "rename the folder content/{}/ instead, and remove this line",
                        relative_path.dir()
                    )),
                );
                String::new()
            }
            Some(slug) => slug::validate_slug(slug.get_ref()).unwrap_or_else(|message| {
                problems.push(
                    Diagnostic::error(file.display_path, message)
                        .in_text(file.text, positions.in_file(slug.span()))
                        .hint("a slug is one URL segment: letters, digits and hyphens, e.g. slug = \"a24-google\""),
                );
                String::new()
            }),
            None => slug::slugify(relative_path.file_stem()),
        },
        Meta::Section(_) => String::new(),
    }
}

/// ISO 639-1 language codes: what Zola's translated files are named with.
const LANGUAGES: [&str; 183] = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de",
    "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy",
    "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia",
    "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk",
    "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo",
    "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd",
    "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl",
    "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl",
    "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk",
    "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// The language of a translated file as Zola names them (`_index.fr.md`, `deal.pt-br.md`), which
/// would otherwise be read as a page of its own at a URL no one meant. Only a known language
/// code counts: `sitemap.xml.md` is a page about a sitemap.
pub fn translation_language(relative_path: &str) -> Option<&str> {
    let name = relative_path.rsplit('/').next().unwrap_or(relative_path);
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let (_, language) = stem.rsplit_once('.')?;
    let (primary, region) = language.split_once('-').unwrap_or((language, ""));
    let region_ok = region.is_empty()
        || ((2..=8).contains(&region.len()) && region.bytes().all(|b| b.is_ascii_alphanumeric()));
    (LANGUAGES.contains(&primary) && region_ok).then_some(language)
}

/// Checks the bytes are text: valid UTF-8 with no NUL bytes.
fn into_text(display_path: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if let Some(nul) = memchr::memchr(0, &bytes) {
        let prefix = String::from_utf8_lossy(&bytes[..nul]).into_owned();
        return Err(Diagnostic::error(
            display_path,
            "this looks like a binary file, not Markdown text (it contains a NUL byte)",
        )
        .in_text(&prefix, prefix.len()..prefix.len())
        .hint("content/*.md files must be UTF-8 text; move binary files out of content/ or give them their own extension"));
    }
    String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&err.as_bytes()[..valid]).into_owned();
        Diagnostic::error(display_path, "this file is not valid UTF-8 text")
            .in_text(&prefix, valid..valid)
            .hint("save the file as UTF-8 (most editors have an encoding option in Save As)")
    })
}

/// The files of `static/` at or under `start`, relative to `static/`, sorted; dotfiles and
/// editor files skipped. A site without `static/` has none.
pub fn discover_static(
    config: &Config,
    start: &Path,
) -> anyhow::Result<(Vec<walk::Listed>, Diagnostics)> {
    if !config.static_dir.is_dir() {
        return Ok((Vec::new(), Diagnostics::new()));
    }
    walk::list_files(config, &config.static_dir, start)
}

#[cfg(test)]
mod tests;
