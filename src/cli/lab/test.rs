//! `netns test FILE [-j] [--timeout MS] [--wait DURATION] [--junit OUT]`:
//! check every `[[expect]]` of a running lab from inside its namespaces,
//! all probes at once, and print a pass/fail table (or JSON). With
//! `--wait`, failing expectations are probed again until they pass or the
//! deadline passes, and each one's convergence time is reported. With
//! `--junit`, the results are also written as JUnit XML. Exit status 0
//! when every expectation holds, 1 otherwise.

use super::LabCode;
use crate::cli::{Code, Ctx, Status};
use crate::lab::ids::NodeId;
use crate::lab::model::{Expect, Lab, Proto};
use crate::lab::probe::{self, Outcome, Probe};
use crate::rundir::RunDir;
use std::collections::HashMap;
use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const USAGE: &str = "Usage: netns test FILE [-j] [--timeout MS] [--wait DURATION] [--junit OUT]\n\
                     Checks every [[expect]] of the running lab in FILE from inside its namespaces (ICMP echo,\n\
                     tcp:PORT connect, udp:PORT answer; rtt bounds; routers on the path), all at once.\n\
                     Exit status 0 when all pass, 1 when any fails. -j prints JSON; --timeout bounds each\n\
                     round of probes (default 1000 ms); --wait DURATION (30s, 500ms, 2m) probes failing\n\
                     expectations again until they pass or DURATION has passed, and reports how long each\n\
                     took to pass; --junit OUT also writes the results as JUnit XML to OUT.";

/// The longest `--wait`.
const MAX_WAIT: Duration = Duration::from_secs(3600);

/// `--wait` values: a duration as lab files write them ("30s", "500ms",
/// "2m"), or a bare number of seconds; more than nothing, at most
/// [`MAX_WAIT`].
fn parse_wait(v: &str) -> Option<Duration> {
    let us = crate::lab::parse::units::duration_or_seconds_us(v).ok()?;
    (us > 0 && u128::from(us) <= MAX_WAIT.as_micros()).then(|| Duration::from_micros(us))
}

/// How `test` runs, beyond the lab itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct TestOpts {
    /// `-j`.
    pub json: bool,
    /// Per round of probes.
    pub timeout: Duration,
    /// `--wait`: retry failing expectations for this long.
    pub wait: Option<Duration>,
    /// `--junit`: write JUnit XML here.
    pub junit: Option<PathBuf>,
}

fn usage(msg: Option<String>) -> Status {
    super::usage_error("test", USAGE, msg)
}

/// Run `netns test ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    // `netns -j test FILE` means JSON, as `-j` does for every other command.
    let mut json = ctx.opts.json;
    let mut timeout = Duration::from_secs(1);
    let mut wait = None;
    let mut junit = None;
    let path = match super::file_and_options(args, &usage, &mut |opt| match opt.key {
        "-j" | "--json" | "-json" => {
            json = true;
            Ok(true)
        }
        "--wait" | "-w" => {
            let v = opt.value().ok_or("--wait needs a duration, e.g. 30s")?;
            wait = Some(parse_wait(&v).ok_or_else(|| {
                format!("--wait \"{v}\": expected a duration such as 30s, 500ms or 2m, at most 1 hour")
            })?);
            Ok(true)
        }
        "--junit" => {
            let v = opt.value().ok_or("--junit needs a file name")?;
            if v.is_empty() {
                return Err("--junit needs a file name".to_string());
            }
            junit = Some(PathBuf::from(v));
            Ok(true)
        }
        "--timeout" | "-t" => {
            let v = opt.value().ok_or("--timeout needs a number of milliseconds")?;
            match v.parse::<u64>() {
                Ok(ms) if ms > 0 && ms <= 600_000 => {
                    timeout = Duration::from_millis(ms);
                    Ok(true)
                }
                _ => Err(format!("--timeout \"{v}\": expected milliseconds, 1 to 600000")),
            }
        }
        _ => Ok(false),
    }) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let lab = match super::load_or_report(&path) {
        Ok((_, lab)) => lab,
        Err(status) => return status,
    };
    Ok(test_lab(ctx, &lab, &path, &TestOpts { json, timeout, wait, junit }))
}

/// Check the expectations of `lab` (read from `file`), print the table or
/// (with `json`) the JSON list, and return the exit status:
/// [`Code::SUCCESS`] when all pass, [`LabCode::UNMET`] otherwise.
/// `up --test` can call this after building the lab.
pub(crate) fn test_lab(ctx: &mut Ctx, lab: &Lab, file: &str, t: &TestOpts) -> i32 {
    let json = t.json;
    let results = check_until(lab, &ctx.run, t, file);
    if let Some(out) = &t.junit
        && let Err(e) = write_junit(out, lab, &results)
    {
        eprintln!("netns test: cannot write {}: {e}", out.display());
        return LabCode::FAILED;
    }
    if json {
        // Field order as documented: a struct, not a (sorted) JSON map.
        let list: Vec<JsonResult> = results.iter().map(|r| r.json(lab)).collect();
        let text = if ctx.opts.pretty { serde_json::to_string_pretty(&list) } else { serde_json::to_string(&list) }
            .expect("plain data always serialises");
        ctx.write(text.as_bytes());
        ctx.write(b"\n");
    } else {
        let text = render(lab, &results);
        ctx.write(text.as_bytes());
    }
    let denied = |r: &Checked| r.outcome.as_ref().is_some_and(|o| !o.ran && o.detail.contains("not permitted"));
    if results.iter().any(denied) {
        eprintln!("netns test: probing needs CAP_SYS_ADMIN and CAP_NET_RAW: run it as root");
    }
    if results.iter().all(|r| r.pass) { Code::SUCCESS } else { LabCode::UNMET }
}

/// One expectation and what the probes found.
#[derive(Debug, Clone)]
pub(crate) struct Checked<'a> {
    /// The expectation.
    pub expect: &'a Expect,
    /// What the probe saw (`None`: not probed, see `detail`).
    pub outcome: Option<Outcome>,
    /// The expectation holds.
    pub pass: bool,
    /// Why it failed, or what was seen when it passed.
    pub detail: String,
    /// The hops as node names where an address belongs to a node.
    pub hops: Vec<String>,
    /// From the start of `test` until the expectation held (its
    /// convergence time), when it did.
    pub took: Option<Duration>,
    /// Probe rounds run for it.
    pub rounds: u32,
}

/// Probe every expectation; with `--wait`, probe the failing ones again
/// until they pass or the deadline passes. Rounds that end at once (an
/// unreachable route) are spaced 50 ms apart.
fn check_until<'a>(lab: &'a Lab, run: &RunDir, t: &TestOpts, file: &str) -> Vec<Checked<'a>> {
    let start = Instant::now();
    let deadline = t.wait.map(|w| start + w);
    // The same for every round: built once.
    let owners = address_owners(lab);
    let round = |which: &[&'a Expect], timeout: Duration| {
        let began = start.elapsed();
        let opts = probe::Opts { timeout, ..probe::Opts::default() };
        let mut out = check_these(lab, &owners, which, run, &opts, file);
        for c in &mut out {
            c.rounds = 1;
            if c.pass {
                c.took = Some(began + c.outcome.as_ref().map_or(Duration::ZERO, |o| o.took));
            }
        }
        out
    };
    let all: Vec<&Expect> = lab.expects.iter().collect();
    let mut results = round(&all, t.timeout);
    let Some(deadline) = deadline else { return results };
    loop {
        let failing: Vec<usize> = (0..results.len()).filter(|&i| !results[i].pass).collect();
        let now = Instant::now();
        if failing.is_empty() || now >= deadline {
            return results;
        }
        let began = Instant::now();
        let which: Vec<&Expect> = failing.iter().map(|&i| results[i].expect).collect();
        let timeout = t.timeout.min(deadline - now).max(Duration::from_millis(1));
        for (i, mut c) in failing.iter().copied().zip(round(&which, timeout)) {
            c.rounds += results[i].rounds;
            results[i] = c;
        }
        let pause = Duration::from_millis(50).saturating_sub(began.elapsed());
        std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
    }
}

/// Probe these expectations of `lab` (running, its namespaces under
/// `run`) at once and judge each, naming routers on a path by `owners`
/// ([`address_owners`]). `file` is named in the hint when the lab is not up.
fn check_these<'a>(
    lab: &'a Lab,
    owners: &HashMap<IpAddr, NodeId>,
    expects: &[&'a Expect],
    run: &RunDir,
    opts: &probe::Opts,
    file: &str,
) -> Vec<Checked<'a>> {
    let mut probes = Vec::new();
    let mut slot = Vec::new();
    for e in expects.iter().copied() {
        let ns = &lab.nodes[e.from].ns;
        let src = crate::rundir::NsName::existing(ns).map(|n| run.entry(&n));
        if let Some(src) = src.ok().filter(|p| p.exists()) {
            slot.push(Some(probes.len()));
            let p = Probe::new(src, e.to, e.proto).with_ttl(e.ttl.unwrap_or(probe::DEFAULT_TTL));
            probes.push(if e.path.is_empty() { p } else { p.with_path() });
        } else {
            slot.push(None);
        }
    }
    let mut outcomes: Vec<Option<Outcome>> = probe::run_all(&probes, opts).into_iter().map(Some).collect();
    expects
        .iter()
        .copied()
        .zip(slot)
        .map(|(e, s)| match s.and_then(|i| outcomes[i].take()) {
            None => Checked {
                expect: e,
                outcome: None,
                pass: false,
                detail: format!(
                    "namespace {} does not exist (is the lab up? run `netns up {file}`)",
                    lab.nodes[e.from].ns
                ),
                hops: Vec::new(),
                took: None,
                rounds: 0,
            },
            Some(o) => judge(lab, owners, e, o),
        })
        .collect()
}

/// Every address of every node (interfaces and loopback) → the node.
fn address_owners(lab: &Lab) -> HashMap<IpAddr, NodeId> {
    let mut m = HashMap::new();
    for (i, n) in lab.nodes.iter_enumerated() {
        for a in n.interfaces.iter().flat_map(|f| f.addrs.iter()).chain(n.loopback.iter()) {
            m.entry(a.addr()).or_insert(i);
        }
    }
    m
}

fn judge<'a>(lab: &Lab, owners: &HashMap<IpAddr, NodeId>, e: &'a Expect, o: Outcome) -> Checked<'a> {
    let hop_nodes: Vec<Option<NodeId>> = o.hops.iter().map(|h| owners.get(h).copied()).collect();
    let hops: Vec<String> = o
        .hops
        .iter()
        .zip(&hop_nodes)
        .map(|(a, n)| n.map_or_else(|| a.to_string(), |n| lab.nodes[n].name.clone()))
        .collect();
    let (pass, detail) = if !o.ran {
        // Not knowing is never a pass, not even for `reach = false`.
        (false, format!("cannot probe: {}", o.detail))
    } else if o.reached != e.reach {
        let wanted = if e.reach { "expected reach" } else { "expected unreachable" };
        (false, format!("{wanted}, got {}", o.detail))
    } else if !o.reached {
        (true, format!("unreachable ({})", o.detail))
    } else if let Some((lo, hi)) = e.rtt_ms
        && !o.rtt_ms.is_some_and(|r| r >= lo && r <= hi)
    {
        let seen = o.rtt_ms.map_or("no round trip measured".to_string(), |r| format!("rtt {} ms", ms(r)));
        (false, format!("{seen} outside [{lo}, {hi}] ms"))
    } else if !contains_in_order(&hop_nodes, &e.path) {
        let want: Vec<&str> = e.path.iter().map(|&n| lab.nodes[n].name.as_str()).collect();
        let got = if hops.is_empty() { "no router answered".to_string() } else { hops.join(" ") };
        (false, format!("expected path {}, got {got}", want.join(" ")))
    } else {
        let mut d = String::from("reach");
        if let Some(r) = o.rtt_ms {
            d.push_str(&format!("  rtt {} ms", ms(r)));
        }
        if !e.path.is_empty() || !hops.is_empty() {
            d.push_str(&format!("  path {}", hops.join(" ")));
        }
        (true, d)
    };
    let mut detail = detail;
    if let Some(note) = loop_evidence(&hops) {
        detail.push_str(&note);
    }
    // Silence from a far node: its answer may have run out of hops.
    if !pass
        && o.ran
        && !o.reached
        && matches!(o.detail.as_str(), "timeout" | "no answer")
        && let Some(&to) = owners.get(&e.to)
        && let Some(note) = crate::lab::hops::answer_dies_note(lab, e.from, to, e.to.is_ipv6())
    {
        detail.push_str(&note);
    }
    Checked { expect: e, outcome: Some(o), pass, detail, hops, took: None, rounds: 0 }
}

/// A router that answers twice on one traced path is a routing loop.
fn loop_evidence(hops: &[String]) -> Option<String> {
    for (i, h) in hops.iter().enumerate() {
        if let Some(j) = hops[i + 1..].iter().position(|x| x == h) {
            return Some(format!(" (routing loop: {h} answers at hops {} and {})", i + 1, i + j + 2));
        }
    }
    None
}

/// Do the routers `want` appear among `hops`, in this order (others may
/// come between them)?
fn contains_in_order(hops: &[Option<NodeId>], want: &[NodeId]) -> bool {
    let mut rest = want.iter().peekable();
    for h in hops.iter().flatten() {
        if rest.peek() == Some(&h) {
            rest.next();
        }
    }
    rest.peek().is_none()
}

/// A round trip in milliseconds, with the digits that matter.
fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else if v >= 0.1 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn proto_text(p: Proto) -> String {
    match p {
        Proto::Icmp => "icmp".into(),
        Proto::Tcp(port) => format!("tcp:{port}"),
        Proto::Udp(port) => format!("udp:{port}"),
    }
}

/// `h2 (10.0.3.10)` when a node is named, else just the address.
fn target_text(e: &Expect) -> String {
    if e.to_text.parse::<IpAddr>().ok() == Some(e.to) { e.to.to_string() } else { format!("{} ({})", e.to_text, e.to) }
}

/// One expectation in `-j` output.
#[derive(serde::Serialize)]
struct JsonResult<'a> {
    from: &'a str,
    to: &'a str,
    to_addr: String,
    proto: String,
    expect: JsonExpect<'a>,
    reached: bool,
    rtt_ms: Option<f64>,
    hops: &'a [String],
    pass: bool,
    /// What the probe saw (`reply from …`, `timeout`, …).
    detail: &'a str,
    /// The judgement in words, as the table prints it.
    verdict: &'a str,
    /// Seconds from the start of `test` until the expectation held (its
    /// convergence time under `--wait`); `null` when it did not.
    took_s: Option<f64>,
    /// Rounds of probes it took (more than 1 only under `--wait`).
    rounds: u32,
}

/// What was expected, in `-j` output.
#[derive(serde::Serialize)]
struct JsonExpect<'a> {
    reach: bool,
    rtt_ms: Option<[f64; 2]>,
    path: Vec<&'a str>,
}

impl Checked<'_> {
    fn json<'l>(&'l self, lab: &'l Lab) -> JsonResult<'l> {
        let e = self.expect;
        JsonResult {
            from: &lab.nodes[e.from].name,
            to: &e.to_text,
            to_addr: e.to.to_string(),
            proto: proto_text(e.proto),
            expect: JsonExpect {
                reach: e.reach,
                rtt_ms: e.rtt_ms.map(|(lo, hi)| [lo, hi]),
                path: e.path.iter().map(|&n| lab.nodes[n].name.as_str()).collect(),
            },
            reached: self.outcome.as_ref().is_some_and(|o| o.reached),
            rtt_ms: self.outcome.as_ref().and_then(|o| o.rtt_ms),
            hops: &self.hops,
            pass: self.pass,
            detail: self.outcome.as_ref().map_or(self.detail.as_str(), |o| o.detail.as_str()),
            verdict: &self.detail,
            took_s: self.took.map(|d| d.as_secs_f64()),
            rounds: self.rounds,
        }
    }
}

/// The table: one line per expectation, a from × to matrix when there are
/// two sources or more, and the count.
pub(crate) fn render(lab: &Lab, results: &[Checked]) -> String {
    let mut out = String::new();
    for r in results {
        let e = r.expect;
        let after = match r.took {
            Some(d) if r.rounds > 1 => format!("  passed after {}", seconds(d)),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{}  {} → {} {} {}{after}\n",
            if r.pass { "PASS" } else { "FAIL" },
            lab.nodes[e.from].name,
            target_text(e),
            proto_text(e.proto),
            r.detail
        ));
    }
    let mut sources: Vec<NodeId> = Vec::new();
    let mut targets: Vec<&str> = Vec::new();
    for r in results {
        if !sources.contains(&r.expect.from) {
            sources.push(r.expect.from);
        }
        if !targets.contains(&r.expect.to_text.as_str()) {
            targets.push(&r.expect.to_text);
        }
    }
    if sources.len() >= 2 {
        out.push('\n');
        out.push_str(&matrix(lab, results, &sources, &targets));
    }
    let failed = results.iter().filter(|r| !r.pass).count();
    out.push_str(&format!("\n{} passed, {failed} failed\n", results.len() - failed));
    if let Some(note) = neighbour_table_note(results) {
        out.push_str(&note);
    }
    out
}

/// Many probes that timed out are often not the lab's fault: the kernel's
/// neighbour (ARP/ND) table is shared by every namespace and holds 1024
/// entries (`gc_thresh3`, a root-namespace sysctl); a burst of probes in one
/// flat segment needs an entry per (source, destination) pair and side.
fn neighbour_table_note(results: &[Checked]) -> Option<String> {
    let timeouts = results
        .iter()
        .filter(|r| !r.pass && r.outcome.as_ref().is_some_and(|o| o.ran && !o.reached && o.detail.contains("timeout")))
        .count();
    let table = std::fs::read_to_string("/proc/sys/net/ipv4/neigh/default/gc_thresh3").ok()?;
    let limit: usize = table.trim().parse().ok()?;
    (timeouts > 0 && results.len() * 2 > limit).then(|| {
        format!(
            "note: {timeouts} probe(s) timed out. {} expectations may need more than the {limit} neighbour \
             entries the kernel keeps for all namespaces together (net.ipv4.neigh.default.gc_thresh3); \
             dmesg says \"neighbor table overflow\" when that happens. Route between segments, or test fewer pairs.\n",
            results.len()
        )
    })
}

/// A duration for people: "0.84 s", "12.3 s".
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 10.0 { format!("{s:.1} s") } else { format!("{s:.2} s") }
}

/// Text for XML character data and attribute values: markup characters
/// escaped, characters XML 1.0 does not allow replaced by U+FFFD.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The results as JUnit XML: one `testsuite` named after the lab, one
/// `testcase` per expectation (`h1 → h2 (10.0.2.10) icmp`), its time the
/// convergence time when it passed, a `failure` with the verdict when not.
pub(crate) fn junit(lab: &Lab, results: &[Checked]) -> String {
    let failures = results.iter().filter(|r| !r.pass).count();
    let total: f64 = results.iter().map(|r| r.took.unwrap_or_default().as_secs_f64()).fold(0.0, f64::max);
    let name = xml_escape(&lab.name);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"netns test\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{total:.3}\">\n",
        results.len()
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{total:.3}\">\n",
        results.len()
    ));
    for r in results {
        let e = r.expect;
        let case = format!("{} → {} {}", lab.nodes[e.from].name, target_text(e), proto_text(e.proto));
        let time = r.took.or(r.outcome.as_ref().map(|o| o.took)).unwrap_or_default().as_secs_f64();
        out.push_str(&format!("    <testcase classname=\"{name}\" name=\"{}\" time=\"{time:.3}\"", xml_escape(&case)));
        if r.pass {
            out.push_str(&format!(">\n      <system-out>{}</system-out>\n    </testcase>\n", xml_escape(&r.detail)));
        } else {
            let d = xml_escape(&r.detail);
            out.push_str(&format!(">\n      <failure message=\"{d}\" type=\"unmet\">{d}</failure>\n    </testcase>\n"));
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Write the JUnit XML to `path`: a regular file or a new one, replaced
/// whole (a fresh file renamed over it), so a symbolic link, FIFO or device
/// there is never opened, someone else's file is never written through, and
/// a failed write leaves the old one.
fn write_junit(path: &std::path::Path, lab: &Lab, results: &[Checked]) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => return Err(std::io::Error::other("not a regular file")),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    crate::lab::files::write_atomic(path, junit(lab, results).as_bytes())
}

/// Rows: sources; columns: destinations as written. A cell holds one mark
/// per expectation: ✔ reached, ✘ not reached, followed by `!` when that
/// expectation failed; `·` where nothing is expected.
fn matrix(lab: &Lab, results: &[Checked], sources: &[NodeId], targets: &[&str]) -> String {
    let cell = |from: NodeId, to: &str| -> String {
        let marks: String = results
            .iter()
            .filter(|r| r.expect.from == from && r.expect.to_text == to)
            .map(|r| {
                let seen = if r.outcome.as_ref().is_some_and(|o| o.reached) { "✔" } else { "✘" };
                if r.pass { seen.to_string() } else { format!("{seen}!") }
            })
            .collect();
        if marks.is_empty() { "·".to_string() } else { marks }
    };
    let width = |s: &str| s.chars().count();
    let first = sources.iter().map(|&s| width(&lab.nodes[s].name)).max().unwrap_or(0).max(width("from \\ to"));
    let cols: Vec<usize> =
        targets.iter().map(|t| sources.iter().map(|&s| width(&cell(s, t))).max().unwrap_or(1).max(width(t))).collect();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    let mut out = pad("from \\ to", first);
    for (t, w) in targets.iter().zip(&cols) {
        out.push_str("  ");
        out.push_str(&pad(t, *w));
    }
    out = out.trim_end().to_string();
    out.push('\n');
    for &s in sources {
        let mut line = pad(&lab.nodes[s].name, first);
        for (t, w) in targets.iter().zip(&cols) {
            line.push_str("  ");
            line.push_str(&pad(&cell(s, t), *w));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_check_wants_the_routers_in_order_with_others_between() {
        let [n1, n2, n3, n4] = [1, 2, 3, 4].map(NodeId::new);
        let hops = [Some(n1), None, Some(n2), Some(n3)];
        assert!(contains_in_order(&hops, &[n1, n3]));
        assert!(contains_in_order(&hops, &[n1, n2, n3]));
        assert!(contains_in_order(&hops, &[]));
        assert!(!contains_in_order(&hops, &[n3, n1]));
        assert!(!contains_in_order(&hops, &[n4]));
    }

    #[test]
    fn wait_durations() {
        assert_eq!(parse_wait("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_wait("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_wait("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_wait("5"), Some(Duration::from_secs(5)));
        assert_eq!(parse_wait("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_wait("60m"), Some(MAX_WAIT));
        for bad in ["", "0", "0ms", "-1s", "3h", "2hours", "7200s", "61m", "1e9", "5 parsecs"] {
            assert_eq!(parse_wait(bad), None, "{bad}");
        }
    }

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(xml_escape("a<b>&\"c'\u{1b}[2J\n"), "a&lt;b&gt;&amp;&quot;c&apos;\u{fffd}[2J&#10;");
    }

    #[test]
    fn a_loop_is_two_answers_from_one_router() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(loop_evidence(&h(&["r1", "r2", "r3"])), None);
        assert_eq!(
            loop_evidence(&h(&["r1", "r2", "r3", "r2"])).as_deref(),
            Some(" (routing loop: r2 answers at hops 2 and 4)")
        );
    }

    #[test]
    fn round_trips_keep_the_digits_that_matter() {
        assert_eq!(ms(0.0812), "0.081");
        assert_eq!(ms(0.5), "0.50");
        assert_eq!(ms(12.345), "12.3");
        assert_eq!(ms(150.4), "150");
    }
}
