//! Route names typed on a command line, read as iproute2 reads them: a
//! name from the databases in [`crate::shared::route_names`], else a
//! number.

use super::cnum::a2n_number;
use crate::ipobj::grammar::matches;
use crate::shared::route_names::{dsfield_id, proto_id, realm_id, scope_id, table_id};

pub use crate::shared::route_names::Names;

/// `rtnl_rtprot_a2n`
pub fn proto_a2n(arg: &[u8]) -> Option<u32> {
    proto_id(arg).or_else(|| a2n_number(arg, 0, 255).map(|v| v as u32))
}

/// `rtnl_rtscope_a2n`
pub fn scope_a2n(arg: &[u8]) -> Option<u32> {
    scope_id(arg).or_else(|| a2n_number(arg, 0, 255).map(|v| v as u32))
}

/// `rtnl_rttable_a2n` (ids up to RT_TABLE_MAX)
pub fn table_a2n(arg: &[u8]) -> Option<u32> {
    table_id(arg).or_else(|| a2n_number(arg, 0, u64::from(u32::MAX)).map(|v| v as u32))
}

/// `rtnl_rtrealm_a2n`
fn realm_a2n(arg: &[u8]) -> Option<u32> {
    realm_id(arg).or_else(|| a2n_number(arg, 0, 255).map(|v| v as u32))
}

/// `rtnl_dsfield_a2n` (numbers are hexadecimal)
pub fn dsfield_a2n(arg: &[u8]) -> Option<u32> {
    dsfield_id(arg).or_else(|| a2n_number(arg, 16, 255).map(|v| v as u32))
}

/// `get_rt_realms_or_raw`: `FROM/TO`, `TO`, or a raw 32-bit number.
pub fn realms_a2n(arg: &[u8]) -> Option<u32> {
    let parsed = (|| {
        let (mut realms, to) = match arg.iter().position(|&c| c == b'/') {
            Some(i) => (realm_a2n(&arg[..i])? << 16, &arg[i + 1..]),
            None => (0, arg),
        };
        if !to.is_empty() {
            realms |= realm_a2n(to)?;
        }
        Some(realms)
    })();
    parsed.or_else(|| super::cnum::get_u32(arg, 0))
}

/// `rtnl_rtntype_a2n`
pub fn rtntype_a2n(arg: &[u8]) -> Option<u8> {
    let v = if arg == b"local" {
        2
    } else if arg == b"nat" {
        10
    } else if matches(arg, "broadcast") || arg == b"brd" {
        3
    } else if matches(arg, "anycast") {
        4
    } else if matches(arg, "multicast") {
        5
    } else if matches(arg, "prohibit") {
        8
    } else if matches(arg, "unreachable") {
        7
    } else if matches(arg, "blackhole") {
        6
    } else if matches(arg, "xresolve") {
        11
    } else if matches(arg, "unicast") {
        1
    } else if arg == b"throw" {
        9
    } else {
        return a2n_number(arg, 0, 255).map(|v| v as u8);
    };
    Some(v)
}
