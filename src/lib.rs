//! `briefing`: a static site generator for briefings.
//!
//! The modules follow the pipeline a build flows through:
//! [`config`] → [`content`] → [`markdown`] → [`site`] → [`render`] → [`output`], with [`build`]
//! orchestrating, [`check`], [`watch`], [`serve`] and [`cli`] on top, and [`diagnostics`] and
//! [`paths`] (the types of content paths, site paths and output keys) and [`fingerprint`] at the
//! bottom for all. Arrows point downstream only (`tests/architecture.rs` keeps them so).

// A `Diagnostic` is a few hundred bytes; results carrying them are on the cold path of a
// build (a user's mistake), where size does not matter and boxing would only add noise.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod fingerprint;
pub mod markdown;
pub mod output;
pub mod paths;
pub mod pdf;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod watch;
