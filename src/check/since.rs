//! `check --since GIT_REF`: pages whose body changed since a commit with nothing to tell
//! readers so, neither a new `[[corrections]]` entry nor a later `updated`.
//!
//! Git is asked through its own program (`git diff`, `git show`): every machine with a
//! repository has it, it reads every repository format and setting the editor's own commands do,
//! and a library that does (gix) would add well over a hundred crates to the build for two
//! questions.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use anyhow::Context as _;

use super::rules;
use crate::content::{self, Document};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown;
use crate::site::Site;

/// Every page of `site` whose body differs from its text at `reference` while its corrections
/// and `updated` do not say so. Not being in git, or a `reference` git does not know, is the
/// user's mistake (a diagnostic); only a missing or failing `git` program is an error.
pub(super) fn unmarked_changes(site: &Site, reference: &str) -> anyhow::Result<Diagnostics> {
    let root = site.config.root.as_path();
    let mut diagnostics = Diagnostics::new();
    let commit = match commit_of(root, reference)? {
        Ok(commit) => commit,
        Err(problem) => {
            diagnostics.push(problem);
            return Ok(diagnostics);
        }
    };
    let changed = changed_content(root, &commit)?;
    for page in &site.pages {
        let doc = &page.doc;
        let in_root = format!("content/{}", doc.relative_path);
        // A moved file (a page made a bundle, say) is compared with its text before the move.
        let Some(was) = changed.get(&in_root) else {
            continue;
        };
        // A page new since `reference` is not a change to one readers saw.
        let Some(old_text) = file_at(root, &commit, was)? else {
            continue;
        };
        let current = std::fs::read(root.join(&in_root))
            .with_context(|| format!("cannot read {}", doc.display_path))?;
        let Ok(current) =
            content::parse_document(doc.relative_path.as_str(), &doc.display_path, current)
        else {
            continue;
        };
        if let Some(at) = unmarked(&current, &old_text) {
            diagnostics.push(
                rules::UNMARKED_CHANGE
                    .diagnostic(
                        &doc.display_path,
                        format!("the text of this page changed since `{reference}`, with no new correction and no later `updated`"),
                    )
                    .in_text(&current.text, at..at)
                    .hint("if the change corrects a mistake, add a [[corrections]] entry (date, note) to the front matter; if it only adds or updates, set updated to the day of the change"),
            );
        }
    }
    Ok(diagnostics)
}

/// Where `current`'s body first differs from the body of `old_text` (its text at the reference)
/// as a reader sees it, when nothing in its front matter marks the change; `None` when the body
/// reads the same (line endings, wrapping and spaces aside) or the change is marked.
fn unmarked(current: &Document, old_text: &[u8]) -> Option<usize> {
    let old_text = String::from_utf8_lossy(old_text);
    let old = content::parse_document(
        current.relative_path.as_str(),
        &current.display_path,
        old_text.as_bytes().to_vec(),
    )
    .ok();
    let old_body = match &old {
        Some(old) => old.body(),
        // Front matter that did not parse then: its body is what follows the fences, if any.
        None => content::front_matter::split(&current.display_path, &old_text)
            .map_or(&old_text[..], |split| &old_text[split.body]),
    };
    // What a reader sees: line endings, wrapping and spaces are no change.
    let first_change = markdown::reading::first_visible_difference(current.body(), old_body)?;
    let (old_updated, old_corrections) = match &old {
        Some(old) => (old.updated.as_ref(), old.corrections.as_slice()),
        None => (None, &[][..]),
    };
    let corrected = current
        .corrections
        .iter()
        .any(|correction| !old_corrections.contains(correction));
    let later = current.updated.as_ref() > old_updated;
    if corrected || later {
        return None;
    }
    Some(current.split.body.start + first_change)
}

/// The commit `reference` names, as the hash every later git command is given (so that nothing
/// the user wrote reaches git as an option); or why there is none: the site is not in a git
/// work tree, or git knows no commit by that name.
fn commit_of(root: &Path, reference: &str) -> anyhow::Result<Result<String, Diagnostic>> {
    let inside = git(root, &["rev-parse", "--is-inside-work-tree"])?;
    if !inside.status.success() {
        return Ok(Err(
            Diagnostic::error(
                root.display().to_string(),
                "`check --since` compares with git, and this site is not in a git repository",
            )
            .hint("run `git init` and commit the site to compare later edits with it, or leave out --since"),
        ));
    }
    let commit = format!("{reference}^{{commit}}");
    // A reference written as an option (`--output=x`) names no commit either: rev-parse refuses
    // it as it refuses any unknown name, and later commands are given the hash.
    let known = git(root, &["rev-parse", "--verify", "--quiet", &commit])?;
    let hash = Some(known)
        .filter(|known| known.status.success())
        .map(|known| String::from_utf8_lossy(&known.stdout).trim().to_string());
    let Some(hash) = hash else {
        return Ok(Err(
            Diagnostic::error(
                root.display().to_string(),
                format!("git knows no commit `{reference}` in this repository"),
            )
            .hint("name a branch, a tag or a commit, e.g. --since main or --since HEAD~1 (`git log --oneline` lists them)"),
        ));
    };
    Ok(Ok(hash))
}

/// The files under `content/` that differ between `commit` and the working tree, relative to
/// the site root, each with the path it had at `commit` (another one when git sees a rename).
fn changed_content(root: &Path, commit: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let diff = git(
        root,
        &[
            "diff",
            "--name-status",
            "--relative",
            "-z",
            "--find-renames",
            commit,
            "--",
            "content",
        ],
    )?;
    if !diff.status.success() {
        anyhow::bail!(
            "git diff failed in {}: {}",
            root.display(),
            String::from_utf8_lossy(&diff.stderr).trim()
        );
    }
    Ok(renamed_from(&diff.stdout))
}

/// `git diff --name-status -z`'s output as a map from each path now to its path before: a
/// rename or copy (`R100`, `C75`) names both, any other status one.
fn renamed_from(out: &[u8]) -> BTreeMap<String, String> {
    let mut fields = out
        .split(|&b| b == 0)
        .map(|field| String::from_utf8_lossy(field).into_owned());
    let mut changed = BTreeMap::new();
    while let Some(status) = fields.next() {
        let Some(first) = fields.next() else { break };
        if status.starts_with(['R', 'C']) {
            if let Some(now) = fields.next() {
                changed.insert(now, first);
            }
        } else {
            changed.insert(first.clone(), first);
        }
    }
    changed
}

/// The bytes of `path` (relative to the site root) at `commit`; `None` when it had none.
fn file_at(root: &Path, commit: &str, path: &str) -> anyhow::Result<Option<Vec<u8>>> {
    let shown = git(root, &["show", &format!("{commit}:./{path}")])?;
    Ok(shown.status.success().then_some(shown.stdout))
}

/// Runs git in `root`; only a git that cannot be started is an error.
fn git(root: &Path, args: &[&str]) -> anyhow::Result<Output> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => anyhow::anyhow!(
                "`check --since` needs the git program, and there is none on this machine's PATH: install git"
            ),
            _ => anyhow::Error::new(err).context("cannot run git"),
        })
}

#[cfg(test)]
mod rename_tests {
    use super::renamed_from;

    #[test]
    fn a_rename_maps_the_new_path_to_the_old_and_other_changes_to_themselves() {
        let out = b"M\0content/a.md\0R087\0content/b.md\0content/b/index.md\0A\0content/c.md\0";
        let map = renamed_from(out);
        assert_eq!(map["content/a.md"], "content/a.md");
        assert_eq!(map["content/b/index.md"], "content/b.md");
        assert_eq!(map["content/c.md"], "content/c.md");
        assert_eq!(map.len(), 3);
    }
}
