// Why this file exists: spreadsheets, numpy.savetxt, MATLAB writematrix/dlmwrite and Octave
// dlmwrite dump spectrograms as delimited text. This reader accepts comma, semicolon, tab or
// whitespace separated numbers, an optional header row (first line only), '#' and '%' comment
// lines, CRLF line ends, a UTF-8 byte-order mark, nan/inf tokens in any case (NaN, -Inf,
// Infinity), a decimal comma when the delimiter is not a comma, and complex fields ((1.5-2j) from
// numpy's savetxt, 1.5-2i from MATLAB). The result is one float64 array (complex when any field
// is) of shape rows x columns in C order (the file's reading order). Errors give the line and
// column: "line 12, column 3: 'abc' is not a number", "line 7 has 5 fields, line 1 has 6".
// Thread safe (no shared state).
#pragma once

#include <string>

#include "formats/array.h"

namespace specrecon {

// Parses `text` (the whole file) into one array; `path` names the file in errors.
NdArray ParseDelimitedText(const std::string& text, const std::string& path);

// Reads a delimited text file (size checked against kMaxTextBytes first).
NdArray ReadDelimitedText(const std::string& path);

// Reads a whole text file into memory after the size checks (kMaxTextBytes; every line at most
// kMaxTextLineBytes and no NUL byte, checked in a first streaming pass); shared with the Octave
// reader.
std::string ReadTextFile(const std::string& path);

// Parses one number token (optional sign, decimal or exponent form, nan/inf/infinity in any
// case). Returns false if the whole token is not a number.
bool ParseNumberToken(const std::string& token, double* out);

// Parses a complex number token as Python, numpy and MATLAB write them: 1.5-2j, (1.5-2j) (numpy's
// savetxt, pandas), -0.5+1.2i (MATLAB's writematrix), 2j, -j; parentheses optional, the
// imaginary unit j, J or i. Returns false if the token is not one.
bool ParseComplexToken(const std::string& token, double* re, double* im);

}  // namespace specrecon
