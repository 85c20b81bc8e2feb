//! The accessibility rules over the HTML a body holds beyond Markdown's syntax (raw HTML, a
//! shortcode's output): an `<img>` without `alt`, an `<a>` with no text, a vague link text and
//! a `<table>` without a `<th>`, each pointed at the HTML in the Markdown (the element itself
//! when written there, else the shortcode call that made it).

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::{HtmlRewriter, Settings, element, text};

use super::lint::VAGUE;
use super::rules::{self, Rule};
use crate::diagnostics::Diagnostic;
use crate::markdown::raw_html::HtmlPart;

/// What is wrong with an element of a piece of HTML: the rule, the message, the hint, and
/// which element it is (its tag, and how many of that tag came before it in the piece).
#[derive(Debug, Clone)]
pub(super) struct Finding {
    pub rule: &'static Rule,
    pub message: String,
    pub hint: &'static str,
    pub tag: &'static str,
    pub nth: usize,
}

#[derive(Default)]
struct Scan {
    findings: Vec<Finding>,
    /// Open links: their text so far, whether an image with alt text labels them, and which
    /// `<a>` each is.
    links: Vec<(String, bool, usize)>,
    /// Open tables: whether a `<th>` was seen, and which `<table>` each is.
    tables: Vec<(bool, usize)>,
    counts: [usize; 3],
}

const IMG: usize = 0;
const A: usize = 1;
const TABLE: usize = 2;

/// The findings of one piece of HTML, in the order of its elements.
pub(super) fn scan(html: &str) -> Vec<Finding> {
    let scan = Rc::new(RefCell::new(Scan::default()));
    {
        let mut rewriter = HtmlRewriter::new(
            Settings::new()
                .append_element_content_handler(element!("img", |el| {
                    image(&mut scan.borrow_mut(), el.get_attribute("alt"));
                    Ok(())
                }))
                .append_element_content_handler(element!("a[href]", |el| {
                    let nth = count(&mut scan.borrow_mut(), A);
                    let labelled = el
                        .get_attribute("aria-label")
                        .is_some_and(|l| !l.trim().is_empty());
                    scan.borrow_mut().links.push((String::new(), labelled, nth));
                    let close = close_link(Rc::clone(&scan));
                    if let Some(handlers) = el.end_tag_handlers() {
                        handlers.push(close);
                    }
                    Ok(())
                }))
                .append_element_content_handler(text!("a[href]", |chunk| {
                    if let Some(link) = scan.borrow_mut().links.last_mut() {
                        link.0.push_str(chunk.as_str());
                    }
                    Ok(())
                }))
                .append_element_content_handler(element!("table", |el| {
                    let nth = count(&mut scan.borrow_mut(), TABLE);
                    scan.borrow_mut().tables.push((false, nth));
                    let close = close_table(Rc::clone(&scan));
                    if let Some(handlers) = el.end_tag_handlers() {
                        handlers.push(close);
                    }
                    Ok(())
                }))
                .append_element_content_handler(element!("th", |_| {
                    if let Some(table) = scan.borrow_mut().tables.last_mut() {
                        table.0 = true;
                    }
                    Ok(())
                })),
            |_: &[u8]| {},
        );
        // Malformed HTML is the validator's business; reading stops where parsing does.
        let _ = rewriter.write(html.as_bytes());
        let _ = rewriter.end();
    }
    let mut findings = std::mem::take(&mut scan.borrow_mut().findings);
    findings.sort_by_key(|f| (f.tag, f.nth));
    findings
}

/// An `<img>` with `alt` as written: it names the links around it, or has no text at all.
fn image(scan: &mut Scan, alt: Option<String>) {
    let nth = count(scan, IMG);
    if alt.as_deref().is_some_and(|a| !a.trim().is_empty()) {
        scan.links.iter_mut().for_each(|l| l.1 = true);
    }
    // `alt=""` says the image is decoration, on purpose; no `alt` says nothing.
    if alt.is_none() {
        scan.findings.push(Finding {
            rule: &rules::IMAGE_WITHOUT_ALT,
            message: "this image has no alt text (an <img> without alt)".into(),
            hint: "add alt=\"...\" describing what it shows (alt=\"\" for a decoration)",
            tag: "img",
            nth,
        });
    }
}

/// What an `</a>` does: the link it closes is judged by its text.
fn close_link(scan: Rc<RefCell<Scan>>) -> lol_html::EndTagHandler<'static> {
    Box::new(move |_| {
        let mut s = scan.borrow_mut();
        if let Some(link) = s.links.pop() {
            let finding = link_finding(link);
            s.findings.extend(finding);
        }
        Ok(())
    })
}

/// What a `</table>` does: a table without a `<th>` is a finding.
fn close_table(scan: Rc<RefCell<Scan>>) -> lol_html::EndTagHandler<'static> {
    Box::new(move |_| {
        let mut s = scan.borrow_mut();
        if let Some((false, nth)) = s.tables.pop() {
            s.findings.push(Finding {
                rule: &rules::TABLE_WITHOUT_HEADER,
                message: "this table has no header cell (a <table> without <th>)".into(),
                hint: "name each column in a first row of <th> cells",
                tag: "table",
                nth,
            });
        }
        Ok(())
    })
}

fn count(scan: &mut Scan, tag: usize) -> usize {
    scan.counts[tag] += 1;
    scan.counts[tag] - 1
}

/// What is wrong with a link, closed with `text` and whether an image or label names it.
fn link_finding((text, labelled, nth): (String, bool, usize)) -> Option<Finding> {
    let decoded = html_escape::decode_html_entities(&text);
    let shown = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    let plain = shown.trim_end_matches(['.', ':', '!']).to_lowercase();
    if plain.is_empty() && !labelled {
        return Some(Finding {
            rule: &rules::EMPTY_LINK,
            message: "this link has no text (an <a> with nothing inside)".into(),
            hint: "write what it leads to between <a> and </a>, or give its image alt text",
            tag: "a",
            nth,
        });
    }
    VAGUE.contains(&plain.as_str()).then(|| Finding {
        rule: &rules::VAGUE_LINK_TEXT,
        message: format!("the link text \"{shown}\" says nothing about where it leads"),
        hint: "name what it leads to: \"the Lionsgate–Runway comparison\", not \"click here\"",
        tag: "a",
        nth,
    })
}

/// Each finding of `part` as a diagnostic made by `at` at a range of the body: the element's
/// own `<tag` when the HTML is written in the body, else the shortcode call that made it.
pub(super) fn diagnostics(
    part: &HtmlPart,
    at: &dyn Fn(&Rule, std::ops::Range<usize>, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    scan(&part.html)
        .into_iter()
        .map(|finding| {
            let (range, message) = match nth_tag(&part.html, finding.tag, finding.nth) {
                Some(offset) if part.as_written => {
                    let start = part.range.start + offset;
                    (start..start + 1 + finding.tag.len(), finding.message)
                }
                _ => (
                    part.range.clone(),
                    format!("{} in the HTML this shortcode writes", finding.message),
                ),
            };
            at(finding.rule, range, message).hint(finding.hint)
        })
        .collect()
}

/// Where the `nth` start tag `<tag` (any case) is in `html`.
fn nth_tag(html: &str, tag: &str, nth: usize) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    lower
        .match_indices(&open)
        .filter(|(at, _)| {
            lower[at + open.len()..]
                .starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        })
        .nth(nth)
        .map(|(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(html: &str) -> Vec<(&'static str, usize)> {
        scan(html)
            .into_iter()
            .map(|f| (f.rule.code, f.nth))
            .collect()
    }

    /// Each rule's HTML cases, with what it reports and what it leaves alone.
    #[test]
    fn html_elements_are_read_as_a_reader_gets_them() {
        let cases: [(&str, &[(&str, usize)]); 14] = [
            ("<img src=\"a.png\">", &[("BR0206", 0)]),
            ("<img src=\"a.png\" alt=\"\">", &[]),
            (
                "<img src=\"a.png\" alt=\"A chart\"><IMG SRC=b.png>",
                &[("BR0206", 1)],
            ),
            ("<a href=\"/x/\"></a>", &[("BR0208", 0)]),
            ("<a href=\"/x/\">  </a>", &[("BR0208", 0)]),
            (
                "<a href=\"/x/\"><img src=\"i.png\" alt=\"\"></a>",
                &[("BR0208", 0)],
            ),
            ("<a href=\"/x/\"><img src=\"i.png\" alt=\"Home\"></a>", &[]),
            ("<a href=\"/x/\" aria-label=\"Home\"></a>", &[]),
            ("<a href=\"/x/\"><span>The <em>deals</em></span></a>", &[]),
            (
                "<a href=\"/x/\">Click here</a> and <a href=\"/y/\">here.</a>",
                &[("BR0209", 0), ("BR0209", 1)],
            ),
            ("<a name=\"old\"></a>", &[]),
            ("<table><tr><td>a</td></tr></table>", &[("BR0210", 0)]),
            (
                "<table><thead><tr><th>A</th></tr></thead><tr><td>a</td></tr></table>",
                &[],
            ),
            (
                "<table><tr><th>A</th></tr></table><table><tr><td>b</td></tr></table>",
                &[("BR0210", 1)],
            ),
        ];
        for (html, expected) in cases {
            assert_eq!(found(html), expected, "{html}");
        }
    }

    #[test]
    fn the_nth_tag_is_found_in_the_text() {
        let html = "<a href=x><abbr>y</abbr></a>\n<A HREF=z></a>";
        assert_eq!(nth_tag(html, "a", 0), Some(0));
        assert_eq!(nth_tag(html, "a", 1), Some(29));
        assert_eq!(nth_tag(html, "a", 2), None);
    }
}
