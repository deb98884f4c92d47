#include "formats/octave_text_reader.h"

#include <cmath>
#include <limits>

#include "formats/limits.h"
#include "formats/text_reader.h"
#include "src/errors.h"

namespace specrecon {
namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

  std::vector<NdArray> Run() {
    std::vector<NdArray> out;
    while (true) {
      SkipBlankAndComments();
      if (pos_ >= s_.size()) break;
      ParseVariable(0, &out);
    }
    if (out.empty())
      ThrowBadInput(path_, "Octave text file holds no numeric variable" +
                               (skipped_.empty() ? std::string() : " (only " + SkippedList() + ")"));
    if (!skipped_.empty())
      for (NdArray& a : out) a.info.note += "; not numeric, skipped: " + SkippedList();
    return out;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) {
    ThrowBadInput(path_, "line " + std::to_string(line_) + ": " + what);
  }
  std::string SkippedList() const {
    std::string l;
    for (const std::string& s : skipped_) l += (l.empty() ? "" : ", ") + s;
    return l;
  }
  std::string PeekLine() const {
    size_t end = s_.find('\n', pos_);
    if (end == std::string::npos) end = s_.size();
    std::string l = s_.substr(pos_, end - pos_);
    if (!l.empty() && l.back() == '\r') l.pop_back();
    return l;
  }
  std::string NextLine() {
    if (pos_ >= s_.size()) Fail("unexpected end of file");
    std::string l = PeekLine();
    const size_t end = s_.find('\n', pos_);
    pos_ = end == std::string::npos ? s_.size() : end + 1;
    ++line_;
    return l;
  }
  void SkipBlankAndComments() {
    while (pos_ < s_.size()) {
      const std::string l = PeekLine();
      if (l.find_first_not_of(" \t") == std::string::npos || (l.rfind("# ", 0) == 0 && l.rfind("# name:", 0) != 0)) {
        NextLine();
        continue;
      }
      break;
    }
  }
  void SkipBlank() {
    while (pos_ < s_.size() && PeekLine().find_first_not_of(" \t") == std::string::npos) NextLine();
  }
  // Reads "# key: value" and returns value.
  std::string Header(const std::string& key) {
    SkipBlank();
    const std::string l = NextLine();
    const std::string prefix = "# " + key + ":";
    if (l.rfind(prefix, 0) != 0) Fail("expected '" + prefix + "', found '" + l.substr(0, 60) + "'");
    const size_t b = l.find_first_not_of(' ', prefix.size());
    return b == std::string::npos ? "" : l.substr(b);
  }
  uint64_t Count(const std::string& key) {
    const std::string v = Header(key);
    double d;
    if (!ParseNumberToken(v, &d) || d < 0 || d != std::floor(d) || d > 1e15) Fail("'" + key + ": " + v + "' is not a count");
    return static_cast<uint64_t>(d);
  }
  std::vector<std::string> Tokens(const std::string& l) {
    std::vector<std::string> t;
    size_t i = 0;
    while (i < l.size()) {
      while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
      const size_t b = i;
      while (i < l.size() && l[i] != ' ' && l[i] != '\t') ++i;
      if (i > b) t.push_back(l.substr(b, i - b));
    }
    return t;
  }
  // One value: a real number, NA, or "(re,im)".
  void Value(const std::string& tok, bool complex, double* re, double* im) {
    if (complex) {
      const size_t comma = tok.find(',');
      if (tok.size() < 5 || tok.front() != '(' || tok.back() != ')' || comma == std::string::npos)
        Fail("'" + tok + "' is not a complex number (re,im)");
      Value(tok.substr(1, comma - 1), false, re, nullptr);
      Value(tok.substr(comma + 1, tok.size() - comma - 2), false, im, nullptr);
      return;
    }
    if (tok == "NA") *re = std::numeric_limits<double>::quiet_NaN();
    else if (!ParseNumberToken(tok, re)) Fail("'" + tok + "' is not a number");
  }
  std::vector<uint64_t> DimsLine(uint64_t nd) {
    if (nd > 32) Fail("more than 32 dimensions");
    const std::vector<std::string> t = Tokens(NextLine());
    if (t.size() != nd) Fail("expected " + std::to_string(nd) + " dimensions");
    std::vector<uint64_t> dims;
    for (const std::string& x : t) {
      double d;
      if (!ParseNumberToken(x, &d) || d < 0 || d != std::floor(d) || d > 1e15) Fail("'" + x + "' is not a dimension");
      dims.push_back(static_cast<uint64_t>(d));
    }
    return dims;
  }
  void CheckRoom(uint64_t count, const std::string& what) {
    // Every value takes at least two characters (digit and line end or blank).
    if (count > (s_.size() - pos_) / 2 + 1)
      Fail(what + " declares " + std::to_string(count) + " values but the file is too short for them: truncated");
  }

  void ParseVariable(int depth, std::vector<NdArray>* out) {
    if (depth > kMaxDepth) Fail("cells or structs nested more than " + std::to_string(kMaxDepth) + " deep");
    const std::string name = Header("name");
    const std::string type = Header("type");
    const std::string what = "variable '" + name + "'";
    std::string base = type;
    const bool single = base.rfind("float ", 0) == 0;
    if (single) base = base.substr(6);
    const bool complex = base.rfind("complex ", 0) == 0;
    if (complex) base = base.substr(8);
    std::string int_type;
    for (const char* t : {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"})
      if (base.rfind(std::string(t) + " ", 0) == 0) int_type = t, base = base.substr(int_type.size() + 1);
    const bool top = depth == 0;

    if (type == "cell") {
      uint64_t n = 1;
      SkipBlank();
      if (PeekLine().rfind("# ndims:", 0) == 0) {
        for (uint64_t d : DimsLine(Count("ndims"))) n *= d;
      } else {
        n = Count("rows");
        n *= Count("columns");
      }
      CheckRoom(n, what);
      for (uint64_t i = 0; i < n; ++i) ParseVariable(depth + 1, out);
      if (top) skipped_.push_back(name + " (cell)");
      return;
    }
    if (type == "scalar struct" || type == "struct") {
      DimsLine(Count("ndims"));
      const uint64_t fields = Count("length");
      CheckRoom(fields, what);
      for (uint64_t i = 0; i < fields; ++i) ParseVariable(depth + 1, out);
      if (top) skipped_.push_back(name + " (" + type + ")");
      return;
    }
    if (type == "string" || type == "sq_string") {
      const uint64_t n = Count("elements");
      CheckRoom(n, what);
      for (uint64_t i = 0; i < n; ++i) {
        const uint64_t len = Count("length");
        if (len > s_.size() - pos_) Fail(what + ": string longer than the rest of the file");
        for (uint64_t k = 0; k < len; ++k) if (s_[pos_ + k] == '\n') ++line_;
        pos_ += len;
        if (pos_ < s_.size() && s_[pos_] == '\n') ++pos_, ++line_;
      }
      if (top) skipped_.push_back(name + " (" + type + ")");
      return;
    }
    if (type == "null_matrix" || type == "null_string" || type == "null_sq_string") {
      if (top) skipped_.push_back(name + " (" + type + ")");
      return;
    }
    const bool is_bool = base == "bool" || base == "bool matrix";
    if (base != "scalar" && base != "matrix" && !is_bool)
      Fail(what + " has Octave type '" + type + "', which specrecon does not read");

    NdArray a;
    a.info.path = path_;
    a.info.format = "text";
    a.info.name = name;
    a.info.byte_order = "none";
    a.info.score = 1.0;
    a.info.dtype_given = true;
    a.info.dtype = !int_type.empty() ? int_type : complex ? (single ? "complex64" : "complex128")
                                                          : single ? "float32" : "float64";
    a.info.note = "GNU Octave text, type '" + type + "'";
    double re = 0, im = 0;
    if (base == "scalar" || base == "bool") {
      SkipBlank();
      const std::vector<std::string> t = Tokens(NextLine());
      if (t.size() != 1) Fail(what + ": expected one value");
      Value(t[0], complex, &re, &im);
      a.values = {re};
      if (complex) a.imag = {im};
    } else {
      SkipBlank();
      const bool nd = PeekLine().rfind("# ndims:", 0) == 0;
      std::vector<uint64_t> dims;
      if (nd) {
        dims = DimsLine(Count("ndims"));
      } else {
        dims.push_back(Count("rows"));
        dims.push_back(Count("columns"));
      }
      const uint64_t count = CheckedElementCount(dims, path_, what);
      CheckRoom(count, what);
      a.values.reserve(static_cast<size_t>(count));
      if (complex) a.imag.reserve(static_cast<size_t>(count));
      if (nd) {  // one value per line, column-major
        for (uint64_t i = 0; i < count; ++i) {
          const std::vector<std::string> t = Tokens(NextLine());
          if (t.size() != 1) Fail(what + ": expected one value on the line");
          Value(t[0], complex, &re, &im);
          a.values.push_back(re);
          if (complex) a.imag.push_back(im);
        }
        a.info.fortran_order = true;
      } else {  // one row per line
        for (uint64_t r = 0; r < dims[0]; ++r) {
          const std::vector<std::string> t = Tokens(NextLine());
          if (t.size() != dims[1])
            Fail(what + ": row has " + std::to_string(t.size()) + " values, '# columns:' says " + std::to_string(dims[1]));
          for (const std::string& x : t) {
            Value(x, complex, &re, &im);
            a.values.push_back(re);
            if (complex) a.imag.push_back(im);
          }
        }
      }
      for (uint64_t d : dims) a.info.shape.push_back(static_cast<size_t>(d));
    }
    if (!top) return;
    if (is_bool) {
      skipped_.push_back(name + " (" + type + ")");
      return;
    }
    out->push_back(std::move(a));
  }

  const std::string& s_;
  const std::string& path_;
  size_t pos_ = 0;
  size_t line_ = 0;
  std::vector<std::string> skipped_;
};

}  // namespace

bool LooksLikeOctaveText(const std::string& text) {
  return text.rfind("# Created by Octave", 0) == 0 || text.rfind("# name:", 0) == 0;
}

std::vector<NdArray> ParseOctaveText(const std::string& text, const std::string& path) {
  return Parser(text, path).Run();
}

}  // namespace specrecon
