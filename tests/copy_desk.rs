//! The editorial desk's guards: placeholders that never ship, a section's required `[extra]`
//! fields, and the copy desk's rules in `check`.

mod common;

use common::{TestSite, failed_build, stderr};

/// `file:line:col` of each diagnostic in `err` whose message contains `message`.
fn locations(err: &str, message: &str) -> Vec<String> {
    let lines: Vec<&str> = err.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.contains(message))
        .filter_map(|(i, _)| lines.get(i + 1))
        .filter_map(|line| line.trim_start().strip_prefix("--> "))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_new_page_is_refused_until_its_placeholders_are_replaced() {
    let site = TestSite::briefing();
    let page = "content/partnerships/netflix.md";
    assert!(
        site.run(&["new", "partnerships/netflix.md"])
            .status
            .success()
    );
    let err = failed_build(&site);
    let held = locations(&err, "still holds the placeholder TODO");
    assert_eq!(
        held,
        [
            format!("{page}:5:15"),
            format!("{page}:12:10"),
            format!("{page}:13:11"),
            format!("{page}:14:8"),
            format!("{page}:15:9"),
        ],
        "{err}"
    );
    assert!(
        err.contains("help: replace TODO with the value itself"),
        "{err}"
    );
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1), "check refuses it too");
    assert!(stderr(&check).contains("still holds the placeholder TODO"));

    // With the front matter written, the body's placeholder is what is left.
    let text = site.read(page);
    let front = text.replacen("TODO: one sentence on what this page covers", "A deal.", 1);
    let front = ["studio", "partner", "goal", "focus"]
        .iter()
        .fold(front, |t, f| {
            t.replacen(
                &format!("{f} = \"TODO\""),
                &format!("{f} = \"{f} text\""),
                1,
            )
        });
    site.write(page, &front);
    let err = failed_build(&site);
    assert_eq!(
        locations(&err, "still holds the placeholder TODO"),
        [format!("{page}:17:1")],
        "{err}"
    );
    // The note to the editor is a TOML comment: never in the output.
    site.write(
        page,
        front.replace(
            "TODO: write the page here.",
            "Written [@article]. A `TODO` in code is text.",
        ),
    );
    let out = site.build_into("public", &[]);
    let table = std::fs::read_to_string(out.join("partnerships/index.html")).unwrap();
    assert!(
        table.contains("<td data-label=\"Partner\">partner text</td>"),
        "a row of the table"
    );
    let html = std::fs::read_to_string(out.join("partnerships/netflix/index.html")).unwrap();
    assert!(!html.contains("Started by") && !html.contains("Cite each claim"));
    assert!(html.contains("<code>TODO</code>"));
}

#[test]
fn a_sections_extra_fields_are_required_and_the_only_ones() {
    let site = TestSite::briefing();
    let page = "content/partnerships/a24-google.md";
    site.replace(page, "goal = ", "gaol = ");
    site.replace(page, "focus = \"A research-first collaboration: a technical exploration of emerging software\"\n", "");
    let err = failed_build(&site);
    assert_eq!(
        locations(&err, "has no `goal` under [extra]"),
        [format!("{page}:1:1")],
        "{err}"
    );
    assert!(
        err.contains("content/partnerships/_index.md requires (extra_fields)"),
        "{err}"
    );
    assert_eq!(locations(&err, "has no `focus`").len(), 1, "{err}");
    assert_eq!(
        locations(&err, "`gaol` is not one of the [extra] fields"),
        [format!("{page}:{}:1", line_of(&site.read(page), "gaol = "))],
        "{err}"
    );
    assert!(err.contains("help: did you mean `goal`?"), "{err}");
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));

    // A page of a section that declares nothing may carry any field.
    let other = "content/industry-context/what-happens-next.md";
    site.replace(page, "gaol = ", "goal = ");
    site.replace(page, "[extra]\n", "[extra]\nfocus = \"Research\"\n");
    let text = site.read(other);
    assert!(!text.contains("[extra]"));
    let with_extra = text.replacen("\n+++\n", "\n[extra]\nanything = \"x\"\n+++\n", 1);
    site.write(other, with_extra);
    site.build_into("public", &[]);
}

const DESK_PAGE: &str = "content/industry-context/desk.md";

/// A page of the briefing with one of each copy-desk problem, a paragraph apiece.
fn desk_page(site: &TestSite, body: &str) {
    site.write(
        DESK_PAGE,
        format!("+++\ntitle = \"Desk\"\ndescription = \"D.\"\ndate = 2026-11-24\nsources = [\"article\"]\n+++\n{body}"),
    );
}

const UNCITED: &str = "\
The deal is worth 300 million.

The studio called it \"a first\".

Lionsgate announced a deal.

According to Wired, Lionsgate will build a model [@lionsgate-announcement].

The MPA said digital tools are standard [@mpa-data].

![](/favicon.svg)

## Part

#### Detail

See [](@/takeaways/_index.md) and [here](@/takeaways/_index.md).

| | |
|-|-|
| a | b |
";

#[test]
fn the_copy_desk_flags_each_problem_where_it_is_written() {
    let site = TestSite::briefing();
    desk_page(&site, UNCITED);
    let result = site.run(&["check"]);
    let err = stderr(&result);
    assert_eq!(
        result.status.code(),
        Some(1),
        "the image without alt is an error: {err}"
    );
    let at = |code: &str| {
        let lines: Vec<&str> = err.lines().collect();
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.starts_with(&format!("warning[{code}]"))
                    || l.starts_with(&format!("error[{code}]"))
            })
            .map(|(i, _)| {
                lines[i + 1]
                    .trim_start()
                    .trim_start_matches("--> ")
                    .to_string()
            })
            .collect::<Vec<_>>()
    };
    let page = DESK_PAGE;
    assert_eq!(
        at("BR0204"),
        [
            format!("{page}:7:19"),
            format!("{page}:9:22"),
            format!("{page}:11:11")
        ],
        "{err}"
    );
    assert!(
        err.contains("(a figure `300`)") && err.contains("(a direct quotation `\"a first\"`)"),
        "{err}"
    );
    assert_eq!(
        at("BR0205"),
        [format!("{page}:13:50"), format!("{page}:15:41")],
        "{err}"
    );
    assert!(err.contains("attributes its claim to Wired, but [@lionsgate-announcement] is another's (publisher Lionsgate)"), "{err}");
    assert!(err.contains("[@mpa-data] is data"), "{err}");
    assert_eq!(at("BR0206"), [format!("{page}:17:1")], "{err}");
    assert_eq!(at("BR0207"), [format!("{page}:21:1")], "{err}");
    assert_eq!(at("BR0208"), [format!("{page}:23:5")], "{err}");
    assert_eq!(at("BR0209"), [format!("{page}:23:35")], "{err}");
    assert_eq!(at("BR0210"), [format!("{page}:25:1")], "{err}");
    assert!(
        err.contains("help: cite the source right after the claim with [@id]"),
        "{err}"
    );
    // The copy desk is check's: a build publishes the page.
    site.build_into("public", &[]);
}

#[test]
fn the_copy_desk_is_quiet_once_claims_are_cited_and_the_page_is_well_formed() {
    let site = TestSite::briefing();
    let fixed = UNCITED
        .replace("300 million.", "300 million [@article].")
        .replace("\"a first\".", "\"a first\" [@article].")
        .replace(
            "announced a deal.",
            "announced a deal [@lionsgate-announcement].",
        )
        .replace(
            "According to Wired, Lionsgate",
            "According to Lionsgate, it",
        )
        .replace(
            "The MPA said digital tools are standard",
            "Digital tools are standard, the MPA's data shows",
        )
        .replace("![](/favicon.svg)", "![The briefing's icon](/favicon.svg)")
        .replace("#### Detail", "### Detail")
        .replace(
            "[](@/takeaways/_index.md)",
            "[the takeaways](@/takeaways/_index.md)",
        )
        .replace(
            "[here](@/takeaways/_index.md)",
            "[the list again](@/takeaways/_index.md)",
        )
        .replace("| | |", "| Left | Right |");
    // Dates, times, ordinals, names with digits, code and quotes in a citation's own text
    // are no claims.
    let plain = "On 24 November 2026 at 10:00, the 2nd meeting of A24 went on; `42` is code.\n\n\
        The WGA and SAG-AFTRA secured protections after the 2023 strikes.\n\n\
        1. A numbered item.\n";
    desk_page(&site, &format!("{fixed}\n{plain}"));
    let result = site.run(&["check", "--deny-warnings", "--verbose"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let out = String::from_utf8_lossy(&result.stdout);
    assert!(
        out.contains("content/industry-context/desk.md: 5/9 paragraphs cite a source (55%)"),
        "{out}"
    );
}

#[test]
fn the_shipped_briefing_passes_check_with_warnings_denied() {
    let site = TestSite::briefing();
    let result = site.run(&["check", "--deny-warnings"]);
    assert!(result.status.success(), "{}", stderr(&result));
}

#[test]
fn source_coverage_is_shown_on_sources_only_when_a_template_asks() {
    let site = TestSite::briefing();
    let out = site.build_into("public", &[]);
    let shipped = std::fs::read_to_string(out.join("sources/index.html")).unwrap();
    assert!(!shipped.contains("coverage"), "readers do not see it");
    site.replace(
        "templates/partials/source-list.html",
        "{%- for s in sources() %}",
        "<ul id=\"coverage\">{% for c in source_coverage() %}<li>{{ c.relative_path }} {{ c.cited }}/{{ c.paragraphs }} {{ c.path }}</li>{% endfor %}</ul>\n{%- for s in sources() %}",
    );
    let out = site.build_into("public", &[]);
    let editors = std::fs::read_to_string(out.join("sources/index.html")).unwrap();
    assert!(
        editors.contains("<li>partnerships/a24-google.md 8/8 /partnerships/a24-google/</li>"),
        "{editors}"
    );
}

#[test]
fn a_placeholder_anywhere_in_a_body_is_refused_by_build_and_check() {
    let site = TestSite::briefing();
    desk_page(
        &site,
        "Written [@article].\n\nMore to come: TODO [@article].\n\n`TODO` is code.\n",
    );
    for command in ["build", "check"] {
        let result = site.run(&[command]);
        let err = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{command}: {err}");
        assert_eq!(
            locations(&err, "still holds the placeholder TODO"),
            [format!("{DESK_PAGE}:9:15")],
            "{command}: {err}"
        );
    }
}

/// The 1-based line of the first line of `text` that starts with `start`.
fn line_of(text: &str, start: &str) -> usize {
    1 + text.lines().position(|l| l.starts_with(start)).unwrap()
}
