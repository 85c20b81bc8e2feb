//! `briefing build` on a small fixture site, driven through the real binary.

mod common;

use common::{TestSite, assert_links_resolve, snapshot, stderr};

#[test]
fn builds_every_page_with_working_links() {
    let site = TestSite::fixture("basic");
    let out = site.build_into("public", &[]);
    for file in [
        "index.html",
        "news/index.html",
        "news/first/index.html",
        "news/second/index.html",
        "about/index.html",
        "sources/index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "css/site.css",
    ] {
        assert!(out.join(file).is_file(), "missing {file}");
    }
    assert_links_resolve(&out, "https://fixture.example.org", "/");
    let first = std::fs::read_to_string(out.join("news/first/index.html")).unwrap();
    assert!(first.contains(r#"<h2 id="details">"#));
    assert!(
        first.contains(r#"<a class="citation" href="/sources/#statement""#),
        "{first}"
    );
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains(r#"href="/news/first/#details""#),
        "@/ link with anchor: {home}"
    );
}

#[test]
fn sections_list_pages_in_their_sort_order() {
    let site = TestSite::fixture("basic");
    let out = site.build_into("public", &[]);
    let news = std::fs::read_to_string(out.join("news/index.html")).unwrap();
    let second = news.find("Second story").unwrap();
    assert!(
        second < news.find("First story").unwrap(),
        "sort_by = date lists the newest first"
    );
    assert!(news.contains("22 November 2026"));
}

#[test]
fn sitemap_and_feed_are_well_formed_and_complete() {
    let site = TestSite::fixture("basic");
    let out = site.build_into("public", &[]);
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for path in [
        "",
        "news/",
        "news/first/",
        "news/second/",
        "about/",
        "sources/",
    ] {
        assert!(
            locs.contains(&format!("https://fixture.example.org/{path}").as_str()),
            "sitemap lacks /{path}: {locs:?}"
        );
    }
    let feed = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let entries: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 2, "every dated page is in the feed");
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://fixture.example.org/sitemap.xml"));
}

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::fixture("basic");
    let a = snapshot(&site.build_into("a", &[]));
    let b = snapshot(&site.build_into("b", &[]));
    assert_eq!(a.len(), b.len());
    assert!(a == b, "outputs differ");
}

#[test]
fn subfolder_base_url_puts_every_link_under_it() {
    let site = TestSite::fixture("basic");
    let out = site.build_into("public", &["--base-url", "https://example.org/briefing/"]);
    assert_links_resolve(&out, "https://example.org/briefing", "/briefing/");
    let first = std::fs::read_to_string(out.join("news/second/index.html")).unwrap();
    assert!(
        first.contains(r#"href="/briefing/news/first/""#),
        "root-relative Markdown links get the base path: {first}"
    );
    assert!(first.contains(r#"href="/briefing/css/site.css""#));
    let feed = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(feed.contains("https://example.org/briefing/news/first/"));
}

#[test]
fn drafts_are_skipped_unless_asked_for() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/draft.md",
        "+++\ntitle = \"Unfinished\"\ndraft = true\n+++\nNot yet.\n",
    );
    let out = site.build_into("public", &[]);
    assert!(!out.join("news/draft/index.html").exists());
    assert!(
        !std::fs::read_to_string(out.join("sitemap.xml"))
            .unwrap()
            .contains("draft")
    );
    let out = site.build_into("with-drafts", &["--drafts"]);
    assert!(out.join("news/draft/index.html").exists());
}

#[test]
fn get_url_resolves_content_paths_with_fragments_and_refuses_missing_ones() {
    let site = TestSite::fixture("basic");
    site.replace(
        "templates/index.html",
        "<ul>",
        r#"<a id="deep" href="{{ get_url(path='@/news/first.md#details') }}">deep</a><ul>"#,
    );
    let out = site.build_into("public", &[]);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains(r#"<a id="deep" href="/news/first/#details">"#),
        "{home}"
    );

    site.replace("templates/index.html", "news/first.md#", "news/gone.md#");
    let result = site.run(&["build"]);
    let message = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{message}");
    assert!(
        message.contains("get_url: no content file `@/news/gone.md#details`"),
        "{message}"
    );
}

#[test]
fn safe_filter_marks_text_safe_and_leaves_other_text_escaped() {
    let site = TestSite::fixture("basic");
    site.replace(
        "templates/index.html",
        "<ul>",
        r#"<p id="safe">{{ "<b>bold</b>" | safe }} {{ 3 | safe }} {{ "<i>" }}</p><ul>"#,
    );
    let out = site.build_into("public", &[]);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains(r#"<p id="safe"><b>bold</b> 3 &lt;i&gt;</p>"#),
        "{home}"
    );
    let first = std::fs::read_to_string(out.join("news/first/index.html")).unwrap();
    assert!(
        first.contains(r#"<h2 id="details">"#) && !first.contains("&lt;h2"),
        "page content through `| safe` is written as HTML, once: {first}"
    );
}

/// Builds once, breaks the site with `edit`, and checks the failure names `expected` and left the
/// first output as it was.
fn assert_fails_cleanly(edit: impl FnOnce(&TestSite), expected: &[&str]) {
    let site = TestSite::fixture("basic");
    let out = site.build_into("public", &[]);
    let before = snapshot(&out);
    edit(&site);
    let result = site.run(&["build"]);
    let message = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{message}");
    for part in expected {
        assert!(message.contains(part), "expected {part:?} in:\n{message}");
    }
    assert!(
        message.contains("help:"),
        "every error has a hint:\n{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
    assert!(
        snapshot(&out) == before,
        "a failed build must leave the previous output untouched"
    );
}

#[test]
fn broken_at_link_names_file_line_and_column() {
    assert_fails_cleanly(
        |s| {
            s.replace(
                "content/news/second.md",
                "Text.",
                "See [gone](@/news/gone.md).",
            )
        },
        &[
            "content/news/second.md:10:5",
            "`@/news/gone.md` does not exist",
        ],
    );
}

#[test]
fn broken_anchor_suggests_the_right_one() {
    assert_fails_cleanly(
        |s| s.replace("content/_index.md", "#details", "#detail"),
        &[
            "content/_index.md:4:",
            "#detail",
            "did you mean `#details`?",
        ],
    );
}

#[test]
fn bad_toml_names_file_line_and_column() {
    assert_fails_cleanly(
        |s| {
            s.replace(
                "content/news/first.md",
                "date = 2026-11-20",
                "date = 2026-11-20\nweight = \"heavy\"",
            )
        },
        &["content/news/first.md:5:10", "invalid type"],
    );
}

#[test]
fn template_syntax_error_names_template_and_line() {
    assert_fails_cleanly(
        |s| {
            s.replace(
                "templates/page.html",
                "{{ page.title }}</h1>",
                "{{ page.title </h1>",
            )
        },
        &["templates/page.html:3:", "template syntax error"],
    );
}

#[test]
fn two_files_writing_one_url_is_an_error() {
    assert_fails_cleanly(
        |s| {
            s.write(
                "content/news/other.md",
                "+++\ntitle = \"Other\"\nslug = \"first\"\n+++\n",
            )
        },
        &["both write the URL /news/first/"],
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    assert_fails_cleanly(
        |s| {
            s.replace(
                "content/news/first.md",
                "title = \"First story\"",
                "titel = \"First story\"",
            );
            s.replace(
                "content/news/second.md",
                "date = 2026-11-22",
                "date = \"someday\"",
            );
        },
        &[
            "content/news/first.md:2:1",
            "did you mean `title`?",
            "content/news/second.md:3:8",
            "2 errors",
        ],
    );
}

#[test]
fn output_dir_that_would_destroy_sources_is_refused() {
    let site = TestSite::fixture("basic");
    for dir in [".", "content"] {
        let path = site.path(dir);
        let result = site.run(&["build", "--output-dir", path.to_str().unwrap()]);
        assert_eq!(result.status.code(), Some(1));
        assert!(
            stderr(&result).contains("refusing to use"),
            "{}",
            stderr(&result)
        );
    }
    assert!(site.path("content/_index.md").exists());
}

#[test]
fn summary_line_counts_pages_sections_and_files() {
    let site = TestSite::fixture("basic");
    let result = site.run(&["build"]);
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        stdout.starts_with("Built 2 pages and 4 sections: 12 files in "),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("public"), "{stdout}");
}

/// Sections whose folder names sort before `_index.md` byte by byte (digits, capitals) are
/// ordinary sections; the home page is still the home page.
#[test]
fn the_home_page_stays_the_home_page_whatever_the_section_names() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/2024/_index.md",
        "+++\ntitle = \"Year 2024\"\n+++\n",
    );
    site.write("content/Zeta/_index.md", "+++\ntitle = \"Zeta\"\n+++\n");
    let out = site.build_into("public", &[]);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    // index.html lists the subsections; section.html lists pages.
    for title in ["Year 2024", "Zeta", "News"] {
        assert!(
            home.contains(&format!(">{title}</a>")),
            "{title} missing from the home page:\n{home}"
        );
    }
    let year = std::fs::read_to_string(out.join("2024/index.html")).unwrap();
    assert!(
        year.contains("<h1>Year 2024</h1>") && year.contains("<ul></ul>"),
        "{year}"
    );
}

/// TOML dates in `[extra]` (of a page, a section or site.toml, also inside arrays and tables)
/// reach templates as the text written, which the `date` filter reads, as YAML's do.
#[test]
fn dates_in_extra_are_dates_templates_can_show() {
    let site = TestSite::fixture("basic");
    site.replace(
        "content/news/first.md",
        "sources = [\"report\"]",
        "sources = [\"report\"]\n[extra]\nsigned = 2026-11-24\nmeetings = [2026-11-25T10:00:00Z]\nterms = { start = 2026-12-01 }",
    );
    site.replace("site.toml", "[extra]", "[extra]\nlaunched = 2026-01-02");
    site.write(
        "templates/page.html",
        "{% if page.extra.signed %}{{ page.extra.signed | date(format=\"%d %B %Y\") }}|\
         {{ page.extra.meetings[0] }}|{{ page.extra.terms.start }}|\
         {{ config.extra.launched | date(format=\"%Y\") }}{% endif %}",
    );
    let out = site.build_into("public", &[]);
    let page = std::fs::read_to_string(out.join("news/first/index.html")).unwrap();
    assert_eq!(
        page,
        "24 November 2026|2026-11-25T10:00:00Z|2026-12-01|2026"
    );
}
