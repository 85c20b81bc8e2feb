//! `--output-dir` never costs a user their files: a build replaces only an empty directory or
//! one briefing built; anything else is refused, untouched, with exit 1, unless `--force`; and
//! the site root, a directory holding it, or one inside the sources is refused even with it
//! (exit 2, as before: it can never be an output directory).

mod common;

use std::path::Path;

use common::{Immutable, TestSite, leftovers, stderr};

/// Every entry under `dir` with its bytes (directories with a trailing slash), so that a
/// refused directory can be shown untouched: no file changed, added, removed or emptied.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut entries: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let name = e.path().strip_prefix(dir).unwrap().display().to_string();
            if e.path_is_symlink() {
                let target = std::fs::read_link(e.path()).unwrap();
                (format!("{name} -> {}", target.display()), Vec::new())
            } else if e.file_type().is_dir() {
                (name + "/", Vec::new())
            } else {
                (name, std::fs::read(e.path()).unwrap())
            }
        })
        .collect();
    entries.sort();
    entries
}

fn build(site: &TestSite, out: &Path, force: bool) -> std::process::Output {
    let mut args = vec!["build", "--output-dir", out.to_str().unwrap()];
    if force {
        args.push("--force");
    }
    site.run(&args)
}

/// A site whose root also holds a git repository and a folder of notes, like a real one.
fn site_with_neighbours() -> TestSite {
    let site = TestSite::fixture("basic");
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    site.write(".git/config", "[core]\n\trepositoryformatversion = 0\n");
    site.write(".git/objects/ab/cdef", [0u8, 1, 2, 3]);
    site.write("notes/ideas.md", "Ideas I must not lose.\n");
    site.write("notes/drafts/one.txt", "A draft.\n");
    site
}

#[test]
fn a_directory_briefing_did_not_build_is_refused_untouched_unless_forced() {
    let site = site_with_neighbours();
    for dir in ["notes", ".git"] {
        let out = site.path(dir);
        let before = tree(&out);
        let result = build(&site, &out, false);
        let message = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{dir}: {message}");
        assert!(
            message.contains(&out.display().to_string()) && message.contains("--force"),
            "{dir}: the message names the directory and --force:\n{message}"
        );
        assert_eq!(tree(&out), before, "{dir} was touched");
        // Watch refuses it the same way, before building anything.
        let watch = site.run(&["watch", "--output-dir", out.to_str().unwrap()]);
        assert_eq!(watch.status.code(), Some(1), "{}", stderr(&watch));
        assert!(stderr(&watch).contains("--force"), "{}", stderr(&watch));
        assert_eq!(tree(&out), before, "watch touched {dir}");
    }
    let left = leftovers(&site.root);
    assert!(left.is_empty(), "{left:?}");

    // --force replaces it, and from then on it is a previous output.
    let notes = site.path("notes");
    let forced = build(&site, &notes, true);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(notes.join("news/first/index.html").is_file());
    assert!(!notes.join("ideas.md").exists());
    let again = build(&site, &notes, false);
    assert!(again.status.success(), "{}", stderr(&again));
}

#[test]
fn an_empty_directory_and_a_previous_output_are_built_into() {
    let site = TestSite::fixture("basic");
    let empty = site.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let first = build(&site, &empty, false);
    assert!(first.status.success(), "{}", stderr(&first));
    let built = tree(&empty);
    assert!(
        built.iter().any(|(n, _)| n == "news/first/index.html"),
        "{built:?}"
    );
    site.replace("content/news/first.md", "More details", "Rebuilt");
    let second = build(&site, &empty, false);
    assert!(second.status.success(), "{}", stderr(&second));
    let page = std::fs::read_to_string(empty.join("news/first/index.html")).unwrap();
    assert!(page.contains("Rebuilt"));
    // The default output directory too, built twice.
    for _ in 0..2 {
        let result = site.run(&["build"]);
        assert!(result.status.success(), "{}", stderr(&result));
    }
}

#[test]
fn the_root_what_holds_it_and_the_sources_are_refused_even_with_force() {
    let site = site_with_neighbours();
    let parent = site.root.parent().unwrap().to_path_buf();
    // Sources reached through links are sources too: a section linked in, and a template.
    site.write(
        "shared/notes/_index.md",
        "+++\ntitle = \"Notes\"\n+++\nNotes.\n",
    );
    site.write("partials/extra.html", "extra");
    std::os::unix::fs::symlink("../shared/notes", site.path("content/notes")).unwrap();
    std::os::unix::fs::symlink("../partials/extra.html", site.path("templates/extra.html"))
        .unwrap();
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (site.path("shared"), "content/notes links to"),
        (site.path("shared/notes"), "content/notes links to"),
        (site.path("shared/notes/out"), "content/notes links to"),
        (site.path("partials"), "templates/extra.html links to"),
        (site.root.clone(), "site root"),
        (parent.clone(), "contains the site root"),
        (site.path("content"), "content/"),
        (site.path("content/news/out"), "content/"),
        (site.path("static/out"), "static/"),
        (site.path("templates/out"), "templates/"),
        // The same directories spelled through `..`.
        (site.path("content/../templates/x/.."), "templates/"),
    ];
    let before = tree(&parent);
    for (out, why) in &cases {
        for force in [false, true] {
            let result = build(&site, out, force);
            let message = stderr(&result);
            assert_eq!(
                result.status.code(),
                Some(1),
                "{} (force: {force}): {message}",
                out.display()
            );
            assert!(
                message.contains("refusing to use") && message.contains(why),
                "{} (force: {force}): expected {why:?} in:\n{message}",
                out.display()
            );
        }
    }
    assert!(tree(&parent) == before, "a refused build changed the files");
}

/// The files briefing keeps beside the output (its lock, its staging directories) are never a
/// way to reach, or remove, a file of the user's.
#[test]
fn what_lies_beside_the_output_is_never_a_way_to_the_users_files() {
    use std::os::unix::fs::symlink;
    let site = TestSite::fixture("basic");
    let out = site.path("public");
    let lock = site.path(".public.briefing-lock");
    let victim = site.path("victim.txt");
    let created = site.path("created-by-briefing.txt");
    type Plant = fn(&Path, &Path) -> std::io::Result<()>;
    let plants: [(&str, Plant); 3] = [
        ("a symbolic link", |target, at| symlink(target, at)),
        ("a hard link", |target, at| std::fs::hard_link(target, at)),
        ("a dangling link", |_, at| {
            symlink(at.with_file_name("created-by-briefing.txt"), at)
        }),
    ];
    for (what, plant) in plants {
        std::fs::write(&victim, "the user's words\n").unwrap();
        plant(&victim, &lock).unwrap();
        let result = build(&site, &out, false);
        assert_eq!(result.status.code(), Some(2), "{what}: {}", stderr(&result));
        assert!(
            stderr(&result).contains("lock file"),
            "{what}: {}",
            stderr(&result)
        );
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "the user's words\n",
            "{what}"
        );
        assert!(
            !created.exists(),
            "{what}: a file was created through the link"
        );
        std::fs::remove_file(&lock).unwrap();
    }
    // A directory of the user's that only looks like a staging directory is left alone.
    site.write(".public.briefing-staging-important/thesis.txt", "mine\n");
    let result = build(&site, &out, false);
    assert!(result.status.success(), "{}", stderr(&result));
    assert_eq!(
        site.read(".public.briefing-staging-important/thesis.txt"),
        "mine\n"
    );
}

/// `public -> /var/www/site` is a common setup: the directory the link names is built into,
/// and the link stays.
#[test]
fn a_linked_output_directory_stays_a_link_and_its_target_is_built() {
    let site = TestSite::fixture("basic");
    let www = site.root.parent().unwrap().join("www");
    assert!(build(&site, &www, false).status.success());
    std::os::unix::fs::symlink(&www, site.path("public")).unwrap();
    site.replace(
        "content/news/first.md",
        "More details",
        "Details after the link",
    );
    let result = build(&site, &site.path("public"), false);
    assert!(result.status.success(), "{}", stderr(&result));
    let public = site.path("public");
    assert!(public.symlink_metadata().unwrap().file_type().is_symlink());
    let page = std::fs::read_to_string(www.join("news/first/index.html")).unwrap();
    assert!(page.contains("Details after the link"));
    assert!(leftovers(&www).is_empty(), "{:?}", leftovers(&www));
}

/// The marker vouches only as briefing writes it: an empty file of that name, or a link to
/// another output's marker, does not make a folder of the user's replaceable.
#[test]
fn only_briefings_own_marker_vouches_for_a_directory() {
    let site = TestSite::fixture("basic");
    let real = site.root.parent().unwrap().join("real");
    assert!(build(&site, &real, false).status.success());
    for (name, plant) in [
        ("empty", None),
        ("link", Some(real.join(".briefing-output"))),
    ] {
        let notes = site.root.parent().unwrap().join(format!("notes-{name}"));
        std::fs::create_dir_all(&notes).unwrap();
        std::fs::write(notes.join("ideas.md"), "mine\n").unwrap();
        match &plant {
            None => std::fs::write(notes.join(".briefing-output"), "").unwrap(),
            Some(target) => {
                std::os::unix::fs::symlink(target, notes.join(".briefing-output")).unwrap()
            }
        }
        let result = build(&site, &notes, false);
        assert_eq!(result.status.code(), Some(1), "{name}: {}", stderr(&result));
        assert_eq!(
            std::fs::read_to_string(notes.join("ideas.md")).unwrap(),
            "mine\n"
        );
    }
}

/// A previous output that someone has since put a dotfile in (a `.git` of a checked-out
/// gh-pages branch) is not replaced without `--force`: briefing never writes one there, so the
/// build would delete it.
#[test]
fn a_previous_output_holding_a_dotfile_of_the_users_is_refused_unless_forced() {
    let site = TestSite::fixture("basic");
    assert!(site.run(&["build"]).status.success());
    let out = site.path("public");
    std::fs::create_dir_all(out.join(".git/refs")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    let before = tree(&out);
    for args in [&["build"][..], &["watch"][..]] {
        let result = site.run(args);
        let message = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{args:?}: {message}");
        assert!(
            message.contains(".git") && message.contains("--force"),
            "{args:?}: {message}"
        );
        assert!(tree(&out) == before, "{args:?}: the refused output changed");
    }
    let forced = site.run(&["build", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(!out.join(".git").exists());
}

/// Only briefing's own staging directories beside the output are tidied away: another site
/// built beside it, and an empty folder of the user's, stay.
#[test]
fn a_build_leaves_other_directories_beside_the_output_alone() {
    let site = TestSite::fixture("basic");
    let preview = site.path("public-preview");
    assert!(build(&site, &preview, false).status.success());
    let preview_before = tree(&preview);
    std::fs::create_dir_all(site.path("drafts")).unwrap();
    let result = build(&site, &site.path("public"), false);
    assert!(result.status.success(), "{}", stderr(&result));
    assert_eq!(
        tree(&preview),
        preview_before,
        "the other output was touched"
    );
    assert!(site.path("drafts").is_dir(), "the empty folder was removed");
}

/// A previous output that cannot be removed (something in it made immutable) is an error naming
/// it, with the new site in place; once the obstacle is gone, the next build removes it.
#[test]
fn a_previous_output_that_cannot_be_removed_is_reported_and_removed_later() {
    let site = TestSite::fixture("basic");
    if !Immutable::possible_in(&site.root) {
        eprintln!("skipped: files cannot be made immutable here");
        return;
    }
    let out = site.build_into("public", &[]);
    // The obstacle is an entry listed after the marker, where a removal that stops at the
    // obstacle has already removed the marker (a marker listed last leaves no such entry).
    let listed: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let marker = listed.iter().position(|n| n == ".briefing-output").unwrap();
    let obstacle = listed
        .last()
        .filter(|_| marker + 1 < listed.len())
        .unwrap_or(&listed[0]);
    let stuck = Immutable::set(&out.join(obstacle)).unwrap();
    site.replace("content/news/first.md", "More details", "Newer details");
    let result = build(&site, &out, false);
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("cannot remove the previous output"),
        "{}",
        stderr(&result)
    );
    let page = std::fs::read_to_string(out.join("news/first/index.html")).unwrap();
    assert!(page.contains("Newer details"), "the new site is in place");
    drop(stuck);
    let result = build(&site, &out, false);
    assert!(result.status.success(), "{}", stderr(&result));
    let left = leftovers(&site.root);
    assert!(left.is_empty(), "{left:?}");
}
