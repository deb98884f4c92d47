// Why this file exists: headerless binary dumps (numpy tofile, C fwrite, MATLAB fwrite) carry no
// description of themselves. This reader decodes the bytes under each candidate element type and
// byte order and keeps the one whose values look like measured data: finite, of plausible
// magnitude, and with neighbouring values of similar size (spectral envelopes are smooth).
// An unknown header shows as a prefix that does not decode like the rest: for each candidate
// the reader finds where the implausible prefix ends (data are assumed to run to the end of the
// file, so the header length is congruent to the file size modulo the element size) and also
// recognises Fortran unformatted records (length markers before and after the data).
// It reports the winner's score, its runner-up and the other candidates in info.note.
// Thread safe (no shared state).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "formats/array.h"
#include "formats/decode.h"

namespace specrecon {

struct RawHints {
  std::optional<std::string> dtype;       // float16|float32|float64|int16|int32|int8|uint8 (guessed); uint16|uint32 (given)
  std::optional<std::string> byte_order;  // little|big
  std::optional<uint64_t> header_bytes;
};

struct RawCandidate {
  std::string dtype;
  std::string byte_order;
  double score = 0.0;
  uint64_t header_bytes = 0;
  uint64_t trailer_bytes = 0;
  std::string header_note;  // why this header length (empty for 0)
};

// Scores every candidate reading of `bytes` (a sample of the data, no header), best first.
std::vector<RawCandidate> ScoreRawCandidates(const std::vector<unsigned char>& bytes,
                                             const RawHints& hints);

// Scores every candidate reading of a file whose first bytes are `head` (up to 64 KiB) and
// whose last 8 bytes are `tail`, detecting a header per candidate unless hints give one.
std::vector<RawCandidate> ScoreRawFile(const std::vector<unsigned char>& head,
                                       const std::vector<unsigned char>& tail, uint64_t file_size,
                                       const RawHints& hints);

// Reads a raw file. Throws Error(kBadInput) naming the file for empty files, sizes that are not
// a whole number of elements, and files no candidate decodes plausibly.
NdArray ReadRaw(const std::string& path, const RawHints& hints);

// The same decisions without the values: info (dtype, byte order, header, score, runner-up) and
// shape {count}. For readers that stream the file themselves (src/stream.h).
NdArray InspectRaw(const std::string& path, const RawHints& hints);

// The element types a raw file may be read as: the guessed float16|float32|float64|int16|int32|
// int8|uint8, and uint16|uint32 when given (they read the same bytes as int16 and int32).
bool KnownRawDtype(const std::string& dtype);

}  // namespace specrecon
