//! What a lab left on the machine, and the lock that serialises `up` and
//! `down` of one lab.
//!
//! Everything lives under the lab directory, `$NETNS_LAB_DIR` (default
//! `/run/netns-lab`, a tmpfs, so state dies with the namespaces at reboot):
//!
//! ```text
//! /run/netns-lab/LAB.lock        flock: one up/down of LAB at a time
//! /run/netns-lab/LAB/state.json  the journal: written before anything is
//!                                created, rewritten when `up` finishes
//! /run/netns-lab/LAB/*.log       output of the lab's `run` processes
//! ```
//!
//! The state is a convenience, not the source of truth: every namespace a
//! lab creates carries an ownership mark (see [`super::owner`]), so `down`
//! finds a lab's namespaces even when the state is partial or lost.

use super::files::{Dir, FileError, Kind, Op, Rmdir, plain_name};
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// The directory holding every lab's state and lock.
#[derive(Debug, Clone)]
pub struct LabDir {
    root: PathBuf,
}

/// Where `up` got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// `up` is running or died: the namespaces listed may exist or not.
    Building,
    /// The last `up` finished.
    Up,
}

/// One node's namespace as the state records it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NsRecord {
    /// Node name.
    pub node: String,
    /// Namespace name.
    pub ns: String,
    /// Whether the lab has files under `/etc/netns/<ns>/`. Set with
    /// empty `etc_files` and `etc_dirs`, it comes from a netns that did not
    /// list them: see [`super::etc`] for how such a record is treated.
    #[serde(default)]
    pub etc: bool,
    /// The files under `/etc/netns/<ns>/` the lab made, as paths relative
    /// to that directory; each is recorded before it is created. Only
    /// these are ever rewritten or removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub etc_files: Vec<String>,
    /// The directories the lab made there (`""` is `/etc/netns/<ns>`
    /// itself), recorded before each is created; removed only when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub etc_dirs: Vec<String>,
    /// Its `exec` commands are due and have not all succeeded yet (set in
    /// the journal before they run, cleared after): a later `up` runs them.
    #[serde(default)]
    pub exec_pending: bool,
}

/// A managed `run` process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Node name.
    pub node: String,
    /// The `run` entry's name.
    pub name: String,
    /// Its pid.
    pub pid: i32,
    /// Its start time (field 22 of `/proc/PID/stat`), so a recycled pid is
    /// never mistaken for it.
    pub start: u64,
    /// The command it runs (empty in states written before it was kept),
    /// so a changed `cmd` restarts it.
    #[serde(default)]
    pub cmd: Vec<String>,
}

/// The state of one lab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Lab name.
    pub lab: String,
    /// Absolute path of the file it was brought up from.
    pub file: String,
    /// Where `up` got to.
    pub phase: Phase,
    /// Every namespace the lab has (or was about to create).
    pub namespaces: Vec<NsRecord>,
    /// Running managed processes.
    #[serde(default)]
    pub runs: Vec<RunRecord>,
    /// Hash of each node's nftables ruleset as applied (node → hash).
    #[serde(default)]
    pub nft: Vec<(String, u64)>,
    /// Hash of each node's table as the kernel listed it right after it
    /// was applied (node → hash of [`super::nft::listing`]), so a table
    /// changed from outside is drift.
    #[serde(default)]
    pub nft_live: Vec<(String, u64)>,
    /// Log files of `run` processes the lab made in its state directory
    /// (file names), recorded before each is created: `down` removes
    /// these, and nothing else it did not write.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<String>,
    /// The delay distribution of each netem qdisc the lab made with one
    /// other than uniform: (node, interface, distribution). The kernel
    /// does not report it, so a changed one is told from this.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub netem_distributions: Vec<(String, String, String)>,
    /// Changes made with `netns lab LAB link|impair` since the last `up`,
    /// in the order made (one per interface and kind): `status` shows
    /// them as runtime changes, not drift, and `up` undoes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runtime: Vec<RuntimeRecord>,
}

/// One change made to a running lab by `netns lab LAB link|impair`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeRecord {
    /// Node name.
    pub node: String,
    /// Interface name inside the node.
    pub ifname: String,
    /// What was changed.
    pub change: RuntimeChange,
}

/// What a runtime change did to one interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RuntimeChange {
    /// Its administrative state was set (`link … down|up`).
    Link {
        /// Up (true) or down.
        up: bool,
    },
    /// Its egress shaping was set (`impair …`): the settings as words
    /// (`rate 10mbit delay 10ms`).
    Impair {
        /// The settings, as typed after the interface (normalised).
        settings: String,
    },
}

impl RuntimeChange {
    /// "down", "up", "rate 10mbit".
    pub fn text(&self) -> String {
        match self {
            RuntimeChange::Link { up: true } => "up".to_string(),
            RuntimeChange::Link { up: false } => "down".to_string(),
            RuntimeChange::Impair { settings } => settings.clone(),
        }
    }

    /// Is `other` the same kind of change (so one replaces the other)?
    pub fn same_kind(&self, other: &RuntimeChange) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

/// An exclusive hold on one lab; released when dropped.
#[derive(Debug)]
pub struct LabLock {
    _file: File,
    dir: Dir,
    name: String,
}

impl LabLock {
    /// Remove the lock file (the lab is gone). Anyone waiting on it
    /// notices and locks a new one.
    pub fn remove(&self) {
        let _ = self.dir.unlink(&self.name);
    }
}

/// The largest state file read (a 10,000-node lab writes a few MB).
const STATE_LIMIT: u64 = 256 << 20;

/// The name of the lab's state directory, or why it cannot be one.
fn lab_name(lab: &str) -> Result<&str, FileError> {
    if plain_name(lab) && !lab.starts_with('.') {
        Ok(lab)
    } else {
        Err(FileError::BadName { name: lab.to_string(), what: "a lab name" })
    }
}

impl LabDir {
    /// `$NETNS_LAB_DIR`, else `/run/netns-lab`.
    pub fn from_env() -> LabDir {
        match std::env::var_os("NETNS_LAB_DIR") {
            Some(v) if !v.is_empty() => LabDir { root: PathBuf::from(v) },
            _ => LabDir { root: PathBuf::from("/run/netns-lab") },
        }
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of one lab.
    pub fn lab_path(&self, lab: &str) -> PathBuf {
        self.root.join(lab)
    }

    /// The lab directory, checked to be root's alone (see
    /// [`Dir::open_trusted`]); created when `create` is set.
    fn open(&self, create: bool) -> Result<Option<Dir>, FileError> {
        Dir::open_trusted(&self.root, "NETNS_LAB_DIR", create)
    }

    /// The lab directory, made if missing.
    fn open_made(&self) -> Result<Dir, FileError> {
        self.open(true)?.ok_or_else(|| FileError::Vanished { path: self.root.clone() })
    }

    /// The state directory of `lab`, made if missing; refused when
    /// another user could write it.
    fn lab_dir(&self, lab: &str) -> Result<Dir, FileError> {
        let lab = lab_name(lab)?;
        let root = self.open_made()?;
        root.mkdir(lab)?;
        let dir = root.sub_present(lab)?;
        dir.check_private()?;
        Ok(dir)
    }

    /// Take the lab's lock, waiting for another `up`/`down` of the same
    /// lab to finish. `waiting` is called once if the wait is not instant.
    pub fn lock(&self, lab: &str, waiting: impl FnOnce()) -> Result<LabLock, FileError> {
        let name = format!("{}.lock", lab_name(lab)?);
        let dir = self.open_made()?;
        let path = dir.path().join(&name);
        let failed = |source: io::Error| FileError::Io { op: Op::Lock, path: path.clone(), source };
        let mut waiting = Some(waiting);
        loop {
            let file = dir.open_lock(&name)?;
            // SAFETY: flock on a descriptor we own; no memory is involved.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                let err = io::Error::last_os_error();
                if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
                    return Err(failed(err));
                }
                if let Some(w) = waiting.take() {
                    w();
                }
                // SAFETY: as above.
                while unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
                    let err = io::Error::last_os_error();
                    if err.kind() != io::ErrorKind::Interrupted {
                        return Err(failed(err));
                    }
                }
            }
            // `down` unlinks the lock file while holding it: a lock taken on
            // a file that is no longer the one at `path` locks nothing, so
            // start over on the new one.
            use std::os::unix::fs::MetadataExt;
            let held = file.metadata().map_err(failed)?.ino();
            if dir.inode(&name) == Some(held) {
                return Ok(LabLock { _file: file, dir, name });
            }
        }
    }

    /// The lab's state, if it has one (a state that cannot be read is
    /// reported as absent: `down` then falls back to the marks). Never
    /// read through a symlink, nor from a directory others can write.
    pub fn read(&self, lab: &str) -> Option<State> {
        let dir = self.open(false).ok()??.sub(lab_name(lab).ok()?).ok()??;
        let text = dir.read("state.json", STATE_LIMIT).ok()??;
        serde_json::from_slice(&text).ok()
    }

    /// Write the state atomically (temporary file, then rename), so a
    /// crash leaves the old state or the new one, never half of one.
    pub fn write(&self, state: &State) -> Result<(), FileError> {
        let dir = self.lab_dir(&state.lab)?;
        let mut text = serde_json::to_vec_pretty(state).map_err(|e| FileError::Io {
            op: Op::Write,
            path: dir.path().join("state.json"),
            source: io::Error::other(e),
        })?;
        text.push(b'\n');
        dir.replace("state.json.tmp", "state.json", &text)
    }

    /// Make the log file `name` of a `run` process afresh (never through a
    /// symlink). Record it in the state (and write the state) first.
    pub fn open_log(&self, lab: &str, name: &str) -> Result<File, FileError> {
        if !plain_name(name) {
            return Err(FileError::BadName { name: name.to_string(), what: "a log file name" });
        }
        self.lab_dir(lab)?.create_fresh(name)
    }

    /// Forget a lab: remove what netns wrote in its state directory (the
    /// state, its temporary file and the logs it records), then the
    /// directory if that left it empty. Anything else is left there; the
    /// returned notes say what and why. The lock file is removed by its
    /// holder ([`LabLock::remove`]); [`LabDir::lock`] notices a removed
    /// lock file and locks the new one, so two runs never hold "the" lock
    /// at once.
    pub fn remove(&self, lab: &str) -> Result<Vec<String>, FileError> {
        let lab = lab_name(lab)?;
        let Some(root) = self.open(false)? else { return Ok(Vec::new()) };
        match root.kind(lab)? {
            Kind::Absent => return Ok(Vec::new()),
            Kind::Dir => {}
            _ => {
                let path = root.path().join(lab);
                return Ok(vec![format!("{}: not a directory netns made", path.display())]);
            }
        }
        let Some(dir) = root.sub(lab)? else { return Ok(Vec::new()) };
        let state: Option<State> = dir
            .read("state.json", STATE_LIMIT)
            .ok()
            .flatten()
            .and_then(|t| serde_json::from_slice(&t).ok())
            .filter(|s: &State| s.lab == lab);
        let mut notes = Vec::new();
        if let Some(st) = &state {
            // Logs of states written before they were listed: the names
            // `up` gives them.
            let older = st.runs.iter().map(|r| format!("{}.{}.log", r.node, r.name));
            for name in st.logs.iter().cloned().chain(older).filter(|n| plain_name(n)) {
                if dir.kind(&name)? == Kind::File {
                    dir.unlink(&name)?;
                }
            }
            dir.unlink("state.json")?;
        }
        // The temporary file of a state write is netns's at any time, with
        // or without a state: an `up` killed during its first state write
        // leaves one, and the directory would stay behind for good.
        if dir.kind("state.json.tmp")? == Kind::File {
            dir.unlink("state.json.tmp")?;
        }
        if root.rmdir(lab)? == Rmdir::NotEmpty {
            let why = if state.is_some() {
                format!("lab {lab} did not make it")
            } else {
                format!("it holds no state of lab {lab}, so netns did not make it")
            };
            if state.is_none() {
                notes.push(format!("{}: {why}", dir.path().display()));
            } else {
                for name in dir.names()? {
                    notes.push(format!("{}: {why}", dir.path().join(name).display()));
                }
            }
        }
        Ok(notes)
    }

    /// Names of the labs that have a state, sorted.
    pub fn labs(&self) -> Vec<String> {
        let Ok(dir) = fs::read_dir(&self.root) else { return Vec::new() };
        let mut labs: Vec<String> = dir
            .flatten()
            .filter(|e| e.path().join("state.json").exists())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        labs.sort();
        labs
    }
}

/// Start time of a process (clock ticks since boot), `None` if it is gone.
pub fn start_time(pid: i32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: count
    // fields after its closing parenthesis.
    let rest = &stat[stat.rfind(')')? + 2..];
    if rest.starts_with('Z') || rest.starts_with('X') {
        return None; // dead, not yet reaped
    }
    rest.split(' ').nth(19)?.parse().ok()
}

/// Is the recorded process still the same, running process?
pub fn is_alive(r: &RunRecord) -> bool {
    start_time(r.pid) == Some(r.start)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state written before the lab's files and logs were listed still
    /// reads, as a record whose files are not known.
    #[test]
    fn a_state_without_file_lists_still_reads() {
        let old = r#"{"lab": "l", "file": "/x.toml", "phase": "up",
            "namespaces": [{"node": "a", "ns": "l-a", "etc": true}]}"#;
        let s: State = serde_json::from_str(old).unwrap();
        assert!(s.namespaces[0].etc && s.namespaces[0].etc_files.is_empty() && s.namespaces[0].etc_dirs.is_empty());
        assert!(super::super::etc::legacy(&s.namespaces[0]));
        assert!(s.logs.is_empty());
        // Empty lists are not written, so an older netns reads new states.
        let text = serde_json::to_string(&s).unwrap();
        assert!(!text.contains("etc_files") && !text.contains("logs"));
    }
}
