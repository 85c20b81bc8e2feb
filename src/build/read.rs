//! The reading phase: what a session reads from disk, in full or for the paths a change names,
//! before [`Session::compose`] puts it together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::{Asset, Built, Changes, Outcome, Rebuild, Session, Stopwatch};
use crate::config::{self, BuildOptions, Config};
use crate::content::{self, sources::Source};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output;
use crate::paths::{ContentPath, OutputKey};
use crate::render::Templates;

impl Session {
    /// Reads everything and builds. Only failures of the machine are errors.
    pub fn start(options: BuildOptions) -> anyhow::Result<(Session, Outcome)> {
        let mut session = Session::empty(options);
        let outcome = session.reload_everything(Stopwatch::start(), None)?;
        Ok((session, outcome))
    }

    /// A session that has read nothing yet.
    pub(super) fn empty(options: BuildOptions) -> Session {
        Session {
            options,
            config: Err(Diagnostics::new()),
            documents: BTreeMap::new(),
            discovery_problems: BTreeMap::new(),
            sources: Ok(Vec::new()),
            templates: Err(Diagnostics::new()),
            assets: BTreeMap::new(),
            stale_assets: BTreeSet::new(),
            claims: None,
            last_good: None,
            touched_since_good: BTreeSet::new(),
            more_than_content_since_good: false,
            data_since_good: false,
            data_files: BTreeSet::new(),
        }
    }

    /// Makes the next builds as of `now` (as `--now` would), or of the clock's time when
    /// `None`.
    pub fn set_now(&mut self, now: Option<String>) {
        self.options.now = now;
    }

    pub fn config(&self) -> Option<&Arc<Config>> {
        self.config.as_ref().ok()
    }

    pub fn last_good(&self) -> Option<&Arc<Built>> {
        self.last_good.as_ref()
    }

    /// Reads everything again and builds; with `staging`, pages are written there as they are
    /// rendered instead of being kept.
    fn reload_everything(
        &mut self,
        clock: Stopwatch,
        staging: Option<&output::Staging<'_>>,
    ) -> anyhow::Result<Outcome> {
        let config = Config::load(&self.options).map(Arc::new);
        self.read_all_with(config, clock, staging)
    }

    /// [`Session::reload_everything`] with the config already loaded.
    pub(super) fn read_all_with(
        &mut self,
        config: Result<Arc<Config>, Diagnostics>,
        mut clock: Stopwatch,
        staging: Option<&output::Staging<'_>>,
    ) -> anyhow::Result<Outcome> {
        self.config = config;
        self.documents.clear();
        self.assets.clear();
        self.stale_assets.clear();
        self.claims = None;
        self.discovery_problems.clear();
        let Ok(config) = self.config.clone() else {
            return self.compose(clock, Rebuild::Full, None, staging);
        };
        let (inventory, problems) = content::discover(&config)?;
        self.note_discovery_problems(problems);
        clock.lap("list");
        // A one-off build (the one with `staging`) is never rebuilt: its files need no hashes.
        let hashing = match staging {
            Some(_) => content::Hashing::Skip,
            None => content::Hashing::Hash,
        };
        self.documents = content::read_documents_each(
            &config.root,
            &config.content_dir,
            &inventory.markdown,
            hashing,
        );
        self.sources = read_sources(&config, inventory.has_sources);
        self.templates = Templates::load(&config);
        let (static_files, problems) = content::discover_static(&config, &config.static_dir)?;
        self.note_discovery_problems(problems);
        for file in static_files {
            self.add_asset(file.relative, "static", file.path);
        }
        for relative in inventory.assets {
            let path = config.content_dir.join(&relative);
            self.add_asset(relative, "content", path);
        }
        self.last_good = None;
        clock.lap("read");
        self.compose(clock, Rebuild::Full, None, staging)
    }

    /// Applies changed paths and rebuilds what they invalidate.
    pub fn apply(&mut self, changes: &Changes) -> anyhow::Result<Outcome> {
        let mut clock = Stopwatch::start();
        let config = match (&self.config, changes.config) {
            (Ok(config), false) => Arc::clone(config),
            _ => return self.reload_everything(clock, None),
        };
        // Each rebuild is made as of its own moment: the clock's, unless --now fixed it.
        let config = match config::now_of(&self.options) {
            Ok(now) if now == config.now => config,
            Ok(now) => {
                let config = Arc::new(config.at(now));
                self.config = Ok(Arc::clone(&config));
                config
            }
            // --now was read as the session started: only `set_now` can make it wrong.
            Err(problem) => {
                self.config = Err(std::iter::once(problem).collect());
                return self.compose(clock, Rebuild::Full, None, None);
            }
        };
        for relative in &changes.content {
            self.refresh_content(&config, relative);
        }
        // Everything since the last good build counts: a failed build in between applied
        // nothing to it.
        self.touched_since_good
            .extend(changes.content.iter().cloned());
        self.data_since_good |= changes.data;
        self.more_than_content_since_good |= changes.data
            || changes.templates
            || !changes.static_files.is_empty()
            || changes.content.contains(content::SOURCES_FILE);
        // Files that existed, still parse, and are all that changed: perhaps only their bodies.
        let last_good = self.last_good.as_ref().map(|b| Arc::clone(&b.site));
        let body_edits = match last_good {
            Some(site) if !self.more_than_content_since_good => self
                .touched_since_good
                .iter()
                // A file saved without a change is no edit at all: nothing to render again.
                .filter_map(|relative| {
                    match (site.node(relative), self.documents.get(relative.as_str())) {
                        (Some(node), Some(Ok(new))) if site.doc(node).same_bytes(new) => None,
                        (Some(_), Some(Ok(new))) => Some(Some(Arc::clone(new))),
                        _ => Some(None),
                    }
                })
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        for relative in &changes.static_files {
            self.refresh_static(&config, relative)?;
        }
        if changes.templates {
            self.templates = Templates::load(&config);
        }
        clock.lap("read");
        self.compose(clock, Rebuild::Incremental, body_edits, None)
    }

    fn refresh_content(&mut self, config: &Config, relative: &str) {
        if relative == content::SOURCES_FILE {
            self.sources = read_sources(config, config.content_dir.join(relative).is_file());
            return;
        }
        let path = config.content_dir.join(relative);
        let prefix = format!("{relative}/");
        self.forget_discovery_problems(&format!("content/{relative}"));
        // Whatever was at or under this path is forgotten, then read again if it still exists:
        // this covers a deleted file, a renamed directory and a directory created after start.
        let mut forgotten = BTreeMap::new();
        self.documents.retain(|k, doc| {
            let keep = k != relative && !k.starts_with(&prefix);
            if !keep && let Ok(doc) = doc {
                forgotten.insert(k.clone(), Arc::clone(doc));
            }
            keep
        });
        self.forget_assets(&format!("content/{relative}"));
        if !path.exists() && path.symlink_metadata().is_err() {
            return;
        }
        let Ok((inventory, problems)) = content::discover_under(config, &path) else {
            return;
        };
        self.note_discovery_problems(problems);
        let documents = content::read_documents_each(
            &config.root,
            &config.content_dir,
            &inventory.markdown,
            content::Hashing::Hash,
        );
        // A file read again with the same bytes keeps its old value, so that what was made
        // from it can be told unchanged by identity, however many rebuilds later.
        self.documents
            .extend(
                documents
                    .into_iter()
                    .map(|(k, read)| match (read, forgotten.get(&k)) {
                        (Ok(new), Some(old)) if old.same_bytes(&new) => (k, Ok(Arc::clone(old))),
                        (read, _) => (k, read),
                    }),
            );
        for relative in inventory.assets {
            let path = config.content_dir.join(&relative);
            self.add_asset(relative, "content", path);
        }
    }

    /// Records a file at `relative` under `origin` (`content` or `static`) to copy to the
    /// output; its bytes are read again by the next build. A file of `static/` keeps its path;
    /// one of `content/` goes in the folder of its section or bundle.
    fn add_asset(&mut self, relative: String, origin: &str, path: PathBuf) {
        let display = format!("{origin}/{relative}");
        self.stale_assets.insert(display.clone());
        let output = match origin {
            "content" => ContentPath::new(relative).published_key(),
            _ => OutputKey::from(relative),
        };
        self.assets.insert(display, Asset { output, path });
        self.claims = None;
    }

    /// Forgets the copied files at or under `display_path` (`static/css`), which is about to be
    /// listed again.
    fn forget_assets(&mut self, display_path: &str) {
        let prefix = format!("{display_path}/");
        let before = self.assets.len();
        self.assets
            .retain(|k, _| k != display_path && !k.starts_with(&prefix));
        if self.assets.len() != before {
            self.claims = None;
        }
    }

    fn note_discovery_problems(&mut self, problems: Diagnostics) {
        for problem in problems {
            self.discovery_problems
                .entry(problem.path.clone())
                .or_default()
                .push(problem);
        }
    }

    /// Drops what was found at or under `display_path`, which is about to be listed again.
    fn forget_discovery_problems(&mut self, display_path: &str) {
        let prefix = format!("{display_path}/");
        self.discovery_problems
            .retain(|path, _| path != display_path && !path.starts_with(&prefix));
    }

    fn refresh_static(&mut self, config: &Config, relative: &str) -> anyhow::Result<()> {
        self.forget_discovery_problems(&format!("static/{relative}"));
        self.forget_assets(&format!("static/{relative}"));
        let path = config.static_dir.join(relative);
        // A dangling link exists too, and is reported.
        if path.symlink_metadata().is_err() {
            return Ok(());
        }
        let (files, problems) = content::discover_static(config, &path)?;
        self.note_discovery_problems(problems);
        for file in files {
            self.add_asset(file.relative, "static", file.path);
        }
        Ok(())
    }
}

fn read_sources(config: &Config, present: bool) -> Result<Vec<Source>, Diagnostics> {
    if !present {
        return Ok(Vec::new());
    }
    let display = format!("content/{}", content::SOURCES_FILE);
    match std::fs::read_to_string(config.content_dir.join(content::SOURCES_FILE)) {
        Ok(text) => content::sources::parse(&display, &text),
        Err(err) => Err(std::iter::once(
            Diagnostic::error(display, format!("cannot read the sources file: {err}"))
                .hint("check that it is readable UTF-8 text"),
        )
        .collect()),
    }
}
