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

/// The values a `for` variable takes.
#[derive(Debug, Clone)]
enum ForVal {
    Num(i64),
    Text(String),
}

/// Expand the `for` key of table `t` (named `key`, "" when it has no
/// name): one copy per combination of the variables (cartesian product, in
/// the order they are written), with `{var}`, `{var+N}` and `{var-N}`
/// substituted in `key`, in every key and in every string, and without the
/// `for` entry. Without `for`, the table itself.
pub(crate) fn expand(key: &str, t: &Tab, what: &str, diags: &mut Vec<Diag>) -> Vec<(String, Tab)> {
    let Some(fv) = get(t, "for") else {
        return vec![(key.to_string(), t.clone())];
    };
    let Val::Tab(vars) = &fv.val else {
        diags.push(Diag::at(
            fv.span.clone(),
            format!("`for` of {what} must be a table like {{ i = \"1..8\" }} (found {})", fv.kind()),
        ));
        return Vec::new();
    };
    let mut ranges: Vec<(String, Vec<ForVal>)> = Vec::new();
    for e in vars {
        let vals = match &e.v.val {
            Val::Str(s) => match range(s) {
                Some(r) => r,
                None => {
                    diags.push(Diag::at(
                        e.v.span.clone(),
                        format!("`for` variable `{}` of {what}: \"{s}\" is not a range like \"1..8\"", e.key),
                    ));
                    return Vec::new();
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
                            return Vec::new();
                        }
                    }
                }
                out
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
                return Vec::new();
            }
        };
        ranges.push((e.key.clone(), vals));
    }
    // Cartesian product, first variable outermost.
    let mut combos: Vec<Vec<(String, ForVal)>> = vec![Vec::new()];
    for (name, vals) in &ranges {
        let mut next = Vec::new();
        for c in &combos {
            for v in vals {
                let mut c = c.clone();
                c.push((name.clone(), v.clone()));
                next.push(c);
            }
        }
        combos = next;
    }
    let body: Tab = t.iter().filter(|e| e.key != "for").cloned().collect();
    combos
        .iter()
        .map(|vars| {
            let k = subst(key, vars).unwrap_or_else(|| key.to_string());
            (k, subst_tab(&body, vars))
        })
        .collect()
}

/// "A..B" (inclusive).
fn range(s: &str) -> Option<Vec<ForVal>> {
    let (a, b) = s.split_once("..")?;
    let a: i64 = a.trim().parse().ok()?;
    let b: i64 = b.trim().parse().ok()?;
    if b < a || b - a > 65535 {
        return None;
    }
    Some((a..=b).map(ForVal::Num).collect())
}

fn subst_tab(t: &Tab, vars: &[(String, ForVal)]) -> Tab {
    t.iter()
        .map(|e| Entry {
            key: subst(&e.key, vars).unwrap_or_else(|| e.key.clone()),
            kspan: e.kspan.clone(),
            v: subst_val(&e.v, vars),
        })
        .collect()
}

fn subst_val(v: &V, vars: &[(String, ForVal)]) -> V {
    match &v.val {
        Val::Str(s) => match subst(s, vars) {
            Some(n) => V { span: v.span.clone(), val: Val::Str(n), subst: true },
            None => v.clone(),
        },
        Val::Arr(a) => {
            V { span: v.span.clone(), val: Val::Arr(a.iter().map(|x| subst_val(x, vars)).collect()), subst: false }
        }
        // A nested `for` (a route inside a repeated node) keeps its own
        // variables; the outer ones are substituted first.
        Val::Tab(t) => V { span: v.span.clone(), val: Val::Tab(subst_tab(t, vars)), subst: false },
        _ => v.clone(),
    }
}

/// `s` with every `{var}`, `{var+N}`, `{var-N}` replaced, or None when it
/// has none. Braces that do not name a variable stay as written (nft text).
fn subst(s: &str, vars: &[(String, ForVal)]) -> Option<String> {
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
            Some(v) => {
                out.push_str(&v);
                changed = true;
            }
            None => out.push_str(&rest[open..open + 1 + close + 1]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

fn eval(expr: &str, vars: &[(String, ForVal)]) -> Option<String> {
    let (name, off) = match expr.find(['+', '-']) {
        Some(p) => {
            let n: i64 = expr[p + 1..].trim().parse().ok()?;
            (expr[..p].trim(), if &expr[p..p + 1] == "-" { -n } else { n })
        }
        None => (expr, 0),
    };
    let (_, v) = vars.iter().find(|(n, _)| n == name)?;
    match v {
        ForVal::Num(n) => Some((n + off).to_string()),
        ForVal::Text(t) if off == 0 => Some(t.clone()),
        ForVal::Text(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(i: i64) -> Vec<(String, ForVal)> {
        vec![("i".into(), ForVal::Num(i))]
    }

    #[test]
    fn substitution() {
        assert_eq!(subst("h{i}", &vars(3)).as_deref(), Some("h3"));
        assert_eq!(subst("10.0.{i+1}.{ i - 1 }/24", &vars(3)).as_deref(), Some("10.0.4.2/24"));
        assert_eq!(subst("nft { type filter; }", &vars(3)), None);
        assert_eq!(subst("{j}", &vars(3)), None);
        assert_eq!(subst("a{", &vars(3)), None);
    }

    #[test]
    fn cartesian_product() {
        let (v, d) = load("x = { for = { i = \"1..2\", j = [\"a\", \"b\"] }, n = \"{i}{j}\" }");
        assert!(d.is_empty());
        let Val::Tab(t) = v.val else { panic!() };
        let Val::Tab(x) = &t[0].v.val else { panic!() };
        let mut diags = Vec::new();
        let out = expand("k{i}", x, "x", &mut diags);
        let names: Vec<String> = out
            .iter()
            .map(|(k, t)| match &get(t, "n").unwrap().val {
                Val::Str(s) => format!("{k}={s}"),
                _ => panic!(),
            })
            .collect();
        assert_eq!(names, ["k1=1a", "k1=1b", "k2=2a", "k2=2b"]);
        assert!(get(&out[0].1, "for").is_none());
    }
}
