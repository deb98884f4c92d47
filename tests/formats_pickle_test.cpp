// torch.save archives and pickle.dump files (formats/pickle_reader.h), written by torch and
// pickle themselves (tests/data/formats/make_pickle_fixtures.py): tensors of every layout torch
// code saves (C order, torch.stft's column-major strides, complex, half, int16, nn.Parameter,
// strided views, storage offsets, dicts, lists, nested dicts, a big-endian archive, a numpy
// array inside), numpy arrays pickled with protocols 2, 4 and 5 (column-major, big-endian,
// complex, uint8, a numpy number beside them), pickles that are not arrays refused without
// being run, and a magnitude and phase saved together in different storage orders
// reconstructed.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>

#include "formats/pickle_reader.h"
#include "inference/containers.h"
#include "src/pipeline.h"
#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;
using namespace std::string_literals;

namespace {

const nlohmann::json& PickleManifest() {
  static const nlohmann::json m = LoadManifest("pickle_manifest.json");
  return m;
}

// Decodes a hand-made pickle whose storages are `numel` float32 zeros; returns the error line
// ("" when it was accepted).
std::string DecodeError(const std::string& pickle, uint64_t* asked = nullptr) {
  const std::vector<unsigned char> bytes(pickle.begin(), pickle.end());
  try {
    DecodePickle("mem.pt", "torch", bytes, "little", [&](const std::string&, const std::string& dtype, uint64_t numel) {
      if (asked) *asked = numel;
      return std::vector<unsigned char>(numel * ElementSize(dtype), 0);
    });
  } catch (const Error& e) {
    BOOST_CHECK(e.code() == ExitCode::kBadInput);
    return e.Line();
  }
  return "";
}

// The pickle torch.save writes for one float32 tensor: storage of `numel`, then offset, size
// and stride (each a tuple of one-byte ints).
std::string TensorPickle(int numel, int offset, const std::vector<int>& size, const std::vector<int>& stride) {
  auto ints = [](const std::vector<int>& v) {
    std::string s = "(";
    for (int x : v) s += std::string("K") + static_cast<char>(x);
    return s + "t";
  };
  return "\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00"
         "0X\x03\x00\x00\x00" "cpuK"s +
         static_cast<char>(numel) + "tQK" + static_cast<char>(offset) + ints(size) + ints(stride) +
         "\x89" "ccollections\nOrderedDict\n)RtR.";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formats_pickle)

BOOST_AUTO_TEST_CASE(torch_save_fixtures_read_without_hints) {
  // little, column_major, dict, complex, list, views, nested, numpy_inside, big
  BOOST_CHECK_EQUAL(CheckManifestFormat("torch", PickleManifest()), 9);
}

BOOST_AUTO_TEST_CASE(pickled_numpy_arrays_read_without_hints) {
  // protocol2, protocol4_fortran, protocol5, dict, lists; joblib's dict.joblib (column-major
  // kept), zlib.joblib and gzip.joblib (compressed whole)
  BOOST_CHECK_EQUAL(CheckManifestFormat("pickle", PickleManifest()), 8);
  BOOST_CHECK_EQUAL(SniffFormat(FixtureDir() + "pickle/protocol2.pkl"), "pickle");
  BOOST_CHECK_EQUAL(SniffFormat(FixtureDir() + "pickle/zlib.joblib"), "pickle_z");
  BOOST_CHECK_EQUAL(SniffFormat(FixtureDir() + "pickle/gzip.joblib"), "pickle_z");
  BOOST_CHECK_NE(ReadArrays(FixtureDir() + "pickle/gzip.joblib", {})[0].info.note.find("gzip-compressed"), std::string::npos);
  // A raw dump starting with a pickle's first bytes is still raw unless it ends with STOP.
  const std::string tmp = "/tmp/specrecon_pickle_like_" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << "\x80\x04\x95" << std::string(64, '\x01');
  }
  BOOST_CHECK_EQUAL(SniffFormat(tmp), "raw");
  // Nor is one starting with a zlib header a compressed pickle unless it inflates to one: a zlib
  // stream of other bytes, and float32 values whose first byte is 0x78.
  {
    std::ofstream out(tmp, std::ios::binary);
    out << "\x78\x9c\xcb\x48\xcd\xc9\xc9\x07\x00\x06\x2c\x02\x15";  // zlib of "hello"
  }
  BOOST_CHECK_EQUAL(SniffFormat(tmp), "raw");
  {
    std::ofstream out(tmp, std::ios::binary);
    for (int k = 0; k < 64; ++k) {
      const float v = 1.0f + 0.01f * k;
      out.write(reinterpret_cast<const char*>(&v), 4);
      if (k == 0) out.seekp(0), out.put('\x78'), out.seekp(4);
    }
  }
  BOOST_CHECK_EQUAL(SniffFormat(tmp), "raw");
  std::remove(tmp.c_str());
}

BOOST_AUTO_TEST_CASE(malformed_archives_fail_with_the_broken_rule) {
  for (const auto& m : PickleManifest()["malformed"])
    ExpectBadInput(FixtureDir() + m["file"].get<std::string>(), m["phrase"].get<std::string>());
  BOOST_CHECK_EQUAL(PickleManifest()["malformed"].size(), 8u);
}

BOOST_AUTO_TEST_CASE(pickles_are_checked_before_storage_is_read) {
  // The hand-made pickle is read as torch writes it: a 2 x 3 tensor of a storage of 6.
  uint64_t asked = 0;
  BOOST_CHECK_EQUAL(DecodeError(TensorPickle(6, 0, {2, 3}, {3, 1}), &asked), "");
  BOOST_CHECK_EQUAL(asked, 6u);
  // A view reaching past its storage is refused before the storage is asked for.
  asked = 0;
  BOOST_CHECK_NE(DecodeError(TensorPickle(6, 1, {2, 3}, {3, 1}), &asked).find("reaches element 6 of a storage of 6"),
                 std::string::npos);
  BOOST_CHECK_EQUAL(asked, 0u);
  BOOST_CHECK_NE(DecodeError(TensorPickle(6, 0, {2, 3}, {3}), nullptr).find("size and stride differ"), std::string::npos);
  // Calls other than a tensor's, and a pickle holding no tensor.
  BOOST_CHECK_NE(DecodeError("\x80\x02" "cbuiltins\neval\nX\x01\x00\x00\x00" "1\x85R."s).find("calls builtins.eval"),
                 std::string::npos);
  BOOST_CHECK_NE(DecodeError("\x80\x02}X\x02\x00\x00\x00srK\x10s."s).find("holds no tensor"), std::string::npos);
  // Memo reads before writes, opcodes torch does not write, values missing from the stack.
  BOOST_CHECK_NE(DecodeError("\x80\x02h\x05."s).find("read before it was written"), std::string::npos);
  BOOST_CHECK_NE(DecodeError("\x80\x02I1\n."s).find("opcode 0x49"), std::string::npos);
  BOOST_CHECK_NE(DecodeError("\x80\x02t."s).find("no MARK"), std::string::npos);
  BOOST_CHECK_NE(DecodeError("\x80\x02."s).find("finds no value"), std::string::npos);
  // A list that holds itself (memoised, then appended to itself) is refused, and freed (the
  // sanitizer build checks for leaks).
  BOOST_CHECK_NE(DecodeError("\x80\x02]q\x00h\x00" "a."s).find("nested more than 32 deep"), std::string::npos);
  BOOST_CHECK_NE(DecodeError("\x80\x02}q\x00X\x01\x00\x00\x00" "ah\x00s."s).find("nested more than 32 deep"), std::string::npos);
  // A pickle pushing more values than kMaxValues (a list appended 2^22 Nones, one at a time,
  // so that the stack stays short) is refused; a stack of more than 2^20 is refused first.
  std::string appends;
  for (size_t k = 0; k < (size_t{1} << 22); ++k) appends += "Na";
  BOOST_CHECK_NE(DecodeError("\x80\x02]"s + appends + "."s).find("Python values"), std::string::npos);
  BOOST_CHECK_NE(DecodeError("\x80\x02]("s + std::string((1u << 20) + 1, 'N') + "e."s).find("values on the stack"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(storage_orders_of_a_pair_are_matched) {
  // A 2 x 3 magnitude in column-major order and its phase in C order: the phase is put into
  // the magnitude's order, so one layout reads both.
  NdArray mag, ph;
  mag.info.shape = ph.info.shape = {2, 3};
  mag.info.fortran_order = true;
  mag.values = {0, 3, 1, 4, 2, 5};  // element [r][c] = 10 r + c would be; here r*3+c in column order
  ph.values = {0, 1, 2, 3, 4, 5};   // C order of the same r*3+c
  ph.info.name = "phase";
  std::vector<NdArray> main = {mag, ph};
  const std::vector<std::string> notes = MatchStorageOrder(&main);
  BOOST_REQUIRE_EQUAL(notes.size(), 1u);
  BOOST_CHECK_NE(notes[0].find("phase: reordered to column-major"), std::string::npos);
  BOOST_CHECK(main[1].info.fortran_order);
  BOOST_CHECK_EQUAL_COLLECTIONS(main[1].values.begin(), main[1].values.end(), main[0].values.begin(), main[0].values.end());
  // Same order, or different shapes: left alone.
  std::vector<NdArray> same = {mag, mag};
  BOOST_CHECK(MatchStorageOrder(&same).empty());
  NdArray other = ph;
  other.info.shape = {3, 2};
  std::vector<NdArray> differ = {mag, other};
  BOOST_CHECK(MatchStorageOrder(&differ).empty());
  BOOST_CHECK_EQUAL(differ[1].values[1], 1.0);
}

BOOST_AUTO_TEST_CASE(a_torch_stft_saved_as_a_dict_is_reconstructed) {
  // torch.stft's magnitude keeps its column-major strides, its angle does not: read in one
  // layout without matching orders, the pair gave no consistent hop.
  RunOptions opt;
  opt.files = {FixtureDir() + "torch/stft_dict.pt"};
  RunResult run = RunInference(opt);
  BOOST_CHECK_EQUAL(run.inference.params.n_fft, 64);
  BOOST_CHECK_EQUAL(run.inference.params.hop, 16);
  BOOST_CHECK_EQUAL(run.sample_rate, 8000);  // the dict's "sr"
  Reconstruct(&run);
  BOOST_CHECK_LT(run.consistency_db, -60.0);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
