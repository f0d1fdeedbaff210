//! VLANs of bridge ports (`bridge vlan add|del dev PORT vid N [pvid untagged]`):
//! RTM_SETLINK / RTM_DELLINK in the AF_BRIDGE family with an
//! IFLA_BRIDGE_VLAN_INFO inside IFLA_AF_SPEC, built by hand because
//! `netlink-packet-route` does not model it.

use super::address::AF_BRIDGE;
use super::engine::Netlink;
use super::error::NlError;
use super::wire::nla;
use libc::{IFLA_AF_SPEC, RTM_DELLINK, RTM_SETLINK};

const IFLA_BRIDGE_VLAN_INFO: u16 = 2;
const BRIDGE_VLAN_INFO_PVID: u16 = 2;
const BRIDGE_VLAN_INFO_UNTAGGED: u16 = 4;

/// How a port carries a VLAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortVlan {
    /// Untagged, and the VLAN of untagged frames that arrive (access port).
    Access(u16),
    /// Tagged (trunk member).
    Tagged(u16),
}

fn message(index: u32, vlan: PortVlan) -> Vec<u8> {
    let (vid, flags) = match vlan {
        PortVlan::Access(v) => (v, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED),
        PortVlan::Tagged(v) => (v, 0),
    };
    // struct ifinfomsg: family, pad, type, index, flags, change.
    let mut m = vec![AF_BRIDGE, 0, 0, 0];
    m.extend_from_slice(&index.to_ne_bytes());
    m.extend_from_slice(&[0u8; 8]);
    // IFLA_AF_SPEC { IFLA_BRIDGE_VLAN_INFO { u16 flags; u16 vid } }
    let info = [flags.to_ne_bytes(), vid.to_ne_bytes()].concat();
    m.extend(nla(IFLA_AF_SPEC, &nla(IFLA_BRIDGE_VLAN_INFO, &info)));
    m
}

impl Netlink {
    /// Add a VLAN to bridge port `index`.
    pub fn bridge_vlan_add(&mut self, index: u32, vlan: PortVlan) -> Result<(), NlError> {
        self.ack_raw(RTM_SETLINK, 0, &message(index, vlan))
    }

    /// Remove VLAN `vid` from bridge port `index`.
    pub fn bridge_vlan_del(&mut self, index: u32, vid: u16) -> Result<(), NlError> {
        self.ack_raw(RTM_DELLINK, 0, &message(index, PortVlan::Tagged(vid)))
    }
}
