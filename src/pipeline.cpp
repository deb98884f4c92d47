#include "src/pipeline.h"

#include <chrono>
#include <cmath>

#include "src/errors.h"

namespace specrecon {

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
  if (options.magnitude_path) hints.magnitude_index = 0;
  if (options.phase_path) hints.phase_index = static_cast<int>(run.arrays.size()) - 1;
  run.inference = Infer(run.arrays, hints);
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
  run->consistency_db = ConsistencyDb(inf.spectrogram, inf.frame_window, inf.params.hop);
  run->seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace specrecon
