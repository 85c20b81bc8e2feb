//! Everything read so far, put together: the site graph, the template values, the renders and
//! the output, each phase a step of [`Session::compose`].

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::claims::{self, Claims};
use super::outputs::{Cards, make};
use super::reuse::{Since, invalidated, same_feed_and_sitemap, unchanged_page, unchanged_section};
use super::{Built, Outcome, Rebuild, Reused, Session, Stopwatch};
use crate::config::Config;
use crate::content::{Document, sources::Source};
use crate::diagnostics::Diagnostics;
use crate::markdown::Shortcodes;
use crate::output;
use crate::paths::OutputKey;
use crate::render::{
    self, Generated, Input, OutputKind, ShortcodeTemplates, SiteValues, TaxonomyOutput, Templates,
};
use crate::site::{Bodies, Node, Site};

/// What the graph is made from, once the config and the sources could be read.
struct Inputs {
    config: Arc<Config>,
    /// Every problem found while reading.
    diagnostics: Diagnostics,
    /// Content files that failed to parse.
    unparsed: BTreeSet<String>,
    sources: Vec<Source>,
    documents: Vec<Arc<Document>>,
    bodies: Bodies,
}

/// The graph of one build and what it claims of the output.
struct Graph {
    site: Site,
    claims: Arc<Claims>,
}

/// The build so far, as its rendering and output phases read it.
pub(super) struct Composed<'a> {
    pub(super) site: &'a Arc<Site>,
    values: &'a Arc<SiteValues>,
    /// For each page, its index in the previous build if its value was kept.
    page_reuse: &'a [Option<usize>],
    pub(super) claims: &'a Claims,
    /// The output paths of copied files.
    pub(super) asset_paths: &'a BTreeSet<OutputKey>,
    pub(super) previous: Option<&'a Built>,
}

/// The files a build rendered, beside what it could keep.
pub(super) struct Renders {
    /// Pages and sections kept in memory (not written to a staging directory).
    pub(super) files: Vec<render::OutputFile>,
    /// The generated files no template renders that had to be made again (the sitemap and
    /// feed only when the previous ones no longer hold).
    pub(super) generated: Vec<(OutputKey, Vec<u8>)>,
    pages_on_disk: usize,
    reused: Reused,
}

impl Session {
    /// Everything read so far, put together. Only a failure of the machine (writing to
    /// `staging`) is an error.
    pub(super) fn compose(
        &mut self,
        mut clock: Stopwatch,
        rebuild: Rebuild,
        body_edits: Option<Vec<Arc<Document>>>,
        staging: Option<&output::Staging<'_>>,
    ) -> anyhow::Result<Outcome> {
        let inputs = match self.inputs(staging) {
            Ok(inputs) => inputs,
            Err(diagnostics) => return Ok(Outcome::Failed(diagnostics)),
        };
        let previous = self
            .last_good
            .clone()
            .filter(|_| rebuild == Rebuild::Incremental);
        let unparsed = inputs.unparsed.clone();
        let mut diagnostics = Diagnostics::new();
        let Graph { site, claims } =
            self.graph(inputs, previous.as_deref(), body_edits, &mut diagnostics);
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
        let (values, page_reuse) = template_values(&site, previous.as_deref());
        clock.lap("template values");
        let asset_paths: BTreeSet<OutputKey> = self
            .published_assets(&site)
            .map(|(_, a)| a.output.clone())
            .collect();
        let composed = Composed {
            site: &site,
            values: &values,
            page_reuse: &page_reuse,
            claims: &claims,
            asset_paths: &asset_paths,
            previous: previous.as_deref(),
        };
        let dirty = to_render(&composed, templates, self.data_since_good);
        let (renders, problems) = render_files(&composed, templates, &dirty, staging)?;
        // Failed builds count too: a file that is missing now must rebuild once it appears.
        self.data_files.extend(values.data.paths());
        diagnostics.extend(problems);
        clock.lap("templates");
        let template_fingerprints = templates.fingerprints().clone();
        let stale = std::mem::take(&mut self.stale_assets);
        let (pages_on_disk, reused) = (renders.pages_on_disk, renders.reused);
        let output = self.output(&composed, &stale, renders, &mut diagnostics);
        clock.lap("output");
        if diagnostics.has_errors() {
            self.stale_assets = stale;
            return Ok(Outcome::Failed(diagnostics.sorted()));
        }
        let built = Arc::new(Built {
            asset_paths,
            claims,
            template_fingerprints,
            site,
            values,
            output,
            pages_on_disk,
            warnings: diagnostics.sorted(),
            elapsed_ms: clock.elapsed_ms(),
            timings: clock,
            rendered: dirty.len(),
            rendered_pages: dirty.iter().filter(|n| matches!(n, Node::Page(_))).count(),
            reused,
        });
        Ok(self.succeeded(built))
    }

    /// `built` becomes the last good build, which later changes are counted from.
    fn succeeded(&mut self, built: Arc<Built>) -> Outcome {
        self.last_good = Some(Arc::clone(&built));
        self.touched_since_good.clear();
        self.more_than_content_since_good = false;
        self.data_since_good = false;
        Outcome::Built(built)
    }

    /// The config, sources and documents to build from, with the problems found reading them;
    /// without a config or the sources, only those problems.
    fn inputs(&mut self, staging: Option<&output::Staging<'_>>) -> Result<Inputs, Diagnostics> {
        let mut diagnostics: Diagnostics = self
            .discovery_problems
            .values()
            .flatten()
            .cloned()
            .collect();
        let config = match &self.config {
            Ok(config) => Arc::clone(config),
            Err(problems) => return Err(problems.clone()),
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
                return Err(diagnostics.sorted());
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
        Ok(Inputs {
            config,
            diagnostics,
            unparsed,
            sources,
            documents,
            bodies,
        })
    }

    /// The site graph, from the previous one when only bodies were edited, with its problems,
    /// its claims on the output and its root links to nothing added to `diagnostics` (after
    /// those of `inputs`).
    fn graph(
        &mut self,
        inputs: Inputs,
        previous: Option<&Built>,
        body_edits: Option<Vec<Arc<Document>>>,
        diagnostics: &mut Diagnostics,
    ) -> Graph {
        let Inputs {
            config,
            diagnostics: read_problems,
            unparsed,
            sources,
            documents,
            bodies,
        } = inputs;
        diagnostics.extend(read_problems);
        let shortcodes: Arc<dyn Shortcodes> = match &self.templates {
            Ok(templates) => Arc::new(ShortcodeTemplates::new(templates, &config)),
            Err(_) => Arc::new(ShortcodeTemplates::unavailable()),
        };
        // Assembled even when some files failed, so their links and anchors are checked too.
        // The moment of this build may publish pages the last did not, or withdraw some.
        let edited = match (previous, body_edits) {
            (Some(prev), Some(edits))
                if unparsed.is_empty()
                    && prev.site.sources == sources
                    && prev.site.same_pages_at(config.now) =>
            {
                prev.site
                    .with_edited_bodies(&edits, Arc::clone(&shortcodes))
                    .map(|(mut site, problems)| {
                        site.config = Arc::clone(&config);
                        ((site, problems), edits)
                    })
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
                    previous.map(|b| b.site.as_ref()),
                    &unparsed,
                    bodies,
                    shortcodes,
                );
                (assembled, None)
            }
        };
        diagnostics.extend(problems);
        // The files to copy are the session's, not the documents assembly reads: attached here.
        let mut site = site;
        let content_files: Vec<String> = self
            .published_assets(&site)
            .filter_map(|(display, _)| display.strip_prefix("content/"))
            .map(str::to_string)
            .collect();
        site.attach_assets(content_files.iter().map(String::as_str));
        let claims = self.claims_of(&site, &config);
        diagnostics.extend(claims.problems.iter().cloned());
        // Every root link resolved in the last good build: with the same output files, only
        // the links of pages rendered anew are checked again (the edited ones, for edits of
        // bodies alone).
        let linking: Vec<Node> = match (&edits, previous) {
            (Some(edits), _) => edits
                .iter()
                .filter_map(|doc| site.node(&doc.relative_path))
                .collect(),
            (None, Some(prev)) if prev.claims.fingerprint == claims.fingerprint => site
                .nodes()
                .filter(|&node| !claims::same_render(&prev.site, &site, node))
                .collect(),
            _ => site.nodes().collect(),
        };
        diagnostics.extend(claims.broken_root_links(&site, &unparsed, &linking));
        Graph { site, claims }
    }

    /// The files to copy that `site` publishes: those of a bundle left out (a draft, under
    /// embargo, expired) are left out with its page (a later build that publishes it copies
    /// them again).
    pub(super) fn published_assets<'s>(
        &'s self,
        site: &'s Site,
    ) -> impl Iterator<Item = (&'s String, &'s super::Asset)> {
        self.assets.iter().filter(|(display, _)| {
            !display
                .strip_prefix("content/")
                .is_some_and(|relative| site.in_withheld_bundle(relative))
        })
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
            .published_assets(site)
            .map(|(display, asset)| (asset.output.as_str(), display.as_str()));
        let claims = Arc::new(Claims::collect(site, copied, &config.output_dir));
        self.claims = Some(Arc::clone(&claims));
        claims
    }
}

/// The values templates see, with the previous build's kept for unchanged pages and sections;
/// and for each page, its index in the previous build if its value was kept.
fn template_values(
    site: &Arc<Site>,
    previous: Option<&Built>,
) -> (Arc<SiteValues>, Vec<Option<usize>>) {
    let page_reuse: Vec<Option<usize>> = match previous {
        Some(prev) => (0..site.pages.len())
            .into_par_iter()
            .map(|i| unchanged_page(site, Some(prev), i))
            .collect(),
        None => Vec::new(),
    };
    let unchanged = |i: usize| page_reuse.get(i).copied().flatten();
    let unchanged_sections = |i: usize| unchanged_section(site, previous, &page_reuse, i);
    let values = Arc::new(SiteValues::new(
        site,
        previous.map(|b| render::Reuse {
            old: b.values.as_ref(),
            page: &unchanged,
            section: &unchanged_sections,
        }),
    ));
    (values, page_reuse)
}

/// The pages and sections to render: all of them, or those a change since the previous build
/// invalidates.
fn to_render(composed: &Composed<'_>, templates: &Templates, data_changed: bool) -> Vec<Node> {
    let site = composed.site;
    match composed.previous {
        Some(prev) => {
            let since = Since {
                templates: templates.changed_since(&prev.template_fingerprints),
                files: prev.asset_paths != *composed.asset_paths,
                data: data_changed,
            };
            invalidated(
                prev,
                site,
                composed.values,
                composed.page_reuse,
                templates,
                &since,
            )
        }
        None => site.nodes().collect(),
    }
}

/// Makes the outputs this build needs anew, each by its kind: the `dirty` pages and sections,
/// the 404 page and any generated file whose inputs changed. A template renders the first
/// three; the rest are generated beside them, from the graph alone. With `staging`, each page
/// is written there as soon as it is rendered.
/// The files to make, of every kind: the `dirty` pages and sections with what they write beside
/// them, the generated files (those that list the pages only when `listing_stale`) and every
/// taxonomy file; and every file `get_url` may name that no page writes.
fn to_make(
    composed: &Composed<'_>,
    dirty: &[Node],
    listing_stale: bool,
) -> (Vec<OutputKind>, BTreeSet<OutputKey>) {
    let site = composed.site;
    // A taxonomy's pages and feeds are made by every build: they list the summaries of pages
    // that may be anywhere in the site, and there are few of them.
    let taxonomy_kinds: Vec<OutputKind> = TaxonomyOutput::all(site)
        .into_iter()
        .map(OutputKind::Taxonomy)
        .collect();
    let mut known_files = composed.asset_paths.clone();
    known_files.extend(Generated::ALL.map(|g| OutputKey::from(g.file_name())));
    known_files.extend(taxonomy_kinds.iter().map(|kind| kind.output_key(site)));
    // A generated file that lists the pages is kept while the listing holds, unless a template
    // renders it (the templates may have changed); the others are made every time, which costs
    // less than finding out whether they changed.
    let generated = Generated::ALL
        .into_iter()
        .filter(|&g| !(g == Generated::Robots && composed.claims.user_robots))
        .map(OutputKind::Generated)
        .filter(|kind| {
            let needs = kind.depends_on();
            listing_stale || !needs.contains(&Input::Listing) || needs.contains(&Input::Templates)
        });
    // The print edition holds every page's text, so every build that has it makes it anew.
    let print = site.config.print_edition.then_some(OutputKind::Print);
    let kinds = dirty
        .iter()
        .flat_map(|&node| {
            let beside = OutputKind::beside(site, node);
            std::iter::once(OutputKind::of_node(node)).chain(beside)
        })
        .chain(generated)
        .chain(taxonomy_kinds)
        .chain(print)
        .collect();
    (kinds, known_files)
}

/// The files of `kinds` that no template renders: generated files, redirect pages and cards.
fn generate_files(
    site: &Site,
    kinds: &[OutputKind],
    cards: &Cards<'_>,
) -> anyhow::Result<Vec<(OutputKey, Vec<u8>)>> {
    let mut generated: Vec<(OutputKey, Vec<u8>)> = kinds
        .iter()
        .filter(|kind| kind.template(site).is_none())
        .filter_map(|kind| Some((kind.output_key(site), make(kind, site)?)))
        .collect();
    // A card is a picture to draw, a thousand times the work of a redirect page: drawn on
    // every thread.
    let drawn: Vec<(OutputKey, Vec<u8>)> = kinds
        .par_iter()
        .filter_map(|kind| match kind {
            OutputKind::Card(node) => Some((kind.output_key(site), *node)),
            _ => None,
        })
        .map(|(key, node)| Ok((key, cards.make(site, node)?)))
        .collect::<anyhow::Result<_>>()?;
    generated.extend(drawn);
    Ok(generated)
}

fn render_files(
    composed: &Composed<'_>,
    templates: &Templates,
    dirty: &[Node],
    staging: Option<&output::Staging<'_>>,
) -> anyhow::Result<(Renders, Diagnostics)> {
    let Composed {
        site,
        values,
        page_reuse,
        claims,
        previous,
        ..
    } = *composed;
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
    let listing_stale = previous.is_none_or(|prev| !same_feed_and_sitemap(&prev.site, site));
    let (kinds, known_files) = to_make(composed, dirty, listing_stale);
    let cards = Cards::new(previous);
    let (rendered, generated) = rayon::join(
        || {
            render::render_kinds(
                site,
                templates,
                values,
                &Arc::new(known_files),
                &kinds,
                &deliver,
            )
        },
        || generate_files(site, &kinds, &cards),
    );
    let generated = generated?;
    let reused = Reused {
        page_values: page_reuse.iter().flatten().count(),
        section_values: (0..site.sections.len())
            .filter(|&i| values.section_reused(i))
            .count(),
        feed_and_sitemap: !listing_stale,
        cards: cards.kept.into_inner(),
    };
    let (files, problems) = rendered?;
    let renders = Renders {
        files,
        generated,
        pages_on_disk: pages_on_disk.into_inner(),
        reused,
    };
    Ok((renders, problems))
}
