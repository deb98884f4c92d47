// Why this file exists: Python code saves spectrograms with torch.save (a zip archive whose
// data.pkl is a pickle describing the tensors and whose data/<key> members hold their storages
// as raw bytes) or with pickle.dump (numpy arrays, alone or in dicts and lists). A pickle is a
// program; this reader does not run it. It interprets the opcodes torch.save and pickle.dump
// emit (protocols 2-5) with a stack machine that knows only numbers, strings, bytes, tuples,
// lists, dicts, storages, tensors, numpy dtypes and arrays, and it honours only the calls
// that rebuild those: torch._utils._rebuild_tensor_v2 / _rebuild_tensor /
// _rebuild_parameter(_with_state), torch._tensor._rebuild_from_type_v2 (over those),
// collections.OrderedDict, joblib's NumpyArrayWrapper (joblib.dump: the array's bytes follow
// its BUILD in the file; zlib or gzip compression inflated first), numpy's
// multiarray._reconstruct (with its BUILD state),
// numeric._frombuffer (protocol 5), multiarray.scalar, numpy.dtype and _codecs.encode(..,
// 'latin1') (protocol 2's bytes), under numpy.core and numpy._core. Any other global is
// refused by name. Tensors are returned one array each, named by their dict keys or
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

// Reads the tensors (and numpy arrays) of a torch.save archive whose members start with
// `prefix` ("spec/").
// Throws Error(kBadInput) naming `path` on a malformed pickle, a call it does not honour, a
// view beyond its storage, or no tensor at all.
std::vector<NdArray> ReadTorchArchive(const std::string& path, const std::string& prefix, const TorchMemberReader& read);

// Reads a bare pickle file (pickle.dump of a numpy array, or of a dict or list of them).
// Throws Error(kBadInput) naming the file as ReadTorchArchive does.
std::vector<NdArray> ReadPickle(const std::string& path);

// Whether a file's first bytes are a zlib or gzip stream whose first inflated bytes start a
// pickle (joblib.dump(..., compress=N) with its zlib or gzip compressors).
bool LooksLikeCompressedPickle(const unsigned char* head, size_t n);

// Reads such a file: inflated whole (at most the bare pickle's cap), then read as ReadPickle.
std::vector<NdArray> ReadCompressedPickle(const std::string& path);

// Whether a file's first bytes (`n` of them) and last byte are those of a pickle as
// pickle.dump writes one: protocol 2-5, a first opcode it writes, STOP at the end.
bool LooksLikePickle(const unsigned char* head, size_t n, unsigned char last);

// Decodes the pickle `bytes` (exposed for tests and the fuzzer); arrays get info.format
// `format` ("torch" or "pickle"). `storage_bytes(key, dtype, numel)` returns a tensor
// storage's bytes.
std::vector<NdArray> DecodePickle(
    const std::string& path, const std::string& format, const std::vector<unsigned char>& bytes, const std::string& byte_order,
    const std::function<std::vector<unsigned char>(const std::string& key, const std::string& dtype, uint64_t numel)>& storage_bytes);

}  // namespace specrecon
