// Help texts and the man page: every command has a --help with examples; the man page is made
// from the same descriptions, so every option a command's --help lists is in it; the page the
// build generated (build/specrecon.1) is the current one; groff formats it without warnings.
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "tests/test_util.h"

namespace specrecon {
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(help)

namespace {

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
  const std::string o = test::TempPath("help_out"), e = test::TempPath("help_err");
  const int status = std::system((std::string(SPECRECON_BINARY) + " " + args + " >" + o + " 2>" + e).c_str());
  Outcome r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(o), Slurp(e)};
  fs::remove(o);
  fs::remove(e);
  return r;
}

const std::vector<std::string> kCommands = {"reconstruct", "infer", "inspect", "batch"};

}  // namespace

BOOST_AUTO_TEST_CASE(every_command_has_help_with_examples) {
  const Outcome top = Run("--help");
  BOOST_CHECK_EQUAL(top.code, 0);
  for (const std::string& c : kCommands) {
    BOOST_CHECK_NE(top.out.find("specrecon " + c + " "), std::string::npos);
    const Outcome h = Run(c + " --help");
    BOOST_CHECK_EQUAL(h.code, 0);
    BOOST_CHECK_EQUAL(h.out.rfind("Usage: specrecon " + c, 0), 0u);
    BOOST_CHECK_NE(h.out.find("Examples:\n  specrecon " + c + " "), std::string::npos);
    BOOST_CHECK_NE(h.out.find("--help"), std::string::npos);
  }
  BOOST_CHECK_NE(Run("reconstruct --help").out.find("--html"), std::string::npos);
  BOOST_CHECK_NE(Run("batch --help").out.find("--jobs"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(man_page_has_every_option) {
  const Outcome man = Run("help-man");
  BOOST_REQUIRE_EQUAL(man.code, 0);
  BOOST_CHECK_EQUAL(man.out.rfind(".TH SPECRECON 1 ", 0), 0u);
  for (const char* section : {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS", ".SH EXIT STATUS"})
    BOOST_CHECK_NE(man.out.find(section), std::string::npos);
  const std::regex option("--([a-z][a-z0-9-]*)");
  for (const std::string& c : kCommands) {
    BOOST_CHECK_NE(man.out.find(".SS " + c + "\n"), std::string::npos);
    const std::string help = Run(c + " --help").out;
    const std::string opts = help.substr(help.find("\n\n", help.rfind("Examples:")));  // the option list
    std::set<std::string> names;
    for (auto it = std::sregex_iterator(opts.begin(), opts.end(), option); it != std::sregex_iterator(); ++it)
      names.insert((*it)[1]);
    BOOST_CHECK_GT(names.size(), 5u);
    // In the command's own section of the page, each option as \fB\-\-name\fR.
    const size_t begin = man.out.find(".SS " + c + "\n"), end = man.out.find(".SS ", begin + 1);
    const std::string section = man.out.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    for (const std::string& n : names) {
      std::string escaped;
      for (char ch : n) escaped += ch == '-' ? std::string("\\-") : std::string(1, ch);
      BOOST_CHECK_MESSAGE(section.find("\\fB\\-\\-" + escaped + "\\fR") != std::string::npos, c + ": --" + n);
    }
  }
}

BOOST_AUTO_TEST_CASE(built_man_page_is_current_and_formats_cleanly) {
  const fs::path built = fs::path(SPECRECON_BINARY).parent_path() / "specrecon.1";
  BOOST_REQUIRE_MESSAGE(fs::exists(built), "the build makes " + built.string());
  BOOST_CHECK(Slurp(built) == Run("help-man").out);
  if (std::system("command -v groff >/dev/null 2>&1") != 0) {
    BOOST_TEST_MESSAGE("groff is not installed: formatting not checked");
    return;
  }
  const std::string err = test::TempPath("groff_err");
  const int status = std::system(("groff -man -Tutf8 -ww -z " + built.string() + " 2>" + err).c_str());
  BOOST_CHECK_EQUAL(WEXITSTATUS(status), 0);
  BOOST_CHECK_MESSAGE(Slurp(err).empty(), "groff warnings: " + Slurp(err));
  fs::remove(err);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace specrecon
