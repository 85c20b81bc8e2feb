//! Taxonomies through the real binary: the term list, term pages and feeds a build writes, the
//! templates it picks, the mistakes it reports, and `watch` and `serve` keeping terms current.

mod common;

use std::time::Duration;

use common::server::{get, start};
use common::{TestSite, Watch, assert_watch_equals_clean_build, failed_build, stderr, wait_until};

const TAXONOMIES: &str =
    "taxonomies = [{ name = \"topics\", feed = true }, { name = \"guilds\" }]\n";

/// The fixture with two taxonomies; the first story is about A24 and Runway, the second about
/// runway (the same term, in another case) and Google, and is in the guild WGA.
fn site_with_terms() -> TestSite {
    let site = TestSite::fixture("basic");
    site.replace(
        "site.toml",
        "publisher = \"Tests\"\n",
        &format!("publisher = \"Tests\"\n{TAXONOMIES}"),
    );
    set_terms(
        &site,
        "content/news/first.md",
        "topics = [\"A24\", \"Runway\"]",
    );
    set_terms(
        &site,
        "content/news/second.md",
        "topics = [\"runway\", \"Google\"]\nguilds = [\"WGA\"]",
    );
    site
}

/// `terms` as the `[taxonomies]` table of `page`, at the end of its front matter.
fn set_terms(site: &TestSite, page: &str, terms: &str) {
    let text = site.read(page);
    let text = match text.find("[taxonomies]\n") {
        Some(at) => format!(
            "{}{}",
            &text[..at],
            &text[text[at..].find("+++").unwrap() + at..]
        ),
        None => text,
    };
    let close = text[3..].find("+++").unwrap() + 3;
    let table = match terms {
        "" => String::new(),
        terms => format!("[taxonomies]\n{terms}\n"),
    };
    site.write(page, format!("{}{table}{}", &text[..close], &text[close..]));
}

fn read(out: &std::path::Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn terms_get_a_list_a_page_each_and_a_feed() {
    let site = site_with_terms();
    let out = site.build_into("public", &[]);
    // Every term once, by slug, with its count; `Runway` and `runway` are one term, named as
    // the first page by path writes it.
    let list = read(&out, "topics/index.html");
    let items: Vec<&str> = list.lines().filter(|l| l.contains("<li>")).collect();
    assert_eq!(
        items,
        [
            "  <li><a href=\"/topics/a24/\">A24</a> (1)</li>",
            "  <li><a href=\"/topics/google/\">Google</a> (1)</li>",
            "  <li><a href=\"/topics/runway/\">Runway</a> (2)</li>",
        ],
        "{list}"
    );
    // A term's pages, newest first.
    let runway = read(&out, "topics/runway/index.html");
    let second = runway.find("Second story").expect("second story listed");
    let first = runway.find("First story").expect("first story listed");
    assert!(second < first, "{runway}");
    assert!(runway.contains("<h1>Runway</h1>"), "{runway}");
    // A feed per term where the taxonomy asks for one, with the term's dated pages only.
    let feed = read(&out, "topics/a24/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 1, "{feed}");
    assert!(
        feed.contains("https://fixture.example.org/news/first/"),
        "{feed}"
    );
    assert!(
        runway.contains("href=\"/topics/runway/atom.xml\""),
        "{runway}"
    );
    assert!(out.join("guilds/wga/index.html").is_file());
    assert!(!out.join("guilds/wga/atom.xml").exists());
    let sitemap = read(&out, "sitemap.xml");
    for url in ["topics/", "topics/runway/", "guilds/", "guilds/wga/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://fixture.example.org/{url}</loc>")),
            "{url} not in the sitemap:\n{sitemap}"
        );
    }
    assert!(!sitemap.contains("atom.xml"), "{sitemap}");
    // What the pages link to is there.
    let check = site.run(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn the_sites_templates_are_used_in_zolas_order_with_zolas_names() {
    let site = site_with_terms();
    site.write(
        "templates/taxonomy_single.html",
        "<h1 id=\"generic\">{{ taxonomy.name }}: {{ term.name }} ({{ term.page_count }})</h1>\
         {% for p in term.pages %}<p>{{ p.title }}</p>{% endfor %}",
    );
    site.write(
        "templates/taxonomy_list.html",
        "<ul id=\"generic-list\">{% for t in terms %}<li>{{ t.name }}</li>{% endfor %}</ul>",
    );
    // The taxonomy's own template comes before the generic one.
    site.write(
        "templates/topics/list.html",
        "<ul id=\"own\">{% for t in terms %}<li><a href=\"{{ t.path }}\">{{ t.name }}</a> {{ t.page_count }}</li>{% endfor %}</ul>",
    );
    // Any template can read a taxonomy and link to a term.
    site.replace(
        "templates/page.html",
        "<article>",
        "<article><p class=\"topics\">{% for t in page.taxonomies.topics %}<a href=\"{{ get_taxonomy_url(kind='topics', name=t) }}\">{{ t }}</a>{% endfor %}</p>\
         {% set topics = get_taxonomy(kind='topics') %}<p class=\"all\">{% for t in topics.items %}{{ t.slug }}={{ t.page_count }} {% endfor %}</p>",
    );
    let out = site.build_into("public", &[]);
    assert_eq!(
        read(&out, "topics/index.html"),
        "<ul id=\"own\"><li><a href=\"/topics/a24/\">A24</a> 1</li><li><a href=\"/topics/google/\">Google</a> 1</li><li><a href=\"/topics/runway/\">Runway</a> 2</li></ul>"
    );
    assert_eq!(
        read(&out, "guilds/index.html"),
        "<ul id=\"generic-list\"><li>WGA</li></ul>"
    );
    assert_eq!(
        read(&out, "topics/runway/index.html"),
        "<h1 id=\"generic\">topics: Runway (2)</h1><p>Second story</p><p>First story</p>"
    );
    let second = read(&out, "news/second/index.html");
    assert!(
        second.contains("<p class=\"topics\"><a href=\"https://fixture.example.org/topics/runway/\">runway</a><a href=\"https://fixture.example.org/topics/google/\">Google</a></p>"),
        "{second}"
    );
    assert!(
        second.contains("<p class=\"all\">a24=1 google=1 runway=2 </p>"),
        "{second}"
    );
}

#[test]
fn an_unknown_taxonomy_or_a_term_without_letters_is_an_error_in_the_page() {
    let site = site_with_terms();
    site.replace(
        "templates/page.html",
        "<article>",
        "<article>{% for t in page.taxonomies.topics | default(value=[]) %}<a href=\"{{ get_taxonomy_url(kind='topics', name=t) }}\">{{ t }}</a>{% endfor %}",
    );
    set_terms(&site, "content/news/first.md", "topcs = [\"A24\"]");
    set_terms(
        &site,
        "content/news/second.md",
        "topics = [\"Google\", \"!?!\"]",
    );
    let err = failed_build(&site);
    for expected in [
        "error: unknown taxonomy `topcs`",
        "--> content/news/first.md:7:1",
        "help: did you mean `topics`?",
        "error: the term `!?!` of the taxonomy `topics` has no letters or digits",
        "--> content/news/second.md:6:21",
    ] {
        assert!(err.contains(expected), "{expected:?} not in:\n{err}");
    }
    // In YAML front matter too, each at its own line.
    site.write(
        "content/news/yaml.md",
        "---\ntitle: YAML\ntaxonomies:\n  topics: [Runway, \"???\"]\n  topcs: [A24]\n---\nBody.\n",
    );
    let err = failed_build(&site);
    for expected in [
        "--> content/news/yaml.md:4:21",
        "--> content/news/yaml.md:5:3",
    ] {
        assert!(err.contains(expected), "{expected:?} not in:\n{err}");
    }
    // Neither is reported twice: a template that links each term skips them.
    assert_eq!(err.matches("error:").count(), 4, "{err}");
    // A site without taxonomies says how to declare one.
    let site = TestSite::fixture("basic");
    set_terms(&site, "content/news/first.md", "tags = [\"A24\"]");
    let err = failed_build(&site);
    assert!(
        err.contains("help: declare it in site.toml: taxonomies = [{ name = \"tags\" }]"),
        "{err}"
    );
}

#[test]
fn taxonomy_settings_that_cannot_work_are_errors_in_site_toml() {
    let site = site_with_terms();
    site.replace(
        "site.toml",
        TAXONOMIES,
        "taxonomies = [{ name = \"topics\", paginate_by = 0 }, { name = \"?\" }, { name = \"Topics\" }, \
         { name = \"guilds\", paginate_by = -3, paginate_path = \"../x\" }, { name = \"studios\", paginate_path = \"\" }]\n",
    );
    let err = failed_build(&site);
    for expected in [
        "error: taxonomy `topics`: paginate_by is 0: a pager must hold at least one page",
        "--> site.toml:6:48",
        "error: the taxonomy name `?` has no letters or digits for its URL",
        "error: the taxonomies `topics` and `Topics` would both be published at /topics/",
        "error: taxonomy `guilds`: paginate_by is -3: a pager must hold at least one page",
        "error: taxonomy `guilds`: the pagination path `../x` is not one URL segment",
        "error: taxonomy `studios`: the pagination path `` is not one URL segment",
        "help: set paginate_by to the number of pages each pager lists",
    ] {
        assert!(err.contains(expected), "{expected:?} not in:\n{err}");
    }
}

/// The fixture's taxonomies with `topics` paginated by one page (`extra` added to its entry),
/// and its own term template that shows its paginator (`guilds`, not paginated, has none).
fn paginated_terms(extra: &str) -> TestSite {
    let site = site_with_terms();
    site.replace(
        "site.toml",
        "{ name = \"topics\", feed = true }",
        &format!("{{ name = \"topics\", feed = true, paginate_by = 1{extra} }}"),
    );
    site.write(
        "templates/topics/single.html",
        "<h1>{{ term.name }} ({{ term.page_count }}, by {{ taxonomy.paginate_by }})</h1>\
         {% for p in paginator.pages %}<p>{{ p.title }}</p>{% endfor %}\
         <nav>{{ paginator.current_index }}/{{ paginator.number_pagers }} of {{ paginator.total_pages }}; \
         first {{ paginator.first }} last {{ paginator.last }} base {{ paginator.base_url }} \
         prev {{ paginator.previous }} next {{ paginator.next }}</nav>",
    );
    site
}

#[test]
fn term_pages_are_paginated_as_sections_are() {
    let site = paginated_terms("");
    let out = site.build_into("public", &[]);
    let term = "https://fixture.example.org/topics/runway/";
    assert_eq!(
        read(&out, "topics/runway/index.html"),
        format!(
            "<h1>Runway (2, by 1)</h1><p>Second story</p><nav>1/2 of 2; first {term} last \
             {term}page/2/ base {term}page/ prev  next {term}page/2/</nav>"
        )
    );
    assert_eq!(
        read(&out, "topics/runway/page/2/index.html"),
        format!(
            "<h1>Runway (2, by 1)</h1><p>First story</p><nav>2/2 of 2; first {term} last \
             {term}page/2/ base {term}page/ prev {term} next </nav>"
        )
    );
    // The first pager is the term page: its numbered URL sends readers there.
    let redirect = read(&out, "topics/runway/page/1/index.html");
    assert!(redirect.contains(&format!("url={term}")), "{redirect}");
    // A term of one page has one pager; a taxonomy that is not paginated has none.
    assert!(out.join("topics/a24/page/1/index.html").is_file());
    assert!(!out.join("topics/a24/page/2").exists());
    assert!(!out.join("guilds/wga/page").exists());
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{term}</loc>")), "{sitemap}");
    assert!(!sitemap.contains("page/"), "{sitemap}");
    let check = site.run(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    // briefing's own term template lists a pager's pages and links its neighbours.
    std::fs::remove_file(site.path("templates/topics/single.html")).unwrap();
    let out = site.build_into("builtin", &[]);
    let second = read(&out, "topics/runway/page/2/index.html");
    assert!(second.contains("First story"), "{second}");
    assert!(!second.contains("Second story"), "{second}");
    assert!(
        second.contains(&format!("<a rel=\"prev\" href=\"{term}\">Newer</a>")),
        "{second}"
    );
    let first = read(&out, "topics/runway/index.html");
    assert!(
        first.contains(&format!("<a rel=\"next\" href=\"{term}page/2/\">Older</a>")),
        "{first}"
    );
    assert!(!first.contains("First story"), "{first}");
    // paginate_path names the segment, as a section's does.
    let site = paginated_terms(", paginate_path = \"p\"");
    let out = site.build_into("public", &[]);
    let second = read(&out, "topics/runway/p/2/index.html");
    assert!(
        second.contains(&format!("base {term}p/ prev {term} next <")),
        "{second}"
    );
    assert!(out.join("topics/runway/p/1/index.html").is_file());
    assert!(!out.join("topics/runway/page").exists());
}

#[test]
fn a_term_pager_claims_its_url() {
    let site = paginated_terms("");
    site.replace(
        "content/news/first.md",
        "title = ",
        "aliases = [\"/topics/runway/page/2/\"]\ntitle = ",
    );
    let err = failed_build(&site);
    assert!(
        err.contains("the pager 2 of the term `Runway` of the taxonomy `topics`"),
        "{err}"
    );
    assert!(err.contains("topics/runway/page/2/index.html"), "{err}");
}

#[test]
fn a_section_where_a_taxonomy_is_published_clashes_with_it() {
    let site = site_with_terms();
    site.write("content/topics/_index.md", "+++\ntitle = \"Topics\"\n+++\n");
    let err = failed_build(&site);
    assert!(
        err.contains("error: content/topics/_index.md and the list of the taxonomy `topics` both write topics/index.html"),
        "{err}"
    );
    // A template asking for a taxonomy there is not.
    let site = site_with_terms();
    site.replace(
        "templates/page.html",
        "<article>",
        "<article>{{ get_taxonomy_url(kind='topic', name='A24') }}",
    );
    let err = failed_build(&site);
    assert!(
        err.contains("get_taxonomy_url: no taxonomy `topic` (did you mean `topics`?)"),
        "{err}"
    );
}

/// Terms added and removed while `watch` runs: term pages appear, change and go, and the
/// output is the clean build's.
#[test]
fn watch_updates_term_pages_when_a_pages_terms_change() {
    let site = site_with_terms();
    let mut watch = Watch::start(&site, &[]);
    let public = site.path("public");
    set_terms(
        &site,
        "content/news/first.md",
        "topics = [\"A24\", \"Lionsgate\"]",
    );
    wait_until("the new term's page", || {
        public.join("topics/lionsgate/index.html").is_file()
    });
    watch.wait_for("Built", Duration::from_secs(20));
    let runway = std::fs::read_to_string(public.join("topics/runway/index.html")).unwrap();
    assert!(!runway.contains("First story"), "{runway}");
    set_terms(&site, "content/news/first.md", "");
    wait_until("the emptied term's page to go", || {
        !public.join("topics/a24").exists()
    });
    assert_watch_equals_clean_build(&site, watch);
}

#[test]
fn serve_answers_term_pages_and_feeds() {
    let site = site_with_terms();
    let server = start(&site, &[]);
    let page = get(server.port, "/topics/runway/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Second story"), "{}", page.body);
    let feed = get(server.port, "/topics/google/atom.xml");
    assert_eq!(feed.status, 200);
    assert!(feed.body.contains("<entry>"), "{}", feed.body);
    assert_eq!(get(server.port, "/guilds/wga/atom.xml").status, 404);
    drop(server);
    let site = paginated_terms("");
    let server = start(&site, &[]);
    let pager = get(server.port, "/topics/runway/page/2/");
    assert_eq!(pager.status, 200);
    assert!(pager.body.contains("<p>First story</p>"), "{}", pager.body);
}
