//! Every pair of inputs that would write one output file fails the build, naming both: pages,
//! sections, files beside a page (a bundle), other content files, static files and the
//! generated files, pairwise, each spelled the same, in another case, or in another Unicode
//! normal form, as a case-insensitive normalising host (macOS, Windows, many CDNs) would merge
//! them. The one exception is documented: a robots.txt of the user's replaces the generated one.

mod common;

use common::{TestSite, stderr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Page,
    Section,
    /// A file in a page's own directory, beside its Markdown: `content/news/first/photo.png`.
    BundleAsset,
    ContentAsset,
    Static,
    /// One of the files briefing writes itself.
    Generated(&'static str),
}

const KINDS: [Kind; 9] = [
    Kind::Page,
    Kind::Section,
    Kind::BundleAsset,
    Kind::ContentAsset,
    Kind::Static,
    Kind::Generated("sitemap.xml"),
    Kind::Generated("atom.xml"),
    Kind::Generated("404.html"),
    Kind::Generated("robots.txt"),
];

/// How the second input spells the name the first one writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
    Same,
    /// `Spot` for `spot`.
    Case,
    /// `café` decomposed (e + U+0301) where the first has it precomposed (U+00E9).
    Decomposed,
}

fn is_node(kind: Kind) -> bool {
    matches!(kind, Kind::Page | Kind::Section)
}

fn name(spelling: Spelling, second: bool) -> &'static str {
    match (spelling, second) {
        (Spelling::Same, _) | (Spelling::Case, false) => "spot",
        (Spelling::Case, true) => "Spot",
        (Spelling::Decomposed, false) => "caf\u{e9}",
        (Spelling::Decomposed, true) => "cafe\u{301}",
    }
}

fn page(title: &str, front: &str) -> String {
    format!("+++\ntitle = \"{title}\"\nsources = [\"report\"]\n{front}\n+++\nText.\n")
}

/// Where a kind of file input lives.
fn under(kind: Kind) -> &'static str {
    match kind {
        Kind::Static => "static",
        _ => "content",
    }
}

/// Writes an input of `kind` that claims `clash/<name>/index.html` (when a page or section is
/// in the pair) or `clash/bundle/<name>.txt` (a pair of files). `alias` asks for a second input
/// of the same kind and spelling: a page with that `slug`, a section whose directory name
/// slugifies the same. Returns the path a message must name.
fn place(site: &TestSite, kind: Kind, name: &str, node_target: bool, alias: bool) -> String {
    let file_path = || {
        if node_target {
            format!("{}/clash/{name}/index.html", under(kind))
        } else {
            format!("{}/clash/bundle/{name}.txt", under(kind))
        }
    };
    let path = match kind {
        Kind::Page if alias => {
            let path = "content/clash/alias.md".to_string();
            site.write(&path, page("Alias", &format!("slug = \"{name}\"")));
            return path;
        }
        Kind::Page => {
            let path = format!("content/clash/{name}.md");
            site.write(&path, page("Page", ""));
            return path;
        }
        Kind::Section => {
            let dir = if alias {
                format!("{name}-")
            } else {
                name.to_string()
            };
            let path = format!("content/clash/{dir}/_index.md");
            site.write(&path, "+++\ntitle = \"Section\"\n+++\n");
            return path;
        }
        Kind::BundleAsset => {
            // The page whose own directory holds the file.
            let owner = if node_target { name } else { "bundle" };
            site.write(&format!("content/clash/{owner}.md"), page("Bundle", ""));
            file_path()
        }
        Kind::ContentAsset | Kind::Static => file_path(),
        Kind::Generated(generated) => return description(generated).to_string(),
    };
    site.write(&path, format!("{kind:?}"));
    path
}

/// How messages name a generated file.
fn description(generated: &str) -> &'static str {
    match generated {
        "sitemap.xml" => "the generated sitemap",
        "atom.xml" => "the generated Atom feed",
        "404.html" => "the 404 page",
        _ => "the generated robots.txt",
    }
}

/// The file a generated kind is claimed by, in the other input's place.
fn place_against_generated(
    site: &TestSite,
    kind: Kind,
    generated: &str,
    spelling: Spelling,
) -> Option<String> {
    let name = match spelling {
        Spelling::Same => generated.to_string(),
        Spelling::Case => generated[..1].to_uppercase() + &generated[1..],
        Spelling::Decomposed => return None,
    };
    let path = match kind {
        Kind::Static => format!("static/{name}"),
        Kind::ContentAsset => format!("content/{name}"),
        // Pages and sections always write a directory's index.html; bundles live in a page's
        // directory: none can claim a root file (pinned by `nodes_never_claim_generated_files`).
        _ => return None,
    };
    site.write(&path, "user's own");
    Some(path)
}

fn generated_name(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Generated(name) => Some(name),
        _ => None,
    }
}

#[test]
fn every_pair_of_claims_on_one_output_file_is_an_error() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for (i, &first) in KINDS.iter().enumerate() {
        for &second in &KINDS[i..] {
            for spelling in [Spelling::Same, Spelling::Case, Spelling::Decomposed] {
                let site = TestSite::fixture("basic");
                let (named, robots) = match (generated_name(first), generated_name(second)) {
                    (Some(_), Some(_)) => continue,
                    (Some(generated), None) | (None, Some(generated)) => {
                        let other = if generated_name(first).is_some() {
                            second
                        } else {
                            first
                        };
                        let Some(path) = place_against_generated(&site, other, generated, spelling)
                        else {
                            continue;
                        };
                        // Only a robots.txt of that very name stands for the generated one; a
                        // case twin is another file on a case-sensitive host, so it clashes.
                        (
                            vec![path, description(generated).to_string()],
                            generated == "robots.txt" && spelling == Spelling::Same,
                        )
                    }
                    (None, None) => {
                        let both_nodes = is_node(first) && is_node(second);
                        let both_files = !is_node(first) && !is_node(second);
                        // A decomposed name is another name once slugified or beside a slug.
                        if spelling == Spelling::Decomposed && !(both_nodes || both_files) {
                            continue;
                        }
                        // One name cannot be two files of one directory.
                        if spelling == Spelling::Same && both_files && under(first) == under(second)
                        {
                            continue;
                        }
                        let node_target = !both_files;
                        let a = place(&site, first, name(spelling, false), node_target, false);
                        let b = place(
                            &site,
                            second,
                            name(spelling, true),
                            node_target,
                            first == second && spelling == Spelling::Same,
                        );
                        (vec![a, b], false)
                    }
                };
                cases += 1;
                let result = site.run(&["build"]);
                let message = stderr(&result);
                let label = format!("{first:?} x {second:?} ({spelling:?}): {named:?}");
                if robots {
                    let user = &named[0];
                    if !result.status.success() {
                        failures.push(format!(
                            "{label}: the user's robots.txt failed the build\n{message}"
                        ));
                    } else {
                        // Only the user's file is written, under the name it was given.
                        let written = user.split_once('/').unwrap().1;
                        let kept = std::fs::read_to_string(site.path("public").join(written));
                        let generated =
                            written != "robots.txt" && site.path("public/robots.txt").exists();
                        if kept.ok().as_deref() != Some("user's own") || generated {
                            failures.push(format!(
                                "{label}: {user} did not replace the generated robots.txt"
                            ));
                        }
                    }
                    continue;
                }
                if result.status.code() != Some(1) {
                    failures.push(format!(
                        "{label}: exit {:?}\n{message}",
                        result.status.code()
                    ));
                    continue;
                }
                for path in &named {
                    if !message.contains(path.as_str()) {
                        failures.push(format!("{label}: {path} not named\n{message}"));
                    }
                }
                if !message.contains("help:") || message.contains("panicked") {
                    failures.push(format!("{label}: no hint, or a panic\n{message}"));
                }
            }
        }
    }
    assert!(cases >= 40, "only {cases} cases ran");
    assert!(
        failures.is_empty(),
        "{} of {cases} failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn nodes_never_claim_generated_files() {
    let site = TestSite::fixture("basic");
    site.write("content/sitemap.xml.md", page("Sitemap page", ""));
    site.write(
        "content/404.html/_index.md",
        "+++\ntitle = \"Section\"\n+++\n",
    );
    let out = site.build_into("public", &[]);
    assert!(out.join("sitemap-xml/index.html").is_file());
    assert!(out.join("404-html/index.html").is_file());
    assert!(site.read("public/sitemap.xml").starts_with("<?xml"));
}

#[test]
fn a_file_where_a_directory_must_be_is_a_clash() {
    let site = TestSite::fixture("basic");
    // `news` as a file, where the news section needs a directory.
    site.write("static/news", "not a directory");
    let result = site.run(&["build"]);
    let message = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{message}");
    assert!(
        message.contains("static/news writes the file news, where content/news/"),
        "{message}"
    );
    let site = TestSite::fixture("basic");
    site.write("static/atom.xml/feed.css", "x");
    let message = stderr(&site.run(&["build"]));
    assert!(
        message.contains("the generated Atom feed writes the file atom.xml, where static/atom.xml/feed.css needs a directory"),
        "{message}"
    );
}

#[test]
fn the_users_robots_txt_wins_and_is_kept_across_rebuilds() {
    let site = TestSite::fixture("basic");
    site.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    let out = site.build_into("public", &[]);
    assert_eq!(
        std::fs::read_to_string(out.join("robots.txt")).unwrap(),
        "User-agent: *\nDisallow: /\n"
    );
    std::fs::remove_file(site.path("static/robots.txt")).unwrap();
    let out = site.build_into("public", &[]);
    assert!(
        std::fs::read_to_string(out.join("robots.txt"))
            .unwrap()
            .contains("Sitemap: https://fixture.example.org/sitemap.xml")
    );
}
