//! Errors from the kernel, carrying the extended-ACK text that iproute2
//! prints (`Error: … .`) and falling back to `RTNETLINK answers: <errno>`.

use crate::sys::Errno;
use std::fmt;
use std::io;

/// What went wrong with one netlink request.
#[derive(Debug)]
pub enum NlError {
    /// The socket itself failed (send/recv/open).
    Io(io::Error),
    /// The kernel answered with an error.
    Kernel(KernelError),
    /// A dump kept being interrupted by concurrent changes, even after retries.
    DumpInterrupted,
    /// The kernel's reply could not be parsed at all.
    Truncated(&'static str),
}

/// A negative acknowledgement from the kernel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelError {
    /// Positive errno value.
    pub errno: i32,
    /// NLMSGERR_ATTR_MSG, the kernel's human-readable reason, if it sent one.
    pub message: Option<String>,
    /// True when the error ended a dump (NLMSG_DONE carried it).
    pub in_dump: bool,
}

impl KernelError {
    /// The line iproute2 prints for this error, without the newline:
    /// `Error: <text>.` when the kernel gave a reason, else
    /// `RTNETLINK answers: <strerror>`.
    pub fn iproute2_line(&self) -> String {
        match self.message.as_deref() {
            Some(m) if !m.is_empty() => {
                if m.ends_with('.') {
                    format!("Error: {m}")
                } else {
                    format!("Error: {m}.")
                }
            }
            _ => format!("RTNETLINK answers: {}", Errno(self.errno)),
        }
    }
}

impl NlError {
    /// The errno behind this error, if there is one.
    pub fn errno(&self) -> Option<i32> {
        match self {
            NlError::Io(e) => e.raw_os_error(),
            NlError::Kernel(k) => Some(k.errno),
            NlError::DumpInterrupted => Some(libc::EINTR),
            NlError::Truncated(_) => None,
        }
    }

    /// The line iproute2 would print for this error (see [`KernelError::iproute2_line`]).
    pub fn iproute2_line(&self) -> String {
        match self {
            NlError::Kernel(k) => k.iproute2_line(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for NlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NlError::Io(e) => write!(f, "netlink: {}", Errno::of(e)),
            NlError::Kernel(k) => f.write_str(&k.iproute2_line()),
            NlError::DumpInterrupted => f.write_str("Dump was interrupted and may be inconsistent."),
            NlError::Truncated(what) => write!(f, "netlink: truncated {what}"),
        }
    }
}

impl std::error::Error for NlError {}

impl From<io::Error> for NlError {
    fn from(e: io::Error) -> NlError {
        NlError::Io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extack_text_gets_a_period_once() {
        let k = KernelError {
            errno: libc::EINVAL,
            message: Some("Peer netns reference is invalid".into()),
            in_dump: false,
        };
        assert_eq!(k.iproute2_line(), "Error: Peer netns reference is invalid.");
        let k = KernelError { message: Some("done.".into()), ..k };
        assert_eq!(k.iproute2_line(), "Error: done.");
    }

    #[test]
    fn no_extack_reads_like_perror() {
        let k = KernelError { errno: libc::EPERM, message: None, in_dump: false };
        assert_eq!(k.iproute2_line(), "RTNETLINK answers: Operation not permitted");
    }
}
