#include "formats/json_reader.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "formats/limits.h"
#include "src/errors.h"

namespace specrecon {
namespace {

using Json = nlohmann::ordered_json;  // keys in the file's order

// JSON text is parsed whole into a document of some 16 bytes per value: 128 MiB of text (a
// 1025-bin spectrogram of some 6000 frames written with json.dump) stays within a few GB.
constexpr int kMaxDepth = 64;

// Python's NaN, Infinity and -Infinity (outside strings) become the strings "NaN",
// "Infinity" and "-Infinity", which Number() below reads; nlohmann::json refuses the bare tokens.
std::string QuoteNonFinite(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    for (const char* tok : {"-Infinity", "Infinity", "NaN"}) {
      const size_t n = std::char_traits<char>::length(tok);
      if (text.compare(i, n, tok) == 0) {
        out += '"';
        out += tok;
        out += '"';
        i += n;
        break;
      }
    }
    if (i < text.size()) out += text[i];
  }
  return out;
}

bool Number(const Json& v, double* out) {
  if (v.is_number()) {
    *out = v.get<double>();
    return true;
  }
  if (v.is_null()) {
    *out = NAN;
    return true;
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "NaN") *out = NAN;
    else if (s == "Infinity") *out = INFINITY;
    else if (s == "-Infinity") *out = -INFINITY;
    else return false;
    return true;
  }
  return false;
}

// The shape of a rectangular nested list of numbers, or false.
bool ShapeOf(const Json& v, std::vector<size_t>* shape, int depth) {
  if (depth > kMaxDepth) return false;
  double x;
  if (!v.is_array()) return false;
  shape->push_back(v.size());
  if (v.empty()) return true;
  if (Number(v[0], &x) && !v[0].is_array()) {
    for (const auto& e : v)
      if (!Number(e, &x)) return false;
    return true;
  }
  std::vector<size_t> first;
  if (!ShapeOf(v[0], &first, depth + 1)) return false;
  for (size_t k = 1; k < v.size(); ++k) {
    std::vector<size_t> s;
    if (!ShapeOf(v[k], &s, depth + 1) || s != first) return false;
  }
  shape->insert(shape->end(), first.begin(), first.end());
  return true;
}

void Flatten(const Json& v, std::vector<double>* out) {
  double x;
  if (v.is_array()) {
    for (const auto& e : v) Flatten(e, out);
  } else if (Number(v, &x)) {
    out->push_back(x);
  }
}

struct Walk {
  const std::string& path;
  std::vector<NdArray> arrays;
  std::vector<std::string> skipped;

  // A new float64 array named `name` (JSON numbers are doubles), appended.
  NdArray& Add(const std::string& name, const char* note) {
    NdArray a;
    a.info.path = path;
    a.info.format = "json";
    a.info.name = name;
    a.info.dtype = "float64";
    a.info.byte_order = "none";
    a.info.note = note;
    arrays.push_back(std::move(a));
    return arrays.back();
  }

  void Visit(const Json& v, const std::string& name, int depth) {
    if (depth > kMaxDepth) ThrowBadInput(path, "JSON nested more than " + std::to_string(kMaxDepth) + " deep");
    auto child = [&](const std::string& key) { return name.empty() ? key : name + "." + key; };
    double x;
    if (v.is_object()) {
      for (const auto& [key, value] : v.items()) Visit(value, child(key), depth + 1);
      return;
    }
    if (v.is_array()) {
      std::vector<size_t> shape;
      if (ShapeOf(v, &shape, depth)) {
        std::vector<uint64_t> dims(shape.begin(), shape.end());
        const std::string what = name.empty() ? "the array" : "array '" + name + "'";
        const uint64_t n = CheckedElementCount(dims, path, what);
        NdArray& a = Add(name, "JSON: a nested list of numbers");
        a.info.shape = shape;
        a.values.reserve(n);
        Flatten(v, &a.values);
        return;
      }
      // A list of arrays of different shapes (or of dicts): each by its position, when one of
      // them is a dict or has two dimensions or more; rows of unequal length are left out.
      bool containers = !v.empty(), deep = false;
      for (const auto& e : v) {
        containers = containers && (e.is_array() || e.is_object());
        deep = deep || e.is_object() || (e.is_array() && !e.empty() && e[0].is_array());
      }
      if (containers && deep) {
        for (size_t k = 0; k < v.size(); ++k) Visit(v[k], child(std::to_string(k)), depth + 1);
        return;
      }
      skipped.push_back(name.empty() ? "the top-level list (ragged or mixed)" : name + " (ragged or mixed)");
      return;
    }
    if (Number(v, &x) && !v.is_null() && !v.is_string() && !name.empty()) {
      Add(name, "JSON: a number").values.push_back(x);
      return;
    }
    if (!name.empty()) skipped.push_back(name);
  }
};

}  // namespace

bool LooksLikeJson(const std::string& head) {
  size_t i = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) ++i;
  return i < head.size() && (head[i] == '[' || head[i] == '{');
}

std::vector<NdArray> ParseJson(const std::string& text, const std::string& path) {
  Json doc;
  try {
    const size_t bom = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    doc = Json::parse(QuoteNonFinite(text.substr(bom)));
  } catch (const nlohmann::ordered_json::parse_error& e) {
    ThrowBadInput(path, std::string("not valid JSON: ") + e.what());
  } catch (const nlohmann::ordered_json::exception& e) {
    ThrowBadInput(path, std::string("not valid JSON: ") + e.what());
  }
  Walk w{path, {}, {}};
  w.Visit(doc, "", 0);
  if (w.arrays.empty() || std::none_of(w.arrays.begin(), w.arrays.end(), [](const NdArray& a) { return !a.info.shape.empty(); }))
    ThrowBadInput(path, "JSON holds no rectangular list of numbers");
  if (!w.skipped.empty()) {
    std::string list;
    for (const std::string& s : w.skipped) list += (list.empty() ? "" : ", ") + s;
    for (NdArray& a : w.arrays) a.info.note += "; also in the file, not arrays of numbers: " + list;
  }
  return std::move(w.arrays);
}


}  // namespace specrecon
