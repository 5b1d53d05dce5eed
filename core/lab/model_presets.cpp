// The preset table. Numbers from the cited configs and papers; the lessons' own from ../shared/seeds.
#include "core/lab/model_presets.h"

namespace attnviz::lab {

const std::vector<ModelPreset>& model_presets() {
    // name, title, layers, attention layers, heads, kv heads, head dim, hidden, window, note, source
    static const std::vector<ModelPreset> kPresets = {
        {"lesson-4096", "Lesson: d_model 4096, 32 layers", 32, 32, 32, 8, 128, 4096, 0,
         "the lesson's worked example: 128K tokens, fp16 -> MHA 64 GiB, GQA (8 KV heads) 16 GiB",
         "the interactive attention guide's worked example: d_model=4096, d_k=128, 32 layers, fp16, MHA 64 "
         "GB vs GQA 16 GB at 128K"},
        {"qwen3.6", "Qwen3.6 (hybrid)", 64, 16, 24, 4, 256, 5120, 0,
         "hybrid: linear attention in most layers, full attention (with a KV cache) every 4th layer",
         "Inference Engineering, Lesson 5 (Attention), \"On your cluster\": 24 query heads, 4 KV heads, "
         "head_dim 256, full attention every 4th layer; "
         "64 layers / hidden 5120 as in the Qwen3.5/3.6-27B config.json (num_hidden_layers, "
         "full_attention_interval 4)"},
        {"minimind", "MiniMind2-Small", 8, 8, 8, 2, 64, 512, 0,
         "the MiniMind lesson: 8 query heads share 2 KV heads, 75% less cache",
         "the MiniMind attention teaching notes: n_heads 8, n_kv_heads 2, head_dim 64, hidden 512; 8 layers "
         "from "
         "jingyaogong/minimind MiniMind2-Small (26M)"},
        {"gpt-3-175b", "GPT-3 175B", 96, 96, 96, 96, 128, 12288, 0,
         "multi-head attention: every head has its own K and V",
         "Brown et al. 2020, Language Models are Few-Shot Learners, Table 2.1: n_layers 96, d_model 12288, "
         "n_heads 96, d_head 128"},
        {"llama-2-7b", "Llama-2 7B", 32, 32, 32, 32, 128, 4096, 0, "multi-head attention (no GQA at 7B)",
         "Touvron et al. 2023, Llama 2 (Table 1) and meta-llama/Llama-2-7b-hf config.json: 32 layers, hidden "
         "4096, "
         "32 heads, 32 KV heads"},
        {"llama-3-8b", "Llama-3 8B", 32, 32, 32, 8, 128, 4096, 0, "GQA: 4 query heads per KV head",
         "meta-llama/Meta-Llama-3-8B config.json: num_hidden_layers 32, hidden_size 4096, "
         "num_attention_heads 32, "
         "num_key_value_heads 8"},
        {"mistral-7b", "Mistral 7B", 32, 32, 32, 8, 128, 4096, 4096,
         "GQA and a 4096-token sliding window: the rolling cache never holds more than 4096 tokens",
         "Jiang et al. 2023, Mistral 7B (Table 1) and mistralai/Mistral-7B-v0.1 config.json: 32 layers, dim "
         "4096, "
         "32 heads, 8 KV heads, head_dim 128, window 4096"},
    };
    return kPresets;
}

const ModelPreset* find_model_preset(const std::string& name) {
    for (const ModelPreset& p : model_presets()) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

std::string model_preset_names() {
    std::string out;
    for (const ModelPreset& p : model_presets()) out += (out.empty() ? "" : ", ") + p.name;
    return out;
}

}  // namespace attnviz::lab
