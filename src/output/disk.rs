//! The output directory on disk: one writer at a time, never a directory briefing did not
//! write, never a half-written site, never a temporary file inside it.
//!
//! [`OutputDir::claim`] locks the directory for this process and refuses one that is neither
//! empty nor a previous output (which carries the [`MARKER`] file). A whole site is written
//! into a staging directory beside the output and swapped in with one rename (Linux
//! `RENAME_EXCHANGE`). `watch` changes a few files in place, each by a rename from a scratch
//! directory beside the output; it stages the whole site instead for a large rewrite, when it
//! cannot tell what is on disk, and after any failed write, so the next write always repairs
//! the last one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, anyhow, bail};
use rayon::prelude::*;

use super::lock::Lock;
use super::{Bytes, Output};
use crate::diagnostics::Diagnostic;
use crate::paths::OutputKey;

/// The file that marks a directory as briefing's output, at its top. It lives inside the
/// output, not in a record elsewhere, so that it follows the directory through moves, copies
/// and backups, and vouches for nothing that later takes the directory's path.
pub const MARKER: &str = ".briefing-output";
/// Inside a staging or scratch directory while briefing fills it; removed before it is swapped in.
const STAGING_MARKER: &str = ".briefing-staging";

const MARKER_TEXT: &str = "This directory is a site built by briefing, which replaces it whole on every build.\nWithout this file, briefing refuses to build into a directory that is not empty.\n";

/// An update touching more files than this stages the whole site instead. A few files go one
/// by one in a millisecond; a rewrite of hundreds (a template edit) takes long enough for a kill
/// to land in the middle, and writing everything afresh costs about the same.
const STAGE_ABOVE: usize = 256;

/// Which existing directories a build may replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// An empty directory or a previous output.
    OutputOnly,
    /// Any directory (`--force`).
    Anything,
}

/// An output directory that this process alone writes to, for as long as the value lives.
#[derive(Debug)]
pub struct OutputDir {
    path: PathBuf,
    parent: PathBuf,
    name: String,
    overwrite: Overwrite,
    _lock: Lock,
    /// Exactly what the directory holds, when known: not before the first write, nor after a
    /// failed one.
    on_disk: Option<Output>,
    /// Where a file is written before it is renamed into the output: beside it, not in it.
    scratch: Option<tempfile::TempDir>,
    /// The removal of the output a whole write replaced.
    removing: Option<std::thread::JoinHandle<()>>,
}

impl Drop for OutputDir {
    /// The removal ends before the lock is let go (fields drop after this), so that a stopped
    /// `watch` leaves nothing beside the output.
    fn drop(&mut self) {
        self.finish_removing();
    }
}

/// How an [`OutputDir::update`] went.
#[derive(Debug)]
pub enum Written {
    /// The files that differ were replaced and the ones gone removed, one by one.
    Files { written: usize, removed: usize },
    /// The whole site was staged and swapped in; `after` is why, when file by file failed.
    Whole { after: Option<anyhow::Error> },
}

impl OutputDir {
    /// Locks `path` for this process and checks that a build may replace it. A directory that
    /// must not be replaced is a [`Diagnostic`]; another briefing writing it is an error that
    /// names its pid.
    pub fn claim(
        path: &Path,
        overwrite: Overwrite,
    ) -> anyhow::Result<Result<OutputDir, Diagnostic>> {
        let path = std::path::absolute(path)
            .with_context(|| format!("cannot resolve {}", path.display()))?;
        // A link to the real output (`public -> /var/www/site`) stays a link: the directory it
        // names is the one replaced, beside which the staging goes.
        let path = match path.symlink_metadata() {
            Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(&path)
                .with_context(|| {
                    format!(
                        "{} is a symbolic link to something that does not exist; create the directory it names or remove the link",
                        path.display()
                    )
                })?,
            _ => path,
        };
        let parent = path
            .parent()
            .context("the output directory cannot be the file system root")?
            .to_path_buf();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .context("the output directory needs a UTF-8 name")?
            .to_string();
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let lock = Lock::acquire(&parent.join(format!(".{name}.briefing-lock")), &path)?;
        if let Err(refusal) = replaceable(&path, overwrite)? {
            return Ok(Err(refusal));
        }
        // Ours alone now: whatever staging a killed build or watch left beside it is stale.
        remove_stale_staging(&parent, &name);
        Ok(Ok(OutputDir {
            path,
            parent,
            name,
            overwrite,
            _lock: lock,
            on_disk: None,
            scratch: None,
            removing: None,
        }))
    }

    /// An empty directory beside the output, to be filled and then swapped in.
    pub fn staging(&self) -> anyhow::Result<Staging<'_>> {
        let dir = tempfile::Builder::new()
            .prefix(&staging_prefix(&self.name))
            .tempdir_in(&self.parent)
            .with_context(|| {
                format!(
                    "cannot create a staging directory in {} (is it writable?)",
                    self.parent.display()
                )
            })?;
        // Marks the directory as briefing's own before anything else goes in: the next writer
        // removes only what carries this (or the output marker), never a directory of the user's
        // that merely has a similar name.
        let mark = dir.path().join(STAGING_MARKER);
        std::fs::write(&mark, "").with_context(|| format!("cannot write {}", mark.display()))?;
        Ok(Staging { dir, owner: self })
    }

    /// Replaces the whole directory with `output`, in one rename.
    pub fn replace(&mut self, output: &Output) -> anyhow::Result<()> {
        self.on_disk = None;
        // One previous output on its way out at a time.
        self.finish_removing();
        let staging = self.staging()?;
        output.write_into(&staging)?;
        let previous = staging.swap_in()?;
        self.on_disk = Some(output.clone());
        // `--force` was for the directory there at the start; from now on it is briefing's
        // own, and a folder of the user's put in its place while `watch` runs is refused.
        self.overwrite = Overwrite::OutputOnly;
        // The new site is in place; the old one goes in the background, so that the next
        // rebuild does not wait for thousands of deletions. If they fail, the next claim of the
        // directory removes what is left, as it does after a kill.
        self.removing = previous.map(|previous| {
            std::thread::spawn(move || {
                let _ = remove_previous(previous);
            })
        });
        Ok(())
    }

    fn finish_removing(&mut self) {
        if let Some(removing) = self.removing.take() {
            let _ = removing.join();
        }
    }

    /// Brings the directory to `output`: file by file when it holds a known earlier output and
    /// few files differ, else (and when file by file fails) as a whole new directory.
    pub fn update(&mut self, output: &Output) -> anyhow::Result<Written> {
        // Without the marker, the directory was removed or tampered with behind our back.
        let Some(on_disk) = self.on_disk.take().filter(|_| carries_marker(&self.path)) else {
            self.replace(output)?;
            return Ok(Written::Whole { after: None });
        };
        let removed: Vec<&str> = on_disk
            .paths()
            .map(OutputKey::as_str)
            .filter(|p| !output.contains(p))
            .collect();
        let changed: Vec<(&str, &Bytes)> = output
            .iter()
            .map(|(path, bytes)| (path.as_str(), bytes))
            .filter(|&(path, bytes)| {
                on_disk
                    .get(path)
                    .is_none_or(|old| !Arc::ptr_eq(old, bytes) && old != bytes)
            })
            .collect();
        // A folder of the output replaced by a link behind our back would take a write or a
        // removal through it, out of the output: only a whole new directory is safe. One
        // deleted behind our back (a clean-up, a sync tool) is written whole again too.
        let touched = removed
            .iter()
            .copied()
            .chain(changed.iter().map(|&(p, _)| p));
        if removed.len() + changed.len() > STAGE_ABOVE
            || folders_on_the_way(&self.path, touched, &on_disk) != Folders::AsWritten
            || !holds_top_names(&self.path, &on_disk)
        {
            self.replace(output)?;
            return Ok(Written::Whole { after: None });
        }
        match self.write_files(&removed, &changed) {
            Ok(()) => {
                let written = Written::Files {
                    written: changed.len(),
                    removed: removed.len(),
                };
                self.on_disk = Some(output.clone());
                Ok(written)
            }
            Err(err) => {
                self.scratch = None;
                match self.replace(output) {
                    Ok(()) => Ok(Written::Whole { after: Some(err) }),
                    Err(whole) => Err(anyhow!(
                        "cannot update {} file by file ({err:#}), nor write it whole ({whole:#}); the next rebuild tries again",
                        self.path.display()
                    )),
                }
            }
        }
    }

    /// Removals first, so that a directory can take the place of a file and a file the place of
    /// a directory; then each changed file, renamed over the old one so no reader sees half of it.
    fn write_files(&mut self, removed: &[&str], changed: &[(&str, &Bytes)]) -> anyhow::Result<()> {
        for path in removed {
            let target = self.path.join(path);
            match std::fs::remove_file(&target) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    return Err(err).with_context(|| format!("cannot remove {}", target.display()));
                }
                _ => {}
            }
            // Directories left empty go too, up to the output root.
            let mut dir = target.parent();
            while let Some(d) = dir.filter(|d| *d != self.path) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        let scratch = self.scratch()?.to_path_buf();
        // Plain files with the umask's permissions, as a whole build writes them: a temporary
        // file of the tempfile crate is 0600, which a web server running as another user
        // cannot read. The scratch directory is this writer's alone, so a counter names them.
        let names = std::sync::atomic::AtomicUsize::new(0);
        changed.par_iter().try_for_each(|&(path, bytes)| {
            let target = self.path.join(path);
            let dir = target.parent().unwrap_or(&self.path);
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let n = names.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let temporary = scratch.join(format!("write-{n}"));
            std::fs::write(&temporary, bytes)
                .with_context(|| format!("cannot write {}", target.display()))?;
            std::fs::rename(&temporary, &target)
                .with_context(|| format!("cannot replace {}", target.display()))?;
            anyhow::Ok(())
        })
    }

    fn scratch(&mut self) -> anyhow::Result<&Path> {
        if self.scratch.is_none() {
            let dir = self.staging()?.dir;
            self.scratch = Some(dir);
        }
        Ok(self.scratch.as_ref().map_or(&self.parent, |s| s.path()))
    }
}

/// What the folders between the output and the files a write touches are now.
#[derive(Debug, PartialEq, Eq)]
enum Folders {
    /// Real directories, or not there yet for a file not written before.
    AsWritten,
    /// One is a symbolic link.
    Link,
    /// One that holds a file written before is gone.
    Lost,
}

/// Looks at each folder between `root` and each of `paths` (relative output paths) once; a
/// file where a folder goes is an earlier output's, removed before the writes.
fn folders_on_the_way<'a>(
    root: &Path,
    paths: impl Iterator<Item = &'a str>,
    on_disk: &Output,
) -> Folders {
    let mut seen = std::collections::HashSet::new();
    let mut missing = std::collections::HashSet::new();
    for path in paths {
        let written_before = on_disk.contains(path);
        let mut folder = root.to_path_buf();
        for part in path
            .split('/')
            .rev()
            .skip(1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            folder.push(part);
            if !seen.insert(folder.clone()) {
                if missing.contains(&folder) && written_before {
                    return Folders::Lost;
                }
                continue;
            }
            match folder.symlink_metadata() {
                Ok(meta) if meta.is_symlink() => return Folders::Link,
                Ok(meta) if !meta.is_dir() => break,
                Ok(_) => {}
                Err(_) if written_before => return Folders::Lost,
                Err(_) => {
                    missing.insert(folder.clone());
                    break;
                }
            }
        }
    }
    Folders::AsWritten
}

/// Whether every name at the top of `on_disk` is still in `root`: one listing of the top, and a
/// lookup in `on_disk` per name, however many files are under them. What goes missing deeper
/// is noticed when a write touches it; looking at every folder of a 10,000-page site on every
/// save would cost more than the save.
fn holds_top_names(root: &Path, on_disk: &Output) -> bool {
    use std::ops::Bound;
    let Ok(entries) = std::fs::read_dir(root) else {
        return false;
    };
    let present: std::collections::HashSet<std::ffi::OsString> =
        entries.filter_map(|e| Some(e.ok()?.file_name())).collect();
    let mut after: Option<(String, bool)> = None;
    loop {
        let from = match &after {
            None => Bound::Unbounded,
            Some((key, true)) => Bound::Included(key.as_str()),
            Some((key, false)) => Bound::Excluded(key.as_str()),
        };
        let Some(key) = on_disk
            .files
            .range::<str, _>((from, Bound::Unbounded))
            .next()
            .map(|(key, _)| key.as_str())
        else {
            return true;
        };
        let top = key.split('/').next().unwrap_or(key);
        if !present.contains(std::ffi::OsStr::new(top)) {
            return false;
        }
        // Every path under `top/` sorts before `top0`, as '0' follows '/'.
        after = Some(match key.split_once('/') {
            Some((top, _)) => (format!("{top}0"), true),
            None => (key.to_string(), false),
        });
    }
}

/// `Ok(Err(..))` when a build must not replace `path`: it is a file, or a directory that is
/// neither empty nor a previous output (unless `overwrite` says anything goes).
fn replaceable(path: &Path, overwrite: Overwrite) -> anyhow::Result<Result<(), Diagnostic>> {
    let display = path.display().to_string();
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Ok(())),
        Err(err) => return Err(err).with_context(|| format!("cannot read {display}")),
    };
    if !metadata.is_dir() {
        return Ok(Err(Diagnostic::error(
            &display,
            format!("refusing to use {display} as the output directory: it is a file"),
        )
        .hint("choose another --output-dir, or move the file away")));
    }
    let empty = std::fs::read_dir(path)
        .with_context(|| format!("cannot read {display}"))?
        .next()
        .is_none();
    if empty || overwrite == Overwrite::Anything {
        return Ok(Ok(()));
    }
    if carries_marker(path) {
        // A build never writes a dotfile at the top, so one there (a `.git` of a checked-out
        // gh-pages branch, say) was put there by someone, and a build would delete it.
        let foreign = std::fs::read_dir(path)
            .with_context(|| format!("cannot read {display}"))?
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with('.') && name != MARKER)
            .min();
        let Some(foreign) = foreign else {
            return Ok(Ok(()));
        };
        return Ok(Err(Diagnostic::error(
            &display,
            format!(
                "refusing to replace {display}: it holds {foreign}, which briefing never writes, so a build would delete it"
            ),
        )
        .hint(format!("move {foreign} out of the output directory (keep the files a host needs in static/), or pass --force to replace the directory and everything in it"))));
    }
    Ok(Err(Diagnostic::error(
        &display,
        format!(
            "refusing to replace {display}: it is not empty and briefing did not build it (it has no {MARKER} file), so everything in it would be lost"
        ),
    )
    .hint("choose a new or empty --output-dir, or pass --force to replace this directory and everything in it")))
}

/// A new output directory being filled beside the current one, which it replaces whole in
/// [`Staging::commit`]. Dropped without a commit, it is removed and the current output stays as
/// it was: a build can write pages as it renders them and still fail without a trace.
#[derive(Debug)]
pub struct Staging<'a> {
    dir: tempfile::TempDir,
    /// Borrowed, so the lock is held until the staging directory is gone or swapped in.
    owner: &'a OutputDir,
}

impl Staging<'_> {
    /// Where the staged files are, for a step that reads them before the swap (the PDF).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes one file at its output path (`partnerships/index.html`). Safe to call from many
    /// threads at once.
    pub fn write(&self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let target = self.dir.path().join(path);
        let dir = target.parent().unwrap_or(self.dir.path());
        // One mkdir for a page's own directory; an existing one costs a failed mkdir and a stat.
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        std::fs::write(&target, bytes).with_context(|| format!("cannot write {}", target.display()))
    }

    /// Puts the staged output in place of the current one, in one rename, and removes the
    /// previous one.
    pub fn commit(self) -> anyhow::Result<()> {
        match self.swap_in()? {
            Some(previous) => remove_previous(previous),
            None => Ok(()),
        }
    }

    /// Puts the staged output in place of the current one, in one rename; returns the previous
    /// one, now where the staging directory was (removed when dropped).
    fn swap_in(self) -> anyhow::Result<Option<tempfile::TempDir>> {
        let Staging { dir, owner } = self;
        let mark = dir.path().join(STAGING_MARKER);
        std::fs::remove_file(&mark).with_context(|| format!("cannot remove {}", mark.display()))?;
        let marker = dir.path().join(MARKER);
        std::fs::write(&marker, MARKER_TEXT)
            .with_context(|| format!("cannot write {}", marker.display()))?;
        let out_dir = &owner.path;
        // Checked again: a watch may run for days, and the directory may have changed hands.
        if let Err(refusal) = replaceable(out_dir, owner.overwrite)? {
            bail!("{}; {}", refusal.message, refusal.hint.unwrap_or_default());
        }
        if out_dir.symlink_metadata().is_err() {
            let staged = dir.keep();
            std::fs::rename(&staged, out_dir).with_context(|| {
                format!("cannot move the new output into {}", out_dir.display())
            })?;
            return Ok(None);
        }
        swap_directories(dir.path(), out_dir)?;
        Ok(Some(dir))
    }
}

fn remove_previous(previous: tempfile::TempDir) -> anyhow::Result<()> {
    let path = previous.keep();
    // The marker goes last: a removal stopped by something that cannot be removed then leaves a
    // directory that still says it is briefing's, which the next claim removes as after a kill.
    // (Removed in the order the directory lists them, it could go first and leave the rest
    // there for good.)
    let mut first_error = None;
    for entry in std::fs::read_dir(&path)
        .with_context(|| format!("cannot read the previous output at {}", path.display()))?
    {
        let removed = entry.and_then(|entry| {
            if entry.file_name() == MARKER {
                Ok(())
            } else if entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(entry.path())
            } else {
                std::fs::remove_file(entry.path())
            }
        });
        first_error = first_error.or(removed.err());
    }
    match first_error {
        None => std::fs::remove_dir_all(&path),
        Some(err) => Err(err),
    }
    .with_context(|| format!("cannot remove the previous output at {}", path.display()))
}

/// Whether `dir` holds the marker briefing writes, as briefing writes it: an empty file, or a
/// link to another site's marker, vouches for nothing.
fn carries_marker(dir: &Path) -> bool {
    let marker = dir.join(MARKER);
    is_plain_file(&marker)
        && std::fs::read(&marker).is_ok_and(|text| text == MARKER_TEXT.as_bytes())
}

fn is_plain_file(path: &Path) -> bool {
    path.symlink_metadata().is_ok_and(|m| m.is_file())
}

fn staging_prefix(name: &str) -> String {
    format!(".{name}.briefing-staging-")
}

/// A build or watch killed midway leaves its staging or scratch directory behind. Called only
/// with the lock held, so no live process is using any of them.
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = staging_prefix(name);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(&prefix))
            && entry.file_type().is_ok_and(|t| t.is_dir())
            && ([STAGING_MARKER, MARKER]
                .iter()
                .any(|m| is_plain_file(&path.join(m)))
                || std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none()));
        if ours {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

#[cfg(target_os = "linux")]
fn swap_directories(new: &Path, current: &Path) -> anyhow::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, new, CWD, current, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // Some file systems cannot exchange; fall back to two renames.
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::OPNOTSUPP) => {
            swap_by_renames(new, current)
        }
        Err(err) => Err(std::io::Error::from(err))
            .with_context(|| format!("cannot swap the new output into {}", current.display())),
    }
}

#[cfg(not(target_os = "linux"))]
fn swap_directories(new: &Path, current: &Path) -> anyhow::Result<()> {
    swap_by_renames(new, current)
}

fn swap_by_renames(new: &Path, current: &Path) -> anyhow::Result<()> {
    let aside = new.with_extension("previous");
    std::fs::rename(current, &aside)
        .with_context(|| format!("cannot move {} aside", current.display()))?;
    if let Err(err) = std::fs::rename(new, current) {
        let _ = std::fs::rename(&aside, current);
        return Err(err)
            .with_context(|| format!("cannot move the new output into {}", current.display()));
    }
    std::fs::rename(&aside, new).with_context(|| format!("cannot tidy up {}", aside.display()))
}

#[cfg(test)]
mod tests;
