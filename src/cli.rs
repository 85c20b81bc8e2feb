//! The command line: clap definitions and the thin glue from flags to the pipeline.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::build;
use crate::config::{self, BuildOptions};
use crate::diagnostics::Diagnostics;

#[derive(Debug, Parser)]
#[command(name = "briefing", version, about = "Builds the briefing site: Markdown with TOML front matter + Tera templates -> static HTML")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory (public/ by default)
    Build(SiteArgs),
}

#[derive(Debug, Args, Clone)]
pub struct SiteArgs {
    /// The site's root directory (where site.toml is)
    #[arg(long, short = 'r', default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: <root>/public]
    #[arg(long, short = 'o')]
    pub output_dir: Option<PathBuf>,
    /// Override site.toml's base_url, e.g. https://example.org/briefing/
    #[arg(long, short = 'u')]
    pub base_url: Option<String>,
    /// Include pages marked draft = true
    #[arg(long)]
    pub drafts: bool,
}

impl SiteArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions { root: self.root.clone(), output_dir: self.output_dir.clone(), base_url: self.base_url.clone(), drafts: self.drafts }
    }
}

/// Exit codes: 0 success, 1 the site has errors to fix, 2 the machine failed (I/O and such).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(args) => run_build(&args),
    }
}

fn run_build(args: &SiteArgs) -> anyhow::Result<ExitCode> {
    let options = args.options();
    match build::build(&options)? {
        Ok(built) => {
            config::validate_output_dir(&built.site.config)?;
            report_diagnostics(&built.warnings);
            let output_dir = &built.site.config.output_dir;
            built.output.write_atomic(output_dir)?;
            anstream::println!("{}", built.summary(&output_dir.display().to_string()));
            Ok(ExitCode::SUCCESS)
        }
        Err(diagnostics) => {
            report_diagnostics(&diagnostics);
            anstream::eprintln!("Build failed; the previous output was left untouched.");
            Ok(ExitCode::from(1))
        }
    }
}

pub fn report_diagnostics(diagnostics: &Diagnostics) {
    if diagnostics.is_empty() {
        return;
    }
    anstream::eprintln!("{}", diagnostics.render(true));
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
