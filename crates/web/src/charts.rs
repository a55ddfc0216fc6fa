//! Charts as small inline SVG (docs/adr/0002): bars with a value axis, an
//! optional target line and a `<title>` per bar, `role="img"` named by a
//! title and described by a one-sentence summary. Every chart stands beside
//! a table with the same numbers, its text alternative.

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A bar chart of `values` (a gap where a value is missing) under
/// `labels`. `fmt` writes a value as the page shows it.
pub struct Bars<'a> {
    /// Unique on the page: the ids of the chart's title and description.
    pub id: &'a str,
    pub title: &'a str,
    /// One sentence: what the chart shows, its range and its last value.
    pub summary: &'a str,
    pub labels: &'a [String],
    pub values: &'a [Option<f64>],
    pub target: Option<(f64, &'a str)>,
    pub fmt: &'a dyn Fn(f64) -> String,
}

/// The chart's SVG.
pub fn bars(c: &Bars<'_>) -> String {
    let (w, h) = (720.0_f64, 240.0_f64);
    let (left, bottom, top) = (64.0_f64, 28.0_f64, 12.0_f64);
    let plot_h = h - bottom - top;
    let present = c.values.iter().flatten().copied();
    let hi = present.clone().fold(c.target.map(|t| t.0).unwrap_or(0.0), f64::max).max(0.0);
    let lo = present.fold(0.0_f64, f64::min);
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let y = |v: f64| top + (hi - v) / span * plot_h;
    let n = c.values.len().max(1) as f64;
    let slot = (w - left - 8.0) / n;
    let mut out = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t\" aria-describedby=\"{id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(c.title),
        esc(c.summary),
        id = c.id
    );
    // The value axis: the top, zero and (when below zero) the bottom.
    let mut ticks = vec![hi, 0.0];
    if lo < 0.0 {
        ticks.push(lo);
    }
    for t in ticks {
        out.push_str(&format!(
            "<line class=\"axis\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            w - 4.0,
            left - 6.0,
            y(t) + 4.0,
            esc(&(c.fmt)(t)),
            y = y(t)
        ));
    }
    let every = ((n / 12.0).ceil() as usize).max(1);
    for (i, (label, v)) in c.labels.iter().zip(c.values).enumerate() {
        let x = left + i as f64 * slot + slot * 0.15;
        if let Some(v) = v {
            let (a, b) = (y(v.max(0.0)), y(v.min(0.0)));
            out.push_str(&format!(
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{a:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}: {}</title></rect>",
                slot * 0.7,
                (b - a).max(0.5),
                esc(label),
                esc(&(c.fmt)(*v))
            ));
        }
        if i % every == 0 {
            out.push_str(&format!(
                "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + slot * 0.35,
                h - 8.0,
                esc(label)
            ));
        }
    }
    if let Some((t, name)) = c.target {
        out.push_str(&format!(
            "<line class=\"target\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"><title>{}: {}</title></line>",
            w - 4.0,
            esc(name),
            esc(&(c.fmt)(t)),
            y = y(t)
        ));
    }
    out.push_str("</svg>");
    out
}

/// A small trend of `values` for a table cell: decorative, as the row
/// beside it carries the figures (`aria-hidden`).
pub fn spark(values: &[Option<f64>]) -> String {
    let (w, h) = (96.0_f64, 24.0_f64);
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    if present.is_empty() {
        return String::new();
    }
    let hi = present.iter().copied().fold(0.0, f64::max);
    let lo = present.iter().copied().fold(0.0, f64::min);
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let slot = w / values.len().max(1) as f64;
    let mut out = format!(
        "<svg class=\"spark\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" aria-hidden=\"true\" focusable=\"false\">"
    );
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            let top = (hi - v.max(0.0)) / span * (h - 2.0) + 1.0;
            let bottom = (hi - v.min(0.0)) / span * (h - 2.0) + 1.0;
            out.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                i as f64 * slot + slot * 0.1,
                slot * 0.8,
                (bottom - top).max(0.5)
            ));
        }
    }
    out.push_str("</svg>");
    out
}

/// A flow diagram: the places material leaves (left) and reaches
/// (right) as bars sized by tonnes, and a band between them for each flow,
/// as wide as its tonnes and coloured by its material (`flow-c0` …
/// `flow-c7`, the legend's classes). A `<title>` on every bar and band;
/// the page's table carries the same flows.
pub struct Flows<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    /// (name, tonnes) of each side.
    pub from: &'a [(String, f64)],
    pub to: &'a [(String, f64)],
    /// (from index, to index, colour index, tonnes, its `<title>`).
    pub links: &'a [(usize, usize, usize, f64, String)],
    pub fmt: &'a dyn Fn(f64) -> String,
}

pub fn flows(c: &Flows<'_>) -> String {
    let (w, left, right, bar) = (720.0_f64, 210.0_f64, 498.0_f64, 12.0_f64);
    let total = c.from.iter().map(|x| x.1).sum::<f64>().max(c.to.iter().map(|x| x.1).sum::<f64>()).max(1e-9);
    let gap = 10.0;
    let min_h = 18.0;
    let scale = 360.0 / total;
    let place = |side: &[(String, f64)]| {
        let mut y = 10.0;
        side.iter()
            .map(|(_, t)| {
                let h = (t * scale).max(min_h);
                let at = (y, h);
                y += h + gap;
                at
            })
            .collect::<Vec<(f64, f64)>>()
    };
    let (ya, yb) = (place(c.from), place(c.to));
    let height = ya.iter().chain(&yb).map(|(y, h)| y + h).fold(40.0, f64::max) + 10.0;
    let mut out = format!(
        "<svg class=\"chart park\" viewBox=\"0 0 {w} {height:.0}\" role=\"img\" aria-labelledby=\"{id}-t\" aria-describedby=\"{id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(c.title),
        esc(c.summary),
        id = c.id
    );
    // Bands first, bars over them; each side's bands stacked in order.
    let mut used_a = vec![0.0_f64; c.from.len()];
    let mut used_b = vec![0.0_f64; c.to.len()];
    for (a, b, colour, t, title) in c.links {
        let (Some(&(y0, h0)), Some(&(y1, h1))) = (ya.get(*a), yb.get(*b)) else { continue };
        let share_a = if c.from[*a].1 > 0.0 { t / c.from[*a].1 * h0 } else { h0 };
        let share_b = if c.to[*b].1 > 0.0 { t / c.to[*b].1 * h1 } else { h1 };
        let width = share_a.min(share_b).max(1.5);
        let sy = y0 + used_a[*a] + share_a / 2.0;
        let ty = y1 + used_b[*b] + share_b / 2.0;
        used_a[*a] += share_a;
        used_b[*b] += share_b;
        let (x0, x1) = (left + bar, right);
        let mid = (x0 + x1) / 2.0;
        out.push_str(&format!(
            "<path class=\"flow flow-c{}\" d=\"M{x0:.1},{sy:.1} C{mid:.1},{sy:.1} {mid:.1},{ty:.1} {x1:.1},{ty:.1}\" stroke-width=\"{width:.1}\"><title>{}</title></path>",
            colour % 8,
            esc(title)
        ));
    }
    for ((name, t), (y, h)) in c.from.iter().zip(&ya) {
        out.push_str(&format!(
            "<rect class=\"node\" x=\"{left}\" y=\"{y:.1}\" width=\"{bar}\" height=\"{h:.1}\"><title>{}: {}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{} · {}</text>",
            esc(name),
            esc(&(c.fmt)(*t)),
            left - 6.0,
            y + h / 2.0 + 4.0,
            esc(name),
            esc(&(c.fmt)(*t))
        ));
    }
    for ((name, t), (y, h)) in c.to.iter().zip(&yb) {
        out.push_str(&format!(
            "<rect class=\"node\" x=\"{right}\" y=\"{y:.1}\" width=\"{bar}\" height=\"{h:.1}\"><title>{}: {}</title></rect><text x=\"{:.1}\" y=\"{:.1}\">{} · {}</text>",
            esc(name),
            esc(&(c.fmt)(*t)),
            right + bar + 6.0,
            y + h / 2.0 + 4.0,
            esc(name),
            esc(&(c.fmt)(*t))
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_titles_a_summary_and_the_target() {
        let labels = vec!["2025".to_string(), "2026".to_string()];
        let values = vec![Some(3.0), None];
        let svg = bars(&Bars {
            id: "c1",
            title: "Events <held>",
            summary: "3 in 2025",
            labels: &labels,
            values: &values,
            target: Some((5.0, "Target")),
            fmt: &|v| format!("{v:.0}"),
        });
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("aria-labelledby=\"c1-t\""));
        assert!(svg.contains("Events &lt;held&gt;"));
        assert!(svg.contains("<title>2025: 3</title>"));
        assert_eq!(svg.matches("<rect").count(), 1, "a missing value draws no bar");
        assert!(svg.contains("<title>Target: 5</title>"));
        assert!(spark(&values).contains("<rect"));
        let from = vec![("Oulu".to_string(), 30.0), ("Kemi".to_string(), 10.0)];
        let to = vec![("Raahe".to_string(), 40.0)];
        let links =
            vec![(0, 0, 1, 30.0, "Oulu → Raahe: 30 t".to_string()), (1, 0, 9, 10.0, "Kemi → Raahe".to_string())];
        let svg = flows(&Flows {
            id: "p",
            title: "Park",
            summary: "2 flows",
            from: &from,
            to: &to,
            links: &links,
            fmt: &|v| format!("{v:.0} t"),
        });
        assert_eq!(svg.matches("<path").count(), 2);
        assert_eq!(svg.matches("class=\"flow flow-c1\"").count(), 2, "colours wrap at eight");
        assert!(svg.contains("<title>Oulu → Raahe: 30 t</title>") && svg.contains("Raahe · 40 t"));
        assert_eq!(spark(&[None, None]), "");
    }
}
