//! The netns subcommands, with iproute2's words, order of checks, messages
//! and exit statuses (see `docs/compat.md` for the deliberate differences).

use super::{Code, Ctx, Exit, Status, help, listall};
use crate::ipobj::grammar::{get_integer, matches};
use crate::namespace::open_ns_file;
use crate::namespace::{NetNs, NsId};
use crate::procscan::ProcScan;
use crate::rundir::{NsName, RunDirError, Source};
use crate::switch::switch_to;
use crate::sys::Errno;
use std::ffi::{CString, OsStr, OsString};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

/// iproute2's netns usage text, with netns's name.
pub const USAGE: &str = "Usage:\tnetns list
\tnetns add NAME
\tnetns attach NAME PID
\tnetns set NAME NETNSID
\tnetns [-all] delete [NAME]
\tnetns identify [PID]
\tnetns pids NAME
\tnetns [-all] exec [NAME] cmd ...
\tnetns monitor
\tnetns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]
NETNSID := auto | POSITIVE-INT
";

fn usage() -> Exit {
    eprint!("{USAGE}");
    Exit::FAILURE
}

/// The subcommands, in the order iproute2 tries them as prefixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sub {
    List,
    ListId,
    Help,
    Add,
    Set,
    Delete,
    Identify,
    Pids,
    Exec,
    Monitor,
    Attach,
}

fn lookup(word: &[u8]) -> Option<Sub> {
    const TABLE: &[(&str, Sub)] = &[
        ("list", Sub::List),
        ("show", Sub::List),
        ("lst", Sub::List),
        ("list-id", Sub::ListId),
        ("help", Sub::Help),
        ("add", Sub::Add),
        ("set", Sub::Set),
        ("delete", Sub::Delete),
        ("identify", Sub::Identify),
        ("pids", Sub::Pids),
        ("exec", Sub::Exec),
        ("monitor", Sub::Monitor),
        ("attach", Sub::Attach),
    ];
    TABLE.iter().find(|(name, _)| matches(word, name)).map(|&(_, sub)| sub)
}

/// Run one netns command line (`words` starts with the subcommand).
pub fn run(ctx: &mut Ctx, words: &[OsString], batch_line: bool) -> Status {
    let Some(first) = words.first() else {
        ctx.need_mounts(false)?;
        return list(ctx, &[]);
    };
    let sub = lookup(first.as_bytes());
    // Lab commands take file paths, not namespace names, and need no -n.
    if sub.is_none()
        && !batch_line
        && let Some(lab_cmd) = super::lab::lookup(first.as_bytes())
    {
        return lab_cmd(ctx, &words[1..]);
    }
    // iproute2's other objects (`link`, `addr`, `route`, `neigh`): their
    // second word is a verb, not a name, so no name validation.
    let netlink_only = sub.is_none()
        && (matches!(first.as_bytes(), b"inspect" | b"firewall" | b"find")
            || crate::ipobj::lookup(first.as_bytes()).is_some());
    ctx.need_mounts(netlink_only)?;
    if sub.is_none() {
        match crate::ipobj::lookup(first.as_bytes()) {
            Some(Ok(object)) => return crate::ipobj::run(ctx, object, words),
            Some(Err(known)) => {
                eprintln!("Object \"{known}\" is not supported by netns; use `ip {known}` for it.");
                return Err(Exit::FAILURE);
            }
            None => {}
        }
    }
    // iproute2 validates the second word before looking at the first, for
    // every subcommand. It skips this under -all, which let names like
    // `../x` escape the run directory; netns only skips it where the word
    // is not a name (-all exec: the command; -all delete: ignored).
    // A batch line without the object word whose first word is no
    // subcommand is an unknown object to iproute2: no name to check.
    // `find` takes addresses, prefixes and globs, not names; `capture`
    // takes targets (NS:IF, LAB NODE) and a filter.
    let skip_validation = (ctx.opts.all && matches!(sub, Some(Sub::Exec | Sub::Delete)))
        || (batch_line && sub.is_none())
        || (sub.is_none() && matches!(first.as_bytes(), b"find" | b"capture"));
    if !skip_validation && words.len() > 1 && NsName::existing(&words[1]).is_err() {
        crate::errln!("Invalid netns name \"", words[1], "\"");
        return Err(Exit::FAILURE);
    }
    let args = &words[1..];
    match sub {
        Some(Sub::List) => list(ctx, args),
        Some(Sub::ListId) => list_id(ctx, args),
        Some(Sub::Help) => Err(usage()),
        Some(Sub::Add) => add(ctx, args),
        Some(Sub::Set) => set(ctx, args),
        Some(Sub::Delete) => delete(ctx, args),
        Some(Sub::Identify) => identify(ctx, args),
        Some(Sub::Pids) => pids(ctx, args),
        Some(Sub::Exec) => super::exec::exec(ctx, args),
        Some(Sub::Monitor) => monitor(ctx),
        Some(Sub::Attach) => attach(ctx, args),
        None => match first.as_bytes() {
            b"completions" => help::completions(args),
            b"inspect" => super::inspect::run(ctx, args),
            b"prune" => super::prune::run(ctx, args),
            b"top" => super::top::run(ctx, args),
            b"capture" => super::capture::run(ctx, args),
            b"firewall" => super::firewall::run(ctx, args),
            b"find" => super::find::run(ctx, args),
            b"man" => help::man(),
            _ if batch_line => {
                crate::errln!("Object \"", first, "\" is unknown, try \"netns help\".");
                Ok(Code::FAILED)
            }
            _ => {
                crate::errln!("Command \"", first, "\" is unknown, try \"netns help\".");
                Err(Exit::FAILURE)
            }
        },
    }
}

/// The run directory's names for commands that walk them all (`-all
/// delete`, `-all exec`, `identify`): a missing directory is an empty one;
/// any other failure is reported as iproute2 words it (`identify` has no
/// space after the colon) and ends the command with status 1.
pub(super) fn names_for_walk(ctx: &Ctx, space: bool) -> Result<Vec<OsString>, i32> {
    match ctx.run.names() {
        Ok(n) => Ok(n),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(Vec::new()),
        Err(e) => {
            crate::errln!("Failed to open directory ", ctx.run.path(), if space { ": " } else { ":" }, Errno::of(&e));
            Err(Code::FAILED)
        }
    }
}

// ---------------------------------------------------------------- list

/// The id of every name (in `names` order), the way `ip netns list` finds
/// them, but cheaper: when this namespace has assigned no ids at all (one
/// dump tells), real namespaces need no query; otherwise all queries are
/// pipelined. Names whose query fails get their error printed twice, as
/// iproute2 (which asks twice per name) prints it.
fn ids_of(ctx: &mut Ctx, names: &[OsString]) -> Result<Vec<Option<i32>>, Exit> {
    let any_assigned = ctx.netlink()?.dump_nsids(None).map(|ids| !ids.is_empty()).unwrap_or(true);
    // Without any id assigned, a real namespace can only answer
    // "unassigned": only the others (stale placeholders, directories) are
    // asked, for the error iproute2 prints about them.
    let nsfs_dev = NsId::of_path(std::path::Path::new("/proc/self/ns/net")).map(|id| id.dev).ok();
    let skip: Vec<bool> = if any_assigned {
        vec![false; names.len()]
    } else {
        ctx.run.ids(names).unwrap_or_default().iter().map(|id| id.is_some() && id.map(|i| i.dev) == nsfs_dev).collect()
    };
    let mut ids = vec![None; names.len()];
    let asked: Vec<usize> = (0..names.len()).filter(|&i| !skip.get(i).copied().unwrap_or(false)).collect();
    // In windows of files that fit the open-files limit.
    for window in asked.chunks(crate::sys::spare_fds().max(16)) {
        let mut files = Vec::new();
        let mut which = Vec::new();
        for &i in window {
            // A FIFO or device under the name is not opened (it would block
            // or act): it has no id to show.
            let Ok(name) = NsName::existing(&names[i]) else { continue };
            if let Ok(f) = open_ns_file(&ctx.run.entry(&name)) {
                files.push(f);
                which.push(i);
            }
        }
        let fds: Vec<_> = files.iter().map(|f| Some(f.as_fd())).collect();
        for (k, result) in ctx.netlink()?.nsids_of_fds(&fds).into_iter().enumerate() {
            match result {
                Ok(id) => ids[which[k]] = id,
                Err(e) => {
                    let line = e.iproute2_line();
                    eprintln!("{line}");
                    eprintln!("{line}");
                }
            }
        }
    }
    Ok(ids)
}

fn list(ctx: &mut Ctx, args: &[OsString]) -> Status {
    if args.first().map(|a| a.as_bytes()) == Some(b"--all") {
        return listall::list_all(ctx);
    }
    let names = match ctx.run.names() {
        Ok(n) => n,
        // No directory yet: no names, as iproute2 says (nothing).
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(Code::SUCCESS),
        // iproute2 says nothing here either, which reads as "no names".
        Err(e) => {
            crate::errln!("Cannot open netns runtime directory \"", ctx.run.path(), "\": ", Errno::of(&e));
            return Ok(Code::FAILED);
        }
    };
    let ids = ids_of(ctx, &names)?;
    if ctx.opts.json {
        let mut w = crate::output::JsonWriter::new(ctx.opts.pretty);
        w.start_array();
        for (name, id) in names.iter().zip(&ids) {
            w.start_object();
            w.string_field("name", name.as_bytes());
            if let Some(id) = id {
                w.int_field("id", i64::from(*id));
            }
            w.end_object();
        }
        w.end_array();
        ctx.write(&w.finish());
    } else {
        let mut out = Vec::with_capacity(names.len() * 16);
        for (name, id) in names.iter().zip(&ids) {
            out.extend_from_slice(name.as_bytes());
            if let Some(id) = id {
                out.extend_from_slice(format!(" (id: {id})").as_bytes());
            }
            out.push(b'\n');
        }
        ctx.write(&out);
    }
    Ok(Code::SUCCESS)
}

// ---------------------------------------------------------------- list-id

fn parse_id_keyword(key: &str, value: Option<&OsString>, seen: bool) -> Result<i32, Exit> {
    if seen {
        eprintln!("Error: duplicate \"{key}\": \"{key}\" is the second value.");
        return Err(Exit::FAILURE);
    }
    let Some(value) = value else {
        eprintln!("Command line is not complete. Try option \"help\"");
        return Err(Exit::FAILURE);
    };
    match get_integer(value.as_bytes()) {
        None => {
            crate::errln!("Error: argument \"", value, "\" is wrong: \"", key, "\" value is invalid");
            Err(Exit::FAILURE)
        }
        // iproute2 prints the *following* word here, "(null)" when there is
        // none; the value itself is what the user needs to see.
        Some(v) if v < 0 => {
            crate::errln!("Error: argument \"", value, "\" is wrong: \"", key, "\" value should be >= 0");
            Err(Exit::FAILURE)
        }
        Some(v) => Ok(v),
    }
}

fn list_id(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let mut target = None;
    let mut nsid = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_bytes() {
            b"target-nsid" => target = Some(parse_id_keyword("target-nsid", args.get(i + 1), target.is_some())?),
            b"nsid" => nsid = Some(parse_id_keyword("nsid", args.get(i + 1), nsid.is_some())?),
            _ => return Err(usage()),
        }
        i += 2;
    }
    // Names of the peers, keyed by the id the *current* namespace uses;
    // the first name in readdir order wins, as in iproute2.
    let names = ctx.run.names().unwrap_or_default();
    let ids = ids_of(ctx, &names)?;
    let mut by_id = std::collections::HashMap::new();
    for (name, id) in names.into_iter().zip(ids) {
        if let Some(id) = id {
            by_id.entry(id).or_insert(name);
        }
    }
    let nl = ctx.netlink()?;
    let entries = match nsid {
        Some(id) => match nl.get_nsid(id, target) {
            Ok(e) => e.into_iter().collect::<Vec<_>>(),
            Err(e) => {
                eprintln!("{}", e.iproute2_line());
                return Ok(Code::REFUSED);
            }
        },
        None => match nl.dump_nsids(target) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("{}", e.iproute2_line());
                eprintln!("Dump terminated");
                return Err(Exit::ERROR);
            }
        },
    };
    let json = ctx.opts.json;
    let mut w = crate::output::JsonWriter::new(ctx.opts.pretty);
    let mut text = Vec::new();
    if json {
        w.start_array();
    }
    for e in entries {
        // The name is looked up by the id the current namespace uses. When
        // only the target's id is known, iproute2 guessed a name by
        // comparing ids of two different namespaces; netns prints none.
        let key = match e.current {
            Some(c) => c,
            None if target.is_none() => e.nsid,
            None => -1,
        };
        let name = if key >= 0 { by_id.get(&key) } else { None };
        if json {
            w.start_object();
            if e.nsid >= 0 {
                w.int_field("nsid", e.nsid.into());
            }
            if let Some(c) = e.current.filter(|&c| c >= 0) {
                w.int_field("current-nsid", c.into());
            }
            if let Some(n) = name {
                w.string_field("name", n.as_bytes());
            }
            w.end_object();
        } else {
            if e.nsid >= 0 {
                text.extend_from_slice(format!("nsid {} ", e.nsid).as_bytes());
            } else {
                text.extend_from_slice(b"nsid unassigned ");
            }
            match e.current {
                Some(c) if c >= 0 => text.extend_from_slice(format!("current-nsid {c} ").as_bytes()),
                Some(_) => text.extend_from_slice(b"current-nsid unassigned "),
                None => {}
            }
            if let Some(n) = name {
                text.extend_from_slice(b"(iproute2 netns name: ");
                text.extend_from_slice(n.as_bytes());
                text.push(b')');
            }
            text.push(b'\n');
        }
    }
    if json {
        w.end_array();
        ctx.write(&w.finish());
    } else {
        ctx.write(&text);
    }
    Ok(Code::SUCCESS)
}

// ---------------------------------------------------------------- add / attach

/// The name of a new namespace, checked once: the path rules (already
/// checked by `run`, with iproute2's message) and no control bytes.
fn new_name(name: &OsStr) -> Result<NsName, Exit> {
    NsName::new(name).map_err(|e| {
        crate::sys::eprint_line(&e.message());
        Exit::FAILURE
    })
}

/// A name that may exist already (made by iproute2, control bytes and
/// all); `run` has checked it with iproute2's message.
fn existing_name(name: &OsStr) -> Result<NsName, Exit> {
    NsName::existing(name).map_err(|e| {
        crate::sys::eprint_line(&e.message());
        Exit::FAILURE
    })
}

fn report(e: RunDirError) -> Status {
    crate::sys::eprint_line(&e.message());
    if matches!(e, RunDirError::Restore { .. }) {
        return Err(Exit::ERROR);
    }
    Ok(Code::FAILED)
}

fn add(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let Some(name) = args.first() else {
        eprintln!("No netns name specified");
        return Ok(Code::FAILED);
    };
    let name = new_name(name)?;
    // A lone `netns add` exits next: no need to switch back. A batch file
    // goes on in the original namespace, as iproute2's does.
    let source = if ctx.batch { Source::New } else { Source::NewAndStay };
    match ctx.run.add_with(&name, source, &mut crate::sys::eprint_line) {
        Ok(()) => Ok(Code::SUCCESS),
        Err(e) => report(e),
    }
}

/// Is this (object word already stripped) an `add NAME` line that
/// [`add_prefetched`] can run?
pub fn is_plain_add(_ctx: &Ctx, words: &[OsString]) -> bool {
    words.len() >= 2 && lookup(words[0].as_bytes()) == Some(Sub::Add) && NsName::new(&words[1]).is_ok()
}

/// `add NAME` using a namespace created ahead of time (batch files).
pub fn add_prefetched(ctx: &mut Ctx, words: &[OsString], fd: OwnedFd) -> i32 {
    let name = match NsName::new(&words[1]) {
        Ok(n) => n,
        Err(e) => {
            crate::sys::eprint_line(&e.message());
            return Exit::FAILURE.0;
        }
    };
    match ctx.run.add_with(&name, Source::Prepared(fd.as_fd()), &mut crate::sys::eprint_line) {
        Ok(()) => Code::SUCCESS,
        Err(e) => {
            crate::sys::eprint_line(&e.message());
            Code::FAILED
        }
    }
}

fn attach(ctx: &mut Ctx, args: &[OsString]) -> Status {
    if args.len() < 2 {
        eprintln!("No netns name and PID specified");
        return Ok(Code::FAILED);
    }
    let pid = match get_integer(args[1].as_bytes()) {
        Some(p) if p != 0 => p,
        _ => {
            crate::errln!("Invalid PID: ", args[1]);
            return Ok(Code::FAILED);
        }
    };
    let name = new_name(&args[0])?;
    match ctx.run.add_with(&name, Source::Pid(pid), &mut crate::sys::eprint_line) {
        Ok(()) => Ok(Code::SUCCESS),
        Err(e) => report(e),
    }
}

// ---------------------------------------------------------------- delete

fn delete(ctx: &mut Ctx, args: &[OsString]) -> Status {
    if ctx.opts.all {
        let names = match names_for_walk(ctx, true) {
            Ok(n) => n,
            Err(status) => return Ok(status),
        };
        for name in names {
            // Every readdir entry is a valid name.
            let Ok(name) = NsName::existing(&name) else { continue };
            // Only names and placeholders are removed: a file with data, a
            // FIFO or a device someone put here is theirs. Leaving it is not
            // a failure of the walk, which goes on.
            if let Some(why) = ctx.run.not_a_name(&name) {
                crate::errln!("Leaving \"", ctx.run.entry(&name), "\" alone: it is ", why.as_str());
                continue;
            }
            if let Err(e) = ctx.run.delete(&name) {
                crate::sys::eprint_line(&e.message());
                break;
            }
        }
        return Ok(Code::SUCCESS);
    }
    let Some(name) = args.first() else {
        eprintln!("No netns name specified");
        return Ok(Code::FAILED);
    };
    let name = existing_name(name)?;
    match ctx.run.delete(&name) {
        Ok(()) => Ok(Code::SUCCESS),
        Err(e) => report(e),
    }
}

// ---------------------------------------------------------------- set

fn set(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let Some(name) = args.first() else {
        eprintln!("No netns name specified");
        return Ok(Code::FAILED);
    };
    let Some(value) = args.get(1) else {
        eprintln!("No nsid specified");
        return Ok(Code::FAILED);
    };
    let nsid = if value.as_bytes() == b"auto" {
        None
    } else {
        match get_integer(value.as_bytes()) {
            None => {
                crate::errln!("Error: argument \"", value, "\" is wrong: Invalid \"netnsid\" value");
                return Err(Exit::FAILURE);
            }
            Some(v) if v < 0 => {
                crate::errln!("Error: argument \"", value, "\" is wrong: \"netnsid\" value should be >= 0");
                return Err(Exit::FAILURE);
            }
            Some(v) => Some(v),
        }
    };
    let ns = match NetNs::open_name(&ctx.run, &existing_name(name)?) {
        Ok(ns) => ns,
        Err(e) => {
            report_open_failure(ctx, name, &e);
            return Ok(Code::FAILED);
        }
    };
    let nl = ctx.netlink()?;
    match ns.set_nsid(nl, nsid) {
        Ok(()) => Ok(Code::SUCCESS),
        Err(e) => {
            eprintln!("{}", e.iproute2_line());
            Ok(Code::REFUSED)
        }
    }
}

// ---------------------------------------------------------------- identify / pids

fn is_pid(word: &[u8]) -> bool {
    word.iter().all(u8::is_ascii_digit)
}

fn identify(ctx: &mut Ctx, args: &[OsString]) -> Status {
    if args.len() > 1 {
        eprintln!("extra arguments specified");
        return Ok(Code::FAILED);
    }
    let pid = match args.first() {
        None => OsString::from("self"),
        Some(p) if is_pid(p.as_bytes()) => p.clone(),
        Some(p) => {
            crate::errln!("Specified string '", p, "' is not a pid");
            return Ok(Code::FAILED);
        }
    };
    let mut path = OsString::from("/proc/");
    path.push(&pid);
    path.push("/ns/net");
    let target = match NetNs::open_path(&path).and_then(|ns| ns.id()) {
        Ok(id) => id,
        Err(e) => {
            eprintln!("Cannot open network namespace: {}", Errno::of(&e));
            return Ok(Code::FAILED);
        }
    };
    let names = match names_for_walk(ctx, false) {
        Ok(n) => n,
        Err(status) => return Ok(status),
    };
    if ctx.opts.json {
        // JSON lists every name (iproute2's text shows only the last).
        let ids = ctx.run.ids(&names).unwrap_or_default();
        let matching: Vec<&OsString> =
            names.iter().zip(&ids).filter(|(_, id)| **id == Some(target)).map(|(n, _)| n).collect();
        let mut w = crate::output::JsonWriter::new(ctx.opts.pretty);
        w.start_array();
        for n in &matching {
            w.start_object();
            w.string_field("name", n.as_bytes());
            w.end_object();
        }
        w.end_array();
        ctx.write(&w.finish());
    } else {
        // The last match in readdir order, searched for from the end.
        let last = ctx.run.last_with_id(&names, target).ok().flatten();
        let mut line = last.map(|i| names[i].as_bytes().to_vec()).unwrap_or_default();
        line.push(b'\n');
        ctx.write(&line);
    }
    Ok(Code::SUCCESS)
}

fn pids(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let Some(name) = args.first() else {
        eprintln!("No netns name specified");
        return Ok(Code::FAILED);
    };
    if args.len() > 1 {
        eprintln!("extra arguments specified");
        return Ok(Code::FAILED);
    }
    let ns = match open_ns_file(&ctx.run.entry(&existing_name(name)?)) {
        Ok(f) => f,
        Err(e) => match ctx.run.dir_problem() {
            Some(errno) if e.raw_os_error() == Some(libc::ENOTDIR) => {
                crate::errln!("Cannot open netns runtime directory \"", ctx.run.path(), "\": ", errno);
                return Ok(Code::FAILED);
            }
            _ => {
                eprintln!("Cannot open network namespace: {}", Errno::of(&e));
                return Ok(Code::FAILED);
            }
        },
    };
    let id = match ns.metadata() {
        Ok(m) => NsId { dev: std::os::unix::fs::MetadataExt::dev(&m), ino: std::os::unix::fs::MetadataExt::ino(&m) },
        Err(e) => {
            eprintln!("Stat of netns failed: {}", Errno::of(&e));
            return Ok(Code::FAILED);
        }
    };
    let found = match ProcScan::open().and_then(|scan| scan.pids_in(id)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("Open of /proc failed: {}", Errno::of(&e));
            return Ok(Code::FAILED);
        }
    };
    if ctx.opts.json {
        let mut w = crate::output::JsonWriter::new(ctx.opts.pretty);
        w.start_array();
        for pid in found {
            w.start_object();
            w.int_field("pid", pid.into());
            if let Some(comm) = crate::procscan::comm(pid) {
                w.string_field("comm", comm.as_bytes());
            }
            w.end_object();
        }
        w.end_array();
        ctx.write(&w.finish());
    } else {
        let mut out = String::new();
        for pid in found {
            out.push_str(&pid.to_string());
            out.push('\n');
        }
        ctx.write(out.as_bytes());
    }
    Ok(Code::SUCCESS)
}

// ---------------------------------------------------------------- monitor

fn monitor(ctx: &mut Ctx) -> Status {
    let json = ctx.opts.json;
    let run = ctx.run.clone();
    // Every event is flushed at once: iproute2 leaves them in a stdio
    // buffer, invisible through a pipe and lost on SIGTERM.
    let result = crate::monitor::watch(&run, |event| {
        let (kind, name) = match &event {
            crate::monitor::Event::Add(n) => ("add", n),
            crate::monitor::Event::Delete(n) => ("delete", n),
        };
        let mut line = if json {
            let mut w = crate::output::JsonWriter::new(false);
            w.start_object();
            w.string_field("event", kind.as_bytes());
            w.string_field("name", name.as_bytes());
            w.end_object();
            w.into_bytes()
        } else {
            let mut l = kind.as_bytes().to_vec();
            l.push(b' ');
            l.extend_from_slice(name.as_bytes());
            l
        };
        line.push(b'\n');
        ctx.write(&line);
        ctx.flush();
        true
    });
    match result {
        Ok(()) => Ok(Code::SUCCESS),
        Err(e) => {
            eprintln!("{e}");
            Ok(Code::FAILED)
        }
    }
}

/// `Cannot open network namespace "NAME": ERRNO` (iproute2's words), or,
/// when the run directory itself is the problem, a message naming it.
fn report_open_failure(ctx: &Ctx, name: &OsStr, e: &std::io::Error) {
    match ctx.run.dir_problem() {
        Some(errno) if e.raw_os_error() == Some(libc::ENOTDIR) => {
            crate::errln!("Cannot open netns runtime directory \"", ctx.run.path(), "\": ", errno);
        }
        _ => crate::errln!("Cannot open network namespace \"", name, "\": ", Errno::of(e)),
    }
}

/// Used by exec: the switch for one namespace, messages to stderr.
pub(super) fn switch_for_exec(ctx: &Ctx, name: &OsStr) -> bool {
    let name = match NsName::existing(name) {
        Ok(n) => n,
        Err(e) => {
            crate::sys::eprint_line(&e.message());
            return false;
        }
    };
    match switch_to(&ctx.run, &name, ctx.opts.switch_mode, &mut crate::sys::eprint_line) {
        Ok(()) => true,
        Err(e) => {
            crate::sys::eprint_line(&e.message());
            false
        }
    }
}

/// argv for execvp. Words with a NUL byte cannot reach here (they come
/// from the command line or from batch words cut at NUL).
pub(super) fn c_args(words: &[OsString]) -> Vec<CString> {
    words.iter().map(|w| CString::new(w.as_bytes()).unwrap_or_default()).collect()
}
