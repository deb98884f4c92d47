#include "formats/text_reader.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

#include "formats/limits.h"
#include "src/errors.h"

namespace specrecon {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && IsBlank(s[b])) ++b;
  while (e > b && IsBlank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// Splits a line on `delim` (' ' means runs of blanks). A single trailing delimiter is allowed.
std::vector<std::string> SplitFields(const std::string& line, char delim) {
  std::vector<std::string> out;
  if (delim == ' ') {
    std::string cur;
    for (char c : line) {
      if (IsBlank(c)) {
        if (!cur.empty()) out.push_back(cur), cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
  }
  std::string cur;
  for (char c : line) {
    if (c == delim) out.push_back(Trim(cur)), cur.clear();
    else cur += c;
  }
  const std::string last = Trim(cur);
  if (!last.empty() || out.empty()) out.push_back(last);
  return out;
}

// A field without the double quotes around it ("1", "V1": R's write.csv, csv.QUOTE_ALL).
std::string Unquoted(const std::string& s) {
  return s.size() >= 2 && s.front() == '"' && s.back() == '"' ? s.substr(1, s.size() - 2) : s;
}

std::string Quoted(const std::string& s) {
  return "'" + (s.size() > 40 ? s.substr(0, 40) + "..." : s) + "'";
}

struct Line {
  size_t number;  // 1-based line in the file
  std::string text;
};

}  // namespace

bool ParseNumberToken(const std::string& token, double* out) {
  if (token.empty()) return false;
  const char* b = token.data();
  const char* e = b + token.size();
  bool negative = false;
  if (*b == '+' || *b == '-') {
    negative = *b == '-';
    ++b;
    if (b == e || *b == '+' || *b == '-') return false;
  }
  double v = 0.0;
  const auto r = std::from_chars(b, e, v);  // also parses inf, infinity and nan in any case
  if (r.ec == std::errc::result_out_of_range) {
    // Overflow or underflow: strtod gives the IEEE result (inf or a denormal/zero).
    v = std::strtod(std::string(b, e).c_str(), nullptr);
  } else if (r.ec != std::errc() || r.ptr != e) {
    return false;
  }
  *out = negative ? -v : v;
  return true;
}

bool ParseComplexToken(const std::string& token, double* re, double* im) {
  std::string t = token;
  if (t.size() >= 2 && t.front() == '(' && t.back() == ')') t = t.substr(1, t.size() - 2);
  if (t.empty() || (t.back() != 'j' && t.back() != 'J' && t.back() != 'i')) return false;
  if (t.find_first_of("0123456789") == std::string::npos) return false;  // "i", "j": column names, not 1j
  const std::string body = t.substr(0, t.size() - 1);
  // The imaginary part starts at the last sign that is not the first character and does not
  // follow an exponent's 'e'.
  size_t split = std::string::npos;
  for (size_t i = body.size(); i-- > 1;)
    if ((body[i] == '+' || body[i] == '-') && body[i - 1] != 'e' && body[i - 1] != 'E') {
      split = i;
      break;
    }
  const std::string real = split == std::string::npos ? "" : body.substr(0, split);
  const std::string imag = split == std::string::npos ? body : body.substr(split);
  double r = 0.0, m = 0.0;
  if (!real.empty() && !ParseNumberToken(real, &r)) return false;
  if (imag.empty() || imag == "+" || imag == "-") m = imag == "-" ? -1.0 : 1.0;
  else if (!ParseNumberToken(imag, &m)) return false;
  *re = r;
  *im = m;
  return true;
}

std::string ReadTextFile(const std::string& path) {
  const uint64_t size = RegularFileSize(path);
  if (size > kMaxTextBytes)
    ThrowBadInput(path, "text file of " + std::to_string(size) + " bytes is larger than the " +
                            std::to_string(kMaxTextBytes) + " this tool parses; convert it to binary");
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowBadInput(path, "cannot open for reading");
  // First pass, in 1 MiB pieces, nothing kept: a line beyond kMaxTextLineBytes or a NUL byte
  // (binary data or a sparse file behind a text-looking start) fails here, in bounded memory,
  // before the whole file is loaded.
  std::vector<char> chunk(1 << 20);
  uint64_t offset = 0, line_start = 0, line_number = 1;
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    const size_t got = static_cast<size_t>(in.gcount());
    for (size_t i = 0; i < got; ++i) {
      if (chunk[i] == '\n') {
        line_start = offset + i + 1;
        ++line_number;
      } else if (chunk[i] == '\0') {
        ThrowBadInput(path, "NUL byte at offset " + std::to_string(offset + i) + " (line " +
                                std::to_string(line_number) + "): not a text file");
      }
    }
    offset += got;
    if (offset - line_start > kMaxTextLineBytes)
      ThrowBadInput(path, "line " + std::to_string(line_number) + " is longer than " +
                              std::to_string(kMaxTextLineBytes) + " bytes, the longest line this tool reads");
  }
  in.clear();
  in.seekg(0);
  std::string text(static_cast<size_t>(size), '\0');
  if (size > 0 && !in.read(&text[0], static_cast<std::streamsize>(size))) ThrowBadInput(path, "read error");
  return text;
}

NdArray ParseDelimitedText(const std::string& text, const std::string& path) {
  size_t start = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  // Content lines: not blank, not a comment.
  std::vector<Line> lines;
  size_t number = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++number;
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string t = Trim(line);
    if (!t.empty() && t[0] != '#' && t[0] != '%') lines.push_back({number, line});
    start = end + 1;
  }
  if (lines.empty()) ThrowBadInput(path, "text file holds no numbers (only blank or comment lines)");
  // The delimiter: the first of tab, semicolon, comma found in a data line, else whitespace.
  const std::string& probe = lines.size() > 1 ? lines[1].text : lines[0].text;
  char delim = ' ';
  for (char c : {'\t', ';', ','})
    if (probe.find(c) != std::string::npos) {
      delim = c;
      break;
    }
  const bool decimal_comma = delim != ',';

  NdArray a;
  a.info.path = path;
  a.info.format = "text";
  a.info.dtype = "float64";
  a.info.byte_order = "none";
  a.info.score = 1.0;
  const char* delim_name = delim == '\t' ? "tab" : delim == ';' ? "semicolon" : delim == ',' ? "comma" : "whitespace";
  a.info.note = std::string(delim_name) + "-separated text";
  size_t cols = 0, rows = 0, first_data_line = 0;
  bool complex = false;  // a complex number was read: imag holds one value per value
  // A header row whose first field is empty ("" or nothing) names no column there: the first
  // column holds row labels (pandas' DataFrame.to_csv writes its index so, R's write.csv its
  // quoted row names) and is not read.
  bool labels = false;
  for (size_t li = 0; li < lines.size(); ++li) {
    const std::vector<std::string> fields = SplitFields(lines[li].text, delim);
    const size_t at = a.values.size();
    bool header = false;
    for (size_t c = labels ? 1 : 0; c < fields.size(); ++c) {
      std::string tok = Unquoted(fields[c]);
      if (decimal_comma && tok.find(',') != std::string::npos && tok.find('.') == std::string::npos &&
          tok.find(',') == tok.rfind(','))
        tok[tok.find(',')] = '.';
      double v = 0.0, im = 0.0;
      const bool real = ParseNumberToken(tok, &v);
      const bool cx = !real && ParseComplexToken(tok, &v, &im);
      if (!real && !cx) {
        // Only the first content line may be a header row (column names).
        if (li == 0 && (lines.size() > 1 || at == a.values.size())) {
          header = true;
          break;
        }
        ThrowBadInput(path, "line " + std::to_string(lines[li].number) + ", column " + std::to_string(c + 1) +
                                ": " + (tok.empty() ? std::string("empty field") : Quoted(tok) + " is not a number"));
      }
      if (cx && !complex) complex = true, a.imag.assign(a.values.size(), 0.0);  // the reals so far get 0
      a.values.push_back(v);
      if (complex) a.imag.push_back(im);
    }
    if (header) {
      a.values.resize(at);
      a.imag.clear();  // (a header is the first content line: nothing was read before it)
      complex = false;
      a.info.header_bytes = 0;
      a.info.note += ", header row: " + Trim(lines[li].text).substr(0, 80);
      labels = fields.size() > 1 && Unquoted(fields[0]).empty();
      if (labels) a.info.note += ", first column: row labels (the header names no column there), not read";
      continue;
    }
    if (rows == 0) {
      cols = fields.size();
      first_data_line = lines[li].number;
    } else if (fields.size() != cols) {
      ThrowBadInput(path, "line " + std::to_string(lines[li].number) + " has " + std::to_string(fields.size()) +
                              " fields, line " + std::to_string(first_data_line) + " has " + std::to_string(cols));
    }
    ++rows;
    if (a.values.size() > kMaxArrayElements) ThrowBadInput(path, "text holds more than " + std::to_string(kMaxArrayElements) + " numbers");
  }
  if (rows == 0) ThrowBadInput(path, "text file holds no numbers (only a header row)");
  if (complex) a.info.note += ", complex numbers";
  if (labels) --cols;
  // Below a header, a first column counting the rows (0, 1, 2, ... or 1, 2, 3, ...) is an index
  // too (pandas' index under a named header row), not a spectrogram's column.
  if (!labels && a.info.note.find(", header row: ") != std::string::npos && cols >= 2 && rows >= 3 && !complex) {
    const double first = a.values[0];
    bool counts = first == 0.0 || first == 1.0;
    for (size_t r = 1; r < rows && counts; ++r) counts = a.values[r * cols] == first + static_cast<double>(r);
    if (counts) {
      size_t w = 0;
      for (size_t k = 0; k < a.values.size(); ++k)
        if (k % cols != 0) a.values[w++] = a.values[k];
      a.values.resize(w);
      --cols;
      a.info.note += ", first column: row numbers " + std::to_string(static_cast<int>(first)) + ".." +
                     std::to_string(static_cast<int>(first) + rows - 1) + " (an index), not read";
    }
  }
  a.info.shape = {rows, cols};
  return a;
}

NdArray ReadDelimitedText(const std::string& path) { return ParseDelimitedText(ReadTextFile(path), path); }

}  // namespace specrecon
