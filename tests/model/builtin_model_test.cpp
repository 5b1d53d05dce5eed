// The real model shipped in the binary: the files are where the app and the tests expect them, and the
// embedded copy is the same model as the folder, bit for bit.
#include "core/model/builtin_model.h"
#include "core/model/forward.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace attnviz::model {
namespace {

const std::filesystem::path kDir =
    std::filesystem::path(ATTNVIZ_SOURCE_DIR) / "assets" / "models" / "stories260K";

TEST(BuiltinModel, Stories260KIsShippedWithItsProvenance) {
    for (const char* name : {"config.json", "model.safetensors", "tokenizer.json", "PROVENANCE.md"}) {
        EXPECT_TRUE(std::filesystem::is_regular_file(kDir / name)) << (kDir / name);
    }
    EXPECT_EQ(std::filesystem::file_size(kDir / "model.safetensors"), 1044992u);
}

TEST(BuiltinModel, EmbeddedCopyEqualsTheFolderBitForBit) {
    Expected<std::shared_ptr<const Checkpoint>> embedded = load_builtin_model();
    ASSERT_TRUE(embedded.ok()) << embedded.error();
    Expected<std::shared_ptr<const Checkpoint>> folder = load_checkpoint(kDir.string());
    ASSERT_TRUE(folder.ok()) << folder.error();
    EXPECT_EQ((*embedded)->n_parameters, 260032);
    const std::vector<int> ids = {1, 403, 407, 261, 378};
    ForwardOptions options;
    options.all_logits = true;
    Expected<ForwardResult> a = run_forward(**embedded, ids, {}, options);
    Expected<ForwardResult> b = run_forward(**folder, ids, {}, options);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->logits.size(), b->logits.size());
    for (Eigen::Index i = 0; i < a->logits.size(); ++i)
        ASSERT_EQ(a->logits.data()[i], b->logits.data()[i]) << i;

    Expected<std::shared_ptr<const Tokenizer>> tokenizer = load_builtin_tokenizer();
    ASSERT_TRUE(tokenizer.ok()) << tokenizer.error();
    std::vector<int> encoded;
    for (const Token& t : (*tokenizer)->encode("Once upon a time")) encoded.push_back(t.id);
    EXPECT_EQ(encoded, ids);
}

TEST(BuiltinModel, ItsNameOpensItUnlessAFolderOfThatNameExists) {
    EXPECT_TRUE(is_builtin_model_name("stories260K"));
    EXPECT_FALSE(is_builtin_model_name("stories260k"));
    EXPECT_FALSE(is_builtin_model_name(kDir.string()));
    Expected<std::shared_ptr<const Checkpoint>> opened = open_model("stories260K");
    ASSERT_TRUE(opened.ok()) << opened.error();
    EXPECT_EQ((*opened)->config.n_layers, 5);
}

}  // namespace
}  // namespace attnviz::model
