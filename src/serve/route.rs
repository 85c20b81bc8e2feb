//! The local preview: an HTTP server over the last good build, held in memory, with live
//! reload and an error overlay.
//!
//! URLs are looked up as keys of the in-memory output and never joined onto a file-system path,
//! so no request can reach a file outside the output, whatever `..`, encoded slashes or
//! backslashes it carries. A failed rebuild never replaces what is served: the browser keeps the
//! last good pages, with an overlay that names the file, line and column.

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use anyhow::Context as _;
use arc_swap::ArcSwap;

use crate::build::{Built, Changes, Outcome};
use crate::diagnostics::Diagnostics;

/// Where the preview's own endpoints live (below the base path).
pub const ENDPOINT_PREFIX: &str = "__briefing/";
const LIVE_RELOAD_JS: &str = include_str!("builtin/live-reload.js");

/// What the server shows: the last good build, and the errors of the latest one if it failed.
pub struct Served {
    pub built: Arc<Built>,
    pub errors: Option<Diagnostics>,
    pub generation: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Reload,
    Css(Vec<String>),
    BuildError(String),
}

/// The shared state between the build thread and the request threads.
pub struct Preview {
    current: ArcSwap<Served>,
    listeners: Mutex<Vec<mpsc::Sender<(u64, Notice)>>>,
    base_path: String,
}

impl Preview {
    pub fn new(built: Arc<Built>) -> Arc<Preview> {
        let base_path = built.site.config.base_path.clone();
        Arc::new(Preview {
            current: ArcSwap::from_pointee(Served {
                built,
                errors: None,
                generation: 1,
            }),
            listeners: Mutex::new(Vec::new()),
            base_path,
        })
    }

    /// Publishes the outcome of a rebuild and tells every open page.
    pub fn publish(&self, changes: &Changes, outcome: &Outcome) {
        let previous = self.current.load_full();
        let generation = previous.generation + 1;
        let notice = match outcome {
            Outcome::Built(built) => {
                self.current.store(Arc::new(Served {
                    built: Arc::clone(built),
                    errors: None,
                    generation,
                }));
                let css_only = previous.errors.is_none()
                    && !changes.config
                    && !changes.templates
                    && changes.content.is_empty()
                    && !changes.static_files.is_empty()
                    && changes.static_files.iter().all(|f| f.ends_with(".css"));
                if css_only {
                    Notice::Css(
                        changes
                            .static_files
                            .iter()
                            .map(|f| format!("{}{f}", self.base_path))
                            .collect(),
                    )
                } else {
                    Notice::Reload
                }
            }
            Outcome::Failed(diagnostics) => {
                self.current.store(Arc::new(Served {
                    built: Arc::clone(&previous.built),
                    errors: Some(diagnostics.clone()),
                    generation,
                }));
                Notice::BuildError(overlay_html(diagnostics))
            }
        };
        let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
        listeners.retain(|tx| tx.send((generation, notice.clone())).is_ok());
    }

    fn subscribe(&self) -> mpsc::Receiver<(u64, Notice)> {
        let (tx, rx) = mpsc::channel();
        self.listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tx);
        rx
    }
}

/// Binds `interface:port`, or the next free port when that one is taken.
pub fn bind(interface: IpAddr, port: u16) -> anyhow::Result<TcpListener> {
    let mut last_error = None;
    for candidate in port..port.saturating_add(50) {
        match TcpListener::bind(SocketAddr::new(interface, candidate)) {
            Ok(listener) => {
                if candidate != port {
                    anstream::eprintln!("Port {port} is busy; using {candidate} instead.");
                }
                return Ok(listener);
            }
            Err(err) if err.kind() == std::io::ErrorKind::AddrInUse => last_error = Some(err),
            Err(err) => {
                return Err(err)
                    .with_context(|| format!("cannot listen on {interface}:{candidate}"));
            }
        }
    }
    Err(last_error.map_or_else(|| anyhow::anyhow!("no port to try"), anyhow::Error::from))
        .with_context(|| {
            format!(
                "ports {port} to {} are all busy; pass --port",
                port.saturating_add(49)
            )
        })
}

/// Answers requests until the process ends. Each request gets its own thread, so a waiting
/// live-reload stream never blocks a page load.
pub fn run(listener: TcpListener, preview: Arc<Preview>) -> anyhow::Result<()> {
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| anyhow::anyhow!("cannot start the HTTP server: {e}"))?;
    for request in server.incoming_requests() {
        let preview = Arc::clone(&preview);
        std::thread::spawn(move || handle(request, &preview));
    }
    Ok(())
}

/// Where a request path points in the output, or why it points nowhere.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(String),
    /// A directory asked for without its trailing slash.
    Redirect(String),
    Endpoint(String),
    NotFound,
    BadRequest,
}

/// Maps a raw request URL to an output key. Pure, so every traversal trick is tested here.
pub fn resolve(raw_url: &str, base_path: &str, exists: impl Fn(&str) -> bool) -> Target {
    let raw_path = raw_url.split(['?', '#']).next().unwrap_or("");
    if !raw_path.starts_with('/') || raw_path.contains('\\') {
        return Target::BadRequest;
    }
    let Ok(decoded) = percent_encoding::percent_decode_str(raw_path).decode_utf8() else {
        return Target::BadRequest;
    };
    if decoded.contains(['\\', '\0']) {
        return Target::BadRequest;
    }
    if decoded
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Target::BadRequest;
    }
    // An encoded slash must not act as a separator.
    if raw_path.to_ascii_lowercase().contains("%2f") {
        return Target::NotFound;
    }
    let rest = match decoded.strip_prefix(base_path) {
        Some(rest) => rest,
        None if format!("{decoded}/") == base_path => {
            return Target::Redirect(base_path.to_string());
        }
        None => return Target::NotFound,
    };
    if let Some(endpoint) = rest.strip_prefix(ENDPOINT_PREFIX) {
        return Target::Endpoint(endpoint.to_string());
    }
    if rest.split('/').any(|s| s.starts_with('.')) || rest.contains("//") || rest.starts_with('/') {
        return Target::NotFound;
    }
    let key = if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest.to_string()
    };
    if exists(&key) {
        Target::File(key)
    } else if exists(&format!("{key}/index.html")) {
        Target::Redirect(format!("{raw_path}/"))
    } else {
        Target::NotFound
    }
}

fn handle(request: tiny_http::Request, preview: &Preview) {
    let is_head = *request.method() == tiny_http::Method::Head;
    if !is_head && *request.method() != tiny_http::Method::Get {
        let _ = request.respond(
            text_response(405, "Only GET and HEAD are supported.\n")
                .with_header(header("Allow", "GET, HEAD")),
        );
        return;
    }
    let served = preview.current.load_full();
    let output = &served.built.output;
    let target = resolve(request.url(), &preview.base_path, |key| {
        output.contains(key)
    });
    let response = match target {
        Target::Endpoint(name) if name == "events" => {
            return stream_events(request, preview, served.generation);
        }
        Target::Endpoint(name) if name == "live-reload.js" => bytes_response(
            200,
            "text/javascript; charset=utf-8",
            LIVE_RELOAD_JS.as_bytes().to_vec(),
        ),
        Target::Endpoint(name) if name == "status" => {
            let body = format!(
                "{{\"generation\":{},\"ok\":{}}}\n",
                served.generation,
                served.errors.is_none()
            );
            bytes_response(200, "application/json", body.into_bytes())
        }
        Target::Endpoint(_) | Target::NotFound => {
            let body = output
                .get("404.html")
                .map(|b| b.to_vec())
                .unwrap_or_else(|| b"Not found\n".to_vec());
            bytes_response(
                404,
                "text/html; charset=utf-8",
                decorate_html(body, preview, &served),
            )
        }
        Target::BadRequest => text_response(400, "Bad request: that path is not allowed.\n"),
        Target::Redirect(location) => {
            text_response(301, "Moved\n").with_header(header("Location", &location))
        }
        Target::File(key) => {
            let bytes = output.get(&key).map(|b| b.to_vec()).unwrap_or_default();
            let content_type = content_type(&key);
            let body = if content_type.starts_with("text/html") {
                decorate_html(bytes, preview, &served)
            } else {
                bytes
            };
            bytes_response(200, &content_type, body)
        }
    };
    let response = response.with_header(header("Cache-Control", "no-store"));
    let _ = if is_head {
        let len = response.data_length();
        request.respond(tiny_http::Response::new(
            response.status_code(),
            response.headers().to_vec(),
            std::io::empty(),
            len,
            None,
        ))
    } else {
        request.respond(response)
    };
}

fn content_type(key: &str) -> String {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    match mime.type_() {
        mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
        _ if mime.subtype() == "javascript"
            || mime.subtype() == "json"
            || mime.subtype() == "xml"
            || mime.suffix() == Some(mime_guess::mime::XML) =>
        {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    }
}

/// Adds the live-reload script, and the error overlay while the latest build is failing.
fn decorate_html(mut html: Vec<u8>, preview: &Preview, served: &Served) -> Vec<u8> {
    let mut injected = format!(
        "<script src=\"{}{ENDPOINT_PREFIX}live-reload.js\" data-generation=\"{}\"></script>",
        preview.base_path, served.generation
    );
    if let Some(errors) = &served.errors {
        injected.push_str(&overlay_html(errors));
    }
    let position = find_last_ci(&html, b"</body>").unwrap_or(html.len());
    html.splice(position..position, injected.into_bytes());
    html
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

fn stream_events(request: tiny_http::Request, preview: &Preview, generation: u64) {
    let rx = preview.subscribe();
    let mut writer = request.into_writer();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\n\r\nretry: 500\nevent: hello\ndata: {generation}\n\n"
    );
    if writer
        .write_all(head.as_bytes())
        .and_then(|()| writer.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok((generation, Notice::Reload)) => {
                format!("id: {generation}\nevent: reload\ndata: {generation}\n\n")
            }
            Ok((generation, Notice::Css(paths))) => format!(
                "id: {generation}\nevent: css\ndata: {}\n\n",
                paths.join(" ")
            ),
            Ok((generation, Notice::BuildError(html))) => format!(
                "id: {generation}\nevent: build-error\ndata: {}\n\n",
                html.replace('\n', "\ndata: ")
            ),
            // A comment keeps proxies from closing the stream and tells us when the page is gone.
            Err(mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if writer
            .write_all(message.as_bytes())
            .and_then(|()| writer.flush())
            .is_err()
        {
            return;
        }
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|()| unreachable!("header names and values here are ASCII"))
}

fn bytes_response(
    status: u16,
    content_type: &str,
    body: Vec<u8>,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn text_response(status: u16, text: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    bytes_response(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(key: &str) -> bool {
        ["index.html", "a/index.html", "style.css", "a/b c.png"].contains(&key)
    }

    #[test]
    fn maps_urls_to_output_keys() {
        assert_eq!(resolve("/", "/", site), Target::File("index.html".into()));
        assert_eq!(
            resolve("/a/?x=1", "/", site),
            Target::File("a/index.html".into())
        );
        assert_eq!(resolve("/a", "/", site), Target::Redirect("/a/".into()));
        assert_eq!(
            resolve("/style.css", "/", site),
            Target::File("style.css".into())
        );
        assert_eq!(
            resolve("/a/b%20c.png", "/", site),
            Target::File("a/b c.png".into())
        );
        assert_eq!(resolve("/nope", "/", site), Target::NotFound);
        assert_eq!(
            resolve("/__briefing/events", "/", site),
            Target::Endpoint("events".into())
        );
    }

    #[test]
    fn base_path_is_required() {
        assert_eq!(
            resolve("/b/a/", "/b/", site),
            Target::File("a/index.html".into())
        );
        assert_eq!(resolve("/b", "/b/", site), Target::Redirect("/b/".into()));
        assert_eq!(resolve("/a/", "/b/", site), Target::NotFound);
    }

    #[test]
    fn traversal_is_refused() {
        for url in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/a\\..\\x",
            "/a%5c..%5cx",
            "/./index.html",
            "/a/%00",
            "etc/passwd",
            "http://x/../",
        ] {
            let target = resolve(url, "/", site);
            assert!(
                matches!(target, Target::BadRequest | Target::NotFound),
                "{url}: {target:?}"
            );
        }
        assert_eq!(resolve("/a%2findex.html", "/", site), Target::NotFound);
        assert_eq!(resolve("/.git/config", "/", |_| true), Target::NotFound);
    }

    #[test]
    fn scripts_go_before_the_closing_body() {
        let mut out = b"<html><body><p>x</p></BODY></html>".to_vec();
        let pos = find_last_ci(&out, b"</body>").unwrap();
        out.splice(pos..pos, b"<s>".to_vec());
        assert_eq!(out, b"<html><body><p>x</p><s></BODY></html>");
    }
}
