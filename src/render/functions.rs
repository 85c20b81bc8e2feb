//! The filters briefing adds to Tera's, and the functions that look things up in the site.

use std::collections::BTreeSet;
use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use super::{SiteValues, Templates};
use crate::paths::{OutputKey, SitePath, url_encoded};
use crate::site::{Node, Site};

/// The functions that need the site, so a build registers them.
pub(super) const SITE_FUNCTIONS: [&str; 8] = [
    "get_page",
    "get_section",
    "get_url",
    "sources",
    "source_coverage",
    "load_data",
    "get_taxonomy",
    "get_taxonomy_url",
];

/// Stand-ins for the site functions: Tera checks function names when templates are added, and
/// the real functions, which need the site, replace these for each build's pages. Shortcodes
/// run while the site is being made, so a call from one meets the stand-in.
pub(super) fn register_placeholders(tera: &mut Tera) {
    for name in SITE_FUNCTIONS {
        tera.register_function(
            name,
            |_: Kwargs, _: &State<'_>| -> tera::TeraResult<Value> {
                Err(tera::Error::message(
                    "get_page, get_section, get_url and sources() need the finished site, so shortcodes cannot call them",
                ))
            },
        );
    }
}

pub(super) fn register_filters(tera: &mut Tera) {
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
            // The day and time in the offset the editor wrote, not in UTC.
            let mut time = jiff::fmt::strtime::BrokenDownTime::from(date.local());
            time.set_offset(Some(date.offset));
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

/// `load_data`, reading through the build's data files.
fn register_load_data(tera: &mut Tera, values: &Arc<SiteValues>) {
    let lookup = Arc::clone(values);
    tera.register_function(
        "load_data",
        move |kwargs: Kwargs, _: &State<'_>| -> tera::TeraResult<Value> {
            let path = kwargs.must_get::<&str>("path")?;
            let format = kwargs.get::<&str>("format")?;
            lookup
                .data
                .load(path, format)
                .map_err(|problem| tera::Error::message(format!("load_data: {problem}")))
        },
    );
}

/// `get_taxonomy(kind="topics")` (the taxonomy and its terms, `required=false` for nothing when
/// there is none) and `get_taxonomy_url(kind="topics", name="Runway")` (a term's permalink), as
/// Zola has them.
fn register_taxonomy_functions(tera: &mut Tera, site: &Arc<Site>, values: &Arc<SiteValues>) {
    let lookup = Arc::clone(values);
    let names_site = Arc::clone(site);
    tera.register_function(
        "get_taxonomy",
        move |kwargs: Kwargs, _: &State<'_>| -> tera::TeraResult<Value> {
            let kind = kwargs.must_get::<&str>("kind")?;
            let required = kwargs.get::<bool>("required")?.unwrap_or(true);
            match taxonomy_index(&names_site, "get_taxonomy", kind) {
                Ok(t) => Ok(lookup.taxonomies()[t].whole.clone()),
                Err(_) if !required => Ok(Value::none()),
                Err(problem) => Err(problem),
            }
        },
    );
    let urls_site = Arc::clone(site);
    tera.register_function(
        "get_taxonomy_url",
        move |kwargs: Kwargs, _: &State<'_>| -> tera::TeraResult<String> {
            let kind = kwargs.must_get::<&str>("kind")?;
            let name = kwargs.must_get::<&str>("name")?;
            let taxonomy =
                &urls_site.taxonomies[taxonomy_index(&urls_site, "get_taxonomy_url", kind)?];
            match taxonomy.term(name) {
                Some(term) => Ok(urls_site.config.permalink(&term.site_path)),
                None => Err(tera::Error::message(format!(
                    "get_taxonomy_url: no page is in the term `{name}` of the taxonomy `{kind}`"
                ))),
            }
        },
    );
}

/// The index of the taxonomy `kind` in `site`, or an error of `function` saying which there are.
fn taxonomy_index(site: &Site, function: &str, kind: &str) -> tera::TeraResult<usize> {
    let names = || site.taxonomies.iter().map(|t| t.config.name.as_str());
    if let Some(t) = names().position(|name| name == kind) {
        return Ok(t);
    }
    let known = match crate::diagnostics::did_you_mean(kind, names()) {
        Some(near) => format!("did you mean `{near}`?"),
        None if site.taxonomies.is_empty() => {
            "site.toml declares none: taxonomies = [{ name = \"...\" }]".to_string()
        }
        None => format!(
            "site.toml declares {}",
            names().collect::<Vec<_>>().join(", ")
        ),
    };
    Err(tera::Error::message(format!(
        "{function}: no taxonomy `{kind}` ({known})"
    )))
}

/// One page's source coverage, for editors: its paragraphs, and those that cite a source.
#[derive(serde::Serialize)]
struct CoverageView<'a> {
    title: &'a str,
    path: String,
    relative_path: &'a str,
    paragraphs: usize,
    cited: usize,
}

/// `source_coverage()`: every page's, in path order. Counted as the Markdown was rendered, so
/// a site whose templates never call it pays nothing for it.
fn register_source_coverage(tera: &mut Tera, site: &Arc<Site>) {
    let site = Arc::clone(site);
    tera.register_function("source_coverage", move |_: Kwargs, _: &State<'_>| {
        let pages: Vec<CoverageView<'_>> = site
            .pages
            .iter()
            .map(|page| CoverageView {
                title: &page.doc.title,
                path: site.config.url_path(&page.site_path),
                relative_path: page.doc.relative_path.as_str(),
                paragraphs: page.rendered.paragraphs,
                cited: page.rendered.cited_paragraphs,
            })
            .collect();
        Value::from_serializable(&pages)
    });
}

/// A copy of the parsed templates with the site's lookup functions registered.
pub(super) fn with_functions(
    templates: &Templates,
    site: &Arc<Site>,
    values: &Arc<SiteValues>,
    static_files: &Arc<BTreeSet<OutputKey>>,
) -> Tera {
    let mut tera = (*templates.tera).clone();
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
    register_load_data(&mut tera, values);
    register_taxonomy_functions(&mut tera, site, values);
    register_source_coverage(&mut tera, site);
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
            // A file whose own name holds `#` or `?` first; else what follows them is a query
            // or fragment, kept as written.
            let (bare, suffix) = match files.contains(file) {
                true => (file, ""),
                false => file.split_at(file.find(['#', '?']).unwrap_or(file.len())),
            };
            if files.contains(bare) || bare.is_empty() || bare.ends_with('/') {
                Ok(urls_site
                    .config
                    .url_path(&SitePath::new(format!("{}{suffix}", url_encoded(bare)))))
            } else {
                Err(tera::Error::message(format!(
                    "get_url: no file `{path}` in static/ or the generated files"
                )))
            }
        },
    );
    tera
}
