// Why this file exists: `specrecon batch DIR|MANIFEST -o OUTDIR [--jobs N] [hints]` runs the
// whole pipeline (RunInference, Reconstruct, WAV, JSON report) on every dump set of a folder or
// manifest (grouping rules in src/dump_sets.h), in parallel, and never lets one failure stop the
// rest. It writes OUTDIR/<set>.wav and OUTDIR/<set>.json for each set that succeeds, and
// OUTDIR/summary.csv and OUTDIR/summary.json listing every set: files, parameters (n_fft, hop,
// win_length, window, center, consistency), status (ok, or the exit code and the error line),
// and which worker ran it over which interval (seconds since the batch began).
//
// Exit code of the batch: 0 when every set succeeded; otherwise the highest exit code among the
// sets (5 output failed > 4 inference failed > 3 bad input). Errors of the batch itself: 3 when
// DIR/MANIFEST is unreadable or holds no set, 5 when OUTDIR or a summary cannot be written.
//
// Threads: --jobs N worker threads (default: std::thread::hardware_concurrency()) take sets in
// order; each set's FFT plans belong to its thread (src/fft.h). MAT-files are read under one
// lock (libmatio reports through a process-wide log hook). The grouping and the per-set results
// go to `out` and `err`; a progress bar goes to `err` only when stderr is a terminal.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/dump_sets.h"
#include "src/pipeline.h"

namespace specrecon {

struct BatchOptions {
  std::string input;    // DIR or MANIFEST
  std::string out_dir;  // OUTDIR (created when missing)
  int jobs = 0;         // worker threads; 0: hardware concurrency
  RunOptions run;       // hints, raw hints, sample rate and WAV format for every set (files unused)
  bool progress = false;  // draw the progress bar (the CLI passes StderrIsTerminal())
  bool force = false;     // replace existing outputs; otherwise any existing one fails the batch (exit 5)
  bool whole = false;     // --whole: no set streams (src/stream.h)
};

struct SetOutcome {
  DumpSet set;
  int exit_code = 0;        // 0: ok
  std::string error;        // the one-line error (error: "<file>": <what>) when not ok
  nlohmann::json params;    // n_fft, hop, win_length, window, center, consistency_db, ... (ok only)
  std::string wav, report;  // written paths (ok only)
  int worker = -1;          // 0..jobs-1
  double start_s = 0.0, end_s = 0.0;  // since the batch began
};

struct BatchResult {
  std::vector<SetOutcome> sets;  // in grouping order
  int jobs = 1;
  int exit_code = 0;
};

// Runs the batch. Throws Error for failures of the batch itself (see above); a set's failure is
// recorded in its outcome.
BatchResult RunBatch(const BatchOptions& options, std::ostream& out, std::ostream& err);

// The summary files' contents (exposed for tests).
std::string SummaryCsv(const BatchResult& result);
nlohmann::json SummaryJson(const BatchResult& result, const BatchOptions& options);

}  // namespace specrecon
