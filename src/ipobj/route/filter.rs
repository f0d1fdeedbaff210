//! `ip route show|flush` selectors and the client-side half of the route
//! filter (`filter_nlmsg`): what the kernel does not filter for us.

use super::inet::{AF_INET, AF_INET6, Prefix};
use crate::netlink::route::{RT_TABLE_LOCAL, RT_TABLE_MAIN, RTM_F_CLONED, RTN_LOCAL, Route};
use std::net::IpAddr;

/// A prefix selector (`root`, `match`, `exact`, `via`, `src`, `from`):
/// iproute2's `inet_prefix` with the address as 16 bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sel {
    /// Family (0: any).
    pub family: u8,
    /// Prefix length (`-1`: not given, for `match`).
    pub bitlen: i32,
    /// A length was written (or `default`).
    pub len_given: bool,
    /// Address bytes, zero-padded.
    pub data: [u8; 16],
}

impl Sel {
    /// An unset selector; `match` selectors start at bitlen −1.
    pub fn unset(bitlen: i32) -> Sel {
        Sel { bitlen, ..Sel::default() }
    }

    /// From a parsed prefix.
    pub fn of(p: &Prefix) -> Sel {
        Sel { family: p.family, bitlen: p.bitlen, len_given: p.len_given, data: bytes(p.addr.as_ref()) }
    }

    fn active(&self) -> bool {
        self.family != 0 || self.len_given
    }
}

fn bytes(a: Option<&IpAddr>) -> [u8; 16] {
    let mut d = [0u8; 16];
    match a {
        Some(IpAddr::V4(v)) => d[..4].copy_from_slice(&v.octets()),
        Some(IpAddr::V6(v)) => d.copy_from_slice(&v.octets()),
        None => {}
    }
    d
}

/// `inet_addr_match`: do the first `bits` bits agree?
fn addr_match(a: &[u8; 16], b: &[u8; 16], bits: i32) -> bool {
    if bits <= 0 {
        return true;
    }
    let bits = bits.min(128) as usize;
    let whole = bits / 32 * 4;
    if a[..whole] != b[..whole] {
        return false;
    }
    let rest = bits % 32;
    if rest == 0 {
        return true;
    }
    let w = |x: &[u8; 16]| u32::from_be_bytes([x[whole], x[whole + 1], x[whole + 2], x[whole + 3]]);
    let mask = u32::MAX << (32 - rest);
    (w(a) ^ w(b)) & mask == 0
}

/// The route filter, with iproute2's value/mask pairs.
#[derive(Debug, Clone)]
pub struct RouteSel {
    /// `-4`/`-6` (0: any)
    pub preferred_family: u8,
    /// table (0: all)
    pub tb: u32,
    /// `cloned`/`cached`, or `table cache`; `None` for `route get` (both)
    pub cloned: Option<bool>,
    /// protocol and whether it is fixed
    pub protocol: (u8, bool),
    /// scope and whether it is fixed
    pub scope: (u8, bool),
    /// `1 << type` bits (0: any)
    pub typemask: u64,
    /// tos and whether it is fixed
    pub tos: (u8, bool),
    /// input interface, when fixed
    pub iif: Option<u32>,
    /// output interface, when fixed
    pub oif: Option<u32>,
    /// mark, when fixed
    pub mark: Option<u32>,
    /// realms value and mask
    pub realm: (u32, u32),
    /// metric, when fixed
    pub metric: Option<u32>,
    /// `root` destination
    pub rdst: Sel,
    /// `match` destination
    pub mdst: Sel,
    /// `from root`
    pub rsrc: Sel,
    /// `from match`
    pub msrc: Sel,
    /// `via`
    pub rvia: Sel,
    /// `src`
    pub rprefsrc: Sel,
}

impl Default for RouteSel {
    fn default() -> RouteSel {
        RouteSel {
            preferred_family: 0,
            tb: RT_TABLE_MAIN,
            cloned: Some(false),
            protocol: (0, false),
            scope: (0, false),
            typemask: 0,
            tos: (0, false),
            iif: None,
            oif: None,
            mark: None,
            realm: (0, 0),
            metric: None,
            rdst: Sel::unset(0),
            mdst: Sel::unset(-1),
            rsrc: Sel::unset(0),
            msrc: Sel::unset(-1),
            rvia: Sel::unset(0),
            rprefsrc: Sel::unset(0),
        }
    }
}

impl RouteSel {
    /// `filter_nlmsg`. `v6_multi` is iproute2's sticky "IPv6 has more than
    /// the main table" observation.
    pub fn accepts(&self, r: &Route, v6_multi: &mut bool) -> bool {
        if self.preferred_family != 0 && r.family != self.preferred_family {
            return false;
        }
        if r.family == AF_INET6 && r.table != RT_TABLE_MAIN {
            *v6_multi = true;
        }
        if let Some(cloned) = self.cloned
            && cloned != (r.flags & RTM_F_CLONED != 0)
        {
            return false;
        }
        if r.family == AF_INET6 && !*v6_multi {
            if self.tb != 0 {
                let keep = match self.tb {
                    RT_TABLE_LOCAL => r.kind == RTN_LOCAL,
                    RT_TABLE_MAIN => r.kind != RTN_LOCAL,
                    _ => false,
                };
                if !keep {
                    return false;
                }
            }
        } else if self.tb > 0 && self.tb != r.table {
            return false;
        }
        if self.protocol.1 && self.protocol.0 != r.protocol {
            return false;
        }
        if self.scope.1 && self.scope.0 != r.scope {
            return false;
        }
        if self.typemask != 0 && (r.kind >= 64 || self.typemask & (1u64 << r.kind) == 0) {
            return false;
        }
        if self.tos.1 && self.tos.0 != r.tos {
            return false;
        }
        let dst_len = i32::from(r.dst_len);
        let src_len = i32::from(r.src_len);
        if self.rdst.family != 0 {
            if r.family != self.rdst.family || self.rdst.bitlen > dst_len {
                return false;
            }
        } else if self.rdst.len_given && self.rdst.bitlen > dst_len {
            return false;
        }
        if self.mdst.family != 0 {
            if r.family != self.mdst.family || (self.mdst.bitlen >= 0 && self.mdst.bitlen < dst_len) {
                return false;
            }
        } else if self.mdst.len_given && self.mdst.bitlen >= 0 && self.mdst.bitlen < dst_len {
            return false;
        }
        if self.rsrc.family != 0 {
            if r.family != self.rsrc.family || self.rsrc.bitlen > src_len {
                return false;
            }
        } else if self.rsrc.len_given && self.rsrc.bitlen > src_len {
            return false;
        }
        if self.msrc.family != 0 {
            if r.family != self.msrc.family || (self.msrc.bitlen >= 0 && self.msrc.bitlen < src_len) {
                return false;
            }
        } else if self.msrc.len_given && self.msrc.bitlen >= 0 && self.msrc.bitlen < src_len {
            return false;
        }
        if self.rvia.family != 0 {
            let family = match &r.via {
                Some(IpAddr::V4(_)) => AF_INET,
                Some(IpAddr::V6(_)) => AF_INET6,
                None => r.family,
            };
            if family != self.rvia.family {
                return false;
            }
        }
        if self.rprefsrc.family != 0 && r.family != self.rprefsrc.family {
            return false;
        }
        let dst = bytes(r.dst.as_ref());
        let src = bytes(r.src.as_ref());
        let via = if self.rvia.bitlen > 0 { bytes(r.via.as_ref().or(r.gateway.as_ref())) } else { [0; 16] };
        let prefsrc = if self.rprefsrc.bitlen > 0 { bytes(r.prefsrc.as_ref()) } else { [0; 16] };
        if self.rdst.active() && !addr_match(&dst, &self.rdst.data, self.rdst.bitlen) {
            return false;
        }
        if self.mdst.active() && !addr_match(&dst, &self.mdst.data, dst_len) {
            return false;
        }
        if self.rsrc.active() && !addr_match(&src, &self.rsrc.data, self.rsrc.bitlen) {
            return false;
        }
        if self.msrc.active() && self.msrc.bitlen >= 0 && !addr_match(&src, &self.msrc.data, src_len) {
            return false;
        }
        if self.rvia.family != 0 && !addr_match(&via, &self.rvia.data, self.rvia.bitlen) {
            return false;
        }
        if self.rprefsrc.family != 0 && !addr_match(&prefsrc, &self.rprefsrc.data, self.rprefsrc.bitlen) {
            return false;
        }
        if self.realm.1 != 0 && (r.realm.unwrap_or(0) ^ self.realm.0) & self.realm.1 != 0 {
            return false;
        }
        if let Some(iif) = self.iif
            && r.iif.unwrap_or(0) != iif
        {
            return false;
        }
        if let Some(oif) = self.oif
            && r.oif.unwrap_or(0) != oif
        {
            return false;
        }
        if let Some(mark) = self.mark
            && r.mark.unwrap_or(0) != mark
        {
            return false;
        }
        if let Some(metric) = self.metric
            && r.priority.unwrap_or(0) != metric
        {
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_bits_compare() {
        let a = bytes(Some(&"10.1.2.3".parse().unwrap()));
        let b = bytes(Some(&"10.1.0.0".parse().unwrap()));
        assert!(addr_match(&a, &b, 16));
        assert!(!addr_match(&a, &b, 24));
        assert!(addr_match(&a, &b, 0));
    }
}
