//! `netns prune`: which names go and which stay, for namespaces made by
//! netns and by `ip netns add` alike; nothing outside the run directory is
//! followed or touched; `--dry-run` changes nothing; the second look right
//! before each removal.
//!
//! prune acts on the whole run directory. Every test runs in the sandbox
//! (`support/sandbox.rs`): a private mount namespace whose `/run` is a
//! fresh tmpfs, so its `/run/netns` holds only what the test made, and a
//! private pid namespace, so the processes prune sees are the test's. Each
//! script checks that first (`fresh`).

use crate::support::script;
use serde_json::Value;

/// Ends the script unless `/run/netns` is the sandbox's own, still empty.
const FRESH: &str = r#"
[ "$(stat -f -c %T /run)" = tmpfs ] && [ ! -e /run/netns ] || die "the run directory is not the sandbox's own"
"#;

/// One name of every kind prune tells apart, all older than `--min-age 0`.
const NAMES: &str = r#"
must $NETNS add empty
must $IP netns add ipempty
must $NETNS add proc
bg_in $IP proc
must $NETNS add upveth
must $IP link add v0 type veth peer name v1 netns upveth
must $IP -n upveth link set v1 up
must $NETNS add downs
must $IP -n downs link add br0 type bridge
must $IP -n downs link add d0 type veth peer name d1
must $IP netns add ipdowns
must $IP -n ipdowns link add br1 type bridge
must $NETNS add labmark
must $IP -n labmark link set lo alias netns-lab:web:r1
must $NETNS add labstate
must mkdir -p /run/netns-lab/web2
printf '%s' '{"lab":"web2","file":"/nowhere/web2.toml","phase":"up","namespaces":[{"node":"n1","ns":"labstate"}]}' \
    >/run/netns-lab/web2/state.json
must touch /run/netns/stale
must touch -d '1 hour ago' /run/netns/stale
# A symbolic link to an old empty file outside the run directory: followed,
# it would look like a stale placeholder.
must touch -d '1 hour ago' "$H/w/target"
must ln -s "$H/w/target" /run/netns/link
# A symbolic link to a namespace mounted outside the run directory:
# followed, it would be unmounted.
must touch "$H/w/pin"
must unshare --net mount --bind /proc/self/ns/net "$H/w/pin"
must ln -s "$H/w/pin" /run/netns/nslink
"#;

fn json(out: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(out).expect("prune -j prints JSON").as_array().expect("an array").clone()
}

fn entry<'a>(all: &'a [Value], name: &str) -> &'a Value {
    all.iter().find(|v| v["name"] == name).unwrap_or_else(|| panic!("no {name} in {all:?}"))
}

/// The line of `name` in a text listing (two spaces, the name, padding).
fn line_of<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines().find(|l| l.split_whitespace().next() == Some(name))
}

#[test]
fn each_kind_of_name_is_judged_and_only_unused_ones_go() {
    require_root!();
    let run = script(&format!(
        r#"{FRESH}{NAMES}
snap() {{ ls -la --time-style=+%s /run/netns; nsfs_mounts | awk '{{ print $4, $5 }}'; ls -la "$H/w/target"; }}
before=$(snap)
r dry $NETNS prune --dry-run --min-age 0
r dry_j $NETNS -j prune --dry-run --min-age 0
v dry_same "$([ "$before" = "$(snap)" ] && echo same || printf 'changed:\n%s\n---\n%s' "$before" "$(snap)")"
r prune $NETNS prune --min-age 0
v left "$(ls /run/netns | tr '\n' ' ')"
v target "$(stat -c %F "$H/w/target")"
v pin "$(stat -f -c %T "$H/w/pin")"
r again $NETNS prune --min-age 0
"#
    ))
    .run();
    run.expect("dry_same", 0, "same", "");
    let dry = run.get("dry").out();
    run.expect_rc("dry", 0);
    run.check(dry.starts_with("would remove 5 of 11 names in /run/netns:\n"), "the count first");
    for (name, reason) in [
        ("empty", "no process, only lo"),
        ("ipempty", "no process, only lo"),
        ("downs", "no process, interfaces down: "),
        ("ipdowns", "no process, interfaces down: br1"),
        ("stale", "stale placeholder: not a namespace mount"),
        ("labmark", "lab web (node r1): its ownership mark is on lo"),
        ("labstate", "lab web2 (node n1) lists it in its state"),
        ("proc", "a process is inside: "),
        ("link", "a symbolic link: prune never follows or removes one"),
        ("nslink", "a symbolic link: prune never follows or removes one"),
    ] {
        let line = line_of(&dry, name).unwrap_or_else(|| panic!("no line for {name}:\n{dry}"));
        run.check(line.contains(reason), format!("{name}: expected {reason:?} in {line:?}"));
    }
    let downs = line_of(&dry, "downs").unwrap();
    run.check(downs.contains("br0") && downs.contains("d0") && downs.contains("d1"), "every down interface is named");
    // A namespace in use (an interface up) is only counted in the text.
    run.check(line_of(&dry, "upveth").is_none(), "upveth is in use, not listed");
    run.check(dry.ends_with("in use, not shown: 1 name (an interface up; -j lists every name)\n"), "in-use count");
    // Removing kept the symbolic links and what they point to.
    run.expect("left", 0, "labmark labstate link nslink proc upveth ", "");
    run.expect("target", 0, "regular empty file", "");
    run.expect("pin", 0, "nsfs", "");
    let pruned = run.get("prune").out();
    run.expect_rc("prune", 0);
    run.check(pruned.starts_with("removing 5 of 11 names in /run/netns:\n"), "removing, then the list");
    run.check(pruned.ends_with("removed 5: downs empty ipdowns ipempty stale\n"), "then what was removed");
    run.check(run.get("prune").err.is_empty(), "no message");
    run.expect_rc("again", 0);
    run.check(run.get("again").out().starts_with("nothing to remove in /run/netns (6 names)\n"), "nothing left to do");

    let all = json(&run.get("dry_j").out());
    assert_eq!(all.len(), 11);
    let names: Vec<&str> = all.iter().map(|v| v["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted by name");
    for v in &all {
        for key in ["name", "type", "action", "reason", "removed"] {
            assert!(v.get(key).is_some(), "{key} missing in {v}");
        }
        assert_eq!(v["removed"], false, "a dry run removes nothing: {v}");
    }
    let e = entry(&all, "empty");
    assert_eq!((e["type"].as_str(), e["action"].as_str()), (Some("netns"), Some("remove")));
    assert_eq!(e["interfaces"], serde_json::json!([]));
    let ipdowns = entry(&all, "ipdowns");
    assert_eq!(ipdowns["interfaces"], serde_json::json!([{"ifname": "br1", "up": false}]));
    let up = entry(&all, "upveth");
    assert_eq!((up["action"].as_str(), up["reason"].as_str()), (Some("keep"), Some("in use: interfaces up: v1")));
    let proc = entry(&all, "proc");
    assert_eq!(proc["pids"][0]["comm"], "sleep", "{proc}");
    let lab = entry(&all, "labmark");
    assert_eq!((lab["lab"].as_str(), lab["node"].as_str()), (Some("web"), Some("r1")));
    assert_eq!(entry(&all, "labstate")["lab"], "web2");
    assert_eq!(entry(&all, "stale")["type"], "placeholder");
    assert!(entry(&all, "stale")["age"].as_i64().unwrap() >= 3600);
    assert_eq!(entry(&all, "link")["type"], "symlink");
    assert_eq!(entry(&all, "link")["action"], "keep");
}

#[test]
fn json_after_removal_says_what_was_removed() {
    require_root!();
    let run = script(&format!(
        r#"{FRESH}
must $NETNS add gone
must $NETNS add kept
bg_in $NETNS kept
r j $NETNS prune -j --min-age 0
"#
    ))
    .run();
    run.expect_rc("j", 0);
    let all = json(&run.get("j").out());
    assert_eq!(entry(&all, "gone")["removed"], true);
    assert_eq!(entry(&all, "gone")["reason"], "no process, only lo");
    assert_eq!(entry(&all, "kept")["removed"], false);
    assert_eq!(entry(&all, "kept")["action"], "keep");
}

/// What else holds a namespace: a descriptor, a second mount, a veth whose
/// peer would go with it; and a young name.
#[test]
fn descriptors_other_mounts_peers_and_youth_keep_a_namespace() {
    require_root!();
    let run = script(&format!(
        r#"{FRESH}
must $NETNS add held
exec 7</run/netns/held
must $NETNS add twice
must touch "$H/w/twice"
must mount --bind /run/netns/twice "$H/w/twice"
must $NETNS add peered
must $IP link add p0 type veth peer name p1 netns peered
r aged $NETNS prune --dry-run --min-age 0
must $NETNS add young
must touch /run/netns/fresh
r young $NETNS prune
v left "$(ls /run/netns | tr '\n' ' ')"
"#
    ))
    .run();
    let text = run.get("aged").out();
    run.expect_rc("aged", 0);
    run.check(text.starts_with("nothing to remove in /run/netns (3 names)\n"), "nothing goes");
    let has = |name: &str, what: &str| line_of(&text, name).is_some_and(|l| l.contains(what));
    run.check(has("held", "held open by ") && has("held", "(bash)"), "the descriptor's process is named");
    run.check(has("twice", "also mounted at /tmp/.h/w/twice"), "the other mount is named");
    run.check(
        has("peered", "p1's peer is in another namespace, and removing this namespace would delete it"),
        "the peer",
    );
    let young = run.get("young").out();
    run.check(line_of(&young, "young").is_some_and(|l| l.contains(" s ago: it may still be being set up")), "young");
    run.check(
        line_of(&young, "fresh").is_some_and(|l| {
            l.contains("an empty placeholder made ") && l.contains(" s ago: an add may still be mounting onto it")
        }),
        "fresh placeholder",
    );
    run.expect("left", 0, "fresh held peered twice young ", "");
}

/// The run directory's lock is held by the script while prune waits to
/// remove `x` and `y`; meanwhile a process enters `x`, and another
/// namespace is mounted on `y` (by hand: iproute2's add would wait for the
/// lock too). prune's second look sees both and leaves the names.
#[test]
fn a_name_that_changes_before_its_removal_is_left() {
    require_root!();
    let run = script(&format!(
        r#"{FRESH}
must $NETNS add x
must $NETNS add y
exec 9</run/netns
must flock -x 9
$NETNS prune --min-age 0 >"$H/out" 2>"$H/err" 9<&- &
PR=$!
wait_for grep -q '^removing 2 of 2' "$H/out"
bg_in $IP x
must umount /run/netns/y
must unshare --net mount --bind /proc/self/ns/net /run/netns/y
flock -u 9
wait $PR
v rc $?
v out "$(cat "$H/out")"
v err "$(cat "$H/err")"
v left "$(ls /run/netns | tr '\n' ' ')"
"#
    ))
    .run();
    run.expect("rc", 0, "0", "");
    let out = run.get("out").out();
    run.check(
        out.lines().any(|l| l.starts_with("not removed: x: a process is inside: ") && l.ends_with("(sleep)")),
        "x: a process entered",
    );
    run.check(
        out.contains("not removed: y: the name was replaced: it is now a network namespace\n"),
        "y: another namespace under the name",
    );
    run.check(out.ends_with("\nremoved 0 of 2"), "nothing removed");
    run.expect("err", 0, "", "");
    run.expect("left", 0, "x y ", "");
}

#[test]
fn a_failed_removal_is_named_and_fails_the_command() {
    require_root!();
    let run = script(&format!(
        r#"{FRESH}
must $NETNS add a
must touch -d '1 hour ago' /run/netns/b
must mount -o remount,bind,ro /run/netns
r prune $NETNS prune --min-age 0
"#
    ))
    .run();
    let r = run.get("prune");
    run.expect_rc("prune", 1);
    let err = r.err();
    run.check(
        err.contains(
            "netns prune: cannot remove a: Cannot remove namespace file \"/run/netns/a\": Read-only file system\n",
        ) && err.contains(
            "netns prune: cannot remove b: Cannot remove namespace file \"/run/netns/b\": Read-only file system\n",
        ),
        "each failure named",
    );
    run.check(r.out().ends_with("removed 0 of 2\n"), "the summary");
}

#[test]
fn without_root_dry_run_shows_what_it_can_and_prune_refuses() {
    require_root!();
    let run = script(&format!(
        r#"{FRESH}
must $NETNS add a
must touch -d '1 hour ago' /run/netns/stale
r dry $NOBODY $NETNS prune --dry-run --min-age 0
r dry_j $NOBODY $NETNS -j prune --dry-run --min-age 0
r prune $NOBODY $NETNS prune --min-age 0
v left "$(ls /run/netns | tr '\n' ' ')"
"#
    ))
    .run();
    run.expect(
        "dry",
        0,
        "would remove 1 of 2 names in /run/netns:\n  stale  stale placeholder: not a namespace mount\n\
         not judged: a  reading a namespace's interfaces and lab mark needs root (CAP_SYS_ADMIN)\n",
        "netns prune: 1 not judged without root (a namespace's interfaces and lab mark are read from inside it): \
         try `sudo netns prune --dry-run`\n",
    );
    let all = json(&run.get("dry_j").out());
    assert_eq!(entry(&all, "a")["action"], "unknown");
    assert_eq!(entry(&all, "stale")["action"], "remove");
    run.expect(
        "prune",
        1,
        "",
        "netns prune: prune needs root: removing a name unmounts it and judging a namespace enters it \
         (CAP_SYS_ADMIN); `netns prune --dry-run` shows what it would remove\n",
    );
    run.expect("left", 0, "a stale ", "");
}

#[test]
fn nothing_to_prune_usage_errors_and_batch_lines() {
    require_root!();
    let run = script(&format!(
        r#"{FRESH}
r missing $NETNS prune
must mkdir /run/netns
r empty $NETNS -j prune
r bad $NETNS prune --force
r age $NETNS prune --min-age soon
r help $NETNS prune --help
printf 'prune -j --dry-run\nadd z\nlist\n' >"$H/w/batch"
r batch $NETNS -b "$H/w/batch"
"#
    ))
    .run();
    run.expect("missing", 0, "nothing to remove: /run/netns does not exist\n", "");
    run.expect("empty", 0, "[]\n", "");
    let r = run.get("bad");
    run.check(r.rc == 255 && r.err().starts_with("netns prune: unexpected argument \"--force\"\nUsage: "), "bad");
    let r = run.get("age");
    run.check(r.rc == 255 && r.err().starts_with("netns prune: --min-age: \"soon\" is not a number"), "age");
    let r = run.get("help");
    run.check(r.rc == 255 && r.err().starts_with("Usage: netns [-j [-p]] prune"), "help");
    // In a batch file, prune's own -j is for that line only.
    run.expect("batch", 0, "[]\nz\n", "");
}
