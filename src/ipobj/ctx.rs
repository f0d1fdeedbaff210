//! State shared by every command of one `netns` run (and every line of a
//! batch file): the global options iproute2's `ip` takes, the output
//! buffer and the netlink socket. The command line makes it
//! and fills the options in; the objects and the netns subcommands read it.

use super::grammar::Exit;
use crate::netlink::Netlink;
use crate::rundir::RunDir;
use crate::switch::{SwitchMode, switch_mounts, switch_to_word};
use std::ffi::{OsStr, OsString};
use std::io::{self, BufWriter, Stdout, Write};

/// Options that change what the netns commands do.
#[derive(Debug, Default, Clone)]
pub struct Opts {
    /// `-all`
    pub all: bool,
    /// `-json`
    pub json: bool,
    /// `-pretty`
    pub pretty: bool,
    /// `-force`
    pub force: bool,
    /// `-batch FILE`
    pub batch: Option<OsString>,
    /// `--net-only`: exec enters only the network namespace.
    pub switch_mode: SwitchMode,
    /// `-4`, `-6`, `-0`, `-family F`.
    pub family: Family,
    /// `-s` given this many times.
    pub stats: u8,
    /// `-d` given this many times.
    pub details: u8,
    /// `-oneline`
    pub oneline: bool,
    /// `-brief`
    pub brief: bool,
    /// `-human`
    pub human: bool,
    /// `-iec`
    pub iec: bool,
    /// `-resolve`
    pub resolve: bool,
    /// `-Numeric`
    pub numeric: bool,
}

/// The address family selected with `-4`, `-6`, `-0` or `-family`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// No preference (AF_UNSPEC).
    #[default]
    Any,
    /// `-4`, `-family inet`
    Inet,
    /// `-6`, `-family inet6`
    Inet6,
    /// `-0`, `-family link`
    Link,
    /// `-M`, `-B`, `-family mpls|bridge`: families netns does not show.
    Other,
}

/// One invocation's context.
pub struct Ctx {
    /// The run directory (`NETNS_RUN_DIR`).
    pub run: RunDir,
    /// Global options.
    pub opts: Opts,
    /// True while running lines of a batch file.
    pub batch: bool,
    /// Buffered standard output, flushed before forks, execs and at exit.
    out: BufWriter<Stdout>,
    nl: Option<Netlink>,
    /// `-n NAME` whose mount half (private mounts, `/sys`, `/etc/netns`)
    /// is still to be done; see [`Ctx::switch_process`].
    pending_mounts: Option<OsString>,
}

impl Ctx {
    /// A context for the given run directory.
    pub fn new(run: RunDir) -> Ctx {
        Ctx {
            run,
            opts: Opts::default(),
            batch: false,
            out: BufWriter::with_capacity(64 * 1024, io::stdout()),
            nl: None,
            pending_mounts: None,
        }
    }

    /// Write bytes to standard output.
    pub fn write(&mut self, bytes: &[u8]) {
        if self.out.write_all(bytes).is_err() {
            // A closed pipe: nobody is reading any more.
            std::process::exit(Exit::ERROR.0);
        }
    }

    /// Flush standard output.
    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }

    /// The rtnetlink socket of the current namespace, opened on first use.
    pub fn netlink(&mut self) -> Result<&mut Netlink, Exit> {
        if self.nl.is_none() {
            match Netlink::open() {
                Ok(nl) => self.nl = Some(nl),
                Err(e) => {
                    eprintln!("Cannot open netlink socket: {}", crate::sys::io_text(&e));
                    return Err(Exit::ERROR);
                }
            }
        }
        Ok(self.nl.as_mut().expect("opened above"))
    }

    /// `-n NAME`: move this process into the namespace as `netns exec`
    /// would. The network half happens now, in option order as iproute2
    /// does it, so its errors come first; the mount half (a private mount
    /// namespace, `/sys`, `/etc/netns/NAME`) waits for [`Ctx::need_mounts`]:
    /// commands that only talk netlink (`link`, `addr`, `route`, `neigh`,
    /// `inspect`) skip it unless `/etc/netns/NAME` exists, which saves
    /// copying every mount of the system.
    pub fn switch_process(&mut self, name: &OsStr) -> Result<(), Exit> {
        // A socket opened earlier would still talk to the old namespace.
        self.nl = None;
        switch_to_word(&self.run, name, SwitchMode::NetOnly, &mut crate::sys::eprint_line).map_err(|e| {
            crate::sys::eprint_line(&e.message());
            Exit::FAILURE
        })?;
        self.pending_mounts = Some(name.to_owned());
        Ok(())
    }

    /// Finish a pending `-n NAME` switch. `netlink_only`: the command reads
    /// nothing from the file system that the switch would change (only
    /// `/etc/netns/NAME` overrides could matter, so they force it).
    pub fn need_mounts(&mut self, netlink_only: bool) -> Result<(), Exit> {
        let Some(name) = self.pending_mounts.take() else { return Ok(()) };
        let mut etc = self.run.etc_dir().as_os_str().to_owned();
        etc.push("/");
        etc.push(&name);
        if netlink_only && !std::path::Path::new(&etc).is_dir() {
            return Ok(());
        }
        switch_mounts(&self.run, &name, &mut crate::sys::eprint_line).map_err(|e| {
            crate::sys::eprint_line(&e.message());
            Exit::FAILURE
        })
    }
}
