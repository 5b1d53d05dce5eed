// The shipped real model is where the tests and the app expect it.
#include <gtest/gtest.h>

#include <filesystem>

namespace {

TEST(BuiltinModelFiles, Stories260KIsShippedWithItsProvenance) {
    const std::filesystem::path dir = std::filesystem::path(ATTNVIZ_SOURCE_DIR) / "assets" / "models" / "stories260K";
    for (const char* name : {"config.json", "model.safetensors", "tokenizer.json", "PROVENANCE.md"}) {
        EXPECT_TRUE(std::filesystem::is_regular_file(dir / name)) << (dir / name);
    }
    EXPECT_EQ(std::filesystem::file_size(dir / "model.safetensors"), 1044992u);
}

}  // namespace
