// The exact-number exports read back: CSV parses to the engine's floats, .npy round-trips one head, one
// layer and every layer of a real model, the JSON document loads back bit for bit and says where it is wrong.
#include "core/exports/attention_export.h"
#include "core/exports/export_source.h"
#include "core/io/npy.h"
#include "core/lesson/lesson_run.h"
#include "core/lesson/scenario.h"
#include "core/model/builtin_model.h"
#include "tests/support/export_files.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace attnviz {
namespace {

using testing::parse_csv;
using testing::ScratchDir;

exports::ExportSource pod_source() {
    const lesson::Scenario* sc = lesson::find_builtin_scenario("pod");
    EXPECT_NE(sc, nullptr);
    exports::ExportSource src;
    src.sentence = sc->sentence;
    src.lesson = sc->settings;
    src.focus_head = 0;
    return src;
}

exports::ExportSource stories_source(const std::string& text) {
    exports::ExportSource src;
    Expected<std::shared_ptr<const model::Checkpoint>> m = model::load_builtin_model();
    Expected<std::shared_ptr<const model::Tokenizer>> t = model::load_builtin_tokenizer();
    EXPECT_TRUE(m.ok() && t.ok());
    src.model = *m;
    src.tokenizer = *t;
    src.model_name = model::kBuiltinModelName;
    src.sentence = text;
    return src;
}

TEST(ExportCsv, ParsesBackToTheEnginesNumbersExactly) {
    const exports::ExportSource src = pod_source();
    Expected<exports::AttentionExport> e = exports::compute_export(src);
    ASSERT_TRUE(e.ok()) << e.error();
    // The engine's own run, independently of the export's packaging.
    Expected<lesson::LessonRun> run = lesson::run_lesson(src.sentence, "", src.lesson);
    ASSERT_TRUE(run.ok()) << run.error();
    for (int h : {0, 3, 7}) {
        SCOPED_TRACE(h);
        const MatrixRM& engine = run->result.heads[static_cast<std::size_t>(h)].weights;
        const auto rows =
            parse_csv(exports::matrix_csv(exports::head_weights(*e, 0, h), e->query_labels, e->key_labels));
        ASSERT_EQ(rows.size(), 10u);  // header + 9 tokens
        ASSERT_EQ(rows[0].size(), 10u);
        EXPECT_EQ(rows[0][0], "query \\ key");
        EXPECT_EQ(rows[0][2], "pod");
        EXPECT_EQ(rows[5][0], "it");
        int n_nonzero = 0;
        for (int i = 0; i < 9; ++i) {
            ASSERT_EQ(rows[static_cast<std::size_t>(i + 1)].size(), 10u);
            for (int j = 0; j < 9; ++j) {
                const std::string& cell =
                    rows[static_cast<std::size_t>(i + 1)][static_cast<std::size_t>(j + 1)];
                char* end = nullptr;
                const float v = std::strtof(cell.c_str(), &end);
                ASSERT_EQ(*end, '\0') << cell;
                EXPECT_EQ(v, engine(i, j)) << "row " << i << " col " << j << ": " << cell;
                n_nonzero += v != 0.0f;
            }
        }
        EXPECT_GE(n_nonzero, 45) << "a causal 9x9 head has 45 visible cells";
    }
}

TEST(ExportCsv, QuotesLabelsAsRfc4180AndEndsLinesWithCrlf) {
    MatrixRM w(2, 2);
    w << 0.25f, 0.75f, 1.0f / 3.0f, std::nextafter(1.0f, 0.0f);
    const std::vector<std::string> labels = {"a,b", "say \"hi\"\nthere"};
    const std::string csv = exports::matrix_csv(w, labels, labels);
    EXPECT_NE(csv.find("\"a,b\""), std::string::npos) << csv;
    EXPECT_NE(csv.find("\"say \"\"hi\"\"\nthere\""), std::string::npos) << csv;
    EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
    const auto rows = parse_csv(csv);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0][1], "a,b");
    EXPECT_EQ(rows[0][2], "say \"hi\"\nthere");
    EXPECT_EQ(rows[2][0], "say \"hi\"\nthere");
    EXPECT_EQ(std::strtof(rows[2][1].c_str(), nullptr), 1.0f / 3.0f);
    EXPECT_EQ(std::strtof(rows[2][2].c_str(), nullptr), std::nextafter(1.0f, 0.0f)) << rows[2][2];
    EXPECT_EQ(exports::csv_field("plain"), "plain");
    EXPECT_EQ(exports::csv_field(" padded"), "\" padded\"");
}

TEST(ExportNpy, HeadAndLayerRoundTrip) {
    ScratchDir dir("npy");
    exports::ExportSource src = pod_source();
    src.focus_head = 2;
    Expected<exports::AttentionExport> e = exports::compute_export(src);
    ASSERT_TRUE(e.ok()) << e.error();
    ASSERT_TRUE(exports::write_export_npy(dir.file("head.npy"), *e, exports::NpyScope::kHead).empty());
    ASSERT_TRUE(exports::write_export_npy(dir.file("layer.npy"), *e, exports::NpyScope::kLayer).empty());
    Expected<io::NpyArray> head = io::read_npy(dir.file("head.npy"));
    ASSERT_TRUE(head.ok()) << head.error();
    EXPECT_EQ(head->shape, (std::vector<std::int64_t>{9, 9}));
    const MatrixRM w = exports::head_weights(*e, 0, 2);
    for (int i = 0; i < 9; ++i)
        for (int j = 0; j < 9; ++j) EXPECT_EQ(head->data[static_cast<std::size_t>(i * 9 + j)], w(i, j));
    Expected<io::NpyArray> layer = io::read_npy(dir.file("layer.npy"));
    ASSERT_TRUE(layer.ok()) << layer.error();
    EXPECT_EQ(layer->shape, (std::vector<std::int64_t>{8, 9, 9}));
    ASSERT_EQ(layer->data.size(), e->layers[0].size());
    for (std::size_t k = 0; k < layer->data.size(); ++k)
        ASSERT_EQ(layer->data[k], e->layers[0].data()[k]) << k;
}

TEST(ExportNpy, EveryLayerOfTheBuiltinModel) {
    ScratchDir dir("npy_all");
    exports::ExportSource src = stories_source("Once upon a time");
    src.focus_layer = 4;
    src.focus_head = 7;
    Expected<exports::AttentionExport> e = exports::compute_export(src);
    ASSERT_TRUE(e.ok()) << e.error();
    ASSERT_EQ(e->n_layers(), 5);
    ASSERT_EQ(e->n_heads(), 8);
    const std::int64_t n = e->n_queries();
    EXPECT_GE(n, 4);
    EXPECT_EQ(e->query_labels.front(), "<s>");
    ASSERT_TRUE(exports::write_export_npy(dir.file("all.npy"), *e, exports::NpyScope::kAllLayers).empty());
    // read_npy stops at 3 dimensions: the 4-d file is checked from its header and raw float32 data.
    const std::string bytes = testing::read_text(dir.file("all.npy"));
    ASSERT_GT(bytes.size(), 10u);
    ASSERT_EQ(bytes.compare(0, 6, "\x93NUMPY"), 0);
    const std::size_t header_len = static_cast<unsigned char>(bytes[8]) |
                                   (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    const std::string header = bytes.substr(10, header_len);
    EXPECT_NE(header.find("'descr': '<f4'"), std::string::npos) << header;
    const std::string shape = "(5, 8, " + std::to_string(n) + ", " + std::to_string(n) + ")";
    EXPECT_NE(header.find(shape), std::string::npos) << header;
    io::NpyArray parsed;
    parsed.data.resize((bytes.size() - 10 - header_len) / 4);
    ASSERT_EQ(parsed.data.size(), static_cast<std::size_t>(5 * 8 * n * n));
    std::memcpy(parsed.data.data(), bytes.data() + 10 + header_len, parsed.data.size() * 4);
    const io::NpyArray* all = &parsed;
    for (int l = 0; l < 5; ++l) {
        for (std::size_t k = 0; k < e->layers[static_cast<std::size_t>(l)].size(); ++k) {
            ASSERT_EQ(all->data[static_cast<std::size_t>(l) * e->layers[0].size() + k],
                      e->layers[static_cast<std::size_t>(l)].data()[k]);
        }
    }
    // Causal rows sum to 1 and never look ahead.
    const MatrixRM w = exports::head_weights(*e, 4, 7);
    for (Eigen::Index i = 0; i < w.rows(); ++i) {
        EXPECT_NEAR(w.row(i).sum(), 1.0f, 1e-5f);
        for (Eigen::Index j = i + 1; j < w.cols(); ++j) EXPECT_EQ(w(i, j), 0.0f);
    }
    // The single head written is the focused one.
    ASSERT_TRUE(exports::write_export_npy(dir.file("head.npy"), *e, exports::NpyScope::kHead).empty());
    Expected<io::NpyArray> head = io::read_npy(dir.file("head.npy"));
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->data[static_cast<std::size_t>(n * n - 1)], w(n - 1, n - 1));
}

TEST(ExportJson, LoadsBackEveryFieldBitForBit) {
    exports::ExportSource src = pod_source();
    src.lesson.temperature = std::numeric_limits<double>::infinity();
    src.focus_head = 5;
    src.query = 4;
    Expected<exports::AttentionExport> e = exports::compute_export(src);
    ASSERT_TRUE(e.ok()) << e.error();
    Expected<exports::AttentionExport> back =
        exports::export_from_json(exports::export_to_json(*e).dump(true), "pod.json");
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(back->source, e->source);
    EXPECT_EQ(back->sentence, e->sentence);
    EXPECT_EQ(back->query_labels, e->query_labels);
    EXPECT_EQ(back->key_labels, e->key_labels);
    EXPECT_EQ(back->head_names, e->head_names);
    EXPECT_TRUE(std::isinf(back->settings.temperature));
    EXPECT_EQ(back->settings.causal, e->settings.causal);
    EXPECT_EQ(back->settings.n_heads, 8);
    EXPECT_EQ(back->focus_head, 5);
    EXPECT_EQ(back->query, 4);
    ASSERT_EQ(back->n_layers(), 1);
    EXPECT_TRUE(back->visible[0] == e->visible[0]);
    for (std::size_t k = 0; k < e->layers[0].size(); ++k)
        ASSERT_EQ(back->layers[0].data()[k], e->layers[0].data()[k]) << k;
    EXPECT_TRUE(exports::validate_export(*back).empty());
}

TEST(ExportJson, RealModelWithFiveLayersLoadsBack) {
    exports::ExportSource src = stories_source("The cat sat");
    Expected<exports::AttentionExport> e = exports::compute_export(src);
    ASSERT_TRUE(e.ok()) << e.error();
    Expected<exports::AttentionExport> back =
        exports::export_from_json(exports::export_to_json(*e).dump(), "stories.json");
    ASSERT_TRUE(back.ok()) << back.error();
    ASSERT_EQ(back->n_layers(), 5);
    for (int l = 0; l < 5; ++l) {
        const Tensor3& a = e->layers[static_cast<std::size_t>(l)];
        const Tensor3& b = back->layers[static_cast<std::size_t>(l)];
        for (std::size_t k = 0; k < a.size(); ++k) ASSERT_EQ(a.data()[k], b.data()[k]) << l << " " << k;
    }
    EXPECT_EQ(back->source, "model: stories260K");
}

TEST(ExportJson, ErrorsNameTheJsonPath) {
    exports::ExportSource src = pod_source();
    Expected<exports::AttentionExport> e = exports::compute_export(src);
    ASSERT_TRUE(e.ok());
    io::JsonValue doc = exports::export_to_json(*e);
    const std::string good = doc.dump();
    struct Case {
        std::string text;
        std::string expect;
    };
    std::string bad_weight = good;
    bad_weight.replace(bad_weight.find("\"heads\":[[[") + 11, 1, "\"x\"");
    std::string short_row = good;
    short_row.replace(short_row.find("\"visible\":[[1,0,") + 12, 2, "");
    std::string newer = good;
    newer.replace(newer.find("\"version\":1"), 11, "\"version\":9");
    std::string bad_focus = good;
    bad_focus.replace(bad_focus.find("\"head\":0"), 8, "\"head\":8");
    const std::vector<Case> cases = {
        {"{", "pod.json:1:2"},
        {"[]", "expected an object"},
        {"{\"format\":\"other\"}", "format"},
        {newer, "use a newer attnviz"},
        {bad_weight, "layers[0].heads[0][0][0]: expected a number"},
        {short_row, "layers[0].visible[0]"},
        {bad_focus, "focus.head"},
    };
    for (const Case& c : cases) {
        Expected<exports::AttentionExport> r = exports::export_from_json(c.text, "pod.json");
        ASSERT_FALSE(r.ok()) << c.expect;
        EXPECT_NE(r.error().find(c.expect), std::string::npos) << r.error();
    }
}

TEST(ExportSource, FocusOutOfRangeIsAnErrorForPeople) {
    exports::ExportSource src = pod_source();
    src.focus_head = 8;
    Expected<exports::AttentionExport> e = exports::compute_export(src);
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().find("head 8 is out of range"), std::string::npos) << e.error();
    src.focus_head = 0;
    src.sentence = "   ";
    EXPECT_FALSE(exports::compute_export(src).ok());
}

}  // namespace
}  // namespace attnviz
