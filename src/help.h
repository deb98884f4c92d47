// Why this file exists: one source for what the user reads about the command line. `--help` of
// every command and the man page (`specrecon help-man [FILE]`, built into build/specrecon.1)
// come from the same command descriptions below and the same Boost option descriptions the
// parser uses, so they cannot drift apart.
// Thread safety: pure functions over constant data.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <boost/program_options/options_description.hpp>

namespace specrecon {

struct CommandDoc {
  std::string name;         // reconstruct, infer, inspect, batch
  std::string synopsis;     // one line, without "specrecon "
  std::string summary;      // one line
  std::string description;  // paragraphs separated by blank lines, no markup
  std::vector<std::pair<std::string, std::string>> examples;  // (command line, what it does)
};

// The commands in the order help lists them.
const std::vector<CommandDoc>& CommandDocs();
// nullptr when there is no such command.
const CommandDoc* FindCommandDoc(const std::string& name);

// `specrecon --help`.
std::string TopHelp();

// `specrecon COMMAND --help`: usage, description, examples, then the options.
std::string CommandHelp(const CommandDoc& doc, const boost::program_options::options_description& options);

// The man page (troff, man macros) for the given commands and their options.
std::string ManPage(const std::vector<std::pair<const CommandDoc*, boost::program_options::options_description>>& commands,
                    const std::string& version);

}  // namespace specrecon
