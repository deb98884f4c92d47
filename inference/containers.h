// Why this file exists: a container (.npz, .mat, HDF5) or a set of files may hold more than a
// magnitude and a phase: frequency and time axes, a sample rate, a complex array split into
// real and imaginary parts. This decides each array's role from its name and content, so the
// spectrogram arrays go to inference and the rest become evidence (sample rate, n_fft, hop).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "formats/array.h"
#include "inference/layout.h"

namespace specrecon {

struct ArrayRoles {
  std::vector<int> main;              // indices of the spectrogram arrays (1 or 2)
  std::optional<int> magnitude, phase;  // by name, when names say it (indices into `main`)
  std::optional<int> real_part, imag_part;  // a complex array stored as two real ones
  std::optional<double> sample_rate;  // from a scalar, or (later, with n_fft) from an axis
  std::string sample_rate_from;       // name of the array it came from
  std::optional<int> freq_axis, time_axis;  // indices
  std::vector<std::string> role_of;   // per input array: magnitude|phase|complex|real|imag|
                                      // frequency_axis|time_axis|sample_rate|unused
  std::vector<std::string> notes;
};

ArrayRoles ClassifyArrays(const std::vector<NdArray>& arrays);

// Layouts a stored 2-D shape allows: bins along either dimension, in file order.
std::vector<std::pair<Layout, size_t>> LayoutsFromShape(const ArrayReading& info);

// Puts every array of `main` after the first into the first's storage order where both are 2-D
// (beside dimensions of 1) of the same shape but one is column-major and the other is not:
// inference reads them in file order under one layout, and torch keeps its stft's
// column-major strides through abs() but not through angle(), so a magnitude and phase saved
// together differ. Returns a note for each array reordered.
std::vector<std::string> MatchStorageOrder(std::vector<NdArray>* main);

// Sample rate from a frequency axis (spacing fs/n_fft) or a time axis (spacing hop/fs).
std::optional<double> SampleRateFromAxes(const std::vector<NdArray>& arrays, const ArrayRoles& roles,
                                         int n_fft, int hop, std::string* from);

}  // namespace specrecon
