//! `netns top`: the rates a user reads while traffic flows between two
//! namespaces, through the JSON lines and through the full-screen view in a
//! real terminal (tmux). Every test runs in private mount+net+pid
//! namespaces (`support/sandbox.rs`): the tmux server and the traffic end
//! with the script.

use crate::support::script;
use serde_json::Value;
use std::time::Duration;

/// `busy1` and `busy2` joined by a veth with addresses, `idle` with only
/// its loopback up; `blast SECONDS` sends UDP from busy1 to busy2 in the
/// background for that long.
const LAB: &str = r#"
must $NETNS add busy1
must $NETNS add busy2
must $NETNS add idle
must $IP link add v1 netns busy1 type veth peer name v2 netns busy2
must $IP -n busy1 addr add 10.77.0.1/24 dev v1
must $IP -n busy2 addr add 10.77.0.2/24 dev v2
must $IP -n busy1 link set v1 up
must $IP -n busy2 link set v2 up
must $IP -n idle link set lo up
blast() {
    $NETNS exec busy1 python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    for _ in range(50):
        s.sendto(b"x" * 1000, ("10.77.0.2", 9))
    time.sleep(0.005)
' "$1" &
}
"#;

fn ns<'a>(sample: &'a Value, name: &str) -> &'a Value {
    sample["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("no namespace {name} in {sample}"))
}

fn iface<'a>(ns: &'a Value, name: &str) -> &'a Value {
    ns["interfaces"].as_array().unwrap().iter().find(|i| i["ifname"] == name).unwrap_or_else(|| panic!("no {name}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// `ip -s -j link show DEV`'s tx byte counter.
fn ip_tx_bytes(out: &str) -> u64 {
    let v: Value = serde_json::from_str(out).expect("ip -j prints JSON");
    v[0]["stats64"]["tx"]["bytes"].as_u64().expect("tx bytes")
}

#[test]
fn json_rates_follow_the_traffic_and_the_busiest_comes_first() {
    require_root!();
    let run = script(&format!(
        "{LAB}\nblast 4\nsleep 0.5\n\
         r before $IP -s -j -n busy1 link show v1\n\
         r top $NETNS top -j --once --interval 1 idle busy1 busy2\n\
         r after $IP -s -j -n busy1 link show v1\n\
         r two sh -c \"$NETNS top --interval 0.5 idle busy1 busy2 | head -n 2\"\n\
         r table $NETNS top --once --interval 0.5 idle busy1 busy2"
    ))
    .run();
    run.expect_rc("top", 0);
    let out = run.get("top").out();
    assert_eq!(out.lines().count(), 1, "--once prints one line: {out}");
    let sample: Value = serde_json::from_str(&out).expect("one JSON object");
    assert!(f(&sample["interval"]) >= 0.9 && f(&sample["interval"]) < 2.0, "{sample}");
    let list = sample["namespaces"].as_array().unwrap();
    let order: Vec<&str> = list.iter().map(|n| n["name"].as_str().unwrap()).collect();
    assert_eq!(order.len(), 3, "{order:?}");
    assert!(order[..2].contains(&"busy1") && order[..2].contains(&"busy2"), "busiest first: {order:?}");
    assert_eq!(order[2], "idle", "{order:?}");
    let (b1, b2, idle) = (ns(&sample, "busy1"), ns(&sample, "busy2"), ns(&sample, "idle"));
    // The sender's bits and packets out, the receiver's in; the idle one
    // is at zero.
    let tx = f(&b1["tx_bps"]);
    assert!(tx > 100_000.0, "busy1 sends: {b1}");
    assert!(f(&b1["tx_pps"]) > 10.0, "{b1}");
    assert!(f(&b2["rx_bps"]) > 0.5 * tx && f(&b2["rx_bps"]) < 1.5 * tx, "busy2 receives what busy1 sends: {b2}");
    assert_eq!(f(&idle["rx_bps"]) + f(&idle["tx_bps"]) + f(&idle["rx_pps"]) + f(&idle["tx_pps"]), 0.0, "{idle}");
    // A namespace's rates are the sum of its interfaces'.
    let v1 = iface(b1, "v1");
    let sum: f64 = b1["interfaces"].as_array().unwrap().iter().map(|i| f(&i["tx_bps"])).sum();
    assert!((sum - tx).abs() < 1.0, "{b1}");
    // The counters it read lie between ip's readings before and after, and
    // the bytes its rate accounts for fit in what ip saw pass.
    let (before, after) = (ip_tx_bytes(&run.get("before").out()), ip_tx_bytes(&run.get("after").out()));
    let seen = v1["stats64"]["tx"]["bytes"].as_u64().unwrap();
    assert!(before <= seen && seen <= after, "{before} <= {seen} <= {after}");
    let accounted = f(&v1["tx_bps"]) / 8.0 * f(&sample["interval"]);
    assert!(accounted > 0.0 && accounted <= (after - before) as f64 * 1.01, "{accounted} vs {}", after - before);
    // In a pipe without --once: JSON lines, one per sample.
    let two = run.get("two").out();
    assert_eq!(two.lines().count(), 2, "{two}");
    assert!(two.lines().all(|l| serde_json::from_str::<Value>(l).is_ok()), "{two}");
    // --once without -j: a table, busiest first.
    let table = run.get("table").out();
    let rows: Vec<&str> = table.lines().filter(|l| !l.starts_with(' ')).collect();
    assert!(rows[0].starts_with("NAMESPACE"), "{table}");
    assert!(rows[1].starts_with("busy") && rows[3].starts_with("idle"), "{table}");
}

#[test]
fn a_name_that_is_not_there_fails_and_the_others_are_still_shown() {
    require_root!();
    let run = script(&format!("{LAB}\nr top $NETNS top -j --once --interval 0.2 idle nosuch")).run();
    run.expect_rc("top", 1);
    assert!(run.get("top").err().contains("nosuch"), "{}", run.get("top").err());
    let sample: Value = serde_json::from_str(&run.get("top").out()).unwrap();
    assert_eq!(ns(&sample, "idle")["name"], "idle");
}

#[test]
fn without_root_another_namespace_is_refused_by_name_and_the_current_one_is_read() {
    require_root!();
    let run = script(&format!(
        "{LAB}\nr named $NOBODY $NETNS top -j --once --interval 0.2 idle\n\
         r default $NOBODY $NETNS top -j --once --interval 0.2"
    ))
    .run();
    run.expect_rc("named", 1);
    let err = run.get("named").err();
    assert!(err.contains("idle") && err.contains("needs root"), "{err}");
    // The default selection reads what it can: the namespace it runs in.
    run.expect_rc("default", 0);
    let sample: Value = serde_json::from_str(&run.get("default").out()).unwrap();
    let list = sample["namespaces"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{sample}");
    assert!(run.get("default").err().contains("needs root"), "{}", run.get("default").err());
}

#[test]
fn the_full_screen_view_shows_the_busiest_first_and_q_restores_the_terminal() {
    require_root!();
    require_program!("tmux", "tmux");
    let body = format!(
        r#"{LAB}
export TERM=xterm-256color TMUX_TMPDIR=$H/w
S=netns-top-$$
trap 'tmux -L $S kill-server 2>/dev/null; j=$(jobs -p); [ -n "$j" ] && kill -9 $j 2>/dev/null; wait 2>/dev/null' EXIT
blast 15
must tmux -L $S new-session -d -s $S -x 120 -y 40 "$NETNS top idle busy1 busy2; echo TOP-ENDED status=\$?; stty -a | tr ' ' '\n' | grep -x -- '-\?icanon'; sleep 2"
screen() {{ tmux -L $S capture-pane -p -t $S 2>/dev/null; }}
measured() {{ screen | grep -q '^netns top:' && ! screen | grep -q measuring; }}
wait_for measured
sleep 1.2
v first "$(screen)"
# Each key waits for the screen to show the one before: an Escape that
# reaches the program in one read with the next key is Alt+that key.
# (A condition that never holds is not fatal here: the assertions below
# show the screen.)
upto() {{ local n=0; until "$@" >/dev/null 2>&1; do n=$((n + 1)); [ "$n" -gt 300 ] && return 0; sleep 0.01; done; }}
title_has() {{ screen | head -n 1 | grep -qF -- "$1"; }}
tmux -L $S send-keys -t $S s
upto title_has 'sorted by packets/s'
v sorted "$(screen)"
tmux -L $S send-keys -t $S / i d l Enter
filter_kept() {{ title_has 'filter "idl"' && screen | grep -q '? help'; }}
upto filter_kept
v filtered "$(screen)"
tmux -L $S send-keys -t $S Escape
upto eval '! title_has filter'
tmux -L $S send-keys -t $S Enter
upto eval "screen | grep -q '^    v[12]'"
v expanded "$(screen)"
tmux -L $S send-keys -t $S q
ended() {{ screen | grep -q TOP-ENDED && screen | grep -q 'icanon$'; }}
wait_for ended
v after "$(screen)"
gone() {{ ! tmux -L $S has-session -t $S; }}
wait_for gone
v gone yes
must tmux -L $S new-session -d -s $S -x 120 -y 40 "$NETNS top idle; echo TOP-ENDED status=\$?; stty -a | tr ' ' '\n' | grep -x -- '-\?icanon'; sleep 2"
wait_for measured
kill -TERM $(pgrep -P "$(tmux -L $S list-panes -t $S -F '#{{pane_pid}}')" -x netns)
wait_for ended
v term "$(screen)"
"#
    );
    let run = script(&body).timeout(Duration::from_secs(40)).run();
    let first = run.get("first").out();
    let rows: Vec<&str> = first.lines().skip_while(|l| !l.contains("NAMESPACE")).skip(1).collect();
    assert!(rows.len() >= 3, "{first}");
    assert!(
        rows[0].contains("busy") && rows[1].contains("busy") && rows[2].contains("idle"),
        "busiest first:\n{first}"
    );
    assert!(first.lines().next().unwrap().contains("sorted by bits/s"), "{first}");
    assert!(
        run.get("sorted").out().lines().next().unwrap().contains("sorted by packets/s"),
        "{}",
        run.get("sorted").out()
    );
    let filtered = run.get("filtered").out();
    assert!(filtered.contains("idle") && !filtered.contains("busy1"), "{filtered}");
    // Enter opens the selected (top) namespace's interfaces.
    let expanded = run.get("expanded").out();
    assert!(expanded.contains("    v1") || expanded.contains("    v2"), "{expanded}");
    // After q: the main screen is back (no table), in cooked mode.
    let after = run.get("after").out();
    assert!(after.contains("TOP-ENDED status=0"), "{after}");
    assert!(!after.contains("NAMESPACE"), "the alternate screen was left:\n{after}");
    assert!(after.lines().any(|l| l.trim() == "icanon"), "the terminal is back in canonical mode:\n{after}");
    assert_eq!(run.get("gone").out(), "yes");
    // SIGTERM ends the view too, with the terminal restored.
    let term = run.get("term").out();
    assert!(term.contains("TOP-ENDED status=143") && !term.contains("NAMESPACE"), "{term}");
    assert!(term.lines().any(|l| l.trim() == "icanon"), "{term}");
}

#[test]
fn a_lab_selects_exactly_its_namespaces() {
    require_root!();
    let lab = r#"schema = 1
name = "tl"
ns_prefix = "tl-"
[nodes.a]
kind = "host"
[nodes.b]
kind = "host"
[[links]]
endpoints = ["a:e0", "b:e0"]
addr = [["10.98.0.1/30"], ["10.98.0.2/30"]]
"#;
    let run = script(
        "must $NETNS add other\nmust $NETNS up t.toml >/dev/null\n\
         r top $NETNS top -j --once --interval 0.2 --lab tl\n\
         r none $NETNS top -j --once --interval 0.2 --lab nolab\n\
         must $NETNS down tl >/dev/null",
    )
    .file("t.toml", lab)
    .run();
    run.expect_rc("top", 0);
    let sample: Value = serde_json::from_str(&run.get("top").out()).unwrap();
    let mut names: Vec<&str> =
        sample["namespaces"].as_array().unwrap().iter().map(|n| n["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["tl-a", "tl-b"]);
    assert!(iface(ns(&sample, "tl-a"), "e0")["stats64"]["tx"]["packets"].is_u64());
    run.expect_rc("none", 1);
    assert!(run.get("none").err().contains("nolab"), "{}", run.get("none").err());
}

/// The JSON lines of a run of `top` that the script stopped: every whole
/// line (the last may have been cut short), each a sample.
fn samples(out: &str) -> Vec<Value> {
    out.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).collect()
}

fn names(sample: &Value) -> Vec<String> {
    let mut n: Vec<String> = sample["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["name"].as_str().map(str::to_string))
        .collect();
    n.sort();
    n
}

#[test]
fn namespaces_added_and_deleted_while_it_runs_come_and_go() {
    require_root!();
    // For the default selection (named ones) and for --all, in a pipe.
    for all in ["", "--all"] {
        let run = script(&format!(
            r#"{LAB}
$NETNS top -j --interval 0.2 {all} 2>top.err > >(cat >top.out) &
T=$!
wait_for grep -q '"busy1"' top.out
must $NETNS add late
wait_for sh -c 'tail -n 2 top.out | head -n 1 | grep -q "\"late\""'
must $NETNS delete idle
wait_for sh -c 'tail -n 2 top.out | head -n 1 | grep -v -q "\"idle\""'
sleep 0.5
r alive kill -0 $T
kill $T
wait $T
r out cat top.out
r err cat top.err
"#
        ))
        .run();
        run.expect_rc("alive", 0);
        let out = run.get("out").out();
        let list = samples(&out);
        assert!(list.len() >= 4, "[{all}] {out}");
        let first = names(&list[0]);
        assert!(first.contains(&"idle".to_string()) && !first.contains(&"late".to_string()), "[{all}] {first:?}");
        // Watched from the sample after it was added…
        assert!(list.iter().any(|s| names(s).contains(&"late".to_string())), "[{all}] {out}");
        // …and no longer listed once deleted, the others still are.
        let last = names(list.last().unwrap());
        assert_eq!(last, ["busy1", "busy2", "late"], "[{all}] {out}");
        // Namespaces coming and going are no error.
        assert_eq!(run.get("err").out(), "", "[{all}]");
    }
}
