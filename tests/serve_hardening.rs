//! `briefing serve` against a hostile client and a hostile web page: file descriptors run out,
//! huge headers, thousands of idle connections, foreign Host headers, HEAD on every route,
//! unknown HTTP versions and garbage. The real binary, real loopback sockets, and the server's
//! own numbers from /proc.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::TestSite;
use common::server::{
    Response, Server, exchange, get, parse_response, request, request_with, serve_command, start,
    start_command, start_command_with_stderr,
};
use rustix::process::{Pid, Resource, Rlimit, getrlimit, prlimit, setrlimit};

fn address(server: &Server) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], server.port))
}

/// Polls `GET /` until it answers 200, for a server that may be backing off.
fn wait_until_serving(server: &Server) -> Response {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let response = match TcpStream::connect_timeout(&address(server), Duration::from_secs(1)) {
            Ok(_) => exchange(
                server.port,
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                Duration::from_secs(2),
            ),
            Err(_) => parse_response(b"", false),
        };
        if response.status == 200 || Instant::now() > deadline {
            return response;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Lets the test process itself hold `count` sockets.
fn allow_open_files(count: u64) {
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|current| current < count) {
        let wanted = limit.maximum.map_or(count, |max| max.min(count));
        setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(wanted),
                maximum: limit.maximum,
            },
        )
        .unwrap();
        assert!(
            wanted >= count,
            "the hard limit on open files is below {count}"
        );
    }
}

/// What the server said on a connection it closed or answered unasked (perhaps nothing), or
/// `None` while the connection is open and silent.
fn what_was_said(mut stream: &TcpStream) -> Option<String> {
    stream.set_nonblocking(true).unwrap();
    let mut buffer = [0u8; 1024];
    let said = match stream.read(&mut buffer) {
        Ok(n) => Some(String::from_utf8_lossy(&buffer[..n]).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => None,
        Err(_) => Some(String::new()),
    };
    stream.set_nonblocking(false).unwrap();
    said
}

/// Whether the server refused this connection: a 503, or closed without a word.
fn was_refused(said: &Option<String>) -> bool {
    said.as_ref()
        .is_some_and(|said| said.is_empty() || said.starts_with("HTTP/1.1 503"))
}

#[test]
fn connections_past_a_low_file_limit_are_refused_and_the_port_stays_open() {
    let site = TestSite::fixture("basic");
    let mut command = serve_command(&site, &[]);
    let limit = Rlimit {
        current: Some(128),
        maximum: Some(128),
    };
    // SAFETY: setrlimit is a single system call, safe between fork and exec.
    unsafe {
        command.pre_exec(move || setrlimit(Resource::Nofile, limit).map_err(Into::into));
    }
    let mut server = start_command(command);
    let mut held = Vec::new();
    for _ in 0..400 {
        match TcpStream::connect_timeout(&address(&server), Duration::from_millis(500)) {
            Ok(stream) => held.push(stream),
            Err(_) => break,
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let said: Vec<Option<String>> = held.iter().map(what_was_said).collect();
    let refused = said.iter().filter(|said| was_refused(said)).count();
    assert!(
        refused > 0,
        "{} connections to a server allowed 128 files, none refused",
        held.len()
    );
    // Past the connection limit (not the file limit) a browser is told why, and when to retry.
    assert!(
        said.iter()
            .flatten()
            .any(|said| said.starts_with("HTTP/1.1 503")
                && said.contains("Retry-After: 1")
                && said.contains("too many open connections")),
        "{refused} connections refused, none with a 503"
    );
    drop(held);
    let response = wait_until_serving(&server);
    assert_eq!(response.status, 200, "the port closed after running out");
    assert!(server.is_running());
}

#[test]
fn a_low_soft_file_limit_is_raised_as_far_as_connections_need() {
    allow_open_files(1_200);
    let hard = getrlimit(Resource::Nofile)
        .maximum
        .map_or(8_192, |hard| hard.min(8_192));
    let site = TestSite::fixture("basic");
    let mut command = serve_command(&site, &[]);
    let limit = Rlimit {
        current: Some(256),
        maximum: Some(hard),
    };
    // SAFETY: setrlimit is a single system call, safe between fork and exec.
    unsafe {
        command.pre_exec(move || setrlimit(Resource::Nofile, limit).map_err(Into::into));
    }
    let server = start_command(command);
    // 4,096 connections and 64 files kept for rebuilds: that much is taken, and no more.
    assert_eq!(server.open_files_limit(), hard.min(4_096 + 64));
    let held: Vec<TcpStream> = (0..1_000)
        .map(|_| TcpStream::connect(address(&server)).unwrap())
        .collect();
    let page = get(server.port, "/news/first/");
    assert_eq!(page.status, 200, "a page while 1,000 connections are open");
    assert!(page.body.contains("First story"));
    drop(held);
}

#[test]
fn running_out_of_file_descriptors_does_not_close_the_port() {
    let site = TestSite::fixture("basic");
    let log = site.root.with_file_name("serve.log");
    let stderr = std::fs::File::create(&log).unwrap();
    let mut server = start_command_with_stderr(serve_command(&site, &[]), stderr.into());
    assert_eq!(get(server.port, "/").status, 200);
    let limit = server.open_fds() as u64 + 16;
    let pid = Pid::from_raw(server.pid() as i32).unwrap();
    let hard = getrlimit(Resource::Nofile).maximum;
    prlimit(
        Some(pid),
        Resource::Nofile,
        Rlimit {
            current: Some(limit),
            maximum: hard,
        },
    )
    .unwrap();
    let held: Vec<TcpStream> = (0..64)
        .map_while(|_| TcpStream::connect_timeout(&address(&server), Duration::from_secs(1)).ok())
        .collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while (server.open_fds() as u64) < limit {
        assert!(server.is_running(), "the server exited on running out");
        assert!(
            Instant::now() < deadline,
            "the server never ran out: {} of {limit} files open",
            server.open_fds()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Out of descriptors for a while: the server must wait, neither give up its listener nor
    // retry at once in a loop that takes a whole core.
    let ticks_before = server.cpu_ticks();
    let switches_before = server.server_context_switches();
    std::thread::sleep(Duration::from_secs(1));
    let ticks = server.cpu_ticks() - ticks_before;
    let switches = server.server_context_switches() - switches_before;
    assert!(
        ticks < 25,
        "{ticks}/100 s of CPU in 1 s of waiting for descriptors"
    );
    // The wait between tries grows: a few tries a second at most, not one per timer tick.
    assert!(
        switches < 200,
        "{switches} context switches in 1 s of waiting for descriptors"
    );
    assert!(server.is_running());
    drop(held);
    let response = wait_until_serving(&server);
    assert_eq!(response.status, 200, "the port closed after running out");
    assert!(server.is_running());
    let log = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        log.matches("warning: cannot accept connections").count(),
        1,
        "one warning for one spell of running out:\n{log}"
    );
}

#[test]
fn a_huge_header_is_refused_with_431_and_memory_stays_flat() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    for _ in 0..20 {
        assert_eq!(get(server.port, "/news/first/").status, 200);
    }
    let rss_before = server.status_field("VmRSS");
    let mut stream = TcpStream::connect(address(&server)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let filler = vec![b'a'; 64 * 1024];
        let mut sent = 0usize;
        let result = writer
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ")
            .and_then(|()| {
                // 64 MB of one header line.
                for _ in 0..1024 {
                    writer.write_all(&filler)?;
                    sent += filler.len();
                }
                writer.write_all(b"\r\n\r\n")
            });
        (sent, result.is_ok())
    });
    let mut received = Vec::new();
    let mut rss_peak = rss_before;
    let mut chunk = [0u8; 4096];
    loop {
        rss_peak = rss_peak.max(server.status_field("VmRSS"));
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
        }
    }
    let (sent, finished) = sender.join().unwrap();
    rss_peak = rss_peak.max(server.status_field("VmRSS"));
    let response = parse_response(&received, false);
    assert_eq!(
        response.status, 431,
        "after {sent} header bytes (all sent: {finished}): {}",
        response.headers
    );
    assert!(
        rss_peak < rss_before + 20 * 1024,
        "RSS went from {rss_before} kB to {rss_peak} kB"
    );
    assert_eq!(get(server.port, "/").status, 200);
}

#[test]
fn the_head_limit_is_the_documented_32_kib_to_the_byte() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    // The README's figure, not the crate's constant, which a change would carry along.
    let limit = 32 * 1024;
    // Heads of every size around the limit, split over one and over several headers.
    for size in (limit - 300..limit + 300)
        .step_by(37)
        .chain(limit - 3..=limit + 3)
        .chain([limit * 3 / 2, limit * 2])
    {
        for headers in [1, 7] {
            let start = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
            let line_overhead = "X-Fill-0: \r\n".len();
            let room = size - start.len() - 2 - headers * line_overhead;
            let mut raw = String::from(start);
            for i in 0..headers {
                let share = room / headers + usize::from(i < room % headers);
                raw.push_str(&format!("X-Fill-{i}: {}\r\n", "a".repeat(share)));
            }
            raw.push_str("\r\n");
            assert_eq!(raw.len(), size);
            let response = exchange(server.port, raw.as_bytes(), Duration::from_secs(10));
            let expected = if size <= limit { 200 } else { 431 };
            assert_eq!(
                response.status, expected,
                "a head of {size} bytes in {headers} headers"
            );
        }
    }
}

#[test]
fn a_long_url_is_refused_with_414() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    // The README's figure, not the crate's constant, which a change would carry along.
    let limit = 8 * 1024;
    let longest = format!("/{}", "a".repeat(limit - 1));
    assert_eq!(
        get(server.port, &longest).status,
        404,
        "a URL of {limit} bytes"
    );
    let one_more = format!("/{}", "a".repeat(limit));
    assert_eq!(get(server.port, &one_more).status, 414, "one byte more");
    let long = format!("/{}", "a".repeat(16 * 1024));
    assert_eq!(get(server.port, &long).status, 414);
    let endless = format!("/{}", "a".repeat(1024 * 1024));
    let response = get(server.port, &endless);
    assert!(
        matches!(response.status, 414 | 431),
        "a 1 MB URL: {}",
        response.headers
    );
    assert_eq!(get(server.port, "/").status, 200);
}

#[test]
fn idle_and_half_open_connections_need_no_thread_each() {
    allow_open_files(2_500);
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    let mut held = Vec::new();
    for i in 0..2_000 {
        let mut stream = TcpStream::connect(address(&server)).unwrap();
        match i % 3 {
            // Silent: connected, nothing sent.
            0 => {}
            // Half a request head, never finished.
            1 => stream
                .write_all(b"GET /news/first/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .unwrap(),
            // An open page's event stream, never read.
            _ => stream
                .write_all(b"GET /__briefing/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .unwrap(),
        }
        held.push(stream);
    }
    std::thread::sleep(Duration::from_millis(500));
    let threads = server.status_field("Threads");
    assert!(threads < 32, "{threads} threads for 2,000 connections");
    let page = get(server.port, "/news/first/");
    assert_eq!(page.status, 200, "a page while 2,000 connections wait");
    assert!(page.body.contains("First story"));
    assert!(server.status_field("Threads") < 32);
    drop(held);
    assert_eq!(get(server.port, "/").status, 200);
}

const ROUTES: &[&str] = &[
    "/",
    "/news/first/",
    "/css/site.css",
    "/atom.xml",
    "/no/such/page/",
    "/news",
    "/__briefing/events",
    "/__briefing/live-reload.js",
    "/__briefing/status",
];

fn with_host(port: u16, method: &str, path: &str, host: &str) -> Response {
    request_with(port, method, path, &[("Host", host)])
}

fn assert_refused(response: &Response, what: &str) {
    assert!(
        matches!(response.status, 421 | 403),
        "{what}: {}",
        response.headers
    );
    assert!(!response.timed_out, "{what}: no prompt answer");
    for leaked in ["First story", "event: hello", "EventSource", "generation"] {
        assert!(!response.body.contains(leaked), "{what} leaked {leaked:?}");
    }
}

#[test]
fn requests_for_other_hosts_are_refused_on_every_route() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    let port = server.port;
    let with_port = format!("evil.example:{port}");
    for path in ROUTES {
        for host in [
            "evil.example",
            &with_port,
            "localhost.evil.example",
            "127.0.0.2",
        ] {
            for method in ["GET", "HEAD"] {
                let response = with_host(port, method, path, host);
                assert_refused(&response, &format!("{method} {path} for {host}"));
            }
        }
    }
    let absolute = exchange(
        port,
        b"GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        Duration::from_secs(5),
    );
    assert_refused(&absolute, "an absolute URL naming another host");
    let no_host = exchange(
        port,
        b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        Duration::from_secs(5),
    );
    assert!(matches!(no_host.status, 400 | 403 | 421), "no Host header");

    let local_port = format!("localhost:{port}");
    let loopback_port = format!("127.0.0.1:{port}");
    let v6_port = format!("[::1]:{port}");
    for host in [
        "localhost",
        "LocalHost",
        &local_port,
        &loopback_port,
        "[::1]",
        &v6_port,
    ] {
        let response = with_host(port, "GET", "/news/first/", host);
        assert_eq!(response.status, 200, "Host: {host}");
    }
}

#[test]
fn allowed_host_admits_a_named_host_on_any_port() {
    let site = TestSite::fixture("basic");
    let server = start(
        &site,
        &[
            "--allowed-host",
            "preview.test",
            "--allowed-host",
            "Other.Example",
        ],
    );
    let port = server.port;
    for host in [
        "preview.test",
        "preview.test:8080",
        "PREVIEW.test",
        "other.example:1",
    ] {
        let page = with_host(port, "GET", "/news/first/", host);
        assert_eq!(page.status, 200, "Host: {host}");
        assert!(page.body.contains("First story"));
    }
    assert_eq!(with_host(port, "GET", "/", "localhost").status, 200);
    for host in [
        "evil.example",
        "sub.preview.test",
        "preview.test.evil.example",
    ] {
        assert_refused(&with_host(port, "GET", "/", host), host);
    }
}

#[test]
fn no_response_lets_other_origins_read_it() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    for path in ROUTES.iter().chain(&["/nope/../x"]) {
        for method in ["GET", "HEAD", "POST"] {
            let mut raw = format!(
                "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n"
            );
            if method == "POST" {
                raw = raw.replace("\r\n\r\n", "\r\nContent-Length: 0\r\n\r\n");
            }
            // The event stream never ends: its headers are all this needs.
            let response = exchange(server.port, raw.as_bytes(), Duration::from_secs(2));
            assert_ne!(response.status, 0, "{method} {path}");
            assert_eq!(
                response.header("Access-Control-Allow-Origin"),
                None,
                "{method} {path}"
            );
        }
    }
}

#[test]
fn head_answers_with_headers_only_on_every_route() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    for path in ROUTES {
        let head = request(server.port, "HEAD", path);
        assert!(!head.timed_out, "HEAD {path} did not end");
        assert!(head.body.is_empty(), "HEAD {path} sent a body");
        if *path == "/__briefing/events" {
            assert_eq!(head.status, 200);
            assert_eq!(head.header("Content-Type"), Some("text/event-stream"));
            // The stream has no length: a HEAD must not claim one.
            assert_eq!(head.header("Content-Length"), None);
            continue;
        }
        let get = get(server.port, path);
        assert_eq!(head.status, get.status, "HEAD {path}");
        assert_eq!(
            head.header("Content-Type"),
            get.header("Content-Type"),
            "HEAD {path}"
        );
        let length = get.body.len().to_string();
        assert_eq!(
            head.header("Content-Length"),
            Some(length.as_str()),
            "HEAD {path}"
        );
    }
}

#[test]
fn unknown_versions_and_garbage_get_a_prompt_400_or_505() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    let host = "\r\nHost: 127.0.0.1\r\n\r\n";
    let requests: Vec<Vec<u8>> = vec![
        format!("GET / HTTP/2.0{host}").into(),
        format!("GET / HTTP/3{host}").into(),
        format!("GET / HTTP/1.2{host}").into(),
        format!("GET / FTP/1.1{host}").into(),
        format!("GET /{host}").into(),
        format!("G\0T / HTTP/1.1{host}").into(),
        // A target without its leading slash, which parses as an authority.
        format!("GET index.html HTTP/1.1{host}").into(),
        format!("GET 127.0.0.1:80 HTTP/1.1{host}").into(),
        b"GARBAGE\r\n\r\n".to_vec(),
        // The start of a TLS ClientHello: someone typed https:// for the preview.
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n".to_vec(),
    ];
    for raw in &requests {
        let response = exchange(server.port, raw, Duration::from_secs(5));
        let shown = String::from_utf8_lossy(raw);
        assert!(!response.timed_out, "no prompt answer to {shown:?}");
        assert!(
            matches!(response.status, 400 | 505),
            "{shown:?}: {}",
            response.headers
        );
    }
    // HTTP/2's preface: a prompt refusal or a prompt close, never a wait.
    let preface = exchange(
        server.port,
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        Duration::from_secs(5),
    );
    assert!(!preface.timed_out, "the HTTP/2 preface hung");
    assert!(matches!(preface.status, 0 | 400 | 505));
    assert_eq!(get(server.port, "/").status, 200);
}

#[test]
fn files_are_served_with_the_types_browsers_expect() {
    let site = TestSite::fixture("basic");
    let server = start(&site, &[]);
    for (path, expected) in [
        ("/atom.xml", "application/atom+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
        ("/css/site.css", "text/css"),
        ("/news/first/", "text/html"),
        ("/__briefing/live-reload.js", "text/javascript"),
        ("/__briefing/status", "application/json"),
    ] {
        let response = get(server.port, path);
        assert_eq!(response.status, 200, "{path}");
        let content_type = response.header("Content-Type").unwrap_or_default();
        assert!(content_type.starts_with(expected), "{path}: {content_type}");
        assert_eq!(response.header("X-Content-Type-Options"), Some("nosniff"));
    }
}

#[test]
fn a_site_that_never_built_says_so_and_exits_1() {
    let site = TestSite::fixture("basic");
    site.replace("content/news/first.md", "title = ", "title = = ");
    let child = serve_command(&site, &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Server { child, port: 0 };
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve kept running with no site");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    server
        .child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    server
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/news/first.md:2:"), "{stderr}");
    assert!(stderr.contains("nothing to serve"), "{stderr}");
    assert!(!stderr.contains("last good build"), "{stderr}");
    assert!(!stdout.contains("Serving"), "{stdout}");
}

#[test]
fn the_last_port_can_be_served_on() {
    let site = TestSite::fixture("basic");
    let mut command = std::process::Command::new(common::BIN);
    command
        .args(["serve", "--port", "65535", "--root"])
        .arg(&site.root)
        .env("NO_COLOR", "1");
    let server = start_command(command);
    assert_eq!(server.port, 65535);
    assert_eq!(get(server.port, "/").status, 200);
}
