//! Why `inspect` could not read a namespace, or a part of one: the
//! namespace and the cause.

use crate::netlink::NlError;
use crate::rundir::InvalidName;
use crate::sys::{Errno, io_text};
use std::io;
use std::path::PathBuf;

/// A failure `inspect` reports (one line each), naming the namespace or
/// the directory and the cause.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// A namespace asked for could not be opened, or is none.
    #[error("Cannot open network namespace \"{ns}\": {cause}")]
    Open {
        /// Its name, or `(current)` / `(root)`.
        ns: String,
        /// Why.
        #[source]
        cause: OpenCause,
    },
    /// A name the run directory cannot hold.
    #[error(transparent)]
    Name(#[from] InvalidName),
    /// The run directory could not be read.
    #[error("Cannot open netns runtime directory \"{}\": {errno}", dir.display())]
    RunDir {
        /// The run directory.
        dir: PathBuf,
        /// Why.
        errno: Errno,
    },
    /// Nothing inside a namespace could be read.
    #[error("Cannot read network namespace {ns}: {source}")]
    Read {
        /// The namespace as the output labels it (`"a"`, `(current)`,
        /// `net:[INODE]`).
        ns: String,
        /// Why.
        source: ReadError,
    },
    /// A part of a namespace (its routes, say) could not be read; the
    /// rest is shown.
    #[error("Cannot read all of network namespace {ns}: {source}")]
    ReadPart {
        /// The namespace as the output labels it.
        ns: String,
        /// Which part, and why.
        source: ReadError,
    },
    /// The processes could not be matched to namespaces.
    #[error("Cannot read processes from /proc: {}", io_text(source))]
    Processes {
        /// Why.
        source: io::Error,
    },
}

/// Why a namespace asked for could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenCause {
    /// The file is something else (what it is).
    #[error("not a network namespace ({0})")]
    NotANamespace(String),
    /// Opening it failed.
    #[error("{}", io_text(.0))]
    Io(#[source] io::Error),
}

/// Why a namespace opened before could not be opened again.
#[derive(Debug, thiserror::Error)]
pub enum ReopenError {
    /// Opening (or looking at) its file failed.
    #[error("cannot open {}: {}", path.display(), io_text(source))]
    Open {
        /// The namespace's file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Its name now holds another namespace.
    #[error("{} was replaced by another namespace while it was read", path.display())]
    Replaced {
        /// The namespace's file.
        path: PathBuf,
    },
}

/// What a refusal to enter a namespace means: only root may.
fn root_hint(e: &Errno) -> &'static str {
    if matches!(e.0, libc::EPERM | libc::EACCES) { " (entering a namespace needs root)" } else { "" }
}

/// What could not be read inside one namespace (the namespace is named by
/// the [`InspectError`] around it). Its text starts with the part, as in
/// `routes: …`.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The namespace could not be opened again.
    #[error("cannot open the namespace: {0}")]
    Open(#[source] ReopenError),
    /// A worker thread could not enter it.
    #[error("cannot enter the namespace: {0}{hint}", hint = root_hint(.0))]
    Enter(#[source] Errno),
    /// Its sockets could not be listed (sock_diag's words).
    #[error("sockets: {0}")]
    Sockets(String),
    /// No netlink socket could be opened inside it.
    #[error("cannot open netlink: {}", io_text(.0))]
    Netlink(#[source] io::Error),
    /// A dump failed.
    #[error("{what}: {source}")]
    List {
        /// The part (`links`, `addresses`, `routes`, `neighbours`).
        what: &'static str,
        /// What netlink said.
        source: NlError,
    },
}
