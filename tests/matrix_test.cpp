// The inference matrix: dumps written by scipy, torch, matplotlib, Octave and numpy in many
// conventions (samples/matrix, made by samples/matrix/make_matrix.py). Each case is
// reconstructed blind; n_fft, hop, win_length, window family (and its parameter within 2%),
// sidedness, phase reference and centring must equal the truth, and the SNR against the
// source must come within 3 dB of a reconstruction with the true parameters. Cases of kinds
// not supported yet are listed below with the reason, and reported, not hidden.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "src/errors.h"
#include "src/pipeline.h"
#include "src/wav.h"
#include "tests/test_util.h"

namespace specrecon {
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(matrix)

// Kinds of dump the tool does not handle yet (see README "Limits"), by case name.
const std::map<std::string, std::string> kNotYet = {
};

// Scale-free SNR: for dumps whose level is lost (dB re max, integer codes), the best gain.
double ScaleFreeSnr(const std::vector<double>& x, const std::vector<double>& y, size_t b, size_t e) {
  double xy = 0.0, yy = 0.0;
  for (size_t i = b; i < e; ++i) {
    xy += x[i] * y[i];
    yy += y[i] * y[i];
  }
  std::vector<double> scaled(y);
  const double g = yy > 0 ? xy / yy : 1.0;
  for (double& v : scaled) v *= g;
  return test::SnrDb(x, scaled, b, e);
}

BOOST_AUTO_TEST_CASE(every_case_with_phase_is_inferred_exactly) {
  // samples/matrix: raw dumps in many conventions; samples/containers: .mat/.npz/HDF5 files
  // holding the spectrogram with axes and a sample rate (samples/containers/make_containers.py).
  std::vector<fs::path> dirs;
  for (const char* sub : {"matrix", "containers"}) {
    const fs::path root = fs::path(SPECRECON_SOURCE_DIR) / "samples" / sub;
    BOOST_REQUIRE(fs::exists(root));
    for (const auto& e : fs::directory_iterator(root))
      if (fs::exists(e.path() / "truth.json")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  BOOST_REQUIRE_GE(dirs.size(), 40u);
  int checked = 0;
  for (const fs::path& dir : dirs) {
    const std::string name = dir.filename().string();
    std::ifstream tf(dir / "truth.json");
    const nlohmann::json t = nlohmann::json::parse(tf);
    const auto& files = t["files"];
    const bool container = files.contains("container");
    if (!container && files["phase"].is_null() && files["complex"].is_null()) continue;  // magnitude only: own suite
    if (kNotYet.count(name)) {
      BOOST_TEST_MESSAGE(name << ": not yet supported: " << kNotYet.at(name));
      continue;
    }
    RunOptions opt;
    // The sample rate is what a user would know and give: the dump cannot tell it, and scipy's
    // 'density' scaling depends on it. A container tells it itself.
    if (!container) opt.sample_rate = t["sample_rate"].get<int>();
    for (const char* k : {"phase", "magnitude", "complex", "container"})
      if (files.contains(k) && !files[k].is_null()) opt.files.push_back((dir / files[k].get<std::string>()).string());
    BOOST_TEST_CONTEXT(name) {
      RunResult run;
      try {
        run = RunInference(opt);
        Reconstruct(&run);
      } catch (const Error& e) {
        BOOST_ERROR(e.Line());
        continue;
      }
      ++checked;
      const StftParams& p = run.inference.params;
      BOOST_CHECK_EQUAL(p.n_fft, t["n_fft"].get<int>());
      BOOST_CHECK_EQUAL(p.hop, t["hop"].get<int>());
      BOOST_CHECK_EQUAL(p.win_length, t["win_length"].get<int>());
      BOOST_CHECK_EQUAL(WindowFamilyName(p.window.family), t["window"]["family"].get<std::string>());
      BOOST_CHECK_EQUAL(p.window.symmetric || p.window.open_ends, t["window"]["symmetric"].get<bool>());
      BOOST_CHECK_EQUAL(p.offset, t["window"]["offset"].get<int>());
      if (!t["window"]["param"].is_null())
        BOOST_CHECK_CLOSE_FRACTION(p.window.param, t["window"]["param"].get<double>(), 0.02);
      BOOST_CHECK_EQUAL(p.onesided, t["onesided"].get<bool>());
      BOOST_CHECK_EQUAL(p.fftshift, t["fftshift"].get<bool>());
      BOOST_CHECK_EQUAL(p.phase_reference, t["phase_reference"].get<std::string>());
      if (container) BOOST_CHECK_EQUAL(run.sample_rate_source, "metadata");
      if (container) BOOST_CHECK_EQUAL(run.sample_rate, t["sample_rate"].get<int>());
      BOOST_CHECK_EQUAL(p.center, t["center"].get<bool>());
      if (p.center) BOOST_CHECK_EQUAL(p.pad_mode, t["pad_mode"].get<std::string>());

      int rate = 0;
      const std::vector<double> src = ReadWav((dir / t["excerpt"].get<std::string>()).string(), &rate);
      const size_t truth_len = t["signal_length"].get<size_t>();
      BOOST_CHECK_EQUAL(src.size(), truth_len);
      if (p.center) {
        BOOST_CHECK_LE(run.inference.length_min, truth_len);
        BOOST_CHECK_GE(run.inference.length_max, truth_len);
      }
      // SNR over the samples the producer's frames cover fully (not the first and last n_fft
      // without centring), against the oracle's SNR with the true parameters.
      const size_t margin = p.center ? 0 : static_cast<size_t>(p.n_fft);
      const size_t end = std::min(src.size(), run.signal.size());
      if (end <= 2 * margin) continue;
      const bool level_lost = (t.contains("quantized") && !t["quantized"].is_null()) || (t.contains("magnitude_ref_rule") && t["magnitude_ref_rule"].is_string()) ||
                              t.value("magnitude_scale", "") == "db20" || t.value("magnitude_scale", "") == "db10";
      double snr = level_lost ? ScaleFreeSnr(src, run.signal, margin, end - margin)
                              : test::SnrDb(src, run.signal, margin, end - margin);
      if (p.hop >= p.win_length) {
        // Without overlap a sample under a window's zero is lost; like the oracle, compare the
        // samples whose window weight is at least 1e-3 of its peak.
        const std::vector<double> cov = OverlapCoverage(run.inference.frame_window, p.hop, run.inference.spectrogram.frames);
        const double cmax = *std::max_element(cov.begin(), cov.end());
        std::vector<double> x, y;
        for (size_t i = 0; i < end; ++i) {
          const size_t c = i + static_cast<size_t>(p.pad);
          if (c < cov.size() && cov[c] >= 1e-3 * cmax) {
            x.push_back(src[i]);
            y.push_back(run.signal[i]);
          }
        }
        snr = test::SnrDb(x, y);
        BOOST_TEST_MESSAGE(name << ": no overlap, " << x.size() << " of " << end << " samples compared");
      }
      // (Container cases carry no oracle figure: float32 data allow about 140 dB.)
      const double oracle = t.contains("oracle_snr_db") ? t["oracle_snr_db"].get<double>() : 120.0;
      BOOST_TEST_MESSAGE(name << ": SNR " << snr << " dB, oracle " << oracle << " dB");
      // Named families: within 3 dB of the oracle. A window outside the families is fitted
      // free-form (the Reconstruction issue asks above 60 dB for those).
      const bool custom = t["window"]["family"] == "custom";
      BOOST_CHECK_GT(snr, custom ? 60.0 : std::min(oracle, 140.0) - 3.0);
    }
  }
  BOOST_TEST_MESSAGE(checked << " cases checked");
  BOOST_CHECK_GE(checked, 40);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
