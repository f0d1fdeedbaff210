//! Limits: labs of any size under the usual open-files limit, flushes and
//! other loops that wait on the kernel always end, and `link property`.

use crate::support::lab_script;
use std::time::Duration;

/// Script lines defining `chain N FILE`: a lab `ch` of N routers in a row
/// (/30 links, a default route towards r1 and 10.128.0.0/9 towards rN in
/// each), with one expectation between neighbours r2 → r1.
const CHAIN: &str = r#"
ip4() { local v=$(( (10 << 24) + $1 )); echo "$((v >> 24 & 255)).$((v >> 16 & 255)).$((v >> 8 & 255)).$((v & 255))"; }
chain() {
    local n=$1 i k r
    {
        printf 'schema = 1\nname = "ch"\n'
        for ((i = 1; i <= n; i++)); do
            r=""
            ((i > 1)) && r="{ to = \"default\", via = \"$(ip4 $((4 * (i - 2) + 1)))\" }"
            ((i < n)) && r="$r${r:+, }{ to = \"10.128.0.0/9\", via = \"$(ip4 $((4 * (i - 1) + 2)))\" }"
            printf '[nodes.r%d]\nkind = "router"\nroutes = [%s]\n' "$i" "$r"
        done
        for ((k = 0; k < n - 1; k++)); do
            printf '[[links]]\nendpoints = ["r%d:e1", "r%d:e0"]\naddr = [["%s/30"], ["%s/30"]]\n' \
                $((k + 1)) $((k + 2)) "$(ip4 $((4 * k + 1)))" "$(ip4 $((4 * k + 2)))"
        done
        printf '[[expect]]\nfrom = "r2"\nto = "r1"\nreach = true\n'
    } >"$2"
}
"#;

fn chain_script(body: &str) -> crate::support::Script {
    lab_script(&format!("{CHAIN}\n{body}"))
}

#[test]
fn a_300_router_chain_comes_up_is_tested_and_goes_away_under_1024_open_files() {
    require_root!();
    let run = chain_script(
        r#"
ulimit -n 1024 || die "cannot lower the open-files limit"
v limit "$(ulimit -n) $(ulimit -Hn)"
chain 300 ch.toml
r up $NETNS up ch.toml
r again $NETNS up ch.toml
r status $NETNS status ch.toml
r test $NETNS test ch.toml
r count sh -c '"$IP" netns list | wc -l'
r down $NETNS down ch
r left leftovers
"#,
    )
    .run();
    run.expect("limit", 0, "1024 1024", "");
    run.expect_rc("up", 0);
    run.check(run.get("up").out().starts_with("lab ch is up: 300 namespaces, 299 links"), "summary line");
    run.expect("again", 0, "lab ch is up to date: no changes\n", "");
    run.expect_rc("status", 0);
    run.check(run.get("status").out().contains("drift: none"), "status sees no drift");
    run.expect_rc("test", 0);
    run.check(run.get("test").out().contains("1 passed, 0 failed"), "the expectation passes");
    run.expect("count", 0, "300\n", "");
    run.expect("down", 0, "lab ch is down: removed 300 namespaces\n", "");
    run.expect("left", 1, "", "");
}

#[test]
fn a_300_router_chain_is_reconciled_and_goes_away_under_256_open_files() {
    require_root!();
    let run = chain_script(
        r#"
ulimit -n 256 || die "cannot lower the open-files limit"
chain 300 ch.toml
r up $NETNS up ch.toml
r again $NETNS up ch.toml
r test $NETNS test ch.toml
r down $NETNS down ch
r left leftovers
"#,
    )
    .run();
    run.expect_rc("up", 0);
    run.check(run.get("up").out().starts_with("lab ch is up: 300 namespaces, 299 links"), "summary line");
    run.expect("again", 0, "lab ch is up to date: no changes\n", "");
    run.expect_rc("test", 0);
    run.expect("down", 0, "lab ch is down: removed 300 namespaces\n", "");
    run.expect("left", 1, "", "");
}

#[test]
fn a_1000_router_chain_comes_up_is_inspected_and_goes_away_under_1024_open_files() {
    require_root!();
    let run = chain_script(
        r#"
ulimit -n 1024 || die "cannot lower the open-files limit"
chain 1000 ch.toml
r up $NETNS up ch.toml
r status $NETNS status ch.toml
r count sh -c '"$IP" netns list | wc -l'
r addr $IP -n ch-r800 -br addr show e0
r inspect sh -c '"$NETNS" inspect --all >"$H/inspect" && grep -c "^ch-r" "$H/inspect"'
r graph sh -c '"$NETNS" graph --live ch.toml | grep -c "r[0-9]"'
r down $NETNS down ch
r left leftovers
"#,
    )
    .timeout(Duration::from_secs(180))
    .run();
    run.expect_rc("up", 0);
    run.check(run.get("up").out().starts_with("lab ch is up: 1000 namespaces, 999 links"), "summary line");
    run.expect_rc("status", 0);
    run.check(run.get("status").out().contains("drift: none"), "status sees no drift");
    run.expect("count", 0, "1000\n", "");
    run.check(run.get("addr").out().contains("10.0.12.122/30"), "the far end of the chain has its address");
    run.expect("inspect", 0, "1000\n", "");
    run.expect_rc("graph", 0);
    run.expect("down", 0, "lab ch is down: removed 1000 namespaces\n", "");
    run.expect("left", 1, "", "");
}

#[test]
fn test_of_200_expectations_from_200_namespaces_works_under_128_open_files() {
    require_root!();
    // Every expectation has a socket of its own while probes run: more than
    // the limit allows at once, so they are run in windows.
    let run = chain_script(
        r#"
chain 200 ch.toml
for ((i = 3; i <= 200; i++)); do printf '[[expect]]\nfrom = "r%d"\nto = "r%d"\nreach = true\n' $i $((i - 1)); done >>ch.toml
printf '[[expect]]\nfrom = "r1"\nto = "r2"\nreach = true\n' >>ch.toml
ulimit -n 128 || die "cannot lower the open-files limit"
r up $NETNS up ch.toml
r test $NETNS test ch.toml
r status $NETNS status ch.toml
r down $NETNS down ch
r left leftovers
"#,
    )
    .run();
    run.expect_rc("up", 0);
    run.expect_rc("test", 0);
    run.check(run.get("test").out().ends_with("\n200 passed, 0 failed\n"), "every expectation passes");
    run.expect_rc("status", 0);
    run.check(run.get("status").out().contains("drift: none"), "status sees no drift");
    run.expect("down", 0, "lab ch is down: removed 200 namespaces\n", "");
    run.expect("left", 1, "", "");
}

#[test]
fn list_shows_every_id_of_1100_namespaces_under_1024_open_files() {
    require_root!();
    let run = crate::support::script(
        r#"
# iproute2's batch mode keeps a descriptor per `netns set`: in chunks of
# 275, the setup also works where the open-files limit is 1024 already.
for ((c = 0; c < 4; c++)); do
	for ((i = c * 275 + 1; i <= (c + 1) * 275; i++)); do echo "netns add n$i"; echo "netns set n$i auto"; done >"$H/batch"
	must "$IP" -b "$H/batch"
done
r ip "$IP" netns list
ulimit -n 1024 || die "cannot lower the open-files limit"
r list $NETNS list
r all sh -c '"$NETNS" list --all | grep -c "^n[0-9]* *[0-9]"'
"#,
    )
    .timeout(Duration::from_secs(120))
    .run();
    run.expect_rc("ip", 0);
    run.check(run.get("ip").out().lines().count() == 1100, "iproute2 lists them all");
    run.expect_same("ip", "list");
    run.expect("all", 0, "1100\n", "");
}
