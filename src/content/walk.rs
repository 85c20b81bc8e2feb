//! Listing an input directory (`content/`, `static/`, `templates/`) under one rule for all three.
//!
//! A symbolic link whose target lies inside the site root is followed, to a file or a directory
//! alike (walkdir stops a directory link that leads back to its own ancestor). A link that leaves
//! the root, leads into the output directory (whose files would be copied into the next output,
//! which grows with every build), dangles or loops is a diagnostic naming the link and its target. Nothing under the
//! directory is skipped without a word except dotfiles and editor files: a pipe, a device or a
//! name that is not UTF-8 is reported too.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{display_path, is_ignored_name, relative_slash_path};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// One file found: its path relative to the listed directory with `/` separators, and where
/// it is on disk (through any links).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub relative: String,
    pub path: PathBuf,
}

/// Lists the files at or under `start`, which is `dir` or a path inside it.
///
/// Only a site root that cannot be resolved is an error; every problem with an entry becomes a
/// diagnostic, and the rest of the directory is still listed.
pub fn list_files(
    config: &Config,
    dir: &Path,
    start: &Path,
) -> anyhow::Result<(Vec<Listed>, Diagnostics)> {
    let root = config.root.as_path();
    let bounds = Bounds {
        root: root
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", root.display()))?,
        // An output directory not made yet holds nothing a link could reach.
        output: config.output_dir.canonicalize().ok(),
    };
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::new();
    let mut walker = walkdir::WalkDir::new(start)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                diagnostics.push(entry_problem(root, &err));
                continue;
            }
        };
        let is_dir = entry.file_type().is_dir();
        if entry.path() != dir && is_ignored_name(entry.file_name()) {
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink()
            && let Some(problem) = link_out_of_bounds(root, &bounds, entry.path())
        {
            diagnostics.push(problem);
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        }
        if is_dir {
            continue;
        }
        if !entry.file_type().is_file() {
            diagnostics.push(
                Diagnostic::error(
                    display_path(root, entry.path()),
                    "this is not a regular file (a pipe, socket or device), so it cannot be read",
                )
                .hint("remove it: only files and directories are part of a site"),
            );
            continue;
        }
        let Some(relative) = relative_slash_path(dir, entry.path()) else {
            diagnostics.push(
                Diagnostic::error(
                    lossy_display_path(root, entry.path()),
                    "this file name is not valid UTF-8, so it cannot be part of a URL",
                )
                .hint("rename the file (or its directory) with a UTF-8 name"),
            );
            continue;
        };
        files.push(Listed {
            relative,
            path: entry.into_path(),
        });
    }
    Ok((files, diagnostics))
}

/// `path` relative to the root with invalid UTF-8 replaced, for messages about such names.
fn lossy_display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

/// Where links may lead, resolved through any links of their own.
struct Bounds {
    root: PathBuf,
    output: Option<PathBuf>,
}

/// The problem with a link that resolves, if its target is outside the site root or inside the
/// output directory.
fn link_out_of_bounds(root: &Path, bounds: &Bounds, link: &Path) -> Option<Diagnostic> {
    let resolved = link.canonicalize().ok()?;
    if bounds
        .output
        .as_ref()
        .is_some_and(|output| resolved.starts_with(output))
    {
        return Some(
            Diagnostic::error(
                display_path(root, link),
                format!(
                    "this symbolic link points into the output directory, to {}",
                    resolved.display()
                ),
            )
            .hint("point the link at the input it means instead: what is built is copied again on every build, so the output would grow with each one"),
        );
    }
    if resolved.starts_with(&bounds.root) {
        return None;
    }
    Some(
        Diagnostic::error(
            display_path(root, link),
            format!(
                "this symbolic link points outside the site, to {}",
                resolved.display()
            ),
        )
        .hint("copy the file into the site instead, or point the link inside it: a build only reads files under its root"),
    )
}

/// A walk error as a diagnostic: a dangling or looping link named with its target, anything
/// else with a hint that fits its cause.
fn entry_problem(root: &Path, err: &walkdir::Error) -> Diagnostic {
    let Some(path) = err.path() else {
        return Diagnostic::error("./", format!("cannot read a directory: {err}"));
    };
    let display = display_path(root, path);
    let target = std::fs::read_link(path)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    if let Some(ancestor) = err.loop_ancestor() {
        return Diagnostic::error(
            display,
            format!(
                "this symbolic link points to {target}, which contains the link itself (a loop): {} would be listed forever",
                display_path(root, ancestor)
            ),
        )
        .hint("point the link at a directory that does not contain it, or remove it");
    }
    let io = err.io_error();
    let is_link = path.symlink_metadata().is_ok_and(|m| m.is_symlink());
    match io.map(std::io::Error::kind) {
        Some(std::io::ErrorKind::NotFound) if is_link => Diagnostic::error(
            display,
            format!("this symbolic link points to {target}, which does not exist"),
        )
        .hint("point the link at an existing file inside the site, or remove it"),
        _ if is_link
            && io.and_then(std::io::Error::raw_os_error)
                == Some(rustix::io::Errno::LOOP.raw_os_error()) =>
        {
            Diagnostic::error(
                display,
                format!("this symbolic link points to {target}, which leads back to itself (a loop of links never ends)"),
            )
            .hint("point the link at a real file inside the site, or remove it")
        }
        _ => Diagnostic::error(display, format!("cannot read this entry: {err}"))
            .hint(io.map_or("check its permissions", super::io_hint)),
    }
}
