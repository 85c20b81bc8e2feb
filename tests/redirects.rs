//! Aliases, `redirect_to` and pagination through the real binary: the files `build` writes,
//! what `check` follows, what `watch` and `serve` keep up to date, and every mistake refused
//! with its place in the file.

mod common;

use common::{TestSite, Watch, assert_watch_equals_clean_build, server, stderr, wait_until};

const BASE: &str = "https://example.org/sub/";

/// The fixture with `aliases` on a page and on a section.
fn site_with_aliases() -> TestSite {
    let site = TestSite::fixture("basic");
    site.replace(
        "content/news/first.md",
        "+++\n",
        "+++\naliases = [\"/old/first/\", \"/2019/first.html\"]\n",
    );
    site.replace(
        "content/about/_index.md",
        "+++\n",
        "+++\naliases = [\"/who\"]\n",
    );
    site
}

/// Asserts `html` is a redirect page to `url`: a meta refresh, a canonical link and a link.
fn assert_redirects_to(html: &str, url: &str) {
    for part in [
        format!("<meta http-equiv=\"refresh\" content=\"0; url={url}\">"),
        format!("<link rel=\"canonical\" href=\"{url}\">"),
        format!("<a href=\"{url}\">"),
    ] {
        assert!(html.contains(&part), "no {part} in:\n{html}");
    }
}

#[test]
fn aliases_write_redirect_pages_that_work_under_a_base_path() {
    let site = site_with_aliases();
    // A link to an old URL is a link to a file of the site.
    let second = site.read("content/news/second.md");
    site.write(
        "content/news/second.md",
        second + "\nSee [the old one](/old/first/).\n",
    );
    let out = site.build_into("public", &["--base-url", BASE]);
    let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
    assert_redirects_to(&read("old/first/index.html"), &format!("{BASE}news/first/"));
    assert_redirects_to(&read("2019/first.html"), &format!("{BASE}news/first/"));
    assert_redirects_to(&read("who/index.html"), &format!("{BASE}about/"));
    let sitemap = read("sitemap.xml");
    assert!(!sitemap.contains("old/first"), "{sitemap}");
    let check = site.run(&["check", "--base-url", BASE]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn an_alias_that_leaves_the_site_fails_at_its_place_and_writes_nothing() {
    for (alias, says) in [
        ("../../etc", "the alias `../../etc` leaves the site"),
        ("/a/../../etc/", "leaves the site"),
        ("https://evil.example/x", "is a URL of another site"),
        ("/", "names the home page"),
        ("/a\\\\b", "which a file's path cannot"),
    ] {
        let site = TestSite::fixture("basic");
        site.replace(
            "content/news/first.md",
            "+++\n",
            &format!("+++\naliases = [\"{alias}\"]\n"),
        );
        let output = site.run(&["build"]);
        assert_eq!(output.status.code(), Some(1), "{alias}");
        let err = stderr(&output);
        assert!(err.contains(says), "{alias}: {err}");
        assert!(err.contains("content/news/first.md:2:12"), "{alias}: {err}");
        assert!(!err.contains("panicked"), "{alias}: {err}");
        assert!(!site.path("public").exists(), "{alias}");
    }
}

#[test]
fn an_alias_on_a_url_the_site_writes_is_a_clash_naming_both() {
    for (alias, other) in [
        ("/news/second/", "content/news/second.md"),
        ("/css/site.css.html", "static/css/site.css"),
        ("/atom.xml/", "the generated Atom feed"),
        ("/about", "content/about/_index.md"),
    ] {
        let site = TestSite::fixture("basic");
        site.replace(
            "content/news/first.md",
            "+++\n",
            &format!("+++\naliases = [\"{alias}\"]\n"),
        );
        if alias.ends_with(".html") {
            site.write("static/css/site.css.html", "mine");
        }
        let output = site.run(&["build"]);
        assert_eq!(output.status.code(), Some(1), "{alias}");
        let err = stderr(&output);
        assert!(
            err.contains(&format!(
                "content/news/first.md (its alias /{}",
                alias.trim_start_matches('/')
            )),
            "{alias}: {err}"
        );
        assert!(err.contains(other), "{alias}: {err}");
        assert!(err.contains("content/news/first.md:2:12"), "{alias}: {err}");
        assert!(!site.path("public").exists(), "{alias}");
    }
}

/// The fixture with a section `list/` of `pages` pages, paginated by `by`, listed by a template
/// that prints every field of the paginator.
fn paginated_list(by: &str, pages: usize, extra: &str) -> TestSite {
    let site = TestSite::fixture("basic");
    site.write(
        "content/list/_index.md",
        format!(
            "+++\ntitle = \"List\"\npaginate_by = {by}\ntemplate = \"paged.html\"\n{extra}+++\n"
        ),
    );
    for i in 1..=pages {
        site.write(
            &format!("content/list/n{i}.md"),
            format!("+++\ntitle = \"N{i}\"\nweight = {i}\n+++\nStory {i}.\n"),
        );
    }
    site.write(
        "templates/paged.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"pager\">{{ paginator.current_index }} of \
         {{ paginator.number_pagers }}, {{ paginator.total_pages }} pages by {{ paginator.paginate_by }}; \
         first {{ paginator.first }} last {{ paginator.last }} previous {{ paginator.previous }} \
         next {{ paginator.next }} base {{ paginator.base_url }}; section lists {{ section.pages | length }}</p>\
         <ul>{% for p in paginator.pages %}<li>{{ p.title }}</li>{% endfor %}</ul>{% endblock content %}\n",
    );
    site
}

fn pager_line(html: &str) -> &str {
    let start = html.find("<p id=\"pager\">").expect("no pager line");
    let end = start + html[start..].find("</ul>").unwrap();
    &html[start + 14..end]
}

#[test]
fn pagination_splits_a_section_over_pagers_with_a_paginator() {
    let site = paginated_list("2", 5, "");
    let out = site.build_into("public", &["--base-url", BASE]);
    let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
    let list = format!("{BASE}list/");
    assert_eq!(
        pager_line(&read("list/index.html")),
        format!(
            "1 of 3, 5 pages by 2; first {list} last {list}page/3/ previous  next {list}page/2/ \
             base {list}page/; section lists 0</p><ul><li>N1</li><li>N2</li>"
        )
    );
    assert_eq!(
        pager_line(&read("list/page/2/index.html")),
        format!(
            "2 of 3, 5 pages by 2; first {list} last {list}page/3/ previous {list} next {list}page/3/ \
             base {list}page/; section lists 0</p><ul><li>N3</li><li>N4</li>"
        )
    );
    assert!(pager_line(&read("list/page/3/index.html")).ends_with("<ul><li>N5</li>"));
    // Page 1 is the section itself, not a copy of it.
    assert_redirects_to(&read("list/page/1/index.html"), &list);
    assert!(!out.join("list/page/4").exists());
    let sitemap = read("sitemap.xml");
    assert!(!sitemap.contains("/page/"), "{sitemap}");
    let check = site.run(&["check", "--base-url", BASE]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn paginate_path_and_paginate_reversed_as_zola_has_them() {
    let site = paginated_list("2", 3, "paginate_path = \"p\"\npaginate_reversed = true\n");
    let out = site.build_into("public", &[]);
    let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
    assert!(read("list/index.html").contains("<ul><li>N3</li><li>N2</li></ul>"));
    assert!(read("list/p/2/index.html").contains("<ul><li>N1</li></ul>"));
    assert!(out.join("list/p/1/index.html").exists());
    assert!(!out.join("list/page").exists());
}

#[test]
fn a_paginator_over_an_empty_section_has_one_empty_pager() {
    let site = paginated_list("3", 0, "");
    let out = site.build_into("public", &[]);
    let news = std::fs::read_to_string(out.join("list/index.html")).unwrap();
    let line = pager_line(&news);
    assert!(line.starts_with("1 of 1, 0 pages by 3;"), "{line}");
    assert!(line.ends_with("<ul>"), "{line}");
    assert!(!out.join("list/page/2").exists());
}

#[test]
fn a_pagination_mistake_fails_at_its_place_and_writes_nothing() {
    for (field, says, at) in [
        ("paginate_by = 0\n", "paginate_by is 0", ":2:15"),
        ("paginate_by = -2\n", "paginate_by is -2", ":2:15"),
        (
            "paginate_by = 2\npaginate_path = \"../x\"\n",
            "the pagination path `../x`",
            ":3:17",
        ),
        ("redirect_to = \"../../etc\"\n", "leaves the site", ":2:15"),
    ] {
        let site = TestSite::fixture("basic");
        site.replace("content/news/_index.md", "+++\n", &format!("+++\n{field}"));
        let output = site.run(&["build"]);
        assert_eq!(output.status.code(), Some(1), "{field}");
        let err = stderr(&output);
        assert!(err.contains(says), "{field}: {err}");
        assert!(
            err.contains(&format!("content/news/_index.md{at}")),
            "{field}: {err}"
        );
        assert!(!site.path("public").exists(), "{field}");
    }
}

#[test]
fn a_pager_on_a_url_the_site_writes_is_a_clash_naming_both() {
    let site = paginated_list("1", 3, "");
    site.write(
        "content/list/page/_index.md",
        "+++\ntitle = \"Page\"\n+++\n",
    );
    site.write("content/list/page/2.md", "+++\ntitle = \"Two\"\n+++\n");
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("content/list/page/2.md and content/list/_index.md (its pagers) both write list/page/2/index.html")
            || err.contains("content/list/_index.md (its pagers) and content/list/page/2.md"),
        "{err}"
    );
}

#[test]
fn redirect_to_sends_a_section_on_and_check_follows_it() {
    let site = TestSite::fixture("basic");
    site.replace(
        "content/about/_index.md",
        "+++\n",
        "+++\nredirect_to = \"/news/\"\n",
    );
    let out = site.build_into("public", &["--base-url", BASE]);
    let about = std::fs::read_to_string(out.join("about/index.html")).unwrap();
    assert_redirects_to(&about, &format!("{BASE}news/"));
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("about"), "{sitemap}");
    let check = site.run(&["check", "--base-url", BASE]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    // A redirect to a page the site does not have is a broken link, where it is written.
    site.replace("content/about/_index.md", "/news/", "/gone/");
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    let err = stderr(&check);
    assert!(err.contains("error[BR0101]"), "{err}");
    assert!(err.contains("content/about/_index.md:2:15"), "{err}");

    // Another site's URL is left as written.
    site.replace(
        "content/about/_index.md",
        "\"/gone/\"",
        "\"https://elsewhere.example/x?a=1&b=2\"",
    );
    let out = site.build_into("public", &[]);
    let about = std::fs::read_to_string(out.join("about/index.html")).unwrap();
    assert_redirects_to(&about, "https://elsewhere.example/x?a=1&amp;b=2");
}

/// `watch` adds and removes alias pages and pagers as the front matter asks, and ends with
/// what a clean build writes.
#[test]
fn watch_keeps_aliases_and_pagers_as_the_front_matter_asks() {
    let site = paginated_list("2", 3, "");
    let watch = Watch::start(&site, &[]);
    let public = site.path("public");
    wait_until("the second pager", || {
        public.join("list/page/2/index.html").exists()
    });
    site.replace(
        "content/list/n1.md",
        "+++\n",
        "+++\naliases = [\"/old/n1/\"]\n",
    );
    wait_until("the alias", || public.join("old/n1/index.html").exists());
    site.replace(
        "content/list/_index.md",
        "paginate_by = 2",
        "paginate_by = 3",
    );
    wait_until("one pager", || !public.join("list/page/2").exists());
    site.replace("content/list/n1.md", "aliases = [\"/old/n1/\"]\n", "");
    wait_until("no alias", || !public.join("old/n1").exists());
    assert_watch_equals_clean_build(&site, watch);
}

#[test]
fn serve_answers_an_alias_and_a_pager() {
    let site = paginated_list("2", 3, "");
    site.replace(
        "content/list/n3.md",
        "+++\n",
        "+++\naliases = [\"/old.html\"]\n",
    );
    let server = server::start(&site, &[]);
    let old = server::get(server.port, "/old.html");
    assert_eq!(old.status, 200);
    assert!(old.body.contains("url=http://127.0.0.1:"), "{}", old.body);
    assert!(old.body.contains("/list/n3/\">"), "{}", old.body);
    let pager = server::get(server.port, "/list/page/2/");
    assert_eq!(pager.status, 200);
    assert!(
        pager.body.contains("<ul><li>N3</li></ul>"),
        "{}",
        pager.body
    );
}
