#include "src/cli.h"

#include <boost/program_options.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "formats/reader.h"
#include "inference/roles.h"
#include "src/atomic_file.h"
#include "src/batch.h"
#include "src/errors.h"
#include "src/help.h"
#include "src/html_report.h"
#include "src/stream.h"
#include "src/progress.h"
#include "src/pipeline.h"
#include "src/report.h"

namespace po = boost::program_options;

namespace specrecon {
namespace {

const char* kVersion = "specrecon 0.1.0";

// The top help, every command's help and the man page come from src/help.cpp.

struct Parsed {
  RunOptions run;
  std::string out_path, report_path, html_path, format = "float32";
  int jobs = 0;  // batch: 0 = hardware concurrency
  bool json = false, verbose = false, help = false;
  bool force = false;  // --force: replace existing outputs
  bool whole = false;  // --whole: never stream (src/stream.h)
};

po::options_description InputOptions() {
  po::options_description d("Inputs and hints (hints override inference and are reported as given)");
  d.add_options()
      ("magnitude", po::value<std::string>(), "this file is the magnitude")
      ("phase", po::value<std::string>(), "this file is the phase")
      ("dtype", po::value<std::string>(), "element type of raw files: float32|float64|float16|int16|int32|int8|uint8|uint16|uint32")
      ("byte-order", po::value<std::string>(), "byte order of raw files: little|big")
      ("header-bytes", po::value<uint64_t>(), "bytes to skip at the start of raw files")
      ("n-fft", po::value<int>(), "FFT size")
      ("hop", po::value<int>(), "hop in samples")
      ("win-length", po::value<int>(), "window length in samples")
      ("window", po::value<std::string>(), "window family NAME[:PARAM], e.g. hann, kaiser:8")
      ("layout", po::value<std::string>(), "frames_x_bins (each frame contiguous) or bins_x_frames")
      ("magnitude-scale", po::value<std::string>(), "linear|power|db20|db10|ln|log10|ln_power|log10_power|log1p")
      ("phase-units", po::value<std::string>(), "radians|radians_0_2pi|degrees|cycles")
      ("center", po::value<std::string>(), "true|false: frames were centred with padding")
      ("length", po::value<size_t>(), "length of the original signal in samples")
      ("iterations", po::value<int>(), "phase retrieval iterations at most (magnitude-only dumps; default 400)")
      ("tolerance", po::value<double>(), "phase retrieval stops when SC improves by less than this fraction per 10 iterations (default 0.001)")
      ("sample-rate", po::value<int>(), "sample rate for the WAV when the dump does not tell it")
      ("whole", po::bool_switch(), "read a large raw or npy pair whole and search every frame (by default it is streamed: parameters from a probe of the first frames, audio written in chunks)")
      ("verbose,v", po::bool_switch(), "print the inference log on stderr")
      ("help,h", po::bool_switch(), "this help");
  return d;
}

void CheckPositive(const po::variables_map& vm, const char* name) {
  if (vm.count(name) && vm[name].as<int>() < 1)
    ThrowUsage(std::string("--") + name + " = " + std::to_string(vm[name].as<int>()) + ". Violated: " + name + " >= 1");
}

// The options of one command: the parser, --help and the man page all use these.
po::options_description CommandOptions(const std::string& command) {
  po::options_description opts = InputOptions();
  if (command == "reconstruct") {
    opts.add_options()
        ("output,o", po::value<std::string>(), "output WAV path (required)")
        ("report", po::value<std::string>(), "write the JSON report here")
        ("html", po::value<std::string>(), "write a self-contained HTML report (tables, plots, player) here")
        ("format", po::value<std::string>()->default_value("float32"), "WAV sample format: float32|pcm16|pcm24")
        ("force", po::bool_switch(), "replace outputs that exist (otherwise exit 5 and leave them alone)");
  } else if (command == "infer") {
    opts.add_options()("json", po::bool_switch(), "print the JSON report on stdout")
        ("html", po::value<std::string>(), "write a self-contained HTML report (tables, plots, player) here")
        ("force", po::bool_switch(), "replace an existing --html page (otherwise exit 5 and leave it alone)");
  } else if (command == "batch") {
    opts.add_options()
        ("output,o", po::value<std::string>(), "output directory OUTDIR (required; created when missing)")
        ("jobs,j", po::value<int>(), "sets processed at once (default: the number of CPU cores)")
        ("format", po::value<std::string>()->default_value("float32"), "WAV sample format: float32|pcm16|pcm24")
        ("force", po::bool_switch(), "replace outputs that exist in OUTDIR (otherwise exit 5 before any work)");
  }
  return opts;
}

Parsed Parse(const std::string& command, const std::vector<std::string>& args, std::ostream& out) {
  po::options_description opts = CommandOptions(command);
  po::options_description hidden;
  hidden.add_options()("files", po::value<std::vector<std::string>>(), "input files");
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    ThrowUsage(e.what());
  }
  Parsed p;
  if (vm["help"].as<bool>()) {
    p.help = true;
    out << CommandHelp(*FindCommandDoc(command), opts);
    return p;
  }
  if (vm.count("files")) p.run.files = vm["files"].as<std::vector<std::string>>();
  if (vm.count("magnitude")) p.run.magnitude_path = vm["magnitude"].as<std::string>();
  if (vm.count("phase")) p.run.phase_path = vm["phase"].as<std::string>();
  if (vm.count("dtype")) {
    p.run.raw.dtype = vm["dtype"].as<std::string>();
    if (!KnownRawDtype(*p.run.raw.dtype))
      ThrowUsage("--dtype " + *p.run.raw.dtype + " is not one of float32|float64|float16|int16|int32|int8|uint8|uint16|uint32");
  }
  if (vm.count("byte-order")) {
    p.run.raw.byte_order = vm["byte-order"].as<std::string>();
    if (*p.run.raw.byte_order != "little" && *p.run.raw.byte_order != "big") ThrowUsage("--byte-order must be little or big");
  }
  p.whole = vm["whole"].as<bool>();
  if (vm.count("header-bytes")) p.run.raw.header_bytes = vm["header-bytes"].as<uint64_t>();
  for (const char* n : {"n-fft", "hop", "win-length", "sample-rate"}) CheckPositive(vm, n);
  Hints& h = p.run.hints;
  if (vm.count("n-fft")) h.n_fft = vm["n-fft"].as<int>();
  if (vm.count("hop")) h.hop = vm["hop"].as<int>();
  if (vm.count("win-length")) h.win_length = vm["win-length"].as<int>();
  if (h.win_length && h.n_fft && *h.win_length > *h.n_fft)
    ThrowUsage("--win-length " + std::to_string(*h.win_length) + " > --n-fft " + std::to_string(*h.n_fft) + ". Violated: win_length <= n_fft");
  if (vm.count("window")) {
    const std::string s = vm["window"].as<std::string>();
    const size_t colon = s.find(':');
    const auto fam = ParseWindowFamily(s.substr(0, colon));
    if (!fam || *fam == WindowFamily::kCustom) ThrowUsage("--window " + s + ": unknown window family");
    WindowSpec spec;
    spec.family = *fam;
    if (colon != std::string::npos) {
      try {
        spec.param = std::stod(s.substr(colon + 1));
      } catch (...) {
        ThrowUsage("--window " + s + ": the parameter after ':' is not a number");
      }
    }
    h.window = spec;
  }
  if (vm.count("layout")) h.layout = vm["layout"].as<std::string>();
  if (vm.count("magnitude-scale")) {
    h.magnitude_scale = vm["magnitude-scale"].as<std::string>();
    const std::string& m = *h.magnitude_scale;
    if (m != "linear" && m != "power" && m != "log1p" && !IsLogarithmicScale(m))
      ThrowUsage("--magnitude-scale " + m + " is not one of linear|power|db20|db10|ln|log10|ln_power|log10_power|log1p");
  }
  if (vm.count("phase-units")) {
    h.phase_units = vm["phase-units"].as<std::string>();
    const std::string& u = *h.phase_units;
    if (u != "radians" && u != "radians_0_2pi" && u != "degrees" && u != "cycles")
      ThrowUsage("--phase-units " + u + " is not one of radians|radians_0_2pi|degrees|cycles");
  }
  if (vm.count("center")) {
    const std::string c = vm["center"].as<std::string>();
    if (c == "true" || c == "1" || c == "yes") h.center = true;
    else if (c == "false" || c == "0" || c == "no") h.center = false;
    else ThrowUsage("--center " + c + " is not true or false");
  }
  if (vm.count("length")) h.length = vm["length"].as<size_t>();
  if (vm.count("iterations")) {
    h.iterations = vm["iterations"].as<int>();
    if (*h.iterations < 1) ThrowUsage("--iterations = " + std::to_string(*h.iterations) + ". Violated: iterations >= 1");
  }
  if (vm.count("tolerance")) {
    h.tolerance = vm["tolerance"].as<double>();
    if (!(*h.tolerance >= 0.0)) ThrowUsage("--tolerance = " + std::to_string(*h.tolerance) + ". Violated: tolerance >= 0");
  }
  if (vm.count("sample-rate")) p.run.sample_rate = vm["sample-rate"].as<int>();
  p.verbose = vm["verbose"].as<bool>();
  p.force = vm.count("force") && vm["force"].as<bool>();
  if (command == "reconstruct" || command == "batch") {
    if (!vm.count("output")) ThrowUsage(command == "batch" ? "batch needs -o OUTDIR" : "reconstruct needs -o OUT.wav");
    p.out_path = vm["output"].as<std::string>();
    if (vm.count("report")) p.report_path = vm["report"].as<std::string>();
    p.format = vm["format"].as<std::string>();
    if (!ParseWavFormat(p.format, &p.run.wav_format)) ThrowUsage("--format " + p.format + " is not float32, pcm16 or pcm24");
  }
  if (command == "infer") p.json = vm["json"].as<bool>();
  if (vm.count("html")) p.html_path = vm["html"].as<std::string>();
  if (command == "batch") {
    if (vm.count("jobs")) p.jobs = vm["jobs"].as<int>();
    if (vm.count("jobs") && p.jobs < 1) ThrowUsage("--jobs = " + std::to_string(p.jobs) + ". Violated: jobs >= 1");
    if (p.run.magnitude_path || p.run.phase_path) ThrowUsage("batch decides the roles per set: --magnitude and --phase do not apply");
    if (p.run.files.size() != 1) ThrowUsage("batch takes one DIR or MANIFEST, got " + std::to_string(p.run.files.size()));
  }
  if (p.run.files.empty() && !p.run.magnitude_path && !p.run.phase_path) ThrowUsage(command + " needs at least one input file");
  return p;
}

void WriteTextAtomically(const std::string& path, const std::string& text, bool overwrite) {
  WriteFileAtomically(path, text, overwrite);
}

// Checked before any input is read: no output may be an input (the same file, also through a
// symlink or a hard link: writing it would destroy the data being read; --force does not
// change that), no output may be named twice, and none may exist unless --force. Temporary
// files of killed runs in the outputs' directories are removed (src/atomic_file.h).
void CheckOutputs(const Parsed& p) {
  std::vector<std::string> inputs = p.run.files;
  if (p.run.magnitude_path) inputs.push_back(*p.run.magnitude_path);
  if (p.run.phase_path) inputs.push_back(*p.run.phase_path);
  std::vector<std::string> outputs;
  for (const std::string* o : {&p.out_path, &p.report_path, &p.html_path})
    if (!o->empty()) outputs.push_back(*o);
  const auto same = [](const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; };
  for (size_t k = 0; k < outputs.size(); ++k) {
    const std::string& o = outputs[k];
    struct stat so, si;
    const bool exists = ::stat(o.c_str(), &so) == 0;
    for (const std::string& in : inputs)
      if (exists && ::stat(in.c_str(), &si) == 0 && same(so, si))
        ThrowOutputFailed(o, "is the same file as the input \"" + in +
                                 "\" (the same path, a symlink or a hard link to it); writing it would replace the "
                                 "input: choose another output");
    for (size_t j = 0; j < k; ++j) {
      std::error_code e1, e2;
      const auto a = std::filesystem::weakly_canonical(o, e1), b = std::filesystem::weakly_canonical(outputs[j], e2);
      if ((!e1 && !e2 && a == b) || (exists && ::stat(outputs[j].c_str(), &si) == 0 && same(so, si)))
        ThrowUsage("\"" + o + "\" is named as two outputs; give each output its own file");
    }
  }
  for (const std::string& o : outputs) {
    RemoveStaleTempFiles(o);
    CheckOutputAbsent(o, p.force);
  }
}

// Temporary outputs not yet moved into place (removed when the run fails), and outputs already
// moved into place (removed too, so that a failed run leaves no partial set of outputs).
struct PendingOutputs {
  std::vector<std::string> temps, committed;
  bool done = false;
  ~PendingOutputs() {
    for (const std::string& t : temps) ::unlink(t.c_str());
    if (!done)
      for (const std::string& c : committed) ::unlink(c.c_str());
  }
  void Commit(const std::string& tmp, const std::string& path, bool overwrite) {
    temps.erase(std::find(temps.begin(), temps.end(), tmp));
    CommitTempFile(tmp, path, overwrite);
    committed.push_back(path);
  }
};

int Inspect(const Parsed& p, std::ostream& out) {
  std::vector<std::string> files = p.run.files;
  if (p.run.magnitude_path) files.push_back(*p.run.magnitude_path);
  if (p.run.phase_path) files.push_back(*p.run.phase_path);
  for (const std::string& f : files) {
    const std::vector<NdArray> arrays = ReadArrays(f, p.run.raw);
    for (const NdArray& a : arrays) {
      const ArrayReading& r = a.info;
      out << f << (r.name.empty() ? "" : " [" + r.name + "]") << ":\n";
      out << "  format       " << r.format << "\n";
      if (!r.name.empty()) out << "  name         " << r.name << "\n";
      out << "  dtype        " << r.dtype << ", byte order " << r.byte_order << " ("
          << (r.dtype_given ? "given or read" : "inferred") << ", score " << r.score << ")\n";
      if (!r.runner_up.empty())
        out << "  runner-up    " << r.runner_up << ", score " << r.runner_up_score << "\n";
      out << "  header       " << r.header_bytes << " bytes";
      if (r.trailer_bytes) out << ", trailer " << r.trailer_bytes << " bytes";
      out << "\n  shape        [";
      for (size_t i = 0; i < r.shape.size(); ++i) out << (i ? ", " : "") << r.shape[i];
      out << "]" << (r.shape.empty() ? " (scalar)" : "") << ", "
          << (r.fortran_order ? "column-major (Fortran order)" : "C order (row-major)") << "\n";
      const auto range = [&out](const char* label, const std::vector<double>& v) {
        const ValueStats s = ComputeStats(v);
        out << label << "min " << s.min << ", max " << s.max << ", mean " << s.mean << ", rms " << s.rms
            << "; " << (s.count - s.finite) << " non-finite, " << s.negative << " negative, " << s.zeros
            << " zero of " << s.count << "\n";
      };
      range(a.is_complex() ? "  real         " : "  values       ", a.values);
      if (a.is_complex()) range("  imag         ", a.imag);
      if (!r.note.empty()) out << "  note         " << r.note << "\n";
    }
  }
  return 0;
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  // A file-size limit (ulimit -f) must fail the write with EFBIG (exit 5), not kill the process.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    if (args.empty()) {
      err << TopHelp();
      return static_cast<int>(ExitCode::kUsage);
    }
    const std::string command = args[0];
    if (command == "--help" || command == "-h" || command == "help") {
      out << TopHelp();
      return 0;
    }
    if (command == "--version") {
      out << kVersion << "\n";
      return 0;
    }
    if (command == "help-man") {  // hidden: the man page, from the same texts and options as --help
      std::vector<std::pair<const CommandDoc*, po::options_description>> commands;
      for (const CommandDoc& d : CommandDocs()) commands.emplace_back(&d, CommandOptions(d.name));
      const std::string page = ManPage(commands, kVersion);
      if (args.size() > 1) WriteFileAtomically(args[1], page);
      else out << page;
      return 0;
    }
    if (!FindCommandDoc(command))
      ThrowUsage("unknown command '" + command + "' (reconstruct, infer, inspect, batch; see --help)");
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    Parsed p = Parse(command, rest, out);
    if (p.help) return 0;
    if (command == "inspect") return Inspect(p, out);
    if (command == "batch") {
      BatchOptions b;
      b.input = p.run.files[0];
      b.out_dir = p.out_path;
      b.jobs = p.jobs;
      b.run = p.run;
      b.progress = StderrIsTerminal();
      b.force = p.force;
      b.whole = p.whole;
      return RunBatch(b, out, err).exit_code;
    }

    CheckOutputs(p);
    StreamedOrWhole made;  // reconstruct: the WAV in its temporary file
    try {
      // A large pair of raw or npy files streams (src/stream.h) unless a page with plots of the
      // whole dump is asked for; the stream declines what it cannot do exactly as the whole path would.
      StreamedOrWholeOptions how;
      how.may_stream = !p.whole && p.html_path.empty();
      if (command == "reconstruct") how.stream.wav_path = p.out_path;
      if (p.verbose) how.verbose = &err;
      made = RunStreamedOrWhole(p.run, how);
    } catch (const Error& e) {
      // Inference failed: the report (--report, or --json for infer) says what was tried.
      if (e.code() == ExitCode::kInferenceFailed && (!p.report_path.empty() || p.json)) {
        nlohmann::json j = {{"version", 1}, {"status", "inference_failed"}, {"error", e.Line()}, {"log", e.details}};
        if (!p.report_path.empty()) WriteTextAtomically(p.report_path, j.dump(2) + "\n", p.force);
        if (p.json) out << j.dump(2) << "\n";
      }
      throw;
    }
    RunResult& run = made.run;
    if (command == "infer") {
      if (!p.html_path.empty())
        WriteFileAtomically(p.html_path, BuildHtmlReport(run, p.html_path, HtmlReportOptions()), p.force);
      if (p.json) out << BuildReport(run, false).dump(2) << "\n";
      err << BriefReport(run);
      return 0;
    }
    // reconstruct: every output is written to a temporary file beside it and moved into place
    // when complete; a failure leaves each path with its old file or nothing (src/atomic_file.h).
    // The page is made last: it embeds the WAV from its final place.
    PendingOutputs pending;
    pending.temps.push_back(made.wav_tmp);
    std::string report_tmp;
    if (!p.report_path.empty()) {
      report_tmp = WriteTempFile(p.report_path, BuildReport(run, true).dump(2) + "\n");
      pending.temps.push_back(report_tmp);
    }
    pending.Commit(made.wav_tmp, p.out_path, p.force);
    if (!p.html_path.empty()) {
      HtmlReportOptions html;
      html.wav_path = p.out_path;
      const std::string html_tmp = WriteTempFile(p.html_path, BuildHtmlReport(run, p.html_path, html));
      pending.temps.push_back(html_tmp);
      pending.Commit(html_tmp, p.html_path, p.force);
    }
    if (!report_tmp.empty()) pending.Commit(report_tmp, p.report_path, p.force);
    pending.done = true;
    err << BriefReport(run);
    char buf[256];
    std::snprintf(buf, sizeof buf, "  wrote %s: %zu samples at %d Hz (%s), consistency %.1f dB%s\n",
                  p.out_path.c_str(), run.output_samples, run.sample_rate,
                  run.sample_rate_source.c_str(), run.consistency_db,
                  run.wav.clipped ? ", CLIPPED samples" : "");
    err << buf;
    return 0;
  } catch (const Error& e) {
    if (!e.details.empty()) {
      err << "inference log:\n";
      for (const std::string& line : e.details) err << "  " << line << "\n";
    }
    err << e.Line() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::bad_alloc&) {
    err << "error: out of memory\n";
    return static_cast<int>(ExitCode::kBadInput);
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::kBadInput);
  }
}

}  // namespace specrecon
