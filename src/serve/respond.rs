//! One request, one response: the Host check, the method, the URL's length, then the page,
//! asset, endpoint or error it asks for. HEAD gets the same headers as GET and no body.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::BodyExt as _;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::body::{Body as _, Frame, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use super::hosts::AllowedHosts;
use super::inject::decorate_html;
use super::route::{Target, resolve};
use super::server::{MAX_HEAD_BYTES, MAX_URL_BYTES};
use super::{Preview, Served, events};
use crate::build::Generated;

const LIVE_RELOAD_JS: &str = include_str!("../builtin/live-reload.js");

/// Every response body: whole, in shared slices, or the endless event stream.
pub(super) type Body = UnsyncBoxBody<Bytes, Infallible>;

/// What answers requests: the preview and the names it answers to.
pub(super) struct App {
    pub(super) preview: Arc<Preview>,
    pub(super) hosts: AllowedHosts,
}

impl App {
    pub(super) fn respond<B>(&self, request: &Request<B>) -> Response<Body> {
        let is_head = request.method() == Method::HEAD;
        let mut response = self.answer(request, is_head);
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        if is_head {
            headers_only(response)
        } else {
            response
        }
    }

    fn answer<B>(&self, request: &Request<B>, is_head: bool) -> Response<Body> {
        // hyper bounds what it buffers, but in chunks: a head somewhat past the limit can get
        // through it. The limit the README promises is this one, counted exactly.
        if head_bytes(request) > MAX_HEAD_BYTES {
            return text(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "The request's headers are too large for the preview.\n",
            );
        }
        // `GET index.html` parses as an authority (a form only CONNECT may use): it is a
        // malformed request, not one for another host.
        if request.uri().scheme().is_none() && request.uri().authority().is_some() {
            let mut response = text(
                StatusCode::BAD_REQUEST,
                "A request's target must start with `/`.\n",
            );
            // Whatever follows on this connection is not to be trusted either.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
        if let Err(refusal) = self.check_host(request) {
            return refusal;
        }
        if !is_head && request.method() != Method::GET {
            let mut response = text(
                StatusCode::METHOD_NOT_ALLOWED,
                "Only GET and HEAD are supported.\n",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        let url = request
            .uri()
            .path_and_query()
            .map_or("/", |path| path.as_str());
        if url.len() > MAX_URL_BYTES {
            return text(
                StatusCode::URI_TOO_LONG,
                "That URL is too long for the preview.\n",
            );
        }
        self.route(url, is_head)
    }

    /// The Host header, and an absolute URL's host if the request has one, must name the
    /// preview.
    fn check_host<B>(&self, request: &Request<B>) -> Result<(), Response<Body>> {
        let mut hosts = request.headers().get_all(header::HOST).iter();
        let (Some(host), None) = (hosts.next(), hosts.next()) else {
            return Err(text(
                StatusCode::BAD_REQUEST,
                "A request needs exactly one Host header.\n",
            ));
        };
        let named = host.to_str().is_ok_and(|host| self.hosts.admits(host))
            && request
                .uri()
                .authority()
                .is_none_or(|authority| self.hosts.admits(authority.as_str()));
        if named {
            Ok(())
        } else {
            Err(text(
                StatusCode::MISDIRECTED_REQUEST,
                "This preview answers only to localhost, 127.0.0.1, [::1] and the address it \
                 listens on. To open it under another name, start it with \
                 `briefing serve --allowed-host NAME`.\n",
            ))
        }
    }

    fn route(&self, url: &str, is_head: bool) -> Response<Body> {
        let served = self.preview.served();
        let output = &served.built.output;
        let base_path = &self.preview.base_path;
        match resolve(url, base_path, |key| output.contains(key)) {
            Target::Endpoint(name) if name == "events" => {
                // A HEAD asks for the headers alone: no subscription, no stream.
                let body = if is_head {
                    events::no_stream()
                } else {
                    events::stream(&self.preview)
                };
                with_type(StatusCode::OK, "text/event-stream", body)
            }
            Target::Endpoint(name) if name == "live-reload.js" => with_type(
                StatusCode::OK,
                "text/javascript; charset=utf-8",
                whole(Bytes::from_static(LIVE_RELOAD_JS.as_bytes())),
            ),
            Target::Endpoint(name) if name == "status" => {
                let body = format!(
                    "{{\"generation\":{},\"ok\":{}}}\n",
                    served.generation,
                    served.errors.is_none()
                );
                with_type(StatusCode::OK, "application/json", whole(Bytes::from(body)))
            }
            Target::Endpoint(_) | Target::NotFound => {
                let page = output.get(Generated::NotFound.file_name()).map_or_else(
                    || Bytes::from_static(b"Not found\n"),
                    |page| Bytes::from_owner(Arc::clone(page)),
                );
                html(StatusCode::NOT_FOUND, page, base_path, &served, None)
            }
            Target::BadRequest => text(
                StatusCode::BAD_REQUEST,
                "Bad request: that path is not allowed.\n",
            ),
            Target::Redirect(location) => match HeaderValue::from_str(&location) {
                Ok(location) => {
                    let mut response = text(StatusCode::MOVED_PERMANENTLY, "Moved\n");
                    response.headers_mut().insert(header::LOCATION, location);
                    response
                }
                Err(_) => text(StatusCode::BAD_REQUEST, "Bad request.\n"),
            },
            Target::File(key) => {
                let Some(bytes) = output.get(&key) else {
                    return text(StatusCode::NOT_FOUND, "Not found\n");
                };
                // The build's own bytes, shared: a slow reader holds a reference, not a copy.
                let bytes = Bytes::from_owner(Arc::clone(bytes));
                let content_type = content_type(&key);
                if content_type.starts_with("text/html") {
                    let embargoed = served.embargoed.get(&key).map(String::as_str);
                    html(StatusCode::OK, bytes, base_path, &served, embargoed)
                } else {
                    with_type(StatusCode::OK, &content_type, whole(bytes))
                }
            }
        }
    }
}

fn html(
    status: StatusCode,
    page: Bytes,
    base_path: &str,
    served: &Served,
    embargoed_until: Option<&str>,
) -> Response<Body> {
    let parts = decorate_html(page, base_path, served, embargoed_until);
    with_type(
        status,
        "text/html; charset=utf-8",
        Slices(parts.into_iter().filter(|part| !part.is_empty()).collect()).boxed_unsync(),
    )
}

fn text(status: StatusCode, message: &'static str) -> Response<Body> {
    with_type(
        status,
        "text/plain; charset=utf-8",
        whole(Bytes::from_static(message.as_bytes())),
    )
}

fn with_type(status: StatusCode, content_type: &str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// A HEAD response: GET's headers, with the length its body would have had, and no body.
fn headers_only(mut response: Response<Body>) -> Response<Body> {
    if let Some(length) = response.body().size_hint().exact() {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    *response.body_mut() = Body::default();
    response
}

fn whole(bytes: Bytes) -> Body {
    Slices(VecDeque::from([bytes])).boxed_unsync()
}

/// A body of shared byte slices, sent one after the other, with its exact length known.
struct Slices(VecDeque<Bytes>);

impl hyper::body::Body for Slices {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(|bytes| Ok(Frame::data(bytes))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.0.iter().map(|b| b.len() as u64).sum())
    }
}

/// The Content-Type for an output file: by extension, with the feed and XML named as what
/// they are rather than as generic text.
fn content_type(key: &str) -> String {
    let name = key.rsplit('/').next().unwrap_or(key);
    let mime = if name == "atom.xml" {
        "application/atom+xml".parse().ok()
    } else if name == "rss.xml" {
        "application/rss+xml".parse().ok()
    } else if name.ends_with(".xml") {
        "application/xml".parse().ok()
    } else {
        None
    };
    let mime = mime.unwrap_or_else(|| mime_guess::from_path(key).first_or_octet_stream());
    let textual = mime.type_() == mime_guess::mime::TEXT
        || mime.subtype() == "javascript"
        || mime.subtype() == "json"
        || mime.subtype() == "xml"
        || mime.suffix() == Some(mime_guess::mime::XML)
        || mime.suffix() == Some(mime_guess::mime::JSON);
    if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// The bytes of a request's head as sent: its line, each header `name: value\r\n`, and the
/// empty line that ends the head.
fn head_bytes<B>(request: &Request<B>) -> usize {
    let line = request.method().as_str().len() + request.uri().to_string().len() + 12;
    let headers: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    line + headers + 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_name_what_the_files_are() {
        for (key, expected) in [
            ("atom.xml", "application/atom+xml; charset=utf-8"),
            ("blog/atom.xml", "application/atom+xml; charset=utf-8"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
            ("css/site.css", "text/css; charset=utf-8"),
            ("app.js", "text/javascript; charset=utf-8"),
            ("module.mjs", "application/javascript; charset=utf-8"),
            ("data.json", "application/json; charset=utf-8"),
            ("logo.svg", "image/svg+xml; charset=utf-8"),
            (
                "site.webmanifest",
                "application/manifest+json; charset=utf-8",
            ),
            ("photo.png", "image/png"),
            ("font.woff2", "font/woff2"),
            ("unknown.zzz", "application/octet-stream"),
        ] {
            assert_eq!(content_type(key), expected, "{key}");
        }
    }
}
