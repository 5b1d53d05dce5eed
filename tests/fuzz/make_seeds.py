#!/usr/bin/env python3
# Writes the seed corpora of tests/fuzz/corpus/<harness>/ from the project's own files and hand-made good
# and bad cases (robustness.md S2-S7, M1-M4, M9, M10). Run from anywhere; rerun after changing it.
import json
import math
import os
import shutil
import struct
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def put(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(*parts):
    with open(os.path.join(ROOT, *parts), "rb") as f:
        return f.read()


# ---- safetensors files
def safetensors(tensors, metadata=None, pad=True):
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    data = b""
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def values(n, seed):
    return [((seed * 7919 + i * 104729) % 256 - 128) / 256.0 for i in range(n)]


def encode(vals, dtype):
    if dtype == "F32":
        return struct.pack("<%df" % len(vals), *vals)
    if dtype == "F16":
        return struct.pack("<%de" % len(vals), *vals)
    if dtype == "BF16":
        return b"".join(struct.pack("<f", v)[2:] for v in vals)
    raise ValueError(dtype)


def tiny_llama(dtype, n_layers=2, d=8, heads=2, kv_heads=1, head_dim=4, ff=12, vocab=16):
    # Matches contracts.h tiny_checkpoint_config().
    t = []
    seed = [1]

    def add(name, shape):
        n = 1
        for s in shape:
            n *= s
        t.append((name, dtype, shape, encode(values(n, seed[0]), dtype)))
        seed[0] += 1

    add("model.embed_tokens.weight", [vocab, d])
    for l in range(n_layers):
        b = "model.layers.%d." % l
        add(b + "input_layernorm.weight", [d])
        add(b + "self_attn.q_proj.weight", [heads * head_dim, d])
        add(b + "self_attn.k_proj.weight", [kv_heads * head_dim, d])
        add(b + "self_attn.v_proj.weight", [kv_heads * head_dim, d])
        add(b + "self_attn.o_proj.weight", [d, heads * head_dim])
        add(b + "post_attention_layernorm.weight", [d])
        add(b + "mlp.gate_proj.weight", [ff, d])
        add(b + "mlp.up_proj.weight", [ff, d])
        add(b + "mlp.down_proj.weight", [d, ff])
    add("model.norm.weight", [d])
    return t


def main():
    if os.path.isdir(CORPUS):
        shutil.rmtree(CORPUS)

    # JSON: every scenario and config the project ships, and the S3/S4/S5 bad cases.
    scen_dir = os.path.join(ROOT, "assets", "scenarios")
    for f in sorted(os.listdir(scen_dir)):
        put("json", "scenario-" + f, read("assets", "scenarios", f))
        put("scenario", f, read("assets", "scenarios", f))
    for f in ["config.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"]:
        put("json", "stories260K-" + f, read("assets", "models", "stories260K", f))
    bad_json = {
        "empty": "",
        "truncated": '{"a": [1, 2',
        "trailing-comma": '{"a": 1,}',
        "comment": '{"a": 1 // no\n}',
        "single-quotes": "{'a': 1}",
        "duplicate-key": '{"a": 1, "a": 2}',
        "deep": "[" * 100 + "]" * 100,
        "numbers": '[0, -0, 1e999, -1e999, 1.5e-400, 9223372036854775807, 9223372036854775808, -9223372036854775809, 0.1, 1E+2]',
        "escapes": '["\\u0000\\ud83d\\ude00\\u00e9\\n\\t\\"\\\\\\/", "\\ud800", "\\udc00x"]',
        "bom": "\ufeff{}",
        "utf16-bom": b"\xff\xfe{\x00}\x00",
        "invalid-utf8": b'["\x80\xff\xc0\x80\xed\xa0\x80"]',
        "nan": "[NaN, Infinity]",
        "literals": "[true, false, null]",
    }
    for k, v in bad_json.items():
        put("json", k, v)

    # Scenarios: bad cases of S5 on top of the shipped files.
    pod = json.loads(read("assets", "scenarios", "pod.json"))
    for k, v in {
        "temperature-negative": {"temperature": -1},
        "heads-huge": {"heads": 1e9},
        "kv-not-dividing": {"heads": 8, "kv_heads": 3},
        "focus-out": {"focus_head": 7, "heads": 2},
        "window-negative": {"window": -1},
    }.items():
        s = dict(pod)
        s["settings"] = dict(pod.get("settings", {}), **v)
        put("scenario", k + ".json", json.dumps(s))
    put("scenario", "not-object.json", "[1]")
    put("scenario", "blank-sentence.json", '{"sentence": "  "}')
    put("scenario", "hand-bad-rows.json",
        '{"sentence":"a b","hand_model":{"x":[[1]],"w_q":[[1]],"w_k":[[1]],"w_v":[[1]]}}')
    put("scenario", "newer-field.json", '{"sentence":"x","from_the_future":{"a":1}}')

    # Sessions (.attnviz): one per shipped lesson as File > Save session writes it, variants (a real model,
    # the autosave's reopen choice, T = inf, a newer version), and each known bad case (tests/ui/session_test.cpp).
    def session(scenario_name, sc, **extra):
        st = sc.get("settings", {})
        doc = {"format": "attnviz-session", "version": 1, "sentence": sc.get("sentence", ""),
               "key_sentence": sc.get("key_sentence", ""), "lesson": scenario_name, "model": None,
               "hand_model": sc.get("hand_model"),
               "settings": {"heads": st.get("heads", 8), "kv_heads": st.get("kv_heads", st.get("heads", 8)),
                            "temperature": st.get("temperature", 1.0), "causal": st.get("causal", True),
                            "window": st.get("window", 0), "scale": st.get("scale", True), "use_positions": True},
               "selection": {"query": 2, "layer": 0, "focus_head": st.get("focus_head", 0), "cell_row": -1,
                             "cell_col": -1},
               "colors": {"colormap": "viridis", "scale": "linear", "ignore_first_key": False, "zero_based": True},
               "view": {"panel": "attention", "theme": "dark", "font_scale": 1, "zoom": 1, "pan_x": 0, "pan_y": 0}}
        doc.update(extra)
        return json.dumps(doc, indent=2, ensure_ascii=False)

    for f in sorted(os.listdir(scen_dir)):
        name = f[:-len(".json")]
        put("session", name + ".attnviz", session(name, json.loads(read("assets", "scenarios", f))))
    put("session", "model.attnviz", session("pod", pod, model="stories260K", lesson=None))
    put("session", "last.attnviz", session("pod", pod, reopen_at_start=False))
    put("session", "uniform.attnviz", session("pod", pod, settings={"heads": 4, "kv_heads": 2,
                                                                   "temperature": "inf", "window": 3}))
    put("session", "light-zoomed.attnviz", session("pod", pod, view={"panel": "pipeline", "theme": "light",
                                                                      "font_scale": 1.5, "zoom": 4.0,
                                                                      "pan_x": 0.25, "pan_y": 0.75}))
    put("session", "undo-snapshot.attnviz", '{"format":"attnviz-session","version":1,"sentence":"a b"}')
    put("session", "newer.attnviz", session("pod", pod, version=7, compare={"a": 1},
                                            colors={"colormap": "rainbow", "scale": "cubic"}))
    good = session("pod", pod)
    for k, (old, new) in {
        "heads-99": ('"heads": 8', '"heads": 99'),
        "kv-not-dividing": ('"kv_heads": 8', '"kv_heads": 3'),
        "causal-string": ('"causal": true', '"causal": "yes"'),
        "temperature-negative": ('"temperature": 1.0', '"temperature": -1'),
        "temperature-nan": ('"temperature": 1.0', '"temperature": "NaN"'),
        "sentence-number": ('"sentence": "', '"sentence": 7, "x": "'),
        "zoom-half": ('"zoom": 1', '"zoom": 0.5'),
        "font-huge": ('"font_scale": 1', '"font_scale": 1e999'),
        "query-below": ('"query": 2', '"query": -2'),
        "model-empty": ('"model": null', '"model": ""'),
        "lesson-number": ('"lesson": "pod"', '"lesson": 5'),
        "settings-array": ('"settings": {', '"settings": [{'),
        "version-string": ('"version": 1', '"version": "1"'),
    }.items():
        assert old in good, old
        put("session", "bad-" + k + ".attnviz", good.replace(old, new, 1))
    put("session", "bad-truncated.attnviz", good[:len(good) // 2])
    put("session", "bad-foreign.attnviz", '{"format":"attnviz-attention","version":1}')
    put("session", "bad-array.attnviz", "[1,2]")
    put("session", "bad-empty.attnviz", "")
    put("session", "bad-hand-rows.attnviz",
        session("hand-example", {"sentence": "a b", "hand_model": {"x": [[1], [2, 3]], "w_q": [[1]], "w_k": [[1]],
                                                                    "w_v": [[1]]}}))
    put("session", "bad-hand-huge.attnviz",
        session("hand-example", {"sentence": "a", "hand_model": {"x": [[1e9]], "w_q": [[1]], "w_k": [[1]],
                                                                  "w_v": [[1]]}}))

    # Lexicon: each shipped table in slices of 40 lines, and S7's TSV quirks.
    for lang in ["en", "fr", "zh"]:
        lines = read("assets", "lexicon", lang + ".tsv").decode().splitlines(True)
        for i in range(0, min(len(lines), 200), 40):
            put("lexicon", "%s-%03d.tsv" % (lang, i), "".join(lines[i:i + 40]))
    put("lexicon", "crlf.tsv", "cat\tnoun\tanimal\tsingular\tnone\tnone\r\n")
    put("lexicon", "ragged.tsv", "cat\tnoun\tanimal\n")
    put("lexicon", "trailing-tab.tsv", "cat\tnoun\tanimal\tsingular\tnone\tnone\t\n")
    put("lexicon", "duplicate.tsv", "cat\tnoun\tanimal\tsingular\tnone\tnone\ncat\tnoun\tanimal\tsingular\tnone\tnone\n")
    put("lexicon", "comment-blank.tsv", "# a comment\n\n\nit\tpronoun\tnone\tsingular\tnone\tthing\n")
    put("lexicon", "invalid-utf8.tsv", b"\xff\tnoun\tanimal\tsingular\tnone\tnone\n")

    # .npy: float32/float64/bool/uint8 of 1-3 dims, versions 1-3, and the bad cases.
    def npy(descr, shape, raw, version=1, fortran=False):
        shape_txt = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        h = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, "True" if fortran else "False", shape_txt)
        pre = 10 if version == 1 else 12
        h += " " * ((64 - (pre + len(h) + 1) % 64) % 64) + "\n"
        lenb = struct.pack("<H", len(h)) if version == 1 else struct.pack("<I", len(h))
        return b"\x93NUMPY" + bytes([version, 0]) + lenb + h.encode("latin1") + raw

    put("npy", "f4-2x3.npy", npy("<f4", [2, 3], struct.pack("<6f", *values(6, 1))))
    put("npy", "f8-4.npy", npy("<f8", [4], struct.pack("<4d", 1.0, -2.5, 0.0, 1e-300)))
    put("npy", "f4-2x2x2-v2.npy", npy("<f4", [2, 2, 2], struct.pack("<8f", *values(8, 2)), version=2))
    put("npy", "f4-v3.npy", npy("<f4", [1], struct.pack("<f", math.inf), version=3))
    put("npy", "b1-3x3.npy", npy("|b1", [3, 3], bytes([1, 0, 0, 1, 1, 0, 1, 1, 1])))
    put("npy", "u1-4.npy", npy("|u1", [4], bytes([0, 2, 255, 1])))
    put("npy", "zero-dim.npy", npy("<f4", [0, 3], b""))
    put("npy", "big-endian.npy", npy(">f4", [1], struct.pack(">f", 1.0)))
    put("npy", "fortran.npy", npy("<f4", [2, 2], struct.pack("<4f", 1, 2, 3, 4), fortran=True))
    put("npy", "truncated.npy", npy("<f4", [100], struct.pack("<4f", 1, 2, 3, 4)))
    put("npy", "four-dims.npy", npy("<f4", [1, 1, 1, 1], struct.pack("<f", 1)))
    put("npy", "scalar.npy", npy("<f4", [], struct.pack("<f", 1)))
    put("npy", "huge-shape.npy", npy("<f4", [1 << 40, 1 << 40], b""))
    put("npy", "bad-magic.npy", b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    put("npy", "version-9.npy", b"\x93NUMPY\x09\x00\x10\x00" + b" " * 16)

    # safetensors / checkpoint: the tiny Llama in F32, F16, BF16, and M1-M4 / M9 / M10 bad cases.
    good = {dt: safetensors(tiny_llama(dt)) for dt in ["F32", "F16", "BF16"]}
    for dt, b in good.items():
        put("safetensors", "tiny-llama-%s.safetensors" % dt, b)
        put("checkpoint", "tiny-llama-%s.safetensors" % dt, b)
    mixed = tiny_llama("F32")
    mixed[1] = (mixed[1][0], "F16", mixed[1][2], encode(values(8, 2), "F16"))
    put("checkpoint", "tiny-llama-mixed.safetensors", safetensors(mixed))
    put("checkpoint", "tiny-llama-unpadded.safetensors", safetensors(tiny_llama("F32"), pad=False))
    nan = tiny_llama("F32")
    nan[0] = (nan[0][0], "F32", nan[0][2], struct.pack("<f", math.nan) + nan[0][3][4:])
    put("checkpoint", "nan-weight.safetensors", safetensors(nan))
    missing = tiny_llama("F32")[:-1]
    put("checkpoint", "missing-tensor.safetensors", safetensors(missing))
    wrong_shape = tiny_llama("F32")
    wrong_shape[0] = (wrong_shape[0][0], "F32", [8, 16], wrong_shape[0][3])
    put("checkpoint", "wrong-shape.safetensors", safetensors(wrong_shape))
    put("safetensors", "metadata.safetensors",
        safetensors([("a", "F32", [2], encode([1, 2], "F32"))], metadata={"format": "pt"}))
    put("safetensors", "scalar-and-empty.safetensors",
        safetensors([("s", "I64", [], b"\0" * 8), ("e", "BF16", [0, 4], b""), ("b", "BOOL", [3], b"\1\0\1")]))
    put("safetensors", "dtypes.safetensors",
        safetensors([("a", "F8_E4M3", [2], b"\0\0"), ("b", "F4", [4], b"\0\0"), ("c", "U64", [1], b"\0" * 8)]))
    put("safetensors", "png.safetensors", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    put("safetensors", "html.safetensors", b"<!DOCTYPE html><html>Not found</html>")
    put("safetensors", "gguf.safetensors", b"GGUF\x03\0\0\0" + b"\0" * 16)
    put("safetensors", "lfs-pointer.safetensors",
        b"version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 12\n")
    put("safetensors", "n-huge.safetensors", struct.pack("<Q", 200_000_000) + b"{}")
    put("safetensors", "n-overflow.safetensors", struct.pack("<Q", 2**64 - 1) + b"{}")
    put("safetensors", "n-past-end.safetensors", struct.pack("<Q", 64) + b"{}")
    put("safetensors", "not-brace.safetensors", struct.pack("<Q", 8) + b"[1,2,3] ")
    put("safetensors", "header-not-utf8.safetensors", struct.pack("<Q", 8) + b'{"\xff":1}')
    put("safetensors", "truncated.safetensors", good["F32"][:-5])
    put("safetensors", "trailing.safetensors", good["F32"] + b"\0\0\0\0")
    put("safetensors", "gap.safetensors",
        struct.pack("<Q", 72) + b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'.ljust(72) + b"\0" * 8)
    put("safetensors", "overlap.safetensors", struct.pack("<Q", 112) +
        b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'.ljust(112) + b"\0" * 8)
    put("safetensors", "end-before-begin.safetensors",
        struct.pack("<Q", 56) + b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}'.ljust(56) + b"\0" * 4)
    put("safetensors", "shape-overflow.safetensors", struct.pack("<Q", 96) +
        b'{"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,0]}}'.ljust(96))
    put("safetensors", "metadata-not-string.safetensors",
        struct.pack("<Q", 32) + b'{"__metadata__":{"a":1}}'.ljust(32))
    put("safetensors", "negative-dim.safetensors",
        struct.pack("<Q", 56) + b'{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}'.ljust(56) + b"\0" * 4)
    put("safetensors", "stories260K-header.safetensors",
        read("assets", "models", "stories260K", "model.safetensors")[:8 + struct.unpack(
            "<Q", read("assets", "models", "stories260K", "model.safetensors")[:8])[0]])

    # model.safetensors.index.json
    put("weight_index", "two-shards.json", json.dumps({"metadata": {"total_size": 100}, "weight_map": {
        "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
        "model.norm.weight": "model-00002-of-00002.safetensors",
        "lm_head.weight": "model-00002-of-00002.safetensors"}}, indent=2))
    for k, v in {"dotdot": "..", "slash": "../x.safetensors", "backslash": "a\\b", "absolute": "/etc/passwd",
                 "nul": "a\u0000b", "dot": ".", "empty": ""}.items():
        put("weight_index", k + ".json", json.dumps({"weight_map": {"t": v}}))
    put("weight_index", "not-string.json", '{"weight_map": {"t": 3}}')
    put("weight_index", "empty-map.json", '{"weight_map": {}}')
    put("weight_index", "no-map.json", '{"metadata": {}}')
    put("weight_index", "array.json", "[]")

    # config.json: stories260K, tiny Llama / GPT-2 / Mistral / Qwen2 / Qwen3 shapes, and M9 cases.
    put("model_config", "stories260K.json", read("assets", "models", "stories260K", "config.json"))
    base = json.loads(read("assets", "models", "stories260K", "config.json"))
    gpt2 = {"model_type": "gpt2", "n_layer": 2, "n_embd": 8, "n_head": 2, "n_inner": 12, "vocab_size": 16,
            "n_positions": 32, "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5}
    put("model_config", "gpt2.json", json.dumps(gpt2))
    put("model_config", "mistral.json", json.dumps(dict(base, model_type="mistral", sliding_window=4096)))
    put("model_config", "qwen2.json", json.dumps(dict(base, model_type="qwen2", use_sliding_window=False)))
    put("model_config", "qwen3.json", json.dumps(dict(base, model_type="qwen3")))
    put("model_config", "llama3-rope.json", json.dumps(dict(base, rope_scaling={
        "rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
        "original_max_position_embeddings": 8192}, eos_token_id=[2, 3])))
    put("model_config", "tiny.json", tiny_checkpoint_config())
    for k, v in {"kv-not-dividing": {"num_key_value_heads": 3}, "kv-zero": {"num_key_value_heads": 0},
                 "layers-huge": {"num_hidden_layers": 100000}, "eps-zero": {"rms_norm_eps": 0},
                 "width-not-dividing": {"hidden_size": 65, "head_dim": None}, "unknown-type": {"model_type": "bert"},
                 "vocab-negative": {"vocab_size": -1}, "heads-float": {"num_attention_heads": 8.5}}.items():
        c = dict(base, **v)
        put("model_config", k + ".json", json.dumps({a: b for a, b in c.items() if b is not None}))
    put("model_config", "gpt2-not-dividing.json", json.dumps(dict(gpt2, n_embd=9)))

    # tokenizer.json: stories260K's, the tiny byte-level one (written by the tokenize harness's C++ twin),
    # and truncated / unsupported variants.
    tok = read("assets", "models", "stories260K", "tokenizer.json")
    put("tokenizer_json", "stories260K.json", tok)
    put("tokenizer_json", "truncated.json", tok[: len(tok) // 2])
    t = json.loads(tok)
    t["model"]["type"] = "WordPiece"
    put("tokenizer_json", "wordpiece.json", json.dumps(t))
    small = json.loads(tok)
    small["model"]["vocab"] = {k: v for k, v in small["model"]["vocab"].items() if v < 300}
    small["model"]["merges"] = [m for m in small["model"]["merges"]
                                if all(p in small["model"]["vocab"] for p in (m if isinstance(m, list) else m.split(" ")))
                                and "".join(m if isinstance(m, list) else m.split(" ")) in small["model"]["vocab"]]
    put("tokenizer_json", "stories260K-small.json", json.dumps(small))
    put("tokenizer_json", "byte-level.json", byte_level_tokenizer())
    bl = json.loads(byte_level_tokenizer())
    bl["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": "\\p{N}{1,3}"}, "behavior": "Isolated", "invert": False},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]}
    bl["normalizer"] = {"type": "NFC"}
    put("tokenizer_json", "byte-level-split-nfc.json", json.dumps(bl))
    bl["model"]["merges"] = [m.split(" ") for m in bl["model"]["merges"]]
    put("tokenizer_json", "byte-level-merge-pairs.json", json.dumps(bl))
    put("tokenizer_json", "merge-unknown.json", json.dumps(dict(bl, model=dict(bl["model"], merges=[["q", "zz"]]))))

    # Text to tokenize.
    for k, v in {"english": "Once upon a time, there was a little girl named Lily.",
                 "mixed": "Été 小明 😀 <s> </s> <|endoftext|>\t\r\n  123456 ",
                 "invalid-utf8": b"\x80 \xff \xc0\x80 \xed\xa0\x80 \xe0\xa0",
                 "nul-controls": b"a\x00b\x01\x7f\r\n\t", "spaces": "     ", "empty": "",
                 "combining": "e\u0301 \U0001d518 \U0001F468\u200d\U0001F469 \ufe0f",
                 "rtl": "مرحبا שלום नमस्ते สวัสดี"}.items():
        put("tokenize", k + ".txt", v)


def tiny_checkpoint_config():
    return ('{"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 8, "num_attention_heads": 2, '
            '"num_key_value_heads": 1, "head_dim": 4, "intermediate_size": 12, "vocab_size": 16, '
            '"max_position_embeddings": 32, "tie_word_embeddings": true}')


def byte_level_tokenizer():
    # The same tokenizer as contracts.h tiny_byte_level_tokenizer_json().
    vocab = {}
    n = 0
    for b in range(256):
        printable = 33 <= b <= 126 or 161 <= b <= 172 or 174 <= b <= 255
        vocab[chr(b) if printable else chr(256 + n)] = b
        if not printable:
            n += 1
    merges = [("\u0120", "t"), ("h", "e"), ("\u0120t", "he"), ("a", "t"), ("i", "n")]
    for a, b in merges:
        vocab[a + b] = len(vocab)
    eot = len(vocab)
    vocab["<|endoftext|>"] = eot
    return json.dumps({
        "version": "1.0",
        "added_tokens": [{"id": eot, "content": "<|endoftext|>", "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True}],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": None,
        "decoder": {"type": "ByteLevel"},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": [a + " " + b for a, b in merges]}}, ensure_ascii=False)


if __name__ == "__main__":
    sys.exit(main())
