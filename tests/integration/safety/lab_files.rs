//! A lab's files on disk are its own only: `/etc/netns/<ns>/` files, the
//! lab directory's state, lock and logs, and `graph -o` output. Nothing
//! another user or an admin made is overwritten or removed, and no symlink
//! is followed when writing or removing.

use crate::support::lab_script;

/// One node with one `etc` file (and no generated hosts file, which
/// labs_hosts tests).
const LAB: &str = r#"
cat > lf.toml <<'T'
schema = 1
name = "lf"
hosts = false
[nodes.a]
etc = { "hosts" = "127.0.0.1 a\n" }
T
"#;

/// An admin's `resolv.conf` in the namespace's directory is not the lab's:
/// `up` writes its own file beside it, `status` sees no drift in it, a
/// later `up` without `etc` and `down` leave it (and its directory) there,
/// and say so.
#[test]
fn up_and_down_leave_an_admins_resolv_conf_alone() {
    require_root!();
    let run = lab_script(&format!(
        r#"{LAB}
must mkdir -p $NETNS_ETC_DIR/lf-a
echo 'nameserver 192.0.2.53' > $NETNS_ETC_DIR/lf-a/resolv.conf
r up $NETNS up lf.toml
r ls1 ls $NETNS_ETC_DIR/lf-a
r st $NETNS status lf
sed -i '/^etc/d' lf.toml
r up2 $NETNS up lf.toml
r ls2 ls $NETNS_ETC_DIR/lf-a
r down $NETNS down lf
r kept cat $NETNS_ETC_DIR/lf-a/resolv.conf
"#
    ))
    .run();
    run.expect_rc("up", 0);
    run.expect("ls1", 0, "hosts\nresolv.conf\n", "");
    run.check(run.get("st").out().contains("drift: none"), "a file the lab did not make is not drift");
    run.expect_rc("up2", 0);
    run.expect("ls2", 0, "resolv.conf\n", "");
    let down = run.get("down");
    run.check(down.rc == 0, "down succeeds");
    run.check(
        down.err().contains("left alone: /tmp/.h/etc/lf-a/resolv.conf: lab lf did not make it"),
        "down says what it left",
    );
    run.expect("kept", 0, "nameserver 192.0.2.53\n", "");
}

/// A file the lab lists that someone else made first is not overwritten:
/// `up` refuses before changing anything, naming the file and the lab.
#[test]
fn up_refuses_to_overwrite_an_etc_file_the_lab_did_not_make() {
    require_root!();
    let run = lab_script(&format!(
        r#"{LAB}
must mkdir -p $NETNS_ETC_DIR/lf-a
echo 'admin' > $NETNS_ETC_DIR/lf-a/hosts
r up $NETNS up lf.toml
r plan $NETNS up --plan lf.toml
r kept cat $NETNS_ETC_DIR/lf-a/hosts
r ns $IP netns list
r labdir ls -A /run/netns-lab
"#
    ))
    .run();
    let up = run.get("up");
    run.check(up.rc == 1, "up fails");
    run.check(
        up.err().contains("/tmp/.h/etc/lf-a/hosts exists and lab lf did not make it"),
        "names the file and the lab",
    );
    run.check(up.err().contains("nothing was changed"), "changes nothing");
    run.expect_rc("plan", 1);
    run.expect("kept", 0, "admin\n", "");
    run.expect("ns", 0, "", "");
    run.expect("labdir", 0, "", "");
}

/// A directory the lab made, where an admin later put a file: `down`
/// removes the lab's file, keeps the admin's and the directory, and says
/// so (it used to remove the whole directory).
#[test]
fn down_removes_only_the_etc_files_the_lab_made() {
    require_root!();
    let run = lab_script(&format!(
        r#"{LAB}
must $NETNS up lf.toml >/dev/null
echo 'nameserver 192.0.2.53' > $NETNS_ETC_DIR/lf-a/resolv.conf
r down $NETNS down lf
r ls ls $NETNS_ETC_DIR/lf-a
"#
    ))
    .run();
    let down = run.get("down");
    run.check(down.rc == 0, "down succeeds");
    run.check(down.err().contains("left alone: /tmp/.h/etc/lf-a/resolv.conf: lab lf did not make it"), "says so");
    run.expect("ls", 0, "resolv.conf\n", "");
}

/// A symlink where the lab's directory, a subdirectory or a file would
/// go: `up` refuses, and nothing in the symlinks' targets is written or
/// removed.
#[test]
fn up_never_writes_or_deletes_through_a_symlink_in_etc_netns() {
    require_root!();
    let run = lab_script(
        r#"
cat > lf.toml <<'T'
schema = 1
name = "lf"
[nodes.a]
etc = { "hosts" = "127.0.0.1 a\n" }
[nodes.b]
etc = { "sub/hosts" = "127.0.0.1 b\n" }
[nodes.c]
etc = { "hosts" = "127.0.0.1 c\n" }
T
must mkdir -p $H/victim/sub $NETNS_ETC_DIR/lf-b $NETNS_ETC_DIR/lf-c
echo precious > $H/victim/precious
echo victim > $H/victim/hosts
echo victim > $H/victim/sub/hosts
echo victim > $H/victim/target
must ln -s $H/victim $NETNS_ETC_DIR/lf-a
must ln -s $H/victim/sub $NETNS_ETC_DIR/lf-b/sub
must ln -s $H/victim/target $NETNS_ETC_DIR/lf-c/hosts
r up $NETNS up lf.toml
r victim sh -c "cd $H/victim && ls -R && cat precious hosts sub/hosts target"
r ns $IP netns list
"#,
    )
    .run();
    let up = run.get("up");
    run.check(up.rc == 1, "up fails");
    run.check(up.err().contains("/tmp/.h/etc/lf-a is a symlink"), "the symlinked directory");
    run.check(up.err().contains("/tmp/.h/etc/lf-b/sub is a symlink"), "the symlinked subdirectory");
    run.check(up.err().contains("/tmp/.h/etc/lf-c/hosts is a symlink"), "the symlinked file");
    run.expect(
        "victim",
        0,
        ".:\nhosts\nprecious\nsub\ntarget\n\n./sub:\nhosts\nprecious\nvictim\nvictim\nvictim\n",
        "",
    );
    run.expect("ns", 0, "", "");
}

/// The namespace's directory replaced by a symlink while the lab is up:
/// a later `up` and `down` touch nothing in its target.
#[test]
fn a_symlink_swapped_in_for_the_labs_etc_directory_is_not_followed() {
    require_root!();
    let run = lab_script(&format!(
        r#"{LAB}
must $NETNS up lf.toml >/dev/null
must mkdir $H/victim
echo victim > $H/victim/hosts
must mv $NETNS_ETC_DIR/lf-a $H/moved
must ln -s $H/victim $NETNS_ETC_DIR/lf-a
sed -i '/^etc/d' lf.toml
r up $NETNS up lf.toml
r down $NETNS down lf
r victim cat $H/victim/hosts
"#
    ))
    .run();
    run.expect_rc("up", 0);
    let down = run.get("down");
    run.check(down.rc == 0, "down succeeds");
    run.check(down.err().contains("left alone: /tmp/.h/etc/lf-a: not the directory lab lf made"), "says so");
    run.expect("victim", 0, "victim\n", "");
}

/// A lab directory or etc directory other users can write is refused
/// (a symlink planted there would make root write or remove its target),
/// and so is a symlinked lab directory; nothing is written.
#[test]
fn a_lab_or_etc_directory_others_can_write_is_refused() {
    require_root!();
    let run = lab_script(&format!(
        r#"{LAB}
echo victim > $H/victim
must mkdir -m 1777 /tmp/labs
must ln -s $H/victim /tmp/labs/lf.lock
r open sh -c "NETNS_LAB_DIR=/tmp/labs $NETNS up lf.toml"
r tmp sh -c "NETNS_LAB_DIR=/tmp $NETNS up lf.toml"
must mkdir -m 700 $H/real
must ln -s $H/real /tmp/link
r link sh -c "NETNS_LAB_DIR=/tmp/link $NETNS up lf.toml"
must mkdir -m 777 /tmp/etcw
r etc sh -c "NETNS_ETC_DIR=/tmp/etcw $NETNS up lf.toml"
r victim cat $H/victim
r ns $IP netns list
r down sh -c "NETNS_LAB_DIR=/tmp/labs $NETNS down lf"
r victim2 cat $H/victim
"#
    ))
    .run();
    let open = run.get("open");
    run.check(open.rc == 1, "a world-writable lab dir: refused");
    run.check(
        open.err().contains("NETNS_LAB_DIR /tmp/labs is writable by other users (mode 1777)"),
        "names the directory and the problem",
    );
    run.check(open.err().contains("chmod go-w /tmp/labs"), "and the fix");
    run.check(run.get("tmp").err().contains("NETNS_LAB_DIR /tmp is writable by other users"), "/tmp too");
    run.check(run.get("link").err().contains("NETNS_LAB_DIR /tmp/link is a symlink"), "a symlinked lab dir");
    let etc = run.get("etc");
    run.check(etc.rc == 1, "a world-writable etc dir: refused");
    run.check(etc.err().contains("NETNS_ETC_DIR /tmp/etcw is writable by other users (mode 0777)"), "names it");
    run.expect("victim", 0, "victim\n", "");
    run.expect("ns", 0, "", "");
    run.expect_rc("down", 1);
    run.expect("victim2", 0, "victim\n", "");
}

/// Symlinks planted in the lab's own state directory (the state's
/// temporary file, a process log) are replaced, never written through.
#[test]
fn state_and_logs_are_never_written_through_a_symlink() {
    require_root!();
    let run = lab_script(
        r#"
cat > lf.toml <<'T'
schema = 1
name = "lf"
[nodes.a]
[[nodes.a.run]]
name = "idle"
cmd = ["sleep", "4242"]
T
echo victim1 > $H/victim1
echo victim2 > $H/victim2
must mkdir -p /run/netns-lab/lf
must ln -s $H/victim1 /run/netns-lab/lf/state.json.tmp
must ln -s $H/victim2 /run/netns-lab/lf/a.idle.log
r up $NETNS up lf.toml
r v1 cat $H/victim1
r v2 cat $H/victim2
r down $NETNS down lf
r labdir ls -A /run/netns-lab
"#,
    )
    .run();
    run.expect_rc("up", 0);
    run.expect("v1", 0, "victim1\n", "");
    run.expect("v2", 0, "victim2\n", "");
    run.expect_rc("down", 0);
    run.expect("labdir", 0, "", "");
}

/// `down LAB` of a directory in the lab directory that netns never made
/// (no state of the lab in it) removes nothing there and says so; files
/// someone added to a real lab's state directory stay too.
#[test]
fn down_leaves_a_lab_directory_netns_did_not_make() {
    require_root!();
    let run = lab_script(&format!(
        r#"{LAB}
must mkdir -p /run/netns-lab/foo
echo keep > /run/netns-lab/foo/notes
r down1 $NETNS down foo
r foo cat /run/netns-lab/foo/notes
must $NETNS up lf.toml >/dev/null
echo mine > /run/netns-lab/lf/notes
r down2 $NETNS down lf
r lf ls -A /run/netns-lab/lf
must mkdir $H/victim
echo victim > $H/victim/state.json
must ln -s $H/victim /run/netns-lab/bar
r down3 $NETNS down bar
r bar sh -c "test -L /run/netns-lab/bar && cat $H/victim/state.json"
"#
    ))
    .run();
    let d1 = run.get("down1");
    run.check(d1.rc == 0, "down succeeds");
    run.check(
        d1.err().contains("left alone: /run/netns-lab/foo: it holds no state of lab foo, so netns did not make it"),
        "says what it left",
    );
    run.expect("foo", 0, "keep\n", "");
    let d2 = run.get("down2");
    run.check(d2.rc == 0, "down succeeds");
    run.check(d2.err().contains("left alone: /run/netns-lab/lf/notes: lab lf did not make it"), "says so");
    run.expect("lf", 0, "notes\n", "");
    let d3 = run.get("down3");
    run.check(d3.rc == 0, "down succeeds");
    run.check(d3.err().contains("left alone: /run/netns-lab/bar: not a directory netns made"), "a symlink: said so");
    run.expect("bar", 0, "victim\n", "");
}

/// A namespace of the lab's name taken over by someone else: `down`
/// leaves it and its /etc/netns files alone.
#[test]
fn down_leaves_the_etc_files_of_a_taken_over_namespace() {
    require_root!();
    let run = lab_script(&format!(
        r#"{LAB}
must $NETNS up lf.toml >/dev/null
must $IP netns del lf-a
must $IP netns add lf-a
r down $NETNS down lf
r etc cat $NETNS_ETC_DIR/lf-a/hosts
must $IP netns del lf-a
"#
    ))
    .run();
    let down = run.get("down");
    run.check(down.rc == 0, "down succeeds");
    run.check(down.err().contains("left alone: lf-a: not made by a netns lab"), "the namespace");
    run.check(
        down.err().contains("left alone: /tmp/.h/etc/lf-a: namespace lf-a is not lab lf's any more"),
        "its files",
    );
    run.expect("etc", 0, "127.0.0.1 a\n", "");
}

/// `graph FILE -o FILE` (or another path to the same file) never replaces
/// the lab file; an output path that is a symlink is replaced, not
/// followed.
#[test]
fn graph_refuses_to_overwrite_its_own_lab_file() {
    require_root!();
    let run = crate::support::script(&format!(
        r#"{LAB}
must cp lf.toml before
must ln lf.toml hard.toml
must mkdir d
r same $NETNS graph lf.toml -o lf.toml
r dots $NETNS graph lf.toml -o d/../lf.toml
r hard $NETNS graph lf.toml -o hard.toml
r diff cmp lf.toml before
echo victim > $H/victim
must ln -s $H/victim out.txt
r out $NETNS graph lf.toml -o out.txt
r victim cat $H/victim
r link sh -c "test -L out.txt && echo link || echo file"
"#
    ))
    .run();
    let same = run.get("same");
    run.check(same.rc == 1, "refused");
    run.check(same.err().contains("\"lf.toml\" is the lab file itself; not overwriting it"), "says why");
    run.expect_rc("dots", 1);
    run.expect_rc("hard", 1);
    run.expect("diff", 0, "", "");
    run.expect("out", 0, "", "");
    run.expect("victim", 0, "victim\n", "");
    run.expect("link", 0, "file\n", "");
}

/// A lab directory that is not a directory is named, with the problem.
#[test]
fn a_lab_dir_that_is_not_a_directory_is_named() {
    require_root!();
    let run = lab_script(&format!(
        r#"{LAB}
r up sh -c "NETNS_LAB_DIR=/dev/null $NETNS up lf.toml"
r down sh -c "NETNS_LAB_DIR=/dev/null $NETNS down lf"
"#
    ))
    .run();
    for label in ["up", "down"] {
        let r = run.get(label);
        run.check(r.rc == 1, "fails");
        run.check(r.err().contains("NETNS_LAB_DIR /dev/null is not a directory"), "names the directory and problem");
    }
}

/// A state written by a netns that did not list the lab's files (`etc`
/// set, no list): `down` removes only the files the lab file lists whose
/// content is what the lab wrote, and leaves the rest, saying so.
#[test]
fn down_of_an_older_state_removes_only_files_that_match_the_lab() {
    require_root!();
    let run = lab_script(
        r#"
cat > lf.toml <<'T'
schema = 1
name = "lf"
[nodes.a]
etc = { "hosts" = "127.0.0.1 a\n", "hostname" = "a\n" }
T
must $NETNS up lf.toml >/dev/null
python3 - /run/netns-lab/lf/state.json <<'P' || die "cannot rewrite the state"
import json, sys
s = json.load(open(sys.argv[1]))
for r in s["namespaces"]:
    r.pop("etc_files", None); r.pop("etc_dirs", None); r["etc"] = True
json.dump(s, open(sys.argv[1], "w"))
P
echo changed > $NETNS_ETC_DIR/lf-a/hostname
echo 'nameserver 192.0.2.53' > $NETNS_ETC_DIR/lf-a/resolv.conf
r down $NETNS down lf.toml
r ls ls $NETNS_ETC_DIR/lf-a
"#,
    )
    .run();
    let down = run.get("down");
    run.check(down.rc == 0, "down succeeds");
    run.check(down.err().contains("left alone: /tmp/.h/etc/lf-a/hostname: lab lf did not make it"), "changed file");
    run.check(down.err().contains("left alone: /tmp/.h/etc/lf-a/resolv.conf: lab lf did not make it"), "admin's file");
    run.expect("ls", 0, "hostname\nresolv.conf\n", "");
}

/// A run directory other users can write is refused by `up` and `down`
/// (a name planted there could be swapped between the check and the use).
#[test]
fn a_run_directory_others_can_write_is_refused() {
    require_root!();
    let run = lab_script(&format!(
        r#"{LAB}
must mkdir -m 1777 /tmp/runw
r up sh -c "NETNS_RUN_DIR=/tmp/runw $NETNS up lf.toml"
r down sh -c "NETNS_RUN_DIR=/tmp/runw $NETNS down lf"
r ls ls -A /tmp/runw
"#
    ))
    .run();
    for label in ["up", "down"] {
        let r = run.get(label);
        run.check(r.rc == 1, "refused");
        run.check(r.err().contains("NETNS_RUN_DIR /tmp/runw is writable by other users (mode 1777)"), "names it");
    }
    run.expect("ls", 0, "", "");
}
