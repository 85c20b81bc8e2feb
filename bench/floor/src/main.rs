//! The floor of the benchmark: the least work any generator must do for the corpus.
//!
//! Reads every `.md` under a content directory, strips the `+++` TOML front matter, and renders
//! the Markdown to HTML with pulldown-cmark on ONE thread, with the parser options briefing
//! uses (src/markdown.rs) minus smart punctuation, which the benchmark site turns off.
//! Nothing is written. Prints one line:
//!
//!     read_ms=12.3 render_ms=45.6 files=1011 md_bytes=... html_bytes=...
//!
//! `read_ms` is walking the folder and reading the files; `render_ms` is rendering only.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("readable directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// The Markdown after the `+++` front matter (the whole text when there is none).
fn body(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("+++") else { return text };
    match rest.find("\n+++") {
        Some(end) => rest[end + 4..].trim_start_matches(['\r', '\n']),
        None => text,
    }
}

fn main() {
    let Some(dir) = std::env::args().nth(1).filter(|a| a != "-h" && a != "--help") else {
        eprintln!("usage: briefing-floor CONTENT_DIR");
        std::process::exit(2);
    };
    let started = Instant::now();
    let mut paths = Vec::new();
    collect(Path::new(&dir), &mut paths);
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display())))
        .collect();
    let read_ms = started.elapsed().as_secs_f64() * 1000.0;

    use pulldown_cmark::Options;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS;
    let started = Instant::now();
    let mut html_bytes = 0usize;
    let mut html = String::new();
    for text in &texts {
        html.clear();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(body(text), options));
        html_bytes += html.len();
    }
    let render_ms = started.elapsed().as_secs_f64() * 1000.0;
    let md_bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "read_ms={read_ms:.1} render_ms={render_ms:.1} files={} md_bytes={md_bytes} html_bytes={html_bytes}",
        texts.len()
    );
}
