//! One writer per output directory: an advisory `flock` on a file beside it.
//!
//! The lock is on a file, not on the output directory, because a build swaps the directory
//! for a new one: a lock on the old one would guard nothing. The kernel releases a `flock` when
//! its holder dies, however it dies, so a crash never leaves the directory locked; the file
//! itself holds the holder's pid, for the message a second writer gets.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use rustix::fs::{FlockOperation, flock};

/// Held for as long as the value lives.
#[derive(Debug)]
pub(super) struct Lock {
    path: PathBuf,
    _file: File,
}

impl Lock {
    /// Takes the lock at `path` for the output directory `guarded`, or fails at once with who
    /// holds it.
    pub(super) fn acquire(path: &Path, guarded: &Path) -> anyhow::Result<Lock> {
        loop {
            // Never through a link: the file is truncated and written, and a link planted at
            // its name would have some other file overwritten or created.
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
                .open(path)
                .with_context(|| {
                    format!(
                        "cannot open the lock file {} (a symbolic link there is refused; remove it)",
                        path.display()
                    )
                })?;
            let meta = file
                .metadata()
                .with_context(|| format!("cannot read {}", path.display()))?;
            if !meta.is_file() || meta.nlink() != 1 {
                bail!(
                    "the lock file {} is not a plain file of its own (a hard link, or not a file); remove it and run again",
                    path.display()
                );
            }
            match flock(&file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => {}
                Err(rustix::io::Errno::WOULDBLOCK) => bail!(
                    "another briefing is writing {} ({}): wait for it to end or stop it, or write to another --output-dir",
                    guarded.display(),
                    holder(path)
                ),
                Err(err) => {
                    return Err(std::io::Error::from(err))
                        .with_context(|| format!("cannot lock {}", path.display()));
                }
            }
            // The last holder removes the file as it lets go; if it did so between our open and
            // our lock, we hold a file nobody else will look at, and must take the new one.
            if !is_still_at(&file, path) {
                continue;
            }
            file.set_len(0)
                .and_then(|()| writeln!(file, "{}", std::process::id()))
                .with_context(|| format!("cannot write the lock file {}", path.display()))?;
            return Ok(Lock {
                path: path.to_path_buf(),
                _file: file,
            });
        }
    }
}

impl Drop for Lock {
    /// Removed while still held (the file closes after this), so nobody locks it afterwards
    /// believing it current; see [`Lock::acquire`]. A killed holder leaves the file behind, which
    /// costs nothing: the next one locks it as usual.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn is_still_at(file: &File, path: &Path) -> bool {
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(held), Ok(current)) => held.dev() == current.dev() && held.ino() == current.ino(),
        _ => false,
    }
}

/// `pid 1234`, read from the lock file; its holder writes it just after taking the lock, so a
/// few short waits cover a holder that has only just started.
fn holder(path: &Path) -> String {
    for _ in 0..20 {
        let pid = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| text.trim().parse::<u32>().ok());
        if let Some(pid) = pid {
            return format!("pid {pid}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    "pid unknown".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_told_the_first_ones_pid_and_the_file_goes_with_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.briefing-lock");
        let guarded = dir.path().join("public");
        let first = Lock::acquire(&path, &guarded).unwrap();
        let refused = Lock::acquire(&path, &guarded).unwrap_err().to_string();
        assert!(
            refused.contains(&format!(
                "another briefing is writing {} (pid {})",
                guarded.display(),
                std::process::id()
            )),
            "{refused}"
        );
        drop(first);
        assert!(!path.exists(), "the lock file goes when the lock is let go");
        let again = Lock::acquire(&path, &guarded).unwrap();
        drop(again);
    }

    #[test]
    fn a_file_left_by_a_killed_holder_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.briefing-lock");
        std::fs::write(&path, "999999999\n").unwrap();
        let lock = Lock::acquire(&path, &dir.path().join("public")).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap().trim(),
            std::process::id().to_string()
        );
        drop(lock);
    }

    #[test]
    fn a_lock_file_replaced_after_it_was_opened_is_not_the_one_at_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.briefing-lock");
        std::fs::write(&path, "").unwrap();
        let opened = File::open(&path).unwrap();
        assert!(is_still_at(&opened, &path));
        // What a holder letting go does, and the next one creating the file anew.
        std::fs::remove_file(&path).unwrap();
        assert!(!is_still_at(&opened, &path));
        std::fs::write(&path, "").unwrap();
        assert!(!is_still_at(&opened, &path));
    }
}
