#include "src/stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <ostream>
#include <thread>

#include "formats/decode.h"
#include "formats/npy_reader.h"
#include "formats/limits.h"
#include "formats/raw_reader.h"
#include "formats/reader.h"
#include "inference/boundary.h"
#include "inference/containers.h"
#include "inference/gain.h"
#include "inference/roles.h"
#include "src/errors.h"
#include "src/fast_sincos.h"
#include "src/fft.h"
#include "src/wav.h"

namespace specrecon {
namespace {

constexpr double kPi = 3.14159265358979323846;

// A raw file read in pieces: the reading InspectRaw decided (type, byte order, header).
class RawFile {
 public:
  // format: "raw" (the reading inferred as ReadRaw does) or "npy" (the header says it).
  RawFile(const std::string& path, const RawHints& hints, const std::string& format)
      : info_(format == "npy" ? InspectNpy(path) : InspectRaw(path, hints)) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) ThrowBadInput(path, std::string("cannot open for reading: ") + std::strerror(errno));
    es_ = ElementSize(info_.info.dtype);
    for (size_t d : info_.info.shape) count_ *= d;
  }
  ~RawFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawFile(const RawFile&) = delete;
  RawFile& operator=(const RawFile&) = delete;

  const NdArray& array() const { return info_; }
  // Read with hints taken from the other file of the dump: not given by the user.
  void Reread(const std::string& runner_up, double runner_up_score) {
    info_.info.dtype_given = false;
    info_.info.runner_up = runner_up;
    info_.info.runner_up_score = runner_up_score;
  }
  uint64_t count() const { return count_; }
  const std::string& path() const { return info_.info.path; }

  // Elements first..first+n-1, decoded. Thread-safe (pread).
  void Read(uint64_t first, size_t n, double* out, std::vector<unsigned char>* bytes) const {
    bytes->resize(n * es_);
    ReadInto(first, n, out, bytes->data());
  }
  // One element (the sampled tests read thousands of single cells: no allocation).
  double Cell(uint64_t i) const {
    double v = 0.0;
    unsigned char b[16];
    ReadInto(i, 1, &v, b);
    return v;
  }

 private:
  void ReadInto(uint64_t first, size_t n, double* out, unsigned char* bytes) const {
    if (first + n > count()) ThrowBadInput(path(), "read past the end of the data");
    const size_t size = n * es_;
    const uint64_t off = info_.info.header_bytes + first * es_;
    size_t got = 0;
    while (got < size) {
      const ssize_t r = ::pread(fd_, bytes + got, size - got, static_cast<off_t>(off + got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0)
        ThrowBadInput(path(), "read failed at byte " + std::to_string(off + got) +
                                  (r < 0 ? std::string(": ") + std::strerror(errno) : std::string(": file shrank")));
      got += static_cast<size_t>(r);
    }
    DecodeElements(bytes, n, info_.info.dtype, info_.info.byte_order, out);
  }

 private:
  NdArray info_;
  int fd_ = -1;
  size_t es_ = 1;
  uint64_t count_ = 1;
};

// A half turn in radians, degrees or turns (the phase unit is not known yet).
bool ZeroPhaseAnyUnit(double v) {
  const double a = std::abs(v);
  if (a <= 1e-5) return true;
  for (double half : {kPi, 180.0, 0.5}) {
    const double tol = 1e-4 * half / kPi;
    if (std::abs(a - half) <= tol || std::abs(a - 2 * half) <= tol) return true;
  }
  return false;
}

struct LayoutCandidate {
  Layout layout = Layout::kFramesXBins;
  size_t bins = 0, frames = 0;
  int phase_file = 1;
};

// Index of stored bin k of frame m.
uint64_t CellIndex(Layout layout, size_t bins, size_t frames, size_t m, size_t k) {
  return layout == Layout::kFramesXBins ? static_cast<uint64_t>(m) * bins + k : static_cast<uint64_t>(k) * frames + m;
}

// Fraction of informative cells (magnitude above the floor) of column k over the frames listed
// that are zero-phase; *tested counts them.
// Stops early (the fraction so far) once more than max_misses cells are not zero-phase.
double ColumnZeroFraction(const RawFile& mag, const RawFile& ph, double floor, const LayoutCandidate& c, size_t k,
                          const std::vector<size_t>& frames, size_t* tested, size_t max_misses = SIZE_MAX) {
  size_t hits = 0, total = 0;
  for (size_t m : frames) {
    const uint64_t i = CellIndex(c.layout, c.bins, c.frames, m, k);
    if (!(mag.Cell(i) > floor)) continue;
    ++total;
    hits += ZeroPhaseAnyUnit(ph.Cell(i));
    if (total - hits > max_misses) break;
  }
  if (tested) *tested = total;
  return total ? static_cast<double>(hits) / total : 0.0;
}

// One-sided layouts whose DC column is zero-phase in every sampled informative frame, at the
// start and end of the DC row as well, and whose other columns (bin 1, a few inside, the row
// after DC) are not: candidates for the probe, fewest bins first.
// allowed: the (layout, bins) pairs a stored 2-D shape allows; empty: any.
std::vector<LayoutCandidate> FindStreamLayouts(const RawFile& mag, const RawFile& ph, int phase_file, double floor,
                                               const std::vector<std::pair<Layout, size_t>>& allowed) {
  std::vector<LayoutCandidate> out;
  const uint64_t count = ph.count();
  for (uint64_t bins = 3; bins <= (uint64_t{1} << 17) && bins * 64 <= count; ++bins) {
    if (count % bins != 0) continue;
    for (Layout layout : {Layout::kFramesXBins, Layout::kBinsXFrames}) {
      if (!allowed.empty() &&
          std::find(allowed.begin(), allowed.end(), std::make_pair(layout, static_cast<size_t>(bins))) == allowed.end())
        continue;
      LayoutCandidate c;
      c.layout = layout;
      c.bins = static_cast<size_t>(bins);
      c.frames = static_cast<size_t>(count / bins);
      c.phase_file = phase_file;
      std::vector<size_t> sampled, ends;
      for (size_t i = 0; i < 64; ++i) sampled.push_back(i * (c.frames - 1) / 63);
      // The ends of the rows, judged apart: a bins_x_frames reading with the wrong row length
      // runs the DC row into the next bin (too few bins) or starts the next row inside it (too
      // many), which shows only there.
      for (size_t i = 0; i < 16; ++i) {
        ends.push_back(c.frames - 1 - i);
        ends.push_back(i);
      }
      size_t tested = 0, tested_ends = 0;
      // (Fewer than 1000 cells: 0.999 allows no miss.)
      const double dc = ColumnZeroFraction(mag, ph, floor, c, 0, sampled, &tested, 0);
      if (dc < 0.999) continue;
      const double dc_ends = ColumnZeroFraction(mag, ph, floor, c, 0, ends, &tested_ends, 0);
      if (dc < 0.999 || tested < 16 || (tested_ends > 0 && dc_ends < 0.999)) continue;
      bool interior_clear = true;
      for (size_t k : {size_t{1}, size_t{2}, c.bins / 3, c.bins / 2, (2 * c.bins) / 3, c.bins - 2}) {
        if (k == 0 || k + 1 >= c.bins) continue;
        for (const std::vector<size_t>* set : {&sampled, &ends}) {
          size_t t = 0;
          if (ColumnZeroFraction(mag, ph, floor, c, k, *set, &t) > 0.2 && t >= 8) interior_clear = false;
        }
        if (!interior_clear) break;
      }
      if (!interior_clear) continue;
      if (layout == Layout::kFramesXBins) {
        // A frame of k true frames: every true frame's DC column is zero-phase too.
        std::vector<double> p(c.bins), m(c.bins);
        std::vector<unsigned char> bytes;
        std::vector<size_t> zero(c.bins, 0), informative(c.bins, 0);
        for (size_t i = 0; i < 16; ++i) {
          const size_t f = i * (c.frames - 1) / 15;
          ph.Read(static_cast<uint64_t>(f) * c.bins, c.bins, p.data(), &bytes);
          mag.Read(static_cast<uint64_t>(f) * c.bins, c.bins, m.data(), &bytes);
          for (size_t k = 0; k < c.bins; ++k)
            if (m[k] > floor) {
              ++informative[k];
              zero[k] += ZeroPhaseAnyUnit(p[k]);
            }
        }
        for (size_t k = 1; k + 1 < c.bins && interior_clear; ++k)
          if (informative[k] >= 8 && zero[k] * 10 >= informative[k] * 9) interior_clear = false;
        if (!interior_clear) continue;
      }
      out.push_back(c);
    }
  }
  return out;
}

// The first `frames` frames of a layout, in its own orientation.
NdArray ProbeArray(const RawFile& f, const LayoutCandidate& c, size_t frames) {
  NdArray a = f.array();
  a.info.fortran_order = false;  // the probe is laid out as the shape below says, in C order
  std::vector<unsigned char> bytes;
  a.values.resize(frames * c.bins);
  if (c.layout == Layout::kFramesXBins) {
    f.Read(0, frames * c.bins, a.values.data(), &bytes);
    a.info.shape = {frames, c.bins};
  } else {
    for (size_t k = 0; k < c.bins; ++k) f.Read(static_cast<uint64_t>(k) * c.frames, frames, a.values.data() + k * frames, &bytes);
    a.info.shape = {c.bins, frames};
  }
  return a;
}

// How stored cells become one-sided frames, for any frame of the dump.
struct FrameMaker {
  Geometry g;  // layout with the full frame count
  MagnitudeMap map;
  int kind = 0;  // 0 linear, 1 power, 2 other (through the map)
  double phase_scale = 1.0;
  std::vector<double> window;  // analysis window in the n_fft frame

  // Cell (mag, ph) of bin k in a frame rotated by `rotation` samples; kind and scale are
  // passed in so that the hot loops keep them in registers.
  std::complex<double> Cell(int kind_, double scale, double mag, double ph, int k, long rotation) const {
    double m;
    if (kind_ == 0) m = std::isfinite(mag) ? mag : 0.0;
    else if (kind_ == 1) m = mag > 0 && std::isfinite(mag) ? std::sqrt(mag) : 0.0;
    else m = map(mag);
    double p = ph * scale;
    if (rotation != 0) p += 2.0 * kPi * static_cast<double>((static_cast<long>(k) * rotation) % g.n_fft) / g.n_fft;
    double s, c;
    FastSinCos(p, &s, &c);
    return {m * c, m * s};
  }
  long Rotation(size_t m) const {
    const long n = g.n_fft;
    long r = (static_cast<long>(g.ref_sign) * static_cast<long>((m * static_cast<size_t>(g.hop)) % n) + g.ref_const) % n;
    return r < 0 ? r + n : r;
  }
};

// Frames [a, b) inverted and overlap-added (window-weighted, not yet normalised) into `out`,
// which covers samples a*hop .. (b-1)*hop + n_fft - 1.
class ChunkWorker {
 public:
  ChunkWorker(const FrameMaker& fm, const RawFile& mag, const RawFile& ph)
      : fm_(fm), mag_(mag), ph_(ph), fft_(fm.g.n_fft) {}

  void Run(size_t a, size_t b, std::vector<double>* out) {
    const Geometry& g = fm_.g;
    const size_t bins = g.layout.bins, frames = g.layout.frames, nf = b - a;
    const int n = g.n_fft, hop = g.hop, full = n / 2 + 1;
    mag_buf_.resize(nf * bins);
    ph_buf_.resize(nf * bins);
    specs_.resize(nf * full);
    rot_.resize(nf);
    for (size_t j = 0; j < nf; ++j) rot_[j] = fm_.Rotation(a + j);
    const int kind = fm_.kind;
    const double scale = fm_.phase_scale;
    const bool shifted = g.fftshift;
    if (g.layout.layout == Layout::kFramesXBins) {
      mag_.Read(static_cast<uint64_t>(a) * bins, nf * bins, mag_buf_.data(), &bytes_);
      ph_.Read(static_cast<uint64_t>(a) * bins, nf * bins, ph_buf_.data(), &bytes_);
      for (size_t j = 0; j < nf; ++j)
        for (int k = 0; k < full; ++k) {
          const size_t sb = shifted ? static_cast<size_t>(g.StoredBin(k)) : static_cast<size_t>(k);
          specs_[j * full + k] = sb < bins ? fm_.Cell(kind, scale, mag_buf_[j * bins + sb], ph_buf_[j * bins + sb], k, rot_[j]) : 0.0;
        }
    } else {
      // Bin rows as stored (one read per row), turned into frames a few at a time so that the
      // reads run along the rows and the writes stay in cache.
      for (size_t k = 0; k < bins; ++k) {
        mag_.Read(static_cast<uint64_t>(k) * frames + a, nf, mag_buf_.data() + k * nf, &bytes_);
        ph_.Read(static_cast<uint64_t>(k) * frames + a, nf, ph_buf_.data() + k * nf, &bytes_);
      }
      constexpr size_t kBlock = 16;
      for (size_t j0 = 0; j0 < nf; j0 += kBlock) {
        const size_t j1 = std::min(nf, j0 + kBlock);
        for (int k = 0; k < full; ++k) {
          const size_t sb = shifted ? static_cast<size_t>(g.StoredBin(k)) : static_cast<size_t>(k);
          if (sb >= bins) {
            for (size_t j = j0; j < j1; ++j) specs_[j * full + k] = 0.0;
            continue;
          }
          const double* mrow = mag_buf_.data() + sb * nf;
          const double* prow = ph_buf_.data() + sb * nf;
          const long* rot = rot_.data();
          std::complex<double>* dst = specs_.data() + k;
          for (size_t j = j0; j < j1; ++j) dst[j * full] = fm_.Cell(kind, scale, mrow[j], prow[j], k, rot[j]);
        }
      }
    }
    out->assign((nf - 1) * hop + n, 0.0);
    y_.resize(n);
    const double* w = fm_.window.data();
    for (size_t j = 0; j < nf; ++j) {
      fft_.Inverse(specs_.data() + j * full, y_.data());
      double* o = out->data() + j * hop;
      for (int i = 0; i < n; ++i) o[i] += w[i] * y_[i];
    }
  }

 private:
  const FrameMaker& fm_;
  const RawFile& mag_;
  const RawFile& ph_;
  RealFft fft_;
  std::vector<double> mag_buf_, ph_buf_, y_;
  std::vector<long> rot_;
  std::vector<unsigned char> bytes_;
  std::vector<std::complex<double>> specs_;
};

// sum_m w^2[t - m hop] over the dump's frames, periodic inside.
class Coverage {
 public:
  Coverage(const std::vector<double>& w, int hop, size_t frames) : w_(w), hop_(hop), frames_(frames) {
    periodic_.assign(hop, 0.0);
    for (size_t i = 0; i < w.size(); ++i) periodic_[i % hop] += w[i] * w[i];
    for (double v : periodic_) max_ = std::max(max_, v);
    double wmax = 0.0;
    for (double v : w) wmax = std::max(wmax, std::abs(v));
    tiny_ = 1e-10 * wmax * wmax;
  }
  double operator()(size_t t) const {
    const size_t n = w_.size();
    if (t + 1 >= n && t <= (frames_ - 1) * hop_) return periodic_[t % hop_];
    double s = 0.0;
    const size_t m_hi = std::min(frames_ - 1, t / hop_);
    for (size_t m = m_hi + 1; m-- > 0;) {
      const size_t i = t - m * hop_;
      if (i >= n) break;
      s += w_[i] * w_[i];
    }
    return s;
  }
  // Samples in [begin, end) under no window (or beyond zlen).
  size_t CountUncovered(size_t begin, size_t end, size_t zlen) const {
    size_t n = 0;
    const bool periodic_covered = *std::min_element(periodic_.begin(), periodic_.end()) > tiny_;
    const size_t inner_lo = w_.size() - 1, inner_hi = (frames_ - 1) * hop_;
    for (size_t t = begin; t < end; ++t) {
      if (periodic_covered && t >= inner_lo && t <= inner_hi) {
        t = inner_hi;
        continue;
      }
      n += t >= zlen || (*this)(t) <= tiny_;
    }
    return n;
  }
  double max() const { return max_; }
  double tiny() const { return tiny_; }

 private:
  const std::vector<double>& w_;
  size_t hop_, frames_;
  std::vector<double> periodic_;
  double max_ = 0.0, tiny_ = 0.0;
};

// Every frame's stored DC cell: the fraction of informative frames (magnitude above the floor)
// whose DC phase is 0 or pi in the inferred unit.
double ConfirmDc(const RawFile& mag, const RawFile& ph, const FrameMaker& fm, double floor, size_t* informative) {
  const Geometry& g = fm.g;
  const size_t bins = g.layout.bins, frames = g.layout.frames;
  const size_t dc = static_cast<size_t>(g.StoredBin(0));
  size_t hits = 0, total = 0;
  std::vector<unsigned char> bytes;
  const size_t block = 1 << 16;
  std::vector<double> m(block), p(block);
  auto count = [&](double mv, double pv) {
    if (!(mv > floor)) return;
    ++total;
    const double a = std::abs(std::remainder(pv * fm.phase_scale, 2 * kPi));
    hits += a <= 1e-4 || std::abs(a - kPi) <= 1e-4;
  };
  if (g.layout.layout == Layout::kBinsXFrames) {
    for (size_t f0 = 0; f0 < frames; f0 += block) {
      const size_t nf = std::min(block, frames - f0);
      mag.Read(static_cast<uint64_t>(dc) * frames + f0, nf, m.data(), &bytes);
      ph.Read(static_cast<uint64_t>(dc) * frames + f0, nf, p.data(), &bytes);
      for (size_t j = 0; j < nf; ++j) count(m[j], p[j]);
    }
  } else {
    for (size_t f = 0; f < frames; ++f) count(mag.Cell(static_cast<uint64_t>(f) * bins + dc), ph.Cell(static_cast<uint64_t>(f) * bins + dc));
  }
  *informative = total;
  return total ? static_cast<double>(hits) / total : 1.0;
}

// The magnitude floor: the least value in the file's first cells and in cells spread over all
// of it (silence, 0 or a logarithmic floor, carries no phase; quiet bins do).
double MagnitudeFloor(const RawFile& mag) {
  std::vector<double> v(std::min<uint64_t>(mag.count(), 1 << 16));
  std::vector<unsigned char> bytes;
  mag.Read(0, v.size(), v.data(), &bytes);
  double floor = INFINITY;
  for (double x : v)
    if (std::isfinite(x)) floor = std::min(floor, x);
  const uint64_t step = std::max<uint64_t>(1, mag.count() / 4096);
  for (uint64_t i = 0; i < mag.count(); i += step) {
    const double x = mag.Cell(i);
    if (std::isfinite(x)) floor = std::min(floor, x);
  }
  return floor;
}

StreamOutcome Decline(const std::string& why, bool too_small = false) {
  StreamOutcome o;
  o.why = why;
  o.too_small = too_small;
  return o;
}

}  // namespace

StreamOutcome RunStreamed(const RunOptions& options, const StreamOptions& so) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> files = options.files;
  if (options.magnitude_path) files.insert(files.begin(), *options.magnitude_path);
  if (options.phase_path) files.push_back(*options.phase_path);
  if (files.size() != 2) return Decline("not a pair of files");
  std::vector<std::string> formats;
  for (const std::string& f : files) {
    formats.push_back(SniffFormat(f));
    if (formats.back() != "raw" && formats.back() != "npy") return Decline(f + " is neither a raw file nor npy");
  }
  auto pa = std::make_unique<RawFile>(files[0], options.raw, formats[0]);
  auto pb = std::make_unique<RawFile>(files[1], options.raw, formats[1]);
  if (pa->count() != pb->count() && formats[0] == "raw" && formats[1] == "raw" && !options.raw.header_bytes &&
      !options.raw.dtype) {
    // Two files of one dump hold the same number of cells: the reading less sure of itself (a
    // header guessed from a first frame of zeros and half turns) takes the other's type, byte
    // order and cell count, if its size allows (as the whole path's AgreeOnElementCounts).
    std::unique_ptr<RawFile>& weak = pa->array().info.score < pb->array().info.score ? pa : pb;
    const RawFile& strong = &weak == &pa ? *pb : *pa;
    const NdArray& sa = strong.array();
    const uint64_t bytes = strong.count() * ElementSize(sa.info.dtype);
    const uint64_t size = RegularFileSize(weak->path());
    if (size >= bytes && size - bytes < (uint64_t{1} << 20)) {
      RawHints h = options.raw;
      h.dtype = sa.info.dtype;
      h.byte_order = sa.info.byte_order;
      h.header_bytes = size - bytes;
      const std::string was = weak->array().info.dtype + " " + weak->array().info.byte_order + ", header " +
                              std::to_string(weak->array().info.header_bytes) + " bytes";
      const double was_score = weak->array().info.score;
      auto again = std::make_unique<RawFile>(weak->path(), h, "raw");
      if (again->count() == strong.count()) {
        again->Reread(was + " (alone, before matching the other file's cell count)", was_score);
        weak = std::move(again);
      }
    }
  }
  const RawFile& a = *pa;
  const RawFile& b = *pb;
  if (a.count() != b.count()) return Decline("the two files hold different numbers of cells");
  if (a.count() < so.min_cells) return Decline("small enough to read whole", true);
  for (const RawFile* f : {&a, &b}) {
    if (IsComplexDtype(f->array().info.dtype)) return Decline(f->path() + " holds complex values");
    if (!IsFloatDtype(f->array().info.dtype))
      return Decline(f->path() + " holds integer codes (quantised: dequantised on the whole spectrogram)");
  }
  // A stored 2-D shape (npy) allows two layouts; both files must agree on it.
  const std::vector<std::pair<Layout, size_t>> allowed = LayoutsFromShape(a.array().info);
  if (allowed != LayoutsFromShape(b.array().info)) return Decline("the two files have different shapes");

  // The magnitude floor of each file (whichever turns out to be the magnitude).
  const double floors[2] = {MagnitudeFloor(a), MagnitudeFloor(b)};
  // Layout from sampled cells, each file tried as the phase unless the options say which.
  std::vector<LayoutCandidate> cands;
  for (int phase_file : {1, 0}) {
    if (options.phase_path && phase_file != 1) continue;
    if (options.magnitude_path && phase_file != 1) continue;
    const RawFile& mag = phase_file == 1 ? a : b;
    const RawFile& ph = phase_file == 1 ? b : a;
    for (const LayoutCandidate& c : FindStreamLayouts(mag, ph, phase_file, floors[phase_file == 1 ? 0 : 1], allowed)) cands.push_back(c);
  }
  if (cands.empty()) return Decline("no one-sided layout fits the sampled DC phases");
  auto since = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  std::vector<std::pair<std::string, double>> marks = {{"layout", since()}};
  std::sort(cands.begin(), cands.end(), [](const LayoutCandidate& x, const LayoutCandidate& y) { return x.bins < y.bins; });

  // Inference on a probe of the first frames, for the few likeliest layouts.
  RunResult run;
  Hints hints = options.hints;
  if (options.sample_rate) hints.sample_rate = options.sample_rate;
  LayoutCandidate chosen;
  size_t probe = 0;
  std::vector<std::string> tried;
  bool inferred = false, clear = false;
  double best_quality = 0.0;
  for (size_t ci = 0; ci < cands.size() && ci < 3; ++ci) {
    const LayoutCandidate& c = cands[ci];
    if (hints.layout) {
      Layout hl;
      if (ParseLayout(*hints.layout, &hl) && hl != c.layout) continue;
    }
    // The probe starts at frame 0 (the head shows the padding) and grows past a silent start
    // until it holds enough frames with signal; it grows again when the inference fails.
    // (At most 4096 frames, so that the probe's inference stays within the memory bound; a
    // longer silent start takes the whole path.)
    const size_t cap = std::min<size_t>(c.frames / 2, 4096);
    const size_t wanted = std::min<size_t>(so.probe_frames / 2, c.frames / 4);
    const double probe_floor = floors[c.phase_file == 1 ? 0 : 1];
    for (size_t p = std::min(so.probe_frames, cap), last = 0; p > last; last = p, p = std::min(cap, p * 4)) {
      std::vector<NdArray> arrays;
      arrays.push_back(ProbeArray(a, c, p));
      arrays.push_back(ProbeArray(b, c, p));
      for (const NdArray& arr : arrays)
        for (double v : arr.values)
          if (!std::isfinite(v)) return Decline(arr.info.path + " holds NaN or infinite values");
      // Frames with any magnitude above the floor (silence has none).
      const std::vector<double>& pm = arrays[c.phase_file == 1 ? 0 : 1].values;
      size_t with_signal = 0;
      for (size_t f = 0; f < p; ++f)
        for (size_t k = 0; k < c.bins; ++k)
          if (pm[c.layout == Layout::kFramesXBins ? f * c.bins + k : k * p + f] > probe_floor) {
            ++with_signal;
            break;
          }
      if (with_signal < wanted && p < cap) {
        tried.push_back(std::string(LayoutName(c.layout)) + " " + std::to_string(c.bins) + " bins, " +
                        std::to_string(p) + " frames: only " + std::to_string(with_signal) + " with signal");
        continue;
      }
      Hints h = hints;
      h.shape_layouts = {{c.layout, c.bins}};
      if (options.magnitude_path) h.magnitude_index = 0;
      if (options.phase_path) h.phase_index = 1;
      InferenceResult got;
      try {
        got = Infer(arrays, h);
      } catch (const Error& e) {
        if (e.code() != ExitCode::kInferenceFailed) throw;
        tried.push_back(std::string(LayoutName(c.layout)) + " " + std::to_string(c.bins) + " bins, " +
                        std::to_string(p) + " frames: " + e.Line());
        continue;
      }
      // Several layouts can pass the sampled DC test: a transposed reading of a dump whose
      // first frame is mirror-symmetric, or one bin less when the rows' ends are silent. The
      // probe that fits best is kept: a hop that fits (not assumed), the most digits of frame
      // consistency, a Nyquist bin kept. A clear fit ends the search.
      const bool assumed = got.evidence["hop"].source == "assumed";
      const double digits = got.evidence["hop"].score;
      const double quality = (assumed ? -100.0 : 0.0) + digits - (got.params.nyquist_dropped ? 1.0 : 0.0);
      const std::string what = std::string(LayoutName(c.layout)) + " " + std::to_string(c.bins) + " bins, " +
                               std::to_string(p) + " frames";
      if (!inferred || quality > best_quality) {
        if (inferred) tried.push_back(std::string(LayoutName(chosen.layout)) + " " + std::to_string(chosen.bins) +
                                      " bins: a later layout's probe fits better");
        clear = !assumed && !got.params.nyquist_dropped && digits >= 10.0;
        run.inference = std::move(got);
        for (NdArray& arr : arrays) {
          arr.values.clear();
          arr.values.shrink_to_fit();
        }
        run.arrays = std::move(arrays);
        chosen = c;
        probe = p;
        inferred = true;
        best_quality = quality;
      } else {
        tried.push_back(what + ": fits less well than the layout kept (hop " + std::to_string(digits) + " digits)");
      }
      break;
    }
    if (inferred && clear) break;
  }
  if (!inferred) return Decline("the inference failed on every probe" + (tried.empty() ? std::string() : " (" + tried.front() + ")"));
  marks.emplace_back("probe inference", since());
  InferenceResult& inf = run.inference;
  const StftParams& params = inf.params;
  if (!inf.dequantization.empty()) return Decline("quantised or clipped values (" + inf.dequantization + ")");
  if (params.nyquist_dropped) return Decline("the Nyquist bin was dropped (rebuilt from all frames)");
  if (params.detrended) return Decline("detrended frames (their means are rebuilt from all frames)");
  if (inf.geometry.layout.bins != chosen.bins || inf.geometry.layout.layout != chosen.layout)
    return Decline("the probe's inference chose another layout");
  const int mag_index = inf.roles.front().role == "magnitude" ? inf.roles.front().array_index : inf.roles.back().array_index;
  const RawFile& mag = mag_index == 0 ? a : b;
  const RawFile& ph = mag_index == 0 ? b : a;

  // The map from stored magnitudes to |X| over the whole file (logarithmic values are taken
  // relative to the file's maximum, and a clipped floor would need dequantisation).
  FrameMaker fm;
  fm.g = inf.geometry;
  fm.g.layout.frames = chosen.frames;
  fm.g.hop = params.hop;
  fm.phase_scale = inf.phase_radians_per_unit;
  fm.window = inf.frame_window;
  const std::string& scale = inf.magnitude_scale;
  fm.kind = scale == "linear" ? 0 : scale == "power" ? 1 : 2;
  if (fm.kind == 2) {
    MagnitudeStats stats;
    std::vector<double> buf(1 << 20);
    std::vector<unsigned char> bytes;
    for (uint64_t i = 0; i < mag.count(); i += buf.size()) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), mag.count() - i));
      mag.Read(i, n, buf.data(), &bytes);
      stats.Add(buf.data(), n);
    }
    fm.map = MakeMagnitudeMap(stats, scale);
    if (fm.map.clipped_cells > 0) return Decline("a clipped logarithmic floor (dequantised on the whole spectrogram)");
  }

  // One pass over every frame's DC cell confirms the layout and the phase unit.
  const double floor = floors[mag_index];
  size_t informative = 0;
  const double dc_fraction = ConfirmDc(mag, ph, fm, floor, &informative);
  marks.emplace_back("DC pass", since());
  if (dc_fraction < 0.99)
    return Decline("the pass over all frames contradicts the probe: DC zero-phase in only " +
                   std::to_string(dc_fraction) + " of the informative frames");

  // The length from the inverse of the last frames.
  const int n = params.n_fft, hop = params.hop;
  const size_t frames = chosen.frames;
  const Coverage cov(fm.window, hop, frames);
  const size_t zlen = (frames - 1) * static_cast<size_t>(hop) + n;
  {
    const size_t k = 2 * static_cast<size_t>((n + hop - 1) / hop) + 3;
    const size_t m0 = frames > k ? frames - k : 0;
    std::vector<double> z;
    ChunkWorker(fm, mag, ph).Run(m0, frames, &z);
    const long begin = m0 == 0 ? 0 : static_cast<long>((m0 - 1) * hop + n);
    std::vector<double> zt, ct;
    TailView tail;
    for (size_t t = static_cast<size_t>(begin); t < zlen; ++t) {
      const double c = cov(t);
      zt.push_back(c > cov.tiny() ? z[t - m0 * hop] / c : 0.0);
      ct.push_back(c);
      tail.peak = std::max(tail.peak, std::abs(zt.back()));
    }
    for (double v : inf.padded_signal) tail.peak = std::max(tail.peak, std::abs(v));
    for (int i = 0; i < params.pad && static_cast<size_t>(i) < inf.padded_signal.size(); ++i)
      tail.head_peak = std::max(tail.head_peak, std::abs(inf.padded_signal[i]));
    tail.z = SignalView{zt.data(), begin, static_cast<long>(zlen)};
    tail.coverage = SignalView{ct.data(), begin, static_cast<long>(zlen)};
    tail.coverage_max = cov.max();
    BoundaryResult br;
    br.center = params.center;
    br.pad = params.pad;
    br.pad_mode = params.pad_mode;
    InferLength(tail, n, hop, params.win_length, static_cast<int>(frames), &br);
    if (hints.length) {
      br.length = *hints.length;
      br.length_evidence = GivenEvidence(*hints.length);
    }
    inf.signal_length = br.length;
    // Output samples no frame's window reaches (the data do not determine them).
    inf.uncovered = cov.CountUncovered(static_cast<size_t>(br.pad), static_cast<size_t>(br.pad) + br.length, zlen);
    inf.length_min = br.length_min;
    inf.length_max = br.length_max;
    inf.evidence["length"] = br.length_evidence;
  }

  marks.emplace_back("length", since());
  // The report speaks of the whole dump.
  {
    Evidence& le = inf.evidence["layout"];
    le.value["frames"] = frames;
    char note[300];
    std::snprintf(note, sizeof note,
                  "inferred on a probe of the first %zu of %zu frames; DC phase 0 or pi in %.4f of the %zu "
                  "informative frames of the whole dump",
                  probe, frames, dc_fraction, informative);
    le.note = note;
    std::string others;
    for (const LayoutCandidate& c : cands)
      if (c.layout != chosen.layout || c.bins != chosen.bins)
        others += (others.empty() ? "" : ", ") + std::string(LayoutName(c.layout)) + " " + std::to_string(c.bins) + " bins";
    le.note += others.empty() ? "; no other layout passed the sampled DC test"
                              : "; also passed the sampled DC test (their probes fit less well or were not needed): " + others;
    for (InputRole& role : inf.roles)
      role.shape = chosen.layout == Layout::kFramesXBins ? std::vector<size_t>{frames, chosen.bins}
                                                         : std::vector<size_t>{chosen.bins, frames};
    for (size_t i = 0; i < run.arrays.size(); ++i) run.arrays[i].info.shape = (i == 0 ? a : b).array().info.shape;
  }
  inf.geometry = fm.g;
  std::vector<std::string> reading;
  for (const NdArray& arr : run.arrays) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "read %s: %s %s %s, %llu values, header %llu bytes, score %.3f (streamed)",
                  arr.info.path.c_str(), arr.info.format.c_str(), arr.info.dtype.c_str(), arr.info.byte_order.c_str(),
                  static_cast<unsigned long long>(a.count()), static_cast<unsigned long long>(arr.info.header_bytes),
                  arr.info.score);
    reading.push_back(buf);
  }
  reading.push_back("streamed: layout " + std::string(LayoutName(chosen.layout)) + " " + std::to_string(frames) +
                    " frames x " + std::to_string(chosen.bins) + " bins from sampled DC phases (" +
                    std::to_string(cands.size()) + " candidate layouts); parameters inferred on the first " +
                    std::to_string(probe) + " frames");
  for (const std::string& t : tried) reading.push_back("streamed: probe: " + t);
  InferenceLog full;
  for (const std::string& line : reading) full.Add(line);
  for (const std::string& line : inf.log.lines()) full.Add(line);
  char confirm[200];
  std::snprintf(confirm, sizeof confirm, "streamed: every frame's DC cell checked: %.4f of %zu informative frames zero-phase",
                dc_fraction, informative);
  full.Add(confirm);
  inf.log = full;
  run.array_roles = {"spectrogram", "spectrogram"};
  run.sample_rate = hints.sample_rate.value_or(16000);
  run.sample_rate_source = options.sample_rate ? "given" : "assumed";
  // The probe's consistency stands for the dump's: its frames were inverted and analysed again.
  run.consistency_db = ConsistencyDb(inf.spectrogram, inf.frame_window, hop);
  run.streamed = true;
  run.probe_frames = probe;
  run.stream_threads = so.threads > 0 ? so.threads
                                      : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  run.output_samples = inf.signal_length;
  inf.spectrogram.data.clear();
  inf.spectrogram.data.shrink_to_fit();
  inf.spectrogram.frames = static_cast<int>(frames);

  StreamOutcome out;
  // Chunks of frames on the workers, overlap-added in order, normalised by the coverage,
  // trimmed to the signal and written as they are final, times `gain`; *peak gets the largest
  // |sample| before the gain. Returns the WAV's temporary file.
  auto pass = [&](double gain, double* peak) -> std::string {
    WavStream wav(so.wav_path, run.sample_rate, options.wav_format);
    const size_t chunk = std::max<size_t>(1, so.chunk_frames);
    const size_t nchunks = (frames + chunk - 1) / chunk;
    const size_t workers = static_cast<size_t>(run.stream_threads);
    std::vector<double> acc;  // samples acc_begin.. of the overlap-add, not yet written
    size_t acc_begin = 0;
    const size_t pad = static_cast<size_t>(params.pad), length = inf.signal_length;
    std::vector<double> block;
    *peak = 0.0;
    auto emit = [&](size_t until) {  // samples acc_begin..until-1 are final
      if (acc.size() < until - acc_begin) acc.resize(until - acc_begin, 0.0);  // gaps (hop > n_fft)
      const size_t lo = std::max(acc_begin, pad), hi = std::min(until, pad + length);
      block.resize(hi > lo ? hi - lo : 0);
      double pk = *peak;
      for (size_t t = lo; t < hi; ++t) {
        const double c = cov(t);
        const double v = c > cov.tiny() ? acc[t - acc_begin] / c : 0.0;
        pk = std::max(pk, std::abs(v));
        block[t - lo] = v * gain;
      }
      *peak = pk;
      if (!block.empty()) wav.Write(block.data(), block.size());
      acc.erase(acc.begin(), acc.begin() + static_cast<long>(until - acc_begin));
      acc_begin = until;
    };
    // Workers take chunks in order and compute them ahead; this thread overlap-adds and writes
    // them in order. At most kAhead chunks wait, so memory stays bounded.
    const size_t kAhead = 2 * workers + 1;
    std::mutex mu;
    std::condition_variable cv;
    size_t next = 0, merged = 0;
    bool abort = false;
    std::exception_ptr error;
    std::vector<std::unique_ptr<std::vector<double>>> ready(nchunks);
    auto work = [&] {
      ChunkWorker worker(fm, mag, ph);
      for (;;) {
        size_t c;
        {
          std::unique_lock<std::mutex> lock(mu);
          cv.wait(lock, [&] { return abort || next >= nchunks || next < merged + kAhead; });
          if (abort || next >= nchunks) return;
          c = next++;
        }
        auto buf = std::make_unique<std::vector<double>>();
        try {
          worker.Run(c * chunk, std::min(frames, (c + 1) * chunk), buf.get());
        } catch (...) {
          std::lock_guard<std::mutex> lock(mu);
          if (!error) error = std::current_exception();
          abort = true;
          cv.notify_all();
          return;
        }
        std::lock_guard<std::mutex> lock(mu);
        ready[c] = std::move(buf);
        cv.notify_all();
      }
    };
    std::vector<std::thread> threads;
    for (size_t w = 0; w < workers; ++w) threads.emplace_back(work);
    try {
      for (size_t c = 0; c < nchunks; ++c) {
        std::unique_ptr<std::vector<double>> buf;
        {
          std::unique_lock<std::mutex> lock(mu);
          cv.wait(lock, [&] { return abort || ready[c] != nullptr; });
          if (abort) break;
          buf = std::move(ready[c]);
          merged = c + 1;
          cv.notify_all();
        }
        const size_t fa = c * chunk, fb = std::min(frames, fa + chunk);
        const size_t s0 = fa * hop, s1 = s0 + buf->size();
        if (acc.size() < s1 - acc_begin) acc.resize(s1 - acc_begin, 0.0);
        double* dst = acc.data() + (s0 - acc_begin);
        for (size_t i = 0; i < buf->size(); ++i) dst[i] += (*buf)[i];
        emit(fb < frames ? fb * hop : zlen);
      }
    } catch (...) {
      {
        std::lock_guard<std::mutex> lock(mu);
        abort = true;
        cv.notify_all();
      }
      for (std::thread& t : threads) t.join();
      throw;
    }
    for (std::thread& t : threads) t.join();
    if (error) std::rethrow_exception(error);
    // A length beyond the inverse (the original may run past the last frame): zeros.
    const size_t written = wav.written();
    if (written < length) {
      std::vector<double> zeros(std::min<size_t>(length - written, 1 << 16), 0.0);
      for (size_t left = length - written; left > 0;) {
        const size_t nz = std::min(left, zeros.size());
        wav.Write(zeros.data(), nz);
        left -= nz;
      }
    }
    run.stream_chunks = nchunks;
    run.wav = wav.result();
    return wav.Finish();
  };
  if (!so.wav_path.empty()) {
    double peak = 0.0;
    out.wav_tmp = pass(inf.gain, &peak);
    marks.emplace_back("overlap-add and WAV", since());
    // The level convention was chosen on the probe's peak; the whole signal's may choose
    // another (a quiet start): then the audio is made again at that level.
    const double wsum = std::accumulate(fm.window.begin(), fm.window.end(), 0.0);
    double wsum2 = 0.0;
    for (double v : fm.window) wsum2 += v * v;
    const Evidence& ge = inf.evidence["gain"];
    if (ge.source == "assumed") {
      const GainChoice gc = ChooseGain(peak, wsum, wsum2, n, hints.sample_rate.value_or(16000));
      if (gc.convention != inf.gain_convention) {
        inf.log.Addf("gain: the whole signal's peak %.4g chooses %s, not %s as the probe's did: made again",
                     peak, gc.convention.c_str(), inf.gain_convention.c_str());
        ::unlink(out.wav_tmp.c_str());
        out.wav_tmp.clear();
        inf.gain = gc.factor;
        inf.gain_convention = gc.convention;
        inf.evidence["gain"] = gc.evidence;
        out.wav_tmp = pass(inf.gain, &peak);
        marks.emplace_back("made again at the whole signal's level", since());
      }
      inf.evidence["gain"].note += (inf.evidence["gain"].note.empty() ? "" : "; ") +
                                   std::string("chosen on the peak of the whole signal");
    }
    run.wrote_wav = true;
  } else if (inf.evidence["gain"].source == "assumed") {
    inf.evidence["gain"].note += (inf.evidence["gain"].note.empty() ? "" : "; ") +
                                 std::string("chosen on the peak of the probe's frames (infer does not make the whole signal)");
  }
  run.seconds = since();
  std::string timing = "streamed: seconds since the start:";
  for (const auto& [what, t] : marks) {
    char buf[80];
    std::snprintf(buf, sizeof buf, " %s %.3f;", what.c_str(), t);
    timing += buf;
  }
  run.inference.log.Add(timing);
  out.used = true;
  out.run = std::move(run);
  return out;
}

StreamedOrWhole RunStreamedOrWhole(const RunOptions& options, const StreamedOrWholeOptions& how) {
  StreamedOrWhole out;
  const auto tell_log = [&] {
    if (how.verbose)
      for (const std::string& line : out.run.inference.log.lines()) *how.verbose << "  " << line << "\n";
  };
  if (how.may_stream) {
    StreamOutcome s = RunStreamed(options, how.stream);
    if (s.used) {
      out.run = std::move(s.run);
      out.wav_tmp = std::move(s.wav_tmp);
      tell_log();
      return out;
    }
    if (how.verbose && !s.too_small) *how.verbose << "  not streamed: " << s.why << "\n";
  }
  {
    std::unique_lock<std::mutex> lock;
    if (how.inference_lock) lock = std::unique_lock<std::mutex>(*how.inference_lock);
    out.run = RunInference(options);
  }
  tell_log();
  Reconstruct(&out.run);
  if (!how.stream.wav_path.empty()) {
    out.run.wav = WriteWavTemp(how.stream.wav_path, out.run.signal, out.run.sample_rate, options.wav_format,
                               &out.wav_tmp);
    out.run.wrote_wav = true;
  }
  return out;
}

}  // namespace specrecon
