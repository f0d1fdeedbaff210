//! Changes to a running lab by its own names (`netns lab LAB link|impair`):
//! cut and restore links, shape an interface, show the shaping.
//!
//! Every change is checked whole before anything is touched (the lab is
//! up, the nodes and interfaces are the file's, each namespace carries the
//! lab's ownership mark, the kernel has the qdisc), made under the lab's
//! lock, and recorded in the lab's journal ([`RuntimeRecord`]): `status`
//! shows it as a runtime change rather than drift, and the next `up`
//! restores the file's state and says so.

use super::features::{self, CheckError};
use super::ids::{IfaceId, NodeId};
use super::model::{IfaceKind, Lab, Netem};
use super::owner::{self, Owner};
use super::plan::{Action, rate_text};
use super::shaping::{self, ShapingError};
use super::state::{LabDir, LabLock, Phase, RuntimeChange, RuntimeRecord, State};
use crate::netlink::link::IFF_UP;
use crate::netlink::link_ops::{LinkSpec, LinkWrite};
use crate::netlink::qdisc::QdiscInfo;
use crate::netlink::{Netlink, NlError};
use crate::rundir::RunDir;
use std::collections::HashSet;

/// Why a runtime change was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The lab has no state: it is not up.
    #[error("no lab {lab} is up (bring it up with `netns up FILE`)")]
    NotUp {
        /// The lab.
        lab: String,
    },
    /// Its last `up` did not finish.
    #[error("lab {lab} is not fully up (its last `up` did not finish): run `netns up {file}` first")]
    Incomplete {
        /// The lab.
        lab: String,
        /// Its file.
        file: String,
    },
    /// The file the lab came up from cannot be used now.
    #[error("lab {lab}: its file {file} {why}")]
    File {
        /// The lab.
        lab: String,
        /// The file.
        file: String,
        /// What is wrong with it.
        why: String,
    },
    /// No such node in the lab.
    #[error("lab {lab} has no node {node} (its nodes: {known})")]
    UnknownNode {
        /// The lab.
        lab: String,
        /// The name given.
        node: String,
        /// The lab's nodes, for the message.
        known: String,
    },
    /// No such interface on the node.
    #[error("node {node} of lab {lab} has no interface {ifname} (its interfaces: {known})")]
    UnknownIface {
        /// The lab.
        lab: String,
        /// The node.
        node: String,
        /// The name given.
        ifname: String,
        /// The node's interfaces, for the message.
        known: String,
    },
    /// No link joins the two nodes.
    #[error("lab {lab} has no link between {a} and {b}")]
    NoLink {
        /// The lab.
        lab: String,
        /// One node.
        a: String,
        /// The other.
        b: String,
    },
    /// The node's namespace is not there.
    #[error("namespace {ns} of node {node} (lab {lab}) does not exist (`netns up FILE` remakes it)")]
    NsMissing {
        /// The lab.
        lab: String,
        /// The node.
        node: String,
        /// Its namespace.
        ns: String,
    },
    /// The name holds a namespace without this node's ownership mark.
    #[error("namespace {ns} of node {node} is not lab {lab}'s ({why}): left alone")]
    NotOurs {
        /// The lab.
        lab: String,
        /// The node.
        node: String,
        /// Its namespace.
        ns: String,
        /// Whose it is.
        why: String,
    },
    /// The interface is in the file but not in the namespace.
    #[error("interface {ifname} of node {node} is missing from namespace {ns} (`netns up FILE` remakes it)")]
    IfaceMissing {
        /// The node.
        node: String,
        /// Its namespace.
        ns: String,
        /// The interface.
        ifname: String,
    },
    /// A netlink request about one object failed.
    #[error("{what}: {source}")]
    Netlink {
        /// The request, naming its object.
        what: String,
        /// What the kernel said.
        source: NlError,
    },
    /// The shaping of an interface could not be set.
    #[error("{what}: {source}")]
    Shaping {
        /// The interface.
        what: String,
        /// Why.
        source: ShapingError,
    },
    /// This kernel lacks the qdisc asked for (the lab file's message).
    #[error("{0}")]
    Missing(String),
    /// The kernel could not be checked for the qdisc.
    #[error(transparent)]
    Check(#[from] CheckError),
    /// The lab's lock or journal.
    #[error("lab {lab}: {source}")]
    Journal {
        /// The lab.
        lab: String,
        /// Why.
        source: super::files::FileError,
    },
}

/// A running lab, locked against `up`, `down` and other runtime changes
/// while this lives.
pub struct Running {
    /// The lab as its file describes it.
    pub lab: Lab,
    /// Its journal.
    pub state: State,
    _lock: LabLock,
}

/// Lock the running lab `name` and read its file. Nothing is created for
/// a lab that is not up (not even its lock file).
pub fn open(labdir: &LabDir, name: &str) -> Result<Running, RuntimeError> {
    let not_up = || RuntimeError::NotUp { lab: name.to_string() };
    labdir.read(name).ok_or_else(not_up)?;
    let lock = labdir
        .lock(name, || eprintln!("netns: waiting for another up/down of lab {name} to finish…"))
        .map_err(|source| RuntimeError::Journal { lab: name.to_string(), source })?;
    // Read again under the lock: a `down` may have finished meanwhile.
    let state = labdir.read(name).ok_or_else(not_up)?;
    if state.phase != Phase::Up {
        return Err(RuntimeError::Incomplete { lab: name.to_string(), file: state.file.clone() });
    }
    let file_error = |why: String| RuntimeError::File { lab: name.to_string(), file: state.file.clone(), why };
    let lab = match super::load(&state.file) {
        Ok((_, lab)) if lab.name == name => lab,
        Ok((_, lab)) => return Err(file_error(format!("now describes lab {}", lab.name))),
        Err(_) => return Err(file_error("cannot be read or is no longer valid".into())),
    };
    Ok(Running { lab, state, _lock: lock })
}

/// One interface to change: (node, interface).
pub type Target = (NodeId, IfaceId);

/// Targets opened for a change: one socket per namespace, and each
/// target with the index of its socket and its ifindex.
type Resolved = (Vec<Netlink>, Vec<(Target, usize, u32)>);

/// `"r1:eth0"`.
pub fn target_text(lab: &Lab, (node, iface): Target) -> String {
    format!("{}:{}", lab.nodes[node].name, lab.nodes[node].interfaces[iface].name)
}

/// The interface `NODE:IF` names, if `text` has that form.
pub fn split_target(text: &str) -> Option<(&str, &str)> {
    text.split_once(':').filter(|(n, i)| !n.is_empty() && !i.is_empty())
}

/// A list for a message: the first few names, and how many more.
fn some_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = names.collect();
    let mut text = all.iter().take(12).copied().collect::<Vec<_>>().join(", ");
    if all.len() > 12 {
        text.push_str(&format!(", … {} more", all.len() - 12));
    }
    if text.is_empty() { "none".to_string() } else { text }
}

impl Running {
    /// The node named `name`.
    pub fn node(&self, name: &str) -> Result<NodeId, RuntimeError> {
        self.lab.nodes.iter_enumerated().find(|(_, n)| n.name == name).map(|(i, _)| i).ok_or_else(|| {
            RuntimeError::UnknownNode {
                lab: self.lab.name.clone(),
                node: name.to_string(),
                known: some_names(self.lab.nodes.iter().map(|n| n.name.as_str())),
            }
        })
    }

    /// The interface `NODE:IF`.
    pub fn target(&self, node: &str, ifname: &str) -> Result<Target, RuntimeError> {
        let n = self.node(node)?;
        let ifaces = &self.lab.nodes[n].interfaces;
        match ifaces.iter_enumerated().find(|(_, i)| i.name == ifname) {
            Some((i, _)) => Ok((n, i)),
            None => Err(RuntimeError::UnknownIface {
                lab: self.lab.name.clone(),
                node: node.to_string(),
                ifname: ifname.to_string(),
                known: some_names(ifaces.iter().map(|i| i.name.as_str())),
            }),
        }
    }

    /// Both ends of every link between nodes `a` and `b`.
    pub fn between(&self, a: &str, b: &str) -> Result<Vec<Target>, RuntimeError> {
        let (na, nb) = (self.node(a)?, self.node(b)?);
        let mut out = Vec::new();
        for link in self.lab.links.iter() {
            let [x, y] = &link.ends;
            if (x.node == na && y.node == nb) || (x.node == nb && y.node == na) {
                for ep in [x, y] {
                    let iface = self.lab.nodes[ep.node]
                        .interfaces
                        .iter_enumerated()
                        .find(|(_, i)| i.name == ep.ifname && matches!(i.kind, IfaceKind::Veth { .. }));
                    if let Some((i, _)) = iface {
                        out.push((ep.node, i));
                    }
                }
            }
        }
        if out.is_empty() {
            return Err(RuntimeError::NoLink { lab: self.lab.name.clone(), a: a.to_string(), b: b.to_string() });
        }
        Ok(out)
    }

    /// A netlink socket inside `node`'s namespace, once its ownership mark
    /// says it is this lab's node.
    fn netlink(&self, run: &RunDir, node: NodeId) -> Result<Netlink, RuntimeError> {
        let n = &self.lab.nodes[node];
        let not_ours = |why: String| RuntimeError::NotOurs {
            lab: self.lab.name.clone(),
            node: n.name.clone(),
            ns: n.ns.clone(),
            why,
        };
        match owner::owner_and_handles(run, &n.ns) {
            (Owner::Lab(l, o), Some((_, nl))) if l == self.lab.name && o == n.name => Ok(nl),
            (Owner::Absent | Owner::Placeholder, _) => {
                Err(RuntimeError::NsMissing { lab: self.lab.name.clone(), node: n.name.clone(), ns: n.ns.clone() })
            }
            (Owner::Lab(l, o), _) => Err(not_ours(format!("it is node {o} of lab {l}"))),
            (Owner::Foreign, _) => Err(not_ours("it does not carry the lab's ownership mark".into())),
        }
    }

    /// Open every target's namespace and find its interface, before any
    /// change: (target, socket index, ifindex).
    fn resolve(&self, run: &RunDir, targets: &[Target]) -> Result<Resolved, RuntimeError> {
        let mut socks: Vec<(NodeId, Netlink)> = Vec::new();
        let mut out = Vec::new();
        for &(node, iface) in targets {
            let at = match socks.iter().position(|(n, _)| *n == node) {
                Some(at) => at,
                None => {
                    socks.push((node, self.netlink(run, node)?));
                    socks.len() - 1
                }
            };
            let n = &self.lab.nodes[node];
            let ifname = &n.interfaces[iface].name;
            let link = socks[at].1.link_by_name(ifname).map_err(|source| RuntimeError::Netlink {
                what: format!("cannot read interface {ifname} in {}", n.ns),
                source,
            })?;
            let Some(link) = link else {
                return Err(RuntimeError::IfaceMissing {
                    node: n.name.clone(),
                    ns: n.ns.clone(),
                    ifname: ifname.clone(),
                });
            };
            out.push(((node, iface), at, link.index));
        }
        Ok((socks.into_iter().map(|(_, s)| s).collect(), out))
    }

    /// Record `change` on `target` in the journal (replacing one of the
    /// same kind), or forget it when it is what the file gives anyway.
    fn record(&mut self, target: Target, change: Option<RuntimeChange>, kind: &RuntimeChange) {
        let node = self.lab.nodes[target.0].name.clone();
        let ifname = self.lab.nodes[target.0].interfaces[target.1].name.clone();
        self.state.runtime.retain(|r| !(r.node == node && r.ifname == ifname && r.change.same_kind(kind)));
        if let Some(change) = change {
            self.state.runtime.push(RuntimeRecord { node, ifname, change });
        }
    }

    fn write(&self, labdir: &LabDir) -> Result<(), RuntimeError> {
        labdir.write(&self.state).map_err(|source| RuntimeError::Journal { lab: self.lab.name.clone(), source })
    }

    /// Set every target down or up; the lines say what was done
    /// (`r1:eth0 down`). Every target is checked before any is changed.
    pub fn set_links(
        &mut self,
        run: &RunDir,
        labdir: &LabDir,
        targets: &[Target],
        up: bool,
    ) -> Result<Vec<String>, RuntimeError> {
        let (mut socks, resolved) = self.resolve(run, targets)?;
        let mut done = Vec::new();
        let mut result = Ok(());
        for (target, at, index) in resolved {
            let spec = LinkSpec { index, flags: if up { IFF_UP } else { 0 }, change: IFF_UP, ..LinkSpec::default() };
            if let Err(source) = socks[at].link_write(&spec, LinkWrite::Change) {
                let n = &self.lab.nodes[target.0];
                result = Err(RuntimeError::Netlink {
                    what: format!(
                        "cannot set interface {} {} in {}",
                        n.interfaces[target.1].name,
                        if up { "up" } else { "down" },
                        n.ns
                    ),
                    source,
                });
                break;
            }
            let kind = RuntimeChange::Link { up };
            let as_file = self.lab.nodes[target.0].interfaces[target.1].up == up;
            self.record(target, (!as_file).then(|| kind.clone()), &kind);
            done.push(format!("{} {}", target_text(&self.lab, target), if up { "up" } else { "down" }));
        }
        // What was done is recorded even when a later target failed.
        if !done.is_empty() {
            self.write(labdir)?;
        }
        result.map(|()| done)
    }

    /// Shape `target` as `netem` says (`settings` is its text), replacing
    /// whatever shaping it had. A kernel without the qdisc it needs
    /// refuses before anything changes, with the lab file's message.
    pub fn impair(
        &mut self,
        run: &RunDir,
        labdir: &LabDir,
        target: Target,
        netem: &Netem,
        settings: &str,
    ) -> Result<String, RuntimeError> {
        let what = format!("interface {}", target_text(&self.lab, target));
        if let Some(message) = features::shaping_missing(&what, netem)? {
            return Err(RuntimeError::Missing(message));
        }
        let (mut socks, resolved) = self.resolve(run, &[target])?;
        let (_, at, index) = resolved[0];
        shaping::apply(&mut socks[at], index, Some(netem)).map_err(|source| RuntimeError::Shaping { what, source })?;
        let kind = RuntimeChange::Impair { settings: settings.to_string() };
        let file = self.lab.nodes[target.0].interfaces[target.1].netem.as_ref().map(Netem::config);
        let as_file = file == Some(netem.config());
        self.record(target, (!as_file).then(|| kind.clone()), &kind);
        self.write(labdir)?;
        Ok(format!("{} {settings}", target_text(&self.lab, target)))
    }

    /// Give `target` back the shaping its file gives it (none, a rate, …),
    /// and forget its runtime shaping.
    pub fn reset(&mut self, run: &RunDir, labdir: &LabDir, target: Target) -> Result<String, RuntimeError> {
        let (mut socks, resolved) = self.resolve(run, &[target])?;
        let (_, at, index) = resolved[0];
        let file = self.lab.nodes[target.0].interfaces[target.1].netem.clone();
        let what = format!("interface {}", target_text(&self.lab, target));
        shaping::apply(&mut socks[at], index, file.as_ref())
            .map_err(|source| RuntimeError::Shaping { what, source })?;
        let kind = RuntimeChange::Impair { settings: String::new() };
        self.record(target, None, &kind);
        self.write(labdir)?;
        Ok(format!("{} {}", target_text(&self.lab, target), shaping_text(file.as_ref())))
    }

    /// The shaping of every interface of the lab, as the kernel has it.
    pub fn show(&self, run: &RunDir) -> Result<Vec<ShowRow>, RuntimeError> {
        let mut rows = Vec::new();
        let impaired: HashSet<(&str, &str)> = self
            .state
            .runtime
            .iter()
            .filter(|r| matches!(r.change, RuntimeChange::Impair { .. }))
            .map(|r| (r.node.as_str(), r.ifname.as_str()))
            .collect();
        for (node, n) in self.lab.nodes.iter_enumerated() {
            let targets: Vec<Target> = n.interfaces.ids().map(|i| (node, i)).collect();
            if targets.is_empty() {
                continue;
            }
            let (mut socks, resolved) = self.resolve(run, &targets)?;
            // One dump for the whole namespace: the targets are all of its
            // interfaces, each on the one socket of this node.
            let Some(sock) = socks.first_mut() else { continue };
            let roots = sock.qdisc_roots().map_err(|source| RuntimeError::Netlink {
                what: format!("cannot read the qdiscs of namespace {}", n.ns),
                source,
            })?;
            for (target, _, index) in resolved {
                let ifname = &n.interfaces[target.1].name;
                let q = roots.get(&index);
                let runtime = impaired.contains(&(n.name.as_str(), ifname.as_str()));
                let shaped = q.is_some_and(|q| q.tbf.is_some() || q.netem.is_some());
                let source = match () {
                    _ if runtime => "runtime",
                    _ if shaped && n.interfaces[target.1].netem.is_some() => "file",
                    _ if shaped => "outside",
                    _ => "",
                };
                rows.push(ShowRow::new(&n.name, ifname, q, source));
            }
        }
        Ok(rows)
    }
}

/// The shaping of one interface, for `impair show`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ShowRow {
    /// Node.
    pub node: String,
    /// Interface.
    pub interface: String,
    /// Root qdisc kind (`tbf`, `netem`, `noqueue`, …).
    pub qdisc: String,
    /// Rate, bits per second.
    pub rate_bps: Option<u64>,
    /// Delay, microseconds.
    pub delay_us: Option<u64>,
    /// Jitter, microseconds.
    pub jitter_us: Option<u64>,
    /// Loss, percent.
    pub loss: Option<f64>,
    /// Duplication, percent.
    pub duplicate: Option<f64>,
    /// Corruption, percent.
    pub corrupt: Option<f64>,
    /// Who set it: `runtime` (`netns lab … impair`), `file`, `outside`
    /// (neither), or empty (not shaped).
    pub source: &'static str,
}

impl ShowRow {
    fn new(node: &str, ifname: &str, q: Option<&QdiscInfo>, source: &'static str) -> ShowRow {
        let pct = |v: u32| (v > 0).then(|| (f64::from(v) / f64::from(u32::MAX) * 100.0 * 1e4).round() / 1e4);
        let us = |ns: i64| (ns > 0).then(|| (ns as u64).div_ceil(1000));
        let mut row = ShowRow {
            node: node.to_string(),
            interface: ifname.to_string(),
            qdisc: q.map_or_else(|| "none".to_string(), |q| q.kind.clone()),
            rate_bps: None,
            delay_us: None,
            jitter_us: None,
            loss: None,
            duplicate: None,
            corrupt: None,
            source,
        };
        if let Some(t) = q.and_then(|q| q.tbf) {
            row.rate_bps = Some(t.rate_bps);
        }
        if let Some(n) = q.and_then(|q| q.netem) {
            row.rate_bps = (n.rate_bytes > 0).then_some(n.rate_bytes * 8);
            row.delay_us = us(n.latency_ns);
            row.jitter_us = us(n.jitter_ns);
            row.loss = pct(n.loss);
            row.duplicate = pct(n.duplicate);
            row.corrupt = pct(n.corrupt);
        }
        row
    }
}

/// A duration as tc writes it: `10ms`, `1.5ms`, `250us`.
pub fn duration_text(us: u64) -> String {
    match us {
        u if u >= 1_000_000 && u % 1_000_000 == 0 => format!("{}s", u / 1_000_000),
        u if u >= 1000 && u % 1000 == 0 => format!("{}ms", u / 1000),
        u if u >= 1000 && u % 100 == 0 => format!("{}ms", u as f64 / 1000.0),
        u => format!("{u}us"),
    }
}

/// The settings of `n` as words: `rate 10mbit delay 10ms jitter 2ms loss 1%`.
pub fn settings_text(n: &Netem) -> String {
    let mut w = Vec::new();
    if let Some(r) = n.rate_bps {
        w.push(format!("rate {}", rate_text(r)));
    }
    if let Some(d) = n.delay_us {
        w.push(format!("delay {}", duration_text(d)));
    }
    if let Some(j) = n.jitter_us {
        w.push(format!("jitter {}", duration_text(j)));
    }
    for (key, v) in [("loss", n.loss), ("duplicate", n.duplicate), ("corrupt", n.corrupt)] {
        if let Some(v) = v {
            w.push(format!("{key} {v}%"));
        }
    }
    w.join(" ")
}

/// What the file gives an interface, in words: `no shaping`, `rate 20mbit`.
pub fn shaping_text(n: Option<&Netem>) -> String {
    match n.map(settings_text) {
        Some(t) if !t.is_empty() => t,
        _ => "no shaping".to_string(),
    }
}

/// Parse `[rate R] [delay D] [jitter J] [loss P%] [duplicate P%]
/// [corrupt P%]`: the impairment and its normalised text. At least one
/// key; each at most once; a jitter needs a delay.
pub fn parse_impair(words: &[String]) -> Result<(Netem, String), String> {
    use super::parse::units;
    let mut n = Netem::default();
    let mut it = words.iter();
    let mut seen: Vec<&str> = Vec::new();
    while let Some(key) = it.next() {
        let key = key.as_str();
        if !["rate", "delay", "jitter", "loss", "duplicate", "corrupt"].contains(&key) {
            return Err(format!(
                "unknown impairment \"{key}\" (expected rate, delay, jitter, loss, duplicate or corrupt)"
            ));
        }
        if seen.contains(&key) {
            return Err(format!("\"{key}\" is given twice"));
        }
        seen.push(key);
        let value = it.next().ok_or_else(|| format!("\"{key}\" needs a value"))?;
        let pct = |v: &str| {
            let v = if v.ends_with('%') { v.to_string() } else { format!("{v}%") };
            units::percent_str(&v).map_err(|e| format!("{key}: {e}"))
        };
        match key {
            "rate" => {
                let r = units::rate_bps(value).map_err(|e| format!("rate: {e}"))?;
                if r < shaping::RATE_MIN_BPS {
                    return Err(format!("rate: {r}bit is below the minimum of {}bit", shaping::RATE_MIN_BPS));
                }
                n.rate_bps = Some(r);
            }
            "delay" => n.delay_us = Some(units::duration_us(value).map_err(|e| format!("delay: {e}"))?),
            "jitter" => n.jitter_us = Some(units::duration_us(value).map_err(|e| format!("jitter: {e}"))?),
            "loss" => n.loss = Some(pct(value)?),
            "duplicate" => n.duplicate = Some(pct(value)?),
            _ => n.corrupt = Some(pct(value)?),
        }
    }
    if seen.is_empty() {
        return Err("no impairment given (rate, delay, jitter, loss, duplicate or corrupt)".into());
    }
    if n.jitter_us.is_some() && n.delay_us.is_none() {
        return Err("jitter needs a delay (jitter varies the delay)".into());
    }
    let text = settings_text(&n);
    Ok((n, text))
}

/// Is `action` (a step of the plan that brings the lab back to its file)
/// the undoing of the runtime change `rec`, and nothing else?
pub fn undoes(lab: &Lab, rec: &RuntimeRecord, action: &Action) -> bool {
    let names = |node: &NodeId, ifname: &str| lab.nodes[*node].name == rec.node && ifname == rec.ifname;
    match (&rec.change, action) {
        (
            RuntimeChange::Link { .. },
            Action::SetLink { node, iface, up: Some(_), mtu: None, mac: None, master: false },
        ) => names(node, &lab.nodes[*node].interfaces[*iface].name),
        (RuntimeChange::Impair { .. }, Action::Qdisc { node, ifname, .. }) => names(node, ifname),
        _ => false,
    }
}

/// What the plan step `action`, undoing `rec`, gives back: `up`,
/// `no shaping`, `rate 20mbit`.
pub fn restored_text(rec: &RuntimeRecord, action: &Action) -> String {
    match (&rec.change, action) {
        (RuntimeChange::Link { up }, _) => if *up { "down" } else { "up" }.to_string(),
        (_, Action::Qdisc { netem, .. }) => shaping_text(netem.as_ref()),
        _ => String::new(),
    }
}

/// Split a plan's steps into the runtime changes they undo (each record
/// with the step undoing it) and the rest (drift made outside netns).
pub fn split<'a>(
    lab: &Lab,
    runtime: &'a [RuntimeRecord],
    actions: &'a [Action],
) -> (Vec<(&'a RuntimeRecord, &'a Action)>, Vec<&'a Action>) {
    let mut changes = Vec::new();
    let mut rest = Vec::new();
    for a in actions {
        match runtime.iter().find(|r| undoes(lab, r, a)) {
            Some(r) => changes.push((r, a)),
            None => rest.push(a),
        }
    }
    (changes, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn impairments_parse_and_print_back() {
        let (n, text) =
            parse_impair(&words("delay 10ms jitter 2ms loss 1% duplicate 0.5 corrupt 0.1% rate 10mbit")).unwrap();
        assert_eq!(n.delay_us, Some(10_000));
        assert_eq!(n.jitter_us, Some(2_000));
        assert_eq!(n.loss, Some(1.0));
        assert_eq!(n.duplicate, Some(0.5));
        assert_eq!(n.corrupt, Some(0.1));
        assert_eq!(n.rate_bps, Some(10_000_000));
        assert_eq!(text, "rate 10mbit delay 10ms jitter 2ms loss 1% duplicate 0.5% corrupt 0.1%");
        assert!(n.needs_netem());
        let (r, text) = parse_impair(&words("rate 1500kbit")).unwrap();
        assert!(!r.needs_netem());
        assert_eq!(text, "rate 1500kbit");
    }

    #[test]
    fn bad_impairments_say_why() {
        let err = |s: &str| parse_impair(&words(s)).unwrap_err();
        assert!(err("").contains("no impairment"));
        assert!(err("speed 1mbit").contains("unknown impairment \"speed\""));
        assert!(err("rate").contains("\"rate\" needs a value"));
        assert!(err("rate 1mbit rate 2mbit").contains("given twice"));
        assert!(err("loss 120%").contains("not a percentage"));
        assert!(err("rate fast").contains("is not a rate"));
        assert!(err("jitter 1ms").contains("jitter needs a delay"));
        assert!(err("rate 1bit").contains("below the minimum"));
    }

    #[test]
    fn durations_print_as_tc_does() {
        assert_eq!(duration_text(10_000), "10ms");
        assert_eq!(duration_text(1_500), "1.5ms");
        assert_eq!(duration_text(250), "250us");
        assert_eq!(duration_text(2_000_000), "2s");
    }
}
