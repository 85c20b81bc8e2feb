//! What a page bundle may hold. `x/index.md` is the page `x/` and every other file of `x/` is
//! published beside it, so the folder can be neither a section too (an `_index.md` beside
//! it) nor hold other pages or sections (as in Zola, where a bundle cannot have sub-sections).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::content::Document;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::paths::parent_dir;

/// A diagnostic for every Markdown file in a bundle's folder other than its `index.md`.
pub(super) fn misplaced(documents: &[Arc<Document>]) -> Diagnostics {
    let bundles: BTreeSet<&str> = documents
        .iter()
        .filter(|d| d.relative_path.is_bundle_index())
        .map(|d| d.relative_path.dir())
        .collect();
    let mut diagnostics = Diagnostics::new();
    if bundles.is_empty() {
        return diagnostics;
    }
    for doc in documents {
        let path = &doc.relative_path;
        let Some(bundle) = bundle_of(&bundles, path.dir()) else {
            continue;
        };
        if path.is_bundle_index() && path.dir() == bundle {
            continue;
        }
        if path.is_section_file() && path.dir() == bundle {
            diagnostics.push(
                Diagnostic::error(
                    &doc.display_path,
                    format!("content/{bundle}/ holds both _index.md and index.md"),
                )
                .hint(format!(
                    "a folder is a section (_index.md, with pages of its own) or a page bundle (index.md, with the files it shows), not both: remove or rename one in content/{bundle}/"
                )),
            );
        } else {
            diagnostics.push(inside(doc, bundle));
        }
    }
    diagnostics
}

/// The folder of the bundle `dir` is in (or is), if any: the outermost one.
fn bundle_of<'a>(bundles: &BTreeSet<&'a str>, dir: &str) -> Option<&'a str> {
    let mut found = None;
    let mut at = dir;
    while !at.is_empty() {
        if let Some(bundle) = bundles.get(at) {
            found = Some(*bundle);
        }
        at = parent_dir(at);
    }
    found
}

fn inside(doc: &Document, bundle: &str) -> Diagnostic {
    Diagnostic::error(
        &doc.display_path,
        format!(
            "this Markdown file is inside the page bundle content/{bundle}/, which holds one page (its index.md) and the files it shows"
        ),
    )
    .hint(format!(
        "move it out of content/{bundle}/, or make content/{bundle}/ a section by renaming its index.md to _index.md"
    ))
}
