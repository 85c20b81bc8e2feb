//! The filters briefing adds to Tera's, and the functions that look things up in the site.

use std::collections::BTreeSet;
use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use super::{SiteValues, Templates};
use crate::paths::{OutputKey, SitePath, url_encoded};
use crate::site::{Node, Site};

/// The functions that need the site, so a build registers them.
pub(super) const SITE_FUNCTIONS: [&str; 5] =
    ["get_page", "get_section", "get_url", "sources", "load_data"];

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
