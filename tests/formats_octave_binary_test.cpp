// Octave's binary save formats and MAT v4 (tests/data/formats/make_octave_binary_fixtures.py:
// octave-cli's save -binary, -float-binary and -mat4-binary, each beside a MAT v6 twin read by
// matio; big-endian files written after the formats, with .npy twins): every numeric variable
// reads as its twin, bit for bit, column-major; struct fields and cell elements are named
// st.fs and c{1}; strings and logicals are passed over; cut, oversized and non-numeric files
// fail naming the file.
#include <boost/test/unit_test.hpp>

#include "formats/octave_binary_reader.h"
#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;

namespace {

const nlohmann::json& OctaveManifest() {
  static const nlohmann::json m = LoadManifest("octave_binary_manifest.json");
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formats_octave_binary)

BOOST_AUTO_TEST_CASE(octave_binary_and_mat4_read_as_their_mat_twins) {
  int n = 0;
  for (const auto& f : OctaveManifest()["files"]) {
    const std::string path = FixtureDir() + f["file"].get<std::string>();
    BOOST_TEST_CONTEXT(path) {
      const std::vector<NdArray> got = ReadArrays(path, RawHints{});
      const std::vector<NdArray> truth = ReadArrays(FixtureDir() + f["truth"].get<std::string>(), RawHints{});
      BOOST_REQUIRE(!truth.empty());
      for (const NdArray& t : truth) {
        std::string name = t.info.name;
        if (f.contains("rename") && f["rename"].contains(name)) name = f["rename"][name].get<std::string>();
        BOOST_TEST_CONTEXT(name) {
          const NdArray* a = FindArray(got, name);
          BOOST_REQUIRE(a);
          BOOST_CHECK(a->info.fortran_order);
          BOOST_CHECK_EQUAL(a->info.dtype, t.info.dtype);
          BOOST_CHECK(a->info.byte_order == "little" || a->info.byte_order == "none");
          // A MAT v6 scalar is 1 x 1; Octave's binary scalar has no dimensions.
          if (!(t.info.shape == std::vector<size_t>{1, 1} && a->info.shape.empty()))
            BOOST_CHECK_EQUAL_COLLECTIONS(a->info.shape.begin(), a->info.shape.end(), t.info.shape.begin(), t.info.shape.end());
          ExpectSameValues(*a, t);
        }
      }
      ++n;
    }
  }
  BOOST_CHECK_EQUAL(n, 3);
}

BOOST_AUTO_TEST_CASE(big_endian_files_read_as_their_npy_twins) {
  int n = 0;
  for (const auto& f : OctaveManifest()["npy"]) {
    const std::string path = FixtureDir() + f["file"].get<std::string>();
    BOOST_TEST_CONTEXT(path) {
      const std::vector<NdArray> got = ReadArrays(path, RawHints{});
      BOOST_CHECK_EQUAL(got.size(), f["arrays"].size());
      for (const auto& [name, npy] : f["arrays"].items()) {
        const NdArray* a = FindArray(got, name);
        BOOST_REQUIRE_MESSAGE(a, name);
        BOOST_CHECK_EQUAL(a->info.byte_order, "big");
        const std::vector<NdArray> t = ReadArrays(FixtureDir() + "octave_binary/" + npy.get<std::string>(), RawHints{});
        ExpectSameValues(*a, t.at(0));
      }
      ++n;
    }
  }
  BOOST_CHECK_EQUAL(n, 2);
}

BOOST_AUTO_TEST_CASE(structs_cells_and_ranges_are_named_and_text_passed_over) {
  const std::string path = FixtureDir() + "octave_binary/octave_le.bin";
  BOOST_CHECK_EQUAL(SniffFormat(path), "octave_binary");
  BOOST_CHECK_EQUAL(SniffFormat(FixtureDir() + "octave_binary/mat4_le.mat"), "mat4");
  BOOST_CHECK_EQUAL(SniffFormat(FixtureDir() + "raw/f32le.bin"), "raw");
  const std::vector<NdArray> got = ReadArrays(path, RawHints{});
  const NdArray* fs = FindArray(got, "st.fs");
  BOOST_REQUIRE(fs);
  BOOST_CHECK_EQUAL(fs->values.at(0), 22050.0);
  const NdArray* frames = FindArray(got, "st.frames");
  BOOST_REQUIRE(frames);
  BOOST_CHECK_EQUAL(frames->values.size(), 6u);
  const NdArray* cell = FindArray(got, "c{1}");
  BOOST_REQUIRE(cell);
  BOOST_CHECK_EQUAL(cell->values.size(), 4u);
  const NdArray* t = FindArray(got, "t");  // 0:0.25:3, stored as base, limit and increment
  BOOST_REQUIRE(t);
  BOOST_REQUIRE_EQUAL(t->values.size(), 13u);
  BOOST_CHECK_EQUAL(t->values.back(), 3.0);
  BOOST_CHECK(!FindArray(got, "label"));
  BOOST_CHECK(!FindArray(got, "q"));
  BOOST_CHECK(!FindArray(got, "c{2}"));
  BOOST_CHECK_NE(got.at(0).info.note.find("passed over: c{2} (sq_string), q (bool matrix), label (sq_string)"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(broken_octave_and_mat4_files_fail_naming_the_file) {
  int n = 0;
  for (const auto& m : OctaveManifest()["malformed"]) {
    ExpectBadInput(FixtureDir() + m["file"].get<std::string>(), m["phrase"].get<std::string>());
    ++n;
  }
  BOOST_CHECK_GE(n, 5);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace specrecon
