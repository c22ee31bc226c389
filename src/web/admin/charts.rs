//! Server-side SVG charts for `/admin/analytics`: pure functions from numbers to markup, no IO.
//!
//! Every chart is `role="img"` with `aria-labelledby` pointing at its `<title>` and `<desc>`; the
//! page also prints the data as a table beneath. Colours come from [`PALETTE`], each at least
//! 4.5:1 against white (WCAG 1.4.11 asks 3:1 for graphics); text is dark grey on white. No
//! `style` attribute anywhere: the page's CSP forbids inline styles, so only presentation
//! attributes and classes are used.

use std::fmt::Write as _;

/// Series colours, in order.
pub const PALETTE: &[&str] = &[
    "#1d4e89", "#b4490a", "#2b7a3d", "#7a3b9e", "#b3261e", "#00696b", "#6d4c2f", "#4a5563",
    "#a3195b", "#5b5f00",
];

/// Legend entries per row (236 px each: room for "Réponse de la compagnie").
const LEGEND_COLUMNS: usize = 3;

/// What a chart says about itself: an id (unique on the page), a title and a description.
#[derive(Debug, Clone)]
pub struct Caption<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
}

/// One named series of a stacked bar chart.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<u64>,
}

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
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn open(out: &mut String, caption: &Caption<'_>, width: u32, height: u32) {
    let id = escape(caption.id);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" \
         viewBox=\"0 0 {width} {height}\" width=\"100%\" \
         aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(caption.title),
        escape(caption.desc)
    );
}

/// A "nice" axis maximum ≥ `max`: 1, 2 or 5 times a power of ten.
pub fn nice_max(max: u64) -> u64 {
    if max == 0 {
        return 1;
    }
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            let candidate = step.saturating_mul(m);
            if candidate >= max {
                return candidate;
            }
        }
        if step > u64::MAX / 10 {
            return max;
        }
        step *= 10;
    }
}

#[allow(clippy::cast_precision_loss)]
fn scale(value: u64, max: u64, span: f64) -> f64 {
    if max == 0 {
        0.0
    } else {
        value as f64 / max as f64 * span
    }
}

#[allow(clippy::many_single_char_names)]
/// Vertical stacked bars: one bar per category (e.g. a week), one colour per series (a status).
/// Labels under the bars are thinned out to stay readable.
pub fn stacked_bars(caption: &Caption<'_>, categories: &[String], series: &[Series]) -> String {
    const W: u32 = 760;
    const PLOT_H: f64 = 220.0;
    const LEFT: f64 = 48.0;
    const TOP: f64 = 12.0;
    let legend_rows = series.len().div_ceil(LEGEND_COLUMNS);
    let height = 12 + 220 + 40 + 22 * u32::try_from(legend_rows).unwrap_or(0) + 8;
    let mut out = String::new();
    open(&mut out, caption, W, height);
    let totals: Vec<u64> = (0..categories.len())
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let max = nice_max(totals.iter().copied().max().unwrap_or(0));
    axis(&mut out, LEFT, TOP, f64::from(W) - LEFT - 8.0, PLOT_H, max);
    let n = categories.len().max(1);
    #[allow(clippy::cast_precision_loss)]
    let slot = (f64::from(W) - LEFT - 8.0) / n as f64;
    let bar = (slot * 0.75).max(1.0);
    // Thin the labels so that they never overlap (about 6.5 px per character at 11 px).
    let longest = categories
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0);
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let label_every = (((longest as f64 * 6.5 + 10.0) / slot).ceil() as usize).max(1);
    for (i, category) in categories.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = TOP + PLOT_H;
        for (k, s) in series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            let h = scale(v, max, PLOT_H);
            y -= h;
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{}\">\
                 <title>{} · {}: {v}</title></rect>",
                PALETTE[k % PALETTE.len()],
                escape(category),
                escape(&s.name)
            );
        }
        if i % label_every == 0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"chart-label\" text-anchor=\"middle\" \
                 font-size=\"11\" fill=\"#333333\">{}</text>",
                x + bar / 2.0,
                TOP + PLOT_H + 16.0,
                escape(category)
            );
        }
    }
    legend(
        &mut out,
        series.iter().map(|s| s.name.as_str()),
        TOP + PLOT_H + 36.0,
    );
    out.push_str("</svg>");
    out
}

fn axis(out: &mut String, left: f64, top: f64, width: f64, height: f64, max: u64) {
    for k in 0..=4u32 {
        let value = max / 4 * u64::from(k);
        let y = top + height - height * f64::from(k) / 4.0;
        let _ = write!(
            out,
            "<line x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#c8c8c8\" \
             stroke-width=\"1\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\" \
             fill=\"#333333\">{value}</text>",
            left + width,
            left - 6.0,
            y + 4.0
        );
    }
}

fn legend<'a>(out: &mut String, names: impl Iterator<Item = &'a str>, top: f64) {
    for (k, name) in names.enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let (col, row) = ((k % LEGEND_COLUMNS) as f64, (k / LEGEND_COLUMNS) as f64);
        let x = 48.0 + col * 236.0;
        let y = top + row * 22.0;
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"12\" fill=\"#222222\">{}</text>",
            y - 10.0,
            PALETTE[k % PALETTE.len()],
            x + 18.0,
            escape(name)
        );
    }
}

/// Horizontal bars, one per labelled value; `value_text` is what is printed after each bar
/// (e.g. "1 234" or "87 %"), so the chart reads without hovering.
pub fn horizontal_bars(caption: &Caption<'_>, rows: &[(String, u64, String)]) -> String {
    const W: u32 = 760;
    const LEFT: f64 = 200.0;
    const ROW: f64 = 26.0;
    let height = 16 + u32::try_from(rows.len().max(1)).unwrap_or(1) * 26;
    let mut out = String::new();
    open(&mut out, caption, W, height);
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let span = f64::from(W) - LEFT - 110.0;
    for (i, (label, value, text)) in rows.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let y = 8.0 + ROW * i as f64;
        let w = scale(*value, max, span).max(if *value > 0 { 1.0 } else { 0.0 });
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"#222222\">{}</text>\
             <rect x=\"{LEFT:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"18\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#222222\">{}</text>",
            LEFT - 8.0,
            y + 13.0,
            escape(label),
            PALETTE[0],
            LEFT + w + 6.0,
            y + 13.0,
            escape(text)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caption() -> Caption<'static> {
        Caption {
            id: "c1",
            title: "Claims <per> week",
            desc: "A & B",
        }
    }

    #[test]
    fn nice_maxima() {
        for (input, want) in [
            (0, 1),
            (1, 1),
            (3, 5),
            (7, 10),
            (11, 20),
            (99, 100),
            (101, 200),
        ] {
            assert_eq!(nice_max(input), want, "{input}");
        }
        assert!(nice_max(u64::MAX) >= u64::MAX / 2);
    }

    #[test]
    fn stacked_bars_are_accessible_and_escaped() {
        let svg = stacked_bars(
            &caption(),
            &["2026-W01".into(), "<script>".into()],
            &[
                Series {
                    name: "submitted".into(),
                    values: vec![3, 0],
                },
                Series {
                    name: "paid\"x".into(),
                    values: vec![1, 4],
                },
            ],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-labelledby=\"c1-title c1-desc\""));
        assert!(svg.contains("<title id=\"c1-title\">Claims &lt;per&gt; week</title>"));
        assert!(svg.contains("<desc id=\"c1-desc\">A &amp; B</desc>"));
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("style="));
        assert!(svg.contains("paid&quot;x"));
        // Three non-zero segments plus two legend swatches.
        assert_eq!(svg.matches("<rect").count(), 5);
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn bar_heights_are_proportional() {
        let svg = stacked_bars(
            &caption(),
            &["a".into(), "b".into()],
            &[Series {
                name: "s".into(),
                values: vec![10, 5],
            }],
        );
        // Max 10 → full 220 px plot; 5 → half.
        assert!(svg.contains("height=\"220.0\""), "{svg}");
        assert!(svg.contains("height=\"110.0\""), "{svg}");
    }

    #[test]
    fn week_labels_do_not_overlap() {
        let weeks: Vec<String> = (0..27)
            .map(|i| format!("2026-{:02}-01", i % 12 + 1))
            .collect();
        let svg = stacked_bars(
            &caption(),
            &weeks,
            &[Series {
                name: "s".into(),
                values: vec![1; 27],
            }],
        );
        let labels = svg.matches("class=\"chart-label\"").count();
        // 704 px of plot for 10-character labels of ~75 px: at most 9 fit.
        assert!((4..=9).contains(&labels), "{labels} labels");
    }

    #[test]
    fn empty_charts_render() {
        let svg = stacked_bars(&caption(), &[], &[]);
        assert!(svg.contains("</svg>"));
        let svg = horizontal_bars(&caption(), &[]);
        assert!(svg.contains("</svg>"));
    }

    #[test]
    fn horizontal_bars_print_values() {
        let svg = horizontal_bars(
            &caption(),
            &[
                ("Air <France>".into(), 80, "80 %".into()),
                ("Zero".into(), 0, "0 %".into()),
            ],
        );
        assert!(svg.contains("Air &lt;France&gt;"));
        assert!(svg.contains("80 %"));
        assert!(svg.contains("width=\"0.0\""));
    }

    #[test]
    fn palette_contrast_against_white() {
        fn lum(hex: &str) -> f64 {
            let c = |i: usize| {
                let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
        }
        for colour in PALETTE {
            let ratio = 1.05 / (lum(colour) + 0.05);
            assert!(ratio >= 4.5, "{colour}: {ratio:.2}");
        }
    }
}
