//! `netns top`: live packet, bit, drop and error rates of many namespaces
//! and their interfaces, from their counters read over netlink.
//!
//! A [`Sampler`] keeps one netlink socket per namespace, opened inside it
//! once (a socket stays bound to the namespace it was made in), so a
//! sample is one link dump per namespace from the calling thread: nothing
//! enters a namespace after the start. The sockets fit the open-files
//! limit: the soft limit is raised towards the hard one, and namespaces
//! beyond what it allows are entered again for each sample instead.
//! [`rates`] turns two samples into rates; [`render`] prints them as JSON
//! lines or a table; [`tui`] is the full-screen view.

pub mod rates;
pub mod render;
pub mod tui;

use crate::namespace::{NetNs, NsId, open_ns_file};
use crate::netlink::link::LinkCounters;
use crate::netlink::{Netlink, NlError};
use std::collections::HashSet;
use std::fmt;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::{Instant, SystemTime};

/// One namespace to watch: how it is shown and where to open it.
#[derive(Debug, Clone)]
pub struct Source {
    /// Its name in the run directory, if it has one.
    pub name: Option<String>,
    /// The namespace's inode (`net:[INODE]`).
    pub inode: u64,
    /// The initial namespace (PID 1's).
    pub root: bool,
    /// Where to open it again: a run-directory entry or `/proc/PID/ns/net`.
    pub path: PathBuf,
    /// The namespace netns runs in: its socket is opened without entering.
    pub current: bool,
}

impl Source {
    /// Open `path` and describe it; `current` when it is the namespace
    /// netns runs in.
    pub fn open(path: PathBuf, name: Option<String>, root_id: Option<NsId>) -> std::io::Result<Source> {
        let m = open_ns_file(&path)?.metadata()?;
        let id = NsId { dev: m.dev(), ino: m.ino() };
        let current = std::fs::metadata("/proc/thread-self/ns/net").is_ok_and(|c| c.ino() == m.ino());
        Ok(Source { name, inode: id.ino, root: Some(id) == root_id, path, current })
    }

    /// What a person reads: the name, `(root)`, or `net:[INODE]`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None if self.root => "(root)".into(),
            None if self.current => "(current)".into(),
            None => format!("net:[{}]", self.inode),
        }
    }
}

/// Why a namespace could not be read.
#[derive(Debug)]
pub enum TopError {
    /// Its file could not be opened again (a name removed since).
    Open { ns: String, source: std::io::Error },
    /// Entering it was refused: that takes `CAP_SYS_ADMIN`.
    NeedsRoot { ns: String },
    /// Opening a socket inside or dumping its links failed.
    Netlink { ns: String, source: NlError },
    /// Its name now points at another namespace, or at none.
    Gone { ns: String },
}

impl fmt::Display for TopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TopError::Open { ns, source } => {
                write!(f, "netns top: cannot open namespace {ns}: {}", crate::sys::io_text(source))
            }
            TopError::NeedsRoot { ns } => write!(
                f,
                "netns top: cannot read namespace {ns}: entering it needs root (CAP_SYS_ADMIN); \
                 without root only the namespace netns runs in can be read"
            ),
            TopError::Netlink { ns, source } => write!(f, "netns top: cannot read namespace {ns}: {source}"),
            TopError::Gone { ns } => write!(f, "netns top: namespace {ns} was removed; no longer watched"),
        }
    }
}

impl std::error::Error for TopError {}

/// The counters of one interface at one sample.
pub type IfCounters = LinkCounters;

/// One sample: the counters of every interface of every namespace still
/// watched (`links[i]` belongs to `sampler.sources()[i]`; `None` when that
/// namespace could not be read this time).
#[derive(Debug, Clone)]
pub struct Sample {
    /// When it was taken (for rates).
    pub at: Instant,
    /// When it was taken (for people and the JSON `time`).
    pub time: SystemTime,
    /// Per source, in the sampler's order.
    pub links: Vec<Option<Vec<IfCounters>>>,
}

struct Slot {
    source: Source,
    /// The socket inside, kept between samples while descriptors allow.
    sock: Option<Netlink>,
    /// The namespace stopped being readable: it is no longer sampled.
    dead: bool,
}

/// Keeps a socket in each watched namespace and reads their counters.
pub struct Sampler {
    slots: Vec<Slot>,
    /// The inodes of `slots`, kept as slots come and go: a rescan at every
    /// interval asks it of each name, and it is not rebuilt for that.
    watched: HashSet<u64>,
}

fn open_socket(source: &Source) -> Result<Netlink, TopError> {
    let ns = || source.label();
    if source.current {
        return Netlink::open().map_err(|e| TopError::Netlink { ns: ns(), source: NlError::Io(e) });
    }
    let handle = NetNs::open_path(&source.path).map_err(|e| TopError::Open { ns: ns(), source: e })?;
    // The name may have been given to another namespace since.
    if handle.id().map(|id| id.ino).ok() != Some(source.inode) {
        return Err(TopError::Gone { ns: ns() });
    }
    handle.netlink().map_err(|e| match e {
        NlError::Io(io) if matches!(io.raw_os_error(), Some(libc::EPERM | libc::EACCES)) => {
            TopError::NeedsRoot { ns: ns() }
        }
        e => TopError::Netlink { ns: ns(), source: e },
    })
}

/// Every interface of the namespace of `nl`, with its counters.
fn read_counters(nl: &mut Netlink) -> Result<Vec<IfCounters>, NlError> {
    nl.link_counters()
}

impl Sampler {
    /// Open a socket in each source, as many as the open-files limit
    /// allows (raised towards the hard limit first); the others are
    /// entered again at each sample. A source that cannot be entered is
    /// left out, with its error.
    pub fn open(sources: Vec<Source>) -> (Sampler, Vec<TopError>) {
        crate::sys::reserve_fds(64 + sources.len());
        let mut keep = crate::sys::spare_fds();
        let mut errors = Vec::new();
        let mut slots = Vec::with_capacity(sources.len());
        for source in sources {
            match open_socket(&source) {
                Ok(sock) => {
                    let sock = if keep > 0 {
                        keep -= 1;
                        Some(sock)
                    } else {
                        None
                    };
                    slots.push(Slot { source, sock, dead: false });
                }
                Err(e) => errors.push(e),
            }
        }
        let watched = slots.iter().map(|s| s.source.inode).collect();
        (Sampler { slots, watched }, errors)
    }

    /// Follow a changing set of namespaces: drop the slots `keep` turns
    /// down and those no longer readable (from `last` too, so that the
    /// positions of `last` and of the next sample still agree), then watch
    /// each of `new` not watched yet. Slots keep their order, new ones
    /// come last. Returns the new namespaces that could not be entered,
    /// with their inodes (not to be offered again).
    pub fn update(
        &mut self,
        last: &mut Sample,
        keep: impl Fn(&Source) -> bool,
        new: Vec<Source>,
    ) -> Vec<(u64, TopError)> {
        // One pass over both lists, which stay in step: a slot dropped
        // takes its entry of `last` with it (removing entries one by one
        // would shift the rest each time).
        let stays: Vec<bool> = self.slots.iter().map(|slot| !slot.dead && keep(&slot.source)).collect();
        let mut stay = stays.iter();
        last.links.retain(|_| stay.next().copied().unwrap_or(true));
        let mut stay = stays.iter();
        let watched = &mut self.watched;
        self.slots.retain(|slot| {
            let kept = stay.next().copied().unwrap_or(true);
            if !kept {
                watched.remove(&slot.source.inode);
            }
            kept
        });
        let mut refused = Vec::new();
        if new.is_empty() {
            return refused;
        }
        let mut spare = crate::sys::spare_fds();
        // Each namespace is tried once, under whichever of its names comes first.
        let mut tried: HashSet<u64> = HashSet::new();
        for source in new {
            if self.watched.contains(&source.inode) || !tried.insert(source.inode) {
                continue;
            }
            match open_socket(&source) {
                Ok(sock) => {
                    // Opened again at each sample when descriptors run short.
                    let sock = if spare > 0 { Some(sock) } else { None };
                    spare = spare.saturating_sub(1);
                    self.watched.insert(source.inode);
                    self.slots.push(Slot { source, sock, dead: false });
                }
                Err(e) => refused.push((source.inode, e)),
            }
        }
        refused
    }

    /// The inodes of the namespaces watched.
    pub fn inodes(&self) -> &HashSet<u64> {
        &self.watched
    }

    /// The namespaces watched, in sample order.
    pub fn sources(&self) -> impl Iterator<Item = &Source> {
        self.slots.iter().map(|s| &s.source)
    }

    /// Read every namespace's counters. A namespace whose name was removed
    /// (or given to another namespace) is dropped, with an error: holding
    /// its socket would keep a deleted namespace alive.
    pub fn sample(&mut self, errors: &mut Vec<TopError>) -> Sample {
        let mut links = Vec::with_capacity(self.slots.len());
        for slot in &mut self.slots {
            if slot.dead {
                links.push(None);
                continue;
            }
            if slot.source.name.is_some() && !still_there(&slot.source) {
                slot.dead = true;
                slot.sock = None;
                errors.push(TopError::Gone { ns: slot.source.label() });
                links.push(None);
                continue;
            }
            let read = match &mut slot.sock {
                Some(nl) => read_counters(nl),
                None => match open_socket(&slot.source) {
                    Ok(mut nl) => read_counters(&mut nl),
                    Err(e) => {
                        slot.dead = true;
                        errors.push(e);
                        links.push(None);
                        continue;
                    }
                },
            };
            match read {
                Ok(v) => links.push(Some(v)),
                Err(e) => {
                    slot.dead = true;
                    slot.sock = None;
                    errors.push(TopError::Netlink { ns: slot.source.label(), source: e });
                    links.push(None);
                }
            }
        }
        Sample { at: Instant::now(), time: SystemTime::now(), links }
    }
}

/// The name still names the namespace it named at the start.
fn still_there(source: &Source) -> bool {
    std::fs::metadata(&source.path).is_ok_and(|m| m.ino() == source.inode)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A namespace to watch: `current`, so that its socket opens without
    /// entering anything (and without root).
    fn source(inode: u64) -> Source {
        Source {
            name: Some(format!("n{inode}")),
            inode,
            root: false,
            path: PathBuf::from("/nonexistent"),
            current: true,
        }
    }

    /// A sample entry that says which namespace it was read from.
    fn counters(inode: u64) -> Option<Vec<IfCounters>> {
        Some(vec![IfCounters { index: inode as u32, ..IfCounters::default() }])
    }

    #[test]
    fn update_drops_slots_with_their_samples_and_watches_each_new_namespace_once() {
        let slots: Vec<Slot> = (1..=6).map(|i| Slot { source: source(i), sock: None, dead: i == 4 }).collect();
        let mut sampler = Sampler { watched: slots.iter().map(|s| s.source.inode).collect(), slots };
        let mut last = Sample { at: Instant::now(), time: SystemTime::now(), links: (1..=6).map(counters).collect() };
        // 2 and 5 are turned down, 4 is dead; 3 is watched already, 7 comes
        // twice (two names of one namespace), 5 comes back.
        let new = vec![source(3), source(7), source(7), source(5)];
        let refused = sampler.update(&mut last, |s| s.inode % 3 != 2, new);
        assert!(refused.is_empty(), "{:?}", refused.iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>());
        let order: Vec<u64> = sampler.sources().map(|s| s.inode).collect();
        assert_eq!(order, [1, 3, 6, 7, 5]);
        let kept: Vec<Option<Vec<IfCounters>>> = [1, 3, 6].into_iter().map(counters).collect();
        assert_eq!(last.links, kept, "the last sample keeps the entries of the slots kept, in step");
        assert_eq!(*sampler.inodes(), HashSet::from([1, 3, 6, 7, 5]));
        // Dropping everything leaves nothing watched.
        let refused = sampler.update(&mut last, |_| false, Vec::new());
        assert!(refused.is_empty());
        assert_eq!(sampler.sources().count(), 0);
        assert!(sampler.inodes().is_empty() && last.links.is_empty());
    }
}
