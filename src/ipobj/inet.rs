//! Numbers, IP addresses, prefixes and hardware addresses read the way
//! iproute2 reads them (`get_unsigned`, `get_integer`, `get_addr`,
//! `get_prefix`, `ll_addr_a2n`), so that what one accepts the other accepts
//! and the error texts match: C `strtoul` rules for numbers (base 0 means
//! `0x` hex and leading-zero octal), `10.8` as `10.8.0.0`, dotted netmasks.

use crate::ipobj::Exit;
use crate::ipobj::Family;
use std::ffi::OsStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::ffi::OsStrExt;

/// iproute2's `get_unsigned(…, 0)`: a whole word, 0..=u32::MAX.
pub fn get_unsigned(word: &[u8]) -> Option<u32> {
    super::cnum::get_u32(word, 0)
}

/// iproute2's `get_u16(…, 0)`.
pub fn get_u16(word: &[u8]) -> Option<u16> {
    super::cnum::get_u16(word, 0)
}

/// iproute2's `get_integer(…, 0)`: a whole word in the range of `int`.
pub fn get_integer(word: &[u8]) -> Option<i32> {
    crate::ipobj::grammar::get_integer(word)
}

/// An address or prefix as iproute2's `inet_prefix` holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inet {
    /// AF_INET (2), AF_INET6 (10), or 0 for `default`/`any` without a family.
    pub family: u8,
    /// The address (empty for `any`/`all`).
    pub addr: Option<IpAddr>,
    /// Prefix length (the full length when none was written).
    pub bitlen: u8,
    /// A `/N` was written (or the word was `default`).
    pub prefix_given: bool,
    /// The word was `default`, `any` or `all`.
    pub wildcard: bool,
}

impl Inet {
    /// Is this a multicast address?
    pub fn is_multicast(&self) -> bool {
        self.addr.is_some_and(|a| a.is_multicast())
    }
}

fn family_code(f: Family) -> u8 {
    match f {
        Family::Inet => 2,
        Family::Inet6 => 10,
        Family::Link => 17,
        _ => 0,
    }
}

/// The family an address word needs, given the one already chosen.
pub fn family_of(f: Family) -> u8 {
    family_code(f)
}

fn ipv4_legacy(s: &[u8]) -> Option<Ipv4Addr> {
    let mut out = [0u8; 4];
    let mut rest = s;
    for (i, slot) in out.iter_mut().enumerate() {
        let (v, overflow, used) = super::cnum::strtoul(rest, 0);
        if used == 0 || overflow || v > 255 {
            return None;
        }
        *slot = v as u8;
        rest = &rest[used..];
        if rest.is_empty() {
            break;
        }
        if i == 3 || rest[0] != b'.' {
            return None;
        }
        rest = &rest[1..];
    }
    Some(Ipv4Addr::from(out))
}

/// iproute2's `get_addr_1`: `None` when the word is not an address of
/// `family` (0: either).
pub fn parse_addr(word: &[u8], family: u8) -> Option<Inet> {
    if word == b"default" || word == b"all" || word == b"any" {
        let full = match family {
            2 => 32,
            10 => 128,
            _ => 0,
        };
        return Some(Inet { family, addr: None, bitlen: full, prefix_given: word == b"default", wildcard: true });
    }
    if word.contains(&b':') {
        if family != 0 && family != 10 {
            return None;
        }
        let a: Ipv6Addr = std::str::from_utf8(word).ok()?.parse().ok()?;
        return Some(Inet { family: 10, addr: Some(IpAddr::V6(a)), bitlen: 128, prefix_given: false, wildcard: false });
    }
    if family != 0 && family != 2 {
        return None;
    }
    let a = ipv4_legacy(word)?;
    Some(Inet { family: 2, addr: Some(IpAddr::V4(a)), bitlen: 32, prefix_given: false, wildcard: false })
}

/// iproute2's `get_prefix_1`: an address with an optional `/LEN` or
/// `/NETMASK`.
pub fn parse_prefix(word: &[u8], family: u8) -> Option<Inet> {
    let (addr, len) = match word.iter().position(|&c| c == b'/') {
        Some(i) => (&word[..i], Some(&word[i + 1..])),
        None => (word, None),
    };
    let mut p = parse_addr(addr, family)?;
    match len {
        Some(len) => {
            if p.wildcard {
                return None;
            }
            let max = if p.family == 10 { 128 } else { 32 };
            let plen = get_unsigned(len).or_else(|| netmask_bits(len))?;
            if plen > max {
                return None;
            }
            p.bitlen = plen as u8;
            p.prefix_given = true;
        }
        None if p.wildcard => p.bitlen = 0,
        None => {}
    }
    Some(p)
}

fn netmask_bits(word: &[u8]) -> Option<u32> {
    let Some(IpAddr::V4(m)) = parse_addr(word, 2)?.addr else { return None };
    let mask = u32::from(m);
    let host = !mask;
    (host & host.wrapping_add(1) == 0).then(|| mask.count_ones())
}

fn family_words(family: u8) -> &'static str {
    match family {
        0 => "any valid",
        2 => "inet",
        10 => "inet6",
        17 => "link",
        _ => "???",
    }
}

/// iproute2's `get_addr`: the address, or `Error: inet address is expected
/// rather than "X".` and exit 1.
pub fn get_addr(word: &OsStr, family: u8) -> Result<Inet, Exit> {
    parse_addr(word.as_bytes(), family).ok_or_else(|| {
        crate::errln!("Error: ", family_words(family), " address is expected rather than \"", word, "\".");
        Exit::ERROR
    })
}

/// iproute2's `get_prefix`: the prefix, or `Error: inet prefix is expected
/// rather than "X".` and exit 1.
pub fn get_prefix(word: &OsStr, family: u8) -> Result<Inet, Exit> {
    if family == 17 {
        crate::errln!("Error: \"", word, "\" may be inet prefix, but it is not allowed in this context.");
        return Err(Exit::ERROR);
    }
    parse_prefix(word.as_bytes(), family).ok_or_else(|| {
        crate::errln!("Error: ", family_words(family), " prefix is expected rather than \"", word, "\".");
        Exit::ERROR
    })
}

/// iproute2's `ll_addr_a2n`: a hardware address (`aa:bb:…`, each part one
/// `%x` number up to 0xff, or a dotted IPv4 address), at most `max` bytes.
/// Prints `"X" is invalid lladdr.` and returns `None` on error.
pub fn ll_addr(word: &OsStr, max: usize) -> Option<Vec<u8>> {
    let bytes = word.as_bytes();
    let bad = || {
        crate::errln!("\"", word, "\" is invalid lladdr.");
        None
    };
    if bytes.contains(&b'.') {
        return match parse_addr(bytes, 2) {
            Some(Inet { addr: Some(IpAddr::V4(a)), .. }) if max >= 4 => Some(a.octets().to_vec()),
            Some(_) => None,
            None => bad(),
        };
    }
    let mut out = Vec::new();
    let mut parts = bytes.split(|&c| c == b':').peekable();
    while let Some(part) = parts.next() {
        if out.len() == max {
            break;
        }
        // sscanf("%x"): leading blanks, optional sign and 0x, then hex digits.
        let (v, overflow, used) = super::cnum::strtoul(part, 16);
        if used == 0 || overflow || v > 255 {
            crate::errln!("\"", OsStr::from_bytes(part), "\" is invalid lladdr.");
            return None;
        }
        out.push(v as u8);
        if parts.peek().is_none() {
            break;
        }
    }
    Some(out)
}

/// Is the word a valid `scope` (`rtnl_rtscope_a2n`): a name or 0..=255?
pub fn scope_code(word: &[u8]) -> Option<u8> {
    match word {
        b"global" => Some(0),
        b"nowhere" => Some(255),
        b"host" => Some(254),
        b"link" => Some(253),
        b"site" => Some(200),
        _ => {
            let (v, overflow, used) = super::cnum::strtoul(word, 0);
            if used == 0 || used != word.len() || overflow || v > 255 { None } else { Some(v as u8) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_strtoul() {
        assert_eq!(get_unsigned(b"1500"), Some(1500));
        assert_eq!(get_unsigned(b"0x10"), Some(16));
        assert_eq!(get_unsigned(b"010"), Some(8));
        assert_eq!(get_unsigned(b"-1"), None);
        assert_eq!(get_unsigned(b"12a"), None);
        assert_eq!(get_unsigned(b""), None);
        assert_eq!(get_unsigned(b"4294967296"), None);
        assert_eq!(get_integer(b"-1"), Some(-1));
        assert_eq!(get_integer(b"2147483648"), None);
        assert_eq!(get_integer(b" 7"), Some(7));
    }

    #[test]
    fn ipv4_is_read_the_legacy_way() {
        let p = parse_prefix(b"10.8/16", 0).unwrap();
        assert_eq!(p.addr, Some("10.8.0.0".parse().unwrap()));
        assert_eq!(p.bitlen, 16);
        assert!(parse_prefix(b"10.0.0.1/33", 0).is_none());
        assert!(parse_prefix(b"10.0.0.300/24", 0).is_none());
        assert_eq!(parse_prefix(b"10.0.0.1/255.255.255.0", 0).unwrap().bitlen, 24);
        assert!(parse_prefix(b"10.0.0.1/255.0.255.0", 0).is_none());
        assert!(parse_prefix(b"2001:db8::1/64", 2).is_none());
        assert_eq!(parse_prefix(b"2001:db8::1/64", 0).unwrap().family, 10);
    }

    #[test]
    fn lladdr_parts_are_hex_bytes() {
        assert_eq!(ll_addr(OsStr::new("02:00:00:00:00:01"), 32), Some(vec![2, 0, 0, 0, 0, 1]));
        assert_eq!(ll_addr(OsStr::new("2:0:0"), 32), Some(vec![2, 0, 0]));
        assert_eq!(ll_addr(OsStr::new("zz"), 32), None);
        assert_eq!(ll_addr(OsStr::new("100:0"), 32), None);
    }

    #[test]
    fn scopes() {
        assert_eq!(scope_code(b"link"), Some(253));
        assert_eq!(scope_code(b"7"), Some(7));
        assert_eq!(scope_code(b"256"), None);
        assert_eq!(scope_code(b"bogus"), None);
    }
}
