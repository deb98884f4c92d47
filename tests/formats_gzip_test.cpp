// gzip-compressed dumps (tests/data/formats/make_gzip_fixtures.py, written by Python's gzip
// module): each reads as the file it compresses, bit for bit, with the note saying it was
// inflated; concatenated members and zero padding are one stream; cut, corrupt, trailing,
// nested and empty streams fail naming the .gz file; and no temporary file is left behind.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <zlib.h>

#include "formats/gzip_file.h"
#include "src/pipeline.h"
#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;

namespace {

namespace fs = std::filesystem;

const nlohmann::json& GzipManifest() {
  static const nlohmann::json m = LoadManifest("gzip_manifest.json");
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formats_gzip)

BOOST_AUTO_TEST_CASE(a_gzip_file_reads_as_the_file_it_compresses) {
  PrivateTmp tmp("gzip");
  int n = 0;
  for (const auto& f : GzipManifest()["files"]) {
    const std::string gz = FixtureDir() + f["file"].get<std::string>();
    const std::string orig = FixtureDir() + f["original"].get<std::string>();
    BOOST_TEST_CONTEXT(gz) {
      BOOST_CHECK_EQUAL(SniffFormat(gz), "gzip");
      const std::vector<NdArray> a = ReadArrays(gz, RawHints{});
      const std::vector<NdArray> b = ReadArrays(orig, RawHints{});
      BOOST_REQUIRE_EQUAL(a.size(), b.size());
      for (size_t i = 0; i < a.size(); ++i) {
        BOOST_CHECK_EQUAL(a[i].info.path, gz);  // not the temporary file's, gone by now
        BOOST_CHECK_EQUAL(a[i].info.name, b[i].info.name);
        BOOST_CHECK_EQUAL(a[i].info.dtype, b[i].info.dtype);
        BOOST_CHECK_EQUAL(a[i].info.byte_order, b[i].info.byte_order);
        BOOST_CHECK_EQUAL(a[i].info.header_bytes, b[i].info.header_bytes);
        BOOST_CHECK_EQUAL_COLLECTIONS(a[i].info.shape.begin(), a[i].info.shape.end(), b[i].info.shape.begin(), b[i].info.shape.end());
        ExpectSameValues(a[i], b[i]);
        BOOST_CHECK_NE(a[i].info.note.find("gzip-compressed: inflated to " + std::to_string(fs::file_size(orig)) + " bytes"),
                       std::string::npos);
      }
    }
    ++n;
  }
  BOOST_CHECK_GE(n, 9);
  BOOST_CHECK_EQUAL(tmp.Left(), 0u);
}

BOOST_AUTO_TEST_CASE(broken_gzip_fails_naming_the_file_and_leaves_nothing) {
  PrivateTmp tmp("gzip");
  int n = 0;
  for (const auto& m : GzipManifest()["malformed"]) {
    ExpectBadInput(FixtureDir() + m["file"].get<std::string>(), m["phrase"].get<std::string>());
    ++n;
  }
  BOOST_CHECK_GE(n, 5);
  BOOST_CHECK_EQUAL(tmp.Left(), 0u);
}

BOOST_AUTO_TEST_CASE(a_gzip_of_a_pickle_stays_a_compressed_pickle) {
  // joblib's gzip compressor writes a gzip stream of a pickle: read as a pickle (no temporary file).
  BOOST_CHECK_EQUAL(SniffFormat(FixtureDir() + "pickle/gzip.joblib"), "pickle_z");
  const unsigned char gz[] = {0x1f, 0x8b, 8, 0};
  const unsigned char other[] = {0x1f, 0x8b, 9, 0};  // not deflate
  BOOST_CHECK(LooksLikeGzip(gz, sizeof gz));
  BOOST_CHECK(!LooksLikeGzip(other, sizeof other));
  BOOST_CHECK(!LooksLikeGzip(gz, 2));
}

BOOST_AUTO_TEST_CASE(a_gzipped_raw_pair_is_reread_from_its_inflated_bytes) {
  // samples/matrix/phase_int16 (float32 magnitude, int16 phase codes) needs its phase file read
  // again as int16 (the counts of the two readings disagree). That second reading must inflate the
  // gzip file again: its temporary file is gone, and its own bytes are deflate (before: "holds
  // 4765 values but ... holds 35417").
  PrivateTmp tmp("gzip");
  const fs::path src = fs::path(SPECRECON_SOURCE_DIR) / "samples/matrix/phase_int16";
  const fs::path dir = fs::path(tmp.dir) / "pair";
  fs::create_directories(dir);
  for (const char* name : {"magnitude.bin", "phase.bin"}) {
    std::ifstream in(src / name, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    gzFile out = gzopen((dir / (std::string(name) + ".gz")).c_str(), "wb9");
    BOOST_REQUIRE(out);
    BOOST_REQUIRE_EQUAL(gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
    BOOST_REQUIRE_EQUAL(gzclose(out), Z_OK);
  }
  RunOptions plain, packed;
  plain.files = {(src / "magnitude.bin").string(), (src / "phase.bin").string()};
  packed.files = {(dir / "magnitude.bin.gz").string(), (dir / "phase.bin.gz").string()};
  const RunResult a = RunInference(plain), b = RunInference(packed);
  BOOST_CHECK_EQUAL(b.arrays.at(1).info.dtype, "int16");
  BOOST_CHECK_EQUAL(b.arrays.at(1).info.path, packed.files[1]);
  BOOST_CHECK_EQUAL(a.inference.params.n_fft, b.inference.params.n_fft);
  BOOST_CHECK_EQUAL(a.inference.params.hop, b.inference.params.hop);
  BOOST_CHECK_EQUAL(WindowFamilyName(a.inference.params.window.family), WindowFamilyName(b.inference.params.window.family));
  BOOST_CHECK_EQUAL(a.inference.params.win_length, b.inference.params.win_length);
  BOOST_CHECK_EQUAL(a.inference.phase_units, b.inference.phase_units);
  fs::remove_all(dir);
  BOOST_CHECK_EQUAL(tmp.Left(), 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace specrecon
