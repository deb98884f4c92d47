// The command line contract: exit codes, one-line errors naming the file, no partial output,
// and the report's keys.
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace specrecon {
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(cli)

struct Outcome {
  int code;
  std::string err;
};

Outcome Run(const std::string& args) {
  const std::string errfile = test::TempPath("cli_err");
  const std::string cmd = std::string(SPECRECON_BINARY) + " " + args + " >/dev/null 2>" + errfile;
  const int status = std::system(cmd.c_str());
  std::ifstream f(errfile);
  std::stringstream ss;
  ss << f.rdbuf();
  std::remove(errfile.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}

std::string LastLine(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

const std::string kSample = std::string(SPECRECON_SOURCE_DIR) + "/samples/scipy_stft_default/";

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
  BOOST_CHECK_EQUAL(Run("").code, 2);
  BOOST_CHECK_EQUAL(Run("frobnicate").code, 2);
  BOOST_CHECK_EQUAL(Run("reconstruct " + kSample + "spectrogram.bin").code, 2);  // no -o
  BOOST_CHECK_EQUAL(Run("infer " + kSample + "spectrogram.bin --hop 0").code, 2);
  BOOST_CHECK_EQUAL(Run("infer " + kSample + "spectrogram.bin --window hanm").code, 2);
  BOOST_CHECK_EQUAL(Run("infer --bogus-option x").code, 2);
  const Outcome o = Run("infer " + kSample + "spectrogram.bin --hop 0");
  BOOST_CHECK_EQUAL(LastLine(o.err).rfind("error: ", 0), 0u);
  BOOST_CHECK_NE(o.err.find("hop >= 1"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(help_and_version_exit_0) {
  BOOST_CHECK_EQUAL(Run("--help").code, 0);
  BOOST_CHECK_EQUAL(Run("reconstruct --help").code, 0);
  BOOST_CHECK_EQUAL(Run("infer --help").code, 0);
  BOOST_CHECK_EQUAL(Run("inspect --help").code, 0);
  BOOST_CHECK_EQUAL(Run("--version").code, 0);
}

BOOST_AUTO_TEST_CASE(bad_input_exits_3_naming_the_file) {
  const std::string missing = test::TempPath("missing.bin");
  Outcome o = Run("infer " + missing + " " + kSample + "phases.bin");
  BOOST_CHECK_EQUAL(o.code, 3);
  BOOST_CHECK_NE(LastLine(o.err).find("\"" + missing + "\""), std::string::npos);

  const std::string empty = test::TempPath("empty.bin");
  { std::ofstream f(empty); }
  o = Run("infer " + empty + " " + kSample + "phases.bin");
  BOOST_CHECK_EQUAL(o.code, 3);
  BOOST_CHECK_NE(LastLine(o.err).find("empty"), std::string::npos);

  // Magnitude and phase of different sizes.
  const std::string half = test::TempPath("half.bin");
  {
    std::ifstream in(kSample + "spectrogram.bin", std::ios::binary);
    std::vector<char> buf(4000);
    in.read(buf.data(), buf.size());
    std::ofstream out(half, std::ios::binary);
    out.write(buf.data(), buf.size());
  }
  const std::string out_wav = test::TempPath("never.wav");
  o = Run("reconstruct " + half + " " + kSample + "phases.bin -o " + out_wav);
  BOOST_CHECK_EQUAL(o.code, 3);
  BOOST_CHECK(!fs::exists(out_wav));
  std::remove(empty.c_str());
  std::remove(half.c_str());
}

BOOST_AUTO_TEST_CASE(inconsistent_dump_exits_4_with_candidates) {
  // The magnitude file given as both magnitude and phase: no layout or hop fits.
  const std::string out_wav = test::TempPath("never4.wav");
  const Outcome o = Run("reconstruct --magnitude " + kSample + "spectrogram.bin --phase " + kSample +
                        "spectrogram.bin -o " + out_wav);
  BOOST_CHECK_EQUAL(o.code, 4);
  BOOST_CHECK_EQUAL(LastLine(o.err).rfind("error: ", 0), 0u);
  BOOST_CHECK(!fs::exists(out_wav));
}

BOOST_AUTO_TEST_CASE(an_inference_failure_names_the_dump_and_the_rule) {
  // A given window longer than the n_fft the bins say: with phase and without.
  const std::string out_wav = test::TempPath("never4b.wav");
  const Outcome both = Run("reconstruct --magnitude " + kSample + "spectrogram.bin --phase " + kSample +
                           "phases.bin --win-length 600 -o " + out_wav);
  BOOST_CHECK_EQUAL(both.code, 4);
  BOOST_CHECK_EQUAL(LastLine(both.err).rfind("error: \"" + kSample + "spectrogram.bin\": ", 0), 0u);
  BOOST_CHECK_NE(LastLine(both.err).find("win_length <= n_fft"), std::string::npos);
  const Outcome mag = Run("reconstruct " + kSample + "spectrogram.bin --win-length 600 -o " + out_wav);
  BOOST_CHECK_EQUAL(mag.code, 4);
  BOOST_CHECK_EQUAL(LastLine(mag.err).rfind("error: \"" + kSample + "spectrogram.bin\": ", 0), 0u);
  BOOST_CHECK_NE(LastLine(mag.err).find("exceeds n_fft 256"), std::string::npos);
  // The magnitude file given as both magnitude and phase: no layout fits, and the line names it.
  const Outcome none = Run("reconstruct --magnitude " + kSample + "spectrogram.bin --phase " + kSample +
                           "spectrogram.bin -o " + out_wav);
  BOOST_CHECK_EQUAL(LastLine(none.err).rfind("error: \"" + kSample + "spectrogram.bin\": ", 0), 0u);
  BOOST_CHECK(!fs::exists(out_wav));
}

BOOST_AUTO_TEST_CASE(verbose_log_says_what_was_read) {
  // The "read" lines are written before the spectrogram arrays move on to inference (they once
  // said "read :   , 0 values"), on success and in the log shown with a failure.
  const Outcome ok = Run("infer " + kSample + "spectrogram.bin " + kSample + "phases.bin -v");
  BOOST_CHECK_EQUAL(ok.code, 0);
  BOOST_CHECK_MESSAGE(ok.err.find("read " + kSample + "spectrogram.bin: raw float32 little, 26445 values") != std::string::npos, ok.err);
  const Outcome bad = Run("infer --magnitude " + kSample + "spectrogram.bin --phase " + kSample + "spectrogram.bin -v");
  BOOST_CHECK_EQUAL(bad.code, 4);
  BOOST_CHECK_MESSAGE(bad.err.find("26445 values") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_CASE(unwritable_output_exits_5) {
  const Outcome o = Run("reconstruct " + kSample + "spectrogram.bin " + kSample +
                        "phases.bin -o /nonexistent-dir/out.wav");
  BOOST_CHECK_EQUAL(o.code, 5);
  BOOST_CHECK_NE(LastLine(o.err).find("/nonexistent-dir/out.wav"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(reconstruct_writes_wav_and_report_with_contract_keys) {
  const std::string wav = test::TempPath("ok.wav"), report = test::TempPath("ok.json");
  const Outcome o = Run("reconstruct " + kSample + "phases.bin " + kSample + "spectrogram.bin -o " +
                        wav + " --report " + report + " --sample-rate 16000");
  BOOST_REQUIRE_EQUAL(o.code, 0);
  BOOST_CHECK(fs::file_size(wav) > 44);
  std::ifstream f(report);
  const nlohmann::json j = nlohmann::json::parse(f);
  BOOST_CHECK_EQUAL(j["version"], 1);
  for (const char* k : {"n_fft", "hop", "win_length", "window", "onesided", "fftshift", "nyquist_dropped",
                        "phase_reference", "center", "pad_mode", "detrended"})
    BOOST_CHECK_MESSAGE(j["stft"].contains(k), k);
  for (const char* k : {"family", "param", "symmetric", "offset"}) BOOST_CHECK(j["stft"]["window"].contains(k));
  BOOST_CHECK(j["magnitude_scale"].contains("kind"));
  BOOST_CHECK(j.contains("phase_units"));
  BOOST_CHECK_EQUAL(j["signal"]["sample_rate_source"], "given");
  BOOST_CHECK(j["reconstruction"]["consistency_db"].get<double>() < -100.0);
  for (const char* k : {"n_fft", "hop", "win_length", "window"}) {
    BOOST_CHECK_EQUAL(j["evidence"][k]["source"], "inferred");
    BOOST_CHECK(j["evidence"][k].contains("runner_up"));
  }
  BOOST_CHECK_EQUAL(j["inputs"].size(), 2u);
  BOOST_CHECK_EQUAL(j["inputs"][0]["role"], "phase");
  BOOST_CHECK_EQUAL(j["inputs"][1]["role"], "magnitude");
  std::remove(wav.c_str());
  std::remove(report.c_str());
}

BOOST_AUTO_TEST_CASE(inspect_describes_a_raw_file) {
  const Outcome o = Run("inspect " + kSample + "spectrogram.bin");
  BOOST_CHECK_EQUAL(o.code, 0);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
