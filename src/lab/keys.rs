//! Every key a lab file may hold, declared once per table of the file:
//! its name, what its value is, and one line saying what it does.
//!
//! The parser checks each table it reads against its declaration (an
//! unknown key is reported with the closest declared one, or with the
//! whole list), the declarations nest as the file's tables do (starting at
//! [`TOP`]), and tests check that docs/labs.md documents every key in its
//! table's section and that every key has a case in the test that changes
//! each key on a running lab.

/// What a key's value is, as the parser reads it.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    /// `true` or `false`.
    Bool,
    /// An integer, in the range the docs give.
    Int,
    /// A string: a name, an address, a duration, one of a few words.
    Str,
    /// A string or a number (a rate, a percentage, a routing table).
    StrOrNum,
    /// A string or an array of strings.
    Strs,
    /// An array (of addresses, VLAN ids, an argv, bounds).
    Array,
    /// A table whose keys are names the file chooses (sysctl keys, file
    /// paths, interface names).
    Map,
    /// A `for` repetition: `{ VAR = "A..B" or [values] }`.
    For,
    /// A table with the keys of this declaration.
    Table(&'static Table),
    /// An array of tables, each with the keys of this declaration.
    Tables(&'static Table),
    /// A table of named tables (`[nodes.NAME]`), each with the keys of
    /// this declaration.
    Named(&'static Table),
}

/// One key of a table.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The key as written in the file.
    pub name: &'static str,
    /// What its value is.
    pub value: Value,
    /// What it does, in one line.
    pub about: &'static str,
}

/// The keys one kind of table takes.
#[derive(Debug)]
pub struct Table {
    /// The table as the docs name it (`[nodes.NAME]`, `routes`).
    pub name: &'static str,
    /// The line of docs/labs.md that introduces the table of its keys.
    pub doc: &'static str,
    /// Its keys, in the order the docs list them.
    pub keys: &'static [Key],
}

impl Table {
    /// The names of its keys.
    pub fn names(&self) -> Vec<&'static str> {
        self.keys.iter().map(|k| k.name).collect()
    }

    /// Is `name` one of its keys?
    pub fn has(&self, name: &str) -> bool {
        self.keys.iter().any(|k| k.name == name)
    }

    /// The tables nested in this one (directly or deeper), each once,
    /// this one first.
    pub fn all(&'static self) -> Vec<&'static Table> {
        let mut out: Vec<&'static Table> = vec![self];
        let mut at = 0;
        while at < out.len() {
            for k in out[at].keys {
                if let Value::Table(t) | Value::Tables(t) | Value::Named(t) = k.value
                    && !out.iter().any(|o| std::ptr::eq(*o, t))
                {
                    out.push(t);
                }
            }
            at += 1;
        }
        out
    }
}

const fn key(name: &'static str, value: Value, about: &'static str) -> Key {
    Key { name, value, about }
}

use Value::*;

/// The top level of a lab file.
pub static TOP: Table = Table {
    name: "the top level",
    doc: "### 2.1 Top level",
    keys: &[
        key("schema", Int, "the format version; must be 1"),
        key("name", Str, "the lab id"),
        key("ns_prefix", Str, "prefix of every namespace name"),
        key("hosts", Bool, "every node's /etc/netns/<ns>/hosts lists every node's addresses"),
        key("defaults", Table(&DEFAULTS), "settings merged into every node"),
        key("host", Table(&HOST), "the root namespace, which no lab touches"),
        key("nodes", Named(&NODE), "one namespace per node"),
        key("links", Tables(&LINK), "one veth pair per link"),
        key("expect", Tables(&EXPECT), "reachability checked by `netns test`"),
    ],
};

/// `[defaults]`.
pub static DEFAULTS: Table = Table {
    name: "[defaults]",
    doc: "### 2.2 `[defaults]`",
    keys: &[
        key("kind", Str, "kind of the nodes that set none"),
        key("mtu", Int, "MTU of every link interface"),
        key("ipv6", Bool, "false turns IPv6 off in every namespace"),
        key("sysctl", Map, "namespace-wide sysctls of every node"),
    ],
};

/// `[host]`.
pub static HOST: Table = Table {
    name: "[host]",
    doc: "`[host]`:",
    keys: &[key("allow", Bool, "accepted and ignored: a lab never changes the root namespace")],
};

/// `[nodes.NAME]`.
pub static NODE: Table = Table {
    name: "[nodes.NAME]",
    doc: "Node keys:",
    keys: &[
        key("for", For, "repeat this node"),
        key("kind", Str, "host, router or switch"),
        key("ipv6", Bool, "false turns IPv6 off in this namespace"),
        key("mtu", Int, "MTU of this node's link interfaces"),
        key("loopback", Strs, "extra addresses on lo"),
        key("addr", Map, "addresses per interface"),
        key("gateway", Strs, "default routes via these addresses"),
        key("routes", Tables(&ROUTE), "static routes"),
        key("sysctl", Map, "namespace-wide sysctls"),
        key("interfaces", Named(&IFACE), "per-interface settings, or extra interfaces"),
        key("nat", Tables(&NAT), "NAT rules, in order"),
        key("firewall", Table(&FIREWALL), "stateful forward filter"),
        key("exec", Strs, "one-shot commands run when the namespace is made"),
        key("exec_down", Strs, "one-shot commands run by down"),
        key("etc", Map, "files under /etc/netns/<ns>/"),
        key("run", Tables(&RUN), "managed background processes"),
        key("vlan_filtering", Bool, "switch only: bridge VLAN filtering"),
        key("stp", Bool, "switch only: spanning tree"),
        key("subnet", Str, "switch only: automatic addresses for attached nodes"),
    ],
};

/// One entry of `routes`.
pub static ROUTE: Table = Table {
    name: "routes",
    doc: "### 2.4 Routes",
    keys: &[
        key("for", For, "repeat this route"),
        key("to", Str, "destination prefix, or default"),
        key("type", Str, "unicast, blackhole, unreachable or prohibit"),
        key("via", Str, "gateway"),
        key("dev", Str, "output interface"),
        key("nexthops", Tables(&NEXTHOP), "ECMP next hops"),
        key("onlink", Bool, "the onlink flag"),
        key("metric", Int, "route priority"),
        key("table", StrOrNum, "routing table"),
        key("scope", StrOrNum, "IPv4 scope: global, site, link, host, nowhere or 0-255"),
        key("src", Str, "preferred source address, one of the node's own"),
        key("proto", StrOrNum, "routing protocol the route is marked with (default static)"),
        key("realm", StrOrNum, "routing realm: TO or FROM/TO"),
        key("mtu", Int, "path MTU metric"),
        key("advmss", Int, "MSS advertised on connections over the route"),
        key("initcwnd", Int, "initial congestion window, in segments"),
        key("initrwnd", Int, "initial receive window, in segments"),
    ],
};

/// One entry of a route's `nexthops`.
pub static NEXTHOP: Table = Table {
    name: "nexthops",
    doc: "Next hops, `nexthops = [ { … }, … ]`:",
    keys: &[key("via", Str, "gateway"), key("dev", Str, "output interface"), key("weight", Int, "ECMP weight")],
};

/// `[nodes.NAME.interfaces.IF]`.
pub static IFACE: Table = Table {
    name: "[nodes.NAME.interfaces.IF]",
    doc: "### 2.5 Interfaces",
    keys: &[
        key("for", For, "repeat this entry"),
        key("type", Str, "create a vlan, dummy or bridge"),
        key("parent", Str, "vlan only: the parent interface"),
        key("vid", Int, "vlan only: the VLAN id"),
        key("addr", Strs, "addresses"),
        key("mtu", Int, "MTU"),
        key("mac", Str, "MAC address"),
        key("sysctl", Map, "per-interface sysctls"),
    ],
};

/// `[[links]]`.
pub static LINK: Table = Table {
    name: "[[links]]",
    doc: "### 2.6 Links",
    keys: &[
        key("for", For, "repeat this link"),
        key("endpoints", Strs, "the two ends, node or node:ifname"),
        key("addr", Array, "addresses per endpoint"),
        key("subnet", Str, "a host address of this subnet for each end"),
        key("mtu", Int, "MTU of both ends"),
        key("state", Str, "up or down"),
        key("netem", Table(&NETEM), "egress shaping of both ends"),
        key("netem_ab", Table(&NETEM), "egress shaping of the first end"),
        key("netem_ba", Table(&NETEM), "egress shaping of the second end"),
        key("vlan", Int, "switch side: untagged access VLAN"),
        key("vlans", Array, "switch side: tagged trunk VLANs"),
    ],
};

/// `netem`, `netem_ab` and `netem_ba` of a link.
pub static NETEM: Table = Table {
    name: "netem",
    doc: "**Netem and rate keys.**",
    keys: &[
        key("delay", Str, "added delay"),
        key("jitter", Str, "delay variation"),
        key("correlation", StrOrNum, "delay correlation"),
        key("distribution", Str, "delay distribution"),
        key("loss", StrOrNum, "random loss"),
        key("corrupt", StrOrNum, "corruption"),
        key("duplicate", StrOrNum, "duplication"),
        key("reorder", StrOrNum, "reordering"),
        key("gap", Int, "reorder gap"),
        key("rate", StrOrNum, "rate limit"),
        key("limit", Int, "queue limit in packets"),
    ],
};

/// `[[expect]]`.
pub static EXPECT: Table = Table {
    name: "[[expect]]",
    doc: "### 2.7 Expectations",
    keys: &[
        key("for", For, "repeat this expectation"),
        key("from", Str, "the node the probe runs in"),
        key("to", Str, "a node name or an address"),
        key("proto", Str, "icmp, tcp:PORT or udp:PORT"),
        key("reach", Bool, "expected outcome"),
        key("rtt_ms", Array, "bounds on the best round trip"),
        key("path", Strs, "routers expected on the way"),
        key("ttl", Int, "hop limit of the probe's packets (default 255)"),
    ],
};

/// `[[nodes.NAME.nat]]`.
pub static NAT: Table = Table {
    name: "[[nodes.NAME.nat]]",
    doc: "`[[nodes.NAME.nat]]`:",
    keys: &[
        key("type", Str, "masquerade, snat or dnat"),
        key("in", Str, "ingress interface match (dnat)"),
        key("out", Str, "egress interface match (masquerade, snat)"),
        key("src", Str, "source prefix match"),
        key("dst", Str, "destination prefix match"),
        key("proto", Str, "tcp or udp"),
        key("dport", Int, "destination port match"),
        key("to", Str, "translation target"),
    ],
};

/// `[nodes.NAME.firewall]`.
pub static FIREWALL: Table = Table {
    name: "[nodes.NAME.firewall]",
    doc: "`[nodes.NAME.firewall]`:",
    keys: &[
        key("forward", Str, "policy of the forward chain"),
        key("allow", Tables(&ALLOW), "flows accepted"),
        key("nft", Str, "raw nftables text appended"),
    ],
};

/// One entry of a firewall's `allow`.
pub static ALLOW: Table = Table {
    name: "allow",
    doc: "`allow` entries:",
    keys: &[
        key("in", Str, "ingress interface"),
        key("out", Str, "egress interface"),
        key("proto", Str, "tcp, udp or icmp"),
        key("dport", Int, "destination port"),
        key("src", Str, "source prefix"),
        key("dst", Str, "destination prefix"),
    ],
};

/// `[[nodes.NAME.run]]`.
pub static RUN: Table = Table {
    name: "[[nodes.NAME.run]]",
    doc: "### 2.10 Managed processes",
    keys: &[
        key("cmd", Array, "the program and its arguments"),
        key("name", Str, "its name in the node"),
        key("ready", Table(&READY), "when it counts as started"),
    ],
};

/// `ready` of a `run` entry.
pub static READY: Table = Table {
    name: "ready",
    doc: "`ready`:",
    keys: &[key("tcp", Str, "an address that must accept connections"), key("timeout", Str, "how long to wait")],
};

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = include_str!("../../docs/labs.md");

    /// The keys in the first column of the first table after the line
    /// starting with `marker`: every `code` span, without the brackets and
    /// `.NAME` of table headers (`[nodes.NAME]` is `nodes`).
    fn documented(marker: &str) -> Option<Vec<String>> {
        let mut lines = DOCS.lines().skip_while(|l| !l.starts_with(marker));
        lines.next()?;
        let rows = lines.skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|'));
        let mut out = Vec::new();
        for row in rows.skip(2) {
            let first = row.split('|').nth(1).unwrap_or_default();
            for (i, code) in first.split('`').enumerate() {
                if i % 2 == 1 {
                    let bare = code.trim_matches(|c| c == '[' || c == ']');
                    out.push(bare.split('.').next().unwrap_or_default().to_string());
                }
            }
        }
        Some(out)
    }

    #[test]
    fn every_key_is_documented_in_its_tables_section_of_docs_labs_md() {
        let mut missing = Vec::new();
        for t in TOP.all() {
            let Some(documented) = documented(t.doc) else {
                missing.push(format!("{}: no line starts with {:?}", t.name, t.doc));
                continue;
            };
            for k in t.keys {
                if !documented.iter().any(|d| d == k.name) {
                    missing.push(format!("{} `{}` (after {:?})", t.name, k.name, t.doc));
                }
            }
            for d in &documented {
                if !t.has(d) {
                    missing.push(format!("{} documents `{d}`, which it does not declare", t.name));
                }
            }
        }
        assert!(missing.is_empty(), "docs/labs.md and the declarations differ:\n{}", missing.join("\n"));
    }

    #[test]
    fn every_table_is_reached_from_the_top_once() {
        let all = TOP.all();
        let names: Vec<&str> = all.iter().map(|t| t.name).collect();
        for t in [
            &DEFAULTS, &HOST, &NODE, &ROUTE, &NEXTHOP, &IFACE, &LINK, &NETEM, &EXPECT, &NAT, &FIREWALL, &ALLOW, &RUN,
            &READY,
        ] {
            assert!(all.iter().any(|a| std::ptr::eq(*a, t)), "{} is not reached from TOP ({names:?})", t.name);
        }
        assert_eq!(all.len(), 15, "{names:?}");
    }

    #[test]
    fn keys_are_declared_once_per_table() {
        for t in TOP.all() {
            let mut names = t.names();
            names.sort();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len(), "{} declares a key twice", t.name);
        }
    }
}
