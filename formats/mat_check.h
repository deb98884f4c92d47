// Why this file exists: libmatio reads the description of a MAT v5 variable (Mat_VarReadNextInfo)
// including every nested cell, struct field and object, and allocates arrays sized by the dims
// each of them declares before it reads anything further: a corrupt file that declares 10^16
// cells makes it request exabytes (found by fuzz/fuzz_mat). This check walks the same structure
// first, streaming (compressed variables are inflated in 64 KiB pieces, nothing is kept), and
// refuses any variable whose declared dims, field counts or sizes its bytes cannot hold, or
// whose nesting is deeper than 32, so libmatio only ever sees consistent descriptions.
// Units: byte offsets in the file; element counts. Thread safe (no shared state).
#pragma once

#include <cstdint>
#include <string>

namespace specrecon {

// Checks the top-level data element at `offset` (its tag says `type`, 14 = miMATRIX or
// 15 = miCOMPRESSED, and `bytes` payload bytes, already checked to lie inside the file).
// Throws Error(kBadInput) naming `path`, the variable's position and the broken rule.
void CheckMat5Element(const std::string& path, uint64_t offset, uint32_t type, uint64_t bytes,
                      bool big_endian, int index);

}  // namespace specrecon
