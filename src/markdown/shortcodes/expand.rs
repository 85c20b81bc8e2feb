//! The pre-pass: every call in a body (outside code) replaced by its output, a map from the
//! rewritten text back to the body, and the problems found on the way.
//!
//! A Markdown shortcode's output goes into the text, to be parsed with the rest (and expanded
//! again: it may call shortcodes). An HTML shortcode's output must reach the page untouched, so
//! the text gets a placeholder that `fill` swaps for it in the finished HTML.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::fill::{Fill, PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN};
use super::parse::{Parsed, Tag as ParsedTag, parse_tag};
use super::{ArgValue, ShortcodeSyntax};
use super::{Caller, MAX_NESTING, ShortcodeCall, ShortcodeFailure, ShortcodeOutput, Shortcodes};
use crate::markdown::{Problem, ProblemKind};

/// A body with its shortcodes expanded.
#[derive(Debug, Default)]
pub(crate) struct Expansion {
    /// The Markdown to parse.
    pub(crate) text: String,
    map: Vec<Segment>,
    /// What each placeholder stands for, by number.
    pub(crate) html: Vec<Fill>,
    pub(crate) problems: Vec<Problem>,
    /// Every shortcode called, with its fingerprint (`None`: no such shortcode).
    pub(crate) used: BTreeMap<String, Option<u64>>,
}

/// A stretch of the rewritten text and the part of the body it came from: copied byte for
/// byte (`exact`), or made by the call at `source`.
#[derive(Debug, Clone)]
struct Segment {
    out: Range<usize>,
    source: Range<usize>,
    exact: bool,
}

impl Expansion {
    /// The range of the body that `range` of the rewritten text comes from: itself where the
    /// text was copied, the whole call where a shortcode wrote it.
    pub(crate) fn source_range(&self, range: &Range<usize>) -> Range<usize> {
        let start = self.source_offset(range.start, false);
        let end = self.source_offset(range.end, true).max(start);
        start..end
    }

    fn source_offset(&self, offset: usize, is_end: bool) -> usize {
        let probe = if is_end {
            offset.saturating_sub(1)
        } else {
            offset
        };
        let i = self.map.partition_point(|s| s.out.end <= probe);
        let Some(segment) = self.map.get(i) else {
            return self.map.last().map_or(offset, |s| s.source.end);
        };
        match (segment.exact, is_end) {
            (true, _) => segment.source.start + offset.saturating_sub(segment.out.start),
            (false, false) => segment.source.start,
            (false, true) => segment.source.end,
        }
    }

    fn copy(&mut self, text: &str, origin: &Origin) {
        if text.is_empty() {
            return;
        }
        let out = self.text.len()..self.text.len() + text.len();
        let (source, exact) = match origin {
            Origin::Body(base) => (*base..*base + text.len(), true),
            Origin::Call(call) => (call.clone(), false),
        };
        self.text.push_str(text);
        self.map.push(Segment { out, source, exact });
    }

    fn generated(&mut self, text: &str, call: Range<usize>) {
        let out = self.text.len()..self.text.len() + text.len();
        self.text.push_str(text);
        self.map.push(Segment {
            out,
            source: call,
            exact: false,
        });
    }
}

/// Where a text being expanded comes from: the body from this offset on, or the output of
/// the call at this range of the body.
#[derive(Debug, Clone)]
enum Origin {
    Body(usize),
    Call(Range<usize>),
}

impl Origin {
    fn range(&self, local: Range<usize>) -> Range<usize> {
        match self {
            Origin::Body(base) => base + local.start..base + local.end,
            Origin::Call(call) => call.clone(),
        }
    }
}

/// Each HTML shortcode's output in `expansion` (its own calls' outputs filled in), with the
/// range of the rewritten text its placeholder takes; calls inside another's output are part
/// of that one.
pub(crate) fn outputs(expansion: &Expansion) -> Vec<(String, Range<usize>)> {
    expansion
        .html
        .iter()
        .enumerate()
        .filter_map(|(i, fill)| {
            let placeholder = format!("{PLACEHOLDER_OPEN}{i}{PLACEHOLDER_CLOSE}");
            let at = expansion.text.find(&placeholder)?;
            let html = super::fill::fill_placeholders(fill.html(), &expansion.html);
            Some((html, at..at + placeholder.len()))
        })
        .collect()
}

/// `body` with its shortcodes expanded, or `None` when it has none (most bodies: a scan for
/// `{{` and `{%` is all they cost).
pub(crate) fn expand(
    body: &str,
    options: Options,
    shortcodes: &dyn Shortcodes,
    caller: &Caller<'_>,
) -> Option<Expansion> {
    next_tag(body, 0)?;
    let mut expander = Expander {
        shortcodes,
        caller,
        options,
        nth: HashMap::new(),
        too_deep: false,
        out: Expansion::default(),
    };
    let mut chain = Vec::new();
    let mut text = Expansion::default();
    expander.expand_into(body, &Origin::Body(0), 0, &mut chain, &mut text);
    let Expander { out, .. } = expander;
    Some(Expansion {
        text: text.text,
        map: text.map,
        ..out
    })
}

struct Expander<'a, 'c> {
    shortcodes: &'a dyn Shortcodes,
    caller: &'a Caller<'c>,
    options: Options,
    nth: HashMap<String, usize>,
    /// Set once calls nest too deep: nothing more is rendered, so a shortcode that calls
    /// itself twice costs one message, not thousands.
    too_deep: bool,
    /// The HTML outputs, problems and shortcodes used (its text is unused).
    out: Expansion,
}

/// What a call puts into the text.
enum Inserted {
    Html(String),
    /// Markdown, and the shortcode that wrote it (whose calls are expanded in turn).
    Markdown {
        text: String,
        from: String,
    },
    /// Text to print as it is.
    Text(String),
}

impl Expander<'_, '_> {
    fn problem(&mut self, range: Range<usize>, kind: ProblemKind) {
        self.out.problems.push(Problem { range, kind });
    }

    /// Appends `text` (from `origin`) to `into`, its calls replaced by their output.
    fn expand_into(
        &mut self,
        text: &str,
        origin: &Origin,
        depth: usize,
        chain: &mut Vec<String>,
        into: &mut Expansion,
    ) {
        let code = code_ranges(text, self.options);
        let is_known = |name: &str| self.shortcodes.lookup(name).is_some();
        let (mut copied, mut at) = (0, 0);
        while let Some(found) = next_tag(text, at) {
            let rest = &text[found..];
            let in_code = inside(&code, found);
            if in_code && !(rest[2..].starts_with("/*")) {
                at = found + 1;
                continue;
            }
            let parsed = parse_tag(rest, &is_known);
            let (tag, len) = match parsed {
                Ok(Parsed { tag, len }) => (tag, len),
                Err((syntax, end)) => {
                    self.problem(
                        origin.range(found..found + end),
                        ProblemKind::Shortcode(syntax),
                    );
                    at = found + 2;
                    continue;
                }
            };
            let mut end = found + len;
            let inserted = match tag {
                ParsedTag::Text => {
                    at = found + 1;
                    continue;
                }
                ParsedTag::End => {
                    let range = origin.range(found..end);
                    self.problem(range, ProblemKind::Shortcode(ShortcodeSyntax::StrayEnd));
                    at = end;
                    continue;
                }
                // Text exactly as written, straight quotes and all, even in code.
                ParsedTag::Escaped(literal) => Some(Inserted::Text(literal)),
                ParsedTag::Call {
                    name,
                    args,
                    with_body,
                } => {
                    let body = match with_body {
                        true => match find_end(text, end, &code) {
                            Some((body, after)) => {
                                end = after;
                                Some(body)
                            }
                            None => {
                                let kind = ShortcodeSyntax::MissingEnd { name: name.into() };
                                let range = origin.range(found..found + len);
                                self.problem(range, ProblemKind::Shortcode(kind));
                                at = found + len;
                                continue;
                            }
                        },
                        false => None,
                    };
                    let call = origin.range(found..end);
                    let body = body.map(|b| (&text[b.clone()], shift(origin, b.start)));
                    self.call(name, &args, body, call, depth, chain)
                }
            };
            into.copy(&text[copied..found], &shift(origin, copied));
            self.insert(inserted, origin.range(found..end), depth, chain, into);
            copied = end;
            at = end;
        }
        into.copy(&text[copied..], &shift(origin, copied));
    }

    /// What the call at `call` put into the text, appended to `into`.
    fn insert(
        &mut self,
        inserted: Option<Inserted>,
        call: Range<usize>,
        depth: usize,
        chain: &mut Vec<String>,
        into: &mut Expansion,
    ) {
        match inserted {
            Some(Inserted::Html(html)) => self.placeholder(html, true, call, into),
            Some(Inserted::Text(text)) => {
                let html = crate::diagnostics::escape_html(&text);
                self.placeholder(html, false, call, into);
            }
            Some(Inserted::Markdown { text, from: name }) => {
                chain.push(name);
                self.expand_output(&text, call, depth, chain, into);
                chain.pop();
            }
            None => into.generated("", call),
        }
    }

    /// Stands `html` in for the call at `call`, to be filled in once the HTML is written.
    fn placeholder(&mut self, html: String, block: bool, call: Range<usize>, into: &mut Expansion) {
        let number = self.out.html.len();
        self.out.html.push(Fill::new(html, block));
        into.generated(
            &format!("{PLACEHOLDER_OPEN}{number}{PLACEHOLDER_CLOSE}"),
            call,
        );
    }

    /// Whether text one level below `depth` would nest calls too deep; the first time, the
    /// problem is recorded at `call`, with the `chain` of shortcodes that led there.
    fn nests_too_deep(&mut self, depth: usize, call: &Range<usize>, chain: &[String]) -> bool {
        if depth + 1 < MAX_NESTING {
            return false;
        }
        if !self.too_deep {
            self.too_deep = true;
            let chain = chain.to_vec();
            self.problem(call.clone(), ProblemKind::ShortcodeNesting { chain });
        }
        true
    }

    /// A Markdown shortcode's output, its own calls expanded, unless calls nest too deep.
    fn expand_output(
        &mut self,
        markdown: &str,
        call: Range<usize>,
        depth: usize,
        chain: &mut Vec<String>,
        into: &mut Expansion,
    ) {
        if self.nests_too_deep(depth, &call, chain) {
            into.generated("", call);
            return;
        }
        self.expand_into(markdown, &Origin::Call(call), depth + 1, chain, into);
    }

    /// The output of one call, or `None` (with a problem, unless the templates are missing).
    fn call(
        &mut self,
        name: &str,
        args: &[(String, ArgValue)],
        body: Option<(&str, Origin)>,
        range: Range<usize>,
        depth: usize,
        chain: &mut Vec<String>,
    ) -> Option<Inserted> {
        if self.too_deep {
            return None;
        }
        let info = self.shortcodes.lookup(name);
        self.out
            .used
            .insert(name.to_string(), info.map(|i| i.fingerprint));
        let Some(info) = info else {
            self.problem(range, ProblemKind::UnknownShortcode { name: name.into() });
            return None;
        };
        let nth = self.nth.entry(name.to_string()).or_insert(0);
        *nth += 1;
        let nth = *nth;
        chain.push(name.to_string());
        let body = body.map(|(text, origin)| {
            let mut inner = Expansion::default();
            if !self.nests_too_deep(depth, &range, chain) {
                self.expand_into(text, &origin, depth + 1, chain, &mut inner);
            }
            inner.text
        });
        chain.pop();
        if self.too_deep {
            return None;
        }
        let call = ShortcodeCall {
            name,
            args,
            body: body.as_deref(),
            nth,
        };
        match self.shortcodes.render(&call, self.caller) {
            Ok(text) if info.output == ShortcodeOutput::Html => Some(Inserted::Html(text)),
            Ok(text) => Some(Inserted::Markdown {
                text,
                from: name.to_string(),
            }),
            Err(ShortcodeFailure::Unavailable) => None,
            Err(failure) => {
                let kind = ProblemKind::ShortcodeFailed {
                    name: name.into(),
                    failure,
                };
                self.problem(range, kind);
                None
            }
        }
    }
}

fn shift(origin: &Origin, by: usize) -> Origin {
    match origin {
        Origin::Body(base) => Origin::Body(base + by),
        call => call.clone(),
    }
}

/// The next `{{` or `{%` at or after `from`.
fn next_tag(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(i) = memchr::memchr(b'{', &bytes[at..]) {
        let found = at + i;
        if matches!(bytes.get(found + 1), Some(b'{' | b'%')) {
            return Some(found);
        }
        at = found + 1;
    }
    None
}

/// The ranges of inline code and code blocks in `text`, in order.
fn code_ranges(text: &str, options: Options) -> Vec<Range<usize>> {
    if !text.contains('`')
        && !text.contains("~~~")
        && !text.contains("    ")
        && !text.contains('\t')
    {
        return Vec::new();
    }
    Parser::new_ext(text, options)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => Some(range),
            _ => None,
        })
        .collect()
}

fn inside(ranges: &[Range<usize>], at: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= at);
    ranges.get(i).is_some_and(|r| r.start <= at)
}

/// The body of a call whose opening tag ends at `from`, and where its `{% end %}` ends: the
/// first `{% end %}` that closes no body call opened after `from`.
fn find_end(text: &str, from: usize, code: &[Range<usize>]) -> Option<(Range<usize>, usize)> {
    let mut open = 0usize;
    let mut at = from;
    while let Some(found) = next_tag(text, at) {
        at = found + 1;
        if inside(code, found) {
            continue;
        }
        let Ok(Parsed { tag, len }) = parse_tag(&text[found..], &|_| false) else {
            continue;
        };
        match tag {
            ParsedTag::Call {
                with_body: true, ..
            } => open += 1,
            ParsedTag::End if open == 0 => {
                return Some((trim_body(text, from, found), found + len));
            }
            ParsedTag::End => open -= 1,
            _ => {}
        }
        at = found + len;
    }
    None
}

/// The body between `start` and `end` without the line break after the opening tag and the
/// one before `{% end %}`, so that a body on lines of its own is just those lines.
fn trim_body(text: &str, mut start: usize, mut end: usize) -> Range<usize> {
    for newline in ["\r\n", "\n"] {
        if text[start..end].starts_with(newline) {
            start += newline.len();
            break;
        }
    }
    for newline in ["\r\n", "\n"] {
        if text[start..end].ends_with(newline) {
            end -= newline.len();
            break;
        }
    }
    start..end
}
