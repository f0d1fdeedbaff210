//! iproute2's argument primitives: prefix matching, C integer parsing
//! (`strtol` with base detection) and exit statuses, reproduced exactly so
//! that the same spellings are accepted and rejected and a failing command
//! ends as `ip` does. The `netns` command line speaks the
//! same grammar and uses these too; they live here, with the objects, so
//! that the objects need nothing from the command line above them.

/// End the whole run now with this status (iproute2's `exit()` paths:
/// usage, invalid names, bad numbers). Ends a batch file too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit(pub i32);

impl Exit {
    /// 255, iproute2's `exit(-1)`: bad usage, an invalid or unsupported
    /// argument, a namespace that cannot be entered; nothing was asked of
    /// the kernel.
    pub const FAILURE: Exit = Exit(255);
    /// 1, iproute2's `exit(1)` (and a subcommand's `return -1` after which
    /// nothing goes on: an `exec` that failed or whose command a signal
    /// killed): the command could not be carried out (a failed dump,
    /// flush, exec or system call, no netlink socket) or an address did
    /// not parse.
    pub const ERROR: Exit = Exit(1);
    /// 2, iproute2's `exit(2)`: the kernel refused a change (`ip neigh`).
    pub const REFUSED: Exit = Exit(2);
}

/// A command's outcome: `Ok(status)` lets a batch file go on.
pub type Status = Result<i32, Exit>;

/// The statuses of a command that ran to its end (the `Ok` side of
/// `Status`): a batch file goes on after it, after a non-zero one only
/// with `-force`. An iproute2 subcommand returns `0` or `-N` and `ip`
/// exits with `N`. A status that is another program's (`exec` in a batch
/// file) is passed through as it is. Only a namespace for the constants: it
/// has no values.
pub enum Code {}

impl Code {
    /// 0: the command did what was asked.
    pub const SUCCESS: i32 = 0;
    /// 1, a subcommand's `return -1`: the command failed: an argument
    /// missing or wrong, no such device or namespace, a system call or a
    /// link dump that failed, a flush left incomplete; for netns's own
    /// `inspect` and `list --all`, a namespace that could not be read.
    pub const FAILED: i32 = 1;
    /// 2, a subcommand's `return -2`: the kernel answered a request with an
    /// error (a refused change, a route dump or `route get` that failed).
    pub const REFUSED: i32 = 2;
    /// 22, a subcommand's `return -EINVAL`: `ip link` rejects a value that
    /// must be `on` or `off` (`parse_on_off`).
    pub const EINVAL: i32 = libc::EINVAL;
}

/// iproute2's `matches(prefix, word) == 0`: is the typed `prefix` a
/// non-empty prefix of `word`?
pub fn matches(prefix: &[u8], word: &str) -> bool {
    !prefix.is_empty() && word.as_bytes().starts_with(prefix)
}

/// `strtol(arg, &end, 0)` accepting only a fully consumed string, as
/// iproute2's `get_integer`/`get_s32` do: leading white space and a sign
/// are allowed, `0x` means hex and a leading `0` octal. `None` for no
/// digits, trailing garbage or overflow of a C `long`.
fn strtol(arg: &[u8]) -> Option<i64> {
    let mut i = 0;
    while i < arg.len() && matches!(arg[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let mut negative = false;
    if i < arg.len() && (arg[i] == b'+' || arg[i] == b'-') {
        negative = arg[i] == b'-';
        i += 1;
    }
    let mut base = 10;
    if i + 1 < arg.len()
        && arg[i] == b'0'
        && (arg[i + 1] | 0x20) == b'x'
        && arg.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    {
        base = 16;
        i += 2;
    } else if i < arg.len() && arg[i] == b'0' {
        base = 8;
    }
    let start = i;
    let mut value: i128 = 0;
    while i < arg.len() {
        let d = match arg[i] {
            c @ b'0'..=b'9' => (c - b'0') as i128,
            c @ b'a'..=b'z' => (c - b'a' + 10) as i128,
            c @ b'A'..=b'Z' => (c - b'A' + 10) as i128,
            _ => break,
        };
        if d >= base {
            break;
        }
        value = (value * base + d).min(i128::from(i64::MAX) + 2);
        i += 1;
    }
    if i == start || i != arg.len() {
        return None;
    }
    let value = if negative { -value } else { value };
    i64::try_from(value).ok()
}

/// iproute2's `get_integer(&v, arg, 0) == 0`: a C `int`.
pub fn get_integer(arg: &[u8]) -> Option<i32> {
    strtol(arg).and_then(|v| i32::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert!(matches(b"l", "list"));
        assert!(matches(b"list", "list"));
        assert!(!matches(b"", "list"));
        assert!(!matches(b"listx", "list"));
        assert!(!matches(b"LIST", "list"));
    }

    #[test]
    fn integers_like_strtol() {
        assert_eq!(get_integer(b"7"), Some(7));
        assert_eq!(get_integer(b"0x10"), Some(16));
        assert_eq!(get_integer(b"010"), Some(8));
        assert_eq!(get_integer(b"+8"), Some(8));
        assert_eq!(get_integer(b" 7"), Some(7));
        assert_eq!(get_integer(b"-1"), Some(-1));
        assert_eq!(get_integer(b"0"), Some(0));
        assert_eq!(get_integer(b"2147483647"), Some(i32::MAX));
        assert_eq!(get_integer(b"2147483648"), None);
        assert_eq!(get_integer(b"99999999999999999999999"), None);
        assert_eq!(get_integer(b"abc"), None);
        assert_eq!(get_integer(b""), None);
        assert_eq!(get_integer(b"7 "), None);
        assert_eq!(get_integer(b"08"), None);
        assert_eq!(get_integer(b"0x"), None);
        assert_eq!(get_integer(b"-"), None);
    }
}
