// Why this file exists: a long dump (minutes of audio, hundreds of megabytes) must not be read
// into memory whole or have every frame searched. For a pair of raw or npy files (magnitude and
// phase) of at least kStreamMinCells cells each, this path reads the files with pread and never
// holds them: the frame layout is found from sampled cells (the DC phase of a real signal's spectrum is
// 0 or pi in every frame, other bins are not), the STFT parameters are inferred by the ordinary
// inference on a probe of the first frames (src/pipeline.h, inference/infer.h), the length from
// the inverse of the last frames, and every frame's DC phase is then checked in one pass. The
// reconstruction runs in chunks of frames on worker threads, overlap-added in order and written
// to the WAV as it is produced: memory does not grow with the dump's length.
//
// The path declines (StreamOutcome::used false, with the reason) whenever the whole-array path
// would do something it does not: inputs that are not two raw or npy files of equal cell count
// (after a weakly read raw file takes the other's type, as the whole path's AgreeOnElementCounts),
// quantised or clipped values (consistent dequantisation works on the whole spectrogram), a
// dropped Nyquist bin or detrended frames (both rebuilt from all frames), layouts it cannot pin
// down, a probe the inference fails on, or a pass that contradicts the probe. The caller then
// runs the whole-array path, which is slower but complete (RunStreamedOrWhole below does both).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>

#include "src/pipeline.h"

namespace specrecon {

// Files with fewer cells take the whole-array path (its full search is cheap at that size).
constexpr uint64_t kStreamMinCells = uint64_t{1} << 22;

struct StreamOptions {
  std::string wav_path;   // empty: infer only (no audio written)
  int threads = 0;        // worker threads for the inverse FFTs; 0: the machine's cores (at most 8)
  size_t probe_frames = 256;
  size_t chunk_frames = 512;
  uint64_t min_cells = kStreamMinCells;
};

struct StreamOutcome {
  bool used = false;  // false: declined, `why` says why; nothing was written
  std::string why;
  // Declined only because the dump is below min_cells: the ordinary case for a small dump, not
  // worth telling (the command line's -v names every other reason).
  bool too_small = false;
  RunResult run;
  std::string wav_tmp;  // the WAV in a temporary file beside wav_path, for the caller to commit
};

// Throws Error like RunInference for files that cannot be read.
StreamOutcome RunStreamed(const RunOptions& options, const StreamOptions& stream);

// One run as the command line and batch make it: streamed when allowed and the stream does not
// decline, else the whole-array path (RunInference, Reconstruct, and the WAV from the signal).
struct StreamedOrWholeOptions {
  // stream.wav_path is the WAV's destination on either path (empty: infer only, no WAV);
  // stream.threads the streamed path's workers.
  StreamOptions stream;
  bool may_stream = true;  // false: the whole-array path only (--whole, --html; MAT files in batch)
  // Held around the whole-array path's RunInference (batch: libmatio is not thread safe).
  std::mutex* inference_lock = nullptr;
  // -v: "  not streamed: <why>" when the stream declines for any reason but a small dump, then
  // the inference log, one indented line each, before the audio is made.
  std::ostream* verbose = nullptr;
};

struct StreamedOrWhole {
  RunResult run;        // run.streamed tells the path; run.wrote_wav when a WAV was written
  std::string wav_tmp;  // the WAV in a temporary file beside stream.wav_path, for the caller to
                        // commit or remove (empty without a wav_path)
};

// Throws Error as RunStreamed and RunInference do, and Error(kOutputFailed) when the WAV cannot
// be written (no temporary file remains then).
StreamedOrWhole RunStreamedOrWhole(const RunOptions& options, const StreamedOrWholeOptions& how);

}  // namespace specrecon
