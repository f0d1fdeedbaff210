//! Plans computed against a made-up live state: what a reconcile does with
//! interfaces of another kind and with a switch's bridge settings.

use super::*;
use crate::lab::live::LiveLink;
use crate::lab::model::Iface;

fn node(kind: Kind, interfaces: Vec<Iface>) -> Node {
    Node { name: "a".into(), ns: "t-a".into(), kind, interfaces: interfaces.into(), ..Node::default() }
}

fn link(index: u32, name: &str, kind: &str) -> (String, LiveLink) {
    let l = LiveLink {
        index,
        name: name.into(),
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
        bridge: (kind == "bridge").then(BridgeLive::default),
        vlan_id: None,
        port_vlans: Vec::new(),
    };
    (name.to_string(), l)
}

/// The plan's lines for `lab` against one namespace holding `links`
/// (`None`: no namespace yet).
fn plan(lab: &Lab, links: Option<Vec<(String, LiveLink)>>) -> Vec<String> {
    let live = links.map(|l| NsLive { links: l.into_iter().collect(), ..NsLive::default() });
    let sysctls: IdVec<NodeId, Vec<Option<String>>> =
        vec![ns_sysctls(&lab.nodes[NodeId::new(0)]).iter().map(|(_, v)| Some(v.clone())).collect()].into();
    let p = compute(lab, &vec![live].into(), &sysctls, &[], std::path::Path::new("/nonexistent"), None);
    p.actions.iter().map(|a| describe(lab, a)).collect()
}

#[test]
fn an_interface_of_another_kind_is_made_again() {
    let lab =
        Lab { nodes: vec![node(Kind::Host, vec![Iface::new("d0", IfaceKind::Dummy, 0..1)])].into(), ..Lab::default() };
    assert_eq!(
        plan(&lab, Some(vec![link(2, "d0", "bridge")])),
        [
            "- t-a: interface d0 (it is a bridge; the file makes a dummy)",
            "+ t-a: interface d0",
            "~ t-a: interface d0 up"
        ]
    );
    assert_eq!(plan(&lab, Some(vec![link(2, "d0", "dummy")])), Vec::<String>::new());
}

#[test]
fn a_switch_bridge_is_born_with_only_the_settings_the_file_sets() {
    let mut sw = node(Kind::Switch, vec![Iface::new("br0", IfaceKind::Bridge, 0..1)]);
    sw.stp = Some(true);
    let lab = Lab { nodes: vec![sw].into(), ..Lab::default() };
    let p = compute(&lab, &vec![None].into(), &vec![vec![]].into(), &[], std::path::Path::new("/nonexistent"), None);
    let settings = p.actions.iter().find_map(|a| match a {
        Action::CreateBridge { settings, .. } => Some(*settings),
        _ => None,
    });
    assert_eq!(settings, Some(BridgeSettings { vlan_filtering: None, stp: Some(true) }));
    // Running, with stp off: only stp changes; vlan_filtering is left alone.
    assert_eq!(plan(&lab, Some(vec![link(2, "br0", "bridge")])), ["~ t-a: bridge br0 stp on"]);
}

#[test]
fn a_multipath_route_with_a_device_only_hop_matches_what_the_kernel_reports() {
    let mut r = node(Kind::Router, vec![]);
    r.routes.push(Route {
        to: "10.8.0.0/24".parse().unwrap(),
        kind: RouteKind::Unicast,
        via: None,
        dev: None,
        nexthops: vec![
            NextHop { via: Some("10.0.1.2".parse().unwrap()), dev: None, weight: 1 },
            NextHop { via: None, dev: Some("wan".into()), weight: 2 },
        ],
        onlink: false,
        metric: None,
        table: 254,
        scope: None,
        src: None,
        proto: None,
        realm: None,
        metrics: RouteMetrics::default(),
        span: 0..1,
    });
    let index: BTreeMap<String, u32> = [("eth0".to_string(), 2), ("wan".to_string(), 3)].into_iter().collect();
    let (want, _) = wanted_routes(&r, &index).remove(0);
    // The kernel names the interface it chose for the gateway hop too.
    let mut have = want.clone();
    have.multipath[0].ifindex = 2;
    assert_eq!(route_key(&have, &want), route_key(&want, &want));
    // Another device for the device-only hop is a difference.
    have.multipath[1].ifindex = 2;
    assert_ne!(route_key(&have, &want), route_key(&want, &want));
}
