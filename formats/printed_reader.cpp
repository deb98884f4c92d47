#include "formats/printed_reader.h"

#include <cctype>
#include <cstdint>

#include "formats/byte_source.h"
#include "formats/json_reader.h"
#include "formats/limits.h"
#include "formats/text_reader.h"
#include "src/errors.h"

namespace specrecon {
namespace {

// Printed text is parsed in one pass into the values alone (no tree), at most 16 bytes per value
// of at least 2 characters each: 256 MiB of text is at most 2 GiB of values.
constexpr uint64_t kMaxPrintedBytes = uint64_t{256} << 20;
constexpr int kMaxPrintedDepth = 32;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }
bool IsNumberChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-'; }

// A number token as numpy, torch and Python print it: real (1., -0.5, 1.e-03, nan, -inf) or
// complex (1.5-2.j, -0.+1.j, 2j).
bool ParsePrintedNumber(const std::string& t, double* re, double* im, bool* complex) {
  *im = 0.0;
  *complex = false;
  if (ParseNumberToken(t, re)) return true;
  return *complex = ParseComplexToken(t, re, im);
}

class Parser {
 public:
  Parser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

  std::vector<NdArray> Run() {
    if (s_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
    std::vector<NdArray> out;
    for (;;) {
      SkipSpaceAndCommas();
      if (pos_ >= s_.size()) break;
      out.push_back(Item());
    }
    if (out.empty()) Fail("holds no printed array");
    if (out.size() > 1)
      for (size_t k = 0; k < out.size(); ++k) out[k].info.name = std::to_string(k);
    return out;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') ++line, col = 1;
      else ++col;
    }
    ThrowBadInput(path_, "line " + std::to_string(line) + ", column " + std::to_string(col) + ": " + what);
  }

  void SkipSpaceAndCommas() {
    while (pos_ < s_.size() && (IsSpace(s_[pos_]) || s_[pos_] == ',')) ++pos_;
  }

  // One top-level array: an optional wrapper call (array(, tensor(, np.array(, matrix(, ...)
  // around a bracketed list, and the wrapper's keyword arguments (dtype=float32) after it.
  NdArray Item() {
    NdArray a;
    a.info.path = path_;
    a.info.format = "text";
    a.info.dtype = "float64";
    a.info.byte_order = "none";
    std::string wrapper;
    if (s_[pos_] != '[') {
      const size_t start = pos_;
      while (pos_ < s_.size() && IsWordChar(s_[pos_])) ++pos_;
      wrapper = s_.substr(start, pos_ - start);
      if (wrapper.empty() || pos_ >= s_.size() || s_[pos_] != '(') {
        pos_ = start;
        Fail("expected '[' or a call such as array( or tensor( before the numbers, found '" +
             std::string(1, s_[start]) + "'");
      }
      ++pos_;
      while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
      if (pos_ >= s_.size() || s_[pos_] != '[') Fail("expected '[' after " + wrapper + "(");
    }
    std::vector<size_t> shape = List(&a);
    std::string dtype;
    if (!wrapper.empty()) dtype = Arguments(wrapper);
    if (a.values.empty()) Fail("the printed array is empty");
    if (!any_complex_) a.imag.clear();
    any_complex_ = false;
    std::vector<uint64_t> dims(shape.begin(), shape.end());
    CheckedElementCount(dims, path_, "the printed array");
    a.info.shape = shape;
    a.info.note = wrapper.empty() ? "printed array: a bracketed list of numbers (numpy's str, Python's repr, mat2str)"
                                  : "printed array: " + wrapper + "(...)";
    if (!dtype.empty()) a.info.note += ", printed as " + dtype;
    return a;
  }

  // After the list inside a wrapper: ", dtype=float32)" and the like, up to the wrapper's ')'.
  // Returns the dtype argument's value (empty when none).
  std::string Arguments(const std::string& wrapper) {
    std::string dtype;
    int parens = 0;
    for (;;) {
      SkipSpaceAndCommas();
      if (pos_ >= s_.size()) Fail("the file ends inside " + wrapper + "(...)");
      const char c = s_[pos_];
      if (c == ')' && parens == 0) {
        ++pos_;
        return dtype;
      }
      if (c == '[' || c == ']') Fail("unexpected '" + std::string(1, c) + "' among " + wrapper + "'s arguments");
      if (c == '(') ++parens;
      if (c == ')') --parens;
      if (s_.compare(pos_, 6, "dtype=") == 0) {
        pos_ += 6;
        const size_t start = pos_;
        while (pos_ < s_.size() && (IsWordChar(s_[pos_]) || s_[pos_] == '\'' || s_[pos_] == '"')) ++pos_;
        dtype = s_.substr(start, pos_ - start);
        continue;
      }
      ++pos_;
    }
  }

  // The bracketed list at pos_ (pos_ on its '['), values appended to `a`; returns its shape.
  std::vector<size_t> List(NdArray* a) {
    std::vector<size_t> count;           // elements so far in each open list
    std::vector<int64_t> dims;           // each level's length, once a list of it has closed
    int leaf = 0;                        // the depth of the lists that hold numbers (0: not yet seen)
    bool rows = false;                   // ';' seen (a one-level list in rows: mat2str)
    size_t row_start = 0, row_count = 0;
    int64_t row_len = -1;
    auto end_row = [&] {
      const int64_t len = static_cast<int64_t>(count[0] - row_start);
      if (row_len >= 0 && len != row_len)
        Fail("row " + std::to_string(row_count + 1) + " has " + std::to_string(len) + " values, row 1 has " + std::to_string(row_len));
      row_len = len;
      ++row_count;
      row_start = count[0];
    };
    do {
      SkipSpaceAndCommas();
      if (pos_ >= s_.size()) Fail("the file ends inside a bracketed list (" + std::to_string(count.size()) + " lists open)");
      const char c = s_[pos_];
      const int depth = static_cast<int>(count.size());
      if (c == '[') {
        if (depth >= kMaxPrintedDepth) Fail("lists nested more than " + std::to_string(kMaxPrintedDepth) + " deep");
        if (leaf && depth >= leaf) Fail("a list beside numbers: the array is not rectangular");
        if (depth > 0) ++count.back();
        count.push_back(0);
        if (dims.size() < count.size()) dims.push_back(-1);
        ++pos_;
      } else if (c == ']') {
        if (rows && depth == 1 && count[0] > row_start) end_row();  // (a trailing ';' ends no row)
        const int64_t n = static_cast<int64_t>(count.back());
        if (dims[depth - 1] < 0) dims[depth - 1] = n;
        else if (dims[depth - 1] != n)
          Fail("a list of " + std::to_string(n) + " elements where the others at its level have " + std::to_string(dims[depth - 1]) +
               ": the array is not rectangular");
        if (n == 0 && depth == 1 && dims.size() == 1) leaf = 1;
        count.pop_back();
        ++pos_;
      } else if (c == ';') {
        if (depth != 1 || (leaf && leaf != 1)) Fail("';' separates rows only in a list of numbers (mat2str)");
        rows = true;
        end_row();
        ++pos_;
      } else if (c == '(' || c == ')') {
        ++pos_;  // Python's repr of a complex number: (1.5-2j)
      } else if (IsNumberChar(c)) {
        const size_t start = pos_;
        while (pos_ < s_.size() && IsNumberChar(s_[pos_])) ++pos_;
        const std::string token = s_.substr(start, pos_ - start);
        if (token.find("...") != std::string::npos) {
          pos_ = start;
          Fail("'...': the array was printed in summary (numpy and torch elide all but the edges of arrays of more than 1000 "
               "values), so its values are not in the file; print it after np.set_printoptions(threshold=sys.maxsize) "
               "(torch.set_printoptions(profile='full')) or save it with numpy.save");
        }
        // numpy 2's repr of its scalars in a Python list: np.float32(0.5); the name is skipped,
        // its parentheses too.
        if (pos_ < s_.size() && s_[pos_] == '(' && std::isalpha(static_cast<unsigned char>(token[0])) &&
            token.find_first_of("+-") == std::string::npos)
          continue;
        double re = 0.0, im = 0.0;
        bool cx = false;
        if (depth == 0 || !ParsePrintedNumber(token, &re, &im, &cx)) {
          pos_ = start;
          Fail("'" + token.substr(0, 40) + "' is not a number");
        }
        // numpy pads a complex number's real part: "-0.5 +1.5j" is one number.
        if (!cx) {
          size_t p = pos_;
          while (p < s_.size() && s_[p] == ' ') ++p;
          if (p > pos_ && p < s_.size() && (s_[p] == '+' || s_[p] == '-')) {
            size_t q = p + 1;
            while (q < s_.size() && IsNumberChar(s_[q])) ++q;
            const std::string imag = s_.substr(p, q - p);
            double r2 = 0.0;
            if ((imag.back() == 'j' || imag.back() == 'J') && ParsePrintedNumber(imag, &r2, &im, &cx) && r2 == 0.0 &&
                imag.find_first_of("+-", 1) == std::string::npos)
              pos_ = q;
            else
              cx = false, im = 0.0;
          }
        }
        if (leaf == 0) leaf = depth;
        else if (leaf != depth) Fail("numbers at two depths of nesting: the array is not rectangular");
        ++count.back();
        a->values.push_back(re);
        if (cx && !any_complex_) {
          any_complex_ = true;
          a->imag.assign(a->values.size() - 1, 0.0);
        }
        if (any_complex_) a->imag.push_back(im);
        if (a->values.size() > kMaxArrayElements) Fail("more than " + std::to_string(kMaxArrayElements) + " values");
      } else {
        Fail("unexpected '" + std::string(1, c) + "' in a printed array");
      }
    } while (!count.empty());
    std::vector<size_t> shape;
    if (rows) return {row_count, static_cast<size_t>(row_len)};
    for (int d = 0; d < leaf && d < static_cast<int>(dims.size()); ++d) shape.push_back(static_cast<size_t>(dims[d]));
    return shape;
  }

  const std::string& s_;
  const std::string& path_;
  size_t pos_ = 0;
  bool any_complex_ = false;
};

}  // namespace

bool LooksLikePrintedArray(const std::string& head) {
  size_t i = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (i < head.size() && IsSpace(head[i])) ++i;
  if (i < head.size() && head[i] == '[') return true;
  static const char* const kWrappers[] = {"array(", "tensor(", "np.array(", "numpy.array(", "torch.tensor(", "matrix("};
  for (const char* w : kWrappers)
    if (head.compare(i, std::char_traits<char>::length(w), w) == 0) return true;
  return false;
}

std::vector<NdArray> ParsePrintedArrays(const std::string& text, const std::string& path) { return Parser(text, path).Run(); }

std::vector<NdArray> ReadBracketedText(const std::string& path) {
  const uint64_t size = RegularFileSize(path);
  if (size > kMaxPrintedBytes)
    ThrowBadInput(path, "text of " + std::to_string(size) + " bytes is larger than the " + std::to_string(kMaxPrintedBytes) +
                            " bytes this tool parses as JSON or a printed array; save the arrays with numpy.save instead");
  const std::vector<unsigned char> bytes = ReadFileBytes(path, size);
  const std::string text(bytes.begin(), bytes.end());
  const bool json_first = LooksLikeJson(text.substr(0, 512));
  if (json_first && size <= kMaxJsonBytes) {
    try {
      return ParseJson(text, path);
    } catch (const Error&) {
      // Text with quoted strings was meant as JSON, and JSON's error says what is wrong; other
      // text starting with '[' is tried as a printed array, whose error is then the one given.
      if (!LooksLikePrintedArray(text.substr(0, 512)) || text.find('"') != std::string::npos) throw;
    }
    return ParsePrintedArrays(text, path);
  }
  if (!LooksLikePrintedArray(text.substr(0, 512)))
    ThrowBadInput(path, "JSON file of " + std::to_string(size) + " bytes is larger than the " + std::to_string(kMaxJsonBytes) +
                            " this tool parses; save the arrays with numpy.save instead");
  return ParsePrintedArrays(text, path);
}

}  // namespace specrecon
