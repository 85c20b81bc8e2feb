//! Snapshot tests: the exact HTML of a rendered page and the exact text of diagnostics, so any
//! change to either shows up in review (`cargo insta review`, or INSTA_UPDATE=always).

mod common;

use common::{TestSite, stderr};

#[test]
fn page_html() {
    let site = TestSite::fixture("basic");
    let out = site.build_into("public", &[]);
    insta::assert_snapshot!(
        "news_first_page",
        std::fs::read_to_string(out.join("news/first/index.html")).unwrap()
    );
    insta::assert_snapshot!(
        "sources_page",
        std::fs::read_to_string(out.join("sources/index.html")).unwrap()
    );
}

#[test]
fn diagnostics_text() {
    let site = TestSite::fixture("basic");
    site.replace(
        "content/news/second.md",
        "Text.",
        "See [gone](@/news/gone.md) and [more](#mroe).",
    );
    site.replace(
        "content/news/first.md",
        "title = \"First story\"",
        "titel = \"First story\"",
    );
    site.replace("templates/section.html", "{{ p.title }}", "{{ p.titel }}");
    let result = site.run(&["check"]);
    assert_eq!(result.status.code(), Some(1));
    insta::assert_snapshot!("diagnostics", stderr(&result));
}

#[test]
fn check_rules_text() {
    let site = TestSite::fixture("basic");
    site.replace(
        "templates/page.html",
        "</article>",
        "<a href=\"/missing/page/\">broken</a></article>",
    );
    site.write(
        "content/news/uncited.md",
        "+++\ntitle = \"Uncited\"\n+++\nA claim with no source.\n",
    );
    let result = site.run(&["check"]);
    assert_eq!(result.status.code(), Some(1));
    insta::assert_snapshot!("check_rules", stderr(&result));
}
