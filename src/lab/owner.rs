//! Ownership marks: how a lab recognises its namespaces without its state.
//!
//! Every namespace a lab creates gets, before it is given a name in the
//! run directory, the interface alias `netns-lab:<lab>:<node>` on its `lo`.
//! A named namespace of a lab therefore always carries the mark, even when
//! `up` was killed a microsecond after naming it, and a namespace without
//! the mark is never deleted or changed by `down`/`up`: it belongs to
//! someone else.

use crate::namespace::NetNs;
use crate::netlink::Netlink;
use crate::netlink::link::IFF_UP;
use crate::netlink::link_ops::LinkSpec;
use crate::rundir::RunDir;

/// ifindex of `lo` in every network namespace.
pub const LO_INDEX: u32 = 1;
const PREFIX: &str = "netns-lab:";

/// The mark text for a node of a lab.
pub fn mark(lab: &str, node: &str) -> String {
    format!("{PREFIX}{lab}:{node}")
}

/// The request that puts the mark on `lo` and brings `lo` up.
pub fn mark_spec(lab: &str, node: &str) -> LinkSpec<'static> {
    LinkSpec {
        index: LO_INDEX,
        flags: IFF_UP,
        change: IFF_UP,
        alias: Some(mark(lab, node).into_bytes()),
        ..LinkSpec::default()
    }
}

/// (lab, node) of a mark text.
pub fn parse_mark(alias: &str) -> Option<(String, String)> {
    let rest = alias.strip_prefix(PREFIX)?;
    let (lab, node) = rest.split_once(':')?;
    Some((lab.to_string(), node.to_string()))
}

/// Whose is the namespace on the other end of `nl`?
pub fn mark_via(nl: &mut Netlink) -> Option<(String, String)> {
    let lo = nl.link_by_index(LO_INDEX).ok()??;
    parse_mark(lo.alias.as_deref()?)
}

/// What a name in the run directory is, as far as a lab is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// No such name.
    Absent,
    /// A name without a namespace behind it (a placeholder left by a
    /// crash between creating the file and mounting onto it).
    Placeholder,
    /// A namespace marked by (lab, node).
    Lab(String, String),
    /// A namespace without our mark: not ours.
    Foreign,
}

/// Who owns the run-directory name `ns`?
pub fn owner_of(run: &RunDir, ns: &str) -> Owner {
    owner_and_handles(run, ns).0
}

/// [`owner_of`], keeping what it opened when the name is a marked
/// namespace: its handle and a netlink socket inside it, which `up` goes on
/// to read the namespace with (one switch in, not two).
pub fn owner_and_handles(run: &RunDir, ns: &str) -> (Owner, Option<(NetNs, Netlink)>) {
    // A string that cannot be a name in the run directory names nothing there.
    let Ok(name) = crate::rundir::NsName::existing(ns) else { return (Owner::Absent, None) };
    let ns_file = match NetNs::open_name(run, &name) {
        Ok(n) => n,
        // ENOTDIR: the run directory is no directory, so no name is in it
        // (adding one then says what is wrong with the directory).
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR)) => return (Owner::Absent, None),
        Err(_) => return (Owner::Foreign, None),
    };
    if !ns_file.is_network_namespace() {
        return (Owner::Placeholder, None);
    }
    let Ok(mut nl) = ns_file.netlink() else { return (Owner::Foreign, None) };
    match mark_via(&mut nl) {
        Some((lab, node)) => (Owner::Lab(lab, node), Some((ns_file, nl))),
        None => (Owner::Foreign, None),
    }
}

/// Every name in the run directory that carries `lab`'s mark: (ns, node).
pub fn scan(run: &RunDir, lab: &str) -> Vec<(String, String)> {
    let Ok(names) = run.names() else { return Vec::new() };
    names
        .into_iter()
        .filter_map(|n| n.into_string().ok())
        .filter_map(|ns| match owner_of(run, &ns) {
            Owner::Lab(l, node) if l == lab => Some((ns, node)),
            _ => None,
        })
        .collect()
}

/// Every lab that has at least one marked namespace, sorted.
pub fn marked_labs(run: &RunDir) -> Vec<String> {
    let Ok(names) = run.names() else { return Vec::new() };
    let mut labs: Vec<String> = names
        .into_iter()
        .filter_map(|n| n.into_string().ok())
        .filter_map(|ns| match owner_of(run, &ns) {
            Owner::Lab(l, _) => Some(l),
            _ => None,
        })
        .collect();
    labs.sort();
    labs.dedup();
    labs
}

/// Namespace names of `lab` that already belong to something else, as
/// messages on the nodes. `None` when that cannot be told (not root: the
/// marks can only be read from inside the namespaces).
pub fn collisions(run: &RunDir, lab: &super::Lab) -> Option<Vec<super::Diag>> {
    let mut out = Vec::new();
    let root = nix::unistd::geteuid().is_root();
    for node in &lab.nodes {
        if !crate::rundir::NsName::existing(&node.ns).is_ok_and(|n| run.entry(&n).exists()) {
            continue;
        }
        if !root {
            return None;
        }
        let why = match owner_of(run, &node.ns) {
            Owner::Absent => continue,
            Owner::Lab(l, n) if l == lab.name && n == node.name => continue,
            Owner::Lab(l, n) => format!("it is node {n} of lab {l}"),
            Owner::Placeholder => "it is an empty name that holds no namespace".to_string(),
            Owner::Foreign => "it was not made by this lab".to_string(),
        };
        out.push(super::Diag::at(
            node.span.clone(),
            format!(
                "namespace {} of node {} already exists and {why}; delete it or choose another ns_prefix",
                node.ns, node.name
            ),
        ));
    }
    Some(out)
}
