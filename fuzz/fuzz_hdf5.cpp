// Why this file exists: libFuzzer target for the HDF5 / MATLAB 7.3 reader (formats/hdf5_reader.h).
// ReadHdf5 runs libhdf5 in a forked child, so libhdf5's own memory errors on corrupt files end
// as a clean Error here (they are contained, not fixed). The child checks that the reader
// closed every HDF5 object it opened, also on errors (a leaked file id keeps the file open
// inside libhdf5, invisible to LeakSanitizer), and a leak comes back as std::logic_error,
// which ExpectOnlySpecreconErrors turns into a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "formats/hdf5_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    specrecon_fuzz::InputFile file(data, size, ".h5");
    specrecon_fuzz::ExpectOnlySpecreconErrors([&] { specrecon::ReadHdf5(file.path()); });
  }
  return 0;
}
