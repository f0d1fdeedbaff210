//! `netns capture`: packets from two namespaces at once into one pcapng
//! stream, read back by tcpdump and tshark (the interface names, the
//! counts per interface, what the filter kept), streamed through a pipe,
//! shown as lines, taken from a lab node by name, taken where libpcap is
//! missing (no filter then), and the errors a user meets. Every test runs
//! in the sandbox's private namespaces; the traffic is ping between two
//! namespaces the script makes.

use crate::support::{lab_script, script};

/// `a` and `b` joined by a veth (a:v1 10.9.0.1, b:v2 10.9.0.2), without
/// IPv6 addresses so that nothing but the test's traffic crosses it;
/// `listening FILE` waits for a capture's start line in FILE.
const PAIR: &str = r#"
must $NETNS add a
must $NETNS add b
must $IP link add v1 netns a type veth peer name v2 netns b
must $IP -n a link set v1 addrgenmode none
must $IP -n b link set v2 addrgenmode none
must $IP -n a addr add 10.9.0.1/24 dev v1
must $IP -n b addr add 10.9.0.2/24 dev v2
must $IP -n a link set v1 up
must $IP -n b link set v2 up
listening() { wait_for grep -q 'listening on' "$1"; }
"#;

/// Lines of `tshark -T fields` output, split on tabs.
fn fields(out: &str) -> Vec<Vec<String>> {
    out.lines().map(|l| l.split('\t').map(str::to_string).collect()).collect()
}

#[test]
fn two_namespaces_into_one_file_read_back_by_tcpdump_and_tshark_with_filters() {
    require_root!();
    require_program!("tcpdump", "tcpdump");
    require_program!("tshark", "tshark");
    require_program!("ping", "iputils-ping");
    let run = script(&format!(
        "{PAIR}
$NETNS capture a:v1 b:v2 -w icmp.pcapng -c 12 icmp 2>icmp.err &
I=$!
$NETNS capture a:v1 b:v2 -w arp.pcapng --duration 3 arp 2>arp.err &
A=$!
$NETNS capture a:v1 b:v2 -c 16 2>lines.err >lines.out &
L=$!
listening icmp.err; listening arp.err; listening lines.err
must $NETNS exec a ping -c 3 -i 0.2 -W 2 -q 10.9.0.2 >/dev/null
wait $I; v icmp_rc $?
wait $A; v arp_rc $?
wait $L; v lines_rc $?
r icmp_err cat icmp.err
r arp_err cat arp.err
r lines cat lines.out
r tcpdump tcpdump -nn -r icmp.pcapng
r tshark_icmp tshark -r icmp.pcapng -T fields -e frame.interface_name -e icmp.type
r tshark_arp tshark -r arp.pcapng -T fields -e frame.interface_name -e eth.type -e arp.opcode
r capinfos capinfos icmp.pcapng"
    ))
    .timeout(std::time::Duration::from_secs(60))
    .run();
    for l in ["icmp_rc", "arp_rc", "lines_rc"] {
        run.check(run.get(l).out() == "0", format!("{l}: capture exits 0"));
    }
    // tcpdump's closing line, counted as the file holds them.
    let err = run.get("icmp_err").out();
    assert!(err.contains("listening on a/v1, b/v2"), "{err}");
    assert!(err.contains("12 packets captured"), "{err}");
    assert!(err.contains("0 packets dropped by kernel"), "{err}");
    // tcpdump reads the pcapng: 12 ICMP packets, echo requests and replies.
    run.expect_rc("tcpdump", 0);
    let td = run.get("tcpdump").out();
    assert_eq!(td.lines().count(), 12, "{td}");
    assert_eq!(td.lines().filter(|l| l.contains("10.9.0.1 > 10.9.0.2: ICMP echo request")).count(), 6, "{td}");
    assert_eq!(td.lines().filter(|l| l.contains("10.9.0.2 > 10.9.0.1: ICMP echo reply")).count(), 6, "{td}");
    // tshark: each packet's interface is named NS/IF, six on each end, and
    // the icmp filter kept nothing else.
    run.expect_rc("tshark_icmp", 0);
    let rows = fields(&run.get("tshark_icmp").out());
    assert_eq!(rows.len(), 12, "{rows:?}");
    for name in ["a/v1", "b/v2"] {
        let on: Vec<_> = rows.iter().filter(|r| r[0] == name).collect();
        assert_eq!(on.len(), 6, "{name}: {rows:?}");
        assert_eq!(on.iter().filter(|r| r[1] == "8").count(), 3, "{name}: three requests {rows:?}");
        assert_eq!(on.iter().filter(|r| r[1] == "0").count(), 3, "{name}: three replies {rows:?}");
    }
    // capinfos lists both interface blocks, in nanoseconds.
    let ci = run.get("capinfos").out();
    assert!(ci.contains("Name = a/v1") && ci.contains("Name = b/v2"), "{ci}");
    assert!(ci.contains("Time precision = nanoseconds (9)"), "{ci}");
    // The arp filter: ARP only (ethertype 0x0806), a request and a reply
    // seen at each end; stopped by --duration.
    run.expect_rc("tshark_arp", 0);
    let rows = fields(&run.get("tshark_arp").out());
    assert!(rows.len() >= 4, "{rows:?}");
    assert!(rows.iter().all(|r| r[1] == "0x0806"), "only ARP: {rows:?}");
    for name in ["a/v1", "b/v2"] {
        assert!(rows.iter().any(|r| r[0] == name && r[2] == "1"), "{name} request: {rows:?}");
        assert!(rows.iter().any(|r| r[0] == name && r[2] == "2"), "{name} reply: {rows:?}");
    }
    let arp_err = run.get("arp_err").out();
    let captured = format!("{} packets captured", rows.len());
    assert!(arp_err.contains(&captured), "{arp_err} vs {captured}");
    // Without -w: a line per packet, naming where it was seen: all 16 (an
    // ARP exchange and three pings, seen at both ends), the two ends'
    // packets merged in time order.
    let lines = run.get("lines").out();
    assert_eq!(lines.lines().count(), 16, "{lines}");
    let seconds = |l: &str| -> f64 {
        let clock = l.split(' ').next().unwrap_or_default();
        clock.split(':').fold(0.0, |acc, part| acc * 60.0 + part.parse::<f64>().unwrap_or(f64::NAN))
    };
    let times: Vec<f64> = lines.lines().map(seconds).collect();
    // (A capture across midnight starts again at 0.)
    assert!(times.windows(2).all(|w| w[0] <= w[1] || w[0] - w[1] > 43_200.0), "in time order:\n{lines}");
    assert!(lines.lines().any(|l| l.contains(" a/v1 Out 42 ARP who-has 10.9.0.2 tell 10.9.0.1")), "{lines}");
    assert!(lines.lines().any(|l| l.contains(" b/v2 In  42 ARP who-has 10.9.0.2 tell 10.9.0.1")), "{lines}");
    assert!(lines.lines().any(|l| l.contains(" b/v2 Out 42 ARP reply 10.9.0.2 is-at ")), "{lines}");
}

#[test]
fn standard_output_streams_into_tcpdump() {
    require_root!();
    require_program!("tcpdump", "tcpdump");
    require_program!("tshark", "tshark");
    require_program!("ping", "iputils-ping");
    let run = script(&format!(
        "{PAIR}
sh -c \"$NETNS capture a:v1 -w - -c 4 icmp 2>pipe.err | tcpdump -nn -r - >pipe.out 2>pipe.tcpdump\" &
P=$!
listening pipe.err
must $NETNS exec a ping -c 2 -i 0.2 -W 2 -q 10.9.0.2 >/dev/null
wait $P; v rc $?
r out cat pipe.out
r err cat pipe.err
$NETNS capture a:v1 -w int.pcapng icmp 2>int.err &
S=$!
listening int.err
must $NETNS exec a ping -c 2 -i 0.2 -W 2 -q 10.9.0.2 >/dev/null
kill -INT $S; wait $S; v int_rc $?
r int_err cat int.err
r int_tshark tshark -r int.pcapng -T fields -e frame.interface_name -e icmp.type
"
    ))
    .run();
    run.check(run.get("rc").out() == "0", "the pipeline exits 0");
    let out = run.get("out").out();
    assert_eq!(out.lines().count(), 4, "{out}");
    assert_eq!(out.lines().filter(|l| l.contains("ICMP echo request")).count(), 2, "{out}");
    assert_eq!(out.lines().filter(|l| l.contains("ICMP echo reply")).count(), 2, "{out}");
    assert!(run.get("err").out().contains("4 packets captured"), "{}", run.get("err").out());
    // SIGINT ends a capture cleanly: status 0, the closing lines, and a
    // file tshark reads whole.
    run.check(run.get("int_rc").out() == "0", "SIGINT: status 0");
    assert!(run.get("int_err").out().contains("4 packets captured"), "{}", run.get("int_err").out());
    run.expect_rc("int_tshark", 0);
    let rows = fields(&run.get("int_tshark").out());
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows.iter().all(|r| r[0] == "a/v1"), "{rows:?}");
}

#[test]
fn errors_name_the_namespace_the_interface_the_filter_and_the_file() {
    require_root!();
    let run = script(&format!(
        "{PAIR}
r nons $NETNS capture nosuch:eth0 -c 1
r noif $NETNS capture a:v1 a:eth9 -c 1
r badfilter $NETNS capture a:v1 -c 1 icmp and and
r notarget $NETNS capture icmp
ln -s /etc/hostname link.pcapng
r symlink $NETNS capture a:v1 -w link.pcapng -c 1
r tty_free $NETNS capture a:v1 -c 1 --duration 10x
r still cat /etc/hostname
"
    ))
    .run();
    run.expect_rc("nons", 1);
    assert!(run.get("nons").err().contains("namespace \"nosuch\" does not exist"), "{}", run.get("nons").err());
    run.expect_rc("noif", 1);
    let e = run.get("noif").err();
    assert!(e.contains("a/eth9") && e.contains("no interface \"eth9\"") && e.contains("v1"), "{e}");
    run.expect_rc("badfilter", 1);
    let e = run.get("badfilter").err();
    assert!(e.contains("icmp and and") && e.contains("syntax error"), "{e}");
    run.expect_rc("notarget", 255);
    assert!(run.get("notarget").err().contains("\"icmp\" is no target"), "{}", run.get("notarget").err());
    run.expect_rc("symlink", 1);
    assert!(run.get("symlink").err().contains("symbolic link"), "{}", run.get("symlink").err());
    run.expect_rc("tty_free", 255);
    assert!(run.get("tty_free").err().contains("--duration"), "{}", run.get("tty_free").err());
    run.expect_rc("still", 0);
}

#[test]
fn a_lab_node_alone_means_all_its_interfaces() {
    require_root!();
    let lab = r#"schema = 1
name = "capl"
[nodes.r]
kind = "router"
[nodes.h1]
[nodes.h2]
[[links]]
endpoints = ["r:eth0", "h1:eth0"]
addr = [["10.8.1.1/24"], ["10.8.1.2/24"]]
[[links]]
endpoints = ["r:eth1", "h2:eth0"]
addr = [["10.8.2.1/24"], ["10.8.2.2/24"]]
"#;
    let run = lab_script(
        "must $NETNS up cap.toml >/dev/null
r node $NETNS capture capl r --duration 0.3
r one $NETNS capture capl h1:eth0 --duration 0.3
r nonode $NETNS capture capl nosuch
r status $NETNS status capl -j
must $NETNS down capl >/dev/null",
    )
    .file("cap.toml", lab)
    .run();
    run.expect_rc("node", 0);
    let e = run.get("node").err();
    let listen = e.lines().find(|l| l.contains("listening on")).unwrap_or_else(|| panic!("{e}"));
    let ifs: Vec<&str> = listen.rsplit("listening on ").next().unwrap().split(", ").collect();
    assert_eq!(ifs.len(), 2, "eth0 and eth1, not lo: {listen}");
    assert!(ifs[0].ends_with("/eth0") && ifs[1].ends_with("/eth1"), "{listen}");
    run.expect_rc("one", 0);
    assert!(run.get("one").err().contains("/eth0"), "{}", run.get("one").err());
    run.expect_rc("nonode", 1);
    let e = run.get("nonode").err();
    assert!(e.contains("lab capl has no node nosuch") && e.contains("h1"), "{e}");
}

/// Runs its arguments as on a machine without libpcap: in a mount
/// namespace of its own (unshare), every directory the dynamic loader finds
/// libpcap in is overlaid with a whiteout for each `libpcap.so*` file.
const NO_LIBPCAP: &str = r#"set -e
dirs=$(ldconfig -p | sed -n 's/^[[:space:]]*libpcap\.so[^ ]* .*=> \(.*\)\/[^/]*$/\1/p' | xargs -r realpath | sort -u)
[ -n "$dirs" ] || { echo "nolibpcap: no libpcap to hide" >&2; exit 98; }
for d in $dirs; do
    o=$(mktemp -d "$H/nolib.XXXXXX")
    mkdir "$o/up" "$o/work"
    for f in "$d"/libpcap.so*; do mknod "$o/up/${f##*/}" c 0 0; done
    mount -t overlay overlay -o "lowerdir=$d,upperdir=$o/up,workdir=$o/work" "$d"
done
exec "$@"
"#;

#[test]
fn without_libpcap_a_capture_takes_no_filter_and_a_filter_is_refused_before_capturing() {
    require_root!();
    require_program!("tcpdump", "tcpdump");
    require_program!("tshark", "tshark");
    require_program!("ping", "iputils-ping");
    let run = script(&format!(
        "{PAIR}
nolib() {{ unshare --mount --propagation private bash nolibpcap.sh \"$@\"; }}
r hidden nolib tcpdump --version
nolib $NETNS capture a:v1 b:v2 -w plain.pcapng -c 8 2>plain.err &
C=$!
listening plain.err
must $NETNS exec a ping -c 2 -i 0.2 -W 2 -q 10.9.0.2 >/dev/null
wait $C; v plain_rc $?
r plain_err cat plain.err
r plain_tshark tshark -r plain.pcapng -T fields -e frame.interface_name -e eth.type
r filtered nolib $NETNS capture a:v1 -w filtered.pcapng -c 1 icmp
r filtered_file test -e filtered.pcapng
"
    ))
    .file("nolibpcap.sh", NO_LIBPCAP)
    .timeout(std::time::Duration::from_secs(60))
    .run();
    // libpcap is really gone there: tcpdump, linked to it, cannot start.
    let e = run.get("hidden").err();
    assert!(run.get("hidden").rc != 0 && e.contains("libpcap"), "{e}");
    // Without a filter nothing of libpcap is needed: both ends, ARP and
    // ICMP alike, in a file tshark reads.
    run.check(run.get("plain_rc").out() == "0", "a capture without a filter exits 0");
    let err = run.get("plain_err").out();
    assert!(err.contains("listening on a/v1, b/v2") && err.contains("8 packets captured"), "{err}");
    run.expect_rc("plain_tshark", 0);
    let rows = fields(&run.get("plain_tshark").out());
    assert_eq!(rows.len(), 8, "{rows:?}");
    for name in ["a/v1", "b/v2"] {
        assert!(rows.iter().any(|r| r[0] == name && r[1] == "0x0806"), "{name}: ARP {rows:?}");
        assert!(rows.iter().any(|r| r[0] == name && r[1] == "0x0800"), "{name}: IPv4 {rows:?}");
    }
    // A filter fails before anything is opened, saying what to install.
    run.expect_rc("filtered", 1);
    let e = run.get("filtered").err();
    assert!(e.starts_with("netns capture: a FILTER needs libpcap at run time ("), "{e}");
    assert!(e.contains("apt-get install libpcap0.8") && e.contains("capture without a filter"), "{e}");
    assert!(!e.contains("listening"), "{e}");
    run.expect_rc("filtered_file", 1);
}
