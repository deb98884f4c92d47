// Archives of dump files (tests/data/formats/make_archive_fixtures.py, written by Python's
// tarfile and zipfile): each member reads as the file it packs, bit for bit, naming the archive
// and the member; notes, __MACOSX/ and dot files are passed over; a raw pair in a .tar.gz is read
// again (int16 phase codes) from the archive; cut, corrupt, nested and oversized archives and
// compressors not read fail naming the file; nothing is left in TMPDIR.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "formats/archive_reader.h"
#include "src/pipeline.h"
#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;

namespace {

namespace fs = std::filesystem;

const nlohmann::json& ArchiveManifest() {
  static const nlohmann::json m = LoadManifest("archive_manifest.json");
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formats_archive)

BOOST_AUTO_TEST_CASE(each_member_reads_as_the_file_it_packs) {
  PrivateTmp tmp("archive");
  int n = 0;
  for (const auto& f : ArchiveManifest()["files"]) {
    const std::string path = FixtureDir() + f["file"].get<std::string>();
    BOOST_TEST_CONTEXT(path) {
      const std::vector<NdArray> got = ReadArrays(path, RawHints{});
      size_t at = 0;
      for (const auto& m : f["members"]) {
        const std::string member = m["member"].get<std::string>();
        const std::vector<NdArray> want = ReadArrays(FixtureDir() + m["original"].get<std::string>(), RawHints{});
        BOOST_TEST_CONTEXT(member) {
          BOOST_REQUIRE_LE(at + want.size(), got.size());
          for (const NdArray& b : want) {
            const NdArray& a = got[at++];
            BOOST_CHECK_EQUAL(a.info.path, path);  // not the temporary file's, gone by now
            BOOST_CHECK_EQUAL(a.info.member, member);
            BOOST_CHECK_EQUAL(SourceOf(a.info), path + ":" + member);
            // A container's arrays keep their names; a file's array is named by the member's stem.
            BOOST_CHECK_EQUAL(a.info.name, b.info.name.empty() ? fs::path(member).stem().string() : b.info.name);
            BOOST_CHECK_EQUAL(a.info.format, b.info.format);
            BOOST_CHECK_EQUAL(a.info.dtype, b.info.dtype);
            BOOST_CHECK_EQUAL(a.info.header_bytes, b.info.header_bytes);
            BOOST_CHECK_EQUAL_COLLECTIONS(a.info.shape.begin(), a.info.shape.end(), b.info.shape.begin(), b.info.shape.end());
            ExpectSameValues(a, b);
            BOOST_CHECK_NE(a.info.note.find("member '" + member + "'"), std::string::npos);
          }
        }
      }
      BOOST_CHECK_EQUAL(at, got.size());  // README, __MACOSX/ and .DS_Store gave nothing
    }
    ++n;
  }
  BOOST_CHECK_GE(n, 7);
  BOOST_CHECK_EQUAL(tmp.Left(), 0u);
}

BOOST_AUTO_TEST_CASE(notes_beside_the_arrays_are_passed_over_with_a_note) {
  const std::string path = FixtureDir() + "archive/files_with_notes.zip";
  BOOST_CHECK_EQUAL(SniffFormat(path), "zip");
  const std::vector<NdArray> got = ReadArrays(path, RawHints{});
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  BOOST_CHECK_NE(got[0].info.note.find("members not read: dump/README.txt ("), std::string::npos);
  BOOST_CHECK_EQUAL(got[0].info.note.find("DS_Store"), std::string::npos);
  BOOST_CHECK_EQUAL(got[0].info.note.find("__MACOSX"), std::string::npos);
  BOOST_CHECK_EQUAL(SniffFormat(FixtureDir() + "archive/pair.tar"), "tar");
  BOOST_CHECK_EQUAL(SniffFormat(FixtureDir() + "archive/pair.tar.gz"), "gzip");
  BOOST_CHECK_EQUAL(SniffFormat(FixtureDir() + "npz/deflated.npz"), "zip");  // still numpy's
}

BOOST_AUTO_TEST_CASE(broken_archives_fail_naming_the_file_and_leave_nothing) {
  PrivateTmp tmp("archive");
  int n = 0;
  for (const auto& m : ArchiveManifest()["malformed"]) {
    ExpectBadInput(FixtureDir() + m["file"].get<std::string>(), m["phrase"].get<std::string>());
    ++n;
  }
  BOOST_CHECK_GE(n, 9);  // seven broken archives, a 7z and a rar file
  BOOST_CHECK_EQUAL(tmp.Left(), 0u);
}

BOOST_AUTO_TEST_CASE(a_raw_pair_in_a_tar_gz_reconstructs_as_the_plain_pair) {
  // samples/matrix/phase_int16 (float32 magnitude, int16 phase codes): the phase member is read
  // again as int16 when the two readings' counts disagree, unpacked again from the archive.
  PrivateTmp tmp("archive");
  const fs::path src = fs::path(SPECRECON_SOURCE_DIR) / "samples/matrix/phase_int16";
  RunOptions plain, packed;
  plain.files = {(src / "magnitude.bin").string(), (src / "phase.bin").string()};
  packed.files = {FixtureDir() + "archive/phase_int16.tar.gz"};
  const RunResult a = RunInference(plain), b = RunInference(packed);
  BOOST_REQUIRE_EQUAL(b.arrays.size(), 2u);
  BOOST_CHECK_EQUAL(b.arrays[1].info.member, "phase.bin");
  BOOST_CHECK_EQUAL(b.arrays[1].info.dtype, "int16");
  BOOST_CHECK_EQUAL(b.arrays[1].info.path, packed.files[0]);
  BOOST_CHECK_EQUAL(a.inference.params.n_fft, b.inference.params.n_fft);
  BOOST_CHECK_EQUAL(a.inference.params.hop, b.inference.params.hop);
  BOOST_CHECK_EQUAL(WindowFamilyName(a.inference.params.window.family), WindowFamilyName(b.inference.params.window.family));
  BOOST_CHECK_EQUAL(a.inference.params.win_length, b.inference.params.win_length);
  BOOST_CHECK_EQUAL(a.inference.phase_units, b.inference.phase_units);
  BOOST_CHECK_EQUAL(a.inference.magnitude_scale, b.inference.magnitude_scale);
  BOOST_CHECK_EQUAL(tmp.Left(), 0u);
}

BOOST_AUTO_TEST_CASE(tar_headers_are_recognised_by_magic_and_checksum) {
  std::vector<unsigned char> h(512, 0);
  std::memcpy(h.data(), "spectrogram.bin", 15);
  std::memcpy(h.data() + 124, "00000001200", 11);
  std::memcpy(h.data() + 257, "ustar\0" "00", 8);
  unsigned sum = 0;
  for (int i = 0; i < 512; ++i) sum += i >= 148 && i < 156 ? ' ' : h[i];
  std::snprintf(reinterpret_cast<char*>(h.data()) + 148, 8, "%06o", sum);
  h[155] = ' ';
  BOOST_CHECK(LooksLikeTar(h.data(), h.size()));
  BOOST_CHECK(!LooksLikeTar(h.data(), 511));
  h[0] ^= 1;  // the checksum no longer holds: raw bytes that happen to say "ustar"
  BOOST_CHECK(!LooksLikeTar(h.data(), h.size()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace specrecon
