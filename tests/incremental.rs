//! Incremental rebuilds must give exactly what a clean build gives, after any edits.
//!
//! A long, seeded random sequence of edits, creations, renames and deletions is applied to a
//! real site on disk; after each one the session rebuilds through the same path the watcher uses
//! (changed paths -> `watch::classify` -> `Session::apply`) and the result is compared, byte for
//! byte, with a fresh full build of the same files.

mod common;

use std::path::PathBuf;

use briefing::build::{Outcome, Session};
use briefing::config::BuildOptions;
use briefing::watch::{Layout, classify};
use common::TestSite;

/// A small deterministic generator, so a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn full_build(options: &BuildOptions) -> Outcome {
    Session::start(options.clone()).unwrap().1
}

#[test]
fn random_edit_sequences_match_clean_builds() {
    for seed in [0x5eed_u64, 0xb41e_f1e6, 20261124] {
        run_sequence(seed, 120);
    }
}

fn run_sequence(seed: u64, steps: usize) {
    let site = TestSite::fixture("basic");
    let options = BuildOptions {
        root: site.root.clone(),
        ..BuildOptions::default()
    };
    let (mut session, first) = Session::start(options.clone()).unwrap();
    assert!(matches!(first, Outcome::Built(_)));
    let layout = Layout::of(session.config().unwrap());
    let mut rng = Rng(seed);
    let mut generated: Vec<String> = Vec::new();
    let mut broken: Option<(String, String)> = None;
    let sections = ["news", "about", "fresh"];
    for step in 0..steps {
        let mut touched: Vec<String> = Vec::new();
        if let Some((path, good)) = broken.take() {
            site.write(&path, good);
            touched.push(path);
        } else {
            match rng.below(15) {
                0 => {
                    let page = ["content/news/first.md", "content/news/second.md"][rng.below(2)];
                    site.write(page, site.read(page) + &format!("\nParagraph {step}.\n"));
                    touched.push(page.into());
                }
                1 => {
                    let page = "content/news/second.md";
                    let text = site.read(page);
                    let title_line = text
                        .lines()
                        .find(|l| l.starts_with("title"))
                        .unwrap()
                        .to_string();
                    site.write(
                        page,
                        text.replacen(&title_line, &format!("title = \"Second story {step}\""), 1),
                    );
                    touched.push(page.into());
                }
                2 => {
                    let section = sections[rng.below(sections.len())];
                    if !site.path(&format!("content/{section}/_index.md")).exists() {
                        site.write(&format!("content/{section}/_index.md"), format!("+++\ntitle = \"{section}\"\nsort_by = \"weight\"\n+++\nSection {section}.\n"));
                        touched.push(format!("content/{section}"));
                    }
                    let path = format!("content/{section}/page-{step}.md");
                    site.write(&path, format!("+++\ntitle = \"Page {step}\"\nweight = {}\ndate = 2026-11-{:02}\n+++\nBody {step}, see [first](@/news/first.md#details).\n\n## Part {step}\n", rng.below(5), 1 + rng.below(28)));
                    generated.push(path.clone());
                    touched.push(path);
                }
                3 if !generated.is_empty() => {
                    let path = generated.remove(rng.below(generated.len()));
                    std::fs::remove_file(site.path(&path)).unwrap();
                    touched.push(path);
                }
                4 if !generated.is_empty() => {
                    let index = rng.below(generated.len());
                    let from = generated[index].clone();
                    let name = from.rsplit('/').next().unwrap();
                    let section = if site.path("content/about").is_dir() && rng.below(2) == 0 {
                        "about"
                    } else {
                        "news"
                    };
                    let to = format!("content/{section}/moved-{step}-{name}");
                    std::fs::rename(site.path(&from), site.path(&to)).unwrap();
                    generated[index] = to.clone();
                    touched.extend([from, to]);
                }
                5 => {
                    let template = [
                        "templates/page.html",
                        "templates/base.html",
                        "templates/section.html",
                    ][rng.below(3)];
                    site.write(
                        template,
                        site.read(template) + &format!("{{# edit {step} #}}\n<!-- {step} -->\n"),
                    );
                    touched.push(template.into());
                }
                6 => {
                    site.write(
                        "static/css/site.css",
                        site.read("static/css/site.css") + &format!("/* {step} */\n"),
                    );
                    touched.push("static/css/site.css".into());
                }
                7 => {
                    let path = format!("static/extra-{}.txt", rng.below(3));
                    if site.path(&path).exists() {
                        std::fs::remove_file(site.path(&path)).unwrap();
                    } else {
                        site.write(&path, format!("file {step}"));
                    }
                    touched.push(path);
                }
                8 => {
                    let page = "content/news/first.md";
                    let good = site.read(page);
                    site.write(page, good.replacen("+++\n", "+++\ntitle = = broken\n", 1));
                    broken = Some((page.into(), good));
                    touched.push(page.into());
                }
                9 if site.path("content/fresh").is_dir() => {
                    let to = format!("content/renamed-{step}");
                    std::fs::rename(site.path("content/fresh"), site.path(&to)).unwrap();
                    generated = generated
                        .into_iter()
                        .map(|g| g.replacen("content/fresh/", &format!("{to}/"), 1))
                        .collect();
                    touched.extend(["content/fresh".to_string(), to.clone()]);
                    // Put it back under the usual name next time a page is created there.
                    std::fs::rename(site.path(&to), site.path("content/fresh")).unwrap();
                    generated = generated
                        .into_iter()
                        .map(|g| g.replacen(&format!("{to}/"), "content/fresh/", 1))
                        .collect();
                }
                10 => {
                    let sources = "content/sources.toml";
                    site.write(
                        sources,
                        site.read(sources)
                            .replacen(
                                "title = \"The report\"",
                                &format!("title = \"The report {step}\""),
                                1,
                            )
                            .replacen(
                                &format!("title = \"The report {}\"", step.saturating_sub(1)),
                                &format!("title = \"The report {step}\""),
                                1,
                            ),
                    );
                    touched.push(sources.into());
                }
                11 => {
                    // Renaming a heading breaks the anchors other pages link to; renaming it
                    // back mends them. Only the body changes, so the fast path handles it.
                    let page = "content/news/first.md";
                    let text = site.read(page);
                    let toggled = if text.contains("## Details") {
                        text.replacen("## Details", "## Detail", 1)
                    } else {
                        text.replacen("## Detail", "## Details", 1)
                    };
                    site.write(page, toggled);
                    touched.push(page.into());
                }
                12 => {
                    // A root link to a file that comes and goes with edit 7: body-only edits
                    // check only the edited page's links, deletions check them all.
                    let page = "content/news/second.md";
                    let text = site.read(page);
                    let link = " [extra](/extra-0.txt)";
                    let toggled = if text.contains(link) {
                        text.replacen(link, "", 1)
                    } else {
                        text.replacen("A second story", &format!("A second story{link}"), 1)
                    };
                    site.write(page, toggled);
                    touched.push(page.into());
                }
                13 => {
                    // Files that clash with a page (in another case, too), and a robots.txt of
                    // the user's that replaces the generated one.
                    let path = [
                        "static/news/second/index.html",
                        "static/News/First/index.html",
                        "static/robots.txt",
                    ][rng.below(3)];
                    if site.path(path).exists() {
                        std::fs::remove_file(site.path(path)).unwrap();
                    } else {
                        site.write(path, format!("user's {step}"));
                    }
                    touched.push(path.into());
                }
                _ => {
                    let page = "content/about/_index.md";
                    site.write(page, site.read(page) + &format!("\nAbout {step}.\n"));
                    touched.push(page.into());
                }
            }
        }
        let paths: Vec<PathBuf> = touched
            .iter()
            .map(|t| std::path::absolute(site.path(t)).unwrap())
            .collect();
        let changes = classify(&paths, &layout);
        let incremental = session.apply(&changes).unwrap();
        let clean = full_build(&options);
        match (&incremental, &clean) {
            (Outcome::Built(a), Outcome::Built(b)) => {
                if a.output != b.output {
                    let differing: Vec<&str> = b
                        .output
                        .iter()
                        .filter(|(k, v)| a.output.get(k) != Some(v))
                        .map(|(k, _)| k)
                        .chain(a.output.paths().filter(|k| !b.output.contains(k)))
                        .collect();
                    panic!(
                        "seed {seed:#x} step {step}: after touching {touched:?}, these outputs differ from a clean build: {differing:?}"
                    );
                }
            }
            (Outcome::Failed(a), Outcome::Failed(b)) => {
                assert_eq!(a, b, "seed {seed:#x} step {step}: different errors")
            }
            _ => panic!(
                "seed {seed:#x} step {step}: incremental and clean builds disagree on success after {touched:?}"
            ),
        }
    }
}
