#include "src/wav.h"

#include <sndfile.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "src/atomic_file.h"
#include "src/errors.h"

namespace specrecon {

bool ParseWavFormat(const std::string& name, WavFormat* out) {
  if (name == "float" || name == "float32" || name == "32f") *out = WavFormat::kFloat32;
  else if (name == "pcm16" || name == "16") *out = WavFormat::kPcm16;
  else if (name == "pcm24" || name == "24") *out = WavFormat::kPcm24;
  else return false;
  return true;
}

const char* WavFormatName(WavFormat format) {
  switch (format) {
    case WavFormat::kFloat32: return "float32";
    case WavFormat::kPcm16: return "pcm16";
    case WavFormat::kPcm24: return "pcm24";
  }
  return "float32";
}

WavStream::WavStream(const std::string& path, int sample_rate, WavFormat format) : path_(path), format_(format) {
  if (sample_rate < 1) ThrowOutputFailed(path, "sample rate " + std::to_string(sample_rate) +
                                                   " is not positive");
  SF_INFO info;
  std::memset(&info, 0, sizeof info);
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | (format == WavFormat::kFloat32 ? SF_FORMAT_FLOAT
                                 : format == WavFormat::kPcm16 ? SF_FORMAT_PCM_16
                                                               : SF_FORMAT_PCM_24);
  // A new temporary file beside the target (src/atomic_file.h); libsndfile writes through our
  // descriptor so that it can be flushed to disk before the rename.
  fd_ = CreateTempFile(path, &tmp_);
  sf_ = sf_open_fd(fd_, SFM_WRITE, &info, SF_FALSE);
  if (!sf_) Fail(std::string("cannot write WAV: ") + sf_strerror(nullptr));
  // Clipping is done in Write(); let libsndfile scale doubles in [-1,1] to full-scale integers.
  sf_command(static_cast<SNDFILE*>(sf_), SFC_SET_CLIPPING, nullptr, SF_TRUE);
}

WavStream::~WavStream() {
  if (sf_) sf_close(static_cast<SNDFILE*>(sf_));
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void WavStream::Fail(const std::string& why) {
  if (sf_) sf_close(static_cast<SNDFILE*>(sf_));
  sf_ = nullptr;
  ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_.c_str());
  ThrowOutputFailed(path_, why);
}

void WavStream::Write(const double* samples, size_t n) {
  scratch_.assign(samples, samples + n);
  for (double& v : scratch_) {
    if (!std::isfinite(v)) {
      v = 0.0;
      ++result_.non_finite;
    } else if (format_ != WavFormat::kFloat32 && (v > 1.0 || v < -1.0)) {
      v = v > 0 ? 1.0 : -1.0;
      ++result_.clipped;
    }
  }
  const sf_count_t w = sf_write_double(static_cast<SNDFILE*>(sf_), scratch_.data(), static_cast<sf_count_t>(n));
  if (w != static_cast<sf_count_t>(n))
    Fail("write failed (" + std::to_string(written_ + static_cast<size_t>(std::max<sf_count_t>(w, 0))) +
         " samples written): " + sf_strerror(static_cast<SNDFILE*>(sf_)));
  written_ += n;
}

std::string WavStream::Finish() {
  const std::string werr = sf_strerror(static_cast<SNDFILE*>(sf_));
  const int close_err = sf_close(static_cast<SNDFILE*>(sf_));  // writes the final header sizes
  sf_ = nullptr;
  if (close_err != 0) Fail("write failed (" + std::to_string(written_) + " samples written): " + werr);
  if (::fsync(fd_) != 0 && errno != EINVAL) Fail(std::string("write failed: ") + std::strerror(errno));
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp_.c_str());
    ThrowOutputFailed(path_, "write failed: " + why);
  }
  return tmp_;
}

WavWriteResult WriteWavTemp(const std::string& path, const std::vector<double>& samples, int sample_rate,
                            WavFormat format, std::string* tmp) {
  WavStream out(path, sample_rate, format);
  out.Write(samples.data(), samples.size());
  *tmp = out.Finish();
  return out.result();
}

WavWriteResult WriteWav(const std::string& path, const std::vector<double>& samples,
                        int sample_rate, WavFormat format, bool overwrite) {
  std::string tmp;
  const WavWriteResult result = WriteWavTemp(path, samples, sample_rate, format, &tmp);
  CommitTempFile(tmp, path, overwrite);
  return result;
}

std::vector<double> ReadWav(const std::string& path, int* sample_rate) {
  SF_INFO info;
  std::memset(&info, 0, sizeof info);
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (!f) ThrowBadInput(path, std::string("cannot read audio: ") + sf_strerror(nullptr));
  std::vector<double> inter(static_cast<size_t>(info.frames) * info.channels);
  const sf_count_t got = sf_read_double(f, inter.data(), info.frames * info.channels);
  sf_close(f);
  if (got != info.frames * info.channels)
    ThrowBadInput(path, "truncated audio: " + std::to_string(got) + " of " +
                            std::to_string(info.frames * info.channels) + " samples read");
  std::vector<double> mono(info.frames);
  for (sf_count_t i = 0; i < info.frames; ++i) mono[i] = inter[static_cast<size_t>(i) * info.channels];
  if (sample_rate) *sample_rate = info.samplerate;
  return mono;
}

}  // namespace specrecon
