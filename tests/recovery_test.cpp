// What the dump lost, recovered: each real-tool dump below is reconstructed blind, and its SNR
// against the source must beat a plain weighted overlap-add with the TRUE parameters (the
// oracle_snr_db the generator measured, samples/matrix/make_matrix.py) by the margin the
// Reconstruction issue sets.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "formats/reader.h"
#include "src/pipeline.h"
#include "src/wav.h"
#include "tests/test_util.h"

namespace specrecon {
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(recovery)

struct Outcome {
  double snr = 0.0, oracle = 0.0;
  // SNR after the least-squares output level: dumps of normalised codes or dB relative to the
  // maximum do not hold the level (the report says the gain is assumed).
  double snr_level_fitted = 0.0;
  RunResult run;
};

Outcome RunCase(const std::string& name) {
  const fs::path dir = fs::path(SPECRECON_SOURCE_DIR) / "samples" / "matrix" / name;
  std::ifstream tf(dir / "truth.json");
  const nlohmann::json t = nlohmann::json::parse(tf);
  RunOptions opt;
  opt.sample_rate = t["sample_rate"].get<int>();
  opt.files = {(dir / t["files"]["magnitude"].get<std::string>()).string(),
               (dir / t["files"]["phase"].get<std::string>()).string()};
  Outcome o;
  o.run = RunInference(opt);
  Reconstruct(&o.run);
  int rate = 0;
  const std::vector<double> src = ReadWav((dir / "source.wav").string(), &rate);
  const size_t n = std::min(src.size(), o.run.signal.size());
  const size_t margin = o.run.inference.params.center ? 0 : static_cast<size_t>(o.run.inference.params.n_fft);
  // Judged as the oracle was: against the source as it is. (Detrending erases the overall
  // mean; the figure without it is reported too.)
  std::vector<double> x(src.begin(), src.begin() + n), y(o.run.signal.begin(), o.run.signal.begin() + n);
  o.snr = test::SnrDb(x, y, margin, n - margin);
  {
    double xy = 0.0, yy = 0.0;
    for (size_t i = margin; i < n - margin; ++i) {
      xy += x[i] * y[i];
      yy += y[i] * y[i];
    }
    std::vector<double> scaled(y);
    for (double& v : scaled) v *= yy > 0.0 ? xy / yy : 1.0;
    o.snr_level_fitted = test::SnrDb(x, scaled, margin, n - margin);
  }
  if (o.run.inference.params.detrended) {
    double mx = 0.0, my = 0.0;
    for (size_t i = 0; i < n; ++i) {
      mx += x[i];
      my += y[i];
    }
    for (size_t i = 0; i < n; ++i) {
      x[i] -= mx / n;
      y[i] -= my / n;
    }
  }
  const double without_mean = test::SnrDb(x, y, margin, n - margin);
  o.oracle = t["oracle_snr_db"].get<double>();
  BOOST_TEST_MESSAGE(name << ": SNR " << o.snr << " dB (" << without_mean << " dB without the overall mean); "
                          << "plain inverse with true parameters " << o.oracle << " dB; at the fitted level "
                          << o.snr_level_fitted << " dB");
  return o;
}

BOOST_AUTO_TEST_CASE(dropped_nyquist_bin_is_restored) {
  for (const char* name : {"octave_specgram_default", "octave_specgram_hamming400_512"}) {
    const Outcome o = RunCase(name);
    BOOST_CHECK(o.run.inference.params.nyquist_dropped);
    BOOST_CHECK_GE(o.snr, o.oracle + 10.0);
  }
}

// Plain weighted overlap-add with the TRUE parameters (from truth.json), computed here.
std::vector<double> PlainInverseWithTruth(const fs::path& dir, const nlohmann::json& t) {
  const NdArray mag = ReadArrays((dir / t["files"]["magnitude"].get<std::string>()).string(), {}).at(0);
  const NdArray ph = ReadArrays((dir / t["files"]["phase"].get<std::string>()).string(), {}).at(0);
  const int frames = t["frames"].get<int>(), bins = t["bins"].get<int>(), n = t["n_fft"].get<int>();
  const bool bxf = t["layout"] == "bins_x_frames";
  Spectrogram s;
  s.frames = frames;
  s.bins = n / 2 + 1;
  s.data.assign(static_cast<size_t>(frames) * s.bins, 0.0);
  for (int m = 0; m < frames; ++m)
    for (int k = 0; k < bins && k < s.bins; ++k) {
      const size_t i = bxf ? static_cast<size_t>(k) * frames + m : static_cast<size_t>(m) * bins + k;
      s.frame(m)[k] = std::polar(mag.values[i], ph.values[i]);
    }
  WindowSpec w;
  w.family = *ParseWindowFamily(t["window"]["family"].get<std::string>());
  w.param = t["window"]["param"].is_null() ? 0.0 : t["window"]["param"].get<double>();
  w.symmetric = t["window"]["symmetric"].get<bool>();
  w.length = t["win_length"].get<int>();
  const IstftResult r = Istft(s, PlaceWindow(MakeWindow(w), n, t["window"]["offset"].get<int>()), t["hop"].get<int>());
  return r.signal;
}

void RemoveMean(std::vector<double>* v, size_t n) {
  double m = 0.0;
  for (size_t i = 0; i < n; ++i) m += (*v)[i];
  for (size_t i = 0; i < n; ++i) (*v)[i] -= m / n;
}

BOOST_AUTO_TEST_CASE(detrended_segment_means_are_restored) {
  // Detrending erases the signal's overall mean for every inverse alike; both are compared
  // without it (and without gain: scipy's 'density' scaling of the plain inverse is undone by
  // the best scale factor, ours by the given sample rate).
  for (const char* name : {"spectrogram_mag_angle_default", "spectrogram_complex_default"}) {
    const fs::path dir = fs::path(SPECRECON_SOURCE_DIR) / "samples" / "matrix" / name;
    std::ifstream tf(dir / "truth.json");
    const nlohmann::json t = nlohmann::json::parse(tf);
    const Outcome o = RunCase(name);
    BOOST_CHECK(o.run.inference.params.detrended);
    int rate = 0;
    std::vector<double> src = ReadWav((dir / "source.wav").string(), &rate);
    std::vector<double> plain = PlainInverseWithTruth(dir, t);
    std::vector<double> ours = o.run.signal;
    const size_t n = std::min({src.size(), plain.size(), ours.size()});
    RemoveMean(&src, n);
    RemoveMean(&plain, n);
    RemoveMean(&ours, n);
    double xy = 0.0, yy = 0.0;
    for (size_t i = 0; i < n; ++i) {
      xy += src[i] * plain[i];
      yy += plain[i] * plain[i];
    }
    for (double& v : plain) v *= xy / yy;
    const double plain_snr = test::SnrDb(src, plain, 0, n), ours_snr = test::SnrDb(src, ours, 0, n);
    BOOST_TEST_MESSAGE(name << " without the overall mean: specrecon " << ours_snr << " dB, plain inverse with true parameters "
                            << plain_snr << " dB");
    BOOST_CHECK_GE(ours_snr, plain_snr + 10.0);
  }
}

// Quantised dumps: the cells, not their centres, are what the dump says. The oracle is the plain
// inverse of the decoded cell centres with the true parameters (scipy.signal.istft).
BOOST_AUTO_TEST_CASE(uint8_magnitude_codes_are_dequantised) {
  const Outcome o = RunCase("scale_uint8_linear");
  BOOST_CHECK_EQUAL(o.run.inference.magnitude_quantization, "integer codes");
  BOOST_CHECK_GT(o.run.inference.dequantization_iterations, 1);
  BOOST_CHECK_GE(o.snr_level_fitted, o.oracle + 3.0);
}

BOOST_AUTO_TEST_CASE(clipped_db_floor_cells_are_upper_bounds) {
  // librosa-style amplitude_to_db(ref=max, top_db=80) with the phase kept.
  const Outcome o = RunCase("scale_db_refmax_top80");
  BOOST_CHECK_GT(o.run.inference.floored_cells, 0u);
  BOOST_CHECK_CLOSE(o.run.inference.floor_db, -80.0, 0.1);
  BOOST_CHECK_GT(o.snr_level_fitted, o.oracle);
}

BOOST_AUTO_TEST_CASE(fine_quantisation_is_not_made_worse) {
  // int16 codes and float16 lose little; the projections must not cost anything measurable.
  for (const char* name : {"scale_int16_linear", "scale_float16", "phase_int16"}) {
    const Outcome o = RunCase(name);
    BOOST_CHECK(!o.run.inference.dequantization.empty());
    BOOST_CHECK_GE(o.snr_level_fitted, o.oracle - 0.5);
  }
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
