//! A namespace's firewall, read natively and described the same way
//! whichever kernel interface it came from: a [`Ruleset`] of tables, their
//! chains (hook, priority, policy) and rules (counters, a summary in
//! `iptables -vnL` columns, and the rule's text).
//!
//! - [`nft`]: nf_tables, read over `NETLINK_NETFILTER`
//!   ([`crate::netlink::netfilter`]), each rule's expressions turned back
//!   into nft's words;
//! - [`legacy`]: legacy iptables (x_tables), read through `getsockopt`
//!   ([`crate::xtables`]), each rule in `iptables-save`'s words;
//! - [`text`]: the `iptables -vnL`-style table per chain.
//!
//! Nothing is run inside the namespace and neither `nft` nor `iptables`
//! needs to be installed. Reading needs `CAP_NET_ADMIN` in the namespace
//! (and `CAP_NET_RAW` for the legacy tables' socket).
//!
//! A namespace's firewall is its nf_tables ruleset, followed by its legacy
//! iptables ruleset when it holds legacy tables (the rules `iptables-nft`
//! writes are nf_tables rules, and show there).

pub(crate) mod legacy;
pub(crate) mod nft;
pub(crate) mod text;

use crate::namespace::NetNs;
use crate::xtables::{XtFamily, XtSocket};
use serde::Serialize;
use std::io;

/// Which kernel interface a ruleset was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Backend {
    /// nf_tables (what `nft` and `iptables-nft` write).
    #[serde(rename = "nftables")]
    Nftables,
    /// Legacy x_tables (what `iptables-legacy` and `ip6tables-legacy`
    /// write).
    #[serde(rename = "iptables-legacy")]
    IptablesLegacy,
}

impl Backend {
    /// The backend's name, as `-j` prints it.
    pub fn word(self) -> &'static str {
        match self {
            Backend::Nftables => "nftables",
            Backend::IptablesLegacy => "iptables-legacy",
        }
    }
}

/// The rules one backend holds in a namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ruleset {
    /// Where they were read from.
    pub backend: Backend,
    /// Tables, in the kernel's order.
    pub tables: Vec<Table>,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// Address family (`ip`, `ip6`, `inet`, `arp`, `bridge`, `netdev`).
    pub family: String,
    /// Name.
    pub name: String,
    /// Chains, in the kernel's order.
    pub chains: Vec<Chain>,
}

/// One chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    /// Name.
    pub name: String,
    /// The hook of a base chain (`prerouting`, `input`, `forward`,
    /// `output`, `postrouting`, `ingress`…); `None` for a chain reached by
    /// jumps only.
    pub hook: Option<String>,
    /// The priority of a base chain.
    pub prio: Option<i32>,
    /// The policy of a base chain (`accept`, `drop`).
    pub policy: Option<String>,
    /// The type of a base chain (`filter`, `nat`, `route`).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Packets the chain's own counter saw (the policy's, where the chain
    /// keeps one).
    pub packets: Option<u64>,
    /// Bytes likewise.
    pub bytes: Option<u64>,
    /// Rules, in order.
    pub rules: Vec<Rule>,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// The kernel's handle (nf_tables).
    pub handle: Option<u64>,
    /// Packets its counter saw; `None` when the rule has no counter.
    pub packets: Option<u64>,
    /// Bytes likewise.
    pub bytes: Option<u64>,
    /// What it does to a matching packet, as iptables names it (`ACCEPT`,
    /// `DROP`, `RETURN`, a chain jumped to, `SNAT`, `DNAT`, `MASQUERADE`,
    /// `REDIRECT`, `REJECT`, `LOG`); `None` when it only matches or counts.
    pub target: Option<String>,
    /// The transport protocol it matches (`tcp`, `udp`, …); `None`: all.
    pub prot: Option<String>,
    /// The input interface it matches (`!` before a negated one).
    #[serde(rename = "in")]
    pub iif: Option<String>,
    /// The output interface it matches.
    pub out: Option<String>,
    /// The source address or prefix it matches.
    pub source: Option<String>,
    /// The destination address or prefix it matches.
    pub destination: Option<String>,
    /// The whole rule in its backend's syntax (nft's words for nf_tables,
    /// counter values left out). A part that could not be put in words is
    /// shown as a bracketed raw expression, `[expr NAME …]` or the
    /// kernel's register operations.
    pub text: String,
    /// The rule's comment.
    pub comment: Option<String>,
    /// False when `text` holds a raw expression.
    pub complete: bool,
}

/// Why a namespace's firewall could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The kernel refused: reading needs `CAP_NET_ADMIN` in the namespace.
    Permission,
    /// The kernel has no nf_tables.
    Unsupported,
    /// Anything else.
    Io(io::Error),
    /// The legacy tables could not be read.
    Legacy(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Permission => {
                f.write_str("reading nf_tables needs CAP_NET_ADMIN in the namespace (run netns as root)")
            }
            ReadError::Unsupported => f.write_str("this kernel has no nf_tables"),
            ReadError::Io(e) => write!(f, "nf_tables: {}", crate::sys::io_text(e)),
            ReadError::Legacy(e) => write!(f, "legacy iptables (x_tables): {}", crate::sys::io_text(e)),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> ReadError {
        match e.raw_os_error() {
            Some(libc::EPERM | libc::EACCES) => ReadError::Permission,
            Some(libc::EPROTONOSUPPORT | libc::EOPNOTSUPP) => ReadError::Unsupported,
            _ => ReadError::Io(e),
        }
    }
}

/// Read the firewall of the calling thread's current namespace.
pub fn read_here() -> Result<Vec<Ruleset>, ReadError> {
    let mut sock = crate::netlink::netfilter::NfSocket::open()?;
    let mut out = vec![nft::ruleset(&sock.ruleset()?)];
    let socks = [XtFamily::Ipv4, XtFamily::Ipv6].map(XtSocket::open);
    with_legacy(&mut out, socks)?;
    Ok(out)
}

/// Read the firewall of `ns` (sockets are opened inside it; the calling
/// thread is back in its own namespace when this returns).
pub fn read(ns: &NetNs) -> Result<Vec<Ruleset>, ReadError> {
    let mut sock = ns.nftables()?;
    let mut out = vec![nft::ruleset(&sock.ruleset()?)];
    let socks = [XtFamily::Ipv4, XtFamily::Ipv6].map(|f| ns.xtables(f));
    with_legacy(&mut out, socks)?;
    Ok(out)
}

/// Add the legacy ruleset when the namespace holds legacy tables. A
/// kernel without a family (`EAFNOSUPPORT`) has no tables of it.
fn with_legacy(out: &mut Vec<Ruleset>, socks: [io::Result<XtSocket>; 2]) -> Result<(), ReadError> {
    let mut open = Vec::new();
    for s in socks {
        match s {
            Ok(s) if !s.names().is_empty() => open.push(s),
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(libc::EAFNOSUPPORT) => {}
            Err(e) => return Err(ReadError::Legacy(e)),
        }
    }
    if open.is_empty() {
        return Ok(());
    }
    out.push(legacy::read(&open).map_err(ReadError::Legacy)?);
    Ok(())
}
