// Why this file exists: libFuzzer target for the MAT v5 reader (formats/mat_reader.h): the
// element-chain and dims checks made before libmatio reads, and libmatio itself; and for Octave's
// binary format and MAT v4 (formats/octave_binary_reader.h), and NetCDF classic
// (formats/netcdf_reader.h), read by hand.
#include <cstdint>

#include "formats/mat_reader.h"
#include "formats/netcdf_reader.h"
#include "formats/octave_binary_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  specrecon_fuzz::InputFile file(data, size, ".mat");
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] {
    if (specrecon::LooksLikeNetcdf(data, size)) specrecon::ReadNetcdf(file.path());
    else if (specrecon::LooksLikeOctaveBinary(data, size)) specrecon::ReadOctaveBinary(file.path());
    else if (specrecon::LooksLikeMat4(data, size, size)) specrecon::ReadMat4(file.path());
    else specrecon::ReadMat5(file.path());
  });
  return 0;
}
