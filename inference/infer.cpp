#include "inference/infer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include <unistd.h>

#include "inference/boundary.h"
#include "inference/dequantize.h"
#include "inference/detrend.h"
#include "inference/nyquist.h"
#include "src/window_free_fit.h"
#include "inference/frames.h"
#include "inference/gain.h"
#include "inference/hop.h"
#include "inference/hypotheses.h"
#include "inference/magnitude_only.h"
#include "inference/roles.h"
#include "inference/window_fit.h"
#include "src/errors.h"

namespace specrecon {
namespace {

// Layouts of an array read as interleaved (re, im) pairs; fills magnitude and phase when any fits.
std::vector<LayoutHypothesis> InterleavedLayouts(const NdArray& a, std::vector<double>* magnitude,
                                                 std::vector<double>* phase) {
  const size_t n = a.size() / 2;
  std::vector<double> mag(n), ph(n);
  for (size_t i = 0; i < n; ++i) {
    mag[i] = std::hypot(a.values[2 * i], a.values[2 * i + 1]);
    ph[i] = std::atan2(a.values[2 * i + 1], a.values[2 * i]);
  }
  std::vector<LayoutHypothesis> l = FindLayouts(ph, mag, ZeroPhaseTolerance(ph));
  if (!l.empty()) {
    *magnitude = std::move(mag);
    *phase = std::move(ph);
  }
  return l;
}

}  // namespace

InferenceResult Infer(const std::vector<NdArray>& arrays, const Hints& hints) {
  InferenceResult r;
  InferenceLog& log = r.log;
  if (arrays.empty()) ThrowUsage("no input arrays");

  // 1. Roles and units: which array is the phase, in which units, is decided by the zero-phase
  // DC test (a real signal's spectrum is 0 or pi at DC in every frame) under each reading.
  std::vector<double> magnitude, phase;
  int mag_index = 0, phase_index = 1;
  double phase_radians_per_unit = 1.0;  // of the stored phase values (two arrays)
  std::vector<LayoutHypothesis> layouts;
  if (arrays.size() == 1 && arrays[0].is_complex()) {
    const NdArray& a = arrays[0];
    magnitude.resize(a.size());
    phase.resize(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
      magnitude[i] = std::hypot(a.values[i], a.imag[i]);
      phase[i] = std::atan2(a.imag[i], a.values[i]);
    }
    mag_index = phase_index = 0;
    r.magnitude_scale = "complex";
    r.phase_units = "none";
    layouts = FindLayouts(phase, magnitude, ZeroPhaseTolerance(phase));
  } else if (arrays.size() == 1 && arrays[0].size() % 2 == 0 && ComputeStats(arrays[0].values).negative > 0 &&
             !(layouts = InterleavedLayouts(arrays[0], &magnitude, &phase)).empty()) {
    // One real array with negative values whose (even, odd) elements are the real and
    // imaginary parts of a real signal's STFT: interleaved complex (numpy complex64.tofile).
    mag_index = phase_index = 0;
    r.magnitude_scale = "complex";
    r.phase_units = "none";
    Evidence e;
    e.value = "interleaved complex (real, imaginary pairs)";
    e.score = layouts.front().score;
    e.metric = "fraction of frames whose DC imaginary part is 0 with elements read as (re, im) pairs";
    r.evidence["roles"] = e;
    log.Add("roles: one array of interleaved (re, im) pairs");
  } else if (arrays.size() == 1) {
    // A magnitude without phase: parameters from the magnitude alone, then phase retrieval.
    MagnitudeOnlyOptions mo;
    mo.retrieval.progress = isatty(STDERR_FILENO) != 0;
    return InferMagnitudeOnly(arrays[0], hints, mo);
  } else if (arrays.size() == 2) {
    if (arrays[0].size() != arrays[1].size())
      ThrowBadInput(arrays[1].info.path, "holds " + std::to_string(arrays[1].size()) +
                                             " values but \"" + arrays[0].info.path + "\" holds " +
                                             std::to_string(arrays[0].size()) +
                                             ": magnitude and phase must have the same shape");
    const std::vector<PhaseReading> readings =
        FindPhaseReadings(arrays[0].values, arrays[1].values, hints.magnitude_index, hints.phase_index,
                          hints.phase_units, &log);
    if (readings.empty())
      ThrowInferenceFailed("no frame layout fits: under no role assignment, phase unit, bin count "
                           "and orientation is the DC phase 0 or pi in every frame, as a real "
                           "signal's spectrum requires (is one file the phase of a real signal's STFT?)",
                           log.lines());
    const PhaseReading& pr = readings.front();
    mag_index = pr.magnitude_index;
    phase_index = pr.phase_index;
    magnitude = arrays[mag_index].values;
    phase = WrappedPhase(arrays[phase_index].values, pr.scale);
    phase_radians_per_unit = pr.scale;
    layouts = pr.layouts;
    r.phase_units = pr.units;
    Evidence e;
    e.source = (hints.magnitude_index || hints.phase_index) ? "given" : "inferred";
    e.value = {{"magnitude", SourceOf(arrays[mag_index].info)}, {"phase", SourceOf(arrays[phase_index].info)}};
    e.score = pr.score;
    e.metric = "fraction of frames whose DC phase is 0 or pi with this array as the phase";
    for (const PhaseReading& o : readings)
      if (o.phase_index != pr.phase_index) {
        e.has_runner_up = true;
        e.runner_up_value = {{"magnitude", SourceOf(arrays[o.magnitude_index].info)}, {"phase", SourceOf(arrays[o.phase_index].info)}};
        e.runner_up_score = o.score;
        break;
      }
    if (!e.has_runner_up) {
      e.has_runner_up = true;
      e.runner_up_value = {{"magnitude", SourceOf(arrays[phase_index].info)}, {"phase", SourceOf(arrays[mag_index].info)}};
      e.runner_up_score = 0.0;
      e.note = "with the roles swapped no layout fits";
    }
    r.evidence["roles"] = e;
    Evidence pu;
    pu.source = hints.phase_units ? "given" : "inferred";
    pu.value = r.phase_units;
    pu.score = pr.range_score;
    pu.metric = "how well the value range fits the units (0..1)";
    for (const PhaseReading& o : readings)
      if (o.phase_index == pr.phase_index && o.units != pr.units) {
        pu.has_runner_up = true;
        pu.runner_up_value = o.units;
        pu.runner_up_score = o.range_score;
        break;
      }
    if (pr.unwrapped) {
      // Unwrapped along which axis: the unwrap axis has no steps beyond half a turn.
      const LayoutHypothesis& l = layouts.front();
      const std::vector<double>& raw = arrays[phase_index].values;
      size_t big_t = 0, big_f = 0, nt = 0, nf = 0;
      const size_t fstep = std::max<size_t>(1, l.frames / 64), kstep = std::max<size_t>(1, l.bins / 64);
      for (size_t m = 0; m + 1 < l.frames; m += fstep)
        for (size_t k = 0; k + 1 < l.bins; k += kstep) {
          const double v = raw[LayoutIndex(l, m, k)] * pr.scale;
          big_t += std::abs(raw[LayoutIndex(l, m + 1, k)] * pr.scale - v) > 3.1416;
          big_f += std::abs(raw[LayoutIndex(l, m, k + 1)] * pr.scale - v) > 3.1416;
          ++nt;
          ++nf;
        }
      r.phase_units = (big_t * nf <= big_f * nt) ? "unwrapped_time" : "unwrapped_freq";
      pu.value = r.phase_units;
      pu.note = "phase values exceed one turn; unwrapped along " +
                std::string(r.phase_units == "unwrapped_time" ? "time" : "frequency") + " in " + pr.units +
                " (wrapped before use)";
    }
    if (pr.tolerance > 1e-5)
      pu.note += (pu.note.empty() ? "" : "; ") + std::string("stored with low precision: DC phases within ") +
                 std::to_string(pr.tolerance) + " rad of 0 or pi";
    r.evidence["phase_units"] = pu;
    log.Addf("roles: magnitude = %s, phase = %s in %s", SourceOf(arrays[mag_index].info).c_str(),
             SourceOf(arrays[phase_index].info).c_str(), r.phase_units.c_str());
  } else {
    ThrowUsage("three input files (axis vectors beside the spectrogram) are not supported yet");
  }
  const ValueStats mstats = ComputeStats(magnitude);
  if (mstats.finite < mstats.count)
    ThrowBadInput(arrays[mag_index].info.path,
                  std::to_string(mstats.count - mstats.finite) + " of " +
                      std::to_string(mstats.count) + " magnitude values are NaN or infinite");

  // 2. Layouts: keep the best few for the consistency search.
  Layout hinted_layout;
  if (hints.layout) {
    if (!ParseLayout(*hints.layout, &hinted_layout)) ThrowUsage("--layout " + *hints.layout + " is not frames_x_bins or bins_x_frames");
    layouts.erase(std::remove_if(layouts.begin(), layouts.end(),
                                 [&](const LayoutHypothesis& l) { return l.layout != hinted_layout; }),
                  layouts.end());
  }
  if (!hints.shape_layouts.empty() && !layouts.empty()) {
    // A container's stored shape: keep the layouts it allows, if any fits.
    std::vector<LayoutHypothesis> kept;
    for (const LayoutHypothesis& l : layouts)
      for (const auto& [lay, bins] : hints.shape_layouts)
        if (l.layout == lay && l.bins == bins) kept.push_back(l);
    if (!kept.empty()) {
      log.Addf("layout: the stored shape allows %zu of %zu layouts found", kept.size(), layouts.size());
      layouts = kept;
    } else {
      log.Add("layout: no layout the stored shape allows fits the zero-phase DC test; ignoring the shape");
    }
  }
  if (layouts.empty())
    ThrowInferenceFailed("no frame layout fits: under no bin count and orientation is the DC "
                         "phase 0 or pi in every frame, as a real signal's spectrum requires",
                         log.lines());
  if (layouts.size() > 6) layouts.resize(6);
  for (const LayoutHypothesis& l : layouts)
    log.Addf("layout: %s, %zu frames x %zu bins: DC zero-phase %.3f, last bin %.3f, interior %.3f, hermitian %.3f%s",
             LayoutName(l.layout), l.frames, l.bins, l.dc_zero_fraction, l.nyquist_zero_fraction,
             l.interior_zero_fraction, l.hermitian_fraction, l.two_sided ? (l.fftshift ? " two-sided fftshifted" : " two-sided") : "");

  // 3. Magnitude scale x geometry x phase reference, scored by the hop ratio test.
  std::vector<std::string> scales;
  if (r.magnitude_scale == "complex") scales = {"linear"};
  else if (hints.magnitude_scale) scales = {*hints.magnitude_scale};
  else scales = MagnitudeScaleCandidates(mstats);
  SearchHints sh;
  sh.n_fft = hints.n_fft;
  sh.hop = hints.hop;
  std::map<std::string, std::vector<double>> linear_by_scale;
  std::vector<Hypothesis> hyps = SearchHypotheses(magnitude, phase, layouts, scales, sh, &linear_by_scale, &log);
  const double kAccept = 3.0;
  // No hypothesis is consistent. If the layout is certain (every frame's DC is exactly zero
  // phase) and the frames' energy shows a window whose support does not exceed the frame, the
  // likeliest reading is frames that do not overlap (hop >= window): assume hop = window length.
  bool no_overlap = false;
  const bool nothing_fits = hyps.empty() || hyps.front().digits < kAccept;
  if (nothing_fits && layouts.front().dc_zero_fraction >= 0.99 && layouts.front().tested_frames >= 8) {
    const std::vector<Geometry> geoms = GeometriesFor(layouts.front(), sh);
    if (!geoms.empty()) {
      Hypothesis h;
      h.scale = scales.front();
      h.geometry = geoms.front();
      if (linear_by_scale.find(h.scale) == linear_by_scale.end())
        linear_by_scale[h.scale] = MagnitudeToLinear(magnitude, h.scale);
      const FramePairs probe = SampleFramePairs(linear_by_scale[h.scale], phase, h.geometry, 64);
      int b = 0, e = 0;
      MeasureSupport(probe, 1e-10, &b, &e);
      if (b <= 4) b = 0;
      if (e >= h.geometry.n_fft - 4) e = h.geometry.n_fft;
      if (!probe.a.empty() && e - b >= 2) {
        h.scan.best = hints.hop.value_or(e - b);
        h.geometry.hop = h.scan.best;
        h.digits = 0.0;
        no_overlap = true;
        log.Addf("no overlap: no hop fits; assuming frames that do not overlap, hop = window support %d (samples %d..%d)",
                 h.scan.best, b, e - 1);
        hyps.insert(hyps.begin(), h);
      }
    }
  }
  if (!no_overlap && (hyps.empty() || hyps.front().digits < kAccept)) {
    std::string msg = "no hypothesis is consistent (best: ";
    for (size_t i = 0; i < hyps.size() && i < 3; ++i) msg += (i ? "; " : "") + hyps[i].Describe();
    msg += hyps.empty() ? "none" : "";
    msg += "; need a margin of " + std::to_string(int(kAccept)) +
           " digits). Frames that do not overlap (hop >= window) cannot be checked this way";
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
    if (IsLogarithmicScale(best.scale))
      e.note = "logarithmic values are taken relative to their maximum: the gain is unknown";
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
    e.note = best.geometry.two_sided ? "two-sided: all n_fft bins are stored (Hermitian)"
           : best.geometry.nyquist_dropped ? "the dump keeps n_fft/2 bins: the Nyquist bin was dropped"
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
    he.source = hints.hop ? "given" : no_overlap ? "assumed" : "inferred";
    he.value = best.scan.best;
    he.score = best.scan.best_digits;
    he.metric = "digits of frame consistency (hop ratio test)";
    if (no_overlap)
      he.note = "no hop is consistent: the frames do not overlap, so hop, window and magnitude scale cannot be "
                "checked against each other; assumed hop = window length (frames tile the signal)";
    if (!hints.hop && !no_overlap) {
      he.has_runner_up = true;
      he.runner_up_value = best.scan.runner_up;
      he.runner_up_score = best.scan.runner_up_digits;
    }
    r.evidence["hop"] = he;
  }
  log.Add("chosen: " + best.Describe());

  Geometry g = best.geometry;
  const int n = g.n_fft;
  const int hop = best.scan.best;
  g.hop = hop;
  {
    // Sidedness and fftshift.
    Evidence e;
    e.value = {{"onesided", !g.two_sided}, {"fftshift", g.fftshift}};
    e.score = g.layout.hermitian_fraction;
    e.metric = "fraction of cells with Hermitian symmetry |X[k]| = |X[-k]|, phi[k] = -phi[-k]";
    if (g.two_sided && g.layout.dc_side_evidence > 0)
      e.note = "DC taken on the side with " + std::to_string(std::pow(10.0, g.layout.dc_side_evidence)).substr(0, 6) +
               "x more energy (audio is louder near DC than near Nyquist)";
    r.evidence["sidedness"] = e;
  }
  const std::vector<double> lin = linear_by_scale[best.scale];

  // 4. Window: family, variant, length and offset from the frame ratios, in frame-start
  // coordinates. A window whose support wraps around the frame (silence in the middle, energy at
  // both ends) means the frames were centred before the FFT.
  FramePairs pairs = SampleFramePairs(lin, phase, g, 64);
  if (g.ref_sign == 0 && g.ref_const == 0 && !hints.win_length) {
    int b = 0, e = 0;
    MeasureSupport(pairs, 1e-10, &b, &e);
    std::vector<double> energy(n, 0.0);
    for (size_t p = 0; p < pairs.a.size(); ++p)
      for (int i = 0; i < n; ++i) energy[i] += pairs.a[p][i] * pairs.a[p][i] + pairs.b[p][i] * pairs.b[p][i];
    const double emax = *std::max_element(energy.begin(), energy.end());
    const bool ends = energy[0] > 1e-6 * emax && energy[n - 1] > 1e-6 * emax;
    int gap = 0, run = 0;
    for (int i = 0; i < n; ++i) {
      run = energy[i] <= 1e-10 * emax ? run + 1 : 0;
      gap = std::max(gap, run);
    }
    if (ends && gap >= 2) {
      g.ref_const = n / 2;
      pairs = SampleFramePairs(lin, phase, g, 64);
      log.Addf("phase reference: the support wraps around the frame (a silent gap of %d samples inside); frames were centred: rotating by %d",
               gap, n / 2);
    }
  }
  {
    Evidence e;
    e.value = g.PhaseReferenceName();
    e.score = best.digits;
    e.metric = "digits of frame consistency under this reference (hop ratio test)";
    for (size_t i = 1; i < hyps.size(); ++i)
      if (hyps[i].geometry.ref_sign != g.ref_sign || hyps[i].geometry.ref_const != g.ref_const) {
        e.has_runner_up = true;
        e.runner_up_value = hyps[i].geometry.PhaseReferenceName();
        e.runner_up_score = hyps[i].digits;
        break;
      }
    if (g.ref_const != 0 && best.geometry.ref_const == 0) e.note = "decided by the window support wrapping around the frame";
    r.evidence["phase_reference"] = e;
  }
  if (g.nyquist_dropped) {
    const int silent = EstimateNyquistFromTails(&pairs);
    if (silent > 0) log.Addf("nyquist: the dropped Nyquist bin estimated from %d silent positions per frame before the window fit", silent);
  }
  if (hints.win_length && *hints.win_length > n)
    ThrowInferenceFailed("the given win_length " + std::to_string(*hints.win_length) + " exceeds n_fft " +
                             std::to_string(n) + " of the best reading. Violated: win_length <= n_fft",
                         log.lines());
  WindowFitOptions wopt;
  wopt.detrended = g.detrended;
  if (hints.win_length) wopt.win_length = *hints.win_length;
  if (hints.window) {
    wopt.family_given = true;
    wopt.given = *hints.window;
  }
  WindowFit wf = no_overlap ? FitWindowToEnvelope(pairs, wopt) : FitWindow(pairs, hop, wopt);
  if (wf.best.spec.length < 2)
    ThrowInferenceFailed("no window fits the frames (support " + std::to_string(wf.support_begin) +
                         ".." + std::to_string(wf.support_end) + " of " + std::to_string(n) + ")", log.lines());
  // A window outside the families: the best family fits far worse than the data themselves
  // are consistent. Fit the window sample by sample (Ceres, smoothness prior).
  std::vector<double> custom_window;
  const WindowCandidate best_family = wf.best;
  // The data's consistency is capped at 14 digits here: a float64 dump is consistent to 20, and a
  // family whose formula rounds differently from the producer's (scipy's general_cosine against
  // ours) fits to about 17; that was taken for a window outside the families.
  const double data_reach = std::min(best.scan.best_digits, 14.0);
  if (!no_overlap && !g.detrended && !hints.window && wf.best.digits < data_reach - 3.0) {
    const RatioStats stats = ComputeRatioStats(pairs, hop);
    // Tapers that reach the frame's edges within a few samples reach them: the measured
    // support misses samples too small to see (sin^3 near its zeros).
    if (wf.support_begin <= 4) wf.support_begin = 0;
    if (wf.support_end >= n - 4) wf.support_end = n;
    // A smooth series (unique: it cannot follow the hop's period) first; a sample-by-sample
    // Ceres fit only if the series falls short of the data's precision.
    FreeWindowFit ff = FitSeriesWindow(stats, wf.support_begin, wf.support_end);
    log.Addf("window: smooth series fit on samples %d..%d with %d half-cycle terms: %.2f digits (best family %.2f)",
             wf.support_begin, wf.support_end - 1, ff.iterations, Digits(ff.inconsistency), wf.best.digits);
    // (The sample-by-sample fit leaves one scale per residue class to a prior: only when the
    // series is far from the data's precision.)
    if (ff.window.empty() || Digits(ff.inconsistency) < best.scan.best_digits - 6.0) {
      const FreeWindowFit fs = FitFreeWindow(stats, wf.support_begin, wf.support_end,
                                             ff.window.empty() ? PlaceWindow(MakeWindow(wf.best.spec), n, wf.best.offset) : ff.window);
      log.Addf("window: sample-by-sample fit (Ceres %d iterations, cost %.3g, %.3f s): %.2f digits",
               fs.iterations, fs.cost, fs.seconds, Digits(fs.inconsistency));
      if (!fs.window.empty() && (ff.window.empty() || Digits(fs.inconsistency) > Digits(ff.inconsistency) + 1.0)) ff = fs;
    }
    const double ff_digits = Digits(ff.inconsistency);
    r.window_fit_iterations = ff.iterations;
    r.window_fit_cost = ff.cost;
    r.window_fit_seconds = ff.seconds;
    if (!ff.window.empty() && ff_digits > wf.best.digits + 2.0) {
      custom_window = ff.window;
      wf.best.spec.family = WindowFamily::kCustom;
      wf.best.spec.param = 0.0;
      // Symmetric if the fitted samples mirror each other.
      double asym = 0.0, mag = 0.0;
      for (int i = wf.support_begin; i < wf.support_end; ++i) {
        const int j = wf.support_end - 1 - (i - wf.support_begin);
        asym = std::max(asym, std::abs(ff.window[i] - ff.window[j]));
        mag = std::max(mag, std::abs(ff.window[i]));
      }
      wf.best.spec.symmetric = asym <= 1e-4 * mag;
      wf.best.spec.open_ends = false;
      wf.best.spec.length = wf.support_end - wf.support_begin;
      wf.best.offset = wf.support_begin;
      wf.best.digits = ff_digits;
      wf.best.inconsistency = ff.inconsistency;
      wf.runner_up = best_family;
      wf.tied.clear();
    }
  } else if (wf.param_fit.iterations > 0) {
    r.window_fit_iterations = wf.param_fit.iterations;
    r.window_fit_cost = wf.param_fit.inconsistency;
    r.window_fit_seconds = wf.param_fit.seconds;
  }
  for (const WindowCandidate& c : wf.ranked)
    log.Addf("window: %s at offset %d: %.2f digits", DescribeWindow(c.spec).c_str(), c.offset, c.digits);
  for (size_t i = 0; i < wf.ranked.size() && i < 5; ++i) {  // for the HTML report's window plot
    const WindowCandidate& c = wf.ranked[i];
    char label[200];
    std::snprintf(label, sizeof label, "%s @%d: %.2f digits", DescribeWindow(c.spec).c_str(), c.offset, c.digits);
    r.ranked_windows.emplace_back(label, PlaceWindow(MakeWindow(c.spec), n, c.offset));
  }
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
    if (!custom_window.empty())
      e.note = "no named family fits as well as the data allow: a free-form window was fitted (samples in the report)";
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
  AllComplexFrames(lin, phase, g, r.spectrogram.data.data());
  r.frame_window = custom_window.empty() ? PlaceWindow(MakeWindow(wf.best.spec), n, wf.best.offset) : custom_window;
  if (g.nyquist_dropped && n % 2 == 0) {
    const double rel = RestoreNyquist(&r.spectrogram, r.frame_window, hop);
    log.Addf("nyquist: the dropped Nyquist bin restored in every frame from the overlaps and the window's zeros (RMS %.3g of the mean bin)", rel);
  }
  if (g.detrended) {
    const size_t pairs_used = UndoDetrend(&r.spectrogram, r.frame_window, hop, wf.best.spec.length);
    log.Addf("detrended: segment means restored from %zu frame overlaps (the overall mean is lost; set to zero)", pairs_used);
  }
  {
    Evidence e;
    e.value = g.detrended;
    e.score = best.digits;
    e.metric = g.detrended ? "digits of consistency under the detrended model (plain frames fit no hypothesis)"
                           : "digits of consistency of plain (not detrended) frames";
    r.evidence["detrended"] = e;
  }
  // What the dump lost to quantisation or a clipped floor: find the signal whose STFT stays
  // inside the cells rather than inverting the cell centres (inference/dequantize.h).
  IstftResult inv;
  if (mag_index == phase_index ||
      !DequantizeDump(arrays[mag_index], magnitude, best.scale, arrays[phase_index], phase, phase_radians_per_unit, g,
                      hints.iterations.value_or(kDequantizeIterations), hints.tolerance.value_or(kDequantizeTolerance),
                      &r, &inv))
    inv = Istft(r.spectrogram, r.frame_window, hop);
  r.padded_signal = std::move(inv.signal);
  r.uncovered = inv.uncovered;

  // 6. Boundary padding and length. Tied windows of other lengths may match the pad better.
  std::vector<int> lengths = {wf.best.spec.length};
  for (const WindowCandidate& c : wf.tied) lengths.push_back(c.spec.length);
  BoundaryResult b = InferBoundary(r.padded_signal,
                                   OverlapCoverage(r.frame_window, hop, static_cast<int>(g.layout.frames)),
                                   n, hop, lengths,
                                   static_cast<int>(g.layout.frames), best.scan.best_digits, &log);
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
  double wsum2 = 0.0;
  for (double v : r.frame_window) wsum2 += v * v;
  GainChoice gc = ChooseGain(peak, wsum, wsum2, n, hints.sample_rate.value_or(16000));
  r.gain = gc.factor;
  r.gain_convention = gc.convention;
  r.evidence["gain"] = gc.evidence;

  r.geometry = g;
  r.phase_radians_per_unit = phase_radians_per_unit;
  StftParams& p = r.params;
  p.n_fft = n;
  p.hop = hop;
  p.win_length = chosen.spec.length;
  if (!custom_window.empty())
    p.custom_window.assign(custom_window.begin() + chosen.offset, custom_window.begin() + chosen.offset + chosen.spec.length);
  p.window = chosen.spec;
  p.offset = chosen.offset;
  p.nyquist_dropped = g.nyquist_dropped;
  p.onesided = !g.two_sided;
  p.detrended = g.detrended;
  p.fftshift = g.fftshift;
  p.phase_reference = g.PhaseReferenceName();
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
