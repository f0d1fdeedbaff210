//! The search: which namespaces, what to read in each, and the matching.
//!
//! Each namespace is searched on a worker thread that enters it (`setns`),
//! opens one netlink socket there and asks only what the queries need:
//!
//! | query | requests in each namespace |
//! |---|---|
//! | address | an address dump of its family, and one route lookup (`ip route get fibmatch`) |
//! | prefix | an address dump and a route dump of its family |
//! | MAC address | a link dump and a neighbour dump |
//! | interface name | one link lookup by name (a link dump for a glob) |
//! | port | the namespace's socket counters, then a `NETLINK_SOCK_DIAG` dump of the listening sockets of each protocol and family in use (as `ss -lntu`) |
//! | PID, process name | none: `/proc` alone answers, on the calling thread |
//!
//! Interface names for the hits are looked up only for the hits. The
//! processes holding the matching sockets are named once every namespace
//! is read, with one bounded walk of `/proc` for all of them. The workers
//! end with their share, so no thread is ever left in a namespace it
//! entered. Nothing is run inside a namespace, and nothing is changed.

use super::query::Query;
use super::{Hit, Reach, What};
use crate::namespace::{NsId, open_ns_file};
use crate::netlink::Netlink;
use crate::netlink::address::AddressQuery;
use crate::netlink::link::{Link, LinkQuery};
use crate::netlink::neighbour::NeighbourFilter;
use crate::netlink::route::{
    RT_TABLE_LOCAL, RTM_F_CLONED, RTM_F_FIB_MATCH, RTN_BLACKHOLE, RTN_LOCAL, RTN_PROHIBIT, RTN_UNICAST,
    RTN_UNREACHABLE, Route, RouteFilter, RouteQuery, family_of,
};
use crate::procscan::ProcScan;
use crate::rundir::RunDir;
use crate::shared::namespaces::{Known, survey};
use crate::shared::sockets::{self, Sockets};
use ipnet::IpNet;
use std::collections::HashMap;
use std::fs::File;
use std::net::IpAddr;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

const AF_INET: u8 = libc::AF_INET as u8;
const AF_INET6: u8 = libc::AF_INET6 as u8;

/// Something that could not be searched, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The namespace (an index in [`Found::namespaces`]), when the failure
    /// is about one.
    pub ns: Option<usize>,
    /// What failed, naming the object and the cause.
    pub message: String,
}

/// Everything a search found.
#[derive(Debug, Default)]
pub struct Found {
    /// Every namespace searched, and any other one a process hit is in.
    pub namespaces: Vec<Known>,
    /// The nsid the namespace netns runs in uses for each namespace with a
    /// hit (`None` elsewhere, or when unassigned).
    pub nsids: Vec<Option<i32>>,
    /// The hits, sorted: the most direct answers first (addresses,
    /// interfaces, processes), then neighbours, then routes from the most
    /// specific kind to default routes; within a kind by namespace.
    pub hits: Vec<Hit>,
    /// What could not be read.
    pub failures: Vec<Failure>,
    /// What a reader must know about hits that are shown: the processes
    /// holding sockets could not all be examined.
    pub notes: Vec<String>,
}

/// Search for `queries` in every named namespace, the root one and the
/// one netns runs in; with `all`, also in every namespace a process holds.
/// `nl` is a socket of the namespace netns runs in (for nsids).
pub fn search(run: &RunDir, queries: &[Query], all: bool, nl: &mut Netlink) -> Found {
    let survey = survey(run, all);
    let mut found = Found { namespaces: survey.namespaces, ..Found::default() };
    if let Some(e) = &survey.run_dir_error {
        found.failures.push(Failure {
            ns: None,
            message: format!("cannot read the run directory {}: {}", run.path().display(), crate::sys::io_text(e)),
        });
    }
    if let Some(e) = &survey.proc_error {
        found.failures.push(Failure {
            ns: None,
            message: format!("cannot list the processes in /proc: {}", crate::sys::io_text(e)),
        });
    }
    let plan = Plan::of(queries);
    if plan.needs_netlink() {
        search_namespaces(run, queries, &plan, &mut found);
    }
    if queries.iter().any(|q| matches!(q, Query::Pid(_) | Query::Name { .. })) {
        search_processes(queries, &mut found);
    }
    found.hits.sort_by(|a, b| {
        (a.what.rank(), label_key(&found.namespaces[a.ns]), a.query).cmp(&(
            b.what.rank(),
            label_key(&found.namespaces[b.ns]),
            b.query,
        ))
    });
    found.nsids = nsids_of_hits(run, &found, nl);
    found
}

/// Namespaces in a stable order: named ones by name, then the root and
/// current ones, then unnamed ones by inode.
fn label_key(k: &Known) -> (u8, Vec<u8>, u64) {
    match k.names.first() {
        Some(n) => (0, n.as_bytes().to_vec(), k.id.ino),
        None if k.root || k.current => (1, Vec::new(), k.id.ino),
        None => (2, Vec::new(), k.id.ino),
    }
}

/// What to read in each namespace, from all the queries together.
#[derive(Debug, Default)]
struct Plan {
    /// Address dump of this family (0: both), if any.
    addresses: Option<u8>,
    /// Route dump of this family (0: both), if any.
    routes: Option<u8>,
    /// Link dump.
    links: bool,
    /// Neighbour dump.
    neighbours: bool,
    /// Exact interface names, each looked up by name (when no dump).
    names: Vec<String>,
    /// Ports.
    ports: bool,
}

fn union(a: Option<u8>, family: u8) -> Option<u8> {
    match a {
        None => Some(family),
        Some(f) if f == family => Some(f),
        Some(_) => Some(0),
    }
}

impl Plan {
    fn of(queries: &[Query]) -> Plan {
        let mut p = Plan::default();
        for q in queries {
            match q {
                Query::Address(a) => p.addresses = union(p.addresses, family_of(a)),
                Query::Prefix(n) => {
                    p.addresses = union(p.addresses, family_of(&n.addr()));
                    p.routes = union(p.routes, family_of(&n.addr()));
                }
                Query::Mac(_) => {
                    p.links = true;
                    p.neighbours = true;
                }
                Query::Name { glob: Some(_), .. } => p.links = true,
                Query::Name { word, glob: None } => {
                    if let Ok(name) = std::str::from_utf8(word) {
                        p.names.push(name.to_string());
                    }
                }
                Query::Port { .. } => p.ports = true,
                Query::Pid(_) => {}
            }
        }
        if p.links {
            p.names.clear();
        }
        p
    }

    fn needs_netlink(&self) -> bool {
        self.addresses.is_some() || self.routes.is_some() || self.links || !self.names.is_empty() || self.ports
    }
}

/// One namespace for a worker: where to open it and what it must be.
struct Target {
    ns: usize,
    /// Its first name, or else the `/proc/PID/ns/net` of each of its
    /// processes in turn (one may have ended since the survey).
    paths: Vec<PathBuf>,
    /// Reached through processes only: when all of them have ended, so
    /// has the namespace, which is no failure.
    by_processes: bool,
    id: NsId,
    /// Open already (the namespace netns runs in, whose path names the
    /// namespace of whichever thread opens it).
    held: Option<File>,
    /// The namespace netns runs in, where a worker starts.
    current: bool,
}

/// What a worker found in one namespace.
struct Outcome {
    hits: Vec<Hit>,
    failures: Vec<Failure>,
    /// The listening sockets on a port asked for, whose owners are named
    /// after all workers are done.
    ports: Option<Ports>,
}

/// One namespace's listening sockets on the ports asked for.
struct Ports {
    ns: usize,
    id: NsId,
    /// Only the sockets that match a port query.
    sockets: Sockets,
    /// The name of the interface each of them is bound to, if any.
    devs: Vec<Option<String>>,
}

fn search_namespaces(run: &RunDir, queries: &[Query], plan: &Plan, found: &mut Found) {
    let targets: Vec<Target> = found
        .namespaces
        .iter()
        .enumerate()
        .map(|(ns, k)| {
            let by_processes = k.names.is_empty() && !k.pids.is_empty();
            let paths = if by_processes {
                k.pids.iter().map(|pid| PathBuf::from(format!("/proc/{pid}/ns/net"))).collect()
            } else {
                vec![k.path(run)]
            };
            let held =
                if k.names.is_empty() && k.pids.is_empty() && k.current { File::open(&paths[0]).ok() } else { None };
            Target { ns, paths, by_processes, id: k.id, held, current: k.current }
        })
        .collect();
    // One worker per CPU: the work is the kernel's, each request a few
    // microseconds, with nothing to wait for.
    const MAX_THREADS: usize = 16;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(MAX_THREADS).min(targets.len());
    let parts = crate::shared::parallel::shares(&targets, threads);
    let outcomes = crate::shared::parallel::run(parts, |share| {
        // Each worker starts in the namespace netns runs in.
        let mut moved = false;
        share.iter().map(|t| search_one(t, queries, plan, &mut moved)).collect()
    });
    let mut ports = Vec::new();
    for o in outcomes {
        found.hits.extend(o.hits);
        found.failures.extend(o.failures);
        ports.extend(o.ports);
    }
    port_hits(queries, ports, found);
}

/// The hits of the port queries: the processes holding the sockets are
/// named for every namespace at once, with one walk of `/proc`.
fn port_hits(queries: &[Query], mut ports: Vec<Ports>, found: &mut Found) {
    if ports.iter().all(|p| p.sockets.listeners.is_empty()) {
        return;
    }
    let scan = ProcScan::open().ok();
    let coverage = {
        let mut items: Vec<(NsId, &mut Sockets)> = ports.iter_mut().map(|p| (p.id, &mut p.sockets)).collect();
        sockets::name_owners(scan.as_ref(), &mut items)
    };
    found.notes.extend(coverage.note());
    for p in ports {
        for (qi, q) in queries.iter().enumerate() {
            let Query::Port { proto, port } = q else { continue };
            for (l, dev) in p.sockets.listeners.iter().zip(&p.devs) {
                if sockets::matches_port(l, *proto, *port) {
                    let local = l.local_text(|_| dev.clone());
                    let what = What::Listener { listener: l.clone(), local, dev: dev.clone() };
                    found.hits.push(Hit { ns: p.ns, query: qi, what });
                }
            }
        }
    }
}

/// Open the namespace of a target, making sure it is the one the survey
/// found (a name may have been given to another namespace since, a pid to
/// another process). `Ok(None)`: it was reached through processes only,
/// and they have all ended.
fn open_target(t: &Target) -> Result<Option<File>, String> {
    if let Some(f) = &t.held {
        return f.try_clone().map(Some).map_err(|e| format!("cannot open the namespace: {}", crate::sys::io_text(&e)));
    }
    let mut error = None;
    for path in &t.paths {
        let opened = open_ns_file(path).and_then(|f| {
            let m = f.metadata()?;
            Ok(((NsId { dev: m.dev(), ino: m.ino() }) == t.id).then_some(f))
        });
        match opened {
            Ok(Some(f)) => return Ok(Some(f)),
            // That process ended (its pid may be another's now): the next.
            Ok(None) if t.by_processes => {}
            Err(e) if t.by_processes && e.raw_os_error() == Some(libc::ENOENT) => {}
            Ok(None) => return Err(format!("{} was replaced by another namespace during the search", path.display())),
            Err(e) => {
                let hint = needs_root(e.raw_os_error(), "opening another user's namespace");
                let message = format!("cannot open {}: {}{hint}", path.display(), crate::sys::io_text(&e));
                if !t.by_processes {
                    return Err(message);
                }
                error.get_or_insert(message);
            }
        }
    }
    error.map_or(Ok(None), Err)
}

/// The hint added to a permission error of a user who is not root.
fn needs_root(errno: Option<i32>, what: &str) -> String {
    match errno {
        Some(libc::EPERM | libc::EACCES) if !nix::unistd::geteuid().is_root() => format!(" ({what} needs root)"),
        _ => String::new(),
    }
}

/// Search one namespace, on a worker thread, which it leaves inside
/// (`moved` says the thread has left the namespace netns runs in: until
/// it has, that namespace needs no switch, which a user who is not root
/// could not make).
fn search_one(t: &Target, queries: &[Query], plan: &Plan, moved: &mut bool) -> Outcome {
    let mut out = Outcome { hits: Vec::new(), failures: Vec::new(), ports: None };
    let fail = |out: &mut Outcome, message: String| out.failures.push(Failure { ns: Some(t.ns), message });
    let file = match open_target(t) {
        Ok(Some(f)) => f,
        // Every process that held it has ended: so has the namespace.
        Ok(None) => return out,
        Err(message) => {
            fail(&mut out, message);
            return out;
        }
    };
    if t.current && !*moved {
        // Already inside.
    } else if let Err(e) = nix::sched::setns(file.as_fd(), nix::sched::CloneFlags::CLONE_NEWNET) {
        let hint = needs_root(Some(e as i32), "entering a namespace");
        fail(&mut out, format!("cannot enter the namespace: {}{hint}", crate::sys::Errno(e as i32)));
        return out;
    } else {
        *moved = true;
    }
    drop(file);
    let nl = match Netlink::open() {
        Ok(nl) => nl,
        Err(e) => {
            fail(&mut out, format!("cannot open a netlink socket inside: {}", crate::sys::io_text(&e)));
            return out;
        }
    };
    let mut inside = Inside { nl, names: HashMap::new(), ns: t.ns, out: &mut out };
    inside.search(queries, plan);
    if plan.ports {
        inside.ports(queries, t.id);
    }
    out
}

/// A worker inside one namespace.
struct Inside<'a> {
    nl: Netlink,
    /// Interface names by index, as far as read.
    names: HashMap<u32, String>,
    ns: usize,
    out: &'a mut Outcome,
}

impl Inside<'_> {
    fn fail(&mut self, what: &str, e: impl std::fmt::Display) {
        self.out.failures.push(Failure { ns: Some(self.ns), message: format!("cannot read {what}: {e}") });
    }

    fn hit(&mut self, query: usize, what: What) {
        self.out.hits.push(Hit { ns: self.ns, query, what });
    }

    /// The name of interface `index` (asked once per index).
    fn ifname(&mut self, index: u32) -> String {
        if let Some(n) = self.names.get(&index) {
            return n.clone();
        }
        let name = match self.nl.link_by_index_with(index, LinkQuery::default()) {
            Ok(Some(l)) => l.name,
            _ => format!("if{index}"),
        };
        self.names.insert(index, name.clone());
        name
    }

    fn search(&mut self, queries: &[Query], plan: &Plan) {
        let links = if plan.links {
            match self.nl.links_with(LinkQuery::default()) {
                Ok(v) => {
                    for l in &v {
                        self.names.insert(l.index, l.name.clone());
                    }
                    v
                }
                Err(e) => {
                    self.fail("links", e);
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        let addresses = match plan.addresses {
            Some(family) => match self.nl.addresses_with(AddressQuery { family, index: 0 }) {
                Ok(v) => v,
                Err(e) => {
                    self.fail("addresses", e);
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
        let routes = match plan.routes {
            Some(family) => match self.nl.routes(&RouteFilter { family, ..RouteFilter::all() }) {
                Ok(v) => v,
                Err(e) => {
                    self.fail("routes", e);
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
        let neighbours = if plan.neighbours {
            match self.nl.neighbours(&NeighbourFilter::default()) {
                Ok(v) => v,
                Err(e) => {
                    self.fail("neighbours", e);
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        for (qi, q) in queries.iter().enumerate() {
            match q {
                Query::Address(a) => {
                    let mut own = false;
                    for ad in addresses.iter().filter(|ad| ad.local == Some(*a)) {
                        own = true;
                        let what = self.address(ad.index, *a, ad.prefix_len, ad.scope, ad.label.as_deref());
                        self.hit(qi, what);
                    }
                    self.route_to(qi, *a, own);
                }
                Query::Prefix(p) => {
                    for ad in &addresses {
                        if let Some(local) = ad.local
                            && p.contains(&local)
                        {
                            let what = self.address(ad.index, local, ad.prefix_len, ad.scope, ad.label.as_deref());
                            self.hit(qi, what);
                        }
                    }
                    for r in routes.iter().filter(|r| overlaps(r, p)) {
                        let what = self.route(r);
                        self.hit(qi, what);
                    }
                }
                Query::Mac(mac) => {
                    for l in links.iter().filter(|l| l.address.as_deref() == Some(mac.as_slice())) {
                        self.hit(qi, interface(l, None));
                    }
                    for n in &neighbours {
                        let family = n.family;
                        if (family == AF_INET || family == AF_INET6)
                            && n.lladdr.as_deref() == Some(mac.as_slice())
                            && let Some(dst) = n.dst
                        {
                            let dev = self.ifname(n.ifindex);
                            self.hit(qi, What::Neighbour { dst, dev, lladdr: mac_text(mac), state: n.state });
                        }
                    }
                }
                Query::Name { glob: Some(g), .. } => {
                    for l in &links {
                        if g.matches(l.name.as_bytes()) {
                            self.hit(qi, interface(l, None));
                        } else if let Some(alt) = l.alt_names.iter().find(|a| g.matches(a.as_bytes())) {
                            self.hit(qi, interface(l, Some(alt.clone())));
                        }
                    }
                }
                Query::Name { word, glob: None } => {
                    if plan.links {
                        for l in &links {
                            if l.name.as_bytes() == word.as_slice() {
                                self.hit(qi, interface(l, None));
                            } else if let Some(alt) = l.alt_names.iter().find(|a| a.as_bytes() == word.as_slice()) {
                                self.hit(qi, interface(l, Some(alt.clone())));
                            }
                        }
                    } else if let Ok(name) = std::str::from_utf8(word) {
                        match self.nl.link_by_name_with(name, LinkQuery::default()) {
                            Ok(Some(l)) => {
                                let alt = (l.name != name).then(|| name.to_string());
                                self.hit(qi, interface(&l, alt));
                            }
                            Ok(None) => {}
                            Err(e) => self.fail("links", e),
                        }
                    }
                }
                // Read once for all of them, in `ports`.
                Query::Port { .. } | Query::Pid(_) => {}
            }
        }
    }

    /// The listening sockets of this namespace on the ports asked for,
    /// with the names of the interfaces they are bound to, kept for
    /// [`port_hits`].
    fn ports(&mut self, queries: &[Query], id: NsId) {
        let mut sockets = match sockets::read_here() {
            Ok(s) => s,
            Err(e) => return self.fail("the listening sockets", e),
        };
        if sockets.omitted > 0 {
            let n = sockets.omitted;
            self.out.failures.push(Failure {
                ns: Some(self.ns),
                message: format!(
                    "{n} listening socket{} past the first {} were not searched",
                    if n == 1 { "" } else { "s" },
                    sockets.listeners.len()
                ),
            });
        }
        sockets.listeners.retain(|l| {
            queries.iter().any(|q| matches!(q, Query::Port { proto, port } if sockets::matches_port(l, *proto, *port)))
        });
        let devs = sockets.listeners.iter().map(|l| (l.interface != 0).then(|| self.ifname(l.interface))).collect();
        self.out.ports = Some(Ports { ns: self.ns, id, sockets, devs });
    }

    fn address(&mut self, index: u32, local: IpAddr, prefixlen: u8, scope: u8, label: Option<&[u8]>) -> What {
        // An IPv4 address's label is its interface's name unless it was
        // given one of its own (`eth0:1`): then the name is asked for.
        let ifname = match label.and_then(|l| std::str::from_utf8(l).ok()) {
            Some(l) if !l.contains(':') && !self.names.contains_key(&index) => {
                self.names.insert(index, l.to_string());
                l.to_string()
            }
            _ => self.ifname(index),
        };
        What::Address { ifindex: index, ifname, local, prefixlen, scope }
    }

    /// The route the namespace would use for `a` (the kernel's own lookup,
    /// policy rules included). A `local` route is left out where the
    /// namespace has the address itself: the address hit says it.
    fn route_to(&mut self, qi: usize, a: IpAddr, own: bool) {
        let family = family_of(&a);
        let query = RouteQuery {
            route: Route {
                family,
                dst: Some(a),
                dst_len: if family == AF_INET { 32 } else { 128 },
                flags: RTM_F_FIB_MATCH,
                ..Route::default()
            },
            ..RouteQuery::default()
        };
        // No route (unreachable, no table of that family) is no hit.
        if let Ok(Some(r)) = self.nl.route_get(&query)
            && !(own && r.kind == RTN_LOCAL)
        {
            let what = self.route(&r);
            self.hit(qi, what);
        }
    }

    fn route(&mut self, r: &Route) -> What {
        let gateway = r.gateway.or(r.via).or_else(|| r.multipath.iter().find_map(|h| h.gateway.or(h.via)));
        let oif = r.oif.or_else(|| r.multipath.first().map(|h| h.ifindex));
        let dev = oif.map(|i| self.ifname(i));
        What::Route {
            reach: reach(r, gateway.is_some()),
            kind: r.kind,
            dst: r.dst.filter(|_| r.dst_len > 0).map(|d| (d, r.dst_len)),
            family: r.family,
            gateway,
            dev,
            table: r.table,
            protocol: r.protocol,
            scope: r.scope,
            prefsrc: r.prefsrc,
        }
    }
}

fn reach(r: &Route, has_gateway: bool) -> Reach {
    match r.kind {
        RTN_LOCAL => Reach::Local,
        RTN_UNICAST if r.dst_len == 0 => Reach::Default,
        RTN_UNICAST if has_gateway || r.nhid.is_some() => Reach::Gateway,
        RTN_UNICAST => Reach::Connected,
        _ => Reach::Other,
    }
}

/// Does route `r` (of the main and other tables, not the local one, and
/// not a cache entry) overlap prefix `p`: is it inside `p`, or does it
/// contain `p`? A default route contains every prefix and says nothing
/// about this one: it counts only for `p` = `0.0.0.0/0` or `::/0`.
fn overlaps(r: &Route, p: &IpNet) -> bool {
    if r.table == RT_TABLE_LOCAL
        || r.flags & RTM_F_CLONED != 0
        || !matches!(r.kind, RTN_UNICAST | RTN_LOCAL | RTN_BLACKHOLE | RTN_UNREACHABLE | RTN_PROHIBIT)
        || r.family != family_of(&p.addr())
    {
        return false;
    }
    let dst = r.dst.unwrap_or(match p.addr() {
        IpAddr::V4(_) => IpAddr::from([0u8; 4]),
        IpAddr::V6(_) => IpAddr::from([0u16; 8]),
    });
    match IpNet::new(dst, r.dst_len) {
        Ok(net) => p.contains(&net) || (net.prefix_len() > 0 && net.contains(p)),
        Err(_) => false,
    }
}

fn interface(l: &Link, altname: Option<String>) -> What {
    What::Interface {
        ifindex: l.index,
        ifname: l.name.clone(),
        altname,
        address: l.address.as_deref().map(mac_text),
        kind: l.kind().map(str::to_string),
        operstate: crate::netlink::link::operstate_word(l.operstate),
    }
}

/// `aa:bb:cc:…`, as iproute2 prints link-layer addresses.
pub(crate) fn mac_text(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(":")
}

// ---------------------------------------------------------------- processes

/// PID and process-name queries: `/proc` alone answers them, on this
/// thread. A process in a namespace the search did not list (an unnamed
/// one without `--all`) adds that namespace, so the hit can name it.
fn search_processes(queries: &[Query], found: &mut Found) {
    let nsfs_dev = match found.namespaces.first() {
        Some(k) => k.id.dev,
        None => match NsId::of_path(Path::new("/proc/self/ns/net")) {
            Ok(id) => id.dev,
            Err(_) => return,
        },
    };
    let mut index: HashMap<NsId, usize> = found.namespaces.iter().enumerate().map(|(i, k)| (k.id, i)).collect();
    let mut place = |found: &mut Found, pid: u32, ino: u64| -> usize {
        let id = NsId { dev: nsfs_dev, ino };
        *index.entry(id).or_insert_with(|| {
            found.namespaces.push(Known { id, names: Vec::new(), pids: vec![pid], current: false, root: false });
            found.namespaces.len() - 1
        })
    };
    for (qi, q) in queries.iter().enumerate() {
        if let Query::Pid(pid) = q {
            match net_inode(*pid) {
                Ok(Some(ino)) => {
                    let ns = place(found, *pid, ino);
                    let comm = crate::procscan::comm(*pid).unwrap_or_default();
                    found.hits.push(Hit { ns, query: qi, what: What::Process { pid: *pid, comm } });
                }
                Ok(None) => {}
                Err(e) => found.failures.push(Failure {
                    ns: None,
                    message: format!(
                        "cannot read the network namespace of process {pid}: {}{}",
                        crate::sys::io_text(&e),
                        needs_root(e.raw_os_error(), "reading another user's process")
                    ),
                }),
            }
        }
    }
    let names: Vec<(usize, &Query)> =
        queries.iter().enumerate().filter(|(_, q)| matches!(q, Query::Name { .. })).collect();
    if names.is_empty() {
        return;
    }
    let dir = match std::fs::read_dir("/proc") {
        Ok(d) => d,
        Err(e) => {
            found.failures.push(Failure {
                ns: None,
                message: format!("cannot list the processes in /proc: {}", crate::sys::io_text(&e)),
            });
            return;
        }
    };
    let mut unreadable = 0usize;
    for entry in dir.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = std::str::from_utf8(file_name.as_bytes()).ok().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(raw) = std::fs::read(format!("/proc/{pid}/comm")) else { continue };
        let comm = raw.strip_suffix(b"\n").unwrap_or(&raw);
        for &(qi, q) in &names {
            let Query::Name { word, glob } = q else { continue };
            let hit = match glob {
                Some(g) => g.matches(comm),
                None => comm_is(comm, word),
            };
            if !hit {
                continue;
            }
            match net_inode(pid) {
                Ok(Some(ino)) => {
                    let ns = place(found, pid, ino);
                    let what = What::Process { pid, comm: crate::procscan::printable(comm) };
                    found.hits.push(Hit { ns, query: qi, what });
                }
                Ok(None) => {}
                Err(_) => unreadable += 1,
            }
        }
    }
    if unreadable > 0 {
        found.failures.push(Failure {
            ns: None,
            message: format!(
                "cannot read the network namespace of {unreadable} matching process{}{}",
                if unreadable == 1 { "" } else { "es" },
                needs_root(Some(libc::EACCES), "reading other users' processes")
            ),
        });
    }
}

/// Is `comm` the command name `word`? The kernel keeps 15 bytes of a
/// name, so a longer word matches a process whose name is its first 15.
fn comm_is(comm: &[u8], word: &[u8]) -> bool {
    const TASK_COMM_LEN: usize = 16;
    comm == word || (word.len() >= TASK_COMM_LEN && comm.len() == TASK_COMM_LEN - 1 && word.starts_with(comm))
}

/// The inode of a process's network namespace: `Ok(None)` when there is
/// no such process.
fn net_inode(pid: u32) -> std::io::Result<Option<u64>> {
    match std::fs::read_link(format!("/proc/{pid}/ns/net")) {
        Ok(target) => Ok(target
            .as_os_str()
            .as_bytes()
            .strip_prefix(b"net:[")
            .and_then(|t| t.strip_suffix(b"]"))
            .and_then(|d| std::str::from_utf8(d).ok()?.parse().ok())),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- nsids

/// The nsids of the namespaces with hits, pipelined.
fn nsids_of_hits(run: &RunDir, found: &Found, nl: &mut Netlink) -> Vec<Option<i32>> {
    let mut nsids = vec![None; found.namespaces.len()];
    let mut with_hits: Vec<usize> = found.hits.iter().map(|h| h.ns).collect();
    with_hits.sort_unstable();
    with_hits.dedup();
    for chunk in with_hits.chunks(crate::sys::spare_fds().max(16)) {
        let files: Vec<Option<File>> = chunk
            .iter()
            .map(|&i| {
                let k = &found.namespaces[i];
                let f = open_ns_file(&k.path(run)).ok()?;
                let m = f.metadata().ok()?;
                ((NsId { dev: m.dev(), ino: m.ino() }) == k.id).then_some(f)
            })
            .collect();
        let fds: Vec<_> = files.iter().map(|f| f.as_ref().map(|f| f.as_fd())).collect();
        for (k, r) in nl.nsids_of_fds(&fds).into_iter().enumerate() {
            nsids[chunk[k]] = r.ok().flatten();
        }
    }
    nsids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_match_the_kernels_truncated_name() {
        assert!(comm_is(b"dnsmasq", b"dnsmasq"));
        assert!(!comm_is(b"dnsmasq", b"dnsmas"));
        assert!(comm_is(b"neutron-dhcp-ag", b"neutron-dhcp-agent"));
        assert!(!comm_is(b"neutron-dhcp-ag", b"neutron-dhcp-ag"[..14].as_ref()));
    }

    #[test]
    fn routes_overlap_when_one_contains_the_other() {
        let p: IpNet = "10.1.1.0/24".parse().unwrap();
        let r = |dst: &str, len: u8| Route {
            family: AF_INET,
            dst: (len > 0).then(|| dst.parse().unwrap()),
            dst_len: len,
            table: 254,
            kind: RTN_UNICAST,
            ..Route::default()
        };
        assert!(overlaps(&r("10.1.0.0", 16), &p));
        assert!(overlaps(&r("10.1.1.128", 25), &p));
        assert!(!overlaps(&r("0.0.0.0", 0), &p));
        assert!(overlaps(&r("0.0.0.0", 0), &"0.0.0.0/0".parse().unwrap()));
        assert!(!overlaps(&r("10.1.2.0", 24), &p));
        assert!(!overlaps(&Route { table: RT_TABLE_LOCAL, ..r("10.1.1.1", 32) }, &p));
    }

    #[test]
    fn plans_read_only_what_the_queries_need() {
        let p = Plan::of(&[Query::Address("10.0.0.1".parse().unwrap())]);
        assert_eq!((p.addresses, p.routes, p.links, p.neighbours), (Some(AF_INET), None, false, false));
        let p = Plan::of(&[Query::Address("10.0.0.1".parse().unwrap()), Query::Prefix("fd00::/64".parse().unwrap())]);
        assert_eq!((p.addresses, p.routes), (Some(0), Some(AF_INET6)));
        let p = Plan::of(&[Query::Pid(1)]);
        assert!(!p.needs_netlink());
        let p = Plan::of(&[Query::Name { word: b"eth0".to_vec(), glob: None }]);
        assert_eq!((p.links, p.names.as_slice()), (false, &["eth0".to_string()][..]));
    }
}
