//! The briefing itself, built from the repository's own content, templates and static files
//! into a temp dir, and checked as a reader and a static host would see it.

mod common;

use common::{TestSite, assert_links_resolve, scan_html, snapshot};

const BASE: &str = "https://briefing.example.org";

fn built() -> (TestSite, std::path::PathBuf) {
    let site = TestSite::briefing();
    let out = site.build_into("public", &[]);
    (site, out)
}

fn read(out: &std::path::Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The text of an HTML fragment, tags dropped and entities for quotes decoded.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[test]
fn every_page_of_the_briefing_exists() {
    let (_site, out) = built();
    for path in [
        "index.html",
        "partnerships/index.html",
        "partnerships/a24-google/index.html",
        "partnerships/lionsgate-runway/index.html",
        "guild-protections/index.html",
        "industry-context/index.html",
        "takeaways/index.html",
        "sources/index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "style.css",
    ] {
        assert!(out.join(path).is_file(), "missing /{path}");
    }
    let guild_pages = std::fs::read_dir(out.join("guild-protections"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert!(
        guild_pages >= 1,
        "the guild protections section has at least one page"
    );
    assert!(read(&out, "robots.txt").contains(&format!("Sitemap: {BASE}/sitemap.xml")));
}

#[test]
fn the_comparison_table_has_the_corrected_rows_from_front_matter() {
    let (site, out) = built();
    let html = read(&out, "partnerships/index.html");
    let rows: Vec<String> = html
        .split("<tr>")
        .skip(2)
        .map(|r| {
            text(r.split("</tr>").next().unwrap())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert!(
        rows.iter()
            .any(|r| r.starts_with("A24 Google Research and workflow optimization")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("Lionsgate Runway Custom model for video/VFX generation")),
        "{rows:?}"
    );
    // The table is generated: a new partnership file adds a row.
    site.write(
        "content/partnerships/example-studio.md",
        "+++\ntitle = \"Example\"\nweight = 3\nsources = [\"article\"]\n\n[extra]\nstudio = \"Example Studio\"\npartner = \"Example Lab\"\ngoal = \"A goal\"\nfocus = \"A focus\"\n+++\nText.\n",
    );
    let out = site.build_into("with-row", &[]);
    let html = read(&out, "partnerships/index.html");
    assert!(
        html.contains("Example Studio</a></th><td data-label=\"Partner\">Example Lab</td><td data-label=\"Primary stated goal\">A goal</td>"),
        "{html}"
    );
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let (_site, out) = built();
    assert_links_resolve(&out, BASE, "/");
}

#[test]
fn a_subfolder_base_url_keeps_every_link_inside_it() {
    let site = TestSite::briefing();
    let out = site.build_into("public", &["--base-url", "https://example.org/briefing/"]);
    assert_links_resolve(&out, "https://example.org/briefing", "/briefing/");
    for (name, bytes) in snapshot(&out).iter().filter(|(n, _)| n.ends_with(".html")) {
        let (_, links) = scan_html(&String::from_utf8_lossy(bytes));
        for link in links.iter().filter(|l| l.starts_with('/')) {
            assert!(
                link.starts_with("/briefing/"),
                "{name}: {link} escapes the subfolder"
            );
        }
    }
}

#[test]
fn sitemap_and_feed_are_well_formed_and_list_every_page() {
    let (_site, out) = built();
    // The print edition repeats every page's text: it is left out (and says noindex).
    let pages: Vec<String> = snapshot(&out)
        .into_iter()
        .filter(|(n, _)| n.ends_with("index.html") && n != "print/index.html")
        .map(|(n, _)| format!("{BASE}/{}", n.trim_end_matches("index.html")))
        .collect();
    let sitemap = read(&out, "sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for page in &pages {
        assert!(locs.contains(&page.as_str()), "sitemap lacks {page}");
    }
    let feed = read(&out, "atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let entries: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .flat_map(|e| {
            e.children()
                .filter(|c| c.has_tag_name("id"))
                .filter_map(|c| c.text())
        })
        .collect();
    for page in [
        "partnerships/a24-google/",
        "partnerships/lionsgate-runway/",
        "guild-protections/wga-and-sag-aftra/",
        "industry-context/why-studios-turn-to-ai/",
        "industry-context/what-happens-next/",
    ] {
        assert!(
            entries.contains(&format!("{BASE}/{page}").as_str()),
            "the feed lacks the dated page {page}: {entries:?}"
        );
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::briefing();
    let a = snapshot(&site.build_into("a", &[]));
    let b = snapshot(&site.build_into("b", &[]));
    assert!(a == b);
}

#[test]
fn statements_are_attributed_as_the_article_does() {
    let (_site, out) = built();
    let a24 = text(&read(&out, "partnerships/a24-google/index.html"));
    assert!(
        a24.contains(
            "in a statement provided to Wired by communications representative Sophia Shin"
        ),
        "{a24}"
    );
    assert!(
        a24.contains("“side-by-side”"),
        "smart quotes around the quoted words"
    );
    assert!(a24.contains("which Google AI products are being tested"));
    let context = text(&read(
        &out,
        "industry-context/why-studios-turn-to-ai/index.html",
    ));
    assert!(context.contains("According to data from the Motion Picture Association"));
    assert!(context.contains("Industry analysts note"));
    assert!(context.contains("post-pandemic box office"));
    let guilds = text(&read(
        &out,
        "guild-protections/wga-and-sag-aftra/index.html",
    ));
    assert!(guilds.contains("disclose the use of AI"));
    assert!(guilds.contains("human writers and actors remain central"));
}

#[test]
fn takeaways_link_to_the_pages_that_support_them() {
    let (_site, out) = built();
    let html = read(&out, "takeaways/index.html");
    let list = html
        .split("<ol>")
        .nth(1)
        .unwrap()
        .split("</ol>")
        .next()
        .unwrap();
    let items: Vec<&str> = list.split("<li>").skip(1).collect();
    assert_eq!(items.len(), 4, "the article's four takeaways");
    for item in items {
        let (_, links) = scan_html(item);
        assert!(
            links
                .iter()
                .any(|l| l.contains('#') && !l.starts_with("/sources/")),
            "a takeaway without a supporting link: {item}"
        );
    }
}

#[test]
fn citations_link_to_the_sources_page_which_lists_every_source_and_its_pages() {
    let (_site, out) = built();
    let sources = read(&out, "sources/index.html");
    let (ids, _) = scan_html(&sources);
    let defined =
        std::fs::read_to_string(common::repo_root().join("content/sources.toml")).unwrap();
    for id in defined
        .lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .map(|l| l.trim_end_matches('"'))
    {
        assert!(ids.contains(id), "the sources page lacks #{id}");
    }
    let wired = sources
        .split("id=\"a24-statement-wired\"")
        .nth(1)
        .unwrap()
        .split("</li>\n</ol>")
        .next()
        .unwrap();
    assert!(
        wired.contains("/partnerships/a24-google/"),
        "the Wired statement lists the A24–Google page as citing it"
    );
    let page = read(&out, "partnerships/a24-google/index.html");
    assert!(page.contains(r#"<a class="citation" href="/sources/#a24-statement-wired" data-source="a24-statement-wired">[A24 statement to Wired]</a>"#));
    assert!(page.contains(r#"<aside class="sources-box""#));
    let (_, links) = scan_html(&page);
    assert!(links.iter().any(|l| l == "/sources/#article"));
}

#[test]
fn reading_needs_no_javascript() {
    let (_site, out) = built();
    for (name, bytes) in snapshot(&out).iter().filter(|(n, _)| n.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for script in html.split("<script").skip(1) {
            assert!(
                script.starts_with(" type=\"application/ld+json\""),
                "{name} has a script that is not JSON-LD"
            );
        }
        assert!(
            !html.contains("__briefing"),
            "{name}: live reload leaked into build output"
        );
    }
}

#[test]
fn json_ld_is_valid_json() {
    let (_site, out) = built();
    for path in ["index.html", "partnerships/a24-google/index.html"] {
        let html = read(&out, path);
        let json = html
            .split("<script type=\"application/ld+json\">")
            .nth(1)
            .unwrap()
            .split("</script>")
            .next()
            .unwrap();
        let value: serde_json::Value =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{path}: {e}: {json}"));
        assert!(value["@type"] == "WebSite" || value["@type"] == "NewsArticle");
    }
}

#[test]
fn the_site_passes_check() {
    let site = TestSite::briefing();
    // As of the day its review dates were set: the tests must not start failing the day a
    // review falls due (an editor's own `briefing check` is what says so, from then on).
    let result = site.run(&["check", "--deny-warnings", "--now", "2026-12-01T12:00:00Z"]);
    assert!(result.status.success(), "{}", common::stderr(&result));
}

/// The studios, partners and guilds are topics: `/topics/` lists each with its pages' count,
/// each topic's page lists the pages about it and has a feed, and every page names its topics.
#[test]
fn topics_group_the_pages_by_studio_partner_and_guild() {
    let (_site, out) = built();
    let list = text(&read(&out, "topics/index.html"));
    let list = list.split_whitespace().collect::<Vec<_>>().join(" ");
    for shown in [
        "A24 1 page",
        "Google 1 page",
        "Lionsgate 1 page",
        "Runway 1 page",
        "SAG-AFTRA 3 pages",
        "WGA 3 pages",
        "Motion Picture Association 1 page",
    ] {
        assert!(list.contains(shown), "{shown:?} not in /topics/: {list}");
    }
    let runway = read(&out, "topics/runway/index.html");
    assert!(
        runway.contains("href=\"/partnerships/lionsgate-runway/\""),
        "{runway}"
    );
    assert!(
        !runway.contains("href=\"/partnerships/a24-google/\""),
        "{runway}"
    );
    assert!(runway.contains("<title>Runway — "), "{runway}");
    let wga = read(&out, "topics/wga/index.html");
    for page in [
        "/guild-protections/wga-and-sag-aftra/",
        "/industry-context/what-happens-next/",
        "/industry-context/why-studios-turn-to-ai/",
    ] {
        assert!(
            wga.contains(&format!("href=\"{page}\"")),
            "{page} not on /topics/wga/"
        );
    }
    let feed = read(&out, "topics/google/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 1, "{feed}");
    assert!(
        feed.contains(&format!("{BASE}/partnerships/a24-google/")),
        "{feed}"
    );
    let page = read(&out, "partnerships/a24-google/index.html");
    let topics = page
        .lines()
        .find(|l| l.contains("class=\"topics\""))
        .expect("a Topics line on the page");
    let shown = text(topics)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(shown, "Topics: A24 , Google", "{topics}");
    assert!(
        topics.contains(&format!("href=\"{BASE}/topics/a24/\"")),
        "{topics}"
    );
    // A section about no one studio, partner or guild has no Topics line.
    assert!(!read(&out, "takeaways/index.html").contains("class=\"topics\""));
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{BASE}/topics/sag-aftra/</loc>")));
    // The article cites the Motion Picture Association for industry data: the page that uses
    // that fact is about it, and its header says so.
    let mpa = read(&out, "topics/motion-picture-association/index.html");
    assert!(mpa.contains("href=\"/industry-context/why-studios-turn-to-ai/\""));
    let why = read(&out, "industry-context/why-studios-turn-to-ai/index.html");
    assert!(why.contains(&format!(
        "href=\"{BASE}/topics/motion-picture-association/\">Motion Picture Association</a>"
    )));
}

/// The text of the first element of `html` that starts with `open` (`<h1`, `<p class="lede"`).
fn first(html: &str, open: &str, close: &str) -> String {
    let start = html.find(open).unwrap_or_else(|| panic!("no {open}"));
    let rest = &html[start..];
    let inner = &rest[rest.find('>').unwrap() + 1..rest.find(close).unwrap()];
    text(inner).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One name for one thing: the site's title is cased one way everywhere, each nav label is
/// the title of the page it opens, and the front page's lede does not repeat its first
/// paragraph.
#[test]
fn the_title_the_nav_and_the_pages_name_things_alike() {
    let (_site, out) = built();
    let front = read(&out, "index.html");
    let site_title = first(&front, "<p class=\"site-title\"", "</p>");
    assert_eq!(first(&front, "<h1", "</h1>"), site_title);
    assert_eq!(first(&front, "<title", "</title>"), site_title);
    let nav = &front[front.find("<nav class=\"site-nav\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    let mut labels = 0;
    for item in nav.split("<li><a href=\"").skip(1) {
        let href = &item[..item.find('"').unwrap()];
        let label = text(&item[item.find('>').unwrap() + 1..item.find("</a>").unwrap()]);
        let page = read(&out, &format!("{}index.html", href.trim_start_matches('/')));
        assert_eq!(
            label.trim(),
            first(&page, "<h1", "</h1>"),
            "the nav link to {href}"
        );
        labels += 1;
    }
    assert!(labels >= 6, "{nav}");
    let lede = first(&front, "<p class=\"lede\"", "</p>");
    let opening = first(&front, "<div class=\"prose\"", "</p>");
    let lede_words: Vec<&str> = lede.split_whitespace().collect();
    for run in lede_words.windows(4) {
        assert!(
            !opening.contains(&run.join(" ")),
            "the lede repeats the first paragraph: {:?}",
            run.join(" ")
        );
    }
}

/// The sources page has no sources box pointing at itself, and each source's "Cited by" names
/// every page and section that cites it, the front page first, in reading order.
#[test]
fn the_sources_page_lists_whoever_cites_a_source_in_reading_order() {
    let (_site, out) = built();
    let sources = read(&out, "sources/index.html");
    assert!(!sources.contains("class=\"sources-box\""), "{sources}");
    let article = sources.split("id=\"article\"").nth(1).unwrap();
    let article = &article[..article.find("</dl>").unwrap()];
    let cited_by = &article[article.find("<dt>Cited by</dt>").unwrap()..];
    let (_, links) = scan_html(cited_by);
    assert_eq!(
        links,
        [
            "/",
            "/partnerships/",
            "/partnerships/a24-google/",
            "/partnerships/lionsgate-runway/",
            "/guild-protections/",
            "/guild-protections/wga-and-sag-aftra/",
            "/industry-context/",
            "/industry-context/why-studios-turn-to-ai/",
            "/industry-context/what-happens-next/",
            "/takeaways/",
        ]
    );
}

#[test]
fn the_articles_own_emphasis_is_a_callout() {
    let (_site, out) = built();
    let deal = read(&out, "partnerships/a24-google/index.html");
    let note = &deal[deal
        .find("<aside class=\"callout callout-note\"")
        .expect("a note")..];
    assert!(text(&note[..note.find("</aside>").unwrap()]).contains("has not disclosed"));
    let guilds = read(&out, "guild-protections/wga-and-sag-aftra/index.html");
    let important = &guilds[guilds
        .find("<aside class=\"callout callout-important\"")
        .expect("a callout")..];
    assert!(text(&important[..important.find("</aside>").unwrap()]).contains("must comply"));
}
