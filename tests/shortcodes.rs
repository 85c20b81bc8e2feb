//! Shortcodes as a user meets them: calls in Markdown expanded from `templates/shortcodes/`
//! and the built-ins, by the real binary; every mistake reported at the call in the Markdown
//! file, with its line and column.

mod common;

use std::path::PathBuf;

use briefing::build::{Built, Outcome, Session};
use briefing::config::BuildOptions;
use briefing::watch::{Layout, classify};
use common::{TestSite, failed_build, stderr};

fn page(out: &std::path::Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fixture with `body` as the text of one more page, `notes/extra.md`.
fn with_page(body: &str) -> TestSite {
    let site = TestSite::fixture("shortcodes");
    site.write(
        "content/notes/extra.md",
        format!("+++\ntitle = \"Extra\"\n+++\n{body}"),
    );
    site
}

#[test]
fn a_site_written_for_zola_builds_with_its_shortcodes() {
    let site = TestSite::fixture("shortcodes");
    let out = site.build_into("public", &[]);
    let html = page(&out, "notes/all/index.html");
    for expected in [
        // Inline, typed arguments, nth counted per shortcode, `)`, `"` and `}}` in a string.
        r#"Inline: <span class="badge" data-n="2" data-nth="1">New</span> and <span class="badge" data-n="-1" data-nth="2">Say &quot;hi&quot; ) }}</span>."#,
        // Booleans and arrays; HTML output in place of its paragraph.
        "</p>\n<div class=\"video\" data-autoplay=\"true\" data-widths=\"320,640\">",
        // A body, as written, with a nested call expanded.
        r#"<blockquote class="quote">A **quoted** body with a [link](@/notes/_index.md) and <span class="badge" data-n="3" data-nth="3">nested</span>.<footer>Ada</footer></blockquote>"#,
        // A Markdown shortcode's output is Markdown.
        "<li><input disabled=\"\" type=\"checkbox\"/>\none</li>",
        // The built-ins.
        "<figure class=\"figure\">\n<img src=\"/img/still.png\" alt=\"A still\" loading=\"lazy\">\n<figcaption>The still <span class=\"figure-credit\">Studio</span></figcaption>\n</figure>",
        "<aside class=\"callout callout-tip\" role=\"note\" aria-label=\"Remember\">\n<p class=\"callout-title\">Remember</p>\n<p>Callouts take <em>Markdown</em>.</p>\n</aside>",
        // Escapes print the call, code keeps it.
        "Escaped: {{ badge(label=&quot;x&quot;, n=0) }} and {% quote() %}.",
        "<code>{{ badge(label=\"code\", n=0) }}</code>",
        "<pre><code>{{ youtube(id=\"in-a-block\") }}\n</code></pre>",
        // The page it is called from.
        "Called from <a href=\"/notes/all/\">Every kind of call</a> #1, <a href=\"/notes/all/\">Every kind of call</a> #2 times.",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
    let section = page(&out, "notes/index.html");
    assert!(section.contains("in the section Notes."), "{section}");
    let check = site.run(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn the_figure_follows_a_base_path_and_a_site_overrides_it() {
    let site = TestSite::fixture("shortcodes");
    let out = site.build_into("public", &["--base-url", "https://e.org/sub/"]);
    let html = page(&out, "notes/all/index.html");
    assert!(html.contains("<img src=\"/sub/img/still.png\""), "{html}");
    site.write(
        "templates/shortcodes/figure.html",
        "<img class=\"mine\" src=\"{{ src }}\">",
    );
    let out = site.build_into("public", &[]);
    let html = page(&out, "notes/all/index.html");
    assert!(
        html.contains("<img class=\"mine\" src=\"/img/still.png\">"),
        "{html}"
    );
    assert!(!html.contains("<figure"), "{html}");
}

#[test]
fn an_unknown_shortcode_is_an_error_at_its_call() {
    let site = with_page("Text.\n\nSee {{ badg(label=\"x\") }} here.\n");
    let err = failed_build(&site);
    assert!(
        err.contains("content/notes/extra.md:6:5") && err.contains("there is no shortcode `badg`"),
        "{err}"
    );
    assert!(err.contains("did you mean `badge`?"), "{err}");
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stderr(&check).contains("content/notes/extra.md:6:5"),
        "{}",
        stderr(&check)
    );
}

#[test]
fn mistakes_in_calls_are_errors_at_their_call() {
    let cases = [
        // An unterminated call.
        (
            "A {{ badge(label=\"x\", n=1\n",
            "4:3",
            "never closed with `}}`",
        ),
        // A missing required argument, and a wrong type, of a built-in.
        (
            "{{ figure(src=\"/a.png\") }}\n",
            "4:1",
            "needs the argument `alt`",
        ),
        (
            "{{ figure(src=\"/a.png\", alt=3) }}\n",
            "4:1",
            "must be a string, not a number",
        ),
        (
            "{{ figure(src=\"/a.png\", alt=\"a\", captoin=\"c\") }}\n",
            "4:1",
            "has no argument `captoin`",
        ),
        // Arguments that do not read.
        ("{{ badge(label=x) }}\n", "4:1", "`x` is not a value"),
        // A body shortcode never ended, an end with nothing to close, a known one unparenthesised.
        (
            "{% quote(author=\"A\") %}\nnever ended\n",
            "4:1",
            "has a body but no `{% end %}`",
        ),
        ("Text {% end %}\n", "4:6", "closes no shortcode"),
        ("{{ figure }}\n", "4:1", "called without parentheses"),
        ("{{ callout() }}\n", "4:1", "needs a body"),
    ];
    for (body, position, message) in cases {
        let site = with_page(body);
        let err = failed_build(&site);
        assert!(
            err.contains(&format!("content/notes/extra.md:{position}")) && err.contains(message),
            "{body:?}: expected {position} and {message:?} in\n{err}"
        );
    }
}

#[test]
fn a_shortcode_whose_output_calls_itself_ends_with_an_error() {
    let site = with_page("Before.\n\n{{ again() }}\n");
    // Raw: the template's output is the call, which Markdown then expands again.
    site.write(
        "templates/shortcodes/again.md",
        "more {% raw %}{{ again() }}{% endraw %}\n",
    );
    let err = failed_build(&site);
    assert!(
        err.contains("content/notes/extra.md:6:1")
            && err.contains("shortcodes call each other more than 16 deep: again → again"),
        "{err}"
    );
    // An HTML shortcode that includes itself is refused when the templates load.
    std::fs::remove_file(site.path("templates/shortcodes/again.md")).unwrap();
    site.write(
        "templates/shortcodes/again.html",
        "x{% include \"shortcodes/again.html\" %}",
    );
    let err = failed_build(&site);
    assert!(
        err.contains("templates include each other in a circle"),
        "{err}"
    );
}

#[test]
fn a_template_error_points_at_the_template_and_names_the_call() {
    let site = with_page("One.\n\nTwo {{ broken(x=1) }}\n");
    site.write(
        "templates/shortcodes/broken.html",
        "<b>\n{{ x | no_such_filter }}</b>",
    );
    // An unknown filter is found when the templates load, before any call.
    let err = failed_build(&site);
    assert!(err.contains("templates/shortcodes/broken.html:2:"), "{err}");
    site.write(
        "templates/shortcodes/broken.html",
        "<b>\n{{ missing_variable }}</b>",
    );
    let err = failed_build(&site);
    assert!(
        err.contains("templates/shortcodes/broken.html:2:4")
            && err.contains("(in the shortcode called at content/notes/extra.md:6:5)"),
        "{err}"
    );
}

#[test]
fn shortcodes_see_config_but_not_the_site_functions() {
    let site = with_page("A {{ site() }}\n");
    site.write(
        "templates/shortcodes/site.html",
        "<b>{{ config.title }} at {{ config.base_url }}</b>",
    );
    let out = site.build_into("public", &[]);
    let html = page(&out, "notes/extra/index.html");
    assert!(
        html.contains("A <b>Shortcodes at https://shortcodes.example.org</b>"),
        "{html}"
    );
    site.write(
        "templates/shortcodes/site.html",
        "<a href=\"{{ get_url(path='@/notes/all.md') }}\">all</a>",
    );
    let err = failed_build(&site);
    assert!(
        err.contains("templates/shortcodes/site.html:1:")
            && err.contains("shortcodes cannot call them")
            && err.contains("(in the shortcode called at content/notes/extra.md:4:3)"),
        "{err}"
    );
}

#[test]
fn a_link_a_markdown_shortcode_writes_is_checked_at_its_call() {
    let site = with_page("Intro.\n\n{{ links() }}\n");
    site.write("templates/shortcodes/links.md", "[gone](@/notes/gone.md)\n");
    let err = failed_build(&site);
    assert!(
        err.contains("content/notes/extra.md:6:1")
            && err.contains("the link target `@/notes/gone.md` does not exist"),
        "{err}"
    );
}

#[test]
fn ten_thousand_calls_in_one_page_build() {
    let body = "{{ badge(label=\"b\", n=1) }} ".repeat(10_000);
    let site = with_page(&body);
    let out = site.build_into("public", &[]);
    let html = page(&out, "notes/extra/index.html");
    assert_eq!(html.matches("class=\"badge\"").count(), 10_000);
    assert!(html.contains("data-nth=\"10000\""));
}

/// Applies the given edited paths as the watcher would and returns the outcome.
fn apply(session: &mut Session, site: &TestSite, touched: &[&str]) -> Outcome {
    let layout = Layout::of(session.config().unwrap());
    let paths: Vec<PathBuf> = touched
        .iter()
        .map(|t| std::path::absolute(site.path(t)).unwrap())
        .collect();
    session.apply(&classify(&paths, &layout)).unwrap()
}

fn full_build(options: &BuildOptions) -> Outcome {
    Session::start(options.clone()).unwrap().1
}

#[test]
fn a_shortcode_template_re_renders_exactly_the_pages_that_call_it() {
    let site = TestSite::fixture("basic");
    let note = "templates/shortcodes/note.html";
    let options = BuildOptions {
        root: site.root.clone(),
        ..BuildOptions::default()
    };
    site.write(note, "<b>one</b>");
    let page = "content/news/second.md";
    site.write(page, site.read(page) + "\n{{ note() }}\n");
    let (mut session, first) = Session::start(options.clone()).unwrap();
    let Outcome::Built(first) = first else {
        panic!("the site with a shortcode builds")
    };
    let built = |outcome: Outcome| match outcome {
        Outcome::Built(built) => built,
        Outcome::Failed(problems) => panic!("{problems:?}"),
    };
    let matches_clean = |built: &Built| match full_build(&options) {
        Outcome::Built(clean) => assert!(built.output == clean.output, "differs from clean"),
        Outcome::Failed(problems) => panic!("{problems:?}"),
    };

    site.write(note, "<b>two</b>");
    let edited = built(apply(&mut session, &site, &[note]));
    // The page that calls it; its section lists the page, so it is rendered again too.
    assert_eq!((edited.rendered_pages, edited.rendered), (1, 2));
    let html =
        |b: &Built, path: &str| String::from_utf8_lossy(b.output.get(path).unwrap()).into_owned();
    assert!(html(&edited, "news/second/index.html").contains("<b>two</b>"));
    assert_eq!(
        html(&edited, "news/first/index.html"),
        html(&first, "news/first/index.html")
    );
    matches_clean(&edited);

    // A shortcode no page calls: nothing to render.
    site.write("templates/shortcodes/unused.html", "<i>x</i>");
    let unused = built(apply(
        &mut session,
        &site,
        &["templates/shortcodes/unused.html"],
    ));
    assert_eq!(unused.rendered, 0);

    std::fs::remove_file(site.path(note)).unwrap();
    let Outcome::Failed(problems) = apply(&mut session, &site, &[note]) else {
        panic!("a call of a removed shortcode must fail the build")
    };
    assert!(
        problems
            .iter()
            .any(|d| d.path == page && d.message.contains("no shortcode `note`")),
        "{problems:?}"
    );
    site.write(note, "<b>three</b>");
    let back = built(apply(&mut session, &site, &[note]));
    assert_eq!(back.rendered_pages, 1);
    assert!(html(&back, "news/second/index.html").contains("<b>three</b>"));
    matches_clean(&back);
}

#[test]
fn check_points_a_broken_link_a_shortcode_wrote_at_its_argument() {
    let site = with_page("Text.\n\n{{ figure(src=\"/img/gone.png\", alt=\"gone\") }}\n");
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    let err = stderr(&check);
    assert!(
        err.contains("the link `/img/gone.png` points to a page or file that does not exist")
            && err.contains("content/notes/extra.md:6:16"),
        "{err}"
    );
}
