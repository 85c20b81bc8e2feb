//! Every kind of file a build writes, and for each its URL, its output key, the template that
//! renders it (if one does) and what it depends on. A place that needs a file's URL or key asks
//! its kind; adding a kind of output is one variant here plus the code that makes its bytes.

use std::borrow::Cow;

use crate::content::routes::RedirectTarget;
use crate::paths::{OutputKey, SitePath};
use crate::site::{Node, Site};

/// One file of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputKind {
    /// A page of `content/`, by its index in [`Site::pages`].
    Page(usize),
    /// A section (`_index.md`), by its index in [`Site::sections`].
    Section(usize),
    /// A file briefing makes of its own accord from the whole site.
    Generated(Generated),
    /// A file copied as it is (from `static/`, or beside the Markdown), by its output key.
    Asset(OutputKey),
    /// A page or feed of a taxonomy of `site.toml`.
    Taxonomy(TaxonomyOutput),
    /// Pager `number` (2 and up) of a paginated section (`news/page/2/`), rendered with the
    /// section's template; the first pager is the section's own file.
    Pager { section: usize, number: usize },
    /// A page that sends its reader on (a meta refresh, a canonical link and a link), made
    /// without a template.
    Redirect(Redirect),
    /// The social card of a page or section (`partnerships/a24-google/card.png`, its
    /// `og:image`), when `site.toml` asks for cards: drawn from [`super::CardText`].
    Card(Node),
    /// `print/`: the print edition, every page and section in reading order as one document
    /// (`print_edition = true`, or `build --pdf`), rendered from `print.html`.
    Print,
}

/// A card's file name, beside its page's `index.html`.
const CARD_FILE: &str = "card.png";

/// The print edition's template; briefing has its own for a site without one.
pub const PRINT_TEMPLATE: &str = "print.html";

/// Where the print edition is published.
pub const PRINT_PATH: &str = "print/";

/// The redirect pages a page or section asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Redirect {
    /// Alias `index` of a page or section, to its URL.
    Alias { node: Node, index: usize },
    /// `news/page/1/`, to the section's own URL, which is its first pager.
    FirstPager(usize),
}

/// The files of a taxonomy, by its index in [`Site::taxonomies`] and a term's in its `terms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaxonomyOutput {
    /// `topics/`: every term, with how many pages each has.
    List(usize),
    /// `topics/runway/`: a term's pages.
    Term(usize, usize),
    /// `topics/runway/atom.xml`: a term's dated pages, when the taxonomy has `feed = true`.
    Feed(usize, usize),
    /// `topics/runway/page/2/`: pager `number` (2 and up) of a paginated taxonomy's term page,
    /// rendered with the term's template; the first pager is the term page itself.
    TermPager(usize, usize, usize),
    /// `topics/runway/page/1/`: a redirect to the term page, which is its first pager.
    FirstTermPager(usize, usize),
}

impl TaxonomyOutput {
    /// Every file of every taxonomy of `site`, in order.
    pub fn all(site: &Site) -> Vec<TaxonomyOutput> {
        let mut all = Vec::new();
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            all.push(TaxonomyOutput::List(t));
            for k in 0..taxonomy.terms.len() {
                all.push(TaxonomyOutput::Term(t, k));
                if taxonomy.config.feed {
                    all.push(TaxonomyOutput::Feed(t, k));
                }
                if taxonomy.config.pagination.is_some() {
                    all.push(TaxonomyOutput::FirstTermPager(t, k));
                    all.extend(
                        (2..=taxonomy.pagers(k))
                            .map(|number| TaxonomyOutput::TermPager(t, k, number)),
                    );
                }
            }
        }
        all
    }

    /// The template Zola looks for first: the taxonomy's own (`topics/list.html`).
    pub fn own_template(self, site: &Site) -> Option<String> {
        match self {
            TaxonomyOutput::List(t) => {
                Some(format!("{}/list.html", site.taxonomies[t].config.name))
            }
            TaxonomyOutput::Term(t, _) | TaxonomyOutput::TermPager(t, ..) => {
                Some(format!("{}/single.html", site.taxonomies[t].config.name))
            }
            TaxonomyOutput::Feed(..) | TaxonomyOutput::FirstTermPager(..) => None,
        }
    }
}

/// The files briefing writes of its own accord, each at a fixed path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Generated {
    /// `404.html`, rendered from `templates/404.html` (or the built-in one).
    NotFound,
    /// `atom.xml`: the dated pages, newest first.
    Feed,
    /// `sitemap.xml`: every page and section.
    Sitemap,
    /// `robots.txt`, naming the sitemap; left out when the site has one of its own.
    Robots,
    /// `corrections/`: every page's corrections, newest first, rendered from
    /// `templates/corrections.html` (or the built-in one).
    Corrections,
}

/// What a kind of output is made from: when one of these changed, the file may be stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// `site.toml` (base URL, title, ...).
    Config,
    /// The content file the output is the page of.
    Document,
    /// What the page's section lists and the other pages its templates look up.
    Neighbours,
    /// The templates it renders with.
    Templates,
    /// Every page's and section's URL, title, dates and summary.
    Listing,
    /// The bytes of a copied file.
    File,
}

impl Generated {
    /// In the order a build makes them.
    pub const ALL: [Generated; 5] = [
        Generated::NotFound,
        Generated::Corrections,
        Generated::Feed,
        Generated::Sitemap,
        Generated::Robots,
    ];

    /// The file it writes (its output key).
    pub fn file_name(self) -> &'static str {
        match self {
            Generated::NotFound => "404.html",
            Generated::Feed => "atom.xml",
            Generated::Sitemap => "sitemap.xml",
            Generated::Robots => "robots.txt",
            Generated::Corrections => "corrections/index.html",
        }
    }

    /// Its URL path without the base path: its file's, but a directory's for a page.
    pub fn site_path(self) -> &'static str {
        match self {
            Generated::Corrections => "corrections/",
            other => other.file_name(),
        }
    }

    /// How messages name it.
    pub fn description(self) -> &'static str {
        match self {
            Generated::NotFound => "the 404 page (from templates/404.html)",
            Generated::Feed => "the generated Atom feed",
            Generated::Sitemap => "the generated sitemap",
            Generated::Robots => "the generated robots.txt",
            Generated::Corrections => "the corrections page (from templates/corrections.html)",
        }
    }
}

impl OutputKind {
    pub fn of_node(node: Node) -> OutputKind {
        match node {
            Node::Page(i) => OutputKind::Page(i),
            Node::Section(i) => OutputKind::Section(i),
        }
    }

    /// The page or section it is the output of (a pager's section, a redirect's page).
    pub fn node(&self) -> Option<Node> {
        match self {
            OutputKind::Page(i) => Some(Node::Page(*i)),
            OutputKind::Section(i) | OutputKind::Pager { section: i, .. } => {
                Some(Node::Section(*i))
            }
            OutputKind::Redirect(Redirect::Alias { node, .. }) => Some(*node),
            OutputKind::Redirect(Redirect::FirstPager(i)) => Some(Node::Section(*i)),
            OutputKind::Card(node) => Some(*node),
            OutputKind::Generated(_)
            | OutputKind::Asset(_)
            | OutputKind::Taxonomy(_)
            | OutputKind::Print => None,
        }
    }

    /// Whether this build makes it: always, but for a card, which only a site with cards
    /// makes, and only for a page or a section that is not a redirect.
    pub fn is_made(&self, site: &Site) -> bool {
        match self {
            OutputKind::Card(Node::Page(_)) => site.config.social_cards,
            OutputKind::Card(Node::Section(i)) => {
                site.config.social_cards
                    && site
                        .sections
                        .get(*i)
                        .is_some_and(|s| s.doc.routes.redirect_to.is_none())
            }
            _ => true,
        }
    }

    /// The outputs a page or section makes beside its own file: its social card, its aliases,
    /// and a paginated section's pagers from the second on, with the redirect of the first.
    pub fn beside(site: &Site, node: Node) -> Vec<OutputKind> {
        let aliases = site.doc(node).routes.aliases.len();
        let mut kinds: Vec<OutputKind> = (0..aliases)
            .map(|index| OutputKind::Redirect(Redirect::Alias { node, index }))
            .collect();
        let card = OutputKind::Card(node);
        if card.is_made(site) {
            kinds.push(card);
        }
        if let Node::Section(section) = node
            && site.sections[section].pagination().is_some()
        {
            kinds.push(OutputKind::Redirect(Redirect::FirstPager(section)));
            kinds.extend(
                (2..=site.pagers(section)).map(|number| OutputKind::Pager { section, number }),
            );
        }
        kinds
    }

    /// Where a redirect page sends its reader: an absolute URL.
    pub fn redirect_target(&self, site: &Site) -> Option<String> {
        match self {
            OutputKind::Taxonomy(TaxonomyOutput::FirstTermPager(t, k)) => {
                Some(OutputKind::Taxonomy(TaxonomyOutput::Term(*t, *k)).permalink(site))
            }
            OutputKind::Redirect(Redirect::Alias { node, .. }) => {
                Some(OutputKind::of_node(*node).permalink(site))
            }
            OutputKind::Redirect(Redirect::FirstPager(i)) => {
                Some(OutputKind::Section(*i).permalink(site))
            }
            OutputKind::Section(i) => match &site.sections[*i].doc.routes.redirect_to {
                Some(RedirectTarget::Url(url)) => Some(url.clone()),
                Some(RedirectTarget::Site(path)) => Some(site.config.permalink(path)),
                None => None,
            },
            _ => None,
        }
    }

    /// Its URL path without the base path: `news/first/`, `atom.xml`, `css/my%20style.css`.
    pub fn site_path<'s>(&self, site: &'s Site) -> Cow<'s, SitePath> {
        match self {
            OutputKind::Page(i) => Cow::Borrowed(&site.pages[*i].site_path),
            OutputKind::Section(i) => Cow::Borrowed(&site.sections[*i].site_path),
            OutputKind::Generated(generated) => Cow::Owned(SitePath::new(generated.site_path())),
            OutputKind::Asset(key) => Cow::Owned(key.site_path()),
            OutputKind::Taxonomy(TaxonomyOutput::List(t)) => {
                Cow::Owned(site.taxonomies[*t].config.site_path())
            }
            OutputKind::Taxonomy(TaxonomyOutput::Term(t, k)) => {
                Cow::Borrowed(&site.taxonomies[*t].terms[*k].site_path)
            }
            OutputKind::Taxonomy(TaxonomyOutput::Feed(t, k)) => Cow::Owned(SitePath::new(format!(
                "{}atom.xml",
                site.taxonomies[*t].terms[*k].site_path
            ))),
            OutputKind::Taxonomy(TaxonomyOutput::TermPager(t, k, number)) => {
                Cow::Owned(term_pager_path(site, *t, *k, *number))
            }
            OutputKind::Taxonomy(TaxonomyOutput::FirstTermPager(t, k)) => {
                Cow::Owned(term_pager_path(site, *t, *k, 1))
            }
            OutputKind::Pager { section, number } => {
                Cow::Owned(pager_path(site, *section, *number))
            }
            OutputKind::Redirect(Redirect::FirstPager(section)) => {
                Cow::Owned(pager_path(site, *section, 1))
            }
            OutputKind::Redirect(Redirect::Alias { node, index }) => {
                Cow::Borrowed(&site.doc(*node).routes.aliases[*index])
            }
            OutputKind::Card(node) => Cow::Owned(SitePath::new(format!(
                "{}{CARD_FILE}",
                site.site_path(*node)
            ))),
            OutputKind::Print => Cow::Owned(SitePath::new(PRINT_PATH)),
        }
    }

    /// The file it writes: `news/first/index.html`, `atom.xml`, `css/my style.css`.
    pub fn output_key(&self, site: &Site) -> OutputKey {
        match self {
            OutputKind::Asset(key) => key.clone(),
            _ => self.site_path(site).output_key(),
        }
    }

    /// Its root-relative URL, base path included: `/briefing/news/first/`.
    pub fn url_path(&self, site: &Site) -> String {
        site.config.url_path(&self.site_path(site))
    }

    /// Its absolute URL: `https://example.org/briefing/news/first/`.
    pub fn permalink(&self, site: &Site) -> String {
        site.config.permalink(&self.site_path(site))
    }

    /// The template that renders it, following the documented precedence (the page's own,
    /// its section's `page_template`, then `page.html`; `section.html`, or `index.html` for
    /// the home page; `taxonomy_list.html` and `taxonomy_single.html`, unless the taxonomy has
    /// its own, see [`TaxonomyOutput::own_template`]); `None` for a file made without one.
    pub fn template<'s>(&self, site: &'s Site) -> Option<&'s str> {
        match self {
            OutputKind::Generated(Generated::NotFound) => Some("404.html"),
            OutputKind::Generated(Generated::Corrections) => Some(CORRECTIONS),
            OutputKind::Print => Some(PRINT_TEMPLATE),
            OutputKind::Generated(_)
            | OutputKind::Asset(_)
            | OutputKind::Redirect(_)
            | OutputKind::Card(_) => None,
            OutputKind::Taxonomy(TaxonomyOutput::List(_)) => Some(TAXONOMY_LIST),
            OutputKind::Taxonomy(TaxonomyOutput::Term(..) | TaxonomyOutput::TermPager(..)) => {
                Some(TAXONOMY_SINGLE)
            }
            OutputKind::Taxonomy(TaxonomyOutput::Feed(..) | TaxonomyOutput::FirstTermPager(..)) => {
                None
            }
            OutputKind::Page(i) => Some(template_for(site, Node::Page(*i))),
            OutputKind::Section(i) if site.sections[*i].doc.routes.redirect_to.is_some() => None,
            OutputKind::Section(i) | OutputKind::Pager { section: i, .. } => {
                Some(template_for(site, Node::Section(*i)))
            }
        }
    }

    /// What it is made from: a change to any of these may make it stale.
    pub fn depends_on(&self) -> &'static [Input] {
        use Input::*;
        match self {
            OutputKind::Page(_) | OutputKind::Section(_) | OutputKind::Pager { .. } => {
                &[Config, Document, Neighbours, Templates]
            }
            OutputKind::Redirect(_) => &[Config, Document],
            // The section's title is on a page's card.
            OutputKind::Card(_) => &[Config, Document, Neighbours],
            OutputKind::Generated(Generated::NotFound) => &[Config, Templates, Neighbours],
            OutputKind::Generated(Generated::Feed | Generated::Sitemap) => &[Config, Listing],
            OutputKind::Generated(Generated::Robots) => &[Config],
            OutputKind::Generated(Generated::Corrections) => &[Config, Listing, Templates],
            OutputKind::Asset(_) => &[File],
            // Made anew by every build that has it: it holds every page's text.
            OutputKind::Print => &[Config, Document, Listing, Templates],
            // Made anew by every build of a site with taxonomies: a term page lists its pages'
            // summaries, and there are few of them.
            OutputKind::Taxonomy(
                TaxonomyOutput::List(_) | TaxonomyOutput::Term(..) | TaxonomyOutput::TermPager(..),
            ) => &[Config, Listing, Templates],
            OutputKind::Taxonomy(TaxonomyOutput::Feed(..) | TaxonomyOutput::FirstTermPager(..)) => {
                &[Config, Listing]
            }
        }
    }

    /// How a message names the input it comes from.
    pub fn describe<'s>(&self, site: &'s Site) -> Cow<'s, str> {
        match self {
            OutputKind::Generated(Generated::NotFound) => Cow::Borrowed("the 404 page"),
            OutputKind::Generated(generated) => Cow::Borrowed(generated.description()),
            OutputKind::Asset(key) => Cow::Owned(key.to_string()),
            OutputKind::Page(_)
            | OutputKind::Section(_)
            | OutputKind::Pager { .. }
            | OutputKind::Redirect(_)
            | OutputKind::Card(_) => match self.node() {
                Some(node) => Cow::Borrowed(&site.doc(node).display_path),
                None => Cow::Borrowed(""),
            },
            OutputKind::Taxonomy(output) => Cow::Owned(describe_taxonomy(site, *output)),
            OutputKind::Print => Cow::Borrowed("the print edition (from templates/print.html)"),
        }
    }
}

/// The generic templates of a taxonomy's pages, as Zola names them; briefing has its own when
/// the site has neither these nor the taxonomy's own.
pub const TAXONOMY_LIST: &str = "taxonomy_list.html";
pub const TAXONOMY_SINGLE: &str = "taxonomy_single.html";
/// The template of the corrections page; briefing has its own when the site has none.
pub const CORRECTIONS: &str = "corrections.html";

fn describe_taxonomy(site: &Site, output: TaxonomyOutput) -> String {
    match output {
        TaxonomyOutput::List(t) => {
            format!(
                "the list of the taxonomy `{}`",
                site.taxonomies[t].config.name
            )
        }
        TaxonomyOutput::Term(t, k)
        | TaxonomyOutput::Feed(t, k)
        | TaxonomyOutput::TermPager(t, k, _)
        | TaxonomyOutput::FirstTermPager(t, k) => {
            let taxonomy = &site.taxonomies[t];
            let what = match output {
                TaxonomyOutput::Feed(..) => "feed".to_string(),
                TaxonomyOutput::TermPager(.., number) => format!("pager {number}"),
                TaxonomyOutput::FirstTermPager(..) => "first pager's redirect".to_string(),
                _ => "page".to_string(),
            };
            format!(
                "the {what} of the term `{}` of the taxonomy `{}`",
                taxonomy.terms[k].name, taxonomy.config.name
            )
        }
    }
}

/// The site path of pager `number` of `section`: `news/page/2/`.
fn pager_path(site: &Site, section: usize, number: usize) -> SitePath {
    let section = &site.sections[section];
    match section.pagination() {
        Some(pagination) => pagination.pager_path(&section.site_path, number),
        None => section.site_path.clone(),
    }
}

/// The site path of pager `number` of term `k` of taxonomy `t`: `topics/runway/page/2/`.
fn term_pager_path(site: &Site, t: usize, k: usize, number: usize) -> SitePath {
    let taxonomy = &site.taxonomies[t];
    let term = &taxonomy.terms[k].site_path;
    match &taxonomy.config.pagination {
        Some(pagination) => pagination.pager_path(term, number),
        None => term.clone(),
    }
}

/// The template of a page or section: its own, its section's `page_template`, then
/// `page.html`; a section's own, then `section.html` (`index.html` for the home page).
pub fn template_for(site: &Site, node: Node) -> &str {
    match node {
        Node::Section(0) => site.sections[0]
            .meta()
            .template
            .as_ref()
            .map_or("index.html", |t| t.get_ref()),
        Node::Section(i) => site.sections[i]
            .meta()
            .template
            .as_ref()
            .map_or("section.html", |t| t.get_ref()),
        Node::Page(i) => {
            let page = &site.pages[i];
            let own = match &page.doc.meta {
                crate::content::Meta::Page(meta) => meta.template.as_ref(),
                crate::content::Meta::Section(_) => None,
            };
            own.or(site.sections[page.section].meta().page_template.as_ref())
                .map_or("page.html", |t| t.get_ref())
        }
    }
}

#[cfg(test)]
mod tests;
