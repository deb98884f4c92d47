// Why this file exists: libFuzzer target for the .npz reader (formats/npz_reader.h): the zip
// directory through libzip, member size and inflate-ratio checks, the npy members inside; and
// for archives of files (formats/archive_reader.h): a zip of other members or a tar (headers,
// checksums, pax and GNU long names, sizes against the file) unpacked and each member read.
#include <cstdint>

#include "formats/npz_reader.h"
#include "formats/reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  specrecon_fuzz::InputFile file(data, size, ".npz");
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] {
    const std::string kind = specrecon::SniffFormat(file.path());
    if (kind == "tar" || kind == "zip") specrecon::ReadArrays(file.path(), specrecon::RawHints{});
    else specrecon::ReadNpz(file.path());
  });
  return 0;
}
