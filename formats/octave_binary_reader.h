// Why this file exists: two binary formats matio and the other readers do not take. GNU Octave's
// `save -binary` / `-float-binary` ("Octave-1-L" or "Octave-1-B", then each variable's name, type
// name and data) and MATLAB's version 4 MAT-file (`save -v4`, Octave's `-mat4-binary`,
// scipy.io.savemat(format='4'): per variable a 20-byte header, the name, the real then the
// imaginary parts; no text header, so it is recognised by the first variable's header holding
// together). Both were read as raw bytes before. Every numeric variable is returned as one array
// named after it, column-major (info.fortran_order); struct fields and cell elements are named
// "st.fs" and "c{2}"; strings and logicals are read only to be passed over. Every declared size
// is checked against the bytes left in the file before anything is allocated. Thread safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// Whether a file's first bytes are Octave's binary header ("Octave-1-L" / "Octave-1-B").
bool LooksLikeOctaveBinary(const unsigned char* head, size_t n);

// Whether a file's first bytes are a MAT v4 variable header whose name is NUL-terminated text and
// whose data fit in `file_size` bytes.
bool LooksLikeMat4(const unsigned char* head, size_t n, uint64_t file_size);

// Read every numeric variable. Throw Error(kBadInput) naming the file on a malformed or truncated
// file, or when it holds no numeric variable; a variable of a type that cannot be skipped (a
// sparse matrix, a function handle) ends the reading with a note when arrays came before it.
std::vector<NdArray> ReadOctaveBinary(const std::string& path);
std::vector<NdArray> ReadMat4(const std::string& path);

}  // namespace specrecon
