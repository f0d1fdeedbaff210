//! The test suite is hermetic: a machine that already has named
//! namespaces, a running lab, `/etc/netns` entries and odd files in its run
//! directory passes it as a clean one does. Each test here plays the host:
//! it makes such debris in its own sandbox, then runs the harness's
//! prelude in a sandbox nested in it (as every test script starts) and
//! looks at what a test would see there.

use crate::support::{prelude, script, sh_quote};

/// The host's debris: two names made by iproute2, one by netns, a lab
/// brought up by netns (`ci-debris.toml`, scripts/debris.sh's lab),
/// an `/etc/netns` entry of a name, and a FIFO in the run directory. `/etc`
/// is an overlay on the private /tmp and `/etc/netns` a tmpfs of its own,
/// so nothing reaches the real ones.
const DEBRIS: &str = r#"
must mkdir /tmp/u /tmp/wk
must mount -t overlay overlay -o lowerdir=/etc,upperdir=/tmp/u,workdir=/tmp/wk /etc
# The real host's /etc/netns entries (scripts/debris.sh's among them, while
# a test run is on) are not this host's.
must mkdir -p /etc/netns
must mount -t tmpfs -o mode=755 tmpfs /etc/netns
must $IP netns add netns-ci-debris-1
must $IP netns add netns-ci-debris-2
must $NETNS add netns-ci-debris-3
must mkdir -p /etc/netns/netns-ci-debris-1
echo 'nameserver 192.0.2.53' >/etc/netns/netns-ci-debris-1/resolv.conf
must $NETNS up ci-debris.toml
must mkfifo /run/netns/netns-ci-debris-fifo
# The nested prelude opens the binary by a path that its own tmpfs /tmp
# does not hide.
must mount -t tmpfs tmpfs /mnt
must touch /mnt/netns
must mount --bind $NETNS /mnt/netns
v host_nsfs "$(nsfs_mounts | wc -l)"
"#;

/// `inner BODY`: run BODY after the harness prelude in a nested sandbox,
/// as a test script runs; what BODY prints to fd 3 (the prelude makes it
/// the script's standard output) comes back.
fn inner(body: &str) -> String {
    format!(
        "PRELUDE_TEXT=$(cat <<'NETNS_PRELUDE_EOF'\n{}\nNETNS_PRELUDE_EOF\n)\n\
         inner() {{ SANDBOX_PROGRAM=/mnt/netns unshare --mount --net --pid --fork --kill-child --mount-proc \
         --propagation private -- bash -c \"$PRELUDE_TEXT\"$'\\n'\"$1\" 2>/dev/null </dev/null; }}\n\
         v inner \"$(inner {})\"\n",
        prelude(),
        sh_quote(body)
    )
}

#[test]
fn a_test_counts_only_the_namespaces_and_mounts_it_made() {
    require_root!();
    let body = r#"
        say() { printf '%s\n' "$*" >&3; }
        say "nsfs: $(nsfs_mounts | wc -l)"
        say "run mounts: $(awk '$5 ~ "^/run/"' /proc/self/mountinfo | wc -l)"
        say "names: $($NETNS list | wc -l) $($IP netns list | wc -l)"
        say "run: $(ls -A /run | grep -vx mount | tr '\n' ' ')"
        say "labs: $($NETNS status | tail -n +2 | wc -l)"
        $NETNS add mine
        say "after add: $(nsfs_mounts | wc -l) $(awk '$5 ~ "^/run/"' /proc/self/mountinfo | wc -l)"
        say "list: $($NETNS list)"
        $NETNS delete mine
        say "after delete: $(nsfs_mounts | wc -l)"
    "#;
    let run = script(&format!("{DEBRIS}{}", inner(body))).fixture("ci-debris.toml").run();
    // The debris is really there for the outer script (names and the lab's).
    let host = run.get("host_nsfs").out();
    run.check(
        host.trim().parse::<u32>().is_ok_and(|n| n >= 5),
        format!("the host's debris must be mounted, got {host}"),
    );
    run.expect(
        "inner",
        0,
        "nsfs: 0\nrun mounts: 0\nnames: 0 0\nrun: \nlabs: 0\nafter add: 1 2\nlist: mine\nafter delete: 0",
        "",
    );
}

/// Every seed of the fuzz corpus (fuzz/corpus/<target>/, reproducers of
/// past failures included) goes through its reader without a panic, in
/// every test run, also where the fuzzer itself is not built.
#[test]
fn every_fuzz_seed_is_read_without_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut seen = 0;
    for target in ["lab_file", "batch_file", "global_options", "netlink_replies", "nftables_dump", "xtables_table"] {
        for entry in std::fs::read_dir(dir.join(target)).expect("the seed corpus is readable") {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            match target {
                "lab_file" => {
                    if let Ok(text) = std::str::from_utf8(&data) {
                        netns::fuzzing::lab_file(text);
                    }
                }
                "batch_file" => {
                    netns::fuzzing::batch_file(&data);
                }
                "global_options" => {
                    let args: Vec<&[u8]> = data.split(|&b| b == 0).collect();
                    netns::fuzzing::global_options(&args);
                }
                "nftables_dump" => {
                    netns::fuzzing::nftables_dump(&data);
                }
                "xtables_table" => {
                    // The seeds are tables captured from the kernel: read whole.
                    assert!(netns::fuzzing::xtables_table(&data).is_some(), "{}", path.display());
                }
                _ => {
                    netns::fuzzing::netlink_replies(&data);
                }
            }
            seen += 1;
        }
    }
    assert!(seen >= 20, "only {seen} seeds found under {}", dir.display());
}
