//! `cyberstance report`: one self-contained HTML page (inline CSS, no script, nothing fetched) for
//! reading annotated JSONL:
//!
//! - an overview: articles, entities by label, the actor x target matrix coloured by stance
//!   (support / oppose / neutral, or mixed when articles disagree), stances by target, top actors;
//! - each article, its text with entities marked by label (displaCy's colours) and linked actor
//!   (hover), its stance evidence underlined, and the stances listed with their evidence.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use crate::record::{wire_name, Record};
use crate::stance::Polarity;

/// HTML-escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn label_colour(label: &str) -> &'static str {
    match label {
        "PER" => "#aa9cfc",
        "ORG" => "#7aecec",
        "GPE" => "#feca74",
        "NORP" => "#c887fb",
        "LOC" => "#ff9561",
        _ => "#e4e7d2",
    }
}

const STYLE: &str = "
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em 2em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}
th.t{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:normal}
td.support{background:#7fd17f}td.oppose{background:#f28b82}td.neutral{background:#d7d7d7}td.mixed{background:#fdd663}
.text{white-space:pre-wrap;background:#fafafa;border:1px solid #eee;padding:1em;line-height:2}
mark{padding:.1em .3em;border-radius:.3em}mark b{font-size:.7em;margin-left:.3em;font-weight:600;opacity:.8}
.ev{border-bottom:2px solid #3367d6}.legend span{padding:0 .5em;margin-right:.5em}
.bar{display:inline-block;height:.8em;background:#3367d6;vertical-align:middle}
ul.stances li{margin:.3em 0}.pol{font-weight:600}.pol.support{color:#188038}.pol.oppose{color:#c5221f}.pol.neutral{color:#666}
";

/// The whole page for `records`.
pub fn html(records: &[Record], title: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        escape(title),
        escape(title)
    );
    overview(&mut h, records);
    for (i, r) in records.iter().enumerate() {
        article(&mut h, i, r);
    }
    h.push_str("</body></html>\n");
    h
}

fn overview(h: &mut String, records: &[Record]) {
    let mut labels: BTreeMap<&str, usize> = BTreeMap::new();
    for e in records.iter().flat_map(|r| &r.entities) {
        *labels.entry(e.label.as_str()).or_default() += 1;
    }
    // actor -> (name, articles, mentions); (actor, target) -> polarities seen
    let mut actors: HashMap<&str, (&str, usize, usize)> = HashMap::new();
    for r in records {
        for a in &r.actors {
            let e = actors.entry(a.id.as_str()).or_insert((a.name.as_str(), 0, 0));
            e.1 += 1;
            e.2 += a.mentions.len();
        }
    }
    let mut cells: BTreeMap<(&str, &str), Vec<Polarity>> = BTreeMap::new();
    let mut by_target: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for s in records.iter().flat_map(|r| r.stances.iter().flatten()) {
        cells
            .entry((s.actor.as_str(), s.target.as_str()))
            .or_default()
            .push(s.stance);
        let k = match s.stance {
            Polarity::Support => 0,
            Polarity::Oppose => 1,
            Polarity::Neutral => 2,
        };
        by_target.entry(s.target.as_str()).or_default()[k] += 1;
    }
    let n_stances: usize = by_target.values().map(|c| c.iter().sum::<usize>()).sum();
    let _ = writeln!(
        h,
        "<p>{} articles, {} entities ({}), {} actors, {} stances.</p>",
        records.len(),
        labels.values().sum::<usize>(),
        labels
            .iter()
            .map(|(l, n)| format!("{} {n}", escape(l)))
            .collect::<Vec<_>>()
            .join(", "),
        actors.len(),
        n_stances
    );
    let _ = writeln!(
        h,
        "<p class=\"legend\">{}</p>",
        ["PER", "ORG", "GPE", "NORP", "LOC", "MISC"]
            .iter()
            .map(|l| format!("<span style=\"background:{}\">{l}</span>", label_colour(l)))
            .collect::<String>()
    );

    // the matrix: actors holding a stance, by number of stances; targets in name order
    let targets: Vec<&str> = by_target.keys().copied().collect();
    let mut holders: Vec<&str> = cells.keys().map(|(a, _)| *a).collect();
    holders.dedup();
    let count = |a: &str| cells.iter().filter(|((x, _), _)| *x == a).count();
    holders.sort_by_key(|a| (std::cmp::Reverse(count(a)), *a));
    h.push_str("<h2>Who stands where</h2>\n<table id=\"matrix\"><tr><th>actor</th>");
    for t in &targets {
        let _ = write!(h, "<th class=\"t\">{}</th>", escape(t));
    }
    h.push_str("</tr>\n");
    for a in &holders {
        let name = actors.get(a).map_or(*a, |x| x.0);
        let _ = write!(h, "<tr><th>{}</th>", escape(name));
        for t in &targets {
            match cells.get(&(*a, *t)) {
                Some(ps) => {
                    let first = ps[0];
                    let class = if ps.iter().all(|&p| p == first) {
                        wire_name(&first)
                    } else {
                        "mixed".to_string()
                    };
                    let _ = write!(
                        h,
                        "<td class=\"{class}\" title=\"{} / {}: {}\">{}</td>",
                        escape(name),
                        escape(t),
                        ps.iter().map(wire_name).collect::<Vec<_>>().join(", "),
                        ps.len()
                    );
                }
                None => h.push_str("<td></td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n<p class=\"legend\"><span style=\"background:#7fd17f\">support</span><span style=\"background:#f28b82\">oppose</span><span style=\"background:#d7d7d7\">neutral</span><span style=\"background:#fdd663\">mixed</span> (number: articles)</p>\n");

    h.push_str("<h2>Stances by target</h2>\n<table><tr><th>target</th><th>support</th><th>oppose</th><th>neutral</th><th></th></tr>\n");
    let most = by_target
        .values()
        .map(|c| c.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    for (t, c) in &by_target {
        let total: usize = c.iter().sum();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><span class=\"bar\" style=\"width:{}px\"></span></td></tr>",
            escape(t),
            c[0],
            c[1],
            c[2],
            200 * total / most
        );
    }
    h.push_str(
        "</table>\n<h2>Top actors</h2>\n<table><tr><th>actor</th><th>id</th><th>articles</th><th>mentions</th></tr>\n",
    );
    let mut top: Vec<(&&str, &(&str, usize, usize))> = actors.iter().collect();
    top.sort_by_key(|(id, (_, arts, ments))| (std::cmp::Reverse(*arts), std::cmp::Reverse(*ments), **id));
    for (id, (name, arts, ments)) in top.into_iter().take(20) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{arts}</td><td>{ments}</td></tr>",
            escape(name),
            escape(id)
        );
    }
    h.push_str("</table>\n");
}

fn article(h: &mut String, i: usize, r: &Record) {
    let _ = writeln!(h, "<h2 id=\"a{i}\">{}</h2>", escape(&r.id));
    let stances = r.stances.as_deref().unwrap_or(&[]);
    // every place a mark or an evidence underline starts or ends cuts the text into segments
    let mut cuts: Vec<usize> = vec![0, r.text.len()];
    for e in &r.entities {
        cuts.extend([e.start_byte, e.end_byte]);
    }
    for s in stances {
        cuts.extend([s.evidence_start_byte, s.evidence_end_byte]);
    }
    cuts.retain(|&c| c <= r.text.len() && r.text.is_char_boundary(c));
    cuts.sort_unstable();
    cuts.dedup();
    fn name_of<'a>(r: &'a Record, id: &'a str) -> &'a str {
        r.actors.iter().find(|a| a.id == id).map_or(id, |a| a.name.as_str())
    }
    h.push_str("<div class=\"text\">");
    for w in cuts.windows(2) {
        let (s, e) = (w[0], w[1]);
        let seg = escape(&r.text[s..e]);
        let in_evidence = stances
            .iter()
            .any(|x| x.evidence_start_byte <= s && e <= x.evidence_end_byte);
        let entity = r.entities.iter().find(|x| x.start_byte <= s && e <= x.end_byte);
        let inner = match entity {
            Some(x) => {
                let actor = x
                    .actor
                    .as_deref()
                    .map(|a| format!(" → {}", name_of(r, a)))
                    .unwrap_or_default();
                let tag = if e == x.end_byte {
                    format!("<b>{}</b>", escape(&x.label))
                } else {
                    String::new()
                };
                format!(
                    "<mark style=\"background:{}\" title=\"{}{}\">{seg}{tag}</mark>",
                    label_colour(&x.label),
                    escape(&x.label),
                    escape(&actor)
                )
            }
            None => seg,
        };
        if in_evidence {
            let _ = write!(h, "<span class=\"ev\">{inner}</span>");
        } else {
            h.push_str(&inner);
        }
    }
    h.push_str("</div>\n");
    if !stances.is_empty() {
        h.push_str("<ul class=\"stances\">\n");
        for s in stances {
            let _ = writeln!(
                h,
                "<li><b>{}</b> <span class=\"pol {p}\">{p}</span> {}: <span class=\"ev\">{}</span></li>",
                escape(name_of(r, &s.actor)),
                escape(&s.target),
                escape(&s.evidence),
                p = wire_name(&s.stance)
            );
        }
        h.push_str("</ul>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
