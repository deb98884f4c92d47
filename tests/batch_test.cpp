// `specrecon batch`: a folder of 20 dump sets copied and renamed from samples/ and
// samples/matrix (17 good ones named in every way the grouping rules know, 3 malformed: a
// truncated .npy, mismatched sizes, random bytes) must give 17 WAVs and reports whose parameters
// equal the producers' truth.json, 3 clear errors, a summary CSV and JSON that agree, the worst
// exit code, and with --jobs 2 two sets really processed at the same time.
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "src/dump_sets.h"
#include "src/progress.h"
#include "src/wav.h"
#include "tests/test_util.h"

namespace specrecon {
namespace fs = std::filesystem;

namespace {
// The batch folder is made once per process (Folder()) and removed after the suite.
struct RemoveFolder {
  ~RemoveFolder() { fs::remove_all(test::TempPath("batch_in")); }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(batch, *boost::unit_test::fixture<RemoveFolder>())

namespace {

const fs::path kSamples = fs::path(SPECRECON_SOURCE_DIR) / "samples";

struct Outcome {
  int code;
  std::string out, err;
};

std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Outcome Run(const std::string& args) {
  const std::string o = test::TempPath("batch_out"), e = test::TempPath("batch_err");
  const int status = std::system((std::string(SPECRECON_BINARY) + " " + args + " >" + o + " 2>" + e).c_str());
  Outcome r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(o), Slurp(e)};
  fs::remove(o);
  fs::remove(e);
  return r;
}

struct GoodSet {
  std::string source;                                      // folder under samples/
  std::vector<std::pair<std::string, std::string>> files;  // (file in source, path under the batch folder)
};

// 17 good sets: every naming the grouping rules handle, several sets per folder, nesting.
const std::vector<GoodSet> kGood = {
    {"scipy_stft_default", {{"spectrogram.bin", "scipy/default/spectrogram.bin"}, {"phases.bin", "scipy/default/phases.bin"}}},
    {"scipy_stft_hamming512", {{"spectrogram.bin", "scipy/take_mag.f32"}, {"phases.bin", "scipy/take_phase.f32"}}},
    {"scipy_stft_odd", {{"spectrogram.bin", "scipy/odd_mag.f32"}, {"phases.bin", "scipy/odd_phase.f32"}}},
    {"torch_stft_center_reflect", {{"mag.f32", "torch/reflect/mag.f32"}, {"phase.f32", "torch/reflect/phase.f32"}}},
    {"torch_stft_nocenter", {{"spectrogram.bin", "torch/S.bin"}, {"phases.bin", "torch/P.bin"}}},
    {"numpy_manual_f64be", {{"magnitude.dat", "numpy/magnitude.dat"}, {"phase.dat", "numpy/phase.dat"}}},
    {"octave_specgram", {{"spec.bin", "octave/spec.bin"}, {"phase.bin", "octave/phase.bin"}}},
    {"scipy_stft_blackman_frames", {{"spectrogram.bin", "deep/a/b/Sxx.bin"}, {"phases.bin", "deep/a/b/Sxx_phase.bin"}}},
    {"matrix/container_complex64", {{"stft.c64", "complex/stft.c64"}}},
    {"matrix/phase_int16", {{"magnitude.bin", "matrix/int16/magnitude.bin"}, {"phase.bin", "matrix/int16/phase.bin"}}},
    {"matrix/scale_db20", {{"magnitude.bin", "matrix/db/rec7_magnitude.bin"}, {"phase.bin", "matrix/db/rec7_phase.bin"}}},
    {"matrix/torch_winlen320_nfft512", {{"mag.f32", "matrix/db/w320-mag.f32"}, {"phase.f32", "matrix/db/w320-phase.f32"}}},
    {"matrix/mlab_mag_angle", {{"spec.dat", "matrix/mlab/spectrum.dat"}, {"phase.dat", "matrix/mlab/angle.dat"}}},
    {"matrix/scipy_kaiser5_256", {{"magnitude.bin", "matrix/unnamed/a.bin"}, {"phase.bin", "matrix/unnamed/b.bin"}}},
    {"matrix/octave_specgram_odd255", {{"spec.bin", "matrix/oct/specgram_mag.bin"}, {"phase.bin", "matrix/oct/specgram_phase.bin"}}},
    {"matrix/scipy_hann512_hop64", {{"magnitude.bin", "matrix/camel/specMag.raw"}, {"phase.bin", "matrix/camel/specPhase.raw"}}},
    {"matrix/scipy_blackman256", {{"magnitude.bin", "matrix/bm/x.mag"}, {"phase.bin", "matrix/bm/x.phase"}}},
};

// The malformed sets: (folder under the batch folder, its files).
const std::vector<std::vector<std::string>> kBad = {
    {"bad/truncated/stft.npy"},
    {"bad/mismatch/mag.f32", "bad/mismatch/phase.f32"},
    {"bad/noise/noise_mag.bin", "bad/noise/noise_phase.bin"},
};

void WriteBytes(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

// Builds the folder once per process; returns its path.
const fs::path& Folder() {
  static const fs::path root = [] {
    const fs::path r = test::TempPath("batch_in");
    fs::remove_all(r);
    for (const GoodSet& g : kGood)
      for (const auto& [from, to] : g.files) {
        fs::create_directories((r / to).parent_path());
        fs::copy_file(kSamples / g.source / from, r / to, fs::copy_options::overwrite_existing);
      }
    // Noise and documents beside the dumps that grouping must skip.
    WriteBytes(r / "scipy/README.md", "# notes\n");
    WriteBytes(r / "scipy/default/truth.json", "{}\n");
    // Truncated: a complex64 .npy cut in half.
    const std::string npy = Slurp(fs::path(SPECRECON_SOURCE_DIR) / "tests/data/formats/npy/c8le.npy");
    WriteBytes(r / kBad[0][0], npy.substr(0, npy.size() / 2));
    // Mismatched sizes: magnitude and phase of two different dumps.
    WriteBytes(r / kBad[1][0], Slurp(kSamples / "scipy_stft_default/spectrogram.bin"));
    WriteBytes(r / kBad[1][1], Slurp(kSamples / "scipy_stft_hamming512/phases.bin"));
    // Random bytes.
    std::mt19937 rng(7);
    for (const std::string& f : kBad[2]) {
      std::string b(40000, '\0');
      for (char& c : b) c = static_cast<char>(rng() & 0xff);
      WriteBytes(r / f, b);
    }
    return r;
  }();
  return root;
}

std::vector<std::string> SortedRelative(const nlohmann::json& files, const fs::path& root) {
  std::vector<std::string> v;
  for (const auto& f : files) v.push_back(fs::absolute(f.get<std::string>()).lexically_relative(fs::absolute(root)).generic_string());
  std::sort(v.begin(), v.end());
  return v;
}

// Minimal RFC 4180 reader: fields with quotes, commas and doubled quotes.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') rows.back().back() += '"', ++i;
      else if (c == '"') quoted = false;
      else rows.back().back() += c;
    } else if (c == '"') quoted = true;
    else if (c == ',') rows.back().emplace_back();
    else if (c == '\n') rows.emplace_back(1);
    else rows.back().back() += c;
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_CASE(grouping_finds_every_set) {
  const std::vector<DumpSet> sets = FindDumpSets(Folder().string(), "");
  std::set<std::vector<std::string>> expected, got;
  for (const GoodSet& g : kGood) {
    std::vector<std::string> files;
    for (const auto& f : g.files) files.push_back(f.second);
    std::sort(files.begin(), files.end());
    expected.insert(files);
  }
  for (std::vector<std::string> b : kBad) expected.insert((std::sort(b.begin(), b.end()), b));
  std::set<std::string> names;
  for (const DumpSet& s : sets) {
    nlohmann::json files = s.files;
    got.insert(SortedRelative(files, Folder()));
    names.insert(s.name);
  }
  BOOST_CHECK_EQUAL(sets.size(), 20u);
  BOOST_CHECK_EQUAL(names.size(), sets.size());  // unique
  for (const auto& e : expected) BOOST_CHECK_MESSAGE(got.count(e), "set not found: " + nlohmann::json(e).dump());
}

BOOST_AUTO_TEST_CASE(single_plane_containers_pair_by_name) {
  // scipy.io.savemat of S into mag.mat beside phase.mat, json.dump or a print of each array: one
  // plane per file, half of a pair, matched by name (each was a set alone, its phase read as a
  // magnitude); a file holding two planes is a whole dump, a set alone.
  const fs::path r = test::TempPath("batch_planes");
  fs::remove_all(r);
  fs::create_directories(r);
  const fs::path printed = fs::path(SPECRECON_SOURCE_DIR) / "tests/data/formats/printed";
  fs::copy_file(printed / "np_str.txt", r / "take_magnitude.txt");
  fs::copy_file(printed / "np_str.txt", r / "take_phase.txt");
  fs::copy_file(printed / "two_arrays.txt", r / "both.txt");
  const std::vector<DumpSet> sets = FindDumpSets(r.string(), "");
  BOOST_REQUIRE_EQUAL(sets.size(), 2u);
  std::set<std::vector<std::string>> got;
  for (const DumpSet& s : sets) got.insert(SortedRelative(nlohmann::json(s.files), r));
  BOOST_CHECK(got.count({"take_magnitude.txt", "take_phase.txt"}));
  BOOST_CHECK(got.count({"both.txt"}));
  for (const DumpSet& s : sets)
    BOOST_CHECK_EQUAL(s.reason, s.files.size() == 2 ? "names take_magnitude / take_phase" : "container or complex array");
}

BOOST_AUTO_TEST_CASE(compressed_files_pair_as_what_they_hold) {
  // gzip of a raw magnitude and phase pair (spectrogram.bin.gz, phases.bin.gz): a raw file inside
  // is half of a pair, matched by name without ".gz" (each was a set alone, read as a container);
  // a gzip of an archive with two planes is a set alone. Likewise an xz and a zstd file of a pair,
  // and a bzip2-compressed tar of two arrays. Fixtures by Python's gzip, lzma and bz2 and the zstd
  // command (tests/data/formats/make_gzip_fixtures.py, make_compressed_fixtures.py).
  const fs::path r = test::TempPath("batch_gzip");
  fs::remove_all(r);
  fs::create_directories(r);
  const fs::path gz = fs::path(SPECRECON_SOURCE_DIR) / "tests/data/formats/gzip";
  fs::copy_file(gz / "raw_f32le.bin.gz", r / "spectrogram.bin.gz");
  fs::copy_file(gz / "raw_f32le.bin.gz", r / "phases.bin.gz");
  fs::copy_file(gz / "npz_deflated.npz.gz", r / "both.npz.gz");
  const fs::path packed = gz / "../compressed";
  fs::copy_file(packed / "raw_f32le.bin.xz", r / "take2_magnitude.bin.xz");
  fs::copy_file(packed / "raw_f32le.bin.zst", r / "take2_phase.bin.zst");
  fs::copy_file(packed / "pair.tar.bz2", r / "take3.tar.bz2");
  const std::vector<DumpSet> sets = FindDumpSets(r.string(), "");
  std::set<std::vector<std::string>> got;
  for (const DumpSet& s : sets) got.insert(SortedRelative(nlohmann::json(s.files), r));
  BOOST_CHECK_EQUAL(sets.size(), 4u);
  BOOST_CHECK(got.count({"take2_magnitude.bin.xz", "take2_phase.bin.zst"}));
  BOOST_CHECK(got.count({"take3.tar.bz2"}));
  BOOST_CHECK(got.count({"phases.bin.gz", "spectrogram.bin.gz"}));
  BOOST_CHECK(got.count({"both.npz.gz"}));
  fs::remove_all(r);
}

BOOST_AUTO_TEST_CASE(an_archive_of_a_pair_is_a_set_by_itself) {
  // A .tar.gz holding spectrogram.bin and phases.bin (make_archive_fixtures.py) is a set alone,
  // not half of a pair with a phase file named like it; a zip of files likewise.
  const fs::path r = test::TempPath("batch_archive");
  fs::remove_all(r);
  fs::create_directories(r);
  const fs::path ar = fs::path(SPECRECON_SOURCE_DIR) / "tests/data/formats/archive";
  fs::copy_file(ar / "phase_int16.tar.gz", r / "take1.tar.gz");
  fs::copy_file(fs::path(SPECRECON_SOURCE_DIR) / "samples/matrix/phase_int16/phase.bin", r / "take1_phase.tar.gz.bin");
  fs::copy_file(ar / "files_with_notes.zip", r / "notes.zip");
  // safetensors, Octave binary and MAT v4 files holding two planes likewise (before: single files,
  // open to pairing with any file of a compatible size).
  fs::copy_file(ar / "../safetensors/stft_pair.safetensors", r / "pair.safetensors");
  fs::copy_file(ar / "../octave_binary/octave_le.bin", r / "octave.bin");
  const std::vector<DumpSet> sets = FindDumpSets(r.string(), "");
  std::set<std::vector<std::string>> got;
  for (const DumpSet& s : sets) {
    got.insert(SortedRelative(nlohmann::json(s.files), r));
    // Taken as containers, before any pairing by name or by size (a lone file's reason otherwise).
    if (s.files.size() == 1 && s.files[0].find("take1_phase") == std::string::npos)
      BOOST_CHECK_EQUAL(s.reason, "container or complex array");
  }
  BOOST_CHECK_EQUAL(sets.size(), 5u);
  BOOST_CHECK(got.count({"take1.tar.gz"}));
  BOOST_CHECK(got.count({"pair.safetensors"}));
  BOOST_CHECK(got.count({"octave.bin"}));
  BOOST_CHECK(got.count({"notes.zip"}));
  fs::remove_all(r);
}

BOOST_AUTO_TEST_CASE(name_roles) {
  std::string key;
  BOOST_CHECK_EQUAL(NameRole("spectrogram.bin", &key), "magnitude");
  BOOST_CHECK_EQUAL(key, "");
  BOOST_CHECK_EQUAL(NameRole("take1_phase.f32", &key), "phase");
  BOOST_CHECK_EQUAL(key, "take1");
  BOOST_CHECK_EQUAL(NameRole("specPhase.raw", &key), "phase");
  BOOST_CHECK_EQUAL(key, "spec");
  BOOST_CHECK_EQUAL(NameRole("Sxx.bin", &key), "");
  BOOST_CHECK_EQUAL(key, "sxx");
  BOOST_CHECK_EQUAL(NameRole("P.bin", &key), "phase");
}

BOOST_AUTO_TEST_CASE(twenty_sets_two_jobs) {
  const fs::path out = test::TempPath("batch_outdir");
  fs::remove_all(out);
  const Outcome o = Run("batch " + Folder().string() + " -o " + out.string() + " --jobs 2 --sample-rate 16000");
  BOOST_TEST_MESSAGE(o.out);
  BOOST_TEST_MESSAGE(o.err);
  // The grouping is printed before processing; no progress bar when stderr is not a terminal.
  BOOST_CHECK_NE(o.out.find("20 dump sets"), std::string::npos);
  BOOST_CHECK_EQUAL(o.err.find('\r'), std::string::npos);
  BOOST_CHECK_EQUAL(o.err.find("\033["), std::string::npos);

  const nlohmann::json summary = nlohmann::json::parse(Slurp(out / "summary.json"));
  BOOST_REQUIRE_EQUAL(summary["sets"].size(), 20u);
  BOOST_CHECK_EQUAL(summary["jobs"], 2);
  BOOST_CHECK_EQUAL(summary["ok"], 17);
  BOOST_CHECK_EQUAL(summary["failed"], 3);
  int worst = 0;
  size_t wavs = 0;
  for (const auto& e : fs::directory_iterator(out)) wavs += e.path().extension() == ".wav";
  BOOST_CHECK_EQUAL(wavs, 17u);
  std::set<std::vector<std::string>> bad;
  for (std::vector<std::string> b : kBad) bad.insert((std::sort(b.begin(), b.end()), b));
  for (const auto& s : summary["sets"]) {
    const std::vector<std::string> files = SortedRelative(s["files"], Folder());
    const bool expect_bad = bad.count(files) > 0;
    BOOST_CHECK_MESSAGE((s["status"] == "ok") != expect_bad, s.dump());
    if (expect_bad) {
      worst = std::max(worst, s["exit_code"].get<int>());
      BOOST_CHECK_GE(s["exit_code"].get<int>(), 3);
      const std::string err = s["error"].get<std::string>();
      BOOST_CHECK_EQUAL(err.rfind("error: ", 0), 0u);
      BOOST_CHECK_MESSAGE(err.find(fs::path(files[0]).parent_path().filename().string()) != std::string::npos,
                          "error names the file: " + err);
      BOOST_CHECK(!fs::exists(out / (s["name"].get<std::string>() + ".wav")));
      continue;
    }
    // Parameters equal the producer's truth.
    const GoodSet* g = nullptr;
    for (const GoodSet& c : kGood)
      if (fs::path(c.files[0].second).parent_path() == fs::path(files[0]).parent_path() &&
          std::any_of(c.files.begin(), c.files.end(), [&](const auto& f) { return f.second == files[0]; }))
        g = &c;
    BOOST_REQUIRE(g);
    const nlohmann::json truth = nlohmann::json::parse(Slurp(kSamples / g->source / "truth.json"));
    BOOST_CHECK_MESSAGE(s["params"]["n_fft"] == truth["n_fft"], g->source + ": " + s["params"].dump());
    BOOST_CHECK_MESSAGE(s["params"]["hop"] == truth["hop"], g->source + ": " + s["params"].dump());
    BOOST_CHECK_MESSAGE(s["params"]["win_length"] == truth["win_length"], g->source + ": " + s["params"].dump());
    BOOST_CHECK_MESSAGE(s["params"]["window_family"] == truth["window"]["family"], g->source + ": " + s["params"].dump());
    BOOST_CHECK_LT(s["params"]["consistency_db"].get<double>(), -40.0);
    const nlohmann::json report = nlohmann::json::parse(Slurp(s["report"].get<std::string>()));
    BOOST_CHECK_EQUAL(report["stft"]["hop"], s["params"]["hop"]);
    int rate = 0;
    BOOST_CHECK_EQUAL(ReadWav(s["wav"].get<std::string>(), &rate).size(), report["signal"]["length"].get<size_t>());
    BOOST_CHECK_EQUAL(rate, 16000);
  }
  BOOST_CHECK_EQUAL(o.code, worst);
  BOOST_CHECK_EQUAL(summary["exit_code"], worst);

  // Two sets ran at the same time: on different workers, over overlapping intervals.
  bool overlap = false;
  for (const auto& a : summary["sets"])
    for (const auto& b : summary["sets"])
      overlap = overlap || (a["worker"] != b["worker"] &&
                            std::max(a["start_s"].get<double>(), b["start_s"].get<double>()) <
                                std::min(a["end_s"].get<double>(), b["end_s"].get<double>()));
  BOOST_CHECK(overlap);

  // The CSV says what the JSON says.
  const auto rows = ParseCsv(Slurp(out / "summary.csv"));
  BOOST_REQUIRE_EQUAL(rows.size(), 21u);
  const std::vector<std::string>& head = rows[0];
  auto col = [&head](const char* name) { return std::find(head.begin(), head.end(), name) - head.begin(); };
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& s = summary["sets"][i - 1];
    BOOST_REQUIRE_EQUAL(rows[i].size(), head.size());
    BOOST_CHECK_EQUAL(rows[i][col("name")], s["name"].get<std::string>());
    BOOST_CHECK_EQUAL(rows[i][col("status")], s["status"] == "ok" ? "ok" : "failed");
    BOOST_CHECK_EQUAL(rows[i][col("exit_code")], std::to_string(s["exit_code"].get<int>()));
    BOOST_CHECK_EQUAL(rows[i][col("hop")], s["status"] == "ok" ? s["params"]["hop"].dump() : "");
    BOOST_CHECK_EQUAL(rows[i][col("error")], s["error"].is_null() ? "" : s["error"].get<std::string>());
  }
  fs::remove_all(out);
}

BOOST_AUTO_TEST_CASE(manifest_text_and_json) {
  const fs::path dir = test::TempPath("batch_manifest");
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path s = kSamples / "scipy_stft_default", t = kSamples / "torch_stft_nocenter";
  std::ofstream(dir / "sets.txt") << "# two sets\nfirst: " << (s / "spectrogram.bin").string() << " "
                                  << (s / "phases.bin").string() << "\n\n" << (t / "spectrogram.bin").string() << " "
                                  << (t / "phases.bin").string() << "  # named after the folder\n";
  Outcome o = Run("batch " + (dir / "sets.txt").string() + " -o " + (dir / "out1").string() + " --jobs 1");
  BOOST_CHECK_EQUAL(o.code, 0);
  BOOST_CHECK(fs::exists(dir / "out1/first.wav"));
  BOOST_CHECK(fs::exists(dir / "out1/torch_stft_nocenter.wav"));
  std::ofstream(dir / "sets.json") << nlohmann::json{{"sets", {{{"name", "a"}, {"files", {(s / "spectrogram.bin").string(), (s / "phases.bin").string()}}},
                                                               {{"name", "b"}, {"files", {(dir / "missing.bin").string()}}}}}}.dump();
  o = Run("batch " + (dir / "sets.json").string() + " -o " + (dir / "out2").string());
  BOOST_CHECK_EQUAL(o.code, 3);  // the missing file: bad input
  BOOST_CHECK(fs::exists(dir / "out2/a.json"));
  const nlohmann::json summary = nlohmann::json::parse(Slurp(dir / "out2/summary.json"));
  BOOST_CHECK_EQUAL(summary["sets"][1]["exit_code"], 3);
  BOOST_CHECK_NE(summary["sets"][1]["error"].get<std::string>().find("missing.bin"), std::string::npos);
  // Broken manifests and folders fail as a whole.
  std::ofstream(dir / "broken.json") << "{\"sets\": [";
  BOOST_CHECK_EQUAL(Run("batch " + (dir / "broken.json").string() + " -o " + (dir / "out3").string()).code, 3);
  fs::create_directories(dir / "empty");
  BOOST_CHECK_EQUAL(Run("batch " + (dir / "empty").string() + " -o " + (dir / "out4").string()).code, 3);
  BOOST_CHECK_EQUAL(Run("batch " + (dir / "sets.txt").string() + " -o " + (dir / "sets.txt").string()).code, 5);
  BOOST_CHECK_EQUAL(Run("batch " + (dir / "sets.txt").string() + " -o x --jobs 0").code, 2);
  BOOST_CHECK_EQUAL(Run("batch " + (dir / "sets.txt").string()).code, 2);  // no -o
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(progress_bar_text) {
  const std::string s = ProgressBar::Render("batch", 5, 20, 10.0, 2, "set_x", 80);
  BOOST_CHECK_NE(s.find("5/20"), std::string::npos);
  BOOST_CHECK_NE(s.find(" 25%"), std::string::npos);
  BOOST_CHECK_NE(s.find("eta 30s"), std::string::npos);  // 10 s for 5 of 20: 30 s to go
  BOOST_CHECK_NE(s.find("running 2"), std::string::npos);
  BOOST_CHECK_LE(s.size(), 79u);
  BOOST_CHECK_LE(ProgressBar::Render("batch", 1, 3, 1.0, 0, std::string(200, 'x'), 40).size(), 39u);
  std::ostringstream plain;
  {
    ProgressBar bar(plain, "batch", 2, false);
    bar.Start("a");
    bar.Line("line one");
    bar.Done("a");
  }
  BOOST_CHECK_EQUAL(plain.str(), "line one\n");  // no bar when not drawing: only the lines
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace specrecon
