#include "src/help.h"

#include <sstream>

#include <boost/program_options/cmdline.hpp>
#include <boost/program_options/options_description.hpp>

namespace specrecon {
namespace {

const char* kName = "recover audio and STFT parameters from undocumented spectrogram dumps";

const char* kExitCodes =
    "0 success; 2 usage error; 3 unreadable or malformed input; 4 inference failed (nothing "
    "consistent found; the inference log is printed); 5 output could not be written. Every failure "
    "ends with one line: error: \"<file>\": <what is wrong>. batch exits 0 when every set succeeded, "
    "else with the highest exit code among its sets.";

// Wraps paragraphs at `width` columns with `indent` spaces.
std::string Wrap(const std::string& text, size_t width, size_t indent) {
  std::ostringstream out;
  std::istringstream paragraphs(text);
  std::string para;
  bool first = true;
  auto flush = [&](const std::string& p) {
    if (p.empty()) return;
    if (!first) out << "\n";
    first = false;
    std::istringstream words(p);
    std::string w, line;
    while (words >> w) {
      if (!line.empty() && line.size() + 1 + w.size() > width - indent) {
        out << std::string(indent, ' ') << line << "\n";
        line.clear();
      }
      line += (line.empty() ? "" : " ") + w;
    }
    if (!line.empty()) out << std::string(indent, ' ') << line << "\n";
  };
  std::string current, l;
  while (std::getline(paragraphs, l)) {
    if (l.empty()) {
      flush(current);
      current.clear();
    } else {
      current += (current.empty() ? "" : " ") + l;
    }
  }
  flush(current);
  return out.str();
}

// troff: escape backslashes and hyphens, protect a leading '.' or '\''.
std::string Troff(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

}  // namespace

const std::vector<CommandDoc>& CommandDocs() {
  static const std::vector<CommandDoc> kDocs = {
      {"reconstruct",
       "reconstruct FILE... -o OUT.wav [--report REPORT.json] [--html REPORT.html] [--sample-rate HZ] [hints]",
       "infer every STFT parameter not given and write the audio",
       "FILE... is one to three files in any order: a magnitude file and a phase file, one file with a "
       "complex array or with both arrays inside (.npz, .pt, .pkl, .safetensors, .mat (v4 to 7.3), HDF5, NetCDF, Octave text or binary, JSON), or a "
       "magnitude file alone (its phase "
       "is then retrieved). Any of them may be compressed by gzip, xz, lzma, bzip2 or zstd (spectrogram.bin.gz, "
       "mag.npy.xz), and the files may come "
       "in one .zip, .tar, .tar.gz, .tar.xz, .tar.bz2 or .tar.zst (dump.zip holding spectrogram.bin and phases.bin; notes beside them are "
       "passed over). Which file is which is "
       "decided from content; --magnitude and --phase say it outright.\n\n"
       "The WAV is written atomically (temporary file, renamed when complete). --report writes the JSON "
       "report (every parameter with its source, score and runner-up); --html writes one self-contained "
       "page for analysts: the parameter table, the hop scan, the window against the best-ranked "
       "families, the dump's spectrogram beside the reconstruction's, the consistency of each frame and "
       "a player. A short summary goes to stderr: each parameter with its confidence (high, medium, low, "
       "given, assumed) and the warnings that matter (assumed gain or sample rate, ties, uncovered or "
       "clipped samples). If any output cannot be written, none is left behind (exit 5).",
       {{"specrecon reconstruct spectrogram.bin phases.bin -o out.wav --report r.json --sample-rate 16000",
         "reconstruct a raw magnitude/phase pair, writing the WAV and the JSON report"},
        {"specrecon reconstruct dump.npz -o out.wav --html report.html",
         "a container holding both arrays; the HTML page shows why each parameter was chosen"},
        {"specrecon reconstruct mag.f32 phase.f32 -o out.wav --n-fft 1024 --hop 256 --window hann",
         "give what you know: hints are reported as \"given\" and the rest is inferred"},
        {"specrecon reconstruct S.bin P.bin -o out.wav --format pcm16",
         "16-bit PCM output (samples beyond full scale are clipped and counted)"}}},
      {"infer",
       "infer FILE... [--json] [--html REPORT.html] [hints]",
       "infer the STFT parameters and report them, without writing audio",
       "Runs the same inference as reconstruct. The summary goes to stderr; --json prints the JSON "
       "report on stdout (nothing else is written to stdout), --html writes the analyst's page with the "
       "reconstruction embedded as a player.",
       {{"specrecon infer spectrogram.bin phases.bin", "the parameters, their scores and runner-ups on stderr"},
        {"specrecon infer spectrogram.bin phases.bin --json > report.json", "the JSON report for scripts"},
        {"specrecon infer mag.f32 phase.f32 --html report.html", "the HTML page, without writing a WAV"}}},
      {"inspect",
       "inspect FILE... [--dtype T] [--byte-order B] [--header-bytes N]",
       "print what each file holds, as read",
       "For each file (and each array inside a container): format, element type and byte order with "
       "their score and runner-up, header and trailer bytes, shape and order, and the value ranges. "
       "Nothing is inferred about the STFT.",
       {{"specrecon inspect spectrogram.bin", "how the raw file reads (type, byte order, ranges)"},
        {"specrecon inspect dump.mat --dtype float64", "the arrays of a MAT-file"}}},
      {"batch",
       "batch DIR|MANIFEST -o OUTDIR [--jobs N] [--format F] [hints]",
       "reconstruct every dump set of a folder or manifest",
       "Finds every dump set under DIR (recursively) and writes OUTDIR/<set>.wav and OUTDIR/<set>.json "
       "for each, plus OUTDIR/summary.csv and OUTDIR/summary.json listing every set with its files, "
       "parameters (n_fft, hop, win_length, window, center, consistency) and status (ok, or the exit code "
       "and the error line). One failure does not stop the rest. The grouping is printed before "
       "processing; a progress bar is drawn on stderr when it is a terminal.\n\n"
       "Grouping: only files of one directory belong together. A container (npz, torch.save, pickle, MAT, HDF5, printed "
       "arrays, safetensors, MAT v4, Octave binary, a zip or tar of dump files) holding a complex array or two arrays of two dimensions, or a complex .npy, is a set by itself; one holding "
       "a single 2-D array (mag.mat beside phase.mat) is paired like a raw file. Names pair a magnitude with a phase when the stems are equal after "
       "removing one role word (spectrogram/phases, mag/phase, take1_mag/take1_phase, S/P, Sxx/Sxx_phase). "
       "When exactly two files of a directory are left and their sizes allow the same element count, they "
       "pair. Every other file is a set by itself (magnitude only, or interleaved complex). Files that are "
       "not dumps (wav, json, md, py, m, sh, html, png, ...) and hidden files are skipped.\n\n"
       "MANIFEST lists sets explicitly: a text file with one set per line, \"[NAME:] FILE [FILE...]\" "
       "(# starts a comment), or JSON {\"sets\": [{\"name\": ..., \"files\": [...]}, ...]}. Relative "
       "paths are relative to the manifest.\n\n"
       "Hints apply to every set. --jobs N runs N sets at once in threads (default: the number of CPU "
       "cores). Exit code: 0 when every set succeeded, else the highest exit code among the sets "
       "(5 > 4 > 3); 3 when DIR holds no set, 5 when OUTDIR cannot be written.",
       {{"specrecon batch dumps/ -o out/ --sample-rate 16000", "every set under dumps/, on all cores"},
        {"specrecon batch sets.txt -o out/ --jobs 2", "the sets a manifest lists, two at a time"}}},
  };
  return kDocs;
}

const CommandDoc* FindCommandDoc(const std::string& name) {
  for (const CommandDoc& d : CommandDocs())
    if (d.name == name) return &d;
  return nullptr;
}

std::string TopHelp() {
  std::ostringstream os;
  os << "specrecon: " << kName << ".\n\nUsage:\n";
  for (const CommandDoc& d : CommandDocs()) os << "  specrecon " << d.synopsis << "\n";
  os << "  specrecon COMMAND --help      options and examples of a command\n\nCommands:\n";
  for (const CommandDoc& d : CommandDocs()) os << "  " << d.name << std::string(13 - d.name.size(), ' ') << d.summary << "\n";
  os << "\nExamples:\n";
  for (const CommandDoc& d : CommandDocs()) os << "  " << d.examples.front().first << "\n";
  os << "\nExit codes:\n" << Wrap(kExitCodes, 96, 2) << "\nThe man page: specrecon help-man > specrecon.1; man -l specrecon.1\n";
  return os.str();
}

std::string CommandHelp(const CommandDoc& doc, const boost::program_options::options_description& options) {
  std::ostringstream os;
  os << "Usage: specrecon " << doc.synopsis << "\n\n" << Wrap(doc.description, 96, 0) << "\nExamples:\n";
  for (const auto& [line, what] : doc.examples) os << "  " << line << "\n" << Wrap(what, 96, 6);
  os << "\n" << options;
  return os.str();
}

std::string ManPage(const std::vector<std::pair<const CommandDoc*, boost::program_options::options_description>>& commands,
                    const std::string& version) {
  std::ostringstream os;
  os << ".TH SPECRECON 1 \"\" \"" << Troff(version) << "\" \"User Commands\"\n";
  os << ".SH NAME\nspecrecon \\- " << Troff(kName) << "\n.SH SYNOPSIS\n";
  for (const auto& [doc, opts] : commands) os << ".B specrecon\n" << Troff(doc->synopsis) << "\n.br\n";
  os << ".SH DESCRIPTION\nspecrecon reads spectrogram dumps of unknown format, element type, layout, FFT size, "
        "window, hop, padding and scaling, infers every STFT parameter from the data's own redundancy, "
        "reconstructs the signal and reports where each parameter came from (given, read, inferred, "
        "assumed), its score and its runner\\-up.\n.SH COMMANDS\n";
  for (const auto& [doc, opts] : commands) {
    os << ".SS " << Troff(doc->name) << "\n.B specrecon " << Troff(doc->synopsis) << "\n.PP\n";
    std::istringstream paras(doc->description);
    std::string line, para;
    auto flush = [&]() {
      if (!para.empty()) os << Troff(para) << "\n.PP\n";
      para.clear();
    };
    while (std::getline(paras, line)) {
      if (line.empty()) flush();
      else para += (para.empty() ? "" : " ") + line;
    }
    flush();
    os << "Options:\n";
    for (const auto& o : opts.options()) {
      const std::string shorty = o->canonical_display_name(boost::program_options::command_line_style::allow_dash_for_short);
      const std::string longy = o->long_name();
      std::string param = o->format_parameter();
      os << ".TP\n";
      if (!shorty.empty() && shorty != "--" + longy && shorty[0] == '-') os << "\\fB" << Troff(shorty) << "\\fR, ";
      os << "\\fB\\-\\-" << Troff(longy) << "\\fR";
      if (!param.empty()) os << " \\fI" << Troff(param) << "\\fR";
      os << "\n" << Troff(o->description()) << "\n";
    }
    os << ".PP\nExamples:\n";
    for (const auto& [cmd, what] : doc->examples)
      os << ".TP\n.B " << Troff(cmd) << "\n" << Troff(what) << "\n";
  }
  os << ".SH EXIT STATUS\n" << Troff(kExitCodes) << "\n";
  os << ".SH SEE ALSO\nThe README of the specrecon source tree: the inference steps, the report's keys and the "
        "measured results on the bundled samples.\n";
  return os.str();
}

}  // namespace specrecon
