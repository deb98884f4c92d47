// Why this file exists: write the reconstructed signal as a WAV file through libsndfile, never
// half-written (temporary file in the target directory, renamed into place only when complete)
// and never silently wrapped around: samples beyond full scale are clipped and counted for PCM.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace specrecon {

enum class WavFormat { kFloat32, kPcm16, kPcm24 };

// "float" / "float32", "pcm16", "pcm24" (also "16", "24", "32f").
bool ParseWavFormat(const std::string& name, WavFormat* out);
const char* WavFormatName(WavFormat format);

struct WavWriteResult {
  size_t clipped = 0;      // PCM samples beyond [-1, 1] that were clipped
  size_t non_finite = 0;   // NaN/Inf samples, written as 0
};

// Writes mono samples at `sample_rate`. Throws Error(kOutputFailed) naming the path on failure
// (every libsndfile write and the close are checked); on failure the destination is left as it
// was. With `overwrite` false an existing destination is refused (src/atomic_file.h).
WavWriteResult WriteWav(const std::string& path, const std::vector<double>& samples,
                        int sample_rate, WavFormat format, bool overwrite = true);

// The same, into a new temporary file beside `path` whose name goes to *tmp, flushed to disk;
// the caller commits it (CommitTempFile) or removes it. Several outputs can so be written first
// and moved into place together.
WavWriteResult WriteWavTemp(const std::string& path, const std::vector<double>& samples,
                            int sample_rate, WavFormat format, std::string* tmp);

// A WAV written as it is produced, in pieces, into a new temporary file beside `path` (as
// WriteWavTemp): NaN/Inf become 0 and PCM samples beyond full scale are clipped, both counted.
// Finish() closes and flushes it and returns the temporary's name for the caller to commit;
// destroyed unfinished (an exception on the way), the temporary is removed. Errors throw
// Error(kOutputFailed) naming `path`.
class WavStream {
 public:
  WavStream(const std::string& path, int sample_rate, WavFormat format);
  ~WavStream();
  WavStream(const WavStream&) = delete;
  WavStream& operator=(const WavStream&) = delete;
  void Write(const double* samples, size_t n);
  std::string Finish();
  const WavWriteResult& result() const { return result_; }
  size_t written() const { return written_; }

 private:
  [[noreturn]] void Fail(const std::string& why);
  std::string path_, tmp_;
  WavFormat format_;
  int fd_ = -1;
  void* sf_ = nullptr;  // SNDFILE*
  std::vector<double> scratch_;
  WavWriteResult result_;
  size_t written_ = 0;
};

// Reads a WAV (or any libsndfile format) as doubles in [-1, 1], first channel. Throws
// Error(kBadInput). Used by tests and the sample checks.
std::vector<double> ReadWav(const std::string& path, int* sample_rate);

}  // namespace specrecon
