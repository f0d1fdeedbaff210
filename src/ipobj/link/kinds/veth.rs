//! veth: `peer` and the peer's own link options, parsed as the link's
//! are, so both ends travel in one request.

use super::LinkUtil;
use crate::ipobj::args::duparg;
use crate::ipobj::link::Modify;
use crate::ipobj::link::write::{Held, P, Stop, parse};
use crate::ipobj::{Code, Ctx};
use crate::netlink::link_ops::LinkKind;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

const USAGE: &str = "Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n";

pub(super) const VETH: LinkUtil =
    LinkUtil { parse: Some(parse_veth), ..LinkUtil::generic("veth", Some(USAGE), Some(("veth", "CONFIG_VETH"))) };

fn parse_veth<'h>(ctx: &mut Ctx, what: Modify, rest: &[OsString], held: &'h Held) -> P<LinkKind<'h>> {
    let create = matches!(what, Modify::Add | Modify::Replace);
    let Some(first) = rest.first() else { return Ok(LinkKind::Veth { peer: None }) };
    if first.as_bytes() != b"peer" {
        // iproute2 prints this one to stdout.
        ctx.write(USAGE.as_bytes());
        return Err(Stop::Ret(Code::FAILED));
    }
    let peer = parse(ctx, &rest[1..], create, held)?;
    if let Some(t) = peer.kind {
        return Err(duparg("type", t).into());
    }
    Ok(LinkKind::Veth { peer: Some(Box::new(peer.spec)) })
}
