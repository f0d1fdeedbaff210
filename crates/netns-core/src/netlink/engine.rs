//! The synchronous request engine: one rtnetlink socket, sequence numbers,
//! acknowledgements, multipart dumps with `NLM_F_DUMP_INTR` retries,
//! extended-ACK parsing, request pipelining, and lenient decoding.
//!
//! Frames are walked by hand (header, error and done payloads are tiny and
//! stable); only the payloads of data messages go through
//! `netlink-packet-route`, and a payload it cannot decode is handed back as
//! [`Reply::Undecoded`] instead of being dropped.

use super::error::{KernelError, NlError};
use super::wire::{self, NLMSG_HDRLEN, align4, u32_at};
use netlink_packet_core::{
    NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_MULTIPART, NLM_F_REQUEST, NLMSG_DONE,
    NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, NetlinkDeserializable, NetlinkHeader, NetlinkMessage, NetlinkPayload,
};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_ROUTE};
use std::collections::HashMap;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

const NLMSGERR_ATTR_MSG: u16 = 1;

/// How many times a dump that the kernel marked inconsistent is redone.
const DUMP_RETRIES: usize = 10;
/// Requests in flight at once when pipelining. Replies to plain requests are
/// unicast with MSG_DONTWAIT by the kernel: a full receive queue would drop
/// them, so the window stays far below what the receive buffer holds.
const PIPELINE_WINDOW: usize = 64;
/// Receive buffer for one datagram: the kernel caps dump skbs at 32 KiB; a
/// single larger message (a link with many VFs) is reported as truncated.
/// The buffer is never zeroed: only the pages a reply touches are faulted
/// in, which matters when a program opens a socket in hundreds of
/// namespaces.
pub(super) const RECV_BUF: usize = 64 * 1024;

/// One message from the kernel in answer to a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A message `netlink-packet-route` decoded.
    Message(RouteNetlinkMessage),
    /// A message it could not decode. It is reported, never silently dropped.
    Undecoded {
        /// The netlink message type (RTM_*).
        kind: u16,
        /// Why decoding failed.
        reason: String,
        /// The message's payload (after the netlink header), for callers
        /// that parse a message family `netlink-packet-route` lacks
        /// (netconf).
        payload: Vec<u8>,
    },
}

impl Reply {
    /// The decoded message, or `None` after a warning on stderr naming the
    /// message type and why it could not be decoded: a caller that skips a
    /// message never does so silently.
    pub fn decoded(&self) -> Option<&RouteNetlinkMessage> {
        match self {
            Reply::Message(m) => Some(m),
            Reply::Undecoded { kind, reason, .. } => {
                eprintln!("Warning: netlink message of type {kind} could not be decoded and is skipped: {reason}");
                None
            }
        }
    }
}

/// A synchronous rtnetlink socket bound to the network namespace that was
/// current on the calling thread when it was opened.
///
/// ```no_run
/// let mut nl = netns_core::netlink::Netlink::open()?;
/// let ids = nl.dump_nsids(None)?;
/// println!("{} peers have an nsid here", ids.len());
/// # Ok::<(), netns_core::netlink::NlError>(())
/// ```
pub struct Netlink {
    sock: Socket,
    seq: u32,
    buf: Vec<u8>,
}

/// The socket's descriptor, for `poll` and the like.
impl AsFd for Netlink {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the descriptor belongs to `self.sock`, which stays open as
        // long as `self`, and so for the borrow's whole lifetime.
        unsafe { BorrowedFd::borrow_raw(self.sock.as_raw_fd()) }
    }
}

impl Netlink {
    /// Open a socket in the calling thread's current network namespace.
    /// Extended acknowledgements are turned on so kernel error text can be
    /// shown; strict dump checking is turned on where the kernel has it.
    pub fn open() -> io::Result<Netlink> {
        let mut sock = Socket::new(NETLINK_ROUTE)?;
        sock.bind_auto()?;
        sock.connect(&SocketAddr::new(0, 0))?;
        // Failures here only cost error text or filtering; iproute2 also
        // ignores them on old kernels.
        let _ = sock.set_ext_ack(true);
        let _ = sock.set_cap_ack(true);
        let _ = sock.set_netlink_get_strict_chk(true);
        Ok(Netlink { sock, seq: std::process::id().wrapping_mul(7919), buf: Vec::new() })
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    fn send(&mut self, msg: RouteNetlinkMessage, flags: u16) -> Result<u32, NlError> {
        let seq = self.next_seq();
        let mut header = NetlinkHeader::default();
        header.flags = flags;
        header.sequence_number = seq;
        let mut packet = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(msg));
        packet.finalize();
        let mut out = vec![0u8; packet.buffer_len()];
        packet.serialize(&mut out);
        self.sock.send(&out, 0)?;
        Ok(seq)
    }

    /// Send a message built by hand: `kind` (RTM_*), `flags` and the
    /// payload after the netlink header. For the few message families
    /// `netlink-packet-route` does not model.
    fn send_raw(&mut self, kind: u16, flags: u16, payload: &[u8]) -> Result<u32, NlError> {
        let seq = self.next_seq();
        self.sock.send(&wire::message(kind, flags, seq, payload), 0)?;
        Ok(seq)
    }

    /// A hand-built single-answer `GET` (see [`Netlink::request`]); the
    /// answer usually comes back as [`Reply::Undecoded`] with its payload.
    pub(crate) fn request_raw(&mut self, kind: u16, payload: &[u8]) -> Result<Vec<Reply>, NlError> {
        let seq = self.send_raw(kind, NLM_F_REQUEST, payload)?;
        self.await_answer(seq, false)
    }

    /// A hand-built write, acknowledged (`NLM_F_ACK`): for the few
    /// messages `netlink-packet-route` does not model.
    pub(crate) fn ack_raw(&mut self, kind: u16, flags: u16, payload: &[u8]) -> Result<(), NlError> {
        let seq = self.send_raw(kind, NLM_F_REQUEST | NLM_F_ACK | flags, payload)?;
        self.await_answer(seq, true).map(drop)
    }

    /// Receive one datagram and split it into frames.
    fn recv_frames(&mut self) -> Result<Vec<Frame>, NlError> {
        let n = self.recv_raw()?;
        parse_frames(&self.buf[..n])
    }

    /// Send one request and wait for its outcome. With `ack`, the kernel's
    /// acknowledgement is awaited (for writes); without it, the first reply
    /// message is the answer (for single `GET` requests).
    pub fn request(&mut self, msg: RouteNetlinkMessage, ack: bool) -> Result<Vec<Reply>, NlError> {
        let flags = NLM_F_REQUEST | if ack { NLM_F_ACK } else { 0 };
        let seq = self.send(msg, flags)?;
        self.await_answer(seq, ack)
    }

    /// Read until request `seq` is answered (see [`Netlink::request`]).
    fn await_answer(&mut self, seq: u32, ack: bool) -> Result<Vec<Reply>, NlError> {
        let mut replies = Vec::new();
        loop {
            for frame in self.recv_frames()? {
                if frame.seq != seq {
                    continue; // a late answer to an earlier request
                }
                match frame.body {
                    FrameBody::Error(None) => return Ok(replies),
                    FrameBody::Error(Some(e)) => return Err(NlError::Kernel(e)),
                    FrameBody::Done(_) => return Ok(replies),
                    FrameBody::Data(reply) => {
                        replies.push(reply);
                        if !ack && frame.flags & NLM_F_MULTIPART == 0 {
                            return Ok(replies);
                        }
                    }
                    FrameBody::Skip => {}
                }
            }
        }
    }

    /// Send one write request expecting only an acknowledgement.
    pub fn ack(&mut self, msg: RouteNetlinkMessage, extra_flags: u16) -> Result<(), NlError> {
        let seq = self.send(msg, NLM_F_REQUEST | NLM_F_ACK | extra_flags)?;
        loop {
            for frame in self.recv_frames()? {
                if frame.seq != seq {
                    continue;
                }
                match frame.body {
                    FrameBody::Error(None) => return Ok(()),
                    FrameBody::Error(Some(e)) => return Err(NlError::Kernel(e)),
                    _ => {}
                }
            }
        }
    }

    /// Dump a table. A dump the kernel flags as interrupted (the table
    /// changed under it) is redone, up to a bound, so callers see a
    /// consistent snapshot.
    pub fn dump(&mut self, msg: RouteNetlinkMessage) -> Result<Vec<Reply>, NlError> {
        for _ in 0..DUMP_RETRIES {
            match self.dump_once(msg.clone())? {
                (replies, false) => return Ok(replies),
                (_, true) => continue,
            }
        }
        Err(NlError::DumpInterrupted)
    }

    fn dump_once(&mut self, msg: RouteNetlinkMessage) -> Result<(Vec<Reply>, bool), NlError> {
        let seq = self.send(msg, NLM_F_REQUEST | NLM_F_DUMP)?;
        let mut replies = Vec::new();
        let mut interrupted = false;
        loop {
            for frame in self.recv_frames()? {
                if frame.seq != seq {
                    continue;
                }
                if frame.flags & NLM_F_DUMP_INTR != 0 {
                    interrupted = true;
                }
                match frame.body {
                    FrameBody::Data(reply) => replies.push(reply),
                    FrameBody::Done(None) | FrameBody::Error(None) => {
                        return Ok((replies, interrupted));
                    }
                    FrameBody::Done(Some(e)) | FrameBody::Error(Some(e)) => {
                        return Err(NlError::Kernel(e));
                    }
                    FrameBody::Skip => {}
                }
            }
        }
    }

    /// A hand-built dump whose data messages are handed to `parse` as
    /// (type, payload) without being decoded by `netlink-packet-route`:
    /// for reads repeated often, where decoding every attribute would cost
    /// more than the read. Interrupted dumps are redone, as in
    /// [`dump`](Self::dump).
    pub(crate) fn dump_raw<T>(
        &mut self,
        kind: u16,
        payload: &[u8],
        mut parse: impl FnMut(u16, &[u8]) -> Option<T>,
    ) -> Result<Vec<T>, NlError> {
        'retry: for _ in 0..DUMP_RETRIES {
            let seq = self.send_raw(kind, NLM_F_REQUEST | NLM_F_DUMP, payload)?;
            let mut out = Vec::new();
            let mut interrupted = false;
            loop {
                let n = self.recv_raw()?;
                for m in wire::messages(&self.buf[..n]) {
                    let Ok(m) = m else { return Err(NlError::Truncated("netlink message")) };
                    if m.seq != seq {
                        continue;
                    }
                    interrupted |= m.flags & NLM_F_DUMP_INTR != 0;
                    match m.kind {
                        NLMSG_NOOP | NLMSG_OVERRUN => {}
                        NLMSG_ERROR | NLMSG_DONE => {
                            if let Some(e) = parse_error(m.flags, m.payload, m.kind == NLMSG_DONE)? {
                                return Err(NlError::Kernel(e));
                            }
                            if interrupted {
                                continue 'retry;
                            }
                            return Ok(out);
                        }
                        k => out.extend(parse(k, m.payload)),
                    }
                }
            }
        }
        Err(NlError::DumpInterrupted)
    }

    /// Receive one datagram into the buffer (into the Vec's spare
    /// capacity, no zeroing); its length.
    fn recv_raw(&mut self) -> Result<usize, NlError> {
        self.buf.clear();
        self.buf.reserve(RECV_BUF);
        let capacity = self.buf.capacity();
        let n = loop {
            match self.sock.recv(&mut self.buf, libc::MSG_TRUNC) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(NlError::Io(e)),
            }
        };
        if n > capacity {
            return Err(NlError::Truncated("datagram larger than the receive buffer"));
        }
        Ok(n)
    }

    /// Send many single-answer `GET` requests back to back and collect their
    /// answers in order. This is what makes `list` with a thousand names
    /// cheap: no round trip per name.
    pub fn pipeline(&mut self, msgs: Vec<RouteNetlinkMessage>) -> Vec<Result<Vec<Reply>, NlError>> {
        self.pipelined(msgs.into_iter().map(|m| (m, NLM_F_REQUEST)).collect(), |body| match body {
            FrameBody::Data(reply) => Some(Ok(vec![reply])),
            FrameBody::Error(Some(e)) | FrameBody::Done(Some(e)) => Some(Err(NlError::Kernel(e))),
            FrameBody::Error(None) | FrameBody::Done(None) => Some(Ok(Vec::new())),
            FrameBody::Skip => None,
        })
    }

    /// Send many write requests back to back, each with `NLM_F_ACK` and its
    /// own flags, and collect every acknowledgement: one round trip for a
    /// whole batch instead of one per request. The kernel handles the
    /// messages of one socket in order, so a route sent after the address
    /// its gateway needs sees that address.
    pub(crate) fn pipeline_acks(&mut self, msgs: Vec<(RouteNetlinkMessage, u16)>) -> Vec<Result<(), NlError>> {
        let msgs = msgs.into_iter().map(|(m, flags)| (m, NLM_F_REQUEST | NLM_F_ACK | flags)).collect();
        self.pipelined(msgs, |body| match body {
            FrameBody::Error(None) => Some(Ok(())),
            FrameBody::Error(Some(e)) => Some(Err(NlError::Kernel(e))),
            _ => None,
        })
    }

    /// The window loop behind [`pipeline`](Self::pipeline) and
    /// [`pipeline_acks`](Self::pipeline_acks): at most `PIPELINE_WINDOW`
    /// requests in flight; `answer` turns the first frame of a request that
    /// settles it into its outcome (`None`: keep waiting).
    fn pipelined<T>(
        &mut self,
        msgs: Vec<(RouteNetlinkMessage, u16)>,
        answer: impl Fn(FrameBody) -> Option<Result<T, NlError>>,
    ) -> Vec<Result<T, NlError>> {
        let total = msgs.len();
        let mut results: Vec<Option<Result<T, NlError>>> = (0..total).map(|_| None).collect();
        let mut pending: HashMap<u32, usize> = HashMap::new();
        let mut msgs = msgs.into_iter().enumerate();
        let mut done = 0;
        while done < total {
            while pending.len() < PIPELINE_WINDOW {
                let Some((i, (msg, flags))) = msgs.next() else { break };
                match self.send(msg, flags) {
                    Ok(seq) => {
                        pending.insert(seq, i);
                    }
                    Err(e) => {
                        results[i] = Some(Err(e));
                        done += 1;
                    }
                }
            }
            if pending.is_empty() {
                continue;
            }
            let frames = match self.recv_frames() {
                Ok(f) => f,
                Err(e) => {
                    // The socket is broken: fail everything still open.
                    let text = e.to_string();
                    for i in pending.drain().map(|(_, i)| i).chain(msgs.by_ref().map(|(i, _)| i)) {
                        results[i] = Some(Err(NlError::Io(io::Error::other(text.clone()))));
                    }
                    break;
                }
            };
            for frame in frames {
                let Some(&i) = pending.get(&frame.seq) else { continue };
                let Some(outcome) = answer(frame.body) else { continue };
                pending.remove(&frame.seq);
                results[i] = Some(outcome);
                done += 1;
            }
        }
        results.into_iter().map(|r| r.unwrap_or(Err(NlError::Truncated("missing reply")))).collect()
    }
}

struct Frame {
    flags: u16,
    seq: u32,
    body: FrameBody,
}

enum FrameBody {
    Data(Reply),
    /// `None` is a positive acknowledgement.
    Error(Option<KernelError>),
    /// End of a dump; `Some` when the dump ended with an error.
    Done(Option<KernelError>),
    Skip,
}

fn parse_frames(b: &[u8]) -> Result<Vec<Frame>, NlError> {
    let mut frames = Vec::new();
    for m in wire::messages(b) {
        let Ok(wire::Message { len, kind, flags, seq, payload }) = m else {
            return Err(NlError::Truncated("netlink message"));
        };
        let body = match kind {
            NLMSG_NOOP | NLMSG_OVERRUN => FrameBody::Skip,
            NLMSG_ERROR => FrameBody::Error(parse_error(flags, payload, false)?),
            NLMSG_DONE => FrameBody::Done(parse_error(flags, payload, true)?),
            _ => {
                let mut header = NetlinkHeader::default();
                header.length = len as u32;
                header.message_type = kind;
                header.flags = flags;
                header.sequence_number = seq;
                FrameBody::Data(match RouteNetlinkMessage::deserialize(&header, payload) {
                    Ok(m) => Reply::Message(m),
                    Err(e) => Reply::Undecoded { kind, reason: e.to_string(), payload: payload.to_vec() },
                })
            }
        };
        frames.push(Frame { flags, seq, body });
    }
    Ok(frames)
}

/// Split a receive buffer into messages and decode them, as every reply
/// the kernel sends is read: how many messages it held, or why it is
/// malformed (for the fuzz targets).
pub fn decode_replies(buf: &[u8]) -> Result<usize, NlError> {
    let frames = parse_frames(buf)?;
    for frame in &frames {
        if let FrameBody::Error(Some(e)) | FrameBody::Done(Some(e)) = &frame.body {
            let _ = e.iproute2_line();
        }
    }
    Ok(frames.len())
}

/// Parse an NLMSG_ERROR payload (`struct nlmsgerr` + TLVs) or an NLMSG_DONE
/// payload (an int + TLVs). Returns `None` for success.
pub(super) fn parse_error(flags: u16, payload: &[u8], done: bool) -> Result<Option<KernelError>, NlError> {
    if payload.len() < 4 {
        return if done { Ok(None) } else { Err(NlError::Truncated("error message")) };
    }
    let code = i32::from_ne_bytes([payload[0], payload[1], payload[2], payload[3]]);
    if code >= 0 {
        return Ok(None);
    }
    let mut tlv_start = 4;
    if !done {
        // struct nlmsgerr echoes the request header, and with it the whole
        // request unless the kernel capped it.
        tlv_start += NLMSG_HDRLEN;
        if flags & NLM_F_CAPPED == 0 && payload.len() >= 4 + NLMSG_HDRLEN {
            let echoed = u32_at(payload, 4) as usize;
            tlv_start = 4 + align4(echoed.max(NLMSG_HDRLEN));
        }
    }
    let mut message = None;
    if flags & NLM_F_ACK_TLVS != 0 && tlv_start <= payload.len() {
        for (kind, text) in wire::attrs(&payload[tlv_start..]) {
            if kind == NLMSGERR_ATTR_MSG {
                let text = text.split(|&c| c == 0).next().unwrap_or(&[]);
                message = Some(String::from_utf8_lossy(text).into_owned());
            }
        }
    }
    // The kernel sends -errno; i32::MIN has no positive counterpart (and is
    // no errno): it stays an error, not an overflow.
    Ok(Some(KernelError { errno: code.saturating_neg(), message, in_dump: done }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message as the kernel sends it, padded for the next one.
    fn frame(kind: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
        let mut v = wire::message(kind, flags, seq, payload);
        v.resize(align4(v.len()), 0);
        v
    }

    #[test]
    fn error_with_extack_text_is_parsed() {
        let mut p = Vec::new();
        p.extend_from_slice(&(-libc::EINVAL).to_ne_bytes());
        p.extend_from_slice(&[16, 0, 0, 0, 90, 0, 5, 0, 1, 0, 0, 0, 0, 0, 0, 0]); // capped echo
        let msg = b"Peer netns reference is invalid\0";
        p.extend_from_slice(&((4 + msg.len()) as u16).to_ne_bytes());
        p.extend_from_slice(&NLMSGERR_ATTR_MSG.to_ne_bytes());
        p.extend_from_slice(msg);
        let buf = frame(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 1, &p);
        let frames = parse_frames(&buf).unwrap();
        let FrameBody::Error(Some(e)) = &frames[0].body else { panic!("not an error") };
        assert_eq!(e.errno, libc::EINVAL);
        assert_eq!(e.iproute2_line(), "Error: Peer netns reference is invalid.");
    }

    #[test]
    fn ack_is_success() {
        let mut p = 0i32.to_ne_bytes().to_vec();
        p.extend_from_slice(&[16, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
        let frames = parse_frames(&frame(NLMSG_ERROR, NLM_F_CAPPED, 3, &p)).unwrap();
        assert!(matches!(frames[0].body, FrameBody::Error(None)));
        assert_eq!(frames[0].seq, 3);
    }

    #[test]
    fn undecodable_payload_is_kept_not_dropped() {
        // RTM_NEWLINK (16) with a payload too short for ifinfomsg.
        let frames = parse_frames(&frame(16, 0, 1, &[1, 2])).unwrap();
        assert!(matches!(frames[0].body, FrameBody::Data(Reply::Undecoded { kind: 16, .. })));
    }

    #[test]
    fn an_error_code_without_a_positive_errno_is_still_an_error() {
        let frames = parse_frames(&frame(NLMSG_ERROR, NLM_F_CAPPED, 1, &i32::MIN.to_ne_bytes())).unwrap();
        let FrameBody::Error(Some(e)) = &frames[0].body else { panic!("not an error") };
        assert_eq!(e.errno, i32::MAX);
        let frames = parse_frames(&frame(NLMSG_DONE, 0, 1, &i32::MIN.to_ne_bytes())).unwrap();
        assert!(matches!(&frames[0].body, FrameBody::Done(Some(e)) if e.errno == i32::MAX));
    }

    #[test]
    fn truncated_stream_is_an_error() {
        let mut buf = frame(NLMSG_DONE, 0, 1, &0i32.to_ne_bytes());
        buf[0] = 200;
        assert!(parse_frames(&buf).is_err());
    }
}
