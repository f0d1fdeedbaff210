//! Synchronous rtnetlink.
//!
//! This module is the only place that names `netlink-packet-*` types: that
//! crate family changes its API often, so the rest of netns talks to the
//! kernel through [`Netlink`] and the typed operations defined here
//! (links, addresses, routes, neighbours, qdiscs, namespace ids), whose
//! arguments and results are types of this crate. [`sock_diag`] lists
//! TCP and UDP sockets over `NETLINK_SOCK_DIAG` the same way.
//!
//! A socket acts in the namespace it was opened in: [`Netlink::open`] in the
//! calling thread's, [`NetNs::netlink`](crate::NetNs::netlink) in any other.
//!
//! ```no_run
//! use netns_core::netlink::Netlink;
//! use netns_core::netlink::address::{AF_INET, Address};
//! use netns_core::netlink::address_ops::AddrWrite;
//! use netns_core::netlink::route::Route;
//!
//! let mut nl = Netlink::open()?;
//! let eth0 = nl.link_by_name("eth0")?.expect("eth0 exists").index;
//! let ip = "192.0.2.10".parse()?;
//! // ip address add 192.0.2.10/24 dev eth0
//! let a = Address { family: AF_INET, prefix_len: 24, index: eth0, local: Some(ip), address: Some(ip), ..Address::default() };
//! nl.addr_write(&a, AddrWrite::Create)?;
//! // ip route add default via 192.0.2.1
//! let mut default = Route::unicast("0.0.0.0".parse()?, 0);
//! default.gateway = Some("192.0.2.1".parse()?);
//! nl.route_add(&default)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! For a request no typed operation covers, [`Netlink::request`],
//! [`Netlink::ack`], [`Netlink::dump`] and [`Netlink::pipeline`] send any
//! rtnetlink message, built with the message types of [`packet`]:
//!
//! ```no_run
//! use netns_core::netlink::packet::{RouteNetlinkMessage, link::LinkMessage};
//! use netns_core::netlink::{Netlink, Reply};
//! let mut nl = Netlink::open()?;
//! for reply in nl.dump(RouteNetlinkMessage::GetLink(LinkMessage::default()))? {
//!     if let Reply::Message(RouteNetlinkMessage::NewLink(m)) = reply {
//!         println!("index {}: {} attributes", m.header.index, m.attributes.len());
//!     }
//! }
//! # Ok::<(), netns_core::netlink::NlError>(())
//! ```

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
pub mod sock_diag;
mod wire;

// Public only for the fuzz targets of the netns package, which feed the
// decoder untrusted bytes: not part of the API.
#[doc(hidden)]
pub use engine::decode_replies;
pub use engine::{Netlink, Reply};

pub use error::{KernelError, NlError};
/// The `netlink-packet-route` crate whose message types the raw requests
/// of [`Netlink`] and [`Reply::Message`] carry, re-exported so that a
/// caller builds them with exactly the version this crate was built with.
///
/// Its API changes every few releases, so this crate pins it to one minor
/// version (`~0.34.0`): code written against `packet` may need changes
/// when netns-core moves to a newer one, which it does only in a release
/// that may break. The typed operations above do not expose it.
pub use netlink_packet_route as packet;
pub use nsid::NsidEntry;
