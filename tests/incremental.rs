//! Incremental rebuilds must give exactly what a clean build gives, after any edits.
//!
//! A long, seeded random sequence of edits, creations, renames and deletions is applied to a
//! real site on disk; after each one the session rebuilds through the same path the watcher uses
//! (changed paths -> `watch::classify` -> `Session::apply`) and the result is compared, byte for
//! byte, with a fresh full build of the same files.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use briefing::build::{Built, Outcome, Reused, Session};
use briefing::config::BuildOptions;
use briefing::watch::{Layout, classify};
use common::TestSite;

/// A small deterministic generator, so a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A template edited so that every page using it changes: inside the content block of a child
/// template (Tera refuses text outside blocks there), at the end of any other.
fn marked(template: &str, step: usize) -> String {
    let mark = format!("{{# edit {step} #}}<!-- {step} -->");
    match template.find("{% endblock content %}") {
        Some(at) => format!("{}{mark}{}", &template[..at], &template[at..]),
        None => format!("{template}{mark}\n"),
    }
}

fn full_build(options: &BuildOptions) -> Outcome {
    Session::start(options.clone()).unwrap().1
}

/// Templates the sequences switch sections and pages to: one reads its section's title, one
/// uses a component from another file, one cannot render a section at all, one lists a
/// paginated section by its paginator.
const EXTRA_TEMPLATES: [(&str, &str); 5] = [
    (
        "alt-page.html",
        "{% extends \"base.html\" %}{% block content %}<article class=\"alt\"><p>In {{ section.title }}</p>{{ <badge label={page.title} /> }}{% for t in page.taxonomies.topics | default(value=[]) %}<a href=\"{{ get_taxonomy_url(kind='topics', name=t) }}\">{{ t }}</a>{% endfor %}{{ page.content | safe }}</article>{% endblock content %}\n",
    ),
    (
        "alt-section.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"alt\">{{ section.title }}</h1><ol>{% for p in section.pages %}<li>{{ p.title }}</li>{% endfor %}</ol>{% set topics = get_taxonomy(kind='topics') %}{% for term in topics.items %}<p>{{ term.name }}: {% for p in term.pages %}{{ p.title }}: {{ p.summary | safe }} {% endfor %}</p>{% endfor %}{% endblock content %}\n",
    ),
    (
        "page-only.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.title }}{% endblock content %}\n",
    ),
    (
        "paged.html",
        "{% extends \"base.html\" %}{% block content %}{{ paginator.current_index }}/{{ paginator.number_pagers }} {{ paginator.previous }} {{ paginator.next }}\
         {% for p in paginator.pages %}<a href=\"{{ p.path }}\">{{ p.title }}</a>{% endfor %}{% endblock content %}\n",
    ),
    (
        "components.html",
        "{% component badge(label) %}<b class=\"badge\">{{ label }}</b>{% endcomponent %}\n",
    ),
];

#[test]
fn random_edit_sequences_match_clean_builds() {
    let mut checked: BTreeMap<Kept, usize> = BTreeMap::new();
    for seed in [0x5eed_u64, 0xb41e_f1e6, 20261124, 7, 0xdead_beef] {
        for (kind, count) in run_sequence(seed, 240) {
            *checked.entry(kind).or_default() += count;
        }
    }
    // What was kept is checked only after these steps: each kind must have come up.
    assert!(
        Kept::ALL
            .iter()
            .all(|kind| checked.get(kind).is_some_and(|&n| n >= 5)),
        "what was kept was checked only this often: {checked:?}"
    );
}

/// A kind of step after which the test knows what a rebuild must keep from the last good build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kept {
    /// One page's body: every other page and section, and the feed and sitemap unless the
    /// summary changed.
    BodyEdit,
    /// A file saved as it was: everything, and nothing is rendered.
    UnchangedSave,
    /// A page added to or removed from a section that stays: every other page, wherever it now
    /// sits in the list, and every other section.
    PageCountChange(isize),
    /// A page's `updated` date: every other page and section.
    PageDate,
    /// A section's `updated` date: every page and every other section.
    SectionDate,
}

impl Kept {
    const ALL: [Kept; 6] = [
        Kept::BodyEdit,
        Kept::UnchangedSave,
        Kept::PageCountChange(1),
        Kept::PageCountChange(-1),
        Kept::PageDate,
        Kept::SectionDate,
    ];
}

/// Runs one sequence; returns how many steps of each kind had what they kept checked.
fn run_sequence(seed: u64, steps: usize) -> BTreeMap<Kept, usize> {
    let site = TestSite::fixture("basic");
    // The sequences move the moment too: both builds must be made as of the same one.
    let mut options = BuildOptions {
        root: site.root.clone(),
        now: Some(desk_moment(2, 12)),
        ..BuildOptions::default()
    };
    for (name, text) in EXTRA_TEMPLATES {
        site.write(&format!("templates/{name}"), text);
    }
    // A shortcode and a call of it, which the shortcode steps edit, add and remove.
    site.write(NOTE, "<span class=\"note\">{{ n }}</span>");
    site.write(
        "content/about/_index.md",
        site.read("content/about/_index.md") + "\n{{ note(n=0) }}\n",
    );
    site.replace(
        "site.toml",
        "publisher = \"Tests\"\n",
        "publisher = \"Tests\"\ntaxonomies = [{ name = \"topics\", feed = true }, { name = \"guilds\" }]\nsocial_cards = false\nprint_edition = false\n",
    );
    // A section that lists every term's pages, and changes with them alone.
    site.replace(
        "content/about/_index.md",
        "title = \"About\"",
        "title = \"About\"\ntemplate = \"alt-section.html\"",
    );
    // Every page and section shows its files, and a listing its pages' files.
    let files = |list: &str| {
        format!("{{% for a in {list} %}}<a href=\"{{{{ a }}}}\">file</a>{{% endfor %}}")
    };
    for (template, shown) in [
        ("templates/page.html", files("page.assets")),
        ("templates/section.html", files("section.assets")),
        (
            "templates/alt-section.html",
            format!(
                "{{% for p in section.pages %}}{}{{% endfor %}}",
                files("p.assets")
            ),
        ),
    ] {
        site.replace(
            template,
            "{% endblock content %}",
            &format!("{shown}{{% endblock content %}}"),
        );
    }
    let (mut session, first) = Session::start(options.clone()).unwrap();
    if let Outcome::Failed(problems) = &first {
        panic!("the first build failed: {}", problems.render(false));
    }
    let layout = Layout::of(session.config().unwrap());
    let mut rng = Rng(seed);
    let mut generated: Vec<String> = Vec::new();
    // Files left broken, with their good text: other edits go on while the build fails.
    let mut broken: Vec<(String, Option<String>)> = Vec::new();
    let is_broken =
        |broken: &[(String, Option<String>)], path: &str| broken.iter().any(|(p, _)| p == path);
    let sections = ["news", "about", "fresh", "zzz"];
    let mut last_succeeded = true;
    let mut successes = 0;
    let mut checked: BTreeMap<Kept, usize> = BTreeMap::new();
    let mut last_good: Option<std::sync::Arc<Built>> = match &first {
        Outcome::Built(built) => Some(std::sync::Arc::clone(built)),
        Outcome::Failed(_) => None,
    };
    for step in 0..steps {
        let mut touched: Vec<String> = Vec::new();
        let mut body_edit_only = false;
        // Known only for steps made from a good, whole site.
        let mut kept: Option<Kept> = None;
        let from_good_site = broken.is_empty() && last_succeeded;
        if !broken.is_empty() && rng.below(3) != 0 {
            // Put back: the good text, or no file at all.
            match broken.remove(rng.below(broken.len())) {
                (path, Some(good)) => {
                    site.write(&path, good);
                    touched.push(path);
                }
                (path, None) => {
                    let _ = std::fs::remove_file(site.path(&path));
                    touched.push(path);
                }
            }
        } else {
            match rng.below(54) {
                0 => {
                    // Now and then a page created by the sequence, alone in its section.
                    let page = match rng.below(3) {
                        0 if !generated.is_empty() => generated[rng.below(generated.len())].clone(),
                        n => ["content/news/first.md", "content/news/second.md"][n % 2].to_string(),
                    };
                    let page = page.as_str();
                    site.write(page, site.read(page) + &format!("\nParagraph {step}.\n"));
                    touched.push(page.into());
                    // A page left out as of the moment (its embargo, its expiry) renders nothing.
                    let relative = page.strip_prefix("content/").unwrap();
                    let published = last_good
                        .as_ref()
                        .is_some_and(|built| built.site.node(relative).is_some());
                    body_edit_only = from_good_site && published;
                    kept = body_edit_only.then_some(Kept::BodyEdit);
                }
                1 => {
                    let page = "content/news/second.md";
                    let text = site.read(page);
                    let title_line = text
                        .lines()
                        .find(|l| l.starts_with("title"))
                        .unwrap()
                        .to_string();
                    site.write(
                        page,
                        text.replacen(&title_line, &format!("title = \"Second story {step}\""), 1),
                    );
                    touched.push(page.into());
                }
                2 => {
                    let section = sections[rng.below(sections.len())];
                    if !site.path(&format!("content/{section}/_index.md")).exists() {
                        site.write(&format!("content/{section}/_index.md"), format!("+++\ntitle = \"{section}\"\nsort_by = \"weight\"\n+++\nSection {section}.\n"));
                        touched.push(format!("content/{section}"));
                    }
                    // `zz-` sorts after every other page: added last, nothing shifts.
                    let name = ["page", "zz"][rng.below(2)];
                    if touched.is_empty() && from_good_site {
                        kept = Some(Kept::PageCountChange(1));
                    }
                    let path = format!("content/{section}/{name}-{step}.md");
                    site.write(&path, format!("+++\ntitle = \"Page {step}\"\nweight = {}\ndate = 2026-11-{:02}\n+++\nBody {step}, see [first](@/news/first.md#details).\n\n## Part {step}\n", rng.below(5), 1 + rng.below(28)));
                    generated.push(path.clone());
                    touched.push(path);
                }
                3 if !generated.is_empty() => {
                    let path = generated.remove(rng.below(generated.len()));
                    std::fs::remove_file(site.path(&path)).unwrap();
                    if from_good_site {
                        kept = Some(Kept::PageCountChange(-1));
                    }
                    touched.push(path);
                }
                4 if !generated.is_empty() => {
                    let index = rng.below(generated.len());
                    let from = generated[index].clone();
                    let name = from.rsplit('/').next().unwrap();
                    let section = if site.path("content/about").is_dir() && rng.below(2) == 0 {
                        "about"
                    } else {
                        "news"
                    };
                    let to = format!("content/{section}/moved-{step}-{name}");
                    std::fs::rename(site.path(&from), site.path(&to)).unwrap();
                    generated[index] = to.clone();
                    touched.extend([from, to]);
                }
                5 => {
                    let template = [
                        "templates/page.html",
                        "templates/base.html",
                        "templates/section.html",
                    ][rng.below(3)];
                    site.write(template, marked(&site.read(template), step));
                    touched.push(template.into());
                }
                6 if !is_broken(&broken, "static/css/site.css") => {
                    site.write(
                        "static/css/site.css",
                        site.read("static/css/site.css") + &format!("/* {step} */\n"),
                    );
                    touched.push("static/css/site.css".into());
                }
                7 => {
                    let path = format!("static/extra-{}.txt", rng.below(3));
                    if site.path(&path).exists() {
                        std::fs::remove_file(site.path(&path)).unwrap();
                    } else {
                        site.write(&path, format!("file {step}"));
                    }
                    touched.push(path);
                }
                8 if !is_broken(&broken, "content/news/first.md") => {
                    let page = "content/news/first.md";
                    let good = site.read(page);
                    site.write(page, good.replacen("+++\n", "+++\ntitle = = broken\n", 1));
                    broken.push((page.into(), Some(good)));
                    touched.push(page.into());
                }
                9 if site.path("content/fresh").is_dir() => {
                    let to = format!("content/renamed-{step}");
                    std::fs::rename(site.path("content/fresh"), site.path(&to)).unwrap();
                    generated = generated
                        .into_iter()
                        .map(|g| g.replacen("content/fresh/", &format!("{to}/"), 1))
                        .collect();
                    touched.extend(["content/fresh".to_string(), to.clone()]);
                    // Half the time it stays renamed: as many subsections as before, one with
                    // another name. Otherwise it is put back within the same step.
                    if rng.below(2) == 0 {
                        std::fs::rename(site.path(&to), site.path("content/fresh")).unwrap();
                        generated = generated
                            .into_iter()
                            .map(|g| g.replacen(&format!("{to}/"), "content/fresh/", 1))
                            .collect();
                    }
                }
                10 => {
                    let sources = "content/sources.toml";
                    site.write(
                        sources,
                        site.read(sources)
                            .replacen(
                                "title = \"The report\"",
                                &format!("title = \"The report {step}\""),
                                1,
                            )
                            .replacen(
                                &format!("title = \"The report {}\"", step.saturating_sub(1)),
                                &format!("title = \"The report {step}\""),
                                1,
                            ),
                    );
                    touched.push(sources.into());
                }
                11 if !is_broken(&broken, "content/news/first.md") => {
                    // Renaming a heading breaks the anchors other pages link to; putting it back
                    // mends them. Only the body changes, so the fast path handles it.
                    let page = "content/news/first.md";
                    let good = site.read(page);
                    site.write(page, good.replacen("## Details", "## Detail", 1));
                    broken.push((page.into(), Some(good)));
                    touched.push(page.into());
                }
                13 => {
                    // A section's templates, order and title: what its pages render with.
                    let page_template = ["", "page_template = \"alt-page.html\"\n"][rng.below(2)];
                    let template = ["", "template = \"alt-section.html\"\n"][rng.below(2)];
                    let sort_by = ["date", "weight", "title"][rng.below(3)];
                    let title =
                        [String::from("News"), format!("News {step}")][rng.below(2)].clone();
                    let path = "content/news/_index.md";
                    // Now and then a template that cannot render a section, until put back.
                    let template = match rng.below(5) {
                        0 if !is_broken(&broken, path) => {
                            broken.push((path.into(), Some(site.read(path))));
                            "template = \"page-only.html\"\n"
                        }
                        _ => template,
                    };
                    site.write(path, format!("+++\ntitle = \"{title}\"\nsort_by = \"{sort_by}\"\n{template}{page_template}+++\nAll the news.\n"));
                    touched.push(path.into());
                }
                14 => {
                    let page = "content/news/second.md";
                    let kept: String = site
                        .read(page)
                        .lines()
                        .filter(|l| !l.starts_with("template ="))
                        .map(|l| format!("{l}\n"))
                        .collect();
                    let template = match rng.below(5) {
                        0 if !is_broken(&broken, page) => {
                            broken.push((page.into(), Some(site.read(page))));
                            "template = \"missing.html\"\n"
                        }
                        1 | 2 => "template = \"alt-page.html\"\n",
                        _ => "",
                    };
                    site.write(page, kept.replacen("+++\n", &format!("+++\n{template}"), 1));
                    touched.push(page.into());
                }
                15 => {
                    let path = "templates/components.html";
                    site.write(path, format!("{{% component badge(label) %}}<b class=\"badge v{step}\">{{{{ label }}}}</b>{{% endcomponent %}}\n"));
                    touched.push(path.into());
                }
                16 => {
                    let path = "templates/alt-page.html";
                    site.write(path, marked(&site.read(path), step));
                    touched.push(path.into());
                }
                17 => {
                    // A file replaced by a directory of the same name, and back.
                    let path = site.path("static/swap");
                    if path.is_dir() {
                        std::fs::remove_dir_all(&path).unwrap();
                        site.write("static/swap", format!("file {step}"));
                    } else {
                        let _ = std::fs::remove_file(&path);
                        site.write("static/swap/inner.txt", format!("inner {step}"));
                    }
                    touched.push("static/swap".into());
                }
                18 => {
                    set_config_line(&site, "title =", &format!("title = \"Fixture {step}\""));
                    touched.push("site.toml".into());
                }
                19 => {
                    // Dates move a page in its listing, the feed and the sitemap.
                    let page = ["content/news/first.md", "content/news/second.md"][rng.below(2)];
                    let text: String = site
                        .read(page)
                        .lines()
                        .map(|l| match l.starts_with("date =") {
                            true => format!(
                                "date = 2026-{:02}-{:02}\n",
                                1 + rng.below(12),
                                1 + rng.below(28)
                            ),
                            false => format!("{l}\n"),
                        })
                        .collect();
                    site.write(page, text);
                    touched.push(page.into());
                }
                20 if !is_broken(&broken, "templates/alt-page.html") => {
                    let path = "templates/alt-page.html";
                    let good = site.read(path);
                    site.write(path, good.clone() + "{% if %}\n");
                    broken.push((path.into(), Some(good)));
                    touched.push(path.into());
                }
                21 if !is_broken(&broken, "templates/alt-section.html") => {
                    // A template in use deleted for a while.
                    let path = "templates/alt-section.html";
                    let good = site.read(path);
                    std::fs::remove_file(site.path(path)).unwrap();
                    broken.push((path.into(), Some(good)));
                    touched.push(path.into());
                }
                22 if !is_broken(&broken, "templates/base.html") => {
                    // A template error that only shows when rendering.
                    let path = "templates/base.html";
                    let good = site.read(path);
                    site.write(
                        path,
                        good.replacen(
                            "{{ config.title }}",
                            "{{ config.title | no_such_filter }}",
                            1,
                        ),
                    );
                    broken.push((path.into(), Some(good)));
                    touched.push(path.into());
                }
                23 if !is_broken(&broken, "static/css/site.css") => {
                    // A file a template asks `get_url` for, gone for a while.
                    let path = "static/css/site.css";
                    let good = site.read(path);
                    std::fs::remove_file(site.path(path)).unwrap();
                    broken.push((path.into(), Some(good)));
                    touched.push(path.into());
                }
                24 if !is_broken(&broken, "content/news/second.md") => {
                    // A root link to a file that comes and goes with edit 7: body-only edits
                    // check only the edited page's links, deletions check them all.
                    let page = "content/news/second.md";
                    let good = site.read(page);
                    let link = " [extra](/extra-0.txt)";
                    site.write(
                        page,
                        good.replacen("A second story", &format!("A second story{link}"), 1),
                    );
                    broken.push((page.into(), Some(good)));
                    touched.push(page.into());
                }
                25 => {
                    // Files that clash with a page (in another case, too), and a robots.txt of
                    // the user's that replaces the generated one.
                    let path = [
                        "static/news/second/index.html",
                        "static/News/First/index.html",
                        "static/robots.txt",
                    ][rng.below(3)];
                    if site.path(path).exists() {
                        std::fs::remove_file(site.path(path)).unwrap();
                    } else {
                        site.write(path, format!("user's {step}"));
                        if !path.ends_with("robots.txt") {
                            broken.push((path.into(), None));
                        }
                    }
                    touched.push(path.into());
                }
                26 => {
                    // A slug moves a page that another page links to with `@/`.
                    let page = "content/news/second.md";
                    let text = site.read(page);
                    let slug = "slug = \"second-story\"\n";
                    let toggled = match text.contains(slug) {
                        true => text.replacen(slug, "", 1),
                        false => text.replacen("+++\n", &format!("+++\n{slug}"), 1),
                    };
                    site.write(page, toggled);
                    touched.push(page.into());
                }
                27 | 28 => {
                    // `updated` on a page and on a section: the feed's and sitemap's dates.
                    let path = ["content/news/first.md", "content/about/_index.md"][rng.below(2)];
                    let others: String = site
                        .read(path)
                        .lines()
                        .filter(|l| !l.starts_with("updated ="))
                        .map(|l| format!("{l}\n"))
                        .collect();
                    let updated = match rng.below(3) {
                        0 => String::new(),
                        n => format!("updated = 2026-12-{:02}\n", n + rng.below(20)),
                    };
                    let before = site.read(path);
                    let after = others.replacen("+++\n", &format!("+++\n{updated}"), 1);
                    // A later correction decides `updated` whatever is written: no expectation.
                    let corrected = before.contains("corrections =");
                    kept = (from_good_site && !corrected).then_some(
                        match (before == after, path.ends_with("_index.md")) {
                            (true, _) => Kept::UnchangedSave,
                            (false, false) => Kept::PageDate,
                            (false, true) => Kept::SectionDate,
                        },
                    );
                    site.write(path, after);
                    touched.push(path.into());
                }
                35 | 36 => {
                    // A page's terms: added, changed (in another case too: one term) or removed.
                    let page = match rng.below(3) {
                        0 if !generated.is_empty() => generated[rng.below(generated.len())].clone(),
                        n => ["content/news/first.md", "content/news/second.md"][n % 2].to_string(),
                    };
                    if !is_broken(&broken, &page) && site.path(&page).exists() {
                        let terms = [
                            "",
                            "taxonomies = { topics = [\"A24\"] }\n",
                            "taxonomies = { topics = [\"a24\", \"Runway\"] }\n",
                            "taxonomies = { topics = [\"Google\"], guilds = [\"WGA\"] }\n",
                        ][rng.below(4)];
                        let others: String = site
                            .read(&page)
                            .lines()
                            .filter(|l| !l.starts_with("taxonomies ="))
                            .map(|l| format!("{l}\n"))
                            .collect();
                        site.write(&page, others.replacen("+++\n", &format!("+++\n{terms}"), 1));
                        touched.push(page);
                    }
                }
                37 => {
                    // A term without letters, or a taxonomy site.toml does not declare.
                    let page = "content/news/second.md";
                    if !is_broken(&broken, page) {
                        let good = site.read(page);
                        let bad = [
                            "taxonomies = { topics = [\"!!!\"] }\n",
                            "taxonomies = { topcs = [\"A24\"] }\n",
                        ][rng.below(2)];
                        let others: String = good
                            .lines()
                            .filter(|l| !l.starts_with("taxonomies ="))
                            .map(|l| format!("{l}\n"))
                            .collect();
                        site.write(page, others.replacen("+++\n", &format!("+++\n{bad}"), 1));
                        broken.push((page.into(), Some(good)));
                        touched.push(page.into());
                    }
                }
                38 if rng.below(2) == 0 => {
                    // Term pages paginated by one or two pages a pager, or not at all: pagers
                    // come and go with the terms' pages.
                    let paginated = ["", ", paginate_by = 1", ", paginate_by = 2"][rng.below(3)];
                    let line = format!(
                        "taxonomies = [{{ name = \"topics\", feed = true{paginated} }}, {{ name = \"guilds\" }}]"
                    );
                    set_config_line(&site, "taxonomies =", &line);
                    touched.push("site.toml".into());
                }
                38 => {
                    // The taxonomy's own template, beside the generic one briefing falls back on;
                    // it lists its pager's pages when the taxonomy is paginated.
                    let path = "templates/topics/single.html";
                    if site.path(path).exists() {
                        std::fs::remove_file(site.path(path)).unwrap();
                    } else {
                        site.write(path, format!("<h1>{{{{ term.name }}}} {step}</h1>{{% for p in term.pages %}}<p>{{{{ p.title }}}}: {{{{ p.summary | safe }}}}</p>{{% endfor %}}{{% if paginator is defined %}}<nav>{{{{ paginator.current_index }}}}/{{{{ paginator.number_pagers }}}}{{% for p in paginator.pages %}} {{{{ p.title }}}}{{% endfor %}}</nav>{{% endif %}}"));
                    }
                    touched.push(path.into());
                }
                29 => {
                    let page = "content/about/_index.md";
                    site.write(page, site.read(page) + &format!("\nAbout {step}.\n"));
                    touched.push(page.into());
                }
                41..=44 => bundle_step(&site, &mut rng, step, &mut touched),
                49 if !is_broken(&broken, "content/news/_index.md") => {
                    // Fields the section requires of its pages' [extra]: its pages lack them, and
                    // the build fails until the declaration is taken back.
                    let path = "content/news/_index.md";
                    let good = site.read(path);
                    let fields =
                        ["extra_fields = [\"kind\"]\n", "extra_fields = []\n"][rng.below(2)];
                    site.write(path, good.replacen("+++\n", &format!("+++\n{fields}"), 1));
                    broken.push((path.into(), Some(good)));
                    touched.push(path.into());
                }
                31..=34 => shortcode_step(
                    &site,
                    &mut rng,
                    step,
                    &mut ShortcodeEdit {
                        broken: &mut broken,
                        touched: &mut touched,
                        generated: &generated,
                    },
                ),
                39 | 40 => routes_step(&site, &mut rng, &mut broken, &mut touched),
                45 => desk_step(&site, &mut rng, &mut broken, &generated, &mut touched),
                52 => {
                    // The print edition on or off: /print/ holds every page's text, so every
                    // other step then changes it too.
                    let line = ["print_edition = false", "print_edition = true"][rng.below(2)];
                    set_config_line(&site, "print_edition =", line);
                    touched.push("site.toml".into());
                }
                53 => {
                    // The site's own print.html, or briefing's built-in one.
                    let path = "templates/print.html";
                    if site.path(path).exists() {
                        std::fs::remove_file(site.path(path)).unwrap();
                    } else {
                        site.write(path, format!("<h1>Print {step}</h1>{{% for doc in print.documents %}}<section id=\"{{{{ doc.id }}}}\" data-print-doc><h2 id=\"t\">{{{{ doc.number }}}} {{{{ doc.item.title }}}}</h2>{{{{ doc.item.content | safe }}}}</section>{{% endfor %}}"));
                    }
                    touched.push(path.into());
                }
                46 => {
                    // Only the moment moves: pages come out of embargo or expire, no file changes.
                    options.now = Some(desk_moment(rng.below(6), rng.below(24)));
                    session.set_now(options.now.clone());
                }
                47 => {
                    // A page's corrections added, edited, removed, or written wrong (no note):
                    // its page, section, feed entry, sitemap and /corrections/ follow.
                    let page = match rng.below(3) {
                        0 if !generated.is_empty() => generated[rng.below(generated.len())].clone(),
                        n => ["content/news/first.md", "content/news/second.md"][n % 2].to_string(),
                    };
                    if !is_broken(&broken, &page) && site.path(&page).exists() {
                        let good = site.read(&page);
                        let others: String = good
                            .lines()
                            .filter(|l| !l.starts_with("corrections ="))
                            .map(|l| format!("{l}\n"))
                            .collect();
                        let corrections = match rng.below(4) {
                            0 => String::new(),
                            1 => format!(
                                "corrections = [{{ date = 2026-11-{:02}, note = \"Fix {step}.\" }}]\n",
                                1 + rng.below(28)
                            ),
                            2 => format!(
                                "corrections = [{{ date = 2026-12-01, note = \"A.\" }}, {{ date = 2026-11-{:02}, note = \"B {step}.\" }}]\n",
                                1 + rng.below(28)
                            ),
                            _ => "corrections = [{ date = 2026-11-02 }]\n".to_string(),
                        };
                        if !corrections.is_empty() && !corrections.contains("note") {
                            broken.push((page.clone(), Some(good)));
                        }
                        site.write(
                            &page,
                            others.replacen("+++\n", &format!("+++\n{corrections}"), 1),
                        );
                        touched.push(page);
                    }
                }
                48 => {
                    // The site's own corrections page template, or briefing's built-in one.
                    let path = "templates/corrections.html";
                    if site.path(path).exists() && rng.below(2) == 0 {
                        std::fs::remove_file(site.path(path)).unwrap();
                    } else {
                        site.write(path, format!("{{% extends \"base.html\" %}}{{% block content %}}{step}{{% for c in corrections %}}<p>{{{{ c.date }}}} {{{{ c.page.title }}}}: {{{{ c.note }}}}</p>{{% endfor %}}{{% endblock content %}}"));
                    }
                    touched.push(path.into());
                }
                50 => {
                    // A file no page links to comes or goes: beside a section's `_index.md`, in
                    // `section.assets`, or in the trip's folder, in `page.assets` if a bundle.
                    let path = [
                        "content/news/map.txt",
                        "content/about/notes.txt",
                        "content/news/trip/notes.txt",
                    ][rng.below(3)];
                    match site.path(path).exists() {
                        true => std::fs::remove_file(site.path(path)).unwrap(),
                        false => site.write(path, format!("file {step}")),
                    }
                    touched.push(path.into());
                }
                51 => {
                    // Social cards on and off: every page's card.png comes and goes with them,
                    // and while on, a title edit redraws its card.
                    let on = rng.below(2) == 0;
                    set_config_line(&site, "social_cards =", &format!("social_cards = {on}"));
                    touched.push("site.toml".into());
                }
                _ => {
                    // Saved without a change: nothing is made again, everything is kept.
                    let path = [
                        "content/news/first.md",
                        "content/about/_index.md",
                        "templates/base.html",
                        "static/css/site.css",
                    ][rng.below(4)];
                    if let Ok(bytes) = std::fs::read(site.path(path)) {
                        std::fs::write(site.path(path), bytes).unwrap();
                        kept = from_good_site.then_some(Kept::UnchangedSave);
                    }
                    touched.push(path.into());
                }
            }
        }
        let paths: Vec<PathBuf> = touched
            .iter()
            .map(|t| std::path::absolute(site.path(t)).unwrap())
            .collect();
        let changes = classify(&paths, &layout);
        let incremental = session.apply(&changes).unwrap();
        let clean = full_build(&options);
        last_succeeded = matches!(incremental, Outcome::Built(_));
        successes += usize::from(last_succeeded);
        match (&incremental, &clean) {
            (Outcome::Built(a), Outcome::Built(b)) => {
                // Reuse must happen, not only give the right output: a body edit renders one page.
                assert!(
                    !body_edit_only || a.rendered_pages == 1,
                    "seed {seed:#x} step {step}: a body edit rendered {} pages",
                    a.rendered_pages
                );
                if let Some(kind) = kept
                    && let Some(expected) = expected_reuse(a, last_good.as_deref(), kind)
                {
                    assert_eq!(
                        a.reused, expected,
                        "seed {seed:#x} step {step}: after touching {touched:?} ({kind:?}), what was kept"
                    );
                    assert!(
                        kind != Kept::UnchangedSave || a.rendered == 0,
                        "seed {seed:#x} step {step}: saving {touched:?} unchanged rendered {}",
                        a.rendered
                    );
                    *checked.entry(kind).or_default() += 1;
                }
                last_good = Some(std::sync::Arc::clone(a));
                if a.output != b.output {
                    let differing: Vec<&str> = b
                        .output
                        .iter()
                        .filter(|(k, v)| a.output.get(k) != Some(v))
                        .map(|(k, _)| k.as_str())
                        .chain(
                            a.output
                                .paths()
                                .map(|k| k.as_str())
                                .filter(|k| !b.output.contains(k)),
                        )
                        .collect();
                    panic!(
                        "seed {seed:#x} step {step}: after touching {touched:?}, these outputs differ from a clean build: {differing:?}"
                    );
                }
            }
            (Outcome::Failed(a), Outcome::Failed(b)) => {
                assert_eq!(a, b, "seed {seed:#x} step {step}: different errors")
            }
            _ => panic!(
                "seed {seed:#x} step {step}: incremental and clean builds disagree on success after {touched:?}"
            ),
        }
    }
    // Most steps must build, or the sequence would test little but error reporting.
    assert!(
        successes * 2 > steps,
        "seed {seed:#x}: only {successes} of {steps} steps built"
    );
    checked
}

/// A moment of the few days the desk steps play in: `day` days and `hour` hours after
/// 2026-11-28 (UTC).
fn desk_moment(day: usize, hour: usize) -> String {
    let span = jiff::Span::new().days(day as i64).hours(hour as i64);
    let moment = jiff::civil::date(2026, 11, 28)
        .at(0, 0, 0, 0)
        .checked_add(span);
    format!("{}Z", moment.unwrap())
}

/// A page's embargo, expiry and review dates set afresh (each perhaps absent), around the
/// moments the sequence builds at: the page comes and goes as the moment moves.
fn desk_step(
    site: &TestSite,
    rng: &mut Rng,
    broken: &mut Vec<(String, Option<String>)>,
    generated: &[String],
    touched: &mut Vec<String>,
) {
    let page = match rng.below(3) {
        0 | 1 if !generated.is_empty() => generated[rng.below(generated.len())].clone(),
        n => ["content/news/first.md", "content/news/second.md"][n % 2].to_string(),
    };
    if broken.iter().any(|(p, _)| *p == page) || !site.path(&page).exists() {
        return;
    }
    let keys = [
        "publish_date =",
        "expiry_date =",
        "reviewed =",
        "review_by =",
    ];
    let others: String = site
        .read(&page)
        .lines()
        .filter(|l| !keys.iter().any(|k| l.starts_with(k)))
        .map(|l| format!("{l}\n"))
        .collect();
    // Other pages link to first.md and second.md: while either is left out, their builds fail
    // (as they must), so that is made seldom; the sequence's own pages come and go freely.
    let odds = if generated.contains(&page) { 2 } else { 8 };
    let mut lines = String::new();
    if rng.below(odds) == 0 {
        lines += &format!(
            "publish_date = {}\n",
            desk_moment(rng.below(3), rng.below(24))
        );
    }
    if rng.below(odds + 1) == 0 {
        // Always after any publish_date: the order the front matter refuses is not this test's.
        lines += &format!(
            "expiry_date = {}\n",
            desk_moment(3 + rng.below(3), rng.below(24))
        );
    }
    if rng.below(2) == 0 {
        lines += "reviewed = 2026-11-01\nreview_by = 2026-11-30\n";
    }
    let before = site.read(&page);
    site.write(&page, others.replacen("+++\n", &format!("+++\n{lines}"), 1));
    // Left out at some moments, first.md and second.md break the pages linking to them: put
    // back like any other breaking edit, or the sequence would spend most steps failing.
    if !generated.contains(&page) && lines.contains("_date =") {
        broken.push((page.clone(), Some(before)));
    }
    touched.push(page);
}

const NOTE: &str = "templates/shortcodes/note.html";
const MORE: &str = "templates/shortcodes/more.md";
const FIGURE: &str = "templates/shortcodes/figure.html";

/// What a shortcode step changes of a sequence's state.
struct ShortcodeEdit<'a> {
    broken: &'a mut Vec<(String, Option<String>)>,
    touched: &'a mut Vec<String>,
    generated: &'a [String],
}

/// A shortcode template edited, added or removed (the built-in `figure` overridden or not), or
/// a call of one added to a page: every page that calls it, and only those, must change.
fn shortcode_step(site: &TestSite, rng: &mut Rng, step: usize, edit: &mut ShortcodeEdit<'_>) {
    let is_broken =
        |broken: &[(String, Option<String>)], path: &str| broken.iter().any(|(p, _)| p == path);
    match rng.below(4) {
        0 if !is_broken(edit.broken, NOTE) => {
            if rng.below(3) == 0 {
                // Gone for a while: its calls are unknown shortcodes.
                edit.broken.push((NOTE.into(), Some(site.read(NOTE))));
                std::fs::remove_file(site.path(NOTE)).unwrap();
            } else {
                site.write(
                    NOTE,
                    format!("<span class=\"note v{step}\">{{{{ n }}}}</span>"),
                );
            }
            edit.touched.push(NOTE.into());
        }
        1 if !is_broken(edit.broken, MORE) => {
            // A Markdown shortcode whose output links to a heading of another page; once
            // pages call it, removing it breaks them until it is put back.
            if site.path(MORE).exists() && rng.below(2) == 0 {
                edit.broken.push((MORE.into(), Some(site.read(MORE))));
                std::fs::remove_file(site.path(MORE)).unwrap();
            } else {
                let text = format!("More {step}, see [details](@/news/first.md#details).\n");
                site.write(MORE, text);
            }
            edit.touched.push(MORE.into());
        }
        2 => {
            match site.path(FIGURE).exists() {
                true => std::fs::remove_file(site.path(FIGURE)).unwrap(),
                false => site.write(
                    FIGURE,
                    format!("<img class=\"v{step}\" src=\"{{{{ src }}}}\">"),
                ),
            }
            edit.touched.push(FIGURE.into());
        }
        _ => {
            let mut pages = vec!["content/news/second.md".to_string()];
            pages.extend(edit.generated.iter().cloned());
            let page = pages[rng.below(pages.len())].clone();
            let call = match rng.below(3) {
                0 => format!("{{{{ note(n={step}) }}}}"),
                1 if site.path(MORE).exists() => "{{ more() }}".to_string(),
                _ => format!("{{{{ figure(src=\"/css/site.css\", alt=\"{step}\") }}}}"),
            };
            site.write(&page, site.read(&page) + &format!("\n{call}\n"));
            edit.touched.push(page);
        }
    }
}

/// What a step of `kind` must keep from the last good build; `None` where the site changed in
/// a way the step did not foresee (a page count that moved otherwise, say).
fn expected_reuse(built: &Built, previous: Option<&Built>, kind: Kept) -> Option<Reused> {
    let previous = previous?;
    let (pages, sections) = (built.site.pages.len(), built.site.sections.len());
    let same_summaries = || {
        built
            .site
            .pages
            .iter()
            .zip(&previous.site.pages)
            .all(|(a, b)| a.rendered.summary == b.rendered.summary)
    };
    let (page_values, section_values, feed_and_sitemap) = match kind {
        Kept::UnchangedSave => (pages, sections, true),
        Kept::BodyEdit => (pages - 1, sections - 1, same_summaries()),
        Kept::PageCountChange(change) => {
            if pages as isize != previous.site.pages.len() as isize + change {
                return None;
            }
            (previous.site.pages.len().min(pages), sections - 1, false)
        }
        Kept::PageDate => (pages - 1, sections - 1, false),
        Kept::SectionDate => (pages, sections - 1, false),
    };
    Some(Reused {
        page_values,
        section_values,
        feed_and_sitemap,
        // Which cards a step keeps is src/build/tests.rs's to check; here, only that the
        // output equals a clean build's.
        cards: built.reused.cards,
    })
}

/// Applies the given edited paths as the watcher would and returns the outcome.
fn apply(session: &mut Session, site: &TestSite, touched: &[&str]) -> Outcome {
    let layout = Layout::of(session.config().unwrap());
    let paths: Vec<PathBuf> = touched
        .iter()
        .map(|t| std::path::absolute(site.path(t)).unwrap())
        .collect();
    session.apply(&classify(&paths, &layout)).unwrap()
}

#[test]
fn template_edits_made_while_the_build_fails_are_not_forgotten() {
    let site = TestSite::fixture("basic");
    let options = BuildOptions {
        root: site.root.clone(),
        ..BuildOptions::default()
    };
    let (mut session, first) = Session::start(options.clone()).unwrap();
    assert!(matches!(first, Outcome::Built(_)));
    let page = "content/news/first.md";
    let good = site.read(page);
    site.write(page, good.replacen("+++\n", "+++\ntitle = = broken\n", 1));
    assert!(matches!(
        apply(&mut session, &site, &[page]),
        Outcome::Failed(_)
    ));
    site.replace("templates/base.html", "<main>", "<main class=\"edited\">");
    assert!(matches!(
        apply(&mut session, &site, &["templates/base.html"]),
        Outcome::Failed(_)
    ));
    site.write(page, good);
    let Outcome::Built(built) = apply(&mut session, &site, &[page]) else {
        panic!("the fixed site must build")
    };
    let pages: Vec<&str> = built
        .output
        .paths()
        .map(|p| p.as_str())
        .filter(|p| p.ends_with("index.html"))
        // Rendered with briefing's built-in template (the fixture has no corrections.html),
        // which does not extend base.html.
        .filter(|p| *p != "corrections/index.html")
        .collect();
    assert!(pages.len() > 3);
    for path in pages {
        let html = String::from_utf8_lossy(built.output.get(path).unwrap());
        assert!(
            html.contains("<main class=\"edited\">"),
            "{path} misses the edit"
        );
    }
}

/// An alias added or taken away, on a page or a section (one takes a page's URL, which fails
/// the build until it goes); or the news paginated by one to three pages a pager (listed by a
/// template that shows the paginator), or not; or the About section redirecting.
fn routes_step(
    site: &TestSite,
    rng: &mut Rng,
    broken: &mut Vec<(String, Option<String>)>,
    touched: &mut Vec<String>,
) {
    let is_broken =
        |broken: &[(String, Option<String>)], path: &str| broken.iter().any(|(p, _)| p == path);
    if rng.below(2) == 0 {
        // Each file's own old URLs, or the second story's URL, which fails the build.
        let (path, old) = [
            ("content/news/first.md", ["/old-first/", "/old-first.html"]),
            (
                "content/about/_index.md",
                ["/old-about/", "/old-about.html"],
            ),
        ][rng.below(2)];
        if !is_broken(broken, path) {
            let text = site.read(path);
            let written = text.lines().find(|l| l.starts_with("aliases ="));
            let alias = [old[0], old[1], "/news/second/"][rng.below(3)];
            let toggled = match written {
                Some(line) => text.replacen(&format!("{line}\n"), "", 1),
                None => text.replacen("+++\n", &format!("+++\naliases = [\"{alias}\"]\n"), 1),
            };
            if written.is_none() && alias == "/news/second/" {
                broken.push((path.into(), Some(text)));
            }
            site.write(path, toggled);
            touched.push(path.into());
        }
    } else {
        let (path, field) = match rng.below(3) {
            0 => (
                "content/about/_index.md",
                "redirect_to = \"/news/\"\n".to_string(),
            ),
            n => (
                "content/news/_index.md",
                format!(
                    "paginate_by = {}\npaginate_reversed = {}\ntemplate = \"paged.html\"\n",
                    1 + rng.below(3),
                    n == 2
                ),
            ),
        };
        if !is_broken(broken, path) {
            let text = site.read(path);
            let others: String = text
                .lines()
                .filter(|l| {
                    !["paginate_", "redirect_to", "template ="]
                        .iter()
                        .any(|k| l.starts_with(k))
                })
                .map(|l| format!("{l}\n"))
                .collect();
            let toggled = match text.contains("paginate_by") || text.contains("redirect_to") {
                true => others,
                false => others.replacen("+++\n", &format!("+++\n{field}"), 1),
            };
            site.write(path, toggled);
            touched.push(path.into());
        }
    }
}
const TRIP_PAGE: &str = "content/news/trip.md";
const TRIP_BUNDLE: &str = "content/news/trip/index.md";
/// The assets of the trip's folder, each present or not: an image, a file renamed back and
/// forth, and one in a folder of its own.
const TRIP_ASSETS: [(&str, &str); 3] = [
    ("content/news/trip/still.png", "content/news/trip/still.png"),
    ("content/news/trip/deck.pdf", "content/news/trip/Deck 2.pdf"),
    (
        "content/news/trip/img/map.png",
        "content/news/trip/img/map.png",
    ),
];

/// A page bundle and its files: `news/trip.md` turned into `news/trip/index.md` and back, an
/// asset added, removed or renamed, a relative link to each written in the page. A link to a
/// file that is not there fails both builds alike.
/// Replaces the line of `site.toml` that starts with `key` by `line`.
fn set_config_line(site: &TestSite, key: &str, line: &str) {
    let text: String = site
        .read("site.toml")
        .lines()
        .map(|l| match l.starts_with(key) {
            true => format!("{line}\n"),
            false => format!("{l}\n"),
        })
        .collect();
    site.write("site.toml", text);
}

fn bundle_step(site: &TestSite, rng: &mut Rng, step: usize, touched: &mut Vec<String>) {
    let bundled = site.path(TRIP_BUNDLE).exists();
    match rng.below(3) {
        0 => {
            // The page moves between the two forms, its links written for where it now is.
            let (from, to) = match bundled {
                true => (TRIP_BUNDLE, TRIP_PAGE),
                false => (TRIP_PAGE, TRIP_BUNDLE),
            };
            let _ = std::fs::remove_file(site.path(from));
            site.write(to, trip_text(site, to == TRIP_BUNDLE, step));
            touched.extend([from.to_string(), to.to_string()]);
        }
        1 => {
            let (a, b) = TRIP_ASSETS[rng.below(TRIP_ASSETS.len())];
            match (site.path(a).exists(), site.path(b).exists()) {
                (true, _) if a != b && rng.below(2) == 0 => {
                    std::fs::rename(site.path(a), site.path(b)).unwrap()
                }
                (true, _) => std::fs::remove_file(site.path(a)).unwrap(),
                (false, true) => std::fs::rename(site.path(b), site.path(a)).unwrap(),
                (false, false) => site.write(a, format!("asset {step}")),
            }
            touched.extend([a.to_string(), b.to_string()]);
            // Mostly the page follows at once; otherwise its links are broken until it does.
            let page = if bundled { TRIP_BUNDLE } else { TRIP_PAGE };
            if site.path(page).exists() && rng.below(4) != 0 {
                site.write(page, trip_text(site, bundled, step));
                touched.push(page.into());
            }
        }
        _ => {
            // The page written again, linking to whatever assets are there now (or not), and
            // sometimes as a draft, whose bundle's files are left out with it.
            let page = if bundled { TRIP_BUNDLE } else { TRIP_PAGE };
            let text = trip_text(site, bundled, step);
            let text = match rng.below(3) {
                0 => text.replacen("+++\n", "+++\ndraft = true\n", 1),
                _ => text,
            };
            site.write(page, text);
            touched.push(page.into());
        }
    }
}

/// The trip page, linking relatively to its section's first page and to the assets of its
/// folder that exist now: from `news/` as `trip.md`, from `news/trip/` as a bundle.
fn trip_text(site: &TestSite, bundled: bool, step: usize) -> String {
    let (up, into) = if bundled { ("../", "") } else { ("", "trip/") };
    let mut text = format!(
        "+++\ntitle = \"Trip {step}\"\n+++\nAfter [the first story]({up}first.md#details).\n"
    );
    for (a, b) in TRIP_ASSETS {
        for asset in [a, b] {
            if site.path(asset).exists() {
                let name = asset.strip_prefix("content/news/trip/").unwrap();
                let name = name.replace(' ', "%20");
                text.push_str(&format!("\n![{name}]({into}{name})\n"));
            }
        }
    }
    text
}
