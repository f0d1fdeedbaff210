//! The shipped routing lab, `examples/ospf-ring.toml`, as a user runs it:
//! four BIRD 2 routers in a ring converge (`test --wait` says when), a
//! second `up` leaves the running routers alone, a link of the hosts' path
//! cut with `netns lab LAB link A B down` sends their traffic the other way
//! round the ring (the routers' next hops show it), restoring it brings the
//! short way back, and `down` stops every bird and leaves nothing. A bird
//! of the machine's own, on its default control socket, runs beside the lab
//! the whole time and is never touched. Everything happens inside private
//! namespaces (`support/sandbox.rs`).

use crate::support::lab_script;
use std::time::Duration;

/// The lab's four routers, each running one bird.
const ROUTERS: [&str; 4] = ["r1", "r2", "r3", "r4"];

#[test]
fn ospf_ring_converges_fails_over_round_the_ring_and_comes_down_clean() {
    require_root!();
    require_program!("bird", "bird2");
    let run = lab_script(
        r#"
L=ospf-ring
F=$EX/ospf-ring.toml
T="$NETNS test $F --wait 30s"
# The machine's own bird: default control socket, the test's network namespace.
must mkdir -p /run/bird
printf 'router id 192.0.2.1;\nprotocol device {}\n' >$H/sys-bird.conf
bird -f -c $H/sys-bird.conf -s /run/bird/bird.ctl >$H/sys-bird.log 2>&1 &
SYS=$!
wait_for birdc -s /run/bird/bird.ctl show status
# pid and namespace name (none: not a named one) of every bird, sorted.
birds() { for p in $(ps -e -o pid=,comm= | awk '$2 == "bird" { print $1 }'); do
    printf '%s %s\n' "$p" "$($IP netns identify "$p")"; done | sort; }
# Retry a check every 0.1 s, at most 30 s: routers converge in their own time.
settle() { local n=0; until "$@" >/dev/null 2>&1; do
    n=$((n + 1)); [ $n -gt 300 ] && return 1; sleep 0.1; done; }
# Does router $1 send traffic for $2 through $3? Are $2 of its neighbours full?
via() { $IP -n $L-$1 route get "$2" | grep -q " via $3 "; }
full() { [ "$($NETNS exec $L $1 -- birdc -s /etc/bird/bird.ctl show ospf neighbors | grep -c Full/PtP)" = "$2" ]; }

r up $NETNS up $F
r birds0 birds
r t1 $T
r again $NETNS up $F
r birds1 birds
r status $NETNS -j status $L
# test --wait passes at the first working path, which may be the long one
# while the ring is still converging: wait for every adjacency.
for n in r1 r2 r3 r4; do settle full $n 2 || die "$n has not two full neighbours"; done
r nbr $NETNS exec $L r1 -- birdc -s /etc/bird/bird.ctl show ospf neighbors
r short1 settle via r1 10.0.3.10 10.0.12.2
r shortback1 settle via r3 10.0.1.10 10.0.23.1
r fwd1 $IP -n $L-r1 route get 10.0.3.10
r back1 $IP -n $L-r3 route get 10.0.1.10

r cut $NETNS lab $L link r1 r2 down
r t2 $T
r fwd2 $IP -n $L-r1 route get 10.0.3.10
r back2 $IP -n $L-r3 route get 10.0.1.10

r heal $NETNS lab $L link r1 r2 up
r short settle via r1 10.0.3.10 10.0.12.2
r shortback settle via r3 10.0.1.10 10.0.23.1
r t3 $T

r down $NETNS down $L
r birds2 birds
r sys birdc -s /run/bird/bird.ctl show status
kill $SYS; wait $SYS
r left leftovers
"#,
    )
    .timeout(Duration::from_secs(240))
    .run();

    // Up: one bird per router, each in its router's namespace.
    run.expect_rc("up", 0);
    let birds0 = run.get("birds0").out();
    for r in ROUTERS {
        run.check(birds0.contains(&format!(" ospf-ring-{r}\n")), format!("a bird runs in {r}: {birds0}"));
    }
    run.check(birds0.lines().count() == 5, format!("four lab birds and the machine's: {birds0}"));

    // Converged: every expectation holds, and the ones that needed OSPF
    // say after how long (no route to the far host exists before it).
    let t1 = run.get("t1");
    run.check(t1.rc == 0 && t1.out().ends_with("\n3 passed, 0 failed\n"), "the ring converges");
    run.check(t1.out().contains("PASS  h1 → h2 (10.0.3.10) icmp reach"), "h1 reaches h2");
    run.check(t1.out().contains(" passed after "), "test --wait gives the convergence time");

    // A second up changes nothing and leaves every bird running as it was.
    run.expect("again", 0, "lab ospf-ring is up to date: no changes\n", "");
    run.check(run.get("birds1").out() == birds0, "the same bird processes after the second up");
    let status: serde_json::Value = serde_json::from_str(&run.get("status").out()).unwrap();
    run.check(status["state"] == "up" && status["drift"] == 0, format!("no drift with bird's routes: {status}"));
    let procs = status["processes"].as_array().unwrap();
    run.check(procs.len() == 4 && procs.iter().all(|p| p["running"] == true), format!("four birds: {status}"));
    let nbr = run.get("nbr");
    run.check(
        nbr.rc == 0 && nbr.out().contains("10.255.0.2") && nbr.out().contains("10.255.0.4"),
        "r1's own control socket answers: r2 and r4 are its neighbours",
    );

    // The short way: through r2, both ways.
    run.check(run.get("fwd1").out().contains(" via 10.0.12.2 dev to-r2 "), "r1 sends h2's traffic to r2");
    run.check(run.get("back1").out().contains(" via 10.0.23.1 dev to-r2 "), "r3 sends h1's traffic to r2");

    // r1–r2 cut: the lab converges again, the long way, through r4.
    run.expect("cut", 0, "lab ospf-ring: r1:to-r2 down\nlab ospf-ring: r2:to-r1 down\n", "");
    let t2 = run.get("t2");
    run.check(t2.rc == 0 && t2.out().ends_with("\n3 passed, 0 failed\n"), "converged round the other side");
    run.check(run.get("fwd2").out().contains(" via 10.0.14.2 dev to-r4 "), "r1 now sends h2's traffic to r4");
    run.check(run.get("back2").out().contains(" via 10.0.34.2 dev to-r4 "), "r3 now sends h1's traffic to r4");

    // Restored: the short way is back.
    run.expect("heal", 0, "lab ospf-ring: r1:to-r2 up\nlab ospf-ring: r2:to-r1 up\n", "");
    run.expect_rc("short", 0);
    run.expect_rc("shortback", 0);
    run.check(run.get("t3").rc == 0, "everything reaches again");

    // Down: every lab bird stopped, the machine's still answering on its
    // own socket, nothing of the lab left.
    run.expect_rc("down", 0);
    run.check(run.get("down").out().contains("removed 6 namespaces, ended 4 processes"), run.get("down").out());
    let birds2 = run.get("birds2").out();
    run.check(
        birds2.lines().count() == 1 && !birds2.contains("ospf-ring"),
        format!("only the machine's bird: {birds2}"),
    );
    let sys = run.get("sys");
    run.check(sys.rc == 0 && sys.out().contains("Router ID is 192.0.2.1"), "the machine's bird was left alone");
    run.expect("left", 1, "", "");
}
