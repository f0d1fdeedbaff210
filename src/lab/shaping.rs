//! Egress shaping of one interface: tbf for a plain rate, netem for
//! anything else (delay, loss, …), or nothing.

use super::model::Netem;
use crate::netlink::Netlink;

/// Make the root qdisc of `ifindex` match `netem` (None removes ours).
pub fn apply(nl: &mut Netlink, ifindex: u32, netem: Option<&Netem>) -> Result<(), String> {
    let r = match netem {
        None => nl.qdisc_delete_root(ifindex),
        Some(n) if n.needs_netem() => nl.netem_replace(ifindex, n),
        Some(n) => match n.rate_bps {
            Some(rate) => nl.tbf_replace(ifindex, rate, None, n.limit),
            None => return Ok(()),
        },
    };
    r.map_err(|e| e.to_string())
}

/// A stable hash (FNV-1a) of a text, to tell whether a ruleset changed
/// since it was applied without keeping the text.
pub fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
