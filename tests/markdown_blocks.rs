//! Callouts, footnotes and the `<!-- more -->` summary through the real binary: the page, the
//! feed, and `briefing check` finding every footnote link's target.

mod common;

use common::{TestSite, stderr};

#[test]
fn callouts_footnotes_and_the_summary_marker_in_a_built_site() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/third.md",
        "+++\ntitle = \"Third story\"\ndate = 2026-11-23\nsources = [\"report\"]\n+++\n\
         Opening words[^src].\n\n> [!WARNING]\n> Still under negotiation.\n\n<!-- more -->\n\n\
         The rest of the story[^src][^other].\n\n[^src]: As reported [@statement].\n\n\
         [^other]: A second note.\n",
    );
    let out = site.build_into("public", &[]);
    let page = std::fs::read_to_string(out.join("news/third/index.html")).unwrap();
    assert!(
        page.contains(
            "<aside class=\"callout callout-warning\" role=\"note\" aria-label=\"Warning\">"
        ),
        "{page}"
    );
    assert!(
        page.contains("<span id=\"continue-reading\"></span>"),
        "{page}"
    );
    let notes = &page[page
        .find("<section class=\"footnotes\"")
        .expect("a notes section")..];
    assert!(
        notes.contains("<li id=\"fn:1\">") && notes.contains("<li id=\"fn:2\">"),
        "{notes}"
    );
    assert!(notes.contains("href=\"#fnref:1:2\""), "{notes}");
    let feed = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    let entry = &feed[feed.find("Third story").unwrap()..];
    let summary = &entry[..entry.find("</entry>").unwrap()];
    assert!(
        summary.contains("Opening words") && summary.contains("Still under negotiation"),
        "{summary}"
    );
    assert!(
        !summary.contains("The rest of the story") && !summary.contains("fn:"),
        "{summary}"
    );
    let check = site.run(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}
