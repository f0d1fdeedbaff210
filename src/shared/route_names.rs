//! iproute2's name databases (`rt_names.c`, `rtm_map.c`): protocols,
//! scopes, tables, realms and DS fields, built in and extended by
//! `/etc/iproute2/rt_*` (and `rt_protos.d/*.conf`, `rt_tables.d/*.conf`),
//! read once, the first time a name is needed. `-N` prints numbers.
//!
//! `ip route` and `ip neighbour` print and read these names, and `inspect`
//! prints them; reading a name typed on a command line (with iproute2's
//! number fallbacks) is the objects' business, in `ipobj::route::names`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

const CONFDIR: &str = "/etc/iproute2";

/// One database: id → name, later definitions overriding earlier ones.
struct Db {
    names: BTreeMap<u32, String>,
}

impl Db {
    fn new(builtin: &[(u32, &str)], files: &[&str], dirs: &[&str], limit: u32) -> Db {
        let mut names: BTreeMap<u32, String> = builtin.iter().map(|&(i, n)| (i, n.to_string())).collect();
        let mut paths: Vec<String> = files.iter().map(|f| format!("{CONFDIR}/{f}")).collect();
        for dir in dirs {
            let Ok(rd) = std::fs::read_dir(format!("{CONFDIR}/{dir}")) else { continue };
            for e in rd.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if !name.starts_with('.') && name.len() > 5 && name.ends_with(".conf") {
                    paths.push(format!("{CONFDIR}/{dir}/{name}"));
                }
            }
        }
        for path in paths {
            read_file(&path, limit, &mut names);
        }
        Db { names }
    }

    fn name(&self, id: u32) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    fn id(&self, name: &[u8]) -> Option<u32> {
        self.names.iter().find(|(_, n)| n.as_bytes() == name).map(|(&i, _)| i)
    }
}

/// `fread_id_name` over one file: `ID NAME` lines (ID decimal or `0x` hex),
/// `#` comments; a malformed line ends the file with iproute2's complaint.
fn read_file(path: &str, limit: u32, names: &mut BTreeMap<u32, String>) {
    let Ok(text) = std::fs::read(path) else { return };
    for line in text.split(|&c| c == b'\n') {
        let p: &[u8] = {
            let start = line.iter().position(|&c| c != b' ' && c != b'\t').unwrap_or(line.len());
            &line[start..]
        };
        if p.is_empty() || p[0] == b'#' {
            continue;
        }
        let mut words = p.split(|c| c.is_ascii_whitespace()).filter(|w| !w.is_empty());
        let (Some(id), Some(name)) = (words.next(), words.next()) else {
            crate::errln!("Database ", path, " is corrupted at ", p, "\n");
            return;
        };
        let id = if let Some(hex) = id.strip_prefix(b"0x") {
            std::str::from_utf8(hex).ok().and_then(|h| i64::from_str_radix(h, 16).ok())
        } else {
            std::str::from_utf8(id).ok().and_then(|d| d.parse::<i64>().ok())
        };
        let Some(id) = id else {
            crate::errln!("Database ", path, " is corrupted at ", p, "\n");
            return;
        };
        if id < 0 || id >= i64::from(limit) {
            continue;
        }
        names.insert(id as u32, String::from_utf8_lossy(name).into_owned());
    }
}

fn protos() -> &'static Db {
    static DB: OnceLock<Db> = OnceLock::new();
    DB.get_or_init(|| {
        let builtin = [
            (0, "unspec"),
            (1, "redirect"),
            (2, "kernel"),
            (3, "boot"),
            (4, "static"),
            (8, "gated"),
            (9, "ra"),
            (10, "mrt"),
            (11, "zebra"),
            (12, "bird"),
            (13, "dnrouted"),
            (14, "xorp"),
            (15, "ntk"),
            (16, "dhcp"),
            (18, "keepalived"),
            (42, "babel"),
            (186, "bgp"),
            (187, "isis"),
            (188, "ospf"),
            (189, "rip"),
            (192, "eigrp"),
        ];
        Db::new(&builtin, &["rt_protos"], &["rt_protos.d"], 256)
    })
}

fn scopes() -> &'static Db {
    static DB: OnceLock<Db> = OnceLock::new();
    DB.get_or_init(|| {
        let builtin = [(0, "global"), (255, "nowhere"), (254, "host"), (253, "link"), (200, "site")];
        Db::new(&builtin, &["rt_scopes"], &[], 256)
    })
}

fn tables() -> &'static Db {
    static DB: OnceLock<Db> = OnceLock::new();
    DB.get_or_init(|| {
        let builtin = [(253, "default"), (254, "main"), (255, "local")];
        Db::new(&builtin, &["rt_tables"], &["rt_tables.d"], u32::MAX)
    })
}

fn realms() -> &'static Db {
    static DB: OnceLock<Db> = OnceLock::new();
    DB.get_or_init(|| Db::new(&[(0, "unknown")], &["rt_realms"], &[], 256))
}

fn dsfields() -> &'static Db {
    static DB: OnceLock<Db> = OnceLock::new();
    DB.get_or_init(|| Db::new(&[(0, "0")], &["rt_dsfield"], &[], 256))
}

/// Names, or numbers with `-N`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Names {
    /// `-Numeric`
    pub numeric: bool,
}

impl Names {
    /// `rtnl_rtprot_n2a`
    pub fn proto(&self, id: u8) -> String {
        named(self.numeric, protos(), u32::from(id))
    }

    /// `rtnl_rtscope_n2a`
    pub fn scope(&self, id: u8) -> String {
        named(self.numeric, scopes(), u32::from(id))
    }

    /// `rtnl_rttable_n2a`
    pub fn table(&self, id: u32) -> String {
        named(self.numeric, tables(), id)
    }

    /// `rtnl_rtrealm_n2a`
    pub fn realm(&self, id: u32) -> String {
        named(self.numeric, realms(), id)
    }

    /// `rtnl_dsfield_n2a`: a name, else `0x%02x`.
    pub fn dsfield(&self, id: u8) -> String {
        match dsfields().name(u32::from(id)) {
            Some(n) if !self.numeric => n.to_string(),
            _ => format!("0x{id:02x}"),
        }
    }

    /// `rtnl_rtntype_n2a`
    pub fn rtntype(&self, id: u8) -> String {
        if self.numeric {
            return id.to_string();
        }
        match id {
            0 => "none",
            1 => "unicast",
            2 => "local",
            3 => "broadcast",
            4 => "anycast",
            5 => "multicast",
            6 => "blackhole",
            7 => "unreachable",
            8 => "prohibit",
            9 => "throw",
            10 => "nat",
            11 => "xresolve",
            _ => return id.to_string(),
        }
        .to_string()
    }
}

fn named(numeric: bool, db: &Db, id: u32) -> String {
    match db.name(id) {
        Some(n) if !numeric => n.to_string(),
        _ => id.to_string(),
    }
}

/// The id of protocol `name` in the database (no number parsing).
pub fn proto_id(name: &[u8]) -> Option<u32> {
    protos().id(name)
}

/// The id of scope `name` in the database.
pub fn scope_id(name: &[u8]) -> Option<u32> {
    scopes().id(name)
}

/// The id of table `name` in the database.
pub fn table_id(name: &[u8]) -> Option<u32> {
    tables().id(name)
}

/// The id of realm `name` in the database.
pub fn realm_id(name: &[u8]) -> Option<u32> {
    realms().id(name)
}

/// The id of DS field `name` in the database.
pub fn dsfield_id(name: &[u8]) -> Option<u32> {
    dsfields().id(name)
}
