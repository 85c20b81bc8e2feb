//! How a listing is split over pagers, written the same way in a section's front matter and in
//! a taxonomy of `site.toml` (`paginate_by`, `paginate_path`), and checked the same way.

use crate::paths::{SitePath, slugify};

/// How a listing (a section's pages, a taxonomy term's) is split over pagers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub by: usize,
    /// The URL segment before a pager's number: `page` in `/news/page/2/`.
    pub path: String,
    pub reversed: bool,
}

/// The pagination path when none is written, as in Zola.
pub const DEFAULT_PAGINATE_PATH: &str = "page";

pub const PAGINATE_BY_HINT: &str =
    "set paginate_by to the number of pages each pager lists, e.g. paginate_by = 10, or remove it";

pub const PAGINATE_PATH_HINT: &str = "a pagination path is one URL segment of letters, digits and hyphens, e.g. paginate_path = \"page\"";

impl Pagination {
    /// How many pagers a listing of `listed` pages takes: one even when it is empty, so that
    /// the listing's own URL is always a page.
    pub fn pagers(&self, listed: usize) -> usize {
        listed.div_ceil(self.by).max(1)
    }

    /// The site path of pager `number` of the listing published at `first`: `news/page/2/`.
    pub fn pager_path(&self, first: &SitePath, number: usize) -> SitePath {
        SitePath::new(format!("{first}{}/{number}/", self.path))
    }
}

/// `paginate_by` as written, or why a pager could not hold it.
pub fn checked_paginate_by(written: i64) -> Result<usize, String> {
    match usize::try_from(written) {
        Ok(by) if by > 0 => Ok(by),
        _ => Err(format!(
            "paginate_by is {written}: a pager must hold at least one page"
        )),
    }
}

/// `paginate_path` as written, or why it is not one URL segment.
pub fn checked_paginate_path(written: &str) -> Result<String, String> {
    if !written.is_empty() && slugify(written) == written {
        Ok(written.to_string())
    } else {
        Err(format!(
            "the pagination path `{written}` is not one URL segment of lower-case letters, digits and hyphens"
        ))
    }
}
