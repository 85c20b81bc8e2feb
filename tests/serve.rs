//! `briefing serve`, driven as a user would: the real binary on a free loopback port, real files
//! edited in every way editors save, and plain HTTP to check what the server returns.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::server::{Response, get, request, start};
use common::{BIN, Running, TestSite};

/// Polls until `path` satisfies `check`, so tests wait for a rebuild without fixed sleeps.
fn wait_for(port: u16, path: &str, what: &str, check: impl Fn(&Response) -> bool) -> Response {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let response = get(port, path);
        if check(&response) {
            return response;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what} at {path}; last response {}:\n{}",
            response.status,
            response.body
        );
        std::thread::sleep(Duration::from_millis(40));
    }
}

/// Reads server-sent events in the background.
fn events(port: u16) -> mpsc::Receiver<(String, String)> {
    events_after_hello(port).1
}

/// Reads server-sent events in the background, after the `hello` whose data it returns.
fn events_after_hello(port: u16) -> (String, mpsc::Receiver<(String, String)>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET /__briefing/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let (mut event, mut data) = (String::new(), String::new());
        let mut line = String::new();
        while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            let trimmed = line.trim_end_matches(['\r', '\n']).to_string();
            line.clear();
            if let Some(name) = trimmed.strip_prefix("event: ") {
                event = name.to_string();
            } else if let Some(more) = trimmed.strip_prefix("data: ") {
                data.push_str(more);
            } else if trimmed.is_empty()
                && !event.is_empty()
                && tx
                    .send((std::mem::take(&mut event), std::mem::take(&mut data)))
                    .is_err()
            {
                return;
            }
        }
    });
    let (name, hello) = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("no hello event");
    assert_eq!(name, "hello");
    (hello, rx)
}

fn next_event(rx: &mpsc::Receiver<(String, String)>, name: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (event, data) = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no {name} event"));
        if event == name {
            return data;
        }
    }
}

#[test]
fn serves_pages_with_types_404_head_and_no_listing() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    let home = get(server.port, "/");
    assert_eq!(home.status, 200);
    assert!(
        home.headers
            .to_lowercase()
            .contains("content-type: text/html; charset=utf-8")
    );
    assert!(
        home.body.contains("__briefing/live-reload.js"),
        "the live-reload script is injected"
    );
    let css = get(server.port, "/css/site.css");
    assert!(
        css.headers
            .to_lowercase()
            .contains("content-type: text/css"),
        "{}",
        css.headers
    );
    let feed = get(server.port, "/atom.xml");
    assert!(feed.headers.contains("xml"), "{}", feed.headers);
    let missing = get(server.port, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page not found"),
        "the site's 404.html is served"
    );
    let head = request(server.port, "HEAD", "/news/first/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        get(server.port, "/css/").status,
        404,
        "no directory listings"
    );
    assert_eq!(get(server.port, "/news").status, 301);
    let unknown = get(server.port, "/__briefing/nothing-here");
    assert_eq!(
        unknown.status, 404,
        "an unknown endpoint is no other endpoint"
    );
    assert!(unknown.body.contains("Page not found"));
    assert_eq!(request(server.port, "POST", "/").status, 405);
    assert!(
        !site.path("public").exists(),
        "serve works from memory and never writes public/"
    );
}

#[test]
fn refuses_every_path_outside_the_output() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    // Links out of the site fail a build (the preview keeps the last good one), and are
    // never followed by the server either.
    std::os::unix::fs::symlink("/etc", site.path("static/etc-link")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", site.path("static/passwd-link")).unwrap();
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/..%2f..%2fetc%2fpasswd",
        "/news/..\\..\\site.toml",
        "/%5c..%5csite.toml",
        "//etc/passwd",
        "/etc-link/passwd",
        "/passwd-link",
        "/../site.toml",
        "/content/_index.md",
    ] {
        let response = get(server.port, path);
        assert!(
            matches!(response.status, 400 | 404),
            "{path}: {}",
            response.status
        );
        assert!(!response.body.contains("root:"), "{path} leaked a file");
        assert!(
            !response.body.contains("base_url"),
            "{path} leaked site.toml"
        );
    }
    let absolute = request(server.port, "GET", "http://127.0.0.1/../etc/passwd");
    assert!(matches!(absolute.status, 400 | 404));
}

#[test]
fn every_save_style_rebuilds_and_reloads() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    let port = server.port;
    let events = events(port);

    // Writing in place.
    site.replace("content/news/first.md", "More details", "Edited in place");
    wait_for(port, "/news/first/", "an in-place edit", |r| {
        r.body.contains("Edited in place")
    });
    next_event(&events, "reload");

    // A temp file renamed over the original (vim, JetBrains safe write, VS Code).
    let text = site
        .read("content/news/first.md")
        .replace("Edited in place", "Saved by rename");
    site.write("content/news/.first.md.tmp", &text);
    std::fs::rename(
        site.path("content/news/.first.md.tmp"),
        site.path("content/news/first.md"),
    )
    .unwrap();
    wait_for(port, "/news/first/", "a rename-over save", |r| {
        r.body.contains("Saved by rename")
    });

    // Deleting and recreating.
    let text = site
        .read("content/news/first.md")
        .replace("Saved by rename", "Recreated");
    std::fs::remove_file(site.path("content/news/first.md")).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    site.write("content/news/first.md", &text);
    wait_for(port, "/news/first/", "delete and recreate", |r| {
        r.body.contains("Recreated")
    });

    // A page moved to another section.
    std::fs::rename(
        site.path("content/news/second.md"),
        site.path("content/about/second.md"),
    )
    .unwrap();
    site.replace(
        "content/news/first.md",
        "@/news/second.md",
        "@/about/second.md",
    );
    wait_for(port, "/about/second/", "a moved page", |r| r.status == 200);
    wait_for(port, "/news/second/", "the old URL gone", |r| {
        r.status == 404
    });

    // A new directory with a section and a page.
    site.write(
        "content/briefs/_index.md",
        "+++\ntitle = \"Briefs\"\n+++\nShort ones.\n",
    );
    site.write(
        "content/briefs/one.md",
        "+++\ntitle = \"Brief one\"\n+++\nThe first brief.\n",
    );
    wait_for(port, "/briefs/one/", "a page in a new directory", |r| {
        r.body.contains("The first brief.")
    });

    // A renamed directory.
    std::fs::rename(site.path("content/briefs"), site.path("content/notes")).unwrap();
    wait_for(port, "/notes/one/", "a renamed directory", |r| {
        r.body.contains("The first brief.")
    });
    wait_for(port, "/briefs/one/", "the old directory gone", |r| {
        r.status == 404
    });

    // A template edit.
    site.replace(
        "templates/page.html",
        "<article>",
        "<article data-edited=\"yes\">",
    );
    wait_for(port, "/news/first/", "a template edit", |r| {
        r.body.contains("data-edited=\"yes\"")
    });

    // A CSS edit swaps the stylesheet without a reload.
    site.write("static/css/site.css", "body { color: rebeccapurple; }\n");
    wait_for(port, "/css/site.css", "a static edit", |r| {
        r.body.contains("rebeccapurple")
    });
    assert_eq!(next_event(&events, "css"), r#"["/css/site.css"]"#);
}

/// The build a page shows: its live-reload script's `data-generation`.
fn generation_shown(page: &Response) -> u64 {
    let (_, rest) = page
        .body
        .split_once("data-generation=\"")
        .expect("no generation on the page");
    rest.split('"').next().unwrap().parse().unwrap()
}

#[test]
fn a_page_opened_before_a_rebuild_learns_of_it_when_its_stream_connects() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    let port = server.port;
    let shown = generation_shown(&get(port, "/news/first/"));
    site.replace("content/news/first.md", "More details", "Rebuilt meanwhile");
    wait_for(port, "/news/first/", "the rebuild", |r| {
        r.body.contains("Rebuilt meanwhile")
    });
    // live-reload.js reloads a page when `hello` names a later build than the page shows.
    let (hello, events) = events_after_hello(port);
    let hello: u64 = hello.parse().unwrap();
    assert!(hello > shown, "hello {hello} to a page of build {shown}");
    let status = get(port, "/__briefing/status").body;
    assert!(
        status.contains(&format!("\"generation\":{hello}")),
        "{status}"
    );
    site.replace(
        "content/news/first.md",
        "Rebuilt meanwhile",
        "Rebuilt again",
    );
    let reload: u64 = next_event(&events, "reload").parse().unwrap();
    assert!(reload > hello, "reload {reload} after hello {hello}");
}

#[test]
fn a_css_edit_saved_with_another_edit_reloads_the_page() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    let events = events(server.port);
    // Saved together (a branch switch, a replace over the project): swapping the stylesheet
    // alone would leave the old text on the page.
    site.replace(
        "content/news/first.md",
        "More details",
        "New text, new style",
    );
    site.write("static/css/site.css", "body { color: teal; }\n");
    let (first, _) = events
        .recv_timeout(Duration::from_secs(15))
        .expect("no event after two edits");
    assert_eq!(first, "reload");
}

#[test]
fn errors_show_an_overlay_keep_the_last_good_site_and_clear_when_fixed() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    let port = server.port;
    let events = events(port);
    let good = site.read("content/news/first.md");
    site.write(
        "content/news/first.md",
        good.replacen("title = ", "title = = ", 1),
    );
    let overlay = next_event(&events, "build-error");
    assert!(overlay.contains("content/news/first.md:2:"), "{overlay}");
    let page = wait_for(port, "/news/first/", "the overlay", |r| {
        r.body.contains("briefing-error-overlay")
    });
    assert_eq!(page.status, 200, "the last good page is still served");
    assert!(page.body.contains("First story"));
    assert!(
        get(port, "/__briefing/status")
            .body
            .contains("\"ok\":false")
    );

    site.write(
        "content/news/first.md",
        good.replace("More details", "Fixed now"),
    );
    next_event(&events, "reload");
    let page = wait_for(port, "/news/first/", "the fix", |r| {
        r.body.contains("Fixed now")
    });
    assert!(
        !page.body.contains("briefing-error-overlay"),
        "the overlay clears after a good build"
    );

    // A template error shows the template's file and line.
    site.replace("templates/page.html", "{{ page.title }}", "{{ page.title ");
    let overlay = next_event(&events, "build-error");
    assert!(overlay.contains("templates/page.html:"), "{overlay}");
    site.replace("templates/page.html", "{{ page.title ", "{{ page.title }}");
    next_event(&events, "reload");
}

#[test]
fn a_shortcode_error_shows_in_the_overlay_and_a_shortcode_edit_reloads() {
    let site = TestSite::fixture("shortcodes");
    let server = start(&site, &[]);
    let port = server.port;
    let events = events(port);
    site.replace(
        "content/notes/all.md",
        "{{ badge(label=\"New\"",
        "{{ bdge(label=\"New\"",
    );
    let overlay = next_event(&events, "build-error");
    assert!(
        overlay.contains("content/notes/all.md:5:9") && overlay.contains("no shortcode `bdge`"),
        "{overlay}"
    );
    site.replace("content/notes/all.md", "{{ bdge(", "{{ badge(");
    next_event(&events, "reload");
    site.write(
        "templates/shortcodes/badge.html",
        "<em class=\"badge v2\">{{ label }}</em>",
    );
    next_event(&events, "reload");
    let page = wait_for(port, "/notes/all/", "the new badge", |r| {
        r.body.contains("<em class=\"badge v2\">New</em>")
    });
    assert!(!page.body.contains("briefing-error-overlay"));
}

#[test]
fn a_busy_port_moves_to_the_next_free_one() {
    let site = TestSite::fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = taken.local_addr().unwrap().port();
    let mut child = Command::new(BIN)
        .args(["serve", "--port", &busy.to_string(), "--root"])
        .arg(&site.root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.starts_with("Serving") {
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "server exited");
    }
    let _ = child.kill();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let _ = child.wait();
    assert!(!line.contains(&format!(":{busy}/")), "{line}");
    assert!(stderr.contains(&format!("Port {busy} is busy")), "{stderr}");
}

#[test]
fn an_address_this_machine_lacks_is_an_error_at_once() {
    let site = TestSite::fixture("basic");
    // 192.0.2.1 is kept for documentation: binding fails for want of the address, and no other
    // port would do better.
    let mut command = Command::new(BIN);
    command
        .args([
            "serve",
            "--interface",
            "192.0.2.1",
            "--port",
            "1111",
            "--root",
        ])
        .arg(&site.root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = Running::spawn(&mut command);
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve kept running");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot listen on 192.0.2.1:1111"),
        "{stderr}"
    );
    assert!(!stderr.contains("busy"), "{stderr}");
}

/// With `--base-url` for the links, `serve` still says where the preview answers: this
/// machine, under the base URL's path, not the public address (which would open the live site).
#[test]
fn serve_with_a_base_url_names_the_preview_not_the_public_site() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &["--base-url", "https://example.org/brief/"]);
    let page = get(server.port, "/brief/news/first/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("\"/brief/"),
        "links are under the base path"
    );
}
