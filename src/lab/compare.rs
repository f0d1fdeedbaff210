//! One interface the file wants against the one the kernel has, field by
//! field: what must change in place, and whether it must be made again;
//! and the settings a switch's bridge must be sent.
//!
//! The model structs are destructured without `..`: a field added to
//! [`Iface`] or [`Netem`] does not compile until it is compared here or
//! named with the part of the reconcile that compares it. That is how
//! `up --plan` and `status` are kept from missing a setting of the file.

use super::live::{BridgeLive, LiveLink};
use super::model::{Iface, IfaceKind, Kind, Netem, Node};
use crate::netlink::bridge_vlan::{PortVlan, PortVlanInfo};
use crate::netlink::qdisc::{TbfParams, netem_params, tbf_default_burst, tbf_limit_bytes};

/// Bridge settings to send; `None` sends nothing for that setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BridgeSettings {
    /// VLAN filtering on or off.
    pub vlan_filtering: Option<bool>,
    /// Spanning tree on or off.
    pub stp: Option<bool>,
}

impl BridgeSettings {
    /// Nothing to send.
    pub fn is_empty(&self) -> bool {
        *self == BridgeSettings::default()
    }
}

/// What must be sent to give a bridge the settings the file asks for:
/// each one the file sets that differs from `now` (a new bridge has
/// `BridgeLive::default()`: both off). Only a switch's `br0` takes them.
pub fn bridge_settings(node: &Node, iface: &Iface, now: BridgeLive) -> BridgeSettings {
    if node.kind != Kind::Switch || iface.kind != IfaceKind::Bridge || iface.name != "br0" {
        return BridgeSettings::default();
    }
    let differs = |want: Option<bool>, now: bool| want.filter(|w| *w != now);
    BridgeSettings { vlan_filtering: differs(node.vlan_filtering, now.vlan_filtering), stp: differs(node.stp, now.stp) }
}

/// What differs between an interface of the file and the existing one of
/// that name, when the interface is kept (not made again).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IfaceDrift {
    /// Administrative state to set.
    pub up: Option<bool>,
    /// MTU to set.
    pub mtu: Option<u32>,
    /// MAC address to set.
    pub mac: Option<[u8; 6]>,
    /// Make it a port of its master again.
    pub master: bool,
    /// Its port VLANs differ: these VLANs go, the file's are (re)added.
    pub port_vlans: Option<Vec<u16>>,
}

impl IfaceDrift {
    /// Any link setting (state, MTU, MAC, master) to change.
    pub fn link_differs(&self) -> bool {
        self.up.is_some() || self.mtu.is_some() || self.mac.is_some() || self.master
    }
}

/// The kernel's name of the kind of interface the file makes.
pub fn kind_name(kind: &IfaceKind) -> &'static str {
    match kind {
        IfaceKind::Veth { .. } => "veth",
        IfaceKind::Bridge => "bridge",
        IfaceKind::Vlan { .. } => "vlan",
        IfaceKind::Dummy => "dummy",
    }
}

/// Why the existing interface `cur` cannot be the file's `iface` and must
/// be made again, if it cannot: another kind, or (vlan) another VLAN id or
/// parent. `parent_index` is the ifindex the parent has after the plan.
/// Veths are judged by their peer, with their link.
pub fn remake_reason(iface: &Iface, cur: &LiveLink, parent_index: Option<u32>) -> Option<String> {
    let want = kind_name(&iface.kind);
    let have = cur.kind.as_deref().unwrap_or("device");
    if have != want {
        return Some(format!("it is a {have}; the file makes a {want}"));
    }
    match &iface.kind {
        IfaceKind::Vlan { vid, .. } if cur.vlan_id != Some(*vid) => Some(format!("its VLAN id is not {vid}")),
        IfaceKind::Vlan { parent, .. } if parent_index.is_none() || cur.peer_index != parent_index => {
            Some(format!("its parent is not {parent}"))
        }
        _ => None,
    }
}

/// The VLANs a switch port carries, as the kernel lists them.
pub fn wanted_port_vlans(vlan: Option<u16>, vlans: &[u16]) -> Vec<PortVlanInfo> {
    let mut out: Vec<PortVlanInfo> = vlan
        .map(PortVlan::Access)
        .into_iter()
        .chain(vlans.iter().map(|&v| PortVlan::Tagged(v)))
        .map(Into::into)
        .collect();
    out.sort();
    out
}

/// What differs between the file's `iface` and the existing `cur`, which
/// stays. `master_index` is the ifindex its master has after the plan;
/// `filters_vlans`: it is a port of a bridge that filters VLANs.
pub fn iface_drift(iface: &Iface, cur: &LiveLink, master_index: Option<u32>, filters_vlans: bool) -> IfaceDrift {
    let Iface {
        // The name is how `cur` was found.
        name: _,
        // Judged by `remake_reason` before (or, for veths, by their link).
        kind: _,
        // Compared per node, with the loopback's, by the plan.
        addrs: _,
        mtu,
        mac,
        // Read from /proc/sys by `up` and compared by the plan.
        sysctl: _,
        up,
        master,
        vlan,
        vlans,
        // Compared by `qdisc_differs`.
        netem: _,
        span: _,
    } = iface;
    let port_vlans = (filters_vlans && master.is_some())
        .then(|| wanted_port_vlans(*vlan, vlans))
        .filter(|want| *want != cur.port_vlans)
        .map(|want| {
            // Before the bridge filters VLANs, a port has none listed but
            // holds the default VLAN 1, which the file's replace.
            let now: Vec<u16> =
                if cur.port_vlans.is_empty() { vec![1] } else { cur.port_vlans.iter().map(|v| v.vid).collect() };
            now.into_iter().filter(|v| !want.iter().any(|w| w.vid == *v)).collect()
        });
    IfaceDrift {
        up: (cur.up != *up).then_some(*up),
        mtu: mtu.filter(|&m| m != cur.mtu),
        mac: mac.filter(|m| cur.mac.as_deref() != Some(&m[..])),
        master: master_index.is_some() && cur.master != master_index,
        port_vlans,
    }
}

/// The qdisc `want` needs: `netem`, `tbf` (a rate alone, with or without
/// `limit`), or none (nothing that shapes: a table with only `limit`, or
/// empty, makes no qdisc).
pub fn qdisc_kind(want: &Netem) -> Option<&'static str> {
    if want.needs_netem() {
        Some("netem")
    } else if want.rate_bps.is_some() {
        Some("tbf")
    } else {
        None
    }
}

/// A delay distribution as the kernel is given it: uniform is no table.
pub fn distribution_table(d: Option<&str>) -> Option<&str> {
    d.filter(|d| *d != "uniform")
}

/// Does the root qdisc of `cur` differ from what `want` asks for?
/// `recorded_distribution` is the distribution of the netem the lab last
/// put there (the kernel does not report its table).
pub fn qdisc_differs(want: &Netem, cur: &LiveLink, recorded_distribution: Option<&str>) -> bool {
    let Netem {
        // These are compared through `netem_params`, which takes each one.
        delay_us: _,
        jitter_us: _,
        correlation: _,
        loss: _,
        corrupt: _,
        duplicate: _,
        reorder: _,
        gap: _,
        distribution,
        rate_bps,
        limit,
        span: _,
    } = want;
    match qdisc_kind(want) {
        Some("netem") => {
            cur.netem != Some(netem_params(&want.config()))
                || distribution_table(distribution.as_deref()) != distribution_table(recorded_distribution)
        }
        Some(_) => {
            let rate = rate_bps.unwrap_or(0);
            // The kernel keeps rates in bytes per second.
            let tbf = TbfParams {
                rate_bps: rate / 8 * 8,
                limit_bytes: tbf_limit_bytes(rate, tbf_default_burst(rate), *limit),
            };
            cur.tbf != Some(tbf)
        }
        None => matches!(cur.qdisc.as_deref(), Some("tbf" | "netem")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::ids::LinkId;
    use crate::netlink::qdisc::NetemParams;

    fn live(kind: &str) -> LiveLink {
        LiveLink {
            index: 5,
            name: "x".into(),
            kind: Some(kind.into()),
            up: true,
            running: true,
            carrier: true,
            operstate: None,
            mtu: 1500,
            mac: None,
            master: None,
            peer_index: None,
            qdisc: None,
            tbf: None,
            netem: None,
            bridge: None,
            vlan_id: None,
            port_vlans: Vec::new(),
        }
    }

    fn iface(kind: IfaceKind) -> Iface {
        Iface::new("x", kind, 0..1)
    }

    #[test]
    fn another_kind_or_vlan_id_or_parent_is_made_again() {
        assert_eq!(remake_reason(&iface(IfaceKind::Bridge), &live("bridge"), None), None);
        assert_eq!(
            remake_reason(&iface(IfaceKind::Dummy), &live("bridge"), None).as_deref(),
            Some("it is a bridge; the file makes a dummy")
        );
        let vlan = iface(IfaceKind::Vlan { parent: "eth0".into(), vid: 10 });
        let cur = LiveLink { vlan_id: Some(10), peer_index: Some(2), ..live("vlan") };
        assert_eq!(remake_reason(&vlan, &cur, Some(2)), None);
        assert_eq!(remake_reason(&vlan, &cur, Some(3)).as_deref(), Some("its parent is not eth0"));
        let other_id = LiveLink { vlan_id: Some(11), ..cur };
        assert_eq!(remake_reason(&vlan, &other_id, Some(2)).as_deref(), Some("its VLAN id is not 10"));
    }

    #[test]
    fn link_settings_differ_only_where_the_file_sets_them() {
        let veth = IfaceKind::Veth { link: LinkId::new(0), end: 0 };
        let same = compare_all(Iface { mtu: None, mac: None, ..iface(veth.clone()) }, live("veth"));
        assert_eq!(same, IfaceDrift::default());
        let want = Iface { mtu: Some(1400), mac: Some([2, 0, 0, 0, 0, 1]), up: false, ..iface(veth) };
        let d = compare_all(want, live("veth"));
        assert_eq!((d.up, d.mtu, d.mac), (Some(false), Some(1400), Some([2, 0, 0, 0, 0, 1])));
    }

    fn compare_all(want: Iface, cur: LiveLink) -> IfaceDrift {
        iface_drift(&want, &cur, None, false)
    }

    #[test]
    fn port_vlans_are_compared_where_the_switch_filters_them() {
        let port = Iface {
            master: Some("br0".into()),
            vlan: Some(10),
            vlans: vec![20, 30],
            ..iface(IfaceKind::Veth { link: LinkId::new(0), end: 1 })
        };
        let info = |vid, access| PortVlanInfo { vid, pvid: access, untagged: access };
        let mut cur = live("veth");
        cur.port_vlans = vec![info(10, true), info(20, false), info(30, false)];
        assert_eq!(iface_drift(&port, &cur, None, true).port_vlans, None, "as the file says");
        cur.port_vlans = vec![info(10, true), info(20, false), info(40, false)];
        assert_eq!(iface_drift(&port, &cur, None, true).port_vlans, Some(vec![40]), "40 goes, 30 comes");
        cur.port_vlans = Vec::new();
        assert_eq!(iface_drift(&port, &cur, None, true).port_vlans, Some(vec![1]), "the default VLAN goes");
        assert_eq!(iface_drift(&port, &cur, None, false).port_vlans, None, "not filtering: not compared");
    }

    #[test]
    fn a_tbf_differs_by_rate_or_queue_limit() {
        let want = Netem { rate_bps: Some(10_000_000), ..Netem::default() };
        let limit = tbf_limit_bytes(10_000_000, tbf_default_burst(10_000_000), None);
        let mut cur = live("veth");
        cur.qdisc = Some("tbf".into());
        cur.tbf = Some(TbfParams { rate_bps: 10_000_000, limit_bytes: limit });
        assert!(!qdisc_differs(&want, &cur, None));
        assert!(qdisc_differs(&Netem { limit: Some(100), ..want.clone() }, &cur, None), "limit");
        assert!(qdisc_differs(&Netem { rate_bps: Some(20_000_000), ..want.clone() }, &cur, None), "rate");
        cur.tbf = None;
        assert!(qdisc_differs(&want, &cur, None), "no tbf");
    }

    #[test]
    fn a_netem_differs_by_any_setting_and_by_its_recorded_distribution() {
        let want = Netem { delay_us: Some(20_000), jitter_us: Some(5_000), ..Netem::default() };
        let mut cur = live("veth");
        cur.qdisc = Some("netem".into());
        cur.netem = Some(netem_params(&want.config()));
        assert!(!qdisc_differs(&want, &cur, None));
        let changes = [
            Netem { delay_us: Some(30_000), ..want.clone() },
            Netem { jitter_us: Some(1_000), ..want.clone() },
            Netem { correlation: Some(5.0), ..want.clone() },
            Netem { loss: Some(1.0), ..want.clone() },
            Netem { corrupt: Some(1.0), ..want.clone() },
            Netem { duplicate: Some(1.0), ..want.clone() },
            Netem { reorder: Some(1.0), ..want.clone() },
            Netem { gap: Some(3), ..want.clone() },
            Netem { rate_bps: Some(1_000_000), ..want.clone() },
            Netem { limit: Some(10), ..want.clone() },
        ];
        for c in changes {
            assert!(qdisc_differs(&c, &cur, None), "{c:?}");
        }
        let normal = Netem { distribution: Some("normal".into()), ..want.clone() };
        assert!(qdisc_differs(&normal, &cur, None), "a distribution the lab never set");
        assert!(!qdisc_differs(&normal, &cur, Some("normal")));
        assert!(qdisc_differs(&want, &cur, Some("pareto")), "a distribution taken out of the file");
        let uniform = Netem { distribution: Some("uniform".into()), ..want.clone() };
        assert!(!qdisc_differs(&uniform, &cur, None), "uniform is no table");
        cur.netem = Some(NetemParams::default());
        assert!(qdisc_differs(&want, &cur, None));
    }
}
