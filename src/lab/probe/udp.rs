//! UDP probes: a datagram on a connected socket. Reached means something
//! came back; an ICMP port unreachable comes back as `ECONNREFUSED` on a
//! connected socket.

use nix::errno::Errno;
use nix::sys::socket::{self, AddressFamily, MsgFlags, SockFlag, SockType, SockaddrStorage};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, OwnedFd};

/// What each probe datagram says.
pub const PAYLOAD: &[u8] = b"netns-probe\n";

/// A non-blocking UDP socket in the calling thread's namespace.
pub fn socket(v6: bool) -> Result<OwnedFd, Errno> {
    let family = if v6 { AddressFamily::Inet6 } else { AddressFamily::Inet };
    socket::socket(family, SockType::Datagram, SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC, None)
}

/// Connect the socket to `dst`, so that only its answers arrive and ICMP
/// errors about it are reported on it.
pub fn start(fd: &OwnedFd, dst: SocketAddr) -> Result<(), Errno> {
    socket::connect(fd.as_raw_fd(), &SockaddrStorage::from(dst))
}

/// Send one probe datagram.
pub fn send(fd: &OwnedFd) -> Result<(), Errno> {
    socket::send(fd.as_raw_fd(), PAYLOAD, MsgFlags::empty()).map(|_| ())
}

/// Read what arrived: `Ok(true)` for a datagram, `Ok(false)` when nothing
/// is waiting, the error a pending ICMP message turned into otherwise.
pub fn receive(fd: &OwnedFd) -> Result<bool, Errno> {
    let mut buf = [0u8; 2048];
    match socket::recv(fd.as_raw_fd(), &mut buf, MsgFlags::MSG_DONTWAIT) {
        Ok(_) => Ok(true),
        Err(Errno::EAGAIN) => Ok(false),
        Err(e) => Err(e),
    }
}
