//! Many writes in one round trip: a namespace's links, addresses and routes
//! configured by one pipelined batch on its socket.
//!
//! ```no_run
//! use netns_core::netlink::address::{AF_INET, Address};
//! use netns_core::netlink::address_ops::AddrWrite;
//! use netns_core::netlink::batch::Write;
//! use netns_core::netlink::link::IFF_UP;
//! use netns_core::netlink::link_ops::{LinkSpec, LinkWrite};
//! use netns_core::netlink::route::{Route, RouteOp};
//! use netns_core::netlink::Netlink;
//!
//! let mut nl = Netlink::open()?;
//! let index = nl.link_by_name("eth0")?.expect("eth0 exists").index;
//! let ip = "192.0.2.10".parse()?;
//! let mut default = Route::unicast("0.0.0.0".parse()?, 0);
//! default.gateway = Some("192.0.2.1".parse()?);
//! let writes = [
//!     Write::Link(LinkSpec { index, flags: IFF_UP, change: IFF_UP, ..LinkSpec::default() }, LinkWrite::Change),
//!     Write::Addr(
//!         Address { family: AF_INET, prefix_len: 24, index, local: Some(ip), address: Some(ip), ..Address::default() },
//!         AddrWrite::Replace,
//!     ),
//!     Write::Route(default, RouteOp::Replace),
//! ];
//! // One round trip; each write has its own outcome.
//! for (write, outcome) in writes.iter().zip(nl.write_all(&writes)) {
//!     if let Err(e) = outcome {
//!         eprintln!("{write:?}: {e}");
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::address::Address;
use super::address_ops::{AddrWrite, address_message};
use super::engine::Netlink;
use super::error::NlError;
use super::link_ops::{LinkSpec, LinkWrite, link_message};
use super::route::{Route, RouteOp, convert};
use netlink_packet_route::RouteNetlinkMessage;

/// One write of a batch. `'fd` is the lifetime of the namespace
/// descriptors its [`LinkSpec`]s carry.
#[derive(Debug, Clone)]
pub enum Write<'fd> {
    /// `RTM_NEWLINK` (create, change or replace).
    Link(LinkSpec<'fd>, LinkWrite),
    /// `RTM_DELLINK` of this ifindex.
    LinkDelete(u32),
    /// `RTM_NEWADDR`.
    Addr(Address, AddrWrite),
    /// `RTM_DELADDR`.
    AddrDelete(Address),
    /// `RTM_NEWROUTE` / `RTM_DELROUTE`.
    Route(Route, RouteOp),
}

fn message(w: &Write<'_>) -> (RouteNetlinkMessage, u16) {
    match w {
        Write::Link(spec, how) => (RouteNetlinkMessage::NewLink(link_message(spec)), how.flags()),
        Write::LinkDelete(index) => {
            let spec = LinkSpec { index: *index, ..LinkSpec::default() };
            (RouteNetlinkMessage::DelLink(link_message(&spec)), 0)
        }
        Write::Addr(spec, how) => (RouteNetlinkMessage::NewAddress(address_message(spec)), how.flags()),
        Write::AddrDelete(spec) => (RouteNetlinkMessage::DelAddress(address_message(spec)), 0),
        Write::Route(route, op) => {
            let msg = convert::to_message(route);
            let msg = if *op == RouteOp::Delete {
                RouteNetlinkMessage::DelRoute(msg)
            } else {
                RouteNetlinkMessage::NewRoute(msg)
            };
            (msg, op.flags())
        }
    }
}

impl Netlink {
    /// Send every write back to back and return each one's outcome, in
    /// order. The kernel applies them in order; a failed write does not
    /// stop the ones after it.
    pub fn write_all(&mut self, writes: &[Write<'_>]) -> Vec<Result<(), NlError>> {
        if writes.is_empty() {
            return Vec::new();
        }
        self.pipeline_acks(writes.iter().map(message).collect())
    }
}
