//! Taking a lab down: everything it made, found through its state, its
//! file and its ownership marks, so that a lab whose `up` was killed at any
//! moment still goes away completely. Removing what is already gone is not
//! an error.
//!
//! Order: `exec_down` commands, processes (SIGTERM, then SIGKILL), the
//! namespaces (their veths, bridges, routes and nftables tables go with
//! them), `/etc/netns/<ns>/`, and the state last, so a `down` that is
//! itself interrupted can be run again.

use super::model::Lab;
use super::owner::{self, Owner};
use super::state::LabDir;
use crate::namespace::{NetNs, NsId};
use crate::rundir::RunDir;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// What `down` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownReport {
    /// Namespaces removed.
    pub namespaces: usize,
    /// Processes ended.
    pub processes: usize,
    /// Names left alone because they are not the lab's, with the reason.
    pub skipped: Vec<String>,
    /// Problems met (the rest was still removed).
    pub errors: Vec<String>,
    /// `exec_down` commands that failed: reported, but they do not keep
    /// the lab's state (the namespaces they ran in are gone either way).
    pub warnings: Vec<String>,
}

/// Remove run-directory names (namespaces or placeholders), on two
/// threads for big labs. Errors other than "already gone" are returned.
pub fn remove_namespaces(run: &RunDir, names: &[String]) -> Vec<String> {
    let work = |run: RunDir, chunk: &[String]| -> Vec<String> {
        chunk
            .iter()
            .filter_map(|ns| {
                match crate::rundir::NsName::existing(ns).map_err(Into::into).and_then(|n| run.delete(&n)) {
                    Ok(()) => None,
                    Err(e) if e.errno().0 == libc::ENOENT => None,
                    Err(e) => Some(String::from_utf8_lossy(&e.message()).into_owned()),
                }
            })
            .collect()
    };
    if names.len() < 16 {
        return work(run.clone(), names);
    }
    let (a, b) = names.split_at(names.len() / 2);
    std::thread::scope(|s| {
        let r = run.clone();
        let ta = s.spawn(|| work(r, a));
        let mut errs = work(run.clone(), b);
        errs.extend(ta.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        errs
    })
}

/// Take lab `name` down. `lab` is its file, when given (it adds the
/// `exec_down` commands and the names of nodes the state may miss).
pub fn down(run: &RunDir, labdir: &LabDir, name: &str, lab: Option<&Lab>) -> Result<DownReport, String> {
    let lock = labdir
        .lock(name, || eprintln!("netns: waiting for another up/down of lab {name} to finish…"))
        .map_err(|e| format!("cannot lock lab {name} in {}: {e}", labdir.root().display()))?;
    let state = labdir.read(name);
    let mut report = DownReport::default();
    // Candidates: ns name → (node, whether the journal lists it).
    let mut candidates: BTreeMap<String, (String, bool)> = BTreeMap::new();
    if let Some(st) = &state {
        for r in &st.namespaces {
            candidates.insert(r.ns.clone(), (r.node.clone(), true));
        }
    }
    if let Some(lab) = lab {
        for n in &lab.nodes {
            candidates.entry(n.ns.clone()).or_insert((n.name.clone(), false));
        }
    }
    // Without a finished state, the marks are the truth: scan for them.
    if state.as_ref().is_none_or(|s| s.phase != super::state::Phase::Up) {
        for (ns, node) in owner::scan(run, name) {
            candidates.entry(ns).or_insert((node, false));
        }
    }
    let in_file = |ns: &str| lab.is_some_and(|l| l.nodes.iter().any(|n| n.ns == ns));
    let stale = |path: &std::path::Path| {
        std::fs::symlink_metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age >= Duration::from_secs(1)))
    };
    let mut targets: Vec<(String, String)> = Vec::new();
    let mut ids: BTreeSet<NsId> = BTreeSet::new();
    for (ns, (node, journaled)) in &candidates {
        match owner::owner_of(run, ns) {
            Owner::Absent => {}
            Owner::Lab(l, _) if l == name => {
                if let Some(h) = crate::rundir::NsName::existing(ns).ok().and_then(|n| NetNs::open_name(run, &n).ok()) {
                    if let Ok(id) = h.id() {
                        ids.insert(id);
                    }
                }
                targets.push((ns.clone(), node.clone()));
            }
            // A placeholder this lab's journal names: a crash between
            // creating the file and mounting the namespace onto it.
            Owner::Placeholder if *journaled => targets.push((ns.clone(), node.clone())),
            // The same leftover when the journal is lost too: the file names
            // the node, and a placeholder that has stayed empty for a while
            // is no `ip netns add` in flight (those mount within
            // microseconds) but the remains of a crash; left there, it
            // would block the next `up`.
            Owner::Placeholder
                if in_file(ns) && crate::rundir::NsName::existing(ns).is_ok_and(|n| stale(&run.entry(&n))) =>
            {
                targets.push((ns.clone(), node.clone()))
            }
            Owner::Placeholder => report.skipped.push(format!("{ns}: an empty name this lab did not record")),
            Owner::Lab(l, _) => report.skipped.push(format!("{ns}: belongs to lab {l}")),
            Owner::Foreign => report.skipped.push(format!("{ns}: not made by a netns lab")),
        }
    }
    // labs.md §7.2: processes first, then exec_down, then the namespaces.
    report.processes = super::procs::kill_all_in(&ids, Duration::from_secs(2));
    // Managed processes whose namespace lost its name (deleted from
    // outside) are not in any named namespace, but the state knows them.
    for rec in state.iter().flat_map(|s| s.runs.iter()).filter(|r| super::state::is_alive(r)) {
        super::procs::stop(rec, Duration::from_secs(2));
        report.processes += 1;
    }
    // exec_down, while the namespaces still exist.
    if let Some(lab) = lab {
        for n in &lab.nodes {
            if targets.iter().any(|(ns, _)| *ns == n.ns) {
                for cmd in &n.exec_down {
                    if let Err(e) = super::procs::exec_shell(&n.ns, cmd) {
                        report.warnings.push(format!("exec_down of node {}: {e}", n.name));
                    }
                }
            }
        }
    }

    let names: Vec<String> = targets.iter().map(|(ns, _)| ns.clone()).collect();
    report.errors.extend(remove_namespaces(run, &names));
    report.namespaces = names.len();
    // /etc/netns/<ns>/ of every namespace the lab had.
    for ns in candidates.keys() {
        let ours = targets.iter().any(|(t, _)| t == ns)
            || state.as_ref().is_some_and(|s| s.namespaces.iter().any(|r| r.ns == *ns && r.etc));
        let dir = run.etc_dir().join(ns);
        if ours && dir.exists() {
            if let Err(e) = std::fs::remove_dir_all(&dir) {
                report.errors.push(format!("cannot remove {}: {e}", dir.display()));
            }
        }
    }
    if report.errors.is_empty() {
        labdir.remove(name).map_err(|e| format!("cannot remove the state of lab {name}: {e}"))?;
        lock.remove();
    }
    Ok(report)
}
