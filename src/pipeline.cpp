#include "src/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <cstdint>

#include "formats/limits.h"
#include "formats/reader.h"
#include "inference/containers.h"
#include "src/errors.h"

namespace specrecon {

namespace {

size_t NonFinite(const std::vector<double>& v) {
  size_t n = 0;
  for (double x : v) n += !std::isfinite(x);
  return n;
}

// Two raw files of one dump hold the same number of cells. When their independent readings
// disagree, the file read less surely is re-read with the element size that makes the counts
// agree (int16 phase codes beside a float32 magnitude would otherwise read as bytes).
void AgreeOnElementCounts(std::vector<NdArray>* arrays, const RawHints& hints) {
  if (arrays->size() != 2 || hints.dtype) return;
  NdArray& a = (*arrays)[0];
  NdArray& b = (*arrays)[1];
  if (a.info.format != "raw" || b.info.format != "raw" || a.size() == b.size()) return;
  NdArray& weak = a.info.score < b.info.score ? a : b;
  const NdArray& strong = &weak == &a ? b : a;
  // The bytes the weak reading covered, or the whole file: a reading of an odd-sized file of
  // bytes as int16 leaves one byte over (or takes it as a header).
  if (strong.size() == 0) return;
  uint64_t bytes = static_cast<uint64_t>(weak.size()) * ElementSize(weak.info.dtype);
  uint64_t header = weak.info.header_bytes;
  if (bytes % strong.size() != 0) {
    uint64_t file_bytes = 0;
    try {
      file_bytes = weak.info.inflated_bytes ? weak.info.inflated_bytes : RegularFileSize(weak.info.path);
    } catch (const Error&) {
      return;
    }
    if (file_bytes % strong.size() != 0) return;
    bytes = file_bytes;
    header = 0;
  }
  const size_t es = static_cast<size_t>(bytes / strong.size());
  NdArray best;
  bool found = false;
  for (const char* dt : {"float32", "int32", "float16", "int16", "float64", "uint8", "int8"}) {
   if (ElementSize(dt) != es) continue;
   for (const char* order : {"little", "big"}) {
    if (hints.byte_order && *hints.byte_order != order) continue;
    if (es == 1 && std::string(order) == "big") continue;
    RawHints h = hints;
    h.dtype = dt;
    h.byte_order = order;
    h.header_bytes = header;
    NdArray cand;
    try {
      cand = ReadArrayAgain(weak.info, h);
    } catch (const Error&) {
      continue;
    }
    cand.info.dtype_given = false;
    // A reading with NaN or Inf loses to one without; big-endian must score clearly better
    // than little-endian (most dumps come from little-endian machines).
    const double bias = std::string(order) == "big" ? 1.2 : 1.0;
    const bool better = !found || (NonFinite(cand.values) < NonFinite(best.values)) ||
                        (NonFinite(cand.values) == NonFinite(best.values) && cand.info.score > bias * best.info.score);
    if (cand.size() == strong.size() && better) {
      best = std::move(cand);
      found = true;
    }
   }
  }
  if (found) {
    best.info.runner_up = weak.info.dtype + " " + weak.info.byte_order + " (alone, before matching the other file's cell count)";
    best.info.runner_up_score = weak.info.score;
    weak = std::move(best);
  }
}

// Whether every non-finite value is -inf (and there is one): the logarithm of a zero.
bool OnlyMinusInfinity(const std::vector<double>& v) {
  size_t minus = 0;
  for (double x : v) {
    if (std::isnan(x) || x == HUGE_VAL) return false;
    if (x == -HUGE_VAL) ++minus;
  }
  return minus > 0;
}

// A logarithmic dump of a spectrogram with exact zeros holds -inf there (torch.log(spec) or
// 20*np.log10(|X|) of digital silence). Those cells are |X| = 0, the floor of the data: they
// are set to the smallest finite value, which the magnitude scale's floor handling then reads as
// silence (an epsilon or a clipped floor). A float32 log-power dump of speech padded with
// silence (19018 of 68362 cells -inf) was read as int32 codes for its "NaN or Inf".
void LogZerosToFloor(NdArray* a) {
  if (!OnlyMinusInfinity(a->values)) return;
  double lo = HUGE_VAL;
  size_t n = 0;
  for (double x : a->values)
    if (std::isfinite(x)) lo = std::min(lo, x);
  if (!std::isfinite(lo)) return;  // nothing finite: refused later
  for (double& x : a->values)
    if (x == -HUGE_VAL) x = lo, ++n;
  a->info.note += (a->info.note.empty() ? "" : "; ") + std::to_string(n) +
                  " values of -inf (the logarithm of a zero) read as the smallest finite value, " + std::to_string(lo);
}

// Whether the unsigned reading of the same bytes is the smoother sequence where the two
// readings differ (around codes of 32768 and above): codes of |X| scaled
// to 0..65535 cross 32768 smoothly unsigned and jump by 65536 signed; signed codes (phase
// scaled to +-32767) jump by 65536 unsigned where they cross zero.
bool UnsignedReadsBetter(const std::vector<double>& as_signed, const std::vector<double>& as_unsigned) {
  double ds = 0.0, du = 0.0;
  for (size_t i = 1; i < as_signed.size() && i < as_unsigned.size(); ++i) {
    if (as_signed[i] == as_unsigned[i] && as_signed[i - 1] == as_unsigned[i - 1]) continue;  // the readings agree here
    ds += std::abs(as_signed[i] - as_signed[i - 1]);
    du += std::abs(as_unsigned[i] - as_unsigned[i - 1]);
  }
  return du < 0.9 * ds;
}

// A float reading with NaN or Inf beside an integer type of the same size that reads every
// value: integer codes (int16 quantised magnitudes) decode as float16 with a few NaNs.
// The integer readings are ranked by their plausibility (the byte order shows in how the high
// and low bytes of neighbours move); big-endian must score 1.2 times better than little, as in
// AgreeOnElementCounts. (The first integer type that read was once taken: big-endian int16
// codes of |X| were read little-endian.)
void PreferFiniteReading(NdArray* a, const RawHints& hints) {
  if (a->info.format != "raw" || hints.dtype || NonFinite(a->values) == 0 || OnlyMinusInfinity(a->values)) return;
  const size_t es = ElementSize(a->info.dtype);
  NdArray best;
  bool found = false;
  for (const char* dt : {"int16", "int32", "int8", "uint8"}) {
    if (ElementSize(dt) != es) continue;
    for (const char* order : {"little", "big"}) {
      if (es == 1 && std::string(order) == "big") continue;
      RawHints h = hints;
      h.dtype = dt;
      h.byte_order = order;
      h.header_bytes = a->info.header_bytes;
      try {
        NdArray cand = ReadArrayAgain(a->info, h);
        if (cand.size() != a->size()) continue;
        const double bias = std::string(order) == "big" ? 1.2 : 1.0;
        if (!found || cand.info.score > bias * best.info.score) best = std::move(cand), found = true;
      } catch (const Error&) {
      }
    }
  }
  if (!found) return;
  best.info.dtype_given = false;
  best.info.runner_up = a->info.dtype + " " + a->info.byte_order + " (has NaN or Inf)";
  best.info.runner_up_score = a->info.score;
  *a = std::move(best);
}

// An int16 or int32 reading with negative values, where the unsigned reading of the same
// bytes is the smoother one (UnsignedReadsBetter), is read unsigned: codes of |X| scaled to
// 0..65535 read as int16 have negatives, which the magnitude path took for a logarithmic
// scale. Unsigned types are not among the types guessed (they read the same bytes as the
// signed ones); a given --dtype is kept.
void PreferUnsignedReading(NdArray* a, const RawHints& hints) {
  if (a->info.format != "raw" || hints.dtype || (a->info.dtype != "int16" && a->info.dtype != "int32")) return;
  if (!std::any_of(a->values.begin(), a->values.end(), [](double v) { return v < 0.0; })) return;
  RawHints h = hints;
  h.dtype = a->info.dtype == "int16" ? "uint16" : "uint32";
  h.byte_order = a->info.byte_order;
  h.header_bytes = a->info.header_bytes;
  try {
    NdArray cand = ReadArrayAgain(a->info, h);
    if (cand.size() != a->size() || !UnsignedReadsBetter(a->values, cand.values)) return;
    cand.info.dtype_given = false;
    cand.info.score = a->info.score;
    cand.info.runner_up = a->info.dtype + " " + a->info.byte_order + " (negative codes: the unsigned reading is smoother)";
    cand.info.runner_up_score = a->info.score;
    *a = std::move(cand);
  } catch (const Error&) {
  }
}

}  // namespace

RunResult RunInference(const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  RunResult run;
  std::vector<std::string> files = options.files;
  Hints hints = options.hints;
  if (options.magnitude_path) files.insert(files.begin(), *options.magnitude_path);
  if (options.phase_path) files.push_back(*options.phase_path);
  if (files.empty()) ThrowUsage("no input files");
  if (files.size() > 3) ThrowUsage("at most three input files, got " + std::to_string(files.size()));
  for (const std::string& f : files) {
    std::vector<NdArray> got = ReadArrays(f, options.raw);
    for (NdArray& a : got) run.arrays.push_back(std::move(a));
  }
  AgreeOnElementCounts(&run.arrays, options.raw);
  for (NdArray& a : run.arrays) PreferFiniteReading(&a, options.raw);
  for (NdArray& a : run.arrays) LogZerosToFloor(&a);
  for (NdArray& a : run.arrays) PreferUnsignedReading(&a, options.raw);
  // Which arrays are the spectrogram, which are axes or a sample rate (containers, or a third
  // file). The spectrogram arrays go to inference; the rest is evidence.
  const ArrayRoles roles = ClassifyArrays(run.arrays);
  run.array_roles = roles.role_of;
  if (roles.main.empty())
    ThrowBadInput(files.front(), "holds no array that can be a spectrogram (only " +
                                     std::to_string(run.arrays.size()) + " small arrays)");
  // What was read, first in the log (and in the log shown on failure): before the spectrogram
  // arrays are moved to inference.
  std::vector<std::string> reading;
  for (const NdArray& a : run.arrays) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "read %s: %s %s %s, %zu values, header %llu bytes, score %.3f%s%s",
                  SourceOf(a.info).c_str(), a.info.format.c_str(), a.info.dtype.c_str(), a.info.byte_order.c_str(),
                  a.size(), static_cast<unsigned long long>(a.info.header_bytes), a.info.score,
                  a.info.runner_up.empty() ? "" : ", runner-up ", a.info.runner_up.c_str());
    reading.push_back(buf);
  }
  std::vector<NdArray> main;
  for (int idx : roles.main) main.push_back(std::move(run.arrays[idx]));
  for (const std::string& note : MatchStorageOrder(&main)) reading.push_back(note);
  if (roles.real_part && roles.imag_part && main.size() == 2 && main[0].size() == main[1].size()) {
    NdArray c = std::move(main[*roles.real_part]);
    c.imag = std::move(main[*roles.imag_part].values);
    c.info.name += "+i*" + main[*roles.imag_part].info.name;
    main = {std::move(c)};
  }
  if (main.size() == 2 && !options.magnitude_path && !options.phase_path && roles.magnitude && roles.phase) {
    hints.magnitude_index = *roles.magnitude;  // names say it
    hints.phase_index = *roles.phase;
  }
  if (options.magnitude_path) hints.magnitude_index = 0;
  if (options.phase_path) hints.phase_index = static_cast<int>(main.size()) - 1;
  hints.shape_layouts = LayoutsFromShape(main.front().info);
  if (!options.sample_rate && roles.sample_rate) {
    hints.sample_rate = static_cast<int>(std::lround(*roles.sample_rate));
    run.sample_rate = *hints.sample_rate;
    run.sample_rate_source = "metadata";
    run.sample_rate_note = "read from " + roles.sample_rate_from;
  }
  if (options.sample_rate) hints.sample_rate = options.sample_rate;
  for (const std::string& note : roles.notes) reading.push_back(note);
  for (size_t i = 0; i < run.array_roles.size(); ++i)
    if (run.array_roles[i] != "spectrogram" && run.array_roles[i] != "complex")
      reading.push_back("array " + (run.arrays[i].info.name.empty() ? run.arrays[i].info.path : run.arrays[i].info.name) +
                        ": " + run.array_roles[i]);
  try {
    run.inference = Infer(main, hints);
  } catch (Error& e) {
    e.details.insert(e.details.begin(), reading.begin(), reading.end());
    // Name the dump: inference messages that do not start with a file name get the first file's.
    if (e.file().empty() && std::string(e.what()).rfind("\"", 0) != 0) {
      Error named(e.code(), files.front(), e.what());
      named.details = std::move(e.details);
      throw named;
    }
    throw;
  }
  // Back in place, and roles indexed like the inputs.
  for (size_t j = 0; j < main.size() && j < roles.main.size(); ++j) run.arrays[roles.main[j]] = std::move(main[j]);
  for (InputRole& role : run.inference.roles)
    if (role.array_index >= 0 && role.array_index < static_cast<int>(roles.main.size()))
      role.array_index = roles.main[role.array_index];
  if (!options.sample_rate && !roles.sample_rate) {
    std::string from;
    if (auto fs = SampleRateFromAxes(run.arrays, roles, run.inference.params.n_fft, run.inference.params.hop, &from)) {
      run.sample_rate = static_cast<int>(std::lround(*fs));
      run.sample_rate_source = "metadata";
      run.sample_rate_note = "from the " + from;
    }
  }
  InferenceLog full;
  for (const std::string& line : reading) full.Add(line);
  for (const std::string& line : run.inference.log.lines()) full.Add(line);
  run.inference.log = full;
  for (NdArray& a : run.arrays) {
    a.values.clear();
    a.values.shrink_to_fit();
    a.imag.clear();
    a.imag.shrink_to_fit();
  }
  if (options.sample_rate) {
    run.sample_rate = *options.sample_rate;
    run.sample_rate_source = "given";
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return run;
}

void Reconstruct(RunResult* run) {
  const auto t0 = std::chrono::steady_clock::now();
  InferenceResult& inf = run->inference;
  const std::vector<double>& z = inf.padded_signal;
  run->signal.assign(inf.signal_length, 0.0);
  for (size_t t = 0; t < inf.signal_length; ++t) {
    const size_t src = static_cast<size_t>(inf.params.pad) + t;
    if (src < z.size()) run->signal[t] = z[src] * inf.gain;
  }
  run->output_samples = run->signal.size();
  run->consistency_db = ConsistencyDb(inf.spectrogram, inf.frame_window, inf.params.hop);
  run->seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace specrecon
