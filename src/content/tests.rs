use super::*;

fn doc(path: &str, text: &str) -> Result<Document, Vec<Diagnostic>> {
    parse_document(path, &format!("content/{path}"), text.as_bytes().to_vec())
}

#[test]
fn page_gets_slug_from_file_name() {
    let d = doc("partnerships/A24 Google.md", "+++\ntitle = \"A\"\n+++\nx").unwrap();
    assert_eq!(d.slug, "a24-google");
    assert_eq!(d.body(), "x");
}

#[test]
fn only_hashed_documents_can_be_the_same_bytes() {
    let text = b"+++\ntitle = \"A\"\n+++\nx".to_vec();
    let read = |hashing| read_document("a.md", "content/a.md", text.clone(), hashing).unwrap();
    assert!(read(Hashing::Hash).same_bytes(&read(Hashing::Hash)));
    let edited = doc("a.md", "+++\ntitle = \"A\"\n+++\ny").unwrap();
    assert!(!read(Hashing::Hash).same_bytes(&edited));
    // Unknown is not "the same": a one-off build's documents are never taken as unchanged.
    assert!(!read(Hashing::Skip).same_bytes(&read(Hashing::Skip)));
    assert!(!read(Hashing::Skip).same_bytes(&read(Hashing::Hash)));
}

#[test]
fn escaping_slug_is_refused() {
    let err = doc("a.md", "+++\ntitle = \"A\"\nslug = \"../../etc\"\n+++\n").unwrap_err();
    assert!(err[0].message.contains("slug"), "{:?}", err);
    assert_eq!(err[0].location.as_ref().unwrap().line, 3);
}

#[test]
fn every_problem_in_a_file_is_reported() {
    let err = doc("a.md", "+++\ndate = \"2026-02-30\"\nupdated = 5\n+++\n").unwrap_err();
    assert!(err.len() >= 2, "{err:?}");
}

#[test]
fn binary_and_invalid_utf8_are_named() {
    let bin = parse_document("a.md", "content/a.md", b"+++\n\0\x01".to_vec()).unwrap_err();
    assert!(bin[0].message.contains("binary"));
    let bad =
        parse_document("a.md", "content/a.md", b"+++\ntitle = \"\xff\"".to_vec()).unwrap_err();
    assert!(bad[0].message.contains("UTF-8"));
    assert_eq!(bad[0].location.as_ref().unwrap().line, 2);
}

#[test]
fn yaml_front_matter_reads_as_toml_would() {
    let toml = doc(
        "p/a.md",
        "+++\ntitle = \"Deal\"\ndate = 2026-11-24\nweight = 2\nsources = [\"x\"]\n[extra]\nk = 1\n+++\nBody",
    )
    .unwrap();
    let yaml = doc(
        "p/a.md",
        "\n---\ntitle: Deal\ndate: 2026-11-24\nweight: 2\nsources:\n  - x\nextra:\n  k: 1\n---\nBody",
    )
    .unwrap();
    assert_eq!((yaml.title.as_str(), yaml.body()), ("Deal", "Body"));
    assert_eq!(yaml.date, toml.date);
    let (Meta::Page(a), Meta::Page(b)) = (&toml.meta, &yaml.meta) else {
        panic!("pages");
    };
    assert_eq!((a.weight, &a.extra), (b.weight, &b.extra));
    assert_eq!(a.sources[0].get_ref(), b.sources[0].get_ref());
}

#[test]
fn yaml_mistakes_point_at_the_yaml() {
    let text = "---\ntitle: A\ndate: 2026-02-30\nslug: \"../x\"\n---\n";
    let problems = doc("a.md", text).unwrap_err();
    let at: Vec<(usize, &str)> = problems
        .iter()
        .map(|d| {
            let l = d.location.as_ref().unwrap();
            (l.line, &l.line_text[l.span.clone()])
        })
        .collect();
    assert_eq!(at, [(3, "2026-02-30"), (4, "\"../x\"")], "{problems:?}");
    let problems = doc("a.md", "---\ntitle: A\nweight: heavy\n---\n").unwrap_err();
    let location = problems[0].location.as_ref().unwrap();
    assert_eq!(
        (location.line, &location.line_text[location.span.clone()]),
        (3, "heavy")
    );
}

#[test]
fn every_unknown_key_is_reported_at_once() {
    for (fence, sep) in [("+++", " = "), ("---", ": ")] {
        let text = format!(
            "{fence}\ntitel{sep}\"A\"\nweight{sep}1\ndraftt{sep}true\nauthor{sep}\"B\"\n{fence}\n"
        );
        let problems = doc("a.md", &text).unwrap_err();
        let found: Vec<(usize, Option<&str>)> = problems
            .iter()
            .map(|d| (d.location.as_ref().unwrap().line, d.hint.as_deref()))
            .collect();
        assert_eq!(found.len(), 3, "{fence}: {problems:?}");
        assert_eq!(found[0], (2, Some("did you mean `title`?")), "{fence}");
        assert_eq!(found[1], (4, Some("did you mean `draft`?")), "{fence}");
        assert_eq!(found[2].0, 5, "{fence}");
    }
}

#[test]
fn translations_are_refused_not_read_as_pages() {
    for path in [
        "_index.fr.md",
        "p/deal.pt-br.md",
        "p/deal.de.md",
        "p/_index.zh-Hant.md",
    ] {
        let problems = doc(path, "+++\ntitle = \"A\"\n+++\n").unwrap_err();
        assert!(
            problems[0].message.contains("languages are not supported"),
            "{path}"
        );
    }
    for path in [
        "p/v2.0.md",
        "p/notes.md",
        "p/deal.FR.md",
        "p/a.b.c1.md",
        "p/x.abcd.md",
    ] {
        assert!(doc(path, "+++\ntitle = \"A\"\n+++\n").is_ok(), "{path}");
    }
}

#[test]
fn editor_files_are_ignored() {
    for name in [
        ".x.md.swp",
        "a.md~",
        "4913",
        ".#a.md",
        "#a.md#",
        "a.swx",
        "plan.md.orig",
        "plan.md.rej",
        "plan.md.bak",
        "plan.md.old",
        "logo.png.orig",
    ] {
        assert!(is_ignored_name(std::ffi::OsStr::new(name)), "{name}");
    }
    for name in ["a.md", "origins.md", "bakery.png", "old.css", "a.older"] {
        assert!(!is_ignored_name(std::ffi::OsStr::new(name)), "{name}");
    }
}

#[test]
fn markdown_by_another_name_is_told_apart() {
    for (path, extension) in [
        ("p/Plan.MD", "MD"),
        ("n.markdown", "markdown"),
        ("x.Mkd", "Mkd"),
    ] {
        assert_eq!(markdown_by_another_name(path), Some(extension), "{path}");
    }
    for path in ["a.md", "still.png", "README", "deck.pdf", "a.mdx"] {
        assert_eq!(markdown_by_another_name(path), None, "{path}");
    }
}
