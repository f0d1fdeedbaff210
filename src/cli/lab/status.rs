//! `netns status [LAB] [-j]`: every lab on the machine, or one lab in
//! detail: its nodes, interfaces, addresses, processes and drift against
//! its file.

use super::super::{Code, Ctx, Exit, Status};
use super::LabCode;
use crate::lab::graph::{self, Format, Graph};
use crate::lab::owner;
use crate::lab::plan::describe;
use crate::lab::runtime;
use crate::lab::state::{LabDir, Phase, State, is_alive};
use crate::lab::up::{UpError, UpOptions, up};
use crate::lab::{Lab, apply::Progress};
use serde_json::{Value, json};
use std::ffi::OsString;

const USAGE: &str = "Usage: netns [-j [-p]] status [LAB]\n\
    Without LAB: one line per lab. With LAB: its nodes, interfaces, addresses,\n\
    processes, and what differs from its file (drift).";

struct Quiet;
impl Progress for Quiet {
    fn step(&mut self, _: usize, _: &str) {}
}

/// What one lab looks like now.
struct Seen {
    name: String,
    state: Option<State>,
    lab: Option<Lab>,
    load_error: Option<String>,
    nodes_present: usize,
    drift: Vec<String>,
    /// Changes made by `netns lab LAB link|impair` still in effect:
    /// (node, interface, change).
    runtime: Vec<(String, String, String)>,
    /// What `up --plan` read of the lab's namespaces, for the live view.
    live: Option<graph::Live>,
}

fn look(ctx: &Ctx, labdir: &LabDir, name: &str) -> Seen {
    let state = labdir.read(name);
    let mut seen = Seen {
        name: name.to_string(),
        state: state.clone(),
        lab: None,
        load_error: None,
        nodes_present: 0,
        drift: Vec::new(),
        runtime: Vec::new(),
        live: None,
    };
    let Some(st) = &state else {
        seen.nodes_present = owner::scan(&ctx.run, name).len();
        return seen;
    };
    seen.nodes_present = st
        .namespaces
        .iter()
        .filter(|r| crate::rundir::NsName::existing(&r.ns).is_ok_and(|n| ctx.run.entry(&n).exists()))
        .count();
    match crate::lab::load(&st.file) {
        // Reading inside the namespaces takes root: without it, the state
        // alone speaks, and the note says what is missing.
        Ok((_, lab)) if lab.name == name && !super::privileged() => {
            seen.load_error = Some("live state and drift need root (run `sudo netns status`)".into());
            seen.lab = Some(lab);
        }
        Ok((_, lab)) if lab.name == name => {
            let opts = UpOptions { plan_only: true, observe: true, file: st.file.clone(), ..UpOptions::default() };
            match up(&lab, &ctx.run, labdir, &opts, &mut Quiet) {
                Ok(r) => {
                    // Steps that undo a change made by `netns lab` are
                    // runtime changes; the rest is drift.
                    let (changes, rest) = runtime::split(&lab, &st.runtime, &r.plan.actions);
                    seen.runtime = changes
                        .iter()
                        .map(|(rec, _)| (rec.node.clone(), rec.ifname.clone(), rec.change.text()))
                        .collect();
                    seen.drift = rest.into_iter().map(|a| describe(&lab, a)).collect();
                    seen.live = Some(graph::live::from_reading(&lab, &r.live));
                }
                Err(UpError::Refused(d)) => {
                    let why: Vec<String> = d.into_iter().map(|d| d.message).collect();
                    seen.load_error = Some(format!("cannot compare with the file: {}", why.join("; ")))
                }
                Err(UpError::Failed { error, .. }) => {
                    seen.load_error = Some(format!("cannot compare with the file: {error}"))
                }
            }
            seen.lab = Some(lab);
        }
        Ok((_, lab)) => seen.load_error = Some(format!("{} now describes lab {}", st.file, lab.name)),
        Err(_) => seen.load_error = Some(format!("{} cannot be read or is no longer valid", st.file)),
    }
    seen
}

fn state_word(s: &Seen) -> &'static str {
    match &s.state {
        None => "orphaned",
        Some(st) if st.phase == Phase::Building => "incomplete",
        // Its file is gone or no longer valid: drift cannot be told.
        Some(_) if s.load_error.is_some() => "unknown",
        Some(_) if !s.drift.is_empty() => "drifted",
        // It differs from its file only by `netns lab` changes.
        Some(_) if !s.runtime.is_empty() => "runtime",
        Some(_) => "up",
    }
}

fn processes(s: &Seen) -> Vec<Value> {
    s.state
        .iter()
        .flat_map(|st| st.runs.iter())
        .map(|r| json!({"node": r.node, "name": r.name, "pid": r.pid, "running": is_alive(r)}))
        .collect()
}

fn summary_json(s: &Seen) -> Value {
    let total = s.state.as_ref().map_or(s.nodes_present, |st| st.namespaces.len());
    json!({
        "lab": s.name,
        "state": state_word(s),
        "file": s.state.as_ref().map(|st| st.file.clone()),
        "nodes": total,
        "nodes_present": s.nodes_present,
        "drift": s.drift.len(),
        "runtime": s.runtime.len(),
    })
}

/// Run `netns status ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let words: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let mut json_out = ctx.opts.json;
    let mut target = None;
    for w in &words {
        match w.as_str() {
            "-j" | "--json" => json_out = true,
            "--all" | "-a" => {}
            "-h" | "--help" | "help" => {
                eprintln!("{USAGE}");
                return Err(Exit::FAILURE);
            }
            _ if target.is_none() => target = Some(w.clone()),
            _ => {
                eprintln!("{USAGE}");
                return Err(Exit::FAILURE);
            }
        }
    }
    let labdir = LabDir::from_env();
    let pretty = ctx.opts.pretty;
    let render = |v: &Value| {
        let mut s = if pretty { serde_json::to_string_pretty(v) } else { serde_json::to_string(v) }.unwrap_or_default();
        s.push('\n');
        s
    };
    let Some(name) = target else {
        let mut labs = labdir.labs();
        for l in owner::marked_labs(&ctx.run) {
            if !labs.contains(&l) {
                labs.push(l);
            }
        }
        labs.sort();
        let seen: Vec<Seen> = labs.iter().map(|l| look(ctx, &labdir, l)).collect();
        let out = if json_out {
            render(&Value::Array(seen.iter().map(summary_json).collect()))
        } else if seen.is_empty() {
            "no labs are up (bring one up with `netns up FILE`)\n".to_string()
        } else {
            let mut out = format!("{:<12}  {:<10}  {:>7}  {:>5}  FILE\n", "LAB", "STATE", "NODES", "DRIFT");
            for s in &seen {
                let total = s.state.as_ref().map_or(s.nodes_present, |st| st.namespaces.len());
                out.push_str(&format!(
                    "{:<12}  {:<10}  {:>7}  {:>5}  {}\n",
                    s.name,
                    state_word(s),
                    format!("{}/{}", s.nodes_present, total),
                    s.drift.len(),
                    s.state.as_ref().map_or("(state lost: `netns down LAB` removes it)", |st| st.file.as_str())
                ));
            }
            out
        };
        ctx.write(out.as_bytes());
        return Ok(Code::SUCCESS);
    };
    let name = super::lab_name_arg(name);
    let seen = look(ctx, &labdir, &name);
    if seen.state.is_none() && seen.nodes_present == 0 {
        eprintln!("netns status: no lab {name} is up");
        return Ok(LabCode::FAILED);
    }
    // The reading behind the drift serves the live view too; only when
    // that failed (a name taken by someone else, say) is each namespace
    // read on its own, to show which.
    let live = match (&seen.live, &seen.lab) {
        (Some(l), _) => Some(l.clone()),
        (None, Some(lab)) if super::privileged() => Some(graph::collect_live(lab, &ctx.run)),
        _ => None,
    };
    let out = if json_out {
        let mut v = summary_json(&seen);
        if let (Some(lab), Some(live)) = (&seen.lab, &live) {
            v["topology"] = graph::json::value(&Graph::new(lab, Some(live)));
        }
        v["processes"] = Value::Array(processes(&seen));
        v["drift_actions"] = json!(seen.drift);
        v["runtime_changes"] = Value::Array(
            seen.runtime
                .iter()
                .map(|(node, ifname, change)| {
                    json!({"node": node, "interface": ifname, "change": change,
                           "text": format!("{node}:{ifname} {change} (runtime)")})
                })
                .collect(),
        );
        v["error"] = json!(seen.load_error);
        render(&v)
    } else {
        let mut out = String::new();
        let total = seen.state.as_ref().map_or(seen.nodes_present, |st| st.namespaces.len());
        out.push_str(&format!(
            "lab {}: {}, {}/{} namespaces present, file {}\n",
            seen.name,
            state_word(&seen),
            seen.nodes_present,
            total,
            seen.state.as_ref().map_or("(unknown: state lost)", |st| st.file.as_str())
        ));
        if let Some(e) = &seen.load_error {
            out.push_str(&format!("  note: {e}\n"));
        }
        if let Some(lab) = &seen.lab {
            let body = graph::render(lab, live.as_ref(), Format::Ascii);
            // The graph's own title line repeats the lab name: skip it.
            for line in body.lines().skip(1) {
                out.push_str(line);
                out.push('\n');
            }
        }
        let procs = processes(&seen);
        if !procs.is_empty() {
            out.push_str("processes:\n");
            for p in procs {
                out.push_str(&format!(
                    "  {} on {}: pid {} {}\n",
                    p["name"].as_str().unwrap_or(""),
                    p["node"].as_str().unwrap_or(""),
                    p["pid"],
                    if p["running"].as_bool() == Some(true) { "running" } else { "NOT RUNNING" }
                ));
            }
        }
        if !seen.runtime.is_empty() {
            out.push_str(&format!(
                "runtime changes ({}; made by `netns lab {}`, `netns up FILE` restores the file's state):\n",
                seen.runtime.len(),
                seen.name
            ));
            for (node, ifname, change) in &seen.runtime {
                out.push_str(&format!("  {node}:{ifname} {change} (runtime)\n"));
            }
        }
        if seen.drift.is_empty() {
            if seen.state.is_some() && seen.load_error.is_none() && seen.runtime.is_empty() {
                out.push_str("drift: none (the lab matches its file)\n");
            }
        } else {
            out.push_str(&format!("drift ({}; `netns up FILE` repairs it):\n", seen.drift.len()));
            for d in &seen.drift {
                out.push_str(&format!("  {d}\n"));
            }
        }
        out
    };
    ctx.write(out.as_bytes());
    Ok(Code::SUCCESS)
}
