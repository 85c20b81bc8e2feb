//! Shortcodes made with Tera: the templates under `templates/shortcodes/`, and the built-in
//! `figure` and `callout`, which a site overrides by writing a template of the same name.
//! Implements Markdown's [`Shortcodes`] seam; the build hands it to the site's assembly.

use std::collections::BTreeMap;
use std::sync::Arc;

use tera::{Context, Tera};

use super::Templates;
use super::errors::template_diagnostic;
use crate::config::Config;
use crate::content::Meta;
use crate::markdown::{
    ArgValue, Caller, ShortcodeCall, ShortcodeFailure, ShortcodeInfo, ShortcodeOutput, Shortcodes,
};

/// Where a site's shortcodes are, under `templates/`.
const DIRECTORY: &str = "shortcodes/";

/// A built-in shortcode: its template, and the arguments it takes (name, required).
struct Builtin {
    file: &'static str,
    text: &'static str,
    args: &'static [(&'static str, bool)],
    body: bool,
}

const BUILTINS: [Builtin; 2] = [
    Builtin {
        file: "shortcodes/figure.html",
        text: include_str!("../builtin/shortcodes/figure.html"),
        args: &[
            ("src", true),
            ("alt", true),
            ("caption", false),
            ("credit", false),
        ],
        body: false,
    },
    Builtin {
        file: "shortcodes/callout.md",
        text: include_str!("../builtin/shortcodes/callout.md"),
        args: &[("kind", false), ("title", false)],
        body: true,
    },
];

/// The built-in shortcodes a site has not overridden, as templates to add to its own.
pub(super) fn builtin_templates(
    sources: &BTreeMap<String, String>,
) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    BUILTINS.iter().filter_map(|builtin| {
        let name = shortcode_name(builtin.file)?.0;
        let overridden = [".html", ".md"]
            .iter()
            .any(|ext| sources.contains_key(&format!("{DIRECTORY}{name}{ext}")));
        (!overridden).then_some((builtin.file, builtin.text))
    })
}

/// `shortcodes/figure.html` → `figure` and how its output is read.
fn shortcode_name(template: &str) -> Option<(&str, ShortcodeOutput)> {
    let file = template.strip_prefix(DIRECTORY)?;
    if let Some(name) = file.strip_suffix(".html") {
        return Some((name, ShortcodeOutput::Html));
    }
    file.strip_suffix(".md")
        .map(|name| (name, ShortcodeOutput::Markdown))
}

#[derive(Debug)]
struct Known {
    template: String,
    info: ShortcodeInfo,
    /// Set while the template is briefing's own, whose arguments are checked before it runs.
    builtin: Option<usize>,
}

/// The shortcodes of one set of templates.
#[derive(Debug)]
pub struct ShortcodeTemplates {
    tera: Arc<Tera>,
    sources: Arc<BTreeMap<String, String>>,
    base_path: String,
    base_url: String,
    /// `config`, as every template sees it.
    config: tera::Value,
    known: BTreeMap<String, Known>,
    /// False when the templates could not be loaded: every call is then left alone, as the
    /// build fails with the templates' own mistakes.
    available: bool,
}

impl ShortcodeTemplates {
    /// Shortcodes for a build whose templates did not load.
    pub fn unavailable() -> ShortcodeTemplates {
        ShortcodeTemplates {
            tera: Arc::new(Tera::new()),
            sources: Arc::default(),
            base_path: String::new(),
            base_url: String::new(),
            config: tera::Value::none(),
            known: BTreeMap::new(),
            available: false,
        }
    }

    pub fn new(templates: &Templates, config: &Config) -> ShortcodeTemplates {
        let mut known = BTreeMap::new();
        for (template, text) in templates.sources.iter() {
            let Some((name, output)) = shortcode_name(template) else {
                continue;
            };
            // An .html and an .md of one name: the HTML one, as Zola picks it.
            if output == ShortcodeOutput::Markdown && known.contains_key(name) {
                continue;
            }
            let mut hasher = blake3::Hasher::new();
            for used in templates.closure(template) {
                let text = templates.sources.get(&used).map_or("", String::as_str);
                hasher
                    .update(used.as_bytes())
                    .update(&[0])
                    .update(text.as_bytes());
                hasher.update(&[0]);
            }
            let hash = hasher.finalize();
            let fingerprint =
                u64::from_le_bytes(hash.as_bytes()[..8].try_into().unwrap_or_default());
            let builtin = BUILTINS
                .iter()
                .position(|b| b.file == template && b.text == text);
            known.insert(
                name.to_string(),
                Known {
                    template: template.clone(),
                    info: ShortcodeInfo {
                        output,
                        fingerprint,
                    },
                    builtin,
                },
            );
        }
        ShortcodeTemplates {
            tera: Arc::clone(&templates.tera),
            sources: Arc::clone(&templates.sources),
            base_path: config.base_path.clone(),
            base_url: config.base_url.clone(),
            config: super::values::config_value(config),
            known,
            available: true,
        }
    }

    /// The context a call's template sees: its arguments, `body`, `nth`, the page or section
    /// it is called from, `config` and `base_path`.
    fn context(&self, call: &ShortcodeCall<'_>, caller: &Caller<'_>) -> Context {
        let mut context = Context::new();
        for (key, value) in call.args {
            context.insert(key.clone(), value);
        }
        if let Some(body) = call.body {
            context.insert("body", body);
        }
        context.insert("nth", &call.nth);
        context.insert("base_path", &self.base_path);
        context.insert_value("config", self.config.clone());
        let doc = caller.doc;
        let (description, extra) = match &doc.meta {
            Meta::Page(meta) => (&meta.description, Some(&meta.extra)),
            Meta::Section(meta) => (&meta.description, None),
        };
        let mut value = BTreeMap::new();
        value.insert("title", tera::Value::from(doc.title.as_str()));
        value.insert("description", tera::Value::from(description.as_str()));
        value.insert(
            "relative_path",
            tera::Value::from(doc.relative_path.as_str()),
        );
        value.insert(
            "path",
            tera::Value::from(format!("{}{}", self.base_path, caller.site_path)),
        );
        value.insert(
            "permalink",
            tera::Value::from(format!("{}/{}", self.base_url, caller.site_path)),
        );
        if let Some(extra) = extra {
            value.insert("extra", super::values::extra_value(extra));
        }
        let key = match doc.meta {
            Meta::Page(_) => "page",
            Meta::Section(_) => "section",
        };
        context.insert(key, &value);
        context
    }
}

impl Shortcodes for ShortcodeTemplates {
    fn lookup(&self, name: &str) -> Option<ShortcodeInfo> {
        if !self.available {
            return Some(ShortcodeInfo {
                output: ShortcodeOutput::Html,
                fingerprint: 0,
            });
        }
        self.known.get(name).map(|k| k.info)
    }

    fn names(&self) -> Vec<String> {
        self.known.keys().cloned().collect()
    }

    fn render(
        &self,
        call: &ShortcodeCall<'_>,
        caller: &Caller<'_>,
    ) -> Result<String, ShortcodeFailure> {
        let Some(known) = self.known.get(call.name) else {
            return Err(ShortcodeFailure::Unavailable);
        };
        if let Some(builtin) = known.builtin {
            check_arguments(&BUILTINS[builtin], call)?;
        }
        let mut output = self
            .tera
            .render(&known.template, &self.context(call, caller))
            .map_err(|err| {
                let diagnostic = template_diagnostic(&self.sources, &known.template, &err, None);
                ShortcodeFailure::Template(Box::new(diagnostic))
            })?;
        // The line break that ends the template's file is not part of an inline call's output.
        if known.info.output == ShortcodeOutput::Html {
            output.truncate(output.trim_end_matches(['\n', '\r']).len());
        }
        Ok(output)
    }
}

/// The arguments of a call of a built-in shortcode, against what it takes.
fn check_arguments(builtin: &Builtin, call: &ShortcodeCall<'_>) -> Result<(), ShortcodeFailure> {
    let known: Vec<&'static str> = builtin.args.iter().map(|(name, _)| *name).collect();
    for (name, value) in call.args {
        if !known.contains(&name.as_str()) {
            return Err(ShortcodeFailure::UnknownArgument {
                argument: name.clone(),
                known,
            });
        }
        // Every argument of the built-ins is text.
        if !matches!(value, ArgValue::Str(_)) {
            return Err(ShortcodeFailure::WrongType {
                argument: name.clone(),
                expected: "a string",
                found: value.type_name(),
            });
        }
    }
    for (name, required) in builtin.args {
        if *required && !call.args.iter().any(|(given, _)| given == name) {
            return Err(ShortcodeFailure::MissingArgument {
                argument: (*name).to_string(),
            });
        }
    }
    if builtin.body && call.body.is_none() {
        return Err(ShortcodeFailure::NeedsBody);
    }
    Ok(())
}
