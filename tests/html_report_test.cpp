// The HTML report: produced for a bundled sample, self-contained (no URL, no script library),
// every plot element present, every parameter of the JSON report in its table, the images valid
// PNGs of bounded size, the page rendered by headless Chromium with every plot in its DOM and a
// screenshot kept under the build directory (html_report_artifacts/) as an artefact.
// Chromium is required: without it this suite fails (CI installs it through scripts/setup).
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "src/html_report.h"
#include "src/png.h"
#include "tests/test_util.h"

namespace specrecon {
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(html_report)

namespace {

const std::vector<std::string> kIds = {"param-table", "input-table", "warnings", "plot-hop", "plot-window",
                                       "plot-window-diff", "spec-dump", "spec-output", "plot-consistency",
                                       "audio-player"};
const fs::path kSample = fs::path(SPECRECON_SOURCE_DIR) / "samples/scipy_stft_hamming512";

std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int Run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Next to the specrecon binary, i.e. in the build directory, kept after the test.
fs::path ArtifactDir() {
  const fs::path d = fs::path(SPECRECON_BINARY).parent_path() / "html_report_artifacts";
  fs::create_directories(d);
  return d;
}

// Made once: reconstruct with --report and --html.
const fs::path& Page() {
  static const fs::path page = [] {
    const fs::path d = ArtifactDir();
    const std::string cmd = std::string(SPECRECON_BINARY) + " reconstruct " + (kSample / "spectrogram.bin").string() + " " +
                            (kSample / "phases.bin").string() + " -o " + (d / "report.wav").string() + " --report " +
                            (d / "report.json").string() + " --html " + (d / "report.html").string() +
                            " --sample-rate 16000 --force 2>" + (d / "stderr.txt").string();
    BOOST_REQUIRE_EQUAL(Run(cmd), 0);
    return d / "report.html";
  }();
  return page;
}

// The bytes of the data: URI in the src attribute of the element with this id.
std::vector<uint8_t> DataUriBytes(const std::string& html, const std::string& id, std::string* mime) {
  const size_t at = html.find("id=\"" + id + "\"");
  BOOST_REQUIRE(at != std::string::npos);
  const size_t src = html.find("src=\"data:", at);
  BOOST_REQUIRE(src != std::string::npos);
  const size_t comma = html.find(',', src), end = html.find('"', src + 5);
  *mime = html.substr(src + 10, comma - src - 10);
  const std::string b64 = html.substr(comma + 1, end - comma - 1);
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : b64) {
    const int v = val(c);
    if (v < 0) break;
    acc = acc << 6 | v;
    bits += 6;
    if (bits >= 8) out.push_back(static_cast<uint8_t>(acc >> (bits -= 8)));
  }
  return out;
}

uint32_t U32(const uint8_t* p) { return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3]; }

std::string Chromium() {
  for (const char* c : {"chromium", "chromium-browser", "google-chrome"}) {
    const std::string probe = std::string("command -v ") + c + " >/dev/null 2>&1";
    if (Run(probe) == 0) return c;
  }
  return "";
}

std::string ChromiumCommand(const std::string& browser) {
  return "timeout 180 " + browser +
         " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
         " --disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir=$(mktemp -d)";
}

}  // namespace

BOOST_AUTO_TEST_CASE(page_is_self_contained_and_complete) {
  const std::string html = Slurp(Page());
  BOOST_CHECK_EQUAL(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const std::string& id : kIds) BOOST_CHECK_MESSAGE(html.find("id=\"" + id + "\"") != std::string::npos, id);
  BOOST_CHECK_EQUAL(html.find("http"), std::string::npos);  // inline SVG needs no xmlns: no URL at all
  BOOST_CHECK_EQUAL(html.find("<script"), std::string::npos);
  BOOST_CHECK_EQUAL(html.find("<link"), std::string::npos);
  // Every parameter of the JSON report has its row.
  const nlohmann::json report = nlohmann::json::parse(Slurp(Page().parent_path() / "report.json"));
  for (auto it = report["evidence"].begin(); it != report["evidence"].end(); ++it)
    BOOST_CHECK_MESSAGE(html.find("<tr><th>" + it.key() + "</th>") != std::string::npos, it.key());
  // The images are PNGs of at most 800 x 300 pixels whose IDAT inflates to the right size.
  for (const char* id : {"spec-dump", "spec-output"}) {
    std::string mime;
    const std::vector<uint8_t> png = DataUriBytes(html, id, &mime);
    BOOST_CHECK_EQUAL(mime, "image/png;base64");
    BOOST_REQUIRE_GT(png.size(), 45u);
    BOOST_CHECK(std::equal(png.begin(), png.begin() + 8, std::vector<uint8_t>{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}.begin()));
    const uint32_t w = U32(&png[16]), h = U32(&png[20]);
    BOOST_CHECK(w >= 1 && w <= 800 && h >= 1 && h <= 300);
    const uint32_t idat_len = U32(&png[33]);
    BOOST_REQUIRE_EQUAL(std::string(png.begin() + 37, png.begin() + 41), "IDAT");
    std::vector<uint8_t> raw((3 * w + 1) * h + 16);
    uLongf raw_len = raw.size();
    BOOST_CHECK_EQUAL(uncompress(raw.data(), &raw_len, &png[41], idat_len), Z_OK);
    BOOST_CHECK_EQUAL(raw_len, (3 * w + 1) * h);
  }
  std::string mime;
  const std::vector<uint8_t> wav = DataUriBytes(html, "audio-player", &mime);
  BOOST_CHECK_EQUAL(mime, "audio/wav;base64");
  const std::string file = Slurp(Page().parent_path() / "report.wav");
  BOOST_CHECK(wav == std::vector<uint8_t>(file.begin(), file.end()));  // the WAV written, byte for byte
}

BOOST_AUTO_TEST_CASE(chromium_renders_every_plot) {
  const std::string browser = Chromium();
  BOOST_REQUIRE_MESSAGE(!browser.empty(), "headless Chromium is required (apt-get install chromium; scripts/setup)");
  const fs::path d = ArtifactDir(), dom = d / "dom.html", shot = d / "screenshot.png";
  fs::remove(dom);
  fs::remove(shot);
  const std::string url = "file://" + fs::absolute(Page()).string();
  BOOST_CHECK_EQUAL(Run(ChromiumCommand(browser) + " --dump-dom " + url + " >" + dom.string() + " 2>/dev/null"), 0);
  const std::string text = Slurp(dom);
  for (const std::string& id : kIds) BOOST_CHECK_MESSAGE(text.find("id=\"" + id + "\"") != std::string::npos, "DOM lacks " + id);
  BOOST_CHECK_EQUAL(Run(ChromiumCommand(browser) + " --window-size=1200,4600 --screenshot=" + shot.string() + " " + url +
                        " >/dev/null 2>&1"),
                    0);
  BOOST_REQUIRE(fs::exists(shot));
  BOOST_CHECK_GT(fs::file_size(shot), 10000u);
  BOOST_CHECK_EQUAL(Slurp(shot).substr(1, 3), "PNG");
  BOOST_TEST_MESSAGE("screenshot: " << shot.string());
}

BOOST_AUTO_TEST_CASE(infer_html_and_failures) {
  const fs::path dir = test::TempPath("html");
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string inputs = (kSample / "spectrogram.bin").string() + " " + (kSample / "phases.bin").string();
  // infer --html embeds the signal without writing a WAV; stdout keeps only the JSON.
  BOOST_CHECK_EQUAL(Run(std::string(SPECRECON_BINARY) + " infer " + inputs + " --json --html " + (dir / "i.html").string() +
                        " >" + (dir / "i.json").string() + " 2>/dev/null"),
                    0);
  BOOST_CHECK_NO_THROW(nlohmann::json::parse(Slurp(dir / "i.json")));
  const std::string html = Slurp(dir / "i.html");
  BOOST_CHECK_NE(html.find("id=\"audio-player\" controls src=\"data:audio/wav;base64,"), std::string::npos);
  // An HTML path that cannot be written: exit 5, no WAV, no report, no temporary file left.
  const int code = Run(std::string(SPECRECON_BINARY) + " reconstruct " + inputs + " -o " + (dir / "r.wav").string() +
                       " --report " + (dir / "r.json").string() + " --html " + (dir / "no/such/dir/r.html").string() +
                       " 2>/dev/null");
  BOOST_CHECK_EQUAL(code, 5);
  BOOST_CHECK(!fs::exists(dir / "r.wav"));
  BOOST_CHECK(!fs::exists(dir / "r.json"));
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  BOOST_CHECK_EQUAL(files, 2u);  // i.json, i.html
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(large_wav_is_linked_not_embedded) {
  const fs::path dir = test::TempPath("html_link");
  fs::remove_all(dir);
  fs::create_directories(dir / "audio");
  RunOptions options;
  options.files = {(kSample / "spectrogram.bin").string(), (kSample / "phases.bin").string()};
  RunResult run = RunInference(options);
  Reconstruct(&run);
  run.wav = WriteWav((dir / "audio/out.wav").string(), run.signal, run.sample_rate, WavFormat::kFloat32);
  HtmlReportOptions o;
  o.wav_path = (dir / "audio/out.wav").string();
  o.embed_limit = 1000;  // bytes: the WAV is larger
  const std::string html = BuildHtmlReport(run, (dir / "page.html").string(), o);
  BOOST_CHECK_NE(html.find("id=\"audio-player\" controls preload=\"none\" src=\"audio/out.wav\""), std::string::npos);
  BOOST_CHECK_EQUAL(html.find("data:audio"), std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(frame_consistency_finds_a_broken_frame) {
  const std::vector<double> x = test::TestSignal(8000);
  InferenceResult inf;
  WindowSpec hann;
  hann.length = 512;
  inf.frame_window = PlaceWindow(MakeWindow(hann), 512, 0);
  inf.params.hop = 128;
  inf.spectrogram = Stft(x, inf.frame_window, 128);
  std::vector<double> db = FrameConsistencyDb(inf);
  BOOST_REQUIRE_EQUAL(db.size(), static_cast<size_t>(inf.spectrogram.frames));
  for (double v : db) BOOST_CHECK_LT(v, -200.0);  // an STFT of a signal is consistent
  for (int k = 0; k < inf.spectrogram.bins; ++k) inf.spectrogram.frame(20)[k] *= std::polar(1.0, 0.3 * k);
  db = FrameConsistencyDb(inf);
  BOOST_CHECK_GT(db[20], -20.0);
  BOOST_CHECK_LT(db[5], -200.0);  // frames that do not overlap frame 20 stay consistent
}

BOOST_AUTO_TEST_CASE(png_and_base64) {
  // RFC 4648 test vectors.
  const std::string f = "foobar";
  const auto b64 = [](const std::string& s) { return Base64(reinterpret_cast<const uint8_t*>(s.data()), s.size()); };
  BOOST_CHECK_EQUAL(b64(""), "");
  BOOST_CHECK_EQUAL(b64("f"), "Zg==");
  BOOST_CHECK_EQUAL(b64("fo"), "Zm8=");
  BOOST_CHECK_EQUAL(b64("foo"), "Zm9v");
  BOOST_CHECK_EQUAL(b64("foob"), "Zm9vYg==");
  BOOST_CHECK_EQUAL(b64(f), "Zm9vYmFy");
  // A 3 x 2 image: the scanlines (Sub filter) decode back to the pixels.
  const std::vector<uint8_t> rgb = {10, 20, 30, 40, 50, 60, 250, 5, 7, 1, 2, 3, 200, 100, 0, 9, 9, 9};
  const std::vector<uint8_t> png = EncodePngRgb(rgb, 3, 2);
  std::vector<uint8_t> raw(64);
  uLongf n = raw.size();
  BOOST_REQUIRE_EQUAL(uncompress(raw.data(), &n, &png[41], U32(&png[33])), Z_OK);
  BOOST_REQUIRE_EQUAL(n, 2u * (1 + 9));
  for (int r = 0; r < 2; ++r) {
    BOOST_CHECK_EQUAL(raw[r * 10], 1);  // filter type Sub
    for (int i = 0; i < 9; ++i) {
      const uint8_t left = i >= 3 ? rgb[r * 9 + i - 3] : 0;
      BOOST_CHECK_EQUAL(static_cast<uint8_t>(raw[r * 10 + 1 + i] + left), rgb[r * 9 + i]);
    }
  }
  BOOST_CHECK_THROW(EncodePngRgb(rgb, 4, 2), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace specrecon
