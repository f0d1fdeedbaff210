//! Legacy iptables (x_tables): the tables `iptables-legacy` and
//! `ip6tables-legacy` write, read through their `getsockopt` interface on a
//! raw socket, without the `iptables` program.
//!
//! [`XtSocket::open`] opens a raw IPv4 or IPv6 socket in the calling
//! thread's namespace and notes which tables that namespace holds
//! (`/proc/thread-self/net/ip_tables_names`, `ip6_tables_names`);
//! [`NetNs::xtables`](crate::NetNs::xtables) does the same in another
//! namespace (switch in, open, switch back). [`XtSocket::tables`] then asks
//! for each listed table's layout (`IPT_SO_GET_INFO`) and its entries
//! (`IPT_SO_GET_ENTRIES`), and [`parse_entries`] walks the entry buffer
//! with checked offsets.
//!
//! Only the listed tables are read: asking the kernel for a table the
//! namespace does not hold yet creates it there (a built-in table is
//! instantiated on first use, a modular one has its module loaded), and a
//! read must change nothing. Reading needs `CAP_NET_ADMIN` in the
//! namespace and `CAP_NET_RAW` for the socket.
//!
//! Every read is bounded: a table larger than [`MAX_TABLE_BYTES`] is an
//! error, and so is a table that keeps changing size while it is read.

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// The largest table read, in bytes of entries.
pub const MAX_TABLE_BYTES: u32 = 64 << 20;

/// Which of the two x_tables families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum XtFamily {
    /// `ip_tables` (what `iptables-legacy` writes).
    Ipv4,
    /// `ip6_tables` (what `ip6tables-legacy` writes).
    Ipv6,
}

impl XtFamily {
    fn names_file(self) -> &'static str {
        match self {
            XtFamily::Ipv4 => "/proc/thread-self/net/ip_tables_names",
            XtFamily::Ipv6 => "/proc/thread-self/net/ip6_tables_names",
        }
    }

    /// Bytes of `struct ipt_entry` / `struct ip6t_entry` before the matches.
    fn entry_size(self) -> usize {
        match self {
            XtFamily::Ipv4 => 112,
            XtFamily::Ipv6 => 168,
        }
    }
}

/// The number of hooks a table's layout describes (prerouting, input,
/// forward, output, postrouting).
pub const HOOKS: usize = 5;

/// One table: its layout and its entries in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XtTable {
    /// Family.
    pub family: XtFamily,
    /// Name (`filter`, `nat`, `mangle`, `raw`, `security`).
    pub name: String,
    /// Bit `h` set: the table has a chain on hook `h`.
    pub valid_hooks: u32,
    /// Offset of the first entry of each hook's chain.
    pub hook_entry: [u32; HOOKS],
    /// Offset of each hook's policy entry (the chain's last).
    pub underflow: [u32; HOOKS],
    /// The entries.
    pub entries: Vec<XtEntry>,
    /// The names of the ipsets its `set` matches use, by index (a rule
    /// holds the index only); an index whose name could not be read is
    /// missing.
    pub set_names: BTreeMap<u16, String>,
}

/// One entry (a rule, a policy, a user chain's head or tail, or the
/// table's end marker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XtEntry {
    /// Byte offset in the table (what jumps and hooks point at).
    pub offset: u32,
    /// Bytes to the next entry.
    pub next_offset: u32,
    /// Source address and mask.
    pub src: (IpAddr, IpAddr),
    /// Destination address and mask.
    pub dst: (IpAddr, IpAddr),
    /// Input interface (`+` at the end: a prefix); empty: any.
    pub iniface: String,
    /// Output interface likewise.
    pub outiface: String,
    /// Transport protocol number; 0: any.
    pub proto: u16,
    /// `IPT_F_*` / `IP6T_F_*` flags.
    pub flags: u8,
    /// `IPT_INV_*` flags (the same bits for IPv6).
    pub invflags: u8,
    /// Packets counted.
    pub packets: u64,
    /// Bytes counted.
    pub bytes: u64,
    /// The matches, in order.
    pub matches: Vec<XtExt>,
    /// The target.
    pub target: XtExt,
}

impl XtEntry {
    /// True when the rule jumps with `-g` (goto) rather than `-j`.
    pub fn is_goto(&self, family: XtFamily) -> bool {
        self.flags & if family == XtFamily::Ipv4 { 0x02 } else { 0x04 } != 0
    }

    /// True when the rule matches fragments only (`-f`, IPv4).
    pub fn is_fragment(&self, family: XtFamily) -> bool {
        family == XtFamily::Ipv4 && self.flags & 0x01 != 0
    }
}

/// Inverted parts of an entry's IP match (`IPT_INV_*`).
pub mod inv {
    /// `! -i`.
    pub const VIA_IN: u8 = 0x01;
    /// `! -o`.
    pub const VIA_OUT: u8 = 0x02;
    /// `! -s`.
    pub const SRCIP: u8 = 0x08;
    /// `! -d`.
    pub const DSTIP: u8 = 0x10;
    /// `! -f`.
    pub const FRAG: u8 = 0x20;
    /// `! -p`.
    pub const PROTO: u8 = 0x40;
}

/// A match or a target: its extension name, revision and data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XtExt {
    /// Extension name; the empty string is the standard target.
    pub name: String,
    /// Revision.
    pub revision: u8,
    /// The extension's own bytes (after its 32-byte header).
    pub data: Vec<u8>,
}

/// What a standard target's verdict does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdVerdict {
    /// `ACCEPT`.
    Accept,
    /// `DROP`.
    Drop,
    /// `QUEUE`.
    Queue,
    /// `RETURN`.
    Return,
    /// A jump to the entry at this offset.
    Jump(u32),
    /// Another negative verdict.
    Other(i32),
}

impl XtExt {
    /// The verdict of a standard target (name empty, 4 bytes of data).
    pub fn standard_verdict(&self) -> Option<StdVerdict> {
        if !self.name.is_empty() {
            return None;
        }
        let v = i32::from_ne_bytes(self.data.get(..4)?.try_into().ok()?);
        Some(match v {
            -2 => StdVerdict::Accept,
            -1 => StdVerdict::Drop,
            -4 => StdVerdict::Queue,
            -5 => StdVerdict::Return,
            v if v >= 0 => StdVerdict::Jump(v as u32),
            v => StdVerdict::Other(v),
        })
    }

    /// The chain name an `ERROR` target carries (a user chain's head, or
    /// `ERROR` for the table's end).
    pub fn error_name(&self) -> Option<String> {
        (self.name == "ERROR").then(|| cstr(&self.data))
    }
}

/// The text of a NUL-padded C string field.
pub fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_ne_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn addr(family: XtFamily, b: &[u8], at: usize) -> Option<IpAddr> {
    Some(match family {
        XtFamily::Ipv4 => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(b.get(at..at + 4)?).ok()?)),
        XtFamily::Ipv6 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(b.get(at..at + 16)?).ok()?)),
    })
}

/// An interface name with its mask (16 bytes each): a mask shorter than
/// the name plus its NUL makes a prefix match, written with a trailing `+`.
pub fn iface(name: &[u8], mask: &[u8]) -> String {
    let len = name.iter().position(|&c| c == 0).unwrap_or(name.len());
    let masked = mask.iter().take_while(|&&m| m == 0xff).count();
    if len > 0 && masked <= len {
        format!("{}+", String::from_utf8_lossy(&name[..masked]))
    } else {
        String::from_utf8_lossy(&name[..len]).into_owned()
    }
}

fn bad(what: &str, at: usize) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("x_tables entry buffer: {what} at byte {at}"))
}

/// Parse an extension (match or target) header and data at `at`, `size`
/// bytes long, within `b`.
fn ext(b: &[u8], at: usize, end: usize) -> io::Result<(XtExt, usize)> {
    let size = u16_at(b, at).ok_or_else(|| bad("truncated extension", at))? as usize;
    if size < 32 || at + size > end {
        return Err(bad("extension size out of bounds", at));
    }
    let name = cstr(&b[at + 2..at + 31]);
    Ok((XtExt { name, revision: b[at + 31], data: b[at + 32..at + size].to_vec() }, size))
}

/// Parse the entries of a table (`buf`: what `IPT_SO_GET_ENTRIES` returned
/// after its header). Every offset is checked against the buffer.
pub fn parse_entries(family: XtFamily, buf: &[u8]) -> io::Result<Vec<XtEntry>> {
    let esz = family.entry_size();
    let (ip_len, iface_at, proto_at, flags_at, offs_at, cnt_at) = match family {
        XtFamily::Ipv4 => (4, 16, 80, 82, 88, 96),
        XtFamily::Ipv6 => (16, 64, 128, 131, 140, 152),
    };
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < buf.len() {
        if at + esz > buf.len() {
            return Err(bad("truncated entry", at));
        }
        let e = &buf[at..];
        let target_offset = u16_at(e, offs_at).unwrap_or(0) as usize;
        let next_offset = u16_at(e, offs_at + 2).unwrap_or(0) as usize;
        if next_offset < esz || at + next_offset > buf.len() || target_offset < esz || target_offset > next_offset {
            return Err(bad("entry offsets out of bounds", at));
        }
        let e = &buf[at..at + next_offset];
        let mut matches = Vec::new();
        let mut m = esz;
        while m < target_offset {
            let (x, size) = ext(e, m, target_offset)?;
            matches.push(x);
            m += size;
        }
        let (target, _) = ext(e, target_offset, next_offset)?;
        let field = |i: usize| addr(family, e, i * ip_len).ok_or_else(|| bad("truncated address", at));
        let i = iface_at;
        out.push(XtEntry {
            offset: at as u32,
            next_offset: next_offset as u32,
            src: (field(0)?, field(2)?),
            dst: (field(1)?, field(3)?),
            iniface: iface(&e[i..i + 16], &e[i + 32..i + 48]),
            outiface: iface(&e[i + 16..i + 32], &e[i + 48..i + 64]),
            proto: u16_at(e, proto_at).unwrap_or(0),
            flags: e[flags_at],
            invflags: e[flags_at + 1],
            packets: u64_at(e, cnt_at).unwrap_or(0),
            bytes: u64_at(e, cnt_at + 8).unwrap_or(0),
            matches,
            target,
        });
        at += next_offset;
    }
    Ok(out)
}

/// Parse `struct ipt_getinfo` (84 bytes) into a table without entries;
/// returns it and the entries' size.
pub fn parse_info(family: XtFamily, b: &[u8]) -> io::Result<(XtTable, u32)> {
    if b.len() < INFO_LEN {
        return Err(bad("truncated table info", 0));
    }
    let mut hook_entry = [0u32; HOOKS];
    let mut underflow = [0u32; HOOKS];
    for h in 0..HOOKS {
        hook_entry[h] = u32_at(b, 36 + 4 * h).unwrap_or(0);
        underflow[h] = u32_at(b, 56 + 4 * h).unwrap_or(0);
    }
    let table = XtTable {
        family,
        name: cstr(&b[..32]),
        valid_hooks: u32_at(b, 32).unwrap_or(0),
        hook_entry,
        underflow,
        entries: Vec::new(),
        set_names: BTreeMap::new(),
    };
    Ok((table, u32_at(b, 80).unwrap_or(0)))
}

const INFO_LEN: usize = 84;
const ENTRIES_HEADER: usize = 40;
const SO_GET_INFO: libc::c_int = 64;
const SO_GET_ENTRIES: libc::c_int = 65;

/// A raw socket for reading one family's tables in the namespace it was
/// opened in.
#[derive(Debug)]
pub struct XtSocket {
    /// `None` when the namespace holds no table of the family.
    fd: Option<OwnedFd>,
    /// An IPv4 socket for asking ipset for set names (the IPv4 socket
    /// itself for that family).
    ipset_fd: Option<OwnedFd>,
    family: XtFamily,
    names: Vec<String>,
}

impl XtSocket {
    /// Open a raw socket in the calling thread's namespace and note the
    /// tables that namespace holds. No file listing them (the kernel has
    /// no `ip_tables`): no tables. Without tables no socket is opened.
    pub fn open(family: XtFamily) -> io::Result<XtSocket> {
        let names = match std::fs::read_to_string(family.names_file()) {
            Ok(s) => s.lines().map(str::to_string).filter(|l| !l.is_empty() && l.len() < 32).collect(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        if names.is_empty() {
            return Ok(XtSocket { fd: None, ipset_fd: None, family, names });
        }
        let fd = match family {
            XtFamily::Ipv4 => raw_socket(libc::AF_INET)?,
            XtFamily::Ipv6 => raw_socket(libc::AF_INET6)?,
        };
        // Set names are a convenience: without the socket, indexes show.
        let ipset_fd = if family == XtFamily::Ipv6 { raw_socket(libc::AF_INET).ok() } else { None };
        Ok(XtSocket { fd: Some(fd), ipset_fd, family, names })
    }

    /// The names of the tables the namespace holds, as listed when the
    /// socket was opened.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Read every listed table. A table that went away since the listing
    /// (`ENOENT`) is left out.
    pub fn tables(&self) -> io::Result<Vec<XtTable>> {
        let mut out = Vec::new();
        for name in &self.names {
            match self.table(name) {
                Ok(t) => out.push(t),
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Read one table by name. Only ask for tables the namespace holds
    /// ([`names`](Self::names)): asking for another one creates it.
    pub fn table(&self, name: &str) -> io::Result<XtTable> {
        let level = match self.family {
            XtFamily::Ipv4 => libc::SOL_IP,
            XtFamily::Ipv6 => libc::SOL_IPV6,
        };
        if name.is_empty() || name.len() >= 32 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("bad x_tables table name \"{name}\"")));
        }
        // The entries can change between the two calls; the kernel then
        // answers EAGAIN and the layout is asked for again.
        for _ in 0..8 {
            let mut info = [0u8; INFO_LEN];
            info[..name.len()].copy_from_slice(name.as_bytes());
            self.getsockopt(level, SO_GET_INFO, &mut info)?;
            let (mut table, size) = parse_info(self.family, &info)?;
            if size > MAX_TABLE_BYTES {
                return Err(io::Error::other(format!(
                    "x_tables table {name}: {size} bytes of entries, more than read"
                )));
            }
            // An 8-byte-aligned buffer: the header is 40 bytes, the
            // entries' counters are 64-bit.
            let mut buf = vec![0u8; ENTRIES_HEADER + size as usize];
            buf[..name.len()].copy_from_slice(name.as_bytes());
            buf[32..36].copy_from_slice(&size.to_ne_bytes());
            match self.getsockopt(level, SO_GET_ENTRIES, &mut buf) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(libc::EAGAIN) => continue,
                Err(e) => return Err(e),
            }
            table.entries = parse_entries(self.family, &buf[ENTRIES_HEADER..])?;
            for e in &table.entries {
                for m in e.matches.iter().filter(|m| m.name == "set" && (1..=4).contains(&m.revision)) {
                    if let Some(index) = m.data.get(..2).and_then(|b| b.try_into().ok()).map(u16::from_ne_bytes)
                        && !table.set_names.contains_key(&index)
                        && let Some(name) = self.set_name(index)
                    {
                        table.set_names.insert(index, name);
                    }
                }
            }
            return Ok(table);
        }
        Err(io::Error::other(format!("x_tables table {name} kept changing while it was read")))
    }

    /// The name of the ipset with `index` (`IP_SET_OP_GET_BYINDEX`);
    /// `None` when there is none or ipset cannot be asked.
    pub fn set_name(&self, index: u16) -> Option<String> {
        let fd = if self.family == XtFamily::Ipv4 { self.fd.as_ref() } else { self.ipset_fd.as_ref() }?;
        // struct ip_set_req_get_set: op, version, then the name or index.
        let mut req = [0u8; 40];
        req[..4].copy_from_slice(&IP_SET_OP_GET_BYINDEX.to_ne_bytes());
        req[4..8].copy_from_slice(&IPSET_PROTOCOL.to_ne_bytes());
        req[8..10].copy_from_slice(&index.to_ne_bytes());
        sockopt(fd, libc::SOL_IP, SO_IP_SET, &mut req).ok()?;
        let name = cstr(&req[8..40]);
        (!name.is_empty()).then_some(name)
    }

    fn getsockopt(&self, level: libc::c_int, opt: libc::c_int, buf: &mut [u8]) -> io::Result<()> {
        let Some(fd) = &self.fd else { return Err(io::Error::from_raw_os_error(libc::ENOENT)) };
        sockopt(fd, level, opt, buf)
    }
}

const SO_IP_SET: libc::c_int = 83;
const IP_SET_OP_GET_BYINDEX: u32 = 7;
/// The oldest ipset protocol version the kernel takes, so that older
/// kernels answer too.
const IPSET_PROTOCOL: u32 = 6;

fn raw_socket(domain: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: socket(2) takes no pointers; the result is checked.
    let fd = unsafe { libc::socket(domain, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::IPPROTO_RAW) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn sockopt(fd: &OwnedFd, level: libc::c_int, opt: libc::c_int, buf: &mut [u8]) -> io::Result<()> {
    let mut len = libc::socklen_t::try_from(buf.len()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: buf is valid for writes of len bytes for the call, and len is
    // a valid socklen_t the kernel may update.
    let r = unsafe { libc::getsockopt(fd.as_raw_fd(), level, opt, buf.as_mut_ptr().cast(), &mut len) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
