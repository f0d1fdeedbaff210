//! Names iproute2 gives to numbers in link records: hardware types
//! (`ll_type_n2a`), device groups (`rtnl_group_n2a`), IPv6 address
//! generation modes.

/// `addrgenmode` names.
pub fn gen_mode_name(mode: u8) -> String {
    match mode {
        0 => "eui64".into(),
        1 => "none".into(),
        2 => "stable_secret".into(),
        3 => "random".into(),
        m => format!("{m:#04x}"),
    }
}

/// `ll_type_n2a`: the ARPHRD_* name, `[N]` for unknown types or under `-N`.
pub fn link_type_name(t: u16, numeric: bool) -> String {
    if numeric {
        return format!("[{t}]");
    }
    let name = match t {
        0 => "netrom",
        1 => "ether",
        2 => "eether",
        3 => "ax25",
        4 => "pronet",
        5 => "chaos",
        6 => "ieee802",
        7 => "arcnet",
        8 => "atalk",
        15 => "dlci",
        19 => "atm",
        23 => "metricom",
        24 => "ieee1394",
        32 => "infiniband",
        256 => "slip",
        257 => "cslip",
        258 => "slip6",
        259 => "cslip6",
        260 => "rsrvd",
        264 => "adapt",
        270 => "rose",
        271 => "x25",
        272 => "hwx25",
        280 => "can",
        512 => "ppp",
        513 => "hdlc",
        516 => "lapb",
        517 => "ddcmp",
        518 => "rawhdlc",
        768 => "ipip",
        769 => "tunnel6",
        770 => "frad",
        771 => "skip",
        772 => "loopback",
        773 => "ltalk",
        774 => "fddi",
        775 => "bif",
        776 => "sit",
        777 => "ip/ddp",
        778 => "gre",
        779 => "pimreg",
        780 => "hippi",
        781 => "ash",
        782 => "econet",
        783 => "irda",
        784 => "fcpp",
        785 => "fcal",
        786 => "fcpl",
        787 => "fcfb0",
        800 => "tr",
        801 => "ieee802.11",
        802 => "ieee802.11/prism",
        803 => "ieee802.11/radiotap",
        804 => "ieee802.15.4",
        805 => "ieee802.15.4/monitor",
        820 => "phonet",
        821 => "phonet_pipe",
        822 => "caif",
        823 => "gre6",
        824 => "netlink",
        825 => "6lowpan",
        0xfffe => "none",
        0xffff => "void",
        788..=799 => return format!("fcfb{}", t - 787),
        _ => return format!("[{t}]"),
    };
    name.to_string()
}

/// `rtnl_group_n2a`: the name from /etc/iproute2/group (0 is `default`),
/// else the number.
pub fn group_name(group: u32, numeric: bool) -> String {
    if !numeric {
        if group == 0 {
            return "default".to_string();
        }
        if let Ok(text) = std::fs::read_to_string("/etc/iproute2/group") {
            for line in text.lines() {
                let mut words = line.split_whitespace();
                let (Some(id), Some(name)) = (words.next(), words.next()) else { continue };
                if id.starts_with('#') {
                    continue;
                }
                if crate::ipobj::link::listing::parse_c_unsigned(id.as_bytes()) == Some(group.into()) {
                    return name.to_string();
                }
            }
        }
    }
    (group as i32).to_string()
}
