//! Every rule `check` applies, in one table: its code, short name, what it catches and its
//! default severity. A diagnostic made through a rule carries the code, which `check` prints as
//! `error[BR0101]` and README.md documents under "Rule codes". Codes are never reused: a
//! retired rule keeps its number.
//!
//! Numbering: `BR01xx` links and anchors inside the site, `BR02xx` content, `BR03xx` external
//! links.

use crate::diagnostics::{Diagnostic, Severity};

#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub catches: &'static str,
    pub severity: Severity,
}

impl Rule {
    /// A diagnostic about `path` under this rule, at its default severity.
    pub fn diagnostic(&self, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        let diagnostic = match self.severity {
            Severity::Error => Diagnostic::error(path, message),
            Severity::Warning => Diagnostic::warning(path, message),
        };
        diagnostic.code(self.code)
    }
}

pub const BROKEN_LINK: Rule = Rule {
    code: "BR0101",
    name: "broken-link",
    catches: "a link or `src` in the rendered HTML (from Markdown or a template) to a page or file the site does not have",
    severity: Severity::Error,
};

pub const MISSING_ANCHOR: Rule = Rule {
    code: "BR0102",
    name: "missing-anchor",
    catches: "a link to a `#fragment` that the page it names has no `id` (or `<a name>`) for",
    severity: Severity::Error,
};

pub const OUTSIDE_BASE_PATH: Rule = Rule {
    code: "BR0103",
    name: "outside-base-path",
    catches: "a root-relative link outside the base path, or a relative one that climbs above the site",
    severity: Severity::Error,
};

pub const DUPLICATE_ID: Rule = Rule {
    code: "BR0104",
    name: "duplicate-id",
    catches: "an `id` used twice on one page (a heading's and a template's, say): links to it reach only the first",
    severity: Severity::Error,
};

pub const UNCITED_PAGE: Rule = Rule {
    code: "BR0201",
    name: "uncited-page",
    catches: "a page that cites no source, in a site with `content/sources.toml`",
    severity: Severity::Warning,
};

pub const OVERDUE_REVIEW: Rule = Rule {
    code: "BR0202",
    name: "overdue-review",
    catches: "a page or section past its `review_by` date (as of `--now`, or the clock)",
    severity: Severity::Warning,
};

pub const UNMARKED_CHANGE: Rule = Rule {
    code: "BR0203",
    name: "unmarked-change",
    catches: "a page whose text changed since `--since GIT_REF` with no new `[[corrections]]` entry and no later `updated` (only with `--since`)",
    severity: Severity::Warning,
};

pub const UNCITED_CLAIM: Rule = Rule {
    code: "BR0204",
    name: "uncited-claim",
    catches: "a sentence with a direct quotation (in any quotation marks), a figure (in digits or words, other than a date, time, ordinal or name) or an attribution (say, confirm, announce, tell, note, report in any form, according to), in a paragraph, table row or HTML block that cites no `[@id]`",
    severity: Severity::Warning,
};

pub const ATTRIBUTION_MISMATCH: Rule = Rule {
    code: "BR0205",
    name: "attribution-mismatch",
    catches: "a `[@id]` whose source's `speaker` or `publisher` is not whom its sentence names (\"according to Wired\" citing a source Wired did not publish), or a `data` source cited for what someone said",
    severity: Severity::Warning,
};

pub const IMAGE_WITHOUT_ALT: Rule = Rule {
    code: "BR0206",
    name: "image-without-alt",
    catches: "an image with no alt text (`![](chart.png)`): a screen reader has nothing to say for it",
    severity: Severity::Error,
};

pub const SKIPPED_HEADING_LEVEL: Rule = Rule {
    code: "BR0207",
    name: "skipped-heading-level",
    catches: "a heading more than one level below the one before it (the page's title is the `#`): `##` then `####`",
    severity: Severity::Warning,
};

pub const EMPTY_LINK: Rule = Rule {
    code: "BR0208",
    name: "empty-link",
    catches: "a link with no text and no image (`[](/x/)`): nothing to click, nothing to read out",
    severity: Severity::Warning,
};

pub const VAGUE_LINK_TEXT: Rule = Rule {
    code: "BR0209",
    name: "vague-link-text",
    catches: "link text such as \"click here\", \"here\" or \"read more\", which says nothing out of context",
    severity: Severity::Warning,
};

pub const TABLE_WITHOUT_HEADER: Rule = Rule {
    code: "BR0210",
    name: "table-without-header",
    catches: "a table whose header row is empty, so its columns have no names",
    severity: Severity::Warning,
};

pub const DEAD_EXTERNAL_LINK: Rule = Rule {
    code: "BR0301",
    name: "dead-external-link",
    catches: "an external link that answers HTTP 400 or above, or cannot be reached (only with `--external`)",
    severity: Severity::Error,
};

/// Every rule, in code order.
pub const RULES: &[Rule] = &[
    BROKEN_LINK,
    MISSING_ANCHOR,
    OUTSIDE_BASE_PATH,
    DUPLICATE_ID,
    UNCITED_PAGE,
    OVERDUE_REVIEW,
    UNMARKED_CHANGE,
    UNCITED_CLAIM,
    ATTRIBUTION_MISMATCH,
    IMAGE_WITHOUT_ALT,
    SKIPPED_HEADING_LEVEL,
    EMPTY_LINK,
    VAGUE_LINK_TEXT,
    TABLE_WITHOUT_HEADER,
    DEAD_EXTERNAL_LINK,
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The README's "Rule codes" table, as (code, name, severity) per row.
    fn documented() -> Vec<(String, String, String)> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let section = readme
            .split_once("### Rule codes")
            .expect("README.md has a \"Rule codes\" section")
            .1;
        let section = section.split("\n#").next().unwrap();
        section
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let code = cells.get(1)?.trim_matches('`');
                code.starts_with("BR").then(|| {
                    let name = cells[2].trim_matches('`').to_string();
                    (code.to_string(), name, cells[3].to_string())
                })
            })
            .collect()
    }

    #[test]
    fn codes_are_unique_well_formed_and_in_order() {
        let codes: BTreeSet<&str> = RULES.iter().map(|r| r.code).collect();
        assert_eq!(codes.len(), RULES.len(), "a code is used twice");
        let names: BTreeSet<&str> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(names.len(), RULES.len(), "a name is used twice");
        for rule in RULES {
            assert!(
                rule.code.len() == 6
                    && rule.code.starts_with("BR")
                    && rule.code[2..].bytes().all(|b| b.is_ascii_digit()),
                "{rule:?}"
            );
        }
        assert!(RULES.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn readme_documents_every_rule_and_no_other() {
        let severity = |rule: &Rule| match rule.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let expected: Vec<(String, String, String)> = RULES
            .iter()
            .map(|r| (r.code.into(), r.name.into(), severity(r).into()))
            .collect();
        assert_eq!(documented(), expected);
    }

    #[test]
    fn a_rule_makes_diagnostics_with_its_code_and_severity() {
        let d = UNCITED_PAGE.diagnostic("content/a.md", "this page cites no source");
        assert_eq!((d.code, d.severity), (Some("BR0201"), Severity::Warning));
        assert!(BROKEN_LINK.diagnostic("a", "b").is_error());
    }
}
