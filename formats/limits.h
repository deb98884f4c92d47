// Why this file exists: every size a file declares (npy shape, zip member size, MATLAB dims,
// HDF5 dims) is untrusted. These helpers check it against the file's real size and a fixed cap
// BEFORE anything is allocated, so a corrupt header or a zip bomb fails fast with exit 3 and
// bounded memory instead of an out-of-memory abort. Thread safe (no state).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace specrecon {

// Largest array any reader allocates: 2^28 elements (2 GiB as doubles, 4 GiB if complex), e.g.
// 46 minutes of a 48 kHz STFT with 1025 bins and hop 512. Bigger arrays are refused by name.
constexpr uint64_t kMaxArrayElements = uint64_t{1} << 28;
// Deflate cannot expand data more than 1032:1; a zip member or compressed MATLAB variable that
// claims more is corrupt or a decompression bomb.
constexpr uint64_t kMaxInflateRatio = 1032;
// Text files larger than this are refused (they are parsed in memory).
constexpr uint64_t kMaxTextBytes = uint64_t{1} << 30;
// A text line longer than this (64 MiB, e.g. 2.5 million numbers of 25 characters) is refused
// before the file is loaded: a 1 GB single-line file fails fast in bounded memory.
constexpr uint64_t kMaxTextLineBytes = uint64_t{1} << 26;

// Size in bytes of the regular file at `path`. Throws Error(kBadInput) naming the file when it
// does not exist, is a directory, or is not a regular file (FIFO, device: no size to check
// against, possibly endless).
uint64_t RegularFileSize(const std::string& path);

// Product of `dims` (the element count). Throws Error(kBadInput) naming `path` when the product
// overflows 64 bits or exceeds kMaxArrayElements; `what` names the array ("variable 'mag'").
uint64_t CheckedElementCount(const std::vector<uint64_t>& dims, const std::string& path,
                             const std::string& what);

// "6 x 5" (or "scalar" for no dims), for messages.
std::string DimsText(const std::vector<uint64_t>& dims);

}  // namespace specrecon
