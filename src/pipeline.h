// Why this file exists: the data flow in one place: files -> arrays -> inferred STFT -> audio
// and report. The command line and the tests call these; nothing here parses arguments.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "formats/reader.h"
#include "inference/infer.h"
#include "src/wav.h"

namespace specrecon {

struct RunOptions {
  std::vector<std::string> files;              // positional inputs, any order
  std::optional<std::string> magnitude_path;   // --magnitude
  std::optional<std::string> phase_path;       // --phase
  RawHints raw;                                // --dtype, --byte-order, --header-bytes
  Hints hints;                                 // STFT hints
  std::optional<int> sample_rate;              // --sample-rate
  WavFormat wav_format = WavFormat::kFloat32;
};

struct RunResult {
  std::vector<NdArray> arrays;  // values dropped after inference to save memory
  InferenceResult inference;
  std::vector<double> signal;   // trimmed, scaled output
  int sample_rate = 16000;
  std::string sample_rate_source = "assumed";  // given|metadata|assumed
  std::string sample_rate_note;
  std::vector<std::string> array_roles;  // per input array (see inference/containers.h)
  double consistency_db = 0.0;
  double seconds = 0.0;
  WavWriteResult wav;
  bool wrote_wav = false;
  size_t output_samples = 0;  // the output signal's length (also when streamed: `signal` empty)
  // A streamed run (src/stream.h): the parameters come from a probe of the first frames, the
  // audio was written in chunks on worker threads.
  bool streamed = false;
  size_t probe_frames = 0, stream_chunks = 0;
  int stream_threads = 0;
};

// Reads the inputs and infers the STFT. Throws Error.
RunResult RunInference(const RunOptions& options);

// Builds the output signal from an inference (trim padding, apply gain) and measures the
// consistency of the result.
void Reconstruct(RunResult* run);

}  // namespace specrecon
