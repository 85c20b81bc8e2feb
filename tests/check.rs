//! `briefing check`: validates without writing, lists every problem, separates warnings from
//! errors, and checks external links only when asked (here against a loopback server).

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::{TestSite, stderr};

#[test]
fn a_clean_site_passes_and_nothing_is_written() {
    let site = TestSite::fixture("basic");
    let result = site.run(&["check"]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(String::from_utf8_lossy(&result.stdout).contains("no problems found"));
    assert!(!site.path("public").exists(), "check never writes output");
}

#[test]
fn every_problem_is_listed_with_exit_1() {
    let site = TestSite::fixture("basic");
    site.replace(
        "content/news/second.md",
        "Text.",
        "See [gone](@/news/gone.md), [x](#nowhere) and [@nobody].",
    );
    site.replace(
        "templates/page.html",
        "</article>",
        "<a href=\"/missing/page/\">broken</a></article>",
    );
    let result = site.run(&["check"]);
    let message = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{message}");
    for expected in [
        "`@/news/gone.md` does not exist",
        "#nowhere",
        "[@nobody]",
        "3 errors",
    ] {
        assert!(
            message.contains(expected),
            "{expected:?} missing from:\n{message}"
        );
    }
    // Once the Markdown is fixed, the template's broken link shows, with the template named.
    site.replace(
        "content/news/second.md",
        "See [gone](@/news/gone.md), [x](#nowhere) and [@nobody].",
        "Text.",
    );
    let message = stderr(&site.run(&["check"]));
    assert!(message.contains("the link `/missing/page/` points to a page or file that does not exist (written in the template page.html)"), "{message}");
}

#[test]
fn warnings_pass_unless_denied() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/uncited.md",
        "+++\ntitle = \"Uncited\"\n+++\nA claim with no source.\n",
    );
    let result = site.run(&["check"]);
    let message = stderr(&result);
    assert!(result.status.success(), "{message}");
    assert!(
        message.contains("warning[BR0201]: this page cites no source"),
        "{message}"
    );
    assert!(message.contains("content/news/uncited.md:1:1"), "{message}");
    let denied = site.run(&["check", "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1));
}

#[test]
fn each_problem_check_finds_carries_its_rule_code() {
    let site = TestSite::fixture("basic");
    site.replace(
        "templates/page.html",
        "</article>",
        "<a href=\"/missing/page/\">broken</a> <a href=\"#nowhere\">top</a> <a href=\"../../../up\">up</a></article>",
    );
    site.write(
        "content/news/uncited.md",
        "+++\ntitle = \"Uncited\"\n+++\nA claim with no source.\n",
    );
    let result = site.run(&["check"]);
    let message = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{message}");
    for expected in [
        "error[BR0101]: the link `/missing/page/` points to a page or file that does not exist",
        "error[BR0102]: the link `#nowhere` points to the anchor #nowhere",
        "error[BR0103]: the link `../../../up` points outside the site",
        "warning[BR0201]: this page cites no source",
    ] {
        assert!(
            message.contains(expected),
            "{expected:?} missing from:\n{message}"
        );
    }
}

#[test]
fn a_link_to_a_draft_says_so() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/later.md",
        "+++\ntitle = \"Later\"\ndraft = true\n+++\nSoon.\n",
    );
    site.replace(
        "content/news/second.md",
        "Text.",
        "See [later](@/news/later.md).",
    );
    let message = stderr(&site.run(&["check"]));
    assert!(
        message.contains("`@/news/later.md` is a draft, so it is not published"),
        "{message}"
    );
    assert!(site.run(&["check", "--drafts"]).status.success());
}

/// A loopback HTTP server that answers 200 for /ok and 404 for anything else.
fn link_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 2048];
            let n = stream.read(&mut buffer).unwrap_or(0);
            let request = String::from_utf8_lossy(&buffer[..n]);
            let status = if request.starts_with("HEAD /ok ") || request.starts_with("GET /ok ") {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    port
}

#[test]
fn external_links_are_checked_only_when_asked() {
    let port = link_server();
    let site = TestSite::fixture("basic");
    site.replace("content/news/second.md", "Text.", &format!("A [working](http://127.0.0.1:{port}/ok) and a [dead](http://127.0.0.1:{port}/dead) link."));
    assert!(site.run(&["check"]).status.success(), "off by default");
    let result = site.run(&[
        "check",
        "--external",
        "--timeout",
        "5",
        "--concurrency",
        "2",
    ]);
    let message = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{message}");
    assert!(
        message.contains(&format!(
            "error[BR0301]: the external link `http://127.0.0.1:{port}/dead` answered HTTP 404"
        )),
        "{message}"
    );
    assert!(!message.contains("/ok`"), "{message}");
    assert!(message.contains("content/news/second.md"), "{message}");
}

/// A link to a file whose name holds `&` is written `&amp;` in the HTML, as it must be; `check`
/// reads it as a browser does, so a valid site passes.
#[test]
fn links_written_with_entities_are_read_as_a_browser_reads_them() {
    let site = TestSite::fixture("basic");
    site.write("static/Q&A.pdf", "pdf");
    site.replace(
        "content/news/first.md",
        "More details",
        "See [the Q&A](/Q&A.pdf). More details",
    );
    let result = site.run(&["check", "--deny-warnings"]);
    assert!(result.status.success(), "{}", stderr(&result));
}

/// `get_url` links to a file whatever its name holds (a space, `#`, `?`, `%`, letters past
/// ASCII), and what it writes is a URL that reaches that file.
#[test]
fn get_url_reaches_files_whatever_their_names_hold() {
    let site = TestSite::fixture("basic");
    let names = [
        "my style.css",
        "a#b.css",
        "a?b.css",
        "a%20b.css",
        "café.css",
    ];
    let mut links = String::new();
    for name in names {
        site.write(&format!("static/{name}"), "p {}");
        links.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"{{{{ get_url(path='{name}') }}}}\">"
        ));
    }
    site.replace("templates/base.html", "</head>", &format!("{links}</head>"));
    let result = site.run(&["check", "--deny-warnings"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let built = site.run(&["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let page = site.read("public/index.html");
    for href in [
        "/my%20style.css",
        "/a%23b.css",
        "/a%3Fb.css",
        "/a%2520b.css",
        "/caf%C3%A9.css",
    ] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href} missing");
    }
}

/// A heading whose id is one the template gives a source (`article`) makes citations of that
/// source jump to the heading: `check` names the id and the page.
#[test]
fn an_id_used_twice_on_a_page_is_found() {
    let site = TestSite::briefing();
    site.replace(
        "content/sources/_index.md",
        "The article gives no web addresses",
        "\n\n## Article\n\nThe article gives no web addresses",
    );
    let result = site.run(&["check"]);
    let message = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{message}");
    assert!(
        message.contains("error[BR0104]")
            && message
                .contains("the id `article` is on more than one element of sources/index.html")
            && message.contains("content/sources/_index.md"),
        "{message}"
    );
    // Set twice by hand in one page: the build itself refuses it, at the second heading.
    let site = TestSite::fixture("basic");
    site.replace(
        "content/news/second.md",
        "## More",
        "## Scope {#more}\n\n## More {#more}",
    );
    let result = site.run(&[
        "build",
        "--output-dir",
        site.path("public").to_str().unwrap(),
    ]);
    let message = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{message}");
    assert!(
        message.contains("the heading id `more` is set twice"),
        "{message}"
    );
}
