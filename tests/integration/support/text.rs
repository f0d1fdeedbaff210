//! Reading what commands print: mountinfo tables, listings in any order.

/// One parsed `/proc/self/mountinfo` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountInfo {
    pub mount_point: String,
    pub root: String,
    /// Optional fields (`shared:N`, `master:N`, …).
    pub optional: Vec<String>,
    pub fstype: String,
    pub source: String,
}

/// Parse mountinfo text (octal escapes in paths are left as they are).
pub fn parse_mountinfo(text: &str) -> Vec<MountInfo> {
    let mut v = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let Some(dash) = f.iter().skip(6).position(|&x| x == "-").map(|p| p + 6) else { continue };
        if f.len() < dash + 3 || f.len() < 7 {
            continue;
        }
        v.push(MountInfo {
            root: f[3].to_string(),
            mount_point: f[4].to_string(),
            optional: f[6..dash].iter().map(|s| s.to_string()).collect(),
            fstype: f[dash + 1].to_string(),
            source: f[dash + 2].to_string(),
        });
    }
    v
}

/// Lines of `text`, as a sorted vector (for order-independent compares).
pub fn sorted_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(str::to_string).collect();
    v.sort();
    v
}
