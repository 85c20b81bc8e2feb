//! One build, from `site.toml` to the in-memory output: the pipeline's orchestrator.
//!
//! `config → content → markdown → site → render → output`. Every stage reports what the user
//! got wrong as diagnostics; a build with any error produces no output at all, so callers can
//! keep serving or keep on disk the last good one.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use crate::config::{BuildOptions, Config};
use crate::content::{self, Document};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{self, Output};
use crate::render::{self, SiteValues, Templates};
use crate::site::{Node, Site};

/// A successful build: the site graph it came from and the files it made.
pub struct Built {
    pub site: Arc<Site>,
    pub templates: Templates,
    pub output: Output,
    /// Warnings only: a build with errors returns them instead.
    pub warnings: Diagnostics,
    pub elapsed_ms: u128,
}

impl Built {
    /// The one line a build ends with.
    pub fn summary(&self, destination: &str) -> String {
        format!(
            "Built {} page{} and {} section{}: {} file{} in {} ms -> {}",
            self.site.pages.len(),
            crate::diagnostics::plural(self.site.pages.len()),
            self.site.sections.len(),
            crate::diagnostics::plural(self.site.sections.len()),
            self.output.len(),
            crate::diagnostics::plural(self.output.len()),
            self.elapsed_ms,
            destination
        )
    }
}

/// Outer error: the machine failed us (I/O). Inner error: the site has mistakes to fix.
pub type BuildResult = anyhow::Result<Result<Built, Diagnostics>>;

pub fn build(options: &BuildOptions) -> BuildResult {
    let started = Instant::now();
    let config = match Config::load(options) {
        Ok(config) => Arc::new(config),
        Err(diagnostics) => return Ok(Err(diagnostics)),
    };
    build_with_config(config, started)
}

pub fn build_with_config(config: Arc<Config>, started: Instant) -> BuildResult {
    let mut diagnostics = Diagnostics::new();
    let (inventory, found) = content::discover(&config.root, &config.content_dir)?;
    diagnostics.extend(found);
    let (documents, problems) = content::read_documents(&config.root, &config.content_dir, &inventory);
    diagnostics.extend(problems);
    let sources = read_sources(&config, inventory.has_sources, &mut diagnostics);
    let templates = Templates::load(&config.root, &config.templates_dir);
    let templates = match templates {
        Ok(t) => Some(t),
        Err(problems) => {
            diagnostics.extend(problems);
            None
        }
    };
    let (static_files, problems) = content::discover_static(&config.root, &config.static_dir);
    diagnostics.extend(problems);
    // Links into a file that failed to parse would only repeat its error: stop here.
    let Some(templates) = templates.filter(|_| !diagnostics.has_errors()) else {
        return Ok(Err(diagnostics.sorted()));
    };
    let mut assets = Vec::with_capacity(static_files.len() + inventory.assets.len());
    for (relative, path) in &static_files {
        assets.push((relative.clone(), format!("static/{relative}"), path.clone()));
    }
    for relative in &inventory.assets {
        assets.push((relative.clone(), format!("content/{relative}"), config.content_dir.join(relative)));
    }
    let built = assemble_and_render(config, documents, sources, templates, assets, started)?;
    Ok(match built {
        Ok(mut built) => {
            diagnostics.extend(std::mem::take(&mut built.warnings));
            built.warnings = diagnostics.sorted();
            Ok(built)
        }
        Err(mut problems) => {
            problems.extend(diagnostics);
            Err(problems.sorted())
        }
    })
}

fn read_sources(config: &Config, present: bool, diagnostics: &mut Diagnostics) -> Vec<content::sources::Source> {
    if !present {
        return Vec::new();
    }
    let display = format!("content/{}", content::SOURCES_FILE);
    match std::fs::read_to_string(config.content_dir.join(content::SOURCES_FILE)) {
        Ok(text) => content::sources::parse(&display, &text).unwrap_or_else(|problems| {
            diagnostics.extend(problems);
            Vec::new()
        }),
        Err(err) => {
            diagnostics.push(Diagnostic::error(display, format!("cannot read the sources file: {err}")).hint("check that it is readable UTF-8 text"));
            Vec::new()
        }
    }
}

/// The rest of the pipeline, once every input has been read. `assets` are (output path,
/// display path, file) triples copied as they are.
pub fn assemble_and_render(
    config: Arc<Config>,
    documents: Vec<Document>,
    sources: Vec<content::sources::Source>,
    templates: Templates,
    assets: Vec<(String, String, std::path::PathBuf)>,
    started: Instant,
) -> BuildResult {
    let (site, mut diagnostics) = Site::assemble(config, documents, sources);
    let site = Arc::new(site);
    let mut output = Output::new();
    let mut owners: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (relative, display, path) in assets {
        match std::fs::read(&path) {
            Ok(bytes) => {
                if let Some(first) = owners.insert(relative.clone(), display.clone()) {
                    diagnostics.push(Diagnostic::error(&display, format!("{first} and {display} both write {relative}")).hint("rename one of them"));
                }
                output.insert(relative, bytes);
            }
            Err(err) => diagnostics.push(Diagnostic::error(display, format!("cannot read this file: {err}")).hint("check the file's permissions")),
        }
    }
    let mut known_files: BTreeSet<String> = output.paths().map(str::to_string).collect();
    known_files.extend(["sitemap.xml", "atom.xml", "robots.txt", "404.html"].map(String::from));
    let values = Arc::new(SiteValues::new(&site));
    let nodes: Vec<Node> = site.nodes().collect();
    let (rendered, problems) = render::render_nodes(&site, &templates, &values, &Arc::new(known_files), &nodes, true);
    diagnostics.extend(problems);
    for (path, bytes) in rendered {
        if let Some(owner) = owners.get(&path) {
            diagnostics.push(Diagnostic::error(owner, format!("this file and a page both write {path}")).hint("rename the file, or change the page's slug"));
        }
        output.insert(path, bytes);
    }
    add_generated_files(&site, &mut output);
    if diagnostics.has_errors() {
        return Ok(Err(diagnostics));
    }
    Ok(Ok(Built { site, templates, output, warnings: diagnostics, elapsed_ms: started.elapsed().as_millis() }))
}

/// sitemap.xml, atom.xml and robots.txt, from the site graph.
pub fn add_generated_files(site: &Site, output: &mut Output) {
    let config = &site.config;
    let mut entries = Vec::new();
    for node in site.nodes() {
        let doc = site.doc(node);
        let lastmod = doc.updated.as_ref().or(doc.date.as_ref()).map(|d| d.display.clone());
        entries.push(output::SitemapEntry { url: config.permalink(site.site_path(node)), lastmod });
    }
    output.insert("sitemap.xml", output::sitemap(entries));
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
    output.insert("atom.xml", output::atom_feed(&feed, feed_entries));
    output.insert("robots.txt", output::robots_txt(&config.permalink("sitemap.xml")));
}
