#include "src/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "src/assessment.h"
#include "src/atomic_file.h"
#include "src/errors.h"
#include "src/fft.h"
#include "src/png.h"
#include "src/report.h"
#include "src/svg_plot.h"

namespace specrecon {
namespace {

namespace fs = std::filesystem;

const char* kCss = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f4f5f7;color:#222}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0 2px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccc}
.sub{color:#555;margin:0 0 12px;word-break:break-all}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px}
.fact{background:#fff;border:1px solid #ddd;border-radius:6px;padding:6px 10px}
.fact b{display:block;font-size:16px}.fact span{color:#666;font-size:12px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef0f3}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.val{font-family:ui-monospace,monospace;word-break:break-word}
.conf{font-weight:600;border-radius:4px;padding:1px 6px;white-space:nowrap}
.conf-high{background:#d4f4dd;color:#155d27}.conf-medium{background:#fff1c2;color:#7a5b00}
.conf-low{background:#fbd5d5;color:#8a1c1c}.conf-assumed{background:#fde2c8;color:#8a4b00}
.conf-given{background:#dce7fb;color:#1d3f8a}
ul.warn li{color:#8a1c1c}
svg.plot{width:100%;height:auto;background:#fff;border:1px solid #ddd;border-radius:4px;margin:4px 0}
svg .grid{stroke:#eee}svg .tick{font-size:11px;fill:#555}svg .axis{font-size:12px;fill:#333}
svg .ptitle{font-size:13px;font-weight:600;fill:#222}svg .legend{font-size:11px;fill:#222}
svg .mark{font-size:11px}
.specs{display:grid;grid-template-columns:1fr 1fr;gap:12px}
figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:4px;padding:6px}
figure img{width:100%;height:220px;image-rendering:pixelated;display:block}
figcaption{font-size:12px;color:#555}
.bar{height:12px;background:linear-gradient(90deg,#440154,#482475,#414487,#355f8d,#2a788e,#21918c,#22a884,#44bf70,#7ad151,#bddf26,#fde725)}
.barlab{display:flex;justify-content:space-between;font-size:11px;color:#555}
pre{background:#fff;border:1px solid #ddd;padding:8px;font-size:12px;overflow:auto;max-height:400px}
audio{width:100%}
)";

std::string Fmt(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string JsonText(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// Max-pooled magnitude grid (row 0 = highest bin) of `frames` x `bins` values from at(m, k),
// visited frame by frame so callers can compute each frame on the fly.
struct Grid {
  int w = 0, h = 0, frames = 0, bins = 0;
  std::vector<double> v;
  Grid(int f, int b, int max_w, int max_h) : w(std::max(1, std::min(f, max_w))), h(std::max(1, std::min(b, max_h))),
                                             frames(std::max(1, f)), bins(std::max(1, b)), v(static_cast<size_t>(w) * h, 0.0) {}
  void AddFrame(int m, const double* mag) {
    const int c = static_cast<int>(static_cast<long long>(m) * w / frames);
    for (int k = 0; k < bins; ++k) {
      const int r = static_cast<int>(static_cast<long long>(bins - 1 - k) * h / bins);
      double& cell = v[static_cast<size_t>(r) * w + c];
      cell = std::max(cell, mag[k]);
    }
  }
  double Max() const { return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()); }
  std::string PngDataUri(double top_db, double range_db) const {
    std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
    for (size_t i = 0; i < v.size(); ++i) {
      const double db = v[i] > 0.0 ? 20.0 * std::log10(v[i]) : -1e9;
      ViridisColour((db - (top_db - range_db)) / range_db, &rgb[3 * i]);
    }
    return "data:image/png;base64," + Base64(EncodePngRgb(rgb, w, h));
  }
};

// Frames of the output signal aligned with the dump's: the signal is put back at the pad offset
// in a zero buffer of the padded length (reflect or edge padding shows as zeros).
Grid OutputGrid(const RunResult& run, const HtmlReportOptions& o) {
  const InferenceResult& inf = run.inference;
  const Spectrogram& s = inf.spectrogram;
  const int n = static_cast<int>(inf.frame_window.size()), hop = inf.params.hop;
  Grid g(s.frames, s.bins, o.max_image_width, o.max_image_height);
  if (n < 1 || hop < 1 || s.frames < 1) return g;
  std::vector<double> x(static_cast<size_t>(s.frames - 1) * hop + n, 0.0);
  for (size_t t = 0; t < run.signal.size() && inf.params.pad + t < x.size(); ++t) x[inf.params.pad + t] = run.signal[t];
  RealFft fft(n);
  std::vector<double> frame(n), mag(fft.bins());
  std::vector<std::complex<double>> spec(fft.bins());
  for (int m = 0; m < s.frames; ++m) {
    for (int i = 0; i < n; ++i) frame[i] = x[static_cast<size_t>(m) * hop + i] * inf.frame_window[i];
    fft.Forward(frame.data(), spec.data());
    for (int k = 0; k < std::min(s.bins, fft.bins()); ++k) mag[k] = std::abs(spec[k]);
    g.AddFrame(m, mag.data());
  }
  return g;
}

std::vector<uint8_t> FloatWav(const std::vector<double>& x, int rate) {
  std::vector<uint8_t> b;
  auto u32 = [&b](uint32_t v) { for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i))); };
  auto u16 = [&b](uint16_t v) { b.push_back(static_cast<uint8_t>(v)); b.push_back(static_cast<uint8_t>(v >> 8)); };
  const uint32_t data = static_cast<uint32_t>(x.size() * 4);
  b.insert(b.end(), {'R', 'I', 'F', 'F'});
  u32(36 + data);
  b.insert(b.end(), {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
  u32(16), u16(3), u16(1), u32(static_cast<uint32_t>(rate)), u32(static_cast<uint32_t>(rate) * 4), u16(4), u16(32);
  b.insert(b.end(), {'d', 'a', 't', 'a'});
  u32(data);
  for (double v : x) {
    const float f = std::isfinite(v) ? static_cast<float>(v) : 0.0f;
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    u32(bits);
  }
  return b;
}

std::string AudioSection(const RunResult& run, const std::string& html_path, const HtmlReportOptions& o) {
  std::ostringstream os;
  std::vector<uint8_t> bytes;
  std::error_code ec;
  if (!o.wav_path.empty()) {
    const uintmax_t size = fs::file_size(o.wav_path, ec);
    if (!ec && size > o.embed_limit) {
      const fs::path base = fs::absolute(fs::path(html_path)).parent_path();
      const std::string rel = fs::relative(fs::absolute(o.wav_path), base, ec).generic_string();
      os << "<audio id=\"audio-player\" controls preload=\"none\" src=\"" << HtmlEscape(ec ? o.wav_path : rel)
         << "\"></audio><p class=\"sub\">The WAV (" << size / (1 << 20) << " MB) is too large to embed; "
         << "the player reads it next to this page.</p>\n";
      return os.str();
    }
    std::ifstream f(o.wav_path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  } else if (run.signal.size() * 4 + 44 <= o.embed_limit) {
    bytes = FloatWav(run.signal, run.sample_rate);
  }
  if (bytes.empty()) {
    os << "<audio id=\"audio-player\" controls></audio><p class=\"sub\">The signal is too long to embed; "
       << "run reconstruct to write the WAV.</p>\n";
  } else {
    os << "<audio id=\"audio-player\" controls src=\"data:audio/wav;base64," << Base64(bytes) << "\"></audio>\n";
  }
  return os.str();
}

std::string ParamTable(const nlohmann::json& evidence) {
  std::ostringstream os;
  os << "<table id=\"param-table\"><thead><tr><th>parameter</th><th>value</th><th>source</th><th>confidence</th>"
        "<th>score</th><th>metric</th><th>runner-up</th><th>runner-up score</th><th>notes</th></tr></thead><tbody>\n";
  // The STFT parameters first, in the order of the summary, then the rest alphabetically.
  std::vector<std::string> order;
  for (const char* k : {"n_fft", "hop", "win_length", "window", "center", "length", "magnitude_scale", "phase_units",
                        "gain", "sample_rate", "layout", "roles"})
    if (evidence.contains(k)) order.push_back(k);
  for (auto it = evidence.begin(); it != evidence.end(); ++it)
    if (std::find(order.begin(), order.end(), it.key()) == order.end()) order.push_back(it.key());
  for (const std::string& key : order) {
    const nlohmann::json& e = evidence[key];
    Evidence ev;
    ev.value = e.contains("value") ? e["value"] : nlohmann::json(nullptr);
    ev.source = e.value("source", "inferred");
    ev.score = e.value("score", 0.0);
    ev.metric = e.value("metric", "");
    const nlohmann::json ru = e.contains("runner_up") ? e["runner_up"] : nlohmann::json(nullptr);
    ev.has_runner_up = ru.is_object();
    if (ev.has_runner_up) ev.runner_up_score = ru.value("score", 0.0);
    const char* conf = ConfidenceName(RateEvidence(ev));
    os << "<tr><th>" << HtmlEscape(key) << "</th><td class=\"val\">" << HtmlEscape(JsonText(ev.value)) << "</td><td>"
       << HtmlEscape(ev.source) << "</td><td><span class=\"conf conf-" << conf << "\">" << conf << "</span></td>"
       << "<td class=\"num\">" << Fmt("%.3g", ev.score) << "</td><td>" << HtmlEscape(ev.metric) << "</td><td class=\"val\">"
       << (ev.has_runner_up ? HtmlEscape(JsonText(ru.value("value", nlohmann::json(nullptr)))) : "-")
       << "</td><td class=\"num\">" << (ev.has_runner_up ? Fmt("%.3g", ev.runner_up_score) : "-") << "</td><td>"
       << HtmlEscape(e.value("note", "")) << "</td></tr>\n";
  }
  os << "</tbody></table>\n";
  return os.str();
}

std::string WindowPlots(const InferenceResult& inf) {
  const std::vector<double>& w = inf.frame_window;
  const double wmax = w.empty() ? 1.0 : std::max(1e-300, *std::max_element(w.begin(), w.end()));
  static const char* kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
  PlotSpec a, d;
  a.id = "plot-window";
  a.title = "Inferred window in the n_fft frame against the best-ranked families (normalised to peak 1)";
  a.x_label = "sample in the frame";
  a.y_label = "amplitude";
  d.id = "plot-window-diff";
  d.title = "Difference from the inferred window, 20 log10 |w_family - w_inferred| (below -150 dB: identical)";
  d.x_label = "sample in the frame";
  d.y_label = "dB";
  d.y_min = -160.0;
  d.y_max = 0.0;
  PlotSeries inferred;
  inferred.label = "inferred: " + DescribeWindow(inf.params.window) + " @" + std::to_string(inf.params.offset);
  inferred.colour = "#222";
  inferred.width = 4.0;
  for (size_t i = 0; i < w.size(); ++i) inferred.x.push_back(i), inferred.y.push_back(w[i] / wmax);
  a.series.push_back(inferred);
  for (size_t r = 0; r < inf.ranked_windows.size() && r < 5; ++r) {
    const std::vector<double>& c = inf.ranked_windows[r].second;
    const double cmax = c.empty() ? 1.0 : std::max(1e-300, *std::max_element(c.begin(), c.end()));
    PlotSeries s, e;
    s.label = e.label = inf.ranked_windows[r].first;
    s.colour = e.colour = kColours[r % 6];
    s.dashed = r > 0;
    for (size_t i = 0; i < c.size(); ++i) {
      s.x.push_back(i), s.y.push_back(c[i] / cmax);
      const double diff = i < w.size() ? std::abs(c[i] / cmax - w[i] / wmax) : 1.0;
      e.x.push_back(i), e.y.push_back(std::max(-160.0, 20.0 * std::log10(std::max(diff, 1e-300))));
    }
    a.series.push_back(s);
    d.series.push_back(e);
  }
  return SvgLinePlot(a) + SvgLinePlot(d);
}

}  // namespace

std::vector<double> FrameConsistencyDb(const InferenceResult& inf) {
  const Spectrogram& s = inf.spectrogram;
  const int n = static_cast<int>(inf.frame_window.size()), hop = inf.params.hop;
  std::vector<double> out(std::max(0, s.frames), std::numeric_limits<double>::quiet_NaN());
  if (n < 1 || hop < 1 || s.frames < 1 || s.bins != n / 2 + 1) return out;
  const size_t len = static_cast<size_t>(s.frames - 1) * hop + n;
  std::vector<double> owned;
  const std::vector<double>* x = &inf.padded_signal;
  if (x->size() != len) {
    owned = Istft(s, inf.frame_window, hop).signal;
    x = &owned;
  }
  RealFft fft(n);
  std::vector<double> frame(n);
  std::vector<std::complex<double>> y(fft.bins());
  for (int m = 0; m < s.frames; ++m) {
    for (int i = 0; i < n; ++i) frame[i] = (*x)[static_cast<size_t>(m) * hop + i] * inf.frame_window[i];
    fft.Forward(frame.data(), y.data());
    double num = 0.0, den = 0.0;
    for (int k = 0; k < s.bins; ++k) {
      num += std::norm(s.frame(m)[k] - y[k]);
      den += std::norm(s.frame(m)[k]);
    }
    if (den > 0.0) out[m] = num > 0.0 ? 10.0 * std::log10(num / den) : -300.0;
  }
  return out;
}

std::string BuildHtmlReport(const RunResult& run, const std::string& html_path, const HtmlReportOptions& o) {
  const InferenceResult& inf = run.inference;
  const StftParams& p = inf.params;
  const nlohmann::json report = BuildReport(run, true);
  std::ostringstream h;
  std::string files;
  for (const auto& in : report["inputs"]) files += (files.empty() ? "" : ", ") + in.value("path", "");
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
    << "<title>specrecon report: " << HtmlEscape(files) << "</title>\n<style>" << kCss << "</style></head>\n<body><main>\n"
    << "<h1>specrecon report</h1><p class=\"sub\">" << HtmlEscape(files) << "</p>\n";

  // Key facts.
  auto fact = [&h](const std::string& label, const std::string& value) {
    h << "<div class=\"fact\"><span>" << HtmlEscape(label) << "</span><b>" << HtmlEscape(value) << "</b></div>";
  };
  h << "<div class=\"facts\" id=\"facts\">";
  fact("n_fft / hop / win_length", std::to_string(p.n_fft) + " / " + std::to_string(p.hop) + " / " + std::to_string(p.win_length));
  fact("window", DescribeWindow(p.window) + " @" + std::to_string(p.offset));
  fact("centre padding", p.center ? std::to_string(p.pad) + " " + p.pad_mode : "none");
  fact("magnitude / phase", inf.magnitude_scale + " / " + inf.phase_units);
  fact("length", std::to_string(inf.signal_length) + " samples, " +
                     Fmt("%.2f s", inf.signal_length / static_cast<double>(std::max(1, run.sample_rate))));
  fact("sample rate", std::to_string(run.sample_rate) + " Hz (" + run.sample_rate_source + ")");
  fact("consistency", Fmt("%.1f dB", run.consistency_db));
  fact("gain", inf.gain_convention + Fmt(" (x%.4g)", inf.gain));
  h << "</div>\n";

  const std::vector<std::string> warnings = RunWarnings(run);
  h << "<h2>Warnings</h2><ul class=\"warn\" id=\"warnings\">";
  for (const std::string& w : warnings) h << "<li>" << HtmlEscape(w) << "</li>";
  if (warnings.empty()) h << "<li style=\"color:#155d27\">none</li>";
  h << "</ul>\n";

  h << "<h2>Parameters</h2><p class=\"sub\">Scores are higher-is-better; consistency tests score in digits "
       "(12 means the frames agree to 1e-12). Confidence is rated from the score and its margin over the runner-up.</p>\n"
    << ParamTable(report["evidence"]);

  h << "<h2>Inputs</h2><table id=\"input-table\"><thead><tr><th>path</th><th>role</th><th>format</th><th>dtype</th>"
       "<th>byte order</th><th>header bytes</th><th>shape</th><th>layout</th></tr></thead><tbody>\n";
  for (const auto& in : report["inputs"])
    h << "<tr><td class=\"val\">" << HtmlEscape(JsonText(in["path"])) << "</td><td>" << HtmlEscape(JsonText(in["role"]))
      << "</td><td>" << HtmlEscape(JsonText(in["format"])) << "</td><td>" << HtmlEscape(JsonText(in["dtype"]))
      << "</td><td>" << HtmlEscape(JsonText(in["byte_order"])) << "</td><td class=\"num\">" << JsonText(in["header_bytes"])
      << "</td><td class=\"val\">" << HtmlEscape(JsonText(in["shape"])) << "</td><td>" << HtmlEscape(JsonText(in["layout"]))
      << "</td></tr>\n";
  h << "</tbody></table>\n";

  // Hop scan.
  PlotSpec hop;
  hop.id = "plot-hop";
  hop.title = "Hop scan: digits of frame-ratio consistency at each candidate hop";
  hop.x_label = "candidate hop (samples)";
  hop.y_label = "digits";
  PlotSeries hs;
  hs.colour = "#1f77b4";
  for (size_t a = 1; a < inf.hop_digits.size(); ++a) hs.x.push_back(a), hs.y.push_back(inf.hop_digits[a]);
  hs.points = hs.x.size() <= 400;
  hop.series.push_back(hs);
  if (!inf.hop_digits.empty()) {
    hop.markers.push_back({static_cast<double>(p.hop), "hop " + std::to_string(p.hop), "#d62728"});
    auto he = inf.evidence.find("hop");
    if (he != inf.evidence.end() && he->second.has_runner_up && he->second.runner_up_value.is_number())
      hop.markers.push_back({he->second.runner_up_value.get<double>(),
                             "runner-up " + he->second.runner_up_value.dump(), "#ff7f0e"});
  }
  h << "<h2>Hop</h2>" << SvgLinePlot(hop);
  if (inf.hop_digits.empty())
    h << "<p class=\"sub\">No hop scan: the hop was " << (inf.evidence.count("hop") ? inf.evidence.at("hop").source : "")
      << " (a magnitude-only dump is scored by phase retrieval; see the table).</p>\n";

  h << "<h2>Window</h2>" << WindowPlots(inf);

  // Spectrograms on one shared dB scale.
  const Spectrogram& s = inf.spectrogram;
  Grid dump(s.frames, s.bins, o.max_image_width, o.max_image_height);
  std::vector<double> mag(std::max(0, s.bins));
  for (int m = 0; m < s.frames; ++m) {
    for (int k = 0; k < s.bins; ++k) mag[k] = std::abs(s.frame(m)[k]) * std::abs(inf.gain);
    dump.AddFrame(m, mag.data());
  }
  const Grid out = OutputGrid(run, o);
  const double peak = std::max(dump.Max(), out.Max());
  const double top = peak > 0.0 ? 20.0 * std::log10(peak) : 0.0, range = 100.0;
  const std::string size = std::to_string(s.frames) + " frames x " + std::to_string(s.bins) + " bins";
  h << "<h2>Magnitude spectrograms</h2><div class=\"specs\">"
    << "<figure><img id=\"spec-dump\" alt=\"dump magnitude spectrogram\" src=\"" << dump.PngDataUri(top, range)
    << "\"><figcaption>The dump (" << size << ", times the gain), as read and converted to linear magnitude.</figcaption></figure>"
    << "<figure><img id=\"spec-output\" alt=\"reconstruction magnitude spectrogram\" src=\"" << out.PngDataUri(top, range)
    << "\"><figcaption>STFT of the reconstruction under the inferred window and hop (padding shown as zeros).</figcaption></figure>"
    << "</div><div class=\"bar\" id=\"spec-colorbar\"></div><div class=\"barlab\"><span>" << Fmt("%.0f dB", top - range)
    << "</span><span>time (frames) left to right, frequency 0.." << run.sample_rate / 2 << " Hz bottom to top, max-pooled to "
    << dump.w << " x " << dump.h << " pixels</span><span>" << Fmt("%.0f dB", top) << "</span></div>\n";

  // Consistency per frame.
  PlotSpec cons;
  cons.id = "plot-consistency";
  cons.title = "Consistency per frame: ||X_m - STFT(ISTFT(X))_m|| / ||X_m||";
  cons.x_label = "frame";
  cons.y_label = "dB";
  PlotSeries cs;
  cs.colour = "#2ca02c";
  const std::vector<double> per_frame = FrameConsistencyDb(inf);
  for (size_t m = 0; m < per_frame.size(); ++m) cs.x.push_back(m), cs.y.push_back(per_frame[m]);
  cons.series.push_back(cs);
  cons.x_min = 0.0;
  cons.x_max = std::max(1.0, static_cast<double>(per_frame.size()) - 1.0);
  cons.y_line = run.consistency_db;
  cons.y_line_label = "overall " + Fmt("%.1f dB", run.consistency_db);
  h << "<h2>Consistency</h2>" << SvgLinePlot(cons)
    << "<p class=\"sub\">Overall " << Fmt("%.1f dB", run.consistency_db) << " (dotted line). Silent frames are left out. "
    << "Float32 dumps allow about -140 dB; quiet frames sit higher (the precision is relative to the loudest values). "
    << "A loud frame far above the rest is where the data disagree with the inferred STFT.</p>\n";

  h << "<h2>Listen</h2>" << AudioSection(run, html_path, o);
  h << "<h2>Inference log</h2><details><summary>" << inf.log.lines().size() << " lines</summary><pre>";
  for (const std::string& line : inf.log.lines()) h << HtmlEscape(line) << "\n";
  h << "</pre></details>\n</main></body></html>\n";
  return h.str();
}

void WriteHtmlReport(const std::string& path, const RunResult& run, const HtmlReportOptions& options) {
  WriteFileAtomically(path, BuildHtmlReport(run, path, options));
}

}  // namespace specrecon
