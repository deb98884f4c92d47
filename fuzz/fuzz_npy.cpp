// Why this file exists: libFuzzer target for the .npy reader (formats/npy_reader.h): header dict
// parsing, dtypes, shapes and the size checks made before allocation; and for safetensors
// (formats/safetensors_reader.h): its header length, JSON header and byte ranges.
#include <cstdint>

#include "formats/npy_reader.h"
#include "formats/safetensors_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  specrecon_fuzz::InputFile file(data, size, ".npy");
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] {
    if (size >= 9 && data[8] == '{') specrecon::ReadSafetensors(file.path());  // also where the sniff would say raw
    else specrecon::ReadNpy(file.path());
  });
  return 0;
}
