//! Links between pages: how Markdown resolves them while it renders ([`Resolver`]), and the
//! checks that need every page's anchors and every source id (run once the graph is whole).

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use super::{Node, Site};
use crate::config::Config;
use crate::content::sources::Source;
use crate::content::{Document, Meta};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::markdown::{
    InternalLink, LinkResolver, Markup, Problem, ProblemKind, RenderOptions, ShortcodeFailure,
};
use crate::paths::{ContentPath, SitePath};

/// The URLs of every page, section and source, as Markdown links to them.
#[derive(Debug)]
pub(super) struct Resolver {
    urls: HashMap<String, String>,
    pub(super) base_path: String,
    citations: HashMap<String, (String, String)>,
}

impl Resolver {
    /// `site_path` gives the site path of each node in `by_path`; a file that did not parse
    /// (`unparsed`) is given the URL it would most likely have, so that links to it are not
    /// reported as well as its own mistake.
    pub(super) fn new<'a>(
        config: &Config,
        by_path: &HashMap<ContentPath, Node>,
        site_path: impl Fn(Node) -> &'a SitePath,
        unparsed: &BTreeSet<String>,
        sources: &[Source],
    ) -> Resolver {
        Resolver {
            urls: by_path
                .iter()
                .map(|(rel, node)| (rel.to_string(), config.url_path(site_path(*node))))
                .chain(unparsed.iter().map(|path| {
                    let guess = ContentPath::new(path.as_str()).section_site_path();
                    (path.clone(), config.url_path(&guess))
                }))
                .collect(),
            base_path: config.base_path.clone(),
            citations: sources
                .iter()
                .map(|s| {
                    (
                        s.id.clone(),
                        (
                            config.url_path(&SitePath::of_source(&s.id)),
                            s.label().to_string(),
                        ),
                    )
                })
                .collect(),
        }
    }

    /// The fingerprint of everything a render of `doc`'s body depends on: its bytes, the
    /// Markdown options, the base path, and what this resolver answers for each link and
    /// citation of `rendered` (a render of those same bytes, which name the same links). Two
    /// renders with one fingerprint are the same render. `None` for a document read without
    /// a fingerprint (a one-off build, which reuses nothing).
    pub(super) fn render_fingerprint(
        &self,
        doc: &Document,
        options: RenderOptions,
        rendered: &Markup,
    ) -> Option<Fingerprint> {
        // Taken apart so that a new option cannot be left out of the fingerprint unnoticed.
        let RenderOptions {
            smart_punctuation,
            heading_anchors,
        } = options;
        let bytes = doc.fingerprint?;
        let mut key = Fingerprinter::new();
        key.fingerprint(bytes)
            .bool(smart_punctuation)
            .bool(heading_anchors)
            .str(&self.base_path);
        for link in rendered.links.iter().filter(|l| !l.target.is_empty()) {
            key.str(&link.target)
                .option_str(self.urls.get(&link.target).map(String::as_str));
        }
        for citation in &rendered.citations {
            match self.citations.get(&citation.id) {
                Some((url, label)) => key.bool(true).str(url).str(label),
                None => key.bool(false),
            };
        }
        Some(key.finish())
    }
}

impl LinkResolver for Resolver {
    fn page_url(&self, relative_path: &str) -> Option<String> {
        self.urls.get(relative_path).cloned()
    }
    fn base_path(&self) -> &str {
        &self.base_path
    }
    fn citation(&self, id: &str) -> Option<(String, String)> {
        self.citations.get(id).cloned()
    }
}

/// The byte range in `doc`'s text of `range`, a range in its body.
pub(super) fn in_body(doc: &Document, range: &Range<usize>) -> Range<usize> {
    let body_start = doc.split.body.start;
    body_start + range.start..body_start + range.end
}

impl Site {
    /// The Markdown problems, broken `@/` targets and anchors, and unknown source ids of one
    /// page or section. Returns the content files its links point to.
    pub(super) fn check_node(&self, node: Node, diagnostics: &mut Diagnostics) -> Vec<String> {
        let known_sources: Vec<&str> = self.sources.iter().map(|s| s.id.as_str()).collect();
        let doc = self.doc(node);
        let rendered = self.rendered(node);
        for problem in &rendered.problems {
            diagnostics.push(self.problem_diagnostic(doc, problem, &known_sources));
        }
        let mut targets = Vec::new();
        for link in &rendered.links {
            let target_node = if link.target.is_empty() {
                Some(node)
            } else {
                self.node(&link.target)
            };
            let Some(target_node) = target_node else {
                continue;
            };
            if !link.target.is_empty() {
                targets.push(link.target.clone());
            }
            diagnostics.extend(self.missing_anchor(doc, link, target_node));
            diagnostics.extend(self.link_into_embargo(node, link, target_node));
        }
        self.check_front_matter_sources(doc, &known_sources, diagnostics);
        diagnostics.extend(self.corrections_from_the_future(doc));
        targets
    }

    /// A problem Markdown found, told with what only the whole site knows: that a link's
    /// target is left out (a draft, under embargo, expired), which page, source id or shortcode was probably meant, and where in
    /// a shortcode's template it failed.
    fn problem_diagnostic(
        &self,
        doc: &Document,
        problem: &Problem,
        known_sources: &[&str],
    ) -> Diagnostic {
        let range = in_body(doc, &problem.range);
        let mut message = problem.message();
        let mut hint = problem.hint();
        match &problem.kind {
            ProblemKind::MissingLinkTarget { target } if self.withheld.contains_key(target) => {
                let (what, why) = self.withheld[target].link_message();
                message = format!("the link target `@/{target}` is {what}");
                hint = why;
            }
            ProblemKind::MissingLinkTarget { target } => {
                if let Some(near) = did_you_mean(target, self.by_path.keys().map(|p| p.as_str())) {
                    hint = format!("did you mean `@/{near}`?");
                }
            }
            ProblemKind::MissingRelativeTarget { written, target } => {
                if let Some(withheld) = self.withheld.get(target) {
                    let (what, why) = withheld.link_message();
                    message = format!("the link `{written}` names content/{target}, {what}");
                    hint = why;
                } else if let Some(near) =
                    did_you_mean(target, self.by_path.keys().map(|p| p.as_str()))
                {
                    let near = ContentPath::new(near).written_from(&doc.relative_path);
                    hint = format!("did you mean `{near}`?");
                }
            }
            ProblemKind::RelativeLinkOutside { written } => {
                if let Some(near) = self.within_content(doc, written) {
                    hint = format!("did you mean `{near}`? ({hint})");
                }
            }
            ProblemKind::UnknownCitation { id } => {
                if let Some(near) = did_you_mean(id, known_sources.iter().copied()) {
                    hint = format!("did you mean `[@{near}]`?");
                }
            }
            ProblemKind::UnknownShortcode { name } => {
                let names = self.shortcodes.names();
                if let Some(near) = did_you_mean(name, names.iter().map(String::as_str)) {
                    hint = format!("did you mean `{near}`? ({hint})");
                }
            }
            ProblemKind::ShortcodeFailed {
                failure: ShortcodeFailure::Template(in_template),
                ..
            } => {
                // The mistake is in the template; the message names the call that ran it.
                let call = Location::in_text(&doc.text, range);
                let mut diagnostic = (**in_template).clone();
                diagnostic.message = format!(
                    "{} (in the shortcode called at {}:{}:{})",
                    diagnostic.message, doc.display_path, call.line, call.column
                );
                return diagnostic;
            }
            _ => {}
        }
        Diagnostic::error(&doc.display_path, message)
            .in_text(&doc.text, range)
            .hint(hint)
    }

    /// `written`, a relative link of `doc` that climbs out of content/, with as many `../`
    /// fewer as make it name a page or section: what was most likely meant.
    fn within_content(&self, doc: &Document, written: &str) -> Option<String> {
        let mut shorter = written;
        while let Some(rest) = shorter.strip_prefix("../") {
            shorter = rest;
            let path = shorter.split(['#', '?']).next().unwrap_or(shorter);
            let target = doc.relative_path.join_relative(path);
            if target.is_some_and(|t| self.by_path.contains_key(&t)) {
                return Some(shorter.to_string());
            }
        }
        None
    }

    /// The mistake of `link` (in `doc`, to `target_node`) if it names an anchor the target
    /// does not have.
    fn missing_anchor(
        &self,
        doc: &Document,
        link: &InternalLink,
        target_node: Node,
    ) -> Option<Diagnostic> {
        let fragment = link.fragment.as_ref()?;
        let anchors = &self.rendered(target_node).anchors;
        if fragment.is_empty() || anchors.iter().any(|a| a == fragment) {
            return None;
        }
        let target_doc = self.doc(target_node);
        let hint = match did_you_mean(fragment, anchors.iter().map(String::as_str)) {
            Some(near) => format!("did you mean `#{near}`?"),
            None if anchors.is_empty() => {
                format!("{} has no headings to link to", target_doc.display_path)
            }
            None => format!(
                "the headings of {} have the ids: {}",
                target_doc.display_path,
                anchors.join(", ")
            ),
        };
        Some(
            Diagnostic::error(
                &doc.display_path,
                format!(
                    "the anchor `#{fragment}` does not exist in {}",
                    target_doc.display_path
                ),
            )
            .in_text(&doc.text, in_body(doc, &link.range))
            .hint(hint),
        )
    }

    /// Source ids in `doc`'s front matter that content/sources.toml does not define.
    fn check_front_matter_sources(
        &self,
        doc: &Document,
        known_sources: &[&str],
        diagnostics: &mut Diagnostics,
    ) {
        let front_matter_sources = match &doc.meta {
            Meta::Page(meta) => &meta.sources,
            Meta::Section(meta) => &meta.sources,
        };
        for id in front_matter_sources {
            if known_sources.contains(&id.get_ref().as_str()) {
                continue;
            }
            let at = doc.front_matter_range(id.span());
            let hint = match did_you_mean(id.get_ref(), known_sources.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "add a [[source]] with this id to content/sources.toml, or remove it here"
                    .to_string(),
            };
            diagnostics.push(
                Diagnostic::error(
                    &doc.display_path,
                    format!(
                        "the source `{}` is not defined in content/sources.toml",
                        id.get_ref()
                    ),
                )
                .in_text(&doc.text, at)
                .hint(hint),
            );
        }
    }
}

/// The pages and sections a render's links point to (not the page itself).
pub(super) fn link_targets(rendered: &Markup) -> BTreeSet<String> {
    rendered
        .links
        .iter()
        .filter(|l| !l.target.is_empty())
        .map(|l| l.target.clone())
        .collect()
}
