//! The print edition (`/print/`): every section and page in reading order as one document.
//!
//! `print.html` renders the documents one after another, each in an element carrying
//! `data-print-doc` and its own `id`. The rendered page is then rewritten once: inside a
//! document, every `id` (and every attribute naming one) gets the document's id in front, so two
//! pages' `#overview` stay apart; every link to a page or section of the edition becomes a link
//! to its place in the document, and every other link into the site an absolute URL, which the
//! print stylesheet writes out after it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use lol_html::html_content::Element;
use lol_html::{HtmlRewriter, Settings, element};
use tera::Value;

use super::SiteValues;
use crate::site::{Node, Site};

/// The attribute `print.html` puts on each document's element (with `id="{{ doc.id }}"`).
const DOCUMENT_MARK: &str = "data-print-doc";

/// Attributes whose value names ids (one, or several separated by spaces).
const ID_REFERENCES: [&str; 6] = [
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
    "for",
    "headers",
];

/// The elements [`rewrite`] may change: chapters, ids, links and the attributes naming ids.
const REWRITTEN: &str = "[data-print-doc], [id], a[href], area[href], [aria-labelledby], \
    [aria-describedby], [aria-controls], [aria-owns], [for], [headers]";

/// One section or page of the edition, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chapter {
    node: Node,
    /// `1`, `1.2`; empty for the front page, which opens the document unnumbered.
    number: String,
    /// 0 for the front page, 1 for a top-level section or a page of the front page, and so on.
    depth: usize,
}

impl Chapter {
    /// Its element's id: `s0` for the front page, `s1-2` for chapter 1.2. Never holds `--`,
    /// which joins it to the ids inside it.
    fn id(&self) -> String {
        match self.number.as_str() {
            "" => "s0".to_string(),
            number => format!("s{}", number.replace('.', "-")),
        }
    }
}

/// The front page, its pages, then each section with its pages and its subsections, in the
/// order the site lists them. A section that only redirects has no text of its own, so only
/// its pages are in the edition.
fn reading_order(site: &Site) -> Vec<Chapter> {
    let mut chapters = vec![Chapter {
        node: Node::Section(0),
        number: String::new(),
        depth: 0,
    }];
    add_children(site, 0, "", 1, &mut 0, &mut chapters);
    chapters
}

/// The pages, then the subsections, of `section`, numbered `{prefix}{count}` on from `count`;
/// the pages of a section that redirects are numbered as if they were its parent's.
fn add_children(
    site: &Site,
    section: usize,
    prefix: &str,
    depth: usize,
    count: &mut usize,
    out: &mut Vec<Chapter>,
) {
    let section = &site.sections[section];
    let pages = section.pages.iter().map(|&i| Node::Page(i));
    let children = pages.chain(section.subsections.iter().map(|&i| Node::Section(i)));
    for node in children {
        if let Node::Section(i) = node
            && site.doc(node).routes.redirect_to.is_some()
        {
            add_children(site, i, prefix, depth, count, out);
            continue;
        }
        *count += 1;
        let number = format!("{prefix}{count}");
        if let Node::Section(i) = node {
            let inner = format!("{number}.");
            out.push(Chapter {
                node,
                number,
                depth,
            });
            add_children(site, i, &inner, depth + 1, &mut 0, out);
        } else {
            out.push(Chapter {
                node,
                number,
                depth,
            });
        }
    }
}

/// `print`, as `print.html` sees it: `documents`, each with `id`, `number`, `depth`, `kind`
/// (`page` or `section`), `template` (the one that renders it on its own URL) and `item` (the
/// page's or section's own value, content included).
pub(super) fn print_value(site: &Site, values: &SiteValues) -> Value {
    let documents: Vec<Value> = reading_order(site)
        .into_iter()
        .map(|chapter| {
            let (kind, item) = match chapter.node {
                Node::Page(i) => ("page", values.page(site, i)),
                Node::Section(i) => ("section", values.section(i).clone()),
            };
            let mut map = tera::Map::new();
            map.insert("id".into(), Value::from(chapter.id()));
            map.insert("number".into(), Value::from(chapter.number.as_str()));
            map.insert("depth".into(), Value::from(chapter.depth));
            map.insert("kind".into(), Value::from(kind));
            map.insert(
                "template".into(),
                Value::from(super::template_for(site, chapter.node)),
            );
            map.insert("item".into(), item);
            Value::from(map)
        })
        .collect();
    let mut print = tera::Map::new();
    print.insert("documents".into(), Value::from(documents));
    Value::from(print)
}

/// Where the links of the edition go: each chapter by its URL path, and the site's origin.
struct Targets {
    chapters: HashMap<String, String>,
    base_path: String,
    /// `https://example.org`: what a root-relative URL is written after.
    origin: String,
}

impl Targets {
    fn new(site: &Site) -> Targets {
        let chapters = reading_order(site)
            .into_iter()
            .map(|c| (site.config.url_path(site.site_path(c.node)), c.id()))
            .collect();
        Targets {
            chapters,
            base_path: site.config.base_path.clone(),
            origin: site.config.origin().to_string(),
        }
    }

    /// The link `href` in chapter `current` (`None`: outside every chapter), rewritten; `None`
    /// when it stays as written.
    fn rewrite(&self, href: &str, current: Option<&str>) -> Option<String> {
        if let Some(fragment) = href.strip_prefix('#') {
            return current.map(|doc| format!("#{doc}--{fragment}"));
        }
        let root_relative = match href.strip_prefix(&self.origin) {
            Some(rest) if rest.starts_with('/') => rest,
            Some(_) => return None,
            None if !href.starts_with("//") => href,
            None => return None,
        };
        if !root_relative.starts_with(&self.base_path) {
            return None;
        }
        let (path, fragment) = match root_relative.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (root_relative, None),
        };
        Some(match (self.chapters.get(path), fragment) {
            (Some(doc), Some(fragment)) => format!("#{doc}--{fragment}"),
            (Some(doc), None) => format!("#{doc}"),
            (None, _) => format!("{}{root_relative}", self.origin),
        })
    }
}

/// The rendered edition with ids made unique per chapter and links rewritten (see the module's
/// comment). `html` is what `print.html` rendered.
pub(super) fn rewrite(site: &Site, html: &[u8]) -> Result<Vec<u8>, String> {
    let targets = Targets::new(site);
    // The chapters open around the element being rewritten, innermost last.
    let open: Rc<RefCell<Vec<String>>> = Rc::new(RefCell::new(Vec::new()));
    let mut out = Vec::with_capacity(html.len() + html.len() / 8);
    {
        // Only the elements that can change: every other tag is left to the tokenizer alone.
        let handler = element!(REWRITTEN, move |el| {
            if el.has_attribute(DOCUMENT_MARK) {
                el.remove_attribute(DOCUMENT_MARK);
                let id = el.get_attribute("id").unwrap_or_default();
                open.borrow_mut().push(id);
                let opened = Rc::clone(&open);
                let close: lol_html::EndTagHandler<'static> = Box::new(move |_end| {
                    opened.borrow_mut().pop();
                    Ok(())
                });
                if let Some(handlers) = el.end_tag_handlers() {
                    handlers.push(close);
                }
                let href = el.get_attribute("href");
                rewrite_link(el, href, open.borrow().last().map(String::as_str), &targets);
                return Ok(());
            }
            let open = open.borrow();
            let current = open.last().map(String::as_str);
            if let Some(doc) = current {
                prefix_ids(el, doc);
            }
            let href = el.get_attribute("href");
            rewrite_link(el, href, current, &targets);
            Ok(())
        });
        let mut rewriter = HtmlRewriter::new(
            Settings::new().append_element_content_handler(handler),
            |chunk: &[u8]| out.extend_from_slice(chunk),
        );
        rewriter.write(html).map_err(|err| err.to_string())?;
        rewriter.end().map_err(|err| err.to_string())?;
    }
    Ok(out)
}

/// The ids of an element of chapter `doc`, and the attributes naming ids, prefixed with its id.
fn prefix_ids(el: &mut Element<'_, '_>, doc: &str) {
    if let Some(id) = el.get_attribute("id") {
        set(el, "id", &format!("{doc}--{id}"));
    }
    for attribute in ID_REFERENCES {
        if let Some(value) = el.get_attribute(attribute) {
            let prefixed: Vec<String> = value
                .split_ascii_whitespace()
                .map(|id| format!("{doc}--{id}"))
                .collect();
            set(el, attribute, &prefixed.join(" "));
        }
    }
}

/// A link's `href`, rewritten for chapter `current` (see [`Targets::rewrite`]).
fn rewrite_link(
    el: &mut Element<'_, '_>,
    href: Option<String>,
    current: Option<&str>,
    targets: &Targets,
) {
    let Some(href) = href.filter(|_| matches!(el.tag_name().as_str(), "a" | "area")) else {
        return;
    };
    // Attribute values come as written: `&amp;` is `&` to a browser.
    let decoded = html_escape::decode_html_entities(&href);
    if let Some(rewritten) = targets.rewrite(&decoded, current) {
        // Written back as HTML: lol_html escapes the quote but leaves `&` as it is given.
        set(el, "href", &rewritten.replace('&', "&amp;"));
    }
}

fn set(el: &mut Element<'_, '_>, attribute: &str, value: &str) {
    // The names are this module's own constants, which lol_html accepts.
    let _ = el.set_attribute(attribute, value);
}

#[cfg(test)]
mod tests;
