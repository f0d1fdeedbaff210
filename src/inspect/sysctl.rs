//! The forwarding-related sysctls `inspect` shows. Files under
//! `/proc/sys/net` answer for the network namespace of the thread that
//! opens them, so these are read on a thread inside the namespace.

/// Forwarding and reverse-path-filter settings of one namespace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Forwarding {
    /// net.ipv4.ip_forward
    pub ipv4: Option<bool>,
    /// net.ipv6.conf.all.forwarding
    pub ipv6: Option<bool>,
    /// net.ipv4.conf.all.rp_filter (0 off, 1 strict, 2 loose)
    pub rp_filter_all: Option<u8>,
    /// net.ipv4.conf.default.rp_filter
    pub rp_filter_default: Option<u8>,
}

fn read_number(path: &str) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Read the settings of the calling thread's current network namespace.
pub fn read_current() -> Forwarding {
    Forwarding {
        ipv4: read_number("/proc/sys/net/ipv4/ip_forward").map(|v| v != 0),
        ipv6: read_number("/proc/sys/net/ipv6/conf/all/forwarding").map(|v| v != 0),
        rp_filter_all: read_number("/proc/sys/net/ipv4/conf/all/rp_filter").map(|v| v as u8),
        rp_filter_default: read_number("/proc/sys/net/ipv4/conf/default/rp_filter").map(|v| v as u8),
    }
}

/// `rp_filter` in words.
pub fn rp_filter_words(v: u8) -> &'static str {
    match v {
        0 => "off",
        1 => "strict",
        _ => "loose",
    }
}
