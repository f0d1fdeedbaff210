//! Rule text and counters of tables captured from the kernel, against
//! what `iptables-legacy-save -c` printed for the same tables.

use super::*;
use crate::xtables::{parse_entries, parse_info};
use std::collections::BTreeMap;

macro_rules! captured {
    ($fam:expr, $name:literal) => {{
        let (mut t, _) = parse_info(
            $fam,
            include_bytes!(concat!("../../../../crates/netns-core/src/xtables/testdata/", $name, ".info")),
        )
        .unwrap();
        t.entries = parse_entries(
            $fam,
            include_bytes!(concat!("../../../../crates/netns-core/src/xtables/testdata/", $name, ".entries")),
        )
        .unwrap();
        t
    }};
}

/// Per table: chain → (policy with counters), and the rules as
/// `[p:b] -A CHAIN TEXT` lines, from iptables-save -c output.
fn from_save(save: &str) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut out: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut table = String::new();
    for l in save.lines() {
        if let Some(t) = l.strip_prefix('*') {
            table = t.to_string();
        } else if l.starts_with(':') {
            out.entry(table.clone()).or_default().0.push(l.to_string());
        } else if l.starts_with('[') {
            out.entry(table.clone()).or_default().1.push(l.to_string());
        }
    }
    out
}

fn from_ours(rs: &Ruleset) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut out: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for t in &rs.tables {
        let e = out.entry(t.name.clone()).or_default();
        for c in &t.chains {
            let policy = c.policy.as_deref().map_or_else(|| "-".to_string(), str::to_uppercase);
            e.0.push(format!(":{} {policy} [{}:{}]", c.name, c.packets.unwrap_or(0), c.bytes.unwrap_or(0)));
            for r in &c.rules {
                e.1.push(format!("[{}:{}] -A {} {}", r.packets.unwrap(), r.bytes.unwrap(), c.name, r.text));
                assert!(r.complete, "{r:?}");
            }
        }
    }
    out
}

#[test]
fn ipv4_tables_read_as_iptables_save_writes_them() {
    let fam = XtFamily::Ipv4;
    let tables =
        [captured!(fam, "v4-raw"), captured!(fam, "v4-mangle"), captured!(fam, "v4-filter"), captured!(fam, "v4-nat")];
    let rs = ruleset(&tables);
    let names: Vec<&str> = rs.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["filter", "nat", "mangle", "raw"]);
    let want = from_save(include_str!("../../../../crates/netns-core/src/xtables/testdata/v4.save"));
    assert_eq!(from_ours(&rs), want);
}

#[test]
fn ipv6_tables_read_as_ip6tables_save_writes_them() {
    let fam = XtFamily::Ipv6;
    let rs = ruleset(&[captured!(fam, "v6-filter"), captured!(fam, "v6-nat")]);
    let want = from_save(include_str!("../../../../crates/netns-core/src/xtables/testdata/v6.save"));
    assert_eq!(from_ours(&rs), want);
    assert!(rs.tables.iter().all(|t| t.family == "ip6"));
}

#[test]
fn iptables_columns_and_comment() {
    let fam = XtFamily::Ipv4;
    let rs = ruleset(&[captured!(fam, "v4-filter"), captured!(fam, "v4-nat")]);
    let filter = &rs.tables[0];
    let forward = filter.chains.iter().find(|c| c.name == "FORWARD").unwrap();
    assert_eq!((forward.hook.as_deref(), forward.policy.as_deref()), (Some("forward"), Some("drop")));
    let cols = |r: &Rule| {
        [&r.target, &r.prot, &r.iif, &r.out, &r.source, &r.destination].map(|v| v.clone().unwrap_or_default())
    };
    let goto = &forward.rules[3];
    assert_eq!(cols(goto), ["port-b", "", "", "qr-int", "", ""]);
    assert_eq!(goto.text, "-o qr-int -g port-b");
    assert_eq!(cols(&forward.rules[4]), ["DROP", "", "", "", "!10.0.0.0/8", ""]);
    // A rule without a target counts only.
    let port_b = filter.chains.iter().find(|c| c.name == "port-b").unwrap();
    assert_eq!((port_b.rules[2].target.as_deref(), port_b.rules[2].text.as_str()), (None, "-p tcp"));
    // The implicit RETURN ending a user chain is not a rule; a written one is.
    let port_a = filter.chains.iter().find(|c| c.name == "port-a").unwrap();
    assert_eq!(port_a.rules.last().unwrap().text, "-j RETURN");
    assert_eq!(port_b.rules.last().unwrap().text, "-j DROP");
    let nat = &rs.tables[1];
    let pre = &nat.chains[0];
    assert_eq!(cols(&pre.rules[0]), ["DNAT", "", "", "", "", "172.24.4.10"]);
    assert_eq!(pre.rules[0].comment.as_deref(), Some("floating ip 172.24.4.10"));
    let text = super::super::text::render(std::slice::from_ref(&rs));
    assert!(text.contains("Table ip filter (iptables-legacy)\n"), "{text}");
    assert!(text.contains("Chain FORWARD (hook forward, policy drop 2 packets, 120 bytes)\n"), "{text}");
}

#[test]
fn unknown_matches_and_targets_are_shown_raw() {
    let fam = XtFamily::Ipv4;
    let mut t = captured!(fam, "v4-filter");
    let rule = t.entries.iter_mut().find(|e| e.matches.iter().any(|m| m.name == "multiport")).unwrap();
    rule.matches[0].name = "frobnicate".into();
    rule.target = XtExt { name: "TEE".into(), revision: 1, data: vec![1; 40] };
    let rs = ruleset(&[t]);
    let r = rs.tables[0].chains.iter().flat_map(|c| &c.rules).find(|r| r.text.contains("frobnicate")).unwrap();
    assert_eq!(r.text, "-p tcp [match frobnicate rev 1, 48 bytes] -j TEE [target TEE rev 1, 40 bytes]");
    assert_eq!((r.complete, r.target.as_deref()), (false, Some("TEE")));
}

#[test]
fn set_matches_name_their_set_when_ipset_told_it() {
    let fam = XtFamily::Ipv4;
    let mut t = captured!(fam, "v4-set");
    let texts = |t: &XtTable| -> Vec<String> {
        ruleset(std::slice::from_ref(t)).tables[0]
            .chains
            .iter()
            .flat_map(|c| &c.rules)
            .map(|r| r.text.clone())
            .collect()
    };
    // Without the names, the indexes the rules hold.
    assert_eq!(
        texts(&t),
        ["-m set --match-set [set #0] src -j ACCEPT", "-m set ! --match-set [set #1] src,dst -j DROP"]
    );
    t.set_names.insert(0, "neutron-sg-a".into());
    t.set_names.insert(1, "other".into());
    let save = include_str!("../../../../crates/netns-core/src/xtables/testdata/v4-set.save");
    let want: Vec<String> = save.lines().filter_map(|l| l.strip_prefix("-A FORWARD ")).map(str::to_string).collect();
    assert_eq!(texts(&t), want);
}
