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

/// The largest database file read (iproute2's own are a few hundred bytes);
/// a larger one is not read at all.
const MAX_FILE_BYTES: u64 = 1 << 20;
/// The most lines read from one database file; the rest is not read.
const MAX_FILE_LINES: usize = 65_536;
/// The most entries looked at in one `*.d` directory.
const MAX_DIR_ENTRIES: usize = 4096;

/// One database: id → name, later definitions overriding earlier ones.
struct Db {
    names: BTreeMap<u32, String>,
}

impl Db {
    fn new(builtin: &[(u32, &str)], files: &[&str], dirs: &[&str], limit: u32) -> Db {
        let mut names: BTreeMap<u32, String> = builtin.iter().map(|&(i, n)| (i, n.to_string())).collect();
        let mut paths: Vec<String> = files.iter().map(|f| format!("{CONFDIR}/{f}")).collect();
        for dir in dirs {
            paths.extend(conf_files(&format!("{CONFDIR}/{dir}")));
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

/// The `*.conf` files of directory `dir` (none when it cannot be read),
/// among its first [`MAX_DIR_ENTRIES`] entries.
fn conf_files(dir: &str) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut paths = Vec::new();
    for (seen, e) in rd.flatten().enumerate() {
        if seen == MAX_DIR_ENTRIES {
            crate::errln!(
                "Directory ",
                dir,
                " has more than ",
                MAX_DIR_ENTRIES.to_string(),
                " entries; the rest is not read"
            );
            break;
        }
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with('.') && name.len() > 5 && name.ends_with(".conf") {
            paths.push(format!("{dir}/{name}"));
        }
    }
    paths
}

/// The text of database file `path`: a regular file of at most
/// [`MAX_FILE_BYTES`]. `None` (said on stderr unless it is simply absent or
/// unreadable) for anything else: a FIFO would wait for a writer forever,
/// a device may never end.
fn read_text(path: &str) -> Option<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a
    // writer; the check on the descriptor below then refuses it.
    let file = std::fs::File::options().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path).ok()?;
    let meta = file.metadata().ok()?;
    if meta.is_dir() {
        // iproute2 finds nothing in it either.
        return None;
    }
    let too_big = || crate::errln!("Database ", path, " is larger than 1 MiB; not read");
    if !meta.is_file() {
        crate::errln!("Database ", path, " is not a regular file; not read");
        return None;
    }
    if meta.len() > MAX_FILE_BYTES {
        too_big();
        return None;
    }
    let mut text = Vec::with_capacity(meta.len() as usize);
    // It may grow while it is read: never more than the limit.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut text).ok()?;
    if text.len() as u64 > MAX_FILE_BYTES {
        too_big();
        return None;
    }
    Some(text)
}

/// `fread_id_name` over one file: `ID NAME` lines (ID decimal or `0x` hex),
/// `#` comments; a malformed line ends the file with iproute2's complaint.
/// At most [`MAX_FILE_LINES`] lines are read.
fn read_file(path: &str, limit: u32, names: &mut BTreeMap<u32, String>) {
    let Some(text) = read_text(path) else { return };
    for (n, line) in text.split(|&c| c == b'\n').enumerate() {
        if n == MAX_FILE_LINES {
            crate::errln!(
                "Database ",
                path,
                " has more than ",
                MAX_FILE_LINES.to_string(),
                " lines; the rest is not read"
            );
            return;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory of its own for one test, removed at the end.
    struct Scratch(std::path::PathBuf);

    impl Scratch {
        fn new(test: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("netns-route-names-{test}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir(&dir).unwrap();
            Scratch(dir)
        }

        fn path(&self, name: &str) -> String {
            self.0.join(name).to_str().unwrap().to_string()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn read(path: &str) -> BTreeMap<u32, String> {
        let mut names = BTreeMap::new();
        read_file(path, u32::MAX, &mut names);
        names
    }

    #[test]
    fn a_database_is_read_line_by_line() {
        let s = Scratch::new("plain");
        std::fs::write(s.path("rt_tables"), "# comment\n100 blue\n  0x65\tgreen\n").unwrap();
        assert_eq!(read(&s.path("rt_tables")), BTreeMap::from([(100, "blue".into()), (101, "green".into())]));
        assert!(read(&s.path("absent")).is_empty());
    }

    #[test]
    fn a_fifo_or_a_directory_is_not_read_and_never_waited_on() {
        let s = Scratch::new("fifo");
        nix::unistd::mkfifo(s.path("rt_tables").as_str(), nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        assert!(read(&s.path("rt_tables")).is_empty());
        assert!(read(&s.path("")).is_empty());
    }

    #[test]
    fn a_database_over_1_mib_is_not_read_at_all() {
        let s = Scratch::new("big");
        let mut text = b"100 blue\n".to_vec();
        text.resize(MAX_FILE_BYTES as usize + 1, b'#');
        std::fs::write(s.path("rt_tables"), &text).unwrap();
        assert!(read(&s.path("rt_tables")).is_empty());
        text.truncate(MAX_FILE_BYTES as usize);
        std::fs::write(s.path("rt_tables"), &text).unwrap();
        assert_eq!(read(&s.path("rt_tables")), BTreeMap::from([(100, "blue".into())]), "1 MiB is read");
    }

    #[test]
    fn lines_past_the_bound_are_not_read() {
        let s = Scratch::new("lines");
        let text: String = (0..MAX_FILE_LINES + 10).map(|i| format!("{i} t{i}\n")).collect();
        std::fs::write(s.path("rt_tables"), text).unwrap();
        let names = read(&s.path("rt_tables"));
        assert_eq!(names.len(), MAX_FILE_LINES);
        assert_eq!(names.keys().next_back(), Some(&(MAX_FILE_LINES as u32 - 1)));
    }

    #[test]
    fn conf_files_are_the_dot_conf_entries_of_a_bounded_listing() {
        let s = Scratch::new("dir");
        for name in ["a.conf", ".hidden.conf", "b.txt", ".conf", "c.conf"] {
            std::fs::write(s.path(name), "").unwrap();
        }
        let mut got = conf_files(s.0.to_str().unwrap());
        got.sort();
        assert_eq!(got, [s.path("a.conf"), s.path("c.conf")]);
        for i in 0..MAX_DIR_ENTRIES + 10 {
            std::fs::write(s.path(&format!("x{i}.conf")), "").unwrap();
        }
        // Which entries come first is the directory's order: of the first
        // MAX_DIR_ENTRIES, at most the 3 above are not .conf files.
        let n = conf_files(s.0.to_str().unwrap()).len();
        assert!((MAX_DIR_ENTRIES - 3..=MAX_DIR_ENTRIES).contains(&n), "{n}");
    }
}
