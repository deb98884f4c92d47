// Why this file exists: libFuzzer target for the raw reader (formats/raw_reader.h), the reader
// every headerless file falls back to. The first input byte chooses the hints (none, a dtype, a
// byte order, a header length) so the hinted paths are fuzzed too; the rest is the file.
#include <cstdint>
#include <string>

#include "formats/raw_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const char* const kDtypes[] = {"float32", "float64", "float16", "int16", "int32", "int8", "uint8"};
  const uint8_t sel = data[0];
  specrecon::RawHints hints;
  if (sel & 0x08) hints.dtype = kDtypes[(sel & 0x07) % 7];
  if (sel & 0x10) hints.byte_order = (sel & 0x20) ? "big" : "little";
  if (sel & 0x40) hints.header_bytes = (sel & 0x80) ? 7u : 100u;
  specrecon_fuzz::InputFile file(data + 1, size - 1, ".bin");
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] { specrecon::ReadRaw(file.path(), hints); });
  return 0;
}
