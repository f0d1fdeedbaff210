//! Carrying out a plan, phase by phase: namespaces, interfaces, addresses
//! and routes, sysctls, qdiscs, NAT and firewall, files, commands, and
//! last the managed processes.
//!
//! Speed comes from three choices: namespaces are made on two threads,
//! each namespace keeps the netlink socket it was born with (as long as
//! the descriptor budget of [`Handles`] allows: big labs work in windows
//! of nodes and reopen what was closed), and every namespace's addresses,
//! links and routes go out as one pipelined batch (one round trip per
//! namespace, two namespaces at a time).

use super::LabError;
use super::compare::BridgeSettings;
use super::ids::{LinkId, NodeId};
use super::model::{IfaceKind, Lab};
use super::owner;
use super::plan::{Action, Plan, ns_sysctls};
use super::state::{LabDir, RunRecord, State};
use crate::namespace::NetNs;
use crate::netlink::address::Address;
use crate::netlink::address::{AF_INET, AF_INET6};
use crate::netlink::address_ops::AddrWrite;
use crate::netlink::batch::Write;
use crate::netlink::bridge_vlan::PortVlan;
use crate::netlink::link::IFF_UP;
use crate::netlink::link_ops::{LinkKind, LinkSpec, LinkWrite, NsTarget};
use crate::netlink::route::RouteOp;
use crate::netlink::{Netlink, NlError};
use crate::rundir::{RunDir, Source, fresh_namespace_on_this_thread};
use std::collections::BTreeMap;
use std::os::fd::{AsFd, BorrowedFd};

const IFA_F_NODAD: u32 = 0x02;

pub use super::handles::Handles;

/// Reports progress; `step` is called with the number of actions done.
pub trait Progress {
    /// The plan has `total` actions.
    fn start(&mut self, total: usize) {
        let _ = total;
    }
    /// `n` more actions are done; `phase` names what is happening.
    fn step(&mut self, n: usize, phase: &str);
}

/// What went wrong, naming the object.
pub type ApplyError = LabError;

fn actions<'a, T>(plan: &'a Plan, f: impl Fn(&'a Action) -> Option<T>) -> Vec<T> {
    plan.actions.iter().filter_map(f).collect()
}

/// Make the namespaces of `nodes` on two threads. Each is created on a
/// dedicated thread, marked and has `lo` up and its sysctls set *before*
/// it gets its name, so every named namespace of a lab carries the mark.
/// A node index and its new namespace with a socket inside it, or why not.
type Made = (NodeId, Result<(NetNs, Netlink), LabError>);

fn create_namespaces(lab: &Lab, run: &RunDir, nodes: &[NodeId]) -> Vec<Made> {
    // RunDir is not Sync (it remembers the shared-mount setup): one copy
    // per thread.
    let worker = |run: RunDir, chunk: &[NodeId]| -> Vec<Made> {
        chunk
            .iter()
            .map(|&n| {
                let node = &lab.nodes[n];
                let made = (|| -> Result<(NetNs, Netlink), LabError> {
                    // Ctrl-C: no more namespaces (those made are journaled).
                    super::interrupt::check()?;
                    let fd = fresh_namespace_on_this_thread()
                        .map_err(|source| LabError::CreateNs { node: node.name.clone(), source })?;
                    let mut nl = Netlink::open().map_err(|e| LabError::Netlink {
                        what: format!("cannot open netlink in the new namespace {}", node.ns),
                        source: NlError::Io(e),
                    })?;
                    nl.link_write(&owner::mark_spec(&lab.name, &node.name), LinkWrite::Change)
                        .map_err(|source| LabError::Netlink { what: format!("cannot mark {}", node.ns), source })?;
                    super::sysctl::write_here(&ns_sysctls(node))
                        .map_err(|source| LabError::Sysctl { ns: node.ns.clone(), source })?;
                    let name = crate::rundir::NsName::new(&node.ns)?;
                    run.add_with(&name, Source::Prepared(fd.as_fd()), &mut |_| {})
                        .map_err(|source| LabError::NameNs { ns: node.ns.clone(), source })?;
                    Ok((NetNs::from_fd(fd, run.entry(&name)), nl))
                })();
                (n, made)
            })
            .collect()
    };
    // Each namespace is made on a thread of its own (see super::parallel).
    let threads = if nodes.len() < 8 { 1 } else { 2 };
    let parts = crate::shared::parallel::shares(nodes, threads).into_iter().map(|c| (run.clone(), c)).collect();
    crate::shared::parallel::run(parts, |(run, chunk)| worker(run, chunk))
}

/// A bridge request carrying these settings (and nothing for the others).
fn bridge_kind(s: BridgeSettings) -> LinkKind<'static> {
    LinkKind::BridgeWith { vlan_filtering: s.vlan_filtering, stp: s.stp }
}

fn mac_bytes(m: &[u8; 6]) -> Vec<u8> {
    m.to_vec()
}

fn addr_spec(index: u32, net: &ipnet::IpNet) -> Address {
    let ip = net.addr();
    Address {
        family: if ip.is_ipv4() { AF_INET } else { AF_INET6 },
        prefix_len: net.prefix_len(),
        flags: if ip.is_ipv6() { IFA_F_NODAD } else { 0 },
        index,
        local: Some(ip),
        address: Some(ip),
        ..Address::default()
    }
}

/// Send each node's writes as one batch, on two threads, in windows of
/// nodes that fit the descriptor budget; the first failure (by node order)
/// is returned, naming the object.
fn run_batches(handles: &mut Handles, batches: Vec<(NodeId, Vec<(Write<'_>, String)>)>) -> Result<(), LabError> {
    let batches: BTreeMap<NodeId, Vec<(Write<'_>, String)>> =
        batches.into_iter().filter(|(_, w)| !w.is_empty()).collect();
    let nodes: Vec<NodeId> = batches.keys().copied().collect();
    let work = |jobs: &mut [(NodeId, &NetNs, &mut Netlink)]| -> Vec<LabError> {
        let mut errors = Vec::new();
        for (n, _, nl) in jobs.iter_mut() {
            let writes = &batches[n];
            let ws: Vec<Write> = writes.iter().map(|(w, _)| w.clone()).collect();
            for (r, (w, what)) in nl.write_all(&ws).into_iter().zip(writes.iter()) {
                match (r, w) {
                    // A veth end whose peer's namespace was just removed
                    // goes with it (asynchronously): already gone is done.
                    (Err(crate::netlink::NlError::Kernel(k)), Write::LinkDelete(_)) if k.errno == libc::ENODEV => {}
                    (Err(source), _) => errors.push(LabError::Netlink { what: what.clone(), source }),
                    (Ok(()), _) => {}
                }
            }
        }
        errors
    };
    for chunk in nodes.chunks(handles.budget()) {
        let mut jobs = handles.window(chunk)?;
        let threads = if jobs.len() < 8 { 1 } else { 2 };
        let errors = crate::shared::parallel::run(crate::shared::parallel::shares_mut(&mut jobs, threads), work);
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
    }
    Ok(())
}

/// Apply `plan` to the machine. `state` is updated as processes start and
/// rulesets are applied; the caller writes it.
///
/// The phases run in this order because each needs what the one before
/// made (a port needs its bridge, an address its interface, a process its
/// addresses). Between phases, a Ctrl-C or SIGTERM (see `interrupt`)
/// stops the work at a safe point.
pub fn apply(
    lab: &Lab,
    plan: &Plan,
    run: &RunDir,
    labdir: &LabDir,
    handles: &mut Handles,
    state: &mut State,
    progress: &mut dyn Progress,
) -> Result<(), ApplyError> {
    let mut cx = Applier { lab, plan, run, labdir, handles, state, progress };
    let check = super::interrupt::check;
    cx.remove_gone_namespaces()?;
    check()?;
    cx.create_namespaces()?;
    check()?;
    cx.set_sysctls("sysctls", |a| match a {
        Action::NsSysctl { node, key, value, .. } => Some((*node, key, value)),
        _ => None,
    })?;
    check()?;
    cx.delete_and_create_local_links()?;
    check()?;
    cx.create_veths()?;
    check()?;
    cx.set_links_addresses_routes()?;
    cx.set_port_vlans()?;
    check()?;
    cx.set_sysctls("sysctls", |a| match a {
        Action::IfSysctl { node, key, value, .. } => Some((*node, key, value)),
        _ => None,
    })?;
    check()?;
    cx.set_qdiscs()?;
    check()?;
    cx.apply_nftables()?;
    check()?;
    cx.write_etc_files()?;
    cx.run_exec_commands()?;
    check()?;
    cx.stop_processes();
    let started = cx.start_processes()?;
    cx.check_started_alive(&started)?;
    cx.wait_until_ready(&started)
}

/// What every phase of [`apply`] works with.
struct Applier<'a> {
    lab: &'a Lab,
    plan: &'a Plan,
    run: &'a RunDir,
    labdir: &'a LabDir,
    handles: &'a mut Handles,
    state: &'a mut State,
    progress: &'a mut dyn Progress,
}

/// Writes of one phase, by node: each node's go out as one batch. They
/// name no other namespace, so they borrow no descriptor.
type Batches = BTreeMap<NodeId, Vec<(Write<'static>, String)>>;

/// A managed process started by this run: node, its `run` entry, record.
type Started = (NodeId, usize, RunRecord);

impl<'a> Applier<'a> {
    /// Namespace name of node `n`.
    fn ns_name(&self, n: NodeId) -> &'a str {
        let lab: &'a Lab = self.lab;
        lab.nodes[n].ns.as_str()
    }

    /// Namespaces whose nodes left the file: their processes, the
    /// namespaces, their /etc/netns files, their records.
    fn remove_gone_namespaces(&mut self) -> Result<(), ApplyError> {
        let (lab, run) = (self.lab, self.run);
        let gone: Vec<(String, String)> = actions(self.plan, |a| {
            if let Action::DeleteNs { ns, node } = a { Some((ns.clone(), node.clone())) } else { None }
        });
        if gone.is_empty() {
            return Ok(());
        }
        // Their processes first, as `down` does: a process left inside
        // would keep the unnamed namespace (and its veth ends) alive, out
        // of the state and out of reach of any later `down`.
        let ids: std::collections::BTreeSet<crate::namespace::NsId> = gone
            .iter()
            .filter_map(|(ns, _)| NetNs::open_name(run, &crate::rundir::NsName::existing(ns).ok()?).ok()?.id().ok())
            .collect();
        super::procs::kill_all_in(&ids, std::time::Duration::from_secs(2));
        let errors = super::down::remove_namespaces(run, &gone.iter().map(|(ns, _)| ns.clone()).collect::<Vec<_>>());
        if let Some(e) = errors.into_iter().next() {
            // The records stay, so `down` still finds what is left.
            return Err(e);
        }
        // Their /etc/netns files go with them: nothing else would find
        // them once the records are gone. Files the lab did not make stay.
        for (ns, _) in &gone {
            let rec = self.state.namespaces.iter().find(|r| r.ns == *ns);
            for note in super::etc::remove(run.etc_dir(), &lab.name, rec, ns, None)? {
                eprintln!("netns up: left alone: {note}");
            }
        }
        self.state.namespaces.retain(|r| !gone.iter().any(|(ns, _)| *ns == r.ns));
        self.state.runs.retain(|r| !gone.iter().any(|(_, node)| *node == r.node));
        self.progress.step(gone.len(), "namespaces removed");
        Ok(())
    }

    /// New namespaces, in windows: each arrives with two descriptors.
    fn create_namespaces(&mut self) -> Result<(), ApplyError> {
        let create: Vec<NodeId> =
            actions(self.plan, |a| if let Action::CreateNs { node } = a { Some(*node) } else { None });
        if create.is_empty() {
            return Ok(());
        }
        for window in create.chunks(self.handles.budget()) {
            self.handles.make_room(window.len());
            let mut first_err = None;
            for (n, r) in create_namespaces(self.lab, self.run, window) {
                if let Err(e) = r.and_then(|(ns, nl)| self.handles.adopt(n, ns, nl).map_err(LabError::from)) {
                    first_err.get_or_insert(e);
                }
            }
            if let Some(e) = first_err {
                return Err(e);
            }
        }
        self.progress.step(create.len(), "namespaces");
        Ok(())
    }

    /// The sysctls `pick` takes from the plan, node by node.
    fn set_sysctls<'p>(
        &mut self,
        phase: &str,
        pick: impl Fn(&'p Action) -> Option<(NodeId, &'p String, &'p String)>,
    ) -> Result<(), ApplyError>
    where
        'a: 'p,
    {
        let plan: &'p Plan = self.plan;
        let mut per_node: BTreeMap<NodeId, Vec<(String, String)>> = BTreeMap::new();
        for (node, key, value) in plan.actions.iter().filter_map(pick) {
            per_node.entry(node).or_default().push((key.clone(), value.clone()));
        }
        for (n, settings) in &per_node {
            let name = self.ns_name(*n);
            let ns = self.handles.ns(*n)?;
            super::sysctl::apply(ns, settings).map_err(|source| LabError::Sysctl { ns: name.into(), source })?;
            self.progress.step(settings.len(), phase);
        }
        Ok(())
    }

    /// Interfaces that go (drift, or no longer in the file), then bridges
    /// and the other interfaces made inside one namespace: one batch per
    /// namespace.
    fn delete_and_create_local_links(&mut self) -> Result<(), ApplyError> {
        let (lab, plan) = (self.lab, self.plan);
        let mut batches = Batches::new();
        for a in &plan.actions {
            if let Action::DeleteLink { node, ifname, .. } = a
                && let Some(&index) = self.handles.live_index[*node].get(ifname)
            {
                let what = format!("cannot delete {ifname} in {}", self.ns_name(*node));
                batches.entry(*node).or_default().push((Write::LinkDelete(index), what));
            }
        }
        for a in &plan.actions {
            let (node, iface, settings) = match a {
                Action::CreateBridge { node, iface, settings } => (*node, *iface, *settings),
                Action::CreateVirtual { node, iface } => (*node, *iface, Default::default()),
                _ => continue,
            };
            let i = &lab.nodes[node].interfaces[iface];
            let kind = match &i.kind {
                // Only what the plan says differs from a new bridge is sent.
                IfaceKind::Bridge if !settings.is_empty() => bridge_kind(settings),
                IfaceKind::Bridge => LinkKind::Bridge,
                IfaceKind::Dummy => LinkKind::Other(b"dummy".to_vec()),
                IfaceKind::Vlan { vid, .. } => LinkKind::Vlan(*vid),
                IfaceKind::Veth { .. } => continue,
            };
            let parent = match &i.kind {
                IfaceKind::Vlan { parent, .. } => plan.index[node].get(parent).copied(),
                _ => None,
            };
            let spec = LinkSpec {
                index: plan.index[node][&i.name],
                name: Some(i.name.as_bytes().to_vec()),
                flags: if i.up { IFF_UP } else { 0 },
                change: IFF_UP,
                mtu: i.mtu,
                address: i.mac.as_ref().map(mac_bytes),
                link: parent,
                kind: Some(kind),
                ..LinkSpec::default()
            };
            let what = format!("cannot create {} in {}", i.name, self.ns_name(node));
            batches.entry(node).or_default().push((Write::Link(spec, LinkWrite::Create), what));
        }
        let n_local = batches.values().map(Vec::len).sum::<usize>();
        run_batches(self.handles, batches.into_iter().collect())?;
        self.progress.step(n_local, "bridges");
        Ok(())
    }

    /// veth pairs, both ends born in their namespaces, from one socket.
    fn create_veths(&mut self) -> Result<(), ApplyError> {
        let veths: Vec<LinkId> =
            actions(self.plan, |a| if let Action::CreateVeth { link } = a { Some(*link) } else { None });
        if veths.is_empty() {
            return Ok(());
        }
        let mut root = Netlink::open().map_err(|e| LabError::Netlink {
            what: "cannot open netlink in the namespace netns runs in".into(),
            source: NlError::Io(e),
        })?;
        for window in self.veth_windows(&veths) {
            self.create_veth_window(&mut root, &window)?;
        }
        self.progress.step(veths.len(), "links");
        Ok(())
    }

    /// Windows of links whose namespaces fit the descriptor budget
    /// together: each end is named by its namespace's descriptor.
    fn veth_windows(&self, veths: &[LinkId]) -> Vec<Vec<LinkId>> {
        let mut windows: Vec<Vec<LinkId>> = Vec::new();
        let mut nodes = std::collections::BTreeSet::new();
        for &l in veths {
            let ends = self.lab.links[l].ends.each_ref().map(|e| e.node);
            let more = ends.iter().filter(|n| !nodes.contains(*n)).count();
            if windows.is_empty() || nodes.len() + more > self.handles.budget() {
                windows.push(Vec::new());
                nodes.clear();
            }
            nodes.extend(ends);
            windows.last_mut().expect("pushed above").push(l);
        }
        windows
    }

    fn create_veth_window(&mut self, root: &mut Netlink, window: &[LinkId]) -> Result<(), ApplyError> {
        let (lab, plan) = (self.lab, self.plan);
        let nodes: Vec<NodeId> = window
            .iter()
            .flat_map(|&l| lab.links[l].ends.each_ref().map(|e| e.node))
            .collect::<std::collections::BTreeSet<NodeId>>()
            .into_iter()
            .collect();
        // The window's namespaces, borrowed from `handles` until this
        // window's batch is sent.
        let fds: BTreeMap<NodeId, BorrowedFd<'_>> =
            self.handles.window(&nodes)?.into_iter().map(|(n, ns, _)| (n, ns.as_fd())).collect();
        let mut writes = Vec::with_capacity(window.len());
        for &l in window {
            let link = &lab.links[l];
            let end = |k: usize| -> Result<LinkSpec<'_>, LabError> {
                let e = &link.ends[k];
                let node = &lab.nodes[e.node];
                let missing = |what: &str| LabError::Inconsistent {
                    what: format!("{what} for the veth end {} of node {}", e.ifname, node.name),
                };
                let iface =
                    node.interfaces.iter().find(|i| i.name == e.ifname).ok_or_else(|| missing("no interface"))?;
                let fd = *fds.get(&e.node).ok_or_else(|| missing("no open namespace"))?;
                // Born down: see plan.rs (a veth cannot open before its peer).
                Ok(LinkSpec {
                    index: plan.index[e.node][&e.ifname],
                    name: Some(e.ifname.as_bytes().to_vec()),
                    mtu: iface.mtu,
                    address: iface.mac.as_ref().map(mac_bytes),
                    netns: Some(NsTarget::Fd(fd)),
                    ..LinkSpec::default()
                })
            };
            // A switch port is the main device, born a port of its bridge.
            let first = super::plan::born_with_master(lab, l).unwrap_or(0);
            let mut main = end(first)?;
            if super::plan::born_with_master(lab, l) == Some(first) {
                let e = &link.ends[first];
                let master =
                    lab.nodes[e.node].interfaces.iter().find(|i| i.name == e.ifname).and_then(|i| i.master.as_ref());
                main.master = master.and_then(|m| plan.index[e.node].get(m).copied());
            }
            main.kind = Some(LinkKind::Veth { peer: Some(Box::new(end(1 - first)?)) });
            writes.push(Write::Link(main, LinkWrite::Create));
        }
        for (r, &l) in root.write_all(&writes).into_iter().zip(window) {
            if let Err(source) = r {
                let ends = lab.links[l].ends.each_ref().map(|e| (self.ns_name(e.node).to_string(), e.ifname.clone()));
                return Err(LabError::Veth { ends: Box::new(ends), source });
            }
        }
        Ok(())
    }

    /// Per namespace, one batch: interface settings, addresses, routes.
    fn set_links_addresses_routes(&mut self) -> Result<(), ApplyError> {
        let mut batches = Batches::new();
        let mut count = 0;
        for a in &self.plan.actions {
            if let Some((node, write, what)) = self.link_address_route_write(a) {
                batches.entry(node).or_default().push((write, what));
                count += 1;
            }
        }
        // Kernel order inside a batch: links, then addresses, then routes
        // (the plan lists them that way; a stable sort by kind keeps it so).
        for writes in batches.values_mut() {
            writes.sort_by_key(|(w, _)| match w {
                Write::Link(..) | Write::LinkDelete(_) => 0,
                Write::AddrDelete(_) => 1,
                Write::Addr(..) => 2,
                Write::Route(_, RouteOp::Delete) => 3,
                Write::Route(..) => 4,
            });
        }
        run_batches(self.handles, batches.into_iter().collect())?;
        self.progress.step(count, "addresses and routes");
        Ok(())
    }

    /// The write of one interface, address or route action (None for the
    /// other actions): its node, the write, and what it does in words.
    fn link_address_route_write(&self, a: &Action) -> Option<(NodeId, Write<'static>, String)> {
        let (lab, plan) = (self.lab, self.plan);
        Some(match a {
            Action::SetLink { node, iface, up, mtu, mac, master } => {
                let i = &lab.nodes[*node].interfaces[*iface];
                let spec = LinkSpec {
                    index: plan.index[*node][&i.name],
                    flags: if up == &Some(true) { IFF_UP } else { 0 },
                    change: if up.is_some() { IFF_UP } else { 0 },
                    mtu: *mtu,
                    address: mac.as_ref().map(mac_bytes),
                    master: if *master {
                        i.master.as_ref().and_then(|m| plan.index[*node].get(m).copied())
                    } else {
                        None
                    },
                    ..LinkSpec::default()
                };
                let what = format!("cannot change {} in {}", i.name, self.ns_name(*node));
                (*node, Write::Link(spec, LinkWrite::Change), what)
            }
            Action::SetBridge { node, iface, settings } => {
                let i = &lab.nodes[*node].interfaces[*iface];
                let spec = LinkSpec {
                    index: plan.index[*node][&i.name],
                    kind: Some(bridge_kind(*settings)),
                    ..LinkSpec::default()
                };
                let what = format!("cannot change the settings of bridge {} in {}", i.name, self.ns_name(*node));
                (*node, Write::Link(spec, LinkWrite::Change), what)
            }
            Action::DelAddr { node, ifname, addr } => {
                let index = self.handles.live_index[*node].get(ifname).copied().unwrap_or(0);
                let what = format!("cannot remove {addr} from {ifname} in {}", self.ns_name(*node));
                (*node, Write::AddrDelete(addr_spec(index, addr)), what)
            }
            Action::AddAddr { node, ifname, addr } => {
                let index = plan.index[*node].get(ifname).copied().unwrap_or(0);
                let what = format!("cannot add {addr} to {ifname} in {}", self.ns_name(*node));
                (*node, Write::Addr(addr_spec(index, addr), AddrWrite::Replace), what)
            }
            Action::DelRoute { node, route, text } => {
                let what = format!("cannot remove route {text} in {}", self.ns_name(*node));
                (*node, Write::Route(route.clone(), RouteOp::Delete), what)
            }
            Action::AddRoute { node, route, text } => {
                let what = format!("cannot add route {text} in {}", self.ns_name(*node));
                (*node, Write::Route(route.clone(), RouteOp::Replace), what)
            }
            _ => return None,
        })
    }

    /// VLANs of switch ports (new ones joined their bridge in the batch
    /// before).
    fn set_port_vlans(&mut self) -> Result<(), ApplyError> {
        let lab = self.lab;
        for a in &self.plan.actions {
            let (node, iface, remove) = match a {
                // A port joins with the bridge's default PVID 1; the
                // file's VLANs replace it.
                Action::PortVlans { node, iface } => (node, iface, &[1u16][..]),
                Action::SetPortVlans { node, iface, remove } => (node, iface, &remove[..]),
                _ => continue,
            };
            let i = &lab.nodes[*node].interfaces[*iface];
            let index = self.plan.index[*node][&i.name];
            let ns_name = self.ns_name(*node);
            let nl = self.handles.nl(*node)?;
            let what = |source| LabError::PortVlans { iface: i.name.clone(), ns: ns_name.into(), source };
            for &vid in remove {
                nl.bridge_vlan_del(index, vid)
                    .or_else(|e| match &e {
                        crate::netlink::NlError::Kernel(k) if k.errno == libc::ENOENT || k.errno == libc::EINVAL => {
                            Ok(())
                        }
                        _ => Err(e),
                    })
                    .map_err(what)?;
            }
            if let Some(v) = i.vlan {
                nl.bridge_vlan_add(index, PortVlan::Access(v)).map_err(what)?;
            }
            for &v in &i.vlans {
                nl.bridge_vlan_add(index, PortVlan::Tagged(v)).map_err(what)?;
            }
            self.progress.step(1, "vlans");
        }
        Ok(())
    }

    /// Qdiscs, and the netem distributions the kernel does not report.
    fn set_qdiscs(&mut self) -> Result<(), ApplyError> {
        let lab = self.lab;
        for a in &self.plan.actions {
            let Action::Qdisc { node, ifname, netem } = a else { continue };
            let index = self.plan.index[*node].get(ifname).copied().unwrap_or(0);
            let ns_name = self.ns_name(*node);
            let nl = self.handles.nl(*node)?;
            super::shaping::apply(nl, index, netem.as_ref()).map_err(|source| LabError::Qdisc {
                ns: ns_name.into(),
                iface: ifname.clone(),
                source,
            })?;
            // The kernel does not report a netem's distribution: kept here.
            let name = &lab.nodes[*node].name;
            self.state.netem_distributions.retain(|(n, f, _)| !(n == name && f == ifname));
            if let Some(n) = netem.as_ref().filter(|n| n.needs_netem())
                && let Some(d) = super::compare::distribution_table(n.distribution.as_deref())
            {
                self.state.netem_distributions.push((name.clone(), ifname.clone(), d.to_string()));
            }
            self.progress.step(1, "qdiscs");
        }
        Ok(())
    }

    /// NAT and firewall rulesets, with their hashes in the state.
    fn apply_nftables(&mut self) -> Result<(), ApplyError> {
        let lab = self.lab;
        for a in &self.plan.actions {
            let Action::Nft { node, text } = a else { continue };
            let ns_name = self.ns_name(*node);
            let path = self.run.entry(&crate::rundir::NsName::existing(ns_name)?);
            let name = &lab.nodes[*node].name;
            self.state.nft.retain(|(n, _)| n != name);
            self.state.nft_live.retain(|(n, _)| n != name);
            match text {
                Some(t) => {
                    super::nft::apply(&path, t).map_err(|source| LabError::Nft { ns: ns_name.into(), source })?;
                    self.state.nft.push((name.clone(), super::shaping::hash(t)));
                    if let Some(l) = super::nft::listing(&path) {
                        self.state.nft_live.push((name.clone(), super::shaping::hash(&l)));
                    }
                }
                None => super::nft::remove(&path).map_err(|source| LabError::Nft { ns: ns_name.into(), source })?,
            }
            self.progress.step(1, "nftables");
        }
        Ok(())
    }

    /// /etc/netns files: recorded in the journal before they are made.
    fn write_etc_files(&mut self) -> Result<(), ApplyError> {
        let lab = self.lab;
        let etc_nodes: Vec<&super::model::Node> =
            actions(self.plan, |a| if let Action::Etc { node } = a { Some(&lab.nodes[*node]) } else { None });
        if etc_nodes.is_empty() {
            return Ok(());
        }
        let labdir = self.labdir;
        let mut journal = |s: &State| labdir.write(s);
        for note in super::etc::apply(self.run.etc_dir(), &lab.name, &etc_nodes, self.state, &mut journal)? {
            eprintln!("netns up: left alone: {note}");
        }
        self.progress.step(etc_nodes.len(), "files");
        Ok(())
    }

    /// One-shot commands of new nodes, each bounded in time.
    fn run_exec_commands(&mut self) -> Result<(), ApplyError> {
        let lab = self.lab;
        for a in &self.plan.actions {
            let Action::Exec { node } = a else { continue };
            for cmd in &lab.nodes[*node].exec {
                super::interrupt::check()?;
                super::procs::exec_shell_with(self.ns_name(*node), cmd, super::procs::exec_timeout(), true)
                    .map_err(|source| LabError::Exec { node: lab.nodes[*node].name.clone(), source })?;
            }
            if let Some(r) = self.state.namespaces.iter_mut().find(|r| r.ns == lab.nodes[*node].ns) {
                r.exec_pending = false;
            }
            self.progress.step(1, "exec");
        }
        Ok(())
    }

    /// Managed processes that left the file or changed.
    fn stop_processes(&mut self) {
        for a in &self.plan.actions {
            let Action::StopRun { node, name } = a else { continue };
            let n = &self.lab.nodes[*node].name;
            if let Some(rec) = self.state.runs.iter().find(|x| x.node == *n && x.name == *name) {
                super::procs::stop(rec, std::time::Duration::from_secs(2));
            }
            self.state.runs.retain(|x| !(x.node == *n && x.name == *name));
            self.progress.step(1, "processes");
        }
    }

    /// Managed processes to start, their log files journaled first:
    /// `down` removes only the files the state lists.
    fn start_processes(&mut self) -> Result<Vec<Started>, ApplyError> {
        let lab = self.lab;
        let mut new_logs = false;
        for a in &self.plan.actions {
            if let Action::StartRun { node, run: r } = a {
                let name = format!("{}.{}.log", lab.nodes[*node].name, lab.nodes[*node].run[*r].name);
                if !self.state.logs.contains(&name) {
                    self.state.logs.push(name);
                    new_logs = true;
                }
            }
        }
        if new_logs {
            self.labdir.write(self.state).map_err(|source| LabError::WriteState { lab: lab.name.clone(), source })?;
        }
        let mut started: Vec<Started> = Vec::new();
        for a in &self.plan.actions {
            let Action::StartRun { node, run: r } = a else { continue };
            super::interrupt::check()?;
            let n = &lab.nodes[*node];
            let spec = &n.run[*r];
            let name = format!("{}.{}.log", n.name, spec.name);
            let log = self.labdir.lab_path(&lab.name).join(&name);
            let out = self.labdir.open_log(&lab.name, &name).map_err(|source| LabError::Log {
                name: spec.name.clone(),
                node: n.name.clone(),
                source,
            })?;
            let rec = super::procs::start(&n.ns, &n.name, &spec.name, &spec.cmd, out, &log)?;
            self.state.runs.retain(|x| !(x.node == n.name && x.name == spec.name));
            self.state.runs.push(rec.clone());
            started.push((*node, *r, rec));
            self.progress.step(1, "processes");
        }
        Ok(started)
    }

    /// A process that dies at once (bad arguments, a port in use) fails
    /// `up` here rather than being reported as running.
    fn check_started_alive(&self, started: &[Started]) -> Result<(), ApplyError> {
        if started.is_empty() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        for (node, _, rec) in started {
            if !super::state::is_alive(rec) {
                let n = &self.lab.nodes[*node];
                let log = self.labdir.lab_path(&self.lab.name).join(format!("{}.{}.log", n.name, rec.name));
                let tail = std::fs::read_to_string(&log).unwrap_or_default();
                let tail =
                    tail.lines().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n  ");
                return Err(LabError::ExitedAtOnce { name: rec.name.clone(), node: n.name.clone(), tail });
            }
        }
        Ok(())
    }

    /// Processes with a `ready` check: waited for until they listen.
    fn wait_until_ready(&mut self, started: &[Started]) -> Result<(), ApplyError> {
        for (node, r, rec) in started {
            let n = &self.lab.nodes[*node];
            if let Some(ready) = &n.run[*r].ready
                && let Some(addr) = ready.tcp
            {
                let ns = self.handles.ns(*node)?;
                let log = self.labdir.lab_path(&self.lab.name).join(format!("{}.{}.log", n.name, rec.name));
                super::procs::wait_ready(ns, rec, addr, std::time::Duration::from_millis(ready.timeout_ms), &log)?;
            }
        }
        Ok(())
    }
}
