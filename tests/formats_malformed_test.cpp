// Broken inputs fail cleanly: each gives Error with exit code 3 (kBadInput), a message naming the
// file and the broken rule, and bounded memory (declared sizes are checked before allocating).
// The files come from tests/data/formats/make_fixtures.py (malformed/, with the phrase each
// message must contain in manifest.json); a directory, a FIFO and /dev/zero are made here.
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;

namespace {

long MaxRssKb() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formats_malformed)

BOOST_AUTO_TEST_CASE(malformed_fixtures_fail_with_specific_messages) {
  const long rss0 = MaxRssKb();
  int n = 0;
  for (const auto& m : Manifest()["malformed"]) {
    ExpectBadInput(FixtureDir() + m["file"].get<std::string>(), m["phrase"].get<std::string>());
    ++n;
  }
  BOOST_CHECK_GE(n, 18);  // and pickle_manifest.json's six (formats_pickle_test)
  // Headers claiming 10^10..10^12 elements or a 4 GB member were refused before allocating.
  BOOST_CHECK_LT(MaxRssKb() - rss0, 64 * 1024);
}

BOOST_AUTO_TEST_CASE(directory_fifo_device_and_missing_file) {
  const std::string dir = "/tmp/specrecon_formats_dir_" + std::to_string(::getpid());
  const std::string fifo = "/tmp/specrecon_formats_fifo_" + std::to_string(::getpid());
  BOOST_REQUIRE_EQUAL(::mkdir(dir.c_str(), 0700), 0);
  BOOST_REQUIRE_EQUAL(::mkfifo(fifo.c_str(), 0600), 0);  // reading it would block forever
  ExpectBadInput(dir, "is a directory");
  ExpectBadInput(fifo, "not a regular file (a FIFO)");
  ExpectBadInput("/dev/zero", "not a regular file (a character device)");  // endless input
  ExpectBadInput(dir + "/missing.npy", "cannot open: No such file or directory");
  ::rmdir(dir.c_str());
  std::remove(fifo.c_str());
}

BOOST_AUTO_TEST_CASE(every_truncation_and_byte_flip_fails_cleanly) {
  // Cut each container fixture at 8 places and flip bytes at 24 places: reading must either
  // succeed (a flipped data byte is still valid data) or throw Error(kBadInput); nothing else.
  const std::string tmp = "/tmp/specrecon_formats_cut_" + std::to_string(::getpid());
  int refused = 0, tried = 0;
  for (const char* rel : {"npy/c16be.npy", "npy/version2.npy", "npz/stored.npz", "npz/deflated.npz",
                          "mat/scipy_v5.mat", "mat/octave_v7.mat", "mat/hdf5storage_v73.mat", "hdf5/h5py.h5",
                          "hdf5/octave.h5", "text/octave_text.txt", "torch/dict.pt", "torch/views.pt"}) {
    std::ifstream in(FixtureDir() + rel, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> variants;
    for (int k = 1; k <= 8; ++k) variants.push_back(bytes.substr(0, bytes.size() * k / 9));
    for (int k = 0; k < 24; ++k) {
      std::string v = bytes;
      v[v.size() * k / 24] ^= static_cast<char>(0xA5);
      variants.push_back(v);
    }
    for (size_t i = 0; i < variants.size(); ++i) {
      { std::ofstream out(tmp, std::ios::binary | std::ios::trunc); out << variants[i]; }
      ++tried;
      try {
        ReadArrays(tmp, RawHints{});
      } catch (const Error& e) {
        ++refused;
        BOOST_CHECK_MESSAGE(e.code() == ExitCode::kBadInput, rel << " variant " << i << ": " << e.Line());
        BOOST_CHECK_MESSAGE(e.Line().find(tmp) != std::string::npos, e.Line());
      } catch (const std::exception& e) {
        BOOST_ERROR(rel << " variant " << i << ": not an Error: " << e.what());
      }
    }
  }
  std::remove(tmp.c_str());
  BOOST_TEST_MESSAGE(refused << " of " << tried << " damaged files refused");
  BOOST_CHECK_GT(refused, tried / 4);
}

BOOST_AUTO_TEST_CASE(nan_only_data_is_not_malformed) {
  const std::vector<NdArray> a = ReadArrays(FixtureDir() + "raw/nan_f32le.bin", {});
  BOOST_REQUIRE_EQUAL(a.size(), 1u);
  BOOST_CHECK_EQUAL(a[0].info.dtype, "float32");
  BOOST_CHECK(std::isnan(a[0].values[0]) && std::isnan(a[0].values[63]));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
