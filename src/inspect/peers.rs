//! Naming the far end of every veth: its namespace's *name* and its
//! interface.
//!
//! A veth reports its peer as (ifindex, nsid), the nsid in the numbering of
//! the veth's own namespace. Finding which named namespace that nsid means
//! takes one `RTM_GETNSID` per candidate on that namespace's socket, so the
//! likely candidates are tried first: namespaces that hold a veth whose
//! index is our peer index and whose peer index is ours. Only when none of
//! those matches is every named namespace asked (pipelined), which keeps
//! `inspect --all` linear in practice instead of quadratic. Namespace files
//! are opened for each question and closed again (in windows for the
//! pipelined one), so no descriptor is kept per namespace.

use super::PeerView;
use super::collect::{Raw, Subject};
use crate::namespace::NsId;
use crate::netlink::Netlink;
use std::collections::HashMap;
use std::os::fd::{AsFd, BorrowedFd};

/// A candidate's namespace file: held for the whole run, or opened for
/// one question.
enum Holder<'a> {
    Borrowed(BorrowedFd<'a>),
    Owned(std::fs::File),
}

impl Holder<'_> {
    fn fd(&self) -> BorrowedFd<'_> {
        match self {
            Holder::Borrowed(fd) => *fd,
            Holder::Owned(f) => f.as_fd(),
        }
    }
}

/// A namespace a peer may live in.
struct Candidate<'a> {
    label: String,
    subject: &'a Subject,
    /// Index into the collected subjects, when it was inspected too.
    collected: Option<usize>,
}

fn label(s: &Subject) -> String {
    match (&s.name, s.root, s.current) {
        (Some(n), _, _) => n.clone(),
        (None, true, _) => "(root)".into(),
        (None, false, true) => "(current)".into(),
        (None, false, false) => format!("net:[{}]", s.id.ino),
    }
}

/// A netlink socket inside namespace `subject`, made on a thread that
/// switches into it and ends.
fn netlink_inside(subject: &Subject) -> Option<Netlink> {
    let file = subject.open().ok()?;
    std::thread::scope(|s| {
        s.spawn(|| {
            nix::sched::setns(file.as_fd(), nix::sched::CloneFlags::CLONE_NEWNET).ok()?;
            Netlink::open().ok()
        })
        .join()
        .ok()
        .flatten()
    })
}

/// Interface name `index` in namespace `subject` (for namespaces that were
/// not inspected themselves).
fn name_inside(subject: &Subject, index: u32) -> Option<String> {
    netlink_inside(subject)?.link_by_index(index).ok().flatten().map(|l| l.name)
}

/// The peer of every veth, keyed by (subject position, interface index).
pub(super) fn resolve(
    subjects: &[Subject],
    raws: &mut [Raw],
    named: &[Subject],
    current: &Subject,
) -> HashMap<(usize, u32), PeerView> {
    let collected_at = |id: NsId| subjects.iter().position(|s| s.id == id);
    let mut candidates: Vec<Candidate> =
        named.iter().map(|s| Candidate { label: label(s), subject: s, collected: collected_at(s.id) }).collect();
    // So is the namespace netns runs in, unless it has a name already.
    if !named.iter().any(|n| n.id == current.id) {
        candidates.push(Candidate { label: label(current), subject: current, collected: collected_at(current.id) });
    }
    let mut peers = HashMap::new();
    let window = super::collect::window();
    // When every candidate fits the descriptor budget, each is opened once
    // for the whole run; otherwise for each question.
    let held: Option<Vec<Option<std::fs::File>>> =
        (candidates.len() <= window).then(|| candidates.iter().map(|c| c.subject.open().ok()).collect());
    let open = |k: usize| -> Option<Holder> {
        match &held {
            Some(files) => files[k].as_ref().map(|f| Holder::Borrowed(f.as_fd())),
            None => candidates[k].subject.open().ok().map(Holder::Owned),
        }
    };
    for i in 0..subjects.len() {
        // Subject i's own socket, opened when a peer must be looked up.
        let mut nl: Option<Netlink> = None;
        // nsid (in subject i's numbering) → candidate position
        let mut known: HashMap<i32, usize> = HashMap::new();
        let mut asked_all = false;
        let veths: Vec<(u32, u32, Option<i32>)> = raws[i]
            .links
            .iter()
            .filter(|l| l.kind() == Some("veth"))
            .filter_map(|l| Some((l.index, l.parent.filter(|&p| p != 0)?, l.link_netnsid)))
            .collect();
        for (index, peer_index, nsid) in veths {
            let Some(nsid) = nsid else {
                // Both ends here.
                let ifname = raws[i].links.iter().find(|l| l.index == peer_index).map(|l| l.name.clone());
                peers.insert((i, index), PeerView { netns: label(&subjects[i]), ifname, ifindex: peer_index });
                continue;
            };
            if !known.contains_key(&nsid) {
                let likely: Vec<usize> = candidates
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| {
                        c.collected.is_some_and(|j| {
                            raws[j].links.iter().any(|l| l.index == peer_index && l.parent == Some(index))
                        })
                    })
                    .map(|(k, _)| k)
                    .collect();
                if nl.is_none() {
                    nl = netlink_inside(&subjects[i]);
                }
                if let Some(nl) = nl.as_mut() {
                    for k in likely {
                        let Some(file) = open(k) else { continue };
                        if nl.nsid_of_fd(file.fd()).ok().flatten() == Some(nsid) {
                            known.insert(nsid, k);
                            break;
                        }
                    }
                    if !known.contains_key(&nsid) && !asked_all {
                        asked_all = true;
                        let ks: Vec<usize> = (0..candidates.len()).collect();
                        for (w, chunk) in ks.chunks(window).enumerate() {
                            let files: Vec<Option<Holder>> = chunk.iter().map(|&k| open(k)).collect();
                            // No file is answered with an error.
                            let fds: Vec<_> = files.iter().map(|f| f.as_ref().map(Holder::fd)).collect();
                            for (k, r) in nl.nsids_of_fds(&fds).into_iter().enumerate() {
                                if let Ok(Some(id)) = r {
                                    known.entry(id).or_insert(w * window + k);
                                }
                            }
                        }
                    }
                }
            }
            let view = match known.get(&nsid) {
                Some(&k) => {
                    let c = &candidates[k];
                    let ifname = match c.collected {
                        Some(j) => raws[j].links.iter().find(|l| l.index == peer_index).map(|l| l.name.clone()),
                        None => name_inside(c.subject, peer_index),
                    };
                    PeerView { netns: c.label.clone(), ifname, ifindex: peer_index }
                }
                None => PeerView { netns: format!("nsid {nsid}"), ifname: None, ifindex: peer_index },
            };
            peers.insert((i, index), view);
        }
    }
    peers
}
