// Why this file exists: MATLAB's -v6 / -v7 .mat files (MAT v5, uncompressed or with zlib-
// compressed variables), also written by GNU Octave (save -v6 / -v7) and scipy.io.savemat, are
// read with libmatio. Every numeric variable becomes one array (info.name = variable name;
// shape = MATLAB dims, column-major, so info.fortran_order = true; dtype = the MATLAB class:
// double -> float64, single -> float32, int16 -> int16, ...; complex variables fill imag).
// Character arrays, cells, structs, objects, sparse and logical arrays are skipped and listed
// in each array's note. Before libmatio reads anything, the chain of top-level data elements
// is checked against the file size, and each variable's declared dims against the bytes its
// element occupies (times 1032 when compressed). v7.3 files are HDF5 (hdf5_reader.h).
// NOT thread safe: libmatio's log hook is process-wide; read one .mat file at a time.
#pragma once

#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// Reads every numeric variable of a MAT v5 file. Throws Error(kBadInput) naming the file on
// malformed input or when it holds no numeric variable.
std::vector<NdArray> ReadMat5(const std::string& path);
// The same in this process (libmatio called here); ReadMat5 runs it in a child (formats/isolate.h).
std::vector<NdArray> ReadMat5InProcess(const std::string& path);

}  // namespace specrecon
