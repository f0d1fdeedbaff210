//! Interface names for route and neighbour commands: one RTM_GETLINK dump
//! per command, with iproute2's fallbacks (`if_indextoname`,
//! `if_nametoindex`, `ifN`) for anything the dump did not answer.

use crate::netlink::engine::{Netlink, Reply};
use crate::netlink::error::NlError;
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::{LinkAttribute, LinkExtentMask, LinkMessage};
use std::collections::HashMap;
use std::ffi::{CStr, CString};

/// Index → (name, ARPHRD type) of the interfaces of one namespace.
#[derive(Debug, Default, Clone)]
pub struct LinkMap {
    by_index: HashMap<u32, (Vec<u8>, u16)>,
}

impl LinkMap {
    /// An empty map: every lookup goes to the fallbacks.
    pub fn empty() -> LinkMap {
        LinkMap::default()
    }

    /// The name iproute2 prints for an index: `*` for 0, the name, or
    /// `ifN` when the interface is gone.
    pub fn name(&self, index: u32) -> Vec<u8> {
        if index == 0 {
            return b"*".to_vec();
        }
        if let Some((name, _)) = self.by_index.get(&index) {
            return name.clone();
        }
        let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
        // SAFETY: `buf` holds IF_NAMESIZE bytes as if_indextoname requires.
        let p = unsafe { libc::if_indextoname(index, buf.as_mut_ptr()) };
        if p.is_null() {
            return format!("if{index}").into_bytes();
        }
        // SAFETY: on success the buffer holds a NUL-terminated name.
        unsafe { CStr::from_ptr(buf.as_ptr()) }.to_bytes().to_vec()
    }

    /// The link-layer type (ARPHRD_*) of an index, if known.
    pub fn kind(&self, index: u32) -> Option<u16> {
        self.by_index.get(&index).map(|&(_, t)| t)
    }

    /// iproute2's `ll_name_to_index`: the dump, then the kernel's name
    /// lookup (which knows alternative names), then `ifN`. 0: not found.
    pub fn index(&self, name: &[u8]) -> u32 {
        if let Some((&i, _)) = self.by_index.iter().find(|(_, (n, _))| n == name) {
            return i;
        }
        if let Ok(c) = CString::new(name) {
            // SAFETY: `c` is a valid NUL-terminated string.
            let i = unsafe { libc::if_nametoindex(c.as_ptr()) };
            if i != 0 {
                return i;
            }
        }
        index_of_ifn(name)
    }
}

/// `sscanf(name, "if%u")`: `if7` names index 7 even when no such name exists.
fn index_of_ifn(name: &[u8]) -> u32 {
    let Some(rest) = name.strip_prefix(b"if") else { return 0 };
    let rest: Vec<u8> = rest.iter().copied().skip_while(|c| c.is_ascii_whitespace()).collect();
    let (neg, digits) = match rest.first() {
        Some(b'-') => (true, &rest[1..]),
        Some(b'+') => (false, &rest[1..]),
        _ => (false, &rest[..]),
    };
    let digits: Vec<u8> = digits.iter().copied().take_while(u8::is_ascii_digit).collect();
    if digits.is_empty() {
        return 0;
    }
    let v = digits.iter().fold(0u32, |acc, &d| acc.wrapping_mul(10).wrapping_add(u32::from(d - b'0')));
    if neg { v.wrapping_neg() } else { v }
}

impl Netlink {
    /// Dump the interfaces' names and types (statistics skipped).
    pub fn link_map(&mut self) -> Result<LinkMap, NlError> {
        let mut req = LinkMessage::default();
        req.attributes.push(LinkAttribute::ExtMask(vec![LinkExtentMask::SkipStats]));
        let replies = self.dump(RouteNetlinkMessage::GetLink(req))?;
        let mut map = LinkMap::default();
        for reply in &replies {
            // A link message this crate cannot decode is not lost: its name
            // is then looked up through if_indextoname (see `LinkMap::name`).
            let Reply::Message(RouteNetlinkMessage::NewLink(m)) = reply else { continue };
            let name = m.attributes.iter().find_map(|a| match a {
                LinkAttribute::IfName(n) => Some(n.as_bytes().to_vec()),
                _ => None,
            });
            if let Some(name) = name {
                map.by_index.insert(m.header.index, (name, u16::from(m.header.link_layer_type)));
            }
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ifn_names_an_index() {
        assert_eq!(index_of_ifn(b"if7"), 7);
        assert_eq!(index_of_ifn(b"if12x"), 12);
        assert_eq!(index_of_ifn(b"eth0"), 0);
        assert_eq!(index_of_ifn(b"if"), 0);
    }
}
