//! `briefing build --pdf`: the print edition (`/print/`) printed to `briefing.pdf` by headless
//! Chromium, from the complete staged site, before it replaces the output.
//!
//! Chromium reads the staged site over HTTP from a server on a loopback port that lives only
//! while it prints, so the page's stylesheets, images and fonts load from their usual URLs (a
//! `file://` page would find none of its root-relative URLs). The paper size is added to the
//! print page as it is served, after the site's own styles. Chromium stamps the PDF with the
//! time it was made; those two dates are set to the site's newest content date, so the same
//! input gives the same bytes.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::build::{Built, Finished, OutputKind};
use crate::diagnostics::Diagnostic;
use crate::paths::OutputKey;
use crate::serve::{Target, resolve};

/// Where the PDF goes in the output.
pub const PDF_FILE: &str = "briefing.pdf";

/// The names Chromium's binary goes by (Debian's first), looked up on `PATH`.
const CHROMIUM_NAMES: [&str; 2] = ["chromium", "chromium-browser"];

/// How long Chromium may take to print before it is stopped.
const PRINT_TIMEOUT: Duration = Duration::from_secs(120);

/// The paper the PDF is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Paper {
    /// 210 × 297 mm
    A4,
    /// US Letter, 8.5 × 11 in
    Letter,
}

impl Paper {
    fn css_size(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

/// A Chromium binary found on `PATH`.
#[derive(Debug, Clone)]
pub struct Chromium {
    binary: PathBuf,
}

impl Chromium {
    /// The first of [`CHROMIUM_NAMES`] on `PATH`; its absence is the user's to fix.
    pub fn find() -> Result<Chromium, Diagnostic> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .flat_map(|dir| CHROMIUM_NAMES.map(|name| dir.join(name)))
            .find(|candidate| is_executable(candidate))
            .map(|binary| Chromium { binary })
            .ok_or_else(|| {
                Diagnostic::error(
                    "--pdf",
                    format!(
                        "--pdf prints with Chromium, and there is no `{}` on PATH",
                        CHROMIUM_NAMES.join("` or `")
                    ),
                )
                .hint("install it (Debian: apt-get install chromium) or put it on PATH, or build without --pdf; nothing was written")
            })
    }

    /// `briefing.pdf`, printed from the print edition of `built` staged at `staged`; a file of
    /// the site already at that name is a mistake (the PDF would replace it).
    pub fn print(&self, built: &Built, staged: &Path, paper: Paper) -> Finished {
        if staged.join(PDF_FILE).exists() {
            let clash = Diagnostic::error(
                PDF_FILE,
                format!(
                    "the site has a file of its own at /{PDF_FILE}, where --pdf writes the PDF"
                ),
            )
            .hint(format!(
                "rename or remove static/{PDF_FILE} (or content/{PDF_FILE}), or build without --pdf"
            ));
            return Ok(Err(std::iter::once(clash).collect()));
        }
        let base_path = built.site.config.base_path.clone();
        let print_key = OutputKind::Print.output_key(&built.site);
        let server = StagedServer::start(staged, base_path.clone(), print_key, paper)?;
        let url = format!(
            "http://{}{base_path}{}",
            server.address,
            OutputKind::Print.site_path(&built.site)
        );
        let printed = self.print_url(&url);
        server.stop();
        let pdf = renumber_nodes(set_dates(printed?, &newest_date(built)));
        Ok(Ok(vec![(OutputKey::from(PDF_FILE), pdf)]))
    }

    /// The PDF of the page at `url`.
    fn print_url(&self, url: &str) -> anyhow::Result<Vec<u8>> {
        let scratch =
            tempfile::tempdir().context("cannot create a scratch directory for Chromium")?;
        let pdf = scratch.path().join("print.pdf");
        let mut command = Command::new(&self.binary);
        command
            .args([
                "--headless",
                "--disable-gpu",
                "--no-pdf-header-footer",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .arg(format!(
                "--user-data-dir={}",
                scratch.path().join("profile").display()
            ))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(url)
            // The dates Chromium writes carry the local offset; UTC keeps them one length.
            .env("TZ", "UTC")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        // Chromium refuses to run as root inside its sandbox (containers, CI).
        if rustix::process::geteuid().is_root() {
            command.arg("--no-sandbox");
        }
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot run {}", self.binary.display()))?;
        let mut stderr = child.stderr.take().map(BufReader::new);
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(stderr) = stderr.as_mut() {
                let _ = stderr.read_to_string(&mut text);
            }
            text
        });
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if started.elapsed() > PRINT_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "{} did not finish printing {url} within {} s",
                    self.binary.display(),
                    PRINT_TIMEOUT.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stderr = reader.join().unwrap_or_default();
        match std::fs::read(&pdf) {
            Ok(bytes) if status.success() && bytes.starts_with(b"%PDF") => Ok(bytes),
            _ => bail!(
                "{} could not print {url} ({status}): {}",
                self.binary.display(),
                stderr.trim()
            ),
        }
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The newest `date` or `updated` of the site's pages and sections, as the PDF writes a date
/// (`20261124000000`); the Unix epoch for a site without dates.
fn newest_date(built: &Built) -> String {
    let site = &built.site;
    site.nodes()
        .flat_map(|node| {
            let doc = site.doc(node);
            [doc.date.as_ref(), doc.updated.as_ref()]
        })
        .flatten()
        .map(|date| date.utc_rfc3339())
        .max()
        .map(|written| {
            written
                .chars()
                .filter(char::is_ascii_digit)
                .take(14)
                .collect()
        })
        .unwrap_or_else(|| "19700101000000".to_string())
}

/// `pdf` with the digits of its creation and modification dates (`/CreationDate
/// (D:20261201045446+00'00')`) replaced by `moment`'s, the same number of bytes, so that the
/// offsets of the cross-reference table still hold.
fn set_dates(mut pdf: Vec<u8>, moment: &str) -> Vec<u8> {
    for key in [&b"/CreationDate (D:"[..], &b"/ModDate (D:"[..]] {
        let mut from = 0;
        while let Some(at) = memchr::memmem::find(&pdf[from..], key) {
            let start = from + at + key.len();
            let digits = pdf[start..]
                .iter()
                .take(moment.len())
                .take_while(|b| b.is_ascii_digit())
                .count();
            pdf[start..start + digits].copy_from_slice(&moment.as_bytes()[..digits]);
            from = start + digits;
        }
    }
    pdf
}

/// `pdf` with the ids Chromium gives the table cells of its structure tree (`/ID
/// (node00000149)`, which depend on how many DOM nodes it made before, and vary from run to
/// run) numbered anew in the order they first appear, each the same length as before.
fn renumber_nodes(mut pdf: Vec<u8>) -> Vec<u8> {
    const PREFIX: &[u8] = b"(node";
    const DIGITS: usize = 8;
    let mut numbers: std::collections::HashMap<Vec<u8>, usize> = std::collections::HashMap::new();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&pdf[from..], PREFIX) {
        let start = from + at + PREFIX.len();
        from = start;
        let Some(digits) = pdf.get(start..start + DIGITS + 1) else {
            break;
        };
        if !(digits[..DIGITS].iter().all(u8::is_ascii_digit) && digits[DIGITS] == b')') {
            continue;
        }
        let next = numbers.len() + 1;
        let number = *numbers.entry(digits[..DIGITS].to_vec()).or_insert(next);
        let written = format!("{number:0DIGITS$}");
        if written.len() == DIGITS {
            pdf[start..start + DIGITS].copy_from_slice(written.as_bytes());
        }
        from = start + DIGITS;
    }
    pdf
}

/// The staged site over HTTP on a loopback port, one connection at a time, for Chromium alone.
struct StagedServer {
    address: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl StagedServer {
    fn start(
        staged: &Path,
        base_path: String,
        print_key: OutputKey,
        paper: Paper,
    ) -> anyhow::Result<StagedServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .context("cannot listen on a loopback port for Chromium")?;
        let address = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let staged = staged.to_path_buf();
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let _ = answer(stream, &staged, &base_path, &print_key, paper);
                }
            }
        });
        Ok(StagedServer {
            address,
            stop,
            thread,
        })
    }

    fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect(self.address);
        let _ = self.thread.join();
    }
}

/// Answers one request with a staged file (the print page with the paper size added), or 404.
fn answer(
    mut stream: TcpStream,
    staged: &Path,
    base_path: &str,
    print_key: &OutputKey,
    paper: Paper,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut request_line = String::new();
    BufReader::new(&stream)
        .take(8192)
        .read_line(&mut request_line)?;
    let raw_url = request_line.split(' ').nth(1).unwrap_or("");
    // `resolve` refuses `..`, encoded slashes and dotfiles, so the key stays inside `staged`.
    let found = match resolve(raw_url, base_path, |key| staged.join(key).is_file()) {
        Target::File(key) => std::fs::read(staged.join(key.as_str()))
            .ok()
            .map(|bytes| (key, bytes)),
        _ => None,
    };
    let Some((key, mut body)) = found else {
        return stream.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    };
    if key == *print_key {
        body = with_paper(&body, paper);
    }
    let mime = mime_guess::from_path(key.as_str()).first_or_octet_stream();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)
}

/// The print page with `@page { size: ... }` before `</head>`, after the site's own styles.
fn with_paper(html: &[u8], paper: Paper) -> Vec<u8> {
    let style = format!("<style>@page {{ size: {}; }}</style>", paper.css_size());
    let at = memchr::memmem::find(html, b"</head>").unwrap_or(0);
    let mut out = Vec::with_capacity(html.len() + style.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(style.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dates_are_replaced_in_place() {
        let pdf =
            b"<</CreationDate (D:20261201045446+00'00')\n/ModDate (D:20261201045447+00'00')>>"
                .to_vec();
        let fixed = set_dates(pdf.clone(), "20261124000000");
        assert_eq!(fixed.len(), pdf.len());
        assert_eq!(
            String::from_utf8(fixed).unwrap(),
            "<</CreationDate (D:20261124000000+00'00')\n/ModDate (D:20261124000000+00'00')>>"
        );
    }

    #[test]
    fn structure_ids_are_numbered_in_order_of_appearance() {
        let pdf =
            b"/ID (node00000149)/Headers [(node00000149) (node00000007)]/ID (node123)".to_vec();
        assert_eq!(
            String::from_utf8(renumber_nodes(pdf)).unwrap(),
            "/ID (node00000001)/Headers [(node00000001) (node00000002)]/ID (node123)"
        );
    }

    #[test]
    fn the_paper_size_comes_after_the_sites_styles() {
        let html = b"<head><link rel=stylesheet href=/s.css></head><body>";
        let out = String::from_utf8(with_paper(html, Paper::Letter)).unwrap();
        assert_eq!(
            out,
            "<head><link rel=stylesheet href=/s.css><style>@page { size: letter; }</style></head><body>"
        );
    }
}
