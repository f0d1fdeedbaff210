//! `ip neighbour` in any namespace: `show|list`, `flush`, `get`, and
//! `add|del|change|replace`, with iproute2 6.1's words, output, messages
//! and exit statuses.

mod modify;
mod show;

use crate::ipobj::grammar::matches;
use crate::ipobj::{Ctx, Exit, Status};
use crate::netlink::route::RouteOp;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// Run `neighbour ARGS…` (`args` excludes the object word).
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let Some(cmd) = args.first() else { return show::list(ctx, &[], false) };
    let c = cmd.as_bytes();
    let rest = &args[1..];
    if matches(c, "add") {
        modify::run(ctx, RouteOp::Add, rest)
    } else if matches(c, "change") || c == b"chg" {
        modify::run(ctx, RouteOp::Change, rest)
    } else if matches(c, "replace") {
        modify::run(ctx, RouteOp::Replace, rest)
    } else if matches(c, "delete") {
        modify::run(ctx, RouteOp::Delete, rest)
    } else if matches(c, "get") {
        modify::get(ctx, rest)
    } else if matches(c, "show") || matches(c, "lst") || matches(c, "list") {
        show::list(ctx, rest, false)
    } else if matches(c, "flush") {
        show::list(ctx, rest, true)
    } else if matches(c, "help") {
        Err(usage())
    } else {
        crate::errln!("Command \"", cmd, "\" is unknown, try \"ip neigh help\".");
        Err(Exit::FAILURE)
    }
}

const USAGE: &str = "Usage: ip neigh { add | del | change | replace }
                { ADDR [ lladdr LLADDR ] [ nud STATE ] proxy ADDR }
                [ dev DEV ] [ router ] [ use ] [ managed ] [ extern_learn ]
                [ protocol PROTO ]

\tip neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]
\t\t\t\t  [ vrf NAME ] [ nomaster ]
\tip neigh get { ADDR | proxy ADDR } dev DEV

STATE := { delay | failed | incomplete | noarp | none |
           permanent | probe | reachable | stale }
";

/// iproute2's neighbour usage on stderr; exit 255.
pub fn usage() -> Exit {
    eprint!("{USAGE}");
    Exit::FAILURE
}

/// `nud_state_a2n`
fn nud_state(arg: &[u8]) -> Option<u32> {
    use crate::netlink::neighbour::*;
    let v = if matches(arg, "permanent") {
        NUD_PERMANENT
    } else if matches(arg, "reachable") {
        NUD_REACHABLE
    } else if arg == b"noarp" {
        NUD_NOARP
    } else if arg == b"none" {
        0
    } else if arg == b"stale" {
        NUD_STALE
    } else if arg == b"incomplete" {
        NUD_INCOMPLETE
    } else if arg == b"delay" {
        NUD_DELAY
    } else if arg == b"probe" {
        NUD_PROBE
    } else if matches(arg, "failed") {
        NUD_FAILED
    } else {
        let v = crate::ipobj::route::cnum::get_u32(arg, 0)?;
        if v >= 0x100 || v & v.wrapping_sub(1) != 0 {
            return None;
        }
        return Some(v);
    };
    Some(u32::from(v))
}
