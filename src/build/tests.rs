//! Reuse decided by fingerprints: a build read by another session (other `Arc`s, the same
//! bytes) is judged exactly as the session's own rebuild is, and an edit of any one input
//! leaves unkept exactly what depends on it.

use std::collections::BTreeMap;
use std::path::Path;

use super::outputs::generate;
use super::reuse::{Since, invalidated, same_feed_and_sitemap, unchanged_page, unchanged_section};
use super::{Built, Changes, Outcome, Session, claims};
use crate::config::BuildOptions;
use crate::fingerprint::Fingerprint;
use crate::render::Templates;
use crate::render::{Generated, OutputKind};
use crate::site::Node;

const SITE: &[(&str, &str)] = &[
    (
        "site.toml",
        "title = \"Fingerprints\"\nbase_url = \"https://example.org/b/\"\n",
    ),
    (
        "templates/base.html",
        "<title>{{ config.title }}</title>{% block content %}{% endblock content %}",
    ),
    (
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}Home {{ section.content | safe }}{% for p in section.pages %}{{ p.title }}{% endfor %}{% endblock content %}",
    ),
    (
        "templates/section.html",
        "{% extends \"base.html\" %}{% block content %}List {{ section.content | safe }}{% for p in section.pages %}<a href=\"{{ p.path }}\">{{ p.title }}</a>{% endfor %}{% endblock content %}",
    ),
    (
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock content %}",
    ),
    (
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\nWelcome; see [the news](@/news/_index.md).\n",
    ),
    (
        "content/about.md",
        "+++\ntitle = \"About\"\naliases = [\"/old-about/\"]\n+++\nAbout us.\n",
    ),
    (
        "content/news/_index.md",
        "+++\ntitle = \"News\"\npaginate_by = 1\n+++\nWhat happened.\n",
    ),
    (
        "content/news/first.md",
        "+++\ntitle = \"First\"\ndate = \"2026-01-01\"\n+++\nFirst, then [the second](@/news/second.md).\n",
    ),
    (
        "content/news/second.md",
        "+++\ntitle = \"Second\"\ndate = \"2026-01-02\"\nslug = \"later\"\n+++\nSecond.\n",
    ),
];

/// Every field of the inputs, each named by the text whose first byte an edit changes: each
/// body, title, date, slug, alias and paginate_by, each template, the config's title and base
/// path.
const EDITS: &[(&str, &str)] = &[
    ("site.toml", "Fingerprints"),
    ("site.toml", "b/\""),
    ("templates/base.html", "title>"),
    ("templates/index.html", "Home"),
    ("templates/section.html", "List"),
    ("templates/page.html", "h1>"),
    ("content/_index.md", "Home"),
    ("content/_index.md", "Welcome"),
    ("content/about.md", "About\""),
    ("content/about.md", "About us"),
    ("content/about.md", "old-about"),
    ("content/news/_index.md", "1\n"),
    ("content/news/_index.md", "News"),
    ("content/news/_index.md", "What"),
    ("content/news/first.md", "First\""),
    ("content/news/first.md", "01-01"),
    ("content/news/first.md", "First,"),
    ("content/news/second.md", "Second\""),
    ("content/news/second.md", "02\""),
    ("content/news/second.md", "later"),
    ("content/news/second.md", "Second."),
];

fn write_site(root: &Path, edit: Option<(&str, &str)>) {
    for (path, text) in SITE {
        let mut bytes = text.as_bytes().to_vec();
        if let Some((file, needle)) = edit
            && file == *path
        {
            let at = text.find(needle).expect("the edit names text of the file");
            bytes[at] = if bytes[at] == b'9' {
                b'8'
            } else {
                bytes[at] + 1
            };
        }
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn start(root: &Path) -> (Session, std::sync::Arc<Built>) {
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    };
    match Session::start(options).unwrap() {
        (session, Outcome::Built(built)) => (session, built),
        (_, Outcome::Failed(problems)) => panic!("{problems:?}"),
    }
}

fn built(outcome: Outcome) -> std::sync::Arc<Built> {
    match outcome {
        Outcome::Built(built) => built,
        Outcome::Failed(problems) => panic!("{problems:?}"),
    }
}

fn templates(session: &Session) -> &Templates {
    session.templates.as_ref().unwrap()
}

/// Every reuse decision a rebuild makes, given the previous build and the new site.
#[derive(Debug, PartialEq)]
struct Decisions {
    page_values: Vec<Option<usize>>,
    section_values: Vec<Option<usize>>,
    renders: Vec<bool>,
    to_render: Vec<Node>,
    feed_and_sitemap: bool,
    claims: bool,
}

fn decisions(prev: &Built, next: &Built, templates: &Templates) -> Decisions {
    let site = &next.site;
    let page_values: Vec<Option<usize>> = (0..site.pages.len())
        .map(|i| unchanged_page(site, Some(prev), i))
        .collect();
    let section_values = (0..site.sections.len())
        .map(|i| unchanged_section(site, Some(prev), &page_values, i))
        .collect();
    let since = Since {
        templates: templates.changed_since(&prev.template_fingerprints),
        files: prev.asset_paths != next.asset_paths,
        data: false,
    };
    Decisions {
        renders: site
            .nodes()
            .map(|node| claims::same_render(&prev.site, site, node))
            .collect(),
        to_render: invalidated(prev, site, &next.values, &page_values, templates, &since),
        feed_and_sitemap: same_feed_and_sitemap(&prev.site, site),
        claims: prev.claims.made_for(site) && prev.claims.fingerprint == next.claims.fingerprint,
        page_values,
        section_values,
    }
}

/// Every fingerprint a build holds, by what it is of: what a stored manifest would keep.
fn fingerprints(built: &Built) -> BTreeMap<String, Option<Fingerprint>> {
    let site = &built.site;
    let mut all = BTreeMap::from([
        ("config".to_string(), Some(site.config.fingerprint)),
        ("layout".to_string(), Some(site.layout())),
        ("claims".to_string(), Some(built.claims.fingerprint)),
        (
            "templates".to_string(),
            Some(built.template_fingerprints.set),
        ),
    ]);
    for (name, fingerprint) in &built.template_fingerprints.each {
        all.insert(format!("template {name}"), Some(*fingerprint));
    }
    for node in site.nodes() {
        let doc = site.doc(node);
        all.insert(format!("file {}", doc.relative_path), doc.fingerprint);
        let rendered_from = site.rendered_from(node);
        all.insert(format!("render {}", doc.relative_path), rendered_from);
    }
    all
}

#[test]
fn separate_sessions_over_the_same_files_have_the_same_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), None);
    let (_, first) = start(dir.path());
    let (second_session, second) = start(dir.path());
    let stored = serde_json::to_string(&fingerprints(&first)).unwrap();
    assert!(
        !stored.contains("null"),
        "every fingerprint is known: {stored}"
    );
    assert_eq!(
        stored,
        serde_json::to_string(&fingerprints(&second)).unwrap()
    );
    // Nothing shares memory between the two, and yet a rebuild of one from the other keeps
    // everything.
    assert!(!std::sync::Arc::ptr_eq(
        &first.site.pages[0].doc,
        &second.site.pages[0].doc
    ));
    let kept = decisions(&first, &second, templates(&second_session));
    let site = &second.site;
    assert_eq!(
        kept.page_values,
        (0..site.pages.len()).map(Some).collect::<Vec<_>>()
    );
    assert_eq!(
        kept.section_values,
        (0..site.sections.len()).map(Some).collect::<Vec<_>>()
    );
    assert!(kept.renders.iter().all(|&same| same), "{kept:?}");
    assert_eq!(kept.to_render, []);
    assert!(kept.feed_and_sitemap && kept.claims, "{kept:?}");
}

#[test]
fn an_edit_is_judged_alike_by_the_session_and_by_a_separate_read() {
    for &(file, needle) in EDITS {
        let dir = tempfile::tempdir().unwrap();
        write_site(dir.path(), None);
        let (mut session, before) = start(dir.path());
        write_site(dir.path(), Some((file, needle)));
        let changes = match file.split_once('/') {
            Some(("content", relative)) => Changes {
                content: [crate::paths::ContentPath::new(relative)].into(),
                ..Changes::default()
            },
            Some(("templates", _)) => Changes {
                templates: true,
                ..Changes::default()
            },
            _ => Changes {
                config: true,
                ..Changes::default()
            },
        };
        let rebuilt = built(session.apply(&changes).unwrap());
        let (separate_session, separate) = start(dir.path());
        let by_session = decisions(&before, &rebuilt, templates(&session));
        let by_separate = decisions(&before, &separate, templates(&separate_session));
        assert_eq!(by_session, by_separate, "{file}: {needle}");
        exactly_what_depends_on_the_edit(&before, &separate, &by_separate, file);
    }
}

/// Each decision against what the edit of `file` can change: a page's or section's value is
/// kept unless its file, the config, a render it shows or a page it lists changed; a render is
/// kept unless its file, the base path or a URL it links to changed; whatever differs in the
/// output is rendered again; a sitemap and feed kept are the same bytes; the claims on the
/// output are kept unless a URL changed.
fn exactly_what_depends_on_the_edit(before: &Built, after: &Built, made: &Decisions, file: &str) {
    let (old, site) = (&before.site, &after.site);
    let config_edited = file == "site.toml";
    let edited = |node: Node| format!("content/{}", site.doc(node).relative_path) == file;
    let url = |s: &crate::site::Site, target: &str| {
        s.node(target).map(|n| s.config.url_path(s.site_path(n)))
    };
    let render_kept = |node: Node| {
        !edited(node)
            && old.config.base_path == site.config.base_path
            && site
                .rendered(node)
                .links
                .iter()
                .filter(|l| !l.target.is_empty())
                .all(|l| url(old, &l.target) == url(site, &l.target))
    };
    let renders: Vec<bool> = site.nodes().map(render_kept).collect();
    assert_eq!(made.renders, renders, "renders after an edit of {file}");
    let page_kept = |i: usize| {
        !config_edited
            && render_kept(Node::Page(i))
            && old.pages[i].site_path == site.pages[i].site_path
    };
    let pages: Vec<Option<usize>> = (0..site.pages.len())
        .map(|i| page_kept(i).then_some(i))
        .collect();
    assert_eq!(
        made.page_values, pages,
        "page values after an edit of {file}"
    );
    let sections: Vec<Option<usize>> = (0..site.sections.len())
        .map(|i| {
            let section = &site.sections[i];
            let kept = !config_edited
                && render_kept(Node::Section(i))
                && section.pages == old.sections[i].pages
                && section.pages.iter().all(|&p| page_kept(p));
            kept.then_some(i)
        })
        .collect();
    assert_eq!(
        made.section_values, sections,
        "section values after an edit of {file}"
    );
    // A page's or section's outputs: its own file, its aliases and pagers.
    let outputs = |s: &crate::site::Site, node: Node| -> Vec<crate::paths::OutputKey> {
        std::iter::once(OutputKind::of_node(node))
            .chain(OutputKind::beside(s, node))
            .map(|kind| kind.output_key(s))
            .collect()
    };
    for node in site.nodes() {
        for key in outputs(site, node) {
            if before.output.get(&key) != after.output.get(&key) {
                assert!(
                    made.to_render.contains(&node),
                    "{key} differs after an edit of {file}"
                );
            }
        }
    }
    if made.feed_and_sitemap {
        let same = [Generated::Feed, Generated::Sitemap]
            .into_iter()
            .all(|g| generate(g, old) == generate(g, site));
        assert!(same, "sitemap and feed kept after an edit of {file}");
    }
    let same_urls = site.nodes().all(|n| outputs(old, n) == outputs(site, n));
    assert_eq!(made.claims, same_urls, "claims after an edit of {file}");
}

/// A card is drawn once: an edit of a page's body makes the page again but keeps the card it
/// had; an edit of its title draws it anew.
#[test]
fn a_body_edit_keeps_the_card_and_a_title_edit_draws_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let write = |edit: Option<(&str, &str)>| {
        write_site(dir.path(), edit);
        let config = dir.path().join("site.toml");
        let text = std::fs::read_to_string(&config).unwrap() + "social_cards = true\n";
        std::fs::write(&config, text).unwrap();
    };
    write(None);
    let (mut session, first) = start(dir.path());
    let card = "news/first/card.png";
    let drawn = first
        .output
        .get(card)
        .expect("a card beside the page")
        .clone();
    assert_eq!(first.reused.cards, 0);
    let changes = Changes {
        content: [crate::paths::ContentPath::new("news/first.md")].into(),
        ..Changes::default()
    };
    write(Some(("content/news/first.md", "First,")));
    let body_edit = built(session.apply(&changes).unwrap());
    // Whatever the edit made again (the page, the lists it is in), no card was drawn.
    assert!(body_edit.rendered_pages >= 1);
    assert_eq!(
        body_edit.reused.cards, body_edit.rendered,
        "a card was drawn again"
    );
    assert_eq!(body_edit.output.get(card), Some(&drawn));
    write(Some(("content/news/first.md", "First\"")));
    let title_edit = built(session.apply(&changes).unwrap());
    assert_eq!(
        title_edit.reused.cards,
        title_edit.rendered - 1,
        "only its card is drawn"
    );
    assert_ne!(title_edit.output.get(card), Some(&drawn));
}
