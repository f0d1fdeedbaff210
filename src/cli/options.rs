//! The global option scanner, a faithful copy of the rules in iproute2's
//! `ip.c`: options end at the first word not starting with `-` or at `--`;
//! `--x` is read as `-x`; every name is matched as a prefix in iproute2's
//! fixed order (so `-a` is `-all`, `-b` is `-batch`, `-f` is `-family`).
//!
//! netns adds a few words of its own. They must be typed in full and are
//! checked before iproute2's table, so none of iproute2's spellings changes
//! meaning; each is rejected as unknown by iproute2 itself.

use crate::ipobj::grammar::{get_integer, matches};
use crate::ipobj::{Ctx, Exit, Family, Opts};
use crate::switch::SwitchMode;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// What the scanner decided.
pub enum Scan {
    /// Run a command with the remaining words.
    Run(Vec<OsString>),
    /// Print the friendly help page.
    Help,
    /// Print the version.
    Version,
}

/// iproute2's top-level usage, with netns's name.
pub const IP_USAGE: &str = "Usage: netns [ OPTIONS ] [ netns ] { COMMAND | help }
       netns [ -force ] -batch filename
where  COMMAND := { list | list-id | add | attach | delete | set | identify |
                    pids | exec | monitor }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                    -h[uman-readable] | -iec | -j[son] | -p[retty] |
                    -f[amily] { inet | inet6 | mpls | bridge | link } |
                    -4 | -6 | -M | -B | -0 |
                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |
                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |
                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |
                    -c[olor]}
Try \"netns --help\" for a full description.
";

fn usage() -> Exit {
    eprint!("{IP_USAGE}");
    Exit::FAILURE
}

/// What an option does, once recognised.
#[derive(Clone, Copy)]
enum Opt {
    /// Accepted and without effect on netns (`-s`, `-d`, `-4`, …).
    Ignored,
    /// Accepted, takes a value, no effect (`-loops N`).
    IgnoredWithValue,
    Family,
    Family4,
    Family6,
    FamilyLink,
    FamilyOther,
    Stats,
    Details,
    Oneline,
    Brief,
    Human,
    Iec,
    Resolve,
    Numeric,
    Rcvbuf,
    Version,
    Force,
    Batch,
    Json,
    Pretty,
    Help,
    Netns,
    All,
}

/// iproute2's option table, in its matching order. `true`: the name must be
/// typed exactly; `false`: any prefix matches.
const TABLE: &[(&str, bool, Opt)] = &[
    ("-loops", false, Opt::IgnoredWithValue),
    ("-family", false, Opt::Family),
    ("-4", true, Opt::Family4),
    ("-6", true, Opt::Family6),
    ("-0", true, Opt::FamilyLink),
    ("-M", true, Opt::FamilyOther),
    ("-B", true, Opt::FamilyOther),
    ("-human", false, Opt::Human),
    ("-human-readable", false, Opt::Human),
    ("-iec", false, Opt::Iec),
    ("-stats", false, Opt::Stats),
    ("-statistics", false, Opt::Stats),
    ("-details", false, Opt::Details),
    ("-resolve", false, Opt::Resolve),
    ("-oneline", false, Opt::Oneline),
    ("-timestamp", false, Opt::Ignored),
    ("-tshort", false, Opt::Ignored),
    ("-Version", false, Opt::Version),
    ("-force", false, Opt::Force),
    ("-batch", false, Opt::Batch),
    ("-brief", false, Opt::Brief),
    ("-json", false, Opt::Json),
    ("-pretty", false, Opt::Pretty),
    ("-rcvbuf", false, Opt::Rcvbuf),
    // -color is matched here, by is_color()
    ("-help", false, Opt::Help),
    ("-netns", false, Opt::Netns),
    ("-Numeric", false, Opt::Numeric),
    ("-all", false, Opt::All),
    ("-echo", true, Opt::Ignored),
];

fn classify(opt: &[u8]) -> Option<Opt> {
    for &(name, exact, kind) in TABLE {
        if name == "-help" && is_color(opt) {
            return Some(Opt::Ignored);
        }
        if (exact && opt == name.as_bytes()) || (!exact && matches(opt, name)) {
            return Some(kind);
        }
    }
    None
}

fn is_color(opt: &[u8]) -> bool {
    let (name, value) = match opt.iter().position(|&c| c == b'=') {
        Some(i) => (&opt[..i], Some(&opt[i + 1..])),
        None => (opt, None),
    };
    matches(name, "-color") && matches!(value, None | Some(b"" | b"always" | b"auto" | b"never"))
}

/// Scan the global options at the front of `args` (program name removed).
/// `-n NAME` switches namespaces right away, as iproute2 does.
pub fn scan(ctx: &mut Ctx, args: Vec<OsString>) -> Result<Scan, Exit> {
    let mut opts = std::mem::take(&mut ctx.opts);
    let scan = scan_with(&mut opts, args, &mut |name| ctx.switch_process(name));
    ctx.opts = opts;
    scan
}

/// [`scan`] with the `-n NAME` switch left to `switch`, called at the
/// point of the command line where the option is (so that its errors come
/// in iproute2's order).
pub(crate) fn scan_with(
    opts: &mut Opts,
    args: Vec<OsString>,
    switch: &mut dyn FnMut(&OsStr) -> Result<(), Exit>,
) -> Result<Scan, Exit> {
    let mut it = args.into_iter().peekable();
    while let Some(arg) = it.peek() {
        let raw = arg.as_bytes().to_vec();
        if raw == b"--" {
            it.next();
            break;
        }
        if raw.first() != Some(&b'-') {
            break;
        }
        it.next();
        // netns's own words: full spelling only.
        match raw.as_slice() {
            b"-h" | b"--help" => return Ok(Scan::Help),
            b"--version" => return Ok(Scan::Version),
            b"--net-only" => {
                opts.switch_mode = SwitchMode::NetOnly;
                continue;
            }
            _ => {}
        }
        let opt: &[u8] = if raw.get(1) == Some(&b'-') { &raw[1..] } else { &raw };
        let Some(kind) = classify(opt) else {
            crate::errln!("Option \"", opt, "\" is unknown, try \"netns -help\".");
            return Err(Exit::FAILURE);
        };
        let mut value = || it.next().ok_or_else(usage);
        match kind {
            Opt::Ignored => {}
            Opt::IgnoredWithValue => {
                value()?;
            }
            Opt::Family => {
                let v = value()?;
                match v.as_bytes() {
                    b"help" => return Err(usage()),
                    b"inet" => opts.family = Family::Inet,
                    b"inet6" => opts.family = Family::Inet6,
                    b"link" => opts.family = Family::Link,
                    b"mpls" | b"bridge" => opts.family = Family::Other,
                    other => {
                        crate::errln!("Error: argument \"", other, "\" is wrong: invalid protocol family");
                        return Err(Exit::FAILURE);
                    }
                }
            }
            Opt::Rcvbuf => {
                let v = value()?;
                if get_integer(v.as_bytes()).is_none_or(|n| n < 0) {
                    crate::errln!("Invalid rcvbuf size '", v, "'");
                    return Err(Exit::FAILURE);
                }
            }
            Opt::Family4 => opts.family = Family::Inet,
            Opt::Family6 => opts.family = Family::Inet6,
            Opt::FamilyLink => opts.family = Family::Link,
            Opt::FamilyOther => opts.family = Family::Other,
            Opt::Stats => opts.stats += 1,
            Opt::Details => opts.details += 1,
            Opt::Oneline => opts.oneline = true,
            Opt::Brief => opts.brief = true,
            Opt::Human => opts.human = true,
            Opt::Iec => opts.iec = true,
            Opt::Resolve => opts.resolve = true,
            Opt::Numeric => opts.numeric = true,
            Opt::Version => return Ok(Scan::Version),
            Opt::Force => opts.force = true,
            Opt::Batch => opts.batch = Some(value()?),
            Opt::Json => opts.json = true,
            Opt::Pretty => opts.pretty = true,
            Opt::Help => return Err(usage()),
            Opt::All => opts.all = true,
            Opt::Netns => {
                let Some(name) = it.next() else {
                    // iproute2 prints `Cannot open network namespace "(null)"`.
                    crate::errln!("Option \"", raw.as_slice(), "\" needs a namespace name");
                    return Err(Exit::FAILURE);
                };
                switch(&name)?;
            }
        }
    }
    Ok(Scan::Run(it.collect()))
}
