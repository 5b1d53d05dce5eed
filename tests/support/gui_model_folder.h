// A tiny random Llama written as a Hugging Face folder for GUI tests that open a real model, a helper that
// runs frames until the model's background job has delivered, and one that opens the model on a sentence.
#pragma once

#include "app/gui/app_actions.h"
#include "app/gui/app_state.h"
#include "app/gui/model_actions.h"
#include "tests/support/headless_imgui.h"
#include "tests/support/hf_checkpoint_writer.h"

#include <filesystem>
#include <string>

namespace attnviz::testing {

/// 3 layers (or n_layers), 4 query heads over 2 KV heads, d_model 16, stories260K's tokenizer (vocab 512),
/// n_ctx 64.
struct GuiModelFolder {
    static constexpr int kLayers = 3;
    static constexpr int kHeads = 4;
    hf::ScratchDir dir;
    explicit GuiModelFolder(const std::string& tag, int n_layers = kLayers) : dir(tag) {
        hf::WriteOptions o;
        o.arch = hf::Arch::kLlama;
        o.n_layers = n_layers;
        o.d_model = 16;
        o.n_heads = kHeads;
        o.n_kv_heads = 2;
        o.vocab = 512;
        o.n_ctx = 64;
        o.seed = 7;
        hf::write_checkpoint(dir.path(), o);
        std::filesystem::copy_file(
            std::string(ATTNVIZ_SOURCE_DIR) + "/assets/models/stories260K/tokenizer.json",
            dir.file("tokenizer.json"));
    }
};

/// Runs frames until the model job is idle and nothing is left to recompute.
inline void settle_model(HeadlessImGui& ui, gui::AppState& s) {
    for (int i = 0; i < 40; ++i) {
        if (s.model.job) s.model.job->wait_until_idle();
        ui.frame(s);
        const bool busy = s.recompute_pending() ||
                          (s.model.job && (s.model.job->loading() || s.model.job->computing())) ||
                          s.derived.model.submitted != 0;
        if (!busy) break;
    }
    ui.frames(s, 2);
}

/// The lesson "pod" with `sentence` typed, then the folder's model opened and settled: the usual start of a
/// real-model GUI test (ASSERT_TRUE(open_tiny_model(ui, s, folder))); on failure, why the model is not open.
inline ::testing::AssertionResult open_tiny_model(
    HeadlessImGui& ui, gui::AppState& s, const GuiModelFolder& folder,
    const std::string& sentence = "Lily saw a big dog. The dog was happy.") {
    if (::testing::AssertionResult lesson = open_lesson(ui, s, "pod"); !lesson) return lesson;
    gui::set_sentence(s, sentence);
    gui::open_model(s, folder.dir.path());
    settle_model(ui, s);
    if (!gui::model_open(s))
        return ::testing::AssertionFailure() << "the model did not open: " << s.model.load_error;
    return ::testing::AssertionSuccess();
}

}  // namespace attnviz::testing
