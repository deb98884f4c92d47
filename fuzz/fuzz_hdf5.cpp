// Why this file exists: libFuzzer target for the HDF5 / MATLAB 7.3 reader (formats/hdf5_reader.h).
// Besides crashes it checks that the reader closes every HDF5 object it opened, also on errors:
// a leaked file id keeps the file open inside libhdf5 (invisible to LeakSanitizer).
#include <hdf5.h>

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
  const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (open != 0) {
    std::fprintf(stderr, "FINDING: %zd HDF5 objects left open after ReadHdf5\n", open);
    std::abort();
  }
  return 0;
}
