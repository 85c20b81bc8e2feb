//! Builds, full and incremental: the pipeline's orchestrator.
//!
//! `config → content → markdown → site → render → output`. A [`Session`] keeps what the last
//! build read (parsed documents, templates, assets) and the last good result, so the watcher
//! can apply a set of changed paths and redo only what they invalidate. A one-off `build` is a
//! session that applies nothing. A build with any error produces no output at all, so callers
//! keep serving, or keep on disk, the last good one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::config::{self, BuildOptions, Config};
use crate::content::{self, Document, sources::Source};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{self, Output, OutputDir, Overwrite};
use crate::render::{self, SiteValues, Templates};
use crate::site::{Bodies, Node, Site};

mod claims;
mod reuse;
mod stopwatch;

use claims::Claims;
use reuse::{Since, invalidated, same_feed_and_sitemap, unchanged_page, unchanged_section};
pub use stopwatch::Stopwatch;

/// A successful build: the site graph it came from and the files it made.
pub struct Built {
    pub site: Arc<Site>,
    pub values: Arc<SiteValues>,
    pub output: Output,
    /// Pages already written to a staging directory as they were rendered (a one-off build),
    /// which `output` does not hold.
    pub pages_on_disk: usize,
    /// The output paths that are copied files rather than pages.
    asset_paths: BTreeSet<String>,
    /// The templates it rendered with: a later build re-renders what any change since uses,
    /// however many failed builds came in between.
    template_sources: render::TemplateSources,
    /// Every output path, and its clashes (none, in a build that succeeded).
    claims: Arc<Claims>,
    /// Warnings only: a build with errors returns them instead.
    pub warnings: Diagnostics,
    pub elapsed_ms: u128,
    pub timings: Stopwatch,
    /// How many pages and sections were rendered (all of them for a full build).
    pub rendered: usize,
    /// How many of those were pages: a body edit renders one.
    pub rendered_pages: usize,
    /// What was carried over from the previous build instead of being made again.
    pub reused: Reused,
}

/// What a rebuild took over from the previous build as it was: the same output either way, but
/// a rebuild that recomputes what it could keep is slower, and only these counts show it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reused {
    /// Pages whose template values were kept.
    pub page_values: usize,
    /// Sections whose template values were kept.
    pub section_values: usize,
    /// Whether the sitemap and the feed were kept rather than made again.
    pub feed_and_sitemap: bool,
}

impl Built {
    /// The one line a build ends with.
    pub fn summary(&self, destination: &str) -> String {
        self.summary_with_total(destination, self.elapsed_ms)
    }

    /// The summary line, counting `total_ms` (the build and the writing of its files).
    pub fn summary_with_total(&self, destination: &str, total_ms: u128) -> String {
        let plural = crate::diagnostics::plural;
        let (pages, sections, files) = (
            self.site.pages.len(),
            self.site.sections.len(),
            self.output.len() + self.pages_on_disk,
        );
        format!(
            "Built {pages} page{} and {sections} section{}: {files} file{} in {} ms -> {destination}",
            plural(pages),
            plural(sections),
            plural(files),
            total_ms
        )
    }
}

/// What changed on disk, sorted by kind. Paths are relative to their directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub config: bool,
    pub content: BTreeSet<String>,
    pub templates: bool,
    pub static_files: BTreeSet<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.config && !self.templates && self.content.is_empty() && self.static_files.is_empty()
    }
}

#[derive(Debug, Clone)]
struct Asset {
    /// Where it is copied to in the output.
    output: String,
    path: PathBuf,
}

/// Everything read from disk for the last build, and that build's result if it succeeded.
pub struct Session {
    options: BuildOptions,
    config: Result<Arc<Config>, Diagnostics>,
    documents: BTreeMap<String, Result<Arc<Document>, Vec<Diagnostic>>>,
    /// Problems found while listing files, by the path they concern.
    discovery_problems: BTreeMap<String, Vec<Diagnostic>>,
    sources: Result<Vec<Source>, Diagnostics>,
    templates: Result<Templates, Diagnostics>,
    /// Files of static/ and non-Markdown files of content/, by their path under the root
    /// (`static/css/site.css`): two of them may claim one output path, which is a clash.
    assets: BTreeMap<String, Asset>,
    /// Assets whose bytes must be read again (all of them after a full scan).
    stale_assets: BTreeSet<String>,
    /// The output paths of the last build and their clashes; `None` once the copied files
    /// changed.
    claims: Option<Arc<Claims>>,
    last_good: Option<Arc<Built>>,
    /// Content files changed since `last_good`, and whether anything else changed too.
    touched_since_good: BTreeSet<String>,
    more_than_content_since_good: bool,
}

/// Whether a build starts from nothing or from the last good build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rebuild {
    Full,
    Incremental,
}

pub enum Outcome {
    Built(Arc<Built>),
    Failed(Diagnostics),
}

impl Session {
    /// Reads everything and builds. Only failures of the machine are errors.
    pub fn start(options: BuildOptions) -> anyhow::Result<(Session, Outcome)> {
        let mut session = Session::empty(options);
        let outcome = session.reload_everything(Stopwatch::start(), None)?;
        Ok((session, outcome))
    }

    /// A session that has read nothing yet.
    fn empty(options: BuildOptions) -> Session {
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
        }
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
    fn read_all_with(
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
        let fingerprint = match staging {
            Some(_) => content::Fingerprint::Skip,
            None => content::Fingerprint::Hash,
        };
        self.documents = content::read_documents_each(
            &config.root,
            &config.content_dir,
            &inventory.markdown,
            fingerprint,
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
        for relative in &changes.content {
            self.refresh_content(&config, relative);
        }
        // Everything since the last good build counts: a failed build in between applied
        // nothing to it.
        self.touched_since_good
            .extend(changes.content.iter().cloned());
        self.more_than_content_since_good |= changes.templates
            || !changes.static_files.is_empty()
            || changes.content.contains(content::SOURCES_FILE);
        // Files that existed, still parse, and are all that changed: perhaps only their bodies.
        let last_good = self.last_good.as_ref().map(|b| Arc::clone(&b.site));
        let body_edits = match last_good {
            Some(site) if !self.more_than_content_since_good => self
                .touched_since_good
                .iter()
                // A file saved without a change is no edit at all: nothing to render again.
                .filter_map(
                    |relative| match (site.node(relative), self.documents.get(relative)) {
                        (Some(node), Some(Ok(new))) if site.doc(node).same_bytes(new) => None,
                        (Some(_), Some(Ok(new))) => Some(Some(Arc::clone(new))),
                        _ => Some(None),
                    },
                )
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
            content::Fingerprint::Hash,
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

    /// Records a file to copy to `output` in the output, from `origin` (`content` or
    /// `static`); its bytes are read again by the next build.
    fn add_asset(&mut self, output: String, origin: &str, path: PathBuf) {
        let display = format!("{origin}/{output}");
        self.stale_assets.insert(display.clone());
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

    /// Everything read so far, put together. Only a failure of the machine (writing to
    /// `staging`) is an error.
    fn compose(
        &mut self,
        mut clock: Stopwatch,
        rebuild: Rebuild,
        body_edits: Option<Vec<Arc<Document>>>,
        staging: Option<&output::Staging<'_>>,
    ) -> anyhow::Result<Outcome> {
        let mut diagnostics: Diagnostics = self
            .discovery_problems
            .values()
            .flatten()
            .cloned()
            .collect();
        let config = match &self.config {
            Ok(config) => Arc::clone(config),
            Err(problems) => return Ok(Outcome::Failed(problems.clone())),
        };
        let mut unparsed = BTreeSet::new();
        for (path, result) in &self.documents {
            if let Err(problems) = result {
                diagnostics.extend(problems.iter().cloned());
                unparsed.insert(path.clone());
            }
        }
        let sources = match &self.sources {
            Ok(sources) => sources.clone(),
            Err(problems) => {
                // Without the sources every citation would look broken: report just this.
                diagnostics.extend(problems.clone());
                return Ok(Outcome::Failed(diagnostics.sorted()));
            }
        };
        // A one-off build (the one that writes to `staging`) is never applied to again: it hands
        // its documents over, so that each page's Markdown can be let go once rendered.
        let (documents, bodies): (Vec<Arc<Document>>, Bodies) = match staging {
            Some(_) => (
                std::mem::take(&mut self.documents)
                    .into_values()
                    .filter_map(Result::ok)
                    .collect(),
                Bodies::Release,
            ),
            None => (
                self.documents
                    .values()
                    .filter_map(|r| r.as_ref().ok().map(Arc::clone))
                    .collect(),
                Bodies::Keep,
            ),
        };
        let previous = self
            .last_good
            .clone()
            .filter(|_| rebuild == Rebuild::Incremental);
        // Assembled even when some files failed, so their links and anchors are checked too.
        let edited = match (&previous, body_edits) {
            (Some(prev), Some(edits)) if unparsed.is_empty() && prev.site.sources == sources => {
                prev.site
                    .with_edited_bodies(&edits)
                    .map(|edited| (edited, edits))
            }
            _ => None,
        };
        let ((site, problems), edits) = match edited {
            Some((edited, edits)) => (edited, Some(edits)),
            None => {
                let assembled = Site::assemble(
                    Arc::clone(&config),
                    documents,
                    sources,
                    previous.as_ref().map(|b| b.site.as_ref()),
                    &unparsed,
                    bodies,
                );
                (assembled, None)
            }
        };
        diagnostics.extend(problems);
        let claims = self.claims_of(&site, &config);
        diagnostics.extend(claims.problems.iter().cloned());
        // Every root link resolved in the last good build: with the same output files, only
        // the links of pages rendered anew are checked again (the edited ones, for edits of
        // bodies alone).
        let linking: Vec<Node> = match (&edits, &previous) {
            (Some(edits), _) => edits
                .iter()
                .filter_map(|doc| site.node(&doc.relative_path))
                .collect(),
            (None, Some(prev)) if Arc::ptr_eq(&prev.claims, &claims) => site
                .nodes()
                .filter(|&node| !claims::same_render(&prev.site, &site, node))
                .collect(),
            _ => site.nodes().collect(),
        };
        diagnostics.extend(claims.broken_root_links(&site, &unparsed, &linking));
        clock.lap("markdown and site graph");
        let templates = match &self.templates {
            Ok(templates) if unparsed.is_empty() => templates,
            Ok(_) => return Ok(Outcome::Failed(diagnostics.sorted())),
            Err(problems) => {
                diagnostics.extend(problems.clone());
                return Ok(Outcome::Failed(diagnostics.sorted()));
            }
        };
        let site = Arc::new(site);

        let page_reuse: Vec<Option<usize>> = match previous.as_deref() {
            Some(prev) => (0..site.pages.len())
                .into_par_iter()
                .map(|i| unchanged_page(&site, Some(prev), i))
                .collect(),
            None => Vec::new(),
        };
        let unchanged = |i: usize| page_reuse.get(i).copied().flatten();
        let unchanged_sections =
            |i: usize| unchanged_section(&site, previous.as_deref(), &page_reuse, i);
        let values = Arc::new(SiteValues::new(
            &site,
            previous.as_ref().map(|b| render::Reuse {
                old: b.values.as_ref(),
                page: &unchanged,
                section: &unchanged_sections,
            }),
        ));
        clock.lap("template values");
        let asset_paths: BTreeSet<String> =
            self.assets.values().map(|a| a.output.clone()).collect();
        let dirty = match &previous {
            Some(prev) => {
                let since = Since {
                    templates: templates.changed_since(&prev.template_sources),
                    files: prev.asset_paths != asset_paths,
                };
                invalidated(prev, &site, &values, &page_reuse, templates, &since)
            }
            None => site.nodes().collect(),
        };
        let mut known_files = asset_paths.clone();
        known_files.extend(["sitemap.xml", "atom.xml", "robots.txt", "404.html"].map(String::from));
        let pages_on_disk = AtomicUsize::new(0);
        // With a clash or a path the disk would refuse, pages are kept, not written: the build
        // fails, and it must fail with those messages rather than an error of the disk.
        let deliver = |(path, bytes): render::OutputFile| match staging {
            Some(staging) if claims.problems.is_empty() => {
                staging.write(&path, &bytes)?;
                pages_on_disk.fetch_add(1, Ordering::Relaxed);
                Ok(None)
            }
            _ => Ok(Some((path, bytes))),
        };
        let feed_and_sitemap_stale = previous
            .as_ref()
            .is_none_or(|prev| !same_feed_and_sitemap(&prev.site, &site));
        // The sitemap and feed need only the graph: made beside the pages, not after them.
        let (rendered, generated) = rayon::join(
            || {
                render::render_nodes(
                    &site,
                    templates,
                    &values,
                    &Arc::new(known_files),
                    &dirty,
                    true,
                    &deliver,
                )
            },
            || feed_and_sitemap_stale.then(|| generated_files(&site)),
        );
        let reused = Reused {
            page_values: page_reuse.iter().flatten().count(),
            section_values: (0..site.sections.len())
                .filter(|&i| values.section_reused(i))
                .count(),
            feed_and_sitemap: !feed_and_sitemap_stale,
        };
        let (rendered, problems) = rendered?;
        diagnostics.extend(problems);
        clock.lap("templates");

        // The new output: the previous one less what is gone, plus fresh renders and assets.
        let mut output = match &previous {
            Some(prev) => {
                let mut output = prev.output.clone();
                let same_files = Arc::ptr_eq(&prev.site.paths(), &site.paths());
                for node in prev.site.nodes().filter(|_| !same_files) {
                    let kept = site
                        .node(&prev.site.doc(node).relative_path)
                        .is_some_and(|n| site.site_path(n) == prev.site.site_path(node));
                    if !kept {
                        output.remove(&output_path(&prev.site, node));
                    }
                }
                for path in prev.asset_paths.difference(&asset_paths) {
                    output.remove(path);
                }
                output
            }
            None => Output::new(),
        };
        let stale = std::mem::take(&mut self.stale_assets);
        for (display, asset) in &self.assets {
            if output.contains(&asset.output) && !stale.contains(display) {
                continue;
            }
            match std::fs::read(&asset.path) {
                Ok(bytes) => {
                    output.insert(asset.output.clone(), bytes);
                }
                Err(err) => diagnostics.push(
                    Diagnostic::error(display, format!("cannot read this file: {err}"))
                        .hint(content::io_hint(&err)),
                ),
            }
        }
        for (path, bytes) in rendered {
            output.insert(path, bytes);
        }
        for (path, bytes) in generated.into_iter().flatten() {
            output.insert(path, bytes);
        }
        // Made every time, it is so small: a robots.txt of the user's that was just removed
        // leaves the place to it even when the sitemap and feed are unchanged. One of the
        // user's named in another case stands for it too, and the generated one goes.
        if !claims.user_robots {
            let robots = output::robots_txt(&config.permalink("sitemap.xml"));
            output.insert(claims::ROBOTS, robots);
        } else if !asset_paths.contains(claims::ROBOTS) {
            output.remove(claims::ROBOTS);
        }
        clock.lap("output");
        if diagnostics.has_errors() {
            self.stale_assets = stale;
            return Ok(Outcome::Failed(diagnostics.sorted()));
        }
        let built = Arc::new(Built {
            asset_paths,
            claims,
            template_sources: Arc::clone(templates.sources()),
            site,
            values,
            output,
            pages_on_disk: pages_on_disk.into_inner(),
            warnings: diagnostics.sorted(),
            elapsed_ms: clock.elapsed_ms(),
            timings: clock,
            rendered: dirty.len(),
            rendered_pages: dirty.iter().filter(|n| matches!(n, Node::Page(_))).count(),
            reused,
        });
        self.last_good = Some(Arc::clone(&built));
        self.touched_since_good.clear();
        self.more_than_content_since_good = false;
        Ok(Outcome::Built(built))
    }

    /// The claims of `site` on the output: those of the last build when neither the page and
    /// section paths nor the copied files changed since (an edit of a page's text).
    fn claims_of(&mut self, site: &Site, config: &Config) -> Arc<Claims> {
        if let Some(claims) = &self.claims
            && claims.made_for(site)
        {
            return Arc::clone(claims);
        }
        let copied = self
            .assets
            .iter()
            .map(|(display, asset)| (asset.output.as_str(), display.as_str()));
        let claims = Arc::new(Claims::collect(site, copied, &config.output_dir));
        self.claims = Some(Arc::clone(&claims));
        claims
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

/// A one-off build of the site at `options.root` into its output directory.
///
/// Pages are written to a staging directory as they are rendered, so a large site is never
/// held in memory whole; the staging directory replaces the output directory only when the
/// whole build succeeded, and is removed otherwise. `Ok(Err(..))` is a site with mistakes, or
/// an output directory a build must not replace.
pub fn build_to_disk(
    options: &BuildOptions,
    overwrite: Overwrite,
) -> anyhow::Result<Result<Arc<Built>, Diagnostics>> {
    let (config, out_dir) = match (Config::load(options), claim_output(options, overwrite)?) {
        (Ok(config), Ok(out_dir)) => (Arc::new(config), out_dir),
        (config, out_dir) => {
            let mut problems = config.err().unwrap_or_default();
            problems.extend(out_dir.err().into_iter().flatten());
            return Ok(Err(problems));
        }
    };
    let staging = out_dir.staging()?;
    let mut session = Session::empty(options.clone());
    // The config just loaded is the one the build reads with: loaded once, not twice.
    match session.read_all_with(Ok(config), Stopwatch::with_memory(), Some(&staging))? {
        Outcome::Built(built) => {
            built.output.write_into(&staging)?;
            staging.commit()?;
            Ok(Ok(built))
        }
        Outcome::Failed(diagnostics) => Ok(Err(diagnostics)),
    }
}

/// The output directory of `options`, for this process alone while the value lives. A
/// directory briefing did not build is refused with a diagnostic (`--force` lifts that), and so
/// is one that can never be an output (the site root, inside the sources); one that another
/// briefing is writing is an error.
pub fn claim_output(
    options: &BuildOptions,
    overwrite: Overwrite,
) -> anyhow::Result<Result<OutputDir, Diagnostics>> {
    if let Err(refusal) = config::validate_output_dir(options) {
        return Ok(Err(std::iter::once(refusal).collect()));
    }
    Ok(OutputDir::claim(&options.output_dir(), overwrite)?
        .map_err(|refusal| std::iter::once(refusal).collect()))
}

/// A one-off build of the site at `options.root`, kept in memory.
pub fn build(options: &BuildOptions) -> anyhow::Result<Result<Arc<Built>, Diagnostics>> {
    let (_, outcome) = Session::start(options.clone())?;
    Ok(match outcome {
        Outcome::Built(built) => Ok(built),
        Outcome::Failed(diagnostics) => Err(diagnostics),
    })
}

/// sitemap.xml and atom.xml, from the site graph.
pub fn generated_files(site: &Site) -> [(&'static str, Vec<u8>); 2] {
    let config = &site.config;
    let mut entries = Vec::new();
    for node in site.nodes() {
        let doc = site.doc(node);
        let lastmod = doc
            .updated
            .as_ref()
            .or(doc.date.as_ref())
            .map(|d| d.display.clone());
        entries.push(output::SitemapEntry {
            url: config.permalink(site.site_path(node)),
            lastmod,
        });
    }
    let sitemap = output::sitemap(entries);
    let feed_entries = site
        .pages
        .iter()
        .filter_map(|page| {
            let date = page.doc.date.as_ref()?;
            Some(output::FeedEntry {
                title: page.doc.title.clone(),
                url: config.permalink(&page.site_path),
                published: date.rfc3339(),
                updated: page.doc.updated.as_ref().unwrap_or(date).rfc3339(),
                summary_html: page.rendered.summary.clone(),
            })
        })
        .collect();
    let feed = output::Feed {
        title: &config.title,
        subtitle: &config.description,
        site_url: &config.permalink(""),
        feed_url: &config.permalink("atom.xml"),
        author: &config.publisher,
        language: &config.language,
    };
    [
        ("sitemap.xml", sitemap),
        ("atom.xml", output::atom_feed(&feed, feed_entries)),
    ]
}

/// The output path a page or section writes.
pub fn output_path(site: &Site, node: Node) -> String {
    format!("{}index.html", site.site_path(node))
}
