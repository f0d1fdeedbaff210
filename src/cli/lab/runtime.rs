//! `netns lab LAB link|impair …`: change a running lab by its own names.
//! The changes are recorded in the lab's journal: `netns status LAB`
//! shows them as runtime changes, `netns up FILE` undoes them.

use super::super::{Code, Ctx, Status};
use super::LabCode;
use crate::lab::runtime::{self, Running, RuntimeError, ShowRow};
use crate::lab::state::LabDir;
use std::ffi::OsString;

const USAGE: &str = "Usage: netns lab LAB link NODE:IF down|up\n\
    \x20      netns lab LAB link NODE NODE down|up\n\
    \x20      netns lab LAB impair NODE:IF [rate R] [delay D] [jitter J] [loss P%] [duplicate P%] [corrupt P%]\n\
    \x20      netns lab LAB impair NODE:IF reset\n\
    \x20      netns [-j] lab LAB impair show\n\
    Change a running lab by the names of its file, until the next `netns up FILE`.\n\
    link NODE:IF down|up   set one end of a link down or up\n\
    link A B down|up       every link between nodes A and B, both ends\n\
    impair NODE:IF …       shape what leaves NODE:IF (replacing its shaping): rate alone\n\
    \x20                      uses tbf; delay, jitter, loss, duplicate and corrupt use netem\n\
    \x20                      (with the rate as netem's own)\n\
    impair NODE:IF reset   back to the shaping the file gives it (none, or its `netem`)\n\
    impair show            the shaping of every interface of the lab\n\
    `netns status LAB` lists these changes as (runtime); `netns up FILE` restores the file's state.";

fn usage(msg: Option<String>) -> Status {
    super::usage_error("lab", USAGE, msg)
}

/// The words `NODE:IF` or `A B` before `down|up`, as targets.
fn link_targets(running: &Running, words: &[String]) -> Result<Vec<runtime::Target>, RuntimeError> {
    match words {
        [t] => {
            let (node, ifname) = runtime::split_target(t).unwrap_or((t, ""));
            Ok(vec![running.target(node, ifname)?])
        }
        [a, b] => running.between(a, b),
        _ => unreachable!("checked by the caller"),
    }
}

fn fail(e: RuntimeError) -> Status {
    eprintln!("netns lab: {e}");
    Ok(LabCode::FAILED)
}

fn show_text(rows: &[ShowRow]) -> String {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
    let pct = |v: Option<f64>| opt(v.map(|p| format!("{p}%")));
    let us = |v: Option<u64>| opt(v.map(runtime::duration_text));
    let table: Vec<[String; 9]> = rows
        .iter()
        .map(|r| {
            [
                format!("{}:{}", r.node, r.interface),
                r.qdisc.clone(),
                opt(r.rate_bps.map(crate::lab::plan::rate_text)),
                us(r.delay_us),
                us(r.jitter_us),
                pct(r.loss),
                pct(r.duplicate),
                pct(r.corrupt),
                if r.source.is_empty() { "-".to_string() } else { r.source.to_string() },
            ]
        })
        .collect();
    let head = ["INTERFACE", "QDISC", "RATE", "DELAY", "JITTER", "LOSS", "DUPLICATE", "CORRUPT", "SET BY"];
    let mut width = head.map(str::len);
    for row in &table {
        for (w, c) in width.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut l = String::new();
        for (i, (c, w)) in cells.iter().zip(width).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(c);
            } else {
                l.push_str(&format!("{c:<w$}  "));
            }
        }
        l.push('\n');
        l
    };
    let mut out = line(&head.map(String::from));
    for row in &table {
        out.push_str(&line(row));
    }
    out
}

/// Run `netns lab ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let mut words: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let mut json = ctx.opts.json;
    words.retain(|w| match w.as_str() {
        "-j" | "--json" => {
            json = true;
            false
        }
        _ => true,
    });
    if words.iter().any(|w| matches!(w.as_str(), "-h" | "--help" | "help")) {
        return usage(None);
    }
    let (lab, verb, rest) = match words.as_slice() {
        [] => return usage(Some("which lab?".into())),
        [_] => return usage(Some("link or impair?".into())),
        [lab, verb, rest @ ..] => (lab.clone(), verb.clone(), rest.to_vec()),
    };
    if let Some(w) = words.iter().find(|w| w.starts_with('-') && w.len() > 1) {
        return usage(Some(format!("unknown option \"{w}\"")));
    }
    // Check the words before looking at the lab.
    enum Op {
        Link(Vec<String>, bool),
        Impair(String, Box<crate::lab::model::Netem>, String),
        Reset(String),
        Show,
    }
    let op = match (verb.as_str(), rest.as_slice()) {
        ("link", [targets @ .., state]) if matches!(targets.len(), 1 | 2) => {
            let up = match state.as_str() {
                "up" => true,
                "down" => false,
                other => return usage(Some(format!("link …: expected down or up, found \"{other}\""))),
            };
            if targets.len() == 1 && runtime::split_target(&targets[0]).is_none() {
                return usage(Some(format!("\"{}\" is not NODE:IF (or give two nodes: link A B down)", targets[0])));
            }
            Op::Link(targets.to_vec(), up)
        }
        ("link", _) => return usage(Some("link takes NODE:IF or two nodes, then down or up".into())),
        ("impair", [show]) if show == "show" => Op::Show,
        ("impair", [target, reset]) if reset == "reset" => Op::Reset(target.clone()),
        ("impair", [target, settings @ ..]) => match runtime::parse_impair(settings) {
            Ok((netem, text)) => Op::Impair(target.clone(), Box::new(netem), text),
            Err(msg) => return usage(Some(format!("impair {target}: {msg}"))),
        },
        ("impair", []) => return usage(Some("impair takes NODE:IF and settings, NODE:IF reset, or show".into())),
        (other, _) => return usage(Some(format!("unknown lab command \"{other}\" (expected link or impair)"))),
    };
    if let Op::Impair(t, ..) | Op::Reset(t) = &op
        && runtime::split_target(t).is_none()
    {
        return usage(Some(format!("\"{t}\" is not NODE:IF")));
    }
    if let Some(status) = super::need_privilege("lab") {
        return status;
    }
    let lab = super::lab_name_arg(lab);
    let labdir = LabDir::from_env();
    let mut running = match runtime::open(&labdir, &lab) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let target = |running: &Running, t: &str| {
        let (node, ifname) = runtime::split_target(t).unwrap_or((t, ""));
        running.target(node, ifname)
    };
    let done = match op {
        Op::Link(targets, up) => {
            link_targets(&running, &targets).and_then(|ts| running.set_links(&ctx.run, &labdir, &ts, up))
        }
        Op::Impair(t, netem, text) => {
            target(&running, &t).and_then(|t| running.impair(&ctx.run, &labdir, t, &netem, &text)).map(|l| vec![l])
        }
        Op::Reset(t) => target(&running, &t).and_then(|t| running.reset(&ctx.run, &labdir, t)).map(|l| vec![l]),
        Op::Show => {
            let rows = match running.show(&ctx.run) {
                Ok(r) => r,
                Err(e) => return fail(e),
            };
            let out = if json {
                let mut s = serde_json::to_string(&rows).unwrap_or_default();
                s.push('\n');
                s
            } else {
                show_text(&rows)
            };
            ctx.write(out.as_bytes());
            return Ok(Code::SUCCESS);
        }
    };
    match done {
        Ok(lines) => {
            let mut out = String::new();
            for l in lines {
                out.push_str(&format!("lab {lab}: {l}\n"));
            }
            ctx.write(out.as_bytes());
            Ok(Code::SUCCESS)
        }
        // An unknown name is the command's failure (1), not a usage
        // error: the words were well formed.
        Err(e) => fail(e),
    }
}
