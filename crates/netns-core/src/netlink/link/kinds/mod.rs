//! Link kinds on the wire: one file per kind, each holding how that kind's
//! options are sent (our [`LinkKind`] → IFLA_INFO_DATA) and how its
//! settings are read back (IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA → our
//! typed [`KindData`] / [`PortData`]), and one registry, [`CODECS`].
//!
//! Adding a kind: write `kinds/NAME.rs` with its spec and info types and a
//! `KindCodec` constant, add that constant to [`CODECS`], and give
//! [`LinkKind`] (options sent) and [`KindData`] (settings read) a variant
//! when the kind has typed settings. Kinds without a codec still work:
//! they are created by name ([`LinkKind::Other`]) and their settings read
//! as [`KindData::Other`]. The command side has its own registry in
//! `ipobj/link/kinds`.

pub(crate) mod bridge;
pub(crate) mod macvlan;
pub(crate) mod veth;
pub(crate) mod vlan;
pub(crate) mod vxlan;

use super::super::link_ops::LinkKind;
use super::{KindData, PortData};
use libc::IFLA_INFO_KIND;
use netlink_packet_core::DefaultNla;
use netlink_packet_route::link::{InfoData, InfoKind, InfoPortData, LinkInfo};

/// What the netlink layer knows of one link kind.
pub(crate) struct KindCodec {
    /// IFLA_INFO_KIND, as the kernel names the kind.
    pub name: &'static str,
    /// The kind attribute a request carries.
    pub info_kind: InfoKind,
    /// IFLA_INFO_DATA for a spec of this kind; `None` sends none.
    pub encode: fn(&LinkKind<'_>) -> Option<InfoData>,
    /// The settings in a dump's IFLA_INFO_DATA, when it is this kind's.
    pub decode: fn(&InfoData) -> Option<KindData>,
    /// The settings of a port of a link of this kind (IFLA_INFO_SLAVE_DATA).
    pub decode_port: fn(&InfoPortData) -> Option<PortData>,
}

impl KindCodec {
    /// A kind without port settings.
    const fn new(
        name: &'static str,
        info_kind: InfoKind,
        encode: fn(&LinkKind<'_>) -> Option<InfoData>,
        decode: fn(&InfoData) -> Option<KindData>,
    ) -> KindCodec {
        KindCodec { name, info_kind, encode, decode, decode_port: no_port }
    }
}

fn no_port(_: &InfoPortData) -> Option<PortData> {
    None
}

/// Every link kind with typed options or settings: one line per kind.
pub(crate) const CODECS: &[KindCodec] =
    &[veth::VETH, bridge::BRIDGE, vxlan::VXLAN, macvlan::MACVLAN, macvlan::MACVTAP, vlan::VLAN];

fn codec(name: &[u8]) -> Option<&'static KindCodec> {
    CODECS.iter().find(|c| c.name.as_bytes() == name)
}

/// IFLA_LINKINFO of a request: the kind and, when its codec has options
/// to send, IFLA_INFO_DATA.
pub(crate) fn link_info(kind: &LinkKind<'_>) -> Vec<LinkInfo> {
    let known = match kind {
        // Always sent by name, as given: a kind name need not be one the
        // crate (or this kernel) knows.
        LinkKind::Other(_) => None,
        k => codec(k.name()),
    };
    let Some(c) = known else {
        return vec![LinkInfo::Other(DefaultNla::new(IFLA_INFO_KIND, kind.name().to_vec()))];
    };
    let mut info = vec![LinkInfo::Kind(c.info_kind.clone())];
    info.extend((c.encode)(kind).map(LinkInfo::Data));
    info
}

/// The typed settings of a dump's IFLA_INFO_DATA.
pub(super) fn decode(data: &InfoData) -> KindData {
    CODECS.iter().find_map(|c| (c.decode)(data)).unwrap_or(KindData::Other)
}

/// The typed settings of a dump's IFLA_INFO_SLAVE_DATA.
pub(super) fn decode_port(data: &InfoPortData) -> PortData {
    CODECS.iter().find_map(|c| (c.decode_port)(data)).unwrap_or(PortData::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_codec_is_registered_once() {
        for (i, c) in CODECS.iter().enumerate() {
            assert!(CODECS[..i].iter().all(|o| o.name != c.name), "{} twice", c.name);
            assert_eq!(c.info_kind.to_string(), c.name);
        }
    }

    #[test]
    fn a_kind_by_name_is_sent_as_given() {
        let info = link_info(&LinkKind::Other(b"dummy".to_vec()));
        assert_eq!(info, vec![LinkInfo::Other(DefaultNla::new(IFLA_INFO_KIND, b"dummy".to_vec()))]);
        let info = link_info(&LinkKind::Veth { peer: None });
        assert_eq!(info, vec![LinkInfo::Kind(InfoKind::Veth)]);
    }
}
