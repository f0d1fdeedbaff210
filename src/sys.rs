//! Small syscall helpers shared by every module: errno text exactly as glibc
//! prints it (iproute2's messages embed `strerror(errno)`), and `Errno`
//! conversions.

use std::ffi::CStr;
use std::fmt;
use std::io;

/// An errno value that displays as glibc's `strerror` text, with no
/// "(os error N)" suffix, so messages match iproute2 byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Errno(pub i32);

impl Errno {
    /// The errno of an `io::Error` (EIO when it carries none).
    pub fn of(err: &io::Error) -> Errno {
        Errno(err.raw_os_error().unwrap_or(libc::EIO))
    }

    /// The calling thread's current errno.
    pub fn last() -> Errno {
        Errno(io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }
}

impl From<nix::errno::Errno> for Errno {
    fn from(e: nix::errno::Errno) -> Errno {
        Errno(e as i32)
    }
}

impl From<Errno> for io::Error {
    fn from(e: Errno) -> io::Error {
        io::Error::from_raw_os_error(e.0)
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&strerror(self.0))
    }
}

impl std::error::Error for Errno {}

/// glibc's text for an errno value.
pub fn strerror(errno: i32) -> String {
    let mut buf = [0 as libc::c_char; 256];
    // SAFETY: buf is a valid, writable buffer of the length we pass; the XSI
    // strerror_r writes a NUL-terminated string into it.
    let rc = unsafe { libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        return format!("Unknown error {errno}");
    }
    // SAFETY: strerror_r succeeded, so buf holds a NUL-terminated string.
    let text = unsafe { CStr::from_ptr(buf.as_ptr()) };
    text.to_string_lossy().into_owned()
}

/// Shorthand for the strerror text of an `io::Error`.
pub fn io_text(err: &io::Error) -> String {
    strerror(Errno::of(err).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_match_glibc() {
        assert_eq!(strerror(libc::ENOENT), "No such file or directory");
        assert_eq!(strerror(libc::EEXIST), "File exists");
        assert_eq!(Errno(libc::EPERM).to_string(), "Operation not permitted");
    }
}
