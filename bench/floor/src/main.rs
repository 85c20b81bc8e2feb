//! Reads every `.md` under a content directory, strips `+++` front matter, and renders the
//! Markdown to HTML with pulldown-cmark on one thread: the least work any generator must do.
//! Prints `read_ms render_ms files bytes`.

use std::path::Path;
use std::time::Instant;

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("readable dir").flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

fn body(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("+++") else { return text };
    match rest.find("\n+++") {
        Some(end) => rest[end + 4..].trim_start_matches(['\r', '\n']),
        None => text,
    }
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: briefing-floor CONTENT_DIR");
    let started = Instant::now();
    let mut paths = Vec::new();
    collect(Path::new(&dir), &mut paths);
    let texts: Vec<String> = paths.iter().map(|p| std::fs::read_to_string(p).expect("UTF-8 file")).collect();
    let read_ms = started.elapsed().as_secs_f64() * 1000.0;
    let options = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_FOOTNOTES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
        | pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES;
    let started = Instant::now();
    let mut total = 0usize;
    let mut html = String::new();
    for text in &texts {
        html.clear();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(body(text), options));
        total += html.len();
    }
    let render_ms = started.elapsed().as_secs_f64() * 1000.0;
    let bytes: usize = texts.iter().map(String::len).sum();
    println!("{read_ms:.1} {render_ms:.1} {} {bytes} {total}", texts.len());
}
