//! The firewall as `iptables -vnL` shows it: per table, per chain, one
//! line per rule with its counters, target, protocol, interfaces and
//! addresses, and then the whole rule in its backend's words.

use super::{Chain, Ruleset, Table};
use std::fmt::Write as _;

/// The rulesets of one namespace as text. An empty ruleset says so.
pub fn render(rulesets: &[Ruleset]) -> String {
    let mut out = String::new();
    for rs in rulesets {
        if rs.tables.is_empty() {
            let _ = writeln!(out, "no {} tables", rs.backend.word());
            continue;
        }
        for (i, t) in rs.tables.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let _ = writeln!(out, "Table {} {} ({})", t.family, t.name, rs.backend.word());
            for c in &t.chains {
                out.push('\n');
                chain(t, c, &mut out);
            }
        }
    }
    // Names come from the kernel: nothing in them may drive a terminal.
    out.chars().map(|c| if c.is_control() && c != '\n' { '?' } else { c }).collect()
}

fn chain(t: &Table, c: &Chain, out: &mut String) {
    let mut about = Vec::new();
    if let Some(h) = &c.hook {
        about.push(format!("hook {h}"));
    }
    if let Some(p) = c.prio {
        about.push(format!("priority {p}"));
    }
    if let Some(k) = &c.kind {
        about.push(format!("type {k}"));
    }
    if let Some(p) = &c.policy {
        let mut s = format!("policy {p}");
        if let (Some(pk), Some(b)) = (c.packets, c.bytes) {
            let _ = write!(s, " {pk} packets, {b} bytes");
        }
        about.push(s);
    }
    if about.is_empty() {
        let _ = writeln!(out, "Chain {}", c.name);
    } else {
        let _ = writeln!(out, "Chain {} ({})", c.name, about.join(", "));
    }
    let any = match t.family.as_str() {
        "ip" => "0.0.0.0/0",
        "ip6" => "::/0",
        _ => "*",
    };
    let header = ["pkts", "bytes", "target", "prot", "in", "out", "source", "destination"];
    let mut rows: Vec<[String; 8]> = vec![header.map(str::to_string)];
    let mut texts = vec![String::from("rule")];
    for r in &c.rules {
        let n = |v: Option<u64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        let or = |v: &Option<String>, d: &str| v.clone().unwrap_or_else(|| d.to_string());
        rows.push([
            n(r.packets),
            n(r.bytes),
            or(&r.target, ""),
            or(&r.prot, "all"),
            or(&r.iif, "*"),
            or(&r.out, "*"),
            or(&r.source, any),
            or(&r.destination, any),
        ]);
        texts.push(r.text.clone());
    }
    let mut widths = [0usize; 8];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for (row, text) in rows.iter().zip(&texts) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i < 2 {
                let _ = write!(line, "{cell:>w$} ");
            } else {
                let _ = write!(line, "{cell:<w$} ");
            }
        }
        line.push_str(text);
        out.push_str(line.trim_end());
        out.push('\n');
    }
}
