// Why this file exists: the one type every reader produces: the numbers a file holds, with an
// honest account of how they were read (format, element type, byte order, header, shape) and
// how sure the reader is, so that inference and the report can say "read" versus "guessed".
// Knows nothing of STFTs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace specrecon {

// How a reader decoded a file. Every field is what the reader decided; `score` in [0, 1] says
// how sure it is, and the runner-up is the best rejected reading (empty when there was none).
struct ArrayReading {
  std::string path;
  std::string format = "raw";       // raw|text|npy|npz|mat|hdf5
  std::string name;                 // variable name inside a container, empty otherwise
  std::string dtype = "float32";    // float16|float32|float64|int8|uint8|int16|...|complex64|...
  std::string byte_order = "little";  // little|big|none (single-byte or text)
  uint64_t header_bytes = 0;        // bytes before the data (raw: detected or given)
  uint64_t trailer_bytes = 0;       // bytes after the data (raw: a Fortran record's end marker)
  std::vector<size_t> shape;        // as stored; raw files are flat: {count}
  bool fortran_order = false;       // shape is column-major (MATLAB, Fortran, numpy order='F')
  bool dtype_given = false;         // dtype / byte order came from a hint or a header
  double score = 1.0;
  std::string runner_up;            // e.g. "float64 big-endian"
  double runner_up_score = 0.0;
  std::string note;                 // how it was read: header evidence, candidates, skipped variables
  uint64_t inflated_bytes = 0;      // a gzip file's or archive member's: its bytes unpacked (0: neither)
  std::string member;               // an archive's (tar, zip of files): the member read, else empty
};

// Where an array was read from, for reports and logs: its file, and the member of an archive
// ("dump.zip:spectrogram.bin").
inline std::string SourceOf(const ArrayReading& r) { return r.member.empty() ? r.path : r.path + ":" + r.member; }

// A real or complex array of doubles, flat in file order.
struct NdArray {
  ArrayReading info;
  std::vector<double> values;  // real parts (or the values of a real array)
  std::vector<double> imag;    // imaginary parts; empty for a real array

  bool is_complex() const { return !imag.empty(); }
  size_t size() const { return values.size(); }
};

// Range summary used by `inspect` and by role detection.
struct ValueStats {
  size_t count = 0;
  size_t finite = 0;
  size_t negative = 0;
  size_t zeros = 0;
  double min = 0.0;
  double max = 0.0;
  double mean = 0.0;
  double rms = 0.0;
};
ValueStats ComputeStats(const std::vector<double>& values);

}  // namespace specrecon
