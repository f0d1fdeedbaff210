//! A node's NAT rules and forward filter as nftables text, and applying it
//! inside the node's namespace.
//!
//! Everything a lab puts in nftables lives in ONE table, `inet netns_lab`,
//! replaced as a whole in one `nft -f` transaction: re-applying is
//! idempotent, a half-applied ruleset cannot exist, and `down`/drift checks
//! only ever look at that table. Chains:
//!
//! - `postrouting`: `type nat hook postrouting priority srcnat` — masquerade
//!   and snat rules;
//! - `prerouting`: `type nat hook prerouting priority dstnat` — dnat rules
//!   (traffic the node itself originates is not translated: there is no
//!   output-hook chain);
//! - `forward`: `type filter hook forward priority filter` with the
//!   firewall's policy, `ct state established,related accept`, then one
//!   rule per `allow`.
//!
//! The firewall's raw `nft` text is appended after the table, verbatim, in
//! the same transaction (so `add rule inet netns_lab forward …` works);
//! tables it creates itself are not removed by [`remove`].
//!
//! A rule is IPv6 (`ip6 saddr`, `snat ip6 to`) when one of its addresses is;
//! IPv4 otherwise. A NAT rule with no address at all is written for IPv4
//! (`snat ip`/`dnat ip` need a family; masquerade without addresses matches
//! both).

use super::error::{NsError, io_cause};
use super::model::{Allow, Firewall, Nat, NatKind, Node};
use crate::namespace::NetNs;
use ipnet::IpNet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

/// Why a node's ruleset could not be written, applied or listed.
#[derive(Debug, thiserror::Error)]
pub enum NftError {
    /// An interface name nft cannot take between quotes.
    #[error("interface name {name:?} cannot be written in an nft rule")]
    Unquotable {
        /// The name.
        name: String,
    },
    /// A protocol nft rules of a lab do not take.
    #[error("protocol {proto:?} cannot be written in an nft rule")]
    Protocol {
        /// The protocol as the file gives it.
        proto: String,
    },
    /// No `nft` program.
    #[error("nft not found: NAT and firewall need the nftables package (or NETNS_NFT)")]
    NotFound,
    /// The namespace could not be opened or entered.
    #[error(transparent)]
    Ns(#[from] NsError),
    /// `nft` could not be started.
    #[error("cannot run {}: {}", nft.display(), io_cause(source))]
    Run {
        /// The program.
        nft: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `nft` ran and failed; its own message is kept.
    #[error("{what} in {} failed ({status}): {stderr}", ns.display())]
    Failed {
        /// The command (`nft -f -`).
        what: &'static str,
        /// The namespace's file.
        ns: PathBuf,
        /// How it ended.
        status: ExitStatus,
        /// What it printed on stderr.
        stderr: String,
    },
}

/// The table every lab rule lives in.
pub const TABLE: &str = "inet netns_lab";

/// `ip` or `ip6` for the addresses a rule mentions; `None` when it
/// mentions none.
fn family<'a>(addrs: impl IntoIterator<Item = Option<&'a IpAddr>>) -> Option<&'static str> {
    let mut fam = None;
    for a in addrs.into_iter().flatten() {
        if a.is_ipv6() {
            return Some("ip6");
        }
        fam = Some("ip");
    }
    fam
}

fn net_text(n: &IpNet) -> String {
    // A host prefix prints as the bare address, as `nft list` does.
    if n.prefix_len() == n.max_prefix_len() { n.addr().to_string() } else { n.trunc().to_string() }
}

/// An interface name as an nft string: between double quotes, which nft
/// cannot escape. A name that would mean anything but itself there (a
/// `"` ending the string early, a `*` wildcard, a `\` escape, control or
/// non-ASCII bytes) is refused, so no name can add text to the program
/// (`validate` refuses such names first; this is the last line).
fn quote(name: &str) -> Result<String, NftError> {
    if super::validate::nft_quotable(name) {
        Ok(format!("\"{name}\""))
    } else {
        Err(NftError::Unquotable { name: name.to_string() })
    }
}

/// `iifname "a" oifname "b" ip saddr S ip daddr D <proto/port>`, with a
/// trailing space when not empty.
fn matches(
    iif: Option<&str>,
    oif: Option<&str>,
    fam: Option<&str>,
    src: Option<&IpNet>,
    dst: Option<&IpNet>,
    proto: Option<&str>,
    dport: Option<u16>,
) -> Result<String, NftError> {
    let mut m = String::new();
    if let Some(i) = iif {
        let _ = write!(m, "iifname {} ", quote(i)?);
    }
    if let Some(o) = oif {
        let _ = write!(m, "oifname {} ", quote(o)?);
    }
    let fam = fam.unwrap_or("ip");
    if let Some(s) = src {
        let _ = write!(m, "{fam} saddr {} ", net_text(s));
    }
    if let Some(d) = dst {
        let _ = write!(m, "{fam} daddr {} ", net_text(d));
    }
    match (proto, dport) {
        (Some("icmp"), _) => {
            let p = match fam {
                "ip6" => "ipv6-icmp",
                _ if src.is_none() && dst.is_none() => "{ icmp, ipv6-icmp }",
                _ => "icmp",
            };
            let _ = write!(m, "meta l4proto {p} ");
        }
        (Some(p), Some(port)) => {
            let _ = write!(m, "{p} dport {port} ");
        }
        (Some(p), None) => {
            let _ = write!(m, "meta l4proto {p} ");
        }
        (None, Some(port)) => {
            let _ = write!(m, "meta l4proto {{ tcp, udp }} th dport {port} ");
        }
        (None, None) => {}
    }
    Ok(m)
}

fn to_text(fam: &str, addr: &IpAddr, port: Option<u16>) -> String {
    match (addr, port) {
        (IpAddr::V6(a), Some(p)) => format!("{fam} to [{a}]:{p}"),
        (a, Some(p)) => format!("{fam} to {a}:{p}"),
        (a, None) => format!("{fam} to {a}"),
    }
}

fn nat_rule(n: &Nat) -> Result<String, NftError> {
    // Every field goes into the rule (without `..`: a new field does not
    // compile until it does), so the ruleset's hash sees every change.
    let Nat { kind, iif, oif, src, dst, proto, dport, to, span: _ } = n;
    let to_addr = to.as_ref().map(|(a, _)| a);
    let src_addr = src.as_ref().map(|s| s.addr());
    let dst_addr = dst.as_ref().map(|d| d.addr());
    let fam = family([src_addr.as_ref(), dst_addr.as_ref(), to_addr]);
    // A translated port needs a transport protocol match before it.
    let proto = match (proto, to.and_then(|(_, p)| p)) {
        (Some(p), _) if p == "tcp" || p == "udp" => Some(p.as_str()),
        (Some(p), _) => return Err(NftError::Protocol { proto: p.clone() }),
        (None, Some(_)) if dport.is_none() => Some("{ tcp, udp }"),
        _ => None,
    };
    let mut rule = matches(iif.as_deref(), oif.as_deref(), fam, src.as_ref(), dst.as_ref(), proto, *dport)?;
    let fam = fam.unwrap_or("ip");
    match (*kind, *to) {
        (NatKind::Masquerade, _) => rule.push_str("masquerade"),
        (NatKind::Snat, Some((a, p))) => rule.push_str(&format!("snat {}", to_text(fam, &a, p))),
        (NatKind::Dnat, Some((a, p))) => rule.push_str(&format!("dnat {}", to_text(fam, &a, p))),
        // validate rejects snat/dnat without `to`; write something nft
        // refuses with a clear message rather than a silent no-op.
        (NatKind::Snat, None) => rule.push_str("snat ip to missing-to"),
        (NatKind::Dnat, None) => rule.push_str("dnat ip to missing-to"),
    }
    Ok(rule)
}

fn allow_rule(a: &Allow) -> Result<String, NftError> {
    let Allow { iif, oif, proto, dport, src, dst } = a;
    let fam = family([src.as_ref().map(|s| s.addr()).as_ref(), dst.as_ref().map(|d| d.addr()).as_ref()]);
    // Only the protocols the parser accepts are written.
    let proto = match proto.as_deref() {
        None => None,
        Some(p @ ("tcp" | "udp" | "icmp")) => Some(p),
        Some(p) => return Err(NftError::Protocol { proto: p.to_string() }),
    };
    let mut rule = matches(iif.as_deref(), oif.as_deref(), fam, src.as_ref(), dst.as_ref(), proto, *dport)?;
    rule.push_str("accept");
    Ok(rule)
}

fn chain(out: &mut String, name: &str, head: &str, rules: &[String]) {
    let _ = writeln!(out, "\tchain {name} {{\n\t\t{head}");
    for r in rules {
        let _ = writeln!(out, "\t\t{r}");
    }
    out.push_str("\t}\n");
}

/// The node's whole nftables configuration (table [`TABLE`]), or `None`
/// when it has neither NAT rules nor a firewall. Same node, same text. An
/// error names what cannot be written safely (an interface name nft
/// cannot quote).
pub fn ruleset(node: &Node) -> Result<Option<String>, NftError> {
    if node.nat.is_empty() && node.firewall.is_none() {
        return Ok(None);
    }
    let src_nat: Vec<String> =
        node.nat.iter().filter(|n| n.kind != NatKind::Dnat).map(nat_rule).collect::<Result<_, _>>()?;
    let dst_nat: Vec<String> =
        node.nat.iter().filter(|n| n.kind == NatKind::Dnat).map(nat_rule).collect::<Result<_, _>>()?;
    let mut out = format!("table {TABLE} {{\n");
    if !dst_nat.is_empty() {
        chain(&mut out, "prerouting", "type nat hook prerouting priority dstnat; policy accept;", &dst_nat);
    }
    if !src_nat.is_empty() {
        chain(&mut out, "postrouting", "type nat hook postrouting priority srcnat; policy accept;", &src_nat);
    }
    let mut raw = "";
    if let Some(Firewall { forward_accept, allow, nft, span: _ }) = &node.firewall {
        let policy = if *forward_accept { "accept" } else { "drop" };
        let mut rules = vec!["ct state established,related accept".to_string()];
        for a in allow {
            rules.push(allow_rule(a)?);
        }
        chain(&mut out, "forward", &format!("type filter hook forward priority filter; policy {policy};"), &rules);
        raw = nft;
    }
    out.push_str("}\n");
    if !raw.trim().is_empty() {
        out.push_str(raw);
        if !raw.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(Some(out))
}

/// Where `nft` is (`NETNS_NFT`, else PATH and the sbin directories).
fn nft() -> Result<PathBuf, NftError> {
    crate::shared::nft::nft_path().ok_or(NftError::NotFound)
}

/// Run `nft ARGS` with `stdin` inside the namespace at `ns_path`: the
/// process is spawned from a thread that has entered the namespace, and a
/// child starts in the namespace of the thread that forks it.
fn run_nft(ns_path: &Path, args: &[&str], stdin: &str) -> Result<std::process::Output, NftError> {
    let nft = nft()?;
    let ns = NetNs::open_path(ns_path).map_err(|source| NsError::Open { path: ns_path.to_path_buf(), source })?;
    let out = ns
        .run(|| -> std::io::Result<std::process::Output> {
            let mut child = Command::new(&nft)
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()?;
            let mut input = child.stdin.take().expect("piped stdin");
            // nft reads all of stdin before it answers; a write error
            // (nft died early) shows up in its exit status and stderr.
            let _ = input.write_all(stdin.as_bytes());
            drop(input);
            child.wait_with_output()
        })
        .map_err(|source| NsError::Enter { path: ns_path.to_path_buf(), source })?
        .map_err(|source| NftError::Run { nft: nft.clone(), source })?;
    Ok(out)
}

fn failure(what: &'static str, ns_path: &Path, out: &std::process::Output) -> NftError {
    let stderr = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
    NftError::Failed { what, ns: ns_path.to_path_buf(), status: out.status, stderr }
}

/// The preamble that makes deleting the table safe when it does not exist.
fn replace_preamble() -> String {
    format!("table {TABLE}\ndelete table {TABLE}\n")
}

/// Replace table [`TABLE`] inside the namespace at `ns_path` with `text`
/// (a [`ruleset`]), atomically: one `nft -f -` transaction deletes the old
/// table and loads the new one, or changes nothing. nft's own message is in
/// the error.
pub fn apply(ns_path: &Path, text: &str) -> Result<(), NftError> {
    let input = replace_preamble() + text;
    let out = run_nft(ns_path, &["-f", "-"], &input)?;
    if out.status.success() { Ok(()) } else { Err(failure("nft -f -", ns_path, &out)) }
}

/// Remove table [`TABLE`] from the namespace at `ns_path`; absent is fine.
pub fn remove(ns_path: &Path) -> Result<(), NftError> {
    let out = run_nft(ns_path, &["-f", "-"], &replace_preamble())?;
    if out.status.success() { Ok(()) } else { Err(failure("nft delete table", ns_path, &out)) }
}

/// The table as `nft -s list table inet netns_lab` prints it (stateless:
/// no counter values, so traffic does not change it), or `None` when there
/// is no such table or it cannot be listed.
pub fn listing(ns_path: &Path) -> Option<String> {
    let out = run_nft(ns_path, &["-s", "list", "table", "inet", "netns_lab"], "").ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What `nft list table inet netns_lab` prints in the namespace at
/// `ns_path`, or `None` when there is no such table (for drift checks).
pub fn current(ns_path: &Path) -> Result<Option<String>, NftError> {
    let out = run_nft(ns_path, &["list", "table", "inet", "netns_lab"], "")?;
    if out.status.success() {
        return Ok(Some(String::from_utf8_lossy(&out.stdout).into_owned()));
    }
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("No such file or directory") {
        return Ok(None);
    }
    Err(failure("nft list table", ns_path, &out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::model::Firewall;

    fn nat(kind: NatKind) -> Nat {
        Nat { kind, iif: None, oif: None, src: None, dst: None, proto: None, dport: None, to: None, span: 0..0 }
    }
    fn net(s: &str) -> Option<IpNet> {
        Some(s.parse().unwrap())
    }
    fn to(a: &str, p: Option<u16>) -> Option<(IpAddr, Option<u16>)> {
        Some((a.parse().unwrap(), p))
    }

    #[test]
    fn nothing_to_do_is_none() {
        assert_eq!(ruleset(&Node::default()).unwrap(), None);
    }

    #[test]
    fn masquerade_rule() {
        let n = Nat { oif: Some("eth1".into()), src: net("10.0.0.0/8"), ..nat(NatKind::Masquerade) };
        assert_eq!(nat_rule(&n).unwrap(), "oifname \"eth1\" ip saddr 10.0.0.0/8 masquerade");
        assert_eq!(
            nat_rule(&Nat { oif: Some("eth1".into()), ..nat(NatKind::Masquerade) }).unwrap(),
            "oifname \"eth1\" masquerade"
        );
    }

    #[test]
    fn snat_rules_v4_v6_and_ports() {
        let n = Nat {
            oif: Some("qg-a".into()),
            src: net("10.0.0.10/32"),
            to: to("172.24.4.20", None),
            ..nat(NatKind::Snat)
        };
        assert_eq!(nat_rule(&n).unwrap(), "oifname \"qg-a\" ip saddr 10.0.0.10 snat ip to 172.24.4.20");
        let n = Nat {
            src: net("fd00::/64"),
            to: to("2001:db8::1", Some(4000)),
            proto: Some("udp".into()),
            ..nat(NatKind::Snat)
        };
        assert_eq!(nat_rule(&n).unwrap(), "ip6 saddr fd00::/64 meta l4proto udp snat ip6 to [2001:db8::1]:4000");
        let n = Nat { to: to("192.0.2.1", Some(4000)), ..nat(NatKind::Snat) };
        assert_eq!(nat_rule(&n).unwrap(), "meta l4proto { tcp, udp } snat ip to 192.0.2.1:4000");
    }

    #[test]
    fn dnat_rules() {
        let n = Nat {
            iif: Some("eth1".into()),
            proto: Some("tcp".into()),
            dport: Some(8080),
            to: to("10.0.1.10", Some(80)),
            ..nat(NatKind::Dnat)
        };
        assert_eq!(nat_rule(&n).unwrap(), "iifname \"eth1\" tcp dport 8080 dnat ip to 10.0.1.10:80");
        let n = Nat {
            iif: Some("qg-a".into()),
            dst: net("172.24.4.20/32"),
            to: to("10.0.0.10", None),
            ..nat(NatKind::Dnat)
        };
        assert_eq!(nat_rule(&n).unwrap(), "iifname \"qg-a\" ip daddr 172.24.4.20 dnat ip to 10.0.0.10");
    }

    #[test]
    fn firewall_allow_rules() {
        let a = Allow {
            iif: Some("eth1".into()),
            oif: Some("eth2".into()),
            proto: Some("tcp".into()),
            dport: Some(80),
            src: None,
            dst: None,
        };
        assert_eq!(allow_rule(&a).unwrap(), "iifname \"eth1\" oifname \"eth2\" tcp dport 80 accept");
        let a = Allow { iif: None, oif: None, proto: Some("icmp".into()), dport: None, src: None, dst: None };
        assert_eq!(allow_rule(&a).unwrap(), "meta l4proto { icmp, ipv6-icmp } accept");
        let a = Allow { iif: None, oif: None, proto: None, dport: Some(53), src: None, dst: net("2001:db8::/32") };
        assert_eq!(allow_rule(&a).unwrap(), "ip6 daddr 2001:db8::/32 meta l4proto { tcp, udp } th dport 53 accept");
    }

    #[test]
    fn names_that_nft_cannot_quote_are_refused_not_written() {
        for bad in ["e\"x", "eth\"; flush ruleset; \"", "e*", "e\\", "e\n", "e x", ""] {
            let n = Nat { oif: Some(bad.into()), ..nat(NatKind::Masquerade) };
            let err = nat_rule(&n).unwrap_err();
            assert_eq!(err.to_string(), format!("interface name {bad:?} cannot be written in an nft rule"));
            let node = Node { nat: vec![n], ..Node::default() };
            assert!(ruleset(&node).is_err(), "{bad:?}");
            let a = Allow { iif: Some(bad.into()), oif: None, proto: None, dport: None, src: None, dst: None };
            assert!(allow_rule(&a).is_err(), "{bad:?}");
        }
        let a =
            Allow { iif: None, oif: None, proto: Some("tcp accept; drop".into()), dport: None, src: None, dst: None };
        assert!(allow_rule(&a).is_err());
        let n = Nat { oif: Some("eth0.10@x-_".into()), ..nat(NatKind::Masquerade) };
        assert_eq!(nat_rule(&n).unwrap(), "oifname \"eth0.10@x-_\" masquerade");
    }

    fn example_node() -> Node {
        Node {
            nat: vec![
                Nat { oif: Some("eth1".into()), src: net("10.0.0.0/8"), ..nat(NatKind::Masquerade) },
                Nat {
                    iif: Some("eth1".into()),
                    proto: Some("tcp".into()),
                    dport: Some(8080),
                    to: to("10.0.1.10", Some(80)),
                    ..nat(NatKind::Dnat)
                },
            ],
            firewall: Some(Firewall {
                forward_accept: false,
                allow: vec![Allow {
                    iif: Some("eth0".into()),
                    oif: Some("eth1".into()),
                    proto: None,
                    dport: None,
                    src: None,
                    dst: None,
                }],
                nft: "add rule inet netns_lab forward meta l4proto icmp accept".into(),
                span: 0..0,
            }),
            ..Node::default()
        }
    }

    #[test]
    fn whole_ruleset_is_one_table() {
        let text = ruleset(&example_node()).unwrap().unwrap();
        assert_eq!(
            text,
            "table inet netns_lab {\n\
             \tchain prerouting {\n\
             \t\ttype nat hook prerouting priority dstnat; policy accept;\n\
             \t\tiifname \"eth1\" tcp dport 8080 dnat ip to 10.0.1.10:80\n\
             \t}\n\
             \tchain postrouting {\n\
             \t\ttype nat hook postrouting priority srcnat; policy accept;\n\
             \t\toifname \"eth1\" ip saddr 10.0.0.0/8 masquerade\n\
             \t}\n\
             \tchain forward {\n\
             \t\ttype filter hook forward priority filter; policy drop;\n\
             \t\tct state established,related accept\n\
             \t\tiifname \"eth0\" oifname \"eth1\" accept\n\
             \t}\n\
             }\n\
             add rule inet netns_lab forward meta l4proto icmp accept\n"
        );
        assert_eq!(ruleset(&example_node()).unwrap().unwrap(), text, "deterministic");
    }

    /// Run `f` with the path of a fresh namespace that dies with the thread.
    fn in_scratch_ns<T: Send>(f: impl FnOnce(&Path) -> T + Send) -> T {
        std::thread::scope(|s| {
            s.spawn(|| {
                let _ns = crate::rundir::fresh_namespace_on_this_thread().expect("unshare(CLONE_NEWNET): run as root");
                // This thread's own namespace file: what a lab gets from
                // /run/netns/<ns>.
                let tid = nix::unistd::gettid();
                f(Path::new(&format!("/proc/self/task/{tid}/ns/net")))
            })
            .join()
            .unwrap()
        })
    }

    #[test]
    fn apply_replaces_lists_and_removes_the_table() {
        require_root!();
        if nft().is_err() {
            eprintln!("skipped: no nft");
            return;
        }
        in_scratch_ns(|ns| {
            assert_eq!(current(ns).unwrap(), None);
            remove(ns).unwrap(); // absent: fine
            let text = ruleset(&example_node()).unwrap().unwrap();
            apply(ns, &text).unwrap();
            let listed = current(ns).unwrap().expect("table present");
            for want in [
                "type nat hook prerouting priority dstnat; policy accept;",
                "iifname \"eth1\" tcp dport 8080 dnat ip to 10.0.1.10:80",
                "oifname \"eth1\" ip saddr 10.0.0.0/8 masquerade",
                "type filter hook forward priority filter; policy drop;",
                "ct state established,related accept",
                "iifname \"eth0\" oifname \"eth1\" accept",
                "meta l4proto icmp accept",
            ] {
                assert!(listed.contains(want), "{want:?} missing from:\n{listed}");
            }
            // Applying again replaces (no duplicate rules).
            let mut snat_only = Node::default();
            snat_only.nat.push(Nat {
                oif: Some("lo".into()),
                src: net("10.0.0.0/24"),
                to: to("192.0.2.1", None),
                ..nat(NatKind::Snat)
            });
            apply(ns, &ruleset(&snat_only).unwrap().unwrap()).unwrap();
            let listed = current(ns).unwrap().unwrap();
            assert!(listed.contains("oifname \"lo\" ip saddr 10.0.0.0/24 snat ip to 192.0.2.1"), "{listed}");
            assert!(!listed.contains("masquerade") && !listed.contains("forward"), "{listed}");
            // A broken ruleset changes nothing and nft says why.
            let err = apply(ns, "table inet netns_lab { chain c { bogus } }\n").unwrap_err().to_string();
            assert!(err.starts_with(&format!("nft -f - in {} failed (exit status: 1): ", ns.display())), "{err}");
            assert!(err.contains("Error"), "{err}");
            assert!(current(ns).unwrap().unwrap().contains("snat ip to 192.0.2.1"));
            remove(ns).unwrap();
            assert_eq!(current(ns).unwrap(), None);
        });
        // The root namespace never saw the table.
        let root = NetNs::current().unwrap();
        assert_eq!(current(root.path()).unwrap_or(None).map(|t| t.contains("10.0.1.10")), None);
    }
}
