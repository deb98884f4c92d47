// Regression on the golden dumps in samples/ (written by scipy, torch, numpy and Octave; the
// scripts that made them are in samples/): inferred parameters equal the truth, and the
// reconstruction's SNR against the source audio clears the threshold.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "src/pipeline.h"
#include "src/wav.h"
#include "tests/test_util.h"

namespace specrecon {
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(samples)

std::vector<fs::path> CaseDirs() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(SPECRECON_SOURCE_DIR) / "samples"))
    if (e.is_directory() && fs::exists(e.path() / "truth.json")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

BOOST_AUTO_TEST_CASE(there_are_samples_from_several_producers) {
  std::set<std::string> producers;
  for (const fs::path& dir : CaseDirs()) {
    std::ifstream f(dir / "truth.json");
    producers.insert(nlohmann::json::parse(f)["producer"].get<std::string>());
  }
  BOOST_CHECK_GE(producers.size(), 3u);
}

BOOST_AUTO_TEST_CASE(inferred_parameters_equal_truth_and_snr_clears_threshold) {
  const std::vector<fs::path> dirs = CaseDirs();
  BOOST_REQUIRE_GE(dirs.size(), 6u);
  for (const fs::path& dir : dirs) {
    const std::string name = dir.filename().string();
    std::ifstream tf(dir / "truth.json");
    const nlohmann::json t = nlohmann::json::parse(tf);
    RunOptions opt;
    // Phase first: order must not matter.
    opt.files = {(dir / t["files"]["phase"].get<std::string>()).string(),
                 (dir / t["files"]["magnitude"].get<std::string>()).string()};
    RunResult run = RunInference(opt);
    Reconstruct(&run);
    const StftParams& p = run.inference.params;
    BOOST_TEST_CONTEXT(name) {
      BOOST_CHECK_EQUAL(p.n_fft, t["n_fft"].get<int>());
      BOOST_CHECK_EQUAL(p.hop, t["hop"].get<int>());
      BOOST_CHECK_EQUAL(p.win_length, t["win_length"].get<int>());
      BOOST_CHECK_EQUAL(WindowFamilyName(p.window.family), t["window"]["family"].get<std::string>());
      BOOST_CHECK_EQUAL(p.window.symmetric || p.window.open_ends, t["window"]["symmetric"].get<bool>());
      BOOST_CHECK_EQUAL(p.offset, t["window"]["offset"].get<int>());
      if (!t["window"]["param"].is_null())
        BOOST_CHECK_CLOSE_FRACTION(p.window.param, t["window"]["param"].get<double>(), 0.02);
      BOOST_CHECK_EQUAL(p.center, t["center"].get<bool>());
      BOOST_CHECK_EQUAL(p.pad_mode, t["pad_mode"].get<std::string>());
      BOOST_CHECK_EQUAL(p.nyquist_dropped, t["nyquist_dropped"].get<bool>());
      BOOST_CHECK_EQUAL(run.inference.roles.at(0).layout, t["layout"].get<std::string>());
      BOOST_CHECK_EQUAL(run.arrays.at(0).info.dtype, t["dtype"].get<std::string>());
      BOOST_CHECK_EQUAL(run.arrays.at(0).info.byte_order, t["byte_order"].get<std::string>());
      BOOST_CHECK_CLOSE_FRACTION(run.inference.gain, 1.0 / t["gain"].get<double>(), 1e-6);

      int rate = 0;
      const std::vector<double> src = ReadWav((dir / t["source"].get<std::string>()).string(), &rate);
      // The length: exact when the recording's tail is not silent, else within the range the
      // frame count allows (the report says which).
      const size_t truth_len = t["signal_length"].get<size_t>();
      BOOST_CHECK_LE(run.inference.length_min, truth_len);
      BOOST_CHECK_GE(run.inference.length_max, truth_len);
      if (src.back() != 0.0 && p.center) BOOST_CHECK_EQUAL(run.signal.size(), truth_len);
      // SNR against the source. Without centring, the first and last n_fft samples lie under
      // the window's tapers only (a zero-valued window sample loses its input sample).
      const size_t margin = p.center ? 0 : static_cast<size_t>(p.n_fft);
      const double snr = test::SnrDb(src, run.signal, margin, run.signal.size() - margin);
      const double threshold = p.nyquist_dropped ? 60.0 : 90.0;
      BOOST_TEST_MESSAGE(name << ": SNR " << snr << " dB, consistency " << run.consistency_db << " dB");
      BOOST_CHECK_GT(snr, threshold);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
