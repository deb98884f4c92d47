// Why this file exists: Hugging Face's safetensors (safetensors.torch.save_file,
// safetensors.numpy.save_file) is how much of today's ML code keeps tensors: an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype, shape and byte range,
// then the bytes (little-endian, C order). Read by hand after the format's documentation: the
// header is bounded (100 MB, as the reference implementation) and parsed with nlohmann::json;
// every tensor's range is checked against the file and its shape before anything is read.
// Thread safe (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// Whether the file at `path`, whose first bytes are `head`, starts with a safetensors header: a
// length that fits in the file, '{' after it, and '}' (or padding) as the header's last byte.
bool LooksLikeSafetensors(const std::string& path, const unsigned char* head, size_t n, uint64_t file_size);

// Every tensor, named by its key, in header order; "__metadata__" strings go to the note. Throws
// Error(kBadInput) naming the file on a malformed header, a range outside the data or one that
// does not match its dtype and shape, and an element type not read (float8).
std::vector<NdArray> ReadSafetensors(const std::string& path);

}  // namespace specrecon
