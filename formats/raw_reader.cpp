#include "formats/raw_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "src/errors.h"

namespace specrecon {
namespace {

const char* const kDtypes[] = {"float32", "float64", "float16", "int16", "int32", "int8", "uint8"};

bool HostIsLittle() {
  const uint16_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

template <typename T>
T Load(const unsigned char* p, bool swap) {
  unsigned char tmp[sizeof(T)];
  if (swap) {
    for (size_t i = 0; i < sizeof(T); ++i) tmp[i] = p[sizeof(T) - 1 - i];
  } else {
    std::memcpy(tmp, p, sizeof(T));
  }
  T v;
  std::memcpy(&v, tmp, sizeof(T));
  return v;
}

double HalfToDouble(uint16_t h) {
  const int sign = (h >> 15) & 1;
  const int exp = (h >> 10) & 0x1f;
  const int mant = h & 0x3ff;
  double v;
  if (exp == 0) v = std::ldexp(mant, -24);
  else if (exp == 31) v = mant ? std::numeric_limits<double>::quiet_NaN() : INFINITY;
  else v = std::ldexp(mant + 1024, exp - 25);
  return sign ? -v : v;
}

// How much a decoded sample looks like measured data, in [0, 1].
double PlausibilityScore(const std::vector<double>& v, bool is_float) {
  if (v.empty()) return 0.0;
  size_t plausible = 0;
  for (double x : v) {
    if (!std::isfinite(x)) continue;
    const double a = std::abs(x);
    if (a == 0.0 || (a > 1e-30 && a < 1e30)) ++plausible;
  }
  const double f = static_cast<double>(plausible) / v.size();
  // Smoothness: median jump of log2|x| between neighbours.
  std::vector<double> jumps;
  jumps.reserve(v.size());
  for (size_t i = 1; i < v.size(); ++i) {
    const double a = std::abs(v[i - 1]), b = std::abs(v[i]);
    if (!std::isfinite(a) || !std::isfinite(b) || a == 0.0 || b == 0.0) continue;
    jumps.push_back(std::min(200.0, std::abs(std::log2(a) - std::log2(b))));
  }
  double d = 0.0;
  if (!jumps.empty()) {
    std::nth_element(jumps.begin(), jumps.begin() + jumps.size() / 2, jumps.end());
    d = jumps[jumps.size() / 2];
  }
  double score = f * std::exp(-d / 8.0);
  // Integer readings decode anything; only prefer them when floats are clearly implausible.
  if (!is_float) score *= 0.5;
  return score;
}

}  // namespace

size_t ElementSize(const std::string& dtype) {
  if (dtype == "float32" || dtype == "int32") return 4;
  if (dtype == "float64") return 8;
  if (dtype == "float16" || dtype == "int16") return 2;
  if (dtype == "int8" || dtype == "uint8") return 1;
  return 0;
}

bool DecodeElements(const unsigned char* data, size_t count, const std::string& dtype,
                    const std::string& byte_order, double* out) {
  const bool swap = (byte_order == "big") == HostIsLittle();
  const size_t es = ElementSize(dtype);
  if (es == 0) return false;
  for (size_t i = 0; i < count; ++i) {
    const unsigned char* p = data + i * es;
    if (dtype == "float32") out[i] = Load<float>(p, swap);
    else if (dtype == "float64") out[i] = Load<double>(p, swap);
    else if (dtype == "float16") out[i] = HalfToDouble(Load<uint16_t>(p, swap));
    else if (dtype == "int16") out[i] = Load<int16_t>(p, swap);
    else if (dtype == "int32") out[i] = Load<int32_t>(p, swap);
    else if (dtype == "int8") out[i] = static_cast<int8_t>(*p);
    else out[i] = *p;
  }
  return true;
}

std::vector<RawCandidate> ScoreRawCandidates(const std::vector<unsigned char>& bytes,
                                             const RawHints& hints) {
  std::vector<RawCandidate> out;
  for (const char* dt : kDtypes) {
    const std::string dtype = dt;
    if (hints.dtype && *hints.dtype != dtype) continue;
    const size_t es = ElementSize(dtype);
    for (const char* bo : {"little", "big"}) {
      if (es == 1 && std::string(bo) == "big") continue;
      if (hints.byte_order && es > 1 && *hints.byte_order != bo) continue;
      const size_t count = bytes.size() / es;
      std::vector<double> v(count);
      DecodeElements(bytes.data(), count, dtype, bo, v.data());
      const bool is_float = dtype.rfind("float", 0) == 0;
      out.push_back({dtype, es == 1 ? "none" : bo, PlausibilityScore(v, is_float)});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const RawCandidate& a, const RawCandidate& b) { return a.score > b.score; });
  return out;
}

NdArray ReadRaw(const std::string& path, const RawHints& hints) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) ThrowBadInput(path, "cannot open: " + std::string(std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) ThrowBadInput(path, "not a regular file");
  const uint64_t file_size = static_cast<uint64_t>(st.st_size);
  const uint64_t header = hints.header_bytes.value_or(0);
  if (file_size == 0) ThrowBadInput(path, "file is empty");
  if (header >= file_size)
    ThrowBadInput(path, "header of " + std::to_string(header) + " bytes leaves no data in a " +
                            std::to_string(file_size) + "-byte file");
  const uint64_t payload = file_size - header;

  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowBadInput(path, "cannot open for reading");

  // Score candidates on a sample from the start of the payload (up to 64 KiB).
  const size_t sample_bytes = static_cast<size_t>(std::min<uint64_t>(payload, 65536));
  std::vector<unsigned char> sample(sample_bytes);
  in.seekg(static_cast<std::streamoff>(header));
  in.read(reinterpret_cast<char*>(sample.data()), static_cast<std::streamsize>(sample_bytes));
  if (!in) ThrowBadInput(path, "read failed");

  RawHints effective = hints;
  std::vector<RawCandidate> cands = ScoreRawCandidates(sample, effective);
  // Drop element types that do not divide the payload.
  cands.erase(std::remove_if(cands.begin(), cands.end(),
                             [&](const RawCandidate& c) { return payload % ElementSize(c.dtype) != 0; }),
              cands.end());
  if (cands.empty())
    ThrowBadInput(path, std::to_string(payload) + " data bytes are not a whole number of " +
                            (hints.dtype ? *hints.dtype : std::string("candidate")) + " elements");
  const RawCandidate& best = cands.front();
  if (best.score < 0.05)
    ThrowBadInput(path, "no element type decodes to plausible values (best: " + best.dtype + " " +
                            best.byte_order + ", score " + std::to_string(best.score) + ")");

  NdArray a;
  a.info.path = path;
  a.info.format = "raw";
  a.info.dtype = best.dtype;
  a.info.byte_order = best.byte_order;
  a.info.header_bytes = header;
  a.info.dtype_given = hints.dtype.has_value() && (hints.byte_order.has_value() || ElementSize(best.dtype) == 1);
  a.info.score = best.score;
  if (cands.size() > 1) {
    a.info.runner_up = cands[1].dtype + " " + cands[1].byte_order;
    a.info.runner_up_score = cands[1].score;
  }
  const size_t es = ElementSize(best.dtype);
  const uint64_t count = payload / es;
  a.info.shape = {static_cast<size_t>(count)};
  // Decode in chunks so the raw bytes never need a second full-size buffer.
  a.values.resize(static_cast<size_t>(count));
  in.seekg(static_cast<std::streamoff>(header));
  const size_t chunk_elems = (1u << 20);
  std::vector<unsigned char> buf(chunk_elems * es);
  for (uint64_t done = 0; done < count;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk_elems, count - done));
    in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(n * es));
    if (!in) ThrowBadInput(path, "read failed after " + std::to_string(done * es) + " bytes");
    DecodeElements(buf.data(), n, best.dtype, best.byte_order, a.values.data() + done);
    done += n;
  }
  return a;
}

}  // namespace specrecon
