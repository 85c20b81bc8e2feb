//! Which pages a build publishes as of its moment (`Config::now`): drafts, pages under embargo
//! (`publish_date` still ahead) and expired pages (`expiry_date` passed) are left out of the
//! graph, so everything made from it (listings, feeds, sitemap, taxonomies, search) sees them
//! as absent. The preview keeps pages under embargo in, each marked; a published page that
//! links to one is still a mistake there, as it is in the build.

use std::collections::BTreeMap;

use jiff::civil::DateTime;

use super::{Node, Site};
use crate::config::Config;
use crate::content::Document;
use crate::content::front_matter::Date;
use crate::diagnostics::Diagnostic;
use crate::markdown::InternalLink;

/// Why a page is not in this build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Withheld {
    Draft,
    /// Its embargo ends at this moment.
    Embargoed(Date),
    /// It expired at this moment.
    Expired(Date),
}

impl Withheld {
    /// Why `doc` is left out of a build made with `config`, if it is.
    pub(super) fn of(config: &Config, doc: &Document) -> Option<Withheld> {
        if doc.is_draft() && !config.drafts {
            return Some(Withheld::Draft);
        }
        let desk = &doc.desk;
        match (&desk.publish, &desk.expiry) {
            (Some(publish), _) if publish.utc > config.now && !config.show_embargoed => {
                Some(Withheld::Embargoed(publish.clone()))
            }
            (_, Some(expiry)) if expiry.utc <= config.now => {
                Some(Withheld::Expired(expiry.clone()))
            }
            _ => None,
        }
    }

    /// What a link to the page left out is told: what the page is (`a draft, so it is not
    /// published`, to follow "`@/a.md` is" or "content/a.md,"), and what to do.
    pub(super) fn link_message(&self) -> (String, String) {
        match self {
            Withheld::Draft => (
                "a draft, so it is not published".into(),
                "publish it (draft = false), remove the link, or preview with --drafts".into(),
            ),
            Withheld::Embargoed(until) => (
                format!(
                    "under embargo until {}, so it is not published yet",
                    until.display
                ),
                format!(
                    "remove the link until then, or give the linking page a publish_date no earlier than {}",
                    until.display
                ),
            ),
            Withheld::Expired(at) => (
                format!(
                    "past its expiry_date ({}), so it is no longer published",
                    at.display
                ),
                "remove the link, or move or remove the page's expiry_date".into(),
            ),
        }
    }
}

/// The moments at which what a site publishes changes: every `publish_date` and `expiry_date`
/// of its pages, those left out included, and the moments from which each correction is no
/// longer in the future, sorted.
#[derive(Debug, Clone, Default)]
pub(super) struct Timeline(Vec<DateTime>);

impl Timeline {
    pub(super) fn of<'a>(documents: impl Iterator<Item = &'a Document>) -> Timeline {
        let mut moments: Vec<DateTime> = documents
            .flat_map(|doc| {
                [&doc.desk.publish, &doc.desk.expiry]
                    .into_iter()
                    .flatten()
                    .map(|date| date.utc)
                    .chain(doc.corrections.iter().map(|c| correction_is_past(&c.date)))
            })
            .collect();
        moments.sort_unstable();
        moments.dedup();
        Timeline(moments)
    }

    /// Whether a page is published, or under embargo, at one of `a` and `b` and not the other.
    fn changes_between(&self, a: DateTime, b: DateTime) -> bool {
        let (from, to) = if a <= b { (a, b) } else { (b, a) };
        // Published from the publish moment on, expired from the expiry moment on: a moment
        // in (from, to] is where a page crosses over.
        self.0.iter().any(|&moment| from < moment && moment <= to)
    }
}

impl Site {
    /// Whether this site, built as of `now` instead, would hold the same pages, each under
    /// embargo or not as it is here: then only its config's moment differs.
    pub fn same_pages_at(&self, now: DateTime) -> bool {
        !self.timeline.changes_between(self.config.now, now)
    }

    /// When the embargo of `node` ends, if it is a page the preview shows before its time.
    pub fn embargoed_until(&self, node: Node) -> Option<&Date> {
        let Node::Page(i) = node else {
            return None;
        };
        let doc = &self.pages[i].doc;
        doc.desk
            .embargoed_at(self.config.now)
            .then(|| doc.desk.publish.as_ref())
            .flatten()
    }

    /// Every page the preview shows before its embargo ends.
    pub fn embargoed_pages(&self) -> impl Iterator<Item = (usize, &Date)> {
        (0..self.pages.len()).filter_map(|i| Some((i, self.embargoed_until(Node::Page(i))?)))
    }

    /// The mistake of `link`, in `from`, if it leads from a published page to one the preview
    /// shows under embargo: the build leaves the target out, so the link would lead nowhere.
    pub(super) fn link_into_embargo(
        &self,
        from: Node,
        link: &InternalLink,
        target: Node,
    ) -> Option<Diagnostic> {
        let until = self.embargoed_until(target)?;
        if self.embargoed_until(from).is_some() {
            return None;
        }
        let doc = self.doc(from);
        let (what, hint) = Withheld::Embargoed(until.clone()).link_message();
        let message = format!("the link target `@/{}` is {what}", link.target);
        Some(
            Diagnostic::error(&doc.display_path, message)
                .in_text(&doc.text, super::links::in_body(doc, &link.range))
                .hint(hint),
        )
    }
}

/// The moment from which a correction dated `date` is past. A date alone is a day somewhere:
/// it has begun everywhere once it has begun at the last offset to reach it (-12:00), and an
/// editor anywhere may write a correction on the day it is there (+14:00 is the first), so a
/// date alone is in the future only until 14 hours before its midnight UTC.
fn correction_is_past(date: &Date) -> DateTime {
    let written_with_a_time = date.display.len() > 10;
    if written_with_a_time {
        return date.utc;
    }
    date.utc
        .checked_sub(jiff::SignedDuration::from_hours(14))
        .unwrap_or(date.utc)
}

impl Site {
    /// A correction of `doc` dated after the moment this site is built as of: it cannot have
    /// been made yet (a mistyped year, or a date meant for `updated`).
    pub(super) fn corrections_from_the_future(&self, doc: &Document) -> Vec<Diagnostic> {
        let now = self.config.now;
        doc.corrections
            .iter()
            .filter(|c| correction_is_past(&c.date) > now)
            .map(|c| {
                Diagnostic::error(
                    &doc.display_path,
                    format!(
                        "this correction is dated {}, after the moment the site is built as of ({}Z): a correction cannot come from the future",
                        c.date.display, now
                    ),
                )
                .in_text(&doc.text, c.date_at.clone())
                .hint("date the correction the day it was made (today or earlier); to check a later moment, pass --now")
            })
            .collect()
    }
}

/// The pages left out of a build, by relative path, and why.
pub(super) type WithheldPages = BTreeMap<String, Withheld>;
