#include "formats/safetensors_reader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "formats/decode.h"
#include "formats/limits.h"
#include "src/errors.h"

namespace specrecon {

namespace {

constexpr uint64_t kMaxHeaderBytes = 100'000'000;  // the reference implementation's limit

// safetensors' dtype names and numpy's.
const char* Dtype(const std::string& s) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"F64", "float64"}, {"F32", "float32"}, {"F16", "float16"}, {"BF16", "bfloat16"}, {"I64", "int64"},
      {"I32", "int32"},   {"I16", "int16"},   {"I8", "int8"},     {"U64", "uint64"},    {"U32", "uint32"},
      {"U16", "uint16"},  {"U8", "uint8"},    {"BOOL", "bool"},   {"C64", "complex64"}};
  for (const auto& [st, np] : kNames)
    if (s == st) return np;
  return nullptr;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

bool LooksLikeSafetensors(const std::string& path, const unsigned char* head, size_t n, uint64_t file_size) {
  if (n < 10 || file_size < 10) return false;
  const uint64_t len = LoadUnsigned(head, 8, false);
  if (len < 2 || len > kMaxHeaderBytes || len > file_size - 8 || head[8] != '{') return false;
  // The header ends with its object's '}', or with the spaces that pad it to 8 bytes.
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  unsigned char last = 0;
  return f && std::fseek(f.get(), static_cast<long>(8 + len - 1), SEEK_SET) == 0 && std::fread(&last, 1, 1, f.get()) == 1 &&
         (last == '}' || last == ' ');
}

std::vector<NdArray> ReadSafetensors(const std::string& path) {
  const uint64_t size = RegularFileSize(path);
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) ThrowBadInput(path, "cannot open for reading: " + std::string(std::strerror(errno)));
  unsigned char len_bytes[8];
  if (size < 8 || std::fread(len_bytes, 1, 8, f.get()) != 8) ThrowBadInput(path, "safetensors file is shorter than its 8-byte header length");
  const uint64_t len = LoadUnsigned(len_bytes, 8, false);
  if (len > kMaxHeaderBytes || len > size - 8)
    ThrowBadInput(path, "safetensors header declares " + std::to_string(len) + " bytes in a " + std::to_string(size) + "-byte file: corrupt");
  std::string text(static_cast<size_t>(len), '\0');
  if (len && std::fread(&text[0], 1, text.size(), f.get()) != text.size()) ThrowBadInput(path, "read error in the safetensors header");
  nlohmann::ordered_json header;  // keeps the header's order
  try {
    header = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    ThrowBadInput(path, std::string("safetensors header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) ThrowBadInput(path, "safetensors header is not a JSON object");
  const uint64_t data_start = 8 + len, data_bytes = size - data_start;
  std::vector<NdArray> out;
  std::string meta;
  for (const auto& [key, t] : header.items()) {
    if (key == "__metadata__") {
      if (t.is_object())
        for (const auto& [k, v] : t.items()) meta += (meta.empty() ? "" : ", ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
      continue;
    }
    const std::string what = "tensor '" + key + "'";
    if (!t.is_object() || !t.contains("dtype") || !t["dtype"].is_string() || !t.contains("shape") || !t["shape"].is_array() ||
        !t.contains("data_offsets") || !t["data_offsets"].is_array() || t["data_offsets"].size() != 2)
      ThrowBadInput(path, what + " lacks a dtype, shape or data_offsets pair");
    const std::string st = t["dtype"].get<std::string>();
    const char* dtype = Dtype(st);
    if (!dtype) ThrowBadInput(path, what + " has element type " + st + ", which is not read");
    std::vector<uint64_t> dims;
    for (const auto& d : t["shape"]) {
      if (!d.is_number_unsigned()) ThrowBadInput(path, what + " has a shape entry that is not a non-negative integer");
      dims.push_back(d.get<uint64_t>());
    }
    const auto& off = t["data_offsets"];
    if (!off[0].is_number_unsigned() || !off[1].is_number_unsigned()) ThrowBadInput(path, what + "'s data_offsets are not non-negative integers");
    const uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
    const uint64_t count = CheckedElementCount(dims, path, what);
    const size_t es = ElementSize(dtype);
    if (begin > end || end > data_bytes)
      ThrowBadInput(path, what + " claims bytes " + std::to_string(begin) + ".." + std::to_string(end) + " of " + std::to_string(data_bytes) +
                              ": truncated or corrupt");
    if (end - begin != count * es)
      ThrowBadInput(path, what + " (" + DimsText(dims) + " " + dtype + ") needs " + std::to_string(count * es) + " bytes, its range holds " +
                              std::to_string(end - begin));
    NdArray a;
    a.info.path = path;
    a.info.format = "safetensors";
    a.info.name = key;
    a.info.dtype = dtype;
    a.info.byte_order = es == 1 ? "none" : "little";
    a.info.header_bytes = data_start + begin;
    for (uint64_t d : dims) a.info.shape.push_back(static_cast<size_t>(d));
    a.info.dtype_given = true;
    std::vector<unsigned char> bytes(static_cast<size_t>(end - begin));
    if (std::fseek(f.get(), static_cast<long>(data_start + begin), SEEK_SET) != 0 ||
        (!bytes.empty() && std::fread(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()))
      ThrowBadInput(path, "read error in " + what);
    a.values.resize(static_cast<size_t>(count));
    if (IsComplexDtype(dtype)) {
      a.imag.resize(a.values.size());
      DecodeComplexElements(bytes.data(), a.values.size(), dtype, "little", a.values.data(), a.imag.data());
    } else {
      DecodeElements(bytes.data(), a.values.size(), dtype, "little", a.values.data());
    }
    out.push_back(std::move(a));
  }
  if (out.empty()) ThrowBadInput(path, "safetensors file holds no tensor");
  for (NdArray& a : out) a.info.note = "safetensors" + (meta.empty() ? std::string() : "; metadata: " + meta.substr(0, 200));
  return out;
}

}  // namespace specrecon
