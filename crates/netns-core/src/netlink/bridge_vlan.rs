//! VLANs of bridge ports (`bridge vlan add|del dev PORT vid N [pvid untagged]`):
//! RTM_SETLINK / RTM_DELLINK in the AF_BRIDGE family with an
//! IFLA_BRIDGE_VLAN_INFO inside IFLA_AF_SPEC, built by hand because
//! `netlink-packet-route` does not model it; and the list of every port's
//! VLANs (`bridge vlan show`), an AF_BRIDGE link dump.
//!
//! ```no_run
//! use netns_core::netlink::{Netlink, bridge_vlan::PortVlan};
//! let mut nl = Netlink::open()?;
//! let port = nl.link_by_name("veth0")?.expect("a port of a VLAN-filtering bridge").index;
//! nl.bridge_vlan_add(port, PortVlan::Access(10))?; // bridge vlan add dev veth0 vid 10 pvid untagged
//! nl.bridge_vlan_add(port, PortVlan::Tagged(20))?; // bridge vlan add dev veth0 vid 20
//! for (index, vlans) in nl.bridge_port_vlans()? {
//!     println!("{index}: {vlans:?}");
//! }
//! # Ok::<(), netns_core::netlink::NlError>(())
//! ```

use super::address::AF_BRIDGE;
use super::engine::Netlink;
use super::error::NlError;
use super::wire::nla;
use libc::{IFLA_AF_SPEC, RTM_DELLINK, RTM_SETLINK};
use netlink_packet_route::link::{AfSpecBridge, BridgeVlanInfoFlags, LinkAttribute, LinkExtentMask, LinkMessage};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

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

/// One VLAN of a port as the kernel lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PortVlanInfo {
    /// The VLAN id.
    pub vid: u16,
    /// Untagged frames arriving on the port belong to it (PVID).
    pub pvid: bool,
    /// It leaves the port untagged.
    pub untagged: bool,
}

impl From<PortVlan> for PortVlanInfo {
    fn from(v: PortVlan) -> PortVlanInfo {
        match v {
            PortVlan::Access(vid) => PortVlanInfo { vid, pvid: true, untagged: true },
            PortVlan::Tagged(vid) => PortVlanInfo { vid, pvid: false, untagged: false },
        }
    }
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

    /// Every bridge port of this namespace that has VLANs, with them (ports
    /// of a bridge without VLAN filtering have none), sorted by VLAN id.
    pub fn bridge_port_vlans(&mut self) -> Result<Vec<(u32, Vec<PortVlanInfo>)>, NlError> {
        let mut msg = LinkMessage::default();
        msg.header.interface_family = AddressFamily::Bridge;
        msg.attributes.push(LinkAttribute::ExtMask(vec![LinkExtentMask::Brvlan]));
        let mut out = Vec::new();
        for reply in self.dump(RouteNetlinkMessage::GetLink(msg))? {
            let Some(RouteNetlinkMessage::NewLink(m)) = reply.decoded() else { continue };
            let mut vlans: Vec<PortVlanInfo> = m
                .attributes
                .iter()
                .filter_map(|a| match a {
                    LinkAttribute::AfSpecBridge(spec) => Some(spec),
                    _ => None,
                })
                .flatten()
                .filter_map(|s| match s {
                    AfSpecBridge::VlanInfo(v) => Some(PortVlanInfo {
                        vid: v.vid,
                        pvid: v.flags.contains(BridgeVlanInfoFlags::Pvid),
                        untagged: v.flags.contains(BridgeVlanInfoFlags::Untagged),
                    }),
                    _ => None,
                })
                .collect();
            if !vlans.is_empty() {
                vlans.sort();
                out.push((m.header.index, vlans));
            }
        }
        Ok(out)
    }
}
