// Why this file exists: the inference pipeline, from arrays of unknown provenance to STFT
// parameters with evidence: roles and units, then (magnitude scale x geometry) hypotheses
// scored by the hop ratio test on a subset of frames, then window, boundary and gain. Every
// decision lands in `evidence` with its score and runner-up, and in the log.
#pragma once

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formats/array.h"
#include "inference/evidence.h"
#include "inference/frames.h"
#include "inference/layout.h"
#include "src/stft.h"
#include "src/window.h"

namespace specrecon {

// Hints override inference and are reported as "given".
struct Hints {
  std::optional<int> n_fft, hop, win_length;
  std::optional<WindowSpec> window;  // family (+param when > 0); length in win_length
  std::optional<std::string> layout, magnitude_scale, phase_units;
  std::optional<bool> center;
  std::optional<size_t> length;
  std::optional<int> magnitude_index, phase_index;  // which input array is which
  std::optional<int> sample_rate;                   // for the gain conventions that use it
  // Layouts a container's stored 2-D shape allows ((layout, bins) pairs); empty: any.
  std::vector<std::pair<Layout, size_t>> shape_layouts;
  std::optional<int> iterations;                    // phase retrieval (magnitude-only dumps)
  std::optional<double> tolerance;                  // phase retrieval stopping tolerance
};

struct StftParams {
  int n_fft = 0;
  int hop = 0;
  int win_length = 0;
  WindowSpec window;
  int offset = 0;
  bool onesided = true;
  bool fftshift = false;
  bool nyquist_dropped = false;
  std::string phase_reference = "frame_start";
  bool center = false;
  std::string pad_mode = "none";
  int pad = 0;
  bool detrended = false;
  std::vector<double> custom_window;  // the fitted samples when window.family is custom
};

struct InputRole {
  int array_index = 0;
  std::string role;  // magnitude|phase|complex
  std::string layout;
  std::vector<size_t> shape;  // (frames, bins) or (bins, frames) as laid out
};

// Alternating projections of a quantised dump (inference/dequantize.h): at most this many,
// stopping when the cells change by less than this fraction in one.
constexpr int kDequantizeIterations = 100;
constexpr double kDequantizeTolerance = 1e-4;

struct InferenceResult {
  std::vector<InputRole> roles;
  StftParams params;
  std::string magnitude_scale = "linear";
  std::string phase_units = "radians";
  std::string gain_convention = "none";
  double gain = 1.0;  // factor applied to the plain reconstruction
  size_t signal_length = 0;
  size_t length_min = 0, length_max = 0;
  std::map<std::string, Evidence> evidence;
  InferenceLog log;

  // What reconstruction needs: the full spectrogram (linear, plain FFT scale) and the window.
  Spectrogram spectrogram;
  std::vector<double> frame_window;  // analysis window placed in the n_fft frame
  std::vector<double> padded_signal;  // inverse of all frames before trimming
  size_t uncovered = 0;
  std::vector<double> hop_digits;  // hop scan, for plots and the report
  // How stored cells become frames (layout, rotation, sidedness) and the stored phase unit in
  // radians: what a reader that streams the cells itself needs (src/stream.h).
  Geometry geometry;
  double phase_radians_per_unit = 1.0;
  // The Ceres window fit (parametric family parameter or free-form window), for the report.
  int window_fit_iterations = 0;
  double window_fit_cost = 0.0;
  double window_fit_seconds = 0.0;
  // The best few windows of the fit (one per family, best first), each placed in the n_fft
  // frame at its offset, labelled with its description, offset and digits: for plots.
  std::vector<std::pair<std::string, std::vector<double>>> ranked_windows;

  // Consistent dequantisation (inference/dequantize.h): what was quantised or clipped ("" when
  // the data are exact), the iterations and time it took, and the clipped floor.
  std::string dequantization;
  std::string magnitude_quantization, phase_quantization;  // "integer codes", "float16" or ""
  double magnitude_step = 0.0;
  int dequantization_iterations = 0;
  double dequantization_seconds = 0.0;
  size_t floored_cells = 0;
  double floor_db = std::numeric_limits<double>::quiet_NaN();  // below the maximum

  // Magnitude-only dumps (inference/magnitude_only.h): the phase retrieval's spectral
  // convergence of the output in dB, its method and iterations. NaN when the phase was given.
  double spectral_convergence_db = std::numeric_limits<double>::quiet_NaN();
  std::string retrieval_method;
  int retrieval_iterations = 0;
};

// Throws Error(kInferenceFailed) when no hypothesis is consistent (the message names the best
// candidates), Error(kBadInput) when the arrays cannot be a dump (sizes differ, ...).
InferenceResult Infer(const std::vector<NdArray>& arrays, const Hints& hints);

}  // namespace specrecon
