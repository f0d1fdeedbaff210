//! The address lines under each link in `ip address show` (iproute2's
//! `print_addrinfo`), and the address filters (`scope`, flags, `label`,
//! `to`).

use crate::ipobj::link::linkinfo::Env;
use crate::ipobj::out::Out;
use crate::netlink::address::{AF_INET, AF_INET6, Address, IFA_F_DEPRECATED, IFA_F_PERMANENT, IFA_F_SECONDARY};
use crate::netlink::link::Link;
use std::net::IpAddr;

/// A `to PREFIX` filter.
#[derive(Debug, Clone, Copy)]
pub struct Prefix {
    /// AF_INET, AF_INET6, or 0 for `default`/`any`/`all` without a family.
    pub family: u8,
    /// The address.
    pub addr: IpAddr,
    /// Bits that must match (0 matches everything).
    pub bits: u8,
}

/// iproute2's `get_addr_ipv4`: one to four dotted decimal parts, the
/// missing ones zero (`10` is 10.0.0.0).
fn ipv4_short(s: &str) -> Option<std::net::Ipv4Addr> {
    let mut octets = [0u8; 4];
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    for (o, p) in octets.iter_mut().zip(&parts) {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    Some(octets.into())
}

/// `get_netmask`: a length, or a dotted mask made of leading ones.
fn netmask_bits(s: &str) -> Option<u32> {
    if let Some(n) = crate::ipobj::link::listing::parse_c_unsigned(s.as_bytes()) {
        return u32::try_from(n).ok();
    }
    if s.contains('.') {
        let m = u32::from(ipv4_short(s)?);
        let bits = m.leading_ones();
        return (m.checked_shl(bits).unwrap_or(0) == 0).then_some(bits);
    }
    None
}

/// iproute2's `get_prefix` for the forms `show` accepts: `ADDR[/LEN]`
/// (short IPv4 forms and dotted masks too), `default`/`any`/`all`.
pub fn parse_prefix(word: &[u8], family: u8) -> Option<Prefix> {
    let s = std::str::from_utf8(word).ok()?;
    let (a, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    if matches!(a, "default" | "any" | "all") {
        if len.is_some() {
            return None;
        }
        // Any address of the given family (or of any family): matches all.
        let addr = if family == AF_INET6 { IpAddr::V6(0.into()) } else { IpAddr::V4(0.into()) };
        return Some(Prefix { family, addr, bits: 0 });
    }
    let addr: IpAddr = if a.contains(':') {
        if family == AF_INET {
            return None;
        }
        IpAddr::V6(a.parse().ok()?)
    } else {
        if family == AF_INET6 {
            return None;
        }
        IpAddr::V4(ipv4_short(a)?)
    };
    let fam = if addr.is_ipv4() { AF_INET } else { AF_INET6 };
    let max: u8 = if fam == AF_INET { 32 } else { 128 };
    let bits = match len {
        Some(l) => netmask_bits(l).filter(|&b| b <= max.into())? as u8,
        None => max,
    };
    Some(Prefix { family: fam, addr, bits })
}

/// iproute2's complaint about a bad prefix (it exits with status 1).
pub fn prefix_error(word: &std::ffi::OsStr, family: u8) {
    if family == 17 {
        crate::errln!("Error: \"", word, "\" may be inet prefix, but it is not allowed in this context.");
        return;
    }
    let what = match family {
        AF_INET => "inet",
        AF_INET6 => "inet6",
        _ => "any valid",
    };
    crate::errln!("Error: ", what, " prefix is expected rather than \"", word, "\".");
}

fn prefix_matches(p: &Prefix, a: Option<IpAddr>) -> bool {
    let Some(a) = a else { return true };
    if p.bits == 0 {
        return true;
    }
    let (x, y): (Vec<u8>, Vec<u8>) = match (a, p.addr) {
        (IpAddr::V4(x), IpAddr::V4(y)) => (x.octets().to_vec(), y.octets().to_vec()),
        (IpAddr::V6(x), IpAddr::V6(y)) => (x.octets().to_vec(), y.octets().to_vec()),
        _ => return false,
    };
    let bits = p.bits as usize;
    let full = bits / 8;
    if x[..full] != y[..full] {
        return false;
    }
    let rest = bits % 8;
    rest == 0 || (x[full] ^ y[full]) & (0xffu8 << (8 - rest)) == 0
}

/// The address part of the `show` filter.
#[derive(Debug, Clone, Default)]
pub struct AddrFilter {
    /// 0, AF_INET, AF_INET6 or AF_PACKET (17: links only).
    pub family: u8,
    /// Only this link (0: all).
    pub index: u32,
    /// `scope S`
    pub scope: u8,
    /// 0xff when a scope was given (0 for `scope all`).
    pub scopemask: u8,
    /// Flag values wanted, under `flagmask`.
    pub flags: u32,
    /// Which flags are filtered on.
    pub flagmask: u32,
    /// `label PATTERN` (shell glob).
    pub label: Option<Vec<u8>>,
    /// `to PREFIX`
    pub prefix: Option<Prefix>,
}

fn fnmatch(pattern: &[u8], name: &[u8]) -> bool {
    let (Ok(p), Ok(n)) = (std::ffi::CString::new(pattern), std::ffi::CString::new(name)) else { return false };
    // SAFETY: both are valid NUL-terminated strings that outlive the call.
    unsafe { libc::fnmatch(p.as_ptr(), n.as_ptr(), 0) == 0 }
}

impl AddrFilter {
    /// Does the address pass scope, flag, label and prefix filters?
    pub fn matches(&self, env: &mut Env<'_>, a: &Address) -> bool {
        if (self.scope ^ a.scope) & self.scopemask != 0 {
            return false;
        }
        if (self.flags ^ a.flags) & self.flagmask != 0 {
            return false;
        }
        if let Some(pat) = &self.label {
            let label = match &a.label {
                Some(l) => l.clone(),
                None => env.index_name(a.index).into_bytes(),
            };
            if !fnmatch(pat, &label) {
                return false;
            }
        }
        if let Some(p) = &self.prefix
            && !prefix_matches(p, a.local)
        {
            return false;
        }
        true
    }
}

/// `rtnl_rtscope_n2a`
pub fn scope_name(scope: u8, numeric: bool) -> String {
    if numeric {
        return scope.to_string();
    }
    match scope {
        0 => "global".into(),
        200 => "site".into(),
        253 => "link".into(),
        254 => "host".into(),
        255 => "nowhere".into(),
        s => s.to_string(),
    }
}

const FLAG_NAMES: &[(&str, u32)] = &[
    ("secondary", IFA_F_SECONDARY),
    ("temporary", IFA_F_SECONDARY),
    ("nodad", 0x02),
    ("optimistic", 0x04),
    ("dadfailed", 0x08),
    ("home", 0x10),
    ("deprecated", IFA_F_DEPRECATED),
    ("tentative", 0x40),
    ("permanent", IFA_F_PERMANENT),
    ("mngtmpaddr", 0x100),
    ("noprefixroute", 0x200),
    ("autojoin", 0x400),
    ("stable-privacy", 0x800),
];

fn print_flags(out: &mut Out, a: &Address) {
    let mut flags = a.flags;
    for &(name, mask) in FLAG_NAMES {
        if mask == IFA_F_PERMANENT {
            if flags & mask == 0 {
                out.boolean("dynamic", "dynamic ", true);
            }
        } else if flags & mask != 0 {
            if mask == IFA_F_SECONDARY && a.family == AF_INET6 {
                out.boolean("temporary", "temporary ", true);
            } else {
                out.text(format!("{name} "));
                out.json_bool(name, true);
            }
        }
        flags &= !mask;
    }
    if flags != 0 {
        if out.is_json() {
            out.json_string("ifa_flags", format!("{flags:02x}"));
        } else {
            out.text(format!("flags {flags:02x} "));
        }
    }
}

fn family_name(f: u8) -> Option<&'static str> {
    match f {
        AF_INET => Some("inet"),
        AF_INET6 => Some("inet6"),
        17 => Some("link"),
        28 => Some("mpls"),
        7 => Some("bridge"),
        _ => None,
    }
}

/// One address (`print_addrinfo`), inside its JSON object.
pub fn print_address(out: &mut Out, env: &mut Env<'_>, af: &AddrFilter, a: &Address, brief: bool) {
    if !af.matches(env, a) {
        return;
    }
    if out.is_oneline() && !brief {
        let dev = env.index_name(a.index);
        if out.is_json() {
            out.json_number("index", a.index as i32);
            out.json_string("dev", &dev);
        } else {
            out.text(format!("{}: {dev}", a.index));
        }
    }
    if !brief {
        match family_name(a.family) {
            Some(n) => out.string("family", "    ", n, " "),
            None => out.number("family_index", "    family ", a.family, " "),
        }
    }
    if let Some(local) = a.local {
        out.string("local", "", local.to_string(), "");
        if let Some(peer) = a.address
            && peer != local
        {
            out.text(" peer ");
            out.string("address", "", peer.to_string(), "");
        }
        out.number("prefixlen", "/", a.prefix_len, " ");
        if let Some(m) = a.metric {
            out.number("metric", "metric ", m, " ");
        }
    }
    if brief {
        return;
    }
    if let Some(b) = a.broadcast {
        out.text("brd ");
        out.string("broadcast", "", b.to_string(), " ");
    }
    if let Some(b) = a.anycast {
        out.text("any ");
        out.string("anycast", "", b.to_string(), " ");
    }
    out.string("scope", "scope ", scope_name(a.scope, env.numeric), " ");
    print_flags(out, a);
    if let Some(l) = &a.label {
        out.string("label", "", l, "");
    }
    if let Some(lt) = a.lifetimes {
        out.nl();
        out.text("       valid_lft ");
        if lt.valid == u32::MAX {
            out.json_number("valid_life_time", u32::MAX);
            out.text("forever");
        } else {
            out.number("valid_life_time", "", lt.valid, "sec");
        }
        out.text(" preferred_lft ");
        if lt.preferred == u32::MAX {
            out.json_number("preferred_life_time", u32::MAX);
            out.text("forever");
        } else if a.flags & IFA_F_DEPRECATED != 0 {
            out.number("preferred_life_time", "", lt.preferred as i32, "sec");
        } else {
            out.number("preferred_life_time", "", lt.preferred, "sec");
        }
    }
    out.text("\n");
}

/// `print_selected_addrinfo`: the link's addresses, as a JSON `addr_info`
/// array.
#[allow(clippy::too_many_arguments)]
pub fn print_addresses(
    out: &mut Out,
    env: &mut Env<'_>,
    af: &AddrFilter,
    link: &Link,
    addrs: &[Address],
    up: bool,
    brief: bool,
) {
    out.open_array("addr_info");
    for a in addrs {
        if a.index != link.index || (af.family != 0 && af.family != a.family) {
            continue;
        }
        if up && !link.is_up() {
            continue;
        }
        out.open_object(None);
        print_address(out, env, af, a, brief);
        out.close_object();
    }
    out.close_array();
    if brief {
        out.text("\n");
    }
}
