#include "formats/netcdf_reader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "formats/decode.h"
#include "formats/limits.h"
#include "src/errors.h"

namespace specrecon {

namespace {

constexpr uint64_t kMaxHeaderBytes = uint64_t{64} << 20;  // a header of 64 MiB (attributes are in it)
constexpr uint64_t kMaxDims = 1024, kMaxVars = 8192, kMaxAttrs = 8192, kMaxNameBytes = 256 << 10;
constexpr uint32_t kDimensionTag = 0x0A, kVariableTag = 0x0B, kAttributeTag = 0x0C;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// NetCDF's external types, by their code (1..11; 7.. are CDF-5's): numpy's name, or "" for
// NC_CHAR (text).
const char* TypeName(uint32_t t) {
  static const char* kNames[] = {nullptr, "int8", "", "int16", "int32", "float32", "float64", "uint8", "uint16", "uint32", "int64", "uint64"};
  return t >= 1 && t <= 11 ? kNames[t] : nullptr;
}

struct Attr {
  std::string name;
  std::string dtype;             // "" for text
  std::vector<double> values;    // numeric ones
  std::string text;
};

struct Var {
  std::string name;
  std::vector<uint64_t> dimids;
  std::vector<Attr> attrs;
  uint32_t type = 0;
  uint64_t vsize = 0, begin = 0;
};

// The header, read from the first bytes of the file; every read checked against them.
class Header {
 public:
  Header(const std::string& path, std::vector<unsigned char> bytes, int version) : path_(path), b_(std::move(bytes)), version_(version) {}

  uint32_t U32() {
    Need(4, "a 32-bit field");
    const uint32_t v = static_cast<uint32_t>(LoadUnsigned(b_.data() + pos_, 4, true));
    pos_ += 4;
    return v;
  }
  uint64_t U64() {
    Need(8, "a 64-bit field");
    const uint64_t v = LoadUnsigned(b_.data() + pos_, 8, true);
    pos_ += 8;
    return v;
  }
  // NON_NEG: 32 bits in CDF-1 and -2 (a signed int that must not be negative), 64 in CDF-5.
  uint64_t NonNeg(const std::string& what) {
    if (version_ == 5) {
      const uint64_t v = U64();
      if (v >> 63) Fail(what + " is negative");
      return v;
    }
    const uint32_t v = U32();
    if (v >> 31) Fail(what + " is negative");
    return v;
  }
  uint64_t Offset() { return version_ == 1 ? U32() : U64(); }
  std::string Name(const char* what) {
    const uint64_t n = NonNeg(what);
    if (n == 0 || n > kMaxNameBytes) Fail(std::string(what) + " has a length of " + std::to_string(n));
    Need(Padded(n), what);
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), static_cast<size_t>(n));
    pos_ += Padded(n);
    return s;
  }
  // A list's tag and count: ABSENT (two zeros) gives 0.
  uint64_t List(uint32_t tag, uint64_t most, const char* what) {
    const uint32_t t = U32();
    const uint64_t n = NonNeg(std::string(what) + "'s count");
    if (t == 0 && n == 0) return 0;
    if (t != tag) Fail(std::string(what) + " has tag " + std::to_string(t) + " where " + std::to_string(tag) + " (or an empty list) belongs");
    if (n > most) Fail(std::string(what) + " counts " + std::to_string(n) + " entries, more than the " + std::to_string(most) + " read");
    return n;
  }
  std::vector<Attr> Attributes(const std::string& of) {
    const uint64_t n = List(kAttributeTag, kMaxAttrs, ("the attribute list of " + of).c_str());
    std::vector<Attr> out;
    for (uint64_t i = 0; i < n; ++i) {
      Attr a;
      a.name = Name("an attribute name");
      const uint32_t type = U32();
      const char* dtype = TypeName(type);
      if (!dtype || (version_ != 5 && type > 6)) Fail("attribute '" + a.name + "' of " + of + " has type " + std::to_string(type));
      const uint64_t count = NonNeg("an attribute's length");
      const size_t es = *dtype ? ElementSize(dtype) : 1;
      if (count > (b_.size() - pos_) / es) Fail("attribute '" + a.name + "' of " + of + " runs past the header");
      const uint64_t bytes = count * es;
      Need(Padded(bytes), "an attribute's values");
      a.dtype = dtype;
      if (*dtype) {
        a.values.resize(static_cast<size_t>(count));
        DecodeElements(b_.data() + pos_, a.values.size(), dtype, es == 1 ? "none" : "big", a.values.data());
      } else {
        a.text.assign(reinterpret_cast<const char*>(b_.data() + pos_), static_cast<size_t>(bytes));
      }
      pos_ += Padded(bytes);
      out.push_back(std::move(a));
    }
    return out;
  }
  [[noreturn]] void Fail(const std::string& why) const {
    ThrowBadInput(path_, "NetCDF header is corrupt at byte " + std::to_string(pos_) + ": " + why);
  }

 private:
  static uint64_t Padded(uint64_t n) { return (n + 3) / 4 * 4; }
  void Need(uint64_t n, const char* what) const {
    if (n > b_.size() - pos_) Fail(std::string(what) + " runs past the header's bytes (" + std::to_string(b_.size()) + " read)");
  }
  std::string path_;
  std::vector<unsigned char> b_;
  int version_;
  size_t pos_ = 4;
};

}  // namespace

bool LooksLikeNetcdf(const unsigned char* head, size_t n) {
  return n >= 8 && head[0] == 'C' && head[1] == 'D' && head[2] == 'F' && (head[3] == 1 || head[3] == 2 || head[3] == 5);
}

std::vector<NdArray> ReadNetcdf(const std::string& path) {
  const uint64_t size = RegularFileSize(path);
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) ThrowBadInput(path, "cannot open for reading: " + std::string(std::strerror(errno)));
  std::vector<unsigned char> bytes(static_cast<size_t>(size < kMaxHeaderBytes ? size : kMaxHeaderBytes));
  if (std::fread(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) ThrowBadInput(path, "read error in the NetCDF header");
  if (!LooksLikeNetcdf(bytes.data(), bytes.size())) ThrowBadInput(path, "is not a classic NetCDF file (no 'CDF' and version 1, 2 or 5)");
  const int version = bytes[3];
  Header h(path, std::move(bytes), version);

  const uint32_t numrecs_field = version == 5 ? 0 : h.U32();
  const uint64_t numrecs_raw = version == 5 ? h.U64() : numrecs_field;
  const bool streaming = version == 5 ? numrecs_raw == ~uint64_t{0} : numrecs_field == 0xFFFFFFFFu;
  if (!streaming && (numrecs_raw >> (version == 5 ? 63 : 31))) h.Fail("the record count is negative");

  const uint64_t ndims = h.List(kDimensionTag, kMaxDims, "the dimension list");
  std::vector<std::pair<std::string, uint64_t>> dims;
  int record_dim = -1;
  for (uint64_t i = 0; i < ndims; ++i) {
    std::string name = h.Name("a dimension name");
    const uint64_t len = h.NonNeg("a dimension's length");
    if (len == 0) {
      if (record_dim >= 0) h.Fail("two dimensions are unlimited (length 0)");
      record_dim = static_cast<int>(i);
    }
    dims.emplace_back(std::move(name), len);
  }
  const std::vector<Attr> globals = h.Attributes("the file");
  const uint64_t nvars = h.List(kVariableTag, kMaxVars, "the variable list");
  std::vector<Var> vars;
  for (uint64_t i = 0; i < nvars; ++i) {
    Var v;
    v.name = h.Name("a variable name");
    const uint64_t rank = h.NonNeg("a variable's rank");
    if (rank > kMaxDims) h.Fail("variable '" + v.name + "' has rank " + std::to_string(rank));
    for (uint64_t k = 0; k < rank; ++k) {
      const uint64_t id = h.NonNeg("a dimension id");
      if (id >= dims.size()) h.Fail("variable '" + v.name + "' names dimension " + std::to_string(id) + " of " + std::to_string(dims.size()));
      if (static_cast<int>(id) == record_dim && k != 0) h.Fail("variable '" + v.name + "' has the record dimension other than first");
      v.dimids.push_back(id);
    }
    v.attrs = h.Attributes("variable '" + v.name + "'");
    v.type = h.U32();
    const char* dtype = TypeName(v.type);
    if (!dtype || (version != 5 && v.type > 6)) h.Fail("variable '" + v.name + "' has type " + std::to_string(v.type));
    v.vsize = version == 5 ? h.U64() : h.U32();
    v.begin = h.Offset();
    vars.push_back(std::move(v));
  }

  // Records: each record holds every record variable's slab in turn; one record variable alone
  // is not padded to 4 bytes.
  const auto is_record = [&](const Var& v) { return !v.dimids.empty() && static_cast<int>(v.dimids[0]) == record_dim; };
  uint64_t recsize = 0, first_record = ~uint64_t{0};
  int record_vars = 0;
  for (const Var& v : vars)
    if (is_record(v)) {
      ++record_vars;
      first_record = std::min(first_record, v.begin);
    }
  std::vector<uint64_t> slab_bytes(vars.size(), 0);
  for (size_t i = 0; i < vars.size(); ++i) {
    const Var& v = vars[i];
    const char* dtype = TypeName(v.type);
    const size_t es = *dtype ? ElementSize(dtype) : 1;
    std::vector<uint64_t> shape;
    for (size_t k = is_record(v) ? 1 : 0; k < v.dimids.size(); ++k) shape.push_back(dims[v.dimids[k]].second);
    const uint64_t count = CheckedElementCount(shape, path, "variable '" + v.name + "'");
    slab_bytes[i] = count * es;
    if (is_record(v)) recsize += record_vars == 1 ? slab_bytes[i] : (slab_bytes[i] + 3) / 4 * 4;
  }
  uint64_t numrecs = streaming ? 0 : numrecs_raw;
  if (streaming && record_vars > 0 && recsize > 0 && first_record < size) numrecs = (size - first_record) / recsize;

  std::vector<NdArray> out;
  std::string passed;
  for (size_t i = 0; i < vars.size(); ++i) {
    const Var& v = vars[i];
    const std::string what = "variable '" + v.name + "'";
    const std::string dtype = TypeName(v.type);
    if (dtype.empty()) {
      passed += (passed.empty() ? "" : ", ") + v.name;
      continue;
    }
    const bool rec = is_record(v);
    const uint64_t nrec = rec ? numrecs : 1;
    std::vector<uint64_t> shape;
    if (rec) shape.push_back(nrec);
    for (size_t k = rec ? 1 : 0; k < v.dimids.size(); ++k) shape.push_back(dims[v.dimids[k]].second);
    const uint64_t count = CheckedElementCount(shape, path, what);
    const uint64_t slab = slab_bytes[i];
    const uint64_t stride = rec ? recsize : slab;
    // Every slab inside the file: begin + (nrec - 1) * stride + slab <= size, overflow-checked.
    if (nrec > 0 && slab > 0) {
      if (v.begin > size || slab > size || (nrec - 1) > (size - v.begin) / (stride ? stride : 1) || v.begin + (nrec - 1) * stride > size - slab)
        ThrowBadInput(path, what + " (" + DimsText(shape) + " " + dtype + ") lies past the file's " + std::to_string(size) +
                                " bytes (offset " + std::to_string(v.begin) + "): truncated or corrupt");
    }
    NdArray a;
    a.info.path = path;
    a.info.format = "netcdf";
    a.info.name = v.name;
    a.info.dtype = dtype;
    const size_t es = ElementSize(dtype);
    a.info.byte_order = es == 1 ? "none" : "big";
    a.info.header_bytes = v.begin;
    for (uint64_t d : shape) a.info.shape.push_back(static_cast<size_t>(d));
    a.info.dtype_given = true;
    a.values.resize(static_cast<size_t>(count));
    std::vector<unsigned char> buf(static_cast<size_t>(slab));
    const size_t per = static_cast<size_t>(slab / es);
    for (uint64_t r = 0; r < nrec && slab > 0; ++r) {
      if (std::fseek(f.get(), static_cast<long>(v.begin + r * stride), SEEK_SET) != 0 || std::fread(buf.data(), 1, buf.size(), f.get()) != buf.size())
        ThrowBadInput(path, "read error in " + what);
      DecodeElements(buf.data(), per, dtype, a.info.byte_order, a.values.data() + r * per);
    }
    // CF packing: stored = (value - add_offset) / scale_factor.
    std::string note = "NetCDF classic (CDF-" + std::to_string(version) + ")";
    double scale = 1.0, offset = 0.0;
    bool packed = false;
    for (const Attr& at : v.attrs) {
      if (at.values.size() != 1) continue;
      if (at.name == "scale_factor") scale = at.values[0], packed = true;
      if (at.name == "add_offset") offset = at.values[0], packed = true;
    }
    if (packed) {
      for (double& x : a.values) x = x * scale + offset;
      note += "; CF packing applied (scale_factor " + std::to_string(scale) + ", add_offset " + std::to_string(offset) + ")";
    }
    if (rec && streaming) note += "; record count from the file's size (streaming)";
    a.info.note = note;
    out.push_back(std::move(a));
  }
  // Numeric global attributes of one value (sample_rate = 16000, n_fft = 512): evidence, as a
  // .mat file's scalars are.
  for (const Attr& at : globals) {
    if (at.dtype.empty() || at.values.size() != 1) continue;
    NdArray a;
    a.info.path = path;
    a.info.format = "netcdf";
    a.info.name = at.name;
    a.info.dtype = at.dtype;
    a.info.byte_order = ElementSize(at.dtype) == 1 ? "none" : "big";
    a.info.shape = {1};
    a.info.dtype_given = true;
    a.info.note = "a global attribute of the NetCDF file";
    a.values = at.values;
    out.push_back(std::move(a));
  }
  if (out.empty()) ThrowBadInput(path, "NetCDF file holds no numeric variable" + (passed.empty() ? std::string() : " (text: " + passed + ")"));
  if (!passed.empty())
    for (NdArray& a : out) a.info.note += "; text variables passed over: " + passed;
  return out;
}

}  // namespace specrecon
