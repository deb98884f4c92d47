// Why this file exists: libFuzzer target for the text readers (formats/text_reader.h: CSV, TSV,
// whitespace; formats/octave_text_reader.h: Octave's save -text; formats/json_reader.h: JSON;
// formats/printed_reader.h: printed numpy, torch and mat2str arrays).
// All parse a string in memory, so no file is written; every input goes through the delimited
// parser and through the others where ReadArrays would choose them.
#include <cstdint>
#include <string>

#include "formats/json_reader.h"
#include "formats/octave_text_reader.h"
#include "formats/printed_reader.h"
#include "formats/text_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string path = "fuzz-input.txt";
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] { specrecon::ParseDelimitedText(text, path); });
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] {
    if (specrecon::LooksLikeOctaveText(text)) specrecon::ParseOctaveText(text, path);
  });
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] {
    if (specrecon::LooksLikeJson(text.substr(0, 512))) specrecon::ParseJson(text, path);
  });
  specrecon_fuzz::ExpectOnlySpecreconErrors([&] {
    if (specrecon::LooksLikePrintedArray(text.substr(0, 512))) specrecon::ParsePrintedArrays(text, path);
  });
  return 0;
}
