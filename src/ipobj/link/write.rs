//! `link add|set|replace|delete` with iproute2's syntax, messages and exit
//! statuses (`iplink_parse` / `iplink_modify` of iproute2 6.1), sent as one
//! request through [`crate::netlink::Netlink::link_write`].
//!
//! Everything is checked before anything is sent, and every change is one
//! request, so a failure changes nothing: a veth pair whose peer goes to
//! another namespace is created by one request that carries the peer's
//! namespace; the kernel makes both ends or neither.

use super::Modify;
use super::kinds;
use crate::ipobj::args::{Args, duparg, duparg2, invarg};
use crate::ipobj::grammar::matches;
use crate::ipobj::inet;
use crate::ipobj::{Code, Ctx, Exit, Status};
use crate::netlink::link::IFF_UP;
use crate::netlink::link_ops::{
    LinkKind, LinkSpec, LinkWrite, NsTarget, is_unknown_kind, is_valid_altifname, is_valid_ifname, kernel_has_link_kind,
};
use crate::netlink::{Netlink, NlError};
use std::cell::OnceCell;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;

const IFF_NOTRAILERS: u32 = 0x20;
const IFF_NOARP: u32 = 0x80;
const IFF_PROMISC: u32 = 0x100;
const IFF_ALLMULTI: u32 = 0x200;
const IFF_MULTICAST: u32 = 0x1000;
const IFF_DYNAMIC: u32 = 0x8000;

/// Why parsing stopped: iproute2 either returns a status from the handler
/// (the batch goes on) or calls `exit()`.
pub(super) enum Stop {
    Ret(i32),
    Exit(Exit),
}

impl From<Exit> for Stop {
    fn from(e: Exit) -> Stop {
        Stop::Exit(e)
    }
}

pub(super) type P<T> = Result<T, Stop>;

/// The namespace files opened for `netns NAME` while the command line is
/// read. The request borrows them, so they stay open until it is sent;
/// each is kept in a slot of its own, filled once, so holding one more
/// never moves those already borrowed.
pub(super) struct Held(Vec<OnceCell<File>>);

impl Held {
    /// Room for one file per word of the command line: each `netns` takes
    /// a word of its own, so the slots never run out.
    fn for_words(words: &[OsString]) -> Held {
        Held(words.iter().map(|_| OnceCell::new()).collect())
    }

    /// Keep `file` open in the next free slot.
    fn hold(&self, file: File) -> Option<&File> {
        let slot = self.0.iter().find(|s| s.get().is_none())?;
        slot.set(file).ok()?;
        slot.get()
    }
}

/// `link add|set|replace|delete …`
pub fn modify(ctx: &mut Ctx, what: Modify, args: Args<'_>) -> Status {
    let held = Held::for_words(args.rest());
    match run(ctx, what, args.rest(), &held) {
        Ok(code) => Ok(code),
        Err(Stop::Ret(code)) => Ok(code),
        Err(Stop::Exit(e)) => Err(e),
    }
}

fn run(ctx: &mut Ctx, what: Modify, words: &[OsString], held: &Held) -> P<i32> {
    let create = matches!(what, Modify::Add | Modify::Replace);
    let parsed = parse(ctx, words, create, held)?;
    let mut spec = parsed.spec;
    if parsed.group_only {
        return send(ctx, what, &spec);
    }
    if let Some(kind) = parsed.kind {
        let rest = &words[words.len() - parsed.rest..];
        spec.kind = Some(parse_kind(ctx, kind, rest, what, held)?);
    } else if create {
        eprintln!("Not enough information: \"type\" argument is required");
        return Err(Stop::Ret(Code::FAILED));
    }
    send(ctx, what, &spec)
}

fn send(ctx: &mut Ctx, what: Modify, spec: &LinkSpec<'_>) -> P<i32> {
    let nl = ctx.netlink()?;
    let result = match what {
        Modify::Add => nl.link_write(spec, LinkWrite::Create),
        Modify::Set => nl.link_write(spec, LinkWrite::Change),
        Modify::Replace => nl.link_write(spec, LinkWrite::Replace),
        Modify::Delete => nl.link_delete(spec),
    };
    match result {
        Ok(()) => Ok(Code::SUCCESS),
        Err(e) => {
            report(&e, spec);
            Ok(Code::REFUSED)
        }
    }
}

/// Print the kernel's refusal as iproute2 does; when the refusal is a
/// missing link kind, add a line that says which kernel support is missing.
fn report(e: &NlError, spec: &LinkSpec<'_>) {
    eprintln!("{}", e.iproute2_line());
    if let (NlError::Kernel(k), Some(kind)) = (e, &spec.kind)
        && is_unknown_kind(k)
    {
        crate::sys::eprint_line(&missing_kind_line(kind.name()));
    }
}

/// `Error: this kernel has no "dummy" link type (module dummy / CONFIG_DUMMY).`
fn missing_kind_line(kind: &[u8]) -> Vec<u8> {
    match kinds::find(kind).and_then(|k| k.module) {
        Some((module, config)) => {
            crate::msg!("Error: this kernel has no \"", kind, "\" link type (module ", module, " / ", config, ").")
        }
        None => {
            crate::msg!("Error: this kernel has no \"", kind, "\" link type (no module provides rtnl-link-", kind, ").")
        }
    }
}

/// What the generic part of the command line said.
pub(super) struct Parsed<'a, 'h> {
    pub(super) spec: LinkSpec<'h>,
    /// `type KIND` and how many words follow it.
    pub(super) kind: Option<&'a OsStr>,
    rest: usize,
    /// `ip link set group N …` without a device.
    group_only: bool,
}

fn on_off(what: &str, v: &OsStr, flags: &mut u32, change: &mut u32, bit: u32, on_sets: bool) -> P<()> {
    *change |= bit;
    let set = match v.as_bytes() {
        b"on" => on_sets,
        b"off" => !on_sets,
        _ => {
            crate::errln!("Error: argument of \"", what, "\" must be \"on\" or \"off\", not \"", v, "\"");
            return Err(Stop::Ret(Code::FAILED));
        }
    };
    if set {
        *flags |= bit;
    } else {
        *flags &= !bit;
    }
    Ok(())
}

/// iproute2's `parse_on_off`: a prefix of `off` or `on`; its failure is
/// returned as -EINVAL, so the exit status is 22.
fn parse_on_off(what: &str, v: &OsStr) -> P<bool> {
    if matches(v.as_bytes(), "off") {
        Ok(false)
    } else if matches(v.as_bytes(), "on") {
        Ok(true)
    } else {
        crate::errln!("Error: argument of \"", what, "\" must be one of \"off\", \"on\", not \"", v, "\"");
        Err(Stop::Ret(Code::EINVAL))
    }
}

pub(super) fn unsupported(word: &OsStr) -> Stop {
    crate::errln!("netns: link option \"", word, "\" is not supported; use ip link");
    Stop::Exit(Exit::FAILURE)
}

/// C `atoi`.
fn atoi(w: &[u8]) -> i64 {
    let s = w.iter().skip_while(|&&c| c == b' ' || (b'\t'..=b'\r').contains(&c)).copied().collect::<Vec<u8>>();
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, &s[..]),
    };
    let mut v: i64 = 0;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add((c - b'0') as i64);
    }
    let v = if neg { -v } else { v };
    v as i32 as i64
}

fn lookup(nl: &mut Netlink, name: &OsStr) -> P<Option<crate::netlink::link_ops::LinkRef>> {
    match nl.link_ref_by_name(name.as_bytes()) {
        Ok(Some(r)) => Ok(Some(r)),
        Ok(None) => {
            Ok(ifn_index(name.as_bytes()).map(|index| crate::netlink::link_ops::LinkRef { index, addr_len: None }))
        }
        Err(e) => {
            eprintln!("{}", e.iproute2_line());
            Err(Stop::Ret(Code::REFUSED))
        }
    }
}

/// iproute2's last resort for device names: `ifN` means index N.
fn ifn_index(name: &[u8]) -> Option<u32> {
    let digits = name.strip_prefix(b"if")?;
    inet::get_unsigned(digits).filter(|&i| i != 0 && digits.first().is_some_and(|c| c.is_ascii_digit()))
}

pub(super) fn index_of(ctx: &mut Ctx, name: &OsStr) -> P<Option<u32>> {
    let nl = ctx.netlink()?;
    Ok(lookup(nl, name)?.map(|r| r.index))
}

fn nodev(name: &OsStr) -> Stop {
    crate::errln!("Cannot find device \"", name, "\"");
    Stop::Ret(Code::FAILED)
}

/// `netns NAME|PID`: a name in the run directory (or a path), else a pid.
fn netns_target<'h>(ctx: &Ctx, v: &OsStr, held: &'h Held) -> P<NsTarget<'h>> {
    let path = if v.as_bytes().contains(&b'/') {
        Some(v.into())
    } else {
        crate::rundir::NsName::existing(v).ok().map(|n| ctx.run.entry(&n))
    };
    if let Some(f) = path.and_then(|p| crate::namespace::open_ns_file(&p).ok())
        && let Some(f) = held.hold(f)
    {
        return Ok(NsTarget::Fd(f.as_fd()));
    }
    match inet::get_integer(v.as_bytes()) {
        Some(pid) => Ok(NsTarget::Pid(pid as u32)),
        None => Err(invarg("Invalid \"netns\" value\n", v).into()),
    }
}

/// iproute2's `iplink_parse`: the generic options, up to `type KIND`.
pub(super) fn parse<'a, 'h>(ctx: &mut Ctx, words: &'a [OsString], create: bool, held: &'h Held) -> P<Parsed<'a, 'h>> {
    let mut spec = LinkSpec::default();
    let mut a = Args::new(words);
    // Word positions, so that "is dev the same word as name" reads like iproute2's pointer test.
    let mut name: Option<usize> = None;
    let mut dev: Option<usize> = None;
    let mut link: Option<&OsStr> = None;
    let mut index: i64 = 0;
    let mut addr_len = 0usize;
    let mut move_netns = false;
    let mut kind = None;
    let (mut qlen, mut mtu, mut netns, mut group, mut ntx, mut nrx, mut lnid) =
        (false, false, false, false, false, false, false);
    let pos = |a: &Args<'_>| words.len() - a.len() - 1;
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        match wb {
            b"up" => {
                spec.change |= IFF_UP;
                spec.flags |= IFF_UP;
            }
            b"down" => {
                spec.change |= IFF_UP;
                spec.flags &= !IFF_UP;
            }
            b"name" => {
                let v = a.value()?;
                if name.is_some() {
                    return Err(duparg("name", v).into());
                }
                if !is_valid_ifname(v.as_bytes()) {
                    return Err(invarg("\"name\" not a valid ifname", v).into());
                }
                name = Some(pos(&a));
                if dev.is_none() {
                    dev = name;
                }
            }
            b"index" => {
                let v = a.value()?;
                if index != 0 {
                    return Err(duparg("index", v).into());
                }
                index = atoi(v.as_bytes());
                if index <= 0 {
                    return Err(invarg("Invalid \"index\" value", v).into());
                }
            }
            _ if matches(wb, "link") => link = Some(a.value()?),
            _ if matches(wb, "address") => {
                let v = a.value()?;
                let Some(mac) = inet::ll_addr(v, 32) else { return Err(Stop::Ret(Code::FAILED)) };
                addr_len = mac.len();
                spec.address = Some(mac);
            }
            _ if matches(wb, "broadcast") || wb == b"brd" => {
                let v = a.value()?;
                let Some(mac) = inet::ll_addr(v, 32) else { return Err(Stop::Ret(Code::FAILED)) };
                spec.broadcast = Some(mac);
            }
            _ if matches(wb, "txqueuelen") || wb == b"qlen" || matches(wb, "txqlen") => {
                let v = a.value()?;
                if qlen {
                    return Err(duparg("txqueuelen", v).into());
                }
                qlen = true;
                let n = inet::get_integer(v.as_bytes()).ok_or_else(|| invarg("Invalid \"txqueuelen\" value\n", v))?;
                spec.txqlen = Some(n as u32);
            }
            b"mtu" => {
                let v = a.value()?;
                if mtu {
                    return Err(duparg("mtu", v).into());
                }
                mtu = true;
                let n = inet::get_integer(v.as_bytes()).ok_or_else(|| invarg("Invalid \"mtu\" value\n", v))?;
                spec.mtu = Some(n as u32);
            }
            b"netns" => {
                let v = a.value()?;
                if netns {
                    return Err(duparg("netns", v).into());
                }
                netns = true;
                spec.netns = Some(netns_target(ctx, v, held)?);
                move_netns = true;
            }
            b"multicast" => on_off("multicast", a.value()?, &mut spec.flags, &mut spec.change, IFF_MULTICAST, true)?,
            b"allmulticast" => {
                on_off("allmulticast", a.value()?, &mut spec.flags, &mut spec.change, IFF_ALLMULTI, true)?
            }
            b"promisc" => on_off("promisc", a.value()?, &mut spec.flags, &mut spec.change, IFF_PROMISC, true)?,
            b"trailers" => on_off("trailers", a.value()?, &mut spec.flags, &mut spec.change, IFF_NOTRAILERS, false)?,
            b"arp" => on_off("arp", a.value()?, &mut spec.flags, &mut spec.change, IFF_NOARP, false)?,
            b"carrier" => spec.carrier = Some(parse_on_off("carrier", a.value()?)?),
            b"xdp" | b"xdpgeneric" | b"xdpdrv" | b"xdpoffload" | b"vf" | b"vrf" | b"state" | b"protodown_reason"
            | b"parentdev" => return Err(unsupported(w)),
            _ if matches(wb, "master") => {
                let v = a.value()?;
                match index_of(ctx, v)? {
                    Some(i) => spec.master = Some(i),
                    None => return Err(invarg("Device does not exist\n", v).into()),
                }
            }
            _ if matches(wb, "nomaster") => spec.master = Some(0),
            _ if matches(wb, "dynamic") => {
                on_off("dynamic", a.value()?, &mut spec.flags, &mut spec.change, IFF_DYNAMIC, true)?
            }
            _ if matches(wb, "type") => {
                kind = Some(a.value()?);
                break;
            }
            _ if matches(wb, "alias") => {
                let v = a.value()?;
                if v.len() >= 256 {
                    return Err(invarg("alias too long\n", v).into());
                }
                spec.alias = Some(v.as_bytes().to_vec());
            }
            b"group" => {
                let v = a.value()?;
                if group {
                    return Err(duparg("group", v).into());
                }
                group = true;
                let g = match v.as_bytes() {
                    b"default" => Some(0),
                    b => inet::get_integer(b).filter(|&g| g >= 0).map(|g| g as u32),
                };
                spec.group = Some(g.ok_or_else(|| invarg("Invalid \"group\" value\n", v))?);
            }
            b"mode" => {
                let v = a.value()?;
                spec.link_mode = Some(match v.to_ascii_lowercase().as_bytes() {
                    b"default" => 0,
                    b"dormant" => 1,
                    _ => return Err(invarg("Invalid link mode\n", v).into()),
                });
            }
            _ if matches(wb, "numtxqueues") || matches(wb, "numrxqueues") => {
                let tx = matches(wb, "numtxqueues");
                let key = if tx { "numtxqueues" } else { "numrxqueues" };
                let v = a.value()?;
                let seen = if tx { &mut ntx } else { &mut nrx };
                if *seen {
                    return Err(duparg(key, v).into());
                }
                *seen = true;
                let msg = if tx { "Invalid \"numtxqueues\" value\n" } else { "Invalid \"numrxqueues\" value\n" };
                let n = inet::get_integer(v.as_bytes()).ok_or_else(|| invarg(msg, v))? as u32;
                if tx {
                    spec.num_tx_queues = Some(n);
                } else {
                    spec.num_rx_queues = Some(n);
                }
            }
            _ if matches(wb, "addrgenmode") => {
                let v = a.value()?;
                spec.addr_gen_mode = Some(match v.to_ascii_lowercase().as_bytes() {
                    b"eui64" => 0,
                    b"none" => 1,
                    b"stable_secret" => 2,
                    b"random" => 3,
                    _ => return Err(invarg("Invalid address generation mode\n", v).into()),
                });
            }
            _ if matches(wb, "link-netns") => return Err(unsupported(w)),
            _ if matches(wb, "link-netnsid") => {
                let v = a.value()?;
                if lnid {
                    return Err(duparg("link-netns/link-netnsid", v).into());
                }
                lnid = true;
                spec.link_netnsid =
                    Some(inet::get_integer(v.as_bytes()).ok_or_else(|| invarg("Invalid \"link-netnsid\" value\n", v))?);
            }
            b"protodown" => spec.proto_down = Some(parse_on_off("protodown", a.value()?)?),
            b"gso_max_size" | b"gro_max_size" => {
                let v = a.value()?;
                let msg = if wb == b"gso_max_size" {
                    "Invalid \"gso_max_size\" value\n"
                } else {
                    "Invalid \"gro_max_size\" value\n"
                };
                let n = inet::get_unsigned(v.as_bytes()).ok_or_else(|| invarg(msg, v))?;
                if wb == b"gso_max_size" {
                    spec.gso_max_size = Some(n);
                } else {
                    spec.gro_max_size = Some(n);
                }
            }
            b"gso_max_segs" => {
                let v = a.value()?;
                let n = inet::get_unsigned(v.as_bytes())
                    .filter(|&n| n <= 65535)
                    .ok_or_else(|| invarg("Invalid \"gso_max_segs\" value\n", v))?;
                spec.gso_max_segs = Some(n);
            }
            _ => {
                if matches(wb, "help") {
                    return Err(usage_exit().into());
                }
                let v = if wb == b"dev" { a.value()? } else { w };
                if dev != name {
                    return Err(duparg2("dev", v).into());
                }
                if !is_valid_altifname(v.as_bytes()) {
                    return Err(invarg("\"dev\" not a valid ifname", v).into());
                }
                dev = Some(pos(&a));
            }
        }
    }
    let rest = a.len();
    let word = |p: Option<usize>| p.map(|i| words[i].as_os_str());
    // "ip link add dev X" and "ip link add name X" mean the same.
    if name.is_none() {
        name = dev;
    } else if dev.is_none() {
        dev = name;
    } else if word(name) == word(dev) {
        name = dev;
    }
    if let (Some(d), true, false) = (word(dev), addr_len > 0, create) {
        let nl = ctx.netlink()?;
        if let Some(halen) = lookup(nl, d)?.and_then(|r| r.addr_len)
            && halen != addr_len
        {
            eprintln!("Invalid address length {addr_len} - must be {halen} bytes");
            return Err(Stop::Ret(Code::FAILED));
        }
    }
    if index != 0 && !create && !move_netns {
        eprintln!("index can be used only when creating devices or when moving device to another netns.");
        return Err(Stop::Exit(Exit::FAILURE));
    }
    if group && dev.is_none() {
        if let Some(g) = a.peek().filter(|_| rest > 0) {
            crate::errln!("Garbage instead of arguments \"", g, " ...\". Try \"ip link help\".");
            return Err(Stop::Exit(Exit::FAILURE));
        }
        if create {
            eprintln!("group cannot be used when creating devices.");
            return Err(Stop::Exit(Exit::FAILURE));
        }
        return Ok(Parsed { spec, kind: None, rest: 0, group_only: true });
    }
    if !create {
        let Some(d) = word(dev) else {
            eprintln!("Not enough information: \"dev\" argument is required.");
            return Err(Stop::Exit(Exit::FAILURE));
        };
        spec.index = index_of(ctx, d)?.ok_or_else(|| nodev(d))?;
        if name == dev {
            name = None;
        }
        if index != 0 {
            spec.new_index = Some(index as u32);
        }
    } else {
        if name != dev {
            eprintln!("both \"name\" and \"dev\" cannot be used when creating devices.");
            return Err(Stop::Exit(Exit::FAILURE));
        }
        if let Some(l) = link {
            spec.link = Some(index_of(ctx, l)?.ok_or_else(|| nodev(l))?);
        }
        spec.index = index as u32;
    }
    spec.name = word(name).map(|n| n.as_bytes().to_vec());
    Ok(Parsed { spec, kind, rest, group_only: false })
}

/// The options after `type KIND`: the kind's own parser, or, for a kind
/// netns knows by name only, the bare kind.
fn parse_kind<'h>(ctx: &mut Ctx, kind: &OsStr, rest: &[OsString], what: Modify, held: &'h Held) -> P<LinkKind<'h>> {
    if let Some(parse) = kinds::find(kind.as_bytes()).and_then(|k| k.parse) {
        return parse(ctx, what, rest, held);
    }
    let name = kind.as_bytes();
    if rest.is_empty() {
        return Ok(LinkKind::Other(name.to_vec()));
    }
    // Options of a kind netns does not parse: say whether the kernel has
    // the kind at all before saying netns cannot help.
    if let Ok(false) = kernel_has_link_kind(name) {
        eprintln!("Error: Unknown device type.");
        crate::sys::eprint_line(&missing_kind_line(name));
        return Err(Stop::Ret(Code::REFUSED));
    }
    crate::errln!("netns: options of link type \"", kind, "\" are not supported; use ip link");
    Err(Stop::Exit(Exit::FAILURE))
}

/// iproute2's `ip link` usage (stderr).
pub const USAGE: &str = "Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME
\t\t    [ txqueuelen PACKETS ]
\t\t    [ address LLADDR ]
\t\t    [ broadcast LLADDR ]
\t\t    [ mtu MTU ] [index IDX ]
\t\t    [ numtxqueues QUEUE_COUNT ]
\t\t    [ numrxqueues QUEUE_COUNT ]
\t\t    [ netns { PID | NAME } ]
\t\t    type TYPE [ ARGS ]

\tip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]

\tip link set { DEVICE | dev DEVICE | group DEVGROUP }
\t\t\t[ { up | down } ]
\t\t\t[ type TYPE ARGS ]
\t\t[ arp { on | off } ]
\t\t[ dynamic { on | off } ]
\t\t[ multicast { on | off } ]
\t\t[ allmulticast { on | off } ]
\t\t[ promisc { on | off } ]
\t\t[ trailers { on | off } ]
\t\t[ carrier { on | off } ]
\t\t[ txqueuelen PACKETS ]
\t\t[ name NEWNAME ]
\t\t[ address LLADDR ]
\t\t[ broadcast LLADDR ]
\t\t[ mtu MTU ]
\t\t[ netns { PID | NAME } ]
\t\t[ link-netns NAME | link-netnsid ID ]
\t\t[ alias NAME ]
\t\t[ vf NUM [ mac LLADDR ]
\t\t\t [ vlan VLANID [ qos VLAN-QOS ] [ proto VLAN-PROTO ] ]
\t\t\t [ rate TXRATE ]
\t\t\t [ max_tx_rate TXRATE ]
\t\t\t [ min_tx_rate TXRATE ]
\t\t\t [ spoofchk { on | off} ]
\t\t\t [ query_rss { on | off} ]
\t\t\t [ state { auto | enable | disable} ]
\t\t\t [ trust { on | off} ]
\t\t\t [ node_guid EUI64 ]
\t\t\t [ port_guid EUI64 ] ]
\t\t[ { xdp | xdpgeneric | xdpdrv | xdpoffload } { off |
\t\t\t  object FILE [ { section | program } NAME ] [ verbose ] |
\t\t\t  pinned FILE } ]
\t\t[ master DEVICE ][ vrf NAME ]
\t\t[ nomaster ]
\t\t[ addrgenmode { eui64 | none | stable_secret | random } ]
\t\t[ protodown { on | off } ]
\t\t[ protodown_reason PREASON { on | off } ]
\t\t[ gso_max_size BYTES ] | [ gso_max_segs PACKETS ]
\t\t[ gro_max_size BYTES ]

\tip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]
\t\t[nomaster]

\tip link xstats type TYPE [ ARGS ]

\tip link afstats [ dev DEVICE ]
\tip link property add dev DEVICE [ altname NAME .. ]
\tip link property del dev DEVICE [ altname NAME .. ]

\tip link help [ TYPE ]

TYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |
          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |
          ip6erspan | ip6gre | ip6gretap | ip6tnl |
          ipip | ipoib | ipvlan | ipvtap |
          macsec | macvlan | macvtap |
          netdevsim | nlmon | rmnet | sit | team | team_slave |
          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |
          xfrm | virt_wifi }
";

fn usage_exit() -> Exit {
    eprint!("{USAGE}");
    Exit::FAILURE
}

/// `link help`: iproute2's usage text (stderr, exit 255).
pub fn usage() -> Status {
    Err(usage_exit())
}

/// `link property add|del [dev] DEVICE [altname NAME …]`
/// (`iplink_prop` of iproute2 6.1): alternative names, added or removed in
/// one request, so a refused name changes nothing.
pub fn property(ctx: &mut Ctx, args: Args<'_>) -> Status {
    let mut a = args;
    let Some(op) = a.next_word() else { return usage() };
    let ob = op.as_bytes();
    let add = if matches(ob, "add") {
        true
    } else if matches(ob, "del") {
        false
    } else if matches(ob, "help") {
        return usage();
    } else {
        eprintln!("Operator required");
        return Err(Exit::FAILURE);
    };
    let mut names: Vec<&[u8]> = Vec::new();
    let mut dev: Option<&OsStr> = None;
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        if matches(wb, "altname") {
            let v = a.value()?;
            if !is_valid_altifname(v.as_bytes()) {
                return Err(invarg("not a valid altname", v));
            }
            names.push(v.as_bytes());
        } else if matches(wb, "help") {
            return usage();
        } else {
            let v = if wb == b"dev" { a.value()? } else { w };
            if dev.is_some() {
                return Err(duparg2("dev", v));
            }
            if !is_valid_altifname(v.as_bytes()) {
                return Err(invarg("\"dev\" not a valid ifname", v));
            }
            dev = Some(v);
        }
    }
    let Some(dev) = dev else {
        eprintln!("Not enough of information: \"dev\" argument is required.");
        return Err(Exit::FAILURE);
    };
    let family = inet::family_of(ctx.opts.family);
    let nl = ctx.netlink()?;
    let index = match lookup(nl, dev) {
        Ok(Some(r)) => r.index,
        Ok(None) => {
            return Ok(match nodev(dev) {
                Stop::Ret(code) => code,
                Stop::Exit(e) => return Err(e),
            });
        }
        Err(Stop::Ret(code)) => return Ok(code),
        Err(Stop::Exit(e)) => return Err(e),
    };
    match nl.link_altnames(index, family, &names, add) {
        Ok(()) => Ok(Code::SUCCESS),
        Err(e) => {
            eprintln!("{}", e.iproute2_line());
            Ok(Code::REFUSED)
        }
    }
}
