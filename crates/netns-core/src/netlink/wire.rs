//! The netlink wire format by hand: message headers and attributes, for
//! the replies the engine walks itself and the messages
//! `netlink-packet-*` does not model (netconf, bridge VLANs, nf_tables,
//! qdisc options). One copy, so every hand-built message is framed and
//! padded the same way.

use netlink_packet_core::NLA_TYPE_MASK;

/// `sizeof(struct nlmsghdr)`, aligned.
pub(super) const NLMSG_HDRLEN: usize = 16;

/// Netlink's alignment: messages and attributes start on 4-byte boundaries.
pub(super) fn align4(n: usize) -> usize {
    (n + 3) & !3
}

pub(super) fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_ne_bytes([b[at], b[at + 1]])
}

pub(super) fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// One message: `struct nlmsghdr` (port id 0: the kernel) and `payload`,
/// unpadded.
pub(super) fn message(kind: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let len = NLMSG_HDRLEN + payload.len();
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&(len as u32).to_ne_bytes());
    out.extend_from_slice(&kind.to_ne_bytes());
    out.extend_from_slice(&flags.to_ne_bytes());
    out.extend_from_slice(&seq.to_ne_bytes());
    out.extend_from_slice(&0u32.to_ne_bytes());
    out.extend_from_slice(payload);
    out
}

/// One message of a datagram, as its header describes it.
pub(super) struct Message<'a> {
    /// `nlmsg_len`: header and payload.
    pub len: usize,
    pub kind: u16,
    pub flags: u16,
    pub seq: u32,
    pub payload: &'a [u8],
}

/// A message whose length does not fit the datagram it came in.
pub(super) struct Truncated;

/// The messages of one datagram, in order. A message whose length does not
/// fit comes out as `Err(Truncated)` and ends the walk; trailing bytes too
/// short for a header are ignored.
pub(super) fn messages(b: &[u8]) -> impl Iterator<Item = Result<Message<'_>, Truncated>> {
    let mut rest = b;
    std::iter::from_fn(move || {
        if rest.len() < NLMSG_HDRLEN {
            return None;
        }
        let b = rest;
        let len = u32_at(b, 0) as usize;
        if len < NLMSG_HDRLEN || len > b.len() {
            rest = &[];
            return Some(Err(Truncated));
        }
        rest = &b[align4(len).min(b.len())..];
        Some(Ok(Message {
            len,
            kind: u16_at(b, 4),
            flags: u16_at(b, 6),
            seq: u32_at(b, 8),
            payload: &b[NLMSG_HDRLEN..len],
        }))
    })
}

/// One attribute (`struct nlattr` and `value`), padded to 4 bytes.
pub(super) fn nla(kind: u16, value: &[u8]) -> Vec<u8> {
    let len = 4 + value.len();
    let mut v = Vec::with_capacity(align4(len));
    v.extend_from_slice(&(len as u16).to_ne_bytes());
    v.extend_from_slice(&kind.to_ne_bytes());
    v.extend_from_slice(value);
    v.resize(align4(len), 0);
    v
}

/// The attributes in `b` as (type without the nested and byte-order
/// flags, value), in order, up to the first whose length does not fit.
pub(super) fn attrs(mut b: &[u8]) -> Vec<(u16, &[u8])> {
    let mut out = Vec::new();
    while b.len() >= 4 {
        let len = u16_at(b, 0) as usize;
        let kind = u16_at(b, 2) & NLA_TYPE_MASK;
        if len < 4 || len > b.len() {
            break;
        }
        out.push((kind, &b[4..len]));
        b = &b[align4(len).min(b.len())..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_padded_and_walked_back() {
        let mut b = nla(1, b"abcde");
        assert_eq!(b.len(), 12);
        b.extend(nla(0x8002, &[]));
        b.extend(nla(3, &7u32.to_ne_bytes()));
        assert_eq!(attrs(&b), [(1, &b"abcde"[..]), (2, &[][..]), (3, &7u32.to_ne_bytes()[..])]);
        // A length past the end stops the walk.
        b.extend_from_slice(&[200, 0, 4, 0]);
        assert_eq!(attrs(&b).len(), 3);
    }

    #[test]
    fn messages_come_back_as_framed_and_a_bad_length_ends_the_walk() {
        let mut b = message(16, 2, 7, &[1, 2]);
        b.resize(align4(b.len()), 0);
        b.extend(message(3, 0, 8, &[]));
        let got: Vec<_> = messages(&b).map(|m| m.ok().map(|m| (m.len, m.kind, m.flags, m.seq, m.payload))).collect();
        assert_eq!(got, [Some((18, 16, 2, 7, &[1u8, 2][..])), Some((16, 3, 0, 8, &[][..]))]);
        let mut bad = message(3, 0, 1, &[]);
        bad[0] = 99;
        assert!(matches!(messages(&bad).collect::<Vec<_>>()[..], [Err(Truncated)]));
    }
}
