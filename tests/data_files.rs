//! `load_data` through the real binary: what a template reads from `data/`, the mistakes it can
//! make, and `watch` keeping pages that read a data file up to date.

mod common;

use common::{TestSite, Watch, assert_watch_equals_clean_build, stderr, wait_for_text};

/// The fixture, with its About section rendered by a template that lists studios from
/// `data_path` (read as `format`, when given).
fn site_reading(data_path: &str) -> TestSite {
    let site = TestSite::fixture("basic");
    site.write(
        "templates/about.html",
        format!(
            "{{% extends \"base.html\" %}}{{% block content %}}\
             {{% set studios = load_data(path=\"{data_path}\") %}}\
             <ul id=\"studios\">{{% for s in studios.studio %}}<li>{{{{ s.name }}}} with {{{{ s.partner }}}}</li>{{% endfor %}}</ul>\
             {{% endblock content %}}"
        ),
    );
    site.replace(
        "content/about/_index.md",
        "title = \"About\"",
        "title = \"About\"\ntemplate = \"about.html\"",
    );
    site
}

const STUDIOS: &str = "[[studio]]\nname = \"A24\"\npartner = \"Google\"\n\n[[studio]]\nname = \"Lionsgate\"\npartner = \"Runway\"\n";

#[test]
fn a_template_lists_what_a_data_file_holds() {
    let site = site_reading("data/studios.toml");
    site.write("data/studios.toml", STUDIOS);
    let out = site.build_into("public", &[]);
    let about = std::fs::read_to_string(out.join("about/index.html")).unwrap();
    assert!(
        about.contains("<li>A24 with Google</li><li>Lionsgate with Runway</li>"),
        "{about}"
    );
    // Data files are read, not published.
    assert!(!out.join("data").exists());
}

#[test]
fn a_data_file_that_cannot_be_read_fails_the_build_at_the_call() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.toml"),
        "[[studio]]\nname = \"x\"\n",
    )
    .unwrap();
    let escape = format!(
        "../../{}/secret.toml",
        outside.path().file_name().unwrap().to_str().unwrap()
    );
    for (path, says) in [
        (
            "data/missing.toml",
            "there is no file `data/missing.toml` under the site root",
        ),
        (escape.as_str(), "climbs out with `..`"),
        ("/etc/hostname.toml", "is absolute"),
        ("data/studios.yaml", "cannot tell the format"),
    ] {
        let site = site_reading(path);
        site.write("data/studios.toml", STUDIOS);
        let output = site.run(&[
            "build",
            "--output-dir",
            site.path("public").to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(1), "{path}");
        let err = stderr(&output);
        assert!(err.contains(says), "{path}: {err}");
        assert!(err.contains("templates/about.html:1:"), "{path}: {err}");
        assert!(!site.path("public").exists(), "{path}");
    }
}

/// Editing a data file rebuilds the pages that read it, and the result is the clean build's.
#[test]
fn watch_rebuilds_what_reads_a_data_file_when_it_changes_or_appears() {
    let site = site_reading("data/studios.toml");
    // Missing at the start, and its directory too: the first build fails.
    let watch = Watch::start(&site, &[]);
    std::fs::create_dir(site.path("data")).unwrap();
    site.write("data/studios.toml", STUDIOS);
    wait_for_text(&site, "public/about/index.html", "Lionsgate with Runway");
    site.write(
        "data/studios.toml",
        STUDIOS.replace("Runway", "Runway AI").as_str(),
    );
    wait_for_text(&site, "public/about/index.html", "Lionsgate with Runway AI");
    assert_watch_equals_clean_build(&site, watch);
}
