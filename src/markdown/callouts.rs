//! GitHub's alerts (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`) as
//! callout boxes: an `<aside>` with the kind as its visible title, which screen readers
//! announce as a note. An adapter between the rewriter and the HTML writer; every other event
//! passes through.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

pub(super) struct Callouts<I> {
    events: I,
}

impl<I> Callouts<I> {
    pub(super) fn new(events: I) -> Self {
        Callouts { events }
    }
}

impl<'a, I> Iterator for Callouts<I>
where
    I: Iterator<Item = Event<'a>>,
{
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        Some(match self.events.next()? {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = names(kind);
                Event::Html(CowStr::from(format!(
                    "<aside class=\"callout callout-{class}\" role=\"note\" aria-label=\"{title}\">\n<p class=\"callout-title\">{title}</p>\n"
                )))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html(CowStr::from("</aside>\n")),
            event => event,
        })
    }
}

fn names(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}
