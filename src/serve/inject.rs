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

/// The overlay shown over the page while the site has errors: opaque, so the page underneath
/// never mixes with the messages; a button and Esc dismiss it (live-reload.js listens on the
/// document, since the overlay may arrive after the script ran); the paths wrap at any
/// character, so a phone shows them whole.
pub fn overlay_html(diagnostics: &Diagnostics) -> String {
    const STYLE: &str = "#briefing-error-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;background:#141414;color:#fff;padding:clamp(0.75rem,4vw,2rem);font:14px/1.5 ui-monospace,monospace}\
#briefing-error-overlay h2{color:#ff9a9a;font-size:1.2rem;margin:0 0 1rem;padding-right:6.5rem}\
#briefing-error-overlay pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0 0 1rem;font:inherit}\
#briefing-error-overlay button{position:absolute;top:clamp(0.75rem,4vw,2rem);right:clamp(0.75rem,4vw,2rem);font:600 14px/1.2 system-ui,sans-serif;padding:0.5rem 0.75rem;background:#fff;color:#141414;border:0;border-radius:4px;cursor:pointer}\
#briefing-error-overlay button:focus-visible{outline:3px solid #ffb86b;outline-offset:2px}";
    format!(
        "<div id=\"briefing-error-overlay\" role=\"alertdialog\" aria-labelledby=\"briefing-error-title\"><style>{STYLE}</style><button type=\"button\" data-briefing-dismiss>Dismiss (Esc)</button><h2 id=\"briefing-error-title\">The site did not build</h2>{}<p>Fix the file and save: this message goes away on the next good build. Dismiss it to read the last good version underneath.</p></div>",
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
