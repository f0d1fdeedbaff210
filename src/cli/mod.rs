//! The `netns` command line.
//!
//! `netns [OPTIONS] [netns] SUBCOMMAND [ARGS…]` behaves as
//! `ip [OPTIONS] netns SUBCOMMAND [ARGS…]`: the same words, abbreviations,
//! messages and exit statuses. Parsing is by hand, following iproute2's
//! rules (prefix matching in a fixed order, single-dash long options);
//! clap describes the same grammar for `--help`, completions and the man
//! page (see `help`).

mod batch;
mod capture;
mod exec;
mod find;
mod firewall;
pub(crate) mod help;
mod inspect;
mod lab;
mod listall;
mod netns_cmd;
mod options;
mod prune;
mod top;

// The execution context and the iproute2 grammar belong to the objects
// layer below; the command line builds the context and speaks the grammar.
// The statuses are public: the binary's early path reports with them too.
pub use crate::ipobj::grammar::{Code, Exit};
pub(crate) use crate::ipobj::{Ctx, Opts, Status};

use crate::rundir::RunDir;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// Run `netns` with these arguments (program name excluded) and return the
/// exit status.
pub fn main_with_args(args: Vec<OsString>) -> i32 {
    restore_default_sigpipe();
    let mut ctx = Ctx::new(RunDir::from_env());
    let code = match run(&mut ctx, args) {
        Ok(code) | Err(Exit(code)) => code,
    };
    ctx.flush();
    code
}

/// SIGPIPE at its default action, whatever the parent left: a C tool such
/// as `ip` dies quietly when its reader goes away, where Rust's printing
/// would report a write error, and the commands `exec` starts get the
/// default disposition. (With `no_main`, std does not set SIGPIPE itself.)
/// The binary's early `exec` path (src/entry) does the same.
pub fn restore_default_sigpipe() {
    // SAFETY: installing SIG_DFL for SIGPIPE has no preconditions; no other
    // thread exists yet.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn run(ctx: &mut Ctx, args: Vec<OsString>) -> Status {
    match options::scan(ctx, args)? {
        options::Scan::Help => {
            help::print_help();
            Ok(Code::SUCCESS)
        }
        options::Scan::Version => {
            println!("netns {} (ip netns compatible with iproute2-6.1.0)", env!("CARGO_PKG_VERSION"));
            Ok(Code::SUCCESS)
        }
        options::Scan::Run(words) => match ctx.opts.batch.clone() {
            Some(file) => batch::run(ctx, &file),
            None => dispatch(ctx, &words, false),
        },
    }
}

/// The logical lines of a batch file (for [`crate::fuzzing`]).
pub(crate) fn batch_split_lines(bytes: &[u8]) -> Vec<Result<(usize, Vec<OsString>), &'static str>> {
    batch::split_lines(bytes)
}

/// The global option scan with `-n NAME` accepted but not acted on (for
/// [`crate::fuzzing`]): the words left for the command, or `None` when the
/// scan ends the run.
pub(crate) fn scan_options_without_switch(args: Vec<OsString>) -> Option<usize> {
    match options::scan_with(&mut Opts::default(), args, &mut |_| Ok(())) {
        Ok(options::Scan::Run(words)) => Some(words.len()),
        Ok(options::Scan::Help | options::Scan::Version) | Err(_) => None,
    }
}

/// Is `word` the object word that makes `ip` run netns (`net`, `netn`,
/// `netns`; `n` and `ne` mean neighbour to iproute2)?
fn is_netns_object(word: &[u8]) -> bool {
    word.len() >= 3 && b"netns".starts_with(word)
}

/// Run one command: an optional `netns` object word, then a subcommand.
/// `batch_line` is set for batch lines, where a first word that is no
/// subcommand is reported as an unknown object, as iproute2 does.
pub(crate) fn dispatch(ctx: &mut Ctx, words: &[OsString], batch_line: bool) -> Status {
    match words.first() {
        Some(w) if is_netns_object(w.as_bytes()) => netns_cmd::run(ctx, &words[1..], false),
        _ => netns_cmd::run(ctx, words, batch_line),
    }
}
