//! The command line: clap definitions and the thin glue from flags to the pipeline.

use std::io::IsTerminal as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use crate::build::{self, Built, Changes, Outcome, Session};
use crate::config::BuildOptions;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{self, OutputDir, Overwrite};
use crate::{check, pdf, scaffold, serve, watch};

#[derive(Debug, Parser)]
#[command(
    name = "briefing",
    version,
    about = "Builds the briefing site: Markdown with TOML front matter + Tera templates -> static HTML"
)]
pub struct Cli {
    /// Say what was rebuilt and why, and where the time went
    #[arg(long, short = 'v', global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print only warnings and errors
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory (public/ by default)
    Build(BuildArgs),
    /// Build, then serve the site at http://127.0.0.1:1111/ and rebuild and reload on every save
    Serve(ServeArgs),
    /// Build into the output directory, then rebuild what changed on every save
    Watch(SiteArgs),
    /// Check the whole site (front matter, templates, links, anchors, citations) without writing anything
    Check(CheckArgs),
    /// Create a new site in DIR that builds at once
    Init {
        /// Where to create the site (created if missing; existing files are never overwritten)
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Create a page with its section's usual front matter fields as placeholders
    New {
        /// The page to create, relative to content/, e.g. partnerships/netflix-example.md
        path: String,
        /// The site's root directory (where site.toml is)
        #[arg(long, short = 'r', default_value = ".")]
        root: PathBuf,
    },
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
    /// Build as of this moment (RFC 3339, e.g. 2027-01-01T09:00:00Z) rather than the clock's:
    /// embargoes, expiry and review dates are compared with it
    #[arg(long, value_name = "MOMENT")]
    pub now: Option<String>,
    /// Fail (exit 1) on warnings as well as errors
    #[arg(long)]
    pub deny_warnings: bool,
    /// List the pages and sections past their review_by date, oldest first
    #[arg(long)]
    pub stale: bool,
    /// Also request every external link (off by default: it needs the network)
    #[arg(long)]
    pub external: bool,
    /// Seconds to wait for each external link
    #[arg(long, default_value_t = 10, requires = "external")]
    pub timeout: u64,
    /// How many external links to request at once
    #[arg(long, default_value_t = 8, requires = "external")]
    pub concurrency: usize,
    /// List the pages whose text changed since this git commit, branch or tag without a new
    /// [[corrections]] entry or a later `updated`
    #[arg(long, value_name = "GIT_REF")]
    pub since: Option<String>,
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
    /// Build as of this moment (RFC 3339, e.g. 2027-01-01T09:00:00Z) rather than the clock's:
    /// embargoes, expiry and review dates are compared with it
    #[arg(long, value_name = "MOMENT")]
    pub now: Option<String>,
    /// The address to listen on; anything but loopback exposes your preview to the network
    #[arg(long, short = 'i', default_value = "127.0.0.1")]
    pub interface: IpAddr,
    /// The port to listen on; the next free one is taken when it is busy
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
    /// Also answer requests for this host name or address (repeatable). By default the preview
    /// answers only to localhost, 127.0.0.1, [::1] and the --interface address, so that other
    /// web sites cannot read it through DNS rebinding
    #[arg(long = "allowed-host", value_name = "NAME", value_parser = serve::parse_allowed_host)]
    pub allowed_hosts: Vec<String>,
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
    /// Build as of this moment (RFC 3339, e.g. 2027-01-01T09:00:00Z) rather than the clock's:
    /// embargoes, expiry and review dates are compared with it
    #[arg(long, value_name = "MOMENT")]
    pub now: Option<String>,
    /// Replace the output directory even if briefing did not build it: everything in it is lost
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args, Clone)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Also render the print edition (/print/) to briefing.pdf in the output, with chromium
    #[arg(long)]
    pub pdf: bool,
    /// The PDF's paper size
    #[arg(long, value_enum, default_value_t = pdf::Paper::A4, requires = "pdf")]
    pub paper: pdf::Paper,
}

impl SiteArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            output_dir: self.output_dir.clone(),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            now: self.now.clone(),
            show_embargoed: false,
            print_edition: false,
        }
    }

    fn overwrite(&self) -> Overwrite {
        match self.force {
            true => Overwrite::Anything,
            false => Overwrite::OutputOnly,
        }
    }
}

/// Exit codes: 0 success, 1 the site has errors to fix, 2 the machine failed (I/O and such).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let say = Reporter {
        verbose: cli.verbose,
        quiet: cli.quiet,
    };
    match cli.command {
        Command::Build(args) => run_build(&args, say),
        Command::Serve(args) => run_serve(&args, say),
        Command::Watch(args) => run_watch(&args, say),
        Command::Check(args) => run_check(&args, say),
        Command::Init { dir } => match scaffold::init(&dir)? {
            Ok(written) => {
                say.info(&format!(
                    "Created a new site in {} ({} files). Next: cd {} && briefing serve",
                    dir.display(),
                    written.len(),
                    dir.display()
                ));
                Ok(ExitCode::SUCCESS)
            }
            Err(refusal) => Ok(report_refusal(refusal)),
        },
        Command::New { path, root } => {
            let today = jiff::ZonedDateTime::now().date().to_string();
            match scaffold::new_page(&root, &path, &today)? {
                Ok(written) => {
                    say.info(&format!(
                        "Created {}: fill in the placeholders, then save",
                        written.display()
                    ));
                    Ok(ExitCode::SUCCESS)
                }
                Err(refusal) => Ok(report_refusal(refusal)),
            }
        }
    }
}

/// What to print, by the global --verbose and --quiet flags.
#[derive(Debug, Clone, Copy)]
struct Reporter {
    verbose: bool,
    quiet: bool,
}

impl Reporter {
    fn info(&self, line: &str) {
        if !self.quiet {
            anstream::println!("{line}");
        }
    }

    fn detail(&self, line: &str) {
        if self.verbose {
            anstream::println!("{line}");
        }
    }

    fn built(&self, built: &Built, destination: &str, changes: Option<&Changes>) {
        report_diagnostics(&built.warnings);
        match changes {
            Some(changes) => {
                self.detail(&format!("changed: {}", describe(changes)));
                self.info(&format!(
                    "{} ({} of {} pages and sections rendered again)",
                    built.summary(destination),
                    built.rendered,
                    built.site.pages.len() + built.site.sections.len()
                ));
            }
            None => self.info(&built.summary(destination)),
        }
        self.detail(&format!("timings: {}", built.timings.report()));
    }

    /// Runs `work`, showing a spinner on a terminal if it takes long enough to wonder about.
    fn with_spinner<T>(&self, message: &str, work: impl FnOnce() -> T) -> T {
        if self.quiet || !std::io::stderr().is_terminal() {
            return work();
        }
        let done = Arc::new(AtomicBool::new(false));
        let watcher_done = Arc::clone(&done);
        let message = message.to_string();
        let spinner = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(800));
            if watcher_done.load(Ordering::Relaxed) {
                return;
            }
            let bar = indicatif::ProgressBar::new_spinner().with_message(message);
            bar.enable_steady_tick(Duration::from_millis(100));
            while !watcher_done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
            }
            bar.finish_and_clear();
        });
        let result = work();
        done.store(true, Ordering::Relaxed);
        let _ = spinner.join();
        result
    }
}

/// `content/a.md, templates/page.html` for --verbose.
fn describe(changes: &Changes) -> String {
    let mut parts: Vec<String> = changes
        .content
        .iter()
        .map(|c| format!("content/{c}"))
        .collect();
    parts.extend(changes.static_files.iter().map(|s| format!("static/{s}")));
    if changes.templates {
        parts.push("templates/".into());
    }
    if changes.config {
        parts.push("site.toml (everything is rebuilt)".into());
    }
    parts.join(", ")
}

/// Ctrl-C (or SIGTERM, SIGHUP) ends `serve` and `watch` with a word and a success code. The
/// returned slot holds the output directory `watch` writes, locked by each write: the handler
/// waits for a write in progress to end, then lets the directory go (its lock file and scratch
/// directory) and exits, so a stop never leaves half a write.
fn stop_on_ctrl_c(say: Reporter) -> Arc<Mutex<Option<OutputDir>>> {
    let writing = Arc::new(Mutex::new(None));
    let held = Arc::clone(&writing);
    let _ = ctrlc::set_handler(move || {
        let mut out_dir = held.lock().unwrap_or_else(PoisonError::into_inner);
        drop(out_dir.take());
        say.info("Stopped.");
        std::process::exit(0);
    });
    writing
}

fn run_build(args: &BuildArgs, say: Reporter) -> anyhow::Result<ExitCode> {
    let options = BuildOptions {
        print_edition: args.pdf,
        ..args.site.options()
    };
    let overwrite = args.site.overwrite();
    let built = match args.pdf {
        false => say.with_spinner("Building...", || build::build_to_disk(&options, overwrite))?,
        true => match pdf::Chromium::find() {
            Ok(chromium) => say.with_spinner("Building and printing...", || {
                build::build_to_disk_then(&options, overwrite, &|built, staged| {
                    chromium.print(built, staged, args.paper)
                })
            })?,
            Err(missing) => Err(std::iter::once(missing).collect()),
        },
    };
    match built {
        Ok(built) => {
            let destination = built.site.config.output_dir.display().to_string();
            report_diagnostics(&built.warnings);
            let total_ms = built.timings.elapsed_ms();
            say.info(&built.summary_with_total(&destination, total_ms));
            say.detail(&format!(
                "timings: {}, the other files written and the output swapped in {:.1} ms",
                built.timings.report(),
                built.timings.since_last_lap_ms()
            ));
            // The process ends here: the OS takes the memory back at once, where freeing a large
            // site's pages and renders one by one would take a noticeable share of the build.
            std::mem::forget(built);
            Ok(ExitCode::SUCCESS)
        }
        Err(diagnostics) => {
            report_diagnostics(&diagnostics);
            anstream::eprintln!("Build failed; the previous output was left untouched.");
            Ok(ExitCode::from(1))
        }
    }
}

/// `watch` holds its output directory from start to end, so no other briefing writes it
/// meanwhile. Its first write is always the whole site, which also repairs whatever a killed
/// run left; each later one changes only what differs, or writes the whole site again when
/// that fails.
fn run_watch(args: &SiteArgs, say: Reporter) -> anyhow::Result<ExitCode> {
    let options = args.options();
    let out_dir = match build::claim_output(&options, args.overwrite())? {
        Ok(out_dir) => out_dir,
        Err(refusal) => {
            report_diagnostics(&refusal);
            return Ok(ExitCode::from(1));
        }
    };
    let destination = options.output_dir().display().to_string();
    let writing = stop_on_ctrl_c(say);
    *writing.lock().unwrap_or_else(PoisonError::into_inner) = Some(out_dir);
    /// Lets the output directory go on every way out, as Ctrl-C does: the handler keeps its
    /// own reference to the slot, so dropping ours alone would keep the lock file.
    struct Release<'a>(&'a Mutex<Option<OutputDir>>);
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            drop(self.0.lock().unwrap_or_else(PoisonError::into_inner).take());
        }
    }
    let _release = Release(&writing);
    let write = |built: &Built| -> anyhow::Result<()> {
        let mut out_dir = writing.lock().unwrap_or_else(PoisonError::into_inner);
        let out_dir = out_dir.as_mut().context("stopping")?;
        if let output::Written::Whole { after: Some(err) } = out_dir.update(&built.output)? {
            anstream::eprintln!(
                "warning: could not update {destination} file by file ({err:#}); wrote the whole site again"
            );
        }
        Ok(())
    };
    let (mut session, outcome) = say.with_spinner("Building...", || Session::start(options))?;
    match outcome {
        Outcome::Built(built) => {
            write(&built)?;
            say.built(&built, &destination, None);
        }
        Outcome::Failed(diagnostics) => report_failure(&diagnostics),
    }
    let Some(config) = session.config() else {
        anyhow::bail!("site.toml must be valid before watching starts; fix it and run again")
    };
    let mut watcher = watch::Watcher::start(watch::Layout::of(config))?;
    say.info("Watching for changes (Ctrl-C to stop)...");
    watch::run(
        &mut session,
        &mut watcher,
        |changes, outcome| match outcome {
            Ok(Outcome::Built(built)) => match write(&built) {
                Ok(()) => say.built(&built, &destination, Some(changes)),
                Err(err) => anstream::eprintln!("error: {err:#}"),
            },
            Ok(Outcome::Failed(diagnostics)) => report_failure(&diagnostics),
            Err(err) => anstream::eprintln!("error: {err:#}"),
        },
    );
    Ok(ExitCode::SUCCESS)
}

fn run_serve(args: &ServeArgs, say: Reporter) -> anyhow::Result<ExitCode> {
    if !args.interface.is_loopback() {
        anstream::eprintln!(
            "warning: listening on {}: anyone who can reach this machine can see the preview",
            args.interface
        );
    }
    if args.interface.is_unspecified() && args.allowed_hosts.is_empty() {
        anstream::eprintln!(
            "note: requests are answered for localhost, 127.0.0.1 and [::1] only; name this machine with --allowed-host NAME to open the preview from elsewhere"
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
        now: args.now.clone(),
        // The preview shows what is under embargo, each page with a banner saying so.
        show_embargoed: true,
        print_edition: false,
    };
    stop_on_ctrl_c(say);
    let (mut session, outcome) = say.with_spinner("Building...", || Session::start(options))?;
    let built = match outcome {
        Outcome::Built(built) => built,
        Outcome::Failed(diagnostics) => {
            // No build has ever succeeded, so there is no last good one to keep showing.
            report_diagnostics(&diagnostics);
            anstream::eprintln!(
                "The site did not build, so there is nothing to serve: fix the errors above and run `briefing serve` again."
            );
            return Ok(ExitCode::from(1));
        }
    };
    say.built(&built, "memory", None);
    let layout = watch::Layout::of(&built.site.config);
    // Where the preview answers, which a `--base-url` for the links does not change.
    let url = format!(
        "http://{host}:{}{}",
        address.port(),
        built.site.config.base_path
    );
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
                        Outcome::Built(built) => say.built(built, "memory", Some(changes)),
                        Outcome::Failed(diagnostics) => report_failure(diagnostics),
                    }
                    rebuild_preview.publish(changes, &outcome);
                }
                Err(err) => anstream::eprintln!("error: {err:#}"),
            },
        );
    });
    let hosts = serve::AllowedHosts::new(args.interface, &args.allowed_hosts);
    serve::run(listener, preview, hosts, || {
        // Always printed, even with --quiet: it is how a user (and the tests) learn the address.
        anstream::println!("Serving {url} (Ctrl-C to stop)");
    })?;
    Ok(ExitCode::SUCCESS)
}

fn run_check(args: &CheckArgs, say: Reporter) -> anyhow::Result<ExitCode> {
    let options = BuildOptions {
        root: args.root.clone(),
        output_dir: None,
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        now: args.now.clone(),
        show_embargoed: false,
        print_edition: false,
    };
    let checks = check::CheckOptions {
        external: args.external.then_some(check::ExternalOptions {
            timeout: Duration::from_secs(args.timeout),
            concurrency: args.concurrency,
        }),
        since: args.since.clone(),
    };
    let mut stale = Vec::new();
    let (diagnostics, coverage) =
        say.with_spinner("Checking...", || match build::build(&options)? {
            Err(diagnostics) => anyhow::Ok((diagnostics, Vec::new())),
            Ok(built) => {
                if args.stale {
                    stale = stale_lines(&built);
                }
                Ok((check::run(&built, &checks)?, check::source_coverage(&built)))
            }
        })?;
    coverage.iter().for_each(|line| say.detail(line));
    report_diagnostics(&diagnostics);
    if args.stale {
        match stale.is_empty() {
            true => say.info("No page or section is past its review_by date."),
            false => anstream::println!("{}", stale.join("\n")),
        }
    }
    let failed =
        diagnostics.has_errors() || (args.deny_warnings && diagnostics.warning_count() > 0);
    if diagnostics.is_empty() {
        say.info("check: no problems found");
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--stale`: one line for each page and section past its review_by date, the longest overdue
/// first.
fn stale_lines(built: &Built) -> Vec<String> {
    check::overdue_reviews(&built.site)
        .into_iter()
        .map(|overdue| {
            let reviewed = overdue
                .reviewed
                .map_or("never reviewed".to_string(), |d| format!("reviewed {d}"));
            format!(
                "review by {}  {}  ({reviewed}) {}",
                overdue.review_by, overdue.doc.display_path, overdue.doc.title
            )
        })
        .collect()
}

fn report_failure(diagnostics: &Diagnostics) {
    report_diagnostics(diagnostics);
    anstream::eprintln!("Build failed; still showing the last good build.");
}

/// A request `init` or `new` refused is the user's to fix: exit 1, like a site with mistakes.
fn report_refusal(refusal: scaffold::Refusal) -> ExitCode {
    let diagnostic = Diagnostic::error(refusal.path, refusal.message).hint(refusal.hint);
    report_diagnostics(&std::iter::once(diagnostic).collect());
    ExitCode::from(1)
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
