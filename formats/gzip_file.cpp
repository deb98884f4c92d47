#include "formats/gzip_file.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include <zlib.h>

#include "src/errors.h"

namespace specrecon {

namespace fs = std::filesystem;

bool LooksLikeGzip(const unsigned char* head, size_t n) { return n >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8; }

namespace {

// The name the inflated file gets: the original's without ".gz", ".gzip" or ".z" (names carry
// roles and hints, e.g. mag.bin.gz), or the original's when it has none of them.
std::string InflatedName(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  for (const char* ext : {".gz", ".gzip", ".GZ", ".z", ".Z"}) {
    const size_t n = std::strlen(ext);
    if (name.size() > n && name.compare(name.size() - n, n, ext) == 0) return name.substr(0, name.size() - n);
  }
  return name.empty() ? "inflated" : name;
}

}  // namespace

std::string ReplacedAll(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
  return text;
}

std::string MakePrivateTempDir(const std::string& prefix, const std::string& for_path) {
  std::string tmpl;
  try {
    tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  } catch (const fs::filesystem_error& e) {  // TMPDIR names no directory
    ThrowOutputFailed(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp",
                      "no temporary directory to unpack " + for_path + " into: " + e.code().message());
  }
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    ThrowOutputFailed(tmpl, "cannot make a temporary directory to unpack " + for_path + " into: " + std::strerror(errno));
  return buf.data();
}

GunzippedFile::GunzippedFile(const std::string& path) {
  dir_ = MakePrivateTempDir("specrecon-gunzip", path);
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (!in) {
    const int e = errno;
    std::error_code ec;
    fs::remove_all(dir_, ec);
    ThrowBadInput(path, "cannot open for reading: " + std::string(std::strerror(e)));
  }
  file_ = (fs::path(dir_) / InflatedName(path)).string();
  std::FILE* out = std::fopen(file_.c_str(), "wb");
  z_stream z{};
  std::string error;        // the input's fault
  std::string write_error;  // the temporary file's
  if (!out) {
    write_error = std::strerror(errno);
  } else if (inflateInit2(&z, 15 + 16) != Z_OK) {
    write_error = "zlib could not start";
  } else {
    std::vector<unsigned char> ibuf(1 << 16), obuf(1 << 16);
    bool ended = false;  // the last member read ended (its CRC and size checked)
    while (error.empty() && write_error.empty()) {
      if (z.avail_in == 0) {
        const size_t got = std::fread(ibuf.data(), 1, ibuf.size(), in);
        if (got == 0) {
          if (std::ferror(in)) error = std::string("read error: ") + std::strerror(errno);
          else if (!ended) error = "gzip stream is truncated (it ends inside a member)";
          break;
        }
        z.next_in = ibuf.data();
        z.avail_in = static_cast<uInt>(got);
      }
      if (ended) {
        // After a member: another member (concatenated gzip files), or zero padding (tape or
        // block devices), else data that is not gzip.
        if (z.next_in[0] == 0) {
          while (z.avail_in > 0 && z.next_in[0] == 0) ++z.next_in, --z.avail_in;
          continue;
        }
        if (z.avail_in >= 2 && !(z.next_in[0] == 0x1f && z.next_in[1] == 0x8b)) {
          error = "bytes after the gzip stream are neither another gzip member nor zero padding";
          break;
        }
        if (inflateReset(&z) != Z_OK) {
          write_error = "zlib could not restart";
          break;
        }
        ended = false;
      }
      z.next_out = obuf.data();
      z.avail_out = static_cast<uInt>(obuf.size());
      const int rc = inflate(&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        error = std::string("gzip stream is corrupt (") + (z.msg ? z.msg : "inflate failed") + ")";
        break;
      }
      const size_t got = obuf.size() - z.avail_out;
      if (size_ + got > kMaxGunzipBytes) {
        error = "inflates to more than " + std::to_string(kMaxGunzipBytes) + " bytes, the most read";
        break;
      }
      if (got > 0 && std::fwrite(obuf.data(), 1, got, out) != got) write_error = std::strerror(errno);
      size_ += got;
      if (rc == Z_STREAM_END) ended = true;
    }
    inflateEnd(&z);
  }
  std::fclose(in);
  if (out && std::fclose(out) != 0 && write_error.empty()) write_error = std::strerror(errno);
  if (error.empty() && write_error.empty() && size_ == 0) error = "gzip stream holds no data";
  if (!error.empty() || !write_error.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    if (!error.empty()) ThrowBadInput(path, error);
    ThrowOutputFailed(file_, "cannot write the inflated " + path + ": " + write_error);
  }
}

GunzippedFile::~GunzippedFile() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace specrecon
