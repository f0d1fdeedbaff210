//! A lab's files under `/etc/netns/<ns>/` (`$NETNS_ETC_DIR`): ours only.
//!
//! The directory is shared: `ip netns exec` reads it, and an admin may put
//! files there (a `resolv.conf`, say). So the lab touches only what its
//! journal says it made ([`NsRecord::etc_files`], [`NsRecord::etc_dirs`],
//! each recorded before it is created):
//!
//! - `up` refuses, before changing anything, when a file the lab lists
//!   exists and was not made by it, or when a symlink stands where a
//!   directory or file of the lab would go;
//! - files recorded as the lab's that the file no longer lists are removed;
//!   directories the lab made go only when empty; everything else stays;
//! - `down` removes the recorded files, then the lab's directories that are
//!   empty, and names what it left.
//!
//! The generated `hosts` (see [`super::hosts`]) is the lab's like any
//! other file, with one difference: where something the lab did not make
//! already stands at its path, `up` leaves that alone and names it
//! ([`left_alone`]) instead of refusing, and it is not drift.
//!
//! A record from a netns that did not list its files (`etc` set, both lists
//! empty), or no record at all: a file the lab file lists whose content is
//! exactly what the lab writes is taken as the lab's (with its
//! directories); anything else is left alone, and said so.

use super::files::{Dir, FileError, Kind, Rmdir, split_rel};
use super::model::{Lab, Node};
use super::state::{NsRecord, State};
use crate::rundir::RunDir;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why a lab's files under `/etc/netns` could not be written or removed.
#[derive(Debug, thiserror::Error)]
pub enum EtcError {
    /// A file or directory operation failed (its message names the path).
    #[error(transparent)]
    File(#[from] FileError),
    /// A file the lab lists is there, and the lab did not make it.
    #[error(
        "{} exists and lab {lab} did not make it; netns does not overwrite it \
         (move it away, or take \"{rel}\" out of node {node}'s etc)",
        path.display()
    )]
    NotOurs {
        /// The file.
        path: PathBuf,
        /// The lab.
        lab: String,
        /// The node whose `etc` lists it.
        node: String,
        /// Its path in the node's `etc`.
        rel: String,
    },
    /// The journal could not be written before the files were made.
    #[error("cannot write the state of lab {lab}: {source}")]
    Journal {
        /// The lab.
        lab: String,
        /// Why.
        source: FileError,
    },
}

const VAR: &str = "NETNS_ETC_DIR";
/// The largest file read back to compare with what the lab writes.
pub const FILE_LIMIT: u64 = 16 << 20;

/// A record written by a netns that did not list the lab's files.
pub fn legacy(rec: &NsRecord) -> bool {
    rec.etc && rec.etc_files.is_empty() && rec.etc_dirs.is_empty()
}

/// `""`, `"a"`, `"a/b"` for `rel` = `"a/b/file"`: the directories a file
/// needs, outermost first (`""` is the namespace's own directory).
fn prefixes(rel: &str) -> Vec<String> {
    let (dirs, _) = split_rel(rel);
    let mut out = vec![String::new()];
    for i in 0..dirs.len() {
        out.push(dirs[..=i].join("/"));
    }
    out
}

/// The namespace's directory, for reading only (no ownership check).
fn ns_dir(etc: &Path, ns: &str) -> Option<Dir> {
    Dir::open_any(etc).ok()??.sub(ns).ok()?
}

/// The content of `rel` under `dir`, if it is a regular file reached
/// without a symlink.
fn read(dir: &Dir, rel: &str) -> Option<Vec<u8>> {
    let (dirs, file) = split_rel(rel);
    dir.walk(&dirs.join("/")).ok()??.read(file, FILE_LIMIT).ok()?
}

/// The files (and their directories) of `node` that are exactly what the
/// lab writes: taken as the lab's when no list says otherwise.
fn matching(etc: &Path, node: &Node) -> (Vec<String>, Vec<String>) {
    let Some(dir) = ns_dir(etc, &node.ns) else { return (Vec::new(), Vec::new()) };
    let mut files = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    for f in &node.etc {
        if read(&dir, &f.path).as_deref() == Some(f.text.as_bytes()) {
            files.push(f.path.clone());
            for p in prefixes(&f.path) {
                if !dirs.contains(&p) {
                    dirs.push(p);
                }
            }
        }
    }
    (files, dirs)
}

/// Give records without a file list one: the files the lab lists whose
/// content matches (see the module documentation).
pub fn adopt_legacy(mut state: State, lab: &Lab, etc: &Path) -> State {
    for rec in state.namespaces.iter_mut().filter(|r| legacy(r)) {
        if let Some(node) = lab.nodes.iter().find(|n| n.ns == rec.ns) {
            let (files, dirs) = matching(etc, node);
            rec.etc_files = files;
            rec.etc_dirs = dirs;
        }
    }
    state
}

/// The state's records by namespace name, looked up once per node (a lab
/// has a record per node: a search per node would be quadratic).
fn records(state: Option<&State>) -> HashMap<&str, &NsRecord> {
    state.iter().flat_map(|s| s.namespaces.iter().map(|r| (r.ns.as_str(), r))).collect()
}

/// What `up` must refuse before it changes anything: a run directory or
/// etc directory others can write, and files or symlinks in the way of the
/// lab's `etc` files.
pub fn refusals(lab: &Lab, run: &RunDir, state: Option<&State>) -> Vec<super::Diag> {
    let mut out = Vec::new();
    if let Err(e) = super::files::check_trusted(run.path(), "NETNS_RUN_DIR") {
        out.push(super::Diag::file(e.to_string()));
    }
    if lab.nodes.iter().all(|n| n.etc.is_empty()) {
        return out;
    }
    let base = match Dir::open_trusted(run.etc_dir(), VAR, false) {
        Ok(Some(b)) => b,
        Ok(None) => return out,
        Err(e) => {
            out.push(super::Diag::file(e.to_string()));
            return out;
        }
    };
    let records = records(state);
    for node in lab.nodes.iter().filter(|n| !n.etc.is_empty()) {
        let ours = records.get(node.ns.as_str()).map(|r| r.etc_files.as_slice()).unwrap_or_default();
        if let Err(e) = check_node(&base, node, ours, &lab.name) {
            // Only the generated hosts goes there: say how to do without.
            let why = if node.etc.iter().all(|f| f.generated) {
                format!("{e} (the lab writes node {}'s hosts file there; `hosts = false` turns that off)", node.name)
            } else {
                e.to_string()
            };
            out.push(super::Diag::at(node.span.clone(), why));
        }
    }
    out
}

fn check_node(base: &Dir, node: &Node, ours: &[String], lab: &str) -> Result<(), EtcError> {
    let Some(nsdir) = base.sub(&node.ns)? else { return Ok(()) };
    nsdir.check_private()?;
    for f in &node.etc {
        let rel = &f.path;
        let (dirs, file) = split_rel(rel);
        let mut cur = nsdir.walk("")?.ok_or_else(|| FileError::Vanished { path: nsdir.path().to_path_buf() })?;
        let mut complete = true;
        for d in dirs {
            match cur.sub(d)? {
                Some(next) => {
                    next.check_private()?;
                    cur = next;
                }
                None => {
                    complete = false;
                    break;
                }
            }
        }
        if !complete {
            continue;
        }
        let path = cur.path().join(file);
        match cur.kind(file)? {
            Kind::Absent => {}
            Kind::File if ours.contains(rel) => {}
            // Left alone, and said so (`left_alone`).
            _ if f.generated => {}
            Kind::File => {
                return Err(EtcError::NotOurs {
                    path,
                    lab: lab.to_string(),
                    node: node.name.clone(),
                    rel: rel.clone(),
                });
            }
            Kind::Symlink => return Err(FileError::Symlink { path }.into()),
            Kind::Dir | Kind::Other => return Err(FileError::NotRegular { path }.into()),
        }
    }
    Ok(())
}

/// Do the node's files differ from what the lab wants: a listed file
/// missing or changed, or a file of the lab's that the file no longer
/// lists still there? Files the lab did not make are not drift, nor is a
/// generated file left alone because something else stands at its path.
pub fn differs(etc: &Path, node: &Node, rec: Option<&NsRecord>) -> bool {
    let dir = ns_dir(etc, &node.ns);
    let have = |rel: &str| dir.as_ref().and_then(|d| read(d, rel));
    let listed = |rel: &str| node.etc.iter().any(|f| f.path == rel);
    let ours = |rel: &str| rec.is_some_and(|r| r.etc_files.iter().any(|f| f == rel));
    node.etc.iter().any(|f| {
        if f.generated && leave(dir.as_ref(), f, ours(&f.path)) {
            return false;
        }
        have(&f.path).as_deref() != Some(f.text.as_bytes())
    }) || rec.is_some_and(|r| r.etc_files.iter().any(|f| !listed(f) && still_there(dir.as_ref(), f)))
}

/// The generated files `up` leaves alone, as notes: something the lab
/// did not make stands at their path (an admin's own `hosts`, say).
pub fn left_alone(lab: &Lab, etc: &Path, state: Option<&State>) -> Vec<String> {
    let mut notes = Vec::new();
    let records = records(state);
    for node in lab.nodes.iter() {
        let Some(f) = node.etc.iter().find(|f| f.generated) else { continue };
        let ours = records.get(node.ns.as_str()).is_some_and(|r| r.etc_files.contains(&f.path));
        let Some(dir) = ns_dir(etc, &node.ns) else { continue };
        if leave(Some(&dir), f, ours) {
            notes.push(format!("{}: lab {} did not make it", dir.path().join(&f.path).display(), lab.name));
        }
    }
    notes
}

/// Is the generated file `f` left alone: does something stand at its path
/// that is not a regular file the lab made (`ours`: the record lists it)?
/// Without a record, a file that is exactly what the lab writes is the
/// lab's, as in the module documentation (a state lost with a reboot, say,
/// while `/etc/netns` stayed).
fn leave(dir: Option<&Dir>, f: &super::model::EtcFile, ours: bool) -> bool {
    let (dirs, file) = split_rel(&f.path);
    let Some(parent) = dir.and_then(|d| d.walk(&dirs.join("/")).ok().flatten()) else { return false };
    match parent.kind(file) {
        Ok(Kind::Absent) => false,
        Ok(Kind::File) => !ours && parent.read(file, FILE_LIMIT).ok().flatten().as_deref() != Some(f.text.as_bytes()),
        _ => true,
    }
}

fn still_there(dir: Option<&Dir>, rel: &str) -> bool {
    let (dirs, file) = split_rel(rel);
    dir.and_then(|d| d.walk(&dirs.join("/")).ok().flatten())
        .is_some_and(|d| d.kind(file).is_ok_and(|k| k != Kind::Absent))
}

/// Write the files of `nodes` and remove the lab's files they no longer
/// list. Every file and directory about to be made is recorded in `state`
/// and `journal` is called before any is made. Returns notes on what was
/// left alone.
pub fn apply(
    etc: &Path,
    lab: &str,
    nodes: &[&Node],
    state: &mut State,
    journal: &mut dyn FnMut(&State) -> Result<(), FileError>,
) -> Result<Vec<String>, EtcError> {
    let base = Dir::open_trusted(etc, VAR, true)?.ok_or_else(|| FileError::Vanished { path: etc.to_path_buf() })?;
    // Each node's record, found once (a search per node would be
    // quadratic in a lab where every node has files).
    let mut at: HashMap<String, usize> = state.namespaces.iter().enumerate().map(|(i, r)| (r.ns.clone(), i)).collect();
    // 1. Record what will be made.
    for node in nodes {
        let idx = match at.get(&node.ns) {
            Some(&i) => i,
            None => {
                state.namespaces.push(NsRecord { node: node.name.clone(), ns: node.ns.clone(), ..NsRecord::default() });
                at.insert(node.ns.clone(), state.namespaces.len() - 1);
                state.namespaces.len() - 1
            }
        };
        let rec = &mut state.namespaces[idx];
        let nsdir = base.sub(&node.ns)?;
        for f in &node.etc {
            let rel = &f.path;
            if f.generated && leave(nsdir.as_ref(), f, rec.etc_files.contains(rel)) {
                // Not the lab's (or no longer: replaced by a symlink, say):
                // left alone (`left_alone` said so) and not recorded, so
                // step 2 does not write it and `down` does not remove it.
                rec.etc_files.retain(|x| x != rel);
                continue;
            }
            for p in prefixes(rel) {
                let exists = match &nsdir {
                    Some(d) => d.walk(&p)?.is_some(),
                    None => false,
                };
                if !exists && !rec.etc_dirs.contains(&p) {
                    rec.etc_dirs.push(p);
                }
            }
            let (dirs, file) = split_rel(rel);
            let parent = match &nsdir {
                Some(d) => d.walk(&dirs.join("/"))?,
                None => None,
            };
            let kind = match &parent {
                Some(p) => p.kind(file)?,
                None => Kind::Absent,
            };
            match kind {
                Kind::Absent if !rec.etc_files.contains(rel) => rec.etc_files.push(rel.clone()),
                Kind::Absent => {}
                Kind::File if rec.etc_files.contains(rel) => {}
                // Exactly what the lab writes (see `leave`): taken as its.
                Kind::File if f.generated => rec.etc_files.push(rel.clone()),
                Kind::File => {
                    return Err(EtcError::NotOurs {
                        path: etc.join(&node.ns).join(rel),
                        lab: lab.to_string(),
                        node: node.name.clone(),
                        rel: rel.clone(),
                    });
                }
                _ => return Err(FileError::NotRegular { path: etc.join(&node.ns).join(rel) }.into()),
            }
        }
        rec.etc = !rec.etc_files.is_empty() || !rec.etc_dirs.is_empty();
    }
    journal(state).map_err(|source| EtcError::Journal { lab: lab.to_string(), source })?;
    // 2. Make them; remove the lab's files no longer listed.
    let mut notes = Vec::new();
    for node in nodes {
        let Some(rec) = at.get(&node.ns).and_then(|&i| state.namespaces.get_mut(i)) else { continue };
        for f in &node.etc {
            let (rel, text) = (&f.path, &f.text);
            if f.generated && !rec.etc_files.contains(rel) {
                continue;
            }
            let (dirs, file) = split_rel(rel);
            base.mkdir(&node.ns)?;
            let mut cur = base.sub_present(&node.ns)?;
            cur.check_private()?;
            for d in dirs {
                cur.mkdir(d)?;
                cur = cur.sub_present(d)?;
                cur.check_private()?;
            }
            match cur.kind(file)? {
                Kind::Absent => cur.create_new(file, text.as_bytes())?,
                _ => cur.rewrite(file, text.as_bytes())?,
            }
        }
        let listed: Vec<&str> = node.etc.iter().map(|f| f.path.as_str()).collect();
        notes.extend(remove_listed(&base, &node.ns, rec, &listed, lab)?);
        rec.etc = !rec.etc_files.is_empty() || !rec.etc_dirs.is_empty();
    }
    Ok(notes)
}

/// Remove the recorded files of `rec` not in `keep`, then the recorded
/// directories no kept file needs, when empty. The record is updated;
/// returns notes on what was left.
fn remove_listed(base: &Dir, ns: &str, rec: &mut NsRecord, keep: &[&str], lab: &str) -> Result<Vec<String>, FileError> {
    let mut notes = Vec::new();
    if !matches!(base.kind(ns)?, Kind::Dir | Kind::Absent) {
        // Replaced since (by a symlink, say): what the lab made is not
        // there, and what is there is not the lab's.
        notes.push(format!("{}: not the directory lab {lab} made", base.path().join(ns).display()));
        rec.etc_files.clear();
        rec.etc_dirs.clear();
        return Ok(notes);
    }
    let Some(nsdir) = base.sub(ns)? else {
        rec.etc_files.retain(|f| keep.contains(&f.as_str()));
        rec.etc_dirs.retain(|d| keep.iter().any(|k| prefixes(k).contains(d)));
        return Ok(notes);
    };
    let mut files_left = Vec::new();
    for f in std::mem::take(&mut rec.etc_files) {
        if keep.contains(&f.as_str()) {
            files_left.push(f);
            continue;
        }
        let (dirs, file) = split_rel(&f);
        if let Some(d) = nsdir.walk(&dirs.join("/"))? {
            match d.kind(file)? {
                Kind::Dir => notes
                    .push(format!("{}: a directory now, not the file lab {lab} made", d.path().join(file).display())),
                _ => {
                    d.unlink(file)?;
                }
            }
        }
    }
    rec.etc_files = files_left;
    let needed: Vec<String> = keep.iter().flat_map(|k| prefixes(k)).collect();
    let mut dirs: Vec<String> = std::mem::take(&mut rec.etc_dirs);
    // Deepest first, so a parent is empty when its turn comes.
    dirs.sort_by_key(|d| std::cmp::Reverse(if d.is_empty() { 0 } else { d.matches('/').count() + 1 }));
    let mut dirs_left = Vec::new();
    for d in dirs {
        if needed.contains(&d) {
            dirs_left.push(d);
            continue;
        }
        let result = if d.is_empty() {
            base.rmdir(ns)?
        } else {
            let (parents, last) = split_rel(&d);
            match nsdir.walk(&parents.join("/"))? {
                Some(p) => p.rmdir(last)?,
                None => Rmdir::Absent,
            }
        };
        match result {
            Rmdir::Removed | Rmdir::Absent => {}
            Rmdir::NotEmpty => dirs_left.push(d),
        }
    }
    // Say what keeps a directory of ours there.
    for d in &dirs_left {
        if needed.contains(d) {
            continue;
        }
        if let Some(dir) = nsdir.walk(d)? {
            for name in dir.names()? {
                let rel = if d.is_empty() { name.clone() } else { format!("{d}/{name}") };
                if !dirs_left.contains(&rel) && !rec.etc_files.contains(&rel) {
                    notes.push(format!("{}: lab {lab} did not make it", dir.path().join(&name).display()));
                }
            }
        }
    }
    rec.etc_dirs = dirs_left;
    Ok(notes)
}

/// Remove what the lab made under `/etc/netns/<ns>/` (`down`, or a node
/// that left the file). `node` is the node as the lab file has it, when
/// known. Returns notes on what was left alone, or an error (the record
/// is then kept, so a later run finishes).
pub fn remove(
    etc: &Path,
    lab: &str,
    rec: Option<&NsRecord>,
    ns: &str,
    node: Option<&Node>,
) -> Result<Vec<String>, EtcError> {
    let mut rec = rec.cloned().unwrap_or_else(|| NsRecord { ns: ns.to_string(), ..NsRecord::default() });
    if rec.etc_files.is_empty()
        && rec.etc_dirs.is_empty()
        && let Some(n) = node
    {
        (rec.etc_files, rec.etc_dirs) = matching(etc, n);
    }
    if rec.etc_files.is_empty() && rec.etc_dirs.is_empty() {
        // Nothing of the lab's: whatever is there stays, and is named.
        let Some(dir) = ns_dir(etc, ns) else { return Ok(Vec::new()) };
        let mut notes = Vec::new();
        foreign(&dir, "", &rec, lab, &mut notes, 0)?;
        if notes.is_empty() {
            notes.push(format!("{}: lab {lab} did not make it", dir.path().display()));
        }
        return Ok(notes);
    }
    let Some(base) = Dir::open_trusted(etc, VAR, false)? else { return Ok(Vec::new()) };
    let mut notes = remove_listed(&base, ns, &mut rec, &[], lab)?;
    if !notes.is_empty() && base.kind(ns)? != Kind::Dir {
        return Ok(notes);
    }
    // Whatever is left there is not the lab's: name it.
    notes.clear();
    if let Some(dir) = base.sub(ns)? {
        foreign(&dir, "", &rec, lab, &mut notes, 0)?;
    }
    Ok(notes)
}

/// Entries under `dir` (at `rel` in the namespace's directory) that the
/// record does not list, each as a note; the lab's directories are looked
/// into.
fn foreign(
    dir: &Dir,
    rel: &str,
    rec: &NsRecord,
    lab: &str,
    notes: &mut Vec<String>,
    depth: usize,
) -> Result<(), FileError> {
    for name in dir.names()? {
        let r = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        if rec.etc_dirs.contains(&r) && depth < 16 {
            if let Some(sub) = dir.sub(&name)? {
                foreign(&sub, &r, rec, lab, notes, depth + 1)?;
            }
        } else if !rec.etc_files.contains(&r) {
            notes.push(format!("{}: lab {lab} did not make it", dir.path().join(&name).display()));
        }
    }
    Ok(())
}
