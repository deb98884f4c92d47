// Why this file exists: HDF5 holds STFT dumps three ways, all read here with libhdf5:
//   * plain HDF5 (h5py, C, Julia): every numeric dataset at any group path; info.name is the
//     full path ("/spec/mag"), shape = the dataset's dims, C order;
//   * MATLAB 7.3 .mat files (HDF5 behind a 512-byte "MATLAB 7.3" userblock): root datasets
//     with a numeric MATLAB_class attribute; info.name = variable name; MATLAB stores dims
//     reversed, so shape = the reversed HDF5 dims (MATLAB's own) and info.fortran_order = true;
//     format = "mat";
//   * GNU Octave's HDF5 (save -hdf5): a group per variable with "type" and "value"; read like
//     MATLAB 7.3 (reversed dims, column-major), info.name = variable name.
// Complex data are compound types of two floats (h5py: r/i, MATLAB and Octave: real/imag).
// Strings, enums (booleans), references, cells, structs and logical arrays are skipped and
// listed in the notes. Before reading, each dataset's declared size is checked against the
// bytes it stores (x1032 when filtered), the file size and a chunk-size cap.
// ReadHdf5InProcess is NOT thread safe: libhdf5 (Debian's serial build) keeps global state.
#pragma once

#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// Reads every numeric dataset. Throws Error(kBadInput) naming the file on malformed input or
// when it holds no numeric dataset. libhdf5 runs in a forked child with an address-space limit
// (it has memory errors of its own on corrupt files): a crash there is a clean Error(kBadInput)
// here, and this process never calls libhdf5 (so this is safe from several threads).
std::vector<NdArray> ReadHdf5(const std::string& path);

// The same, in this process (what the child runs).
std::vector<NdArray> ReadHdf5InProcess(const std::string& path);

}  // namespace specrecon
