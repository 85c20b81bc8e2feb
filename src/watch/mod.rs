//! Watching the site's files and turning bursts of file events into [`Changes`].
//!
//! notify (with the full debouncer, which merges the bursts editors make when they save by
//! writing a temporary file and renaming it) reports paths; [`classify`] sorts them into content,
//! templates, static files and the config, ignoring the output directory, dotfiles and editor
//! backups. Every path is taken as "look again": whether it still exists is decided by the
//! session when it re-reads it, so deletions and renames are never lost.
//!
//! A symbolic link in a source directory is read through (see `content::walk`), so its target
//! is watched too, and an event on the target is taken as an event on the link; so are the
//! files `load_data` reads. A directory on the way to any of them renamed, replaced or made is
//! watched afresh, and counts as a change of everything under it (see `links`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context as _;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer_opt};

use crate::build::{Changes, Outcome, Session};
use crate::config::{CONFIG_FILE, Config};
use crate::content::{is_ignored_name, relative_slash_path};
use crate::paths::ContentPath;

mod links;

/// How long the debouncer waits for a burst of events to end. An editor's save (write a temp
/// file, rename it over) takes microseconds; events that arrive during a build simply queue
/// for the next one, so a short window costs nothing in correctness.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// How often the debouncer looks for settled events (at most the window, which it may not
/// exceed). Its default, a quarter of the window, woke an idle `watch` 800 times a second.
const TICK: Duration = DEBOUNCE;

/// The directories a site is read from, as the watcher needs them.
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub content: PathBuf,
    pub templates: PathBuf,
    pub static_dir: PathBuf,
    pub output: PathBuf,
}

impl Layout {
    pub fn of(config: &Config) -> Layout {
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        Layout {
            root: absolute(&config.root),
            content: absolute(&config.content_dir),
            templates: absolute(&config.templates_dir),
            static_dir: absolute(&config.static_dir),
            output: absolute(&config.output_dir),
        }
    }
}

/// Sorts changed paths by what they affect. Pure: no file system access.
pub fn classify(paths: &[PathBuf], layout: &Layout) -> Changes {
    let mut changes = Changes::default();
    for path in paths {
        if path.starts_with(&layout.output) {
            continue;
        }
        let ignored = |base: &Path| {
            path.strip_prefix(base)
                .map(|rest| rest.components().any(|c| is_ignored_name(c.as_os_str())))
                .unwrap_or(true)
        };
        if path == &layout.root.join(CONFIG_FILE) {
            changes.config = true;
        } else if path.starts_with(&layout.content) {
            if ignored(&layout.content) {
                continue;
            }
            match relative_slash_path(&layout.content, path) {
                Some(relative) if relative.is_empty() => changes.config = true,
                Some(relative) => {
                    changes.content.insert(ContentPath::new(relative));
                }
                None => {}
            }
        } else if path.starts_with(&layout.templates) {
            if !ignored(&layout.templates) {
                changes.templates = true;
            }
        } else if path.starts_with(&layout.static_dir) {
            if ignored(&layout.static_dir) {
                continue;
            }
            match relative_slash_path(&layout.static_dir, path) {
                Some(relative) if relative.is_empty() => changes.config = true,
                Some(relative) => {
                    changes.static_files.insert(relative);
                }
                None => {}
            }
        }
    }
    changes
}

/// Watches a site and sends the paths of every settled burst of changes.
pub struct Watcher {
    debouncer: notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    events: mpsc::Receiver<Vec<PathBuf>>,
    layout: Layout,
    source_dirs: [PathBuf; 3],
    links: links::Links,
    /// Files templates read with `load_data`, absolute.
    data_files: BTreeSet<PathBuf>,
    /// The places of `links` watched now, and how.
    watched: BTreeMap<PathBuf, RecursiveMode>,
}

impl Watcher {
    pub fn start(layout: Layout) -> anyhow::Result<Watcher> {
        let (tx, events) = mpsc::channel();
        let root = layout.root.clone();
        let handler = move |result: DebounceEventResult| {
            let Ok(batch) = result else { return };
            let paths: Vec<PathBuf> = batch
                .into_iter()
                // Reading a file is an event too; a build's own reads must not trigger builds.
                .filter(|event| !matches!(event.kind, EventKind::Access(_)))
                // Events were lost (the kernel's queue overflowed): the root stands for all.
                .flat_map(|event| match event.need_rescan() {
                    true => vec![root.clone()],
                    false => event.event.paths,
                })
                .collect();
            if !paths.is_empty() {
                let _ = tx.send(paths);
            }
        };
        // Links are followed by `links`, by the paths they point to: notify following them too
        // would watch one directory under two names, and let go of both when the link goes.
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut debouncer = new_debouncer_opt(
            DEBOUNCE,
            Some(TICK),
            handler,
            notify_debouncer_full::RecommendedCache::new(),
            config,
        )
        .context("cannot start the file watcher")?;
        // The root alone (for site.toml and for the creation of content/, templates/, static/),
        // and each source directory in full, so the output and target dirs are never watched.
        debouncer
            .watch(&layout.root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", layout.root.display()))?;
        let source_dirs = [
            layout.content.clone(),
            layout.templates.clone(),
            layout.static_dir.clone(),
        ];
        for dir in &source_dirs {
            if dir.is_dir() {
                debouncer
                    .watch(dir, RecursiveMode::Recursive)
                    .with_context(|| format!("cannot watch {}", dir.display()))?;
            }
        }
        let mut watcher = Watcher {
            debouncer,
            events,
            layout,
            source_dirs,
            links: links::Links::default(),
            data_files: BTreeSet::new(),
            watched: BTreeMap::new(),
        };
        watcher.rewatch(&[]);
        Ok(watcher)
    }

    /// Looks at every link and data file again and watches what each reads from now. A place
    /// at or under one of `moved` (directories renamed, replaced, made or removed) is watched
    /// afresh: a watch follows a directory, not its name, so the one there now may be new.
    fn rewatch(&mut self, moved: &[PathBuf]) {
        self.links.refresh(&links::Scope {
            root: &self.layout.root,
            source_dirs: &self.source_dirs,
            data_files: &self.data_files,
        });
        let places = self.links.places();
        let stale: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|&(place, mode)| {
                places.get(place) != Some(mode) || moved.iter().any(|m| place.starts_with(m))
            })
            .map(|(place, _)| place.clone())
            .collect();
        for place in stale {
            // notify may have let go of it already, when it saw the directory go.
            let _ = self.debouncer.unwatch(&place);
            self.watched.remove(&place);
        }
        for (place, &mode) in places {
            // One that does not exist (yet) is tried again at the next look.
            if !self.watched.contains_key(place) && self.debouncer.watch(place, mode).is_ok() {
                self.watched.insert(place.clone(), mode);
            }
        }
    }

    /// The paths among `paths` that may change where links point or what must be watched: a
    /// link, a directory made where links may be found, or a directory on the way to something
    /// linked or read. One `lstat` each, no directory walk: an ordinary save is none of these.
    fn moved(&self, paths: &[PathBuf]) -> Vec<PathBuf> {
        paths
            .iter()
            .filter(|path| {
                if path.starts_with(&self.layout.output) {
                    return false;
                }
                // The root stands for everything when events were lost.
                if *path == &self.layout.root || self.links.stands_on(path, &self.data_files) {
                    return true;
                }
                // An editor's lock link or a staging directory beside the output is no source.
                if path.file_name().is_some_and(is_ignored_name) {
                    return false;
                }
                let made = path.symlink_metadata().ok().map(|meta| meta.file_type());
                let where_links_are = || {
                    self.source_dirs.iter().any(|dir| path.starts_with(dir))
                        || self.links.inside_a_place(path)
                };
                made.is_some_and(|kind| kind.is_symlink())
                    || (made.is_some_and(|kind| kind.is_dir()) && where_links_are())
            })
            .cloned()
            .collect()
    }

    /// Blocks until something changes, then returns every change that has arrived so far.
    pub fn next_changes(&mut self) -> Option<Changes> {
        loop {
            let mut paths = self.events.recv().ok()?;
            while let Ok(more) = self.events.try_recv() {
                paths.extend(more);
            }
            self.watch_new_source_dirs(&paths);
            let moved = self.moved(&paths);
            // Through the links as they were (a link just removed) and as they are now.
            let (mut paths, _) = self.links.through(paths);
            if !moved.is_empty() {
                self.rewatch(&moved);
                paths = self.links.through(paths).0;
            }
            paths.sort();
            paths.dedup();
            let mut changes = classify(&paths, &self.layout);
            // A data file, or a directory on its way: what is there now is read again.
            changes.data = paths
                .iter()
                .any(|p| self.data_files.iter().any(|file| file.starts_with(p)));
            if !changes.is_empty() {
                return Some(changes);
            }
        }
    }

    /// Watches the files `load_data` was asked for (`relative` to the root), besides those
    /// already watched: the links they are, and every directory on their way.
    pub fn track_data(&mut self, relative: &BTreeSet<String>) {
        let before = self.data_files.len();
        self.data_files
            .extend(relative.iter().map(|r| self.layout.root.join(r)));
        if self.data_files.len() != before {
            self.rewatch(&[]);
        }
    }

    fn watch_new_source_dirs(&mut self, paths: &[PathBuf]) {
        for dir in &self.source_dirs {
            if (paths.contains(dir) || paths.contains(&self.layout.root)) && dir.is_dir() {
                let _ = self.debouncer.watch(dir, RecursiveMode::Recursive);
            }
        }
    }
}

/// Rebuilds on every change, forever, calling `on_outcome` after each build.
pub fn run(
    session: &mut Session,
    watcher: &mut Watcher,
    mut on_outcome: impl FnMut(&Changes, anyhow::Result<Outcome>),
) {
    watcher.track_data(session.data_files());
    while let Some(changes) = watcher.next_changes() {
        let outcome = session.apply(&changes);
        watcher.track_data(session.data_files());
        on_outcome(&changes, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        let root = PathBuf::from("/site");
        Layout {
            content: root.join("content"),
            templates: root.join("templates"),
            static_dir: root.join("static"),
            output: root.join("public"),
            root,
        }
    }

    fn paths(list: &[&str]) -> Vec<PathBuf> {
        list.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn sorts_paths_by_kind() {
        let c = classify(
            &paths(&[
                "/site/content/a/b.md",
                "/site/templates/page.html",
                "/site/static/css/x.css",
                "/site/site.toml",
            ]),
            &layout(),
        );
        assert!(c.config && c.templates);
        assert_eq!(c.content.iter().collect::<Vec<_>>(), ["a/b.md"]);
        assert_eq!(c.static_files.iter().collect::<Vec<_>>(), ["css/x.css"]);
    }

    #[test]
    fn ignores_output_dotfiles_and_editor_files() {
        let c = classify(
            &paths(&[
                "/site/public/index.html",
                "/site/content/.a.md.swp",
                "/site/content/a.md~",
                "/site/content/4913",
                "/site/content/.#a.md",
                "/site/content/.git/x",
                "/site/templates/.page.html.swx",
                "/site/README.md",
            ]),
            &layout(),
        );
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn renamed_directory_reports_both_names() {
        let c = classify(
            &paths(&["/site/content/old", "/site/content/new"]),
            &layout(),
        );
        assert_eq!(c.content.iter().collect::<Vec<_>>(), ["new", "old"]);
    }

    #[test]
    fn recreating_a_source_directory_rebuilds_everything() {
        assert!(classify(&paths(&["/site/content"]), &layout()).config);
    }
}
