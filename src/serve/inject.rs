//! What the preview adds to every HTML page: the live-reload script, and the error overlay while
//! the latest build is failing. Never part of `build`.

use bytes::Bytes;

use super::{ENDPOINT_PREFIX, Served};
use crate::diagnostics::Diagnostics;

/// The page as three parts, the page's own bytes shared rather than copied: what comes before
/// `</body>`, the injected script (and overlay), and the rest.
pub(super) fn decorate_html(page: Bytes, base_path: &str, served: &Served) -> [Bytes; 3] {
    let mut injected = format!(
        "<script src=\"{base_path}{ENDPOINT_PREFIX}live-reload.js\" data-generation=\"{}\"></script>",
        served.generation
    );
    if let Some(errors) = &served.errors {
        injected.push_str(&overlay_html(errors));
    }
    let position = find_last_ci(&page, b"</body>").unwrap_or(page.len());
    [
        page.slice(..position),
        Bytes::from(injected),
        page.slice(position..),
    ]
}

fn find_last_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// The overlay shown over the page while the site has errors.
pub fn overlay_html(diagnostics: &Diagnostics) -> String {
    format!(
        "<div id=\"briefing-error-overlay\" role=\"alertdialog\" aria-label=\"Build error\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:2rem;font:14px/1.5 ui-monospace,monospace\"><h2 style=\"color:#ff8080;font-size:1.2rem\">The site did not build: the last good version is shown underneath</h2>{}<p>Fix the file and save: this message goes away on the next good build.</p></div>",
        diagnostics.render_html()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_go_before_the_closing_body() {
        let mut out = b"<html><body><p>x</p></BODY></html>".to_vec();
        let pos = find_last_ci(&out, b"</body>").unwrap();
        out.splice(pos..pos, b"<s>".to_vec());
        assert_eq!(out, b"<html><body><p>x</p><s></BODY></html>");
        assert_eq!(find_last_ci(b"<p>no body</p>", b"</body>"), None);
    }
}
