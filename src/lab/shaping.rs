//! Egress shaping of one interface: tbf for a plain rate, netem for
//! anything else (delay, loss, …), or nothing.

use super::model::Netem;
use crate::netlink::{Netlink, NlError};

/// Why an interface's qdisc could not be set.
#[derive(Debug, thiserror::Error)]
pub enum ShapingError {
    /// A rate below what tbf and netem can take.
    #[error("rate {rate}bit is below the minimum of {RATE_MIN_BPS}bit (1 byte per second)")]
    RateTooLow {
        /// The rate asked for, in bits per second.
        rate: u64,
    },
    /// The kernel refused the qdisc.
    #[error(transparent)]
    Netlink(#[from] NlError),
}

/// The smallest rate, in bits per second: tbf and netem take bytes per
/// second, so a lower rate cannot be set (and, read back as 8, would be
/// applied again by every `up`).
pub const RATE_MIN_BPS: u64 = 8;

/// Make the root qdisc of `ifindex` match `netem` (None removes ours).
pub fn apply(nl: &mut Netlink, ifindex: u32, netem: Option<&Netem>) -> Result<(), ShapingError> {
    if let Some(rate) = netem.and_then(|n| n.rate_bps)
        && rate < RATE_MIN_BPS
    {
        return Err(ShapingError::RateTooLow { rate });
    }
    let r = match netem {
        None => nl.qdisc_delete_root(ifindex),
        // A netem changed in place keeps the settings the request leaves
        // out (correlation, reorder, a distribution table): it is made
        // anew, so it has only the file's.
        Some(n) if n.needs_netem() => {
            nl.qdisc_delete_root(ifindex).and_then(|()| nl.netem_replace(ifindex, &n.config()))
        }
        Some(n) => match n.rate_bps {
            Some(rate) => nl.tbf_replace(ifindex, rate, None, n.limit),
            None => return Ok(()),
        },
    };
    Ok(r?)
}

/// A stable hash (FNV-1a) of a text, to tell whether a ruleset changed
/// since it was applied without keeping the text.
pub fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
