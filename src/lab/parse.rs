//! TOML → [`Lab`]: the file is read with spans, every table's keys are
//! checked against its declaration in [`super::keys`] (so every mistake is
//! reported, each at its own `file:line:col`, with a "did you mean" for
//! misspelt keys), values are read by hand, `for` repetitions are
//! expanded, `[defaults]` merged, and generated names and addresses
//! assigned (see the "Decisions" of the lab design: `ethN`, switch ports,
//! `subnet`).

#[cfg(test)]
mod props;
mod tree;
pub(crate) mod units;

use super::diag::{Diag, Source};
use super::ids::{LinkId, NodeId};
use super::keys;
use super::model::*;
use crate::shared::route_names;
use ipnet::IpNet;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use tree::{Item, Tab, V, Val, get};

/// Parse and resolve a lab file, reporting every problem found.
pub fn parse(src: &Source) -> Result<Lab, Vec<Diag>> {
    let (root, syntax) = tree::load(&src.text);
    if !syntax.is_empty() {
        // The recovered tree misses whatever the syntax error swallowed;
        // walking it would add errors that are only echoes of this one.
        return Err(syntax);
    }
    let mut p = P { d: Vec::new(), budget: tree::Budget::default(), dropped: 0 };
    let lab = p.lab(&root);
    if p.d.is_empty() && p.dropped == 0 {
        return Ok(lab);
    }
    // Whatever did resolve is checked too, so one run shows every mistake
    // (`load` only runs the checks on a lab that parsed).
    let known: HashSet<(Option<Span>, &str)> = p.d.iter().map(|d| (d.span.clone(), d.message.as_str())).collect();
    let more: Vec<Diag> = super::validate::check(&lab)
        .into_iter()
        .filter(|d| !known.contains(&(d.span.clone(), d.message.as_str())))
        .collect();
    p.d.extend(more);
    Err(super::diag::cap(p.d, p.dropped))
}

/// Candidates beyond which no "did you mean" is computed: a hint costs
/// the product of the lengths for every candidate, and a lab with this
/// many names gets its typos reported without one.
const HINT_MAX: usize = 1000;
/// Names longer than this get no hint (same reason).
const HINT_LEN: usize = 64;

/// The closest of `known` to `key`, when it is close enough to be a typo.
fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    if known.len() > HINT_MAX || key.len() > HINT_LEN {
        return None;
    }
    let best = known.iter().filter(|k| k.len() <= HINT_LEN).map(|k| (lev(key, k), *k)).min()?;
    let len = key.chars().count();
    let limit = if len <= 3 { 1 } else { (len / 3).max(2) };
    (best.0 <= limit).then_some(best.1)
}

/// Longest `etc` file name, as written (a path below /etc/netns/NS/).
const ETC_NAME_MAX: usize = 1024;

/// Why `name` cannot be an `etc` file name, if it cannot: a relative path
/// of plain names (no empty, `.` or `..` component, no trailing `/`), each
/// at most 255 bytes, without control characters.
fn bad_etc_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("must not be empty".into());
    }
    if name.starts_with('/') {
        return Some("must be a relative path inside /etc, not an absolute one".into());
    }
    if crate::rundir::has_control_bytes(name.as_bytes()) {
        return Some("contains a control character".into());
    }
    if name.len() > ETC_NAME_MAX {
        return Some(format!("is longer than {ETC_NAME_MAX} bytes"));
    }
    for c in name.split('/') {
        match c {
            "" => return Some("has an empty component (a trailing or doubled '/')".into()),
            "." | ".." => return Some(format!("has a {c:?} component; name the file itself")),
            c if c.len() > 255 => return Some("has a component longer than 255 bytes".into()),
            _ => {}
        }
    }
    None
}

/// "; did you mean NODE?" for an unknown node name, or "".
fn hint_node<'a>(name: &str, nodes: impl ExactSizeIterator<Item = &'a str>) -> String {
    if nodes.len() > HINT_MAX {
        return String::new();
    }
    let names: Vec<&str> = nodes.collect();
    closest(name, &names).map(|k| format!("; did you mean {k}?")).unwrap_or_default()
}

/// Edit distance.
fn lev(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `[defaults]`.
#[derive(Default)]
struct Defaults {
    kind: Option<Kind>,
    mtu: Option<u32>,
    ipv6: Option<bool>,
    sysctl: Vec<(String, String)>,
}

/// A node before links give it interfaces.
struct NodeDraft {
    node: Node,
    /// `addr = { IF = [...] }`: (ifname, span, addresses).
    addr: Vec<(String, Span, Vec<IpNet>)>,
    ifaces: Vec<IfDraft>,
    /// Switch auto-addressing.
    subnet: Option<(IpNet, Span)>,
    /// MTU for link interfaces (node or `[defaults]`).
    mtu: Option<u32>,
}

/// One `interfaces.NAME` entry.
struct IfDraft {
    name: String,
    span: Span,
    /// Some: the entry creates the interface (vlan/dummy/bridge).
    create: Option<IfaceKind>,
    mtu: Option<u32>,
    mac: Option<[u8; 6]>,
    sysctl: Vec<(String, String)>,
    addrs: Vec<IpNet>,
}

/// One `[[links]]` entry before names are generated.
struct LinkDraft {
    /// (node index, interface name if written, span of the endpoint text)
    ends: [(usize, Option<String>, Span); 2],
    span: Span,
    addr: [Vec<IpNet>; 2],
    subnet: Option<IpNet>,
    mtu: Option<u32>,
    up: bool,
    netem: [Option<Netem>; 2],
    vlan: Option<u16>,
    vlans: Vec<u16>,
}

/// The walker: collects every diagnostic.
struct P {
    d: Vec<Diag>,
    /// What `for` repetition has used so far.
    budget: tree::Budget,
    /// Problems not kept (beyond [`super::diag::DIAG_MAX`]).
    dropped: usize,
}

impl P {
    fn err(&mut self, span: &Span, msg: impl Into<String>) {
        if self.d.len() < super::diag::DIAG_MAX {
            self.d.push(Diag::at(span.clone(), msg));
        } else {
            self.dropped += 1;
        }
    }

    /// Report every key of `t` that `table` does not declare, with the
    /// declared key it is a typo of, or else the keys the table takes.
    fn keys(&mut self, t: &Tab, table: &keys::Table, what: &str) {
        for e in t {
            if !table.has(&e.key) {
                if self.d.len() >= super::diag::DIAG_MAX {
                    // Not shown: spare the hint's cost.
                    self.dropped += 1;
                    continue;
                }
                let known = table.names();
                let hint = match closest(&e.key, &known) {
                    Some(k) => format!("; did you mean `{k}`?"),
                    None => format!(
                        "; expected one of {}",
                        known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                self.err(&e.kspan, format!("unknown key `{}` in {what}{hint}", e.key));
            }
        }
    }

    fn wrong(&mut self, v: &V, what: &str, expected: &str) {
        self.err(&v.span, format!("{what} must be {expected} (found {})", v.kind()));
    }

    fn table<'a>(&mut self, v: &'a V, what: &str) -> Option<&'a Tab> {
        self.table_x(v, what, "a table")
    }

    /// A table; `expected` says what kind, for the message.
    fn table_x<'a>(&mut self, v: &'a V, what: &str, expected: &str) -> Option<&'a Tab> {
        match &v.val {
            Val::Tab(t) => Some(t),
            _ => {
                self.wrong(v, what, expected);
                None
            }
        }
    }

    fn array<'a>(&mut self, v: &'a V, what: &str) -> Option<&'a [V]> {
        self.array_x(v, what, "an array")
    }

    fn array_x<'a>(&mut self, v: &'a V, what: &str, expected: &str) -> Option<&'a [V]> {
        match &v.val {
            Val::Arr(a) => Some(a),
            _ => {
                self.wrong(v, what, expected);
                None
            }
        }
    }

    fn string(&mut self, v: &V, what: &str) -> Option<String> {
        self.string_x(v, what, "a string")
    }

    fn string_x(&mut self, v: &V, what: &str, expected: &str) -> Option<String> {
        match &v.val {
            Val::Str(s) => Some(s.clone()),
            _ => {
                self.wrong(v, what, expected);
                None
            }
        }
    }

    fn boolean(&mut self, v: &V, what: &str) -> Option<bool> {
        match &v.val {
            Val::Bool(b) => Some(*b),
            _ => {
                self.wrong(v, what, "true or false");
                None
            }
        }
    }

    /// An integer in `lo..=hi` (a `for`-substituted string like "{i}" too).
    fn int(&mut self, v: &V, what: &str, lo: i64, hi: i64) -> Option<i64> {
        let n = match &v.val {
            Val::Int(n) => *n,
            Val::Str(s) if v.subst && s.parse::<i64>().is_ok() => s.parse().unwrap_or_default(),
            _ => {
                self.wrong(v, what, &format!("an integer from {lo} to {hi}"));
                return None;
            }
        };
        if n < lo || n > hi {
            self.err(&v.span, format!("{what} must be from {lo} to {hi} (found {n})"));
            return None;
        }
        Some(n)
    }

    fn number(&mut self, v: &V, what: &str) -> Option<f64> {
        match &v.val {
            Val::Int(n) => Some(*n as f64),
            Val::Float(f) if f.is_finite() => Some(*f),
            _ => {
                self.wrong(v, what, "a number");
                None
            }
        }
    }

    /// A string or an array of strings, each with its span.
    fn strings(&mut self, v: &V, what: &str) -> Vec<(String, Span)> {
        match &v.val {
            Val::Str(s) => vec![(s.clone(), v.span.clone())],
            Val::Arr(a) => a.iter().filter_map(|x| Some((self.string(x, what)?, x.span.clone()))).collect(),
            _ => {
                self.wrong(v, what, "a string or an array of strings");
                Vec::new()
            }
        }
    }

    /// An array of strings (argv).
    fn argv(&mut self, v: &V, what: &str) -> Option<Vec<String>> {
        let a = self.array_x(v, what, "an array of strings (an argv)")?;
        let out: Vec<String> = a.iter().filter_map(|x| self.string(x, what)).collect();
        (out.len() == a.len()).then_some(out)
    }

    /// "10.0.0.1/24", or a bare address (a host prefix).
    fn net_str(&mut self, s: &str, span: &Span, what: &str) -> Option<IpNet> {
        if let Ok(n) = s.parse::<IpNet>() {
            return Some(n);
        }
        if let Ok(a) = s.parse::<IpAddr>() {
            return Some(IpNet::from(a));
        }
        self.err(span, format!("{what}: \"{s}\" is not an address or prefix like \"10.0.0.1/24\""));
        None
    }

    fn net(&mut self, v: &V, what: &str) -> Option<IpNet> {
        let s = self.string(v, what)?;
        self.net_str(&s, &v.span, what)
    }

    fn nets(&mut self, v: &V, what: &str) -> Vec<IpNet> {
        self.strings(v, what).into_iter().filter_map(|(s, sp)| self.net_str(&s, &sp, what)).collect()
    }

    fn ip_str(&mut self, s: &str, span: &Span, what: &str) -> Option<IpAddr> {
        match s.parse::<IpAddr>() {
            Ok(a) => Some(a),
            Err(_) => {
                self.err(span, format!("{what}: \"{s}\" is not an IP address"));
                None
            }
        }
    }

    fn ip(&mut self, v: &V, what: &str) -> Option<IpAddr> {
        let s = self.string(v, what)?;
        self.ip_str(&s, &v.span, what)
    }

    /// `{ key = value }` with string, integer, float or boolean values.
    fn sysctl(&mut self, v: &V, what: &str) -> Vec<(String, String, Span)> {
        let Some(t) = self.table(v, what) else { return Vec::new() };
        let mut out = Vec::new();
        for e in t {
            let val = match &e.v.val {
                Val::Str(s) => s.clone(),
                Val::Int(n) => n.to_string(),
                Val::Float(f) => f.to_string(),
                Val::Bool(b) => if *b { "1" } else { "0" }.to_string(),
                _ => {
                    self.wrong(&e.v, &format!("sysctl `{}` of {what}", e.key), "a string, number or boolean");
                    continue;
                }
            };
            out.push((e.key.clone(), val, e.kspan.clone()));
        }
        out
    }

    fn mtu(&mut self, v: &V, what: &str) -> Option<u32> {
        self.int(v, &format!("`mtu` of {what}"), 68, 65535).map(|n| n as u32)
    }

    fn kind(&mut self, v: &V, what: &str) -> Option<Kind> {
        let s = self.string(v, &format!("`kind` of {what}"))?;
        match s.as_str() {
            "host" => Some(Kind::Host),
            "router" => Some(Kind::Router),
            "switch" => Some(Kind::Switch),
            _ => {
                self.err(&v.span, format!("`kind` of {what} must be host, router or switch (found \"{s}\")"));
                None
            }
        }
    }

    fn lab(&mut self, root: &V) -> Lab {
        let mut lab = Lab::default();
        let Val::Tab(top) = &root.val else { return lab };
        self.keys(top, &keys::TOP, "the lab file");
        match get(top, "schema") {
            None => self.d.push(Diag::file("the lab file has no `schema = 1`")),
            Some(v) => {
                if let Some(n) = self.int(v, "`schema`", 0, i64::MAX)
                    && n != 1
                {
                    self.err(&v.span, format!("schema {n} is not supported (this netns reads schema 1)"));
                }
            }
        }
        match get(top, "name") {
            None => self.d.push(Diag::file("the lab file has no `name` (the lab id, like name = \"lab1\")")),
            Some(v) => {
                if let Some(s) = self.string(v, "`name`") {
                    if s.is_empty()
                        || s.len() > 12
                        || !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    {
                        self.err(&v.span, format!("lab name \"{s}\" must be 1 to 12 of a-z, 0-9 and -"));
                    }
                    lab.name = s;
                }
            }
        }
        lab.ns_prefix = match get(top, "ns_prefix") {
            Some(v) => {
                let p = self.string(v, "`ns_prefix`").unwrap_or_default();
                if crate::rundir::has_control_bytes(p.as_bytes()) || p.contains('/') || p.len() > 200 {
                    self.err(
                        &v.span,
                        format!(
                            "`ns_prefix` {p:?} must be at most 200 bytes without '/' or control characters (it starts every namespace name)"
                        ),
                    );
                    // Reported once here, not again on every node.
                    String::new()
                } else {
                    p
                }
            }
            None => format!("{}-", lab.name),
        };
        let hosts = get(top, "hosts").map(|v| (self.boolean(v, "`hosts`"), v.span.clone()));
        let mut defaults = Defaults::default();
        if let Some(t) = get(top, "defaults").and_then(|v| self.table(v, "[defaults]")) {
            self.keys(t, &keys::DEFAULTS, "[defaults]");
            if let Some(v) = get(t, "kind") {
                defaults.kind = self.kind(v, "[defaults]");
            }
            if let Some(v) = get(t, "mtu") {
                defaults.mtu = self.mtu(v, "[defaults]");
            }
            if let Some(v) = get(t, "ipv6") {
                defaults.ipv6 = self.boolean(v, "`ipv6` of [defaults]");
            }
            if let Some(v) = get(t, "sysctl") {
                defaults.sysctl =
                    self.sysctl(v, "`sysctl` of [defaults]").into_iter().map(|(k, v, _)| (k, v)).collect();
            }
        }
        if let Some(t) = get(top, "host").and_then(|v| self.table(v, "[host]")) {
            self.keys(t, &keys::HOST, "[host]");
            if let Some(v) = get(t, "allow") {
                lab.host_allow = self.boolean(v, "`allow` of [host]").unwrap_or(false);
            }
        }

        // Nodes.
        let mut drafts: Vec<NodeDraft> = Vec::new();
        // Node name → index in `drafts`.
        let mut by_name: HashMap<String, usize> = HashMap::new();
        if let Some(t) = get(top, "nodes").and_then(|v| self.table(v, "`nodes`")) {
            for e in t {
                let Some(nt) = self.table(&e.v, &format!("node {}", e.key)) else { continue };
                let w = format!("node {}", e.key);
                let mut copies = tree::expand(&e.key, nt, &w, Item::Node, &mut self.budget, &mut self.d);
                while let Some((name, nt)) = copies.next(&mut self.d) {
                    if by_name.contains_key(&name) {
                        self.err(&e.kspan, format!("node {name} is defined twice"));
                        continue;
                    }
                    let d = self.node(&name, &e.kspan, &nt, &defaults, &lab.ns_prefix);
                    by_name.insert(name, drafts.len());
                    drafts.push(d);
                }
            }
        }
        if get(top, "nodes").is_none() {
            self.d.push(Diag::file("the lab has no nodes (add a [nodes.NAME] table)"));
        }

        // Links.
        let mut links: Vec<LinkDraft> = Vec::new();
        if let Some(v) = get(top, "links")
            && let Some(a) = self.array_x(v, "`links`", "an array of tables ([[links]])")
        {
            let mut n = 0;
            for item in a {
                let Some(lt) = self.table(item, "a [[links]] entry") else { continue };
                let w = format!("link {}", n + 1);
                let mut copies = tree::expand("", lt, &w, Item::Link, &mut self.budget, &mut self.d);
                while let Some((_, lt)) = copies.next(&mut self.d) {
                    n += 1;
                    if let Some(l) = self.link(n, &item.span, &lt, &drafts, &by_name) {
                        links.push(l);
                    }
                }
            }
        }

        self.resolve(&mut lab, drafts, links);
        // Every node's hosts file, once every address is known.
        let (on, at) = match hosts {
            Some((on, span)) => (on.unwrap_or(false), Some(span)),
            None => (lab.nodes.len() <= super::hosts::AUTO_MAX, None),
        };
        if on && let Err(size) = super::hosts::add(&mut lab) {
            let msg = format!(
                "the hosts file listing every node would be {size} bytes, over {} (set hosts = false)",
                super::hosts::MAX_BYTES
            );
            match at {
                Some(span) => self.err(&span, msg),
                None => self.d.push(Diag::file(msg)),
            }
        }

        // Expectations, once every address is known.
        if let Some(v) = get(top, "expect")
            && let Some(a) = self.array_x(v, "`expect`", "an array of tables ([[expect]])")
        {
            let mut n = 0;
            // A node's first address, found once (a node may have many
            // interfaces, and many expectations may name it).
            let mut addr_of: HashMap<NodeId, Option<IpAddr>> = HashMap::new();
            for item in a {
                let Some(et) = self.table(item, "an [[expect]] entry") else { continue };
                let w = format!("expect {}", n + 1);
                let mut copies = tree::expand("", et, &w, Item::Expect, &mut self.budget, &mut self.d);
                while let Some((_, et)) = copies.next(&mut self.d) {
                    n += 1;
                    if let Some(x) = self.expect(n, &item.span, &et, &lab, &by_name, &mut addr_of) {
                        lab.expects.push(x);
                    }
                }
            }
        }
        lab
    }

    fn node(&mut self, name: &str, span: &Span, t: &Tab, defs: &Defaults, prefix: &str) -> NodeDraft {
        let w = format!("node {name}");
        self.keys(t, &keys::NODE, &w);
        let mut n = Node {
            name: name.to_string(),
            ns: format!("{prefix}{name}"),
            kind: defs.kind.unwrap_or_default(),
            ipv6: defs.ipv6.unwrap_or(true),
            sysctl: defs.sysctl.clone(),
            span: span.clone(),
            ..Node::default()
        };
        let mut d =
            NodeDraft { node: Node::default(), addr: Vec::new(), ifaces: Vec::new(), subnet: None, mtu: defs.mtu };
        if let Some(v) = get(t, "kind")
            && let Some(k) = self.kind(v, &w)
        {
            n.kind = k;
        }
        if let Some(v) = get(t, "ipv6")
            && let Some(b) = self.boolean(v, &format!("`ipv6` of {w}"))
        {
            n.ipv6 = b;
        }
        if let Some(v) = get(t, "mtu")
            && let Some(m) = self.mtu(v, &w)
        {
            d.mtu = Some(m);
        }
        if let Some(v) = get(t, "loopback") {
            n.loopback = self.nets(v, &format!("`loopback` of {w}"));
        }
        if let Some(v) = get(t, "addr")
            && let Some(at) = self.table_x(v, &format!("`addr` of {w}"), "a table like { eth0 = [\"10.0.0.1/24\"] }")
        {
            for e in at {
                let nets = self.nets(&e.v, &format!("`addr.{}` of {w}", e.key));
                d.addr.push((e.key.clone(), e.kspan.clone(), nets));
            }
        }
        if let Some(v) = get(t, "gateway") {
            for (s, sp) in self.strings(v, &format!("`gateway` of {w}")) {
                if let Some(a) = self.ip_str(&s, &sp, &format!("`gateway` of {w}")) {
                    n.gateways.push(a);
                }
            }
        }
        if let Some(v) = get(t, "routes")
            && let Some(a) = self.array(v, &format!("`routes` of {w}"))
        {
            let mut i = 0;
            for item in a {
                let Some(rt) = self.table(item, &format!("a route of {w}")) else { continue };
                let rw = format!("route {} of {w}", i + 1);
                let mut copies = tree::expand("", rt, &rw, Item::Route, &mut self.budget, &mut self.d);
                while let Some((_, rt)) = copies.next(&mut self.d) {
                    i += 1;
                    if let Some(r) = self.route(&format!("route {i} of {w}"), &item.span, &rt) {
                        n.routes.push(r);
                    }
                }
            }
        }
        if let Some(v) = get(t, "sysctl") {
            let mut at: HashMap<String, usize> =
                n.sysctl.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)).collect();
            for (k, val, _) in self.sysctl(v, &format!("`sysctl` of {w}")) {
                // The node's value wins over [defaults], in the defaults' place.
                match at.get(&k) {
                    Some(&i) => n.sysctl[i].1 = val,
                    None => {
                        at.insert(k.clone(), n.sysctl.len());
                        n.sysctl.push((k, val));
                    }
                }
            }
        }
        if let Some(v) = get(t, "exec") {
            n.exec = self.strings(v, &format!("`exec` of {w}")).into_iter().map(|(s, _)| s).collect();
        }
        if let Some(v) = get(t, "exec_down") {
            n.exec_down = self.strings(v, &format!("`exec_down` of {w}")).into_iter().map(|(s, _)| s).collect();
        }
        if let Some(v) = get(t, "etc")
            && let Some(et) = self.table(v, &format!("`etc` of {w}"))
        {
            // Every file, and every directory above one: a name may not be both.
            let mut files: HashSet<&str> = HashSet::new();
            let mut dirs: HashSet<&str> = HashSet::new();
            for e in et {
                if let Some(why) = bad_etc_name(&e.key) {
                    self.err(&e.kspan, format!("`etc` file {:?} of {w} {why}", e.key));
                    continue;
                }
                let parents: Vec<&str> = e.key.match_indices('/').map(|(i, _)| &e.key[..i]).collect();
                if !files.insert(&e.key) {
                    self.err(&e.kspan, format!("`etc` file {:?} of {w} is defined twice", e.key));
                    continue;
                }
                if dirs.contains(e.key.as_str()) {
                    self.err(&e.kspan, format!("`etc` file {:?} of {w} is also a directory of another file", e.key));
                    continue;
                }
                if let Some(p) = parents.iter().find(|p| files.contains(*p)) {
                    self.err(
                        &e.kspan,
                        format!("`etc` file {:?} of {w} needs {p:?} to be a directory, but it is a file too", e.key),
                    );
                    continue;
                }
                dirs.extend(parents);
                if let Some(s) = self.string(&e.v, &format!("`etc.\"{}\"` of {w}", e.key)) {
                    n.etc.push(EtcFile { path: e.key.clone(), text: s.into(), generated: false });
                }
            }
        }
        if let Some(v) = get(t, "interfaces")
            && let Some(it) = self.table(v, &format!("`interfaces` of {w}"))
        {
            let mut if_names: HashSet<String> = HashSet::new();
            for e in it {
                let Some(ift) = self.table(&e.v, &format!("interface {} of {w}", e.key)) else { continue };
                let iw = format!("interface {} of {w}", e.key);
                let mut copies = tree::expand(&e.key, ift, &iw, Item::Interface, &mut self.budget, &mut self.d);
                while let Some((ifname, ift)) = copies.next(&mut self.d) {
                    if !if_names.insert(ifname.clone()) {
                        self.err(&e.kspan, format!("interface {ifname} of {w} is defined twice"));
                        continue;
                    }
                    let f = self.iface(&ifname, &e.kspan, &ift, &w);
                    d.ifaces.push(f);
                }
            }
        }
        if let Some(v) = get(t, "nat")
            && let Some(a) =
                self.array_x(v, &format!("`nat` of {w}"), &format!("an array of tables ([[nodes.{name}.nat]])"))
        {
            for (i, item) in a.iter().enumerate() {
                let Some(nt) = self.table(item, &format!("a nat rule of {w}")) else { continue };
                if let Some(r) = self.nat(&format!("nat rule {} of {w}", i + 1), &item.span, nt) {
                    n.nat.push(r);
                }
            }
        }
        if let Some(v) = get(t, "firewall")
            && let Some(ft) = self.table(v, &format!("`firewall` of {w}"))
        {
            n.firewall = self.firewall(&format!("the firewall of {w}"), &v.span, ft);
        }
        if let Some(v) = get(t, "run")
            && let Some(a) =
                self.array_x(v, &format!("`run` of {w}"), &format!("an array of tables ([[nodes.{name}.run]])"))
        {
            for (i, item) in a.iter().enumerate() {
                let Some(rt) = self.table(item, &format!("a run entry of {w}")) else { continue };
                if let Some(r) = self.run(&format!("run entry {} of {w}", i + 1), &item.span, rt) {
                    n.run.push(r);
                }
            }
        }
        for (key, flag) in [("vlan_filtering", &mut n.vlan_filtering), ("stp", &mut n.stp)] {
            if let Some(v) = get(t, key) {
                *flag = self.boolean(v, &format!("`{key}` of {w}"));
            }
        }
        if let Some(v) = get(t, "subnet")
            && let Some(net) = self.net(v, &format!("`subnet` of {w}"))
        {
            d.subnet = Some((net, v.span.clone()));
        }
        if n.kind != Kind::Switch {
            for key in ["vlan_filtering", "stp", "subnet"] {
                if let Some(e) = t.iter().find(|e| e.key == key) {
                    self.err(&e.kspan, format!("`{key}` of {w} is only for kind = \"switch\""));
                }
            }
        }
        d.node = n;
        d
    }

    fn iface(&mut self, name: &str, span: &Span, t: &Tab, node: &str) -> IfDraft {
        let w = format!("interface {name} of {node}");
        self.keys(t, &keys::IFACE, &w);
        let mut f = IfDraft {
            name: name.to_string(),
            span: span.clone(),
            create: None,
            mtu: None,
            mac: None,
            sysctl: Vec::new(),
            addrs: Vec::new(),
        };
        let ty = get(t, "type").and_then(|v| Some((self.string(v, &format!("`type` of {w}"))?, v.span.clone())));
        let parent = get(t, "parent").and_then(|v| self.string(v, &format!("`parent` of {w}")));
        let vid = get(t, "vid").and_then(|v| self.int(v, &format!("`vid` of {w}"), 0, 65535));
        match ty.as_ref().map(|(s, sp)| (s.as_str(), sp)) {
            Some(("vlan", sp)) => match (parent, vid) {
                (Some(parent), Some(vid)) => f.create = Some(IfaceKind::Vlan { parent, vid: vid as u16 }),
                (p, v) => {
                    if p.is_none() && get(t, "parent").is_none() {
                        self.err(sp, format!("{w} has type = \"vlan\" but no `parent`"));
                    }
                    if v.is_none() && get(t, "vid").is_none() {
                        self.err(sp, format!("{w} has type = \"vlan\" but no `vid`"));
                    }
                }
            },
            Some(("dummy", _)) => f.create = Some(IfaceKind::Dummy),
            Some(("bridge", _)) => f.create = Some(IfaceKind::Bridge),
            Some((other, sp)) => {
                let sp = sp.clone();
                self.err(&sp, format!("`type` of {w} must be vlan, dummy or bridge (found \"{other}\")"));
            }
            None => {}
        }
        if !matches!(f.create, Some(IfaceKind::Vlan { .. })) && ty.as_ref().is_none_or(|(s, _)| s != "vlan") {
            for key in ["parent", "vid"] {
                if let Some(e) = t.iter().find(|e| e.key == key) {
                    self.err(&e.kspan, format!("`{key}` of {w} is only for type = \"vlan\""));
                }
            }
        }
        if let Some(v) = get(t, "mtu") {
            f.mtu = self.mtu(v, &w);
        }
        if let Some(v) = get(t, "mac")
            && let Some(s) = self.string(v, &format!("`mac` of {w}"))
        {
            f.mac = parse_mac(&s);
            match f.mac {
                None => {
                    self.err(&v.span, format!("`mac` of {w}: \"{s}\" is not a MAC address like \"02:00:00:00:01:01\""))
                }
                // The kernel takes only unicast, non-zero addresses.
                Some(m) if m[0] & 1 == 1 || m == [0; 6] => {
                    self.err(
                        &v.span,
                        format!(
                            "`mac` of {w}: {s} is a multicast or zero address; use a unicast one like 02:00:00:00:01:01"
                        ),
                    );
                    f.mac = None;
                }
                Some(_) => {}
            }
        }
        if let Some(v) = get(t, "sysctl") {
            for (k, val, _) in self.sysctl(v, &format!("`sysctl` of {w}")) {
                f.sysctl.push((if_sysctl(name, &k), val));
            }
        }
        if let Some(v) = get(t, "addr") {
            f.addrs = self.nets(v, &format!("`addr` of {w}"));
        }
        f
    }

    fn route(&mut self, w: &str, span: &Span, t: &Tab) -> Option<Route> {
        self.keys(t, &keys::ROUTE, w);
        let kind = match get(t, "type") {
            None => RouteKind::Unicast,
            Some(v) => match self.string(v, &format!("`type` of {w}"))?.as_str() {
                "unicast" => RouteKind::Unicast,
                "blackhole" => RouteKind::Blackhole,
                "unreachable" => RouteKind::Unreachable,
                "prohibit" => RouteKind::Prohibit,
                other => {
                    self.err(
                        &v.span,
                        format!(
                            "`type` of {w} must be unicast, blackhole, unreachable or prohibit (found \"{other}\")"
                        ),
                    );
                    return None;
                }
            },
        };
        let via = get(t, "via").and_then(|v| self.ip(v, &format!("`via` of {w}")));
        let dev = get(t, "dev").and_then(|v| self.string(v, &format!("`dev` of {w}")));
        let mut nexthops = Vec::new();
        if let Some(v) = get(t, "nexthops")
            && let Some(a) = self.array(v, &format!("`nexthops` of {w}"))
        {
            for (i, item) in a.iter().enumerate() {
                let hw = format!("next hop {} of {w}", i + 1);
                let Some(ht) = self.table(item, &hw) else { continue };
                self.keys(ht, &keys::NEXTHOP, &hw);
                let nh = NextHop {
                    via: get(ht, "via").and_then(|v| self.ip(v, &format!("`via` of {hw}"))),
                    dev: get(ht, "dev").and_then(|v| self.string(v, &format!("`dev` of {hw}"))),
                    weight: get(ht, "weight")
                        .and_then(|v| self.int(v, &format!("`weight` of {hw}"), 1, 255))
                        .unwrap_or(1) as u8,
                };
                if nh.via.is_none() && nh.dev.is_none() && get(ht, "via").is_none() {
                    self.err(&item.span, format!("{hw} has neither `via` nor `dev`"));
                }
                nexthops.push(nh);
            }
        }
        let onlink = get(t, "onlink").and_then(|v| self.boolean(v, &format!("`onlink` of {w}"))).unwrap_or(false);
        let metric = get(t, "metric")
            .and_then(|v| self.int(v, &format!("`metric` of {w}"), 0, u32::MAX as i64))
            .map(|n| n as u32);
        let table = match get(t, "table") {
            None => 254,
            Some(v) => match &v.val {
                Val::Str(s) if s == "main" => 254,
                Val::Str(s) if s == "local" => 255,
                Val::Str(s) if s == "default" => 253,
                _ => self.int(v, &format!("`table` of {w} (main, local, default or a number)"), 1, u32::MAX as i64)?
                    as u32,
            },
        };
        let scope = get(t, "scope").and_then(|v| {
            let what = format!("`scope` of {w} (global, site, link, host, nowhere or 0-255)");
            self.named_num(v, &what, route_names::scope_id).map(|n| n as u8)
        });
        let src = get(t, "src").and_then(|v| self.ip(v, &format!("`src` of {w}")));
        let proto = get(t, "proto").and_then(|v| {
            let what = format!("`proto` of {w} (a name of /etc/iproute2/rt_protos or 0-255)");
            let n = self.named_num(v, &what, route_names::proto_id)? as u8;
            if matches!(n, 0..=3 | 9) {
                // The kernel's own routes and `ip route add`'s default:
                // a lab owns every route of its protocols in its nodes.
                let name = route_names::Names::default().proto(n);
                self.err(
                    &v.span,
                    format!(
                        "`proto` of {w} cannot be {name}: that protocol marks routes the kernel or other tools make; use static (the default) or a routing protocol's"
                    ),
                );
                return None;
            }
            Some(n)
        });
        let realm = get(t, "realm").and_then(|v| self.realm(v, &format!("`realm` of {w}")));
        let metric_of = |p: &mut Self, key: &str, lo: i64, hi: i64| {
            get(t, key).and_then(|v| p.int(v, &format!("`{key}` of {w}"), lo, hi)).map(|n| n as u32)
        };
        let metrics = RouteMetrics {
            mtu: metric_of(self, "mtu", 68, 65535),
            advmss: metric_of(self, "advmss", 1, 65535),
            initcwnd: metric_of(self, "initcwnd", 1, 65535),
            initrwnd: metric_of(self, "initrwnd", 1, 65535),
        };
        let Some(tov) = get(t, "to") else {
            self.err(span, format!("{w} has no `to`"));
            return None;
        };
        let to_s = self.string(tov, &format!("`to` of {w}"))?;
        let to = if to_s == "default" {
            let v6 = via.or_else(|| nexthops.iter().find_map(|h| h.via)).is_some_and(|a| a.is_ipv6());
            if v6 { "::/0".parse().ok()? } else { "0.0.0.0/0".parse().ok()? }
        } else {
            self.net_str(&to_s, &tov.span, &format!("`to` of {w}"))?
        };
        if kind == RouteKind::Unicast {
            if via.is_none() && dev.is_none() && nexthops.is_empty() && get(t, "via").is_none() {
                self.err(span, format!("{w} (to {to_s}) has no `via`, `dev` or `nexthops`"));
            }
            if via.is_some() && !nexthops.is_empty() {
                self.err(span, format!("{w} (to {to_s}) has both `via` and `nexthops`; use one"));
            }
        } else if via.is_some() || !nexthops.is_empty() {
            self.err(span, format!("{w} (to {to_s}) is a {kind:?} route and cannot have `via` or `nexthops`"));
        }
        if to.addr().is_ipv6() {
            if let Some(v) = get(t, "scope").filter(|_| scope.is_some()) {
                self.err(
                    &v.span,
                    format!("`scope` of {w} (to {to_s}) is for IPv4 routes: the kernel ignores it for IPv6"),
                );
            }
            if let Some(v) = get(t, "realm").filter(|_| realm.is_some()) {
                self.err(&v.span, format!("`realm` of {w} (to {to_s}) is for IPv4 routes: IPv6 has no realms"));
            }
        }
        if let (Some(s), Some(v)) = (src, get(t, "src"))
            && s.is_ipv6() != to.addr().is_ipv6()
        {
            self.err(&v.span, format!("`src` {s} of {w} (to {to_s}) is of the other IP family"));
        }
        if let (Some(sc), Some(v)) = (scope, get(t, "scope"))
            && sc >= crate::netlink::route::RT_SCOPE_LINK
            && (via.is_some() || !nexthops.is_empty())
            && !onlink
        {
            let name = route_names::Names::default().scope(sc);
            self.err(
                &v.span,
                format!("{w} (to {to_s}) has a gateway and scope {name}: the kernel refuses a gateway route narrower than global or site"),
            );
        }
        Some(Route {
            to,
            kind,
            via,
            dev,
            nexthops,
            onlink,
            metric,
            table,
            scope,
            src,
            proto,
            realm,
            metrics,
            span: tov.span.clone(),
        })
    }

    /// A name from one of iproute2's databases, or a number 0-255.
    fn named_num(&mut self, v: &V, what: &str, id: fn(&[u8]) -> Option<u32>) -> Option<u32> {
        match &v.val {
            Val::Str(s) if s.parse::<u32>().is_err() => match id(s.as_bytes()) {
                Some(n) => Some(n),
                None => {
                    self.err(&v.span, format!("{what}: unknown name \"{s}\""));
                    None
                }
            },
            _ => self.int(v, what, 0, 255).map(|n| n as u32),
        }
    }

    /// `realm`: `TO` or `FROM/TO`, each a name of rt_realms or 0-255.
    fn realm(&mut self, v: &V, what: &str) -> Option<u32> {
        let s = match &v.val {
            Val::Int(n) => n.to_string(),
            _ => self.string(v, what)?,
        };
        let one = |x: &str| match x.parse::<u32>() {
            Ok(n) if n <= 255 => Some(n),
            Ok(_) => None,
            Err(_) => route_names::realm_id(x.as_bytes()),
        };
        let (from, to) = match s.split_once('/') {
            Some((a, b)) => (one(a), one(b)),
            None => (Some(0), one(&s)),
        };
        match (from, to) {
            (Some(a), Some(b)) => Some(a << 16 | b),
            _ => {
                self.err(&v.span, format!("{what} must be TO or FROM/TO, each a realm name or 0-255 (found \"{s}\")"));
                None
            }
        }
    }

    fn proto(&mut self, v: &V, w: &str, allowed: &[&str]) -> Option<String> {
        let s = self.string(v, &format!("`proto` of {w}"))?;
        if allowed.contains(&s.as_str()) {
            Some(s)
        } else {
            self.err(&v.span, format!("`proto` of {w} must be {} (found \"{s}\")", allowed.join(" or ")));
            None
        }
    }

    fn nat(&mut self, w: &str, span: &Span, t: &Tab) -> Option<Nat> {
        self.keys(t, &keys::NAT, w);
        let kind = match get(t, "type") {
            None => {
                self.err(span, format!("{w} has no `type` (masquerade, snat or dnat)"));
                None
            }
            Some(v) => match self.string(v, &format!("`type` of {w}"))?.as_str() {
                "masquerade" => Some(NatKind::Masquerade),
                "snat" => Some(NatKind::Snat),
                "dnat" => Some(NatKind::Dnat),
                other => {
                    self.err(&v.span, format!("`type` of {w} must be masquerade, snat or dnat (found \"{other}\")"));
                    None
                }
            },
        };
        let nat = Nat {
            kind: kind.unwrap_or(NatKind::Masquerade),
            iif: get(t, "in").and_then(|v| self.string(v, &format!("`in` of {w}"))),
            oif: get(t, "out").and_then(|v| self.string(v, &format!("`out` of {w}"))),
            src: get(t, "src").and_then(|v| self.net(v, &format!("`src` of {w}"))),
            dst: get(t, "dst").and_then(|v| self.net(v, &format!("`dst` of {w}"))),
            proto: get(t, "proto").and_then(|v| self.proto(v, w, &["tcp", "udp"])),
            dport: get(t, "dport").and_then(|v| self.int(v, &format!("`dport` of {w}"), 1, 65535)).map(|n| n as u16),
            to: get(t, "to").and_then(|v| {
                let s = self.string(v, &format!("`to` of {w}"))?;
                let to = parse_to(&s);
                if to.is_none() {
                    self.err(
                        &v.span,
                        format!("`to` of {w}: \"{s}\" is not an address like \"10.0.0.1\", \"10.0.0.1:80\" or \"[fd00::1]:80\""),
                    );
                }
                to
            }),
            span: span.clone(),
        };
        let kind = kind?;
        if nat.dport.is_some() && nat.proto.is_none() && get(t, "proto").is_none() {
            self.err(span, format!("{w} has `dport` but no `proto` (tcp or udp)"));
        }
        let has = |k: &str| get(t, k).is_some();
        match kind {
            NatKind::Masquerade if has("to") => {
                self.err(span, format!("{w} is a masquerade and takes no `to` (use type = \"snat\")"));
            }
            NatKind::Snat | NatKind::Dnat if !has("to") => {
                self.err(span, format!("{w} ({}) has no `to`", if kind == NatKind::Snat { "snat" } else { "dnat" }));
            }
            _ => {}
        }
        if kind == NatKind::Dnat && has("out") {
            self.err(span, format!("{w} is a dnat: match the ingress interface with `in`, not `out`"));
        }
        if kind != NatKind::Dnat && has("in") {
            self.err(span, format!("{w} is a source NAT: match the egress interface with `out`, not `in`"));
        }
        Some(nat)
    }

    fn firewall(&mut self, w: &str, span: &Span, t: &Tab) -> Option<Firewall> {
        self.keys(t, &keys::FIREWALL, w);
        let mut fw = Firewall { forward_accept: true, allow: Vec::new(), nft: String::new(), span: span.clone() };
        if let Some(v) = get(t, "forward")
            && let Some(s) = self.string(v, &format!("`forward` of {w}"))
        {
            match s.as_str() {
                "accept" => fw.forward_accept = true,
                "drop" => fw.forward_accept = false,
                _ => self.err(&v.span, format!("`forward` of {w} must be accept or drop (found \"{s}\")")),
            }
        }
        if let Some(v) = get(t, "allow")
            && let Some(a) = self.array(v, &format!("`allow` of {w}"))
        {
            for (i, item) in a.iter().enumerate() {
                let aw = format!("allow rule {} of {w}", i + 1);
                let Some(at) = self.table(item, &aw) else { continue };
                self.keys(at, &keys::ALLOW, &aw);
                let al = Allow {
                    iif: get(at, "in").and_then(|v| self.string(v, &format!("`in` of {aw}"))),
                    oif: get(at, "out").and_then(|v| self.string(v, &format!("`out` of {aw}"))),
                    proto: get(at, "proto").and_then(|v| self.proto(v, &aw, &["tcp", "udp", "icmp"])),
                    dport: get(at, "dport")
                        .and_then(|v| self.int(v, &format!("`dport` of {aw}"), 1, 65535))
                        .map(|n| n as u16),
                    src: get(at, "src").and_then(|v| self.net(v, &format!("`src` of {aw}"))),
                    dst: get(at, "dst").and_then(|v| self.net(v, &format!("`dst` of {aw}"))),
                };
                if al.dport.is_some() && !matches!(al.proto.as_deref(), Some("tcp" | "udp")) {
                    self.err(&item.span, format!("{aw} has `dport` but `proto` is not tcp or udp"));
                }
                fw.allow.push(al);
            }
        }
        if let Some(v) = get(t, "nft") {
            fw.nft = self.string(v, &format!("`nft` of {w}")).unwrap_or_default();
        }
        Some(fw)
    }

    fn run(&mut self, w: &str, span: &Span, t: &Tab) -> Option<Run> {
        self.keys(t, &keys::RUN, w);
        let Some(cv) = get(t, "cmd") else {
            self.err(span, format!("{w} has no `cmd` (an argv like [\"python3\", \"-m\", \"http.server\"])"));
            return None;
        };
        let cmd = self.argv(cv, &format!("`cmd` of {w}"))?;
        if cmd.is_empty() {
            self.err(&cv.span, format!("`cmd` of {w} is empty"));
            return None;
        }
        // Without a name, the program's base name.
        let name = match get(t, "name") {
            Some(v) => self.string(v, &format!("`name` of {w}"))?,
            None => cmd[0].rsplit('/').next().unwrap_or_default().to_string(),
        };
        let mut ready = None;
        if let Some(v) = get(t, "ready")
            && let Some(rt) = self.table(v, &format!("`ready` of {w}"))
        {
            let rw = format!("`ready` of {w}");
            self.keys(rt, &keys::READY, &rw);
            let tcp = get(rt, "tcp").and_then(|v| {
                let s = self.string(v, &format!("`tcp` of {rw}"))?;
                match s.parse::<SocketAddr>() {
                    Ok(a) => Some(a),
                    Err(_) => {
                        self.err(
                            &v.span,
                            format!("`tcp` of {rw}: \"{s}\" is not an address:port like \"127.0.0.1:80\""),
                        );
                        None
                    }
                }
            });
            let timeout_ms = match get(rt, "timeout") {
                None => 5000,
                Some(v) => match self.string_x(v, &format!("`timeout` of {rw}"), "a duration like \"5s\"") {
                    Some(s) => match units::duration_us(&s) {
                        // `up` waits this long: bounded, like every wait.
                        Ok(us) if us > 3_600_000_000 => {
                            self.err(&v.span, format!("`timeout` of {rw}: \"{s}\" is longer than the limit, 1 hour"));
                            5000
                        }
                        Ok(us) => us / 1000,
                        Err(e) => {
                            self.err(&v.span, format!("`timeout` of {rw}: {e}"));
                            5000
                        }
                    },
                    None => 5000,
                },
            };
            ready = Some(Ready { tcp, timeout_ms });
        }
        Some(Run { name, cmd, ready, span: span.clone() })
    }

    fn netem(&mut self, v: &V, w: &str) -> Option<Netem> {
        let t = self.table(v, w)?;
        self.keys(t, &keys::NETEM, w);
        let mut n = Netem { span: v.span.clone(), ..Netem::default() };
        let dur = |p: &mut P, key: &str| -> Option<u64> {
            let v = get(t, key)?;
            let s = p.string_x(v, &format!("`{key}` of {w}"), "a duration like \"20ms\"")?;
            units::duration_us(&s).map_err(|e| p.err(&v.span, format!("`{key}` of {w}: {e}"))).ok()
        };
        let pct = |p: &mut P, key: &str| -> Option<f64> {
            let v = get(t, key)?;
            let r = match &v.val {
                Val::Str(s) => units::percent_str(s),
                Val::Int(_) | Val::Float(_) => units::percent(p.number(v, key)?),
                _ => {
                    p.wrong(v, &format!("`{key}` of {w}"), "a percentage like \"0.5%\"");
                    return None;
                }
            };
            r.map_err(|e| p.err(&v.span, format!("`{key}` of {w}: {e}"))).ok()
        };
        n.delay_us = dur(self, "delay");
        n.jitter_us = dur(self, "jitter");
        n.correlation = pct(self, "correlation");
        n.loss = pct(self, "loss");
        n.corrupt = pct(self, "corrupt");
        n.duplicate = pct(self, "duplicate");
        n.reorder = pct(self, "reorder");
        if let Some(v) = get(t, "distribution")
            && let Some(s) = self.string(v, &format!("`distribution` of {w}"))
        {
            if ["uniform", "normal", "pareto", "paretonormal"].contains(&s.as_str()) {
                n.distribution = Some(s);
            } else {
                self.err(
                    &v.span,
                    format!("`distribution` of {w} must be uniform, normal, pareto or paretonormal (found \"{s}\")"),
                );
            }
        }
        n.gap = get(t, "gap").and_then(|v| self.int(v, &format!("`gap` of {w}"), 0, u32::MAX as i64)).map(|x| x as u32);
        n.limit =
            get(t, "limit").and_then(|v| self.int(v, &format!("`limit` of {w}"), 1, u32::MAX as i64)).map(|x| x as u32);
        if let Some(v) = get(t, "rate") {
            n.rate_bps = match &v.val {
                Val::Str(s) => units::rate_bps(s).map_err(|e| self.err(&v.span, format!("`rate` of {w}: {e}"))).ok(),
                _ => self
                    .int(
                        v,
                        &format!("`rate` of {w} (bits per second, or a string like \"10mbit\")"),
                        units::RATE_MIN_BPS as i64,
                        i64::MAX,
                    )
                    .map(|x| x as u64),
            };
            // The kernel shapes in whole bytes per second.
            if let Some(r) = n.rate_bps
                && r < units::RATE_MIN_BPS
            {
                self.err(
                    &v.span,
                    format!(
                        "`rate` of {w} is {r}bit, below the minimum of {}bit (1 byte per second: the kernel shapes in bytes)",
                        units::RATE_MIN_BPS
                    ),
                );
                n.rate_bps = None;
            }
        }
        Some(n)
    }

    fn link(
        &mut self,
        n: usize,
        span: &Span,
        t: &Tab,
        nodes: &[NodeDraft],
        by_name: &HashMap<String, usize>,
    ) -> Option<LinkDraft> {
        let w = format!("link {n}");
        self.keys(t, &keys::LINK, &w);
        let Some(ev) = get(t, "endpoints") else {
            self.err(span, format!("{w} has no `endpoints` (like [\"h1:eth0\", \"h2:eth0\"])"));
            return None;
        };
        let eps = self.strings(ev, &format!("`endpoints` of {w}"));
        if eps.len() != 2 {
            self.err(&ev.span, format!("{w} must have exactly 2 endpoints (found {})", eps.len()));
            return None;
        }
        let mut ends = Vec::new();
        for (s, sp) in &eps {
            let (node, ifname) = match s.split_once(':') {
                Some((a, b)) => (a, Some(b.to_string())),
                None => (s.as_str(), None),
            };
            match by_name.get(node) {
                Some(&i) => ends.push((i, ifname, sp.clone())),
                None => {
                    let hint = hint_node(node, nodes.iter().map(|d| d.node.name.as_str()));
                    self.err(sp, format!("{w} endpoint \"{s}\" names node {node}, which is not defined{hint}"));
                }
            }
        }
        let mut addr: [Vec<IpNet>; 2] = [Vec::new(), Vec::new()];
        if let Some(v) = get(t, "addr")
            && let Some(a) = self.array_x(v, &format!("`addr` of {w}"), "an array with one address list per endpoint")
        {
            if a.len() > 2 {
                self.err(&v.span, format!("`addr` of {w} has {} entries; a link has 2 endpoints", a.len()));
            }
            for (i, x) in a.iter().take(2).enumerate() {
                addr[i] = self.nets(x, &format!("`addr` of {w} endpoint {}", i + 1));
            }
        }
        let subnet = get(t, "subnet").and_then(|v| self.net(v, &format!("`subnet` of {w}")));
        if let (Some(s), Some(v)) = (subnet, get(t, "subnet"))
            && host_bits(&s)
        {
            self.err(&v.span, format!("`subnet` of {w}: {s} has host bits set; did you mean {}?", s.trunc()));
        }
        let mtu = get(t, "mtu").and_then(|v| self.mtu(v, &w));
        let up = match get(t, "state") {
            None => true,
            Some(v) => match self.string(v, &format!("`state` of {w}")).as_deref() {
                Some("up") | None => true,
                Some("down") => false,
                Some(o) => {
                    self.err(&v.span, format!("`state` of {w} must be up or down (found \"{o}\")"));
                    true
                }
            },
        };
        let both = get(t, "netem").and_then(|v| self.netem(v, &format!("`netem` of {w}")));
        let ab = get(t, "netem_ab").and_then(|v| self.netem(v, &format!("`netem_ab` of {w}")));
        let ba = get(t, "netem_ba").and_then(|v| self.netem(v, &format!("`netem_ba` of {w}")));
        let vlan = get(t, "vlan").and_then(|v| self.int(v, &format!("`vlan` of {w}"), 0, 65535)).map(|x| x as u16);
        let mut vlans = Vec::new();
        if let Some(v) = get(t, "vlans")
            && let Some(a) = self.array(v, &format!("`vlans` of {w}"))
        {
            vlans =
                a.iter().filter_map(|x| self.int(x, &format!("`vlans` of {w}"), 0, 65535)).map(|x| x as u16).collect();
        }
        let ends: [(usize, Option<String>, Span); 2] = ends.try_into().ok()?;
        let is_switch = |i: usize| nodes[ends[i].0].node.kind == Kind::Switch;
        for key in ["vlan", "vlans"] {
            let Some(e) = t.iter().find(|e| e.key == key) else { continue };
            match (is_switch(0), is_switch(1)) {
                (false, false) => {
                    self.err(&e.kspan, format!("`{key}` of {w} needs a switch endpoint, and it has none"))
                }
                (true, true) => self.err(&e.kspan, format!("`{key}` of {w}: both endpoints are switches; which port?")),
                (a, _) => {
                    let sw = &nodes[ends[if a { 0 } else { 1 }].0].node;
                    if sw.vlan_filtering != Some(true) {
                        self.err(&e.kspan, format!("`{key}` of {w} needs vlan_filtering = true on switch {}", sw.name));
                    }
                }
            }
        }
        Some(LinkDraft {
            ends,
            span: span.clone(),
            addr,
            subnet,
            mtu,
            up,
            netem: [ab.or_else(|| both.clone()), ba.or(both)],
            vlan,
            vlans,
        })
    }

    /// Names, interfaces and addresses: drafts → `lab.nodes`/`lab.links`.
    // Endpoint loops index both `e` and its peer `1 - e`.
    #[allow(clippy::needless_range_loop)]
    fn resolve(&mut self, lab: &mut Lab, mut drafts: Vec<NodeDraft>, links: Vec<LinkDraft>) {
        let switch = |d: &[NodeDraft], i: usize| d[i].node.kind == Kind::Switch;
        // Names already taken in each node: written endpoint names, created
        // interfaces, and br0 in switches.
        let mut taken: Vec<HashSet<String>> = drafts
            .iter()
            .map(|d| {
                let mut s: HashSet<String> =
                    d.ifaces.iter().filter(|f| f.create.is_some()).map(|f| f.name.clone()).collect();
                if d.node.kind == Kind::Switch {
                    s.insert("br0".into());
                }
                s
            })
            .collect();
        for l in &links {
            for (node, name, _) in &l.ends {
                if let Some(n) = name {
                    taken[*node].insert(n.clone());
                }
            }
        }
        let mut names: Vec<[Option<String>; 2]> =
            links.iter().map(|l| [l.ends[0].1.clone(), l.ends[1].1.clone()]).collect();
        // Hosts and routers: the next free ethN, in link order (names only
        // get taken, so the search goes on from the last one found).
        let mut next_eth = vec![0usize; drafts.len()];
        for (li, l) in links.iter().enumerate() {
            for e in 0..2 {
                let node = l.ends[e].0;
                if names[li][e].is_none() && !switch(&drafts, node) {
                    let i = (next_eth[node]..).find(|i| !taken[node].contains(&format!("eth{i}"))).unwrap_or_default();
                    next_eth[node] = i + 1;
                    let name = format!("eth{i}");
                    taken[node].insert(name.clone());
                    names[li][e] = Some(name);
                }
            }
        }
        // Switch ports: "<peer-node>-<peer-ifname>" when it fits and is
        // unique, else p<N> (N = position among the switch's links).
        let mut seen_links = vec![0usize; drafts.len()];
        for (li, l) in links.iter().enumerate() {
            for e in 0..2 {
                let node = l.ends[e].0;
                if !switch(&drafts, node) {
                    continue;
                }
                seen_links[node] += 1;
                if names[li][e].is_some() {
                    continue;
                }
                let peer = l.ends[1 - e].0;
                let cand = names[li][1 - e].as_ref().map(|pi| format!("{}-{pi}", drafts[peer].node.name));
                let name = match cand {
                    Some(c) if c.len() <= 15 && !taken[node].contains(&c) => c,
                    _ => format!("p{}", seen_links[node]),
                };
                taken[node].insert(name.clone());
                names[li][e] = Some(name);
            }
        }

        // Interfaces: br0 first, veths in link order, then created ones.
        let mut ifaces: Vec<Vec<Iface>> = drafts
            .iter()
            .map(|d| {
                if d.node.kind == Kind::Switch {
                    vec![Iface { master: None, ..new_iface("br0", IfaceKind::Bridge, &d.node.span) }]
                } else {
                    Vec::new()
                }
            })
            .collect();
        for (li, l) in links.iter().enumerate() {
            let ends: [Endpoint; 2] = [0, 1]
                .map(|e| Endpoint { node: NodeId::new(l.ends[e].0), ifname: names[li][e].clone().unwrap_or_default() });
            for e in 0..2 {
                let node = l.ends[e].0;
                let sw = switch(&drafts, node);
                let mut f = new_iface(&ends[e].ifname, IfaceKind::Veth { link: LinkId::new(li), end: e }, &l.ends[e].2);
                f.mtu = l.mtu.or(drafts[node].mtu);
                f.up = l.up;
                f.netem = l.netem[e].clone();
                f.addrs = l.addr[e].clone();
                if let Some(s) = l.subnet
                    && !sw
                {
                    match nth_host(&s, e) {
                        Some(a) => f.addrs.push(IpNet::new(a, s.prefix_len()).unwrap_or(s)),
                        None => self.err(&l.span, format!("`subnet` {s} of link {} is too small for 2 hosts", li + 1)),
                    }
                }
                if sw {
                    f.master = Some("br0".into());
                    f.vlan = l.vlan;
                    f.vlans = l.vlans.clone();
                }
                ifaces[node].push(f);
            }
            lab.links.push(Link { ends, span: l.span.clone() });
        }
        for (ni, d) in drafts.iter_mut().enumerate() {
            let w = format!("node {}", d.node.name);
            // Interface name → index in ifaces[ni].
            let mut index: HashMap<String, usize> =
                ifaces[ni].iter().enumerate().map(|(i, f)| (f.name.clone(), i)).collect();
            // Created interfaces, each after its parent: in file order, a
            // vlan whose parent is not there yet waits for it.
            let mut waiting: HashMap<&str, Vec<&IfDraft>> = HashMap::new();
            for f in d.ifaces.iter().filter(|f| f.create.is_some()) {
                let mut ready = vec![f];
                while let Some(f) = ready.pop() {
                    if let Some(IfaceKind::Vlan { parent, .. }) = &f.create
                        && !index.contains_key(parent)
                    {
                        waiting.entry(parent.as_str()).or_default().push(f);
                        continue;
                    }
                    index.insert(f.name.clone(), ifaces[ni].len());
                    ifaces[ni].push(new_iface(&f.name, f.create.clone().unwrap_or(IfaceKind::Dummy), &f.span));
                    if let Some(children) = waiting.remove(f.name.as_str()) {
                        ready.extend(children.into_iter().rev());
                    }
                }
            }
            let mut orphans: Vec<&IfDraft> = waiting.into_values().flatten().collect();
            orphans.sort_by_key(|f| f.span.start);
            for f in orphans {
                if let Some(IfaceKind::Vlan { parent, .. }) = &f.create {
                    self.d.push(Diag::at(
                        f.span.clone(),
                        format!(
                            "parent {parent} of interface {} of {w} is not an interface of the node (no link or interface entry creates it)",
                            f.name
                        ),
                    ));
                }
            }
            // Settings of interface entries (created or made by links).
            for f in &d.ifaces {
                match index.get(&f.name).map(|&i| &mut ifaces[ni][i]) {
                    Some(i) => {
                        if f.mtu.is_some() {
                            i.mtu = f.mtu;
                        }
                        if f.mac.is_some() {
                            i.mac = f.mac;
                        }
                        i.sysctl.extend(f.sysctl.iter().cloned());
                        i.addrs.extend(f.addrs.iter().cloned());
                    }
                    None if f.create.is_none() => self.d.push(Diag::at(
                        f.span.clone(),
                        format!(
                            "interface {} of {w} is configured, but no link creates it (add `type` to create a vlan, dummy or bridge)",
                            f.name
                        ),
                    )),
                    None => {}
                }
            }
            for (ifname, sp, nets) in &d.addr {
                match index.get(ifname).map(|&i| &mut ifaces[ni][i]) {
                    Some(i) => i.addrs.extend(nets.iter().cloned()),
                    None => {
                        let have: Vec<&str> = ifaces[ni].iter().take(HINT_MAX + 1).map(|i| i.name.as_str()).collect();
                        let hint = match closest(ifname, &have) {
                            Some(k) => format!("; did you mean {k}?"),
                            None if have.is_empty() => "; it has no interfaces".to_string(),
                            None => format!("; it has {}", have.join(", ")),
                        };
                        self.d.push(Diag::at(
                            sp.clone(),
                            format!(
                                "`addr` of {w} names interface {ifname}, which no link or interface entry creates{hint}"
                            ),
                        ));
                    }
                }
            }
        }
        // Switch subnets: attached endpoints without an address get .1, .2…
        // (each switch's link ends, in link order, found once).
        let mut sw_ends: Vec<Vec<(LinkId, usize)>> = vec![Vec::new(); drafts.len()];
        for (li, l) in lab.links.iter_enumerated() {
            for e in 0..2 {
                if drafts[l.ends[e].node.index()].subnet.is_some() && !switch(&drafts, l.ends[1 - e].node.index()) {
                    sw_ends[l.ends[e].node.index()].push((li, e));
                }
            }
        }
        let mut if_index: HashMap<(usize, String), usize> = HashMap::new();
        for (ni, fs) in ifaces.iter().enumerate() {
            for (i, f) in fs.iter().enumerate() {
                if_index.entry((ni, f.name.clone())).or_insert(i);
            }
        }
        for (si, d) in drafts.iter().enumerate() {
            let Some((net, sp)) = &d.subnet else { continue };
            if host_bits(net) {
                self.err(
                    sp,
                    format!("`subnet` of node {}: {net} has host bits set; did you mean {}?", d.node.name, net.trunc()),
                );
            }
            let mut next = 0;
            for &(li, e) in &sw_ends[si] {
                let peer = &lab.links[li].ends[1 - e];
                let Some(&fi) = if_index.get(&(peer.node.index(), peer.ifname.clone())) else { continue };
                let f = &mut ifaces[peer.node.index()][fi];
                if !f.addrs.is_empty() {
                    continue;
                }
                next += 1;
                match nth_host(net, next - 1) {
                    Some(a) => f.addrs.push(IpNet::new(a, net.prefix_len()).unwrap_or(*net)),
                    None => {
                        self.err(
                            sp,
                            format!("`subnet` {net} of node {} has too few addresses for its hosts", d.node.name),
                        );
                        break;
                    }
                }
            }
        }
        for (d, ifs) in drafts.into_iter().zip(ifaces) {
            let mut n = d.node;
            n.interfaces = ifs.into();
            lab.nodes.push(n);
        }
    }

    fn expect(
        &mut self,
        n: usize,
        span: &Span,
        t: &Tab,
        lab: &Lab,
        by_name: &HashMap<String, usize>,
        addr_of: &mut HashMap<NodeId, Option<IpAddr>>,
    ) -> Option<Expect> {
        let w = format!("expect {n}");
        self.keys(t, &keys::EXPECT, &w);
        let node_ref = |p: &mut P, v: &V, what: &str| -> Option<NodeId> {
            let s = p.string(v, what)?;
            match by_name.get(&s) {
                Some(&i) => Some(NodeId::new(i)),
                None => {
                    let hint = hint_node(&s, lab.nodes.iter().map(|d| d.name.as_str()));
                    p.err(&v.span, format!("{what} names node {s}, which is not defined{hint}"));
                    None
                }
            }
        };
        let from = match get(t, "from") {
            Some(v) => node_ref(self, v, &format!("`from` of {w}")),
            None => {
                self.err(span, format!("{w} has no `from`"));
                None
            }
        };
        let to = match get(t, "to") {
            Some(v) => match &v.val {
                Val::Str(s) => match s.parse::<IpAddr>() {
                    Ok(a) => Some((s.clone(), a)),
                    Err(_) => {
                        let ni = node_ref(self, v, &format!("`to` of {w}"));
                        let mut first = |i: NodeId| {
                            *addr_of
                                .entry(i)
                                .or_insert_with(|| lab.first_addr(i, false).or_else(|| lab.first_addr(i, true)))
                        };
                        match ni.map(|i| (i, first(i))) {
                            Some((_, Some(a))) => Some((s.clone(), a)),
                            Some((_, None)) => {
                                self.err(&v.span, format!("`to` of {w} names node {s}, which has no address"));
                                None
                            }
                            None => None,
                        }
                    }
                },
                _ => {
                    self.wrong(v, &format!("`to` of {w}"), "a node name or an IP address");
                    None
                }
            },
            None => {
                self.err(span, format!("{w} has no `to`"));
                None
            }
        };
        let proto = match get(t, "proto") {
            None => Some(Proto::Icmp),
            Some(v) => self.string(v, &format!("`proto` of {w}")).and_then(|s| {
                let p = match s.split_once(':') {
                    None if s == "icmp" => Some(Proto::Icmp),
                    Some(("tcp", p)) => p.parse::<u16>().ok().filter(|p| *p > 0).map(Proto::Tcp),
                    Some(("udp", p)) => p.parse::<u16>().ok().filter(|p| *p > 0).map(Proto::Udp),
                    _ => None,
                };
                if p.is_none() {
                    self.err(&v.span, format!("`proto` of {w} must be icmp, tcp:PORT or udp:PORT (found \"{s}\")"));
                }
                p
            }),
        };
        let reach = get(t, "reach").and_then(|v| self.boolean(v, &format!("`reach` of {w}"))).unwrap_or(true);
        let mut rtt_ms = None;
        if let Some(v) = get(t, "rtt_ms")
            && let Some(a) = self.array_x(v, &format!("`rtt_ms` of {w}"), "[min, max]")
        {
            let b: Vec<f64> = a.iter().filter_map(|x| self.number(x, &format!("`rtt_ms` of {w}"))).collect();
            match b[..] {
                [lo, hi] if lo <= hi && lo >= 0.0 => rtt_ms = Some((lo, hi)),
                _ if b.len() == a.len() => {
                    self.err(&v.span, format!("`rtt_ms` of {w} must be [min, max] with 0 <= min <= max"))
                }
                _ => {}
            }
            if rtt_ms.is_some() && proto != Some(Proto::Icmp) {
                self.err(&v.span, format!("`rtt_ms` of {w} is only for proto = \"icmp\""));
            }
        }
        let mut path = Vec::new();
        if let Some(v) = get(t, "path") {
            for (s, sp) in self.strings(v, &format!("`path` of {w}")) {
                let x = V { span: sp, val: Val::Str(s), subst: false };
                if let Some(i) = node_ref(self, &x, &format!("`path` of {w}")) {
                    path.push(i);
                }
            }
        }
        let ttl = get(t, "ttl").and_then(|v| self.int(v, &format!("`ttl` of {w}"), 1, 255)).map(|x| x as u8);
        let (to_text, to) = to?;
        Some(Expect { from: from?, to_text, to, proto: proto?, reach, rtt_ms, path, ttl, span: span.clone() })
    }
}

fn new_iface(name: &str, kind: IfaceKind, span: &Span) -> Iface {
    Iface::new(name, kind, span.clone())
}

/// The `k`th (0-based) host address of `net`: .1, .2… in IPv4 (.0 and .1
/// of a /31), ::1, ::2… in IPv6 (not the subnet-router anycast `::`).
/// (Computed, not counted: a switch may have many hosts.)
fn nth_host(net: &IpNet, k: usize) -> Option<IpAddr> {
    match net.trunc() {
        IpNet::V4(n) => {
            let base = u64::from(u32::from(n.network()));
            let size = 1u64 << (32 - n.prefix_len());
            // Without the network and broadcast addresses, but for /31 and /32.
            let (first, count) = if n.prefix_len() >= 31 { (base, size) } else { (base + 1, size - 2) };
            let k = k as u64;
            (k < count).then(|| IpAddr::from(std::net::Ipv4Addr::from((first + k) as u32)))
        }
        IpNet::V6(n) => {
            let bits = 128 - u32::from(n.prefix_len());
            let idx = k as u128 + u128::from(n.prefix_len() < 127);
            let fits = bits == 128 || idx < (1u128 << bits);
            fits.then(|| IpAddr::from(std::net::Ipv6Addr::from(u128::from(n.network()) + idx)))
        }
    }
}

/// True when `n` is not its own network address (10.0.1.5/24).
pub(crate) fn host_bits(n: &IpNet) -> bool {
    n.addr() != n.network()
}

/// A relative interface sysctl key → its full dotted key.
fn if_sysctl(ifname: &str, key: &str) -> String {
    if key.starts_with("net.") {
        key.to_string()
    } else if let Some(k) = key.strip_prefix("ipv6.") {
        format!("net.ipv6.conf.{ifname}.{k}")
    } else if let Some(k) = key.strip_prefix("neigh.") {
        format!("net.ipv4.neigh.{ifname}.{k}")
    } else if let Some(k) = key.strip_prefix("ipv4.") {
        format!("net.ipv4.conf.{ifname}.{k}")
    } else {
        format!("net.ipv4.conf.{ifname}.{key}")
    }
}

fn parse_mac(s: &str) -> Option<[u8; 6]> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 6 {
        return None;
    }
    let mut m = [0u8; 6];
    for (i, p) in parts.iter().enumerate() {
        if p.len() != 2 {
            return None;
        }
        m[i] = u8::from_str_radix(p, 16).ok()?;
    }
    Some(m)
}

/// "10.0.0.1", "10.0.0.1:80", "fd00::1", "[fd00::1]:80".
fn parse_to(s: &str) -> Option<(IpAddr, Option<u16>)> {
    if let Ok(a) = s.parse::<IpAddr>() {
        return Some((a, None));
    }
    let sa: SocketAddr = s.parse().ok()?;
    Some((sa.ip(), Some(sa.port())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::ids::IfaceId;

    fn lab(text: &str) -> Lab {
        let src = Source { path: "t.toml".into(), text: text.into() };
        match parse(&src) {
            Ok(l) => l,
            Err(d) => panic!("{}", d.iter().map(|d| src.render(d)).collect::<Vec<_>>().join("\n")),
        }
    }

    fn errors(text: &str) -> Vec<String> {
        let src = Source { path: "t.toml".into(), text: text.into() };
        parse(&src).expect_err("must fail").iter().map(|d| src.render(d)).collect()
    }

    fn iface<'a>(l: &'a Lab, node: &str, name: &str) -> &'a Iface {
        let n = &l.nodes[l.node(node).expect("node")];
        n.interfaces.iter().find(|i| i.name == name).unwrap_or_else(|| panic!("no {name} in {:?}", n.interfaces))
    }

    fn addrs(l: &Lab, node: &str, name: &str) -> Vec<String> {
        iface(l, node, name).addrs.iter().map(|a| a.to_string()).collect()
    }

    const HEAD: &str = "schema = 1\nname = \"t\"\n";

    #[test]
    fn switch_ports_and_auto_addresses() {
        let l = lab(&format!(
            "{HEAD}[nodes.sw1]\nkind = \"switch\"\nsubnet = \"10.1.0.0/24\"\n\
             [nodes.h1]\n[nodes.h2]\n[nodes.averylongname]\n\
             [[links]]\nendpoints = [\"h1\", \"sw1\"]\n\
             [[links]]\nendpoints = [\"h2:eth0\", \"sw1\"]\naddr = [[\"10.1.0.99/24\"]]\n\
             [[links]]\nendpoints = [\"averylongname:eth0\", \"sw1\"]\n\
             [[links]]\nendpoints = [\"h1\", \"sw1:up\"]\n"
        ));
        let sw = &l.nodes[NodeId::new(0)];
        let names: Vec<&str> = sw.interfaces.iter().map(|i| i.name.as_str()).collect();
        // br0 first; peer-named ports; p<N> when the name would not fit.
        assert_eq!(names, ["br0", "h1-eth0", "h2-eth0", "p3", "up"]);
        assert!(sw.interfaces.iter().skip(1).all(|i| i.master.as_deref() == Some("br0")));
        assert_eq!(sw.interfaces[IfaceId::new(0)].kind, IfaceKind::Bridge);
        assert_eq!(addrs(&l, "h1", "eth0"), ["10.1.0.1/24"]);
        assert_eq!(addrs(&l, "h2", "eth0"), ["10.1.0.99/24"]);
        assert_eq!(addrs(&l, "averylongname", "eth0"), ["10.1.0.2/24"]);
        assert_eq!(addrs(&l, "h1", "eth1"), ["10.1.0.3/24"]);
        assert_eq!(l.links[LinkId::new(3)].ends[0], Endpoint { node: NodeId::new(1), ifname: "eth1".into() });
        assert_eq!(l.nodes[NodeId::new(1)].ns, "t-h1");
    }

    #[test]
    fn link_subnet_addr_and_netem_sides() {
        let l = lab(&format!(
            "{HEAD}ns_prefix = \"\"\n[nodes.a]\n[nodes.b]\n\
             [[links]]\nendpoints = [\"a:wan0\", \"b:wan0\"]\nsubnet = \"100.64.0.0/30\"\nmtu = 1400\nstate = \"down\"\n\
             netem = {{ rate = \"100mbit\" }}\nnetem_ab = {{ delay = \"40ms\", jitter = \"1.5ms\", loss = \"0.5%\" }}\n"
        ));
        assert_eq!(addrs(&l, "a", "wan0"), ["100.64.0.1/30"]);
        assert_eq!(addrs(&l, "b", "wan0"), ["100.64.0.2/30"]);
        let (a, b) = (iface(&l, "a", "wan0"), iface(&l, "b", "wan0"));
        assert_eq!((a.mtu, a.up), (Some(1400), false));
        let na = a.netem.as_ref().unwrap();
        assert_eq!((na.delay_us, na.jitter_us, na.loss, na.rate_bps), (Some(40_000), Some(1_500), Some(0.5), None));
        assert_eq!(b.netem.as_ref().unwrap().rate_bps, Some(100_000_000));
        assert!(!b.netem.as_ref().unwrap().needs_netem());
        assert_eq!(l.nodes[NodeId::new(0)].ns, "a");
    }

    #[test]
    fn for_expansion_on_nodes_links_routes_interfaces_and_expects() {
        let l = lab(&format!(
            "{HEAD}[nodes.r]\nkind = \"router\"\n\
             routes = [ {{ for = {{ j = \"1..3\" }}, to = \"10.9.{{j}}.0/24\", via = \"10.0.1.{{j+1}}\" }} ]\n\
             [nodes.r.interfaces.\"d{{k}}\"]\nfor = {{ k = \"0..1\" }}\ntype = \"dummy\"\naddr = [\"192.0.2.{{k}}/32\"]\n\
             [nodes.\"h{{i}}\"]\nfor = {{ i = \"1..3\" }}\ngateway = \"10.0.{{i}}.1\"\n\
             [[links]]\nfor = {{ i = \"1..3\" }}\nendpoints = [\"r:eth{{i-1}}\", \"h{{i}}:eth0\"]\n\
             addr = [[\"10.0.{{i}}.1/24\"], [\"10.0.{{i}}.2/24\"]]\n\
             [[expect]]\nfor = {{ i = \"2..3\" }}\nfrom = \"h1\"\nto = \"h{{i}}\"\n"
        ));
        let names: Vec<&str> = l.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["r", "h1", "h2", "h3"]);
        assert_eq!(l.links.len(), 3);
        assert_eq!(addrs(&l, "r", "eth2"), ["10.0.3.1/24"]);
        assert_eq!(l.nodes[NodeId::new(3)].gateways, ["10.0.3.1".parse::<IpAddr>().unwrap()]);
        let r = &l.nodes[NodeId::new(0)];
        let routes: Vec<String> = r.routes.iter().map(|x| format!("{} {}", x.to, x.via.unwrap())).collect();
        assert_eq!(routes, ["10.9.1.0/24 10.0.1.2", "10.9.2.0/24 10.0.1.3", "10.9.3.0/24 10.0.1.4"]);
        assert_eq!(addrs(&l, "r", "d1"), ["192.0.2.1/32"]);
        assert_eq!(l.expects.len(), 2);
        assert_eq!(l.expects[1].to, "10.0.3.2".parse::<IpAddr>().unwrap());
        assert_eq!(l.expects[1].to_text, "h3");
    }

    #[test]
    fn defaults_interfaces_and_routes() {
        let l = lab(&format!(
            "{HEAD}[defaults]\nkind = \"router\"\nmtu = 9000\nipv6 = false\n\
             sysctl = {{ \"net.ipv4.conf.all.rp_filter\" = 0, \"net.a\" = 1 }}\n\
             [nodes.a]\nsysctl = {{ \"net.a\" = 2, \"net.b\" = true }}\n\
             routes = [ {{ to = \"default\", via = \"fd00::2\" }}, {{ to = \"192.0.2.0/24\", type = \"blackhole\", table = \"local\" }},\n\
             {{ to = \"10.9.0.0/16\", nexthops = [ {{ via = \"fd00::2\", weight = 3 }}, {{ dev = \"eth0\" }} ], metric = 7, table = 100 }} ]\n\
             [nodes.a.interfaces.eth0]\nmtu = 1280\nmac = \"02:00:00:00:01:0a\"\n\
             sysctl = {{ proxy_arp = 1, \"ipv6.forwarding\" = 0, \"neigh.ucast_solicit\" = 1 }}\n\
             [nodes.a.interfaces.\"eth0.10\"]\ntype = \"vlan\"\nparent = \"eth0\"\nvid = 10\n\
             [nodes.b]\nkind = \"host\"\nipv6 = true\n\
             [[links]]\nendpoints = [\"a\", \"b\"]\naddr = [[\"fd00::1/64\"], [\"fd00::2/64\"]]\n"
        ));
        let a = &l.nodes[NodeId::new(0)];
        assert_eq!(
            (a.kind, a.ipv6, l.nodes[NodeId::new(1)].kind, l.nodes[NodeId::new(1)].ipv6),
            (Kind::Router, false, Kind::Host, true)
        );
        let sys: Vec<String> = a.sysctl.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(sys, ["net.ipv4.conf.all.rp_filter=0", "net.a=2", "net.b=1"]);
        let e = iface(&l, "a", "eth0");
        assert_eq!((e.mtu, e.mac), (Some(1280), Some([2, 0, 0, 0, 1, 10])));
        let s: Vec<&str> = e.sysctl.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            s,
            ["net.ipv4.conf.eth0.proxy_arp", "net.ipv6.conf.eth0.forwarding", "net.ipv4.neigh.eth0.ucast_solicit"]
        );
        assert_eq!(iface(&l, "b", "eth0").mtu, Some(9000));
        let names: Vec<&str> = a.interfaces.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["eth0", "eth0.10"]);
        assert_eq!(a.interfaces[IfaceId::new(1)].kind, IfaceKind::Vlan { parent: "eth0".into(), vid: 10 });
        assert_eq!(a.routes[0].to.to_string(), "::/0");
        assert_eq!((a.routes[1].kind, a.routes[1].table), (RouteKind::Blackhole, 255));
        assert_eq!((a.routes[2].nexthops.len(), a.routes[2].nexthops[0].weight, a.routes[2].metric), (2, 3, Some(7)));
        assert_eq!(a.routes[2].table, 100);
        assert!(a.sysctl.iter().all(|(k, _)| !k.contains("forwarding")));
    }

    #[test]
    fn nat_firewall_run_expect_details() {
        let l = lab(&format!(
            "{HEAD}[nodes.a]\naddr = {{ eth0 = [\"10.0.0.1/24\"] }}\n\
             [[nodes.a.nat]]\ntype = \"dnat\"\nin = \"eth0\"\nproto = \"tcp\"\ndport = 80\nto = \"[fd00::1]:8080\"\n\
             [[nodes.a.nat]]\ntype = \"masquerade\"\nout = \"eth0\"\n\
             [nodes.a.firewall]\nforward = \"drop\"\nallow = [ {{ in = \"eth0\", proto = \"tcp\", dport = 22 }} ]\n\
             [[nodes.a.run]]\ncmd = [\"/usr/bin/python3\", \"-V\"]\nready = {{ tcp = \"127.0.0.1:80\", timeout = \"1.5s\" }}\n\
             [nodes.b]\naddr = {{ eth0 = [\"10.0.0.2/24\"] }}\n\
             [[links]]\nendpoints = [\"a\", \"b\"]\n\
             [[expect]]\nfrom = \"a\"\nto = \"b\"\nproto = \"udp:53\"\nreach = false\n\
             [[expect]]\nfrom = \"b\"\nto = \"10.0.0.1\"\nrtt_ms = [1, 2.5]\npath = [\"a\"]\n"
        ));
        let a = &l.nodes[NodeId::new(0)];
        assert_eq!(a.nat[0].to, Some(("fd00::1".parse().unwrap(), Some(8080))));
        assert_eq!(a.nat[1].kind, NatKind::Masquerade);
        let fw = a.firewall.as_ref().unwrap();
        assert_eq!((fw.forward_accept, fw.allow[0].dport), (false, Some(22)));
        assert_eq!((a.run[0].name.as_str(), a.run[0].ready.as_ref().unwrap().timeout_ms), ("python3", 1500));
        assert_eq!((l.expects[0].proto, l.expects[0].reach), (Proto::Udp(53), false));
        assert_eq!((l.expects[1].rtt_ms, l.expects[1].path.clone()), (Some((1.0, 2.5)), vec![NodeId::new(0)]));
    }

    #[test]
    fn every_error_is_reported_with_its_position() {
        let e = errors(
            "schema = 2\nname = \"Bad_Lab\"\n[nodes.h1]\ngatway = \"10.0.0.1\"\nmtu = \"big\"\n\
             [[links]]\nendpoints = [\"h1\", \"zz\"]\n",
        );
        assert_eq!(
            e,
            [
                "t.toml:1:10: error: schema 2 is not supported (this netns reads schema 1)",
                "t.toml:2:8: error: lab name \"Bad_Lab\" must be 1 to 12 of a-z, 0-9 and -",
                "t.toml:4:1: error: unknown key `gatway` in node h1; did you mean `gateway`?",
                "t.toml:5:7: error: `mtu` of node h1 must be an integer from 68 to 65535 (found a string)",
                "t.toml:7:20: error: link 1 endpoint \"zz\" names node zz, which is not defined",
            ]
        );
    }

    #[test]
    fn addr_naming_a_missing_interface() {
        let e = errors(&format!(
            "{HEAD}[nodes.a]\naddr = {{ eht0 = [\"10.0.0.1/24\"] }}\n[nodes.b]\n[[links]]\nendpoints = [\"a\", \"b\"]\n"
        ));
        assert_eq!(
            e,
            [
                "t.toml:4:10: error: `addr` of node a names interface eht0, which no link or interface entry creates; did you mean eth0?"
            ]
        );
    }

    #[test]
    fn host_numbering() {
        let n = |s: &str, k| nth_host(&s.parse().unwrap(), k).map(|a| a.to_string());
        assert_eq!(n("10.0.0.0/30", 0).as_deref(), Some("10.0.0.1"));
        assert_eq!(n("10.0.0.0/30", 1).as_deref(), Some("10.0.0.2"));
        assert_eq!(n("10.0.0.0/30", 2), None);
        assert_eq!(n("10.0.0.0/31", 0).as_deref(), Some("10.0.0.0"));
        assert_eq!(n("fd00::/64", 0).as_deref(), Some("fd00::1"));
        assert_eq!(n("fd00::/127", 1).as_deref(), Some("fd00::1"));
    }

    #[test]
    fn typo_hints() {
        assert_eq!(closest("gatway", &keys::NODE.names()), Some("gateway"));
        assert_eq!(closest("endpoint", &keys::LINK.names()), Some("endpoints"));
        assert_eq!(closest("zzzzzz", &keys::NODE.names()), None);
        assert_eq!(closest("r9", &["h1"]), None);
    }

    #[test]
    fn an_unknown_key_far_from_every_key_gets_the_list_of_keys() {
        let e = errors(&format!("{HEAD}[nodes.a]\n[nodes.a.firewall]\nzzzzzz = 1\n"));
        assert_eq!(
            e,
            [
                "t.toml:5:1: error: unknown key `zzzzzz` in the firewall of node a; expected one of `forward`, `allow`, `nft`"
            ]
        );
    }
}
