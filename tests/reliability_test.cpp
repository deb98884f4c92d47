// Hostile inputs and output safety, end to end: the specrecon binary is run in a forked child
// (so exit codes, signals, wall time and the child's peak RSS from wait4 are what a user gets),
// and after every run the inputs' SHA-256 (sha256sum) and mtimes are checked unchanged.
// Outputs: never the same file as an input (also via a symlink or a hard link), never an
// existing file without --force, never half-written (a file-size limit in the child, SIGKILL
// mid-run), stale temporaries of killed runs removed by the next run. Inputs: the malformed
// fixtures of tests/data/formats/malformed exit 3 with no output; an npy header claiming 10^12
// elements, a 1 GB text file of one line of numbers, an npz member that inflates to 256 MB
// beyond its array, and /dev/zero fail in < 2 s with peak RSS < 300 MB; the
// inputs that once failed a fuzz target (fuzz/regressions) fail cleanly.
// WAV: NaN/Inf written as 0 and counted; PCM beyond full scale clipped, never wrapped.
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "formats/reader.h"
#include "src/errors.h"
#include "src/wav.h"
#include "tests/reliability_util.h"
#include "tests/test_util.h"

namespace specrecon {
namespace fs = std::filesystem;

using namespace reliability_util;

BOOST_AUTO_TEST_SUITE(reliability)

BOOST_AUTO_TEST_CASE(output_that_is_an_input_is_refused_before_reading) {
  Workspace w("same");
  const std::string sym = w / "link.wav", hard = w / "hard.wav";
  fs::create_symlink(w.phase, sym);
  fs::create_hard_link(w.mag, hard);
  for (const std::string& out : {w.phase, w.mag, sym, hard}) {
    for (const bool force : {false, true}) {
      BOOST_TEST_CONTEXT(out << (force ? " --force" : "")) {
        const Child c = Run(w.Reconstruct(out, force ? std::vector<std::string>{"--force"} : std::vector<std::string>{}));
        ExpectError(c, 5, out, "is the same file as the input");
        BOOST_CHECK_LT(c.seconds, 2.0);
      }
    }
    // The report and the page may not be an input either.
    ExpectError(Run(w.Reconstruct(w / "ok.wav", {"--report", out, "--force"})), 5, out, "same file as the input");
    ExpectError(Run({"infer", w.mag, w.phase, "--html", out, "--force"}), 5, out, "same file as the input");
    w.guard.Check("writing to " + out);
  }
  BOOST_CHECK(fs::is_symlink(sym));
  BOOST_CHECK(!fs::exists(w / "ok.wav"));
  BOOST_CHECK(Temps(w.dir).empty());
  // The same output twice is a usage error.
  BOOST_CHECK_EQUAL(Run(w.Reconstruct(w / "a.wav", {"--report", w / "a.wav"})).code, 2);
}

BOOST_AUTO_TEST_CASE(existing_outputs_need_force) {
  Workspace w("exists");
  const std::string out = w / "out.wav", rep = w / "out.json", html = w / "page.html";
  for (const std::string& f : {out, rep, html}) Spit(f, "old " + f);
  ExpectError(Run(w.Reconstruct(out)), 5, out, "exists (use --force to overwrite)");
  fs::remove(out);
  ExpectError(Run(w.Reconstruct(out, {"--report", rep})), 5, rep, "exists (use --force to overwrite)");
  BOOST_CHECK(!fs::exists(out));  // refused before anything was written
  ExpectError(Run({"infer", w.mag, w.phase, "--html", html}), 5, html, "exists (use --force to overwrite)");
  BOOST_CHECK_EQUAL(Slurp(rep), "old " + rep);
  BOOST_CHECK_EQUAL(Slurp(html), "old " + html);
  // A dangling symlink is something at the path too.
  fs::create_symlink(w / "nowhere", w / "dangling.wav");
  ExpectError(Run(w.Reconstruct(w / "dangling.wav")), 5, w / "dangling.wav", "exists");
  // With --force all are replaced by complete files.
  Spit(out, "old");
  const Child c = Run(w.Reconstruct(out, {"--report", rep, "--format", "pcm16", "--force"}));
  BOOST_CHECK_EQUAL(c.code, 0);
  int rate = 0;
  const size_t samples = ReadWav(out, &rate).size();
  BOOST_CHECK_GT(samples, 25000u);
  BOOST_CHECK_EQUAL(rate, 16000);
  BOOST_CHECK_EQUAL(nlohmann::json::parse(Slurp(rep))["signal"]["length"].get<size_t>(), samples);
  BOOST_CHECK_EQUAL(Run({"infer", w.mag, w.phase, "--html", html, "--force"}).code, 0);
  BOOST_CHECK_NE(Slurp(html).find("<html"), std::string::npos);
  // batch: any existing output in OUTDIR stops the batch before it starts, unless --force.
  const fs::path in = w.dir / "sets", outdir = w.dir / "batch";
  fs::create_directories(in / "one");
  fs::copy_file(w.mag, in / "one/spectrogram.bin");
  fs::copy_file(w.phase, in / "one/phases.bin");
  BOOST_CHECK_EQUAL(Run({"batch", in.string(), "-o", outdir.string(), "--sample-rate", "16000"}).code, 0);
  const std::string summary = (outdir / "summary.csv").string();
  const std::string first = Slurp(summary);
  ExpectError(Run({"batch", in.string(), "-o", outdir.string()}), 5, summary, "exists (use --force to overwrite)");
  BOOST_CHECK_EQUAL(Slurp(summary), first);
  BOOST_CHECK_EQUAL(Run({"batch", in.string(), "-o", outdir.string(), "--force"}).code, 0);
  BOOST_CHECK(Temps(w.dir).empty() && Temps(outdir).empty());
  w.guard.Check("existing outputs");
}

BOOST_AUTO_TEST_CASE(full_disk_leaves_old_file_or_nothing) {
  Workspace w("fsize");
  const std::string out = w / "out.wav", rep = w / "out.json";
  // A float32 WAV of 26001 samples takes 104 kB; the child may write 32 kB per file.
  const Limits small{32 * 1024, 0.0};
  Child c = Run(w.Reconstruct(out, {"--report", rep}), small);
  ExpectError(c, 5, out, "too large");
  BOOST_CHECK_EQUAL(c.signal, 0);
  BOOST_CHECK(!fs::exists(out));
  BOOST_CHECK(!fs::exists(rep));
  Spit(out, "old wav");
  Spit(rep, "old report");
  c = Run(w.Reconstruct(out, {"--report", rep, "--force"}), small);
  BOOST_CHECK_EQUAL(c.code, 5);
  BOOST_CHECK_EQUAL(Slurp(out), "old wav");
  BOOST_CHECK_EQUAL(Slurp(rep), "old report");
  // The WAV fits but the HTML page (with the WAV embedded) does not: still nothing replaced.
  c = Run(w.Reconstruct(out, {"--report", rep, "--html", w / "page.html", "--force"}), Limits{150 * 1024, 0.0});
  ExpectError(c, 5, w / "page.html", "too large");
  BOOST_CHECK(!fs::exists(out));  // the new WAV was removed with the rest; the old one is gone (--force)
  BOOST_CHECK_EQUAL(Slurp(rep), "old report");
  BOOST_CHECK(!fs::exists(w / "page.html"));
  BOOST_CHECK(Temps(w.dir).empty());
  w.guard.Check("a full disk");
}

BOOST_AUTO_TEST_CASE(killed_run_leaves_old_file_or_a_complete_one) {
  // A longer dump (6 s at 16 kHz, n_fft 512, hop 128: 750 frames) so that a run takes a while.
  Workspace w("kill");
  const std::vector<double> x = test::TestSignal(16000 * 6);
  const Spectrogram s = Stft(x, PlaceWindow(MakeWindow({WindowFamily::kHann, 0, false, false, 512}), 512, 0), 128);
  std::vector<double> mag, phase;
  test::Flatten(s, true, &mag, &phase);
  const std::string bmag = w / "big_mag.f32", bphase = w / "big_phase.f32";
  test::WriteBinary<float>(bmag, mag);
  test::WriteBinary<float>(bphase, phase);
  w.guard.Add(bmag);
  w.guard.Add(bphase);
  const std::string ref = w / "ref.wav", out = w / "out.wav";
  const std::vector<std::string> args = {"reconstruct", bmag, bphase, "--sample-rate", "16000", "-o"};
  auto with = [&](const std::string& o) {
    std::vector<std::string> a = args;
    a.push_back(o);
    a.push_back("--force");
    return a;
  };
  const Child full = Run(with(ref));
  BOOST_REQUIRE_EQUAL(full.code, 0);
  const std::vector<double> complete = ReadWav(ref, nullptr);
  BOOST_TEST_MESSAGE("a full run takes " << full.seconds << " s");
  int killed = 0;
  for (const double fraction : {0.3, 0.6, 0.9, 0.97, 1.0}) {
    Spit(out, "old");
    const Child c = Run(with(out), Limits{RLIM_INFINITY, fraction * full.seconds});
    killed += c.signal == SIGKILL;
    BOOST_TEST_CONTEXT("killed at " << fraction << " of a run (" << (c.signal ? "killed" : "finished") << ")") {
      // The old bytes, or a complete WAV of the full length (a half-written one fails ReadWav's
      // length check or has fewer samples).
      if (Slurp(out) != "old") {
        std::vector<double> now;
        BOOST_CHECK_NO_THROW(now = ReadWav(out, nullptr));
        BOOST_CHECK_EQUAL(now.size(), complete.size());
        BOOST_CHECK_GT(test::SnrDb(complete, now), 100.0);
      }
      if (c.signal == 0) BOOST_CHECK_EQUAL(c.code, 0);
    }
  }
  BOOST_CHECK_GE(killed, 2);
  // A temporary file of a killed run (its pid no longer exists) is removed by the next run in
  // that directory; one of a live process (this test) is left alone.
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const std::string stale = w / (".specrecon-tmp-" + std::to_string(dead) + "-0-out.wav");
  const std::string live = w / (".specrecon-tmp-" + std::to_string(::getpid()) + "-0-out.wav");
  Spit(stale, "half");
  Spit(live, "busy");
  BOOST_CHECK_EQUAL(Run(w.Reconstruct(w / "next.wav")).code, 0);
  BOOST_CHECK(!fs::exists(stale));
  BOOST_CHECK(fs::exists(live));
  fs::remove(live);
  for (const std::string& t : Temps(w.dir)) BOOST_TEST_MESSAGE("left by a SIGKILLed run, removed next time: " << t);
  w.guard.Check("killed runs");
}

BOOST_AUTO_TEST_CASE(malformed_inputs_exit_3_with_no_output) {
  const fs::path fixtures = fs::path(SPECRECON_SOURCE_DIR) / "tests/data/formats";
  std::vector<nlohmann::json> malformed;
  for (const char* name : {"manifest.json", "pickle_manifest.json", "json_manifest.json", "printed_manifest.json", "gzip_manifest.json", "compressed_manifest.json",
                           "archive_manifest.json", "octave_binary_manifest.json",
                           "safetensors_manifest.json", "netcdf_manifest.json"}) {
    const nlohmann::json manifest = nlohmann::json::parse(Slurp((fixtures / name).string()));
    for (const auto& m : manifest["malformed"]) malformed.push_back(m);
  }
  Workspace w("malformed");
  InputGuard guard;
  int n = 0;
  for (const auto& m : malformed) {
    const std::string file = (fixtures / m["file"].get<std::string>()).string();
    guard.Add(file);
    BOOST_TEST_CONTEXT(file) {
      const Child c = Run({"reconstruct", file, w.phase, "-o", w / "out.wav", "--report", w / "out.json"});
      ExpectError(c, 3, file, m["phrase"].get<std::string>());
      BOOST_CHECK_EQUAL(c.signal, 0);
      BOOST_CHECK(!fs::exists(w / "out.wav") && !fs::exists(w / "out.json"));
    }
    ++n;
  }
  BOOST_CHECK_GE(n, 36);
  BOOST_CHECK(Temps(w.dir).empty());
  guard.Check("the malformed suite");
  w.guard.Check("the malformed suite");
}

BOOST_AUTO_TEST_CASE(huge_claims_fail_fast_in_bounded_memory) {
  Workspace w("limits");
  // An npy header declaring 10^12 float32 elements, followed by 1 kB.
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string npy = std::string("\x93NUMPY\x01\x00", 8);
  npy += static_cast<char>(header.size() & 0xFF);
  npy += static_cast<char>(header.size() >> 8);
  Spit(w / "huge.npy", npy + header + std::string(1024, '\0'));
  // A 1 GB file holding one line of real numbers (no newline anywhere): far beyond the
  // documented 64 MiB line limit, so the reader must stop long before reaching the end.
  {
    std::ofstream f(w / "line_1g.txt", std::ios::binary);
    const std::string block = [] { std::string b; for (int i = 0; i < 65536; ++i) b += "0.25 "; return b; }();
    for (size_t written = 0; written < 1000000000; written += block.size()) f << block;
    BOOST_REQUIRE(f.good());
  }
  BOOST_REQUIRE_GE(fs::file_size(w / "line_1g.txt"), 1000000000u);
  const auto line_size = fs::file_size(w / "line_1g.txt");
  const auto line_mtime = fs::last_write_time(w / "line_1g.txt");
  // An npz whose member inflates to 256 MB but whose npy header describes 10 floats: made by
  // Python's zipfile (deflate, about 1000:1 on zeros, within deflate's ratio).
  const std::string bomb = w / "bomb.npz";
  const std::string py = "import zipfile,sys\n"
                         "h=b\"{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }\"\n"
                         "h=h+b' '*(63-(10+len(h))%64)+b'\\n'\n"
                         "with zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED) as z:\n"
                         "  with z.open('x.npy','w',force_zip64=True) as m:\n"
                         "    m.write(b'\\x93NUMPY\\x01\\x00'+len(h).to_bytes(2,'little')+h)\n"
                         "    for i in range(256): m.write(bytes(1<<20))\n";
  Spit(w / "bomb.py", py);
  BOOST_REQUIRE_EQUAL(std::system(("/usr/bin/python3 " + w / "bomb.py" + " " + bomb).c_str()), 0);
  BOOST_TEST_MESSAGE("bomb.npz: " << fs::file_size(bomb) << " bytes");
  struct Case {
    std::string file, phrase;
  };
  const Case cases[] = {{w / "huge.npy", "1000000000000 elements"},
                        {w / "line_1g.txt", "longer than 67108864 bytes"},
                        {bomb, "bytes more than"},
                        {"/dev/zero", "is not a regular file"}};
  for (const Case& k : cases) {
    BOOST_TEST_CONTEXT(k.file) {
      // Every input's SHA-256 is checked after the runs; the 1 GB line is left out only to keep
      // the test quick (hashing it twice costs seconds), its size and mtime are checked instead.
      if (k.file != "/dev/zero" && k.file != w / "line_1g.txt") w.guard.Add(k.file);
      const Child c = Run({"reconstruct", k.file, w.phase, "-o", w / "out.wav"});
      ExpectError(c, 3, k.file, k.phrase);
      BOOST_CHECK_LT(c.seconds, 2.0);
      BOOST_CHECK_LT(c.maxrss_kb, 300 * 1024);
      BOOST_TEST_MESSAGE(k.file << ": " << c.seconds << " s, peak RSS " << c.maxrss_kb / 1024 << " MB: " << LastLine(c.err));
      BOOST_CHECK(!fs::exists(w / "out.wav"));
    }
  }
  BOOST_CHECK_EQUAL(fs::file_size(w / "line_1g.txt"), line_size);
  BOOST_CHECK(fs::last_write_time(w / "line_1g.txt") == line_mtime);
  w.guard.Check("huge claims");
}

BOOST_AUTO_TEST_CASE(nan_and_inf_samples_are_counted_and_written_as_zero) {
  Workspace w("nan");
  std::vector<double> x(1000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = 0.5 * std::sin(0.01 * i);
  x[10] = std::nan("");
  x[20] = HUGE_VAL;
  x[30] = -HUGE_VAL;
  for (const WavFormat f : {WavFormat::kFloat32, WavFormat::kPcm16, WavFormat::kPcm24}) {
    BOOST_TEST_CONTEXT(WavFormatName(f)) {
      const std::string out = w / (std::string(WavFormatName(f)) + ".wav");
      const WavWriteResult r = WriteWav(out, x, 8000, f);
      BOOST_CHECK_EQUAL(r.non_finite, 3u);
      BOOST_CHECK_EQUAL(r.clipped, 0u);
      int rate = 0;
      const std::vector<double> y = ReadWav(out, &rate);
      BOOST_REQUIRE_EQUAL(y.size(), x.size());
      for (size_t i : {10, 20, 30}) BOOST_CHECK_EQUAL(y[i], 0.0);
      double worst = 0.0;
      for (size_t i = 0; i < x.size(); ++i)
        if (std::isfinite(x[i])) worst = std::max(worst, std::abs(y[i] - x[i]));
      BOOST_CHECK_LT(worst, f == WavFormat::kPcm16 ? 1.0 / 32768 : 1e-6);
    }
  }
  // A NaN value breaks nothing upstream either: the WAV writer is the last line of defence.
  BOOST_CHECK(Temps(w.dir).empty());
}

BOOST_AUTO_TEST_CASE(pcm_output_clips_and_never_wraps) {
  Workspace w("clip");
  // A sine at 1.7 x full scale: wrapped 16-bit samples would flip sign near every peak.
  std::vector<double> x(4000);
  size_t beyond = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = 1.7 * std::sin(2 * M_PI * 3.0 * i / x.size());
    beyond += std::abs(x[i]) > 1.0;
  }
  for (const WavFormat f : {WavFormat::kPcm16, WavFormat::kPcm24}) {
    BOOST_TEST_CONTEXT(WavFormatName(f)) {
      const std::string out = w / (std::string(WavFormatName(f)) + ".wav");
      const WavWriteResult r = WriteWav(out, x, 8000, f);
      BOOST_CHECK_EQUAL(r.clipped, beyond);
      const std::vector<double> y = ReadWav(out, nullptr);
      BOOST_REQUIRE_EQUAL(y.size(), x.size());
      size_t sign_flips = 0, at_full_scale = 0;
      for (size_t i = 0; i < x.size(); ++i) {
        sign_flips += (x[i] > 0.01 && y[i] < 0) || (x[i] < -0.01 && y[i] > 0);
        if (std::abs(x[i]) > 1.0) at_full_scale += std::abs(y[i]) > 0.9999;
        BOOST_CHECK_LE(std::abs(y[i]), 1.0);
      }
      BOOST_CHECK_EQUAL(sign_flips, 0u);
      BOOST_CHECK_EQUAL(at_full_scale, beyond);
    }
  }
  // End to end the inferred gain never exceeds full scale (inference/gain.cpp normalises when
  // no convention fits), so the clipping guard is checked here, at the writer.
}

BOOST_AUTO_TEST_CASE(inputs_unchanged_by_every_command) {
  // Every reader's fixtures, through every command, successful or not.
  const fs::path fixtures = fs::path(SPECRECON_SOURCE_DIR) / "tests/data/formats";
  Workspace w("hashes");
  InputGuard guard;
  const std::vector<std::string> files = {
      (fixtures / "npy/f4le.npy").string(),   (fixtures / "npz/deflated.npz").string(),
      (fixtures / "mat/scipy_v5.mat").string(), (fixtures / "mat/hdf5storage_v73.mat").string(),
      (fixtures / "hdf5/h5py.h5").string(),   (fixtures / "text/comma_header.csv").string(),
      (fixtures / "raw/f32le.bin").string()};
  for (const std::string& f : files) guard.Add(f);
  int k = 0;
  for (const std::string& f : files) {
    Run({"inspect", f});
    Run({"infer", f, "--json"});
    Run({"reconstruct", f, "-o", w / ("r" + std::to_string(k++) + ".wav")});
  }
  Run({"reconstruct", w.mag, w.phase, "-o", w / "ok.wav", "--report", w / "ok.json", "--html", w / "ok.html"});
  Run({"batch", (fixtures / "npy").string(), "-o", w / "batch"});
  guard.Check("every command");
  w.guard.Check("every command");
}

BOOST_AUTO_TEST_CASE(fuzz_regression_inputs_fail_cleanly) {
  // Every input a fuzz target once failed on (fuzz/regressions/<target>/, see fuzz/REGRESSIONS.md)
  // is read through the dispatcher: it may succeed or throw Error(kBadInput), quickly and in
  // bounded memory; under scripts/sanitize also without any ASan/UBSan finding.
  const fs::path root = fs::path(SPECRECON_SOURCE_DIR) / "fuzz/regressions";
  const std::map<std::string, std::string> phrases = {
      {"cell-dims-exabyte-calloc", "is negative"}, {"scalar-space-chunked-oom", "chunks for a scalar dataspace"}};
  int n = 0;
  for (const char* target : {"raw", "text", "npy", "npz", "mat", "hdf5"}) {
    if (!fs::is_directory(root / target)) continue;
    for (const auto& e : fs::directory_iterator(root / target)) {
      const std::string file = e.path().string(), name = e.path().filename().string();
      BOOST_TEST_CONTEXT(file) {
        struct rusage before, after;
        ::getrusage(RUSAGE_SELF, &before);
        const auto t0 = std::chrono::steady_clock::now();
        try {
          ReadArrays(file, RawHints{});
          BOOST_CHECK_MESSAGE(!phrases.count(name), "accepted");
        } catch (const Error& e) {
          BOOST_CHECK(e.code() == ExitCode::kBadInput);
          BOOST_CHECK_EQUAL(e.file(), file);
          if (phrases.count(name))
            BOOST_CHECK_MESSAGE(e.Line().find(phrases.at(name)) != std::string::npos, e.Line());
          BOOST_TEST_MESSAGE(e.Line());
        }
        ::getrusage(RUSAGE_SELF, &after);
        BOOST_CHECK_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2.0);
        BOOST_CHECK_LT(after.ru_maxrss - before.ru_maxrss, 200 * 1024);
      }
      ++n;
    }
  }
  BOOST_CHECK_GE(n, 4);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace specrecon
