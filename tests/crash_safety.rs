//! A build killed with SIGKILL at any moment leaves the previous output whole: the new site is
//! written beside it and swapped in with one rename.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{BIN, TestSite, snapshot};

#[test]
fn sigkill_midway_leaves_the_previous_output_whole() {
    let site = TestSite::fixture("basic");
    let body = "A paragraph of text for the crash test, long enough to take a while to write.\n\n"
        .repeat(200);
    for i in 0..1500 {
        site.write(
            &format!("content/news/bulk-{i}.md"),
            format!(
                "+++\ntitle = \"Bulk {i}\"\ndate = 2026-11-01\nsources = [\"report\"]\n+++\n{body}"
            ),
        );
    }
    let out = site.build_into("public", &[]);
    let old = snapshot(&out);
    // The next build differs on every page, so a half-written output would show.
    site.replace("templates/base.html", "<main>", "<main class=\"v2\">");
    let new = snapshot(&site.build_into("expected", &[]));
    assert_ne!(old, new);

    let mut outcomes = (0, 0);
    for delay_ms in [5, 40, 90, 150, 250, 400, 600, 900] {
        let mut child = Command::new(BIN)
            .args(["build", "--root"])
            .arg(&site.root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot(&out);
        if now == old {
            outcomes.0 += 1;
        } else if now == new {
            outcomes.1 += 1;
            // Start the next round from the old site again.
            site.replace("templates/base.html", "<main class=\"v2\">", "<main>");
            site.build_into("public", &[]);
            site.replace("templates/base.html", "<main>", "<main class=\"v2\">");
        } else {
            panic!(
                "after SIGKILL at {delay_ms} ms, public/ is neither the old site nor the new one"
            );
        }
    }
    assert!(
        outcomes.0 > 0,
        "no kill landed before the swap: the test proved nothing ({outcomes:?})"
    );
    // A later build tidies the staging directories the killed ones left.
    site.build_into("public", &[]);
    let leftovers: Vec<_> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
