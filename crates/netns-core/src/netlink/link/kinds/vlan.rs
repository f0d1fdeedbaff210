//! vlan: the id is all a request sends and all a dump is read for.

use super::super::super::link_ops::LinkKind;
use super::super::KindData;
use super::KindCodec;
use netlink_packet_route::link::{InfoData, InfoKind, InfoVlan};

pub(super) const VLAN: KindCodec = KindCodec::new("vlan", InfoKind::Vlan, encode, decode);

fn encode(kind: &LinkKind<'_>) -> Option<InfoData> {
    match kind {
        LinkKind::Vlan(id) => Some(InfoData::Vlan(vec![InfoVlan::Id(*id)])),
        _ => None,
    }
}

fn decode(data: &InfoData) -> Option<KindData> {
    match data {
        InfoData::Vlan(v) => Some(KindData::Vlan(v.iter().find_map(|a| match a {
            InfoVlan::Id(id) => Some(*id),
            _ => None,
        }))),
        _ => None,
    }
}
