//! The test harness: sites copied into temp dirs, the real binary, and an HTML scanner that is
//! independent of the crate's own link checker.
#![allow(dead_code, unreachable_pub)]

pub mod server;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

pub const BIN: &str = env!("CARGO_BIN_EXE_briefing");

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site in its own temp dir, built and edited by tests.
pub struct TestSite {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> TestSite {
        TestSite::copy_of(
            &repo_root().join("tests/fixtures").join(name),
            &["site.toml", "content", "templates", "static"],
        )
    }

    /// A copy of the repository's own briefing site.
    pub fn briefing() -> TestSite {
        TestSite::copy_of(
            &repo_root(),
            &["site.toml", "content", "templates", "static"],
        )
    }

    fn copy_of(from: &Path, entries: &[&str]) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        for entry in entries {
            copy_tree(&from.join(entry), &root.join(entry));
        }
        TestSite { _dir: dir, root }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn write(&self, relative: &str, text: impl AsRef<[u8]>) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    pub fn replace(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} does not contain {from:?}");
        self.write(relative, text.replacen(from, to, 1));
    }

    pub fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(BIN)
            .args(args)
            .arg("--root")
            .arg(&self.root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    /// Builds into `out` (relative to the site root) and asserts success.
    pub fn build_into(&self, out: &str, extra: &[&str]) -> PathBuf {
        let out_dir = self.path(out);
        let mut args = vec!["build", "--output-dir", out_dir.to_str().unwrap()];
        args.extend_from_slice(extra);
        let result = self.run(&args);
        assert!(
            result.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&result.stderr)
        );
        out_dir
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn copy_tree(from: &Path, to: &Path) {
    if !from.exists() {
        return;
    }
    if from.is_file() {
        std::fs::copy(from, to).unwrap();
        return;
    }
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, relative, sorted, with its bytes.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Every file under `dir` with its bytes and permission bits: what a user, or a web server
/// reading the output as another user, would notice of a tree.
pub fn snapshot_with_modes(dir: &Path) -> Vec<(String, u32, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt as _;
    snapshot(dir)
        .into_iter()
        .map(|(name, bytes)| {
            let mode = std::fs::metadata(dir.join(&name))
                .unwrap()
                .permissions()
                .mode()
                & 0o7777;
            (name, mode, bytes)
        })
        .collect()
}

/// The ids and the link targets (`href`, `src`) of an HTML document.
pub fn scan_html(html: &str) -> (BTreeSet<String>, Vec<String>) {
    use std::cell::RefCell;
    let ids = RefCell::new(BTreeSet::new());
    let links = RefCell::new(Vec::new());
    let mut rewriter = lol_html::HtmlRewriter::new(
        lol_html::Settings::new()
            .append_element_content_handler(lol_html::element!("[id]", |el| {
                ids.borrow_mut().insert(el.get_attribute("id").unwrap());
                Ok(())
            }))
            .append_element_content_handler(lol_html::element!("[href]", |el| {
                links.borrow_mut().push(el.get_attribute("href").unwrap());
                Ok(())
            }))
            .append_element_content_handler(lol_html::element!("[src]", |el| {
                links.borrow_mut().push(el.get_attribute("src").unwrap());
                Ok(())
            })),
        |_: &[u8]| {},
    );
    rewriter.write(html.as_bytes()).unwrap();
    rewriter.end().unwrap();
    (ids.into_inner(), links.into_inner())
}

/// Asserts every internal link and fragment of every HTML file under `out` resolves to a file
/// of `out`. Internal means: root-relative (must start with `base_path`) or under `base_url`.
pub fn assert_links_resolve(out: &Path, base_url: &str, base_path: &str) {
    let files = snapshot(out);
    let names: BTreeSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let mut problems = Vec::new();
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".html")) {
        let (_, links) = scan_html(&String::from_utf8_lossy(bytes));
        for link in links {
            let local = match link.strip_prefix(base_url) {
                Some(rest) => format!("{base_path}{}", rest.trim_start_matches('/')),
                None if link.starts_with("http")
                    || link.starts_with("mailto:")
                    || link.starts_with("//") =>
                {
                    continue;
                }
                None if !link.starts_with('/') && !link.starts_with('#') => {
                    relative_to(name, &link, base_path)
                }
                None => link.clone(),
            };
            let (path, fragment) = local
                .split_once('#')
                .map_or((local.as_str(), None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() {
                name.clone()
            } else if let Some(rest) = path.strip_prefix(base_path) {
                if rest.is_empty() || rest.ends_with('/') {
                    format!("{rest}index.html")
                } else {
                    rest.to_string()
                }
            } else if format!("{path}/") == base_path {
                "index.html".to_string()
            } else {
                problems.push(format!(
                    "{name}: {link} is not under the base path {base_path}"
                ));
                continue;
            };
            let target = percent_encoding::percent_decode_str(&target)
                .decode_utf8_lossy()
                .into_owned();
            if !names.contains(target.as_str()) {
                problems.push(format!("{name}: {link} -> missing {target}"));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let html =
                    String::from_utf8_lossy(&files.iter().find(|(n, _)| *n == target).unwrap().1)
                        .into_owned();
                if !scan_html(&html).0.contains(fragment) {
                    problems.push(format!("{name}: {link} -> no #{fragment} in {target}"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

/// `link`, written in the output file `name`, as a root-relative path: a browser reads a
/// relative link from the folder of the page it is on, `..` included.
fn relative_to(name: &str, link: &str, base_path: &str) -> String {
    let mut parts: Vec<&str> = name.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            // Above the output's root: left as written, so it is reported as outside.
            ".." if parts.pop().is_none() => return link.to_string(),
            ".." => {}
            "." => {}
            _ => parts.push(part),
        }
    }
    format!("{base_path}{}", parts.join("/"))
}

/// A process a test started, killed and reaped when the test ends, passing or failing: a
/// failed assertion must not leave `briefing watch` or `serve` running.
pub struct Running(pub std::process::Child);

impl Running {
    pub fn spawn(command: &mut std::process::Command) -> Running {
        Running(command.spawn().expect("cannot start the process"))
    }
}

impl std::ops::Deref for Running {
    type Target = std::process::Child;
    fn deref(&self) -> &std::process::Child {
        &self.0
    }
}

impl std::ops::DerefMut for Running {
    fn deref_mut(&mut self) -> &mut std::process::Child {
        &mut self.0
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `briefing watch` on a site, with every line it prints (stdout and stderr) at hand.
pub struct Watch {
    pub process: Running,
    lines: std::sync::mpsc::Receiver<String>,
    /// Every line read so far, for failure messages.
    pub seen: Vec<String>,
}

impl Watch {
    /// Starts `briefing watch --root SITE EXTRA...` and waits until it watches.
    pub fn start(site: &TestSite, extra: &[&str]) -> Watch {
        let mut watch = Watch::spawn(site, extra);
        watch.wait_for("Watching", std::time::Duration::from_secs(60));
        watch
    }

    /// Starts `briefing watch --root SITE EXTRA...` without waiting.
    pub fn spawn(site: &TestSite, extra: &[&str]) -> Watch {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(BIN)
            .arg("watch")
            .arg("--root")
            .arg(&site.root)
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        let streams: [Box<dyn std::io::Read + Send>; 2] = [
            Box::new(child.stdout.take().unwrap()),
            Box::new(child.stderr.take().unwrap()),
        ];
        for stream in streams {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Watch {
            process: Running(child),
            lines,
            seen: Vec::new(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.process.0.id()
    }

    /// Waits for a line starting with `prefix` and returns it; panics after `timeout`.
    pub fn wait_for(&mut self, prefix: &str, timeout: std::time::Duration) -> String {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "watch printed no line starting with {prefix:?}; it printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Waits for a line starting with `prefix` and returns every line read meanwhile, that one
    /// included: the problems a failed rebuild prints come before its last line.
    pub fn text_until(&mut self, prefix: &str, timeout: std::time::Duration) -> String {
        let from = self.seen.len();
        self.wait_for(prefix, timeout);
        self.seen[from..].join("\n")
    }

    /// The lines printed so far and not yet read.
    pub fn drain(&mut self) -> Vec<String> {
        let fresh: Vec<String> = self.lines.try_iter().collect();
        self.seen.extend(fresh.iter().cloned());
        fresh
    }
}

/// The basic fixture with `pages` more small pages, so that a build takes a while.
pub fn large_site(pages: usize) -> TestSite {
    let site = TestSite::fixture("basic");
    for i in 0..pages {
        site.write(
            &format!("content/news/generated-{i}.md"),
            format!(
                "+++\ntitle = \"Generated {i}\"\ndate = 2026-11-01\nsources = [\"report\"]\n+++\nPage {i}: a short paragraph of *Markdown* with a [link](https://example.org/{i}).\n"
            ),
        );
    }
    site
}

/// What briefing may leave behind when killed, anywhere under `dir`: its lock files
/// (`.public.briefing-lock`), staging directories (`.public.briefing-staging-…`) and temporary
/// files (`.tmpXXXXXX`).
pub fn leftovers(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.ends_with(".briefing-lock")
                || name.contains(".briefing-staging-")
                || name.starts_with(".tmp")
        })
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect()
}

/// A small deterministic generator, so that a failing round can be replayed from its seed.
pub struct Rng(pub u64);

impl Rng {
    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// A file or directory made immutable (`chattr +i`): we run as root, so permissions stop no
/// write, and this does. Held open, so that the flag can be cleared wherever briefing moved the
/// file meanwhile; cleared when dropped, so that a failing test leaves nothing its temp dir
/// cannot remove.
pub struct Immutable {
    file: std::fs::File,
}

impl Immutable {
    pub fn set(path: &Path) -> std::io::Result<Immutable> {
        let file = std::fs::File::open(path)?;
        set_immutable(&file, true)?;
        Ok(Immutable { file })
    }

    /// Whether files under `dir` can be made immutable: root on ext4 can; an unprivileged user,
    /// or a file system without the flag, cannot, and the tests that need it are skipped.
    pub fn possible_in(dir: &Path) -> bool {
        let probe = dir.join("immutable-probe");
        std::fs::write(&probe, "").unwrap();
        let works = Immutable::set(&probe).is_ok();
        std::fs::remove_file(&probe).unwrap();
        works
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = set_immutable(&self.file, false);
    }
}

fn set_immutable(file: &std::fs::File, on: bool) -> std::io::Result<()> {
    use rustix::fs::{IFlags, ioctl_getflags, ioctl_setflags};
    let flags = ioctl_getflags(file)?;
    let flags = if on {
        flags | IFlags::IMMUTABLE
    } else {
        flags - IFlags::IMMUTABLE
    };
    Ok(ioctl_setflags(file, flags)?)
}

/// Waits (up to 20 s) until `done`, as a rebuild by `watch` or the preview makes it so;
/// `what` names it when it never comes.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    use std::time::{Duration, Instant};

    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits (up to 20 s) until the file at `path` (relative to the site) holds `text`, as a
/// rebuild by `watch` makes it.
pub fn wait_for_text(site: &TestSite, path: &str, text: &str) {
    wait_until(&format!("{path} showing {text:?}"), || {
        std::fs::read_to_string(site.path(path))
            .unwrap_or_default()
            .contains(text)
    });
}

/// Runs `build` on `site` (into its `public/`) and returns its stderr, asserting that it failed
/// with exit 1, made no `public/` where there was none (one there is left as it was: other
/// tests check that) and did not panic.
pub fn failed_build(site: &TestSite) -> String {
    let existed = site.path("public").exists();
    let result = site.run(&["build"]);
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{err}");
    assert!(
        existed || !site.path("public").exists(),
        "a failed build wrote public/"
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Asserts that what `watch` leaves in the site's `public/` becomes, within 20 s, byte for byte
/// a clean build of the same files, then stops it. Waiting for the output rather than for one
/// "Built" line: an edit can take more than one rebuild, and a line already read says nothing
/// about the build still running.
pub fn assert_watch_equals_clean_build(site: &TestSite, watch: Watch) {
    let clean = snapshot(&site.build_into("clean", &[]));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut watched = snapshot(&site.path("public"));
    while watched != clean && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
        watched = snapshot(&site.path("public"));
    }
    drop(watch);
    let differing = snapshot_differences(&watched, &clean);
    assert!(
        differing.is_empty(),
        "watch's public/ differs from a clean build in: {differing:?}"
    );
}

/// The paths whose bytes differ between two snapshots, or that only one of them has.
pub fn snapshot_differences(
    left: &[(String, Vec<u8>)],
    right: &[(String, Vec<u8>)],
) -> Vec<String> {
    let right: std::collections::BTreeMap<&str, &[u8]> = right
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    let left_map: std::collections::BTreeMap<&str, &[u8]> = left
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    let mut names: BTreeSet<&str> = left_map.keys().copied().collect();
    names.extend(right.keys().copied());
    names
        .into_iter()
        .filter(|name| left_map.get(name) != right.get(name))
        .map(str::to_owned)
        .collect()
}
