//! Differential tests: every case runs once through iproute2
//! (`/usr/sbin/ip [OPTS] netns ARGS`) and once through the `netns` binary
//! (`netns [OPTS] ARGS`), each in a fresh private mount+net+pid namespace
//! with a fresh tmpfs on `/run`, and the outcomes (stdout, stderr, exit
//! status, `post` command output) must be byte-identical after iproute2's
//! program name is normalised. See `support/diff.rs` for the harness.
//! The numbered `rNN_` cases are the core behaviours of `ip netns`; the
//! others cover the details around them.
//!
//! Cases marked `.diverges(..)` are deliberate differences documented in
//! `docs/compat.md`: against netns they must come out different.
//!
//! Needs root, `unshare`, `setpriv` and `/usr/sbin/ip` (iproute2 6.1).
//!
//! ```text
//! cargo test --test integration differential::        # netns vs iproute2
//! cargo test --test integration differential::aa_self_check -- --ignored
//!                                                     # iproute2 vs iproute2 (harness check)
//! NETNS_DIFF_TOOL=ipwrap cargo test --test integration differential::
//!                                                     # same, one test per case
//! ```
//!
//! (`ipwrap` is written to `$CARGO_TARGET_TMPDIR/ipwrap`: `target/tmp/ipwrap`,
//! or `target/x86_64-unknown-linux-gnu/tmp/ipwrap` in the release recipe's
//! build; `NETNS_DIFF_TOOL` also takes a path.)

use crate::support::diff::{self, case, cases};

/// Run dir exists (with its self-bind mount) but holds no namespace.
const EMPTY_DIR: &str = "ip netns add x; ip netns del x";
const A: &str = "ip netns add a";
const AB: &str = "ip netns add a; ip netns add b";
const STALE: &str = "ip netns add a; touch /run/netns/stale";
/// a=12, b=13 here; a calls b 23 and c 30; c has no id here.
const TARGET: &str = "ip netns add a; ip netns add b; ip netns set a 12; ip netns set b 13; \
                      ip -n a netns set b 23; ip netns add c; ip -n a netns set c 30";
/// nsid 30 belongs to a namespace that is alive but has no name; a=1.
const UNNAMED_ID: &str = "ip netns add a; ip netns set a 1; ip netns add c; ip netns set c 30; \
                          spawn_in c; ip netns del c";
/// /etc becomes an overlay (upper layer on the private /tmp) with /etc/netns/a/*.
const ETC_NETNS: &str = "mkdir /tmp/u /tmp/w; \
    mount -t overlay overlay -o lowerdir=/etc,upperdir=/tmp/u,workdir=/tmp/w /etc; \
    mkdir -p /etc/netns/a; echo inside >/etc/netns/a/hostname; echo x >/etc/netns/a/newfile; \
    ip netns add a";
const LS: &str = "ls -A /run/netns";
const LIST: &str = "ip netns";
const MOUNTS: &str = "awk '$5 ~ \"^/run\" {print $5, $9}' /proc/self/mountinfo";

// Deliberate differences listed in docs/compat.md: these cases must agree
// with themselves in the A/A run and must differ between netns and iproute2.
const ALL_VALIDATES: &str = "compat #2: names are validated under -all too";
const CHILD_EXITS: &str = "compat #4: a child whose namespace switch fails exits (iproute2 >= 6.9)";
const NO_NULL: &str = "compat #5: the value is printed instead of (null)";
const NO_GUESS: &str = "compat #6: list-id prints a name only when the current id is known";
const JSON_ADDITION: &str = "compat additions: -j for identify";

cases! {
    // ---------------------------------------------------------------- list
    r01_list_empty_dir => case().setup(EMPTY_DIR);
    list_no_run_dir => case();
    r02_json_empty_dir => case().setup(EMPTY_DIR).opts(&["-j"]);
    r03_json_no_run_dir => case().opts(&["-j"]);
    json_pretty_no_run_dir => case().opts(&["-j", "-p"]).args(&["list"]);
    r04_list_with_id => case().setup("ip netns add a; ip netns add b; ip netns set b 5");
    list_order_newest_first => case().setup("ip netns add a; ip netns add c; ip netns add b").args(&["list"]);
    list_json_ids => case().setup("ip netns add a; ip netns add b; ip netns set b 5").opts(&["-j"]).args(&["list"]);
    list_json_pretty => case().setup("ip netns add a; ip netns add b; ip netns set b 5").opts(&["-j", "-p"]);
    list_json_pretty_empty => case().setup(EMPTY_DIR).opts(&["-j", "-p"]);
    list_pretty_without_json => case().setup("ip netns add a; ip netns set a 3").opts(&["-p"]);
    r05_list_stale_file => case().setup(STALE);
    list_json_stale_file => case().setup(STALE).opts(&["-j"]);
    list_hidden_and_directory_entries => case().setup("ip netns add a; mkdir /run/netns/dir; touch /run/netns/.hidden");
    list_nobody => case().setup("ip netns add a; ip netns add b; ip netns set b 2").nobody();
    list_extra_words_ignored => case().setup(A).args(&["list", "foo", "bar"]);
    list_auto_assigned_ids => case().setup("ip netns add a; ip netns add b; ip netns set b auto; ip netns set a auto").args(&["show"]);

    // ---------------------------------------------------------------- help / unknown
    r06_help => case().args(&["help"]);
    r06_help_h => case().args(&["h"]);
    help_hel => case().args(&["hel", "foo"]);
    r07_unknown_foo => case().args(&["foo"]);
    unknown_listx => case().args(&["listx"]);
    unknown_upper_list => case().args(&["LIST"]);
    unknown_sx => case().args(&["sx"]);
    unknown_empty_word => case().args(&[""]);
    unknown_dash_h => case().opts(&["--"]).args(&["-h"]);
    unknown_dash_dash_help => case().opts(&["--"]).args(&["--help"]);
    unknown_all_after_object => case().setup(A).opts(&["--"]).args(&["-all", "del"]).post(LS);

    // ---------------------------------------------------------------- abbreviations
    abbrev_l => case().setup(A).args(&["l"]);
    abbrev_s_is_list => case().setup("ip netns add a; ip netns set a 1").args(&["s"]);
    abbrev_sh => case().setup(A).args(&["sh"]);
    abbrev_ls => case().setup(A).args(&["ls"]);
    abbrev_lst => case().setup(A).args(&["lst"]);
    abbrev_list_dash => case().setup("ip netns add a; ip netns set a 4").args(&["list-"]);
    abbrev_list_i => case().setup("ip netns add a; ip netns set a 4").args(&["list-i"]);
    abbrev_a_is_add => case().args(&["a", "x"]).post(LIST);
    abbrev_ad => case().args(&["ad", "x"]).post(LIST);
    abbrev_at_is_attach => case().args(&["at", "x"]);
    abbrev_se_is_set => case().setup(A).args(&["se", "a", "4"]).post(LIST);
    abbrev_d_is_delete => case().args(&["d", "nope"]);
    abbrev_del => case().setup(AB).args(&["del", "a"]).post(LIST);
    abbrev_i_is_identify => case().args(&["i"]);
    abbrev_p_is_pids => case().args(&["p", "nope"]);
    abbrev_e_is_exec => case().args(&["e", "nope", "true"]);
    abbrev_ex => case().setup(A).args(&["ex", "a", "sh", "-c", "exit 4"]);
    abbrev_m_is_monitor => case().args(&["m"]).nobody();

    // ---------------------------------------------------------------- global options
    opt_all_del => case().setup(AB).opts(&["-all"]).args(&["del"]).post(LS);
    opt_double_dash_all => case().setup(AB).opts(&["--all"]).args(&["delete"]).post(LS);
    opt_a_is_all => case().setup(AB).opts(&["-a"]).args(&["d"]).post(LS);
    opt_al => case().setup(AB).opts(&["-al"]).args(&["del"]).post(LS);
    opt_j => case().setup("ip netns add a; ip netns set a 9").opts(&["-j"]);
    opt_json => case().setup("ip netns add a; ip netns set a 9").opts(&["-json"]);
    opt_double_dash_json => case().setup("ip netns add a; ip netns set a 9").opts(&["--json"]);
    opt_js => case().setup("ip netns add a; ip netns set a 9").opts(&["-js"]);
    opt_pretty_json_long => case().setup("ip netns add a; ip netns set a 9").opts(&["-pretty", "-json"]);
    opt_json_identify_plain => case().setup(A).opts(&["-j"]).args(&["identify"]).diverges(JSON_ADDITION);
    opt_n => case().setup("ip netns add a; ip netns add b; ip netns set a 1; ip -n a netns set b 7").opts(&["-n", "a"]);
    opt_netns_long => case().setup("ip netns add a; ip netns add b; ip -n a netns set b 7").opts(&["-netns", "a"]);
    opt_double_dash_netns => case().setup("ip netns add a; ip netns add b; ip -n a netns set b 7").opts(&["--netns", "a"]);
    opt_ne => case().setup("ip netns add a; ip netns add b; ip -n a netns set b 7").opts(&["-ne", "a"]).args(&["list-id"]);
    opt_n_identify => case().setup(A).opts(&["-n", "a"]).args(&["identify"]);
    opt_n_empty => case().setup(A).opts(&["-n", ""]);
    opt_n_dot => case().setup(A).opts(&["-n", "."]);
    opt_n_path_traversal => case().setup(A).opts(&["-n", "../../proc/1/ns/net"]);
    opt_n_etc_netns_binds => case().setup(ETC_NETNS).opts(&["-n", "a"]);
    opt_force_without_batch => case().setup(A).opts(&["-force"]);
    opt_ignored_misc => case().setup("ip netns add a; ip netns set a 2").opts(&["-s", "-d", "-4", "-o", "-t", "-br", "-c", "-r", "-iec"]);
    opt_human_prefixes => case().setup(A).opts(&["-human", "-hu", "-human-readable"]);
    opt_double_dash_alone => case().setup(A).opts(&["--"]).args(&["list"]);
    opt_unknown_x => case().opts(&["-x"]).args(&["list"]);
    opt_unknown_double_dash_x => case().opts(&["--xyz"]);
    opt_v => case().opts(&["-V"]).one_line_stdout();
    opt_version_long => case().opts(&["-Version"]).one_line_stdout();
    opt_v_trailing_words => case().opts(&["-V"]).args(&["add", "a/b"]).one_line_stdout().post(LS);

    // ---------------------------------------------------------------- add
    r08_add_no_name => case().args(&["add"]).post(LS);
    r09_add_slash => case().args(&["add", "a/b"]).post(LS);
    r09_add_dot => case().args(&["add", "."]);
    r09_add_dotdot => case().args(&["add", ".."]);
    r09_add_empty => case().args(&["add", ""]);
    r09_add_256_bytes => case().args(&["add", &"n".repeat(256)]).post(LS);
    add_255_bytes => case().args(&["add", &"n".repeat(255)]).post(LS);
    r10_add_exists => case().setup(A).args(&["add", "a"]).post(LS);
    r11_add_nobody_dir_exists => case().setup(EMPTY_DIR).args(&["add", "y"]).nobody().post(LS);
    r12_add_nobody_dir_missing => case().args(&["add", "y"]).nobody().post("ls -A /run");
    add_creates_mounts => case().args(&["add", "a"]).post(&format!("{LIST}; stat -c '%a %F' /run/netns; {MOUNTS}; ip -n a -br link"));
    add_second_namespace => case().setup(A).args(&["add", "b"]).post(&format!("{LIST}; {MOUNTS}"));
    add_extra_words_ignored => case().args(&["add", "x", "y"]).post(LS);
    add_name_dash => case().args(&["add", "-dash"]).post(LIST);
    add_name_specials => case().args(&["add", "a b$c*"]).post(LIST);
    add_name_utf8 => case().args(&["add", "ünï"]).post(LIST);
    add_name_digits => case().args(&["add", "123"]).post(LIST);
    add_name_three_dots => case().args(&["add", "..."]).post(LIST);
    add_name_hidden => case().args(&["add", ".hid"]).post(LIST);
    add_over_stale_file => case().setup(STALE).args(&["add", "stale"]);
    all_add_traversal => case().setup(EMPTY_DIR).opts(&["-all"]).args(&["add", "../x"]).post("ls -A /run /run/netns").diverges(ALL_VALIDATES);
    all_add_dotdot => case().setup(EMPTY_DIR).opts(&["-all"]).args(&["add", ".."]).post(LS).diverges(ALL_VALIDATES);
    all_add_slash => case().opts(&["-all"]).args(&["add", "a/b"]).post(LS).diverges(ALL_VALIDATES);

    // ---------------------------------------------------------------- name validation of other subcommands
    invalid_name_list => case().args(&["list", ".."]);
    invalid_name_list_id => case().args(&["list-id", ".."]);
    invalid_name_identify => case().args(&["identify", ".."]);
    invalid_name_monitor => case().args(&["monitor", ".."]);
    invalid_name_pids => case().args(&["pids", "a/b"]);
    invalid_name_set => case().args(&["set", "..", "3"]);
    invalid_name_attach => case().args(&["attach", "..", "1"]);
    invalid_name_delete => case().setup(A).args(&["delete", "."]);
    invalid_name_exec => case().args(&["exec", "a/b", "true"]);
    all_pids_traversal => case().setup(EMPTY_DIR).opts(&["-all"]).args(&["pids", "../../proc/1/ns/net"]).diverges(ALL_VALIDATES);

    // ---------------------------------------------------------------- attach
    r16_attach_no_args => case().args(&["attach"]);
    r16_attach_name_only => case().args(&["attach", "x"]);
    r17_attach_pid_abc => case().args(&["attach", "x", "abc"]).post(LS);
    r17_attach_pid_0 => case().args(&["attach", "x", "0"]);
    r17_attach_pid_too_big => case().args(&["attach", "x", "2147483648"]);
    r18_attach_dead_pid => case().setup(EMPTY_DIR).args(&["attach", "x", "99999999"]).post(LS);
    attach_negative_pid => case().args(&["attach", "x", "-5"]).post(LS);
    attach_hex_pid => case().args(&["attach", "root", "0x1"]).post("ip netns; ip netns identify 1");
    attach_running_pid => case().setup("ip netns add a; spawn_in a").args(&["attach", "b", "$P"]).post("ip netns; ip netns identify $P; ip netns pids b");
    attach_exists => case().setup(A).args(&["attach", "a", "1"]);

    // ---------------------------------------------------------------- delete
    r19_del_no_name => case().args(&["del"]);
    r20_del_nope => case().setup(EMPTY_DIR).args(&["del", "nope"]);
    r21_del_nobody => case().setup(A).args(&["del", "a"]).nobody().post(LIST);
    r22_del_stacked_mounts => case().setup("ip netns add x; mount --bind /run/netns/x /run/netns/x").args(&["del", "x"]).post(&format!("{LIST}; {MOUNTS}"));
    del_ok => case().setup(AB).args(&["delete", "a"]).post(&format!("{LS}; {MOUNTS}"));
    del_extra_words_ignored => case().setup(AB).args(&["del", "a", "b"]).post(LS);
    del_double_dash_is_a_name => case().setup("ip netns add -dash").args(&["del", "--", "-dash"]).post(LS);
    del_plain_file => case().setup(STALE).args(&["del", "stale"]).post(LS);
    del_directory => case().setup("ip netns add a; mkdir /run/netns/dir").args(&["del", "dir"]).post(LS);
    r23_all_del => case().setup("ip netns add a; ip netns add b; ip netns add c").opts(&["-all"]).args(&["del"]).post(&format!("{LS}; {MOUNTS}"));
    r23_all_del_stops_at_failure => case().setup("ip netns add a; mkdir /run/netns/dir; ip netns add b").opts(&["-all"]).args(&["del"]).post(LS);
    r23_all_del_no_run_dir => case().opts(&["-all"]).args(&["del"]).post("ls -A /run");
    all_del_with_name_deletes_all => case().setup(AB).opts(&["-all"]).args(&["delete", "a"]).post(LS);

    // ---------------------------------------------------------------- set
    r24_set_no_name => case().args(&["set"]);
    r24_set_no_id => case().setup(A).args(&["set", "a"]);
    r25_set_abc => case().setup(A).args(&["set", "a", "abc"]);
    set_too_big => case().setup(A).args(&["set", "a", "2147483648"]);
    set_bad_number_before_missing_name => case().args(&["set", "nope", "abc"]);
    r26_set_negative => case().setup(A).args(&["set", "a", "-1"]);
    r27_set_already_assigned => case().setup("ip netns add a; ip netns set a 3").args(&["set", "a", "7"]).post(LIST);
    set_auto_twice => case().setup("ip netns add a; ip netns set a auto").args(&["set", "a", "auto"]);
    r28_set_taken => case().setup("ip netns add a; ip netns add b; ip netns set a 5").args(&["set", "b", "5"]).post(LIST);
    r29_set_missing_name => case().setup(EMPTY_DIR).args(&["set", "nope", "9"]);
    r30_set_nobody => case().setup(A).args(&["set", "a", "3"]).nobody().post(LIST);
    r31_set_stale => case().setup(STALE).args(&["set", "stale", "3"]);
    set_auto => case().setup("ip netns add a; ip netns add b; ip netns set a 0").args(&["set", "b", "auto"]).post(LIST);
    set_hex => case().setup(A).args(&["set", "a", "0x10"]).post(LIST);
    set_octal => case().setup(A).args(&["set", "a", "010"]).post(LIST);
    set_plus => case().setup(A).args(&["set", "a", "+8"]).post(LIST);
    set_leading_space => case().setup(A).args(&["set", "a", " 7"]).post(LIST);
    set_max => case().setup(A).args(&["set", "a", "2147483647"]).post("ip netns; ip netns list-id");
    set_zero => case().setup(A).args(&["set", "a", "0"]).post(LIST);
    set_extra_words => case().setup(A).args(&["set", "a", "3", "junk"]).post(LIST);

    // ---------------------------------------------------------------- list-id
    list_id_none => case().setup(AB).args(&["list-id"]);
    list_id_json_none => case().setup(AB).opts(&["-j"]).args(&["list-id"]);
    list_id_json_pretty_none => case().setup(AB).opts(&["-j", "-p"]).args(&["list-id"]);
    list_id_plain => case().setup(TARGET).args(&["list-id"]);
    list_id_json => case().setup(TARGET).opts(&["-j"]).args(&["list-id"]);
    list_id_json_pretty => case().setup(TARGET).opts(&["-j", "-p"]).args(&["list-id"]);
    list_id_target => case().setup(TARGET).args(&["list-id", "target-nsid", "12"]);
    list_id_target_json => case().setup(TARGET).opts(&["-j"]).args(&["list-id", "target-nsid", "12"]);
    list_id_target_and_nsid => case().setup(TARGET).args(&["list-id", "target-nsid", "12", "nsid", "13"]);
    list_id_nsid_and_target => case().setup(TARGET).args(&["list-id", "nsid", "13", "target-nsid", "12"]);
    list_id_target_and_nsid_json => case().setup(TARGET).opts(&["-j"]).args(&["list-id", "nsid", "13", "target-nsid", "0xc"]);
    list_id_target_name_guess => case()
        .setup("ip netns add f; ip netns add h; ip netns add g; ip netns set f 12; ip netns set h 23; \
                ip -n f netns set g 23")
        .args(&["list-id", "target-nsid", "12"]).diverges(NO_GUESS);
    list_id_target_and_unknown_nsid => case().setup(TARGET).args(&["list-id", "target-nsid", "12", "nsid", "23"]);
    list_id_nsid => case().setup(TARGET).args(&["list-id", "nsid", "13"]);
    list_id_nsid_octal => case().setup(TARGET).args(&["list-id", "nsid", "015"]);
    list_id_trailing_space_unnamed => case().setup(UNNAMED_ID).args(&["list-id"]);
    list_id_unnamed_json => case().setup(UNNAMED_ID).opts(&["-j"]).args(&["list-id"]);
    list_id_unnamed_single => case().setup(UNNAMED_ID).args(&["list-id", "nsid", "30"]);
    r32_list_id_unknown_keyword => case().args(&["list-id", "foo"]);
    list_id_abbreviated_keyword => case().args(&["list-id", "ns", "1"]);
    r33_list_id_nsid_no_value => case().args(&["list-id", "nsid"]);
    list_id_target_no_value => case().args(&["list-id", "target-nsid"]);
    r34_list_id_nsid_x => case().args(&["list-id", "nsid", "x"]);
    list_id_target_x => case().args(&["list-id", "target-nsid", "x"]);
    list_id_nsid_too_big => case().args(&["list-id", "nsid", "2147483648"]);
    r35_list_id_nsid_negative => case().args(&["list-id", "nsid", "-3"]).diverges(NO_NULL);
    r36_list_id_duplicate_nsid => case().args(&["list-id", "nsid", "1", "nsid", "2"]);
    list_id_duplicate_target => case().args(&["list-id", "target-nsid", "1", "target-nsid", "2"]);
    r37_list_id_nsid_unknown => case().setup(TARGET).args(&["list-id", "nsid", "99"]);
    r38_list_id_target_unknown => case().setup(TARGET).args(&["list-id", "target-nsid", "99"]);

    // ---------------------------------------------------------------- identify
    r39_identify_unnamed => case().setup(AB).args(&["identify"]);
    identify_no_run_dir => case().args(&["identify"]);
    identify_named_pid => case().setup("ip netns add a; ip netns add b; spawn_in a").args(&["identify", "$P"]);
    identify_two_names_last_match => case().setup("ip netns add a; spawn_in a; ip netns attach b $P; ip netns add c").args(&["identify", "$P"]);
    identify_pid_1_named => case().setup("ip netns attach root 1").args(&["identify", "1"]);
    identify_nobody => case().setup("ip netns add a; spawn_in a").args(&["identify", "$P"]).nobody();
    r40_identify_self => case().args(&["identify", "self"]);
    identify_abc => case().args(&["identify", "abc"]);
    identify_negative => case().args(&["identify", "-1"]);
    r41_identify_dead_pid => case().args(&["identify", "99999999"]);
    r42_identify_extra => case().args(&["identify", "1", "2"]);
    r43_identify_empty => case().args(&["identify", ""]);

    // ---------------------------------------------------------------- pids
    r44_pids_no_name => case().args(&["pids"]);
    r44_pids_extra => case().setup(A).args(&["pids", "a", "x"]);
    r45_pids_nope => case().setup(EMPTY_DIR).args(&["pids", "nope"]);
    pids_one => case().setup("ip netns add a; ip netns add b; spawn_in a").args(&["pids", "a"]);
    pids_two => case().setup("ip netns add a; spawn_in a; spawn_in a").args(&["pids", "a"]);
    pids_empty_namespace => case().setup("ip netns add a; ip netns add b; spawn_in a").args(&["pids", "b"]);
    pids_stale => case().setup(STALE).args(&["pids", "stale"]);
    pids_nobody => case().setup("ip netns add a; spawn_in a").args(&["pids", "a"]).nobody();

    // ---------------------------------------------------------------- exec
    r46_exec_no_name => case().args(&["exec"]);
    r46_exec_no_command => case().setup(A).args(&["exec", "a"]);
    r47_exec_nope => case().setup(EMPTY_DIR).args(&["exec", "nope", "true"]);
    r48_exec_nonexistent_command => case().setup(A).args(&["exec", "a", "nonexistentcmd"]);
    r49_exec_etc_passwd => case().setup(A).args(&["exec", "a", "/etc/passwd"]);
    exec_directory => case().setup(A).args(&["exec", "a", "/etc"]);
    exec_empty_command => case().setup(A).args(&["exec", "a", ""]);
    r50_exec_exit_7 => case().setup(A).args(&["exec", "a", "sh", "-c", "exit 7"]);
    exec_exit_255 => case().setup(A).args(&["exec", "a", "sh", "-c", "exit 255"]);
    exec_killed_by_signal => case().setup(A).args(&["exec", "a", "sh", "-c", "kill -9 $$"]);
    exec_runs_inside => case().setup(AB).args(&["exec", "b", "ip", "netns", "identify"]);
    exec_sees_own_links => case().setup(A).args(&["exec", "a", "ip", "-br", "link"]);
    exec_sysfs_remounted => case().setup(A).args(&["exec", "a", "ls", "/sys/class/net"]);
    exec_nested => case().setup(AB).args(&["exec", "a", "ip", "netns", "exec", "b", "ip", "netns", "identify"]);
    exec_stdin_passthrough => case().setup(A).args(&["exec", "a", "cat"]).stdin("hello\nworld\n");
    exec_env_passthrough => case().setup(A).args(&["exec", "a", "env"]);
    exec_mounts_stay_private => case().setup(A).args(&["exec", "a", "sh", "-c", "mount -t tmpfs t /mnt && echo mounted"]).post("grep -c ' /mnt ' /proc/self/mountinfo");
    exec_double_dash_is_command => case().setup(A).args(&["exec", "a", "--", "true"]);
    exec_double_dash_is_name => case().setup(A).args(&["exec", "--", "a", "true"]);
    r51_exec_stale => case().setup(STALE).args(&["exec", "stale", "true"]);
    r52_exec_nobody => case().setup(A).args(&["exec", "a", "true"]).nobody();
    r55_exec_etc_netns_binds => case().setup(ETC_NETNS).args(&["exec", "a", "cat", "/etc/hostname"]);
    exec_json_ignored => case().setup(A).opts(&["-j"]).args(&["exec", "a", "echo", "x"]);

    // ---------------------------------------------------------------- -all exec
    r57_all_exec_no_command => case().setup(A).opts(&["-all"]).args(&["exec"]);
    r58_all_exec => case().setup(AB).opts(&["-all"]).args(&["exec", "sh", "-c", "echo hi; exit 3"]);
    all_exec_identify => case().setup(AB).opts(&["-all"]).args(&["exec", "ip", "netns", "identify"]);
    all_exec_first_word_is_command => case().setup(A).opts(&["-all"]).args(&["exec", "a", "true"]);
    all_exec_failed_switch => case().setup("ip netns add a; touch /run/netns/stale; ip netns add b")
        .opts(&["-all"]).args(&["exec", "echo", "hi"]).diverges(CHILD_EXITS);
    all_exec_no_run_dir => case().opts(&["-all"]).args(&["exec", "true"]);
    all_exec_empty_dir => case().setup(EMPTY_DIR).opts(&["-a"]).args(&["e", "true"]);

    // ---------------------------------------------------------------- -n errors
    r59_n_nope => case().setup(EMPTY_DIR).opts(&["-n", "nope"]);
    r60_n_without_value => case().opts(&["-n"]).diverges(NO_NULL);

    // ---------------------------------------------------------------- monitor
    r61_monitor_nobody_dir_missing => case().args(&["monitor"]).nobody();

    // ---------------------------------------------------------------- batch
    r62_batch_failing_line => case()
        .file("/tmp/batch", "netns add a\nnetns add b\nnetns add a\nnetns add c\n")
        .opts(&["-b", "/tmp/batch"]).post(LS);
    batch_force_continues => case()
        .file("/tmp/batch", "netns add a\nnetns add a\nnetns del nope\nnetns add c\n")
        .opts(&["-force", "-b", "/tmp/batch"]).post(LS);
    batch_long_option => case()
        .file("/tmp/batch", "netns add a\nnetns list\n")
        .opts(&["-batch", "/tmp/batch"]).post(LS);
    batch_stdin => case()
        .stdin("netns add a\nnetns del nope\nnetns add b\n")
        .opts(&["-b", "-"]).post(LS);
    batch_stdin_force => case()
        .stdin("netns add a\nnetns del nope\nnetns add b\nnetns list\n")
        .opts(&["-force", "-b", "-"]).post(LS);
    batch_quotes => case()
        .file("/tmp/batch", "netns add \"x y\"\nnetns add 'q'\nnetns add 'it''s'\nnetns list\n")
        .opts(&["-b", "/tmp/batch"]).post(LS);
    batch_comments_and_blank_lines => case()
        .file("/tmp/batch", "# comment\n\n   \t\nnetns add a # trailing comment\nnetns list#x\nnetns add #b\nnetns del nope\n")
        .opts(&["-b", "/tmp/batch"]).post(LS);
    batch_continuation_lines => case()
        .file("/tmp/batch", "netns add \\\n  a\nnetns \\\nadd \\\nb\nnetns add a\n")
        .opts(&["-b", "/tmp/batch"]).post(LS);
    batch_missing_continuation => case()
        .file("/tmp/batch", "netns add a\nnetns add b \\\n")
        .opts(&["-b", "/tmp/batch"]).post(LS);
    batch_unterminated_quote => case()
        .file("/tmp/batch", "netns add a\nnetns add \"x\nnetns add b\n")
        .opts(&["-force", "-b", "/tmp/batch"]).post(LS);
    batch_invalid_name_ends_batch => case()
        .file("/tmp/batch", "netns add a\nnetns add a/b\nnetns add c\n")
        .opts(&["-force", "-b", "/tmp/batch"]).post(LS);
    batch_usage_ends_batch => case()
        .file("/tmp/batch", "netns add a\nnetns help\nnetns add c\n")
        .opts(&["-force", "-b", "/tmp/batch"]).post(LS);
    batch_exec_status => case()
        .file("/tmp/batch", "netns add a\nnetns exec a sh -c 'echo in; exit 3'\nnetns list\n")
        .opts(&["-b", "/tmp/batch"]).post(LS);
    batch_exec_force => case()
        .file("/tmp/batch", "netns add a\nnetns exec a false\nnetns exec a ip netns identify\nnetns exec a sh -c 'exit 9'\nnetns list\n")
        .opts(&["-force", "-b", "/tmp/batch"]);
    batch_exec_failed_switch => case()
        .setup(STALE)
        .file("/tmp/batch", "netns exec stale true\nnetns exec a echo hi\n")
        .opts(&["-force", "-b", "/tmp/batch"]).diverges(CHILD_EXITS);
    batch_back_in_original_namespace => case()
        .file("/tmp/batch", "netns add a\nnetns identify\nnetns add b\nnetns list\n")
        .opts(&["-b", "/tmp/batch"]);
    batch_set_nsid => case()
        .file("/tmp/batch", "netns add a\nnetns set a 99\nnetns list\nnetns list-id\nnetns del a\nnetns list\n")
        .opts(&["-b", "/tmp/batch"]).post(LS);
    batch_json => case()
        .file("/tmp/batch", "netns add a\nnetns set a 1\nnetns list\nnetns list-id\nnetns del a\nnetns list\n")
        .opts(&["-j", "-b", "/tmp/batch"]);
    batch_all_delete => case()
        .setup(AB)
        .file("/tmp/batch", "netns add c\nnetns del\nnetns list\n")
        .opts(&["-all", "-b", "/tmp/batch"]).post(LS);
    batch_empty_file => case().file("/tmp/batch", "").opts(&["-b", "/tmp/batch"]);
    r63_batch_nonexistent => case().opts(&["-batch", "/nonexistent"]);
    batch_b_nonexistent => case().opts(&["-b", "/nonexistent"]);
    batch_b_directory => case().opts(&["-b", "/tmp"]);
}

/// A/A run: iproute2 plays both roles through the `ipwrap` wrapper, so every
/// case must agree with itself. This validates the harness, the wrapper's
/// option splitting and the determinism of each case. Writes the wrapper to
/// `$CARGO_TARGET_TMPDIR/ipwrap`, where `NETNS_DIFF_TOOL=ipwrap` finds it.
#[test]
#[ignore = "harness self-check: runs every case with iproute2 on both sides"]
fn aa_self_check() {
    require_root!();
    let wrapper = diff::ipwrap_path();
    eprintln!("A/A run with {}", wrapper.display());
    let cases = all_cases();
    assert!(cases.len() >= 45, "only {} cases", cases.len());
    let failures = diff::run_all_with(&cases, &wrapper, 2);
    assert!(
        failures.is_empty(),
        "{} of {} cases differ with iproute2 on both sides:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The option scanner used for the iproute2 command line and by `ipwrap`.
#[test]
fn ip_option_scanner() {
    let s = |w: &[&str]| diff::split_ip_options(&w.iter().map(|x| x.to_string()).collect::<Vec<_>>());
    assert_eq!(s(&["-n", "a", "list"]), (2, false));
    assert_eq!(s(&["-netns", "a"]), (2, false));
    assert_eq!(s(&["--netns", "a", "x"]), (2, false));
    assert_eq!(s(&["-n"]), (1, true));
    assert_eq!(s(&["-b", "-", "x"]), (2, false));
    assert_eq!(s(&["-br", "x"]), (1, false));
    assert_eq!(s(&["-force", "-b", "f"]), (3, false));
    assert_eq!(s(&["-f", "inet", "x"]), (2, false));
    assert_eq!(s(&["-", "1", "x"]), (2, false));
    assert_eq!(s(&["-rc", "1", "x"]), (2, false));
    assert_eq!(s(&["-r", "x"]), (1, false));
    assert_eq!(s(&["-all", "-j", "-p", "exec"]), (3, false));
    assert_eq!(s(&["--", "-h"]), (1, false));
    assert_eq!(s(&["-c", "-color=never", "x"]), (2, false));
    assert_eq!(s(&["-N", "x"]), (1, false));
    assert_eq!(s(&[]), (0, false));
}

/// Every case splits into global options and netns words the same way for
/// `ip` as for the tool (arguments starting with '-' need a `--` first).
#[test]
fn cases_are_well_formed() {
    let cases = all_cases();
    assert!(cases.len() >= 45, "only {} cases", cases.len());
    for c in &cases {
        diff::validate(c).unwrap();
    }
}

/// The shell wrapper splits options exactly like `split_ip_options`.
#[test]
fn ipwrap_matches_scanner() {
    use std::process::Command;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ipwrap-check");
    let dump = dir.join("argv-dump");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&dump, "#!/bin/sh\nfor a do printf '%s\\0' \"$a\"; done\n").unwrap();
    let wrap = dir.join("ipwrap");
    diff::write_ipwrap(&wrap).unwrap();
    let text = std::fs::read_to_string(&wrap)
        .unwrap()
        .replace("exec /usr/sbin/ip ", &format!("exec /bin/sh {} ", dump.display()));
    std::fs::write(&wrap, text).unwrap();
    let lines: &[&[&str]] = &[
        &[],
        &["list"],
        &["-n", "a", "list", "-x"],
        &["-n"],
        &["-netns", "a"],
        &["--netns", "a", "exec", "a", "--", "-b"],
        &["-b", "-", "x"],
        &["-br", "x"],
        &["-force", "-batch", "f"],
        &["-f", "inet", "x"],
        &["-fo", "x"],
        &["-", "1", "x"],
        &["-rc", "1", "-r", "x"],
        &["-l"],
        &["-all", "-j", "-p", "exec", "sh", "-c", "exit 3"],
        &["--", "-h"],
        &["-j", "--", "-all", "del"],
        &["-c", "-color=never", "-colo=auto", "x"],
        &["-color=bad", "x"],
        &["-N", "-4", "-6", "-0", "-M", "-B", "-echo", "x"],
        &["-V", "add", "a b"],
        &["-x", "y"],
        &["---", "y"],
        &["", "-n"],
        &["-n", "", "x"],
    ];
    for words in lines {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let (n, dangling) = diff::split_ip_options(&words);
        let mut expected: Vec<String> = words[..n].to_vec();
        if !dangling {
            expected.push("netns".into());
        }
        expected.extend(words[n..].iter().cloned());
        let out = Command::new(&wrap).args(&words).output().unwrap();
        assert!(out.status.success(), "{words:?}: {out:?}");
        let got: Vec<String> =
            String::from_utf8(out.stdout).unwrap().split_terminator('\0').map(str::to_string).collect();
        assert_eq!(got, expected, "ipwrap split of {words:?}");
    }
}
