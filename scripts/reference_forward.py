#!/usr/bin/env python3
"""Independent NumPy reference of the BERT encoder and FastBERT classifiers (float64).

Reads a model folder (config.json + model.safetensors) and a JSON file with a list of token-id
lists. Runs them as one right-padded batch with an attention mask (the Hugging Face way) and
writes a safetensors file with, for every layer l (0 = embeddings): `hidden.{l}` of shape
[total_tokens, H] (the unpadded rows of each sequence, concatenated), and, when the model has
FastBERT classifiers, `logits.{l}` of shape [batch, labels] for l = 1..L.

usage: reference_forward.py MODEL_DIR IDS_JSON OUT_SAFETENSORS
"""
import json
import math
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        lo, hi = e["data_offsets"]
        if e["dtype"] == "BF16":
            u16 = np.frombuffer(raw[base + lo : base + hi], dtype=np.uint16)
            arr = (u16.astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(raw[base + lo : base + hi], dtype=DTYPES[e["dtype"]])
        out[name] = arr.reshape(e["shape"]).astype(np.float64)
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def layer_norm(x, g, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * g + b


def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def softmax(x):
    x = x - x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)


def attention(x, wq, bq, wk, bk, wv, bv, heads, mask):
    b, t, _ = x.shape
    q, k, v = x @ wq.T + bq, x @ wk.T + bk, x @ wv.T + bv
    d = q.shape[-1] // heads
    split = lambda y: y.reshape(b, -1, heads, d).transpose(0, 2, 1, 3)
    q, k, v = split(q), split(k), split(v)
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d)
    scores = scores + (1.0 - mask[:, None, None, :]) * -1e9
    ctx = softmax(scores) @ v
    return ctx.transpose(0, 2, 1, 3).reshape(b, -1, heads * d)


def main():
    model_dir, ids_path, out_path = sys.argv[1:4]
    cfg = json.load(open(f"{model_dir}/config.json"))
    w = read_safetensors(f"{model_dir}/model.safetensors")
    p = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""
    seqs = json.load(open(ids_path))
    b, t = len(seqs), max(len(s) for s in seqs)
    ids = np.zeros((b, t), dtype=np.int64)
    mask = np.zeros((b, t))
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = s
        mask[i, : len(s)] = 1
    eps = cfg.get("layer_norm_eps", 1e-12)
    heads = cfg["num_attention_heads"]

    x = w[p + "embeddings.word_embeddings.weight"][ids]
    x = x + w[p + "embeddings.position_embeddings.weight"][np.arange(t)][None]
    x = x + w[p + "embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, w[p + "embeddings.LayerNorm.weight"], w[p + "embeddings.LayerNorm.bias"], eps)
    out = {}

    def unpad(y):
        return np.concatenate([y[i, : len(s)] for i, s in enumerate(seqs)])

    out["hidden.0"] = unpad(x)
    fb = cfg.get("fastbert", {})
    has_heads = "fastbert.classifiers.0.dense_in.weight" in w
    for l in range(cfg["num_hidden_layers"]):
        L = lambda n: w[f"{p}encoder.layer.{l}.{n}"]
        a = attention(x, L("attention.self.query.weight"), L("attention.self.query.bias"),
                      L("attention.self.key.weight"), L("attention.self.key.bias"),
                      L("attention.self.value.weight"), L("attention.self.value.bias"), heads, mask)
        a = a @ L("attention.output.dense.weight").T + L("attention.output.dense.bias")
        x = layer_norm(x + a, L("attention.output.LayerNorm.weight"), L("attention.output.LayerNorm.bias"), eps)
        f = gelu(x @ L("intermediate.dense.weight").T + L("intermediate.dense.bias"))
        f = f @ L("output.dense.weight").T + L("output.dense.bias")
        x = layer_norm(x + f, L("output.LayerNorm.weight"), L("output.LayerNorm.bias"), eps)
        out[f"hidden.{l + 1}"] = unpad(x)
        if has_heads:
            C = lambda n: w[f"fastbert.classifiers.{l}.{n}"]
            r = np.tanh(x @ C("dense_in.weight").T + C("dense_in.bias"))
            a = attention(r, C("attention.query.weight"), C("attention.query.bias"),
                          C("attention.key.weight"), C("attention.key.bias"),
                          C("attention.value.weight"), C("attention.value.bias"), fb.get("classifier_heads", 2), mask)
            a = a @ C("attention.output.weight").T + C("attention.output.bias")
            hcls = np.tanh(a[:, 0] @ C("dense_hidden.weight").T + C("dense_hidden.bias"))
            out[f"logits.{l + 1}"] = hcls @ C("dense_logits.weight").T + C("dense_logits.bias")
    write_safetensors(out_path, out)


if __name__ == "__main__":
    main()
