// Why this file exists: the analysis-window families that real STFT producers use (scipy,
// torch, librosa, MATLAB/Octave, numpy), generated exactly as those tools generate them, so
// that inference can score each family against the data and reconstruction can use the winner.
//
// Conventions: a *symmetric* window of length L is w[n], n = 0..L-1, symmetric about (L-1)/2
// (numpy's hanning, MATLAB's hann(L)). A *periodic* window of length L is the first L samples of
// the symmetric window of length L+1 (scipy.signal.get_window's default, torch's default).
// `open_ends` is MATLAB/Octave's 'hanning' style: the symmetric window of length L+2 without its
// two (zero) end points. Parameters: kaiser beta, gaussian sigma (in samples), tukey alpha.
// All functions are pure and thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace specrecon {

enum class WindowFamily {
  kHann,
  kHamming,
  kBlackman,
  kBlackmanHarris,
  kNuttall,
  kFlattop,
  kKaiser,
  kGaussian,
  kTukey,
  kSine,
  kTriangular,
  kRectangular,
  kSqrtHann,
  kCustom,
};

struct WindowSpec {
  WindowFamily family = WindowFamily::kHann;
  double param = 0.0;      // kaiser beta, gaussian sigma, tukey alpha; unused otherwise
  bool symmetric = false;  // false: periodic (DFT-even)
  bool open_ends = false;  // MATLAB 'hanning': symmetric L+2 without the end points
  int length = 0;
};

// Name <-> enum for every name a user can type (hann, hamming, ..., custom).
const char* WindowFamilyName(WindowFamily family);
std::optional<WindowFamily> ParseWindowFamily(const std::string& name);
// Families that take a parameter (kaiser, gaussian, tukey).
bool WindowFamilyHasParam(WindowFamily family);
// All named families except custom, in the order inference tries them.
const std::vector<WindowFamily>& AllWindowFamilies();

// The window samples. Throws std::invalid_argument for length < 1 or a bad parameter.
std::vector<double> MakeWindow(const WindowSpec& spec);

// Human-readable: "hann (periodic, 256)", "kaiser beta=8 (symmetric, 301)".
std::string DescribeWindow(const WindowSpec& spec);

}  // namespace specrecon
