//! Rule text from a captured dump (the netns-core crate's
//! `testdata/neutron.hex`), compared with what `nft -a list ruleset`
//! printed for the same rules, counter values left out.

use super::*;
use crate::netlink::netfilter::NfRuleset;

fn captured() -> NfRuleset {
    let msgs: Vec<(u16, Vec<u8>)> =
        include_str!("../../../../crates/netns-core/src/netlink/netfilter/testdata/neutron.hex")
            .lines()
            .map(|l| {
                let (kind, hex) = l.split_once(' ').unwrap();
                let b = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
                let kind = ["table", "", "", "chain", "", "", "rule", "", "", "set", "", "", "elem"]
                    .iter()
                    .position(|k| *k == kind)
                    .unwrap() as u16;
                (kind, b)
            })
            .collect();
    NfRuleset::from_messages(msgs.iter().map(|(k, m)| (*k, &m[..])))
}

#[test]
fn rules_read_as_nft_lists_them() {
    let rs = ruleset(&captured());
    let texts: Vec<(u64, &str)> = rs
        .tables
        .iter()
        .flat_map(|t| &t.chains)
        .flat_map(|c| &c.rules)
        .map(|r| (r.handle.unwrap(), r.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            (3, "ip daddr 172.24.4.10 counter dnat to 10.0.0.5 comment \"floating ip\""),
            (4, "ip daddr 172.24.4.11 tcp dport 80 counter dnat to 10.0.0.6:8080"),
            (5, "ip saddr 10.0.0.0/24 oifname \"qg-e5b9712e-b0\" counter snat to 172.24.4.2"),
            (6, "ip saddr 10.0.1.0/24 counter masquerade"),
            (7, "ip saddr 10.0.2.0/24 meta l4proto tcp counter snat to 172.24.4.3:1024-2048"),
            (3, "ct state established,related counter accept"),
            (4, "ct state invalid counter drop"),
            (5, "iifname \"qr-1\" counter jump port-1"),
            (6, "oifname \"qr-1\" counter goto port-1"),
            (7, "ip protocol icmp limit rate 10/second counter accept"),
            (9, "tcp dport { 22, 443 } counter accept"),
            (10, "ip saddr != 10.0.0.0/8 log prefix \"fw-drop \" level info counter reject with icmp port-unreachable"),
            (11, "ip saddr 10.0.0.0/24 tcp dport 22 counter accept"),
            (12, "udp sport 67 udp dport 68 counter accept"),
            (13, "tcp dport 1000-2000 counter reject with tcp reset"),
            (14, "ip6 saddr fe80::/64 counter return"),
            (15, "meta mark 0x00000010 counter continue"),
            (16, "counter drop"),
        ]
    );
}

#[test]
fn columns_say_what_iptables_would() {
    let rs = ruleset(&captured());
    let rule = |chain: &str, h: u64| {
        rs.tables
            .iter()
            .flat_map(|t| &t.chains)
            .filter(|c| c.name == chain)
            .flat_map(|c| &c.rules)
            .find(|r| r.handle == Some(h))
            .unwrap()
            .clone()
    };
    let snat = rule("postrouting", 5);
    assert_eq!(
        (snat.target.as_deref(), snat.out.as_deref(), snat.source.as_deref(), snat.prot.as_deref()),
        (Some("SNAT"), Some("qg-e5b9712e-b0"), Some("10.0.0.0/24"), None)
    );
    assert_eq!((snat.packets, snat.bytes, snat.complete), (Some(0), Some(0), true));
    let jump = rule("forward", 5);
    assert_eq!((jump.target.as_deref(), jump.iif.as_deref()), (Some("port-1"), Some("qr-1")));
    let neg = rule("forward", 10);
    assert_eq!((neg.target.as_deref(), neg.source.as_deref()), (Some("REJECT"), Some("!10.0.0.0/8")));
    assert_eq!(rule("port-1", 11).prot.as_deref(), Some("tcp"));
    assert_eq!(rule("port-1", 15).target, None, "continue is no target");
    assert_eq!(rule("prerouting", 3).comment.as_deref(), Some("floating ip"));
    let fwd = &rs.tables[1].chains[0];
    assert_eq!(
        (fwd.hook.as_deref(), fwd.prio, fwd.policy.as_deref(), fwd.kind.as_deref()),
        (Some("forward"), Some(0), Some("drop"), Some("filter"))
    );
}

#[test]
fn what_cannot_be_named_is_shown_raw() {
    let mut nf = captured();
    let rule = nf.rules.iter_mut().find(|r| r.chain == "port-1" && r.handle == 16).unwrap();
    // A load of an unknown field, tested, then an unknown statement.
    rule.exprs.insert(0, Expr::Payload { base: 1, offset: 6, len: 2, dreg: 1 });
    rule.exprs.insert(1, Expr::Cmp { sreg: 1, op: 0, data: vec![0, 0] });
    rule.exprs.insert(2, Expr::Other { name: "notrack".into(), attrs: vec![(1, vec![0, 0, 0, 1])] });
    let rs = ruleset(&nf);
    let r = rs.tables[1].chains[1].rules.iter().find(|r| r.handle == Some(16)).unwrap();
    assert_eq!(
        r.text,
        "[payload load 2b @ network header + 6 => reg 1] [cmp eq reg 1 0x0000] [expr notrack 1:00000001] counter drop"
    );
    assert!(!r.complete);
}

#[test]
fn the_table_lines_up_per_chain() {
    let text = super::super::text::render(&[ruleset(&captured())]);
    assert!(
        text.starts_with(
            "Table ip nat (nftables)\n\nChain prerouting (hook prerouting, priority -100, type nat, policy accept)\n"
        ),
        "{text}"
    );
    let header = text.lines().find(|l| l.contains("pkts") && l.contains("rule")).unwrap();
    let row = text.lines().find(|l| l.contains("floating ip")).unwrap();
    assert_eq!(header.find("destination"), row.find("172.24.4.10 "), "{text}");
    assert!(row.trim_start().starts_with("0     0 DNAT"), "{row}");
    assert!(text.contains("Chain port-1\n"), "{text}");
}
