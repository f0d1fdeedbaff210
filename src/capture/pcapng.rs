//! A pcapng writer: one section, one Interface Description Block per
//! capture target, an Enhanced Packet Block per packet and an Interface
//! Statistics Block per interface at the end. Byte order is the host's,
//! as the format allows (the Section Header's magic tells readers which).
//!
//! Written here rather than taken from a crate: the pcapng writer crates
//! were either unreleased candidates needing a newer Rust than this
//! package's, or stale; the blocks netns writes are a few fixed layouts.

use std::io::{self, Write};

const SHB: u32 = 0x0A0D_0D0A;
const IDB: u32 = 0x0000_0001;
const ISB: u32 = 0x0000_0005;
const EPB: u32 = 0x0000_0006;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;

const OPT_END: u16 = 0;
const SHB_USERAPPL: u16 = 4;
const IF_NAME: u16 = 2;
const IF_TSRESOL: u16 = 9;
const EPB_FLAGS: u16 = 2;
const ISB_STARTTIME: u16 = 2;
const ISB_ENDTIME: u16 = 3;
const ISB_IFRECV: u16 = 4;
const ISB_IFDROP: u16 = 5;

/// Timestamps are written in nanoseconds (`if_tsresol` 9).
pub const TSRESOL_NANOS: u8 = 9;

/// Which way a packet went, for the Enhanced Packet Block's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Received by the interface.
    Inbound,
    /// Sent by the interface.
    Outbound,
}

/// One block under construction: type, placeholder length, body, options.
struct Block(Vec<u8>);

impl Block {
    fn new(kind: u32) -> Block {
        let mut b = Vec::with_capacity(64);
        b.extend_from_slice(&kind.to_ne_bytes());
        b.extend_from_slice(&0u32.to_ne_bytes());
        Block(b)
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_ne_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_ne_bytes());
    }
    fn bytes_padded(&mut self, v: &[u8]) {
        self.0.extend_from_slice(v);
        self.0.resize(self.0.len().next_multiple_of(4), 0);
    }
    fn option(&mut self, code: u16, v: &[u8]) {
        // Option values are at most 65535 bytes; ours are names and numbers.
        let len = v.len().min(u16::MAX as usize);
        self.u16(code);
        self.u16(len as u16);
        self.bytes_padded(&v[..len]);
    }
    fn finish(mut self) -> Vec<u8> {
        self.u16(OPT_END);
        self.u16(0);
        let total = (self.0.len() + 4) as u32;
        self.u32(total);
        self.0[4..8].copy_from_slice(&total.to_ne_bytes());
        self.0
    }
}

fn split_ts(nanos: u64) -> (u32, u32) {
    ((nanos >> 32) as u32, nanos as u32)
}

/// The Section Header Block that starts the stream, naming the writer.
pub fn section_header(application: &str) -> Vec<u8> {
    let mut b = Block::new(SHB);
    b.u32(BYTE_ORDER_MAGIC);
    b.u16(1);
    b.u16(0);
    // Section length: not known (a stream).
    b.0.extend_from_slice(&(-1i64).to_ne_bytes());
    b.option(SHB_USERAPPL, application.as_bytes());
    b.finish()
}

/// An Interface Description Block: link type, snapshot length, name and
/// nanosecond timestamps.
pub fn interface(linktype: u16, snaplen: u32, name: &str) -> Vec<u8> {
    let mut b = Block::new(IDB);
    b.u16(linktype);
    b.u16(0);
    b.u32(snaplen);
    b.option(IF_NAME, name.as_bytes());
    b.option(IF_TSRESOL, &[TSRESOL_NANOS]);
    b.finish()
}

/// An Enhanced Packet Block for interface `id`: `data` is what was
/// captured of a packet `orig_len` bytes long, at `nanos` since the epoch.
pub fn packet(out: &mut Vec<u8>, id: u32, nanos: u64, data: &[u8], orig_len: u32, dir: Direction) {
    let mut b = Block(std::mem::take(out));
    b.0.clear();
    b.u32(EPB);
    b.u32(0);
    b.u32(id);
    let (hi, lo) = split_ts(nanos);
    b.u32(hi);
    b.u32(lo);
    b.u32(data.len() as u32);
    b.u32(orig_len.max(data.len() as u32));
    b.bytes_padded(data);
    let flags: u32 = match dir {
        Direction::Inbound => 1,
        Direction::Outbound => 2,
    };
    b.option(EPB_FLAGS, &flags.to_ne_bytes());
    *out = b.finish();
}

/// What an Interface Statistics Block says of one interface.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// When capture started and ended, nanoseconds since the epoch.
    pub start: u64,
    /// See `start`.
    pub end: u64,
    /// Packets the kernel handed to the socket (past the filter).
    pub received: u64,
    /// Packets the kernel dropped for want of room in the socket.
    pub dropped: u64,
}

/// An Interface Statistics Block for interface `id`.
pub fn statistics(id: u32, s: Stats) -> Vec<u8> {
    let mut b = Block::new(ISB);
    b.u32(id);
    let (hi, lo) = split_ts(s.end);
    b.u32(hi);
    b.u32(lo);
    for (code, ts) in [(ISB_STARTTIME, s.start), (ISB_ENDTIME, s.end)] {
        let (hi, lo) = split_ts(ts);
        let mut v = hi.to_ne_bytes().to_vec();
        v.extend_from_slice(&lo.to_ne_bytes());
        b.option(code, &v);
    }
    b.option(ISB_IFRECV, &s.received.to_ne_bytes());
    b.option(ISB_IFDROP, &s.dropped.to_ne_bytes());
    b.finish()
}

/// Write a block and, for a stream a reader follows live, flush it.
pub fn emit<W: Write + ?Sized>(w: &mut W, block: &[u8], flush: bool) -> io::Result<()> {
    w.write_all(block)?;
    if flush { w.flush() } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_ne_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn blocks_carry_their_length_at_both_ends_and_are_aligned() {
        let mut epb = Vec::new();
        packet(&mut epb, 1, 1_700_000_000_123_456_789, &[1, 2, 3, 4, 5], 60, Direction::Outbound);
        for b in [section_header("netns"), interface(1, 262144, "ns-a/veth0"), epb, statistics(0, Stats::default())] {
            assert_eq!(b.len() % 4, 0);
            assert_eq!(u32_at(&b, 4) as usize, b.len());
            assert_eq!(u32_at(&b, b.len() - 4) as usize, b.len());
        }
    }

    #[test]
    fn packet_block_fields() {
        let mut b = Vec::new();
        let ts = (7u64 << 32) | 9;
        packet(&mut b, 3, ts, &[0xaa; 5], 1500, Direction::Inbound);
        assert_eq!(u32_at(&b, 0), EPB);
        assert_eq!(u32_at(&b, 8), 3);
        assert_eq!((u32_at(&b, 12), u32_at(&b, 16)), (7, 9));
        assert_eq!((u32_at(&b, 20), u32_at(&b, 24)), (5, 1500));
        assert_eq!(&b[28..33], &[0xaa; 5]);
        // Padded to 8 bytes, then epb_flags = 1 (inbound), the end of
        // options and the trailing length.
        assert_eq!(u16::from_ne_bytes([b[36], b[37]]), EPB_FLAGS);
        assert_eq!(u32_at(&b, 40), 1);
        assert_eq!(b.len(), 28 + 8 + 8 + 4 + 4);
    }

    #[test]
    fn interface_block_names_the_interface_in_nanoseconds() {
        let b = interface(1, 65535, "lab1-h1/eth0");
        assert_eq!(u32_at(&b, 0), IDB);
        let name_opt = 16;
        assert_eq!(u16::from_ne_bytes([b[name_opt], b[name_opt + 1]]), IF_NAME);
        assert_eq!(&b[name_opt + 4..name_opt + 4 + 12], b"lab1-h1/eth0");
        let tsresol = name_opt + 4 + 12;
        assert_eq!(u16::from_ne_bytes([b[tsresol], b[tsresol + 1]]), IF_TSRESOL);
        assert_eq!(b[tsresol + 4], 9);
    }
}
