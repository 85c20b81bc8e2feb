use super::*;

/// Names a URL or a file can hold that are easy to get wrong: empty, a space, escapes, `#`
/// and `?`, a `%` that is not an escape, letters past ASCII, a dot, an `index.html` of its own.
const TRICKY: [&str; 10] = [
    "a",
    "My File",
    "%20",
    "100%",
    "a#b",
    "q?x",
    "café",
    "ü.css",
    ".hidden",
    "index.html",
];

/// Every path of one to three names from `TRICKY`.
fn tricky_paths() -> Vec<String> {
    let mut paths: Vec<String> = TRICKY.iter().map(|s| s.to_string()).collect();
    for _ in 0..2 {
        let longer: Vec<String> = paths
            .iter()
            .flat_map(|p| TRICKY.iter().map(move |s| format!("{p}/{s}")))
            .collect();
        paths.extend(longer);
    }
    paths
}

#[test]
fn a_site_path_names_its_file_decoded_and_a_directory_its_index() {
    for (site_path, key) in [
        ("", "index.html"),
        ("news/", "news/index.html"),
        ("news/first/", "news/first/index.html"),
        ("atom.xml", "atom.xml"),
        ("404.html", "404.html"),
        ("css/my%20style.css", "css/my style.css"),
        ("caf%C3%A9/", "café/index.html"),
        ("a%2520b.css", "a%20b.css"),
        ("100%", "100%"),
        ("%zz/", "%zz/index.html"),
        ("%ff", "\u{fffd}"),
    ] {
        assert_eq!(SitePath::new(site_path).output_key(), key, "{site_path}");
        let mut buffer = String::from("left over");
        OutputKey::write_of_site_path(site_path, &mut buffer);
        assert_eq!(buffer, key, "{site_path}");
    }
}

#[test]
fn every_file_is_reached_by_its_site_path() {
    for path in tricky_paths() {
        for key in [path.clone(), format!("{path}/index.html")] {
            let key = OutputKey::from(key);
            let site_path = key.site_path();
            assert_eq!(site_path.output_key(), key, "{key} by {site_path}");
            assert!(
                !site_path.contains([' ', '#', '?']) && site_path.is_ascii(),
                "{key} by {site_path}: not a URL path as it is"
            );
            let directory = key.strip_suffix("index.html");
            assert_eq!(
                site_path.ends_with('/') || site_path.is_empty(),
                directory.is_some_and(|d| d.is_empty() || d.ends_with('/')),
                "{key} by {site_path}"
            );
        }
    }
}

#[test]
fn a_decoded_path_is_not_decoded_again() {
    for path in tricky_paths() {
        assert_eq!(OutputKey::of_decoded(&path), path.as_str());
        assert_eq!(
            OutputKey::of_decoded(&format!("{path}/")),
            format!("{path}/index.html").as_str()
        );
        assert_eq!(
            OutputKey::from(path.as_str()).directory_index(),
            format!("{path}/index.html").as_str()
        );
    }
    assert_eq!(OutputKey::of_decoded(""), "index.html");
}

#[test]
fn content_paths_give_slugged_site_paths() {
    for (content, site) in [
        ("_index.md", ""),
        ("about.md", "about/"),
        ("news/_index.md", "news/"),
        ("news/First Post.md", "news/first-post/"),
        ("Partners & Co/_index.md", "partners-co/"),
        ("Partners & Co/Café Zürich.md", "partners-co/cafe-zurich/"),
        ("a/b/c.md", "a/b/c/"),
    ] {
        assert_eq!(
            ContentPath::new(content).default_site_path(),
            site,
            "{content}"
        );
    }
    assert_eq!(
        ContentPath::new("news/x.md").page_site_path("own"),
        "news/own/"
    );
    assert_eq!(ContentPath::new("news/x.md").dir(), "news");
    assert_eq!(ContentPath::new("x.md").dir(), "");
}

#[test]
fn every_content_path_gives_a_site_path_of_slugs() {
    for path in tricky_paths() {
        for file in [format!("{path}.md"), format!("{path}/_index.md")] {
            let content = ContentPath::new(file.as_str());
            let site = content.default_site_path();
            let is_slug = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            };
            // A name with no letters or digits makes an empty slug, which is skipped.
            assert!(site.is_empty() || site.ends_with('/'), "{file} -> {site}");
            assert!(site.split_terminator('/').all(is_slug), "{file} -> {site}");
            assert!(
                site.starts_with(content.section_site_path().as_str()),
                "{file} -> {site}"
            );
            assert_eq!(site.output_key(), format!("{site}index.html").as_str());
        }
    }
}

#[test]
fn a_source_is_an_entry_of_the_sources_page() {
    assert_eq!(SitePath::of_source("wired"), "sources/#wired");
}

#[test]
fn file_names_are_percent_encoded_and_slashes_kept() {
    for (file, url) in [
        ("css/site.css", "css/site.css"),
        ("css/my style.css", "css/my%20style.css"),
        ("a#b.css", "a%23b.css"),
        ("a?b.css", "a%3Fb.css"),
        ("a%20b.css", "a%2520b.css"),
        ("café/ü.css", "caf%C3%A9/%C3%BC.css"),
        ("Q&A.pdf", "Q&A.pdf"),
    ] {
        assert_eq!(url_encoded(file), url, "{file}");
    }
}

#[test]
fn a_bundle_index_is_the_page_of_its_folder_in_the_section_around_it() {
    for (content, site) in [
        ("gallery/index.md", "gallery/"),
        ("news/Lisbon Trip/index.md", "news/lisbon-trip/"),
        ("index.md", "index/"),
    ] {
        assert_eq!(
            ContentPath::new(content).default_site_path(),
            site,
            "{content}"
        );
    }
    assert_eq!(
        ContentPath::new("news/trip/index.md").section_site_path(),
        "news/"
    );
    assert_eq!(
        ContentPath::new("news/trip/index.md").page_site_path("own"),
        "news/own/"
    );
    assert!(!ContentPath::new("index.md").is_bundle_index());
}

#[test]
fn a_content_file_is_published_in_the_folder_its_page_or_section_has() {
    for (content, key) in [
        ("still.png", "still.png"),
        (
            "news/Lisbon Trip/Still 1.png",
            "news/lisbon-trip/Still 1.png",
        ),
        ("Partners & Co/chart.png", "partners-co/chart.png"),
    ] {
        assert_eq!(ContentPath::new(content).published_key(), key, "{content}");
    }
}

#[test]
fn relative_links_resolve_from_the_files_folder_and_never_above_content() {
    let page = ContentPath::new("news/trip/index.md");
    for (written, resolved) in [
        ("still.png", Some("news/trip/still.png")),
        ("./img/a.png", Some("news/trip/img/a.png")),
        ("../other.md", Some("news/other.md")),
        ("../../s/page.md", Some("s/page.md")),
        ("../", Some("news/")),
        ("../../", Some("")),
        ("../../../x.md", None),
        ("a/../../../../x.md", None),
    ] {
        assert_eq!(
            page.join_relative(written)
                .as_ref()
                .map(ContentPath::as_str),
            resolved,
            "{written}"
        );
    }
    assert_eq!(
        ContentPath::new("x.md").join_relative("../y.md"),
        None,
        "a file at the root has nothing above it"
    );
}

#[test]
fn a_content_path_is_written_relative_to_a_file_as_a_link_would() {
    for (target, from, written) in [
        ("news/other.md", "news/a.md", "other.md"),
        ("s/page.md", "news/trip/index.md", "../../s/page.md"),
        ("news/trip/still.png", "news/a.md", "trip/still.png"),
        ("top.md", "top2.md", "top.md"),
    ] {
        let target = ContentPath::new(target);
        assert_eq!(target.written_from(&ContentPath::new(from)), written);
        assert_eq!(
            ContentPath::new(from).join_relative(written),
            Some(target),
            "{written} from {from}"
        );
    }
}
