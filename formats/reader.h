// Why this file exists: the single dispatch point from a path to the arrays it holds. Magic
// bytes decide the format first (npy, zip/npz, MATLAB, HDF5); headerless data falls back to
// content heuristics (raw binary). Readers for containers may return several arrays.
#pragma once

#include <string>
#include <vector>

#include "formats/array.h"
#include "formats/raw_reader.h"

namespace specrecon {

// What the first bytes of a file say it is: "npy", "zip" (numpy.savez or torch.save), "mat5",
// "hdf5", "pickle", "pickle_z" (zlib or gzip of a pickle), "gzip", "xz", "lzma", "bzip2", "zstd"
// (of anything else: decompressed and read as what they hold), "7z" and "rar" (refused), "json",
// "printed", "text", "tar", "octave_binary", "mat4", "safetensors", "netcdf", "torch_legacy" (refused by ReadArrays) or "raw". A "zip" of other
// files than .npy members or torch.save's is read as an archive, as a "tar" is.
std::string SniffFormat(const std::string& path);

// Reads every array a file holds. Throws Error(kBadInput) naming the file on malformed input or
// an unsupported container.
std::vector<NdArray> ReadArrays(const std::string& path, const RawHints& hints);

// A raw array read again under other hints (element type, byte order, header): from its file, or,
// when it was unpacked (info.inflated_bytes: a gzip file, an archive's member), unpacked again,
// as its temporary file is gone. Throws Error as ReadArrays does.
NdArray ReadArrayAgain(const ArrayReading& info, const RawHints& hints);

}  // namespace specrecon
