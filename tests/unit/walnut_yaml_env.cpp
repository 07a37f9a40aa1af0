// Points every unit test at the build's walnut-yaml (common/yaml_helper.h): test programs live in
// build/tests, not beside it. A value already in the environment wins.
#include <cstdlib>

namespace {
const int kSet = ::setenv("WALNUT_YAML", WALNUT_YAML_PATH, 0);
}  // namespace
