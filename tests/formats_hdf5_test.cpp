// HDF5: plain datasets at any group path (h5py: float16, big-endian, gzip-compressed, complex
// compound r/i, scalars; h5py's own LZF filter, decoded by specrecon) and GNU Octave's save -hdf5
// layout, through libhdf5.
#include <boost/test/unit_test.hpp>

#include "formats/hdf5_reader.h"
#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;

BOOST_AUTO_TEST_SUITE(formats_hdf5)

BOOST_AUTO_TEST_CASE(fixtures_read_without_hints) {
  BOOST_CHECK_EQUAL(CheckManifestFormat("hdf5"), 3);
}

BOOST_AUTO_TEST_CASE(paths_and_skipped_datasets) {
  const std::vector<NdArray> a = ReadArrays(FixtureDir() + "hdf5/h5py.h5", {});
  BOOST_REQUIRE(FindArray(a, "/spec/deep/z"));
  BOOST_CHECK_NE(FindArray(a, "/spec/deep/z")->info.note.find("compound {r, i}"), std::string::npos);
  BOOST_CHECK(!FindArray(a, "/names"));
  BOOST_CHECK_NE(a[0].info.note.find("/names (strings)"), std::string::npos);
  const std::vector<NdArray> o = ReadArrays(FixtureDir() + "hdf5/octave.h5", {});
  BOOST_REQUIRE(FindArray(o, "z"));
  BOOST_CHECK_NE(o[0].info.note.find("GNU Octave"), std::string::npos);
  BOOST_CHECK_NE(o[0].info.note.find("s (string)"), std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
