//! nftables for a node (stub until the nft helper lands).

use super::model::Node;
use std::path::Path;

/// The node's ruleset, if it has NAT or a firewall.
pub fn ruleset(node: &Node) -> Option<String> {
    let _ = node;
    None
}

/// Replace the lab table inside the namespace at `ns_path`.
pub fn apply(ns_path: &Path, text: &str) -> Result<(), String> {
    let _ = (ns_path, text);
    Err("nftables is not supported yet".into())
}

/// Remove the lab table.
pub fn remove(ns_path: &Path) -> Result<(), String> {
    let _ = ns_path;
    Ok(())
}

/// The lab table as nft lists it, if present.
pub fn current(ns_path: &Path) -> Result<Option<String>, String> {
    let _ = ns_path;
    Ok(None)
}
