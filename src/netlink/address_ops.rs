//! Typed rtnetlink writes on addresses: add, change, replace, delete, and
//! the dump-and-delete rounds of a flush.

use super::engine::Netlink;
use super::error::NlError;
use netlink_packet_core::DefaultNla;
use netlink_packet_route::address::{AddressAttribute, AddressHeaderFlags, AddressMessage, AddressScope};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use std::net::IpAddr;

const NLM_F_REPLACE: u16 = 0x100;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;

const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_LABEL: u16 = 3;
const IFA_BROADCAST: u16 = 4;
const IFA_ANYCAST: u16 = 5;
const IFA_CACHEINFO: u16 = 6;
const IFA_FLAGS: u16 = 8;
const IFA_RT_PRIORITY: u16 = 9;

/// AF_INET
pub const AF_INET: u8 = 2;
/// AF_INET6
pub const AF_INET6: u8 = 10;

/// How a `RTM_NEWADDR` treats an existing address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrWrite {
    /// `add`: create, fail if it exists.
    Create,
    /// `change`: change an existing address only.
    Change,
    /// `replace`: create or change.
    Replace,
}

/// One address as a request (or a dump) describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddrSpec {
    /// AF_INET or AF_INET6.
    pub family: u8,
    /// Prefix length.
    pub prefixlen: u8,
    /// IFA_F_* flags (sent in the header when they fit a byte, else as IFA_FLAGS).
    pub flags: u32,
    /// RT_SCOPE_*.
    pub scope: u8,
    /// ifindex of the device.
    pub index: u32,
    /// IFA_LOCAL.
    pub local: Option<IpAddr>,
    /// IFA_ADDRESS (the peer on point-to-point links, else equal to local).
    pub address: Option<IpAddr>,
    /// IFA_BROADCAST.
    pub broadcast: Option<IpAddr>,
    /// IFA_ANYCAST.
    pub anycast: Option<IpAddr>,
    /// IFA_LABEL.
    pub label: Option<Vec<u8>>,
    /// IFA_RT_PRIORITY (metric of the prefix route).
    pub metric: Option<u32>,
    /// IFA_CACHEINFO lifetimes: (preferred, valid) in seconds.
    pub lifetimes: Option<(u32, u32)>,
}

fn ip_bytes(a: &IpAddr) -> Vec<u8> {
    match a {
        IpAddr::V4(v) => v.octets().to_vec(),
        IpAddr::V6(v) => v.octets().to_vec(),
    }
}

fn raw(kind: u16, value: Vec<u8>) -> AddressAttribute {
    AddressAttribute::Other(DefaultNla::new(kind, value))
}

pub(super) fn address_message(spec: &AddrSpec) -> AddressMessage {
    let mut msg = AddressMessage::default();
    msg.header.family = AddressFamily::from(spec.family);
    msg.header.prefix_len = spec.prefixlen;
    msg.header.scope = AddressScope::from(spec.scope);
    msg.header.index = spec.index;
    let a = &mut msg.attributes;
    // Raw attributes: the address length must follow the family, IPv4
    // broadcast/anycast are not restricted the way the crate's types are.
    if let Some(v) = &spec.address {
        a.push(raw(IFA_ADDRESS, ip_bytes(v)));
    }
    if let Some(v) = &spec.local {
        a.push(raw(IFA_LOCAL, ip_bytes(v)));
    }
    if let Some(v) = &spec.broadcast {
        a.push(raw(IFA_BROADCAST, ip_bytes(v)));
    }
    if let Some(v) = &spec.anycast {
        a.push(raw(IFA_ANYCAST, ip_bytes(v)));
    }
    if let Some(v) = &spec.label {
        let mut l = v.clone();
        l.push(0);
        a.push(raw(IFA_LABEL, l));
    }
    if let Some(v) = spec.metric {
        a.push(raw(IFA_RT_PRIORITY, v.to_ne_bytes().to_vec()));
    }
    if spec.flags <= 0xff {
        msg.header.flags = AddressHeaderFlags::from_bits_retain(spec.flags as u8);
    } else {
        a.push(raw(IFA_FLAGS, spec.flags.to_ne_bytes().to_vec()));
    }
    if let Some((preferred, valid)) = spec.lifetimes {
        let mut v = Vec::with_capacity(16);
        v.extend_from_slice(&preferred.to_ne_bytes());
        v.extend_from_slice(&valid.to_ne_bytes());
        v.extend_from_slice(&[0; 8]);
        a.push(raw(IFA_CACHEINFO, v));
    }
    msg
}

fn ip_of(v: &[u8]) -> Option<IpAddr> {
    match v.len() {
        4 => Some(IpAddr::from(<[u8; 4]>::try_from(v).ok()?)),
        16 => Some(IpAddr::from(<[u8; 16]>::try_from(v).ok()?)),
        _ => None,
    }
}

fn spec_of(msg: &AddressMessage) -> AddrSpec {
    let mut spec = AddrSpec {
        family: u8::from(msg.header.family),
        prefixlen: msg.header.prefix_len,
        flags: msg.header.flags.bits() as u32,
        scope: u8::from(msg.header.scope),
        index: msg.header.index,
        ..AddrSpec::default()
    };
    for attr in &msg.attributes {
        match attr {
            AddressAttribute::Address(a) => spec.address = Some(*a),
            AddressAttribute::Local(a) => spec.local = Some(*a),
            AddressAttribute::Broadcast(a) => spec.broadcast = Some(IpAddr::V4(*a)),
            AddressAttribute::Anycast(a) => spec.anycast = Some(IpAddr::V6(*a)),
            AddressAttribute::Label(l) => spec.label = Some(l.as_bytes().to_vec()),
            AddressAttribute::Flags(f) => spec.flags = f.bits(),
            AddressAttribute::RoutePriority(m) => spec.metric = Some(*m),
            AddressAttribute::Other(nla) => {
                let mut v = vec![0u8; netlink_packet_core::Nla::value_len(nla)];
                netlink_packet_core::Nla::emit_value(nla, &mut v);
                match netlink_packet_core::Nla::kind(nla) {
                    IFA_ADDRESS => spec.address = ip_of(&v),
                    IFA_LOCAL => spec.local = ip_of(&v),
                    IFA_LABEL => spec.label = Some(v.split(|&c| c == 0).next().unwrap_or(&[]).to_vec()),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    spec
}

impl Netlink {
    /// Add, change or replace an address (`RTM_NEWADDR`).
    pub fn addr_write(&mut self, spec: &AddrSpec, how: AddrWrite) -> Result<(), NlError> {
        let flags = match how {
            AddrWrite::Create => NLM_F_CREATE | NLM_F_EXCL,
            AddrWrite::Change => NLM_F_REPLACE,
            AddrWrite::Replace => NLM_F_CREATE | NLM_F_REPLACE,
        };
        self.ack(RouteNetlinkMessage::NewAddress(address_message(spec)), flags)
    }

    /// Delete an address (`RTM_DELADDR`). Unset fields match anything.
    pub fn addr_delete(&mut self, spec: &AddrSpec) -> Result<(), NlError> {
        self.ack(RouteNetlinkMessage::DelAddress(address_message(spec)), 0)
    }

    /// Every address of `family` (0: all) on `index` (0: every link).
    pub fn addr_list(&mut self, family: u8, index: u32) -> Result<Vec<AddrSpec>, NlError> {
        let mut msg = AddressMessage::default();
        msg.header.family = AddressFamily::from(family);
        msg.header.index = index;
        let replies = self.dump(RouteNetlinkMessage::GetAddress(msg))?;
        Ok(replies
            .iter()
            .filter_map(|r| match r.decoded()? {
                RouteNetlinkMessage::NewAddress(m) => Some(spec_of(m)),
                _ => None,
            })
            .filter(|s| index == 0 || s.index == index)
            .filter(|s| family == 0 || s.family == family)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_flags_go_into_ifa_flags() {
        let spec = AddrSpec { family: AF_INET6, flags: 0x200, ..AddrSpec::default() };
        let msg = address_message(&spec);
        assert!(msg.header.flags.is_empty());
        assert_eq!(msg.attributes.len(), 1);
        let spec = AddrSpec { family: AF_INET, flags: 0x02, ..AddrSpec::default() };
        assert_eq!(address_message(&spec).header.flags.bits(), 0x02);
    }

    #[test]
    fn written_address_reads_back() {
        let spec = AddrSpec {
            family: AF_INET,
            prefixlen: 24,
            index: 3,
            local: Some("10.0.0.1".parse().unwrap()),
            address: Some("10.0.0.1".parse().unwrap()),
            label: Some(b"br0:x".to_vec()),
            ..AddrSpec::default()
        };
        assert_eq!(spec_of(&address_message(&spec)), spec);
    }
}
