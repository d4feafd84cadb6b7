// `refract check RULES... [--target ID|all] [--format text|json|sarif]`.
#pragma once

namespace refract::cli {

// Runs `refract check` (argv[1] is "check"); returns the exit code.
int Check(int argc, char** argv);

}  // namespace refract::cli
