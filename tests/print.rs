//! The print edition (`/print/`), `build --pdf`, and the print stylesheet, through the real
//! binary. The PDF tests need Chromium on `PATH` and poppler-utils (`pdfinfo`, `pdftotext`),
//! which `.ci/run` installs; elsewhere they are skipped with a note, and under CI a missing tool
//! is a failure.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{BIN, TestSite, scan_html, snapshot, stderr};

/// The chapters of the briefing's print edition: the front page, five sections and five pages.
const CHAPTERS: [&str; 11] = [
    "s0", "s1", "s1-1", "s1-2", "s2", "s2-1", "s3", "s3-1", "s3-2", "s4", "s5",
];

/// The footer every page of the briefing ends with, as pdftotext reads it.
const FOOTER: &str = "Published by The briefing editors.";

fn print_tools_available(test: &str) -> bool {
    let missing: Vec<&str> = ["chromium", "pdfinfo", "pdftotext"]
        .into_iter()
        .filter(|tool| {
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .stdout(Stdio::null())
                .status()
                .map_or(true, |s| !s.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("CI").is_err(),
        "CI must run the print tests; missing {}",
        missing.join(", ")
    );
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "\nNOT RUN: {test}: missing {} (apt-get install chromium poppler-utils)",
        missing.join(", ")
    );
    false
}

/// What `program ARGS FILE REST` prints.
fn tool_with(program: &str, args: &[&str], file: &Path, rest: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .arg(file)
        .args(rest)
        .output()
        .unwrap();
    assert!(out.status.success(), "{program}: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn tool(program: &str, args: &[&str], file: &Path) -> String {
    tool_with(program, args, file, &[])
}

fn page_count(pdf: &Path) -> usize {
    tool("pdfinfo", &[], pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives no page count")
}

/// The text of each page of `pdf`, as pdftotext reads it.
fn page_texts(pdf: &Path) -> Vec<String> {
    (1..=page_count(pdf))
        .map(|i| {
            let i = i.to_string();
            tool_with("pdftotext", &["-f", &i, "-l", &i], pdf, &["-"])
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The named destinations of `pdf` (`s1-1--scope`), with their page.
fn destinations(pdf: &Path) -> BTreeMap<String, usize> {
    tool("pdfinfo", &["-dests"], pdf)
        .lines()
        .skip(1)
        .filter_map(|line| {
            let page = line.split_whitespace().next()?.parse().ok()?;
            let name = line.rsplit_once(" \"")?.1.strip_suffix('"')?;
            Some((name.to_string(), page))
        })
        .collect()
}

/// The destination names the link annotations of `pdf` go to. Chromium writes annotations as
/// plain dictionaries (`/Subtype /Link ... /Dest /s1-1--scope`); a name's `#xx` are its bytes.
fn link_destinations(pdf: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(pdf);
    text.split("/Subtype /Link")
        .skip(1)
        .filter_map(|annotation| {
            let dictionary = &annotation[..annotation.find(">>").unwrap_or(annotation.len())];
            let name = dictionary.split("/Dest /").nth(1)?;
            let name: String = name.chars().take_while(|c| !c.is_whitespace()).collect();
            Some(
                percent_encoding::percent_decode_str(&name.replace('#', "%"))
                    .decode_utf8_lossy()
                    .into_owned(),
            )
        })
        .collect()
}

/// The edition is one document: every chapter once, in reading order; no id twice; every link
/// within it resolves; links to other pages of the briefing became links within it.
#[test]
fn the_print_edition_holds_every_chapter_with_unique_ids_and_links_within_it() {
    let site = TestSite::briefing();
    let out = site.build_into("public", &[]);
    let html = std::fs::read_to_string(out.join("print/index.html")).unwrap();
    let mut ids = Vec::new();
    let mut rewriter = lol_html::HtmlRewriter::new(
        lol_html::Settings::new().append_element_content_handler(lol_html::element!(
            "[id]",
            |el| {
                ids.push(el.get_attribute("id").unwrap());
                Ok(())
            }
        )),
        |_: &[u8]| {},
    );
    rewriter.write(html.as_bytes()).unwrap();
    rewriter.end().unwrap();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an id is used twice: {ids:?}");
    let chapters: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| id.starts_with('s') && !id.contains("--"))
        .collect();
    assert_eq!(chapters, CHAPTERS);
    // Two pages each have a `#scope`: each keeps its own.
    assert!(ids.contains(&"s1-1--scope".to_string()) && ids.contains(&"s1-2--scope".to_string()));
    let (id_set, links) = scan_html(&html);
    let mut within = 0;
    for link in &links {
        if let Some(fragment) = link.strip_prefix('#') {
            assert!(id_set.contains(fragment), "#{fragment} is not in the page");
            within += 1;
        }
        for chapter in ["/partnerships/a24-google/", "/takeaways/", "/sources/"] {
            assert!(
                !link.starts_with(chapter),
                "{link} leads out of the edition"
            );
        }
    }
    assert!(within > 100, "only {within} links within the page");
    // What is not a chapter stays a page of the site, written with its domain.
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/style.css\">"));
    common::assert_links_resolve(&out, "https://briefing.example.org", "/");
    let check = site.run(&["check", "--deny-warnings", "--now", "2026-12-01T00:00:00Z"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

/// `build --pdf`: every chapter starts where the contents say, every link in the PDF goes to a
/// place in it, no page holds only the footer, A4, and two builds give the same bytes.
#[test]
fn the_pdf_has_every_chapter_and_its_links_resolve_and_it_is_reproducible() {
    if !print_tools_available(
        "the_pdf_has_every_chapter_and_its_links_resolve_and_it_is_reproducible",
    ) {
        return;
    }
    let site = TestSite::briefing();
    let first = site.build_into("one", &["--pdf"]);
    let pdf_path = first.join("briefing.pdf");
    let pdf = std::fs::read(&pdf_path).unwrap();
    assert!(tool("pdfinfo", &[], &pdf_path).contains("(A4)"));
    let dests = destinations(&pdf_path);
    let chapter_pages: Vec<usize> = CHAPTERS
        .iter()
        .map(|c| {
            *dests
                .get(*c)
                .unwrap_or_else(|| panic!("no chapter {c} in the PDF"))
        })
        .collect();
    assert!(
        chapter_pages.is_sorted(),
        "chapters out of order: {chapter_pages:?}"
    );
    let links = link_destinations(&pdf);
    assert!(links.len() > 100, "only {} internal links", links.len());
    for link in &links {
        assert!(
            dests.contains_key(link),
            "a link goes to {link}, which the PDF lacks"
        );
    }
    let texts = page_texts(&pdf_path);
    for (i, text) in texts.iter().enumerate() {
        let rest = text.replace(FOOTER, "");
        assert!(
            rest.split_whitespace().count() > 25,
            "page {} holds little but the footer: {text:?}",
            i + 1
        );
    }
    let again = site.build_into("two", &["--pdf"]);
    assert!(
        std::fs::read(again.join("briefing.pdf")).unwrap() == pdf,
        "two builds made different PDFs"
    );
    let letter = site.build_into("letter", &["--pdf", "--paper", "letter"]);
    assert!(tool("pdfinfo", &[], &letter.join("briefing.pdf")).contains("612 x 792 pts (letter)"));
}

/// A directory holding only `sh` (tests need it) and, if given, a fake `chromium`.
fn path_without_chromium(dir: &Path, fake: Option<&str>) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink("/bin/sh", bin.join("sh")).unwrap();
    if let Some(script) = fake {
        use std::os::unix::fs::PermissionsExt as _;
        let chromium = bin.join("chromium");
        std::fs::write(&chromium, script).unwrap();
        std::fs::set_permissions(&chromium, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

fn build_pdf_with_path(site: &TestSite, path: &Path) -> std::process::Output {
    Command::new(BIN)
        .args(["build", "--pdf", "--root"])
        .arg(&site.root)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Without Chromium, `--pdf` says what is missing and how to get it, exits 1 and writes nothing.
#[test]
fn pdf_without_chromium_says_so_and_leaves_the_output_as_it_was() {
    let site = TestSite::briefing();
    let out = site.build_into("public", &[]);
    let before = snapshot(&out);
    let bin = path_without_chromium(&site.path("tools"), None);
    let result = build_pdf_with_path(&site, &bin);
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{err}");
    assert!(err.contains("there is no `chromium`"), "{err}");
    assert!(err.contains("apt-get install chromium"), "{err}");
    assert_eq!(snapshot(&out), before);
}

/// A Chromium that fails is the machine's failure (exit 2), and the output stays as it was.
#[test]
fn a_failed_pdf_leaves_the_output_as_it_was() {
    let site = TestSite::briefing();
    let out = site.build_into("public", &[]);
    let before = snapshot(&out);
    let takeaways = site.read("content/takeaways/_index.md");
    site.write("content/takeaways/_index.md", takeaways + "\nA new line.\n");
    let script = "#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n";
    let bin = path_without_chromium(&site.path("tools"), Some(script));
    let result = build_pdf_with_path(&site, &bin);
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(2), "{err}");
    assert!(
        err.contains("could not print") && err.contains("cannot open display"),
        "{err}"
    );
    assert_eq!(snapshot(&out), before);
}

/// A site without its own `print.html` gets briefing's; a page at `/print/` clashes with it.
#[test]
fn a_site_without_print_html_gets_the_built_in_edition_and_a_page_there_clashes() {
    let site = TestSite::fixture("basic");
    let config = site.read("site.toml");
    site.write("site.toml", format!("print_edition = true\n{config}"));
    let out = site.build_into("public", &[]);
    let html = std::fs::read_to_string(out.join("print/index.html")).unwrap();
    assert!(html.contains("class=\"print-toc\""), "{html}");
    assert!(
        html.contains("<article id=\"s0\" class=\"print-chapter depth-0\">"),
        "{html}"
    );
    site.write("content/print.md", "+++\ntitle = \"Print\"\n+++\nText.\n");
    let err = common::failed_build(&site);
    assert!(
        err.contains("content/print.md") && err.contains("the print edition"),
        "{err}"
    );
    // Without print_edition, the page is the site's own.
    site.write("site.toml", config);
    site.build_into("public", &[]);
}

/// Every page of the briefing, printed: no page of it holds only the footer or the sources box,
/// and a link to another page is followed by its address with the domain.
#[test]
fn every_page_prints_without_a_page_of_only_its_footer_and_with_full_addresses() {
    if !print_tools_available(
        "every_page_prints_without_a_page_of_only_its_footer_and_with_full_addresses",
    ) {
        return;
    }
    let site = TestSite::briefing();
    let out = site.build_into("public", &[]);
    let server = common::server::start(&site, &[]);
    let url = format!("http://127.0.0.1:{}/", server.port);
    let scratch = tempfile::tempdir().unwrap();
    let pages: Vec<String> = snapshot(&out)
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.ends_with("index.html") && n != "print/index.html")
        .map(|n| n.trim_end_matches("index.html").to_string())
        .collect();
    for page in &pages {
        let pdf = scratch.path().join("page.pdf");
        let printed = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
            ])
            .arg(format!(
                "--user-data-dir={}",
                scratch.path().join("profile").display()
            ))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("{url}{page}"))
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(printed.success(), "chromium could not print /{page}");
        let texts = page_texts(&pdf);
        for (i, text) in texts.iter().enumerate() {
            let rest = text.replace(FOOTER, "");
            let rest = rest.trim_start_matches(
                "Every statement on this site traces to a named source: see Sources.",
            );
            assert!(
                !rest.trim().is_empty() && !rest.trim_start().starts_with("Sources "),
                "/{page}, page {} holds only the footer or the sources box: {text:?}",
                i + 1
            );
        }
        if page == "partnerships/" {
            let all = texts.join(" ");
            assert!(
                all.contains(&format!("<{url}partnerships/a24-google/>")),
                "{all}"
            );
        }
    }
}

/// `watch` and `serve` keep the edition current: a save shows in `/print/` as in its page.
#[test]
fn watch_and_serve_keep_the_print_edition_current() {
    let site = TestSite::briefing();
    let watch = common::Watch::start(&site, &[]);
    let server = common::server::start(&site, &[]);
    let page = "content/takeaways/_index.md";
    site.write(
        page,
        site.read(page) + "\nA sentence saved while watching.\n",
    );
    common::wait_for_text(
        &site,
        "public/print/index.html",
        "A sentence saved while watching.",
    );
    common::wait_until("the preview's /print/ showing the edit", || {
        common::server::get(server.port, "/print/")
            .body
            .contains("A sentence saved while watching.")
    });
    common::assert_watch_equals_clean_build(&site, watch);
}
