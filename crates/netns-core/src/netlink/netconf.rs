//! Per-namespace IP configuration over netlink (RTM_GETNETCONF): the
//! forwarding and reverse-path-filter settings, without reading
//! `/proc/sys`, whose per-namespace lookups are slow and serialise threads.
//!
//! ```no_run
//! use netns_core::netlink::{Netlink, address::AF_INET, netconf::IFINDEX_ALL};
//! let mut nl = Netlink::open()?;
//! let all = nl.netconf(AF_INET, IFINDEX_ALL)?; // net.ipv4.conf.all
//! println!("forwarding {:?}, rp_filter {:?}", all.forwarding, all.rp_filter);
//! # Ok::<(), netns_core::netlink::NlError>(())
//! ```

use super::engine::{Netlink, Reply};
use super::error::NlError;
use super::wire::{attrs, nla};

const RTM_NEWNETCONF: u16 = 80;
const RTM_GETNETCONF: u16 = 82;
const NETCONFA_IFINDEX: u16 = 1;
const NETCONFA_FORWARDING: u16 = 2;
const NETCONFA_RP_FILTER: u16 = 3;

/// `NETCONFA_IFINDEX_ALL`: the `conf/all` settings.
pub const IFINDEX_ALL: i32 = -1;
/// `NETCONFA_IFINDEX_DEFAULT`: the `conf/default` settings.
pub const IFINDEX_DEFAULT: i32 = -2;

/// Some of the settings of one `conf/` directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetConf {
    /// `forwarding` (for IPv4 `all`, the same as `net.ipv4.ip_forward`).
    pub forwarding: Option<i32>,
    /// `rp_filter` (IPv4 only).
    pub rp_filter: Option<i32>,
}

fn parse(payload: &[u8]) -> NetConf {
    let mut conf = NetConf::default();
    // struct netconfmsg { u8 ncm_family; } padded to 4 bytes, then attributes.
    for (kind, value) in attrs(payload.get(4..).unwrap_or(&[])) {
        let Some(&[a, b, c, d]) = value.get(..4) else { continue };
        let v = i32::from_ne_bytes([a, b, c, d]);
        match kind {
            NETCONFA_FORWARDING => conf.forwarding = Some(v),
            NETCONFA_RP_FILTER => conf.rp_filter = Some(v),
            _ => {}
        }
    }
    conf
}

impl Netlink {
    /// The settings of `conf/all` ([`IFINDEX_ALL`]), `conf/default`
    /// ([`IFINDEX_DEFAULT`]) or one interface, for `family` (AF_INET,
    /// AF_INET6), in this socket's namespace.
    pub fn netconf(&mut self, family: u8, ifindex: i32) -> Result<NetConf, NlError> {
        let mut payload = vec![family, 0, 0, 0];
        payload.extend(nla(NETCONFA_IFINDEX, &ifindex.to_ne_bytes()));
        let replies = self.request_raw(RTM_GETNETCONF, &payload)?;
        Ok(replies
            .iter()
            .find_map(|r| match r {
                Reply::Undecoded { kind: RTM_NEWNETCONF, payload, .. } => Some(parse(payload)),
                _ => None,
            })
            .unwrap_or_default())
    }
}
