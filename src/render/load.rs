//! Reading and parsing `templates/`: every syntax error at once, each in its own template.

use std::collections::BTreeMap;
use std::sync::Arc;

use tera::Tera;

use super::errors::{batch_diagnostics, template_diagnostic};
use super::functions::{register_filters, register_placeholders};
use super::{TemplateFingerprints, Templates};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Templates briefing falls back to when the site does not define them.
const BUILTINS: [(&str, &str); 5] = [
    ("404.html", include_str!("../builtin/404.html")),
    (super::PRINT_TEMPLATE, include_str!("../builtin/print.html")),
    (
        super::CORRECTIONS,
        include_str!("../builtin/corrections.html"),
    ),
    (
        super::TAXONOMY_LIST,
        include_str!("../builtin/taxonomy_list.html"),
    ),
    (
        super::TAXONOMY_SINGLE,
        include_str!("../builtin/taxonomy_single.html"),
    ),
];

impl Templates {
    /// Reads and parses every file under `templates/`, reporting every syntax error at once.
    pub fn load(config: &Config) -> Result<Templates, Diagnostics> {
        let (mut sources, mut diagnostics) = read_templates(config)?;
        for (name, text) in BUILTINS {
            // Not parsed by a build without the print edition, which never renders it.
            let unused = name == super::PRINT_TEMPLATE && !config.print_edition;
            if !sources.contains_key(name) && !unused {
                sources.insert(name.into(), text.into());
            }
        }
        // Each template alone first: syntax errors of every file, not just the first one.
        for (name, text) in &sources {
            if let Err(err) = Tera::new().add_raw_template(name, text)
                && matches!(err.kind(), tera::ErrorKind::SyntaxError(_))
            {
                diagnostics.push(template_diagnostic(&sources, name, &err, None));
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        // The built-in shortcodes a site has not overridden: known to parse.
        let builtins: Vec<(&str, &str)> = super::shortcodes::builtin_templates(&sources).collect();
        for (name, text) in builtins {
            sources.insert(name.into(), text.into());
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        register_filters(&mut tera);
        register_placeholders(&mut tera);
        if let Err(err) =
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            diagnostics.extend(batch_diagnostics(&sources, &err));
            return Err(diagnostics);
        }
        let component_files = sources
            .iter()
            .filter(|(_, text)| defines_component(text))
            .map(|(name, _)| name.clone())
            .collect();
        Ok(Templates {
            tera: Arc::new(tera),
            fingerprints: TemplateFingerprints::of(&sources),
            sources: Arc::new(sources),
            component_files,
        })
    }
}

/// The text of every file under `templates/` by name, with the problems of the files that
/// could not be read; without a readable `templates/`, only its problem.
fn read_templates(config: &Config) -> Result<(BTreeMap<String, String>, Diagnostics), Diagnostics> {
    let dir = config.templates_dir.as_path();
    let mut diagnostics = Diagnostics::new();
    if !dir.is_dir() {
        diagnostics.push(
            Diagnostic::error("templates/", "there is no templates/ directory")
                .hint("create templates/ with base.html, index.html, section.html and page.html; `briefing init` writes a starter set"),
        );
        return Err(diagnostics);
    }
    let mut sources = BTreeMap::new();
    let files = match crate::content::walk::list_files(config, dir, dir) {
        Ok((files, problems)) => {
            diagnostics.extend(problems);
            files
        }
        Err(err) => {
            diagnostics.push(Diagnostic::error("templates/", format!("{err:#}")));
            return Err(diagnostics);
        }
    };
    for file in files {
        let name = file.relative;
        match std::fs::read(&file.path).map(String::from_utf8) {
            Ok(Ok(text)) => {
                sources.insert(name, text);
            }
            Ok(Err(_)) => diagnostics.push(
                Diagnostic::error(
                    format!("templates/{name}"),
                    "this template is not valid UTF-8 text",
                )
                .hint("save it as UTF-8"),
            ),
            Err(err) => diagnostics.push(
                Diagnostic::error(
                    format!("templates/{name}"),
                    format!("cannot read this template: {err}"),
                )
                .hint(crate::content::io_hint(&err)),
            ),
        }
    }
    Ok((sources, diagnostics))
}

/// Whether a template's text holds a `{% component ... %}` definition.
fn defines_component(text: &str) -> bool {
    text.split("{%").skip(1).any(|tag| {
        tag.trim_start_matches('-')
            .trim_start()
            .starts_with("component ")
    })
}
