//! Lab tests: the shipped examples and the lab fixtures of
//! `tests/fixtures/labs/` inside a script, and the prelude of every lab
//! script.

use super::script::{Script, script};
use std::fmt::Write as _;

/// Script lines that write every `examples/*.toml` of the checkout into
/// `$H/ex/`, and set `EX` to it. The checkout itself may be out of sight
/// inside a script (a checkout under /tmp is hidden by the script's tmpfs),
/// so the files travel in the script's own text.
pub fn examples_prelude() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("examples/ is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    names.sort();
    let mut out = String::from("mkdir -p \"$H/ex\"\nEX=$H/ex\n");
    for p in names {
        let text = std::fs::read_to_string(&p).expect("an example is text");
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let _ = write!(out, "cat > \"$EX/{name}\" <<'NETNS_EXAMPLE_EOF'\n{text}NETNS_EXAMPLE_EOF\n");
    }
    out
}

/// The prelude of every lab script: private /etc/netns, and `leftovers`,
/// which prints anything of a lab still on the machine.
pub fn lab_script(body: &str) -> Script {
    let examples = examples_prelude();
    script(&format!(
        r#"
export NETNS_ETC_DIR=$H/etc
{examples}
leftovers() {{
    "$IP" netns list
    ls -A "$NETNS_ETC_DIR" 2>/dev/null
    ls -A /run/netns-lab 2>/dev/null
    nsfs_mounts
    "$IP" -o link show | grep -v ': lo:'
    ps -e -o comm= | grep -v -x -E 'bash|ps|grep|sort|cat'
}}
{body}
"#
    ))
    .timeout(std::time::Duration::from_secs(120))
}

/// The text of lab fixture NAME, `tests/fixtures/labs/NAME`.
pub fn lab_fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/labs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("lab fixture {path}: {e}"))
}

impl Script {
    /// Lab fixture NAME (see [`lab_fixture`]) as file NAME in the script's
    /// working directory: the test may change its copy.
    pub fn fixture(self, name: &str) -> Self {
        let text = lab_fixture(name);
        self.file(name, &text)
    }
}
