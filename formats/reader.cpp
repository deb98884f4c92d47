#include "formats/reader.h"

#include <cstring>
#include <fstream>

#include "src/errors.h"

namespace specrecon {

std::string SniffFormat(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowBadInput(path, "cannot open for reading: " + std::string(std::strerror(errno)));
  char head[512] = {0};
  in.read(head, sizeof head);
  const size_t got = static_cast<size_t>(in.gcount());
  if (got >= 6 && std::memcmp(head, "\x93NUMPY", 6) == 0) return "npy";
  if (got >= 4 && std::memcmp(head, "PK\x03\x04", 4) == 0) return "zip";
  if (got >= 8 && std::memcmp(head, "\x89HDF\r\n\x1a\n", 8) == 0) return "hdf5";
  // MATLAB 7.3 files are HDF5 behind a 512-byte text userblock that starts "MATLAB 7.3".
  if (got >= 10 && std::memcmp(head, "MATLAB 7.3", 10) == 0) return "hdf5";
  if (got >= 6 && std::memcmp(head, "MATLAB", 6) == 0) return "mat5";
  // Text: every byte printable ASCII or whitespace (a UTF-8 BOM allowed), with digits.
  size_t start = (got >= 3 && std::memcmp(head, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
  bool text = got > start, digit = false;
  for (size_t i = start; i < got && text; ++i) {
    const unsigned char c = static_cast<unsigned char>(head[i]);
    if (c >= '0' && c <= '9') digit = true;
    if (!(c == '\n' || c == '\r' || c == '\t' || (c >= 32 && c < 127))) text = false;
  }
  if (text && digit) return "text";
  return "raw";
}

std::vector<NdArray> ReadArrays(const std::string& path, const RawHints& hints) {
  const std::string kind = SniffFormat(path);
  if (kind == "raw") return {ReadRaw(path, hints)};
  ThrowBadInput(path, "looks like " + kind + ", which this version cannot read yet "
                      "(supported: raw binary)");
}

}  // namespace specrecon
