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

/// A citation keeps the word before it on its line: the space between them is a no-break
/// space, and no other space changes.
#[test]
fn a_citation_is_glued_to_the_word_before_it() {
    let r = render_page("Said *so* [@wired] and more, [a link](https://e.org/) here.");
    assert!(
        r.html.contains("<em>so</em>\u{a0}<a class=\"citation\""),
        "{}",
        r.html
    );
    assert!(r.html.contains("more, <a href="), "{}", r.html);
    let r = render_page("Side-by-side [@wired].");
    assert!(r.html.contains("Side-by-side\u{a0}<a class"), "{}", r.html);
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

#[test]
fn alerts_become_callout_boxes_and_plain_quotes_stay_quotes() {
    for (kind, class, title) in [
        ("NOTE", "note", "Note"),
        ("TIP", "tip", "Tip"),
        ("IMPORTANT", "important", "Important"),
        ("WARNING", "warning", "Warning"),
        ("CAUTION", "caution", "Caution"),
    ] {
        let r = render_page(&format!(
            "> [!{kind}]\n> Read [the deal](@/partnerships/a24-google.md) first.\n"
        ));
        let open = format!(
            "<aside class=\"callout callout-{class}\" role=\"note\" aria-label=\"{title}\">\n<p class=\"callout-title\">{title}</p>"
        );
        assert!(r.html.starts_with(&open), "{kind}: {}", r.html);
        assert!(r.html.trim_end().ends_with("</aside>"), "{}", r.html);
        // Links inside are rewritten as anywhere else.
        assert!(
            r.html.contains("href=\"/b/partnerships/a24-google/\""),
            "{}",
            r.html
        );
        assert!(!r.html.contains("[!"), "{}", r.html);
    }
    let quote = render_page("> Said plainly.\n");
    assert!(quote.html.starts_with("<blockquote>"), "{}", quote.html);
    assert!(!quote.html.contains("callout"));
}

#[test]
fn footnotes_go_to_the_bottom_numbered_by_first_reference_with_back_links() {
    let r = render_page(
        "# Fn 1\n\nFirst[^b], second[^a], again[^b].\n\n[^a]: Note A cites [@wired].\n\n\
         [^b]: Note B.\n\n[^unused]: Never referenced.\n\nLast paragraph.\n",
    );
    let html = &r.html;
    // The heading's id is a slug; the notes' ids hold a colon, so they cannot meet.
    assert!(html.contains("<h1 id=\"fn-1\">"), "{html}");
    let first = html.find("href=\"#fn:1\"").unwrap();
    let second = html.find("href=\"#fn:2\"").unwrap();
    assert!(first < second, "{html}");
    assert!(
        html.contains(
            "<sup class=\"footnote-reference\" id=\"fnref:1\"><a href=\"#fn:1\">1</a></sup>"
        ),
        "{html}"
    );
    assert!(html.contains("id=\"fnref:1:2\""), "{html}");
    let section = html
        .find("<section class=\"footnotes\" role=\"doc-endnotes\">")
        .unwrap();
    assert!(html.find("Last paragraph.").unwrap() < section, "{html}");
    let notes = &html[section..];
    assert!(notes.find("<li id=\"fn:1\">").unwrap() < notes.find("Note B.").unwrap());
    assert!(notes.find("Note B.").unwrap() < notes.find("<li id=\"fn:2\">").unwrap());
    assert!(notes.contains("Note B. <a href=\"#fnref:1\" class=\"footnote-backref\" aria-label=\"Back to reference 1\">↩</a> <a href=\"#fnref:1:2\""), "{notes}");
    // A note's citation is a citation like any other; a note never referenced is left out.
    assert!(notes.contains("class=\"citation\""), "{notes}");
    assert_eq!(r.citations.len(), 1);
    assert!(!html.contains("Never referenced"), "{html}");
    // The summary is the first paragraph, without references to notes it does not hold.
    assert_eq!(r.summary, "<p>First, second, again.</p>\n");
}

#[test]
fn the_summary_ends_at_the_more_marker_where_there_is_one() {
    let r = render_page("One.\n\n> [!NOTE]\n> Two.\n\n<!-- more -->\n\nThree.\n");
    assert!(
        r.summary.contains("One.") && r.summary.contains("Two."),
        "{}",
        r.summary
    );
    assert!(!r.summary.contains("Three."), "{}", r.summary);
    assert!(
        r.html.contains("<span id=\"continue-reading\"></span>"),
        "{}",
        r.html
    );
    assert!(r.anchors.contains(&"continue-reading".to_string()));
    // Hugo's spelling, and a marker in the middle of a paragraph: what is open is closed.
    let r = render_page("- One\n- Two <!--more--> and more\n\nThree.\n");
    assert_eq!(
        r.summary.matches("<li>").count(),
        r.summary.matches("</li>").count()
    );
    assert!(r.summary.ends_with("</li>\n</ul>\n"), "{}", r.summary);
    // Only in code: not a marker, and the first paragraph is the summary as before.
    let r = render_page("One.\n\n```\n<!-- more -->\n```\n\nTwo.\n");
    assert_eq!(r.summary, "<p>One.</p>\n");
    assert!(!r.anchors.contains(&"continue-reading".to_string()));
}

/// Every arrangement of a few blocks: summaries are balanced HTML and each reference has its
/// note.
#[test]
fn summaries_stay_balanced_and_references_find_their_notes() {
    let blocks = [
        "Plain.",
        "> [!TIP]\n> Tip text[^t].",
        "- item[^l]\n- <!-- more --> tail",
        "<!-- more -->",
        "```\n<!-- more -->\n```",
        "> quoted *em",
        "[^t]: Tip note.\n\n[^l]: List note.",
    ];
    let n = blocks.len();
    for a in 0..n {
        for b in 0..n {
            for c in 0..n {
                let body = format!("{}\n\n{}\n\n{}\n", blocks[a], blocks[b], blocks[c]);
                let r = render_page(&body);
                for tag in ["p", "li", "ul", "aside", "blockquote", "em", "pre", "code"] {
                    let opened = r.summary.matches(&format!("<{tag}>")).count()
                        + r.summary.matches(&format!("<{tag} ")).count();
                    let closed = r.summary.matches(&format!("</{tag}>")).count();
                    assert_eq!(
                        opened, closed,
                        "<{tag}> in the summary of {body:?}: {}",
                        r.summary
                    );
                }
                assert!(!r.summary.contains("footnote"), "{body:?}: {}", r.summary);
                for (at, _) in r.html.match_indices("href=\"#fn:") {
                    let number: String = r.html[at + 10..]
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    assert!(
                        r.html.contains(&format!("<li id=\"fn:{number}\">")),
                        "{body:?}: {}",
                        r.html
                    );
                }
            }
        }
    }
}

#[test]
fn an_id_set_by_hand_is_kept_whatever_comes_before_it() {
    let r = render_page("## Scope\n\n## What is covered {#scope}\n\n## Scope\n");
    assert_eq!(r.anchors, ["scope-1", "scope", "scope-2"]);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    // Twice by hand: a mistake at the second heading.
    let body = "## One {#x}\n\ntext\n\n## Two {#x}\n";
    let r = render_page(body);
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert_eq!(r.problems[0].range.start, body.find("## Two").unwrap());
    assert!(r.problems[0].message().contains("`x` is set twice"));
    // An `{#id}` in a code block reserves nothing harmful: the heading still gets an id.
    let r = render_page("```\n## A {#a}\n```\n\n## A\n");
    assert_eq!(r.anchors, ["a-1"]);
}
