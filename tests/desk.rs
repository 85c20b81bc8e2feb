//! The editorial desk's dates, through the real binary: `--now`, embargoes (`publish_date`),
//! expiry (`expiry_date`), the preview's embargo banner, and review dates (`reviewed`,
//! `review_by`, `check --stale`).

mod common;

use std::io::Read as _;
use std::process::Stdio;

use common::server::{get, start};
use common::{Running, TestSite, snapshot, stderr};

const BEFORE: &str = "2027-01-01T08:59:59Z";
const AT: &str = "2027-01-01T09:00:00Z";

/// The fixture with a `topics` taxonomy and a page under embargo until [`AT`], in a term of
/// its own.
fn embargo_site() -> TestSite {
    let site = TestSite::fixture("basic");
    site.replace(
        "site.toml",
        "publisher = \"Tests\"\n",
        "publisher = \"Tests\"\ntaxonomies = [{ name = \"topics\", feed = true }]\n",
    );
    site.write(
        "content/news/scoop.md",
        format!(
            "+++\ntitle = \"The scoop\"\ndate = 2026-12-30\npublish_date = {AT}\nsources = [\"report\"]\n\n[taxonomies]\ntopics = [\"Scoops\"]\n+++\nThe scoop's text.\n"
        ),
    );
    site
}

/// Every file of the output whose bytes mention `needle`.
fn files_mentioning(out: &std::path::Path, needle: &str) -> Vec<String> {
    snapshot(out)
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn an_embargoed_page_is_absent_from_every_output_until_its_moment() {
    let site = embargo_site();
    let before = site.build_into("before", &["--now", BEFORE]);
    assert!(!before.join("news/scoop/index.html").exists());
    assert!(!before.join("topics/scoops/index.html").exists());
    // Not in the listing, the feeds, the sitemap, the taxonomy's list, nor anywhere else.
    assert_eq!(files_mentioning(&before, "scoop"), Vec::<String>::new());
    assert_eq!(files_mentioning(&before, "Scoops"), Vec::<String>::new());

    let at = site.build_into("at", &["--now", AT]);
    for (file, text) in [
        ("news/scoop/index.html", "The scoop"),
        ("news/index.html", "/news/scoop/"),
        ("atom.xml", "The scoop"),
        ("sitemap.xml", "/news/scoop/"),
        ("topics/index.html", "Scoops"),
        ("topics/scoops/index.html", "The scoop"),
        ("topics/scoops/atom.xml", "The scoop"),
    ] {
        let written = std::fs::read_to_string(at.join(file)).unwrap();
        assert!(written.contains(text), "{file} lacks {text:?}");
    }
    // A built site never carries the preview's banner.
    assert_eq!(
        files_mentioning(&at, "briefing-embargo-banner"),
        Vec::<String>::new()
    );
}

#[test]
fn an_expired_page_is_gone_from_the_moment_of_its_expiry() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/offer.md",
        "+++\ntitle = \"A limited offer\"\ndate = 2026-12-01\nexpiry_date = 2027-01-01\nsources = [\"report\"]\n+++\nWhile it lasts.\n",
    );
    let during = site.build_into("during", &["--now", "2026-12-31T23:59:59Z"]);
    assert!(during.join("news/offer/index.html").exists());
    assert!(!files_mentioning(&during, "A limited offer").is_empty());
    let after = site.build_into("after", &["--now", "2027-01-01T00:00:00Z"]);
    assert!(!after.join("news/offer/index.html").exists());
    assert_eq!(
        files_mentioning(&after, "offer"),
        Vec::<String>::new(),
        "the expired page is still mentioned"
    );
}

#[test]
fn a_published_page_linking_to_an_embargoed_one_fails_naming_both() {
    let site = embargo_site();
    let text = site.read("content/news/first.md");
    site.write(
        "content/news/first.md",
        format!("{text}\nSee [the scoop](@/news/scoop.md) and [again](scoop.md).\n"),
    );
    let out = site.path("out");
    let result = site.run(&[
        "build",
        "--now",
        BEFORE,
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(1));
    let err = stderr(&result);
    assert!(
        err.contains(
            "the link target `@/news/scoop.md` is under embargo until 2027-01-01T09:00:00Z"
        ),
        "{err}"
    );
    assert!(
        err.contains("the link `scoop.md` names content/news/scoop.md, under embargo until"),
        "{err}"
    );
    assert!(err.contains("--> content/news/first.md:"), "{err}");
    assert!(!out.exists(), "a failed build wrote its output");
    // The moment it is published, the links are good.
    site.build_into("out", &["--now", AT]);
    // The preview shows the page under embargo, and the link into it is the same mistake
    // there: a first build that fails is not served.
    let mut command = common::server::serve_command(&site, &["--now", BEFORE]);
    let mut serve = Running::spawn(command.stdout(Stdio::null()).stderr(Stdio::piped()));
    let status = wait_for_exit(&mut serve, std::time::Duration::from_secs(60));
    let mut err = String::new();
    serve
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(
        err.contains("the link target `@/news/scoop.md` is under embargo"),
        "{err}"
    );
}

/// Waits for `child` to end by itself, for at most `limit`.
fn wait_for_exit(
    child: &mut std::process::Child,
    limit: std::time::Duration,
) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(std::time::Instant::now() < deadline, "it is still running");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn serve_shows_an_embargoed_page_with_a_banner() {
    let site = embargo_site();
    let server = start(&site, &["--now", BEFORE]);
    let page = get(server.port, "/news/scoop/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("The scoop’s text."), "{}", page.body);
    assert!(
        page.body
            .contains("Embargoed until 2027-01-01T09:00:00Z: this page is not published yet"),
        "{}",
        page.body
    );
    // At the top of the body, before the page's own content.
    let banner = page.body.find("briefing-embargo-banner").unwrap();
    assert!(banner < page.body.find("The scoop’s text.").unwrap());
    assert!(banner > page.body.find("<body").unwrap());
    let published = get(server.port, "/news/first/");
    assert_eq!(published.status, 200);
    assert!(!published.body.contains("briefing-embargo-banner"));
    drop(server);
    // Once published, the preview shows it as the site does, without a banner.
    let server = start(&site, &["--now", AT]);
    let page = get(server.port, "/news/scoop/");
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("briefing-embargo-banner"));
}

/// The fixture's first story, reviewed on 2026-09-01 and due again on 2026-12-01.
fn review_site() -> TestSite {
    let site = TestSite::fixture("basic");
    site.replace(
        "content/news/first.md",
        "+++\n",
        "+++\nreviewed = 2026-09-01\nreview_by = 2026-12-01\n",
    );
    site
}

#[test]
fn an_overdue_review_warns_and_fails_under_deny_warnings() {
    let site = review_site();
    let on_time = site.run(&["check", "--deny-warnings", "--now", "2026-11-30T23:59:59Z"]);
    assert!(on_time.status.success(), "{}", stderr(&on_time));
    let late = site.run(&["check", "--now", "2026-12-02T00:00:00Z"]);
    assert!(late.status.success(), "{}", stderr(&late));
    let err = stderr(&late);
    assert!(
        err.contains("warning[BR0202]: this page was due for review by 2026-12-01"),
        "{err}"
    );
    assert!(err.contains("--> content/news/first.md:3:13"), "{err}");
    let denied = site.run(&["check", "--deny-warnings", "--now", "2026-12-02T00:00:00Z"]);
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
    // `build` leaves reviews to `check`.
    site.build_into("out", &["--now", "2026-12-02T00:00:00Z"]);
}

#[test]
fn check_stale_lists_overdue_pages_oldest_first() {
    let site = review_site();
    site.replace(
        "content/news/second.md",
        "+++\n",
        "+++\nreviewed = 2026-07-01\nreview_by = 2026-10-01\n",
    );
    site.replace(
        "content/news/_index.md",
        "+++\n",
        "+++\nreview_by = 2026-11-01\n",
    );
    // Not yet due: not listed.
    site.replace(
        "content/about/_index.md",
        "+++\n",
        "+++\nreview_by = 2027-06-01\n",
    );
    let result = site.run(&["check", "--stale", "--now", "2026-12-15T00:00:00Z"]);
    let listed = String::from_utf8_lossy(&result.stdout).into_owned();
    let lines: Vec<&str> = listed
        .lines()
        .filter(|l| l.starts_with("review by"))
        .collect();
    assert_eq!(
        lines,
        [
            "review by 2026-10-01  content/news/second.md  (reviewed 2026-07-01) Second story",
            "review by 2026-11-01  content/news/_index.md  (never reviewed) News",
            "review by 2026-12-01  content/news/first.md  (reviewed 2026-09-01) First story",
        ],
        "{listed}"
    );
    let none = site.run(&["check", "--stale", "--now", "2026-09-15T00:00:00Z"]);
    let listed = String::from_utf8_lossy(&none.stdout).into_owned();
    assert!(
        listed.contains("No page or section is past its review_by date."),
        "{listed}"
    );
}

#[test]
fn malformed_desk_dates_are_diagnostics_with_their_position() {
    let site = TestSite::fixture("basic");
    let out = site.build_into("out", &[]);
    let before = snapshot(&out);
    let cases = [
        (
            "publish_date = \"2027-13-01\"\n",
            "is not a valid date",
            "2:16",
        ),
        (
            "expiry_date = 10:00:00\n",
            "a time of day without a date",
            "2:15",
        ),
        (
            "reviewed = 2026-11-01\nreview_by = 2026-10-01\n",
            "review_by is not after reviewed",
            "3:13",
        ),
        (
            "publish_date = 2027-01-02\nexpiry_date = 2027-01-01\n",
            "would never be published",
            "3:15",
        ),
        ("review_by = true\n", "a date must be a date", "2:13"),
    ];
    for (lines, message, position) in cases {
        let page = site.read("content/news/first.md");
        site.write(
            "content/news/first.md",
            page.replacen("+++\n", &format!("+++\n{lines}"), 1),
        );
        let result = site.run(&["build", "--output-dir", out.to_str().unwrap()]);
        let err = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{lines}: {err}");
        assert!(err.contains(message), "{lines}: {err}");
        assert!(
            err.contains(&format!("--> content/news/first.md:{position}")),
            "{lines}: {err}"
        );
        assert_eq!(
            snapshot(&out),
            before,
            "{lines}: the previous output changed"
        );
        site.write("content/news/first.md", page);
    }
    let bad_now = site.run(&[
        "build",
        "--now",
        "next tuesday",
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(bad_now.status.code(), Some(1));
    let err = stderr(&bad_now);
    assert!(
        err.contains("--now") && err.contains("not a moment in RFC 3339"),
        "{err}"
    );
}

#[test]
fn two_builds_at_the_same_moment_are_byte_identical() {
    let site = embargo_site();
    site.replace(
        "content/news/first.md",
        "+++\n",
        "+++\nreviewed = 2026-09-01\nreview_by = 2026-12-01\nexpiry_date = 2027-06-01T00:00:00+02:00\n",
    );
    let a = site.build_into("a", &["--now", AT]);
    let b = site.build_into("b", &["--now", AT]);
    assert_eq!(snapshot(&a), snapshot(&b));
    // A date alone is its midnight UTC.
    let c = site.build_into("c", &["--now", "2027-01-02"]);
    assert_eq!(snapshot(&a), snapshot(&c));
}

#[test]
fn the_briefing_shows_when_each_page_was_last_reviewed() {
    let site = TestSite::briefing();
    let out = site.build_into("out", &[]);
    let page = std::fs::read_to_string(out.join("partnerships/a24-google/index.html")).unwrap();
    assert!(page.contains("Last reviewed <time datetime=\""), "{page}");
    let section = std::fs::read_to_string(out.join("partnerships/index.html")).unwrap();
    assert!(section.contains("Last reviewed"), "{section}");
}
