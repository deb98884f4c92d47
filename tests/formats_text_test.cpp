// Delimited text (numpy.savetxt, Octave dlmwrite, hand-written CSV with BOM and CRLF) and GNU
// Octave's own text format; errors name the line and column.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "formats/json_reader.h"
#include "formats/octave_text_reader.h"
#include "formats/printed_reader.h"
#include "formats/text_reader.h"
#include "tests/formats_fixtures.h"

namespace specrecon {
using namespace specrecon::test;

namespace {

// The message of the Error that parsing `text` throws ("" if none).
std::string ParseError(const std::string& text) {
  try {
    ParseDelimitedText(text, "in.csv");
  } catch (const Error& e) {
    BOOST_CHECK(e.code() == ExitCode::kBadInput);
    return e.Line();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formats_text)

BOOST_AUTO_TEST_CASE(fixtures_read_without_hints) {
  BOOST_CHECK_GE(CheckManifestFormat("text"), 7);
}

BOOST_AUTO_TEST_CASE(delimiters_comments_and_headers) {
  struct Case {
    const char* text;
    std::vector<size_t> shape;
    std::vector<double> values;
  };
  const std::vector<Case> cases = {
      {"1,2,3\n4,5,6\n", {2, 3}, {1, 2, 3, 4, 5, 6}},
      {"1, 2, 3,\n4, 5, 6,\n", {2, 3}, {1, 2, 3, 4, 5, 6}},     // spaces, trailing delimiter
      {"a;b\r\n1,5;-2,25e1\r\n", {1, 2}, {1.5, -22.5}},          // decimal comma with ';'
      {"% MATLAB comment\n1\t2\n\n3\t4\n", {2, 2}, {1, 2, 3, 4}},  // blank line skipped
      {"  1   2\n  3   4", {2, 2}, {1, 2, 3, 4}},                 // no final line end
      {"\xEF\xBB\xBFx y\n+7 .5\n", {1, 2}, {7, 0.5}},
      {"1e400 -1e400 1e-400\n", {1, 3}, {INFINITY, -INFINITY, 0.0}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      const NdArray a = ParseDelimitedText(c.text, "in.csv");
      BOOST_CHECK_EQUAL_COLLECTIONS(a.info.shape.begin(), a.info.shape.end(), c.shape.begin(), c.shape.end());
      BOOST_CHECK_EQUAL_COLLECTIONS(a.values.begin(), a.values.end(), c.values.begin(), c.values.end());
      BOOST_CHECK_EQUAL(a.info.format, "text");
      BOOST_CHECK(!a.info.fortran_order);
    }
  }
  // Complex numbers as numpy's savetxt, pandas and MATLAB's writematrix write them.
  const struct {
    const char* text;
    std::vector<double> re, im;
  } complex_cases[] = {
      {" (1.0e+00+2.0e+00j)  (3.0e+00-4.0e+00j)\n (5.0e-01+0.0e+00j)  (-1.0e+00-1.0e+00j)\n", {1, 3, 0.5, -1}, {2, -4, 0, -1}},
      {"1+2i,-3.5-0.5i\n2i,-7\n", {1, -3.5, 0, -7}, {2, -0.5, 2, 0}},
      {"i j\n1 (2+3j)\n", {1, 2}, {0, 3}},  // a header of column names i and j, not 1j
  };
  for (const auto& c : complex_cases) {
    BOOST_TEST_CONTEXT(c.text) {
      const NdArray a = ParseDelimitedText(c.text, "in.csv");
      BOOST_CHECK_EQUAL_COLLECTIONS(a.values.begin(), a.values.end(), c.re.begin(), c.re.end());
      BOOST_CHECK_EQUAL_COLLECTIONS(a.imag.begin(), a.imag.end(), c.im.begin(), c.im.end());
      BOOST_CHECK_NE(a.info.note.find("complex numbers"), std::string::npos);
    }
  }
  double re = 0.0, im = 0.0;
  BOOST_CHECK(!ParseComplexToken("(1+2)", &re, &im) && !ParseComplexToken("1+2x", &re, &im) && !ParseComplexToken("pi", &re, &im));
  const NdArray h = ParseDelimitedText("freq,mag\n1,2\n", "in.csv");
  BOOST_CHECK_NE(h.info.note.find("header row: freq,mag"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(row_labels_of_pandas_and_r_are_not_read) {
  // pandas' DataFrame(S).to_csv() writes its index as a first column under an empty header
  // field; R's write.csv quotes the row names and the header; an index under a named header
  // counts the rows. Before: the index was read as a spectrogram column (a pandas pair gave
  // -0.2 dB) and R's '"1"' was "not a number".
  const struct {
    const char* text;
    std::vector<size_t> shape;
    std::vector<double> values;
    const char* note;
  } cases[] = {
      {",0,1,2\n0,0.5,1.5,2.5\n1,3.5,4.5,5.5\n", {2, 3}, {0.5, 1.5, 2.5, 3.5, 4.5, 5.5}, "first column: row labels"},
      {"\"\",\"V1\",\"V2\"\n\"1\",0.5,1.5\n\"2\",2.5,3.5\n", {2, 2}, {0.5, 1.5, 2.5, 3.5}, "first column: row labels"},
      {"\"\",\"V1\",\"V2\"\n\"a\",0.5,1.5\n\"b\",2.5,3.5\n", {2, 2}, {0.5, 1.5, 2.5, 3.5}, "first column: row labels"},
      {"bin,0,1\n0,0.5,1.5\n1,2.5,3.5\n2,4.5,5.5\n", {3, 2}, {0.5, 1.5, 2.5, 3.5, 4.5, 5.5}, "row numbers 0..2 (an index)"},
      {"\"m0\",\"m1\"\n\"0.5\",\"1.5\"\n", {1, 2}, {0.5, 1.5}, "header row"},  // every field quoted
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      const NdArray a = ParseDelimitedText(c.text, "in.csv");
      BOOST_CHECK_EQUAL_COLLECTIONS(a.info.shape.begin(), a.info.shape.end(), c.shape.begin(), c.shape.end());
      BOOST_CHECK_EQUAL_COLLECTIONS(a.values.begin(), a.values.end(), c.values.begin(), c.values.end());
      BOOST_CHECK_MESSAGE(a.info.note.find(c.note) != std::string::npos, a.info.note);
    }
  }
  // Without a header a counting first column is data (np.savetxt of np.c_[np.arange(n), S] is
  // not told apart), and a first data column that does not count stays.
  const NdArray plain = ParseDelimitedText("0,5\n1,6\n2,7\n", "in.csv");
  BOOST_CHECK_EQUAL(plain.info.shape.at(1), 2u);
  const NdArray kept = ParseDelimitedText("f,m\n0,5\n1,6\n3,7\n", "in.csv");
  BOOST_CHECK_EQUAL(kept.info.shape.at(1), 2u);
}

BOOST_AUTO_TEST_CASE(errors_name_line_and_column) {
  std::string csv;
  for (int i = 1; i <= 11; ++i) csv += "1,2,3\n";
  BOOST_CHECK_NE(ParseError(csv + "4,5,abc\n").find("\"in.csv\": line 12, column 3: 'abc' is not a number"),
                 std::string::npos);
  BOOST_CHECK_NE(ParseError("1 2 3 4 5 6\n1 2 3 4 5 6\n1 2 3 4 5 6\n\n# c\n1 2 3 4 5 6\n1 2 3 4 5\n")
                     .find("line 7 has 5 fields, line 1 has 6"),
                 std::string::npos);
  BOOST_CHECK_NE(ParseError("1,,3\n").find("line 1, column 2: empty field"), std::string::npos);
  BOOST_CHECK_NE(ParseError("a,b\nc,d\n").find("line 2, column 1: 'c' is not a number"), std::string::npos);
  BOOST_CHECK_NE(ParseError("# only comments\n\n").find("no numbers"), std::string::npos);
  BOOST_CHECK_NE(ParseError("1 2\n3 NA\n").find("'NA' is not a number"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(number_tokens) {
  double v = 0;
  for (const char* ok : {"nan", "NaN", "-nan", "inf", "-Inf", "+INF", "Infinity", "1.5e-3", "-0", ".5", "5."})
    BOOST_CHECK_MESSAGE(ParseNumberToken(ok, &v), ok);
  for (const char* bad : {"", "+", "-", "1.5.3", "0x10", "1e", "--1", "1 2", "abc", "nanx"})
    BOOST_CHECK_MESSAGE(!ParseNumberToken(bad, &v), bad);
}

BOOST_AUTO_TEST_CASE(octave_text_skips_non_numeric_and_keeps_layout) {
  const std::vector<NdArray> a = ReadArrays(FixtureDir() + "text/octave_text.txt", {});
  BOOST_REQUIRE_EQUAL(a.size(), 4u);
  for (const char* skipped : {"s (string)", "c (cell)", "st (scalar struct)"})
    BOOST_CHECK_MESSAGE(a[0].info.note.find(skipped) != std::string::npos, a[0].info.note << " lacks " << skipped);
  // An N-d double array is written one value per line in column-major order.
  const std::string nd =
      "# name: x\n# type: matrix\n# ndims: 3\n 2 1 2\n 1\n 2\n 3\n 4\n\n"
      "# name: b\n# type: bool\n1\n";
  const std::vector<NdArray> x = ParseOctaveText(nd, "x.txt");
  BOOST_REQUIRE_EQUAL(x.size(), 1u);
  BOOST_CHECK(x[0].info.fortran_order);
  BOOST_CHECK_EQUAL(x[0].info.shape.size(), 3u);
  BOOST_CHECK_EQUAL(x[0].values[3], 4.0);
  BOOST_CHECK_NE(x[0].info.note.find("b (bool)"), std::string::npos);
  try {
    ParseOctaveText("# name: m\n# type: matrix\n# rows: 2\n# columns: 2\n 1 2\n 3\n", "m.txt");
    BOOST_FAIL("short row accepted");
  } catch (const Error& e) {
    BOOST_CHECK_NE(e.Line().find("line 6: variable 'm': row has 1 values"), std::string::npos);
  }
  BOOST_CHECK_THROW(ParseOctaveText("# name: m\n# type: sparse complex matrix\n", "m.txt"), Error);
  BOOST_CHECK_THROW(ParseOctaveText("# name: m\n# type: matrix\n# rows: 100000\n# columns: 100000\n", "m.txt"), Error);
}

BOOST_AUTO_TEST_CASE(json_fixtures_read_without_hints) {
  // Written by Python's json module (tests/data/formats/make_json_fixtures.py): a nested list, a
  // dict of named arrays and a sample rate, and Python's NaN / -Infinity tokens, null, nested
  // dicts, a list of arrays, a 3-D list, a ragged list (left out).
  std::ifstream in(FixtureDir() + "json_manifest.json");
  BOOST_REQUIRE_MESSAGE(in, "tests/data/formats/json_manifest.json missing: run make_json_fixtures.py");
  const nlohmann::json manifest = nlohmann::json::parse(in);
  BOOST_CHECK_EQUAL(CheckManifestFormat("json", manifest), 3);
  // Arrays keep the file's order (role detection falls back to it).
  const std::vector<NdArray> d = ReadArrays(FixtureDir() + "json/dict.json", {});
  BOOST_REQUIRE_EQUAL(d.size(), 3u);
  BOOST_CHECK_EQUAL(d[0].info.name, "magnitude");
  BOOST_CHECK_EQUAL(d[1].info.name, "phase");
  const std::vector<NdArray> t = ReadArrays(FixtureDir() + "json/tokens.json", {});
  BOOST_CHECK(FindArray(t, "ragged") == nullptr && FindArray(t, "ragged.0") == nullptr);
  BOOST_CHECK_NE(t[0].info.note.find("not arrays of numbers: ragged"), std::string::npos);
  for (const auto& m : manifest["malformed"])
    ExpectBadInput(FixtureDir() + m["file"].get<std::string>(), m["phrase"].get<std::string>());
  BOOST_CHECK(LooksLikeJson("\xEF\xBB\xBF \n  {\"a\": [1]}") && LooksLikeJson("[[1, 2]]"));
  BOOST_CHECK(!LooksLikeJson("1, 2\n[3]") && !LooksLikeJson("# [1]"));
}

BOOST_AUTO_TEST_CASE(printed_fixtures_read_without_hints) {
  // Written by numpy, torch, Python and Octave (tests/data/formats/make_printed_fixtures.py):
  // str and repr of numpy arrays (3-D, nan, -inf, complex), repr of Python lists with nan and
  // complex numbers (not JSON), a tensor's print, two arrays printed one after the other, mat2str.
  std::ifstream in(FixtureDir() + "printed_manifest.json");
  BOOST_REQUIRE_MESSAGE(in, "tests/data/formats/printed_manifest.json missing: run make_printed_fixtures.py");
  const nlohmann::json manifest = nlohmann::json::parse(in);
  BOOST_CHECK_EQUAL(CheckManifestFormat("text", manifest), 8);
  const std::vector<NdArray> two = ReadArrays(FixtureDir() + "printed/two_arrays.txt", {});
  BOOST_REQUIRE_EQUAL(two.size(), 2u);
  BOOST_CHECK(two[0].info.name == "0" && two[1].info.name == "1");
  BOOST_CHECK_NE(ReadArrays(FixtureDir() + "printed/np_repr.txt", {})[0].info.note.find("printed as float32"), std::string::npos);
  for (const auto& m : manifest["malformed"])
    ExpectBadInput(FixtureDir() + m["file"].get<std::string>(), m["phrase"].get<std::string>());
}

BOOST_AUTO_TEST_CASE(printed_arrays_parse_by_their_brackets) {
  struct Case {
    const char* text;
    std::vector<size_t> shape;
    std::vector<double> re, im;
  };
  const std::vector<Case> cases = {
      {"[1 2;3 4;]", {2, 2}, {1, 2, 3, 4}, {}},                                   // mat2str, a trailing ';'
      {"[np.float32(0.5), np.float64(-1.0)]", {2}, {0.5, -1.0}, {}},               // numpy 2's scalar reprs
      {"[[1j, -2.5e-01-1.e+00j], [(1-2j), 3]]", {2, 2}, {0, -0.25, 1, 3}, {1, -1, -2, 0}},
      {"array([[ 1. , -0.5 +2.j ]])", {1, 2}, {1, -0.5}, {0, 2}},                 // numpy's padded complex
      {"tensor([1.0000e-03, inf, -inf], dtype=torch.float64)", {3}, {1e-3, INFINITY, -INFINITY}, {}},
      {"\xEF\xBB\xBF\n [[[1]], [[2]]]", {2, 1, 1}, {1, 2}, {}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      const std::vector<NdArray> a = ParsePrintedArrays(c.text, "p.txt");
      BOOST_REQUIRE_EQUAL(a.size(), 1u);
      BOOST_CHECK_EQUAL_COLLECTIONS(a[0].info.shape.begin(), a[0].info.shape.end(), c.shape.begin(), c.shape.end());
      BOOST_CHECK_EQUAL_COLLECTIONS(a[0].values.begin(), a[0].values.end(), c.re.begin(), c.re.end());
      BOOST_CHECK_EQUAL_COLLECTIONS(a[0].imag.begin(), a[0].imag.end(), c.im.begin(), c.im.end());
    }
  }
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"[1 [2]]", "not rectangular"},
      {"[[1], 2]", "not rectangular"},
      {"[[1, 2], [3]]", "line 1, column 12: a list of 1 elements"},
      {"[1 2;3]", "row 2 has 1 values, row 1 has 2"},
      {"[[1;2]]", "';' separates rows only"},
      {"[1, abc]", "'abc' is not a number"},
      {"[1, 2] x", "expected '[' or a call"},
      {"array([1, 2]", "ends inside array(...)"},
      {"[]", "empty"},
      {std::string(40, '[') + std::string(40, ']'), "nested more than 32 deep"},
      {"[[1.0, 2.0],\n ...,\n [3.0, 4.0]]", "line 2, column 2: '...': the array was printed in summary"},
  };
  for (const auto& [text, phrase] : bad) {
    BOOST_TEST_CONTEXT(text) {
      try {
        ParsePrintedArrays(text, "p.txt");
        BOOST_ERROR("accepted");
      } catch (const Error& e) {
        BOOST_CHECK(e.code() == ExitCode::kBadInput);
        BOOST_CHECK_MESSAGE(e.Line().find(phrase) != std::string::npos, e.Line());
        BOOST_CHECK_NE(e.Line().find("p.txt"), std::string::npos);
      }
    }
  }
  BOOST_CHECK(LooksLikePrintedArray(" \n[1]") && LooksLikePrintedArray("array([1])") && LooksLikePrintedArray("tensor([1.])"));
  BOOST_CHECK(!LooksLikePrintedArray("1 2\n") && !LooksLikePrintedArray("arrays([1])") && !LooksLikePrintedArray("# [1]"));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace specrecon
