//! Mermaid flowchart (`graph LR`): hosts are rectangles, routers circles,
//! switches subroutine boxes; each link is one edge labelled with both
//! ends (`eth0 10.0.1.1/24 ↔ eth0 10.0.1.2/24`). Node ids are `n0`, `n1`…
//! so no lab name can collide with a Mermaid keyword (`end`, `graph`).

use super::{GEnd, Graph};
use crate::lab::model::Kind;
use std::fmt::Write as _;

/// Text for inside a quoted Mermaid label: `"` and markup characters as
/// entity codes, lines joined with `<br/>`.
pub fn label(lines: &[String]) -> String {
    let esc: Vec<String> = lines
        .iter()
        .map(|l| l.replace('&', "#amp;").replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;"))
        .collect();
    esc.join("<br/>")
}

fn end_text(e: &GEnd) -> Vec<String> {
    let mut first = e.ifname.clone();
    for a in &e.addrs {
        first.push(' ');
        first.push_str(&a.to_string());
    }
    if let Some(v) = &e.vlan {
        first.push_str(&format!(" ({v})"));
    }
    let b = e.drift.bracketed();
    if !b.is_empty() {
        first.push(' ');
        first.push_str(&b);
    }
    vec![first]
}

/// Render `g` as a Mermaid flowchart, with the lab name as its title.
pub fn render(g: &Graph) -> String {
    let mut s = String::new();
    let title = if g.live { format!("lab {} (live)", g.name) } else { format!("lab {}", g.name) };
    // The title goes in front matter, Mermaid's place for it.
    let _ = writeln!(s, "---\ntitle: \"{}\"\n---", title.replace('"', "'"));
    s.push_str("graph LR\n");
    for (i, n) in g.nodes.iter().enumerate() {
        let mut lines = n.label_lines();
        let b = n.drift.bracketed();
        if !b.is_empty() {
            lines.push(b);
        }
        let l = label(&lines);
        let shape = match n.kind {
            Kind::Host => format!("[\"{l}\"]"),
            Kind::Router => format!("((\"{l}\"))"),
            Kind::Switch => format!("[[\"{l}\"]]"),
        };
        let _ = writeln!(s, "  n{i}{shape}");
    }
    let mut bad = Vec::new();
    let mut odd = Vec::new();
    for (k, e) in g.edges.iter().enumerate() {
        let [a, b] = &e.ends;
        let mut lines = end_text(a);
        lines.push("↔".to_string());
        lines.extend(end_text(b));
        let _ = writeln!(s, "  n{} ---|\"{}\"| n{}", a.node, label(&lines), b.node);
        let d = e.drift();
        if d.missing || d.down.is_some() {
            bad.push(k);
        } else if e.addr_drift() {
            odd.push(k);
        }
    }
    s.push_str("  classDef host fill:#ffffff,stroke:#333333\n");
    s.push_str("  classDef router fill:#fff4e0,stroke:#333333\n");
    s.push_str("  classDef switch fill:#e6eef8,stroke:#333333\n");
    for kind in [Kind::Host, Kind::Router, Kind::Switch] {
        let ids: Vec<String> =
            g.nodes.iter().enumerate().filter(|(_, n)| n.kind == kind).map(|(i, _)| format!("n{i}")).collect();
        if !ids.is_empty() {
            let _ = writeln!(s, "  class {} {}", ids.join(","), super::kind_word(kind));
        }
    }
    if g.live {
        s.push_str("  classDef missing stroke:#cc0000,stroke-width:2px,stroke-dasharray:5 5,color:#cc0000\n");
        s.push_str("  classDef drift stroke:#e08000,stroke-width:2px\n");
        let missing: Vec<String> =
            g.nodes.iter().enumerate().filter(|(_, n)| n.drift.missing).map(|(i, _)| format!("n{i}")).collect();
        let drift: Vec<String> = g
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.drift.missing && (!n.drift.is_clean() || n.ifaces.iter().any(|i| !i.drift.is_clean())))
            .map(|(i, _)| format!("n{i}"))
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(s, "  class {} missing", missing.join(","));
        }
        if !drift.is_empty() {
            let _ = writeln!(s, "  class {} drift", drift.join(","));
        }
        if !bad.is_empty() {
            let ids: Vec<String> = bad.iter().map(|k| k.to_string()).collect();
            let _ = writeln!(s, "  linkStyle {} stroke:#cc0000,stroke-width:2px,stroke-dasharray:5 5", ids.join(","));
        }
        if !odd.is_empty() {
            let ids: Vec<String> = odd.iter().map(|k| k.to_string()).collect();
            let _ = writeln!(s, "  linkStyle {} stroke:#e08000,stroke-width:2px", ids.join(","));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;

    #[test]
    fn pair_is_graph_lr_with_quoted_labels() {
        let out = render(&pair(), None, Format::Mermaid);
        assert!(out.starts_with("---\ntitle: \"lab pair\"\n---\ngraph LR\n"), "{out}");
        assert!(out.contains("  n0[\"h1<br/>pair-h1\"]\n"), "{out}");
        assert!(
            out.contains("  n0 ---|\"eth0 10.0.0.1/24 fd00::1/64<br/>↔<br/>eth0 10.0.0.2/24 fd00::2/64\"| n1\n"),
            "{out}"
        );
        assert!(out.contains("  class n0,n1 host\n"), "{out}");
    }

    #[test]
    fn shapes_follow_kinds() {
        let out = render(&lan4(), None, Format::Mermaid);
        assert!(out.contains("  n0[[\"sw1<br/>lan4-sw1\"]]\n"), "{out}");
        let out = render(&chain3(), None, Format::Mermaid);
        assert!(out.contains("  n2((\"r1<br/>chain3-r1\"))\n"), "{out}");
        assert_eq!(out.matches(" ---|").count(), 4);
    }

    #[test]
    fn labels_escape_quotes() {
        assert_eq!(super::label(&["a\"b<c>".into(), "d".into()]), "a#quot;b#lt;c#gt;<br/>d");
    }

    #[test]
    fn live_overlay_styles_drift() {
        let (lab, live) = drifted();
        let out = render(&lab, Some(&live), Format::Mermaid);
        assert!(out.contains("  n1[\"h2<br/>chain3-h2<br/>[missing]\"]\n"), "{out}");
        assert!(out.contains("  class n1 missing\n"), "{out}");
        assert!(out.contains("  class n2,n3,n4 drift\n"), "{out}");
        assert!(out.contains("  linkStyle 1,3 stroke:#cc0000"), "{out}");
    }
}
