//! What rendering found wrong in a body, as data: a range of the body and what it is. The
//! message and hint are told here; `site` adds what only the whole site knows (a draft, a
//! "did you mean") by matching on the kind, never on the text.

use std::ops::Range;

use super::shortcodes::{MAX_NESTING, ShortcodeFailure, ShortcodeSyntax};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Byte range in the Markdown body as written (before shortcodes were expanded).
    pub range: Range<usize>,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// `[x](@/target)` names no page or section.
    MissingLinkTarget { target: String },
    /// A relative link (`[x](../s/page.md)`, `![x](still.png)`) to a Markdown file of
    /// `content/` that is not there: `target` is the path it names under `content/`.
    MissingRelativeTarget { written: String, target: String },
    /// A relative link with more `../` than there are folders above its file.
    RelativeLinkOutside { written: String },
    /// `[@id]` names no source.
    UnknownCitation { id: String },
    /// A call of a shortcode the site does not have.
    UnknownShortcode { name: String },
    /// The text of a shortcode tag is wrong.
    Shortcode(ShortcodeSyntax),
    /// A call the shortcode could not render.
    ShortcodeFailed {
        name: String,
        failure: ShortcodeFailure,
    },
    /// Shortcodes called through each other too deep: `chain` names them, outermost first.
    ShortcodeNesting { chain: Vec<String> },
    /// Two headings set the same id with `{#id}`: links to it could only reach one.
    DuplicateHeadingId { id: String },
    /// The placeholder `briefing new` writes (`TODO`), still in the text.
    Placeholder,
}

impl Problem {
    pub fn message(&self) -> String {
        match &self.kind {
            ProblemKind::MissingLinkTarget { target } => {
                format!("the link target `@/{target}` does not exist")
            }
            ProblemKind::MissingRelativeTarget { written, target } => {
                format!("the link `{written}` names content/{target}, which does not exist")
            }
            ProblemKind::RelativeLinkOutside { written } => {
                format!("the link `{written}` climbs out of content/")
            }
            ProblemKind::UnknownCitation { id } => {
                format!("the citation `[@{id}]` names no known source")
            }
            ProblemKind::UnknownShortcode { name } => {
                format!("there is no shortcode `{name}`")
            }
            ProblemKind::Shortcode(syntax) => syntax_message(syntax),
            ProblemKind::ShortcodeFailed { name, failure } => failure_message(name, failure),
            ProblemKind::ShortcodeNesting { chain } => format!(
                "shortcodes call each other more than {MAX_NESTING} deep: {}",
                short_chain(chain)
            ),
            ProblemKind::DuplicateHeadingId { id } => {
                format!("the heading id `{id}` is set twice on this page")
            }
            ProblemKind::Placeholder => format!(
                "this page still holds the placeholder {}, so it cannot be published",
                crate::content::placeholder::PLACEHOLDER
            ),
        }
    }

    pub fn hint(&self) -> String {
        match &self.kind {
            ProblemKind::MissingLinkTarget { .. } => "write the path of a Markdown file relative to content/, e.g. @/partnerships/a24-google.md (sections are @/dir/_index.md)".into(),
            ProblemKind::MissingRelativeTarget { .. } => "a relative link is read from this file's folder, as on GitHub: name a Markdown file (../section/page.md) or a file beside this one".into(),
            ProblemKind::RelativeLinkOutside { .. } => "a relative link is read from this file's folder and stays inside content/; for a file of static/, write a root-relative link such as /css/site.css".into(),
            ProblemKind::UnknownCitation { .. } => {
                "use an id defined in content/sources.toml, or add a [[source]] entry for it".into()
            }
            ProblemKind::UnknownShortcode { name } => format!(
                "create templates/shortcodes/{name}.html (or .md), or print the call as text with {{{{/* {name}(...) */}}}}"
            ),
            ProblemKind::Shortcode(syntax) => syntax_hint(syntax),
            ProblemKind::ShortcodeFailed { failure, .. } => failure_hint(failure),
            ProblemKind::ShortcodeNesting { .. } => {
                "a shortcode's output calls the shortcode again: break the cycle".into()
            }
            ProblemKind::DuplicateHeadingId { .. } => {
                "give this heading another {#id}, or none to have one made from its text".into()
            }
            ProblemKind::Placeholder => crate::content::placeholder::HINT.into(),
        }
    }
}

fn syntax_message(syntax: &ShortcodeSyntax) -> String {
    match syntax {
        ShortcodeSyntax::Unterminated { closing } => {
            format!("this shortcode call is never closed with `{closing}`")
        }
        ShortcodeSyntax::MissingParentheses { name } => {
            format!("the shortcode `{name}` is called without parentheses")
        }
        ShortcodeSyntax::BadArguments { detail } => {
            format!("this shortcode call's arguments do not read: {detail}")
        }
        ShortcodeSyntax::MissingEnd { name } => {
            format!("the shortcode `{name}` has a body but no `{{% end %}}`")
        }
        ShortcodeSyntax::StrayEnd => "this `{% end %}` closes no shortcode".into(),
    }
}

fn syntax_hint(syntax: &ShortcodeSyntax) -> String {
    match syntax {
        ShortcodeSyntax::Unterminated { .. } | ShortcodeSyntax::BadArguments { .. } => {
            "a call reads {{ name(key=\"text\", n=3, flag=true, list=[1, 2]) }}; quote text with \", ' or ` (one that the text does not hold)".into()
        }
        ShortcodeSyntax::MissingParentheses { name } => {
            format!("write {{{{ {name}() }}}}; parentheses are required even without arguments")
        }
        ShortcodeSyntax::MissingEnd { .. } => {
            "end the body with {% end %}, or call it with {{ ... }} if it takes no body".into()
        }
        ShortcodeSyntax::StrayEnd => {
            "remove it, or print it as text with {%/* end */%}".into()
        }
    }
}

fn failure_message(name: &str, failure: &ShortcodeFailure) -> String {
    match failure {
        ShortcodeFailure::MissingArgument { argument } => {
            format!("the shortcode `{name}` needs the argument `{argument}`")
        }
        ShortcodeFailure::WrongType {
            argument,
            expected,
            found,
        } => format!(
            "the argument `{argument}` of the shortcode `{name}` must be {expected}, not {found}"
        ),
        ShortcodeFailure::UnknownArgument { argument, .. } => {
            format!("the shortcode `{name}` has no argument `{argument}`")
        }
        ShortcodeFailure::NeedsBody => format!("the shortcode `{name}` needs a body"),
        ShortcodeFailure::Template(diagnostic) => {
            format!("the shortcode `{name}` failed: {}", diagnostic.message)
        }
        ShortcodeFailure::Unavailable => format!("the shortcode `{name}` cannot be rendered"),
    }
}

fn failure_hint(failure: &ShortcodeFailure) -> String {
    match failure {
        ShortcodeFailure::MissingArgument { argument } => format!("add {argument}=\"...\""),
        ShortcodeFailure::WrongType { .. } => {
            "text is written in quotes, numbers and true/false without".into()
        }
        ShortcodeFailure::UnknownArgument { known, .. } => {
            format!("its arguments are: {}", known.join(", "))
        }
        ShortcodeFailure::NeedsBody => "call it as {% name(...) %}body{% end %}".into(),
        ShortcodeFailure::Template(diagnostic) => diagnostic.hint.clone().unwrap_or_default(),
        ShortcodeFailure::Unavailable => "fix the templates first".into(),
    }
}

/// `a → b → a → …` with at most a few names.
fn short_chain(chain: &[String]) -> String {
    let mut shown: Vec<&str> = chain.iter().take(4).map(String::as_str).collect();
    if chain.len() > shown.len() {
        shown.push("…");
    }
    shown.join(" → ")
}
