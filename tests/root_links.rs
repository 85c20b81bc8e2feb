//! A root-relative link in Markdown (`/news/first/`, `/atom.xml`) must name a file of the
//! output: a missing one fails `build`, not only `check`, at the link's line and column, with
//! a suggestion when a real URL is close. Pages, sections, static files, files beside the
//! Markdown and the generated files are all there to link to, with or without a sub-path.

mod common;

use common::{TestSite, stderr};

const GOOD_LINKS: &str = "[feed](/atom.xml) [map](/sitemap.xml) [robots](/robots.txt) \
[lost](/404.html) [css](/css/site.css) [photo](/news/first/photo.png) \
[no slash](/news/first) [anchor](/news/first/#details) [home](/) [query](/news/?page=2) \
![image](/news/first/photo.png)";

fn site_with_links() -> TestSite {
    let site = TestSite::fixture("basic");
    site.write("content/news/first/photo.png", "png");
    site.replace("content/news/second.md", "Text.", GOOD_LINKS);
    site
}

#[test]
fn links_to_every_kind_of_output_file_build() {
    for base_url in ["https://fixture.example.org", "https://example.org/sub/"] {
        let site = site_with_links();
        let out = site.build_into("public", &["--base-url", base_url]);
        let html = std::fs::read_to_string(out.join("news/second/index.html")).unwrap();
        let prefix = if base_url.ends_with("/sub/") {
            "/sub"
        } else {
            ""
        };
        for href in ["/atom.xml", "/css/site.css", "/news/first", "/news/?page=2"] {
            assert!(
                html.contains(&format!("href=\"{prefix}{href}\"")),
                "{href}: {html}"
            );
        }
    }
}

#[test]
fn a_root_link_to_nothing_fails_the_build_where_it_is_written() {
    for base_url in ["https://fixture.example.org", "https://example.org/sub/"] {
        let site = site_with_links();
        site.replace(
            "content/news/second.md",
            "A second story",
            "See [it](/news/frist/) and ![gone](/img/gone.png). A second story",
        );
        let result = site.run(&["build", "--base-url", base_url]);
        let message = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{message}");
        for expected in [
            "content/news/second.md:6:5",
            "the link `/news/frist/` points to a page or file that does not exist",
            "did you mean `/news/first/`?",
            "content/news/second.md:6:28",
            "the link `/img/gone.png` points to a page or file that does not exist",
            "2 errors",
        ] {
            assert!(
                message.contains(expected),
                "{expected:?} ({base_url}):\n{message}"
            );
        }
        assert!(
            !site.path("public").exists(),
            "a failed build writes nothing"
        );
    }
}

#[test]
fn a_deleted_file_breaks_the_links_to_it_in_the_next_build() {
    let site = site_with_links();
    site.build_into("public", &[]);
    std::fs::remove_file(site.path("static/css/site.css")).unwrap();
    // The template links to it through get_url, which fails too; the Markdown link is named.
    let message = stderr(&site.run(&["build"]));
    assert!(
        message.contains("the link `/css/site.css` points to a page or file that does not exist"),
        "{message}"
    );
}

/// While watching, an edit of a page's text alone is checked as a full build checks it: a
/// broken root link fails the rebuild, and mending it builds again.
#[test]
fn a_body_edit_while_watching_is_checked_too() {
    let site = site_with_links();
    let mut watch = common::Watch::start(&site, &[]);
    let timeout = std::time::Duration::from_secs(15);
    let mut wait_for = |wanted: &str| watch.text_until(wanted, timeout);
    site.replace(
        "content/news/second.md",
        "[feed](/atom.xml)",
        "[feed](/atom.xlm)",
    );
    let seen = wait_for("Build failed");
    assert!(
        seen.contains("the link `/atom.xlm` points to a page or file that does not exist")
            && seen.contains("did you mean `/atom.xml`?"),
        "{seen}"
    );
    site.replace(
        "content/news/second.md",
        "[feed](/atom.xlm)",
        "[feed](/atom.xml) Mended.",
    );
    wait_for("Built");
    assert!(
        site.read("public/news/second/index.html")
            .contains("Mended.")
    );
    // The front matter and the text at once: the page is assembled anew, with every other
    // page as it was.
    site.write(
        "content/news/second.md",
        site.read("content/news/second.md")
            .replace("Second story", "Second story, retitled")
            .replace("Mended.", "[gone](/news/gone/)"),
    );
    let seen = wait_for("Build failed");
    assert!(seen.contains("the link `/news/gone/`"), "{seen}");
}
