//! A section's required `[extra]` fields (`extra_fields = ["studio", "partner"]` in its
//! `_index.md`): each of its pages must set every one and no other, since its templates read
//! them by name and a misspelt key would otherwise render as a silent blank.

use std::ops::Range;

use toml::de::DeTable;

use super::{Page, Section};
use crate::content::front_matter::as_toml;
use crate::content::{Document, Meta};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};

/// Every page of a section declaring `extra_fields` that lacks one (an error at its front
/// matter) or has another (an error at the key, with the field probably meant).
pub(super) fn check(sections: &[Section], pages: &[Page]) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for section in sections {
        let required: Vec<&str> = section
            .meta()
            .extra_fields
            .iter()
            .map(|f| f.get_ref().as_str())
            .collect();
        if required.is_empty() {
            continue;
        }
        let declared_in = &section.doc.display_path;
        for page in section.pages.iter().map(|&i| &pages[i]) {
            let Meta::Page(meta) = &page.doc.meta else {
                continue;
            };
            for &field in required.iter().filter(|f| !meta.extra.contains_key(**f)) {
                diagnostics.push(
                    Diagnostic::error(
                        &page.doc.display_path,
                        format!("this page has no `{field}` under [extra], which {declared_in} requires (extra_fields)"),
                    )
                    .in_text(&page.doc.text, opening_fence(&page.doc))
                    .hint(format!("add `{field} = \"...\"` under [extra] in the front matter")),
                );
            }
            for key in meta
                .extra
                .keys()
                .filter(|k| !required.contains(&k.as_str()))
            {
                let hint = match did_you_mean(key, required.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("{declared_in} allows only {}", required.join(", ")),
                };
                diagnostics.push(
                    Diagnostic::error(
                        &page.doc.display_path,
                        format!("`{key}` is not one of the [extra] fields {declared_in} declares"),
                    )
                    .in_text(&page.doc.text, extra_key_range(&page.doc, key))
                    .hint(format!("{hint} (or add it to extra_fields there)")),
                );
            }
        }
    }
    diagnostics
}

/// The `+++` (or `---`) line that opens `doc`'s front matter.
fn opening_fence(doc: &Document) -> Range<usize> {
    let before = doc.text[..doc.split.front_matter.start].trim_end_matches(['\n', '\r']);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_start = line_start + before[line_start..].len()
        - before[line_start..].trim_start_matches('\u{feff}').len();
    line_start..before.len()
}

/// Where `key` of `[extra]` is written in `doc`'s front matter (the front matter's start when
/// it cannot be told). Parsed again on this, the error path, only.
fn extra_key_range(doc: &Document, key: &str) -> Range<usize> {
    let start = doc.split.front_matter.start;
    let fallback = start..start;
    let Ok((toml_text, positions)) = as_toml(&doc.display_path, &doc.text, &doc.split) else {
        return fallback;
    };
    let Ok(table) = DeTable::parse(&toml_text) else {
        return fallback;
    };
    let extra = table.get_ref().iter().find(|(k, _)| k.get_ref() == "extra");
    let Some(toml::de::DeValue::Table(extra)) = extra.map(|(_, v)| v.get_ref()) else {
        return fallback;
    };
    extra
        .keys()
        .find(|k| k.get_ref() == key)
        .map_or(fallback, |k| positions.in_file(k.span()))
}
