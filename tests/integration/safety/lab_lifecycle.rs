//! Lab commands bound every input and every wait, never destroy a running
//! lab by accident, and an interrupted command leaves a state the next one
//! finishes.

use crate::support::lab_script;
use std::time::Duration;

/// A two-node lab named NAME (nodes a and b, one link).
fn pair(name: &str, extra: &str) -> String {
    format!(
        r#"schema = 1
name = "{name}"
[nodes.a]
{extra}
[nodes.b]
[[links]]
endpoints = ["a:eth0", "b:eth0"]
subnet = "10.0.0.0/30"
"#
    )
}

#[test]
fn lab_commands_refuse_a_fifo_instead_of_hanging() {
    require_root!();
    let run = lab_script(&format!(
        r#"
cat > lab.toml <<'T'
{lab}T
must mkfifo fifo.toml
# Every command that reads a lab file, given a FIFO: each must answer at
# once (`timeout` would end a hung one with status 124).
r validate timeout 5 $NETNS validate fifo.toml
r up timeout 5 $NETNS up fifo.toml
r down timeout 5 $NETNS down fifo.toml
r status timeout 5 $NETNS status fifo.toml
r test timeout 5 $NETNS test fifo.toml
r graph timeout 5 $NETNS graph fifo.toml
# A running lab whose file was replaced by a FIFO: status and down still
# work from the state.
must $NETNS up lab.toml >/dev/null
must rm lab.toml
must mkfifo lab.toml
r status_lab timeout 5 $NETNS status fifolab
r down_lab timeout 5 $NETNS down fifolab
r left leftovers
"#,
        lab = pair("fifolab", "")
    ))
    .run();
    for cmd in ["validate", "up", "down", "test", "graph"] {
        let r = run.get(cmd);
        run.check(r.rc == 1, format!("[{cmd}] ends at once with status 1, not 124 (hung)"));
        run.check(
            r.err().contains("fifo.toml: error: cannot read the lab file: it is a FIFO, not a regular file"),
            format!("[{cmd}] names the problem"),
        );
    }
    run.check(run.get("status").rc != 124, "status of a FIFO does not hang");
    run.expect_rc("status_lab", 0);
    run.check(run.get("status_lab").out().contains("lab fifolab: unknown"), "status says the file is unusable");
    run.expect("down_lab", 0, "lab fifolab is down: removed 2 namespaces\n", "");
    run.expect("left", 1, "", "");
}

#[test]
fn validate_refuses_dev_zero_and_a_file_over_the_size_limit() {
    require_root!();
    let run = lab_script(
        r#"
r zero timeout 10 $NETNS validate /dev/zero
must head -c 5000000 /dev/zero > big.toml
r big timeout 10 $NETNS validate big.toml
r dir timeout 10 $NETNS validate /tmp
"#,
    )
    .run();
    run.expect(
        "zero",
        1,
        "",
        "/dev/zero: error: cannot read the lab file: it is a character device, not a regular file \
         (a lab file must be a regular file)\n",
    );
    run.expect(
        "big",
        1,
        "",
        "big.toml: error: cannot read the lab file: it is larger than 4 MiB, the limit for a lab file\n",
    );
    run.check(run.get("dir").err().contains("it is a directory, not a regular file"), "a directory");
}

#[test]
fn up_from_dev_stdin_records_the_files_real_path() {
    require_root!();
    let run = lab_script(&format!(
        r#"
cat > lab.toml <<'T'
{lab}T
r up $NETNS up /dev/stdin
ri up_file lab.toml $NETNS up /dev/stdin
r status $NETNS status stdinlab
v recorded "$(grep '"file"' /run/netns-lab/stdinlab/state.json)"
cat lab.toml | $NETNS up /dev/stdin >pipe.out 2>pipe.err
v pipe "$(cat pipe.err)"
r down $NETNS down stdinlab
"#,
        lab = pair("stdinlab", "")
    ))
    .run();
    // stdin is /dev/null in `r`: a character device.
    run.check(run.get("up").err().contains("it is a character device"), "/dev/null refused");
    run.expect_rc("up_file", 0);
    run.check(run.get("recorded").out().contains("\"/tmp/.h/w/lab.toml\""), "the real path, not /dev/stdin");
    run.check(run.get("status").out().contains("file /tmp/.h/w/lab.toml"), "status names the real file");
    run.check(run.get("pipe").out().contains("it is a FIFO, not a regular file"), "a pipe is refused");
    run.expect_rc("down", 0);
}

#[test]
fn up_of_another_file_with_the_same_name_refuses_and_replace_replaces() {
    require_root!();
    let first = pair("same", "[[nodes.a.run]]\nname = \"idle\"\ncmd = [\"sleep\", \"1000\"]");
    let other = r#"schema = 1
name = "same"
[nodes.c]
"#;
    let run = lab_script(&format!(
        r#"
mkdir one two
cat > one/lab.toml <<'T'
{first}T
cat > two/lab.toml <<'T'
{other}T
must $NETNS up one/lab.toml >/dev/null
r other $NETNS up two/lab.toml
r plan $NETNS up --plan two/lab.toml
r ns_after $IP netns list
v idle "$(pgrep -x sleep | wc -l)"
r again $NETNS up one/lab.toml
r replace $NETNS up --replace two/lab.toml
r ns_replaced $IP netns list
v idle_replaced "$(pgrep -x sleep | wc -l)"
r status $NETNS status same
r down $NETNS down same
r left leftovers
"#
    ))
    .run();
    let refusal = "two/lab.toml: error: lab same is already up from another file, /tmp/.h/w/one/lab.toml: \
                   this file would replace it. To replace it, run `netns up --replace /tmp/.h/w/two/lab.toml`; \
                   to keep it, give this file another `name`\nnetns up: nothing was changed.\n";
    run.expect("other", 1, "", refusal);
    run.expect("plan", 1, "", refusal);
    run.check(run.get("ns_after").out().contains("same-a"), "the running lab is left alone");
    run.check(!run.get("ns_after").out().contains("same-c"), "nothing of the other file was made");
    run.expect("idle", 0, "1", "");
    run.expect("again", 0, "lab same is up to date: no changes\n", "");
    run.expect_rc("replace", 0);
    let ns = run.get("ns_replaced").out();
    run.check(ns.contains("same-c") && !ns.contains("same-a") && !ns.contains("same-b"), "replaced");
    run.expect("idle_replaced", 0, "0", "");
    run.check(run.get("status").out().contains("file /tmp/.h/w/two/lab.toml"), "the state names the new file");
    run.expect_rc("down", 0);
    run.expect("left", 1, "", "");
}

#[test]
fn down_of_a_file_that_no_longer_validates_takes_the_lab_down() {
    require_root!();
    let run = lab_script(&format!(
        r#"
cat > lab.toml <<'T'
{lab}T
must $NETNS up lab.toml >/dev/null
echo 'this is [not toml' >> lab.toml
r down $NETNS down lab.toml
r left leftovers
printf 'schema = 1\n[nodes.a]\n' > noname.toml
r noname $NETNS down noname.toml
"#,
        lab = pair("broken", "exec_down = [\"touch $H/w/exec-down-ran\"]")
    ))
    .run();
    let down = run.get("down");
    run.check(down.rc == 0, "down succeeds");
    run.check(down.out() == "lab broken is down: removed 2 namespaces\n", "both namespaces removed");
    run.check(
        down.err().starts_with(
            "netns down: lab.toml does not validate (1 problem, first: lab.toml:9:6: error: key with no value",
        ),
        "says the file does not validate",
    );
    run.check(
        down.err().contains(
            "taking lab broken down from its state and ownership marks, without this file's exec_down commands",
        ),
        "says what it used instead",
    );
    run.expect("left", 1, "", "");
    // A file that names no lab gives nothing to take down.
    let noname = run.get("noname");
    run.check(noname.rc == 1 && noname.err().contains("has no `name`"), "no name: the problems, status 1");
}

#[test]
fn an_exec_down_that_never_ends_is_killed_and_skip_exec_skips_it() {
    require_root!();
    let lab = pair("hang", "exec_down = [\"sleep 1000\"]");
    let run = lab_script(&format!(
        r#"
cat > lab.toml <<'T'
{lab}T
must $NETNS up lab.toml >/dev/null
start=$(date +%s)
r down timeout 60 $NETNS down lab.toml
v secs "$(( $(date +%s) - start ))"
v sleeping "$(pgrep -x sleep | wc -l)"
r left leftovers
must $NETNS up lab.toml >/dev/null
start=$(date +%s)
r short timeout 60 $NETNS down --exec-timeout 1 lab.toml
v short_secs "$(( $(date +%s) - start ))"
must $NETNS up lab.toml >/dev/null
start=$(date +%s)
r skip timeout 60 $NETNS down --skip-exec hang
v skip_secs "$(( $(date +%s) - start ))"
r left2 leftovers
r bad $NETNS down --exec-timeout 0 hang
"#
    ))
    .timeout(Duration::from_secs(120))
    .run();
    let down = run.get("down");
    run.check(down.rc == 0, "down finishes (status 0: exec_down failures are warnings)");
    run.expect(
        "down",
        0,
        "lab hang is down: removed 2 namespaces\n",
        "netns down: warning: exec_down of node a: `sleep 1000` in hang-a did not finish within 10 s: \
         killed it and its process group\n",
    );
    let secs: u64 = run.get("secs").out().parse().unwrap_or(999);
    run.check((10..20).contains(&secs), format!("bounded by the 10 s default, took {secs} s"));
    run.expect("sleeping", 0, "0", "");
    run.expect("left", 1, "", "");
    run.check(run.get("short").err().contains("did not finish within 1 s"), "--exec-timeout sets the bound");
    let short: u64 = run.get("short_secs").out().parse().unwrap_or(999);
    run.check(short < 5, format!("--exec-timeout 1 took {short} s"));
    run.expect(
        "skip",
        0,
        "lab hang is down: removed 2 namespaces\n",
        "netns down: --skip-exec: the exec_down commands of lab hang were not run\n",
    );
    let skip: u64 = run.get("skip_secs").out().parse().unwrap_or(999);
    run.check(skip < 5, format!("--skip-exec took {skip} s"));
    run.expect("left2", 1, "", "");
    run.expect_rc("bad", 255);
}

#[test]
fn an_exec_of_up_that_never_ends_fails_the_up_after_the_timeout() {
    require_root!();
    let lab = pair("slow", "exec = [\"sleep 1000\"]");
    let run = lab_script(&format!(
        r#"
cat > lab.toml <<'T'
{lab}T
start=$(date +%s)
r up timeout 60 $NETNS up --exec-timeout 1 lab.toml
v secs "$(( $(date +%s) - start ))"
v sleeping "$(pgrep -x sleep | wc -l)"
r left leftovers
"#
    ))
    .run();
    run.expect(
        "up",
        1,
        "",
        "netns up: lab slow failed: exec of node a: `sleep 1000` in slow-a did not finish within 1 s: \
         killed it and its process group\nnetns up: rolled back: nothing of lab slow is left.\n",
    );
    let secs: u64 = run.get("secs").out().parse().unwrap_or(999);
    run.check(secs < 6, format!("took {secs} s"));
    run.expect("sleeping", 0, "0", "");
    run.expect("left", 1, "", "");
}

#[test]
fn down_kills_a_process_that_ignores_sigterm_and_says_so() {
    require_root!();
    let lab =
        pair("stubborn", "[[nodes.a.run]]\nname = \"deaf\"\ncmd = [\"sh\", \"-c\", \"trap '' TERM; exec sleep 1000\"]");
    let run = lab_script(&format!(
        r#"
cat > lab.toml <<'T'
{lab}T
must $NETNS up lab.toml >/dev/null
v before "$(pgrep -x sleep | wc -l)"
r down timeout 30 $NETNS down stubborn
v after "$(pgrep -x sleep | wc -l)"
r left leftovers
"#
    ))
    .run();
    run.expect("before", 0, "1", "");
    run.expect(
        "down",
        0,
        "lab stubborn is down: removed 2 namespaces, ended 1 process \
         (1 ignored SIGTERM for 2 s and was killed with SIGKILL)\n",
        "",
    );
    run.expect("after", 0, "0", "");
    run.expect("left", 1, "", "");
}

/// A 200-node lab (a switch and 199 hosts, each with an /etc/netns file),
/// written to k.toml; `hosts` sets how many hosts.
fn big_lab(hosts: usize) -> String {
    format!(
        r#"cat > k.toml <<'T'
schema = 1
name = "k200"
[nodes.sw]
kind = "switch"
subnet = "10.1.0.0/16"
[nodes.sw.addr]
br0 = ["10.1.0.254/16"]
[nodes."h{{i}}"]
for = {{ i = "1..{hosts}" }}
gateway = "10.1.0.254"
etc = {{ "hosts" = "127.0.0.1 localhost h{{i}}\n" }}
[[links]]
for = {{ i = "1..{hosts}" }}
endpoints = ["h{{i}}:eth0", "sw"]
T
"#
    )
}

#[test]
fn ctrl_c_or_sigterm_during_a_first_up_rolls_back_and_says_so() {
    require_root!();
    let run = lab_script(&format!(
        r#"
{lab}
start=$(date +%s%N)
must $NETNS up k.toml >/dev/null
total=$(( ($(date +%s%N) - start) / 1000 ))
must $NETNS down k200 >/dev/null
v total "$total"
i=0
for sig in INT TERM INT2 INT TERM INT2; do
    i=$((i + 1))
    # A shell's background job ignores SIGINT; a terminal's Ctrl-C does not.
    env --default-signal=INT $NETNS up k.toml >up.out 2>up.err &
    pid=$!
    # Spread over an up: from a tenth to six tenths of the time it takes
    # (a later signal may come after it finished).
    delay=$(( total / 10 + (total / 2) * (i - 1) / 5 ))
    sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
    case $sig in
        INT2) kill -INT "$pid"; sleep 0.05; kill -INT "$pid" ;;
        *) kill -"$sig" "$pid" ;;
    esac
    wait "$pid"
    v "rc$i" "$?"
    v "err$i" "$(cat up.err)"
    r "left$i" leftovers
    r "down$i" $NETNS down k200
    r "after$i" leftovers
done
"#,
        lab = big_lab(199)
    ))
    .timeout(Duration::from_secs(600))
    .run();
    let mut rolled = 0;
    for i in 1..=6 {
        let rc = run.get(&format!("rc{i}")).out();
        let err = run.get(&format!("err{i}")).out();
        if err.contains("interrupted") {
            rolled += 1;
            run.check(
                err == "netns up: interrupted: rolled back lab k200: nothing of it is left.",
                format!("[{i}] says it rolled back"),
            );
            run.check(rc == "130" || rc == "143", format!("[{i}] status 128 + signal, got {rc}"));
            run.expect(&format!("left{i}"), 1, "", "");
        } else {
            // Before the first change a signal ends `up` as usual (nothing
            // changed); after the last step it has finished: `down` takes
            // it away either way.
            run.check(err.is_empty(), format!("[{i}] no other message"));
        }
        run.expect_rc(&format!("down{i}"), 0);
        run.expect(&format!("after{i}"), 1, "", "");
    }
    run.check(rolled >= 3, format!("most signals came while up was working ({rolled} of 6)"));
}

#[test]
fn ctrl_c_during_a_reconcile_stops_at_a_safe_point_and_up_or_down_finishes_it() {
    require_root!();
    let run = lab_script(&format!(
        r#"
{small}
must $NETNS up k.toml >/dev/null
{lab}
start=$(date +%s%N)
must $NETNS up k.toml >/dev/null
total=$(( ($(date +%s%N) - start) / 1000 ))
must $NETNS down k200 >/dev/null
v total "$total"
for i in 1 2 3 4; do
    {small}
    must $NETNS up k.toml >/dev/null
    {lab}
    # A shell's background job ignores SIGINT; a terminal's Ctrl-C does not.
    env --default-signal=INT $NETNS up k.toml >up.out 2>up.err &
    pid=$!
    # From a tenth to four tenths of a first up's time (a reconcile of
    # 190 new nodes takes a little less).
    delay=$(( total / 10 + (total * 3 / 10) * (i - 1) / 3 ))
    sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
    kill -INT "$pid"
    wait "$pid"
    v "rc$i" "$?"
    v "err$i" "$(cat up.err)"
    if [ $((i % 2)) = 1 ]; then
        r "finish$i" $NETNS up k.toml
        r "status$i" $NETNS status k200
    fi
    r "down$i" $NETNS down k200
    r "after$i" leftovers
done
"#,
        small = big_lab(9),
        lab = big_lab(199)
    ))
    .timeout(Duration::from_secs(600))
    .run();
    let mut partly = 0;
    for i in 1..=4 {
        let err = run.get(&format!("err{i}")).out();
        if err.contains("interrupted") {
            partly += 1;
            run.check(
                err == "netns up: interrupted: lab k200 is partly up. Run `netns up k.toml` again to finish it, \
                        or `netns down k200` to remove it.",
                format!("[{i}] says it is partly up and how to finish"),
            );
            run.check(run.get(&format!("rc{i}")).out() == "130", format!("[{i}] status 130"));
        }
        if i % 2 == 1 {
            run.expect_rc(&format!("finish{i}"), 0);
            run.check(
                run.get(&format!("status{i}")).out().starts_with("lab k200: up, 200/200 namespaces present"),
                format!("[{i}] a second up finished it"),
            );
        }
        run.expect_rc(&format!("down{i}"), 0);
        run.expect(&format!("after{i}"), 1, "", "");
    }
    run.check(partly >= 2, format!("most signals came while up was working ({partly} of 4)"));
}

#[test]
fn ctrl_c_during_a_long_exec_of_a_first_up_kills_it_and_rolls_back() {
    require_root!();
    let lab = pair("longexec", "exec = [\"sleep 1000\"]");
    let run = lab_script(&format!(
        r#"
cat > lab.toml <<'T'
{lab}T
env --default-signal=INT $NETNS up lab.toml >up.out 2>up.err &
pid=$!
wait_for pgrep -x sleep
start=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
v rc "$?"
v ms "$(( ($(date +%s%N) - start) / 1000000 ))"
v err "$(cat up.err)"
v sleeping "$(pgrep -x sleep | wc -l)"
r left leftovers
"#
    ))
    .run();
    run.expect("rc", 0, "130", "");
    run.expect("err", 0, "netns up: interrupted: rolled back lab longexec: nothing of it is left.", "");
    let ms: u64 = run.get("ms").out().parse().unwrap_or(99_999);
    run.check(ms < 3000, format!("the exec was cut short at once ({ms} ms), not waited for"));
    run.expect("sleeping", 0, "0", "");
    run.expect("left", 1, "", "");
}
