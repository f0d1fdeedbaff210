//! `netns top [NAME…|--all|--lab LAB] [-j] [--once] [--interval SECONDS]`.

use super::{Code, Ctx, Exit, Status};
use crate::lab::state::LabDir;
use crate::namespace::{NsId, not_a_namespace};
use crate::procscan::ProcScan;
use crate::rundir::NsName;
use crate::top::{Sample, Sampler, Source, TopError, rates, render, tui};
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const USAGE: &str = "Usage: netns [-j] top [NAME… | --all | --lab LAB] [--once] [--interval SECONDS]\n\
    Live rates (bits/s, packets/s, drops/s, errors/s) of each namespace and its\n\
    interfaces, busiest first. Without a name: the namespace netns runs in and\n\
    every named one; --all adds namespaces without a name (found through /proc);\n\
    --lab LAB watches that lab's namespaces. On a terminal it is a full-screen\n\
    view (q quit, s sort, / filter, Enter expand, ? help); in a pipe or with -j,\n\
    one JSON object per sample. --once prints one sample after one interval.\n\
    --interval defaults to 1 second. Reading another namespace needs root.";

fn usage(msg: Option<String>) -> Status {
    if let Some(m) = msg {
        eprintln!("netns top: {m}");
    }
    eprintln!("{USAGE}");
    Err(Exit::FAILURE)
}

enum Selection {
    Default,
    All,
    Lab(String),
    Names(Vec<OsString>),
}

/// Run `top ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let mut json = ctx.opts.json;
    let mut once = false;
    let mut interval = Duration::from_secs(1);
    let mut all = false;
    let mut lab = None;
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_bytes() {
            b"--all" | b"-all" | b"-a" => all = true,
            b"--once" | b"-once" => once = true,
            b"-j" | b"-json" | b"--json" => json = true,
            b"--lab" | b"-lab" => {
                let Some(v) = it.next() else { return usage(Some("--lab needs a lab name".into())) };
                lab = Some(v.to_string_lossy().into_owned());
            }
            b"--interval" | b"-interval" | b"-i" => {
                let Some(v) = it.next() else { return usage(Some("--interval needs a number of seconds".into())) };
                match v
                    .to_str()
                    .and_then(|s| s.parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s >= 0.1 && *s <= 3600.0)
                {
                    Some(s) => interval = Duration::from_secs_f64(s),
                    None => {
                        return usage(Some(format!(
                            "--interval: \"{}\" is not a number of seconds between 0.1 and 3600",
                            v.to_string_lossy()
                        )));
                    }
                }
            }
            b"-h" | b"--help" | b"help" => return usage(None),
            [b'-', ..] => return usage(Some(format!("unknown option \"{}\"", a.to_string_lossy()))),
            _ => names.push(a.clone()),
        }
    }
    let selection = match (all, lab, names.is_empty()) {
        (false, None, true) => Selection::Default,
        (true, None, true) => Selection::All,
        (false, Some(l), true) => Selection::Lab(l),
        (false, None, false) => Selection::Names(names),
        _ => return usage(Some("give names, --all or --lab LAB, not several".into())),
    };
    let explicit = matches!(selection, Selection::Names(_));
    // Without names or a lab, the set is "whatever is there": it is
    // followed as namespaces come and go.
    let mut follow = match selection {
        Selection::Default => Some(Follow::new(false)),
        Selection::All => Some(Follow::new(true)),
        _ => None,
    };
    let (sources, missing) = match sources(ctx, selection) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let wanted = sources.len();
    let asked: Vec<u64> = sources.iter().map(|s| s.inode).collect();
    let (mut sampler, errors) = Sampler::open(sources);
    if let Some(f) = &mut follow {
        // Those that could not be entered are not tried again each time.
        let watched = sampler.inodes();
        f.refused.extend(asked.into_iter().filter(|i| !watched.contains(i)));
    }
    let failed_at_start = !errors.is_empty();
    report(&errors);
    if sampler.sources().count() == 0 {
        if wanted > 0 {
            eprintln!("netns top: no namespace could be read");
        }
        return Ok(Code::FAILED);
    }
    let status = if explicit && (failed_at_start || missing) { Code::FAILED } else { Code::SUCCESS };
    if !json && !once && std::io::stdout().is_terminal() {
        let mut rescan = |sampler: &mut Sampler, last: &mut Sample| match &mut follow {
            Some(f) => f.rescan(ctx, sampler, last),
            None => Vec::new(),
        };
        return match tui::run(&mut sampler, interval, &mut rescan) {
            Ok(errors) => {
                report(&errors);
                // Ended by a signal: the shell's status for it.
                Ok(tui::stopped_by().map_or(status, |sig| 128 + sig))
            }
            Err(e) => {
                eprintln!("netns top: the terminal could not be used: {e}");
                Ok(Code::FAILED)
            }
        };
    }
    // Not on a terminal: JSON lines, unless one table was asked for.
    let json = json || !once;
    let mut errors = Vec::new();
    let mut last = sampler.sample(&mut errors);
    let mut due = last.at + interval;
    let stdout = std::io::stdout();
    // One buffer for every line: a sample of many namespaces is large.
    let mut out = Vec::new();
    loop {
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
        let new = sampler.sample(&mut errors);
        if follow.is_some() {
            // A namespace removed is simply no longer listed.
            errors.retain(|e| !matches!(e, TopError::Gone { .. }));
        }
        report(&errors);
        errors.clear();
        let list = rates::between(sampler.sources(), &last, &new);
        let secs = new.at.duration_since(last.at).as_secs_f64();
        out.clear();
        if json {
            render::json_line(&mut out, new.time, secs, &list);
        } else {
            out.extend_from_slice(render::table(&list).as_bytes());
        }
        let mut lock = stdout.lock();
        if lock.write_all(&out).and_then(|()| lock.flush()).is_err() {
            // The reader went away (a closed pipe): nothing more to say.
            return Ok(status);
        }
        if once {
            return Ok(status);
        }
        last = new;
        if let Some(f) = &mut follow {
            report(&f.rescan(ctx, &mut sampler, &mut last));
        }
        due += interval;
        if due < Instant::now() {
            due = Instant::now() + interval;
        }
    }
}

/// Follows the namespaces of the default selection (`all`: with the
/// unnamed ones) between samples: a name added is watched from the next
/// sample, a namespace gone is dropped. One directory read and a stat per
/// name (with `all`, one walk of `/proc`) per interval.
struct Follow {
    all: bool,
    root: Option<NsId>,
    /// Namespaces (by inode) that could not be entered or opened: not
    /// tried again.
    refused: HashSet<u64>,
}

impl Follow {
    fn new(all: bool) -> Follow {
        Follow { all, root: root_id(), refused: HashSet::new() }
    }

    /// Bring the sampler's set up to date; the errors of namespaces that
    /// are new and could not be entered.
    fn rescan(&mut self, ctx: &Ctx, sampler: &mut Sampler, last: &mut Sample) -> Vec<TopError> {
        // Each name and the inode it names now.
        let mut named: HashMap<String, u64> = HashMap::new();
        let mut fresh: Vec<(PathBuf, Option<String>)> = Vec::new();
        for n in ctx.run.names().unwrap_or_default() {
            let Ok(name) = NsName::existing(&n) else { continue };
            let path = ctx.run.entry(&name);
            let Ok(m) = std::fs::metadata(&path) else { continue };
            named.insert(name.to_string(), m.ino());
            fresh.push((path, Some(name.to_string())));
        }
        let named_inodes: HashSet<u64> = named.values().copied().collect();
        let mut held: HashSet<u64> = HashSet::new();
        if self.all
            && let Ok(map) = ProcScan::open().and_then(|p| p.all_namespaces())
        {
            for (id, pids) in map {
                held.insert(id.ino);
                if let Some(pid) = pids.first()
                    && !named_inodes.contains(&id.ino)
                {
                    fresh.push((format!("/proc/{pid}/ns/net").into(), None));
                }
            }
        }
        let all = self.all;
        let keep = |s: &Source| {
            s.current
                || match &s.name {
                    Some(n) => named.get(n) == Some(&s.inode),
                    None => all && held.contains(&s.inode),
                }
        };
        let watched = sampler.inodes();
        let mut new = Vec::new();
        for (path, name) in fresh {
            // Cheap first: a name already watched is not opened again.
            if let Some(n) = &name
                && let Some(ino) = named.get(n)
                && (watched.contains(ino) || self.refused.contains(ino))
            {
                continue;
            }
            match Source::open(path, name, self.root) {
                Ok(s) if watched.contains(&s.inode) || self.refused.contains(&s.inode) => {}
                Ok(s) => new.push(s),
                // A placeholder that is no namespace, or one gone already.
                Err(_) => {}
            }
        }
        sampler
            .update(last, keep, new)
            .into_iter()
            .map(|(inode, e)| {
                self.refused.insert(inode);
                e
            })
            .collect()
    }
}

/// Print errors; many namespaces refused for want of root are said once.
fn report(errors: &[TopError]) {
    let root = errors.iter().filter(|e| matches!(e, TopError::NeedsRoot { .. })).count();
    for e in errors {
        if root > 3 && matches!(e, TopError::NeedsRoot { .. }) {
            continue;
        }
        eprintln!("{e}");
    }
    if root > 3 {
        eprintln!(
            "netns top: {root} namespaces not read: entering a namespace needs root (CAP_SYS_ADMIN); \
             without root only the namespace netns runs in can be read"
        );
    }
}

fn root_id() -> Option<NsId> {
    NsId::of_path(Path::new("/proc/1/ns/net")).ok()
}

/// Gathers the namespaces to watch, each once.
struct Gather {
    root: Option<NsId>,
    out: Vec<Source>,
    seen: HashSet<u64>,
    failed: bool,
}

impl Gather {
    fn add(&mut self, path: PathBuf, name: Option<String>, shown: &str) {
        match Source::open(path.clone(), name, self.root) {
            Ok(s) if self.seen.insert(s.inode) => self.out.push(s),
            Ok(s) => {
                // The namespace netns runs in, also named: shown by its name.
                if let (Some(n), Some(prev)) = (&s.name, self.out.iter_mut().find(|p| p.inode == s.inode))
                    && prev.name.is_none()
                {
                    prev.name = Some(n.clone());
                    prev.path = s.path;
                }
            }
            Err(e) => {
                let why = not_a_namespace(&path).unwrap_or_else(|| crate::sys::io_text(&e));
                eprintln!("netns top: cannot open namespace {shown}: {why}");
                self.failed = true;
            }
        }
    }

    fn add_name(&mut self, ctx: &Ctx, n: &OsString) {
        match NsName::existing(n) {
            Ok(name) => self.add(ctx.run.entry(&name), Some(name.to_string()), &name.to_string()),
            Err(e) => {
                eprintln!("netns top: {e}");
                self.failed = true;
            }
        }
    }
}

fn run_dir_names(ctx: &Ctx) -> Vec<OsString> {
    match ctx.run.names() {
        Ok(n) => n,
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Vec::new(),
        Err(e) => {
            eprintln!(
                "netns top: cannot read the run directory {}: {}",
                ctx.run.path().display(),
                crate::sys::io_text(&e)
            );
            Vec::new()
        }
    }
}

/// The namespaces to watch, each once, and whether one asked for by name
/// could not be opened.
fn sources(ctx: &Ctx, selection: Selection) -> Result<(Vec<Source>, bool), i32> {
    let mut g = Gather { root: root_id(), out: Vec::new(), seen: HashSet::new(), failed: false };
    match selection {
        Selection::Names(names) => {
            for n in &names {
                g.add_name(ctx, n);
            }
        }
        Selection::Lab(lab) => {
            let labdir = LabDir::from_env();
            let Some(state) = labdir.read(&lab) else {
                eprintln!("netns top: no lab \"{lab}\" is up (no state for it under {})", labdir.root().display());
                return Err(Code::FAILED);
            };
            for r in &state.namespaces {
                g.add_name(ctx, &OsString::from(&r.ns));
            }
        }
        Selection::Default | Selection::All => {
            g.add("/proc/thread-self/ns/net".into(), None, "(current)");
            for n in run_dir_names(ctx) {
                g.add_name(ctx, &n);
            }
            if matches!(selection, Selection::All) {
                match ProcScan::open().and_then(|p| p.all_namespaces()) {
                    Ok(map) => {
                        for (id, pids) in map {
                            let Some(pid) = pids.first() else { continue };
                            if !g.seen.contains(&id.ino) {
                                g.add(format!("/proc/{pid}/ns/net").into(), None, &format!("net:[{}]", id.ino));
                            }
                        }
                    }
                    Err(e) => eprintln!("netns top: cannot scan /proc for namespaces: {}", crate::sys::io_text(&e)),
                }
            }
            // Names and processes come and go: one gone between the
            // listing and its opening is no failure.
            g.failed = false;
        }
    }
    Ok((g.out, g.failed))
}
