//! Issue #14's fixture: one site written as a Zola user writes one (tests/fixtures/zola), built
//! end to end by the real binary. Its content and templates follow Zola's documentation: page
//! bundles with files beside `index.md`, shortcodes with and without bodies (one nested in
//! another's body), escaped calls, taxonomies with a feed per term, aliases on a page and a
//! section, `redirect_to`, a paginated section, `<!-- more -->`, YAML and TOML front matter,
//! footnotes and a GitHub-style callout.
//!
//! Where briefing differs from Zola, and how the fixture is written because of it (README's
//! "Coming from Zola"):
//! - the configuration is `site.toml` (Zola's `config.toml` keys, as they are);
//! - `get_url` gives a URL path with the base path, Zola a permalink: the templates use it
//!   only where either works;
//! - `figure` and `callout` are briefing's built-in shortcodes; a Zola site would ship its own
//!   in `templates/shortcodes/` (which would then replace briefing's);
//! - `> [!WARNING]` is rendered as a callout box; Zola's documentation has no alerts, so there it
//!   is a plain blockquote;
//! - a page without `<!-- more -->` gets its first paragraph as its summary (Zola gives none);
//! - footnotes are always at the bottom with back-links (Zola's `bottom_footnotes = true`),
//!   with briefing's own markup;
//! - term pages are paginated as in Zola (`paginate_by` on a taxonomy), tested in tests/taxonomies.rs rather than here;
//! - relative links are rewritten to full URL paths (Zola leaves them as written; both reach
//!   the same file), so the cross-page link is an `@/` link, which both resolve.

mod common;

use std::path::Path;

use common::{TestSite, assert_links_resolve, snapshot, stderr};

fn read(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn assert_contains(html: &str, expected: &[&str]) {
    for text in expected {
        assert!(html.contains(text), "missing {text:?} in\n{html}");
    }
}

/// Every file the build writes: pages, a bundle's files beside its page, the paginated
/// section's pagers, term pages with their feeds, a redirect page for each alias, and the
/// corrections page (empty: "No corrections.").
const EXPECTED_FILES: &[&str] = &[
    ".briefing-output",
    "2024/03/first-light/index.html",
    "404.html",
    "about/index.html",
    "atom.xml",
    "blog/index.html",
    "corrections/index.html",
    "index.html",
    "places/index.html",
    "places/low-valley/index.html",
    "places/the-ridge/index.html",
    "posts/first-light/index.html",
    "posts/first-light/log.txt",
    "posts/first-light/ridge.svg",
    "posts/index.html",
    "posts/page/1/index.html",
    "posts/page/2/index.html",
    "posts/quiet-valley/index.html",
    "posts/second-wind/index.html",
    "robots.txt",
    "sitemap.xml",
    "style.css",
    "tags/dawn/atom.xml",
    "tags/dawn/index.html",
    "tags/index.html",
    "tags/photography/atom.xml",
    "tags/photography/index.html",
    "tags/weather/atom.xml",
    "tags/weather/index.html",
];

#[test]
fn the_zola_site_is_published_at_zolas_urls_and_passes_check() {
    let site = TestSite::fixture("zola");
    let out = site.build_into("public", &[]);
    let written: Vec<String> = snapshot(&out).into_iter().map(|(name, _)| name).collect();
    assert_eq!(written, EXPECTED_FILES);
    assert_eq!(
        read(&out, "posts/first-light/ridge.svg"),
        site.read("content/posts/first-light/ridge.svg")
    );
    let sitemap = read(&out, "sitemap.xml");
    assert_contains(
        &sitemap,
        &[
            "<loc>https://notes.example.org/posts/first-light/</loc>",
            "<loc>https://notes.example.org/tags/weather/</loc>",
            "<loc>https://notes.example.org/places/</loc>",
        ],
    );
    assert!(
        !sitemap.contains("/blog/"),
        "an alias is no page: {sitemap}"
    );
    let check = site.run(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn a_page_bundle_links_its_own_files_and_ends_its_summary_at_more() {
    let site = TestSite::fixture("zola");
    let out = site.build_into("public", &[]);
    let html = read(&out, "posts/first-light/index.html");
    assert_contains(
        &html,
        &[
            "<img src=\"/posts/first-light/ridge.svg\" alt=\"The ridge at dawn\" />",
            "<a href=\"/posts/first-light/log.txt\">the field log</a>",
            "<a href=\"/posts/second-wind/#the-descent\">Second wind</a>",
            // As Zola marks where the summary ends.
            "<span id=\"continue-reading\"></span>",
            // The built-in figure, its relative src read from the bundle's folder.
            "<img src=\"ridge.svg\" alt=\"The ridge, again\" loading=\"lazy\">\n<figcaption>Ten minutes later <span class=\"figure-credit\">Ada</span></figcaption>",
            "<a href=\"https://notes.example.org/tags/dawn/\">Dawn</a>",
        ],
    );
    let pager = read(&out, "posts/page/2/index.html");
    let summary = "<div class=\"summary\"><p>We left at five and reached the ridge as the sky turned.</p>\n</div>";
    assert!(pager.contains(summary), "{pager}");
    assert!(
        !pager.contains("field log"),
        "the summary ran past <!-- more -->: {pager}"
    );
}

#[test]
fn yaml_front_matter_shortcodes_footnotes_and_callouts_render() {
    let site = TestSite::fixture("zola");
    let out = site.build_into("public", &[]);
    let yaml = read(&out, "posts/second-wind/index.html");
    assert_contains(
        &yaml,
        &[
            "<h1>Second wind</h1>\n<time datetime=\"2024-03-09T07:30:00Z\">09 March 2024</time>",
            // A body shortcode with an inline one nested in its body.
            "<blockquote class=\"quote\"><p>Keep walking, and <span class=\"mention\">@Ada</span> will catch up.</p><footer>Bea</footer></blockquote>",
            // Escaped calls print the call, as Zola prints them.
            "write {{ mention(name=&quot;Ada&quot;) }} or\n{% quote(author=&quot;Bea&quot;) %}.",
            "<aside class=\"callout callout-warning\" role=\"note\" aria-label=\"Warning\">\n<p class=\"callout-title\">Warning</p>\n<p>The path above the cairn is loose after rain.</p>\n</aside>",
            "picked up<sup class=\"footnote-reference\" id=\"fnref:1\"><a href=\"#fn:1\">1</a></sup>",
            "<li id=\"fn:2\">\n<p>Steeper, but out of the wind. <a href=\"#fnref:2\" class=\"footnote-backref\"",
            "<a href=\"https://notes.example.org/tags/weather/\">Weather</a>",
        ],
    );
    let footnotes = yaml.find("class=\"footnotes\"").expect("no footnotes");
    assert!(
        footnotes > yaml.find("The descent").unwrap(),
        "footnotes before the end of the text: {yaml}"
    );
    let valley = read(&out, "posts/quiet-valley/index.html");
    assert_contains(
        &valley,
        &[
            "<aside class=\"callout callout-tip\" role=\"note\" aria-label=\"Bring water\">\n<p class=\"callout-title\">Bring water</p>\n<p>There is <strong>no</strong> stream after the second gate.</p>",
        ],
    );
}

#[test]
fn taxonomies_list_their_terms_with_a_feed_for_each() {
    let site = TestSite::fixture("zola");
    let out = site.build_into("public", &[]);
    assert_contains(
        &read(&out, "tags/index.html"),
        &[
            "<h1>All tags</h1>",
            "<li><a href=\"/tags/dawn/\">Dawn</a> <span class=\"count\">1</span></li><li><a href=\"/tags/photography/\">Photography</a> <span class=\"count\">2</span></li><li><a href=\"/tags/weather/\">Weather</a> <span class=\"count\">2</span></li>",
        ],
    );
    assert_contains(
        &read(&out, "tags/weather/index.html"),
        &[
            "<h1>tags: Weather</h1>",
            "<a class=\"feed\" href=\"https://notes.example.org/tags/weather/atom.xml\">",
            // Newest first.
            "<li><a href=\"/posts/quiet-valley/\">A quiet valley</a></li><li><a href=\"/posts/second-wind/\">Second wind</a></li>",
        ],
    );
    let feed = read(&out, "tags/weather/atom.xml");
    assert_contains(
        &feed,
        &[
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://notes.example.org/tags/weather/atom.xml\"/>",
            "<title>A quiet valley</title>",
            "<title>Second wind</title>",
        ],
    );
    assert!(!feed.contains("First light"), "{feed}");
    // `places` has no `feed = true`.
    let places = read(&out, "places/the-ridge/index.html");
    assert!(!places.contains("class=\"feed\""), "{places}");
    assert_contains(
        &read(&out, "index.html"),
        &["<li><a href=\"/tags/photography/\">Photography</a> (2)</li>"],
    );
}

#[test]
fn the_section_is_paginated_and_old_urls_redirect() {
    let site = TestSite::fixture("zola");
    let out = site.build_into("public", &[]);
    let first = read(&out, "posts/index.html");
    assert_contains(
        &first,
        &[
            "<a href=\"/posts/quiet-valley/\">A quiet valley</a>",
            "<a href=\"/posts/second-wind/\">Second wind</a>",
            "<nav class=\"pager\"> 1 of 2 <a rel=\"next\" href=\"https://notes.example.org/posts/page/2/\">Older</a></nav>",
        ],
    );
    assert!(!first.contains("First light"), "{first}");
    assert_contains(
        &read(&out, "posts/page/2/index.html"),
        &[
            "<nav class=\"pager\"><a rel=\"prev\" href=\"https://notes.example.org/posts/\">Newer</a> 2 of 2 </nav>",
        ],
    );
    for (redirect, target) in [
        (
            "posts/page/1/index.html",
            "https://notes.example.org/posts/",
        ),
        ("blog/index.html", "https://notes.example.org/posts/"),
        (
            "2024/03/first-light/index.html",
            "https://notes.example.org/posts/first-light/",
        ),
        ("about/index.html", "https://notes.example.org/posts/"),
    ] {
        let html = read(&out, redirect);
        assert_contains(
            &html,
            &[
                &format!("<meta http-equiv=\"refresh\" content=\"0; url={target}\">"),
                &format!("<link rel=\"canonical\" href=\"{target}\">"),
            ],
        );
    }
}

#[test]
fn two_builds_of_the_zola_site_are_byte_identical() {
    let site = TestSite::fixture("zola");
    let first = snapshot(&site.build_into("one", &[]));
    let second = snapshot(&site.build_into("two", &[]));
    assert!(first == second, "two builds differ");
}

#[test]
fn under_a_sub_path_every_internal_link_stays_inside_it() {
    let site = TestSite::fixture("zola");
    let out = site.build_into("public", &["--base-url", "https://example.org/walks/"]);
    assert_links_resolve(&out, "https://example.org/walks/", "/walks/");
    assert_contains(
        &read(&out, "posts/first-light/index.html"),
        &[
            "<img src=\"/walks/posts/first-light/ridge.svg\"",
            "<a href=\"/walks/posts/second-wind/#the-descent\">",
        ],
    );
    assert_contains(
        &read(&out, "blog/index.html"),
        &["url=https://example.org/walks/posts/\">"],
    );
}
