// Consistent dequantisation (inference/dequantize.h) on synthetic dumps whose truth is known
// exactly: the cells are built from the stored values as the pipeline builds them, and the
// alternating projections must bring the spectrogram (and the signal) closer to the truth than
// the cell centres, and keep every projected value inside its cell.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "inference/dequantize.h"
#include "inference/roles.h"
#include "tests/test_util.h"

namespace specrecon {

BOOST_AUTO_TEST_SUITE(dequantize)

namespace {
struct Quantised {
  Spectrogram truth, centres;
  std::vector<double> signal, window;
  std::vector<std::complex<double>> unit;
  std::vector<float> lo, hi;
  int hop = 128;
};

// Hann 512 / hop 128 STFT of a test signal, magnitudes stored as codes round(|X| / step).
Quantised MakeCodes(double step) {
  Quantised q;
  const int n = 512;
  WindowSpec w;
  w.family = WindowFamily::kHann;
  w.length = n;
  q.window = PlaceWindow(MakeWindow(w), n, 0);
  q.signal = test::TestSignal(8000);
  q.truth = Stft(q.signal, q.window, q.hop);
  std::vector<double> codes(q.truth.data.size());
  for (size_t i = 0; i < codes.size(); ++i) codes[i] = std::nearbyint(std::abs(q.truth.data[i]) / step);
  NdArray a = test::MakeArray(codes, "codes");
  a.info.dtype = "uint8";
  const MagnitudeCells c = CellsOfMagnitude(a, codes, MakeMagnitudeMap(codes, "linear"));
  BOOST_REQUIRE_EQUAL(c.quantization, "integer codes");
  BOOST_REQUIRE_EQUAL(c.lo.size(), codes.size());
  q.centres = q.truth;
  q.unit.resize(codes.size());
  q.lo.resize(codes.size());
  q.hi.resize(codes.size());
  for (size_t i = 0; i < codes.size(); ++i) {
    q.unit[i] = std::polar(1.0, std::arg(q.truth.data[i]));
    q.lo[i] = static_cast<float>(c.lo[i] * step);
    q.hi[i] = static_cast<float>(c.hi[i] * step);
    q.centres.data[i] = q.unit[i] * (0.5 * (c.lo[i] + c.hi[i]) * step);
  }
  return q;
}

double ErrorDb(const Spectrogram& a, const Spectrogram& truth) {
  double e = 0.0, s = 0.0;
  for (size_t i = 0; i < a.data.size(); ++i) {
    e += std::norm(a.data[i] - truth.data[i]);
    s += std::norm(truth.data[i]);
  }
  return 10.0 * std::log10(e / s);
}
}  // namespace

BOOST_AUTO_TEST_CASE(cells_of_codes_floats_and_clipped_floors) {
  // Integer codes: half a step either side, never below 0.
  const std::vector<double> codes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  NdArray a = test::MakeArray(codes, "c");
  MagnitudeCells c = CellsOfMagnitude(a, codes, MakeMagnitudeMap(codes, "linear"));
  BOOST_CHECK_EQUAL(c.quantization, "integer codes");
  BOOST_CHECK_EQUAL(c.lo[0], 0.0);
  BOOST_CHECK_EQUAL(c.hi[0], 0.5);
  BOOST_CHECK_EQUAL(c.lo[5], 4.5);
  BOOST_CHECK_EQUAL(c.hi[5], 5.5);
  // Power codes: the square root of the cell's ends.
  c = CellsOfMagnitude(a, codes, MakeMagnitudeMap(codes, "power"));
  BOOST_CHECK_CLOSE(c.hi[4], std::sqrt(4.5), 1e-9);
  // Non-integer float32 values are exact: no cells.
  const std::vector<double> fine = {0.1, 0.25, 1.5, 2.75, 3.3, 4.1, 5.9, 7.2};
  BOOST_CHECK(!CellsOfMagnitude(test::MakeArray(fine, "f"), fine, MakeMagnitudeMap(fine, "linear")).any());
  // Too few distinct codes to call them quantised (a binary mask is not a code book).
  const std::vector<double> binary = {0, 1, 1, 0, 1, 0, 0, 1};
  BOOST_CHECK(!CellsOfMagnitude(test::MakeArray(binary, "b"), binary, MakeMagnitudeMap(binary, "linear")).any());
  // float16: half the float16 spacing around each value (2^-11 relative between 1 and 2).
  NdArray h = test::MakeArray(fine, "h");
  h.info.dtype = "float16";
  c = CellsOfMagnitude(h, fine, MakeMagnitudeMap(fine, "linear"));
  BOOST_CHECK_EQUAL(c.quantization, "float16");
  BOOST_CHECK_CLOSE(c.hi[2] - c.lo[2], std::ldexp(1.0, -10), 1e-9);
  // A dB dump clipped 80 dB below its maximum (librosa top_db): the floor is an upper bound.
  std::vector<double> db(2000);
  for (size_t i = 0; i < db.size(); ++i) db[i] = i % 4 == 0 ? -80.0 : -80.0 + 80.0 * (1 + i % 96) / 97.0 + 0.001 * (i % 7);
  db[1] = 0.0;  // the maximum
  const MagnitudeMap map = MakeMagnitudeMap(db, "db20");
  BOOST_CHECK_CLOSE(map.clip_depth_db, 80.0, 0.1);
  c = CellsOfMagnitude(test::MakeArray(db, "db"), db, map);
  BOOST_CHECK_EQUAL(c.floored, 500u);
  BOOST_CHECK_EQUAL(c.lo[0], 0.0);
  BOOST_CHECK_CLOSE(c.hi[0], map(-80.0), 1e-9);
  BOOST_CHECK_EQUAL(c.lo[1], c.hi[1]);  // unclipped float values are exact
}

BOOST_AUTO_TEST_CASE(phase_codes_give_half_a_step) {
  std::vector<double> codes(64);
  for (size_t i = 0; i < codes.size(); ++i) codes[i] = static_cast<double>(i) - 32.0;
  std::string q;
  const std::vector<double> hw = CellsOfPhase(test::MakeArray(codes, "p"), codes, M_PI / 32767.0, &q);
  BOOST_CHECK_EQUAL(q, "integer codes");
  BOOST_CHECK_CLOSE(hw[3], 0.5 * M_PI / 32767.0, 1e-9);
  const std::vector<double> radians = {0.1, -2.5, 3.0, 1.25, 0.7, -0.3, 2.2, -1.1};
  BOOST_CHECK(CellsOfPhase(test::MakeArray(radians, "r"), radians, 1.0, &q).empty());
  BOOST_CHECK(q.empty());
}

BOOST_AUTO_TEST_CASE(projections_approach_the_truth_and_stay_in_the_cells) {
  // Coarse codes (most cells 0..3 codes), phase exact: the centres' error, then after the
  // projections at least 6 dB less error in the spectrogram and in the signal.
  double peak = 0.0;
  {
    const Quantised probe = MakeCodes(1.0);
    for (const auto& z : probe.truth.data) peak = std::max(peak, std::abs(z));
  }
  Quantised q = MakeCodes(peak / 255.0);
  const double before = ErrorDb(q.centres, q.truth);
  const std::vector<double> x0 = Istft(q.centres, q.window, q.hop).signal;
  Spectrogram s = q.centres;
  const DequantizeResult r = ConsistentDequantize(&s, q.unit, q.lo, q.hi, {}, q.window, q.hop, 100, 0.0);
  const double after = ErrorDb(s, q.truth);
  const std::vector<double> x1 = Istft(s, q.window, q.hop).signal;
  const size_t n = q.signal.size() - 512;
  const double snr0 = test::SnrDb(q.signal, x0, 512, n), snr1 = test::SnrDb(q.signal, x1, 512, n);
  BOOST_TEST_MESSAGE("uint8-like codes: spectrogram error " << before << " -> " << after << " dB; signal SNR "
                                                              << snr0 << " -> " << snr1 << " dB in " << r.iterations
                                                              << " iterations, consistency " << r.consistency_before_db
                                                              << " -> " << r.consistency_after_db << " dB");
  BOOST_CHECK_EQUAL(r.iterations, 100);
  BOOST_CHECK_LT(after, before - 6.0);
  BOOST_CHECK_GT(snr1, snr0 + 6.0);
  BOOST_CHECK_LT(r.consistency_after_db, r.consistency_before_db);
  BOOST_CHECK_LT(r.outside_after, r.outside_before);
  // Every returned value lies in its cell, at the stored phase.
  size_t outside = 0;
  for (size_t i = 0; i < s.data.size(); ++i) {
    const double a = std::abs(s.data[i]);
    if (a < q.lo[i] * (1 - 1e-6) - 1e-12 || a > q.hi[i] * (1 + 1e-6) + 1e-12) ++outside;
    if (a > 1e-12 * peak && std::abs(std::arg(s.data[i] * std::conj(q.unit[i]))) > 1e-6) ++outside;
  }
  BOOST_CHECK_EQUAL(outside, 0u);
}

BOOST_AUTO_TEST_CASE(exact_data_are_left_alone) {
  // Cells of zero width around consistent data: nothing to move, stops at once.
  Quantised q = MakeCodes(1.0);
  std::vector<float> lo(q.truth.data.size()), hi(q.truth.data.size());
  for (size_t i = 0; i < lo.size(); ++i) lo[i] = hi[i] = static_cast<float>(std::abs(q.truth.data[i]));
  Spectrogram s = q.truth;
  const DequantizeResult r = ConsistentDequantize(&s, q.unit, lo, hi, {}, q.window, q.hop, 50, 1e-4);
  BOOST_CHECK_LE(r.iterations, 2);
  BOOST_CHECK_LT(ErrorDb(s, q.truth), -120.0);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
