//! The engine against the real kernel, in scratch namespaces that live only
//! as long as the descriptors these tests hold (no names, no mounts, nothing
//! in the root namespace). They need root.

use super::*;
use crate::rundir::fresh_namespace_on_this_thread;
use std::process::Command;

/// A scratch network namespace, alive while this value is.
struct Scratch {
    fd: OwnedFd,
}

impl Scratch {
    fn new() -> Scratch {
        let fd = std::thread::spawn(fresh_namespace_on_this_thread).join().unwrap().expect("unshare(CLONE_NEWNET)");
        let s = Scratch { fd };
        // No duplicate address detection: link-local addresses are usable
        // at once, so neighbour discovery works from the first probe.
        s.sh("echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad; ip link set lo up");
        s
    }

    /// A path to the namespace that this process and its children can
    /// open (root may open another process's descriptors).
    fn path(&self) -> PathBuf {
        PathBuf::from(format!("/proc/{}/fd/{}", std::process::id(), self.fd.as_raw_fd()))
    }

    fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        NetNs::open_path(self.path()).unwrap().run(f).unwrap()
    }

    /// Run a shell command inside (a child forked from a thread inside
    /// inherits its namespace).
    fn sh(&self, cmd: &str) {
        let full = format!("PATH=/usr/sbin:/sbin:/usr/bin:/bin; set -e; {cmd}");
        let st = self.run(|| Command::new("sh").arg("-c").arg(&full).status().unwrap());
        assert!(st.success(), "failed in a scratch namespace: {cmd}");
    }
}

/// `a ── r ── b`: a is 10.9.1.1 / fd09:1::1, b is 10.9.2.1 / fd09:2::1,
/// r forwards between them (10.9.1.254, 10.9.2.254, fd09:1::fe, fd09:2::fe).
struct Lab {
    a: Scratch,
    r: Scratch,
    b: Scratch,
}

fn lab() -> Lab {
    let (a, r, b) = (Scratch::new(), Scratch::new(), Scratch::new());
    a.sh(&format!(
        "ip link add eth0 type veth peer name a0 netns {r}
         ip addr add 10.9.1.1/24 dev eth0; ip -6 addr add fd09:1::1/64 dev eth0 nodad
         ip link set eth0 up
         ip route add default via 10.9.1.254; ip -6 route add default via fd09:1::fe",
        r = r.path().display()
    ));
    b.sh(&format!(
        "ip link add eth0 type veth peer name b0 netns {r}
         ip addr add 10.9.2.1/24 dev eth0; ip -6 addr add fd09:2::1/64 dev eth0 nodad
         ip link set eth0 up
         ip route add default via 10.9.2.254; ip -6 route add default via fd09:2::fe",
        r = r.path().display()
    ));
    r.sh("ip addr add 10.9.1.254/24 dev a0; ip -6 addr add fd09:1::fe/64 dev a0 nodad; ip link set a0 up
          ip addr add 10.9.2.254/24 dev b0; ip -6 addr add fd09:2::fe/64 dev b0 nodad; ip link set b0 up
          echo 1 > /proc/sys/net/ipv4/ip_forward; echo 1 > /proc/sys/net/ipv6/conf/all/forwarding
          # Routers limit their ICMP errors per destination host (about
          # six in a burst, then one a second); labs turn that off.
          echo 0 > /proc/sys/net/ipv4/icmp_ratelimit; echo 0 > /proc/sys/net/ipv6/icmp/ratelimit");
    // A veth passes packets only once the kernel has seen its carrier come
    // up (the link watcher runs up to a second later): wait for that.
    // Brief output, because iproute2's full `link show` names the peer's
    // namespace by opening every file in /run/netns, and would wait for
    // ever on a FIFO some other program left there.
    for ns in [&a, &r, &b] {
        ns.sh("n=0; while ip -br link show | awk '$1 != \"lo\" && $2 != \"UP\" { f = 1 } END { exit !f }'; do
                 n=$((n + 1)); [ $n -lt 300 ] || exit 1; sleep 0.01; done");
    }
    Lab { a, r, b }
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// CPU time the calling thread has used.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into the struct we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[test]
fn icmp_reaches_across_a_router_and_traces_the_path() {
    require_root!();
    let lab = lab();
    let probes = [
        Probe::new(lab.a.path(), ip("10.9.2.1"), Proto::Icmp).with_path(),
        Probe::new(lab.a.path(), ip("10.9.1.254"), Proto::Icmp).with_path(),
        Probe::new(lab.b.path(), ip("fd09:1::1"), Proto::Icmp).with_path(),
        Probe::new(lab.a.path(), ip("127.0.0.1"), Proto::Icmp),
        // Unanswered: the run lasts until the timeout.
        Probe::new(lab.a.path(), ip("10.9.2.99"), Proto::Udp(9)),
    ];
    let cpu = thread_cpu_time();
    let out = run_all(&probes, &Opts::default());
    let cpu = thread_cpu_time() - cpu;
    // The loop sleeps in poll while it waits (finished traces once made it spin).
    assert!(cpu < Duration::from_millis(300), "the engine used {cpu:?} of CPU time");
    assert_eq!(out[4].detail, "no answer");
    for o in &out[..4] {
        assert!(o.reached, "{out:#?}");
        assert!(o.rtt_ms.is_some_and(|r| r > 0.0 && r < 500.0), "{out:#?}");
    }
    assert_eq!(out[0].detail, "reply from 10.9.2.1");
    assert_eq!(out[0].hops, vec![ip("10.9.1.254")]);
    assert_eq!(out[1].hops, Vec::<IpAddr>::new());
    assert_eq!(out[2].hops, vec![ip("fd09:2::fe")]);
}

#[test]
fn unreachable_destinations_fail_with_the_reason_and_wait_once() {
    require_root!();
    let lab = lab();
    let lonely = Scratch::new(); // only lo: no route anywhere
    lab.r.sh("ip route add unreachable 10.9.3.0/24; ip route add prohibit 10.9.4.0/24");
    lab.r.sh("nft add table inet t; nft add chain inet t f '{ type filter hook forward priority 0; }';
              nft add rule inet t f ip daddr 10.9.2.1 icmp type echo-request drop");
    let probes = [
        Probe::new(lab.a.path(), ip("10.9.3.1"), Proto::Icmp),
        Probe::new(lab.a.path(), ip("10.9.4.1"), Proto::Icmp),
        Probe::new(lonely.path(), ip("10.9.2.1"), Proto::Icmp),
        Probe::new(lab.a.path(), ip("10.9.2.1"), Proto::Icmp),
        Probe::new("/nonexistent/namespace", ip("10.9.2.1"), Proto::Icmp),
        // From another host: a router's budget for "unreachable" is per
        // destination host, even with the ICMP rate limit off.
        Probe::new(lab.b.path(), ip("10.9.3.1"), Proto::Icmp).with_path(),
    ];
    let t0 = Instant::now();
    let out = run_all(&probes, &Opts::default());
    let took = t0.elapsed();
    assert!(out.iter().all(|o| !o.reached && o.rtt_ms.is_none()), "{out:#?}");
    assert_eq!(out[0].detail, "host unreachable (from 10.9.1.254)");
    assert_eq!(out[1].detail, "communication administratively prohibited (from 10.9.1.254)");
    assert_eq!(out[2].detail, "network unreachable");
    assert_eq!(out[3].detail, "timeout");
    assert!(out[4].detail.starts_with("cannot open namespace /nonexistent/namespace: "), "{}", out[4].detail);
    assert!(!out[4].ran && out.iter().filter(|o| o.ran).count() == 5, "only the missing namespace did not run");
    assert_eq!(out[5].hops, vec![ip("10.9.2.254")], "the refusing router ends the path");
    // Only the silently dropped one waits, and only for the one timeout.
    assert!(took < Duration::from_millis(5000), "took {took:?}");
    assert!(took >= Duration::from_millis(1000), "took {took:?}");
}

#[test]
fn tcp_connects_or_is_refused() {
    require_root!();
    let lab = lab();
    let listener = lab.b.run(|| std::net::TcpListener::bind("0.0.0.0:8080").unwrap());
    let listener6 = lab.b.run(|| std::net::TcpListener::bind("[::]:8086").unwrap());
    lab.r.sh("nft add table inet t; nft add chain inet t f '{ type filter hook forward priority 0; }';
              nft add rule inet t f tcp dport 8082 drop");
    let probes = [
        Probe::new(lab.a.path(), ip("10.9.2.1"), Proto::Tcp(8080)),
        Probe::new(lab.a.path(), ip("10.9.2.1"), Proto::Tcp(8081)),
        Probe::new(lab.a.path(), ip("fd09:2::1"), Proto::Tcp(8086)).with_path(),
        Probe::new(lab.a.path(), ip("10.9.2.1"), Proto::Tcp(8082)),
    ];
    let out = run_all(&probes, &Opts { timeout: Duration::from_millis(300), ..Opts::default() });
    assert!(out[0].reached && out[0].rtt_ms.is_some(), "{out:#?}");
    assert_eq!(out[0].detail, "connected to 10.9.2.1:8080");
    assert!(!out[1].reached);
    assert_eq!(out[1].detail, "connection refused");
    assert!(out[2].reached, "{out:#?}");
    assert_eq!(out[2].detail, "connected to [fd09:2::1]:8086");
    assert_eq!(out[2].hops, vec![ip("fd09:1::fe")]);
    assert!(!out[3].reached);
    assert_eq!(out[3].detail, "timeout");
    // The connection was really made (and closed).
    listener.set_nonblocking(true).unwrap();
    assert!(listener.accept().is_ok());
    drop(listener6);
}

#[test]
fn udp_gets_an_answer_or_port_unreachable() {
    require_root!();
    let lab = lab();
    let server = lab.b.run(|| std::net::UdpSocket::bind("0.0.0.0:5353").unwrap());
    server.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let echo = std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        let (n, peer) = server.recv_from(&mut buf).unwrap();
        server.send_to(&buf[..n], peer).unwrap();
        buf[..n].to_vec()
    });
    let probes = [
        Probe::new(lab.a.path(), ip("10.9.2.1"), Proto::Udp(5353)),
        Probe::new(lab.a.path(), ip("10.9.2.1"), Proto::Udp(5354)),
        Probe::new(lab.a.path(), ip("10.9.1.254"), Proto::Udp(9)),
    ];
    let out = run_all(&probes, &Opts { timeout: Duration::from_millis(300), ..Opts::default() });
    assert_eq!(echo.join().unwrap(), b"netns-probe\n");
    assert!(out[0].reached, "{out:#?}");
    assert_eq!(out[0].detail, "answer from 10.9.2.1:5353");
    assert!(!out[1].reached);
    assert_eq!(out[1].detail, "port unreachable");
    assert_eq!(out[2].detail, "port unreachable");
}

#[test]
fn a_thousand_icmp_probes_finish_together() {
    require_root!();
    let lab = lab();
    let mut probes = Vec::new();
    for i in 0..1000 {
        let (src, dst) = match i % 4 {
            0 => (&lab.a, "10.9.2.1"),
            1 => (&lab.b, "10.9.1.1"),
            2 => (&lab.a, "fd09:2::1"),
            _ => (&lab.r, "10.9.2.1"),
        };
        probes.push(Probe::new(src.path(), ip(dst), Proto::Icmp));
    }
    // And a few that get no answer: they must not add up.
    for _ in 0..20 {
        probes.push(Probe::new(lab.a.path(), ip("10.9.2.77"), Proto::Icmp));
    }
    let t0 = Instant::now();
    let out = run_all(&probes, &Opts::default());
    let took = t0.elapsed();
    let reached = out.iter().filter(|o| o.reached).count();
    assert_eq!(reached, 1000, "{:#?}", out.iter().filter(|o| !o.reached).take(5).collect::<Vec<_>>());
    assert!(out[1000..].iter().all(|o| o.detail == "timeout"));
    // The speed target itself is measured by bench/labs.sh, not here.
    eprintln!("1020 probes took {took:?}");
}
