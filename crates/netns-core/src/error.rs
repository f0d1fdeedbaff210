//! One error type for library users who do not need to tell the steps apart.

use crate::monitor::MonitorError;
use crate::netlink::NlError;
use crate::rundir::RunDirError;
use crate::switch::SwitchError;

/// Any failure of a netns library operation. Each variant's `Display` is
/// the message iproute2 would print for the same failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A run-directory step (mkdir, mount, placeholder, bind, unlink).
    #[error("{0}")]
    RunDir(#[from] RunDirError),
    /// The kernel refused a netlink request.
    #[error("{0}")]
    Netlink(#[from] NlError),
    /// Entering a namespace failed.
    #[error("{0}")]
    Switch(#[from] SwitchError),
    /// Watching the run directory failed.
    #[error("{0}")]
    Monitor(#[from] MonitorError),
    /// Opening or reading a file failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
