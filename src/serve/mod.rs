//! The local preview: an HTTP server over the last good build, held in memory, with live
//! reload and an error overlay.
//!
//! URLs are looked up as keys of the in-memory output and never joined onto a file-system path,
//! so no request can reach a file outside the output, whatever `..`, encoded slashes or
//! backslashes it carries. A failed rebuild never replaces what is served: the browser keeps the
//! last good pages, with an overlay that names the file, line and column.
//!
//! The server is hyper on a two-thread tokio runtime: an idle connection or an open page's
//! event stream costs a small task, not a thread. What one client can take is bounded: a
//! request head is read into at most [`MAX_HEAD_BYTES`], a URL is at most [`MAX_URL_BYTES`],
//! and connections beyond a limit derived from the open-file limit are refused. Running out of
//! file descriptors anyway pauses accepting; it never closes the port. Requests are answered
//! only for the preview's own host names, so a web page that points its domain at 127.0.0.1
//! (DNS rebinding) reads nothing, and no response allows other origins to read it.

mod events;
mod hosts;
mod inject;
mod respond;
mod route;
mod server;

use std::collections::BTreeMap;
use std::sync::Arc;

use arc_swap::ArcSwap;
use tokio::sync::broadcast;

use crate::build::{Built, Changes, Outcome};
use crate::diagnostics::Diagnostics;
use crate::paths::OutputKey;

pub use hosts::{AllowedHosts, parse_allowed_host};
pub use inject::overlay_html;
pub use route::{Target, resolve};
pub use server::{MAX_HEAD_BYTES, MAX_URL_BYTES, bind, run};

/// Where the preview's own endpoints live (below the base path).
pub const ENDPOINT_PREFIX: &str = "__briefing/";

/// How many notices an open page may fall behind before it is simply told to reload.
const NOTICE_BACKLOG: usize = 16;

/// What the server shows: the last good build, and the errors of the latest one if it failed.
pub struct Served {
    pub built: Arc<Built>,
    pub errors: Option<Diagnostics>,
    pub generation: u64,
    /// The pages of `built` under embargo, by file, with the moment it ends: each is shown
    /// with a banner saying so.
    pub embargoed: BTreeMap<OutputKey, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Reload,
    Css(Vec<String>),
    BuildError(String),
}

/// The shared state between the build thread and the server.
pub struct Preview {
    current: ArcSwap<Served>,
    notices: broadcast::Sender<(u64, Notice)>,
    base_path: String,
}

impl Preview {
    pub fn new(built: Arc<Built>) -> Arc<Preview> {
        let base_path = built.site.config.base_path.clone();
        Arc::new(Preview {
            current: ArcSwap::from_pointee(Served {
                embargoed: built.embargoed_files(),
                built,
                errors: None,
                generation: 1,
            }),
            notices: broadcast::channel(NOTICE_BACKLOG).0,
            base_path,
        })
    }

    /// Publishes the outcome of a rebuild and tells every open page.
    pub fn publish(&self, changes: &Changes, outcome: &Outcome) {
        let previous = self.current.load_full();
        let generation = previous.generation + 1;
        let notice = match outcome {
            Outcome::Built(built) => {
                self.current.store(Arc::new(Served {
                    built: Arc::clone(built),
                    errors: None,
                    generation,
                    embargoed: built.embargoed_files(),
                }));
                let css_only = previous.errors.is_none()
                    && !changes.config
                    && !changes.templates
                    && changes.content.is_empty()
                    && !changes.static_files.is_empty()
                    && changes.static_files.iter().all(|f| f.ends_with(".css"));
                if css_only {
                    Notice::Css(
                        changes
                            .static_files
                            .iter()
                            .map(|f| format!("{}{f}", self.base_path))
                            .collect(),
                    )
                } else {
                    Notice::Reload
                }
            }
            Outcome::Failed(diagnostics) => {
                self.current.store(Arc::new(Served {
                    built: Arc::clone(&previous.built),
                    errors: Some(diagnostics.clone()),
                    generation,
                    embargoed: previous.embargoed.clone(),
                }));
                Notice::BuildError(overlay_html(diagnostics))
            }
        };
        // No open page is no error: nobody needs telling.
        let _ = self.notices.send((generation, notice));
    }

    fn served(&self) -> Arc<Served> {
        self.current.load_full()
    }

    fn subscribe(&self) -> broadcast::Receiver<(u64, Notice)> {
        self.notices.subscribe()
    }
}
