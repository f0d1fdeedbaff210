//! State shared by every command of one `netns` run (and every line of a
//! batch file).

use super::Exit;
use super::options::Opts;
use crate::netlink::Netlink;
use crate::rundir::RunDir;
use crate::switch::{SwitchMode, switch_to};
use std::ffi::OsStr;
use std::io::{self, BufWriter, Stdout, Write};

/// One invocation's context.
pub struct Ctx {
    /// The run directory (`NETNS_RUN_DIR`).
    pub run: RunDir,
    /// Global options.
    pub opts: Opts,
    /// True while running lines of a batch file.
    pub batch: bool,
    out: BufWriter<Stdout>,
    nl: Option<Netlink>,
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
        }
    }

    /// Buffered standard output. Flushed before forks, execs and at exit.
    pub fn out(&mut self) -> &mut BufWriter<Stdout> {
        &mut self.out
    }

    /// Write bytes to standard output.
    pub fn write(&mut self, bytes: &[u8]) {
        if self.out.write_all(bytes).is_err() {
            // A closed pipe: nobody is reading any more.
            std::process::exit(1);
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
                    return Err(Exit(1));
                }
            }
        }
        Ok(self.nl.as_mut().expect("opened above"))
    }

    /// `-n NAME`: move this whole process into the namespace, exactly as
    /// `netns exec` would, before any command runs.
    pub fn switch_process(&mut self, name: &OsStr) -> Result<(), Exit> {
        // A socket opened earlier would still talk to the old namespace.
        self.nl = None;
        switch_to(&self.run, name, SwitchMode::Full, &mut crate::sys::eprint_line).map_err(|e| {
            crate::sys::eprint_line(&e.message());
            Exit(255)
        })
    }
}
