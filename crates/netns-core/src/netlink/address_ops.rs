//! Typed rtnetlink writes on addresses: add, change, replace, delete, and
//! the dump-and-delete rounds of a flush.
//!
//! ```no_run
//! use netns_core::netlink::{Netlink, address::{AF_INET6, Address}, address_ops::AddrWrite};
//! let mut nl = Netlink::open()?;
//! let index = nl.link_by_name("eth0")?.expect("eth0 exists").index;
//! let ip = "2001:db8::10".parse()?;
//! let a = Address { family: AF_INET6, prefix_len: 64, index, local: Some(ip), ..Address::default() };
//! nl.addr_write(&a, AddrWrite::Replace)?; // ip address replace 2001:db8::10/64 dev eth0
//! // ip -6 address flush dev eth0
//! for old in nl.addr_list(AF_INET6, index)? {
//!     nl.addr_delete(&old)?;
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::address::{Address, AddressQuery};
use super::engine::Netlink;
use super::error::NlError;
use netlink_packet_core::{DefaultNla, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use netlink_packet_route::address::{AddressAttribute, AddressHeaderFlags, AddressMessage, AddressScope};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use std::net::IpAddr;

const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_LABEL: u16 = 3;
const IFA_BROADCAST: u16 = 4;
const IFA_ANYCAST: u16 = 5;
const IFA_CACHEINFO: u16 = 6;
const IFA_FLAGS: u16 = 8;
const IFA_RT_PRIORITY: u16 = 9;

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

impl AddrWrite {
    /// The request's `NLM_F_*` flags that say so.
    pub(crate) fn flags(self) -> u16 {
        match self {
            AddrWrite::Create => NLM_F_CREATE | NLM_F_EXCL,
            AddrWrite::Change => NLM_F_REPLACE,
            AddrWrite::Replace => NLM_F_CREATE | NLM_F_REPLACE,
        }
    }
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

pub(super) fn address_message(spec: &Address) -> AddressMessage {
    let mut msg = AddressMessage::default();
    msg.header.family = AddressFamily::from(spec.family);
    msg.header.prefix_len = spec.prefix_len;
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
    if let Some(lt) = spec.lifetimes {
        // struct ifa_cacheinfo: ifa_prefered, ifa_valid, cstamp, tstamp.
        let mut v = Vec::with_capacity(16);
        v.extend_from_slice(&lt.preferred.to_ne_bytes());
        v.extend_from_slice(&lt.valid.to_ne_bytes());
        v.extend_from_slice(&[0; 8]);
        a.push(raw(IFA_CACHEINFO, v));
    }
    msg
}

impl Netlink {
    /// Add, change or replace an address (`RTM_NEWADDR`).
    pub fn addr_write(&mut self, spec: &Address, how: AddrWrite) -> Result<(), NlError> {
        self.ack(RouteNetlinkMessage::NewAddress(address_message(spec)), how.flags())
    }

    /// Delete an address (`RTM_DELADDR`). Unset fields match anything.
    pub fn addr_delete(&mut self, spec: &Address) -> Result<(), NlError> {
        self.ack(RouteNetlinkMessage::DelAddress(address_message(spec)), 0)
    }

    /// Every address of `family` (0: all) on `index` (0: every link),
    /// each as the kernel sent it, so it can be sent back as a delete.
    pub fn addr_list(&mut self, family: u8, index: u32) -> Result<Vec<Address>, NlError> {
        let all = self.address_dump(AddressQuery { family, index })?;
        Ok(all
            .into_iter()
            .filter(|s| index == 0 || s.index == index)
            .filter(|s| family == 0 || s.family == family)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::super::address::{AF_INET, AF_INET6, Lifetimes, address_of};
    use super::*;
    use netlink_packet_core::{Emitable, Parseable};

    /// What the kernel would parse: the request as bytes, decoded again.
    fn on_the_wire(spec: &Address) -> AddressMessage {
        let msg = address_message(spec);
        let mut buf = vec![0; msg.buffer_len()];
        msg.emit(&mut buf);
        AddressMessage::parse(&buf[..]).unwrap()
    }

    #[test]
    fn wide_flags_go_into_ifa_flags() {
        let spec = Address { family: AF_INET6, flags: 0x200, ..Address::default() };
        let msg = address_message(&spec);
        assert!(msg.header.flags.is_empty());
        assert_eq!(msg.attributes.len(), 1);
        let spec = Address { family: AF_INET, flags: 0x02, ..Address::default() };
        assert_eq!(address_message(&spec).header.flags.bits(), 0x02);
    }

    #[test]
    fn cacheinfo_puts_preferred_first() {
        let spec = Address { lifetimes: Some(Lifetimes { valid: 20, preferred: 10 }), ..Address::default() };
        let mut want = Vec::new();
        for v in [10u32, 20, 0, 0] {
            want.extend_from_slice(&v.to_ne_bytes());
        }
        let msg = address_message(&spec);
        let [AddressAttribute::Other(nla)] = msg.attributes.as_slice() else { panic!("{msg:?}") };
        let mut got = vec![0; netlink_packet_core::Nla::value_len(nla)];
        netlink_packet_core::Nla::emit_value(nla, &mut got);
        assert_eq!((netlink_packet_core::Nla::kind(nla), got), (IFA_CACHEINFO, want));
    }

    #[test]
    fn written_address_reads_back() {
        let v4 = Address {
            family: AF_INET,
            prefix_len: 24,
            flags: 0x200,
            scope: 253,
            index: 3,
            local: Some("10.0.0.1".parse().unwrap()),
            address: Some("10.0.0.2".parse().unwrap()),
            broadcast: Some("10.0.0.255".parse().unwrap()),
            label: Some(b"br0:x".to_vec()),
            metric: Some(7),
            lifetimes: Some(Lifetimes { valid: 300, preferred: 100 }),
            ..Address::default()
        };
        assert_eq!(address_of(&on_the_wire(&v4)), v4);
        let v6 = Address {
            family: AF_INET6,
            prefix_len: 64,
            flags: 0x02,
            index: 4,
            address: Some("2001:db8::1".parse().unwrap()),
            anycast: Some("2001:db8::".parse().unwrap()),
            ..Address::default()
        };
        assert_eq!(address_of(&on_the_wire(&v6)), v6);
    }
}
