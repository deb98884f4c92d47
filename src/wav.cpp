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

WavWriteResult WriteWavTemp(const std::string& path, const std::vector<double>& samples, int sample_rate,
                            WavFormat format, std::string* tmp) {
  if (sample_rate < 1) ThrowOutputFailed(path, "sample rate " + std::to_string(sample_rate) +
                                                   " is not positive");
  WavWriteResult result;
  std::vector<double> data(samples);
  for (double& v : data) {
    if (!std::isfinite(v)) {
      v = 0.0;
      ++result.non_finite;
    } else if (format != WavFormat::kFloat32 && (v > 1.0 || v < -1.0)) {
      v = v > 0 ? 1.0 : -1.0;
      ++result.clipped;
    }
  }
  SF_INFO info;
  std::memset(&info, 0, sizeof info);
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | (format == WavFormat::kFloat32 ? SF_FORMAT_FLOAT
                                 : format == WavFormat::kPcm16 ? SF_FORMAT_PCM_16
                                                               : SF_FORMAT_PCM_24);
  // A new temporary file beside the target (src/atomic_file.h); libsndfile writes through our
  // descriptor so that it can be flushed to disk before the rename.
  const int fd = CreateTempFile(path, tmp);
  const auto fail = [&](const std::string& why) {
    ::close(fd);
    ::unlink(tmp->c_str());
    ThrowOutputFailed(path, why);
  };
  SNDFILE* f = sf_open_fd(fd, SFM_WRITE, &info, SF_FALSE);
  if (!f) fail(std::string("cannot write WAV: ") + sf_strerror(nullptr));
  // Clipping was done above; let libsndfile scale doubles in [-1,1] to full-scale integers.
  sf_command(f, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  const sf_count_t written = sf_write_double(f, data.data(), static_cast<sf_count_t>(data.size()));
  const std::string werr = sf_strerror(f);
  const int close_err = sf_close(f);  // writes the final header sizes
  if (written != static_cast<sf_count_t>(data.size()) || close_err != 0)
    fail("write failed (" + std::to_string(written) + " of " + std::to_string(data.size()) +
         " samples written): " + werr);
  if (::fsync(fd) != 0 && errno != EINVAL) fail(std::string("write failed: ") + std::strerror(errno));
  if (::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp->c_str());
    ThrowOutputFailed(path, "write failed: " + why);
  }
  return result;
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
