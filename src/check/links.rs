//! Links and anchors of the rendered output.
//!
//! Links are checked in the rendered output, so a link written in a template is checked just
//! like one written in Markdown: every internal `href`/`src` must name a file of the output and
//! every `#fragment` an `id` in it. External links are only collected here, for `external`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lol_html::{HtmlRewriter, Settings, element};
use rayon::prelude::*;

use super::rules::{self, Rule};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Output;
use crate::paths::OutputKey;
use crate::render::OutputKind;
use crate::site::{Node, Site};

/// Ids and links found in one HTML file.
#[derive(Debug, Default)]
struct Scanned {
    ids: BTreeSet<String>,
    /// Ids given to more than one element, each once, in order.
    duplicate_ids: Vec<String>,
    links: Vec<String>,
}

fn scan(html: &[u8]) -> Scanned {
    let mut found = Scanned::default();
    let (mut ids, mut links) = (Vec::new(), Vec::new());
    {
        let mut rewriter = HtmlRewriter::new(
            Settings::new().append_element_content_handler(element!(
                    "[id], a[name], a[href], link[href], area[href], img[src], script[src], source[src], iframe[src], video[src], audio[src]",
                    |el| {
                        // Attribute values come as written: `&amp;` is `&` to a browser.
                        let decoded = |value: String| html_escape::decode_html_entities(&value).into_owned();
                        let id = el.get_attribute("id").map(decoded);
                        let tag = el.tag_name();
                        let name = (tag == "a").then(|| el.get_attribute("name")).flatten().map(decoded);
                        // `<a id="x" name="x">` names one place, not two.
                        if name.is_some() && name != id {
                            ids.extend(name);
                        }
                        ids.extend(id);
                        let attribute = if matches!(tag.as_str(), "a" | "link" | "area") { "href" } else { "src" };
                        if let Some(link) = el.get_attribute(attribute) {
                            links.push(decoded(link));
                        }
                        Ok(())
                    }
                )),
            |_: &[u8]| {},
        );
        // Malformed HTML is the validator's business; scanning stops where parsing does.
        let _ = rewriter.write(html);
        let _ = rewriter.end();
    }
    let mut seen = BTreeSet::new();
    for id in &ids {
        if !seen.insert(id.as_str()) && !found.duplicate_ids.contains(id) {
            found.duplicate_ids.push(id.clone());
        }
    }
    found.ids = ids.into_iter().collect();
    found.links = links;
    found
}

/// A link of the output, resolved against the page it is on.
#[derive(Debug, PartialEq, Eq)]
enum LinkTarget {
    Internal {
        key: OutputKey,
        fragment: Option<String>,
    },
    External(String),
    Outside(String),
    Ignored,
}

fn classify_link(href: &str, page_key: &str, base_url: &str, base_path: &str) -> LinkTarget {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    if href.is_empty()
        || ["mailto:", "tel:", "javascript:", "data:", "sms:"]
            .iter()
            .any(|p| lower.starts_with(p))
    {
        return LinkTarget::Ignored;
    }
    let (path_part, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (href, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    let page_dir = page_key.rsplit_once('/').map_or("", |(d, _)| d);
    let site_path: String = if let Some(rest) = path_part.strip_prefix(base_url) {
        if !(rest.is_empty() || rest.starts_with('/')) {
            return LinkTarget::External(href.to_string());
        }
        rest.trim_start_matches('/').to_string()
    } else if lower.starts_with("http://")
        || lower.starts_with("https://")
        || href.starts_with("//")
    {
        return LinkTarget::External(href.to_string());
    } else if lower.contains(':')
        && !lower.starts_with('/')
        && lower.split('/').next().is_some_and(|s| s.contains(':'))
    {
        return LinkTarget::Ignored;
    } else if path_part.is_empty() {
        page_key.to_string()
    } else if let Some(absolute) = path_part.strip_prefix('/') {
        match format!("/{absolute}").strip_prefix(base_path) {
            Some(rest) => rest.to_string(),
            None if format!("/{absolute}/") == base_path => String::new(),
            None => return LinkTarget::Outside(href.to_string()),
        }
    } else {
        let mut segments: Vec<&str> = page_dir.split('/').filter(|s| !s.is_empty()).collect();
        for segment in path_part.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    if segments.pop().is_none() {
                        return LinkTarget::Outside(href.to_string());
                    }
                }
                s => segments.push(s),
            }
        }
        let mut joined = segments.join("/");
        if path_part.ends_with('/') && !joined.is_empty() {
            joined.push('/');
        }
        joined
    };
    LinkTarget::Internal {
        key: OutputKey::of_site_path(&site_path),
        fragment: fragment.filter(|f| !f.is_empty()).map(|f| {
            percent_encoding::percent_decode_str(&f)
                .decode_utf8_lossy()
                .into_owned()
        }),
    }
}

/// The rule a link breaks, what the link does wrong, and a hint.
type LinkProblem = (&'static Rule, String, String);

/// Which content file made each output file, for messages.
fn owners(site: &Site) -> HashMap<OutputKey, Node> {
    site.nodes()
        .flat_map(|n| std::iter::once(OutputKind::of_node(n)).chain(OutputKind::beside(site, n)))
        .filter_map(|kind| Some((kind.output_key(site), kind.node()?)))
        .collect()
}

/// Checks every internal link and anchor of every HTML file of the output. Returns the
/// problems and the external URLs found, with the pages that use them.
pub(super) fn output_links(
    site: &Site,
    output: &Output,
) -> (Diagnostics, BTreeMap<String, BTreeSet<String>>) {
    let config = &site.config;
    let html_files: Vec<(&str, &[u8])> = output
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k.as_str(), v.as_ref()))
        .collect();
    let scanned: HashMap<&str, Scanned> =
        html_files.par_iter().map(|(k, v)| (*k, scan(v))).collect();
    let owners = owners(site);
    let mut diagnostics = Diagnostics::new();
    let mut external: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut keys: Vec<&&str> = scanned.keys().collect();
    keys.sort();
    for page_key in keys {
        let page = &scanned[*page_key];
        let owner = owners.get(*page_key).copied();
        let display = owner.map_or_else(
            || format!("the generated {page_key}"),
            |n| site.doc(n).display_path.clone(),
        );
        for id in &page.duplicate_ids {
            let d = rules::DUPLICATE_ID
                .diagnostic(
                    &display,
                    format!("the id `{id}` is on more than one element of {page_key}: a link to #{id} reaches only the first"),
                )
                .hint("give one of them another id: a heading takes one with {#other-id}, a template's id is in its HTML");
            diagnostics.push(match owner {
                Some(node) => id_written_at(site.doc(node), id, d),
                None => d,
            });
        }
        let mut reported = BTreeSet::new();
        for href in &page.links {
            let problem = match classify_link(href, page_key, &config.base_url, &config.base_path) {
                LinkTarget::Ignored => None,
                LinkTarget::External(url) => {
                    external.entry(url).or_default().insert(display.clone());
                    None
                }
                LinkTarget::Outside(_) => Some((
                    &rules::OUTSIDE_BASE_PATH,
                    "points outside the site".to_string(),
                    format!(
                        "links inside the site start with the base path {}",
                        config.base_path
                    ),
                )),
                LinkTarget::Internal { key, fragment } => {
                    internal_link_problem(output, &scanned, &key, fragment.as_deref())
                }
            };
            if let Some((rule, what, hint)) = problem
                && reported.insert(href.clone())
            {
                let d = rule
                    .diagnostic(&display, format!("the link `{href}` {what}"))
                    .hint(hint);
                diagnostics.push(match owner {
                    Some(node) => written_at(site, node, href, d),
                    None => d,
                });
            }
        }
    }
    (diagnostics, external)
}

/// What is wrong with a link to the output file `key` (and `fragment` in it), as the rule it
/// breaks, what the link does and a hint; `None` when it is right.
fn internal_link_problem(
    output: &Output,
    scanned: &HashMap<&str, Scanned>,
    key: &str,
    fragment: Option<&str>,
) -> Option<LinkProblem> {
    let exists = output.contains(key);
    let redirect = !exists && output.contains(&format!("{key}/index.html"));
    if !exists && !redirect {
        return Some((&rules::BROKEN_LINK, "points to a page or file that does not exist".to_string(), "link with @/path.md in Markdown, or get_url(path=...) in templates, so paths are checked when written".to_string()));
    }
    let fragment = fragment.filter(|_| exists)?;
    match scanned.get(key).map(|s| &s.ids) {
        Some(ids) if !ids.contains(fragment) => Some((
            &rules::MISSING_ANCHOR,
            format!("points to the anchor #{fragment}, which {key} does not have"),
            "link to a heading id shown by the page's table of contents".to_string(),
        )),
        _ => None,
    }
}

/// `d`, about the id `id` given twice, pointed at the second place the Markdown writes it (a
/// heading's `{#id}` or an HTML `id`), when it writes it twice; else at the first, when once
/// (a template or a generated heading id has the other).
fn id_written_at(doc: &crate::content::Document, id: &str, d: Diagnostic) -> Diagnostic {
    let body = doc.body();
    let mut written: Vec<(usize, usize)> = ["{#", "id=\"", "id='", "id="]
        .iter()
        .flat_map(|open| {
            body.match_indices(&format!("{open}{id}"))
                .filter(|(at, found)| {
                    body[at + found.len()..].starts_with(['}', '"', '\'', ' ', '>'])
                })
                .map(|(at, _)| (at + open.len(), id.len()))
                .collect::<Vec<_>>()
        })
        .collect();
    written.sort_unstable();
    written.dedup_by_key(|(at, _)| *at);
    match written.get(1).or(written.first()) {
        Some(&(at, len)) => {
            let start = doc.split.body.start + at;
            d.in_text(&doc.text, start..start + len)
        }
        None => d,
    }
}

/// `d`, about the link `href` on the page of `node`, pointed at the Markdown that wrote it (a
/// link, or a shortcode's quoted argument), or naming the template that did.
fn written_at(site: &Site, node: Node, href: &str, mut d: Diagnostic) -> Diagnostic {
    let doc = site.doc(node);
    // A section that redirects writes its page from `redirect_to`, not from a template.
    if let (Node::Section(i), crate::content::Meta::Section(meta)) = (node, &doc.meta)
        && let Some(target) = &meta.redirect_to
        && OutputKind::Section(i).redirect_target(site).as_deref() == Some(href)
    {
        return d.in_text(&doc.text, doc.front_matter_range(target.span()));
    }
    let written = href
        .strip_prefix(site.config.base_path.trim_end_matches('/'))
        .unwrap_or(href);
    let body = &doc.text[doc.split.body.clone()];
    if let Some(at) = doc
        .text
        .find(&format!("]({written}"))
        .or_else(|| doc.text.find(&format!("]({href}")))
    {
        d.in_text(&doc.text, at + 2..at + 2 + written.len())
    } else if let Some(at) = ["\"", "'", "`"]
        .iter()
        .find_map(|quote| body.find(&format!("{quote}{written}{quote}")))
    {
        // A shortcode's argument, which its template made into the link.
        let at = doc.split.body.start + at + 1;
        d.in_text(&doc.text, at..at + written.len())
    } else {
        d.message.push_str(&format!(
            " (written in the template {})",
            crate::render::template_for(site, node)
        ));
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_ids_and_links() {
        let s = scan(
            br##"<h2 id="scope">S</h2><a href="/a/#x">a</a><img src="i.png"><a name="old"></a>"##,
        );
        assert!(s.ids.contains("scope") && s.ids.contains("old"));
        assert_eq!(s.links, ["/a/#x", "i.png"]);
        let s = scan(br#"<a href="/Q&amp;A.pdf">q</a><a href="/x?a=1&amp;b=&#50;">x</a>"#);
        assert_eq!(s.links, ["/Q&A.pdf", "/x?a=1&b=2"]);
    }

    #[test]
    fn classifies_links() {
        let c = |href| classify_link(href, "p/q/index.html", "https://e.org/b", "/b/");
        let internal = |key: &str, fragment: Option<&str>| LinkTarget::Internal {
            key: key.into(),
            fragment: fragment.map(String::from),
        };
        assert_eq!(c("/b/a/#x"), internal("a/index.html", Some("x")));
        assert_eq!(c("https://e.org/b/style.css"), internal("style.css", None));
        assert_eq!(c("#top"), internal("p/q/index.html", Some("top")));
        assert_eq!(c("../r/"), internal("p/r/index.html", None));
        assert_eq!(c("img%20x.png"), internal("p/q/img x.png", None));
        assert_eq!(c("/b"), internal("index.html", None));
        assert_eq!(c("/other/"), LinkTarget::Outside("/other/".into()));
        assert_eq!(c("../../../x"), LinkTarget::Outside("../../../x".into()));
        assert_eq!(
            c("https://wired.com/x"),
            LinkTarget::External("https://wired.com/x".into())
        );
        assert_eq!(
            c("https://e.org/bother"),
            LinkTarget::External("https://e.org/bother".into())
        );
        assert_eq!(c("mailto:a@b"), LinkTarget::Ignored);
    }
}
