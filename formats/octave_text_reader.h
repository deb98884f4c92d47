// Why this file exists: GNU Octave's default `save` format is text: "# name: x", "# type:
// matrix", "# rows: 6", "# columns: 5" and then the values. This reader returns every numeric
// variable (real, complex "(re,im)", float (single) and integer types) as one array named after
// the variable; strings, booleans, cells, structs and ranges are parsed only to be skipped.
// Shapes as stored: a matrix written row by row is rows x columns in C order; arrays written
// one value per line after "# ndims:" (integer and N-d arrays) are column-major
// (info.fortran_order = true); scalars have an empty shape. Thread safe (no shared state).
#pragma once

#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// True when `text` starts like an Octave text file ("# Created by Octave" or "# name:").
bool LooksLikeOctaveText(const std::string& text);

// Parses an Octave text file. Throws Error(kBadInput) naming the file, with the line number,
// on malformed input or when no variable is numeric.
std::vector<NdArray> ParseOctaveText(const std::string& text, const std::string& path);

}  // namespace specrecon
