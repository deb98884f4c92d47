#include "formats/raw_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "formats/limits.h"
#include "src/errors.h"

namespace specrecon {
namespace {

const char* const kDtypes[] = {"float32", "float64", "float16", "int16", "int32", "int8", "uint8"};
constexpr uint64_t kMaxHeaderBytes = 16384;
constexpr size_t kSampleBytes = 65536;

// How one decoded element looks: as data, or as something that is not data of this type.
enum class Look { kData, kOutOfRange, kNaturalNonFinite, kGarbageNonFinite };

// Classifies element `i` of a float reading from its bits: infinities and the canonical quiet
// NaN (what numpy, MATLAB and C write) look like data; NaNs with payload bits are garbage.
Look Classify(const unsigned char* p, const std::string& dtype, bool big, double x) {
  if (std::isfinite(x)) {
    const double a = std::abs(x);
    if (dtype == "float16" || a == 0.0 || (a > 1e-30 && a < 1e30)) return Look::kData;
    return IsFloatDtype(dtype) ? Look::kOutOfRange : Look::kData;
  }
  const size_t es = ElementSize(dtype);
  const uint64_t bits = LoadUnsigned(p, es, big);
  const int mant_bits = es == 2 ? 10 : es == 4 ? 23 : 52;
  const uint64_t mant = bits & ((uint64_t{1} << mant_bits) - 1);
  const uint64_t quiet = uint64_t{1} << (mant_bits - 1);
  return (mant == 0 || mant == quiet) ? Look::kNaturalNonFinite : Look::kGarbageNonFinite;
}

struct Reading {
  std::vector<double> v;
  std::vector<Look> look;
};

Reading Decode(const unsigned char* data, size_t count, const std::string& dtype, const std::string& bo) {
  Reading r;
  r.v.resize(count);
  r.look.resize(count);
  DecodeElements(data, count, dtype, bo, r.v.data());
  const size_t es = ElementSize(dtype);
  for (size_t i = 0; i < count; ++i) r.look[i] = Classify(data + i * es, dtype, bo == "big", r.v[i]);
  return r;
}

// log2 jump between neighbours that are finite and nonzero, else -1.
double Jump(const Reading& r, size_t i, size_t j) {
  const double a = std::abs(r.v[i]), b = std::abs(r.v[j]);
  if (!std::isfinite(a) || !std::isfinite(b) || a == 0.0 || b == 0.0) return -1.0;
  return std::min(200.0, std::abs(std::log2(a) - std::log2(b)));
}

// How much elements [from, end) look like measured data, in [0, 1]: the fraction that decode
// to data-like values (to the 4th power: a reading that is partly garbage is wrong) times a
// smoothness term from the median jump of log2|x| between neighbours.
double PlausibilityScore(const Reading& r, size_t from, bool is_float, size_t element_size) {
  const size_t n = r.v.size() - std::min(from, r.v.size());
  if (n == 0) return 0.0;
  size_t good = 0;
  std::vector<double> jumps;
  jumps.reserve(n);
  for (size_t i = from; i < r.v.size(); ++i) {
    if (r.look[i] == Look::kData || r.look[i] == Look::kNaturalNonFinite) ++good;
    if (i > from) {
      const double j = Jump(r, i - 1, i);
      if (j >= 0) jumps.push_back(j);
    }
  }
  const double f = static_cast<double>(good) / n;
  double d = 0.0;
  if (!jumps.empty()) {
    std::nth_element(jumps.begin(), jumps.begin() + jumps.size() / 2, jumps.end());
    d = jumps[jumps.size() / 2];
  }
  double score = f * f * f * f * std::exp(-d / 8.0);
  // Integer readings decode anything; only prefer them when floats are clearly implausible.
  if (!is_float) score *= 0.5;
  // Small integers read in the wrong byte order have a least significant byte that is only
  // ever 0x00 or 0xFF (the sign extension of the right order): halve such readings.
  if (!is_float) {
    size_t nonzero = 0, extension = 0;
    for (size_t i = from; i < r.v.size(); ++i) {
      if (r.v[i] == 0.0) continue;
      ++nonzero;
      const int64_t low = static_cast<int64_t>(r.v[i]) & 0xFF;
      if (low == 0 || low == 0xFF) ++extension;
    }
    if (nonzero > 16 && extension > 0.9 * nonzero) score *= 0.5;
  }
  // In the right byte order the most significant byte of neighbouring elements follows the
  // data's level and moves less than the least significant byte, which is noise once values
  // exceed 255; read in the wrong order the two swap roles. Codes of magnitudes spanning a few
  // hundred steps were read byte-swapped before this (the sign-extension test below misses them
  // once a tenth of the codes exceed 255). Random bytes move both alike and keep their score.
  if (!is_float && element_size >= 2 && r.v.size() - from > 32) {
    const double unit = std::ldexp(1.0, static_cast<int>(8 * (element_size - 1)));
    double top = 0.0, low = 0.0;
    for (size_t i = from + 1; i < r.v.size(); ++i) {
      const double a = r.v[i - 1], b = r.v[i];
      top += std::min(255.0, std::abs(std::floor(a / unit) - std::floor(b / unit)));
      low += std::abs((a - 256.0 * std::floor(a / 256.0)) - (b - 256.0 * std::floor(b / 256.0)));
    }
    // Up to 1.2x: enough to choose between byte orders (the codes above: 0.45 against 0.49),
    // not to lift an integer reading of float data (whose top byte, the exponent, is smooth
    // too) over the float reading (1.4x read a torch power dump as int32).
    if (low > 0.0 && top < 0.5 * low) score *= 1.0 + 0.4 * (0.5 - top / low);
  }
  // Positive integers read as float16 are mostly subnormal (below 2^-14, fewer than 10
  // significant bits); measured float16 data are not. Penalise readings that are mostly so.
  if (element_size == 2 && is_float) {
    size_t sub = 0;
    for (size_t i = from; i < r.v.size(); ++i)
      if (r.v[i] != 0.0 && std::abs(r.v[i]) < std::ldexp(1.0, -14)) ++sub;
    const double frac = static_cast<double>(sub) / static_cast<double>(r.v.size() - from);
    if (frac > 0.5) score *= std::max(0.0, 1.0 - 2.0 * (frac - 0.5));
  }
  // Quantised data hit their full-scale codes (e.g. phase +-pi as +-32767) far more often than
  // chance; the byte-swapped or re-sliced readings of the same bytes do not.
  if (!is_float && element_size >= 2 && element_size <= 4) {
    const double top = std::ldexp(1.0, static_cast<int>(element_size * 8 - 1)) - 1.0;
    size_t hits = 0;
    for (size_t i = from; i < r.v.size(); ++i)
      if (std::abs(r.v[i]) == top) ++hits;
    const double chance = 2.0 * static_cast<double>(r.v.size() - from) / (2.0 * top + 2.0);
    if (hits >= 5 && hits > 20.0 * chance) score *= 1.1;
  }
  // A wider integer read in narrower pieces: every other piece is a sign extension (0 or -1,
  // 255 for uint8) while the others are not.
  if (!is_float && r.v.size() - from > 32) {
    size_t ext[2] = {0, 0}, total[2] = {0, 0};
    for (size_t i = from; i < r.v.size(); ++i) {
      ++total[i % 2];
      if (r.v[i] == 0.0 || r.v[i] == 255.0 || r.v[i] == -1.0) ++ext[i % 2];
    }
    for (int p = 0; p < 2; ++p)
      if (ext[p] > 0.9 * total[p] && ext[1 - p] < 0.5 * total[1 - p]) {
        score *= 0.5;
        break;
      }
  }
  return score;
}

// Where the prefix that does not decode like data ends, in elements (0: no header). Each
// element is "bad" (weight 1) when its bits are not data of this type, "odd" (0.5) when it jumps
// by more than 2^40 from both neighbours. Measured data almost never hold such elements, so a
// bad element left in the data costs kBadCost good elements taken into the header: the header
// is the prefix maximising sum((kBadCost + 1) * weight - 1), and must reach kBadCost (one
// clearly bad element more than the good ones it swallows).
size_t HeaderElements(const Reading& r, size_t max_elems, bool is_float, size_t* bad_count) {
  constexpr double kBadCost = 8.0;
  const size_t n = r.v.size();
  // The magnitudes the data span, from the second half of the sample (past any header): a
  // float element more than 2^24 above that span does not decode like the rest.
  double lo = -HUGE_VAL, hi = HUGE_VAL;
  if (is_float) {
    std::vector<double> l;
    for (size_t i = n / 2; i < n; ++i)
      if (std::isfinite(r.v[i]) && r.v[i] != 0.0) l.push_back(std::log2(std::abs(r.v[i])));
    if (l.size() >= 16) {
      std::sort(l.begin(), l.end());
      lo = l[l.size() / 100] - 24.0;
      hi = l[l.size() - 1 - l.size() / 100] + 24.0;
    }
  }
  double c = 0.0, best = 0.0;
  size_t best_k = 0, bad = 0, best_bad = 0;
  for (size_t i = 0; i < std::min(max_elems, n); ++i) {
    double w = 0.0;
    const double l = std::isfinite(r.v[i]) && r.v[i] != 0.0 ? std::log2(std::abs(r.v[i])) : 0.0;
    // Only values too large for the data count. A tiny value (still a normal float) is what a
    // zero becomes in arithmetic: torch.stft(center=True) with reflect padding makes the first
    // frame symmetric, so its phases are 0 or +-pi up to rounding (1e-17 from float64), and a
    // frames x bins phase dump began with 511 such elements that were taken for a header.
    // Bytes of a real header decode to denormals (small integers, caught above as out of range)
    // or, as text, to values mostly far too large.
    if (r.look[i] == Look::kOutOfRange || r.look[i] == Look::kGarbageNonFinite || (l != 0.0 && l > hi)) {
      w = 1.0;
    } else if (!std::isfinite(lo)) {
      // Integer readings, or too few values to know the span: an element 2^40 away from both
      // neighbours is no data. (With a known span, a value inside it between two tiny ones is
      // data, as in the symmetric frame above.)
      const double jl = i > 0 ? Jump(r, i - 1, i) : -1.0, jr = i + 1 < n ? Jump(r, i, i + 1) : -1.0;
      if (jl > 40.0 && jr > 40.0) w = 0.5;
    }
    if (w > 0) ++bad;
    c += (kBadCost + 1.0) * w - 1.0;
    if (c > best) best = c, best_k = i + 1, best_bad = bad;
  }
  *bad_count = best_bad;
  return best >= kBadCost ? best_k : 0;
}

// Fortran unformatted sequential file holding one record: a 4- or 8-byte length marker (either
// byte order) before and after the data. Returns the marker size, 0 if not such a file.
uint64_t FortranMarker(const std::vector<unsigned char>& head, const std::vector<unsigned char>& tail,
                       uint64_t file_size) {
  for (uint64_t m : {uint64_t{4}, uint64_t{8}}) {
    if (file_size < 2 * m + 1 || head.size() < m || tail.size() < m) continue;
    for (bool big : {false, true}) {
      const uint64_t first = LoadUnsigned(head.data(), m, big);
      const uint64_t last = LoadUnsigned(tail.data() + tail.size() - m, m, big);
      if (first == file_size - 2 * m && last == first) return m;
    }
  }
  return 0;
}

std::string Describe(const RawCandidate& c) {
  std::string s = c.dtype + " " + c.byte_order;
  if (c.header_bytes) s += ", header " + std::to_string(c.header_bytes);
  if (c.trailer_bytes) s += ", trailer " + std::to_string(c.trailer_bytes);
  return s;
}

// The element types tried: kDtypes, or the given one if it is a raw type (KnownRawDtype).
std::vector<std::string> CandidateDtypes(const RawHints& hints) {
  if (hints.dtype) return KnownRawDtype(*hints.dtype) ? std::vector<std::string>{*hints.dtype} : std::vector<std::string>{};
  return std::vector<std::string>(std::begin(kDtypes), std::end(kDtypes));
}

void SortByScore(std::vector<RawCandidate>* c) {
  std::stable_sort(c->begin(), c->end(),
                   [](const RawCandidate& a, const RawCandidate& b) { return a.score > b.score; });
}

}  // namespace

bool KnownRawDtype(const std::string& dtype) {
  return dtype == "uint16" || dtype == "uint32" || std::find(std::begin(kDtypes), std::end(kDtypes), dtype) != std::end(kDtypes);
}

std::vector<RawCandidate> ScoreRawCandidates(const std::vector<unsigned char>& bytes,
                                             const RawHints& hints) {
  std::vector<RawCandidate> out;
  for (const std::string& dtype : CandidateDtypes(hints)) {
    const size_t es = ElementSize(dtype);
    for (const char* bo : {"little", "big"}) {
      if (es == 1 && std::string(bo) == "big") continue;
      if (hints.byte_order && es > 1 && *hints.byte_order != bo) continue;
      const Reading r = Decode(bytes.data(), bytes.size() / es, dtype, bo);
      RawCandidate c;
      c.dtype = dtype;
      c.byte_order = es == 1 ? "none" : bo;
      c.score = PlausibilityScore(r, 0, IsFloatDtype(dtype), es);
      out.push_back(c);
    }
  }
  SortByScore(&out);
  return out;
}

std::vector<RawCandidate> ScoreRawFile(const std::vector<unsigned char>& head,
                                       const std::vector<unsigned char>& tail, uint64_t file_size,
                                       const RawHints& hints) {
  const uint64_t fortran = hints.header_bytes ? 0 : FortranMarker(head, tail, file_size);
  std::vector<RawCandidate> out;
  for (const std::string& dtype : CandidateDtypes(hints)) {
    const uint64_t es = ElementSize(dtype);
    for (const char* bo : {"little", "big"}) {
      if (es == 1 && std::string(bo) == "big") continue;
      if (hints.byte_order && es > 1 && *hints.byte_order != bo) continue;
      RawCandidate c;
      c.dtype = dtype;
      c.byte_order = es == 1 ? "none" : bo;
      // Data run to the end of the file (less a Fortran end marker), so a header's length is
      // congruent to the data's end modulo the element size.
      c.trailer_bytes = fortran;
      const uint64_t end = file_size - fortran;
      const uint64_t start = hints.header_bytes ? *hints.header_bytes : fortran ? fortran : end % es;
      if (start >= head.size() || (end > start && (end - start) % es != 0)) {
        if (hints.header_bytes && start < end) out.push_back(c);  // refused later with a message
        continue;
      }
      const uint64_t usable = std::min<uint64_t>(head.size(), end) - start;
      const Reading r = Decode(head.data() + start, static_cast<size_t>(usable / es), dtype, c.byte_order);
      size_t k = 0, bad = 0;
      uint64_t padding = 0;
      if (!hints.header_bytes && !fortran) {
        const uint64_t max_header = std::min<uint64_t>(kMaxHeaderBytes, usable / 4);
        k = HeaderElements(r, static_cast<size_t>(max_header / es), IsFloatDtype(dtype), &bad);
        // A header padded with zero bytes to a multiple of 32 (common for C structs) shows as
        // a run of zeros after the bad prefix, which the data may continue (a silent start):
        // end the header at the last multiple of 32 bytes inside a run of at most 512 bytes.
        size_t z = k;
        while (k > 0 && z < r.v.size() && r.v[z] == 0.0 && r.look[z] == Look::kData) ++z;
        const uint64_t at = start + k * es, run_end = start + z * es;
        const uint64_t round = run_end / 32 * 32;
        if (z > k && z < r.v.size() && run_end - at <= 512 && round > at && (round - start) % es == 0) {
          padding = round - at;
          k = static_cast<size_t>((round - start) / es);
        }
      }
      c.header_bytes = start + k * es;
      c.score = PlausibilityScore(r, k, IsFloatDtype(dtype), es);
      // A header nothing points to but the file size is a weaker explanation than none.
      if (start > 0 && k == 0 && !fortran && !hints.header_bytes) c.score *= 0.9;
      if (fortran)
        c.header_note = "Fortran unformatted record: " + std::to_string(fortran) + "-byte length markers before and after the data";
      else if (k > 0)
        c.header_note = "the first " + std::to_string(c.header_bytes - padding) + " bytes do not decode like the rest (" +
                        std::to_string(bad) + " " + dtype + " elements implausible)" +
                        (padding ? ", then " + std::to_string(padding) + " zero bytes taken as padding to a multiple of 32 "
                                   "(they could also be the data's first zeros)" : "");
      else if (start > 0 && !hints.header_bytes)
        c.header_note = "the file size leaves " + std::to_string(start) + " bytes before whole " + dtype + " elements";
      out.push_back(c);
    }
  }
  SortByScore(&out);
  return out;
}

NdArray InspectRaw(const std::string& path, const RawHints& hints) {
  const uint64_t file_size = RegularFileSize(path);
  if (file_size == 0) ThrowBadInput(path, "file is empty");
  if (hints.header_bytes && *hints.header_bytes >= file_size)
    ThrowBadInput(path, "header of " + std::to_string(*hints.header_bytes) + " bytes leaves no data in a " +
                            std::to_string(file_size) + "-byte file");
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowBadInput(path, "cannot open for reading");
  // Score candidates on the start of the file (up to 64 KiB past a given header).
  const uint64_t head_bytes = std::min<uint64_t>(file_size, kSampleBytes + hints.header_bytes.value_or(0));
  std::vector<unsigned char> head(static_cast<size_t>(head_bytes)), tail(static_cast<size_t>(std::min<uint64_t>(8, file_size)));
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  in.seekg(static_cast<std::streamoff>(file_size - tail.size()));
  in.read(reinterpret_cast<char*>(tail.data()), static_cast<std::streamsize>(tail.size()));
  if (!in) ThrowBadInput(path, "read failed");

  const std::vector<RawCandidate> cands = ScoreRawFile(head, tail, file_size, hints);
  if (cands.empty() || cands.front().score <= 0.0) {
    const uint64_t payload = file_size - hints.header_bytes.value_or(0);
    ThrowBadInput(path, std::to_string(payload) + " data bytes are not a whole number of " +
                            (hints.dtype ? *hints.dtype : std::string("candidate")) + " elements");
  }
  const RawCandidate& best = cands.front();
  if (best.score < 0.05)
    ThrowBadInput(path, "no element type decodes to plausible values (best: " + Describe(best) + ", score " +
                            std::to_string(best.score) + ")");

  NdArray a;
  a.info.path = path;
  a.info.format = "raw";
  a.info.dtype = best.dtype;
  a.info.byte_order = best.byte_order;
  a.info.header_bytes = best.header_bytes;
  a.info.trailer_bytes = best.trailer_bytes;
  a.info.dtype_given = hints.dtype.has_value() && (hints.byte_order.has_value() || ElementSize(best.dtype) == 1);
  a.info.score = best.score;
  if (cands.size() > 1) {
    a.info.runner_up = Describe(cands[1]);
    a.info.runner_up_score = cands[1].score;
  }
  if (hints.header_bytes) a.info.note = "header " + std::to_string(best.header_bytes) + " bytes (given)";
  else if (!best.header_note.empty()) a.info.note = "header " + std::to_string(best.header_bytes) + " bytes: " + best.header_note;
  else a.info.note = "no header";
  a.info.note += "; candidates:";
  for (size_t i = 0; i < cands.size() && i < 4; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " %.3f", cands[i].score);
    a.info.note += (i ? ";" : "") + std::string(" ") + Describe(cands[i]) + buf;
  }
  const uint64_t es = ElementSize(best.dtype);
  const uint64_t count = (file_size - best.header_bytes - best.trailer_bytes) / es;
  if (count > kMaxArrayElements)
    ThrowBadInput(path, "holds " + std::to_string(count) + " " + best.dtype + " elements, more than the " +
                            std::to_string(kMaxArrayElements) + " this tool reads");
  a.info.shape = {static_cast<size_t>(count)};
  return a;
}

NdArray ReadRaw(const std::string& path, const RawHints& hints) {
  NdArray a = InspectRaw(path, hints);
  const uint64_t es = ElementSize(a.info.dtype);
  const uint64_t count = a.info.shape[0];
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowBadInput(path, "cannot open for reading");
  // Decode in chunks so the raw bytes never need a second full-size buffer.
  a.values.resize(static_cast<size_t>(count));
  in.seekg(static_cast<std::streamoff>(a.info.header_bytes));
  const size_t chunk_elems = (1u << 20);
  std::vector<unsigned char> buf(static_cast<size_t>(std::min<uint64_t>(chunk_elems, std::max<uint64_t>(count, 1)) * es));
  for (uint64_t done = 0; done < count;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk_elems, count - done));
    in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(n * es));
    if (!in) ThrowBadInput(path, "read failed after " + std::to_string(done * es) + " bytes");
    DecodeElements(buf.data(), n, a.info.dtype, a.info.byte_order, a.values.data() + done);
    done += n;
  }
  return a;
}

}  // namespace specrecon
