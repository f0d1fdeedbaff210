//! `--live`: what the kernel has now for each node of a lab — does its
//! namespace exist, and per interface its state and addresses — read over
//! a netlink socket opened inside each namespace.

use super::{Drift, GIface};
use crate::lab::live::NsLive;
use crate::lab::model::Lab;
use crate::namespace::NetNs;
use crate::rundir::RunDir;
use ipnet::IpNet;
use std::collections::BTreeMap;

/// One live interface.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IfaceLive {
    /// Administratively up (`IFF_UP`).
    pub admin_up: bool,
    /// Operational state in words (`up`, `down`, `lowerlayerdown`, `unknown`…).
    pub oper: String,
    /// Carrier (`IFF_LOWER_UP`).
    pub carrier: bool,
    /// Addresses, link-local IPv6 ones left out (the kernel adds those).
    pub addrs: Vec<IpNet>,
}

impl IfaceLive {
    /// Up for traffic: operationally up, or admin up with no operational
    /// state reported (`unknown`, as for `lo`), or admin up and `down`
    /// with carrier: just after `up` the operational state of a new veth
    /// still says `down` for up to a second, until the kernel's link watch
    /// catches up with the carrier it already has.
    pub fn is_up(&self) -> bool {
        self.oper == "up" || (self.admin_up && (self.oper == "unknown" || (self.oper == "down" && self.carrier)))
    }
}

/// One node's live state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeLive {
    /// The namespace `/run/netns/<ns>` exists.
    pub exists: bool,
    /// Its interfaces by name (empty when it does not exist or was unreadable).
    pub ifaces: BTreeMap<String, IfaceLive>,
    /// Why the namespace could not be read, if it exists but was not.
    pub error: Option<String>,
    /// The ownership mark on its `lo`: (lab, node), if any.
    pub mark: Option<(String, String)>,
}

/// Live state of every node of a lab, in node order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Live {
    /// One entry per [`Lab::nodes`] entry.
    pub nodes: Vec<NodeLive>,
}

/// Read the live state of every node of `lab` from the namespaces in `run`.
pub fn collect_live(lab: &Lab, run: &RunDir) -> Live {
    Live { nodes: lab.nodes.iter().map(|n| read_node(run, &n.ns)).collect() }
}

fn read_node(run: &RunDir, ns: &str) -> NodeLive {
    let Ok(name) = crate::rundir::NsName::existing(ns) else { return NodeLive::default() };
    let handle = match NetNs::open_name(run, &name) {
        Ok(h) => h,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return NodeLive::default(),
        Err(e) => {
            return NodeLive { exists: true, error: Some(crate::sys::io_text(&e)), ..NodeLive::default() };
        }
    };
    let mut out = NodeLive { exists: true, ..NodeLive::default() };
    let mut nl = match handle.netlink() {
        Ok(nl) => nl,
        Err(e) => {
            out.error = Some(format!("cannot open netlink in it: {e}"));
            return out;
        }
    };
    out.mark = crate::lab::owner::mark_via(&mut nl);
    // The same reading `up` reconciles against: interfaces, and the
    // addresses a lab manages (not the kernel's link-local/host ones).
    let lv = match crate::lab::live::read(&mut nl) {
        Ok(v) => v,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    out.ifaces = ifaces_of(&lv);
    out
}

/// The interfaces of one namespace reading, as the graph shows them.
fn ifaces_of(lv: &NsLive) -> BTreeMap<String, IfaceLive> {
    lv.links
        .values()
        .map(|l| {
            let il = IfaceLive {
                admin_up: l.up,
                carrier: l.carrier,
                oper: crate::netlink::link::operstate_word(l.operstate).to_string(),
                addrs: lv.addrs.iter().filter(|(index, _)| *index == l.index).map(|(_, net)| *net).collect(),
            };
            (l.name.clone(), il)
        })
        .collect()
}

/// The live state from the reading `up` already made of the lab's own
/// namespaces (`None`: no namespace), so `status` need not read them again.
pub fn from_reading(lab: &Lab, lives: &crate::lab::ids::IdVec<crate::lab::ids::NodeId, Option<NsLive>>) -> Live {
    let nodes = lab
        .nodes
        .iter()
        .zip(lives)
        .map(|(n, lv)| match lv {
            Some(lv) => NodeLive {
                exists: true,
                ifaces: ifaces_of(lv),
                error: None,
                mark: Some((lab.name.clone(), n.name.clone())),
            },
            None => NodeLive::default(),
        })
        .collect();
    Live { nodes }
}

/// Fill `g`'s live fields and drift from `node` (`want_up`: the file's state).
pub(super) fn apply(g: &mut GIface, want_up: bool, node: &NodeLive) {
    let mut d = Drift::default();
    if !node.exists {
        d.missing = true;
    } else if let Some(e) = &node.error {
        d.unknown = Some(e.clone());
    } else {
        match node.ifaces.get(&g.name) {
            None => d.missing = true,
            Some(il) => {
                g.oper = Some(il.oper.clone());
                g.live_addrs = Some(il.addrs.clone());
                let up = il.is_up();
                if want_up && !up {
                    // Admin down is plain "down"; admin up but operationally
                    // down means the other end (or the lower device) is down.
                    d.down = Some(match (il.admin_up, il.oper.as_str()) {
                        (false, _) => "down".to_string(),
                        (true, "down") => "no carrier".to_string(),
                        (true, o) => o.to_string(),
                    });
                }
                if !want_up && il.admin_up {
                    d.up_unwanted = true;
                }
                d.addr_missing = g.addrs.iter().filter(|a| !il.addrs.contains(a)).copied().collect();
                d.addr_extra = il.addrs.iter().filter(|a| !g.addrs.contains(a)).copied().collect();
            }
        }
    }
    g.drift = d;
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::drifted;
    use super::super::*;
    use super::*;

    #[test]
    fn drift_is_found_per_interface() {
        let (lab, live) = drifted();
        let g = Graph::new(&lab, Some(&live));
        assert!(g.live);
        assert_eq!(g.nodes[1].ns_exists, Some(false));
        assert!(g.nodes[1].drift.missing);
        assert!(g.nodes[0].drift.is_clean());
        assert!(g.nodes[0].iface("eth0").unwrap().drift.is_clean());
        assert_eq!(g.nodes[2].iface("eth1").unwrap().drift.down.as_deref(), Some("lowerlayerdown"));
        let r2 = g.nodes[3].iface("eth0").unwrap();
        assert_eq!(r2.drift.addr_missing[0].to_string(), "10.0.12.2/30");
        assert_eq!(r2.drift.addr_extra[0].to_string(), "10.0.12.9/30");
        assert!(g.nodes[4].iface("eth1").unwrap().drift.missing);
        // Edge r3 ── h2: both ends missing.
        assert!(g.edges[3].drift().missing);
        assert!(g.edges[1].drift().down.is_some());
        assert!(g.edges[1].addr_drift());
        assert!(!g.edges[0].addr_drift() && g.edges[0].drift().is_clean());
    }

    #[test]
    fn admin_down_counts_as_down() {
        let mut g = GIface {
            name: "eth0".into(),
            kind: "veth",
            addrs: vec![],
            master: None,
            vlan: None,
            peer: None,
            link: None,
            oper: None,
            live_addrs: None,
            drift: Drift::default(),
        };
        let mut n = NodeLive { exists: true, ..NodeLive::default() };
        n.ifaces
            .insert("eth0".into(), IfaceLive { admin_up: false, oper: "down".into(), carrier: false, addrs: vec![] });
        apply(&mut g, true, &n);
        assert_eq!(g.drift.markers(), vec!["down".to_string()]);
        apply(&mut g, false, &n);
        assert!(g.drift.is_clean());
        // Admin up without carrier: the other end is down.
        n.ifaces
            .insert("eth0".into(), IfaceLive { admin_up: true, oper: "down".into(), carrier: false, addrs: vec![] });
        apply(&mut g, true, &n);
        assert_eq!(g.drift.markers(), vec!["down: no carrier".to_string()]);
        // With carrier, an operational state still "down" is the kernel's
        // link watch not having run yet: up.
        n.ifaces.insert("eth0".into(), IfaceLive { admin_up: true, oper: "down".into(), carrier: true, addrs: vec![] });
        apply(&mut g, true, &n);
        assert!(g.drift.is_clean(), "{:?}", g.drift.markers());
    }
}
