#include "formats/archive_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "formats/compressed_file.h"
#include "formats/limits.h"
#include "formats/npz_reader.h"
#include "src/errors.h"

namespace specrecon {

namespace fs = std::filesystem;

namespace {

constexpr size_t kBlock = 512;
constexpr uint64_t kMaxTarMetaBytes = 1 << 20;  // a GNU long name or pax header

// A tar header's number: octal digits (leading spaces, ended by a space or NUL), or GNU's
// base-256 when the first byte's high bit is set. False when it is neither.
bool TarNumber(const unsigned char* p, size_t n, uint64_t* value) {
  *value = 0;
  if (p[0] & 0x80) {
    if (p[0] != 0x80) return false;  // negative, or beyond 64 bits
    for (size_t i = 1; i < n; ++i) {
      if (*value >> 56) return false;
      *value = (*value << 8) | p[i];
    }
    return true;
  }
  size_t i = 0;
  while (i < n && p[i] == ' ') ++i;
  bool digits = false;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (*value >> 60) return false;
    *value = *value * 8 + (p[i] - '0');
    digits = true;
  }
  for (; i < n; ++i)
    if (p[i] != ' ' && p[i] != 0) return false;
  return digits;
}

bool ChecksumHolds(const unsigned char* h) {
  uint64_t stored = 0;
  if (!TarNumber(h + 148, 8, &stored)) return false;
  uint64_t sum = 0;
  int64_t signed_sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    const unsigned char c = i >= 148 && i < 156 ? ' ' : h[i];
    sum += c;
    signed_sum += static_cast<signed char>(c);
  }
  return stored == sum || static_cast<int64_t>(stored) == signed_sum;
}

std::string Field(const unsigned char* p, size_t n) {
  const void* end = std::memchr(p, 0, n);
  return std::string(reinterpret_cast<const char*>(p), end ? static_cast<const unsigned char*>(end) - p : n);
}

// A member worth reading: a file not under __MACOSX/, not a dot file (macOS's ._x, .DS_Store).
bool Wanted(const std::string& name) {
  if (name.empty() || name.back() == '/') return false;
  if (name.rfind("__MACOSX/", 0) == 0) return false;
  const std::string base = fs::path(name).filename().string();
  return !base.empty() && base[0] != '.';
}

// The temporary directory and its members; removed on destruction.
struct Unpacked {
  std::string dir;
  struct Member {
    std::string name, file;
    uint64_t size = 0;
  };
  std::vector<Member> members;
  uint64_t total = 0;
  ~Unpacked() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }

  // A new file for member `name` (its base name, in a directory of its own: two members may share one).
  std::FILE* Open(const std::string& path, const std::string& name, uint64_t size) {
    if (members.size() >= kMaxArchiveMembers)
      ThrowBadInput(path, "archive holds more than " + std::to_string(kMaxArchiveMembers) + " files; a dump is a few");
    if (size > kMaxUnpackedBytes)
      ThrowBadInput(path, "member '" + name + "' holds " + std::to_string(size) + " bytes, more than the " +
                              std::to_string(kMaxUnpackedBytes) + " read");
    if (total + size > kMaxArchiveBytes)
      ThrowBadInput(path, "archive's members hold more than " + std::to_string(kMaxArchiveBytes) + " bytes in all");
    const fs::path sub = fs::path(dir) / std::to_string(members.size());
    std::error_code ec;
    fs::create_directory(sub, ec);
    if (ec) ThrowOutputFailed(sub.string(), "cannot make a temporary directory to unpack " + path + " into: " + ec.message());
    std::string base = fs::path(name).filename().string();
    if (base.empty() || base == "." || base == "..") base = "member";
    Member m{name, (sub / base).string(), size};
    std::FILE* f = std::fopen(m.file.c_str(), "wb");
    if (!f) ThrowOutputFailed(m.file, "cannot write the unpacked " + path + ": " + std::strerror(errno));
    members.push_back(m);
    total += size;
    return f;
  }
};

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

void CloseWritten(File* f, const std::string& file, const std::string& path) {
  std::FILE* raw = f->release();
  if (std::fclose(raw) != 0) ThrowOutputFailed(file, "cannot write the unpacked " + path + ": " + std::strerror(errno));
}

// The value of `key` in a pax extended header's records ("<len> key=value\n"), if there.
bool PaxValue(const std::string& records, const std::string& key, std::string* value) {
  size_t at = 0;
  while (at < records.size()) {
    size_t sp = records.find(' ', at);
    if (sp == std::string::npos) return false;
    size_t len = 0;
    for (size_t i = at; i < sp; ++i) {
      if (records[i] < '0' || records[i] > '9' || len > records.size()) return false;
      len = len * 10 + (records[i] - '0');
    }
    if (len <= sp - at || at + len > records.size()) return false;
    const std::string rec = records.substr(sp + 1, at + len - sp - 2);  // without the newline
    const size_t eq = rec.find('=');
    if (eq != std::string::npos && rec.compare(0, eq, key) == 0 && eq == key.size()) {
      *value = rec.substr(eq + 1);
      return true;
    }
    at += len;
  }
  return false;
}

void UnpackTar(const std::string& path, const std::string& only_member, Unpacked* out) {
  const uint64_t file_size = RegularFileSize(path);
  File in(std::fopen(path.c_str(), "rb"));
  if (!in) ThrowBadInput(path, "cannot open for reading: " + std::string(std::strerror(errno)));
  uint64_t offset = 0;
  std::string long_name, pax_name;
  uint64_t pax_size = 0;
  bool has_pax_size = false;
  std::vector<unsigned char> buf(1 << 16);
  unsigned char h[kBlock];
  for (;;) {
    const size_t got = std::fread(h, 1, kBlock, in.get());
    if (got == 0) break;  // no end blocks: the end of the file ends the archive
    if (got < kBlock) ThrowBadInput(path, "tar archive is truncated: a header at byte " + std::to_string(offset) + " is cut short");
    if (std::all_of(h, h + kBlock, [](unsigned char c) { return c == 0; })) break;
    if (!ChecksumHolds(h)) ThrowBadInput(path, "tar header at byte " + std::to_string(offset) + " is corrupt (its checksum does not hold)");
    uint64_t size = 0;
    if (!TarNumber(h + 124, 12, &size)) ThrowBadInput(path, "tar header at byte " + std::to_string(offset) + " has no valid size");
    if (has_pax_size) size = pax_size;
    std::string name = Field(h, 100);
    const std::string prefix = std::memcmp(h + 257, "ustar\0", 6) == 0 ? Field(h + 345, 155) : "";
    if (!prefix.empty()) name = prefix + "/" + name;
    if (!long_name.empty()) name = long_name;
    if (!pax_name.empty()) name = pax_name;
    const char type = static_cast<char>(h[156]);
    offset += kBlock;
    const uint64_t padded = (size + kBlock - 1) / kBlock * kBlock;
    if (size > file_size - offset)
      ThrowBadInput(path, "tar archive is truncated: member '" + name + "' declares " + std::to_string(size) + " bytes, " +
                              std::to_string(file_size - offset) + " remain");
    if (type == 'L' || type == 'x' || type == 'g') {
      if (size > kMaxTarMetaBytes) ThrowBadInput(path, "tar extended header at byte " + std::to_string(offset - kBlock) + " is too long");
      std::string meta(static_cast<size_t>(size), '\0');
      if (size && std::fread(&meta[0], 1, meta.size(), in.get()) != meta.size())
        ThrowBadInput(path, "tar archive is truncated in an extended header");
      if (std::fseek(in.get(), static_cast<long>(padded - size), SEEK_CUR) != 0) ThrowBadInput(path, "cannot seek");
      offset += padded;
      if (type == 'L') long_name = Field(reinterpret_cast<const unsigned char*>(meta.data()), meta.size());
      if (type == 'x') {
        std::string v;
        if (PaxValue(meta, "path", &v)) pax_name = v;
        if (PaxValue(meta, "size", &v)) {
          uint64_t n = 0;
          for (char c : v) {
            if (c < '0' || c > '9' || n > (uint64_t{1} << 60)) ThrowBadInput(path, "tar extended header has a bad size '" + v + "'");
            n = n * 10 + (c - '0');
          }
          pax_size = n, has_pax_size = true;
        }
      }
      continue;  // 'g' (global) says nothing a reader needs
    }
    long_name.clear(), pax_name.clear(), has_pax_size = false;
    const bool regular = type == '0' || type == '\0' || type == '7';
    if (regular && size > 0 && Wanted(name) && (only_member.empty() || name == only_member)) {
      File f(out->Open(path, name, size));
      uint64_t left = size;
      while (left > 0) {
        const size_t n = std::fread(buf.data(), 1, static_cast<size_t>(std::min<uint64_t>(left, buf.size())), in.get());
        if (n == 0) ThrowBadInput(path, "tar archive is truncated inside member '" + name + "'");
        if (std::fwrite(buf.data(), 1, n, f.get()) != n)
          ThrowOutputFailed(out->members.back().file, "cannot write the unpacked " + path + ": " + std::strerror(errno));
        left -= n;
      }
      CloseWritten(&f, out->members.back().file, path);
      if (std::fseek(in.get(), static_cast<long>(padded - size), SEEK_CUR) != 0) ThrowBadInput(path, "cannot seek");
    } else if (padded > 0 && std::fseek(in.get(), static_cast<long>(padded), SEEK_CUR) != 0) {
      ThrowBadInput(path, "cannot seek past member '" + name + "'");
    }
    offset += padded;
  }
}

void UnpackZip(const std::string& path, const std::string& only_member, Unpacked* out) {
  for (const ZipEntry& e : ListZip(path)) {
    if (e.size == 0 || !Wanted(e.name) || (!only_member.empty() && e.name != only_member)) continue;
    File f(out->Open(path, e.name, e.size));
    ExtractZipEntry(path, e.index, f.get(), out->members.back().file);
    CloseWritten(&f, out->members.back().file, path);
  }
}

}  // namespace

bool LooksLikeTar(const unsigned char* head, size_t n) {
  return n >= kBlock && std::memcmp(head + 257, "ustar", 5) == 0 && ChecksumHolds(head);
}

std::vector<NdArray> ReadArchive(const std::string& path, bool zip, const std::string& only_member, const MemberReader& read) {
  const char* kind = zip ? "zip" : "tar";
  Unpacked u;
  u.dir = MakePrivateTempDir(std::string("specrecon-") + kind, path);
  if (zip) UnpackZip(path, only_member, &u);
  else UnpackTar(path, only_member, &u);
  if (u.members.empty()) {
    if (!only_member.empty()) ThrowBadInput(path, "no longer holds member '" + only_member + "'");
    ThrowBadInput(path, std::string(kind) + " archive holds no file to read");
  }
  std::vector<NdArray> out;
  std::string passed;  // members no reader could read, and why
  for (const Unpacked::Member& m : u.members) {
    const std::string named = path + ":" + m.name;
    std::vector<NdArray> arrays;
    try {
      arrays = read(m.file);
    } catch (const Error& e) {
      const std::string what = ReplacedAll(e.what(), m.file, named);
      if (e.code() != ExitCode::kBadInput || !only_member.empty() || u.members.size() == 1) {
        Error again(e.code(), e.file() == m.file || e.file().empty() ? path : e.file(), "member '" + m.name + "': " + what);
        again.details = e.details;
        throw again;
      }
      passed += (passed.empty() ? "" : "; ") + m.name + " (" + what + ")";
      continue;
    }
    const std::string stem = fs::path(m.name).stem().string();
    for (NdArray& a : arrays) {
      a.info.path = path;
      a.info.member = m.name;
      if (a.info.name.empty()) a.info.name = stem;
      if (a.info.inflated_bytes == 0) a.info.inflated_bytes = m.size;  // a gzip member says its inflated size
      a.info.note = ReplacedAll(a.info.note, m.file, named);
      a.info.note += std::string(a.info.note.empty() ? "" : "; ") + "member '" + m.name + "' of a " + kind + " archive (" +
                     std::to_string(m.size) + " bytes)";
      out.push_back(std::move(a));
    }
  }
  if (out.empty()) ThrowBadInput(path, std::string(kind) + " archive holds no member that can be read: " + passed);
  if (!passed.empty())
    for (NdArray& a : out) a.info.note += "; members not read: " + passed;
  return out;
}

}  // namespace specrecon
