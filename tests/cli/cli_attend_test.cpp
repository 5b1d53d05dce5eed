// attnviz-cli attend: .npy round trips against the float64 reference, and every error path.
#include "app/cli/commands.h"
#include "core/io/npy.h"
#include "tests/support/random_inputs.h"
#include "tests/support/reference_f64.h"
#include "tests/support/run_cli.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace attnviz {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

// The done-when contract: attend agrees with an independent float64 implementation to 1e-5.
constexpr double kTol = 1e-5;

class CliAttend : public ::testing::Test {
  protected:
    void SetUp() override {
        // A parameterised test's name is "Name/0": one folder level, not a parent left behind.
        std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        std::replace(name.begin(), name.end(), '/', '_');
        m_dir = fs::temp_directory_path() / ("attnviz_cli_" + std::to_string(::getpid()) + "_" + name);
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }
    std::string path(const std::string& name) const { return (m_dir / name).string(); }

    void write(const std::string& name, const Tensor3& t) {
        ASSERT_EQ(io::write_npy(path(name), {t.n_mats(), t.n_rows(), t.n_cols()}, t.data()), "");
    }
    void write_raw(const std::string& name, const std::string& bytes) {
        std::ofstream(path(name), std::ios::binary) << bytes;
    }
    testing::CliRun attend(std::vector<std::string> extra) {
        std::vector<std::string> args = {"attend",      "--q", path("q.npy"), "--k",
                                         path("k.npy"), "--v", path("v.npy")};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_cli(cli::run_attend, args);
    }

    fs::path m_dir;
};

// Both implementations; the flash path with blocks that do not divide the shape (6 x 9), so that rows
// and keys meet several tiles.
class CliAttendImpl : public CliAttend, public ::testing::WithParamInterface<std::vector<std::string>> {};

INSTANTIATE_TEST_SUITE_P(Impl, CliAttendImpl,
                         ::testing::Values(std::vector<std::string>{},
                                           std::vector<std::string>{"--impl", "flash", "--block-q", "4",
                                                                    "--block-k", "2"}));

TEST_P(CliAttendImpl, AgreesWithFloat64ForEveryMaskTemperatureAndGqa) {
    const double kInf = std::numeric_limits<double>::infinity();
    unsigned seed = 100;
    for (auto [n_heads, n_kv] : {std::pair{4, 4}, {4, 2}, {4, 1}}) {
        for (bool causal : {false, true}) {
            for (int window : {0, 3}) {
                for (bool padding : {false, true}) {
                    for (double t : {0.0, 0.5, 1.0, 4.0, kInf}) {
                        const std::string name =
                            "heads=" + std::to_string(n_heads) + "/" + std::to_string(n_kv) +
                            " causal=" + std::to_string(causal) + " window=" + std::to_string(window) +
                            " padding=" + std::to_string(padding) + " T=" + std::to_string(t);
                        SCOPED_TRACE(name);
                        const int n_q = 6, n_k = 9, d = 8, d_v = 5;
                        const attention::AttentionInputs in =
                            testing::random_inputs(n_heads, n_kv, n_q, n_k, d, d_v, seed++);
                        write("q.npy", in.q);
                        write("k.npy", in.k);
                        write("v.npy", in.v);
                        attention::AttentionConfig c;
                        c.n_heads = n_heads;
                        c.n_kv_heads = n_kv;
                        c.head_dim = d;
                        c.temperature = t;
                        c.mask.causal = causal;
                        c.mask.window = window;
                        std::vector<std::string> extra = {
                            "--temperature", std::isinf(t) ? "inf" : std::to_string(t),
                            "--out-weights", path("w.npy"),
                            "--out-output",  path("o.npy"),
                            "--out-lse",     path("l.npy")};
                        extra.insert(extra.end(), GetParam().begin(), GetParam().end());
                        if (causal) extra.push_back("--causal");
                        if (window) extra.insert(extra.end(), {"--window", std::to_string(window)});
                        if (padding) {
                            c.mask.key_valid = {1, 1, 0, 1, 1, 1, 1, 0, 0};
                            const float pad[] = {1, 1, 0, 1, 1, 1, 1, 0, 0};
                            ASSERT_EQ(io::write_npy(path("pad.npy"), {9}, pad), "");
                            extra.insert(extra.end(), {"--key-padding", path("pad.npy")});
                        }
                        const testing::CliRun r = attend(extra);
                        ASSERT_EQ(r.code, 0) << r.err;
                        const testing::ReferenceF64 ref = testing::reference_f64(c, in);
                        Expected<io::NpyArray> w = io::read_npy(path("w.npy"));
                        Expected<io::NpyArray> o = io::read_npy(path("o.npy"));
                        Expected<io::NpyArray> l = io::read_npy(path("l.npy"));
                        ASSERT_TRUE(w.ok() && o.ok() && l.ok());
                        ASSERT_EQ(w->shape, (std::vector<std::int64_t>{n_heads, n_q, n_k}));
                        ASSERT_EQ(o->shape, (std::vector<std::int64_t>{n_heads, n_q, d_v}));
                        ASSERT_EQ(l->shape, (std::vector<std::int64_t>{n_heads, n_q}));
                        double worst = 0.0;
                        for (int h = 0; h < n_heads; ++h) {
                            for (int i = 0; i < n_q; ++i) {
                                for (int j = 0; j < n_k; ++j) {
                                    worst = std::max(
                                        worst,
                                        std::abs(static_cast<double>(w->data[(h * n_q + i) * n_k + j]) -
                                                 ref.weights[h][i][j]));
                                }
                                for (int e = 0; e < d_v; ++e) {
                                    worst = std::max(
                                        worst,
                                        std::abs(static_cast<double>(o->data[(h * n_q + i) * d_v + e]) -
                                                 ref.output[h][i][e]));
                                }
                                const float lse = l->data[h * n_q + i];
                                if (std::isinf(ref.lse[h][i])) {
                                    EXPECT_TRUE(std::isinf(lse) && lse < 0);
                                } else {
                                    EXPECT_NEAR(lse, ref.lse[h][i], kTol * 10);
                                }
                            }
                        }
                        EXPECT_LE(worst, kTol);
                    }
                }
            }
        }
    }
}

TEST_F(CliAttend, TwoDimensionalInputsAreOneHead) {
    const attention::AttentionInputs in = testing::random_inputs(1, 1, 4, 4, 3, 2, 7);
    ASSERT_EQ(io::write_npy(path("q.npy"), {4, 3}, in.q.data()), "");
    ASSERT_EQ(io::write_npy(path("k.npy"), {4, 3}, in.k.data()), "");
    ASSERT_EQ(io::write_npy(path("v.npy"), {4, 2}, in.v.data()), "");
    const testing::CliRun r = attend({"--causal", "--out-output", path("o.npy")});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("MHA"), std::string::npos);
    Expected<io::NpyArray> o = io::read_npy(path("o.npy"));
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->shape, (std::vector<std::int64_t>{1, 4, 2}));
}

TEST_F(CliAttend, ErrorsAreOneLineWithExitCode2AndWriteNothing) {
    const attention::AttentionInputs in = testing::random_inputs(6, 4, 3, 3, 4, 2, 9);  // 6 % 4 != 0
    write("q.npy", in.q);
    write("k.npy", in.k);
    write("v.npy", in.v);
    const std::string out = path("o.npy");
    struct Case {
        std::vector<std::string> args;
        const char* fragment;
    };
    const Case cases[] = {
        {{"--out-output", out}, "must be divisible by number of key/value heads (4)"},
        {{"--out-output", out, "--temperature", "-1"}, "is negative"},
        {{"--out-output", out, "--temperature", "nan"}, "NaN is not allowed"},
        {{"--out-output", out, "--temperature", "warm"}, "'warm' is not a number"},
        {{"--out-output", out, "--window", "-2"}, "outside 0.."},
        {{"--out-output", out, "--scale", "0"}, "must be a finite number > 0"},
        {{"--out-output", out, "--no-scale", "--scale", "2"}, "contradict"},
        {{"--out-output", out, "--impl", "magic"}, "'magic' is not an implementation"},
        {{"--out-output", out, "--bogus"}, "unknown option --bogus"},
        {{"--out-output", out, "--impl", "flash", "--block-q", "0"}, "outside 1.."},
        {{"--out-output", out, "--impl", "flash", "--block-k", "many"}, "--block-k"},
        {{"--out-output", out, "--impl", "flash", "--block-k", "100000"}, "outside 1.."},
        {{"--out-output", out, "--block-q", "16"}, "applies to --impl flash only"},
        {{"--out-output"}, "--out-output needs a value"},
        {{}, "nothing to write"},
    };
    for (const Case& c : cases) {
        const testing::CliRun r = attend(c.args);
        EXPECT_EQ(r.code, 2) << c.fragment;
        EXPECT_NE(r.err.find(c.fragment), std::string::npos) << "stderr: " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
        EXPECT_FALSE(fs::exists(out)) << c.fragment;
    }
}

TEST_F(CliAttend, FileErrorsNameTheFile) {
    const attention::AttentionInputs in = testing::random_inputs(2, 2, 3, 3, 4, 2, 9);
    write("q.npy", in.q);
    write("v.npy", in.v);
    write_raw("k.npy", "\x93NUMPY\x01");
    testing::CliRun r = attend({"--out-output", path("o.npy")});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find(path("k.npy")), std::string::npos) << r.err;

    write("k.npy", in.k);
    Tensor3 wrong_d(2, 3, 5);
    write("q.npy", wrong_d);
    r = attend({"--out-output", path("o.npy")});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("Q and K must share head_dim"), std::string::npos) << r.err;

    write("q.npy", in.q);
    write_raw("pad.npy", "garbage");
    r = attend({"--out-output", path("o.npy"), "--key-padding", path("pad.npy")});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("pad.npy"), std::string::npos) << r.err;

    r = run_cli(cli::run_attend, {"attend", "--q", path("missing.npy"), "--k", path("k.npy"), "--v",
                                  path("v.npy"), "--out-output", path("o.npy")});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("missing.npy: No such file"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(path("o.npy")));
}

TEST_F(CliAttend, FlashReportsItselfAndWritesWhatTheReferenceWrites) {
    const attention::AttentionInputs in = testing::random_inputs(2, 1, 40, 40, 8, 8, 11);
    write("q.npy", in.q);
    write("k.npy", in.k);
    write("v.npy", in.v);
    const testing::CliRun ref =
        attend({"--causal", "--out-output", path("ref.npy"), "--out-lse", path("ref_l.npy")});
    const testing::CliRun flash = attend({"--causal", "--impl", "flash", "--block-q", "7", "--out-output",
                                          path("flash.npy"), "--out-lse", path("flash_l.npy")});
    ASSERT_EQ(ref.code, 0) << ref.err;
    ASSERT_EQ(flash.code, 0) << flash.err;
    EXPECT_NE(flash.out.find("(flash)"), std::string::npos) << flash.out;
    EXPECT_NE(ref.out.find("(reference)"), std::string::npos) << ref.out;
    for (auto [a, b] : {std::pair{"ref.npy", "flash.npy"}, std::pair{"ref_l.npy", "flash_l.npy"}}) {
        Expected<io::NpyArray> x = io::read_npy(path(a));
        Expected<io::NpyArray> y = io::read_npy(path(b));
        ASSERT_TRUE(x.ok() && y.ok());
        ASSERT_EQ(x->shape, y->shape);
        for (std::size_t i = 0; i < x->data.size(); ++i)
            EXPECT_NEAR(x->data[i], y->data[i], kTol) << a << " " << i;
    }
}

TEST_F(CliAttend, HelpListsEveryOption) {
    const testing::CliRun r = run_cli(cli::run_attend, {"attend", "--help"});
    EXPECT_EQ(r.code, 0);
    for (const char* opt :
         {"--q", "--causal", "--window", "--key-padding", "--temperature", "--no-scale", "--scale", "--impl",
          "--block-q", "--block-k", "--out-weights", "--out-output", "--out-lse"}) {
        EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
    }
}

}  // namespace
}  // namespace attnviz
