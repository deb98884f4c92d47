// Window families against scipy's golden vectors, and the periodic/symmetric conventions.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "src/window.h"

namespace specrecon {
#include "tests/golden/windows.inc"

BOOST_AUTO_TEST_SUITE(window)

BOOST_AUTO_TEST_CASE(matches_scipy_golden_vectors) {
  for (const GoldenWindow& g : kGoldenWindows) {
    WindowSpec spec;
    const std::string fam = g.family;
    spec.open_ends = fam == "hann_open";
    auto parsed = ParseWindowFamily(spec.open_ends ? "hann" : fam);
    BOOST_REQUIRE_MESSAGE(parsed.has_value(), fam);
    spec.family = *parsed;
    spec.param = g.param;
    spec.symmetric = g.symmetric;
    spec.length = g.length;
    const std::vector<double> w = MakeWindow(spec);
    BOOST_REQUIRE_EQUAL(w.size(), g.w.size());
    for (size_t i = 0; i < w.size(); ++i)
      BOOST_CHECK_MESSAGE(std::abs(w[i] - g.w[i]) <= 1e-12 * std::max(1.0, std::abs(g.w[i])),
                          fam << (g.symmetric ? " sym " : " per ") << g.length << " [" << i
                              << "]: " << w[i] << " vs scipy " << g.w[i]);
  }
}

BOOST_AUTO_TEST_CASE(periodic_is_symmetric_plus_one_truncated) {
  for (WindowFamily f : AllWindowFamilies()) {
    WindowSpec per{f, f == WindowFamily::kGaussian ? 5.0 : 0.5, false, false, 32};
    WindowSpec sym = per;
    sym.symmetric = true;
    sym.length = 33;
    const auto a = MakeWindow(per), b = MakeWindow(sym);
    for (int i = 0; i < 32; ++i) BOOST_CHECK_CLOSE_FRACTION(a[i] + 1.0, b[i] + 1.0, 1e-14);
  }
}

BOOST_AUTO_TEST_CASE(names_round_trip_and_reject_unknown) {
  for (WindowFamily f : AllWindowFamilies()) {
    auto parsed = ParseWindowFamily(WindowFamilyName(f));
    BOOST_REQUIRE(parsed.has_value());
    BOOST_CHECK(*parsed == f);
  }
  BOOST_CHECK(!ParseWindowFamily("hanm").has_value());
  BOOST_CHECK(*ParseWindowFamily("hanning") == WindowFamily::kHann);
}

BOOST_AUTO_TEST_CASE(rejects_bad_arguments) {
  BOOST_CHECK_THROW(MakeWindow({WindowFamily::kHann, 0, false, false, 0}), std::invalid_argument);
  BOOST_CHECK_THROW(MakeWindow({WindowFamily::kGaussian, 0.0, false, false, 8}), std::invalid_argument);
  BOOST_CHECK_THROW(MakeWindow({WindowFamily::kCustom, 0.0, false, false, 8}), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
