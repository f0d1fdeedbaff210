//! ICMP and ICMPv6 echo packets: building our requests and recognising the
//! answers to them among everything a raw socket sees.
//!
//! A raw ICMP socket receives *every* ICMP message delivered to its
//! namespace, so each request carries a [`Tag`] in its payload: a token
//! drawn once per run, the probe's index and a sequence number. Echo
//! replies carry the payload back; error messages (time exceeded,
//! destination unreachable) quote the original packet, whose payload Linux
//! includes. Matching on the payload rather than on the echo id keeps
//! working when a NAT router rewrites the id.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const ECHO_REPLY_V4: u8 = 0;
const UNREACH_V4: u8 = 3;
const ECHO_REQUEST_V4: u8 = 8;
const TIME_EXCEEDED_V4: u8 = 11;
const UNREACH_V6: u8 = 1;
const TIME_EXCEEDED_V6: u8 = 3;
const ECHO_REQUEST_V6: u8 = 128;
const ECHO_REPLY_V6: u8 = 129;

/// ICMP types a v4 probe socket wants to see (everything else is filtered
/// out in the kernel).
pub const WANTED_V4: [u8; 3] = [ECHO_REPLY_V4, UNREACH_V4, TIME_EXCEEDED_V4];
/// ICMPv6 types a v6 probe socket wants to see (neighbour discovery and
/// the rest are filtered out in the kernel).
pub const WANTED_V6: [u8; 3] = [ECHO_REPLY_V6, UNREACH_V6, TIME_EXCEEDED_V6];

/// Length of the ICMP header of an echo message.
const HDR: usize = 8;
/// Length of the tag in the payload.
const TAG_LEN: usize = 16;

/// Who an echo request belongs to, carried in its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// Drawn once per run: tells our packets from anybody else's.
    pub token: u64,
    /// Index of the probe in the run.
    pub probe: u32,
    /// Which echo of the probe (see `mod.rs` for the numbering).
    pub seq: u16,
}

impl Tag {
    fn write(&self, out: &mut [u8]) {
        out[0..8].copy_from_slice(&self.token.to_be_bytes());
        out[8..12].copy_from_slice(&self.probe.to_be_bytes());
        out[12..14].copy_from_slice(&self.seq.to_be_bytes());
    }

    fn read(payload: &[u8], token: u64) -> Option<Tag> {
        let p = payload.get(..TAG_LEN)?;
        let t = u64::from_be_bytes(p[0..8].try_into().ok()?);
        (t == token).then(|| Tag {
            token: t,
            probe: u32::from_be_bytes([p[8], p[9], p[10], p[11]]),
            seq: u16::from_be_bytes([p[12], p[13]]),
        })
    }
}

/// An echo request with this id and tag. The ICMPv4 checksum is computed
/// here; for ICMPv6 the kernel always fills it in (it covers the
/// pseudo-header, which only the kernel knows for sure).
pub fn echo_request(v6: bool, id: u16, tag: Tag) -> Vec<u8> {
    let mut p = vec![0u8; HDR + TAG_LEN];
    p[0] = if v6 { ECHO_REQUEST_V6 } else { ECHO_REQUEST_V4 };
    p[4..6].copy_from_slice(&id.to_be_bytes());
    p[6..8].copy_from_slice(&tag.seq.to_be_bytes());
    tag.write(&mut p[HDR..]);
    if !v6 {
        let sum = checksum(&p);
        p[2..4].copy_from_slice(&sum.to_be_bytes());
    }
    p
}

/// The Internet checksum (RFC 1071): the ones' complement of the ones'
/// complement sum of the 16-bit words, an odd last byte padded with zero.
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut words = data.chunks_exact(2);
    for w in &mut words {
        sum += u32::from(u16::from_be_bytes([w[0], w[1]]));
    }
    if let [last] = words.remainder() {
        sum += u32::from(*last) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Why an echo did not come back, as an ICMP error says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Time exceeded in transit: the hop limit ran out at `from`.
    TimeExceeded,
    /// Destination unreachable, with the code's meaning.
    Unreachable(&'static str),
}

/// One of our echoes answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// An echo reply from `from`.
    Reply {
        /// Source address of the reply.
        from: IpAddr,
        /// The tag of the request it answers.
        tag: Tag,
    },
    /// An ICMP error about our echo to `to`, sent by `from`.
    Error {
        /// Who sent the error (a router, or the destination itself).
        from: IpAddr,
        /// Destination of the quoted echo request.
        to: IpAddr,
        /// The tag of the quoted request.
        tag: Tag,
        /// What went wrong.
        why: Failure,
    },
}

fn unreachable_v4(code: u8) -> &'static str {
    match code {
        0 => "network unreachable",
        1 => "host unreachable",
        2 => "protocol unreachable",
        3 => "port unreachable",
        4 => "fragmentation needed",
        5 => "source route failed",
        6 => "destination network unknown",
        7 => "destination host unknown",
        9 => "network administratively prohibited",
        10 => "host administratively prohibited",
        13 => "communication administratively prohibited",
        _ => "destination unreachable",
    }
}

fn unreachable_v6(code: u8) -> &'static str {
    match code {
        0 => "no route to destination",
        1 => "communication administratively prohibited",
        2 => "beyond scope of source address",
        3 => "address unreachable",
        4 => "port unreachable",
        5 => "source address failed policy",
        6 => "reject route to destination",
        _ => "destination unreachable",
    }
}

/// Recognise one datagram read from a raw IPv4 ICMP socket (it starts with
/// the IPv4 header). `None` for anything that is not an answer to one of
/// this run's echoes.
pub fn parse_v4(pkt: &[u8], token: u64) -> Option<Answer> {
    let ihl = usize::from(pkt.first()? & 0x0f) * 4;
    let from = IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(pkt.get(12..16)?).ok()?));
    let icmp = pkt.get(ihl..)?;
    let (kind, code) = (*icmp.first()?, *icmp.get(1)?);
    match kind {
        ECHO_REPLY_V4 => Some(Answer::Reply { from, tag: Tag::read(icmp.get(HDR..)?, token)? }),
        UNREACH_V4 | TIME_EXCEEDED_V4 => {
            // The quoted packet: its IPv4 header, then our echo request.
            let inner = icmp.get(HDR..)?;
            let inner_ihl = usize::from(inner.first()? & 0x0f) * 4;
            if *inner.get(9)? != libc::IPPROTO_ICMP as u8 {
                return None;
            }
            let to = IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(inner.get(16..20)?).ok()?));
            let echo = inner.get(inner_ihl..)?;
            if *echo.first()? != ECHO_REQUEST_V4 {
                return None;
            }
            let tag = Tag::read(echo.get(HDR..)?, token)?;
            let why = match kind {
                UNREACH_V4 => Failure::Unreachable(unreachable_v4(code)),
                _ => Failure::TimeExceeded,
            };
            Some(Answer::Error { from, to, tag, why })
        }
        _ => None,
    }
}

/// Recognise one message read from a raw ICMPv6 socket (it starts with the
/// ICMPv6 header; the sender comes from the socket address).
pub fn parse_v6(msg: &[u8], from: Ipv6Addr, token: u64) -> Option<Answer> {
    let from = IpAddr::V6(from);
    let (kind, code) = (*msg.first()?, *msg.get(1)?);
    match kind {
        ECHO_REPLY_V6 => Some(Answer::Reply { from, tag: Tag::read(msg.get(HDR..)?, token)? }),
        UNREACH_V6 | TIME_EXCEEDED_V6 => {
            // The quoted packet: a 40-byte IPv6 header (our echoes carry no
            // extension headers), then our echo request.
            let inner = msg.get(HDR..)?;
            if *inner.get(6)? != libc::IPPROTO_ICMPV6 as u8 {
                return None;
            }
            let to = IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(inner.get(24..40)?).ok()?));
            let echo = inner.get(40..)?;
            if *echo.first()? != ECHO_REQUEST_V6 {
                return None;
            }
            let tag = Tag::read(echo.get(HDR..)?, token)?;
            let why = match kind {
                UNREACH_V6 => Failure::Unreachable(unreachable_v6(code)),
                _ => Failure::TimeExceeded,
            };
            Some(Answer::Error { from, to, tag, why })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: u64 = 0x0123_4567_89ab_cdef;

    fn ipv4_header(src: [u8; 4], dst: [u8; 4], proto: u8) -> Vec<u8> {
        let mut h = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, proto, 0, 0];
        h.extend_from_slice(&src);
        h.extend_from_slice(&dst);
        h
    }

    #[test]
    fn checksum_matches_rfc1071_examples() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 → checksum 220d.
        assert_eq!(checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]), 0x220d);
        // A packet carrying its own checksum sums to zero.
        let p = echo_request(false, 7, Tag { token: TOKEN, probe: 3, seq: 1 });
        assert_eq!(checksum(&p), 0);
        // Odd length pads with a zero byte.
        assert_eq!(checksum(&[0xff]), !0xff00);
    }

    #[test]
    fn v6_requests_leave_the_checksum_to_the_kernel() {
        let p = echo_request(true, 7, Tag { token: TOKEN, probe: 3, seq: 1 });
        assert_eq!((p[0], p[2], p[3]), (128, 0, 0));
        assert_eq!(&p[4..8], &[0, 7, 0, 1]);
    }

    #[test]
    fn echo_reply_v4_is_matched_by_its_tag() {
        let tag = Tag { token: TOKEN, probe: 42, seq: 2 };
        let mut req = echo_request(false, 9, tag);
        req[0] = ECHO_REPLY_V4;
        let mut pkt = ipv4_header([10, 0, 0, 2], [10, 0, 0, 1], 1);
        pkt.extend_from_slice(&req);
        assert_eq!(parse_v4(&pkt, TOKEN), Some(Answer::Reply { from: "10.0.0.2".parse().unwrap(), tag }));
        // Somebody else's ping (another token) is not ours.
        assert_eq!(parse_v4(&pkt, TOKEN ^ 1), None);
    }

    #[test]
    fn time_exceeded_v4_quotes_the_request() {
        let tag = Tag { token: TOKEN, probe: 5, seq: 0x8003 };
        let mut pkt = ipv4_header([10, 0, 12, 2], [10, 0, 1, 10], 1);
        pkt.extend_from_slice(&[TIME_EXCEEDED_V4, 0, 0, 0, 0, 0, 0, 0]);
        pkt.extend_from_slice(&ipv4_header([10, 0, 1, 10], [10, 0, 3, 10], 1));
        pkt.extend_from_slice(&echo_request(false, 9, tag));
        let want = Answer::Error {
            from: "10.0.12.2".parse().unwrap(),
            to: "10.0.3.10".parse().unwrap(),
            tag,
            why: Failure::TimeExceeded,
        };
        assert_eq!(parse_v4(&pkt, TOKEN), Some(want));
        // A truncated quote is ignored, not a panic.
        assert_eq!(parse_v4(&pkt[..pkt.len() - 10], TOKEN), None);
    }

    #[test]
    fn unreachable_v6_names_the_code() {
        let tag = Tag { token: TOKEN, probe: 1, seq: 0 };
        let mut msg = vec![UNREACH_V6, 3, 0, 0, 0, 0, 0, 0];
        let mut ip6 = vec![0x60, 0, 0, 0, 0, 24, 58, 64];
        ip6.extend_from_slice(&"fd00::1".parse::<Ipv6Addr>().unwrap().octets());
        ip6.extend_from_slice(&"fd00::9".parse::<Ipv6Addr>().unwrap().octets());
        msg.extend_from_slice(&ip6);
        msg.extend_from_slice(&echo_request(true, 9, tag));
        let got = parse_v6(&msg, "fd00::1".parse().unwrap(), TOKEN);
        let want = Answer::Error {
            from: "fd00::1".parse().unwrap(),
            to: "fd00::9".parse().unwrap(),
            tag,
            why: Failure::Unreachable("address unreachable"),
        };
        assert_eq!(got, Some(want));
    }
}
