//! Social cards (`social_cards = true` in site.toml): a 1200×630 PNG beside every page and
//! section, named as `og:image` and as the JSON-LD `image`, the same bytes from every build.

mod common;

use common::{TestSite, Watch, snapshot, wait_until};

const BASE: &str = "https://briefing.example.org/";

/// The width and height a PNG's header gives.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

/// The value of the first `attribute="..."` after `marker` in `html`.
fn value_after<'h>(html: &'h str, marker: &str) -> Option<&'h str> {
    let rest = &html[html.find(marker)? + marker.len()..];
    Some(&rest[..rest.find('"')?])
}

#[test]
fn every_page_of_the_briefing_has_a_card_in_its_preview_and_its_json_ld() {
    let site = TestSite::briefing();
    let out = site.build_into("public", &[]);
    let files = snapshot(&out);
    let pages: Vec<&(String, Vec<u8>)> =
        files.iter().filter(|(n, _)| n.ends_with(".html")).collect();
    assert!(pages.len() >= 15, "{}", pages.len());
    let mut cards = std::collections::BTreeMap::new();
    for (name, bytes) in pages {
        let html = String::from_utf8_lossy(bytes);
        let card = value_after(&html, "<meta property=\"og:image\" content=\"")
            .unwrap_or_else(|| panic!("{name} has no og:image"));
        assert!(
            html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"),
            "{name}"
        );
        let file = card
            .strip_prefix(BASE)
            .unwrap_or_else(|| panic!("{name}: {card}"));
        let png = std::fs::read(out.join(file)).unwrap_or_else(|e| panic!("{name}: {file}: {e}"));
        assert_eq!(png_size(&png), (1200, 630), "{file}");
        if let Some(image) = value_after(&html, "\"image\":\"") {
            assert_eq!(image, card, "{name}: the JSON-LD image is the card");
        }
        cards.insert(name.clone(), file.to_string());
    }
    // Each page and section shows its own card; a topic's page, the front page's.
    assert_eq!(
        cards["partnerships/a24-google/index.html"],
        "partnerships/a24-google/card.png"
    );
    assert_eq!(cards["partnerships/index.html"], "partnerships/card.png");
    assert_eq!(cards["topics/runway/index.html"], "card.png");
    let page = std::fs::read_to_string(out.join("partnerships/a24-google/index.html")).unwrap();
    assert!(page.contains(&format!(
        "\"image\":\"{BASE}partnerships/a24-google/card.png\""
    )));
    // Different titles, different pictures.
    let a24 = std::fs::read(out.join("partnerships/a24-google/card.png")).unwrap();
    let lionsgate = std::fs::read(out.join("partnerships/lionsgate-runway/card.png")).unwrap();
    assert_ne!(a24, lionsgate);
    // A second build draws the same bytes.
    let again = site.build_into("again", &[]);
    assert_eq!(
        a24,
        std::fs::read(again.join("partnerships/a24-google/card.png")).unwrap()
    );
}

#[test]
fn a_site_without_social_cards_has_no_card_and_no_og_image() {
    let site = TestSite::briefing();
    site.replace("site.toml", "social_cards = true", "social_cards = false");
    let out = site.build_into("public", &[]);
    for (name, bytes) in snapshot(&out) {
        assert!(!name.ends_with(".png"), "{name}");
        assert!(
            !String::from_utf8_lossy(&bytes).contains("og:image"),
            "{name}"
        );
    }
}

#[test]
fn a_social_cards_value_that_is_not_true_or_false_is_refused_with_its_position() {
    let site = TestSite::briefing();
    site.replace("site.toml", "social_cards = true", "social_cards = \"yes\"");
    let stderr = common::failed_build(&site);
    assert!(stderr.contains("site.toml:"), "{stderr}");
    assert!(stderr.contains("social_cards"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `watch` writes a card when its text changes, and leaves it alone when only the page's
/// body did; the output equals a clean build's either way.
#[test]
fn watch_redraws_a_card_when_its_title_changes_and_keeps_it_otherwise() {
    let site = TestSite::briefing();
    let watch = Watch::start(&site, &[]);
    let card = site.path("public/partnerships/lionsgate-runway/card.png");
    wait_until("the first build's card", || card.is_file());
    let before = std::fs::read(&card).unwrap();
    let page = "content/partnerships/lionsgate-runway.md";
    site.replace(
        page,
        "Lionsgate recently announced",
        "Lionsgate, the article says, recently announced",
    );
    common::wait_for_text(
        &site,
        "public/partnerships/lionsgate-runway/index.html",
        "the article says",
    );
    assert_eq!(
        std::fs::read(&card).unwrap(),
        before,
        "a body edit changed the card"
    );
    site.replace(
        page,
        "title = \"Lionsgate and Runway",
        "title = \"Lionsgate with Runway",
    );
    common::wait_for_text(
        &site,
        "public/partnerships/lionsgate-runway/index.html",
        "Lionsgate with Runway",
    );
    wait_until("the card redrawn", || {
        std::fs::read(&card).unwrap() != before
    });
    common::assert_watch_equals_clean_build(&site, watch);
}
