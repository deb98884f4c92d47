// Why this file exists: web tools and scripts write spectrograms as JSON: json.dump(S.tolist()),
// or a dict of named arrays ({"magnitude": [[...]], "phase": [[...]], "sr": 16000}). This reader
// parses the file with nlohmann::json (after the size check) and returns every rectangular
// array of numbers in it, named by its path of keys ("magnitude", "stft.phase"; list positions
// for lists of arrays), and every number beside them as a scalar (a sample rate). Python's
// NaN, Infinity and -Infinity tokens (json.dump's default) are read as the values they stand
// for; null inside an array is NaN. Ragged lists, strings and booleans are left out and named
// in the note. Errors give the byte offset. Thread safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// Whether a text file is JSON: its first character beside whitespace and a BOM is '[' or '{'.
bool LooksLikeJson(const std::string& head);

// JSON parses into a tree of nodes (some 50 bytes each), so files are parsed up to this size;
// formats/printed_reader.h reads them (ReadBracketedText).
constexpr uint64_t kMaxJsonBytes = uint64_t{128} << 20;

// Parses JSON text (exposed for tests); `path` names the file in errors and results.
std::vector<NdArray> ParseJson(const std::string& text, const std::string& path);

}  // namespace specrecon
