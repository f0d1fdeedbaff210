//! The friendly description of the command line: `netns --help`, shell
//! completions and the man page are all generated from one clap
//! [`Command`]. Parsing itself follows iproute2's rules and is done by hand
//! (clap would read `-all` as `-a -l -l`).

use super::{Code, Exit, Status};
use clap::{Arg, ArgAction, Command};
use std::ffi::OsString;

const ABOUT: &str = "Manage Linux network namespaces: a drop-in for `ip netns`, and more";

const LONG_ABOUT: &str = "\
netns manages Linux network namespaces. `netns ARGS` behaves exactly like \
`ip netns ARGS` (iproute2): the same words and abbreviations, the same output, \
messages and exit statuses, and the same files under the run directory, so \
namespaces made by either tool work with the other.

Options are iproute2's, spelled with one dash and abbreviable (`-a`, `-all`, \
`--all` are the same). The object word may be given too: `netns netns add x` \
works, so scripts written for `ip` keep working.";

const AFTER: &str = "\
Examples:
  netns add blue                    create a namespace named blue
  netns exec blue ip link           run a command inside it
  netns -j -p list                  list namespaces as pretty JSON
  netns list --all                  every network namespace on the machine
  netns -all exec ip -br addr       run a command in every named namespace
  netns -n blue -j addr             blue's addresses, read over netlink (nothing runs inside)
  netns inspect --all               every namespace at a glance
  netns prune --dry-run             which names nothing uses any more, and why (prune removes them)
  netns -n blue firewall            blue's firewall, per chain with counters (nothing runs inside)
  netns -j firewall --all           every namespace's firewall as JSON
  netns find 10.1.1.1               which namespace has this address, and who routes to it
  netns find 'qg-*' fa:16:3e:00:00:01 dnsmasq   interfaces, MACs, processes: in any namespace
  netns find udp:67 :53             who listens on these ports, in which namespace
  netns top                         live rates of every namespace, busiest first (q quits)
  netns top -j --once --lab LAB     one sample of a lab's namespaces as JSON
  netns capture a:veth0 b:veth0 -w both.pcapng icmp
                                    ICMP on two namespaces' interfaces into one pcapng file
  netns capture LAB h1 -w - | wireshark -k -i -   every interface of a lab node, live in Wireshark
  netns -b cmds.txt                 run a batch file (`-` for standard input)
  netns delete blue                 remove the name (and the namespace when unused)

Labs (whole networks of namespaces from one TOML file):
  netns validate lab.toml           check the file (no root needed, changes nothing)
  netns up lab.toml                 build the lab, or repair it to match the file
  netns up --plan lab.toml          print what up would change
  netns test lab.toml               probe every [[expect]] and print a pass/fail table
  netns status [LAB]                every lab, or one lab with its drift from its file
  netns graph lab.toml --format svg draw it (ascii, dot, mermaid, svg, json; --live)
  netns exec LAB NODE -- CMD        run a command on a node
  netns lab LAB link r1 r2 down     cut every link between two nodes (`up` restores it)
  netns lab LAB impair r1:eth0 rate 10mbit   shape an interface at runtime (impair show: all)
  netns down LAB                    remove everything the lab made (also after a crash)

Environment:
  NETNS_RUN_DIR   where names live (default /run/netns)
  NETNS_ETC_DIR   per-namespace /etc overrides (default /etc/netns)
  NETNS_NFT       the nft binary labs run (default: found on PATH)
  NETNS_LAB_DIR   lab state and locks (default /run/netns-lab)

Differences from iproute2 (bug fixes) are listed in docs/compat.md.";

fn name_arg() -> Arg {
    Arg::new("NAME").help("Namespace name (a file in the run directory)")
}

/// The whole command line, for help, completions and the man page.
pub fn command() -> Command {
    Command::new("netns")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .long_about(LONG_ABOUT)
        .after_help(AFTER)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("netns")
                .short('n')
                .long("netns")
                .value_name("NAME")
                .help("Run the command inside namespace NAME (like `netns exec NAME`)"),
        )
        .arg(
            Arg::new("all")
                .short('a')
                .long("all")
                .action(ArgAction::SetTrue)
                .help("With delete and exec: act on every named namespace"),
        )
        .arg(Arg::new("json").short('j').long("json").action(ArgAction::SetTrue).help("JSON output"))
        .arg(Arg::new("pretty").short('p').long("pretty").action(ArgAction::SetTrue).help("Indented JSON (with -j)"))
        .arg(
            Arg::new("batch")
                .short('b')
                .long("batch")
                .value_name("FILE")
                .help("Run commands from FILE, one per line (`-` reads standard input)"),
        )
        .arg(
            Arg::new("force")
                .long("force")
                .action(ArgAction::SetTrue)
                .help("In batch mode, go on after a failing line"),
        )
        .arg(Arg::new("net-only").long("net-only").action(ArgAction::SetTrue).help(
            "exec: enter only the network namespace (no private mounts, /sys or /etc/netns; fast with many namespaces)",
        ))
        .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help("Print this help"))
        .arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("Print the version"))
        .subcommand(
            Command::new("list")
                .visible_aliases(["show", "lst"])
                .about("List named namespaces (the default command)")
                .arg(
                    Arg::new("all")
                        .long("all")
                        .action(ArgAction::SetTrue)
                        .help("Every network namespace on the machine, named or not, with nsid, inode and processes"),
                ),
        )
        .subcommand(
            Command::new("list-id")
                .about("List the ids this namespace assigned to its peers")
                .arg(Arg::new("target-nsid").value_name("target-nsid N").help("Ask the namespace with id N instead"))
                .arg(Arg::new("nsid").value_name("nsid M").help("Only the peer with id M")),
        )
        .subcommand(Command::new("add").about("Create a namespace and name it").arg(name_arg().required(true)))
        .subcommand(
            Command::new("attach")
                .about("Name the namespace of a running process")
                .arg(name_arg().required(true))
                .arg(Arg::new("PID").required(true)),
        )
        .subcommand(
            Command::new("set")
                .about("Assign an id to a namespace (auto: the kernel picks)")
                .arg(name_arg().required(true))
                .arg(Arg::new("NETNSID").required(true).help("auto or a number >= 0")),
        )
        .subcommand(Command::new("delete").about("Remove a name (all names with -all)").arg(name_arg()))
        .subcommand(Command::new("identify").about("Print the name of a process's namespace").arg(Arg::new("PID")))
        .subcommand(Command::new("pids").about("List the processes inside a namespace").arg(name_arg().required(true)))
        .subcommand(
            Command::new("exec")
                .about("Run a command inside a namespace (in every one with -all)")
                .arg(name_arg())
                .arg(Arg::new("COMMAND").num_args(1..).trailing_var_arg(true).allow_hyphen_values(true)),
        )
        .subcommand(Command::new("monitor").about("Print names as they are added and deleted"))
        .subcommand(
            Command::new("inspect")
                .about("One view of a namespace: interfaces, veth peers, addresses, routes, neighbours, sysctls, processes, listening sockets and established connections, firewall")
                .arg(Arg::new("NAME").num_args(0..).help("Named namespaces (default: the current one; --all: every one)"))
                .arg(Arg::new("all").long("all").action(ArgAction::SetTrue).help("The current namespace and every named one")),
        )
        .subcommand(
            Command::new("prune")
                .about(
                    "Remove names nothing uses: namespaces with no process and no interface up but lo, \
                     stale placeholders (never a lab's, a held one, a young one, or a symlink)",
                )
                .arg(
                    Arg::new("dry-run")
                        .long("dry-run")
                        .action(ArgAction::SetTrue)
                        .help("List what would be removed and why; change nothing (works without root, as far as it can see)"),
                )
                .arg(
                    Arg::new("min-age")
                        .long("min-age")
                        .value_name("SECONDS")
                        .help("Keep names younger than this (default 10): they may still be being set up"),
                )
                .arg(Arg::new("json").short('j').long("json").action(ArgAction::SetTrue).help("JSON output")),
        )
        .subcommand(
            Command::new("top")
                .about(
                    "Live rates of each namespace and its interfaces (bits/s, packets/s, drops/s, errors/s), \
                     busiest first: a full-screen view on a terminal (q quit, s sort, / filter, Enter expand, \
                     ? help), JSON lines in a pipe or with -j",
                )
                .arg(Arg::new("NAME").num_args(0..).help(
                    "Named namespaces (default: the current one and every named one; reading another \
                     namespace needs root)",
                ))
                .arg(
                    Arg::new("all")
                        .long("all")
                        .action(ArgAction::SetTrue)
                        .help("Also the namespaces without a name (found through /proc)"),
                )
                .arg(Arg::new("lab").long("lab").value_name("LAB").help("The namespaces of lab LAB"))
                .arg(Arg::new("once").long("once").action(ArgAction::SetTrue).help("Print one sample after one interval and exit"))
                .arg(
                    Arg::new("interval")
                        .long("interval")
                        .value_name("SECONDS")
                        .help("Seconds between samples (default 1)"),
                )
                .arg(Arg::new("json").short('j').long("json").action(ArgAction::SetTrue).help("JSON lines, one object per sample")),
        )
        .subcommand(
            Command::new("capture")
                .about(
                    "Capture packets on interfaces in many namespaces at once, natively (packet sockets \
                     opened inside; no tcpdump needed): one pcapng stream with an interface per target \
                     named NS/IF, or a line per packet; Ctrl-C stops it cleanly",
                )
                .arg(Arg::new("TARGET").num_args(1..).required(true).help(
                    "NS:IF (a named namespace and its interface), LAB NODE:IF, or LAB NODE (all the node's \
                     interfaces but lo)",
                ))
                .arg(Arg::new("write").short('w').value_name("FILE").help(
                    "Write pcapng to FILE (never through a symlink; an existing file is replaced), or - for \
                     standard output (wireshark -k -i -, tcpdump -r -)",
                ))
                .arg(Arg::new("count").short('c').value_name("COUNT").help("Stop after COUNT packets"))
                .arg(
                    Arg::new("duration")
                        .long("duration")
                        .value_name("D")
                        .help("Stop after D (10, 10s, 500ms, 2m, 1h; at most a week)"),
                )
                .arg(Arg::new("FILTER").last(true).num_args(0..).help(
                    "A tcpdump expression (icmp, arp, tcp port 80, …) compiled by libpcap, which only a filter needs \
                     at run time, and run by the kernel; after the targets, or after --",
                )),
        )
        .subcommand(
            Command::new("firewall")
                .about("The firewall, read natively (nf_tables over netlink, legacy iptables through getsockopt; no nft or iptables needed): an iptables -vnL-style table per chain, with each rule's counters and text")
                .arg(Arg::new("NAME").num_args(0..).help("Named namespaces (default: the current one; --all: every one)"))
                .arg(
                    Arg::new("all")
                        .long("all")
                        .action(ArgAction::SetTrue)
                        .help("The current namespace and every named one, read in parallel"),
                )
                .arg(Arg::new("root").long("root").action(ArgAction::SetTrue).help("The initial namespace (PID 1's)"))
                .arg(Arg::new("json").short('j').long("json").action(ArgAction::SetTrue).help("JSON output"))
                .after_help(
                    "Reading nf_tables needs CAP_NET_ADMIN in the namespace; entering another namespace needs root.",
                ),
        )
        .subcommand(
            Command::new("find")
                .about("Which namespace holds an address, prefix, MAC, interface (name or glob), process or port; nothing runs inside")
                .arg(Arg::new("WHAT").num_args(1..).required(true).help(
                    "ADDRESS, PREFIX, MAC, IFNAME or GLOB, PID, PROCESS-NAME, :PORT, tcp:PORT or udp:PORT; a hit for any is printed",
                ))
                .arg(
                    Arg::new("all")
                        .long("all")
                        .action(ArgAction::SetTrue)
                        .help("Also search every unnamed namespace a process holds"),
                )
                .arg(Arg::new("json").short('j').action(ArgAction::SetTrue).help("JSON output"))
                .after_help(
                    "Namespaces that reach an ADDRESS only by their default route are counted on one line \
                     (-j lists each); they alone are no match.\n\
                     Exit status: 0 found, 1 not found, 2 not found and some namespace or process could not be read.\n\
                     Without root: the namespace netns runs in and the user's own processes.",
                ),
        )
        .subcommand(
            Command::new("link")
                .about("iproute2's `ip link` (show, add, set, delete), in any namespace with -n NAME")
                .arg(Arg::new("ARGS").num_args(0..).trailing_var_arg(true).allow_hyphen_values(true)),
        )
        .subcommand(
            Command::new("address")
                .visible_alias("addr")
                .about("iproute2's `ip address` (show, add, delete, flush)")
                .arg(Arg::new("ARGS").num_args(0..).trailing_var_arg(true).allow_hyphen_values(true)),
        )
        .subcommand(
            Command::new("route")
                .about("iproute2's `ip route` (show, get, add, delete, replace)")
                .arg(Arg::new("ARGS").num_args(0..).trailing_var_arg(true).allow_hyphen_values(true)),
        )
        .subcommand(
            Command::new("neighbour")
                .visible_aliases(["neigh", "neighbor"])
                .about("iproute2's `ip neighbour` (show, add, delete, replace)")
                .arg(Arg::new("ARGS").num_args(0..).trailing_var_arg(true).allow_hyphen_values(true)),
        )
        .subcommand(
            Command::new("validate")
                .about("Check a lab file: every error with file:line:column (no root needed)")
                .arg(Arg::new("FILE").required(true)),
        )
        .subcommand(
            Command::new("up")
                .about("Build a lab from its file, or change a running lab to match it")
                .arg(Arg::new("plan").long("plan").action(ArgAction::SetTrue).help("Print the changes, make none"))
                .arg(Arg::new("FILE").required(true)),
        )
        .subcommand(
            Command::new("down")
                .about("Remove everything a lab made: namespaces, processes, /etc/netns files, state")
                .arg(Arg::new("LAB").required(true).help("A lab name or its file")),
        )
        .subcommand(
            Command::new("status")
                .about("Every lab, or one lab's nodes, interfaces, processes and drift from its file (-j: JSON)")
                .arg(Arg::new("LAB")),
        )
        .subcommand(
            Command::new("lab")
                .about("Change a running lab by its names until the next up: links down|up, impair (rate, delay, loss…), impair show")
                .arg(Arg::new("LAB").required(true).help("A lab name or its file"))
                .arg(
                    Arg::new("ARGS")
                        .num_args(1..)
                        .required(true)
                        .trailing_var_arg(true)
                        .help("link NODE:IF down|up | link A B down|up | impair NODE:IF [rate R] [delay D] [jitter J] [loss P%] [duplicate P%] [corrupt P%] | impair NODE:IF reset | impair show"),
                ),
        )
        .subcommand(
            Command::new("test")
                .about("Probe every [[expect]] of a running lab (ICMP, TCP, UDP, RTT, path) and print pass/fail")
                .arg(Arg::new("FILE").required(true))
                .arg(Arg::new("json").short('j').action(ArgAction::SetTrue).help("JSON output"))
                .arg(Arg::new("timeout").long("timeout").value_name("MS").help("Bound on each round of probes (default 1000)"))
                .arg(
                    Arg::new("wait")
                        .long("wait")
                        .value_name("DURATION")
                        .help("Probe failing expectations again until they pass or DURATION (30s, 2m) has passed"),
                )
                .arg(
                    Arg::new("junit")
                        .long("junit")
                        .value_name("OUT")
                        .value_hint(clap::ValueHint::FilePath)
                        .help("Also write the results as JUnit XML to OUT"),
                ),
        )
        .subcommand(
            Command::new("graph")
                .about("Draw a lab from its file (no root needed); --live overlays the running state")
                .arg(Arg::new("FILE").required(true))
                .arg(
                    Arg::new("format")
                        .long("format")
                        .value_parser(["ascii", "dot", "mermaid", "svg", "json"])
                        .help("Output format (default ascii)"),
                )
                .arg(Arg::new("live").long("live").action(ArgAction::SetTrue).help("Overlay live state"))
                .arg(Arg::new("output").short('o').value_name("OUT").help("Write to OUT instead of stdout")),
        )
        .subcommand(Command::new("help").about("Print iproute2's usage summary"))
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script")
                .arg(Arg::new("SHELL").required(true).value_parser(["bash", "zsh", "fish", "elvish", "powershell"])),
        )
        .subcommand(Command::new("man").about("Print the man page (roff)"))
}

/// `netns -h` / `netns --help`.
pub fn print_help() {
    let mut cmd = command();
    print!("{}", cmd.render_long_help());
}

/// `netns completions SHELL`.
pub fn completions(args: &[OsString]) -> Status {
    use clap_complete::Shell;
    let shell = match args.first().and_then(|s| s.to_str()) {
        Some("bash") => Shell::Bash,
        Some("zsh") => Shell::Zsh,
        Some("fish") => Shell::Fish,
        Some("elvish") => Shell::Elvish,
        Some("powershell") => Shell::PowerShell,
        other => {
            eprintln!(
                "netns completions: {}: choose one of bash, zsh, fish, elvish, powershell",
                other.map_or("no shell given".to_string(), |s| format!("unknown shell \"{s}\""))
            );
            return Err(Exit::ERROR);
        }
    };
    clap_complete::generate(shell, &mut command(), "netns", &mut std::io::stdout());
    Ok(Code::SUCCESS)
}

/// `netns man`.
pub fn man() -> Status {
    let man = clap_mangen::Man::new(command());
    if man.render(&mut std::io::stdout()).is_err() {
        return Err(Exit::ERROR);
    }
    Ok(Code::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_man_page_is_current() {
        let mut now = Vec::new();
        clap_mangen::Man::new(command()).render(&mut now).unwrap();
        let shipped = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/netns.1")).unwrap();
        assert!(now == shipped, "docs/netns.1 is stale: regenerate it with `netns man > docs/netns.1`");
    }

    #[test]
    fn completions_generate_for_every_shell() {
        for shell in [clap_complete::Shell::Bash, clap_complete::Shell::Zsh, clap_complete::Shell::Fish] {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command(), "netns", &mut out);
            let text = String::from_utf8(out).unwrap();
            assert!(text.contains("list-id") && text.contains("net-only"), "{shell} completion lacks words");
            assert!(text.contains("prune") && text.contains("dry-run"), "{shell} completion lacks prune");
            assert!(text.contains("top") && text.contains("interval"), "{shell} completion lacks top");
            assert!(text.contains("firewall"), "{shell} completion lacks firewall");
            assert!(text.contains("find"), "{shell} completion lacks find");
            assert!(text.contains("inspect"), "{shell} completion lacks inspect");
            assert!(text.contains("capture") && text.contains("duration"), "{shell} completion lacks capture");
        }
    }

    #[test]
    fn help_describes_every_subcommand() {
        let help = command().render_long_help().to_string();
        for word in [
            "list", "list-id", "add", "attach", "set", "delete", "identify", "pids", "exec", "monitor", "inspect",
            "prune", "find", "top", "firewall", "capture",
        ] {
            assert!(help.contains(&format!("  {word} ")), "help lacks {word}");
        }
    }
}
