//! What `find` looks for: each `WHAT` word read as exactly one kind of
//! object, by its shape.
//!
//! | shape | read as |
//! |---|---|
//! | digits only (`1234`) | a process id |
//! | `:53`, `tcp:80`, `udp:67` | a listening port |
//! | an IPv4 or IPv6 address | an address |
//! | `ADDRESS/LEN` | a prefix (host bits are cleared: `10.1.1.7/24` is `10.1.1.0/24`) |
//! | 6 or more groups of 1–2 hex digits, `:`- or `-`-separated | a MAC (link-layer) address |
//! | anything else | an interface name or glob (`*`, `?`, `[…]`) and a process name |
//!
//! A word that looks like an address, a prefix or a port but is not a
//! valid one (`10.1.1.300`, `10.0.0.0/33`, `tcp:99999`, `10.1.1.1:80`) is
//! refused with the reason, rather than searched for as a name.

use ipnet::IpNet;
use std::fmt;
use std::net::IpAddr;

/// The transport protocol of a port query (`tcp:N`, `udp:N`): the one
/// the sockets are read with.
pub use crate::netlink::sock_diag::Proto;

/// One `WHAT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Who has this address on an interface, and each namespace's
    /// longest-prefix route to it.
    Address(IpAddr),
    /// Addresses inside the prefix, and routes inside it or containing
    /// it (but for default routes, which contain every prefix).
    Prefix(IpNet),
    /// Interfaces with this link-layer address, and neighbour entries
    /// pointing at it.
    Mac(Vec<u8>),
    /// Interfaces with this name (or alternative name), and processes
    /// with this command name. A glob matches interface names only.
    Name {
        /// The word as given.
        word: Vec<u8>,
        /// Set when the word has glob characters.
        glob: Option<Glob>,
    },
    /// The namespace of one process.
    Pid(u32),
    /// A listening socket on this port (any protocol when `None`).
    Port {
        /// `tcp:`, `udp:` or neither (`:N`).
        proto: Option<Proto>,
        /// The port.
        port: u16,
    },
}

/// Why a word is not a `WHAT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadWhat {
    /// The word, escaped for printing.
    pub word: String,
    /// Why, in words.
    pub why: String,
}

impl fmt::Display for BadWhat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" {}", self.word, self.why)
    }
}

impl Query {
    /// Read one word.
    pub fn parse(word: &[u8]) -> Result<Query, BadWhat> {
        let bad = |why: &str| BadWhat { word: crate::procscan::printable(word), why: why.to_string() };
        if word.is_empty() {
            return Err(bad(
                "is empty: give an address, prefix, MAC address, interface name, PID, process name or port",
            ));
        }
        if word.iter().all(u8::is_ascii_digit) {
            return match std::str::from_utf8(word).ok().and_then(|s| s.parse::<u32>().ok()) {
                Some(0) => Err(bad("is not a process id (0 is no process)")),
                Some(pid) if i32::try_from(pid).is_ok() => Ok(Query::Pid(pid)),
                _ => Err(bad("is not a process id (too large)")),
            };
        }
        // Not UTF-8: only a name can be that.
        let Ok(text) = std::str::from_utf8(word) else { return name(word) };
        if let Some(q) = port(text) {
            return q.map_err(|why| bad(&why));
        }
        if let Ok(a) = text.parse::<IpAddr>() {
            return Ok(Query::Address(a));
        }
        if let Some((addr, len)) = text.split_once('/') {
            if let Ok(net) = text.parse::<IpNet>() {
                return Ok(Query::Prefix(net.trunc()));
            }
            if let Ok(a) = addr.parse::<IpAddr>() {
                let max = if a.is_ipv4() { 32 } else { 128 };
                return Err(bad(&format!("is not a prefix: the length \"{len}\" is not a number from 0 to {max}")));
            }
            if looks_like_address(addr) {
                return Err(bad(&format!("is not a prefix: \"{addr}\" is not an IP address")));
            }
        }
        if let Some(mac) = mac(text) {
            return Ok(Query::Mac(mac));
        }
        if text.contains(':') {
            return Err(bad("is not an address, prefix, MAC address or port (ports are written :N, tcp:N or udp:N)"));
        }
        if looks_like_address(text) {
            return Err(bad("is not an IP address"));
        }
        name(word)
    }
}

fn name(word: &[u8]) -> Result<Query, BadWhat> {
    let glob = if word.iter().any(|c| b"*?[".contains(c)) {
        Some(Glob::new(word).map_err(|why| BadWhat { word: crate::procscan::printable(word), why })?)
    } else {
        None
    };
    Ok(Query::Name { word: word.to_vec(), glob })
}

/// Digits and dots with at least one dot: meant as an IPv4 address.
fn looks_like_address(s: &str) -> bool {
    s.contains('.') && s.bytes().all(|c| c.is_ascii_digit() || c == b'.')
}

/// `:N`, `tcp:N`, `udp:N`: `None` when the word is not port-shaped at all.
fn port(text: &str) -> Option<Result<Query, String>> {
    let lower = text.to_ascii_lowercase();
    let (proto, num) = if let Some(n) = lower.strip_prefix("tcp:") {
        (Some(Proto::Tcp), n)
    } else if let Some(n) = lower.strip_prefix("udp:") {
        (Some(Proto::Udp), n)
    } else if let Some(n) = lower.strip_prefix(':') {
        // `::1` and `::` are IPv6 addresses.
        if n.starts_with(':') {
            return None;
        }
        (None, n)
    } else {
        return None;
    };
    Some(match num.parse::<u16>() {
        Ok(port) if port > 0 && num.bytes().all(|c| c.is_ascii_digit()) => Ok(Query::Port { proto, port }),
        _ => Err(format!("is not a port: \"{num}\" is not a number from 1 to 65535")),
    })
}

/// A link-layer address: 6 to 32 groups of one or two hex digits, all
/// separated by `:` or all by `-`.
fn mac(text: &str) -> Option<Vec<u8>> {
    let sep = if text.contains(':') { ':' } else { '-' };
    let groups: Vec<&str> = text.split(sep).collect();
    if !(6..=32).contains(&groups.len()) {
        return None;
    }
    groups
        .iter()
        .map(|g| {
            if (1..=2).contains(&g.len()) && g.bytes().all(|c| c.is_ascii_hexdigit()) {
                u8::from_str_radix(g, 16).ok()
            } else {
                None
            }
        })
        .collect()
}

/// A shell-style pattern over bytes: `*` (any run), `?` (any one byte),
/// `[abc]`, `[a-z]`, `[!a-z]` or `[^a-z]` (one byte in, or not in, the
/// set), and `\` to take the next byte literally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob(Vec<Tok>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Byte(u8),
    One,
    Any,
    Set { negated: bool, ranges: Vec<(u8, u8)> },
}

impl Glob {
    /// Compile a pattern; an unclosed `[` is an error.
    pub fn new(pattern: &[u8]) -> Result<Glob, String> {
        let mut toks = Vec::new();
        let mut i = 0;
        while i < pattern.len() {
            let c = pattern[i];
            i += 1;
            toks.push(match c {
                b'*' => {
                    if toks.last() == Some(&Tok::Any) {
                        continue;
                    }
                    Tok::Any
                }
                b'?' => Tok::One,
                b'\\' if i < pattern.len() => {
                    i += 1;
                    Tok::Byte(pattern[i - 1])
                }
                b'[' => {
                    let negated = matches!(pattern.get(i), Some(b'!' | b'^'));
                    if negated {
                        i += 1;
                    }
                    let mut ranges = Vec::new();
                    let mut first = true;
                    loop {
                        let Some(&lo) = pattern.get(i) else {
                            return Err("is not a valid glob: a \"[\" is never closed by \"]\"".to_string());
                        };
                        // A `]` right after `[` or `[!` is a member.
                        if lo == b']' && !first {
                            i += 1;
                            break;
                        }
                        first = false;
                        if pattern.get(i + 1) == Some(&b'-') && pattern.get(i + 2).is_some_and(|&h| h != b']') {
                            let hi = pattern[i + 2];
                            ranges.push((lo.min(hi), lo.max(hi)));
                            i += 3;
                        } else {
                            ranges.push((lo, lo));
                            i += 1;
                        }
                    }
                    Tok::Set { negated, ranges }
                }
                c => Tok::Byte(c),
            });
        }
        Ok(Glob(toks))
    }

    /// Does the whole of `s` match?
    pub fn matches(&self, s: &[u8]) -> bool {
        let toks = &self.0;
        let (mut t, mut i) = (0, 0);
        // Where to resume after the last `*`: its token, and the byte it
        // would swallow next.
        let mut resume: Option<(usize, usize)> = None;
        while i < s.len() {
            let step = match toks.get(t) {
                Some(Tok::Any) => {
                    resume = Some((t, i));
                    t += 1;
                    continue;
                }
                Some(Tok::One) => true,
                Some(Tok::Byte(b)) => *b == s[i],
                Some(Tok::Set { negated, ranges }) => {
                    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&s[i])) != *negated
                }
                None => false,
            };
            if step {
                t += 1;
                i += 1;
            } else if let Some((st, si)) = resume {
                t = st + 1;
                i = si + 1;
                resume = Some((st, si + 1));
            } else {
                return false;
            }
        }
        toks[t..].iter().all(|k| *k == Tok::Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Query {
        Query::parse(s.as_bytes()).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn bad(s: &str) -> String {
        Query::parse(s.as_bytes()).expect_err(s).to_string()
    }

    #[test]
    fn each_shape_is_one_kind() {
        assert_eq!(q("1234"), Query::Pid(1234));
        assert_eq!(q("10.1.1.1"), Query::Address("10.1.1.1".parse().unwrap()));
        assert_eq!(q("fd00::1"), Query::Address("fd00::1".parse().unwrap()));
        assert_eq!(q("::1"), Query::Address("::1".parse().unwrap()));
        assert_eq!(q("10.1.1.7/24"), Query::Prefix("10.1.1.0/24".parse().unwrap()));
        assert_eq!(q("fd00::/64"), Query::Prefix("fd00::/64".parse().unwrap()));
        assert_eq!(q("FA:16:3e:00:0a:1"), Query::Mac(vec![0xfa, 0x16, 0x3e, 0, 0x0a, 1]));
        assert_eq!(q("fa-16-3e-00-0a-01"), Query::Mac(vec![0xfa, 0x16, 0x3e, 0, 0x0a, 1]));
        assert_eq!(q(":53"), Query::Port { proto: None, port: 53 });
        assert_eq!(q("tcp:80"), Query::Port { proto: Some(Proto::Tcp), port: 80 });
        assert_eq!(q("UDP:67"), Query::Port { proto: Some(Proto::Udp), port: 67 });
        assert_eq!(q("qg-e5b9712e-b0"), Query::Name { word: b"qg-e5b9712e-b0".to_vec(), glob: None });
        assert!(matches!(q("qg-*"), Query::Name { glob: Some(_), .. }));
        // A word of hex digits and dashes that is no MAC is a name.
        assert!(matches!(q("ab-cd-ef"), Query::Name { glob: None, .. }));
        assert!(matches!(q("kworker/u8"), Query::Name { glob: None, .. }));
    }

    #[test]
    fn near_misses_are_refused_with_the_reason() {
        assert!(bad("10.1.1.300").contains("is not an IP address"), "{}", bad("10.1.1.300"));
        assert!(bad("10.0.0.0/33").contains("not a number from 0 to 32"));
        assert!(bad("fd00::/129").contains("from 0 to 128"));
        assert!(bad("10.0.0/8").contains("\"10.0.0\" is not an IP address"));
        assert!(bad("tcp:99999").contains("is not a port"));
        assert!(bad(":0").contains("is not a port"));
        assert!(bad("10.1.1.1:80").contains("ports are written :N"));
        assert!(bad("0").contains("0 is no process"));
        assert!(bad("99999999999").contains("too large"));
        assert!(bad("").contains("is empty"));
        assert!(bad("eth[0").contains("never closed"));
        assert_eq!(bad("1.2.3.4.5"), "\"1.2.3.4.5\" is not an IP address");
    }

    #[test]
    fn globs_match_as_the_shell_does() {
        let g = |p: &str, s: &str| Glob::new(p.as_bytes()).unwrap().matches(s.as_bytes());
        assert!(g("qg-*", "qg-e5b9712e-b0"));
        assert!(!g("qg-*", "qr-e5b9712e-b0"));
        assert!(g("*e5b9*", "qg-e5b9712e-b0"));
        assert!(g("*", ""));
        assert!(g("eth?", "eth0"));
        assert!(!g("eth?", "eth10"));
        assert!(g("eth[0-3]", "eth2"));
        assert!(!g("eth[!0-3]", "eth2"));
        assert!(g("eth[^0-3]", "eth7"));
        assert!(g("[]a]x", "]x"));
        assert!(g("a\\*", "a*"));
        assert!(!g("a\\*", "ab"));
        assert!(g("*a*b*c", "xxaxxbxxbc"));
        assert!(!g("*a*b*c", "xxaxxbxxb"));
        assert!(g("**x", "abx"));
    }
}
