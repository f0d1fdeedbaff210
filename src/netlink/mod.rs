//! Synchronous rtnetlink.
//!
//! This module is the only place that names `netlink-packet-*` types: that
//! crate family changes its API often, so the rest of netns talks to the
//! kernel through [`Netlink`] and the typed operations defined here.

mod engine;
mod error;
mod nsid;

pub use engine::{Netlink, Reply};
pub use error::{KernelError, NlError};
pub use nsid::NsidEntry;
