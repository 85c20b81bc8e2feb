//! `briefing serve` as a child process, and plain HTTP/1.1 over real loopback sockets.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{BIN, TestSite};

/// A running `briefing serve`, killed when dropped, even when the test fails.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().map(|s| s.is_none()).unwrap_or(false)
    }

    /// A numeric field of `/proc/PID/status`, e.g. `Threads` or `VmRSS` (in kB).
    pub fn status_field(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{field}:")))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }

    /// The CPU time the process has used so far, user and system, in clock ticks (1/100 s).
    pub fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        // The command name is in parentheses and may hold spaces: count fields after it.
        let (_, after_name) = stat.rsplit_once(')').unwrap();
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the line, the 12th and 13th after the name.
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    }

    /// How often the server's own threads (the main one, which accepts connections, and the
    /// `briefing-serve` workers) have been switched out so far: a thread that waits for
    /// something adds a few, one that polls adds one or more each time it looks.
    pub fn server_context_switches(&self) -> u64 {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", self.pid())).unwrap();
        tasks
            .flatten()
            .filter_map(|task| std::fs::read_to_string(task.path().join("status")).ok())
            .filter(|status| {
                status.lines().any(|line| {
                    line == format!("Pid:\t{}", self.pid()) || line == "Name:\tbriefing-serve"
                })
            })
            .map(|status| {
                status
                    .lines()
                    .filter_map(|line| {
                        line.strip_prefix("voluntary_ctxt_switches:")
                            .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))
                    })
                    .filter_map(|count| count.trim().parse::<u64>().ok())
                    .sum::<u64>()
            })
            .sum()
    }

    /// The soft limit on open files the process runs with now.
    pub fn open_files_limit(&self) -> u64 {
        let limits = std::fs::read_to_string(format!("/proc/{}/limits", self.pid())).unwrap();
        limits
            .lines()
            .find_map(|line| line.strip_prefix("Max open files"))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|soft| soft.parse().ok())
            .expect("no open-file limit in /proc limits")
    }

    /// How many file descriptors the server has open.
    pub fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .map(|dir| dir.count())
            .unwrap_or(0)
    }
}

/// `briefing serve --port 0 --root SITE EXTRA...`.
pub fn serve_command(site: &TestSite, extra: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--port", "0", "--root"])
        .arg(&site.root)
        .args(extra)
        .env("NO_COLOR", "1");
    command
}

/// Starts the server and waits for the line that says where it serves.
pub fn start(site: &TestSite, extra: &[&str]) -> Server {
    start_command(serve_command(site, extra))
}

pub fn start_command(command: Command) -> Server {
    start_command_with_stderr(command, Stdio::null())
}

/// [`start_command`], with the server's standard error going to `stderr` (a file, say).
#[allow(clippy::zombie_processes)] // `Server::drop` kills and waits for it.
pub fn start_command_with_stderr(mut command: Command, stderr: Stdio) -> Server {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut server = Server { child, port: 0 };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the server never said where it serves");
        // The default interface is loopback: the preview is not on the network unless asked.
        if let Some(rest) = line.strip_prefix("Serving http://127.0.0.1:") {
            server.port = rest.split('/').next().unwrap().parse().unwrap();
            return server;
        }
    }
}

pub struct Response {
    pub status: u16,
    pub headers: String,
    pub body: String,
    /// The server neither closed the connection nor stopped sending before the timeout.
    pub timed_out: bool,
}

impl Response {
    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then_some(value.trim())
        })
    }
}

/// Sends `raw` as it is and reads until the server closes the connection or `timeout` passes.
pub fn exchange(port: u16, raw: &[u8], timeout: Duration) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(timeout)).unwrap();
    // A server may answer and close before it has read everything: that is not an error here.
    let _ = stream.write_all(raw);
    let mut received = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                timed_out = true;
                break;
            }
            Err(_) => break,
        }
        if Instant::now() > deadline {
            timed_out = true;
            break;
        }
    }
    parse_response(&received, timed_out)
}

pub fn parse_response(raw: &[u8], timed_out: bool) -> Response {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
    Response {
        status,
        headers: head.to_string(),
        body: body.to_string(),
        timed_out,
    }
}

/// One request with `Host: 127.0.0.1` and `Connection: close`.
pub fn request(port: u16, method: &str, path: &str) -> Response {
    request_with(port, method, path, &[("Host", "127.0.0.1")])
}

pub fn request_with(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut raw = format!("{method} {path} HTTP/1.1\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str("Connection: close\r\n\r\n");
    exchange(port, raw.as_bytes(), Duration::from_secs(10))
}

pub fn get(port: u16, path: &str) -> Response {
    request(port, "GET", path)
}
