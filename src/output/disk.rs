//! The output directory on disk: a staging directory filled beside it and swapped in whole.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// A new output directory being filled beside the current one, which it replaces whole in
/// [`Staging::commit`]. Dropped without a commit, it is removed and the current output stays as
/// it was: a build can write pages as it renders them and still fail without a trace.
#[derive(Debug)]
pub struct Staging {
    dir: tempfile::TempDir,
    out_dir: PathBuf,
}

impl Staging {
    /// Makes an empty staging directory beside `out_dir`, tidying any a killed build left.
    pub fn beside(out_dir: &Path) -> anyhow::Result<Staging> {
        let out_dir = std::path::absolute(out_dir)
            .with_context(|| format!("cannot resolve {}", out_dir.display()))?;
        let parent = out_dir
            .parent()
            .context("the output directory cannot be the file system root")?;
        let name = out_dir
            .file_name()
            .and_then(|n| n.to_str())
            .context("the output directory needs a UTF-8 name")?;
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        if out_dir.exists() && !out_dir.is_dir() {
            bail!(
                "{} exists and is not a directory; remove it or choose another --output-dir",
                out_dir.display()
            );
        }
        remove_stale_staging(parent, name);
        let dir = tempfile::Builder::new()
            .prefix(&staging_prefix(name))
            .tempdir_in(parent)
            .with_context(|| {
                format!(
                    "cannot create a staging directory in {} (is it writable?)",
                    parent.display()
                )
            })?;
        Ok(Staging { dir, out_dir })
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

    /// Puts the staged output in place of the current one, in one rename.
    pub fn commit(self) -> anyhow::Result<()> {
        let Staging { dir, out_dir } = self;
        if out_dir.exists() {
            swap_directories(dir.path(), &out_dir)?;
            // `dir` now holds the previous output; dropping it removes that.
            let old = dir.path().to_path_buf();
            drop(dir);
            if old.exists() {
                std::fs::remove_dir_all(&old).with_context(|| {
                    format!("cannot remove the previous output at {}", old.display())
                })?;
            }
        } else {
            let staged = dir.keep();
            std::fs::rename(&staged, &out_dir).with_context(|| {
                format!("cannot move the new output into {}", out_dir.display())
            })?;
        }
        Ok(())
    }
}

fn staging_prefix(name: &str) -> String {
    format!(".{name}.briefing-staging-")
}

/// A build killed midway leaves its staging directory behind; the next one tidies up.
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = staging_prefix(name);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(&prefix))
        {
            let _ = std::fs::remove_dir_all(entry.path());
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
