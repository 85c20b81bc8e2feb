//! Bad input, one case each: every one exits with the right code and a message naming the file
//! and what to do, none panics or hangs, and a failed build leaves the previous output untouched.

mod common;

use std::os::unix::fs::symlink;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, TestSite, snapshot};

struct Case {
    name: &'static str,
    setup: fn(&TestSite),
    /// Arguments after `build`/`check`; `None` means a plain build into `public`.
    args: Option<fn(&TestSite) -> Vec<String>>,
    code: i32,
    expect: &'static [&'static str],
}

/// Runs `briefing` with a hard time limit: a hang is a failure, not a stuck CI.
fn run_limited(site: &TestSite, args: &[String]) -> (i32, String) {
    let mut child = common::Running::spawn(
        Command::new(BIN)
            .args(args)
            .arg("--root")
            .arg(&site.root)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    );
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
        text
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            panic!("briefing {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status.code().unwrap_or(-1), reader.join().unwrap())
}

fn page(front: &str, body: &str) -> String {
    format!("+++\n{front}\n+++\n{body}")
}

const CASES: &[Case] = &[
    Case {
        name: "unterminated front matter",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                "+++\ntitle = \"x\"\nbody without end\n",
            )
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/bad.md:1:1",
            "never closed",
            "add a line containing only `+++`",
        ],
    },
    Case {
        name: "toml syntax error",
        setup: |s| s.write("content/news/bad.md", "+++\ntitle = \"x\nweight = 1\n+++\n"),
        args: None,
        code: 1,
        expect: &["content/news/bad.md:2:", "help:"],
    },
    Case {
        name: "wrong type",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                page("title = \"x\"\ndraft = \"no\"", ""),
            )
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/bad.md:3:9",
            "invalid type",
            "check the value's type",
        ],
    },
    Case {
        name: "invalid utf-8",
        setup: |s| s.write("content/news/bad.md", b"+++\ntitle = \"caf\xe9\"\n+++\n"),
        args: None,
        code: 1,
        expect: &[
            "content/news/bad.md:2:",
            "not valid UTF-8",
            "save the file as UTF-8",
        ],
    },
    Case {
        name: "binary file named .md",
        setup: |s| s.write("content/news/bad.md", [0x89, b'P', b'N', b'G', 0, 0, 1, 2]),
        args: None,
        code: 1,
        expect: &["content/news/bad.md", "binary"],
    },
    Case {
        name: "empty file",
        setup: |s| s.write("content/news/bad.md", ""),
        args: None,
        code: 1,
        expect: &["content/news/bad.md:1:1", "empty", "title"],
    },
    Case {
        name: "text before the front matter",
        setup: |s| s.write("content/news/bad.md", "# Title\n+++\ntitle = \"x\"\n+++\n"),
        args: None,
        code: 1,
        expect: &["content/news/bad.md:1:1", "does not start with `+++`"],
    },
    Case {
        name: "unknown key",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                page("title = \"x\"\ndescripton = \"y\"", ""),
            )
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/bad.md:3:1",
            "unknown field `descripton`",
            "did you mean `description`?",
        ],
    },
    Case {
        name: "missing title",
        setup: |s| s.write("content/news/bad.md", page("weight = 1", "")),
        args: None,
        code: 1,
        expect: &["content/news/bad.md:2:1", "no title"],
    },
    Case {
        name: "invalid date",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                page("title = \"x\"\ndate = \"2026-02-30\"", ""),
            )
        },
        args: None,
        code: 1,
        expect: &["content/news/bad.md:3:8", "not a valid date", "YYYY-MM-DD"],
    },
    Case {
        name: "slug escaping the output",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                page("title = \"x\"\nslug = \"../../etc\"", ""),
            )
        },
        args: None,
        code: 1,
        expect: &["content/news/bad.md:3:8", "would write outside"],
    },
    Case {
        name: "two pages with one slug",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                page("title = \"x\"\nslug = \"second\"", ""),
            )
        },
        args: None,
        code: 1,
        expect: &["both write the URL /news/second/", "different `slug`"],
    },
    Case {
        name: "broken @/ link",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                page("title = \"x\"", "See [it](@/news/secnd.md)."),
            )
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/bad.md:4:5",
            "`@/news/secnd.md` does not exist",
            "did you mean `@/news/second.md`?",
        ],
    },
    Case {
        name: "broken anchor",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                page("title = \"x\"", "See [it](@/news/second.md#mroe)."),
            )
        },
        args: None,
        code: 1,
        expect: &["content/news/bad.md:4:5", "#mroe", "did you mean `#more`?"],
    },
    Case {
        name: "unknown citation",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                page("title = \"x\"", "A claim [@statment]."),
            )
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/bad.md:4:9",
            "names no known source",
            "did you mean `[@statement]`?",
        ],
    },
    Case {
        name: "unknown source in front matter",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                page("title = \"x\"\nsources = [\"reprot\"]", ""),
            )
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/bad.md:3:12",
            "not defined in content/sources.toml",
            "did you mean `report`?",
        ],
    },
    Case {
        name: "sources file syntax error",
        setup: |s| {
            s.write(
                "content/sources.toml",
                "[[source]]\nid = \"a\"\nkind = \"rumour\"\ntitle = \"t\"\n",
            )
        },
        args: None,
        code: 1,
        expect: &["content/sources.toml:3:8", "rumour"],
    },
    Case {
        name: "symlink loop",
        setup: |s| {
            symlink("loop-b.md", s.path("content/loop-a.md")).unwrap();
            symlink("loop-a.md", s.path("content/loop-b.md")).unwrap();
        },
        args: None,
        code: 1,
        expect: &[
            "content/loop-a.md",
            "points to loop-b.md, which leads back to itself",
            "a loop of links never ends",
        ],
    },
    Case {
        name: "symlink outside the root",
        setup: |s| symlink("/etc/hostname", s.path("content/outside.md")).unwrap(),
        args: None,
        code: 1,
        expect: &[
            "content/outside.md",
            "points outside the site",
            "copy the file into the site",
        ],
    },
    Case {
        name: "unreadable special file",
        setup: |s| {
            assert!(
                Command::new("mkfifo")
                    .arg(s.path("content/news/pipe.md"))
                    .status()
                    .unwrap()
                    .success()
            )
        },
        args: None,
        code: 1,
        expect: &["content/news/pipe.md", "not a regular file"],
    },
    Case {
        name: "template including itself",
        setup: |s| s.write("templates/page.html", "{% include \"page.html\" %}"),
        args: None,
        code: 1,
        expect: &["templates/page.html", "circle"],
    },
    Case {
        name: "template syntax error",
        setup: |s| {
            s.replace(
                "templates/page.html",
                "{% endblock content %}",
                "{% endblok content %}",
            )
        },
        args: None,
        code: 1,
        expect: &["templates/page.html:", "template syntax error"],
    },
    Case {
        name: "unknown variable in template",
        setup: |s| {
            s.replace(
                "templates/page.html",
                "{{ page.title }}",
                "{{ page.titel }}",
            )
        },
        args: None,
        code: 1,
        expect: &[
            "templates/page.html:2:26",
            "template error",
            "`titel` is not defined",
            "while rendering content/news/",
            "did you mean `title`?",
        ],
    },
    Case {
        name: "template extending a missing parent",
        setup: |s| s.replace("templates/page.html", "\"base.html\"", "\"bse.html\""),
        args: None,
        code: 1,
        expect: &["templates/page.html", "bse.html"],
    },
    Case {
        name: "page naming a missing template",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                page("title = \"x\"\ntemplate = \"pgae.html\"", ""),
            )
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/bad.md:3:12",
            "`pgae.html` does not exist",
            "did you mean `page.html`?",
        ],
    },
    Case {
        name: "missing templates dir",
        setup: |s| std::fs::remove_dir_all(s.path("templates")).unwrap(),
        args: None,
        code: 1,
        expect: &["templates/", "no templates/ directory", "briefing init"],
    },
    Case {
        name: "missing content dir",
        setup: |s| std::fs::remove_dir_all(s.path("content")).unwrap(),
        args: None,
        code: 1,
        expect: &["no content/ directory"],
    },
    Case {
        name: "missing site.toml",
        setup: |s| std::fs::remove_file(s.path("site.toml")).unwrap(),
        args: None,
        code: 1,
        expect: &["cannot read site.toml", "--root"],
    },
    Case {
        name: "site.toml unknown key",
        setup: |s| s.replace("site.toml", "publisher", "publsher"),
        args: None,
        code: 1,
        expect: &["site.toml:5:1", "did you mean `publisher`?"],
    },
    Case {
        name: "base_url without a scheme",
        setup: |s| {
            s.replace(
                "site.toml",
                "https://fixture.example.org",
                "fixture.example.org",
            )
        },
        args: None,
        code: 1,
        expect: &["site.toml:2:", "scheme", "https://"],
    },
    Case {
        name: "static file and page on one path",
        setup: |s| s.write("static/news/first/index.html", "x"),
        args: None,
        code: 1,
        expect: &["static/news/first/index.html", "both write"],
    },
    Case {
        name: "slug longer than a file name may be",
        setup: |s| {
            s.write(
                "content/news/bad.md",
                page("title = \"x\"", "")
                    .replace("title", &format!("slug = \"{}\"\ntitle", "a".repeat(300))),
            )
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/bad.md:2:8",
            "a name of 300 bytes",
            "at most 255",
            "shorten",
        ],
    },
    Case {
        name: "path longer than the system allows",
        setup: |s| {
            // Made one directory at a time: the whole path is too long for one system call.
            let name = "d".repeat(250);
            let script = format!(
                "cd '{}' && for i in $(seq 17); do mkdir {name} && cd {name}; done && echo x > page.md",
                s.path("content").display()
            );
            assert!(
                Command::new("bash")
                    .args(["-c", &script])
                    .status()
                    .unwrap()
                    .success()
            );
        },
        args: None,
        code: 1,
        expect: &["content/dddd", "longer than the file system allows"],
    },
    Case {
        name: "static file name that is not UTF-8",
        setup: |s| {
            use std::os::unix::ffi::OsStrExt as _;
            let name = std::ffi::OsStr::from_bytes(b"caf\xe9.css");
            std::fs::write(s.path("static/css").join(name), "x").unwrap();
        },
        args: None,
        code: 1,
        expect: &["static/css/caf\u{FFFD}.css", "not valid UTF-8"],
    },
    Case {
        name: "content file name that is not UTF-8",
        setup: |s| {
            use std::os::unix::ffi::OsStrExt as _;
            let name = std::ffi::OsStr::from_bytes(b"photo-\xff.png");
            std::fs::write(s.path("content/news").join(name), "x").unwrap();
        },
        args: None,
        code: 1,
        expect: &["content/news/photo-\u{FFFD}.png", "not valid UTF-8"],
    },
    Case {
        name: "relative link that climbs out of content",
        setup: |s| {
            s.write(
                "content/news/trip/index.md",
                page("title = \"Trip\"", "[secrets](../../../../etc/passwd)\n"),
            )
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/trip/index.md:4:1",
            "the link `../../../../etc/passwd` climbs out of content/",
        ],
    },
    Case {
        name: "relative image of a bundle that is not there",
        setup: |s| {
            s.write("content/news/trip/still.png", "png");
            s.write(
                "content/news/trip/index.md",
                page("title = \"Trip\"", "Seen ![it](Still.png)\n"),
            )
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/trip/index.md:4:6",
            "the link `Still.png`",
            "did you mean `still.png`?",
        ],
    },
    Case {
        name: "relative Markdown link to a page that is not there",
        setup: |s| {
            s.write(
                "content/news/trip/index.md",
                page("title = \"Trip\"", "[back](../secnd.md#x)\n"),
            )
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/trip/index.md:4:1",
            "names content/news/secnd.md",
            "did you mean `../second.md`?",
        ],
    },
    Case {
        name: "section and page bundle in one folder",
        setup: |s| {
            s.write("content/news/trip/index.md", page("title = \"Trip\"", ""));
            s.write("content/news/trip/_index.md", page("title = \"Trips\"", ""));
        },
        args: None,
        code: 1,
        expect: &[
            "content/news/trip/_index.md",
            "holds both _index.md and index.md",
        ],
    },
    Case {
        name: "page bundle with a slug",
        setup: |s| {
            s.write(
                "content/news/trip/index.md",
                page("title = \"Trip\"\nslug = \"voyage\"", ""),
            )
        },
        args: None,
        code: 1,
        expect: &["content/news/trip/index.md:3:8", "cannot set a slug"],
    },
    Case {
        name: "output dir is the root",
        setup: |_| {},
        args: Some(|s| {
            vec![
                "build".into(),
                "--output-dir".into(),
                s.root.to_string_lossy().into_owned(),
            ]
        }),
        code: 1,
        expect: &["refusing to use", "site root"],
    },
    Case {
        name: "output dir is content",
        setup: |_| {},
        args: Some(|s| {
            vec![
                "build".into(),
                "--output-dir".into(),
                s.path("content").to_string_lossy().into_owned(),
            ]
        }),
        code: 1,
        expect: &["refusing to use", "content/"],
    },
    Case {
        name: "read-only output location",
        setup: |_| {},
        args: Some(|_| {
            vec![
                "build".into(),
                "--output-dir".into(),
                "/proc/briefing-output".into(),
            ]
        }),
        code: 2,
        expect: &["error:", "/proc"],
    },
    Case {
        name: "bad base url on the command line",
        setup: |_| {},
        args: Some(|_| vec!["build".into(), "--base-url".into(), "ftp://x".into()]),
        code: 1,
        expect: &["--base-url", "scheme"],
    },
];

#[test]
fn every_bad_input_fails_cleanly() {
    assert!(CASES.len() >= 30, "the corpus keeps at least 30 cases");
    let mut failures = Vec::new();
    for case in CASES {
        let site = TestSite::fixture("basic");
        let out = site.build_into("public", &[]);
        let before = snapshot(&out);
        (case.setup)(&site);
        let args = case
            .args
            .map_or_else(|| vec!["build".to_string()], |f| f(&site));
        let (code, stderr) = run_limited(&site, &args);
        let mut problems = Vec::new();
        if code != case.code {
            problems.push(format!("exit code {code}, expected {}", case.code));
        }
        for part in case.expect {
            if !stderr.contains(part) {
                problems.push(format!("no {part:?}"));
            }
        }
        if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
            problems.push("panicked".into());
        }
        if snapshot(&out) != before {
            problems.push("the previous output changed".into());
        }
        // Pages are written to a staging directory as they render; a failure removes it.
        let leftovers: Vec<String> = std::fs::read_dir(out.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| name.contains("staging"))
            .collect();
        if !leftovers.is_empty() {
            problems.push(format!("staging directories left behind: {leftovers:?}"));
        }
        // `check` finds the same problems without writing anything.
        if case.args.is_none() && case.code == 1 {
            let (check_code, check_stderr) = run_limited(&site, &["check".to_string()]);
            if check_code != 1 || !case.expect.iter().all(|p| check_stderr.contains(p)) {
                problems.push(format!(
                    "check disagreed (exit {check_code}):\n{check_stderr}"
                ));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n{stderr}", case.name, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The last day TOML can write is a date like any other: shown, sorted and in the feed.
#[test]
fn the_last_possible_date_builds() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/news/far.md",
        page("title = \"Far\"\ndate = 9999-12-31\nupdated = 9999-12-31T23:59:59Z\nsources = [\"report\"]", "Later."),
    );
    let (code, stderr) = run_limited(&site, &["build".to_string()]);
    assert_eq!(code, 0, "{stderr}");
    let feed = site.read("public/atom.xml");
    assert!(
        feed.contains("<published>9999-12-31T00:00:00Z</published>"),
        "{feed}"
    );
    assert!(
        feed.contains("<updated>9999-12-31T23:59:59Z</updated>"),
        "{feed}"
    );
    let news = site.read("public/news/index.html");
    assert!(news.contains("31 December 9999"), "{news}");
    // Newest first: the far page heads the list.
    assert!(news.find("Far").unwrap() < news.find("Second story").unwrap());
}

/// Large but valid input builds, within the time limit, without a panic.
#[test]
fn huge_inputs_build() {
    let site = TestSite::fixture("basic");
    let paragraph = "A paragraph with *emphasis*, `code` and a [link](https://example.org/) repeated to make a large page.\n\n";
    let big = paragraph.repeat(50 * 1024 * 1024 / paragraph.len());
    site.write("content/news/huge.md", page("title = \"Huge\"", &big));
    site.write(
        "content/news/headings.md",
        page(
            "title = \"Headings\"",
            &"## Same heading\n\n".repeat(100_000),
        ),
    );
    site.write(
        "content/news/lists.md",
        page(
            "title = \"Lists\"",
            &(0..10_000)
                .map(|i| format!("{}- item\n", "  ".repeat(i)))
                .collect::<String>(),
        ),
    );
    site.write(
        "content/news/quotes.md",
        page(
            "title = \"Quotes\"",
            &format!("{} deep\n", ">".repeat(10_000)),
        ),
    );
    let (code, stderr) = run_limited(&site, &["build".to_string()]);
    assert_eq!(code, 0, "{stderr}");
    let headings = site.read("public/news/headings/index.html");
    assert!(
        headings.contains("id=\"same-heading-99999\""),
        "ids stay unique"
    );
    assert!(
        site.path("public/news/huge/index.html")
            .metadata()
            .unwrap()
            .len()
            > 50_000_000
    );
}
