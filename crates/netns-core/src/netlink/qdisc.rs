//! Root queueing disciplines: read the one at the root of an interface,
//! shape with `tbf`, impair with `netem`, remove.
//!
//! `netlink-packet-route` models `RTM_*QDISC` messages but neither tbf's nor
//! netem's options, so their `TCA_OPTIONS` payloads are built here by hand,
//! following `include/uapi/linux/pkt_sched.h`:
//!
//! - tbf: a nest holding `TCA_TBF_PARMS` (`struct tc_tbf_qopt`), plus
//!   `TCA_TBF_RATE64` when the rate does not fit 32 bits and `TCA_TBF_BURST`
//!   (the bucket in bytes). The rate spec says `linklayer = ethernet`, which
//!   tells the kernel not to look for a rate table: none is sent.
//! - netem: `struct tc_netem_qopt` directly in `TCA_OPTIONS`, followed by
//!   netem's own attributes (correlation, reorder, corrupt, rate, 64-bit
//!   latency and jitter, distribution table).
//!
//! Times in the fixed structures are psched ticks: `/proc/net/psched` gives
//! the conversion, read the way iproute2's `tc_core_init` reads it.
//!
//! ```no_run
//! use netns_core::netlink::{Netlink, qdisc::NetemConfig};
//! let mut nl = Netlink::open()?;
//! let eth0 = nl.link_by_name("eth0")?.expect("eth0 exists").index;
//! // tc qdisc replace dev eth0 root netem delay 20ms loss 1%
//! let netem = NetemConfig { delay_us: Some(20_000), loss: Some(1.0), ..NetemConfig::default() };
//! nl.netem_replace(eth0, &netem)?;
//! println!("{:?}", nl.qdisc_root(eth0)?.and_then(|q| q.netem));
//! // tc qdisc replace dev eth0 root tbf rate 10mbit …, then back to the default
//! nl.tbf_replace(eth0, 10_000_000, None, None)?;
//! nl.qdisc_delete_root(eth0)?;
//! # Ok::<(), netns_core::netlink::NlError>(())
//! ```

use super::engine::Netlink;
use super::engine::Reply;
use super::error::{KernelError, NlError};
use super::wire::{attrs, nla};
use netlink_packet_core::{DefaultNla, Emitable, NLM_F_CREATE, NLM_F_REPLACE, Nla};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::tc::{TcAttribute, TcHandle, TcHeader, TcMessage, TcOption};
use std::collections::HashMap;
use std::sync::OnceLock;

const TCA_OPTIONS: u16 = 2;
const TCA_TBF_PARMS: u16 = 1;
const TCA_TBF_RATE64: u16 = 4;
const TCA_TBF_BURST: u16 = 6;
const TC_LINKLAYER_ETHERNET: u8 = 1;

const TCA_NETEM_CORR: u16 = 1;
const TCA_NETEM_DELAY_DIST: u16 = 2;
const TCA_NETEM_REORDER: u16 = 3;
const TCA_NETEM_CORRUPT: u16 = 4;
const TCA_NETEM_RATE: u16 = 6;
const TCA_NETEM_RATE64: u16 = 8;
const TCA_NETEM_LATENCY64: u16 = 10;
const TCA_NETEM_JITTER64: u16 = 11;

/// `TC_H_ROOT`: the parent of a root qdisc.
const TC_H_ROOT: u32 = 0xffff_ffff;
/// The handle given to qdiscs made here: `1:`.
pub const ROOT_HANDLE: u32 = 0x0001_0000;

/// Bytes per packet assumed where a packet count must become bytes (tbf's
/// queue limit): an Ethernet frame of the usual 1500-byte MTU.
pub const FRAME_BYTES: u32 = 1514;
/// Default tbf queue: this much time's worth of traffic at the rate (50 ms),
/// as `tc qdisc add … tbf latency 50ms` would compute.
pub const TBF_LATENCY_US: u64 = 50_000;
/// What a netem qdisc should do to the packets leaving an interface: every
/// key is optional, and an unset key is left at the kernel's default (no
/// delay, no loss, …). Only `rate_bps` (with `limit`) can also be done by
/// tbf ([`Netlink::tbf_replace`]); anything else needs netem
/// ([`NetemConfig::needs_netem`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetemConfig {
    /// Delay in microseconds.
    pub delay_us: Option<u64>,
    /// Jitter in microseconds.
    pub jitter_us: Option<u64>,
    /// Delay correlation, percent.
    pub correlation: Option<f64>,
    /// Delay distribution: `uniform`, or the name of one of iproute2's
    /// tables (`normal`, `pareto`, `paretonormal`, read from its lib
    /// directory).
    pub distribution: Option<String>,
    /// Loss, percent.
    pub loss: Option<f64>,
    /// Corruption, percent.
    pub corrupt: Option<f64>,
    /// Duplication, percent.
    pub duplicate: Option<f64>,
    /// Reordering, percent (needs a delay).
    pub reorder: Option<f64>,
    /// Reorder gap.
    pub gap: Option<u32>,
    /// Rate in bits per second.
    pub rate_bps: Option<u64>,
    /// Queue limit in packets ([`NETEM_LIMIT`] when unset).
    pub limit: Option<u32>,
}

impl NetemConfig {
    /// True when the netem qdisc is needed (anything but `rate`/`limit`).
    pub fn needs_netem(&self) -> bool {
        self.delay_us.is_some()
            || self.jitter_us.is_some()
            || self.correlation.is_some()
            || self.distribution.is_some()
            || self.loss.is_some()
            || self.corrupt.is_some()
            || self.duplicate.is_some()
            || self.reorder.is_some()
            || self.gap.is_some()
    }
}

/// Default netem queue length in packets (netem's own default).
pub const NETEM_LIMIT: u32 = 1000;

/// The qdisc at the root of an interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdiscInfo {
    /// Its kind (`tbf`, `netem`, `noqueue`, `pfifo_fast`, …). `noqueue`
    /// (handle 0) is what a fresh veth has: nothing configured.
    pub kind: String,
    /// Its handle (`1:` is `0x10000`; kernel defaults have 0).
    pub handle: u32,
    /// For tbf: its settings.
    pub tbf: Option<TbfParams>,
    /// For netem: its settings.
    pub netem: Option<NetemParams>,
}

/// The settings of a tbf qdisc that [`Netlink::tbf_replace`] sets, as the
/// kernel reports them (see [`QdiscInfo`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TbfParams {
    /// Rate, bits per second (the kernel keeps bytes: a multiple of 8).
    pub rate_bps: u64,
    /// Queue limit, bytes.
    pub limit_bytes: u32,
}

/// The settings of a netem qdisc, as the kernel keeps and reports them
/// (`struct tc_netem_qopt` and the attributes after it). The delay
/// distribution table is not reported, so it is not here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetemParams {
    /// Delay, nanoseconds.
    pub latency_ns: i64,
    /// Jitter, nanoseconds.
    pub jitter_ns: i64,
    /// Queue limit, packets.
    pub limit: u32,
    /// Loss, duplication, reordering, corruption and delay correlation, as
    /// probabilities scaled to `u32::MAX`.
    pub loss: u32,
    /// See `loss`.
    pub duplicate: u32,
    /// See `loss`.
    pub reorder: u32,
    /// See `loss`.
    pub corrupt: u32,
    /// See `loss`.
    pub delay_corr: u32,
    /// Reorder gap.
    pub gap: u32,
    /// Rate, bytes per second (0: none).
    pub rate_bytes: u64,
}

/// Microseconds → psched ticks, from `/proc/net/psched` (t2us, us2t,
/// clock_res). Kernels since 2.6.24 print `3e8 40 f4240 …`: 15.625 ticks
/// per µs, which is also the fallback when the file cannot be read.
fn ticks_per_us() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        std::fs::read_to_string("/proc/net/psched").ok().and_then(|t| parse_psched(&t)).unwrap_or(1000.0 / 64.0)
    })
}

fn parse_psched(text: &str) -> Option<f64> {
    let mut f = text.split_whitespace().map(|w| u32::from_str_radix(w, 16).ok());
    let (mut t2us, us2t, clock_res) = (f.next()??, f.next()??, f.next()??);
    if us2t == 0 {
        return None;
    }
    // tc_core.c: a kernel with nanosecond clock resolution advertises a
    // multiplier of 1000 that really is 1.
    if clock_res == 1_000_000_000 {
        t2us = us2t;
    }
    Some(t2us as f64 / us2t as f64 * (clock_res as f64 / 1_000_000.0))
}

fn us_to_ticks(us: u64) -> u32 {
    (us as f64 * ticks_per_us()).min(u32::MAX as f64) as u32
}

/// The default tbf bucket: 10 ms of traffic at the rate, and never less
/// than 10 full frames, so one burst of TCP segments is not dropped at low
/// rates (the kernel also warns when the bucket is below the MTU).
pub fn tbf_default_burst(rate_bps: u64) -> u32 {
    ((rate_bps / 8 / 100).max(10 * FRAME_BYTES as u64)).min(u32::MAX as u64) as u32
}

/// The queue of a tbf, in bytes: `limit_packets` frames of
/// [`FRAME_BYTES`], or by default [`TBF_LATENCY_US`] worth of traffic at
/// the rate plus the bucket.
pub fn tbf_limit_bytes(rate_bps: u64, burst: u32, limit_packets: Option<u32>) -> u32 {
    match limit_packets {
        Some(p) => p.max(1).saturating_mul(FRAME_BYTES),
        None => (rate_bps / 8 * TBF_LATENCY_US / 1_000_000 + burst as u64).min(u32::MAX as u64) as u32,
    }
}

/// `struct tc_ratespec` (12 bytes) for a rate in bytes per second.
fn ratespec(bytes_per_s: u64) -> [u8; 12] {
    let mut r = [0u8; 12];
    r[1] = TC_LINKLAYER_ETHERNET;
    r[8..12].copy_from_slice(&(bytes_per_s.min(u32::MAX as u64) as u32).to_ne_bytes());
    r
}

/// The contents of tbf's `TCA_OPTIONS` nest.
fn tbf_options(rate_bps: u64, burst: u32, limit_bytes: u32) -> Vec<u8> {
    let bytes_per_s = (rate_bps / 8).max(1);
    let mut q = Vec::with_capacity(36);
    q.extend_from_slice(&ratespec(bytes_per_s)); // rate
    q.extend_from_slice(&[0u8; 12]); // peakrate: none
    q.extend_from_slice(&limit_bytes.to_ne_bytes());
    let buffer_us = burst as u64 * 1_000_000 / bytes_per_s;
    q.extend_from_slice(&us_to_ticks(buffer_us).to_ne_bytes()); // buffer
    q.extend_from_slice(&0u32.to_ne_bytes()); // mtu: only with a peak rate
    let mut out = nla(TCA_TBF_PARMS, &q);
    if bytes_per_s >= 1 << 32 {
        out.extend(nla(TCA_TBF_RATE64, &bytes_per_s.to_ne_bytes()));
    }
    out.extend(nla(TCA_TBF_BURST, &burst.to_ne_bytes()));
    out
}

fn percent_to_u32(p: f64) -> u32 {
    (p.clamp(0.0, 100.0) / 100.0 * u32::MAX as f64).round() as u32
}

/// Where iproute2 keeps its netem distribution tables.
const DIST_DIRS: [&str; 4] = ["/usr/lib/x86_64-linux-gnu/tc", "/usr/lib/tc", "/usr/lib64/tc", "/usr/local/lib/tc"];

/// A netem distribution table (`normal`, `pareto`, …): the numbers in
/// iproute2's `NAME.dist` file, as signed 16-bit values.
fn distribution_table(name: &str) -> Result<Vec<u8>, String> {
    let file = DIST_DIRS.iter().map(|d| std::path::Path::new(d).join(format!("{name}.dist"))).find(|p| p.is_file());
    let Some(file) = file else {
        return Err(format!(
            "netem distribution \"{name}\" needs the table {name}.dist from iproute2, found in none of {}",
            DIST_DIRS.join(", ")
        ));
    };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        for w in line.split_whitespace() {
            let v: i16 = w.parse().map_err(|_| format!("{}: {w:?} is not a table value", file.display()))?;
            out.extend_from_slice(&v.to_ne_bytes());
        }
    }
    Ok(out)
}

/// netem's `TCA_OPTIONS` payload: `struct tc_netem_qopt` then attributes.
fn netem_options(n: &NetemConfig) -> Result<Vec<u8>, String> {
    let delay = n.delay_us.unwrap_or(0);
    let jitter = n.jitter_us.unwrap_or(0);
    if n.reorder.is_some() && delay == 0 {
        return Err("netem reorder needs a delay (packets are reordered by sending some without it)".into());
    }
    if n.distribution.is_some() && (delay == 0 || jitter == 0) {
        return Err("a netem distribution needs both delay and jitter".into());
    }
    let gap = n.gap.unwrap_or(if n.reorder.is_some() { 1 } else { 0 });
    let mut q = Vec::with_capacity(24);
    for v in [
        us_to_ticks(delay),
        n.limit.unwrap_or(NETEM_LIMIT),
        percent_to_u32(n.loss.unwrap_or(0.0)),
        gap,
        percent_to_u32(n.duplicate.unwrap_or(0.0)),
        us_to_ticks(jitter),
    ] {
        q.extend_from_slice(&v.to_ne_bytes());
    }
    let triple = |a: u32, b: u32, c: Option<u32>| {
        let mut v = Vec::new();
        v.extend_from_slice(&a.to_ne_bytes());
        v.extend_from_slice(&b.to_ne_bytes());
        if let Some(c) = c {
            v.extend_from_slice(&c.to_ne_bytes());
        }
        v
    };
    if let Some(c) = n.correlation {
        q.extend(nla(TCA_NETEM_CORR, &triple(percent_to_u32(c), 0, Some(0))));
    }
    if let Some(r) = n.reorder {
        q.extend(nla(TCA_NETEM_REORDER, &triple(percent_to_u32(r), 0, None)));
    }
    if let Some(c) = n.corrupt {
        q.extend(nla(TCA_NETEM_CORRUPT, &triple(percent_to_u32(c), 0, None)));
    }
    if let Some(rate) = n.rate_bps {
        let bytes = rate / 8;
        let mut r = Vec::with_capacity(16);
        r.extend_from_slice(&(bytes.min(u32::MAX as u64) as u32).to_ne_bytes());
        r.extend_from_slice(&[0u8; 12]); // packet_overhead, cell_size, cell_overhead
        q.extend(nla(TCA_NETEM_RATE, &r));
        if bytes >= 1 << 32 {
            q.extend(nla(TCA_NETEM_RATE64, &bytes.to_ne_bytes()));
        }
    }
    if delay > 0 {
        q.extend(nla(TCA_NETEM_LATENCY64, &(delay.saturating_mul(1000) as i64).to_ne_bytes()));
    }
    if jitter > 0 {
        q.extend(nla(TCA_NETEM_JITTER64, &(jitter.saturating_mul(1000) as i64).to_ne_bytes()));
    }
    match n.distribution.as_deref() {
        None | Some("uniform") => {}
        Some(name) => q.extend(nla(TCA_NETEM_DELAY_DIST, &distribution_table(name)?)),
    }
    Ok(q)
}

/// The `TCA_OPTIONS` payload of the request [`Netlink::netem_replace`]
/// sends for `n`: `struct tc_netem_qopt`, then netem's attributes in the
/// order `tc qdisc … netem` sends them. Beside what tc sends, a delay and
/// a jitter are also given in nanoseconds (`TCA_NETEM_LATENCY64`,
/// `TCA_NETEM_JITTER64`, which the kernel prefers to the tick counts), so
/// one that is no whole number of ticks is kept exactly.
pub fn netem_request_options(n: &NetemConfig) -> Result<Vec<u8>, String> {
    netem_options(n)
}

fn root_header(ifindex: u32, handle: u32) -> TcHeader {
    TcHeader {
        index: ifindex as i32,
        handle: TcHandle::from(handle),
        parent: TcHandle::from(TC_H_ROOT),
        ..TcHeader::default()
    }
}

/// tbf's rate in bits per second from its `TCA_OPTIONS` nest.
#[cfg(test)]
fn tbf_rate(options: &[u8]) -> Option<u64> {
    tbf_params(options).map(|p| p.rate_bps)
}

/// tbf's rate and queue limit from its `TCA_OPTIONS` nest.
fn tbf_params(options: &[u8]) -> Option<TbfParams> {
    let u32_at = |v: &[u8], at: usize| Some(u32::from_ne_bytes(v.get(at..at + 4)?.try_into().ok()?));
    let mut params: Option<TbfParams> = None;
    let mut rate64 = None;
    for (kind, v) in attrs(options) {
        match kind {
            TCA_TBF_PARMS if params.is_none() => {
                // struct tc_tbf_qopt: rate (tc_ratespec, rate at byte 8),
                // peakrate (12 bytes), limit at byte 24.
                params = Some(TbfParams { rate_bps: u32_at(v, 8)?.into(), limit_bytes: u32_at(v, 24)? });
            }
            TCA_TBF_RATE64 if v.len() >= 8 => rate64 = Some(u64::from_ne_bytes(v[..8].try_into().ok()?)),
            _ => {}
        }
    }
    params.map(|p| TbfParams { rate_bps: rate64.unwrap_or(p.rate_bps) * 8, ..p })
}

/// What a netem made from `n` by [`Netlink::netem_replace`] reports: the
/// defaults the request fills in (queue limit, gap), and what the kernel
/// derives (a gap without `reorder` reorders every gap-th packet).
pub fn netem_params(n: &NetemConfig) -> NetemParams {
    let gap = n.gap.unwrap_or(if n.reorder.is_some() { 1 } else { 0 });
    let pct = |p: Option<f64>| percent_to_u32(p.unwrap_or(0.0));
    NetemParams {
        latency_ns: (n.delay_us.unwrap_or(0).saturating_mul(1000)) as i64,
        jitter_ns: (n.jitter_us.unwrap_or(0).saturating_mul(1000)) as i64,
        limit: n.limit.unwrap_or(NETEM_LIMIT),
        loss: pct(n.loss),
        duplicate: pct(n.duplicate),
        reorder: match n.reorder {
            Some(r) => percent_to_u32(r),
            None if gap > 0 => u32::MAX,
            None => 0,
        },
        corrupt: pct(n.corrupt),
        delay_corr: pct(n.correlation),
        gap,
        rate_bytes: n.rate_bps.map_or(0, |r| r / 8),
    }
}

/// netem's settings from its `TCA_OPTIONS`: `struct tc_netem_qopt`, then
/// attributes. Times come from the 64-bit nanosecond attributes when they
/// are there, else from the ticks of the fixed structure.
fn netem_decode(options: &[u8]) -> Option<NetemParams> {
    let u32_at = |v: &[u8], at: usize| Some(u32::from_ne_bytes(v.get(at..at + 4)?.try_into().ok()?));
    let i64_of = |v: &[u8]| Some(i64::from_ne_bytes(v.get(..8)?.try_into().ok()?));
    let ticks_ns = |t: u32| (t as f64 / ticks_per_us() * 1000.0).round() as i64;
    let mut p = NetemParams {
        latency_ns: ticks_ns(u32_at(options, 0)?),
        limit: u32_at(options, 4)?,
        loss: u32_at(options, 8)?,
        gap: u32_at(options, 12)?,
        duplicate: u32_at(options, 16)?,
        jitter_ns: ticks_ns(u32_at(options, 20)?),
        ..NetemParams::default()
    };
    let mut rate64 = None;
    for (kind, v) in attrs(options.get(24..)?) {
        match kind {
            TCA_NETEM_CORR => p.delay_corr = u32_at(v, 0)?,
            TCA_NETEM_REORDER => p.reorder = u32_at(v, 0)?,
            TCA_NETEM_CORRUPT => p.corrupt = u32_at(v, 0)?,
            TCA_NETEM_RATE => p.rate_bytes = u32_at(v, 0)?.into(),
            TCA_NETEM_RATE64 => rate64 = Some(i64_of(v)? as u64),
            TCA_NETEM_LATENCY64 => p.latency_ns = i64_of(v)?,
            TCA_NETEM_JITTER64 => p.jitter_ns = i64_of(v)?,
            _ => {}
        }
    }
    if let Some(r) = rate64 {
        p.rate_bytes = r;
    }
    Some(p)
}

/// (ifindex, handle, parent, kind, options) of one qdisc message.
type RawQdisc = (u32, u32, u32, String, Vec<u8>);

fn from_message(m: &TcMessage) -> RawQdisc {
    let mut kind = String::new();
    let mut options = Vec::new();
    for a in &m.attributes {
        match a {
            TcAttribute::Kind(k) => kind = k.clone(),
            TcAttribute::Options(opts) => {
                // Kinds the crate does not know keep TCA_OPTIONS whole, as
                // one attribute; known ones are re-emitted attribute by
                // attribute.
                for o in opts {
                    let mut v = vec![0u8; o.value_len()];
                    o.emit_value(&mut v);
                    if let TcOption::Other(d) = o
                        && d.kind() == TCA_OPTIONS
                    {
                        options = v;
                        break;
                    }
                    let mut whole = vec![0u8; o.buffer_len()];
                    o.emit(&mut whole);
                    options.extend(whole);
                }
            }
            _ => {}
        }
    }
    (m.header.index as u32, u32::from(m.header.handle), u32::from(m.header.parent), kind, options)
}

fn from_payload(p: &[u8]) -> Option<RawQdisc> {
    // struct tcmsg: family, pad, pad, ifindex, handle, parent, info.
    if p.len() < 20 {
        return None;
    }
    let u = |at: usize| u32::from_ne_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]]);
    let (index, handle, parent) = (u(4), u(8), u(12));
    let mut kind = String::new();
    let mut options = Vec::new();
    for (k, v) in attrs(&p[20..]) {
        match k {
            1 => kind = String::from_utf8_lossy(v.split(|&c| c == 0).next().unwrap_or(&[])).into_owned(),
            TCA_OPTIONS => options = v.to_vec(),
            _ => {}
        }
    }
    Some((index, handle, parent, kind, options))
}

fn unknown_kind(e: NlError, kind: &str, module: &str) -> NlError {
    match e {
        NlError::Kernel(k) if k.errno == libc::ENOENT => NlError::Kernel(KernelError {
            errno: libc::ENOENT,
            message: Some(format!("this kernel has no {kind} qdisc ({module})")),
            in_dump: false,
        }),
        other => other,
    }
}

impl Netlink {
    /// The qdisc at the root of interface `ifindex`, if the kernel reports
    /// one (a veth reports `noqueue`, handle 0, when nothing is set).
    pub fn qdisc_root(&mut self, ifindex: u32) -> Result<Option<QdiscInfo>, NlError> {
        let req = TcMessage::with_index(ifindex as i32);
        let mut roots = self.root_qdiscs(req)?;
        Ok(roots.remove(&ifindex))
    }

    /// The root qdisc of every interface of the namespace, by ifindex, from
    /// one dump (an interface the kernel reports none for is absent).
    pub fn qdisc_roots(&mut self) -> Result<HashMap<u32, QdiscInfo>, NlError> {
        self.root_qdiscs(TcMessage::default())
    }

    fn root_qdiscs(&mut self, req: TcMessage) -> Result<HashMap<u32, QdiscInfo>, NlError> {
        let wanted = req.header.index as u32;
        let mut roots = HashMap::new();
        for reply in self.dump(RouteNetlinkMessage::GetQueueDiscipline(req))? {
            let raw = match &reply {
                Reply::Message(RouteNetlinkMessage::NewQueueDiscipline(m)) => Some(from_message(m)),
                Reply::Undecoded { payload, .. } => from_payload(payload),
                _ => None,
            };
            let Some((index, handle, parent, kind, options)) = raw else { continue };
            if (wanted != 0 && index != wanted) || parent != TC_H_ROOT || roots.contains_key(&index) {
                continue;
            }
            let tbf = if kind == "tbf" { tbf_params(&options) } else { None };
            let netem = if kind == "netem" { netem_decode(&options) } else { None };
            roots.insert(index, QdiscInfo { kind, handle, tbf, netem });
        }
        Ok(roots)
    }

    /// Put (or replace) a tbf at the root of `ifindex`, handle `1:`,
    /// shaping to `rate_bps` bits per second. `burst_bytes` defaults to
    /// [`tbf_default_burst`]; the queue holds `limit_packets` ×
    /// [`FRAME_BYTES`] bytes, by default [`TBF_LATENCY_US`] worth of traffic
    /// plus the bucket (what `tbf latency 50ms` gives).
    pub fn tbf_replace(
        &mut self,
        ifindex: u32,
        rate_bps: u64,
        burst_bytes: Option<u32>,
        limit_packets: Option<u32>,
    ) -> Result<(), NlError> {
        let burst = burst_bytes.unwrap_or_else(|| tbf_default_burst(rate_bps)).max(1);
        let limit = tbf_limit_bytes(rate_bps, burst, limit_packets);
        let msg = TcMessage::from_parts(
            root_header(ifindex, ROOT_HANDLE),
            vec![
                TcAttribute::Kind("tbf".into()),
                TcAttribute::Other(DefaultNla::new(TCA_OPTIONS, tbf_options(rate_bps, burst, limit))),
            ],
        );
        self.ack(RouteNetlinkMessage::NewQueueDiscipline(msg), NLM_F_CREATE | NLM_F_REPLACE)
            .map_err(|e| unknown_kind(e, "tbf", "sch_tbf"))
    }

    /// Put (or replace) a netem at the root of `ifindex`, handle `1:`, with
    /// every key of `n` (rate and limit included). A kernel without netem
    /// answers with "this kernel has no netem qdisc (sch_netem)"; a
    /// distribution other than `uniform` needs iproute2's table file.
    pub fn netem_replace(&mut self, ifindex: u32, n: &NetemConfig) -> Result<(), NlError> {
        let options = netem_options(n)
            .map_err(|m| NlError::Kernel(KernelError { errno: libc::EINVAL, message: Some(m), in_dump: false }))?;
        let msg = TcMessage::from_parts(
            root_header(ifindex, ROOT_HANDLE),
            vec![TcAttribute::Kind("netem".into()), TcAttribute::Other(DefaultNla::new(TCA_OPTIONS, options))],
        );
        self.ack(RouteNetlinkMessage::NewQueueDiscipline(msg), NLM_F_CREATE | NLM_F_REPLACE)
            .map_err(|e| unknown_kind(e, "netem", "sch_netem"))
    }

    /// Remove the root qdisc of `ifindex`, going back to the kernel's
    /// default. Nothing to remove (ENOENT, or EINVAL for the built-in
    /// default that has handle 0) is success.
    pub fn qdisc_delete_root(&mut self, ifindex: u32) -> Result<(), NlError> {
        let msg = TcMessage::from_parts(root_header(ifindex, 0), Vec::new());
        match self.ack(RouteNetlinkMessage::DelQueueDiscipline(msg), 0) {
            Err(NlError::Kernel(k)) if k.errno == libc::ENOENT || k.errno == libc::EINVAL => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psched_of_modern_kernels_is_64ns_ticks() {
        assert_eq!(parse_psched("000003e8 00000040 000f4240 3b9aca00\n"), Some(15.625));
        // The nanosecond-resolution compatibility case of tc_core.c.
        assert_eq!(parse_psched("000003e8 00000040 3b9aca00 3b9aca00\n"), Some(1000.0));
        assert_eq!(parse_psched("garbage"), None);
    }

    #[test]
    fn tbf_options_layout() {
        let o = tbf_options(10_000_000, 15140, 77640);
        let a = attrs(&o);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].0, TCA_TBF_PARMS);
        assert_eq!(a[0].1.len(), 36);
        assert_eq!(a[0].1[1], TC_LINKLAYER_ETHERNET);
        assert_eq!(u32::from_ne_bytes(a[0].1[8..12].try_into().unwrap()), 1_250_000);
        assert_eq!(u32::from_ne_bytes(a[0].1[24..28].try_into().unwrap()), 77640);
        assert_eq!(a[1], (TCA_TBF_BURST, &15140u32.to_ne_bytes()[..]));
        assert_eq!(tbf_rate(&o), Some(10_000_000));
    }

    #[test]
    fn tbf_above_32_bits_sends_rate64() {
        let rate = 100_000_000_000u64; // 100 Gbit/s = 12.5 GB/s
        let o = tbf_options(rate, 1 << 20, 1 << 24);
        let a = attrs(&o);
        assert_eq!(u32::from_ne_bytes(a[0].1[8..12].try_into().unwrap()), u32::MAX);
        assert_eq!(a[1].0, TCA_TBF_RATE64);
        assert_eq!(tbf_rate(&o), Some(rate));
    }

    #[test]
    fn default_burst_is_10ms_or_10_frames() {
        assert_eq!(tbf_default_burst(1_000_000), 15140);
        assert_eq!(tbf_default_burst(1_000_000_000), 1_250_000);
    }

    #[test]
    fn netem_options_layout() {
        let n = NetemConfig {
            delay_us: Some(10_000),
            jitter_us: Some(1000),
            loss: Some(1.0),
            reorder: Some(25.0),
            rate_bps: Some(8_000_000),
            ..NetemConfig::default()
        };
        let o = netem_options(&n).unwrap();
        let u = |at: usize| u32::from_ne_bytes(o[at..at + 4].try_into().unwrap());
        assert_eq!(u(0), 156_250); // 10 ms in 64 ns ticks
        assert_eq!(u(4), NETEM_LIMIT);
        assert_eq!(u(8), percent_to_u32(1.0));
        assert_eq!(u(12), 1); // gap defaults to 1 with reorder
        let kinds: Vec<u16> = attrs(&o[24..]).iter().map(|a| a.0).collect();
        assert_eq!(kinds, [TCA_NETEM_REORDER, TCA_NETEM_RATE, TCA_NETEM_LATENCY64, TCA_NETEM_JITTER64]);
        assert!(netem_options(&NetemConfig { reorder: Some(1.0), ..NetemConfig::default() }).is_err());
    }

    #[test]
    fn netem_settings_read_back_as_sent() {
        let cases = [
            NetemConfig { delay_us: Some(40_000), jitter_us: Some(1_500), loss: Some(0.5), ..NetemConfig::default() },
            NetemConfig {
                delay_us: Some(10_000),
                correlation: Some(25.0),
                corrupt: Some(0.1),
                duplicate: Some(2.0),
                reorder: Some(25.0),
                gap: Some(5),
                rate_bps: Some(8_000_000),
                limit: Some(77),
                ..NetemConfig::default()
            },
            NetemConfig { rate_bps: Some(100_000_000_000), loss: Some(1.0), ..NetemConfig::default() },
        ];
        for n in cases {
            let decoded = netem_decode(&netem_options(&n).unwrap());
            assert_eq!(decoded, Some(netem_params(&n)), "{n:?}");
        }
        // What a change must show: every setting counts.
        let base = NetemConfig { delay_us: Some(10_000), ..NetemConfig::default() };
        let p = |n: NetemConfig| netem_params(&n);
        assert_ne!(p(base.clone()), p(NetemConfig { correlation: Some(1.0), ..base.clone() }));
        assert_ne!(p(base.clone()), p(NetemConfig { limit: Some(5), ..base.clone() }));
        assert_ne!(p(base.clone()), p(NetemConfig { gap: Some(2), ..base }));
    }

    /// Run `f` on a thread of its own inside a fresh network namespace
    /// (it dies with the thread).
    fn in_scratch_ns<T: Send>(f: impl FnOnce() -> T + Send) -> T {
        std::thread::scope(|s| {
            s.spawn(|| {
                let _ns = crate::rundir::fresh_namespace_on_this_thread().expect("unshare(CLONE_NEWNET): run as root");
                f()
            })
            .join()
            .unwrap()
        })
    }

    fn tc_show_lo() -> String {
        let out = std::process::Command::new("/usr/sbin/tc").args(["qdisc", "show", "dev", "lo"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn tbf_is_what_tc_shows_and_deletes_cleanly() {
        require_root!();
        in_scratch_ns(|| {
            let mut nl = Netlink::open().unwrap();
            nl.tbf_replace(1, 10_000_000, None, None).unwrap();
            let shown = tc_show_lo();
            assert!(shown.contains("qdisc tbf 1: root") && shown.contains("rate 10Mbit"), "{shown}");
            assert!(shown.contains("burst 15140b"), "{shown}");
            let q = nl.qdisc_root(1).unwrap().unwrap();
            let limit = tbf_limit_bytes(10_000_000, tbf_default_burst(10_000_000), None);
            let want = QdiscInfo {
                kind: "tbf".into(),
                handle: ROOT_HANDLE,
                tbf: Some(TbfParams { rate_bps: 10_000_000, limit_bytes: limit }),
                netem: None,
            };
            assert_eq!(q, want);
            // Replacing changes the rate in place.
            nl.tbf_replace(1, 250_000_000, Some(100_000), Some(100)).unwrap();
            let shown = tc_show_lo();
            assert!(shown.contains("rate 250Mbit") && shown.contains("burst 100000b"), "{shown}");
            assert!(shown.contains("lat") || shown.contains("limit 151400b"), "{shown}");
            let limit_bytes = nl.qdisc_root(1).unwrap().unwrap().tbf.map(|t| t.limit_bytes);
            assert_eq!(limit_bytes, Some(100 * FRAME_BYTES), "the queue limit is read back");
            nl.qdisc_delete_root(1).unwrap();
            assert!(!tc_show_lo().contains("tbf"));
            // Nothing left to delete is not an error.
            nl.qdisc_delete_root(1).unwrap();
            assert_ne!(nl.qdisc_root(1).unwrap().map(|q| q.kind), Some("tbf".to_string()));
        });
    }

    #[test]
    fn netem_missing_from_the_kernel_is_named() {
        require_root!();
        in_scratch_ns(|| {
            let mut nl = Netlink::open().unwrap();
            let n = NetemConfig { delay_us: Some(5000), ..NetemConfig::default() };
            match nl.netem_replace(1, &n) {
                Ok(()) => assert!(tc_show_lo().contains("netem"), "netem accepted but not shown"),
                Err(e) => assert_eq!(e.to_string(), "Error: this kernel has no netem qdisc (sch_netem)."),
            }
        });
    }
}
