//! `briefing watch` never leaves a torn site, and recovers from every fault: a kill or Ctrl-C in
//! the middle of a rewrite, a folder taking a file's place and back, a write that fails.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Rng, Running, TestSite, Watch, large_site, leftovers, snapshot, snapshot_with_modes};
use rustix::process::{Pid, Signal, kill_process};

const PLAIN: &str = "<main>";
const MARKED: &str = "<main class=\"v2\">";

fn set_template(site: &TestSite, marked: bool) {
    let (from, to) = if marked {
        (PLAIN, MARKED)
    } else {
        (MARKED, PLAIN)
    };
    site.replace("templates/base.html", from, to);
}

fn signal(process: &Running, signal: Signal) {
    let _ = kill_process(Pid::from_child(&process.0), signal);
}

#[test]
fn a_kill_or_ctrl_c_during_a_rewrite_never_tears_the_site_and_a_restart_repairs_it() {
    // Every page uses base.html: an edit of it rewrites all of them, more than watch would
    // replace one by one.
    let site = large_site(400);
    let out = site.path("public");
    let plain = snapshot(&site.build_into("expected-plain", &[]));
    set_template(&site, true);
    let marked = snapshot(&site.build_into("expected-marked", &[]));
    set_template(&site, false);
    let clean = |marked_now: bool| if marked_now { &marked } else { &plain };

    // How long the rewrite takes, from the save to the new site in place.
    let mut watch = Watch::start(&site, &[]);
    assert!(snapshot(&out) == plain);
    let saved = Instant::now();
    set_template(&site, true);
    watch.wait_for("Built", Duration::from_secs(60));
    let rewrite = saved.elapsed();
    assert!(snapshot(&out) == marked);
    drop(watch);
    let mut marked_now = true;

    let mut rng = Rng(0x7ea2_2026);
    let (mut landed_midway, mut rounds) = (0, 0);
    let started = Instant::now();
    // At least six rounds, and more while no kill has landed midway, within a time budget.
    while rounds < 6 || (landed_midway == 0 && rounds < 12 && started.elapsed().as_secs() < 25) {
        rounds += 1;
        let interrupt = rounds % 3 == 0;
        let mut watch = Watch::start(&site, &[]);
        assert!(
            snapshot(&out) == *clean(marked_now),
            "round {rounds}: a restarted watch did not bring public/ back to a clean build"
        );
        marked_now = !marked_now;
        set_template(&site, marked_now);
        let delay = Duration::from_millis(rng.below(rewrite.as_millis() as u64 * 5 / 4));
        std::thread::sleep(delay);
        if interrupt {
            signal(&watch.process, Signal::INT);
            let status = watch.process.0.wait().unwrap();
            assert_eq!(status.code(), Some(0), "round {rounds}: Ctrl-C must exit 0");
            watch.wait_for("Stopped.", Duration::from_secs(5));
        } else {
            signal(&watch.process, Signal::KILL);
            let _ = watch.process.0.wait();
        }
        let now = snapshot(&out);
        assert!(
            now == plain || now == marked,
            "round {rounds}: after {} at {delay:?}, public/ is neither the old site nor the new one",
            if interrupt { "SIGINT" } else { "SIGKILL" }
        );
        let inside = leftovers(&out);
        assert!(
            inside.is_empty(),
            "round {rounds}: temporary files in public/: {inside:?}"
        );
        if interrupt {
            let beside = leftovers(&site.root);
            assert!(beside.is_empty(), "round {rounds}: Ctrl-C left {beside:?}");
        } else if staging_left(&site.root) && now == *clean(!marked_now) {
            landed_midway += 1;
        }
    }
    eprintln!("{rounds} rounds, {landed_midway} kills while writing; a rewrite takes {rewrite:?}");
    assert!(
        landed_midway > 0,
        "no kill landed while the new site was being written, in {rounds} rounds (rewrite {rewrite:?}): the test proved nothing"
    );
    // A plain build repairs too, and tidies what the kills left beside the output.
    let result = site.run(&["build"]);
    assert!(result.status.success(), "{}", common::stderr(&result));
    assert!(snapshot(&out) == *clean(marked_now));
    assert!(
        leftovers(&site.root).is_empty(),
        "{:?}",
        leftovers(&site.root)
    );
}

/// Whether a staging directory is left beside the output: the kill came while the new site was
/// being written.
fn staging_left(root: &Path) -> bool {
    std::fs::read_dir(root).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".briefing-staging-")
    })
}

/// Waits until `out` is what a clean build of the site's current files gives.
fn wait_for_clean(site: &TestSite, out: &Path, watch: &mut Watch, what: &str) {
    let expected = snapshot_with_modes(&site.build_into("clean", &[]));
    let deadline = Instant::now() + Duration::from_secs(15);
    while snapshot_with_modes(out) != expected {
        watch.drain();
        assert!(
            Instant::now() < deadline,
            "{what}: public/ never became a clean build; watch printed:\n{}",
            watch.seen.join("\n")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(leftovers(out).is_empty(), "{what}: {:?}", leftovers(out));
}

fn problems(watch: &mut Watch) -> Vec<String> {
    watch.drain();
    watch
        .seen
        .iter()
        .filter(|l| l.starts_with("error") || l.starts_with("warning"))
        .cloned()
        .collect()
}

#[test]
fn a_static_file_and_a_folder_take_each_others_place() {
    let site = TestSite::fixture("basic");
    site.write("static/fonts/serif.woff2", [0u8, 1, 2]);
    let out = site.path("public");
    let mut watch = Watch::start(&site, &[]);
    site.write("static/logo", "a file");
    wait_for_clean(&site, &out, &mut watch, "a new file");
    std::fs::remove_file(site.path("static/logo")).unwrap();
    site.write("static/logo/small.svg", "<svg/>");
    wait_for_clean(&site, &out, &mut watch, "file -> folder");
    assert!(out.join("logo/small.svg").is_file());
    std::fs::remove_dir_all(site.path("static/logo")).unwrap();
    site.write("static/logo", "a file again");
    wait_for_clean(&site, &out, &mut watch, "folder -> file");
    // The same with a folder that was there when watch started.
    std::fs::remove_dir_all(site.path("static/fonts")).unwrap();
    site.write("static/fonts", "not a folder any more");
    wait_for_clean(&site, &out, &mut watch, "an original folder -> file");
    // Done file by file, without falling back to writing the whole site.
    assert!(
        problems(&mut watch).is_empty(),
        "{:?}",
        problems(&mut watch)
    );
}

#[test]
fn a_failed_write_is_repaired_at_once_and_later_edits_still_land() {
    let site = TestSite::fixture("basic");
    let out = site.path("public");
    let mut watch = Watch::start(&site, &[]);
    // Something puts a folder where briefing must write a file.
    std::fs::remove_file(out.join("css/site.css")).unwrap();
    std::fs::create_dir_all(out.join("css/site.css/in-the-way")).unwrap();
    site.write("static/css/site.css", "body { color: black }\n");
    let warning = watch.wait_for("warning: could not update", Duration::from_secs(15));
    assert!(warning.contains("css/site.css"), "it says why: {warning}");
    wait_for_clean(&site, &out, &mut watch, "the write that failed");
    site.replace("content/news/first.md", "More details", "A later edit");
    wait_for_clean(&site, &out, &mut watch, "the next edit");
}

/// A small file system that fills up: skipped where the sandbox cannot mount one.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then(|| Tmpfs(at.to_path_buf()))
    }

    /// Writes a ballast file until the file system has only `room` bytes left.
    fn fill(&self, room: u64) -> std::path::PathBuf {
        let ballast = self.0.join("ballast");
        let mut file = std::fs::File::create(&ballast).unwrap();
        let chunk = vec![0u8; 4096];
        while std::io::Write::write_all(&mut file, &chunk).is_ok() {}
        let full = file.metadata().unwrap().len();
        file.set_len(full.saturating_sub(room)).unwrap();
        ballast
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn a_full_disk_fails_a_write_and_the_next_edit_repairs_the_site() {
    let site = TestSite::fixture("basic");
    let Some(disk) = Tmpfs::mount(&site.path("small-disk"), "1m") else {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    };
    let out = disk.0.join("public");
    let mut watch = Watch::start(&site, &["--output-dir", out.to_str().unwrap()]);
    // Every page grows by 20 kB, and there is room for about two of them: those written first
    // replace their old versions, the rest fail, and so does writing the whole site instead.
    let ballast = disk.fill(44 * 1024);
    let grown = format!("<main><!-- {} -->", "x".repeat(20_000));
    site.replace("templates/base.html", "<main>", &grown);
    watch.wait_for("error:", Duration::from_secs(15));
    std::fs::remove_file(ballast).unwrap();
    // Back to the files as they were before: only a watch that knows its last write failed
    // writes anything now, and it must undo the pages that did get written.
    site.replace("templates/base.html", &grown, "<main>");
    watch.wait_for("Built", Duration::from_secs(15));
    let expected = snapshot(&site.build_into("clean", &[]));
    assert!(snapshot(&out) == expected, "public/ was not repaired");
    signal(&watch.process, Signal::INT);
    watch.wait_for("Stopped.", Duration::from_secs(5));
    let _ = watch.process.0.wait();
    assert!(leftovers(&disk.0).is_empty(), "{:?}", leftovers(&disk.0));
}
