//! Which input writes which file of the output, the clashes between them, and the
//! root-relative links of the Markdown, which must name one of those files.
//!
//! Pages, sections, copied files (`static/` and the non-Markdown files of `content/`) and the
//! generated files each claim output paths. Two claims clash when a host would store them as one
//! file: paths are compared as a case-insensitive, Unicode-normalising host compares them (macOS,
//! Windows, a CDN that lower-cases keys), so `News/a.png` and `news/a.png`, or `café` written
//! precomposed and decomposed, are one file there. A claim on `a` also clashes with any claim
//! that needs `a` to be a directory. The one documented exception: a `robots.txt` of the user's
//! wins over the generated one, which is then not written.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use unicode_normalization::UnicodeNormalization as _;

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::fingerprint::{Fingerprint, Fingerprinter, known_equal};
use crate::paths::{ContentPath, OutputKey};
use crate::render::{Generated, OutputKind, Redirect, TaxonomyOutput};
use crate::site::{Node, Site};

/// Most file systems refuse a longer name for one file or directory.
const NAME_MAX: usize = 255;
/// Linux refuses a longer path.
const PATH_MAX: usize = 4096;
/// How much longer than the output directory's the path of the staging directory a build
/// writes into may be.
const STAGING_ALLOWANCE: usize = 48;

#[derive(Debug, Clone, Copy)]
enum Claimant<'a> {
    Node(Node),
    /// The redirect page at alias `index` of a page or section.
    Alias {
        node: Node,
        index: usize,
    },
    /// A pager of a paginated section (or the redirect of its first).
    Pager(usize),
    /// A copied file, by its path under the site root (`static/css/site.css`).
    File(&'a str),
    Generated(Generated),
    /// A page or feed of a taxonomy of `site.toml`.
    Taxonomy(TaxonomyOutput),
    /// The print edition.
    Print,
}

/// Every output path of a site and its problems. Depends only on the site's URLs, the copied
/// files and the output directory, so a rebuild that changes none of them keeps it.
#[derive(Debug)]
pub(super) struct Claims {
    /// The layout of the site these were found for (every file and its URL), which a rebuild
    /// with new text but the same URLs compares.
    layout: Fingerprint,
    /// The fingerprint of everything these were found from: the site's layout, the copied
    /// files and the output directory. Equal fingerprints, equal claims.
    pub(super) fingerprint: Fingerprint,
    outputs: HashSet<String>,
    /// A copied file is the site's robots.txt, so the generated one is not written.
    pub(super) user_robots: bool,
    pub(super) problems: Diagnostics,
}

impl Claims {
    /// The claims of `site`'s pages and sections, of `copied` files (output path, then path
    /// under the root) and of the generated files, and every clash between them.
    pub(super) fn collect<'a>(
        site: &Site,
        copied: impl Iterator<Item = (&'a str, &'a str)>,
        output_dir: &Path,
    ) -> Claims {
        let mut fingerprint = Fingerprinter::new();
        fingerprint
            .fingerprint(site.layout())
            .bool(site.config.print_edition)
            .bytes(output_dir.as_os_str().as_encoded_bytes());
        let mut claims = node_claims(site);
        claims.extend(copied.map(|(output, display)| {
            fingerprint.str(output).str(display);
            (Cow::Borrowed(output), Claimant::File(display))
        }));
        let robots = Generated::Robots.file_name();
        let user_robots = claims
            .iter()
            // Only the exact name: a `Robots.txt` is another file on a case-sensitive host, and
            // clashes with the generated one like any case twin.
            .any(|(path, who)| matches!(who, Claimant::File(_)) && path == robots);
        for generated in Generated::ALL {
            if !(generated == Generated::Robots && user_robots) {
                let path = Cow::Borrowed(generated.file_name());
                claims.push((path, Claimant::Generated(generated)));
            }
        }
        for output in TaxonomyOutput::all(site) {
            let path = OutputKind::Taxonomy(output).output_key(site).to_string();
            claims.push((Cow::Owned(path), Claimant::Taxonomy(output)));
        }
        if site.config.print_edition {
            let path = OutputKind::Print.output_key(site).to_string();
            claims.push((Cow::Owned(path), Claimant::Print));
        }
        let mut problems = Diagnostics::new();
        let room = std::path::absolute(output_dir).map_or(0, |dir| dir.as_os_str().len())
            + 1
            + STAGING_ALLOWANCE;
        for (path, who) in &claims {
            if let Some(problem) = too_long(site, path, *who, room) {
                problems.push(problem);
            }
        }
        let folded: Vec<Cow<'_, str>> = claims.iter().map(|(path, _)| fold(path)).collect();
        let mut first_by_folded: HashMap<&str, usize> = HashMap::with_capacity(claims.len());
        for (i, key) in folded.iter().enumerate() {
            match first_by_folded.get(key.as_ref()) {
                Some(&first) => problems.push(clash(site, &claims[first], &claims[i])),
                None => {
                    first_by_folded.insert(key, i);
                }
            }
        }
        // A file where another claim needs a directory: reported once for each such file.
        let mut reported = HashSet::new();
        for (i, key) in folded.iter().enumerate() {
            for (at, _) in key.match_indices('/') {
                if let Some(&file) = first_by_folded.get(&key[..at])
                    && reported.insert(file)
                {
                    problems.push(file_in_the_way(site, &claims[file], &claims[i]));
                }
            }
        }
        Claims {
            layout: site.layout(),
            fingerprint: fingerprint.finish(),
            outputs: claims
                .into_iter()
                .map(|(path, _)| path.into_owned())
                .collect(),
            user_robots,
            problems,
        }
    }

    /// Whether these are the claims of `site` too: it has the same pages and sections at the
    /// same URLs (the copied files are the caller's to watch). Claims with problems are found
    /// again: their messages point into front matter that may have moved.
    pub(super) fn made_for(&self, site: &Site) -> bool {
        self.problems.is_empty() && self.layout == site.layout()
    }

    /// Every root-relative link in the Markdown of `nodes` that names no file of the output. A
    /// link to a file of `unparsed` (reported already) is left alone.
    pub(super) fn broken_root_links(
        &self,
        site: &Site,
        unparsed: &BTreeSet<String>,
        nodes: &[Node],
    ) -> Diagnostics {
        let unparsed: HashSet<String> = unparsed
            .iter()
            .map(|path| {
                let guess = ContentPath::new(path.as_str()).default_site_path();
                guess.output_key().to_string()
            })
            .collect();
        let known = |key: &str| self.outputs.contains(key) || unparsed.contains(key);
        let mut diagnostics = Diagnostics::new();
        let mut urls: Option<Vec<String>> = None;
        // One buffer for every lookup: a large site has tens of thousands of these links.
        let mut key = String::new();
        for &node in nodes {
            let rendered = site.rendered(node);
            if rendered.root_links.is_empty() {
                continue;
            }
            let doc = site.doc(node);
            for link in &rendered.root_links {
                let written = link.href.split(['#', '?']).next().unwrap_or("");
                OutputKey::write_of_site_path(written.trim_start_matches('/'), &mut key);
                if known(&key) {
                    continue;
                }
                // `/news/first` names the page at `/news/first/` too.
                key.push_str("/index.html");
                if known(&key) {
                    continue;
                }
                let urls = urls.get_or_insert_with(|| self.urls());
                let hint = match did_you_mean(written, urls.iter().map(String::as_str)) {
                    // A relative link is suggested as one, when the file is in the same folder.
                    Some(near) if link.written.is_some() => {
                        let folder = &written[..written.rfind('/').map_or(0, |i| i + 1)];
                        let beside = near.strip_prefix(folder).filter(|n| !n.is_empty());
                        format!("did you mean `{}`?", beside.unwrap_or(near))
                    }
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "link to a page by its file, e.g. [text](@/partnerships/a24-google.md), so the link follows the page; files come from static/ or beside the Markdown".into(),
                };
                let body = doc.split.body.start;
                diagnostics.push(
                    Diagnostic::error(
                        &doc.display_path,
                        match &link.written {
                            Some(written) => format!(
                                "the link `{written}` (`{}` on the site) points to a page or file that does not exist",
                                link.href
                            ),
                            None => format!(
                                "the link `{}` points to a page or file that does not exist",
                                link.href
                            ),
                        },
                    )
                    .in_text(&doc.text, body + link.range.start..body + link.range.end)
                    .hint(hint),
                );
            }
        }
        diagnostics
    }

    /// The output as root-relative URLs (`/news/`, `/css/site.css`), for suggestions.
    fn urls(&self) -> Vec<String> {
        let mut urls: Vec<String> = self
            .outputs
            .iter()
            .map(|path| format!("/{}", path.strip_suffix("index.html").unwrap_or(path)))
            .collect();
        urls.sort();
        urls
    }
}

/// What the pages and sections write: each its own file, then its aliases and pagers.
fn node_claims<'a>(site: &Site) -> Vec<(Cow<'a, str>, Claimant<'a>)> {
    let mut claims: Vec<(Cow<'a, str>, Claimant<'a>)> = site
        .nodes()
        .map(|node| {
            let path = OutputKind::of_node(node).output_key(site).to_string();
            (Cow::Owned(path), Claimant::Node(node))
        })
        .collect();
    for node in site.nodes() {
        for kind in OutputKind::beside(site, node) {
            let who = match (&kind, node) {
                (OutputKind::Redirect(Redirect::Alias { index, .. }), _) => Claimant::Alias {
                    node,
                    index: *index,
                },
                (OutputKind::Card(_), _) => Claimant::Node(node),
                (_, Node::Section(section)) => Claimant::Pager(section),
                (_, Node::Page(_)) => Claimant::Node(node),
            };
            claims.push((Cow::Owned(kind.output_key(site).to_string()), who));
        }
    }
    claims
}

/// Whether `node` of `site` has the render it had in `previous` (found at the same index, as it
/// is unless files were added or removed), as their fingerprints tell.
pub(super) fn same_render(previous: &Site, site: &Site, node: Node) -> bool {
    let exists = match node {
        Node::Page(i) => i < previous.pages.len(),
        Node::Section(i) => i < previous.sections.len(),
    };
    exists
        && previous.doc(node).relative_path == site.doc(node).relative_path
        && known_equal(previous.rendered_from(node), site.rendered_from(node))
}

/// How a case-insensitive, normalising host compares names: Unicode's canonical caseless
/// match (NFD, lower case, NFD again). Page and section paths are lower-case ASCII already,
/// so nearly every call returns its input as it is.
fn fold(path: &str) -> Cow<'_, str> {
    if path.is_ascii() {
        if path.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(path.to_ascii_lowercase())
        } else {
            Cow::Borrowed(path)
        }
    } else {
        let lower = path.nfd().collect::<String>().to_lowercase();
        Cow::Owned(lower.nfd().collect())
    }
}

/// The input a claim comes from, as messages name it.
fn name(site: &Site, who: Claimant<'_>) -> String {
    match who {
        Claimant::Node(node) => site.doc(node).display_path.clone(),
        Claimant::Alias { node, index } => {
            let alias = OutputKind::Redirect(Redirect::Alias { node, index }).url_path(site);
            format!("{} (its alias {alias})", site.doc(node).display_path)
        }
        Claimant::Pager(section) => {
            format!("{} (its pagers)", site.sections[section].doc.display_path)
        }
        Claimant::File(display) => display.to_string(),
        Claimant::Generated(generated) => generated.description().to_string(),
        Claimant::Taxonomy(output) => OutputKind::Taxonomy(output).describe(site).into_owned(),
        Claimant::Print => OutputKind::Print.describe(site).into_owned(),
    }
}

/// A diagnostic about `who`'s claim: in its file, at the value that makes the claim when it
/// is written in front matter (a page's `slug`, an alias, `paginate_by`).
fn about(site: &Site, who: Claimant<'_>, message: String) -> Diagnostic {
    use crate::content::Meta;
    let (node, span) = match who {
        Claimant::File(_) | Claimant::Generated(_) | Claimant::Taxonomy(_) | Claimant::Print => {
            return Diagnostic::error(name(site, who), message);
        }
        Claimant::Node(node) => match &site.doc(node).meta {
            Meta::Page(meta) => (node, meta.slug.as_ref().map(|s| s.span())),
            Meta::Section(_) => (node, None),
        },
        Claimant::Alias { node, index } => {
            let aliases = match &site.doc(node).meta {
                Meta::Page(meta) => &meta.aliases,
                Meta::Section(meta) => &meta.aliases,
            };
            (node, aliases.get(index).map(|a| a.span()))
        }
        Claimant::Pager(section) => {
            let meta = site.sections[section].meta();
            let span = meta.paginate_by.as_ref().map(|p| p.span());
            (Node::Section(section), span)
        }
    };
    let doc = site.doc(node);
    let diagnostic = Diagnostic::error(&doc.display_path, message);
    match span {
        Some(span) => diagnostic.in_text(&doc.text, doc.front_matter_range(span)),
        None => diagnostic,
    }
}

/// Which of two claims a message is filed under: the user's file, not the generated one.
fn reported_one<'a>(first: Claimant<'a>, second: Claimant<'a>) -> (Claimant<'a>, Claimant<'a>) {
    let made_beside = |who| matches!(who, Claimant::Alias { .. } | Claimant::Pager(_));
    match second {
        Claimant::Generated(_) | Claimant::Taxonomy(_) | Claimant::Print => (second, first),
        // An alias or a pager is the newcomer at another's URL: reported where it is asked for.
        _ if made_beside(first) && !made_beside(second) => (second, first),
        _ => (first, second),
    }
}

fn clash(
    site: &Site,
    first: &(Cow<'_, str>, Claimant<'_>),
    second: &(Cow<'_, str>, Claimant<'_>),
) -> Diagnostic {
    let (other, reported) = reported_one(first.1, second.1);
    let message = if first.0 == second.0 {
        let what = match (first.1, second.1) {
            (Claimant::Node(node), Claimant::Node(_)) => {
                format!("the URL {}", OutputKind::of_node(node).url_path(site))
            }
            _ => first.0.to_string(),
        };
        format!(
            "{} and {} both write {what}",
            name(site, first.1),
            name(site, second.1)
        )
    } else {
        format!(
            "{} writes {} and {} writes {}: one file on a host that ignores case and accents (macOS, Windows, many CDNs)",
            name(site, first.1),
            first.0,
            name(site, second.1),
            second.0
        )
    };
    let hint = match (other, reported) {
        (_, Claimant::Alias { .. }) => {
            "remove the alias or change it: an alias cannot take a URL the site already writes".into()
        }
        (Claimant::Generated(generated), _) | (_, Claimant::Generated(generated)) => {
            generated_hint(generated)
        }
        (Claimant::Taxonomy(_), _) | (_, Claimant::Taxonomy(_)) => TAXONOMY_HINT.into(),
        (Claimant::Print, _) | (_, Claimant::Print) => PRINT_HINT.into(),
        (_, Claimant::Pager(_)) => {
            "a pager's URL is the section's, the pagination path and its number: rename the file or directory there, or set another paginate_path".into()
        }
        (Claimant::Node(_), Claimant::Node(_)) => {
            "give one of them another file or directory name, or a different `slug` in its front matter".into()
        }
        (Claimant::File(_), Claimant::File(_)) => {
            "keep one of them: files of static/ and content/ are copied to the same place".into()
        }
        _ => "rename the file, or give the page another file name or `slug`".into(),
    };
    about(site, reported, message).hint(hint)
}

fn file_in_the_way(
    site: &Site,
    file: &(Cow<'_, str>, Claimant<'_>),
    inside: &(Cow<'_, str>, Claimant<'_>),
) -> Diagnostic {
    let message = format!(
        "{} writes the file {}, where {} needs a directory for {}",
        name(site, file.1),
        file.0,
        name(site, inside.1),
        inside.0
    );
    let (_, reported) = reported_one(inside.1, file.1);
    let hint = match (file.1, inside.1) {
        (_, Claimant::Alias { .. }) => {
            "change the alias: it needs a directory where the site writes a file".into()
        }
        (Claimant::Generated(generated), _) => generated_hint(generated),
        (Claimant::Taxonomy(_), _) => TAXONOMY_HINT.into(),
        (Claimant::Print, _) => PRINT_HINT.into(),
        _ => "rename the file or the directory: one name cannot be both".into(),
    };
    about(site, reported, message).hint(hint)
}

const PRINT_HINT: &str = "with print_edition = true (or build --pdf) briefing writes the print edition at /print/: move the page, section or file, or turn the print edition off";

const TAXONOMY_HINT: &str = "a taxonomy of site.toml is published at /<name>/ and its terms at /<name>/<term>/: rename the taxonomy, or move the page, section or file";

fn generated_hint(generated: Generated) -> String {
    match generated {
        Generated::NotFound => {
            "the 404 page is rendered from templates/404.html: put its markup there and remove this file".into()
        }
        Generated::Corrections => {
            "briefing lists every page's [[corrections]] at /corrections/, rendered from templates/corrections.html: move this page or section elsewhere".into()
        }
        other => format!(
            "briefing writes /{} itself from the site; remove or rename this file",
            other.file_name()
        ),
    }
}

/// A claim whose path the file system would refuse: one name or the whole path too long.
fn too_long(site: &Site, path: &str, who: Claimant<'_>, room: usize) -> Option<Diagnostic> {
    let longest = path.split('/').map(str::len).max().unwrap_or(0);
    let message = if longest > NAME_MAX {
        format!(
            "the output path {path} has a name of {longest} bytes; file systems allow at most {NAME_MAX}"
        )
    } else if room + path.len() >= PATH_MAX {
        format!(
            "the output path {path} is {} bytes long inside the output directory; paths are limited to {PATH_MAX} bytes",
            path.len()
        )
    } else {
        return None;
    };
    Some(
        about(site, who, message).hint(
            "shorten the file or directory names, or set a shorter `slug` in the front matter",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_as_a_case_insensitive_normalising_host_compares_them() {
        assert!(matches!(fold("news/first/index.html"), Cow::Borrowed(_)));
        assert_eq!(fold("News/First.PNG"), "news/first.png");
        assert_eq!(fold("caf\u{e9}.txt"), fold("cafe\u{301}.txt"));
        assert_eq!(fold("CAF\u{c9}.txt"), fold("cafe\u{301}.txt"));
        assert_eq!(fold("\u{3a3}\u{3a9}.txt"), fold("\u{3c3}\u{3c9}.txt"));
        assert_ne!(fold("cafe.txt"), fold("caf\u{e9}.txt"));
    }
}
