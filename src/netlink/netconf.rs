//! Per-namespace IP configuration over netlink (RTM_GETNETCONF): the
//! forwarding and reverse-path-filter settings, without reading
//! `/proc/sys`, whose per-namespace lookups are slow and serialise threads.

use super::engine::{Netlink, Reply};
use super::error::NlError;

const RTM_NEWNETCONF: u16 = 80;
const RTM_GETNETCONF: u16 = 82;
const NETCONFA_IFINDEX: u16 = 1;
const NETCONFA_FORWARDING: u16 = 2;
const NETCONFA_RP_FILTER: u16 = 3;

/// `NETCONFA_IFINDEX_ALL`: the `conf/all` settings.
pub const IFINDEX_ALL: i32 = -1;
/// `NETCONFA_IFINDEX_DEFAULT`: the `conf/default` settings.
pub const IFINDEX_DEFAULT: i32 = -2;

/// Some of the settings of one `conf/` directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetConf {
    /// `forwarding` (for IPv4 `all`, the same as `net.ipv4.ip_forward`).
    pub forwarding: Option<i32>,
    /// `rp_filter` (IPv4 only).
    pub rp_filter: Option<i32>,
}

fn parse(payload: &[u8]) -> NetConf {
    let mut conf = NetConf::default();
    // struct netconfmsg { u8 ncm_family; } padded to 4 bytes, then attributes.
    let mut a = payload.get(4..).unwrap_or(&[]);
    while a.len() >= 4 {
        let len = u16::from_ne_bytes([a[0], a[1]]) as usize;
        let kind = u16::from_ne_bytes([a[2], a[3]]) & 0x3fff;
        if len < 4 || len > a.len() {
            break;
        }
        if len >= 8 {
            let v = i32::from_ne_bytes([a[4], a[5], a[6], a[7]]);
            match kind {
                NETCONFA_FORWARDING => conf.forwarding = Some(v),
                NETCONFA_RP_FILTER => conf.rp_filter = Some(v),
                _ => {}
            }
        }
        a = &a[((len + 3) & !3).min(a.len())..];
    }
    conf
}

impl Netlink {
    /// The settings of `conf/all` ([`IFINDEX_ALL`]), `conf/default`
    /// ([`IFINDEX_DEFAULT`]) or one interface, for `family` (AF_INET,
    /// AF_INET6), in this socket's namespace.
    pub fn netconf(&mut self, family: u8, ifindex: i32) -> Result<NetConf, NlError> {
        let mut payload = vec![family, 0, 0, 0];
        payload.extend_from_slice(&8u16.to_ne_bytes());
        payload.extend_from_slice(&NETCONFA_IFINDEX.to_ne_bytes());
        payload.extend_from_slice(&ifindex.to_ne_bytes());
        let replies = self.request_raw(RTM_GETNETCONF, &payload)?;
        Ok(replies
            .iter()
            .find_map(|r| match r {
                Reply::Undecoded { kind: RTM_NEWNETCONF, payload, .. } => Some(parse(payload)),
                _ => None,
            })
            .unwrap_or_default())
    }
}
