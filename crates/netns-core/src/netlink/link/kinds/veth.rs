//! veth: the peer travels in IFLA_INFO_DATA as a whole nested link
//! message, with its own name and namespace, so one request makes both ends.

use super::super::super::link_ops::{LinkKind, link_message};
use super::KindCodec;
use netlink_packet_route::link::{InfoData, InfoKind, InfoVeth};

pub(super) const VETH: KindCodec = KindCodec::new("veth", InfoKind::Veth, encode, |_| None);

fn encode(kind: &LinkKind<'_>) -> Option<InfoData> {
    match kind {
        LinkKind::Veth { peer: Some(peer) } => Some(InfoData::Veth(InfoVeth::Peer(link_message(peer)))),
        _ => None,
    }
}
