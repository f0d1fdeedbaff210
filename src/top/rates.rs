//! Rates from two samples: per interface, and per namespace as the sum of
//! its interfaces.

use super::{IfCounters, Sample, Source};
use crate::netlink::link::LinkStats;

/// Per-second rates of one interface or namespace.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    /// Bits received per second.
    pub rx_bps: f64,
    /// Bits sent per second.
    pub tx_bps: f64,
    /// Packets received per second.
    pub rx_pps: f64,
    /// Packets sent per second.
    pub tx_pps: f64,
    /// Received packets dropped per second.
    pub rx_dropped: f64,
    /// Outgoing packets dropped per second.
    pub tx_dropped: f64,
    /// Receive errors per second.
    pub rx_errors: f64,
    /// Transmit errors per second.
    pub tx_errors: f64,
}

impl Rates {
    fn between(old: &LinkStats, new: &LinkStats, secs: f64) -> Rates {
        // A counter that went back (the interface was made again under
        // the same index) counts from zero.
        let d = |a: u64, b: u64| if b >= a { (b - a) as f64 / secs } else { b as f64 / secs };
        Rates {
            rx_bps: 8.0 * d(old.rx_bytes, new.rx_bytes),
            tx_bps: 8.0 * d(old.tx_bytes, new.tx_bytes),
            rx_pps: d(old.rx_packets, new.rx_packets),
            tx_pps: d(old.tx_packets, new.tx_packets),
            rx_dropped: d(old.rx_dropped, new.rx_dropped),
            tx_dropped: d(old.tx_dropped, new.tx_dropped),
            rx_errors: d(old.rx_errors, new.rx_errors),
            tx_errors: d(old.tx_errors, new.tx_errors),
        }
    }

    fn add(&mut self, o: &Rates) {
        self.rx_bps += o.rx_bps;
        self.tx_bps += o.tx_bps;
        self.rx_pps += o.rx_pps;
        self.tx_pps += o.tx_pps;
        self.rx_dropped += o.rx_dropped;
        self.tx_dropped += o.tx_dropped;
        self.rx_errors += o.rx_errors;
        self.tx_errors += o.tx_errors;
    }

    /// Bits per second both ways: what "busiest" means.
    pub fn bps(&self) -> f64 {
        self.rx_bps + self.tx_bps
    }

    /// Packets per second both ways.
    pub fn pps(&self) -> f64 {
        self.rx_pps + self.tx_pps
    }

    /// Drops per second both ways.
    pub fn drops(&self) -> f64 {
        self.rx_dropped + self.tx_dropped
    }

    /// Errors per second both ways.
    pub fn errors(&self) -> f64 {
        self.rx_errors + self.tx_errors
    }
}

/// One interface's rates, with its counters at the newer sample.
#[derive(Debug, Clone, PartialEq)]
pub struct IfRates {
    /// Interface name.
    pub name: String,
    /// Interface index.
    pub index: u32,
    /// Rates since the older sample.
    pub rates: Rates,
    /// Counters at the newer sample.
    pub stats: LinkStats,
}

/// One namespace's rates and its interfaces'.
#[derive(Debug, Clone, PartialEq)]
pub struct NsRates {
    /// Which namespace (an index into the sampler's sources).
    pub source: usize,
    /// What people read for it.
    pub label: String,
    /// Its name, if it has one.
    pub name: Option<String>,
    /// Its inode.
    pub inode: u64,
    /// The sum over its interfaces.
    pub total: Rates,
    /// Its interfaces, busiest first.
    pub interfaces: Vec<IfRates>,
}

/// What a list is sorted by (busiest first; by name: alphabetical).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Bits per second, both ways.
    #[default]
    Bits,
    /// Packets per second, both ways.
    Packets,
    /// Drops per second.
    Drops,
    /// Errors per second.
    Errors,
    /// The namespace's name.
    Name,
}

impl SortKey {
    /// The next key (the `s` key of the full-screen view).
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Bits => SortKey::Packets,
            SortKey::Packets => SortKey::Drops,
            SortKey::Drops => SortKey::Errors,
            SortKey::Errors => SortKey::Name,
            SortKey::Name => SortKey::Bits,
        }
    }

    /// What the view shows for it.
    pub fn word(self) -> &'static str {
        match self {
            SortKey::Bits => "bits/s",
            SortKey::Packets => "packets/s",
            SortKey::Drops => "drops/s",
            SortKey::Errors => "errors/s",
            SortKey::Name => "name",
        }
    }

    fn value(self, r: &Rates) -> f64 {
        match self {
            SortKey::Bits => r.bps(),
            SortKey::Packets => r.pps(),
            SortKey::Drops => r.drops(),
            SortKey::Errors => r.errors(),
            SortKey::Name => 0.0,
        }
    }
}

/// Sort namespaces, and each one's interfaces, by `key` (ties by name).
pub fn sort(list: &mut [NsRates], key: SortKey) {
    let by = |a: &Rates, b: &Rates| key.value(b).total_cmp(&key.value(a));
    for ns in list.iter_mut() {
        ns.interfaces.sort_by(|a, b| by(&a.rates, &b.rates).then_with(|| a.name.cmp(&b.name)));
    }
    list.sort_by(|a, b| by(&a.total, &b.total).then_with(|| a.label.cmp(&b.label)));
}

/// The rates of every namespace read in both samples, busiest first. An
/// interface that is new in `new` has no rate yet and counts as idle, and
/// so does every interface of a namespace watched since `old` (one
/// position past its end); a namespace not read in either is left out.
pub fn between<'a>(sources: impl Iterator<Item = &'a Source>, old: &Sample, new: &Sample) -> Vec<NsRates> {
    static NONE: Vec<IfCounters> = Vec::new();
    let secs = new.at.duration_since(old.at).as_secs_f64().max(1e-3);
    let mut out = Vec::new();
    for (i, source) in sources.enumerate() {
        let Some(Some(after)) = new.links.get(i) else { continue };
        let before = match old.links.get(i) {
            Some(Some(before)) => before,
            Some(None) => continue,
            None => &NONE,
        };
        let mut total = Rates::default();
        let interfaces: Vec<IfRates> = after
            .iter()
            .enumerate()
            .map(|(j, c)| {
                // Links come in index order, so the same position is
                // nearly always the same link.
                let old = match before.get(j) {
                    Some(b) if b.index == c.index => Some(b),
                    _ => before.iter().find(|b| b.index == c.index),
                };
                let rates = old.map_or_else(Rates::default, |b: &IfCounters| Rates::between(&b.stats, &c.stats, secs));
                total.add(&rates);
                IfRates { name: c.name.clone(), index: c.index, rates, stats: c.stats }
            })
            .collect();
        out.push(NsRates {
            source: i,
            label: source.label(),
            name: source.name.clone(),
            inode: source.inode,
            total,
            interfaces,
        });
    }
    sort(&mut out, SortKey::Bits);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant, SystemTime};

    fn src(name: &str) -> Source {
        Source { name: Some(name.into()), inode: 1, root: false, path: "/x".into(), current: false }
    }

    fn counters(index: u32, name: &str, bytes: u64, packets: u64) -> IfCounters {
        let stats = LinkStats {
            rx_bytes: bytes,
            tx_bytes: bytes,
            rx_packets: packets,
            tx_packets: packets,
            ..Default::default()
        };
        IfCounters { index, name: name.into(), stats }
    }

    #[test]
    fn rates_are_deltas_over_the_time_between_and_the_busiest_comes_first() {
        let t0 = Instant::now();
        let old = Sample {
            at: t0,
            time: SystemTime::now(),
            links: vec![
                Some(vec![counters(1, "lo", 0, 0)]),
                Some(vec![counters(1, "lo", 0, 0), counters(2, "eth0", 1000, 10)]),
            ],
        };
        let new = Sample {
            at: t0 + Duration::from_secs(2),
            time: SystemTime::now(),
            links: vec![
                Some(vec![counters(1, "lo", 0, 0)]),
                Some(vec![counters(1, "lo", 0, 0), counters(2, "eth0", 3000, 30), counters(3, "new", 50, 5)]),
            ],
        };
        let sources = [src("idle"), src("busy")];
        let r = between(sources.iter(), &old, &new);
        assert_eq!(r[0].label, "busy");
        assert_eq!(r[1].label, "idle");
        let eth0 = &r[0].interfaces[0];
        assert_eq!(eth0.name, "eth0");
        assert_eq!(eth0.rates.rx_bps, 8000.0);
        assert_eq!(eth0.rates.rx_pps, 10.0);
        // An interface seen first in the newer sample has no rate yet.
        assert!(r[0].interfaces.iter().any(|i| i.name == "new" && i.rates == Rates::default()));
        assert_eq!(r[0].total.bps(), 16000.0);
        assert_eq!(r[1].total, Rates::default());
    }

    #[test]
    fn a_namespace_missing_from_either_sample_has_no_rates_and_a_counter_reset_counts_from_zero() {
        let t0 = Instant::now();
        let old = Sample { at: t0, time: SystemTime::now(), links: vec![None, Some(vec![counters(2, "e", 5000, 50)])] };
        let new = Sample {
            at: t0 + Duration::from_secs(1),
            time: SystemTime::now(),
            links: vec![Some(vec![]), Some(vec![counters(2, "e", 100, 1)])],
        };
        let sources = [src("a"), src("b")];
        let r = between(sources.iter(), &old, &new);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].interfaces[0].rates.rx_bps, 800.0);
        // A namespace watched since the older sample: listed, idle.
        let sources = [src("a"), src("b"), src("new")];
        let newer = Sample { links: vec![None, None, Some(vec![counters(1, "lo", 9, 9)])], ..new.clone() };
        let r = between(sources.iter(), &new, &newer);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].label.as_str(), r[0].total), ("new", Rates::default()));
    }

    #[test]
    fn sort_keys_cycle_through_every_column() {
        let mut k = SortKey::default();
        let mut seen = Vec::new();
        for _ in 0..5 {
            seen.push(k.word());
            k = k.next();
        }
        assert_eq!(k, SortKey::Bits);
        assert_eq!(seen, ["bits/s", "packets/s", "drops/s", "errors/s", "name"]);
    }
}
