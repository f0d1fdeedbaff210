//! `up`: create a lab, or reconcile a running one with its file.
//!
//! 1. Check the kernel has what the file needs, and that no namespace name
//!    of the lab belongs to someone else: both before any change.
//! 2. Read what exists (each existing namespace over its own netlink
//!    socket) and compute the plan (see [`super::plan`]).
//! 3. Journal the namespaces about to exist, apply the plan, then record
//!    the finished state.
//!
//! A first `up` that fails is rolled back; a reconcile that fails leaves
//! the lab as far as it got, and says so (`down` removes it either way).
//! An interruption (see [`super::interrupt`]) is a failure at a safe point.

use super::LabError;
use super::apply::{self, Handles, Progress};
use super::down;
use super::error::NsError;
use super::ids::{IdVec, NodeId};
use super::live::{self, NsLive};
use super::model::Lab;
use super::owner::{self, Owner};
use super::plan::{self, Action, Plan};
use super::state::{LabDir, NsRecord, Phase, State, is_alive};
use crate::rundir::RunDir;

/// How `up` runs.
#[derive(Debug, Clone, Default)]
pub struct UpOptions {
    /// Only compute and return the plan.
    pub plan_only: bool,
    /// Plan only, for `status`: no kernel-feature probe and no lock (a
    /// running `up` is not waited for; its half-done work shows as drift).
    pub observe: bool,
    /// Absolute path of the file, recorded in the state.
    pub file: String,
    /// A running lab of the same name that came up from another file is
    /// replaced by this one (without it, `up` refuses).
    pub replace: bool,
}

/// What `up` did.
#[derive(Debug, Clone)]
pub struct UpReport {
    /// The plan (applied unless `plan_only`).
    pub plan: Plan,
    /// The lab had no namespace before this run.
    pub fresh: bool,
    /// What each node's namespace held before this run (`None`: it did
    /// not exist), as the plan was computed from it.
    pub live: IdVec<NodeId, Option<NsLive>>,
    /// The runtime changes (`netns lab LAB link|impair`) the state held
    /// before this run; a finished `up` undoes them and forgets them.
    pub runtime: Vec<super::state::RuntimeRecord>,
}

/// Why `up` failed.
#[derive(Debug)]
pub enum UpError {
    /// Nothing was changed (checks failed); the problems, located in the
    /// file where they can be.
    Refused(Vec<super::Diag>),
    /// It failed midway; `rolled_back` tells whether everything was undone.
    Failed {
        /// The cause.
        error: Box<LabError>,
        /// True when the partial lab was removed again.
        rolled_back: bool,
        /// Every problem the rollback met, each naming its object (a
        /// failed `exec_down`, a namespace that could not be removed …):
        /// all of them, since each may need a hand to clean up.
        rollback: Vec<LabError>,
    },
}

fn at(node: &super::model::Node, msg: String) -> super::Diag {
    super::Diag::at(node.span.clone(), msg)
}

/// The state of every existing namespace of the lab, read in parallel.
/// Per node: what its namespace holds (None: no namespace yet), and the
/// current values of the sysctls the file sets.
type Existing = (IdVec<NodeId, Option<NsLive>>, IdVec<NodeId, Vec<Option<String>>>);

fn read_existing(lab: &Lab, handles: &mut Handles) -> Result<Existing, LabError> {
    let mut lives: IdVec<NodeId, Option<NsLive>> = lab.nodes.iter().map(|_| None).collect();
    let mut sysctls: IdVec<NodeId, Vec<Option<String>>> = lab.nodes.iter().map(|_| Vec::new()).collect();
    let existing: Vec<NodeId> = lab.nodes.ids().filter(|&i| handles.exists(i)).collect();
    type Got = (NodeId, Result<(NsLive, Vec<Option<String>>), LabError>);
    // A worker switches itself into each namespace in turn (it is a thread
    // of its own that ends with the work) to read the sysctls there.
    let work = |chunk: &mut [(NodeId, &crate::namespace::NetNs, &mut crate::netlink::Netlink)]| -> Vec<Got> {
        let mut out = Vec::with_capacity(chunk.len());
        for (i, handle, nl) in chunk.iter_mut() {
            let node = &lab.nodes[*i];
            let keys: Vec<String> =
                plan::ns_sysctls(node).into_iter().chain(plan::if_sysctls(node)).map(|(k, _)| k).collect();
            let got = (|| {
                let owned: Vec<(u8, u32, ipnet::IpNet)> =
                    node.routes.iter().filter_map(|r| Some((r.proto?, r.table, r.to.trunc()))).collect();
                let lv = live::read_protos(nl, &owned)
                    .map_err(|source| LabError::Live { node: node.name.clone(), source })?;
                nix::sched::setns(&**handle, nix::sched::CloneFlags::CLONE_NEWNET)
                    .map_err(|e| NsError::Enter { path: handle.path().to_path_buf(), source: e.into() })?;
                let values = super::sysctl::read_here(&keys)
                    .map_err(|source| LabError::Sysctl { ns: node.ns.clone(), source })?;
                Ok((lv, values))
            })();
            out.push((*i, got));
        }
        out
    };
    // In windows of namespaces that fit the descriptor budget.
    for window in existing.chunks(handles.budget()) {
        let mut jobs = handles.window(window)?;
        let results: Vec<Got> = crate::shared::parallel::run(crate::shared::parallel::shares_mut(&mut jobs, 2), work);
        for (i, r) in results {
            let (lv, values) = r?;
            handles.live_index[i] = lv.links.iter().map(|(name, l)| (name.clone(), l.index)).collect();
            lives[i] = Some(lv);
            sysctls[i] = values;
        }
    }
    Ok((lives, sysctls))
}

/// Remove what a failed first `up` made: whether nothing of the lab is
/// left, and every problem met on the way (warnings first, as `down`
/// prints them).
fn roll_back(run: &RunDir, labdir: &LabDir, lab: &Lab) -> (bool, Vec<LabError>) {
    match down::down(run, labdir, &lab.name, Some(lab)) {
        Ok(r) => {
            let clean = r.errors.is_empty();
            (clean, r.warnings.into_iter().map(|w| LabError::Warning(Box::new(w))).chain(r.errors).collect())
        }
        Err(e) => (false, vec![e]),
    }
}

/// Bring `lab` up (or reconcile it). `progress` sees each finished step.
///
/// Checks first (nothing changes when one fails), then what exists is
/// read and the plan computed; then, unless only the plan is wanted, the
/// journal is written and the plan applied.
pub fn up(
    lab: &Lab,
    run: &RunDir,
    labdir: &LabDir,
    opts: &UpOptions,
    progress: &mut dyn Progress,
) -> Result<UpReport, UpError> {
    // Kernel features first: a lab that cannot be built changes nothing.
    let observe = opts.observe;
    if !observe
        && let Ok(Some(missing)) = super::features::missing(lab)
        && !missing.is_empty()
    {
        return Err(UpError::Refused(missing));
    }
    let plan_only = opts.plan_only || observe;
    let lock = if observe {
        None
    } else {
        Some(
            labdir
                .lock(&lab.name, || eprintln!("netns: waiting for another up/down of lab {} to finish…", lab.name))
                .map_err(|source| {
                let e = LabError::Lock { lab: lab.name.clone(), dir: labdir.root().to_path_buf(), source };
                UpError::Refused(vec![super::Diag::file(e.to_string())])
            })?,
        )
    };
    // A state from a netns that did not list the lab's /etc/netns files
    // gets the list it would have had (see super::etc).
    let old_state = labdir.read(&lab.name).map(|s| super::etc::adopt_legacy(s, lab, run.etc_dir()));
    refuse_another_file(lab, opts, old_state.as_ref())?;
    // A lab that has no state yet leaves no trace when `up` changes
    // nothing (refused, or --plan): not even its lock file.
    let no_trace = || {
        if let (None, Some(l)) = (&old_state, &lock) {
            l.remove();
        }
    };
    // Descriptors on the namespaces are bounded (see `Handles`): a lab of
    // any size works under the usual limit of 1024 open files.
    let mut handles = Handles::new(
        lab.nodes
            .iter()
            .map(|node| {
                crate::rundir::NsName::existing(&node.ns)
                    .map(|n| run.entry(&n))
                    .map_err(|e| UpError::Refused(vec![super::Diag::at(node.span.clone(), e.to_string())]))
            })
            .collect::<Result<Vec<_>, _>>()?,
    );
    let (mut refused, placeholders) = check_names(lab, run, &mut handles, old_state.as_ref());
    refused.extend(check_programs(lab));
    // Directories others can write, and files in /etc/netns the lab did
    // not make where its own would go.
    if !observe {
        refused.extend(super::etc::refusals(lab, run, old_state.as_ref()));
    }
    if !refused.is_empty() {
        no_trace();
        return Err(UpError::Refused(refused));
    }
    // A generated hosts file where the lab did not make the one there.
    if !observe {
        for note in super::etc::left_alone(lab, run.etc_dir(), old_state.as_ref()) {
            eprintln!("netns up: left alone: {note}");
        }
    }
    let fresh = lab.nodes.ids().all(|i| !handles.exists(i));
    let extra = leftover_namespaces(lab, run, old_state.as_ref());
    let (lives, sysctls) = read_existing(lab, &mut handles).map_err(|e| {
        no_trace();
        UpError::Refused(vec![super::Diag::file(e.to_string())])
    })?;
    let mut plan = plan::compute(lab, &lives, &sysctls, &extra, run.etc_dir(), old_state.as_ref());
    plan_nftables(lab, run, old_state.as_ref(), &lives, &mut plan).map_err(|d| {
        no_trace();
        UpError::Refused(vec![d])
    })?;
    plan_exec(lab, old_state.as_ref(), &lives, &mut plan);
    plan_processes(lab, old_state.as_ref(), &lives, &mut plan);
    if plan_only {
        no_trace();
        let runtime = old_state.map(|s| s.runtime).unwrap_or_default();
        return Ok(UpReport { plan, fresh, live: lives, runtime });
    }
    // From here on a Ctrl-C or SIGTERM (when the caller catches them: see
    // `interrupt`) no longer ends the process: it stops the work at the
    // next safe point. One that came before this point changed nothing.
    super::interrupt::arm();
    if let Err(e) = super::interrupt::check() {
        no_trace();
        return Err(UpError::Refused(vec![super::Diag::file(format!("{e} before any change"))]));
    }
    // Journal first: every name about to exist, so a crash from here on
    // leaves nothing `down` cannot find.
    let mut state = journal_state(lab, opts, old_state.as_ref(), &plan);
    if let Err(source) = labdir.write(&state) {
        let e = LabError::WriteState { lab: lab.name.clone(), source };
        return Err(UpError::Refused(vec![super::Diag::file(e.to_string())]));
    }
    if !placeholders.is_empty() {
        down::remove_namespaces(run, &placeholders);
    }
    progress.start(plan.actions.len());
    match apply::apply(lab, &plan, run, labdir, &mut handles, &mut state, progress) {
        Ok(()) => {
            state.phase = Phase::Up;
            // The lab is its file's again: runtime changes are undone.
            state.runtime.clear();
            let in_file: std::collections::HashSet<&str> = lab.nodes.iter().map(|n| n.ns.as_str()).collect();
            state.namespaces.retain(|r| in_file.contains(r.ns.as_str()));
            labdir.write(&state).map_err(|e| UpError::Failed {
                error: Box::new(LabError::WriteState { lab: lab.name.clone(), source: e }),
                rolled_back: false,
                rollback: Vec::new(),
            })?;
            let runtime = old_state.map(|s| s.runtime).unwrap_or_default();
            Ok(UpReport { plan, fresh, live: lives, runtime })
        }
        Err(error) => {
            let _ = labdir.write(&state);
            if fresh {
                drop(handles);
                drop(lock);
                let (rolled_back, rollback) = roll_back(run, labdir, lab);
                Err(UpError::Failed { error: Box::new(error), rolled_back, rollback })
            } else {
                Err(UpError::Failed { error: Box::new(error), rolled_back: false, rollback: Vec::new() })
            }
        }
    }
}

/// The same name from another file is another lab: reconciling would
/// remove the running one's nodes and processes. Only `--replace` may.
fn refuse_another_file(lab: &Lab, opts: &UpOptions, old_state: Option<&State>) -> Result<(), UpError> {
    match old_state.filter(|s| s.file != opts.file && !opts.replace) {
        Some(old) => Err(UpError::Refused(vec![super::Diag::file(format!(
            "lab {0} is already up from another file, {1}: this file would replace it. \
             To replace it, run `netns up --replace {2}`; to keep it, give this file another `name`",
            lab.name, old.file, opts.file
        ))])),
        None => Ok(()),
    }
}

/// Who owns each name the lab wants? The lab's own namespaces are adopted
/// into `handles`; returned are the refusals, and the empty names (left by
/// a crash) the journal lists, to be removed before the work starts.
fn check_names(
    lab: &Lab,
    run: &RunDir,
    handles: &mut Handles,
    old_state: Option<&State>,
) -> (Vec<super::Diag>, Vec<String>) {
    let journaled: std::collections::HashSet<&str> =
        old_state.iter().flat_map(|s| s.namespaces.iter().map(|r| r.ns.as_str())).collect();
    let journaled = |ns: &str| journaled.contains(ns);
    let mut refused = Vec::new();
    let mut placeholders = Vec::new();
    for (i, node) in lab.nodes.iter_enumerated() {
        let (owner, opened) = owner::owner_and_handles(run, &node.ns);
        match owner {
            Owner::Absent => {}
            Owner::Lab(l, nd) if l == lab.name && nd == node.name => match opened {
                Some((h, nl)) => {
                    if let Err(e) = handles.adopt(i, h, nl) {
                        refused.push(at(node, e.to_string()));
                    }
                }
                None => refused.push(at(node, format!("cannot open namespace {}", node.ns))),
            },
            Owner::Placeholder if journaled(&node.ns) => placeholders.push(node.ns.clone()),
            Owner::Placeholder => refused.push(at(
                node,
                format!(
                    "{} exists in {} but holds no namespace (left by a crash?); `netns down FILE` removes it",
                    node.ns,
                    run.path().display()
                ),
            )),
            Owner::Lab(l, nd) => refused
                .push(at(node, format!("namespace {} of node {} belongs to node {nd} of lab {l}", node.ns, node.name))),
            Owner::Foreign => refused.push(at(
                node,
                format!(
                    "namespace {} of node {} exists and is not part of lab {}; delete it or set another ns_prefix",
                    node.ns, node.name, lab.name
                ),
            )),
        }
    }
    (refused, placeholders)
}

/// Every managed process's program must be installed.
fn check_programs(lab: &Lab) -> Vec<super::Diag> {
    let mut refused = Vec::new();
    for node in &lab.nodes {
        for r in &node.run {
            match r.cmd.first() {
                Some(prog) if !super::procs::find_program(prog) => refused.push(super::Diag::at(
                    r.span.clone(),
                    format!(
                        "process {} of node {} runs {prog}, which is not installed (not found on PATH)",
                        r.name, node.name
                    ),
                )),
                None => refused.push(super::Diag::at(r.span.clone(), format!("process {} has no command", r.name))),
                _ => {}
            }
        }
    }
    refused
}

/// Namespaces of the lab whose nodes left the file: (namespace, node).
fn leftover_namespaces(lab: &Lab, run: &RunDir, old_state: Option<&State>) -> Vec<(String, String)> {
    let mut extra: Vec<(String, String)> = Vec::new();
    let mut known: Vec<(String, String)> =
        old_state.map(|s| s.namespaces.iter().map(|r| (r.ns.clone(), r.node.clone())).collect()).unwrap_or_default();
    if old_state.is_none_or(|s| s.phase != Phase::Up) {
        known.extend(owner::scan(run, &lab.name));
    }
    let in_file: std::collections::HashSet<&str> = lab.nodes.iter().map(|n| n.ns.as_str()).collect();
    let mut seen = std::collections::HashSet::new();
    for (ns, node) in known {
        if !in_file.contains(ns.as_str())
            && seen.insert(ns.clone())
            && let Owner::Lab(l, _) = owner::owner_of(run, &ns)
            && l == lab.name
        {
            extra.push((ns, node));
        }
    }
    extra
}

/// nftables rulesets: compared with the state (and with what the kernel
/// lists, to catch changes made from outside).
fn plan_nftables(
    lab: &Lab,
    run: &RunDir,
    old_state: Option<&State>,
    lives: &IdVec<NodeId, Option<NsLive>>,
    plan: &mut Plan,
) -> Result<(), super::Diag> {
    for (i, node) in lab.nodes.iter_enumerated() {
        let want = super::nft::ruleset(node)
            .map_err(|e| super::Diag::at(node.span.clone(), format!("node {}: {e}", node.name)))?;
        let find = |v: &[(String, u64)]| v.iter().find(|(nd, _)| *nd == node.name).map(|(_, h)| *h);
        let recorded = old_state.and_then(|s| find(&s.nft));
        let recorded_live = old_state.and_then(|s| find(&s.nft_live));
        let is_new = lives[i].is_none();
        match &want {
            Some(text) => {
                let listing = if is_new {
                    None
                } else {
                    crate::rundir::NsName::existing(&node.ns).ok().and_then(|n| super::nft::listing(&run.entry(&n)))
                };
                // Deleted or changed from outside since it was applied.
                let tampered = match (&listing, recorded_live) {
                    (Some(l), Some(h)) => super::shaping::hash(l) != h,
                    (None, _) => true,
                    (Some(_), None) => false,
                };
                if is_new || tampered || recorded != Some(super::shaping::hash(text)) {
                    plan.actions.push(Action::Nft { node: i, text: want.clone() });
                }
            }
            None if recorded.is_some() && !is_new => plan.actions.push(Action::Nft { node: i, text: None }),
            None => {}
        }
    }
    Ok(())
}

/// One-shot commands run for a new namespace, and again for one whose
/// earlier `exec` never finished (a failed or killed `up`).
fn plan_exec(lab: &Lab, old_state: Option<&State>, lives: &IdVec<NodeId, Option<NsLive>>, plan: &mut Plan) {
    let exec_pending = |ns: &str| old_state.is_some_and(|s| s.namespaces.iter().any(|r| r.ns == ns && r.exec_pending));
    for (i, node) in lab.nodes.iter_enumerated() {
        if !node.exec.is_empty() && (lives[i].is_none() || exec_pending(&node.ns)) {
            plan.actions.push(Action::Exec { node: i });
        }
    }
}

/// Managed processes to start and to stop, compared with the state.
fn plan_processes(lab: &Lab, old_state: Option<&State>, lives: &IdVec<NodeId, Option<NsLive>>, plan: &mut Plan) {
    for (i, node) in lab.nodes.iter_enumerated() {
        for (r, spec) in node.run.iter().enumerate() {
            // A process is known by its name and compared by its command
            // (without `..`: a new field does not compile until it has a
            // place here).
            let super::model::Run {
                name,
                cmd: _,
                // Waited for once, when the process starts: not a state.
                ready: _,
                span: _,
            } = spec;
            let alive = lives[i].is_some()
                && old_state
                    .is_some_and(|s| s.runs.iter().any(|x| x.node == node.name && x.name == *name && is_alive(x)));
            if !alive {
                plan.actions.push(Action::StartRun { node: i, run: r });
            }
        }
        // Running processes whose entry left the file, or whose command
        // changed: stopped (and started again with the new command). A
        // namespace deleted from outside may have left its processes
        // running (they hold it alive): all of them are stopped.
        for rec in old_state.iter().flat_map(|s| s.runs.iter()).filter(|x| x.node == node.name && is_alive(x)) {
            if lives[i].is_none() {
                plan.actions.push(Action::StopRun { node: i, name: rec.name.clone() });
                continue;
            }
            match node.run.iter().position(|spec| spec.name == rec.name) {
                None => plan.actions.push(Action::StopRun { node: i, name: rec.name.clone() }),
                Some(r) if !rec.cmd.is_empty() && rec.cmd != node.run[r].cmd => {
                    plan.actions.push(Action::StopRun { node: i, name: rec.name.clone() });
                    plan.actions.push(Action::StartRun { node: i, run: r });
                }
                Some(_) => {}
            }
        }
    }
}

/// The journal written before any change: every namespace about to exist,
/// and which of them still owe their one-shot commands.
fn journal_state(lab: &Lab, opts: &UpOptions, old_state: Option<&State>, plan: &Plan) -> State {
    let mut state = old_state.cloned().unwrap_or(State {
        lab: lab.name.clone(),
        file: opts.file.clone(),
        phase: Phase::Building,
        namespaces: Vec::new(),
        runs: Vec::new(),
        nft: Vec::new(),
        nft_live: Vec::new(),
        logs: Vec::new(),
        netem_distributions: Vec::new(),
        runtime: Vec::new(),
    });
    state.file = opts.file.clone();
    state.phase = Phase::Building;
    // Looked up by set and map, not by scanning: labs have 10,000 nodes.
    let runs_exec: std::collections::HashSet<NodeId> =
        plan.actions.iter().filter_map(|a| if let Action::Exec { node } = a { Some(*node) } else { None }).collect();
    let mut recorded: std::collections::HashMap<String, usize> =
        state.namespaces.iter().enumerate().map(|(k, r)| (r.ns.clone(), k)).collect();
    for (i, node) in lab.nodes.iter_enumerated() {
        let runs_exec = runs_exec.contains(&i);
        match recorded.get(&node.ns) {
            Some(&k) => state.namespaces[k].exec_pending |= runs_exec,
            None => {
                recorded.insert(node.ns.clone(), state.namespaces.len());
                state.namespaces.push(NsRecord {
                    node: node.name.clone(),
                    ns: node.ns.clone(),
                    exec_pending: runs_exec,
                    ..NsRecord::default()
                })
            }
        }
    }
    state.runs.retain(is_alive);
    state
}
