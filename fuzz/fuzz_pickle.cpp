// Why this file exists: libFuzzer target for bare pickles (formats/pickle_reader.h): the
// opcode interpreter, numpy array states (joblib's among them) and the checks of shapes against
// data; zlib- and gzip-compressed pickles (joblib's compress). torch.save archives reach the
// same interpreter through fuzz_npz. Also the inflation of any gzip file to a temporary file
// (formats/compressed_file.h: members, padding, caps; what it inflates to is read by the other targets).
#include <cstdint>

#include "formats/compressed_file.h"
#include "formats/pickle_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  specrecon_fuzz::InputFile file(data, size, ".pkl");
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] { specrecon::ReadPickle(file.path()); });
  // joblib's compressed pickles: the zlib/gzip sniff and the bounded inflate before the same
  // interpreter.
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] {
    if (specrecon::LooksLikeCompressedPickle(data, size < 512 ? size : 512)) specrecon::ReadCompressedPickle(file.path());
  });
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] {
    if (const auto codec = specrecon::SniffCodec(data, size)) specrecon::DecompressedFile g(file.path(), *codec);
  });
  return 0;
}
