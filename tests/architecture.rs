//! The modules follow the pipeline, and arrows point downstream only: each module may use only
//! the modules listed for it here. A new `use crate::x` that breaks the layering fails this test.
//! Files and functions stay small enough for a newcomer to hold in their head.

use std::collections::BTreeMap;

const ALLOWED: &[(&str, &[&str])] = &[
    ("diagnostics", &[]),
    // The types of content paths, site paths and output keys, and the conversions between
    // them: at the bottom, so that every module can name a path by its type.
    ("paths", &[]),
    ("fingerprint", &[]),
    ("config", &["diagnostics", "paths", "fingerprint"]),
    (
        "content",
        &["config", "diagnostics", "paths", "fingerprint"],
    ),
    ("markdown", &["content", "diagnostics", "paths"]),
    (
        "site",
        &[
            "config",
            "content",
            "markdown",
            "diagnostics",
            "paths",
            "fingerprint",
        ],
    ),
    (
        "render",
        &[
            "config",
            "content",
            "markdown",
            "site",
            "diagnostics",
            "paths",
            "fingerprint",
        ],
    ),
    ("output", &["diagnostics", "paths"]),
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
            "paths",
            "fingerprint",
        ],
    ),
    (
        "check",
        &[
            "build",
            "config",
            "content",
            "markdown",
            "site",
            "render",
            "output",
            "diagnostics",
            "paths",
        ],
    ),
    (
        "watch",
        &["build", "config", "content", "diagnostics", "paths"],
    ),
    ("serve", &["build", "output", "diagnostics", "paths"]),
    // `build --pdf`: the staged site printed by Chromium, read through the preview's routing.
    ("pdf", &["build", "serve", "diagnostics", "paths"]),
    ("scaffold", &["config", "content", "paths"]),
    (
        "cli",
        &[
            "build",
            "pdf",
            "check",
            "config",
            "diagnostics",
            "scaffold",
            "serve",
            "watch",
            "output",
            "content",
            "paths",
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

/// Files and functions over these sizes, each with the reason it may be: the list is meant to
/// shrink, and a name no longer over its limit fails the test, so it is taken off.
const MAX_FILE_LINES: usize = 600;
const MAX_FUNCTION_LINES: usize = 80;
const LONG_FILES: &[(&str, &str)] = &[];
const LONG_FUNCTIONS: &[(&str, &str)] = &[];

fn rust_files(src: &std::path::Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(src)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|e| e == "rs"))
        .map(|e| {
            let relative = e.path().strip_prefix(src).unwrap();
            let name = relative.to_string_lossy().replace('\\', "/");
            (name, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Every function with a body (free, in an `impl` or a trait, nested or in `mod tests`), by
/// `file::name`, and its length from the `fn` line to the closing brace, both counted.
#[derive(Default)]
struct FunctionLengths {
    file: String,
    found: Vec<(String, usize)>,
}

impl FunctionLengths {
    fn record(&mut self, name: &syn::Ident, fn_token: &syn::token::Fn, body: &syn::Block) {
        let first = fn_token.span.start().line;
        let last = body.brace_token.span.close().end().line;
        self.found
            .push((format!("{}::{name}", self.file), last - first + 1));
    }
}

impl<'ast> syn::visit::Visit<'ast> for FunctionLengths {
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.record(&item.sig.ident, &item.sig.fn_token, &item.block);
        syn::visit::visit_item_fn(self, item);
    }
    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.record(&item.sig.ident, &item.sig.fn_token, &item.block);
        syn::visit::visit_impl_item_fn(self, item);
    }
    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if let Some(body) = &item.default {
            self.record(&item.sig.ident, &item.sig.fn_token, body);
        }
        syn::visit::visit_trait_item_fn(self, item);
    }
}

/// What is over `limit` and not excused, and what is excused but no longer over it.
fn over_limit(
    sizes: &[(String, usize)],
    limit: usize,
    excused: &[(&str, &str)],
    what: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, lines) in sizes {
        let exception = excused.iter().any(|(e, _)| e == name);
        if *lines > limit && !exception {
            problems.push(format!(
                "{name} has {lines} lines (the limit for a {what} is {limit}): split it"
            ));
        }
    }
    for (name, _) in excused {
        if !sizes.iter().any(|(n, lines)| n == name && *lines > limit) {
            problems.push(format!(
                "{name} is listed as a long {what} but is not one: take it off the list"
            ));
        }
    }
    problems
}

#[test]
fn files_and_functions_stay_small() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut file_sizes = Vec::new();
    let mut functions = FunctionLengths::default();
    for (name, text) in rust_files(&src) {
        file_sizes.push((name.clone(), text.lines().count()));
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        functions.file = name.trim_end_matches(".rs").to_string();
        syn::visit::Visit::visit_file(&mut functions, &parsed);
    }
    let mut problems = over_limit(&file_sizes, MAX_FILE_LINES, LONG_FILES, "file");
    problems.extend(over_limit(
        &functions.found,
        MAX_FUNCTION_LINES,
        LONG_FUNCTIONS,
        "function",
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every struct, enum, union, trait and type alias under src/, by name, with the files that
/// declare one of that name.
#[derive(Default)]
struct TypeNames {
    file: String,
    found: BTreeMap<String, Vec<String>>,
}

impl TypeNames {
    fn record(&mut self, name: &syn::Ident) {
        self.found
            .entry(name.to_string())
            .or_default()
            .push(self.file.clone());
    }
}

impl<'ast> syn::visit::Visit<'ast> for TypeNames {
    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        self.record(&item.ident);
    }
    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        self.record(&item.ident);
    }
    fn visit_item_union(&mut self, item: &'ast syn::ItemUnion) {
        self.record(&item.ident);
    }
    fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
        self.record(&item.ident);
    }
    fn visit_item_type(&mut self, item: &'ast syn::ItemType) {
        self.record(&item.ident);
    }
}

/// Two types of one name (`markdown::Rendered` and `render::Rendered` were) make a reader
/// check which one is meant at every use.
#[test]
fn no_two_types_share_a_name() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut names = TypeNames::default();
    for (name, text) in rust_files(&src) {
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        names.file = name;
        syn::visit::Visit::visit_file(&mut names, &parsed);
    }
    let shared: Vec<String> = names
        .found
        .iter()
        .filter(|(_, files)| files.len() > 1)
        .map(|(name, files)| format!("{name} is declared in {}", files.join(", ")))
        .collect();
    assert!(
        shared.is_empty(),
        "rename one of each:\n{}",
        shared.join("\n")
    );
}

/// ARCHITECTURE.md's code map names every module of src/ by its full path (`a::b`), so that a
/// module added, moved or renamed without the map fails here, and the map names no module
/// that is gone.
#[test]
fn the_code_map_names_every_module() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let src = root.join("src");
    let mut modules = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap().with_extension("");
        let names: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .filter(|name| name != "mod")
            .collect();
        let is_tests = names.last().is_some_and(|n| n == "tests");
        if is_tests || names == ["lib"] || names == ["main"] {
            continue;
        }
        modules.insert(names.join("::"));
    }
    let missing: Vec<&String> = modules
        .iter()
        .filter(|m| !map.contains(&format!("`{m}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's code map does not name: {missing:?}"
    );
    // Every `a::b` the map names as a module line is a module.
    let gone: Vec<&str> = map
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("- `"))
        .filter_map(|rest| rest.split_once('`').map(|(name, _)| name))
        .filter(|name| name.contains("::") && !modules.contains(*name))
        .collect();
    assert!(
        gone.is_empty(),
        "ARCHITECTURE.md names modules that do not exist: {gone:?}"
    );
}
