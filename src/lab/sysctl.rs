//! Namespace sysctls (stub until the sysctl helper lands).

use crate::namespace::NetNs;

/// `/proc/sys` path of a dotted key.
pub fn path_of(key: &str) -> String {
    format!("/proc/sys/{}", key.replace('.', "/"))
}

/// Write settings from a thread that is already inside the namespace.
pub fn write_here(settings: &[(String, String)]) -> Result<(), String> {
    for (k, v) in settings {
        std::fs::write(path_of(k), v).map_err(|e| format!("sysctl {k} = {v}: {e}"))?;
    }
    Ok(())
}

/// Read keys from a thread that is already inside the namespace.
pub fn read_here(keys: &[&str]) -> Vec<Option<String>> {
    keys.iter().map(|k| std::fs::read_to_string(path_of(k)).ok().map(|s| s.trim().to_string())).collect()
}

/// Read keys inside `ns`.
pub fn read(ns: &NetNs, keys: &[&str]) -> Result<Vec<Option<String>>, String> {
    ns.run(|| read_here(keys)).map_err(|e| e.to_string())
}

/// Write settings inside `ns`.
pub fn apply(ns: &NetNs, settings: &[(String, String)]) -> Result<(), String> {
    ns.run(|| write_here(settings)).map_err(|e| e.to_string())?
}
