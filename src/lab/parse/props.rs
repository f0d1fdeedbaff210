//! Property tests of the lab parser and the `for` expander: whatever the
//! text, parsing never panics, never makes more than the limits allow,
//! and every problem points at a line and column (but the few about the
//! file as a whole). Fixed case counts keep them to a few seconds.

use super::tree::{self, Budget, Item, Val, limits};
use super::{Source, parse};
use crate::lab::diag::{DIAG_MAX, Diag};
use crate::lab::ids::{IfaceId, NodeId};
use proptest::prelude::*;

/// Problems about the file as a whole, which have no position.
fn file_level(d: &Diag) -> bool {
    d.message.starts_with("the lab file has no")
        || d.message.starts_with("the lab has no nodes")
        || d.message.starts_with("the hosts file listing every node")
}

/// Parse `text`; check the invariants of the answer.
fn check(text: &str) -> Result<(), TestCaseError> {
    let src = Source { path: "p.toml".into(), text: text.into() };
    match parse(&src) {
        Ok(lab) => {
            prop_assert!(lab.nodes.len() as u64 <= limits::NODES);
            prop_assert!(lab.links.len() as u64 <= limits::LINKS);
            prop_assert!(lab.nodes.iter().map(|n| n.routes.len() as u64).sum::<u64>() <= limits::ROUTES);
            prop_assert!(lab.expects.len() as u64 <= limits::EXPECTS);
        }
        Err(diags) => {
            prop_assert!(!diags.is_empty());
            prop_assert!(diags.len() <= DIAG_MAX + 1, "{} messages", diags.len());
            for d in &diags {
                match &d.span {
                    Some(s) => prop_assert!(s.start <= text.len(), "{d:?} is outside the text"),
                    None => prop_assert!(file_level(d), "no position: {}", d.message),
                }
                // Rendering works for every message.
                let _ = src.render(d);
            }
        }
    }
    Ok(())
}

/// A valid lab using most features, to perturb.
const SEED: &str = r#"schema = 1
name = "p"
[defaults]
mtu = 1500
[nodes."r{i}"]
for = { i = "1..3" }
kind = "router"
routes = [ { for = { j = "1..2" }, to = "10.9.{j}.0/24", via = "10.0.{i}.2", onlink = true } ]
etc = { "hosts" = "127.0.0.1 localhost\n", "sub/a" = "x" }
[nodes.h1]
gateway = "10.0.1.1"
[[nodes.h1.nat]]
type = "masquerade"
out = "eth0"
[nodes.h1.interfaces."d{k}"]
for = { k = [0, 1] }
type = "dummy"
[nodes.sw]
kind = "switch"
subnet = "10.5.0.0/24"
[[links]]
for = { i = "1..1" }
endpoints = ["r{i}", "h1"]
addr = [["10.0.{i}.1/24"], ["10.0.{i}.2/24"]]
netem = { rate = "10mbit", delay = "1ms" }
[[links]]
endpoints = ["r2", "sw"]
[[expect]]
from = "h1"
to = "r1"
"#;

#[test]
fn the_seed_is_a_valid_lab() {
    let src = Source { path: "p.toml".into(), text: SEED.into() };
    let lab = parse(&src).map_err(|d| d.iter().map(|d| src.render(d)).collect::<Vec<_>>()).unwrap();
    assert_eq!(lab.nodes.len(), 5);
}

/// Characters that matter to TOML and to `for`.
const ALPHABET: &[char] = &[
    '[', ']', '{', '}', '"', '\'', '=', ',', '.', '\n', ' ', '#', '\\', 'i', 'j', '+', '-', '0', '1', '9', 'a', ':',
    '/', '\0', '\u{7f}', 'é',
];

fn edit() -> impl Strategy<Value = (usize, u8, char, usize)> {
    (any::<usize>(), 0u8..3, proptest::sample::select(ALPHABET), 1usize..12)
}

/// `SEED` with `edits` applied (insert, delete or replace at a position).
fn perturb(edits: &[(usize, u8, char, usize)]) -> String {
    let mut s: Vec<char> = SEED.chars().collect();
    for &(pos, op, c, n) in edits {
        let at = pos % (s.len() + 1);
        match op {
            0 => s.splice(at..at, std::iter::repeat_n(c, n)).for_each(drop),
            1 => {
                let end = (at + n).min(s.len());
                s.drain(at..end);
            }
            _ => {
                if at < s.len() {
                    s[at] = c;
                }
            }
        }
    }
    s.into_iter().collect()
}

/// A range text: mostly small, sometimes at the edges of i64.
fn bound() -> impl Strategy<Value = i64> {
    prop_oneof![-5i64..300, Just(i64::MIN), Just(i64::MAX), Just(i64::MAX - 1), any::<i64>()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_and_every_error_has_a_position(text in "\\PC{0,300}") {
        check(&text)?;
    }

    #[test]
    fn a_perturbed_lab_never_panics_and_every_error_has_a_position(edits in proptest::collection::vec(edit(), 1..6)) {
        check(&perturb(&edits))?;
    }

    #[test]
    fn for_ranges_anywhere_in_i64_are_counted_before_anything_is_made(
        vars in proptest::collection::vec((bound(), bound()), 1..4),
        off in prop_oneof![Just(0i64), Just(1), Just(-1), Just(i64::MAX), Just(i64::MIN + 1), any::<i64>()],
    ) {
        let ranges: Vec<String> =
            vars.iter().enumerate().map(|(k, (a, b))| format!("v{k} = \"{a}..{b}\"")).collect();
        let sign = if off < 0 { "-" } else { "+" };
        let text = format!(
            "x = {{ for = {{ {} }}, n = \"{{v0{sign}{}}}\" }}",
            ranges.join(", "),
            off.unsigned_abs()
        );
        let (root, syntax) = tree::load(&text);
        prop_assert!(syntax.is_empty(), "{text}: {syntax:?}");
        let Val::Tab(top) = &root.val else { panic!() };
        let Val::Tab(x) = &top[0].v.val else { panic!() };
        let mut diags = Vec::new();
        let mut budget = Budget::default();
        let mut copies = tree::expand("", x, "x", Item::Route, &mut budget, &mut diags);
        // The exact size, in 128 bits: what the expander must have counted.
        let size = vars.iter().try_fold(1u128, |p, (a, b)| {
            let n = if b < a { 0 } else { (i128::from(*b) - i128::from(*a) + 1) as u128 };
            p.checked_mul(n)
        });
        let mut made = 0u64;
        while copies.next(&mut diags).is_some() {
            made += 1;
            prop_assert!(made <= limits::COPIES);
        }
        let empty = vars.iter().any(|(a, b)| b < a);
        match size {
            _ if empty => prop_assert_eq!(made, 0),
            Some(n) if n <= u128::from(limits::COPIES) => {
                // Made them all, or stopped at the first overflow, said once.
                prop_assert!(made as u128 == n || diags.len() == 1, "{text}: {made} of {n}, {diags:?}");
            }
            _ => {
                prop_assert_eq!(made, 0);
                prop_assert_eq!(diags.len(), 1);
                prop_assert!(diags[0].message.contains("the limit is"), "{:?}", diags[0]);
                prop_assert_eq!(diags[0].span.clone(), Some(6..9), "blamed on the `for` key");
            }
        }
        for d in &diags {
            prop_assert!(d.span.is_some());
        }
    }

    #[test]
    fn repetition_totals_never_exceed_the_limits(
        steps in proptest::collection::vec((0usize..5, prop_oneof![1u64..1000, 1u64..1_000_000]), 1..24),
    ) {
        let items = [Item::Node, Item::Link, Item::Route, Item::Interface, Item::Expect];
        let limit = [limits::NODES, limits::LINKS, limits::ROUTES, limits::INTERFACES, limits::EXPECTS];
        let mut budget = Budget::default();
        let mut diags = Vec::new();
        let mut granted = [0u64; 5];
        let mut refused = [false; 5];
        for (k, c) in steps {
            let text = format!("x = {{ for = {{ i = \"1..{c}\" }}, n = \"{{i}}\" }}");
            let (root, _) = tree::load(&text);
            let Val::Tab(top) = &root.val else { panic!() };
            let Val::Tab(x) = &top[0].v.val else { panic!() };
            let before = diags.len();
            let e = tree::expand("", x, "x", items[k], &mut budget, &mut diags);
            granted[k] += e.len();
            prop_assert!(granted[k] <= limit[k], "{:?}: {} > {}", items[k], granted[k], limit[k]);
            if e.len() == 0 {
                // Said once, when first refused (or when the shared limit
                // on copied values was reached).
                prop_assert!(diags.len() <= before + 1);
                refused[k] = true;
            } else {
                prop_assert_eq!(e.len(), c);
                prop_assert!(!refused[k], "nothing is made after a refusal");
            }
        }
        prop_assert!(diags.len() <= 6, "{diags:?}");
    }

    #[test]
    fn units_never_panic(s in "[0-9.eE+-]{0,30}(bit|kbit|mibps|ms|s|us|%|x)?") {
        let _ = super::units::rate_bps(&s);
        let _ = super::units::duration_us(&s);
        let _ = super::units::percent_str(&s);
    }

    #[test]
    fn a_rate_netns_accepts_can_be_set(rate in "[0-9]{1,6}(\\.[0-9]{1,3})?(bit|kbit|bps)") {
        let text = format!(
            "schema = 1\nname = \"p\"\n[nodes.a]\n[nodes.b]\n[[links]]\nendpoints = [\"a\", \"b\"]\nnetem = {{ rate = \"{rate}\" }}\n"
        );
        check(&text)?;
        let src = Source { path: "p.toml".into(), text };
        if let Ok(lab) = parse(&src) {
            let r = lab.nodes[NodeId::new(0)].interfaces[IfaceId::new(0)].netem.as_ref().and_then(|n| n.rate_bps);
            prop_assert!(r.is_some_and(|r| r >= super::units::RATE_MIN_BPS), "{rate}: {r:?}");
        }
    }

    #[test]
    fn a_lab_over_a_limit_is_refused_at_the_for_key(n in 100_001u64..10_000_000) {
        let text = format!("schema = 1\nname = \"p\"\n[nodes.\"h{{i}}\"]\nfor = {{ i = \"1..{n}\" }}\n");
        check(&text)?;
        let src = Source { path: "p.toml".into(), text };
        let d = parse(&src).expect_err("over the limit");
        prop_assert!(d.iter().any(|d| d.span == Some(37..40)), "{d:?}");
    }
}
