// Raw binary dumps: element type, byte order and an unknown header recognised from content;
// fixtures written by numpy tofile, scipy FortranFile, torch and Octave fwrite
// (tests/data/formats/make_fixtures.py; the value formula is in tests/formats_fixtures.h).
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "formats/raw_reader.h"
#include "formats/reader.h"
#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;

namespace {

std::string TempFile(const std::string& name) {
  return "/tmp/specrecon_formats_" + std::to_string(::getpid()) + "_" + name;
}

// float32 little-endian formula values 0..n-1 behind `header`.
std::string WriteWithHeader(const std::string& name, const std::string& header, size_t n) {
  const std::string path = TempFile(name);
  std::ofstream f(path, std::ios::binary);
  f.write(header.data(), static_cast<std::streamsize>(header.size()));
  for (size_t i = 0; i < n; ++i) {
    const float v = static_cast<float>(FormulaV(static_cast<long>(i)));
    f.write(reinterpret_cast<const char*>(&v), 4);
  }
  return path;
}

std::string Int32s(std::initializer_list<int32_t> v) {
  std::string s;
  for (int32_t x : v) s.append(reinterpret_cast<const char*>(&x), 4);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formats_raw_header)

BOOST_AUTO_TEST_CASE(fixtures_read_without_hints) {
  BOOST_CHECK_GE(CheckManifestFormat("raw"), 15);
}

BOOST_AUTO_TEST_CASE(readings_report_runner_up_and_candidates) {
  for (const char* rel : {"raw/f32le.bin", "raw/f64be.bin", "raw/i16be.bin", "raw/header100_f32le.bin"}) {
    const NdArray a = ReadRaw(FixtureDir() + rel, {});
    BOOST_TEST_CONTEXT(rel) {
      BOOST_CHECK(!a.info.runner_up.empty());
      BOOST_CHECK_GT(a.info.score, a.info.runner_up_score);
      BOOST_CHECK(!a.info.dtype_given);
      BOOST_CHECK_NE(a.info.note.find("candidates:"), std::string::npos);
    }
  }
  // The header's evidence is stated.
  const NdArray h = ReadRaw(FixtureDir() + "raw/header100_f32le.bin", {});
  BOOST_CHECK_NE(h.info.note.find("do not decode like the rest"), std::string::npos);
  const NdArray f = ReadRaw(FixtureDir() + "raw/fortran_f32le.bin", {});
  BOOST_CHECK_NE(f.info.note.find("Fortran"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(header_hint_overrides_detection) {
  const std::string path = FixtureDir() + "raw/header100_f32le.bin";
  RawHints h;
  h.header_bytes = 100;
  NdArray a = ReadRaw(path, h);
  BOOST_CHECK_EQUAL(a.info.header_bytes, 100u);
  BOOST_CHECK_EQUAL(a.values.size(), 300u);
  BOOST_CHECK_EQUAL(a.values[299], static_cast<double>(static_cast<float>(FormulaV(299))));
  // A wrong header given is obeyed (and the values are then shifted).
  h.header_bytes = 96;
  a = ReadRaw(path, h);
  BOOST_CHECK_EQUAL(a.info.header_bytes, 96u);
  BOOST_CHECK_EQUAL(a.values.size(), 301u);
  BOOST_CHECK_NE(a.info.note.find("given"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(detects_typical_headers_of_any_length) {
  struct Case {
    const char* what;
    std::string header;
  };
  const std::string text = "# magnitude 2000 x float32 little-endian written by a test\n";
  std::vector<Case> cases = {
      {"int32 count", Int32s({2000})},
      {"int32 rows, cols", Int32s({40, 50})},
      {"magic, version, rows, cols", "SPEC" + Int32s({1, 40, 50})},
      {"odd-length magic and count", std::string("SR\x01") + Int32s({2000})},
      {"text line", text},
      {"text line of odd length", text.substr(3)},
      {"C struct zero-padded to 64", ("SPEC" + Int32s({1, 40, 50})).append(48, '\0')},
      {"C struct zero-padded to 512", ("SPECDUMP" + Int32s({3, 40, 50, 11})).append(488, '\0')},
  };
  for (const Case& c : cases) {
    const std::string path = WriteWithHeader("hdr", c.header, 2000);
    BOOST_TEST_CONTEXT(c.what << " (" << c.header.size() << " bytes)") {
      const NdArray a = ReadRaw(path, {});
      BOOST_CHECK_EQUAL(a.info.dtype, "float32");
      BOOST_CHECK_EQUAL(a.info.byte_order, "little");
      BOOST_CHECK_EQUAL(a.info.header_bytes, c.header.size());
      BOOST_REQUIRE_EQUAL(a.values.size(), 2000u);
      BOOST_CHECK_EQUAL(a.values[0], static_cast<double>(static_cast<float>(FormulaV(0))));
      BOOST_CHECK_EQUAL(a.values[1999], static_cast<double>(static_cast<float>(FormulaV(1999))));
    }
    std::remove(path.c_str());
  }
}

BOOST_AUTO_TEST_CASE(a_symmetric_first_frame_is_no_header) {
  // torch.stft(center=True, pad_mode='reflect') of float64 audio, phase written frames x bins:
  // the first frame is mirror-symmetric, so its 513 phases are +-pi or rounding noise of 0
  // (1e-17). 2044 bytes of them were read as a header.
  const std::string path = TempFile("symmetric_frame");
  std::ofstream f(path, std::ios::binary);
  uint32_t s = 99;
  const size_t total = 513 * 40;
  for (size_t i = 0; i < total; ++i) {
    s = s * 1664525u + 1013904223u;
    const double u = (s >> 8) / 16777216.0;
    float v;
    if (i < 513) v = static_cast<float>(u < 0.5 ? (u < 0.25 ? M_PI : -M_PI) : (u - 0.75) * 4e-16);
    else v = static_cast<float>((2.0 * u - 1.0) * M_PI);
    f.write(reinterpret_cast<const char*>(&v), 4);
  }
  f.close();
  const NdArray a = ReadRaw(path, {});
  BOOST_CHECK_EQUAL(a.info.dtype, "float32");
  BOOST_CHECK_EQUAL(a.info.header_bytes, 0u);
  BOOST_CHECK_EQUAL(a.values.size(), total);
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(samples_still_read_as_before) {
  // The bundled dumps are headerless float32 little-endian, except numpy_manual_f64be.
  const std::string s = std::string(SPECRECON_SOURCE_DIR) + "/samples/";
  for (const char* rel : {"scipy_stft_default/spectrogram.bin", "scipy_stft_default/phases.bin",
                          "scipy_stft_hamming512/spectrogram.bin", "scipy_stft_hamming512/phases.bin",
                          "scipy_stft_blackman_frames/spectrogram.bin", "scipy_stft_blackman_frames/phases.bin",
                          "scipy_stft_odd/spectrogram.bin", "scipy_stft_odd/phases.bin",
                          "torch_stft_center_reflect/mag.f32", "torch_stft_center_reflect/phase.f32",
                          "torch_stft_nocenter/spectrogram.bin", "torch_stft_nocenter/phases.bin",
                          "octave_specgram/spec.bin", "octave_specgram/phase.bin"}) {
    const std::vector<NdArray> a = ReadArrays(s + rel, {});
    BOOST_TEST_CONTEXT(rel) {
      BOOST_REQUIRE_EQUAL(a.size(), 1u);
      BOOST_CHECK_EQUAL(a[0].info.format, "raw");
      BOOST_CHECK_EQUAL(a[0].info.dtype, "float32");
      BOOST_CHECK_EQUAL(a[0].info.byte_order, "little");
      BOOST_CHECK_EQUAL(a[0].info.header_bytes, 0u);
    }
  }
  for (const char* rel : {"numpy_manual_f64be/magnitude.dat", "numpy_manual_f64be/phase.dat"}) {
    const NdArray a = ReadRaw(s + rel, {});
    BOOST_TEST_CONTEXT(rel) {
      BOOST_CHECK_EQUAL(a.info.dtype, "float64");
      BOOST_CHECK_EQUAL(a.info.byte_order, "big");
      BOOST_CHECK_EQUAL(a.info.header_bytes, 0u);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
