//! pulldown-cmark's events rewritten for a briefing: heading ids and anchors, the table of
//! contents, links to pages and from the site's root, citations, and the summary.

use std::collections::{HashMap, HashSet, VecDeque};
use std::iter::Peekable;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd, html};

use super::footnotes::Notes;
use super::shortcodes::without_placeholders;
use super::words::count_words;
use super::{CITATION_SCHEME, Citation, LinkResolver, Markup, Problem, ProblemKind, RenderOptions};
use crate::content::slug::slugify;
use crate::paths::ContentPath;
use links::{build_toc, citation_html, escape_attr, is_citation, rewrite_link};

mod links;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Summary {
    NotYet,
    Capturing,
    /// Everything until a `<!-- more -->` comment is the summary.
    UntilMarker,
    Done,
}

/// The anchor put where `<!-- more -->` was, for a "continue reading" link (as Zola does).
pub(super) const CONTINUE_READING: &str = "continue-reading";

/// Whether `text` holds an HTML comment that is the summary marker (perhaps only in code, which
/// the rewriter finds out).
pub(super) fn has_summary_marker(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), b"<!--").any(|at| {
        let rest = &text[at..];
        memchr::memmem::find(rest.as_bytes(), b"-->")
            .is_some_and(|end| is_summary_marker(&rest[..end + 3]))
    })
}

/// Whether `html` is the summary marker, `<!-- more -->` (Zola) or `<!--more-->` (Hugo).
fn is_summary_marker(html: &str) -> bool {
    html.trim()
        .strip_prefix("<!--")
        .and_then(|rest| rest.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim() == "more")
}

/// The parser's events as the rewriter reads them. Only a text that may cite (holds `[@`)
/// reads one event ahead, to glue a citation to the word before it; any other text is read by
/// a type that cannot look ahead, so its per-event path holds no lookahead at all (checking
/// for one on every event cost 16 M instructions of the 1,000-page corpus, which cites
/// nothing: callgrind, one thread).
pub(super) trait Events<'a>: Iterator<Item = (Event<'a>, Range<usize>)> {
    /// Whether a text is glued to a citation after it; `false` compiles the lookahead out.
    const READS_AHEAD: bool;
    /// Whether the next event starts a citation.
    fn citation_follows(&mut self) -> bool;
}

/// Events read one at a time, never ahead.
pub(super) struct Straight<I>(pub(super) I);

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for Straight<I> {
    type Item = (Event<'a>, Range<usize>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Events<'a> for Straight<I> {
    const READS_AHEAD: bool = false;

    fn citation_follows(&mut self) -> bool {
        false
    }
}

/// Events with the next one in view.
pub(super) struct ReadAhead<I: Iterator>(pub(super) Peekable<I>);

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for ReadAhead<I> {
    type Item = (Event<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Events<'a> for ReadAhead<I> {
    const READS_AHEAD: bool = true;

    fn citation_follows(&mut self) -> bool {
        matches!(
            self.0.peek(),
            Some((Event::Start(Tag::Link { link_type, dest_url, .. }), _))
                if is_citation(*link_type, dest_url)
        )
    }
}

/// pulldown-cmark's events with the briefing's changes applied, streamed straight into the HTML
/// writer. Only a heading is held back until its end, because its id comes from its text.
pub(super) struct Rewriter<'a, 'r, I> {
    events: I,
    /// The parser has given its last event: what is left comes from `notes`.
    text_ended: bool,
    /// Footnotes, held back for the bottom of the page, when the text may have any.
    notes: Option<Notes<'a>>,
    options: RenderOptions,
    resolver: &'r dyn LinkResolver,
    /// The file whose body this is, which relative links start from.
    from: &'r ContentPath,
    out: Markup,
    /// Events processed and ready to write, in order.
    ready: VecDeque<Event<'a>>,
    /// The open heading's events so far, and its text.
    open_heading: Option<(Vec<Event<'a>>, String)>,
    /// Ids given so far, and for each base the next number to try after it.
    used_ids: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    /// Ids set with `{#id}` anywhere in the text: a heading's id made from its words never
    /// takes one, so a heading written later keeps the id it was given.
    reserved_ids: HashSet<String>,
    /// Where the open heading starts in the text, for a message about its id.
    heading_start: usize,
    flat_toc: Vec<(u8, String, String)>,
    skipping_citation_text: bool,
    /// Whether the open paragraph cites a source yet; `None` outside paragraphs.
    paragraph_cited: Option<bool>,
    depth: usize,
    /// The first top-level paragraph is the summary, or what comes before `<!-- more -->`.
    summary: Summary,
    summary_events: Vec<Event<'a>>,
    /// While summing up to the marker: the tags open in the summary, to close them there.
    summary_open: Vec<TagEnd>,
    /// While summing up to the marker: where the first paragraph starts and ends in
    /// `summary_events`, the summary after all if the marker never comes.
    first_paragraph: (Option<usize>, Option<usize>),
}

impl<'a, 'r, I> Rewriter<'a, 'r, I> {
    /// With `marked`, the text holds `<!-- more -->` somewhere (perhaps only in code); with
    /// `notes`, it may hold footnotes.
    pub(super) fn new(
        events: I,
        notes: Option<Notes<'a>>,
        options: RenderOptions,
        (resolver, from): (&'r dyn LinkResolver, &'r ContentPath),
        marked: bool,
        reserved_ids: HashSet<String>,
    ) -> Self {
        Rewriter {
            events,
            text_ended: false,
            notes,
            options,
            resolver,
            from,
            out: Markup::default(),
            ready: VecDeque::new(),
            open_heading: None,
            used_ids: HashSet::new(),
            next_suffix: HashMap::new(),
            reserved_ids,
            heading_start: 0,
            flat_toc: Vec::new(),
            skipping_citation_text: false,
            paragraph_cited: None,
            depth: 0,
            summary: if marked {
                Summary::UntilMarker
            } else {
                Summary::NotYet
            },
            summary_events: Vec::new(),
            summary_open: Vec::new(),
            first_paragraph: (None, None),
        }
    }

    /// What was found, with `html`: the HTML written from every event this gave out.
    pub(super) fn finish(self, html: String) -> Markup {
        let mut this = self;
        this.no_marker_after_all();
        let mut out = this.out;
        out.html = html.into();
        if !this.summary_events.is_empty() {
            html::push_html(&mut out.summary, this.summary_events.into_iter());
        }
        out.toc = build_toc(this.flat_toc);
        out
    }
}

impl<'a, I: Events<'a>> Iterator for Rewriter<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        let event = self.next_unglued()?;
        if !I::READS_AHEAD {
            return Some(event);
        }
        Some(self.glued_to_citation(event))
    }
}

impl<'a, I> Rewriter<'a, '_, I>
where
    I: Iterator<Item = (Event<'a>, Range<usize>)>,
{
    /// The next event to write, before a text is glued to the citation after it.
    #[inline]
    fn next_unglued(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(event);
            }
            if self.text_ended {
                let (event, range) = self.notes.as_mut()?.next_at_end()?;
                match self.process(event, range) {
                    Some(event) => return Some(event),
                    None => continue,
                }
            }
            let Some((event, range)) = self.events.next() else {
                self.text_ended = true;
                continue;
            };
            // Most events, once the summary is taken, need nothing but their words counted: no
            // heading is open, no citation is being skipped, no note is being held back, and
            // the depth no longer matters.
            if self.streaming() {
                match &event {
                    Event::Text(text) | Event::Code(text) => {
                        self.out.word_count += count_words(text);
                        return Some(event);
                    }
                    Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {
                        self.count_paragraph(&event);
                        return Some(event);
                    }
                    Event::Start(
                        Tag::Heading { .. }
                        | Tag::Link { .. }
                        | Tag::Image { .. }
                        | Tag::FootnoteDefinition(_),
                    )
                    | Event::FootnoteReference(_) => {}
                    _ => return Some(event),
                }
            }
            if let Some(event) = self.take(event, range) {
                return Some(event);
            }
        }
    }
}

impl<'a, I: Events<'a>> Rewriter<'a, '_, I> {
    /// A text ending in a space before a citation ends in a no-break space instead, so that a
    /// citation's label never starts a line alone: it wraps with the word it follows.
    fn glued_to_citation(&mut self, event: Event<'a>) -> Event<'a> {
        let Event::Text(text) = &event else {
            return event;
        };
        if !text.ends_with(' ') || !self.events.citation_follows() {
            return event;
        }
        let glued = text.trim_end_matches(' ');
        Event::Text(CowStr::from(format!("{glued}\u{a0}")))
    }
}

impl<'a, I> Rewriter<'a, '_, I> {
    /// Whether an event passes as it is unless it is a heading, a link, an image or a note.
    #[inline]
    fn streaming(&self) -> bool {
        self.summary == Summary::Done
            && self.open_heading.is_none()
            && !self.skipping_citation_text
            && !self.notes.as_ref().is_some_and(Notes::is_open)
    }

    /// An event of the text that needs more than streaming: through the notes, then
    /// [`Rewriter::process`]. Never inlined, because the per-event path in `next` got slower
    /// with it inside: the compiler set up this path's state on every call (callgrind).
    #[inline(never)]
    fn take(&mut self, event: Event<'a>, range: Range<usize>) -> Option<Event<'a>> {
        let (event, range) = match &mut self.notes {
            Some(notes) if notes.wants(&event) => notes.take(event, range)?,
            _ => (event, range),
        };
        self.process(event, range)
    }

    /// Source coverage: a paragraph opened, or closed (cited if a citation came in between).
    #[inline]
    fn count_paragraph(&mut self, event: &Event<'a>) {
        if matches!(event, Event::Start(_)) {
            self.out.paragraphs += 1;
            self.paragraph_cited = Some(false);
        } else {
            let cited = self.paragraph_cited.take() == Some(true);
            self.out.cited_paragraphs += usize::from(cited);
        }
    }

    /// Takes the next event from the parser; returns what to write now, if anything.
    fn process(&mut self, event: Event<'a>, range: Range<usize>) -> Option<Event<'a>> {
        if self.skipping_citation_text {
            if matches!(event, Event::End(TagEnd::Link)) {
                self.skipping_citation_text = false;
            }
            return None;
        }
        if let Event::Html(html) | Event::InlineHtml(html) = &event {
            if self.summary == Summary::UntilMarker && is_summary_marker(html) {
                return Some(self.end_summary_at_marker(&event));
            }
            // The notes at the bottom are never the summary.
            if html.starts_with(super::footnotes::SECTION_START) {
                self.no_marker_after_all();
                if self.summary != Summary::Capturing {
                    self.summary = Summary::Done;
                }
            }
        }
        match &event {
            Event::Start(Tag::Heading { .. }) => {
                self.open_heading = Some((Vec::new(), String::new()));
                self.heading_start = range.start;
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, heading_text)) = &mut self.open_heading {
                    heading_text.push_str(text);
                }
                self.out.word_count += count_words(text);
            }
            Event::Start(Tag::Paragraph) => {
                self.count_paragraph(&event);
                if self.depth == 0 && self.summary == Summary::NotYet {
                    self.summary = Summary::Capturing;
                }
            }
            Event::End(TagEnd::Paragraph) => self.count_paragraph(&event),
            _ => {}
        }
        let ends_summary = self.summary == Summary::Capturing
            && self.depth == 1
            && matches!(event, Event::End(TagEnd::Paragraph));
        match &event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        let event = self.rewrite(event, range);
        let is_reference = matches!(&event, Event::InlineHtml(h) if h.starts_with(super::footnotes::REFERENCE_START));
        if self.summary == Summary::Capturing && !is_reference {
            self.summary_events.push(event.clone());
            if ends_summary {
                self.summary = Summary::Done;
            }
        } else if self.summary == Summary::UntilMarker && !is_reference {
            self.capture_until_marker(&event);
        }
        if let Event::End(TagEnd::Heading(level)) = event {
            self.close_heading(level, event);
            return None;
        }
        match &mut self.open_heading {
            Some((held, _)) => {
                held.push(event);
                None
            }
            None => Some(event),
        }
    }

    /// The marker never came (it was only in code) or can no longer come (the notes began): the
    /// summary is the first paragraph, as without one.
    fn no_marker_after_all(&mut self) {
        if self.summary == Summary::UntilMarker {
            self.summary_events = match self.first_paragraph {
                (Some(start), Some(end)) => self.summary_events.drain(start..=end).collect(),
                _ => Vec::new(),
            };
            self.summary = Summary::Done;
        }
    }

    /// `base`, or `base-N` for the first N free: not given yet, and (for an id made from a
    /// heading's words, `avoid_reserved`) not set by hand anywhere on the page.
    fn unique_id(&mut self, base: String, avoid_reserved: bool) -> String {
        let reserved = |this: &Self, id: &str| avoid_reserved && this.reserved_ids.contains(id);
        // Mostly the base is free: one lookup finds that and takes it.
        if !reserved(self, &base) && self.used_ids.insert(base.clone()) {
            return base;
        }
        let taken = |this: &Self, id: &str| this.used_ids.contains(id) || reserved(this, id);
        let mut candidate = self.next_suffix.get(&base).copied().unwrap_or(1);
        let mut id = format!("{base}-{candidate}");
        while taken(self, &id) {
            candidate += 1;
            id = format!("{base}-{candidate}");
        }
        self.next_suffix.insert(base, candidate + 1);
        self.used_ids.insert(id.clone());
        id
    }

    /// Keeps `event` for the summary that ends at the marker, noting the open tags and where
    /// the first top-level paragraph is.
    fn capture_until_marker(&mut self, event: &Event<'a>) {
        match event {
            Event::Start(tag) => {
                if self.depth == 1
                    && matches!(tag, Tag::Paragraph)
                    && self.first_paragraph.0.is_none()
                {
                    self.first_paragraph.0 = Some(self.summary_events.len());
                }
                self.summary_open.push(tag.to_end());
            }
            Event::End(end) => {
                self.summary_open.pop();
                if self.depth == 0
                    && matches!(end, TagEnd::Paragraph)
                    && self.first_paragraph.0.is_some()
                    && self.first_paragraph.1.is_none()
                {
                    self.first_paragraph.1 = Some(self.summary_events.len());
                }
            }
            _ => {}
        }
        self.summary_events.push(event.clone());
    }

    /// The summary ends here: what is open in it is closed, and the marker becomes an anchor.
    fn end_summary_at_marker(&mut self, marker: &Event<'a>) -> Event<'a> {
        let closing = std::mem::take(&mut self.summary_open);
        self.summary_events
            .extend(closing.into_iter().rev().map(Event::End));
        self.summary = Summary::Done;
        self.out.anchors.push(CONTINUE_READING.to_string());
        let anchor = CowStr::from(format!("<span id=\"{CONTINUE_READING}\"></span>"));
        match marker {
            Event::Html(_) => Event::Html(CowStr::from(format!("{anchor}\n"))),
            _ => Event::InlineHtml(anchor),
        }
    }

    /// Links and images point where they should; citations become links to their source.
    fn rewrite(&mut self, event: Event<'a>, range: Range<usize>) -> Event<'a> {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if is_citation(link_type, &dest_url)
                    && let Some(source_id) = dest_url.strip_prefix(CITATION_SCHEME)
                {
                    // The link's text and end are dropped: the citation is one piece of HTML.
                    self.skipping_citation_text = true;
                    self.paragraph_cited = self.paragraph_cited.map(|_| true);
                    self.depth = self.depth.saturating_sub(1);
                    self.out.citations.push(Citation {
                        id: source_id.to_string(),
                        range: range.clone(),
                    });
                    Event::InlineHtml(CowStr::from(citation_html(
                        source_id,
                        &range,
                        self.resolver,
                        &mut self.out.problems,
                    )))
                } else {
                    let dest_url =
                        rewrite_link(&dest_url, &range, (self.resolver, self.from), &mut self.out)
                            .map_or(dest_url, CowStr::from);
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url =
                    rewrite_link(&dest_url, &range, (self.resolver, self.from), &mut self.out)
                        .map_or(dest_url, CowStr::from);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            other => other,
        }
    }

    /// Gives the heading its unique id and anchor link, and releases its events.
    fn close_heading(&mut self, level: pulldown_cmark::HeadingLevel, end: Event<'a>) {
        let Some((mut held, text)) = self.open_heading.take() else {
            self.ready.push_back(end);
            return;
        };
        let explicit = match held.first() {
            Some(Event::Start(Tag::Heading { id: Some(id), .. })) => Some(id.to_string()),
            _ => None,
        };
        let id = match explicit {
            Some(id) => {
                if self.used_ids.contains(&id) {
                    let at = self.heading_start;
                    self.out.problems.push(Problem {
                        range: at..at + 1,
                        kind: ProblemKind::DuplicateHeadingId { id: id.clone() },
                    });
                }
                self.unique_id(id, false)
            }
            None => {
                let base = slugify(&without_placeholders(&text));
                let base = if base.is_empty() {
                    "section".to_string()
                } else {
                    base
                };
                self.unique_id(base, true)
            }
        };
        if let Some(Event::Start(Tag::Heading { id: slot, .. })) = held.first_mut() {
            *slot = Some(CowStr::from(id.clone()));
        }
        if self.options.heading_anchors {
            held.push(Event::InlineHtml(CowStr::from(format!(
                "<a class=\"heading-anchor\" href=\"#{id}\" aria-label=\"Link to this section: {}\">#</a>",
                escape_attr(text.trim())
            ))));
        }
        held.push(end);
        self.ready.extend(held);
        self.out.anchors.push(id.clone());
        self.flat_toc
            .push((level as u8, id, text.trim().to_string()));
    }
}

/// The ids set with `{#id}` on a line of `text` (headings' attributes), found without parsing:
/// a line in a code block counts too, which costs nothing but an id the words never take.
pub(super) fn explicit_heading_ids(text: &str) -> HashSet<String> {
    if memchr::memmem::find(text.as_bytes(), b"{#").is_none() {
        return HashSet::new();
    }
    text.lines()
        .filter(|line| line.trim_end().ends_with('}'))
        .filter_map(|line| {
            let after = &line[line.rfind("{#")? + 2..];
            let id: String = after
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '}')
                .collect();
            (!id.is_empty()).then_some(id)
        })
        .collect()
}
