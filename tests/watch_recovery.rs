//! `briefing watch` never leaves a torn site, and recovers from every fault: a kill or Ctrl-C in
//! the middle of a rewrite, a folder taking a file's place and back, a write that fails.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{
    Immutable, Rng, Running, TestSite, Watch, large_site, leftovers, snapshot, snapshot_with_modes,
};
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
    // A file someone already removed from public/ is no reason to write the whole site; the
    // edit after it shows its rebuild is done.
    std::fs::remove_file(out.join("logo")).unwrap();
    std::fs::remove_file(site.path("static/logo")).unwrap();
    site.write("static/fonts", "changed after the removal");
    wait_for_clean(&site, &out, &mut watch, "a file already gone from public/");
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

/// A file or directory of the output made immutable by the random sequence, for a few edits.
struct Stuck {
    _flag: Immutable,
    /// The output directory itself: then not even a whole write can replace it.
    is_output: bool,
    edits_left: u64,
}

/// One change to a site's files.
enum Op {
    Write(String, String),
    Remove(String),
}

/// `write a.md, remove b.txt`: what a failure message needs to replay the step.
fn describe(ops: &[Op]) -> String {
    let each = ops.iter().map(|op| match op {
        Op::Write(path, _) => format!("write {path}"),
        Op::Remove(path) => format!("remove {path}"),
    });
    each.collect::<Vec<_>>().join(", ")
}

fn apply(site: &TestSite, ops: &[Op]) {
    for op in ops {
        match op {
            Op::Write(path, text) => site.write(path, text),
            Op::Remove(path) if site.path(path).is_dir() => {
                std::fs::remove_dir_all(site.path(path)).unwrap();
            }
            Op::Remove(path) => std::fs::remove_file(site.path(path)).unwrap(),
        }
    }
}

const PAGES: [&str; 3] = [
    "content/news/first.md",
    "content/news/second.md",
    "content/about/_index.md",
];
/// Each is absent, a file, or a folder holding `inner.txt`.
const SLOTS: [&str; 3] = [
    "static/extra/a.txt",
    "static/extra/b.txt",
    "static/extra/c.txt",
];

/// The next edit of a site whose files are those of `sources`: a page body, the base template,
/// or a static file added, changed, removed, or replaced by a folder and back. Each changes
/// the output.
fn next_edit(sources: &TestSite, rng: &mut Rng, step: usize) -> Vec<Op> {
    let stamp = format!("Edited at step {step}.\n");
    match rng.below(6) {
        0..=2 => {
            let page = PAGES[rng.below(3) as usize];
            vec![Op::Write(page.into(), sources.read(page) + "\n" + &stamp)]
        }
        3 => {
            let base = sources.read("templates/base.html");
            let toggled = if base.contains(MARKED) {
                base.replacen(MARKED, PLAIN, 1)
            } else {
                base.replacen(PLAIN, MARKED, 1)
            };
            vec![Op::Write("templates/base.html".into(), toggled)]
        }
        _ => {
            let slot = SLOTS[rng.below(3) as usize].to_string();
            let inner = format!("{slot}/inner.txt");
            let at = sources.path(&slot);
            match (at.is_file(), at.is_dir(), rng.below(3)) {
                (false, false, 0) => vec![Op::Write(inner, stamp)],
                (false, false, _) => vec![Op::Write(slot, stamp)],
                (_, _, 0) => vec![Op::Remove(slot)],
                (true, _, 1) => vec![Op::Remove(slot), Op::Write(inner, stamp)],
                (true, _, _) => vec![Op::Write(slot, stamp)],
                (_, true, 1) => vec![Op::Remove(slot.clone()), Op::Write(slot, stamp)],
                (_, true, _) => vec![Op::Write(inner, stamp)],
            }
        }
    }
}

type Tree = Vec<(String, u32, Vec<u8>)>;

/// Puts something in the way of one output file that going from `before` to `after` writes or
/// removes: a folder where it goes or, where the file system allows, the file, its directory or
/// the whole output directory made immutable. Says what it did.
fn obstruct(
    out: &Path,
    (before, after): (&Tree, &Tree),
    rng: &mut Rng,
    stuck: &mut Vec<Stuck>,
    can_make_immutable: bool,
) -> Option<String> {
    let old: BTreeMap<&str, &[u8]> = before.iter().map(|(p, _, b)| (&**p, &**b)).collect();
    let new: BTreeMap<&str, &[u8]> = after.iter().map(|(p, _, b)| (&**p, &**b)).collect();
    let touched: Vec<&str> = old
        .iter()
        .filter(|&(path, bytes)| new.get(path) != Some(bytes))
        .map(|(path, _)| *path)
        .chain(new.keys().copied().filter(|path| !old.contains_key(path)))
        .filter(|path| out.join(path).parent().is_some_and(Path::is_dir))
        .collect();
    let mut target = *touched.get(rng.below(touched.len() as u64) as usize)?;
    let kind = if can_make_immutable { rng.below(4) } else { 0 };
    if kind == 3 {
        // The output directory itself, so a file at its top must change.
        target = touched.iter().copied().find(|path| !path.contains('/'))?;
    }
    let at = out.join(target);
    let edits_left = 1 + rng.below(2);
    match kind {
        0 => {
            if at.is_file() {
                std::fs::remove_file(&at).ok()?;
            }
            std::fs::create_dir_all(&at).ok()?;
            std::fs::write(at.join("in-the-way"), "").ok()?;
            Some(format!("a folder in the way of {target}"))
        }
        1 if at.is_file() => {
            stuck.push(Stuck {
                _flag: Immutable::set(&at).ok()?,
                is_output: false,
                edits_left,
            });
            Some(format!("{target} made immutable"))
        }
        _ => {
            let dir = at.parent()?;
            stuck.push(Stuck {
                _flag: Immutable::set(dir).ok()?,
                is_output: dir == out,
                edits_left,
            });
            Some(format!("the directory of {target} made immutable"))
        }
    }
}

/// Waits until `out` is `expected`, with no temporary file in it.
fn settle(out: &Path, expected: &Tree, watch: &mut Watch, history: &[String]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while snapshot_with_modes(out) != *expected {
        watch.drain();
        assert!(
            Instant::now() < deadline,
            "public/ never became a clean build after:\n{}\nwatch printed:\n{}",
            history.join("\n"),
            watch.seen.join("\n")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let left = leftovers(out);
    assert!(
        left.is_empty(),
        "temporary files in public/ {left:?} after:\n{}",
        history.join("\n")
    );
}

/// Waits for the error a write that cannot be done at all is reported with.
fn wait_for_error(watch: &mut Watch, history: &[String]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !watch.drain().iter().any(|line| line.starts_with("error:")) {
        assert!(
            Instant::now() < deadline,
            "no error reported after:\n{}\nwatch printed:\n{}",
            history.join("\n"),
            watch.seen.join("\n")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `steps` random edits under `briefing watch`, about half of them after an obstacle was put in
/// the way of a file the edit writes; returns every line watch printed.
fn faulty_sequence(seed: u64, steps: usize, can_make_immutable: bool) -> Vec<String> {
    let site = TestSite::fixture("basic");
    // The same edits, each built clean: what public/ must become.
    let sources = TestSite::fixture("basic");
    // Declared after the sites, so made mutable again before their temp dirs are removed.
    let mut stuck: Vec<Stuck> = Vec::new();
    let out = site.path("public");
    let mut watch = Watch::start(&site, &[]);
    let mut expected = snapshot_with_modes(&sources.build_into("public", &[]));
    let mut history = vec![format!("seed {seed:#x}")];
    settle(&out, &expected, &mut watch, &history);
    let mut rng = Rng(seed);
    for step in 1..=steps {
        // Obstacles whose time is up go before the edit, whose write must then repair all.
        stuck.retain_mut(|s| {
            s.edits_left -= 1;
            s.edits_left > 0
        });
        let edit = next_edit(&sources, &mut rng, step);
        apply(&sources, &edit);
        let next = snapshot_with_modes(&sources.build_into("public", &[]));
        let obstacle = if stuck.is_empty() && rng.below(2) == 0 {
            obstruct(
                &out,
                (&expected, &next),
                &mut rng,
                &mut stuck,
                can_make_immutable,
            )
        } else {
            None
        };
        let obstacle = obstacle.unwrap_or_else(|| "no obstacle".into());
        history.push(format!("step {step}: {obstacle}, then {}", describe(&edit)));
        apply(&site, &edit);
        expected = next;
        if stuck.iter().any(|s| s.is_output) {
            wait_for_error(&mut watch, &history);
            assert!(leftovers(&out).is_empty(), "{}", history.join("\n"));
        } else {
            settle(&out, &expected, &mut watch, &history);
        }
    }
    stuck.clear();
    let last = vec![Op::Write(
        PAGES[0].into(),
        sources.read(PAGES[0]) + "\nLast.\n",
    )];
    apply(&sources, &last);
    apply(&site, &last);
    history.push(format!("every obstacle gone, then {}", describe(&last)));
    expected = snapshot_with_modes(&sources.build_into("public", &[]));
    settle(&out, &expected, &mut watch, &history);
    signal(&watch.process, Signal::INT);
    watch.wait_for("Stopped.", Duration::from_secs(5));
    // The next build tidies what failed removals of replaced outputs left beside public/.
    let result = site.run(&["build"]);
    assert!(result.status.success(), "{}", common::stderr(&result));
    assert!(
        snapshot_with_modes(&out) == expected,
        "{}",
        history.join("\n")
    );
    let left = leftovers(&site.root);
    assert!(
        left.is_empty(),
        "{left:?} left after:\n{}",
        history.join("\n")
    );
    watch.seen
}

#[test]
fn random_edits_with_failed_writes_end_in_a_clean_build_each_time() {
    let can_make_immutable = Immutable::possible_in(&std::env::temp_dir());
    if !can_make_immutable {
        eprintln!("files cannot be made immutable here: only folders are put in the way");
    }
    let mut seen = Vec::new();
    for seed in [0x0b57_ac1e_u64, 0x00fa_11ed_2026, 0x5eed] {
        seen.extend(faulty_sequence(seed, 20, can_make_immutable));
    }
    // The obstacles did make writes fail: file by file, and whole.
    let count = |prefix: &str| seen.iter().filter(|l| l.starts_with(prefix)).count();
    eprintln!(
        "{} updates fell back to a whole write, {} writes failed",
        count("warning: could not update"),
        count("error:")
    );
    assert!(count("warning: could not update") > 0, "{seen:#?}");
    if can_make_immutable {
        assert!(count("error:") > 0, "{seen:#?}");
    }
}

/// Context switches of every thread of process `pid` so far.
fn context_switches(pid: u32) -> u64 {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("status")).ok())
        .flat_map(|status| {
            status
                .lines()
                .filter_map(|line| {
                    line.strip_prefix("voluntary_ctxt_switches:")
                        .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))
                        .and_then(|count| count.trim().parse::<u64>().ok())
                })
                .collect::<Vec<_>>()
        })
        .sum()
}

/// A `watch` with nothing to do sleeps: the file watcher's debouncer used to wake it about 800
/// times a second (its default tick), which costs a laptop's battery all day long.
#[test]
fn an_idle_watch_wakes_rarely() {
    let site = TestSite::fixture("basic");
    let watch = Watch::start(&site, &[]);
    let pid = watch.pid();
    std::thread::sleep(Duration::from_millis(500));
    let before = context_switches(pid);
    std::thread::sleep(Duration::from_secs(3));
    let per_second = (context_switches(pid) - before) / 3;
    assert!(
        per_second < 250,
        "an idle watch woke {per_second} times a second"
    );
}

/// A folder of `public/` replaced by a link to somewhere else while `watch` runs: the next
/// rebuild replaces the link, and never writes (or removes) a file through it.
#[test]
fn a_folder_of_the_output_swapped_for_a_link_is_never_written_through() {
    let site = TestSite::fixture("basic");
    let out = site.path("public");
    let mut watch = Watch::start(&site, &[]);
    let elsewhere = site.root.parent().unwrap().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("index.html"), "mine\n").unwrap();
    std::fs::write(elsewhere.join("keep.txt"), "mine too\n").unwrap();
    std::fs::remove_dir_all(out.join("about")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("about")).unwrap();
    site.replace("content/about/_index.md", "About", "About us");
    wait_for_clean(&site, &out, &mut watch, "a folder swapped for a link");
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("index.html")).unwrap(),
        "mine\n"
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 2);
}

/// `watch --force` adopts the directory there when it starts, and no other: a folder of the
/// user's put at the output's path later is refused, not replaced.
#[test]
fn force_covers_the_output_watch_started_with_not_one_put_there_later() {
    let site = TestSite::fixture("basic");
    let out = site.path("public");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("old.html"), "an old site, not briefing's\n").unwrap();
    let mut watch = Watch::start(&site, &["--force"]);
    assert!(out.join("news/first/index.html").is_file());
    std::fs::rename(&out, site.path("public-old")).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "precious\n").unwrap();
    site.replace("content/news/first.md", "More details", "An edit");
    let said = watch.text_until("error", Duration::from_secs(15));
    assert!(said.contains("refusing"), "{said}");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "precious\n"
    );
}
