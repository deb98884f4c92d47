// Why this file exists: headerless binary dumps (numpy tofile, C fwrite, MATLAB fwrite) carry no
// description of themselves. This reader decodes the bytes under each candidate element type and
// byte order and keeps the one whose values look like measured data: finite, of plausible
// magnitude, and with neighbouring values of similar size (spectral envelopes are smooth).
// It reports the winner's score and the runner-up. Thread safe (no shared state).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

struct RawHints {
  std::optional<std::string> dtype;       // float16|float32|float64|int16|int32|int8|uint8
  std::optional<std::string> byte_order;  // little|big
  std::optional<uint64_t> header_bytes;
};

struct RawCandidate {
  std::string dtype;
  std::string byte_order;
  double score = 0.0;
};

// Scores every candidate reading of `bytes` (a sample of the file), best first.
std::vector<RawCandidate> ScoreRawCandidates(const std::vector<unsigned char>& bytes,
                                             const RawHints& hints);

// Decodes `count` elements of `dtype`/`byte_order` from `data` into doubles.
// Returns false for an unknown dtype name.
bool DecodeElements(const unsigned char* data, size_t count, const std::string& dtype,
                    const std::string& byte_order, double* out);
// Size in bytes of one element of `dtype`, 0 if unknown.
size_t ElementSize(const std::string& dtype);

// Reads a raw file. Throws Error(kBadInput) naming the file for empty files, sizes that are not
// a whole number of elements, and files no candidate decodes plausibly.
NdArray ReadRaw(const std::string& path, const RawHints& hints);

}  // namespace specrecon
