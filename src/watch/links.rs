//! Symbolic links in the source directories, seen through. A build reads through a link (see
//! `content::walk`), so every place its content can change from is watched: each hop of a chain
//! of links, the final target (a directory in full, with the links inside it), and for a link
//! that dangles, the nearest directory that exists on the way to where it points. An event on
//! any of them counts as an event on the link, and the links are looked at again.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use notify::RecursiveMode;

use crate::config::symlinks_under;

/// How deep links inside linked directories are followed; a loop stops here.
const MAX_DEPTH: usize = 8;
/// How many hops of one chain are followed, as the kernel's own limit (ELOOP) is 40.
const MAX_HOPS: usize = 40;

/// Where each link's content may change from: (a path on disk, the path through the link).
#[derive(Default)]
pub(super) struct Links {
    aliases: Vec<(PathBuf, PathBuf)>,
    watched: HashSet<(PathBuf, bool)>,
}

impl Links {
    /// Finds every link under `dirs` again and watches what each reads from, through `watch`
    /// (a path, recursively or not; false if it could not be watched).
    pub(super) fn refresh(
        &mut self,
        root: &Path,
        dirs: &[&Path],
        watch: &mut dyn FnMut(&Path, RecursiveMode) -> bool,
    ) {
        self.aliases.clear();
        for dir in dirs {
            for link in symlinks_under(dir) {
                self.follow(root, &link, &link, watch, 0);
            }
        }
    }

    fn follow(
        &mut self,
        root: &Path,
        seen_as: &Path,
        link: &Path,
        watch: &mut dyn FnMut(&Path, RecursiveMode) -> bool,
        depth: usize,
    ) {
        let mut current = link.to_path_buf();
        for _ in 0..MAX_HOPS {
            let Ok(target) = std::fs::read_link(&current) else {
                break;
            };
            let next = lexical(&current.parent().unwrap_or(root).join(target));
            // A link out of the site fails the build; where it points is none of ours.
            if !next.starts_with(root) {
                return;
            }
            self.watch_on_the_way(&next, watch);
            self.aliases.push((next.clone(), seen_as.to_path_buf()));
            current = next;
        }
        if depth < MAX_DEPTH && current.is_dir() {
            self.watch_once(&current, RecursiveMode::Recursive, watch);
            for inner in symlinks_under(&current) {
                if let Ok(rest) = inner.strip_prefix(&current) {
                    self.follow(root, &seen_as.join(rest), &inner, watch, depth + 1);
                }
            }
        }
    }

    /// Watches the directory that holds `path`, or, where it does not exist yet, the nearest one
    /// that does: the directory made there on the way is an event for the link, and the next
    /// look at the links watches it in turn.
    fn watch_on_the_way(
        &mut self,
        path: &Path,
        watch: &mut dyn FnMut(&Path, RecursiveMode) -> bool,
    ) {
        let Some(parent) = path.parent() else { return };
        let mut existing = parent;
        while !existing.is_dir() {
            match existing.parent() {
                Some(up) => existing = up,
                None => return,
            }
        }
        self.watch_once(existing, RecursiveMode::NonRecursive, watch);
    }

    fn watch_once(
        &mut self,
        path: &Path,
        mode: RecursiveMode,
        watch: &mut dyn FnMut(&Path, RecursiveMode) -> bool,
    ) {
        let key = (path.to_path_buf(), mode == RecursiveMode::Recursive);
        if !self.watched.contains(&key) && watch(path, mode) {
            self.watched.insert(key);
        }
    }

    /// `paths` and, for each at or under a place a link reads from, the same path through the
    /// link; and whether any was, so that the links are looked at again.
    pub(super) fn through(&self, mut paths: Vec<PathBuf>) -> (Vec<PathBuf>, bool) {
        let linked: Vec<PathBuf> = paths
            .iter()
            .flat_map(|path| {
                self.aliases.iter().filter_map(move |(on_disk, seen_as)| {
                    // A directory on the way made or removed: the link may point somewhere now.
                    if on_disk.starts_with(path) {
                        return Some(seen_as.clone());
                    }
                    let rest = path.strip_prefix(on_disk).ok()?;
                    Some(seen_as.join(rest))
                })
            })
            .collect();
        let any = !linked.is_empty();
        paths.extend(linked);
        (paths, any)
    }
}

/// `path` with `.` and `..` taken out by their names alone: where a link points is what its
/// text says, read against the link's own directory.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<PathBuf> {
        list.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn events_where_a_link_reads_from_count_for_the_link() {
        let links = Links {
            aliases: vec![
                (
                    PathBuf::from("/site/shared/page.md"),
                    PathBuf::from("/site/content/news/page.md"),
                ),
                (
                    PathBuf::from("/site/shared/img"),
                    PathBuf::from("/site/static/img"),
                ),
            ],
            watched: HashSet::new(),
        };
        let (got, any) = links.through(paths(&[
            "/site/shared/page.md",
            "/site/shared/img/a/b.svg",
            "/site/shared/other.md",
            "/site/shared/page.md.bak",
        ]));
        assert!(any);
        assert_eq!(
            got,
            paths(&[
                "/site/shared/page.md",
                "/site/shared/img/a/b.svg",
                "/site/shared/other.md",
                "/site/shared/page.md.bak",
                "/site/content/news/page.md",
                "/site/static/img/a/b.svg",
            ])
        );
        let (_, any) = links.through(paths(&["/site/shared/other.md"]));
        assert!(!any);
        // The directory a link points into, made: the link may resolve now.
        let (got, any) = links.through(paths(&["/site/shared"]));
        assert!(any);
        assert!(got.contains(&PathBuf::from("/site/static/img")));
    }

    #[test]
    fn a_link_is_read_against_its_own_directory() {
        assert_eq!(
            lexical(Path::new("/site/static/../shared/./img/../logo.svg")),
            PathBuf::from("/site/shared/logo.svg")
        );
    }
}
