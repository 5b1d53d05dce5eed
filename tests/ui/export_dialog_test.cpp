// File > Export: Ctrl+E opens the dialog, each format writes what the screen shows (the run's own numbers,
// the heatmap's colormap), formats this state cannot write say why, and the quiz's hidden weights stay
// hidden.
#include "app/gui/app_actions.h"
#include "app/gui/export_actions.h"
#include "app/gui/keys.h"
#include "app/gui/model_actions.h"
#include "core/exports/attention_export.h"
#include "core/io/npy.h"
#include "core/lesson/lesson_model.h"
#include "tests/support/export_files.h"
#include "tests/support/gui_model_folder.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;
using testing::ScratchDir;

TEST(ExportDialog, CtrlEOpensItAndItDrawsTheFormat) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    ui.key(s, kKeyE, /*ctrl=*/true);
    const std::string text = HeadlessImGui::drawn_text();
    EXPECT_NE(text.find("SVG:theheatmapwithlabelsandlegend"), std::string::npos) << text;
    EXPECT_NE(text.find("Export"), std::string::npos);
}

TEST(ExportDialog, EachFormatWritesTheShownRun) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    s.selection.focus_head = 2;
    ui.frames(s, 2);
    ScratchDir dir("gui_export");
    for (int i = 0; i < static_cast<int>(ExportFormat::kCount); ++i) {
        const auto f = static_cast<ExportFormat>(i);
        SCOPED_TRACE(export_format_label(f));
        s.export_dialog.format = f;
        s.export_dialog.size = 64;
        s.export_dialog.frames = 3;
        s.export_dialog.path = dir.file("out" + std::to_string(i) + "." + export_format_extension(f));
        ASSERT_TRUE(export_format_unavailable(s, f).empty()) << export_format_unavailable(s, f);
        ASSERT_TRUE(run_export(s)) << s.export_dialog.message;
        if (f == ExportFormat::kPngWindow) {
            EXPECT_EQ(s.requests.screenshot, s.export_dialog.path) << "handed to the main loop";
            s.requests.screenshot.clear();
            continue;
        }
        EXPECT_TRUE(std::filesystem::exists(s.export_dialog.path));
        EXPECT_EQ(s.status_message, "wrote " + s.export_dialog.path);
    }
    // The CSV holds head 2's weights as the engine computed them for the screen.
    const auto rows = testing::parse_csv(testing::read_text(dir.file("out4.csv")));
    ASSERT_EQ(rows.size(), 10u);
    const MatrixRM& w = s.derived.result()->heads[2].weights;
    for (int i = 0; i < 9; ++i)
        for (int j = 0; j < 9; ++j)
            EXPECT_EQ(
                std::strtof(rows[static_cast<std::size_t>(i + 1)][static_cast<std::size_t>(j + 1)].c_str(),
                            nullptr),
                w(i, j));
    Expected<io::NpyArray> layer = io::read_npy(dir.file("out6.npy"));
    ASSERT_TRUE(layer.ok()) << layer.error();
    EXPECT_EQ(layer->shape, (std::vector<std::int64_t>{8, 9, 9}));
    Expected<exports::AttentionExport> json =
        exports::export_from_json(testing::read_text(dir.file("out8.json")), "out8.json");
    ASSERT_TRUE(json.ok()) << json.error();
    EXPECT_EQ(json->focus_head, 2);
    EXPECT_EQ(json->query, s.selection.query);
    EXPECT_EQ(testing::png_size(testing::read_text(dir.file("out1.png"))), std::make_pair(64, 64));
}

TEST(ExportDialog, UnavailableFormatsSayWhyAndTheQuizKeepsItsSecret) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "cross-attention"));
    EXPECT_NE(export_format_unavailable(s, ExportFormat::kSvgArcs).find("self-attention"), std::string::npos);
    EXPECT_NE(export_format_unavailable(s, ExportFormat::kGifMask).find("causal mask"), std::string::npos);
    EXPECT_TRUE(export_format_unavailable(s, ExportFormat::kGifTemperature).empty());
    ScratchDir dir("gui_export_refused");
    s.export_dialog.format = ExportFormat::kSvgArcs;
    s.export_dialog.path = dir.file("arcs.svg");
    EXPECT_FALSE(run_export(s));
    EXPECT_FALSE(std::filesystem::exists(dir.file("arcs.svg")));
    EXPECT_NE(s.export_dialog.message.find("cannot export"), std::string::npos);

    AppState q;
    ASSERT_TRUE(testing::open_lesson(ui, q, "pod"));
    q.quiz.phase = QuizPhase::kAsking;
    q.quiz.kind = QuizKind::kScenario;
    ASSERT_TRUE(q.quiz.hidden());
    q.export_dialog.format = ExportFormat::kCsv;
    q.export_dialog.path = dir.file("secret.csv");
    EXPECT_FALSE(run_export(q));
    EXPECT_FALSE(std::filesystem::exists(dir.file("secret.csv")));
}

}  // namespace
}  // namespace attnviz::gui

namespace attnviz::gui {
namespace {

// The JSON's source names what computed the weights: the lesson model's label, or "model: " and the
// model's folder for a real model (it said "lesson" before), and it survives the round trip.
TEST(ExportDialog, SourceNamesTheRealModel) {
    testing::GuiModelFolder folder("export_source");
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    Expected<exports::AttentionExport> lesson = export_from_state(s);
    ASSERT_TRUE(lesson.ok()) << lesson.error();
    EXPECT_EQ(lesson->source, lesson::kLessonModelLabel);
    set_sentence(s, "Lily saw a big dog.");
    open_model(s, folder.dir.path());
    testing::settle_model(ui, s);
    ASSERT_TRUE(model_open(s)) << s.model.load_error;
    Expected<exports::AttentionExport> e = export_from_state(s);
    ASSERT_TRUE(e.ok()) << e.error();
    EXPECT_EQ(e->source, "model: " + folder.dir.path());
    Expected<exports::AttentionExport> back =
        exports::export_from_json(exports::export_to_json(*e).dump(), "model.json");
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(back->source, "model: " + folder.dir.path());
}

}  // namespace
}  // namespace attnviz::gui
