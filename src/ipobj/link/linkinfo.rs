//! The link record `ip link show` prints, and `ip address show` prints
//! above each link's addresses (iproute2's `print_linkinfo`).

use super::format::lladdr;
use super::kinds;
use super::names::{gen_mode_name, group_name, link_type_name};
use super::stats::print_stats;
use crate::ipobj::out::Out;
use crate::netlink::link::{IFF_POINTOPOINT, IFF_RUNNING, IFF_UP, Link, LinkQuery};
use crate::netlink::{Netlink, NlError};
use std::collections::HashMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// What the printers need beyond the link itself: names of other links
/// (master, lower device), the names of namespaces by nsid, and options.
pub struct Env<'a> {
    /// The socket (for links not in the dump, as `ll_index_to_name` does).
    pub nl: &'a mut Netlink,
    /// index -> (name, flags) of the links known so far.
    pub names: HashMap<u32, (String, u32)>,
    /// Run directory, to name namespaces by nsid (`link-netns NAME`).
    pub run_dir: PathBuf,
    /// nsid -> name, filled on first use.
    pub ns_names: Option<Vec<(i32, OsString)>>,
    /// `ip link` (true) or `ip address` (false).
    pub do_link: bool,
    /// `-s` count.
    pub stats: u8,
    /// `-d` count.
    pub details: u8,
    /// `-h`
    pub human: bool,
    /// `-iec`
    pub iec: bool,
    /// The address family filter: 0 any, 17 link (AF_PACKET), 2, 10.
    pub family: u8,
    /// `-Numeric`: types, groups and scopes as numbers.
    pub numeric: bool,
}

impl Env<'_> {
    /// Remember a link's name and flags.
    pub fn remember(&mut self, link: &Link) {
        self.names.insert(link.index, (link.name.clone(), link.flags));
    }

    fn lookup(&mut self, index: u32) -> Option<(String, u32)> {
        if let Some(v) = self.names.get(&index) {
            return Some(v.clone());
        }
        let link = self.nl.link_by_index_with(index, LinkQuery::default()).ok().flatten()?;
        self.remember(&link);
        Some((link.name, link.flags))
    }

    /// `ll_index_to_name`: the name, or `if<N>` for an unknown index, `*` for 0.
    pub fn index_name(&mut self, index: u32) -> String {
        if index == 0 {
            return "*".to_string();
        }
        self.lookup(index).map(|(n, _)| n).unwrap_or_else(|| format!("if{index}"))
    }

    fn index_flags(&mut self, index: u32) -> u32 {
        self.lookup(index).map(|(_, f)| f).unwrap_or(0)
    }

    /// The name of the namespace this namespace calls `nsid`.
    fn ns_name(&mut self, nsid: i32) -> Option<OsString> {
        if self.ns_names.is_none() {
            self.ns_names = Some(self.load_ns_names());
        }
        self.ns_names.as_ref()?.iter().find(|(id, _)| *id == nsid).map(|(_, n)| n.clone())
    }

    fn load_ns_names(&mut self) -> Vec<(i32, OsString)> {
        let Ok(dir) = std::fs::read_dir(&self.run_dir) else { return Vec::new() };
        let mut names = Vec::new();
        let mut files = Vec::new();
        for entry in dir.flatten() {
            if let Ok(f) = std::fs::File::open(entry.path()) {
                names.push(entry.file_name());
                files.push(f);
            }
        }
        use std::os::fd::AsFd;
        let fds: Vec<_> = files.iter().map(|f| Some(f.as_fd())).collect();
        let ids = self.nl.nsids_of_fds(&fds);
        names.into_iter().zip(ids).filter_map(|(n, id)| Some((id.ok()??, n))).collect()
    }
}

const OPER_STATES: [&str; 7] = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"];

/// IFF_* names in iproute2's order.
const FLAG_NAMES: &[(u32, &str)] = &[
    (0x8, "LOOPBACK"),
    (0x2, "BROADCAST"),
    (0x10, "POINTOPOINT"),
    (0x1000, "MULTICAST"),
    (0x80, "NOARP"),
    (0x200, "ALLMULTI"),
    (0x100, "PROMISC"),
    (0x400, "MASTER"),
    (0x800, "SLAVE"),
    (0x4, "DEBUG"),
    (0x8000, "DYNAMIC"),
    (0x4000, "AUTOMEDIA"),
    (0x2000, "PORTSEL"),
    (0x20, "NOTRAILERS"),
    (0x1, "UP"),
    (0x10000, "LOWER_UP"),
    (0x20000, "DORMANT"),
    (0x40000, "ECHO"),
];

/// `<FLAG,FLAG,…> ` / `"flags": [ … ]`.
pub fn print_flags(out: &mut Out, flags: u32, m_down: bool) {
    out.open_array("flags");
    out.text("<");
    let mut flags = flags;
    if flags & IFF_UP != 0 && flags & IFF_RUNNING == 0 {
        out.text("NO-CARRIER,");
        out.json_element("NO-CARRIER");
    }
    flags &= !IFF_RUNNING;
    for &(bit, name) in FLAG_NAMES {
        if flags & bit != 0 {
            flags &= !bit;
            out.text(name);
            if flags != 0 {
                out.text(",");
            }
            out.json_element(name);
        }
    }
    if flags != 0 {
        let h = format!("{flags:x}");
        out.text(&h);
        out.json_element(&h);
    }
    if m_down {
        out.text(",M-DOWN");
        out.json_element("M-DOWN");
    }
    out.close_array();
    out.text("> ");
}

/// `print_name_and_link`: `name@lower` and the JSON `link`/`link_index`;
/// returns whether the lower device is down (M-DOWN).
fn print_name_and_link(out: &mut Out, env: &mut Env<'_>, link: &Link, brief: bool) -> bool {
    let mut m_down = false;
    let mut shown = link.name.clone();
    if let Some(iflink) = link.parent {
        let mut lower = None;
        if iflink != 0 {
            if link.link_netnsid.is_some() {
                if out.is_json() {
                    out.json_number("link_index", iflink as i32);
                } else {
                    lower = Some(format!("if{iflink}"));
                }
            } else {
                let name = env.index_name(iflink);
                if out.is_json() {
                    out.json_string("link", &name);
                } else {
                    lower = Some(name);
                }
                m_down = env.index_flags(iflink) & IFF_UP == 0;
            }
        } else if out.is_json() {
            out.json_null("link");
        } else {
            lower = Some("NONE".to_string());
        }
        if let Some(l) = lower {
            shown = format!("{shown}@{l}");
            shown.truncate(63);
        }
    }
    if brief {
        out.json_string("ifname", &shown);
        out.text(format!("{shown:<16} "));
    } else {
        out.string("ifname", "", &shown, ": ");
    }
    m_down
}

/// `-brief`: one line per link, `NAME STATE [MAC FLAGS]` (the MAC and
/// flags under `link show` only; `address show` adds the addresses).
pub fn print_link_brief(out: &mut Out, env: &mut Env<'_>, link: &Link) {
    let m_down = print_name_and_link(out, env, link, true);
    if let Some(s) = link.operstate {
        match OPER_STATES.get(s as usize) {
            Some(name) => {
                out.json_string("operstate", name);
                out.text(format!("{name:<14} "));
            }
            None if out.is_json() => out.json_number("operstate_index", s),
            None => out.text(format!("state {s:#x}")),
        }
    }
    if env.family == 17 {
        if let Some(a) = &link.address {
            out.string("address", "", lladdr(a, link.link_type), " ");
        }
        print_flags(out, link.flags, m_down);
        out.text("\n");
    }
}

/// SIOCGIFTXQLEN for a link whose message carried no queue length.
fn txqlen_ioctl(name: &str) -> Option<i32> {
    const SIOCGIFTXQLEN: libc::c_ulong = 0x8942;
    #[repr(C)]
    struct IfReq {
        name: [u8; 16],
        qlen: i32,
        pad: [u8; 20],
    }
    if name.len() >= 16 {
        return None;
    }
    let mut req = IfReq { name: [0; 16], qlen: 0, pad: [0; 20] };
    req.name[..name.len()].copy_from_slice(name.as_bytes());
    // SAFETY: plain socket(2); the descriptor is closed below.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return None;
    }
    // SAFETY: `req` is a properly sized, initialised struct ifreq that
    // outlives the call; SIOCGIFTXQLEN only writes ifr_qlen.
    let rc = unsafe { libc::ioctl(fd, SIOCGIFTXQLEN, &mut req as *mut IfReq) };
    let err = std::io::Error::last_os_error();
    // SAFETY: `fd` was opened above and is not used again.
    unsafe { libc::close(fd) };
    if rc < 0 {
        eprintln!("ioctl(SIOCGIFTXQLEN) failed: {}", crate::sys::io_text(&err));
        return None;
    }
    Some(req.qlen)
}

fn print_operstate(out: &mut Out, state: u8) {
    match OPER_STATES.get(state as usize) {
        None if out.is_json() => out.json_number("operstate_index", state),
        None => out.text(format!("state {:#x}", state)),
        Some(s) => out.string("operstate", "state ", s, " "),
    }
}

const LINK_EVENTS: [&str; 7] =
    ["NONE", "REBOOT", "FEATURE CHANGE", "BONDING FAILOVER", "NOTIFY PEERS", "RESEND IGMP", "BONDING OPTION"];

/// Print one link record (without the JSON object around it); the
/// filters have been applied by the caller.
pub fn print_link(out: &mut Out, env: &mut Env<'_>, link: &Link) {
    out.number("ifindex", "", link.index as i32, ": ");
    let m_down = print_name_and_link(out, env, link, false);
    print_flags(out, link.flags, m_down);
    if let Some(mtu) = link.mtu {
        out.number("mtu", "mtu ", mtu, " ");
    }
    if let Some(q) = &link.qdisc {
        out.string("qdisc", "qdisc ", q, " ");
    }
    if let Some(m) = link.master {
        let name = env.index_name(m);
        out.string("master", "master ", name, " ");
    }
    if let Some(s) = link.operstate {
        print_operstate(out, s);
    }
    if env.do_link
        && let Some(mode) = link.link_mode
    {
        match mode {
            0 => out.string("linkmode", "mode ", "DEFAULT", " "),
            1 => out.string("linkmode", "mode ", "DORMANT", " "),
            m => out.number("linkmode_index", "mode ", m, " "),
        }
    }
    if let Some(g) = link.group {
        out.string("group", "group ", group_name(g, env.numeric), " ");
    }
    // The IPv6 view of a link (`-6`) has no IFLA_TXQLEN: iproute2 asks
    // the socket ioctl instead.
    let qlen = match link.txqlen {
        Some(q) => Some(q as i32),
        None => txqlen_ioctl(&link.name),
    };
    match qlen {
        Some(q) if q != 0 => out.number("txqlen", "qlen ", q, ""),
        _ => {}
    }
    if let Some(e) = link.event {
        match LINK_EVENTS.get(e as usize) {
            None => out.number("event", "event ", e as i32, " "),
            Some(_) if e == 0 => {}
            Some(name) => out.string("event", "event ", name, " "),
        }
    }
    if env.family == 0 || env.family == 17 || env.details > 0 {
        out.nl();
        out.string("link_type", "    link/", link_type_name(link.link_type, env.numeric), " ");
        if let Some(a) = &link.address {
            out.string("address", "", lladdr(a, link.link_type), "");
        }
        if let Some(b) = &link.broadcast {
            if link.flags & IFF_POINTOPOINT != 0 {
                out.text(" peer ");
                out.json_bool("link_pointtopoint", true);
            } else {
                out.text(" brd ");
            }
            out.string("broadcast", "", lladdr(b, link.link_type), "");
        }
        if let Some(p) = &link.perm_address
            && link.address.as_ref() != Some(p)
        {
            out.text(" permaddr ");
            out.string("permaddr", "", lladdr(p, link.link_type), "");
        }
    }
    if let Some(id) = link.link_netnsid {
        if out.is_json() {
            out.json_number("link_netnsid", id);
        } else if id >= 0 {
            match env.ns_name(id) {
                Some(name) => {
                    out.text(" link-netns ");
                    out.text(name.as_bytes());
                }
                None => out.text(format!(" link-netnsid {id}")),
            }
        } else {
            out.text(" link-netnsid unknown");
        }
    }
    if link.proto_down == Some(true) {
        out.boolean("proto_down", " protodown on ", true);
    }
    if env.details > 0 {
        print_details(out, env, link);
    }
    if (env.do_link || env.details > 0)
        && let Some(alias) = &link.alias
    {
        out.nl();
        out.text("    ");
        out.string("ifalias", "alias ", alias, "");
    }
    if env.do_link && env.stats > 0 {
        out.nl();
        print_link_stats(out, env, link);
    }
    if !link.alt_names.is_empty() {
        out.open_array("altnames");
        for n in &link.alt_names {
            out.nl();
            out.text("    altname ");
            out.text(n);
            out.json_element(n);
        }
        out.close_array();
    }
    out.text("\n");
}

/// `__print_link_stats`: the counters block, when the kernel sent them.
pub fn print_link_stats(out: &mut Out, env: &Env<'_>, link: &Link) {
    if let Some(s) = &link.stats {
        print_stats(out, s, link.carrier_changes, env.stats, env.human, env.iec);
    }
}

fn print_details(out: &mut Out, env: &mut Env<'_>, link: &Link) {
    if let Some(v) = link.promiscuity {
        out.number("promiscuity", " promiscuity ", v, " ");
    }
    if let Some(v) = link.allmulti {
        out.number("allmulti", " allmulti ", v, " ");
    }
    if let Some(v) = link.min_mtu {
        out.number("min_mtu", "minmtu ", v, " ");
    }
    if let Some(v) = link.max_mtu {
        out.number("max_mtu", "maxmtu ", v, " ");
    }
    if let Some(info) = &link.info {
        kinds::print_linkinfo(out, env, info);
    }
    if env.do_link
        && let Some(m) = link.addr_gen_mode
    {
        out.string("inet6_addr_gen_mode", "addrgenmode ", gen_mode_name(m), " ");
    }
    let nums = [
        (link.num_tx_queues, "num_tx_queues", "numtxqueues "),
        (link.num_rx_queues, "num_rx_queues", "numrxqueues "),
        (link.gso_max_size, "gso_max_size", "gso_max_size "),
        (link.gso_max_segs, "gso_max_segs", "gso_max_segs "),
        (link.tso_max_size, "tso_max_size", "tso_max_size "),
        (link.tso_max_segs, "tso_max_segs", "tso_max_segs "),
        (link.gro_max_size, "gro_max_size", "gro_max_size "),
    ];
    for (v, key, pre) in nums {
        if let Some(v) = v {
            out.number(key, pre, v, " ");
        }
    }
    if let Some(v) = &link.phys_port_name {
        out.string("phys_port_name", "portname ", v, " ");
    }
    if let Some(v) = &link.phys_port_id {
        out.string("phys_port_id", "portid ", hexstring(v), " ");
    }
    if let Some(v) = &link.phys_switch_id {
        out.string("phys_switch_id", "switchid ", hexstring(v), " ");
    }
    if let Some(v) = &link.parent_bus {
        out.string("parentbus", "parentbus ", v, " ");
    }
    if let Some(v) = &link.parent_dev {
        out.string("parentdev", "parentdev ", v, " ");
    }
}

fn hexstring(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Errors while listing.
pub fn nl_error(e: &NlError) {
    eprintln!("{}", e.iproute2_line());
}
