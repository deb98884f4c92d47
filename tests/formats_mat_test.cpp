// MATLAB .mat files: v5 uncompressed and zlib-compressed (scipy.io.savemat, GNU Octave save -v6
// and -v7) through libmatio, and v7.3 (HDF5, written by hdf5storage) through libhdf5.
#include <boost/test/unit_test.hpp>

#include "formats/mat_reader.h"
#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;

BOOST_AUTO_TEST_SUITE(formats_mat)

BOOST_AUTO_TEST_CASE(fixtures_read_without_hints) {
  BOOST_CHECK_EQUAL(CheckManifestFormat("mat"), 5);
}

BOOST_AUTO_TEST_CASE(non_numeric_variables_are_skipped_and_named) {
  struct Case {
    const char* file;
    std::vector<std::string> skipped;
  };
  for (const Case& c : {Case{"mat/scipy_v5.mat", {"s (char)", "c (cell)", "st (struct)"}},
                        Case{"mat/scipy_v5_compressed.mat", {"s (char)", "c (cell)", "st (struct)"}},
                        Case{"mat/octave_v6.mat", {"s (char)", "c (cell)", "st (struct)", "flag (logical)"}},
                        Case{"mat/octave_v7.mat", {"s (char)", "c (cell)", "st (struct)", "flag (logical)"}},
                        Case{"mat/hdf5storage_v73.mat", {"s (char)", "st (struct)"}}}) {
    const std::vector<NdArray> a = ReadArrays(FixtureDir() + c.file, {});
    BOOST_TEST_CONTEXT(c.file) {
      BOOST_REQUIRE_EQUAL(a.size(), 6u);  // mag phase z fs i16 u8
      for (const std::string& s : c.skipped)
        BOOST_CHECK_MESSAGE(a[0].info.note.find(s) != std::string::npos, a[0].info.note << " lacks " << s);
    }
  }
}

BOOST_AUTO_TEST_CASE(versions_are_told_apart) {
  const std::vector<NdArray> v5 = ReadArrays(FixtureDir() + "mat/octave_v7.mat", {});
  BOOST_CHECK_NE(v5[0].info.note.find("MAT v5, zlib-compressed"), std::string::npos);
  BOOST_CHECK_EQUAL(v5[0].info.header_bytes, 128u);
  const std::vector<NdArray> v6 = ReadArrays(FixtureDir() + "mat/octave_v6.mat", {});
  BOOST_CHECK_EQUAL(v6[0].info.note.find("compressed"), std::string::npos);
  const std::vector<NdArray> v73 = ReadArrays(FixtureDir() + "mat/hdf5storage_v73.mat", {});
  BOOST_CHECK_NE(v73[0].info.note.find("MATLAB 7.3"), std::string::npos);
  BOOST_CHECK_EQUAL(v73[0].info.header_bytes, 512u);
  // The same variable reads identically from v5 and v7.3 (MATLAB dims, column-major).
  const NdArray* a = FindArray(v5, "z");
  const NdArray* b = FindArray(v73, "z");
  BOOST_REQUIRE(a && b);
  BOOST_CHECK(a->info.shape == b->info.shape);
  BOOST_CHECK(a->values == b->values && a->imag == b->imag);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
