//! One capture point: an `AF_PACKET` socket opened inside a namespace (it
//! keeps capturing there after the thread switches back) and bound to one
//! interface, with the kernel running the filter.

use super::decode::Framing;
use super::filter::Program;
use crate::namespace::NetNs;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// What this capture point's interface carries, for the file and the
/// filter compiler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkKind {
    /// pcapng's link type (LINKTYPE_*).
    pub linktype: u16,
    /// libpcap's DLT for the same framing, for the filter compiler.
    pub dlt: i32,
    /// How the bytes start, for the summary.
    pub framing: Framing,
}

const ETHERNET: LinkKind = LinkKind { linktype: 1, dlt: 1, framing: Framing::Ethernet };
// LINKTYPE_RAW in files; libpcap's DLT_RAW is 12 on Linux.
const RAW_IP: LinkKind = LinkKind { linktype: 101, dlt: 12, framing: Framing::RawIp };

/// An interface's ARPHRD type as a link kind, if capture knows it.
pub fn link_kind(arphrd: u16) -> Option<LinkKind> {
    match arphrd {
        libc::ARPHRD_ETHER | libc::ARPHRD_LOOPBACK => Some(ETHERNET),
        libc::ARPHRD_NONE => Some(RAW_IP),
        _ => None,
    }
}

/// Why a capture point could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// No interface of that name in the namespace.
    NoInterface,
    /// The interface's hardware type has no framing capture knows.
    UnsupportedLink(u16),
    /// A system call failed; the text says which step.
    Sys(&'static str, io::Error),
}

/// An open, not yet bound, packet socket on one interface.
pub struct Tap {
    fd: OwnedFd,
    /// The interface's index in its namespace.
    pub ifindex: i32,
    /// The interface's ARPHRD type.
    pub arphrd: u16,
    /// Its framing.
    pub kind: LinkKind,
}

fn last_error(step: &'static str) -> OpenError {
    OpenError::Sys(step, io::Error::last_os_error())
}

/// `struct ifreq` as bytes: the name, then the union the ioctl fills.
fn ifreq(name: &str) -> [u8; 40] {
    let mut r = [0u8; 40];
    r[..name.len()].copy_from_slice(name.as_bytes());
    r
}

impl Tap {
    /// Open a packet socket inside `ns` for interface `ifname` (already
    /// checked to be a valid interface name). It receives nothing until
    /// [`start`](Self::start).
    pub fn open(ns: &NetNs, ifname: &str) -> Result<Tap, OpenError> {
        let fd = {
            let _inside = ns.enter().map_err(|e| OpenError::Sys("entering the namespace", e))?;
            // Protocol 0: nothing is queued before the filter is attached
            // and the socket bound to its interface.
            // SAFETY: socket(2) with constant arguments; the result is checked.
            let raw =
                unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK, 0) };
            if raw < 0 {
                return Err(last_error("socket(AF_PACKET)"));
            }
            // SAFETY: `raw` is a descriptor socket(2) just returned, owned by no one else.
            unsafe { OwnedFd::from_raw_fd(raw) }
        };
        // Interface ioctls on a socket act in the socket's namespace.
        let mut req = ifreq(ifname);
        // SAFETY: SIOCGIFINDEX reads the name and writes an int into the
        // 40-byte struct ifreq we own.
        if unsafe { libc::ioctl(fd.as_raw_fd(), libc::SIOCGIFINDEX, req.as_mut_ptr()) } < 0 {
            let e = io::Error::last_os_error();
            return Err(if e.raw_os_error() == Some(libc::ENODEV) {
                OpenError::NoInterface
            } else {
                OpenError::Sys("SIOCGIFINDEX", e)
            });
        }
        let ifindex = i32::from_ne_bytes(req[16..20].try_into().unwrap_or_default());
        let mut req = ifreq(ifname);
        // SAFETY: SIOCGIFHWADDR reads the name and writes a struct sockaddr
        // into the same struct ifreq.
        if unsafe { libc::ioctl(fd.as_raw_fd(), libc::SIOCGIFHWADDR, req.as_mut_ptr()) } < 0 {
            return Err(last_error("SIOCGIFHWADDR"));
        }
        let arphrd = u16::from_ne_bytes([req[16], req[17]]);
        let kind = link_kind(arphrd).ok_or(OpenError::UnsupportedLink(arphrd))?;
        Ok(Tap { fd, ifindex, arphrd, kind })
    }

    /// Have the kernel run `program` on every packet before queueing it.
    pub fn attach(&self, program: &Program) -> Result<(), OpenError> {
        let prog = libc::sock_fprog { len: program.len() as u16, filter: program.as_ptr().cast_mut() };
        // SAFETY: SO_ATTACH_FILTER copies the program the sock_fprog points
        // to; both outlive the call.
        let rc = unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ATTACH_FILTER,
                (&raw const prog).cast(),
                size_of::<libc::sock_fprog>() as libc::socklen_t,
            )
        };
        if rc < 0 { Err(last_error("SO_ATTACH_FILTER")) } else { Ok(()) }
    }

    /// Ask for nanosecond timestamps and a larger receive buffer, then bind
    /// to the interface for every protocol: packets flow from here on.
    pub fn start(&self, rcvbuf: i32) -> Result<(), OpenError> {
        let one: libc::c_int = 1;
        let set = |level, name, v: &libc::c_int, step| {
            // SAFETY: setsockopt with a pointer to an int that outlives the call.
            let rc = unsafe {
                libc::setsockopt(
                    self.fd.as_raw_fd(),
                    level,
                    name,
                    (v as *const libc::c_int).cast(),
                    size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
            if rc < 0 { Err(last_error(step)) } else { Ok(()) }
        };
        set(libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, &one, "SO_TIMESTAMPNS")?;
        // Beyond rmem_max needs CAP_NET_ADMIN; the default is the fallback.
        let _ = set(libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, &rcvbuf, "SO_RCVBUFFORCE")
            .or_else(|_| set(libc::SOL_SOCKET, libc::SO_RCVBUF, &rcvbuf, "SO_RCVBUF"));
        // SAFETY: sockaddr_ll is plain data; all-zero is a valid value.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
        sll.sll_ifindex = self.ifindex;
        // SAFETY: bind(2) with a sockaddr_ll we own and its size.
        let rc = unsafe {
            libc::bind(self.fd.as_raw_fd(), (&raw const sll).cast(), size_of::<libc::sockaddr_ll>() as libc::socklen_t)
        };
        if rc < 0 { Err(last_error("bind")) } else { Ok(()) }
    }

    /// Receive one packet into `buf` without waiting: its full length (more
    /// than `buf` when truncated), packet type (PACKET_HOST, _OUTGOING, …)
    /// and kernel timestamp in nanoseconds; `Ok(None)` when none is queued.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<Option<(usize, u8, Option<u64>)>> {
        // SAFETY: all-zero is valid for these plain C structs.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        // Room for one SCM_TIMESTAMPNS (a struct timespec), 8-byte aligned.
        let mut control = [0u64; 8];
        let mut iov = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() };
        // SAFETY: as above.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_name = (&raw mut sll).cast();
        msg.msg_namelen = size_of::<libc::sockaddr_ll>() as libc::socklen_t;
        msg.msg_iov = &raw mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = size_of_val(&control);
        // SAFETY: recvmsg(2) writes within the buffers msg describes, all
        // of which live on this frame or in `buf`.
        let n = unsafe { libc::recvmsg(self.fd.as_raw_fd(), &raw mut msg, libc::MSG_TRUNC | libc::MSG_DONTWAIT) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::EAGAIN) | Some(libc::EINTR) => Ok(None),
                _ => Err(e),
            };
        }
        let mut ts = None;
        // SAFETY: the CMSG_* macros walk the control buffer recvmsg filled,
        // bounded by msg_controllen; an SCM_TIMESTAMPNS carries a timespec.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&raw const msg);
            while !c.is_null() {
                if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_TIMESTAMPNS {
                    let t: libc::timespec = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast());
                    ts = Some(t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64);
                }
                c = libc::CMSG_NXTHDR(&raw const msg, c);
            }
        }
        Ok(Some((n as usize, sll.sll_pkttype, ts)))
    }

    /// The kernel's counters since the last call (reading resets them):
    /// packets that passed the filter, and of those, dropped for want of
    /// room.
    pub fn statistics(&self) -> (u64, u64) {
        let mut st = libc::tpacket_stats { tp_packets: 0, tp_drops: 0 };
        let mut len = size_of::<libc::tpacket_stats>() as libc::socklen_t;
        // SAFETY: PACKET_STATISTICS writes a struct tpacket_stats of `len` bytes.
        let rc = unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_PACKET,
                libc::PACKET_STATISTICS,
                (&raw mut st).cast(),
                &raw mut len,
            )
        };
        if rc < 0 { (0, 0) } else { (u64::from(st.tp_packets), u64::from(st.tp_drops)) }
    }
}

impl AsFd for Tap {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
