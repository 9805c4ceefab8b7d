//! The latency of every mode by percentile, as an SVG: one line per mode, latency on a log
//! scale so that a kept-alive exchange and a full TLS handshake fit one picture.

use std::path::Path;

use hdrhistogram::Histogram;
use plotters::prelude::*;

use crate::Error;

pub(crate) fn draw(path: &Path, series: &[(String, &Histogram<u64>)]) -> Result<(), Error> {
    draw_inner(path, series).map_err(|e| Error::Plot(format!("{}: {e}", path.display())))
}

fn draw_inner(
    path: &Path,
    series: &[(String, &Histogram<u64>)],
) -> Result<(), Box<dyn std::error::Error>> {
    let ms = |h: &Histogram<u64>, q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    let low = series
        .iter()
        .map(|(_, h)| ms(h, 0.0))
        .fold(f64::INFINITY, f64::min)
        .max(0.001);
    let high = series
        .iter()
        .map(|(_, h)| ms(h, 0.999))
        .fold(0.0, f64::max)
        .max(low * 10.0);
    let root = SVGBackend::new(path, (960, 540)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("tarry bench: latency by percentile", ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..99.9f64, (low * 0.8..high * 1.25).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("percentile")
        .y_desc("latency, ms (log scale)")
        .draw()?;
    for (i, (name, histogram)) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let points = (0..=999).map(|k| {
            let q = f64::from(k) / 1000.0;
            (q * 100.0, ms(histogram, q).max(low * 0.8))
        });
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
