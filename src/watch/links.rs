//! What a build reads from outside the directories watched whole: the targets of symbolic links
//! in the source directories (a build reads through a link, see `content::walk`) and the files
//! `load_data` reads, with the links those are. Every place their content can change from is
//! listed: each hop of a chain of links, the final target (a directory in full, with the links
//! inside it), and every directory on the way from the site root to each of them, so that a
//! directory renamed, replaced or made anywhere on the way is an event too. An event on any of
//! them counts as an event on the link.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use notify::RecursiveMode;

use crate::config::symlinks_under;

/// How deep links inside linked directories are followed; a loop stops here.
const MAX_DEPTH: usize = 8;
/// How many hops of one chain are followed, as the kernel's own limit (ELOOP) is 40.
const MAX_HOPS: usize = 40;

/// Where each link's content may change from, and the directories to watch for it.
#[derive(Default)]
pub(super) struct Links {
    /// (a path on disk, the path through the link).
    aliases: Vec<(PathBuf, PathBuf)>,
    /// Directories to watch: linked ones in full, those on the way alone.
    places: BTreeMap<PathBuf, RecursiveMode>,
}

/// What the links are looked up in, and what is watched without them.
pub(super) struct Scope<'a> {
    pub root: &'a Path,
    /// Watched in full already; their links are looked for.
    pub source_dirs: &'a [PathBuf],
    /// Files `load_data` was asked for, absolute.
    pub data_files: &'a BTreeSet<PathBuf>,
}

impl Links {
    /// Finds every link again and lists what each reads from. Walks the source directories
    /// (without a `stat` per file): only for a link or a directory made, moved or removed.
    pub(super) fn refresh(&mut self, scope: &Scope<'_>) {
        self.aliases.clear();
        self.places.clear();
        for dir in scope.source_dirs {
            for link in symlinks_under(dir) {
                self.follow(scope.root, &link, &link, 0);
            }
        }
        for file in scope.data_files {
            self.on_the_way(scope.root, file);
            self.follow(scope.root, file, file, 0);
        }
        self.keep_places_not_covered(scope);
    }

    /// The directories to watch, and how.
    pub(super) fn places(&self) -> &BTreeMap<PathBuf, RecursiveMode> {
        &self.places
    }

    fn follow(&mut self, root: &Path, seen_as: &Path, link: &Path, depth: usize) {
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
            self.on_the_way(root, &next);
            self.aliases.push((next.clone(), seen_as.to_path_buf()));
            current = next;
        }
        if depth < MAX_DEPTH && current.is_dir() {
            self.places
                .insert(current.clone(), RecursiveMode::Recursive);
            for inner in symlinks_under(&current) {
                if let Ok(rest) = inner.strip_prefix(&current) {
                    self.follow(root, &seen_as.join(rest), &inner, depth + 1);
                }
            }
        }
    }

    /// Lists every directory from the root down to the one holding `path`, as far as they
    /// exist: a directory on the way renamed, replaced or made is an event in the one above it,
    /// and the next look at the links watches what is there now.
    fn on_the_way(&mut self, root: &Path, path: &Path) {
        let Ok(relative) = path.strip_prefix(root) else {
            return;
        };
        let mut dir = root.to_path_buf();
        let parts: Vec<_> = relative.components().collect();
        for part in parts.iter().take(parts.len().saturating_sub(1)) {
            dir.push(part);
            if !dir.is_dir() {
                break;
            }
            self.places
                .entry(dir.clone())
                .or_insert(RecursiveMode::NonRecursive);
        }
    }

    /// Leaves out what is watched whole already (the source directories, a linked directory
    /// around it) and the root, watched alone from the start. Watching a directory inside one
    /// watched in full again, alone, would make notify forget to watch what is made in it, and
    /// letting go of it would let go of the watches of everything under it.
    fn keep_places_not_covered(&mut self, scope: &Scope<'_>) {
        let whole: Vec<PathBuf> = self
            .places
            .iter()
            .filter(|(_, mode)| **mode == RecursiveMode::Recursive)
            .map(|(dir, _)| dir.clone())
            .chain(scope.source_dirs.iter().cloned())
            .collect();
        self.places.retain(|dir, _| {
            dir != scope.root
                && !whole
                    .iter()
                    .any(|outer| dir.starts_with(outer) && dir != outer)
                && !scope.source_dirs.iter().any(|source| dir == source)
        });
    }

    /// Whether an event at `path` may change where links point or what must be watched: it is
    /// at or above a watched place, above something linked or read, or one of the links. Only
    /// memory is looked at; an edit of a linked file itself is none of these.
    pub(super) fn stands_on(&self, path: &Path, data_files: &BTreeSet<PathBuf>) -> bool {
        let above = |inner: &Path| inner.starts_with(path) && inner != path;
        self.places.keys().any(|place| place.starts_with(path))
            || self
                .aliases
                .iter()
                .any(|(on_disk, seen_as)| above(on_disk) || seen_as.starts_with(path))
            || data_files.iter().any(|file| above(file))
    }

    /// Whether `path` is inside a watched place, where a directory or a link made may hold or
    /// be a link of its own.
    pub(super) fn inside_a_place(&self, path: &Path) -> bool {
        self.places.keys().any(|place| path.starts_with(place))
    }

    /// `paths` and, for each at or under a place a link reads from, the same path through the
    /// link; and whether any was.
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

    fn links(aliases: &[(&str, &str)], places: &[(&str, RecursiveMode)]) -> Links {
        Links {
            aliases: aliases
                .iter()
                .map(|(on_disk, seen_as)| (PathBuf::from(on_disk), PathBuf::from(seen_as)))
                .collect(),
            places: places
                .iter()
                .map(|(dir, mode)| (PathBuf::from(dir), *mode))
                .collect(),
        }
    }

    #[test]
    fn events_where_a_link_reads_from_count_for_the_link() {
        let links = links(
            &[
                ("/site/shared/page.md", "/site/content/news/page.md"),
                ("/site/shared/img", "/site/static/img"),
            ],
            &[],
        );
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
    fn only_what_is_on_the_way_makes_the_links_looked_at_again() {
        let links = links(
            &[("/site/shared/t.md", "/site/content/news/t.md")],
            &[("/site/shared", RecursiveMode::NonRecursive)],
        );
        let data: BTreeSet<PathBuf> = [PathBuf::from("/site/data/d.toml")].into();
        let stands_on = |path: &str| links.stands_on(Path::new(path), &data);
        // The place itself, a directory above it, the folder holding a link, the link.
        for moved in ["/site/shared", "/site", "/site/content/news", "/site/data"] {
            assert!(stands_on(moved), "{moved}");
        }
        assert!(stands_on("/site/content/news/t.md"));
        // Saving the linked file, the data file or another file: an ordinary edit.
        for saved in [
            "/site/shared/t.md",
            "/site/data/d.toml",
            "/site/content/news/other.md",
            "/site/shared2",
        ] {
            assert!(!stands_on(saved), "{saved}");
        }
    }

    #[test]
    fn every_directory_on_the_way_is_watched_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let content = root.join("content");
        std::fs::create_dir_all(root.join("a/b/linked")).unwrap();
        std::fs::create_dir_all(root.join("a/b/linked/sub")).unwrap();
        std::fs::create_dir_all(&content).unwrap();
        std::fs::create_dir_all(root.join("data")).unwrap();
        std::os::unix::fs::symlink("../a/b/linked", content.join("ext")).unwrap();
        let data: BTreeSet<PathBuf> =
            [root.join("data/d.toml"), root.join("content/x.toml")].into();
        let mut links = Links::default();
        links.refresh(&Scope {
            root: &root,
            source_dirs: std::slice::from_ref(&content),
            data_files: &data,
        });
        let got: Vec<(PathBuf, RecursiveMode)> = links
            .places()
            .iter()
            .map(|(p, m)| (p.clone(), *m))
            .collect();
        assert_eq!(
            got,
            vec![
                (root.join("a"), RecursiveMode::NonRecursive),
                (root.join("a/b"), RecursiveMode::NonRecursive),
                (root.join("a/b/linked"), RecursiveMode::Recursive),
                (root.join("data"), RecursiveMode::NonRecursive),
            ]
        );
    }

    #[test]
    fn a_link_is_read_against_its_own_directory() {
        assert_eq!(
            lexical(Path::new("/site/static/../shared/./img/../logo.svg")),
            PathBuf::from("/site/shared/logo.svg")
        );
    }
}
