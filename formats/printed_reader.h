// Why this file exists: people keep what Python, numpy, torch and Octave print as a spectrogram
// file: str(S) or repr(S) of a numpy array ("[[0.1 0.2 ...]\n [...]]", "array([[...]],
// dtype=float32)", printed after np.set_printoptions(threshold=sys.maxsize)), print(t) of a
// tensor ("tensor([[...]])"), repr(S.tolist()) (which is not JSON once it holds nan or inf, or
// complex numbers in parentheses) and Octave's or MATLAB's mat2str ("[0.1 0.2;0.3 0.4]"). This
// reader parses such text in one streaming pass: brackets give the shape (every list of a level
// must have the same length), ';' inside a one-level list separates rows, numbers may be
// complex (numpy's 1.5-2.j, Python's (1.5-2j)), and each top-level array (a file may hold
// several, one printed after another) is one float64 array in C order. An elided print ('...',
// what numpy and torch print for arrays of more than 1000 values by default) is refused: its
// values are not in the file. Errors give the line and column. Thread safe (no shared state).
#pragma once

#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// Whether a text file's head starts like a printed array: '[' or a wrapper call such as
// "array(" or "tensor(" after whitespace and a BOM. ('[' also starts JSON: ReadBracketedText
// tries JSON first.)
bool LooksLikePrintedArray(const std::string& head);

// Parses printed arrays; `path` names the file in errors and results.
std::vector<NdArray> ParsePrintedArrays(const std::string& text, const std::string& path);

// Reads a text file that starts with '[', '{' or a wrapper call (size checked before reading):
// JSON when it parses as JSON, else printed arrays; when neither reads, the error names both
// reasons.
std::vector<NdArray> ReadBracketedText(const std::string& path);

}  // namespace specrecon
