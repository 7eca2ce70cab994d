//! Server-rendered SVG bar charts (no chart JavaScript): one bar per day, each a link with a
//! `<title>` (the browser's tooltip and what screen readers read), y-axis gridlines with
//! labels, a few x-axis day labels, `role="img"` and an `aria-label` for the chart as a whole.

use std::fmt::Write;

/// One bar: its x label (a day), its height, the tooltip text and where it leads.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub tooltip: String,
    pub href: String,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;
/// Horizontal gridlines above zero.
const GRIDLINES: u32 = 4;

/// Escapes text for SVG/XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

/// A round number at or above `max` for the top of the y axis (1, 2, 2.5 or 5 × 10ⁿ per
/// gridline), so gridline labels are readable.
fn nice_top(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return f64::from(GRIDLINES);
    }
    let step = max / f64::from(GRIDLINES);
    let magnitude = 10f64.powf(step.log10().floor());
    let nice = [1.0, 2.0, 2.5, 3.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= step)
        .unwrap_or(10.0 * magnitude);
    nice.max(1.0) * f64::from(GRIDLINES)
}

/// A gridline label: whole numbers with thin spaces between thousands, `k`/`M` above.
fn axis_label(value: f64) -> String {
    if value >= 1_000_000.0 {
        format!("{}M", trim(value / 1_000_000.0))
    } else if value >= 10_000.0 {
        format!("{}k", trim(value / 1_000.0))
    } else {
        trim(value)
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.1}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The SVG of a bar chart. `label` names the chart for assistive technology; every x label
/// is shown when there are few bars, otherwise about eight of them.
pub fn bar_chart(label: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let top = nice_top(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    );
    for i in 0..=GRIDLINES {
        let value = top * f64::from(i) / f64::from(GRIDLINES);
        let y = TOP + plot_h - plot_h * f64::from(i) / f64::from(GRIDLINES);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="axis" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            axis_label(value)
        );
    }
    let slot = plot_w / bars.len().max(1) as f64;
    let gap = (slot * 0.2).min(4.0);
    let every = bars.len().div_ceil(8).max(1);
    for (i, bar) in bars.iter().enumerate() {
        let h = if top > 0.0 {
            (bar.value / top * plot_h).max(0.0)
        } else {
            0.0
        };
        let x = LEFT + slot * i as f64;
        // Zero-height bars stay hoverable through a transparent hit area over the full height.
        let _ = write!(
            svg,
            r#"<a href="{href}"><g class="bar"><title>{tip}</title><rect class="hit" x="{x:.1}" y="{TOP}" width="{slot:.1}" height="{plot_h:.1}"/><rect class="value" x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}"/></g></a>"#,
            x + gap / 2.0,
            TOP + plot_h - h,
            (slot - gap).max(1.0),
            href = escape(&bar.href),
            tip = escape(&bar.tooltip),
        );
        if i % every == 0 {
            let _ = write!(
                svg,
                r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                x + slot / 2.0,
                HEIGHT - 8.0,
                escape(&bar.label)
            );
        }
    }
    let _ = write!(
        svg,
        r#"<line class="baseline" x1="{LEFT}" x2="{}" y1="{:.1}" y2="{:.1}"/></svg>"#,
        WIDTH - RIGHT,
        TOP + plot_h,
        TOP + plot_h
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(value: f64) -> Bar {
        Bar {
            label: "11-23".into(),
            value,
            tooltip: format!("<{value}> & more"),
            href: "/orders?a=1&b=2".into(),
        }
    }

    #[test]
    fn every_bar_has_an_escaped_title_and_link() {
        let svg = bar_chart("Orders \"per\" day", &[bar(3.0), bar(0.0), bar(12.0)]);
        assert_eq!(svg.matches("<title>").count(), 3);
        assert!(svg.contains("<title>&lt;12&gt; &amp; more</title>"));
        assert!(svg.contains(r#"href="/orders?a=1&amp;b=2""#));
        assert!(svg.contains(r#"role="img" aria-label="Orders &quot;per&quot; day""#));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn the_axis_tops_at_a_round_number() {
        assert_eq!(nice_top(0.0), 4.0);
        assert_eq!(nice_top(12.0), 12.0);
        assert_eq!(nice_top(13.0), 20.0);
        assert_eq!(nice_top(1234.5), 2000.0);
        assert_eq!(axis_label(25_000.0), "25k");
        assert_eq!(axis_label(2.5), "2.5");
    }
}
