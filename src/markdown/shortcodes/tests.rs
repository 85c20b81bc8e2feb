//! The seam under test: a site's shortcodes stood in for by a small implementation of the
//! trait, so that expansion, positions and problems are checked without templates.

use super::parse::{Parsed, Tag, parse_tag};
use super::*;
use crate::markdown::tests::{OnePageSite, caller_document};
use crate::markdown::{Markup, ProblemKind, RenderOptions, render};

/// `hi` (HTML: `<b>hi NAME #NTH</b>`), `box` (HTML with a body), `link` (Markdown: a link to
/// a missing page), `again` (Markdown that calls itself), `needs` (HTML needing `x`),
/// `title` (the caller's title), `echo` (its arguments, typed).
#[derive(Debug)]
pub(crate) struct TestShortcodes;

impl Shortcodes for TestShortcodes {
    fn lookup(&self, name: &str) -> Option<ShortcodeInfo> {
        let output = match name {
            "hi" | "box" | "needs" | "title" | "echo" => ShortcodeOutput::Html,
            "link" | "again" => ShortcodeOutput::Markdown,
            _ => return None,
        };
        Some(ShortcodeInfo {
            output,
            fingerprint: name.len() as u64,
        })
    }

    fn names(&self) -> Vec<String> {
        ["hi", "box", "link", "again", "needs", "title", "echo"]
            .map(String::from)
            .to_vec()
    }

    fn render(
        &self,
        call: &ShortcodeCall<'_>,
        caller: &Caller<'_>,
    ) -> Result<String, ShortcodeFailure> {
        let arg = |key: &str| call.args.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        Ok(match call.name {
            "hi" => match arg("name") {
                Some(ArgValue::Str(name)) => format!("<b>hi {name} #{}</b>", call.nth),
                _ => format!("<b>hi #{}</b>", call.nth),
            },
            "box" => format!("<div class=\"box\">{}</div>", call.body.unwrap_or("")),
            "link" => "see [this](@/missing.md)".into(),
            "again" => "{{ again() }}".into(),
            "needs" => {
                return Err(ShortcodeFailure::MissingArgument {
                    argument: "x".into(),
                });
            }
            "title" => format!("<i>{}</i>", caller.doc.title),
            "echo" => format!("{:?}", call.args),
            _ => return Err(ShortcodeFailure::Unavailable),
        })
    }
}

fn page(body: &str) -> Markup {
    let doc = caller_document();
    let caller = Caller {
        doc: &doc,
        site_path: "a/",
    };
    let options = RenderOptions {
        smart_punctuation: true,
        heading_anchors: false,
    };
    render(body, options, &OnePageSite, &TestShortcodes, &caller)
}

fn kinds(markup: &Markup) -> Vec<&ProblemKind> {
    markup.problems.iter().map(|p| &p.kind).collect()
}

#[test]
fn a_body_without_braces_is_not_expanded() {
    let doc = caller_document();
    let caller = Caller {
        doc: &doc,
        site_path: "a/",
    };
    let body = "Plain { text } with [a link](/x/).";
    assert!(
        expand(
            body,
            pulldown_cmark::Options::empty(),
            &TestShortcodes,
            &caller
        )
        .is_none()
    );
    assert_eq!(
        &*page(body).html,
        "<p>Plain { text } with <a href=\"/b/x/\">a link</a>.</p>\n"
    );
}

#[test]
fn html_output_is_inserted_as_it_is_inline_and_in_place_of_its_paragraph() {
    let inline = page("Say {{ hi(name=\"Ann\") }} now.");
    assert_eq!(&*inline.html, "<p>Say <b>hi Ann #1</b> now.</p>\n");
    let block = page("Intro.\n\n{{ hi(name=\"Bo\") }}\n\nOutro.");
    assert_eq!(
        &*block.html,
        "<p>Intro.</p>\n<b>hi Bo #1</b>\n<p>Outro.</p>\n"
    );
    assert_eq!(inline.shortcodes, [("hi".to_string(), Some(2))]);
}

#[test]
fn nth_counts_the_calls_of_each_shortcode_in_the_page() {
    let r = page("{{ hi() }} {{ title() }} {{ hi() }} {{ hi() }}");
    assert!(
        r.html
            .contains("<b>hi #1</b> <i>A</i> <b>hi #2</b> <b>hi #3</b>"),
        "{}",
        r.html
    );
}

#[test]
fn a_body_has_its_own_calls_expanded_first() {
    let r = page("{% box() %}\nInside {{ hi(name=\"in\") }}.\n{% end %}\n\nAfter.");
    assert!(
        r.html
            .contains("<div class=\"box\">Inside <b>hi in #1</b>.</div>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<p>After.</p>"), "{}", r.html);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn calls_in_code_stay_as_written_and_escapes_print_the_call() {
    let r = page(
        "`{{ hi() }}` and\n\n```\n{% box() %}x{% end %}\n```\n\nEscaped: {{/* hi(name=\"x\") */}} {%/* box() */%}",
    );
    assert!(r.html.contains("<code>{{ hi() }}</code>"), "{}", r.html);
    assert!(
        r.html.contains("{% box() %}x{% end %}\n</code>"),
        "{}",
        r.html
    );
    // Straight quotes: the escape is printed as typed, not through smart punctuation.
    assert!(
        r.html
            .contains("Escaped: {{ hi(name=&quot;x&quot;) }} {% box() %}</p>"),
        "{}",
        r.html
    );
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn an_escape_inside_code_prints_the_call_too() {
    let r = page("```\n{{/* hi() */}}\n```\n");
    assert!(r.html.contains("<code>{{ hi() }}\n</code>"), "{}", r.html);
}

#[test]
fn positions_map_back_to_the_body_as_written() {
    let body = "Intro {{ link() }} then [x](@/gone.md).";
    let r = page(body);
    let call = body.find("{{").unwrap()..body.find("}}").unwrap() + 2;
    let after = body.find("[x]").unwrap()..body.find(").").unwrap() + 1;
    let ranges: Vec<_> = r.problems.iter().map(|p| p.range.clone()).collect();
    // The link the shortcode wrote points at the call; the one after it at itself.
    assert_eq!(ranges, [call.clone(), after.clone()]);
    assert_eq!(r.links[0].range, call);
    assert_eq!(r.links[1].range, after);
}

#[test]
fn an_unknown_shortcode_is_a_problem_at_its_call() {
    let body = "Text\n\n{{ nope(a=1) }}\n";
    let r = page(body);
    assert_eq!(
        kinds(&r),
        [&ProblemKind::UnknownShortcode {
            name: "nope".into()
        }]
    );
    assert_eq!(r.problems[0].range, 6..21);
    assert_eq!(r.shortcodes, [("nope".to_string(), None)]);
}

#[test]
fn mistakes_in_calls_are_problems() {
    let cases: [(&str, ShortcodeSyntax); 4] = [
        (
            "{{ hi(name=\"x\" ",
            ShortcodeSyntax::Unterminated { closing: "}}" },
        ),
        (
            "{{ hi }}",
            ShortcodeSyntax::MissingParentheses { name: "hi".into() },
        ),
        (
            "{% box() %}never closed",
            ShortcodeSyntax::MissingEnd { name: "box".into() },
        ),
        ("text {% end %}", ShortcodeSyntax::StrayEnd),
    ];
    for (body, expected) in cases {
        let r = page(body);
        assert_eq!(kinds(&r), [&ProblemKind::Shortcode(expected)], "{body}");
    }
    // Not a call at all: prose, or a template's variable.
    assert!(
        page("{{ x }} and {{ page.title }} and {{ }}")
            .problems
            .is_empty()
    );
}

#[test]
fn a_failure_of_the_shortcode_is_a_problem_at_its_call() {
    let r = page("a {{ needs() }}");
    assert_eq!(r.problems[0].range, 2..15);
    assert!(matches!(
        &r.problems[0].kind,
        ProblemKind::ShortcodeFailed { name, failure: ShortcodeFailure::MissingArgument { .. } } if name == "needs"
    ));
}

#[test]
fn a_shortcode_that_calls_itself_ends_with_one_problem() {
    let r = page("{{ again() }} and {{ again() }}");
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    let ProblemKind::ShortcodeNesting { chain } = &r.problems[0].kind else {
        panic!("{:?}", r.problems);
    };
    assert!(chain.iter().all(|name| name == "again"));
    assert_eq!(r.problems[0].range, 0..13);
}

#[test]
fn arguments_are_typed() {
    let text = r#"{{ echo(s='say "hi" ) }}', n=-3, f=2.5, b=true, a=[1, "x", [false]], t=`b`,) }}"#;
    let Parsed { tag, len } = parse_tag(text, &|_| true).unwrap();
    assert_eq!(len, text.len());
    let Tag::Call {
        name,
        args,
        with_body,
    } = tag
    else {
        panic!("{tag:?}");
    };
    assert_eq!((name, with_body), ("echo", false));
    let expected = vec![
        ("s".to_string(), ArgValue::Str("say \"hi\" ) }}".into())),
        ("n".into(), ArgValue::Int(-3)),
        ("f".into(), ArgValue::Float(2.5)),
        ("b".into(), ArgValue::Bool(true)),
        (
            "a".into(),
            ArgValue::Array(vec![
                ArgValue::Int(1),
                ArgValue::Str("x".into()),
                ArgValue::Array(vec![ArgValue::Bool(false)]),
            ]),
        ),
        ("t".into(), ArgValue::Str("b".into())),
    ];
    assert_eq!(args, expected);
}

#[test]
fn arguments_that_do_not_read_are_refused() {
    for text in [
        "{{ echo(x=bare) }}",
        "{{ echo(x=1, x=2) }}",
        "{{ echo(=1) }}",
        "{{ echo(x 1) }}",
        "{{ echo(x=1 y=2) }}",
    ] {
        let err = parse_tag(text, &|_| true).unwrap_err();
        assert!(
            matches!(err.0, ShortcodeSyntax::BadArguments { .. }),
            "{text}: {err:?}"
        );
    }
    let deep = format!("{{{{ echo(x={}) }}}}", "[".repeat(10_000));
    assert!(parse_tag(&deep, &|_| true).is_err());
}

#[test]
fn ten_thousand_calls_are_all_expanded() {
    let body = "{{ hi() }} ".repeat(10_000);
    let r = page(&body);
    assert!(r.problems.is_empty());
    assert_eq!(r.html.matches("<b>hi #").count(), 10_000);
    assert!(r.html.contains("<b>hi #10000</b>"));
}

#[test]
fn a_shortcode_in_a_heading_is_text_in_the_table_of_contents() {
    let r = page("## Hello {{ title() }}\n");
    assert_eq!(r.toc[0].title, "Hello A");
    assert!(r.html.contains("Hello <i>A</i></h2>"), "{}", r.html);
}

#[test]
fn bodies_nested_too_deep_are_one_problem_not_a_dropped_body() {
    let body = format!("{}x{}", "{% box() %}".repeat(40), "{% end %}".repeat(40));
    let r = page(&body);
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    let ProblemKind::ShortcodeNesting { chain } = &r.problems[0].kind else {
        panic!("{:?}", r.problems);
    };
    assert!(
        chain.len() == MAX_NESTING && chain.iter().all(|n| n == "box"),
        "{chain:?}"
    );
    assert_eq!(r.problems[0].range.start, 15 * "{% box() %}".len());
    let fine = format!("{}x{}", "{% box() %}".repeat(3), "{% end %}".repeat(3));
    let r = page(&fine);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert!(
        r.html
            .contains(r#"<div class="box"><div class="box"><div class="box">x</div></div></div>"#),
        "{}",
        r.html
    );
}

#[test]
fn a_shortcode_in_a_heading_leaves_its_id_and_anchor_whole() {
    let doc = caller_document();
    let caller = Caller {
        doc: &doc,
        site_path: "a/",
    };
    let options = RenderOptions {
        smart_punctuation: false,
        heading_anchors: true,
    };
    let r = render(
        "## Hello {{ title() }}\n",
        options,
        &OnePageSite,
        &TestShortcodes,
        &caller,
    );
    assert_eq!(r.anchors, ["hello"]);
    assert!(
        r.html.contains(r##"<h2 id="hello">Hello <i>A</i><a class="heading-anchor" href="#hello" aria-label="Link to this section: Hello A">#</a></h2>"##),
        "{}",
        r.html
    );
}
