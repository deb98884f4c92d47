// Inference on synthetic dumps made in the test: layout, hop, window and boundary, exact.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <boost/test/unit_test.hpp>

#include "inference/gain.h"
#include "inference/hop.h"
#include "inference/infer.h"
#include "inference/layout.h"
#include "inference/window_fit.h"
#include "formats/reader.h"
#include "src/errors.h"
#include "src/pipeline.h"
#include "tests/test_util.h"

namespace specrecon {
using namespace specrecon::test;

BOOST_AUTO_TEST_SUITE(inference)

struct Made {
  std::vector<double> x;
  std::vector<NdArray> arrays;
};

// A dump as a producer without padding makes it: frames of x, window at `offset`.
Made MakeDump(WindowSpec spec, int n_fft, int hop, int offset, bool frames_x_bins, size_t len = 12000,
              bool center_reflect = false) {
  Made m;
  m.x = TestSignal(len);
  std::vector<double> padded = m.x;
  if (center_reflect) {
    const int p = n_fft / 2;
    padded.assign(len + 2 * p, 0.0);
    for (size_t i = 0; i < len; ++i) padded[p + i] = m.x[i];
    for (int i = 1; i <= p; ++i) {
      padded[p - i] = m.x[i];
      padded[p + len - 1 + i] = m.x[len - 1 - i];
    }
  }
  const Spectrogram s = Stft(padded, PlaceWindow(MakeWindow(spec), n_fft, offset), hop);
  std::vector<double> mag, phase;
  Flatten(s, frames_x_bins, &mag, &phase);
  m.arrays = {MakeArray(phase, "phase"), MakeArray(mag, "mag")};
  return m;
}

BOOST_AUTO_TEST_CASE(layout_found_in_both_orientations) {
  for (bool fxb : {true, false}) {
    Made d = MakeDump({WindowFamily::kHann, 0, false, false, 256}, 256, 64, 0, fxb);
    const auto hyps = FindLayouts(d.arrays[0].values, d.arrays[1].values);
    BOOST_REQUIRE(!hyps.empty());
    BOOST_CHECK_EQUAL(hyps[0].bins, 129u);
    BOOST_CHECK(hyps[0].layout == (fxb ? Layout::kFramesXBins : Layout::kBinsXFrames));
  }
}

BOOST_AUTO_TEST_CASE(infers_every_parameter_exactly) {
  struct Case { WindowSpec w; int n_fft, hop, offset; bool fxb; };
  const Case cases[] = {
      {{WindowFamily::kHann, 0, false, false, 512}, 512, 128, 0, true},
      {{WindowFamily::kHamming, 0, false, false, 400}, 512, 100, 0, false},
      {{WindowFamily::kBlackman, 0, true, false, 300}, 300, 75, 0, true},
      {{WindowFamily::kHann, 0, false, false, 600}, 1024, 150, 212, true},
      {{WindowFamily::kBlackmanHarris, 0, false, false, 256}, 256, 32, 0, false},
      {{WindowFamily::kSine, 0, true, false, 255}, 255, 85, 0, true},
      {{WindowFamily::kHann, 0, false, false, 320}, 320, 40, 0, true},  // hop 1/8
      {{WindowFamily::kNuttall, 0, false, false, 512}, 512, 256, 0, true},
  };
  for (const Case& c : cases) {
    Made d = MakeDump(c.w, c.n_fft, c.hop, c.offset, c.fxb);
    const InferenceResult r = Infer(d.arrays, Hints{});
    const std::string what = DescribeWindow(c.w) + " n_fft " + std::to_string(c.n_fft);
    if (r.params.win_length != c.w.length || r.params.hop != c.hop)
      for (const std::string& line : r.log.lines()) BOOST_TEST_MESSAGE(what << ": " << line);
    BOOST_CHECK_MESSAGE(r.params.n_fft == c.n_fft, what << ": n_fft " << r.params.n_fft);
    BOOST_CHECK_MESSAGE(r.params.hop == c.hop, what << ": hop " << r.params.hop);
    BOOST_CHECK_MESSAGE(r.params.win_length == c.w.length, what << ": win_length " << r.params.win_length);
    BOOST_CHECK_MESSAGE(r.params.window.family == c.w.family, what << ": family " << WindowFamilyName(r.params.window.family));
    BOOST_CHECK_MESSAGE(r.params.window.symmetric == c.w.symmetric, what << ": symmetric");
    BOOST_CHECK_MESSAGE(r.params.offset == c.offset, what << ": offset " << r.params.offset);
    BOOST_CHECK_MESSAGE(!r.params.center, what << ": center");
    // The inverse reproduces the signal wherever frames cover it.
    BOOST_CHECK_GT(SnrDb(d.x, r.padded_signal, c.n_fft, r.padded_signal.size() - c.n_fft), 200.0);
  }
}

BOOST_AUTO_TEST_CASE(a_long_window_centred_in_its_frame_keeps_its_length) {
  // A Blackman window centred in a frame twice its length (torch's placement): its tails stay
  // below the support threshold for more samples than the placements tried (7 samples at 4096;
  // 5 at 1536 on a float32 torch dump), and the same samples were read as a symmetric window
  // shorter by one, one sample later.
  Made d = MakeDump({WindowFamily::kBlackman, 0, false, false, 4096}, 8192, 1024, 2048, true, 40000);
  const InferenceResult r = Infer(d.arrays, Hints{});
  BOOST_CHECK_EQUAL(r.params.win_length, 4096);
  BOOST_CHECK_EQUAL(r.params.offset, 2048);
  BOOST_CHECK(r.params.window.family == WindowFamily::kBlackman);
  BOOST_CHECK(!r.params.window.symmetric);
}

BOOST_AUTO_TEST_CASE(parametric_windows_within_two_percent) {
  struct Case { WindowSpec w; int hop; };
  const Case cases[] = {
      {{WindowFamily::kKaiser, 8.0, false, false, 512}, 128},
      {{WindowFamily::kKaiser, 14.0, true, false, 301}, 75},
      {{WindowFamily::kGaussian, 60.0, false, false, 512}, 64},
      {{WindowFamily::kTukey, 0.25, false, false, 256}, 64},
  };
  for (const Case& c : cases) {
    Made d = MakeDump(c.w, c.w.length, c.hop, 0, true);
    const InferenceResult r = Infer(d.arrays, Hints{});
    BOOST_CHECK_MESSAGE(r.params.window.family == c.w.family,
                        DescribeWindow(c.w) << " inferred as " << DescribeWindow(r.params.window));
    BOOST_CHECK_CLOSE_FRACTION(r.params.window.param, c.w.param, 0.02);
    BOOST_CHECK_EQUAL(r.params.hop, c.hop);
  }
}

BOOST_AUTO_TEST_CASE(a_kaiser_window_between_grid_values_zero_padded_keeps_its_variant) {
  // scipy's periodic Kaiser 5.0 of 400 samples zero-padded to 512 (nfft > nperseg): at the
  // parameter grid's beta 6, open-ended windows of 404-409 fitted better than the periodic 400,
  // only they were refined (3.4 digits at best), and a custom window was reported.
  struct Case { WindowSpec w; int n_fft, hop; };
  const Case cases[] = {
      {{WindowFamily::kKaiser, 5.0, false, false, 400}, 512, 133},
      {{WindowFamily::kKaiser, 5.0, false, false, 256}, 512, 85},
  };
  for (const Case& c : cases) {
    Made d = MakeDump(c.w, c.n_fft, c.hop, 0, true);
    const InferenceResult r = Infer(d.arrays, Hints{});
    BOOST_CHECK_MESSAGE(r.params.window.family == c.w.family,
                        DescribeWindow(c.w) << " inferred as " << DescribeWindow(r.params.window));
    BOOST_CHECK_CLOSE_FRACTION(r.params.window.param, c.w.param, 1e-3);
    BOOST_CHECK(!r.params.window.symmetric);
    BOOST_CHECK_EQUAL(r.params.win_length, c.w.length);
    BOOST_CHECK_EQUAL(r.params.hop, c.hop);
  }
}

BOOST_AUTO_TEST_CASE(an_odd_window_at_the_frame_start_is_not_an_open_ended_one_centred) {
  // scipy's periodic Hann of 255 samples in nfft 256 starts with a zero: the same samples are an
  // open-ended (MATLAB 'hanning') 254 centred at offset 1, which torch, the one tool that
  // centres, never makes; the even length once won the tie. They are also a symmetric Hann of
  // 256 (MATLAB's hann(256)) at the frame start, which the data cannot tell from it.
  Made d = MakeDump({WindowFamily::kHann, 0, false, false, 255}, 256, 85, 0, true);
  const InferenceResult r = Infer(d.arrays, Hints{});
  BOOST_CHECK_EQUAL(r.params.offset, 0);
  BOOST_CHECK(r.params.window.family == WindowFamily::kHann);
  BOOST_CHECK(!r.params.window.open_ends);
  BOOST_CHECK_MESSAGE((r.params.win_length == 255 && !r.params.window.symmetric) ||
                          (r.params.win_length == 256 && r.params.window.symmetric),
                      DescribeWindow(r.params.window));
}

BOOST_AUTO_TEST_CASE(centre_reflect_padding_gives_start_and_length) {
  // torch.stft(center=True) with win_length < n_fft: the window sits at (n_fft - win_length) / 2,
  // so the head of the padded signal is under no window. With win_length n_fft/2 the candidate
  // pad win_length/2 is that uncovered head exactly; it was read as zero padding (pad 128, every
  // sample 128 late).
  struct Case { int win, n_fft, hop; };
  for (const Case c : {Case{800, 1024, 256}, Case{256, 512, 64}}) {
    Made d = MakeDump({WindowFamily::kHann, 0, false, false, c.win}, c.n_fft, c.hop, (c.n_fft - c.win) / 2, true,
                      12345, true);
    for (NdArray& a : d.arrays)
      for (double& v : a.values) v = static_cast<float>(v);  // as torch writes them
    const InferenceResult r = Infer(d.arrays, Hints{});
    BOOST_CHECK(r.params.center);
    BOOST_CHECK_EQUAL(r.params.pad_mode, "reflect");
    BOOST_CHECK_EQUAL(r.params.pad, c.n_fft / 2);
    BOOST_CHECK_EQUAL(r.signal_length, 12345u);
    std::vector<double> out(r.padded_signal.begin() + r.params.pad,
                            r.padded_signal.begin() + r.params.pad + r.signal_length);
    BOOST_CHECK_GT(SnrDb(d.x, out), 120.0);
  }
}

BOOST_AUTO_TEST_CASE(gain_prefers_the_tools_default_scalings) {
  // scipy.signal.stft's default ('spectrum', 1/sum w) of a Hamming 2048 at 22050 Hz: a recording
  // peaking at 0.22 is taken at 0.22, not as 'psd' scaled (0.84, nearer 0.5 but a scaling the
  // producer must ask for). A recording at 0.06 read as 'spectrum' is far enough below a typical
  // level that 'psd' (0.23) is taken.
  const double wsum = 0.54 * 2048, wsum2 = (0.54 * 0.54 + 0.46 * 0.46 / 2) * 2048;
  const GainChoice loud = ChooseGain(0.22 / wsum, wsum, wsum2, 2048, 22050);
  BOOST_CHECK_EQUAL(loud.convention, "scipy_spectrum");
  BOOST_CHECK_EQUAL(loud.evidence.runner_up_value.get<std::string>(), "scipy_density");
  const GainChoice quiet = ChooseGain(0.06 / wsum, wsum, wsum2, 2048, 22050);
  BOOST_CHECK_EQUAL(quiet.convention, "scipy_density");
  BOOST_CHECK_CLOSE_FRACTION(quiet.factor, std::sqrt(22050 * wsum2), 1e-12);
}

BOOST_AUTO_TEST_CASE(hints_are_reported_as_given) {
  Made d = MakeDump({WindowFamily::kHann, 0, false, false, 256}, 256, 64, 0, true);
  Hints h;
  h.hop = 64;
  const InferenceResult r = Infer(d.arrays, h);
  BOOST_CHECK_EQUAL(r.evidence.at("hop").source, "given");
  BOOST_CHECK_EQUAL(r.evidence.at("n_fft").source, "inferred");
  BOOST_CHECK(r.evidence.at("n_fft").has_runner_up);
}

BOOST_AUTO_TEST_CASE(random_phase_fails_with_inference_error) {
  Made d = MakeDump({WindowFamily::kHann, 0, false, false, 256}, 256, 64, 0, true);
  uint32_t s = 7;
  for (double& v : d.arrays[0].values) {
    s = s * 1664525u + 1013904223u;
    v = ((s >> 8) / 16777216.0 - 0.5) * 2 * M_PI;
  }
  try {
    Infer(d.arrays, Hints{});
    BOOST_FAIL("random phase accepted");
  } catch (const Error& e) {
    BOOST_CHECK(e.code() == ExitCode::kInferenceFailed || e.code() == ExitCode::kBadInput);
  }
}

BOOST_AUTO_TEST_CASE(power_and_db_magnitudes_are_recognised) {
  for (const std::string scale : {"power", "db20"}) {
    Made d = MakeDump({WindowFamily::kHann, 0, false, false, 256}, 256, 64, 0, true);
    for (double& v : d.arrays[1].values) v = scale == "power" ? v * v : 20.0 * std::log10(std::max(v, 1e-12));
    const InferenceResult r = Infer(d.arrays, Hints{});
    BOOST_CHECK_EQUAL(r.magnitude_scale, scale);
    BOOST_CHECK_EQUAL(r.params.hop, 64);
  }
}

// scipy.signal.stft's defaults on speech (samples/scipy_stft_default) with the magnitude stored
// as 12-bit codes in int16 (full scale 4095) beside the float phase file: every cell of the last
// bin quantises to 0, so its phase cannot show whether the bin is a Nyquist bin. It was read as
// no evidence against one, n_fft 258 with the Nyquist bin dropped, hop 129; all three sizes are
// now tried and the phase's consistency picks 256.
BOOST_AUTO_TEST_CASE(a_last_bin_quantised_to_zero_leaves_the_size_to_the_phase) {
  const std::string dir = std::string(SPECRECON_SOURCE_DIR) + "/samples/scipy_stft_default/";
  const std::vector<NdArray> m = ReadArrays(dir + "spectrogram.bin", RawHints());
  BOOST_REQUIRE_EQUAL(m.size(), 1u);
  const double vmax = *std::max_element(m[0].values.begin(), m[0].values.end());
  std::vector<double> codes(m[0].values.size());
  for (size_t i = 0; i < codes.size(); ++i) codes[i] = std::round(m[0].values[i] / vmax * 4095.0);
  BOOST_REQUIRE_EQUAL(*std::max_element(codes.end() - 205, codes.end()), 0.0);  // the last bin (bins x frames)
  const std::string path = TempPath("codes4095.bin");
  WriteBinary<int16_t>(path, codes);
  RunOptions o;
  o.files = {path, dir + "phases.bin"};
  o.hints.iterations = 10;
  const RunResult r = RunInference(o);
  std::remove(path.c_str());
  BOOST_CHECK_EQUAL(r.arrays.at(0).info.dtype, "int16");
  BOOST_CHECK_EQUAL(r.inference.params.n_fft, 256);
  BOOST_CHECK_EQUAL(r.inference.params.hop, 128);
  BOOST_CHECK(!r.inference.params.nyquist_dropped);
}

// A log-power dump with its phase, as torch.log(spec + eps) of a power spectrogram writes it:
// ln|X|^2 (samples/torch_stft_nocenter's |X|, squared, plus 1e-9). Read as ln|X| the
// magnitudes are squared and no hypothesis was consistent (hop 512, a Gaussian window); the
// ln_power reading makes them consistent.
BOOST_AUTO_TEST_CASE(a_natural_log_of_power_with_its_phase_is_read_as_ln_power) {
  const std::string dir = std::string(SPECRECON_SOURCE_DIR) + "/samples/torch_stft_nocenter/";
  const std::vector<NdArray> m = ReadArrays(dir + "spectrogram.bin", RawHints());
  BOOST_REQUIRE_EQUAL(m.size(), 1u);
  std::vector<double> logp(m[0].values.size());
  for (size_t i = 0; i < logp.size(); ++i) logp[i] = std::log(m[0].values[i] * m[0].values[i] + 1e-9);
  const std::string path = TempPath("lnpower.f32");
  WriteBinary<float>(path, logp);
  RunOptions o;
  o.files = {path, dir + "phases.bin"};
  o.hints.iterations = 10;
  const RunResult r = RunInference(o);
  std::remove(path.c_str());
  BOOST_CHECK_EQUAL(r.inference.magnitude_scale, "ln_power");
  BOOST_CHECK_EQUAL(r.inference.params.n_fft, 512);
  BOOST_CHECK_EQUAL(r.inference.params.hop, 128);
  BOOST_CHECK_EQUAL(WindowFamilyName(r.inference.params.window.family), "hamming");  // torch.hamming_window(512)
}

// A log dump of a spectrogram with exact zeros holds -inf there (torch.log of a power
// spectrogram of a recording with digital silence). The float32 file was read as int32 codes
// for its "NaN or Inf"; now the -inf cells are the data's floor, with the phase and without.
BOOST_AUTO_TEST_CASE(minus_infinity_in_a_log_dump_is_a_zero_magnitude) {
  const std::string dir = std::string(SPECRECON_SOURCE_DIR) + "/samples/torch_stft_nocenter/";
  const std::vector<NdArray> m = ReadArrays(dir + "spectrogram.bin", RawHints());
  BOOST_REQUIRE_EQUAL(m.size(), 1u);
  const size_t frames = 200, bins = 257;  // bins x frames (truth.json)
  BOOST_REQUIRE_EQUAL(m[0].values.size(), frames * bins);
  std::vector<double> logp(m[0].values.size());
  size_t zeros = 0;
  for (size_t k = 0; k < bins; ++k)
    for (size_t f = 0; f < frames; ++f) {
      const double v = f < 20 ? 0.0 : m[0].values[k * frames + f];  // 20 frames of digital silence
      logp[k * frames + f] = std::log(v * v);
      zeros += v == 0.0;
    }
  BOOST_REQUIRE_GE(zeros, 20 * bins);
  const std::string path = TempPath("lnpower_inf.f32");
  WriteBinary<float>(path, logp);
  for (bool with_phase : {true, false}) {
    RunOptions o;
    o.files = {path};
    if (with_phase) o.files.push_back(dir + "phases.bin");
    o.hints.iterations = 10;
    o.sample_rate = 16000;
    const RunResult r = RunInference(o);
    BOOST_TEST_CONTEXT(std::string(with_phase ? "with phase" : "magnitude only")) {
      BOOST_CHECK_EQUAL(r.arrays.at(0).info.dtype, "float32");
      BOOST_CHECK_MESSAGE(r.arrays.at(0).info.note.find("values of -inf") != std::string::npos, r.arrays.at(0).info.note);
      BOOST_CHECK_EQUAL(r.inference.magnitude_scale, "ln_power");
      BOOST_CHECK_EQUAL(r.inference.params.n_fft, 512);
      BOOST_CHECK_EQUAL(r.inference.params.hop, 128);
    }
  }
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
