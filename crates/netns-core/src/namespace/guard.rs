//! [`NsGuard`]: switch the calling thread into a namespace and always switch
//! back.

use nix::sched::{CloneFlags, setns};
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};

/// While alive, the calling thread is inside another namespace. Dropping it
/// switches back. If switching back fails the process aborts: carrying on
/// in the wrong namespace would silently act on the wrong network.
#[must_use = "the thread switches back as soon as the guard is dropped"]
pub struct NsGuard {
    saved: File,
    kind: CloneFlags,
    // setns is per thread: a guard must be dropped on the thread that made it.
    _not_send: std::marker::PhantomData<*const ()>,
}

impl NsGuard {
    /// Switch the calling thread into `target` (a namespace of type `kind`).
    pub fn enter(target: BorrowedFd<'_>, kind: CloneFlags) -> io::Result<NsGuard> {
        let own = match kind {
            CloneFlags::CLONE_NEWNS => "/proc/thread-self/ns/mnt",
            _ => "/proc/thread-self/ns/net",
        };
        let saved = File::open(own)?;
        setns(target, kind).map_err(io::Error::from)?;
        Ok(NsGuard { saved, kind, _not_send: std::marker::PhantomData })
    }
}

impl Drop for NsGuard {
    fn drop(&mut self) {
        if let Err(e) = setns(self.saved.as_fd(), self.kind) {
            eprintln!("netns: cannot switch back to the original namespace: {e}; aborting");
            std::process::abort();
        }
    }
}
