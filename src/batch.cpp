#include "src/batch.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include <sys/stat.h>

#include "formats/reader.h"
#include "src/assessment.h"
#include "src/atomic_file.h"
#include "src/errors.h"
#include "src/progress.h"
#include "src/report.h"
#include "src/stream.h"

namespace specrecon {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Round(double v, double scale) { return std::isfinite(v) ? std::round(v * scale) / scale : (v > 0 ? 999.0 : -999.0); }

std::string Joined(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

bool HasMatFile(const DumpSet& set) {
  for (const std::string& f : set.files) {
    try {
      if (SniffFormat(f) == "mat5") return true;
    } catch (const std::exception&) {
    }
  }
  return false;
}

void ProcessSet(const BatchOptions& o, std::mutex* mat_lock, SetOutcome* r) {
  const std::string wav = (fs::path(o.out_dir) / (r->set.name + ".wav")).string();
  const std::string json = (fs::path(o.out_dir) / (r->set.name + ".json")).string();
  try {
    RunOptions ro = o.run;
    ro.files = r->set.files;
    ro.magnitude_path.reset();
    ro.phase_path.reset();
    // A large raw or npy pair streams (src/stream.h), its WAV written as it is made; one worker
    // thread per set when several sets run at once. MAT files are read one set at a time.
    StreamedOrWholeOptions how;
    how.may_stream = !o.whole && !HasMatFile(r->set);
    if (!how.may_stream) how.inference_lock = mat_lock;
    how.stream.wav_path = wav;
    how.stream.threads = o.jobs == 1 ? 0 : 1;
    StreamedOrWhole made = RunStreamedOrWhole(ro, how);
    const RunResult& run = made.run;
    std::string& wav_tmp = made.wav_tmp;
    std::string json_tmp;
    // Both outputs to temporary files first, then moved into place (src/atomic_file.h).
    try {
      json_tmp = WriteTempFile(json, BuildReport(run, true).dump(2) + "\n");
      CommitTempFile(wav_tmp, wav, o.force);
      wav_tmp.clear();
      CommitTempFile(json_tmp, json, o.force);
    } catch (const Error&) {
      // Temporaries not moved into place; the outputs themselves are removed below.
      if (!wav_tmp.empty()) std::remove(wav_tmp.c_str());
      if (!json_tmp.empty()) std::remove(json_tmp.c_str());
      throw;
    }
    const StftParams& p = run.inference.params;
    r->params = {{"n_fft", p.n_fft},
                 {"hop", p.hop},
                 {"win_length", p.win_length},
                 {"window", DescribeWindow(p.window)},
                 {"window_family", WindowFamilyName(p.window.family)},
                 {"window_offset", p.offset},
                 {"center", p.center},
                 {"pad_mode", p.pad_mode},
                 {"magnitude_scale", run.inference.magnitude_scale},
                 {"length", run.inference.signal_length},
                 {"sample_rate", run.sample_rate},
                 {"consistency_db", Round(run.consistency_db, 100.0)},
                 {"warnings", RunWarnings(run)}};
    r->wav = wav;
    r->report = json;
    return;
  } catch (const Error& e) {
    r->exit_code = static_cast<int>(e.code());
    // An error about the set as a whole (inference failed) names the set's files.
    r->error = e.file().empty() ? "error: \"" + Joined(r->set.files, "\", \"") + "\": " + e.what() : e.Line();
  } catch (const std::bad_alloc&) {
    r->exit_code = static_cast<int>(ExitCode::kBadInput);
    r->error = "error: out of memory";
  } catch (const std::exception& e) {
    r->exit_code = static_cast<int>(ExitCode::kBadInput);
    r->error = std::string("error: ") + e.what();
  }
  // No stale output of an earlier run may pass for this one.
  std::remove(wav.c_str());
  std::remove(json.c_str());
}

// Before any set is processed: no output may be one of the inputs (same inode, also through a
// symlink or a hard link), and without --force none may exist. Temporary files of killed runs
// in OUTDIR are removed.
void CheckBatchOutputs(const BatchOptions& o, const std::vector<DumpSet>& sets) {
  std::vector<std::string> outputs = {(fs::path(o.out_dir) / "summary.csv").string(),
                                      (fs::path(o.out_dir) / "summary.json").string()};
  for (const DumpSet& s : sets) {
    outputs.push_back((fs::path(o.out_dir) / (s.name + ".wav")).string());
    outputs.push_back((fs::path(o.out_dir) / (s.name + ".json")).string());
  }
  RemoveStaleTempFiles(outputs.front());
  std::vector<std::pair<struct stat, std::string>> inputs;
  for (const DumpSet& s : sets)
    for (const std::string& f : s.files) {
      struct stat st;
      if (::stat(f.c_str(), &st) == 0) inputs.emplace_back(st, f);
    }
  for (const std::string& out : outputs) {
    struct stat st;
    if (::stat(out.c_str(), &st) == 0)
      for (const auto& [in, name] : inputs)
        if (in.st_dev == st.st_dev && in.st_ino == st.st_ino)
          ThrowOutputFailed(out, "is the same file as the input \"" + name +
                                     "\" (the same path, a symlink or a hard link to it); choose another OUTDIR");
  }
  for (const std::string& out : outputs) CheckOutputAbsent(out, o.force);
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}


std::string ResultLine(const SetOutcome& r, size_t done, size_t total) {
  char head[64];
  std::snprintf(head, sizeof head, "  [%*zu/%zu] ", static_cast<int>(std::to_string(total).size()), done, total);
  std::ostringstream os;
  os << head;
  if (r.exit_code == 0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "ok      %s: n_fft %d, hop %d, %s, consistency %.1f dB (%.1f s)", r.set.name.c_str(),
                  r.params["n_fft"].get<int>(), r.params["hop"].get<int>(),
                  r.params["window"].get<std::string>().c_str(), r.params["consistency_db"].get<double>(),
                  r.end_s - r.start_s);
    os << buf;
  } else {
    os << "exit " << r.exit_code << "  " << r.set.name << ": " << r.error;
  }
  return os.str();
}

}  // namespace

BatchResult RunBatch(const BatchOptions& o, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  if (!fs::exists(o.input, ec)) ThrowBadInput(o.input, "no such file or directory");
  const bool is_dir = fs::is_directory(o.input, ec);
  std::vector<DumpSet> sets = is_dir ? FindDumpSets(o.input, o.out_dir) : ReadManifest(o.input);
  if (sets.empty())
    ThrowBadInput(o.input, is_dir ? "no dump sets found in this directory (see specrecon batch --help for what counts)"
                                  : "the manifest lists no set");
  fs::create_directories(o.out_dir, ec);
  if (!fs::is_directory(o.out_dir)) ThrowOutputFailed(o.out_dir, "cannot create the output directory" + (ec ? ": " + ec.message() : ""));
  CheckBatchOutputs(o, sets);

  BatchResult result;
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  result.jobs = std::clamp(o.jobs > 0 ? o.jobs : hw, 1, static_cast<int>(sets.size()));
  out << "specrecon batch: " << sets.size() << " dump set" << (sets.size() == 1 ? "" : "s") << " in " << o.input
      << ", " << result.jobs << " job" << (result.jobs == 1 ? "" : "s") << ", output in " << o.out_dir << "\n";
  size_t width = 4;
  for (const DumpSet& s : sets) width = std::max(width, s.name.size());
  for (const DumpSet& s : sets) {
    out << "  " << s.name << std::string(width - s.name.size() + 2, ' ') << Joined(s.files, "  ") << "   (" << s.reason << ")\n";
  }
  out.flush();

  result.sets.resize(sets.size());
  for (size_t i = 0; i < sets.size(); ++i) result.sets[i].set = sets[i];
  ProgressBar bar(err, "batch", sets.size(), o.progress);
  std::atomic<size_t> next{0}, done{0};
  std::mutex mat_lock;
  BatchOptions per_set = o;
  per_set.jobs = result.jobs;  // what each set may assume of the cores
  const Clock::time_point t0 = Clock::now();
  auto worker = [&](int id) {
    for (size_t i; (i = next++) < result.sets.size();) {
      SetOutcome& r = result.sets[i];
      r.worker = id;
      bar.Start(r.set.name);
      r.start_s = std::chrono::duration<double>(Clock::now() - t0).count();
      ProcessSet(per_set, &mat_lock, &r);
      r.end_s = std::chrono::duration<double>(Clock::now() - t0).count();
      const size_t d = ++done;
      bar.Line(ResultLine(r, d, result.sets.size()));
      bar.Done(r.set.name);
    }
  };
  std::vector<std::thread> threads;
  for (int id = 1; id < result.jobs; ++id) threads.emplace_back(worker, id);
  worker(0);
  for (std::thread& t : threads) t.join();
  bar.Finish();

  size_t ok = 0;
  for (const SetOutcome& r : result.sets) {
    ok += r.exit_code == 0;
    result.exit_code = std::max(result.exit_code, r.exit_code);
  }
  WriteFileAtomically((fs::path(o.out_dir) / "summary.csv").string(), SummaryCsv(result), o.force);
  WriteFileAtomically((fs::path(o.out_dir) / "summary.json").string(), SummaryJson(result, o).dump(2) + "\n", o.force);
  out << "specrecon batch: " << ok << " of " << result.sets.size() << " sets ok";
  if (ok < result.sets.size()) out << ", " << result.sets.size() - ok << " failed (exit " << result.exit_code << ")";
  out << "; summary in " << (fs::path(o.out_dir) / "summary.csv").string() << " and summary.json\n";
  return result;
}

std::string SummaryCsv(const BatchResult& result) {
  std::ostringstream os;
  os << "name,status,exit_code,files,n_fft,hop,win_length,window,center,consistency_db,wav,report,worker,start_s,end_s,error\n";
  for (const SetOutcome& r : result.sets) {
    const bool ok = r.exit_code == 0;
    auto param = [&](const char* key) { return ok ? r.params[key].dump() : std::string(); };
    char times[64];
    std::snprintf(times, sizeof times, "%d,%.3f,%.3f", r.worker, r.start_s, r.end_s);
    os << CsvField(r.set.name) << "," << (ok ? "ok" : "failed") << "," << r.exit_code << ","
       << CsvField(Joined(r.set.files, ";")) << "," << param("n_fft") << "," << param("hop") << ","
       << param("win_length") << "," << CsvField(ok ? r.params["window"].get<std::string>() : "") << ","
       << param("center") << "," << param("consistency_db") << "," << CsvField(r.wav) << "," << CsvField(r.report)
       << "," << times << "," << CsvField(r.error) << "\n";
  }
  return os.str();
}

nlohmann::json SummaryJson(const BatchResult& result, const BatchOptions& options) {
  nlohmann::json sets = nlohmann::json::array();
  size_t ok = 0;
  for (const SetOutcome& r : result.sets) {
    ok += r.exit_code == 0;
    nlohmann::json s = {{"name", r.set.name},
                        {"files", r.set.files},
                        {"grouped_by", r.set.reason},
                        {"status", r.exit_code == 0 ? "ok" : "failed"},
                        {"exit_code", r.exit_code},
                        {"error", r.exit_code == 0 ? nlohmann::json(nullptr) : nlohmann::json(r.error)},
                        {"params", r.exit_code == 0 ? r.params : nlohmann::json(nullptr)},
                        {"wav", r.exit_code == 0 ? nlohmann::json(r.wav) : nlohmann::json(nullptr)},
                        {"report", r.exit_code == 0 ? nlohmann::json(r.report) : nlohmann::json(nullptr)},
                        {"worker", r.worker},
                        {"start_s", Round(r.start_s, 1000.0)},
                        {"end_s", Round(r.end_s, 1000.0)}};
    sets.push_back(s);
  }
  return {{"version", 1},
          {"input", options.input},
          {"out_dir", options.out_dir},
          {"jobs", result.jobs},
          {"exit_code", result.exit_code},
          {"ok", ok},
          {"failed", result.sets.size() - ok},
          {"sets", sets}};
}

}  // namespace specrecon
