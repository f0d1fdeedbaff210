//! macvlan and macvtap: the options a request sends (IFLA_MACVLAN_*) and
//! the settings a dump reports.

use super::super::super::link_ops::LinkKind;
use super::super::KindData;
use super::KindCodec;
use netlink_packet_route::link::{InfoData, InfoKind, InfoMacVlan, InfoMacVtap, MacVlanFlags, MacVlanMode};

pub(super) const MACVLAN: KindCodec = KindCodec::new("macvlan", InfoKind::MacVlan, encode, decode);

/// macvtap is created by name only; its settings read as macvlan's.
pub(super) const MACVTAP: KindCodec = KindCodec::new("macvtap", InfoKind::MacVtap, |_| None, decode);

/// macvlan options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MacVlan {
    /// MACVLAN_MODE_* (1 private, 2 vepa, 4 bridge, 8 passthru, 16 source).
    pub mode: Option<u32>,
    /// MACVLAN_FLAG_* (1 nopromisc, 2 nodst).
    pub flags: Option<u16>,
    /// IFLA_MACVLAN_BC_QUEUE_LEN
    pub bc_queue_len: Option<u32>,
}

/// Nothing is sent for a macvlan without options: the kernel's defaults.
fn encode(kind: &LinkKind<'_>) -> Option<InfoData> {
    let LinkKind::MacVlan(m) = kind else { return None };
    if *m == MacVlan::default() {
        return None;
    }
    let mut v = Vec::new();
    if let Some(mode) = m.mode {
        v.push(InfoMacVlan::Mode(MacVlanMode::from(mode)));
    }
    if let Some(flags) = m.flags {
        v.push(InfoMacVlan::Flags(MacVlanFlags::from_bits_retain(flags)));
    }
    if let Some(len) = m.bc_queue_len {
        v.push(InfoMacVlan::BcQueueLen(len));
    }
    Some(InfoData::MacVlan(v))
}

fn decode(data: &InfoData) -> Option<KindData> {
    match data {
        InfoData::MacVlan(v) => Some(KindData::Macvlan(MacvlanInfo::from_nlas(v))),
        InfoData::MacVtap(v) => Some(KindData::Macvlan(MacvlanInfo::from_vtap_nlas(v))),
        _ => None,
    }
}

/// A macvlan/macvtap device's settings (IFLA_MACVLAN_*).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MacvlanInfo {
    /// 1 private, 2 vepa, 4 bridge, 8 passthru, 16 source.
    pub mode: Option<u32>,
    /// MACVLAN_FLAG_* (1 nopromisc, 2 nodst).
    pub flags: Option<u16>,
    /// Broadcast queue length asked for.
    pub bc_queue_len: Option<u32>,
    /// Broadcast queue length in use.
    pub bc_queue_len_used: Option<u32>,
    /// Source mode: how many source MACs.
    pub macaddr_count: Option<u32>,
    /// Source mode: the MACs.
    pub macaddrs: Vec<[u8; 6]>,
}

impl MacvlanInfo {
    fn from_nlas(nlas: &[InfoMacVlan]) -> MacvlanInfo {
        let mut m = MacvlanInfo::default();
        for nla in nlas {
            match nla {
                InfoMacVlan::Mode(v) => m.mode = Some((*v).into()),
                InfoMacVlan::Flags(v) => m.flags = Some(v.bits()),
                InfoMacVlan::BcQueueLen(v) => m.bc_queue_len = Some(*v),
                InfoMacVlan::BcQueueLenUsed(v) => m.bc_queue_len_used = Some(*v),
                InfoMacVlan::MacAddrCount(v) => m.macaddr_count = Some(*v),
                InfoMacVlan::MacAddrData(list) => {
                    for a in list {
                        if let InfoMacVlan::MacAddr(mac) = a {
                            m.macaddrs.push(*mac);
                        }
                    }
                }
                _ => {}
            }
        }
        m
    }

    fn from_vtap_nlas(nlas: &[InfoMacVtap]) -> MacvlanInfo {
        let mut m = MacvlanInfo::default();
        for nla in nlas {
            match nla {
                InfoMacVtap::Mode(v) => m.mode = Some((*v).into()),
                InfoMacVtap::Flags(v) => m.flags = Some(v.bits()),
                InfoMacVtap::BcQueueLen(v) => m.bc_queue_len = Some(*v),
                InfoMacVtap::BcQueueLenUsed(v) => m.bc_queue_len_used = Some(*v),
                InfoMacVtap::MacAddrCount(v) => m.macaddr_count = Some(*v),
                InfoMacVtap::MacAddrData(list) => {
                    for a in list {
                        if let InfoMacVtap::MacAddr(mac) = a {
                            m.macaddrs.push(*mac);
                        }
                    }
                }
                _ => {}
            }
        }
        m
    }
}
