//! [`Held`]: references to many namespaces, kept without a descriptor each.
//!
//! A network namespace lives while anything refers to it: a name (a bind
//! mount in the run directory), a process, an open descriptor. When a big
//! lab's names are taken away one by one, the kernel starts dismantling
//! each namespace as soon as its name is gone, on its cleanup work queue,
//! in long stretches that do not yield on kernels built without
//! preemption. Every later unmount waits for an RCU grace period, and those
//! stretches hold the grace periods up: removing the names of a
//! 10,000-router chain took five times as long as removing as many bare
//! names. Holding a reference to every namespace until the last name is
//! gone, then letting go of all of them at once, keeps the unmounts as
//! quick as bare names' and hands the kernel its work in one batch.
//!
//! Thousands of descriptors do not fit under the usual `ulimit -n 1024`,
//! so the references are descriptors sent over a socket pair to ourselves
//! and never received (`SCM_RIGHTS`): a file in flight keeps its namespace
//! alive without taking a slot in the descriptor table. Dropping the
//! [`Held`] closes the pair, which releases them all.
//!
//! Holding is only ever an optimisation: a reference that cannot be kept
//! (no socket, a full buffer, a kernel limit) is let go at once, and the
//! namespace then goes when its last other reference does, as without
//! [`Held`].

use nix::sys::socket::{
    AddressFamily, ControlMessage, MsgFlags, SockFlag, SockType, sendmsg, setsockopt, socketpair, sockopt,
};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// Descriptors sent per message: well under the kernel's 253
/// (`SCM_MAX_FD`), and few enough that the batch waiting to be sent never
/// crowds the descriptor table.
const BATCH: usize = 64;

/// The send buffer asked for (root may exceed `net.core.wmem_max`): a
/// message costs about a kilobyte of it, so this holds a million
/// references; with the default buffer, about 13,000.
const SEND_BUFFER: usize = 16 << 20;

/// References to namespaces, held until this is dropped (see the module
/// docs).
///
/// ```no_run
/// use netns_core::namespace::Held;
/// use netns_core::{NetNs, NsName, RunDir};
/// let run = RunDir::from_env();
/// let names: Vec<NsName> = ["lab-a", "lab-b"].iter().map(|n| NsName::new(n)).collect::<Result<_, _>>()?;
/// let mut held = Held::new();
/// for name in &names {
///     held.hold(NetNs::open_name(&run, name)?);
/// }
/// for name in &names {
///     run.delete(name)?;
/// }
/// drop(held); // the kernel dismantles both namespaces now, in one batch
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Held {
    /// The sending end, and the receiving end that keeps the messages
    /// queued; `None` once holding has failed.
    pair: Option<(OwnedFd, OwnedFd)>,
    /// Descriptors not sent yet.
    batch: Vec<OwnedFd>,
    /// References sent.
    sent: usize,
}

impl Default for Held {
    fn default() -> Self {
        Held::new()
    }
}

impl Held {
    /// An empty holder. Without a socket pair (descriptor table full, say)
    /// it holds nothing: every [`hold`](Self::hold) lets go at once.
    pub fn new() -> Held {
        let pair =
            socketpair(AddressFamily::Unix, SockType::Datagram, None, SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK)
                .ok();
        if let Some((tx, _)) = &pair
            && setsockopt(tx, sockopt::SndBufForce, &SEND_BUFFER).is_err()
        {
            let _ = setsockopt(tx, sockopt::SndBuf, &SEND_BUFFER);
        }
        Held { pair, batch: Vec::with_capacity(BATCH), sent: 0 }
    }

    /// Keep a reference to the namespace `ns` refers to (a [`NetNs`](super::NetNs),
    /// a descriptor) until the holder is dropped.
    pub fn hold(&mut self, ns: impl Into<OwnedFd>) {
        if self.pair.is_none() {
            return;
        }
        self.batch.push(ns.into());
        if self.batch.len() == BATCH {
            self.flush();
        }
    }

    /// How many references are held.
    pub fn len(&self) -> usize {
        self.sent + self.batch.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn flush(&mut self) {
        let Some((tx, _)) = &self.pair else { return };
        let fds: Vec<RawFd> = self.batch.iter().map(AsRawFd::as_raw_fd).collect();
        let data = [std::io::IoSlice::new(b"n")];
        let sent = sendmsg::<()>(
            tx.as_raw_fd(),
            &data,
            &[ControlMessage::ScmRights(&fds)],
            MsgFlags::MSG_DONTWAIT | MsgFlags::MSG_NOSIGNAL,
            None,
        );
        // Sent: the kernel took its own references, ours close. Not sent:
        // ours close too, and holding stops (see the module docs).
        match sent {
            Ok(_) => self.sent += self.batch.len(),
            Err(_) => self.pair = None,
        }
        self.batch.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NetNs;
    use crate::netlink::link_ops::{LinkKind, LinkSpec, LinkWrite, NsTarget};
    use std::os::fd::AsFd;
    use std::time::{Duration, Instant};

    /// A new namespace nothing else refers to, made on a thread of its own.
    fn fresh() -> NetNs {
        std::thread::spawn(|| NetNs::from_fd(crate::rundir::fresh_namespace_on_this_thread().unwrap(), "fresh"))
            .join()
            .unwrap()
    }

    fn has_link(ns: &NetNs, name: &str) -> bool {
        ns.netlink().unwrap().links().unwrap().iter().any(|l| l.name == name)
    }

    /// Whether `watcher` still has `name` after `wait`: the end of a veth
    /// pair whose other end was in a namespace that lost every reference
    /// but the holder's (the kernel removes the pair when it dismantles
    /// that namespace).
    fn gone_within(watcher: &NetNs, name: &str, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        while has_link(watcher, name) {
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    fn pair_into(watcher: &NetNs, peer: &NetNs, name: &str) {
        let spec = LinkSpec {
            name: Some(name.as_bytes().to_vec()),
            kind: Some(LinkKind::Veth {
                peer: Some(Box::new(LinkSpec {
                    name: Some(b"p0".to_vec()),
                    netns: Some(NsTarget::Fd(peer.as_fd())),
                    ..LinkSpec::default()
                })),
            }),
            ..LinkSpec::default()
        };
        watcher.netlink().unwrap().link_write(&spec, LinkWrite::Create).unwrap();
    }

    #[test]
    fn a_held_namespace_lives_until_the_holder_is_dropped() {
        require_root!();
        let watcher = fresh();
        // Without a holder, the namespace goes with its last descriptor:
        // the watcher sees the pair vanish.
        let (a, b) = (fresh(), fresh());
        pair_into(&watcher, &a, "free0");
        pair_into(&watcher, &b, "held0");
        drop(a);
        assert!(gone_within(&watcher, "free0", Duration::from_secs(20)), "an unheld namespace was never dismantled");
        // Held, it outlives its last descriptor, however long we wait...
        let mut held = Held::new();
        held.hold(b);
        assert_eq!(held.len(), 1);
        assert!(!gone_within(&watcher, "held0", Duration::from_millis(500)), "the held namespace went away");
        // ... and goes once the holder does.
        drop(held);
        assert!(gone_within(&watcher, "held0", Duration::from_secs(20)), "the namespace outlived its holder");
    }

    #[test]
    fn many_more_references_than_the_descriptor_table_holds() {
        // As a user, the kernel limits files in flight to `ulimit -n`.
        require_root!();
        // Every reference is to one namespace (this process's): what is
        // tested is that the count goes past `ulimit -n` without a slot each.
        let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit only writes the struct it is given.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
        let limit = lim.rlim_cur as usize;
        let mut held = Held::new();
        let n = (limit + 1000).min(50_000);
        for _ in 0..n {
            held.hold(NetNs::current().unwrap());
        }
        assert_eq!(held.len(), n, "every reference was kept (root may exceed the in-flight limit)");
    }
}
