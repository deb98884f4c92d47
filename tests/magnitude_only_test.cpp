// Magnitude-only dumps from real tools (tests/data/magnitude_only/, made by make.py there with
// scipy.signal.stft and torch.stft: Hann, Hamming and Blackman, speech, noisy speech, a voice at
// 44.1 kHz, a plucked chord and plucked strings at 22 kHz, two written frames x bins, five with a
// window shorter than n_fft; and the magnitude-only cases of samples/matrix/ that are a
// Hann STFT at a hop of a quarter or half the window): the file alone, no hints, must give
// n_fft, hop, win_length, window family, magnitude scale and layout exactly, and audio whose
// spectrogram matches the dump.
#include <algorithm>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "formats/reader.h"
#include "inference/infer.h"
#include "src/cli.h"
#include "src/errors.h"
#include "src/pipeline.h"
#include "tests/test_util.h"

namespace specrecon {
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(magnitude_only)

namespace {

struct Case {
  fs::path file;
  nlohmann::json truth;
};

nlohmann::json ReadJson(const fs::path& p) {
  std::ifstream f(p);
  return nlohmann::json::parse(f);
}

std::vector<Case> CommittedCases() {
  std::vector<Case> out;
  for (const auto& e : fs::directory_iterator(fs::path(SPECRECON_SOURCE_DIR) / "tests/data/magnitude_only"))
    if (e.is_directory() && fs::exists(e.path() / "truth.json")) {
      Case c;
      c.truth = ReadJson(e.path() / "truth.json");
      c.file = e.path() / c.truth["files"]["magnitude"].get<std::string>();
      out.push_back(c);
    }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.file < b.file; });
  return out;
}

// samples/matrix cases this issue promises: magnitude-only Hann STFTs from scipy or torch at
// hop n_fft/4 or n_fft/2, linear or power, float samples.
std::vector<Case> MatrixCases() {
  std::vector<Case> out;
  const fs::path root = fs::path(SPECRECON_SOURCE_DIR) / "samples/matrix";
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::directory_iterator(root)) {
    if (!e.is_directory() || !fs::exists(e.path() / "truth.json")) continue;
    const nlohmann::json t = ReadJson(e.path() / "truth.json");
    const nlohmann::json& files = t["files"];
    if (!files.contains("phase") || !files["phase"].is_null() || !files["magnitude"].is_string()) continue;
    const std::string producer = t.value("producer", "");
    const int n = t["n_fft"], hop = t["hop"], wl = t["win_length"];
    const std::string scale = t["magnitude_scale"], dtype = t["dtype"];
    if ((producer != "scipy.signal.stft" && producer != "torch.stft") || t["window"]["family"] != "hann" || wl != n ||
        (hop * 4 != n && hop * 2 != n) || (scale != "linear" && scale != "power") || (dtype != "float32" && dtype != "float64"))
      continue;
    out.push_back({e.path() / files["magnitude"].get<std::string>(), t});
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.file < b.file; });
  return out;
}

void CheckCase(const Case& c) {
  const std::vector<NdArray> arrays = ReadArrays(c.file.string(), RawHints());
  BOOST_REQUIRE_EQUAL(arrays.size(), 1u);
  const InferenceResult r = Infer(arrays, Hints());
  const nlohmann::json& t = c.truth;
  const std::string name = c.file.parent_path().filename().string();
  BOOST_TEST_MESSAGE(name << ": n_fft " << r.params.n_fft << ", hop " << r.params.hop << ", win_length "
                          << r.params.win_length << ", " << WindowFamilyName(r.params.window.family) << ", "
                          << r.magnitude_scale << ", " << r.roles.at(0).layout << "; SC " << r.spectral_convergence_db << " dB");
  BOOST_CHECK_MESSAGE(r.params.n_fft == t["n_fft"].get<int>(), name << ": n_fft " << r.params.n_fft);
  BOOST_CHECK_MESSAGE(r.params.hop == t["hop"].get<int>(), name << ": hop " << r.params.hop);
  BOOST_CHECK_MESSAGE(r.params.win_length == t["win_length"].get<int>(), name << ": win_length " << r.params.win_length);
  BOOST_CHECK_MESSAGE(WindowFamilyName(r.params.window.family) == t["window"]["family"].get<std::string>(),
                      name << ": window " << WindowFamilyName(r.params.window.family));
  BOOST_CHECK_MESSAGE(r.magnitude_scale == t["magnitude_scale"].get<std::string>(), name << ": scale " << r.magnitude_scale);
  BOOST_CHECK_MESSAGE(r.roles.at(0).layout == t["layout"].get<std::string>(), name << ": layout " << r.roles.at(0).layout);
  for (const char* key : {"n_fft", "hop", "window", "magnitude_scale", "layout"}) {
    BOOST_REQUIRE(r.evidence.count(key));
    BOOST_CHECK_EQUAL(r.evidence.at(key).source, "inferred");
    BOOST_CHECK(r.evidence.at(key).has_runner_up);
  }
  // The retrieved audio matches the dump's magnitude (short dumps and a redundancy of 2 converge
  // less: the redundancy is the window's, win_length / hop).
  BOOST_CHECK_LE(r.spectral_convergence_db, t["hop"].get<int>() * 4 == t["win_length"].get<int>() ? -25.0 : -20.0);
  BOOST_CHECK_EQUAL(r.padded_signal.size(), static_cast<size_t>(r.spectrogram.frames - 1) * r.params.hop + r.params.n_fft);
}

// A committed dump (`dir` under tests/data) and its truth, inferred with 20 retrieval
// iterations and the given sample rate, if any.
struct Inferred {
  nlohmann::json truth;
  InferenceResult r;
};
Inferred InferCommitted(const std::string& dir, bool give_rate = false) {
  const fs::path d = fs::path(SPECRECON_SOURCE_DIR) / "tests/data" / dir;
  Inferred out;
  out.truth = ReadJson(d / "truth.json");
  const std::vector<NdArray> arrays = ReadArrays((d / "magnitude.f32").string(), RawHints());
  BOOST_REQUIRE_EQUAL(arrays.size(), 1u);
  Hints h;
  h.iterations = 20;
  if (give_rate) h.sample_rate = out.truth["sample_rate"].get<int>();
  out.r = Infer(arrays, h);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(committed_scipy_and_torch_dumps_give_their_parameters) {
  const std::vector<Case> cases = CommittedCases();
  BOOST_REQUIRE_EQUAL(cases.size(), 26u);
  for (const Case& c : cases) CheckCase(c);
}

// A dump at n_fft 256 and 16 kHz, where voiced harmonics are unresolved, must be read at its
// scale: the peaks' shape, which fits a window under the wrong reading there, may not overrule
// a patch ratio that is clear (0.797 against 0.81).
BOOST_AUTO_TEST_CASE(a_clear_patch_ratio_keeps_its_scale) {
  const auto [t, r] = InferCommitted("magnitude_scale/scipy_hamming256_hop64");
  BOOST_CHECK_EQUAL(r.magnitude_scale, t["magnitude_scale"].get<std::string>());
  BOOST_CHECK_EQUAL(r.params.n_fft, t["n_fft"].get<int>());
}

// German speech at 8 kHz, n_fft 128: voiced harmonics 2 bins apart make the linear |X| look
// peaky (patch ratio 0.71) and its square root flat (0.89), and the assumed 16 kHz puts the
// bins at 125 Hz, where the peaks' shape is set aside. The power reading was taken, then Hann
// at hop 64. A retrieval at a quarter of the window tells the readings apart.
BOOST_AUTO_TEST_CASE(a_scale_in_doubt_is_settled_by_a_retrieval_at_a_quarter_window) {
  const auto [t, r] = InferCommitted("magnitude_scale/scipy_german8k_blackman128_hop32");
  BOOST_CHECK_EQUAL(r.magnitude_scale, t["magnitude_scale"].get<std::string>());
  BOOST_CHECK_EQUAL(r.params.n_fft, t["n_fft"].get<int>());
  BOOST_CHECK_EQUAL(r.params.hop, t["hop"].get<int>());
  BOOST_CHECK_EQUAL(WindowFamilyName(r.params.window.family), t["window"]["family"].get<std::string>());
  const Evidence& e = r.evidence.at("magnitude_scale");
  BOOST_CHECK_MESSAGE(e.metric.find("retrieval at hop n_fft/4") != std::string::npos, e.metric);
  BOOST_CHECK(e.has_runner_up);
  BOOST_CHECK_GT(e.score, e.runner_up_score);  // -SC: the taken reading is the more consistent
}

// log1p(v) and v differ by under 5% below 0.1: a dump whose values all lie there is read as
// linear, the commoner. Plucked strings resampled to 44.1 kHz (an empty upper half) give both
// plain readings a patch ratio of 0.98, so the log readings are tried; the scipy |X| (values
// below 0.03) was read as log1p, its patch ratio 0.0001 nearer 0.81.
BOOST_AUTO_TEST_CASE(log1p_of_small_values_is_read_as_linear) {
  const auto [t, r] = InferCommitted("magnitude_scale/scipy_music44k_hamming512_hop256", true);
  BOOST_CHECK_EQUAL(r.magnitude_scale, t["magnitude_scale"].get<std::string>());
  BOOST_CHECK_EQUAL(r.params.n_fft, t["n_fft"].get<int>());
  BOOST_CHECK_EQUAL(r.params.hop, t["hop"].get<int>());
  const Evidence& e = r.evidence.at("magnitude_scale");
  BOOST_CHECK(!e.has_runner_up || e.runner_up_value != nlohmann::json("log1p"));
}

// A reading that maps a value beyond 1e150 is not a magnitude (log1p above 345). torch power of a
// plucked chord (largest value 692): both plain readings lay far from the patch ratio's 0.81,
// the log readings were tried, and log1p (expm1(692) = 4e300, a patch ratio of infinities) won;
// then the hop was read as 256.
BOOST_AUTO_TEST_CASE(a_reading_that_overflows_is_not_tried) {
  const auto [t, r] = InferCommitted("magnitude_scale/torch_pluck_power_hann2048_hop512");
  BOOST_CHECK_EQUAL(r.magnitude_scale, t["magnitude_scale"].get<std::string>());
  BOOST_CHECK_EQUAL(r.params.n_fft, t["n_fft"].get<int>());
  BOOST_CHECK_EQUAL(r.params.hop, t["hop"].get<int>());
  BOOST_CHECK(std::isfinite(r.spectral_convergence_db));
  for (const std::string& line : r.log.lines()) BOOST_CHECK_MESSAGE(line.find("log1p reading") == std::string::npos, line);
}

// Values that all lie within a few hundredths of each other are no log of a spectrogram: read
// as one, they are a nearly constant |X|, whose patch ratio (1.0) came nearer 0.81 than a plain
// reading's when the spectra are tonal. The torch power dump above scaled to a largest value of
// 1e-4 (a one-sided PSD is as small: matplotlib's specgram of an organ peaked at 8.9e-5) was read
// as ln, and failed with "frames of 1025 bins are too short to analyse".
BOOST_AUTO_TEST_CASE(tiny_values_are_not_read_as_logarithms) {
  const fs::path d = fs::path(SPECRECON_SOURCE_DIR) / "tests/data/magnitude_scale/torch_pluck_power_hann2048_hop512";
  const nlohmann::json t = ReadJson(d / "truth.json");
  std::vector<NdArray> arrays = ReadArrays((d / "magnitude.f32").string(), RawHints());
  BOOST_REQUIRE_EQUAL(arrays.size(), 1u);
  const double top = *std::max_element(arrays[0].values.begin(), arrays[0].values.end());
  for (double& v : arrays[0].values) v *= 1e-4 / top;
  Hints h;
  h.iterations = 20;
  const InferenceResult r = Infer(arrays, h);
  BOOST_CHECK_EQUAL(r.magnitude_scale, "power");
  BOOST_CHECK_EQUAL(r.params.n_fft, t["n_fft"].get<int>());
  BOOST_CHECK_EQUAL(r.params.hop, t["hop"].get<int>());
  int refused = 0;
  for (const std::string& line : r.log.lines()) refused += line.find("reading not tried: its |X| would span") != std::string::npos;
  BOOST_CHECK_EQUAL(refused, 6);  // db20, db10, ln, log10, ln_power, log10_power
}

// Nor is a reading whose |X| would span more than 1000 dB: torch power of a square-wave organ
// (values up to 482) read as ln spans 4188 dB, nearly every bin 0 against the largest few, a
// patch ratio of 1.0 nearer 0.81 than the power reading's 0.58; it was read as ln, at hop 128
// under Hann.
BOOST_AUTO_TEST_CASE(a_log_reading_spanning_thousands_of_db_is_not_tried) {
  const auto [t, r] = InferCommitted("magnitude_scale/torch_organ_power_hamming1024_hop256", true);
  BOOST_CHECK_EQUAL(r.magnitude_scale, t["magnitude_scale"].get<std::string>());
  BOOST_CHECK_EQUAL(r.params.n_fft, t["n_fft"].get<int>());
  BOOST_CHECK_EQUAL(r.params.hop, t["hop"].get<int>());
  BOOST_CHECK_EQUAL(WindowFamilyName(r.params.window.family), "hamming");
  std::vector<std::string> refused;
  for (const std::string& line : r.log.lines())
    if (line.find("reading not tried: its |X| would span") != std::string::npos) refused.push_back(line.substr(0, line.find(" reading")));
  // ln (4188 dB), log10 (9649), ln_power (2094) and log10_power (4825); db20 (482) and db10 (965) stay.
  BOOST_CHECK_EQUAL(refused.size(), 4u);
  for (const std::string& line : refused) BOOST_CHECK_MESSAGE(line.find("db") == std::string::npos, line);
}

// Integer codes of a magnitude, as a user might store them: a scipy |X| (speech, Hann 512 at
// hop 128) scaled to int16 and written big-endian, and scaled to 0..65535 as uint16. The
// float16 reading of both has NaNs; the first integer type that read (int16 little-endian)
// was taken, and then the byte-swapped or negative codes read as a logarithmic scale at hop
// 256. The integer readings are now ranked, and negative int16 codes whose unsigned reading is
// smoother are read as uint16.
BOOST_AUTO_TEST_CASE(integer_codes_are_read_in_their_byte_order_and_sign) {
  const fs::path dir = fs::path(SPECRECON_SOURCE_DIR) / "tests/data/magnitude_only/scipy_hann512_hop128";
  const nlohmann::json t = ReadJson(dir / "truth.json");
  const std::vector<NdArray> arrays = ReadArrays((dir / "magnitude.f32").string(), RawHints());
  BOOST_REQUIRE_EQUAL(arrays.size(), 1u);
  const std::vector<double>& v = arrays[0].values;
  const double vmax = *std::max_element(v.begin(), v.end());
  struct Coding {
    const char* name;
    double full_scale;
    bool big_endian, is_unsigned;
  };
  for (const Coding& c : {Coding{"int16be", 32767.0, true, false}, Coding{"uint16le", 65535.0, false, true}}) {
    std::vector<double> codes(v.size());
    for (size_t i = 0; i < v.size(); ++i) codes[i] = std::round(v[i] / vmax * c.full_scale);
    const std::string path = test::TempPath(std::string(c.name) + ".bin");
    if (c.is_unsigned) test::WriteBinary<uint16_t>(path, codes, c.big_endian);
    else test::WriteBinary<int16_t>(path, codes, c.big_endian);
    RunOptions o;
    o.files = {path};
    o.hints.iterations = 10;
    const RunResult r = RunInference(o);
    fs::remove(path);
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_CHECK_EQUAL(r.arrays.at(0).info.dtype, c.is_unsigned ? "uint16" : "int16");
      BOOST_CHECK_EQUAL(r.arrays.at(0).info.byte_order, c.big_endian ? "big" : "little");
      BOOST_CHECK_EQUAL(r.inference.magnitude_scale, "linear");
      BOOST_CHECK_EQUAL(r.inference.params.n_fft, t["n_fft"].get<int>());
      BOOST_CHECK_EQUAL(r.inference.params.hop, t["hop"].get<int>());
    }
  }
}

// Logarithms of magnitude-only dumps, as ML pipelines keep them: ln of torch power (ln_power),
// and ln of a scipy |X| (ln). The first had no reading (read as db10, hop 256); the second must
// stay ln though log10_power, an exponent 15% larger, has a patch ratio as near 0.81.
BOOST_AUTO_TEST_CASE(logarithms_of_magnitude_and_of_power_are_told_apart) {
  struct Case {
    const char* dump;
    bool of_power;  // the dump holds power (torch) or a magnitude (scipy)
    const char* want;
  };
  // The German dump's ln reading ties with ln_power (patch ratios 0.088 from 0.81 both), and a
  // retrieval at a quarter-window hop takes ln (by 8 dB): the reading taken must be the one
  // reported and used.
  for (const Case& c : {Case{"magnitude_only/torch_power512_hop128", true, "ln_power"},
                        Case{"magnitude_only/scipy_hann512_hop128", false, "ln"},
                        Case{"magnitude_scale/scipy_german8k_blackman128_hop32", false, "ln"}}) {
    const fs::path dir = fs::path(SPECRECON_SOURCE_DIR) / "tests/data" / c.dump;
    const nlohmann::json t = ReadJson(dir / "truth.json");
    std::vector<NdArray> arrays = ReadArrays((dir / "magnitude.f32").string(), RawHints());
    BOOST_REQUIRE_EQUAL(arrays.size(), 1u);
    for (double& v : arrays[0].values) v = std::log(v + (c.of_power ? 1e-9 : 1e-6));
    Hints h;
    h.iterations = 20;
    h.sample_rate = t["sample_rate"].get<int>();
    const InferenceResult r = Infer(arrays, h);
    BOOST_TEST_CONTEXT(c.dump) {
      BOOST_CHECK_EQUAL(r.magnitude_scale, c.want);
      BOOST_CHECK_EQUAL(r.evidence.at("magnitude_scale").value, nlohmann::json(c.want));
      BOOST_CHECK_EQUAL(r.params.n_fft, t["n_fft"].get<int>());
      BOOST_CHECK_EQUAL(r.params.hop, t["hop"].get<int>());
    }
  }
}

// Octave's specgram keeps n_fft/2 bins (the Nyquist row dropped) and writes frames x bins;
// its magnitude alone (samples/octave_specgram/spec.bin, made by samples/make_octave_specgram.m)
// must give n_fft 512, hop 128 and Hann 512. The hops were once scanned from 2 (bins - 1) = 510:
// win_length 510 at hop 255.
BOOST_AUTO_TEST_CASE(octave_specgram_magnitude_alone_gives_its_parameters) {
  const fs::path dir = fs::path(SPECRECON_SOURCE_DIR) / "samples/octave_specgram";
  Case c;
  c.truth = ReadJson(dir / "truth.json");
  c.file = dir / c.truth["files"]["magnitude"].get<std::string>();
  CheckCase(c);
}

BOOST_AUTO_TEST_CASE(matrix_magnitude_only_dumps_give_their_parameters) {
  const std::vector<Case> cases = MatrixCases();
  if (cases.empty()) BOOST_TEST_MESSAGE("no magnitude-only Hann cases in samples/matrix");
  for (const Case& c : cases) CheckCase(c);
}

// Bins of 86 Hz set the peaks' shape aside; it said Blackman, and at a quarter window the
// retrieval prefers Blackman to Hann too: the report says why the family is not the Hann prior.
// At half a window the rules of pick_family (magnitude_only.cpp) for Blackman and Hamming.
BOOST_AUTO_TEST_CASE(a_family_set_aside_for_wide_bins_is_taken_with_the_retrieval) {
  struct Case {
    const char* dir;
    int sample_rate, hop;
    const char* family;
    const char* note;  // what the window evidence's note must say
  };
  const Case cases[] = {
      // A quarter window: the retrieval prefers the peaks' Blackman to Hann too.
      {"scipy_music_blackman256_hop64", 22050, 64, "blackman", "set the spectral peaks' shape aside, but it said blackman"},
      // Half the window: the retrieval cannot prefer anything (level within 0.01 dB); wide bins
      // bias the peaks narrower, not wider, so their Blackman stands unless the retrieval objects.
      {"scipy_music_blackman256_hop128", 22050, 128, "blackman", "the retrieval does not prefer Hann by 1 dB"},
      // Hamming at half the window (speech, 62.5 Hz bins): its peaks' loose Hamming fit is no
      // Hann window read one family narrower.
      {"scipy_hamming256_hop128", 16000, 128, "hamming", "too loose for a Hann window read one family narrower"},
      // Blackman at half the window on a chord (bins of 47 Hz): peaks that lean to Blackman
      // without the margin are taken there.
      {"scipy_chord_blackman1024_hop512", 48000, 512, "blackman", "the spectral peaks are not decisive, but they lean to it"},
  };
  for (const Case& c : cases) {
    const fs::path dir = fs::path(SPECRECON_SOURCE_DIR) / "tests/data/magnitude_only" / c.dir;
    Hints h;
    h.sample_rate = c.sample_rate;
    const InferenceResult r = Infer(ReadArrays((dir / "magnitude.f32").string(), RawHints()), h);
    BOOST_CHECK_MESSAGE(WindowFamilyName(r.params.window.family) == std::string(c.family),
                        c.dir << ": " << WindowFamilyName(r.params.window.family));
    BOOST_CHECK_EQUAL(r.params.hop, c.hop);
    BOOST_CHECK_MESSAGE(r.evidence.at("window").note.find(c.note) != std::string::npos,
                        c.dir << ": note " << r.evidence.at("window").note);
  }
}

// A window shorter than n_fft: where the frames' autocorrelation vanishes, its edge is abrupt
// under a window with a pedestal (Hamming) and fades under one tapering to zero (Hann), and only
// families of that kind are tried. Without it the Hamming dump (at half the window, where the
// retrieval hardly tells families apart) was read as Hann, and the Hann dump as Hamming 388 at
// hop 194.
BOOST_AUTO_TEST_CASE(the_autocorrelation_edge_parts_pedestal_windows_from_tapered_ones) {
  struct EdgeCase {
    const char* dir;
    const char* family;
    const char* note;
    std::vector<std::string> allowed;  // the families the window evidence may name as runner-up
  };
  const EdgeCase cases[] = {
      {"torch_power_hamming512_in1024_hop256", "hamming", "ends at a hard edge", {"rectangular"}},
      {"scipy_hann400_in1024_hop200", "hann", "fades to its edge", {"blackman", "blackman_harris", "sine"}},
  };
  for (const EdgeCase& c : cases) {
    const auto [t, r] = InferCommitted(std::string("magnitude_only/") + c.dir);
    BOOST_TEST_CONTEXT(c.dir) {
      BOOST_CHECK_EQUAL(WindowFamilyName(r.params.window.family), c.family);
      BOOST_CHECK_EQUAL(r.params.win_length, t["win_length"].get<int>());
      BOOST_CHECK_EQUAL(r.params.hop, t["hop"].get<int>());
      const Evidence& e = r.evidence.at("window");
      BOOST_CHECK_MESSAGE(e.note.find(c.note) != std::string::npos, e.note);
      BOOST_REQUIRE(e.has_runner_up);
      const std::string runner = e.runner_up_value.get<std::string>();
      BOOST_CHECK_MESSAGE(std::any_of(c.allowed.begin(), c.allowed.end(),
                                      [&](const std::string& f) { return runner.rfind(f + " ", 0) == 0; }),
                          "runner-up " << runner);
    }
  }
}

// A window as long as the frame: Hamming's pedestal leaves a step where the frame wraps, and
// where the signal has little of its own in the top quarter of the band (a plucked chord at
// 22050 Hz) the frames' spectra end in the step's smooth 1/sin^2 tail; only windows with a
// pedestal are tried then. The chord under Hamming 256 at half the window was read as Hann. A DC
// offset under Hann, which scipy's zero padding turns into a step in the first and last frames,
// smooths too few frames to count, and every family stays in the table.
BOOST_AUTO_TEST_CASE(a_step_where_the_frame_wraps_shows_a_pedestal) {
  {
    const auto [t, r] = InferCommitted("magnitude_only/scipy_pluck_hamming256_hop128");
    BOOST_CHECK_EQUAL(WindowFamilyName(r.params.window.family), "hamming");
    BOOST_CHECK_EQUAL(r.params.hop, 128);
    BOOST_CHECK_EQUAL(r.params.win_length, 256);
    const Evidence& e = r.evidence.at("window");
    BOOST_CHECK_MESSAGE(e.note.find("1/sin^2 tail of a step where the frame wraps") != std::string::npos, e.note);
    BOOST_REQUIRE(e.has_runner_up);
    BOOST_CHECK_MESSAGE(e.runner_up_value.get<std::string>().rfind("rectangular ", 0) == 0, e.runner_up_value);
  }
  {
    const auto [t, r] = InferCommitted("magnitude_only/scipy_pluck_dc_hann256_hop128");
    BOOST_CHECK_EQUAL(WindowFamilyName(r.params.window.family), "hann");
    BOOST_CHECK_EQUAL(r.params.hop, 128);
    const Evidence& e = r.evidence.at("window");
    BOOST_CHECK_MESSAGE(e.note.find("tail of a step") == std::string::npos, e.note);
    const std::vector<std::string>& log = r.log.lines();
    const auto counted = std::find_if(log.begin(), log.end(), [](const std::string& l) { return l.find("in a step's tail") != std::string::npos; });
    BOOST_REQUIRE(counted != log.end());
    BOOST_CHECK_MESSAGE(counted->find("the window has a pedestal") == std::string::npos, *counted);
  }
}

// The other way: where the top quarter of the band lies far under the step a Hamming window
// would leave, only windows tapering to zero are tried. torchaudio's Spectrogram defaults (Hann
// 400, hop 200, power) on a voice resampled to 44.1 kHz, whose peaks (bins of 110 Hz) said
// Hamming, was read as Hamming.
BOOST_AUTO_TEST_CASE(a_quiet_top_quarter_rules_out_a_pedestal) {
  const auto [t, r] = InferCommitted("magnitude_only/torch_female44k_power_hann400_hop200", true);
  BOOST_CHECK_EQUAL(WindowFamilyName(r.params.window.family), "hann");
  BOOST_CHECK_EQUAL(r.params.n_fft, 400);
  BOOST_CHECK_EQUAL(r.params.hop, 200);
  const Evidence& e = r.evidence.at("window");
  BOOST_CHECK_MESSAGE(e.note.find("under the step a Hamming window leaves") != std::string::npos, e.note);
  BOOST_REQUIRE(e.has_runner_up);
  const std::string runner = e.runner_up_value.get<std::string>();
  BOOST_CHECK_MESSAGE(runner.rfind("hamming ", 0) != 0 && runner.rfind("rectangular ", 0) != 0, "runner-up " << runner);
}

// A hop of 2/5 of the window (whisper's 160 of 400) is no halving of it: the scan reads 1/2, and
// a short retrieval's gains from L/3 to 2L/5 and from 2L/5 to L/2 tell the two apart. Both ways:
// whisper's STFT of speech16k, once read at 200, and torchaudio's defaults on the 44.1 kHz voice
// (hop 200), where the check runs and keeps 1/2.
BOOST_AUTO_TEST_CASE(a_hop_of_two_fifths_of_the_window_is_told_from_a_half) {
  {
    const auto [t, r] = InferCommitted("magnitude_only/torch_power_hann400_hop160", true);
    BOOST_CHECK_EQUAL(r.params.n_fft, 400);
    BOOST_CHECK_EQUAL(r.params.win_length, 400);
    BOOST_CHECK_EQUAL(r.params.hop, 160);
    const Evidence& e = r.evidence.at("hop");
    BOOST_CHECK_EQUAL(e.source, "inferred");
    BOOST_CHECK_GT(e.score, 0.0);
    BOOST_REQUIRE(e.has_runner_up);
    BOOST_CHECK_EQUAL(e.runner_up_value.get<int>(), 200);
    BOOST_CHECK_MESSAGE(e.note.find("2/5 of the window was tried against 1/2") != std::string::npos, e.note);
    const std::string& wn = r.evidence.at("window").note;
    BOOST_CHECK_MESSAGE(wn.find("the family was scored at hop 200, before 2/5 of the window was taken") != std::string::npos, wn);
  }
  {
    const auto [t, r] = InferCommitted("magnitude_only/torch_female44k_power_hann400_hop200", true);
    BOOST_CHECK_EQUAL(r.params.hop, 200);
    const Evidence& e = r.evidence.at("hop");
    BOOST_CHECK_MESSAGE(e.note.find("2/5 of the window was tried against 1/2") != std::string::npos, e.note);
  }
}

BOOST_AUTO_TEST_CASE(hints_are_used_and_reported_as_given) {
  const std::vector<Case> cases = CommittedCases();
  const auto it = std::find_if(cases.begin(), cases.end(),
                               [](const Case& k) { return k.file.parent_path().filename() == "scipy_hann512_hop128"; });
  BOOST_REQUIRE(it != cases.end());
  const Case& c = *it;
  const std::vector<NdArray> arrays = ReadArrays(c.file.string(), RawHints());
  Hints h;
  h.hop = 128;
  h.iterations = 30;
  const InferenceResult r = Infer(arrays, h);
  BOOST_CHECK_EQUAL(r.params.hop, 128);
  BOOST_CHECK_EQUAL(r.evidence.at("hop").source, "given");
  BOOST_CHECK_LE(r.retrieval_iterations, 30);
}

// A given win_length longer than the n_fft the bins allow is a clear inference failure naming
// the file (it once ended the process with abort: the exception left a worker thread).
BOOST_AUTO_TEST_CASE(a_given_window_longer_than_the_frame_fails_clearly) {
  const std::vector<Case> cases = CommittedCases();
  const auto it = std::find_if(cases.begin(), cases.end(),
                               [](const Case& k) { return k.file.parent_path().filename() == "scipy_hann512_hop128"; });
  BOOST_REQUIRE(it != cases.end());
  const std::vector<NdArray> arrays = ReadArrays(it->file.string(), RawHints());
  Hints h;
  h.win_length = 1024;
  try {
    Infer(arrays, h);
    BOOST_FAIL("no error");
  } catch (const Error& e) {
    BOOST_CHECK(e.code() == ExitCode::kInferenceFailed);
    BOOST_CHECK_NE(e.Line().find("scipy_hann512_hop128"), std::string::npos);
    BOOST_CHECK_NE(e.Line().find("win_length 1024 exceeds n_fft 512"), std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(command_line_writes_audio_and_reports_spectral_convergence) {
  const std::vector<Case> cases = CommittedCases();
  const auto it = std::find_if(cases.begin(), cases.end(),
                               [](const Case& k) { return k.file.parent_path().filename() == "scipy_hann512_hop128"; });
  BOOST_REQUIRE(it != cases.end());
  const Case& c = *it;
  const std::string wav = test::TempPath("magonly.wav"), report = test::TempPath("magonly.json");
  std::remove(wav.c_str());
  std::remove(report.c_str());
  std::ostringstream out, err;
  const int code = RunCli({"reconstruct", c.file.string(), "-o", wav, "--report", report, "--iterations", "50",
                           "--tolerance", "0"},
                          out, err);
  BOOST_REQUIRE_MESSAGE(code == 0, err.str());
  const nlohmann::json j = ReadJson(report);
  BOOST_CHECK_EQUAL(j["reconstruction"]["retrieval_iterations"].get<int>(), 50);
  BOOST_CHECK_LT(j["reconstruction"]["spectral_convergence_db"].get<double>(), -15.0);
  BOOST_CHECK_EQUAL(j["stft"]["hop"].get<int>(), 128);
  std::ostringstream out2, err2;
  BOOST_CHECK_EQUAL(RunCli({"infer", c.file.string(), "--iterations", "0"}, out2, err2), 2);  // usage error
  std::remove(wav.c_str());
  std::remove(report.c_str());
}

BOOST_AUTO_TEST_CASE(values_that_are_not_finite_are_refused) {
  NdArray a = test::MakeArray(std::vector<double>(257 * 40, 1.0), "nan.f32");
  a.values[100] = std::nan("");
  try {
    Infer({a}, Hints());
    BOOST_FAIL("no error");
  } catch (const Error& e) {
    BOOST_CHECK(e.code() == ExitCode::kBadInput);
  }
}

BOOST_AUTO_TEST_CASE(fuzz_found_magnitude_without_structure_fails_cleanly) {
  // fuzz/regressions/infer/magnitude-only-negative-period-correlation: 25 float32 values whose
  // best stream period correlates negatively; every candidate was dropped and the orientation
  // step read the maximum of an empty list (UBSan: reference binding to null). Decoded as
  // fuzz/fuzz_infer.cpp does: mode byte, bins byte, then float32 values.
  std::ifstream f(std::string(SPECRECON_SOURCE_DIR) + "/fuzz/regressions/infer/magnitude-only-negative-period-correlation",
                  std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  BOOST_REQUIRE_GT(bytes.size(), 2u);
  std::vector<double> v;
  for (size_t i = 2; i + 4 <= bytes.size(); i += 4) {
    float x;
    std::memcpy(&x, bytes.data() + i, 4);
    v.push_back(x);
  }
  BOOST_REQUIRE_EQUAL(v.size(), 25u);
  Hints hints;
  hints.iterations = 3;
  try {
    const InferenceResult r = Infer({test::MakeArray(v, "fuzz-magnitude.bin")}, hints);
    BOOST_CHECK_GT(r.params.n_fft, 0);
  } catch (const Error& e) {
    BOOST_TEST_MESSAGE("refused: " << e.what());
  }
}

// Infers DIR/magnitude.npy (DIR under the source tree) at the rate of DIR/truth.json and checks
// n_fft, hop, win_length and family against it.
RunResult InferAgainstTruth(const std::string& dir) {
  const fs::path d = fs::path(SPECRECON_SOURCE_DIR) / dir;
  const nlohmann::json t = ReadJson(d / "truth.json");
  RunOptions opt;
  opt.files = {(d / "magnitude.npy").string()};
  opt.sample_rate = t["sample_rate"].get<int>();
  RunResult run = RunInference(opt);
  const InferenceResult& r = run.inference;
  BOOST_CHECK_EQUAL(r.params.n_fft, t["n_fft"].get<int>());
  BOOST_CHECK_EQUAL(r.params.hop, t["hop"].get<int>());
  BOOST_CHECK_EQUAL(r.params.window.length, t["win_length"].get<int>());
  BOOST_CHECK_EQUAL(WindowFamilyName(r.params.window.family), t["window"]["family"].get<std::string>());
  return run;
}

BOOST_AUTO_TEST_CASE(a_stored_shape_decides_the_layout) {
  // numpy.save of scipy's Blackman 1024 at hop 512 of a French sentence (513 x 122, column-major):
  // its flat stream correlates best at period 6, and it was read as n_fft 20860 while the shape
  // was ignored here (tests/data/magnitude_shape/make.py).
  const RunResult run = InferAgainstTruth("tests/data/magnitude_shape/scipy_fr16k_blackman1024_hop512");
  const InferenceResult& r = run.inference;
  size_t shape_lines = 0;
  for (const std::string& line : r.log.lines()) shape_lines += line.find("the stored shape leaves period 513 (122 x 513)") != std::string::npos;
  BOOST_CHECK_EQUAL(shape_lines, 1u);
}

BOOST_AUTO_TEST_CASE(clean_peaks_decide_the_family) {
  // matplotlib's specgram (Hann 1024 at hop 256) of a plucked chord (tests/data/clean_peaks/
  // make.py): beating partials make the 10th percentile of its peaks' widths read Hamming, and
  // it was read as Hamming 1024 at hop 512. Peaks whose five bins lie on one lobe say Hann.
  const RunResult run = InferAgainstTruth("tests/data/clean_peaks/mlab_pluck22k_hann1024_hop256");
  const InferenceResult& r = run.inference;
  size_t decided = 0;
  for (const std::string& line : r.log.lines()) decided += line.find("hann decides") != std::string::npos;
  BOOST_CHECK_EQUAL(decided, 1u);
  BOOST_CHECK_NE(r.evidence.at("window").note.find("spectral peaks fit this family's main lobe over five bins"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_longer_retrieval_settles_the_family_at_a_quarter_window) {
  // |scipy.signal.stft| (Hamming 128 at hop 32) of German speech at 8 kHz (tests/data/
  // longer_retrieval/make.py): bins of 62.5 Hz set the peaks aside, the family table preferred
  // Hamming to the Hann prior by 1.24 dB, short of its margin, and the dump was read as Hann.
  const RunResult run = InferAgainstTruth("tests/data/longer_retrieval/scipy_german8k_hamming128_hop32");
  const InferenceResult& r = run.inference;
  size_t longer = 0, taken = 0;
  for (const std::string& line : r.log.lines()) {
    longer += line.find("longer retrieval (100 iterations, 128 loudest frames)") != std::string::npos;
    taken += line.find("hamming is taken: the longer retrieval prefers it to hann") != std::string::npos;
  }
  BOOST_CHECK_EQUAL(longer, 2u);
  BOOST_CHECK_EQUAL(taken, 1u);
  const Evidence& we = r.evidence.at("window");
  BOOST_CHECK_NE(we.metric.find("longer retrieval"), std::string::npos);
  BOOST_CHECK(we.has_runner_up);
  BOOST_CHECK_EQUAL(we.runner_up_value.get<std::string>().rfind("hann", 0), 0u);
  BOOST_CHECK_GT(we.score, we.runner_up_score + 1.0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace specrecon
