//! Naming the far end of every veth: its namespace's *name* and its
//! interface.
//!
//! A veth reports its peer as (ifindex, nsid), the nsid in the numbering of
//! the veth's own namespace. Finding which named namespace that nsid means
//! takes one `RTM_GETNSID` per candidate on that namespace's socket, so the
//! likely candidates are tried first: namespaces that hold a veth whose
//! index is our peer index and whose peer index is ours. Only when none of
//! those matches is every named namespace asked (pipelined), which keeps
//! `inspect --all` linear in practice instead of quadratic.

use super::PeerView;
use super::collect::{Raw, Subject};
use crate::namespace::NsId;
use crate::netlink::Netlink;
use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd};

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

/// Interface name `index` in namespace `subject`, read on a thread inside it
/// (for namespaces that were not inspected themselves).
fn name_inside(subject: &Subject, index: u32) -> Option<String> {
    std::thread::scope(|s| {
        s.spawn(|| {
            nix::sched::setns(subject.file.as_fd(), nix::sched::CloneFlags::CLONE_NEWNET).ok()?;
            let mut nl = Netlink::open().ok()?;
            nl.link_by_index(index).ok().flatten().map(|l| l.name)
        })
        .join()
        .ok()
        .flatten()
    })
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
    for i in 0..subjects.len() {
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
                if let Some(nl) = raws[i].nl.as_mut() {
                    for k in likely {
                        if nl.nsid_of_fd(candidates[k].subject.file.as_raw_fd()).ok().flatten() == Some(nsid) {
                            known.insert(nsid, k);
                            break;
                        }
                    }
                    if !known.contains_key(&nsid) && !asked_all {
                        asked_all = true;
                        let fds: Vec<i32> = candidates.iter().map(|c| c.subject.file.as_raw_fd()).collect();
                        for (k, r) in nl.nsids_of_fds(&fds).into_iter().enumerate() {
                            if let Ok(Some(id)) = r {
                                known.entry(id).or_insert(k);
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
