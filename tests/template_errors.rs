//! Every template mistake is reported in the template that holds it, with its line and column:
//! mistakes found when the templates are loaded (unknown filters, functions, templates, blocks),
//! syntax errors, and errors while rendering, including in templates reached only through
//! `extends` or `include`.

mod common;

use common::{TestSite, stderr};

struct Case {
    name: &'static str,
    setup: fn(&TestSite),
    /// `templates/<file>:<line>:<column>` and words of the message.
    expect: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "unknown filter in page.html",
        setup: |s| {
            s.replace(
                "templates/page.html",
                "{{ page.title }}",
                "{{ page.title | shout }}",
            )
        },
        expect: &[
            "templates/page.html:2:",
            "Unknown filter `shout`",
            "date, json_encode",
        ],
    },
    Case {
        name: "unknown function in base.html, which every page extends",
        setup: |s| s.replace("templates/base.html", "<main>", "<main>{{ shout() }}"),
        expect: &[
            "templates/base.html:7:",
            "Unknown function `shout`",
            "get_url",
        ],
    },
    Case {
        name: "unknown test in section.html",
        setup: |s| {
            s.replace(
                "templates/section.html",
                "{% if p.date %}",
                "{% if p.date is loud %}",
            )
        },
        expect: &["templates/section.html:4:", "Unknown test `loud`"],
    },
    Case {
        name: "include of a missing template",
        setup: |s| {
            s.replace(
                "templates/index.html",
                "{% block content %}",
                "{% block content %}{% include \"partials/nav.html\" %}",
            )
        },
        expect: &[
            "templates/index.html:2:",
            "Unknown template `partials/nav.html`",
        ],
    },
    Case {
        name: "block missing from every parent",
        setup: |s| {
            s.replace(
                "templates/page.html",
                "{% block title %}",
                "{% block sidebar %}{% endblock sidebar %}\n{% block title %}",
            )
        },
        expect: &["templates/page.html:2:", "Block `sidebar` is not defined"],
    },
    Case {
        name: "syntax error in an included partial",
        setup: |s| {
            s.write("templates/partials/meta.html", "<meta>\n{% if %}\n");
            s.replace(
                "templates/base.html",
                "</head>",
                "{% include \"partials/meta.html\" %}</head>",
            );
        },
        expect: &["templates/partials/meta.html:2:", "template syntax error"],
    },
    Case {
        name: "unknown field while rendering an included partial",
        setup: |s| {
            s.write(
                "templates/partials/byline.html",
                "<p>\n  {{ page.author }}</p>\n",
            );
            s.replace(
                "templates/page.html",
                "{{ page.content | safe }}",
                "{% include \"partials/byline.html\" %}{{ page.content | safe }}",
            );
        },
        expect: &[
            "templates/partials/byline.html:2:",
            "`author` is not defined",
            "while rendering content/news/",
        ],
    },
    Case {
        name: "unknown field in base.html while rendering a section",
        setup: |s| {
            s.replace(
                "templates/base.html",
                "{{ config.title }}",
                "{{ config.tittle }}",
            )
        },
        expect: &[
            "templates/base.html:3:",
            "`tittle` is not defined",
            "did you mean `title`?",
        ],
    },
    Case {
        name: "a filter failing while rendering",
        setup: |s| {
            s.replace(
                "templates/section.html",
                "date(format=\"%d %B %Y\")",
                "date(format=\"%\")",
            )
        },
        expect: &["templates/section.html:4:", "bad date format"],
    },
    Case {
        name: "a custom 404 page",
        setup: |s| {
            s.write(
                "templates/404.html",
                "<h1>Lost</h1>\n<p>{{ config.nope }}</p>\n",
            )
        },
        expect: &["templates/404.html:2:", "`nope` is not defined"],
    },
];

#[test]
fn every_template_error_names_its_template_line_and_column() {
    let mut failures = Vec::new();
    for case in CASES {
        let site = TestSite::fixture("basic");
        (case.setup)(&site);
        let result = site.run(&["build"]);
        let message = stderr(&result);
        let mut problems = Vec::new();
        if result.status.code() != Some(1) {
            problems.push(format!("exit {:?}", result.status.code()));
        }
        for part in case.expect {
            if !message.contains(part) {
                problems.push(format!("no {part:?}"));
            }
        }
        // The position is line:column, never a bare line.
        let position = case.expect[0];
        let column = message
            .split(position)
            .nth(1)
            .map(|rest| rest.chars().take_while(char::is_ascii_digit).count());
        if column.is_none_or(|digits| digits == 0) {
            problems.push("no column".into());
        }
        if !message.contains("help:") || message.contains("panicked") {
            problems.push("no hint, or a panic".into());
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n{message}", case.name, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn mistakes_in_several_templates_are_all_reported_in_their_own() {
    let site = TestSite::fixture("basic");
    site.replace(
        "templates/page.html",
        "{{ page.title }}",
        "{{ page.title | shout }}",
    );
    site.replace("templates/base.html", "<main>", "<main>{{ whisper() }}");
    let message = stderr(&site.run(&["build"]));
    assert!(message.contains("templates/page.html:2:"), "{message}");
    assert!(message.contains("templates/base.html:7:"), "{message}");
    assert!(!message.contains("templates/404.html"), "{message}");
    assert!(message.contains("2 errors"), "{message}");
}
