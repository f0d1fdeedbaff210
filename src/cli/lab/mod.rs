//! The lab commands: `validate`, `up`, `down`, `status`, `test`, `graph`.
//! New words, typed in full; they never shadow an iproute2 abbreviation.

mod down;
mod graph;
mod status;
mod test;
mod up;
mod validate;

use super::{Ctx, Status};
use std::ffi::OsString;

/// The lab command named `word`, if it is one.
pub fn lookup(word: &[u8]) -> Option<fn(&mut Ctx, &[OsString]) -> Status> {
    Some(match word {
        b"validate" => validate::run,
        b"up" => up::run,
        b"down" => down::run,
        b"status" => status::run,
        b"test" => test::run,
        b"graph" => graph::run,
        _ => return None,
    })
}

/// `up` and `down` create and remove namespaces and mounts: without
/// CAP_SYS_ADMIN and CAP_NET_ADMIN they cannot work, and the first error
/// the kernel would give (a lock file, a mount) would not say why. Returns
/// the status to end with when the privilege is missing.
pub(crate) fn need_privilege(cmd: &str) -> Option<Status> {
    const CAP_NET_ADMIN: u32 = 12;
    const CAP_SYS_ADMIN: u32 = 21;
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let eff = status.lines().find_map(|l| l.strip_prefix("CapEff:"))?.trim();
    let eff = u64::from_str_radix(eff, 16).ok()?;
    let has = |cap: u32| eff & (1 << cap) != 0;
    if has(CAP_NET_ADMIN) && has(CAP_SYS_ADMIN) {
        return None;
    }
    eprintln!(
        "netns {cmd}: a lab's namespaces, links and mounts need root (CAP_SYS_ADMIN and CAP_NET_ADMIN): \
         try `sudo netns {cmd} …`"
    );
    Some(Ok(1))
}

/// Print every problem of a lab file that failed to load; status 1.
pub(crate) fn report_load_error(err: (Option<crate::lab::Source>, Vec<crate::lab::Diag>), path: &str) -> Status {
    let (src, diags) = err;
    for d in &diags {
        match &src {
            Some(s) => eprintln!("{}", s.render(d)),
            None => eprintln!("{path}: error: {}", d.message),
        }
    }
    Ok(1)
}
