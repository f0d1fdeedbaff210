//! Kernel features a lab needs (veth, bridge, vlan, dummy, netem, tbf,
//! nftables), found by trying them in a throw-away namespace, so a lab that
//! needs a missing one fails before it changes anything, with a message
//! that names the feature and the first object needing it.
//!
//! Only the features the lab uses are tried, each once, all in one scratch
//! namespace made by `unshare` on a thread of its own: when that thread
//! ends, the namespace and everything made in it disappear. Nothing is
//! cached. A link kind is missing when creating a bare link of that kind
//! is answered "Unknown device type"; a qdisc when putting one on the
//! scratch `lo` is answered ENOENT ("Specified qdisc kind is unknown");
//! nftables when `nft` cannot be found, or cannot load a table with a NAT
//! chain (masquerade) and a stateful filter chain in the scratch namespace.

use super::diag::Diag;
use super::ids::LinkId;
use super::model::{Iface, IfaceKind, Kind, Lab, Netem, Node};
use crate::netlink::link_ops::{LinkKind, LinkSpec, LinkWrite, is_unknown_kind};
use crate::netlink::{Netlink, NlError};
use std::process::{Command, Stdio};

/// A feature to try, with the message to give when it is missing.
struct Need {
    what: Feature,
    diag: Diag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Feature {
    Link(&'static str),
    /// A bridge with VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING).
    BridgeVlans,
    Netem,
    Tbf,
    NftBinary,
    NfTables,
}

/// `"node:ifname"` of a link end.
fn end_text(lab: &Lab, link: LinkId, end: usize) -> String {
    let ep = &lab.links[link].ends[end];
    format!("\"{}:{}\"", lab.nodes[ep.node].name, ep.ifname)
}

fn link_text(lab: &Lab, link: LinkId) -> String {
    format!("link {}–{}", end_text(lab, link, 0), end_text(lab, link, 1))
}

/// How a message names an interface: by its link when a link made it.
fn iface_text(lab: &Lab, node: &Node, i: &Iface) -> String {
    match i.kind {
        IfaceKind::Veth { link, .. } if lab.links.contains(link) => link_text(lab, link),
        _ => format!("interface \"{}\" of node {}", i.name, node.name),
    }
}

/// The features `lab` uses, each with the first object that needs it, in
/// a fixed order.
fn needs(lab: &Lab) -> Vec<Need> {
    let mut out: Vec<Need> = Vec::new();
    let mut add = |what: Feature, diag: Diag| {
        if !out.iter().any(|n| n.what == what) {
            out.push(Need { what, diag });
        }
    };
    if let Some((li, l)) = lab.links.iter_enumerated().next() {
        add(
            Feature::Link("veth"),
            Diag::at(
                l.span.clone(),
                format!("this kernel has no veth interfaces (veth): {} needs one", link_text(lab, li)),
            ),
        );
    }
    for node in &lab.nodes {
        if node.kind == Kind::Switch {
            add(
                Feature::Link("bridge"),
                Diag::at(
                    node.span.clone(),
                    format!("this kernel has no bridges (bridge): switch {} is a bridge", node.name),
                ),
            );
            if node.vlan_filtering == Some(true) {
                add(
                    Feature::BridgeVlans,
                    Diag::at(
                        node.span.clone(),
                        format!(
                            "this kernel's bridges have no VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING): \
                             switch {} sets vlan_filtering = true",
                            node.name
                        ),
                    ),
                );
            }
        }
        for i in &node.interfaces {
            let (feature, text) = match &i.kind {
                IfaceKind::Bridge => ("bridge", "this kernel has no bridges (bridge)"),
                IfaceKind::Vlan { .. } => ("vlan", "this kernel has no 802.1Q VLAN support (8021q)"),
                IfaceKind::Dummy => ("dummy", "this kernel has no dummy interfaces (dummy)"),
                IfaceKind::Veth { .. } => ("", ""),
            };
            if !feature.is_empty() {
                add(
                    Feature::Link(feature),
                    Diag::at(
                        i.span.clone(),
                        format!("{text}: interface \"{}\" of node {} is a {feature}", i.name, node.name),
                    ),
                );
            }
        }
    }
    for node in &lab.nodes {
        for i in &node.interfaces {
            let Some(n) = &i.netem else { continue };
            if n.needs_netem() {
                add(Feature::Netem, Diag::at(n.span.clone(), no_netem(&iface_text(lab, node, i), n)));
            } else if n.rate_bps.is_some() {
                add(Feature::Tbf, Diag::at(n.span.clone(), no_tbf(&iface_text(lab, node, i))));
            }
        }
    }
    for node in &lab.nodes {
        let span = match (node.nat.first(), &node.firewall) {
            (Some(n), _) => n.span.clone(),
            (None, Some(f)) => f.span.clone(),
            (None, None) => continue,
        };
        add(
            Feature::NftBinary,
            Diag::at(
                span.clone(),
                format!("nft not found: NAT/firewall on node {} needs the nftables package (or NETNS_NFT)", node.name),
            ),
        );
        add(
            Feature::NfTables,
            Diag::at(
                span,
                format!(
                    "this kernel has no nftables NAT/filter support (nf_tables, nft_nat, nft_ct): NAT/firewall on node {} needs it",
                    node.name
                ),
            ),
        );
    }
    out
}

/// The message for `what` (a link, an interface) asking for netem keys
/// on a kernel without the netem qdisc.
fn no_netem(what: &str, n: &Netem) -> String {
    format!(
        "this kernel has no netem qdisc (sch_netem): {what} asks for {}; load the sch_netem module or remove those keys",
        netem_keys(n)
    )
}

/// The message for `what` asking for a rate on a kernel without tbf.
fn no_tbf(what: &str) -> String {
    format!("this kernel has no tbf qdisc (sch_tbf): {what} asks for a rate; load the sch_tbf module or remove it")
}

/// The qdisc `netem` (an impairment set on a running lab's interface,
/// named by `what`) needs, when this kernel lacks it: the message to
/// refuse it with, the one the lab file would get. `Ok(None)`: present
/// (or nothing to shape).
pub fn shaping_missing(what: &str, netem: &Netem) -> Result<Option<String>, CheckError> {
    let need = if netem.needs_netem() {
        Need { what: Feature::Netem, diag: Diag::file(no_netem(what, netem)) }
    } else if netem.rate_bps.is_some() {
        Need { what: Feature::Tbf, diag: Diag::file(no_tbf(what)) }
    } else {
        return Ok(None);
    };
    Ok(check(vec![need])?.and_then(|mut d| d.pop()).map(|d| d.message))
}

/// The netem keys of `n` that need the netem qdisc, for the message.
fn netem_keys(n: &Netem) -> String {
    let keys: Vec<&str> = [
        (n.delay_us.is_some(), "delay"),
        (n.jitter_us.is_some(), "jitter"),
        (n.correlation.is_some(), "correlation"),
        (n.distribution.is_some(), "distribution"),
        (n.loss.is_some(), "loss"),
        (n.corrupt.is_some(), "corrupt"),
        (n.duplicate.is_some(), "duplicate"),
        (n.reorder.is_some(), "reorder"),
        (n.gap.is_some(), "gap"),
    ]
    .into_iter()
    .filter_map(|(set, k)| set.then_some(k))
    .collect();
    keys.join("/")
}

/// The ruleset tried in the scratch namespace: what a lab's NAT and
/// firewall use (a nat chain with masquerade and snat, a filter chain
/// with conntrack state).
const NFT_PROBE: &str = "table inet netns_probe {
\tchain postrouting {
\t\ttype nat hook postrouting priority srcnat;
\t\tmeta l4proto tcp masquerade
\t\tsnat ip to 192.0.2.1
\t}
\tchain prerouting {
\t\ttype nat hook prerouting priority dstnat;
\t\tdnat ip to 192.0.2.1
\t}
\tchain forward {
\t\ttype filter hook forward priority filter; policy accept;
\t\tct state established,related accept
\t}
}
";

/// Try one feature inside the scratch namespace: true when present.
/// Answers other than "unknown kind" count as present: the feature exists
/// and only the bare probe was refused.
fn present(nl: &mut Netlink, what: Feature, n: usize) -> bool {
    match what {
        Feature::Link(kind) => {
            let spec = LinkSpec {
                name: Some(format!("probe{n}").into_bytes()),
                kind: Some(LinkKind::Other(kind.as_bytes().to_vec())),
                ..LinkSpec::default()
            };
            !matches!(nl.link_write(&spec, LinkWrite::Create), Err(NlError::Kernel(k)) if is_unknown_kind(&k))
        }
        Feature::BridgeVlans => {
            let spec = LinkSpec {
                name: Some(format!("probe{n}").into_bytes()),
                kind: Some(LinkKind::BridgeWith { vlan_filtering: Some(true), stp: None }),
                ..LinkSpec::default()
            };
            !matches!(nl.link_write(&spec, LinkWrite::Create), Err(NlError::Kernel(k)) if k.errno == libc::EOPNOTSUPP)
        }
        Feature::Netem => {
            let probe = Netem { delay_us: Some(1000), ..Netem::default() };
            !matches!(nl.netem_replace(1, &probe.config()), Err(NlError::Kernel(k)) if k.errno == libc::ENOENT)
        }
        Feature::Tbf => {
            !matches!(nl.tbf_replace(1, 1_000_000, None, None), Err(NlError::Kernel(k)) if k.errno == libc::ENOENT)
        }
        Feature::NftBinary => crate::shared::nft::nft_path().is_some(),
        Feature::NfTables => {
            // Without the binary the kernel side cannot be asked; the
            // missing binary is reported on its own.
            let Some(nft) = crate::shared::nft::nft_path() else { return true };
            let child = Command::new(nft)
                .args(["-f", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            let Ok(mut child) = child else { return true };
            if let Some(mut stdin) = child.stdin.take() {
                use std::io::Write as _;
                let _ = stdin.write_all(NFT_PROBE.as_bytes());
            }
            child.wait().map(|s| s.success()).unwrap_or(true)
        }
    }
}

/// Why the kernel's features could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// No scratch namespace could be made to try them in.
    #[error("cannot make a scratch namespace to check kernel features: {}", super::error::io_cause(source))]
    Scratch {
        /// Why.
        source: std::io::Error,
    },
    /// No netlink socket could be opened in the scratch namespace.
    #[error("cannot open netlink in the scratch namespace: {}", super::error::io_cause(source))]
    Netlink {
        /// Why.
        source: std::io::Error,
    },
    /// The thread that ran the check panicked.
    #[error("the kernel feature check panicked")]
    Panicked,
}

/// Every kernel feature `lab` needs that this kernel lacks, as messages
/// pointing at the key that needs it ("this kernel has no netem qdisc").
/// Returns `Ok(None)` when the check could not run (no privilege to make
/// a scratch namespace), so `validate` can say it was skipped.
pub fn missing(lab: &Lab) -> Result<Option<Vec<Diag>>, CheckError> {
    check(needs(lab))
}

/// Try each of `needs` in one scratch namespace: the messages of those
/// missing, `Ok(None)` when the check cannot run (no privilege).
fn check(needs: Vec<Need>) -> Result<Option<Vec<Diag>>, CheckError> {
    if needs.is_empty() {
        return Ok(Some(Vec::new()));
    }
    std::thread::scope(|s| {
        s.spawn(|| {
            // The thread stays in the scratch namespace until it ends; the
            // namespace (and every probe made in it) dies with it.
            match crate::rundir::fresh_namespace_on_this_thread() {
                Ok(_ns) => {}
                Err(e) if e.raw_os_error() == Some(libc::EPERM) => return Ok(None),
                Err(source) => return Err(CheckError::Scratch { source }),
            }
            let mut nl = Netlink::open().map_err(|source| CheckError::Netlink { source })?;
            let mut out = Vec::new();
            for (n, need) in needs.into_iter().enumerate() {
                if !present(&mut nl, need.what, n) {
                    out.push(need.diag);
                }
            }
            Ok(Some(out))
        })
        .join()
        .unwrap_or(Err(CheckError::Panicked))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::ids::NodeId;
    use crate::lab::model::{Endpoint, Firewall, Link, Nat, NatKind};

    fn iface(name: &str, kind: IfaceKind, span: usize) -> Iface {
        Iface::new(name, kind, span..span + 1)
    }

    /// ra:wan0 — rb:wan0 with `netem`, r1 with a vlan, a dummy, NAT.
    fn lab(netem: Netem) -> Lab {
        let mut ra = Node { name: "ra".into(), span: 1..2, ..Node::default() };
        let mut wan = iface("wan0", IfaceKind::Veth { link: LinkId::new(0), end: 0 }, 10);
        wan.netem = Some(netem);
        ra.interfaces.push(wan);
        let mut rb = Node { name: "rb".into(), span: 3..4, ..Node::default() };
        rb.interfaces.push(iface("wan0", IfaceKind::Veth { link: LinkId::new(0), end: 1 }, 11));
        let mut r1 = Node { name: "r1".into(), span: 5..6, ..Node::default() };
        r1.interfaces.push(iface("eth0.10", IfaceKind::Vlan { parent: "eth0".into(), vid: 10 }, 20));
        r1.interfaces.push(iface("d0", IfaceKind::Dummy, 30));
        r1.nat.push(Nat {
            kind: NatKind::Masquerade,
            iif: None,
            oif: Some("eth0".into()),
            src: None,
            dst: None,
            proto: None,
            dport: None,
            to: None,
            span: 40..41,
        });
        r1.firewall = Some(Firewall { forward_accept: true, allow: vec![], nft: String::new(), span: 50..51 });
        Lab {
            name: "t".into(),
            nodes: vec![ra, rb, r1].into(),
            links: vec![Link {
                ends: [
                    Endpoint { node: NodeId::new(0), ifname: "wan0".into() },
                    Endpoint { node: NodeId::new(1), ifname: "wan0".into() },
                ],
                span: 100..101,
            }]
            .into(),
            ..Lab::default()
        }
    }

    #[test]
    fn only_what_the_lab_uses_is_probed() {
        let kinds = |l: &Lab| needs(l).into_iter().map(|n| n.what).collect::<Vec<_>>();
        assert_eq!(kinds(&Lab::default()), vec![]);
        let rate_only = Netem { rate_bps: Some(1_000_000), ..Netem::default() };
        assert_eq!(
            kinds(&lab(rate_only)),
            vec![
                Feature::Link("veth"),
                Feature::Link("vlan"),
                Feature::Link("dummy"),
                Feature::Tbf,
                Feature::NftBinary,
                Feature::NfTables
            ]
        );
    }

    #[test]
    fn this_kernel_lacks_netem_vlan_and_dummy_only() {
        require_root!();
        let netem = Netem { delay_us: Some(10_000), loss: Some(1.0), span: 60..61, ..Netem::default() };
        let diags = missing(&lab(netem)).unwrap().expect("as root the check runs");
        let texts: Vec<(usize, &str)> =
            diags.iter().map(|d| (d.span.clone().unwrap().start, d.message.as_str())).collect();
        // Kernels differ; the lab machine has veth, tbf and nftables but no
        // netem, vlan or dummy. Whatever is missing is named precisely.
        let has = |kind: &str| crate::netlink::link_ops::kernel_has_link_kind(kind.as_bytes()).unwrap();
        let mut want = Vec::new();
        if !has("vlan") {
            want.push((
                20,
                "this kernel has no 802.1Q VLAN support (8021q): interface \"eth0.10\" of node r1 is a vlan",
            ));
        }
        if !has("dummy") {
            want.push((30, "this kernel has no dummy interfaces (dummy): interface \"d0\" of node r1 is a dummy"));
        }
        let netem_here = std::path::Path::new("/sys/module/sch_netem").exists();
        if !netem_here {
            want.push((
                60,
                "this kernel has no netem qdisc (sch_netem): link \"ra:wan0\"–\"rb:wan0\" asks for delay/loss; load the sch_netem module or remove those keys",
            ));
        }
        if netem_here {
            // Module loaded on demand: nothing to compare exactly.
            return;
        }
        assert_eq!(texts, want);
    }

    #[test]
    fn nothing_needed_probes_nothing() {
        assert_eq!(missing(&Lab::default()).unwrap(), Some(vec![]));
    }
}
