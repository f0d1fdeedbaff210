//! Text and JSON output of `netns inspect`. The text is laid out to be read
//! at a glance: one block per namespace, aligned columns, states in words.

use super::{FirewallView, InterfaceView, NamespaceView, sysctl::rp_filter_words};

/// Rows of cells printed as aligned columns; numeric columns align right.
struct Table {
    header: Vec<&'static str>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(header: &[(&'static str, bool)]) -> Table {
        Table {
            header: header.iter().map(|h| h.0).collect(),
            right: header.iter().map(|h| h.1).collect(),
            rows: vec![],
        }
    }

    fn render(&self, indent: &str, out: &mut String) {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|c| self.rows.iter().map(|r| r[c].chars().count()).chain([self.header[c].len()]).max().unwrap_or(0))
            .collect();
        let line = |cells: &[String], out: &mut String| {
            let mut l = String::from(indent);
            for (c, cell) in cells.iter().enumerate() {
                let pad = widths[c] - cell.chars().count();
                if c > 0 {
                    l.push_str("  ");
                }
                if self.right[c] {
                    l.push_str(&" ".repeat(pad));
                    l.push_str(cell);
                } else {
                    l.push_str(cell);
                    if c + 1 < cells.len() {
                        l.push_str(&" ".repeat(pad));
                    }
                }
            }
            out.push_str(l.trim_end());
            out.push('\n');
        };
        line(&self.header.iter().map(|h| h.to_string()).collect::<Vec<_>>(), out);
        for r in &self.rows {
            line(r, out);
        }
    }
}

fn on_off(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "on",
        Some(false) => "off",
        None => "?",
    }
}

fn state_words(i: &InterfaceView) -> String {
    match (i.admin, i.oper) {
        ("down", _) => "down".into(),
        (_, "up" | "unknown") if i.carrier => "up".into(),
        (_, "dormant") => "up, dormant".into(),
        _ => "up, no carrier".into(),
    }
}

fn title(ns: &NamespaceView) -> String {
    let name = match (&ns.name, ns.root, ns.current) {
        (Some(n), true, _) => format!("{n} (root namespace)"),
        (Some(n), _, true) => format!("{n} (current namespace)"),
        (Some(n), false, false) => n.clone(),
        (None, true, _) => "root namespace".into(),
        (None, false, true) => "current namespace".into(),
        (None, false, false) => "unnamed namespace".into(),
    };
    let mut facts = Vec::new();
    if let Some(id) = ns.nsid {
        facts.push(format!("nsid {id}"));
    }
    facts.push(format!("net:[{}]", ns.inode));
    format!("{name}  ({})", facts.join(", "))
}

/// What an empty section says: "none", unless reading it failed (the
/// error is listed under the title).
fn empty(ns: &NamespaceView, part: &str) -> &'static str {
    let failed = ns.errors.iter().any(|e| e.strip_prefix(part).is_some_and(|rest| rest.starts_with(':')));
    if failed { "could not be read (see the error above)" } else { "none" }
}

/// One namespace as a text block.
pub fn text(ns: &NamespaceView) -> String {
    let mut out = String::new();
    out.push_str(&title(ns));
    out.push('\n');
    let f = &ns.forwarding;
    let rp = |v: Option<u8>| v.map_or("?", rp_filter_words);
    out.push_str(&format!(
        "  forwarding  ipv4 {}, ipv6 {}, rp_filter {} (default {})\n",
        on_off(f.ipv4),
        on_off(f.ipv6),
        rp(f.rp_filter_all),
        rp(f.rp_filter_default)
    ));
    let procs = if ns.processes.is_empty() {
        "none".to_string()
    } else {
        let shown: Vec<String> = ns.processes.iter().take(8).map(|p| format!("{} {}", p.pid, p.comm)).collect();
        let more = ns.processes.len().saturating_sub(8);
        format!("{}{}", shown.join(", "), if more > 0 { format!(", +{more} more") } else { String::new() })
    };
    out.push_str(&format!("  processes   {procs}\n"));
    for e in &ns.errors {
        out.push_str(&format!("  error       {e}\n"));
    }

    out.push('\n');
    let mut t = Table::new(&[
        ("INTERFACE", false),
        ("KIND", false),
        ("STATE", false),
        ("MAC", false),
        ("MTU", true),
        ("MASTER", false),
        ("PEER", false),
        ("RX PKTS", true),
        ("RX BYTES", true),
        ("TX PKTS", true),
        ("TX BYTES", true),
        ("ERRORS", true),
        ("DROPS", true),
    ]);
    for i in &ns.interfaces {
        let c = &i.counters;
        let peer = i.peer.as_ref().map_or("-".to_string(), |p| match &p.ifname {
            Some(n) => format!("{}/{n}", p.netns),
            None => format!("{}/if{}", p.netns, p.ifindex),
        });
        t.rows.push(vec![
            i.name.clone(),
            i.kind.clone().unwrap_or_else(|| "-".into()),
            state_words(i),
            i.mac.clone().unwrap_or_else(|| "-".into()),
            i.mtu.map_or("-".into(), |m| m.to_string()),
            i.master.clone().unwrap_or_else(|| "-".into()),
            peer,
            c.rx_packets.to_string(),
            c.rx_bytes.to_string(),
            c.tx_packets.to_string(),
            c.tx_bytes.to_string(),
            (c.rx_errors + c.tx_errors).to_string(),
            (c.rx_dropped + c.tx_dropped).to_string(),
        ]);
    }
    t.render("  ", &mut out);

    out.push('\n');
    if ns.addresses.is_empty() {
        out.push_str(&format!("  ADDRESSES  {}\n", empty(ns, "addresses")));
    } else {
        let mut t = Table::new(&[("ADDRESS", false), ("DEV", false), ("FAMILY", false), ("SCOPE", false)]);
        for a in &ns.addresses {
            t.rows.push(vec![a.address.clone(), a.dev.clone(), a.family.into(), a.scope.clone()]);
        }
        t.render("  ", &mut out);
    }

    out.push('\n');
    let mut t = Table::new(&[("TABLE", false), ("FAMILY", false), ("ROUTE", false)]);
    for r in &ns.routes {
        t.rows.push(vec![r.table.clone(), r.family.into(), r.route.clone()]);
    }
    if t.rows.is_empty() {
        out.push_str(&format!("  ROUTES  {}\n", empty(ns, "routes")));
    } else {
        t.render("  ", &mut out);
    }

    out.push('\n');
    if ns.neighbours.is_empty() {
        out.push_str(&format!("  NEIGHBOURS  {}\n", empty(ns, "neighbours")));
    } else {
        let mut t = Table::new(&[("NEIGHBOUR", false), ("DEV", false), ("LLADDR", false), ("STATE", false)]);
        for n in &ns.neighbours {
            t.rows.push(vec![
                n.address.clone(),
                n.dev.clone(),
                n.lladdr.clone().unwrap_or_else(|| "-".into()),
                n.state.clone(),
            ]);
        }
        t.render("  ", &mut out);
    }

    out.push('\n');
    sockets(ns, &mut out);

    out.push('\n');
    match &ns.firewall {
        FirewallView::Empty => out.push_str("  FIREWALL  no nftables tables\n"),
        FirewallView::Unavailable { reason } => out.push_str(&format!("  FIREWALL  not available: {reason}\n")),
        FirewallView::Tables { tables } => {
            let mut t = Table::new(&[
                ("TABLE", false),
                ("CHAIN", false),
                ("HOOK", false),
                ("POLICY", false),
                ("RULES", true),
                ("PACKETS", true),
                ("BYTES", true),
            ]);
            for tab in tables {
                // Legacy tables are told apart from nf_tables ones of the
                // same name (what iptables-nft writes).
                let label = if tab.backend == "nftables" {
                    format!("{} {}", tab.family, tab.name)
                } else {
                    format!("{} {} ({})", tab.family, tab.name, tab.backend)
                };
                for c in &tab.chains {
                    t.rows.push(vec![
                        label.clone(),
                        c.name.clone(),
                        c.hook.clone().unwrap_or_else(|| "-".into()),
                        c.policy.clone().unwrap_or_else(|| "-".into()),
                        c.rules.to_string(),
                        c.packets.to_string(),
                        c.bytes.to_string(),
                    ]);
                }
                if tab.chains.is_empty() {
                    t.rows.push(vec![label, "-".into(), "-".into(), "-".into(), "0".into(), "0".into(), "0".into()]);
                }
            }
            t.render("  ", &mut out);
        }
    }
    out
}

/// The sockets block: the listeners, the established connections, and
/// what is missing from the processes shown.
fn sockets(ns: &NamespaceView, out: &mut String) {
    let s = &ns.sockets;
    let connections = match s.established {
        Some(1) => "1 established TCP connection".to_string(),
        Some(n) => format!("{n} established TCP connections"),
        None => "established TCP connections unknown".to_string(),
    };
    if s.listening.is_empty() {
        let failed = empty(ns, "sockets");
        if failed == "none" {
            out.push_str(&format!("  LISTENING  none; {connections}\n"));
        } else {
            out.push_str(&format!("  LISTENING  {failed}\n"));
        }
        return;
    }
    let mut t = Table::new(&[("LISTENING", false), ("PROTO", false), ("PROCESS", false)]);
    for l in &s.listening {
        let procs: Vec<String> = l.processes.iter().map(|p| format!("{}[{}]", p.comm, p.pid)).collect();
        let procs = if procs.is_empty() { "-".to_string() } else { procs.join(", ") };
        t.rows.push(vec![l.local.clone(), l.netid.to_string(), procs]);
    }
    t.render("  ", out);
    if s.omitted > 0 {
        out.push_str(&format!("  +{} more listening sockets not listed\n", s.omitted));
    }
    out.push_str(&format!("  {connections}\n"));
    if let Some(note) = &s.processes_note {
        out.push_str(&format!("  {note}\n"));
    }
}

/// All namespaces as text, blocks separated by a blank line.
///
/// Nothing in it can drive a terminal: process names are escaped where
/// they are read, and any other control character that came from the
/// kernel (an interface may be named with an escape sequence) is shown as
/// `?`, as `ps` shows command names.
pub fn text_all(views: &[NamespaceView]) -> String {
    let text = views.iter().map(text).collect::<Vec<_>>().join("\n");
    text.chars().map(|c| if c.is_control() && c != '\n' { '?' } else { c }).collect()
}

/// All namespaces as one JSON array.
pub fn json(views: &[NamespaceView], pretty: bool) -> String {
    let mut s = if pretty { serde_json::to_string_pretty(views) } else { serde_json::to_string(views) }
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
