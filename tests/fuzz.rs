//! Property-based fuzzing of the parsers that see untrusted input: front matter splitting and
//! parsing, Markdown rendering with link rewriting, slugs, diagnostics positions and the
//! preview's URL mapping. None may panic, and each keeps its promises on any input.
//!
//! CI runs the default number of cases. A long run (the figure in the README):
//! `PROPTEST_CASES=1000000 cargo test --release --test fuzz -- --nocapture`

use briefing::content::{parse_document, slug};
use briefing::diagnostics::Location;
use briefing::markdown::{
    Caller, LinkResolver, RenderOptions, ShortcodeCall, ShortcodeFailure, ShortcodeInfo,
    ShortcodeOutput, Shortcodes, render,
};
use briefing::serve::{Target, resolve};
use proptest::prelude::*;

struct Resolver;

impl LinkResolver for Resolver {
    fn page_url(&self, path: &str) -> Option<String> {
        ["a.md", "s/_index.md", "s/b c.md"]
            .contains(&path)
            .then(|| format!("/base/{}/", path.trim_end_matches(".md")))
    }
    fn base_path(&self) -> &str {
        "/base/"
    }
    fn citation(&self, id: &str) -> Option<(String, String)> {
        (id == "src").then(|| ("/base/sources/#src".into(), "Source <&>".into()))
    }
}

/// `sc` writes HTML, `wrap` wraps its body, `md` writes Markdown that calls `md` again.
#[derive(Debug)]
struct FuzzShortcodes;

impl Shortcodes for FuzzShortcodes {
    fn lookup(&self, name: &str) -> Option<ShortcodeInfo> {
        let output = match name {
            "sc" | "wrap" => ShortcodeOutput::Html,
            "md" => ShortcodeOutput::Markdown,
            _ => return None,
        };
        Some(ShortcodeInfo {
            output,
            fingerprint: 1,
        })
    }
    fn names(&self) -> Vec<String> {
        vec!["sc".into(), "wrap".into(), "md".into()]
    }
    fn render(&self, call: &ShortcodeCall<'_>, _: &Caller<'_>) -> Result<String, ShortcodeFailure> {
        Ok(match call.name {
            "sc" => "<span>sc</span>".into(),
            "wrap" => format!("<div>{}</div>", call.body.unwrap_or("")),
            _ => "[m](@/missing.md) {{ md() }}".into(),
        })
    }
}

/// Markdown-ish text: the characters that drive the parser's interesting paths.
fn markdown_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("# ".to_string()),
            Just("## H {#id}\n".to_string()),
            Just("[x](@/a.md#h)".to_string()),
            Just("[y](@/missing.md)".to_string()),
            Just("[@src]".to_string()),
            Just("[@nope]".to_string()),
            Just("[^1]".to_string()),
            Just("[^1]: note\n".to_string()),
            Just("| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
            Just("> ".to_string()),
            Just("- ".to_string()),
            Just("1. ".to_string()),
            Just("```\ncode\n```\n".to_string()),
            Just("~~s~~".to_string()),
            Just("\"q\"".to_string()),
            Just("<b>".to_string()),
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("[z](/root/)".to_string()),
            Just("[w](#frag)".to_string()),
            Just("{{ sc(a=\"x\", n=[1, 2]) }}".to_string()),
            Just("{{ md() }}".to_string()),
            Just("{% wrap() %}".to_string()),
            Just("{% end %}".to_string()),
            Just("{{/* sc() */}}".to_string()),
            Just("{{".to_string()),
            Just("}}".to_string()),
            Just("{%".to_string()),
            Just("(".to_string()),
            Just(")".to_string()),
            "[a-zA-Z0-9 é×—*_`\\[\\]()#@!<>&'\"]{0,12}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn documents_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_document("x.md", "content/x.md", bytes);
    }

    #[test]
    fn front_matter_text_never_panics(front in "[a-z_ =\"\\[\\]{}0-9.:+T-]{0,80}", body in "[^\u{0}]{0,80}") {
        let text = format!("+++\n{front}\n+++\n{body}");
        if let Err(problems) = parse_document("x.md", "content/x.md", text.into_bytes()) {
            for problem in problems {
                let location = problem.location.expect("front matter problems point into the file");
                prop_assert!(location.line >= 1 && location.column >= 1);
            }
        }
    }

    #[test]
    fn markdown_renders_and_reports_in_range(body in markdown_text(), smart in any::<bool>()) {
        let doc = parse_document("x.md", "content/x.md", b"+++\ntitle = \"X\"\n+++\n".to_vec()).unwrap();
        let caller = Caller { doc: &doc, site_path: "x/" };
        let options = RenderOptions { smart_punctuation: smart, heading_anchors: true };
        let rendered = render(&body, options, &Resolver, &FuzzShortcodes, &caller);
        for link in &rendered.links {
            prop_assert!(link.range.end <= body.len());
        }
        for problem in &rendered.problems {
            prop_assert!(problem.range.end <= body.len() && body.is_char_boundary(problem.range.start));
        }
        let mut ids = rendered.anchors.clone();
        ids.sort();
        ids.dedup();
        prop_assert_eq!(ids.len(), rendered.anchors.len(), "heading ids are unique");
        prop_assert!(!rendered.html.contains("href=\"@/"), "no @/ link is left unrewritten");
        prop_assert!(!rendered.html.contains('\u{E000}'), "every shortcode placeholder is filled");
    }

    #[test]
    fn slugs_are_clean_url_segments(text in "\\PC{0,40}") {
        let s = slug::slugify(&text);
        prop_assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        prop_assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"));
        if let Ok(valid) = slug::validate_slug(&text) {
            prop_assert!(!valid.contains('/') && !valid.contains(".."));
        }
    }

    #[test]
    fn locations_never_panic(text in "\\PC{0,60}", start in 0usize..80, len in 0usize..20) {
        let location = Location::in_text(&text, start..start + len);
        prop_assert!(location.span.end <= location.line_text.len());
    }

    #[test]
    fn request_paths_never_escape(path in "(/|%2[eEfF]|\\.|\\.\\.|%5[cC]|\\\\|[a-z]|%00|%|/){0,20}") {
        let url = format!("/{path}");
        if let Target::File(key) = resolve(&url, "/", |_| true) {
            prop_assert!(!key.starts_with('/'));
            prop_assert!(!key.split('/').any(|s| s == ".." || s == "."));
            prop_assert!(!key.contains('\\'));
        }
    }
}
