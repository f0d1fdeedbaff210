//! Link kinds on the command side, one file per kind as iproute2 has one
//! `link_util` per kind: what follows `type KIND` (parsing), the `-d`
//! details of a link of that kind (text and JSON), its usage text, and the
//! kernel module that provides it. [`KINDS`] is the one list of kinds
//! netns knows; nothing else names them.
//!
//! Adding a kind: write `kinds/NAME.rs` with a `LinkUtil` constant, add it
//! to [`KINDS`], and do the same on the netlink side (`netlink/link/kinds`)
//! when the kind sends options or has settings to read. A kind known only
//! by name (no parser, no printer) is a line in `generic.rs`.

mod bridge;
mod generic;
mod macvlan;
mod veth;
mod vxlan;

use super::Modify;
use super::linkinfo::Env;
use super::write::{Held, P};
use crate::ipobj::Ctx;
use crate::ipobj::out::Out;
use crate::netlink::link::LinkKindInfo;
use crate::netlink::link_ops::LinkKind;
use std::ffi::OsString;

/// Parse the words after `type KIND` into the kind's options; with no
/// words, the bare kind (iproute2 parses options only when there are some).
/// `Held` keeps the namespace files the options name open until the
/// request is sent (a veth peer's `netns NAME`).
pub(super) type ParseFn = for<'h> fn(&mut Ctx, Modify, &[OsString], &'h Held) -> P<LinkKind<'h>>;

/// Print the kind's settings inside its `info_data` (or, for a `*_slave`
/// kind, `info_slave_data`) object.
pub(super) type PrintFn = fn(&mut Out, &mut Env<'_>, &LinkKindInfo);

/// What netns knows of one link kind (iproute2's `struct link_util`).
pub(super) struct LinkUtil {
    /// The kind's name: `type NAME`, IFLA_INFO_KIND, or `NAME_slave` for
    /// the settings of a port of a link of kind NAME.
    pub id: &'static str,
    /// `ip link help NAME`; `None`: iproute2 has no usage for it.
    pub usage: Option<&'static str>,
    /// The kernel module and config option that provide the kind.
    pub module: Option<(&'static str, &'static str)>,
    /// The kind's options; `None`: no options are understood.
    pub parse: Option<ParseFn>,
    /// The kind's `-d` details; `None`: none are printed.
    pub print: Option<PrintFn>,
}

impl LinkUtil {
    /// A kind known by name only.
    const fn generic(
        id: &'static str,
        usage: Option<&'static str>,
        module: Option<(&'static str, &'static str)>,
    ) -> LinkUtil {
        LinkUtil { id, usage, module, parse: None, print: None }
    }
}

/// Every link kind netns knows: one line per kind.
const KINDS: &[LinkUtil] = &[
    veth::VETH,
    bridge::BRIDGE,
    bridge::BRIDGE_SLAVE,
    vxlan::VXLAN,
    macvlan::MACVLAN,
    macvlan::MACVTAP,
    generic::AMT,
    generic::BAREUDP,
    generic::BOND,
    generic::BOND_SLAVE,
    generic::DSA,
    generic::DUMMY,
    generic::ERSPAN,
    generic::GENEVE,
    generic::GRE,
    generic::GRETAP,
    generic::GTP,
    generic::IFB,
    generic::IP6ERSPAN,
    generic::IP6GRE,
    generic::IP6GRETAP,
    generic::IP6TNL,
    generic::IPIP,
    generic::IPOIB,
    generic::IPVLAN,
    generic::IPVTAP,
    generic::MACSEC,
    generic::NETDEVSIM,
    generic::NLMON,
    generic::RMNET,
    generic::SIT,
    generic::VCAN,
    generic::VLAN,
    generic::VRF,
    generic::VTI,
    generic::VXCAN,
    generic::WWAN,
    generic::XFRM,
    generic::HSR,
    generic::CAN,
    generic::TEAM,
    generic::VTI6,
    generic::WIREGUARD,
    generic::BATADV,
    generic::VIRT_WIFI,
    generic::NETKIT,
];

/// The kind named `id`, if netns knows it.
pub(super) fn find(id: &[u8]) -> Option<&'static LinkUtil> {
    KINDS.iter().find(|k| k.id.as_bytes() == id)
}

/// `ip link help KIND`: the kind's usage, if iproute2 has one.
pub(super) fn usage(id: &[u8]) -> Option<&'static str> {
    find(id)?.usage
}

/// `print_linktype`: the kind line(s) inside `linkinfo`. Kinds with a
/// printer get their data object even when the kernel sent no data, as
/// iproute2 does.
pub fn print_linkinfo(out: &mut Out, env: &mut Env<'_>, info: &LinkKindInfo) {
    out.open_object(Some("linkinfo"));
    if let Some(kind) = &info.kind {
        out.nl();
        out.string("info_kind", "    ", kind, " ");
        if let Some(print) = find(kind.as_bytes()).and_then(|k| k.print) {
            out.open_object(Some("info_data"));
            print(out, env, info);
            out.close_object();
        }
    }
    if let Some(kind) = &info.port_kind {
        out.nl();
        out.string("info_slave_kind", "    ", kind, "_slave ");
        if let Some(print) = find(format!("{kind}_slave").as_bytes()).and_then(|k| k.print) {
            out.open_object(Some("info_slave_data"));
            print(out, env, info);
            out.close_object();
        }
    }
    out.close_object();
}

pub(super) fn u<T: Into<i128>>(out: &mut Out, key: &str, text: &str, v: Option<T>) {
    if let Some(v) = v {
        out.number(key, text, v, " ");
    }
}

pub(super) fn ub(out: &mut Out, key: &str, text: &str, v: Option<bool>) {
    u(out, key, text, v.map(u8::from));
}

pub(super) fn on_off(out: &mut Out, key: &str, text: &str, v: Option<bool>) {
    if let Some(v) = v {
        out.on_off(key, text, v, " ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_registered_once() {
        for (i, k) in KINDS.iter().enumerate() {
            assert!(KINDS[..i].iter().all(|o| o.id != k.id), "{} twice", k.id);
        }
    }

    #[test]
    fn a_port_printer_belongs_to_a_slave_kind() {
        assert!(find(b"bridge_slave").is_some_and(|k| k.print.is_some()));
        assert!(find(b"bond_slave").is_some_and(|k| k.print.is_none() && k.parse.is_none()));
    }
}
