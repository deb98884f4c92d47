// Why this file exists: the HTML report draws its line plots (hop scan, windows, per-frame
// consistency) as inline SVG, self-contained and readable without any script or library.
// Inline SVG in HTML5 needs no xmlns, so the page holds no URL at all.
//
// Coordinates: data units on both axes, linear; NaN or infinite y values break a line into
// segments. Series longer than ~1600 points are reduced to the minimum and maximum of each
// bucket, so peaks survive. Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace specrecon {

struct PlotSeries {
  std::string label;           // legend text (empty: no legend entry)
  std::vector<double> x, y;    // same length
  std::string colour = "#1f77b4";
  double width = 1.5;          // stroke width in px
  bool dashed = false;
  bool points = false;         // draw a dot at each point too (short series only)
};

struct PlotMarker {            // a vertical line with a label at the top
  double x = 0.0;
  std::string label;
  std::string colour = "#d62728";
};

struct PlotSpec {
  std::string id;              // the <svg> element's id
  std::string title, x_label, y_label;
  int width = 820, height = 300;  // px (the page scales the SVG to its column)
  std::vector<PlotSeries> series;
  std::vector<PlotMarker> markers;
  std::optional<double> y_min, y_max, x_min, x_max;  // fixed ranges; default: from the data
  std::optional<double> y_line;                       // a horizontal reference line
  std::string y_line_label;
};

// One <svg id=...> element with axes, ticks, labels, legend, series and markers. Text is
// escaped. An empty plot (no finite points) still gets its frame and a "no data" note.
std::string SvgLinePlot(const PlotSpec& spec);

// "a &lt; b" for text and attribute values.
std::string HtmlEscape(const std::string& s);

}  // namespace specrecon
