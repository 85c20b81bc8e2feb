//! One rule for symbolic links in content/, static/ and templates/: a link to a file or a
//! directory inside the site root is followed; a link out of the root, a link into the output
//! directory, a dangling link and a loop fail the build with a message naming the link and its target. Nothing is dropped
//! without a word.

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;

use common::{TestSite, stderr, wait_for_text};

#[derive(Debug, Clone, Copy)]
enum Case {
    FileInside,
    DirInside,
    Outside,
    IntoOutput,
    Dangling,
    Loop,
}

const DIRS: [&str; 3] = ["content", "static", "templates"];
const CASES: [Case; 6] = [
    Case::FileInside,
    Case::DirInside,
    Case::Outside,
    Case::IntoOutput,
    Case::Dangling,
    Case::Loop,
];

const MARKER: &str = "linked-in-marker";

fn link(target: impl AsRef<Path>, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    symlink(target, at).unwrap();
}

/// Makes the case in `dir`; returns the link's path (relative to the root) and what a working
/// link must show in the built site, or what a refused one's message must say.
fn set_up(site: &TestSite, dir: &str, case: Case) -> (String, Vec<String>) {
    // Linked files live in the site root, outside the three directories.
    let page = format!("+++\ntitle = \"Linked\"\nsources = [\"report\"]\n+++\n{MARKER}\n");
    let page_template = site.read("templates/page.html").replace(
        "{% block content %}",
        &format!("{{% block content %}}{MARKER}"),
    );
    match (case, dir) {
        (Case::FileInside, "content") => {
            site.write("shared/linked.md", page);
            link(
                "../../shared/linked.md",
                &site.path("content/news/linked.md"),
            );
            (
                "content/news/linked.md".into(),
                vec!["news/linked/index.html".into()],
            )
        }
        (Case::FileInside, "static") => {
            site.write("shared/linked.css", MARKER);
            link("../shared/linked.css", &site.path("static/linked.css"));
            ("static/linked.css".into(), vec!["linked.css".into()])
        }
        (Case::FileInside, _) => {
            site.write("shared/page.html", page_template);
            std::fs::remove_file(site.path("templates/page.html")).unwrap();
            link("../shared/page.html", &site.path("templates/page.html"));
            (
                "templates/page.html".into(),
                vec!["news/first/index.html".into()],
            )
        }
        (Case::DirInside, "content") => {
            site.write("shared/extra/_index.md", "+++\ntitle = \"Extra\"\n+++\n");
            site.write("shared/extra/linked.md", page);
            link("../shared/extra", &site.path("content/extra"));
            (
                "content/extra".into(),
                vec!["extra/linked/index.html".into()],
            )
        }
        (Case::DirInside, "static") => {
            site.write("shared/img/linked.svg", MARKER);
            link("../shared/img", &site.path("static/img"));
            ("static/img".into(), vec!["img/linked.svg".into()])
        }
        (Case::DirInside, _) => {
            site.write("shared/partials/marker.html", MARKER);
            link("../shared/partials", &site.path("templates/partials"));
            site.replace(
                "templates/page.html",
                "{% block content %}",
                "{% block content %}{% include \"partials/marker.html\" %}",
            );
            (
                "templates/partials".into(),
                vec!["news/first/index.html".into()],
            )
        }
        (Case::Outside, _) => {
            let outside = site.root.parent().unwrap().join("outside.html");
            std::fs::write(&outside, MARKER).unwrap();
            let at = format!("{dir}/outside.html");
            link(&outside, &site.path(&at));
            let target = outside.display().to_string();
            (at, vec!["points outside the site".into(), target])
        }
        (Case::IntoOutput, _) => {
            // The output is inside the root, but what is built must never be an input: the
            // next output would hold the last, and grow with every build.
            assert!(site.run(&["build"]).status.success());
            let at = format!("{dir}/built");
            link("../public", &site.path(&at));
            // Refused before anything is read: the output holds what a link makes a source.
            (at, vec!["refusing to use".into(), "links to".into()])
        }
        (Case::Dangling, _) => {
            let at = format!("{dir}/dangling.html");
            link("missing.html", &site.path(&at));
            (
                at,
                vec!["points to missing.html, which does not exist".into()],
            )
        }
        (Case::Loop, _) => {
            // Two links that point at each other, and a directory link to its own parent.
            link("loop-b.html", &site.path(&format!("{dir}/loop-a.html")));
            link("loop-a.html", &site.path(&format!("{dir}/loop-b.html")));
            link("..", &site.path(&format!("{dir}/sub/up")));
            (
                format!("{dir}/loop-a.html"),
                vec![
                    "points to loop-b.html, which leads back to itself".into(),
                    format!("{dir}/sub/up"),
                    "(a loop)".into(),
                ],
            )
        }
    }
}

#[test]
fn every_directory_follows_one_rule_for_links() {
    let mut failures = Vec::new();
    for dir in DIRS {
        for case in CASES {
            let site = TestSite::fixture("basic");
            let (at, expect) = set_up(&site, dir, case);
            let result = site.run(&["build"]);
            let message = stderr(&result);
            let label = format!("{dir} x {case:?} ({at})");
            match case {
                Case::FileInside | Case::DirInside => {
                    if !result.status.success() {
                        failures.push(format!("{label}: failed\n{message}"));
                        continue;
                    }
                    let built = site.read(&format!("public/{}", expect[0]));
                    if !built.contains(MARKER) {
                        failures.push(format!("{label}: the linked file is not in the output"));
                    }
                }
                Case::Outside | Case::IntoOutput | Case::Dangling | Case::Loop => {
                    if result.status.code() != Some(1) {
                        failures.push(format!(
                            "{label}: exit {:?}\n{message}",
                            result.status.code()
                        ));
                    }
                    for part in std::iter::once(&at).chain(&expect) {
                        if !message.contains(part.as_str()) {
                            failures.push(format!("{label}: {part:?} missing\n{message}"));
                        }
                    }
                    if !message.contains("help:") {
                        failures.push(format!("{label}: no hint\n{message}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The same links, met by `serve`'s and `watch`'s rebuilds, follow the same rule: a link out
/// of the site added to static/ while watching fails the rebuild, a link inside is copied.
#[test]
fn links_added_while_watching_follow_the_rule() {
    use std::time::{Duration, Instant};

    let site = TestSite::fixture("basic");
    let outside = site.root.parent().unwrap().join("outside.css");
    std::fs::write(&outside, "secret").unwrap();
    site.write("shared/inside.css", MARKER);
    let mut watch = common::Watch::start(&site, &[]);
    let deadline = Instant::now() + Duration::from_secs(15);
    symlink(&outside, site.path("static/outside.css")).unwrap();
    let seen = watch.text_until("Build failed", Duration::from_secs(15));
    assert!(
        seen.contains("static/outside.css") && seen.contains("points outside the site"),
        "no message for the link:\n{seen}"
    );
    assert!(!site.path("public/outside.css").exists());
    std::fs::remove_file(site.path("static/outside.css")).unwrap();
    symlink("../shared/inside.css", site.path("static/inside.css")).unwrap();
    while std::fs::read_to_string(site.path("public/inside.css")).unwrap_or_default() != MARKER {
        assert!(Instant::now() < deadline, "the link inside was not copied");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A link into the output, made while watching: refused, or each build would copy the last.
    symlink("../public", site.path("static/built")).unwrap();
    let seen = watch.text_until("Build failed", Duration::from_secs(15));
    assert!(
        seen.contains("static/built") && seen.contains("points into the output directory"),
        "no message for the link into the output:\n{seen}"
    );
    assert!(!site.path("public/built").exists());
}

/// Editing what a link points to is editing the linked file: `watch` rebuilds, for a link that
/// was there when it started and for one added since, to a file or into a directory.
#[test]
fn editing_a_link_target_while_watching_rebuilds() {
    use std::time::Duration;

    let site = TestSite::fixture("basic");
    site.write(
        "shared/linked.md",
        "+++\ntitle = \"Linked\"\n+++\nfirst text\n",
    );
    site.write("shared/img/logo.svg", "<svg>first</svg>");
    link(
        "../../shared/linked.md",
        &site.path("content/news/linked.md"),
    );
    let watch = common::Watch::start(&site, &[]);
    let wait_for = |path: &str, text: &str| wait_for_text(&site, path, text);
    wait_for("public/news/linked/index.html", "first text");
    // Saved the way editors save: a new file renamed over the old one.
    site.write(
        "shared/linked.md.tmp",
        "+++\ntitle = \"Linked\"\n+++\nsecond text\n",
    );
    std::fs::rename(
        site.path("shared/linked.md.tmp"),
        site.path("shared/linked.md"),
    )
    .unwrap();
    wait_for("public/news/linked/index.html", "second text");
    // A link added while watching, into a directory: its files are watched from then on.
    link("../shared/img", &site.path("static/img"));
    wait_for("public/img/logo.svg", "first");
    std::thread::sleep(Duration::from_millis(300));
    site.write("shared/img/logo.svg", "<svg>second</svg>");
    wait_for("public/img/logo.svg", "second");
    // The same link pointed at another directory: that one is watched from then on.
    site.write("shared/img2/logo.svg", "<svg>third</svg>");
    std::fs::remove_file(site.path("static/img")).unwrap();
    link("../shared/img2", &site.path("static/img"));
    wait_for("public/img/logo.svg", "third");
    std::thread::sleep(Duration::from_millis(300));
    site.write("shared/img2/logo.svg", "<svg>fourth</svg>");
    wait_for("public/img/logo.svg", "fourth");
    drop(watch.process);
}

/// Links through links, links inside a linked directory, and a link whose target is made only
/// later: `watch` sees every change a fresh build would read.
#[test]
fn chains_of_links_and_links_made_whole_later_are_watched_too() {
    use std::time::Duration;

    let site = TestSite::fixture("basic");
    site.write("brand/logo.svg", "<svg>b1</svg>");
    site.write("brand2/logo.svg", "<svg>c1</svg>");
    site.write("brand/inner.svg", "<svg>i1</svg>");
    // static/logo.svg -> assets/logo.svg -> brand/logo.svg
    link("../brand/logo.svg", &site.path("assets/logo.svg"));
    link("../assets/logo.svg", &site.path("static/logo.svg"));
    // static/assets -> assets/, which holds a link of its own to brand/inner.svg
    link("../brand/inner.svg", &site.path("assets/inner.svg"));
    link("../assets", &site.path("static/assets"));
    let watch = common::Watch::start(&site, &[]);
    let wait_for = |path: &str, text: &str| wait_for_text(&site, path, text);
    wait_for("public/logo.svg", "b1");
    // The middle of the chain pointed elsewhere.
    std::fs::remove_file(site.path("assets/logo.svg")).unwrap();
    link("../brand2/logo.svg", &site.path("assets/logo.svg"));
    wait_for("public/logo.svg", "c1");
    // The new end of the chain edited.
    std::thread::sleep(Duration::from_millis(200));
    site.write("brand2/logo.svg", "<svg>c2</svg>");
    wait_for("public/logo.svg", "c2");
    // A link inside a linked directory: its target edited.
    site.write("brand/inner.svg", "<svg>i2</svg>");
    wait_for("public/assets/inner.svg", "i2");
    // A link to what does not exist yet fails the build; making it mends the site.
    link("../later/soon.svg", &site.path("static/soon.svg"));
    std::thread::sleep(Duration::from_millis(500));
    assert!(!site.path("public/soon.svg").exists());
    site.write("later/soon.svg", "<svg>here</svg>");
    wait_for("public/soon.svg", "here");
    drop(watch);
}
