//! The output directory, driven through its own API: what is on disk after each write.

use super::*;

fn output(files: &[(&str, &str)]) -> Output {
    let mut output = Output::new();
    for (path, text) in files {
        output.insert(*path, text.as_bytes().to_vec());
    }
    output
}

fn claim(path: &Path) -> OutputDir {
    OutputDir::claim(path, Overwrite::OutputOnly)
        .unwrap()
        .unwrap()
}

/// Every entry under `dir`, relative, directories with a trailing slash.
fn tree(dir: &Path) -> Vec<String> {
    let mut entries: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let relative = e.path().strip_prefix(dir).unwrap().display().to_string();
            if e.file_type().is_dir() {
                relative + "/"
            } else {
                relative
            }
        })
        .collect();
    entries.sort();
    entries
}

#[test]
fn a_whole_write_replaces_the_directory_and_leaves_only_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("public");
    let mut out = claim(&path);
    out.replace(&output(&[("stale/index.html", "old")]))
        .unwrap();
    out.replace(&output(&[
        ("index.html", "new"),
        ("a/b/index.html", "deep"),
    ]))
    .unwrap();
    assert_eq!(
        tree(&path),
        [MARKER, "a/", "a/b/", "a/b/index.html", "index.html"]
    );
    drop(out);
    assert_eq!(
        tree(dir.path()).first().map(String::as_str),
        Some("public/")
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no staging directory or lock file lingers"
    );
}

#[test]
fn updates_turn_files_into_directories_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("public");
    let mut out = claim(&path);
    out.update(&output(&[("logo", "a file"), ("x/y/z.txt", "deep")]))
        .unwrap();
    let written = out
        .update(&output(&[
            ("logo/small.png", "now a folder"),
            ("x", "now a file"),
        ]))
        .unwrap();
    assert!(
        matches!(
            written,
            Written::Files {
                written: 2,
                removed: 2
            }
        ),
        "{written:?}"
    );
    assert_eq!(tree(&path), [MARKER, "logo/", "logo/small.png", "x"]);
    out.update(&output(&[("logo", "a file again"), ("x", "now a file")]))
        .unwrap();
    assert_eq!(tree(&path), [MARKER, "logo", "x"]);
    assert_eq!(
        std::fs::read_to_string(path.join("logo")).unwrap(),
        "a file again"
    );
}

#[test]
fn a_failed_update_writes_the_whole_site_instead() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("public");
    let mut out = claim(&path);
    out.update(&output(&[("index.html", "one"), ("style.css", "a")]))
        .unwrap();
    // Something put a directory where a file must go.
    std::fs::remove_file(path.join("style.css")).unwrap();
    std::fs::create_dir_all(path.join("style.css/in-the-way")).unwrap();
    let written = out
        .update(&output(&[("index.html", "one"), ("style.css", "b")]))
        .unwrap();
    assert!(
        matches!(written, Written::Whole { after: Some(_) }),
        "{written:?}"
    );
    assert_eq!(tree(&path), [MARKER, "index.html", "style.css"]);
    assert_eq!(
        std::fs::read_to_string(path.join("style.css")).unwrap(),
        "b"
    );
}

#[test]
fn a_second_writer_is_refused_and_leaves_the_first_ones_staging_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("public");
    let first = claim(&path);
    let staging = first.staging().unwrap();
    staging.write("index.html", b"the whole site").unwrap();
    let refused = OutputDir::claim(&path, Overwrite::OutputOnly).unwrap_err();
    assert!(
        refused.to_string().contains("another briefing is writing"),
        "{refused}"
    );
    staging.commit().unwrap();
    assert_eq!(tree(&path), [MARKER, "index.html"]);
}

#[test]
fn only_an_empty_directory_or_a_previous_output_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(notes.join("todo.txt"), "keep me").unwrap();
    let refused = OutputDir::claim(&notes, Overwrite::OutputOnly)
        .unwrap()
        .unwrap_err();
    assert!(
        refused.message.contains("refusing to replace"),
        "{refused:?}"
    );
    assert!(refused.hint.unwrap().contains("--force"));
    assert_eq!(tree(&notes), ["todo.txt"]);
    let mut forced = OutputDir::claim(&notes, Overwrite::Anything)
        .unwrap()
        .unwrap();
    forced.replace(&output(&[("index.html", "site")])).unwrap();
    drop(forced);
    // Now it is a previous output, replaced without --force.
    let mut again = claim(&notes);
    again.replace(&output(&[("index.html", "site 2")])).unwrap();
    assert_eq!(tree(&notes), [MARKER, "index.html"]);
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    claim(&empty).replace(&output(&[("a", "b")])).unwrap();
}

#[test]
fn only_files_whose_bytes_differ_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("public");
    let mut out = claim(&path);
    out.update(&output(&[("index.html", "same"), ("style.css", "a")]))
        .unwrap();
    let untouched = inode(&path.join("index.html"));
    // Equal bytes in a new buffer, as a rebuild that renders the page again makes them.
    let written = out
        .update(&output(&[("index.html", "same"), ("style.css", "b")]))
        .unwrap();
    assert!(
        matches!(
            written,
            Written::Files {
                written: 1,
                removed: 0
            }
        ),
        "{written:?}"
    );
    assert_eq!(inode(&path.join("index.html")), untouched);
}

fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

/// `count` files named `0.txt`, `1.txt`... each holding `text`.
fn numbered(count: usize, text: &str) -> Output {
    let mut output = Output::new();
    for i in 0..count {
        output.insert(format!("{i}.txt"), text.as_bytes().to_vec());
    }
    output
}

#[test]
fn more_than_stage_above_changes_are_staged_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut out = claim(&dir.path().join("public"));
    out.update(&numbered(STAGE_ABOVE, "first")).unwrap();
    let at_the_limit = out.update(&numbered(STAGE_ABOVE, "second")).unwrap();
    assert!(
        matches!(at_the_limit, Written::Files { written, removed: 0 } if written == STAGE_ABOVE),
        "{at_the_limit:?}"
    );
    let above = out.update(&numbered(STAGE_ABOVE + 1, "third")).unwrap();
    assert!(matches!(above, Written::Whole { after: None }), "{above:?}");
}

/// The output a whole write replaced is removed in the background; a stopped watch waits for
/// that, so that nothing is left beside the output.
#[test]
fn a_released_output_dir_has_removed_the_output_it_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("public");
    let mut out = claim(&path);
    // Large enough that its removal is still running when the value is dropped, unless waited for.
    out.replace(&numbered(4000, "old")).unwrap();
    out.replace(&output(&[("index.html", "new")])).unwrap();
    drop(out);
    assert_eq!(
        tree(dir.path()),
        ["public/", "public/.briefing-output", "public/index.html"]
    );
}

#[test]
fn the_fallback_swap_by_two_renames_leaves_the_old_where_the_new_was() {
    let dir = tempfile::tempdir().unwrap();
    let (new, current) = (dir.path().join("new"), dir.path().join("current"));
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(new.join("v"), "new").unwrap();
    std::fs::create_dir_all(&current).unwrap();
    std::fs::write(current.join("v"), "old").unwrap();
    swap_by_renames(&new, &current).unwrap();
    assert_eq!(std::fs::read_to_string(current.join("v")).unwrap(), "new");
    assert_eq!(std::fs::read_to_string(new.join("v")).unwrap(), "old");
    assert_eq!(tree(dir.path()), ["current/", "current/v", "new/", "new/v"]);
}
