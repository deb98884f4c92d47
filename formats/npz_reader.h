// Why this file exists: numpy.savez / savez_compressed write a zip archive of .npy members
// (stored or deflated), one per saved array. This reader opens it with libzip, which validates
// the central directory, handles zip64 and checks every member's CRC-32, and decodes each
// .npy member with the npy reader (info.name = member name without ".npy"). Declared member
// sizes are checked against the archive's size and deflate's 1032:1 limit before anything is
// read, so corrupt directories and decompression bombs fail fast. A torch.save archive (a zip
// of a pickle and storages) goes to formats/pickle_reader.h, through the same member checks. Thread safe (no shared state).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// Reads every .npy member of a zip archive, or the tensors of a torch.save archive. Throws
// Error(kBadInput) naming the file on a malformed archive or member, or when it holds neither.
std::vector<NdArray> ReadNpz(const std::string& path);

// A zip archive's entries (directories included, as named), for reading a zip of other files
// (formats/archive_reader.h). Throws Error(kBadInput) naming the file on a malformed archive.
struct ZipEntry {
  uint64_t index = 0;
  std::string name;
  uint64_t size = 0;  // declared, uncompressed
};
std::vector<ZipEntry> ListZip(const std::string& path);

// Writes entry `index` to `out` after the checks ReadNpz makes (method, encryption, declared
// sizes against the archive and deflate's limit); its CRC-32 is checked at its end. Throws
// Error(kBadInput) naming `path`, Error(kOutputFailed) naming `out_path` when writing fails.
void ExtractZipEntry(const std::string& path, uint64_t index, std::FILE* out, const std::string& out_path);

}  // namespace specrecon
