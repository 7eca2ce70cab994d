//! Server-rendered SVG bar charts (no chart JavaScript): one bar per day, each a link with a
//! `<title>` (the browser's tooltip and what screen readers read), y-axis gridlines with
//! labels, a few x-axis day labels, `role="img"` and an `aria-label` for the chart as a whole.
//!
//! [`BarChart::new`] lays the chart out (the axis top, bar heights and positions);
//! `templates/dashboard/bar_chart.svg` draws it, so askama escapes every text and link.

use std::fmt;

use askama::Template;

use super::filters;

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
const PLOT_H: f64 = HEIGHT - TOP - BOTTOM;
/// Horizontal gridlines above zero.
const GRIDLINES: u32 = 4;

/// A coordinate as the SVG writes it: one decimal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coord(pub f64);

impl fmt::Display for Coord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}", self.0)
    }
}

/// A horizontal gridline and its label (the `axis_label` filter shows the value).
#[derive(Debug, Clone, PartialEq)]
pub struct Gridline {
    pub y: Coord,
    /// The label's baseline, a little below the line.
    pub label_y: Coord,
    pub value: f64,
}

/// A day label under the x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct DayLabel {
    pub x: Coord,
    pub text: String,
}

/// A bar placed in the plot: its slot (the hover and click area over the full height) and the
/// bar itself.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedBar {
    pub href: String,
    pub tooltip: String,
    pub slot_x: Coord,
    pub x: Coord,
    pub y: Coord,
    pub height: Coord,
    pub day: Option<DayLabel>,
}

/// A bar chart laid out for `templates/dashboard/bar_chart.svg`.
#[derive(Template, Debug, Clone, PartialEq)]
#[template(path = "dashboard/bar_chart.svg")]
pub struct BarChart {
    /// Names the chart for assistive technology.
    pub label: String,
    pub gridlines: Vec<Gridline>,
    pub bars: Vec<PlacedBar>,
    /// Width of a bar's slot and of the bar in it.
    pub slot_width: Coord,
    pub bar_width: Coord,
}

impl BarChart {
    // The frame, as the template writes it.
    pub const WIDTH: f64 = WIDTH;
    pub const HEIGHT: f64 = HEIGHT;
    pub const LEFT: f64 = LEFT;
    pub const RIGHT_X: f64 = WIDTH - RIGHT;
    pub const TOP: f64 = TOP;
    pub const PLOT_H: Coord = Coord(PLOT_H);
    pub const BASELINE_Y: Coord = Coord(TOP + PLOT_H);
    pub const AXIS_X: f64 = LEFT - 6.0;
    pub const DAY_Y: Coord = Coord(HEIGHT - 8.0);

    /// Lays out `bars`: the y axis tops at a round number; every x label is shown when there
    /// are few bars, otherwise about eight of them.
    pub fn new(label: &str, bars: &[Bar]) -> Self {
        let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
        let top = nice_top(max);
        let plot_w = WIDTH - LEFT - RIGHT;
        let gridlines = (0..=GRIDLINES)
            .map(|i| {
                let y = TOP + PLOT_H - PLOT_H * f64::from(i) / f64::from(GRIDLINES);
                Gridline {
                    y: Coord(y),
                    label_y: Coord(y + 4.0),
                    value: top * f64::from(i) / f64::from(GRIDLINES),
                }
            })
            .collect();
        let slot = plot_w / bars.len().max(1) as f64;
        let gap = (slot * 0.2).min(4.0);
        let every = bars.len().div_ceil(8).max(1);
        let bars = bars
            .iter()
            .enumerate()
            .map(|(i, bar)| {
                let h = if top > 0.0 {
                    (bar.value / top * PLOT_H).max(0.0)
                } else {
                    0.0
                };
                let x = LEFT + slot * i as f64;
                PlacedBar {
                    href: bar.href.clone(),
                    tooltip: bar.tooltip.clone(),
                    slot_x: Coord(x),
                    x: Coord(x + gap / 2.0),
                    y: Coord(TOP + PLOT_H - h),
                    height: Coord(h),
                    day: (i % every == 0).then(|| DayLabel {
                        x: Coord(x + slot / 2.0),
                        text: bar.label.clone(),
                    }),
                }
            })
            .collect();
        Self {
            label: label.to_owned(),
            gridlines,
            bars,
            slot_width: Coord(slot),
            bar_width: Coord((slot - gap).max(1.0)),
        }
    }
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
        let svg = BarChart::new("Orders \"per\" day", &[bar(3.0), bar(0.0), bar(12.0)])
            .render()
            .unwrap();
        let html = scraper::Html::parse_fragment(&svg);
        let select = |s: &str| scraper::Selector::parse(s).unwrap();
        let titles: Vec<String> = html
            .select(&select("title"))
            .map(|t| t.text().collect())
            .collect();
        assert_eq!(titles.len(), 3);
        assert!(titles.contains(&"<12> & more".to_owned()), "{titles:?}");
        assert!(!svg.contains("<12>") && !svg.contains("& more"), "{svg}");
        let link = html.select(&select("a")).next().unwrap();
        assert_eq!(link.value().attr("href"), Some("/orders?a=1&b=2"));
        let chart = html.select(&select(r#"svg[role="img"]"#)).next().unwrap();
        assert_eq!(chart.value().attr("aria-label"), Some("Orders \"per\" day"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn the_axis_tops_at_a_round_number() {
        assert_eq!(nice_top(0.0), 4.0);
        assert_eq!(nice_top(12.0), 12.0);
        assert_eq!(nice_top(13.0), 20.0);
        assert_eq!(nice_top(1234.5), 2000.0);
        let chart = BarChart::new("", &[bar(25_000.0)]);
        let top = chart.gridlines.last().map(|g| g.value);
        assert_eq!(top, Some(40_000.0));
    }
}
