// Compressed dumps: gzip (tests/data/formats/make_gzip_fixtures.py, Python's gzip module), xz,
// lzma, bzip2 (Python's lzma and bz2) and zstd (the zstd command) files
// (make_compressed_fixtures.py): each reads as the file it compresses, bit for bit, with the note
// saying it was decompressed; a tar in each is read member by member; concatenated streams and
// zero padding are one stream; cut, corrupt, trailing, nested and empty streams and a dictionary
// beyond the memory allowed fail naming the file; and no temporary file is left behind.
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <zlib.h>

#include "formats/compressed_file.h"
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

const nlohmann::json& CompressedManifest() {
  static const nlohmann::json m = LoadManifest("compressed_manifest.json");
  return m;
}

// Reads `packed` and `orig` and checks they give the same arrays, bit for bit, `packed` named in
// each reading and its note saying `codec` decompressed it to the original's size.
void ExpectSameAsOriginal(const std::string& packed, const std::string& orig, const std::string& codec) {
  const std::vector<NdArray> a = ReadArrays(packed, RawHints{});
  const std::vector<NdArray> b = ReadArrays(orig, RawHints{});
  BOOST_REQUIRE_EQUAL(a.size(), b.size());
  const std::string verb = codec == "gzip" ? "inflated" : "decompressed";
  for (size_t i = 0; i < a.size(); ++i) {
    BOOST_CHECK_EQUAL(a[i].info.path, packed);  // not the temporary file's, gone by now
    BOOST_CHECK_EQUAL(a[i].info.name, b[i].info.name);
    BOOST_CHECK_EQUAL(a[i].info.dtype, b[i].info.dtype);
    BOOST_CHECK_EQUAL(a[i].info.byte_order, b[i].info.byte_order);
    BOOST_CHECK_EQUAL(a[i].info.header_bytes, b[i].info.header_bytes);
    BOOST_CHECK_EQUAL_COLLECTIONS(a[i].info.shape.begin(), a[i].info.shape.end(), b[i].info.shape.begin(), b[i].info.shape.end());
    ExpectSameValues(a[i], b[i]);
    BOOST_CHECK_NE(a[i].info.note.find(codec + "-compressed: " + verb + " to " + std::to_string(fs::file_size(orig)) + " bytes"),
                   std::string::npos);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formats_compressed)

BOOST_AUTO_TEST_CASE(a_gzip_file_reads_as_the_file_it_compresses) {
  PrivateTmp tmp("gzip");
  int n = 0;
  for (const auto& f : GzipManifest()["files"]) {
    const std::string gz = FixtureDir() + f["file"].get<std::string>();
    const std::string orig = FixtureDir() + f["original"].get<std::string>();
    BOOST_TEST_CONTEXT(gz) {
      BOOST_CHECK_EQUAL(SniffFormat(gz), "gzip");
      ExpectSameAsOriginal(gz, orig, "gzip");
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

BOOST_AUTO_TEST_CASE(xz_lzma_bzip2_and_zstd_files_read_as_the_files_they_compress) {
  PrivateTmp tmp("compressed");
  std::map<std::string, int> per_codec;
  for (const auto& f : CompressedManifest()["files"]) {
    const std::string packed = FixtureDir() + f["file"].get<std::string>();
    const std::string codec = f["codec"].get<std::string>();
    BOOST_TEST_CONTEXT(packed) {
      BOOST_CHECK_EQUAL(SniffFormat(packed), codec);
      ExpectSameAsOriginal(packed, FixtureDir() + f["original"].get<std::string>(), codec);
    }
    ++per_codec[codec];
  }
  for (const char* codec : {"xz", "bzip2", "zstd"}) BOOST_CHECK_EQUAL(per_codec[codec], 6);  // four originals, two streams, padding
  BOOST_CHECK_EQUAL(per_codec["lzma"], 5);                                                 // no concatenation
  BOOST_CHECK_EQUAL(tmp.Left(), 0u);
}

BOOST_AUTO_TEST_CASE(a_compressed_tar_is_read_member_by_member) {
  PrivateTmp tmp("compressed");
  int n = 0;
  for (const auto& f : CompressedManifest()["archives"]) {
    const std::string packed = FixtureDir() + f["file"].get<std::string>();
    BOOST_TEST_CONTEXT(packed) {
      BOOST_CHECK_EQUAL(SniffFormat(packed), f["codec"].get<std::string>());
      const std::vector<NdArray> a = ReadArrays(packed, RawHints{});
      BOOST_REQUIRE_EQUAL(a.size(), f["members"].size());
      for (size_t i = 0; i < a.size(); ++i) {
        BOOST_CHECK_EQUAL(a[i].info.path, packed);
        BOOST_CHECK_EQUAL(a[i].info.member, f["members"][i].get<std::string>());
        const std::vector<NdArray> b = ReadArrays(FixtureDir() + f["originals"][i].get<std::string>(), RawHints{});
        BOOST_REQUIRE_EQUAL(b.size(), 1u);
        ExpectSameValues(a[i], b[0]);
        // A member read again under other hints is unpacked again from the compressed tar.
        RawHints as_i16;
        as_i16.dtype = "int16";
        const NdArray again = ReadArrayAgain(a[i].info, as_i16);
        BOOST_CHECK_EQUAL(again.info.dtype, "int16");
        BOOST_CHECK_EQUAL(again.info.member, a[i].info.member);
      }
    }
    ++n;
  }
  BOOST_CHECK_EQUAL(n, 4);
  BOOST_CHECK_EQUAL(tmp.Left(), 0u);
}

BOOST_AUTO_TEST_CASE(broken_compressed_files_fail_naming_the_file_and_leave_nothing) {
  PrivateTmp tmp("compressed");
  std::map<std::string, int> per_codec;
  for (const auto& m : CompressedManifest()["malformed"]) {
    ExpectBadInput(FixtureDir() + m["file"].get<std::string>(), m["phrase"].get<std::string>());
    ++per_codec[m["codec"].get<std::string>()];
  }
  for (const char* codec : {"xz", "lzma", "bzip2", "zstd"}) BOOST_CHECK_GE(per_codec[codec], 4);
  BOOST_CHECK_EQUAL(tmp.Left(), 0u);
}

BOOST_AUTO_TEST_CASE(compressors_are_told_by_their_headers_and_raw_dumps_are_not_taken_for_them) {
  using Bytes = std::vector<unsigned char>;
  const auto sniff = [](const Bytes& b) { return SniffCodec(b.data(), b.size()); };
  BOOST_CHECK(sniff({0xFD, '7', 'z', 'X', 'Z', 0}) == Codec::kXz);
  BOOST_CHECK(sniff({0x28, 0xB5, 0x2F, 0xFD}) == Codec::kZstd);
  BOOST_CHECK(sniff({0x50, 0x2A, 0x4D, 0x18}) == Codec::kZstd);  // a skippable frame first (pzstd)
  BOOST_CHECK(sniff({'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59}) == Codec::kBzip2);
  BOOST_CHECK(!sniff({'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x58}));  // no block magic
  BOOST_CHECK(!sniff({'B', 'Z', 'h', '0', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59}));  // no block size
  // lzma_alone: properties 0x5D, a dictionary of 2^n or 3 * 2^(n-1), an unknown or bounded size.
  Bytes alone = {0x5D, 0, 0, 0x80, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  BOOST_CHECK(sniff(alone) == Codec::kLzma);
  alone[3] = 0xC0;  // 12 MiB = 3 * 2^22
  BOOST_CHECK(sniff(alone) == Codec::kLzma);
  alone[3] = 0x81;  // neither
  BOOST_CHECK(!sniff(alone));
  alone[3] = 0x80;
  alone[12] = 0x7F;  // an unpacked size of 2^62 bytes
  BOOST_CHECK(!sniff(alone));
  // Every raw fixture (float, integer, half, with headers, Fortran records) stays raw.
  int raw = 0;
  for (const auto& e : fs::directory_iterator(FixtureDir() + "raw")) {
    std::ifstream in(e.path(), std::ios::binary);
    Bytes head(512);
    in.read(reinterpret_cast<char*>(head.data()), 512);
    head.resize(static_cast<size_t>(in.gcount()));
    BOOST_TEST_CONTEXT(e.path()) { BOOST_CHECK(!sniff(head)); }
    ++raw;
  }
  BOOST_CHECK_GE(raw, 10);
}

BOOST_AUTO_TEST_CASE(unpacked_files_of_killed_runs_are_removed_by_the_next_unpacking) {
  // A run killed with SIGKILL leaves its specrecon-<kind>-<pid>-XXXXXX directory (a decompressed
  // file, archive members: up to 2 GiB each). The next run that unpacks anything removes those
  // whose pid is gone, and keeps a running one's and other names.
  PrivateTmp tmp("compressed");
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  BOOST_REQUIRE(child > 0);
  int status = 0;
  BOOST_REQUIRE_EQUAL(::waitpid(child, &status, 0), child);  // its pid is no longer running
  const fs::path dead = fs::path(tmp.dir) / ("specrecon-xz-" + std::to_string(child) + "-Ab12Cd");
  const fs::path dead_tar = fs::path(tmp.dir) / ("specrecon-tar-" + std::to_string(child) + "-xYz789");
  const fs::path live = fs::path(tmp.dir) / ("specrecon-gunzip-" + std::to_string(::getppid()) + "-Ab12Cd");
  const fs::path other = fs::path(tmp.dir) / ("specrecon-notes-" + std::to_string(child));
  for (const fs::path& d : {dead, dead_tar, live, other}) {
    fs::create_directories(d);
    std::ofstream(d / "spectrogram.bin") << "left behind";
  }
  const std::vector<NdArray> a = ReadArrays(FixtureDir() + "compressed/raw_f32le.bin.xz", RawHints{});
  BOOST_CHECK_EQUAL(a.size(), 1u);
  BOOST_CHECK(!fs::exists(dead));
  BOOST_CHECK(!fs::exists(dead_tar));
  BOOST_CHECK(fs::exists(live / "spectrogram.bin"));
  BOOST_CHECK(fs::exists(other / "spectrogram.bin"));
  fs::remove_all(live);
  fs::remove_all(other);
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
