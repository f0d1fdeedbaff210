//! iproute2's scan of its global options, and `ipwrap`, the wrapper that
//! lets iproute2 play the tool's part (`ipwrap OPTS ARGS` runs
//! `/usr/sbin/ip OPTS netns ARGS`): for the A/A runs that check the harness
//! and the cases themselves.

use std::path::{Path, PathBuf};

/// Global option table of `ip/ip.c` (iproute2 6.1), in matching order:
/// (name, exact-match-only, takes-a-value). `-color` is special-cased.
const IP_OPTIONS: &[(&str, bool, bool)] = &[
    ("-loops", false, true),
    ("-family", false, true),
    ("-4", true, false),
    ("-6", true, false),
    ("-0", true, false),
    ("-M", true, false),
    ("-B", true, false),
    ("-human", false, false),
    ("-human-readable", false, false),
    ("-iec", false, false),
    ("-stats", false, false),
    ("-statistics", false, false),
    ("-details", false, false),
    ("-resolve", false, false),
    ("-oneline", false, false),
    ("-timestamp", false, false),
    ("-tshort", false, false),
    ("-Version", false, false),
    ("-force", false, false),
    ("-batch", false, true),
    ("-brief", false, false),
    ("-json", false, false),
    ("-pretty", false, false),
    ("-rcvbuf", false, true),
    ("-color", false, false), // matches_color(): prefix before '=', value always/auto/never/empty
    ("-help", false, false),
    ("-netns", false, true),
    ("-Numeric", false, false),
    ("-all", false, false),
    ("-echo", true, false),
];

/// Does the (dash-folded) option word take the next word as its value?
/// Mirrors the first-match-wins `matches()` scan of `ip/ip.c`.
pub fn ip_option_takes_value(word: &str) -> bool {
    let opt = if word.len() > 1 && word.as_bytes()[1] == b'-' { &word[1..] } else { word };
    for &(name, exact, value) in IP_OPTIONS {
        let hit = if name == "-color" {
            let (head, val) = match opt.find('=') {
                Some(i) => (&opt[..i], &opt[i + 1..]),
                None => (opt, ""),
            };
            !head.is_empty() && name.starts_with(head) && ["", "always", "auto", "never"].contains(&val)
        } else if exact {
            opt == name
        } else {
            !opt.is_empty() && name.starts_with(opt)
        };
        if hit {
            return value;
        }
    }
    false // unknown option: ip exits there, nothing after it matters
}

/// Split a command line the way `ip` scans global options: returns
/// `(number of option words, dangling)` where `dangling` means the last
/// option wanted a value and there was none.
pub fn split_ip_options(words: &[String]) -> (usize, bool) {
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w == "--" {
            return (i + 1, false);
        }
        if !w.starts_with('-') {
            break;
        }
        i += 1;
        if ip_option_takes_value(w) {
            if i == words.len() {
                return (i, true);
            }
            i += 1;
        }
    }
    (i, false)
}

/// Text of the `ipwrap` wrapper: `ipwrap [OPTS] [ARGS]` runs
/// `/usr/sbin/ip [OPTS] netns [ARGS]`, splitting options exactly like
/// [`split_ip_options`] (and `ip/ip.c`). A dangling value-taking option is
/// passed on without the `netns` word, as `ip` would see it.
pub const IPWRAP: &str = r#"#!/bin/sh
# ipwrap: iproute2 with the command line of the netns binary.
#   ipwrap [GLOBAL-OPTIONS] [ARGS...]  ->  /usr/sbin/ip [GLOBAL-OPTIONS] netns [ARGS...]
# Global options are split off the way ip/ip.c (iproute2 6.1) scans them:
# up to the first word not starting with '-', or up to and including '--';
# a leading '--' is folded to '-'; first prefix match in ip's order wins;
# -loops, -family, -batch, -rcvbuf and -netns take the next word as value.
# POSIX sh (not bash) so that the environment passed on is left untouched.
takes_value() {
    case $1 in --*) o=${1#-} ;; *) o=$1 ;; esac
    for e in p:-loops:1 p:-family:1 x:-4:0 x:-6:0 x:-0:0 x:-M:0 x:-B:0 \
        p:-human:0 p:-human-readable:0 p:-iec:0 p:-stats:0 p:-statistics:0 \
        p:-details:0 p:-resolve:0 p:-oneline:0 p:-timestamp:0 p:-tshort:0 \
        p:-Version:0 p:-force:0 p:-batch:1 p:-brief:0 p:-json:0 p:-pretty:0 \
        p:-rcvbuf:1 c:-color:0 p:-help:0 p:-netns:1 p:-Numeric:0 p:-all:0 \
        x:-echo:0; do
        kind=${e%%:*}; val=${e##*:}; name=${e#*:}; name=${name%:*}
        case $kind in
        x) [ "$o" = "$name" ] || continue ;;
        p) case $name in "$o"*) ;; *) continue ;; esac ;;
        c)
            head=${o%%=*}
            case $o in *=*) arg=${o#*=} ;; *) arg= ;; esac
            [ -n "$head" ] || continue
            case $name in "$head"*) ;; *) continue ;; esac
            case $arg in "" | always | auto | never) ;; *) continue ;; esac
            ;;
        esac
        [ "$val" = 1 ]
        return
    done
    return 1
}
# Rotate "$@" into: OPTIONS netns ARGS (no netns after a dangling value option).
mode=opt
want=0
for a do
    shift
    if [ "$mode" = opt ]; then
        if [ "$want" = 1 ]; then
            want=0
            set -- "$@" "$a"
            continue
        fi
        if [ "$a" = -- ]; then
            set -- "$@" "$a" netns
            mode=arg
            continue
        fi
        case $a in
        -*)
            set -- "$@" "$a"
            if takes_value "$a"; then want=1; fi
            continue
            ;;
        esac
        set -- "$@" netns
        mode=arg
    fi
    set -- "$@" "$a"
done
if [ "$mode" = opt ] && [ "$want" = 0 ]; then set -- "$@" netns; fi
exec /usr/sbin/ip "$@"
"#;

/// Write the `ipwrap` wrapper to `path` (mode 0755).
pub fn write_ipwrap(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, IPWRAP)?;
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))?;
    std::fs::rename(&tmp, path)
}

/// Path of the `ipwrap` wrapper written by [`ipwrap_path`].
pub fn default_ipwrap_path() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("ipwrap")
}

/// Write `ipwrap` under cargo's target tmp dir (once per process) and
/// return its path.
pub fn ipwrap_path() -> PathBuf {
    static WRITTEN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    WRITTEN
        .get_or_init(|| {
            let p = default_ipwrap_path();
            write_ipwrap(&p).unwrap_or_else(|e| panic!("cannot write {}: {e}", p.display()));
            p
        })
        .clone()
}

/// The tool under test: `$NETNS_DIFF_TOOL` if set (the word `ipwrap` means
/// the wrapper of [`ipwrap_path`]), else `default`.
pub fn tool_under_test(default: &str) -> PathBuf {
    match std::env::var_os("NETNS_DIFF_TOOL") {
        Some(p) if p == "ipwrap" => ipwrap_path(),
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            std::fs::canonicalize(&p).unwrap_or(p)
        }
        _ => PathBuf::from(default),
    }
}
