//! What `netns prune` prints: for people, the names it removes with the
//! reason for each, then the ones it kept although nothing uses them as a
//! network (so "why is X still there?" has its answer), then what it
//! removed; for tools (`-j`), every name with its verdict.

use super::{Action, Judged, Outcome, Survey};
use crate::output::JsonWriter;
use crate::rundir::{Entry, RunDir, escape_name};
use std::fmt::Write as _;

/// The widest name column; longer names push their reason right.
const NAME_COLUMN: usize = 24;

fn shown(j: &Judged) -> String {
    escape_name(j.name.as_os_str())
}

/// The list printed before anything is removed.
pub fn plan(run: &RunDir, survey: &Survey, dry_run: bool) -> String {
    let dir = run.path().display();
    if survey.missing {
        return format!("nothing to remove: {dir} does not exist\n");
    }
    let all = &survey.entries;
    let remove: Vec<&Judged> = all.iter().filter(|j| j.action == Action::Remove).collect();
    let kept: Vec<&Judged> = all.iter().filter(|j| j.action == Action::Keep && j.near_miss).collect();
    let unknown: Vec<&Judged> = all.iter().filter(|j| j.action == Action::Unknown).collect();
    let in_use = all.iter().filter(|j| j.action == Action::Keep && !j.near_miss).count();
    let width = all.iter().map(|j| shown(j).chars().count()).max().unwrap_or(0).min(NAME_COLUMN);
    let mut out = String::new();
    let names = |n: usize| if n == 1 { "1 name".to_string() } else { format!("{n} names") };
    if all.is_empty() {
        let _ = writeln!(out, "nothing to remove: {dir} is empty");
    } else if remove.is_empty() {
        let _ = writeln!(out, "nothing to remove in {dir} ({})", names(all.len()));
    } else {
        let verb = if dry_run { "would remove" } else { "removing" };
        let _ = writeln!(out, "{verb} {} of {} in {dir}:", remove.len(), names(all.len()));
        for j in &remove {
            let _ = writeln!(out, "  {:width$}  {}", shown(j), j.reason);
        }
    }
    if !kept.is_empty() {
        let _ = writeln!(out, "kept:");
        for j in &kept {
            let _ = writeln!(out, "  {:width$}  {}", shown(j), j.reason);
        }
    }
    // Names that could not be judged, grouped by why (without root, every
    // namespace shares one reason).
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for j in &unknown {
        match groups.iter_mut().find(|(why, _)| *why == j.reason) {
            Some((_, list)) => list.push(shown(j)),
            None => groups.push((&j.reason, vec![shown(j)])),
        }
    }
    for (why, list) in groups {
        if list.len() == 1 {
            let _ = writeln!(out, "not judged: {}  {why}", list[0]);
        } else {
            const SHOWN: usize = 8;
            let mut listed = list.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(" ");
            if list.len() > SHOWN {
                let _ = write!(listed, " and {} more", list.len() - SHOWN);
            }
            let _ = writeln!(out, "not judged ({}): {why}: {listed}", list.len());
        }
    }
    if in_use > 0 {
        let _ = writeln!(out, "in use, not shown: {} (an interface up; -j lists every name)", names(in_use));
    }
    out
}

/// The line after the removals: what went, what was left on the second
/// look. Failures go to standard error, one line each, as they happen.
pub fn removed(survey: &Survey) -> String {
    let mut gone = Vec::new();
    let mut out = String::new();
    let mut tried = 0;
    for j in &survey.entries {
        match &j.outcome {
            Outcome::NotTried => continue,
            Outcome::Removed => gone.push(shown(j)),
            Outcome::Changed(why) => {
                let _ = writeln!(out, "not removed: {}: {why}", shown(j));
            }
            Outcome::Failed(_) => {}
        }
        tried += 1;
    }
    if tried == 0 {
        return out;
    }
    let head = if gone.len() == tried {
        format!("removed {}", gone.len())
    } else {
        format!("removed {} of {tried}", gone.len())
    };
    if gone.is_empty() {
        let _ = writeln!(out, "{head}");
    } else {
        let _ = writeln!(out, "{head}: {}", gone.join(" "));
    }
    out
}

/// Every name, as a JSON array (iproute2's layout; `name` as `ip -j netns`
/// writes it, `ifname` and `pid`/`comm` as `ip -j link` and `netns -j pids`
/// do).
pub fn json(survey: &Survey, pretty: bool) -> Vec<u8> {
    let mut w = JsonWriter::new(pretty);
    w.start_array();
    for j in &survey.entries {
        w.start_object();
        w.string_field("name", j.name.as_bytes());
        let kind = match &j.entry {
            Some(Entry::Namespace { .. }) => "netns",
            Some(Entry::Placeholder { .. }) => "placeholder",
            Some(Entry::Other { kind, .. }) => kind.word(),
            None => "unknown",
        };
        w.string_field("type", kind.as_bytes());
        let (action, reason) = match &j.outcome {
            Outcome::Changed(why) => (Action::Keep, why.as_str()),
            _ => (j.action, j.reason.as_str()),
        };
        w.string_field("action", action.word().as_bytes());
        w.string_field("reason", reason.as_bytes());
        if let Some(age) = j.age {
            w.int_field("age", i64::try_from(age).unwrap_or(i64::MAX));
        }
        if let Some((lab, node)) = &j.lab {
            w.string_field("lab", lab.as_bytes());
            w.string_field("node", node.as_bytes());
        }
        if let Some(ifaces) = &j.interfaces {
            w.name("interfaces");
            w.start_array();
            for i in ifaces {
                w.start_object();
                w.string_field("ifname", i.name.as_bytes());
                w.bool_field("up", i.up);
                w.end_object();
            }
            w.end_array();
        }
        for (key, pids) in [("pids", &j.inside), ("held_by", &j.held_by)] {
            if pids.is_empty() {
                continue;
            }
            w.name(key);
            w.start_array();
            for &pid in pids {
                w.start_object();
                w.int_field("pid", pid.into());
                if let Some(comm) = crate::procscan::comm(pid) {
                    w.string_field("comm", comm.as_bytes());
                }
                w.end_object();
            }
            w.end_array();
        }
        if !j.mounts.is_empty() {
            w.name("mounts");
            w.start_array();
            for m in &j.mounts {
                w.string(m.as_bytes());
            }
            w.end_array();
        }
        w.bool_field("removed", j.outcome == Outcome::Removed);
        if let Outcome::Failed(e) = &j.outcome {
            w.string_field("error", e.as_bytes());
        }
        w.end_object();
    }
    w.end_array();
    w.finish()
}
