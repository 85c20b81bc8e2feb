//! The built site in memory, and putting it on disk without ever leaving a half-written one.
//!
//! A build produces an [`Output`]: a sorted map from output path (`partnerships/index.html`)
//! to bytes. Nothing touches the disk until the whole build succeeded; then an [`OutputDir`]
//! (in `disk`) puts it in place, whole or file by file, never over a directory briefing did not
//! write and never two processes at once. The sitemap, the Atom feed and robots.txt are made
//! here from plain data.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::paths::OutputKey;

/// `text` escaped for XML text and attributes, less the characters XML 1.0 cannot hold (control
/// characters but tab and line breaks, U+FFFE, U+FFFF): one such character, a form feed pasted
/// from a PDF say, makes a feed reader reject the whole feed. One pass over the bytes: every
/// such character starts with a byte below 0x20 or with 0xEF.
fn escape_xml_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    if !may_hold_what_xml_cannot(bytes) {
        crate::diagnostics::escape_html_into(out, text);
        return;
    }
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (replacement, skip) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..0x20 => ("", 1),
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[start..i]);
        out.push_str(replacement);
        i += skip;
        start = i;
    }
    out.push_str(&text[start..]);
}

/// Whether `bytes` has a control character but tab and line breaks, or a 0xEF (which U+FFFE and
/// U+FFFF start with, among others). Checked in blocks without an early exit, which the
/// compiler turns into vector instructions, so that the common text is escaped 16 bytes at a
/// time by [`crate::diagnostics::escape_html_into`] rather than byte by byte here.
fn may_hold_what_xml_cannot(bytes: &[u8]) -> bool {
    let unfit = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF;
    bytes
        .chunks(32)
        .any(|block| block.iter().fold(false, |found, &b| found | unfit(b)))
}

fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_xml_into(&mut out, text);
    out
}

mod disk;
mod lock;

pub use disk::{MARKER, OutputDir, Overwrite, Staging, Written};

pub type Bytes = Arc<[u8]>;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    files: BTreeMap<OutputKey, Bytes>,
}

impl Output {
    pub fn new() -> Output {
        Output::default()
    }

    /// Adds a file; returns the bytes it replaced, if the path was already taken.
    pub fn insert(&mut self, path: impl Into<OutputKey>, bytes: impl Into<Bytes>) -> Option<Bytes> {
        self.files.insert(path.into(), bytes.into())
    }

    pub fn remove(&mut self, path: &str) -> Option<Bytes> {
        self.files.remove(path)
    }

    pub fn get(&self, path: &str) -> Option<&Bytes> {
        self.files.get(path)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&OutputKey, &Bytes)> {
        self.files.iter()
    }

    pub fn paths(&self) -> impl Iterator<Item = &OutputKey> {
        self.files.keys()
    }

    /// Writes every file into `staging`.
    pub fn write_into(&self, staging: &Staging<'_>) -> anyhow::Result<()> {
        self.files
            .par_iter()
            .try_for_each(|(path, bytes)| staging.write(path, bytes))
    }
}

pub struct SitemapEntry {
    pub url: String,
    /// `YYYY-MM-DD` or RFC 3339.
    pub lastmod: Option<String>,
}

pub fn sitemap(mut entries: Vec<SitemapEntry>) -> Vec<u8> {
    entries.sort_by(|a, b| a.url.cmp(&b.url));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for entry in entries {
        xml.push_str("  <url>\n    <loc>");
        escape_xml_into(&mut xml, &entry.url);
        xml.push_str("</loc>\n");
        if let Some(lastmod) = entry.lastmod {
            xml.push_str("    <lastmod>");
            escape_xml_into(&mut xml, &lastmod);
            xml.push_str("</lastmod>\n");
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml.into_bytes()
}

pub struct Feed<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub site_url: &'a str,
    pub feed_url: &'a str,
    pub author: &'a str,
    pub language: &'a str,
}

pub struct FeedEntry {
    pub title: String,
    pub url: String,
    /// RFC 3339, in the offset the page's date was written in.
    pub published: String,
    pub updated: String,
    /// The `updated` moment in UTC, by which entries are ordered: the texts of two offsets do
    /// not sort as their moments do.
    pub updated_at: jiff::civil::DateTime,
    pub summary_html: String,
}

/// An Atom 1.0 feed, newest entry first. `updated` is the newest entry's date, so the feed only
/// changes when content does.
pub fn atom_feed(feed: &Feed<'_>, mut entries: Vec<FeedEntry>) -> Vec<u8> {
    entries.sort_by(|a, b| {
        b.updated_at
            .cmp(&a.updated_at)
            .then_with(|| a.url.cmp(&b.url))
    });
    let updated = entries
        .first()
        .map_or("1970-01-01T00:00:00Z", |e| e.updated.as_str());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n",
        escape_xml(feed.language),
        escape_xml(feed.title)
    );
    if !feed.subtitle.is_empty() {
        xml.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            escape_xml(feed.subtitle)
        ));
    }
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n",
        escape_xml(feed.feed_url),
        escape_xml(feed.site_url),
        escape_xml(feed.feed_url),
        escape_xml(updated)
    ));
    let author = if feed.author.is_empty() {
        feed.title
    } else {
        feed.author
    };
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape_xml(author)
    ));
    // Every entry straight into the one buffer: a feed can hold thousands of them. (Reserving
    // an estimate of its size first measured no faster: the buffer grows by doubling.)
    for entry in entries {
        let parts: [(&str, &str); 6] = [
            ("  <entry>\n    <title>", &entry.title),
            (
                "</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"",
                &entry.url,
            ),
            ("\"/>\n    <id>", &entry.url),
            ("</id>\n    <published>", &entry.published),
            ("</published>\n    <updated>", &entry.updated),
            (
                "</updated>\n    <summary type=\"html\">",
                &entry.summary_html,
            ),
        ];
        for (markup, text) in parts {
            xml.push_str(markup);
            escape_xml_into(&mut xml, text);
        }
        xml.push_str("</summary>\n  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml.into_bytes()
}

pub fn robots_txt(sitemap_url: &str) -> Vec<u8> {
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n").into_bytes()
}

/// A page that sends its reader to `url` (an absolute URL): a meta refresh for browsers, a
/// canonical link for search engines, and a link for anyone the refresh does not move, as
/// Zola writes its alias pages.
pub fn redirect_page(url: &str) -> Vec<u8> {
    let url = crate::diagnostics::escape_html(url);
    format!(
        "<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Redirect</title>\n\
         <link rel=\"canonical\" href=\"{url}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n\
         <p><a href=\"{url}\">Click here</a> to be redirected.</p>\n</body>\n</html>\n"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_page_names_its_target_three_times_escaped() {
        let html = String::from_utf8(redirect_page("https://e.org/b/a?x=1&y=\"2\"")).unwrap();
        let escaped = "https://e.org/b/a?x=1&amp;y=&quot;2&quot;";
        assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{escaped}\">")));
        assert!(html.contains(&format!("content=\"0; url={escaped}\"")));
        assert!(html.contains(&format!("<a href=\"{escaped}\">")));
    }

    #[test]
    fn feed_and_sitemap_escape_and_sort() {
        let xml = String::from_utf8(sitemap(vec![
            SitemapEntry {
                url: "https://e.org/b/".into(),
                lastmod: None,
            },
            SitemapEntry {
                url: "https://e.org/a/?x&y".into(),
                lastmod: Some("2026-11-24".into()),
            },
        ]))
        .unwrap();
        assert!(xml.find("/a/?x&amp;y").unwrap() < xml.find("/b/").unwrap());
        let feed = Feed {
            title: "T & co",
            subtitle: "",
            site_url: "https://e.org/",
            feed_url: "https://e.org/atom.xml",
            author: "",
            language: "en",
        };
        let entry = |u: &str, d: &str| FeedEntry {
            title: "<x>".into(),
            url: u.into(),
            published: d.into(),
            updated: d.into(),
            updated_at: jiff::tz::Offset::UTC.to_datetime(d.parse().unwrap()),
            summary_html: "<p>a</p>".into(),
        };
        let xml = String::from_utf8(atom_feed(
            &feed,
            vec![
                entry("https://e.org/old/", "2020-01-01T00:00:00Z"),
                entry("https://e.org/new/", "2026-01-01T00:00:00Z"),
            ],
        ))
        .unwrap();
        assert!(xml.contains("<title>T &amp; co</title>"));
        assert!(xml.contains("<updated>2026-01-01T00:00:00Z</updated>"));
        assert!(xml.find("/new/").unwrap() < xml.find("/old/").unwrap());
        assert!(xml.contains("&lt;p&gt;a&lt;/p&gt;"));
    }

    /// Every character below U+0020 and the two non-characters: a feed with any of them in a
    /// title or summary must still be XML, and lose nothing else.
    #[test]
    fn characters_xml_cannot_hold_are_left_out_of_feeds_and_sitemaps() {
        let feed = Feed {
            title: "T",
            subtitle: "",
            site_url: "https://e.org/",
            feed_url: "https://e.org/atom.xml",
            author: "",
            language: "en",
        };
        for c in (0u32..0x20)
            .chain([0x7f, 0x85, 0xfffe, 0xffff])
            .filter_map(char::from_u32)
        {
            let text = format!("a{c}b & c");
            let xml = String::from_utf8(atom_feed(
                &feed,
                vec![FeedEntry {
                    title: text.clone(),
                    url: "https://e.org/x/".into(),
                    published: "2026-01-01T00:00:00Z".into(),
                    updated: "2026-01-01T00:00:00Z".into(),
                    updated_at: jiff::civil::date(2026, 1, 1).at(0, 0, 0, 0),
                    summary_html: format!("<p>{text}</p>"),
                }],
            ))
            .unwrap();
            let parsed = roxmltree::Document::parse(&xml);
            assert!(parsed.is_ok(), "U+{:04X}: {parsed:?}", c as u32);
            let kept = if matches!(c, '\t' | '\n' | '\r')
                || (c as u32) >= 0x20 && !matches!(c, '\u{fffe}' | '\u{ffff}')
            {
                format!("a{c}b &amp; c")
            } else {
                "ab &amp; c".to_string()
            };
            assert!(
                xml.contains(&format!("<title>{kept}</title>")),
                "U+{:04X}",
                c as u32
            );
        }
    }

    /// Long text is looked at in blocks: a character XML cannot hold is found in any of them,
    /// and one that only starts like U+FFFE (U+FEFF here) is kept.
    #[test]
    fn a_character_xml_cannot_hold_is_found_anywhere_in_a_long_text() {
        let text = "<a href=\"x\">'it'</a> & ".repeat(4);
        let escaped = "&lt;a href=&quot;x&quot;&gt;&#39;it&#39;&lt;/a&gt; &amp; ".repeat(4);
        for at in 0..=text.len() {
            for (c, kept) in [('\u{c}', ""), ('\u{ffff}', ""), ('\u{feff}', "\u{feff}")] {
                let mut text = text.clone();
                text.insert(at, c);
                let mut expected = escaped.clone();
                let escaped_at = escape_xml(&text[..at]).len();
                expected.insert_str(escaped_at, kept);
                assert_eq!(escape_xml(&text), expected, "{c:?} at {at}");
            }
        }
    }

    #[test]
    fn an_output_is_a_sorted_map_of_paths_to_bytes() {
        let mut output = Output::new();
        assert!(output.is_empty());
        assert_eq!(output.insert("b/index.html", b"one".to_vec()), None);
        assert_eq!(
            output.insert("b/index.html", b"two".to_vec()).as_deref(),
            Some(&b"one"[..])
        );
        output.insert("a.css", b"x".to_vec());
        assert!(!output.is_empty());
        assert_eq!(
            output.paths().map(|p| p.as_str()).collect::<Vec<_>>(),
            ["a.css", "b/index.html"]
        );
    }

    #[test]
    fn a_feed_has_a_subtitle_only_when_one_is_given() {
        let feed = |subtitle| {
            let feed = Feed {
                title: "T",
                subtitle,
                site_url: "https://e.org/",
                feed_url: "https://e.org/atom.xml",
                author: "A",
                language: "en",
            };
            String::from_utf8(atom_feed(&feed, Vec::new())).unwrap()
        };
        assert!(feed("News & notes").contains("  <subtitle>News &amp; notes</subtitle>\n"));
        assert!(!feed("").contains("subtitle"));
    }
}
