//! `watch` while the directories around what it watches are renamed, replaced and made again:
//! a folder holding a link, a linked folder, the folder a link points into, a folder deeper on
//! the way, the folder of a `load_data` file (itself a link). After every step, and after every
//! edit made since, the output must equal a clean build. And folders of the output deleted
//! while `watch` runs: the next write puts them back.

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{BIN, Rng, TestSite, Watch, snapshot};

/// The fixture with everything a build reads from outside content/, templates/ and static/:
/// - `content/extra/lnk.md -> ../../other/t.md` (a folder holding a link, renamed),
/// - `content/ext -> ../other/cdir` (a linked folder),
/// - `content/news/deep.md -> ../../other/deep/x/q.md` (a target three folders down),
/// - `data/l.toml -> ../other/r.toml` and `data/d.toml`, read with `load_data`.
fn site() -> TestSite {
    let site = TestSite::fixture("basic");
    site.write("content/extra/_index.md", "+++\ntitle = \"Extra\"\n+++\n");
    site.write("other/cdir/_index.md", "+++\ntitle = \"Linked\"\n+++\n");
    site.write("other/r.toml", "x = \"r0\"\n");
    site.write("data/d.toml", "x = \"d0\"\n");
    site.write(
        "templates/index.html",
        "{% set l = load_data(path=\"data/l.toml\") %}{% set d = load_data(path=\"data/d.toml\") %}\
         <p>L={{ l.x }} D={{ d.x }}</p>",
    );
    for (file, _) in TARGETS.iter().filter(|(_, page)| *page) {
        site.write(file, page(file, 0));
    }
    symlink("../../other/t.md", site.path("content/extra/lnk.md")).unwrap();
    symlink("../other/cdir", site.path("content/ext")).unwrap();
    symlink("../../other/deep/x/q.md", site.path("content/news/deep.md")).unwrap();
    symlink("../other/r.toml", site.path("data/l.toml")).unwrap();
    site
}

/// The files edited, and whether each is a page (else a data file).
const TARGETS: [(&str, bool); 5] = [
    ("other/t.md", true),
    ("other/cdir/p.md", true),
    ("other/deep/x/q.md", true),
    ("other/r.toml", false),
    ("data/d.toml", false),
];

fn page(file: &str, n: usize) -> String {
    format!("+++\ntitle = \"{file} {n}\"\n+++\nbody of {file}, version {n}\n")
}

fn edit(site: &TestSite, file: &str, is_page: bool, n: usize) {
    match is_page {
        true => site.write(file, page(file, n)),
        false => site.write(file, format!("x = \"v{n}\"\n")),
    }
}

/// `dir` moved aside, copied back (links as links) and the old one removed: a checkout, an
/// unpack, a sync tool. The directory at the name is a new one, with the same files.
fn replace_dir(site: &TestSite, dir: &str) {
    let old = site.path(&format!("{dir}.old"));
    std::fs::rename(site.path(dir), &old).unwrap();
    copy_with_links(&old, &site.path(dir));
    std::fs::remove_dir_all(&old).unwrap();
}

fn copy_with_links(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.path_is_symlink() {
            symlink(std::fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Renames `a` to `b`, or back when `a` is gone.
fn swap_name(site: &TestSite, a: &str, b: &str) {
    let (from, to) = match site.path(a).symlink_metadata().is_ok() {
        true => (a, b),
        false => (b, a),
    };
    std::fs::rename(site.path(from), site.path(to)).unwrap();
}

/// One random step, described for the failure message.
fn step(site: &TestSite, rng: &mut Rng, n: usize) -> String {
    match rng.below(8) {
        0 | 1 => {
            let (file, is_page) = TARGETS[rng.below(TARGETS.len() as u64) as usize];
            edit(site, file, is_page, n);
            format!("edit {file}")
        }
        2 => {
            swap_name(site, "content/extra", "content/extra2");
            "rename the folder holding a link".into()
        }
        3 => {
            swap_name(site, "content/ext", "content/ext2");
            "rename the link to a folder".into()
        }
        4 => {
            let dir = ["other", "data", "other/deep", "other/deep/x", "other/cdir"]
                [rng.below(5) as usize];
            replace_dir(site, dir);
            format!("replace {dir}")
        }
        5 => {
            // Moved away and back before `watch` looks: the same directory, a new watch.
            std::fs::rename(site.path("other"), site.path("other.away")).unwrap();
            std::thread::sleep(Duration::from_millis(rng.below(40)));
            std::fs::rename(site.path("other.away"), site.path("other")).unwrap();
            "move other away and back".into()
        }
        _ => {
            // A replacement and an edit of what is in it, at once.
            let (file, is_page) = TARGETS[rng.below(TARGETS.len() as u64) as usize];
            let dir = Path::new(file).parent().unwrap().to_str().unwrap();
            replace_dir(site, dir);
            edit(site, file, is_page, n);
            format!("replace {dir} and edit {file}")
        }
    }
}

/// Every file under `dir` with its bytes, as `snapshot`, or nothing while `watch` is removing
/// some of them: not settled yet.
fn snapshot_while_written(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let Ok(entry) = entry else { return Vec::new() };
        if entry.file_type().is_file() {
            let Ok(bytes) = std::fs::read(entry.path()) else {
                return Vec::new();
            };
            let name = entry.path().strip_prefix(dir).unwrap();
            files.push((name.to_string_lossy().into_owned(), bytes));
        }
    }
    files.sort();
    files
}

/// Waits until `public/` equals a clean build of the site as it is now.
fn settles(site: &TestSite, clean: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(clean);
    let built = std::process::Command::new(BIN)
        .args(["build", "--quiet", "--root"])
        .arg(&site.root)
        .arg("--output-dir")
        .arg(clean)
        .output()
        .unwrap();
    assert!(built.status.success(), "{built:?}");
    let expected = snapshot(clean);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = snapshot_while_written(&site.path("public"));
        if got == expected {
            return Ok(());
        }
        if Instant::now() > deadline {
            let differ: Vec<&str> = expected
                .iter()
                .filter(|file| !got.contains(file))
                .map(|(name, _)| name.as_str())
                .collect();
            return Err(format!("public/ differs from a clean build in {differ:?}"));
        }
        std::thread::sleep(Duration::from_millis(30));
    }
}

#[test]
fn watch_follows_directories_renamed_replaced_and_made_again() {
    // Many short rounds, each with a `watch` of its own: the first move of a round meets the
    // watches as they were set up at the start, which later moves have replaced.
    for round in 1..=10_u64 {
        let seed = round.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let site = site();
        let clean_dir = tempfile::tempdir().unwrap();
        let clean = clean_dir.path().join("clean");
        let mut watch = Watch::start(&site, &[]);
        settles(&site, &clean).unwrap();
        let mut rng = Rng(seed);
        let mut done = Vec::new();
        for n in 1..=12 {
            let what = step(&site, &mut rng, n);
            let moved = !what.starts_with("edit");
            done.push(what);
            let mut result = settles(&site, &clean);
            // What is in a directory watched afresh is edited too: the watch must be the new one.
            if moved && result.is_ok() {
                for (file, is_page) in TARGETS {
                    edit(&site, file, is_page, n);
                }
                done.push("edit every target".into());
                result = settles(&site, &clean);
            }
            if let Err(problem) = result {
                watch.drain();
                panic!(
                    "seed {seed:#x}, after: {}\n{problem}\nwatch printed:\n{}",
                    done.join(", "),
                    watch.seen.join("\n")
                );
            }
        }
    }
}

/// A folder deleted from `public/` (a careless clean-up, a sync tool) comes back with the next
/// write: at the top of the output whatever the edit, deeper when the edit writes into it.
#[test]
fn folders_deleted_from_the_output_come_back_with_the_next_write() {
    let site = TestSite::fixture("basic");
    site.write("content/news/pics/a.txt", "a0");
    site.write("content/news/pics/b.txt", "b0");
    let clean_dir = tempfile::tempdir().unwrap();
    let clean = clean_dir.path().join("clean");
    let mut watch = Watch::start(&site, &[]);
    settles(&site, &clean).unwrap();
    let steps: [(&str, &str, &str); 3] = [
        // The folder of the page edited.
        ("public/news", "content/news/second.md", "One edit."),
        // A folder the edit does not touch.
        ("public/about", "content/news/second.md", "Another edit."),
        // A folder deeper down, of which the edit writes one file.
        ("public/news/pics", "content/news/pics/a.txt", "a1"),
    ];
    for (deleted, edited, text) in steps {
        std::fs::remove_dir_all(site.path(deleted)).unwrap();
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(site.path(edited))
            .unwrap();
        std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
        drop(file);
        if let Err(problem) = settles(&site, &clean) {
            watch.drain();
            panic!(
                "{deleted} deleted, then {edited} edited: {problem}\nwatch printed:\n{}",
                watch.seen.join("\n")
            );
        }
    }
}
