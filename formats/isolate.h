// Why this file exists: libhdf5 and libmatio have memory errors of their own on corrupt files
// (heap overflows, uses after free, allocations of petabytes; found by fuzz/). specrecon cannot
// fix them and must neither crash nor exhaust memory on them, so those readers run in a forked
// child with an address-space limit (2 GiB + 16 x the file size; none under AddressSanitizer)
// that sends the arrays back through a pipe. A child that dies, or ends without a complete
// answer, means a corrupt file: Error(kBadInput) naming the file and the library. The parent
// never calls the library, so the readers become safe to call from several threads.
#pragma once

#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

using ReaderFn = std::vector<NdArray> (*)(const std::string& path);
// Runs in the child after a successful read: a non-empty answer is a bug of the reader (an
// object left open), thrown in the parent as std::logic_error.
using ChildCheck = std::string (*)();

// Runs read(path) in a child process. Errors thrown there (specrecon::Error) are rethrown here.
std::vector<NdArray> ReadIsolated(const std::string& path, const std::string& library, ReaderFn read,
                                  ChildCheck check = nullptr);

}  // namespace specrecon
