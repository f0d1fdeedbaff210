//! System-level helpers of the netns command: errno text (the core's
//! [`Errno`]), message lines on the standard error built from text and raw
//! bytes ([`msg!`](crate::msg), [`errln!`](crate::errln)), and the
//! descriptor limit that commands working on many namespaces size
//! themselves by.

use std::io;

pub use netns_core::Errno;

/// The strerror text of an `io::Error`, as iproute2 prints it.
pub fn io_text(err: &io::Error) -> String {
    Errno::of(err).to_string()
}

/// A piece of a message: text, or raw bytes such as a namespace name, which
/// need not be UTF-8 and are printed as they are (as iproute2 does).
pub trait Piece {
    /// Append this piece's bytes.
    fn put(&self, out: &mut Vec<u8>);
}

impl Piece for str {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
}
impl Piece for String {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
}
impl Piece for std::ffi::OsStr {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(std::os::unix::ffi::OsStrExt::as_bytes(self));
    }
}
impl Piece for std::ffi::OsString {
    fn put(&self, out: &mut Vec<u8>) {
        self.as_os_str().put(out);
    }
}
impl Piece for std::path::Path {
    fn put(&self, out: &mut Vec<u8>) {
        self.as_os_str().put(out);
    }
}
impl Piece for std::path::PathBuf {
    fn put(&self, out: &mut Vec<u8>) {
        self.as_os_str().put(out);
    }
}
impl Piece for [u8] {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
}
impl Piece for Errno {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.to_string().as_bytes());
    }
}
impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, out: &mut Vec<u8>) {
        (**self).put(out);
    }
}

/// Concatenate pieces into one message (bytes, no newline).
#[macro_export]
macro_rules! msg {
    ($($piece:expr),* $(,)?) => {{
        let mut out: Vec<u8> = Vec::new();
        $( $crate::sys::Piece::put(&$piece, &mut out); )*
        out
    }};
}

/// Write one message line to stderr in a single write.
pub fn eprint_line(line: &[u8]) {
    use std::io::Write;
    let mut buf = Vec::with_capacity(line.len() + 1);
    buf.extend_from_slice(line);
    buf.push(b'\n');
    let _ = std::io::stderr().write_all(&buf);
}

/// `eprint_line(&msg!(…))`.
#[macro_export]
macro_rules! errln {
    ($($piece:expr),* $(,)?) => { $crate::sys::eprint_line(&$crate::msg!($($piece),*)) };
}

/// This process's `RLIMIT_NOFILE`: the soft limit in force and the hard
/// limit it may be raised to. `None` when it cannot be read.
pub fn nofile_limit() -> Option<libc::rlimit> {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes one rlimit into the struct we own.
    (unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0).then_some(lim)
}

/// Raise the soft `RLIMIT_NOFILE` to `want`, or to the hard limit when that
/// is lower; a soft limit already there or above is left alone. Returns the
/// soft limit in force afterwards (`None` when it cannot be read). Best
/// effort: a refused raise leaves the limit as it was.
pub fn raise_nofile(want: libc::rlim_t) -> Option<libc::rlim_t> {
    let lim = nofile_limit()?;
    let target = want.min(lim.rlim_max);
    if target <= lim.rlim_cur {
        return Some(lim.rlim_cur);
    }
    let raised = libc::rlimit { rlim_cur: target, rlim_max: lim.rlim_max };
    // SAFETY: setrlimit only reads the struct we pass; the soft limit stays
    // within the hard one, which is not changed.
    let ok = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0;
    Some(if ok { target } else { lim.rlim_cur })
}

/// How many more descriptors this process may open under its current soft
/// `RLIMIT_NOFILE`, keeping a reserve for everything that opens a few
/// descriptors for a moment (threads saving their namespace, sysctl files,
/// pipes to child processes): a quarter of what is free, at least 64.
/// Commands that keep descriptors on many namespaces size their working
/// sets from this, so they work under any limit (1024 is the usual default
/// of services and login sessions) and at any size.
pub fn spare_fds() -> usize {
    let soft = nofile_limit().map_or(1024, |lim| usize::try_from(lim.rlim_cur).unwrap_or(usize::MAX));
    // Counting the open descriptors costs one directory read.
    let in_use = std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(64);
    let free = soft.saturating_sub(in_use);
    let reserve = (free / 4).max(64);
    free.saturating_sub(reserve)
}

/// Make room for `count` open descriptors before threads are started.
///
/// Growing the descriptor table of a process with several threads waits for
/// an RCU grace period (10–30 ms here) each time it doubles; a command that
/// opens a descriptor per namespace from worker threads would stall on
/// every doubling. Raising the soft `RLIMIT_NOFILE` to the hard limit and
/// growing the table once, while single-threaded, avoids both EMFILE and
/// the stalls. Best effort: failures leave things as they were.
pub fn reserve_fds(count: usize) {
    let Some(soft) = raise_nofile(libc::RLIM_INFINITY) else {
        return;
    };
    let top = (count as u64).min(soft.saturating_sub(1)) as libc::c_int;
    if top <= 3 {
        return;
    }
    // SAFETY: dup2 onto a descriptor number we then close again; fd 2 is
    // open for the life of the process (or dup2 fails harmlessly).
    unsafe {
        if libc::dup2(2, top) == top {
            libc::close(top);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_join_text_and_bytes() {
        let name = std::ffi::OsStr::new("blue");
        let line = crate::msg!("Cannot open \"", name, "\": ", Errno(libc::ENOENT));
        assert_eq!(line, b"Cannot open \"blue\": No such file or directory");
        assert_eq!(io_text(&io::Error::from_raw_os_error(libc::EEXIST)), "File exists");
    }

    #[test]
    fn the_descriptor_limit_is_raised_never_lowered_and_never_past_the_hard_one() {
        let before = nofile_limit().unwrap();
        assert_eq!(raise_nofile(0), Some(before.rlim_cur));
        let raised = raise_nofile(libc::RLIM_INFINITY).unwrap();
        let after = nofile_limit().unwrap();
        assert_eq!((raised, after.rlim_cur, after.rlim_max), (before.rlim_max, before.rlim_max, before.rlim_max));
    }
}
