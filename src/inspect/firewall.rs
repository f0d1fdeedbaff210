//! The firewall part of `netns inspect`: tables, chains, policies and rule
//! counters from `nft -j list ruleset` run inside the namespace.
//!
//! `nft` is only started where the namespace has tables (one netlink round
//! trip tells, see [`crate::netlink::netfilter`]), so inspecting hundreds
//! of namespaces without a firewall costs no process at all.

use super::error::FirewallError;
use serde_json::Value;
use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

/// One nftables chain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chain {
    /// Chain name.
    pub name: String,
    /// Base chain hook (`input`, `forward`, …); `None` for regular chains.
    pub hook: Option<String>,
    /// Base chain policy (`accept`, `drop`).
    pub policy: Option<String>,
    /// Number of rules.
    pub rules: usize,
    /// Sum of the packets counted by the rules' `counter` statements.
    pub packets: u64,
    /// Sum of the bytes counted likewise.
    pub bytes: u64,
}

/// One nftables table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Address family (`ip`, `ip6`, `inet`, `arp`, `bridge`, `netdev`).
    pub family: String,
    /// Table name.
    pub name: String,
    /// Its chains, in nft's order.
    pub chains: Vec<Chain>,
}

/// What reading a namespace's ruleset with `nft` gave (no tables, or no
/// `nft`, are known before it runs).
#[derive(Debug)]
pub enum Firewall {
    /// The ruleset, summarised.
    Tables(Vec<Table>),
    /// Reading failed.
    Unreadable(FirewallError),
}

/// Run `nft -j list ruleset` inside the network namespace file `ns`.
pub fn nft_ruleset(nft: &OsStr, ns: &File) -> Result<String, FirewallError> {
    let fd = ns.as_raw_fd();
    let mut cmd = Command::new(nft);
    cmd.args(["-j", "list", "ruleset"]).stdin(Stdio::null()).stderr(Stdio::piped());
    // SAFETY: the closure runs in the forked child before exec and only makes
    // the async-signal-safe setns system call on a descriptor opened before
    // the fork.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setns(fd, libc::CLONE_NEWNET) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().map_err(|source| FirewallError::Run { nft: nft.into(), source })?;
    if !out.status.success() {
        return Err(FirewallError::Failed(String::from_utf8_lossy(&out.stderr).trim().to_string()));
    }
    String::from_utf8(out.stdout).map_err(|_| FirewallError::NotUtf8)
}

/// Summarise nft's JSON ruleset.
pub fn summarize(json: &str) -> Result<Vec<Table>, FirewallError> {
    let doc: Value = serde_json::from_str(json).map_err(FirewallError::Json)?;
    let items = doc.get("nftables").and_then(Value::as_array).ok_or(FirewallError::NoRuleset)?;
    let mut tables: Vec<Table> = Vec::new();
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    for item in items {
        if let Some(t) = item.get("table") {
            tables.push(Table {
                family: text(t, "family").unwrap_or_default(),
                name: text(t, "name").unwrap_or_default(),
                chains: Vec::new(),
            });
        } else if let Some(c) = item.get("chain") {
            let (family, table) = (text(c, "family").unwrap_or_default(), text(c, "table").unwrap_or_default());
            if let Some(t) = tables.iter_mut().find(|t| t.family == family && t.name == table) {
                t.chains.push(Chain {
                    name: text(c, "name").unwrap_or_default(),
                    hook: text(c, "hook"),
                    policy: text(c, "policy"),
                    ..Chain::default()
                });
            }
        } else if let Some(r) = item.get("rule") {
            let (family, table, chain) =
                (text(r, "family").unwrap_or_default(), text(r, "table").unwrap_or_default(), text(r, "chain"));
            let Some(t) = tables.iter_mut().find(|t| t.family == family && t.name == table) else { continue };
            let Some(c) = t.chains.iter_mut().find(|c| Some(&c.name) == chain.as_ref()) else { continue };
            c.rules += 1;
            for e in r.get("expr").and_then(Value::as_array).into_iter().flatten() {
                if let Some(counter) = e.get("counter") {
                    c.packets += counter.get("packets").and_then(Value::as_u64).unwrap_or(0);
                    c.bytes += counter.get("bytes").and_then(Value::as_u64).unwrap_or(0);
                }
            }
        }
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_tables_chains_and_counters() {
        let json = r#"{"nftables":[{"metainfo":{"json_schema_version":1}},
            {"table":{"family":"inet","name":"lab","handle":1}},
            {"chain":{"family":"inet","table":"lab","name":"fwd","handle":1,"type":"filter","hook":"forward","prio":0,"policy":"drop"}},
            {"chain":{"family":"inet","table":"lab","name":"helper","handle":2}},
            {"rule":{"family":"inet","table":"lab","chain":"fwd","handle":3,"expr":[{"match":{}},{"counter":{"packets":5,"bytes":420}},{"accept":null}]}},
            {"rule":{"family":"inet","table":"lab","chain":"fwd","handle":4,"expr":[{"counter":{"packets":1,"bytes":60}}]}}]}"#;
        let t = summarize(json).unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(
            t[0].chains[0],
            Chain {
                name: "fwd".into(),
                hook: Some("forward".into()),
                policy: Some("drop".into()),
                rules: 2,
                packets: 6,
                bytes: 480
            }
        );
        assert_eq!(t[0].chains[1].rules, 0);
    }

    #[test]
    fn rejects_non_json() {
        let e = summarize("table inet x {}").unwrap_err();
        assert!(e.to_string().starts_with("cannot parse nft's JSON: "), "{e}");
        let e = summarize(r#"{"other": []}"#).unwrap_err();
        assert_eq!(e.to_string(), "nft's JSON has no \"nftables\" array");
    }
}
