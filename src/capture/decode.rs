//! A one-line description of a packet for the summary `netns capture`
//! prints without `-w`: the ethertype, ARP, or IPv4/IPv6 addresses, the
//! protocol and its ports or ICMP type. Reads a bounded prefix of the
//! packet and never fails: what it cannot read it names by number.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

/// How the captured bytes start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// An Ethernet header (also loopback devices).
    Ethernet,
    /// An IPv4 or IPv6 header straight away (tun devices, WireGuard).
    RawIp,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// Describe `data` in one line (without a newline).
pub fn describe(data: &[u8], framing: Framing) -> String {
    let mut out = String::new();
    match framing {
        Framing::Ethernet => ethernet(&mut out, data),
        Framing::RawIp => match data.first().map(|b| b >> 4) {
            Some(4) => ipv4(&mut out, data),
            Some(6) => ipv6(&mut out, data),
            _ => out.push_str("not IP"),
        },
    }
    out
}

fn ethernet(out: &mut String, data: &[u8]) {
    let Some(mut ethertype) = be16(data, 12) else {
        out.push_str("truncated ethernet header");
        return;
    };
    let mut at = 14;
    // One 802.1Q or 802.1ad tag (the kernel usually strips it first).
    if matches!(ethertype, 0x8100 | 0x88a8)
        && let (Some(tci), Some(inner)) = (be16(data, 14), be16(data, 16))
    {
        let _ = write!(out, "vlan {} ", tci & 0x0fff);
        ethertype = inner;
        at = 18;
    }
    let payload = &data[at.min(data.len())..];
    match ethertype {
        0x0800 => ipv4(out, payload),
        0x86dd => ipv6(out, payload),
        0x0806 => arp(out, payload),
        other => {
            let _ = write!(out, "ethertype 0x{other:04x}");
        }
    }
}

fn arp(out: &mut String, p: &[u8]) {
    // Ethernet/IPv4 ARP only: hardware 1, protocol 0x0800, lengths 6 and 4.
    if p.len() < 28 || be16(p, 0) != Some(1) || be16(p, 2) != Some(0x0800) || p[4] != 6 || p[5] != 4 {
        out.push_str("ARP");
        return;
    }
    let sha = &p[8..14];
    let spa = Ipv4Addr::new(p[14], p[15], p[16], p[17]);
    let tpa = Ipv4Addr::new(p[24], p[25], p[26], p[27]);
    match be16(p, 6) {
        Some(1) => {
            let _ = write!(out, "ARP who-has {tpa} tell {spa}");
        }
        Some(2) => {
            let _ = write!(
                out,
                "ARP reply {spa} is-at {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                sha[0], sha[1], sha[2], sha[3], sha[4], sha[5]
            );
        }
        op => {
            let _ = write!(out, "ARP op {}", op.unwrap_or(0));
        }
    }
}

fn ipv4(out: &mut String, p: &[u8]) {
    if p.len() < 20 || p[0] >> 4 != 4 {
        out.push_str("IPv4 truncated");
        return;
    }
    let ihl = usize::from(p[0] & 0x0f) * 4;
    let src = Ipv4Addr::new(p[12], p[13], p[14], p[15]);
    let dst = Ipv4Addr::new(p[16], p[17], p[18], p[19]);
    let frag = be16(p, 6).unwrap_or(0) & 0x1fff;
    let l4 = &p[ihl.clamp(20, p.len())..];
    let _ = write!(out, "IPv4 {src} > {dst} ");
    if frag != 0 {
        out.push_str("fragment");
        return;
    }
    transport(out, p[9], l4, false);
}

fn ipv6(out: &mut String, p: &[u8]) {
    if p.len() < 40 || p[0] >> 4 != 6 {
        out.push_str("IPv6 truncated");
        return;
    }
    let addr = |at: usize| {
        let mut a = [0u8; 16];
        a.copy_from_slice(&p[at..at + 16]);
        Ipv6Addr::from(a)
    };
    let _ = write!(out, "IPv6 {} > {} ", addr(8), addr(24));
    // The next header as given: extension headers are named, not walked.
    transport(out, p[6], &p[40..], true);
}

fn transport(out: &mut String, proto: u8, l4: &[u8], v6: bool) {
    match proto {
        6 | 17 => {
            let name = if proto == 6 { "TCP" } else { "UDP" };
            match (be16(l4, 0), be16(l4, 2)) {
                (Some(s), Some(d)) => {
                    let _ = write!(out, "{name} {s} > {d}");
                    if proto == 6
                        && let Some(&flags) = l4.get(13)
                    {
                        out.push_str(" [");
                        for (bit, c) in [(0x02, 'S'), (0x01, 'F'), (0x04, 'R'), (0x08, 'P'), (0x10, '.')] {
                            if flags & bit != 0 {
                                out.push(c);
                            }
                        }
                        out.push(']');
                    }
                }
                _ => out.push_str(name),
            }
        }
        1 if !v6 => {
            icmp(out, "ICMP", l4, &[(0, "echo reply"), (3, "unreachable"), (8, "echo request"), (11, "time exceeded")])
        }
        58 if v6 => icmp(
            out,
            "ICMPv6",
            l4,
            &[
                (1, "unreachable"),
                (3, "time exceeded"),
                (128, "echo request"),
                (129, "echo reply"),
                (133, "router solicitation"),
                (134, "router advertisement"),
                (135, "neighbor solicitation"),
                (136, "neighbor advertisement"),
            ],
        ),
        other => {
            let _ = write!(out, "proto {other}");
        }
    }
}

fn icmp(out: &mut String, name: &str, l4: &[u8], types: &[(u8, &str)]) {
    out.push_str(name);
    let Some(&t) = l4.first() else { return };
    match types.iter().find(|(n, _)| *n == t) {
        Some((_, text)) => {
            let _ = write!(out, " {text}");
            if text.starts_with("echo")
                && let (Some(id), Some(seq)) = (be16(l4, 4), be16(l4, 6))
            {
                let _ = write!(out, " id {id} seq {seq}");
            }
        }
        None => {
            let _ = write!(out, " type {t}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
        let mut p = vec![0xff; 6];
        p.extend_from_slice(&[2, 0, 0, 0, 0, 1]);
        p.extend_from_slice(&ethertype.to_be_bytes());
        p.extend_from_slice(payload);
        p
    }

    fn ipv4_header(proto: u8) -> Vec<u8> {
        let mut h = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, proto, 0, 0];
        h.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        h
    }

    #[test]
    fn icmp_echo() {
        let mut p = ipv4_header(1);
        p.extend_from_slice(&[8, 0, 0, 0, 0, 7, 0, 3]);
        assert_eq!(
            describe(&eth(0x0800, &p), Framing::Ethernet),
            "IPv4 10.0.0.1 > 10.0.0.2 ICMP echo request id 7 seq 3"
        );
    }

    #[test]
    fn tcp_syn_and_udp() {
        let mut p = ipv4_header(6);
        p.extend_from_slice(&[0x30, 0x39, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x02]);
        assert_eq!(describe(&p, Framing::RawIp), "IPv4 10.0.0.1 > 10.0.0.2 TCP 12345 > 80 [S]");
        let mut p = ipv4_header(17);
        p.extend_from_slice(&[0, 53, 0x30, 0x39]);
        assert_eq!(describe(&eth(0x0800, &p), Framing::Ethernet), "IPv4 10.0.0.1 > 10.0.0.2 UDP 53 > 12345");
    }

    #[test]
    fn arp_request() {
        let mut a = vec![0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1];
        a.extend_from_slice(&[0; 6]);
        a.extend_from_slice(&[10, 0, 0, 2]);
        assert_eq!(describe(&eth(0x0806, &a), Framing::Ethernet), "ARP who-has 10.0.0.2 tell 10.0.0.1");
    }

    #[test]
    fn ipv6_neighbour_solicitation() {
        let mut p = vec![0x60, 0, 0, 0, 0, 0, 58, 255];
        p.extend_from_slice(&"fe80::1".parse::<Ipv6Addr>().unwrap().octets());
        p.extend_from_slice(&"ff02::1:ff00:2".parse::<Ipv6Addr>().unwrap().octets());
        p.extend_from_slice(&[135, 0, 0, 0]);
        assert_eq!(
            describe(&eth(0x86dd, &p), Framing::Ethernet),
            "IPv6 fe80::1 > ff02::1:ff00:2 ICMPv6 neighbor solicitation"
        );
    }

    #[test]
    fn short_and_odd_packets_never_panic() {
        for len in 0..80 {
            let p = vec![0x45u8; len];
            let _ = describe(&p, Framing::Ethernet);
            let _ = describe(&p, Framing::RawIp);
        }
        assert_eq!(describe(&eth(0x88cc, &[]), Framing::Ethernet), "ethertype 0x88cc");
    }
}
