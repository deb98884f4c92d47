// Why this file exists: NetCDF's classic formats are how scipy.io.netcdf_file (and Octave's,
// MATLAB's and xarray's netcdf writers with format NETCDF3_*) keep arrays: "CDF" and a version
// (1 classic, 2 64-bit offset, 5 64-bit data), a big-endian header of dimensions, attributes and
// variables with their types, shapes and byte offsets, then the data (big-endian; a record
// dimension's variables interleaved record by record). Read by hand after the format's
// specification (NetCDF Classic and 64-bit Offset Format, and CDF-5): every count and offset is
// checked against the header's bytes and the file before anything is allocated. NetCDF-4 files
// are HDF5 and read by the HDF5 reader. Thread safe (no shared state).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// Whether a file's first bytes start a classic NetCDF file: "CDF" and version 1, 2 or 5.
bool LooksLikeNetcdf(const unsigned char* head, size_t n);

// Every numeric variable, named by its name, in header order, with CF packing (scale_factor,
// add_offset) applied; numeric global attributes (a sample rate, n_fft) as arrays named by
// theirs. Text variables are passed over with a note. Throws Error(kBadInput) naming the file on
// a malformed header, a variable whose bytes lie outside the file or a size beyond the caps.
std::vector<NdArray> ReadNetcdf(const std::string& path);

}  // namespace specrecon
