//! `briefing init` and `briefing new`: starting a site, and starting a page.
//!
//! Neither ever overwrites a file: an editor's work is worth more than a template. What they
//! refuse to do is a [`Refusal`], the user's to fix; only a failing disk is an error.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::config::CONFIG_FILE;
use crate::content::{front_matter, is_ignored_name};
use crate::paths::ContentPath;

/// A request refused because of what was asked: the path named, what is wrong, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub path: String,
    pub message: String,
    pub hint: String,
}

fn refuse(path: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) -> Refusal {
    Refusal {
        path: path.into(),
        message: message.into(),
        hint: hint.into(),
    }
}

/// Most file systems refuse a longer name for one file or directory, Linux a longer path.
const NAME_MAX: usize = 255;
const PATH_MAX: usize = 4096;

/// The starter site: every file `init` writes, with its contents.
const STARTER: &[(&str, &str)] = &[
    (CONFIG_FILE, include_str!("builtin/starter/site.toml")),
    (
        "content/_index.md",
        include_str!("builtin/starter/index.md"),
    ),
    (
        "content/notes/_index.md",
        include_str!("builtin/starter/notes_index.md"),
    ),
    (
        "content/notes/first-note.md",
        include_str!("builtin/starter/first-note.md"),
    ),
    (
        "content/notes/pictured-note/index.md",
        include_str!("builtin/starter/pictured-note.md"),
    ),
    (
        "content/notes/pictured-note/chart.svg",
        include_str!("builtin/starter/chart.svg"),
    ),
    (
        "content/sources/_index.md",
        include_str!("builtin/starter/sources_index.md"),
    ),
    (
        "content/sources.toml",
        include_str!("builtin/starter/sources.toml"),
    ),
    (
        "templates/base.html",
        include_str!("builtin/starter/base.html"),
    ),
    (
        "templates/index.html",
        include_str!("builtin/starter/index.html"),
    ),
    (
        "templates/section.html",
        include_str!("builtin/starter/section.html"),
    ),
    (
        "templates/page.html",
        include_str!("builtin/starter/page.html"),
    ),
    (
        "templates/sources.html",
        include_str!("builtin/starter/sources.html"),
    ),
    (
        "templates/404.html",
        include_str!("builtin/starter/404.html"),
    ),
    (
        "templates/corrections.html",
        include_str!("builtin/starter/corrections.html"),
    ),
    (
        "static/style.css",
        include_str!("builtin/starter/style.css"),
    ),
];

/// Writes a new site into `dir`, which must not hold a site already.
pub fn init(dir: &Path) -> anyhow::Result<Result<Vec<PathBuf>, Refusal>> {
    // Everything is checked before anything is written: a refusal leaves no half a site.
    if dir.symlink_metadata().is_ok() && !dir.is_dir() {
        return Ok(Err(refuse(
            dir.display().to_string(),
            "this is a file (or a link to nowhere), so a new site cannot be made in it",
            "give the name of a new or empty directory, e.g. briefing init my-briefing",
        )));
    }
    for (relative, _) in STARTER {
        let path = dir.join(relative);
        if path.symlink_metadata().is_ok() {
            return Ok(Err(refuse(
                path.display().to_string(),
                "this file already exists; `briefing init` never overwrites files",
                "choose an empty or new directory for the new site",
            )));
        }
        if let Err(refusal) = stays_inside(dir, relative) {
            return Ok(Err(refusal));
        }
    }
    let mut written = Vec::new();
    for (relative, contents) in STARTER {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(Ok(written))
}

/// Writes `content/<requested>` with the front matter fields its sibling pages use, as
/// placeholders. Returns the path written.
pub fn new_page(
    root: &Path,
    requested: &str,
    today: &str,
) -> anyhow::Result<Result<PathBuf, Refusal>> {
    let content_dir = root.join("content");
    let relative = match page_path(&content_dir, requested) {
        Ok(relative) => relative,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if !content_dir.is_dir() {
        return Ok(Err(refuse(
            content_dir.display().to_string(),
            "there is no content/ directory here",
            "run briefing from the site's root, or pass --root DIR",
        )));
    }
    let path = content_dir.join(relative);
    if let Err(refusal) = stays_inside(root, &format!("content/{relative}")) {
        return Ok(Err(refusal));
    }
    if path.symlink_metadata().is_ok() {
        return Ok(Err(refuse(
            path.display().to_string(),
            "this file already exists; `briefing new` never overwrites a page",
            "choose another file name, or edit the existing page",
        )));
    }
    if std::path::absolute(&path).map_or(0, |p| p.as_os_str().len()) >= PATH_MAX {
        return Ok(Err(refuse(
            requested,
            format!("the page's path would be longer than the {PATH_MAX} bytes a path may have"),
            "use shorter directory and file names",
        )));
    }
    let page_dir = path.parent().unwrap_or(&content_dir).to_path_buf();
    // A bundle's `index.md` is a page of the section around its folder, named by the folder,
    // and takes no slug (its URL is its folder's).
    let bundle = ContentPath::new(relative).is_bundle_index();
    let section_dir = match bundle {
        true => page_dir.parent().unwrap_or(&content_dir),
        false => &page_dir,
    };
    let mut siblings = sibling_front_matter(section_dir);
    if bundle {
        siblings
            .iter_mut()
            .for_each(|table| drop(table.remove("slug")));
    }
    // The URL the page takes: its folder's for a bundle, its file's otherwise.
    let name = match bundle {
        true => page_dir.file_name().and_then(|n| n.to_str()).unwrap_or(""),
        false => relative.rsplit('/').next().unwrap_or(relative),
    };
    if let Some(other) = same_url_sibling(section_dir, name) {
        return Ok(Err(refuse(
            path.display().to_string(),
            format!("{other} is already published at the URL this page would take"),
            "choose a name that differs in more than case or punctuation, or edit the existing page",
        )));
    }
    let required = required_extra_fields(section_dir);
    let text = page_template(&siblings, &required, title_from_file_name(relative), today);
    std::fs::create_dir_all(&page_dir)
        .with_context(|| format!("cannot create {}", page_dir.display()))?;
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Ok(path))
}

/// Whether a file can be written at `relative` under `dir` without leaving it: each directory
/// on the way that exists is a directory (not a file) and, if it is a symbolic link, one to
/// inside `dir`. A link out would put the new file somewhere the user never asked for.
fn stays_inside(dir: &Path, relative: &str) -> Result<(), Refusal> {
    let inside = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let mut ancestor = dir.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        ancestor.push(part);
        let Ok(meta) = ancestor.symlink_metadata() else {
            return Ok(());
        };
        if meta.is_symlink() {
            let leaves = ancestor
                .canonicalize()
                .map_or(true, |target| !target.starts_with(&inside));
            if leaves {
                return Err(refuse(
                    ancestor.display().to_string(),
                    "this is a symbolic link that leads out of the site (or nowhere), so nothing is written through it",
                    "replace the link with a directory, or run in a directory without it",
                ));
            }
        }
        if !ancestor.is_dir() {
            return Err(refuse(
                ancestor.display().to_string(),
                format!(
                    "this is a file, so {} cannot go inside it",
                    parts.last().unwrap_or(&"")
                ),
                "move the file away, or choose another directory",
            ));
        }
    }
    Ok(())
}

/// The page's path relative to `content/`, if `requested` names a page a build would publish.
fn page_path<'a>(content_dir: &Path, requested: &'a str) -> Result<&'a str, Refusal> {
    if Path::new(requested).is_absolute() {
        let inside = std::path::absolute(content_dir).ok().and_then(|dir| {
            Path::new(requested)
                .strip_prefix(dir)
                .ok()
                .map(Path::to_path_buf)
        });
        let hint = match inside {
            Some(relative) => format!(
                "give the path relative to content/: briefing new {}",
                relative.display()
            ),
            None => {
                "give the path relative to content/, e.g. partnerships/netflix-example.md".into()
            }
        };
        return Err(refuse(requested, "this is an absolute path", hint));
    }
    let trimmed = requested.strip_prefix("./").unwrap_or(requested);
    let relative = trimmed.strip_prefix("content/").unwrap_or(trimmed);
    if !relative.ends_with(".md") || relative.rsplit('/').next() == Some("_index.md") {
        return Err(refuse(
            requested,
            "this is not a page path",
            "give one like partnerships/netflix-example.md (relative to content/); sections are directories with an _index.md",
        ));
    }
    for part in relative.split('/') {
        if part.is_empty() {
            return Err(refuse(
                requested,
                "this path has an empty part (`//`)",
                "give a path such as partnerships/netflix-example.md, with one `/` between names",
            ));
        }
        if part == ".." || part == "." {
            return Err(refuse(
                requested,
                "this path does not stay inside content/",
                "give a path such as partnerships/netflix-example.md, without `..` or empty parts",
            ));
        }
        if is_ignored_name(std::ffi::OsStr::new(part)) {
            return Err(refuse(
                requested,
                format!(
                    "builds skip `{part}` (dotfiles and editor backups are never content), so this page would never be published"
                ),
                "name it without the leading dot or the backup suffix, e.g. notes/hidden-page.md",
            ));
        }
        if part.len() > NAME_MAX {
            return Err(refuse(
                requested,
                format!(
                    "a name in this path is {} bytes long; file systems allow at most {NAME_MAX}",
                    part.len()
                ),
                "shorten the file name; a `slug` in the front matter can set the URL",
            ));
        }
    }
    if let Some(language) = crate::content::translation_language(relative) {
        return Err(refuse(
            requested,
            format!(
                "this name reads as a translation (language `{language}`), which builds refuse: languages are not supported yet"
            ),
            format!("name it without `.{language}`"),
        ));
    }
    Ok(relative)
}

/// A page of `section_dir` that would publish at the URL a new page named `name` would take
/// (`First.md` beside `first.md`), if any.
fn same_url_sibling(section_dir: &Path, name: &str) -> Option<String> {
    let stem = |n: &str| crate::content::slug::slugify(n.strip_suffix(".md").unwrap_or(n));
    let wanted = stem(name);
    std::fs::read_dir(section_dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|other| other.ends_with(".md") && other != "_index.md")
        .find(|other| stem(other) == wanted)
}

fn title_from_file_name(relative: &str) -> String {
    let path = ContentPath::new(relative);
    let stem = path.file_stem();
    let words: Vec<String> = stem
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut title = words.join(" ");
    if let Some(first) = title.get(..1) {
        title = first.to_uppercase() + &title[1..];
    }
    title
}

/// The parsed front matter of the pages already in `dir`, sorted by file name.
fn sibling_front_matter(dir: &Path) -> Vec<toml::Table> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter_map(|p| match p.is_dir() {
            true => Some(p.join("index.md")).filter(|index| index.is_file()),
            false => Some(p),
        })
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            let split = front_matter::split("", &text).ok()?;
            text[split.front_matter].parse::<toml::Table>().ok()
        })
        .collect()
}

/// Front matter keys that belong to one page, never copied from its siblings: a new page is
/// not a draft because another is, nor under their embargo or review.
const PER_PAGE_KEYS: [&str; 7] = [
    "draft",
    "slug",
    "updated",
    "publish_date",
    "expiry_date",
    "reviewed",
    "review_by",
];

/// The `extra_fields` that the section in `dir` requires of its pages, if it declares any.
fn required_extra_fields(dir: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(dir.join("_index.md")) else {
        return Vec::new();
    };
    let Ok(split) = front_matter::split("", &text) else {
        return Vec::new();
    };
    let Ok((toml_text, _)) = front_matter::as_toml("", &text, &split) else {
        return Vec::new();
    };
    let table = toml_text.parse::<toml::Table>().unwrap_or_default();
    let fields = table.get("extra_fields").and_then(toml::Value::as_array);
    fields
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str().map(str::to_string))
        .collect()
}

/// Front matter with the fields the section requires and the siblings use (in the first
/// sibling's order), filled with placeholders an editor replaces, and `date` set to today.
fn page_template(
    siblings: &[toml::Table],
    required_extra: &[String],
    title: String,
    today: &str,
) -> String {
    let mut keys: Vec<String> = vec!["title".into(), "description".into(), "date".into()];
    let mut extra_keys: Vec<String> = required_extra.to_vec();
    let mut max_weight = None;
    for table in siblings {
        for (key, value) in table {
            if key == "extra" {
                for extra_key in value.as_table().into_iter().flat_map(|t| t.keys()) {
                    if !extra_keys.contains(extra_key) {
                        extra_keys.push(extra_key.clone());
                    }
                }
            } else if !keys.contains(key) && !PER_PAGE_KEYS.contains(&key.as_str()) {
                keys.push(key.clone());
            }
            if key == "weight"
                && let Some(weight) = value.as_integer()
            {
                max_weight = Some(max_weight.map_or(weight, |m: i64| m.max(weight)));
            }
        }
    }
    // Comments in front matter are never published: the note to the editor stays in the file.
    let mut out = String::from(
        "+++\n# Started by `briefing new`: build and check refuse this page while it holds a TODO.\n# Cite each claim right after it with [@source-id], an id from content/sources.toml.\n",
    );
    for key in &keys {
        let line = match key.as_str() {
            "title" => format!("title = {}", toml::Value::String(title.clone())),
            "description" => {
                "description = \"TODO: one sentence on what this page covers\"".to_string()
            }
            "date" => format!("date = {today}"),
            "weight" => format!("weight = {}", max_weight.map_or(1, |w| w + 1)),
            "sources" => "sources = []  # ids from content/sources.toml".to_string(),
            "template" => continue,
            other => format!("# {other} = ...  (used by the other pages of this section)"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    if !extra_keys.is_empty() {
        out.push_str("\n[extra]\n");
        for key in &extra_keys {
            out.push_str(&format!("{key} = \"TODO\"\n"));
        }
    }
    out.push_str("+++\nTODO: write the page here.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_siblings() {
        let sibling: toml::Table = "title = \"A\"\ndate = 2026-01-01\nweight = 3\nsources = [\"x\"]\n[extra]\nstudio = \"S\"\npartner = \"P\"\n".parse().unwrap();
        let text = page_template(&[sibling], &[], "Netflix example".into(), "2026-11-24");
        assert!(text.contains("title = \"Netflix example\""));
        assert!(text.contains("date = 2026-11-24"));
        assert!(text.contains("weight = 4"));
        assert!(text.contains("[extra]\nstudio = \"TODO\"\npartner = \"TODO\""));
        let split = front_matter::split("", &text).unwrap();
        assert!(
            text[split.front_matter].parse::<toml::Table>().is_ok(),
            "the placeholder page parses"
        );
    }

    #[test]
    fn a_sections_required_fields_come_first_even_without_siblings() {
        let required = ["studio".to_string(), "goal".to_string()];
        let text = page_template(&[], &required, "A".into(), "2026-11-24");
        assert!(
            text.contains("[extra]\nstudio = \"TODO\"\ngoal = \"TODO\"\n"),
            "{text}"
        );
    }

    #[test]
    fn titles_come_from_file_names() {
        assert_eq!(
            title_from_file_name("partnerships/netflix-example.md"),
            "Netflix example"
        );
        assert_eq!(
            title_from_file_name("partnerships/lisbon-trip/index.md"),
            "Lisbon trip"
        );
    }
}
