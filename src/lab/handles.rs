//! Descriptors on a lab's namespaces, with a bound on how many are open.
//!
//! Applying a plan works on every node's namespace several times (create,
//! veths, one batch of addresses and routes, sysctls, qdiscs, readiness),
//! and each node costs two descriptors: its namespace file and a netlink
//! socket inside it. Keeping both for every node would fail with "Too many
//! open files" once the lab is larger than half the `RLIMIT_NOFILE` (1024
//! by default for services and login sessions). So at most
//! [`Handles::budget`] nodes hold descriptors at a time; the least recently
//! used ones are closed to make room and reopened by name when needed
//! again. A reopened name must still be the namespace first seen under it:
//! one swapped in meanwhile is refused, never written to.

use super::error::NsError;
use super::ids::{IdVec, NodeId};
use crate::namespace::{NetNs, NsId};
use crate::netlink::Netlink;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One node's namespace and what is open on it.
struct Slot {
    /// The namespace's file in the run directory.
    path: PathBuf,
    /// Its identity, once it is known to exist.
    id: Option<NsId>,
    ns: Option<NetNs>,
    nl: Option<Netlink>,
    /// When it was last used (a key of `Handles::lru` while open).
    used: u64,
}

/// Open handles on the lab's namespaces, by node index, at most
/// [`budget`](Handles::budget) nodes' worth at a time.
pub struct Handles {
    slots: IdVec<NodeId, Slot>,
    /// Live interface indexes of existing namespaces (for deletes).
    pub live_index: IdVec<NodeId, BTreeMap<String, u32>>,
    budget: usize,
    open: usize,
    clock: u64,
    /// Open slots by last use, oldest first.
    lru: BTreeMap<u64, NodeId>,
}

impl Handles {
    /// Handles for namespaces at these run-directory paths (one per node),
    /// none open yet, sized from the descriptors this process may open.
    pub fn new(paths: Vec<PathBuf>) -> Handles {
        // Two descriptors per node.
        Handles::with_budget(paths, crate::sys::spare_fds() / 2)
    }

    /// [`new`](Self::new) with an explicit number of nodes kept open.
    pub fn with_budget(paths: Vec<PathBuf>, budget: usize) -> Handles {
        let n = paths.len();
        Handles {
            slots: paths.into_iter().map(|path| Slot { path, id: None, ns: None, nl: None, used: 0 }).collect(),
            live_index: (0..n).map(|_| BTreeMap::new()).collect(),
            // A veth needs both of its namespaces open at once.
            budget: budget.max(2),
            open: 0,
            clock: 0,
            lru: BTreeMap::new(),
        }
    }

    /// How many nodes may hold descriptors at once: the size of the
    /// windows callers work in.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Does node `i`'s namespace exist (it was found or made)?
    pub fn exists(&self, i: NodeId) -> bool {
        self.slots[i].id.is_some()
    }

    /// Keep what was opened on node `i`'s namespace (found by the ownership
    /// check, or just made), recording its identity.
    pub fn adopt(&mut self, i: NodeId, ns: NetNs, nl: Netlink) -> Result<(), NsError> {
        let id = ns.id().map_err(|source| NsError::Identify { path: ns.path().to_path_buf(), source })?;
        self.close(i);
        self.make_room(1);
        let slot = &mut self.slots[i];
        slot.id = Some(id);
        slot.ns = Some(ns);
        slot.nl = Some(nl);
        self.open += 1;
        self.touch(i);
        Ok(())
    }

    /// Close descriptors until `n` more nodes fit in the budget.
    pub fn make_room(&mut self, n: usize) {
        while self.open + n > self.budget {
            let Some((_, oldest)) = self.lru.pop_first() else { break };
            let slot = &mut self.slots[oldest];
            slot.ns = None;
            slot.nl = None;
            self.open -= 1;
        }
    }

    fn close(&mut self, i: NodeId) {
        let slot = &mut self.slots[i];
        if slot.ns.take().is_some() {
            slot.nl = None;
            self.lru.remove(&slot.used);
            self.open -= 1;
        }
    }

    fn touch(&mut self, i: NodeId) {
        self.clock += 1;
        let slot = &mut self.slots[i];
        self.lru.remove(&slot.used);
        slot.used = self.clock;
        self.lru.insert(self.clock, i);
    }

    /// Make sure node `i` has its namespace file and netlink socket open.
    fn ensure(&mut self, i: NodeId) -> Result<(), NsError> {
        if self.slots[i].ns.is_none() {
            let path = self.slots[i].path.clone();
            let Some(want) = self.slots[i].id else {
                return Err(NsError::Missing { path });
            };
            self.make_room(1);
            let ns = match NetNs::open_path(&path) {
                Ok(ns) => ns,
                Err(source) => return Err(NsError::Open { path, source }),
            };
            match ns.id() {
                Ok(id) if id == want => {}
                _ => return Err(NsError::Replaced { path }),
            }
            let nl = match ns.netlink() {
                Ok(nl) => nl,
                Err(source) => return Err(NsError::Netlink { path, source }),
            };
            let slot = &mut self.slots[i];
            slot.ns = Some(ns);
            slot.nl = Some(nl);
            self.open += 1;
        }
        self.touch(i);
        Ok(())
    }

    /// Node `i`'s namespace, opened again if it was closed.
    pub fn ns(&mut self, i: NodeId) -> Result<&NetNs, NsError> {
        self.ensure(i)?;
        Ok(self.slots[i].ns.as_ref().expect("ensure opened it"))
    }

    /// A netlink socket inside node `i`'s namespace.
    pub fn nl(&mut self, i: NodeId) -> Result<&mut Netlink, NsError> {
        self.ensure(i)?;
        Ok(self.slots[i].nl.as_mut().expect("ensure opened it"))
    }

    /// The namespaces and sockets of `nodes` (distinct, at most
    /// [`budget`](Self::budget) of them), all open at once, in the order
    /// of the node indexes.
    pub fn window(&mut self, nodes: &[NodeId]) -> Result<Vec<(NodeId, &NetNs, &mut Netlink)>, NsError> {
        debug_assert!(nodes.len() <= self.budget);
        // The window's own nodes are the most recently used while it is
        // opened, so opening one never closes another.
        for &i in nodes {
            self.ensure(i)?;
        }
        let mut want: IdVec<NodeId, bool> = self.slots.iter().map(|_| false).collect();
        for &i in nodes {
            want[i] = true;
        }
        Ok(self
            .slots
            .iter_enumerated_mut()
            .filter(|(i, _)| want[*i])
            .filter_map(|(i, s)| Some((i, s.ns.as_ref()?, s.nl.as_mut()?)))
            .collect())
    }

    /// How many nodes hold descriptors now.
    pub fn open_count(&self) -> usize {
        self.open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(i: usize) -> NodeId {
        NodeId::new(i)
    }

    fn me() -> (NetNs, Netlink) {
        let ns = NetNs::current().unwrap();
        let nl = Netlink::open().unwrap();
        (ns, nl)
    }

    #[test]
    fn never_keeps_more_than_its_budget_open_and_reopens_by_path() {
        require_root!();
        let paths = vec![PathBuf::from("/proc/self/ns/net"); 5];
        let mut h = Handles::with_budget(paths, 2);
        for i in 0..5 {
            let (ns, nl) = me();
            h.adopt(id(i), ns, nl).unwrap();
            assert!(h.open_count() <= 2);
        }
        assert!((0..5).all(|i| h.exists(id(i))));
        // The oldest were closed; using one reopens it (same namespace).
        h.nl(id(0)).unwrap();
        h.ns(id(1)).unwrap();
        assert_eq!(h.open_count(), 2);
        let w = h.window(&[id(2), id(3)]).unwrap();
        assert_eq!(w.iter().map(|(i, _, _)| *i).collect::<Vec<_>>(), vec![id(2), id(3)]);
    }

    #[test]
    fn a_name_that_now_holds_another_namespace_is_refused() {
        require_root!();
        use std::os::fd::AsRawFd;
        // A namespace other than ours, reachable by a path.
        let other = std::thread::spawn(crate::rundir::fresh_namespace_on_this_thread).join().unwrap().unwrap();
        let swapped = PathBuf::from(format!("/proc/self/fd/{}", other.as_raw_fd()));
        let mut h = Handles::with_budget(vec![swapped, PathBuf::from("/proc/self/ns/net")], 2);
        // Both were first seen as our own namespace.
        for i in 0..2 {
            let (ns, nl) = me();
            h.adopt(id(i), ns, nl).unwrap();
        }
        h.make_room(2);
        assert_eq!(h.open_count(), 0);
        let e = h.ns(id(0)).unwrap_err();
        assert!(matches!(&e, NsError::Replaced { path } if path.starts_with("/proc/self/fd")), "{e:?}");
        assert!(e.to_string().ends_with("was replaced by another one while this command ran; left alone"), "{e}");
        assert!(h.ns(id(1)).is_ok());
    }

    #[test]
    fn a_namespace_that_never_existed_is_an_error() {
        let mut h = Handles::with_budget(vec![PathBuf::from("/nonexistent")], 4);
        assert_eq!(h.ns(id(0)).unwrap_err().to_string(), "namespace /nonexistent does not exist");
    }
}
