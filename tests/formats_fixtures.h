// Shared by tests/formats_*_test.cpp: where the fixtures of tests/data/formats/ are, the value
// formula they were written with, and a check of what a reader returned against
// tests/data/formats/manifest.json (which make_fixtures.py wrote from what it asked each tool
// to write, and verified by re-reading each file with numpy / scipy / h5py).
//
// Formula (make_fixtures.py, make_fixtures.m):  v(i) = sin(0.37*i)*100 + i*0.001 in float64;
// float16/32/64: v(i) rounded to the type; integers: trunc(v(i)) (+128 for unsigned types);
// complex: real part v(i), imaginary part v(i+1000). Elements appear in the file in the order
// i = start, start+1, ...; every comparison below is exact (bit for bit, NaN equal to NaN).
#pragma once

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "formats/reader.h"
#include "src/errors.h"

namespace specrecon::test {

inline std::string FixtureDir() { return std::string(SPECRECON_SOURCE_DIR) + "/tests/data/formats/"; }

inline const nlohmann::json& Manifest() {
  static const nlohmann::json m = [] {
    std::ifstream in(FixtureDir() + "manifest.json");
    BOOST_REQUIRE_MESSAGE(in, "tests/data/formats/manifest.json missing: run make_fixtures.py");
    return nlohmann::json::parse(in);
  }();
  return m;
}

inline double FormulaV(long i) {
  const double s = std::sin(0.37 * static_cast<double>(i)) * 100.0;
  const double t = static_cast<double>(i) * 0.001;
  return s + t;
}

// Round a double to the nearest binary16 value (ties to even), as numpy's astype does.
inline double RoundToHalf(double x) {
  if (!std::isfinite(x) || x == 0.0) return x;
  int e;
  std::frexp(x, &e);                   // |x| in [2^(e-1), 2^e)
  const int exp = std::max(e - 1, -14);  // subnormals share the exponent of the smallest normal
  const double quantum = std::ldexp(1.0, exp - 10);
  return std::nearbyint(x / quantum) * quantum;
}

inline double CastTo(const std::string& dtype, double v) {
  if (dtype == "float64" || dtype == "complex128") return v;
  if (dtype == "float32" || dtype == "complex64") return static_cast<double>(static_cast<float>(v));
  if (dtype == "float16") return RoundToHalf(v);
  return std::trunc(v) + (dtype[0] == 'u' ? 128.0 : 0.0);
}

inline double LiteralValue(const nlohmann::json& x) {
  if (x.is_string()) {
    const std::string s = x.get<std::string>();
    return s == "nan" ? NAN : s == "inf" ? INFINITY : -INFINITY;
  }
  return x.get<double>();
}

inline bool SameBits(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

// tests/data/formats/<name> parsed (a manifest a make_*_fixtures.py script wrote).
inline nlohmann::json LoadManifest(const std::string& name) {
  std::ifstream in(FixtureDir() + name);
  BOOST_REQUIRE_MESSAGE(in, "tests/data/formats/" + name + " missing: run the make_*_fixtures.py script that writes it");
  return nlohmann::json::parse(in);
}

// `a` holds the values of `b` bit for bit (real and imaginary parts, in file order).
inline void ExpectSameValues(const NdArray& a, const NdArray& b) {
  BOOST_REQUIRE_EQUAL(a.values.size(), b.values.size());
  BOOST_REQUIRE_EQUAL(a.imag.size(), b.imag.size());
  size_t same = 0;
  for (size_t k = 0; k < a.values.size(); ++k) same += SameBits(a.values[k], b.values[k]);
  for (size_t k = 0; k < a.imag.size(); ++k) same += SameBits(a.imag[k], b.imag[k]);
  BOOST_CHECK_EQUAL(same, a.values.size() + a.imag.size());
}

// Checks one returned array against one manifest array entry; `where` names it in messages.
inline void CheckArray(const NdArray& a, const nlohmann::json& e, const std::string& where) {
  BOOST_TEST_CONTEXT(where) {
    BOOST_CHECK_EQUAL(a.info.dtype, e["dtype"].get<std::string>());
    BOOST_CHECK_EQUAL(a.info.byte_order, e["byte_order"].get<std::string>());
    BOOST_CHECK_EQUAL(a.info.fortran_order, e["fortran_order"].get<bool>());
    const std::vector<size_t> shape = e["shape"].get<std::vector<size_t>>();
    BOOST_CHECK_EQUAL_COLLECTIONS(a.info.shape.begin(), a.info.shape.end(), shape.begin(), shape.end());
    const std::string kind = e["kind"].get<std::string>();
    const std::string dtype = e["dtype"].get<std::string>();
    std::vector<double> re, im;
    if (kind == "literal") {
      for (const auto& x : e["values"]) re.push_back(LiteralValue(x));
      if (e.contains("imag"))
        for (const auto& x : e["imag"]) im.push_back(LiteralValue(x));
    } else {
      size_t n = 1;
      for (size_t d : shape) n *= d;
      const long start = e["start"].get<long>();
      for (size_t j = 0; j < n; ++j) {
        re.push_back(CastTo(dtype, FormulaV(start + static_cast<long>(j))));
        if (kind == "complex") im.push_back(CastTo(dtype, FormulaV(start + static_cast<long>(j) + 1000)));
      }
    }
    BOOST_REQUIRE_EQUAL(a.values.size(), re.size());
    BOOST_REQUIRE_EQUAL(a.imag.size(), im.size());
    size_t wrong = 0, first = 0;
    for (size_t j = 0; j < re.size(); ++j) {
      const bool ok = SameBits(a.values[j], re[j]) && (im.empty() || SameBits(a.imag[j], im[j]));
      if (!ok && wrong++ == 0) first = j;
    }
    BOOST_CHECK_MESSAGE(wrong == 0, wrong << " values differ, first at element " << first << ": read "
                                          << (re.empty() ? 0.0 : a.values[first]) << ", expected "
                                          << (re.empty() ? 0.0 : re[first]));
  }
}

// Reads `path` expecting a kBadInput Error whose line names the file and contains `phrase`.
inline void ExpectBadInput(const std::string& path, const std::string& phrase) {
  BOOST_TEST_CONTEXT(path) {
    try {
      ReadArrays(path, RawHints{});
      BOOST_ERROR("accepted");
    } catch (const Error& e) {
      BOOST_CHECK(e.code() == ExitCode::kBadInput);
      BOOST_CHECK_EQUAL(e.file(), path);
      BOOST_CHECK_MESSAGE(e.Line().find("\"" + path + "\"") != std::string::npos, e.Line());
      BOOST_CHECK_MESSAGE(e.Line().find(phrase) != std::string::npos, e.Line() << "  lacks: " << phrase);
      BOOST_TEST_MESSAGE(e.Line());
    }
  }
}

inline const NdArray* FindArray(const std::vector<NdArray>& arrays, const std::string& name) {
  for (const NdArray& a : arrays)
    if (a.info.name == name) return &a;
  return nullptr;
}

// Reads every file of `format` in `manifest` (tests/data/formats/manifest.json by default) without hints and checks every array; returns how
// many files were checked. Containers must return exactly the manifest's arrays.
inline int CheckManifestFormat(const std::string& format, const nlohmann::json& manifest = Manifest()) {
  int files = 0;
  for (const auto& f : manifest["files"]) {
    if (f["format"].get<std::string>() != format) continue;
    const std::string rel = f["file"].get<std::string>();
    const std::string path = FixtureDir() + rel;
    ++files;
    BOOST_TEST_CONTEXT(rel) {
      std::vector<NdArray> arrays;
      try {
        arrays = ReadArrays(path, RawHints{});
      } catch (const Error& err) {
        BOOST_ERROR("read failed: " << err.Line());
        continue;
      }
      BOOST_CHECK_EQUAL(arrays.size(), f["arrays"].size());
      for (const auto& e : f["arrays"]) {
        const std::string name = e["name"].get<std::string>();
        const NdArray* a = FindArray(arrays, name);
        BOOST_REQUIRE_MESSAGE(a, "array '" << name << "' not returned");
        BOOST_CHECK_EQUAL(a->info.format, format);
        BOOST_CHECK_EQUAL(a->info.path, path);
        if (f.contains("header_bytes")) BOOST_CHECK_EQUAL(a->info.header_bytes, f["header_bytes"].get<uint64_t>());
        if (f.contains("trailer_bytes")) BOOST_CHECK_EQUAL(a->info.trailer_bytes, f["trailer_bytes"].get<uint64_t>());
        CheckArray(*a, e, rel + ":" + name);
      }
    }
  }
  return files;
}

// TMPDIR pointed at a directory of this test's own while it lives, so what the reader leaves
// there can be counted.
struct PrivateTmp {
  std::string dir;
  std::string old;
  bool had = false;
  explicit PrivateTmp(const std::string& suite) : dir("/tmp/specrecon_" + suite + "_test_" + std::to_string(::getpid())) {
    std::filesystem::create_directories(dir);
    if (const char* t = std::getenv("TMPDIR")) had = true, old = t;
    ::setenv("TMPDIR", dir.c_str(), 1);
  }
  ~PrivateTmp() {
    if (had) ::setenv("TMPDIR", old.c_str(), 1);
    else ::unsetenv("TMPDIR");
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  size_t Left() const {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) (void)e, ++n;
    return n;
  }
};

}  // namespace specrecon::test
