#include "formats/mat_check.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "formats/limits.h"
#include "src/errors.h"

namespace specrecon {
namespace {

// MAT v5 data types and classes (MATLAB's "MAT-File Format", tables 1-2 and 1-3).
constexpr uint32_t kMiInt8 = 1, kMiInt32 = 5, kMiUint32 = 6, kMiMatrix = 14, kMiCompressed = 15;
constexpr uint32_t kCell = 1, kStruct = 2, kObject = 3, kSparse = 5, kFunction = 16;
constexpr int kMaxDepth = 32;
constexpr uint32_t kMaxRank = 32;

// The payload of one top-level element, read in order: the file's bytes, or for miCOMPRESSED the
// inflated stream (at most kMaxInflateRatio times the compressed bytes).
class Payload {
 public:
  Payload(const std::string& path, uint64_t offset, uint64_t bytes, bool compressed)
      : path_(path), in_(path, std::ios::binary), left_(bytes), compressed_(compressed) {
    if (!in_) ThrowBadInput(path, "cannot open for reading");
    in_.seekg(static_cast<std::streamoff>(offset));
    if (compressed_) {
      std::memset(&z_, 0, sizeof z_);
      if (inflateInit(&z_) != Z_OK) ThrowBadInput(path, "zlib cannot start inflating");
      in_buf_.resize(1 << 16);
      out_buf_.resize(1 << 16);
    }
  }
  ~Payload() {
    if (compressed_) inflateEnd(&z_);
  }
  Payload(const Payload&) = delete;
  Payload& operator=(const Payload&) = delete;

  uint64_t pos() const { return pos_; }

  // Copies the next `n` bytes into `dst` (or drops them when `dst` is null); false at the end.
  bool Read(unsigned char* dst, uint64_t n) {
    while (n > 0) {
      if (!compressed_) {
        if (n > left_) return false;
        if (dst) {
          if (!in_.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(n))) return false;
        } else {
          in_.seekg(static_cast<std::streamoff>(n), std::ios::cur);
        }
        left_ -= n;
        pos_ += n;
        return true;
      }
      if (out_begin_ == out_end_ && !Inflate()) return false;
      const size_t take = static_cast<size_t>(std::min<uint64_t>(n, out_end_ - out_begin_));
      if (dst) std::memcpy(dst, out_buf_.data() + out_begin_, take), dst += take;
      out_begin_ += take;
      pos_ += take;
      n -= take;
    }
    return true;
  }

 private:
  // Refills out_buf_; false when the stream has ended.
  bool Inflate() {
    if (ended_) return false;
    out_begin_ = out_end_ = 0;
    while (out_end_ == 0) {
      if (z_.avail_in == 0 && left_ > 0) {
        const size_t want = static_cast<size_t>(std::min<uint64_t>(left_, in_buf_.size()));
        if (!in_.read(reinterpret_cast<char*>(in_buf_.data()), static_cast<std::streamsize>(want)))
          ThrowBadInput(path_, "read error in a compressed variable");
        left_ -= want;
        z_.next_in = in_buf_.data();
        z_.avail_in = static_cast<uInt>(want);
      }
      z_.next_out = out_buf_.data();
      z_.avail_out = static_cast<uInt>(out_buf_.size());
      const int rc = inflate(&z_, Z_NO_FLUSH);
      out_end_ = out_buf_.size() - z_.avail_out;
      if (rc == Z_STREAM_END) {
        ended_ = true;
        break;
      }
      if (rc == Z_BUF_ERROR && z_.avail_in == 0 && left_ == 0) {
        ended_ = true;  // the compressed bytes end before the stream does
        break;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR)
        ThrowBadInput(path_, std::string("corrupt zlib stream in a compressed variable: ") + (z_.msg ? z_.msg : "error"));
    }
    return out_end_ > 0;
  }

  const std::string& path_;
  std::ifstream in_;
  uint64_t left_;  // bytes of the element not yet read from the file
  bool compressed_;
  z_stream z_;
  std::vector<unsigned char> in_buf_, out_buf_;
  size_t out_begin_ = 0, out_end_ = 0;
  bool ended_ = false;
  uint64_t pos_ = 0;  // bytes of the payload (inflated) consumed
};

struct Tag {
  uint32_t type = 0;
  uint32_t bytes = 0;
  bool small = false;  // small data element: up to 4 bytes inside the tag
  unsigned char data[4] = {0, 0, 0, 0};
};

class Walker {
 public:
  Walker(Payload* p, bool big, const std::string& path, const std::string& where)
      : p_(*p), big_(big), path_(path), where_(where) {}

  [[noreturn]] void Fail(const std::string& what) const {
    ThrowBadInput(path_, where_ + what + ": corrupt MAT-file");
  }

  Tag ReadTag() {
    unsigned char t[8];
    if (!p_.Read(t, 8)) Fail("ends inside a data element tag");
    Tag tag;
    const uint32_t v = U32(t);
    if ((v >> 16) != 0) {
      tag.small = true;
      tag.type = v & 0xFFFF;
      tag.bytes = v >> 16;
      if (tag.bytes > 4) Fail("a small data element declares " + std::to_string(tag.bytes) + " bytes (at most 4)");
      std::memcpy(tag.data, t + 4, 4);
    } else {
      tag.type = v;
      tag.bytes = U32(t + 4);
    }
    return tag;
  }

  // Reads a subelement's data (at most `cap` bytes) into `out` and skips its padding.
  void ReadData(const Tag& t, unsigned char* out, size_t cap, const char* what) {
    if (t.bytes > cap) Fail(std::string(what) + " of " + std::to_string(t.bytes) + " bytes (at most " + std::to_string(cap) + ")");
    if (t.small) {
      std::memcpy(out, t.data, t.bytes);
      return;
    }
    if (!p_.Read(out, t.bytes) || !p_.Read(nullptr, Padding(t.bytes))) Fail(std::string("ends inside the ") + what);
  }

  void SkipData(const Tag& t, uint64_t end, const char* what) {
    if (t.small) return;
    const uint64_t n = uint64_t{t.bytes} + Padding(t.bytes);
    if (n > Left(end) || !p_.Read(nullptr, n)) Fail(std::string("the ") + what + " runs past the variable's end");
  }

  // The miMATRIX whose tag declared `bytes`, the tag just read. `top`: a top-level variable,
  // whose data libmatio does not read with the description.
  void Matrix(uint64_t bytes, int depth, bool top) {
    if (depth > kMaxDepth) Fail("cells or structs nested deeper than " + std::to_string(kMaxDepth));
    if (bytes == 0) return;  // an empty array
    const uint64_t end = p_.pos() + bytes;
    const Tag flags_tag = ReadTag();
    if (flags_tag.type != kMiUint32 || flags_tag.bytes != 8) Fail("the array flags are not 8 bytes of miUINT32");
    unsigned char flags[8];
    ReadData(flags_tag, flags, 8, "array flags");
    const uint32_t cls = U32(flags) & 0xFF;
    const Tag dims_tag = ReadTag();
    if (dims_tag.type != kMiInt32 || dims_tag.bytes == 0 || dims_tag.bytes % 4 != 0)
      Fail("the dimensions are not a miINT32 array");
    unsigned char dims[4 * kMaxRank];
    ReadData(dims_tag, dims, sizeof dims, "dimensions array");
    uint64_t count = 1;
    for (uint32_t i = 0; i < dims_tag.bytes / 4; ++i) {
      const int32_t d = static_cast<int32_t>(U32(dims + 4 * i));
      if (d < 0) Fail("dimension " + std::to_string(i + 1) + " is negative (" + std::to_string(d) + ")");
      count = Mul(count, static_cast<uint64_t>(d));
    }
    const Tag name_tag = ReadTag();
    if (name_tag.type != kMiInt8) Fail("the array name is not miINT8");
    SkipData(name_tag, end, "array name");
    if (p_.pos() > end) Fail("the array header runs past the variable's end");

    uint64_t children = 0;
    if (cls == kCell || cls == kFunction) {
      children = count;
    } else if (cls == kStruct || cls == kObject) {
      if (cls == kObject) {
        const Tag class_tag = ReadTag();
        if (class_tag.type != kMiInt8) Fail("the object's class name is not miINT8");
        SkipData(class_tag, end, "class name");
      }
      const Tag len_tag = ReadTag();
      if (len_tag.type != kMiInt32 || len_tag.bytes != 4) Fail("the field name length is not one miINT32");
      unsigned char len_bytes[4];
      ReadData(len_tag, len_bytes, 4, "field name length");
      const uint32_t len = U32(len_bytes);
      const Tag names_tag = ReadTag();
      if (names_tag.type != kMiInt8) Fail("the field names are not miINT8");
      if (len == 0 ? names_tag.bytes != 0 : names_tag.bytes % len != 0)
        Fail("field names of " + std::to_string(names_tag.bytes) + " bytes are not a multiple of their length " +
             std::to_string(len));
      SkipData(names_tag, end, "field names");
      children = Mul(count, len == 0 ? 0 : names_tag.bytes / len);
    } else if (cls != kSparse && count > Left(end)) {
      // Numeric and char data: at least one byte per element (MATLAB may store doubles as uint8).
      Fail("declares " + std::to_string(count) + " elements but holds " + std::to_string(Left(end)) + " bytes");
    }
    // Every cell, field or function-handle workspace entry is a miMATRIX of 8 bytes or more.
    if (children > Left(end) / 8)
      Fail("declares " + std::to_string(children) + " nested arrays but holds " + std::to_string(Left(end)) + " bytes");
    for (uint64_t i = 0; i < children; ++i) {
      const Tag child = ReadTag();
      if (child.small || child.type != kMiMatrix) Fail("a cell or field is not a miMATRIX element");
      if (child.bytes > Left(end)) Fail("a cell or field declares more bytes than its parent holds");
      Matrix(child.bytes, depth + 1, false);
    }
    if (p_.pos() > end) Fail("the nested arrays run past the variable's end");
    if (top && children == 0) return;  // libmatio leaves the data of a top-level array for later
    if (!p_.Read(nullptr, end - p_.pos())) Fail("ends before the variable's declared end");
  }

 private:
  uint32_t U32(const unsigned char* b) const {
    return big_ ? (uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3])
                : (uint32_t{b[3]} << 24 | uint32_t{b[2]} << 16 | uint32_t{b[1]} << 8 | b[0]);
  }
  static uint64_t Padding(uint64_t n) { return (8 - n % 8) % 8; }
  uint64_t Left(uint64_t end) const { return p_.pos() < end ? end - p_.pos() : 0; }
  uint64_t Mul(uint64_t a, uint64_t b) const {
    if (a != 0 && b > UINT64_MAX / a) Fail("dimensions whose product overflows 64 bits");
    return a * b;
  }

  Payload& p_;
  bool big_;
  const std::string& path_;
  std::string where_;
};

}  // namespace

void CheckMat5Element(const std::string& path, uint64_t offset, uint32_t type, uint64_t bytes,
                      bool big_endian, int index) {
  const std::string where = "variable " + std::to_string(index) + " (at byte " + std::to_string(offset) + "): ";
  const bool compressed = type == kMiCompressed;
  Payload payload(path, offset + 8, bytes, compressed);
  Walker walker(&payload, big_endian, path, where);
  uint64_t matrix_bytes = bytes;
  if (compressed) {
    const Tag inner = walker.ReadTag();
    if (inner.small || inner.type != kMiMatrix) walker.Fail("the compressed element does not hold a miMATRIX");
    if (inner.bytes > bytes * kMaxInflateRatio)
      walker.Fail("expands to " + std::to_string(inner.bytes) + " bytes from " + std::to_string(bytes) +
                  ", beyond deflate's 1032:1 limit");
    matrix_bytes = inner.bytes;
  }
  walker.Matrix(matrix_bytes, 0, true);
}

}  // namespace specrecon
