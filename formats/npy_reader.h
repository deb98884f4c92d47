// Why this file exists: NumPy's .npy format (versions 1, 2 and 3) is the most common way
// Python code saves an STFT. The header is a Python dict literal giving the element type
// ('<f4', '>c16', '|u1', ...), fortran_order and the shape; this reader parses it strictly,
// checks the declared size against the bytes actually present before allocating, and decodes
// the data in chunks. Values stay in file order (column-major when fortran_order is true).
// Object arrays (pickles), strings, structured and datetime types are refused.
// Thread safe (no shared state).
#pragma once

#include <string>

#include "formats/array.h"
#include "formats/byte_source.h"

namespace specrecon {

// Reads a .npy file. Throws Error(kBadInput) naming the file on any malformed input.
NdArray ReadNpy(const std::string& path);
// The header alone (info, shape; no values), checked as ReadNpy checks it: for readers that
// stream the data themselves (src/stream.h). The data start at info.header_bytes.
NdArray InspectNpy(const std::string& path);

// Reads one .npy stream of exactly `total_bytes` bytes from `src` (a file or a zip member).
// `path` is the file named in errors and in the result; `member` names the zip member ("" for
// a plain file) and is used in messages.
NdArray ReadNpyStream(ByteSource& src, uint64_t total_bytes, const std::string& path,
                      const std::string& member);

}  // namespace specrecon
