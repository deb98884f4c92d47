#include "inference/containers.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace specrecon {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // The variable's own name, without a group path.
  const size_t slash = s.find_last_of('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

bool NameIs(const std::string& name, std::initializer_list<const char*> options) {
  const std::string n = Lower(name);
  for (const char* o : options)
    if (n == o) return true;
  return false;
}

bool NameHas(const std::string& name, std::initializer_list<const char*> options) {
  const std::string n = Lower(name);
  for (const char* o : options)
    if (n.find(o) != std::string::npos) return true;
  return false;
}

// Strictly increasing and evenly spaced (to 1e-4 of the spacing).
bool EvenlySpaced(const std::vector<double>& v, double* step) {
  if (v.size() < 2) return false;
  const double d = (v.back() - v.front()) / (v.size() - 1);
  if (!(d > 0.0)) return false;
  for (size_t i = 1; i < v.size(); ++i)
    if (std::abs((v[i] - v[i - 1]) - d) > 1e-4 * d + 1e-9 * std::abs(v[i])) return false;
  *step = d;
  return true;
}

bool IsVector(const NdArray& a) {
  size_t big = 0;
  for (size_t d : a.info.shape) big += d > 1;
  return big <= 1 && !a.is_complex();
}

}  // namespace

ArrayRoles ClassifyArrays(const std::vector<NdArray>& arrays) {
  ArrayRoles r;
  r.role_of.assign(arrays.size(), "unused");
  size_t largest = 0;
  for (const NdArray& a : arrays) largest = std::max(largest, a.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    const NdArray& a = arrays[i];
    const std::string& name = a.info.name;
    if (a.size() == 1 && !a.is_complex()) {
      const double v = a.values[0];
      const bool named = NameIs(name, {"fs", "sr", "samplerate", "sample_rate", "samplingrate", "sampling_rate", "rate", "fs_hz", "srate"});
      if (named || (v >= 1000 && v <= 768000 && v == std::floor(v) && !r.sample_rate)) {
        if (v > 0 && std::isfinite(v) && (named || !r.sample_rate)) {
          r.sample_rate = v;
          r.sample_rate_from = name.empty() ? a.info.path : name;
          r.role_of[i] = "sample_rate";
        }
      }
      continue;
    }
    // Small vectors beside a big array are axes (or, unnamed and uneven, unused).
    double step = 0.0;
    if (IsVector(a) && a.size() * 8 <= largest && EvenlySpaced(a.values, &step)) {
      const bool f_name = NameIs(name, {"f", "freq", "freqs", "frequency", "frequencies", "fvec", "faxis", "f_hz"});
      const bool t_name = NameIs(name, {"t", "time", "times", "tvec", "taxis", "t_s", "frames"});
      const bool starts_at_zero = std::abs(a.values.front()) <= 1e-9 * std::abs(a.values.back());
      if ((f_name || (starts_at_zero && !t_name)) && !r.freq_axis) {
        r.freq_axis = static_cast<int>(i);
        r.role_of[i] = "frequency_axis";
        continue;
      }
      if (!r.time_axis) {
        r.time_axis = static_cast<int>(i);
        r.role_of[i] = "time_axis";
        continue;
      }
    }
    if (a.size() * 8 > largest || a.size() >= 16) r.main.push_back(static_cast<int>(i));
  }
  // Keep the largest same-sized arrays as the spectrogram.
  if (r.main.size() > 2) {
    std::stable_sort(r.main.begin(), r.main.end(), [&](int x, int y) { return arrays[x].size() > arrays[y].size(); });
    std::vector<int> keep = {r.main[0]};
    for (size_t j = 1; j < r.main.size() && keep.size() < 2; ++j)
      if (arrays[r.main[j]].size() == arrays[keep[0]].size() && !arrays[keep[0]].is_complex()) keep.push_back(r.main[j]);
    for (int idx : r.main)
      if (std::find(keep.begin(), keep.end(), idx) == keep.end())
        r.notes.push_back("array " + (arrays[idx].info.name.empty() ? arrays[idx].info.path : arrays[idx].info.name) +
                          " not used (a third large array)");
    r.main = keep;
  }
  if (r.main.size() == 2) {
    const std::string& n0 = arrays[r.main[0]].info.name;
    const std::string& n1 = arrays[r.main[1]].info.name;
    auto is_real = [](const std::string& n) { return NameIs(n, {"re", "real", "zr", "real_part"}) || NameHas(n, {"_re", "_real"}); };
    auto is_imag = [](const std::string& n) { return NameIs(n, {"im", "imag", "zi", "imaginary", "imag_part"}) || NameHas(n, {"_im", "_imag"}); };
    auto is_phase = [](const std::string& n) { return NameHas(n, {"phase", "angle", "phi", "arg"}) || NameIs(n, {"p", "ph"}); };
    auto is_mag = [](const std::string& n) {
      return NameHas(n, {"mag", "abs", "amp", "spec", "sxx", "power", "psd", "db", "stft"}) || NameIs(n, {"s", "m", "x", "z"});
    };
    if (is_real(n0) && is_imag(n1)) { r.real_part = 0; r.imag_part = 1; }
    else if (is_real(n1) && is_imag(n0)) { r.real_part = 1; r.imag_part = 0; }
    else if (is_phase(n0) && !is_phase(n1)) { r.phase = 0; r.magnitude = 1; }
    else if (is_phase(n1) && !is_phase(n0)) { r.phase = 1; r.magnitude = 0; }
    else if (is_mag(n0) && !is_mag(n1) && !n1.empty()) { r.magnitude = 0; r.phase = 1; }
    else if (is_mag(n1) && !is_mag(n0) && !n0.empty()) { r.magnitude = 1; r.phase = 0; }
  }
  for (size_t j = 0; j < r.main.size(); ++j) r.role_of[r.main[j]] = arrays[r.main[j]].is_complex() ? "complex" : "spectrogram";
  return r;
}

std::vector<std::pair<Layout, size_t>> LayoutsFromShape(const ArrayReading& info) {
  std::vector<size_t> dims;
  for (size_t d : info.shape)
    if (d > 1) dims.push_back(d);
  if (dims.size() != 2) return {};
  // File order: C order stores rows contiguously; column-major stores columns.
  const size_t rows = dims[0], cols = dims[1];
  const size_t inner = info.fortran_order ? rows : cols;  // contiguous run length
  const size_t outer = info.fortran_order ? cols : rows;
  // bins = inner: each frame contiguous (frames_x_bins); bins = outer: bins_x_frames.
  return {{Layout::kFramesXBins, inner}, {Layout::kBinsXFrames, outer}};
}

std::vector<std::string> MatchStorageOrder(std::vector<NdArray>* main) {
  std::vector<std::string> notes;
  auto dims_of = [](const ArrayReading& info) {
    std::vector<size_t> d;
    for (size_t x : info.shape)
      if (x > 1) d.push_back(x);
    return d;
  };
  if (main->empty()) return notes;
  const ArrayReading& first = main->front().info;
  const std::vector<size_t> want = dims_of(first);
  if (want.size() != 2) return notes;
  for (size_t j = 1; j < main->size(); ++j) {
    NdArray& a = (*main)[j];
    if (a.info.fortran_order == first.fortran_order || dims_of(a.info) != want || a.values.size() != want[0] * want[1]) continue;
    // File order of a rows x cols array: C order is [r][c], column-major [c][r].
    const size_t rows = want[0], cols = want[1];
    const size_t inner = a.info.fortran_order ? rows : cols, outer = a.info.fortran_order ? cols : rows;
    auto transpose = [&](std::vector<double>* v) {
      if (v->empty()) return;
      std::vector<double> t(v->size());
      for (size_t o = 0; o < outer; ++o)
        for (size_t i = 0; i < inner; ++i) t[i * outer + o] = (*v)[o * inner + i];
      v->swap(t);
    };
    transpose(&a.values);
    transpose(&a.imag);
    a.info.fortran_order = first.fortran_order;
    const std::string name = a.info.name.empty() ? a.info.path : a.info.name;
    const std::string other = first.name.empty() ? first.path : first.name;
    notes.push_back("array " + name + ": reordered to " + (first.fortran_order ? "column-major" : "C") + " order, as " + other +
                    " is stored");
  }
  return notes;
}

std::optional<double> SampleRateFromAxes(const std::vector<NdArray>& arrays, const ArrayRoles& roles,
                                         int n_fft, int hop, std::string* from) {
  double step = 0.0;
  if (roles.freq_axis && EvenlySpaced(arrays[*roles.freq_axis].values, &step) && n_fft > 0) {
    *from = "frequency axis " + arrays[*roles.freq_axis].info.name + " (spacing fs/n_fft)";
    return step * n_fft;
  }
  if (roles.time_axis && EvenlySpaced(arrays[*roles.time_axis].values, &step) && hop > 0) {
    *from = "time axis " + arrays[*roles.time_axis].info.name + " (spacing hop/fs)";
    return hop / step;
  }
  return std::nullopt;
}

}  // namespace specrecon
