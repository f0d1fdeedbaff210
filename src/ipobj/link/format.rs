//! Value formatting the link printers share (`kinds`, `linkinfo`): the
//! C `printf` forms iproute2's link code prints hex numbers and hardware
//! addresses with. They are formats, not output, so they live here rather
//! than in the object-independent [`crate::ipobj::out`] sink.

/// `%#llx`: `0` for zero, else `0x…`.
pub fn hex0x(v: u64) -> String {
    if v == 0 { "0".to_string() } else { format!("{v:#x}") }
}

/// A hardware address as `ll_addr_n2a` writes it: two hex digits per byte
/// joined by `:` (IPv4/IPv6 for tunnel types).
pub fn lladdr(addr: &[u8], link_type: u16) -> String {
    const ARPHRD_TUNNEL: u16 = 768;
    const ARPHRD_TUNNEL6: u16 = 769;
    const ARPHRD_SIT: u16 = 776;
    const ARPHRD_IPGRE: u16 = 778;
    const ARPHRD_IP6GRE: u16 = 823;
    if addr.len() == 4 && matches!(link_type, ARPHRD_TUNNEL | ARPHRD_SIT | ARPHRD_IPGRE) {
        return std::net::Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3]).to_string();
    }
    if addr.len() == 16 && matches!(link_type, ARPHRD_TUNNEL6 | ARPHRD_IP6GRE) {
        let mut b = [0u8; 16];
        b.copy_from_slice(addr);
        return std::net::Ipv6Addr::from(b).to_string();
    }
    if addr.is_empty() {
        return "00".to_string(); // iproute2 prints the (zero) first byte anyway
    }
    let mut s = String::with_capacity(addr.len() * 3);
    for (i, b) in addr.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_like_printf_alternate_form() {
        assert_eq!(hex0x(0), "0");
        assert_eq!(hex0x(8), "0x8");
        assert_eq!(hex0x(0xc01), "0xc01");
    }

    #[test]
    fn lladdr_like_iproute2() {
        assert_eq!(lladdr(&[2, 0, 0, 0, 0, 0x1a], 1), "02:00:00:00:00:1a");
        assert_eq!(lladdr(&[10, 0, 0, 1], 768), "10.0.0.1");
    }
}
