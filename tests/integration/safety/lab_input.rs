//! Every lab input is bounded and checked by `validate`, which needs no
//! privilege and changes nothing: what `up` could not do, `validate`
//! refuses first, at the `file:line:column` of the mistake, and no file
//! makes it run out of memory or time. Each run here is as uid 65534
//! without capabilities, under a 1 GiB address-space limit and a timeout.

use crate::support::script;

/// Write each (name, text) as NAME.toml, run `validate` on it as nobody
/// under `ulimit -v` and `timeout`, and return (rc, stderr) of each.
fn validate(files: &[(&str, &str)]) -> Vec<(i32, String)> {
    let mut body = String::from("must mkdir -m 755 $H/l\ncd $H/l\n");
    for (name, text) in files {
        body += &format!("cat > {name}.toml <<'T'\n{text}T\nchmod 644 {name}.toml\n");
        body += &format!("r {name} bash -c 'ulimit -v 1048576; exec timeout 60 $NOBODY $NETNS validate {name}.toml'\n");
    }
    body += "r run_netns ls /run/netns\n";
    let run = script(&body).timeout(std::time::Duration::from_secs(300)).run();
    run.check(run.get("run_netns").rc != 0, "validate made nothing under /run/netns");
    files
        .iter()
        .map(|(name, _)| {
            let r = run.get(name);
            (r.rc, String::from_utf8_lossy(&r.err).into_owned())
        })
        .collect()
}

/// The lab was refused (status 1, not a timeout or a crash), with `want`
/// among its messages, and every message has a line and column.
fn refused(name: &str, (rc, err): &(i32, String), want: &[&str]) {
    assert_eq!(*rc, 1, "{name}: validate must refuse the file (124 is a timeout, 134 an abort)\n{err}");
    assert!(!err.contains("panicked") && !err.contains("memory allocation"), "{name}: crashed\n{err}");
    for line in err.lines().filter(|l| !l.contains(": note: ")) {
        let pos: Vec<&str> = line.splitn(4, ':').collect();
        assert!(
            pos.len() == 4 && pos[1].parse::<u32>().is_ok() && pos[2].parse::<u32>().is_ok(),
            "{name}: a message without line:column: {line}"
        );
    }
    for w in want {
        assert!(err.contains(w), "{name}: missing {w:?} in\n{err}");
    }
}

const HEAD: &str = "schema = 1\nname = \"t\"\n";

#[test]
fn validate_refuses_a_for_product_beyond_the_limit_without_eating_memory() {
    require_root!();
    let runs = validate(&[
        ("square", &format!("{HEAD}[nodes.\"h{{i}}-{{j}}\"]\nfor = {{ i = \"1..65536\", j = \"1..65536\" }}\n")),
        (
            "links",
            &format!(
                "{HEAD}[nodes.a]\n[[links]]\nfor = {{ i = \"1..1000\", j = \"1..1000\", k = \"1..10\" }}\nendpoints = [\"a\", \"a\"]\n"
            ),
        ),
    ]);
    refused(
        "square",
        &runs[0],
        &[
            "square.toml:4:1: error: `for` of node h{i}-{j} makes 4294967296 copies (the product of its ranges); the limit is 1000000",
        ],
    );
    refused("links", &runs[1], &["links.toml:5:1: error: `for` of link 1 makes 10000000 copies"]);
}

#[test]
fn validate_refuses_node_times_route_repetition_beyond_the_route_limit() {
    require_root!();
    let runs = validate(&[(
        "routes",
        &format!(
            "{HEAD}[nodes.\"h{{i}}\"]\nfor = {{ i = \"1..1000\" }}\n\
             routes = [ {{ for = {{ j = \"1..2000\" }}, to = \"10.{{j}}.0.0/16\", dev = \"lo\" }} ]\n"
        ),
    )]);
    refused(
        "routes",
        &runs[0],
        &["routes.toml:5:14: error: route 1 of node h501 takes the lab over the limit of 1000000 routes"],
    );
}

#[test]
fn validate_reports_ranges_near_the_integer_limits_instead_of_panicking() {
    require_root!();
    let runs = validate(&[
        (
            "whole",
            &format!("{HEAD}[nodes.\"x{{i}}\"]\nfor = {{ i = \"-9223372036854775808..9223372036854775807\" }}\n"),
        ),
        ("top", &format!("{HEAD}[nodes.\"x{{i}}\"]\nfor = {{ i = \"-1..9223372036854775807\" }}\n")),
    ]);
    refused("whole", &runs[0], &["whole.toml:4:1: error: `for` of node x{i} makes 18446744073709551616 copies"]);
    refused("top", &runs[1], &["top.toml:4:1: error: `for` of node x{i} makes 9223372036854775809 copies"]);
}

#[test]
fn validate_refuses_an_offset_that_overflows_instead_of_wrapping() {
    require_root!();
    let runs = validate(&[(
        "wrap",
        &format!(
            "{HEAD}[nodes.\"y{{i+9223372036854775807}}\"]\nfor = {{ i = \"1..2\" }}\n\
             [nodes.z]\nroutes = [ {{ for = {{ j = \"-9223372036854775808..-9223372036854775807\" }}, to = \"10.0.{{j-1}}.0/24\", dev = \"lo\" }} ]\n"
        ),
    )]);
    refused(
        "wrap",
        &runs[0],
        &[
            "wrap.toml:4:1: error: `{i+9223372036854775807}`: 1 + 9223372036854775807 is outside the 64-bit integer range",
            "wrap.toml:6:79: error: `{j-1}`: -9223372036854775808 - 1 is outside the 64-bit integer range",
        ],
    );
}

#[test]
fn validate_refuses_etc_file_names_that_up_cannot_write() {
    require_root!();
    let long = "l".repeat(256);
    let runs = validate(&[(
        "etc",
        &format!(
            "{HEAD}[nodes.a]\n[nodes.a.etc]\n\".\" = \"x\"\n\"sub/\" = \"x\"\n\"p\" = \"x\"\n\"p/q\" = \"x\"\n\
             \"z\\u0000\" = \"x\"\n\"a/../b\" = \"x\"\n\"/abs\" = \"x\"\n\"\" = \"x\"\n\"{long}\" = \"x\"\n\
             \"ok/hosts\" = \"fine\"\n"
        ),
    )]);
    refused(
        "etc",
        &runs[0],
        &[
            "etc.toml:5:1: error: `etc` file \".\" of node a has a \".\" component",
            "etc.toml:6:1: error: `etc` file \"sub/\" of node a has an empty component",
            "etc.toml:8:1: error: `etc` file \"p/q\" of node a needs \"p\" to be a directory, but it is a file too",
            "etc.toml:9:1: error: `etc` file \"z\\0\" of node a contains a control character",
            "etc.toml:10:1: error: `etc` file \"a/../b\" of node a has a \"..\" component",
            "etc.toml:11:1: error: `etc` file \"/abs\" of node a must be a relative path inside /etc",
            "etc.toml:12:1: error: `etc` file \"\" of node a must not be empty",
            "etc.toml:13:1: error: `etc` file \"llll",
            "has a component longer than 255 bytes",
        ],
    );
    assert!(!runs[0].1.contains("ok/hosts"), "{}", runs[0].1);
}

#[test]
fn validate_refuses_a_node_name_too_long_for_the_ownership_mark() {
    require_root!();
    // netns-lab:t:<node> must fit the 255 bytes of an interface alias.
    let fits = "n".repeat(243);
    let long = "n".repeat(244);
    let runs = validate(&[
        ("long", &format!("{HEAD}[nodes.{long}]\n")),
        ("fits", &format!("{HEAD}ns_prefix = \"\"\n[nodes.{fits}]\n")),
    ]);
    refused(
        "long",
        &runs[0],
        &[
            "long.toml:3:8: error: node name nnn",
            "is too long: its ownership mark \"netns-lab:t:NODE\" must fit 255 bytes, so a node name of lab t can have at most 243 bytes (it has 244)",
        ],
    );
    assert_eq!(runs[1].0, 0, "a name that fits is fine: {}", runs[1].1);
}

#[test]
fn validate_refuses_an_interface_name_nft_cannot_quote_in_a_nat_rule() {
    require_root!();
    let nat = |name: &str| {
        format!(
            "{HEAD}[nodes.r]\n[[nodes.r.nat]]\ntype = \"masquerade\"\nout = \"{name}\"\n\
             [nodes.s]\n[[links]]\nendpoints = [\"r:{name}\", \"s\"]\n"
        )
    };
    let runs = validate(&[
        ("quote", &nat("e\\\"x")),
        ("inject", &nat("e\\\";flush")),
        ("star", &nat("e*")),
        ("ctl", &nat("e\\u0001")),
        ("fine", &nat("e0.1@x-_")),
    ]);
    refused(
        "quote",
        &runs[0],
        &[
            "quote.toml:4:1: error: nat rule 1 of node r names interface \"e\\\"x\", which cannot be written in an nft rule",
        ],
    );
    refused("inject", &runs[1], &["inject.toml:4:1: error: nat rule 1 of node r names interface \"e\\\";flush\""]);
    refused("star", &runs[2], &["star.toml:4:1: error: nat rule 1 of node r names interface \"e*\""]);
    refused(
        "ctl",
        &runs[3],
        &["ctl.toml:9:14: error: interface name \"e\\u{1}\" of node r contains a control character"],
    );
    assert_eq!(runs[4].0, 0, "{}", runs[4].1);
}

#[test]
fn validate_refuses_ipv6_on_a_link_whose_mtu_is_below_1280() {
    require_root!();
    let runs = validate(&[
        (
            "v6",
            &format!(
                "{HEAD}[nodes.a]\n[nodes.b]\n[[links]]\nendpoints = [\"a\", \"b\"]\nmtu = 1000\n\
                 addr = [[\"fd00::1/64\"], [\"10.0.0.2/24\"]]\n"
            ),
        ),
        (
            "bridge",
            &format!(
                "{HEAD}[nodes.sw]\nkind = \"switch\"\naddr = {{ br0 = [\"fd00::9/64\"] }}\n[nodes.h]\n\
                 [[links]]\nendpoints = [\"h\", \"sw\"]\nmtu = 1200\n"
            ),
        ),
        (
            "v4",
            &format!(
                "{HEAD}[nodes.a]\n[nodes.b]\n[[links]]\nendpoints = [\"a\", \"b\"]\nmtu = 1000\n\
                 addr = [[\"10.0.0.1/24\"], [\"10.0.0.2/24\"]]\n"
            ),
        ),
    ]);
    refused(
        "v6",
        &runs[0],
        &[
            "v6.toml:6:14: error: interface eth0 of node a has IPv6 (fd00::1/64) but an MTU of 1000: IPv6 needs an MTU of at least 1280",
        ],
    );
    assert!(!runs[0].1.contains("node b"), "{}", runs[0].1);
    refused("bridge", &runs[1], &["error: interface br0 of node sw has IPv6 (fd00::9/64) but an MTU of 1200"]);
    assert_eq!(runs[2].0, 0, "IPv4 is fine with a small MTU: {}", runs[2].1);
}

#[test]
fn validate_refuses_ipv6_addresses_on_a_node_with_ipv6_off() {
    require_root!();
    let runs = validate(&[(
        "off",
        &format!(
            "{HEAD}[nodes.a]\nipv6 = false\ngateway = \"fd00::2\"\n[nodes.b]\n[[links]]\nendpoints = [\"a\", \"b\"]\n\
             addr = [[\"fd00::1/64\"], [\"fd00::2/64\"]]\n"
        ),
    )]);
    refused(
        "off",
        &runs[0],
        &[
            "off.toml:3:8: error: gateway fd00::2 of node a is IPv6, but node a has ipv6 = false",
            "off.toml:8:14: error: interface eth0 of node a has IPv6 address fd00::1/64, but node a has ipv6 = false (IPv6 is off in its namespace)",
        ],
    );
    assert!(!runs[0].1.contains("node b"), "{}", runs[0].1);
}

#[test]
fn validate_refuses_a_multicast_mac_and_a_vlan_larger_than_its_parent() {
    require_root!();
    let runs = validate(&[(
        "l2",
        &format!(
            "{HEAD}[nodes.a]\n[nodes.a.interfaces.eth0]\nmac = \"01:00:00:00:00:01\"\n\
             [nodes.a.interfaces.\"eth0.10\"]\ntype = \"vlan\"\nparent = \"eth0\"\nvid = 10\nmtu = 9000\n\
             [nodes.b]\n[[links]]\nendpoints = [\"a\", \"b\"]\n"
        ),
    )]);
    refused(
        "l2",
        &runs[0],
        &[
            "l2.toml:5:7: error: `mac` of interface eth0 of node a: 01:00:00:00:00:01 is a multicast or zero address",
            "l2.toml:6:21: error: interface eth0.10 of node a has MTU 9000, larger than the 1500 of its parent eth0",
        ],
    );
}

#[test]
fn validate_refuses_node_names_and_prefixes_netns_add_would_refuse() {
    require_root!();
    let runs = validate(&[
        ("node", &format!("{HEAD}[nodes.\"a\\nb\"]\n[nodes.\"c\\u007f\"]\n")),
        ("prefix", &format!("{HEAD}ns_prefix = \"p\\n\"\n[nodes.a]\n[nodes.b]\n")),
        ("slash", &format!("{HEAD}ns_prefix = \"p/\"\n[nodes.a]\n")),
    ]);
    refused(
        "node",
        &runs[0],
        &[
            "node.toml:3:8: error: namespace name \"t-a\\nb\" of node \"a\\nb\" contains a control character",
            "node.toml:4:8: error: namespace name \"t-c\\u{7f}\" of node \"c\\u{7f}\" contains a control character",
        ],
    );
    refused(
        "prefix",
        &runs[1],
        &["prefix.toml:3:13: error: `ns_prefix` \"p\\n\" must be at most 200 bytes without '/' or control characters"],
    );
    assert_eq!(runs[1].1.matches("ns_prefix").count(), 1, "said once, not per node: {}", runs[1].1);
    refused("slash", &runs[2], &["slash.toml:3:13: error: `ns_prefix` \"p/\""]);
}

#[test]
fn validate_refuses_a_rate_below_one_byte_per_second() {
    require_root!();
    let link =
        |netem: &str| format!("{HEAD}[nodes.a]\n[nodes.b]\n[[links]]\nendpoints = [\"a\", \"b\"]\nnetem = {netem}\n");
    let runs = validate(&[
        ("text", &link("{ rate = \"7bit\" }")),
        ("number", &link("{ rate = 4 }")),
        ("eight", &link("{ rate = \"8bit\" }")),
    ]);
    refused(
        "text",
        &runs[0],
        &["text.toml:7:18: error: `rate` of `netem` of link 1 is 7bit, below the minimum of 8bit (1 byte per second"],
    );
    refused("number", &runs[1], &["number.toml:7:18: error: `rate` of `netem` of link 1", "must be from 8 to"]);
    assert_eq!(runs[2].0, 0, "{}", runs[2].1);
}

#[test]
fn validate_accepts_a_10000_node_chain_quickly() {
    require_root!();
    let runs = validate(&[(
        "chain",
        &format!(
            "{HEAD}[nodes.\"r{{i}}\"]\nfor = {{ i = \"1..10000\" }}\nkind = \"router\"\n\
             [[links]]\nfor = {{ i = \"1..9999\" }}\nendpoints = [\"r{{i}}\", \"r{{i+1}}\"]\n"
        ),
    )]);
    assert_eq!(runs[0].0, 0, "{}", runs[0].1);
}

#[test]
fn tricky_lab_files_of_the_corpus_are_refused_with_a_position() {
    require_root!();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lab-input");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("tests/fixtures/lab-input")
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".toml")?.to_string();
            Some((stem, std::fs::read_to_string(e.path()).ok()?))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 8, "the corpus is there");
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let runs = validate(&refs);
    for ((name, text), run) in files.iter().zip(&runs) {
        // The first line of each file says what it must be refused with.
        let want = text.lines().next().and_then(|l| l.strip_prefix("# expect: ")).unwrap_or("error:");
        refused(name, run, &[want]);
    }
}
