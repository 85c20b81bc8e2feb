use super::*;
use crate::config::BuildOptions;
use crate::diagnostics::Diagnostics;

fn config() -> Arc<Config> {
    let text = "title = \"T\"\nbase_url = \"https://e.org/b/\"\n";
    Arc::new(Config::parse(text, &BuildOptions::default()).unwrap())
}

/// A site without shortcodes.
#[derive(Debug)]
struct NoShortcodes;

impl crate::markdown::Shortcodes for NoShortcodes {
    fn lookup(&self, _: &str) -> Option<crate::markdown::ShortcodeInfo> {
        None
    }
    fn names(&self) -> Vec<String> {
        Vec::new()
    }
    fn render(
        &self,
        _: &crate::markdown::ShortcodeCall<'_>,
        _: &crate::markdown::Caller<'_>,
    ) -> Result<String, crate::markdown::ShortcodeFailure> {
        Err(crate::markdown::ShortcodeFailure::Unavailable)
    }
}

/// A first build of `docs`, as the preview makes it.
fn assemble(config: Arc<Config>, docs: Vec<Arc<Document>>) -> (Site, Diagnostics) {
    let shortcodes = Arc::new(NoShortcodes);
    Site::assemble(
        config,
        docs,
        vec![],
        None,
        &BTreeSet::new(),
        Bodies::Keep,
        shortcodes,
    )
}

fn doc(path: &str, front: &str, body: &str) -> Arc<Document> {
    let text = format!("+++\n{front}\n+++\n{body}");
    Arc::new(
        crate::content::parse_document(path, &format!("content/{path}"), text.into_bytes())
            .unwrap(),
    )
}

#[test]
fn pages_sort_by_weight_then_title() {
    let docs = vec![
        doc("_index.md", "title = \"Home\"", ""),
        doc("s/_index.md", "title = \"S\"", ""),
        doc("s/b.md", "title = \"B\"\nweight = 1", ""),
        doc("s/a.md", "title = \"A\"\nweight = 2", ""),
        doc("s/c.md", "title = \"C\"\nweight = 1", ""),
    ];
    let (site, diagnostics) = assemble(config(), docs);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let section = &site.sections[1];
    let titles: Vec<&str> = section
        .pages
        .iter()
        .map(|&i| site.pages[i].doc.title.as_str())
        .collect();
    assert_eq!(titles, ["B", "C", "A"]);
    assert_eq!(site.sections[0].subsections, [1]);
}

#[test]
fn pages_sort_by_date_newest_first() {
    let docs = vec![
        doc("_index.md", "title = \"Home\"\nsort_by = \"date\"", ""),
        doc("old.md", "title = \"Old\"\ndate = 2020-01-01", ""),
        doc("new.md", "title = \"New\"\ndate = 2026-01-01", ""),
        doc("none.md", "title = \"None\"", ""),
    ];
    let (site, _) = assemble(config(), docs);
    let titles: Vec<&str> = site.sections[0]
        .pages
        .iter()
        .map(|&i| site.pages[i].doc.title.as_str())
        .collect();
    assert_eq!(titles, ["New", "Old", "None"]);
}

#[test]
fn links_resolve_and_broken_anchors_are_reported() {
    let docs = vec![
        doc(
            "_index.md",
            "title = \"Home\"",
            "[ok](@/s/a.md#scope) [bad](@/s/a.md#scop)",
        ),
        doc("s/a.md", "title = \"A\"", "## Scope\n"),
    ];
    let (site, diagnostics) = assemble(config(), docs);
    assert!(
        site.sections[0]
            .rendered
            .html
            .contains("href=\"/b/s/a/#scope\"")
    );
    let errors: Vec<_> = diagnostics.iter().collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("#scop"));
    assert_eq!(errors[0].hint.as_deref(), Some("did you mean `#scope`?"));
    assert_eq!(errors[0].location.as_ref().unwrap().line, 4);
    assert_eq!(
        site.linked_from("s/a.md").collect::<Vec<_>>(),
        ["_index.md"]
    );
}

#[test]
fn drafts_are_skipped_unless_asked() {
    let docs = || vec![doc("d.md", "title = \"D\"\ndraft = true", "")];
    assert!(assemble(config(), docs()).0.pages.is_empty());
    let mut with_drafts = (*config()).clone();
    with_drafts.drafts = true;
    assert_eq!(assemble(Arc::new(with_drafts), docs()).0.pages.len(), 1);
}

#[test]
fn the_layout_follows_every_alias_and_pager_and_whose_they_are() {
    let layout = |a: &str, b: &str, page: &str| {
        let docs = vec![
            doc("_index.md", "title = \"Home\"", ""),
            doc("a/_index.md", &format!("title = \"A\"\n{a}"), ""),
            doc("a/x.md", &format!("title = \"X\"\n{page}"), ""),
            doc("b/_index.md", &format!("title = \"B\"\n{b}"), ""),
            doc("b/y.md", "title = \"Y\"", ""),
        ];
        assemble(config(), docs).0.layout()
    };
    let plain = layout("", "", "");
    let paged = "paginate_by = 1";
    assert_eq!(plain, layout("", "", ""));
    // The same number of pagers, in another section.
    assert_ne!(layout(paged, "", ""), layout("", paged, ""));
    assert_ne!(plain, layout(paged, "", ""));
    assert_ne!(
        layout(paged, "", ""),
        layout("paginate_by = 1\npaginate_path = \"p\"", "", "")
    );
    // An alias on a page, on its section, and one more.
    let aliased = layout("", "", "aliases = [\"/old/\"]");
    assert_ne!(plain, aliased);
    assert_ne!(aliased, layout("aliases = [\"/old/\"]", "", ""));
    assert_ne!(
        aliased,
        layout("", "", "aliases = [\"/old/\", \"/older/\"]")
    );
}
