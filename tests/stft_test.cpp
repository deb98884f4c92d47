// The DSP core: FFT round trip, STFT then inverse returns the input, analytic signals.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "src/fft.h"
#include "src/stft.h"
#include "src/window.h"
#include "tests/test_util.h"

namespace specrecon {
using test::SnrDb;
using test::TestSignal;

BOOST_AUTO_TEST_SUITE(stft)

BOOST_AUTO_TEST_CASE(fft_round_trip_even_and_odd) {
  for (int n : {1, 2, 7, 64, 301, 1000}) {
    RealFft fft(n);
    std::vector<double> x = TestSignal(n), y(n);
    std::vector<std::complex<double>> X(fft.bins());
    fft.Forward(x.data(), X.data());
    fft.Inverse(X.data(), y.data());
    for (int i = 0; i < n; ++i) BOOST_CHECK_SMALL(x[i] - y[i], 1e-12);
  }
}

BOOST_AUTO_TEST_CASE(fft_of_dc_and_nyquist) {
  RealFft fft(8);
  std::vector<double> dc(8, 1.0), nyq(8);
  for (int i = 0; i < 8; ++i) nyq[i] = i % 2 ? -1.0 : 1.0;
  std::vector<std::complex<double>> X(5);
  fft.Forward(dc.data(), X.data());
  BOOST_CHECK_CLOSE(X[0].real(), 8.0, 1e-12);
  for (int k = 1; k < 5; ++k) BOOST_CHECK_SMALL(std::abs(X[k]), 1e-12);
  fft.Forward(nyq.data(), X.data());
  BOOST_CHECK_CLOSE(X[4].real(), 8.0, 1e-12);
  for (int k = 0; k < 4; ++k) BOOST_CHECK_SMALL(std::abs(X[k]), 1e-12);
}

// STFT then inverse returns the input to 1e-9 relative (float64) wherever frames cover it.
BOOST_AUTO_TEST_CASE(round_trip_is_exact) {
  struct Case { WindowFamily f; int n_fft, len, hop, offset; bool sym; };
  const Case cases[] = {
      {WindowFamily::kHann, 256, 256, 64, 0, false},   {WindowFamily::kHamming, 1024, 512, 160, 0, false},
      {WindowFamily::kBlackman, 512, 400, 100, 56, false}, {WindowFamily::kKaiser, 301, 301, 75, 0, true},
      {WindowFamily::kRectangular, 128, 128, 128, 0, false}, {WindowFamily::kHann, 512, 512, 64, 0, true},
  };
  const std::vector<double> x = TestSignal(8000);
  for (const Case& c : cases) {
    WindowSpec spec{c.f, c.f == WindowFamily::kKaiser ? 8.0 : 0.0, c.sym, false, c.len};
    const std::vector<double> w = PlaceWindow(MakeWindow(spec), c.n_fft, c.offset);
    const Spectrogram s = Stft(x, w, c.hop);
    const IstftResult r = Istft(s, w, c.hop);
    BOOST_REQUIRE_EQUAL(r.signal.size(), static_cast<size_t>(s.frames - 1) * c.hop + c.n_fft);
    // Interior (full overlap): exact.
    double max_rel = 0.0, peak = 0.0;
    for (size_t t = c.n_fft; t + c.n_fft < r.signal.size(); ++t) {
      max_rel = std::max(max_rel, std::abs(r.signal[t] - x[t]));
      peak = std::max(peak, std::abs(x[t]));
    }
    BOOST_CHECK_MESSAGE(max_rel <= 1e-9 * peak, DescribeWindow(spec) << ": max error " << max_rel);
    BOOST_CHECK_LT(ConsistencyDb(s, w, c.hop), -200.0);
  }
}

BOOST_AUTO_TEST_CASE(analytic_signals_round_trip) {
  const int n = 64, hop = 16;
  const std::vector<double> w = MakeWindow({WindowFamily::kHann, 0, false, false, n});
  std::vector<double> dc(1024, 0.3), sine(1024), nyq(1024), silence(1024, 0.0);
  for (int i = 0; i < 1024; ++i) {
    sine[i] = std::sin(2 * M_PI * 5 * i / 64.0);
    nyq[i] = i % 2 ? -0.5 : 0.5;
  }
  for (const auto* x : {&dc, &sine, &nyq}) {
    const IstftResult r = Istft(Stft(*x, w, hop), w, hop);
    BOOST_CHECK_GT(SnrDb(*x, r.signal, n, r.signal.size() - n), 250.0);
  }
  const IstftResult r = Istft(Stft(silence, w, hop), w, hop);
  for (double v : r.signal) BOOST_CHECK_EQUAL(v, 0.0);
}

BOOST_AUTO_TEST_CASE(empty_and_short_inputs) {
  const std::vector<double> w(64, 1.0);
  const Spectrogram s = Stft(std::vector<double>(10, 1.0), w, 16);
  BOOST_CHECK_EQUAL(s.frames, 0);
  BOOST_CHECK(Istft(s, w, 16).signal.empty());
  BOOST_CHECK_THROW(Stft(std::vector<double>(100), w, 0), std::invalid_argument);
  BOOST_CHECK_THROW(PlaceWindow(w, 32, 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(uncovered_samples_are_counted) {
  // A periodic Hann window is 0 at n = 0, so the first sample is in no window.
  const std::vector<double> w = MakeWindow({WindowFamily::kHann, 0, false, false, 64});
  const IstftResult r = Istft(Stft(TestSignal(640), w, 16), w, 16);
  BOOST_CHECK_EQUAL(r.uncovered, 1u);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
