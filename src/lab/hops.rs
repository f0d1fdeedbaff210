//! How far apart two nodes are, counted in the routers a packet crosses on
//! the lab's links, and whether an answer can make it back.
//!
//! Probes leave with hop limit 255, but the answer does not: the target
//! sends it with its own default (`net.ipv4.ip_default_ttl`, and for IPv6
//! the interface's `hop_limit`: 64 unless the lab sets them), and every
//! router on the way back takes one. Past 63 routers an echo reply dies
//! on its way home and the probe only sees silence, so `netns test` uses
//! this to say why instead of a bare "timeout".

use std::collections::VecDeque;

use super::ids::NodeId;
use super::model::{Kind, Lab, Node};

/// The kernel's default hop limit for packets a namespace sends itself.
pub const KERNEL_DEFAULT_TTL: u8 = 64;

/// The fewest routers (and hosts) a packet crosses from `from` to `to` over
/// the lab's links; switches forward without a hop. `None` when no chain
/// of links joins them. It is a lower bound: routes may take a longer way.
pub fn routers_between(lab: &Lab, from: NodeId, to: NodeId) -> Option<usize> {
    if from == to {
        return Some(0);
    }
    let mut next: Vec<Vec<NodeId>> = vec![Vec::new(); lab.nodes.len()];
    for l in lab.links.iter() {
        let [a, b] = &l.ends;
        next[a.node.index()].push(b.node);
        next[b.node.index()].push(a.node);
    }
    // Breadth first with weights 0 (leaving the source or a switch) and 1
    // (leaving any other node): a double-ended queue keeps it linear.
    let mut dist = vec![usize::MAX; lab.nodes.len()];
    dist[from.index()] = 0;
    let mut queue = VecDeque::from([from]);
    while let Some(u) = queue.pop_front() {
        if u == to {
            return Some(dist[u.index()]);
        }
        let step = usize::from(u != from && lab.nodes[u].kind != Kind::Switch);
        for &v in &next[u.index()] {
            let d = dist[u.index()] + step;
            if d < dist[v.index()] {
                dist[v.index()] = d;
                if step == 0 { queue.push_front(v) } else { queue.push_back(v) }
            }
        }
    }
    None
}

/// The hop limit `node` gives packets it sends itself, as the lab file sets
/// it, and the sysctl that sets it.
pub fn own_hop_limit(node: &Node, v6: bool) -> (u8, &'static str) {
    let key = if v6 { "net.ipv6.conf.default.hop_limit" } else { "net.ipv4.ip_default_ttl" };
    let set = node.sysctl.iter().rev().find(|(k, _)| k == key).and_then(|(_, v)| v.trim().parse::<u8>().ok());
    (set.unwrap_or(KERNEL_DEFAULT_TTL), key)
}

/// When an answer from `to` cannot reach `from` (it crosses at least as
/// many routers as its hop limit allows), a note saying so and what to
/// change; `None` when the distance does not explain a silence.
pub fn answer_dies_note(lab: &Lab, from: NodeId, to: NodeId, v6: bool) -> Option<String> {
    let routers = routers_between(lab, from, to)?;
    let (limit, key) = own_hop_limit(&lab.nodes[to], v6);
    (routers >= usize::from(limit)).then(|| {
        format!(
            " (the path crosses at least {routers} routers, and {} answers with hop limit {limit}: its reply \
             runs out on the way back; set {key} = 255 for the lab's nodes, in [defaults] sysctl)",
            lab.nodes[to].name
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(routers: usize, sysctl: &str) -> Lab {
        let mut f = format!("schema = 1\nname = \"c\"\n[defaults]\nsysctl = {{ {sysctl} }}\n");
        for i in 1..=routers {
            f += &format!("[nodes.r{i}]\nkind = \"router\"\n");
        }
        f += "[nodes.s]\nkind = \"switch\"\n[nodes.h]\n";
        for i in 1..routers {
            f += &format!("[[links]]\nendpoints = [\"r{i}:e1\", \"r{}:e0\"]\n", i + 1);
        }
        f +=
            &format!("[[links]]\nendpoints = [\"r{routers}:e1\", \"s\"]\n[[links]]\nendpoints = [\"s\", \"h:eth0\"]\n");
        let src = super::super::diag::Source { path: "c.toml".into(), text: f.clone() };
        super::super::parse::parse(&src).unwrap_or_else(|e| panic!("{e:?}\n{f}"))
    }

    #[test]
    fn switches_are_not_hops_and_the_ends_are_not_counted() {
        let lab = chain(5, "");
        let (r1, r5, h) = (lab.node("r1").unwrap(), lab.node("r5").unwrap(), lab.node("h").unwrap());
        assert_eq!(routers_between(&lab, r1, r1), Some(0));
        assert_eq!(routers_between(&lab, r1, r5), Some(3));
        assert_eq!(routers_between(&lab, r1, h), Some(4));
        assert_eq!(routers_between(&lab, h, r1), Some(4));
    }

    #[test]
    fn a_far_answer_is_explained_unless_the_lab_raises_the_limit() {
        let lab = chain(66, "");
        let (r1, r65, r66) = (lab.node("r1").unwrap(), lab.node("r65").unwrap(), lab.node("r66").unwrap());
        // r2..r64: 63 routers, the most a reply sent at 64 crosses.
        assert_eq!(answer_dies_note(&lab, r1, r65, false), None);
        let note = answer_dies_note(&lab, r1, r66, false).unwrap();
        assert!(note.contains("at least 64 routers") && note.contains("r66 answers with hop limit 64"), "{note}");
        assert!(note.contains("net.ipv4.ip_default_ttl = 255"), "{note}");
        assert!(answer_dies_note(&lab, r1, r66, true).unwrap().contains("net.ipv6.conf.default.hop_limit"));
        let raised = chain(66, "\"net.ipv4.ip_default_ttl\" = 255");
        assert_eq!(answer_dies_note(&raised, r1, r66, false), None);
    }
}
