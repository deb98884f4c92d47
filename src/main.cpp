// specrecon's entry point: everything happens in RunCli (src/cli.h).
#include <iostream>
#include <string>
#include <vector>

#include "src/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return specrecon::RunCli(args, std::cout, std::cerr);
}
