#include "src/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace specrecon {
namespace {

constexpr int kMaxPoints = 1600;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string TickLabel(double v, double step) {
  char buf[32];
  if (std::abs(v) < step * 1e-6) v = 0.0;
  const int decimals = step >= 1.0 ? 0 : std::min(6, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A "nice" tick step (1, 2 or 5 times a power of ten) giving about `target` ticks.
double NiceStep(double span, int target) {
  if (!(span > 0.0)) return 1.0;
  const double raw = span / target;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / p;
  return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * p;
}

// Keeps the order of points; reduces long series to (min, max) per bucket of x order.
void Reduce(const std::vector<double>& x, const std::vector<double>& y, std::vector<double>* rx,
            std::vector<double>* ry) {
  const size_t n = std::min(x.size(), y.size());
  if (n <= static_cast<size_t>(kMaxPoints)) {
    rx->assign(x.begin(), x.begin() + n);
    ry->assign(y.begin(), y.begin() + n);
    return;
  }
  const size_t buckets = kMaxPoints / 2;
  for (size_t b = 0; b < buckets; ++b) {
    const size_t lo = b * n / buckets, hi = (b + 1) * n / buckets;
    size_t imin = lo, imax = lo;
    bool any = false, gap = false;
    for (size_t i = lo; i < hi; ++i) {
      if (!std::isfinite(y[i])) {
        gap = true;
        continue;
      }
      if (!any || y[i] < y[imin]) imin = i;
      if (!any || y[i] > y[imax]) imax = i;
      any = true;
    }
    if (!any || gap) {  // keep the break in the line
      rx->push_back(x[lo]);
      ry->push_back(std::numeric_limits<double>::quiet_NaN());
    }
    if (!any) continue;
    const size_t a = std::min(imin, imax), c = std::max(imin, imax);
    rx->push_back(x[a]);
    ry->push_back(y[a]);
    if (c != a) {
      rx->push_back(x[c]);
      ry->push_back(y[c]);
    }
  }
}

}  // namespace

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string SvgLinePlot(const PlotSpec& spec) {
  const double left = 64, right = 16, top = 34, bottom = 46;
  const double pw = spec.width - left - right, ph = spec.height - top - bottom;
  // Data ranges.
  double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin, ymin = xmin, ymax = -xmin;
  for (const PlotSeries& s : spec.series)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      xmin = std::min(xmin, s.x[i]);
      xmax = std::max(xmax, s.x[i]);
      ymin = std::min(ymin, s.y[i]);
      ymax = std::max(ymax, s.y[i]);
    }
  const bool empty = !(xmin <= xmax);
  if (empty) xmin = 0, xmax = 1, ymin = 0, ymax = 1;
  for (const PlotMarker& m : spec.markers) xmin = std::min(xmin, m.x), xmax = std::max(xmax, m.x);
  if (spec.y_line) ymin = std::min(ymin, *spec.y_line), ymax = std::max(ymax, *spec.y_line);
  if (spec.x_min) xmin = *spec.x_min;
  if (spec.x_max) xmax = *spec.x_max;
  if (spec.y_min) ymin = *spec.y_min;
  if (spec.y_max) ymax = *spec.y_max;
  if (!(xmax > xmin)) xmax = xmin + 1;
  if (!(ymax > ymin)) ymin -= 0.5, ymax += 0.5;
  const double ypad = (spec.y_min || spec.y_max) ? 0.0 : 0.05 * (ymax - ymin);
  ymin -= ypad;
  ymax += ypad;
  auto X = [&](double x) { return left + (x - xmin) / (xmax - xmin) * pw; };
  auto Y = [&](double y) { return top + (1.0 - (std::clamp(y, ymin, ymax) - ymin) / (ymax - ymin)) * ph; };

  std::ostringstream o;
  o << "<svg id=\"" << HtmlEscape(spec.id) << "\" class=\"plot\" viewBox=\"0 0 " << spec.width << " "
    << spec.height << "\" width=\"" << spec.width << "\" height=\"" << spec.height << "\" role=\"img\" aria-label=\""
    << HtmlEscape(spec.title) << "\">\n";
  o << "<title>" << HtmlEscape(spec.title) << "</title>\n";
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
    << "\" fill=\"#fff\" stroke=\"#999\"/>\n";
  o << "<text x=\"" << left << "\" y=\"20\" class=\"ptitle\">" << HtmlEscape(spec.title) << "</text>\n";
  // Grid and ticks.
  const double xs = NiceStep(xmax - xmin, 8), ys = NiceStep(ymax - ymin, 5);
  for (double t = std::ceil(xmin / xs) * xs; t <= xmax + 1e-9 * xs; t += xs) {
    o << "<line x1=\"" << Num(X(t)) << "\" x2=\"" << Num(X(t)) << "\" y1=\"" << top << "\" y2=\"" << top + ph
      << "\" class=\"grid\"/><text x=\"" << Num(X(t)) << "\" y=\"" << top + ph + 16
      << "\" text-anchor=\"middle\" class=\"tick\">" << TickLabel(t, xs) << "</text>\n";
  }
  for (double t = std::ceil(ymin / ys) * ys; t <= ymax + 1e-9 * ys; t += ys) {
    o << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << Num(Y(t)) << "\" y2=\"" << Num(Y(t))
      << "\" class=\"grid\"/><text x=\"" << left - 6 << "\" y=\"" << Num(Y(t) + 4)
      << "\" text-anchor=\"end\" class=\"tick\">" << TickLabel(t, ys) << "</text>\n";
  }
  o << "<text x=\"" << left + pw / 2 << "\" y=\"" << spec.height - 8 << "\" text-anchor=\"middle\" class=\"axis\">"
    << HtmlEscape(spec.x_label) << "</text>\n";
  o << "<text transform=\"translate(14," << top + ph / 2 << ") rotate(-90)\" text-anchor=\"middle\" class=\"axis\">"
    << HtmlEscape(spec.y_label) << "</text>\n";
  o << "<clipPath id=\"" << HtmlEscape(spec.id) << "-clip\"><rect x=\"" << left << "\" y=\"" << top << "\" width=\""
    << pw << "\" height=\"" << ph << "\"/></clipPath>\n<g clip-path=\"url(#" << HtmlEscape(spec.id) << "-clip)\">\n";
  if (spec.y_line)
    o << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << Num(Y(*spec.y_line)) << "\" y2=\""
      << Num(Y(*spec.y_line)) << "\" stroke=\"#555\" stroke-dasharray=\"2 3\"><title>"
      << HtmlEscape(spec.y_line_label) << "</title></line>\n";
  for (const PlotSeries& s : spec.series) {
    std::vector<double> rx, ry;
    Reduce(s.x, s.y, &rx, &ry);
    std::string path;
    bool pen = false;
    for (size_t i = 0; i < rx.size(); ++i) {
      if (!std::isfinite(ry[i]) || !std::isfinite(rx[i])) {
        pen = false;
        continue;
      }
      path += (pen ? "L" : "M") + Num(X(rx[i])) + " " + Num(Y(ry[i]));
      pen = true;
    }
    o << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << s.colour << "\" stroke-width=\"" << s.width << "\""
      << (s.dashed ? " stroke-dasharray=\"6 4\"" : "") << "><title>" << HtmlEscape(s.label) << "</title></path>\n";
    if (s.points && rx.size() <= 400)
      for (size_t i = 0; i < rx.size(); ++i)
        if (std::isfinite(ry[i]))
          o << "<circle cx=\"" << Num(X(rx[i])) << "\" cy=\"" << Num(Y(ry[i])) << "\" r=\"2\" fill=\"" << s.colour
            << "\"/>";
  }
  for (size_t i = 0; i < spec.markers.size(); ++i) {  // labels stacked so close markers stay legible
    const PlotMarker& m = spec.markers[i];
    o << "<line x1=\"" << Num(X(m.x)) << "\" x2=\"" << Num(X(m.x)) << "\" y1=\"" << top << "\" y2=\"" << top + ph
      << "\" stroke=\"" << m.colour << "\" stroke-dasharray=\"4 3\"/><text x=\"" << Num(X(m.x) + 4) << "\" y=\""
      << top + 14 + 14 * i << "\" class=\"mark\" fill=\"" << m.colour << "\">" << HtmlEscape(m.label) << "</text>\n";
  }
  o << "</g>\n";
  if (empty)
    o << "<text x=\"" << left + pw / 2 << "\" y=\"" << top + ph / 2 << "\" text-anchor=\"middle\" class=\"axis\">"
      << "no data for this plot</text>\n";
  // Legend, top right inside the frame, on a translucent box sized to the longest label.
  size_t rows = 0, longest = 0;
  for (const PlotSeries& s : spec.series)
    if (!s.label.empty()) ++rows, longest = std::max(longest, s.label.size());
  const double lw = std::min(pw - 8.0, 40.0 + 6.3 * longest);
  const double lx = left + pw - lw;
  if (rows)
    o << "<rect x=\"" << Num(lx - 6) << "\" y=\"" << top + 2 << "\" width=\"" << Num(lw + 2) << "\" height=\""
      << 15 * rows + 6 << "\" fill=\"#fff\" fill-opacity=\"0.85\" stroke=\"#ddd\"/>\n";
  int row = 0;
  for (const PlotSeries& s : spec.series) {
    if (s.label.empty()) continue;
    const double ly = top + 14 + 15 * row++;
    o << "<line x1=\"" << lx << "\" x2=\"" << lx + 22 << "\" y1=\"" << ly - 4 << "\" y2=\"" << ly - 4 << "\" stroke=\""
      << s.colour << "\" stroke-width=\"" << std::max(2.0, s.width) << "\"" << (s.dashed ? " stroke-dasharray=\"6 4\"" : "")
      << "/><text x=\"" << lx + 28 << "\" y=\"" << ly << "\" class=\"legend\">" << HtmlEscape(s.label) << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace specrecon
