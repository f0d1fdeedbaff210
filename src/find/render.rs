//! Printing the hits.
//!
//! For people, one line per hit in three aligned columns: the namespace,
//! the object, and one line of detail ending with what kind of object it
//! is:
//!
//! ```text
//! qrouter-1  qg-e5b9712e-b0  10.1.1.1/24 (address)
//! qrouter-2  10.1.1.0/24     dev qr-1 (connected route)
//! qdhcp-a    udp 0.0.0.0:67  dnsmasq[1234] (listening)
//! … and 998 namespaces (qdhcp-1, qdhcp-2, qdhcp-3, …) reach 10.1.1.1 only by a default route (-j lists them)
//! ```
//!
//! Namespaces that reach an address only by their default route are most
//! of the answer on a node with many of them, and say least: they are
//! counted on one line per `WHAT`, after the other hits (up to three are
//! named outright). `-j` lists each of them.
//!
//! A namespace is shown by its name (several names joined by `,`); an
//! unnamed one as `(root)` for PID 1's namespace, `(current)` for the one
//! netns runs in, else `inode N` (the number in `net:[N]`, as
//! `list --all` and `lsns` show it).
//!
//! For tools (`-j`), an array with one object per hit: `netns` (the first
//! name, or null), `names`, `root`, `inode`, `nsid` (when assigned),
//! `match` (`address`, `route`, `interface`, `neighbour`, `process`,
//! `listener`), `query` (the `WHAT` that matched), then the object's
//! fields under iproute2's key names (`ifindex`, `ifname`, `local`,
//! `prefixlen`, `dst`, `gateway`, `dev`, `address`, `lladdr`, `state`,
//! `pid`, …; for a listening socket `ss`'s: `netid`, `state`,
//! `local_address`, `local_port`, `processes`).

use super::search::Found;
use super::{Hit, Reach, What};
use crate::shared::namespaces::Known;
use crate::shared::route_names::Names;
use crate::shared::sockets::Owner;
use serde::Serialize;
use std::net::IpAddr;

/// How a namespace is shown.
pub fn label(k: &Known) -> String {
    if !k.names.is_empty() {
        return k.names.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    }
    if k.root {
        "(root)".to_string()
    } else if k.current {
        "(current)".to_string()
    } else {
        format!("inode {}", k.id.ino)
    }
}

fn family_word(family: u8) -> &'static str {
    if i32::from(family) == libc::AF_INET6 { "inet6" } else { "inet" }
}

/// An address with its length, as iproute2 prints a route's destination:
/// a host route without its `/32` or `/128`.
fn prefix_text(dst: Option<(IpAddr, u8)>) -> String {
    match dst {
        None => "default".to_string(),
        Some((a, len)) if (a.is_ipv4() && len == 32) || (a.is_ipv6() && len == 128) => a.to_string(),
        Some((a, len)) => format!("{a}/{len}"),
    }
}

fn nud_words(state: u16) -> Vec<&'static str> {
    const NAMES: [(u16, &str); 8] = [
        (0x01, "INCOMPLETE"),
        (0x02, "REACHABLE"),
        (0x04, "STALE"),
        (0x08, "DELAY"),
        (0x10, "PROBE"),
        (0x20, "FAILED"),
        (0x40, "NOARP"),
        (0x80, "PERMANENT"),
    ];
    let words: Vec<&str> = NAMES.iter().filter(|(b, _)| state & b != 0).map(|&(_, n)| n).collect();
    if words.is_empty() { vec!["NONE"] } else { words }
}

/// The object and the detail of one hit.
fn columns(what: &What, names: &Names) -> (String, String) {
    match what {
        What::Address { ifname, local, prefixlen, scope, .. } => {
            let scope = if *scope == 0 { String::new() } else { format!(" scope {}", names.scope(*scope)) };
            (ifname.clone(), format!("{local}/{prefixlen}{scope} (address)"))
        }
        What::Route { reach, kind, dst, gateway, dev, table, .. } => {
            let mut d = Vec::new();
            if let Some(g) = gateway {
                d.push(format!("via {g}"));
            }
            if let Some(dev) = dev {
                d.push(format!("dev {dev}"));
            }
            if ![254, 255].contains(table) {
                d.push(format!("table {}", names.table(*table)));
            }
            d.push(match reach {
                Reach::Gateway => "(route via a gateway)".to_string(),
                Reach::Other => format!("({} route)", names.rtntype(*kind)),
                r => format!("({} route)", r.word()),
            });
            (prefix_text(*dst), d.join(" "))
        }
        What::Interface { ifname, altname, address, kind, operstate, .. } => {
            let mut d = Vec::new();
            d.extend(address.clone());
            d.extend(kind.clone());
            d.push(format!("state {operstate}"));
            d.push(match altname {
                Some(a) => format!("(interface, altname {a})"),
                None => "(interface)".to_string(),
            });
            (ifname.clone(), d.join(" "))
        }
        What::Neighbour { dst, dev, lladdr, state } => {
            (dst.to_string(), format!("lladdr {lladdr} dev {dev} {} (neighbour)", nud_words(*state).join(",")))
        }
        What::Process { pid, comm } => (comm.clone(), format!("pid {pid} (process)")),
        What::Listener { listener, local, .. } => {
            let owners: Vec<String> = listener.owners.iter().map(|o| format!("{}[{}]", o.comm, o.pid)).collect();
            let detail =
                if owners.is_empty() { "(listening)".to_string() } else { format!("{} (listening)", owners.join(",")) };
            (format!("{} {local}", listener.proto.name()), detail)
        }
    }
}

/// Anything a terminal would act on, as `?`.
fn printable(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// Is this hit only a default route covering the address? With many
/// namespaces those are most of the answer and say least: the text output
/// counts them on one line instead of listing them.
pub fn by_default_route(h: &Hit) -> bool {
    matches!(h.what, What::Route { reach: Reach::Default, .. })
}

/// How many namespaces a default-route summary names before "…".
const NAMED_IN_SUMMARY: usize = 3;

/// The line that stands for the default-route hits of one `WHAT`.
fn default_summary(found: &Found, hits: &[&Hit], what: &str, after_others: bool) -> String {
    // Counted by namespace (each has one label); only the few named are
    // rendered: this line stands for thousands of namespaces.
    let mut seen = std::collections::HashSet::new();
    let mut labels: Vec<String> = Vec::new();
    for h in hits {
        if seen.insert(h.ns) && labels.len() <= NAMED_IN_SUMMARY {
            labels.push(printable(&label(&found.namespaces[h.ns])));
        }
    }
    let n = seen.len();
    let who = match n {
        1 => labels[0].clone(),
        _ if n <= NAMED_IN_SUMMARY => {
            format!("{} and {}", labels[..n - 1].join(", "), labels[n - 1])
        }
        _ => format!("{n} namespaces ({}, …)", labels[..NAMED_IN_SUMMARY].join(", ")),
    };
    let (verb, them) = if n == 1 { ("reaches", "it") } else { ("reach", "them") };
    let lead = if after_others { "… and " } else { "" };
    format!("{lead}{who} {verb} {what} only by a default route (-j lists {them})\n")
}

/// The hits for people: one line each, but the namespaces that reach an
/// address only by their default route are counted on one line per
/// `WHAT`, after the other hits (`queries` are the `WHAT` words as given).
pub fn text(found: &Found, queries: &[String]) -> String {
    let names = Names::default();
    let (defaults, shown): (Vec<&Hit>, Vec<&Hit>) = found.hits.iter().partition(|h| by_default_route(h));
    let rows: Vec<[String; 3]> = shown
        .iter()
        .map(|h| {
            let (object, detail) = columns(&h.what, &names);
            [printable(&label(&found.namespaces[h.ns])), printable(&object), printable(&detail)]
        })
        .collect();
    let width = |c: usize| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
    let (w0, w1) = (width(0), width(1));
    let mut out = String::new();
    for r in &rows {
        out.push_str(&format!("{:<w0$}  {:<w1$}  {}\n", r[0], r[1], r[2]));
    }
    let mut asked: Vec<usize> = defaults.iter().map(|h| h.query).collect();
    asked.sort_unstable();
    asked.dedup();
    for q in asked {
        let mine: Vec<&Hit> = defaults.iter().copied().filter(|h| h.query == q).collect();
        let others = shown.iter().any(|h| h.query == q);
        let what = queries.get(q).map_or_else(|| "it".to_string(), |w| printable(w));
        out.push_str(&default_summary(found, &mine, &what, others));
    }
    out
}

/// One hit in JSON.
#[derive(Debug, Serialize, Default)]
struct JsonHit {
    netns: Option<String>,
    names: Vec<String>,
    root: bool,
    inode: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nsid: Option<i32>,
    #[serde(rename = "match")]
    matched: &'static str,
    query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reach: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pid: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comm: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dst: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gateway: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dev: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    table: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefsrc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ifindex: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ifname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    altname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    local: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefixlen: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    info_kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operstate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lladdr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<State>,
    #[serde(skip_serializing_if = "Option::is_none")]
    netid: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    local_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    local_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interface: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    v6only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    processes: Option<Vec<JsonOwner>>,
}

/// A neighbour's NUD states, or a socket's state as `ss` names it.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum State {
    Nud(Vec<&'static str>),
    Socket(&'static str),
}

/// A process holding a socket.
#[derive(Debug, Serialize)]
struct JsonOwner {
    pid: u32,
    comm: String,
}

impl From<&Owner> for JsonOwner {
    fn from(o: &Owner) -> JsonOwner {
        JsonOwner { pid: o.pid, comm: o.comm.clone() }
    }
}

fn json_hit(found: &Found, h: &Hit, queries: &[String], names: &Names) -> JsonHit {
    let k = &found.namespaces[h.ns];
    let mut j = JsonHit {
        netns: k.names.first().map(|n| n.to_string()),
        names: k.names.iter().map(|n| n.to_string()).collect(),
        root: k.root,
        inode: k.id.ino,
        nsid: found.nsids.get(h.ns).copied().flatten(),
        query: queries.get(h.query).cloned().unwrap_or_default(),
        ..JsonHit::default()
    };
    match &h.what {
        What::Address { ifindex, ifname, local, prefixlen, scope } => {
            j.matched = "address";
            j.ifindex = Some(*ifindex);
            j.ifname = Some(ifname.clone());
            j.family = Some(if local.is_ipv6() { "inet6" } else { "inet" });
            j.local = Some(local.to_string());
            j.prefixlen = Some(*prefixlen);
            j.scope = Some(names.scope(*scope));
        }
        What::Route { reach, kind, dst, family, gateway, dev, table, protocol, scope, prefsrc } => {
            j.matched = "route";
            j.reach = Some(reach.word());
            j.kind = Some(names.rtntype(*kind));
            j.family = Some(family_word(*family));
            j.dst = Some(prefix_text(*dst));
            j.gateway = gateway.map(|g| g.to_string());
            j.dev = dev.clone();
            j.table = Some(names.table(*table));
            j.protocol = Some(names.proto(*protocol));
            j.scope = Some(names.scope(*scope));
            j.prefsrc = prefsrc.map(|p| p.to_string());
        }
        What::Interface { ifindex, ifname, altname, address, kind, operstate, .. } => {
            j.matched = "interface";
            j.ifindex = Some(*ifindex);
            j.ifname = Some(ifname.clone());
            j.altname = altname.clone();
            j.address = address.clone();
            j.info_kind = kind.clone();
            j.operstate = Some(operstate.to_uppercase());
        }
        What::Neighbour { dst, dev, lladdr, state } => {
            j.matched = "neighbour";
            j.dst = Some(dst.to_string());
            j.dev = Some(dev.clone());
            j.lladdr = Some(lladdr.clone());
            j.state = Some(State::Nud(nud_words(*state)));
        }
        What::Process { pid, comm } => {
            j.matched = "process";
            j.pid = Some(*pid);
            j.comm = Some(comm.clone());
        }
        What::Listener { listener, local, dev } => {
            j.matched = "listener";
            j.netid = Some(listener.proto.name());
            j.state = Some(State::Socket(listener.state.ss_name()));
            j.local_address = Some(listener.local.ip().to_string());
            j.local_port = Some(listener.local.port());
            j.local = Some(local.clone());
            j.interface = dev.clone();
            j.v6only = listener.v6only;
            j.processes = Some(listener.owners.iter().map(JsonOwner::from).collect());
        }
    }
    j
}

/// The hits for tools: `queries` are the `WHAT` words as given.
pub fn json(found: &Found, queries: &[String], pretty: bool) -> String {
    let names = Names::default();
    let hits: Vec<JsonHit> = found.hits.iter().map(|h| json_hit(found, h, queries, &names)).collect();
    let mut s = if pretty { serde_json::to_string_pretty(&hits) } else { serde_json::to_string(&hits) }
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_routes_print_without_their_length() {
        assert_eq!(prefix_text(None), "default");
        assert_eq!(prefix_text(Some(("10.1.1.1".parse().unwrap(), 32))), "10.1.1.1");
        assert_eq!(prefix_text(Some(("10.1.1.0".parse().unwrap(), 24))), "10.1.1.0/24");
        assert_eq!(prefix_text(Some(("fd00::".parse().unwrap(), 64))), "fd00::/64");
    }

    #[test]
    fn default_routes_are_summed_up_naming_a_few() {
        use crate::namespace::NsId;
        use crate::rundir::NsName;
        let known = |name: &str| Known {
            id: NsId { dev: 4, ino: 1 },
            names: vec![NsName::new(name).unwrap()],
            pids: Vec::new(),
            root: false,
            current: false,
        };
        let found = Found { namespaces: ["a", "b", "c", "d"].iter().map(|n| known(n)).collect(), ..Found::default() };
        let default = |ns| Hit {
            ns,
            query: 0,
            what: What::Route {
                reach: Reach::Default,
                kind: 1,
                dst: None,
                family: libc::AF_INET as u8,
                gateway: None,
                dev: Some("lo".into()),
                table: 254,
                protocol: 3,
                scope: 0,
                prefsrc: None,
            },
        };
        let hits: Vec<Hit> = (0..4).map(default).collect();
        let refs: Vec<&Hit> = hits.iter().collect();
        assert_eq!(
            default_summary(&found, &refs[..1], "10.1.1.1", false),
            "a reaches 10.1.1.1 only by a default route (-j lists it)\n"
        );
        assert_eq!(
            default_summary(&found, &refs[..3], "10.1.1.1", true),
            "… and a, b and c reach 10.1.1.1 only by a default route (-j lists them)\n"
        );
        assert_eq!(
            default_summary(&found, &refs, "10.1.1.1", true),
            "… and 4 namespaces (a, b, c, …) reach 10.1.1.1 only by a default route (-j lists them)\n"
        );
    }

    #[test]
    fn neighbour_states_are_iproute2_words() {
        assert_eq!(nud_words(0x02), ["REACHABLE"]);
        assert_eq!(nud_words(0x80), ["PERMANENT"]);
        assert_eq!(nud_words(0), ["NONE"]);
    }

    #[test]
    fn listeners_show_their_protocol_end_and_holders() {
        use crate::netlink::sock_diag::{Proto, TcpState};
        use crate::shared::sockets::Listener;
        let listener = |owners: Vec<Owner>| Listener {
            proto: Proto::Udp,
            state: TcpState::Close,
            local: "0.0.0.0:67".parse().unwrap(),
            interface: 0,
            v6only: None,
            inode: 9,
            uid: 0,
            owners,
        };
        let what = |owners| What::Listener { listener: listener(owners), local: "0.0.0.0:67".into(), dev: None };
        let names = Names::default();
        let two = vec![Owner { pid: 12, comm: "dnsmasq".into() }, Owner { pid: 13, comm: "dnsmasq".into() }];
        assert_eq!(
            columns(&what(two), &names),
            ("udp 0.0.0.0:67".to_string(), "dnsmasq[12],dnsmasq[13] (listening)".to_string())
        );
        assert_eq!(columns(&what(Vec::new()), &names).1, "(listening)");
    }
}
