// attnviz-cli bench: the reference and the flash path timed on this machine, next to its own GEMM ceiling.
#include "app/cli/bench_cases.h"
#include "app/cli/bench_model.h"
#include "app/cli/bench_peak.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "core/attention/attention.h"
#include "core/attention/flash_attention.h"
#include "core/base/eigen.h"
#include "core/base/parallel.h"
#include "core/io/json.h"
#include "core/model/linear.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace attnviz::cli {

namespace {

const char kUsage[] =
    "usage: attnviz-cli bench [--quick] [--json]\n"
    "\n"
    "Times the reference and the flash path (median of several runs) for d = 64, 12 heads, causal on and\n"
    "off, n = 128 .. 4096 (and 16384, flash only), plus a GQA case (32 query / 8 KV heads, d = 128,\n"
    "n = 2048). gflops counts useful work, 4 * n_q * n_k * d per head, halved for causal. peak_extra_mib\n"
    "is the growth of the process's peak resident memory (VmHWM in /proc/self/status, reset before each\n"
    "case through /proc/self/clear_refs) over the resident memory before the case, inputs excluded,\n"
    "outputs included (during that first, untimed run allocations >= 256 KiB are made fresh mappings so\n"
    "that they show). The timed runs that follow reuse memory as a long-running program does: glibc's\n"
    "heap keeps blocks up to 32 MiB, so only larger ones (the reference's scores at n = 4096) are\n"
    "mapped afresh each run. cold_ms is the time of that first run alone (one sample): what a single call\n"
    "in a fresh process pays, page faults of its new memory included.\n"
    "fma_peak_gflops is the machine's limit, measured in the same run: a register-only loop of independent\n"
    "fused multiply-add chains of the native vector width on every thread at once; of_peak is each case's\n"
    "fraction of it. gemm_gflops is a reference line: one Eigen 2048^3 float product per thread, all at "
    "once.\n"
    "models: a GPT-2-small-shaped model (12 layers, 12 heads, 768 wide, vocabulary 50257, random weights "
    "made\n"
    "here) at n = 128, 512, 1024, logits of the last position only, with every attention matrix kept (the\n"
    "reference path) and without (the flash path); gflops counts the useful FLOP of the forward.\n"
    "Every figure is only as quiet as the machine: other busy processes lower them all.\n"
    "--quick runs small sizes in a few seconds (a smoke test, not a measurement).";

struct BenchResult {
    BenchCase c;
    double ms = 0.0;
    double gflops = 0.0;
    double peak_extra_mib = 0.0;
    /// The first run alone, the one whose memory is measured: every large block freshly mapped, as a
    /// single call in a new process (attnviz-cli attend) pays for them. One sample, not a median.
    double cold_ms = 0.0;
};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// A field of /proc/self/status in kB ("VmRSS", "VmHWM"), or -1 where there is no such file.
double status_kib(const std::string& field) {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.compare(0, field.size() + 1, field + ":") == 0)
            return std::stod(line.substr(field.size() + 1));
    }
    return -1.0;
}

/// Resets VmHWM to the current resident size (Linux >= 4.0); false where that is not allowed.
bool reset_peak_rss() {
    std::ofstream f("/proc/self/clear_refs");
    if (!f) return false;
    f << "5";
    f.flush();
    return static_cast<bool>(f);
}

/// The GEMM ceiling: every thread multiplies its own n x n float matrices at the same time; total
/// useful FLOP/s over the wall time of the slowest. Eigen runs each product on one thread.
double gemm_ceiling_gflops(int n, int n_threads) {
    std::vector<Eigen::MatrixXf> a(static_cast<std::size_t>(n_threads));
    std::vector<Eigen::MatrixXf> b(a.size());
    std::vector<Eigen::MatrixXf> c(a.size());
    for (std::size_t t = 0; t < a.size(); ++t) {
        a[t] = Eigen::MatrixXf::Random(n, n);
        b[t] = Eigen::MatrixXf::Random(n, n);
        c[t] = Eigen::MatrixXf::Zero(n, n);
    }
    double best = 0.0;
    for (int run = 0; run < 3; ++run) {
        const Clock::time_point t0 = Clock::now();
        parallel_for(n_threads, n_threads, [&](int t) {
            const auto tu = static_cast<std::size_t>(t);
            c[tu].noalias() = a[tu] * b[tu];
        });
        const double s = seconds_since(t0);
        best = std::max(best, 2.0 * n * n * static_cast<double>(n) * n_threads / s * 1e-9);
    }
    return best;
}

/// The real models' product path (core/model/linear.h: OpenBLAS when linked, else Eigen) on one n x n by
/// n x n float product split over n_threads, useful FLOP/s of the best of three.
double model_product_gflops(int n, int n_threads) {
    const MatrixRM x = MatrixRM::Random(n, n);
    const MatrixRM w = MatrixRM::Random(n, n);
    model::Linear linear;
    linear.weight = {w.data(), n, n, n};
    MatrixRM y;
    double best = 0.0;
    for (int run = 0; run < 3; ++run) {
        const Clock::time_point t0 = Clock::now();
        model::matmul_linear(x, linear, y, n_threads);
        best = std::max(best, 2.0 * n * n * static_cast<double>(n) / seconds_since(t0) * 1e-9);
    }
    return best;
}

attention::AttentionInputs bench_inputs(const BenchCase& c) {
    std::mt19937 rng(1);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    attention::AttentionInputs in{Tensor3(c.heads, c.n, c.d), Tensor3(c.kv_heads, c.n, c.d),
                                  Tensor3(c.kv_heads, c.n, c.d)};
    for (Tensor3* t : {&in.q, &in.k, &in.v}) {
        for (std::size_t i = 0; i < t->size(); ++i) t->data()[i] = dist(rng);
    }
    return in;
}

/// How glibc's malloc serves large blocks. kFreshMappings: every block >= 256 KiB is a new mapping,
/// unmapped when freed, so that a case's peak shows in VmHWM. kReuse: blocks up to glibc's largest dynamic
/// threshold (32 MiB) come from the heap, which keeps what is freed, as in a long-running program:
/// timed runs do not pay for page faults that a warm process would not.
enum class LargeBlocks { kFreshMappings, kReuse };

void serve_large_blocks(LargeBlocks mode) {
#ifdef __GLIBC__
    // (A fixed threshold also stops glibc from raising its own after a large free.)
    const bool fresh = mode == LargeBlocks::kFreshMappings;
    mallopt(M_MMAP_THRESHOLD, fresh ? 256 * 1024 : 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, fresh ? 256 * 1024 : 1 << 30);
    // What the heap kept goes back to the system, so that reusing it grows the resident size again.
    if (fresh) malloc_trim(0);
#else
    (void)mode;
#endif
}

/// Runs one case: once with fresh mappings to measure memory, once to warm the heap, then timed runs
/// until about `budget_s` seconds or `max_runs`; the median time.
Expected<BenchResult> run_case(const BenchCase& c, double budget_s, int max_runs) {
    const attention::AttentionInputs in = bench_inputs(c);
    attention::AttentionConfig config;
    config.n_heads = c.heads;
    config.n_kv_heads = c.kv_heads;
    config.head_dim = c.d;
    config.mask.causal = c.causal;
    const bool flash = std::string(c.impl) == "flash";
    attention::AttentionOptions ref_options;
    ref_options.keep_raw_scores = false;
    ref_options.keep_scores = false;
    ref_options.keep_weights = false;
    ref_options.keep_entropy = false;
    const auto run_once = [&]() -> Status {
        if (flash) {
            Expected<attention::FlashResult> r = attention::compute_flash_attention(config, in);
            return r ? Status{} : r.error();
        }
        Expected<attention::AttentionResult> r = attention::compute_attention(config, in, ref_options);
        return r ? Status{} : r.error();
    };

    BenchResult result{c};
    serve_large_blocks(LargeBlocks::kFreshMappings);
    const bool peak_reset = reset_peak_rss();
    const double rss_before = status_kib("VmRSS");
    const Clock::time_point t_first = Clock::now();
    if (Status s = run_once(); !s.empty()) return Error{s};
    const double first_s = seconds_since(t_first);
    result.cold_ms = first_s * 1e3;
    const double hwm = status_kib("VmHWM");
    result.peak_extra_mib = peak_reset && hwm >= 0.0 ? std::max(0.0, hwm - rss_before) / 1024.0 : -1.0;

    serve_large_blocks(LargeBlocks::kReuse);
    if (Status s = run_once(); !s.empty()) return Error{s};

    const int runs = std::clamp(static_cast<int>(budget_s / std::max(first_s, 1e-6)), 1, max_runs);
    std::vector<double> times;
    for (int r = 0; r < runs; ++r) {
        const Clock::time_point t0 = Clock::now();
        if (Status s = run_once(); !s.empty()) return Error{s};
        times.push_back(seconds_since(t0));
    }
    std::sort(times.begin(), times.end());
    const double median = times.size() % 2 == 1
                              ? times[times.size() / 2]
                              : 0.5 * (times[times.size() / 2 - 1] + times[times.size() / 2]);
    const double flops = 4.0 * c.n * static_cast<double>(c.n) * c.d * c.heads * (c.causal ? 0.5 : 1.0);
    result.ms = median * 1e3;
    result.gflops = flops / median * 1e-9;
    return result;
}

io::JsonValue to_json(const FmaPeak& peak, double gemm_gflops, double model_gemm_gflops,
                      const std::vector<BenchResult>& results, const std::vector<ModelBenchResult>& models) {
    io::JsonValue cases = io::JsonValue::array();
    for (const BenchResult& r : results) {
        io::JsonValue c = io::JsonValue::object();
        c.set("impl", io::JsonValue::string(r.c.impl));
        c.set("n", io::JsonValue::integer(r.c.n));
        c.set("d", io::JsonValue::integer(r.c.d));
        c.set("heads", io::JsonValue::integer(r.c.heads));
        c.set("kv_heads", io::JsonValue::integer(r.c.kv_heads));
        c.set("causal", io::JsonValue::boolean(r.c.causal));
        c.set("ms", io::JsonValue::number(r.ms));
        c.set("gflops", io::JsonValue::number(r.gflops));
        c.set("peak_extra_mib", io::JsonValue::number(r.peak_extra_mib));
        c.set("cold_ms", io::JsonValue::number(r.cold_ms));
        c.set("of_peak", io::JsonValue::number(r.gflops / peak.all_threads_gflops));
        cases.push(std::move(c));
    }
    io::JsonValue model_cases = io::JsonValue::array();
    for (const ModelBenchResult& r : models) {
        io::JsonValue c = io::JsonValue::object();
        c.set("shape", io::JsonValue::string(r.shape));
        c.set("n", io::JsonValue::integer(r.n));
        c.set("keep_attention", io::JsonValue::boolean(r.keep_attention));
        c.set("ms", io::JsonValue::number(r.ms));
        c.set("gflops", io::JsonValue::number(r.gflops));
        c.set("tokens_per_s", io::JsonValue::number(r.tokens_per_s));
        c.set("of_peak", io::JsonValue::number(r.gflops / peak.all_threads_gflops));
        model_cases.push(std::move(c));
    }
    io::JsonValue root = io::JsonValue::object();
    root.set("fma_peak_gflops", io::JsonValue::number(peak.all_threads_gflops));
    root.set("fma_peak_one_thread_gflops", io::JsonValue::number(peak.one_thread_gflops));
    root.set("gemm_gflops", io::JsonValue::number(gemm_gflops));
    root.set("model_gemm_gflops", io::JsonValue::number(model_gemm_gflops));
    root.set("model_gemm_backend", io::JsonValue::string(model::matmul_backend_name()));
    root.set("cases", std::move(cases));
    root.set("models", std::move(model_cases));
    return root;
}

}  // namespace

int run_bench(int argc, char** argv) {
    ArgParser p("attnviz-cli bench", kUsage);
    p.flag("quick", "small sizes only, a few seconds (checks that everything runs)");
    p.flag("json", "print one JSON object instead of a table");
    if (const int code = parse_or_exit(p, argc, argv); code >= 0) return code;
    const bool quick = p.has("quick");
    const bool json = p.has("json");
    const int n_threads = default_thread_count();
    const FmaPeak peak = measure_fma_peak(n_threads, quick ? 0.02 : 0.5);
    const double gemm = gemm_ceiling_gflops(quick ? 256 : 2048, n_threads);
    const double model_gemm = model_product_gflops(quick ? 256 : 2048, n_threads);
    if (!json) {
        std::printf("FMA peak: %.1f GFLOP/s on %d threads, %.1f on one (%d-float FMA, register-only loop)\n",
                    peak.all_threads_gflops, n_threads, peak.one_thread_gflops, peak.vector_floats);
        std::printf(
            "Eigen GEMM: %.1f GFLOP/s (%d threads, one %d^3 float product each; %.0f%% of the peak)\n", gemm,
            n_threads, quick ? 256 : 2048, 100.0 * gemm / peak.all_threads_gflops);
        std::printf(
            "Model products (%s): %.1f GFLOP/s (one %d^3 product over %d threads; %.0f%% of the peak)\n\n",
            model::matmul_backend_name(), model_gemm, quick ? 256 : 2048, n_threads,
            100.0 * model_gemm / peak.all_threads_gflops);
        std::printf(
            "| impl      |     n |   d | heads | kv | causal |       ms | GFLOP/s | of peak | peak extra MiB "
            "|  cold ms |\n");
        std::printf(
            "|-----------|------:|----:|------:|---:|:------:|---------:|--------:|--------:|---------------:"
            "|---------:|\n");
        std::fflush(stdout);
    }
    std::vector<BenchResult> results;
    for (const BenchCase& c : bench_cases(quick)) {
        Expected<BenchResult> r = run_case(c, quick ? 0.05 : 1.5, quick ? 3 : 7);
        if (!r) {
            std::fprintf(stderr, "attnviz-cli bench: %s n=%d: %s\n", c.impl, c.n, r.error().c_str());
            return kExitFailure;
        }
        if (!json) {
            std::printf(
                "| %-9s | %5d | %3d | %5d | %2d | %-6s | %8.2f | %7.1f | %6.0f%% | %14.1f | %8.2f |\n",
                c.impl, c.n, c.d, c.heads, c.kv_heads, c.causal ? "yes" : "no", r->ms, r->gflops,
                100.0 * r->gflops / peak.all_threads_gflops, r->peak_extra_mib, r->cold_ms);
            std::fflush(stdout);
        }
        results.push_back(*r);
    }
    const ModelShape shape = quick ? kTinyGpt2Shape : ModelShape{};
    if (!json) {
        std::printf(
            "\n| model      |     n | attention kept |       ms | tokens/s | GFLOP/s | of peak |\n"
            "|------------|------:|:--------------:|---------:|---------:|--------:|--------:|\n");
        std::fflush(stdout);
    }
    Expected<std::vector<ModelBenchResult>> models = run_model_bench(
        shape, quick ? std::vector<int>{16} : std::vector<int>{128, 512, 1024}, quick ? 1 : 3);
    if (!models) {
        std::fprintf(stderr, "attnviz-cli bench: %s: %s\n", shape.name, models.error().c_str());
        return kExitFailure;
    }
    if (!json) {
        for (const ModelBenchResult& r : *models) {
            std::printf("| %-10s | %5d | %-14s | %8.1f | %8.0f | %7.1f | %6.0f%% |\n", r.shape, r.n,
                        r.keep_attention ? "yes" : "no (flash)", r.ms, r.tokens_per_s, r.gflops,
                        100.0 * r.gflops / peak.all_threads_gflops);
        }
    }
    if (json) std::printf("%s\n", to_json(peak, gemm, model_gemm, results, *models).dump().c_str());
    return kExitOk;
}

}  // namespace attnviz::cli
