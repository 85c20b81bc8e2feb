use super::*;

pub(super) struct OnePageSite;
impl LinkResolver for OnePageSite {
    fn page_url(&self, path: &str) -> Option<String> {
        (path == "partnerships/a24-google.md").then(|| "/b/partnerships/a24-google/".into())
    }
    fn base_path(&self) -> &str {
        "/b/"
    }
    fn citation(&self, id: &str) -> Option<(String, String)> {
        (id == "wired").then(|| ("/b/sources/#wired".into(), "Wired".into()))
    }
}

const OPTS: RenderOptions = RenderOptions {
    smart_punctuation: true,
    heading_anchors: true,
};

/// The body of a page rendered, with the test shortcodes.
fn render_page(body: &str) -> Markup {
    let doc = caller_document();
    let caller = Caller {
        doc: &doc,
        site_path: "a/",
    };
    render(
        body,
        OPTS,
        &OnePageSite,
        &shortcodes::tests::TestShortcodes,
        &caller,
    )
}

pub(super) fn caller_document() -> crate::content::Document {
    crate::content::parse_document(
        "a.md",
        "content/a.md",
        b"+++\ntitle = \"A\"\n+++\n".to_vec(),
    )
    .expect("the test page parses")
}

#[test]
fn heading_ids_are_unique_and_stable() {
    let r = render_page("# Scope\n\n## Scope\n\n## Other {#custom}\n");
    assert_eq!(r.anchors, ["scope", "scope-1", "custom"]);
    assert!(r.html.contains("<h2 id=\"scope-1\">"), "{}", r.html);
    assert!(r.html.contains("href=\"#custom\""));
    assert_eq!(r.toc.len(), 1);
    assert_eq!(r.toc[0].children.len(), 2);
}

#[test]
fn at_links_become_urls_and_missing_ones_are_problems() {
    let r = render_page("[a](@/partnerships/a24-google.md#scope) [b](@/nope.md)");
    assert!(
        r.html
            .contains("href=\"/b/partnerships/a24-google/#scope\""),
        "{}",
        r.html
    );
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].range, 40..54);
    assert_eq!(r.links[0].fragment.as_deref(), Some("scope"));
}

#[test]
fn root_relative_links_get_the_base_path() {
    let r = render_page("[x](/partnerships/) [y](https://e.org/) [z](//cdn/x)");
    assert!(r.html.contains("href=\"/b/partnerships/\""));
    assert!(r.html.contains("href=\"https://e.org/\""));
    assert!(r.html.contains("href=\"//cdn/x\""));
}

#[test]
fn citations_render_as_links() {
    let r = render_page("Side-by-side [@wired]. Unknown [@nobody].");
    assert!(
        r.html.contains(
            "<a class=\"citation\" href=\"/b/sources/#wired\" data-source=\"wired\">[Wired]</a>"
        ),
        "{}",
        r.html
    );
    assert_eq!(r.citations.len(), 2);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(
        r.problems[0].kind,
        ProblemKind::UnknownCitation {
            id: "nobody".into()
        }
    );
}

#[test]
fn tables_footnotes_smart_quotes_and_summary() {
    let r = render_page(
        "First \"para\"[^1].\n\nSecond.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: Note.\n~~x~~",
    );
    assert!(r.html.contains("<table>"));
    assert!(r.html.contains("“para”"));
    assert!(r.html.contains("footnote"));
    assert!(r.summary.starts_with("<p>First"), "{}", r.summary);
    assert!(!r.summary.contains("Second"));
}

#[test]
fn headings_escape_in_anchor_labels() {
    let r = render_page("## A <b> & \"c\"\n");
    assert!(
        !r.html.contains("label=\"Link to this section: A <b>"),
        "{}",
        r.html
    );
}
