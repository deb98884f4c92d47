// Why this file exists: dumps are passed around as archives: spectrogram.bin and phases.bin in a
// .zip (not numpy's savez: no .npy members) or a .tar / .tar.gz, a CSV pair zipped, a .mat and
// its notes. Every reader takes a path, so each regular member is unpacked, bounded, into a
// private temporary directory and read as a file of its own; the arrays name the archive and the
// member. Knows nothing of STFTs; the readers of each member are passed in (formats/reader.cpp).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// Whether a file's first 512 bytes are a POSIX or GNU tar header ("ustar" at 257, checksum right).
bool LooksLikeTar(const unsigned char* head, size_t n);

// Reads the arrays of one unpacked member file; throws Error.
using MemberReader = std::function<std::vector<NdArray>(const std::string& file)>;

// Reads every regular member of the tar (zip = false) or zip archive at `path` with `read`, or only
// the member named `only_member` when it is not empty. Directories, links, macOS's __MACOSX/ and
// dot files (._x, .DS_Store) and empty files are passed over; a member that no reader can read
// (notes, a README) is passed over with a note, unless none can be read. Each array's info.path is
// `path`, info.member the member's name, info.name the member's stem unless a container named it,
// info.inflated_bytes the member's size. Throws Error(kBadInput) naming `path` for a malformed or
// truncated archive, more than kMaxArchiveMembers files, a member above kMaxUnpackedBytes, members
// above kMaxArchiveBytes in all, or no readable member; Error(kOutputFailed) when the temporary
// directory cannot be made or written. Nothing is left in TMPDIR.
std::vector<NdArray> ReadArchive(const std::string& path, bool zip, const std::string& only_member, const MemberReader& read);

constexpr size_t kMaxArchiveMembers = 64;
constexpr uint64_t kMaxArchiveBytes = uint64_t{4} << 30;

}  // namespace specrecon
