//! The two printed forms of a sample: one JSON object per line (for tools)
//! and a table (for people, with `--once`).

use super::rates::{NsRates, Rates};
use crate::netlink::link::LinkStats;
use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

/// A number as JSON: whole numbers without a fraction, others with two
/// decimals.
fn num(out: &mut Vec<u8>, v: f64) {
    if v == v.trunc() && v.abs() < 1e15 {
        let _ = write!(out, "{}", v as i64);
    } else {
        let _ = write!(out, "{v:.2}");
    }
}

fn put_rates(out: &mut Vec<u8>, r: &Rates) {
    for (k, v) in [
        ("rx_bps", r.rx_bps),
        ("tx_bps", r.tx_bps),
        ("rx_pps", r.rx_pps),
        ("tx_pps", r.tx_pps),
        ("rx_dropped", r.rx_dropped),
        ("tx_dropped", r.tx_dropped),
        ("rx_errors", r.rx_errors),
        ("tx_errors", r.tx_errors),
    ] {
        let _ = write!(out, ",\"{k}\":");
        num(out, v);
    }
}

/// The counters as `ip -s -j link` names them.
fn stats64(out: &mut Vec<u8>, s: &LinkStats) {
    let _ = write!(
        out,
        ",\"stats64\":{{\"rx\":{{\"bytes\":{},\"packets\":{},\"errors\":{},\"dropped\":{}}},\
         \"tx\":{{\"bytes\":{},\"packets\":{},\"errors\":{},\"dropped\":{}}}}}",
        s.rx_bytes, s.rx_packets, s.rx_errors, s.rx_dropped, s.tx_bytes, s.tx_packets, s.tx_errors, s.tx_dropped
    );
}

fn string(out: &mut Vec<u8>, s: &str) {
    let _ = serde_json::to_writer(&mut *out, s);
}

/// One sample as one line of JSON, appended to `out` (a buffer kept
/// between samples): `time` (seconds since the epoch), `interval` (seconds
/// the rates cover) and `namespaces`, busiest first, each with its rates
/// per second and its `interfaces`' (with their counters, as `ip -s -j
/// link` names them). Written directly, without building a JSON tree:
/// a sample of 1000 namespaces is a megabyte.
pub fn json_line(out: &mut Vec<u8>, time: SystemTime, interval: f64, list: &[NsRates]) {
    let t = time.duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
    let _ = write!(out, "{{\"time\":{t:.3},\"interval\":{interval:.3},\"namespaces\":[");
    for (n, ns) in list.iter().enumerate() {
        out.extend_from_slice(if n == 0 { b"{\"name\":" } else { b",{\"name\":" });
        match &ns.name {
            Some(name) => string(out, name),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"label\":");
        string(out, &ns.label);
        let _ = write!(out, ",\"inode\":{}", ns.inode);
        put_rates(out, &ns.total);
        out.extend_from_slice(b",\"interfaces\":[");
        for (k, i) in ns.interfaces.iter().enumerate() {
            let _ = write!(out, "{}{{\"ifindex\":{},\"ifname\":", if k == 0 { "" } else { "," }, i.index);
            string(out, &i.name);
            put_rates(out, &i.rates);
            stats64(out, &i.stats);
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"]}\n");
}

/// A rate in a few characters: `950`, `12.3k`, `4.56M`, `1.20G`.
pub fn human(v: f64) -> String {
    let (v, unit) = match v {
        v if v >= 1e9 => (v / 1e9, "G"),
        v if v >= 1e6 => (v / 1e6, "M"),
        v if v >= 1e3 => (v / 1e3, "k"),
        v => return format!("{v:.0}"),
    };
    if v >= 100.0 {
        format!("{v:.0}{unit}")
    } else if v >= 10.0 {
        format!("{v:.1}{unit}")
    } else {
        format!("{v:.2}{unit}")
    }
}

/// The column titles of the table and the full-screen view.
pub const COLUMNS: [&str; 7] =
    ["NAMESPACE / INTERFACE", "RX bit/s", "TX bit/s", "RX pkt/s", "TX pkt/s", "DROP/s", "ERR/s"];

/// The cells of one row (after the first column).
pub fn cells(r: &Rates) -> [String; 6] {
    [human(r.rx_bps), human(r.tx_bps), human(r.rx_pps), human(r.tx_pps), human(r.drops()), human(r.errors())]
}

/// The table `--once` prints: each namespace (busiest first) and under it
/// its interfaces.
pub fn table(list: &[NsRates]) -> String {
    let width = list
        .iter()
        .flat_map(|ns| std::iter::once(ns.label.len()).chain(ns.interfaces.iter().map(|i| i.name.len() + 2)))
        .chain([COLUMNS[0].len()])
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let row = |out: &mut String, first: &str, rest: &[String]| {
        let _ = write!(out, "{first:<width$}");
        for c in rest {
            let _ = write!(out, " {c:>9}");
        }
        out.push('\n');
    };
    let titles: Vec<String> = COLUMNS[1..].iter().map(|s| s.to_string()).collect();
    row(&mut out, COLUMNS[0], &titles);
    for ns in list {
        row(&mut out, &ns.label, &cells(&ns.total));
        for i in &ns.interfaces {
            row(&mut out, &format!("  {}", i.name), &cells(&i.rates));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::top::rates::IfRates;
    use serde_json::{Value, json};

    fn list() -> Vec<NsRates> {
        let r = Rates { rx_bps: 8000.0, tx_bps: 1_500_000.0, rx_pps: 10.0, tx_pps: 0.333, ..Default::default() };
        vec![NsRates {
            source: 0,
            label: "blue".into(),
            name: Some("blue".into()),
            inode: 42,
            total: r,
            interfaces: vec![IfRates {
                name: "veth0".into(),
                index: 2,
                rates: r,
                stats: LinkStats { rx_bytes: 7, ..Default::default() },
            }],
        }]
    }

    #[test]
    fn json_uses_iproute2_names_and_one_line_per_sample() {
        let mut out = Vec::new();
        json_line(&mut out, UNIX_EPOCH + std::time::Duration::from_millis(1500), 1.0, &list());
        let line = String::from_utf8(out).unwrap();
        assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["time"], json!(1.5));
        let ns = &v["namespaces"][0];
        assert_eq!(ns["name"], "blue");
        assert_eq!(ns["tx_bps"].as_f64(), Some(1_500_000.0));
        assert_eq!(ns["tx_pps"], json!(0.33));
        assert_eq!(ns["rx_dropped"], json!(0));
        // A namespace without a name, and a name that JSON must escape.
        let mut two = list();
        two[0].name = None;
        two[0].interfaces[0].name = "a\"b".into();
        let mut out = Vec::new();
        json_line(&mut out, UNIX_EPOCH, 1.0, &two);
        let w: Value = serde_json::from_slice(&out).unwrap();
        assert!(w["namespaces"][0]["name"].is_null());
        assert_eq!(w["namespaces"][0]["interfaces"][0]["ifname"], "a\"b");
        let i = &ns["interfaces"][0];
        assert_eq!(i["ifname"], "veth0");
        assert_eq!(i["stats64"]["rx"]["bytes"], 7);
    }

    #[test]
    fn the_table_lists_interfaces_under_their_namespace() {
        let t = table(&list());
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].starts_with("NAMESPACE / INTERFACE"));
        assert!(lines[1].starts_with("blue ") && lines[1].contains("1.50M") && lines[1].contains("8.00k"));
        assert!(lines[2].starts_with("  veth0"));
    }

    #[test]
    fn rates_are_short() {
        assert_eq!(human(0.0), "0");
        assert_eq!(human(999.0), "999");
        assert_eq!(human(12_345.0), "12.3k");
        assert_eq!(human(123_456_789.0), "123M");
    }
}
