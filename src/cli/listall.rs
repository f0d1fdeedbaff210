//! `netns list --all`: every network namespace on the machine, named or
//! not, found through `/proc` (as `lsns -t net` does) and the run
//! directory, with its names, nsid, inode and processes.

use super::{Code, Ctx, Status};
use crate::namespace::open_ns_file;
use crate::procscan::comm;
use crate::shared::namespaces::{Known, survey};
use crate::sys::Errno;
use std::os::fd::{AsFd, BorrowedFd};

struct Found {
    known: Known,
    nsid: Option<i32>,
}

fn collect(ctx: &mut Ctx, failed: &mut bool) -> Result<Vec<Found>, super::Exit> {
    let survey = survey(&ctx.run, true);
    if let Some(e) = &survey.proc_error {
        eprintln!("Open of /proc failed: {}", crate::sys::io_text(e));
        return Err(super::Exit::ERROR);
    }
    // Said, and the command fails, but the namespaces /proc shows are
    // still listed.
    if let Some(e) = &survey.run_dir_error {
        crate::errln!("Cannot open netns runtime directory \"", ctx.run.path(), "\": ", Errno::of(e));
        *failed = true;
    }
    let mut found: Vec<Found> = survey.namespaces.into_iter().map(|known| Found { known, nsid: None }).collect();
    // One pipelined nsid query per namespace, through a name or a process,
    // in windows of files that fit the open-files limit.
    let window = crate::sys::spare_fds().max(16);
    for start in (0..found.len()).step_by(window) {
        let end = (start + window).min(found.len());
        let files: Vec<Option<std::fs::File>> =
            found[start..end].iter().map(|f| open_ns_file(&f.known.path(&ctx.run)).ok()).collect();
        let open: Vec<(usize, BorrowedFd<'_>)> =
            files.iter().enumerate().filter_map(|(i, f)| f.as_ref().map(|f| (start + i, f.as_fd()))).collect();
        let fds: Vec<_> = open.iter().map(|&(_, fd)| Some(fd)).collect();
        let nl = ctx.netlink()?;
        for (k, r) in nl.nsids_of_fds(&fds).into_iter().enumerate() {
            if let Ok(id) = r {
                found[open[k].0].nsid = id;
            }
        }
    }
    Ok(found)
}

/// Print the table or the JSON array.
pub fn list_all(ctx: &mut Ctx) -> Status {
    let mut failed = false;
    let found = collect(ctx, &mut failed)?;
    let status = if failed { Code::FAILED } else { Code::SUCCESS };
    if ctx.opts.json {
        let mut w = crate::output::JsonWriter::new(ctx.opts.pretty);
        w.start_array();
        for f in &found {
            w.start_object();
            w.name("names");
            w.start_array();
            for n in &f.known.names {
                w.string(n.as_bytes());
            }
            w.end_array();
            if let Some(id) = f.nsid {
                w.int_field("nsid", id.into());
            }
            w.int_field("inode", f.known.id.ino as i64);
            w.bool_field("current", f.known.current);
            w.name("pids");
            w.start_array();
            for p in &f.known.pids {
                w.raw(&p.to_string());
            }
            w.end_array();
            w.end_object();
        }
        w.end_array();
        ctx.write(&w.finish());
        return Ok(status);
    }
    let rows: Vec<[String; 4]> = found
        .iter()
        .map(|f| {
            // Escaped: a name can hold terminal escape sequences.
            let mut names = f.known.names.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",");
            if names.is_empty() {
                names = "-".into();
            }
            if f.known.current {
                names.push_str(" (current)");
            }
            let nsid = f.nsid.map_or("-".to_string(), |n| n.to_string());
            let mut procs: Vec<String> =
                f.known.pids.iter().take(4).map(|&p| format!("{p} {}", comm(p).unwrap_or_default())).collect();
            if f.known.pids.len() > 4 {
                procs.push(format!("+{} more", f.known.pids.len() - 4));
            }
            let procs = if procs.is_empty() { "-".to_string() } else { procs.join(", ") };
            [names, nsid, f.known.id.ino.to_string(), procs]
        })
        .collect();
    let header = ["NAME", "NSID", "INODE", "PROCESSES"];
    let width = |c: usize| rows.iter().map(|r| r[c].chars().count()).chain([header[c].len()]).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let mut out = format!("{:<w0$}  {:<w1$}  {:<w2$}  {}\n", header[0], header[1], header[2], header[3]);
    for r in &rows {
        out.push_str(&format!("{:<w0$}  {:<w1$}  {:<w2$}  {}\n", r[0], r[1], r[2], r[3]));
    }
    ctx.write(out.as_bytes());
    Ok(status)
}
