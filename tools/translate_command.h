// `refract translate PATH... --target ID[,ID...] [options]`.
#pragma once

namespace refract::cli {

// Runs `refract translate` (argv[1] is "translate"); returns the exit code.
int Translate(int argc, char** argv);

}  // namespace refract::cli
