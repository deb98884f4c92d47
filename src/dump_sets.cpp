#include "src/dump_sets.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "formats/compressed_file.h"
#include "formats/reader.h"
#include "src/errors.h"

namespace specrecon {
namespace {

namespace fs = std::filesystem;

const std::set<std::string> kMagnitudeWords = {"mag", "mags", "magnitude", "magnitudes", "spec", "specs",
                                               "spectrogram", "spectrograms", "spectrum", "abs", "amp", "amps",
                                               "amplitude", "amplitudes", "s", "power", "pow", "psd", "db", "logmag"};
const std::set<std::string> kPhaseWords = {"phase", "phases", "ph", "phs", "angle", "angles", "arg", "p", "phi"};
const std::set<std::string> kSkippedExtensions = {".wav", ".flac", ".ogg", ".mp3", ".json", ".md", ".py", ".m",
                                                  ".sh", ".html", ".htm", ".png", ".jpg", ".jpeg", ".svg",
                                                  ".pdf", ".log"};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsSeparator(char c) { return c == '_' || c == '-' || c == '.' || c == ' '; }

std::string Stem(const std::string& filename) {
  const size_t dot = filename.rfind('.');
  return dot == std::string::npos || dot == 0 ? filename : filename.substr(0, dot);
}

std::string Extension(const std::string& filename) {
  const size_t dot = filename.rfind('.');
  return dot == std::string::npos || dot == 0 ? "" : Lower(filename.substr(dot));
}

bool Skipped(const fs::path& p) {
  const std::string name = p.filename().string();
  if (name.empty() || name[0] == '.' || name.find(".specrecon-tmp-") != std::string::npos) return true;
  const std::string low = Lower(name);
  if (low.rfind("readme", 0) == 0 || low.rfind("license", 0) == 0 || low.rfind("changelog", 0) == 0) return true;
  return kSkippedExtensions.count(Extension(name)) > 0;
}

// Element counts can agree when the sizes are in a ratio of 1, 2, 4 or 8.
bool SizesCompatible(uintmax_t a, uintmax_t b) {
  if (a == 0 || b == 0) return a == b;
  const uintmax_t lo = std::min(a, b), hi = std::max(a, b);
  return hi % lo == 0 && (hi / lo == 1 || hi / lo == 2 || hi / lo == 4 || hi / lo == 8);
}

std::string SafeName(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  while (!out.empty() && (out.front() == '_' || out.front() == '.')) out.erase(out.begin());
  return out.empty() ? "set" : out;
}

void MakeNamesUnique(std::vector<DumpSet>* sets) {
  std::map<std::string, int> seen;
  for (DumpSet& s : *sets) {
    s.name = SafeName(s.name);
    const int n = ++seen[s.name];
    if (n > 1) {
      std::string candidate;
      int k = n;
      do candidate = s.name + "-" + std::to_string(k++);
      while (seen.count(candidate));
      seen[candidate] = 1;
      s.name = candidate;
    }
  }
}

// A file that holds a whole dump: an archive or document with a complex array or with two planes
// (arrays with two dimensions of more than one element: a magnitude and a phase). One plane alone
// (scipy.io.savemat of S into mag.mat beside phase.mat, a print of S, np.savez of S) is half of
// a pair and is matched by its name like a raw file; a file that does not read is a set alone,
// whose error its run then reports.
bool IsContainer(const std::string& path) {
  const std::string kind = SniffFormat(path);
  if (kind == "zip" || kind == "pickle" || kind == "pickle_z" || kind == "json" || kind == "printed" || kind == "mat5" || kind == "hdf5" ||
      IsCodecName(kind) || kind == "tar" || kind == "mat4" || kind == "octave_binary" || kind == "safetensors" || kind == "netcdf") {
    std::vector<NdArray> arrays;
    try {
      arrays = ReadArrays(path, RawHints{});
    } catch (const Error&) {
      return true;
    }
    // An archive of files (zip, tar, tar.gz) holding more than one array is a set by itself.
    if (!arrays.empty() && !arrays[0].info.member.empty() && arrays.size() > 1) return true;
    // A compressed file is what it holds: a raw, text or npy file inside is one array, paired by name.
    const std::string inner = arrays.empty() ? std::string() : arrays[0].info.format;
    if (IsCodecName(kind) && (inner == "raw" || inner == "text" || inner == "npy"))
      return std::any_of(arrays.begin(), arrays.end(), [](const NdArray& a) { return a.is_complex(); });
    int planes = 0;
    for (const NdArray& a : arrays) {
      if (a.is_complex()) return true;
      planes += std::count_if(a.info.shape.begin(), a.info.shape.end(), [](size_t d) { return d > 1; }) >= 2;
    }
    return planes != 1;
  }
  if (kind != "npy") return false;
  std::ifstream f(path, std::ios::binary);
  std::string head(256, '\0');
  f.read(&head[0], 256);
  head.resize(static_cast<size_t>(f.gcount()));
  const size_t d = head.find("'descr':");
  const size_t q = d == std::string::npos ? std::string::npos : head.find('\'', d + 8);
  return q != std::string::npos && q + 2 < head.size() && head[q + 2] == 'c';  // '<c8', '>c16'
}

struct Entry {
  std::string path, filename, role, key, ext;
  uintmax_t size = 0;
  bool used = false;
};

}  // namespace

std::string NameRole(const std::string& filename, std::string* key) {
  const std::string stem = Stem(filename);
  // Tokens: runs of letters/digits, split at separators and at a lower -> upper case change.
  std::vector<std::pair<size_t, size_t>> tokens;  // [begin, end)
  size_t i = 0;
  while (i < stem.size()) {
    if (IsSeparator(stem[i])) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < stem.size() && !IsSeparator(stem[j]) &&
           !(std::islower(static_cast<unsigned char>(stem[j - 1])) && std::isupper(static_cast<unsigned char>(stem[j]))))
      ++j;
    tokens.emplace_back(i, j);
    i = j;
  }
  std::string role;
  for (size_t t = tokens.size(); t-- > 0 && role.empty();) {
    const std::string word = Lower(stem.substr(tokens[t].first, tokens[t].second - tokens[t].first));
    role = kPhaseWords.count(word) ? "phase" : kMagnitudeWords.count(word) ? "magnitude" : "";
    if (!role.empty() && key) {
      std::string k = stem.substr(0, tokens[t].first) + stem.substr(tokens[t].second);
      while (!k.empty() && IsSeparator(k.front())) k.erase(k.begin());
      while (!k.empty() && IsSeparator(k.back())) k.pop_back();
      *key = Lower(k);
    }
  }
  if (role.empty() && key) *key = Lower(stem);
  return role;
}

std::vector<DumpSet> FindDumpSets(const std::string& dir, const std::string& exclude) {
  std::error_code ec;
  const fs::path root = fs::absolute(dir, ec);
  if (!fs::is_directory(root, ec)) ThrowBadInput(dir, "is not a directory");
  const fs::path skip = exclude.empty() ? fs::path() : fs::weakly_canonical(fs::absolute(exclude, ec), ec);
  std::map<fs::path, std::vector<Entry>> by_dir;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) ThrowBadInput(dir, "cannot list the directory: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) ThrowBadInput(dir, "cannot list the directory: " + ec.message());
    const fs::path p = it->path();
    if (it->is_directory(ec)) {
      if (p.filename().string().rfind('.', 0) == 0 || (!skip.empty() && fs::weakly_canonical(p, ec) == skip))
        it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec) || Skipped(p)) continue;
    Entry e;
    e.path = p.lexically_relative(fs::current_path(ec)).string();
    if (e.path.empty() || e.path.rfind("..", 0) == 0) e.path = p.string();
    e.filename = p.filename().string();
    e.role = NameRole(e.filename, &e.key);
    e.ext = Extension(e.filename);
    e.size = it->file_size(ec);
    by_dir[p.parent_path()].push_back(e);
  }
  std::vector<DumpSet> sets;
  for (auto& [folder, entries] : by_dir) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.filename < b.filename; });
    std::string base = folder.lexically_relative(root).generic_string();
    if (base.empty() || base == ".") base = root.filename().string();
    std::replace(base.begin(), base.end(), '/', '_');
    auto add = [&](std::vector<const Entry*> files, const std::string& key, const std::string& reason) {
      DumpSet s;
      s.name = key.empty() ? base : base + "_" + key;
      for (const Entry* e : files) s.files.push_back(e->path);
      s.reason = reason;
      sets.push_back(s);
    };
    // 2. Containers and complex .npy: alone.
    for (Entry& e : entries)
      if (IsContainer(e.path)) {
        e.used = true;
        add({&e}, Lower(Stem(e.filename)), "container or complex array");
      }
    // 3. Names: each phase file takes a magnitude file with its key, else a file named the key.
    for (Entry& ph : entries) {
      if (ph.used || ph.role != "phase") continue;
      Entry* best = nullptr;
      for (int pass = 0; pass < 2 && !best; ++pass)
        for (Entry& m : entries) {
          if (m.used || &m == &ph || m.role == "phase") continue;
          const bool match = (m.role == "magnitude" && m.key == ph.key) || (m.role.empty() && m.key == ph.key && !ph.key.empty());
          if (match && (pass == 1 || m.ext == ph.ext)) {
            best = &m;
            break;
          }
        }
      if (!best) continue;
      best->used = ph.used = true;
      add({best, &ph}, ph.key, "names " + Stem(best->filename) + " / " + Stem(ph.filename));
    }
    // 4. Two files left with compatible sizes: a pair by content.
    std::vector<Entry*> left;
    for (Entry& e : entries)
      if (!e.used) left.push_back(&e);
    if (left.size() == 2 && SizesCompatible(left[0]->size, left[1]->size)) {
      left[0]->used = left[1]->used = true;
      add({left[0], left[1]}, "", "the only two files left in the folder, sizes compatible");
    }
    // 5. The rest alone.
    for (Entry& e : entries)
      if (!e.used) add({&e}, Lower(Stem(e.filename)), "single file (magnitude only or complex)");
  }
  std::sort(sets.begin(), sets.end(), [](const DumpSet& a, const DumpSet& b) { return a.name < b.name; });
  MakeNamesUnique(&sets);
  return sets;
}

std::vector<DumpSet> ReadManifest(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) ThrowBadInput(path, "cannot open the manifest");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  const fs::path base = fs::path(path).parent_path();
  auto resolve = [&base](const std::string& file) {
    const fs::path p(file);
    return (p.is_absolute() || base.empty() ? p : base / p).lexically_normal().string();
  };
  auto default_name = [](const std::string& file) {
    std::string key;
    NameRole(fs::path(file).filename().string(), &key);
    const std::string parent = fs::path(file).parent_path().filename().string();
    return parent.empty() ? (key.empty() ? "set" : key) : key.empty() ? parent : parent + "_" + key;
  };
  std::vector<DumpSet> sets;
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '[' || text[first] == '{')) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      ThrowBadInput(path, std::string("manifest is not valid JSON: ") + e.what());
    }
    const nlohmann::json list = j.is_object() ? j.value("sets", nlohmann::json()) : j;
    if (!list.is_array()) ThrowBadInput(path, "manifest: expected {\"sets\": [...]} or a list of sets");
    for (size_t i = 0; i < list.size(); ++i) {
      const nlohmann::json& item = list[i];
      const nlohmann::json files = item.is_object() ? item.value("files", nlohmann::json()) : item;
      DumpSet s;
      if (files.is_array())
        for (const auto& v : files)
          if (v.is_string()) s.files.push_back(resolve(v.get<std::string>()));
      if (s.files.empty() || !files.is_array() || s.files.size() != files.size())
        ThrowBadInput(path, "manifest set " + std::to_string(i + 1) + ": \"files\" must be a list of 1 to 3 path strings");
      s.name = item.is_object() && item.contains("name") && item["name"].is_string() ? item["name"].get<std::string>()
                                                                                      : default_name(s.files[0]);
      sets.push_back(s);
    }
  } else {
    std::istringstream lines(text);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
      const size_t hash = line.find('#');
      if (hash != std::string::npos) line.resize(hash);
      std::istringstream words(line);
      std::string w;
      DumpSet s;
      while (words >> w) {
        if (s.files.empty() && s.name.empty() && w.size() > 1 && w.back() == ':') s.name = w.substr(0, w.size() - 1);
        else s.files.push_back(resolve(w));
      }
      if (s.files.empty() && s.name.empty()) continue;
      if (s.files.empty()) ThrowBadInput(path, "manifest line " + std::to_string(number) + ": a set name without files");
      if (s.name.empty()) s.name = default_name(s.files[0]);
      sets.push_back(s);
    }
  }
  for (DumpSet& s : sets) {
    if (s.files.size() > 3) ThrowBadInput(path, "manifest set \"" + s.name + "\" lists " + std::to_string(s.files.size()) + " files; at most 3");
    s.reason = "manifest";
  }
  MakeNamesUnique(&sets);
  return sets;
}

}  // namespace specrecon
