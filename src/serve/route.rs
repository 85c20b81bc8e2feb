//! From a request's URL to a key of the in-memory output: a pure function, so every traversal
//! trick is tested here without a server.

use super::ENDPOINT_PREFIX;
use crate::paths::OutputKey;

/// Where a request path points in the output, or why it points nowhere.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(OutputKey),
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
    let key = OutputKey::of_decoded(rest);
    if exists(&key) {
        Target::File(key)
    } else if exists(&key.directory_index()) {
        Target::Redirect(format!("{raw_path}/"))
    } else {
        Target::NotFound
    }
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
    fn malformed_paths_are_bad_requests_and_impossible_names_are_absent() {
        // Not a path, or a `.` or `..` segment: the request itself is wrong.
        for url in ["etc/passwd", "*", "/a/../../x", "/a/./b", "/%2e%2e/x"] {
            assert_eq!(resolve(url, "/", site), Target::BadRequest, "{url}");
        }
        // No output key starts with `/` or has an empty segment: such names are never looked
        // up, even where every key would exist.
        for url in ["//etc/passwd", "/a//b", "/a/.hidden"] {
            assert_eq!(resolve(url, "/", |_| true), Target::NotFound, "{url}");
        }
    }
}
