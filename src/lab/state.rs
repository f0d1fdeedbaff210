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

use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{self, Write};
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NsRecord {
    /// Node name.
    pub node: String,
    /// Namespace name.
    pub ns: String,
    /// Whether `up` wrote `/etc/netns/<ns>/` files for it.
    #[serde(default)]
    pub etc: bool,
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
}

/// An exclusive hold on one lab; released when dropped.
#[derive(Debug)]
pub struct LabLock {
    _file: File,
    path: PathBuf,
}

impl LabLock {
    /// Remove the lock file (the lab is gone). Anyone waiting on it
    /// notices and locks a new one.
    pub fn remove(&self) {
        let _ = fs::remove_file(&self.path);
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

    /// Take the lab's lock, waiting for another `up`/`down` of the same
    /// lab to finish. `waiting` is called once if the wait is not instant.
    pub fn lock(&self, lab: &str, waiting: impl FnOnce()) -> io::Result<LabLock> {
        use std::os::unix::fs::MetadataExt;
        fs::create_dir_all(&self.root)?;
        let path = self.root.join(format!("{lab}.lock"));
        let mut waiting = Some(waiting);
        loop {
            let file = File::options().create(true).truncate(false).write(true).open(&path)?;
            // SAFETY: flock on a descriptor we own; no memory is involved.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                let err = io::Error::last_os_error();
                if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
                    return Err(err);
                }
                if let Some(w) = waiting.take() {
                    w();
                }
                // SAFETY: as above.
                while unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
                    let err = io::Error::last_os_error();
                    if err.kind() != io::ErrorKind::Interrupted {
                        return Err(err);
                    }
                }
            }
            // `down` unlinks the lock file while holding it: a lock taken on
            // a file that is no longer the one at `path` locks nothing, so
            // start over on the new one.
            let held = file.metadata()?.ino();
            match fs::metadata(&path) {
                Ok(m) if m.ino() == held => return Ok(LabLock { _file: file, path }),
                _ => continue,
            }
        }
    }

    /// The lab's state, if it has one (a state that cannot be read is
    /// reported as absent: `down` then falls back to the marks).
    pub fn read(&self, lab: &str) -> Option<State> {
        let text = fs::read(self.lab_path(lab).join("state.json")).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Write the state atomically (temporary file, then rename), so a
    /// crash leaves the old state or the new one, never half of one.
    pub fn write(&self, state: &State) -> io::Result<()> {
        let dir = self.lab_path(&state.lab);
        fs::create_dir_all(&dir)?;
        let tmp = dir.join("state.json.tmp");
        let mut f = File::create(&tmp)?;
        f.write_all(&serde_json::to_vec_pretty(state).map_err(io::Error::other)?)?;
        f.write_all(b"\n")?;
        drop(f);
        fs::rename(tmp, dir.join("state.json"))
    }

    /// Forget a lab: its state directory (logs included). The lock file is
    /// removed by its holder ([`LabLock::remove`]); [`LabDir::lock`] notices
    /// a removed lock file and locks the new one, so two runs never hold
    /// "the" lock at once.
    pub fn remove(&self, lab: &str) -> io::Result<()> {
        match fs::remove_dir_all(self.lab_path(lab)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
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
