//! Save-to-output latency of `briefing watch`, through the code path the watcher uses: the
//! file is saved, notify reports it, the debouncer lets it through, `Session::apply` rebuilds
//! what it invalidates and `OutputDir::update` puts the changed files in the output.
//!
//!   cargo bench --bench watch_edit -- SITE [--edits N] [--only body|title]
//!
//! SITE is a briefing site, e.g. the 10,000-page one `bench/run.sh` leaves in
//! `/tmp/briefing-bench/briefing-10000`. It is copied to a temporary directory first, so the
//! edits never touch it. Each kind of edit is made N times (default 21) on different pages;
//! every rebuild is checked (the edit must be in the written page) before it counts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use briefing::build::{Outcome, Session};
use briefing::config::BuildOptions;
use briefing::output::{OutputDir, Overwrite};
use briefing::watch::{Layout, Watcher};

// The allocator `briefing watch` runs with (src/main.rs).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut site = None;
    let mut edits = 21;
    let mut only: Option<String> = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--edits" => edits = args.next().context("--edits needs a number")?.parse()?,
            "--only" => only = Some(args.next().context("--only needs body or title")?),
            _ if site.is_none() => site = Some(PathBuf::from(arg)),
            other => bail!("unexpected argument {other}"),
        }
    }
    let site = site.context(
        "usage: cargo bench --bench watch_edit -- SITE [--edits N] [--only body|title]\n\
         SITE: a briefing site, e.g. /tmp/briefing-bench/briefing-10000 (bench/run.sh makes it)",
    )?;
    if !site.join("site.toml").is_file() {
        bail!(
            "{} has no site.toml: run bench/run.sh first, or name a briefing site",
            site.display()
        );
    }

    let work = tempfile::tempdir()?;
    let root = work.path().join("site");
    copy_tree(&site, &root)?;
    let options = BuildOptions {
        root: root.clone(),
        output_dir: Some(root.join("public")),
        base_url: None,
        drafts: false,
        now: None,
        show_embargoed: false,
        print_edition: false,
    };
    let (mut session, outcome) = Session::start(options)?;
    let Outcome::Built(written) = outcome else {
        bail!(
            "{} does not build: run `briefing build --root {}`",
            site.display(),
            site.display()
        );
    };
    let out_dir = written.site.config.output_dir.clone();
    let mut output_dir = match OutputDir::claim(&out_dir, Overwrite::OutputOnly)? {
        Ok(output_dir) => output_dir,
        Err(refusal) => bail!("{}", refusal.message),
    };
    output_dir.update(&written.output)?;
    let pages: Vec<(String, String)> = written
        .site
        .pages
        .iter()
        .map(|p| (p.doc.relative_path.to_string(), p.site_path.to_string()))
        .collect();
    let config = session.config().context("the site's config")?.clone();
    let mut watcher = Watcher::start(Layout::of(&config))?;
    println!(
        "{}: {} pages; {edits} edits of each kind, each on another page",
        site.display(),
        pages.len()
    );

    let step = (pages.len() / edits.max(1)).max(1);
    let kinds: [(&str, Edit); 2] = [("body edit", body_edit), ("title edit", title_edit)];
    if let Some(only) = &only
        && !kinds
            .iter()
            .any(|(kind, _)| kind.starts_with(only.as_str()))
    {
        bail!("--only takes body or title, not {only}");
    }
    for (kind, edit) in kinds {
        if only
            .as_ref()
            .is_some_and(|only| !kind.starts_with(only.as_str()))
        {
            continue;
        }
        let mut save_to_output = Vec::new();
        // How long `apply` and the writes took, and the phases of that rebuild.
        let mut rebuilds: Vec<(Duration, String)> = Vec::new();
        for n in 0..edits {
            let (relative, site_path) = &pages[(n * step + 7) % pages.len()];
            let file = root.join("content").join(relative);
            let marker = format!("bench-edit-{kind}-{n}").replace(' ', "-");
            let text = std::fs::read_to_string(&file)?;
            let new_text = edit(&text, &marker);
            let saved = Instant::now();
            std::fs::write(&file, new_text)?;
            let changes = watcher.next_changes().context("the watcher stopped")?;
            let rebuilding = Instant::now();
            let built = match session.apply(&changes)? {
                Outcome::Built(built) => built,
                Outcome::Failed(problems) => bail!("the edit broke the build: {problems:?}"),
            };
            output_dir.update(&built.output)?;
            let done = Instant::now();
            check_written(&out_dir, site_path, &marker)?;
            save_to_output.push(done - saved);
            rebuilds.push((done - rebuilding, built.timings.report()));
        }
        rebuilds.sort_by_key(|(took, _)| *took);
        let mut rebuild_times: Vec<Duration> = rebuilds.iter().map(|(took, _)| *took).collect();
        println!(
            "{kind:>10}: save -> output written {} | apply + write {}",
            summary(&mut save_to_output),
            summary(&mut rebuild_times)
        );
        println!(
            "{:>10}  median edit's phases: {}",
            "",
            rebuilds[rebuilds.len() / 2].1
        );
    }
    Ok(())
}

type Edit = fn(&str, &str) -> String;

/// A sentence added to the end of the body: the page's HTML changes, nothing else about it.
fn body_edit(text: &str, marker: &str) -> String {
    format!("{}\n\nEdited: {marker}.\n", text.trim_end())
}

/// A new title: the page, its section's listing and the feed change.
fn title_edit(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len() + marker.len());
    let mut done = false;
    for line in text.split_inclusive('\n') {
        if !done && line.starts_with("title = ") {
            out.push_str(&format!("title = \"{marker}\"\n"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    out
}

fn check_written(out_dir: &Path, site_path: &str, marker: &str) -> anyhow::Result<()> {
    let page = out_dir.join(site_path).join("index.html");
    let html = std::fs::read_to_string(&page)
        .with_context(|| format!("cannot read {}", page.display()))?;
    if !html.contains(marker) {
        bail!("{} does not show the edit {marker}", page.display());
    }
    Ok(())
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(times[times.len() / 2]);
    let p90 = ms(times[(times.len() * 9 / 10).min(times.len() - 1)]);
    format!(
        "median {median:.1} ms (min {:.1}, p90 {p90:.1}, max {:.1})",
        ms(times[0]),
        ms(times[times.len() - 1])
    )
}

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let relative = entry.path().strip_prefix(from)?;
        if relative.starts_with("public") {
            continue;
        }
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}
