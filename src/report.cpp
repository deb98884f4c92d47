#include "src/report.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "src/assessment.h"

namespace specrecon {
namespace {
nlohmann::json Rounded(double v, double scale = 1000.0) {
  if (!std::isfinite(v)) return v > 0 ? 999.0 : -999.0;
  return std::round(v * scale) / scale;
}
}  // namespace

nlohmann::json BuildReport(const RunResult& run, bool with_reconstruction) {
  const InferenceResult& inf = run.inference;
  const StftParams& p = inf.params;
  nlohmann::json j;
  j["version"] = 1;
  nlohmann::json inputs = nlohmann::json::array();
  for (size_t i = 0; i < run.arrays.size(); ++i) {
    const ArrayReading& r = run.arrays[i].info;
    nlohmann::json in;
    in["path"] = r.path;
    if (!r.member.empty()) in["member"] = r.member;  // an archive's member
    in["role"] = i < run.array_roles.size() && run.array_roles[i] != "spectrogram" ? nlohmann::json(run.array_roles[i])
                                                                                   : nlohmann::json(nullptr);
    if (!r.name.empty()) in["name"] = r.name;
    in["layout"] = nullptr;
    in["shape"] = r.shape;
    for (const InputRole& role : inf.roles)
      if (role.array_index == static_cast<int>(i)) {
        in["role"] = role.role;
        in["layout"] = role.layout;
        in["shape"] = role.shape;
      }
    in["format"] = r.format;
    in["dtype"] = r.dtype;
    in["byte_order"] = r.byte_order;
    in["header_bytes"] = r.header_bytes;
    in["dtype_evidence"] = {{"source", r.dtype_given ? "given" : "inferred"},
                            {"score", Rounded(r.score)},
                            {"runner_up", r.runner_up.empty() ? nlohmann::json(nullptr)
                                                              : nlohmann::json{{"value", r.runner_up},
                                                                               {"score", Rounded(r.runner_up_score)}}}};
    inputs.push_back(in);
  }
  j["inputs"] = inputs;
  nlohmann::json w;
  w["family"] = WindowFamilyName(p.window.family);
  w["param"] = WindowFamilyHasParam(p.window.family) ? nlohmann::json(Rounded(p.window.param, 1e4)) : nlohmann::json(nullptr);
  w["symmetric"] = p.window.symmetric || p.window.open_ends;
  w["matlab_hanning"] = p.window.open_ends;
  w["offset"] = p.offset;
  if (!p.custom_window.empty()) w["samples"] = p.custom_window;
  j["stft"] = {{"n_fft", p.n_fft},
               {"hop", p.hop},
               {"win_length", p.win_length},
               {"window", w},
               {"onesided", p.onesided},
               {"fftshift", p.fftshift},
               {"nyquist_dropped", p.nyquist_dropped},
               {"phase_reference", p.phase_reference},
               {"center", p.center},
               {"pad_mode", p.pad_mode},
               {"pad", p.pad},
               {"detrended", p.detrended}};
  j["magnitude_scale"] = {{"kind", inf.magnitude_scale},
                          {"gain", Rounded(inf.gain, 1e9)},
                          {"gain_convention", inf.gain_convention},
                          {"ref", nullptr},
                          {"floor_db", std::isnan(inf.floor_db) ? nlohmann::json(nullptr) : nlohmann::json(Rounded(inf.floor_db, 100.0))},
                          {"quantized", nullptr}};
  if (!inf.magnitude_quantization.empty() || !inf.phase_quantization.empty() || inf.floored_cells > 0) {
    auto kind = [](const std::string& q) { return q.empty() ? nlohmann::json(nullptr) : nlohmann::json(q); };
    j["magnitude_scale"]["quantized"] = {{"magnitude", kind(inf.magnitude_quantization)},
                                         {"magnitude_step", inf.magnitude_step},
                                         {"phase", kind(inf.phase_quantization)},
                                         {"floored_cells", inf.floored_cells}};
  }
  j["phase_units"] = inf.magnitude_scale == "complex" ? "none" : inf.phase_units;
  j["signal"] = {{"length", inf.signal_length},
                 {"length_range", {inf.length_min, inf.length_max}},
                 {"sample_rate", run.sample_rate},
                 {"sample_rate_source", run.sample_rate_source}};
  nlohmann::json ev = nlohmann::json::object();
  for (const auto& [name, e] : inf.evidence) ev[name] = e.ToJson();
  {
    const std::string src = run.sample_rate_source;
    const std::string source = src == "given" ? "given" : src == "metadata" ? "header" : "assumed";
    const std::string note = src == "given"      ? ""
                             : src == "metadata" ? run.sample_rate_note
                                                 : "the dump does not tell the sample rate; pass --sample-rate";
    ev["sample_rate"] = {{"source", source},
                         {"value", run.sample_rate},
                         {"score", src == "assumed" ? 0.0 : 1.0},
                         {"runner_up", nullptr},
                         {"note", note}};
  }
  j["evidence"] = ev;
  if (with_reconstruction) {
    j["reconstruction"] = {{"method", "weighted overlap-add"},
                           {"synthesis_window", "canonical dual of the inferred analysis window"},
                           {"consistency_db", Rounded(run.consistency_db, 100.0)},
                           {"uncovered_samples", inf.uncovered},
                           {"window_fit", {{"solver", "ceres"},
                                           {"iterations", inf.window_fit_iterations},
                                           {"cost", inf.window_fit_cost},
                                           {"seconds", Rounded(inf.window_fit_seconds, 1e4)}}},
                           {"clipped_samples", run.wav.clipped},
                           {"non_finite_samples", run.wav.non_finite},
                           {"seconds", Rounded(run.seconds)}};
    if (run.streamed)
      j["reconstruction"]["streamed"] = {
          {"probe_frames", run.probe_frames},
          {"frames", inf.spectrogram.frames},
          {"chunks", run.stream_chunks},
          {"threads", run.stream_threads},
          {"note", "parameters inferred on the probe (the first frames); every frame's DC phase checked in one "
                   "pass; consistency_db measured on the probe; the WAV written as the chunks were overlap-added"}};
    if (!inf.dequantization.empty()) {
      j["reconstruction"]["method"] = "consistent dequantisation (alternating projections), then weighted overlap-add";
      j["reconstruction"]["dequantization"] = {{"cells", inf.dequantization},
                                               {"iterations", inf.dequantization_iterations},
                                               {"seconds", Rounded(inf.dequantization_seconds, 1e4)}};
    }
    if (!std::isnan(inf.spectral_convergence_db)) {  // magnitude-only: the phase was retrieved
      j["reconstruction"]["method"] = "phase retrieval: " + inf.retrieval_method;
      j["reconstruction"]["spectral_convergence_db"] = Rounded(inf.spectral_convergence_db, 100.0);
      j["reconstruction"]["retrieval_iterations"] = inf.retrieval_iterations;
    }
  }
  j["log"] = inf.log.lines();
  return j;
}

std::string BriefReport(const RunResult& run) {
  const InferenceResult& inf = run.inference;
  std::ostringstream os;
  auto line = [&](const char* name, const std::string& value, const char* key) {
    char buf[512];
    auto it = inf.evidence.find(key);
    if (it == inf.evidence.end()) {
      std::snprintf(buf, sizeof buf, "  %-16s %-34s\n", name, value.c_str());
    } else {
      const Evidence& e = it->second;
      std::string ru = e.has_runner_up ? e.runner_up_value.dump() + " (" + std::to_string(e.runner_up_score).substr(0, 5) + ")" : "-";
      if (ru.size() > 40) ru = ru.substr(0, 37) + "...";
      std::snprintf(buf, sizeof buf, "  %-16s %-34s %-9s %6.2f  %-7s runner-up %s\n", name, value.c_str(),
                    e.source.c_str(), e.score, ConfidenceName(RateEvidence(e)), ru.c_str());
    }
    os << buf;
  };
  const StftParams& p = inf.params;
  os << "specrecon: parameter          value                              source     score  confidence\n";
  line("layout", inf.roles.empty() ? "" : inf.roles[0].layout, "layout");
  line("magnitude_scale", inf.magnitude_scale, "magnitude_scale");
  line("phase_units", inf.phase_units, "phase_units");
  line("n_fft", std::to_string(p.n_fft) + (p.nyquist_dropped ? " (Nyquist dropped)" : ""), "n_fft");
  line("hop", std::to_string(p.hop), "hop");
  line("win_length", std::to_string(p.win_length), "win_length");
  line("window", DescribeWindow(p.window) + " @" + std::to_string(p.offset), "window");
  line("center", p.center ? "pad " + std::to_string(p.pad) + " " + p.pad_mode : "no", "center");
  line("length", std::to_string(inf.signal_length), "length");
  line("gain", inf.gain_convention, "gain");
  for (const auto& [name, e] : inf.evidence)
    if (!e.note.empty()) os << "  note (" << name << "): " << e.note << "\n";
  for (const std::string& w : RunWarnings(run)) os << "  warning: " << w << "\n";
  return os.str();
}

}  // namespace specrecon
