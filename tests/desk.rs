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
        err.contains("help: write what the page needs here"),
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
        table.contains("<td>partner text</td>"),
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
        [format!("{page}:14:1")],
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
