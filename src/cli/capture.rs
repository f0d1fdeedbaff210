//! `netns capture TARGET… [-w FILE|-] [-c COUNT] [--duration D] [FILTER]`.

use super::{Code, Ctx, Exit, Status};
use crate::capture::{self, Limits, OpenError, Output, Stop, Tap, Target, filter};
use crate::lab::state::LabDir;
use crate::namespace::NetNs;
use crate::rundir::NsName;
use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use std::ffi::OsString;
use std::fs::File;
use std::io::IsTerminal;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::time::Duration;

const USAGE: &str = "Usage: netns capture TARGET… [-w FILE|-] [-c COUNT] [--duration D] [--] [FILTER]\n\
    Capture packets on interfaces in any namespaces at once, natively (nothing\n\
    runs inside; no tcpdump needed). TARGET is NS:IF (a named namespace and one\n\
    of its interfaces), LAB NODE:IF, or LAB NODE for all the node's interfaces\n\
    but lo. -w FILE writes one pcapng file with an interface per target, named\n\
    NS/IF; -w - streams it to standard output (wireshark -k -i -, tcpdump -r -).\n\
    Without -w, one line per packet. -c stops after COUNT packets, --duration\n\
    after D (10, 10s, 500ms, 2m); Ctrl-C stops it cleanly. FILTER is a tcpdump\n\
    expression (icmp, arp, tcp port 80, …), run by the kernel. Needs root.";

/// The longest capture `--duration` accepts: one week.
const MAX_DURATION: Duration = Duration::from_secs(7 * 86_400);
/// The most targets one command opens (a socket each).
const MAX_TARGETS: usize = 512;

fn usage(msg: Option<String>) -> Status {
    if let Some(m) = msg {
        eprintln!("netns capture: {m}");
    }
    eprintln!("{USAGE}");
    Err(Exit::FAILURE)
}

/// `10`, `10s`, `500ms`, `2m`, `1h`, `1.5s`.
fn parse_duration(s: &str) -> Option<Duration> {
    let (num, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let scale = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return None,
    };
    let v: f64 = num.parse().ok().filter(|v: &f64| v.is_finite() && *v > 0.0)?;
    Duration::try_from_secs_f64(v * scale).ok().filter(|d| *d <= MAX_DURATION)
}

/// One interface asked for: namespace name, interface, and the name the
/// user gave the namespace (`NS` or `LAB NODE`) for messages.
struct Want {
    ns: String,
    ifname: Option<String>,
    shown: String,
}

struct Args {
    wants: Vec<Want>,
    write: Option<OsString>,
    limits: Limits,
    filter: Vec<String>,
}

fn valid_ifname(s: &str) -> bool {
    !s.is_empty()
        && s.len() < 16
        && s != "."
        && s != ".."
        && !s.bytes().any(|b| b == b'/' || b == b':' || b.is_ascii_whitespace() || b == 0)
}

fn parse(args: &[OsString]) -> Result<Args, Status> {
    let mut a = Args { wants: Vec::new(), write: None, limits: Limits::default(), filter: Vec::new() };
    let labs = LabDir::from_env();
    let mut it = args.iter().peekable();
    while let Some(w) = it.next() {
        let s = w.to_string_lossy();
        if !a.filter.is_empty() {
            a.filter.push(s.into_owned());
            continue;
        }
        match w.as_bytes() {
            b"-w" => {
                let Some(v) = it.next() else {
                    return Err(usage(Some("-w needs a file name, or - for standard output".into())));
                };
                a.write = Some(v.clone());
            }
            b"-c" => {
                let Some(v) = it.next() else { return Err(usage(Some("-c needs a packet count".into()))) };
                match v.to_str().and_then(|v| v.parse::<u64>().ok()).filter(|n| *n > 0) {
                    Some(n) => a.limits.count = Some(n),
                    None => return Err(usage(Some(format!("-c: \"{}\" is not a packet count", v.to_string_lossy())))),
                }
            }
            b"--duration" | b"-duration" => {
                let Some(v) = it.next() else {
                    return Err(usage(Some("--duration needs a time (10s, 500ms, 2m)".into())));
                };
                match v.to_str().and_then(parse_duration) {
                    Some(d) => a.limits.duration = Some(d),
                    None => {
                        return Err(usage(Some(format!(
                            "--duration: \"{}\" is not a time up to a week (10, 10s, 500ms, 2m, 1h)",
                            v.to_string_lossy()
                        ))));
                    }
                }
            }
            b"-h" | b"--help" | b"help" => return Err(usage(None)),
            b"--" => {
                a.filter.extend(it.by_ref().map(|w| w.to_string_lossy().into_owned()));
                break;
            }
            [b'-', ..] => return Err(usage(Some(format!("unknown option \"{s}\"")))),
            _ if s.contains(':') => {
                // NS:IF; an interface name never holds a colon.
                let (ns, ifname) = s.rsplit_once(':').unwrap_or_default();
                if !valid_ifname(ifname) {
                    return Err(usage(Some(format!("\"{s}\": \"{ifname}\" is not an interface name"))));
                }
                a.wants.push(Want { ns: ns.to_string(), ifname: Some(ifname.to_string()), shown: ns.to_string() });
            }
            _ => match labs.read(&s) {
                // LAB NODE or LAB NODE:IF.
                Some(state) => {
                    let Some(node_word) = it.next() else {
                        return Err(usage(Some(format!("lab {s}: a node name must follow (LAB NODE or LAB NODE:IF)"))));
                    };
                    let node_word = node_word.to_string_lossy();
                    let (node, ifname) = match node_word.rsplit_once(':') {
                        Some((n, i)) if valid_ifname(i) => (n, Some(i.to_string())),
                        Some((_, i)) => {
                            return Err(usage(Some(format!("\"{node_word}\": \"{i}\" is not an interface name"))));
                        }
                        None => (&*node_word, None),
                    };
                    let Some(rec) = state.namespaces.iter().find(|r| r.node == node) else {
                        let nodes: Vec<&str> = state.namespaces.iter().map(|r| r.node.as_str()).collect();
                        eprintln!("netns capture: lab {s} has no node {node} (its nodes: {})", nodes.join(" "));
                        return Err(Ok(Code::FAILED));
                    };
                    a.wants.push(Want { ns: rec.ns.clone(), ifname, shown: format!("lab {s} node {node}") });
                }
                // The first word that is no target starts the filter.
                None if !a.wants.is_empty() => a.filter.push(s.into_owned()),
                None => {
                    return Err(usage(Some(format!(
                        "\"{s}\" is no target: give NS:IF, LAB NODE or LAB NODE:IF (no lab \"{s}\" is up) before the filter"
                    ))));
                }
            },
        }
    }
    if a.wants.is_empty() {
        return Err(usage(Some("no target: give NS:IF, LAB NODE or LAB NODE:IF".into())));
    }
    Ok(a)
}

/// The named namespace, opened and checked.
fn open_ns(ctx: &Ctx, want: &Want) -> Result<NetNs, String> {
    let name = NsName::existing(&want.ns).map_err(|e| format!("{}: {e}", want.shown))?;
    let path = ctx.run.entry(&name);
    match NetNs::open_path(&path) {
        Ok(ns) if ns.is_network_namespace() => Ok(ns),
        Ok(_) => Err(format!("namespace \"{name}\" is not a network namespace ({} is a stale name)", path.display())),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Err(format!("namespace \"{name}\" does not exist")),
        Err(e) => Err(format!("cannot open namespace \"{name}\": {}", crate::sys::io_text(&e))),
    }
}

/// The interface names of a namespace, lo excluded when `skip_lo`.
fn interfaces(ns: &NetNs, skip_lo: bool) -> Result<Vec<String>, String> {
    let mut nl = ns.netlink().map_err(|e| e.to_string())?;
    let mut links = nl.link_counters().map_err(|e| e.to_string())?;
    links.sort_by_key(|l| l.index);
    Ok(links.into_iter().map(|l| l.name).filter(|n| !(skip_lo && n == "lo")).collect())
}

fn open_error(label: &str, ns: &NetNs, ifname: &str, e: OpenError) -> String {
    match e {
        OpenError::NoInterface => {
            let list = interfaces(ns, false).map(|l| l.join(" ")).unwrap_or_default();
            format!("{label}: no interface \"{ifname}\" in that namespace (its interfaces: {list})")
        }
        OpenError::UnsupportedLink(t) => {
            format!("{label}: hardware type {t} is not one capture knows (Ethernet, loopback, raw IP)")
        }
        OpenError::Sys(step, e) if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES)) => {
            format!(
                "{label}: {step}: {}: capturing needs root (CAP_NET_RAW and CAP_SYS_ADMIN)",
                crate::sys::io_text(&e)
            )
        }
        OpenError::Sys(step, e) => format!("{label}: {step}: {}", crate::sys::io_text(&e)),
    }
}

/// Open every target's socket; the first failure ends the command.
fn open_targets(ctx: &Ctx, wants: &[Want]) -> Result<Vec<Target>, String> {
    let mut out: Vec<Target> = Vec::new();
    for want in wants {
        let ns = open_ns(ctx, want)?;
        let names = match &want.ifname {
            Some(i) => vec![i.clone()],
            None => {
                let l =
                    interfaces(&ns, true).map_err(|e| format!("{}: cannot list its interfaces: {e}", want.shown))?;
                if l.is_empty() {
                    return Err(format!("{} (namespace {}) has no interface but lo", want.shown, want.ns));
                }
                l
            }
        };
        for ifname in names {
            let label = format!("{}/{ifname}", want.ns);
            if out.iter().any(|t| t.label == label) {
                continue;
            }
            if out.len() >= MAX_TARGETS {
                return Err(format!("more than {MAX_TARGETS} interfaces: capture fewer at once"));
            }
            let tap = Tap::open(&ns, &ifname).map_err(|e| open_error(&label, &ns, &ifname, e))?;
            out.push(Target { label, tap });
        }
    }
    Ok(out)
}

/// Open FILE for writing: never through a symlink; an existing regular
/// file is truncated as tcpdump does, unless it has other hard links
/// (writing would change a file elsewhere); a FIFO or character device is
/// written as it is.
fn open_output(path: &OsString) -> Result<File, String> {
    let shown = path.to_string_lossy();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .mode(0o644)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => format!("{shown} is a symbolic link: not followed (write to its target's own path)"),
            Some(libc::EISDIR) => format!("{shown} is a directory"),
            _ => format!("cannot open {shown}: {}", crate::sys::io_text(&e)),
        })?;
    let meta = file.metadata().map_err(|e| format!("{shown}: {}", crate::sys::io_text(&e)))?;
    let ft = meta.file_type();
    if ft.is_file() {
        if meta.nlink() > 1 {
            return Err(format!("{shown} has {} hard links: not overwritten (remove it first)", meta.nlink()));
        }
        file.set_len(0).map_err(|e| format!("cannot truncate {shown}: {}", crate::sys::io_text(&e)))?;
    } else if !(ft.is_fifo() || ft.is_char_device()) {
        return Err(format!("{shown} is not a regular file, FIFO or character device"));
    }
    Ok(file)
}

/// Block the signals that stop a capture and read them from a descriptor
/// in the poll set instead, so that they end it between two packets.
fn stop_signals() -> nix::Result<SignalFd> {
    let mut set = SigSet::empty();
    for s in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        set.add(s);
    }
    pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), None)?;
    SignalFd::with_flags(&set, SfdFlags::SFD_CLOEXEC | SfdFlags::SFD_NONBLOCK)
}

/// Run `capture ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let a = match parse(args) {
        Ok(a) => a,
        Err(status) => return status,
    };
    // libpcap, loaded only for a filter and before anything is opened: a
    // machine without it still captures without one.
    let expr = a.filter.join(" ");
    let compiler = if expr.is_empty() {
        None
    } else {
        match filter::Compiler::load() {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("netns capture: {e}");
                return Ok(Code::FAILED);
            }
        }
    };
    let targets = match open_targets(ctx, &a.wants) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("netns capture: {e}");
            return Ok(Code::FAILED);
        }
    };
    // The filter, compiled once per link type, attached before binding.
    let mut programs: Vec<(i32, filter::Program)> = Vec::new();
    if let Some(compiler) = &compiler {
        for t in &targets {
            let dlt = t.tap.kind.dlt;
            if !programs.iter().any(|(d, _)| *d == dlt) {
                match compiler.compile(&expr, dlt) {
                    Ok(p) => programs.push((dlt, p)),
                    Err(e) => {
                        eprintln!("netns capture: filter \"{expr}\": {e}");
                        return Ok(Code::FAILED);
                    }
                }
            }
            let program = programs.iter().find(|(d, _)| *d == dlt).map(|(_, p)| p);
            if let Some(p) = program
                && let Err(OpenError::Sys(step, e)) = t.tap.attach(p)
            {
                eprintln!("netns capture: {}: {step}: {}", t.label, crate::sys::io_text(&e));
                return Ok(Code::FAILED);
            }
        }
    }
    let mut file;
    let stdout = std::io::stdout();
    let mut lock;
    ctx.flush();
    let out = match &a.write {
        Some(p) if p.as_bytes() == b"-" => {
            if stdout.is_terminal() {
                eprintln!(
                    "netns capture: -w -: standard output is a terminal; pipe it (| wireshark -k -i -, | tcpdump -r -) or drop -w for one line per packet"
                );
                return Ok(Code::FAILED);
            }
            lock = stdout.lock();
            Output::Pcapng { w: &mut lock, flush_each: true, snaplen: snaplen(&expr) }
        }
        Some(p) => {
            file = match open_output(p) {
                Ok(f) => std::io::BufWriter::with_capacity(1 << 16, f),
                Err(e) => {
                    eprintln!("netns capture: {e}");
                    return Ok(Code::FAILED);
                }
            };
            Output::Pcapng { w: &mut file, flush_each: false, snaplen: snaplen(&expr) }
        }
        None => {
            lock = stdout.lock();
            Output::Summary(&mut lock)
        }
    };
    let stop = match stop_signals() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("netns capture: cannot set up signal handling: {e}");
            return Ok(Code::FAILED);
        }
    };
    for t in &targets {
        if let Err(OpenError::Sys(step, e)) = t.tap.start(capture::RCVBUF) {
            eprintln!("netns capture: {}: {step}: {}", t.label, crate::sys::io_text(&e));
            return Ok(Code::FAILED);
        }
    }
    let labels: Vec<&str> = targets.iter().map(|t| t.label.as_str()).collect();
    eprintln!("netns capture: listening on {}", labels.join(", "));
    let report = match capture::run(&targets, out, a.limits, stop.as_fd()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("netns capture: writing the output: {}", crate::sys::io_text(&e));
            return Ok(Code::FAILED);
        }
    };
    for e in &report.errors {
        eprintln!("netns capture: {e}");
    }
    if report.stop == Stop::NoInterfaces {
        eprintln!("netns capture: every interface went away");
    }
    eprintln!("{} packet{} captured", report.captured, plural(report.captured));
    eprintln!("{} packet{} received by filter", report.received, plural(report.received));
    eprintln!("{} packet{} dropped by kernel", report.dropped, plural(report.dropped));
    if report.errors.is_empty() { Ok(Code::SUCCESS) } else { Ok(Code::FAILED) }
}

fn snaplen(expr: &str) -> u32 {
    if expr.is_empty() { capture::SNAPLEN as u32 } else { capture::FILTER_SNAPLEN as u32 }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10"), Some(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        for bad in ["", "0", "-1", "10x", "s", "8d", "1e400", "NaN"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(parse_duration("169h"), None);
    }

    #[test]
    fn interface_names() {
        assert!(valid_ifname("eth0") && valid_ifname("veth-a.10"));
        for bad in ["", "a/b", "a:b", "a b", "0123456789abcdef", ".", ".."] {
            assert!(!valid_ifname(bad), "{bad}");
        }
    }

    #[test]
    fn targets_then_filter() {
        let words = |s: &str| s.split(' ').map(OsString::from).collect::<Vec<_>>();
        let a = parse(&words("a:eth0 b:veth1 -c 5 icmp or arp")).ok().unwrap();
        assert_eq!(a.wants.len(), 2);
        assert_eq!((a.wants[1].ns.as_str(), a.wants[1].ifname.as_deref()), ("b", Some("veth1")));
        assert_eq!(a.filter.join(" "), "icmp or arp");
        assert_eq!(a.limits.count, Some(5));
        // After the filter starts, every word is the filter's.
        let a = parse(&words("a:eth0 -- host fe80::1")).ok().unwrap();
        assert_eq!((a.wants.len(), a.filter.join(" ")), (1, "host fe80::1".to_string()));
        assert!(parse(&words("icmp")).is_err());
        assert!(parse(&words("a:eth0 -c 0")).is_err());
    }
}
