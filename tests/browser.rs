//! Real-browser tests: headless Chromium (Debian's) driven by playwright-core from npm.
//!
//! They need `/usr/bin/chromium` and `npm ci`, which `.ci/run` installs. Outside CI a machine
//! without them skips with a note; under CI (`CI=true`) a missing browser is a failure.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{BIN, Running, TestSite, repo_root};

/// Starts `briefing serve` for `site` on a free port; returns the process and its base URL.
fn serve(site: &TestSite) -> (Running, String) {
    let mut server = Running::spawn(
        Command::new(BIN)
            .args(["serve", "--port", "0", "--root"])
            .arg(&site.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("server exited").unwrap();
        if let Some(url) = line
            .strip_prefix("Serving ")
            .and_then(|l| l.split(' ').next())
        {
            break url.to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (server, url)
}

/// Runs a browser script with `args` and returns what it printed, failing the test (with its
/// output) if the script failed.
fn run_script(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let result = Command::new("node")
        .current_dir(repo_root())
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&result.stdout).into_owned();
    assert!(
        result.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    stdout
}

/// Whether Chromium and the npm packages are there. When not, says so where a plain
/// `cargo test` run shows it: the test harness captures `eprintln!`, not the stderr handle.
fn browser_available(test: &str) -> bool {
    let mut missing = Vec::new();
    if !Path::new("/usr/bin/chromium").exists() {
        missing.push("/usr/bin/chromium (apt-get install chromium)");
    }
    if !repo_root().join("node_modules/playwright-core").is_dir() {
        missing.push("node_modules/playwright-core (npm ci)");
    }
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("CI").is_err(),
        "CI must run the browser tests; missing {}",
        missing.join(" and ")
    );
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "\nNOT RUN: {test}: missing {} (.ci/run installs both)",
        missing.join(" and ")
    );
    false
}

#[test]
fn an_edit_shows_in_the_open_page_without_a_manual_reload() {
    if !browser_available("an_edit_shows_in_the_open_page_without_a_manual_reload") {
        return;
    }
    let site = TestSite::fixture("basic");
    let (server, url) = serve(&site);
    let page = format!("{url}news/first/");
    let file = site.path("content/news/first.md");
    let stdout = run_script(
        "tests/browser/live_reload.mjs",
        &[
            page.as_ref(),
            file.as_ref(),
            "More details".as_ref(),
            "Details edited while the browser watched".as_ref(),
        ],
    );
    drop(server);
    assert!(stdout.contains("\"ok\":true"), "{stdout}");
    assert!(
        stdout.contains("\"reloads\":1"),
        "the page reloaded itself once: {stdout}"
    );
}

/// A stylesheet whose name has a space is swapped in the open page after an edit, without a
/// reload: the event names it as the page's link does, however either spells it.
#[test]
fn a_stylesheet_edit_is_swapped_in_without_a_reload() {
    if !browser_available("a_stylesheet_edit_is_swapped_in_without_a_reload") {
        return;
    }
    let site = TestSite::fixture("basic");
    site.write("static/css/my style.css", "body { color: rgb(1, 2, 3) }\n");
    site.replace(
        "templates/base.html",
        "</head>",
        "<link rel=\"stylesheet\" href=\"{{ get_url(path='css/my style.css') }}\"></head>",
    );
    let (server, url) = serve(&site);
    let page = format!("{url}news/first/");
    let file = site.path("static/css/my style.css");
    let stdout = run_script(
        "tests/browser/css_swap.mjs",
        &[
            page.as_ref(),
            file.as_ref(),
            "rgb(1, 2, 3)".as_ref(),
            "rgb(4, 5, 6)".as_ref(),
        ],
    );
    drop(server);
    assert!(
        stdout.contains("\"reloads\":0"),
        "the stylesheet was swapped, not the page reloaded: {stdout}"
    );
}

/// Every page of the built briefing passes the Nu HTML Checker with zero errors.
#[test]
fn every_page_passes_the_nu_html_checker() {
    if !browser_available("every_page_passes_the_nu_html_checker") {
        return;
    }
    let site = TestSite::briefing();
    let out = site.build_into("public", &[]);
    let mut pages: Vec<String> = common::snapshot(&out)
        .into_iter()
        .filter(|(n, _)| n.ends_with(".html"))
        .map(|(n, _)| out.join(n).to_string_lossy().into_owned())
        .collect();
    assert!(pages.len() >= 10);
    assert!(pages.iter().any(|p| p.ends_with("print/index.html")));
    // The built-in print edition, of a site without a print.html of its own.
    let plain = TestSite::fixture("basic");
    let config = plain.read("site.toml");
    plain.write("site.toml", format!("print_edition = true\n{config}"));
    let plain_out = plain.build_into("public", &[]);
    pages.push(
        plain_out
            .join("print/index.html")
            .to_string_lossy()
            .into_owned(),
    );
    let result = Command::new("java")
        .arg("-jar")
        .arg(repo_root().join("node_modules/vnu-jar/build/dist/vnu.jar"))
        .args(["--errors-only", "--format", "gnu"])
        .args(&pages)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&result.stderr).into_owned()
        + &String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success() && report.trim().is_empty(),
        "the Nu HTML Checker found errors:\n{report}"
    );
}

/// Every page of the briefing has zero axe-core violations, in light and dark mode.
#[test]
fn every_page_passes_axe_in_light_and_dark_mode() {
    if !browser_available("every_page_passes_axe_in_light_and_dark_mode") {
        return;
    }
    let site = TestSite::briefing();
    let (server, url) = serve(&site);
    let out = site.build_into("public", &[]);
    let mut urls: Vec<String> = common::snapshot(&out)
        .into_iter()
        .filter(|(n, _)| n.ends_with("index.html"))
        .map(|(n, _)| format!("{url}{}", n.trim_end_matches("index.html")))
        .collect();
    assert!(urls.contains(&format!("{url}print/")));
    urls.push(format!("{url}no-such-page/"));
    let result = Command::new("node")
        .current_dir(repo_root())
        .arg("tests/browser/axe.mjs")
        .args(&urls)
        .output()
        .unwrap();
    drop(server);
    let report = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "axe-core found violations:\n{report}\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(
        report.contains(&format!("\"pages\": {}", urls.len())),
        "{report}"
    );
}

/// On a 320 and a 390 px phone, the briefing hides nothing: every cell of the partnerships
/// table is in view (or in a container that visibly scrolls), no page is wider than the
/// screen, nav labels wrap whole and no citation label starts a line alone; on a desktop the
/// sources page's two columns line up from source to source.
#[test]
fn the_briefing_reads_on_a_phone_without_hiding_anything() {
    if !browser_available("the_briefing_reads_on_a_phone_without_hiding_anything") {
        return;
    }
    let site = TestSite::briefing();
    let (server, url) = serve(&site);
    let out = site.build_into("public", &[]);
    let paths: Vec<String> = common::snapshot(&out)
        .into_iter()
        .filter(|(n, _)| n.ends_with("index.html"))
        .map(|(n, _)| n.trim_end_matches("index.html").to_string())
        .collect();
    assert!(paths.iter().any(|p| p == "partnerships/"), "{paths:?}");
    let mut args: Vec<&std::ffi::OsStr> = vec![url.as_ref()];
    args.extend(paths.iter().map(std::ffi::OsStr::new));
    let stdout = run_script("tests/browser/phone_layout.mjs", &args);
    drop(server);
    assert!(stdout.contains("\"problems\": []"), "{stdout}");
}

/// While the site does not build, the preview's overlay on a 390 px phone hides the page
/// behind it entirely, shows each message whole, and goes away with Esc or its button.
#[test]
fn the_error_overlay_is_opaque_readable_on_a_phone_and_dismissible() {
    if !browser_available("the_error_overlay_is_opaque_readable_on_a_phone_and_dismissible") {
        return;
    }
    let site = TestSite::fixture("basic");
    let (server, url) = serve(&site);
    let page = format!("{url}news/first/");
    site.replace(
        "content/news/first.md",
        "The first paragraph",
        "A citation of a source nobody defined, with a long name [@no-such-source-with-a-very-long-name-that-a-phone-must-wrap]. The first paragraph",
    );
    let port: u16 = url
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap();
    common::wait_until("the overlay in the page", || {
        common::server::get(port, "/news/first/")
            .body
            .contains("briefing-error-overlay")
    });
    let stdout = run_script("tests/browser/overlay.mjs", &[page.as_ref()]);
    drop(server);
    assert!(stdout.contains("\"problems\": []"), "{stdout}");
    assert!(stdout.contains("no-such-source"), "{stdout}");
}
