#include "formats/hdf5_reader.h"

#include <hdf5.h>

#include <cstring>
#include <fstream>

#include "formats/isolate.h"
#include "formats/limits.h"
#include "src/errors.h"

namespace specrecon {
namespace {

constexpr uint64_t kMaxChunkBytes = uint64_t{1} << 28;
constexpr uint64_t kMaxChunkCount = uint64_t{1} << 20;  // chunks one read may touch
constexpr size_t kMaxObjects = 100000;

// h5py's LZF filter (compression="lzf", filter id 32000): h5py registers it in its own process,
// and Debian's hdf5-plugin-lzf fails to load (liblzf_filter.so lacks lzf_decompress), so the
// decompressor is here: a chunk is one LZF stream (liblzf's format: a control byte below 32
// starts a run of ctrl + 1 literal bytes; otherwise its top 3 bits are a length - 2, 7 meaning
// "plus the next byte", and its low 5 bits with the next byte an offset - 1 back into the
// output). Every read and copy is bounds-checked; a stream that does not decode exactly into
// the chunk's size (h5py stores it as cd_values[2]) fails the read.
constexpr H5Z_filter_t kLzfFilter = 32000;

// Decodes `in` into `out` (capacity `cap`); the decoded size, or 0 on a malformed stream or one
// that does not fit.
size_t LzfDecode(const unsigned char* in, size_t n, unsigned char* out, size_t cap) {
  size_t i = 0, o = 0;
  while (i < n) {
    size_t ctrl = in[i++];
    if (ctrl < 32) {
      const size_t len = ctrl + 1;
      if (len > n - i || len > cap - o) return 0;
      std::memcpy(out + o, in + i, len);
      i += len, o += len;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (i >= n) return 0;
      len += in[i++];
    }
    len += 2;
    if (i >= n) return 0;
    const size_t back = ((ctrl & 0x1f) << 8) + in[i++] + 1;
    if (back > o || len > cap - o) return 0;
    for (size_t k = 0; k < len; ++k, ++o) out[o] = out[o - back];  // may overlap: byte by byte
  }
  return o;
}

size_t LzfFilter(unsigned flags, size_t cd_nelmts, const unsigned cd_values[], size_t nbytes, size_t* buf_size, void** buf) {
  if (!(flags & H5Z_FLAG_REVERSE)) return 0;  // reading only
  const size_t size = cd_nelmts >= 3 && cd_values[2] != 0 ? cd_values[2] : 0;
  if (size == 0 || size > kMaxChunkBytes) return 0;
  void* out = H5allocate_memory(size, false);
  if (!out) return 0;
  if (LzfDecode(static_cast<const unsigned char*>(*buf), nbytes, static_cast<unsigned char*>(out), size) != size) {
    H5free_memory(out);
    return 0;
  }
  H5free_memory(*buf);
  *buf = out;
  *buf_size = size;
  return size;
}

void RegisterLzf() {
  static const H5Z_class2_t kLzf = {H5Z_CLASS_T_VERS, kLzfFilter, 1, 1, "lzf (specrecon)", nullptr, nullptr, LzfFilter};
  H5Zregister(&kLzf);  // (replaces a plugin of the same id; asking H5Zfilter_avail first would dlopen it)
}

// Closes an HDF5 identifier with its matching function.
class Hid {
 public:
  Hid(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Hid() {
    if (id_ >= 0) close_(id_);
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

herr_t CollectError(unsigned, const H5E_error2_t* e, void* data) {
  auto* v = static_cast<std::vector<std::string>*>(data);
  if (e->desc && *e->desc) v->push_back(e->desc);
  return 0;
}

// The innermost messages of libhdf5's error stack (most specific last), then cleared.
std::string Hdf5Message() {
  std::vector<std::string> msgs;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, CollectError, &msgs);
  H5Eclear2(H5E_DEFAULT);
  if (msgs.empty()) return "no detail from libhdf5";
  std::string s = msgs.back();
  if (msgs.size() >= 2) s = msgs[msgs.size() - 2] + ": " + s;
  return s;
}

struct Object {
  std::string name;  // relative to the root, no leading '/'
  H5O_type_t type;
};

herr_t CollectObject(hid_t, const char* name, const H5O_info_t* info, void* data) {
  try {
    auto* v = static_cast<std::vector<Object>*>(data);
    if (std::strcmp(name, ".") == 0) return 0;
    if (v->size() >= kMaxObjects) return 1;  // stop: pathological file
    v->push_back({name, info->type});
    return 0;
  } catch (...) {
    return -1;
  }
}

// A fixed- or variable-length string held by an attribute or a dataset; "" if it is not one.
std::string ReadString(hid_t obj, bool is_attr) {
  Hid type(is_attr ? H5Aget_type(obj) : H5Dget_type(obj), H5Tclose);
  if (!type.ok() || H5Tget_class(type.get()) != H5T_STRING) return "";
  if (H5Tis_variable_str(type.get()) > 0) {
    char* s = nullptr;
    Hid mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    const herr_t r = is_attr ? H5Aread(obj, mem.get(), &s) : H5Dread(obj, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &s);
    std::string out = (r >= 0 && s) ? s : "";
    if (s) H5free_memory(s);
    return out;
  }
  const size_t n = H5Tget_size(type.get());
  if (n == 0 || n > 4096) return "";
  // A scalar or a one-element string only; anything bigger is not a type name.
  Hid space(is_attr ? H5Aget_space(obj) : H5Dget_space(obj), H5Sclose);
  if (!space.ok() || H5Sget_simple_extent_npoints(space.get()) != 1) return "";
  std::string buf(n, '\0');
  const herr_t r = is_attr ? H5Aread(obj, type.get(), &buf[0])
                           : H5Dread(obj, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &buf[0]);
  if (r < 0) return "";
  buf.resize(std::strlen(buf.c_str()));
  return buf;
}

std::string StringAttribute(hid_t file, const std::string& obj, const char* attr) {
  if (H5Aexists_by_name(file, obj.c_str(), attr, H5P_DEFAULT) <= 0) return "";
  Hid a(H5Aopen_by_name(file, obj.c_str(), attr, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  return a.ok() ? ReadString(a.get(), true) : "";
}

bool IsNumericClass(const std::string& c) {
  for (const char* n : {"double", "single", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"})
    if (c == n) return true;
  return false;
}

// Octave's "type" strings that hold numbers (not bool, char, string, cell, struct, range).
bool IsOctaveNumeric(const std::string& t) {
  const bool shape = (t.size() >= 6 && t.compare(t.size() - 6, 6, "matrix") == 0) ||
                     (t.size() >= 6 && t.compare(t.size() - 6, 6, "scalar") == 0);
  return shape && t.rfind("bool", 0) != 0 && t.find("struct") == std::string::npos &&
         t.find("string") == std::string::npos && t.find("cell") == std::string::npos &&
         t.find("char") == std::string::npos;
}

// Reads one dataset; returns false (with `why`) when it is not a numeric array.
bool ReadDataset(hid_t file, const std::string& obj, const std::string& path, uint64_t file_size,
                 bool reverse_dims, NdArray* a, std::string* why) {
  const std::string what = "dataset '/" + obj + "'";
  Hid d(H5Dopen2(file, obj.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.ok()) ThrowBadInput(path, what + " cannot be opened: " + Hdf5Message());
  Hid type(H5Dget_type(d.get()), H5Tclose);
  if (!type.ok()) ThrowBadInput(path, what + " has an unreadable type: " + Hdf5Message());
  const H5T_class_t cls = H5Tget_class(type.get());
  const size_t tsize = H5Tget_size(type.get());
  std::string dtype, member[2];
  H5T_order_t order = H5T_ORDER_NONE;
  if (cls == H5T_INTEGER && (tsize == 1 || tsize == 2 || tsize == 4 || tsize == 8)) {
    dtype = std::string(H5Tget_sign(type.get()) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(tsize * 8);
    order = H5Tget_order(type.get());
  } else if (cls == H5T_FLOAT && (tsize == 2 || tsize == 4 || tsize == 8)) {
    dtype = "float" + std::to_string(tsize * 8);
    order = H5Tget_order(type.get());
  } else if (cls == H5T_COMPOUND && H5Tget_nmembers(type.get()) == 2) {
    Hid m0(H5Tget_member_type(type.get(), 0), H5Tclose), m1(H5Tget_member_type(type.get(), 1), H5Tclose);
    if (m0.ok() && m1.ok() && H5Tget_class(m0.get()) == H5T_FLOAT && H5Tget_class(m1.get()) == H5T_FLOAT &&
        H5Tget_size(m0.get()) == H5Tget_size(m1.get()) && (H5Tget_size(m0.get()) == 4 || H5Tget_size(m0.get()) == 8)) {
      dtype = H5Tget_size(m0.get()) == 4 ? "complex64" : "complex128";
      order = H5Tget_order(m0.get());
      for (unsigned i = 0; i < 2; ++i) {
        char* n = H5Tget_member_name(type.get(), i);
        member[i] = n ? n : "";
        if (n) H5free_memory(n);
      }
    }
  }
  if (dtype.empty()) {
    *why = cls == H5T_STRING ? "strings" : cls == H5T_ENUM ? "enum/boolean" : cls == H5T_REFERENCE ? "references"
         : cls == H5T_COMPOUND ? "compound, not complex" : "not a numeric type";
    return false;
  }
  Hid space(H5Dget_space(d.get()), H5Sclose);
  if (!space.ok()) ThrowBadInput(path, what + " has an unreadable dataspace: " + Hdf5Message());
  const H5S_class_t sclass = H5Sget_simple_extent_type(space.get());
  if (sclass == H5S_NULL) {
    *why = "no data (null dataspace)";
    return false;
  }
  std::vector<uint64_t> dims;
  if (sclass == H5S_SIMPLE) {
    const int nd = H5Sget_simple_extent_ndims(space.get());
    if (nd < 0 || nd > H5S_MAX_RANK) ThrowBadInput(path, what + " has an invalid rank");
    std::vector<hsize_t> h(static_cast<size_t>(nd));
    if (nd > 0 && H5Sget_simple_extent_dims(space.get(), h.data(), nullptr) < 0)
      ThrowBadInput(path, what + " has unreadable dims: " + Hdf5Message());
    dims.assign(h.begin(), h.end());
  }
  const uint64_t count = CheckedElementCount(dims, path, what);
  const uint64_t stored = H5Dget_storage_size(d.get());
  if (stored > file_size)
    ThrowBadInput(path, what + " declares " + std::to_string(stored) + " stored bytes in a " +
                            std::to_string(file_size) + "-byte file: truncated or corrupt");
  if (count * tsize > stored * kMaxInflateRatio + 4096)
    ThrowBadInput(path, what + " declares " + std::to_string(count) + " elements (" + DimsText(dims) + ") of " +
                            std::to_string(tsize) + " bytes but stores only " + std::to_string(stored) +
                            " bytes: corrupt or truncated");
  Hid dcpl(H5Dget_create_plist(d.get()), H5Pclose);
  if (dcpl.ok() && H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
    hsize_t chunk[H5S_MAX_RANK];
    const int nd = H5Pget_chunk(dcpl.get(), H5S_MAX_RANK, chunk);
    uint64_t bytes = tsize;
    for (int i = 0; i < nd; ++i) bytes = chunk[i] && bytes > kMaxChunkBytes / chunk[i] ? kMaxChunkBytes + 1 : bytes * chunk[i];
    if (bytes > kMaxChunkBytes)
      ThrowBadInput(path, what + " declares chunks larger than " + std::to_string(kMaxChunkBytes) + " bytes: corrupt");
    // libhdf5 builds a map entry (about 700 bytes) for every chunk a read touches before reading
    // any: tiny chunks over large dims exhaust memory from a small file (found by fuzz_hdf5).
    // Each stored chunk costs at least an 8-byte address in the file's chunk index.
    // A chunk of another rank than the dataspace (or a scalar one) sends it into the same loop.
    if (nd != static_cast<int>(dims.size()) || sclass != H5S_SIMPLE)
      ThrowBadInput(path, what + " has " + std::to_string(nd) + "-dimensional chunks for a " +
                              (sclass == H5S_SIMPLE ? std::to_string(dims.size()) + "-dimensional" : std::string("scalar")) +
                              " dataspace: corrupt");
    uint64_t chunks = 1;
    for (int i = 0; i < nd && chunks <= kMaxChunkCount; ++i)
      if (chunk[i] > 0) chunks *= (dims[i] + chunk[i] - 1) / chunk[i];
    const uint64_t allowed = std::min<uint64_t>(kMaxChunkCount, file_size / 8 + 1024);
    if (chunks > allowed)
      ThrowBadInput(path, what + " is split into " + (chunks > kMaxChunkCount ? "more than " + std::to_string(kMaxChunkCount)
                                                                               : std::to_string(chunks)) +
                              " chunks, more than a " + std::to_string(file_size) + "-byte file can index (" +
                              std::to_string(allowed) + "): corrupt");
  }

  a->info.path = path;
  a->info.format = "hdf5";
  a->info.dtype = dtype;
  a->info.byte_order = tsize == 1 ? "none" : order == H5T_ORDER_BE ? "big" : "little";
  a->info.dtype_given = true;
  a->info.score = 1.0;
  a->info.fortran_order = reverse_dims;
  for (size_t i = 0; i < dims.size(); ++i)
    a->info.shape.push_back(static_cast<size_t>(reverse_dims ? dims[dims.size() - 1 - i] : dims[i]));
  a->values.resize(static_cast<size_t>(count));
  if (count == 0) return true;
  if (dtype.rfind("complex", 0) == 0) {
    a->imag.resize(static_cast<size_t>(count));
    for (int part = 0; part < 2; ++part) {
      Hid mem(H5Tcreate(H5T_COMPOUND, sizeof(double)), H5Tclose);
      H5Tinsert(mem.get(), member[part].c_str(), 0, H5T_NATIVE_DOUBLE);
      double* dst = part == 0 ? a->values.data() : a->imag.data();
      if (H5Dread(d.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) < 0)
        ThrowBadInput(path, what + " cannot be read: " + Hdf5Message());
    }
    a->info.note = "complex as compound {" + member[0] + ", " + member[1] + "}";
  } else if (H5Dread(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a->values.data()) < 0) {
    ThrowBadInput(path, what + " cannot be read: " + Hdf5Message());
  }
  return true;
}

}  // namespace

std::vector<NdArray> ReadHdf5InProcess(const std::string& path) {
  const uint64_t file_size = RegularFileSize(path);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by us, not printed
  RegisterLzf();
  char head[10] = {0};
  std::ifstream(path, std::ios::binary).read(head, sizeof head);
  const bool matlab = std::memcmp(head, "MATLAB 7.3", 10) == 0;
  Hid file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) ThrowBadInput(path, "cannot open as HDF5: " + Hdf5Message());
  std::vector<Object> objects;
  if (H5Ovisit2(file.get(), H5_INDEX_CRT_ORDER, H5_ITER_INC, CollectObject, &objects, H5O_INFO_BASIC) < 0) {
    H5Eclear2(H5E_DEFAULT);
    objects.clear();
    if (H5Ovisit2(file.get(), H5_INDEX_NAME, H5_ITER_INC, CollectObject, &objects, H5O_INFO_BASIC) < 0)
      ThrowBadInput(path, "cannot list the HDF5 objects: " + Hdf5Message());
  }
  std::vector<NdArray> out;
  std::vector<std::string> skipped;
  bool octave = false;
  for (const Object& o : objects) {
    if (matlab && o.type == H5O_TYPE_GROUP && o.name.find('/') == std::string::npos && o.name[0] != '#') {
      const std::string cls = StringAttribute(file.get(), o.name, "MATLAB_class");
      skipped.push_back(o.name + " (" + (cls.empty() ? "group" : cls) + ")");
      continue;
    }
    if (o.type != H5O_TYPE_DATASET) continue;
    const size_t slash = o.name.find('/');
    const std::string top = o.name.substr(0, slash);
    std::string display = "/" + o.name, why;
    bool reverse = false;
    if (matlab) {
      if (slash != std::string::npos || o.name[0] == '#') continue;  // struct fields, #refs#
      const std::string cls = StringAttribute(file.get(), o.name, "MATLAB_class");
      display = o.name;
      reverse = true;
      if (!IsNumericClass(cls) || H5Aexists_by_name(file.get(), o.name.c_str(), "MATLAB_empty", H5P_DEFAULT) > 0) {
        skipped.push_back(o.name + " (" + (cls.empty() ? "no MATLAB_class" : cls) + ")");
        continue;
      }
    } else if (slash != std::string::npos &&
               H5Aexists_by_name(file.get(), top.c_str(), "OCTAVE_NEW_FORMAT", H5P_DEFAULT) > 0) {
      octave = true;
      if (o.name != top + "/value") continue;
      Hid t(H5Dopen2(file.get(), (top + "/type").c_str(), H5P_DEFAULT), H5Dclose);
      const std::string type = t.ok() ? ReadString(t.get(), false) : "";
      if (!IsOctaveNumeric(type)) {
        skipped.push_back(top + " (" + (type.empty() ? "unknown type" : type) + ")");
        continue;
      }
      display = top;
      reverse = true;
    }
    H5Eclear2(H5E_DEFAULT);
    NdArray a;
    if (!ReadDataset(file.get(), o.name, path, file_size, reverse, &a, &why)) {
      skipped.push_back(display + " (" + why + ")");
      continue;
    }
    a.info.name = display;
    if (matlab) a.info.format = "mat", a.info.header_bytes = 512;
    const std::string flavour = matlab ? "MATLAB 7.3 (HDF5)" : octave && reverse ? "GNU Octave HDF5" : "HDF5";
    a.info.note = flavour + (a.info.note.empty() ? "" : ", " + a.info.note);
    out.push_back(std::move(a));
  }
  H5Eclear2(H5E_DEFAULT);
  std::string list;
  for (const std::string& s : skipped) list += (list.empty() ? "" : ", ") + s;
  if (out.empty())
    ThrowBadInput(path, "HDF5 file holds no numeric dataset" + (list.empty() ? std::string() : " (only " + list + ")"));
  if (!list.empty())
    for (NdArray& a : out) a.info.note += "; not numeric, skipped: " + list;
  return out;
}

// libhdf5 (1.10.8) has memory errors of its own on corrupt files (fuzz_hdf5 found heap
// overflows and uses after free in H5O__msg_iterate_real, reached through H5Aexists_by_name,
// and metadata-cache allocations of petabytes in H5C_protect): it runs in a child process.
std::vector<NdArray> ReadHdf5(const std::string& path) {
  return ReadIsolated(path, "libhdf5", ReadHdf5InProcess, [] {
    const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    return open == 0 ? std::string() : std::to_string(open) + " HDF5 objects left open by the reader";
  });
}

}  // namespace specrecon
