//! The graph as JSON: `{"lab", "live", "nodes": […], "edges": […]}`.
//! Node interfaces carry `peer` (`"node:ifname"`); with `--live`, nodes
//! carry `namespace_exists` and interfaces `oper`, `live_addrs` and
//! `drift` (a list of markers, empty when the interface matches the file).

use super::Graph;
use serde_json::{Value, json};

/// The graph as a JSON value.
pub fn value(g: &Graph) -> Value {
    let nodes: Vec<Value> = g
        .nodes
        .iter()
        .map(|n| {
            let ifaces: Vec<Value> = n
                .ifaces
                .iter()
                .map(|i| {
                    let mut v = json!({
                        "name": i.name,
                        "kind": i.kind,
                        "addrs": i.addrs.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                        "master": i.master,
                        "vlan": i.vlan,
                        "peer": i.peer.as_ref().map(|(p, ifn)| format!("{}:{ifn}", g.nodes[*p].name)),
                    });
                    if g.live {
                        v["oper"] = json!(i.oper);
                        v["live_addrs"] =
                            json!(i.live_addrs.as_ref().map(|l| l.iter().map(|a| a.to_string()).collect::<Vec<_>>()));
                        v["drift"] = json!(i.drift.markers());
                    }
                    v
                })
                .collect();
            let mut v = json!({
                "name": n.name,
                "namespace": n.ns,
                "kind": n.kind_word(),
                "interfaces": ifaces,
                "loopback": n.loopback.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                "gateways": n.gateways.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
            });
            if g.live {
                v["namespace_exists"] = json!(n.ns_exists);
                v["drift"] = json!(n.drift.markers());
            }
            v
        })
        .collect();
    let edges: Vec<Value> = g
        .edges
        .iter()
        .map(|e| {
            let ends: Vec<Value> = e
                .ends
                .iter()
                .map(|x| {
                    let mut v = json!({
                        "node": g.nodes[x.node].name,
                        "ifname": x.ifname,
                        "addrs": x.addrs.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                        "vlan": x.vlan,
                    });
                    if g.live {
                        v["drift"] = json!(x.drift.markers());
                    }
                    v
                })
                .collect();
            json!({ "link": e.link, "ends": ends })
        })
        .collect();
    json!({ "lab": g.name, "live": g.live, "nodes": nodes, "edges": edges })
}

/// The graph as JSON text (with a final newline).
pub fn render(g: &Graph, pretty: bool) -> String {
    let v = value(g);
    let mut s = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }
        .unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;

    #[test]
    fn nodes_and_edges() {
        let v: serde_json::Value = serde_json::from_str(&render(&lan4(), None, Format::Json)).unwrap();
        assert_eq!(v["lab"], "lan4");
        assert_eq!(v["nodes"].as_array().unwrap().len(), 5);
        assert_eq!(v["nodes"][0]["kind"], "switch");
        assert_eq!(v["nodes"][0]["namespace"], "lan4-sw1");
        assert_eq!(v["nodes"][1]["interfaces"][0]["peer"], "sw1:h1-eth0");
        assert_eq!(v["edges"].as_array().unwrap().len(), 4);
        assert_eq!(v["edges"][2]["ends"][0]["node"], "h3");
        assert_eq!(v["edges"][2]["ends"][0]["addrs"][0], "10.1.0.3/24");
        assert!(v["nodes"][0].get("namespace_exists").is_none());
    }

    #[test]
    fn live_fields() {
        let (lab, live) = drifted();
        let v: serde_json::Value = serde_json::from_str(&render(&lab, Some(&live), Format::Json)).unwrap();
        assert_eq!(v["live"], true);
        assert_eq!(v["nodes"][1]["namespace_exists"], false);
        assert_eq!(v["nodes"][1]["drift"][0], "missing");
        assert_eq!(v["nodes"][3]["interfaces"][0]["live_addrs"][0], "10.0.12.9/30");
        assert_eq!(v["edges"][1]["ends"][0]["drift"][0], "down: lowerlayerdown");
        assert_eq!(v["edges"][0]["ends"][0]["drift"].as_array().unwrap().len(), 0);
    }
}
