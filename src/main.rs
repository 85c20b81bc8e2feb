//! The `briefing` command. All the work is in the library; see `briefing --help`.

use std::process::ExitCode;

use clap::Parser as _;

// Threads render and free each other's pages; jemalloc's thread caches spare them the lock
// waits of glibc's arenas (see Cargo.toml).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
