//! Watching the site's files and turning bursts of file events into [`Changes`].
//!
//! notify (with the full debouncer, which merges the bursts editors make when they save by
//! writing a temporary file and renaming it) reports paths; [`classify`] sorts them into content,
//! templates, static files and the config, ignoring the output directory, dotfiles and editor
//! backups. Every path is taken as "look again": whether it still exists is decided by the
//! session when it re-reads it, so deletions and renames are never lost.
//!
//! A symbolic link in a source directory is read through (see `content::walk`), so its target
//! is watched too, and an event on the target is taken as an event on the link.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context as _;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

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
    _debouncer: notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    events: mpsc::Receiver<Vec<PathBuf>>,
    layout: Layout,
    links: links::Links,
    /// Files templates read with `load_data`, absolute.
    data_files: std::collections::BTreeSet<PathBuf>,
    /// The directories watched for them (each alone, not recursively).
    data_dirs: std::collections::BTreeSet<PathBuf>,
}

impl Watcher {
    pub fn start(layout: Layout) -> anyhow::Result<Watcher> {
        let (tx, events) = mpsc::channel();
        let mut debouncer =
            new_debouncer(DEBOUNCE, Some(TICK), move |result: DebounceEventResult| {
                let Ok(batch) = result else { return };
                let paths: Vec<PathBuf> = batch
                    .into_iter()
                    // Reading a file is an event too; a build's own reads must not trigger builds.
                    .filter(|event| !matches!(event.kind, EventKind::Access(_)))
                    .flat_map(|event| event.event.paths)
                    .collect();
                if !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            })
            .context("cannot start the file watcher")?;
        // The root alone (for site.toml and for the creation of content/, templates/, static/),
        // and each source directory in full, so the output and target dirs are never watched.
        debouncer
            .watch(&layout.root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", layout.root.display()))?;
        for dir in [&layout.content, &layout.templates, &layout.static_dir] {
            if dir.is_dir() {
                debouncer
                    .watch(dir, RecursiveMode::Recursive)
                    .with_context(|| format!("cannot watch {}", dir.display()))?;
            }
        }
        let mut watcher = Watcher {
            _debouncer: debouncer,
            events,
            layout,
            links: links::Links::default(),
            data_files: Default::default(),
            data_dirs: Default::default(),
        };
        watcher.refresh_links();
        Ok(watcher)
    }

    fn source_dirs(&self) -> impl Iterator<Item = &Path> {
        [
            &self.layout.content,
            &self.layout.templates,
            &self.layout.static_dir,
        ]
        .into_iter()
        .map(PathBuf::as_path)
    }

    /// Looks at every link in the source directories again, and watches what each reads from.
    fn refresh_links(&mut self) {
        let root = self.layout.root.clone();
        let dirs: Vec<PathBuf> = self.source_dirs().map(Path::to_path_buf).collect();
        let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
        let debouncer = &mut self._debouncer;
        self.links.refresh(&root, &dirs, &mut |path, mode| {
            debouncer.watch(path, mode).is_ok()
        });
    }

    /// Blocks until something changes, then returns every change that has arrived so far.
    pub fn next_changes(&mut self) -> Option<Changes> {
        loop {
            let mut paths = self.events.recv().ok()?;
            while let Ok(more) = self.events.try_recv() {
                paths.extend(more);
            }
            self.watch_new_source_dirs(&paths);
            let (mut paths, through_a_link) = self.links.through(paths);
            let new_link = paths
                .iter()
                .any(|p| p.is_symlink() && self.source_dirs().any(|dir| p.starts_with(dir)));
            if through_a_link || new_link {
                self.refresh_links();
            }
            paths.sort();
            paths.dedup();
            let mut changes = classify(&paths, &self.layout);
            changes.data = paths.iter().any(|p| self.data_files.contains(p));
            // A directory on the way to a data file was made: watch it now, or the file's
            // creation in it would go unseen; one made in it already counts as a change.
            if !self.data_files.is_empty()
                && paths
                    .iter()
                    .any(|p| p.is_dir() && !self.data_dirs.contains(p))
            {
                changes.data |= self.watch_data_dirs();
            }
            if !changes.is_empty() {
                return Some(changes);
            }
        }
    }

    /// Watches the files `load_data` was asked for (`relative` to the root), besides those
    /// already watched: each one's directory, or the nearest one that exists on the way.
    pub fn track_data(&mut self, relative: &std::collections::BTreeSet<String>) {
        let before = self.data_files.len();
        self.data_files
            .extend(relative.iter().map(|r| self.layout.root.join(r)));
        if self.data_files.len() != before {
            self.watch_data_dirs();
        }
    }

    /// Watches the directory of each data file, or the nearest one on the way; true when a
    /// newly watched directory already holds one (made before its watch began).
    fn watch_data_dirs(&mut self) -> bool {
        let mut missed = false;
        let recursive: Vec<PathBuf> = self.source_dirs().map(Path::to_path_buf).collect();
        for file in &self.data_files {
            // Source directories are watched whole already; watching one again alone would
            // not add anything.
            if recursive.iter().any(|dir| file.starts_with(dir)) {
                continue;
            }
            let Some(dir) = file.ancestors().skip(1).find(|d| d.is_dir()) else {
                continue;
            };
            if dir.starts_with(&self.layout.root)
                && !self.data_dirs.contains(dir)
                && self
                    ._debouncer
                    .watch(dir, RecursiveMode::NonRecursive)
                    .is_ok()
            {
                self.data_dirs.insert(dir.to_path_buf());
                missed |= self
                    .data_files
                    .iter()
                    .any(|f| f.starts_with(dir) && f.exists());
            }
        }
        missed
    }

    fn watch_new_source_dirs(&mut self, paths: &[PathBuf]) {
        for dir in [
            &self.layout.content,
            &self.layout.templates,
            &self.layout.static_dir,
        ] {
            if paths.contains(dir) && dir.is_dir() {
                let _ = self._debouncer.watch(dir, RecursiveMode::Recursive);
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
