use std::sync::Arc;

use super::*;
use crate::config::{BuildOptions, Config};
use crate::content::Document;
use crate::render::test_site::assembled;

fn doc(path: &str, front: &str) -> Arc<Document> {
    crate::render::test_site::doc(path, front, "Text.")
}

/// A site at `base_url` with a home page, a section `news & Notes/` holding a page with a slug
/// of its own and one named by its file, and a page at the root naming its own template.
fn site(base_url: &str) -> Site {
    let text = format!("title = \"T\"\nbase_url = \"{base_url}\"\n");
    let config = Arc::new(Config::parse(&text, &BuildOptions::default()).unwrap());
    let docs = vec![
        doc("_index.md", "title = \"Home\""),
        doc(
            "news & Notes/_index.md",
            "title = \"News\"\npage_template = \"news-page.html\"",
        ),
        doc("news & Notes/Café Zürich.md", "title = \"Cafe\""),
        doc("news & Notes/x.md", "title = \"X\"\nslug = \"own-slug\""),
        doc("about.md", "title = \"About\"\ntemplate = \"plain.html\""),
    ];
    assembled(config, docs)
}

fn page(site: &Site, relative_path: &str) -> OutputKind {
    OutputKind::of_node(site.node(relative_path).unwrap())
}

/// Each kind, its site path and its output key.
fn cases(site: &Site) -> Vec<(OutputKind, &'static str, &'static str)> {
    vec![
        (page(site, "_index.md"), "", "index.html"),
        (
            page(site, "news & Notes/_index.md"),
            "news-notes/",
            "news-notes/index.html",
        ),
        (
            page(site, "news & Notes/Café Zürich.md"),
            "news-notes/cafe-zurich/",
            "news-notes/cafe-zurich/index.html",
        ),
        (
            page(site, "news & Notes/x.md"),
            "news-notes/own-slug/",
            "news-notes/own-slug/index.html",
        ),
        (page(site, "about.md"), "about/", "about/index.html"),
        (
            OutputKind::Generated(Generated::NotFound),
            "404.html",
            "404.html",
        ),
        (
            OutputKind::Generated(Generated::Feed),
            "atom.xml",
            "atom.xml",
        ),
        (
            OutputKind::Generated(Generated::Sitemap),
            "sitemap.xml",
            "sitemap.xml",
        ),
        (
            OutputKind::Generated(Generated::Robots),
            "robots.txt",
            "robots.txt",
        ),
        (
            OutputKind::Asset("css/site.css".into()),
            "css/site.css",
            "css/site.css",
        ),
        (
            OutputKind::Asset("my file#1.pdf".into()),
            "my%20file%231.pdf",
            "my file#1.pdf",
        ),
        (
            OutputKind::Asset("café/ü.png".into()),
            "caf%C3%A9/%C3%BC.png",
            "café/ü.png",
        ),
        (
            OutputKind::Asset("docs/index.html".into()),
            "docs/",
            "docs/index.html",
        ),
    ]
}

#[test]
fn each_kind_has_its_url_and_its_file_with_and_without_a_base_path() {
    for (base_url, base_path) in [
        ("https://e.org", "/"),
        ("https://e.org/sub/", "/sub/"),
        ("https://e.org/a%20b/", "/a%20b/"),
    ] {
        let site = site(base_url);
        let origin = "https://e.org";
        for (kind, site_path, key) in cases(&site) {
            assert_eq!(kind.site_path(&site).as_str(), site_path, "{kind:?}");
            assert_eq!(kind.output_key(&site), key, "{kind:?}");
            assert_eq!(
                kind.url_path(&site),
                format!("{base_path}{site_path}"),
                "{kind:?}"
            );
            assert_eq!(
                kind.permalink(&site),
                format!("{origin}{base_path}{site_path}"),
                "{kind:?}"
            );
        }
    }
}

#[test]
fn each_kind_names_its_template_or_none() {
    let site = site("https://e.org");
    for (kind, template) in [
        (page(&site, "_index.md"), Some("index.html")),
        (page(&site, "news & Notes/_index.md"), Some("section.html")),
        (page(&site, "news & Notes/x.md"), Some("news-page.html")),
        (page(&site, "about.md"), Some("plain.html")),
        (OutputKind::Generated(Generated::NotFound), Some("404.html")),
        (OutputKind::Generated(Generated::Feed), None),
        (OutputKind::Generated(Generated::Sitemap), None),
        (OutputKind::Generated(Generated::Robots), None),
        (OutputKind::Asset("a.css".into()), None),
    ] {
        assert_eq!(kind.template(&site), template, "{kind:?}");
    }
}

#[test]
fn a_file_made_from_the_listing_says_so_and_nothing_else_does() {
    let site = site("https://e.org");
    let listing = |kind: OutputKind| kind.depends_on().contains(&Input::Listing);
    assert!(listing(OutputKind::Generated(Generated::Feed)));
    assert!(listing(OutputKind::Generated(Generated::Sitemap)));
    assert!(!listing(OutputKind::Generated(Generated::Robots)));
    assert!(!listing(OutputKind::Generated(Generated::NotFound)));
    assert!(!listing(page(&site, "about.md")));
    assert!(
        OutputKind::Generated(Generated::NotFound)
            .depends_on()
            .contains(&Input::Templates)
    );
    assert_eq!(
        OutputKind::Asset("a.css".into()).depends_on(),
        [Input::File]
    );
    for generated in Generated::ALL {
        let kind = OutputKind::Generated(generated);
        assert_eq!(kind.output_key(&site), generated.file_name());
        assert_eq!(kind.node(), None);
    }
}
