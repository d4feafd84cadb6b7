// `refract bundle RULES... -o DIR [--target ID|all] [--check]`.
#pragma once

namespace refract::cli {

// Runs `refract bundle` (argv[1] is "bundle"); returns the exit code.
int Bundle(int argc, char** argv);

}  // namespace refract::cli
