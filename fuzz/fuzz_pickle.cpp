// Why this file exists: libFuzzer target for bare pickles (formats/pickle_reader.h): the
// opcode interpreter, numpy array states and the checks of shapes against data. torch.save
// archives reach the same interpreter through fuzz_npz.
#include <cstdint>

#include "formats/pickle_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  specrecon_fuzz::InputFile file(data, size, ".pkl");
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] { specrecon::ReadPickle(file.path()); });
  return 0;
}
