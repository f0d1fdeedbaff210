//! The forwarding-related sysctls `inspect` shows, read over netlink
//! (RTM_GETNETCONF) on the namespace's own socket: the same values as
//! `/proc/sys/net/…`, without its per-namespace path lookups, which cost
//! more than all the other reads together and serialise threads.

use crate::netlink::Netlink;
use crate::netlink::address::{AF_INET, AF_INET6};
use crate::netlink::netconf::{IFINDEX_ALL, IFINDEX_DEFAULT};

/// Forwarding and reverse-path-filter settings of one namespace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Forwarding {
    /// net.ipv4.ip_forward
    pub ipv4: Option<bool>,
    /// net.ipv6.conf.all.forwarding
    pub ipv6: Option<bool>,
    /// net.ipv4.conf.all.rp_filter (0 off, 1 strict, 2 loose)
    pub rp_filter_all: Option<u8>,
    /// net.ipv4.conf.default.rp_filter
    pub rp_filter_default: Option<u8>,
}

/// Read the settings of the namespace `nl` lives in.
pub fn read(nl: &mut Netlink) -> Forwarding {
    let v4_all = nl.netconf(AF_INET, IFINDEX_ALL).unwrap_or_default();
    let v4_default = nl.netconf(AF_INET, IFINDEX_DEFAULT).unwrap_or_default();
    let v6_all = nl.netconf(AF_INET6, IFINDEX_ALL).unwrap_or_default();
    Forwarding {
        ipv4: v4_all.forwarding.map(|v| v != 0),
        ipv6: v6_all.forwarding.map(|v| v != 0),
        rp_filter_all: v4_all.rp_filter.map(|v| v as u8),
        rp_filter_default: v4_default.rp_filter.map(|v| v as u8),
    }
}

/// `rp_filter` in words.
pub fn rp_filter_words(v: u8) -> &'static str {
    match v {
        0 => "off",
        1 => "strict",
        _ => "loose",
    }
}
