#include "formats/decode.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace specrecon {
namespace {

enum class Kind { kF16, kBF16, kF32, kF64, kI8, kU8, kI16, kU16, kI32, kU32, kI64, kU64, kBool, kC64, kC128, kNone };

struct TypeInfo {
  const char* name;
  Kind kind;
  size_t size;
};

const TypeInfo kTypes[] = {
    {"float16", Kind::kF16, 2},   {"float32", Kind::kF32, 4},     {"float64", Kind::kF64, 8},
    {"bfloat16", Kind::kBF16, 2},
    {"int8", Kind::kI8, 1},       {"uint8", Kind::kU8, 1},        {"int16", Kind::kI16, 2},
    {"uint16", Kind::kU16, 2},    {"int32", Kind::kI32, 4},       {"uint32", Kind::kU32, 4},
    {"int64", Kind::kI64, 8},     {"uint64", Kind::kU64, 8},      {"bool", Kind::kBool, 1},
    {"complex64", Kind::kC64, 8}, {"complex128", Kind::kC128, 16},
};

const TypeInfo* Find(const std::string& dtype) {
  for (const TypeInfo& t : kTypes)
    if (dtype == t.name) return &t;
  return nullptr;
}

template <typename T>
T Load(const unsigned char* p, bool swap) {
  unsigned char tmp[sizeof(T)];
  if (swap) {
    for (size_t i = 0; i < sizeof(T); ++i) tmp[i] = p[sizeof(T) - 1 - i];
  } else {
    std::memcpy(tmp, p, sizeof(T));
  }
  T v;
  std::memcpy(&v, tmp, sizeof(T));
  return v;
}

double LoadReal(Kind kind, const unsigned char* p, bool swap) {
  switch (kind) {
    case Kind::kF16: return HalfToDouble(Load<uint16_t>(p, swap));
    case Kind::kBF16: {  // the top half of a float32
      const uint32_t bits = static_cast<uint32_t>(Load<uint16_t>(p, swap)) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    case Kind::kF32: return Load<float>(p, swap);
    case Kind::kF64: return Load<double>(p, swap);
    case Kind::kI8: return static_cast<int8_t>(*p);
    case Kind::kU8: return *p;
    case Kind::kBool: return *p ? 1.0 : 0.0;
    case Kind::kI16: return Load<int16_t>(p, swap);
    case Kind::kU16: return Load<uint16_t>(p, swap);
    case Kind::kI32: return Load<int32_t>(p, swap);
    case Kind::kU32: return Load<uint32_t>(p, swap);
    case Kind::kI64: return static_cast<double>(Load<int64_t>(p, swap));
    case Kind::kU64: return static_cast<double>(Load<uint64_t>(p, swap));
    default: return 0.0;
  }
}

}  // namespace

bool HostIsLittleEndian() {
  const uint16_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

uint64_t LoadUnsigned(const unsigned char* p, size_t size, bool big_endian) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) v |= uint64_t{p[big_endian ? size - 1 - i : i]} << (8 * i);
  return v;
}

double HalfToDouble(uint16_t h) {
  const int sign = (h >> 15) & 1;
  const int exp = (h >> 10) & 0x1f;
  const int mant = h & 0x3ff;
  double v;
  if (exp == 0) v = std::ldexp(mant, -24);
  else if (exp == 31) v = mant ? std::numeric_limits<double>::quiet_NaN() : HUGE_VAL;
  else v = std::ldexp(mant + 1024, exp - 25);
  return sign ? -v : v;
}

size_t ElementSize(const std::string& dtype) {
  const TypeInfo* t = Find(dtype);
  return t ? t->size : 0;
}

bool IsComplexDtype(const std::string& dtype) { return dtype == "complex64" || dtype == "complex128"; }

bool IsFloatDtype(const std::string& dtype) {
  return dtype == "float16" || dtype == "bfloat16" || dtype == "float32" || dtype == "float64";
}

bool DecodeElements(const unsigned char* data, size_t count, const std::string& dtype,
                    const std::string& byte_order, double* out) {
  const TypeInfo* t = Find(dtype);
  if (!t || t->kind == Kind::kC64 || t->kind == Kind::kC128) return false;
  const bool swap = t->size > 1 && (byte_order == "big") == HostIsLittleEndian();
  // Native-order floats (the usual dump) without the per-element dispatch: long dumps spend a
  // noticeable share of their time here.
  if (!swap && t->kind == Kind::kF32) {
    for (size_t i = 0; i < count; ++i) {
      float f;
      std::memcpy(&f, data + i * 4, 4);
      out[i] = f;
    }
    return true;
  }
  if (!swap && t->kind == Kind::kF64) {
    if (count > 0) std::memcpy(out, data, count * 8);
    return true;
  }
  for (size_t i = 0; i < count; ++i) out[i] = LoadReal(t->kind, data + i * t->size, swap);
  return true;
}

bool DecodeComplexElements(const unsigned char* data, size_t count, const std::string& dtype,
                           const std::string& byte_order, double* re, double* im) {
  const TypeInfo* t = Find(dtype);
  if (!t || (t->kind != Kind::kC64 && t->kind != Kind::kC128)) return false;
  const bool swap = (byte_order == "big") == HostIsLittleEndian();
  const Kind part = t->kind == Kind::kC64 ? Kind::kF32 : Kind::kF64;
  const size_t half = t->size / 2;
  for (size_t i = 0; i < count; ++i) {
    re[i] = LoadReal(part, data + i * t->size, swap);
    im[i] = LoadReal(part, data + i * t->size + half, swap);
  }
  return true;
}

}  // namespace specrecon
