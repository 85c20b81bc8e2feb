//! Page bundles (`content/x/index.md` is the page `/x/`, its files beside it) and relative
//! links (read from the Markdown file's folder, as GitHub reads them), through the real binary.

mod common;

use std::time::{Duration, Instant};

use common::server::{get, start};
use common::{TestSite, Watch, assert_watch_equals_clean_build, failed_build, stderr, wait_until};

/// The basic fixture with a bundle in `news/` (a still, a deck in a folder), a chart beside the
/// news section, and pages that link to each other relatively.
fn site_with_a_bundle() -> TestSite {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/trip/index.md",
        "+++\ntitle = \"Trip\"\n+++\n![still](still.png)\n\n[deck](files/deck.pdf#page=2) \
         and [the first story](../first.md#details), [the news](../), \
         [home](../../_index.md).\n",
    );
    site.write("content/news/trip/still.png", "png");
    site.write("content/news/trip/files/deck.pdf", "pdf");
    site.write("content/news/chart.png", "chart");
    site.write(
        "content/news/_index.md",
        site.read("content/news/_index.md") + "\n![chart](chart.png) [trip](trip/index.md)\n",
    );
    site
}

#[test]
fn a_bundle_is_the_page_of_its_folder_with_its_files_beside_it() {
    let site = site_with_a_bundle();
    let out = site.build_into("public", &["--base-url", "https://example.org/b/"]);
    assert!(!out.join("news/trip/index/index.html").exists());
    let page = std::fs::read_to_string(out.join("news/trip/index.html")).unwrap();
    assert_eq!(
        std::fs::read(out.join("news/trip/still.png")).unwrap(),
        b"png"
    );
    assert_eq!(
        std::fs::read(out.join("news/trip/files/deck.pdf")).unwrap(),
        b"pdf"
    );
    for href in [
        "src=\"/b/news/trip/still.png\"",
        "href=\"/b/news/trip/files/deck.pdf#page=2\"",
        "href=\"/b/news/first/#details\"",
        "href=\"/b/news/\"",
        "href=\"/b/\"",
    ] {
        assert!(page.contains(href), "{href} in:\n{page}");
    }
    let section = std::fs::read_to_string(out.join("news/index.html")).unwrap();
    assert_eq!(std::fs::read(out.join("news/chart.png")).unwrap(), b"chart");
    for href in ["src=\"/b/news/chart.png\"", "href=\"/b/news/trip/\""] {
        assert!(section.contains(href), "{href} in:\n{section}");
    }
    // `check` follows every link of the rendered HTML: none is broken.
    let check = site.run(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn a_bundle_in_a_folder_named_with_spaces_keeps_its_files_beside_it() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/Lisbon Trip/index.md",
        "+++\ntitle = \"Lisbon\"\n+++\n![the still](Still%201.png)\n",
    );
    site.write("content/news/Lisbon Trip/Still 1.png", "png");
    let out = site.build_into("public", &[]);
    let page = std::fs::read_to_string(out.join("news/lisbon-trip/index.html")).unwrap();
    assert!(out.join("news/lisbon-trip/Still 1.png").is_file());
    assert!(
        page.contains("src=\"/news/lisbon-trip/Still%201.png\""),
        "{page}"
    );
}

#[test]
fn a_relative_link_to_nothing_or_above_content_fails_the_build_at_the_link() {
    let site = site_with_a_bundle();
    site.write(
        "content/news/trip/index.md",
        "+++\ntitle = \"Trip\"\n+++\nSee ![still](stil.png)\n[one](../frist.md)\n\
         [up](../../../first.md)\n[two](../../../news/second.md)\n",
    );
    let err = failed_build(&site);
    for expected in [
        "the link `stil.png` (`/news/trip/stil.png` on the site) points to a page or file that does not exist",
        "--> content/news/trip/index.md:4:5",
        "did you mean `still.png`?",
        "the link `../frist.md` names content/news/frist.md, which does not exist",
        "--> content/news/trip/index.md:5:1",
        "did you mean `../first.md`?",
        "the link `../../../first.md` climbs out of content/",
        "--> content/news/trip/index.md:6:1",
        "the link `../../../news/second.md` climbs out of content/",
        "--> content/news/trip/index.md:7:1",
        "did you mean `../../news/second.md`?",
    ] {
        assert!(err.contains(expected), "{expected:?} not in:\n{err}");
    }
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains("did you mean `../first.md`?"));
}

#[test]
fn a_relative_link_to_a_draft_says_it_is_a_draft() {
    let site = site_with_a_bundle();
    site.write(
        "content/news/draft.md",
        "+++\ntitle = \"Draft\"\ndraft = true\n+++\nSoon.\n",
    );
    site.write(
        "content/news/trip/index.md",
        "+++\ntitle = \"Trip\"\n+++\n[soon](../draft.md)\n",
    );
    let err = failed_build(&site);
    assert!(
        err.contains("the link `../draft.md` names content/news/draft.md, a draft"),
        "{err}"
    );
    site.build_into("public", &["--drafts"]);
}

#[test]
fn a_bundle_holds_one_page_and_sets_no_slug() {
    let site = site_with_a_bundle();
    site.write(
        "content/news/trip/_index.md",
        "+++\ntitle = \"Both\"\n+++\n",
    );
    site.write(
        "content/news/trip/files/notes.md",
        "+++\ntitle = \"Notes\"\n+++\n",
    );
    let err = failed_build(&site);
    for expected in [
        "content/news/trip/ holds both _index.md and index.md",
        "--> content/news/trip/_index.md",
        "this Markdown file is inside the page bundle content/news/trip/",
        "--> content/news/trip/files/notes.md",
    ] {
        assert!(err.contains(expected), "{expected:?} not in:\n{err}");
    }
    std::fs::remove_file(site.path("content/news/trip/_index.md")).unwrap();
    std::fs::remove_file(site.path("content/news/trip/files/notes.md")).unwrap();
    site.replace(
        "content/news/trip/index.md",
        "title = \"Trip\"\n",
        "title = \"Trip\"\nslug = \"voyage\"\n",
    );
    let err = failed_build(&site);
    assert!(
        err.contains("a page bundle's URL is its folder's name, so it cannot set a slug"),
        "{err}"
    );
    assert!(err.contains("--> content/news/trip/index.md:3:8"), "{err}");
}

#[test]
fn a_bundle_file_that_another_output_claims_is_a_clash() {
    let site = site_with_a_bundle();
    site.write("content/news/trip/index.html", "<p>mine</p>");
    let err = failed_build(&site);
    assert!(err.contains("content/news/trip/index.html"), "{err}");
    assert!(err.contains("content/news/trip/index.md"), "{err}");
    std::fs::remove_file(site.path("content/news/trip/index.html")).unwrap();
    site.write("static/news/trip/still.png", "other");
    let err = failed_build(&site);
    assert!(err.contains("static/news/trip/still.png"), "{err}");
    assert!(err.contains("content/news/trip/still.png"), "{err}");
}

#[test]
fn the_preview_serves_a_bundles_files_and_follows_a_page_becoming_a_bundle() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/trip.md",
        "+++\ntitle = \"Trip\"\n+++\n![still](trip/still.png)\n",
    );
    site.write("content/news/trip/still.png", "png one");
    let server = start(&site, &[]);
    let page = get(server.port, "/news/trip/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("src=\"/news/trip/still.png\""));
    assert_eq!(get(server.port, "/news/trip/still.png").body, "png one");
    // The page moves into its folder: the same URL, its link now written from there.
    std::fs::remove_file(site.path("content/news/trip.md")).unwrap();
    site.write(
        "content/news/trip/index.md",
        "+++\ntitle = \"Trip bundled\"\n+++\n![still](still.png) ![map](map.png)\n",
    );
    site.write("content/news/trip/map.png", "map");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !get(server.port, "/news/trip/")
        .body
        .contains("Trip bundled")
    {
        assert!(Instant::now() < deadline, "the bundle was never served");
        std::thread::sleep(Duration::from_millis(40));
    }
    assert_eq!(get(server.port, "/news/trip/map.png").body, "map");
    assert_eq!(get(server.port, "/news/trip/index/").status, 404);
}

/// A draft's bundle: its files are the page's, published with it (`--drafts`) or not at all,
/// and `watch` follows the flag as a clean build does.
#[test]
fn a_draft_bundles_files_are_left_out_with_its_page() {
    let site = site_with_a_bundle();
    site.replace("content/news/_index.md", " [trip](trip/index.md)", "");
    let trip = "content/news/trip/index.md";
    site.replace(trip, "title = \"Trip\"", "title = \"Trip\"\ndraft = true");
    let out = site.build_into("public", &[]);
    assert!(!out.join("news/trip").exists());
    assert_eq!(std::fs::read(out.join("news/chart.png")).unwrap(), b"chart");
    let drafts = site.build_into("drafts", &["--drafts"]);
    for (file, bytes) in [("still.png", "png"), ("files/deck.pdf", "pdf")] {
        let published = std::fs::read_to_string(drafts.join("news/trip").join(file));
        assert_eq!(published.unwrap(), bytes, "{file}");
    }
    assert!(drafts.join("news/trip/index.html").is_file());
    let mut watch = Watch::start(&site, &[]);
    let still = out.join("news/trip/still.png");
    site.replace(trip, "draft = true\n", "");
    wait_until("the published bundle's still", || still.is_file());
    watch.wait_for("Built", Duration::from_secs(20));
    site.replace(trip, "title = \"Trip\"", "title = \"Trip\"\ndraft = true");
    wait_until("the draft's files to go", || {
        !out.join("news/trip").exists()
    });
    assert_watch_equals_clean_build(&site, watch);
}

/// `page.assets` and `section.assets`, as Zola has them: a bundle's other files (in its
/// folders too) and the files beside a section's `_index.md` (not its bundles'), as URLs from
/// the site's root, sorted; `watch` follows a file added to a bundle as a clean build does.
#[test]
fn templates_list_a_bundles_files_and_a_sections_files() {
    let site = site_with_a_bundle();
    site.write("content/news/trip/a 2.png", "a");
    for (template, node) in [
        ("templates/page.html", "page"),
        ("templates/section.html", "section"),
    ] {
        site.replace(
            template,
            "{% endblock content %}",
            &format!("<ul class=\"assets\">{{% for a in {node}.assets %}}<li>{{{{ a }}}}</li>{{% endfor %}}</ul>{{% endblock content %}}"),
        );
    }
    let out = site.build_into("public", &["--base-url", "https://example.org/b/"]);
    let read = |file: &str| std::fs::read_to_string(out.join(file)).unwrap();
    let listed = |urls: &[&str]| {
        let items: String = urls.iter().map(|u| format!("<li>{u}</li>")).collect();
        format!("<ul class=\"assets\">{items}</ul>")
    };
    let trip = listed(&[
        "/b/news/trip/a%202.png",
        "/b/news/trip/files/deck.pdf",
        "/b/news/trip/still.png",
    ]);
    let (page, section) = (read("news/trip/index.html"), read("news/index.html"));
    assert!(page.contains(&trip), "{page}");
    assert!(
        section.contains(&listed(&["/b/news/chart.png"])),
        "{section}"
    );
    let first = read("news/first/index.html");
    assert!(first.contains(&listed(&[])), "{first}");
    let mut watch = Watch::start(&site, &[]);
    site.write("content/news/trip/map.png", "map");
    let page = site.path("public/news/trip/index.html");
    wait_until("the new file in the bundle's list", || {
        std::fs::read_to_string(&page)
            .is_ok_and(|html| html.contains("<li>/news/trip/map.png</li>"))
    });
    watch.wait_for("Built", Duration::from_secs(20));
    site.write("content/news/other.txt", "other");
    assert_watch_equals_clean_build(&site, watch);
}
