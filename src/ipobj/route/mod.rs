//! `ip route` in any namespace: `show|list`, `flush`, `get`, and
//! `add|del|change|replace|prepend|append|test`, with iproute2 6.1's words,
//! output, messages and exit statuses.
//!
//! The helpers for addresses ([`inet`]), numbers ([`cnum`]) and names
//! ([`names`]) are shared with [`crate::ipobj::neighbour`]; text/JSON output
//! goes through [`crate::ipobj::out`], as every object's does.

pub(crate) use super::cnum;
mod filter;
mod get;
pub mod inet;
mod modify;
pub mod names;
mod print;
mod show;

use crate::ipobj::grammar::matches;
use crate::ipobj::{Code, Ctx, Exit, Family, Status};
use crate::netlink::route::RouteOp;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// Run `route ARGS…` (`args` excludes the object word).
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let Some(cmd) = args.first() else { return show::list(ctx, &[]) };
    let c = cmd.as_bytes();
    let rest = &args[1..];
    if matches(c, "add") {
        modify::run(ctx, RouteOp::Add, rest)
    } else if matches(c, "change") || c == b"chg" {
        modify::run(ctx, RouteOp::Change, rest)
    } else if matches(c, "replace") {
        modify::run(ctx, RouteOp::Replace, rest)
    } else if matches(c, "prepend") {
        modify::run(ctx, RouteOp::Prepend, rest)
    } else if matches(c, "append") {
        modify::run(ctx, RouteOp::Append, rest)
    } else if matches(c, "test") {
        modify::run(ctx, RouteOp::Test, rest)
    } else if matches(c, "delete") {
        modify::run(ctx, RouteOp::Delete, rest)
    } else if matches(c, "list") || matches(c, "show") || matches(c, "lst") {
        show::list(ctx, rest)
    } else if matches(c, "get") {
        get::run(ctx, rest)
    } else if matches(c, "flush") {
        show::flush(ctx, rest)
    } else if matches(c, "save") || matches(c, "restore") || matches(c, "showdump") {
        crate::errln!("netns: \"route ", cmd, "\" is not supported; use ip route ", cmd);
        Err(Exit::FAILURE)
    } else if matches(c, "help") {
        Err(usage())
    } else {
        crate::errln!("Command \"", cmd, "\" is unknown, try \"ip route help\".");
        Err(Exit::FAILURE)
    }
}

/// The family of `-4`/`-6`/`-0` (`preferred_family`).
pub fn preferred_family(ctx: &Ctx) -> u8 {
    match ctx.opts.family {
        Family::Any => inet::AF_UNSPEC,
        Family::Inet => inet::AF_INET,
        Family::Inet6 => inet::AF_INET6,
        Family::Link => inet::AF_PACKET,
        // -M / -B: no route or neighbour of ours has that family.
        Family::Other => inet::AF_MPLS,
    }
}

/// `Cannot find device "NAME"` (iproute2's `nodev`), status
/// [`Code::FAILED`].
pub fn nodev(name: &OsStr) -> i32 {
    crate::errln!("Cannot find device \"", name, "\"");
    Code::FAILED
}

const USAGE: &str = "Usage: ip route { list | flush } SELECTOR
       ip route save SELECTOR
       ip route restore
       ip route showdump
       ip route get [ ROUTE_GET_FLAGS ] ADDRESS
                            [ from ADDRESS iif STRING ]
                            [ oif STRING ] [ tos TOS ]
                            [ mark NUMBER ] [ vrf NAME ]
                            [ uid NUMBER ] [ ipproto PROTOCOL ]
                            [ sport NUMBER ] [ dport NUMBER ]
       ip route { add | del | change | append | replace } ROUTE
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]
            [ table TABLE_ID ] [ vrf NAME ] [ proto RTPROTO ]
            [ type TYPE ] [ scope SCOPE ]
ROUTE := NODE_SPEC [ INFO_SPEC ]
NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ]
             [ table TABLE_ID ] [ proto RTPROTO ]
             [ scope SCOPE ] [ metric METRIC ]
             [ ttl-propagate { enabled | disabled } ]
INFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...
NH := [ encap ENCAPTYPE ENCAPHDR ] [ via [ FAMILY ] ADDRESS ]
      [ dev STRING ] [ weight NUMBER ] NHFLAGS
FAMILY := [ inet | inet6 | mpls | bridge | link ]
OPTIONS := FLAGS [ mtu NUMBER ] [ advmss NUMBER ] [ as [ to ] ADDRESS ]
           [ rtt TIME ] [ rttvar TIME ] [ reordering NUMBER ]
           [ window NUMBER ] [ cwnd NUMBER ] [ initcwnd NUMBER ]
           [ ssthresh NUMBER ] [ realms REALM ] [ src ADDRESS ]
           [ rto_min TIME ] [ hoplimit NUMBER ] [ initrwnd NUMBER ]
           [ features FEATURES ] [ quickack BOOL ] [ congctl NAME ]
           [ pref PREF ] [ expires TIME ] [ fastopen_no_cookie BOOL ]
TYPE := { unicast | local | broadcast | multicast | throw |
          unreachable | prohibit | blackhole | nat }
TABLE_ID := [ local | main | default | all | NUMBER ]
SCOPE := [ host | link | global | NUMBER ]
NHFLAGS := [ onlink | pervasive ]
RTPROTO := [ kernel | boot | static | NUMBER ]
PREF := [ low | medium | high ]
TIME := NUMBER[s|ms]
BOOL := [1|0]
FEATURES := ecn
ENCAPTYPE := [ mpls | ip | ip6 | seg6 | seg6local | rpl | ioam6 | xfrm ]
ENCAPHDR := [ MPLSLABEL | SEG6HDR | SEG6LOCAL | IOAM6HDR | XFRMINFO ]
SEG6HDR := [ mode SEGMODE ] segs ADDR1,ADDRi,ADDRn [hmac HMACKEYID] [cleanup]
SEGMODE := [ encap | encap.red | inline | l2encap | l2encap.red ]
SEG6LOCAL := action ACTION [ OPTIONS ] [ count ]
ACTION := { End | End.X | End.T | End.DX2 | End.DX6 | End.DX4 |
            End.DT6 | End.DT4 | End.DT46 | End.B6 | End.B6.Encaps |
            End.BM | End.S | End.AS | End.AM | End.BPF }
OPTIONS := OPTION [ OPTIONS ]
OPTION := { flavors FLAVORS | srh SEG6HDR | nh4 ADDR | nh6 ADDR | iif DEV | oif DEV |
            table TABLEID | vrftable TABLEID | endpoint PROGNAME }
FLAVORS := { FLAVOR[,FLAVOR] }
FLAVOR := { psp | usp | usd | next-csid }
IOAM6HDR := trace prealloc type IOAM6_TRACE_TYPE ns IOAM6_NAMESPACE size IOAM6_TRACE_SIZE
XFRMINFO := if_id IF_ID [ link_dev LINK ]
ROUTE_GET_FLAGS := [ fibmatch ]
";

/// iproute2's route usage on stderr; exit 255.
pub fn usage() -> Exit {
    eprint!("{USAGE}");
    Exit::FAILURE
}
