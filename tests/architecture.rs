//! The modules follow the pipeline, and arrows point downstream only: each module may use only
//! the modules listed for it here. A new `use crate::x` that breaks the layering fails this test.

use std::collections::BTreeMap;

const ALLOWED: &[(&str, &[&str])] = &[
    ("diagnostics", &[]),
    ("config", &["diagnostics"]),
    ("content", &["config", "diagnostics"]),
    ("markdown", &["content", "diagnostics"]),
    ("site", &["config", "content", "markdown", "diagnostics"]),
    (
        "render",
        &["config", "content", "markdown", "site", "diagnostics"],
    ),
    ("output", &["diagnostics"]),
    (
        "build",
        &[
            "config",
            "content",
            "markdown",
            "site",
            "render",
            "output",
            "diagnostics",
        ],
    ),
    (
        "check",
        &[
            "config",
            "content",
            "site",
            "render",
            "output",
            "diagnostics",
        ],
    ),
    ("watch", &["build", "config", "content", "diagnostics"]),
    ("serve", &["build", "output", "diagnostics"]),
    ("scaffold", &["config", "content"]),
    (
        "cli",
        &[
            "build",
            "check",
            "config",
            "diagnostics",
            "scaffold",
            "serve",
            "watch",
            "output",
            "content",
        ],
    ),
];

fn module_of(path: &std::path::Path, src: &std::path::Path) -> String {
    let relative = path.strip_prefix(src).unwrap();
    let first = relative
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn modules_only_use_modules_upstream() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut violations = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let module = module_of(entry.path(), &src);
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(permitted) = allowed.get(module.as_str()) else {
            violations.push(format!("{module} is not in the architecture table"));
            continue;
        };
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (number, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("crate::") {
                rest = &rest[at + "crate::".len()..];
                let used: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let used = if used == "{" || used.is_empty() {
                    continue;
                } else {
                    used
                };
                if used != module && !permitted.contains(&used.as_str()) {
                    violations.push(format!(
                        "{}:{}: {module} uses {used}",
                        entry.path().display(),
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "upstream-only rule broken:\n{}",
        violations.join("\n")
    );
}

#[test]
fn modules_stay_small() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let lines = std::fs::read_to_string(entry.path())
                .unwrap()
                .lines()
                .count();
            assert!(
                lines <= 900,
                "{} has {lines} lines; split it",
                entry.path().display()
            );
        }
    }
}
