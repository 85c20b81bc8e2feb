//! Listening and accepting: a bounded number of connections, each a task on a small runtime,
//! and a listener that outlives running out of file descriptors.

use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::Preview;
use super::hosts::AllowedHosts;
use super::respond::App;

/// The most a request line and its headers may take; more is answered 431. Browsers send a
/// few hundred bytes, and a few KiB with many cookies (cookies for localhost are shared by
/// every local server the user runs).
pub const MAX_HEAD_BYTES: usize = 32 * 1024;
/// The longest URL answered; longer is 414 (or 431 once the whole head passes
/// [`MAX_HEAD_BYTES`]).
pub const MAX_URL_BYTES: usize = 8 * 1024;
/// Connections served at once, if the open-file limit allows; past it they are refused.
const MAX_CONNECTIONS: usize = 4096;
/// However low the open-file limit, this many connections are tried.
const MIN_CONNECTIONS: usize = 8;
/// File descriptors kept free of connections: rebuilds read the site's files.
const RESERVED_FDS: u64 = 64;
/// A connection that sends no complete request head for this long is closed: half-open and
/// idle keep-alive connections do not pile up.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);
/// The first and the longest wait before trying `accept` again after it failed for want of
/// resources.
const MIN_BACKOFF: Duration = Duration::from_millis(10);
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// How often running out of resources is reported while it lasts.
const WARNING_INTERVAL: Duration = Duration::from_secs(30);

/// Binds `interface:port`, or the next free port when that one is taken.
pub fn bind(interface: IpAddr, port: u16) -> anyhow::Result<std::net::TcpListener> {
    let mut last_error = None;
    // Inclusive: from port 65535 the range is that one port, not none.
    for candidate in port..=port.saturating_add(49) {
        match std::net::TcpListener::bind(SocketAddr::new(interface, candidate)) {
            Ok(listener) => {
                if candidate != port {
                    anstream::eprintln!("Port {port} is busy; using {candidate} instead.");
                }
                return Ok(listener);
            }
            Err(err) if err.kind() == io::ErrorKind::AddrInUse => last_error = Some(err),
            Err(err) => {
                return Err(err)
                    .with_context(|| format!("cannot listen on {interface}:{candidate}"));
            }
        }
    }
    Err(last_error.map_or_else(|| anyhow::anyhow!("no port to try"), anyhow::Error::from))
        .with_context(|| {
            format!(
                "ports {port} to {} are all busy; pass --port",
                port.saturating_add(49)
            )
        })
}

/// Answers requests until the process ends, on two worker threads whatever the number of
/// connections. `ready` is called once the server can take every connection it will admit
/// (file limit raised, runtime up), so whoever announces the address never announces early.
pub fn run(
    listener: std::net::TcpListener,
    preview: Arc<Preview>,
    hosts: AllowedHosts,
    ready: impl FnOnce(),
) -> anyhow::Result<()> {
    let limit = connection_limit();
    listener
        .set_nonblocking(true)
        .context("cannot set up the preview's listening socket")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(1)
        .thread_name("briefing-serve")
        .enable_io()
        .enable_time()
        .build()
        .context("cannot start the preview server")?;
    runtime.block_on(async move {
        let listener = TcpListener::from_std(listener)
            .context("cannot set up the preview's listening socket")?;
        let app = Arc::new(App { preview, hosts });
        ready();
        accept_forever(listener, app, limit).await;
        Ok(())
    })
}

/// How many connections to serve at once: what the open-file limit leaves after the reserve,
/// raising the soft limit towards the hard one first, as far as [`MAX_CONNECTIONS`] needs.
fn connection_limit() -> usize {
    let wanted = MAX_CONNECTIONS as u64 + RESERVED_FDS;
    let limit = getrlimit(Resource::Nofile);
    // `None` is no limit at all.
    let mut files = limit.current.unwrap_or(wanted);
    let raised = limit.maximum.map_or(wanted, |hard| hard.min(wanted));
    let new = Rlimit {
        current: Some(raised),
        maximum: limit.maximum,
    };
    if raised > files && setrlimit(Resource::Nofile, new).is_ok() {
        files = raised;
    }
    usize::try_from(files.saturating_sub(RESERVED_FDS))
        .unwrap_or(MAX_CONNECTIONS)
        .clamp(MIN_CONNECTIONS, MAX_CONNECTIONS)
}

async fn accept_forever(listener: TcpListener, app: Arc<App>, limit: usize) {
    let slots = Arc::new(Semaphore::new(limit));
    let mut backoff = Backoff::default();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => {
                backoff.succeeded();
                stream
            }
            Err(err) => {
                backoff.failed(&err).await;
                continue;
            }
        };
        match Arc::clone(&slots).try_acquire_owned() {
            Ok(slot) => {
                tokio::spawn(serve_connection(
                    stream,
                    Arc::clone(&app),
                    http.clone(),
                    slot,
                ));
            }
            Err(_) => refuse(&stream),
        }
    }
}

async fn serve_connection(
    stream: TcpStream,
    app: Arc<App>,
    http: http1::Builder,
    _slot: OwnedSemaphorePermit,
) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| {
        let response = app.respond(&request);
        async move { Ok::<_, Infallible>(response) }
    });
    // A client that goes away mid-request is its own business, not an error of the preview.
    let _ = http.serve_connection(TokioIo::new(stream), service).await;
}

/// Answers a connection past the limit with a 503 and closes it, rather than letting it wait
/// unseen in the kernel's queue.
fn refuse(stream: &TcpStream) {
    const BODY: &str = "The preview has too many open connections; try again in a moment.\n";
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{BODY}",
        BODY.len()
    );
    // A fresh socket's send buffer is empty: this one write never blocks, and a client that
    // already left loses nothing.
    let _ = stream.try_write(response.as_bytes());
}

/// Waits after `accept` fails for want of resources (file descriptors, memory), doubling the
/// wait while it keeps failing. Accepting again at once would only spin, and the listener
/// itself is fine: what is queued in the kernel is taken once descriptors are free again.
#[derive(Default)]
struct Backoff {
    wait: Option<Duration>,
    warned_at: Option<Instant>,
}

impl Backoff {
    async fn failed(&mut self, err: &io::Error) {
        // Errors about one connection that its client already abandoned: the next is fine.
        if matches!(
            err.kind(),
            io::ErrorKind::ConnectionAborted
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::Interrupted
                | io::ErrorKind::WouldBlock
        ) {
            return;
        }
        if self.warning_due() {
            anstream::eprintln!(
                "warning: cannot accept connections ({err}); waiting until some close"
            );
        }
        tokio::time::sleep(self.next_wait()).await;
    }

    fn succeeded(&mut self) {
        self.wait = None;
    }

    /// Near the limit, accepting succeeds and fails by turns: one warning per
    /// [`WARNING_INTERVAL`] says enough.
    fn warning_due(&mut self) -> bool {
        let due = self
            .warned_at
            .is_none_or(|at| at.elapsed() > WARNING_INTERVAL);
        if due {
            self.warned_at = Some(Instant::now());
        }
        due
    }

    fn next_wait(&mut self) -> Duration {
        let wait = self
            .wait
            .map_or(MIN_BACKOFF, |wait| (wait * 2).min(MAX_BACKOFF));
        self.wait = Some(wait);
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_a_second_and_starts_over_after_a_success() {
        let mut backoff = Backoff::default();
        let waits: Vec<u128> = (0..9).map(|_| backoff.next_wait().as_millis()).collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
        backoff.succeeded();
        assert_eq!(backoff.next_wait(), MIN_BACKOFF);
    }

    #[test]
    fn running_out_is_reported_at_most_every_30_seconds() {
        let mut backoff = Backoff::default();
        assert!(backoff.warning_due());
        assert!(!backoff.warning_due());
        // The last warning 31 s ago (on a machine up for longer than that).
        backoff.warned_at = Instant::now().checked_sub(WARNING_INTERVAL + Duration::from_secs(1));
        assert!(backoff.warning_due());
        assert!(!backoff.warning_due());
    }
}
