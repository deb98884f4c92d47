// The streamed path (src/stream.h): its sine/cosine kernel, agreement with the whole-array path
// on dumps in both layouts (chunks far smaller than the dump, a probe of a few frames), and the
// dumps it must decline.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "formats/limits.h"
#include "src/fast_sincos.h"
#include "src/pipeline.h"
#include "src/stream.h"
#include "src/wav.h"
#include "tests/test_util.h"

using namespace specrecon;
using namespace specrecon::test;

BOOST_AUTO_TEST_SUITE(stream)

BOOST_AUTO_TEST_CASE(fast_sincos_matches_libm) {
  std::mt19937_64 rng(3);
  double worst_small = 0.0, worst_large = 0.0;
  for (int i = 0; i < 200000; ++i) {
    const double x = i < 100000 ? std::uniform_real_distribution<double>(-10, 10)(rng)
                                : std::uniform_real_distribution<double>(-1e4, 1e4)(rng);
    double s, c;
    FastSinCos(x, &s, &c);
    const double err = std::max(std::abs(s - std::sin(x)), std::abs(c - std::cos(x)));
    (i < 100000 ? worst_small : worst_large) = std::max(i < 100000 ? worst_small : worst_large, err);
  }
  BOOST_TEST_MESSAGE("FastSinCos worst error: " << worst_small << " (|x| < 10), " << worst_large << " (|x| < 1e4)");
  BOOST_TEST(worst_small < 1e-15);
  BOOST_TEST(worst_large < 1e-12);
  for (double x : {0.0, -0.0, M_PI / 4, M_PI / 2, M_PI, -M_PI, 1e5, -3e7}) {
    double s, c;
    FastSinCos(x, &s, &c);
    BOOST_TEST(std::abs(s - std::sin(x)) < 1e-15);
    BOOST_TEST(std::abs(c - std::cos(x)) < 1e-15);
  }
  double s, c;
  FastSinCos(NAN, &s, &c);
  BOOST_TEST(std::isnan(s));
}

namespace {

struct Dump {
  std::string mag, phase;
  void Remove() const {
    std::remove(mag.c_str());
    std::remove(phase.c_str());
  }
};

// An npy file of float32 (version 1.0): shape (bins, frames), C order for data stored
// bins x frames, Fortran order for data stored frames x bins (numpy's np.asfortranarray).
void WriteNpy(const std::string& path, const std::vector<double>& v, size_t bins, size_t frames, bool fortran) {
  std::string h = std::string("{'descr': '<f4', 'fortran_order': ") + (fortran ? "True" : "False") +
                  ", 'shape': (" + std::to_string(bins) + ", " + std::to_string(frames) + "), }";
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::ofstream f(path, std::ios::binary);
  f.write("\x93NUMPY\x01\x00", 8);
  const char len[2] = {static_cast<char>(h.size() & 0xFF), static_cast<char>(h.size() >> 8)};
  f.write(len, 2);
  f.write(h.data(), static_cast<std::streamsize>(h.size()));
  for (double d : v) {
    const float x = static_cast<float>(d);
    f.write(reinterpret_cast<const char*>(&x), sizeof x);
  }
}

// A dump of TestSignal: Hann (periodic) n_fft / hop, optionally centred with reflect padding as
// torch and librosa do, magnitude linear or in dB, phase in radians or degrees, written as raw
// float32 or float64 or as npy.
struct DumpSpec {
  int n_fft = 512, hop = 128;
  bool center = false, frames_x_bins = false, db = false, f64 = false, npy = false, degrees = false;
  double silent_seconds = 0.0;  // digital silence before the signal
};

// x's STFT with a periodic Hann window of n_fft at hop (frame-start phase, no padding),
// flattened into magnitude and phase in the given layout.
Spectrogram FlatHannStft(const std::vector<double>& x, int n_fft, int hop, bool frames_x_bins, std::vector<double>* mag,
                         std::vector<double>* ph) {
  WindowSpec w;
  w.family = WindowFamily::kHann;
  w.length = n_fft;
  w.symmetric = false;
  Spectrogram s = Stft(x, PlaceWindow(MakeWindow(w), n_fft, 0), hop);
  Flatten(s, frames_x_bins, mag, ph);
  return s;
}

Dump WriteDump(const std::string& name, const DumpSpec& spec, std::vector<double>* source) {
  const int n_fft = spec.n_fft, hop = spec.hop;
  const bool center = spec.center, frames_x_bins = spec.frames_x_bins, db = spec.db, f64 = spec.f64, npy = spec.npy;
  *source = TestSignal(16000 * 8, 5);
  source->insert(source->begin(), static_cast<size_t>(16000 * spec.silent_seconds), 0.0);
  std::vector<double> x = *source;
  if (center) {
    const size_t p = n_fft / 2;
    std::vector<double> padded(x.size() + 2 * p);
    for (size_t i = 0; i < padded.size(); ++i) {
      long t = static_cast<long>(i) - static_cast<long>(p);
      if (t < 0) t = -t;
      if (t >= static_cast<long>(x.size())) t = 2 * static_cast<long>(x.size()) - 2 - t;
      padded[i] = x[t];
    }
    x = padded;
  }
  std::vector<double> mag, ph;
  const Spectrogram s = FlatHannStft(x, n_fft, hop, frames_x_bins, &mag, &ph);
  if (db)
    for (double& v : mag) v = 20.0 * std::log10(v);
  if (spec.degrees)
    for (double& v : ph) v *= 180.0 / M_PI;
  Dump d{TempPath(name + "_mag.bin"), TempPath(name + "_phase.bin")};
  if (npy) {
    WriteNpy(d.mag, mag, s.bins, s.frames, frames_x_bins);
    WriteNpy(d.phase, ph, s.bins, s.frames, frames_x_bins);
  } else if (f64) {
    WriteBinary<double>(d.mag, mag);
    WriteBinary<double>(d.phase, ph);
  } else {
    WriteBinary<float>(d.mag, mag);
    WriteBinary<float>(d.phase, ph);
  }
  return d;
}

// x's STFT (Hann periodic n_fft, hop, frame-start phase, no padding) written as raw float32
// magnitude and phase files in the given layout.
Dump WriteStft(const std::string& name, const std::vector<double>& x, int n_fft, int hop, bool frames_x_bins) {
  std::vector<double> mag, ph;
  FlatHannStft(x, n_fft, hop, frames_x_bins, &mag, &ph);
  Dump d{TempPath(name + "_mag.f32"), TempPath(name + "_phase.f32")};
  WriteBinary<float>(d.mag, mag);
  WriteBinary<float>(d.phase, ph);
  return d;
}

StreamOptions SmallStream(const std::string& wav) {
  StreamOptions so;
  so.wav_path = wav;
  so.min_cells = 0;
  so.chunk_frames = 7;  // many chunk boundaries
  so.probe_frames = 64;
  return so;
}

std::vector<double> CommitAndRead(const StreamOutcome& s, const std::string& wav) {
  std::rename(s.wav_tmp.c_str(), wav.c_str());
  std::vector<double> y = ReadWav(wav, nullptr);
  std::remove(wav.c_str());
  return y;
}

// The dump's magnitude and phase files as inputs (or phase first), at 16 kHz.
RunOptions PairOptions(const Dump& d, bool phase_first = false) {
  RunOptions ro;
  ro.files = phase_first ? std::vector<std::string>{d.phase, d.mag} : std::vector<std::string>{d.mag, d.phase};
  ro.sample_rate = 16000;
  return ro;
}

// One dump through both paths with the same options: the whole-array path (RunInference and
// Reconstruct) and the streamed one (SmallStream), which must not decline; its WAV read back.
struct BothPaths {
  RunResult whole;
  StreamOutcome s;
  std::vector<double> y;  // the streamed WAV's samples
};

BothPaths RunBothPaths(const std::string& name, const RunOptions& ro) {
  BothPaths r;
  r.whole = RunInference(ro);
  Reconstruct(&r.whole);
  const std::string wav = TempPath(name + ".wav");
  r.s = RunStreamed(ro, SmallStream(wav));
  BOOST_TEST_REQUIRE(r.s.used, name << ": declined: " << r.s.why);
  r.y = CommitAndRead(r.s, wav);
  return r;
}

void CheckAgainstWhole(const std::string& name, const DumpSpec& spec, bool phase_first = false) {
  const int n_fft = spec.n_fft, hop = spec.hop;
  std::vector<double> source;
  const Dump d = WriteDump(name, spec, &source);
  const auto& [whole, s, y] = RunBothPaths(name, PairOptions(d, phase_first));
  const StftParams& a = whole.inference.params;
  const StftParams& b = s.run.inference.params;
  BOOST_TEST(b.n_fft == n_fft);
  BOOST_TEST(b.hop == hop);
  BOOST_TEST(a.win_length == b.win_length);
  BOOST_TEST(WindowFamilyName(a.window.family) == WindowFamilyName(b.window.family));
  BOOST_TEST(a.center == b.center);
  BOOST_TEST(a.pad == b.pad);
  BOOST_TEST(a.pad_mode == b.pad_mode);
  BOOST_TEST(s.run.inference.magnitude_scale == whole.inference.magnitude_scale);
  BOOST_TEST(s.run.inference.signal_length == whole.inference.signal_length);
  BOOST_TEST(y.size() == whole.signal.size());
  // The WAV is float32: agreement to its precision, and the source back as exactly.
  // Uncentred frames leave the source's ends under no window or a taper: compare inside.
  const double agree = SnrDb(whole.signal, y), recovered = SnrDb(source, y, n_fft, source.size() - 2 * n_fft);
  BOOST_TEST_MESSAGE(name << ": streamed vs whole " << agree << " dB, vs source " << recovered << " dB, length "
                          << y.size() << " (source " << source.size() << ")");
  BOOST_TEST(agree > 120.0);
  BOOST_TEST(recovered > 100.0);
  BOOST_TEST(s.run.streamed);
  if (!spec.npy)
    for (const NdArray& arr : s.run.arrays) BOOST_TEST(arr.info.header_bytes == 0u, arr.info.path);
  BOOST_TEST(s.run.stream_chunks > 70u);
  d.Remove();
}

}  // namespace

BOOST_AUTO_TEST_CASE(frames_x_bins_float32_uncentred) {
  DumpSpec s;
  s.frames_x_bins = true;
  CheckAgainstWhole("fxb", s);
}

BOOST_AUTO_TEST_CASE(bins_x_frames_float64_centred_db_phase_first) {
  DumpSpec s;
  s.n_fft = 1024;
  s.hop = 256;
  s.center = s.db = s.f64 = true;
  CheckAgainstWhole("bxf", s, true);
}

BOOST_AUTO_TEST_CASE(npy_c_order_and_fortran_order) {
  DumpSpec c;
  c.center = c.npy = true;
  CheckAgainstWhole("npy_c", c);
  DumpSpec f;
  f.hop = 256;
  f.frames_x_bins = f.npy = true;
  CheckAgainstWhole("npy_f", f);
}

// Degrees, frames x bins, a reflect-centred first frame (mirror-symmetric: its phases are all 0
// or 180): the raw reader alone takes that frame for a header; the other file's cell count
// corrects it, as on the whole path.
BOOST_AUTO_TEST_CASE(degrees_with_a_symmetric_first_frame) {
  DumpSpec s;
  s.center = s.frames_x_bins = s.degrees = true;
  CheckAgainstWhole("degrees", s);
}

// A quiet start: the probe's peak would choose a louder level convention than the whole
// signal allows; the streamed run must end with the whole path's convention and samples.
BOOST_AUTO_TEST_CASE(level_chosen_on_the_whole_signal) {
  std::vector<double> x = TestSignal(16000 * 8, 7);
  for (size_t i = 0; i < x.size(); ++i) x[i] *= i < 32000 ? 0.002 : 2.5;
  const Dump d = WriteStft("level", x, 512, 128, false);
  const auto& [whole, s, y] = RunBothPaths("level", PairOptions(d));
  BOOST_TEST_MESSAGE("level: whole " << whole.inference.gain_convention << ", streamed "
                                      << s.run.inference.gain_convention);
  BOOST_TEST(s.run.inference.gain_convention == whole.inference.gain_convention);
  // (The whole path takes the quiet start for zero padding here and trims the output; the
  // probe, all quiet, does not. The source has no padding: compare with it.)
  std::vector<double> scaled(y.size());
  for (size_t i = 0; i < y.size(); ++i) scaled[i] = y[i] / s.run.inference.gain;
  const double snr = SnrDb(x, scaled, 512, x.size() - 512);
  BOOST_TEST_MESSAGE("level: streamed output against the source at its level: " << snr << " dB");
  BOOST_TEST(snr > 100.0);
  bool remade = false;
  for (const std::string& line : s.run.inference.log.lines()) remade |= line.find("made again") != std::string::npos;
  BOOST_TEST(remade);  // the probe alone would have chosen another level
  d.Remove();
}

// Frames with gaps between them (hop > n_fft, given as a hint: magnitudes cannot show a gap):
// the samples under no frame are zeros, as on the whole path.
BOOST_AUTO_TEST_CASE(gaps_between_frames) {
  std::vector<double> x = TestSignal(16000 * 8, 11);
  const Dump d = WriteStft("gaps", x, 512, 600, true);
  RunOptions ro = PairOptions(d);
  ro.hints.hop = 600;
  const auto& [whole, s, y] = RunBothPaths("gaps", ro);
  BOOST_TEST(s.run.inference.params.hop == 600);
  BOOST_TEST(y.size() == whole.signal.size());
  BOOST_TEST(SnrDb(whole.signal, y) > 120.0);
  BOOST_TEST(s.run.inference.uncovered > 0u);
  d.Remove();
}

// Two seconds of digital silence first: the probe (64 frames here) grows until it holds frames
// with signal, and among the layouts that pass the sampled DC test (the rows' silent ends hide a
// wrong row length) the one whose probe fits best is kept.
BOOST_AUTO_TEST_CASE(silent_start) {
  DumpSpec s;
  s.center = true;
  s.silent_seconds = 2.0;
  CheckAgainstWhole("silent", s);
}

BOOST_AUTO_TEST_CASE(one_thread_and_two_give_the_same_samples) {
  std::vector<double> source;
  DumpSpec spec;
  spec.center = true;
  const Dump d = WriteDump("threads", spec, &source);
  const RunOptions ro = PairOptions(d);
  std::vector<std::vector<double>> outs;
  for (int threads : {1, 2}) {
    StreamOptions so = SmallStream(TempPath("threads.wav"));
    so.threads = threads;
    const StreamOutcome s = RunStreamed(ro, so);
    BOOST_TEST_REQUIRE(s.used);
    outs.push_back(CommitAndRead(s, so.wav_path));
  }
  BOOST_TEST(outs[0] == outs[1]);
  d.Remove();
}

BOOST_AUTO_TEST_CASE(declines_what_it_cannot_do_exactly) {
  std::vector<double> source;
  DumpSpec spec;
  spec.frames_x_bins = true;
  const Dump d = WriteDump("decline", spec, &source);
  RunOptions ro = PairOptions(d);
  // Small dumps take the whole path by default.
  StreamOptions so;
  so.wav_path = TempPath("decline.wav");
  StreamOutcome s = RunStreamed(ro, so);
  BOOST_TEST(!s.used);
  BOOST_TEST(s.why == "small enough to read whole");
  BOOST_TEST(s.too_small);
  // Files of different cell counts.
  const std::string shorter = TempPath("decline_short.bin");
  {
    std::vector<double> v(1000, 0.5);
    WriteBinary<float>(shorter, v);
  }
  ro.files = {d.mag, shorter};
  s = RunStreamed(ro, SmallStream(so.wav_path));
  BOOST_TEST(!s.used);
  BOOST_TEST(!s.too_small);
  // Integer codes (quantised magnitudes) are dequantised on the whole spectrogram.
  const std::string codes = TempPath("decline_codes.bin");
  {
    std::ifstream in(d.mag, std::ios::binary);
    std::vector<float> m;
    float v;
    while (in.read(reinterpret_cast<char*>(&v), sizeof v)) m.push_back(v);
    const float peak = *std::max_element(m.begin(), m.end());
    std::vector<double> q(m.size());
    for (size_t i = 0; i < m.size(); ++i) q[i] = std::round(m[i] / peak * 30000.0);
    WriteBinary<int16_t>(codes, q);
  }
  ro.files = {codes, d.phase};
  s = RunStreamed(ro, SmallStream(so.wav_path));
  BOOST_TEST(!s.used);
  BOOST_TEST(!s.too_small);
  BOOST_TEST_MESSAGE("int16 codes: " << s.why);
  // Nothing is left behind by a declined run.
  BOOST_TEST(::access(so.wav_path.c_str(), F_OK) != 0);
  for (const std::string& f : {d.mag, d.phase, shorter, codes}) std::remove(f.c_str());
}

// Through the command line: a dump above the size threshold streams by default (the report says
// so and the audio is right), --whole does not, and both give the same samples.
BOOST_AUTO_TEST_CASE(command_line_streams_large_dumps) {
  std::vector<double> source = TestSignal(16000 * 135, 9);
  const Dump d = WriteStft("cli", source, 256, 64, false);
  const std::string m = d.mag, p = d.phase;
  BOOST_TEST_REQUIRE(RegularFileSize(m) / 4 >= kStreamMinCells);
  std::vector<std::vector<double>> outs;
  for (const char* mode : {"", " --whole"}) {
    const std::string wav = TempPath("cli.wav"), report = TempPath("cli.json");
    const std::string cmd = std::string(SPECRECON_BINARY) + " reconstruct " + m + " " + p + " -o " + wav +
                            " --report " + report + " --sample-rate 16000" + mode + " >/dev/null 2>&1";
    BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0, cmd);
    std::ifstream in(report);
    std::stringstream text;
    text << in.rdbuf();
    const bool streamed = text.str().find("\"streamed\"") != std::string::npos;
    BOOST_TEST(streamed == (std::string(mode).empty()), "mode '" << mode << "'");
    outs.push_back(ReadWav(wav, nullptr));
    std::remove(wav.c_str());
    std::remove(report.c_str());
  }
  // batch streams its large sets too, and honours --whole.
  const std::string manifest = TempPath("cli_sets.txt"), out_dir = TempPath("cli_batch");
  std::ofstream(manifest) << "big: " << m << " " << p << "\n";
  for (const char* mode : {"", " --whole"}) {
    const std::string cmd = std::string(SPECRECON_BINARY) + " batch " + manifest + " -o " + out_dir + " --force --jobs 1" +
                            " --sample-rate 16000" + mode + " >/dev/null 2>&1";
    BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0, cmd);
    std::ifstream in(out_dir + "/big.json");
    std::stringstream text;
    text << in.rdbuf();
    BOOST_TEST((text.str().find("\"streamed\"") != std::string::npos) == std::string(mode).empty(), "batch mode '" << mode << "'");
  }
  for (const char* f : {"/big.json", "/big.wav", "/summary.json", "/summary.csv"}) std::remove((out_dir + f).c_str());
  std::remove(out_dir.c_str());
  std::remove(manifest.c_str());
  const double agree = SnrDb(outs[1], outs[0]), recovered = SnrDb(source, outs[0], 256, source.size() - 512);
  BOOST_TEST_MESSAGE("command line: streamed vs whole " << agree << " dB, vs source " << recovered << " dB");
  BOOST_TEST(outs[0].size() == outs[1].size());
  BOOST_TEST(agree > 120.0);
  BOOST_TEST(recovered > 100.0);
  std::remove(m.c_str());
  std::remove(p.c_str());
}

BOOST_AUTO_TEST_SUITE_END()
