// NumPy .npy (versions 1-3, every numeric dtype, both byte orders, Fortran order, scalars, empty
// arrays, torch tensors saved through numpy) and .npz (numpy.savez stored, savez_compressed
// deflated), written by numpy itself (tests/data/formats/make_fixtures.py).
#include <boost/test/unit_test.hpp>

#include <set>

#include "formats/byte_source.h"
#include "formats/npy_reader.h"
#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;

namespace {

// An in-memory stream for ReadNpyStream.
class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
  uint64_t size() const { return bytes_.size(); }
  size_t Read(void* buf, size_t n) override {
    n = std::min(n, bytes_.size() - pos_);
    std::memcpy(buf, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

std::string NpyV1(const std::string& dict, const std::string& data) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::string out = std::string("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(h.size() & 0xFF);
  out += static_cast<char>(h.size() >> 8);
  return out + h + data;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formats_npy)

BOOST_AUTO_TEST_CASE(npy_fixtures_read_without_hints) {
  BOOST_CHECK_GE(CheckManifestFormat("npy"), 30);
}

BOOST_AUTO_TEST_CASE(npz_fixtures_read_without_hints) {
  BOOST_CHECK_EQUAL(CheckManifestFormat("npz"), 2);
}

BOOST_AUTO_TEST_CASE(fixtures_cover_every_dtype_and_byte_order) {
  std::set<std::string> seen;
  for (const auto& f : Manifest()["files"])
    if (f["format"] == "npy")
      for (const auto& e : f["arrays"]) seen.insert(e["dtype"].get<std::string>() + " " + e["byte_order"].get<std::string>());
  for (const char* t : {"float16", "float32", "float64", "int16", "uint16", "int32", "uint32", "int64", "uint64",
                        "complex64", "complex128"})
    for (const char* bo : {"little", "big"})
      BOOST_CHECK_MESSAGE(seen.count(std::string(t) + " " + bo), t << " " << bo << " not covered");
  BOOST_CHECK(seen.count("int8 none") && seen.count("uint8 none"));
}

BOOST_AUTO_TEST_CASE(header_fields_are_reported) {
  const std::vector<NdArray> a = ReadArrays(FixtureDir() + "npy/version3.npy", {});
  BOOST_REQUIRE_EQUAL(a.size(), 1u);
  BOOST_CHECK(a[0].info.dtype_given);
  BOOST_CHECK_EQUAL(a[0].info.header_bytes % 64, 0u);  // numpy aligns the data to 64 bytes
  BOOST_CHECK_NE(a[0].info.note.find("npy version 3.0"), std::string::npos);
  const std::vector<NdArray> z = ReadArrays(FixtureDir() + "npz/deflated.npz", {});
  BOOST_REQUIRE_EQUAL(z.size(), 4u);
  BOOST_CHECK_EQUAL(z[0].info.name, "mag");  // archive order
  BOOST_CHECK_EQUAL(z[3].info.name, "fs");
}

BOOST_AUTO_TEST_CASE(stream_details) {
  // Trailing bytes after the data are ignored and noted.
  MemorySource extra(NpyV1("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", std::string("\x01\x00\xff\xff" "XY", 6)));
  const NdArray a = ReadNpyStream(extra, extra.size(), "mem.npy", "");
  BOOST_CHECK_EQUAL(a.values.size(), 2u);
  BOOST_CHECK_EQUAL(a.values[1], -1.0);
  BOOST_CHECK_NE(a.info.note.find("2 bytes after the data"), std::string::npos);
  // Double quotes, '=' (native order), bool and Python 2 long dims are accepted.
  MemorySource b(NpyV1("{\"descr\": \"|b1\", \"fortran_order\": True, \"shape\": (1L, 3L)}", std::string("\x01\x00\x02", 3)));
  const NdArray c = ReadNpyStream(b, b.size(), "mem.npy", "");
  BOOST_CHECK_EQUAL(c.info.dtype, "bool");
  BOOST_CHECK(c.info.fortran_order);
  BOOST_CHECK_EQUAL(c.values[2], 1.0);
  // Unsupported element types are refused by name.
  for (const char* descr : {"<U4", "<M8[s]", "<f16", ">c32"}) {
    MemorySource s(NpyV1(std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (1,), }", std::string(16, '\0')));
    BOOST_CHECK_THROW(ReadNpyStream(s, s.size(), "mem.npy", ""), Error);
  }
  MemorySource list(NpyV1("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", std::string(4, '\0')));
  try {
    ReadNpyStream(list, list.size(), "mem.npy", "");
    BOOST_FAIL("structured dtype accepted");
  } catch (const Error& e) {
    BOOST_CHECK_NE(e.Line().find("structured dtype"), std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
