//! Taking a lab down: everything it made, found through its state, its
//! file and its ownership marks, so that a lab whose `up` was killed at any
//! moment still goes away completely. Removing what is already gone is not
//! an error.
//!
//! Order: `exec_down` commands, processes (SIGTERM, then SIGKILL), the
//! namespaces (their veths, bridges, routes and nftables tables go with
//! them), `/etc/netns/<ns>/`, and the state last, so a `down` that is
//! itself interrupted can be run again.

use super::LabError;
use super::model::Lab;
use super::owner::{self, Owner};
use super::state::LabDir;
use crate::namespace::{Held, NetNs, NsId};
use crate::rundir::RunDir;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// What `down` did.
#[derive(Debug, Default)]
pub struct DownReport {
    /// Namespaces removed.
    pub namespaces: usize,
    /// Processes ended.
    pub processes: usize,
    /// Of those, how many ignored SIGTERM and were killed (SIGKILL).
    pub killed: usize,
    /// Names left alone because they are not the lab's, with the reason.
    pub skipped: Vec<String>,
    /// Problems met (the rest was still removed).
    pub errors: Vec<LabError>,
    /// `exec_down` commands that failed: reported, but they do not keep
    /// the lab's state (the namespaces they ran in are gone either way).
    pub warnings: Vec<LabError>,
}

/// Threads that remove names at once in a big lab. Each unmount waits
/// for an RCU grace period, doing nothing, and the kernel lets concurrent
/// unmounts share one: on 2 CPUs, a 1,000-host star's names went in
/// 0.14 s on 16 threads, in 0.6 s on 2.
const REMOVE_THREADS: usize = 16;

/// Remove run-directory names (namespaces or placeholders), on 16
/// threads for big labs. Errors other than "already gone" are returned.
pub fn remove_namespaces(run: &RunDir, names: &[String]) -> Vec<LabError> {
    // RunDir is not Sync (it remembers the shared-mount setup): one copy
    // per thread.
    let threads = if names.len() < 16 { 1 } else { REMOVE_THREADS };
    if names.is_empty() {
        return Vec::new();
    }
    // One hold of the run directory's lock for all of them: taken per name,
    // the threads would only take turns. When it cannot be taken, neither
    // could each removal take it: one error for all, not one per name.
    let lock = match run.lock() {
        Ok(lock) => lock,
        Err(source) => return vec![LabError::RemoveNamespaces { names: names.to_vec(), source }],
    };
    let lock = &lock;
    let parts = crate::shared::parallel::shares(names, threads).into_iter().map(|chunk| (run.clone(), chunk)).collect();
    crate::shared::parallel::run(parts, |(run, chunk): (RunDir, &[String])| {
        chunk
            .iter()
            .filter_map(|ns| {
                let removed =
                    crate::rundir::NsName::existing(ns).map_err(Into::into).and_then(|n| run.delete_locked(lock, &n));
                match removed {
                    Ok(()) => None,
                    Err(e) if e.errno().0 == libc::ENOENT => None,
                    Err(source) => Some(LabError::RemoveNamespace { ns: ns.clone(), source }),
                }
            })
            .collect()
    })
}

/// Nodes with at least this many bridge ports have their bridges silenced
/// before the lab's names go (see [`silence`]); on smaller segments the
/// flood is not worth a request.
const SILENCE_PORTS: usize = 32;

/// Drop every frame entering a bridge port of `ns` from now on. A lab's
/// hosts send IPv6 start-up traffic for seconds after `up`, a switch
/// floods each frame to every port (N² frames for N hosts), and that work
/// holds up the grace period each unmount of `down` waits for: right after
/// `up`, a 1,000-host star came down five times slower than at rest. Best
/// effort: without nf_tables' bridge family, the lab still goes, only
/// slower.
fn silence(ns: &NetNs) {
    if let Ok(mut nf) = ns.nftables() {
        let _ = nf.drop_bridged_frames("netns-down");
    }
}

/// How `down` runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct DownOptions {
    /// Do not run the file's `exec_down` commands.
    pub skip_exec: bool,
}

/// How long a process is given to end on SIGTERM before SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// Take lab `name` down. `lab` is its file, when given (it adds the
/// `exec_down` commands and the names of nodes the state may miss).
pub fn down(run: &RunDir, labdir: &LabDir, name: &str, lab: Option<&Lab>) -> Result<DownReport, LabError> {
    down_with(run, labdir, name, lab, DownOptions::default())
}

/// [`down`], with options.
pub fn down_with(
    run: &RunDir,
    labdir: &LabDir,
    name: &str,
    lab: Option<&Lab>,
    opts: DownOptions,
) -> Result<DownReport, LabError> {
    // Names in a run directory others can write may be swapped under us.
    super::files::check_trusted(run.path(), "NETNS_RUN_DIR")?;
    let lock = labdir
        .lock(name, || eprintln!("netns: waiting for another up/down of lab {name} to finish…"))
        .map_err(|source| LabError::Lock { lab: name.to_string(), dir: labdir.root().to_path_buf(), source })?;
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
    // Names taken over by someone else: their /etc/netns files are not
    // the lab's to remove any more either.
    let mut spared: BTreeSet<String> = BTreeSet::new();
    let mut ids: BTreeSet<NsId> = BTreeSet::new();
    // Every namespace to remove stays alive until the last name is gone
    // (see Held): the kernel dismantles them all afterwards, in one batch,
    // instead of beside the unmounts, whose grace periods it would hold up.
    let mut held = Held::new();
    // The lab's big switches, silenced after `exec_down` (which may still
    // need the network) and before the names go.
    let big_switches: BTreeSet<&str> = lab
        .iter()
        .flat_map(|l| l.nodes.iter())
        .filter(|n| n.interfaces.iter().filter(|i| i.master.is_some()).count() >= SILENCE_PORTS)
        .map(|n| n.ns.as_str())
        .collect();
    // Silenced as soon as they are known to be the lab's, unless an
    // `exec_down` command may still need the network: then after those.
    let exec_down_due = !opts.skip_exec && lab.is_some_and(|l| l.nodes.iter().any(|n| !n.exec_down.is_empty()));
    let mut switches: Vec<NetNs> = Vec::new();
    let big = |ns: &String| big_switches.contains(ns.as_str());
    let switches_first =
        candidates.iter().filter(|(ns, _)| big(ns)).chain(candidates.iter().filter(|(ns, _)| !big(ns)));
    for (ns, (node, journaled)) in switches_first {
        // The handle whose mark was read is the one held, silenced and
        // searched for processes: a name swapped after the check is not.
        let (owner, handles) = owner::owner_and_handles(run, ns);
        match owner {
            Owner::Absent => {}
            Owner::Lab(l, _) if l == name => {
                if let Some((h, _)) = handles
                    && let Ok(id) = h.id()
                {
                    ids.insert(id);
                    if big(ns) && exec_down_due {
                        switches.push(h);
                    } else {
                        if big(ns) {
                            silence(&h);
                        }
                        held.hold(h);
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
            Owner::Placeholder => {
                report.skipped.push(format!("{ns}: an empty name this lab did not record"));
                spared.insert(ns.clone());
            }
            Owner::Lab(l, _) => {
                report.skipped.push(format!("{ns}: belongs to lab {l}"));
                spared.insert(ns.clone());
            }
            Owner::Foreign => {
                report.skipped.push(format!("{ns}: not made by a netns lab"));
                spared.insert(ns.clone());
            }
        }
    }
    // Order of teardown: processes first, then exec_down, then the namespaces.
    // Each is given STOP_GRACE to end on SIGTERM, then killed: a process
    // that ignores SIGTERM cannot hold `down`.
    let ended = super::procs::end_all_in(&ids, STOP_GRACE);
    report.processes = ended.total;
    report.killed = ended.killed;
    for pid in ended.stuck {
        report.warnings.push(LabError::Stuck { pid });
    }
    // Managed processes whose namespace lost its name (deleted from
    // outside) are not in any named namespace, but the state knows them.
    for rec in state.iter().flat_map(|s| s.runs.iter()).filter(|r| super::state::is_alive(r)) {
        match super::procs::stop(rec, STOP_GRACE) {
            super::procs::Ended::Killed => report.killed += 1,
            super::procs::Ended::Stuck => report.warnings.push(LabError::RunStuck {
                name: rec.name.clone(),
                pid: rec.pid,
                node: rec.node.clone(),
            }),
            _ => {}
        }
        report.processes += 1;
    }
    // exec_down, while the namespaces still exist; each bounded in time
    // (see procs::exec_timeout), so one that never ends cannot hold `down`.
    if let Some(lab) = lab.filter(|_| !opts.skip_exec) {
        for n in &lab.nodes {
            if !n.exec_down.is_empty() && targets.iter().any(|(ns, _)| *ns == n.ns) {
                for cmd in &n.exec_down {
                    if let Err(source) = super::procs::exec_shell(&n.ns, cmd) {
                        report.warnings.push(LabError::ExecDown { node: n.name.clone(), source });
                    }
                }
            }
        }
    }

    for sw in switches {
        silence(&sw);
        held.hold(sw);
    }
    let names: Vec<String> = targets.iter().map(|(ns, _)| ns.clone()).collect();
    report.errors.extend(remove_namespaces(run, &names));
    report.namespaces = names.len();
    drop(held);
    // /etc/netns/<ns>/: the files the lab made there, of every namespace
    // it had and still has (see super::etc).
    // Looked up by map and set, not by scanning: labs have 10,000 nodes.
    let records: BTreeMap<&str, &super::state::NsRecord> =
        state.iter().flat_map(|s| s.namespaces.iter().map(|r| (r.ns.as_str(), r))).collect();
    let target_set: BTreeSet<&str> = targets.iter().map(|(t, _)| t.as_str()).collect();
    let nodes_by_ns: BTreeMap<&str, &super::model::Node> =
        lab.iter().flat_map(|l| l.nodes.iter().map(|n| (n.ns.as_str(), n))).collect();
    for ns in candidates.keys() {
        let dir = run.etc_dir().join(ns);
        if spared.contains(ns) {
            if dir.exists() {
                report.skipped.push(format!("{}: namespace {ns} is not lab {name}'s any more", dir.display()));
            }
            continue;
        }
        let rec = records.get(ns.as_str()).copied();
        // Without a list of its files, the lab file says which are the
        // lab's (by exact content), when the lab surely had that
        // namespace: its mark was there, or an older state records files.
        let had = target_set.contains(ns.as_str()) || rec.is_some_and(super::etc::legacy);
        let node = nodes_by_ns.get(ns.as_str()).copied().filter(|_| had);
        match super::etc::remove(run.etc_dir(), name, rec, ns, node) {
            Ok(notes) => report.skipped.extend(notes),
            Err(e) => report.errors.push(e.into()),
        }
    }
    // The state goes last, and only when all else went: it is what lets
    // `down` run again. A failure here is one more in the list, so the
    // problems met above are still shown.
    if report.errors.is_empty() {
        match labdir.remove(name) {
            Ok(notes) => {
                report.skipped.extend(notes);
                lock.remove();
            }
            Err(source) => report.errors.push(LabError::RemoveState { lab: name.to_string(), source }),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_directory_that_cannot_be_locked_is_one_error_naming_every_namespace() {
        let run = RunDir::new("/dev/null");
        let names: Vec<String> = ["l-a", "l-b", "l-c"].map(String::from).into();
        let errors = remove_namespaces(&run, &names);
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "cannot remove namespaces l-a, l-b, l-c: Cannot open netns runtime directory \"/dev/null\": Not a directory"
            ]
        );
        assert!(remove_namespaces(&run, &[]).is_empty(), "nothing to remove is no error");
    }
}
