//! [`NsGuard`]: switch the calling thread into a namespace and always switch
//! back.

use nix::sched::{CloneFlags, setns};
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};

/// The kinds of namespace a guard can switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NsKind {
    /// A network namespace (`CLONE_NEWNET`).
    Net,
    /// A mount namespace (`CLONE_NEWNS`).
    Mnt,
}

impl NsKind {
    fn flags(self) -> CloneFlags {
        match self {
            NsKind::Net => CloneFlags::CLONE_NEWNET,
            NsKind::Mnt => CloneFlags::CLONE_NEWNS,
        }
    }

    /// The calling thread's own namespace of this kind.
    fn own(self) -> &'static str {
        match self {
            NsKind::Net => "/proc/thread-self/ns/net",
            NsKind::Mnt => "/proc/thread-self/ns/mnt",
        }
    }
}

/// While alive, the calling thread is inside another namespace. Dropping it
/// switches back. If switching back fails the process aborts: carrying on
/// in the wrong namespace would silently act on the wrong network.
///
/// ```no_run
/// use netns_core::{NetNs, namespace::{NsGuard, NsKind}};
/// use std::os::fd::AsFd;
/// let ns = NetNs::open_pid(4242)?;
/// let socket = {
///     let _inside = NsGuard::enter(ns.as_fd(), NsKind::Net)?; // or ns.enter()
///     std::net::UdpSocket::bind("0.0.0.0:0")? // made inside, and stays there
/// }; // the thread is back in its own namespace here
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use = "the thread switches back as soon as the guard is dropped"]
pub struct NsGuard {
    saved: File,
    kind: NsKind,
    // setns is per thread: a guard must be dropped on the thread that made it.
    _not_send: std::marker::PhantomData<*const ()>,
}

impl NsGuard {
    /// Switch the calling thread into `target` (a namespace of type `kind`).
    pub fn enter(target: BorrowedFd<'_>, kind: NsKind) -> io::Result<NsGuard> {
        let saved = File::open(kind.own())?;
        setns(target, kind.flags()).map_err(io::Error::from)?;
        Ok(NsGuard { saved, kind, _not_send: std::marker::PhantomData })
    }
}

impl Drop for NsGuard {
    fn drop(&mut self) {
        if let Err(e) = setns(self.saved.as_fd(), self.kind.flags()) {
            eprintln!("netns: cannot switch back to the original namespace: {e}; aborting");
            std::process::abort();
        }
    }
}
