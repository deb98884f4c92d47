// safetensors files (tests/data/formats/make_safetensors_fixtures.py, written after the format's
// documentation): every element type reads as its .npy twin bit for bit, bfloat16 too (and in a
// torch.save file); a magnitude/phase pair infers scipy's parameters; broken headers and ranges
// fail naming the file.
#include <boost/test/unit_test.hpp>

#include "formats/safetensors_reader.h"
#include "src/pipeline.h"
#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;

BOOST_AUTO_TEST_SUITE(formats_safetensors)

BOOST_AUTO_TEST_CASE(every_element_type_reads_as_its_twin) {
  const std::string path = FixtureDir() + "safetensors/tensors.safetensors";
  BOOST_CHECK_EQUAL(SniffFormat(path), "safetensors");
  const std::vector<NdArray> got = ReadArrays(path, RawHints{});
  const std::vector<std::string> names = {"f64", "f32", "f16", "i16", "u8", "c64", "bf16"};
  BOOST_REQUIRE_EQUAL(got.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    BOOST_TEST_CONTEXT(names[i]) {
      const NdArray& a = got[i];  // in the header's order
      BOOST_CHECK_EQUAL(a.info.name, names[i]);
      BOOST_CHECK_EQUAL(a.info.format, "safetensors");
      BOOST_CHECK((a.info.shape == std::vector<size_t>{4, 6}));
      BOOST_CHECK(!a.info.fortran_order);
      BOOST_CHECK_NE(a.info.note.find("metadata: format=pt, note=specrecon fixture"), std::string::npos);
      const NdArray t = ReadArrays(FixtureDir() + "safetensors/truth_" + names[i] + ".npy", RawHints{}).at(0);
      ExpectSameValues(a, t);
    }
  }
  BOOST_CHECK_EQUAL(got[6].info.dtype, "bfloat16");
}

BOOST_AUTO_TEST_CASE(torch_save_of_a_bfloat16_tensor_reads) {
  // Before: "storage torch.BFloat16Storage is not read".
  const std::vector<NdArray> got = ReadArrays(FixtureDir() + "safetensors/torch_bf16.pt", RawHints{});
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_CHECK_EQUAL(got[0].info.dtype, "bfloat16");
  const NdArray t = ReadArrays(FixtureDir() + "safetensors/truth_torch_bf16.npy", RawHints{}).at(0);
  BOOST_REQUIRE_EQUAL(got[0].values.size(), t.values.size());
  for (size_t k = 0; k < t.values.size(); ++k) BOOST_CHECK_EQUAL(got[0].values[k], t.values[k]);
}

BOOST_AUTO_TEST_CASE(a_magnitude_phase_pair_infers_scipys_parameters) {
  RunOptions o;
  o.files = {FixtureDir() + "safetensors/stft_pair.safetensors"};
  o.sample_rate = 16000;
  const RunResult r = RunInference(o);
  BOOST_CHECK_EQUAL(r.inference.params.n_fft, 128);
  BOOST_CHECK_EQUAL(r.inference.params.hop, 32);
  BOOST_CHECK_EQUAL(r.inference.params.win_length, 128);
  BOOST_CHECK_EQUAL(WindowFamilyName(r.inference.params.window.family), "hann");
  BOOST_CHECK_EQUAL(r.inference.phase_units, "radians");
}

BOOST_AUTO_TEST_CASE(broken_safetensors_fail_naming_the_file) {
  const nlohmann::json m = LoadManifest("safetensors_manifest.json");
  int n = 0;
  for (const auto& b : m["malformed"]) {
    ExpectBadInput(FixtureDir() + b["file"].get<std::string>(), b["phrase"].get<std::string>());
    ++n;
  }
  BOOST_CHECK_GE(n, 5);
  // Raw bytes that start with a small length and '{' but whose header does not close are raw.
  const unsigned char head[16] = {8, 0, 0, 0, 0, 0, 0, 0, '{', 1, 2, 3, 4, 5, 6, 7};
  BOOST_CHECK(!LooksLikeSafetensors(FixtureDir() + "raw/f32le.bin", head, sizeof head, 1200));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace specrecon
