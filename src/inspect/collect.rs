//! Gathering a [`NamespaceView`] for each namespace asked for.
//!
//! Each namespace is read on a worker thread that switches into it, opens
//! its netlink socket and reads its sysctls (sysctl files answer for the
//! namespace of the reading thread). Two workers share the list, one per
//! core. The worker threads end with the work, so none is ever left in a
//! wrong namespace. Peers of veths are then matched to namespace names on
//! the main thread (see the `peers` module).
//!
//! A namespace's file is open only while it is used (read, asked for its
//! nsid, matched as a veth's far end), so `inspect --all` works with any
//! number of namespaces under the usual limit of 1024 open files.

use super::error::{InspectError, OpenCause, ReadError, ReopenError};
use super::peers;
use super::{
    AddressView, ChainView, Counters, FirewallView, InterfaceView, ListenerView, NamespaceView, NeighbourView,
    ProcessView, RouteView, SocketsView, TableView, sysctl,
};
use crate::namespace::NsId;
use crate::namespace::{not_a_namespace, open_ns_file};
use crate::netlink::address::Address;
use crate::netlink::link::Link;
use crate::netlink::neighbour::{Neighbour, NeighbourFilter};
use crate::netlink::route::{Route, RouteFilter};
use crate::netlink::{Netlink, NlError};
use crate::procscan::{ProcScan, comm};
use crate::rundir::{NsName, RunDir};
use crate::shared::firewall::Ruleset;
use crate::shared::sockets::{self, Listener, OwnerCoverage, Sockets};
use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// Which namespaces to inspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The namespace netns runs in (after `-n NAME`, that one); on a host
    /// that is the root namespace.
    Current,
    /// The initial network namespace (PID 1's).
    Root,
    /// A name in the run directory.
    Named(OsString),
}

/// One namespace to read: how it is labelled and where to open it.
pub(super) struct Subject {
    pub name: Option<String>,
    pub root: bool,
    /// The namespace netns itself runs in.
    pub current: bool,
    /// Kept open only for the namespace netns runs in: its path names the
    /// namespace of whichever thread opens it.
    held: Option<File>,
    path: PathBuf,
    pub id: NsId,
}

impl Subject {
    /// Open the namespace again; one that another namespace replaced under
    /// its name since it was first opened is refused.
    pub fn open(&self) -> Result<File, ReopenError> {
        let failed = |source| ReopenError::Open { path: self.path.clone(), source };
        if let Some(f) = &self.held {
            return f.try_clone().map_err(failed);
        }
        let file = open_ns_file(&self.path).map_err(failed)?;
        let m = file.metadata().map_err(failed)?;
        if (NsId { dev: m.dev(), ino: m.ino() }) != self.id {
            return Err(ReopenError::Replaced { path: self.path.clone() });
        }
        Ok(file)
    }
}

/// How many namespace files to open at once for one pipelined request.
pub(super) fn window() -> usize {
    crate::sys::spare_fds().max(16)
}

/// What a worker read inside one namespace.
pub(super) struct Raw {
    pub links: Vec<Link>,
    pub addresses: Vec<Address>,
    pub routes: Vec<Route>,
    pub neighbours: Vec<Neighbour>,
    pub forwarding: sysctl::Forwarding,
    /// The firewall, read from inside (the worker is in the namespace).
    pub firewall: Result<Vec<Ruleset>, String>,
    /// `None` when they could not be read (the error is in `errors`).
    pub sockets: Option<Sockets>,
    pub errors: Vec<ReadError>,
    /// The namespace was entered and a netlink socket opened in it: what
    /// is empty above was read as empty, not missed.
    pub entered: bool,
}

fn read_inside(subject: &Subject) -> Raw {
    let mut raw = Raw {
        links: Vec::new(),
        addresses: Vec::new(),
        routes: Vec::new(),
        neighbours: Vec::new(),
        forwarding: sysctl::Forwarding::default(),
        firewall: Ok(Vec::new()),
        sockets: None,
        errors: Vec::new(),
        entered: false,
    };
    let file = match subject.open() {
        Ok(f) => f,
        Err(e) => {
            raw.errors.push(ReadError::Open(e));
            return raw;
        }
    };
    // A thread starts in the namespace netns runs in: that one needs no
    // switch (nor the privilege a switch takes).
    let inside = NsId::of_path(std::path::Path::new("/proc/thread-self/ns/net")).ok() == Some(subject.id);
    if !inside && let Err(e) = nix::sched::setns(file.as_fd(), nix::sched::CloneFlags::CLONE_NEWNET) {
        raw.errors.push(ReadError::Enter(crate::sys::Errno(e as i32)));
        return raw;
    }
    raw.firewall = crate::shared::firewall::read_here().map_err(|e| e.to_string());
    let mut nl = match Netlink::open() {
        Ok(nl) => nl,
        Err(e) => {
            raw.errors.push(ReadError::Netlink(e));
            return raw;
        }
    };
    raw.entered = true;
    raw.forwarding = sysctl::read(&mut nl);
    let mut note = |what: &'static str, source: NlError| raw.errors.push(ReadError::List { what, source });
    match nl.links() {
        Ok(v) => raw.links = v,
        Err(e) => note("links", e),
    }
    match nl.addresses() {
        Ok(v) => raw.addresses = v,
        Err(e) => note("addresses", e),
    }
    match nl.routes(&RouteFilter::all()) {
        Ok(v) => raw.routes = v,
        Err(e) => note("routes", e),
    }
    match nl.neighbours(&NeighbourFilter::default()) {
        Ok(v) => raw.neighbours = v,
        Err(e) => note("neighbours", e),
    }
    match sockets::read_here() {
        Ok(s) => raw.sockets = Some(s),
        Err(e) => raw.errors.push(ReadError::Sockets(e)),
    }
    raw
}

/// Read every subject, spread over two worker threads (each enters the
/// namespaces it reads, so neither is the caller's thread).
fn read_all(subjects: &[Subject]) -> Vec<Raw> {
    let parts = crate::shared::parallel::shares(subjects, 2);
    crate::shared::parallel::run(parts, |share| share.iter().map(read_inside).collect())
}

/// Open a target without blocking, and make sure it is a network
/// namespace; the error names it and says what it is instead.
fn open_subject(run: &RunDir, target: &Target) -> Result<Subject, InspectError> {
    let (name, path, shown) = match target {
        Target::Current => (None, "/proc/thread-self/ns/net".into(), "(current)".to_string()),
        Target::Root => (None, "/proc/1/ns/net".into(), "(root)".to_string()),
        Target::Named(n) => {
            let name = NsName::existing(n)?;
            (Some(name.to_string()), run.entry(&name), name.to_string())
        }
    };
    let cannot = |cause: OpenCause| InspectError::Open { ns: shown.clone(), cause };
    let file = open_ns_file(&path).map_err(|e| match (not_a_namespace(&path), run.dir_problem()) {
        (Some(what), _) => cannot(OpenCause::NotANamespace(what)),
        (None, Some(errno)) if e.raw_os_error() == Some(libc::ENOTDIR) => {
            InspectError::RunDir { dir: run.path().to_path_buf(), errno }
        }
        _ => cannot(OpenCause::Io(e)),
    })?;
    if let Some(what) = not_a_namespace(&path) {
        return Err(cannot(OpenCause::NotANamespace(what)));
    }
    let meta = file.metadata().map_err(|e| cannot(OpenCause::Io(e)))?;
    let current = *target == Target::Current;
    Ok(Subject {
        name,
        root: *target == Target::Root,
        current,
        held: if current { Some(file) } else { None },
        path,
        id: NsId { dev: meta.dev(), ino: meta.ino() },
    })
}

/// What [`collect()`] found: a view of every namespace that could be read,
/// in the order asked, and a message for each that could not (naming it
/// and the cause), or for a part of one that could not be read.
#[derive(Debug, Default)]
pub struct Inspection {
    /// The namespaces read.
    pub views: Vec<NamespaceView>,
    /// What could not be read, one message each.
    pub failures: Vec<InspectError>,
}

/// Gather the views of `targets` (in order). `nl` is the socket of the
/// namespace netns runs in, used for the nsids it assigned. A target that
/// cannot be opened or entered is a failure; the others are still read.
pub fn collect(run: &RunDir, nl: &mut Netlink, targets: &[Target]) -> Result<Inspection, InspectError> {
    let mut failures = Vec::new();
    let names = match run.names() {
        Ok(n) => n,
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Vec::new(),
        Err(e) => {
            failures.push(InspectError::RunDir { dir: run.path().to_path_buf(), errno: crate::sys::Errno::of(&e) });
            Vec::new()
        }
    };
    // About three descriptors per namespace: its file twice (as a target
    // and as a candidate peer home) and a netlink socket.
    crate::sys::reserve_fds(64 + 3 * (names.len() + targets.len()));
    let mut subjects = Vec::with_capacity(targets.len());
    for t in targets {
        match open_subject(run, t) {
            Ok(s) => subjects.push(s),
            Err(e) => failures.push(e),
        }
    }
    // Every named namespace is a candidate home for a veth's far end.
    let named: Vec<Subject> = names.iter().filter_map(|n| open_subject(run, &Target::Named(n.clone())).ok()).collect();
    let root_id =
        File::open("/proc/1/ns/net").ok().and_then(|f| f.metadata().ok()).map(|m| NsId { dev: m.dev(), ino: m.ino() });
    // The namespace netns runs in is where most veths' far ends are.
    let current = open_subject(run, &Target::Current)?;
    // Label namespaces reached as Current / Root with their name, if any.
    for s in &mut subjects {
        s.current |= s.id == current.id;
        if s.name.is_none() {
            s.name = named.iter().find(|n| n.id == s.id).and_then(|n| n.name.clone());
        }
        s.root |= Some(s.id) == root_id;
    }
    let mut raws = read_all(&subjects);
    let mut nsids: Vec<Option<i32>> = Vec::with_capacity(subjects.len());
    for chunk in subjects.chunks(window()) {
        let files: Vec<Option<File>> = chunk.iter().map(|s| s.open().ok()).collect();
        // No file is answered with an error: no nsid.
        let fds: Vec<_> = files.iter().map(|f| f.as_ref().map(|f| f.as_fd())).collect();
        nsids.extend(nl.nsids_of_fds(&fds).into_iter().map(|r| r.ok().flatten()));
    }
    let scan = ProcScan::open();
    let pids = match &scan {
        Ok(p) => p.all_namespaces(),
        Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
    };
    let pids = pids.unwrap_or_else(|source| {
        failures.push(InspectError::Processes { source });
        Default::default()
    });
    // One bounded walk of /proc names the holders of every namespace's sockets.
    let coverage = {
        let mut held: Vec<(NsId, &mut Sockets)> =
            subjects.iter().zip(raws.iter_mut()).filter_map(|(s, r)| Some((s.id, r.sockets.as_mut()?))).collect();
        sockets::name_owners(scan.as_ref().ok(), &mut held)
    };
    let pids_by_ino: HashMap<u64, &Vec<u32>> = pids.iter().map(|(id, p)| (id.ino, p)).collect();
    let peer_names = peers::resolve(&subjects, &mut raws, &named, &current);
    let mut views = Vec::with_capacity(subjects.len());
    for (i, (s, raw)) in subjects.iter().zip(raws).enumerate() {
        let shown = match (&s.name, s.current) {
            (Some(n), _) => format!("\"{n}\""),
            (None, true) => "(current)".to_string(),
            (None, false) => format!("net:[{}]", s.id.ino),
        };
        // Entering or opening netlink failed: nothing inside was read, and
        // a view of it would show "none" for what is unknown.
        let errors: Vec<String> = raw.errors.iter().map(ToString::to_string).collect();
        if !raw.entered {
            failures.extend(raw.errors.into_iter().map(|source| InspectError::Read { ns: shown.clone(), source }));
            continue;
        }
        failures.extend(raw.errors.into_iter().map(|source| InspectError::ReadPart { ns: shown.clone(), source }));
        let by_index: HashMap<u32, &Link> = raw.links.iter().map(|l| (l.index, l)).collect();
        let dev = |i: u32| by_index.get(&i).map_or_else(|| format!("if{i}"), |l| l.name.clone());
        let interfaces = raw
            .links
            .iter()
            .map(|l| InterfaceView {
                index: l.index,
                name: l.name.clone(),
                kind: l.kind().map(str::to_string),
                admin: if l.is_up() { "up" } else { "down" },
                oper: crate::netlink::link::operstate_word(l.operstate),
                carrier: l.flags & crate::netlink::link::IFF_RUNNING != 0,
                mac: l.address.as_deref().map(mac_text),
                mtu: l.mtu,
                master: l.master.map(&dev),
                peer: peer_names.get(&(i, l.index)).cloned(),
                counters: l
                    .stats
                    .map(|s| Counters {
                        rx_packets: s.rx_packets,
                        rx_bytes: s.rx_bytes,
                        rx_errors: s.rx_errors,
                        rx_dropped: s.rx_dropped,
                        tx_packets: s.tx_packets,
                        tx_bytes: s.tx_bytes,
                        tx_errors: s.tx_errors,
                        tx_dropped: s.tx_dropped,
                    })
                    .unwrap_or_default(),
            })
            .collect();
        let addresses = raw.addresses.iter().filter_map(|a| address_view(a, &dev)).collect();
        let routes = raw.routes.iter().filter_map(|r| route_view(r, &dev)).collect();
        let neighbours = raw.neighbours.iter().filter_map(|n| neighbour_view(n, &dev)).collect();
        let processes = pids_by_ino
            .get(&s.id.ino)
            .map(|p| p.iter().map(|&pid| ProcessView { pid, comm: comm(pid).unwrap_or_default() }).collect())
            .unwrap_or_default();
        let firewall = firewall_view(&raw.firewall);
        let sockets = sockets_view(raw.sockets.as_ref(), &coverage, &dev);
        views.push(NamespaceView {
            name: s.name.clone(),
            root: s.root,
            current: s.current,
            nsid: nsids.get(i).copied().flatten(),
            inode: s.id.ino,
            forwarding: raw.forwarding,
            processes,
            interfaces,
            addresses,
            routes,
            neighbours,
            sockets,
            firewall,
            errors,
        });
    }
    // A run directory that cannot be read fails the listing and each name.
    failures.dedup_by(|a, b| a.to_string() == b.to_string());
    Ok(Inspection { views, failures })
}

/// The firewall summary: per chain, its hook, policy, rule count and the
/// sum of its rules' counters.
fn firewall_view(read: &Result<Vec<Ruleset>, String>) -> FirewallView {
    let rulesets = match read {
        Err(e) => return FirewallView::Unavailable { reason: e.clone() },
        Ok(r) => r,
    };
    let tables: Vec<TableView> = rulesets
        .iter()
        .flat_map(|rs| rs.tables.iter().map(move |t| (rs.backend, t)))
        .map(|(backend, t)| TableView {
            backend: backend.word(),
            family: t.family.clone(),
            name: t.name.clone(),
            chains: t
                .chains
                .iter()
                .map(|c| ChainView {
                    name: c.name.clone(),
                    hook: c.hook.clone(),
                    policy: c.policy.clone(),
                    rules: c.rules.len(),
                    packets: c.rules.iter().filter_map(|r| r.packets).sum(),
                    bytes: c.rules.iter().filter_map(|r| r.bytes).sum(),
                })
                .collect(),
        })
        .collect();
    if tables.is_empty() { FirewallView::Empty } else { FirewallView::Tables { tables } }
}

fn sockets_view(s: Option<&Sockets>, coverage: &OwnerCoverage, dev: &impl Fn(u32) -> String) -> SocketsView {
    let listener = |l: &Listener| ListenerView {
        netid: l.proto.name(),
        state: l.state.ss_name(),
        local_address: l.local.ip().to_string(),
        local_port: l.local.port(),
        interface: (l.interface != 0).then(|| dev(l.interface)),
        v6only: l.v6only,
        local: l.local_text(|i| Some(dev(i))),
        inode: l.inode,
        uid: l.uid,
        processes: l.owners.iter().map(|o| ProcessView { pid: o.pid, comm: o.comm.clone() }).collect(),
    };
    let listeners = s.map_or(&[][..], |s| &s.listeners);
    // Only what is listed has holders to name.
    let listed = !listeners.is_empty();
    SocketsView {
        listening: listeners.iter().map(listener).collect(),
        omitted: s.map_or(0, |s| s.omitted),
        established: s.map(|s| s.established),
        processes_complete: !listed || coverage.complete(),
        processes_note: if listed { coverage.note() } else { None },
    }
}

pub(super) fn mac_text(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(":")
}

fn family_word(family: u8) -> Option<&'static str> {
    match i32::from(family) {
        libc::AF_INET => Some("inet"),
        libc::AF_INET6 => Some("inet6"),
        _ => None,
    }
}

fn scope_words(scope: u8) -> String {
    match scope {
        0 => "global".into(),
        200 => "site".into(),
        253 => "link".into(),
        254 => "host".into(),
        255 => "nowhere".into(),
        n => n.to_string(),
    }
}

fn address_view(a: &Address, dev: &impl Fn(u32) -> String) -> Option<AddressView> {
    let local = a.local.or(a.address)?;
    Some(AddressView {
        dev: dev(a.index),
        family: family_word(a.family)?,
        address: format!("{local}/{}", a.prefix_len),
        scope: scope_words(a.scope),
    })
}

fn route_view(r: &Route, dev: &impl Fn(u32) -> String) -> Option<RouteView> {
    let family = family_word(r.family)?;
    let names = crate::shared::route_names::Names::default();
    let mut words = Vec::new();
    match r.kind {
        1 => {}
        k => words.push(names.rtntype(k)),
    }
    words.push(match r.dst {
        Some(d) => format!("{d}/{}", r.dst_len),
        None => "default".into(),
    });
    if let Some(g) = r.gateway {
        words.push(format!("via {g}"));
    }
    if let Some(o) = r.oif {
        words.push(format!("dev {}", dev(o)));
    }
    for nh in &r.multipath {
        let mut hop = String::from("nexthop");
        if let Some(g) = nh.gateway {
            hop.push_str(&format!(" via {g}"));
        }
        hop.push_str(&format!(" dev {} weight {}", dev(nh.ifindex), u32::from(nh.hops) + 1));
        words.push(hop);
    }
    if r.protocol != 0 {
        words.push(format!("proto {}", names.proto(r.protocol)));
    }
    if r.scope != 0 {
        words.push(format!("scope {}", names.scope(r.scope)));
    }
    if let Some(s) = r.prefsrc {
        words.push(format!("src {s}"));
    }
    if let Some(m) = r.priority {
        words.push(format!("metric {m}"));
    }
    Some(RouteView { table: names.table(r.table), family, route: words.join(" ") })
}

fn nud_words(state: u16) -> String {
    const NAMES: [(u16, &str); 8] = [
        (0x01, "INCOMPLETE"),
        (0x02, "REACHABLE"),
        (0x04, "STALE"),
        (0x08, "DELAY"),
        (0x10, "PROBE"),
        (0x20, "FAILED"),
        (0x40, "NOARP"),
        (0x80, "PERMANENT"),
    ];
    let words: Vec<&str> = NAMES.iter().filter(|(b, _)| state & b != 0).map(|&(_, n)| n).collect();
    if words.is_empty() { "NONE".into() } else { words.join(",") }
}

fn neighbour_view(n: &Neighbour, dev: &impl Fn(u32) -> String) -> Option<NeighbourView> {
    Some(NeighbourView {
        address: n.dst?.to_string(),
        dev: dev(n.ifindex),
        lladdr: n.lladdr.as_deref().map(mac_text),
        state: nud_words(n.state),
    })
}
