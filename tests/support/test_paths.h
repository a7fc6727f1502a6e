// Where tests find the source tree, the shared/ folder (specs, upstream conformance data) and the
// build tree. tests/CMakeLists.txt force-includes this header into every test, so a test just
// writes `fs::path(TOCSIN_SHARED_DIR) / "conformance"`.
//
// The paths are compiled into one generated file (test_paths.cc.in) instead of -D flags on every
// test, so compiled test objects do not depend on where the checkout lives and ccache can share
// them between checkouts.
#pragma once

namespace tocsin::test {
const char* SourceDir();
const char* SharedDir();
const char* BinaryDir();
}  // namespace tocsin::test

#define TOCSIN_SOURCE_DIR (::tocsin::test::SourceDir())
#define TOCSIN_SHARED_DIR (::tocsin::test::SharedDir())
#define TOCSIN_BINARY_DIR (::tocsin::test::BinaryDir())
