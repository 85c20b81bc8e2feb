//! Tera: loading `templates/`, the values templates see, and rendering every page in parallel.
//!
//! Templates are parsed once per build ([`Templates::load`]). Page and section values are built
//! once per site ([`SiteValues`]) and shared by reference-counted clones, so a listing of a
//! thousand pages costs a pointer copy per render, not a thousand serialisations.

use crate::config::Config;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Kwargs, State, Tera, Value};

mod values;

pub use values::{Reuse, ReuseTest, SiteValues};

use crate::diagnostics::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::site::{Node, Site};

const SITE_FUNCTIONS: [&str; 4] = ["get_page", "get_section", "get_url", "sources"];

/// Templates briefing falls back to when the site does not define them.
const BUILTIN_404: &str = include_str!("../builtin/404.html");

/// The parsed templates of a site, and their sources for error positions.
#[derive(Clone)]
pub struct Templates {
    tera: Tera,
    /// Shared with every build made from these templates, so a later build can tell exactly
    /// which templates changed since any earlier one, failed builds in between or not.
    sources: Arc<BTreeMap<String, String>>,
    /// Templates that define Tera components: components are global, so any render may use
    /// them without an extends or include naming their file.
    component_files: BTreeSet<String>,
}

/// The text of every template a build rendered with, by name.
pub type TemplateSources = Arc<BTreeMap<String, String>>;

impl Templates {
    /// Reads and parses every file under `templates/`, reporting every syntax error at once.
    pub fn load(config: &Config) -> Result<Templates, Diagnostics> {
        let dir = config.templates_dir.as_path();
        let mut diagnostics = Diagnostics::new();
        if !dir.is_dir() {
            diagnostics.push(
                Diagnostic::error("templates/", "there is no templates/ directory")
                    .hint("create templates/ with base.html, index.html, section.html and page.html; `briefing init` writes a starter set"),
            );
            return Err(diagnostics);
        }
        let mut sources = BTreeMap::new();
        let files = match crate::content::walk::list_files(config, dir, dir) {
            Ok((files, problems)) => {
                diagnostics.extend(problems);
                files
            }
            Err(err) => {
                diagnostics.push(Diagnostic::error("templates/", format!("{err:#}")));
                return Err(diagnostics);
            }
        };
        for file in files {
            let name = file.relative;
            match std::fs::read(&file.path).map(String::from_utf8) {
                Ok(Ok(text)) => {
                    sources.insert(name, text);
                }
                Ok(Err(_)) => diagnostics.push(
                    Diagnostic::error(
                        format!("templates/{name}"),
                        "this template is not valid UTF-8 text",
                    )
                    .hint("save it as UTF-8"),
                ),
                Err(err) => diagnostics.push(
                    Diagnostic::error(
                        format!("templates/{name}"),
                        format!("cannot read this template: {err}"),
                    )
                    .hint(crate::content::io_hint(&err)),
                ),
            }
        }
        if !sources.contains_key("404.html") {
            sources.insert("404.html".into(), BUILTIN_404.into());
        }
        // Each template alone first: syntax errors of every file, not just the first one.
        for (name, text) in &sources {
            if let Err(err) = Tera::new().add_raw_template(name, text)
                && matches!(err.kind(), tera::ErrorKind::SyntaxError(_))
            {
                diagnostics.push(template_diagnostic(&sources, name, &err, None));
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        register_filters(&mut tera);
        // Tera checks function names when templates are added; the real functions, which need
        // the site, replace these for each build.
        for name in SITE_FUNCTIONS {
            tera.register_function(
                name,
                |_: Kwargs, _: &State<'_>| -> tera::TeraResult<Value> {
                    Err(tera::Error::message(
                        "site functions are only available while rendering",
                    ))
                },
            );
        }
        if let Err(err) =
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            diagnostics.extend(batch_diagnostics(&sources, &err));
            return Err(diagnostics);
        }
        let component_files = sources
            .iter()
            .filter(|(_, text)| defines_component(text))
            .map(|(name, _)| name.clone())
            .collect();
        Ok(Templates {
            tera,
            sources: Arc::new(sources),
            component_files,
        })
    }

    /// The templates' text, to compare a later set of templates with.
    pub fn sources(&self) -> &TemplateSources {
        &self.sources
    }

    /// Names of the templates that differ between `older` and these (added, removed or edited).
    pub fn changed_since(&self, older: &TemplateSources) -> BTreeSet<String> {
        if Arc::ptr_eq(older, &self.sources) {
            return BTreeSet::new();
        }
        let names: BTreeSet<&String> = older.keys().chain(self.sources.keys()).collect();
        names
            .into_iter()
            .filter(|n| older.get(*n) != self.sources.get(*n))
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
            reach.other_content |= text.contains("get_page") || text.contains("get_section");
            reach.sources |= text.contains("sources(");
            reach.files |= text.contains("get_url");
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
    /// Calls get_page or get_section.
    pub other_content: bool,
    /// Calls sources().
    pub sources: bool,
    /// Calls get_url, which fails for a file that is not in the output.
    pub files: bool,
}

/// Whether a template's text holds a `{% component ... %}` definition.
fn defines_component(text: &str) -> bool {
    text.split("{%").skip(1).any(|tag| {
        tag.trim_start_matches('-')
            .trim_start()
            .starts_with("component ")
    })
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

/// The problems Tera found across templates when adding them all (an unknown filter, test,
/// function or included template, a block missing from every parent), each in its own template.
///
/// Tera returns these as one message of rendered reports, each with `--> name:line:col` and a
/// line of carets; its API has no positions for them, so they are read back from that text.
/// Anything that does not have that shape is reported whole, against templates/.
fn batch_diagnostics(sources: &BTreeMap<String, String>, err: &tera::Error) -> Vec<Diagnostic> {
    let tera::ErrorKind::Msg(message) = err.kind() else {
        return vec![template_diagnostic(sources, "", err, None)];
    };
    let lines: Vec<&str> = message.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(text) = line.strip_prefix("error: ") else {
            continue;
        };
        let Some((name, line, column)) = lines
            .get(i + 1)
            .and_then(|l| l.trim_start().strip_prefix("--> "))
            .and_then(parse_position)
        else {
            continue;
        };
        let Some(line_text) = sources.get(name).and_then(|t| t.lines().nth(line - 1)) else {
            continue;
        };
        let mut location = Location::at_line(line, column, line_text);
        let carets = lines.get(i + 4).map_or(0, |l| l.matches('^').count());
        location.span.end = (location.span.start + carets).min(line_text.len());
        found.push(
            Diagnostic::error(
                format!("templates/{name}"),
                format!("template error: {text}"),
            )
            .at(location)
            .hint(reference_hint(text)),
        );
    }
    if found.is_empty() {
        found.push(
            Diagnostic::error(
                "templates/",
                format!("template error: {}", first_line(message)),
            )
            .hint("check the templates against docs/templates.md"),
        );
    }
    found
}

/// `page.html:12:5` as a name, a line and a column; the name may hold colons itself.
fn parse_position(position: &str) -> Option<(&str, usize, usize)> {
    let (rest, column) = position.trim().rsplit_once(':')?;
    let (name, line) = rest.rsplit_once(':')?;
    Some((name, line.parse().ok()?, column.parse().ok()?))
}

fn reference_hint(message: &str) -> String {
    let known = |kind: &str, names: &[&str]| {
        format!(
            "check the {kind}'s name: besides Tera's own, briefing has {}",
            names.join(", ")
        )
    };
    if message.starts_with("Unknown filter") {
        known("filter", &["date", "json_encode", "safe"])
    } else if message.starts_with("Unknown function") {
        known("function", &SITE_FUNCTIONS)
    } else if message.starts_with("Unknown template") {
        "create the template in templates/, or fix the name".into()
    } else {
        template_hint(message)
    }
}

fn template_diagnostic(
    sources: &BTreeMap<String, String>,
    fallback_name: &str,
    err: &tera::Error,
    rendering: Option<&str>,
) -> Diagnostic {
    let suffix = rendering
        .map(|page| format!(" (while rendering {page})"))
        .unwrap_or_default();
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let name = if report.filename().is_empty() {
                fallback_name
            } else {
                report.filename()
            };
            let kind = if matches!(err.kind(), tera::ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            let mut d = Diagnostic::error(
                format!("templates/{name}"),
                format!("{kind}: {}{suffix}", report.message()),
            );
            if let Some(text) = sources.get(name) {
                let span = report.span();
                d = d.at(Location::in_text(text, span.range.clone()));
            }
            d.hint(template_hint(report.message()))
        }
        tera::ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            format!("templates/{current}"),
            format!("this template extends `{parent}`, which does not exist{suffix}"),
        )
        .hint(format!(
            "create templates/{parent}, or fix the name in the extends tag"
        )),
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => Diagnostic::error(
            format!("templates/{tpl}"),
            format!(
                "templates extend each other in a circle: {}",
                inheritance_chain.join(" -> ")
            ),
        )
        .hint("one template in the chain must not extend another"),
        tera::ErrorKind::CircularInclude { tpl, include_chain } => Diagnostic::error(
            format!("templates/{tpl}"),
            format!(
                "templates include each other in a circle: {}",
                include_chain.join(" -> ")
            ),
        )
        .hint("remove the include that leads back to the first template"),
        tera::ErrorKind::TemplateNotFound(name) => {
            let near = did_you_mean(name, sources.keys().map(String::as_str));
            Diagnostic::error(
                format!("templates/{fallback_name}"),
                format!("the template `{name}` does not exist{suffix}"),
            )
            .hint(match near {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("create templates/{name}"),
            })
        }
        _ => Diagnostic::error(
            format!("templates/{fallback_name}"),
            format!(
                "{}{suffix}",
                first_line(err.to_string().trim_start_matches("error: "))
            ),
        )
        .hint("check the template against the context described in docs/templates.md"),
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

fn template_hint(message: &str) -> String {
    if let Some((field, available)) = message
        .strip_prefix("Field `")
        .and_then(|rest| rest.split_once("` is not defined. Available fields: "))
        && let Some(near) = did_you_mean(field, available.split(", "))
    {
        return format!("did you mean `{near}`?");
    }
    if message.contains("not found in context")
        || message.contains("undefined")
        || message.contains("not defined")
    {
        "the variable does not exist here: check its name against docs/templates.md, or guard it with `is defined`".into()
    } else {
        "fix the tag or expression at the caret; Tera tags are {{ ... }}, {% ... %} and {# ... #}"
            .into()
    }
}

fn register_filters(tera: &mut Tera) {
    // Tera's own `safe` copies the string; a page's content is already a safe string of many
    // kilobytes, passed through `| safe` on every page. Same result, without the copy.
    tera.register_filter("safe", |value: Value, _: Kwargs, _: &State<'_>| -> Value {
        if value.as_str().is_some() {
            value.mark_safe()
        } else {
            Value::safe_string(&value.to_string())
        }
    });
    tera.register_filter(
        "date",
        |value: &str, kwargs: Kwargs, _: &State<'_>| -> tera::TeraResult<String> {
            let format = kwargs.get::<&str>("format")?.unwrap_or("%Y-%m-%d");
            // The front matter's own reading, so every date a page accepts can be shown.
            let date = crate::content::front_matter::date_from_str(value)
                .map_err(|e| tera::Error::message(format!("`{value}` is not a date: {e}")))?;
            let mut time = jiff::fmt::strtime::BrokenDownTime::from(date.utc);
            time.set_offset(Some(jiff::tz::Offset::UTC));
            time.to_string(format)
                .map_err(|e| tera::Error::message(format!("bad date format `{format}`: {e}")))
        },
    );
    tera.register_filter(
        "json_encode",
        |value: &Value, _: Kwargs, _: &State<'_>| -> tera::TeraResult<Value> {
            let json =
                serde_json::to_string(value).map_err(|e| tera::Error::message(e.to_string()))?;
            // Safe inside <script>: no `</script>` or `<!--` can be formed.
            Ok(Value::safe_string(
                &json
                    .replace('<', "\\u003c")
                    .replace('>', "\\u003e")
                    .replace('&', "\\u0026"),
            ))
        },
    );
}

/// One rendered output file: its path in the output tree and its bytes.
pub type OutputFile = (String, Vec<u8>);

/// Which template renders a node, following the documented precedence.
pub fn template_for(site: &Site, node: Node) -> &str {
    match node {
        Node::Section(0) => site.sections[0]
            .meta()
            .template
            .as_ref()
            .map_or("index.html", |t| t.get_ref()),
        Node::Section(i) => site.sections[i]
            .meta()
            .template
            .as_ref()
            .map_or("section.html", |t| t.get_ref()),
        Node::Page(i) => {
            let page = &site.pages[i];
            let own = match &page.doc.meta {
                crate::content::Meta::Page(meta) => meta.template.as_ref(),
                crate::content::Meta::Section(_) => None,
            };
            own.or(site.sections[page.section].meta().page_template.as_ref())
                .map_or("page.html", |t| t.get_ref())
        }
    }
}

/// Renders the nodes given (all of them for a full build), plus `404.html`.
///
/// Each file goes to `deliver` on the thread that rendered it, which returns the files to keep
/// in the list this returns: the preview keeps every page in memory, while a build writes each
/// one out at once and keeps nothing. A failure of `deliver` (a write) stops the rendering.
pub fn render_nodes(
    site: &Arc<Site>,
    templates: &Templates,
    values: &Arc<SiteValues>,
    static_files: &Arc<BTreeSet<String>>,
    nodes: &[Node],
    include_404: bool,
    deliver: &(dyn Fn(OutputFile) -> anyhow::Result<Option<OutputFile>> + Sync),
) -> anyhow::Result<(Vec<OutputFile>, Diagnostics)> {
    let tera = with_functions(templates, site, values, static_files);
    let results: Vec<Result<Option<OutputFile>, Diagnostic>> = nodes
        .par_iter()
        .map(
            |&node| match render_node(site, templates, &tera, values, node) {
                Ok(file) => deliver(file).map(Ok),
                Err(mistake) => Ok(Err(mistake)),
            },
        )
        .collect::<anyhow::Result<_>>()?;
    let mut outputs = Vec::with_capacity(results.len() + 1);
    let mut problems: BTreeMap<(String, String), (Diagnostic, Vec<String>)> = BTreeMap::new();
    for (node, result) in nodes.iter().zip(results) {
        match result {
            Ok(kept) => outputs.extend(kept),
            Err(diagnostic) => {
                let key = (diagnostic.position(), diagnostic.message.clone());
                problems
                    .entry(key)
                    .or_insert_with(|| (diagnostic, Vec::new()))
                    .1
                    .push(site.doc(*node).display_path.clone());
            }
        }
    }
    if include_404 {
        let mut context = base_context(site, values, "404.html");
        context.insert("section", &values.sections[0]);
        match tera.render("404.html", &context) {
            Ok(html) => outputs.extend(deliver(("404.html".into(), html.into_bytes()))?),
            Err(err) => {
                let d = template_diagnostic(&templates.sources, "404.html", &err, None);
                problems
                    .entry((d.position(), d.message.clone()))
                    .or_insert_with(|| (d, Vec::new()))
                    .1
                    .push("the 404 page".into());
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

fn base_context(site: &Site, values: &SiteValues, site_path: &str) -> Context {
    let mut context = Context::new();
    context.insert_value("config", values.config.clone());
    context.insert("base_path", &site.config.base_path);
    context.insert("current_path", &site.config.url_path(site_path));
    context.insert("current_url", &site.config.permalink(site_path));
    context
}

fn render_node(
    site: &Site,
    templates: &Templates,
    tera: &Tera,
    values: &SiteValues,
    node: Node,
) -> Result<OutputFile, Diagnostic> {
    let site_path = site.site_path(node);
    let mut context = base_context(site, values, site_path);
    match node {
        Node::Page(i) => {
            context.insert_value("page", values.page(site, i));
            context.insert_value("section", values.sections[site.pages[i].section].clone());
        }
        Node::Section(i) => context.insert_value("section", values.sections[i].clone()),
    }
    let template = template_for(site, node);
    if !templates.contains(template) {
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
        return Err(match field {
            Some(range) => d.in_text(&doc.text, range),
            None => d,
        });
    }
    // Room for the content and the template around it, so the page is written without regrowing.
    let mut html = Vec::with_capacity(site.rendered(node).html.len() + 16 * 1024);
    tera.render_to(template, &context, &mut html)
        .map_err(|err| template_diagnostic(&templates.sources, template, &err, None))?;
    Ok((format!("{site_path}index.html"), html))
}

/// A copy of the parsed templates with the site's lookup functions registered.
fn with_functions(
    templates: &Templates,
    site: &Arc<Site>,
    values: &Arc<SiteValues>,
    static_files: &Arc<BTreeSet<String>>,
) -> Tera {
    let mut tera = templates.tera.clone();
    let lookup = Arc::clone(values);
    let pages_site = Arc::clone(site);
    tera.register_function("get_page", move |kwargs: Kwargs, _: &State<'_>| -> tera::TeraResult<Value> {
        let path = kwargs.must_get::<&str>("path")?;
        match lookup.by_path.get(path.trim_start_matches("@/")) {
            Some(Node::Page(i)) => Ok(lookup.page(&pages_site, *i)),
            _ => Err(tera::Error::message(format!("get_page: no page at `{path}` (paths are relative to content/, e.g. partnerships/a24-google.md)"))),
        }
    });
    let lookup = Arc::clone(values);
    tera.register_function("get_section", move |kwargs: Kwargs, _: &State<'_>| -> tera::TeraResult<Value> {
        let path = kwargs.must_get::<&str>("path")?;
        let _ = kwargs.get::<bool>("metadata_only")?;
        match lookup.by_path.get(path.trim_start_matches("@/")) {
            Some(Node::Section(i)) => Ok(lookup.sections[*i].clone()),
            _ => Err(tera::Error::message(format!("get_section: no section at `{path}` (write the path of its _index.md, e.g. partnerships/_index.md)"))),
        }
    });
    let lookup = Arc::clone(values);
    tera.register_function("sources", move |_: Kwargs, _: &State<'_>| {
        lookup.sources.clone()
    });
    // Looked up in the site graph when called: most builds never call get_url with `@/`, and a
    // map of every URL made up front would cost each rebuild a pass over the whole site.
    let urls_site = Arc::clone(site);
    let files = Arc::clone(static_files);
    tera.register_function(
        "get_url",
        move |kwargs: Kwargs, _: &State<'_>| -> tera::TeraResult<String> {
            let path = kwargs.must_get::<&str>("path")?;
            if let Some(content_path) = path.strip_prefix("@/") {
                let (target, fragment) = content_path
                    .split_once('#')
                    .map_or((content_path, None), |(t, f)| (t, Some(f)));
                return match urls_site.node(target) {
                    Some(node) => {
                        let url = urls_site.config.url_path(urls_site.site_path(node));
                        Ok(match fragment {
                            Some(fragment) => format!("{url}#{fragment}"),
                            None => url,
                        })
                    }
                    None => Err(tera::Error::message(format!(
                        "get_url: no content file `{path}`"
                    ))),
                };
            }
            let file = path.trim_start_matches('/');
            let bare = file.split(['#', '?']).next().unwrap_or(file);
            if files.contains(bare) || bare.is_empty() || bare.ends_with('/') {
                Ok(urls_site.config.url_path(file))
            } else {
                Err(tera::Error::message(format!(
                    "get_url: no file `{path}` in static/ or the generated files"
                )))
            }
        },
    );
    tera
}
