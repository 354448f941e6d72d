"""Fixed int8 activation scales: each ``DynamicQuantizeLinear`` of the int8 graph made a ``QuantizeLinear``.

Why: dynamic quantisation gives a whole batch's activations one scale, taken from that batch's
smallest and largest value (padding included), so a post's score depends on the posts scored with it:
the same post could be flagged by the pipeline and not when a moderator's page scores it alone.
Measuring each quantised activation's range once, on validation posts, and fixing its scale and zero
point removes that dependence and keeps ONNX Runtime's integer kernels (``MatMulInteger``,
``QAttention``), which is what makes int8 fast here; a QDQ graph, the usual form of static
quantisation, ran slower than dynamic int8 (docs/experiments.md).

A range is taken over the posts' real tokens only. Rows of padding may then fall outside it and
saturate, which changes nothing a post's score reads: attention masks padded keys and the mean pool
skips them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper

from models.onnx_engine import UNFUSED, session_options, token_batches
from models.padding import pad_ids

DYNAMIC = "DynamicQuantizeLinear"


def activation_ranges(
    model: bytes, seqs: Sequence[Sequence[int]], pad_id: int, max_tokens: int = 1024, max_batch: int = 32
) -> dict[str, tuple[float, float]]:
    """``{tensor: (min, max)}`` over the real tokens of ``seqs`` for every input of a dynamic quantiser."""
    graph = onnx.load_from_string(model)
    names = [n.input[0] for n in graph.graph.node if n.op_type == DYNAMIC]
    for name in names:
        graph.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    session = ort.InferenceSession(
        graph.SerializeToString(), session_options(), providers=["CPUExecutionProvider"], disabled_optimizers=UNFUSED
    )
    low = dict.fromkeys(names, np.inf)
    high = dict.fromkeys(names, -np.inf)
    for batch in token_batches([len(s) for s in seqs], max_tokens, max_batch):
        ids, mask = pad_ids([seqs[i] for i in batch], pad_id)
        for name, value in zip(names, session.run(names, {"input_ids": ids, "attention_mask": mask}), strict=True):
            real = value[mask.astype(bool)] if value.ndim == 3 else value  # [posts, tokens, width] or pooled
            low[name] = min(low[name], float(real.min()))
            high[name] = max(high[name], float(real.max()))
    return {name: (low[name], high[name]) for name in names}


def uint8_scale(low: float, high: float) -> tuple[np.float32, np.uint8]:
    """Scale and zero point of the range, as ``DynamicQuantizeLinear`` computes them (zero always exact)."""
    low, high = min(low, 0.0), max(high, 0.0)
    scale = np.float32(max(high - low, float(np.finfo(np.float32).tiny)) / 255.0)
    return scale, np.uint8(np.clip(round(-low / float(scale)), 0, 255))


def fix_scales(model: bytes, ranges: dict[str, tuple[float, float]]) -> bytes:
    """The graph with each dynamic quantiser of a measured tensor replaced by a fixed-scale ``QuantizeLinear``.

    The scale and zero point become constants under the names the quantiser's outputs had, so the
    integer operators that read them are left as they were.
    """
    graph = onnx.load_from_string(model)
    nodes: list[onnx.NodeProto] = []
    for node in graph.graph.node:
        if node.op_type != DYNAMIC or node.input[0] not in ranges:
            nodes.append(node)
            continue
        quantised, scale_name, zero_name = node.output
        scale, zero = uint8_scale(*ranges[node.input[0]])
        graph.graph.initializer.extend(
            [numpy_helper.from_array(np.array(scale), scale_name), numpy_helper.from_array(np.array(zero), zero_name)]
        )
        nodes.append(
            helper.make_node(
                "QuantizeLinear", [node.input[0], scale_name, zero_name], [quantised], name=f"{node.name}_fixed"
            )
        )
    del graph.graph.node[:]
    graph.graph.node.extend(nodes)
    fixed: bytes = graph.SerializeToString()
    return fixed
