// Why this file exists: PyTorch code saves spectrograms with torch.save, a zip archive whose
// data.pkl is a pickle describing the tensors and whose data/<key> members hold their storages
// as raw bytes. A pickle is a program; this reader does not run it. It interprets the small
// set of opcodes torch.save emits (protocol 2-5) with a stack machine that knows only numbers,
// strings, tuples, lists, dicts, storages and tensors, and it honours exactly five calls:
// torch._utils._rebuild_tensor_v2 / _rebuild_tensor / _rebuild_parameter(_with_state),
// torch._tensor._rebuild_from_type_v2 (over those) and collections.OrderedDict. Any other
// global is refused by name. Tensors are returned one array each, named by their dict keys or
// list positions ("mag", "out.spec", "1"); numbers beside them in dicts become scalars (a
// sample rate saved as {"spec": S, "sr": 16000} is read). Shapes, strides and offsets are
// checked against the storage's size before anything is allocated; a transposed tensor comes
// back in column-major order (fortran_order), any other view is gathered in C order.
// Thread safe (no shared state).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "formats/array.h"

namespace specrecon {

// Puts the bytes of the archive member `name` in `out` and returns true; false when there is no
// such member. Throws Error(kBadInput) naming the file when its size is not `exact_bytes` (if
// that is not 0) or is larger than `max_bytes`, before reading it.
using TorchMemberReader =
    std::function<bool(const std::string& name, uint64_t exact_bytes, uint64_t max_bytes, std::vector<unsigned char>* out)>;

// Reads the tensors of a torch.save archive whose members start with `prefix` ("spec/").
// Throws Error(kBadInput) naming `path` on a malformed pickle, a call it does not honour, a
// view beyond its storage, or no tensor at all.
std::vector<NdArray> ReadTorchArchive(const std::string& path, const std::string& prefix, const TorchMemberReader& read);

// Decodes the pickle `bytes` (exposed for tests and the fuzzer). `storage_bytes(key, dtype,
// numel)` returns a storage's bytes.
std::vector<NdArray> DecodeTorchPickle(
    const std::string& path, const std::vector<unsigned char>& bytes, const std::string& byte_order,
    const std::function<std::vector<unsigned char>(const std::string& key, const std::string& dtype, uint64_t numel)>& storage_bytes);

}  // namespace specrecon
