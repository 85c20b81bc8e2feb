//! Sites for `render`'s unit tests, assembled as a first build makes them.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::config::Config;
use crate::content::Document;
use crate::site::{Bodies, Site};

/// The document `content/{path}`: TOML front matter `front`, then `body`.
pub(super) fn doc(path: &str, front: &str, body: &str) -> Arc<Document> {
    let text = format!("+++\n{front}\n+++\n{body}");
    Arc::new(
        crate::content::parse_document(path, &format!("content/{path}"), text.into_bytes())
            .unwrap(),
    )
}

/// `docs` assembled under `config`, with no shortcodes; any problem fails the test.
pub(super) fn assembled(config: Arc<Config>, docs: Vec<Arc<Document>>) -> Site {
    let shortcodes = Arc::new(super::ShortcodeTemplates::unavailable());
    let (site, problems) = Site::assemble(
        config,
        docs,
        vec![],
        None,
        &BTreeSet::new(),
        Bodies::Keep,
        shortcodes,
    );
    assert!(problems.is_empty(), "{problems:?}");
    site
}
