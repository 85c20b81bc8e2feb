//! The command line: clap definitions and the thin glue from flags to the pipeline.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use std::net::IpAddr;
use std::sync::Arc;

use crate::build::{self, Built, Outcome, Session};
use crate::config::{self, BuildOptions};
use crate::diagnostics::Diagnostics;
use crate::{check, serve, watch};

#[derive(Debug, Parser)]
#[command(
    name = "briefing",
    version,
    about = "Builds the briefing site: Markdown with TOML front matter + Tera templates -> static HTML"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory (public/ by default)
    Build(SiteArgs),
    /// Build, then serve the site at http://127.0.0.1:1111/ and rebuild and reload on every save
    Serve(ServeArgs),
    /// Build into the output directory, then rebuild what changed on every save
    Watch(SiteArgs),
    /// Check the whole site (front matter, templates, links, anchors, citations) without writing anything
    Check(CheckArgs),
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// The site's root directory (where site.toml is)
    #[arg(long, short = 'r', default_value = ".")]
    pub root: PathBuf,
    /// Override site.toml's base_url
    #[arg(long, short = 'u')]
    pub base_url: Option<String>,
    /// Check drafts too, as if they were published
    #[arg(long)]
    pub drafts: bool,
    /// Fail (exit 1) on warnings as well as errors
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also request every external link (off by default: it needs the network)
    #[arg(long)]
    pub external: bool,
    /// Seconds to wait for each external link
    #[arg(long, default_value_t = 10, requires = "external")]
    pub timeout: u64,
    /// How many external links to request at once
    #[arg(long, default_value_t = 8, requires = "external")]
    pub concurrency: usize,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// The site's root directory (where site.toml is)
    #[arg(long, short = 'r', default_value = ".")]
    pub root: PathBuf,
    /// Override the base URL; by default it is the server's own address
    #[arg(long, short = 'u')]
    pub base_url: Option<String>,
    /// Include pages marked draft = true
    #[arg(long)]
    pub drafts: bool,
    /// The address to listen on; anything but loopback exposes your preview to the network
    #[arg(long, short = 'i', default_value = "127.0.0.1")]
    pub interface: IpAddr,
    /// The port to listen on; the next free one is taken when it is busy
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
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
        BuildOptions {
            root: self.root.clone(),
            output_dir: self.output_dir.clone(),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
        }
    }
}

/// Exit codes: 0 success, 1 the site has errors to fix, 2 the machine failed (I/O and such).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(args) => run_build(&args),
        Command::Serve(args) => run_serve(&args),
        Command::Watch(args) => run_watch(&args),
        Command::Check(args) => run_check(&args),
    }
}

fn run_build(args: &SiteArgs) -> anyhow::Result<ExitCode> {
    let options = args.options();
    if let Ok(config) = config::Config::load(&options) {
        config::validate_output_dir(&config)?;
    }
    match build::build(&options)? {
        Ok(built) => {
            report_diagnostics(&built.warnings);
            let output_dir = &built.site.config.output_dir;
            let writing = std::time::Instant::now();
            built.output.write_atomic(output_dir)?;
            if std::env::var_os("BRIEFING_TIMINGS").is_some() {
                anstream::eprintln!(
                    "{}, write {:.1} ms",
                    built.timings.report(),
                    writing.elapsed().as_secs_f64() * 1000.0
                );
            }
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

fn run_watch(args: &SiteArgs) -> anyhow::Result<ExitCode> {
    let options = args.options();
    if let Ok(config) = config::Config::load(&options) {
        config::validate_output_dir(&config)?;
    }
    let (mut session, outcome) = Session::start(options)?;
    let mut written: Option<Arc<Built>> = None;
    match outcome {
        Outcome::Built(built) => {
            report_diagnostics(&built.warnings);
            built.output.write_atomic(&built.site.config.output_dir)?;
            anstream::println!(
                "{}",
                built.summary(&built.site.config.output_dir.display().to_string())
            );
            written = Some(built);
        }
        Outcome::Failed(diagnostics) => report_failure(&diagnostics),
    }
    let layout = match session.config() {
        Some(config) => watch::Layout::of(config),
        None => {
            anyhow::bail!("site.toml must be valid before watching starts; fix it and run again")
        }
    };
    let mut watcher = watch::Watcher::start(layout)?;
    anstream::println!("Watching for changes (Ctrl-C to stop)...");
    watch::run(&mut session, &mut watcher, |_, outcome| match outcome {
        Ok(Outcome::Built(built)) => {
            report_diagnostics(&built.warnings);
            let out_dir = &built.site.config.output_dir;
            let result = match &written {
                Some(previous) if previous.site.config.output_dir == *out_dir => built
                    .output
                    .write_changes(&previous.output, out_dir)
                    .map(|_| ()),
                _ => built.output.write_atomic(out_dir),
            };
            match result {
                Ok(()) => {
                    anstream::println!(
                        "{} ({} rendered)",
                        built.summary(&out_dir.display().to_string()),
                        built.rendered
                    );
                    written = Some(built);
                }
                Err(err) => anstream::eprintln!("error: {err:#}"),
            }
        }
        Ok(Outcome::Failed(diagnostics)) => report_failure(&diagnostics),
        Err(err) => anstream::eprintln!("error: {err:#}"),
    });
    Ok(ExitCode::SUCCESS)
}

fn run_serve(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    if !args.interface.is_loopback() {
        anstream::eprintln!(
            "warning: listening on {}: anyone who can reach this machine can see the preview",
            args.interface
        );
    }
    let listener = serve::bind(args.interface, args.port)?;
    let address = listener.local_addr()?;
    let host = match address.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{host}:{}/", address.port()));
    let options = BuildOptions {
        root: args.root.clone(),
        output_dir: None,
        base_url: Some(base_url),
        drafts: args.drafts,
    };
    let (mut session, outcome) = Session::start(options)?;
    let built = match outcome {
        Outcome::Built(built) => built,
        Outcome::Failed(diagnostics) => {
            report_failure(&diagnostics);
            anyhow::bail!(
                "the site must build once before it can be served; fix the errors above and run again"
            );
        }
    };
    report_diagnostics(&built.warnings);
    anstream::println!("{}", built.summary("memory"));
    let layout = watch::Layout::of(&built.site.config);
    let url = built.site.config.permalink("");
    let preview = serve::Preview::new(built);
    let mut watcher = watch::Watcher::start(layout)?;
    let rebuild_preview = Arc::clone(&preview);
    std::thread::spawn(move || {
        watch::run(
            &mut session,
            &mut watcher,
            |changes, outcome| match outcome {
                Ok(outcome) => {
                    match &outcome {
                        Outcome::Built(built) => {
                            report_diagnostics(&built.warnings);
                            anstream::println!(
                                "{} ({} rendered)",
                                built.summary("memory"),
                                built.rendered
                            );
                        }
                        Outcome::Failed(diagnostics) => report_failure(diagnostics),
                    }
                    rebuild_preview.publish(changes, &outcome);
                }
                Err(err) => anstream::eprintln!("error: {err:#}"),
            },
        );
    });
    anstream::println!("Serving {url} (Ctrl-C to stop)");
    serve::run(listener, preview)?;
    Ok(ExitCode::SUCCESS)
}

fn run_check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let options = BuildOptions {
        root: args.root.clone(),
        output_dir: None,
        base_url: args.base_url.clone(),
        drafts: args.drafts,
    };
    let diagnostics = match build::build(&options)? {
        Err(diagnostics) => diagnostics,
        Ok(built) => {
            let mut all = built.warnings.clone();
            let (links, external) = check::output_links(&built.site, &built.output);
            all.extend(links);
            all.extend(check::content_warnings(&built.site));
            if args.external {
                all.extend(check::external_links(
                    &external,
                    std::time::Duration::from_secs(args.timeout),
                    args.concurrency,
                ));
            }
            all.sorted()
        }
    };
    report_diagnostics(&diagnostics);
    let failed =
        diagnostics.has_errors() || (args.deny_warnings && diagnostics.warning_count() > 0);
    if diagnostics.is_empty() {
        anstream::println!("check: no problems found");
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn report_failure(diagnostics: &Diagnostics) {
    report_diagnostics(diagnostics);
    anstream::eprintln!("Build failed; still showing the last good build.");
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
