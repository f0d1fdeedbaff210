//! An owned copy of the TOML document that keeps every key's and value's
//! byte range, in file order, and the `for` repetition done on it (before
//! any key is interpreted, so `{i}` works in keys and in every string).

use crate::lab::diag::Diag;
use crate::lab::model::Span;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A value and where it is.
#[derive(Debug, Clone)]
pub(crate) struct V {
    /// Byte range of the value.
    pub span: Span,
    /// The value.
    pub val: Val,
    /// True when `for` substitution produced this string, so an integer key
    /// may accept `"{i}"`.
    pub subst: bool,
}

/// A TOML value.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime,
    Arr(Vec<V>),
    Tab(Tab),
}

/// One `key = value` of a table.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub key: String,
    pub kspan: Span,
    pub v: V,
}

/// A table's entries in file order.
pub(crate) type Tab = Vec<Entry>;

impl V {
    /// "a string", "an integer"… for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self.val {
            Val::Str(_) => "a string",
            Val::Int(_) => "an integer",
            Val::Float(_) => "a float",
            Val::Bool(_) => "a boolean",
            Val::Datetime => "a date-time",
            Val::Arr(_) => "an array",
            Val::Tab(_) => "a table",
        }
    }
}

/// The entry `key` of `t`.
pub(crate) fn get<'a>(t: &'a Tab, key: &str) -> Option<&'a V> {
    t.iter().find(|e| e.key == key).map(|e| &e.v)
}

/// Parse `text`; syntax errors come back as diagnostics.
pub(crate) fn load(text: &str) -> (V, Vec<Diag>) {
    let (doc, errs) = DeTable::parse_recoverable(text);
    let diags = errs
        .iter()
        .map(|e| {
            let mut msg = e.message().trim().trim_end_matches('.').to_string();
            match e.span() {
                Some(s) => {
                    // toml says only "duplicate key": name it.
                    if msg == "duplicate key"
                        && let Some(k) = text.get(s.clone())
                    {
                        msg = format!("duplicate key `{}`: it is already defined above", k.trim_matches('"'));
                    }
                    Diag::at(s, msg)
                }
                None => Diag::file(msg),
            }
        })
        .collect();
    (V { span: doc.span(), val: Val::Tab(conv_tab(doc.get_ref())), subst: false }, diags)
}

fn conv_tab(t: &DeTable<'_>) -> Tab {
    let mut v: Tab =
        t.iter().map(|(k, v)| Entry { key: k.get_ref().to_string(), kspan: k.span(), v: conv(v) }).collect();
    // The map may be sorted by key; file order matters (node, link and
    // interface order decide generated names and addresses).
    v.sort_by_key(|e| e.kspan.start);
    v
}

fn conv(v: &Spanned<DeValue<'_>>) -> V {
    let val = match v.get_ref() {
        DeValue::String(s) => Val::Str(s.to_string()),
        // Out-of-range integers become a float so the "expected" message
        // still names a number.
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Val::Int(n),
            Err(_) => Val::Float(f64::INFINITY),
        },
        DeValue::Float(f) => Val::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Val::Bool(*b),
        DeValue::Datetime(_) => Val::Datetime,
        DeValue::Array(a) => Val::Arr(a.iter().map(conv).collect()),
        DeValue::Table(t) => Val::Tab(conv_tab(t)),
    };
    V { span: v.span(), val, subst: false }
}

/// The values a `for` variable takes: a range is kept as its bounds and
/// never materialised, so its size costs nothing until a copy is made.
#[derive(Debug, Clone)]
enum Values {
    /// `first ..= first + count - 1` (up to 2^64 values).
    Range { first: i64, count: u128 },
    /// An array of integers or strings.
    List(Vec<ForVal>),
}

impl Values {
    fn len(&self) -> u128 {
        match self {
            Values::Range { count, .. } => *count,
            Values::List(v) => v.len() as u128,
        }
    }

    fn nth(&self, k: u64) -> ForVal {
        match self {
            // k < count, so first + k <= last: no overflow.
            Values::Range { first, .. } => ForVal::Num(first.saturating_add(k as i64)),
            Values::List(v) => v[k as usize].clone(),
        }
    }
}

/// One value of a `for` variable.
#[derive(Debug, Clone)]
enum ForVal {
    Num(i64),
    Text(String),
}

/// The limits of `for` repetition (see "Limits" in docs/labs.md). They
/// are checked before any copy is made, so a file cannot make `validate`
/// allocate or work beyond them.
pub(crate) mod limits {
    /// Copies one `for` may make: the product of the sizes of its
    /// variables.
    pub const COPIES: u64 = 1_000_000;
    /// Nodes in a lab, after repetition.
    pub const NODES: u64 = 100_000;
    /// Links in a lab, after repetition.
    pub const LINKS: u64 = 100_000;
    /// Routes in a lab (all nodes together), after repetition.
    pub const ROUTES: u64 = 1_000_000;
    /// `interfaces` entries in a lab (all nodes together), after repetition.
    pub const INTERFACES: u64 = 100_000;
    /// `[[expect]]` entries in a lab, after repetition.
    pub const EXPECTS: u64 = 100_000;
    /// Values copied by all repetitions together (a string counts one per
    /// 8 bytes): what bounds the memory and time of a lab whose repeated
    /// tables are large (a node with many routes, repeated many times).
    pub const WORK: u64 = 20_000_000;
}

/// What a repeated table is, for the per-kind limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    Node,
    Link,
    Route,
    Interface,
    Expect,
}

impl Item {
    fn limit(self) -> (u64, &'static str) {
        match self {
            Item::Node => (limits::NODES, "nodes"),
            Item::Link => (limits::LINKS, "links"),
            Item::Route => (limits::ROUTES, "routes"),
            Item::Interface => (limits::INTERFACES, "interfaces entries"),
            Item::Expect => (limits::EXPECTS, "[[expect]] entries"),
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// What all repetitions of one lab have used so far. Once a limit is
/// reached it is reported once; later repetitions of that kind make
/// nothing and say nothing more.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    counts: [u64; 5],
    work: u64,
    over: [bool; 5],
    over_work: bool,
}

/// The size of a table, in [`limits::WORK`] units.
fn weight_tab(t: &Tab) -> u64 {
    t.iter().fold(0u64, |w, e| w.saturating_add(1 + e.key.len() as u64 / 8).saturating_add(weight(&e.v)))
}

fn weight(v: &V) -> u64 {
    match &v.val {
        Val::Str(s) => 1 + s.len() as u64 / 8,
        Val::Arr(a) => a.iter().fold(1u64, |w, x| w.saturating_add(weight(x))),
        Val::Tab(t) => 1u64.saturating_add(weight_tab(t)),
        _ => 1,
    }
}

/// The copies of a table with a `for` key, made one at a time by
/// [`Expansion::next`].
pub(crate) struct Expansion<'a> {
    key: String,
    body: Vec<&'a Entry>,
    vars: Vec<(String, Values)>,
    total: u64,
    next: u64,
    /// Without `for`: the table itself, once.
    plain: Option<&'a Tab>,
    /// The `for` key, blamed for a bad expression in `key`.
    at: Span,
}

impl Expansion<'_> {
    fn none() -> Expansion<'static> {
        Expansion { key: String::new(), body: Vec::new(), vars: Vec::new(), total: 0, next: 0, plain: None, at: 0..0 }
    }

    /// How many copies are still to come.
    #[cfg(test)]
    pub fn len(&self) -> u64 {
        self.total - self.next
    }

    /// The next copy: its key (with `{var}` substituted) and its table
    /// (without `for`). A substitution that overflows is reported in
    /// `diags` and the copy is skipped.
    pub fn next(&mut self, diags: &mut Vec<Diag>) -> Option<(String, Tab)> {
        if let Some(t) = self.plain.take() {
            self.next = self.total;
            return Some((self.key.clone(), t.clone()));
        }
        while self.next < self.total {
            // Mixed radix, the first variable outermost.
            let mut rest = self.next;
            self.next += 1;
            let mut vals: Vec<(String, ForVal)> = Vec::with_capacity(self.vars.len());
            for (name, values) in self.vars.iter().rev() {
                // total > 0 and total <= limits::COPIES: every size fits.
                let n = values.len() as u64;
                vals.push((name.clone(), values.nth(rest % n)));
                rest /= n;
            }
            vals.reverse();
            let before = diags.len();
            let k = subst(&self.key, &vals, Some(&self.at), diags).unwrap_or_else(|| self.key.clone());
            let t: Tab = self.body.iter().map(|e| subst_entry(e, &vals, diags)).collect();
            if diags.len() == before {
                return Some((k, t));
            }
            // One message for a bad expression, not one per copy.
            self.next = self.total;
        }
        None
    }
}

/// Expand the `for` key of table `t` (named `key`, "" when it has no
/// name): one copy per combination of the variables (cartesian product, in
/// the order they are written), with `{var}`, `{var+N}` and `{var-N}`
/// substituted in `key`, in every key and in every string, and without the
/// `for` entry. Without `for`, the table itself. The number of copies and
/// their size are checked against [`limits`] (and counted in `budget`)
/// before any copy is made; over a limit, nothing is made and the `for`
/// key is blamed.
pub(crate) fn expand<'a>(
    key: &str,
    t: &'a Tab,
    what: &str,
    item: Item,
    budget: &mut Budget,
    diags: &mut Vec<Diag>,
) -> Expansion<'a> {
    let fe = t.iter().find(|e| e.key == "for");
    let mut vars: Vec<(String, Values)> = Vec::new();
    if let Some(fe) = fe {
        let fv = &fe.v;
        let Val::Tab(tv) = &fv.val else {
            diags.push(Diag::at(
                fv.span.clone(),
                format!("`for` of {what} must be a table like {{ i = \"1..8\" }} (found {})", fv.kind()),
            ));
            return Expansion::none();
        };
        for e in tv {
            let vals = match &e.v.val {
                Val::Str(s) => match range(s) {
                    Ok(r) => r,
                    Err(why) => {
                        diags.push(Diag::at(e.v.span.clone(), format!("`for` variable `{}` of {what}: {why}", e.key)));
                        return Expansion::none();
                    }
                },
                Val::Arr(a) => {
                    let mut out = Vec::new();
                    for x in a {
                        match &x.val {
                            Val::Int(n) => out.push(ForVal::Num(*n)),
                            Val::Str(s) => out.push(ForVal::Text(s.clone())),
                            _ => {
                                diags.push(Diag::at(
                                    x.span.clone(),
                                    format!("`for` variable `{}` of {what}: values must be integers or strings", e.key),
                                ));
                                return Expansion::none();
                            }
                        }
                    }
                    Values::List(out)
                }
                _ => {
                    diags.push(Diag::at(
                        e.v.span.clone(),
                        format!(
                            "`for` variable `{}` of {what} must be a range like \"1..8\" or an array (found {})",
                            e.key,
                            e.v.kind()
                        ),
                    ));
                    return Expansion::none();
                }
            };
            vars.push((e.key.clone(), vals));
        }
    }
    // How many copies, before making any.
    let exact = vars.iter().try_fold(1u128, |p, (_, v)| p.checked_mul(v.len()));
    let at = fe.map_or(0..0, |e| e.kspan.clone());
    let Some(copies) = exact.filter(|n| *n <= u128::from(limits::COPIES)).map(|n| n as u64) else {
        let n = exact.map_or_else(|| "more than 2^128".to_string(), |n| n.to_string());
        diags.push(Diag::at(
            at,
            format!("`for` of {what} makes {n} copies (the product of its ranges); the limit is {}", limits::COPIES),
        ));
        return Expansion::none();
    };
    let (limit, name) = item.limit();
    let slot = item.slot();
    if budget.over[slot] || budget.over_work {
        return Expansion::none();
    }
    let count = budget.counts[slot].saturating_add(copies);
    if count > limit {
        budget.over[slot] = true;
        let span = if fe.is_some() { at } else { t.first().map_or(0..0, |e| e.kspan.clone()) };
        diags.push(Diag::at(
            span,
            format!("{what} takes the lab over the limit of {limit} {name} (counted after `for` repetition)"),
        ));
        return Expansion::none();
    }
    let work = budget.work.saturating_add(copies.saturating_mul(weight_tab(t).max(1)));
    if work > limits::WORK {
        budget.over_work = true;
        let span = if fe.is_some() { at } else { t.first().map_or(0..0, |e| e.kspan.clone()) };
        diags.push(Diag::at(
            span,
            format!(
                "{what} takes the lab over the limit of {} values copied by `for` repetition; repeat smaller tables or fewer times",
                limits::WORK
            ),
        ));
        return Expansion::none();
    }
    budget.counts[slot] = count;
    budget.work = work;
    match fe {
        None => Expansion { key: key.to_string(), body: Vec::new(), vars, total: 1, next: 0, plain: Some(t), at },
        Some(_) => Expansion {
            key: key.to_string(),
            body: t.iter().filter(|e| e.key != "for").collect(),
            vars,
            total: copies,
            next: 0,
            plain: None,
            at,
        },
    }
}

/// "A..B" (inclusive), any i64 bounds.
fn range(s: &str) -> Result<Values, String> {
    let bad = || format!("\"{s}\" is not a range like \"1..8\"");
    let (a, b) = s.split_once("..").ok_or_else(bad)?;
    let a: i64 = a.trim().parse().map_err(|_| bad())?;
    let b: i64 = b.trim().parse().map_err(|_| bad())?;
    if b < a {
        return Err(format!("\"{s}\" is empty (its end is below its start)"));
    }
    // In i128, b - a + 1 cannot overflow; it is at most 2^64.
    Ok(Values::Range { first: a, count: (i128::from(b) - i128::from(a) + 1) as u128 })
}

fn subst_entry(e: &Entry, vars: &[(String, ForVal)], diags: &mut Vec<Diag>) -> Entry {
    Entry {
        key: subst(&e.key, vars, Some(&e.kspan), diags).unwrap_or_else(|| e.key.clone()),
        kspan: e.kspan.clone(),
        v: subst_val(&e.v, vars, diags),
    }
}

fn subst_val(v: &V, vars: &[(String, ForVal)], diags: &mut Vec<Diag>) -> V {
    match &v.val {
        Val::Str(s) => match subst(s, vars, Some(&v.span), diags) {
            Some(n) => V { span: v.span.clone(), val: Val::Str(n), subst: true },
            None => v.clone(),
        },
        Val::Arr(a) => V {
            span: v.span.clone(),
            val: Val::Arr(a.iter().map(|x| subst_val(x, vars, diags)).collect()),
            subst: false,
        },
        // A nested `for` (a route inside a repeated node) keeps its own
        // variables; the outer ones are substituted first.
        Val::Tab(t) => V {
            span: v.span.clone(),
            val: Val::Tab(t.iter().map(|e| subst_entry(e, vars, diags)).collect()),
            subst: false,
        },
        _ => v.clone(),
    }
}

/// `s` with every `{var}`, `{var+N}`, `{var-N}` replaced, or None when it
/// has none. Braces that do not name a variable stay as written (nft text).
/// An expression on a variable that cannot be computed (an overflow, an
/// offset on a string) is reported at `span`.
fn subst(s: &str, vars: &[(String, ForVal)], span: Option<&Span>, diags: &mut Vec<Diag>) -> Option<String> {
    if !s.contains('{') {
        return None;
    }
    let mut out = String::new();
    let mut rest = s;
    let mut changed = false;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        match eval(after[..close].trim(), vars) {
            Ok(Some(v)) => {
                out.push_str(&v);
                changed = true;
            }
            Ok(None) => out.push_str(&rest[open..open + 1 + close + 1]),
            Err(why) => {
                diags.push(Diag::at(span.cloned().unwrap_or(0..0), format!("`{{{}}}`: {why}", &after[..close])));
                out.push_str(&rest[open..open + 1 + close + 1]);
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The value of `var`, `var+N` or `var-N`; Ok(None) when `expr` does not
/// start with a variable's name.
fn eval(expr: &str, vars: &[(String, ForVal)]) -> Result<Option<String>, String> {
    let (name, off) = match expr.find(['+', '-']) {
        Some(p) => (expr[..p].trim(), Some((&expr[p..p + 1], expr[p + 1..].trim()))),
        None => (expr, None),
    };
    let Some((_, v)) = vars.iter().find(|(n, _)| n == name) else { return Ok(None) };
    let Some((sign, num)) = off else {
        return Ok(Some(match v {
            ForVal::Num(n) => n.to_string(),
            ForVal::Text(t) => t.clone(),
        }));
    };
    let ForVal::Num(n) = v else {
        return Err(format!("`{name}` is a string; only a number takes {sign}N"));
    };
    let Ok(k) = num.parse::<i64>() else {
        return Err(format!("\"{num}\" is not an integer offset"));
    };
    let r = if sign == "-" { n.checked_sub(k) } else { n.checked_add(k) };
    match r {
        Some(r) => Ok(Some(r.to_string())),
        None => Err(format!("{n} {sign} {k} is outside the 64-bit integer range")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(i: i64) -> Vec<(String, ForVal)> {
        vec![("i".into(), ForVal::Num(i))]
    }

    fn sub(s: &str, i: i64) -> (Option<String>, Vec<Diag>) {
        let mut d = Vec::new();
        (subst(s, &vars(i), Some(&(0..1)), &mut d), d)
    }

    #[test]
    fn substitution() {
        assert_eq!(sub("h{i}", 3).0.as_deref(), Some("h3"));
        assert_eq!(sub("10.0.{i+1}.{ i - 1 }/24", 3).0.as_deref(), Some("10.0.4.2/24"));
        assert_eq!(sub("nft { type filter; }", 3).0, None);
        assert_eq!(sub("{j}", 3).0, None);
        assert_eq!(sub("a{", 3).0, None);
    }

    #[test]
    fn substitution_never_wraps() {
        let (out, d) = sub("{i+9223372036854775807}", 1);
        assert_eq!(out, None);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("outside the 64-bit integer range"), "{d:?}");
        let (_, d) = sub("{i-1}", i64::MIN);
        assert_eq!(d.len(), 1);
        let (out, d) = sub("{i-9223372036854775807}", 0);
        assert_eq!((out.as_deref(), d.len()), (Some("-9223372036854775807"), 0));
    }

    fn table(text: &str) -> Tab {
        let (v, d) = load(text);
        assert!(d.is_empty());
        let Val::Tab(t) = v.val else { panic!() };
        let Val::Tab(x) = &t[0].v.val else { panic!() };
        x.clone()
    }

    fn all(e: &mut Expansion<'_>, d: &mut Vec<Diag>) -> Vec<(String, Tab)> {
        std::iter::from_fn(|| e.next(d)).collect()
    }

    #[test]
    fn cartesian_product() {
        let x = table("x = { for = { i = \"1..2\", j = [\"a\", \"b\"] }, n = \"{i}{j}\" }");
        let mut diags = Vec::new();
        let mut b = Budget::default();
        let mut e = expand("k{i}", &x, "x", Item::Node, &mut b, &mut diags);
        let out = all(&mut e, &mut diags);
        let names: Vec<String> = out
            .iter()
            .map(|(k, t)| match &get(t, "n").unwrap().val {
                Val::Str(s) => format!("{k}={s}"),
                _ => panic!(),
            })
            .collect();
        assert_eq!(names, ["k1=1a", "k1=1b", "k2=2a", "k2=2b"]);
        assert!(get(&out[0].1, "for").is_none());
        assert!(diags.is_empty());
    }

    #[test]
    fn ranges_near_the_integer_limits_are_counted_not_made() {
        for r in ["-9223372036854775808..9223372036854775807", "0..9223372036854775807", "1..65536"] {
            let x = table(&format!("x = {{ for = {{ i = \"{r}\", j = \"1..65536\" }}, n = \"{{i}}\" }}"));
            let mut diags = Vec::new();
            let mut b = Budget::default();
            let mut e = expand("", &x, "x", Item::Route, &mut b, &mut diags);
            assert!(e.next(&mut diags).is_none());
            assert_eq!(diags.len(), 1, "{diags:?}");
            assert!(diags[0].message.contains("the limit is 1000000"), "{}", diags[0].message);
            // Blamed on the `for` key (x = { for ...: byte 6).
            assert_eq!(diags[0].span, Some(6..9));
        }
        let x = table("x = { for = { i = \"9223372036854775806..9223372036854775807\" }, n = \"{i}\" }");
        let mut diags = Vec::new();
        let mut b = Budget::default();
        let mut e = expand("", &x, "x", Item::Route, &mut b, &mut diags);
        assert_eq!(all(&mut e, &mut diags).len(), 2);
    }

    #[test]
    fn totals_are_bounded_across_expansions() {
        let x = table("x = { for = { i = \"1..60000\" }, n = \"{i}\" }");
        let mut diags = Vec::new();
        let mut b = Budget::default();
        let e = expand("", &x, "x", Item::Node, &mut b, &mut diags);
        assert_eq!(e.total, 60_000);
        let e = expand("", &x, "x", Item::Node, &mut b, &mut diags);
        assert_eq!((e.total, diags.len()), (0, 1));
        // Reported once.
        let _ = expand("", &x, "x", Item::Node, &mut b, &mut diags);
        assert_eq!(diags.len(), 1);
        assert!(b.over[Item::Node.slot()]);
    }
}
