//! Tera: loading `templates/`, the values templates see, and rendering every page in parallel.
//!
//! Templates are parsed once per build ([`Templates::load`]). Page and section values are built
//! once per site ([`SiteValues`]) and shared by reference-counted clones, so a listing of a
//! thousand pages costs a pointer copy per render, not a thousand serialisations.//!
//! `load` reads and parses `templates/`, `errors` turns Tera's errors into diagnostics,
//! `functions` holds the filters and the site functions, `values` the values, `shortcodes`
//! the shortcodes Markdown calls.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Tera};

mod cards;
mod data;
mod errors;
mod functions;
mod kinds;
mod load;
mod pagination;
mod print;
mod shortcodes;
#[cfg(test)]
mod test_site;
mod values;

pub use cards::{CardPainter, CardText};
pub use data::DataFiles;
pub use kinds::{
    CORRECTIONS, Generated, Input, OutputKind, PRINT_PATH, PRINT_TEMPLATE, Redirect, TAXONOMY_LIST,
    TAXONOMY_SINGLE, TaxonomyOutput, template_for,
};
pub use shortcodes::ShortcodeTemplates;
pub use values::{Reuse, ReuseTest, SiteValues, TaxonomyValues};

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::paths::{OutputKey, SitePath};
use crate::site::{Node, Site};
use errors::template_diagnostic;
use functions::with_functions;

/// The parsed templates of a site, and their sources for error positions.
#[derive(Clone)]
pub struct Templates {
    /// Shared with the shortcodes, which render with the same templates.
    tera: Arc<Tera>,
    sources: Arc<BTreeMap<String, String>>,
    /// Kept with every build made from these templates, so a later build can tell exactly
    /// which templates changed since any earlier one, failed builds in between or not.
    fingerprints: TemplateFingerprints,
    /// Templates that define Tera components: components are global, so any render may use
    /// them without an extends or include naming their file.
    component_files: BTreeSet<String>,
}

/// The fingerprint of every template's text, by name, and of the whole set: plain data that a
/// later build, in this process or another, compares with its own templates'.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TemplateFingerprints {
    pub set: Fingerprint,
    pub each: BTreeMap<String, Fingerprint>,
}

impl TemplateFingerprints {
    fn of(sources: &BTreeMap<String, String>) -> TemplateFingerprints {
        let each: BTreeMap<String, Fingerprint> = sources
            .iter()
            .map(|(name, text)| (name.clone(), Fingerprint::of(text.as_bytes())))
            .collect();
        let mut set = Fingerprinter::new();
        for (name, fingerprint) in &each {
            set.str(name).fingerprint(*fingerprint);
        }
        TemplateFingerprints {
            set: set.finish(),
            each,
        }
    }
}

impl Templates {
    /// The fingerprints of these templates, to compare a later set of templates with.
    pub fn fingerprints(&self) -> &TemplateFingerprints {
        &self.fingerprints
    }

    /// Names of the templates that differ between `older` and these (added, removed or edited).
    pub fn changed_since(&self, older: &TemplateFingerprints) -> BTreeSet<String> {
        if older.set == self.fingerprints.set {
            return BTreeSet::new();
        }
        let (older, newer) = (&older.each, &self.fingerprints.each);
        let names: BTreeSet<&String> = older.keys().chain(newer.keys()).collect();
        names
            .into_iter()
            .filter(|n| older.get(*n) != newer.get(*n))
            .cloned()
            .collect()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// What the templates `name` renders with can read beyond its own page and section:
    /// a conservative reading of the template text, used to decide what an edit invalidates.
    pub fn reach(&self, name: &str) -> TemplateReach {
        let mut reach = TemplateReach::default();
        for template in self.closure(name) {
            let Some(text) = self.sources.get(&template) else {
                continue;
            };
            reach.section_pages |= text.contains("pages");
            reach.other_content |= text.contains("get_page")
                || text.contains("get_section")
                || text.contains("source_coverage");
            reach.sources |= text.contains("sources(");
            reach.files |= text.contains("get_url");
            reach.data |= text.contains("load_data");
            // get_taxonomy_url answers from the terms' URLs, which are part of the layout.
            reach.taxonomies |= text
                .match_indices("get_taxonomy")
                .any(|(at, _)| !text[at..].starts_with("get_taxonomy_url"));
        }
        reach
    }

    /// Names of the templates a render of `name` can use: itself, what it extends or includes,
    /// directly or not, and every template that defines components.
    pub fn closure(&self, name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![name.to_string()];
        todo.extend(self.component_files.iter().cloned());
        while let Some(current) = todo.pop() {
            if !seen.insert(current.clone()) {
                continue;
            }
            if let Some(text) = self.sources.get(&current) {
                todo.extend(referenced_templates(text));
            }
        }
        seen
    }
}

/// What a template can see beyond its own page, as far as its text tells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TemplateReach {
    /// Mentions `pages`: may list the section's pages.
    pub section_pages: bool,
    /// Calls get_page, get_section or source_coverage.
    pub other_content: bool,
    /// Calls sources().
    pub sources: bool,
    /// Calls get_url, which fails for a file that is not in the output.
    pub files: bool,
    /// Calls load_data, whose files change apart from the content.
    pub data: bool,
    /// Calls get_taxonomy, which lists the pages of every term.
    pub taxonomies: bool,
}

/// The template names in `{% extends "x" %}` and `{% include "x" %}` tags.
fn referenced_templates(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in text.split("{%").skip(1) {
        let tag = tag.trim_start_matches('-').trim_start();
        let rest = tag
            .strip_prefix("extends")
            .or_else(|| tag.strip_prefix("include"));
        if let Some(rest) = rest {
            let rest = rest.trim_start();
            if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'')
                && let Some(end) = rest[1..].find(quote)
            {
                out.push(rest[1..1 + end].to_string());
            }
        }
    }
    out
}

/// One rendered output file: its path in the output tree and its bytes.
pub type OutputFile = (OutputKey, Vec<u8>);

/// Renders the outputs given that a template makes (pages, sections, the 404 page); any other
/// kind in `kinds` is left to its own maker.
///
/// Each file goes to `deliver` on the thread that rendered it, which returns the files to keep
/// in the list this returns: the preview keeps every page in memory, while a build writes each
/// one out at once and keeps nothing. A failure of `deliver` (a write) stops the rendering.
pub fn render_kinds(
    site: &Arc<Site>,
    templates: &Templates,
    values: &Arc<SiteValues>,
    static_files: &Arc<BTreeSet<OutputKey>>,
    kinds: &[OutputKind],
    deliver: &(dyn Fn(OutputFile) -> anyhow::Result<Option<OutputFile>> + Sync),
) -> anyhow::Result<(Vec<OutputFile>, Diagnostics)> {
    let tera = with_functions(templates, site, values, static_files);
    let rendered: Vec<&OutputKind> = kinds
        .iter()
        .filter(|k| k.template(site).is_some())
        .collect();
    let results: Vec<Result<Option<OutputFile>, Diagnostic>> = rendered
        .par_iter()
        .map(
            |kind| match render_kind(site, templates, &tera, values, kind) {
                Ok(file) => deliver(file).map(Ok),
                Err(mistake) => Ok(Err(mistake)),
            },
        )
        .collect::<anyhow::Result<_>>()?;
    let mut outputs = Vec::with_capacity(results.len());
    let mut problems: BTreeMap<(String, String), (Diagnostic, Vec<String>)> = BTreeMap::new();
    for (kind, result) in rendered.iter().zip(results) {
        match result {
            Ok(kept) => outputs.extend(kept),
            Err(diagnostic) => {
                let key = (diagnostic.position(), diagnostic.message.clone());
                problems
                    .entry(key)
                    .or_insert_with(|| (diagnostic, Vec::new()))
                    .1
                    .push(kind.describe(site).into_owned());
            }
        }
    }
    // One template mistake fails every page using it: report it once, with a count.
    let diagnostics = problems
        .into_values()
        .map(|(mut d, pages)| {
            if let [first, rest @ ..] = pages.as_slice() {
                d.message = match rest.len() {
                    0 => format!("{} (while rendering {first})", d.message),
                    n => format!(
                        "{} (while rendering {first} and {n} other page{})",
                        d.message,
                        crate::diagnostics::plural(n)
                    ),
                };
            }
            d
        })
        .collect();
    Ok((outputs, diagnostics))
}

fn base_context(site: &Site, values: &SiteValues, site_path: &SitePath) -> Context {
    let mut context = Context::new();
    context.insert_value("config", values.config.clone());
    context.insert("base_path", &site.config.base_path);
    context.insert("current_path", &site.config.url_path(site_path));
    context.insert("current_url", &site.config.permalink(site_path));
    context
}

/// The URL of the social card a file shows in link previews: its page's or section's own, the
/// front page's for any other (a taxonomy's pages, the 404 page); nothing without cards.
fn social_card(site: &Site, kind: &OutputKind) -> Option<String> {
    let node = kind.node().unwrap_or(Node::Section(0));
    let card = OutputKind::Card(node);
    card.is_made(site).then(|| card.permalink(site))
}

/// One page, section or 404 page rendered with its template.
fn render_kind(
    site: &Site,
    templates: &Templates,
    tera: &Tera,
    values: &SiteValues,
    kind: &OutputKind,
) -> Result<OutputFile, Diagnostic> {
    let site_path = kind.site_path(site);
    let mut context = base_context(site, values, &site_path);
    context.insert("social_card", &social_card(site, kind));
    let section = match kind {
        OutputKind::Page(i) => {
            context.insert_value("page", values.page(site, *i));
            Some(site.pages[*i].section)
        }
        OutputKind::Section(i) => Some(*i),
        OutputKind::Pager { section, .. } => Some(*section),
        // As in Zola, a taxonomy's pages have no section: they are not in content/.
        OutputKind::Taxonomy(output) => {
            insert_taxonomy(&mut context, values, *output);
            None
        }
        OutputKind::Print => {
            context.insert_value("print", print::print_value(site, values));
            Some(0)
        }
        OutputKind::Generated(_)
        | OutputKind::Asset(_)
        | OutputKind::Redirect(_)
        | OutputKind::Card(_) => Some(0),
    };
    if let Some(section) = section {
        context.insert_value("section", values.sections[section].clone());
    }
    if *kind == OutputKind::Generated(Generated::Corrections) {
        context.insert_value("corrections", values.corrections.clone());
    }
    match kind {
        OutputKind::Section(i) => pagination::insert_paginator(site, values, *i, 1, &mut context),
        OutputKind::Pager { section, number } => {
            pagination::insert_paginator(site, values, *section, *number, &mut context)
        }
        OutputKind::Taxonomy(TaxonomyOutput::Term(t, k)) => {
            pagination::insert_term_paginator(site, values, (*t, *k), 1, &mut context)
        }
        OutputKind::Taxonomy(TaxonomyOutput::TermPager(t, k, number)) => {
            pagination::insert_term_paginator(site, values, (*t, *k), *number, &mut context)
        }
        _ => {}
    }
    let own = match kind {
        OutputKind::Taxonomy(output) => output
            .own_template(site)
            .filter(|name| templates.contains(name)),
        _ => None,
    };
    let template = own.as_deref().or(kind.template(site)).unwrap_or_default();
    if let Some(node) = kind.node()
        && !templates.contains(template)
    {
        return Err(missing_template(site, templates, node, template));
    }
    // Room for the content and the template around it, so the page is written without regrowing.
    let content = kind.node().map_or(0, |node| site.rendered(node).html.len());
    let mut html = Vec::with_capacity(content + 16 * 1024);
    tera.render_to(template, &context, &mut html)
        .map_err(|err| template_diagnostic(&templates.sources, template, &err, None))?;
    if *kind == OutputKind::Print {
        html = print::rewrite(site, &html).map_err(|err| {
            Diagnostic::error(
                format!("templates/{template}"),
                format!("the print edition's HTML could not be rewritten: {err}"),
            )
            .hint("check that the template writes well-formed HTML")
        })?;
    }
    Ok((kind.output_key(site), html))
}

/// What a taxonomy's pages see, named as Zola names it: `taxonomy`, and `terms` (the list) or
/// `term` (one term's page).
fn insert_taxonomy(context: &mut Context, values: &SiteValues, output: TaxonomyOutput) {
    let (t, term) = match output {
        TaxonomyOutput::List(t) => (t, None),
        TaxonomyOutput::Term(t, k)
        | TaxonomyOutput::Feed(t, k)
        | TaxonomyOutput::TermPager(t, k, _)
        | TaxonomyOutput::FirstTermPager(t, k) => (t, Some(k)),
    };
    let taxonomy = &values.taxonomies[t];
    context.insert_value("taxonomy", taxonomy.taxonomy.clone());
    match term {
        Some(k) => context.insert_value("term", taxonomy.terms[k].clone()),
        None => context.insert_value("terms", tera::Value::from(taxonomy.terms.clone())),
    }
}

/// A page or section that names a template there is not.
fn missing_template(site: &Site, templates: &Templates, node: Node, template: &str) -> Diagnostic {
    let doc = site.doc(node);
    let names: Vec<&str> = templates.sources.keys().map(String::as_str).collect();
    let hint = match did_you_mean(template, names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("create templates/{template}, or name an existing template"),
    };
    let field = doc
        .text
        .find(&format!("\"{template}\""))
        .map(|at| at..at + template.len() + 2);
    let d = Diagnostic::error(
        &doc.display_path,
        format!("the template `{template}` does not exist"),
    )
    .hint(hint);
    match field {
        Some(range) => d.in_text(&doc.text, range),
        None => d,
    }
}
