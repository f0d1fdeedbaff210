//! Addresses and prefixes as iproute2 reads and writes them: `get_addr`,
//! `get_prefix` (with `default`, `any`, `all`, `10.8` meaning 10.8.0.0,
//! dotted netmasks), their `Error: … is expected rather than "…".`
//! messages (exit 1), and glibc's `inet_ntop` text.

use super::cnum::{get_u32, strtoul};
use crate::ipobj::Exit;
use std::ffi::OsStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::ffi::OsStrExt;

// The families `read_family` knows, defined once in the netlink layer.
pub use crate::netlink::address::{AF_BRIDGE, AF_INET, AF_INET6, AF_MPLS, AF_PACKET, AF_UNSPEC};

/// iproute2's `inet_prefix`, reduced to what route and neighbour use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix {
    /// Family (AF_UNSPEC for `default`/`any` without a family).
    pub family: u8,
    /// The address; `None` for `any`/`all` and family-less `default`.
    pub addr: Option<IpAddr>,
    /// Bytes of address data to send (0: send no address attribute).
    pub bytelen: u8,
    /// Prefix length (`-1` for a plain address from `get_addr`).
    pub bitlen: i32,
    /// A `/N` was given (or `default`).
    pub len_given: bool,
}

/// `af_bit_len`
pub fn af_bit_len(family: u8) -> i32 {
    match family {
        AF_INET6 => 128,
        AF_INET => 32,
        AF_MPLS => 20,
        _ => 0,
    }
}

/// `family_name`
pub fn family_name(family: u8) -> &'static str {
    match family {
        AF_INET => "inet",
        AF_INET6 => "inet6",
        AF_PACKET => "link",
        AF_MPLS => "mpls",
        AF_BRIDGE => "bridge",
        _ => "???",
    }
}

/// `read_family`: `inet`, `inet6`, `link`, `mpls`, `bridge`, else AF_UNSPEC.
pub fn read_family(word: &[u8]) -> u8 {
    match word {
        b"inet" => AF_INET,
        b"inet6" => AF_INET6,
        b"link" => AF_PACKET,
        b"mpls" => AF_MPLS,
        b"bridge" => AF_BRIDGE,
        _ => AF_UNSPEC,
    }
}

fn zero_of(family: u8) -> Option<IpAddr> {
    match family {
        AF_INET => Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        AF_INET6 => Some(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
        _ => None,
    }
}

/// iproute2's IPv4 reading: up to four `strtoul(…, 0)` parts separated by
/// dots, missing parts zero (`10.8` is 10.8.0.0).
fn ipv4(s: &[u8]) -> Option<Ipv4Addr> {
    let mut out = [0u8; 4];
    let mut rest = s;
    for (i, slot) in out.iter_mut().enumerate() {
        let (n, _, end) = strtoul(rest, 0);
        if end == 0 || n > 255 {
            return None;
        }
        *slot = n as u8;
        if end == rest.len() {
            return Some(Ipv4Addr::from(out));
        }
        if i == 3 || rest[end] != b'.' {
            return None;
        }
        rest = &rest[end + 1..];
    }
    Some(Ipv4Addr::from(out))
}

/// `get_addr_1`
pub fn get_addr_1(name: &[u8], family: u8) -> Option<Prefix> {
    if name == b"default" {
        if family == AF_MPLS {
            return None;
        }
        let bytelen = (af_bit_len(family) / 8) as u8;
        return Some(Prefix { family, addr: zero_of(family), bytelen, bitlen: -2, len_given: true });
    }
    if name == b"all" || name == b"any" {
        if family == AF_MPLS {
            return None;
        }
        return Some(Prefix { family, addr: None, bytelen: 0, bitlen: -2, len_given: false });
    }
    if family == AF_PACKET || family == AF_MPLS {
        // Link-layer and MPLS addresses are not routes netns writes.
        return None;
    }
    if name.contains(&b':') {
        if family != AF_UNSPEC && family != AF_INET6 {
            return None;
        }
        let a: Ipv6Addr = std::str::from_utf8(name).ok()?.parse().ok()?;
        return Some(Prefix { family: AF_INET6, addr: Some(IpAddr::V6(a)), bytelen: 16, bitlen: -1, len_given: false });
    }
    if family != AF_UNSPEC && family != AF_INET {
        return None;
    }
    let a = ipv4(name)?;
    Some(Prefix { family: AF_INET, addr: Some(IpAddr::V4(a)), bytelen: 4, bitlen: -1, len_given: false })
}

/// `get_netmask`: a number, or a dotted netmask.
fn netmask(s: &[u8]) -> Option<u32> {
    if let Some(v) = get_u32(s, 0) {
        return Some(v);
    }
    let p = get_addr_1(s, AF_INET)?;
    let Some(IpAddr::V4(m)) = p.addr else { return None };
    let mask = u32::from(m);
    let host = !mask;
    if host & host.wrapping_add(1) != 0 {
        return None;
    }
    Some(mask.count_ones())
}

/// `get_prefix_1`
pub fn get_prefix_1(arg: &[u8], family: u8) -> Option<Prefix> {
    let (addr, len) = match arg.iter().position(|&c| c == b'/') {
        Some(i) => (&arg[..i], Some(&arg[i + 1..])),
        None => (arg, None),
    };
    let mut p = get_addr_1(addr, family)?;
    let mut bitlen = af_bit_len(p.family);
    match len {
        Some(len) => {
            if p.bitlen == -2 {
                return None;
            }
            let plen = netmask(len)?;
            if plen as i64 > i64::from(bitlen) {
                return None;
            }
            p.len_given = true;
            bitlen = plen as i32;
        }
        None if p.bitlen == -2 => bitlen = 0,
        None => {}
    }
    p.bitlen = bitlen;
    Some(p)
}

fn verbose_family(family: u8) -> &'static str {
    if family == AF_UNSPEC { "any valid" } else { family_name(family) }
}

/// `get_addr`: exits 1 with iproute2's message on failure.
pub fn get_addr(arg: &OsStr, family: u8) -> Result<Prefix, Exit> {
    get_addr_1(arg.as_bytes(), family).ok_or_else(|| {
        crate::errln!("Error: ", verbose_family(family), " address is expected rather than \"", arg, "\".");
        Exit::ERROR
    })
}

/// `get_prefix`: exits 1 with iproute2's message on failure.
pub fn get_prefix(arg: &OsStr, family: u8) -> Result<Prefix, Exit> {
    if family == AF_PACKET {
        crate::errln!("Error: \"", arg, "\" may be inet prefix, but it is not allowed in this context.");
        return Err(Exit::ERROR);
    }
    get_prefix_1(arg.as_bytes(), family).ok_or_else(|| {
        crate::errln!("Error: ", verbose_family(family), " prefix is expected rather than \"", arg, "\".");
        Exit::ERROR
    })
}

/// glibc's `inet_ntop`: IPv6 with the longest run of zero groups (two or
/// more, the first on a tie) as `::`, and the last 32 bits in dotted form
/// for IPv4-compatible and IPv4-mapped addresses.
pub fn ntop(a: &IpAddr) -> String {
    match a {
        IpAddr::V4(v) => v.to_string(),
        IpAddr::V6(v) => ntop6(v),
    }
}

fn ntop6(a: &Ipv6Addr) -> String {
    let w = a.segments();
    let (mut best, mut best_len) = (usize::MAX, 0);
    let mut i = 0;
    while i < 8 {
        if w[i] == 0 {
            let start = i;
            while i < 8 && w[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best = start;
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    if best_len < 2 {
        best = usize::MAX;
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if i == best {
            out.push(':');
            i += best_len;
            if i == 8 {
                out.push(':');
            }
            continue;
        }
        if i != 0 {
            out.push(':');
        }
        if i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff)) {
            let o = a.octets();
            out.push_str(&format!("{}.{}.{}.{}", o[12], o[13], o[14], o[15]));
            break;
        }
        out.push_str(&format!("{:x}", w[i]));
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ipv4_fills_with_zeros() {
        let p = get_prefix_1(b"10.8/16", AF_UNSPEC).unwrap();
        assert_eq!(p.addr, Some("10.8.0.0".parse().unwrap()));
        assert_eq!(p.bitlen, 16);
        assert!(get_prefix_1(b"10.0.0.0/33", AF_UNSPEC).is_none());
        assert_eq!(get_prefix_1(b"10.0.0.0/255.255.0.0", AF_INET).unwrap().bitlen, 16);
        assert!(get_prefix_1(b"1.2.3.4.5", AF_UNSPEC).is_none());
    }

    #[test]
    fn default_has_no_length() {
        let p = get_prefix_1(b"default", AF_UNSPEC).unwrap();
        assert_eq!((p.family, p.bitlen, p.bytelen), (AF_UNSPEC, 0, 0));
        assert!(get_prefix_1(b"default/0", AF_INET).is_none());
    }

    #[test]
    fn ntop_matches_glibc() {
        for (a, s) in [
            ("::", "::"),
            ("::1", "::1"),
            ("2001:db8::1", "2001:db8::1"),
            ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
            ("::2:3", "::0.2.0.3"),
            ("1:0:0:1:0:0:0:1", "1:0:0:1::1"),
            ("fe80::", "fe80::"),
            ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"),
        ] {
            assert_eq!(ntop(&a.parse().unwrap()), s, "{a}");
        }
    }
}
