#include "formats/array.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace specrecon {

ValueStats ComputeStats(const std::vector<double>& values) {
  ValueStats s;
  s.count = values.size();
  s.min = std::numeric_limits<double>::infinity();
  s.max = -std::numeric_limits<double>::infinity();
  double sum = 0.0, sum2 = 0.0;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    ++s.finite;
    if (v < 0) ++s.negative;
    if (v == 0) ++s.zeros;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
    sum += v;
    sum2 += v * v;
  }
  if (s.finite > 0) {
    s.mean = sum / s.finite;
    s.rms = std::sqrt(sum2 / s.finite);
  } else {
    s.min = s.max = 0.0;
  }
  return s;
}

}  // namespace specrecon
