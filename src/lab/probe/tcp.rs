//! TCP probes: a non-blocking connect. Reached means the handshake
//! completed; a reset means "connection refused".

use nix::errno::Errno;
use nix::sys::socket::{self, AddressFamily, SockFlag, SockType, SockaddrStorage, sockopt};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, OwnedFd};

/// A non-blocking TCP socket in the calling thread's namespace.
pub fn socket(v6: bool) -> Result<OwnedFd, Errno> {
    let family = if v6 { AddressFamily::Inet6 } else { AddressFamily::Inet };
    socket::socket(family, SockType::Stream, SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC, None)
}

/// Start connecting to `dst`: `Ok(true)` when already connected (a local
/// destination can answer at once), `Ok(false)` while the handshake runs.
pub fn start(fd: &OwnedFd, dst: SocketAddr) -> Result<bool, Errno> {
    match socket::connect(fd.as_raw_fd(), &SockaddrStorage::from(dst)) {
        Ok(()) => Ok(true),
        Err(Errno::EINPROGRESS) => Ok(false),
        Err(e) => Err(e),
    }
}

/// How a connect ended, once poll reported the socket: `Ok(())` when
/// connected, else the error (`ECONNREFUSED`, `EHOSTUNREACH`, …).
pub fn result(fd: &OwnedFd) -> Result<(), Errno> {
    match socket::getsockopt(fd, sockopt::SocketError)? {
        0 => Ok(()),
        e => Err(Errno::from_raw(e)),
    }
}
