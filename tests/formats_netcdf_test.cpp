// NetCDF classic files (tests/data/formats/make_netcdf_fixtures.py: CDF-1 and CDF-2 by
// scipy.io.netcdf_file, CDF-5 after the specification): every variable reads as its .npy twin bit
// for bit, records interleaved and a lone record variable alike, CF packing applied; numeric global
// attributes become arrays (a sample rate reaches the run); a magnitude/phase pair infers scipy's
// parameters; broken headers and offsets fail naming the file.
#include <boost/test/unit_test.hpp>

#include "formats/netcdf_reader.h"
#include "src/pipeline.h"
#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;

namespace {

// The array named `name` among `arrays` (fails the test when there is none).
const NdArray& Named(const std::vector<NdArray>& arrays, const std::string& name) {
  for (const NdArray& a : arrays)
    if (a.info.name == name) return a;
  BOOST_FAIL("no array named " + name);
  return arrays.front();
}

void ExpectTwins(const std::string& file, const std::vector<std::string>& names) {
  const std::string path = FixtureDir() + "netcdf/" + file + ".nc";
  BOOST_CHECK_EQUAL(SniffFormat(path), "netcdf");
  const std::vector<NdArray> got = ReadArrays(path, RawHints{});
  for (const std::string& n : names) {
    BOOST_TEST_CONTEXT(file << " " << n) {
      const NdArray& a = Named(got, n);
      BOOST_CHECK_EQUAL(a.info.format, "netcdf");
      const NdArray t = ReadArrays(FixtureDir() + "netcdf/truth_" + file + "_" + n + ".npy", RawHints{}).at(0);
      BOOST_CHECK((a.info.shape == t.info.shape));
      ExpectSameValues(a, t);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formats_netcdf)

BOOST_AUTO_TEST_CASE(every_type_of_each_version_reads_as_its_twin) {
  for (const char* file : {"types_v1", "types_v2"}) ExpectTwins(file, {"v_i1", "v_i2", "v_i4", "v_f4", "v_f8"});
  ExpectTwins("types_v5", {"v_u1", "v_u2", "v_u4", "v_i8", "v_u8", "v_f4"});
  const std::vector<NdArray> v1 = ReadArrays(FixtureDir() + "netcdf/types_v1.nc", RawHints{});
  // The text variable is passed over with a note; the numeric global attribute is an array.
  BOOST_CHECK_NE(Named(v1, "v_f4").info.note.find("text variables passed over: label"), std::string::npos);
  BOOST_CHECK_EQUAL(Named(v1, "sample_rate").values.at(0), 22050.0);
  BOOST_CHECK_EQUAL(Named(v1, "v_f8").info.dtype, "float64");
  BOOST_CHECK_EQUAL(Named(v1, "v_f8").info.byte_order, "big");
  const std::vector<NdArray> v5 = ReadArrays(FixtureDir() + "netcdf/types_v5.nc", RawHints{});
  BOOST_CHECK_EQUAL(Named(v5, "n_fft").values.at(0), 512.0);
}

BOOST_AUTO_TEST_CASE(record_variables_are_gathered_record_by_record) {
  // Two record variables (float32 of 5 and int16 of 5, padded to 12 bytes a record) interleaved.
  ExpectTwins("records", {"mag", "code", "freqs"});
  // One record variable alone is not padded; CF packing (scale_factor 0.5, add_offset 2) applied.
  ExpectTwins("one_record", {"S"});
  const std::vector<NdArray> one = ReadArrays(FixtureDir() + "netcdf/one_record.nc", RawHints{});
  BOOST_CHECK_NE(Named(one, "S").info.note.find("CF packing applied"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_magnitude_phase_pair_infers_scipys_parameters_and_its_sample_rate) {
  RunOptions o;
  o.files = {FixtureDir() + "netcdf/stft_pair.nc"};
  const RunResult r = RunInference(o);
  BOOST_CHECK_EQUAL(r.inference.params.n_fft, 128);
  BOOST_CHECK_EQUAL(r.inference.params.hop, 32);
  BOOST_CHECK_EQUAL(r.inference.params.win_length, 128);
  BOOST_CHECK_EQUAL(WindowFamilyName(r.inference.params.window.family), "hann");
  BOOST_CHECK_EQUAL(r.inference.phase_units, "radians");
  BOOST_CHECK_EQUAL(r.sample_rate, 16000);
  BOOST_CHECK_EQUAL(r.sample_rate_source, "metadata");
}

BOOST_AUTO_TEST_CASE(broken_netcdf_files_fail_naming_the_file) {
  const nlohmann::json m = LoadManifest("netcdf_manifest.json");
  int n = 0;
  for (const auto& f : m["malformed"]) {
    ExpectBadInput(FixtureDir() + f["file"].get<std::string>(), f["phrase"].get<std::string>());
    ++n;
  }
  BOOST_CHECK_EQUAL(n, 6);
  // Not NetCDF: "CDF" and another version byte.
  const unsigned char v3[] = {'C', 'D', 'F', 3, 0, 0, 0, 0};
  const unsigned char v1[] = {'C', 'D', 'F', 1, 0, 0, 0, 0};
  BOOST_CHECK(!LooksLikeNetcdf(v3, sizeof v3));
  BOOST_CHECK(LooksLikeNetcdf(v1, sizeof v1));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace specrecon
