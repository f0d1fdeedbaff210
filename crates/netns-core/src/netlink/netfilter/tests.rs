//! Decoding a dump the kernel sent for a Neutron-style ruleset
//! (`testdata/neutron.hex`: one message per line, `KIND HEX`, the payload
//! from `nfgenmsg` on, captured from `NETLINK_NETFILTER`).

use super::*;

/// The captured messages as (`NFT_MSG_NEW*`, payload).
pub(crate) fn captured() -> Vec<(u16, Vec<u8>)> {
    include_str!("testdata/neutron.hex")
        .lines()
        .map(|l| {
            let (kind, hex) = l.split_once(' ').expect("KIND HEX");
            let bytes = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
            let kind = match kind {
                "table" => NFT_MSG_NEWTABLE,
                "chain" => NFT_MSG_NEWCHAIN,
                "rule" => NFT_MSG_NEWRULE,
                "set" => NFT_MSG_NEWSET,
                "elem" => NFT_MSG_NEWSETELEM,
                k => panic!("unknown kind {k}"),
            };
            (kind, bytes)
        })
        .collect()
}

fn ruleset() -> NfRuleset {
    let msgs = captured();
    NfRuleset::from_messages(msgs.iter().map(|(k, m)| (*k, &m[..])))
}

#[test]
fn tables_and_chains() {
    let r = ruleset();
    let tables: Vec<(u8, &str)> = r.tables.iter().map(|t| (t.family, t.name.as_str())).collect();
    assert_eq!(tables, [(family::IPV4, "nat"), (family::INET, "filter")]);
    let fwd = r.chains.iter().find(|c| c.name == "forward").unwrap();
    assert_eq!((fwd.family, fwd.table.as_str()), (family::INET, "filter"));
    assert_eq!(fwd.hook, Some(NfHook { num: 2, priority: 0, device: None }));
    assert_eq!((fwd.policy, fwd.kind.as_deref()), (Some(0), Some("filter")));
    let pre = r.chains.iter().find(|c| c.name == "prerouting").unwrap();
    assert_eq!(pre.hook.as_ref().map(|h| (h.num, h.priority)), Some((0, -100)));
    let port = r.chains.iter().find(|c| c.name == "port-1").unwrap();
    assert_eq!((&port.hook, port.policy), (&None, None));
}

#[test]
fn a_dnat_rule_is_its_expressions_in_order() {
    let r = ruleset();
    let rule = r.rules.iter().find(|r| r.chain == "prerouting" && r.handle == 3).unwrap();
    assert_eq!(
        rule.exprs,
        [
            Expr::Payload { base: 1, offset: 16, len: 4, dreg: 1 },
            Expr::Cmp { sreg: 1, op: 0, data: vec![172, 24, 4, 10] },
            Expr::Counter { packets: 0, bytes: 0 },
            Expr::Immediate { dreg: 1, data: Data::Value(vec![10, 0, 0, 5]) },
            Expr::Nat {
                kind: NatKind::Dnat,
                family: 2,
                addr_min: Some(1),
                addr_max: Some(1),
                proto_min: None,
                proto_max: None,
                flags: 1
            },
        ]
    );
    assert_eq!(rule.comment().as_deref(), Some("floating ip"));
}

#[test]
fn verdicts_jumps_and_statements() {
    let r = ruleset();
    let exprs = |h: u64| &r.rules.iter().find(|r| r.table == "filter" && r.handle == h).unwrap().exprs;
    assert_eq!(
        exprs(5).last(),
        Some(&Expr::Immediate { dreg: 0, data: Data::Verdict(Verdict { code: -3, chain: Some("port-1".into()) }) })
    );
    assert!(exprs(7).contains(&Expr::Limit { rate: 10, unit: 1, burst: 5, kind: 0, flags: 0 }));
    assert!(exprs(10).contains(&Expr::Log {
        prefix: Some("fw-drop ".into()),
        group: None,
        snaplen: None,
        qthreshold: None,
        level: Some(6),
        flags: None
    }));
    assert_eq!(exprs(13).last(), Some(&Expr::Reject { kind: 1, code: 0 }));
    assert!(matches!(exprs(9)[3], Expr::Lookup { ref set, sreg: 1, dreg: None, flags: 0 } if set == "__set0"));
}

#[test]
fn anonymous_set_elements_are_read() {
    let r = ruleset();
    let set = r.set(family::INET, "filter", "__set0").unwrap();
    assert!(set.is_anonymous() && !set.is_interval());
    let mut keys: Vec<u16> = set.elements.iter().map(|e| u16::from_be_bytes([e.key[0], e.key[1]])).collect();
    keys.sort();
    assert_eq!(keys, [22, 443]);
}

#[test]
fn truncated_and_unknown_input_is_kept_not_dropped() {
    // An expression whose name is unknown keeps its attributes.
    let mut elem = wire::nla(1, b"frob\0");
    elem.extend(wire::nla(2 | 0x8000, &wire::nla(1, &7u32.to_be_bytes())));
    assert_eq!(expr::decode(&elem), Expr::Other { name: "frob".into(), attrs: vec![(1, 7u32.to_be_bytes().to_vec())] });
    // A known one missing what it needs is kept raw too.
    let cmp = [wire::nla(1, b"cmp\0"), wire::nla(2, &wire::nla(1, &1u32.to_be_bytes()))].concat();
    assert!(matches!(expr::decode(&cmp), Expr::Other { ref name, .. } if name == "cmp"));
    // Every prefix of a captured message decodes without panicking.
    for (kind, m) in captured() {
        for n in 0..m.len() {
            let _ = NfRuleset::from_messages([(kind, &m[..n])]);
        }
    }
}
