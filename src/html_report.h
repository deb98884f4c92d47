// Why this file exists: the JSON report is for scripts; an analyst wants to read and look.
// `--html REPORT.html` writes one self-contained page (inline CSS and SVG, images and audio as
// data: URIs, no script, no network): the parameter table (value, source, confidence, score,
// metric, runner-up, notes for every parameter in the evidence), warnings, and the plots that
// show why: hop scan, inferred window against the best few families, the dump's magnitude
// spectrogram beside the reconstruction's, the consistency of each frame, and a player.
//
// Element ids (stable, tests look for them): param-table, input-table, warnings, plot-hop,
// plot-window, plot-window-diff, spec-dump, spec-output, plot-consistency, audio-player.
// Images: log magnitude (dB, one shared scale, 100 dB range), viridis, at most 800 x 300 pixels
// (max-pooled over frames and bins). Thread safety: reentrant (FFT plans per call).
#pragma once

#include <cstddef>
#include <string>

#include "src/pipeline.h"

namespace specrecon {

struct HtmlReportOptions {
  // The WAV `reconstruct` wrote (embedded when smaller than embed_limit, else linked relative to
  // the page). Empty for `infer`: the signal is then encoded in memory as float32 WAV.
  std::string wav_path;
  size_t embed_limit = 20u << 20;  // bytes of WAV
  int max_image_width = 800, max_image_height = 300;
};

// The page. `html_path` is where it will live (for the relative link to a large WAV).
std::string BuildHtmlReport(const RunResult& run, const std::string& html_path, const HtmlReportOptions& options);

// Builds the page and writes it atomically (temporary file in the same directory, renamed into
// place). Throws Error(kOutputFailed) naming the path; the destination is then left as it was.
void WriteHtmlReport(const std::string& path, const RunResult& run, const HtmlReportOptions& options);

// Per-frame consistency ||X_m - STFT(ISTFT(X))_m|| / ||X_m|| in dB (NaN for a silent frame),
// of the inferred spectrogram under the inferred window and hop.
std::vector<double> FrameConsistencyDb(const InferenceResult& inference);

}  // namespace specrecon
