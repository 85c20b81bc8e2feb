//! Tera's errors as diagnostics: the template, line and column, and a hint.

use std::collections::BTreeMap;

use super::functions::SITE_FUNCTIONS;
use crate::diagnostics::{Diagnostic, Location, did_you_mean};

/// The problems Tera found across templates when adding them all (an unknown filter, test,
/// function or included template, a block missing from every parent), each in its own template.
///
/// Tera returns these as one message of rendered reports, each with `--> name:line:col` and a
/// line of carets; its API has no positions for them, so they are read back from that text.
/// Anything that does not have that shape is reported whole, against templates/.
pub(super) fn batch_diagnostics(
    sources: &BTreeMap<String, String>,
    err: &tera::Error,
) -> Vec<Diagnostic> {
    let tera::ErrorKind::Msg(message) = err.kind() else {
        return vec![template_diagnostic(sources, "", err, None)];
    };
    let lines: Vec<&str> = message.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(text) = line.strip_prefix("error: ") else {
            continue;
        };
        let Some((name, line, column)) = lines
            .get(i + 1)
            .and_then(|l| l.trim_start().strip_prefix("--> "))
            .and_then(parse_position)
        else {
            continue;
        };
        let Some(line_text) = sources.get(name).and_then(|t| t.lines().nth(line - 1)) else {
            continue;
        };
        let mut location = Location::at_line(line, column, line_text);
        let carets = lines.get(i + 4).map_or(0, |l| l.matches('^').count());
        location.span.end = (location.span.start + carets).min(line_text.len());
        found.push(
            Diagnostic::error(
                format!("templates/{name}"),
                format!("template error: {text}"),
            )
            .at(location)
            .hint(reference_hint(text)),
        );
    }
    if found.is_empty() {
        found.push(
            Diagnostic::error(
                "templates/",
                format!("template error: {}", first_line(message)),
            )
            .hint("check the templates against docs/templates.md"),
        );
    }
    found
}

/// `page.html:12:5` as a name, a line and a column; the name may hold colons itself.
fn parse_position(position: &str) -> Option<(&str, usize, usize)> {
    let (rest, column) = position.trim().rsplit_once(':')?;
    let (name, line) = rest.rsplit_once(':')?;
    Some((name, line.parse().ok()?, column.parse().ok()?))
}

fn reference_hint(message: &str) -> String {
    let known = |kind: &str, names: &[&str]| {
        format!(
            "check the {kind}'s name: besides Tera's own, briefing has {}",
            names.join(", ")
        )
    };
    if message.starts_with("Unknown filter") {
        known("filter", &["date", "json_encode", "safe"])
    } else if message.starts_with("Unknown function") {
        known("function", &SITE_FUNCTIONS)
    } else if message.starts_with("Unknown template") {
        "create the template in templates/, or fix the name".into()
    } else {
        template_hint(message)
    }
}

pub(super) fn template_diagnostic(
    sources: &BTreeMap<String, String>,
    fallback_name: &str,
    err: &tera::Error,
    rendering: Option<&str>,
) -> Diagnostic {
    let suffix = rendering
        .map(|page| format!(" (while rendering {page})"))
        .unwrap_or_default();
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let name = if report.filename().is_empty() {
                fallback_name
            } else {
                report.filename()
            };
            let kind = if matches!(err.kind(), tera::ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            let mut d = Diagnostic::error(
                format!("templates/{name}"),
                format!("{kind}: {}{suffix}", report.message()),
            );
            if let Some(text) = sources.get(name) {
                let span = report.span();
                d = d.at(Location::in_text(text, span.range.clone()));
            }
            d.hint(template_hint(report.message()))
        }
        tera::ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            format!("templates/{current}"),
            format!("this template extends `{parent}`, which does not exist{suffix}"),
        )
        .hint(format!(
            "create templates/{parent}, or fix the name in the extends tag"
        )),
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => Diagnostic::error(
            format!("templates/{tpl}"),
            format!(
                "templates extend each other in a circle: {}",
                inheritance_chain.join(" -> ")
            ),
        )
        .hint("one template in the chain must not extend another"),
        tera::ErrorKind::CircularInclude { tpl, include_chain } => Diagnostic::error(
            format!("templates/{tpl}"),
            format!(
                "templates include each other in a circle: {}",
                include_chain.join(" -> ")
            ),
        )
        .hint("remove the include that leads back to the first template"),
        tera::ErrorKind::TemplateNotFound(name) => {
            let near = did_you_mean(name, sources.keys().map(String::as_str));
            Diagnostic::error(
                format!("templates/{fallback_name}"),
                format!("the template `{name}` does not exist{suffix}"),
            )
            .hint(match near {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("create templates/{name}"),
            })
        }
        _ => Diagnostic::error(
            format!("templates/{fallback_name}"),
            format!(
                "{}{suffix}",
                first_line(err.to_string().trim_start_matches("error: "))
            ),
        )
        .hint("check the template against the context described in docs/templates.md"),
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

fn template_hint(message: &str) -> String {
    if let Some((field, available)) = message
        .strip_prefix("Field `")
        .and_then(|rest| rest.split_once("` is not defined. Available fields: "))
        && let Some(near) = did_you_mean(field, available.split(", "))
    {
        return format!("did you mean `{near}`?");
    }
    if message.contains("not found in context")
        || message.contains("undefined")
        || message.contains("not defined")
    {
        "the variable does not exist here: check its name against docs/templates.md, or guard it with `is defined`".into()
    } else {
        "fix the tag or expression at the caret; Tera tags are {{ ... }}, {% ... %} and {# ... #}"
            .into()
    }
}
