//! One line per plan action, as `up --plan`, a reconcile's report and
//! `status` print them.

use super::Action;
use crate::lab::ids::{IfaceId, NodeId};
use crate::lab::model::Lab;

/// A rate as tc writes it: `20mbit`, `1500kbit`, `800bit`.
pub fn rate_text(bps: u64) -> String {
    match bps {
        b if b >= 1_000_000_000 && b % 1_000_000_000 == 0 => format!("{}gbit", b / 1_000_000_000),
        b if b >= 1_000_000 && b % 1_000_000 == 0 => format!("{}mbit", b / 1_000_000),
        b if b >= 1_000 && b % 1_000 == 0 => format!("{}kbit", b / 1_000),
        b => format!("{b}bit"),
    }
}

/// "NS: port P vlan 10 (access)", or its trunk VLANs.
fn port_vlans_text(lab: &Lab, node: NodeId, iface: IfaceId) -> String {
    let ns = &lab.nodes[node].ns;
    let i = &lab.nodes[node].interfaces[iface];
    match i.vlan {
        Some(v) if i.vlans.is_empty() => format!("{ns}: port {} vlan {v} (access)", i.name),
        Some(v) => format!("{ns}: port {} vlan {v} (access) vlans {:?} (trunk)", i.name, i.vlans),
        None => format!("{ns}: port {} vlans {:?} (trunk)", i.name, i.vlans),
    }
}

/// One line per action, for `--plan` and for a reconcile's report.
pub fn describe(lab: &Lab, action: &Action) -> String {
    let ns = |n: &NodeId| lab.nodes[*n].ns.as_str();
    let ifname = |n: &NodeId, i: &IfaceId| lab.nodes[*n].interfaces[*i].name.as_str();
    match action {
        Action::CreateNs { node } => format!("+ namespace {}", ns(node)),
        Action::DeleteNs { ns, node } => format!("- namespace {ns} (node {node} is no longer in the file)"),
        Action::NsSysctl { node, key, value, old } => {
            format!("~ {}: sysctl {key} = {value} (was {})", ns(node), old.as_deref().unwrap_or("unset"))
        }
        Action::DeleteLink { node, ifname, why } => format!("- {}: interface {ifname} ({why})", ns(node)),
        Action::CreateBridge { node, iface, .. } => format!("+ {}: bridge {}", ns(node), ifname(node, iface)),
        Action::SetBridge { node, iface, settings } => {
            let on = |b: &bool| if *b { "on" } else { "off" };
            let mut what = Vec::new();
            if let Some(v) = &settings.vlan_filtering {
                what.push(format!("vlan_filtering {}", on(v)));
            }
            if let Some(s) = &settings.stp {
                what.push(format!("stp {}", on(s)));
            }
            format!("~ {}: bridge {} {}", ns(node), ifname(node, iface), what.join(" "))
        }
        Action::CreateVirtual { node, iface } => format!("+ {}: interface {}", ns(node), ifname(node, iface)),
        Action::CreateVeth { link } => {
            let [x, y] = &lab.links[*link].ends;
            format!("+ veth {}:{} — {}:{}", lab.nodes[x.node].ns, x.ifname, lab.nodes[y.node].ns, y.ifname)
        }
        Action::SetLink { node, iface, up, mtu, mac, master } => {
            let mut what = Vec::new();
            if let Some(u) = up {
                what.push(if *u { "up".to_string() } else { "down".to_string() });
            }
            if let Some(m) = mtu {
                what.push(format!("mtu {m}"));
            }
            if let Some(m) = mac {
                what.push(format!("address {}", m.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")));
            }
            if *master {
                let i = &lab.nodes[*node].interfaces[*iface];
                what.push(format!("master {}", i.master.as_deref().unwrap_or("?")));
            }
            format!("~ {}: interface {} {}", ns(node), ifname(node, iface), what.join(" "))
        }
        Action::PortVlans { node, iface } => format!("+ {}", port_vlans_text(lab, *node, *iface)),
        Action::SetPortVlans { node, iface, remove } => {
            let gone = if remove.is_empty() { String::new() } else { format!(", not {remove:?}") };
            format!("~ {}{gone}", port_vlans_text(lab, *node, *iface))
        }
        Action::DelAddr { node, ifname, addr } => format!("- {}: address {addr} on {ifname}", ns(node)),
        Action::AddAddr { node, ifname, addr } => format!("+ {}: address {addr} on {ifname}", ns(node)),
        Action::DelRoute { node, text, .. } => format!("- {}: route {text}", ns(node)),
        Action::AddRoute { node, text, .. } => format!("+ {}: route {text}", ns(node)),
        Action::IfSysctl { node, key, value, old } => {
            format!("~ {}: sysctl {key} = {value} (was {})", ns(node), old.as_deref().unwrap_or("unset"))
        }
        Action::Qdisc { node, ifname, netem } => match netem {
            Some(n) if n.needs_netem() => format!("~ {}: netem on {ifname}", ns(node)),
            Some(n) => format!("~ {}: rate {} (tbf) on {ifname}", ns(node), rate_text(n.rate_bps.unwrap_or(0))),
            None => format!("- {}: qdisc on {ifname}", ns(node)),
        },
        Action::Nft { node, text } => match text {
            Some(_) => format!("~ {}: nftables table inet netns_lab", ns(node)),
            None => format!("- {}: nftables table inet netns_lab", ns(node)),
        },
        Action::Etc { node } => format!("~ {}: files in /etc/netns/{}/", ns(node), ns(node)),
        Action::Exec { node } => format!("+ {}: run {} exec command(s)", ns(node), lab.nodes[*node].exec.len()),
        Action::StopRun { node, name } => format!("- {}: stop process {name}", ns(node)),
        Action::StartRun { node, run } => {
            format!("+ {}: start process {}", ns(node), lab.nodes[*node].run[*run].name)
        }
    }
}
