//! The editorial desk's edges, found by trying to break it: a `TODO` that is part of a URL,
//! the hint for one in front matter, times at the edges of RFC 3339, `check --since` over
//! line endings, corrections dated after `--now`, and dates shown as written in their offset.

mod common;

use common::{TestSite, failed_build, stderr};

const PAGE: &str = "content/news/edge.md";

/// The basic fixture with one more page whose front matter ends with `front` and whose body
/// is `body`.
fn site_with(front: &str, body: &str) -> TestSite {
    let site = TestSite::fixture("basic");
    site.write(
        PAGE,
        format!("+++\ntitle = \"Edge\"\ndate = 2026-11-24\n{front}+++\n{body}"),
    );
    site
}

#[test]
fn a_todo_inside_a_url_is_published_one_a_reader_sees_is_refused() {
    let body = "Read [the list](https://example.com/TODO-list), ![a chart](https://example.com/img/TODO.png), \
        <https://example.com/TODO>, [the notes][notes] and \
        <a href=\"https://example.com/TODO\">the page</a>.\n\n\
        <img src=\"https://example.com/TODO.png\" alt=\"A chart\">\n\n\
        [notes]: https://example.com/TODO\n";
    let site = site_with("", body);
    let out = site.build_into("public", &[]);
    let html = std::fs::read_to_string(out.join("news/edge/index.html")).unwrap();
    assert!(
        html.contains("href=\"https://example.com/TODO-list\""),
        "{html}"
    );

    site.write(
        PAGE,
        format!("+++\ntitle = \"Edge\"\ndate = 2026-11-24\n+++\n{body}\nStill TODO.\n"),
    );
    let err = failed_build(&site);
    assert_eq!(
        err.matches("still holds the placeholder TODO").count(),
        1,
        "{err}"
    );
    assert!(err.contains(&format!("{PAGE}:11:7")), "{err}");
}

#[test]
fn a_todo_in_front_matter_gets_a_hint_that_fits_front_matter() {
    let site = site_with("description = \"TODO\"\n", "Written.\n");
    let err = failed_build(&site);
    let at = err
        .find("`description` still holds the placeholder TODO")
        .expect(&err);
    let diagnostic = &err[at..];
    let diagnostic = &diagnostic[..diagnostic.find("\nerror").unwrap_or(diagnostic.len())];
    assert!(diagnostic.contains(&format!("{PAGE}:4:15")), "{diagnostic}");
    assert!(
        diagnostic.contains("help: replace TODO with the value itself"),
        "{diagnostic}"
    );
    assert!(!diagnostic.contains("code span"), "{diagnostic}");
}

/// Each form of a moment: in front matter (as a TOML date and as a string) and in `--now`.
/// RFC 3339's edges are read as written; a leap second and ISO 8601's other forms are refused
/// where they are written, never read as another moment.
#[test]
fn moments_at_the_edges_of_rfc3339() {
    let accepted = [
        ("2026-11-24t10:00:00z", "2026-11-24T10:00:00Z"),
        ("2026-11-24 10:00:00Z", "2026-11-24T10:00:00Z"),
        ("2026-11-24T10:00:00+14:00", "2026-11-24T10:00:00+14:00"),
        ("2026-11-24T10:00:00-12:00", "2026-11-24T10:00:00-12:00"),
        ("2026-11-24T10:00:00.25Z", "2026-11-24T10:00:00.25Z"),
    ];
    for (written, in_feed) in accepted {
        for value in [written.to_string(), format!("\"{written}\"")] {
            let site = TestSite::fixture("basic");
            site.write(
                PAGE,
                format!("+++\ntitle = \"Edge\"\ndate = {value}\n+++\nWritten.\n"),
            );
            let out = site.build_into("public", &["--now", "2027-01-01T00:00:00Z"]);
            let feed = std::fs::read_to_string(out.join("atom.xml")).unwrap();
            assert!(
                feed.contains(&format!("<published>{in_feed}</published>")),
                "{value}: {feed}"
            );
        }
    }
    let refused = [
        ("2026-12-31T23:59:60Z", "leap second (:60)"),
        ("2026-11-24T10:00:00+01:00:30", "RFC 3339: "),
        ("2026-11-24T10:00:00+0100", "RFC 3339: "),
        ("20261124T100000Z", "RFC 3339: "),
    ];
    for (written, why) in refused {
        let site = site_with(&format!("updated = \"{written}\"\n"), "Written.\n");
        let err = failed_build(&site);
        assert!(err.contains(why), "{written}: {err}");
        assert!(err.contains(&format!("{PAGE}:4:11")), "{written}: {err}");
        let site = TestSite::fixture("basic");
        let now = site.run(&["build", "--now", written]);
        assert_eq!(now.status.code(), Some(1), "--now {written}");
        assert!(
            stderr(&now).contains(why),
            "--now {written}: {}",
            stderr(&now)
        );
    }
    let site = site_with("updated = 2026-12-31T23:59:60Z\n", "Written.\n");
    let err = failed_build(&site);
    assert!(err.contains("leap second (:60)"), "a TOML date too: {err}");
}

/// A date written with an offset is shown on the day the editor wrote: on the page, in its
/// section's listing, in JSON-LD and in the feed (RFC 3339, offset kept); the feed orders
/// entries by their moment, not by the text of their offsets.
#[test]
fn a_date_with_an_offset_shows_the_day_written_everywhere() {
    let site = TestSite::briefing();
    let page = |name: &str, date: &str| {
        site.write(
            &format!("content/industry-context/{name}.md"),
            format!("+++\ntitle = \"{name}\"\ndescription = \"D.\"\ndate = {date}\nsources = [\"article\"]\n+++\nWritten [@article].\n"),
        );
    };
    // In UTC, 30 November at 16:00; in Tokyo, where it was written, 1 December.
    page("tokyo", "2026-12-01T01:00:00+09:00");
    // In UTC, 1 December at 02:00, after the Tokyo page; in Honolulu, 30 November.
    page("honolulu", "2026-11-30T16:00:00-10:00");
    let out = site.build_into("public", &["--now", "2027-01-01T00:00:00Z"]);
    let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
    let tokyo = read("industry-context/tokyo/index.html");
    assert!(
        tokyo.contains("<time datetime=\"2026-12-01T01:00:00+09:00\">1 December 2026</time>"),
        "{tokyo}"
    );
    assert!(
        tokyo.contains("\"datePublished\":\"2026-12-01T01:00:00+09:00\""),
        "{tokyo}"
    );
    let honolulu = read("industry-context/honolulu/index.html");
    assert!(honolulu.contains(">30 November 2026</time>"), "{honolulu}");
    let listing = read("industry-context/index.html");
    assert!(listing.contains(">1 December 2026</time>"), "{listing}");
    assert!(listing.contains(">30 November 2026</time>"), "{listing}");
    let feed = read("atom.xml");
    assert!(
        feed.contains("<published>2026-12-01T01:00:00+09:00</published>"),
        "{feed}"
    );
    assert!(
        feed.find("/honolulu/").unwrap() < feed.find("/tokyo/").unwrap(),
        "newest moment first: {feed}"
    );
}

/// A correction dated after the moment a site is built as of is refused where its date is
/// written; a date alone is refused only before that day has begun anywhere (+14:00).
#[test]
fn a_correction_from_the_future_is_refused() {
    let correction = |date: &str| {
        format!("\n[[corrections]]\ndate = {date}\nnote = \"The figure was wrong.\"\n")
    };
    let cases = [
        ("2027-01-02", "2027-01-01T09:59:59Z", false),
        ("2027-01-02", "2027-01-01T10:00:00Z", true),
        ("2027-01-01T09:00:00+01:00", "2027-01-01T07:59:59Z", false),
        ("2027-01-01T09:00:00+01:00", "2027-01-01T08:00:00Z", true),
        ("2026-11-30", "2027-01-01T00:00:00Z", true),
    ];
    for (date, now, accepted) in cases {
        let site = site_with(&correction(date), "Written.\n");
        let result = site.run(&["build", "--now", now]);
        let err = stderr(&result);
        if accepted {
            assert!(result.status.success(), "{date} at {now}: {err}");
            continue;
        }
        assert_eq!(result.status.code(), Some(1), "{date} at {now}: {err}");
        assert!(
            err.contains(&format!(
                "this correction is dated {date}, after the moment the site is built as of"
            )),
            "{err}"
        );
        assert!(err.contains(&format!("{PAGE}:6:8")), "{err}");
        assert!(
            err.contains("help: date the correction the day it was made"),
            "{err}"
        );
        let check = site.run(&["check", "--now", now]);
        assert_eq!(check.status.code(), Some(1), "check refuses it too");
    }
}

/// The `file:line:col` of each diagnostic of rule `code` in `err`.
fn rule_locations(err: &str, code: &str) -> Vec<String> {
    let lines: Vec<&str> = err.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.starts_with(&format!("warning[{code}]")) || l.starts_with(&format!("error[{code}]"))
        })
        .filter_map(|(i, _)| lines.get(i + 1))
        .map(|l| l.trim_start().trim_start_matches("--> ").to_string())
        .collect()
}

/// `check` reads claims wherever a reader finds them: in another tense of a verb, in single
/// quotes and guillemets, in words, in a table's cells and in raw HTML; a number that names
/// something (3D, Section 230) is none.
#[test]
fn the_copy_desk_finds_claims_in_every_form_and_place() {
    let site = TestSite::briefing();
    let page = "content/industry-context/claims.md";
    site.write(
        page,
        "+++\ntitle = \"Claims\"\ndescription = \"D.\"\ndate = 2026-11-24\nsources = [\"article\"]\n+++\n\
Runway says it will build a model.\n\
\n\
The studio called it \u{ab} une premi\u{e8}re \u{bb} and 'a first'.\n\
\n\
Revenue rose by two million.\n\
\n\
| Studio | Share |\n\
|-|-|\n\
| Netflix | 40 percent |\n\
\n\
<div class=\"note\">\n\
<p>Lionsgate told Wired it works.</p>\n\
</div>\n\
\n\
The film uses 3D effects, as Section 230 allows.\n",
    );
    let result = site.run(&["check"]);
    let err = stderr(&result);
    assert_eq!(
        rule_locations(&err, "BR0204"),
        [
            format!("{page}:7:8"),
            format!("{page}:9:22"),
            format!("{page}:11:17"),
            format!("{page}:15:13"),
            format!("{page}:18:14"),
        ],
        "{err}"
    );
    for claim in [
        "(an attribution `says`)",
        "(a direct quotation `\u{ab} une premi\u{e8}re \u{bb}`)",
        "(a figure `two`)",
        "(a figure `40`)",
        "(an attribution `told`)",
    ] {
        assert!(err.contains(claim), "{claim}: {err}");
    }
}

/// The accessibility rules read the HTML a reader gets: raw HTML in the Markdown and a
/// shortcode's output, each pointed at where it is written (the element itself, or the call).
#[test]
fn accessibility_rules_read_raw_html_and_shortcode_output() {
    let site = TestSite::briefing();
    site.write(
        "templates/shortcodes/logo.html",
        "<a href=\"/\"><img src=\"/favicon.svg\"></a>\n",
    );
    let page = "content/industry-context/html.md";
    site.write(
        page,
        "+++\ntitle = \"HTML\"\ndescription = \"D.\"\ndate = 2026-11-24\nsources = [\"article\"]\n+++\n\
Written [@article].\n\
\n\
<div class=\"figure\">\n\
  <img src=\"/favicon.svg\" alt=\"\">\n\
  <IMG src=\"/favicon.svg\">\n\
</div>\n\
\n\
Read <a href=\"/\"></a> and <a href=\"/sources/\">click here</a> [@article].\n\
\n\
<table><tr><td>A24</td><td>Google</td></tr></table>\n\
\n\
{{ logo() }}\n\
\n\
<p id=\"twice\">One [@article].</p>\n\
<p id=\"twice\">Two [@article].</p>\n",
    );
    let result = site.run(&["check"]);
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{err}");
    assert_eq!(
        rule_locations(&err, "BR0206"),
        [format!("{page}:11:1"), format!("{page}:18:1")],
        "{err}"
    );
    assert_eq!(
        rule_locations(&err, "BR0208"),
        [format!("{page}:14:6"), format!("{page}:18:1")],
        "{err}"
    );
    assert_eq!(
        rule_locations(&err, "BR0209"),
        [format!("{page}:14:27")],
        "{err}"
    );
    assert_eq!(
        rule_locations(&err, "BR0210"),
        [format!("{page}:16:1")],
        "{err}"
    );
    // The print edition holds the page too, with the same two ids.
    assert_eq!(
        rule_locations(&err, "BR0104")[0],
        format!("{page}:21:8"),
        "{err}"
    );
    assert!(err.contains("in the HTML this shortcode writes"), "{err}");
}
