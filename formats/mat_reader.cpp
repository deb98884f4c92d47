#include "formats/mat_reader.h"

#include <matio.h>

#include <cstring>
#include <fstream>
#include <memory>

#include "formats/decode.h"
#include "formats/isolate.h"
#include "formats/limits.h"
#include "formats/mat_check.h"
#include "src/errors.h"

namespace specrecon {
namespace {

// libmatio reports problems through a log hook; keep the last message for our error text.
std::string& LastMatioMessage() {
  static std::string message;
  return message;
}
void CaptureMatioLog(int /*level*/, char* message) { LastMatioMessage() = message ? message : ""; }

struct TopElement {
  uint64_t offset = 0;
  uint32_t type = 0;
  uint64_t bytes = 0;  // payload bytes after the 8-byte tag
};

// Walks the top-level data elements after the 128-byte header; throws if one runs past the end.
std::vector<TopElement> WalkElements(const std::string& path, uint64_t file_size, bool* big_endian) {
  if (file_size < 128) ThrowBadInput(path, "truncated MAT-file header (" + std::to_string(file_size) + " bytes, 128 needed)");
  std::ifstream in(path, std::ios::binary);
  unsigned char head[128];
  if (!in.read(reinterpret_cast<char*>(head), 128)) ThrowBadInput(path, "cannot read the MAT-file header");
  bool big;
  if (head[126] == 'I' && head[127] == 'M') big = false;
  else if (head[126] == 'M' && head[127] == 'I') big = true;
  else ThrowBadInput(path, "MAT-file header has no 'IM'/'MI' byte-order mark at bytes 126-127: not MAT v5");
  *big_endian = big;
  auto u32 = [big](const unsigned char* p) {
    return big ? (uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3])
               : (uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0]);
  };
  std::vector<TopElement> out;
  uint64_t pos = 128;
  while (file_size - pos >= 8) {
    unsigned char tag[8];
    in.seekg(static_cast<std::streamoff>(pos));
    if (!in.read(reinterpret_cast<char*>(tag), 8)) ThrowBadInput(path, "read error in the MAT-file");
    TopElement e;
    e.offset = pos;
    e.type = u32(tag);
    e.bytes = u32(tag + 4);
    if ((e.type >> 16) != 0) {  // small data element: 4 bytes of data inside the tag
      pos += 8;
      continue;
    }
    if (e.type != MAT_T_MATRIX && e.type != MAT_T_COMPRESSED)
      ThrowBadInput(path, "element " + std::to_string(out.size() + 1) + " at byte " + std::to_string(pos) +
                              " has type " + std::to_string(e.type) + ", not a variable: corrupt MAT-file");
    if (e.bytes > file_size - pos - 8)
      ThrowBadInput(path, "truncated: variable " + std::to_string(out.size() + 1) + " at byte " +
                              std::to_string(pos) + " declares " + std::to_string(e.bytes) + " bytes, only " +
                              std::to_string(file_size - pos - 8) + " remain");
    out.push_back(e);
    pos += 8 + e.bytes;
    if (e.type != MAT_T_COMPRESSED) pos = (pos + 7) / 8 * 8;
  }
  return out;
}

const char* ClassName(matio_classes c) {
  switch (c) {
    case MAT_C_CELL: return "cell";
    case MAT_C_STRUCT: return "struct";
    case MAT_C_OBJECT: return "object";
    case MAT_C_CHAR: return "char";
    case MAT_C_SPARSE: return "sparse";
    case MAT_C_FUNCTION: return "function handle";
    case MAT_C_OPAQUE: return "opaque object";
    case MAT_C_EMPTY: return "empty";
    default: return "numeric";
  }
}

// numpy-style element type of a numeric MATLAB class, "" for others.
std::string ClassDtype(matio_classes c) {
  switch (c) {
    case MAT_C_DOUBLE: return "float64";
    case MAT_C_SINGLE: return "float32";
    case MAT_C_INT8: return "int8";
    case MAT_C_UINT8: return "uint8";
    case MAT_C_INT16: return "int16";
    case MAT_C_UINT16: return "uint16";
    case MAT_C_INT32: return "int32";
    case MAT_C_UINT32: return "uint32";
    case MAT_C_INT64: return "int64";
    case MAT_C_UINT64: return "uint64";
    default: return "";
  }
}

struct MatCloser {
  void operator()(mat_t* m) const { Mat_Close(m); }
};
struct VarFreer {
  void operator()(matvar_t* v) const { Mat_VarFree(v); }
};

}  // namespace

std::vector<NdArray> ReadMat5InProcess(const std::string& path) {
  const uint64_t file_size = RegularFileSize(path);
  bool big = false;
  const std::vector<TopElement> elements = WalkElements(path, file_size, &big);
  // libmatio allocates by the dims every nested array declares: check them all first.
  for (size_t k = 0; k < elements.size(); ++k)
    CheckMat5Element(path, elements[k].offset, elements[k].type, elements[k].bytes, big, static_cast<int>(k + 1));
  Mat_LogInitFunc("specrecon", CaptureMatioLog);
  LastMatioMessage().clear();
  std::unique_ptr<mat_t, MatCloser> mat(Mat_Open(path.c_str(), MAT_ACC_RDONLY));
  if (!mat) ThrowBadInput(path, "libmatio cannot open it as a MAT-file: " + LastMatioMessage());
  if (Mat_GetVersion(mat.get()) != MAT_FT_MAT5)
    ThrowBadInput(path, "is not a MAT v5 file (libmatio says version " +
                            std::to_string(static_cast<int>(Mat_GetVersion(mat.get()))) + ")");
  const std::string byte_order = big ? "big" : "little";
  std::vector<NdArray> out;
  std::vector<std::string> skipped;
  // First every variable's description (libmatio reads them in sequence), then the data
  // (reading data moves libmatio's file position, so it cannot be interleaved).
  std::vector<std::unique_ptr<matvar_t, VarFreer>> infos;
  for (size_t k = 0; k < elements.size(); ++k) {
    const TopElement& el = elements[k];
    LastMatioMessage().clear();
    infos.emplace_back(Mat_VarReadNextInfo(mat.get()));
    if (!infos.back())
      ThrowBadInput(path, "variable " + std::to_string(k + 1) + " (at byte " + std::to_string(el.offset) +
                              ") cannot be read" + (el.type == MAT_T_COMPRESSED ? " (corrupt zlib stream)" : "") +
                              (LastMatioMessage().empty() ? "" : ": " + LastMatioMessage()));
  }
  for (size_t k = 0; k < elements.size(); ++k) {
    const TopElement& el = elements[k];
    matvar_t* var = infos[k].get();
    const std::string name = var->name ? var->name : "";
    const std::string dtype = ClassDtype(var->class_type);
    if (dtype.empty() || var->isLogical) {
      skipped.push_back(name + " (" + (var->isLogical ? "logical" : ClassName(var->class_type)) + ")");
      continue;
    }
    if (var->rank < 0 || var->rank > 32 || (var->rank > 0 && !var->dims))
      ThrowBadInput(path, "variable '" + name + "' has " + std::to_string(var->rank) + " dimensions");
    std::vector<uint64_t> dims(var->dims, var->dims + var->rank);
    const std::string what = "variable '" + name + "'";
    // Each stored element takes at least one byte (MATLAB may store doubles as uint8), so the
    // element's bytes bound the count; compressed data may expand up to 1032 times.
    uint64_t count = 1;
    bool overflow = false;
    for (uint64_t d : dims) {
      if (d != 0 && count > UINT64_MAX / d) overflow = true;
      count = overflow ? count : count * d;
    }
    for (uint64_t d : dims) if (d == 0) count = 0, overflow = false;
    const uint64_t parts = var->isComplex ? 2 : 1;
    const uint64_t room = el.type == MAT_T_COMPRESSED ? el.bytes * kMaxInflateRatio : el.bytes;
    if (overflow || count > room / parts)
      ThrowBadInput(path, what + " declares " + (overflow ? std::string("more than 2^64") : std::to_string(count)) +
                              " elements (" + DimsText(dims) + ") but its " + std::to_string(el.bytes) +
                              (el.type == MAT_T_COMPRESSED ? " compressed" : "") +
                              " bytes in the file cannot hold them: corrupt or truncated");
    CheckedElementCount(dims, path, what);

    NdArray a;
    a.info.path = path;
    a.info.format = "mat";
    a.info.name = name;
    a.info.dtype = var->isComplex ? (dtype == "float32" ? "complex64" : "complex128") : dtype;
    a.info.byte_order = ElementSize(dtype) == 1 ? "none" : byte_order;
    a.info.header_bytes = 128;
    a.info.fortran_order = true;
    a.info.dtype_given = true;
    a.info.score = 1.0;
    a.info.note = std::string("MAT v5") + (el.type == MAT_T_COMPRESSED ? ", zlib-compressed" : "") +
                  ", MATLAB class " + dtype;
    for (uint64_t d : dims) a.info.shape.push_back(static_cast<size_t>(d));
    if (var->isComplex && dtype != "float32" && dtype != "float64")
      a.info.dtype = "complex128", a.info.note += " (complex integers, read as complex128)";
    const size_t es = ElementSize(dtype);
    const size_t n = static_cast<size_t>(count);
    a.values.resize(n);
    if (var->isComplex) a.imag.resize(n);
    if (n > 0) {
      // libmatio writes the class's native type; convert to double afterwards.
      std::vector<unsigned char> re(n * es), im(var->isComplex ? n * es : 0);
      mat_complex_split_t split{re.data(), im.data()};
      void* dst = var->isComplex ? static_cast<void*>(&split) : static_cast<void*>(re.data());
      LastMatioMessage().clear();
      if (Mat_VarReadDataLinear(mat.get(), var, dst, 0, 1, static_cast<int>(n)) != 0)
        ThrowBadInput(path, what + ": data cannot be read" +
                                (el.type == MAT_T_COMPRESSED ? " (corrupt zlib stream)" : "") +
                                (LastMatioMessage().empty() ? "" : ": " + LastMatioMessage()));
      const std::string host = HostIsLittleEndian() ? "little" : "big";
      DecodeElements(re.data(), n, dtype, host, a.values.data());
      if (var->isComplex) DecodeElements(im.data(), n, dtype, host, a.imag.data());
    }
    out.push_back(std::move(a));
  }
  if (out.empty()) {
    std::string list;
    for (const std::string& s : skipped) list += (list.empty() ? "" : ", ") + s;
    ThrowBadInput(path, "MAT-file holds no numeric variable" + (list.empty() ? std::string() : " (only " + list + ")"));
  }
  if (!skipped.empty()) {
    std::string list;
    for (const std::string& s : skipped) list += (list.empty() ? "" : ", ") + s;
    for (NdArray& a : out) a.info.note += "; not numeric, skipped: " + list;
  }
  return out;
}

// libmatio allocates by sizes it reads (a v4-looking header asked for gigabytes in fuzz_mat,
// after mat_check's walk of the v5 elements): it runs in a child process.
std::vector<NdArray> ReadMat5(const std::string& path) { return ReadIsolated(path, "libmatio", ReadMat5InProcess); }

}  // namespace specrecon
