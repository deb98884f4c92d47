#include "formats/compressed_file.h"

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "src/errors.h"

namespace specrecon {

namespace fs = std::filesystem;

const char* CodecName(Codec c) {
  switch (c) {
    case Codec::kGzip: return "gzip";
    case Codec::kXz: return "xz";
    case Codec::kLzma: return "lzma";
    case Codec::kBzip2: return "bzip2";
    case Codec::kZstd: return "zstd";
  }
  return "?";
}

bool IsCodecName(const std::string& kind) {
  for (const Codec c : {Codec::kGzip, Codec::kXz, Codec::kLzma, Codec::kBzip2, Codec::kZstd})
    if (kind == CodecName(c)) return true;
  return false;
}

bool LooksLikeGzip(const unsigned char* head, size_t n) { return n >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8; }

namespace {

bool StartsWith(const unsigned char* head, size_t n, const char* magic, size_t len) {
  return n >= len && std::memcmp(head, magic, len) == 0;
}

uint64_t LittleEndian(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// zstd's frame magic, or a skippable frame's (pzstd writes one first): 0x184D2A50..5F.
bool ZstdFrameStart(const unsigned char* p, size_t n) {
  return StartsWith(p, n, "\x28\xB5\x2F\xFD", 4) || (n >= 4 && (p[0] & 0xF0) == 0x50 && p[1] == 0x2A && p[2] == 0x4D && p[3] == 0x18);
}

bool BzipStreamStart(const unsigned char* p, size_t n) {
  return n >= 10 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9' &&
         (std::memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) == 0 ||   // a block (pi)
          std::memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0);  // the end of an empty stream (sqrt(pi))
}

bool LzmaAloneStart(const unsigned char* p, size_t n) {
  if (n < 13 || p[0] != 0x5D) return false;
  const uint64_t dict = LittleEndian(p + 1, 4), size = LittleEndian(p + 5, 8);
  bool dict_ok = false;
  for (int b = 12; b <= 30 && !dict_ok; ++b) dict_ok = dict == (uint64_t{1} << b) || dict == (uint64_t{3} << (b - 1));
  return dict_ok && (size == ~uint64_t{0} || size <= kMaxUnpackedBytes);
}

// Whether the bytes at p may start another stream of `codec` after one ended (concatenated
// streams); lzma_alone has no framing to concatenate.
bool NextStreamStart(Codec codec, const unsigned char* p, size_t n) {
  switch (codec) {
    case Codec::kGzip: return n < 2 || (p[0] == 0x1f && p[1] == 0x8b);
    case Codec::kXz: return StartsWith(p, n < 6 ? n : 6, "\xFD" "7zXZ\0", n < 6 ? n : 6);
    case Codec::kBzip2: return StartsWith(p, n < 3 ? n : 3, "BZh", n < 3 ? n : 3);
    case Codec::kZstd: return n < 4 || ZstdFrameStart(p, n);
    case Codec::kLzma: return false;
  }
  return false;
}

// The name the decompressed file gets: the original's without its compressor's extension (names
// carry roles and hints, e.g. mag.bin.gz), or the original's when it has none of them.
std::string UnpackedName(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  for (const char* ext : {".gz", ".gzip", ".GZ", ".z", ".Z", ".xz", ".XZ", ".lzma", ".bz2", ".bzip2", ".BZ2", ".zst", ".zstd", ".ZST"}) {
    const size_t n = std::strlen(ext);
    if (name.size() > n && name.compare(name.size() - n, n, ext) == 0) return name.substr(0, name.size() - n);
  }
  return name.empty() ? "unpacked" : name;
}

// One codec's streaming decoder. Step consumes from `in`, writes to `out`, and says whether the
// stream ended; a corrupt stream sets `error` (the whole message after the file's name).
class Decoder {
 public:
  virtual ~Decoder() = default;
  enum Status { kMore, kEnd, kFailed };
  virtual Status Step(const unsigned char* in, size_t in_n, size_t* used, unsigned char* out, size_t out_n, size_t* made,
                      std::string* error) = 0;
  virtual bool Restart() = 0;  // for the next of concatenated streams
  bool started = false;
};

class GzipDecoder : public Decoder {
 public:
  GzipDecoder() { started = inflateInit2(&z_, 15 + 16) == Z_OK; }
  ~GzipDecoder() override {
    if (started) inflateEnd(&z_);
  }
  Status Step(const unsigned char* in, size_t in_n, size_t* used, unsigned char* out, size_t out_n, size_t* made, std::string* error) override {
    z_.next_in = const_cast<unsigned char*>(in);
    z_.avail_in = static_cast<uInt>(in_n);
    z_.next_out = out;
    z_.avail_out = static_cast<uInt>(out_n);
    const int rc = inflate(&z_, Z_NO_FLUSH);
    *used = in_n - z_.avail_in;
    *made = out_n - z_.avail_out;
    if (rc == Z_STREAM_END) return kEnd;
    if (rc == Z_OK || rc == Z_BUF_ERROR) return kMore;
    *error = std::string("gzip stream is corrupt (") + (z_.msg ? z_.msg : "inflate failed") + ")";
    return kFailed;
  }
  bool Restart() override { return inflateReset(&z_) == Z_OK; }

 private:
  z_stream z_{};
};

class LzmaDecoder : public Decoder {
 public:
  explicit LzmaDecoder(bool alone) : alone_(alone) { started = Init(); }
  ~LzmaDecoder() override { lzma_end(&s_); }
  Status Step(const unsigned char* in, size_t in_n, size_t* used, unsigned char* out, size_t out_n, size_t* made, std::string* error) override {
    s_.next_in = in;
    s_.avail_in = in_n;
    s_.next_out = out;
    s_.avail_out = out_n;
    const lzma_ret rc = lzma_code(&s_, LZMA_RUN);
    *used = in_n - s_.avail_in;
    *made = out_n - s_.avail_out;
    if (rc == LZMA_STREAM_END) return kEnd;
    if (rc == LZMA_OK || rc == LZMA_BUF_ERROR) return kMore;
    const char* name = alone_ ? "lzma" : "xz";
    if (rc == LZMA_MEMLIMIT_ERROR)
      *error = std::string(name) + " stream asks for " + std::to_string(lzma_memusage(&s_)) + " bytes of memory to decompress (its dictionary), more than the " +
               std::to_string(kMaxDecoderMemory) + " allowed";
    else
      *error = std::string(name) + " stream is corrupt (" +
               (rc == LZMA_DATA_ERROR ? "data error" : rc == LZMA_FORMAT_ERROR ? "not an " + std::string(name) + " stream" : rc == LZMA_OPTIONS_ERROR ? "unsupported options" : "liblzma error " + std::to_string(rc)) + ")";
    return kFailed;
  }
  bool Restart() override {
    lzma_end(&s_);
    s_ = LZMA_STREAM_INIT;
    return Init();
  }

 private:
  bool Init() { return (alone_ ? lzma_alone_decoder(&s_, kMaxDecoderMemory) : lzma_stream_decoder(&s_, kMaxDecoderMemory, 0)) == LZMA_OK; }
  bool alone_;
  lzma_stream s_ = LZMA_STREAM_INIT;
};

class Bzip2Decoder : public Decoder {
 public:
  Bzip2Decoder() { started = BZ2_bzDecompressInit(&b_, 0, 0) == BZ_OK; }
  ~Bzip2Decoder() override {
    if (started) BZ2_bzDecompressEnd(&b_);
  }
  Status Step(const unsigned char* in, size_t in_n, size_t* used, unsigned char* out, size_t out_n, size_t* made, std::string* error) override {
    b_.next_in = const_cast<char*>(reinterpret_cast<const char*>(in));
    b_.avail_in = static_cast<unsigned>(in_n);
    b_.next_out = reinterpret_cast<char*>(out);
    b_.avail_out = static_cast<unsigned>(out_n);
    const int rc = BZ2_bzDecompress(&b_);
    *used = in_n - b_.avail_in;
    *made = out_n - b_.avail_out;
    if (rc == BZ_STREAM_END) return kEnd;
    if (rc == BZ_OK) return kMore;
    *error = std::string("bzip2 stream is corrupt (") + (rc == BZ_DATA_ERROR_MAGIC ? "no bzip2 magic" : rc == BZ_DATA_ERROR ? "data error, CRC mismatch" : "libbz2 error " + std::to_string(rc)) + ")";
    return kFailed;
  }
  bool Restart() override {
    if (started) BZ2_bzDecompressEnd(&b_);
    b_ = bz_stream{};
    started = BZ2_bzDecompressInit(&b_, 0, 0) == BZ_OK;
    return started;
  }

 private:
  bz_stream b_{};
};

class ZstdDecoder : public Decoder {
 public:
  ZstdDecoder() : d_(ZSTD_createDCtx()) {
    int log = 10;
    while ((uint64_t{1} << (log + 1)) <= kMaxDecoderMemory) ++log;
    started = d_ && !ZSTD_isError(ZSTD_DCtx_setParameter(d_, ZSTD_d_windowLogMax, log));
  }
  ~ZstdDecoder() override { ZSTD_freeDCtx(d_); }
  Status Step(const unsigned char* in, size_t in_n, size_t* used, unsigned char* out, size_t out_n, size_t* made, std::string* error) override {
    ZSTD_inBuffer i{in, in_n, 0};
    ZSTD_outBuffer o{out, out_n, 0};
    const size_t rc = ZSTD_decompressStream(d_, &o, &i);
    *used = i.pos;
    *made = o.pos;
    if (ZSTD_isError(rc)) {
      if (ZSTD_getErrorCode(rc) == ZSTD_error_frameParameter_windowTooLarge)
        *error = "zstd frame asks for a window of more than the " + std::to_string(kMaxDecoderMemory) + " bytes of memory allowed";
      else
        *error = std::string("zstd stream is corrupt (") + ZSTD_getErrorName(rc) + ")";
      return kFailed;
    }
    return rc == 0 ? kEnd : kMore;
  }
  bool Restart() override { return !ZSTD_isError(ZSTD_DCtx_reset(d_, ZSTD_reset_session_only)); }

 private:
  ZSTD_DCtx* d_;
};

std::unique_ptr<Decoder> MakeDecoder(Codec c) {
  switch (c) {
    case Codec::kGzip: return std::make_unique<GzipDecoder>();
    case Codec::kXz: return std::make_unique<LzmaDecoder>(false);
    case Codec::kLzma: return std::make_unique<LzmaDecoder>(true);
    case Codec::kBzip2: return std::make_unique<Bzip2Decoder>();
    case Codec::kZstd: return std::make_unique<ZstdDecoder>();
  }
  return nullptr;
}

}  // namespace

std::optional<Codec> SniffCodec(const unsigned char* head, size_t n) {
  if (LooksLikeGzip(head, n)) return Codec::kGzip;
  if (StartsWith(head, n, "\xFD" "7zXZ\0", 6)) return Codec::kXz;
  if (BzipStreamStart(head, n)) return Codec::kBzip2;
  if (ZstdFrameStart(head, n)) return Codec::kZstd;
  if (LzmaAloneStart(head, n)) return Codec::kLzma;
  return std::nullopt;
}

std::string ReplacedAll(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
  return text;
}

void RemoveStaleUnpackDirs(const std::string& tmp) {
  DIR* d = ::opendir(tmp.c_str());
  if (!d) return;
  constexpr char kPrefix[] = "specrecon-";
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.compare(0, sizeof kPrefix - 1, kPrefix) != 0) continue;
    // specrecon-<kind>-<pid>-XXXXXX: the pid is the field before the last.
    const size_t last = name.rfind('-');
    if (last == std::string::npos || last + 7 != name.size()) continue;
    const size_t before = name.rfind('-', last - 1);
    if (before == std::string::npos || before < sizeof kPrefix - 1 || before + 1 >= last) continue;
    const std::string digits = name.substr(before + 1, last - before - 1);
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::stol(digits);
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    struct stat st;
    if (::fstatat(::dirfd(d), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid()) continue;
    std::error_code ec;
    fs::remove_all(fs::path(tmp) / name, ec);
  }
  ::closedir(d);
}

std::string MakePrivateTempDir(const std::string& prefix, const std::string& for_path) {
  fs::path tmp;
  try {
    tmp = fs::temp_directory_path();
  } catch (const fs::filesystem_error& e) {  // TMPDIR names no directory
    ThrowOutputFailed(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp",
                      "no temporary directory to unpack " + for_path + " into: " + e.code().message());
  }
  RemoveStaleUnpackDirs(tmp.string());
  const std::string tmpl = (tmp / (prefix + "-" + std::to_string(::getpid()) + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    ThrowOutputFailed(tmpl, "cannot make a temporary directory to unpack " + for_path + " into: " + std::strerror(errno));
  return buf.data();
}

DecompressedFile::DecompressedFile(const std::string& path, Codec codec) {
  const std::string name = CodecName(codec);
  dir_ = MakePrivateTempDir(codec == Codec::kGzip ? "specrecon-gunzip" : "specrecon-" + name, path);
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (!in) {
    const int e = errno;
    std::error_code ec;
    fs::remove_all(dir_, ec);
    ThrowBadInput(path, "cannot open for reading: " + std::string(std::strerror(e)));
  }
  file_ = (fs::path(dir_) / UnpackedName(path)).string();
  std::FILE* out = std::fopen(file_.c_str(), "wb");
  std::string error;        // the input's fault
  std::string write_error;  // the temporary file's
  const std::unique_ptr<Decoder> dec = MakeDecoder(codec);
  if (!out) {
    write_error = std::strerror(errno);
  } else if (!dec || !dec->started) {
    write_error = name + " decoder could not start";
  } else {
    std::vector<unsigned char> ibuf(1 << 16), obuf(1 << 16);
    size_t pos = 0, avail = 0;
    bool eof = false;
    bool ended = false;  // the last stream read ended (its checks passed)
    while (error.empty() && write_error.empty()) {
      if (avail == 0 && !eof) {
        pos = 0;
        avail = std::fread(ibuf.data(), 1, ibuf.size(), in);
        if (avail == 0) {
          if (std::ferror(in)) {
            error = std::string("read error: ") + std::strerror(errno);
            break;
          }
          eof = true;
        }
      }
      if (ended) {
        if (avail == 0) break;  // the file ends after a stream: done
        // After a stream: another (concatenated streams), or zero padding (tape or block
        // devices, xz's stream padding), else data that is not this codec's.
        if (ibuf[pos] == 0) {
          while (avail > 0 && ibuf[pos] == 0) ++pos, --avail;
          continue;
        }
        if (!NextStreamStart(codec, ibuf.data() + pos, avail)) {
          error = "bytes after the " + name + " stream are neither another " + name + " stream nor zero padding";
          break;
        }
        if (!dec->Restart()) {
          write_error = name + " decoder could not restart";
          break;
        }
        ended = false;
      }
      size_t used = 0, made = 0;
      const Decoder::Status st = dec->Step(ibuf.data() + pos, avail, &used, obuf.data(), obuf.size(), &made, &error);
      if (st == Decoder::kFailed) break;
      pos += used;
      avail -= used;
      if (size_ + made > kMaxUnpackedBytes) {
        error = "decompresses to more than " + std::to_string(kMaxUnpackedBytes) + " bytes, the most read";
        break;
      }
      if (made > 0 && std::fwrite(obuf.data(), 1, made, out) != made) write_error = std::strerror(errno);
      size_ += made;
      if (st == Decoder::kEnd) {
        ended = true;
      } else if (eof && avail == 0 && made == 0) {
        error = name + " stream is truncated (it ends inside a stream)";  // input gone, nothing more flushed
      } else if (used == 0 && made == 0 && avail > 0) {
        error = name + " stream is corrupt (the decoder makes no progress)";
      }
    }
  }
  std::fclose(in);
  if (out && std::fclose(out) != 0 && write_error.empty()) write_error = std::strerror(errno);
  if (error.empty() && write_error.empty() && size_ == 0) error = name + " stream holds no data";
  if (!error.empty() || !write_error.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    if (!error.empty()) ThrowBadInput(path, error);
    ThrowOutputFailed(file_, "cannot write the decompressed " + path + ": " + write_error);
  }
}

DecompressedFile::~DecompressedFile() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace specrecon
