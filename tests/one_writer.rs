//! One briefing writes an output directory at a time: two builds started close together, or a
//! build while `watch` runs, end in a whole, correct site, or the later one says who holds the
//! directory and exits 2 without touching it.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, Rng, Running, TestSite, Watch, large_site, leftovers, snapshot, stderr};

fn spawn_build(site: &TestSite) -> Running {
    Running(
        Command::new(BIN)
            .args(["build", "--root"])
            .arg(&site.root)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    )
}

/// Waits for the build and returns its exit code and stderr.
fn finish(mut build: Running) -> (Option<i32>, String) {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut build.0.stderr.take().unwrap(), &mut text).unwrap();
    (build.0.wait().unwrap().code(), text)
}

#[test]
fn two_builds_into_one_output_give_a_whole_site_or_a_clear_refusal() {
    let site = large_site(2000);
    let expected = snapshot(&site.build_into("expected", &[]));
    let out = site.path("public");
    let mut rng = Rng(0x0b1d_2026);
    let (mut refused, mut rounds) = (0, 0);
    let started = Instant::now();
    // At least three rounds, more within a time budget.
    while rounds < 12 && (rounds < 3 || started.elapsed() < Duration::from_secs(6)) {
        rounds += 1;
        let gap = Duration::from_millis(rng.below(500));
        let first = spawn_build(&site);
        std::thread::sleep(gap);
        let second = spawn_build(&site);
        // Every other second build is killed soon after it starts: whatever it did by then
        // must not cost the first one its site.
        let killed = rounds % 2 == 1;
        if killed {
            std::thread::sleep(Duration::from_millis(rng.below(300)));
            let _ = rustix::process::kill_process(
                rustix::process::Pid::from_child(&second.0),
                rustix::process::Signal::KILL,
            );
        }
        let pids = [first.0.id(), second.0.id()];
        let results = [finish(first), finish(second)];
        // Either may win the lock: with no gap, the second can reach it first.
        for (i, (code, message)) in results.iter().enumerate() {
            match code {
                Some(0) => {}
                None if killed && i == 1 => {}
                Some(2) => {
                    let holder = format!(
                        "another briefing is writing {} (pid {})",
                        out.display(),
                        pids[1 - i]
                    );
                    assert!(
                        message.contains(&holder),
                        "round {rounds}: expected {holder:?} in:\n{message}"
                    );
                    refused += 1;
                }
                other => panic!(
                    "round {rounds} (gap {gap:?}): build {} exited {other:?}:\n{message}",
                    i + 1
                ),
            }
        }
        assert!(
            snapshot(&out) == expected,
            "round {rounds} (gap {gap:?}, second killed: {killed}): public/ is not a clean build"
        );
        assert!(
            leftovers(&out).is_empty(),
            "round {rounds}: {:?}",
            leftovers(&out)
        );
    }
    assert!(
        refused > 0,
        "no two builds overlapped in {rounds} rounds: the test proved nothing"
    );
    // A killed build leaves its staging directory beside the output; the next one removes it.
    let result = site.run(&["build"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let left = leftovers(&site.root);
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn watch_holds_its_output_for_its_whole_life() {
    let site = TestSite::fixture("basic");
    let mut watch = Watch::start(&site, &[]);
    let out = site.path("public");
    let before = snapshot(&out);
    let holder = format!(
        "another briefing is writing {} (pid {})",
        out.display(),
        watch.pid()
    );
    for command in ["build", "watch"] {
        let result = site.run(&[command]);
        assert_eq!(
            result.status.code(),
            Some(2),
            "{command}: {}",
            stderr(&result)
        );
        assert!(
            stderr(&result).contains(&holder),
            "{command}: expected {holder:?} in:\n{}",
            stderr(&result)
        );
    }
    assert!(
        snapshot(&out) == before,
        "a refused command touched public/"
    );
    // Still the watcher's: an edit is written.
    site.replace("content/news/first.md", "More details", "Still watched");
    watch.wait_for("Built", Duration::from_secs(15));
    assert!(
        site.read("public/news/first/index.html")
            .contains("Still watched")
    );
    // Once it stops, the output is free again.
    drop(watch);
    let result = site.run(&["build"]);
    assert!(result.status.success(), "{}", stderr(&result));
}
