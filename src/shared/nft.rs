//! Where the `nft` program is: labs write their NAT and firewall rules with it.

use std::path::PathBuf;

/// Find `nft`: `NETNS_NFT` when set (a path; a missing file means "no
/// nft"), else PATH and the sbin directories a root shell has.
pub fn nft_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NETNS_NFT") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|d| d.join("nft"))
        .find(|p| p.is_file())
}
