// Why this file exists: dumps are often kept compressed (spectrogram.bin.gz, mag.npy.xz, a .mat.bz2,
// a .tar.zst of a pair, joblib.dump(..., compress='xz')). Every reader takes a path, so a
// compressed file is decompressed, bounded, to a private temporary file named like the original
// without its compressor's extension; the readers then read that file as they read any other, and
// it is removed afterwards. The input is never modified. gzip is zlib's, xz and lzma liblzma's,
// bzip2 libbz2's, zstd libzstd's: the reference decoders, each already in every Debian.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "formats/limits.h"

namespace specrecon {

// Most bytes a compressed file or an archive member may hold: the largest array read, as
// float64, plus 1 MiB.
constexpr uint64_t kMaxUnpackedBytes = kMaxArrayElements * 8 + (uint64_t{1} << 20);

// Most memory a decoder may ask for by what its header says (xz and lzma dictionaries, zstd
// windows): 256 MiB (xz -9e asks 65 MiB, zstd --long=27 128 MiB).
constexpr uint64_t kMaxDecoderMemory = uint64_t{256} << 20;

enum class Codec { kGzip, kXz, kLzma, kBzip2, kZstd };

// "gzip", "xz", "lzma", "bzip2", "zstd": also the names SniffFormat gives such files.
const char* CodecName(Codec c);

// Whether `kind` (SniffFormat's answer) is one of CodecName's.
bool IsCodecName(const std::string& kind);

// Whether a file's first bytes start a gzip member (1f 8b, method 8: deflate).
bool LooksLikeGzip(const unsigned char* head, size_t n);

// The compressor whose stream a file's first bytes start: gzip (1f 8b 08), xz (FD '7zXZ' 00),
// bzip2 ("BZh", block size '1'..'9', then a block's or the end's magic), zstd (28 B5 2F FD), or
// lzma_alone (xz --format=lzma, Python's lzma.FORMAT_ALONE, joblib's 'lzma': properties byte
// 0x5D as every encoder writes it, a dictionary size of 2^n or 2^n + 2^(n-1) from 4 KiB to 1.5
// GiB, and an unpacked size unknown (all FF) or at most kMaxUnpackedBytes).
std::optional<Codec> SniffCodec(const unsigned char* head, size_t n);

// A new directory under TMPDIR only this user can enter (mkdtemp: mode 0700) ("<prefix>-<pid>-XXXXXX"), for
// unpacking `for_path`. Directories of that form that a run killed with SIGKILL left (this user's,
// their pid no longer running: RemoveStaleUnpackDirs) are removed first. Throws
// Error(kOutputFailed) naming TMPDIR or the directory when it cannot be made.
std::string MakePrivateTempDir(const std::string& prefix, const std::string& for_path);

// Removes the directories specrecon-<kind>-<pid>-XXXXXX in `tmp` that belong to this user and
// whose pid is no longer running (a decompressed file or archive members of a run killed with
// SIGKILL, up to 2 GiB each). Errors are ignored: this is housekeeping.
void RemoveStaleUnpackDirs(const std::string& tmp);

// `text` with every occurrence of `from` replaced by `to` (a temporary file's path in a message by
// the name of what it was unpacked from).
std::string ReplacedAll(std::string text, const std::string& from, const std::string& to);

// A compressed file decompressed into a temporary directory of its own; both are removed on
// destruction.
class DecompressedFile {
 public:
  // Decompresses every stream of the file at `path` (concatenated streams, as `cat a.gz b.gz`,
  // pbzip2 or `zstd` of several frames make, are one; zero bytes after a stream are ignored).
  // Throws Error(kBadInput) naming `path` when it is corrupt, truncated, followed by other bytes,
  // asks a decoder for more than kMaxDecoderMemory or holds more than kMaxUnpackedBytes, and
  // Error(kOutputFailed) when the temporary file cannot be written. Nothing is left behind.
  DecompressedFile(const std::string& path, Codec codec);
  ~DecompressedFile();
  DecompressedFile(const DecompressedFile&) = delete;
  DecompressedFile& operator=(const DecompressedFile&) = delete;

  const std::string& path() const { return file_; }  // the decompressed file
  uint64_t size() const { return size_; }             // its bytes

 private:
  std::string dir_, file_;
  uint64_t size_ = 0;
};

}  // namespace specrecon
