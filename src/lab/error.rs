//! Why a lab command failed: the object (node, namespace, interface,
//! link, file, process) and the cause, as the layer below reported it.
//!
//! The text of each is the message users see, so it names the object
//! first. Each layer below has an error type of its own that names what
//! it knows: [`FileError`] (the files root writes: the operation, the
//! path, the errno, or the trust check that refused it), [`NsError`]
//! (namespace handles), [`SysctlError`], [`NftError`], [`ShapingError`],
//! [`LiveError`] (reading a namespace), [`EtcError`], [`ExecError`] and
//! [`RunError`] (processes). A [`LabError`] keeps that error as its
//! source and adds the node or namespace where the layer below does not
//! know it.

use super::etc::EtcError;
use super::files::FileError;
use super::interrupt::Interrupted;
use super::live::LiveError;
use super::nft::NftError;
use super::procs::{ExecError, RunError};
use super::shaping::ShapingError;
use super::sysctl::SysctlError;
use crate::netlink::NlError;
use std::io;
use std::path::PathBuf;

/// The text of an `io::Error` for a message: glibc's `strerror` for an
/// errno (as iproute2 prints it, without Rust's "(os error N)"), else the
/// error's own text.
pub(crate) fn io_cause(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(errno) => crate::sys::Errno(errno).to_string(),
        None => e.to_string(),
    }
}

/// Why a lab's namespace could not be used: its file in the run
/// directory and the cause.
#[derive(Debug, thiserror::Error)]
pub enum NsError {
    /// The namespace file could not be opened.
    #[error("cannot open namespace {}: {}", path.display(), io_cause(source))]
    Open {
        /// The namespace's file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A thread could not enter the namespace.
    #[error("cannot enter namespace {}: {}", path.display(), io_cause(source))]
    Enter {
        /// The namespace's file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The namespace's identity (device and inode) could not be read.
    #[error("cannot read namespace {}: {}", path.display(), io_cause(source))]
    Identify {
        /// The namespace's file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// It was never found or made.
    #[error("namespace {} does not exist", path.display())]
    Missing {
        /// The namespace's file.
        path: PathBuf,
    },
    /// Its name now holds another namespace.
    #[error("namespace {} was replaced by another one while this command ran; left alone", path.display())]
    Replaced {
        /// The namespace's file.
        path: PathBuf,
    },
    /// No netlink socket could be opened inside it.
    #[error("cannot open netlink in {}: {source}", path.display())]
    Netlink {
        /// The namespace's file.
        path: PathBuf,
        /// Why.
        source: NlError,
    },
}

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
    /// A node's namespace could not be made.
    #[error("cannot create a network namespace for node {node}: {}", io_cause(source))]
    CreateNs {
        /// The node.
        node: String,
        /// Why.
        source: io::Error,
    },
    /// A new namespace could not be given its name in the run directory.
    #[error("cannot name namespace {ns}: {}", String::from_utf8_lossy(&.source.message()))]
    NameNs {
        /// The namespace.
        ns: String,
        /// Why (its message names the path).
        source: crate::rundir::RunDirError,
    },
    /// A namespace name of the lab is not one the run directory takes.
    #[error(transparent)]
    Name(#[from] crate::rundir::InvalidName),
    /// A namespace of the lab could not be opened, entered or used.
    #[error(transparent)]
    Ns(#[from] NsError),
    /// A node's namespace could not be read.
    #[error("node {node}: {source}")]
    Live {
        /// The node.
        node: String,
        /// Why.
        source: LiveError,
    },
    /// A sysctl of a namespace could not be read or set.
    #[error("{ns}: {source}")]
    Sysctl {
        /// The namespace.
        ns: String,
        /// Which sysctl, and why.
        source: SysctlError,
    },
    /// The qdisc of an interface could not be set.
    #[error("{ns}: {iface}: {source}")]
    Qdisc {
        /// The namespace.
        ns: String,
        /// The interface.
        iface: String,
        /// Why.
        source: ShapingError,
    },
    /// A node's nftables ruleset could not be applied or removed.
    #[error("nftables in {ns}: {source}")]
    Nft {
        /// The namespace.
        ns: String,
        /// Why.
        source: NftError,
    },
    /// A file or directory of root's could not be used (its message
    /// names the path).
    #[error(transparent)]
    File(#[from] FileError),
    /// The lab's files under `/etc/netns` could not be written or removed.
    #[error(transparent)]
    Etc(#[from] EtcError),
    /// The state (journal) of a lab could not be written.
    #[error("cannot write the state of lab {lab}: {source}")]
    WriteState {
        /// The lab.
        lab: String,
        /// Why.
        source: FileError,
    },
    /// The state of a lab could not be removed.
    #[error("cannot remove the state of lab {lab}: {source}")]
    RemoveState {
        /// The lab.
        lab: String,
        /// Why.
        source: FileError,
    },
    /// A namespace name could not be removed from the run directory.
    #[error("{}", String::from_utf8_lossy(&.source.message()))]
    RemoveNamespace {
        /// The namespace.
        ns: String,
        /// Why (its message names the path).
        source: crate::rundir::RunDirError,
    },
    /// The run directory could not be locked to remove these namespaces:
    /// none of them was removed.
    #[error("cannot remove {}: {}", namespaces_text(names), String::from_utf8_lossy(&.source.message()))]
    RemoveNamespaces {
        /// The namespaces.
        names: Vec<String>,
        /// Why the lock could not be taken (its message names the directory).
        source: crate::rundir::RunDirError,
    },
    /// A one-shot command of `up` (`exec`) failed.
    #[error("exec of node {node}: {source}")]
    Exec {
        /// The node.
        node: String,
        /// The command's failure, with its output.
        source: ExecError,
    },
    /// An `exec_down` command failed.
    #[error("exec_down of node {node}: {source}")]
    ExecDown {
        /// The node.
        node: String,
        /// The command's failure, with its output.
        source: ExecError,
    },
    /// The log file of a managed process could not be made.
    #[error("cannot make the log file of process {name} of node {node}: {source}")]
    Log {
        /// The process's name in the file.
        name: String,
        /// Its node.
        node: String,
        /// Why (its message names the path).
        source: FileError,
    },
    /// A managed process could not be started, or did not become ready.
    #[error(transparent)]
    Run(#[from] RunError),
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
        source: FileError,
    },
    /// A signal asked netns to stop; the work stopped at a safe point.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
    /// The plan names something the lab does not have (a defect of
    /// netns, not of the file).
    #[error("{what} (a defect of netns: the plan and the lab disagree)")]
    Inconsistent {
        /// What is missing, naming it.
        what: String,
    },
    /// A problem that did not stop the work (an `exec_down` that failed,
    /// a process stuck in the kernel).
    #[error("warning: {0}")]
    Warning(Box<LabError>),
}

/// Namespaces in an error message: all of a few, the first few of many
/// (a lab may have thousands).
fn namespaces_text(names: &[String]) -> String {
    const SHOWN: usize = 5;
    match names {
        [one] => format!("namespace {one}"),
        _ if names.len() <= SHOWN => format!("namespaces {}", names.join(", ")),
        _ => format!("{} namespaces ({} and {} more)", names.len(), names[..SHOWN].join(", "), names.len() - SHOWN),
    }
}

/// Every problem a `down` or a rollback met: each is printed on a line of
/// its own.
pub type LabErrors = Vec<LabError>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::files::Op;

    /// A file failure keeps the operation, the path and the errno, and
    /// the lab error around it adds the lab.
    #[test]
    fn a_lab_error_names_the_lab_the_path_and_the_cause() {
        let source = FileError::Io {
            op: Op::Lock,
            path: PathBuf::from("/run/netns-lab/l.lock"),
            source: io::Error::from_raw_os_error(libc::EACCES),
        };
        let e = LabError::Lock { lab: "l".into(), dir: PathBuf::from("/run/netns-lab"), source };
        assert_eq!(
            e.to_string(),
            "cannot lock lab l in /run/netns-lab: cannot lock /run/netns-lab/l.lock: Permission denied"
        );
        let inner = std::error::Error::source(&e).expect("the file error is kept as the source");
        assert_eq!(inner.to_string(), "cannot lock /run/netns-lab/l.lock: Permission denied");
    }

    #[test]
    fn many_namespaces_are_named_by_the_first_few_and_a_count() {
        let names = |n: usize| (1..=n).map(|i| format!("l-{i}")).collect::<Vec<_>>();
        assert_eq!(namespaces_text(&names(1)), "namespace l-1");
        assert_eq!(namespaces_text(&names(5)), "namespaces l-1, l-2, l-3, l-4, l-5");
        assert_eq!(namespaces_text(&names(9)), "9 namespaces (l-1, l-2, l-3, l-4, l-5 and 4 more)");
    }
}
