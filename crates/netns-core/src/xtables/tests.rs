//! The entry walk on tables captured from the kernel: a Neutron-style IPv4
//! filter table and an IPv6 one (`testdata/`, read with
//! `IPT_SO_GET_INFO` / `IPT_SO_GET_ENTRIES` after `iptables-legacy-restore
//! -c` set counters).

use super::*;

fn captured(family: XtFamily, info: &[u8], entries: &[u8]) -> XtTable {
    let (mut t, size) = parse_info(family, info).unwrap();
    assert_eq!(size as usize, entries.len());
    t.entries = parse_entries(family, entries).unwrap();
    t
}

fn v4_filter() -> XtTable {
    captured(XtFamily::Ipv4, include_bytes!("testdata/v4-filter.info"), include_bytes!("testdata/v4-filter.entries"))
}

#[test]
fn ipv4_filter_layout() {
    let t = v4_filter();
    assert_eq!(t.name, "filter");
    // INPUT, FORWARD, OUTPUT.
    assert_eq!(t.valid_hooks, 0b01110);
    // Entries follow each other; hooks and policies point at entries.
    let offsets: Vec<u32> = t.entries.iter().map(|e| e.offset).collect();
    for w in t.entries.windows(2) {
        assert_eq!(w[0].offset + w[0].next_offset, w[1].offset);
    }
    for h in [1, 2, 3] {
        assert!(offsets.contains(&t.hook_entry[h]) && offsets.contains(&t.underflow[h]), "hook {h}");
    }
    // The FORWARD policy: DROP, with the counters restore gave it.
    let policy = t.entries.iter().find(|e| e.offset == t.underflow[2]).unwrap();
    assert_eq!(policy.target.standard_verdict(), Some(StdVerdict::Drop));
    assert_eq!((policy.packets, policy.bytes), (2, 120));
    // The first FORWARD rule: the state match, 7 packets, 840 bytes.
    let first = t.entries.iter().find(|e| e.offset == t.hook_entry[2]).unwrap();
    assert_eq!((first.packets, first.bytes), (7, 840));
    assert_eq!(first.matches[0].name, "conntrack");
    assert_eq!(first.target.standard_verdict(), Some(StdVerdict::Accept));
    // User chains start with an ERROR entry naming them; the table ends
    // with one named ERROR.
    let heads: Vec<String> = t.entries.iter().filter_map(|e| e.target.error_name()).collect();
    assert_eq!(heads, ["port-a", "port-b", "ERROR"]);
    // `! -s 10.0.0.0/8`.
    let neg = t.entries.iter().find(|e| e.invflags & inv::SRCIP != 0).unwrap();
    assert_eq!(neg.src, (IpAddr::from([10, 0, 0, 0]), IpAddr::from([255, 0, 0, 0])));
    // `-i tap+`: a prefix match.
    assert!(t.entries.iter().any(|e| e.iniface == "tap+"));
    assert!(t.entries.iter().any(|e| e.iniface == "qr-int"));
}

#[test]
fn ipv6_filter_layout() {
    let t = captured(
        XtFamily::Ipv6,
        include_bytes!("testdata/v6-filter.info"),
        include_bytes!("testdata/v6-filter.entries"),
    );
    let jump = t.entries.iter().find(|e| e.iniface == "qr-int").unwrap();
    assert_eq!((jump.packets, jump.bytes), (1, 80));
    assert_eq!(jump.src.0, "fd00::".parse::<IpAddr>().unwrap());
    assert_eq!(jump.src.1, "ffff:ffff:ffff:ffff::".parse::<IpAddr>().unwrap());
    let Some(StdVerdict::Jump(to)) = jump.target.standard_verdict() else { panic!("{jump:?}") };
    let head = t.entries.iter().find(|e| e.target.error_name().as_deref() == Some("port-c")).unwrap();
    assert_eq!(to, head.offset + head.next_offset, "a jump lands after the chain's head");
    let ssh = t.entries.iter().find(|e| e.proto == 6).unwrap();
    assert_eq!(ssh.invflags & inv::DSTIP, inv::DSTIP);
    assert_eq!(ssh.matches.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["tcp", "comment"]);
}

#[test]
fn damaged_buffers_are_errors_not_panics() {
    let entries = include_bytes!("testdata/v4-filter.entries");
    for cut in [1, 50, 111, 112, 150, entries.len() - 1] {
        assert!(parse_entries(XtFamily::Ipv4, &entries[..cut]).is_err(), "cut at {cut}");
    }
    // A next_offset pointing past the end, then one too small.
    let mut bad = entries.to_vec();
    bad[90..92].copy_from_slice(&u16::MAX.to_ne_bytes());
    assert!(parse_entries(XtFamily::Ipv4, &bad).is_err());
    bad[90..92].copy_from_slice(&8u16.to_ne_bytes());
    assert!(parse_entries(XtFamily::Ipv4, &bad).is_err());
    // A match claiming more bytes than its entry holds.
    let mut bad = entries.to_vec();
    let first_rule = v4_filter().entries.iter().find(|e| !e.matches.is_empty()).unwrap().offset as usize;
    bad[first_rule + 112..first_rule + 114].copy_from_slice(&4000u16.to_ne_bytes());
    assert!(parse_entries(XtFamily::Ipv4, &bad).is_err());
    // Every single-byte change parses or fails, never panics.
    for i in 0..entries.len() {
        let mut b = entries.to_vec();
        b[i] ^= 0xff;
        let _ = parse_entries(XtFamily::Ipv4, &b);
    }
    assert!(parse_info(XtFamily::Ipv4, &[0; 10]).is_err());
}
