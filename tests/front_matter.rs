//! Front matter as other generators' users write it, through the real binary: YAML between
//! `---` lines, blank lines before the fence, every unknown key at once, translated files, and a
//! Zola site's config.toml.

mod common;

use common::{TestSite, snapshot, stderr};

/// Every page and section of the fixture rewritten with YAML front matter (after a blank line)
/// builds the same site, byte for byte, as the TOML it was written in.
#[test]
fn yaml_front_matter_builds_the_same_site_as_toml() {
    let toml_site = TestSite::fixture("basic");
    let yaml_site = TestSite::fixture("basic");
    let mut rewritten = 0;
    for entry in walkdir::WalkDir::new(yaml_site.path("content")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        std::fs::write(entry.path(), as_yaml(&text)).unwrap();
        rewritten += 1;
    }
    assert!(rewritten >= 5, "{rewritten} files");
    let toml_out = toml_site.build_into("public", &[]);
    let yaml_out = yaml_site.build_into("public", &[]);
    assert_eq!(snapshot(&toml_out), snapshot(&yaml_out));
}

/// `text` with its TOML front matter (flat keys, strings, dates, numbers, lists) as YAML.
fn as_yaml(text: &str) -> String {
    let rest = text.strip_prefix("+++\n").unwrap();
    let (front, body) = rest.split_once("+++\n").unwrap();
    let table: toml::Table = front.parse().unwrap();
    let mut yaml = String::from("\n\n---\n");
    for (key, value) in &table {
        let written = match value {
            toml::Value::Array(items) => items
                .iter()
                .map(|item| format!("\n  - {item}"))
                .collect::<String>(),
            toml::Value::Datetime(date) => format!(" {date}"),
            other => format!(" {other}"),
        };
        yaml.push_str(&format!("{key}:{written}\n"));
    }
    yaml.push_str("---\n");
    yaml.push_str(body);
    yaml
}

#[test]
fn every_unknown_key_is_reported_in_one_run() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/third.md",
        "+++\ntitel = \"Third\"\ndate = 2026-11-23\ntags = [\"a\"]\ndraftt = true\n+++\nBody\n",
    );
    site.write(
        "content/news/fourth.md",
        "---\ntitle: Fourth\nauthors: [me]\nslugg: x\n---\nBody\n",
    );
    let output = site.run(&["build", "--output-dir", site.path("out").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    for expected in [
        "content/news/third.md:2:1",
        "did you mean `title`?",
        "content/news/third.md:4:1",
        "content/news/third.md:5:1",
        "did you mean `draft`?",
        "content/news/fourth.md:3:1",
        "content/news/fourth.md:4:1",
        "did you mean `slug`?",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert!(!site.path("out").exists());
}

#[test]
fn translated_files_are_refused_with_what_to_do() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/_index.fr.md",
        "+++\ntitle = \"Nouvelles\"\n+++\n",
    );
    site.write(
        "content/news/first.pt-br.md",
        "+++\ntitle = \"Primeira\"\n+++\n",
    );
    let output = site.run(&["build", "--output-dir", site.path("out").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    for name in ["content/news/_index.fr.md", "content/news/first.pt-br.md"] {
        assert!(err.contains(name), "{name} not named in:\n{err}");
    }
    assert!(err.contains("languages are not supported yet"), "{err}");
    assert!(err.contains("rename it without `.fr`"), "{err}");
}

#[test]
fn a_zola_site_is_told_what_to_move_into_site_toml() {
    let site = TestSite::fixture("basic");
    std::fs::remove_file(site.path("site.toml")).unwrap();
    site.write(
        "config.toml",
        "base_url = \"https://example.org\"\ntitle = \"Z\"\ncompile_sass = true\n\
         default_language = \"en\"\n[extra]\nx = 1\n",
    );
    let output = site.run(&["build", "--output-dir", site.path("out").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    for expected in [
        "a Zola config.toml",
        "`base_url`, `title`, `extra` as they are",
        "`default_language` as `language`",
        "`compile_sass` have no equivalent",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

/// Backups and merge leftovers of a page are not published (they hold its front matter, and
/// perhaps a draft); Markdown under another extension is an error, not a file to copy.
#[test]
fn leftovers_of_pages_are_never_published() {
    let site = TestSite::fixture("basic");
    let draft = "+++\ntitle = \"Secret plan\"\ndraft = true\n+++\nNot yet.\n";
    for name in ["plan.md.orig", "plan.md.rej", "plan.md.bak", "plan.md.old"] {
        site.write(&format!("content/news/{name}"), draft);
    }
    let out = site.build_into("public", &[]);
    let published: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("plan"))
        .collect();
    assert!(published.is_empty(), "{published:?}");
    site.write("content/news/Plan2.MD", draft);
    let output = site.run(&[
        "build",
        "--output-dir",
        site.path("public").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("content/news/Plan2.MD") && err.contains("rename it to end in `.md`"),
        "{err}"
    );
    assert!(!site.path("public/news/Plan2.MD").exists());
}
