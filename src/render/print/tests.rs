use std::sync::Arc;

use super::*;
use crate::config::{BuildOptions, Config};
use crate::render::test_site::{assembled, doc};

/// A site under a base path: a home page with a page of its own, two sections (the second
/// holding a subsection), and a section that only redirects, whose page is still read.
fn site() -> Site {
    let text = "title = \"T\"\nbase_url = \"https://example.org/b/\"\n";
    let config = Arc::new(Config::parse(text, &BuildOptions::default()).unwrap());
    let docs = vec![
        doc("_index.md", "title = \"Home\"", "Home."),
        doc("about.md", "title = \"About\"", "## Overview\nAbout."),
        doc("a/_index.md", "title = \"A\"\nweight = 1", "A."),
        doc(
            "a/one.md",
            "title = \"One\"\nweight = 1",
            "## Overview\nOne.",
        ),
        doc("a/two.md", "title = \"Two\"\nweight = 2", "Two."),
        doc("b/_index.md", "title = \"B\"\nweight = 2", "B."),
        doc("b/inner/_index.md", "title = \"Inner\"", "Inner."),
        doc("b/inner/deep.md", "title = \"Deep\"", "Deep."),
        doc(
            "c/_index.md",
            "title = \"C\"\nweight = 3\nredirect_to = \"/a/\"",
            "",
        ),
        doc("c/kept.md", "title = \"Kept\"", "Kept."),
    ];
    assembled(config, docs)
}

#[test]
fn chapters_are_numbered_in_reading_order() {
    let site = site();
    let order: Vec<(String, String, usize)> = reading_order(&site)
        .into_iter()
        .map(|c| (site.doc(c.node).title.clone(), c.id(), c.depth))
        .collect();
    let expected = [
        ("Home", "s0", 0),
        ("About", "s1", 1),
        ("A", "s2", 1),
        ("One", "s2-1", 2),
        ("Two", "s2-2", 2),
        ("B", "s3", 1),
        ("Inner", "s3-1", 2),
        ("Deep", "s3-1-1", 3),
        // The redirecting section has no chapter; its page takes its place.
        ("Kept", "s4", 1),
    ];
    let expected: Vec<(String, String, usize)> = expected
        .iter()
        .map(|(t, id, d)| (t.to_string(), id.to_string(), *d))
        .collect();
    assert_eq!(order, expected);
}

#[test]
fn links_become_places_in_the_document_or_absolute_urls() {
    let targets = Targets::new(&site());
    let cases = [
        ("/b/a/one/#overview", Some("s2"), Some("#s2-1--overview")),
        ("/b/a/one/", None, Some("#s2-1")),
        ("https://example.org/b/a/#x", None, Some("#s2--x")),
        ("/b/", None, Some("#s0")),
        ("#overview", Some("s1"), Some("#s1--overview")),
        ("#print-contents", None, None),
        // A file of the site outside the edition: its absolute URL.
        (
            "/b/atom.xml",
            Some("s1"),
            Some("https://example.org/b/atom.xml"),
        ),
        ("/b/c/", None, Some("https://example.org/b/c/")),
        ("https://other.example/", Some("s1"), None),
        ("/elsewhere/", None, None),
        ("mailto:a@example.org", None, None),
    ];
    for (href, current, expected) in cases {
        assert_eq!(
            targets.rewrite(href, current).as_deref(),
            expected,
            "{href} in {current:?}"
        );
    }
}

#[test]
fn ids_inside_a_chapter_take_its_id_and_references_follow() {
    let site = site();
    let html = r##"<nav><a href="#s2">A</a><h2 id="print-contents">Contents</h2></nav>
<article id="s1" data-print-doc><h2 id="overview">O</h2><aside aria-labelledby="h x"><h3 id="h">S</h3></aside><a href="#overview">o</a><a href="/b/a/one/#overview">one</a><a href="/b/atom.xml?a=1&amp;b=2">feed</a></article>
<article id="s2-1" data-print-doc><h2 id="overview">O</h2></article><p id="after"></p>"##;
    let out = String::from_utf8(rewrite(&site, html.as_bytes()).unwrap()).unwrap();
    let expected = r##"<nav><a href="#s2">A</a><h2 id="print-contents">Contents</h2></nav>
<article id="s1"><h2 id="s1--overview">O</h2><aside aria-labelledby="s1--h s1--x"><h3 id="s1--h">S</h3></aside><a href="#s1--overview">o</a><a href="#s2-1--overview">one</a><a href="https://example.org/b/atom.xml?a=1&amp;b=2">feed</a></article>
<article id="s2-1"><h2 id="s2-1--overview">O</h2></article><p id="after"></p>"##;
    assert_eq!(out, expected);
}
