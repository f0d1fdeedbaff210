//! The kernel-facing building blocks of `lab up`, end to end against the
//! real kernel: NAT and firewall rules from `lab::nft`, shaping from
//! `Netlink::tbf_replace`, sysctls from `lab::sysctl`, and the feature check
//! of `lab::features`.
//!
//! There is no command line for these pieces yet, so the tests drive the
//! library directly. Every namespace here is private and unnamed: made by
//! `unshare` on a scratch thread and kept alive by its descriptor only
//! (its path is `/proc/self/fd/N`), so it vanishes when the test ends and
//! nothing outside the test ever sees it. Traffic only flows between these
//! namespaces.

use netns::NetNs;
use netns::lab::model::{Allow, Firewall, Nat, NatKind, Node};
use netns::lab::{nft, sysctl};
use netns::netlink::link_ops::{LinkKind, LinkSpec, LinkWrite, NsTarget};
use netns::netlink::qdisc::NetemConfig;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// A private network namespace, alive as long as this value.
struct Scratch {
    fd: OwnedFd,
    ns: NetNs,
}

impl Scratch {
    fn new() -> Scratch {
        let fd = std::thread::spawn(|| netns::rundir::fresh_namespace_on_this_thread().expect("unshare: run as root"))
            .join()
            .unwrap();
        let ns = NetNs::open_path(format!("/proc/self/fd/{}", fd.as_raw_fd())).unwrap();
        Scratch { fd, ns }
    }

    fn path(&self) -> PathBuf {
        self.ns.path().to_path_buf()
    }

    /// Run a shell script inside the namespace (`ip`, `tc` from iproute2),
    /// in a mount namespace of its own with an empty /run/netns: iproute2
    /// opens every name there to print a peer's namespace, and the host's
    /// names (a FIFO among them, on a CI host) are none of this test's
    /// business.
    fn sh(&self, script: &str) -> String {
        const PRIVATE_RUN_DIR: &str =
            "if [ -d /run/netns ]; then mount -t tmpfs netns-test /run/netns; fi; eval \"$1\"";
        let out = self
            .ns
            .run(|| {
                Command::new("unshare")
                    .args(["--mount", "--propagation", "private", "sh", "-ec", PRIVATE_RUN_DIR, "sh", script])
                    .output()
                    .unwrap()
            })
            .unwrap();
        assert!(out.status.success(), "{script}\n{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A veth pair: `name` here, `peer_name` in `peer`.
    fn veth(&self, name: &str, peer: &Scratch, peer_name: &str) {
        let mut nl = self.ns.netlink().unwrap();
        let peer_spec = LinkSpec {
            name: Some(peer_name.as_bytes().to_vec()),
            netns: Some(NsTarget::Fd(peer.fd.as_fd())),
            ..LinkSpec::default()
        };
        let spec = LinkSpec {
            name: Some(name.as_bytes().to_vec()),
            kind: Some(LinkKind::Veth { peer: Some(Box::new(peer_spec)) }),
            ..LinkSpec::default()
        };
        nl.link_write(&spec, LinkWrite::Create).unwrap();
    }
}

/// client (10.0.0.2) — eth0 router eth1 — server (192.0.2.2), the
/// router's forwarding turned on with `lab::sysctl`.
fn topology() -> (Scratch, Scratch, Scratch) {
    let (client, router, server) = (Scratch::new(), Scratch::new(), Scratch::new());
    router.veth("eth0", &client, "eth0");
    router.veth("eth1", &server, "eth0");
    client.sh(
        "ip link set lo up; ip link set eth0 up; ip addr add 10.0.0.2/24 dev eth0; ip route add default via 10.0.0.1",
    );
    server.sh(
        "ip link set lo up; ip link set eth0 up; ip addr add 192.0.2.2/24 dev eth0; ip route add default via 192.0.2.1",
    );
    router.sh("ip link set lo up; ip link set eth0 up; ip link set eth1 up;
         ip addr add 10.0.0.1/24 dev eth0; ip addr add 192.0.2.1/24 dev eth1");
    let changed = sysctl::apply(&router.ns, &[("net.ipv4.ip_forward".into(), "1".into())]).unwrap();
    assert_eq!(changed, vec![("net.ipv4.ip_forward".into(), "0".into(), "1".into())]);
    (client, router, server)
}

/// Accept one connection on `addr` inside `ns`; the peer address seen and
/// the bytes received are returned by the join handle.
fn serve_once(ns: &Scratch, addr: &str) -> std::thread::JoinHandle<Option<(SocketAddr, usize)>> {
    let addr: SocketAddr = addr.parse().unwrap();
    let listener = ns.ns.run(move || TcpListener::bind(addr).unwrap()).unwrap();
    listener.set_nonblocking(false).unwrap();
    std::thread::spawn(move || {
        // The listener is in the server's namespace whatever thread accepts.
        let (mut s, peer) = listener.accept().ok()?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).ok()?;
        Some((peer, buf.len()))
    })
}

/// Connect from inside `ns` and send `bytes` bytes; true when it worked.
fn send_from(ns: &Scratch, to: &str, bytes: usize) -> bool {
    let to: SocketAddr = to.parse().unwrap();
    ns.ns
        .run(move || {
            let Ok(mut s) = TcpStream::connect_timeout(&to, Duration::from_millis(500)) else { return false };
            s.write_all(&vec![7u8; bytes]).is_ok()
        })
        .unwrap()
}

fn nat(kind: NatKind) -> Nat {
    Nat { kind, iif: None, oif: None, src: None, dst: None, proto: None, dport: None, to: None, span: 0..0 }
}

#[test]
fn masquerade_hides_the_client_behind_the_router() {
    require_root!();
    let (client, router, server) = topology();
    // Without NAT the server sees the client itself.
    let seen = serve_once(&server, "192.0.2.2:8080");
    assert!(send_from(&client, "192.0.2.2:8080", 10));
    assert_eq!(seen.join().unwrap().unwrap().0.ip().to_string(), "10.0.0.2");

    let node = Node {
        nat: vec![Nat {
            oif: Some("eth1".into()),
            src: Some("10.0.0.0/24".parse().unwrap()),
            ..nat(NatKind::Masquerade)
        }],
        ..Node::default()
    };
    nft::apply(&router.path(), &nft::ruleset(&node).unwrap().unwrap()).unwrap();
    let listed = nft::current(&router.path()).unwrap().unwrap();
    assert!(listed.contains("oifname \"eth1\" ip saddr 10.0.0.0/24 masquerade"), "{listed}");
    let seen = serve_once(&server, "192.0.2.2:8081");
    assert!(send_from(&client, "192.0.2.2:8081", 10));
    assert_eq!(seen.join().unwrap().unwrap().0.ip().to_string(), "192.0.2.1");

    // snat to another address of the router replaces the table as a whole.
    router.sh("ip addr add 192.0.2.9/24 dev eth1");
    let node = Node {
        nat: vec![Nat {
            oif: Some("eth1".into()),
            src: Some("10.0.0.2/32".parse().unwrap()),
            to: Some(("192.0.2.9".parse().unwrap(), None)),
            ..nat(NatKind::Snat)
        }],
        ..Node::default()
    };
    nft::apply(&router.path(), &nft::ruleset(&node).unwrap().unwrap()).unwrap();
    let listed = nft::current(&router.path()).unwrap().unwrap();
    assert!(!listed.contains("masquerade"), "{listed}");
    let seen = serve_once(&server, "192.0.2.2:8082");
    assert!(send_from(&client, "192.0.2.2:8082", 10));
    assert_eq!(seen.join().unwrap().unwrap().0.ip().to_string(), "192.0.2.9");

    nft::remove(&router.path()).unwrap();
    assert_eq!(nft::current(&router.path()).unwrap(), None);
}

#[test]
fn dnat_and_a_drop_firewall() {
    require_root!();
    let (client, router, server) = topology();
    // The server can reach the client only through a port forward on the
    // router's outside address; the forward filter lets only that flow in.
    let node = Node {
        nat: vec![Nat {
            iif: Some("eth1".into()),
            proto: Some("tcp".into()),
            dport: Some(8080),
            to: Some(("10.0.0.2".parse().unwrap(), Some(80))),
            ..nat(NatKind::Dnat)
        }],
        firewall: Some(Firewall {
            forward_accept: false,
            allow: vec![Allow {
                iif: Some("eth1".into()),
                oif: Some("eth0".into()),
                proto: Some("tcp".into()),
                dport: Some(80),
                src: None,
                dst: None,
            }],
            nft: String::new(),
            span: 0..0,
        }),
        ..Node::default()
    };
    nft::apply(&router.path(), &nft::ruleset(&node).unwrap().unwrap()).unwrap();
    let seen = serve_once(&client, "10.0.0.2:80");
    assert!(send_from(&server, "192.0.2.1:8080", 10), "port forward 192.0.2.1:8080 → 10.0.0.2:80 failed");
    assert_eq!(seen.join().unwrap().unwrap().0.ip().to_string(), "192.0.2.2");
    // A flow the firewall does not allow is dropped (the connection times out).
    let _blocked = serve_once(&client, "10.0.0.2:81");
    assert!(!send_from(&server, "10.0.0.2:81", 10), "the forward policy drop let port 81 through");
}

#[test]
fn tbf_shapes_what_crosses_the_link() {
    require_root!();
    let (client, router, server) = topology();
    // Not from `ip link show`: its listing opens every name in the host's
    // /run/netns to name the peer's namespace, and waits forever on a FIFO
    // there (scripts/debris.sh leaves one while the suite runs).
    let ifindex = router.ns.run(|| nix::net::if_::if_nametoindex("eth1")).unwrap().unwrap();
    let mut nl = router.ns.netlink().unwrap();
    nl.tbf_replace(ifindex, 20_000_000, None, None).unwrap();
    let shown = router.sh("tc qdisc show dev eth1");
    assert!(shown.contains("tbf 1: root") && shown.contains("rate 20Mbit"), "{shown}");
    assert_eq!(nl.qdisc_root(ifindex).unwrap().unwrap().tbf.map(|t| t.rate_bps), Some(20_000_000));

    // 2.5 MB at 20 Mbit/s takes about a second; unshaped veth does it in
    // milliseconds. Load can only make it slower, so the bound is safe.
    let bytes = 2_500_000;
    let seen = serve_once(&server, "192.0.2.2:9000");
    let t = Instant::now();
    assert!(send_from(&client, "192.0.2.2:9000", bytes));
    assert_eq!(seen.join().unwrap().unwrap().1, bytes);
    let took = t.elapsed();
    assert!(took >= Duration::from_millis(700), "2.5 MB crossed a 20 Mbit/s tbf in {took:?}");

    nl.qdisc_delete_root(ifindex).unwrap();
    assert!(!router.sh("tc qdisc show dev eth1").contains("tbf"));
    // netem is absent from this kernel: the error says so.
    if let Err(e) = nl.netem_replace(ifindex, &NetemConfig { loss: Some(1.0), ..NetemConfig::default() }) {
        assert_eq!(e.to_string(), "Error: this kernel has no netem qdisc (sch_netem).");
    }
}

/// The feature check names a missing `nft` binary. Runs itself again as a
/// child process with `NETNS_NFT` pointing nowhere (the variable is
/// process-wide and other tests here need the real nft).
#[test]
fn missing_nft_binary_is_named() {
    if std::env::var_os("LABS_KERNEL_CHILD").is_some() {
        let mut lab = netns::lab::Lab { name: "t".into(), ..Default::default() };
        lab.nodes.push(Node {
            name: "qrouter-a".into(),
            nat: vec![Nat { span: 7..8, ..nat(NatKind::Masquerade) }],
            ..Node::default()
        });
        let diags = netns::lab::features::missing(&lab).unwrap().expect("check ran");
        let texts: Vec<_> = diags.iter().map(|d| (d.span.clone(), d.message.as_str())).collect();
        assert_eq!(
            texts,
            [(Some(7..8), "nft not found: NAT/firewall on node qrouter-a needs the nftables package (or NETNS_NFT)")]
        );
        let err = nft::apply(std::path::Path::new("/proc/self/ns/net"), "").unwrap_err();
        assert!(matches!(err, nft::NftError::NotFound), "{err:?}");
        assert!(err.to_string().starts_with("nft not found"), "{err}");
        return;
    }
    require_root!();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &test_path("missing_nft_binary_is_named"), "--nocapture"])
        .env("LABS_KERNEL_CHILD", "1")
        .env("NETNS_NFT", "/nonexistent/nft")
        .output()
        .unwrap();
    assert_child_passed(&out);
}

/// Without the privilege to make a namespace, the feature check says it
/// could not run (`Ok(None)`) instead of failing or guessing. Runs itself
/// again as uid 65534 without capabilities.
#[test]
fn unprivileged_feature_check_is_skipped() {
    if std::env::var_os("LABS_KERNEL_CHILD").is_some() {
        let mut lab = netns::lab::Lab { name: "t".into(), ..Default::default() };
        lab.nodes.push(Node { name: "r".into(), nat: vec![nat(NatKind::Masquerade)], ..Node::default() });
        assert_eq!(netns::lab::features::missing(&lab).unwrap(), None);
        return;
    }
    require_root!();
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--"])
        .arg(&exe)
        .args(["--exact", &test_path("unprivileged_feature_check_is_skipped"), "--nocapture"])
        .env("LABS_KERNEL_CHILD", "1")
        .output()
        .unwrap();
    assert_child_passed(&out);
}

/// The name the test harness gives test `name` of this module (the module's
/// path without the crate's name), which `--exact` wants.
fn test_path(name: &str) -> String {
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    format!("{module}::{name}")
}

/// The test re-run in a child process (see above) must have passed.
fn assert_child_passed(out: &std::process::Output) {
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
