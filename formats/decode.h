// Why this file exists: one place that turns stored numbers (any element type, either byte
// order) into doubles, shared by the raw, npy, npz and MATLAB readers. Element types are named
// as in numpy: float16 bfloat16 (torch's, safetensors' BF16) float32 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64 bool,
// and complex64 / complex128 (pairs of float32 / float64: real part first). Byte orders are
// "little", "big" or "none" (single-byte types). Thread safe (no state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace specrecon {

// Size in bytes of one element of `dtype` (a complex element counts both parts); 0 if unknown.
size_t ElementSize(const std::string& dtype);
bool IsComplexDtype(const std::string& dtype);
bool IsFloatDtype(const std::string& dtype);  // float16, bfloat16, float32, float64 (not complex)

// Decodes `count` real elements of `dtype` / `byte_order` from `data` into `out`.
// Returns false for an unknown or complex dtype.
bool DecodeElements(const unsigned char* data, size_t count, const std::string& dtype,
                    const std::string& byte_order, double* out);

// Decodes `count` complex elements (complex64 or complex128) into real and imaginary parts.
// Returns false for any other dtype.
bool DecodeComplexElements(const unsigned char* data, size_t count, const std::string& dtype,
                           const std::string& byte_order, double* re, double* im);

// IEEE 754 binary16 to double (exact).
double HalfToDouble(uint16_t h);

bool HostIsLittleEndian();

// The unsigned integer held by `size` (1, 2, 4 or 8) bytes at `p` in the given byte order.
uint64_t LoadUnsigned(const unsigned char* p, size_t size, bool big_endian);

}  // namespace specrecon
