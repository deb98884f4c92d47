// Why this file exists: `specrecon batch` gets a folder of dumps (or a manifest) and must decide
// which files belong together before anything is inferred. The rules, in order:
//   1. Only files in the same directory belong together. Hidden files, README/LICENSE, and
//      files that are not dumps by extension (wav flac ogg mp3 json md py m sh html png jpg svg
//      pdf log) are skipped, and so is the output folder.
//   2. A container (npz, MAT, HDF5: by magic bytes) or a complex .npy is a set by itself.
//   3. Names pair a magnitude with a phase: the stems, with one role word removed, are equal.
//      Role words (whole words split at _ - . space and lower/upper case changes):
//      magnitude: mag mags magnitude(s) spec(s) spectrogram(s) spectrum abs amp(s) amplitude(s)
//      s power pow psd db logmag; phase: phase(s) ph phs angle(s) arg p phi. So
//      spectrogram/phases, mag/phase, take1_mag/take1_phase, S/P pair, and X_phase pairs with X
//      (scipy's Sxx / Sxx_phase). The same extension is preferred.
//   4. When exactly two files of a directory are left and their sizes allow the same element
//      count (sizes in a ratio of 1, 2, 4 or 8), they pair; the tool decides roles from content.
//   5. Every other file is a set by itself (a magnitude-only or an interleaved complex dump).
// A manifest lists sets explicitly: JSON ({"sets": [{"name": N, "files": [..]}, ..]}, or a list
// of such objects or of file lists) or text (one set per line: `[NAME:] FILE [FILE...]`, `#`
// starts a comment). Relative paths are relative to the manifest's directory.
// Set names are file-system safe ([A-Za-z0-9._-]) and unique. Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

namespace specrecon {

struct DumpSet {
  std::string name;                // unique, used for OUTDIR/<name>.wav and .json
  std::vector<std::string> files;  // 1 to 3 paths
  std::string reason;              // why these files were grouped (for the printed grouping)
};

// Every dump set under `dir` (recursively), sorted by name. Files under `exclude` (the output
// folder; may be empty) are skipped. Throws Error(kBadInput) when dir cannot be listed.
std::vector<DumpSet> FindDumpSets(const std::string& dir, const std::string& exclude);

// The sets a manifest lists. Throws Error(kBadInput) naming the manifest (and the line) when it
// cannot be read or parsed, or a set has no file or more than three.
std::vector<DumpSet> ReadManifest(const std::string& path);

// The role a file name implies by rule 3: "magnitude", "phase" or "" (none), and the key (the
// stem without the role word, lower case) through `key`. For tests and the printed grouping.
std::string NameRole(const std::string& filename, std::string* key);

}  // namespace specrecon
