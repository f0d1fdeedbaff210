//! Errno text exactly as glibc prints it (iproute2's messages embed
//! `strerror(errno)`), and the byte messages the error types build from it.

use std::ffi::CStr;
use std::fmt;
use std::io;

/// An errno value that displays as glibc's `strerror` text, with no
/// "(os error N)" suffix, so messages match iproute2 byte for byte. The
/// error types of this crate carry one where the kernel refused a step.
///
/// ```
/// use netns_core::Errno;
/// assert_eq!(Errno(libc::ENOENT).to_string(), "No such file or directory");
/// let e = std::io::Error::from_raw_os_error(libc::EEXIST);
/// assert_eq!(Errno::of(&e), Errno(libc::EEXIST));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(
    /// The positive errno value (`libc::ENOENT`, …).
    pub i32,
);

impl Errno {
    /// The errno of an `io::Error` (EIO when it carries none).
    pub fn of(err: &io::Error) -> Errno {
        Errno(err.raw_os_error().unwrap_or(libc::EIO))
    }

    /// The calling thread's current errno.
    pub fn last() -> Errno {
        Errno(io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }

    /// The errno a `nix` call failed with.
    pub(crate) fn nix(e: nix::errno::Errno) -> Errno {
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
pub(crate) fn strerror(errno: i32) -> String {
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

/// A piece of a message: text, or raw bytes such as a namespace name, which
/// need not be UTF-8 and are printed as they are (as iproute2 does).
pub(crate) trait Piece {
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
        out.extend_from_slice(strerror(self.0).as_bytes());
    }
}
impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, out: &mut Vec<u8>) {
        (**self).put(out);
    }
}

/// Concatenate pieces into one message (bytes, no newline).
macro_rules! msg {
    ($($piece:expr),* $(,)?) => {{
        let mut out: Vec<u8> = Vec::new();
        $( $crate::sys::Piece::put(&$piece, &mut out); )*
        out
    }};
}
pub(crate) use msg;

/// A FIFO, socket or device file in words for a message ("a FIFO", …):
/// the file types that are never a namespace nor a name `add` made.
/// `None` for every other type.
pub(crate) fn special_file_words(mode: libc::mode_t) -> Option<&'static str> {
    match mode & libc::S_IFMT {
        libc::S_IFIFO => Some("a FIFO"),
        libc::S_IFSOCK => Some("a socket"),
        libc::S_IFCHR => Some("a character device"),
        libc::S_IFBLK => Some("a block device"),
        _ => None,
    }
}

/// A regular file that holds data, in words for a message.
pub(crate) fn regular_file_words(size: libc::off_t) -> String {
    format!("a regular file of {size} bytes")
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
