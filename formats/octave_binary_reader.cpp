#include "formats/octave_binary_reader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "formats/decode.h"
#include "formats/limits.h"
#include "src/errors.h"

namespace specrecon {

namespace {

constexpr uint64_t kMaxNameBytes = 4096;
constexpr uint64_t kMaxDocBytes = 1 << 20;
constexpr int kMaxDepth = 16;  // cells in structs in cells ...
constexpr uint64_t kMaxRangeElements = uint64_t{1} << 22;  // an axis; longer ranges are passed over

// The file read front to back; every read is checked against the bytes left.
class Cursor {
 public:
  explicit Cursor(const std::string& path) : path_(path), size_(RegularFileSize(path)), f_(std::fopen(path.c_str(), "rb")) {
    if (!f_) ThrowBadInput(path, "cannot open for reading: " + std::string(std::strerror(errno)));
  }
  ~Cursor() { std::fclose(f_); }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  const std::string& path() const { return path_; }
  uint64_t pos() const { return pos_; }
  uint64_t left() const { return size_ - pos_; }
  bool AtEnd() const { return pos_ == size_; }

  // `n` bytes for `what`; fails as truncated when fewer are left.
  std::vector<unsigned char> Bytes(uint64_t n, const std::string& what) {
    if (n > left())
      ThrowBadInput(path_, what + " needs " + std::to_string(n) + " bytes at byte " + std::to_string(pos_) + ", " +
                               std::to_string(left()) + " are left: truncated or corrupt");
    std::vector<unsigned char> b(static_cast<size_t>(n));
    if (n && std::fread(b.data(), 1, b.size(), f_) != b.size()) ThrowBadInput(path_, "read error at byte " + std::to_string(pos_));
    pos_ += n;
    return b;
  }
  int64_t Int(size_t bytes, bool big, const std::string& what) {
    const std::vector<unsigned char> b = Bytes(bytes, what);
    const uint64_t u = LoadUnsigned(b.data(), bytes, big);
    if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(u));
    return static_cast<int64_t>(u);
  }
  uint8_t Byte(const std::string& what) { return Bytes(1, what)[0]; }
  std::string Text(uint64_t n, uint64_t cap, const std::string& what) {
    if (n > cap) ThrowBadInput(path_, what + " declares " + std::to_string(n) + " bytes, more than " + std::to_string(cap) + ": corrupt");
    const std::vector<unsigned char> b = Bytes(n, what);
    return std::string(b.begin(), b.end());
  }

 private:
  std::string path_;
  uint64_t size_;
  uint64_t pos_ = 0;
  std::FILE* f_;
};

// The note naming the variables read only to be passed over.
std::string PassedOver(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  return "not numeric, passed over: " + list;
}

// Octave's ls-oct-binary save types.
const char* OctaveDtype(uint8_t code) {
  static const char* kTypes[] = {"uint8", "uint16", "uint32", "int8", "int16", "int32", "float32", "float64", "uint64", "int64"};
  return code < 10 ? kTypes[code] : nullptr;
}

// `count` elements (pairs of them when `complex`) of `dtype` read into an array named `name`.
NdArray ReadValues(Cursor& c, const std::vector<uint64_t>& dims, const std::string& dtype, bool big, bool complex,
                   const std::string& name, const std::string& format) {
  const uint64_t count = CheckedElementCount(dims, c.path(), "variable '" + name + "'");
  const size_t es = ElementSize(dtype);
  const uint64_t parts = complex ? 2 : 1;
  if (count * parts > c.left() / es)
    ThrowBadInput(c.path(), "variable '" + name + "' (" + DimsText(dims) + " " + dtype + (complex ? " complex" : "") + ") needs " +
                                std::to_string(count * parts * es) + " bytes, " + std::to_string(c.left()) + " are left: truncated or corrupt");
  NdArray a;
  a.info.path = c.path();
  a.info.format = format;
  a.info.name = name;
  a.info.dtype = complex ? (dtype == "float32" ? "complex64" : dtype == "float64" ? "complex128" : dtype) : dtype;
  a.info.byte_order = es == 1 ? "none" : big ? "big" : "little";
  a.info.header_bytes = c.pos();
  for (uint64_t d : dims) a.info.shape.push_back(static_cast<size_t>(d));
  a.info.fortran_order = true;
  a.info.dtype_given = true;
  a.values.resize(static_cast<size_t>(count));
  if (complex) a.imag.resize(static_cast<size_t>(count));
  const char* order = big ? "big" : "little";
  // In pieces, so the bytes never take more than a few MiB beside the doubles.
  const uint64_t piece = uint64_t{1} << 20;
  for (uint64_t at = 0; at < count; at += piece) {
    const uint64_t n = std::min(piece, count - at);
    const std::vector<unsigned char> b = c.Bytes(n * parts * es, "variable '" + name + "'");
    if (!complex) {
      DecodeElements(b.data(), static_cast<size_t>(n), dtype, order, a.values.data() + at);
    } else {
      std::vector<double> both(static_cast<size_t>(2 * n));
      DecodeElements(b.data(), static_cast<size_t>(2 * n), dtype, order, both.data());
      for (uint64_t k = 0; k < n; ++k) a.values[at + k] = both[2 * k], a.imag[at + k] = both[2 * k + 1];
    }
  }
  return a;
}

// The same layout with the real parts first, then (when `complex`) the imaginary parts (MAT v4).
NdArray ReadSplitValues(Cursor& c, const std::vector<uint64_t>& dims, const std::string& dtype, bool big, bool complex,
                        const std::string& name) {
  NdArray a = ReadValues(c, dims, dtype, big, false, name, "mat");
  if (complex) {
    NdArray im = ReadValues(c, dims, dtype, big, false, name, "mat");
    a.imag = std::move(im.values);
    a.info.dtype = dtype == "float32" ? "complex64" : dtype == "float64" ? "complex128" : dtype;
  }
  return a;
}

struct OctaveReading {
  Cursor& c;
  bool big;
  std::vector<NdArray> out;
  std::vector<std::string> passed;  // variables read only to be passed over
  std::string stopped;              // why the reading ended early, if it did
};

std::vector<uint64_t> OctaveDims(OctaveReading& r, const std::string& name) {
  const std::string what = "variable '" + name + "''s dimensions";
  const int64_t first = r.c.Int(4, r.big, what);
  std::vector<uint64_t> dims;
  if (first < 0) {
    if (-first > 64) ThrowBadInput(r.c.path(), "variable '" + name + "' declares " + std::to_string(-first) + " dimensions: corrupt");
    for (int64_t i = 0; i < -first; ++i) {
      const int64_t d = r.c.Int(4, r.big, what);
      if (d < 0) ThrowBadInput(r.c.path(), "variable '" + name + "' has a negative dimension: corrupt");
      dims.push_back(static_cast<uint64_t>(d));
    }
  } else {  // before Octave 2.9: rows, then columns
    const int64_t nc = r.c.Int(4, r.big, what);
    if (nc < 0) ThrowBadInput(r.c.path(), "variable '" + name + "' has a negative dimension: corrupt");
    dims = {static_cast<uint64_t>(first), static_cast<uint64_t>(nc)};
  }
  return dims;
}

bool ReadOctaveRecord(OctaveReading& r, const std::string& parent, bool in_cell, uint64_t index, int depth);

// The elements of a cell, each a record of its own.
bool ReadOctaveCell(OctaveReading& r, const std::string& name, int depth) {
  const std::vector<uint64_t> dims = OctaveDims(r, name);
  const uint64_t count = CheckedElementCount(dims, r.c.path(), "cell '" + name + "'");
  if (count > r.c.left()) ThrowBadInput(r.c.path(), "cell '" + name + "' declares " + std::to_string(count) + " elements: corrupt");
  for (uint64_t k = 0; k < count; ++k)
    if (!ReadOctaveRecord(r, name, true, k + 1, depth + 1)) return false;
  return true;
}

// One variable (a struct field, a cell element): its name, type and data. False when its type
// cannot be skipped (the reading stops).
bool ReadOctaveRecord(OctaveReading& r, const std::string& parent, bool in_cell, uint64_t index, int depth) {
  Cursor& c = r.c;
  if (depth > kMaxDepth) ThrowBadInput(c.path(), "cells and structs nest deeper than " + std::to_string(kMaxDepth) + " levels");
  const int64_t name_len = c.Int(4, r.big, "a variable's name length");
  if (name_len < 0) ThrowBadInput(c.path(), "a variable's name length at byte " + std::to_string(c.pos() - 4) + " is negative: corrupt");
  const std::string own = c.Text(static_cast<uint64_t>(name_len), kMaxNameBytes, "a variable's name");
  const std::string name = in_cell ? parent + "{" + std::to_string(index) + "}" : parent.empty() ? own : parent + "." + own;
  const int64_t doc_len = c.Int(4, r.big, "variable '" + name + "''s doc string length");
  if (doc_len < 0) ThrowBadInput(c.path(), "variable '" + name + "' has a negative doc string length: corrupt");
  c.Text(static_cast<uint64_t>(doc_len), kMaxDocBytes, "variable '" + name + "''s doc string");
  c.Byte("variable '" + name + "''s global flag");
  const uint8_t code = c.Byte("variable '" + name + "''s type");
  if (code != 255) {
    r.stopped = "variable '" + name + "' has the type code " + std::to_string(code) + " of Octave before 2.9, not read";
    return false;
  }
  const int64_t type_len = c.Int(4, r.big, "variable '" + name + "''s type name length");
  if (type_len < 0) ThrowBadInput(c.path(), "variable '" + name + "' has a negative type name length: corrupt");
  const std::string type = c.Text(static_cast<uint64_t>(type_len), 256, "variable '" + name + "''s type name");
  const bool is_complex = type.find("complex") != std::string::npos;
  if (type == "scalar" || type == "complex scalar" || type == "float scalar" || type == "float complex scalar" || type == "matrix" ||
      type == "complex matrix" || type == "float matrix" || type == "float complex matrix") {
    const bool scalar = type.size() >= 6 && type.compare(type.size() - 6, 6, "scalar") == 0;
    const std::vector<uint64_t> dims = scalar ? std::vector<uint64_t>{} : OctaveDims(r, name);
    const uint8_t st = c.Byte("variable '" + name + "''s element type");
    const char* dtype = OctaveDtype(st);
    if (!dtype) ThrowBadInput(c.path(), "variable '" + name + "' has an unknown element type " + std::to_string(st) + ": corrupt");
    r.out.push_back(ReadValues(c, dims, dtype, r.big, is_complex, name, "octave"));
    return true;
  }
  // int8 scalar ... uint64 matrix: the values in the file's byte order, no element type byte.
  for (const char* it : {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}) {
    const std::string t(it);
    if (type == t + " scalar" || type == t + " matrix") {
      const std::vector<uint64_t> dims = type == t + " scalar" ? std::vector<uint64_t>{} : OctaveDims(r, name);
      r.out.push_back(ReadValues(c, dims, t, r.big, false, name, "octave"));
      return true;
    }
  }
  if (type == "bool" || type == "bool matrix" || type == "string" || type == "sq_string") {
    const std::vector<uint64_t> dims = type == "bool" ? std::vector<uint64_t>{} : OctaveDims(r, name);
    c.Bytes(CheckedElementCount(dims, c.path(), "variable '" + name + "'"), "variable '" + name + "'");
    r.passed.push_back(name + " (" + type + ")");
    return true;
  }
  if (type == "range" || type == "double_range") {  // base, limit, increment
    const uint8_t st = c.Byte("variable '" + name + "''s element type");
    const char* dtype = OctaveDtype(st);
    if (!dtype) ThrowBadInput(c.path(), "variable '" + name + "' has an unknown element type " + std::to_string(st) + ": corrupt");
    NdArray three = ReadValues(c, {3}, dtype, r.big, false, name, "octave");
    const double base = three.values[0], limit = three.values[1], inc = three.values[2];
    const double steps = inc != 0 ? std::floor((limit - base) / inc * (1 + 1e-12)) : -1;
    // Its length comes from three numbers, not from bytes in the file: bounded by kMaxRangeElements.
    if (!std::isfinite(steps) || steps < 0 || steps >= static_cast<double>(kMaxRangeElements)) {
      r.passed.push_back(name + " (a range that is empty or longer than " + std::to_string(kMaxRangeElements) + ")");
      return true;
    }
    NdArray a = std::move(three);
    a.values.resize(static_cast<size_t>(steps) + 1);
    for (size_t k = 0; k < a.values.size(); ++k) a.values[k] = base + static_cast<double>(k) * inc;
    a.info.shape = {1, a.values.size()};
    a.info.note = "a range: base " + std::to_string(base) + ", increment " + std::to_string(inc);
    r.out.push_back(std::move(a));
    return true;
  }
  if (type == "cell") return ReadOctaveCell(r, name, depth);
  if (type == "scalar struct" || type == "struct") {
    if (type == "struct") OctaveDims(r, name);
    const int64_t fields = c.Int(4, r.big, "struct '" + name + "''s field count");
    if (fields < 0 || static_cast<uint64_t>(fields) > c.left()) ThrowBadInput(c.path(), "struct '" + name + "' declares " + std::to_string(fields) + " fields: corrupt");
    for (int64_t k = 0; k < fields; ++k)
      if (!ReadOctaveRecord(r, name, false, 0, depth + 1)) return false;
    return true;
  }
  r.stopped = "variable '" + name + "' is a " + type + ", whose size Octave does not store: it and what follows are not read";
  return false;
}

}  // namespace

bool LooksLikeOctaveBinary(const unsigned char* head, size_t n) {
  return n >= 11 && (std::memcmp(head, "Octave-1-L", 10) == 0 || std::memcmp(head, "Octave-1-B", 10) == 0);
}

std::vector<NdArray> ReadOctaveBinary(const std::string& path) {
  Cursor c(path);
  const std::vector<unsigned char> magic = c.Bytes(11, "the Octave header");
  OctaveReading r{c, magic[9] == 'B', {}, {}, {}};
  while (!c.AtEnd())
    if (!ReadOctaveRecord(r, "", false, 0, 0)) break;
  if (r.out.empty())
    ThrowBadInput(path, "Octave binary file holds no numeric variable" + (r.stopped.empty() ? std::string() : " (" + r.stopped + ")"));
  std::string note = r.stopped;
  if (!r.passed.empty()) note += (note.empty() ? "" : "; ") + PassedOver(r.passed);
  for (NdArray& a : r.out) {
    a.info.note += std::string(a.info.note.empty() ? "" : "; ") + "Octave binary (save -binary), " + (r.big ? "big" : "little") + "-endian";
    if (!note.empty()) a.info.note += "; " + note;
  }
  return r.out;
}

namespace {

// A MAT v4 header: type M*1000 + O*100 + P*10 + T (M 0 little or 1 big endian, O 0, P the element
// type, T 0 numeric, 1 text, 2 sparse), rows, columns, imaginary flag, name length with its NUL.
struct Mat4Header {
  int64_t type = 0, rows = 0, cols = 0, imagf = 0, namlen = 0;
};

const char* Mat4Dtype(int64_t p) {
  static const char* kTypes[] = {"float64", "float32", "int32", "int16", "uint16", "uint8"};
  return p >= 0 && p < 6 ? kTypes[p] : nullptr;
}

// Whether `h`, read in the byte order `big`, is a plausible header of a variable whose name is
// `name` and whose data need at most `left` bytes.
bool Mat4Holds(const Mat4Header& h, bool big, const unsigned char* name, uint64_t name_avail, uint64_t left) {
  if (h.type < 0 || h.type > 1052 || (h.type / 1000) != (big ? 1 : 0) || (h.type / 100) % 10 != 0) return false;
  const char* dtype = Mat4Dtype((h.type / 10) % 10);
  if (!dtype || h.type % 10 > 2) return false;
  if (h.rows < 0 || h.cols < 0 || (h.imagf != 0 && h.imagf != 1) || h.namlen < 2 || h.namlen > 64) return false;
  if (name) {
    if (static_cast<uint64_t>(h.namlen) > name_avail || name[h.namlen - 1] != 0) return false;
    for (int64_t i = 0; i + 1 < h.namlen; ++i)
      if (!(std::isalnum(name[i]) || name[i] == '_')) return false;
  }
  const uint64_t cells = static_cast<uint64_t>(h.rows) * static_cast<uint64_t>(h.cols);
  if (h.rows > (int64_t{1} << 31) || h.cols > (int64_t{1} << 31)) return false;
  const uint64_t bytes = cells * ElementSize(dtype) * (h.imagf ? 2 : 1);
  return bytes / ElementSize(dtype) / (h.imagf ? 2 : 1) == cells && 20 + static_cast<uint64_t>(h.namlen) + bytes <= left;
}

Mat4Header Mat4At(const unsigned char* p, bool big) {
  Mat4Header h;
  int64_t* f[] = {&h.type, &h.rows, &h.cols, &h.imagf, &h.namlen};
  for (int i = 0; i < 5; ++i) *f[i] = static_cast<int32_t>(static_cast<uint32_t>(LoadUnsigned(p + 4 * i, 4, big)));
  return h;
}

}  // namespace

bool LooksLikeMat4(const unsigned char* head, size_t n, uint64_t file_size) {
  if (n < 22) return false;
  for (bool big : {false, true})
    if (Mat4Holds(Mat4At(head, big), big, head + 20, n - 20, file_size)) return true;
  return false;
}

std::vector<NdArray> ReadMat4(const std::string& path) {
  Cursor c(path);
  std::vector<NdArray> out;
  std::vector<std::string> passed;
  while (!c.AtEnd()) {
    const uint64_t at = c.pos();
    const std::vector<unsigned char> raw = c.Bytes(20, "a MAT v4 variable header");
    bool big = false, ok = false;
    Mat4Header h;
    for (bool b : {false, true}) {
      h = Mat4At(raw.data(), b);
      if (Mat4Holds(h, b, nullptr, 0, c.left() + 20)) {
        big = b, ok = true;
        break;
      }
    }
    if (!ok) ThrowBadInput(path, "MAT v4 variable header at byte " + std::to_string(at) + " is corrupt or its data run past the end of the file");
    const std::string name = c.Text(static_cast<uint64_t>(h.namlen), 64, "a MAT v4 variable name");
    const std::string shown = name.substr(0, name.find('\0'));
    const char* dtype = Mat4Dtype((h.type / 10) % 10);
    const std::vector<uint64_t> dims = {static_cast<uint64_t>(h.rows), static_cast<uint64_t>(h.cols)};
    if (h.type % 10 != 0) {  // text or sparse: passed over
      const uint64_t bytes = CheckedElementCount(dims, path, "variable '" + shown + "'") * ElementSize(dtype) * (h.imagf ? 2 : 1);
      c.Bytes(bytes, "variable '" + shown + "'");
      passed.push_back(shown + (h.type % 10 == 1 ? " (text)" : " (sparse)"));
      continue;
    }
    NdArray a = ReadSplitValues(c, dims, dtype, big, h.imagf == 1, shown);
    a.info.header_bytes = at;
    a.info.note = std::string("MAT v4 (save -v4), ") + (big ? "big" : "little") + "-endian";
    out.push_back(std::move(a));
  }
  if (out.empty()) ThrowBadInput(path, "MAT v4 file holds no numeric variable");
  if (!passed.empty())
    for (NdArray& a : out) a.info.note += "; " + PassedOver(passed);
  return out;
}

}  // namespace specrecon
