//! Why a lab command failed: the object (node, namespace, interface,
//! link, file, process) and the cause, as the layer below reported it.
//!
//! The text of each is the message users see, so it names the object
//! first. Causes from layers that report in words (files, sysctls,
//! nftables) are carried as their words until those layers get types of
//! their own.

use crate::netlink::NlError;
use std::io;
use std::path::PathBuf;

/// A failure of `up`, `down` or a rollback, naming what it was about.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// A netlink request about one object was refused; `what` says which
    /// ("cannot add 10.0.0.1/30 to eth0 in lab-a").
    #[error("{what}: {source}")]
    Netlink {
        /// The request, naming its object and namespace.
        what: String,
        /// What the kernel (or the socket) said.
        source: NlError,
    },
    /// The VLANs of a switch port could not be set.
    #[error("VLANs of port {iface} in {ns}: {source}")]
    PortVlans {
        /// The port.
        iface: String,
        /// Its namespace.
        ns: String,
        /// What the kernel said.
        source: NlError,
    },
    /// A veth pair could not be made.
    #[error("cannot create veth {}:{} — {}:{}: {source}", ends[0].0, ends[0].1, ends[1].0, ends[1].1)]
    Veth {
        /// (namespace, interface) of each end.
        ends: Box<[(String, String); 2]>,
        /// What the kernel said.
        source: NlError,
    },
    /// The state (journal) of a lab could not be written.
    #[error("cannot write the state of lab {lab}: {source}")]
    WriteState {
        /// The lab.
        lab: String,
        /// Why.
        source: io::Error,
    },
    /// The state of a lab could not be removed.
    #[error("cannot remove the state of lab {lab}: {cause}")]
    RemoveState {
        /// The lab.
        lab: String,
        /// Why.
        cause: String,
    },
    /// A namespace name could not be removed from the run directory.
    #[error("{}", String::from_utf8_lossy(&.source.message()))]
    RemoveNamespace {
        /// The namespace.
        ns: String,
        /// Why (its message names the path).
        source: crate::rundir::RunDirError,
    },
    /// A one-shot command of `up` (`exec`) failed.
    #[error("exec of node {node}: {cause}")]
    Exec {
        /// The node.
        node: String,
        /// The command's failure, with its output.
        cause: String,
    },
    /// An `exec_down` command failed.
    #[error("exec_down of node {node}: {cause}")]
    ExecDown {
        /// The node.
        node: String,
        /// The command's failure, with its output.
        cause: String,
    },
    /// Something about one namespace (a sysctl, a qdisc) failed.
    #[error("{ns}: {cause}")]
    InNamespace {
        /// The namespace.
        ns: String,
        /// Why.
        cause: String,
    },
    /// A log file of a managed process could not be made.
    #[error("cannot create {}: {source}", path.display())]
    Log {
        /// The log file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A managed process ended right after it started.
    #[error("process {name} of node {node} exited at once{}{tail}", if tail.is_empty() { "" } else { ":\n  " })]
    ExitedAtOnce {
        /// The process's name in the file.
        name: String,
        /// Its node.
        node: String,
        /// The last lines of its log.
        tail: String,
    },
    /// A process is still there after SIGKILL.
    #[error("process {pid} is still there after SIGKILL (stuck in the kernel?)")]
    Stuck {
        /// Its pid.
        pid: i32,
    },
    /// A managed process is still there after SIGKILL.
    #[error("process {name} (pid {pid}) of node {node} is still there after SIGKILL")]
    RunStuck {
        /// The process's name in the file.
        name: String,
        /// Its pid.
        pid: i32,
        /// Its node.
        node: String,
    },
    /// Another `up` or `down` of the lab holds its lock, or the lock
    /// file cannot be made.
    #[error("cannot lock lab {lab} in {}: {source}", dir.display())]
    Lock {
        /// The lab.
        lab: String,
        /// The lab directory.
        dir: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A problem that did not stop the work (an `exec_down` that failed,
    /// a process stuck in the kernel).
    #[error("warning: {0}")]
    Warning(Box<LabError>),
    /// A failure reported in words by a layer below (files, sysctls,
    /// nftables, namespaces handles), which names its object itself.
    #[error("{0}")]
    Other(String),
}

impl From<String> for LabError {
    fn from(s: String) -> LabError {
        LabError::Other(s)
    }
}

/// Every problem a `down` or a rollback met: each is printed on a line of
/// its own.
pub type LabErrors = Vec<LabError>;
