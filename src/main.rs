//! The `briefing` command. All the work is in the library; see `briefing --help`.

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = briefing::cli::Cli::parse();
    match briefing::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            anstream::eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
