//! External links, requested only when asked: they need the network and take time.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use anyhow::Context as _;
use rayon::prelude::*;

use super::rules;
use crate::diagnostics::Diagnostics;

/// Requests each external URL (HEAD, then GET when HEAD is refused), `concurrency` at a time.
/// `urls` maps each URL to the pages that link to it. Failing to start the requests is the
/// machine's problem, not the site's, so it is an error rather than a diagnostic.
pub(super) fn dead_links(
    urls: &BTreeMap<String, BTreeSet<String>>,
    timeout: Duration,
    concurrency: usize,
) -> anyhow::Result<Diagnostics> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent("briefing-link-check")
        .build()
        .into();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(concurrency.max(1))
        .build()
        .context("cannot start the external link checker")?;
    let results: Vec<(String, Option<String>)> = pool.install(|| {
        urls.keys()
            .par_bridge()
            .map(|url| (url.clone(), problem(&agent, url)))
            .collect()
    });
    let mut diagnostics = Diagnostics::new();
    for (url, problem) in results {
        if let Some(problem) = problem {
            for page in &urls[&url] {
                diagnostics.push(
                    rules::DEAD_EXTERNAL_LINK
                        .diagnostic(page, format!("the external link `{url}` {problem}"))
                        .hint("fix or remove the link; check it in a browser to be sure"),
                );
            }
        }
    }
    Ok(diagnostics)
}

/// What is wrong with `url`, as the end of a sentence; `None` when it answers.
fn problem(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = agent.head(url).call().map(|r| r.status().as_u16());
    let status = match status {
        Ok(405 | 403 | 501) => agent.get(url).call().map(|r| r.status().as_u16()),
        other => other,
    };
    match status {
        Ok(code) if code < 400 => None,
        Ok(code) => Some(format!("answered HTTP {code}")),
        Err(err) => Some(format!("could not be reached: {err}")),
    }
}
