//! `site.toml` and the options a command was given, validated into one [`Config`].
//!
//! The raw file is deserialized with unknown keys refused, then checked (a base URL needs a
//! scheme and a host) and combined with command-line overrides. Errors are diagnostics that
//! point into `site.toml`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::paths::SitePath;

pub mod moment;
pub mod pagination;
mod taxonomies;

pub use taxonomies::TaxonomyConfig;

pub const CONFIG_FILE: &str = "site.toml";

/// What the command line says about a build, before `site.toml` is read.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// `--now`: the moment the site is built as of (RFC 3339, or a date alone for its
    /// midnight UTC); without it, the clock when the build starts.
    pub now: Option<String>,
    /// Whether pages under embargo are built anyway, each marked as such (the preview, so
    /// that editors can read them before they are published).
    pub show_embargoed: bool,
    /// `build --pdf`: the print edition is made even when `site.toml` does not ask for it.
    pub print_edition: bool,
}

impl BuildOptions {
    /// Where the site is written: `--output-dir`, or `<root>/public`.
    pub fn output_dir(&self) -> PathBuf {
        self.output_dir
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default)]
    publisher: String,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    taxonomies: Vec<taxonomies::RawTaxonomy>,
    #[serde(default)]
    social_cards: bool,
    #[serde(default)]
    extra: toml::Table,
    /// `/print/`, the whole site as one document; off by default, since it renders every
    /// page's text a second time.
    #[serde(default)]
    print_edition: bool,
}

fn default_language() -> String {
    "en".to_string()
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    #[serde(default = "yes")]
    pub smart_punctuation: bool,
    #[serde(default = "yes")]
    pub heading_anchors: bool,
}

fn yes() -> bool {
    true
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: true,
            heading_anchors: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub title: String,
    /// Without a trailing slash: `https://example.org/briefing`.
    pub base_url: String,
    /// Always starts and ends with `/`: `/` or `/briefing/`.
    pub base_path: String,
    pub description: String,
    pub language: String,
    pub publisher: String,
    pub markdown: MarkdownConfig,
    /// The ways pages are grouped (`[taxonomies]` in their front matter), in the file's order.
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Whether every page and section gets a social card (`card.png` beside it, its
    /// `og:image`): a PNG drawn per page costs more than rendering the page, so it is asked for.
    pub social_cards: bool,
    pub extra: toml::Table,
    pub drafts: bool,
    /// Whether the build makes `/print/` (`print_edition = true`, or `build --pdf`).
    pub print_edition: bool,
    /// The moment the site is built as of, in UTC: what embargoes, expiry and review dates
    /// are compared with: `--now`, or the clock read by [`now_of`] as the build starts; no
    /// module reads the clock itself.
    pub now: jiff::civil::DateTime,
    /// Pages under embargo are in the site, marked (the preview), not left out.
    pub show_embargoed: bool,
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub templates_dir: PathBuf,
    pub static_dir: PathBuf,
    pub output_dir: PathBuf,
    /// The fingerprint of everything this was made from: `site.toml`'s text and the command's
    /// options. What a rebuild may keep across a change of config is decided by it. `now` is
    /// left out: it moves between the rebuilds of a session, and what it changes (which pages
    /// are published) is in the site's layout, so a later moment that publishes nothing new
    /// keeps every render.
    pub fingerprint: Fingerprint,
}

impl Config {
    /// Reads `site.toml` under `options.root`. A missing or unreadable file is a diagnostic too:
    /// it is something the user can fix.
    pub fn load(options: &BuildOptions) -> Result<Config, Diagnostics> {
        let path = options.root.join(CONFIG_FILE);
        // A pipe or device named site.toml would block a read forever.
        if path.exists() && !path.is_file() {
            return Err(single(
                Diagnostic::error(
                    CONFIG_FILE,
                    format!("{CONFIG_FILE} is not a regular file, so it cannot be read"),
                )
                .hint(format!(
                    "replace it with a text file (`briefing init` writes a starter {CONFIG_FILE})"
                )),
            ));
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let zola = ["config.toml", "zola.toml"]
                    .into_iter()
                    .find(|name| options.root.join(name).is_file());
                if let Some(name) = zola {
                    let zola_text = std::fs::read_to_string(options.root.join(name));
                    return Err(single(zola_migration(name, &zola_text.unwrap_or_default())));
                }
                return Err(single(
                    Diagnostic::error(CONFIG_FILE, format!("cannot read {CONFIG_FILE}: {err}"))
                        .hint("run briefing from the site's root, pass --root DIR, or create one with `briefing init`"),
                ));
            }
            Err(err) => {
                let hint = if err.kind() == std::io::ErrorKind::NotFound {
                    "run briefing from the site's root, pass --root DIR, or create one with `briefing init`"
                } else {
                    "check the file's permissions and that it is UTF-8 text"
                };
                return Err(single(
                    Diagnostic::error(CONFIG_FILE, format!("cannot read {CONFIG_FILE}: {err}"))
                        .hint(hint),
                ));
            }
        };
        Config::parse(&text, options)
    }

    pub fn parse(text: &str, options: &BuildOptions) -> Result<Config, Diagnostics> {
        let raw: RawConfig = toml::from_str(text)
            .map_err(|err| single(toml_diagnostic(CONFIG_FILE, text, 0, &err)))?;
        let base_source = options.base_url.as_deref().unwrap_or(&raw.base_url);
        let (base_url, base_path) = parse_base_url(base_source).map_err(|message| {
            let d = Diagnostic::error(CONFIG_FILE, message)
                .hint("write a full URL such as \"https://example.org\" or \"https://example.org/briefing/\"");
            single(match options.base_url {
                Some(_) => Diagnostic {
                    path: "--base-url".into(),
                    ..d
                },
                // An empty value is found by its key: "" is at the start of any text.
                None => match text.find(raw.base_url.as_str()).filter(|_| !raw.base_url.is_empty()) {
                    Some(at) => d.in_text(text, at..at + raw.base_url.len()),
                    None => match text.find("base_url") {
                        Some(at) => d.in_text(text, at..at + "base_url".len()),
                        None => d,
                    },
                },
            })
        })?;
        let taxonomies = taxonomies::validate(raw.taxonomies, text)
            .map_err(|problems| problems.into_iter().collect::<Diagnostics>())?;
        let now = now_of(options).map_err(single)?;
        let root = options.root.clone();
        let output_dir = options.output_dir();
        let fingerprint = Fingerprinter::new()
            .str(text)
            .option_str(options.base_url.as_deref())
            .bool(options.drafts)
            .bool(options.show_embargoed)
            .bool(options.print_edition)
            .bytes(root.as_os_str().as_encoded_bytes())
            .bytes(output_dir.as_os_str().as_encoded_bytes())
            .finish();
        Ok(Config {
            title: raw.title,
            base_url,
            base_path,
            description: raw.description,
            language: raw.language,
            publisher: raw.publisher,
            markdown: raw.markdown,
            taxonomies,
            social_cards: raw.social_cards,
            extra: raw.extra,
            drafts: options.drafts,
            print_edition: raw.print_edition || options.print_edition,
            now,
            show_embargoed: options.show_embargoed,
            content_dir: root.join("content"),
            templates_dir: root.join("templates"),
            static_dir: root.join("static"),
            output_dir,
            root,
            fingerprint,
        })
    }

    /// The same config as of `now` (a session that rebuilds reads the clock for each build).
    pub fn at(&self, now: jiff::civil::DateTime) -> Config {
        Config {
            now,
            ..self.clone()
        }
    }

    /// The absolute URL of a site path such as `partnerships/` (no leading slash).
    pub fn permalink(&self, site_path: &SitePath) -> String {
        format!("{}/{}", self.base_url, site_path)
    }

    /// The base URL without its path: `https://example.org` for `https://example.org/briefing`.
    pub fn origin(&self) -> &str {
        let path = self.base_path.trim_end_matches('/');
        self.base_url.strip_suffix(path).unwrap_or(&self.base_url)
    }

    /// The root-relative URL of a site path, base path included: `/briefing/partnerships/`.
    pub fn url_path(&self, site_path: &SitePath) -> String {
        format!("{}{}", self.base_path, site_path)
    }
}

/// The moment a build of `options` is made as of, in UTC: `--now`, or the clock.
pub fn now_of(options: &BuildOptions) -> Result<jiff::civil::DateTime, Diagnostic> {
    let utc = |timestamp: jiff::Timestamp| jiff::tz::Offset::UTC.to_datetime(timestamp);
    let Some(written) = options.now.as_deref() else {
        return Ok(utc(jiff::Timestamp::now()));
    };
    let written = written.trim();
    let refuse = |problem: String| {
        Diagnostic::error("--now", format!("`{written}` is {problem}"))
            .hint("write a date and time with its offset, such as 2027-01-01T09:00:00Z or 2027-01-01T10:00:00+01:00, or a date alone (2027-01-01, midnight UTC)")
    };
    moment::check_form(written, false).map_err(|problem| {
        refuse(match problem {
            moment::FormProblem::LeapSecond => format!("not a moment briefing can read: {problem}"),
            moment::FormProblem::NotRfc3339(detail) => {
                format!("not a moment in RFC 3339: {detail}")
            }
        })
    })?;
    if let Ok(timestamp) = written.parse::<jiff::Timestamp>() {
        return Ok(utc(timestamp));
    }
    match written.parse::<jiff::civil::Date>() {
        Ok(date) if written.len() == 10 => Ok(date.to_datetime(jiff::civil::Time::midnight())),
        Ok(_) => Err(refuse("not a moment in RFC 3339".into())),
        Err(err) => Err(refuse(format!("not a moment in RFC 3339: {err}"))),
    }
}

/// Refuses output directories a build must never replace, even with --force: the site root or
/// a directory holding it (the build would delete its own sources), and one inside `content/`,
/// `templates/` or `static/` (each build would copy the previous output into the new one).
pub fn validate_output_dir(options: &BuildOptions) -> Result<(), Diagnostic> {
    let given = options.output_dir();
    let output = resolve(&given);
    let root = resolve(&options.root);
    let refuse = |why: &str| {
        Diagnostic::error(
            given.display().to_string(),
            format!("refusing to use this as the output directory: {why}"),
        )
        .hint(format!(
            "choose another --output-dir, such as {} (--force does not change this)",
            options.root.join("public").display()
        ))
    };
    if output == root {
        return Err(refuse(
            "it is the site root, and a build replaces its output directory whole",
        ));
    }
    if root.starts_with(&output) {
        return Err(refuse(
            "it contains the site root, and a build replaces its output directory whole",
        ));
    }
    for input in ["content", "templates", "static"] {
        let input_dir = resolve(&root.join(input));
        if output.starts_with(&input_dir) {
            return Err(refuse(&format!(
                "it is inside {input}/, so every build would copy the last output into the new one"
            )));
        }
        if input_dir.starts_with(&output) {
            return Err(refuse(&format!(
                "it contains {input}/, and a build replaces its output directory whole"
            )));
        }
        // Files reached through a link are inputs as much as the directory's own.
        let resolved = symlinks_under(&input_dir)
            .into_iter()
            .filter_map(|link| Some((link.canonicalize().ok()?, link)));
        for (target, link) in resolved {
            let shown = link.strip_prefix(&root).unwrap_or(&link).display();
            if target.starts_with(&output) || output.starts_with(&target) {
                return Err(refuse(&format!(
                    "{shown} links to {}, so the directory holds files the site is built from",
                    target.display()
                )));
            }
        }
    }
    Ok(())
}

/// The symbolic links at or under `dir`, not followed. Links are few, and listing a directory
/// tree without following them needs no `stat` per file. The watcher lists them the same way.
pub fn symlinks_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path_is_symlink())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// `path` made absolute, with symlinks and `..` resolved as far as it exists, so that
/// `public -> .` or `content/../content/out` is seen for what it is.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.clone();
    let mut missing = Vec::new();
    loop {
        if let Ok(mut resolved) = existing.canonicalize() {
            for part in missing.iter().rev() {
                if *part == ".." {
                    resolved.pop();
                } else {
                    resolved.push(part);
                }
            }
            return resolved;
        }
        let Some(last) = existing.components().next_back() else {
            return absolute;
        };
        missing.push(last.as_os_str().to_os_string());
        if !existing.pop() {
            return absolute;
        }
    }
}

/// What to do with a Zola site's `config.toml` (named `name`, holding `text`): which of its keys
/// carry over to `site.toml` as they are, which under another name, and which have no
/// equivalent.
fn zola_migration(name: &str, text: &str) -> Diagnostic {
    const SAME: [&str; 8] = [
        "title",
        "base_url",
        "description",
        "language",
        "publisher",
        "markdown",
        "taxonomies",
        "extra",
    ];
    const RENAMED: [(&str, &str); 2] = [("default_language", "language"), ("author", "publisher")];
    let table: toml::Table = text.parse().unwrap_or_default();
    let mut same = Vec::new();
    let mut renamed = Vec::new();
    let mut dropped = Vec::new();
    for key in table.keys() {
        if SAME.contains(&key.as_str()) {
            same.push(format!("`{key}`"));
        } else if let Some((_, new)) = RENAMED.iter().find(|(old, _)| old == key) {
            renamed.push(format!("`{key}` as `{new}`"));
        } else {
            dropped.push(format!("`{key}`"));
        }
    }
    let mut hint = String::from("create site.toml");
    if !same.is_empty() {
        hint.push_str(&format!(" with {} as they are", same.join(", ")));
    }
    if !renamed.is_empty() {
        hint.push_str(&format!("; {}", renamed.join(", ")));
    }
    if !dropped.is_empty() {
        hint.push_str(&format!(
            "; {} have no equivalent in briefing, leave them out",
            dropped.join(", ")
        ));
    }
    hint.push_str(" (README: \"Coming from Zola\")");
    Diagnostic::error(
        CONFIG_FILE,
        format!("there is no {CONFIG_FILE} here, but a Zola {name}: briefing reads its settings from {CONFIG_FILE}"),
    )
    .hint(hint)
}

fn single(diagnostic: Diagnostic) -> Diagnostics {
    std::iter::once(diagnostic).collect()
}

/// Returns `(base_url without trailing slash, base path with both slashes)`.
/// Whether `segment` of a base URL's path can be a folder on a host as it is written: the
/// characters a URL path may hold unescaped (letters past ASCII too), percent-escapes that do
/// not spell `.`, `..` or a slash (browsers read `%2e%2e` as `..`), and nothing that would
/// need escaping in the HTML and XML every page and feed writes it into.
fn folder_segment(segment: &str) -> bool {
    let plain = |c: char| c.is_alphanumeric() || "-._~!$&'()*+,;=:@%".contains(c);
    if !segment.chars().all(plain) {
        return false;
    }
    let bytes = segment.as_bytes();
    let escapes_valid = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || (bytes.len() > i + 2
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit())
    });
    let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
    escapes_valid && decoded != "." && decoded != ".." && !decoded.contains(['/', '\\'])
}

pub fn parse_base_url(input: &str) -> Result<(String, String), String> {
    let input = input.trim();
    let rest = input
        .strip_prefix("https://")
        .or_else(|| input.strip_prefix("http://"))
        .ok_or_else(|| match input.split_once("://") {
            Some((scheme, _)) => format!(
                "base_url `{input}` uses the scheme `{scheme}`: it must start with https:// or http://"
            ),
            None => format!("base_url `{input}` has no scheme: it must start with https:// or http://"),
        })?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '.' | ':' | '[' | ']' | '@');
    if host.is_empty() || !host.chars().all(host_char) {
        return Err(format!("base_url `{input}` has no valid host name"));
    }
    // Every page, the sitemap and the feed carry the base URL: a password in it is published.
    if host.contains('@') {
        return Err(format!(
            "base_url `{input}` holds a user name or password (before `@`), which every page would publish; give the public address only"
        ));
    }
    if !path.split('/').all(folder_segment) {
        return Err(format!(
            "base_url `{input}` has a path that cannot be a folder on a host"
        ));
    }
    let path = path.trim_matches('/');
    let scheme_len = input.len() - rest.len();
    let base_url = if path.is_empty() {
        format!("{}{host}", &input[..scheme_len])
    } else {
        format!("{}{host}/{path}", &input[..scheme_len])
    };
    let base_path = if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    };
    Ok((base_url, base_path))
}

/// Turns a TOML error into a diagnostic in `path`, where the TOML text starts at byte `offset`
/// of `file_text`. Unknown keys get a "did you mean" when a known key is close.
pub fn toml_diagnostic(
    path: &str,
    file_text: &str,
    offset: usize,
    err: &toml::de::Error,
) -> Diagnostic {
    toml_diagnostic_at(path, file_text, err, &|span| {
        offset + span.start..offset + span.end
    })
}

/// [`toml_diagnostic`] for TOML that is not where the file has it (made from YAML):
/// `located` says where a span of the TOML is in `file_text`.
pub fn toml_diagnostic_at(
    path: &str,
    file_text: &str,
    err: &toml::de::Error,
    located: &dyn Fn(std::ops::Range<usize>) -> std::ops::Range<usize>,
) -> Diagnostic {
    let message = err.message().trim().to_string();
    let mut diagnostic = Diagnostic::error(path, first_line(&message));
    if let Some(span) = err.span() {
        diagnostic = diagnostic.in_text(file_text, located(span));
    }
    diagnostic.hint(toml_hint(&message))
}

/// What to do about the unknown key `field`, given the `known` ones: the nearest, or the list.
pub fn unknown_key_hint(field: &str, known: &[&str]) -> String {
    match did_you_mean(field, known.iter().copied()) {
        Some(suggestion) => format!("did you mean `{suggestion}`?"),
        None if !known.is_empty() => format!(
            "the known keys are {}; put anything else under [extra]",
            known.join(", ")
        ),
        None => "remove the key, or put it under [extra]".to_string(),
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_string()
}

/// Serde's "unknown field `x`, expected one of `a`, `b`": the field and the known ones.
pub fn unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
    let known = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty())
        .collect();
    Some((field, known))
}

fn toml_hint(message: &str) -> String {
    if let Some((field, known)) = unknown_field(message) {
        return unknown_key_hint(field, &known);
    }
    if message.starts_with("missing field") {
        return "add the field; see the README's content model".to_string();
    }
    if message.contains("invalid date") || message.contains("invalid time") {
        return "write dates as YYYY-MM-DD (2026-11-24) with a real day of the month".to_string();
    }
    if message.contains("invalid type") {
        return "check the value's type: strings are quoted, numbers are not, dates are written 2026-11-24".to_string();
    }
    "fix the TOML syntax: strings are quoted, each key appears once, tables are [name]".to_string()
}

#[cfg(test)]
mod tests;
