// Why this file exists: a dump that lost precision (integer codes, float16, a clipped dB floor)
// does not pin each STFT coefficient to a value, only to a cell: the set of values that would
// have been written the same way. The plain inverse treats every cell centre as exact; here the
// signal is found whose STFT lies inside the cells (consistent dequantisation by alternating
// projections between the consistent spectrograms, STFT(ISTFT(.)), and the cells).
//
// Cells are described in the stored arrays' own units (CellsOfMagnitude, CellsOfPhase) and
// mapped to the frame domain by the same layout mapping as the values (inference/frames.h).
#pragma once

#include <complex>
#include <string>
#include <vector>

#include "formats/array.h"
#include "inference/frames.h"
#include "inference/infer.h"
#include "inference/roles.h"
#include "src/stft.h"

namespace specrecon {

// Bounds of each stored magnitude as |X| (linear, the same units as MagnitudeToLinear): lo, hi.
struct MagnitudeCells {
  std::vector<double> lo, hi;
  std::string quantization;  // "integer codes", "float16" or "" (exact to float32 or better)
  double step = 0.0;         // the code step in the stored units (0 for float16: per value)
  size_t floored = 0;        // cells at a clipped floor (top_db): upper bounds only
  bool any() const { return !quantization.empty() || floored > 0; }
};

// The stored values are quantised when every finite value is an integer (codes of any integer
// type, or integers stored as floats) spanning at least `min_levels` codes, or when the array
// was read as float16. A clipped logarithmic floor (map.clip_floor) makes its cells [0, floor].
MagnitudeCells CellsOfMagnitude(const NdArray& array, const std::vector<double>& raw, const MagnitudeMap& map);

// Half-width in radians of each stored phase's cell: the code step times `radians_per_unit`
// over 2 for integer codes, half a float16 step for float16, else 0 (the phase is kept).
std::vector<double> CellsOfPhase(const NdArray& array, const std::vector<double>& raw, double radians_per_unit,
                                 std::string* quantization);

struct DequantizeResult {
  int iterations = 0;
  double seconds = 0.0;
  double consistency_before_db = 0.0, consistency_after_db = 0.0;  // ||X - P(X)|| / ||X||
  double outside_before = 0.0, outside_after = 0.0;  // relative distance of STFT(ISTFT(X)) from the cells
  IstftResult inverse;  // of the final spectrogram (the caller's output)
};

// Alternating projections: X <- Cells(STFT(ISTFT(X))) from X = `spec` (the cell centres), in
// place. centre holds each cell's stored phase as a unit phasor (frame domain, like spec);
// lo/hi bound |X| per frame-domain cell; phase_half_width (empty: exact phase) bounds the angle
// from the centre's; free cells (hi = +inf, half width >= pi) are unconstrained. Stops after
// max_iterations or when the cells change by less than `tolerance` (relative) in an iteration.
DequantizeResult ConsistentDequantize(Spectrogram* spec, const std::vector<std::complex<double>>& centre,
                                      const std::vector<float>& lo, const std::vector<float>& hi,
                                      const std::vector<float>& phase_half_width,
                                      const std::vector<double>& frame_window, int hop, int max_iterations,
                                      double tolerance);

// The whole step for a dump with a phase: the cells of the stored magnitude (raw values
// `magnitude` in `scale`) and phase (`phase` in radians, the stored values in phase_array),
// mapped to frames by g, and the consistent dequantisation of r->spectrogram within them, with
// the report's fields and a log line filled in r. Returns false, touching nothing, when the
// stored values are exact; else true with the inverse of the dequantised spectrogram.
bool DequantizeDump(const NdArray& mag_array, const std::vector<double>& magnitude, const std::string& scale,
                    const NdArray& phase_array, const std::vector<double>& phase, double phase_radians_per_unit,
                    const Geometry& g, int max_iterations, double tolerance, InferenceResult* r,
                    IstftResult* inverse);

}  // namespace specrecon
