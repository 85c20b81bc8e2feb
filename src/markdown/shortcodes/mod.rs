//! Shortcodes: `{{ name(key="v") }}` and `{% name(key="v") %}body{% end %}` in Markdown,
//! expanded by a pre-pass before the Markdown is parsed, through the [`Shortcodes`] trait that
//! the build implements with templates (as [`super::LinkResolver`] is the seam for links).
//!
//! `parse` reads one call; `expand` finds the calls of a body outside code, asks the trait for
//! their output and keeps a map from the rewritten text back to the body, so that positions
//! found in the rewritten text (a link, a problem) still point into the file the user wrote;
//! `fill` puts HTML output in place of its placeholders once the HTML is written.

use crate::content::Document;
use crate::diagnostics::Diagnostic;

mod expand;
mod fill;
mod parse;

pub(super) use expand::{expand, outputs};
pub(super) use fill::{Fill, fill_placeholders, text_of, without_placeholders};

/// The shortcodes a site has, and how to render a call of one.
pub trait Shortcodes: Send + Sync + std::fmt::Debug {
    /// How the shortcode `name` renders, or `None` when the site has no such shortcode.
    fn lookup(&self, name: &str) -> Option<ShortcodeInfo>;
    /// Every shortcode's name, for a "did you mean".
    fn names(&self) -> Vec<String>;
    /// The output of `call`, made in the page or section `caller`.
    fn render(
        &self,
        call: &ShortcodeCall<'_>,
        caller: &Caller<'_>,
    ) -> Result<String, ShortcodeFailure>;
}

/// What a shortcode's output is, and what it depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortcodeInfo {
    pub output: ShortcodeOutput,
    /// Changes whenever anything the output is made from changes (the template and what it
    /// includes): a render that called it is reused only while the fingerprint stays the same.
    pub fingerprint: u64,
}

/// How a shortcode's output is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortcodeOutput {
    /// Inserted as it is, after the Markdown is rendered.
    Html,
    /// Inserted into the Markdown before it is parsed.
    Markdown,
}

/// One call as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeCall<'a> {
    pub name: &'a str,
    pub args: &'a [(String, ArgValue)],
    /// The text between the opening tag and `{% end %}`, its own shortcodes expanded.
    pub body: Option<&'a str>,
    /// How many calls of this shortcode the page made so far, this one included (from 1).
    pub nth: usize,
}

/// An argument's value, typed as written: `"text"`, `3`, `2.5`, `true`, `[1, "a"]`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum ArgValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<ArgValue>),
}

impl ArgValue {
    /// The type's name as a message shows it.
    pub fn type_name(&self) -> &'static str {
        match self {
            ArgValue::Str(_) => "a string",
            ArgValue::Int(_) | ArgValue::Float(_) => "a number",
            ArgValue::Bool(_) => "a boolean",
            ArgValue::Array(_) => "an array",
        }
    }
}

/// The page or section whose body holds the call.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub doc: &'a Document,
    /// Its URL path without the base path: `partnerships/a24-google/`.
    pub site_path: &'a str,
}

/// Why a call has no output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShortcodeFailure {
    MissingArgument {
        argument: String,
    },
    WrongType {
        argument: String,
        expected: &'static str,
        found: &'static str,
    },
    UnknownArgument {
        argument: String,
        known: Vec<&'static str>,
    },
    /// A shortcode that needs a body called with `{{ }}`.
    NeedsBody,
    /// The template failed; the diagnostic points into the template.
    Template(Box<Diagnostic>),
    /// The templates could not be loaded, which is reported on its own.
    Unavailable,
}

/// What is wrong with the text of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShortcodeSyntax {
    /// `{{ name(` with no `) }}` after it.
    Unterminated { closing: &'static str },
    /// `{{ figure }}`: a known shortcode written without its parentheses.
    MissingParentheses { name: String },
    /// The arguments do not read as `key=value, ...`.
    BadArguments { detail: String },
    /// A body shortcode with no `{% end %}`.
    MissingEnd { name: String },
    /// `{% end %}` with no shortcode open.
    StrayEnd,
}

/// The deepest shortcodes may call shortcodes (a Markdown shortcode's output, or a body):
/// deeper is taken for a shortcode that calls itself.
pub const MAX_NESTING: usize = 16;

#[cfg(test)]
pub(super) mod tests;
