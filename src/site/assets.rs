//! The files of `content/` that are not Markdown, by the page or section they belong to, as
//! Zola hands them to templates (`page.assets`, `section.assets`): a page bundle has every file
//! under its folder; a section the files beside its `_index.md` (a sub-folder's belong to that
//! folder's bundle or section, if it is one).

use super::{Node, Site};
use crate::paths::{ContentPath, parent_dir};

impl Site {
    /// Gives each page and section the URLs of its files (base path included, sorted), from
    /// every published file of `content/`, as paths relative to it.
    pub fn attach_assets<'a>(&mut self, content_files: impl IntoIterator<Item = &'a str>) {
        self.pages.iter_mut().for_each(|p| p.assets.clear());
        self.sections.iter_mut().for_each(|s| s.assets.clear());
        for relative in content_files {
            let Some(owner) = self.owner_of(relative) else {
                continue;
            };
            let key = ContentPath::new(relative.to_string()).published_key();
            let url = self.config.url_path(&key.site_path());
            match owner {
                Node::Page(i) => self.pages[i].assets.push(url),
                Node::Section(i) => self.sections[i].assets.push(url),
            }
        }
        self.pages.iter_mut().for_each(|p| p.assets.sort());
        self.sections.iter_mut().for_each(|s| s.assets.sort());
    }

    /// The page bundle `relative` is in, at any depth, else the section whose folder it is in.
    fn owner_of(&self, relative: &str) -> Option<Node> {
        let dir = parent_dir(relative);
        let mut at = dir;
        while !at.is_empty() {
            if let Some(page @ Node::Page(_)) = self.node(&format!("{at}/index.md")) {
                return Some(page);
            }
            at = parent_dir(at);
        }
        let section_file = match dir {
            "" => "_index.md".to_string(),
            dir => format!("{dir}/_index.md"),
        };
        self.node(&section_file)
            .filter(|node| matches!(node, Node::Section(_)))
    }
}
