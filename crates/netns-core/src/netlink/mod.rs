//! Synchronous rtnetlink.
//!
//! This module is the only place that names `netlink-packet-*` types: that
//! crate family changes its API often, so the rest of netns talks to the
//! kernel through [`Netlink`] and the typed operations defined here.

pub mod address;
pub mod address_ops;
pub mod batch;
pub mod bridge_vlan;
mod engine;
mod error;
pub mod link;
pub mod link_ops;
pub mod neighbour;
pub mod netconf;
pub mod netfilter;
mod nsid;
pub mod qdisc;
pub mod route;
mod wire;

// Public only for the fuzz targets of the netns package, which feed the
// decoder untrusted bytes: not part of the API.
#[doc(hidden)]
pub use engine::decode_replies;
pub use engine::{Netlink, Reply};
pub use error::{KernelError, NlError};
pub use nsid::NsidEntry;
