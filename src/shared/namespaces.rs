//! Every network namespace a command can reach, each once: the namespace
//! netns runs in, the root one (PID 1's), every name in the run directory
//! and, when asked, every namespace a process holds (found through
//! `/proc`, as `lsns -t net` does). `list --all` lists them; `find`
//! searches them.
//!
//! Namespaces are told apart by their nsfs identity ([`NsId`]), so one
//! namespace reached by two names, by a name and a process, or as both the
//! current and the root namespace, is one entry.

use crate::namespace::NsId;
use crate::procscan::ProcScan;
use crate::rundir::{NsName, RunDir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One namespace and everything that leads to it.
#[derive(Debug, Clone)]
pub struct Known {
    /// Its identity.
    pub id: NsId,
    /// Its names in the run directory, in readdir order.
    pub names: Vec<NsName>,
    /// The processes inside it, ascending (only when `/proc` was walked).
    pub pids: Vec<u32>,
    /// The namespace netns runs in.
    pub current: bool,
    /// PID 1's namespace.
    pub root: bool,
}

impl Known {
    /// A path that opens it again: its first name, else one of its
    /// processes, else `/proc/1/ns/net` for the root namespace or
    /// `/proc/thread-self/ns/net` for the current one (only while the
    /// calling thread has not moved).
    pub fn path(&self, run: &RunDir) -> PathBuf {
        match (self.names.first(), self.pids.first()) {
            (Some(n), _) => run.entry(n),
            (None, Some(pid)) => PathBuf::from(format!("/proc/{pid}/ns/net")),
            (None, None) if self.root => PathBuf::from("/proc/1/ns/net"),
            (None, None) => PathBuf::from("/proc/thread-self/ns/net"),
        }
    }
}

/// What [`survey`] found, and what it could not read.
#[derive(Debug, Default)]
pub struct Survey {
    /// The current namespace first, then the named ones in readdir order,
    /// then the ones only processes hold, by inode (the root one among
    /// them, or last when `/proc` was not walked).
    pub namespaces: Vec<Known>,
    /// The run directory could not be read: the error (a missing
    /// directory is no error: there are no names).
    pub run_dir_error: Option<std::io::Error>,
    /// `/proc` could not be walked (only when it was asked for).
    pub proc_error: Option<std::io::Error>,
}

/// Find the namespaces: always the current one, the root one (when its
/// file can be read) and the named ones; with `processes`, also every
/// namespace a process is in, with the pids of every namespace filled in.
/// A name whose file is not an nsfs file (a stale placeholder) is left out.
pub fn survey(run: &RunDir, processes: bool) -> Survey {
    let mut out = Survey::default();
    let current = NsId::of_path(Path::new("/proc/thread-self/ns/net")).ok();
    let root = NsId::of_path(Path::new("/proc/1/ns/net")).ok();
    let nsfs_dev = current.or(root).map(|c| c.dev);
    let mut index: BTreeMap<NsId, usize> = BTreeMap::new();
    let mut remember = |found: &mut Vec<Known>, id: NsId| -> usize {
        *index.entry(id).or_insert_with(|| {
            found.push(Known {
                id,
                names: Vec::new(),
                pids: Vec::new(),
                current: Some(id) == current,
                root: Some(id) == root,
            });
            found.len() - 1
        })
    };
    let found = &mut out.namespaces;
    if let Some(c) = current {
        remember(found, c);
    }
    let names = match run.names() {
        Ok(n) => n,
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Vec::new(),
        Err(e) => {
            out.run_dir_error = Some(e);
            Vec::new()
        }
    };
    let ids = run.ids(&names).unwrap_or_default();
    for (name, id) in names.iter().zip(ids) {
        let Ok(name) = NsName::existing(name) else { continue };
        if let Some(id) = id
            && Some(id.dev) == nsfs_dev
        {
            let i = remember(found, id);
            found[i].names.push(name);
        }
    }
    if processes {
        match ProcScan::open().and_then(|s| s.all_namespaces()) {
            Ok(by_id) => {
                for (id, pids) in by_id {
                    let i = remember(found, id);
                    found[i].pids = pids;
                }
            }
            Err(e) => out.proc_error = Some(e),
        }
    }
    // PID 1's namespace is among the processes' already, unless /proc
    // was not walked.
    if let Some(r) = root {
        remember(found, r);
    }
    out
}
