//! One shortcode tag read from the text: a call, `{% end %}`, an escaped call, or no tag at
//! all (`{{` in prose). The syntax is Zola's: named arguments only, parentheses required,
//! strings in double, single or back quotes with no escapes.

use super::{ArgValue, ShortcodeSyntax};

/// A tag, and how many bytes of the text it takes.
#[derive(Debug, PartialEq)]
pub(super) struct Parsed<'t> {
    pub(super) tag: Tag<'t>,
    pub(super) len: usize,
}

#[derive(Debug, PartialEq)]
pub(super) enum Tag<'t> {
    /// `{{ name(...) }}`, or `{% name(...) %}` when `with_body`.
    Call {
        name: &'t str,
        args: Vec<(String, ArgValue)>,
        with_body: bool,
    },
    /// `{% end %}`.
    End,
    /// `{{/* x */}}`, which prints `{{ x }}`.
    Escaped(String),
    /// Not a shortcode: the text stays as it is.
    Text,
}

/// A mistake in a tag, and where the part to point at ends (bytes from the tag's start).
pub(super) type SyntaxError = (ShortcodeSyntax, usize);

/// Arrays in arrays deeper than this are refused rather than recursed into.
const MAX_ARRAY_DEPTH: usize = 16;

/// Reads the tag at the start of `text`, which starts with `{{` or `{%`. `is_known` tells a
/// shortcode name from other words, so `{{ figure }}` is a mistake but `{{ x }}` is text.
pub(super) fn parse_tag<'t>(
    text: &'t str,
    is_known: &dyn Fn(&str) -> bool,
) -> Result<Parsed<'t>, SyntaxError> {
    let with_body = text.starts_with("{%");
    let close = if with_body { "%}" } else { "}}" };
    if text[2..].starts_with("/*") {
        let closing = if with_body { "*/%}" } else { "*/}}" };
        return match text[4..].find(closing) {
            Some(end) => Ok(Parsed {
                tag: Tag::Escaped(format!("{}{}{close}", &text[..2], &text[4..4 + end])),
                len: 4 + end + closing.len(),
            }),
            None => Err((ShortcodeSyntax::Unterminated { closing }, line_end(text))),
        };
    }
    let mut cursor = Cursor { text, at: 2 };
    cursor.skip_space();
    let name = cursor.ident();
    if name.is_empty() {
        return Ok(text_tag());
    }
    cursor.skip_space();
    if with_body && name == "end" {
        return Ok(match cursor.eat(close) {
            true => Parsed {
                tag: Tag::End,
                len: cursor.at,
            },
            false => text_tag(),
        });
    }
    if !cursor.eat("(") {
        if is_known(name) && cursor.rest().starts_with(close) {
            let missing = ShortcodeSyntax::MissingParentheses {
                name: name.to_string(),
            };
            return Err((missing, cursor.at + close.len()));
        }
        return Ok(text_tag());
    }
    let args = cursor.arguments(close)?;
    cursor.skip_space();
    if !cursor.eat(close) {
        return Err((
            ShortcodeSyntax::Unterminated { closing: close },
            line_end(text),
        ));
    }
    Ok(Parsed {
        tag: Tag::Call {
            name,
            args,
            with_body,
        },
        len: cursor.at,
    })
}

fn text_tag<'t>() -> Parsed<'t> {
    Parsed {
        tag: Tag::Text,
        len: 2,
    }
}

/// Where the line the tag starts on ends, to point at a tag that never closes.
fn line_end(text: &str) -> usize {
    text.find('\n').unwrap_or(text.len())
}

struct Cursor<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Cursor<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.at..]
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, what: &str) -> bool {
        let found = self.rest().starts_with(what);
        if found {
            self.at += what.len();
        }
        found
    }

    fn ident(&mut self) -> &'t str {
        let rest = self.rest();
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        self.at += len;
        &rest[..len]
    }

    fn unterminated(&self, close: &'static str) -> SyntaxError {
        (
            ShortcodeSyntax::Unterminated { closing: close },
            line_end(self.text),
        )
    }

    fn bad(&self, detail: String) -> SyntaxError {
        let end = self.text[self.at..]
            .chars()
            .next()
            .map_or(self.at, |c| self.at + c.len_utf8());
        (ShortcodeSyntax::BadArguments { detail }, end)
    }

    /// `key=value, ...)`, the opening parenthesis already read.
    fn arguments(&mut self, close: &'static str) -> Result<Vec<(String, ArgValue)>, SyntaxError> {
        let mut args: Vec<(String, ArgValue)> = Vec::new();
        loop {
            self.skip_space();
            if self.eat(")") {
                return Ok(args);
            }
            if self.rest().is_empty() || self.rest().starts_with(close) {
                return Err(self.unterminated(close));
            }
            let key = self.ident();
            if key.is_empty() {
                return Err(self.bad("expected an argument's name, such as `title=`".into()));
            }
            if args.iter().any(|(k, _)| k == key) {
                return Err(self.bad(format!("the argument `{key}` is given twice")));
            }
            self.skip_space();
            if !self.eat("=") {
                return Err(self.bad(format!("expected `=` and a value after `{key}`")));
            }
            self.skip_space();
            let value = self.value(close, 0)?;
            args.push((key.to_string(), value));
            self.skip_space();
            if !self.eat(",") && !self.rest().starts_with(')') {
                if self.rest().is_empty() {
                    return Err(self.unterminated(close));
                }
                return Err(self.bad("expected `,` or `)` after an argument".into()));
            }
        }
    }

    fn value(&mut self, close: &'static str, depth: usize) -> Result<ArgValue, SyntaxError> {
        let rest = self.rest();
        match rest.chars().next() {
            Some(quote @ ('"' | '\'' | '`')) => match rest[1..].find(quote) {
                Some(end) => {
                    self.at += end + 2;
                    Ok(ArgValue::Str(rest[1..1 + end].to_string()))
                }
                None => Err(self.unterminated(close)),
            },
            Some('[') if depth < MAX_ARRAY_DEPTH => {
                self.at += 1;
                self.array(close, depth + 1)
            }
            Some('[') => Err(self.bad("arrays nest too deep".into())),
            None => Err(self.unterminated(close)),
            Some(_) => self.scalar(),
        }
    }

    fn array(&mut self, close: &'static str, depth: usize) -> Result<ArgValue, SyntaxError> {
        let mut items = Vec::new();
        loop {
            self.skip_space();
            if self.eat("]") {
                return Ok(ArgValue::Array(items));
            }
            items.push(self.value(close, depth)?);
            self.skip_space();
            if !self.eat(",") && !self.rest().starts_with(']') {
                if self.rest().is_empty() {
                    return Err(self.unterminated(close));
                }
                return Err(self.bad("expected `,` or `]` in an array".into()));
            }
        }
    }

    /// `true`, `false` or a number.
    fn scalar(&mut self) -> Result<ArgValue, SyntaxError> {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.' | '_')))
            .map_or(rest.len(), |(i, _)| i);
        let word = &rest[..len];
        let value = match word {
            "true" => Some(ArgValue::Bool(true)),
            "false" => Some(ArgValue::Bool(false)),
            _ if word.contains('.') => word
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(ArgValue::Float),
            _ => word.parse::<i64>().ok().map(ArgValue::Int),
        };
        match value {
            Some(value) => {
                self.at += len;
                Ok(value)
            }
            None => Err(self.bad(format!(
                "`{}` is not a value: write text in quotes (\"...\"), a number, true, false or [...]",
                if word.is_empty() { &rest[..rest.chars().next().map_or(0, char::len_utf8)] } else { word }
            ))),
        }
    }
}
