//! `briefing`: a static site generator for briefings. See README.md.

mod build;
mod cli;
mod config;
mod content;
mod diagnostics;
mod markdown;
mod output;
mod render;
mod serve;
mod site;
mod watch;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            anstream::eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
