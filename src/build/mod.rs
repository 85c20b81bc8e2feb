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

use crate::config::{self, BuildOptions, Config};
use crate::content::{Document, sources::Source};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Output, OutputDir, Overwrite};
use crate::paths::{ContentPath, OutputKey};
use crate::render::{self, SiteValues, Templates};
use crate::site::Site;

mod claims;
mod compose;
mod outputs;
mod read;
mod reuse;
mod stopwatch;

/// What a build writes, for the modules above it (the server's 404 page).
pub use crate::render::{Generated, OutputKind};
use claims::Claims;
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
    asset_paths: BTreeSet<OutputKey>,
    /// The templates it rendered with: a later build re-renders what any change since uses,
    /// however many failed builds came in between.
    template_fingerprints: render::TemplateFingerprints,
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
    /// Social cards of pages made again whose text had not changed: the previous build's
    /// picture, not drawn again.
    pub cards: usize,
}

impl Built {
    /// The file of each page shown before its embargo ends (only the preview shows them), and
    /// the moment written as its `publish_date`.
    pub fn embargoed_files(&self) -> BTreeMap<OutputKey, String> {
        let site = &self.site;
        site.embargoed_pages()
            .map(|(i, until)| {
                let key = OutputKind::of_node(crate::site::Node::Page(i)).output_key(site);
                (key, until.display.clone())
            })
            .collect()
    }

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
    pub content: BTreeSet<ContentPath>,
    pub templates: bool,
    pub static_files: BTreeSet<String>,
    /// A file `load_data` read (or tried to) changed.
    pub data: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.config
            && !self.templates
            && !self.data
            && self.content.is_empty()
            && self.static_files.is_empty()
    }
}

#[derive(Debug, Clone)]
struct Asset {
    /// Where it is copied to in the output.
    output: OutputKey,
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
    touched_since_good: BTreeSet<ContentPath>,
    more_than_content_since_good: bool,
    /// Whether a data file changed since `last_good`.
    data_since_good: bool,
    /// Every file `load_data` was asked for in this session, relative to the root: the watcher
    /// watches them (a build that kept a page did not ask again for what the page read).
    data_files: BTreeSet<String>,
}

/// Whether a build starts from nothing or from the last good build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rebuild {
    Full,
    Incremental,
}

impl Session {
    /// Every file `load_data` was asked for since the session started, relative to the site
    /// root, whether it existed or not.
    pub fn data_files(&self) -> &BTreeSet<String> {
        &self.data_files
    }
}

pub enum Outcome {
    Built(Arc<Built>),
    Failed(Diagnostics),
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
    build_to_disk_then(options, overwrite, &|_, _| Ok(Ok(Vec::new())))
}

/// A step run on a finished build before it replaces the output (the PDF, printed from the
/// staged site, whose path it is given).
pub type Finish<'a> = dyn Fn(&Built, &std::path::Path) -> Finished + 'a;

/// The files a [`Finish`] step adds, or its mistakes, which leave the output as it was.
pub type Finished = anyhow::Result<Result<Vec<(OutputKey, Vec<u8>)>, Diagnostics>>;

/// [`build_to_disk`], with `finish` run on the complete staged site before it is swapped in:
/// the files it returns are written with the rest, and when it fails nothing changes on disk.
pub fn build_to_disk_then(
    options: &BuildOptions,
    overwrite: Overwrite,
    finish: &Finish<'_>,
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
            let added = match finish(&built, staging.path())? {
                Ok(added) => added,
                Err(problems) => return Ok(Err(problems)),
            };
            for (key, bytes) in &added {
                staging.write(key, bytes)?;
            }
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

#[cfg(test)]
mod tests;
