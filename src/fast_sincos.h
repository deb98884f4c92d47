// Why this file exists: a long dump's reconstruction turns some 50 million (magnitude, phase)
// cells into complex numbers; libm's sincos costs about as much as the inverse FFTs themselves.
// This is fdlibm's kernel (the same polynomials as glibc's) after a two-constant Cody-Waite
// reduction by pi/2, without libm's slow path for huge arguments: within 2 ulp of std::sin and
// std::cos for |x| < 1e5, and it falls back to them beyond (tests/fast_sincos_test.cpp).
#pragma once

#include <cmath>

namespace specrecon {

inline void FastSinCos(double x, double* s, double* c) {
  if (!(std::abs(x) < 1e5)) {  // also NaN
    *s = std::sin(x);
    *c = std::cos(x);
    return;
  }
  constexpr double kTwoOverPi = 6.36619772367581382433e-01;
  constexpr double kPio2Hi = 1.57079632673412561417e+00;  // first 33 bits of pi/2
  constexpr double kPio2Lo = 6.07710050650619224932e-11;  // pi/2 - kPio2Hi
  // Round to nearest by the 1.5 * 2^52 trick (exact for |x * 2/pi| < 2^51; no libm call).
  constexpr double kRound = 6755399441055744.0;
  const double k = (x * kTwoOverPi + kRound) - kRound;
  const double r = (x - k * kPio2Hi) - k * kPio2Lo;
  const double z = r * r;
  const double sr = r + r * z * (-1.66666666666666324348e-01 +
                                 z * (8.33333333332248946124e-03 +
                                      z * (-1.98412698298579493134e-04 +
                                           z * (2.75573137070700676789e-06 +
                                                z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)))));
  const double cr = 1.0 - 0.5 * z +
                    z * z * (4.16666666666666019037e-02 +
                             z * (-1.38888888888741095749e-03 +
                                  z * (2.48015872894767294178e-05 +
                                       z * (-2.75573143513906633035e-07 +
                                            z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))));
  switch (static_cast<long>(k) & 3) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = -sr; break;
    case 2: *s = -sr; *c = -cr; break;
    default: *s = -cr; *c = sr; break;
  }
}

}  // namespace specrecon
