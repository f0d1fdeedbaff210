//! `netns prune`: find the names in the run directory that nothing uses any
//! more, and remove them the way `netns delete` does, but only after
//! checking each again under the run directory's lock.
//!
//! A name is removed when it is
//! - a network namespace with no interface but `lo` up (interfaces that
//!   are down do not count), no process inside, no descriptor open on it,
//!   no other mount of it, no lab claiming it, no veth whose peer lives in
//!   another namespace, and at least [`Options::min_age`] old; or
//! - a stale placeholder: an empty regular file with nothing mounted on it
//!   (an `add` that was interrupted, or a name whose mount went away), at
//!   least as old.
//!
//! Anything else in the run directory (a symbolic link, a directory, a
//! file with data, a FIFO, a device, a file mounted from elsewhere) is
//! never removed; a symbolic link is never followed.
//!
//! The lab layer is not named here: the command line hands over who claims
//! which name ([`Claims`]).

pub mod render;

use crate::namespace::{NetNs, NsId};
use crate::netlink::link::LinkQuery;
use crate::procscan::{Holders, ProcScan};
use crate::rundir::{Entry, EntryKind, NsName, RunDir, RunDirError};
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// How old a name must be before prune removes it, by default: an `add`
/// by iproute2 creates the placeholder and mounts onto it microseconds
/// apart, and a tool that makes a namespace and then moves interfaces
/// into it needs a moment too.
pub const DEFAULT_MIN_AGE: u64 = 10;

/// Who, above this module, claims names in the run directory.
pub struct Claims {
    /// Names a lab's state lists: name → (lab, node).
    pub listed: HashMap<OsString, (String, String)>,
    /// Reads a lab's ownership mark from `lo`'s alias: (lab, node).
    pub mark: fn(&str) -> Option<(String, String)>,
}

/// How prune judges.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Names younger than this many seconds are kept.
    pub min_age: u64,
    /// The process may enter namespaces (CAP_SYS_ADMIN): without it, a
    /// namespace's interfaces and lab mark cannot be read.
    pub can_enter: bool,
}

/// What prune does with a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Remove it (or, with `--dry-run`, would).
    Remove,
    /// Leave it.
    Keep,
    /// It could not be judged (a permission, a read that failed): left.
    Unknown,
}

impl Action {
    /// The word for JSON.
    pub fn word(self) -> &'static str {
        match self {
            Action::Remove => "remove",
            Action::Keep => "keep",
            Action::Unknown => "unknown",
        }
    }
}

/// One interface of a namespace other than `lo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iface {
    /// Its name.
    pub name: String,
    /// IFF_UP (administratively up).
    pub up: bool,
}

/// What happened when prune tried to remove a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not tried (kept, unknown, or `--dry-run`).
    NotTried,
    /// Removed.
    Removed,
    /// Checked again right before removal and no longer to be removed:
    /// why (then it was left).
    Changed(String),
    /// The removal failed: the message.
    Failed(String),
}

/// One name of the run directory and what prune makes of it.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The name.
    pub name: NsName,
    /// What it is (`None`: it could not be examined).
    pub entry: Option<Entry>,
    /// What to do.
    pub action: Action,
    /// Why, in words.
    pub reason: String,
    /// Kept although nothing uses it as a network (no interface up): by a
    /// protection (a lab, a process, its age) or because it is no name
    /// `add` makes. The text output lists these; names in use are only
    /// counted.
    pub near_miss: bool,
    /// Its interfaces but `lo`, when they could be read.
    pub interfaces: Option<Vec<Iface>>,
    /// Processes with a thread inside it.
    pub inside: Vec<u32>,
    /// Processes with a descriptor open on it.
    pub held_by: Vec<u32>,
    /// Other mount points of it in this mount namespace.
    pub mounts: Vec<String>,
    /// The lab (and node) that claims it.
    pub lab: Option<(String, String)>,
    /// Seconds since it was made, when known.
    pub age: Option<u64>,
    /// What removing it did.
    pub outcome: Outcome,
}

/// The run directory as prune found it.
#[derive(Debug)]
pub struct Survey {
    /// Every name, sorted by its bytes.
    pub entries: Vec<Judged>,
    /// The run directory does not exist.
    pub missing: bool,
}

/// What is known about who holds namespaces, from one walk of `/proc` and
/// of this mount namespace's mounts.
struct Seen {
    /// `None`: `/proc` could not be walked (the error, in words).
    holders: Result<Holders, String>,
    /// nsfs inode → its mount points.
    mounts: BTreeMap<u64, Vec<String>>,
    /// The run directory's real path, to tell a name's own mount from
    /// others.
    run_dir: Option<std::path::PathBuf>,
    now: i64,
}

impl Seen {
    /// `only`: the mounts of this one namespace are enough (the second
    /// look before a removal).
    fn look(run: &RunDir, only: Option<NsId>) -> Seen {
        let holders = ProcScan::open()
            .and_then(|scan| scan.holders(std::process::id()))
            .map_err(|e| format!("cannot read /proc: {}", crate::sys::Errno::of(&e)));
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        Seen {
            holders,
            mounts: nsfs_mounts(only.map(|id| id.ino)),
            run_dir: std::fs::canonicalize(run.path()).ok(),
            now,
        }
    }
}

/// Look at every name of the run directory. `Err`: the directory cannot be
/// read (the message).
pub fn survey(run: &RunDir, claims: &Claims, opts: &Options) -> Result<Survey, Vec<u8>> {
    let mut names = match run.names() {
        Ok(n) => n,
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(Survey { entries: Vec::new(), missing: true }),
        Err(e) => {
            return Err(crate::msg!(
                "Cannot open netns runtime directory \"",
                run.path(),
                "\": ",
                crate::sys::Errno::of(&e)
            ));
        }
    };
    names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    let seen = Seen::look(run, None);
    let entries = names
        .iter()
        // Every readdir entry is one path component.
        .filter_map(|n| NsName::existing(n).ok())
        .map(|name| judge(run, claims, opts, &seen, name))
        .collect();
    Ok(Survey { entries, missing: false })
}

/// Remove every name judged [`Action::Remove`], one at a time: with the
/// run directory's lock held, look again at the name, at every process
/// and at the mounts, and remove it only when the verdict still stands and
/// the name is still the file judged (see [`RunDir::delete_examined`]).
/// `each` is called after every attempt.
pub fn remove(run: &RunDir, claims: &Claims, opts: &Options, survey: &mut Survey, each: &mut dyn FnMut(&Judged)) {
    for j in survey.entries.iter_mut().filter(|j| j.action == Action::Remove) {
        let Some(entry) = j.entry.clone() else { continue };
        j.outcome = match run.lock() {
            Err(e) => Outcome::Failed(String::from_utf8_lossy(&e.message()).into_owned()),
            Ok(lock) => {
                let only = match &entry {
                    Entry::Namespace { id, .. } => Some(*id),
                    _ => None,
                };
                let again = judge(run, claims, opts, &Seen::look(run, only), j.name.clone());
                if again.action != Action::Remove {
                    Outcome::Changed(again.reason)
                } else {
                    match run.delete_examined(&lock, &j.name, &entry) {
                        Ok(()) => Outcome::Removed,
                        Err(RunDirError::Changed { now, .. }) => {
                            Outcome::Changed(format!("the name was replaced: it is now {now}"))
                        }
                        Err(e) => Outcome::Failed(String::from_utf8_lossy(&e.message()).into_owned()),
                    }
                }
            }
        };
        each(j);
    }
}

fn judge(run: &RunDir, claims: &Claims, opts: &Options, seen: &Seen, name: NsName) -> Judged {
    let mut j = Judged {
        name,
        entry: None,
        action: Action::Unknown,
        reason: String::new(),
        near_miss: true,
        interfaces: None,
        inside: Vec::new(),
        held_by: Vec::new(),
        mounts: Vec::new(),
        lab: None,
        age: None,
        outcome: Outcome::NotTried,
    };
    let entry = match run.examine(&j.name) {
        Ok(e) => e,
        Err(e) => {
            j.reason = format!("cannot be examined: {}", crate::sys::Errno::of(&e));
            return j;
        }
    };
    j.entry = Some(entry.clone());
    let (action, reason) = match entry {
        Entry::Other { kind: EntryKind::Symlink, .. } => {
            (Action::Keep, "a symbolic link: prune never follows or removes one".to_string())
        }
        Entry::Other { what, .. } => (Action::Keep, format!("{what}: not a namespace or a placeholder")),
        Entry::Placeholder { mtime, .. } => {
            let age = age(seen.now, mtime);
            j.age = Some(age);
            if age < opts.min_age {
                (Action::Keep, format!("an empty placeholder made {age} s ago: an add may still be mounting onto it"))
            } else {
                (Action::Remove, "stale placeholder: not a namespace mount".to_string())
            }
        }
        Entry::Namespace { id, mtime } => {
            j.age = Some(age(seen.now, mtime));
            judge_namespace(run, claims, opts, seen, &mut j, id)
        }
    };
    j.action = action;
    j.reason = reason;
    j
}

fn age(now: i64, mtime: i64) -> u64 {
    u64::try_from(now.saturating_sub(mtime)).unwrap_or(0)
}

/// The verdict on a namespace; fills in what was found on the way.
fn judge_namespace(
    run: &RunDir,
    claims: &Claims,
    opts: &Options,
    seen: &Seen,
    j: &mut Judged,
    id: NsId,
) -> (Action, String) {
    j.lab = claims.listed.get(j.name.as_os_str()).cloned();
    let mut marked = false;
    let mut peer_elsewhere = None;
    let mut read_error = None;
    if opts.can_enter {
        match read_links(run, &j.name, id) {
            Ok(links) => {
                if let Some(m) = links.lo_alias.as_deref().and_then(claims.mark) {
                    j.lab = Some(m);
                    marked = true;
                }
                peer_elsewhere = links.peer_elsewhere;
                j.interfaces = Some(links.ifaces);
            }
            Err(e) => read_error = Some(e),
        }
    }
    let unreadable = match &seen.holders {
        Ok(h) => {
            j.inside = h.inside.get(&id).cloned().unwrap_or_default();
            j.held_by = h.open.get(&id).cloned().unwrap_or_default();
            (!h.unreadable.is_empty()).then(|| {
                format!(
                    "cannot tell whether a process holds it: {} could not be read",
                    plural(h.unreadable.len(), "process", "processes")
                )
            })
        }
        Err(e) => Some(format!("cannot tell whether a process holds it: {e}")),
    };
    let own = seen.run_dir.as_ref().map(|d| d.join(j.name.as_os_str()));
    j.mounts = seen
        .mounts
        .get(&id.ino)
        .map(|points| {
            points
                .iter()
                .filter(|p| own.as_ref().is_none_or(|o| o.as_os_str().as_bytes() != p.as_bytes()))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let up: Vec<&str> = j.interfaces.iter().flatten().filter(|i| i.up).map(|i| i.name.as_str()).collect();
    j.near_miss = up.is_empty();
    let keep = |why: String| (Action::Keep, why);
    if let Some((lab, node)) = &j.lab {
        return keep(if marked {
            format!("lab {lab} (node {node}): its ownership mark is on lo")
        } else {
            format!("lab {lab} (node {node}) lists it in its state")
        });
    }
    if !j.inside.is_empty() {
        return keep(format!("a process is inside: {}", pids_words(&j.inside)));
    }
    if !j.held_by.is_empty() {
        return keep(format!("held open by {}", pids_words(&j.held_by)));
    }
    if !j.mounts.is_empty() {
        return keep(format!("also mounted at {}", j.mounts.join(", ")));
    }
    if !up.is_empty() {
        return keep(format!("in use: interfaces up: {}", up.join(", ")));
    }
    if let Some(veth) = peer_elsewhere {
        return keep(format!("{veth}'s peer is in another namespace, and removing this namespace would delete it"));
    }
    let age = j.age.unwrap_or(0);
    if age < opts.min_age {
        return keep(format!("made {age} s ago: it may still be being set up"));
    }
    if !opts.can_enter {
        return (
            Action::Unknown,
            "reading a namespace's interfaces and lab mark needs root (CAP_SYS_ADMIN)".to_string(),
        );
    }
    if let Some(e) = read_error {
        return (Action::Unknown, e);
    }
    if let Some(why) = unreadable {
        return (Action::Unknown, why);
    }
    let down: Vec<&str> = j.interfaces.iter().flatten().map(|i| i.name.as_str()).collect();
    if down.is_empty() {
        (Action::Remove, "no process, only lo".to_string())
    } else {
        (Action::Remove, format!("no process, interfaces down: {}", down.join(", ")))
    }
}

/// What a namespace's interfaces say.
struct Links {
    /// Every interface but `lo`.
    ifaces: Vec<Iface>,
    /// The alias of `lo` (where a lab puts its mark).
    lo_alias: Option<String>,
    /// A veth whose peer is in another namespace.
    peer_elsewhere: Option<String>,
}

/// Read a namespace's interfaces. The namespace is opened by name and must
/// still be the one examined.
fn read_links(run: &RunDir, name: &NsName, id: NsId) -> Result<Links, String> {
    let ns = NetNs::open_name(run, name).map_err(|e| format!("cannot open it: {}", crate::sys::Errno::of(&e)))?;
    if ns.id().ok() != Some(id) {
        return Err("it was replaced while prune looked at it".to_string());
    }
    let links = ns
        .netlink()
        .and_then(|mut nl| nl.links_with(LinkQuery { stats: false, family: 0 }))
        .map_err(|e| format!("cannot read its interfaces: {e}"))?;
    let mut found = Links { ifaces: Vec::new(), lo_alias: None, peer_elsewhere: None };
    for l in links {
        if l.link_type == LOOPBACK || l.index == 1 {
            if l.index == 1 {
                found.lo_alias = l.alias.clone();
            }
            continue;
        }
        if found.peer_elsewhere.is_none() && l.kind() == Some("veth") && l.link_netnsid.is_some_and(|n| n >= 0) {
            found.peer_elsewhere = Some(l.name.clone());
        }
        found.ifaces.push(Iface { up: l.is_up(), name: l.name });
    }
    Ok(found)
}

/// ARPHRD_LOOPBACK.
const LOOPBACK: u16 = 772;

/// `812 (sleep)`, `812 (sleep), 813 (sleep) and 4 more`.
fn pids_words(pids: &[u32]) -> String {
    const SHOWN: usize = 3;
    let mut words: Vec<String> = pids
        .iter()
        .take(SHOWN)
        .map(|&p| match crate::procscan::comm(p) {
            Some(c) => format!("{p} ({c})"),
            None => p.to_string(),
        })
        .collect();
    if pids.len() > SHOWN {
        words.push(format!("and {} more", pids.len() - SHOWN));
    }
    words.join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Every nsfs mount of this mount namespace (or only those of namespace
/// `only`): the namespace's inode (the mount's root, `net:[INODE]`) →
/// mount points, with mountinfo's octal escapes undone.
fn nsfs_mounts(only: Option<u64>) -> BTreeMap<u64, Vec<String>> {
    let mut out: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    let Ok(text) = std::fs::read("/proc/self/mountinfo") else { return out };
    let wanted = only.map(|ino| format!(" net:[{ino}] ").into_bytes());
    for line in text.split(|&b| b == b'\n') {
        if let Some(w) = &wanted
            && !line.windows(w.len()).any(|win| win == w.as_slice())
        {
            continue;
        }
        let fields: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
        let Some(dash) = fields.iter().position(|f| *f == b"-") else { continue };
        if fields.get(dash + 1) != Some(&&b"nsfs"[..]) || fields.len() < 5 {
            continue;
        }
        let Some(ino) = fields[3].strip_prefix(b"net:[").and_then(|r| r.strip_suffix(b"]")) else { continue };
        let Some(ino) = std::str::from_utf8(ino).ok().and_then(|s| s.parse().ok()) else { continue };
        out.entry(ino).or_default().push(unescape(fields[4]));
    }
    out
}

/// mountinfo's `\ooo` escapes (space, tab, newline, backslash) undone.
fn unescape(field: &[u8]) -> String {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        if field[i] == b'\\'
            && let Some(oct) = field.get(i + 1..i + 4)
            && oct.iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((oct[0] - b'0') * 64 + (oct[1] - b'0') * 8 + (oct[2] - b'0'));
            i += 4;
            continue;
        }
        out.push(field[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Does this process hold CAP_SYS_ADMIN (entering namespaces, unmounting
/// names)?
pub fn can_enter() -> bool {
    const CAP_SYS_ADMIN: u32 = 21;
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else { return false };
    let eff = status.lines().find_map(|l| l.strip_prefix("CapEff:")).map(str::trim).unwrap_or("0");
    u64::from_str_radix(eff, 16).is_ok_and(|caps| caps & (1 << CAP_SYS_ADMIN) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_escapes_are_undone() {
        assert_eq!(unescape(br"/run/netns/a\040b"), "/run/netns/a b");
        assert_eq!(unescape(br"/x\134y\011z"), "/x\\y\tz");
        assert_eq!(unescape(br"/tail\04"), "/tail\\04");
    }

    #[test]
    fn pids_are_listed_up_to_three() {
        let me = std::process::id();
        let words = pids_words(&[me, me, me, me, me]);
        assert!(words.starts_with(&format!("{me} (")), "{words}");
        assert!(words.ends_with(", and 2 more"), "{words}");
        assert_eq!(plural(1, "process", "processes"), "1 process");
        assert_eq!(plural(2, "process", "processes"), "2 processes");
    }
}
