//! The command line as an editor meets it: help, init, new, --quiet/--verbose, colour, watch.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, TestSite, stderr};

fn briefing(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn help_describes_every_command() {
    let help = String::from_utf8(briefing(&["--help"]).stdout).unwrap();
    for command in ["build", "serve", "watch", "check", "init", "new"] {
        assert!(
            help.contains(command),
            "{command} missing from --help:\n{help}"
        );
        let sub = briefing(&[command, "--help"]);
        assert!(sub.status.success(), "{command} --help failed");
        assert!(
            String::from_utf8_lossy(&sub.stdout).contains("Usage: briefing"),
            "{command}"
        );
    }
    let serve = String::from_utf8(briefing(&["serve", "--help"]).stdout).unwrap();
    assert!(
        serve.contains("127.0.0.1") && serve.contains("1111"),
        "{serve}"
    );
}

#[test]
fn init_makes_a_site_that_builds_at_once_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-site");
    let created = briefing(&["init", site.to_str().unwrap()]);
    assert!(created.status.success(), "{}", stderr(&created));
    let built = briefing(&["build", "--root", site.to_str().unwrap()]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(site.join("public/notes/first-note/index.html").is_file());
    // The starter's page bundle: its picture beside it, its relative links resolved.
    let bundle =
        std::fs::read_to_string(site.join("public/notes/pictured-note/index.html")).unwrap();
    assert!(site.join("public/notes/pictured-note/chart.svg").is_file());
    assert!(
        bundle.contains("src=\"/notes/pictured-note/chart.svg\""),
        "{bundle}"
    );
    assert!(bundle.contains("href=\"/notes/first-note/\""), "{bundle}");
    // The starter shows #14's Markdown: a shortcode, a callout, a summary marker, a footnote.
    assert!(
        bundle.contains("<aside class=\"callout callout-tip\""),
        "{bundle}"
    );
    let note = std::fs::read_to_string(site.join("public/notes/first-note/index.html")).unwrap();
    for expected in [
        "<aside class=\"callout callout-note\"",
        "<span id=\"continue-reading\"></span>",
        "class=\"footnote-backref\"",
    ] {
        assert!(note.contains(expected), "missing {expected:?} in\n{note}");
    }
    let checked = briefing(&["check", "--deny-warnings", "--root", site.to_str().unwrap()]);
    assert!(checked.status.success(), "{}", stderr(&checked));
    let again = briefing(&["init", site.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("never overwrites"));
}

#[test]
fn new_page_takes_its_sections_fields_and_never_overwrites() {
    let site = TestSite::briefing();
    let result = site.run(&["new", "partnerships/netflix-example.md"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let text = site.read("content/partnerships/netflix-example.md");
    assert!(text.contains("title = \"Netflix example\""), "{text}");
    assert!(text.contains("sources = []"), "{text}");
    assert!(
        text.contains("weight = 3"),
        "after the two existing partnerships: {text}"
    );
    for field in ["studio", "partner", "goal", "focus"] {
        assert!(
            text.contains(&format!("{field} = \"TODO\"")),
            "{field}: {text}"
        );
    }
    // Building it before its placeholders are replaced is refused: tests/desk.rs.
    let again = site.run(&["new", "partnerships/netflix-example.md"]);
    assert_eq!(
        again.status.code(),
        Some(1),
        "a user's mistake, not the machine's"
    );
    assert!(stderr(&again).contains("never overwrites"));
    assert_eq!(site.read("content/partnerships/netflix-example.md"), text);
    assert_eq!(site.run(&["new", "../outside.md"]).status.code(), Some(1));
}

#[test]
fn new_refuses_paths_a_build_would_not_publish_with_a_hint() {
    let site = TestSite::briefing();
    let inside = site.path("content/partnerships/abs.md");
    let long = format!("partnerships/{}.md", "a".repeat(300));
    let cases: [(&str, &[&str]); 9] = [
        (
            "/abs/p.md",
            &["/abs/p.md", "absolute path", "relative to content/"],
        ),
        (
            inside.to_str().unwrap(),
            &["absolute path", "briefing new partnerships/abs.md"],
        ),
        (
            "partnerships/.hidden.md",
            &["never content", "without the leading dot"],
        ),
        (".drafts/page.md", &["`.drafts`", "never be published"]),
        (&long, &["303 bytes long", "at most 255", "shorten"]),
        (
            "partnerships//p.md",
            &["empty part", "one `/` between names"],
        ),
        (
            "partnerships/deal.fr.md",
            &["translation (language `fr`)", "without `.fr`"],
        ),
        (
            "partnerships/A24-Google.md",
            &[
                "a24-google.md is already published at the URL",
                "differs in more than case",
            ],
        ),
        (
            "partnerships/a24_google.md",
            &["a24-google.md is already published at the URL"],
        ),
    ];
    for (path, expected) in cases {
        let result = site.run(&["new", path]);
        let message = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{path}: {message}");
        for part in expected {
            assert!(
                message.contains(part),
                "{path}: {part:?} missing from\n{message}"
            );
        }
        assert!(message.contains("help:"), "{message}");
    }
    assert!(!site.path("content/abs").exists() && !inside.exists());
    assert!(!site.path("content/partnerships/.hidden.md").exists());
}

#[test]
fn quiet_and_verbose() {
    let site = TestSite::fixture("basic");
    let quiet = site.run(&["--quiet", "build"]);
    assert!(quiet.status.success());
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty());
    let verbose = site.run(&["build", "--verbose"]);
    let out = String::from_utf8_lossy(&verbose.stdout);
    assert!(
        out.contains("timings: list") && out.contains(", read ") && out.contains("templates"),
        "{out}"
    );
}

#[test]
fn colour_only_on_terminals_or_when_forced() {
    let site = TestSite::fixture("basic");
    site.write("content/news/bad.md", "+++\ntitle = 1\n+++\n");
    let piped = Command::new(BIN)
        .args(["build", "--root"])
        .arg(&site.root)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(
        !piped.stderr.contains(&0x1b),
        "no escape codes when stderr is not a terminal"
    );
    let forced = Command::new(BIN)
        .args(["build", "--root"])
        .arg(&site.root)
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(
        forced.stderr.contains(&0x1b),
        "colour when forced, as on a terminal"
    );
    let no_color = Command::new(BIN)
        .args(["build", "--root"])
        .arg(&site.root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!no_color.stderr.contains(&0x1b));
}

#[test]
fn watch_rebuilds_into_the_output_dir() {
    let site = TestSite::fixture("basic");
    let mut child = common::Running::spawn(
        Command::new(BIN)
            .args(["watch", "--root"])
            .arg(&site.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while !lines.next().unwrap().unwrap().starts_with("Watching") {}
    std::thread::spawn(move || for _ in lines {});
    let page = site.path("public/news/first/index.html");
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .contains("More details")
    );
    site.replace("content/news/first.md", "More details", "Watched edit");
    site.write(
        "content/news/third.md",
        "+++\ntitle = \"Third\"\nsources = [\"report\"]\n+++\nNew.\n",
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    while !(std::fs::read_to_string(&page)
        .unwrap_or_default()
        .contains("Watched edit")
        && site.path("public/news/third/index.html").exists())
    {
        assert!(
            Instant::now() < deadline,
            "watch did not rebuild into public/"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::remove_file(site.path("content/news/third.md")).unwrap();
    while site.path("public/news/third/index.html").exists() {
        assert!(Instant::now() < deadline, "a deleted page stays in public/");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(child);
    // What watch left on disk is exactly a clean build of the same files.
    let clean = site.build_into("clean", &[]);
    assert!(
        common::snapshot_with_modes(&site.path("public")) == common::snapshot_with_modes(&clean),
        "watch's output differs from a clean build, in bytes or permissions"
    );
}

/// `init` and `new` write only inside the site: a file where a directory must go, or a link
/// out of the site on the way, is refused before anything is written.
#[test]
fn init_and_new_never_write_through_a_link_out_or_leave_half_a_site() {
    use std::os::unix::fs::symlink;

    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    type Obstacle = fn(&std::path::Path, &std::path::Path);
    let cases: [(&str, Obstacle, &str); 3] = [
        (
            "content is a file",
            |site, _| std::fs::write(site.join("content"), "a file").unwrap(),
            "this is a file",
        ),
        (
            "templates links out",
            |site, outside| symlink(outside, site.join("templates")).unwrap(),
            "leads out of the site",
        ),
        (
            "static dangles out",
            |site, outside| symlink(outside.join("not-yet"), site.join("static")).unwrap(),
            "leads out of the site",
        ),
    ];
    for (name, obstacle, expected) in cases {
        let site = dir.path().join(name.replace(' ', "-"));
        std::fs::create_dir(&site).unwrap();
        obstacle(&site, &outside);
        let before: Vec<_> = walkdir::WalkDir::new(&site)
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .collect();
        let result = briefing(&["init", site.to_str().unwrap()]);
        let message = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{name}: {message}");
        assert!(message.contains(expected), "{name}: {message}");
        let after: Vec<_> = walkdir::WalkDir::new(&site)
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .collect();
        assert_eq!(before, after, "{name}: init wrote part of a site");
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0, "{name}");
    }

    let site = TestSite::fixture("basic");
    std::fs::remove_dir_all(site.path("content/about")).unwrap();
    symlink(&outside, site.path("content/about")).unwrap();
    let result = site.run(&["new", "about/team.md"]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(stderr(&result).contains("leads out of the site"));
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
}

#[test]
fn new_page_bundle_is_named_by_its_folder_and_takes_no_slug() {
    let site = TestSite::fixture("basic");
    site.replace(
        "content/news/first.md",
        "title = \"First story\"\n",
        "title = \"First story\"\nslug = \"first\"\n",
    );
    let result = site.run(&["new", "news/lisbon-trip/index.md"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let text = site.read("content/news/lisbon-trip/index.md");
    assert!(text.contains("title = \"Lisbon trip\""), "{text}");
    assert!(
        text.contains("sources = []"),
        "the section's fields: {text}"
    );
    assert!(!text.contains("slug"), "a bundle cannot set a slug: {text}");
    // Written as an editor would: no placeholder left.
    let written = text
        .replace("TODO: one sentence on what this page covers", "A trip.")
        .replace("TODO: write the page here.", "The trip.");
    site.write("content/news/lisbon-trip/index.md", written);
    let out = site.build_into("public", &[]);
    assert!(out.join("news/lisbon-trip/index.html").is_file());
}

/// `init` onto a file (or a link to nowhere) is the user's mistake, exit 1 with a hint, not a
/// failure of the machine; nothing is written.
#[test]
fn init_onto_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    let dangling = dir.path().join("gone");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    for target in [&file, &dangling] {
        let result = briefing(&["init", target.to_str().unwrap()]);
        let message = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{message}");
        assert!(
            message.contains("a new site cannot be made in it") && message.contains("help:"),
            "{message}"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    assert!(!dir.path().join("nowhere").exists());
}
