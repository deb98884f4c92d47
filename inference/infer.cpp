#include "inference/infer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "inference/boundary.h"
#include "inference/frames.h"
#include "inference/gain.h"
#include "inference/hop.h"
#include "inference/roles.h"
#include "inference/window_fit.h"
#include "src/errors.h"

namespace specrecon {
namespace {

struct Hypothesis {
  std::string scale;
  Geometry geometry;
  HopScan scan;
  double digits = 0.0;
};

std::string DescribeHypothesis(const Hypothesis& h) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s magnitude, %s %zux%zu, n_fft %d%s, hop %d: %.2f digits",
                h.scale.c_str(), LayoutName(h.geometry.layout.layout), h.geometry.layout.frames,
                h.geometry.layout.bins, h.geometry.n_fft,
                h.geometry.nyquist_dropped ? " (Nyquist dropped)" : "", h.scan.best, h.digits);
  return buf;
}

std::vector<Geometry> GeometriesFor(const LayoutHypothesis& l, const Hints& hints) {
  std::vector<Geometry> out;
  const int k = static_cast<int>(l.bins);
  std::vector<std::pair<int, bool>> ns;
  if (l.nyquist_zero_fraction >= 0.9) ns.push_back({2 * (k - 1), false});
  else {
    ns.push_back({2 * k - 1, false});
    ns.push_back({2 * k, true});
  }
  for (auto [n, dropped] : ns) {
    if (hints.n_fft && *hints.n_fft != n) continue;
    Geometry g;
    g.layout = l;
    g.n_fft = n;
    g.nyquist_dropped = dropped;
    out.push_back(g);
  }
  if (out.empty() && hints.n_fft) {
    // The hint decides; accept it if the bin count allows it at all.
    const int n = *hints.n_fft;
    if (n / 2 + 1 == k || n / 2 == k) {
      Geometry g;
      g.layout = l;
      g.n_fft = n;
      g.nyquist_dropped = (n / 2 == k && n % 2 == 0);
      out.push_back(g);
    }
  }
  return out;
}

}  // namespace

InferenceResult Infer(const std::vector<NdArray>& arrays, const Hints& hints) {
  InferenceResult r;
  InferenceLog& log = r.log;
  if (arrays.empty()) ThrowUsage("no input arrays");

  // 1. Roles and units.
  std::vector<double> magnitude, phase_raw;
  int mag_index = 0, phase_index = 1;
  if (arrays.size() == 1 && arrays[0].is_complex()) {
    const NdArray& a = arrays[0];
    magnitude.resize(a.size());
    phase_raw.resize(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
      magnitude[i] = std::hypot(a.values[i], a.imag[i]);
      phase_raw[i] = std::atan2(a.imag[i], a.values[i]);
    }
    mag_index = phase_index = 0;
    r.magnitude_scale = "complex";
    r.phase_units = "radians";
    r.roles.push_back({0, "complex", "", {}});
  } else if (arrays.size() == 1) {
    ThrowInferenceFailed("\"" + arrays[0].info.path +
                         "\": a magnitude without phase; magnitude-only reconstruction (phase "
                         "retrieval) is not supported yet: give the phase file too");
  } else if (arrays.size() == 2) {
    if (arrays[0].size() != arrays[1].size())
      ThrowBadInput(arrays[1].info.path, "holds " + std::to_string(arrays[1].size()) +
                                             " values but \"" + arrays[0].info.path + "\" holds " +
                                             std::to_string(arrays[0].size()) +
                                             ": magnitude and phase must have the same shape");
    const RoleAssignment ra = AssignRoles(arrays, hints.magnitude_index, hints.phase_index);
    mag_index = ra.magnitude;
    phase_index = ra.phase;
    magnitude = arrays[mag_index].values;
    phase_raw = arrays[phase_index].values;
    r.phase_units = hints.phase_units.value_or(ra.phase_units);
    Evidence e;
    e.source = (hints.magnitude_index || hints.phase_index) ? "given" : "inferred";
    e.value = {{"magnitude", arrays[mag_index].info.path}, {"phase", arrays[phase_index].info.path}};
    e.score = ra.score;
    e.metric = "phase-likeness of the phase array minus that of the magnitude array";
    e.has_runner_up = true;
    e.runner_up_value = {{"magnitude", arrays[phase_index].info.path},
                         {"phase", arrays[mag_index].info.path}};
    e.runner_up_score = -ra.score;
    r.evidence["roles"] = e;
    log.Addf("roles: magnitude = %s, phase = %s (score %.3f), phase units %s",
             arrays[mag_index].info.path.c_str(), arrays[phase_index].info.path.c_str(), ra.score,
             r.phase_units.c_str());
    Evidence pu;
    pu.source = hints.phase_units ? "given" : "inferred";
    pu.value = r.phase_units;
    pu.score = ScorePhase(phase_raw).score;
    pu.metric = "how well the value range fits the units (0..1)";
    r.evidence["phase_units"] = pu;
  } else {
    ThrowUsage("three input files (axis vectors beside the spectrogram) are not supported yet");
  }
  const std::vector<double> phase = PhaseToRadians(phase_raw, r.phase_units);
  const ValueStats mstats = ComputeStats(magnitude);
  if (mstats.finite < mstats.count)
    ThrowBadInput(arrays[mag_index].info.path,
                  std::to_string(mstats.count - mstats.finite) + " of " +
                      std::to_string(mstats.count) + " magnitude values are NaN or infinite");

  // 2. Layout: where frames start, from the zero-phase DC and Nyquist bins.
  std::vector<LayoutHypothesis> layouts = FindLayouts(phase, magnitude);
  Layout hinted_layout;
  if (hints.layout) {
    if (!ParseLayout(*hints.layout, &hinted_layout)) ThrowUsage("--layout " + *hints.layout + " is not frames_x_bins or bins_x_frames");
    layouts.erase(std::remove_if(layouts.begin(), layouts.end(),
                                 [&](const LayoutHypothesis& l) { return l.layout != hinted_layout; }),
                  layouts.end());
  }
  if (layouts.empty())
    ThrowInferenceFailed("no frame layout fits: under no bin count and orientation is the DC "
                         "phase 0 or pi in every frame, as a real signal's spectrum requires "
                         "(is the phase file a phase of a real signal's STFT?)", log.lines());
  std::vector<LayoutHypothesis> tried;
  for (const LayoutHypothesis& l : layouts) {
    if (tried.size() >= 6) break;
    tried.push_back(l);
    log.Addf("layout: %s, %zu frames x %zu bins: DC zero-phase %.3f, last bin %.3f, interior %.3f",
             LayoutName(l.layout), l.frames, l.bins, l.dc_zero_fraction, l.nyquist_zero_fraction,
             l.interior_zero_fraction);
  }

  // 3. Magnitude scale x geometry, scored by the hop ratio test on a subset of frames.
  std::vector<std::string> scales;
  if (r.magnitude_scale == "complex") scales = {"linear"};
  else if (hints.magnitude_scale) scales = {*hints.magnitude_scale};
  else scales = MagnitudeScaleCandidates(mstats);
  // Screening: every (scale, layout, geometry) on few frame pairs and positions; then the best
  // few confirmed on more. Scores are margins (best hop over the typical wrong hop) in digits.
  std::vector<Hypothesis> screened;
  std::map<std::string, std::vector<double>> linear_by_scale;
  for (const std::string& scale : scales) {
    linear_by_scale[scale] = MagnitudeToLinear(magnitude, scale);
    const std::vector<double>& lin = linear_by_scale[scale];
    for (const LayoutHypothesis& l : tried) {
      for (const Geometry& g : GeometriesFor(l, hints)) {
        if (g.n_fft < 2 || g.n_fft > (1 << 20)) continue;
        const FramePairs pairs = SampleFramePairs(lin, phase, g, 12);
        if (pairs.a.size() < 2) {
          log.Addf("hypothesis %s, n_fft %d: fewer than 2 non-silent frame pairs", scale.c_str(), g.n_fft);
          continue;
        }
        Hypothesis h;
        h.scale = scale;
        h.geometry = g;
        if (hints.hop) {
          h.scan.best = *hints.hop;
          h.scan.best_digits = Digits(HopInconsistency(pairs, *hints.hop, 64));
        } else {
          h.scan = ScanHops(pairs, g.n_fft - 1, 64);
        }
        h.digits = h.scan.margin();
        screened.push_back(h);
      }
    }
  }
  std::stable_sort(screened.begin(), screened.end(),
                   [](const Hypothesis& a, const Hypothesis& b) { return a.digits > b.digits; });
  std::vector<Hypothesis> hyps;
  for (size_t i = 0; i < screened.size(); ++i) {
    Hypothesis h = screened[i];
    if (i < 4) {  // confirm on more frames and positions
      const FramePairs pairs = SampleFramePairs(linear_by_scale[h.scale], phase, h.geometry, 48);
      if (hints.hop) {
        h.scan.best_digits = Digits(HopInconsistency(pairs, *hints.hop));
      } else {
        h.scan = ScanHops(pairs, h.geometry.n_fft - 1);
      }
      h.digits = h.scan.margin();
    }
    log.Add(std::string(i < 4 ? "hypothesis: " : "screened: ") + DescribeHypothesis(h));
    hyps.push_back(h);
  }
  std::stable_sort(hyps.begin(), hyps.end(),
                   [](const Hypothesis& a, const Hypothesis& b) { return a.digits > b.digits; });
  const double kAccept = 3.0;
  if (hyps.empty() || hyps.front().digits < kAccept) {
    std::string msg = "no hypothesis is consistent (best ";
    for (size_t i = 0; i < hyps.size() && i < 3; ++i) msg += (i ? "; " : "") + DescribeHypothesis(hyps[i]);
    msg += hyps.empty() ? "none" : "";
    msg += "; need " + std::to_string(int(kAccept)) + " digits). Frames that do not overlap (hop >= window) "
           "cannot be checked this way";
    ThrowInferenceFailed(msg, log.lines());
  }
  const Hypothesis best = hyps.front();
  r.hop_digits = best.scan.digits;
  auto runner = [&](auto differs) -> const Hypothesis* {
    for (size_t i = 1; i < hyps.size(); ++i)
      if (differs(hyps[i])) return &hyps[i];
    return nullptr;
  };
  {
    Evidence e;
    e.source = hints.magnitude_scale ? "given" : r.magnitude_scale == "complex" ? "header" : "inferred";
    e.value = r.magnitude_scale == "complex" ? "complex" : best.scale;
    e.score = best.digits;
    e.metric = "digits of frame consistency of the best hop over the median hop";
    if (const Hypothesis* h = runner([&](const Hypothesis& x) { return x.scale != best.scale; })) {
      e.has_runner_up = true;
      e.runner_up_value = h->scale;
      e.runner_up_score = h->digits;
    }
    r.evidence["magnitude_scale"] = e;
    if (r.magnitude_scale != "complex") r.magnitude_scale = best.scale;
  }
  {
    Evidence e;
    e.source = hints.n_fft ? "given" : "inferred";
    e.value = best.geometry.n_fft;
    e.score = best.digits;
    e.metric = "digits of frame consistency of the best hop over the median hop";
    if (const Hypothesis* h = runner([&](const Hypothesis& x) { return x.geometry.n_fft != best.geometry.n_fft; })) {
      e.has_runner_up = true;
      e.runner_up_value = h->geometry.n_fft;
      e.runner_up_score = h->digits;
    }
    e.note = best.geometry.nyquist_dropped ? "the dump keeps n_fft/2 bins: the Nyquist bin was dropped"
                                           : (best.geometry.n_fft % 2 ? "odd n_fft: the last bin's phase is not 0 or pi"
                                                                      : "even n_fft: the last bin's phase is 0 or pi");
    r.evidence["n_fft"] = e;
    Evidence le;
    le.source = hints.layout ? "given" : "inferred";
    le.value = {{"layout", LayoutName(best.geometry.layout.layout)},
                {"frames", best.geometry.layout.frames},
                {"bins", best.geometry.layout.bins}};
    le.score = best.geometry.layout.score;
    le.metric = "fraction of frames with a 0/pi DC phase times fraction of interior bins without";
    if (const Hypothesis* h = runner([&](const Hypothesis& x) {
          return x.geometry.layout.layout != best.geometry.layout.layout || x.geometry.layout.bins != best.geometry.layout.bins;
        })) {
      le.has_runner_up = true;
      le.runner_up_value = {{"layout", LayoutName(h->geometry.layout.layout)},
                            {"frames", h->geometry.layout.frames}, {"bins", h->geometry.layout.bins}};
      le.runner_up_score = h->geometry.layout.score;
    }
    r.evidence["layout"] = le;
    Evidence he;
    he.source = hints.hop ? "given" : "inferred";
    he.value = best.scan.best;
    he.score = best.scan.best_digits;
    he.metric = "digits of frame consistency (hop ratio test)";
    if (!hints.hop) {
      he.has_runner_up = true;
      he.runner_up_value = best.scan.runner_up;
      he.runner_up_score = best.scan.runner_up_digits;
    }
    r.evidence["hop"] = he;
  }
  log.Add("chosen: " + DescribeHypothesis(best));

  const Geometry& g = best.geometry;
  const int n = g.n_fft;
  const int hop = best.scan.best;
  const std::vector<double> lin = linear_by_scale[best.scale];

  // 4. Window: family, variant, length and offset from the frame ratios.
  const FramePairs pairs = SampleFramePairs(lin, phase, g, 64);
  WindowFitOptions wopt;
  if (hints.win_length) wopt.win_length = *hints.win_length;
  if (hints.window) {
    wopt.family_given = true;
    wopt.given = *hints.window;
  }
  const WindowFit wf = FitWindow(pairs, hop, wopt);
  if (wf.best.spec.length < 2)
    ThrowInferenceFailed("no window fits the frames (support " + std::to_string(wf.support_begin) +
                         ".." + std::to_string(wf.support_end) + " of " + std::to_string(n) + ")", log.lines());
  for (const WindowCandidate& c : wf.ranked)
    log.Addf("window: %s at offset %d: %.2f digits", DescribeWindow(c.spec).c_str(), c.offset, c.digits);
  {
    Evidence e;
    e.source = hints.window ? "given" : "inferred";
    e.value = {{"family", WindowFamilyName(wf.best.spec.family)},
               {"param", WindowFamilyHasParam(wf.best.spec.family) ? nlohmann::json(wf.best.spec.param) : nlohmann::json(nullptr)},
               {"symmetric", wf.best.spec.symmetric || wf.best.spec.open_ends},
               {"offset", wf.best.offset}};
    e.score = wf.best.digits;
    e.metric = "digits of frame-ratio consistency of the window";
    if (wf.runner_up.spec.length > 0) {
      e.has_runner_up = true;
      e.runner_up_value = DescribeWindow(wf.runner_up.spec) + " at offset " + std::to_string(wf.runner_up.offset);
      e.runner_up_score = wf.runner_up.digits;
    }
    if (!wf.tied.empty()) {
      std::string t = "the same samples in the frame are also ";
      for (size_t i = 0; i < wf.tied.size() && i < 3; ++i)
        t += (i ? ", " : "") + DescribeWindow(wf.tied[i].spec) + " at offset " + std::to_string(wf.tied[i].offset);
      e.note = t + "; took the conventional one";
    }
    r.evidence["window"] = e;
    Evidence we;
    we.source = hints.win_length ? "given" : "inferred";
    we.value = wf.best.spec.length;
    we.score = wf.best.digits;
    we.metric = e.metric;
    we.note = "support of the frames: samples " + std::to_string(wf.support_begin) + ".." +
              std::to_string(wf.support_end - 1) + " of " + std::to_string(n);
    const WindowCandidate* lr = &wf.length_runner_up;
    for (const WindowCandidate& c : wf.tied)
      if (c.spec.length != wf.best.spec.length) {
        lr = &c;  // a tie is the closest competitor
        break;
      }
    if (lr->spec.length > 0) {
      we.has_runner_up = true;
      we.runner_up_value = lr->spec.length;
      we.runner_up_score = lr->digits;
    }
    r.evidence["win_length"] = we;
  }

  // 5. All frames, inverse by overlap-add with the canonical dual window.
  const int full_bins = n / 2 + 1;
  r.spectrogram.frames = static_cast<int>(g.layout.frames);
  r.spectrogram.bins = full_bins;
  r.spectrogram.data.resize(g.layout.frames * full_bins);
  for (size_t m = 0; m < g.layout.frames; ++m) ComplexFrame(lin, phase, g, m, r.spectrogram.frame(static_cast<int>(m)));
  r.frame_window = PlaceWindow(MakeWindow(wf.best.spec), n, wf.best.offset);
  IstftResult inv = Istft(r.spectrogram, r.frame_window, hop);
  r.padded_signal = std::move(inv.signal);
  r.uncovered = inv.uncovered;

  // 6. Boundary padding and length. Tied windows of other lengths may match the pad better.
  std::vector<int> lengths = {wf.best.spec.length};
  for (const WindowCandidate& c : wf.tied) lengths.push_back(c.spec.length);
  BoundaryResult b = InferBoundary(r.padded_signal,
                                   OverlapCoverage(r.frame_window, hop, static_cast<int>(g.layout.frames)),
                                   n, hop, lengths,
                                   static_cast<int>(g.layout.frames), &log);
  WindowCandidate chosen = wf.best;
  if (b.win_length_used != wf.best.spec.length) {
    for (const WindowCandidate& c : wf.tied)
      if (c.spec.length == b.win_length_used) {
        chosen = c;
        break;
      }
    log.Add("window: the centre padding matches " + DescribeWindow(chosen.spec) +
            ", which places the same samples; taking it");
    r.evidence["window"].value = {{"family", WindowFamilyName(chosen.spec.family)},
                                  {"param", WindowFamilyHasParam(chosen.spec.family) ? nlohmann::json(chosen.spec.param) : nlohmann::json(nullptr)},
                                  {"symmetric", chosen.spec.symmetric || chosen.spec.open_ends},
                                  {"offset", chosen.offset}};
    r.evidence["window"].note += "; the padding (win_length/2 = " + std::to_string(b.pad) + ") decided the tie";
    r.evidence["win_length"].value = chosen.spec.length;
    r.evidence["win_length"].has_runner_up = true;
    r.evidence["win_length"].runner_up_value = wf.best.spec.length;
    r.evidence["win_length"].runner_up_score = wf.best.digits;
  }
  if (hints.center) {
    if (!*hints.center) {
      b.center = false;
      b.pad = 0;
      b.pad_mode = "none";
      b.length = r.padded_signal.size();
    }
    b.center_evidence = GivenEvidence(*hints.center);
  }
  if (hints.length) {
    b.length = *hints.length;
    b.length_evidence = GivenEvidence(*hints.length);
  }
  r.evidence["center"] = b.center_evidence;
  r.evidence["length"] = b.length_evidence;
  r.signal_length = b.length;
  r.length_min = b.length_min;
  r.length_max = b.length_max;

  // 7. Gain convention.
  double peak = 0.0;
  for (size_t t = 0; t < b.length && b.pad + t < r.padded_signal.size(); ++t)
    peak = std::max(peak, std::abs(r.padded_signal[b.pad + t]));
  const double wsum = std::accumulate(r.frame_window.begin(), r.frame_window.end(), 0.0);
  GainChoice gc = ChooseGain(peak, wsum);
  r.gain = gc.factor;
  r.gain_convention = gc.convention;
  r.evidence["gain"] = gc.evidence;

  StftParams& p = r.params;
  p.n_fft = n;
  p.hop = hop;
  p.win_length = chosen.spec.length;
  p.window = chosen.spec;
  p.offset = chosen.offset;
  p.nyquist_dropped = g.nyquist_dropped;
  p.center = b.center;
  p.pad_mode = b.pad_mode;
  p.pad = b.pad;

  for (int idx : {mag_index, phase_index}) {
    InputRole role;
    role.array_index = idx;
    role.role = r.magnitude_scale == "complex" ? "complex" : idx == mag_index ? "magnitude" : "phase";
    role.layout = LayoutName(g.layout.layout);
    role.shape = g.layout.layout == Layout::kFramesXBins ? std::vector<size_t>{g.layout.frames, g.layout.bins}
                                                         : std::vector<size_t>{g.layout.bins, g.layout.frames};
    if (r.magnitude_scale == "complex" && !r.roles.empty()) {
      r.roles[0] = role;
      break;
    }
    r.roles.push_back(role);
  }
  return r;
}

}  // namespace specrecon
