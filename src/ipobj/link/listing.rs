//! `ip link show` and `ip address show` are one command in iproute2
//! (`ipaddr_list_flush_or_save`): the same filter words, the same link
//! records; `address` adds each link's addresses. Both live here.

use super::linkinfo::{Env, nl_error, print_link, print_link_brief, print_link_stats};
use crate::ipobj::address::addrinfo::{AddrFilter, print_addresses};
use crate::ipobj::args::{Args, duparg2, invarg};
use crate::ipobj::out::Out;
use crate::ipobj::{Code, Ctx, Exit, Family, Status};
use crate::netlink::address::{AF_PACKET, AddressQuery, IFA_F_PERMANENT, IFA_F_SECONDARY};
use crate::netlink::link::{Link, LinkQuery};
use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::sync::atomic::{AtomicBool, Ordering};

/// The filter words of `show` (iproute2's `struct link_filter`).
#[derive(Default)]
struct LinkFilter {
    up: bool,
    /// `Some(None)`: `nomaster`.
    master: Option<Option<u32>>,
    kind: Option<Vec<u8>>,
    slave_kind: Option<Vec<u8>>,
    group: Option<u32>,
}

/// Address flag words usable as filters: (name, mask).
const FLAG_WORDS: &[(&str, u32)] = &[
    ("secondary", IFA_F_SECONDARY),
    ("temporary", IFA_F_SECONDARY),
    ("nodad", 0x02),
    ("optimistic", 0x04),
    ("dadfailed", 0x08),
    ("home", 0x10),
    ("deprecated", 0x20),
    ("tentative", 0x40),
    ("permanent", IFA_F_PERMANENT),
    ("mngtmpaddr", 0x100),
    ("noprefixroute", 0x200),
    ("autojoin", 0x400),
    ("stable-privacy", 0x800),
];

fn flag_filter(word: &[u8], a: &mut AddrFilter) -> bool {
    let (inv, word) = match word.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, word),
    };
    let (inv, word): (bool, &[u8]) = match word {
        b"dynamic" => (!inv, b"permanent"),
        b"primary" => (!inv, b"secondary"),
        w => (inv, w),
    };
    let Some(&(_, mask)) = FLAG_WORDS.iter().find(|(n, _)| n.as_bytes() == word) else { return false };
    if inv {
        a.flags &= !mask;
    } else {
        a.flags |= mask;
    }
    a.flagmask |= mask;
    true
}

/// `rtnl_rtscope_a2n`
pub fn scope_number(word: &[u8]) -> Option<u8> {
    match word {
        b"global" => Some(0),
        b"site" => Some(200),
        b"link" => Some(253),
        b"host" => Some(254),
        b"nowhere" => Some(255),
        w => crate::ipobj::link::listing::parse_c_unsigned(w).filter(|&v| v <= 255).map(|v| v as u8),
    }
}

/// `strtoul(…, 0)` as iproute2's `get_unsigned` uses it: decimal, `0x` hex
/// or leading-zero octal, the whole word.
pub fn parse_c_unsigned(w: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(w).ok()?;
    let (digits, radix) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (h, 16)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    if digits.is_empty() {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// `ll_name_to_index`: a link name, else `ifN`; 0 when neither exists.
fn name_to_index(env: &mut Env<'_>, name: &[u8]) -> u32 {
    if let Ok(s) = std::str::from_utf8(name)
        && let Ok(Some(link)) = env.nl.link_by_name_with(s, LinkQuery::default())
    {
        env.remember(&link);
        return link.index;
    }
    name.strip_prefix(b"if")
        .and_then(|d| {
            let n = d.iter().take_while(|c| c.is_ascii_digit()).count();
            std::str::from_utf8(&d[..n]).ok()?.parse::<u32>().ok()
        })
        .unwrap_or(0)
}

/// Set once a `link` listing has run. iproute2 keeps `do_link` in a static
/// that nothing resets, so in a batch file every `address show` after a
/// `link show` prints like `link show` (`mode DEFAULT`, and only the link
/// record under `dev X`); netns reproduces that.
static LINK_LISTED: AtomicBool = AtomicBool::new(false);

/// `link show …` (`link_cmd`) or `address show …`.
pub fn list(ctx: &mut Ctx, mut args: Args<'_>, link_cmd: bool, usage: fn() -> Status) -> Status {
    if link_cmd {
        LINK_LISTED.store(true, Ordering::Relaxed);
    }
    let do_link = link_cmd || LINK_LISTED.load(Ordering::Relaxed);
    let opts = ctx.opts.clone();
    let run_dir = ctx.run.path().to_path_buf();
    let family: u8 = if link_cmd {
        AF_PACKET
    } else {
        match opts.family {
            Family::Any => 0,
            Family::Inet => 2,
            Family::Inet6 => 10,
            Family::Link => AF_PACKET,
            Family::Other => 0,
        }
    };
    let mut filter = LinkFilter::default();
    let mut af = AddrFilter { family, ..AddrFilter::default() };
    let mut dev: Option<&OsStr> = None;
    let mut master_name: Option<&OsStr> = None;
    while let Some(w) = args.next_word() {
        let b = w.as_bytes();
        if b == b"to" {
            let v = args.value()?;
            match (af.family != AF_PACKET)
                .then(|| crate::ipobj::address::addrinfo::parse_prefix(v.as_bytes(), af.family))
                .flatten()
            {
                Some(p) => {
                    if af.family == 0 {
                        af.family = p.family;
                    }
                    af.prefix = Some(p);
                }
                None => {
                    crate::ipobj::address::addrinfo::prefix_error(v, af.family);
                    return Err(Exit::ERROR);
                }
            }
        } else if b == b"scope" {
            let v = args.value()?;
            af.scopemask = 0xff;
            match scope_number(v.as_bytes()) {
                Some(s) => af.scope = s,
                None if v.as_bytes() == b"all" => {
                    af.scope = 255;
                    af.scopemask = 0;
                }
                None => return Err(invarg("invalid \"scope\"\n", v)),
            }
        } else if b == b"up" {
            filter.up = true;
        } else if flag_filter(b, &mut af) {
        } else if b == b"label" {
            af.label = Some(args.value()?.as_bytes().to_vec());
        } else if b == b"group" {
            let v = args.value()?;
            match v.as_bytes() {
                b"default" => filter.group = Some(0),
                g => match parse_c_unsigned(g).filter(|&n| n <= u32::MAX as u64) {
                    Some(n) => filter.group = Some(n as u32),
                    None => return Err(invarg("Invalid \"group\" value\n", v)),
                },
            }
        } else if b == b"master" {
            master_name = Some(args.value()?);
        } else if b == b"vrf" {
            let v = args.value()?;
            return Err(invarg("Not a valid VRF name\n", v));
        } else if b == b"nomaster" {
            filter.master = Some(None);
        } else if b == b"type" {
            let v = args.value()?.as_bytes();
            match v.strip_suffix(b"_slave") {
                Some(k) if v.len() >= 6 => filter.slave_kind = Some(k.to_vec()),
                _ => filter.kind = Some(v.to_vec()),
            }
        } else {
            let name = if b == b"dev" {
                args.value()?
            } else {
                if crate::ipobj::grammar::matches(b, "help") {
                    return usage();
                }
                w
            };
            if dev.is_some() {
                return Err(duparg2("dev", name));
            }
            dev = Some(name);
        }
    }

    let nl = ctx.netlink()?;
    let mut env = Env {
        nl,
        names: HashMap::new(),
        run_dir,
        ns_names: None,
        do_link,
        stats: opts.stats,
        details: opts.details,
        human: opts.human,
        iec: opts.iec,
        family: af.family,
        numeric: opts.numeric,
    };
    if let Some(m) = master_name {
        let idx = name_to_index(&mut env, m.as_bytes());
        if idx == 0 {
            return Err(invarg("Device does not exist\n", m));
        }
        filter.master = Some(Some(idx));
    }
    let mut ifindex = 0;
    if let Some(d) = dev {
        ifindex = name_to_index(&mut env, d.as_bytes());
        if ifindex == 0 {
            crate::errln!("Device \"", d, "\" does not exist.");
            return Ok(Code::FAILED);
        }
    }
    af.index = ifindex;
    // iproute2 dumps links with the global family (-4/-6; AF_PACKET under
    // `link`), but asks for one link by index with the filter's family,
    // which `to PREFIX` may have set.
    let preferred = if link_cmd || family == AF_PACKET { 0 } else { family };
    let query = LinkQuery { stats: opts.stats > 0, family: preferred };
    let index_query = LinkQuery { family: if af.family == AF_PACKET { 0 } else { af.family }, ..query };
    let single_get = ifindex != 0 && do_link && filter.group.is_none();
    let links: Vec<Link> = if ifindex != 0 {
        // `link show dev X` asks by name, `address show dev X` by index;
        // either way one RTM_GETLINK.
        let got = match (single_get, dev.and_then(|d| d.to_str())) {
            (true, Some(name)) => env.nl.link_by_name_with(name, query),
            (true, None) => Ok(None),
            (false, _) => env.nl.link_by_index_with(ifindex, index_query),
        };
        match got {
            Ok(Some(l)) => vec![l],
            Ok(None) => {
                eprintln!("RTNETLINK answers: No such device");
                if single_get {
                    eprintln!("Cannot send link get request: No such device");
                    return Err(Exit::ERROR);
                }
                eprintln!("Cannot send link request: No such device");
                return Ok(Code::SUCCESS);
            }
            Err(e) => {
                nl_error(&e);
                return Ok(Code::FAILED);
            }
        }
    } else {
        match env.nl.links_with(query) {
            Ok(l) => l,
            Err(e) => {
                nl_error(&e);
                eprintln!("Dump terminated");
                return Ok(Code::FAILED);
            }
        }
    };
    for l in &links {
        env.remember(l);
    }
    // Under `dev X` with `do_link` iproute2 prints the link record only.
    let addrs = if af.family != AF_PACKET && !single_get {
        let q = AddressQuery { family: af.family, index: ifindex };
        match env.nl.addresses_with(q) {
            Ok(a) => Some(a),
            Err(e) => {
                nl_error(&e);
                eprintln!("Dump terminated");
                return Ok(Code::FAILED);
            }
        }
    } else {
        None
    };

    let mut out = Out::new(opts.json, opts.pretty, opts.oneline);
    // Only AF_UNSPEC/AF_PACKET dump requests carry the master and kind
    // filters; the kernel then leaves other links out entirely.
    let kernel_filtered = ifindex == 0 && preferred == 0;
    out.start_list();
    for link in &links {
        if let Some(addrs) = &addrs {
            // `ipaddr_filter`: only links with a matching address, or with
            // none at all when no family was asked for.
            let mut any = false;
            let mut matched = false;
            for a in addrs.iter().filter(|a| a.index == link.index) {
                any = true;
                if af.matches(&mut env, a) {
                    matched = true;
                    break;
                }
            }
            let keep = matched || (!any && af.family == 0);
            if !keep {
                continue;
            }
        }
        if kernel_filtered && !kernel_keeps(&filter, link) {
            continue;
        }
        out.open_object(None);
        let res = if opts.oneline && !do_link && !opts.brief { 0 } else { link_res(&filter, link, &af) };
        let res = match res {
            r if r > 0 && opts.brief => {
                print_link_brief(&mut out, &mut env, link);
                0
            }
            r if r > 0 => {
                print_link(&mut out, &mut env, link);
                r
            }
            r => r,
        };
        if res >= 0
            && let Some(addrs) = &addrs
        {
            print_addresses(&mut out, &mut env, &af, link, addrs, filter.up, opts.brief);
        }
        if res > 0 && !do_link && opts.stats > 0 {
            print_link_stats(&mut out, &env, link);
            out.nl();
        }
        out.close_object();
        if single_get {
            break;
        }
    }
    out.end_list();
    let bytes = out.finish();
    ctx.write(&bytes);
    Ok(Code::SUCCESS)
}

/// The filters a dump request carries (IFLA_MASTER, IFLA_INFO_KIND): the
/// kernel leaves such links out of the dump altogether.
fn kernel_keeps(f: &LinkFilter, link: &Link) -> bool {
    match f.master {
        Some(Some(m)) if link.master != Some(m) => return false,
        Some(None) if link.master.is_some() => return false,
        _ => {}
    }
    if let Some(k) = &f.kind {
        return link.kind().is_some_and(|kd| kd.as_bytes() == k.as_slice());
    }
    true
}

/// What `print_linkinfo` does with a link: -1 filtered out (nothing is
/// printed but the JSON object around it), 0 no link record but its
/// addresses (`label` filter), 1 printed.
fn link_res(f: &LinkFilter, link: &Link, af: &AddrFilter) -> i32 {
    if f.up && !link.is_up() {
        return -1;
    }
    if af.label.is_some() {
        return 0;
    }
    if let Some(g) = f.group
        && let Some(lg) = link.group
        && lg != g
    {
        return -1;
    }
    if let Some(Some(m)) = f.master
        && link.master != Some(m)
    {
        return -1;
    }
    if let Some(k) = &f.kind {
        let kind = link.info.as_ref().map(|i| i.kind.as_deref().unwrap_or(""));
        if kind.is_none_or(|kd| kd.as_bytes() != k.as_slice()) {
            return -1;
        }
    }
    if let Some(k) = &f.slave_kind {
        let kind = link.info.as_ref().map(|i| i.port_kind.as_deref().unwrap_or(""));
        if kind.is_none_or(|kd| kd.as_bytes() != k.as_slice()) {
            return -1;
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_strtoul_base_0() {
        assert_eq!(parse_c_unsigned(b"10"), Some(10));
        assert_eq!(parse_c_unsigned(b"0x10"), Some(16));
        assert_eq!(parse_c_unsigned(b"010"), Some(8));
        assert_eq!(parse_c_unsigned(b"0"), Some(0));
        assert_eq!(parse_c_unsigned(b"x"), None);
    }

    #[test]
    fn scopes_by_name_and_number() {
        assert_eq!(scope_number(b"host"), Some(254));
        assert_eq!(scope_number(b"link"), Some(253));
        assert_eq!(scope_number(b"0xfd"), Some(253));
        assert_eq!(scope_number(b"256"), None);
        assert_eq!(scope_number(b"all"), None);
    }

    #[test]
    fn flag_words_and_their_negations() {
        let mut a = AddrFilter::default();
        assert!(flag_filter(b"dynamic", &mut a));
        assert_eq!((a.flags, a.flagmask), (0, IFA_F_PERMANENT));
        assert!(flag_filter(b"-tentative", &mut a));
        assert_eq!(a.flagmask, IFA_F_PERMANENT | 0x40);
        assert!(!flag_filter(b"bogus", &mut a));
    }
}
