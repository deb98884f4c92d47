#include "formats/reader.h"

#include <cstring>
#include <fstream>

#include "formats/archive_reader.h"
#include "formats/compressed_file.h"
#include "formats/hdf5_reader.h"
#include "formats/json_reader.h"
#include "formats/limits.h"
#include "formats/mat_reader.h"
#include "formats/npy_reader.h"
#include "formats/npz_reader.h"
#include "formats/netcdf_reader.h"
#include "formats/octave_binary_reader.h"
#include "formats/octave_text_reader.h"
#include "formats/pickle_reader.h"
#include "formats/printed_reader.h"
#include "formats/safetensors_reader.h"
#include "formats/text_reader.h"
#include "src/errors.h"

namespace specrecon {
namespace {

// Length of the valid UTF-8 sequence starting at `p` (at most `n` bytes), 0 if invalid. A
// sequence cut by the end of the buffer counts as valid.
size_t Utf8Length(const unsigned char* p, size_t n) {
  size_t len = *p >= 0xF0 && *p <= 0xF4 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC2 && *p <= 0xDF ? 2 : 0;
  if (*p >= 0xF5 || len == 0) return 0;
  for (size_t i = 1; i < len; ++i) {
    if (i >= n) return n;
    if ((p[i] & 0xC0) != 0x80) return 0;
  }
  return len;
}

struct Pack {
  const char* magic;
  size_t len;
  const char* name;
};
constexpr Pack kUnreadPacks[] = {{"7z\xBC\xAF\x27\x1C", 6, "7z"}, {"Rar!\x1A\x07", 6, "rar"}};

}  // namespace

std::string SniffFormat(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowBadInput(path, "cannot open for reading: " + std::string(std::strerror(errno)));
  char head[512] = {0};
  in.read(head, sizeof head);
  const size_t got = static_cast<size_t>(in.gcount());
  if (got >= 6 && std::memcmp(head, "\x93NUMPY", 6) == 0) return "npy";
  if (got >= 4 && (std::memcmp(head, "PK\x03\x04", 4) == 0 || std::memcmp(head, "PK\x05\x06", 4) == 0)) return "zip";
  if (got >= 8 && std::memcmp(head, "\x89HDF\r\n\x1a\n", 8) == 0) return "hdf5";
  // MATLAB 7.3 files are HDF5 behind a 512-byte text userblock that starts "MATLAB 7.3".
  if (got >= 10 && std::memcmp(head, "MATLAB 7.3", 10) == 0) return "hdf5";
  if (got >= 6 && std::memcmp(head, "MATLAB", 6) == 0) return "mat5";
  // NetCDF classic (scipy.io.netcdf_file, NETCDF3_*): "CDF" and version 1, 2 or 5.
  if (LooksLikeNetcdf(reinterpret_cast<const unsigned char*>(head), got)) return "netcdf";
  // torch.save's legacy format (PyTorch before 1.6, or _use_new_zipfile_serialization=False):
  // a pickle of its magic number 0x1950a86a20f9469cfc6c first.
  if (got >= 14 && std::memcmp(head, "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 14) == 0) return "torch_legacy";
  // A pickle (pickle.dump of numpy arrays): its protocol, a first opcode pickle.dump writes, and
  // STOP as the last byte; a raw dump would have to match all three by chance.
  if (got >= 3 && static_cast<unsigned char>(head[0]) == 0x80) {
    char last = 0;
    in.clear();
    in.seekg(-1, std::ios::end);
    in.read(&last, 1);
    if (in && LooksLikePickle(reinterpret_cast<const unsigned char*>(head), got, static_cast<unsigned char>(last))) return "pickle";
  }
  // joblib.dump(..., compress=N): a zlib or gzip stream of a pickle.
  if (LooksLikeCompressedPickle(reinterpret_cast<const unsigned char*>(head), got)) return "pickle_z";
  // gzip, xz, bzip2 and zstd (a .bin.gz, .npy.xz, .mat.bz2, .tar.zst; joblib's other
  // compressors): decompressed and read as what they hold. lzma_alone is sniffed last (its
  // header is no magic number, only fields that must hold).
  if (const auto codec = SniffCodec(reinterpret_cast<const unsigned char*>(head), got); codec && *codec != Codec::kLzma) return CodecName(*codec);
  // Formats recognised by a size their header declares, checked against the file's.
  in.clear();
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  const uint64_t file_size = end > 0 ? static_cast<uint64_t>(end) : 0;
  // safetensors: an 8-byte header length that fits, then the JSON header's '{'.
  if (file_size && LooksLikeSafetensors(path, reinterpret_cast<const unsigned char*>(head), got, file_size)) return "safetensors";
  // Octave's save -binary, and MAT v4 (no text header: the first variable's header must hold).
  if (LooksLikeOctaveBinary(reinterpret_cast<const unsigned char*>(head), got)) return "octave_binary";
  if (file_size && LooksLikeMat4(reinterpret_cast<const unsigned char*>(head), got, file_size)) return "mat4";
  // Archivers not read: refused by name rather than read as raw bytes.
  for (const Pack& p : kUnreadPacks)
    if (got >= p.len && std::memcmp(head, p.magic, p.len) == 0) return p.name;
  // tar (a .tar, or what a .tar.gz inflates to): its members are read as files.
  if (LooksLikeTar(reinterpret_cast<const unsigned char*>(head), got)) return "tar";
  if (SniffCodec(reinterpret_cast<const unsigned char*>(head), got) == Codec::kLzma) return "lzma";
  // Text: printable ASCII, whitespace or valid UTF-8 (a BOM allowed), with a digit or a line end.
  const unsigned char* u = reinterpret_cast<const unsigned char*>(head);
  size_t i = (got >= 3 && std::memcmp(head, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
  bool text = got > i, digit = false;
  while (i < got && text) {
    const unsigned char c = u[i];
    if (c >= '0' && c <= '9') digit = true;
    if (c >= 0x80) {
      const size_t len = Utf8Length(u + i, got - i);
      if (len == 0) text = false;
      i += len ? len : 1;
      continue;
    }
    if (!(c == '\n' || c == '\r' || c == '\t' || (c >= 32 && c < 127))) text = false;
    ++i;
  }
  const bool line_end = std::memchr(head, '\n', got) != nullptr;
  // '[' and '{' start JSON; '[' also a printed array (ReadBracketedText tries JSON first), as
  // array( and tensor( do.
  if (text && LooksLikeJson(std::string(head, got))) return "json";
  if (text && LooksLikePrintedArray(std::string(head, got))) return "printed";
  if (text && (digit || line_end)) return "text";
  return "raw";
}

namespace {

// Where a file being read sits: inside a compressed stream, inside an archive. A compressed
// file inside a compressed stream and an archive inside an archive are refused (a file can
// unpack to itself); a tar inside a compressed stream (.tar.gz, .tar.xz) and a compressed member
// of an archive are read. `only_member` picks one member of an archive (a raw array read again
// under other hints).
struct Nesting {
  bool inflated = false;
  bool in_archive = false;
  std::string only_member;
};

std::vector<NdArray> ReadArraysOf(const std::string& path, const RawHints& hints, const Nesting& at);

// A compressed file: decompressed to a temporary file (DecompressedFile) that is read as any file
// is; errors name the compressed file, and each array's note says it was decompressed.
std::vector<NdArray> ReadCompressed(const std::string& path, Codec codec, const RawHints& hints, const Nesting& at) {
  const std::string name = CodecName(codec);
  const char* verb = codec == Codec::kGzip ? "inflated" : "decompressed";
  if (at.inflated)
    ThrowBadInput(path, "holds a compressed file inside its compressed stream, which is not read; decompress it once and read the result");
  const DecompressedFile g(path, codec);
  std::vector<NdArray> arrays;
  Nesting inner = at;
  inner.inflated = true;
  try {
    arrays = ReadArraysOf(g.path(), hints, inner);
  } catch (const Error& e) {
    const std::string what = ReplacedAll(e.what(), g.path(), path);
    Error again(e.code(), e.file() == g.path() || e.file().empty() ? path : e.file(),
                what + " (after " + name + " " + verb + " it to " + std::to_string(g.size()) + " bytes)");
    again.details = e.details;
    throw again;
  }
  // The temporary file is gone once this returns: readings name the compressed file.
  for (NdArray& a : arrays) {
    if (a.info.path == g.path()) a.info.path = path;
    if (a.info.member.empty()) a.info.inflated_bytes = g.size();  // a member's is its own size
    a.info.note = ReplacedAll(a.info.note, g.path(), path);
    a.info.note += std::string(a.info.note.empty() ? "" : "; ") + name + "-compressed: " + verb + " to " + std::to_string(g.size()) + " bytes";
  }
  return arrays;
}

// A tar archive, or a zip archive of files other than numpy's .npy members and torch.save's.
std::vector<NdArray> ReadArchiveOf(const std::string& path, bool zip, const RawHints& hints, const Nesting& at) {
  if (at.in_archive) ThrowBadInput(path, "is an archive inside an archive, which is not read; unpack it once and read the result");
  Nesting inner = at;
  inner.in_archive = true;
  inner.only_member.clear();
  return ReadArchive(path, zip, at.only_member, [&](const std::string& file) { return ReadArraysOf(file, hints, inner); });
}

// Whether a zip archive is numpy's (.npy members) or torch.save's (a data.pkl): read by ReadNpz.
bool ZipHoldsArrays(const std::string& path) {
  for (const ZipEntry& e : ListZip(path)) {
    const std::string& n = e.name;
    if ((n.size() >= 4 && n.compare(n.size() - 4, 4, ".npy") == 0) || (n.size() >= 8 && n.compare(n.size() - 8, 8, "data.pkl") == 0))
      return true;
  }
  return false;
}

std::vector<NdArray> ReadArraysOf(const std::string& path, const RawHints& hints, const Nesting& at) {
  const uint64_t size = RegularFileSize(path);  // refuses directories, FIFOs and devices
  if (size == 0) ThrowBadInput(path, "file is empty");
  const std::string kind = SniffFormat(path);
  for (const Codec c : {Codec::kGzip, Codec::kXz, Codec::kLzma, Codec::kBzip2, Codec::kZstd})
    if (kind == CodecName(c)) return ReadCompressed(path, c, hints, at);
  if (kind == "tar") return ReadArchiveOf(path, false, hints, at);
  for (const Pack& p : kUnreadPacks)
    if (kind == p.name)
      ThrowBadInput(path, std::string("is a ") + p.name + " archive, which specrecon does not read; unpack it and "
                          "read the result (zip and tar, plain or gzip, xz, bzip2 or zstd-compressed, are read)");
  if (kind == "zip" && !ZipHoldsArrays(path)) return ReadArchiveOf(path, true, hints, at);
  if (kind == "npy") return {ReadNpy(path)};
  if (kind == "zip") return ReadNpz(path);
  if (kind == "hdf5") return ReadHdf5(path);
  if (kind == "mat5") return ReadMat5(path);
  if (kind == "mat4") return ReadMat4(path);
  if (kind == "safetensors") return ReadSafetensors(path);
  if (kind == "octave_binary") return ReadOctaveBinary(path);
  if (kind == "netcdf") return ReadNetcdf(path);
  if (kind == "pickle") return ReadPickle(path);
  if (kind == "pickle_z") return ReadCompressedPickle(path);
  if (kind == "json" || kind == "printed") return ReadBracketedText(path);
  if (kind == "torch_legacy")
    ThrowBadInput(path, "is a legacy torch.save file (PyTorch before 1.6, or _use_new_zipfile_serialization=False), which "
                        "specrecon does not read; save it with a current torch.save, or with numpy.save(t.numpy())");
  if (kind == "text") {
    const std::string text = ReadTextFile(path);
    if (LooksLikeOctaveText(text)) return ParseOctaveText(text, path);
    return {ParseDelimitedText(text, path)};
  }
  return {ReadRaw(path, hints)};
}

}  // namespace

std::vector<NdArray> ReadArrays(const std::string& path, const RawHints& hints) { return ReadArraysOf(path, hints, Nesting{}); }

NdArray ReadArrayAgain(const ArrayReading& info, const RawHints& hints) {
  if (info.inflated_bytes == 0) return ReadRaw(info.path, hints);
  Nesting at;
  at.only_member = info.member;
  std::vector<NdArray> arrays = ReadArraysOf(info.path, hints, at);
  if (arrays.size() != 1)
    ThrowBadInput(info.path, (info.member.empty() ? std::string("no longer holds one array") : "member '" + info.member + "' no longer holds one array"));
  return std::move(arrays[0]);
}

}  // namespace specrecon
