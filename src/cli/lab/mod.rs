//! The lab commands: `validate`, `up`, `down`, `status`, `test`, `graph`,
//! `lab` (changes to a running lab).
//! New words, typed in full; they never shadow an iproute2 abbreviation.

mod down;
mod graph;
mod runtime;
mod status;
mod test;
mod up;
mod validate;

use super::{Ctx, Status};
use std::ffi::OsString;

/// The lab commands' own exit statuses, besides [`super::Code::SUCCESS`]
/// (0: done; for `test`, every expectation holds) and
/// [`super::Exit::FAILURE`] (255: a usage error). docs/labs.md gives
/// each command's. Only a namespace for the constants: it has no values.
pub(crate) enum LabCode {}

impl LabCode {
    /// 1: the lab file has problems, printed as `file:line:column: error: …`
    /// (`validate`, and every command that reads the file).
    pub const INVALID: i32 = 1;
    /// 1: the command could not do its work: no privilege, `up` refused or
    /// failed, `down` did not finish, no such lab or node, an output file
    /// that cannot be written.
    pub const FAILED: i32 = 1;
    /// 1: `test` (and `up --test`): an expectation does not hold.
    pub const UNMET: i32 = 1;
    /// 128, to which `up` adds the signal that interrupted it (130 for
    /// Ctrl-C), as a shell reports a command a signal ended.
    pub const SIGNALLED: i32 = 128;
}

/// The lab command named `word`, if it is one.
pub fn lookup(word: &[u8]) -> Option<fn(&mut Ctx, &[OsString]) -> Status> {
    Some(match word {
        b"validate" => validate::run,
        b"up" => up::run,
        b"down" => down::run,
        b"status" => status::run,
        b"test" => test::run,
        b"graph" => graph::run,
        b"lab" => runtime::run,
        _ => return None,
    })
}

/// Print `netns CMD: MSG` (when there is one) and the command's usage;
/// status 255, as iproute2 ends on a usage error.
pub(crate) fn usage_error(cmd: &str, usage: &str, msg: Option<String>) -> Status {
    if let Some(m) = msg {
        eprintln!("netns {cmd}: {m}");
    }
    eprintln!("{usage}");
    Err(super::Exit::FAILURE)
}

/// One option of a lab command, as [`file_and_options`] hands it over.
pub(crate) struct Opt<'a> {
    /// The option as typed, without any `=value` (`--format`).
    pub key: &'a str,
    value: Option<String>,
    rest: &'a mut dyn Iterator<Item = String>,
}

impl Opt<'_> {
    /// The option's value: after `=`, else the next argument.
    pub fn value(&mut self) -> Option<String> {
        self.value.take().or_else(|| self.rest.next())
    }
}

/// The shared grammar of the lab commands that take one lab file:
/// `FILE` or `-f FILE`, `--key=value` or `--key value`, `-h`/`help`.
/// `option` handles a command's own options: `Ok(true)` when it took one,
/// `Ok(false)` for an unknown option, `Err(message)` for a bad value. The
/// result is the file, or the status to end with (usage printed by
/// `usage`).
pub(crate) fn file_and_options(
    args: &[OsString],
    usage: &dyn Fn(Option<String>) -> Status,
    option: &mut dyn FnMut(&mut Opt) -> Result<bool, String>,
) -> Result<String, Status> {
    let mut file: Option<String> = None;
    let mut it = args.iter().map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = it.next() {
        let (key, value) = match a.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        match key.as_str() {
            "-f" | "--file" => match value.or_else(|| it.next()) {
                Some(v) if file.is_none() => file = Some(v),
                Some(_) => return Err(usage(Some("more than one lab file".into()))),
                None => return Err(usage(Some(format!("{key} needs a file name")))),
            },
            "-h" | "--help" | "help" => return Err(usage(None)),
            k if k.starts_with('-') && k != "-" => {
                let mut opt = Opt { key: k, value, rest: &mut it };
                match option(&mut opt) {
                    Ok(true) => {}
                    Ok(false) => return Err(usage(Some(format!("unknown option \"{a}\"")))),
                    Err(msg) => return Err(usage(Some(msg))),
                }
            }
            _ if file.is_none() => file = Some(a),
            _ => return Err(usage(Some(format!("unexpected argument \"{a}\"")))),
        }
    }
    file.ok_or_else(|| usage(Some("which lab file?".into())))
}

/// `up` and `down` create and remove namespaces and mounts: without
/// CAP_SYS_ADMIN and CAP_NET_ADMIN they cannot work, and the first error
/// the kernel would give (a lock file, a mount) would not say why. Returns
/// the status to end with when the privilege is missing.
pub(crate) fn need_privilege(cmd: &str) -> Option<Status> {
    if privileged() {
        return None;
    }
    eprintln!(
        "netns {cmd}: a lab's namespaces, links and mounts need root (CAP_SYS_ADMIN and CAP_NET_ADMIN): \
         try `sudo netns {cmd} …`"
    );
    Some(Ok(LabCode::FAILED))
}

/// Does this process hold CAP_SYS_ADMIN and CAP_NET_ADMIN (what entering
/// and changing a lab's namespaces takes)?
pub(crate) fn privileged() -> bool {
    const CAP_NET_ADMIN: u32 = 12;
    const CAP_SYS_ADMIN: u32 = 21;
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else { return false };
    let eff = status.lines().find_map(|l| l.strip_prefix("CapEff:")).map(str::trim).unwrap_or("0");
    let eff = u64::from_str_radix(eff, 16).unwrap_or(0);
    eff & (1 << CAP_NET_ADMIN) != 0 && eff & (1 << CAP_SYS_ADMIN) != 0
}

/// Read and check a lab file; when it cannot be used, print every problem
/// (`file:line:col: error: …`) and give the status to end with
/// ([`LabCode::INVALID`]).
pub(crate) fn load_or_report(path: &str) -> Result<(crate::lab::Source, crate::lab::Lab), Status> {
    load_with_path_or_report(path).map(|(src, lab, _)| (src, lab))
}

/// [`load_or_report`], and the file's canonical absolute path.
pub(crate) fn load_with_path_or_report(
    path: &str,
) -> Result<(crate::lab::Source, crate::lab::Lab, Option<String>), Status> {
    crate::lab::load_with_path(path).map_err(|(src, diags)| {
        report(path, src.as_ref(), &diags);
        Ok(LabCode::INVALID)
    })
}

/// Print the problems of a lab file.
pub(crate) fn report(path: &str, src: Option<&crate::lab::Source>, diags: &[crate::lab::Diag]) {
    for d in diags {
        match src {
            Some(s) => eprintln!("{}", s.render(d)),
            None => eprintln!("{path}: error: {}", d.message),
        }
    }
}

/// The value of `--exec-timeout`: whole seconds, 1 to 3600.
pub(crate) fn exec_timeout(value: Option<String>) -> Result<std::time::Duration, String> {
    let v = value.ok_or("--exec-timeout needs a number of seconds")?;
    match v.parse::<u64>() {
        Ok(s) if (1..=3600).contains(&s) => Ok(std::time::Duration::from_secs(s)),
        _ => Err(format!("--exec-timeout \"{v}\": expected seconds, 1 to 3600")),
    }
}

/// A lab's name as a command gets it: a lab file names its lab too. The
/// file is read (parsed and checked) only when the word is one.
fn lab_name_arg(arg: String) -> String {
    if !std::path::Path::new(&arg).is_file() {
        return arg;
    }
    match crate::lab::load(&arg) {
        Ok((_, lab)) => lab.name,
        Err(_) => arg,
    }
}
