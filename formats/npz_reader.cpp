#include "formats/npz_reader.h"

#include <zip.h>

#include <algorithm>
#include <memory>

#include "formats/byte_source.h"
#include "formats/decode.h"
#include "formats/limits.h"
#include "formats/npy_reader.h"
#include "formats/pickle_reader.h"
#include "src/errors.h"

namespace specrecon {
namespace {

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

// One member, read through libzip (which inflates and checks the CRC at the end).
class ZipMemberSource : public ByteSource {
 public:
  ZipMemberSource(zip_file_t* f, const std::string& path, const std::string& member)
      : f_(f), path_(path), member_(member) {}
  size_t Read(void* buf, size_t n) override {
    const zip_int64_t got = zip_fread(f_, buf, n);
    if (got < 0) ThrowBadInput(path_, "member '" + member_ + "': " + zip_file_strerror(f_));
    return static_cast<size_t>(got);
  }

 private:
  zip_file_t* f_;
  const std::string& path_;
  const std::string& member_;
};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A member's declared sizes, checked against the archive's size and deflate's limit before
// anything is inflated.
void CheckMember(const zip_stat_t& st, const std::string& where, const std::string& path, uint64_t file_size) {
  const uint64_t size = st.size, comp = st.comp_size;
  if (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
    ThrowBadInput(path, where + "compression method " + std::to_string(st.comp_method) +
                            " is neither stored nor deflated");
  if (st.encryption_method != ZIP_EM_NONE) ThrowBadInput(path, where + "is encrypted");
  if (comp > file_size)
    ThrowBadInput(path, where + "declares " + std::to_string(comp) + " compressed bytes in a " +
                            std::to_string(file_size) + "-byte archive: truncated or corrupt");
  if (st.comp_method == ZIP_CM_STORE && size != comp)
    ThrowBadInput(path, where + "is stored but declares " + std::to_string(size) + " bytes in " +
                            std::to_string(comp) + ": corrupt directory");
  if (size > comp * kMaxInflateRatio + 1024)
    ThrowBadInput(path, where + "expands from " + std::to_string(comp) + " to " + std::to_string(size) +
                            " bytes, beyond deflate's 1032:1 limit: a corrupt directory or a "
                            "decompression bomb");
}

// The end of a member of `size` declared bytes, all read: libzip inflates the rest and checks the
// CRC-32 only when a read reaches the end, and a member holding more than it declares is corrupt.
void ExpectMemberEnd(ZipMemberSource& src, const std::string& path, const std::string& where, uint64_t size) {
  unsigned char extra;
  if (src.Read(&extra, 1) != 0) ThrowBadInput(path, where + "holds more bytes than its declared " + std::to_string(size) + ": corrupt");
}

std::unique_ptr<zip_t, ZipCloser> OpenZip(const std::string& path) {
  int code = 0;
  std::unique_ptr<zip_t, ZipCloser> za(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code));
  if (!za) {
    zip_error_t err;
    zip_error_init_with_code(&err, code);
    const std::string why = zip_error_strerror(&err);
    zip_error_fini(&err);
    ThrowBadInput(path, "not a readable zip archive (truncated or corrupt): " + why);
  }
  return za;
}

}  // namespace

std::vector<ZipEntry> ListZip(const std::string& path) {
  std::unique_ptr<zip_t, ZipCloser> za = OpenZip(path);
  const zip_int64_t entries = zip_get_num_entries(za.get(), 0);
  std::vector<ZipEntry> out;
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0)
      ThrowBadInput(path, "zip entry " + std::to_string(i) + ": " + zip_strerror(za.get()));
    ZipEntry e;
    e.index = static_cast<uint64_t>(i);
    e.name = (st.valid & ZIP_STAT_NAME) && st.name ? st.name : "";
    e.size = st.size;
    out.push_back(e);
  }
  return out;
}

void ExtractZipEntry(const std::string& path, uint64_t index, std::FILE* out, const std::string& out_path) {
  const uint64_t file_size = RegularFileSize(path);
  std::unique_ptr<zip_t, ZipCloser> za = OpenZip(path);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(za.get(), index, 0, &st) != 0) ThrowBadInput(path, "zip entry " + std::to_string(index) + ": " + zip_strerror(za.get()));
  const std::string name = (st.valid & ZIP_STAT_NAME) && st.name ? st.name : "";
  const std::string where = "member '" + name + "': ";
  CheckMember(st, where, path, file_size);
  std::unique_ptr<zip_file_t, ZipFileCloser> zf(zip_fopen_index(za.get(), index, 0));
  if (!zf) ThrowBadInput(path, where + "cannot be opened: " + zip_strerror(za.get()));
  ZipMemberSource src(zf.get(), path, name);
  std::vector<unsigned char> buf(1 << 16);
  uint64_t left = st.size;
  while (left > 0) {
    const size_t n = src.Read(buf.data(), static_cast<size_t>(std::min<uint64_t>(left, buf.size())));
    if (n == 0) ThrowBadInput(path, where + "holds fewer bytes than its declared " + std::to_string(st.size) + ": corrupt");
    if (std::fwrite(buf.data(), 1, n, out) != n) ThrowOutputFailed(out_path, "cannot write the unpacked " + path + " member '" + name + "'");
    left -= n;
  }
  ExpectMemberEnd(src, path, where, st.size);
}

std::vector<NdArray> ReadNpz(const std::string& path) {
  const uint64_t file_size = RegularFileSize(path);
  std::unique_ptr<zip_t, ZipCloser> za = OpenZip(path);
  const zip_int64_t entries = zip_get_num_entries(za.get(), 0);
  std::vector<NdArray> out;
  std::vector<std::string> skipped;
  bool torch = false;
  std::string torch_prefix;  // "spec/" of "spec/data.pkl"
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0)
      ThrowBadInput(path, "zip entry " + std::to_string(i) + ": " + zip_strerror(za.get()));
    const std::string name = (st.valid & ZIP_STAT_NAME) && st.name ? st.name : "";
    if (EndsWith(name, "data.pkl") && !torch) torch = true, torch_prefix = name.substr(0, name.size() - 8);
    if (!EndsWith(name, ".npy")) {
      if (!name.empty() && name.back() != '/') skipped.push_back(name);
      continue;
    }
    const std::string where = "member '" + name + "': ";
    const uint64_t size = st.size;
    CheckMember(st, where, path, file_size);
    std::unique_ptr<zip_file_t, ZipFileCloser> zf(zip_fopen_index(za.get(), static_cast<zip_uint64_t>(i), 0));
    if (!zf) ThrowBadInput(path, where + "cannot be opened: " + zip_strerror(za.get()));
    ZipMemberSource src(zf.get(), path, name);
    NdArray a = ReadNpyStream(src, size, path, name);
    // Read to the end: libzip checks the CRC-32 (and inflates the rest) only there.
    const uint64_t consumed = a.info.header_bytes + a.values.size() * ElementSize(a.info.dtype);
    // np.save writes the header and the data, nothing after: a member declaring more is corrupt
    // (or a decompression bomb behind a small array) and is refused without inflating the rest.
    if (size > consumed)
      ThrowBadInput(path, where + "holds " + std::to_string(size - consumed) + " bytes more than its npy header (" +
                              std::to_string(consumed) + " bytes with the data) describes: corrupt");
    ExpectMemberEnd(src, path, where, size);
    out.push_back(std::move(a));
  }
  if (out.empty()) {
    if (torch)
      return ReadTorchArchive(path, torch_prefix, [&](const std::string& member, uint64_t exact, uint64_t max_bytes,
                                                      std::vector<unsigned char>* bytes) {
        const zip_int64_t idx = zip_name_locate(za.get(), member.c_str(), 0);
        if (idx < 0) return false;
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(za.get(), static_cast<zip_uint64_t>(idx), 0, &st) != 0)
          ThrowBadInput(path, "member '" + member + "': " + zip_strerror(za.get()));
        const std::string where = "member '" + member + "': ";
        CheckMember(st, where, path, file_size);
        if (exact && st.size != exact)
          ThrowBadInput(path, where + "holds " + std::to_string(st.size) + " bytes where its storage needs " + std::to_string(exact));
        if (st.size > max_bytes)
          ThrowBadInput(path, where + "holds " + std::to_string(st.size) + " bytes, more than the " + std::to_string(max_bytes) + " read");
        std::unique_ptr<zip_file_t, ZipFileCloser> zf(zip_fopen_index(za.get(), static_cast<zip_uint64_t>(idx), 0));
        if (!zf) ThrowBadInput(path, where + "cannot be opened: " + zip_strerror(za.get()));
        ZipMemberSource src(zf.get(), path, member);
        bytes->assign(st.size, 0);
        size_t got = 0;
        while (got < bytes->size()) {
          const size_t n = src.Read(bytes->data() + got, bytes->size() - got);
          if (n == 0) break;
          got += n;
        }
        if (got != bytes->size())
          ThrowBadInput(path, where + "holds fewer bytes than its declared " + std::to_string(st.size) + ": corrupt");
        ExpectMemberEnd(src, path, where, st.size);
        return true;
      });
    ThrowBadInput(path, "zip archive holds no .npy arrays (" + std::to_string(entries) + " entries)");
  }
  if (!skipped.empty()) {
    std::string list;
    for (const std::string& s : skipped) list += (list.empty() ? "" : ", ") + s;
    for (NdArray& a : out) a.info.note += "; also in the archive, not .npy: " + list;
  }
  return out;
}

}  // namespace specrecon
