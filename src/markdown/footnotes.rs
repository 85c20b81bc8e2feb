//! Footnotes at the bottom of the page, as GitHub and Zola's `bottom_footnotes` show them:
//! numbered in the order they are first referenced, each with a link back to its reference.
//!
//! A step of the rewriter's one pass over the parser's events, before its own work: definitions
//! are held back and released at the end inside one `<section class="footnotes">`, so the
//! rewriter still sees their links and citations. (A separate adapter cost every event of every
//! page with a note a step of its own.) Ids are `fn:N` and `fnref:N` (`fnref:N:K` for the K-th
//! reference to one note): a heading's id is a slug, which never holds a colon, so the two
//! never collide.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// What every reference's HTML starts with, so the summary can leave references out (a listing
/// page has no notes for them to point at).
pub(super) const REFERENCE_START: &str = "<sup class=\"footnote-reference\"";

/// What the notes' section starts with, so the summary never takes a note for the first
/// paragraph.
pub(super) const SECTION_START: &str = "<section class=\"footnotes\"";

pub(super) type Spanned<'a> = (Event<'a>, Range<usize>);

#[derive(Default)]
pub(super) struct Notes<'a> {
    /// Each definition's events, by label, as written.
    definitions: HashMap<CowStr<'a>, Vec<Spanned<'a>>>,
    /// Labels in the order of their first reference, and how often each was referenced.
    referenced: Vec<(CowStr<'a>, usize)>,
    /// The definition being read, if any.
    open: Option<(CowStr<'a>, Vec<Spanned<'a>>)>,
    /// Events of the notes section, once the text has ended.
    tail: Option<VecDeque<Spanned<'a>>>,
}

impl<'a> Notes<'a> {
    /// A note is being read: every event is held back until it ends.
    pub(super) fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Whether `event` is the notes' to take: a note's start, end or reference, or anything
    /// inside a note. Any other event goes on without the step through [`Notes::take`] (on a
    /// page with a note, most of the events the rewriter does not stream: a heading's, a
    /// link's, the summary's).
    #[inline]
    pub(super) fn wants(&self, event: &Event<'a>) -> bool {
        self.open.is_some()
            || matches!(
                event,
                Event::Start(Tag::FootnoteDefinition(_))
                    | Event::End(TagEnd::FootnoteDefinition)
                    | Event::FootnoteReference(_)
            )
    }

    /// Takes the next event of the text: returns it (a reference as its HTML) to go on now, or
    /// `None` when it is held back in a note.
    pub(super) fn take(&mut self, event: Event<'a>, range: Range<usize>) -> Option<Spanned<'a>> {
        let event = match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.open = Some((label, Vec::new()));
                return None;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, events)) = self.open.take() {
                    // The first definition of a label counts, as in pulldown-cmark.
                    self.definitions.entry(label).or_insert(events);
                }
                return None;
            }
            Event::FootnoteReference(label) => {
                Event::InlineHtml(CowStr::from(self.reference(label)))
            }
            event => event,
        };
        match &mut self.open {
            Some((_, events)) => {
                events.push((event, range));
                None
            }
            None => Some((event, range)),
        }
    }

    /// Once the text has ended: the next event of the notes section, if any is left.
    pub(super) fn next_at_end(&mut self) -> Option<Spanned<'a>> {
        if self.tail.is_none() {
            self.tail = Some(self.notes_section());
        }
        self.tail.as_mut()?.pop_front()
    }

    /// The HTML of a reference to `label`, numbered by first reference.
    fn reference(&mut self, label: CowStr<'a>) -> String {
        let index = match self.referenced.iter().position(|(l, _)| *l == label) {
            Some(index) => index,
            None => {
                self.referenced.push((label, 0));
                self.referenced.len() - 1
            }
        };
        self.referenced[index].1 += 1;
        let (number, nth) = (index + 1, self.referenced[index].1);
        format!(
            "{REFERENCE_START} id=\"{}\"><a href=\"#fn:{number}\">{number}</a></sup>",
            reference_id(number, nth)
        )
    }

    /// The notes that were referenced and defined, in reference order. A reference without a
    /// definition keeps its number and has no note; a definition never referenced is left out.
    /// What does not change is borrowed, and each note's opening is one string: every page
    /// with a note makes these (each made string costs an allocation and its shrinking).
    fn notes_section(&mut self) -> VecDeque<Spanned<'a>> {
        let mut out = VecDeque::new();
        let html = |s: CowStr<'a>| (Event::Html(s), 0..0);
        for (index, (label, references)) in self.referenced.iter().enumerate() {
            let Some(mut events) = self.definitions.remove(label) else {
                continue;
            };
            let number = index + 1;
            let mut opening = String::new();
            if out.is_empty() {
                opening.push_str(SECTION_START);
                opening.push_str(" role=\"doc-endnotes\">\n<ol>\n");
            }
            let _ = writeln!(opening, "<li id=\"fn:{number}\">");
            out.push_back(html(opening.into()));
            let mut backlinks = String::new();
            for nth in 1..=*references {
                let _ = write!(
                    backlinks,
                    " <a href=\"#{}\" class=\"footnote-backref\" aria-label=\"Back to reference {number}",
                    reference_id(number, nth)
                );
                if nth > 1 {
                    let _ = write!(backlinks, " ({nth})");
                }
                backlinks.push_str("\">↩</a>");
            }
            // Inside the last paragraph, as GitHub has it, when the note ends with one.
            let at = match events.last() {
                Some((Event::End(TagEnd::Paragraph), _)) => events.len() - 1,
                _ => events.len(),
            };
            events.insert(at, (Event::InlineHtml(CowStr::from(backlinks)), 0..0));
            out.extend(events);
            out.push_back(html(CowStr::Borrowed("</li>\n")));
        }
        if !out.is_empty() {
            out.push_back(html(CowStr::Borrowed("</ol>\n</section>\n")));
        }
        out
    }
}

fn reference_id(number: usize, nth: usize) -> String {
    if nth == 1 {
        format!("fnref:{number}")
    } else {
        format!("fnref:{number}:{nth}")
    }
}
