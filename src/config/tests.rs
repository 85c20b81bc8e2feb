use super::*;

#[test]
fn a_zola_config_says_what_to_move() {
    let text = "title = \"T\"\nbase_url = \"https://e.org\"\ndefault_language = \"fr\"\n\
                compile_sass = true\n[markdown]\nsmart_punctuation = true\n[extra]\na = 1\n";
    let d = zola_migration("config.toml", text);
    assert!(d.message.contains("Zola config.toml"), "{}", d.message);
    let hint = d.hint.unwrap();
    for part in [
        "`title`, `base_url`, `markdown`, `extra` as they are",
        "`default_language` as `language`",
        "`compile_sass` have no equivalent",
    ] {
        assert!(hint.contains(part), "{part}: {hint}");
    }
    // A config.toml that does not parse still gets the message, without the key lists.
    let d = zola_migration("zola.toml", "not = [toml");
    assert!(d.message.contains("Zola zola.toml"));
    assert!(!d.hint.unwrap().contains("as they are"));
}

#[test]
fn base_url_with_a_password_is_refused() {
    for url in [
        "https://user:secret@example.org/",
        "http://me@example.org/sub/",
    ] {
        let message = parse_base_url(url).unwrap_err();
        assert!(message.contains("password"), "{url}: {message}");
    }
}

#[test]
fn base_url_with_and_without_path() {
    assert_eq!(
        parse_base_url("https://example.org/").unwrap(),
        ("https://example.org".into(), "/".into())
    );
    assert_eq!(
        parse_base_url("https://example.org/briefing").unwrap(),
        ("https://example.org/briefing".into(), "/briefing/".into())
    );
    assert!(
        parse_base_url("example.org")
            .unwrap_err()
            .contains("no scheme")
    );
    assert!(
        parse_base_url("ftp://example.org")
            .unwrap_err()
            .contains("uses the scheme `ftp`")
    );
    assert!(parse_base_url("https:///x").is_err());
    assert!(parse_base_url("https://h/../x").is_err());
    // What browsers read as `..`, and what would break the HTML and XML it is written into.
    for url in [
        "https://example.org/%2e%2e/",
        "https://example.org/a/%2E/",
        "https://example.org/.%2e/x/",
        "https://example.org/a%2fb/",
        "https://example.org/a%5cb/",
        "https://example.org/\"><script>/",
        "https://example.org/a<b/",
        "https://example.org/a{b}/",
        "https://example.org/a b/",
        "https://example.org/a%zz/",
        "https://example.org/a%2/",
        "https://exa\"mple.org/",
        "https://exa<mple.org/",
        "https://example.org/a\tb/",
    ] {
        assert!(parse_base_url(url).is_err(), "{url} was accepted");
    }
    for (url, base_path) in [
        ("https://example.org/a%20b/", "/a%20b/"),
        ("https://example.org/caf%C3%A9/", "/caf%C3%A9/"),
        ("https://example.org/café/", "/café/"),
        ("https://example.org/a.b/~c/", "/a.b/~c/"),
        ("https://localhost:8080/x/", "/x/"),
        ("http://[::1]:1111/", "/"),
    ] {
        assert_eq!(
            parse_base_url(url).map(|(_, p)| p),
            Ok(base_path.to_string()),
            "{url}"
        );
    }
}

#[test]
fn an_empty_base_url_is_pointed_at_by_its_key() {
    let text = "title = \"t\"\nbase_url = \"\"\n";
    let err = Config::parse(text, &BuildOptions::default()).unwrap_err();
    let location = err.iter().next().unwrap().location.clone().unwrap();
    assert_eq!((location.line, location.column), (2, 1));
}

#[test]
fn unknown_key_suggests_the_near_one() {
    let text = "title = \"t\"\nbase_url = \"https://e.org\"\ndescriptoin = \"x\"\n";
    let err = Config::parse(text, &BuildOptions::default()).unwrap_err();
    let d = err.iter().next().unwrap();
    assert_eq!(d.location.as_ref().unwrap().line, 3);
    assert_eq!(d.hint.as_deref(), Some("did you mean `description`?"));
}

#[test]
fn the_fingerprint_follows_the_text_and_every_option() {
    let text = "title = \"t\"\nbase_url = \"https://e.org\"\n";
    let options = BuildOptions::default();
    let fingerprint =
        |text: &str, options: &BuildOptions| Config::parse(text, options).unwrap().fingerprint;
    let first = fingerprint(text, &options);
    assert_eq!(first, fingerprint(text, &options.clone()));
    let others = [
        fingerprint(&text.replace("\"t\"", "\"u\""), &options),
        fingerprint(&format!("{text}description = \"d\"\n"), &options),
        fingerprint(
            text,
            &BuildOptions {
                drafts: true,
                ..options.clone()
            },
        ),
        fingerprint(
            text,
            &BuildOptions {
                base_url: Some("https://e.org".into()),
                ..options.clone()
            },
        ),
        fingerprint(
            text,
            &BuildOptions {
                root: "elsewhere".into(),
                ..options.clone()
            },
        ),
        fingerprint(
            text,
            &BuildOptions {
                output_dir: Some("out".into()),
                ..options.clone()
            },
        ),
    ];
    for (i, other) in others.iter().enumerate() {
        assert_ne!(first, *other, "change {i}");
    }
}

#[test]
fn cli_base_url_overrides_the_file() {
    let text = "title = \"t\"\nbase_url = \"https://e.org\"\n";
    let options = BuildOptions {
        base_url: Some("http://127.0.0.1:1111".into()),
        ..BuildOptions::default()
    };
    let config = Config::parse(text, &options).unwrap();
    assert_eq!(config.base_url, "http://127.0.0.1:1111");
    assert_eq!(
        config.permalink(&SitePath::new("a/")),
        "http://127.0.0.1:1111/a/"
    );
}
