//! What the preview adds to every HTML page: the live-reload script, the error overlay while
//! the latest build is failing, and a banner on a page under embargo. Never part of `build`.

use bytes::Bytes;

use super::{ENDPOINT_PREFIX, Served};
use crate::diagnostics::Diagnostics;

/// The page in parts, the page's own bytes shared rather than copied: up to the end of the
/// `<body>` tag, the embargo banner (when `embargoed_until` is given), up to `</body>`, the
/// injected script (and overlay), and the rest.
pub(super) fn decorate_html(
    page: Bytes,
    base_path: &str,
    served: &Served,
    embargoed_until: Option<&str>,
) -> [Bytes; 5] {
    let mut injected = format!(
        "<script src=\"{base_path}{ENDPOINT_PREFIX}live-reload.js\" data-generation=\"{}\"></script>",
        served.generation
    );
    if let Some(errors) = &served.errors {
        injected.push_str(&overlay_html(errors));
    }
    let position = find_last_ci(&page, b"</body>").unwrap_or(page.len());
    let (banner, body_start) = match embargoed_until {
        Some(until) => (Bytes::from(embargo_banner(until)), after_body_tag(&page)),
        None => (Bytes::new(), 0),
    };
    // A page without a <body> tag gets the banner at its start, never after its end.
    let body_start = body_start.min(position);
    [
        page.slice(..body_start),
        banner,
        page.slice(body_start..position),
        Bytes::from(injected),
        page.slice(position..),
    ]
}

/// Where the content of `<body ...>` starts: just after the tag; 0 without one.
fn after_body_tag(page: &[u8]) -> usize {
    let Some(tag) = page
        .windows(5)
        .position(|w| w.eq_ignore_ascii_case(b"<body"))
        .filter(|&at| matches!(page.get(at + 5), Some(b'>' | b' ' | b'\t' | b'\n' | b'\r')))
    else {
        return 0;
    };
    memchr::memchr(b'>', &page[tag..]).map_or(0, |end| tag + end + 1)
}

/// The banner over a page that is not published yet: the preview shows it so that editors can
/// read it before its time.
fn embargo_banner(until: &str) -> String {
    let until = crate::diagnostics::escape_html(until);
    format!(
        "<div id=\"briefing-embargo-banner\" role=\"status\" style=\"position:sticky;top:0;z-index:2147483646;background:#8a1c00;color:#fff;padding:.6rem 1rem;font:600 15px/1.4 system-ui,sans-serif;text-align:center\">Embargoed until {until}: this page is not published yet. Only the preview shows it; a build leaves it out until then.</div>"
    )
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
