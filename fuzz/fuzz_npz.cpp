// Why this file exists: libFuzzer target for the .npz reader (formats/npz_reader.h): the zip
// directory through libzip, member size and inflate-ratio checks, the npy members inside.
#include <cstdint>

#include "formats/npz_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  specrecon_fuzz::InputFile file(data, size, ".npz");
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] { specrecon::ReadNpz(file.path()); });
  return 0;
}
