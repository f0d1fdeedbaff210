//! `netns capture`: packets from interfaces in any namespaces, natively.
//!
//! Each target is an `AF_PACKET` socket opened inside its namespace and
//! bound to one interface ([`Tap`]), with the filter run by the kernel.
//! One thread serves them all with `poll(2)` and writes one pcapng stream
//! (an interface block per target, named `NS/IF`) or a line per packet.
//! Every buffer is bounded: one receive buffer of [`SNAPLEN`] bytes, one
//! block buffer, and the kernel's socket buffers, whose drops are counted
//! and reported.

pub mod decode;
pub mod filter;
pub mod pcapng;
mod tap;

pub use tap::{OpenError, Tap};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The most of one packet kept (tcpdump's default snapshot length).
pub const SNAPLEN: usize = 262_144;
/// What a compiled filter keeps of a matching packet (libpcap's dead
/// handle compiles for 65535 bytes).
pub const FILTER_SNAPLEN: usize = 65_535;
/// Each socket's receive buffer: room for bursts between two polls.
pub const RCVBUF: i32 = 4 << 20;
/// Packets written between two looks at the signal descriptor and the
/// deadline.
const ROUND: usize = 1024;
/// Up to this many targets, every socket is looked at before each packet
/// goes out (one `recvmsg` per socket with nothing held), so the packets
/// of all of them come out in timestamp order; beyond it, that cost per
/// packet would grow with the targets.
const MERGE_ALL: usize = 16;

/// One capture point and its name in the output (`NS/IF`).
pub struct Target {
    /// `NS/IF`: the interface block's name and the summary's column.
    pub label: String,
    /// The open socket.
    pub tap: Tap,
}

/// Where packets go.
pub enum Output<'a> {
    /// A pcapng stream; `flush_each` for a reader that follows it live.
    Pcapng { w: &'a mut dyn Write, flush_each: bool, snaplen: u32 },
    /// One line per packet.
    Summary(&'a mut dyn Write),
}

/// When to stop, besides a signal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// After this many packets.
    pub count: Option<u64>,
    /// After this long.
    pub duration: Option<Duration>,
}

/// Why the capture ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The packet count was reached.
    Count,
    /// The duration passed.
    Duration,
    /// A signal arrived on the stop descriptor.
    Signal,
    /// Every interface went away.
    NoInterfaces,
}

/// What happened, for the closing lines.
#[derive(Debug)]
pub struct Report {
    /// Packets written.
    pub captured: u64,
    /// Packets past the filter, as the kernel counted them.
    pub received: u64,
    /// Of those, dropped by the kernel for want of buffer room.
    pub dropped: u64,
    /// Packets written per target, in target order.
    pub per_target: Vec<u64>,
    /// Why it stopped.
    pub stop: Stop,
    /// Interfaces that failed while capturing ("NS/IF: cause").
    pub errors: Vec<String>,
}

/// A packet read and not yet written.
struct Held {
    ts: u64,
    len: usize,
    pkttype: u8,
    data: Vec<u8>,
}

/// The next packet `t` has queued, if any; on an error the target is
/// marked gone and the error recorded. Buffers come from `spare`, so that
/// a steady flow allocates nothing.
fn next(
    t: &Target,
    buf: &mut [u8],
    spare: &mut Vec<Vec<u8>>,
    alive: &mut bool,
    errors: &mut Vec<String>,
) -> Option<Held> {
    loop {
        let (len, pkttype, ts) = match t.tap.recv(buf) {
            Ok(Some(p)) => p,
            Ok(None) => return None,
            Err(e) => {
                errors.push(format!("{}: {}", t.label, crate::sys::io_text(&e)));
                *alive = false;
                return None;
            }
        };
        // On a loopback device every packet is seen leaving and arriving:
        // keep the arrival only, as tcpdump does.
        if pkttype == libc::PACKET_OUTGOING && t.tap.arphrd == libc::ARPHRD_LOOPBACK {
            continue;
        }
        let mut data = spare.pop().unwrap_or_default();
        data.clear();
        data.extend_from_slice(&buf[..len.min(buf.len())]);
        return Some(Held { ts: ts.unwrap_or_else(now_nanos), len, pkttype, data });
    }
}

fn now_nanos() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

/// `HH:MM:SS.uuuuuu` (UTC) of a timestamp in nanoseconds.
pub fn clock(nanos: u64) -> String {
    let secs = nanos / 1_000_000_000;
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}.{:06}", day / 3600, day / 60 % 60, day % 60, nanos % 1_000_000_000 / 1000)
}

/// The pcapng stream's opening blocks: the section and one interface per
/// target, in target order (interface id = index).
fn header(targets: &[Target], snaplen: u32) -> Vec<u8> {
    let mut b = pcapng::section_header(concat!("netns ", env!("CARGO_PKG_VERSION")));
    for t in targets {
        b.extend_from_slice(&pcapng::interface(t.tap.kind.linktype, snaplen, &t.label));
    }
    b
}

/// Capture from `targets` (already started) into `out` until a limit, a
/// readable `stop` descriptor (a signalfd) or the loss of every interface.
/// An error writing the output ends the capture with that error.
pub fn run(targets: &[Target], out: Output<'_>, limits: Limits, stop: BorrowedFd<'_>) -> io::Result<Report> {
    let start = now_nanos();
    let deadline = limits.duration.map(|d| Instant::now() + d);
    let mut out = out;
    if let Output::Pcapng { w, snaplen, .. } = &mut out {
        pcapng::emit(*w, &header(targets, *snaplen), true)?;
    }
    let mut buf = vec![0u8; SNAPLEN];
    let mut block = Vec::new();
    let mut alive = vec![true; targets.len()];
    // The next packet of each socket, so that packets of different
    // interfaces go out in timestamp order (a merge with one packet held
    // per socket: bounded by the number of targets).
    let mut held: Vec<Option<Held>> = targets.iter().map(|_| None).collect();
    let mut spare: Vec<Vec<u8>> = Vec::new();
    let mut report = Report {
        captured: 0,
        received: 0,
        dropped: 0,
        per_target: vec![0; targets.len()],
        stop: Stop::Signal,
        errors: Vec::new(),
    };
    let stop_reason = 'outer: loop {
        if limits.count.is_some_and(|c| report.captured >= c) {
            break Stop::Count;
        }
        let any_held = held.iter().any(Option::is_some);
        let timeout = match deadline {
            _ if any_held => PollTimeout::ZERO,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break Stop::Duration;
                }
                // Rounded up, so that poll does not wake just before the deadline.
                PollTimeout::try_from(left.as_millis().saturating_add(1).min(60_000) as i32).unwrap_or(PollTimeout::MAX)
            }
            None => PollTimeout::NONE,
        };
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break Stop::Duration;
        }
        let idx: Vec<usize> = (0..targets.len()).filter(|&i| alive[i]).collect();
        if idx.is_empty() && !any_held {
            break Stop::NoInterfaces;
        }
        let mut fds: Vec<PollFd> =
            idx.iter().map(|&i| PollFd::new(targets[i].tap.as_fd(), PollFlags::POLLIN)).collect();
        fds.push(PollFd::new(stop, PollFlags::POLLIN));
        match poll(&mut fds, timeout) {
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
        if fds.last().and_then(|f| f.revents()).is_some_and(|r| !r.is_empty()) {
            break Stop::Signal;
        }
        let ready: Vec<usize> =
            idx.iter().zip(&fds).filter(|(_, f)| f.revents().is_some_and(|r| !r.is_empty())).map(|(&i, _)| i).collect();
        for &i in &ready {
            if held[i].is_none() {
                held[i] = next(&targets[i], &mut buf, &mut spare, &mut alive[i], &mut report.errors);
            }
        }
        for _ in 0..ROUND {
            // A socket with nothing held may have received since the poll
            // (the other end of a veth, a microsecond later): look, so that
            // the pick below sees every packet that has arrived. With many
            // targets only the ready ones are read, a round at a time.
            if targets.len() <= MERGE_ALL {
                for j in 0..held.len() {
                    if held[j].is_none() && alive[j] {
                        held[j] = next(&targets[j], &mut buf, &mut spare, &mut alive[j], &mut report.errors);
                    }
                }
            }
            // The earliest held packet goes out; its socket's next takes its place.
            let Some(i) =
                (0..held.len()).filter(|&i| held[i].is_some()).min_by_key(|&i| held[i].as_ref().map(|h| h.ts))
            else {
                break;
            };
            let Some(h) = held[i].take() else { break };
            let t = &targets[i];
            let outgoing = h.pkttype == libc::PACKET_OUTGOING;
            match &mut out {
                Output::Pcapng { w, flush_each, snaplen } => {
                    let dir = if outgoing { pcapng::Direction::Outbound } else { pcapng::Direction::Inbound };
                    let data = &h.data[..h.data.len().min(*snaplen as usize)];
                    pcapng::packet(&mut block, i as u32, h.ts, data, h.len as u32, dir);
                    pcapng::emit(*w, &block, *flush_each)?;
                }
                Output::Summary(w) => {
                    let dir = if outgoing { "Out" } else { "In " };
                    writeln!(
                        w,
                        "{} {} {dir} {} {}",
                        clock(h.ts),
                        t.label,
                        h.len,
                        decode::describe(&h.data, t.tap.kind.framing)
                    )?;
                    w.flush()?;
                }
            }
            spare.push(h.data);
            report.captured += 1;
            report.per_target[i] += 1;
            if limits.count.is_some_and(|c| report.captured >= c) {
                break 'outer Stop::Count;
            }
            if alive[i] {
                held[i] = next(t, &mut buf, &mut spare, &mut alive[i], &mut report.errors);
            }
        }
        if let Output::Pcapng { w, flush_each: false, .. } = &mut out {
            w.flush()?;
        }
    };
    report.stop = stop_reason;
    let end = now_nanos();
    let mut tail = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let (received, dropped) = t.tap.statistics();
        report.received += received;
        report.dropped += dropped;
        tail.extend_from_slice(&pcapng::statistics(i as u32, pcapng::Stats { start, end, received, dropped }));
    }
    if let Output::Pcapng { w, .. } = &mut out {
        pcapng::emit(*w, &tail, true)?;
    }
    Ok(report)
}
