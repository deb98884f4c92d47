#include "formats/npy_reader.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

#include "formats/decode.h"
#include "formats/limits.h"
#include "src/errors.h"

namespace specrecon {
namespace {

constexpr uint64_t kMaxHeaderBytes = 1 << 20;

// A parsed value of the header dict: a string, a boolean or a tuple of integers.
struct PyValue {
  enum Type { kString, kBool, kTuple } type = kString;
  std::string str;
  bool flag = false;
  std::vector<uint64_t> ints;
};

// Minimal parser for the one dict literal np.save writes, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& path, const std::string& where)
      : s_(text), path_(path), where_(where) {}

  std::map<std::string, PyValue> ParseDict() {
    std::map<std::string, PyValue> out;
    Expect('{');
    while (true) {
      SkipSpace();
      if (Peek() == '}') break;
      const std::string key = ParseString();
      Expect(':');
      out[key] = ParseValue();
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      Expect('}');
      return out;
    }
    ++pos_;
    return out;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) {
    ThrowBadInput(path_, where_ + "npy header is not a valid dict literal: " + what + " at character " +
                             std::to_string(pos_ + 1) + " of \"" + s_.substr(0, 120) + "\"");
  }
  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  char Peek() { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void Expect(char c) {
    SkipSpace();
    if (Peek() != c) Fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string ParseString() {
    SkipSpace();
    const char q = Peek();
    if (q != '\'' && q != '"') Fail("expected a quoted string");
    const size_t end = s_.find(q, pos_ + 1);
    if (end == std::string::npos) Fail("unterminated string");
    std::string r = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return r;
  }
  PyValue ParseValue() {
    SkipSpace();
    PyValue v;
    const char c = Peek();
    if (c == '\'' || c == '"') {
      v.str = ParseString();
    } else if (s_.compare(pos_, 4, "True") == 0 || s_.compare(pos_, 5, "False") == 0) {
      v.type = PyValue::kBool;
      v.flag = s_[pos_] == 'T';
      pos_ += v.flag ? 4 : 5;
    } else if (c == '(') {
      v.type = PyValue::kTuple;
      ++pos_;
      while (true) {
        SkipSpace();
        if (Peek() == ')') break;
        if (!std::isdigit(static_cast<unsigned char>(Peek()))) Fail("expected a non-negative integer");
        uint64_t n = 0;
        while (std::isdigit(static_cast<unsigned char>(Peek()))) {
          const uint64_t d = static_cast<uint64_t>(Peek() - '0');
          if (n > (UINT64_MAX - d) / 10) Fail("dimension does not fit 64 bits");
          n = n * 10 + d;
          ++pos_;
        }
        if (Peek() == 'L') ++pos_;  // Python 2 long suffix
        v.ints.push_back(n);
        if (v.ints.size() > 64) Fail("more than 64 dimensions");
        SkipSpace();
        if (Peek() == ',') ++pos_;
        else if (Peek() != ')') Fail("expected ',' or ')'");
      }
      ++pos_;
    } else if (c == '[') {
      Fail("a structured dtype (list of fields), which specrecon does not read");
    } else {
      Fail("unexpected value");
    }
    return v;
  }

  const std::string& s_;
  const std::string& path_;
  const std::string& where_;
  size_t pos_ = 0;
};

// Maps a numpy descr ('<f4') to dtype and byte order; throws for unsupported types.
void ParseDescr(const std::string& descr, const std::string& path, const std::string& where,
                std::string* dtype, std::string* byte_order) {
  if (descr.size() < 2) ThrowBadInput(path, where + "npy descr '" + descr + "' is not a type");
  const char order = descr[0];
  std::string code = descr.substr(1);
  if (order != '<' && order != '>' && order != '|' && order != '=')
    code = descr, *byte_order = "none";
  const char kind = code[0];
  if (kind == 'O') ThrowBadInput(path, where + "holds Python objects (pickled), which specrecon will not unpickle");
  if (kind == 'U' || kind == 'S' || kind == 'a')
    ThrowBadInput(path, where + "holds strings (dtype '" + descr + "'), not numbers");
  if (kind == 'M' || kind == 'm' || kind == 'V')
    ThrowBadInput(path, where + "holds dtype '" + descr + "', which is not a numeric array");
  static const std::map<std::string, std::string> kNames = {
      {"f2", "float16"}, {"f4", "float32"},  {"f8", "float64"}, {"i1", "int8"},   {"u1", "uint8"},
      {"i2", "int16"},   {"u2", "uint16"},   {"i4", "int32"},   {"u4", "uint32"}, {"i8", "int64"},
      {"u8", "uint64"},  {"c8", "complex64"}, {"c16", "complex128"}, {"b1", "bool"}};
  const auto it = kNames.find(code);
  if (it == kNames.end())
    ThrowBadInput(path, where + "npy dtype '" + descr + "' is not supported (float16/32/64, "
                                 "complex64/128, int/uint 8-64 and bool are)");
  *dtype = it->second;
  if (ElementSize(*dtype) == 1) *byte_order = "none";
  else if (order == '>') *byte_order = "big";
  else if (order == '<') *byte_order = "little";
  else *byte_order = HostIsLittleEndian() ? "little" : "big";
}

size_t ReadFully(ByteSource& src, void* buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    const size_t got = src.Read(static_cast<char*>(buf) + done, n - done);
    if (got == 0) break;
    done += got;
  }
  return done;
}

// The header: everything but the values (shape and info; *count the elements that follow).
NdArray ParseNpyHeader(ByteSource& src, uint64_t total_bytes, const std::string& path, const std::string& member,
                       uint64_t* count_out) {
  const std::string where = member.empty() ? "" : "member '" + member + "': ";
  unsigned char pre[12];
  if (total_bytes < 10 || ReadFully(src, pre, 10) < 10)
    ThrowBadInput(path, where + "truncated npy header (" + std::to_string(total_bytes) + " bytes)");
  if (std::memcmp(pre, "\x93NUMPY", 6) != 0) ThrowBadInput(path, where + "not an npy stream (no \\x93NUMPY magic)");
  const int major = pre[6];
  uint64_t prefix = 10, header_len = 0;
  if (major == 1) {
    header_len = pre[8] | (pre[9] << 8);
  } else if (major == 2 || major == 3) {
    if (total_bytes < 12 || ReadFully(src, pre + 10, 2) < 2)
      ThrowBadInput(path, where + "truncated npy header");
    prefix = 12;
    header_len = uint64_t{pre[8]} | uint64_t{pre[9]} << 8 | uint64_t{pre[10]} << 16 | uint64_t{pre[11]} << 24;
  } else {
    ThrowBadInput(path, where + "npy format version " + std::to_string(major) + "." +
                            std::to_string(pre[7]) + " is not one of 1.0, 2.0, 3.0");
  }
  if (header_len > kMaxHeaderBytes || prefix + header_len > total_bytes)
    ThrowBadInput(path, where + "truncated npy header: it declares " + std::to_string(header_len) +
                            " bytes, " + std::to_string(total_bytes - prefix) + " are present");
  std::string text(header_len, '\0');
  if (ReadFully(src, &text[0], header_len) < header_len) ThrowBadInput(path, where + "truncated npy header");
  if (text.find('\0') != std::string::npos) text.resize(text.find('\0'));
  const std::map<std::string, PyValue> dict = HeaderParser(text, path, where).ParseDict();
  for (const char* key : {"descr", "fortran_order", "shape"})
    if (!dict.count(key)) ThrowBadInput(path, where + "npy header has no '" + std::string(key) + "' key");
  const PyValue& descr = dict.at("descr");
  const PyValue& fortran = dict.at("fortran_order");
  const PyValue& shape = dict.at("shape");
  if (descr.type != PyValue::kString || fortran.type != PyValue::kBool || shape.type != PyValue::kTuple)
    ThrowBadInput(path, where + "npy header has 'descr', 'fortran_order' or 'shape' of the wrong type");

  NdArray a;
  a.info.path = path;
  a.info.format = member.empty() ? "npy" : "npz";
  a.info.name = member.size() > 4 && member.compare(member.size() - 4, 4, ".npy") == 0
                    ? member.substr(0, member.size() - 4) : member;
  ParseDescr(descr.str, path, where, &a.info.dtype, &a.info.byte_order);
  a.info.fortran_order = fortran.flag;
  a.info.dtype_given = true;
  a.info.score = 1.0;
  a.info.header_bytes = prefix + header_len;
  a.info.note = "npy version " + std::to_string(major) + "." + std::to_string(pre[7]) + ", descr '" + descr.str + "'";

  const uint64_t es = ElementSize(a.info.dtype);
  const uint64_t available = total_bytes - a.info.header_bytes;
  // Check against the bytes present first (a corrupt shape usually fails here), then the cap.
  uint64_t count = 1;
  bool overflow = false;
  for (uint64_t d : shape.ints) {
    if (d != 0 && count > UINT64_MAX / d) overflow = true;
    count = overflow ? count : count * d;
  }
  if (std::find(shape.ints.begin(), shape.ints.end(), 0) != shape.ints.end()) count = 0, overflow = false;
  if (overflow || count > available / es) {
    ThrowBadInput(path, where + "npy header declares " +
                            (overflow ? std::string("more than 2^64") : std::to_string(count)) +
                            " elements (shape " + DimsText(shape.ints) + ", " + a.info.dtype + ") but only " +
                            std::to_string(available) + " data bytes follow the header: the file is "
                            "truncated or the header is corrupt");
  }
  CheckedElementCount(shape.ints, path, where + "npy header");
  if (available > count * es)
    a.info.note += "; " + std::to_string(available - count * es) + " bytes after the data were ignored";
  for (uint64_t d : shape.ints) a.info.shape.push_back(static_cast<size_t>(d));
  *count_out = count;
  return a;
}

}  // namespace

NdArray ReadNpyStream(ByteSource& src, uint64_t total_bytes, const std::string& path,
                      const std::string& member) {
  const std::string where = member.empty() ? "" : "member '" + member + "': ";
  uint64_t count = 0;
  NdArray a = ParseNpyHeader(src, total_bytes, path, member, &count);
  const uint64_t es = ElementSize(a.info.dtype);
  const bool complex = IsComplexDtype(a.info.dtype);
  a.values.resize(static_cast<size_t>(count));
  if (complex) a.imag.resize(static_cast<size_t>(count));
  const size_t chunk = 1 << 16;
  std::vector<unsigned char> buf(static_cast<size_t>(std::min<uint64_t>(chunk, std::max<uint64_t>(count, 1)) * es));
  for (uint64_t done = 0; done < count;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk, count - done));
    const size_t got = ReadFully(src, buf.data(), n * es);
    if (got < n * es)
      ThrowBadInput(path, where + "truncated npy data: " + std::to_string(done * es + got) + " of " +
                              std::to_string(count * es) + " bytes");
    if (complex)
      DecodeComplexElements(buf.data(), n, a.info.dtype, a.info.byte_order, a.values.data() + done,
                            a.imag.data() + done);
    else
      DecodeElements(buf.data(), n, a.info.dtype, a.info.byte_order, a.values.data() + done);
    done += n;
  }
  return a;
}

NdArray InspectNpy(const std::string& path) {
  const uint64_t size = RegularFileSize(path);
  FileSource src(path);
  uint64_t count = 0;
  return ParseNpyHeader(src, size, path, "", &count);
}

NdArray ReadNpy(const std::string& path) {
  const uint64_t size = RegularFileSize(path);
  FileSource src(path);
  return ReadNpyStream(src, size, path, "");
}

}  // namespace specrecon
