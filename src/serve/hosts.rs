//! The names the preview answers to.
//!
//! A web page the user visits can point a domain of its own at 127.0.0.1 (DNS rebinding) and
//! then read the preview as if it were its own site. Its requests still carry its own domain in
//! the Host header, so answering only the preview's own names shuts it out.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hyper::http::uri::Authority;

/// Host names and addresses a request may name, on any port.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    names: Vec<String>,
    addresses: Vec<IpAddr>,
}

/// A Host header's host, without its port.
#[derive(Debug, PartialEq, Eq)]
enum Host {
    Name(String),
    Address(IpAddr),
}

impl AllowedHosts {
    /// localhost, 127.0.0.1, [::1] and the address listened on, plus `extra` (from
    /// [`parse_allowed_host`]).
    pub fn new(interface: IpAddr, extra: &[String]) -> AllowedHosts {
        let mut allowed = AllowedHosts {
            names: vec!["localhost".to_string()],
            addresses: vec![
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(Ipv6Addr::LOCALHOST),
                interface.to_canonical(),
            ],
        };
        for value in extra {
            match host_of(value) {
                Some(Host::Name(name)) => allowed.names.push(name),
                Some(Host::Address(ip)) => allowed.addresses.push(ip),
                None => {}
            }
        }
        allowed
    }

    /// Whether a Host header (or an absolute URL's authority) names this preview.
    pub fn admits(&self, authority: &str) -> bool {
        match host_of(authority) {
            Some(Host::Name(name)) => self.names.contains(&name),
            Some(Host::Address(ip)) => self.addresses.contains(&ip),
            None => false,
        }
    }
}

/// For `--allowed-host`: a host name or an IP address, with or without a port (ignored).
pub fn parse_allowed_host(value: &str) -> Result<String, String> {
    // A bare IPv6 address has colons that would read as a port.
    let value = match value.parse::<Ipv6Addr>() {
        Ok(ip) => format!("[{ip}]"),
        Err(_) => value.to_string(),
    };
    match host_of(&value) {
        Some(Host::Name(name)) => Ok(name),
        Some(Host::Address(IpAddr::V6(ip))) => Ok(format!("[{ip}]")),
        Some(Host::Address(ip)) => Ok(ip.to_string()),
        None => Err(format!(
            "`{value}` is not a host name or IP address (e.g. preview.test or 192.168.1.20)"
        )),
    }
}

fn host_of(authority: &str) -> Option<Host> {
    // A Host header never carries user information; an authority that does is not a host.
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority: Authority = authority.parse().ok()?;
    let host = authority.host();
    let port = authority.as_str().strip_prefix(host)?;
    if !port.is_empty()
        && !port
            .strip_prefix(':')
            .is_some_and(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner
            .parse::<Ipv6Addr>()
            .ok()
            .map(|ip| Host::Address(IpAddr::V6(ip).to_canonical()));
    }
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return Some(Host::Address(IpAddr::V4(ip)));
    }
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    valid.then(|| Host::Name(host.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> AllowedHosts {
        AllowedHosts::new(IpAddr::V4(Ipv4Addr::LOCALHOST), &[])
    }

    #[test]
    fn the_preview_names_are_admitted_on_any_port() {
        let hosts = loopback();
        for host in [
            "localhost",
            "LOCALHOST:1111",
            "127.0.0.1",
            "127.0.0.1:8080",
            "[::1]",
            "[::1]:1111",
            "[0:0:0:0:0:0:0:1]:1",
            "[::ffff:127.0.0.1]:1111",
        ] {
            assert!(hosts.admits(host), "{host}");
        }
    }

    #[test]
    fn other_names_are_refused() {
        let hosts = loopback();
        for host in [
            "",
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "127.0.0.2",
            "localhost@evil.example",
            "evil.example@localhost",
            "[::2]",
            "local host",
            "localhost:port",
        ] {
            assert!(!hosts.admits(host), "{host}");
        }
    }

    #[test]
    fn the_interface_and_allowed_hosts_are_admitted() {
        let extra: Vec<String> = ["Preview.Test:8080", "192.168.1.20", "fd00::1", "my-box.lan"]
            .iter()
            .map(|v| parse_allowed_host(v).unwrap())
            .collect();
        let hosts = AllowedHosts::new("10.0.0.5".parse().unwrap(), &extra);
        for host in [
            "10.0.0.5:1111",
            "preview.test",
            "PREVIEW.TEST:1",
            "192.168.1.20",
            "[fd00::1]:1111",
            "My-Box.lan:1111",
        ] {
            assert!(hosts.admits(host), "{host}");
        }
        assert!(!hosts.admits("sub.preview.test"));
        assert!(!hosts.admits("10.0.0.6"));
    }

    #[test]
    fn allowed_host_values_are_checked() {
        assert_eq!(parse_allowed_host("::1").unwrap(), "[::1]");
        assert_eq!(parse_allowed_host("Box.LAN").unwrap(), "box.lan");
        assert_eq!(parse_allowed_host("my-box.lan").unwrap(), "my-box.lan");
        for bad in ["", "a b", "user@host", "http://x/", "*.example"] {
            assert!(parse_allowed_host(bad).is_err(), "{bad}");
        }
    }
}
