//! [`NsId`]: which namespace a file refers to. Its own module, below both
//! the run directory (which reports the ids of its names) and the
//! namespace handle (which reports its own), so neither depends on the
//! other for it.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The identity of a namespace: the (device, inode) of its nsfs file.
/// Two handles refer to the same namespace exactly when their ids match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NsId {
    /// st_dev of the nsfs file.
    pub dev: u64,
    /// st_ino of the nsfs file (the number in `net:[N]`).
    pub ino: u64,
}

impl NsId {
    /// The identity of whatever `path` refers to (following symlinks, as
    /// `/proc/PID/ns/net` needs).
    pub fn of_path(path: &Path) -> io::Result<NsId> {
        let m = std::fs::metadata(path)?;
        Ok(NsId { dev: m.dev(), ino: m.ino() })
    }
}
