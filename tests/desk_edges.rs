//! The editorial desk's edges, found by trying to break it: a `TODO` that is part of a URL,
//! the hint for one in front matter, times at the edges of RFC 3339, `check --since` over
//! line endings, corrections dated after `--now`, and dates shown as written in their offset.

mod common;

use common::{TestSite, failed_build};

const PAGE: &str = "content/news/edge.md";

/// The basic fixture with one more page whose front matter ends with `front` and whose body
/// is `body`.
fn site_with(front: &str, body: &str) -> TestSite {
    let site = TestSite::fixture("basic");
    site.write(
        PAGE,
        format!("+++\ntitle = \"Edge\"\ndate = 2026-11-24\n{front}+++\n{body}"),
    );
    site
}

#[test]
fn a_todo_inside_a_url_is_published_one_a_reader_sees_is_refused() {
    let body = "Read [the list](https://example.com/TODO-list), ![a chart](https://example.com/img/TODO.png), \
        <https://example.com/TODO>, [the notes][notes] and \
        <a href=\"https://example.com/TODO\">the page</a>.\n\n\
        <img src=\"https://example.com/TODO.png\" alt=\"A chart\">\n\n\
        [notes]: https://example.com/TODO\n";
    let site = site_with("", body);
    let out = site.build_into("public", &[]);
    let html = std::fs::read_to_string(out.join("news/edge/index.html")).unwrap();
    assert!(
        html.contains("href=\"https://example.com/TODO-list\""),
        "{html}"
    );

    site.write(
        PAGE,
        format!("+++\ntitle = \"Edge\"\ndate = 2026-11-24\n+++\n{body}\nStill TODO.\n"),
    );
    let err = failed_build(&site);
    assert_eq!(
        err.matches("still holds the placeholder TODO").count(),
        1,
        "{err}"
    );
    assert!(err.contains(&format!("{PAGE}:11:7")), "{err}");
}

#[test]
fn a_todo_in_front_matter_gets_a_hint_that_fits_front_matter() {
    let site = site_with("description = \"TODO\"\n", "Written.\n");
    let err = failed_build(&site);
    let at = err
        .find("`description` still holds the placeholder TODO")
        .expect(&err);
    let diagnostic = &err[at..];
    let diagnostic = &diagnostic[..diagnostic.find("\nerror").unwrap_or(diagnostic.len())];
    assert!(diagnostic.contains(&format!("{PAGE}:4:15")), "{diagnostic}");
    assert!(
        diagnostic.contains("help: replace TODO with the value itself"),
        "{diagnostic}"
    );
    assert!(!diagnostic.contains("code span"), "{diagnostic}");
}
