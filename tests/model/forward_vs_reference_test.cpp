// The real-model engine (load_checkpoint + run_forward) against the independent float64 reference: every
// architecture x dtype x single/sharded checkpoint, logits and every attention matrix to 1e-4 relative,
// with and without interventions.
#include "core/model/checkpoint.h"
#include "core/model/forward.h"
#include "tests/support/checkpoint_variants.h"
#include "tests/support/hf_checkpoint_writer.h"
#include "tests/support/reference_model_f64.h"
#include "tests/support/safetensors_reader_f64.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

namespace hf = attnviz::testing::hf;
using attnviz::model::ForwardOptions;
using attnviz::model::ForwardResult;
using attnviz::model::Interventions;

constexpr double kRelTol = 1e-4;

using hf::Variant;

std::vector<Variant> variants() {
    return hf::checkpoint_variants(11);
}

/// max |a - b| over a block, relative to the block's largest |reference|.
struct Compare {
    double max_diff = 0.0;
    double max_ref = 0.0;
    void add(double got, double ref) {
        max_diff = std::max(max_diff, std::abs(got - ref));
        max_ref = std::max(max_ref, std::abs(ref));
    }
    double relative() const { return max_diff / std::max(max_ref, 1e-30); }
};

/// Logits [n, vocab] and every layer's weights [n_heads, n, n] of the engine against the reference.
void expect_agree(const ForwardResult& got, const hf::RefResult& ref, const hf::ModelSpec& spec,
                  const std::string& what) {
    const int n = static_cast<int>(ref.logits.size());
    ASSERT_EQ(got.logits.rows(), n) << what;
    ASSERT_EQ(got.logits.cols(), spec.vocab) << what;
    for (int i = 0; i < n; ++i) {
        Compare c;
        for (int t = 0; t < spec.vocab; ++t)
            c.add(got.logits(i, t), ref.logits[static_cast<std::size_t>(i)][static_cast<std::size_t>(t)]);
        EXPECT_LE(c.relative(), kRelTol) << what << ": logits of position " << i;
    }
    ASSERT_EQ(static_cast<int>(got.layers.size()), spec.n_layers) << what;
    for (int l = 0; l < spec.n_layers; ++l) {
        const attnviz::Tensor3& w = got.layers[static_cast<std::size_t>(l)].weights;
        ASSERT_EQ(w.n_mats(), spec.n_heads) << what;
        ASSERT_EQ(w.n_rows(), n) << what;
        ASSERT_EQ(w.n_cols(), n) << what;
        for (int h = 0; h < spec.n_heads; ++h) {
            Compare c;
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < n; ++j)
                    c.add(w.mat(h)(i, j), ref.attention[static_cast<std::size_t>(l)][static_cast<std::size_t>(
                                              h)][static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]);
            EXPECT_LE(c.relative(), kRelTol) << what << ": attention of layer " << l << " head " << h;
        }
    }
}

ForwardOptions keep_everything() {
    ForwardOptions f;
    f.keep_attention = true;
    f.all_logits = true;
    return f;
}

const std::vector<int> kIds = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};

TEST(ForwardVsReference, EveryArchitectureDtypeAndShardingAgreesWithFloat64) {
    hf::for_each_written_checkpoint(
        variants(), "fwd", [](const hf::WrittenCheckpoint& w, hf::DType, const std::string& what) {
            const auto model = attnviz::model::load_checkpoint(w.dir);
            ASSERT_TRUE(model.ok()) << what << ": " << model.error();
            const auto got = attnviz::model::run_forward(**model, kIds, Interventions{}, keep_everything());
            ASSERT_TRUE(got.ok()) << what << ": " << got.error();
            expect_agree(*got, hf::reference_forward(w.spec, w.tensors, kIds), w.spec, what);
        });
}

TEST(ForwardVsReference, KeptQkvAndScoresAgreeWithFloat64) {
    for (const Variant& variant : variants()) {
        hf::ScratchDir dir("qkv");
        const hf::WrittenCheckpoint w = hf::write_checkpoint(dir.path(), variant.options);
        const auto model = attnviz::model::load_checkpoint(dir.path());
        ASSERT_TRUE(model.ok()) << variant.name << ": " << model.error();
        ForwardOptions f = keep_everything();
        f.keep_qkv = true;
        f.keep_scores = true;
        const auto got = attnviz::model::run_forward(**model, kIds, Interventions{}, f);
        ASSERT_TRUE(got.ok()) << variant.name << ": " << got.error();
        const hf::RefResult ref = hf::reference_forward(w.spec, w.tensors, kIds);
        const int n = static_cast<int>(kIds.size());
        for (int l = 0; l < w.spec.n_layers; ++l) {
            const auto& layer = got->layers[static_cast<std::size_t>(l)];
            const auto L = static_cast<std::size_t>(l);
            auto check = [&](const attnviz::Tensor3& t, const std::vector<hf::Mat>& r, const char* name,
                             bool visible_only) {
                ASSERT_EQ(t.n_mats(), static_cast<int>(r.size())) << variant.name << " " << name;
                for (int h = 0; h < t.n_mats(); ++h) {
                    Compare c;
                    for (int i = 0; i < t.n_rows(); ++i)
                        for (int j = 0; j < t.n_cols(); ++j) {
                            if (visible_only && !hf::ref_visible(true, w.spec.sliding_window, i, j)) continue;
                            c.add(t.mat(h)(i, j), r[static_cast<std::size_t>(h)][static_cast<std::size_t>(i)]
                                                   [static_cast<std::size_t>(j)]);
                        }
                    EXPECT_LE(c.relative(), kRelTol)
                        << variant.name << ": " << name << " layer " << l << " head " << h;
                }
            };
            check(layer.q, ref.q[L], "q", false);
            check(layer.k, ref.k[L], "k", false);
            check(layer.v, ref.v[L], "v", false);
            check(layer.scores, ref.scores[L], "scores", true);
            ASSERT_EQ(layer.q.n_rows(), n);
        }
    }
}

/// The engine's interventions, said again for the reference.
hf::RefInterventions to_ref(const Interventions& iv) {
    hf::RefInterventions r;
    r.temperature = iv.temperature;
    for (const auto& t : iv.temperatures) r.temperatures.push_back({t.layer, t.head, t.temperature});
    r.causal = iv.causal;
    r.window = iv.window;
    for (const auto& h : iv.ablated) r.ablated.emplace_back(h.layer, h.head);
    return r;
}

std::vector<std::pair<std::string, Interventions>> intervention_cases() {
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<std::pair<std::string, Interventions>> cases;
    Interventions a;
    a.temperature = 0.5;
    cases.push_back({"temperature 0.5 everywhere", a});
    Interventions b;
    b.temperatures = {{1, -1, 2.0}, {1, 2, inf}, {0, 1, 0.0}};
    cases.push_back({"per layer and head, 0 and inf", b});
    Interventions c;
    c.causal = false;
    cases.push_back({"causal off", c});
    Interventions d;
    d.window = 2;
    cases.push_back({"window 2", d});
    Interventions e;
    e.causal = false;
    e.window = 3;
    cases.push_back({"window 3 without causal", e});
    Interventions f;
    f.window = 0;
    cases.push_back({"no window", f});
    Interventions g;
    g.ablated = {{0, 1}, {1, 0}, {1, 3}};
    cases.push_back({"heads 0.1, 1.0, 1.3 off", g});
    Interventions h;
    h.temperature = 3.0;
    h.causal = false;
    h.window = 4;
    h.ablated = {{1, 2}};
    h.temperatures = {{0, -1, 0.25}};
    cases.push_back({"everything at once", h});
    return cases;
}

TEST(ForwardVsReference, InterventionsAgreeWithFloat64) {
    for (const Variant& variant : variants()) {
        hf::ScratchDir dir("iv");
        const hf::WrittenCheckpoint w = hf::write_checkpoint(dir.path(), variant.options);
        const auto model = attnviz::model::load_checkpoint(dir.path());
        ASSERT_TRUE(model.ok()) << variant.name << ": " << model.error();
        for (const auto& [name, iv] : intervention_cases()) {
            const std::string what = variant.name + ", " + name;
            const auto got = attnviz::model::run_forward(**model, kIds, iv, keep_everything());
            ASSERT_TRUE(got.ok()) << what << ": " << got.error();
            expect_agree(*got, hf::reference_forward(w.spec, w.tensors, kIds, to_ref(iv)), w.spec, what);
        }
    }
}

TEST(ForwardVsReference, OneTokenAndAFullContext) {
    hf::ScratchDir dir("edge");
    hf::WriteOptions o = hf::tiny_options(hf::Arch::kQwen2, 11);
    const hf::WrittenCheckpoint w = hf::write_checkpoint(dir.path(), o);
    const auto model = attnviz::model::load_checkpoint(dir.path());
    ASSERT_TRUE(model.ok()) << model.error();
    std::vector<int> full;
    for (int i = 0; i < o.n_ctx; ++i) full.push_back((7 * i + 3) % o.vocab);
    for (const std::vector<int>& ids : {std::vector<int>{5}, full}) {
        const auto got = attnviz::model::run_forward(**model, ids, Interventions{}, keep_everything());
        ASSERT_TRUE(got.ok()) << got.error();
        expect_agree(*got, hf::reference_forward(w.spec, w.tensors, ids), w.spec,
                     "n = " + std::to_string(ids.size()));
    }
}

TEST(ForwardVsReference, RerunFromTheFirstChangedLayerAgreesWithFloat64) {
    for (const Variant& variant : variants()) {
        hf::ScratchDir dir("rerun");
        const hf::WrittenCheckpoint w = hf::write_checkpoint(dir.path(), variant.options);
        const auto model = attnviz::model::load_checkpoint(dir.path());
        ASSERT_TRUE(model.ok()) << variant.name << ": " << model.error();
        const auto plain = attnviz::model::run_forward(**model, kIds, Interventions{}, keep_everything());
        ASSERT_TRUE(plain.ok()) << plain.error();
        for (const auto& [name, iv] : intervention_cases()) {
            const std::string what = variant.name + ", rerun with " + name;
            const auto got = attnviz::model::rerun_forward(**model, *plain, iv, keep_everything());
            ASSERT_TRUE(got.ok()) << what << ": " << got.error();
            expect_agree(*got, hf::reference_forward(w.spec, w.tensors, kIds, to_ref(iv)), w.spec, what);
        }
    }
}

TEST(ForwardVsReference, KvCacheDecodeAgreesWithFloat64) {
    for (const Variant& variant : variants()) {
        hf::ScratchDir dir("kv");
        const hf::WrittenCheckpoint w = hf::write_checkpoint(dir.path(), variant.options);
        const auto model = attnviz::model::load_checkpoint(dir.path());
        ASSERT_TRUE(model.ok()) << variant.name << ": " << model.error();
        Interventions iv;
        iv.temperatures = {{1, 1, 0.5}};
        iv.ablated = {{0, 2}};
        attnviz::model::KvCacheSession session(*model, iv);
        const std::size_t n_prompt = 5;
        auto appended =
            session.append(std::vector<int>(kIds.begin(), kIds.begin() + n_prompt), keep_everything());
        ASSERT_TRUE(appended.ok()) << variant.name << ": " << appended.error();
        for (std::size_t n = n_prompt + 1; n <= kIds.size(); ++n) {
            appended = session.append({kIds[n - 1]}, keep_everything());
            ASSERT_TRUE(appended.ok()) << variant.name << ": " << appended.error();
            const std::vector<int> ids(kIds.begin(), kIds.begin() + static_cast<std::ptrdiff_t>(n));
            const hf::RefResult ref = hf::reference_forward(w.spec, w.tensors, ids, to_ref(iv));
            const std::string what = variant.name + ", decode step to n = " + std::to_string(n);
            ASSERT_EQ(appended->logits.rows(), 1) << what;
            Compare c;
            for (int t = 0; t < w.spec.vocab; ++t)
                c.add(appended->logits(0, t), ref.logits.back()[static_cast<std::size_t>(t)]);
            EXPECT_LE(c.relative(), kRelTol) << what << ": logits";
            for (int l = 0; l < w.spec.n_layers; ++l) {
                const attnviz::Tensor3& a = appended->layers[static_cast<std::size_t>(l)].weights;
                ASSERT_EQ(a.n_rows(), 1) << what;
                ASSERT_EQ(a.n_cols(), static_cast<int>(n)) << what;
                for (int h = 0; h < w.spec.n_heads; ++h) {
                    Compare r;
                    for (int j = 0; j < static_cast<int>(n); ++j)
                        r.add(a.mat(h)(0, j),
                              ref.attention[static_cast<std::size_t>(l)][static_cast<std::size_t>(h)][n - 1]
                                           [static_cast<std::size_t>(j)]);
                    EXPECT_LE(r.relative(), kRelTol)
                        << what << ": attention row of layer " << l << " head " << h;
                }
            }
        }
    }
}

TEST(ForwardVsReference, Stories260KAgreesWithFloat64AndContinuesAsPublished) {
    const std::string dir = std::string(ATTNVIZ_SOURCE_DIR) + "/assets/models/stories260K";
    const auto model = attnviz::model::load_checkpoint(dir);
    ASSERT_TRUE(model.ok()) << model.error();
    hf::ModelSpec spec;  // its config.json, by hand
    spec.arch = hf::Arch::kLlama;
    spec.n_layers = 5;
    spec.d_model = 64;
    spec.n_heads = 8;
    spec.n_kv_heads = 4;
    spec.head_dim = 8;
    spec.d_ff = 172;
    spec.vocab = 512;
    spec.n_ctx = 512;
    spec.norm_eps = 1e-5;
    spec.rope_theta = 10000.0;
    spec.tie = true;
    spec.prefix = "model.";
    const hf::TensorMap tensors = hf::read_safetensors_f64(dir + "/model.safetensors");
    // PROVENANCE.md's greedy continuation of "Once upon a time", first 16 ids.
    const std::vector<int> ids = {1,   403, 407, 261, 378, 432, 383, 286,
                                  261, 376, 298, 315, 421, 395, 317, 426};
    const auto got = attnviz::model::run_forward(**model, ids, Interventions{}, keep_everything());
    ASSERT_TRUE(got.ok()) << got.error();
    expect_agree(*got, hf::reference_forward(spec, tensors, ids), spec, "stories260K");
    for (std::size_t i = 4; i + 1 < ids.size(); ++i) {  // each position's argmax is the next published id
        const auto row = got->logits.row(static_cast<Eigen::Index>(i));
        Eigen::Index best = 0;
        row.maxCoeff(&best);
        EXPECT_EQ(best, ids[i + 1]) << "position " << i;
    }
}

}  // namespace
