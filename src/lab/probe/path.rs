//! The path of a probe, traceroute style: echoes with hop limits 1 to
//! [`MAX_TTL`] are sent all at once, and the routers that answer "time
//! exceeded" are the hops, in hop-limit order.

use std::net::IpAddr;

/// Highest hop limit tried. Labs are small; 16 hops is plenty.
pub const MAX_TTL: u8 = 16;

/// What came back for the hop-limited echoes of one probe.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// `hops[t - 1]`: who said "time exceeded" to the echo with hop limit `t`.
    hops: [Option<IpAddr>; MAX_TTL as usize],
    /// The smallest hop limit whose echo went no further: it was answered
    /// by the destination, or refused by a router (unreachable).
    stop: Option<(u8, IpAddr)>,
}

impl Trace {
    /// The echo with hop limit `ttl` expired at router `from`.
    pub fn time_exceeded(&mut self, ttl: u8, from: IpAddr) {
        if let Some(slot) = self.hops.get_mut(usize::from(ttl).wrapping_sub(1)) {
            *slot = Some(from);
        }
    }

    /// The echo with hop limit `ttl` was answered (by the destination) or
    /// refused (by `from`, with an unreachable): the path ends there.
    pub fn stopped(&mut self, ttl: u8, from: IpAddr) {
        if self.stop.is_none_or(|(t, _)| ttl < t) {
            self.stop = Some((ttl, from));
        }
    }

    /// True when the path is known: it has ended and every hop before the
    /// end has answered.
    pub fn complete(&self) -> bool {
        match self.stop {
            Some((t, _)) => self.hops[..usize::from(t - 1).min(self.hops.len())].iter().all(Option::is_some),
            None => false,
        }
    }

    /// The hop limits still worth (re)sending: those without an answer,
    /// below the end when the end is known.
    pub fn missing(&self) -> Vec<u8> {
        let last = self.stop.map_or(MAX_TTL, |(t, _)| t.saturating_sub(1).min(MAX_TTL));
        (1..=last).filter(|&t| self.hops[usize::from(t - 1)].is_none()).collect()
    }

    /// The routers on the way to `dst`, in order: those that answered
    /// "time exceeded" before the end, then the router that refused the
    /// echo, if one did. Silent hops are left out; `dst` never appears.
    pub fn hops(&self, dst: IpAddr) -> Vec<IpAddr> {
        let end = self.stop.map_or(self.hops.len(), |(t, _)| usize::from(t - 1).min(self.hops.len()));
        let mut out: Vec<IpAddr> = self.hops[..end].iter().flatten().copied().collect();
        if let Some((_, from)) = self.stop
            && from != dst
        {
            out.push(from);
        }
        out.retain(|a| *a != dst);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn hops_come_in_ttl_order_and_stop_before_the_destination() {
        let dst = ip("10.0.3.10");
        let mut t = Trace::default();
        t.time_exceeded(2, ip("10.0.12.2"));
        t.stopped(5, dst);
        t.stopped(4, dst);
        assert!(!t.complete());
        assert_eq!(t.missing(), vec![1, 3]);
        t.time_exceeded(1, ip("10.0.1.1"));
        t.time_exceeded(3, ip("10.0.23.2"));
        assert!(t.complete());
        assert_eq!(t.missing(), Vec::<u8>::new());
        assert_eq!(t.hops(dst), vec![ip("10.0.1.1"), ip("10.0.12.2"), ip("10.0.23.2")]);
    }

    #[test]
    fn a_refusing_router_ends_the_path() {
        let dst = ip("10.0.3.10");
        let mut t = Trace::default();
        t.time_exceeded(1, ip("10.0.1.1"));
        t.stopped(3, ip("10.0.12.2"));
        t.stopped(2, ip("10.0.12.2"));
        assert!(t.complete());
        assert_eq!(t.hops(dst), vec![ip("10.0.1.1"), ip("10.0.12.2")]);
    }

    #[test]
    fn silent_hops_are_skipped() {
        let dst = ip("10.0.3.10");
        let mut t = Trace::default();
        t.time_exceeded(2, ip("10.0.12.2"));
        assert!(!t.complete());
        assert_eq!(t.hops(dst), vec![ip("10.0.12.2")]);
        // Hop limit 0 or beyond the table is ignored, not a panic.
        t.time_exceeded(0, ip("1.1.1.1"));
        t.time_exceeded(200, ip("1.1.1.1"));
        assert_eq!(t.hops(dst), vec![ip("10.0.12.2")]);
    }
}
