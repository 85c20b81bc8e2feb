//! The corrections log: `[[corrections]]` in a page's front matter shown on the page, in its
//! feed entry and JSON-LD, on /corrections/ and in the sitemap; every mistake in one reported
//! where it is written; and `check --since GIT_REF`, run against real git repositories.

mod common;

use std::path::Path;
use std::process::Command;

use common::{
    BIN, TestSite, Watch, assert_watch_equals_clean_build, failed_build, server, stderr,
    wait_for_text, wait_until,
};

const PAGE: &str = "content/partnerships/lionsgate-runway.md";

/// Two corrections, the newer written second, added to a page of a copy of the briefing.
fn corrected_briefing() -> TestSite {
    let site = TestSite::briefing();
    site.replace(
        PAGE,
        "[taxonomies]",
        "[[corrections]]\ndate = 2026-11-25\nnote = \"An earlier version named the wrong partner.\"\n\n\
         [[corrections]]\ndate = 2026-11-27\nnote = \"The scope said <b>VFX</b> & editing in the wrong order.\"\n\n\
         [taxonomies]",
    );
    site
}

fn read(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json_ld(html: &str) -> serde_json::Value {
    let json = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("a JSON-LD script");
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

#[test]
fn a_corrected_page_shows_the_newest_at_the_top_and_every_one_at_the_end() {
    let site = corrected_briefing();
    let out = site.build_into("out", &[]);
    let html = read(&out, "partnerships/lionsgate-runway/index.html");
    let notice = html
        .split("<aside class=\"correction-notice\"")
        .nth(1)
        .and_then(|rest| rest.split("</aside>").next())
        .expect("a correction notice");
    assert!(
        notice.contains("<strong id=\"correction-notice-title\">Correction</strong>, <time datetime=\"2026-11-27\">27 November 2026</time>: The scope said &lt;b&gt;VFX&lt;/b&gt; &amp; editing"),
        "{notice}"
    );
    // The notice comes before the text, the log after it, newest first, under a heading.
    let (notice_at, text_at) = (
        html.find("correction-notice").unwrap(),
        html.find("Lionsgate recently announced").unwrap(),
    );
    let log_at = html
        .find("<h2 id=\"page-corrections\">Corrections</h2>")
        .unwrap();
    assert!(notice_at < text_at && text_at < log_at);
    let log = &html[log_at..];
    let newer = log.find("<time datetime=\"2026-11-27\">").unwrap();
    let older = log
        .find("<time datetime=\"2026-11-25\">25 November 2026</time>")
        .unwrap();
    assert!(newer < older, "{log}");
    assert!(html.contains("Last updated <time datetime=\"2026-11-27\">"));
    let ld = json_ld(&html);
    assert_eq!(ld["dateModified"], "2026-11-27");
    assert_eq!(ld["datePublished"], "2026-11-24");
    assert_eq!(ld["correction"][0]["@type"], "CorrectionComment");
    assert_eq!(ld["correction"][0]["datePublished"], "2026-11-27");
    assert_eq!(
        ld["correction"][1]["text"],
        "An earlier version named the wrong partner."
    );
    // An uncorrected page has no notice, no log and no `correction`.
    let other = read(&out, "partnerships/a24-google/index.html");
    assert!(!other.contains("correction-notice") && !other.contains("page-corrections"));
    assert!(json_ld(&other).get("correction").is_none());
}

#[test]
fn the_feed_entry_is_updated_and_leads_with_the_correction() {
    let site = corrected_briefing();
    let out = site.build_into("out", &[]);
    let feed = read(&out, "atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let entry = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .find(|e| {
            e.descendants()
                .any(|n| n.has_tag_name("id") && n.text().unwrap().ends_with("/lionsgate-runway/"))
        })
        .expect("the page's entry");
    let child = |name: &str| {
        entry
            .children()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .unwrap()
            .to_string()
    };
    assert_eq!(child("published"), "2026-11-24T00:00:00Z");
    assert_eq!(child("updated"), "2026-11-27T00:00:00Z");
    assert!(
        child("summary").starts_with("<p><strong>Correction</strong> (2026-11-27): The scope said &lt;b&gt;VFX&lt;/b&gt; &amp; editing in the wrong order.</p>\n<p>Lionsgate recently announced"),
        "{}",
        child("summary")
    );
}

#[test]
fn the_corrections_page_lists_every_one_newest_first_and_is_in_the_sitemap_and_footer() {
    let site = corrected_briefing();
    site.replace(
        "content/partnerships/a24-google.md",
        "[taxonomies]",
        "[[corrections]]\ndate = 2026-11-26\nnote = \"A date was a day off.\"\n\n[taxonomies]",
    );
    let out = site.build_into("out", &[]);
    let page = read(&out, "corrections/index.html");
    let order: Vec<usize> = [
        "<time datetime=\"2026-11-27\">",
        "<time datetime=\"2026-11-26\">",
        "<time datetime=\"2026-11-25\">",
    ]
    .iter()
    .map(|t| {
        page.find(t)
            .unwrap_or_else(|| panic!("{t} missing:\n{page}"))
    })
    .collect();
    assert!(order.is_sorted(), "{page}");
    assert!(
        page.contains("<a href=\"/partnerships/a24-google/\">"),
        "{page}"
    );
    assert!(page.contains("<a href=\"/partnerships/lionsgate-runway/\">"));
    assert!(!page.contains("No corrections."));
    let sitemap = read(&out, "sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://briefing.example.org/corrections/</loc>\n    <lastmod>2026-11-27</lastmod>"),
        "{sitemap}"
    );
    assert!(read(&out, "index.html").contains("<a href=\"/corrections/\">Corrections</a>"));
    common::assert_links_resolve(&out, "https://briefing.example.org", "/");
    assert_eq!(
        common::snapshot(&out),
        common::snapshot(&site.build_into("again", &[])),
        "two builds differ"
    );
    let checked = site.run(&["check", "--deny-warnings"]);
    assert!(checked.status.success(), "{}", stderr(&checked));
}

#[test]
fn without_corrections_the_page_says_so() {
    // The shipped briefing has none (it invents none), and a site without the template gets
    // the built-in one.
    let briefing = TestSite::briefing();
    let out = briefing.build_into("out", &[]);
    assert!(read(&out, "corrections/index.html").contains("<p>No corrections.</p>"));
    let basic = TestSite::fixture("basic");
    assert!(!basic.path("templates/corrections.html").exists());
    let out = basic.build_into("out", &[]);
    let page = read(&out, "corrections/index.html");
    assert!(page.contains("<h1>Corrections</h1>") && page.contains("No corrections."));
    // With a correction, the built-in page lists it.
    basic.replace(
        "content/news/second.md",
        "+++\nA second",
        "[[corrections]]\ndate = 2026-11-23\nnote = \"Fixed.\"\n+++\nA second",
    );
    let out = basic.build_into("out", &[]);
    let page = read(&out, "corrections/index.html");
    assert!(
        page.contains("<time datetime=\"2026-11-23\">2026-11-23</time>, <a href=\"/news/second/\">Second story</a>: Fixed."),
        "{page}"
    );
}

#[test]
fn every_mistake_in_a_correction_is_reported_where_it_is_written() {
    let site = TestSite::fixture("basic");
    site.build_into("public", &[]);
    let before = common::snapshot(&site.path("public"));
    site.replace(
        "content/news/second.md",
        "+++\nA second",
        "\n[[corrections]]\ndate = 2026-11-23\nnotes = \"Misspelt key.\"\n\
         \n[[corrections]]\ndate = \"last week\"\nnote = \"A date that is not one.\"\n\
         \n[[corrections]]\nnote = \"No date.\"\n\
         \n[[corrections]]\ndate = 2026-11-24\nnote = \"  \"\n\
         \n[[corrections]]\ndate = 2026-11-24\nnote = 7\n+++\nA second",
    );
    let err = failed_build(&site);
    for expected in [
        "error: unknown field `notes` in a correction, expected `date` or `note`\n --> content/news/second.md:8:1",
        "help: did you mean `note`?",
        "error: this correction has no `note`\n --> content/news/second.md:6:1",
        "error: `last week` is not a valid date",
        "--> content/news/second.md:11:8",
        "error: this correction has no `date`\n  --> content/news/second.md:14:1",
        "error: the note of a correction is empty\n  --> content/news/second.md:19:8",
        "error: a correction's note must be text in quotes, found integer\n  --> content/news/second.md:23:8",
        "6 errors",
    ] {
        assert!(err.contains(expected), "{expected:?} missing from:\n{err}");
    }
    assert_eq!(common::snapshot(&site.path("public")), before);
    // Not a list of tables: TOML's own message, at the value.
    site.replace(
        "content/news/second.md",
        "\n[[corrections]]\ndate = 2026-11-23\n",
        "corrections = \"none\"\n[[x]]\ndate = 2026-11-23\n",
    );
    let err = failed_build(&site);
    assert!(err.contains("content/news/second.md:"), "{err}");
}

#[test]
fn a_page_or_section_at_corrections_clashes_with_the_generated_page() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/corrections/_index.md",
        "+++\ntitle = \"Ours\"\n+++\n",
    );
    let err = failed_build(&site);
    assert!(err.contains("corrections/index.html"), "{err}");
    assert!(err.contains("[[corrections]]"), "{err}");
}

/// Everything in the site committed, in a git repository at its root (made the first time).
fn committed(site: &TestSite) {
    if !site.path(".git").exists() {
        git(site, &["init", "--quiet", "--initial-branch=main"]);
    }
    git(site, &["add", "--all"]);
    git(
        site,
        &[
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "commit",
            "--quiet",
            "--message=published",
        ],
    );
}

fn git(site: &TestSite, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(&site.root)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", &site.root)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// `check --since` with no git repository above the site (the temporary directory's parent is
/// the ceiling), so the test does not depend on where temporary files live.
fn check_since(site: &TestSite, reference: &str, extra: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["check", &format!("--since={reference}"), "--root"])
        .arg(&site.root)
        .args(extra)
        .env("NO_COLOR", "1")
        .env("GIT_CEILING_DIRECTORIES", site.root.parent().unwrap())
        .output()
        .unwrap()
}

#[test]
fn check_since_lists_a_page_whose_text_changed_without_a_correction() {
    let site = TestSite::fixture("basic");
    committed(&site);
    let clean = check_since(&site, "main", &["--deny-warnings"]);
    assert!(clean.status.success(), "{}", stderr(&clean));
    // The text changes; a new page and a changed front matter alone are not listed.
    site.replace("content/news/second.md", "\nText.", "\nText, corrected.");
    site.replace("content/news/first.md", "title = \"", "title = \"Re: ");
    site.write(
        "content/news/third.md",
        "+++\ntitle = \"Third\"\nsources = [\"report\"]\n+++\nNew.\n",
    );
    let result = check_since(&site, "main", &[]);
    let err = stderr(&result);
    assert!(result.status.success(), "a warning: {err}");
    assert!(
        err.contains("warning[BR0203]: the text of this page changed since `main`, with no new correction and no later `updated`\n  --> content/news/second.md:10:1"),
        "{err}"
    );
    assert!(err.contains("0 errors, 1 warning"), "{err}");
    assert_eq!(
        check_since(&site, "main", &["--deny-warnings"])
            .status
            .code(),
        Some(1)
    );
    // A correction marks it...
    site.replace(
        "content/news/second.md",
        "+++\nA second",
        "[[corrections]]\ndate = 2026-11-23\nnote = \"Corrected the text.\"\n+++\nA second",
    );
    let marked = check_since(&site, "main", &["--deny-warnings"]);
    assert!(marked.status.success(), "{}", stderr(&marked));
    // ... and so does a later `updated`, once that correction is committed and the text
    // changes again.
    committed(&site);
    site.replace("content/news/second.md", "Text, corrected.", "Text again.");
    assert_eq!(check_since(&site, "HEAD", &[]).status.code(), Some(0));
    assert!(stderr(&check_since(&site, "HEAD", &[])).contains("BR0203"));
    site.replace(
        "content/news/second.md",
        "date = 2026-11-22",
        "date = 2026-11-22\nupdated = 2026-11-28",
    );
    let updated = check_since(&site, "HEAD", &["--deny-warnings"]);
    assert!(updated.status.success(), "{}", stderr(&updated));
    // Against the first commit, the correction made since marks the change.
    assert!(stderr(&check_since(&site, "HEAD~1", &[])).is_empty());
    // A new correction marks a change even when it is dated before the page's `updated`.
    committed(&site);
    site.replace("content/news/second.md", "Text again.", "Text once more.");
    assert!(stderr(&check_since(&site, "HEAD", &[])).contains("BR0203"));
    site.replace(
        "content/news/second.md",
        "+++\nA second",
        "[[corrections]]\ndate = 2026-11-25\nnote = \"Found later.\"\n+++\nA second",
    );
    let backdated = check_since(&site, "HEAD", &["--deny-warnings"]);
    assert!(backdated.status.success(), "{}", stderr(&backdated));
}

#[test]
fn check_since_outside_git_or_with_an_unknown_reference_says_so() {
    let site = TestSite::fixture("basic");
    let result = check_since(&site, "main", &[]);
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{err}");
    assert!(
        err.contains("`check --since` compares with git, and this site is not in a git repository"),
        "{err}"
    );
    assert!(err.contains("help: run `git init`"), "{err}");
    committed(&site);
    let result = check_since(&site, "no-such-branch", &[]);
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{err}");
    assert!(
        err.contains("git knows no commit `no-such-branch`"),
        "{err}"
    );
    // Nothing written after --since reaches git as an option.
    let result = check_since(&site, "--output=stolen", &[]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(stderr(&result).contains("git knows no commit `--output=stolen`"));
    assert!(!site.path("stolen").exists());
    // Without git on the PATH: the machine cannot answer (exit 2), and says what is missing.
    let result = Command::new(BIN)
        .args(["check", "--since", "main", "--root"])
        .arg(&site.root)
        .env("PATH", site.path("no-bin"))
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("needs the git program"),
        "{}",
        stderr(&result)
    );
}

#[test]
fn watch_and_serve_update_the_corrections_page_as_corrections_come_and_go() {
    let site = TestSite::fixture("basic");
    let correction = "[[corrections]]\ndate = 2026-11-23\nnote = \"Watched fix.\"\n+++\nA second";
    let watch = Watch::start(&site, &[]);
    wait_for_text(&site, "public/corrections/index.html", "No corrections.");
    site.replace("content/news/second.md", "+++\nA second", correction);
    wait_for_text(&site, "public/corrections/index.html", "Watched fix.");
    wait_for_text(&site, "public/atom.xml", "2026-11-23T00:00:00Z");
    site.replace("content/news/second.md", "Watched fix.", "Edited fix.");
    wait_for_text(&site, "public/corrections/index.html", "Edited fix.");
    assert_watch_equals_clean_build(&site, watch);

    let server = server::start(&site, &[]);
    assert!(
        server::get(server.port, "/corrections/")
            .body
            .contains("Edited fix.")
    );
    site.replace(
        "content/news/second.md",
        correction.replace("Watched", "Edited").as_str(),
        "+++\nA second",
    );
    wait_until("the preview's /corrections/ to empty", || {
        server::get(server.port, "/corrections/")
            .body
            .contains("No corrections.")
    });
}

#[test]
fn yaml_front_matter_carries_corrections_too() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/second.md",
        "---\ntitle: Second story\ndate: 2026-11-22\nsources: [report]\ncorrections:\n  - date: 2026-11-24\n    note: Fixed in YAML.\n---\nA second story.\n",
    );
    let out = site.build_into("out", &[]);
    assert!(
        read(&out, "corrections/index.html")
            .contains("<a href=\"/news/second/\">Second story</a>: Fixed in YAML.")
    );
    site.replace(
        "content/news/second.md",
        "    note: Fixed in YAML.\n",
        "    nte: Fixed in YAML.\n",
    );
    let err = failed_build(&site);
    assert!(err.contains("unknown field `nte` in a correction"), "{err}");
    // YAML's positions are a key's: the caret is at the list of corrections.
    assert!(err.contains("--> content/news/second.md:6:3"), "{err}");
}

#[test]
fn check_since_follows_a_page_moved_into_a_bundle() {
    let site = TestSite::fixture("basic");
    committed(&site);
    std::fs::create_dir_all(site.path("content/news/second")).unwrap();
    git(
        &site,
        &[
            "mv",
            "content/news/second.md",
            "content/news/second/index.md",
        ],
    );
    site.replace(
        "content/news/second/index.md",
        "\nText.",
        "\nText, corrected.",
    );
    site.replace(
        "content/news/first.md",
        "@/news/second.md",
        "@/news/second/index.md",
    );
    let err = stderr(&check_since(&site, "main", &[]));
    assert!(
        err.contains("warning[BR0203]") && err.contains("content/news/second/index.md"),
        "{err}"
    );
}

/// What `check --since` compares is what a reader sees: a page saved with CRLF line endings,
/// rewrapped or with spaces added is not changed; a word changed among them is, at its line.
#[test]
fn check_since_ignores_line_endings_and_whitespace() {
    let site = TestSite::fixture("basic");
    committed(&site);
    let page = "content/news/second.md";
    let text = site.read(page);
    let (front, body) = text.split_at(text.rfind("+++\n").unwrap() + 4);
    let unseen: [(&str, String); 4] = [
        ("CRLF", text.replace('\n', "\r\n")),
        (
            "trailing spaces",
            format!(
                "{front}{}",
                body.replace('\n', "  \n").replace("  \n\n", "\n\n")
            ),
        ),
        (
            "spaces between words",
            format!("{front}{}", body.replace(' ', "   ")),
        ),
        ("a blank line at the end", format!("{text}\n\n")),
    ];
    for (name, edited) in unseen {
        site.write(page, &edited);
        let result = check_since(&site, "main", &["--deny-warnings"]);
        assert!(result.status.success(), "{name}: {}", stderr(&result));
    }
    let crlf = text
        .replace('\n', "\r\n")
        .replace("\r\nText.", "\r\nText,  changed.");
    site.write(page, &crlf);
    let result = check_since(&site, "main", &[]);
    assert!(
        stderr(&result).contains("--> content/news/second.md:10:1"),
        "{}",
        stderr(&result)
    );
}
