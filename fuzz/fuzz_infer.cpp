// Why this file exists: libFuzzer target for the inference entry point (inference/infer.h:
// Infer) on arrays of any values, NaN and Inf included. Input layout:
//   byte 0: bit 0 one array (magnitude-only or interleaved complex) instead of two; bit 1 the
//           single array is complex (values, imag); bit 2 values are int8 codes x 0.05 (reach
//           exact zeros and +-pi-like phases easily) instead of little-endian float32;
//   byte 1: 0: flat arrays as a raw file reads them; else bins of a stored 2-D shape
//           (frames x bins), as a container reads them;
//   rest:   the values, split into halves (magnitude, phase / real, imag).
// Phase retrieval is capped at 3 iterations to keep each run short.
#include <cstdint>
#include <cstring>
#include <vector>

#include "formats/array.h"
#include "fuzz/fuzz_input_file.h"
#include "inference/infer.h"

namespace {

std::vector<double> Decode(const uint8_t* p, size_t n, bool int8) {
  std::vector<double> v;
  if (int8) {
    for (size_t i = 0; i < n; ++i) v.push_back(static_cast<int8_t>(p[i]) * 0.05);
  } else {
    for (size_t i = 0; i + 4 <= n; i += 4) {
      float f;
      std::memcpy(&f, p + i, 4);
      v.push_back(f);
    }
  }
  return v;
}

specrecon::NdArray MakeArray(std::vector<double> values, const char* path, size_t bins) {
  specrecon::NdArray a;
  a.info.path = path;
  a.info.dtype = "float32";
  if (bins > 0 && values.size() >= bins && values.size() % bins == 0) {
    a.info.format = "npy";
    a.info.shape = {values.size() / bins, bins};
  } else {
    a.info.shape = {values.size()};
  }
  a.values = std::move(values);
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0];
  const size_t bins = data[1];
  const bool one = mode & 1, complex = mode & 2, int8 = mode & 4;
  const uint8_t* p = data + 2;
  const size_t n = size - 2;
  std::vector<specrecon::NdArray> arrays;
  if (one && !complex) {
    arrays.push_back(MakeArray(Decode(p, n, int8), "fuzz-magnitude.bin", bins));
  } else {
    const size_t unit = int8 ? 1 : 4;
    const size_t half = n / 2 / unit * unit;
    std::vector<double> a = Decode(p, half, int8), b = Decode(p + half, half, int8);
    if (one) {
      specrecon::NdArray c = MakeArray(std::move(a), "fuzz-complex.npy", bins);
      c.imag = std::move(b);
      c.info.dtype = "complex64";
      arrays.push_back(std::move(c));
    } else {
      arrays.push_back(MakeArray(std::move(a), "fuzz-magnitude.bin", bins));
      arrays.push_back(MakeArray(std::move(b), "fuzz-phase.bin", bins));
    }
  }
  specrecon::Hints hints;
  hints.iterations = 3;
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] { specrecon::Infer(arrays, hints); });
  return 0;
}
